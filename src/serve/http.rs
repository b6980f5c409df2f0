//! The HTTP side of `serve`: the in-memory site, byte for byte what `build` writes, plus a small
//! live-reload script injected into HTML pages, its Server-Sent Events stream and a status
//! endpoint that carries the current diagnostics for the browser overlay.

use std::io::{self, BufRead as _, BufReader, Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use super::Shared;

/// The client script: reloads after a good build, shows the diagnostics after a bad one.
const RELOAD_JS: &str = include_str!("reload.js");

/// Connections served at once. Each holds a thread (an event stream holds it for as long as
/// the tab is open); beyond this a new connection is told 503 and closed, so a flood cannot
/// exhaust the machine's threads.
const MAX_CONNECTIONS: usize = 512;

/// The longest request head (request line and headers) read; browsers send about 1 KB.
const MAX_HEAD: u64 = 16 * 1024;

/// A request head must arrive whole within this time, counted from the end of the previous
/// reply (so an idle keep-alive connection is closed after it too); a reply the client does
/// not take within it ends the connection.
const IDLE: Duration = Duration::from_secs(30);

/// Accepts until the process ends. Every connection gets its own thread at once, so a
/// request never waits for another connection: tiny_http's task pool, used before, could
/// leave a new connection queued until a keep-alive connection closed (50 keep-alive
/// connections opened together left 35 of them unanswered for seconds).
pub(crate) fn run(listener: TcpListener, shared: Arc<Shared>) {
    let open = Arc::new(AtomicUsize::new(0));
    for stream in listener.incoming() {
        let mut stream = match stream {
            Ok(s) => s,
            Err(e) => {
                // Out of file descriptors and the like: wait for connections to close
                // rather than spin.
                eprintln!("peringatan: koneksi HTTP tidak diterima: {e}");
                std::thread::sleep(Duration::from_millis(50));
                continue;
            }
        };
        if open.fetch_add(1, Ordering::AcqRel) >= MAX_CONNECTIONS {
            open.fetch_sub(1, Ordering::AcqRel);
            let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
            let reply = Reply::text(503, "Server sedang sibuk; coba lagi sebentar lagi.");
            let _ = reply.write(&mut stream, false, true);
            continue;
        }
        let guard = OpenGuard(Arc::clone(&open));
        let shared = Arc::clone(&shared);
        let spawned = std::thread::Builder::new()
            .name("sopan-http-conn".into())
            .spawn(move || {
                let _guard = guard;
                connection(stream, &shared);
            });
        if let Err(e) = spawned {
            eprintln!("peringatan: koneksi HTTP tidak dilayani: {e}");
        }
    }
}

/// Counts a connection as open until its thread ends (or fails to start).
struct OpenGuard(Arc<AtomicUsize>);

impl Drop for OpenGuard {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// One request's head: what serving it needs.
#[derive(Debug, PartialEq)]
struct Head {
    method: String,
    target: String,
    /// Whether the client keeps the connection for another request.
    keep_alive: bool,
    /// A request body follows (never expected here): the connection closes after the reply
    /// instead of reading it.
    has_body: bool,
}

/// Why a head could not be read; each becomes a 4xx reply and the connection's end.
#[derive(Debug, PartialEq)]
enum BadHead {
    TooLarge,
    Malformed,
    Version,
}

/// Serves one connection's requests in turn until it closes, asks to close, or idles.
fn connection(stream: TcpStream, shared: &Shared) {
    let _ = stream.set_write_timeout(Some(IDLE));
    let Ok(mut writer) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(Timed {
        stream,
        until: Instant::now(),
    });
    loop {
        // A whole head within IDLE: a client trickling a byte at a time cannot hold the
        // thread longer than that.
        reader.get_mut().until = Instant::now() + IDLE;
        let head = match read_head(&mut reader) {
            Ok(Some(head)) => head,
            // Closed, timed out or reset between requests: the normal end of keep-alive.
            Ok(None) => return,
            Err(Ok(bad)) => {
                let (status, text) = match bad {
                    BadHead::TooLarge => (431, "Kepala permintaan terlalu besar."),
                    BadHead::Malformed => (400, "Permintaan tidak dapat dibaca."),
                    BadHead::Version => (505, "Versi HTTP tidak didukung."),
                };
                let _ = Reply::text(status, text).write(&mut writer, false, true);
                return linger(&writer, &mut reader);
            }
            Err(Err(_)) => return,
        };
        let close = !head.keep_alive || head.has_body;
        let head_only = head.method == "HEAD";
        if head.method != "GET" && !head_only {
            let mut reply = Reply::text(405, "Hanya GET dan HEAD yang dilayani.");
            reply.extra = Some(("Allow", "GET, HEAD".into()));
            let _ = reply.write(&mut writer, false, true);
            return linger(&writer, &mut reader);
        }
        let result = match route(&head.target, shared) {
            Route::Reply(reply) => reply.write(&mut writer, head_only, close),
            Route::Events(since) => {
                events(&mut writer, shared, since, head_only);
                return;
            }
        };
        if result.is_err() {
            return;
        }
        if close {
            return linger(&writer, &mut reader);
        }
    }
}

/// Closes a connection the client may still be sending on (a body, the rest of a refused
/// head) without losing the reply: closing with unread bytes sends a reset, which can destroy
/// the reply before the client reads it. So: end our side, then read what remains, briefly
/// (at most 1 MB or 2 s).
fn linger(writer: &TcpStream, reader: &mut BufReader<Timed>) {
    let _ = writer.shutdown(std::net::Shutdown::Write);
    reader.get_mut().until = Instant::now() + Duration::from_secs(2);
    let _ = io::copy(&mut reader.take(1 << 20), &mut io::sink());
}

/// A connection's reading side with a deadline for everything read until it is moved.
struct Timed {
    stream: TcpStream,
    until: Instant,
}

impl io::Read for Timed {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::ErrorKind::TimedOut.into());
        }
        self.stream.set_read_timeout(Some(left))?;
        self.stream.read(buf)
    }
}

