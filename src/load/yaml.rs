//! Spanned YAML parsing through serde-saphyr: unknown keys (all of them) from `keys`, then
//! syntax and type errors turned into located diagnostics in Bahasa Indonesia.

use std::path::Path;

use serde::de::DeserializeOwned;
use serde_saphyr::{Error as YamlError, Location};

use crate::core::diag::{Diagnostic, Span};
use crate::load::keys::{FileKind, check_keys};

/// Converts a serde-saphyr location into a span in `file`.
pub(crate) fn span_of(file: &Path, loc: &Location, len: usize) -> Span {
    Span::at(
        file,
        loc.line() as u32,
        loc.column().max(1) as u32,
        len as u32,
    )
}

/// Parses `text` as a file of `kind`. Returns the value (if the YAML could be read at all) and
/// every problem found; unknown keys do not stop the parse.
pub(crate) fn parse<T: DeserializeOwned + Default>(
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
    // A key written twice is reported by `keys` with both places; reading goes on with the
    // first, so the rest of the file is still checked.
    o.duplicate_keys = serde_saphyr::DuplicateKeyPolicy::FirstWins;
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
    if raw.contains("tab") && is_tab_error(&raw) {
        let span = tab_span(file, text, loc.map_or(1, |l| l.line() as u32)).unwrap_or(span);
        return Diagnostic::error(span, "YAML tidak valid: karakter tab untuk indentasi")
            .hint("ganti tab ini dengan spasi (YAML hanya menerima spasi untuk indentasi)");
    }
    if raw.contains("mapping values are not allowed") {
        if let Some(d) = over_indented_key(file, text, &span) {
            return d;
        }
        return Diagnostic::error(span, "YAML tidak valid: `:` yang tidak diharapkan").hint(
            "teks yang mengandung `: ` harus diapit tanda kutip, mis. `kegiatan: \"Catatan: …\"`",
        );
    }
    if raw.contains("did not find expected '-' indicator")
        && let Some(d) = dedented_key(file, text, &span)
    {
        return d;
    }
    if raw.contains("duplicate mapping key") {
        let key = match e {
            YamlError::DuplicateMappingKey { key: Some(k), .. } => format!(" `{k}`"),
            _ => String::new(),
        };
        return Diagnostic::error(span, format!("kunci{key} tertulis dua kali")).hint(
            "setiap kunci hanya boleh muncul sekali dalam satu pemetaan; hapus salah satunya",
        );
    }
    let (message, hint) = parser_words(&raw);
    let d = Diagnostic::error(span, format!("YAML tidak valid: {message}")).hint(hint);
    if message == GENERIC {
        // Nothing in the table: the reader's own words are all there is to go on.
        d.note(None, format!("pesan asli pembaca YAML: {raw}"))
    } else {
        d
    }
}

/// The message of a YAML syntax problem nobody foresaw.
const GENERIC: &str = "susunan baris ini tidak bisa dibaca";

