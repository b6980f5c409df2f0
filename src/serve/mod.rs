//! `sopan serve`: build into memory, serve those bytes over HTTP, watch the project and rebuild
//! on every save, reload the browser after a good build and show the located diagnostics in an
//! overlay after a bad one, while the last good site stays served.

mod http;
mod watch;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use crate::error::Error;
use crate::output::Output;
use crate::render::pdf::PdfCache;
use crate::render::search::SearchCache;
use crate::sync::lock;
use crate::{load_and_validate, render, report, theme};

/// What `sopan serve` was asked for.
pub struct ServeOptions {
    /// Project root.
    pub root: PathBuf,
    /// Address to bind (127.0.0.1 unless asked otherwise).
    pub bind: String,
    /// Port; 0 lets the system choose.
    pub port: u16,
    /// Open the site in the default browser.
    pub open: bool,
    /// Poll the file system instead of waiting for its events.
    pub poll: bool,
}

/// The site as served: the last good build, the current problem if the last build failed, and
/// a generation number that grows with every build, good or bad.
pub(crate) struct State {
    pub(crate) output: Arc<Output>,
    pub(crate) error: Option<String>,
    pub(crate) generation: u64,
    /// The site's path prefix from `base_url` ("" or "/sop").
    pub(crate) base: String,
}

/// `State` shared between the builder and the HTTP threads; waiters are woken on each build.
pub(crate) struct Shared {
    state: Mutex<State>,
    changed: Condvar,
}

impl Shared {
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }

    /// Waits until the generation passes `seen` or `timeout` elapses; returns the generation and
    /// whether the site is currently broken.
    pub(crate) fn wait_past(&self, seen: u64, timeout: Duration) -> (u64, bool) {
        let guard = self.lock();
        let (guard, _) = self
            .changed
            .wait_timeout_while(guard, timeout, |s| s.generation <= seen)
            .unwrap_or_else(PoisonError::into_inner);
        (guard.generation, guard.error.is_some())
    }

    fn publish(&self, result: Result<Output, String>, base: String) {
        let mut s = self.lock();
        match result {
            Ok(output) => {
                s.output = Arc::new(output);
                s.error = None;
            }
            Err(text) => s.error = Some(text),
        }
        s.base = base;
        s.generation += 1;
        drop(s);
        self.changed.notify_all();
    }
}

/// What a serve session keeps between builds.
#[derive(Default)]
struct Caches {
    pdf: PdfCache,
    search: SearchCache,
    history: crate::history::HistoryCache,
}

/// The warnings last printed to the terminal.
static LAST_WARNINGS: Mutex<String> = Mutex::new(String::new());

/// One build into memory. Content errors and operational errors both come back as the text
/// the terminal and the browser overlay show (without colour).
fn build_once(root: &Path, cache: &Caches) -> (Result<Output, String>, String) {
    let loaded = match load_and_validate(root) {
        Ok(l) => l,
        Err(e) => return (Err(e.to_string()), String::new()),
    };
    let base = render::html::base_path(loaded.site.settings.base_url.as_deref());
    let report = report::render_all(&loaded.diags, &loaded.sources, false);
    let sops = loaded.site.sops().count();
    if loaded.diags.has_errors() {
        let text = format!(
            "{report}Pembangunan gagal, situs terakhir yang berhasil tetap disajikan: {}\n",
            report::summary(sops, &loaded.diags)
        );
        return (Err(text), base);
    }
    let built = theme::Theme::load(root, &loaded.site.settings.tema).and_then(|theme| {
        let extras = crate::extras(root, &loaded, Some(&cache.history));
        let ctx = render::BuildContext {
            extras: &extras,
            root,
            theme: &theme,
            progress: false,
            cache: Some(&cache.pdf),
            search: Some(&cache.search),
            processes: 0,
        };
        render::build(&loaded.site, &ctx, &mut |_, _| {})
    });
    cache.pdf.finish_build();
    match built {
        Ok(output) => {
            // Warnings are printed when they change, not after every save.
            let mut last = lock(&LAST_WARNINGS);
            if *last != report {
                eprint!("{report}");
                *last = report;
            }
            (Ok(output), base)
        }
        Err(e) => (Err(e.to_string()), base),
    }
}

