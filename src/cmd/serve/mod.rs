//! `sopan serve`: build into memory, serve those bytes over HTTP, watch the project and rebuild
//! on every save, reload the browser after a good build and show the located diagnostics in an
//! overlay after a bad one, while the last good site stays served.
//!
//! The watcher keeps watching when `content/`, `themes/` or the project folder is replaced
//! ([`watch`]); the HTTP server bounds what clients can hold and answers only this machine's
//! names ([`http`]).

mod http;
mod watch;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use crate::core::error::{Error, ErrorKind, IoAct};
use crate::core::report;
use crate::core::sync::lock;
use crate::pipeline::cache::Caches;
use crate::pipeline::disk_cache::DiskCache;
use crate::pipeline::output::Output;
use crate::site::search::index as search_index;
use crate::site::search::index::SearchCache;
use crate::site::search::record::SearchRecord;
use crate::{pipeline, site};

/// What `sopan serve` was asked for.
pub(crate) struct ServeOptions {
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
    /// Host names the server answers to besides its addresses and `localhost` (`--host`).
    pub hosts: Vec<String>,
    /// Serve only these instansi (`--instansi`); empty: all.
    pub only: Vec<String>,
}

/// The site as served: the last good build, the current problem if the last build failed, and
/// a generation number that grows with every build, good or bad.
pub(crate) struct State {
    pub(crate) output: Arc<Output>,
    pub(crate) error: Option<String>,
    pub(crate) generation: u64,
    /// The generation of the build whose site is served (the last good one).
    pub(crate) output_generation: u64,
    /// The generation whose search index is served: a rebuilt site is shown first, with the
    /// previous (complete) index, and its own index replaces that one when ready.
    pub(crate) search_generation: u64,
    /// The site's path prefix from `base_url` ("" or "/sop").
    pub(crate) base: String,
}

/// `State` shared between the builder and the HTTP server; the server's waiters (event
/// streams) are woken on each build through a watch of the generation.
pub(crate) struct Shared {
    state: Mutex<State>,
    changed: tokio::sync::watch::Sender<u64>,
}

impl Shared {
    pub(crate) fn new(state: State) -> Shared {
        let generation = state.generation;
        Shared {
            state: Mutex::new(state),
            changed: tokio::sync::watch::Sender::new(generation),
        }
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }

    /// The generation, seen changing after each build (good or bad) is published.
    pub(crate) fn subscribe(&self) -> tokio::sync::watch::Receiver<u64> {
        self.changed.subscribe()
    }

    /// Serves a build's result (browsers reload). Returns its generation and whether it is a
    /// good build without its own search index: until [`Shared::publish_search`] brings that
    /// index, the previous one stays served.
    fn publish(&self, result: Result<Output, String>, base: String) -> (u64, bool) {
        let mut s = self.lock();
        s.generation += 1;
        let mut to_index = false;
        match result {
            Ok(mut output) => {
                let indexed = output.blobs_under(search_index::DIR).next().is_some();
                if !indexed {
                    for (path, blob) in s.output.blobs_under(search_index::DIR) {
                        output.insert_blob(path, Arc::clone(blob));
                    }
                }
                s.output = Arc::new(output);
                s.output_generation = s.generation;
                s.error = None;
                if indexed {
                    s.search_generation = s.generation;
                } else {
                    to_index = true;
                }
            }
            Err(text) => s.error = Some(text),
        }
        s.base = base;
        let generation = s.generation;
        drop(s);
        self.changed.send_replace(generation);
        (generation, to_index)
    }

    /// Serves the search index of the site built as `generation`, if that site is still the
    /// one served. Pages do not reload: they look the same.
    fn publish_search(&self, generation: u64, files: Vec<(String, Vec<u8>)>) {
        let mut s = self.lock();
        if s.output_generation != generation {
            return;
        }
        let mut output = Output::clone(&s.output);
        output.remove_under(search_index::DIR);
        for (path, bytes) in files {
            output.insert(path, bytes);
        }
        s.output = Arc::new(output);
        s.search_generation = generation;
    }
}

/// The warnings last printed to the terminal.
static LAST_WARNINGS: Mutex<String> = Mutex::new(String::new());

/// The search records of a site built as `generation`, to index.
struct SearchJob {
    generation: u64,
    records: Vec<SearchRecord>,
}

/// Builds the search index of rebuilt sites on its own thread, newest first: a job still
/// waiting when a newer site arrives is dropped, its index would never be served.
struct SearchThread {
    next: Arc<(Mutex<Option<SearchJob>>, Condvar)>,
}

