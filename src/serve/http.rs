//! The HTTP side of `serve`: the in-memory site, byte for byte what `build` writes, plus a small
//! live-reload script injected into HTML pages, its Server-Sent Events stream and a status
//! endpoint that carries the current diagnostics for the browser overlay.

use std::io::Write as _;
use std::sync::Arc;
use std::time::Duration;

use tiny_http::{Header, Request, Response, Server};

use super::Shared;

/// The client script: reloads after a good build, shows the diagnostics after a bad one.
const RELOAD_JS: &str = include_str!("reload.js");

/// Serves until the process ends; every request gets its own thread (event streams stay open).
pub(crate) fn run(server: Server, shared: Arc<Shared>) {
    for request in server.incoming_requests() {
        let shared = Arc::clone(&shared);
        let spawned = std::thread::Builder::new()
            .name("sopan-http-req".into())
            .spawn(move || handle(request, &shared));
        if let Err(e) = spawned {
            eprintln!("peringatan: permintaan HTTP tidak dilayani: {e}");
        }
    }
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("header names are ASCII")
}

fn respond(request: Request, status: u16, content_type: &str, body: Vec<u8>) {
    let response = Response::from_data(body)
        .with_status_code(status)
        .with_header(header("Content-Type", content_type))
        .with_header(header("Cache-Control", "no-store"));
    // The browser may have gone away; nothing to do about it.
    let _ = request.respond(response);
}

fn handle(request: Request, shared: &Shared) {
    let url = request.url().to_string();
    let (path, query) = url.split_once('?').unwrap_or((url.as_str(), ""));
    let path = percent_decode(path);
    match path.as_str() {
        "/__sopan/reload.js" => {
            respond(
                request,
                200,
                "text/javascript; charset=utf-8",
                RELOAD_JS.into(),
            );
        }
        "/__sopan/status" => {
            let s = shared.lock();
            let body = serde_json::json!({
                "generasi": s.generation,
                "indeks": s.search_generation,
                "galat": s.error,
            });
            drop(s);
            respond(
                request,
                200,
                "application/json",
                body.to_string().into_bytes(),
            );
        }
        "/__sopan/events" => {
            let since = query
                .split('&')
                .find_map(|kv| kv.strip_prefix("sejak="))
                .and_then(|v| v.parse().ok())
                .unwrap_or_else(|| shared.lock().generation);
            events(request, shared, since);
        }
        _ => file(request, shared, &path),
    }
}

/// An event stream: `reload` after each good build, `galat` after each failed one, a comment
/// every 15 s so proxies keep it open. Ends when the browser goes away.
fn events(request: Request, shared: &Shared, mut seen: u64) {
    let mut w = request.into_writer();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: keep-alive\r\n\r\n";
    if w.write_all(head.as_bytes())
        .and_then(|()| w.flush())
        .is_err()
    {
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
        if w.write_all(msg.as_bytes())
            .and_then(|()| w.flush())
            .is_err()
        {
            return;
        }
    }
}

fn file(request: Request, shared: &Shared, path: &str) {
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
    if let Some(bytes) = output.get(&candidate) {
        let ct = content_type(&candidate);
        let body = if candidate.ends_with(".html") {
            inject(bytes, generation)
        } else {
            bytes.to_vec()
        };
        return respond(request, 200, ct, body);
    }
    if output.get(&format!("{rel}/index.html")).is_some() {
        let location = format!("{path}/");
        let response = Response::empty(301)
            .with_header(header("Location", &location))
            .with_header(header("Cache-Control", "no-store"));
        let _ = request.respond(response);
        return;
    }
    let body = output
        .get("404.html")
        .map(|b| inject(b, generation))
        .unwrap_or_else(|| b"<!DOCTYPE html><title>404</title>Halaman tidak ditemukan".to_vec());
    respond(request, 404, "text/html; charset=utf-8", body);
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
}
