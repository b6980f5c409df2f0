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

use std::collections::{BTreeSet, HashSet};
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
    /// of, sorted and without repeats.
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
}

/// The words of `s` as search compares them: lowercased runs of letters and digits, a hyphen
/// inside a word kept ("e-ktp"), everything else a separator.
pub(crate) fn words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    for raw in s.split(|c: char| !(c.is_alphanumeric() || c == '-')) {
        let w = raw.trim_matches('-');
        if !w.is_empty() {
            out.push(w.to_lowercase());
        }
    }
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
