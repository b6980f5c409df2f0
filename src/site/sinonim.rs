//! Search synonyms and abbreviations: groups of words or phrases that mean the same thing
//! ("bansos" = "bantuan sosial"). The list shipped in the binary (`sinonim.yaml` beside this
//! file) is extended by a project's own `sinonim.yaml`, read by `load::sinonim`.
//!
//! They are applied when the index is written, not when a visitor searches: a page that holds
//! one form of a group gets the forms it lacks as extra searchable words (a Pagefind meta field,
//! so they never show in an excerpt). Pagefind then finds and ranks it for any form in one
//! search; expanding in the browser would mean one Pagefind search per form (Pagefind matches
//! every word of a query), scores merged by hand, and a list shipped to every visitor. The cost
//! is a few words per page that holds a form (measured in README's search section).

use std::collections::BTreeSet;
#[cfg(test)]
use std::collections::HashSet;

use rustc_hash::FxHashMap;
use std::sync::OnceLock;

/// The shipped list, as data (the same shape as a project's `sinonim.yaml`).
pub(crate) const BAWAAN: &str = include_str!("sinonim.yaml");

/// Groups of forms that mean the same. Each form is normalised ([`words`] joined by single
/// spaces); groups that share a form are one group.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sinonim {
    /// The groups, each sorted, in the order first written.
    pub(crate) kelompok: Vec<Vec<String>>,
}

impl Sinonim {
    /// The groups `groups` (forms as written), normalised and merged where they share a form.
    pub(crate) fn from_groups(groups: impl IntoIterator<Item = Vec<String>>) -> Sinonim {
        let mut merged: Vec<BTreeSet<String>> = Vec::new();
        for g in groups {
            let mut set: BTreeSet<String> = g
                .iter()
                .map(|f| words(f).join(" "))
                .filter(|f| !f.is_empty())
                .collect();
            // Fold every earlier group sharing a form into this one (transitively: the folded
            // groups were already disjoint).
            let mut k = 0;
            while k < merged.len() {
                if merged[k].iter().any(|f| set.contains(f)) {
                    set.extend(merged.remove(k));
                } else {
                    k += 1;
                }
            }
            if set.len() > 1 {
                merged.push(set);
            }
        }
        Sinonim {
            kelompok: merged
                .into_iter()
                .map(|s| s.into_iter().collect())
                .collect(),
        }
    }

    /// The shipped list.
    pub(crate) fn bawaan() -> &'static Sinonim {
        static LIST: OnceLock<Sinonim> = OnceLock::new();
        LIST.get_or_init(|| {
            let mut diags = Vec::new();
            let groups = crate::load::sinonim::parse(
                std::path::Path::new("sinonim.yaml (bawaan sopan)"),
                BAWAAN,
                &mut diags,
            );
            debug_assert!(diags.is_empty(), "{diags:?}");
            Sinonim::from_groups(groups)
        })
    }

    /// The shipped list extended by `project`'s groups.
    pub(crate) fn with_project(project: &Sinonim) -> Sinonim {
        Sinonim::from_groups(
            Sinonim::bawaan()
                .kelompok
                .iter()
                .chain(&project.kelompok)
                .cloned(),
        )
    }

    /// The forms a text of words `text` (from [`words`]) lacks of every group it holds a form
    /// of, sorted and without repeats: what [`Matcher::extra_terms`] finds, written plainly
    /// (the tests hold the matcher to it).
    #[cfg(test)]
    pub(crate) fn extra_terms(&self, text: &[String]) -> Vec<String> {
        let present: HashSet<&str> = text.iter().map(String::as_str).collect();
        let holds = |form: &str| {
            let want: Vec<&str> = form.split(' ').collect();
            want.iter().all(|w| present.contains(w))
                && (want.len() == 1
                    || text
                        .windows(want.len())
                        .any(|win| win.iter().zip(&want).all(|(a, b)| a == b)))
        };
        let mut out = BTreeSet::new();
        for g in &self.kelompok {
            let held: Vec<bool> = g.iter().map(|f| holds(f)).collect();
            if held.iter().any(|&h| h) {
                out.extend(
                    g.iter()
                        .zip(&held)
                        .filter(|&(_, &h)| !h)
                        .map(|(f, _)| f.clone()),
                );
            }
        }
        out.into_iter().collect()
    }

    /// The groups made ready to match many texts.
    pub(crate) fn matcher(&self) -> Matcher<'_> {
        let mut vocab: FxHashMap<&str, u32> = FxHashMap::default();
        let mut longest = 0;
        let groups = self
            .kelompok
            .iter()
            .map(|g| {
                g.iter()
                    .map(|f| {
                        let ids = f
                            .split(' ')
                            .map(|w| {
                                longest = longest.max(w.len());
                                let next = vocab.len() as u32;
                                *vocab.entry(w).or_insert(next)
                            })
                            .collect();
                        (f.as_str(), ids)
                    })
                    .collect()
            })
            .collect();
        Matcher {
            vocab,
            groups,
            longest,
        }
    }
}

