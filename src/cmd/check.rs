//! `sopan check`: load and validate, print every located problem and a summary (or one JSON
//! document with `--format json`), exit 1 on errors.

use std::io::Write as _;
use std::path::Path;

use crate::cmd::EXIT_ERRORS;
use crate::core::error::{Error, ErrorKind};
use crate::core::{diag, report};

/// Version of the `check --format json` layout; raised only when a field changes meaning or
/// goes away (new fields may be added without it).
const CHECK_JSON_VERSION: u32 = 1;

/// `check --format json`: every diagnostic as data, for editors and CI. Field names are
/// English and stable (README, "Keluaran mesin"); messages and hints stay in Bahasa Indonesia.
fn check_json(diags: &diag::Diagnostics, sops: usize) -> String {
    use serde_json::{Value, json};
    let items: Vec<Value> = diags
        .iter()
        .map(|d| {
            // Line 0 is "the file as a whole": no line or column to point at.
            let at = d.span.as_ref().filter(|s| s.line > 0);
            let file = d.span.as_ref().map(|s| diag::display_path(&s.file));
            let label = |s: &diag::Span, primary: bool, message: Value| {
                let at = Some(s).filter(|s| s.line > 0);
                json!({
                    "file": diag::display_path(&s.file),
                    "line": at.map(|s| s.line),
                    "column": at.map(|s| s.col),
                    "length": at.map(|s| s.len.max(1)),
                    "primary": primary,
                    "message": message,
                })
            };
            // The primary place, then each note that has a place of its own (e.g. "pertama
            // ditulis di sini" at the first of two duplicate keys) as a secondary label.
            let labels: Vec<Value> = d
                .span
                .iter()
                .map(|s| label(s, true, Value::Null))
                .chain(d.notes.iter().filter_map(|n| {
                    n.span
                        .as_ref()
                        .map(|s| label(s, false, Value::String(n.text.clone())))
                }))
                .collect();
            let notes: Vec<&str> = d
                .notes
                .iter()
                .filter(|n| n.span.is_none())
                .map(|n| n.text.as_str())
                .collect();
            json!({
                "file": file,
                "line": at.map(|s| s.line),
                "column": at.map(|s| s.col),
                "end_column": at.map(|s| s.col + s.len.max(1)),
                "severity": match d.severity {
                    diag::Severity::Error => "error",
                    diag::Severity::Warning => "warning",
                },
                "message": d.message,
                "hint": if d.hints.is_empty() { Value::Null } else { Value::String(d.hints.join("\n")) },
                "hints": d.hints,
                "labels": labels,
                "notes": notes,
            })
        })
        .collect();
    let doc = json!({
        "version": CHECK_JSON_VERSION,
        "diagnostics": items,
        "summary": {
            "sops": sops,
            "errors": diags.errors(),
            "warnings": diags.warnings(),
        },
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

/// `sopan check`: print every problem and a summary; exit 1 on errors. With `format` `json`,
/// one JSON document on stdout instead (nothing on stderr unless the check could not run).
/// `only`: check only those instansi (`--instansi`), as `build --instansi` loads them.
pub(crate) fn run(root: &Path, format: &str, only: Option<&[String]>) -> Result<i32, Error> {
    let loaded = match only {
        Some(only) => crate::pipeline::load_instansi(root, only)?,
        None => crate::pipeline::load_and_validate(root)?,
    };
    let sops = loaded.site.sops().count();
    if format == "json" {
        std::io::stdout()
            .write_all(check_json(&loaded.diags, sops).as_bytes())
            .map_err(|e| Error::new(ErrorKind::Stdout).cause(e))?;
        return Ok(if loaded.diags.has_errors() {
            EXIT_ERRORS
        } else {
            0
        });
    }
    crate::cmd::print_diagnostics(&loaded);
    let verdict = if loaded.diags.has_errors() {
        "Pemeriksaan gagal"
    } else {
        "Pemeriksaan selesai"
    };
    eprintln!("{verdict}: {}", report::summary(sops, &loaded.diags));
    Ok(if loaded.diags.has_errors() {
        EXIT_ERRORS
    } else {
        0
    })
}
