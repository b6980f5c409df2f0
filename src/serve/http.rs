//! The HTTP side of `serve`: the in-memory site, byte for byte what `build` writes, plus a small
//! live-reload script injected into HTML pages, its Server-Sent Events stream and a status
//! endpoint that carries the current diagnostics for the browser overlay.
//!
//! The server is hand-written HTTP/1.1 over std threads, one per connection (tiny_http's task
//! pool, used before, queued new connections behind kept-alive ones). Being hand-written, it
//! states and enforces its own limits, because `serve` may be bound to a LAN (`--bind`) and a
//! browser tab on any site can reach `127.0.0.1`:
//!
//! - **Connections**: at most 384 page connections, 64 from one client address, and, counted
//!   apart, 128 live-reload event streams, 32 from one address ([`CAPS`]): neither a client
//!   opening hundreds of connections nor one with dozens of idle tabs locks others out, and
//!   idle tabs never starve page requests. A refused connection gets a 503 that reaches it:
//!   the server ends its side, then reads what the client still sends for up to 2 s before
//!   closing, so the close is not a TCP reset that destroys the reply.
//! - **Slow clients**: a connection with no request started is closed after [`IDLE`] (3 s;
//!   also the keep-alive idle time), a head once begun must be whole within [`HEAD_TIME`]
//!   (5 s, however slowly it trickles), and a whole reply must be taken within [`REPLY_TIME`]
//!   (60 s for the reply, not per write). Heads are at most 16 KB.
//! - **Request smuggling**: a head with a bare CR, an obs-folded line (starting with a space or
//!   tab), whitespace before a header's colon, a control character in a value or two `Host`
//!   headers is refused with 400 (RFC 9112 5.1, 5.2); a request with a body is answered and
//!   the connection closed, so nothing hidden in a body is read as a request.
//! - **Open redirect**: runs of `/` in a path collapse to one, and a `Location` never starts
//!   with `//` or `/\` (a browser reads those as another host; CVE-2021-28861 in Python's
//!   `http.server`).
//! - **DNS rebinding**: a page on a hostile name that resolves to this machine sends its own
//!   name as `Host`. Only `localhost`, loopback addresses and the bound address (any address
//!   when bound to `0.0.0.0`) with the server's port, and the names given with `--host`, are
//!   answered; others get 421 (an address cannot be rebound). HTTP/1.1 without `Host` is 400.
//! - **Sniffing**: every reply says `X-Content-Type-Options: nosniff`.
//!
//! Not handled: TLS, HTTP/2, request bodies (never read: other methods get 405), and IPv6
//! clients are limited per address, not per /64 network.

