//! `sopan gabung`: merge outputs of `sopan build --instansi` into one portal (see
//! [`crate::site::portal`]), written atomically as `build` writes its output.

use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::cmd::EXIT_ERRORS;
use crate::core::error::{Error, ErrorKind};
use crate::core::report;
use crate::pipeline::output;
use crate::pipeline::theme::Theme;
use crate::site::portal::{self, Input};

/// `sopan gabung KELUARAN... --out OUT` in the project at `root`.
pub(crate) fn run(
    root: &Path,
    keluaran: &[PathBuf],
    out: &Path,
    quiet: bool,
) -> Result<i32, Error> {
    let t = Instant::now();
    let inputs: Vec<Input> = keluaran
        .iter()
        .map(|dir| Input {
            dir: dir.clone(),
            shown: dir.display().to_string(),
        })
        .collect();
    output::check_target(root, out)?;
    refuse_overlap(&inputs, out)?;
    let (manifests, ids) = portal::read_manifests(&inputs)?;
    let loaded = crate::pipeline::load_instansi(root, &ids)?;
    crate::cmd::print_diagnostics(&loaded);
    let sops = loaded.site.sops().count();
    if loaded.diags.has_errors() {
        eprintln!(
            "Penggabungan dibatalkan, portal lama tidak diubah: {}",
            report::summary(sops, &loaded.diags)
        );
        return Ok(EXIT_ERRORS);
    }
    let theme = Theme::load(root, &loaded.site.settings.tema)?;
    portal::check_against_project(root, &theme, &inputs, &manifests)?;
    let _lock = output::BuildLock::take(out)?;
    output::recover(out)?;
    let site = portal::assemble(root, &loaded, &theme, &inputs, &manifests)?;
    site.write_to(out)?;
    if !quiet {
        eprintln!("  menggabungkan: {} ms", t.elapsed().as_millis());
    }
    eprintln!(
        "Selesai: portal {} instansi, {} berkas ditulis ke {} ({})",
        ids.len(),
        site.len(),
        out.display(),
        report::summary(sops, &loaded.diags)
    );
    Ok(0)
}

/// Refuses a portal folder that is one of the outputs merged, or holds or lies inside one: the
/// swap would replace what is being read.
fn refuse_overlap(inputs: &[Input], out: &Path) -> Result<(), Error> {
    let Ok(out_real) = std::path::absolute(out) else {
        return Ok(());
    };
    let out_real = out_real.canonicalize().unwrap_or(out_real);
    for input in inputs {
        let Ok(real) = input.dir.canonicalize() else {
            continue;
        };
        if real.starts_with(&out_real) || out_real.starts_with(&real) {
            return Err(Error::new(ErrorKind::PortalOverlap {
                out: out.display().to_string(),
                input: input.shown.clone(),
            }));
        }
    }
    Ok(())
}
