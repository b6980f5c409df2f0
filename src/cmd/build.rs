//! `sopan build`: run the pipeline in disk mode (the build cache on disk, PDF worker processes
//! on large sites, files written to a staging folder as they are made), then swap that folder
//! in. Content errors and failed builds leave the previous output as it was.

use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::cmd::EXIT_ERRORS;
use crate::core::error::Error;
use crate::core::report;
use crate::pipeline::disk_cache::DiskCache;
use crate::pipeline::staging::Staging;
use crate::pipeline::{self, Mode, output};

/// Where the build cache is and whether to trust it.
pub(crate) struct CacheOptions {
    /// The cache folder (`--cache`, else `.sopan/cache` in the project).
    pub(crate) dir: PathBuf,
    /// `--bersih`: ignore the entries and write them afresh.
    pub(crate) bersih: bool,
}

/// `sopan build`: check, then render into a staging folder and swap it in as `out`. `root` is a
/// project ([`crate::cmd::project_root`] found it).
pub(crate) fn run(
    root: &Path,
    out: &Path,
    cache: &CacheOptions,
    quiet: bool,
    only: Option<&[String]>,
) -> Result<i32, Error> {
    output::check_target(root, out)?;
    let _lock = output::BuildLock::take(out)?;
    output::recover(out)?;
    let mut log = |stage: &str, took: Duration| {
        if !quiet {
            eprintln!("  {stage}: {} ms", took.as_millis());
        }
    };
    let progress = !quiet && std::io::stderr().is_terminal();
    let manifest = DiskCache::manifest_path(&cache.dir, out);
    let begin = || Staging::begin(out, Some(manifest.clone()), cache.bersih);
    // Rebuilding, the kept output is taken over (listed, file by file) while the content loads,
    // which leaves a core idle part of the time: 64 ms of a cold build of 1,000 SOPs were spent
    // there before. Only sopan's own folders beside the output are touched; a refused build
    // gives the kept tree back ([`Staging`]'s drop). A first build makes nothing before its
    // content is good.
    let early = out.join(crate::pipeline::output::MARKER).is_file();
    let (loaded, begun) = std::thread::scope(|scope| {
        let begun = early.then(|| scope.spawn(begin));
        // With `only`, a subset for a portal (`--instansi`): see `crate::site::portal`.
        let loaded = pipeline::load(
            root,
            &Mode::Disk {
                progress,
                cache: None,
                staging: None,
            },
            only,
            &mut log,
        );
        let begun = begun.map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)));
        (loaded, begun)
    });
    let loaded = loaded?;
    crate::cmd::print_diagnostics(&loaded);
    let sops = loaded.site.sops().count();
    if loaded.diags.has_errors() {
        eprintln!(
            "Pembangunan dibatalkan, keluaran lama tidak diubah: {}",
            report::summary(sops, &loaded.diags)
        );
        return Ok(EXIT_ERRORS);
    }
    // Opened once the content is good (a refused build leaves no cache behind), under the
    // output's lock: two builds of one output never share it at once.
    let disk = DiskCache::open(root, out, &cache.dir, cache.bersih)?;
    // Files go to the staging folder as they are made; a failed build deletes it.
    let staging = match begun {
        Some(begun) => begun?,
        None => begin()?,
    };
    let mode = Mode::Disk {
        progress,
        cache: Some(&disk),
        staging: Some(&staging),
    };
    let mut output = pipeline::render(root, &loaded, &mode, &mut log)?.output;
    if only.is_some() {
        let theme = crate::pipeline::theme::Theme::load(root, &loaded.site.settings.tema)?;
        let ids: Vec<&str> = loaded.site.instansi.iter().map(|i| i.id.as_str()).collect();
        let record = crate::site::portal::manifest::Manifest::of(root, &theme, &ids)?;
        output.insert(crate::site::portal::manifest::FILE, record.to_bytes());
    }
    let t = Instant::now();
    let files = output.len();
    output.commit(out)?;
    let (linked, written) = staging.counts();
    log(
        &format!(
            "memasang keluaran ({written} ditulis, {linked} ditautkan dari keluaran lama atau cache)"
        ),
        t.elapsed(),
    );
    eprintln!(
        "Selesai: {files} berkas ditulis ke {} ({})",
        out.display(),
        report::summary(sops, &loaded.diags)
    );
    Ok(0)
}
