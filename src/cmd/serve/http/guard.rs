//! The connection as hyper reads and writes it ([`Guarded`]): the limits that live on the
//! socket rather than in a request. A deadline for a whole reply (hyper has no write timeout),
//! a readable reply (and 505) instead of hyper's empty one to a head it cannot read, and closes
//! that do not reset.

use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, ready};
use std::time::{Duration, Instant};

use hyper::StatusCode;
use tokio::io::{AsyncRead, AsyncReadExt as _, AsyncWrite, AsyncWriteExt as _, ReadBuf};
use tokio::net::TcpStream;
use tokio::time::Sleep;

use super::limits::Ticket;
use crate::core::sync::lock;

/// A whole reply must be taken within this time (one SSE message, for the event stream). The
/// deadline is the reply's, not each write's: a client reading a byte now and then would
/// otherwise hold the connection for ever. 60 s is a large PDF over slow Wi-Fi.
const REPLY_TIME: Duration = Duration::from_secs(60);

/// How long a connection being closed is read from, so that its close is not a reset.
const LINGER: Duration = Duration::from_secs(2);

/// The deadline of the reply being sent on a connection, started by whoever hands hyper a reply
/// (the request handler, each event of a stream) and enforced on the connection's writes.
#[derive(Clone, Default)]
pub(super) struct ReplyClock(Arc<Mutex<Option<Instant>>>);

impl ReplyClock {
    /// A reply begins: it must be taken within the reply time.
    pub(super) fn start(&self) {
        *lock(&self.0) = Some(Instant::now() + REPLY_TIME);
    }

    fn deadline(&self) -> Option<Instant> {
        *lock(&self.0)
    }
}

/// A connection as hyper reads and writes it (through `TokioIo`).
///
/// - A write that cannot proceed waits at most until the [`ReplyClock`]'s deadline: hyper has
///   no write timeout, and a client that stops reading would hold the connection for ever.
/// - hyper answers a head it cannot parse itself, with an empty 400 or 431 and no
///   `X-Content-Type-Options`, before closing. That reply is recognised (every reply of ours
///   carries `nosniff`; hyper's is a bodiless head in one write) and replaced by one that says
///   what is wrong, in Indonesian, with `nosniff`, and with 505 for an HTTP version other than
///   1.0 and 1.1 (hyper says 400).
/// - Dropped (hyper is done), it ends its side, then reads what the client still sends for a
///   while before closing: closing with unread bytes (a body, the rest of a refused head)
///   sends a reset, which can destroy the reply before the client reads it. Its ticket is
///   given back after that.
pub(super) struct Guarded {
    stream: Option<TcpStream>,
    ticket: Option<Arc<Ticket>>,
    clock: ReplyClock,
    /// The deadline `timer` sleeps until.
    timer: Option<(Instant, Pin<Box<Sleep>>)>,
    /// The first line read since the last write (the request line of a head hyper may refuse).
    line: Vec<u8>,
    wrote: bool,
    /// Our reply replacing hyper's, and how much of it is written.
    replacement: Option<(Vec<u8>, usize)>,
}

/// The longest request line kept to tell a 505 from a 400.
const LINE: usize = 16 * 1024;

impl Guarded {
    pub(super) fn new(stream: TcpStream, ticket: Arc<Ticket>, clock: ReplyClock) -> Guarded {
        Guarded {
            stream: Some(stream),
            ticket: Some(ticket),
            clock,
            timer: None,
            line: Vec::new(),
            wrote: false,
            replacement: None,
        }
    }

    fn stream(&mut self) -> Pin<&mut TcpStream> {
        Pin::new(self.stream.as_mut().expect("taken only on drop"))
    }

    /// Called when a write cannot proceed: an error once the reply's deadline has passed,
    /// otherwise pending (woken by the socket or at the deadline).
    fn wait_deadline(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        let Some(deadline) = self.clock.deadline() else {
            return Poll::Pending;
        };
        if self.timer.as_ref().is_none_or(|(at, _)| *at != deadline) {
            let sleep = tokio::time::sleep_until(tokio::time::Instant::from_std(deadline));
            self.timer = Some((deadline, Box::pin(sleep)));
        }
        let (_, sleep) = self.timer.as_mut().expect("just set");
        ready!(sleep.as_mut().poll(cx));
        Poll::Ready(Err(io::ErrorKind::TimedOut.into()))
    }

