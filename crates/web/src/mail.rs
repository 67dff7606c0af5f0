//! Delivering the e-mail outbox.
//!
//! Mails are queued by the store in the transaction of the change that causes them
//! ([`motcua_store::OutboxStore`]); this worker claims due mails, sends them, and records the
//! outcome with exponential back-off. Two transports:
//!
//! - **maildir** (the default): each mail becomes a file in `<dir>/new/` (written to `tmp/`
//!   first and renamed, so a reader never sees half a mail). The demo and the tests read
//!   mails from there; an operator can point any mail tool at it.
//! - **SMTP** (lettre): STARTTLS, implicit TLS, or plain for a local relay; TLS is rustls
//!   with the ring provider and the platform's root certificates.
//!
//! Log lines name mails by id only: addresses and bodies (which hold secret links) never
//! reach the log.

use std::{path::PathBuf, sync::Arc, time::Duration};

use jiff::Timestamp;
use lettre::{
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{Mailbox, header::ContentType},
    transport::smtp::authentication::Credentials,
};
use motcua_core::clock::Clock;
use motcua_store::{QueuedMail, Store};
use tokio::sync::Notify;

/// Attempts before a mail is abandoned.
pub const MAX_ATTEMPTS: i64 = 8;

/// How an SMTP connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SmtpSecurity {
    /// Plain connection upgraded with STARTTLS (port 587); refuses servers without it.
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
    /// No encryption: only for a relay on the same machine or network.
    None,
}

/// Where mail goes.
#[derive(Clone)]
pub enum TransportConfig {
    /// Files in a maildir.
    Maildir {
        /// The maildir (with `tmp/`, `new/`, `cur/`).
        dir: PathBuf,
    },
    /// An SMTP server.
    Smtp {
        /// Host name.
        host: String,
        /// Port.
        port: u16,
        /// Connection security.
        security: SmtpSecurity,
        /// User name, if the server requires authentication.
        username: Option<String>,
        /// Password.
        password: Option<String>,
    },
}

impl std::fmt::Debug for TransportConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Maildir { dir } => f.debug_struct("Maildir").field("dir", dir).finish(),
            Self::Smtp {
                host,
                port,
                security,
                username,
                ..
            } => f
                .debug_struct("Smtp")
                .field("host", host)
                .field("port", port)
                .field("security", security)
                .field("username", username)
                .field("password", &"[REDACTED]")
                .finish(),
        }
    }
}

/// Why a mail was not delivered.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct MailError {
    /// Retrying cannot help (a rejected address, an unusable message).
    pub permanent: bool,
    /// What happened (no addresses in it).
    pub message: String,
}

impl MailError {
    fn permanent(message: impl Into<String>) -> Self {
        Self {
            permanent: true,
            message: message.into(),
        }
    }
    fn transient(message: impl Into<String>) -> Self {
        Self {
            permanent: false,
            message: message.into(),
        }
    }
}

enum Transport {
    Maildir(PathBuf),
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
}

/// Sends mails.
pub struct Mailer {
    from: Mailbox,
    transport: Transport,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer")
            .field(
                "transport",
                &match self.transport {
                    Transport::Maildir(_) => "maildir",
                    Transport::Smtp(_) => "smtp",
                },
            )
            .finish()
    }
}