/// Reads one request head. `Ok(None)`: the connection ended before a request began.
/// `Err(Ok(_))`: a head to refuse; `Err(Err(_))`: the connection failed mid-head.
fn read_head(reader: &mut impl io::BufRead) -> Result<Option<Head>, Result<BadHead, io::Error>> {
    let mut raw = Vec::new();
    let mut limited = reader.take(MAX_HEAD);
    loop {
        let start = raw.len();
        let n = match limited.read_until(b'\n', &mut raw) {
            Ok(n) => n,
            Err(e) if raw.is_empty() => {
                // A keep-alive connection left idle ends here.
                return if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock
                        | io::ErrorKind::TimedOut
                        | io::ErrorKind::ConnectionReset
                ) {
                    Ok(None)
                } else {
                    Err(Err(e))
                };
            }
            Err(e) => return Err(Err(e)),
        };
        if n == 0 {
            return if raw.is_empty() {
                Ok(None)
            } else if limited.limit() == 0 {
                Err(Ok(BadHead::TooLarge))
            } else {
                Err(Err(io::ErrorKind::UnexpectedEof.into()))
            };
        }
        if !raw.ends_with(b"\n") {
            // The limit cut a line, or the client stopped mid-line.
            return Err(if limited.limit() == 0 {
                Ok(BadHead::TooLarge)
            } else {
                Err(io::ErrorKind::UnexpectedEof.into())
            });
        }
        let line = &raw[start..];
        // RFC 9112 2.2: empty lines before the request line are ignored.
        if start == 0 && (line == b"\r\n" || line == b"\n") {
            raw.clear();
            continue;
        }
        if line == b"\r\n" || line == b"\n" {
            break;
        }
    }
    parse_head(&raw).map(Some).map_err(Ok)
}

