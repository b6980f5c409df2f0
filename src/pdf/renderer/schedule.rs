//! Scheduling: SOP documents compiled in threads or worker processes (decided once, from the
//! number of documents), looked up in the caches first; the decree books after them.

use super::book::book_parts;
use super::*;
use crate::core::sync::lock;
use crate::pdf::book::sink::FileSink;

/// Fewer documents to compile than this go to threads even where worker processes were chosen:
/// starting the processes costs more than they gain (as `Mode::pdf_processes` decides for
/// small sites).
pub(super) const MIN_FOR_PROCESSES: usize = 64;

/// Where SOP documents are compiled.
pub(crate) enum Workers<'a> {
    /// Threads of this process (small sites, and `serve`, whose cache lives here).
    Threads,
    /// That many worker processes: Typst's memo caches are process-wide and contended, so
    /// separate processes scale where threads did not (1,000 SOPs on 2 cores).
    Processes(usize, WorkerSetup<'a>),
}

/// What worker processes need to build the same renderer: the project and its theme.
pub struct WorkerSetup<'a> {
    /// Project root.
    pub root: &'a std::path::Path,
    /// Theme name (`tema`).
    pub tema: &'a str,
    /// Logos and pinned date.
    pub(crate) setup: RendererSetup,
}

/// How many SOPs' jobs are made at once, on all cores, while looking ahead for documents the
/// build cache lacks (see [`JobFeed::look_ahead`]).
const LOOK_AHEAD: usize = 256;

/// The SOP documents of a build, each looked up in the caches by its key from the model
/// ([`super::key`]) and its job made (its template data serialised, the column plan worked
/// out) only when a worker takes it: made all up front, 10,000 SOPs' jobs held 77 MB of JSON
/// before the first document was compiled, and every unchanged SOP's plan was worked out only
/// to be hashed. Documents the caches hold never reach a worker; `tick` counts them as done.
struct JobFeed<'a> {
    site: &'a Site,
    renderer: &'a PdfRenderer,
    /// The cache keys, from the model.
    keys_of: super::key::SopKeys<'a>,
    /// Every SOP, largest first, so the last documents to finish are small and no core idles
    /// long at the end.
    order: Vec<(&'a Instansi, &'a Bidang, &'a Sop)>,
    /// The next SOP of `order` to make a job of.
    next: AtomicUsize,
    /// Jobs made by [`JobFeed::look_ahead`], handed out first.
    ahead: std::sync::Mutex<std::collections::VecDeque<(usize, SopJob)>>,
    cache: Option<&'a PdfCache>,
    disk: Option<&'a DiskCache>,
    staging: Option<Arc<crate::pipeline::staging::Staging>>,
    /// The cache key of each job handed out and not yet done, by its PDF's path.
    keys: std::sync::Mutex<std::collections::HashMap<String, [u8; 32]>>,
    /// Documents taken from a cache (`serve`'s or the build cache), by their place in `order`.
    hits: std::sync::Mutex<Vec<(usize, Shared)>>,
    tick: &'a (dyn Fn() + Sync),
}

impl<'a> JobFeed<'a> {
    fn new(
        site: &'a Site,
        renderer: &'a PdfRenderer,
        out: &Output,
        cache: Option<&'a PdfCache>,
        disk: Option<&'a DiskCache>,
        tick: &'a (dyn Fn() + Sync),
    ) -> Self {
        let mut order = site.sops_placed();
        // Stable: documents of the same weight stay in the site's order.
        order.sort_by_key(|&(_, _, s)| std::cmp::Reverse(sop_weight(s)));
        JobFeed {
            site,
            renderer,
            keys_of: super::key::SopKeys::new(renderer, site),
            order,
            next: AtomicUsize::new(0),
            ahead: Default::default(),
            cache,
            disk,
            staging: out.staging().cloned(),
            keys: Default::default(),
            hits: Default::default(),
            tick,
        }
    }

    /// The job of the `k`-th SOP of `order`, unless a cache holds its document: `serve`'s own,
    /// or the build cache (then linked into the staging folder in `sopan build`), whose hits
    /// `serve`'s first build keeps for its saves. A hit is kept in `hits`.
    fn make(&self, k: usize) -> Option<SopJob> {
        let (i, b, s) = self.order[k];
        let key = self.keys_of.sop(i, b, s);
        let hit = self.cache.and_then(|c| c.get(&key)).or_else(|| {
            let disk = self.disk?;
            let hit = match &self.staging {
                Some(st) => disk.get_staged(&key, st, &is_notes),
                None => disk.get(&key),
            }?;
            if let Some(c) = self.cache {
                c.put(key, &hit);
            }
            Some(hit)
        });
        if let Some(files) = hit {
            lock(&self.hits).push((k, files));
            (self.tick)();
            return None;
        }
        let job = self.renderer.sop_job(self.site, i, b, s);
        if self.disk.is_some() || self.cache.is_some() {
            lock(&self.keys).insert(format!("{}.pdf", job.id), key);
        }
        Some(job)
    }