    /// Writes what is left of the replacement reply.
    fn poll_replacement(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while let Some((bytes, done)) = self.replacement.take() {
            if done == bytes.len() {
                return Poll::Ready(Ok(()));
            }
            let n = match self.stream().poll_write(cx, &bytes[done..]) {
                Poll::Ready(r) => r?,
                Poll::Pending => {
                    self.replacement = Some((bytes, done));
                    ready!(self.wait_deadline(cx))?;
                    return Poll::Pending;
                }
            };
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            self.replacement = Some((bytes, done + n));
        }
        Poll::Ready(Ok(()))
    }

    fn write(&mut self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        ready!(self.poll_replacement(cx))?;
        self.wrote = true;
        if let Some(status) = automatic_error(buf) {
            self.clock.start();
            self.replacement = Some((refusal(status, &self.line), 0));
            // hyper's bytes are taken (and dropped); ours go out now or at the flush.
            let _ = self.poll_replacement(cx)?;
            return Poll::Ready(Ok(buf.len()));
        }
        match self.stream().poll_write(cx, buf) {
            Poll::Pending => self.wait_deadline(cx),
            done => done,
        }
    }
}

impl AsyncRead for Guarded {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        ready!(this.stream().poll_read(cx, buf))?;
        if std::mem::take(&mut this.wrote) {
            this.line.clear();
        }
        let read = &buf.filled()[before..];
        if !this.line.contains(&b'\n') && this.line.len() < LINE {
            // Empty lines before a request line are skipped, as hyper does.
            let read = if this.line.is_empty() {
                let start = read.iter().position(|b| !matches!(b, b'\r' | b'\n'));
                &read[start.unwrap_or(read.len())..]
            } else {
                read
            };
            let room = LINE - this.line.len();
            this.line.extend_from_slice(&read[..read.len().min(room)]);
        }
        Poll::Ready(Ok(()))
    }
}

impl AsyncWrite for Guarded {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.get_mut().write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let mut parts = bufs.iter().filter(|b| !b.is_empty());
        let (Some(first), None) = (parts.next(), parts.clone().next()) else {
            // A head and a body: a reply of ours (hyper's own has no body).
            ready!(this.poll_replacement(cx))?;
            this.wrote = true;
            return match this.stream().poll_write_vectored(cx, bufs) {
                Poll::Pending => this.wait_deadline(cx),
                done => done,
            };
        };
        this.write(cx, first)
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_replacement(cx))?;
        this.stream().poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_replacement(cx))?;
        this.stream().poll_shutdown(cx)
    }
}

impl Drop for Guarded {
    fn drop(&mut self) {
        let (Some(stream), ticket) = (self.stream.take(), self.ticket.take()) else {
            return;
        };
        // Outside a runtime (never, in `serve`) the stream simply closes.
        if let Ok(rt) = tokio::runtime::Handle::try_current() {
            rt.spawn(linger(stream, ticket));
        }
    }
}

/// Ends our side of a connection, then reads what remains, briefly (at most 1 MB or 2 s), so
/// that the client reads our last reply rather than a reset. The ticket is given back after.
async fn linger(mut stream: TcpStream, ticket: Option<Arc<Ticket>>) {
    let _ = stream.shutdown().await;
    let drain = async {
        let mut buf = [0u8; 8192];
        let mut left = 1usize << 20;
        while left > 0 {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => left = left.saturating_sub(n),
            }
        }
    };
    let _ = tokio::time::timeout(LINGER, drain).await;
    drop(ticket);
}

/// The status of hyper's automatic reply to a head it could not read, if `buf` is one: a
/// status line of 400, 414 or 431, then a head without `X-Content-Type-Options` and with
/// `Content-Length: 0`, ending where the write ends.
fn automatic_error(buf: &[u8]) -> Option<StatusCode> {
    let rest = buf
        .strip_prefix(b"HTTP/1.1 ")
        .or_else(|| buf.strip_prefix(b"HTTP/1.0 "))?;
    let status = StatusCode::from_bytes(rest.get(..3)?).ok()?;
    if ![
        StatusCode::BAD_REQUEST,
        StatusCode::URI_TOO_LONG,
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
    ]
    .contains(&status)
    {
        return None;
    }
    let end = buf.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    if end != buf.len() {
        return None;
    }
    let head = String::from_utf8_lossy(buf).to_ascii_lowercase();
    (!head.contains("\r\nx-content-type-options:") && head.contains("\r\ncontent-length: 0\r\n"))
        .then_some(status)
}

