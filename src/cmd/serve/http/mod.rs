//! The HTTP side of `serve`: hyper (HTTP/1.1, keep-alive) on tokio, answering from the served
//! site ([`routes`]: the pages, the live-reload script, its status endpoint and event stream).
//! The server knows nothing of builds: it reads the [`Shared`] site, and an event stream wakes
//! when the site is swapped ([`Shared::subscribe`]).
//!
//! `serve` may be bound to a LAN (`--bind`) and a browser tab on any site can reach
//! `127.0.0.1`, so it bounds what clients can do. hyper enforces:
//!
//! - **Heads**: at most 16 KB (`max_header_size`; the read buffer stops at 32 KB,
//!   `max_buf_size`) and 100 headers, else 431. A head must be whole within [`HEAD_TIME`] (5 s)
//!   of the connection being ready for it, new or kept alive after a reply
//!   (`header_read_timeout`): an idle connection, or one trickling a head however slowly, is
//!   closed then.
//! - **Request smuggling**: httparse refuses whitespace before a header's colon, obs-folded
//!   lines, a bare CR, control characters in values, an empty name, and a `Transfer-Encoding`
//!   other than chunked, with 400 (RFC 9112 5.1, 5.2, 2.2); a request carrying both
//!   `Transfer-Encoding` and `Content-Length` is not kept alive, and bodies are framed by the
//!   protocol, never read as requests.
//!
//! Ours, on top ([`limits`], [`guard`] and this module):
//!
//! - **Connections**: at most 384 page connections, 64 from one client address, and, counted
//!   apart, 128 live-reload event streams, 32 from one address ([`limits::CAPS`]). A refused
//!   connection gets a 503 with `Retry-After` that reaches it; over 1,024 refusals at once (a
//!   flood), connections are closed unanswered.
//! - **Slow readers**: a whole reply must be taken within 60 s (one message, for an event
//!   stream), not per write ([`guard::ReplyClock`]); hyper has no write timeout.
//! - **Closes that do not lose the reply**: a connection is closed after ending our side and
//!   reading what the client still sends, for up to 2 s (a close with unread bytes is a reset,
//!   which can destroy the reply before the client reads it). A request with a body (never
//!   expected here) is answered and the connection closed.
//! - **Readable refusals**: hyper's own reply to a head it cannot read is empty; it is replaced
//!   by an Indonesian text with `nosniff`, and by 505 for an HTTP version other than 1.0/1.1
//!   (hyper says 400). HTTP/1.1 without `Host`, or with two, is 400 (RFC 9112 3.2); a
//!   target not starting with `/` (`*`) is 400; methods other than GET and HEAD get 405.
//! - **Open redirect**: runs of `/` in a path collapse to one, and a `Location` never starts
//!   with `//` or `/\` (a browser reads those as another host; CVE-2021-28861 in Python's
//!   `http.server`).
//! - **DNS rebinding**: a page on a hostile name that resolves to this machine sends its own
//!   name as `Host`. Only `localhost`, loopback addresses and the bound address (any address
//!   when bound to `0.0.0.0`) with the server's port, and the names given with `--host`, are
//!   answered; others get 421 (an address cannot be rebound). The authority of an
//!   absolute-form target wins over `Host` (RFC 9112 3.2.2).
//! - **Sniffing**: every reply says `X-Content-Type-Options: nosniff`.
//!
//! Not handled: TLS, HTTP/2, request bodies (never read), and IPv6 clients are limited per
//! address, not per /64 network.

mod guard;
mod limits;
mod routes;

use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use http_body_util::{Either, Full};
use hyper::body::{Bytes, Incoming};
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, Response, StatusCode, Version};
use hyper_util::rt::{TokioIo, TokioTimer};

use self::guard::{Guarded, ReplyClock};
use self::limits::{Admission, Limits, Refused, Ticket};
use self::routes::{EventStream, Reply, Route};
use super::Shared;

/// The longest request head (request line and headers); browsers send about 1 KB.
const MAX_HEAD: usize = 16 * 1024;

/// hyper's read buffer: a head that has not ended by then is refused (431) without reading on.
const MAX_BUF: usize = 32 * 1024;

/// A request head must be whole within this time of the connection being ready for it (opened,
/// or kept alive after a reply). A browser sends its head in one packet, at once, and opens a
/// new connection when a kept one was closed.
const HEAD_TIME: Duration = Duration::from_secs(5);

/// The body of every reply: whole, or an event stream.
type Body = Either<Full<Bytes>, EventStream>;

/// What every connection needs to know about the server.
struct Settings {
    /// The listener's address: its port, and its IP when bound to one.
    local: SocketAddr,
    /// Host names allowed besides addresses and `localhost` (`--host`), lowercase.
    hosts: Vec<String>,
}

