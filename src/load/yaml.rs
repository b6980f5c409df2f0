//! Spanned YAML parsing through serde-saphyr: unknown keys (all of them) from `keys`, then
//! syntax and type errors turned into located diagnostics in Bahasa Indonesia.

use std::path::Path;

use serde::de::DeserializeOwned;
use serde_saphyr::{Error as YamlError, Location};

use crate::diag::{Diagnostic, Span};
use crate::load::keys::{FileKind, check_keys};

/// Converts a serde-saphyr location into a span in `file`.
pub fn span_of(file: &Path, loc: &Location, len: usize) -> Span {
    Span::at(
        file,
        loc.line() as u32,
        loc.column().max(1) as u32,
        len as u32,
    )
}

/// Parses `text` as a file of `kind`. Returns the value (if the YAML could be read at all) and
/// every problem found; unknown keys do not stop the parse.
pub fn parse<T: DeserializeOwned + Default>(
    kind: FileKind,
    file: &Path,
    text: &str,
) -> (Option<T>, Vec<Diagnostic>) {
    let mut diags = check_keys(kind, file, text);
    if text.trim().is_empty() {
        return (Some(T::default()), diags);
    }
    match serde_saphyr::from_str_with_options::<T>(text, options()) {
        Ok(v) => (Some(v), diags),
        Err(e) => {
            diags.push(translate(file, text, &e));
            (None, diags)
        }
    }
}

/// YAML 1.2 reading: only `true`/`false` are booleans, so an actor named `Y` or a waktu of
/// `No` stays text; `007` stays text too.
fn options() -> serde_saphyr::Options {
    let mut o = serde_saphyr::Options::default();
    o.strict_booleans = true;
    o.leading_zero_numbers_as_strings = true;
    o
}

/// Names serde and the YAML parser use, in the words of the schema page.
fn indonesian_type(s: &str) -> String {
    let s = s.trim().trim_matches('`');
    let base = s.split_whitespace().next().unwrap_or(s);
    let word = match base {
        "string" | "str" | "char" => "teks",
        "integer" | "i64" | "u64" | "i32" | "u32" | "usize" => "angka",
        "floating" | "float" | "f64" => "angka desimal",
        "boolean" | "bool" => "ya/tidak",
        "sequence" | "a" if s.contains("sequence") => "daftar (`- …`)",
        "sequence" => "daftar (`- …`)",
        "map" | "mapping" => "pemetaan (`kunci: nilai`)",
        "unit" | "null" => "kosong",
        "struct" => "pemetaan (`kunci: nilai`)",
        _ => return s.to_string(),
    };
    word.to_string()
}