fn parse_head(raw: &[u8]) -> Result<Head, BadHead> {
    let text = std::str::from_utf8(raw).map_err(|_| BadHead::Malformed)?;
    let mut lines = text.lines();
    let request_line = lines.next().ok_or(BadHead::Malformed)?;
    let mut parts = request_line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(BadHead::Malformed);
    };
    if method.is_empty() || !method.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(BadHead::Malformed);
    }
    let http11 = match version {
        "HTTP/1.1" => true,
        "HTTP/1.0" => false,
        v if v.starts_with("HTTP/") => return Err(BadHead::Version),
        _ => return Err(BadHead::Malformed),
    };
    let mut close = false;
    let mut keep = false;
    let mut has_body = false;
    for line in lines.take_while(|l| !l.is_empty()) {
        let (name, value) = line.split_once(':').ok_or(BadHead::Malformed)?;
        let value = value.trim();
        if name.eq_ignore_ascii_case("connection") {
            for token in value.split(',') {
                close |= token.trim().eq_ignore_ascii_case("close");
                keep |= token.trim().eq_ignore_ascii_case("keep-alive");
            }
        } else if name.eq_ignore_ascii_case("transfer-encoding")
            || (name.eq_ignore_ascii_case("content-length") && value != "0")
        {
            has_body = true;
        }
    }
    // A proxy's absolute form `http://host/path` names the same path.
    let target = match target.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("/", |i| &rest[i..]),
        None => target,
    };
    // Control characters never belong in a path (and a bare CR must not reach a header).
    if !target.starts_with('/') || target.bytes().any(|b| b < 0x21 || b == 0x7f) {
        return Err(BadHead::Malformed);
    }
    Ok(Head {
        method: method.to_string(),
        target: target.to_string(),
        keep_alive: !close && (http11 || keep),
        has_body,
    })
}

/// A whole reply, written with its length so the connection can carry the next request.
struct Reply {
    status: u16,
    content_type: &'static str,
    body: Body,
    extra: Option<(&'static str, String)>,
}

/// The bytes of a reply: a file of the served site is shared, not copied.
enum Body {
    Owned(Vec<u8>),
    Shared(Arc<crate::output::Blob>),
}

impl Reply {
    fn new(status: u16, content_type: &'static str, body: Vec<u8>) -> Reply {
        Reply {
            status,
            content_type,
            body: Body::Owned(body),
            extra: None,
        }
    }

    fn text(status: u16, text: &str) -> Reply {
        Reply::new(
            status,
            "text/plain; charset=utf-8",
            format!("{text}\n").into_bytes(),
        )
    }

