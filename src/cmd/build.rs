//! `sopan build`: run the pipeline in disk mode (no caches, PDF worker processes on large
//! sites), then write the output atomically. Content errors leave the previous output as it was.

use std::io::IsTerminal as _;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::cmd::EXIT_ERRORS;
use crate::core::error::Error;
use crate::core::report;
use crate::pipeline::{self, Mode, output};

/// `sopan build`: check, then render into memory and write `out` atomically. `root` is a
/// project ([`crate::cmd::project_root`] found it).
pub(crate) fn run(root: &Path, out: &Path, quiet: bool) -> Result<i32, Error> {
    output::check_target(root, out)?;
    let _lock = output::BuildLock::take(out)?;
    output::recover(out)?;
    let mut log = |stage: &str, took: Duration| {
        if !quiet {
            eprintln!("  {stage}: {} ms", took.as_millis());
        }
    };
    let mode = Mode::Disk {
        progress: !quiet && std::io::stderr().is_terminal(),
    };
    let loaded = pipeline::load(root, &mode, &mut log)?;
    crate::cmd::print_diagnostics(&loaded);
    let sops = loaded.site.sops().count();
    if loaded.diags.has_errors() {
        eprintln!(
            "Pembangunan dibatalkan, keluaran lama tidak diubah: {}",
            report::summary(sops, &loaded.diags)
        );
        return Ok(EXIT_ERRORS);
    }
    let output = pipeline::render(root, &loaded, &mode, &mut log)?.output;
    let t = Instant::now();
    output.write_to(out)?;
    log("menulis keluaran", t.elapsed());
    eprintln!(
        "Selesai: {} berkas ditulis ke {} ({})",
        output.len(),
        out.display(),
        report::summary(sops, &loaded.diags)
    );
    Ok(0)
}
