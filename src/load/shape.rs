//! List-shape lint: the list mistakes YAML reads without complaint. An item indented deeper
//! than the one above is folded into it (`- UU 2` then `    - UU 3` reads as one item
//! "UU 2 - UU 3"), and actors written on one line (`pelaksana: Pemohon, Petugas`) are one name
//! to YAML. Both are found here and told with the YAML that was meant.

use std::path::Path;

use crate::core::diag::{Diagnostic, Span};

/// A plain scalar written from `start` to `end` (1-based lines) whose continuation lines hold
/// a `- `: an over-indented list item folded into the value above. Returns the warning at the
/// first such `- `.
pub(crate) fn folded_item(
    file: &Path,
    text: &str,
    start: (u32, u32),
    end_line: u32,
    value: &str,
) -> Option<Diagnostic> {
    if end_line <= start.0 {
        return None;
    }
    let lines: Vec<&str> = text.split('\n').collect();
    let (no, line) = (start.0 + 1..=end_line).find_map(|n| {
        let l = *lines.get(n as usize - 1)?;
        l.trim_start().starts_with("- ").then_some((n, l))
    })?;
    let dash = line.chars().take_while(|c| *c == ' ').count();
    let item = line.trim_start()[2..].trim();
    let first = lines.get(start.0 as usize - 1).copied().unwrap_or("");
    // The item the line was folded into: its `- `, when the value is itself a list item.
    let above_dash = first
        .trim_start()
        .starts_with("- ")
        .then(|| first.chars().take_while(|c| *c == ' ').count());
    let hint = match above_dash {
        Some(col) if col < dash => format!(
            "sejajarkan `- {item}` dengan `- ` di atasnya (kolom {}): hapus {} spasi di depannya",
            col + 1,
            dash - col
        ),
        _ => "tulis daftar di bawah kuncinya: `kunci:` lalu setiap butir `- …` di baris sendiri, sejajar satu sama lain".to_string(),
    };
    let shown: String = value.split_whitespace().collect::<Vec<_>>().join(" ");
    Some(
        Diagnostic::warning(
            Span::at(
                file,
                no,
                dash as u32 + 1,
                line.trim().chars().count() as u32,
            ),
            format!("butir `{item}` menjorok terlalu dalam dan tergabung ke nilai di atasnya"),
        )
        .note(
            Some(Span::at(
                file,
                start.0,
                start.1,
                first
                    .chars()
                    .skip(start.1 as usize - 1)
                    .collect::<String>()
                    .trim_end()
                    .chars()
                    .count() as u32,
            )),
            format!("terbaca sebagai satu nilai: `{shown}`"),
        )
        .hint(hint),
    )
}

/// The names of an actor text that joins several (`Pemohon, Petugas`, `Pemohon dan Petugas`,
/// `Pemohon & Petugas`, `Pemohon - Petugas`); `None` for one name.
pub(crate) fn split_actors(s: &str) -> Option<Vec<String>> {
    let norm = s.split_whitespace().collect::<Vec<_>>().join(" ");
    let joined = norm
        .replace(" dan ", ",")
        .replace(" & ", ",")
        .replace(" - ", ",")
        .replace(';', ",");
    let parts: Vec<String> = joined
        .split(',')
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect();
    (parts.len() >= 2).then_some(parts)
}

/// `names` as a YAML flow list, quoting a name that needs it: `[Pemohon, "Kasubbag: TU"]`.
pub(crate) fn flow_list(names: &[String]) -> String {
    let items: Vec<String> = names
        .iter()
        .map(|n| {
            if n.contains([',', '[', ']', '{', '}', ':', '#', '"', '\'', '&', '*', '!'])
                || n.starts_with(['-', '?', '|', '>', '%', '@', '`'])
            {
                format!("\"{}\"", n.replace('\\', "\\\\").replace('"', "\\\""))
            } else {
                n.clone()
            }
        })
        .collect();
    format!("[{}]", items.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joined_actor_names_are_taken_apart() {
        let v = |s: &str| split_actors(s).map(|p| p.join("|"));
        assert_eq!(v("Pemohon, Petugas").as_deref(), Some("Pemohon|Petugas"));
        assert_eq!(v("Pemohon dan Petugas").as_deref(), Some("Pemohon|Petugas"));
        assert_eq!(v("Pemohon & Petugas").as_deref(), Some("Pemohon|Petugas"));
        assert_eq!(v("Pemohon - Petugas").as_deref(), Some("Pemohon|Petugas"));
        assert_eq!(v("A,B , C").as_deref(), Some("A|B|C"));
        assert_eq!(v("Kasubbag Umum-Kepegawaian"), None);
        assert_eq!(v("Petugas"), None);
        assert_eq!(v("Petugas,"), None);
    }

    #[test]
    fn flow_lists_quote_only_what_needs_it() {
        let n = |v: &[&str]| flow_list(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(n(&["Pemohon", "Petugas"]), "[Pemohon, Petugas]");
        assert_eq!(
            n(&["Kasubbag: TU", "a\"b"]),
            "[\"Kasubbag: TU\", \"a\\\"b\"]"
        );
    }

    #[test]
    fn an_over_indented_item_is_found_at_its_dash() {
        let text = "dasar_hukum:\n  - UU 1\n  - UU 2\n    - UU 3\n  - UU 4\n";
        let d = folded_item(Path::new("a.yaml"), text, (3, 5), 4, "UU 2 - UU 3").unwrap();
        let s = d.span.as_ref().unwrap();
        assert_eq!((s.line, s.col), (4, 5));
        assert!(d.message.contains("`UU 3`"), "{}", d.message);
        assert_eq!(
            d.hints,
            ["sejajarkan `- UU 3` dengan `- ` di atasnya (kolom 3): hapus 2 spasi di depannya"]
        );
        assert!(folded_item(Path::new("a.yaml"), text, (2, 5), 2, "UU 1").is_none());
        // A long text wrapped on purpose has no `- ` line: nothing to say.
        let wrapped = "kegiatan: Menerima\n  surat masuk\n";
        assert!(folded_item(Path::new("a.yaml"), wrapped, (1, 11), 2, "x").is_none());
    }
}
