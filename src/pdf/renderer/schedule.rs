//! Scheduling: SOP documents compiled in threads or worker processes (decided once, from the
//! number of documents), looked up in the caches first; the decree books after them.

use super::*;

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

/// One plain worker thread per core pulls the next document. Not a rayon pool: Typst lays out
/// with rayon too, and a pool worker waiting on that nested work steals whole documents onto
/// its stack, so dozens are in flight at once (2 GiB at 1,000 SOPs, and slower).
pub(super) fn compile_in_threads(
    renderer: &PdfRenderer,
    jobs: &[SopJob],
    keys: &[[u8; 32]],
    cache: Option<&PdfCache>,
    tick: &(dyn Fn() + Sync),
    done: &(dyn Fn(Shared) -> Shared + Sync),
) -> Result<Vec<Result<Shared, Error>>, Error> {
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    let next = AtomicUsize::new(0);
    let work = || {
        // Each document is laid out inside a one-thread pool of its own. Called from a plain
        // thread, Typst's parallel layout would hand its work to the global pool and wait, so
        // both workers queued on the same pool threads (1,000 SOPs in threads: 11.6–11.8 s,
        // against 10.2–10.5 s with a pool per worker).
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .stack_size(64 << 20)
            .build()
            .ok();
        let mut mine = Vec::new();
        loop {
            let k = next.fetch_add(1, Ordering::Relaxed);
            let Some(job) = jobs.get(k) else { break };
            // The caches were asked before the jobs were made: compile, and keep the result
            // for `serve`'s next build.
            let r = match &pool {
                Some(pool) => pool.install(|| renderer.compile_job(job)),
                None => renderer.compile_job(job),
            };
            let r = r
                .map(share)
                .inspect(|files| {
                    if let (Some(c), Some(key)) = (cache, keys.get(k)) {
                        c.put(*key, files);
                    }
                })
                .map(done);
            // Typst's memo cache is process-wide and grows with every document, and a large
            // cache made compiling slower (1,000 SOPs: evicting after every document 10.3 s,
            // keeping what the last 8 documents used 12.9 s). Another document's compile in
            // flight loses only its cache hits. Only after a compile: each eviction walks every
            // memo cache (a `serve` save with 1,000 unchanged SOPs spent 0.1 s evicting nothing).
            typst::comemo::evict(0);
            tick();
            let failed = r.is_err();
            mine.push(r);
            if failed {
                next.store(jobs.len(), Ordering::Relaxed);
            }
        }
        mine
    };
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|k| {
                std::thread::Builder::new()
                    .name(format!("sopan-pdf-{k}"))
                    // Typst's layout recursion is deep for long tables.
                    .stack_size(64 << 20)
                    .spawn_scoped(scope, work)
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
    // Every document's key comes from the model ([`key`]); the template data, whose column
    // plan is most of its cost, is made only for the documents the caches do not hold.
    let all = site.sops_placed();
    let keys_of = super::key::SopKeys::new(renderer, site);
    let keyed: Vec<_> = all
        .par_iter()
        .map(|placed| {
            let (i, b, s) = *placed;
            (keys_of.sop(i, b, s), placed)
        })
        .collect();
    // The build cache on disk and `serve`'s own first: only the documents they do not hold
    // are compiled, in threads or in worker processes alike.
    let mut results: Vec<Result<Shared, Error>> = Vec::new();
    // `sopan build` writes each document to its staging folder as it is made.
    let staging = out.staging().cloned();
    let is_notes = |path: &str| path.ends_with(LAYOUT_NOTES);
    let looked: Vec<_> = keyed
        .into_par_iter()
        .map(|(key, placed)| {
            let kept = cache.and_then(|c| c.get(&key));
            let hit = kept.or_else(|| {
                let hit = match (disk, &staging) {
                    (Some(disk), Some(st)) => disk.get_staged(&key, st, &is_notes),
                    (Some(disk), None) => disk.get(&key),
                    (None, _) => None,
                };
                // `serve`'s first build: its saves reuse what the disk held.
                if let (Some(c), Some(files)) = (cache, &hit) {
                    c.put(key, files);
                }
                hit
            });
            (key, placed, hit)
        })
        .collect();
    let mut missing = Vec::new();
    for (key, placed, hit) in looked {
        match hit {
            Some(files) => {
                tick();
                results.push(Ok(files));
            }
            None => missing.push((key, placed)),
        }
    }
    let mut jobs: Vec<(SopJob, [u8; 32])> = missing
        .into_par_iter()
        .map(|(key, &(i, b, s))| (renderer.sop_job(site, i, b, s), key))
        .collect();
    // Largest documents first, so the last ones to finish are small and no core idles long.
    jobs.sort_by_key(|(j, _)| std::cmp::Reverse(j.weight));
    let (jobs, keys): (Vec<SopJob>, Vec<[u8; 32]>) = jobs.into_iter().unzip();
    let workers = match workers {
        // Worker processes pay off for many documents only (see `Mode::pdf_processes`);
        // `SOPAN_PEKERJA` still decides when set.
        Workers::Processes(..)
            if disk.is_some()
                && jobs.len() < MIN_FOR_PROCESSES
                && crate::core::env::get().pekerja.is_none() =>
        {
            Workers::Threads
        }
        w => w,
    };
    // Each compiled document goes to the build cache and the staging folder as it arrives;
    // each result names its job by its PDF's path.
    let key_of: std::collections::HashMap<String, [u8; 32]> = jobs
        .iter()
        .zip(&keys)
        .map(|(j, k)| (format!("{}.pdf", j.id), *k))
        .collect();
    let done = |files: Shared| -> Shared {
        // Staged first: the build cache then links the staged files rather than writing
        // their bytes a second time.
        let files = match &staging {
            Some(st) => files
                .into_iter()
                .map(|(p, b)| {
                    let b = if is_notes(&p) { b } else { st.put(&p, b) };
                    (p, b)
                })
                .collect(),
            None => files,
        };
        if let Some(disk) = disk
            && let Some(key) = files.first().and_then(|(p, _)| key_of.get(p))
        {
            disk.put(key, &files);
        }
        files
    };
    let compiled: Vec<Result<Shared, Error>> = match workers {
        Workers::Processes(_, _) if jobs.is_empty() => Vec::new(),
        Workers::Processes(n, ref setup) => {
            crate::pdf::worker::compile(setup, &jobs, n, tick, &|files| done(share(files)))?
                .into_iter()
                .map(Ok)
                .collect()
        }
        Workers::Threads => compile_in_threads(renderer, &jobs, &keys, cache, tick, &done)?,
    };
    results.extend(compiled);
    for files in results {
        for (path, blob) in files? {
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
/// part is laid out (a few pages), then joined with those PDFs. Books on all cores.
pub fn render_books(
    site: &Site,
    renderer: &PdfRenderer,
    out: &mut Output,
    cache: Option<&PdfCache>,
    tick: &(dyn Fn() + Sync),
) -> Result<(), Error> {
    render_books_cached(site, renderer, out, cache, None, None, tick)
}

/// [`render_books`], taking unchanged books from the build cache on disk too.
pub(crate) fn render_books_cached(
    site: &Site,
    renderer: &PdfRenderer,
    out: &mut Output,
    cache: Option<&PdfCache>,
    disk: Option<&DiskCache>,
    books: Option<(&crate::pipeline::cache::Books, bool)>,
    tick: &(dyn Fn() + Sync),
) -> Result<(), Error> {
    if site.instansi.iter().all(|i| i.keputusan.is_none()) {
        return Ok(());
    }
    // Typst's layout recursion is deep for long tables (the lampiran lists every SOP): the
    // books get threads with large stacks, as the SOP workers do.
    let pool = rayon::ThreadPoolBuilder::new()
        .stack_size(64 << 20)
        .thread_name(|k| format!("sopan-buku-{k}"))
        .build()
        .map_err(|e| {
            Error::new(ErrorKind::Thread {
                what: ThreadOf::Pdf,
            })
            .cause(e)
        })?;
    let out_ref: &Output = out;
    let staging = out.staging().cloned();
    let stage = |files: Shared| -> Shared {
        match &staging {
            Some(st) => files
                .into_iter()
                .map(|(p, b)| {
                    let b = st.put(&p, b);
                    (p, b)
                })
                .collect(),
            None => files,
        }
    };
    let books: Vec<Result<Shared, Error>> = pool.install(|| {
        site.instansi
            .par_iter()
            .filter_map(|i| Some((i, i.keputusan.as_ref()?)))
            .map(|(i, k)| {
                let blobs: Vec<Option<&Arc<Blob>>> = i
                    .sops()
                    .map(|s| out_ref.blob(&format!("{}.pdf", s.id)))
                    .collect();
                // Read back from the staging folder in `sopan build`, one book at a time.
                let read: Vec<Option<std::borrow::Cow<[u8]>>> = blobs
                    .iter()
                    .map(|b| b.map(|b| b.read()).transpose())
                    .collect::<Result<_, _>>()?;
                let sops = classic_forms(i, read.iter().map(|b| b.as_deref().unwrap_or_default()))?;
                let sops: Vec<&[u8]> = sops.iter().map(|c| &**c).collect();
                // Read before the decree part is laid out: its daftar isi needs their lengths.
                let parts = book_parts(i, &sops)?;
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
                let pdf = renderer.book_from(i, k, site.settings.margin, &head, parts)?;
                let files = share(vec![(format!("{}/keputusan.pdf", i.id), pdf)]);
                // The site shows each PDF's SHA-256; hashed here, books in parallel, rather than
                // one after another while the pages are written (5 books of 17 MB: 0.2 s).
                for (_, blob) in &files {
                    blob.sha256();
                }
                if let Some((c, key)) = cache.zip(key) {
                    c.put(key, &files);
                }
                let files = stage(files);
                if let Some((d, key)) = disk.zip(key) {
                    d.put(&key, &files);
                }
                Ok(kept(files))
            })
            .collect()
    });
    for files in books {
        for (path, pdf) in files? {
            out.insert_blob(path, pdf);
        }
    }
    typst::comemo::evict(2);
    Ok(())
}