impl Mailer {
    /// A mailer sending as `from` (e.g. `Cổng Dịch vụ công <no-reply@example.gov.vn>`).
    pub fn new(from: &str, transport: &TransportConfig) -> Result<Self, MailError> {
        let from: Mailbox = from
            .parse()
            .map_err(|e| MailError::permanent(format!("sender address: {e}")))?;
        let transport = match transport {
            TransportConfig::Maildir { dir } => Transport::Maildir(dir.clone()),
            TransportConfig::Smtp {
                host,
                port,
                security,
                username,
                password,
            } => {
                let builder = match security {
                    SmtpSecurity::Starttls => {
                        AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host)
                    }
                    SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(host),
                    SmtpSecurity::None => Ok(
                        AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host),
                    ),
                }
                .map_err(|e| MailError::permanent(format!("SMTP settings: {e}")))?;
                let mut builder = builder.port(*port).timeout(Some(Duration::from_secs(30)));
                if let (Some(u), Some(p)) = (username, password) {
                    builder = builder.credentials(Credentials::new(u.clone(), p.clone()));
                }
                Transport::Smtp(builder.build())
            }
        };
        Ok(Self { from, transport })
    }

    fn message(&self, mail: &QueuedMail) -> Result<Message, MailError> {
        let to: Mailbox = mail
            .recipient
            .parse()
            .map_err(|_| MailError::permanent("invalid recipient address"))?;
        Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .header(ContentType::TEXT_PLAIN)
            .message_id(Some(format!("<{}@motcua>", mail.id)))
            .body(mail.body.clone())
            .map_err(|e| MailError::permanent(format!("building the message: {e}")))
    }

    /// Sends one mail.
    pub async fn deliver(&self, mail: &QueuedMail) -> Result<(), MailError> {
        let message = self.message(mail)?;
        match &self.transport {
            Transport::Maildir(dir) => {
                let tmp = dir.join("tmp");
                let new = dir.join("new");
                for d in [&tmp, &new, &dir.join("cur")] {
                    tokio::fs::create_dir_all(d)
                        .await
                        .map_err(|e| MailError::transient(format!("maildir: {e}")))?;
                }
                let name = format!("{}.motcua", mail.id);
                let staged = tmp.join(&name);
                let bytes = message.formatted();
                let write = async {
                    use tokio::io::AsyncWriteExt;
                    let mut f = tokio::fs::File::create(&staged).await?;
                    f.write_all(&bytes).await?;
                    f.sync_all().await?;
                    tokio::fs::rename(&staged, new.join(&name)).await
                };
                write
                    .await
                    .map_err(|e| MailError::transient(format!("maildir: {e}")))
            }
            Transport::Smtp(smtp) => smtp.send(message).await.map(|_| ()).map_err(|e| MailError {
                permanent: e.is_permanent(),
                message: format!("SMTP: {e}"),
            }),
        }
    }
}

/// When to try again after `attempts` attempts: 1, 2, 4 … minutes, at most 6 hours.
pub fn retry_at(now: Timestamp, attempts: i64) -> Option<Timestamp> {
    if attempts >= MAX_ATTEMPTS {
        return None;
    }
    let exp = u32::try_from(attempts.saturating_sub(1).clamp(0, 20)).unwrap_or(20);
    let seconds = (60i64 << exp).min(6 * 3600);
    Timestamp::from_second(now.as_second() + seconds).ok()
}

/// Delivers every due mail once; returns how many were sent.
pub async fn deliver_due(store: &dyn Store, clock: &dyn Clock, mailer: &Mailer) -> usize {
    let mut sent = 0;
    loop {
        let now = clock.now();
        let lease = Timestamp::from_second(now.as_second() + 120).unwrap_or(now);
        let batch = match store.claim_mails(now, lease, 20).await {
            Ok(b) => b,
            Err(e) => {
                tracing::warn!(error = %e, "could not claim mails");
                return sent;
            }
        };
        if batch.is_empty() {
            return sent;
        }
        for mail in &batch {
            let now = clock.now();
            let outcome = match mailer.deliver(mail).await {
                Ok(()) => {
                    sent += 1;
                    tracing::info!(mail.id = %mail.id, attempts = mail.attempts, "mail delivered");
                    store.mark_mail_sent(&mail.id, now).await
                }
                Err(e) => {
                    let retry = if e.permanent {
                        None
                    } else {
                        retry_at(now, mail.attempts)
                    };
                    tracing::warn!(
                        mail.id = %mail.id,
                        attempts = mail.attempts,
                        error = %e.message,
                        gives_up = retry.is_none(),
                        "mail not delivered"
                    );
                    store
                        .mark_mail_failed(&mail.id, now, &e.message, retry)
                        .await
                }
            };
            if let Err(e) = outcome {
                tracing::warn!(error = %e, mail.id = %mail.id, "could not record a delivery outcome");
            }
        }
    }
}