/// Sends small responses at once: tiny_http writes a response's head and body separately, and
/// with Nagle's algorithm against the client's delayed ACK every keep-alive request then waited
/// about 40 ms (1,100 requests/s at most with 50 connections). Linux gives accepted
/// connections the listener's `TCP_NODELAY`.
#[cfg(target_os = "linux")]
fn no_delay(listener: &std::net::TcpListener) {
    let _ = rustix::net::sockopt::set_tcp_nodelay(listener, true);
}

#[cfg(not(target_os = "linux"))]
fn no_delay(_: &std::net::TcpListener) {}

/// Runs the server until the process is stopped (Ctrl-C). Nothing is written to disk, so
/// stopping at any moment loses nothing.
pub fn serve(opts: &ServeOptions) -> Result<i32, Error> {
    if !opts.root.is_dir() {
        return Err(Error::new(format!(
            "folder proyek `{}` tidak ditemukan",
            opts.root.display()
        )));
    }
    let root = opts.root.canonicalize().map_err(|e| {
        Error::io(
            format!("gagal membuka folder proyek `{}`", opts.root.display()),
            e,
        )
    })?;
    // Bind first: a busy port is reported before a long first build, not after it.
    let addr = format!("{}:{}", opts.bind, opts.port);
    let server = std::net::TcpListener::bind(&addr)
        .map_err(|e| Box::new(e) as Box<dyn std::error::Error + Send + Sync>)
        .and_then(|listener| {
            no_delay(&listener);
            tiny_http::Server::from_listener(listener, None)
        })
        .map_err(|e| {
            Error::new(format!("gagal membuka server di `{addr}`"))
                .cause(e)
                .hint("port itu mungkin sedang dipakai; pilih yang lain dengan `--port`")
        })?;
    let cache = Caches::default();
    let t = Instant::now();
    let (first, base) = build_once(&root, &cache);
    match &first {
        Ok(o) => eprintln!(
            "Situs dibangun di memori: {} berkas dalam {} ms",
            o.len(),
            t.elapsed().as_millis()
        ),
        Err(text) => eprint!("{text}"),
    }
    let shared = Arc::new(Shared {
        state: Mutex::new(State {
            output: Arc::new(Output::new()),
            error: None,
            generation: 0,
            base: String::new(),
        }),
        changed: Condvar::new(),
    });
    shared.publish(first, base);

    let url = match server.server_addr().to_ip() {
        Some(a) => format!("http://{a}/"),
        None => format!("http://{addr}/"),
    };
    eprintln!("Menyajikan situs di {url}  (Ctrl-C untuk berhenti)");
    if opts.open {
        // Best effort: a machine without a desktop simply has no browser to open.
        let _ = std::process::Command::new("xdg-open").arg(&url).spawn();
    }
    let http_shared = Arc::clone(&shared);
    std::thread::Builder::new()
        .name("sopan-http".into())
        .spawn(move || http::run(server, http_shared))
        .map_err(|e| Error::new("gagal menjalankan server HTTP").cause(e))?;

    let watcher = watch::Watcher::new(&root, opts.poll)?;
    loop {
        let changed = watcher.next_change();
        let t = Instant::now();
        let (result, base) = build_once(&root, &cache);
        match &result {
            Ok(o) => eprintln!(
                "Dibangun ulang ({}): {} berkas, {} ms; peramban dimuat ulang",
                changed,
                o.len(),
                t.elapsed().as_millis()
            ),
            Err(text) => eprint!("{text}"),
        }
        shared.publish(result, base);
    }
}