/// Our reply to a head hyper refused with `status`; `line` is the request line as read.
fn refusal(status: StatusCode, line: &[u8]) -> Vec<u8> {
    let (status, text) = if status != StatusCode::BAD_REQUEST {
        (status, "Kepala permintaan terlalu besar.")
    } else if other_version(line) {
        (
            StatusCode::HTTP_VERSION_NOT_SUPPORTED,
            "Versi HTTP tidak didukung.",
        )
    } else {
        (StatusCode::BAD_REQUEST, "Permintaan tidak dapat dibaca.")
    };
    let body = format!("{text}\n");
    format!(
        "HTTP/1.1 {} {}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n{body}",
        status.as_u16(),
        status.canonical_reason().unwrap_or(""),
        body.len()
    )
    .into_bytes()
}

/// Whether a request line names an HTTP version other than 1.0 and 1.1 (`GET / HTTP/2`).
fn other_version(line: &[u8]) -> bool {
    let line = line.split(|&b| b == b'\n').next().unwrap_or_default();
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let version = line.rsplit(|&b| b == b' ').next().unwrap_or_default();
    version.starts_with(b"HTTP/") && version != b"HTTP/1.0" && version != b"HTTP/1.1"
}

#[cfg(test)]
mod tests {
    use super::super::limits::{Admission, CAPS, Limits};
    use super::*;

    #[test]
    fn only_hypers_bodiless_error_heads_are_replaced() {
        let hypers = b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nDate: Sun, 06 Dec 2026 10:00:00 GMT\r\n\r\n";
        assert_eq!(automatic_error(hypers), Some(StatusCode::BAD_REQUEST));
        let large = b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\n\r\n";
        assert_eq!(
            automatic_error(large),
            Some(StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE)
        );
        // Ours say nosniff; a head with a body after it, or another status, is not hyper's.
        let ours = b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nX-Content-Type-Options: nosniff\r\n\r\n";
        assert_eq!(automatic_error(ours), None);
        let with_body = b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\nx";
        assert_eq!(automatic_error(with_body), None);
        let not_found = b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n";
        assert_eq!(automatic_error(not_found), None);
        assert_eq!(automatic_error(b"%PDF-1.7\r\n\r\n"), None);

        let text =
            |status, line: &str| String::from_utf8(refusal(status, line.as_bytes())).unwrap();
        let r = text(StatusCode::BAD_REQUEST, "GET / HTTP/3\r\n");
        assert!(
            r.starts_with("HTTP/1.1 505 HTTP Version Not Supported\r\n"),
            "{r}"
        );
        assert!(r.contains("\r\nX-Content-Type-Options: nosniff\r\n"), "{r}");
        assert!(r.ends_with("\r\n\r\nVersi HTTP tidak didukung.\n"), "{r}");
        let r = text(StatusCode::BAD_REQUEST, "halo\r\n");
        assert!(r.starts_with("HTTP/1.1 400 Bad Request\r\n"), "{r}");
        assert!(r.contains("Content-Length: 31\r\n"), "{r}");
        let r = text(StatusCode::BAD_REQUEST, "GET / HTTP/1.1\r\n");
        assert!(r.starts_with("HTTP/1.1 400 "), "{r}");
        let r = text(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "GET / HTTP/1.1\r\n",
        );
        assert!(r.starts_with("HTTP/1.1 431 "), "{r}");
    }

    #[test]
    fn a_reply_taken_slowly_ends_at_the_reply_deadline_not_per_write() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let client = TcpStream::connect(listener.local_addr().unwrap())
                .await
                .unwrap();
            let (server, _) = listener.accept().await.unwrap();
            // The client reads 16 KB every 20 ms: each write makes progress, and 64 MB (more
            // than socket buffers take at once) would take over a minute.
            let reader = tokio::spawn(async move {
                let mut client = client;
                let mut buf = [0u8; 16 * 1024];
                while matches!(client.read(&mut buf).await, Ok(n) if n > 0) {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            });
            let limits = Arc::new(Limits::new(CAPS));
            let Admission::Served(ticket) = limits.admit("127.0.0.1".parse().unwrap()) else {
                panic!()
            };
            let clock = ReplyClock::default();
            let mut conn = Guarded::new(server, Arc::new(ticket), clock.clone());
            // A 300 ms deadline instead of 60 s.
            *lock(&clock.0) = Some(Instant::now() + Duration::from_millis(300));
            let started = Instant::now();
            let r = conn.write_all(&vec![b'x'; 64 << 20]).await;
            let took = started.elapsed();
            assert!(r.is_err(), "64 MB written to a slow reader within 300 ms?");
            assert!(took < Duration::from_secs(5), "{took:?}");
            drop(conn);
            // The linger ends the connection; then the ticket comes back.
            reader.await.unwrap();
            tokio::time::sleep(Duration::from_millis(100)).await;
            assert_eq!(limits.counted(), 0, "ticket given back");
        });
    }
}
