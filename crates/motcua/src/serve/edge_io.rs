//! The socket as hyper sees it: incoming bytes reported to the connection's watchdog, and
//! hyper's own answers to requests it cannot parse dressed in the JSON envelope.

use std::{
    io,
    pin::Pin,
    sync::Arc,
    task::{Context, Poll},
};

use axum::http::StatusCode;
use tokio::{
    io::{AsyncRead, AsyncWrite, ReadBuf},
    net::TcpStream,
};

use super::activity::Activity;

/// The socket as hyper sees it: reports incoming bytes to the watchdog, and replaces hyper's
/// automatic answer to an unparseable request (a status line, `content-length: 0`, a date)
/// with the same status carrying the JSON envelope.
///
/// The automatic answer is recognisable because it is the only error response without a
/// `content-type`: the application's edge gives every error it answers one. It is written as
/// one buffer (a head without body) at the start of a write, and hyper closes the connection
/// after it.
pub(super) struct EdgeIo {
    inner: TcpStream,
    activity: Arc<Activity>,
    /// A replacement still to be written, and how much of it is.
    pending: Option<(Vec<u8>, usize)>,
}

impl EdgeIo {
    pub(super) fn new(inner: TcpStream, activity: Arc<Activity>) -> Self {
        Self {
            inner,
            activity,
            pending: None,
        }
    }

    /// Writes what is left of a replacement; ready when nothing is.
    fn poll_pending(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while let Some((bytes, written)) = &mut self.pending {
            if *written >= bytes.len() {
                self.pending = None;
                break;
            }
            let n =
                std::task::ready!(Pin::new(&mut self.inner).poll_write(cx, &bytes[*written..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            *written += n;
        }
        Poll::Ready(Ok(()))
    }
}

/// The envelope-carrying replacement for hyper's automatic answer `head`, if it is one.
fn replace_automatic_answer(head: &[u8]) -> Option<Vec<u8>> {
    // Cheap tests first: this looks at every write (hyper's answer is about 100 bytes).
    if head.len() > 512 || !head.starts_with(b"HTTP/1.") || !head.ends_with(b"\r\n\r\n") {
        return None;
    }
    let text = std::str::from_utf8(head).ok()?;
    let lines = text.strip_suffix("\r\n\r\n")?;
    if lines.contains("\r\n\r\n") {
        return None;
    }
    let mut lines = lines.split("\r\n");
    let status_line = lines.next()?;
    let code: u16 = status_line
        .strip_prefix("HTTP/1.1 ")
        .or_else(|| status_line.strip_prefix("HTTP/1.0 "))?
        .get(..3)?
        .parse()
        .ok()?;
    let status = StatusCode::from_u16(code).ok()?;
    if !(status.is_client_error() || status.is_server_error()) {
        return None;
    }
    let headers: Vec<&str> = lines.collect();
    let named = |name: &str| {
        headers.iter().any(|h| {
            h.len() > name.len()
                && h[..name.len()].eq_ignore_ascii_case(name)
                && h.as_bytes()[name.len()] == b':'
        })
    };
    let empty = headers
        .iter()
        .any(|h| h.eq_ignore_ascii_case("content-length: 0"));
    if named("content-type") || !empty {
        return None;
    }
    let body = motcua_web::edge::connection_error_json(status);
    let mut out = format!(
        "{status_line}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
         x-content-type-options: nosniff\r\ncache-control: no-store\r\nconnection: close\r\n",
        body.len()
    );
    // hyper's own `connection: close` is replaced by ours (the connection closes either way).
    let replaced = |h: &&&str| {
        h.eq_ignore_ascii_case("content-length: 0")
            || h.get(..11)
                .is_some_and(|n| n.eq_ignore_ascii_case("connection:"))
    };
    for h in headers.iter().filter(|h| !replaced(h)) {
        out.push_str(h);
        out.push_str("\r\n");
    }
    out.push_str("\r\n");
    let mut out = out.into_bytes();
    out.extend_from_slice(&body);
    Some(out)
}

impl AsyncRead for EdgeIo {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let read = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(read, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.activity.received();
        }
        read
    }
}

impl AsyncWrite for EdgeIo {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        std::task::ready!(self.poll_pending(cx))?;
        if let Some(replacement) = replace_automatic_answer(buf) {
            self.pending = Some((replacement, 0));
            // Written as far as hyper is concerned; the replacement goes out on the next
            // write, flush or shutdown.
            let _ = self.poll_pending(cx)?;
            return Poll::Ready(Ok(buf.len()));
        }
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        std::task::ready!(self.poll_pending(cx))?;
        let mut non_empty = bufs.iter().filter(|b| !b.is_empty());
        if let (Some(only), None) = (non_empty.next(), non_empty.next())
            && let Some(replacement) = replace_automatic_answer(only)
        {
            self.pending = Some((replacement, 0));
            let _ = self.poll_pending(cx)?;
            return Poll::Ready(Ok(only.len()));
        }
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        std::task::ready!(self.poll_pending(cx))?;
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        std::task::ready!(self.poll_pending(cx))?;
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hyper_answers_are_replaced_and_nothing_else() {
        let auto = b"HTTP/1.1 431 Request Header Fields Too Large\r\nconnection: close\r\ncontent-length: 0\r\n\
                     date: Wed, 25 Nov 2026 02:00:00 GMT\r\n\r\n";
        let out = String::from_utf8(replace_automatic_answer(auto).unwrap()).unwrap();
        let (head, body) = out.split_once("\r\n\r\n").unwrap();
        assert!(
            head.starts_with("HTTP/1.1 431 Request Header Fields Too Large\r\n"),
            "{head}"
        );
        assert!(head.contains("content-type: application/json"), "{head}");
        assert!(
            head.contains(&format!("content-length: {}", body.len())),
            "{head}"
        );
        assert!(head.contains("date: Wed, 25 Nov 2026"), "{head}");
        assert!(!head.contains("content-length: 0"), "{head}");
        assert_eq!(head.matches("connection: close").count(), 1, "{head}");
        let v: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(v["error"]["code"], "headers_too_large");
        let bad =
            replace_automatic_answer(b"HTTP/1.0 400 Bad Request\r\ncontent-length: 0\r\n\r\n")
                .unwrap();
        assert!(String::from_utf8(bad).unwrap().contains("\"bad_request\""));

        // The application's own answers carry a content type, or are no errors, or have a body.
        for own in [
            &b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: 0\r\n\r\n"[..],
            b"HTTP/1.1 204 No Content\r\ndate: x\r\n\r\n",
            b"HTTP/1.1 404 Not Found\r\ncontent-length: 12\r\n\r\n",
            b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\nHTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n",
            b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n",
            b"{\"error\": 1}",
        ] {
            assert!(replace_automatic_answer(own).is_none(), "{}", String::from_utf8_lossy(own));
        }
    }
}
