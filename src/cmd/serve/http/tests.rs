//! The server over real loopback connections, in process: what hyper refuses and what we add.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::time::Instant;

use super::*;
use crate::pipeline::output::Output;
use routes::tests::shared_with;

/// Serves `shared` on a free loopback port (on its own thread, as `serve` does).
fn start(shared: Arc<Shared>, hosts: &[&str]) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let hosts = hosts.iter().map(|h| h.to_string()).collect();
    std::thread::spawn(move || run(listener, shared, hosts));
    addr
}

/// Sends `request` on a new connection and reads until the server closes.
fn exchange(addr: &str, request: &str) -> String {
    let mut c = TcpStream::connect(addr).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let _ = c.write_all(request.as_bytes());
    let mut out = Vec::new();
    let read = c.read_to_end(&mut out);
    let mut text = String::from_utf8_lossy(&out).into_owned();
    if let Err(e) = read {
        text.push_str(&format!("ERROR {e}"));
    }
    text
}

fn status(reply: &str) -> &str {
    reply.get(9..12).unwrap_or(reply)
}

#[test]
fn heads_that_parsers_could_read_two_ways_are_refused_with_a_readable_400() {
    let addr = start(Arc::new(shared_with(&["index.html"])), &[]);
    let bad = [
        // Whitespace before the colon (RFC 9112 5.1).
        "GET / HTTP/1.1\r\nHost : x\r\n\r\n".to_string(),
        format!("GET / HTTP/1.1\r\nHost: {addr}\r\nContent-Length\t: 5\r\n\r\n"),
        // obs-fold: a line starting with a space or a tab continues the previous one.
        format!("GET / HTTP/1.1\r\nHost: {addr}\r\nX-A: b\r\n c\r\n\r\n"),
        format!("GET / HTTP/1.1\r\nHost: {addr}\r\n\tTransfer-Encoding: chunked\r\n\r\n"),
        // A bare CR, which some read as a line break: a second request hides behind it.
        format!("GET / HTTP/1.1\r\nHost: {addr}\r\nX-A: b\rContent-Length: 40\r\n\r\n"),
        format!("GET / HTTP/1.1\rHost: {addr}\r\n\r\n"),
        // Control characters in a value or the path, an empty name.
        format!("GET / HTTP/1.1\r\nHost: {addr}\r\nX-A: b\x00c\r\n\r\n"),
        format!("GET / HTTP/1.1\r\nHost: {addr}\r\n: b\r\n\r\n"),
        format!("GET /a\rb HTTP/1.1\r\nHost: {addr}\r\n\r\n"),
        // A transfer coding other than chunked.
        format!("GET / HTTP/1.1\r\nHost: {addr}\r\nTransfer-Encoding: gzip\r\n\r\n"),
        // HTTP/1.1 needs exactly one Host (RFC 9112 3.2); a target is a path.
        "GET / HTTP/1.1\r\n\r\n".to_string(),
        format!("GET / HTTP/1.1\r\nHost: {addr}\r\nHost: {addr}\r\n\r\n"),
        format!("GET * HTTP/1.1\r\nHost: {addr}\r\n\r\n"),
        "halo\r\n\r\n".to_string(),
    ];
    for raw in &bad {
        let r = exchange(&addr, raw);
        assert_eq!(status(&r), "400", "{raw:?}: {r}");
        assert!(
            r.contains("\r\nX-Content-Type-Options: nosniff\r\n"),
            "{raw:?}: {r}"
        );
        assert!(r.contains("\r\nConnection: close\r\n"), "{raw:?}: {r}");
        assert!(!r.contains("ERROR"), "{raw:?}: {r}");
    }
    // Tabs and spaces around a value are fine.
    let r = exchange(
        &addr,
        &format!("GET / HTTP/1.1\r\nHost:\t {addr} \r\nConnection: close\r\n\r\n"),
    );
    assert_eq!(status(&r), "200", "{r}");
}