/// The YAML reader's messages, in the words of the schema page, with the fix.
fn parser_words(raw: &str) -> (&'static str, &'static str) {
    const INDENT: &str = "periksa indentasi: kunci yang setingkat mulai di kolom yang sama, butir daftar diawali `- `, spasi (bukan tab)";
    const TABLE: &[(&str, &str, &str)] = &[
        (
            "did not find expected '-' indicator",
            "baris ini sejajar dengan butir daftar di atasnya tetapi tidak diawali `- `",
            "awali dengan `- ` bila ini butir baru, atau menjoroklah sejajar dengan kunci butir di atasnya",
        ),
        (
            "while parsing a block mapping, did not find expected key",
            "baris ini tidak terbaca sebagai `kunci: nilai` pada indentasinya",
            "sejajarkan dengan kunci lain setingkat; teks yang diawali `[`, `{`, `*`, `&`, `!`, `|`, `>`, `%`, `@` atau tanda kutip harus diapit tanda kutip seluruhnya",
        ),
        (
            "while parsing a flow sequence",
            "daftar `[…]` tidak tertutup dengan benar: butir dipisah `,` dan diakhiri `]`",
            "tutup daftar dengan `]`; teks berisi `,` atau `]` diapit tanda kutip",
        ),
        (
            "while parsing a flow mapping",
            "pemetaan `{…}` tidak tertutup dengan benar: pasangan dipisah `,` dan diakhiri `}`",
            "tutup dengan `}`; teks berisi `,` atau `}` diapit tanda kutip",
        ),
        (
            "unclosed",
            "kurung atau tanda kutip yang dibuka di sini belum ditutup",
            "tutup `[`, `{` atau tanda kutip itu, atau hapus bila tidak dimaksudkan",
        ),
        (
            "while parsing a node, did not find expected node content",
            "nilai di sini tidak terbaca",
            "teks yang diawali `@`, `` ` ``, `%`, `|` atau `>` harus diapit tanda kutip",
        ),
        (
            "while parsing a quoted scalar",
            "teks berkutip ganda berisi `\\` yang tidak dikenal",
            "tulis `\\\\` untuk garis miring terbalik, atau gunakan tanda kutip tunggal `'…'`",
        ),
        (
            "while parsing node, found unknown anchor",
            "rujukan `*…` ke jangkar yang tidak ada",
            "teks yang diawali `*` harus diapit tanda kutip",
        ),
        (
            "unknown anchor",
            "rujukan `*…` ke jangkar yang tidak ada",
            "teks yang diawali `*` harus diapit tanda kutip",
        ),
        (
            "invalid trailing content after",
            "ada teks setelah tanda kutip penutup",
            "apit seluruh nilai dengan tanda kutip, atau hapus teks setelahnya",
        ),
        (
            "block sequence entries are not allowed",
            "butir daftar `- ` di tempat yang tidak bisa menerimanya",
            "tulis daftar di baris baru di bawah kuncinya: `kunci:` lalu `  - butir`",
        ),
        (
            "mapping keys are not allowed",
            "kunci di tempat yang tidak bisa menerimanya",
            INDENT,
        ),
        ("invalid indentation", "indentasi tidak sah", INDENT),
        (
            "while scanning a block scalar",
            "teks blok `|` atau `>` harus diakhiri baris baru",
            "tulis teksnya di baris berikut, menjorok di bawah kuncinya",
        ),
        (
            "unexpected EOF",
            "berkas berakhir sebelum daftar atau pemetaan selesai",
            "tutup `[` atau `{` yang masih terbuka",
        ),
        (
            "unexpected eof",
            "berkas berakhir sebelum waktunya",
            "tutup `[`, `{` atau tanda kutip yang masih terbuka",
        ),
        (
            "did not find expected <document start>",
            "isi setelah `---` atau `...` tidak terbaca",
            "satu berkas berisi satu dokumen; hapus `---` atau `...` di tengah berkas",
        ),
        (
            "invalid content after document end marker",
            "isi setelah `...` tidak terbaca",
            "hapus `...` di tengah berkas",
        ),
        (
            "illegal placement of ':'",
            "`:` di tempat yang tidak diharapkan; mungkin `[` atau `{` di atasnya belum ditutup",
            "tutup `[` atau `{` yang dibuka sebelumnya, atau apit teks berisi `:` dengan tanda kutip",
        ),
        (
            "multiple YAML documents",
            "berkas berisi lebih dari satu dokumen (`---`)",
            "satu berkas berisi satu SOP; hapus `---` di tengah berkas atau pisahkan ke berkas lain",
        ),
        (
            "while scanning",
            "tanda khusus YAML yang tidak lengkap",
            INDENT,
        ),
        (
            "while parsing a tag",
            "tanda `!` di awal nilai dibaca sebagai tag YAML",
            "teks yang diawali `!` harus diapit tanda kutip",
        ),
        (
            "unexpected character",
            "karakter yang tidak diharapkan",
            "apit nilainya dengan tanda kutip",
        ),
        (
            "unexpected end of plain scalar",
            "teks berakhir di tempat yang tidak diharapkan",
            INDENT,
        ),
        (
            "recursion",
            "bersarang terlalu dalam",
            "kurangi tingkat daftar dan pemetaan",
        ),
        (
            "budget",
            "berkas terlalu besar atau rumit untuk dibaca",
            "pecah berkas ini",
        ),
        (
            "alias",
            "terlalu banyak rujukan `*…`",
            "tulis nilainya langsung, tanpa `&` dan `*`",
        ),
    ];
    for (needle, message, hint) in TABLE {
        if raw.contains(needle) {
            return (message, hint);
        }
    }
    (
        GENERIC,
        "periksa indentasi dan tanda kutip di sekitar baris ini",
    )
}