/// Runs the delivery loop until the process ends: when woken (a mail was queued on this node)
/// or every `every` (mails queued on other nodes, retries).
pub fn spawn_worker(
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    mailer: Arc<Mailer>,
    wake: Arc<Notify>,
    every: Duration,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            deliver_due(store.as_ref(), clock.as_ref(), &mailer).await;
            tokio::select! {
                () = wake.notified() => {}
                () = tokio::time::sleep(every) => {}
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn back_off_doubles_and_gives_up() {
        let now = Timestamp::from_second(1_000_000).unwrap();
        assert_eq!(retry_at(now, 1).unwrap().as_second(), 1_000_060);
        assert_eq!(retry_at(now, 2).unwrap().as_second(), 1_000_120);
        assert_eq!(retry_at(now, 4).unwrap().as_second(), 1_000_480);
        assert_eq!(retry_at(now, 7).unwrap().as_second(), 1_000_000 + 3840);
        assert_eq!(retry_at(now, MAX_ATTEMPTS), None);
    }

    /// A minimal SMTP server for one session: answers every command, refuses recipients
    /// containing "refused" with a permanent 550, and returns what it received after DATA.
    async fn smtp_once(listener: tokio::net::TcpListener) -> String {
        use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
        let (socket, _) = listener.accept().await.unwrap();
        let (read, mut write) = socket.into_split();
        let mut lines = BufReader::new(read).lines();
        write.write_all(b"220 test ESMTP\r\n").await.unwrap();
        let mut data = String::new();
        let mut in_data = false;
        while let Ok(Some(line)) = lines.next_line().await {
            if in_data {
                if line == "." {
                    in_data = false;
                    write.write_all(b"250 2.0.0 queued\r\n").await.unwrap();
                } else {
                    data.push_str(&line);
                    data.push('\n');
                }
                continue;
            }
            let upper = line.to_uppercase();
            let reply: &[u8] = if upper.starts_with("EHLO") {
                b"250-test\r\n250 8BITMIME\r\n"
            } else if upper.starts_with("RCPT") && upper.contains("REFUSED") {
                b"550 5.1.1 no such user\r\n"
            } else if upper == "DATA" {
                in_data = true;
                b"354 go ahead\r\n"
            } else if upper == "QUIT" {
                write.write_all(b"221 bye\r\n").await.unwrap();
                break;
            } else {
                b"250 OK\r\n"
            };
            write.write_all(reply).await.unwrap();
        }
        data
    }

    #[tokio::test]
    async fn smtp_delivery_and_permanent_refusals() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = tokio::spawn(smtp_once(listener));
        let mailer = Mailer::new(
            "Cổng Dịch vụ công <no-reply@example.gov.vn>",
            &TransportConfig::Smtp {
                host: "127.0.0.1".into(),
                port,
                security: SmtpSecurity::None,
                username: None,
                password: None,
            },
        )
        .unwrap();
        let mail = QueuedMail {
            id: "m2".into(),
            recipient: "nguoi.dan@example.vn".into(),
            subject: "Kích hoạt tài khoản".into(),
            body: "Mở liên kết sau.".into(),
            attempts: 1,
        };
        mailer.deliver(&mail).await.unwrap();
        let received = server.await.unwrap();
        assert!(received.contains("To: nguoi.dan@example.vn"), "{received}");
        assert!(received.contains("Message-ID: <m2@motcua>"), "{received}");

        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = tokio::spawn(smtp_once(listener));
        let mailer = Mailer::new(
            "no-reply@example.gov.vn",
            &TransportConfig::Smtp {
                host: "127.0.0.1".into(),
                port,
                security: SmtpSecurity::None,
                username: None,
                password: None,
            },
        )
        .unwrap();
        let refused = QueuedMail {
            recipient: "refused@example.vn".into(),
            ..mail
        };
        let err = mailer.deliver(&refused).await.unwrap_err();
        assert!(err.permanent, "a 550 is not retried: {err}");
        server.abort();
        let _ = server.await;
        // Nobody listening: a transient failure, retried later.
        let err = mailer.deliver(&refused).await.unwrap_err();
        assert!(!err.permanent, "{err}");
    }

    #[tokio::test]
    async fn maildir_delivery_writes_whole_files() {
        let dir = std::env::temp_dir().join(format!("motcua-maildir-{}", uuid::Uuid::now_v7()));
        let mailer = Mailer::new(
            "Cổng Dịch vụ công <no-reply@example.gov.vn>",
            &TransportConfig::Maildir { dir: dir.clone() },
        )
        .unwrap();
        let mail = QueuedMail {
            id: "m1".into(),
            recipient: "nguoi.dan@example.vn".into(),
            subject: "Đặt lại mật khẩu".into(),
            body: "Mở liên kết sau: https://example.gov.vn/x".into(),
            attempts: 1,
        };
        mailer.deliver(&mail).await.unwrap();
        let text = std::fs::read_to_string(dir.join("new/m1.motcua")).unwrap();
        assert!(text.contains("To: nguoi.dan@example.vn"), "{text}");
        assert!(text.contains("Message-ID: <m1@motcua>"), "{text}");
        assert!(std::fs::read_dir(dir.join("tmp")).unwrap().next().is_none());
        let bad = QueuedMail {
            recipient: "not an address".into(),
            ..mail
        };
        assert!(mailer.deliver(&bad).await.unwrap_err().permanent);
        std::fs::remove_dir_all(dir).ok();
    }
}
