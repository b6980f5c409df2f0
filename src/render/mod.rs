//! Render: the build as one top-down list of named stages, from the validated `Site` to an
//! in-memory `Output`. No stage touches the disk except to read the project's own logos.

pub mod data;
pub mod flow;
pub mod html;
pub mod pdf;
pub mod search;
pub mod worker;
pub mod world;

use std::path::Path;
use std::time::{Duration, Instant};

use crate::error::Error;
use crate::model::Site;
use crate::output::Output;
use crate::theme::Theme;

/// What a build needs besides the site.
pub struct BuildContext<'a> {
    /// Project root (logos are read relative to it).
    pub root: &'a Path,
    /// The theme in use.
    pub theme: &'a Theme,
    /// Show a progress bar (only on a terminal).
    pub progress: bool,
    /// PDFs of earlier builds to reuse (`serve`); `None` compiles everything.
    pub cache: Option<&'a pdf::PdfCache>,
    /// The search index of the previous build to update (`serve`); `None` indexes afresh.
    pub search: Option<&'a search::SearchCache>,
    /// Compile SOP PDFs in this many worker processes (0 or 1: in threads of this process).
    pub processes: usize,
}

/// Runs every stage; `log` receives each stage's name and duration.
pub fn build(
    site: &Site,
    ctx: &BuildContext,
    log: &mut dyn FnMut(&str, Duration),
) -> Result<Output, Error> {
    let mut out = Output::new();

    let t = Instant::now();
    data::render(site, &mut out);
    log("data terbuka (JSON)", t.elapsed());

    let t = Instant::now();
    let renderer = pdf::PdfRenderer::new(site, ctx.theme, ctx.root)?;
    let docs = site.sops().count()
        + site
            .instansi
            .iter()
            .filter(|i| i.keputusan.is_some())
            .count();
    let bar = progress_bar(ctx.progress, docs as u64);
    let workers = if ctx.processes > 1 && ctx.cache.is_none() {
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
    pdf::render(site, &renderer, &mut out, ctx.cache, workers, &|| {
        bar.inc(1)
    })?;
    bar.finish_and_clear();
    log("PDF dan diagram SVG (Typst)", t.elapsed());

    let t = Instant::now();
    html::render(site, ctx.theme, &mut out)?;
    log("halaman HTML", t.elapsed());

    let t = Instant::now();
    search::render(
        &mut out,
        &html::base_path(site.settings.base_url.as_deref()),
        ctx.search,
    )?;
    log("indeks pencarian (Pagefind)", t.elapsed());

    Ok(out)
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
