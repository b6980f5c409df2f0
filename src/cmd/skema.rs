//! `sopan skema [JENIS] [--tulis]`: the JSON Schemas of the content files (made in
//! `crate::load::skema`) on stdout, or written into the project with the editor settings.

use std::io::Write as _;
use std::path::Path;

use serde_json::Value;

use crate::core::error::{Error, ErrorKind};
use crate::load::skema::{ALL, file_name, parse, schema, text, write_into, write_vscode_settings};

/// `sopan skema [JENIS] [--tulis]`: prints one schema, or all of them as one JSON object keyed
/// by file name; `--tulis` writes them into the project instead.
pub(crate) fn run(jenis: Option<&str>, tulis: Option<&Path>) -> Result<i32, Error> {
    if let Some(root) = tulis {
        let paths = write_into(root)?;
        for p in &paths {
            eprintln!("ditulis: {}", p.display());
        }
        if write_vscode_settings(root)? {
            eprintln!("ditulis: {}", root.join(".vscode/settings.json").display());
        }
        return Ok(0);
    }
    let text = match jenis {
        Some(j) => text(parse(j)?),
        None => {
            let all: serde_json::Map<String, Value> =
                ALL.into_iter().map(|k| (file_name(k), schema(k))).collect();
            let mut s = serde_json::to_string_pretty(&all).unwrap_or_default();
            s.push('\n');
            s
        }
    };
    std::io::stdout()
        .write_all(text.as_bytes())
        .map_err(|e| Error::new(ErrorKind::Stdout).cause(e))?;
    Ok(0)
}