    fn write(&self, w: &mut impl io::Write, head_only: bool, close: bool) -> io::Result<()> {
        let body: &[u8] = match &self.body {
            Body::Owned(v) => v,
            Body::Shared(blob) => blob.bytes(),
        };
        let mut head = format!(
            "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: no-store\r\n",
            self.status,
            reason(self.status),
            self.content_type,
            body.len()
        );
        if let Some((name, value)) = &self.extra {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        // Said either way: an HTTP/1.0 client keeps a connection only when told it may.
        head.push_str(if close {
            "Connection: close\r\n"
        } else {
            "Connection: keep-alive\r\n"
        });
        head.push_str("\r\n");
        // Head and a small body leave in one segment; a large body follows unbuffered.
        let mut out = io::BufWriter::with_capacity(64 * 1024, w);
        out.write_all(head.as_bytes())?;
        if !head_only {
            out.write_all(body)?;
        }
        out.flush()
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "",
    }
}

/// What a request is answered with.
enum Route {
    Reply(Reply),
    /// The event stream of builds after this generation.
    Events(u64),
}

fn route(target: &str, shared: &Shared) -> Route {
    let (raw, query) = target.split_once('?').unwrap_or((target, ""));
    let path = percent_decode(raw);
    match path.as_str() {
        "/__sopan/reload.js" => Route::Reply(Reply::new(
            200,
            "text/javascript; charset=utf-8",
            RELOAD_JS.into(),
        )),
        "/__sopan/status" => {
            let s = shared.lock();
            let body = serde_json::json!({
                "generasi": s.generation,
                "indeks": s.search_generation,
                "galat": s.error,
            });
            drop(s);
            Route::Reply(Reply::new(
                200,
                "application/json",
                body.to_string().into_bytes(),
            ))
        }
        "/__sopan/events" => Route::Events(
            query
                .split('&')
                .find_map(|kv| kv.strip_prefix("sejak="))
                .and_then(|v| v.parse().ok())
                .unwrap_or_else(|| shared.lock().generation),
        ),
        _ => Route::Reply(file(shared, &path, raw)),
    }
}

/// An event stream: `reload` after each good build, `galat` after each failed one, a comment
/// every 15 s so proxies keep it open. Ends when the browser goes away; it has no length, so
/// its end is the connection's.
fn events(w: &mut TcpStream, shared: &Shared, mut seen: u64, head_only: bool) {
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n";
    if w.write_all(head.as_bytes()).is_err() || head_only {
        return;
    }
    loop {
        let (generation, broken) = shared.wait_past(seen, Duration::from_secs(15));
        let msg = if generation > seen {
            seen = generation;
            if broken {
                format!("id: {generation}\ndata: galat\n\n")
            } else {
                format!("id: {generation}\ndata: reload\n\n")
            }
        } else {
            String::from(": tetap terhubung\n\n")
        };
        if w.write_all(msg.as_bytes()).is_err() {
            return;
        }
    }
}

fn file(shared: &Shared, path: &str, raw_path: &str) -> Reply {
    let (output, base, generation) = {
        let s = shared.lock();
        (Arc::clone(&s.output), s.base.clone(), s.generation)
    };
    // The site's links carry the `base_url` path; the server answers both with and without it.
    let rel = path.strip_prefix(base.as_str()).unwrap_or(path);
    let rel = rel.trim_start_matches('/');
    let candidate = if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    };
    if let Some(blob) = output.blob(&candidate) {
        let ct = content_type(&candidate);
        if candidate.ends_with(".html") {
            return Reply::new(200, ct, inject(blob.bytes(), generation));
        }
        return Reply {
            status: 200,
            content_type: ct,
            body: Body::Shared(Arc::clone(blob)),
            extra: None,
        };
    }
    if output.get(&format!("{rel}/index.html")).is_some() {
        // The path as the client wrote it (still %-encoded): a decoded one could carry a
        // line break into the header.
        let mut reply = Reply::new(301, "text/plain; charset=utf-8", Vec::new());
        reply.extra = Some(("Location", format!("{raw_path}/")));
        return reply;
    }
    let body = output
        .get("404.html")
        .map(|b| inject(b, generation))
        .unwrap_or_else(|| b"<!DOCTYPE html><title>404</title>Halaman tidak ditemukan".to_vec());
    Reply::new(404, "text/html; charset=utf-8", body)
}

/// Adds the live-reload script before `</body>`: external, so the pages' Content-Security-Policy
/// (`script-src 'self'`) allows it, and it knows which build the page came from.
fn inject(html: &[u8], generation: u64) -> Vec<u8> {
    let tag = format!(
        "<script src=\"/__sopan/reload.js\" data-generasi=\"{generation}\" defer></script>"
    );
    let text = String::from_utf8_lossy(html);
    match text.rfind("</body>") {
        Some(i) => format!("{}{tag}{}", &text[..i], &text[i..]).into_bytes(),
        None => format!("{text}{tag}").into_bytes(),
    }
}

fn content_type(path: &str) -> &'static str {
    let ext = path.rsplit_once('.').map_or("", |(_, e)| e);
    match ext {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "pdf" => "application/pdf",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        "png" => "image/png",
        "wasm" => "application/wasm",
        _ => "application/octet-stream",
    }
}

