//! `sopan serve`'s limits as clients meet them, over a real server: folders replaced under the
//! watcher, a link out of the project, a client hogging connections or event streams, idle
//! and trickling connections, foreign `Host` names (DNS rebinding), `//` paths (open redirect)
//! and `nosniff`.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::time::{Duration, Instant};

use crate::serve::{LONG, PAGE, SOP, Served, wait_until};
use crate::support::{GOOD_SOP, Project};

/// A connection to `addr` from the loopback address `from` (`127.0.0.2`: another client, as
/// the server sees it).
fn connect_from(from: &str, addr: &str) -> TcpStream {
    use rustix::net::{AddressFamily, SocketType, bind, connect, socket};
    let fd = socket(AddressFamily::INET, SocketType::STREAM, None).unwrap();
    let src: SocketAddr = format!("{from}:0").parse().unwrap();
    bind(&fd, &src).unwrap();
    connect(&fd, &addr.parse::<SocketAddr>().unwrap()).unwrap();
    TcpStream::from(fd)
}

/// Sends `request` on a new connection (from `from`, or 127.0.0.1) and reads until the server
/// closes; a failed read (a reset) comes back as `ERROR ...` after what was read.
fn exchange(addr: &str, from: Option<&str>, request: &str) -> String {
    let mut c = match from {
        Some(f) => connect_from(f, addr),
        None => TcpStream::connect(addr).unwrap(),
    };
    c.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    // The server may have answered (and closed its side) before the request is written.
    let _ = c.write_all(request.as_bytes());
    read_all(&mut c)
}

/// Everything the server sends until it closes, with the read's error (a reset) appended.
fn read_all(c: &mut TcpStream) -> String {
    let mut out = Vec::new();
    let read = c.read_to_end(&mut out);
    let mut text = String::from_utf8_lossy(&out).into_owned();
    if let Err(e) = read {
        text.push_str(&format!("ERROR {e}"));
    }
    text
}

/// `GET path` over HTTP/1.1, the connection closed after the reply.
fn get(path: &str, host: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n")
}