/// Whether a reader's message is about a tab (as a word: "table" is not one).
fn is_tab_error(raw: &str) -> bool {
    raw.split(|c: char| !c.is_ascii_alphanumeric())
        .any(|w| w.eq_ignore_ascii_case("tab") || w.eq_ignore_ascii_case("tabs"))
}

/// The tab itself: the reader reports the end of the line before it. The first line from
/// `from` whose indentation holds a tab (or, failing that, any such line).
fn tab_span(file: &Path, text: &str, from: u32) -> Option<Span> {
    let lines: Vec<&str> = text.split('\n').collect();
    let find = |range: std::ops::Range<usize>| {
        range.into_iter().find_map(|i| {
            let l = lines.get(i)?;
            let indent: String = l.chars().take_while(|c| *c == ' ' || *c == '\t').collect();
            let col = indent.chars().position(|c| c == '\t')?;
            Some(Span::at(file, i as u32 + 1, col as u32 + 1, 1))
        })
    };
    let from = from.max(1) as usize - 1;
    find(from..lines.len()).or_else(|| find(0..from))
}

/// The previous line with content (not blank, not a comment) before 1-based `line`.
fn line_before(text: &str, line: u32) -> Option<(u32, &str)> {
    let lines: Vec<&str> = text.split('\n').collect();
    (0..(line as usize).saturating_sub(1).min(lines.len()))
        .rev()
        .map(|i| (i as u32 + 1, lines[i]))
        .find(|(_, l)| {
            let t = l.trim();
            !t.is_empty() && !t.starts_with('#')
        })
}

/// The column (1-based) where the key of a line starts, past its indentation and `- `.
fn key_column(line: &str) -> usize {
    let mut col = line.chars().take_while(|c| *c == ' ').count();
    let mut rest = &line[col..];
    while let Some(r) = rest.strip_prefix("- ") {
        let pad = r.chars().take_while(|c| *c == ' ').count();
        col += 2 + pad;
        rest = &r[pad..];
    }
    col + 1
}

/// The key of a `key: value` line, if the line is one.
fn key_of(line: &str) -> Option<&str> {
    let t = line.trim_start().trim_start_matches("- ").trim_start();
    let (k, _) = t.split_once(':')?;
    (!k.is_empty() && k.chars().all(|c| c.is_alphanumeric() || c == '_')).then_some(k)
}

/// `key: value` indented deeper than the key above it: YAML reads the line as more of the
/// value above, then stumbles on its `:`. Said as such, not as a quoting problem.
fn over_indented_key(file: &Path, text: &str, at: &Span) -> Option<Diagnostic> {
    let line = text.split('\n').nth(at.line.checked_sub(1)? as usize)?;
    let key = key_of(line)?;
    let key_col = key_column(line);
    // Only when the `:` reported is the key's own, not one inside a value.
    if at.col as usize != key_col + key.chars().count() {
        return None;
    }
    let (above_no, above) = line_before(text, at.line)?;
    let above_key = key_of(above)?;
    let above_col = key_column(above);
    if key_col <= above_col {
        return None;
    }
    Some(
        Diagnostic::error(
            Span::at(file, at.line, key_col as u32, key.chars().count() as u32),
            format!(
                "YAML tidak valid: kunci `{key}` menjorok lebih dalam dari `{above_key}` di atasnya"
            ),
        )
        .note(
            Some(Span::at(file, above_no, above_col as u32, above_key.chars().count() as u32)),
            "kunci setingkat di atasnya",
        )
        .hint(format!(
            "sejajarkan `{key}:` dengan `{above_key}:` (kolom {above_col}): hapus {} spasi di depannya",
            key_col - above_col
        )),
    )
}

