//! Pangkat and golongan of civil servants: the pairs are fixed by law, so a mismatch in a
//! signature block ("Pembina Utama Tk.I (IV/b)") is a typo worth a warning.

/// Golongan/ruang and its pangkat, e.g. ("IV/b", "Pembina Tingkat I").
pub(crate) const PANGKAT: &[(&str, &str)] = &[
    ("I/a", "Juru Muda"),
    ("I/b", "Juru Muda Tingkat I"),
    ("I/c", "Juru"),
    ("I/d", "Juru Tingkat I"),
    ("II/a", "Pengatur Muda"),
    ("II/b", "Pengatur Muda Tingkat I"),
    ("II/c", "Pengatur"),
    ("II/d", "Pengatur Tingkat I"),
    ("III/a", "Penata Muda"),
    ("III/b", "Penata Muda Tingkat I"),
    ("III/c", "Penata"),
    ("III/d", "Penata Tingkat I"),
    ("IV/a", "Pembina"),
    ("IV/b", "Pembina Tingkat I"),
    ("IV/c", "Pembina Utama Muda"),
    ("IV/d", "Pembina Utama Madya"),
    ("IV/e", "Pembina Utama"),
];

/// Lowercases and spells out "Tk.I" / "Tk. I" as "tingkat i" so spellings compare equal.
fn normalise(s: &str) -> String {
    let s = s
        .to_lowercase()
        .replace("tk.", "tingkat ")
        .replace("tk ", "tingkat ");
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// For "Pembina Utama Tk.I (IV/b)": `Some(("IV/b", "Pembina Tingkat I"))` when the name does
/// not match the golongan in brackets; `None` when it matches or cannot be read.
pub(crate) fn mismatch(pangkat: &str) -> Option<(&'static str, &'static str)> {
    let open = pangkat.rfind('(')?;
    let close = pangkat[open..].find(')')? + open;
    let gol = pangkat[open + 1..close].trim().replace(' ', "");
    let name = normalise(pangkat[..open].trim().trim_end_matches(','));
    let (g, expected) = PANGKAT.iter().find(|(g, _)| g.eq_ignore_ascii_case(&gol))?;
    (name != normalise(expected)).then_some((g, expected))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_the_seed_typo_and_accepts_spellings() {
        assert_eq!(
            mismatch("Pembina Utama Tk.I (IV/b)"),
            Some(("IV/b", "Pembina Tingkat I"))
        );
        assert_eq!(mismatch("Pembina Tk. I (IV/b)"), None);
        assert_eq!(mismatch("Pembina Tingkat I (IV/b)"), None);
        assert_eq!(mismatch("Pembina Utama Muda (IV/c)"), None);
        assert_eq!(mismatch("Pembina"), None);
    }
}
