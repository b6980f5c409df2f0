//! What `serve` answers for a path: the in-memory site, byte for byte what `build` writes, with a
//! small live-reload script injected into HTML pages; that script; a status endpoint carrying
//! the current diagnostics for the browser overlay; and the live-reload event stream.
//!
//! Pure of HTTP mechanics (the server in [`super`] turns a [`Reply`] into a response), except
//! the event stream, which is a response body fed while its tab is open.

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use hyper::body::{Body, Bytes, Frame};
use hyper::header::HeaderName;
use hyper::{StatusCode, header};
use tokio::sync::mpsc;

use super::guard::ReplyClock;
use crate::cmd::serve::Shared;

/// The client script: reloads after a good build, shows the diagnostics after a bad one.
const RELOAD_JS: &str = include_str!("../reload.js");

/// How often an idle event stream gets a comment, so that proxies keep it open.
const KEEP_OPEN: Duration = Duration::from_secs(15);

/// A whole reply, sent with its length so the connection can carry the next request.
pub(super) struct Reply {
    pub(super) status: StatusCode,
    pub(super) content_type: &'static str,
    pub(super) body: Bytes,
    pub(super) extra: Vec<(HeaderName, String)>,
}

impl Reply {
    pub(super) fn new(
        status: StatusCode,
        content_type: &'static str,
        body: impl Into<Bytes>,
    ) -> Reply {
        Reply {
            status,
            content_type,
            body: body.into(),
            extra: Vec::new(),
        }
    }

    /// A short Indonesian text for the person at the browser.
    pub(super) fn text(status: StatusCode, text: &str) -> Reply {
        Reply::new(status, "text/plain; charset=utf-8", format!("{text}\n"))
    }

    pub(super) fn with(mut self, name: HeaderName, value: impl Into<String>) -> Reply {
        self.extra.push((name, value.into()));
        self
    }
}

/// What a request is answered with.
pub(super) enum Route {
    Reply(Reply),
    /// The event stream of builds after this generation.
    Events(u64),
}