    /// The next job to compile, with its place in `order`; `None` when none is left.
    fn take(&self) -> Option<(usize, SopJob)> {
        if let Some(job) = lock(&self.ahead).pop_front() {
            return Some(job);
        }
        loop {
            let k = self.next.fetch_add(1, Ordering::Relaxed);
            if k >= self.order.len() {
                return None;
            }
            if let Some(job) = self.make(k) {
                return Some((k, job));
            }
        }
    }

    /// Hands out no further job (a document failed).
    fn stop(&self) {
        self.next.store(self.order.len(), Ordering::Relaxed);
        lock(&self.ahead).clear();
    }

    /// Makes jobs ahead on all cores, `misses` first, then [`LOOK_AHEAD`] at a time, until
    /// `misses` of them are documents the build cache lacks or every SOP was looked up;
    /// whether `misses` were found. A build with everything in the cache looks every document
    /// up here, in parallel, as it did when all jobs were made up front.
    fn look_ahead(&self, misses: usize) -> bool {
        // The first round makes only as many as are asked for: in a cold build all are
        // misses, and the worker processes start once they are made (1,000 SOPs: 256 jobs
        // made first took 48 ms, on the way to the first compile).
        let mut step = misses.clamp(1, LOOK_AHEAD);
        loop {
            if lock(&self.ahead).len() >= misses {
                return true;
            }
            let from = self.next.fetch_add(step, Ordering::Relaxed);
            let to = (from + step).min(self.order.len());
            step = LOOK_AHEAD;
            if from >= to {
                return false;
            }
            let made: Vec<(usize, SopJob)> = (from..to)
                .into_par_iter()
                .filter_map(|k| Some((k, self.make(k)?)))
                .collect();
            lock(&self.ahead).extend(made);
        }
    }

    /// A compiled document: kept for `serve`'s next build, staged, then into the build cache
    /// (staged first: the build cache links the staged files rather than writing their bytes a
    /// second time).
    fn done(&self, files: Shared) -> Shared {
        let key = files
            .first()
            .and_then(|(p, _)| lock(&self.keys).remove(p.as_str()));
        if let (Some(c), Some(key)) = (self.cache, key) {
            c.put(key, &files);
        }
        let files = match &self.staging {
            Some(st) => files
                .into_iter()
                .map(|(p, b)| {
                    if is_notes(&p) {
                        return (p, b);
                    }
                    let b = st.put(&p, b);
                    (p, b)
                })
                .collect(),
            None => files,
        };
        if let (Some(disk), Some(key)) = (self.disk, key) {
            disk.put(&key, &files);
        }
        files
    }
}

/// Whether `path` is a document's layout notes (never written).
fn is_notes(path: &str) -> bool {
    path.ends_with(LAYOUT_NOTES)
}

/// A compiled document (or its failure) with its place in [`JobFeed`]'s order.
type Compiled = (usize, Result<Shared, Error>);

/// One plain worker thread per core pulls the next document. Not a rayon pool: Typst lays out
/// with rayon too, and a pool worker waiting on that nested work steals whole documents onto
/// its stack, so dozens are in flight at once (2 GiB at 1,000 SOPs, and slower).
fn compile_in_threads(renderer: &PdfRenderer, feed: &JobFeed) -> Result<Vec<Compiled>, Error> {
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    let work = || {
        // Each document is laid out inside a one-thread pool of its own. Called from a plain
        // thread, Typst's parallel layout would hand its work to the global pool and wait, so
        // both workers queued on the same pool threads (1,000 SOPs in threads: 11.6–11.8 s,
        // against 10.2–10.5 s with a pool per worker).
        let pool = own_pool();
        let mut mine = Vec::new();
        while let Some((k, job)) = feed.take() {
            // The caches were asked when the job was made: compile it.
            let r = run_in(&pool, || {
                let r = renderer.compile_job(&job);
                // Typst's memo cache is process-wide and grows with every document, and a
                // large cache made compiling slower (1,000 SOPs: evicting after every document
                // 10.3 s, keeping what the last 8 documents used 12.9 s). Another document's
                // compile in flight loses only its cache hits. Only after a compile: each
                // eviction walks every memo cache (a `serve` save with 1,000 unchanged SOPs
                // spent 0.1 s evicting nothing). On the pool's thread, which made the entries:
                // mimalloc frees a block on the thread that took it without a lock, another
                // thread's free goes through an atomic list the owner collects later.
                typst::comemo::evict(0);
                r
            });
            let r = r.map(share).map(|files| feed.done(files));
            (feed.tick)();
            let failed = r.is_err();
            mine.push((k, r));
            if failed {
                feed.stop();
            }
        }
        mine
    };
    on_threads("sopan-pdf", workers, work)
}

