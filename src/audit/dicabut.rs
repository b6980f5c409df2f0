//! The list of repealed regulations: the one shipped in the binary plus the project's own
//! `peraturan-dicabut.yaml`, read with located errors like every content file.

use std::path::Path;

use crate::audit::peraturan::{Kutipan, kutipan};
use crate::core::diag::Diagnostic;
use crate::load::fields::Fields;
use crate::load::keys::FileKind;
use crate::load::schema::RawPencabutan;
use crate::load::yaml;

/// The project's file that extends the shipped list.
pub(crate) const PROJECT_FILE: &str = "peraturan-dicabut.yaml";

/// The shipped list, as data.
const SHIPPED: &str = include_str!("dicabut.yaml");

/// One repealed regulation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pencabutan {
    /// The repealed regulation.
    pub dicabut: Kutipan,
    /// Its title, when given.
    pub judul: Option<String>,
    /// What repealed it.
    pub oleh: String,
}

impl Pencabutan {
    /// "yang telah dicabut oleh …".
    pub(crate) fn akibat(&self) -> String {
        format!("yang telah dicabut oleh {}", self.oleh)
    }
}

/// The project's entries (first, so they win) followed by the shipped ones. `project` is the
/// text of the project's `peraturan-dicabut.yaml`, read by the loader like every content file
/// (size limit, UTF-8, kept for reports); `None` when there is none.
pub(crate) fn load(project: Option<&str>, diags: &mut Vec<Diagnostic>) -> Vec<Pencabutan> {
    let mut out = project
        .map(|text| parse(Path::new(PROJECT_FILE), text, diags))
        .unwrap_or_default();
    out.extend(shipped());
    out
}

/// The shipped list alone.
pub(crate) fn shipped() -> Vec<Pencabutan> {
    let mut diags = Vec::new();
    let list = parse(
        Path::new("peraturan-dicabut.yaml (bawaan sopan)"),
        SHIPPED,
        &mut diags,
    );
    debug_assert!(diags.is_empty(), "{diags:?}");
    list
}

fn parse(path: &Path, text: &str, diags: &mut Vec<Diagnostic>) -> Vec<Pencabutan> {
    let (raw, mut d) =
        yaml::parse::<Vec<crate::load::schema::S<RawPencabutan>>>(FileKind::Dicabut, path, text);
    let mut out = Vec::new();
    let mut f = Fields::new(path, &mut d);
    for item in raw.unwrap_or_default() {
        let at = Some(&item.referenced);
        let r = &item.value;
        let teks = f.required(&r.dicabut, "dicabut", at, "peraturan dicabut");
        let oleh = f.required(&r.oleh, "oleh", at, "peraturan dicabut");
        if teks.is_empty() || oleh.is_empty() {
            continue;
        }
        match kutipan(&teks).into_iter().next() {
            Some(k) => out.push(Pencabutan {
                dicabut: k,
                judul: f.text(&r.judul),
                oleh,
            }),
            None => {
                let span = f.span_or_file(r.dicabut.as_ref().map(|s| &s.referenced), &teks);
                f.error(
                    Diagnostic::error(span, format!("`{teks}` tidak terbaca sebagai peraturan"))
                        .hint("tulis jenis, nomor dan tahunnya, mis. `UU 32/2004` atau `Peraturan Menteri Dalam Negeri Nomor 13 Tahun 2006`"),
                );
            }
        }
    }
    diags.extend(d);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_list_reads_without_errors_and_holds_the_required_five() {
        let mut diags = Vec::new();
        let list = parse(Path::new("x"), SHIPPED, &mut diags);
        assert!(diags.is_empty(), "{diags:?}");
        let names: Vec<String> = list.iter().map(|p| p.dicabut.to_string()).collect();
        for want in [
            "UU 6/1974",
            "UU 32/2004",
            "Permenpan RB Nomor PER/21/M.PAN/11/2008",
            "Permendagri 13/2006",
            "PP 3/2007",
        ] {
            assert!(names.iter().any(|n| n == want), "{want} in {names:?}");
        }
    }

    #[test]
    fn a_project_entry_that_is_not_a_regulation_is_a_located_error() {
        let mut diags = Vec::new();
        let list = parse(
            Path::new("peraturan-dicabut.yaml"),
            "- dicabut: Surat edaran lama\n  oleh: UU 1/2020\n- oleh: x\n",
            &mut diags,
        );
        assert!(list.is_empty());
        assert_eq!(diags.len(), 2, "{diags:?}");
        assert!(diags[0].message.contains("tidak terbaca sebagai peraturan"));
        assert_eq!(diags[0].span.as_ref().map(|s| s.line), Some(1));
        assert!(diags[1].message.contains("`dicabut` wajib diisi"));
    }
}