/// `target` is the request's path and query, runs of `/` in its path made one.
pub(super) fn route(target: &str, shared: &Shared) -> Route {
    let (raw, query) = target.split_once('?').unwrap_or((target, ""));
    let path = percent_decode(raw);
    match path.as_str() {
        "/__sopan/reload.js" => Route::Reply(Reply::new(
            StatusCode::OK,
            "text/javascript; charset=utf-8",
            RELOAD_JS,
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
                StatusCode::OK,
                "application/json",
                body.to_string(),
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

/// `//cari` and `/a///b` as `/cari` and `/a/b`: a path starting with `//` would become a
/// redirect to `//cari/`, which a browser reads as the host `cari`.
pub(super) fn collapse_slashes(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        if !(c == '/' && out.ends_with('/')) {
            out.push(c);
        }
    }
    out
}

/// A served file's bytes, shared with the site rather than copied for each request.
struct SiteBytes(Arc<crate::pipeline::output::Blob>);

impl AsRef<[u8]> for SiteBytes {
    fn as_ref(&self) -> &[u8] {
        self.0.bytes()
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
        return Reply::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "text/html; charset=utf-8",
            inject(NO_SITE, generation),
        );
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
            return Reply::new(StatusCode::OK, ct, inject(blob.bytes(), generation));
        }
        let bytes = Bytes::from_owner(SiteBytes(Arc::clone(blob)));
        return Reply::new(StatusCode::OK, ct, bytes);
    }
    if output.get(&format!("{rel}/index.html")).is_some() {
        // The path as the client wrote it (still %-encoded): a decoded one could carry a
        // line break into the header. Its slashes are single already (`//cari/` would send
        // the browser to the host `cari`), and a backslash is escaped: browsers read `/\cari`
        // as `//cari` too.
        let location = format!("{}/", raw_path.replace('\\', "%5C"));
        debug_assert!(!location.starts_with("//"));
        return Reply::new(
            StatusCode::MOVED_PERMANENTLY,
            "text/plain; charset=utf-8",
            Bytes::new(),
        )
        .with(header::LOCATION, location);
    }
    let body = output
        .get("404.html")
        .map(|b| inject(b, generation))
        .unwrap_or_else(|| b"<!DOCTYPE html><title>404</title>Halaman tidak ditemukan".to_vec());
    Reply::new(StatusCode::NOT_FOUND, "text/html; charset=utf-8", body)
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

/// The body of an event stream: `reload` after each good build, `galat` after each failed one,
/// a comment every 15 s so proxies keep it open. It has no length and never ends by itself:
/// its end is the connection's, when the tab goes away (or stops reading, see [`ReplyClock`]).
pub(super) struct EventStream {
    messages: mpsc::Receiver<Bytes>,
    clock: ReplyClock,
}

impl EventStream {
    /// Streams the builds after generation `seen`. A task waits for them (woken by the site's
    /// swap, see [`Shared::subscribe`]) and ends with the stream.
    pub(super) fn start(shared: Arc<Shared>, mut seen: u64, clock: ReplyClock) -> EventStream {
        let (tx, messages) = mpsc::channel(1);
        let mut generations = shared.subscribe();
        tokio::spawn(async move {
            loop {
                let next = async {
                    tokio::time::timeout(KEEP_OPEN, generations.wait_for(|g| *g > seen)).await
                };
                let msg = tokio::select! {
                    waited = next => match waited {
                        Ok(Ok(_)) => {
                            let (generation, broken) = {
                                let s = shared.lock();
                                (s.generation, s.error.is_some())
                            };
                            seen = generation;
                            let data = if broken { "galat" } else { "reload" };
                            format!("id: {generation}\ndata: {data}\n\n")
                        }
                        // The site's sender is gone: the server is ending.
                        Ok(Err(_)) => return,
                        Err(_) => String::from(": tetap terhubung\n\n"),
                    },
                    // The connection ended (the tab closed): no need to wait out the 15 s.
                    () = tx.closed() => return,
                };
                if tx.send(Bytes::from(msg)).await.is_err() {
                    return;
                }
            }
        });
        EventStream { messages, clock }
    }
}

impl Body for EventStream {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        let this = self.get_mut();
        this.messages.poll_recv(cx).map(|m| {
            m.map(|bytes| {
                // Each message has the reply time: a tab that stopped reading is let go.
                this.clock.start();
                Ok(Frame::data(bytes))
            })
        })
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::cmd::serve::State;
    use crate::pipeline::output::Output;

    /// A served site holding `files`, each a tiny page.
    pub(crate) fn shared_with(files: &[&str]) -> Shared {
        let mut output = Output::new();
        for f in files {
            output.insert(*f, b"<html><body>x</body></html>".to_vec());
        }
        Shared::new(State {
            output: Arc::new(output),
            error: None,
            generation: 1,
            output_generation: 1,
            search_generation: 1,
            base: String::new(),
        })
    }

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

    fn location(target: &str, shared: &Shared) -> String {
        match route(target, shared) {
            Route::Reply(r) => {
                assert_eq!(r.status, StatusCode::MOVED_PERMANENTLY, "{target}");
                r.extra
                    .iter()
                    .find(|(n, _)| *n == header::LOCATION)
                    .map(|(_, v)| v.clone())
                    .unwrap()
            }
            Route::Events(_) => panic!("{target}"),
        }
    }

    #[test]
    fn runs_of_slashes_collapse_and_a_redirect_never_leaves_the_host() {
        assert_eq!(collapse_slashes("//cari"), "/cari");
        assert_eq!(collapse_slashes("///a//b/"), "/a/b/");
        let shared = shared_with(&["index.html", "cari/index.html"]);
        // Python's http.server answered `//cari` with `Location: //cari/` (CVE-2021-28861):
        // a browser goes to the host `cari`.
        assert_eq!(location(&collapse_slashes("//cari"), &shared), "/cari/");
        assert_eq!(location(&collapse_slashes("////cari"), &shared), "/cari/");
        assert_eq!(location("/%2Fcari", &shared), "/%2Fcari/");
        // `//cari/` serves the page itself.
        assert!(matches!(
            route(&collapse_slashes("//cari/"), &shared),
            Route::Reply(r) if r.status == StatusCode::OK
        ));
        // A backslash would be read as a slash by browsers.
        let shared = shared_with(&["\\cari/index.html"]);
        assert_eq!(location("/\\cari", &shared), "/%5Ccari/");
    }

    #[test]
    fn status_events_and_missing_pages() {
        let shared = shared_with(&["index.html"]);
        assert!(matches!(
            route("/__sopan/events?sejak=4", &shared),
            Route::Events(4)
        ));
        assert!(matches!(
            route("/__sopan/events", &shared),
            Route::Events(1)
        ));
        match route("/tidak-ada", &shared) {
            Route::Reply(r) => assert_eq!(r.status, StatusCode::NOT_FOUND),
            Route::Events(_) => panic!(),
        }
        match route("/__sopan/status", &shared) {
            Route::Reply(r) => {
                let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
                assert_eq!(
                    (v["generasi"].as_u64(), v["situs"].as_bool()),
                    (Some(1), Some(true))
                );
            }
            Route::Events(_) => panic!(),
        }
    }
}