impl SearchThread {
    fn start(shared: Arc<Shared>, cache: Arc<SearchCache>) -> Result<Self, Error> {
        let next: Arc<(Mutex<Option<SearchJob>>, Condvar)> = Arc::default();
        let slot = Arc::clone(&next);
        std::thread::Builder::new()
            .name("sopan-cari".into())
            .spawn(move || {
                lower_priority();
                loop {
                    let job = {
                        let (m, cv) = &*slot;
                        let mut g = lock(m);
                        loop {
                            if let Some(job) = g.take() {
                                break job;
                            }
                            g = cv.wait(g).unwrap_or_else(PoisonError::into_inner);
                        }
                    };
                    let t = Instant::now();
                    let pages = job.records.len();
                    match search_index::index(job.records, Some(&cache)) {
                        Ok(files) => {
                            shared.publish_search(job.generation, files);
                            eprintln!(
                                "  indeks pencarian diperbarui: {} dari {pages} halaman diindeks ulang, {} ms",
                                cache.last_indexed(),
                                t.elapsed().as_millis()
                            );
                        }
                        Err(e) => eprintln!("{e}\n  (indeks pencarian sebelumnya tetap disajikan)"),
                    }
                }
            })
            .map_err(|e| Error::new(ErrorKind::Thread {
                    what: crate::core::error::ThreadOf::Search,
                })
                .cause(e))?;
        Ok(SearchThread { next })
    }

    fn submit(&self, job: SearchJob) {
        let (m, cv) = &*self.next;
        *lock(m) = Some(job);
        cv.notify_one();
    }
}

/// The search thread yields to rebuilds: on two cores a save's rebuild would otherwise share
/// a core with the previous save's index.
#[cfg(target_os = "linux")]
fn lower_priority() {
    // Linux applies a priority set for a thread id to that thread alone.
    let tid = rustix::thread::gettid();
    let _ = rustix::process::setpriority_process(Some(tid), 10);
}

#[cfg(not(target_os = "linux"))]
fn lower_priority() {}

/// One build's result: the site or the text the terminal and the browser overlay show, the
/// site's path prefix, the search records of a good build whose index was deferred, and what
/// the build leaves to free.
struct Built {
    result: Result<Output, String>,
    base: String,
    records: Vec<SearchRecord>,
    /// The content model and extras, freed after the browser is told (freeing the models of
    /// 1,000 SOPs took tens of milliseconds).
    leftovers: Box<dyn std::any::Any>,
}

/// One build into memory, through the pipeline's stages with the session's caches. Content
/// errors and operational errors both come back as the text the terminal and the browser
/// overlay show (without colour). With `defer_search` a good build comes back without its
/// search index.
/// With `defer_books` a changed decree book is served as it was ([`pipeline::cache::Books`]);
/// `disk` is the build cache `sopan build` left (read by the first build only).
fn build_once(
    root: &Path,
    only: Option<&[String]>,
    caches: &Caches,
    defer_search: bool,
    defer_books: bool,
    disk: Option<&DiskCache>,
) -> Built {
    // `SOPAN_WAKTU=1` prints each stage's time (for benchmarks), as `build` does.
    let timed = crate::core::env::get().waktu;
    let mut log = |stage: &str, took: Duration| {
        if timed {
            eprintln!("  {stage}: {} ms", took.as_millis());
        }
    };
    let mode = pipeline::Mode::Memory {
        caches,
        defer_search,
        defer_books,
        disk,
    };
    let loaded = match pipeline::load(root, &mode, only, &mut log) {
        Ok(l) => l,
        Err(e) => {
            return Built {
                result: Err(e.to_string()),
                base: String::new(),
                records: Vec::new(),
                leftovers: Box::new(()),
            };
        }
    };
    let base = site::html::base_path(loaded.site.settings.base_url.as_deref());
    let report = report::render_all(&loaded.diags, &loaded.sources, false);
    let sops = loaded.site.sops().count();
    if loaded.diags.has_errors() {
        let text = format!(
            "{report}Pembangunan gagal: {}\n",
            report::summary(sops, &loaded.diags)
        );
        return Built {
            result: Err(text),
            base,
            records: Vec::new(),
            leftovers: Box::new(loaded),
        };
    }
    match pipeline::render(root, &loaded, &mode, &mut log) {
        Ok(rendered) => {
            // Warnings are printed when they change, not after every save.
            let mut last = lock(&LAST_WARNINGS);
            if *last != report {
                eprint!("{report}");
                *last = report;
            }
            Built {
                result: Ok(rendered.output),
                base,
                records: rendered.records,
                leftovers: Box::new((loaded, rendered.extras)),
            }
        }
        Err(e) => Built {
            result: Err(e.to_string()),
            base,
            records: Vec::new(),
            leftovers: Box::new(loaded),
        },
    }
}

