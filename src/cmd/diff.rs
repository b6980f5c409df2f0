//! `sopan diff LAMA [BARU] [-- SOP…]`: read both sides, compare, print or write the report. A
//! name after `--` that chooses no SOP of either side is an error, with the nearest SOP as a hint.

use std::io::{IsTerminal as _, Write as _};
use std::path::{Path, PathBuf};

use crate::core::error::{Error, ErrorKind, IoAct};
use crate::diff::project::{diff_versions, unknown};
use crate::diff::{sides, teks};

/// What the user asked for.
pub(crate) struct DiffOptions<'a> {
    /// Old side.
    pub lama: &'a str,
    /// New side; the working copy when absent.
    pub baru: Option<&'a str>,
    /// Only these SOPs.
    pub only: &'a [String],
    /// `teks`, `html` or `json`.
    pub format: &'a str,
    /// Where `html` goes.
    pub out: Option<&'a Path>,
    /// The project (for git revisions and the theme).
    pub proyek: &'a Path,
}

/// Runs the comparison: exit 0 with no differences, 1 with.
pub(crate) fn run(o: &DiffOptions) -> Result<i32, Error> {
    let old = sides::read(o.lama, o.proyek)?;
    let new = match o.baru {
        Some(b) => sides::read(b, o.proyek)?,
        None => sides::working_copy(o.proyek)?,
    };
    // Checked before comparing: a name that chooses nothing must not fall back to comparing
    // whatever is there.
    let unknown = unknown(&old, &new, o.only);
    if !unknown.is_empty() {
        return Err(Error::new(ErrorKind::DiffUnknownSop { unknown }));
    }
    let d = diff_versions(&old, &new, o.only);
    let report = match o.format {
        "json" => {
            let mut json = serde_json::to_string_pretty(&d)
                .map_err(|e| Error::new(ErrorKind::Json).cause(e))?;
            json.push('\n');
            json
        }
        "html" => {
            let root = if o.proyek.join("content").is_dir() {
                o.proyek
            } else {
                Path::new(".")
            };
            let tema = crate::model::settings::tema_of(root);
            let theme = crate::pipeline::theme::Theme::load(root, &tema)?;
            crate::site::html::diff_report(&theme, &d)?
        }
        _ => {
            // Into a file only when asked for (`--color always`): a report file is read later.
            let color =
                crate::core::report::color_for(o.out.is_none() && std::io::stdout().is_terminal());
            teks::render(&d, color)
        }
    };
    // HTML goes to a file (never into the project unless asked); text and JSON to stdout
    // unless `-o` names a file.
    let out = match (o.out, o.format) {
        (Some(path), _) => Some(path.to_path_buf()),
        (None, "html") => Some(default_html_path(o.lama, o.baru)),
        (None, _) => None,
    };
    match out {
        Some(path) => {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|e| Error::io(IoAct::CreateDir, dir, e))?;
            }
            crate::pipeline::output::write_file_atomic(&path, report.as_bytes())?;
            eprintln!("Laporan perbandingan ditulis ke {}", path.display());
        }
        None => {
            let _ = std::io::stdout().write_all(report.as_bytes());
        }
    }
    Ok(if d.is_empty() { 0 } else { 1 })
}

/// Where an HTML report goes without `-o`: the system's temporary folder, named after the two
/// versions, so a report never lands among the project's files (and in its git status).
fn default_html_path(lama: &str, baru: Option<&str>) -> PathBuf {
    let name = |v: &str| {
        let s: String = v
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                    c
                } else {
                    '_'
                }
            })
            .take(40)
            .collect();
        s.trim_matches('.').to_string()
    };
    std::env::temp_dir()
        .join("sopan-perbandingan")
        .join(format!(
            "{}--{}.html",
            name(lama),
            baru.map_or_else(|| "salinan-kerja".to_string(), name)
        ))
}