/// A one-thread rayon pool with a large stack, for the layouts of one plain thread: called
/// from a plain thread, Typst's parallel layout would hand its work to the global pool and
/// wait (see [`compile_in_threads`]). `None` only when the pool cannot be made.
pub(crate) fn own_pool() -> Option<rayon::ThreadPool> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .stack_size(64 << 20)
        .build()
        .ok()
}

/// `f` inside `pool` (on the calling thread without one).
pub(crate) fn run_in<R: Send>(pool: &Option<rayon::ThreadPool>, f: impl FnOnce() -> R + Send) -> R {
    match pool {
        Some(pool) => pool.install(f),
        None => f(),
    }
}

/// `work` on `threads` plain threads named `{name}-{k}`, with large stacks (Typst's layout
/// recursion is deep for long tables); what each returns, one after another.
fn on_threads<T: Send>(
    name: &str,
    threads: usize,
    work: impl Fn() -> Vec<T> + Sync,
) -> Result<Vec<T>, Error> {
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|k| {
                std::thread::Builder::new()
                    .name(format!("{name}-{k}"))
                    .stack_size(64 << 20)
                    .spawn_scoped(scope, &work)
            })
            .collect::<Result<_, _>>()
            .map_err(|e| {
                Error::new(ErrorKind::Thread {
                    what: ThreadOf::Pdf,
                })
                .cause(e)
            })?;
        Ok(handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect())
    })
}

/// Renders every SOP PDF (with its flowchart SVGs) into `out`, in parallel, taking unchanged
/// documents from `cache` (`serve`) or `disk` (the build cache). `tick` is called once per
/// finished document (for a progress bar).
pub(crate) fn render(
    site: &Site,
    renderer: &PdfRenderer,
    out: &mut Output,
    cache: Option<&PdfCache>,
    disk: Option<&DiskCache>,
    workers: Workers,
    tick: &(dyn Fn() + Sync),
) -> Result<(), Error> {
    let feed = JobFeed::new(site, renderer, out, cache, disk, tick);
    let workers = match workers {
        // With the build cache, only the documents it lacks are compiled, in threads or in
        // worker processes alike. Worker processes pay off for many documents only (see
        // `Mode::pdf_processes`); `SOPAN_PEKERJA` still decides when set, but no process
        // starts for a build that compiles nothing.
        Workers::Processes(..) if disk.is_some() => {
            let forced = crate::core::env::get().pekerja.is_some();
            if feed.look_ahead(if forced { 1 } else { MIN_FOR_PROCESSES }) {
                workers
            } else {
                Workers::Threads
            }
        }
        w => w,
    };
    let mut compiled: Vec<Compiled> = match workers {
        Workers::Processes(n, ref setup) => {
            let next = || feed.take();
            crate::pdf::worker::compile(setup, &next, n, tick, &|files| feed.done(share(files)))?
                .into_iter()
                .map(|(k, files)| (k, Ok(files)))
                .collect()
        }
        Workers::Threads => compile_in_threads(renderer, &feed)?,
    };
    // In the SOPs' order (largest first), the build cache's first, as when every job was made
    // up front: the same failure and the same layout warnings, in the same order, every run.
    let mut hits = std::mem::take(&mut *lock(&feed.hits));
    drop(feed);
    hits.sort_by_key(|(k, _)| *k);
    compiled.sort_by_key(|(k, _)| *k);
    let mut made = Vec::with_capacity(compiled.len());
    for (k, r) in compiled {
        made.push((k, r?));
    }
    for (_, files) in hits.into_iter().chain(made) {
        for (path, blob) in files {
            if let Some(id) = path.strip_suffix(&format!("/{LAYOUT_NOTES}")) {
                for line in String::from_utf8_lossy(blob.bytes()).lines() {
                    eprintln!("peringatan: tata letak SOP `{id}`: {line}");
                }
                continue;
            }
            out.insert_blob(path, blob);
        }
    }
    typst::comemo::evict(2);
    Ok(())
}