/// Runs the server until the process is stopped (Ctrl-C). Nothing is written to disk, so
/// stopping at any moment loses nothing.
pub(crate) fn serve(opts: &ServeOptions) -> Result<i32, Error> {
    if !opts.root.is_dir() {
        return Err(Error::new(ErrorKind::ProjectMissing {
            dir: opts.root.clone(),
        }));
    }
    let root = opts
        .root
        .canonicalize()
        .map_err(|e| Error::io(IoAct::OpenProject, &opts.root, e))?;
    let only = (!opts.only.is_empty()).then_some(opts.only.as_slice());
    if let Some(only) = only {
        crate::load::check_instansi(&root, only)?;
    }
    // Bind first: a busy port is reported before a long first build, not after it.
    let addr = format!("{}:{}", opts.bind, opts.port);
    // The server sets TCP_NODELAY on each accepted connection (http/mod.rs).
    let server = std::net::TcpListener::bind(&addr).map_err(|e| {
        Error::new(ErrorKind::ServeBind {
            addr: addr.to_string(),
        })
        .cause(e)
    })?;
    // Watching starts before the first build: a file saved while it runs, or just after the
    // address is printed, is rebuilt rather than missed (a test that saved at once lost its
    // change when watching began only after the server was announced).
    let mut watcher = watch::Watcher::new(&root, opts.poll)?;
    let cache = Caches::default();
    let t = Instant::now();
    // The first site is served whole, search index included, its documents taken from the
    // build cache `sopan build` keeps when there is one.
    let disk = open_disk_cache(&root);
    let Built {
        result: first,
        base,
        leftovers,
        ..
    } = build_once(&root, only, &cache, false, false, disk.as_ref());
    drop((leftovers, disk));
    match &first {
        Ok(o) => eprintln!(
            "Situs dibangun di memori: {} berkas dalam {} ms",
            o.len(),
            t.elapsed().as_millis()
        ),
        Err(text) => eprintln!(
            "{text}Belum ada situs: setiap halaman menampilkan galat di atas sampai isinya berhasil dibangun"
        ),
    }
    let shared = Arc::new(Shared::new(State {
        output: Arc::new(Output::new()),
        error: None,
        generation: 0,
        output_generation: 0,
        search_generation: 0,
        base: String::new(),
    }));
    shared.publish(first, base);
    crate::pdf::drop_layout_memos();
    let search = SearchThread::start(Arc::clone(&shared), Arc::clone(&cache.search))?;

    let url = match server.local_addr() {
        Ok(a) => format!("http://{a}/"),
        Err(_) => format!("http://{addr}/"),
    };
    eprintln!("Menyajikan situs di {url}  (Ctrl-C untuk berhenti)");
    if opts.open {
        // Best effort: a machine without a desktop simply has no browser to open.
        let _ = std::process::Command::new("xdg-open").arg(&url).spawn();
    }
    let http_shared = Arc::clone(&shared);
    let hosts = opts.hosts.clone();
    std::thread::Builder::new()
        .name("sopan-http".into())
        .spawn(move || http::run(server, http_shared, hosts))
        .map_err(|e| Error::new(ErrorKind::ServeRuntime).cause(e))?;

    loop {
        let changed = watcher.next_change();
        let t = Instant::now();
        let Built {
            result,
            base,
            records,
            leftovers,
        } = build_once(&root, only, &cache, true, true, None);
        match &result {
            Ok(o) => eprintln!(
                "Dibangun ulang ({}): {} berkas dan indeks pencarian yang menyusul, {} ms; peramban dimuat ulang",
                changed,
                o.len(),
                t.elapsed().as_millis()
            ),
            Err(text) => {
                let served = if shared.lock().output_generation > 0 {
                    "situs terakhir yang berhasil tetap disajikan"
                } else {
                    "belum ada situs: setiap halaman menampilkan galat di atas"
                };
                eprintln!("{text}({served})");
            }
        }
        let (generation, to_index) = shared.publish(result, base);
        // The page being edited reloads first; its search index follows from the search
        // thread (the previous index stays served until then: search never sees half an
        // index, and the next save does not wait for it).
        if to_index {
            search.submit(SearchJob {
                generation,
                records,
            });
        }
        drop(leftovers);
        crate::pdf::drop_layout_memos();
        // Books served as they were are joined now, in a build of their own (everything else
        // comes from the caches); browsers reload once more when it is served.
        let stale = cache.books.take_pending();
        if stale > 0 {
            let t = Instant::now();
            let built = build_once(&root, only, &cache, true, false, None);
            let good = built.result.is_ok();
            let (generation, to_index) = shared.publish(built.result, built.base);
            if good {
                eprintln!(
                    "  buku keputusan digabung ulang ({stale} buku), {} ms; peramban dimuat ulang",
                    t.elapsed().as_millis()
                );
            }
            if to_index {
                search.submit(SearchJob {
                    generation,
                    records: built.records,
                });
            }
            drop(built.leftovers);
            crate::pdf::drop_layout_memos();
        }
    }
}

/// The build cache of the project, when `sopan build` left one at the default place. A cache
/// that cannot be opened is only a slower first build: a warning, not an error.
fn open_disk_cache(root: &Path) -> Option<DiskCache> {
    let dir = root.join(crate::pipeline::disk_cache::DEFAULT_DIR);
    if !dir.is_dir() {
        return None;
    }
    match DiskCache::open(root, &root.join("output"), &dir, false) {
        Ok(disk) => Some(disk),
        Err(e) => {
            eprintln!("peringatan: cache pembangunan tidak dipakai\n{e}");
            None
        }
    }
}