/// Serves until the process ends, on a tokio runtime of its own (this thread blocks in it).
/// `hosts` are the names given with `--host`.
pub(crate) fn run(listener: std::net::TcpListener, shared: Arc<Shared>, hosts: Vec<String>) {
    let started = listener
        .local_addr()
        .and_then(|local| {
            listener.set_nonblocking(true)?;
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .thread_name("sopan-http")
                .enable_all()
                .build()?;
            Ok((local, runtime))
        })
        .and_then(|(local, runtime)| {
            let listener = {
                let _entered = runtime.enter();
                tokio::net::TcpListener::from_std(listener)?
            };
            Ok((local, runtime, listener))
        });
    let (local, runtime, listener) = match started {
        Ok(s) => s,
        Err(e) => {
            eprintln!(
                "peringatan: server HTTP tidak dapat dijalankan: {}",
                crate::core::error::io_words(&e)
            );
            return;
        }
    };
    let settings = Arc::new(Settings {
        local,
        hosts: hosts.iter().map(|h| h.to_ascii_lowercase()).collect(),
    });
    runtime.block_on(accept(listener, shared, settings));
}

/// Accepts connections and serves each on its own task at once, so a request never waits for
/// another connection.
async fn accept(listener: tokio::net::TcpListener, shared: Arc<Shared>, settings: Arc<Settings>) {
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(HEAD_TIME)
        .max_header_size(MAX_HEAD)
        .max_buf_size(MAX_BUF)
        // `Content-Length`, not `content-length`: what the tests and old tools read.
        .title_case_headers(true)
        .keep_alive(true);
    let http = Arc::new(http);
    let limits = Arc::new(Limits::new(limits::CAPS));
    loop {
        let (stream, peer) = match listener.accept().await {
            Ok(c) => c,
            Err(e) => {
                // Out of file descriptors and the like: wait for connections to close
                // rather than spin.
                eprintln!(
                    "peringatan: koneksi HTTP tidak diterima: {}",
                    crate::core::error::io_words(&e)
                );
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        // A body leaves after its head at once (no Nagle delay against the client's ACK).
        let _ = stream.set_nodelay(true);
        let (ticket, refused) = match limits.admit(peer.ip()) {
            Admission::Served(t) => (t, None),
            Admission::Refused(t, why) => (t, Some(why)),
            Admission::Dropped => continue,
        };
        let ticket = Arc::new(ticket);
        let clock = ReplyClock::default();
        let conn = Arc::new(Conn {
            shared: Arc::clone(&shared),
            settings: Arc::clone(&settings),
            ticket: Arc::clone(&ticket),
            clock: clock.clone(),
            refused,
        });
        let io = TokioIo::new(Guarded::new(stream, ticket, clock));
        let http = Arc::clone(&http);
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |req| {
                let conn = Arc::clone(&conn);
                async move { Ok::<_, Infallible>(conn.answer(&req)) }
            });
            // Its errors (a client gone, a head timed out or refused) end that connection
            // only; there is no one to tell.
            let _ = http.serve_connection(io, service).await;
        });
    }
}

/// One connection's view of the server.
struct Conn {
    shared: Arc<Shared>,
    settings: Arc<Settings>,
    ticket: Arc<Ticket>,
    clock: ReplyClock,
    /// Set when the connection is over the limits: every request gets a 503.
    refused: Option<Refused>,
}

impl Conn {
    fn answer(&self, req: &Request<Incoming>) -> Response<Body> {
        self.clock.start();
        let head_only = req.method() == Method::HEAD;
        if let Some(why) = self.refused {
            return busy(why);
        }
        let hosts = req.headers().get_all(header::HOST).iter().count();
        // A proxy's absolute form `http://host/path` names its host, which wins over the Host
        // header (RFC 9112 3.2.2).
        let host = match req.uri().authority() {
            Some(a) => Some(a.as_str()),
            None => req
                .headers()
                .get(header::HOST)
                .and_then(|h| h.to_str().ok()),
        };
        let http11 = req.version() == Version::HTTP_11;
        if hosts > 1 || (host.is_none() && (http11 || hosts > 0)) {
            let text = "Permintaan HTTP/1.1 harus membawa tepat satu kepala `Host`.";
            return closing(Reply::text(StatusCode::BAD_REQUEST, text));
        }
        if let Some(host) = host
            && !host_allowed(host, &self.settings)
        {
            let text = unknown_host(host, &self.settings);
            return closing(Reply::text(StatusCode::MISDIRECTED_REQUEST, &text));
        }
        if req.method() != Method::GET && !head_only {
            let reply = Reply::text(
                StatusCode::METHOD_NOT_ALLOWED,
                "Hanya GET dan HEAD yang dilayani.",
            )
            .with(header::ALLOW, "GET, HEAD");
            return closing(reply);
        }
        let path = req.uri().path();
        if !path.starts_with('/') {
            let text = "Permintaan tidak dapat dibaca.";
            return closing(Reply::text(StatusCode::BAD_REQUEST, text));
        }
        // A body (never expected here) is not read: the connection closes after the reply.
        let has_body = req.headers().contains_key(header::TRANSFER_ENCODING)
            || req
                .headers()
                .get(header::CONTENT_LENGTH)
                .is_some_and(|v| v != "0");
        let mut target = routes::collapse_slashes(path);
        if let Some(q) = req.uri().query() {
            target.push('?');
            target.push_str(q);
        }
        match routes::route(&target, &self.shared) {
            Route::Reply(reply) => response(reply, has_body),
            Route::Events(since) => self.events(since, head_only),
        }
    }

