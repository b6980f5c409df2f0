//! The build pipeline: `sopan.yaml` and `content/` → load and validate → git history and audit
//! → the stage list ([`stages`]: open data, PDFs, search index, pages) → an [`Output`].
//! `sopan build` writes each file to a staging folder as it is made ([`staging`]) and swaps
//! it in, `sopan serve` keeps the output in memory and serves it; both run the same stages
//! and differ only in their [`Mode`] (as zola's `Site::build` with a build mode).
//! The theme, the output and the caches of `serve` live here too.

pub(crate) mod cache;
pub(crate) mod disk_cache;
mod manifest;
pub mod output;
pub(crate) mod recycled;
mod stages;
pub(crate) mod staging;
pub(crate) mod swap;
pub mod theme;

use std::path::Path;
use std::time::{Duration, Instant};

use crate::core::error::Error;
use crate::load::Loaded;
use crate::model::tanggal::Tanggal;
use crate::pipeline::cache::Caches;
use crate::pipeline::output::Output;
use crate::site::search::record::SearchRecord;

/// What the site shows beside the content itself: each SOP's git history and the audit.
pub struct Extras {
    /// Versions of each SOP from git, or why there are none.
    pub history: crate::history::History,
    /// The audit of every SOP, as of a pinned date.
    pub audit: crate::audit::Audit,
}

/// How a build runs.
pub(crate) enum Mode<'a> {
    /// `sopan build`: everything made afresh, PDFs in worker processes on large sites, a
    /// progress bar when `progress` (a terminal, not `--quiet`). The caller writes the output.
    Disk {
        /// Show the PDF progress bar.
        progress: bool,
        /// The build cache on disk (`.sopan/cache/`): documents compiled by earlier builds.
        cache: Option<&'a disk_cache::DiskCache>,
        /// Where files go as they are made (`None`: the output stays in memory).
        staging: Option<&'a std::sync::Arc<staging::Staging>>,
    },
    /// `sopan serve`: reuse what earlier builds made; with `defer_search` the output comes
    /// without its search index and with the records to index it later.
    Memory {
        /// The session's caches.
        caches: &'a Caches,
        /// Leave the search index to the caller (`serve`'s search thread).
        defer_search: bool,
        /// Serve the previous decree book of an instansi whose book changed (see
        /// [`cache::Books`]); the caller builds again to join the new one.
        defer_books: bool,
        /// The build cache on disk, read (never written) by `serve`'s first build.
        disk: Option<&'a disk_cache::DiskCache>,
    },
}

impl Mode<'_> {
    fn caches(&self) -> Option<&Caches> {
        match self {
            Mode::Disk { .. } => None,
            Mode::Memory { caches, .. } => Some(caches),
        }
    }

    /// How many worker processes compile the PDFs of a build with `sops` SOPs, decided here
    /// once. In memory, none: the PDF cache lives in this process. On disk, one per core for
    /// large sites (Typst's caches are contended between threads of one process), none for
    /// small ones, where starting processes costs more than it gains; `SOPAN_PEKERJA=N`
    /// overrides.
    pub(crate) fn pdf_processes(&self, sops: usize) -> usize {
        if let Mode::Memory { .. } = self {
            return 0;
        }
        if let Some(n) = crate::core::env::get().pekerja {
            return n;
        }
        if sops < 64 {
            return 0;
        }
        std::thread::available_parallelism().map_or(1, |n| n.get())
    }
}

/// Load and validate: the first two stages of every command that reads content.
pub fn load_and_validate(root: &Path) -> Result<Loaded, Error> {
    load_and_validate_with(root, None, None)
}

/// [`load_and_validate`], reusing SOP files parsed by earlier loads.
fn load_and_validate_with(
    root: &Path,
    cache: Option<&crate::load::cache::ParseCache>,
    only: Option<&[String]>,
) -> Result<Loaded, Error> {
    let mut loaded = crate::load::load_only(root, cache, only)?;
    crate::load::validate::validate(&mut loaded);
    loaded.diags.sort();
    Ok(loaded)
}

/// The pipeline's first stages: load and validate the project at `root` (with `only`, just those
/// instansi: `--instansi`). The caller reports the diagnostics and calls [`render`] when there
/// are no errors.
pub(crate) fn load(
    root: &Path,
    mode: &Mode,
    only: Option<&[String]>,
    log: &mut dyn FnMut(&str, Duration),
) -> Result<Loaded, Error> {
    let t = Instant::now();
    let loaded = load_and_validate_with(root, mode.caches().map(|c| &c.parsed), only)?;
    log("memuat dan memeriksa isi", t.elapsed());
    Ok(loaded)
}

