//! The optional virus scan of uploads by clamd (ClamAV's daemon), when `[files] clamd` names
//! its TCP address (Debian's `clamav-daemon` with `TCPSocket 3310` in `clamd.conf`): the bytes
//! are streamed with clamd's `INSTREAM` command and the verdict read back. The scan fails
//! closed: while clamd cannot answer, uploads are refused (503) rather than stored unscanned.

use std::{net::SocketAddr, time::Duration};

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

/// How long a scan may take, connection included.
pub const SCAN_TIMEOUT: Duration = Duration::from_secs(30);

/// clamd's chunk size for `INSTREAM` (its `StreamMaxLength` bounds the total, 25 MB by default).
const CHUNK: usize = 64 * 1024;

/// What clamd said about the bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Nothing found.
    Clean,
    /// A signature matched (its name).
    Infected(String),
}

/// Why there is no verdict.
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    /// clamd could not be reached or broke off.
    #[error("clamd: {0}")]
    Io(#[from] std::io::Error),
    /// clamd did not answer within [`SCAN_TIMEOUT`].
    #[error("clamd did not answer in time")]
    Timeout,
    /// clamd answered with an error ("INSTREAM size limit exceeded", …).
    #[error("clamd: {0}")]
    Refused(String),
}

/// Reads clamd's answer to one stream (`stream: OK`, `stream: NAME FOUND`, `… ERROR`).
fn verdict(answer: &str) -> Result<Verdict, ScanError> {
    let answer = answer.trim_end_matches(['\0', '\n']).trim();
    let body = answer.strip_prefix("stream:").map_or(answer, str::trim);
    if body == "OK" {
        Ok(Verdict::Clean)
    } else if let Some(name) = body.strip_suffix(" FOUND") {
        Ok(Verdict::Infected(name.trim().to_owned()))
    } else {
        Err(ScanError::Refused(body.chars().take(200).collect()))
    }
}

async fn exchange(addr: SocketAddr, content: &[u8]) -> Result<Verdict, ScanError> {
    let mut stream = TcpStream::connect(addr).await?;
    stream.write_all(b"zINSTREAM\0").await?;
    for chunk in content.chunks(CHUNK) {
        // A chunk is at most CHUNK bytes: its length always fits the 4-byte prefix.
        let len = u32::try_from(chunk.len()).unwrap_or(u32::MAX);
        stream.write_all(&len.to_be_bytes()).await?;
        stream.write_all(chunk).await?;
    }
    stream.write_all(&[0, 0, 0, 0]).await?;
    let mut answer = Vec::with_capacity(64);
    let mut buf = [0u8; 256];
    loop {
        let n = stream.read(&mut buf).await?;
        let piece = buf.get(..n).unwrap_or_default();
        answer.extend_from_slice(piece);
        if n == 0 || piece.contains(&0) || answer.len() > 4096 {
            break;
        }
    }
    verdict(&String::from_utf8_lossy(&answer))
}

/// Scans `content` with the clamd at `addr`.
pub async fn scan(addr: SocketAddr, content: &[u8]) -> Result<Verdict, ScanError> {
    tokio::time::timeout(SCAN_TIMEOUT, exchange(addr, content))
        .await
        .map_err(|_| ScanError::Timeout)?
}

#[cfg(test)]
pub(crate) mod fake {
    //! A clamd that speaks `INSTREAM` and finds the EICAR test string.

    use tokio::{
        io::{AsyncReadExt, AsyncWriteExt},
        net::TcpListener,
    };

    /// The EICAR anti-virus test file (harmless; every scanner reports it).
    pub const EICAR: &[u8] =
        br"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";

    /// Starts the fake on a free port; returns its address.
    pub async fn clamd() -> std::net::SocketAddr {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            loop {
                let Ok((mut s, _)) = listener.accept().await else {
                    return;
                };
                tokio::spawn(async move {
                    let mut command = [0u8; 10];
                    s.read_exact(&mut command).await.unwrap();
                    assert_eq!(&command, b"zINSTREAM\0");
                    let mut data = Vec::new();
                    loop {
                        let mut len = [0u8; 4];
                        s.read_exact(&mut len).await.unwrap();
                        let len = u32::from_be_bytes(len) as usize;
                        if len == 0 {
                            break;
                        }
                        let mut chunk = vec![0u8; len];
                        s.read_exact(&mut chunk).await.unwrap();
                        data.extend_from_slice(&chunk);
                    }
                    let found = data.windows(EICAR.len()).any(|w| w == EICAR);
                    let answer: &[u8] = if found {
                        b"stream: Win.Test.EICAR_HDB-1 FOUND\0"
                    } else {
                        b"stream: OK\0"
                    };
                    s.write_all(answer).await.unwrap();
                });
            }
        });
        addr
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clamds_answers_are_read() {
        assert_eq!(verdict("stream: OK\0").unwrap(), Verdict::Clean);
        assert_eq!(
            verdict("stream: Win.Test.EICAR_HDB-1 FOUND\0").unwrap(),
            Verdict::Infected("Win.Test.EICAR_HDB-1".into())
        );
        assert!(matches!(
            verdict("INSTREAM size limit exceeded. ERROR\0"),
            Err(ScanError::Refused(_))
        ));
    }

    #[tokio::test]
    async fn a_stream_is_scanned_in_chunks() {
        let addr = fake::clamd().await;
        let mut big = vec![b'a'; 3 * CHUNK + 17];
        assert_eq!(scan(addr, &big).await.unwrap(), Verdict::Clean);
        big.extend_from_slice(fake::EICAR);
        assert!(matches!(
            scan(addr, &big).await.unwrap(),
            Verdict::Infected(_)
        ));
    }

    #[tokio::test]
    async fn no_clamd_is_an_error_not_a_pass() {
        let unused = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = unused.local_addr().unwrap();
        drop(unused);
        assert!(scan(addr, b"%PDF-1.4").await.is_err());
    }
}