    /// The live-reload stream of builds after `since`, if this client may open one more.
    fn events(&self, since: u64, head_only: bool) -> Response<Body> {
        if let Err(why) = self.ticket.count_as_stream() {
            return busy(why);
        }
        let body = if head_only {
            Either::Left(Full::new(Bytes::new()))
        } else {
            let shared = Arc::clone(&self.shared);
            Either::Right(EventStream::start(shared, since, self.clock.clone()))
        };
        let mut res = Response::new(body);
        let h = res.headers_mut();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/event-stream"),
        );
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        h.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
        res
    }
}

/// The 503 of a connection or event stream over the limits.
fn busy(why: Refused) -> Response<Body> {
    let reply =
        Reply::text(StatusCode::SERVICE_UNAVAILABLE, why.text()).with(header::RETRY_AFTER, "2");
    closing(reply)
}

/// `reply`, the connection closed after it.
fn closing(reply: Reply) -> Response<Body> {
    response(reply, true)
}

/// `reply` as a response. Its body is kept for HEAD too: hyper measures it for
/// `Content-Length` and sends no body to HEAD.
fn response(reply: Reply, close: bool) -> Response<Body> {
    let mut res = Response::new(Either::Left(Full::new(reply.body)));
    *res.status_mut() = reply.status;
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(reply.content_type),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    // nosniff: a browser must not run a served `.txt` or a 404 as script or HTML.
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    for (name, value) in reply.extra {
        // Values are ours or the client's own path (which hyper read as valid).
        if let Ok(v) = HeaderValue::from_str(&value) {
            h.insert(name, v);
        }
    }
    if close {
        h.insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    res
}

/// Whether `host` (a `Host` header) names this server: an IP address (the bound one, a
/// loopback one, any when bound to all) or `localhost` with the server's port, or a name
/// given with `--host` with any port. A hostile page that made its own name resolve to this
/// machine (DNS rebinding) sends that name, and is refused; an address cannot be rebound.
fn host_allowed(host: &str, settings: &Settings) -> bool {
    let host = host.to_ascii_lowercase();
    let (name, port) = split_host(&host);
    if settings.hosts.iter().any(|h| *h == host || *h == name) {
        return true;
    }
    let port_ok = match port {
        Some(p) => p.parse::<u16>().ok() == Some(settings.local.port()),
        // A browser leaves out the default port.
        None => settings.local.port() == 80,
    };
    if !port_ok {
        return false;
    }
    if name == "localhost" {
        return true;
    }
    let bare = name.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<IpAddr>() {
        Ok(ip) => {
            let bound = settings.local.ip();
            ip.is_loopback() || ip == bound || bound.is_unspecified()
        }
        Err(_) => false,
    }
}

/// `name[:port]` or `[v6]:port` as its name (brackets kept) and port.
fn split_host(host: &str) -> (&str, Option<&str>) {
    if host.starts_with('[') {
        return match host.find(']') {
            Some(i) => (&host[..=i], host[i + 1..].strip_prefix(':')),
            None => (host, None),
        };
    }
    match host.rsplit_once(':') {
        Some((name, port)) => (name, Some(port)),
        None => (host, None),
    }
}

/// The 421 text for a name this server does not answer to; the name is repeated only when it
/// is a plain host name (it comes from the client).
fn unknown_host(host: &str, settings: &Settings) -> String {
    let port = settings.local.port();
    let (name, _) = split_host(host);
    let plain = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._[]:".contains(&b));
    if plain {
        format!(
            "Nama host `{name}` tidak dilayani server ini (perlindungan dari DNS rebinding). \
             Buka http://localhost:{port}/ atau jalankan `sopan serve --host {name}` untuk mengizinkannya."
        )
    } else {
        format!(
            "Nama host ini tidak dilayani server ini (perlindungan dari DNS rebinding). \
             Buka http://localhost:{port}/ atau izinkan namanya dengan `sopan serve --host NAMA`."
        )
    }
}

#[cfg(test)]
mod tests;