/// [`Sinonim`]'s groups ready to match texts: every word of a form numbered once, each text
/// read word by word into those numbers. Building each text's word list and a set of all its
/// words, then splitting every form again for every text, was 128M instructions per 200
/// generated SOPs (callgrind, `--bersih` build); now only the words of the forms are looked
/// up.
pub(crate) struct Matcher<'a> {
    /// The words of the forms, numbered.
    vocab: FxHashMap<&'a str, u32>,
    /// Per group, per form: its text and its words' numbers.
    groups: Vec<Vec<(&'a str, Vec<u32>)>>,
    /// The longest word of a form, in bytes: a longer ASCII word is none of them.
    longest: usize,
}

impl Matcher<'_> {
    /// The forms `text` lacks of every group it holds a form of ([`words`] read alike: a
    /// phrase's words standing together, in order), sorted and without repeats.
    pub(crate) fn extra_terms(&self, text: &str) -> Vec<String> {
        const OTHER: u32 = u32::MAX;
        let mut ids = Vec::new();
        let mut present = vec![false; self.vocab.len()];
        let mut lower = String::new();
        each_word(text, |w| {
            let id = if w.is_ascii() {
                if w.len() > self.longest {
                    OTHER
                } else {
                    lower.clear();
                    lower.push_str(w);
                    lower.make_ascii_lowercase();
                    self.vocab.get(lower.as_str()).copied().unwrap_or(OTHER)
                }
            } else {
                self.vocab
                    .get(w.to_lowercase().as_str())
                    .copied()
                    .unwrap_or(OTHER)
            };
            if id != OTHER {
                present[id as usize] = true;
            }
            ids.push(id);
        });
        let holds = |form: &[u32]| match form {
            [one] => present[*one as usize],
            _ => {
                form.iter().all(|&i| present[i as usize])
                    && ids.windows(form.len()).any(|w| w == form)
            }
        };
        let mut out = BTreeSet::new();
        for g in &self.groups {
            let held: Vec<bool> = g.iter().map(|(_, f)| holds(f)).collect();
            if held.iter().any(|&h| h) {
                out.extend(g.iter().zip(&held).filter(|&(_, &h)| !h).map(|(f, _)| f.0));
            }
        }
        out.into_iter().map(str::to_string).collect()
    }
}

/// Calls `f` with each word of `s` as [`words`] finds it, before lowercasing: the pieces of
/// `s.split(|c| !(c.is_alphanumeric() || c == '-'))` with their hyphens trimmed, empty ones
/// left out. ASCII (most of a text) is told apart byte by byte; only other characters are
/// decoded (splitting char by char was most of the 26M instructions `words` took per 200
/// generated SOPs).
fn each_word<'a>(s: &'a str, mut f: impl FnMut(&'a str)) {
    let mut emit = |raw: &'a str| {
        let w = if raw.starts_with('-') || raw.ends_with('-') {
            raw.trim_matches('-')
        } else {
            raw
        };
        if !w.is_empty() {
            f(w);
        }
    };
    let bytes = s.as_bytes();
    let (mut start, mut i) = (0, 0);
    while i < bytes.len() {
        let b = bytes[i];
        let (part_of_word, len) = if b.is_ascii() {
            (b.is_ascii_alphanumeric() || b == b'-', 1)
        } else {
            let c = s[i..].chars().next().unwrap_or(' ');
            (c.is_alphanumeric(), c.len_utf8())
        };
        if !part_of_word {
            emit(&s[start..i]);
            start = i + len;
        }
        i += len;
    }
    emit(&s[start..]);
}

