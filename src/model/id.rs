//! SopId: `instansi/bidang/slug`, the id of an SOP in URLs, output paths and `sop:` links.

use std::fmt;

use serde::{Serialize, Serializer};

/// Top-level folders of the site that sopan writes itself (search, audit, theme files, the
/// search index, the JSON Schema, verification and the staff guide) or keeps for what comes
/// next: an instansi folder of one of these names would be overwritten by them.
pub(crate) const RESERVED_TOP: &[&str] = &[
    "api",
    "audit",
    "cari",
    "data",
    "halaman",
    "pagefind",
    "panduan",
    "skema",
    "static",
    "unduh",
    "verifikasi",
];

/// The id of one SOP: its path under `content/` without `.yaml`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SopId {
    /// Folder of the instansi.
    pub instansi: String,
    /// Folder of the bidang.
    pub bidang: String,
    /// File name without extension.
    pub slug: String,
}

impl SopId {
    /// Builds an id from its three parts.
    pub fn new(instansi: &str, bidang: &str, slug: &str) -> Self {
        SopId {
            instansi: instansi.into(),
            bidang: bidang.into(),
            slug: slug.into(),
        }
    }

    /// Resolves a `sop:` link written inside `instansi`: `bidang/slug`, or a full
    /// `instansi/bidang/slug`.
    pub(crate) fn resolve_link(instansi: &str, link: &str) -> Option<Self> {
        let parts: Vec<&str> = link.trim().trim_matches('/').split('/').collect();
        match parts.as_slice() {
            [b, s] => Some(SopId::new(instansi, b, s)),
            [i, b, s] => Some(SopId::new(i, b, s)),
            _ => None,
        }
    }

    /// The open-data JSON path: `instansi/bidang/slug.json`.
    pub(crate) fn json_path(&self) -> String {
        format!("{self}.json")
    }

    /// The PDF path: `instansi/bidang/slug.pdf`.
    pub fn pdf_path(&self) -> String {
        format!("{self}.pdf")
    }

    /// The page URL path: `/instansi/bidang/slug/`.
    pub fn url(&self) -> String {
        format!("/{self}/")
    }
}

impl fmt::Display for SopId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}/{}", self.instansi, self.bidang, self.slug)
    }
}

impl Serialize for SopId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Whether a folder or file name is usable as an id part: lowercase ASCII letters, digits and
/// single dashes, so it is the same in every URL and on every file system.
pub(crate) fn is_valid_slug(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// A usable slug made from any name: "Surat Masuk (Baru)" → "surat-masuk-baru".
pub(crate) fn slugify(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_map_to_paths_and_links_resolve() {
        let id = SopId::new("dinsos", "sekretariat", "surat-masuk");
        assert_eq!(id.to_string(), "dinsos/sekretariat/surat-masuk");
        assert_eq!(id.pdf_path(), "dinsos/sekretariat/surat-masuk.pdf");
        assert_eq!(id.url(), "/dinsos/sekretariat/surat-masuk/");
        assert_eq!(
            SopId::resolve_link("dinsos", "sekretariat/surat-masuk"),
            Some(id.clone())
        );
        assert_eq!(
            SopId::resolve_link("x", "dinsos/sekretariat/surat-masuk"),
            Some(id)
        );
        assert_eq!(SopId::resolve_link("dinsos", "surat-masuk"), None);
    }

    #[test]
    fn slugs_are_url_safe() {
        assert!(is_valid_slug("surat-masuk-2"));
        assert!(!is_valid_slug("Surat Masuk"));
        assert!(!is_valid_slug("surat_masuk"));
        assert_eq!(slugify("Surat Masuk (Baru)"), "surat-masuk-baru");
        assert_eq!(slugify("E-LAPOR"), "e-lapor");
    }
}