use std::collections::HashMap;
use std::io::{self, BufRead as _, BufReader, Read as _, Write as _};
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::sync::mpsc::{Receiver, SyncSender, TryRecvError, sync_channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::Shared;
use crate::core::sync::lock;

/// The client script: reloads after a good build, shows the diagnostics after a bad one.
const RELOAD_JS: &str = include_str!("reload.js");

/// How many connections are served at once. Each holds a thread (an event stream holds it for
/// as long as its tab is open), so the totals bound the threads a flood can cost; the
/// per-address shares keep one client (a runaway script, a tab reloading in a loop) from taking
/// them all. Event streams are counted apart: idle tabs cannot starve page requests, and a
/// burst of page requests cannot cut the tabs' live reload.
#[derive(Clone, Copy, Debug)]
struct Caps {
    pages: usize,
    pages_per_address: usize,
    events: usize,
    events_per_address: usize,
}

/// A browser opens 6 connections per host; wrk in the load test opens 50 from one address.
const CAPS: Caps = Caps {
    pages: 384,
    pages_per_address: 64,
    events: 128,
    events_per_address: 32,
};

/// The longest request head (request line and headers) read; browsers send about 1 KB.
const MAX_HEAD: u64 = 16 * 1024;

/// A connection with no request begun (new, or kept alive after a reply) is closed after this:
/// a client that opens connections and sends nothing cannot hold threads for long, and a
/// browser simply opens a new connection when it needs one.
const IDLE: Duration = Duration::from_secs(3);

/// Once its first byte has come, a request head must be whole within this time, however it
/// trickles (a real client sends it in one packet).
const HEAD_TIME: Duration = Duration::from_secs(5);

/// A whole reply must be taken within this time (one SSE message, for the event stream). The
/// deadline is the reply's, not each write's: a client reading a byte now and then would
/// otherwise hold the connection for ever. 60 s is a large PDF over slow Wi-Fi.
const REPLY_TIME: Duration = Duration::from_secs(60);

/// How long a connection being closed is read from, so that its close is not a reset.
const LINGER: Duration = Duration::from_secs(2);

/// The time limits of a connection (short ones in the unit tests).
#[derive(Clone, Copy, Debug)]
struct Timeouts {
    idle: Duration,
    head: Duration,
    reply: Duration,
}

const TIMEOUTS: Timeouts = Timeouts {
    idle: IDLE,
    head: HEAD_TIME,
    reply: REPLY_TIME,
};

/// What every connection needs to know about the server.
struct Settings {
    /// The listener's address: its port, and its IP when bound to one.
    local: SocketAddr,
    /// Host names allowed besides addresses and `localhost` (`--host`), lowercase.
    hosts: Vec<String>,
    timeouts: Timeouts,
}

/// Accepts until the process ends. Every admitted connection gets its own thread at once, so
/// a request never waits for another connection. `hosts` are the names given with `--host`.
pub(crate) fn run(listener: TcpListener, shared: Arc<Shared>, hosts: Vec<String>) {
    let local = match listener.local_addr() {
        Ok(a) => a,
        Err(e) => {
            eprintln!(
                "peringatan: alamat server HTTP tidak diketahui: {}",
                crate::core::error::io_words(&e)
            );
            return;
        }
    };
    let settings = Arc::new(Settings {
        local,
        hosts: hosts.iter().map(|h| h.to_ascii_lowercase()).collect(),
        timeouts: TIMEOUTS,
    });
    let limits = Arc::new(Limits::new(CAPS));
    let refuser = Refuser::start();
    for stream in listener.incoming() {
        let stream = match stream {
            Ok(s) => s,
            Err(e) => {
                // Out of file descriptors and the like: wait for connections to close
                // rather than spin.
                eprintln!(
                    "peringatan: koneksi HTTP tidak diterima: {}",
                    crate::core::error::io_words(&e)
                );
                std::thread::sleep(Duration::from_millis(50));
                continue;
            }
        };
        let ip = match stream.peer_addr() {
            Ok(a) => a.ip(),
            // Already gone.
            Err(_) => continue,
        };
        let ticket = match limits.admit(ip) {
            Ok(t) => t,
            Err(refused) => {
                refuser.refuse(stream, refused.text());
                continue;
            }
        };
        let shared = Arc::clone(&shared);
        let settings = Arc::clone(&settings);
        let spawned = std::thread::Builder::new()
            .name("sopan-http-conn".into())
            .spawn(move || connection(stream, &shared, &settings, ticket));
        if let Err(e) = spawned {
            eprintln!(
                "peringatan: koneksi HTTP tidak dilayani: {}",
                crate::core::error::io_words(&e)
            );
        }
    }
}

/// Why a connection (or an event stream) is refused.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Refused {
    /// Its client address has its share open already.
    Address,
    /// The server has its total open already.
    Full,
    /// Its client address has its share of event streams open already.
    AddressStreams,
    /// The server has its total of event streams open already.
    Streams,
}

impl Refused {
    fn text(self) -> &'static str {
        match self {
            Refused::Address => {
                "Terlalu banyak koneksi dari alamat Anda; tutup sebagian lalu coba lagi."
            }
            Refused::Full => "Server sedang sibuk; coba lagi sebentar lagi.",
            Refused::AddressStreams => {
                "Terlalu banyak tab yang memantau pembaruan dari alamat Anda; tutup sebagian tab lalu muat ulang halaman ini."
            }
            Refused::Streams => {
                "Terlalu banyak tab yang memantau pembaruan; tutup sebagian tab lalu muat ulang halaman ini."
            }
        }
    }
}

/// Open connections, in total and by client address.
struct Limits {
    caps: Caps,
    counts: Mutex<Counts>,
}

#[derive(Default)]
struct Counts {
    pages: usize,
    events: usize,
    /// Page connections and event streams of each address with any open.
    by_address: HashMap<IpAddr, [usize; 2]>,
}

const PAGE: usize = 0;
const EVENTS: usize = 1;

impl Limits {
    fn new(caps: Caps) -> Limits {
        Limits {
            caps,
            counts: Mutex::default(),
        }
    }

    /// Counts a new connection from `ip` as a page connection, if it fits.
    fn admit(self: &Arc<Self>, ip: IpAddr) -> Result<Ticket, Refused> {
        let mut c = lock(&self.counts);
        let mine = c.by_address.get(&ip).map_or(0, |n| n[PAGE]);
        if mine >= self.caps.pages_per_address {
            return Err(Refused::Address);
        }
        if c.pages >= self.caps.pages {
            return Err(Refused::Full);
        }
        c.pages += 1;
        c.by_address.entry(ip).or_default()[PAGE] += 1;
        Ok(Ticket {
            limits: Arc::clone(self),
            ip,
            kind: PAGE,
        })
    }
}