/// Turns a serde-saphyr error into one located diagnostic with a hint.
fn translate(file: &Path, text: &str, e: &YamlError) -> Diagnostic {
    let loc = e.location();
    let span = match loc {
        Some(l) if l.line() > 0 => {
            let len = token_len(text, l.line() as u32, l.column() as u32);
            span_of(file, &l, len)
        }
        _ => Span::file(file),
    };
    if let YamlError::Unexpected { expected, .. } = e {
        let want = indonesian_type(
            expected
                .trim_end_matches(" start")
                .trim_end_matches(" scalar"),
        );
        return Diagnostic::error(span, format!("tipe nilai salah: seharusnya {want}")).hint(
            type_hint(
                expected
                    .trim_end_matches(" start")
                    .trim_end_matches(" scalar"),
            ),
        );
    }
    let raw = match e {
        YamlError::Message { msg, .. } => msg.clone(),
        YamlError::ExternalMessage { msg, .. } => msg.clone(),
        other => other.to_string(),
    };
    let raw = strip_position(raw.lines().next().unwrap_or(""));
    if let Some(rest) = raw.strip_prefix("invalid type: ")
        && let Some((found, expected)) = rest.split_once(", expected ")
    {
        return Diagnostic::error(
            span,
            format!(
                "tipe nilai salah: tertulis {}, seharusnya {}",
                indonesian_type(found),
                indonesian_type(expected)
            ),
        )
        .hint(type_hint(expected));
    }
    if let Some(expected) = raw.strip_prefix("expected ") {
        let e = expected
            .trim_end_matches(" start")
            .trim_end_matches(" scalar");
        return Diagnostic::error(
            span,
            format!("tipe nilai salah: seharusnya {}", indonesian_type(e)),
        )
        .hint(type_hint(e));
    }
    if raw.contains("mapping values are not allowed") {
        return Diagnostic::error(span, "YAML tidak valid: `:` yang tidak diharapkan").hint(
            "teks yang mengandung `: ` harus diapit tanda kutip, mis. `kegiatan: \"Catatan: …\"`",
        );
    }
    if raw.contains("did not find expected") || raw.contains("while parsing") {
        return Diagnostic::error(span, format!("YAML tidak valid: {}", syntax_word(&raw))).hint(
            "periksa indentasi (spasi, bukan tab) dan tanda kutip/kurung yang belum ditutup",
        );
    }
    if raw.contains("unclosed") {
        return Diagnostic::error(
            span,
            "YAML tidak valid: kurung atau tanda kutip yang dibuka di sini belum ditutup",
        )
        .hint("tutup `[`, `{` atau tanda kutip itu, atau hapus bila tidak dimaksudkan");
    }
    // "tab" as a word: a substring test also matched words such as "table".
    let words = raw.split(|c: char| !c.is_ascii_alphanumeric());
    if words
        .into_iter()
        .any(|w| w.eq_ignore_ascii_case("tab") || w.eq_ignore_ascii_case("tabs"))
    {
        return Diagnostic::error(span, "YAML tidak valid: karakter tab untuk indentasi")
            .hint("gunakan spasi untuk indentasi, bukan tab");
    }
    if raw.contains("duplicate") {
        return Diagnostic::error(span, format!("kunci ganda: {raw}"))
            .hint("setiap kunci hanya boleh muncul sekali dalam satu pemetaan");
    }
    Diagnostic::error(span, format!("YAML tidak valid: {raw}"))
        .hint("periksa indentasi dan tanda kutip di sekitar baris ini")
}

/// Drops the "error: line 8 column 7: " lead: the span already says where.
fn strip_position(s: &str) -> String {
    let s = s.strip_prefix("error: ").unwrap_or(s);
    if let Some(rest) = s.strip_prefix("line ")
        && let Some(idx) = rest.find(": ")
    {
        let head = &rest[..idx];
        if head
            .split(" column ")
            .all(|p| p.chars().all(|c| c.is_ascii_digit()))
        {
            return rest[idx + 2..].to_string();
        }
    }
    s.to_string()
}

fn syntax_word(raw: &str) -> String {
    raw.replace("did not find expected", "tidak menemukan")
        .replace("while parsing", "saat membaca")
        .replace("a block mapping", "pemetaan blok")
        .replace("a flow sequence", "daftar `[…]`")
        .replace("a flow mapping", "pemetaan `{…}`")
        .replace("a quoted scalar", "teks berkutip")
        .replace("key", "kunci")
}

fn type_hint(expected: &str) -> String {
    let e = indonesian_type(expected);
    if e.starts_with("daftar") || e.starts_with("teks atau daftar") {
        "tulis setiap butir di baris sendiri diawali `- `".to_string()
    } else if e.starts_with("pemetaan") {
        "tulis sebagai `kunci: nilai` yang menjorok di bawah kunci ini".to_string()
    } else {
        "tulis satu nilai teks; beri tanda kutip bila perlu".to_string()
    }
}

/// Width of the token at `line:col` (up to whitespace or `:`), for the caret.
fn token_len(text: &str, line: u32, col: u32) -> usize {
    let Some(l) = text.split('\n').nth(line.saturating_sub(1) as usize) else {
        return 1;
    };
    let rest: String = l.chars().skip(col.saturating_sub(1) as usize).collect();
    let rest = rest.trim_end();
    let n = rest.chars().take_while(|c| !c.is_whitespace()).count();
    if rest.starts_with(['"', '\'', '[', '{']) {
        rest.chars().count().max(1)
    } else {
        n.max(1)
    }
}
