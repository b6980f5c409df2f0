//! The stage list: from the validated `Site` to an in-memory `Output`, as named, timed stages
//! (PDFs and decree books beside the open data and the search index, the SOP pages beside the
//! decree books; the guide and the other pages). No stage touches the disk except to read the
//! project's own logos. The PDFs are made in `crate::pdf`, the site in `crate::site`;
//! [`crate::pipeline`] runs this list for both `build` and `serve`.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::core::error::Error;
use crate::model::Site;
use crate::pdf::renderer as pdf;
use crate::pipeline::Extras;
use crate::pipeline::output::Output;
use crate::pipeline::theme::Theme;
use crate::site::search::{index as search, record as search_record};
use crate::site::{data, html, panduan};

/// What the stages need besides the site; the pipeline fills it from its mode.
pub(crate) struct BuildContext<'a> {
    /// History and audit shown on the site.
    pub(crate) extras: &'a Extras,
    /// Project root (logos are read relative to it).
    pub(crate) root: &'a Path,
    /// The theme in use.
    pub(crate) theme: &'a Theme,
    /// Show a progress bar (only on a terminal).
    pub(crate) progress: bool,
    /// PDFs of earlier builds to reuse (`serve`); `None` compiles everything.
    pub(crate) cache: Option<&'a pdf::PdfCache>,
    /// The build cache on disk (`sopan build`); `None` compiles everything.
    pub(crate) disk: Option<&'a crate::pipeline::disk_cache::DiskCache>,
    /// Pages of earlier builds to reuse (`serve`); `None` renders every page.
    pub(crate) pages: Option<&'a html::PageCache>,
    /// The search index of the previous build to update (`serve`); `None` indexes afresh.
    pub(crate) search: Option<&'a search::SearchCache>,
    /// Leave the search index out (no `pagefind/` files): `serve` shows a rebuilt site first
    /// and indexes the site's search records afterwards, on its search thread.
    pub(crate) defer_search: bool,
    /// Compile SOP PDFs in this many worker processes (0 or 1: in threads of this process);
    /// decided once, by [`crate::pipeline::Mode::pdf_processes`].
    pub(crate) processes: usize,
    /// `sopan build`'s staging folder: every file is written there as it is made.
    pub(crate) staging: Option<&'a std::sync::Arc<crate::pipeline::staging::Staging>>,
    /// `serve`'s last decree books, and whether a changed book may be served stale for now.
    pub(crate) books: Option<(&'a crate::pipeline::cache::Books, bool)>,
}

/// Runs every stage; `log` receives each stage's name and duration.
pub(crate) fn stages(
    site: &Site,
    ctx: &BuildContext,
    log: &mut dyn FnMut(&str, Duration),
) -> Result<Output, Error> {
    let mut out = match ctx.staging {
        Some(staging) => Output::staged(staging.clone()),
        None => Output::new(),
    };
    // Read first: a bad setting of the search index fails the build before the PDFs.
    let per_part = crate::core::env::get().records_per_part()?;

    // The search index is written from the content model, not from the pages, so it is built
    // on its own thread while the open data and the PDFs are made: after one edit of 1,000
    // SOPs it is what the build waits for.
    let freed = search::CoresFreed::default();
    let (made, search) = std::thread::scope(|scope| {
        let search = scope.spawn(|| {
            if ctx.defer_search {
                return Ok(None);
            }
            let t = Instant::now();
            search_bundle(site, ctx, per_part, &freed).map(|files| Some((files, t.elapsed())))
        });
        // The open data beside the PDFs, into an output of its own: made first, it held the
        // worker processes back 26-35 ms in a cold build of 1,000 SOPs.
        let mut open = out.empty_like();
        let data = scope.spawn(move || {
            let t = Instant::now();
            data::render(site, &mut open);
            (open, t.elapsed())
        });
        let made = render_pdfs(site, ctx, &mut out, &freed).and_then(|(renderer, sops)| {
            Ok((sops, books_and_sop_pages(site, ctx, &renderer, &out)?))
        });
        // Also when the PDF stage failed before its SOPs (it sets this after them).
        freed.set();
        let (open, took) = data.join().unwrap_or_else(|p| std::panic::resume_unwind(p));
        out.extend(open);
        log("data terbuka (JSON, bersamaan dengan PDF)", took);
        let search = search
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p));
        (made, search)
    });
    let ((sops, sop_counts), made) = made?;
    log(&format!("PDF dan diagram SVG (Typst{sop_counts})"), sops);
    let (books_took, book_counts) = made.books_took;
    log(
        &format!("buku keputusan (digabung dari PDF SOP{book_counts})"),
        books_took,
    );
    log(
        "halaman SOP (bersamaan dengan buku keputusan)",
        made.sop_pages_took,
    );
    for (path, pdf) in made.books {
        out.insert_blob(path, pdf);
    }
    for p in made.sop_pages {
        out.extend(p);
    }
    let index = match search? {
        Some((index, took)) => {
            log("indeks pencarian (Pagefind, bersamaan dengan PDF)", took);
            index
        }
        None => Vec::new(),
    };

    let t = Instant::now();
    // The staff guide at /panduan/ and the schemas at /skema/ (src/site/panduan.rs), before
    // the other pages: the sitemap lists every page already in the output.
    panduan::render(site, ctx.theme, ctx.extras, &mut out)?;
    made.pages.rest(ctx.theme, &mut out)?;
    for (path, bytes) in index {
        out.insert(path, bytes);
    }
    log("halaman lain", t.elapsed());

    Ok(out)
}