/// Renders every decree book into `out`, which already holds the SOP PDFs: each book's decree
/// part is laid out (a few pages), then joined with those PDFs. Books on all cores. With a
/// staging folder (`sopan build`), a book reads its SOPs' PDFs back from there one at a time
/// and is written straight into its own file there (`crate::pdf::book::join_into`).
pub fn render_books(
    site: &Site,
    renderer: &PdfRenderer,
    out: &mut Output,
    cache: Option<&PdfCache>,
    tick: &(dyn Fn() + Sync),
) -> Result<(), Error> {
    for (path, pdf) in render_books_cached(site, renderer, out, cache, None, None, tick)? {
        out.insert_blob(path, pdf);
    }
    Ok(())
}

/// [`render_books`], taking unchanged books from the build cache on disk too, and returning
/// the books rather than adding them to `out`: the pipeline makes the SOP pages from `out`
/// meanwhile.
pub(crate) fn render_books_cached(
    site: &Site,
    renderer: &PdfRenderer,
    out: &Output,
    cache: Option<&PdfCache>,
    disk: Option<&DiskCache>,
    books: Option<(&crate::pipeline::cache::Books, bool)>,
    tick: &(dyn Fn() + Sync),
) -> Result<Shared, Error> {
    if site.instansi.iter().all(|i| i.keputusan.is_none()) {
        return Ok(Vec::new());
    }
    let out_ref: &Output = out;
    let staging = out.staging().cloned();
    let decrees: Vec<_> = site
        .instansi
        .iter()
        .filter_map(|i| Some((i, i.keputusan.as_ref()?)))
        .collect();
    let books: Vec<Result<Shared, Error>> = each_in_own_pool(&decrees, "sopan-buku", |&(i, k)| {
        let blobs: Vec<Option<&Arc<Blob>>> = i
            .sops()
            .map(|s| out_ref.blob(&format!("{}.pdf", s.id)))
            .collect();
        // In `sopan build`, the staged files, each read when its turn comes (its page count
        // now, its objects in the join): never all in memory at once.
        let pdfs: Vec<PartPdf> = blobs
            .iter()
            .map(|b| match b.map(|b| (b.staged_path(), b.bytes())) {
                Some((Some(path), _)) => PartPdf::File(path),
                Some((None, bytes)) => PartPdf::Bytes(bytes),
                None => PartPdf::Bytes(&[]),
            })
            .collect();
        // Counted before the decree part is laid out: its daftar isi needs their lengths.
        let parts = book_parts(i, &pdfs)?;
        let data = renderer.book_data(site, i, k, &parts);
        // `serve` reuses a book whose decree part and SOP PDFs are all unchanged.
        let key = (cache.is_some() || disk.is_some()).then(|| {
            let mut h = Sha256::new();
            h.update(renderer.key("keputusan", &i.id, &data));
            for blob in &blobs {
                h.update(blob.map(|b| b.sha256()).unwrap_or_default());
            }
            <[u8; 32]>::from(h.finalize())
        });
        let kept = |files: Shared| {
            if let Some((b, _)) = books {
                b.keep(&i.id, &files);
            }
            tick();
            files
        };
        if let Some(files) = cache.zip(key).and_then(|(c, key)| c.get(&key)) {
            return Ok(kept(files));
        }
        let hit = disk.zip(key).and_then(|(d, key)| match &staging {
            Some(st) => d.get_staged(&key, st, &|_| false),
            None => d.get(&key),
        });
        if let Some(files) = hit {
            if let Some((c, key)) = cache.zip(key) {
                c.put(key, &files);
            }
            return Ok(kept(files));
        }
        // `serve`: the previous book, whole, until the next build joins this one.
        if let Some((b, true)) = books
            && let Some(files) = b.stale(&i.id)
        {
            tick();
            return Ok(files);
        }
        let head = renderer.book_head(i, data)?;
        let path = format!("{}/keputusan.pdf", i.id);
        let margin = site.settings.margin;
        let blob = match &staging {
            // Written straight into the staging folder, hashed as it is written (`FileSink`),
            // so the book is never in memory whole. Staged before the disk cache stores it,
            // so its blob is a link to the staged file, not a second copy.
            Some(st) => {
                let (file_path, file) = st.create_file(&path)?;
                let w = PdfWriter::to(FileSink::new(file, file_path), BOOK_CHUNK);
                let (len, sha256) = renderer.book_from(i, k, margin, &head, &parts, w)?;
                st.created(&path, len, sha256)
            }
            None => {
                let w = crate::pdf::book::in_memory(0, &parts);
                let blob = Blob::new(renderer.book_from(i, k, margin, &head, &parts, w)?);
                // The site shows each PDF's SHA-256; hashed here, books in parallel, rather
                // than one after another while the pages are written (5 books of 17 MB: 0.2 s).
                blob.sha256();
                blob
            }
        };
        // Typst's memo caches hold what this book's decree part was laid out from: kept
        // until the stage ends, they grew `sopan build` by about 130 MB per book of 1,000
        // SOPs (10 books: 2.1 GiB peak, against 0.85 GiB evicting here). A book being laid
        // out on the other thread loses only its cache hits. `serve` keeps them for its
        // next save, as before.
        if staging.is_some() {
            typst::comemo::evict(0);
        }
        let files = vec![(path, blob)];
        if let Some((c, key)) = cache.zip(key) {
            c.put(key, &files);
        }
        if let Some((d, key)) = disk.zip(key) {
            d.put(&key, &files);
        }
        Ok(kept(files))
    })?;
    let mut all = Vec::new();
    for files in books {
        all.extend(files?);
    }
    typst::comemo::evict(2);
    Ok(all)
}

