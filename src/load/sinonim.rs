//! A project's `sinonim.yaml`: search synonyms and abbreviations that extend the list shipped
//! with sopan (`site::sinonim`), read through the project boundary and checked like every
//! content file (located errors, unknown keys with the nearest one, Bahasa Indonesia).
//!
//! ```yaml
//! singkatan:            # abbreviation: what it stands for
//!   SKCK: surat keterangan catatan kepolisian
//! sinonim:              # groups of words or phrases that mean the same
//!   - [difabel, disabilitas]
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::core::diag::Diagnostic;
use crate::load::fields::Fields;
use crate::load::keys::FileKind;
use crate::load::schema::{S, Text};
use crate::load::yaml;
use crate::site::sinonim::{Sinonim, words};

/// The project's file, at the project's top beside `sopan.yaml`.
pub(crate) const PROJECT_FILE: &str = "sinonim.yaml";

/// A list of groups of forms, each located.
type Groups = Vec<S<Vec<S<Text>>>>;

/// `sinonim.yaml` as written.
#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[schemars(
    description = "Sinonim dan singkatan untuk pencarian situs (`sinonim.yaml` di folder proyek), menambah daftar bawaan sopan."
)]
pub(crate) struct RawSinonim {
    /// Abbreviation → what it stands for.
    #[schemars(
        with = "Option<BTreeMap<String, Text>>",
        description = "Singkatan dan kepanjangannya, mis. `SKCK: surat keterangan catatan kepolisian`."
    )]
    pub singkatan: Option<S<BTreeMap<String, S<Text>>>>,
    /// Groups of forms that mean the same.
    #[schemars(
        with = "Option<Vec<Vec<Text>>>",
        description = "Kelompok kata atau frasa yang bermakna sama, mis. `- [difabel, disabilitas]`."
    )]
    pub sinonim: Option<S<Groups>>,
}

/// The project's groups (the shipped ones are added where the index is written). `project` is
/// the text of the project's `sinonim.yaml`, read by the loader like `sopan.yaml`; `None` when
/// there is none.
pub(crate) fn load(project: Option<&str>, diags: &mut Vec<Diagnostic>) -> Sinonim {
    project
        .map(|text| Sinonim::from_groups(parse(Path::new(PROJECT_FILE), text, diags)))
        .unwrap_or_default()
}

/// The groups of a `sinonim.yaml` at `path`, forms as written; every problem into `diags`.
pub(crate) fn parse(path: &Path, text: &str, diags: &mut Vec<Diagnostic>) -> Vec<Vec<String>> {
    let (raw, mut d) = yaml::parse::<RawSinonim>(FileKind::Sinonim, path, text);
    let raw = raw.unwrap_or_default();
    let mut f = Fields::new(path, &mut d);
    let mut groups = Vec::new();
    // A form must hold a word: "-" or "()" would match nothing.
    let form = |f: &mut Fields, v: &S<Text>, what: &str| -> Option<String> {
        let t = v.value.0.trim().to_string();
        if words(&t).is_empty() {
            let span = f.span_or_file(Some(&v.referenced), &t);
            f.error(
                Diagnostic::error(span, format!("{what} kosong atau tanpa huruf"))
                    .hint("tulis kata atau frasa, mis. `bantuan sosial`"),
            );
            return None;
        }
        Some(t)
    };
    if let Some(map) = &raw.singkatan {
        for (short, long) in &map.value {
            let Some(long) = form(&mut f, long, &format!("kepanjangan `{short}`")) else {
                continue;
            };
            if words(short).is_empty() {
                let span = f.span_or_file(Some(&map.referenced), short);
                f.error(
                    Diagnostic::error(span, format!("singkatan `{short}` tanpa huruf")).hint(
                        "tulis singkatannya, mis. `SKCK: surat keterangan catatan kepolisian`",
                    ),
                );
                continue;
            }
            groups.push(vec![short.clone(), long]);
        }
    }
    if let Some(list) = &raw.sinonim {
        for g in &list.value {
            let forms: Vec<String> = g
                .value
                .iter()
                .filter_map(|v| form(&mut f, v, "bentuk sinonim"))
                .collect();
            if g.value.len() < 2 {
                let shown = forms.join(", ");
                let span = f.span_or_file(Some(&g.referenced), &shown);
                f.error(
                    Diagnostic::error(span, "kelompok sinonim perlu sedikitnya dua bentuk")
                        .hint("tulis bentuk-bentuk yang sama artinya dalam satu daftar, mis. `- [difabel, disabilitas]`"),
                );
                continue;
            }
            groups.push(forms);
        }
    }
    diags.extend(d);
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> (Sinonim, Vec<Diagnostic>) {
        let mut diags = Vec::new();
        let s = load(Some(text), &mut diags);
        (s, diags)
    }

    #[test]
    fn the_shipped_list_reads_without_errors() {
        let mut diags = Vec::new();
        let groups = parse(
            Path::new(PROJECT_FILE),
            crate::site::sinonim::BAWAAN,
            &mut diags,
        );
        assert!(diags.is_empty(), "{diags:?}");
        assert!(groups.len() > 20);
    }

    #[test]
    fn abbreviations_and_groups_are_read() {
        let (s, diags) = read(
            "singkatan:\n  SKCK: Surat Keterangan Catatan Kepolisian\nsinonim:\n  - [difabel, disabilitas]\n",
        );
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(
            s.kelompok,
            [
                vec!["skck", "surat keterangan catatan kepolisian"],
                vec!["difabel", "disabilitas"]
            ]
        );
    }

    #[test]
    fn an_unknown_key_is_located_with_the_nearest_one() {
        let (_, diags) = read("singkatan:\n  KK: kartu keluarga\nsinonm:\n  - [a, b]\n");
        assert_eq!(diags.len(), 1, "{diags:?}");
        let d = &diags[0];
        assert!(d.message.contains("kunci `sinonm` tidak dikenal"), "{d:?}");
        assert_eq!(d.span.as_ref().map(|s| (s.line, s.col)), Some((3, 1)));
        assert_eq!(d.hints, ["maksud Anda `sinonim`?"]);
    }

    #[test]
    fn a_wrong_shape_is_a_located_error() {
        // `singkatan` as a list instead of `singkatan: kepanjangan` pairs.
        let (s, diags) = read("singkatan:\n  - KK\n  - kartu keluarga\n");
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert!(diags[0].message.contains("tipe nilai salah"), "{diags:?}");
        assert_eq!(diags[0].span.as_ref().map(|s| s.line), Some(2));
        assert!(s.kelompok.is_empty());

        // A group of one, and an empty form.
        let (_, diags) = read("sinonim:\n  - [difabel]\n  - [akta, \"-\"]\n");
        assert_eq!(diags.len(), 2, "{diags:?}");
        assert!(diags[0].message.contains("sedikitnya dua bentuk"));
        assert_eq!(diags[0].span.as_ref().map(|s| s.line), Some(2));
        assert!(diags[1].message.contains("tanpa huruf"));
        assert_eq!(diags[1].span.as_ref().map(|s| s.line), Some(3));
    }
}
