//! `sopan diff LAMA [BARU] [-- SOP…]`: read both sides, compare, print or write the report. A
//! name after `--` that chooses no SOP of either side is an error, with the nearest SOP as a hint.

use std::io::{IsTerminal as _, Write as _};
use std::path::{Path, PathBuf};

use crate::diff::project::{diff_versions, unknown};
use crate::diff::{sides, teks};
use crate::error::Error;

/// What the user asked for.
pub struct DiffOptions<'a> {
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
pub fn run(o: &DiffOptions) -> Result<i32, Error> {
    let old = sides::read(o.lama, o.proyek)?;
    let new = match o.baru {
        Some(b) => sides::read(b, o.proyek)?,
        None => sides::working_copy(o.proyek)?,
    };
    // Checked before comparing: a name that chooses nothing must not fall back to comparing
    // whatever is there.
    let unknown = unknown(&old, &new, o.only);
    if !unknown.is_empty() {
        let names: Vec<&str> = unknown.iter().map(|(w, _)| w.as_str()).collect();
        let near: Vec<String> = unknown
            .iter()
            .filter_map(|(w, near)| {
                let n = near.as_ref()?;
                Some(if unknown.len() == 1 {
                    format!("`{n}`")
                } else {
                    format!("`{n}` (untuk `{w}`)")
                })
            })
            .collect();
        let hint = if near.is_empty() {
            "sebutkan id SOP (`instansi/bidang/slug`), `bidang/slug`, slug, atau path berkasnya"
                .to_string()
        } else {
            format!("maksud Anda {}?", near.join(", "))
        };
        return Err(Error::new(format!(
            "SOP `{}` tidak ada di kedua versi",
            names.join("`, `")
        ))
        .hint(hint));
    }
    let d = diff_versions(&old, &new, o.only);
    match o.format {
        "json" => {
            let json = serde_json::to_string_pretty(&d)
                .map_err(|e| Error::new("gagal menyusun JSON").cause(e))?;
            println!("{json}");
        }
        "html" => {
            let out: PathBuf = o
                .out
                .map_or_else(|| PathBuf::from("perbandingan.html"), Path::to_path_buf);
            let root = if o.proyek.join("content").is_dir() {
                o.proyek
            } else {
                Path::new(".")
            };
            let tema = crate::settings::tema_of(root);
            let theme = crate::theme::Theme::load(root, &tema)?;
            let html = crate::render::html::diff_report(&theme, &d)?;
            crate::output::write_file_atomic(&out, html.as_bytes())?;
            eprintln!("Laporan perbandingan ditulis ke {}", out.display());
        }
        _ => {
            let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            let _ = std::io::stdout().write_all(teks::render(&d, color).as_bytes());
        }
    }
    Ok(if d.is_empty() { 0 } else { 1 })
}