/// [`load_and_validate`] of only the instansi `only` (`--instansi`): a subset build, or the
/// instansi a portal merges.
pub(crate) fn load_instansi(root: &Path, only: &[String]) -> Result<Loaded, Error> {
    load_and_validate_with(root, None, Some(only))
}

/// The stage after validate: what the site shows beside the content. The audit's date is pinned
/// so that two builds of the same commit are byte-identical: `SOURCE_DATE_EPOCH`, else the date
/// of the git HEAD commit, else the latest date written in the content.
/// `history` keeps the history between rebuilds of `serve`.
pub fn extras(
    root: &Path,
    loaded: &Loaded,
    history: Option<&crate::history::HistoryCache>,
) -> Extras {
    let repo = crate::history::git::Repo::discover(root);
    let head = repo.as_ref().and_then(crate::history::git::Repo::head);
    let history =
        crate::history::collect_cached(repo.as_ref(), head.as_ref(), &loaded.site, history);
    let per = crate::core::env::get()
        .source_date_epoch
        .and_then(Tanggal::from_unix)
        .or_else(|| head.and_then(|c| Tanggal::from_unix(c.local_secs)))
        .or_else(|| {
            loaded
                .site
                .sops()
                .flat_map(|s| [s.tanggal_pembuatan, s.tanggal_revisi, s.tanggal_efektif])
                .flatten()
                .max()
        })
        .unwrap_or(Tanggal {
            tahun: 2000,
            bulan: 1,
            hari: 1,
        });
    let audit = crate::audit::audit(&loaded.site, &loaded.sources, &loaded.dicabut, per);
    Extras { history, audit }
}

/// A good build: the site, the extras it showed, and the search records still to index when
/// the mode deferred the search index.
pub(crate) struct Rendered {
    /// Every file of the site.
    pub(crate) output: Output,
    /// History and audit (kept so the caller decides when to free them).
    pub(crate) extras: Extras,
    /// The search records of a deferred index; empty otherwise.
    pub(crate) records: Vec<SearchRecord>,
}

/// The rest of the pipeline for content without errors: theme, history and audit, then the
/// stage list. `log` receives each stage's name and duration.
pub(crate) fn render(
    root: &Path,
    loaded: &Loaded,
    mode: &Mode,
    log: &mut dyn FnMut(&str, Duration),
) -> Result<Rendered, Error> {
    let result = render_stages(root, loaded, mode, log);
    if let Some(caches) = mode.caches() {
        caches.finish_build();
    }
    result
}

fn render_stages(
    root: &Path,
    loaded: &Loaded,
    mode: &Mode,
    log: &mut dyn FnMut(&str, Duration),
) -> Result<Rendered, Error> {
    let site = &loaded.site;
    let caches = mode.caches();
    let theme = theme::Theme::load(root, &site.settings.tema)?;
    let t = Instant::now();
    let extras = extras(root, loaded, caches.map(|c| &c.history));
    log("riwayat git dan audit", t.elapsed());
    let (progress, defer_search, disk, staging, defer_books) = match mode {
        Mode::Disk {
            progress,
            cache,
            staging,
        } => (*progress, false, *cache, *staging, false),
        Mode::Memory {
            defer_search,
            defer_books,
            disk,
            ..
        } => (false, *defer_search, *disk, None, *defer_books),
    };
    let ctx = stages::BuildContext {
        extras: &extras,
        root,
        theme: &theme,
        progress,
        cache: caches.map(|c| &c.pdf),
        disk,
        pages: caches.map(|c| &c.pages),
        search: caches.map(|c| &*c.search),
        defer_search,
        processes: mode.pdf_processes(site.sops().count()),
        staging,
        books: caches.map(|c| (&c.books, defer_books)),
    };
    let output = stages::stages(site, &ctx, log)?;
    // Only `build` owns the cache: `serve` leaves the entries it did not read.
    if let (Some(disk), Mode::Disk { .. }) = (disk, mode) {
        disk.finish();
    }
    let records = if defer_search {
        crate::site::search::record::records(site)
    } else {
        Vec::new()
    };
    Ok(Rendered {
        output,
        extras,
        records,
    })
}
