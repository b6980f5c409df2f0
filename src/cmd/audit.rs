//! `sopan audit [FOLDER]`: load, check, audit, print (text or JSON).

use std::io::Write as _;
use std::path::Path;

use crate::core::error::{Error, ErrorKind};
use crate::model::tanggal::Tanggal;

/// Runs the audit: exit 0 without findings, 1 with findings or content errors.
pub(crate) fn run(root: &Path, per: Option<&str>, format: &str) -> Result<i32, Error> {
    let per = match per {
        Some(p) => Tanggal::parse_iso(p.trim()).map_err(|why| {
            Error::new(ErrorKind::BadDate {
                given: p.into(),
                why: why.to_string(),
            })
        })?,
        None => crate::core::env::get()
            .source_date_epoch
            .and_then(Tanggal::from_unix)
            .unwrap_or_else(today),
    };
    let loaded = crate::pipeline::load_and_validate(root)?;
    if loaded.diags.has_errors() {
        crate::cmd::print_diagnostics(&loaded);
        eprintln!(
            "Audit dibatalkan: {}",
            crate::core::report::summary(loaded.site.sops().count(), &loaded.diags)
        );
        return Ok(crate::cmd::EXIT_ERRORS);
    }
    let a = crate::audit::audit(&loaded.site, &loaded.sources, &loaded.dicabut, per);
    let text = if format == "json" {
        serde_json::to_string_pretty(&a).map_err(|e| Error::new(ErrorKind::Json).cause(e))? + "\n"
    } else {
        // Names and values quoted from content: shown, never obeyed by the terminal.
        crate::core::report::printable_with(&crate::audit::render_text(&a), true).into_owned()
    };
    let _ = std::io::stdout().write_all(text.as_bytes());
    Ok(if a.temuan.is_empty() {
        0
    } else {
        crate::cmd::EXIT_ERRORS
    })
}

/// Today's date by the system clock (UTC).
pub(crate) fn today() -> Tanggal {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    Tanggal::from_unix(secs).unwrap_or(Tanggal {
        tahun: 2000,
        bulan: 1,
        hari: 1,
    })
}