/// `%xx` escapes of a URL path; invalid ones stay as written.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        if let (b'%', Some(b)) = (bytes[i], hex) {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_goes_before_the_last_body_end_and_paths_decode() {
        let html = b"<html><body><p>&lt;/body&gt;</p></body></html>";
        let out = String::from_utf8(inject(html, 7)).unwrap();
        assert!(out.ends_with(
            "<script src=\"/__sopan/reload.js\" data-generasi=\"7\" defer></script></body></html>"
        ));
        assert_eq!(percent_decode("/a%20b/c%2"), "/a b/c%2");
        assert_eq!(percent_decode("/%E2%80%94"), "/—");
        assert_eq!(percent_decode("/%aé%"), "/%aé%");
    }

    fn head(raw: &str) -> Result<Option<Head>, Result<BadHead, io::ErrorKind>> {
        read_head(&mut raw.as_bytes()).map_err(|e| e.map_err(|e| e.kind()))
    }

    #[test]
    fn a_head_trickled_byte_by_byte_still_ends_at_the_deadline() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let client = std::thread::spawn(move || {
            let mut c = TcpStream::connect(addr).unwrap();
            // Each byte comes well within any per-read timeout; the head never ends.
            for b in b"GET / HTTP/1.1\r\nX-A: ".iter().cycle().take(400) {
                if c.write_all(&[*b]).is_err() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(5));
            }
        });
        let (stream, _) = listener.accept().unwrap();
        let started = Instant::now();
        let mut reader = BufReader::new(Timed {
            stream,
            until: started + Duration::from_millis(300),
        });
        let r = read_head(&mut reader);
        let took = started.elapsed();
        assert!(
            matches!(r, Err(Err(ref e)) if matches!(e.kind(), io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock)),
            "{r:?}"
        );
        assert!(took < Duration::from_millis(1500), "{took:?}");
        drop(reader);
        client.join().unwrap();
    }

    #[test]
    fn heads_are_read_with_their_keep_alive_and_refused_when_bad() {
        let h = head("GET /a?b HTTP/1.1\r\nHost: x\r\n\r\nGET /next")
            .unwrap()
            .unwrap();
        assert_eq!(
            h,
            Head {
                method: "GET".into(),
                target: "/a?b".into(),
                keep_alive: true,
                has_body: false
            }
        );
        // HTTP/1.0 closes unless asked; HTTP/1.1 keeps unless asked; bare LF and leading
        // empty lines are tolerated; a proxy's absolute form names the path.
        let h = head("\r\nGET / HTTP/1.0\nConnection: Keep-Alive\n\n")
            .unwrap()
            .unwrap();
        assert!(h.keep_alive);
        assert!(!head("GET / HTTP/1.0\r\n\r\n").unwrap().unwrap().keep_alive);
        let h = head("HEAD http://x:1/p/ HTTP/1.1\r\nConnection: close\r\n\r\n")
            .unwrap()
            .unwrap();
        assert_eq!(
            (h.method.as_str(), h.target.as_str(), h.keep_alive),
            ("HEAD", "/p/", false)
        );
        let h = head("POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello")
            .unwrap()
            .unwrap();
        assert!(h.has_body);

        assert_eq!(head("").unwrap(), None);
        assert_eq!(
            head("GET / HTTP/1.1\r\nHost"),
            Err(Err(io::ErrorKind::UnexpectedEof))
        );
        assert_eq!(head("GET /\r\n\r\n"), Err(Ok(BadHead::Malformed)));
        assert_eq!(head("get / HTTP/1.1\r\n\r\n"), Err(Ok(BadHead::Malformed)));
        assert_eq!(head("GET / HTTP/2\r\n\r\n"), Err(Ok(BadHead::Version)));
        assert_eq!(
            head("GET / HTTP/1.1\r\nno colon\r\n\r\n"),
            Err(Ok(BadHead::Malformed))
        );
        assert_eq!(head("GET * HTTP/1.1\r\n\r\n"), Err(Ok(BadHead::Malformed)));
        assert_eq!(
            head("GET /a\rb HTTP/1.1\r\n\r\n"),
            Err(Ok(BadHead::Malformed))
        );
        let long = format!("GET /{} HTTP/1.1\r\n\r\n", "a".repeat(20_000));
        assert_eq!(head(&long), Err(Ok(BadHead::TooLarge)));
        let many = format!("GET / HTTP/1.1\r\n{}\r\n", "X-A: b\r\n".repeat(3_000));
        assert_eq!(head(&many), Err(Ok(BadHead::TooLarge)));
    }
}