/// A key of a list item written at the column of the item's `- `: the list is broken there.
fn dedented_key(file: &Path, text: &str, at: &Span) -> Option<Diagnostic> {
    let line = text.split('\n').nth(at.line.checked_sub(1)? as usize)?;
    let key = key_of(line)?;
    if line.trim_start().starts_with("- ") {
        return None;
    }
    let indent = line.chars().take_while(|c| *c == ' ').count();
    // The item above: the nearest line at the same indentation starting with `- `.
    let lines: Vec<&str> = text.split('\n').take(at.line as usize - 1).collect();
    let (item_no, item) = lines
        .iter()
        .copied()
        .enumerate()
        .rev()
        .map(|(i, l)| (i as u32 + 1, l))
        .find(|(_, l)| {
            l.chars().take_while(|c| *c == ' ').count() == indent
                && l.trim_start().starts_with("- ")
        })?;
    let item_key = key_of(item)?;
    let item_col = key_column(item);
    Some(
        Diagnostic::error(
            Span::at(file, at.line, indent as u32 + 1, key.chars().count() as u32),
            format!(
                "YAML tidak valid: kunci `{key}` sejajar dengan `- ` butir daftar di atasnya, bukan dengan `{item_key}`"
            ),
        )
        .note(
            Some(Span::at(file, item_no, item_col as u32, item_key.chars().count() as u32)),
            "butir yang dimaksud",
        )
        .hint(format!(
            "menjoroklah sejajar dengan `{item_key}:` (kolom {item_col}): tambahkan {} spasi di depan `{key}:`; atau awali dengan `- ` bila ini butir baru",
            item_col - indent - 1
        )),
    )
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::schema::RawSop;

    fn first(text: &str) -> Diagnostic {
        let (_, d) = parse::<RawSop>(FileKind::Sop, Path::new("a.yaml"), text);
        d.into_iter().next().expect("a diagnostic")
    }

    fn at(d: &Diagnostic) -> (u32, u32) {
        let s = d.span.as_ref().unwrap();
        (s.line, s.col)
    }

    #[test]
    fn a_tab_is_placed_on_its_own_line_and_column() {
        let d = first("nama: a\nlangkah:\n  - kegiatan: a\n \tpelaksana: b\n");
        assert_eq!(at(&d), (4, 2), "{d:?}");
        assert!(d.message.contains("tab"));
    }

    #[test]
    fn indentation_mistakes_are_told_as_such() {
        let d = first("langkah:\n  - kegiatan: a\n        pelaksana: b\n");
        assert_eq!(at(&d), (3, 9), "{d:?}");
        assert!(d.message.contains("menjorok lebih dalam"), "{}", d.message);
        assert_eq!(
            d.notes[0].span.as_ref().map(|s| (s.line, s.col)),
            Some((2, 5))
        );
        assert!(d.hints[0].contains("hapus 4 spasi"), "{:?}", d.hints);
        let d = first("langkah:\n  - kegiatan: a\n  pelaksana: b\n");
        assert_eq!(at(&d), (3, 3), "{d:?}");
        assert!(d.hints[0].contains("tambahkan 2 spasi"), "{:?}", d.hints);
        // A colon inside a value is still a quoting matter.
        let d = first("langkah:\n  - kegiatan: Catatan: periksa\n");
        assert!(d.hints[0].contains("tanda kutip"), "{:?}", d.hints);
    }

    #[test]
    fn a_duplicate_key_names_both_places_and_reading_goes_on() {
        let (raw, d) = parse::<RawSop>(
            FileKind::Sop,
            Path::new("a.yaml"),
            "nama: A\nnomor: 1\nnama: B\n",
        );
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(at(&d[0]), (3, 1));
        assert_eq!(d[0].notes[0].span.as_ref().map(|s| s.line), Some(1));
        // The first one is read; the rest of the file too.
        let raw = raw.expect("read despite the duplicate");
        assert_eq!(raw.nama.unwrap().value.0, "A");
        assert_eq!(raw.nomor.unwrap().value.0, "1");
    }

    #[test]
    fn known_parser_messages_have_indonesian_words_and_unknown_ones_a_marked_detail() {
        let (m, _) =
            parser_words("while parsing a block collection, did not find expected '-' indicator");
        assert!(m.contains("`- `"), "{m}");
        let (m, _) = parser_words("something nobody has seen");
        assert_eq!(m, GENERIC);
        let d = first("nama: a\n---\nnama: b\n");
        assert!(
            d.message.contains("lebih dari satu dokumen"),
            "{}",
            d.message
        );
    }
}