/// The words of `s` as search compares them: lowercased runs of letters and digits, a hyphen
/// inside a word kept ("e-ktp"), everything else a separator.
pub(crate) fn words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    each_word(s, |w| {
        // ASCII (most words) lowercases in place: the same bytes as `to_lowercase`.
        out.push(if w.is_ascii() {
            w.to_ascii_lowercase()
        } else {
            w.to_lowercase()
        });
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> Vec<String> {
        words(s)
    }

    #[test]
    fn the_shipped_list_holds_the_issue_s_pairs() {
        let list = Sinonim::bawaan();
        let group_of = |form: &str| {
            list.kelompok
                .iter()
                .find(|g| g.iter().any(|f| f == form))
                .cloned()
                .unwrap_or_default()
        };
        for (short, long) in [
            ("bansos", "bantuan sosial"),
            ("lansia", "lanjut usia"),
            ("kk", "kartu keluarga"),
            ("ktp", "kartu tanda penduduk"),
            ("sktm", "surat keterangan tidak mampu"),
            ("pkh", "program keluarga harapan"),
            ("dtks", "data terpadu kesejahteraan sosial"),
            ("bpnt", "bantuan pangan non tunai"),
            ("adopsi", "pengangkatan anak"),
        ] {
            assert!(group_of(short).contains(&long.to_string()), "{short}");
        }
        // "manula" and "lansia" both mean "lanjut usia": one group.
        assert!(group_of("lansia").contains(&"manula".to_string()));
    }

    #[test]
    fn a_text_gets_the_forms_it_lacks_of_the_groups_it_holds() {
        let s = Sinonim::from_groups([
            vec!["bansos".into(), "Bantuan Sosial".into()],
            vec!["KK".into(), "kartu keluarga".into()],
        ]);
        assert_eq!(
            s.extra_terms(&w("Layanan Bantuan Sosial dasar")),
            ["bansos"]
        );
        assert_eq!(
            s.extra_terms(&w("Fotokopi KK; bansos")),
            ["bantuan sosial", "kartu keluarga"]
        );
        // The words of a phrase must stand together, in order.
        assert!(s.extra_terms(&w("bantuan untuk sosial")).is_empty());
        assert!(s.extra_terms(&w("keluarga kartu")).is_empty());
        // A text holding every form needs nothing.
        assert!(s.extra_terms(&w("bansos (bantuan sosial)")).is_empty());
    }

    #[test]
    fn the_matcher_finds_what_the_plain_reading_finds() {
        let list = Sinonim::with_project(&Sinonim::from_groups([
            vec![
                "KK".into(),
                "kartu keluarga".into(),
                "kartu-keluarga".into(),
            ],
            vec!["ÉTAT".into(), "negara bagian".into()],
            vec!["bansos".into(), "Bantuan  Sosial".into()],
        ]));
        let m = list.matcher();
        for text in [
            "",
            "Layanan Bantuan Sosial dasar; BANSOS & &amp; KK.",
            "Fotokopi KTP, kartu tanda penduduk dan Kartu-Keluarga (asli)",
            "lanjut usia -lansia- manula e-KTP 2024 état negara bagian",
            "keluarga kartu bantuan untuk sosial sktm surat keterangan tidak mampu",
            "program keluarga harapan pkh dtks data terpadu kesejahteraan sosial bpnt",
            "Pengangkatan Anak adopsi — ÜBER über Straße kk-",
        ] {
            assert_eq!(m.extra_terms(text), list.extra_terms(&w(text)), "{text}");
        }
    }

    #[test]
    fn words_split_where_the_plain_split_does() {
        let plain = |s: &str| -> Vec<String> {
            s.split(|c: char| !(c.is_alphanumeric() || c == '-'))
                .map(|w| w.trim_matches('-'))
                .filter(|w| !w.is_empty())
                .map(str::to_lowercase)
                .collect()
        };
        for s in [
            "",
            "-",
            "a",
            "--Ab-C-- ÉTAT, Straße;ÜBER x",
            "e-KTP/KK (2024) — naïve café ½ ٣ 日本語 emoji😀x tab\tnl\n",
            "&amp; &lt;b&gt; 5,5% Rp10.000,- a--b -",
        ] {
            assert_eq!(words(s), plain(s), "{s}");
        }
    }

    #[test]
    fn words_lowercase_ascii_and_other_letters_alike() {
        assert_eq!(
            w("--Ab-C-- ÉTAT Straße ÜBER x"),
            ["ab-c", "état", "straße", "über", "x"]
        );
    }

    #[test]
    fn groups_that_share_a_form_merge_and_single_forms_drop() {
        let s = Sinonim::from_groups([
            vec!["lansia".into(), "lanjut  usia".into()],
            vec!["manula".into(), "Lanjut Usia".into()],
            vec!["sendiri".into(), "SENDIRI".into()],
        ]);
        assert_eq!(s.kelompok, [vec!["lanjut usia", "lansia", "manula"]]);
        assert_eq!(w("e-KTP, (KK)."), ["e-ktp", "kk"]);
    }
}