/// How many bytes of a book written into the staging folder gather before they are written
/// (see `crate::pdf::book::sink`): a 90 MB book in about a hundred writes.
const BOOK_CHUNK: usize = 1 << 20;

/// `f` of every item, on one plain thread per core, each laying out in a one-thread rayon
/// pool of its own with a large stack (Typst's layout recursion is deep for long tables: the
/// lampiran lists every SOP). Not one shared pool: typst-pdf's export spawns its page streams
/// on the current pool and, waiting for them, runs whatever else that pool holds, so a book's
/// export ran the next books inside it and two threads joined five books no faster than one
/// (1,000 SOPs under load: 1.84 s on one thread, 1.93 s on two; one book's export 7 ms alone,
/// 1.1 s with another book run inside it). Results come in the order of `items`.
fn each_in_own_pool<T: Sync, R: Send>(
    items: &[T],
    name: &str,
    f: impl Fn(&T) -> R + Sync,
) -> Result<Vec<R>, Error> {
    let threads = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .min(items.len());
    let next = AtomicUsize::new(0);
    let work = || {
        let pool = own_pool();
        let mut done = Vec::new();
        loop {
            let k = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(k) else {
                return done;
            };
            done.push((k, run_in(&pool, || f(item))));
        }
    };
    let mut done = on_threads(name, threads, work)?;
    done.sort_by_key(|(k, _)| *k);
    Ok(done.into_iter().map(|(_, r)| r).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The feed makes no job before a worker asks, hands out every SOP once, largest first,
    /// and stops handing out after a failure.
    #[test]
    fn jobs_are_made_as_they_are_taken_largest_first() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let site = crate::load_and_validate(root).unwrap().site;
        let r = PdfRenderer::new(&site, &Theme::embedded(), root).unwrap();
        let ticks = AtomicUsize::new(0);
        let tick = || {
            ticks.fetch_add(1, Ordering::Relaxed);
        };
        let out = Output::new();
        let feed = JobFeed::new(&site, &r, &out, None, None, &tick);
        assert_eq!(
            feed.next.load(Ordering::Relaxed),
            0,
            "nothing made up front"
        );
        let mut taken = Vec::new();
        while let Some((k, job)) = feed.take() {
            // Made when taken: the feed has moved on by exactly this job.
            assert_eq!(feed.next.load(Ordering::Relaxed), k + 1);
            let (i, b, s) = feed.order[k];
            assert_eq!(job.data.as_bytes(), r.sop_data(&site, i, b, s));
            taken.push((sop_weight(s), job.id));
        }
        let mut ids: Vec<&str> = taken.iter().map(|(_, id)| id.as_str()).collect();
        ids.sort_unstable();
        let mut all: Vec<String> = site.sops().map(|s| s.id.to_string()).collect();
        all.sort_unstable();
        assert_eq!(ids, all);
        assert!(taken.len() > 2);
        assert!(taken.windows(2).all(|w| w[0].0 >= w[1].0), "largest first");
        // Nothing came from a cache, so nothing was counted as done by the feed.
        assert_eq!(ticks.load(Ordering::Relaxed), 0);

        let feed = JobFeed::new(&site, &r, &out, None, None, &tick);
        assert!(feed.take().is_some());
        feed.stop();
        assert!(feed.take().is_none(), "no job after a failure");
    }
}