/// The search index of the site (`pagefind/…` files), from its search records, in parts of
/// `per_part` records. `serve`'s cache lets it index only the pages that changed, the build
/// cache on disk only the parts that changed.
fn search_bundle(
    site: &Site,
    ctx: &BuildContext,
    per_part: usize,
    freed: &search::CoresFreed,
) -> Result<Vec<(String, Vec<u8>)>, Error> {
    // `serve` keeps its parts' indexes in its own cache; parts from the disk have none.
    let disk = ctx.disk.filter(|_| ctx.search.is_none());
    let records = search_record::records(site);
    search::index_in_parts_cached(records, ctx.search, disk, per_part, Some(freed))
}

/// How long a kind of document took, and what the build cache did for it.
type Timed = (Duration, String);

/// The decree books and the SOP pages, made side by side after the SOP PDFs; the pages other
/// than the SOPs' come after them.
struct Made<'a> {
    books: crate::pipeline::disk_cache::Shared,
    books_took: Timed,
    sop_pages: Vec<Output>,
    sop_pages_took: Duration,
    pages: html::Pages<'a>,
}

/// Joins the decree books from the SOP PDFs in `out` and, meanwhile, makes the SOP pages from
/// them: a book is joined on one thread, so the last book left a core idle (1,000 SOPs, 5
/// books, 2 cores).
fn books_and_sop_pages<'a>(
    site: &'a Site,
    ctx: &BuildContext<'a>,
    renderer: &Renderer,
    out: &Output,
) -> Result<Made<'a>, Error> {
    let pages = html::Pages::new(site, ctx.theme, ctx.extras, ctx.pages)?;
    let (books, (sop_pages, sop_pages_took)) = std::thread::scope(|scope| {
        let sop_pages = scope.spawn(|| {
            let t = Instant::now();
            (pages.sops(out), t.elapsed())
        });
        let books = render_books(site, ctx, renderer, out);
        let sop_pages = sop_pages
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p));
        (books, sop_pages)
    });
    let (books, books_took) = books?;
    Ok(Made {
        books,
        books_took,
        sop_pages: sop_pages?,
        sop_pages_took,
        pages,
    })
}

/// What the build cache did in a stage: ", 1 disusun, 999 dari cache" (empty without it), from
/// its counts before the stage.
fn cache_counts(ctx: &BuildContext, before: (usize, usize)) -> String {
    if ctx.disk.is_none() {
        return String::new();
    }
    let ((hits0, made0), (hits, made)) = (before, disk_counts(ctx));
    format!(", {} disusun, {} dari cache", made - made0, hits - hits0)
}

/// The build cache's hits and documents made so far ((0, 0) without it).
fn disk_counts(ctx: &BuildContext) -> (usize, usize) {
    ctx.disk.map(|d| d.counts()).unwrap_or_default()
}

/// Every SOP PDF (with its flowchart SVGs), with a progress bar that the decree books go on
/// ([`render_books`]). Returns the renderer and how long the SOPs took, with what the build
/// cache did. `freed` is set once the SOPs are done: the books, each joined on one thread,
/// leave the other cores to the search index.
fn render_pdfs(
    site: &Site,
    ctx: &BuildContext,
    out: &mut Output,
    freed: &search::CoresFreed,
) -> Result<(Renderer, Timed), Error> {
    let renderer = pdf::PdfRenderer::new(site, ctx.theme, ctx.root)?;
    let docs = site.sops().count()
        + site
            .instansi
            .iter()
            .filter(|i| i.keputusan.is_some())
            .count();
    let bar = progress_bar(ctx.progress, docs as u64);
    let workers = if ctx.processes > 1 {
        pdf::Workers::Processes(
            ctx.processes,
            pdf::WorkerSetup {
                root: ctx.root,
                tema: &site.settings.tema,
                setup: pdf::RendererSetup::of(site, ctx.root),
            },
        )
    } else {
        pdf::Workers::Threads
    };
    let t = Instant::now();
    let before = disk_counts(ctx);
    let made = pdf::render(site, &renderer, out, ctx.cache, ctx.disk, workers, &|| {
        bar.inc(1)
    });
    freed.set();
    made?;
    let sops = (t.elapsed(), cache_counts(ctx, before));
    Ok((Renderer { pdf: renderer, bar }, sops))
}

/// The SOP stage's renderer and progress bar, for the decree books.
struct Renderer {
    pdf: pdf::PdfRenderer,
    bar: indicatif::ProgressBar,
}

/// Every decree book, joined from the SOP PDFs in `out`; returned with how long the books took
/// and what the build cache did.
fn render_books(
    site: &Site,
    ctx: &BuildContext,
    renderer: &Renderer,
    out: &Output,
) -> Result<(crate::pipeline::disk_cache::Shared, Timed), Error> {
    let t = Instant::now();
    let before = disk_counts(ctx);
    let bar = &renderer.bar;
    let books = pdf::render_books_cached(
        site,
        &renderer.pdf,
        out,
        ctx.cache,
        ctx.disk,
        ctx.books,
        &|| bar.inc(1),
    )?;
    bar.finish_and_clear();
    Ok((books, (t.elapsed(), cache_counts(ctx, before))))
}

fn progress_bar(show: bool, len: u64) -> indicatif::ProgressBar {
    if !show {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len);
    bar.set_style(
        indicatif::ProgressStyle::with_template("  menyusun PDF {bar:30} {pos}/{len}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar
}