/// One counted connection; uncounted when dropped (its thread ends or fails to start).
struct Ticket {
    limits: Arc<Limits>,
    ip: IpAddr,
    kind: usize,
}

impl Ticket {
    /// Counts the connection as an event stream instead of a page connection, if it fits.
    fn count_as_stream(&mut self) -> Result<(), Refused> {
        if self.kind == EVENTS {
            return Ok(());
        }
        let caps = self.limits.caps;
        let mut c = lock(&self.limits.counts);
        let mine = c.by_address.get(&self.ip).map_or(0, |n| n[EVENTS]);
        if mine >= caps.events_per_address {
            return Err(Refused::AddressStreams);
        }
        if c.events >= caps.events {
            return Err(Refused::Streams);
        }
        c.pages -= 1;
        c.events += 1;
        let n = c.by_address.entry(self.ip).or_default();
        n[PAGE] -= 1;
        n[EVENTS] += 1;
        self.kind = EVENTS;
        Ok(())
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        let mut c = lock(&self.limits.counts);
        if self.kind == PAGE {
            c.pages -= 1;
        } else {
            c.events -= 1;
        }
        if let Some(n) = c.by_address.get_mut(&self.ip) {
            n[self.kind] -= 1;
            if *n == [0, 0] {
                c.by_address.remove(&self.ip);
            }
        }
    }
}

/// Answers refused connections with 503 on one thread for all of them: a thread each would be
/// what the limits are there to prevent, and answering on the accepting thread would let each
/// refused client stall it for the linger time.
struct Refuser {
    tx: Option<SyncSender<(TcpStream, &'static str)>>,
}

/// Refused connections being closed at once; more are dropped unanswered (a flood).
const REFUSED_AT_ONCE: usize = 1024;

impl Refuser {
    fn start() -> Refuser {
        let (tx, rx) = sync_channel(256);
        let started = std::thread::Builder::new()
            .name("sopan-http-tolak".into())
            .spawn(move || refuse_all(&rx));
        Refuser {
            tx: started.is_ok().then_some(tx),
        }
    }

