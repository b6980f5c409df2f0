//! Word-level differences between two texts, and how alike two texts are.

use serde::Serialize;
use similar::{ChangeTag, TextDiff};

/// Whether a run of words is in both texts, only the old one or only the new one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Tanda {
    /// In both.
    Sama,
    /// Only in the old text.
    Hapus,
    /// Only in the new text.
    Tambah,
}

/// A run of words with one mark.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Potongan {
    /// In both, removed or added.
    pub tanda: Tanda,
    /// The words, with the spaces between them.
    pub(crate) teks: String,
}

/// The word-level difference of `old` and `new` as runs, neighbours of one mark merged.
pub(crate) fn words(old: &str, new: &str) -> Vec<Potongan> {
    let diff = TextDiff::from_words(old, new);
    let mut out: Vec<Potongan> = Vec::new();
    for change in diff.iter_all_changes() {
        let tanda = match change.tag() {
            ChangeTag::Equal => Tanda::Sama,
            ChangeTag::Delete => Tanda::Hapus,
            ChangeTag::Insert => Tanda::Tambah,
        };
        let teks = change.value();
        match out.last_mut() {
            Some(last) if last.tanda == tanda => last.teks.push_str(teks),
            _ => out.push(Potongan {
                tanda,
                teks: teks.to_string(),
            }),
        }
    }
    absorb_lone_spaces(out)
}

/// Joins changes separated only by spaces into one change, so "a b" → "c d" reads as one
/// replacement rather than two around a shared space.
fn absorb_lone_spaces(runs: Vec<Potongan>) -> Vec<Potongan> {
    let is_space = |r: &Potongan| r.tanda == Tanda::Sama && r.teks.trim().is_empty();
    let mut out: Vec<Potongan> = Vec::with_capacity(runs.len());
    let mut i = 0;
    while i < runs.len() {
        if runs[i].tanda == Tanda::Sama {
            out.push(runs[i].clone());
            i += 1;
            continue;
        }
        let (mut hapus, mut tambah) = (String::new(), String::new());
        loop {
            let r = &runs[i];
            if r.tanda != Tanda::Tambah {
                hapus.push_str(&r.teks);
            }
            if r.tanda != Tanda::Hapus {
                tambah.push_str(&r.teks);
            }
            i += 1;
            let next_is_change = i < runs.len() && runs[i].tanda != Tanda::Sama;
            let space_then_change =
                i + 1 < runs.len() && is_space(&runs[i]) && runs[i + 1].tanda != Tanda::Sama;
            if !(next_is_change || space_then_change) {
                break;
            }
        }
        // Kept even when only spaces remain, so each side still reads as its own text.
        for (tanda, teks) in [(Tanda::Hapus, hapus), (Tanda::Tambah, tambah)] {
            if !teks.is_empty() {
                out.push(Potongan { tanda, teks });
            }
        }
    }
    out
}

/// How alike two texts are, word by word: 0.0 (nothing shared) to 1.0 (equal, ignoring case and
/// spacing).
pub(crate) fn similarity(a: &str, b: &str) -> f32 {
    let (a, b) = (normal(a), normal(b));
    if a == b {
        return 1.0;
    }
    TextDiff::from_words(a.as_str(), b.as_str()).ratio()
}

/// Whether two texts have a word in common (ignoring case).
pub(crate) fn shares_word(a: &str, b: &str) -> bool {
    let (a, b) = (normal(a), normal(b));
    let theirs: std::collections::BTreeSet<&str> = b.split(' ').collect();
    a.split(' ').any(|w| !w.is_empty() && theirs.contains(w))
}

/// Lower case with single spaces: what "the same text" means when aligning.
pub(crate) fn normal(s: &str) -> String {
    s.split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(runs: &[Potongan]) -> String {
        runs.iter()
            .map(|r| match r.tanda {
                Tanda::Sama => r.teks.clone(),
                Tanda::Hapus => format!("[-{}-]", r.teks),
                Tanda::Tambah => format!("{{+{}+}}", r.teks),
            })
            .collect()
    }

    #[test]
    fn marks_changed_words_only() {
        assert_eq!(
            show(&words("Meneruskan ke Kasi", "Meneruskan ke Kabid")),
            "Meneruskan ke [-Kasi-]{+Kabid+}"
        );
        assert_eq!(show(&words("a b c", "a b c")), "a b c");
        assert_eq!(show(&words("", "baru")), "{+baru+}");
    }

    #[test]
    fn neighbouring_changed_words_are_one_change() {
        assert_eq!(
            show(&words(
                "UU No. 32 Tahun 2004 tentang",
                "UU No. 23 Tahun 2014 tentang"
            )),
            "UU No. [-32-]{+23+} Tahun [-2004-]{+2014+} tentang"
        );
        assert_eq!(show(&words("x a b y", "x c d y")), "x [-a b-]{+c d+} y");
    }

    #[test]
    fn similarity_ignores_case_and_spacing() {
        assert_eq!(similarity("Memeriksa  Berkas", "memeriksa berkas"), 1.0);
        assert!(similarity("Memeriksa kelengkapan berkas", "Memeriksa berkas") > 0.5);
        assert!(similarity("Mulai", "Mengarsipkan surat") < 0.2);
        assert!(shares_word("Mengirim Surat", "surat keluar"));
        assert!(!shares_word("Mulai proses", "Arsip data"));
    }
}