fn status(reply: &str) -> &str {
    reply.get(9..12).unwrap_or(reply)
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Edits the SOP's first step to `text` and waits until the page shows it.
fn edit_and_see(p: &Project, s: &Served, text: &str) {
    p.write(SOP, &GOOD_SOP.replace("Menerima surat", text));
    assert!(
        wait_until(LONG, || s.get(PAGE).1.contains(text)),
        "the edit `{text}` was never served:\n{}",
        s.log()
    );
}

#[test]
fn content_and_the_project_folder_replaced_are_watched_again() {
    let p = Project::base();
    let s = Served::start(&p);
    edit_and_see(&p, &s, "Menerima surat pertama");

    // `content/` deleted and created again (a branch switch, a restore from a backup): the
    // old watches died with the old folder, and before every later edit went unseen.
    let backup = tempfile::tempdir().unwrap();
    let content = p.path().join("content");
    copy_tree(&content, backup.path());
    std::fs::remove_dir_all(&content).unwrap();
    copy_tree(backup.path(), &content);
    let said = |what: &str| {
        wait_until(LONG, || {
            let log = s.log();
            log.contains(&format!("{what} diganti; pemantauan dipasang ulang"))
                || log.contains(&format!("{what} muncul; kini dipantau"))
        })
    };
    assert!(said("folder `content/`"), "{}", s.log());
    edit_and_see(&p, &s, "Menerima surat setelah content diganti");

    // The project folder itself moved away and created again.
    let old = p.path().with_file_name(format!(
        "{}-lama",
        p.path().file_name().unwrap().to_string_lossy()
    ));
    std::fs::rename(p.path(), &old).unwrap();
    std::fs::create_dir(p.path()).unwrap();
    copy_tree(&old, p.path());
    let seen = said("folder proyek");
    std::fs::remove_dir_all(&old).unwrap();
    assert!(seen, "{}", s.log());
    edit_and_see(&p, &s, "Menerima surat setelah proyek diganti");
    assert!(!s.log().contains("panicked"), "{}", s.log());
}

/// How many inotify watches the process `pid` holds.
#[cfg(target_os = "linux")]
fn inotify_watches(pid: u32) -> usize {
    let mut watches = 0;
    for fd in std::fs::read_dir(format!("/proc/{pid}/fd")).unwrap() {
        let fd = fd.unwrap();
        if std::fs::read_link(fd.path()).is_ok_and(|l| l.as_os_str() == "anon_inode:inotify") {
            let info = std::fs::read_to_string(format!(
                "/proc/{pid}/fdinfo/{}",
                fd.file_name().to_string_lossy()
            ))
            .unwrap();
            watches += info
                .lines()
                .filter(|l| l.starts_with("inotify wd:"))
                .count();
        }
    }
    watches
}

#[cfg(target_os = "linux")]
#[test]
fn a_link_out_of_the_project_is_not_watched() {
    // 600 folders outside the project, linked from `content/` (a link to `/usr` registered
    // 17,036 watches); the build refuses such links anyway.
    let outside = tempfile::tempdir().unwrap();
    for i in 0..300 {
        std::fs::create_dir_all(outside.path().join(format!("d{i}/e"))).unwrap();
    }
    let p = Project::base();
    std::os::unix::fs::symlink(outside.path(), p.path().join("content/luar")).unwrap();
    let s = Served::start(&p);
    let pid = s.child.id();
    let at_start = inotify_watches(pid);
    // The project folder, `content/`, `dinas/`, `umum/`.
    assert!((1..20).contains(&at_start), "{at_start} watches");
    // A link made while serving is not followed either.
    let generation = s.generation();
    std::os::unix::fs::symlink(outside.path(), p.path().join("content/dinas/luar")).unwrap();
    assert!(
        wait_until(LONG, || s.generation() > generation),
        "{}",
        s.log()
    );
    let after = inotify_watches(pid);
    assert!(after < 20, "{after} watches");
}

#[test]
fn one_address_over_its_share_gets_a_readable_503_and_another_address_is_served() {
    let p = Project::base();
    let s = Served::start(&p);
    let (mut refused, mut other) = (String::new(), String::new());
    // A connection sending nothing is closed after 3 s: on a stalled machine the 64 held ones
    // may be gone before the 65th comes, so the round is repeated with fresh ones.
    let full = wait_until(LONG, || {
        let held: Vec<TcpStream> = (0..64)
            .map(|_| TcpStream::connect(&s.addr).unwrap())
            .collect();
        // The 65th from 127.0.0.1 sends its request once the server has answered: closing
        // then without reading it would reset the connection and lose the 503.
        refused = {
            let mut c = TcpStream::connect(&s.addr).unwrap();
            c.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
            std::thread::sleep(Duration::from_millis(200));
            let _ = c.write_all(get("/", &s.addr).as_bytes());
            let _ = c.write_all(&[b'x'; 8192]);
            read_all(&mut c)
        };
        other = exchange(&s.addr, Some("127.0.0.2"), &get("/", &s.addr));
        drop(held);
        status(&refused) == "503"
    });
    assert!(full, "never refused: {refused}");
    assert!(
        refused.contains("Terlalu banyak koneksi dari alamat Anda") && !refused.contains("ERROR"),
        "{refused}"
    );
    assert!(refused.contains("Retry-After: 2\r\n"), "{refused}");
    assert_eq!(status(&other), "200", "{other}");
}

#[test]
fn idle_event_streams_of_one_client_lock_out_neither_pages_nor_other_clients() {
    let p = Project::base();
    let s = Served::start(&p);
    let open_stream = |from: Option<&str>| {
        let mut c = match from {
            Some(f) => connect_from(f, &s.addr),
            None => TcpStream::connect(&s.addr).unwrap(),
        };
        c.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        write!(
            c,
            "GET /__sopan/events HTTP/1.1\r\nHost: {}\r\n\r\n",
            s.addr
        )
        .unwrap();
        BufReader::new(c)
    };
    // 40 tabs' worth from one address: 32 are streamed, 8 told why not.
    let mut streams: Vec<_> = (0..40).map(|_| open_stream(None)).collect();
    let mut statuses = Vec::new();
    for c in &mut streams {
        let mut line = String::new();
        c.read_line(&mut line).unwrap();
        statuses.push(line);
    }
    let streamed = statuses.iter().filter(|l| l.contains(" 200 ")).count();
    let refused = statuses.iter().filter(|l| l.contains(" 503 ")).count();
    assert_eq!((streamed, refused), (32, 8), "{statuses:?}");
    let (i, _) = statuses
        .iter()
        .enumerate()
        .find(|(_, l)| l.contains(" 503 "))
        .unwrap();
    let mut rest = String::new();
    let _ = streams[i].read_to_string(&mut rest);
    assert!(rest.contains("tab"), "{rest}");
    // Pages are still served to that client, and streams to another one.
    assert_eq!(s.get("/").0, 200);
    let mut line = String::new();
    open_stream(Some("127.0.0.2")).read_line(&mut line).unwrap();
    assert!(line.contains(" 200 "), "{line}");
}

#[test]
fn an_idle_connection_and_a_trickled_head_are_let_go_within_seconds() {
    let p = Project::base();
    let s = Served::start(&p);
    let started = Instant::now();
    let mut idle = TcpStream::connect(&s.addr).unwrap();
    let mut trickle = TcpStream::connect(&s.addr).unwrap();
    let mut watch = trickle.try_clone().unwrap();
    // A header a byte every 200 ms, for ever: each byte well within any per-read timeout.
    let writer = std::thread::spawn(move || {
        let _ = trickle.write_all(b"GET / HTTP/1.1\r\nX-Lambat: ");
        let until = Instant::now() + Duration::from_secs(40);
        while Instant::now() < until && trickle.write_all(b"a").is_ok() {
            std::thread::sleep(Duration::from_millis(200));
        }
    });
    // Closed by the server (an end or a reset, not our own timeout), long before the 30 s
    // each could hold a thread before.
    for c in [&mut idle, &mut watch] {
        c.set_read_timeout(Some(Duration::from_secs(25))).unwrap();
        let mut buf = [0u8; 64];
        let r = c.read(&mut buf);
        assert!(
            matches!(r, Ok(0))
                || matches!(&r, Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset),
            "{r:?}"
        );
    }
    let took = started.elapsed();
    assert!(took < Duration::from_secs(20), "{took:?}");
    writer.join().unwrap();
}

#[test]
fn only_this_servers_own_names_are_answered_and_heads_are_read_strictly() {
    let p = Project::base();
    let s = Served::start_with(&p, &["--host", "sop.lan", "--host", "intranet.dinas"]);
    let port = s.addr.rsplit_once(':').unwrap().1;
    // DNS rebinding: a hostile page whose name now resolves to 127.0.0.1 sends its own name,
    // and must not read the site or `/__sopan/status`.
    for path in ["/", "/__sopan/status"] {
        let r = exchange(&s.addr, None, &get(path, &format!("evil.example:{port}")));
        assert_eq!(status(&r), "421", "{r}");
        assert!(r.contains("tidak dilayani"), "{r}");
        assert!(r.contains("--host evil.example`"), "{r}");
    }
    for host in [
        s.addr.clone(),
        format!("localhost:{port}"),
        format!("[::1]:{port}"),
        "sop.lan".to_string(),
        format!("intranet.dinas:{port}"),
    ] {
        let r = exchange(&s.addr, None, &get("/__sopan/status", &host));
        assert_eq!(status(&r), "200", "{host}: {r}");
    }
    // HTTP/1.1 without Host, whitespace before a colon, obs-fold, a bare CR: 400.
    let host = &s.addr;
    for request in [
        "GET / HTTP/1.1\r\nConnection: close\r\n\r\n".to_string(),
        format!("GET / HTTP/1.1\r\nHost : {host}\r\n\r\n"),
        format!("GET / HTTP/1.1\r\nHost: {host}\r\nX-A: b\r\n c\r\n\r\n"),
        format!("GET / HTTP/1.1\r\nHost: {host}\r\nX-A: b\rContent-Length: 0\r\n\r\n"),
    ] {
        let r = exchange(&s.addr, None, &request);
        assert_eq!(status(&r), "400", "{request:?}: {r}");
    }
}

#[test]
fn double_slashes_never_redirect_to_another_host_and_every_reply_says_nosniff() {
    let p = Project::base();
    let s = Served::start(&p);
    for path in ["//cari", "///cari", "//cari?q=//x"] {
        let r = exchange(&s.addr, None, &get(path, &s.addr));
        assert_eq!(status(&r), "301", "{path}: {r}");
        assert!(r.contains("\r\nLocation: /cari/\r\n"), "{path}: {r}");
    }
    let r = exchange(&s.addr, None, &get("//cari/", &s.addr));
    assert_eq!(status(&r), "200", "{r}");
    for (path, code) in [
        ("/", "200"),
        ("/tidak-ada", "404"),
        ("//cari", "301"),
        ("/__sopan/reload.js", "200"),
    ] {
        let r = exchange(&s.addr, None, &get(path, &s.addr));
        assert_eq!(status(&r), code, "{path}: {r}");
        assert!(
            r.contains("\r\nX-Content-Type-Options: nosniff\r\n"),
            "{path}: {r}"
        );
    }
    let r = exchange(&s.addr, None, "halo\r\n\r\n");
    assert!(r.contains("\r\nX-Content-Type-Options: nosniff\r\n"), "{r}");
    let mut c = TcpStream::connect(&s.addr).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        c,
        "GET /__sopan/events HTTP/1.1\r\nHost: {}\r\n\r\n",
        s.addr
    )
    .unwrap();
    let mut head = String::new();
    let mut c = BufReader::new(c);
    while !head.ends_with("\r\n\r\n") {
        c.read_line(&mut head).unwrap();
    }
    assert!(
        head.contains("\r\nX-Content-Type-Options: nosniff\r\n"),
        "{head}"
    );
}