    fn refuse(&self, stream: TcpStream, text: &'static str) {
        let Some(tx) = &self.tx else {
            return;
        };
        // A full queue is a flood: those connections are dropped unanswered.
        let _ = tx.try_send((stream, text));
    }
}

fn refuse_all(rx: &Receiver<(TcpStream, &'static str)>) {
    let mut lingering: Vec<(TcpStream, Instant)> = Vec::new();
    loop {
        let next = if lingering.is_empty() {
            rx.recv().map_err(|_| TryRecvError::Disconnected)
        } else {
            rx.try_recv()
        };
        match next {
            Ok((mut stream, text)) => {
                if lingering.len() >= REFUSED_AT_ONCE || stream.set_nonblocking(true).is_err() {
                    continue;
                }
                let mut reply = Reply::text(503, text);
                reply.extra.push(("Retry-After", "2".into()));
                // About 300 bytes into an empty send buffer: never blocks.
                if reply.write(&mut stream, false, true).is_err() {
                    continue;
                }
                let _ = stream.shutdown(std::net::Shutdown::Write);
                lingering.push((stream, Instant::now() + LINGER));
                continue;
            }
            Err(TryRecvError::Disconnected) if lingering.is_empty() => return,
            Err(_) => {}
        }
        // Read what the clients still send (their requests) until they close or the linger
        // time ends: closing with unread bytes would reset the connection and could destroy
        // the 503 before the client read it.
        let now = Instant::now();
        let mut buf = [0u8; 4096];
        lingering.retain_mut(|(stream, until)| {
            loop {
                match stream.read(&mut buf) {
                    Ok(0) => return false,
                    Ok(_) => {}
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => return now < *until,
                    Err(_) => return false,
                }
            }
        });
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// One request's head: what serving it needs.
#[derive(Debug, PartialEq)]
struct Head {
    method: String,
    /// The target in origin form (`/path?query`), runs of `/` in its path made one.
    target: String,
    /// The `Host` header, or the authority of an absolute-form target (which RFC 9112 3.2.2
    /// says wins). `None` only for HTTP/1.0.
    host: Option<String>,
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
    /// HTTP/1.1 without `Host`, or two of them.
    Host,
}

/// Serves one connection's requests in turn until it closes, asks to close, or idles.
fn connection(stream: TcpStream, shared: &Shared, settings: &Settings, mut ticket: Ticket) {
    let t = settings.timeouts;
    let Ok(write_half) = stream.try_clone() else {
        return;
    };
    let mut writer = TimedWrite {
        stream: write_half,
        until: Instant::now(),
        set: None,
    };
    let mut reader = BufReader::new(Timed {
        stream,
        until: Instant::now(),
        set: None,
    });
    loop {
        // Wait for a request to begin (a new connection, or kept alive after a reply).
        reader.get_mut().until = Instant::now() + t.idle;
        match reader.fill_buf() {
            Ok(b) if !b.is_empty() => {}
            // Closed, idle too long or reset between requests: the normal end of keep-alive.
            _ => return,
        }
        // A whole head within the head time, however it trickles.
        reader.get_mut().until = Instant::now() + t.head;
        let head = read_head(&mut reader);
        writer.until = Instant::now() + t.reply;
        let head = match head {
            Ok(Some(head)) => head,
            Ok(None) => return,
            Err(Ok(bad)) => {
                let (status, text) = match bad {
                    BadHead::TooLarge => (431, "Kepala permintaan terlalu besar."),
                    BadHead::Malformed => (400, "Permintaan tidak dapat dibaca."),
                    BadHead::Version => (505, "Versi HTTP tidak didukung."),
                    BadHead::Host => (
                        400,
                        "Permintaan HTTP/1.1 harus membawa tepat satu kepala `Host`.",
                    ),
                };
                let _ = Reply::text(status, text).write(&mut writer, false, true);
                return linger(&writer, &mut reader);
            }
            Err(Err(_)) => return,
        };
        if let Some(host) = &head.host
            && !host_allowed(host, settings)
        {
            let _ = Reply::text(421, &unknown_host(host, settings)).write(&mut writer, false, true);
            return linger(&writer, &mut reader);
        }
        let close = !head.keep_alive || head.has_body;
        let head_only = head.method == "HEAD";
        if head.method != "GET" && !head_only {
            let mut reply = Reply::text(405, "Hanya GET dan HEAD yang dilayani.");
            reply.extra.push(("Allow", "GET, HEAD".into()));
            let _ = reply.write(&mut writer, false, true);
            return linger(&writer, &mut reader);
        }
        let result = match route(&head.target, shared) {
            Route::Reply(reply) => reply.write(&mut writer, head_only, close),
            Route::Events(since) => {
                if let Err(refused) = ticket.count_as_stream() {
                    let mut reply = Reply::text(503, refused.text());
                    reply.extra.push(("Retry-After", "2".into()));
                    let _ = reply.write(&mut writer, head_only, true);
                    return linger(&writer, &mut reader);
                }
                events(&mut writer, shared, since, head_only, t.reply);
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
fn linger(writer: &TimedWrite, reader: &mut BufReader<Timed>) {
    let _ = writer.stream.shutdown(std::net::Shutdown::Write);
    reader.get_mut().until = Instant::now() + LINGER;
    let _ = io::copy(&mut reader.take(1 << 20), &mut io::sink());
}

/// A connection's reading side with a deadline for everything read until it is moved.
struct Timed {
    stream: TcpStream,
    until: Instant,
    /// The read timeout last given to the socket.
    set: Option<Duration>,
}

impl io::Read for Timed {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::ErrorKind::TimedOut.into());
        }
        if stale(self.set, left) {
            self.stream.set_read_timeout(Some(left))?;
            self.set = Some(left);
        }
        self.stream.read(buf)
    }
}

/// Whether a socket timeout `set` earlier is too far from what is `left` of a deadline now:
/// off by more than a sixteenth of it (under 0.2 s of the 3 s idle time, under 4 s of a reply's
/// 60 s). A system call to set it for every read and write cost about a tenth of the
/// throughput of small keep-alive replies; in a burst the timeouts hardly change.
fn stale(set: Option<Duration>, left: Duration) -> bool {
    set.is_none_or(|s| s.abs_diff(left) > left / 16)
}

/// A connection's writing side with one deadline for a whole reply: each write may block only
/// for what is left of it, so a client taking a byte now and then cannot stretch a reply.
struct TimedWrite {
    stream: TcpStream,
    until: Instant,
    /// The write timeout last given to the socket.
    set: Option<Duration>,
}

impl io::Write for TimedWrite {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let left = self.until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::ErrorKind::TimedOut.into());
        }
        if stale(self.set, left) {
            self.stream.set_write_timeout(Some(left))?;
            self.set = Some(left);
        }
        self.stream.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
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

/// RFC 9110 5.6.2: the characters of a header name.
fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

fn parse_head(raw: &[u8]) -> Result<Head, BadHead> {
    // A CR ends a line only before LF: parsers disagree on a bare one (a line break to some,
    // a character to others), which lets a second request hide in what one of them reads as a
    // header (RFC 9112 2.2 allows refusing it).
    let bare_cr = raw
        .iter()
        .enumerate()
        .any(|(i, &b)| b == b'\r' && raw.get(i + 1) != Some(&b'\n'));
    if bare_cr {
        return Err(BadHead::Malformed);
    }
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
    let mut host: Option<&str> = None;
    for line in lines.take_while(|l| !l.is_empty()) {
        // obs-fold, a line continuing the previous header: RFC 9112 5.2 lets a server refuse
        // it, and parsers that unfold it and parsers that do not read different headers.
        if line.starts_with([' ', '\t']) {
            return Err(BadHead::Malformed);
        }
        let (name, value) = line.split_once(':').ok_or(BadHead::Malformed)?;
        // RFC 9112 5.1: whitespace between name and colon must be refused with 400 (a proxy
        // might read `Host :` as another header than we do).
        if name.is_empty() || !name.bytes().all(is_tchar) {
            return Err(BadHead::Malformed);
        }
        let value = value.trim_matches([' ', '\t']);
        if value.bytes().any(|b| (b < 0x20 && b != b'\t') || b == 0x7f) {
            return Err(BadHead::Malformed);
        }
        if name.eq_ignore_ascii_case("host") {
            // RFC 9112 3.2: two Host headers are a 400.
            if host.replace(value).is_some() {
                return Err(BadHead::Host);
            }
        } else if name.eq_ignore_ascii_case("connection") {
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
    // A proxy's absolute form `http://host/path` names the same path, and its host wins over
    // the Host header (RFC 9112 3.2.2).
    let (target, host) = match target.split_once("://") {
        Some((_, rest)) => {
            let end = rest.find(['/', '?']).unwrap_or(rest.len());
            let path = if rest[end..].starts_with('/') {
                &rest[end..]
            } else {
                "/"
            };
            (path, Some(&rest[..end]))
        }
        None => (target, host),
    };
    // Control characters never belong in a path (and a bare CR must not reach a header).
    if !target.starts_with('/') || target.bytes().any(|b| b < 0x21 || b == 0x7f) {
        return Err(BadHead::Malformed);
    }
    if http11 && host.is_none() {
        return Err(BadHead::Host);
    }
    Ok(Head {
        method: method.to_string(),
        target: collapse_slashes(target),
        host: host.map(str::to_string),
        keep_alive: !close && (http11 || keep),
        has_body,
    })
}

/// `//cari` and `/a///b` as `/cari` and `/a/b` (the query is left alone): a path starting with
/// `//` would become a redirect to `//cari/`, which a browser reads as the host `cari`.
fn collapse_slashes(target: &str) -> String {
    let (path, query) = target.split_at(target.find('?').unwrap_or(target.len()));
    let mut out = String::with_capacity(target.len());
    for c in path.chars() {
        if !(c == '/' && out.ends_with('/')) {
            out.push(c);
        }
    }
    out.push_str(query);
    out
}

/// A whole reply, written with its length so the connection can carry the next request.
struct Reply {
    status: u16,
    content_type: &'static str,
    body: Body,
    extra: Vec<(&'static str, String)>,
}

/// The bytes of a reply: a file of the served site is shared, not copied.
enum Body {
    Owned(Vec<u8>),
    Shared(Arc<crate::pipeline::output::Blob>),
}

impl Reply {
    fn new(status: u16, content_type: &'static str, body: Vec<u8>) -> Reply {
        Reply {
            status,
            content_type,
            body: Body::Owned(body),
            extra: Vec::new(),
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
        // nosniff: a browser must not run a served `.txt` or a 404 as script or HTML.
        let mut head = format!(
            "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n",
            self.status,
            reason(self.status),
            self.content_type,
            body.len()
        );
        for (name, value) in &self.extra {
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
        421 => "Misdirected Request",
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
                "situs": s.output_generation > 0,
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
/// every 15 s so proxies keep it open. Ends when the browser goes away (or stops reading for
/// `each`); it has no length, so its end is the connection's.
fn events(w: &mut TimedWrite, shared: &Shared, mut seen: u64, head_only: bool, each: Duration) {
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n";
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
        // Each message has the reply time: a tab that stopped reading is let go.
        w.until = Instant::now() + each;
        if w.write_all(msg.as_bytes()).is_err() {
            return;
        }
    }
}

fn file(shared: &Shared, path: &str, raw_path: &str) -> Reply {
    let (output, base, generation, built) = {
        let s = shared.lock();
        (
            Arc::clone(&s.output),
            s.base.clone(),
            s.generation,
            s.output_generation > 0,
        )
    };
    if !built {
        // No build has succeeded yet: every page is the overlay's host, so the browser shows
        // the diagnostics and reloads into the site once the content builds.
        return Reply::new(503, "text/html; charset=utf-8", inject(NO_SITE, generation));
    }
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
            extra: Vec::new(),
        };
    }
    if output.get(&format!("{rel}/index.html")).is_some() {
        // The path as the client wrote it (still %-encoded): a decoded one could carry a
        // line break into the header. Its slashes are single already (`//cari/` would send
        // the browser to the host `cari`), and a backslash is escaped: browsers read `/\cari`
        // as `//cari` too.
        let location = format!("{}/", raw_path.replace('\\', "%5C"));
        debug_assert!(!location.starts_with("//"));
        let mut reply = Reply::new(301, "text/plain; charset=utf-8", Vec::new());
        reply.extra.push(("Location", location));
        return reply;
    }
    let body = output
        .get("404.html")
        .map(|b| inject(b, generation))
        .unwrap_or_else(|| b"<!DOCTYPE html><title>404</title>Halaman tidak ditemukan".to_vec());
    Reply::new(404, "text/html; charset=utf-8", body)
}

/// The page served while no build has succeeded: the script injected into it shows the
/// diagnostics over it and reloads it after the first good build.
const NO_SITE: &[u8] = b"<!DOCTYPE html>\n<html lang=\"id\"><head><meta charset=\"utf-8\"><title>Situs belum dapat dibangun</title></head><body><h1>Situs belum dapat dibangun</h1><p>Isi proyek masih mengandung galat. Perbaiki berkas yang disebut, lalu simpan: halaman ini dimuat ulang dengan sendirinya.</p></body></html>\n";

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
    use crate::pipeline::output::Output;
    use std::sync::Condvar;

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

    fn shared_with(files: &[&str]) -> Shared {
        let mut output = Output::new();
        for f in files {
            output.insert(*f, b"<html><body>x</body></html>".to_vec());
        }
        Shared {
            state: Mutex::new(super::super::State {
                output: Arc::new(output),
                error: None,
                generation: 1,
                output_generation: 1,
                search_generation: 1,
                base: String::new(),
            }),
            changed: Condvar::new(),
        }
    }

    fn settings(local: &str, hosts: &[&str], timeouts: Timeouts) -> Settings {
        Settings {
            local: local.parse().unwrap(),
            hosts: hosts.iter().map(|h| h.to_string()).collect(),
            timeouts,
        }
    }

    /// A server side and a client side of one loopback connection.
    fn pair() -> (TcpStream, TcpStream) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (server, _) = listener.accept().unwrap();
        (server, client)
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
            set: None,
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
    fn idle_and_trickling_connections_are_closed_by_the_connection_itself() {
        // The real limits are 3 s idle and 5 s per head; here they are short. Before, a
        // connection could sit idle or trickle a head for 30 s.
        let short = Timeouts {
            idle: Duration::from_millis(200),
            head: Duration::from_millis(400),
            reply: Duration::from_secs(5),
        };
        let shared = Arc::new(shared_with(&["index.html"]));
        let settings = Arc::new(settings("127.0.0.1:8000", &[], short));
        let limits = Arc::new(Limits::new(CAPS));
        let serve = |server: TcpStream| {
            let (shared, settings) = (Arc::clone(&shared), Arc::clone(&settings));
            let ticket = limits.admit(server.peer_addr().unwrap().ip()).unwrap();
            std::thread::spawn(move || {
                let started = Instant::now();
                connection(server, &shared, &settings, ticket);
                started.elapsed()
            })
        };
        // Silent: closed after the idle time.
        let (server, _silent) = pair();
        let idle = serve(server);
        // Trickling a header a byte every 20 ms, for ever: closed at the head deadline.
        let (server, mut trickle) = pair();
        let trickled = serve(server);
        let writer = std::thread::spawn(move || {
            for b in b"GET / HTTP/1.1\r\nX-A: ".iter().cycle().take(2000) {
                if trickle.write_all(&[*b]).is_err() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        });
        let idle = idle.join().unwrap();
        let trickled = trickled.join().unwrap();
        assert!(idle < Duration::from_secs(3), "idle held {idle:?}");
        assert!(
            trickled < Duration::from_secs(4),
            "trickle held {trickled:?}"
        );
        writer.join().unwrap();
        assert_eq!(lock(&limits.counts).pages, 0, "tickets given back");
    }

    #[test]
    fn a_reply_taken_slowly_ends_at_the_reply_deadline_not_per_write() {
        let (server, client) = pair();
        // The client reads 16 KB every 20 ms: each write makes progress well within any
        // per-write timeout, and 64 MB (more than socket buffers take at once) would take over
        // a minute.
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stopped = Arc::clone(&stop);
        let reader = std::thread::spawn(move || {
            let mut client = client;
            let mut buf = [0u8; 16 * 1024];
            while !stopped.load(std::sync::atomic::Ordering::Relaxed)
                && matches!(client.read(&mut buf), Ok(n) if n > 0)
            {
                std::thread::sleep(Duration::from_millis(20));
            }
        });
        let mut w = TimedWrite {
            stream: server,
            until: Instant::now() + Duration::from_millis(300),
            set: None,
        };
        let started = Instant::now();
        let reply = Reply::new(200, "application/pdf", vec![b'x'; 64 << 20]);
        let r = reply.write(&mut w, false, true);
        let took = started.elapsed();
        assert!(r.is_err(), "64 MB written to a slow reader within 300 ms?");
        assert!(took < Duration::from_secs(5), "{took:?}");
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        drop(w);
        reader.join().unwrap();
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
                host: Some("x".into()),
                keep_alive: true,
                has_body: false
            }
        );
        // HTTP/1.0 closes unless asked (and may leave out Host); HTTP/1.1 keeps unless asked;
        // bare LF and leading empty lines are tolerated; a proxy's absolute form names the
        // path, and its host wins.
        let h = head("\r\nGET / HTTP/1.0\nConnection: Keep-Alive\n\n")
            .unwrap()
            .unwrap();
        assert!(h.keep_alive);
        assert_eq!(h.host, None);
        assert!(!head("GET / HTTP/1.0\r\n\r\n").unwrap().unwrap().keep_alive);
        let h = head("HEAD http://x:1/p/ HTTP/1.1\r\nHost: y\r\nConnection: close\r\n\r\n")
            .unwrap()
            .unwrap();
        assert_eq!(
            (h.method.as_str(), h.target.as_str(), h.keep_alive),
            ("HEAD", "/p/", false)
        );
        assert_eq!(h.host.as_deref(), Some("x:1"));
        let h = head("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello")
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

    #[test]
    fn heads_that_parsers_could_read_two_ways_are_refused() {
        let bad = [
            // Whitespace before the colon (RFC 9112 5.1).
            "GET / HTTP/1.1\r\nHost : x\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: x\r\nContent-Length\t: 5\r\n\r\n",
            // obs-fold: a line starting with a space or a tab continues the previous one.
            "GET / HTTP/1.1\r\nHost: x\r\nX-A: b\r\n c\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: x\r\n\tTransfer-Encoding: chunked\r\n\r\n",
            // A bare CR, which some read as a line break: a second request hides behind it.
            "GET / HTTP/1.1\r\nHost: x\r\nX-A: b\rContent-Length: 40\r\n\r\n",
            "GET / HTTP/1.1\rHost: x\r\n\r\n",
            // Control characters in a value, an empty name.
            "GET / HTTP/1.1\r\nHost: x\r\nX-A: b\x00c\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: x\r\n: b\r\n\r\n",
        ];
        for raw in bad {
            assert_eq!(head(raw), Err(Ok(BadHead::Malformed)), "{raw:?}");
        }
        // HTTP/1.1 needs exactly one Host (RFC 9112 3.2).
        assert_eq!(head("GET / HTTP/1.1\r\n\r\n"), Err(Ok(BadHead::Host)));
        assert_eq!(
            head("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"),
            Err(Ok(BadHead::Host))
        );
        // Tabs and spaces around a value are fine.
        let h = head("GET / HTTP/1.1\r\nHost:\t x \r\n\r\n")
            .unwrap()
            .unwrap();
        assert_eq!(h.host.as_deref(), Some("x"));
    }

    #[test]
    fn runs_of_slashes_collapse_and_a_redirect_never_leaves_the_host() {
        let target = |raw: &str| {
            head(&format!("GET {raw} HTTP/1.1\r\nHost: x\r\n\r\n"))
                .unwrap()
                .unwrap()
                .target
        };
        assert_eq!(target("//cari"), "/cari");
        assert_eq!(target("///a//b/?q=//c"), "/a/b/?q=//c");
        let shared = shared_with(&["index.html", "cari/index.html"]);
        let location = |raw: &str| match route(&target(raw), &shared) {
            Route::Reply(r) => {
                assert_eq!(r.status, 301, "{raw}");
                r.extra
                    .iter()
                    .find(|(n, _)| *n == "Location")
                    .map(|(_, v)| v.clone())
                    .unwrap()
            }
            Route::Events(_) => panic!("{raw}"),
        };
        // Python's http.server answered `//cari` with `Location: //cari/` (CVE-2021-28861):
        // a browser goes to the host `cari`.
        assert_eq!(location("//cari"), "/cari/");
        assert_eq!(location("////cari"), "/cari/");
        assert_eq!(location("/%2Fcari"), "/%2Fcari/");
        // `//cari/` serves the page itself.
        assert!(matches!(route(&target("//cari/"), &shared), Route::Reply(r) if r.status == 200));
        // A backslash would be read as a slash by browsers.
        let shared = shared_with(&["\\cari/index.html"]);
        match route("/\\cari", &shared) {
            Route::Reply(r) => assert_eq!(r.extra, [("Location", "/%5Ccari/".to_string())]),
            Route::Events(_) => panic!(),
        }
    }

    #[test]
    fn only_this_servers_addresses_localhost_and_given_names_are_answered() {
        let s = settings("127.0.0.1:8000", &["sop.lan"], TIMEOUTS);
        for ok in [
            "127.0.0.1:8000",
            "localhost:8000",
            "LocalHost:8000",
            "[::1]:8000",
            "127.0.0.2:8000",
            "sop.lan",
            "sop.lan:8000",
            "SOP.lan:443",
        ] {
            assert!(host_allowed(ok, &s), "{ok}");
        }
        for bad in [
            // DNS rebinding: a hostile name resolved to 127.0.0.1.
            "evil.example:8000",
            "evil.example",
            "localhost.evil.example:8000",
            "sub.localhost:8000",
            // The wrong port, or none (80 is not ours).
            "localhost:9000",
            "127.0.0.1",
            "localhost",
            // Another machine's address when bound to loopback.
            "192.168.1.5:8000",
            "",
            "[::1",
        ] {
            assert!(!host_allowed(bad, &s), "{bad}");
        }
        // Bound to every address: any address of the machine, still no foreign names.
        let all = settings("0.0.0.0:8000", &[], TIMEOUTS);
        assert!(host_allowed("192.168.1.5:8000", &all));
        assert!(!host_allowed("evil.example:8000", &all));
        let lan = settings("192.168.1.5:80", &[], TIMEOUTS);
        assert!(host_allowed("192.168.1.5", &lan));
        assert!(host_allowed("localhost", &lan));
        assert!(!host_allowed("10.0.0.1", &lan));
        // The refusal names the host only when it is a plain name.
        assert!(unknown_host("evil.example:8000", &s).contains("--host evil.example`"));
        assert!(!unknown_host("<b>x</b>", &s).contains("<b>"));
    }

    #[test]
    fn limits_are_per_address_and_event_streams_have_their_own() {
        let caps = Caps {
            pages: 5,
            pages_per_address: 3,
            events: 3,
            events_per_address: 2,
        };
        let limits = Arc::new(Limits::new(caps));
        let a: IpAddr = "127.0.0.1".parse().unwrap();
        let b: IpAddr = "127.0.0.2".parse().unwrap();
        let c: IpAddr = "127.0.0.3".parse().unwrap();
        let mut held: Vec<Ticket> = (0..3).map(|_| limits.admit(a).unwrap()).collect();
        // A's share is full; B is still served.
        assert_eq!(limits.admit(a).err(), Some(Refused::Address));
        held.push(limits.admit(b).unwrap());
        held.push(limits.admit(b).unwrap());
        // The total is full.
        assert_eq!(limits.admit(c).err(), Some(Refused::Full));
        // A's connections become event streams: its page share frees up, its stream share
        // fills.
        held[0].count_as_stream().unwrap();
        held[1].count_as_stream().unwrap();
        assert_eq!(held[2].count_as_stream(), Err(Refused::AddressStreams));
        held.push(limits.admit(a).unwrap());
        held[3].count_as_stream().unwrap();
        assert_eq!(held[4].count_as_stream(), Err(Refused::Streams));
        drop(held);
        let counts = lock(&limits.counts);
        assert_eq!((counts.pages, counts.events), (0, 0));
        assert!(counts.by_address.is_empty());
    }

    #[test]
    fn every_reply_says_nosniff() {
        let mut out = Vec::new();
        Reply::text(404, "x").write(&mut out, false, true).unwrap();
        assert!(
            String::from_utf8(out)
                .unwrap()
                .contains("\r\nX-Content-Type-Options: nosniff\r\n")
        );
    }
}