#[test]
fn versions_sizes_methods_and_absolute_targets() {
    let addr = start(Arc::new(shared_with(&["index.html"])), &[]);
    let r = exchange(&addr, "GET / HTTP/2\r\n\r\n");
    assert!(r.starts_with("HTTP/1.1 505 "), "{r}");
    assert!(r.contains("Versi HTTP tidak didukung"), "{r}");
    // A head over 16 KB, sent whole or with no end: 431, read by the client (no reset).
    let big = format!(
        "GET / HTTP/1.1\r\nHost: {addr}\r\nX-A: {}\r\n\r\n",
        "a".repeat(20_000)
    );
    let r = exchange(&addr, &big);
    assert!(r.starts_with("HTTP/1.1 431 "), "{r}");
    assert!(r.contains("nosniff") && !r.contains("ERROR"), "{r}");
    let endless = format!("GET / HTTP/1.1\r\n{}", "X-A: b\r\n".repeat(20_000));
    let r = exchange(&addr, &endless);
    assert!(
        r.starts_with("HTTP/1.1 431 ") && !r.contains("ERROR"),
        "{r}"
    );
    let r = exchange(&addr, &format!("get / HTTP/1.1\r\nHost: {addr}\r\n\r\n"));
    assert_eq!(status(&r), "405", "{r}");
    // A proxy's absolute form: its authority is the host that counts.
    let r = exchange(
        &addr,
        &format!("GET http://{addr}/ HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n"),
    );
    assert_eq!(status(&r), "200", "{r}");
    let r = exchange(
        &addr,
        &format!("GET http://evil.example/ HTTP/1.1\r\nHost: {addr}\r\n\r\n"),
    );
    assert_eq!(status(&r), "421", "{r}");
}

#[test]
fn a_request_with_a_body_is_answered_once_and_the_connection_closed() {
    let addr = start(Arc::new(shared_with(&["index.html"])), &[]);
    // What follows the head is a body: nothing in it is read as a second request.
    let hidden = format!("GET /__sopan/status HTTP/1.1\r\nHost: {addr}\r\n\r\n");
    let r = exchange(
        &addr,
        &format!(
            "GET / HTTP/1.1\r\nHost: {addr}\r\nContent-Length: {}\r\n\r\n{hidden}",
            hidden.len()
        ),
    );
    assert_eq!(status(&r), "200", "{r}");
    assert_eq!(r.matches("HTTP/1.1 ").count(), 1, "{r}");
    assert!(r.contains("\r\nConnection: close\r\n"), "{r}");
    let r = exchange(
        &addr,
        &format!("POST / HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 3\r\n\r\nabc"),
    );
    assert_eq!(status(&r), "405", "{r}");
    assert!(r.contains("\r\nAllow: GET, HEAD\r\n"), "{r}");
}

#[test]
fn an_event_stream_wakes_when_a_new_site_is_published() {
    let shared = Arc::new(shared_with(&["index.html"]));
    let addr = start(Arc::clone(&shared), &[]);
    let mut c = TcpStream::connect(&addr).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        c,
        "GET /__sopan/events?sejak=1 HTTP/1.1\r\nHost: {addr}\r\n\r\n"
    )
    .unwrap();
    let mut c = BufReader::new(c);
    let mut head = String::new();
    while !head.ends_with("\r\n\r\n") {
        c.read_line(&mut head).unwrap();
    }
    assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");
    assert!(
        head.contains("Content-Type: text/event-stream\r\n"),
        "{head}"
    );
    let next_data = |c: &mut BufReader<TcpStream>| {
        let mut line = String::new();
        loop {
            line.clear();
            c.read_line(&mut line).unwrap();
            if let Some(d) = line.trim_end().strip_prefix("data: ") {
                return d.to_string();
            }
        }
    };
    let started = Instant::now();
    shared.publish(Err("galat di sini".into()), String::new());
    assert_eq!(next_data(&mut c), "galat");
    let mut output = Output::new();
    output.insert("index.html", b"<body>baru</body>".to_vec());
    shared.publish(Ok(output), String::new());
    assert_eq!(next_data(&mut c), "reload");
    // Woken by the swap, not by the 15 s keep-open comment.
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn only_this_servers_addresses_localhost_and_given_names_are_answered() {
    let settings = |local: &str, hosts: &[&str]| Settings {
        local: local.parse().unwrap(),
        hosts: hosts.iter().map(|h| h.to_string()).collect(),
    };
    let s = settings("127.0.0.1:8000", &["sop.lan"]);
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
    let all = settings("0.0.0.0:8000", &[]);
    assert!(host_allowed("192.168.1.5:8000", &all));
    assert!(!host_allowed("evil.example:8000", &all));
    let lan = settings("192.168.1.5:80", &[]);
    assert!(host_allowed("192.168.1.5", &lan));
    assert!(host_allowed("localhost", &lan));
    assert!(!host_allowed("10.0.0.1", &lan));
    // The refusal names the host only when it is a plain name.
    assert!(unknown_host("evil.example:8000", &s).contains("--host evil.example`"));
    assert!(!unknown_host("<b>x</b>", &s).contains("<b>"));
}
