//! Two versions of a whole project (or of chosen SOPs) compared: SOPs paired by id, added and
//! removed ones listed.

use serde::Serialize;

use crate::diff::{SopDiff, diff_sop};
use crate::model::sop::Sop;

/// One side of a comparison: a label for people and the SOPs it holds.
#[derive(Clone, Debug)]
pub struct Versi {
    /// "HEAD (1a2b3c4)", "content/…/surat-masuk.yaml", "proyek-lama".
    pub label: String,
    /// The SOPs, any order.
    pub sops: Vec<Sop>,
}

/// An SOP named in a listing.
#[derive(Clone, Debug, Serialize)]
pub struct SopRef {
    /// Its id.
    pub id: String,
    /// Its nama.
    pub nama: String,
}

/// What differs between two versions of a project.
#[derive(Clone, Debug, Serialize)]
pub struct ProjectDiff {
    /// The old side's label.
    pub lama: String,
    /// The new side's label.
    pub baru: String,
    /// SOPs only in the new version.
    pub ditambah: Vec<SopRef>,
    /// SOPs only in the old version.
    pub dihapus: Vec<SopRef>,
    /// SOPs on both sides that differ, by id.
    pub berubah: Vec<SopDiff>,
    /// How many SOPs are on both sides unchanged.
    pub sama: usize,
}

impl ProjectDiff {
    /// Whether the versions say the same.
    pub fn is_empty(&self) -> bool {
        self.ditambah.is_empty() && self.dihapus.is_empty() && self.berubah.is_empty()
    }
}

/// Whether `id` is one the user asked for: the whole id, its tail (`bidang/slug`, `slug`), or
/// the file path (`content/…/slug.yaml`).
pub fn wanted(id: &str, only: &[String]) -> bool {
    only.is_empty() || only.iter().any(|w| names(id, w))
}

/// A name as the user wrote it, without the path's `content/` and `.yaml`.
fn bare(w: &str) -> &str {
    let w = w.trim().trim_start_matches("./");
    let w = w.strip_prefix("content/").unwrap_or(w);
    w.strip_suffix(".yaml").unwrap_or(w).trim_matches('/')
}

/// Whether the name `w` chooses the SOP `id`.
fn names(id: &str, w: &str) -> bool {
    let w = bare(w);
    !w.is_empty() && (id == w || id.ends_with(&format!("/{w}")))
}

/// The names of `only` that choose no SOP of either side, each with the nearest SOP written the
/// same way (slug, `bidang/slug`, id or path), when one is near.
pub fn unknown(old: &Versi, new: &Versi, only: &[String]) -> Vec<(String, Option<String>)> {
    let ids: Vec<String> = old
        .sops
        .iter()
        .chain(&new.sops)
        .map(|s| s.id.to_string())
        .collect();
    only.iter()
        .filter(|w| !ids.iter().any(|id| names(id, w)))
        .map(|w| (w.clone(), nearest_sop(w, &ids)))
        .collect()
}

/// The SOP of `ids` nearest to the unknown name `w`, written as `w` is.
fn nearest_sop(w: &str, ids: &[String]) -> Option<String> {
    let b = bare(w);
    let parts = b.split('/').count();
    // The last `parts` segments of each id: a slug is compared with slugs.
    let tails: Vec<String> = ids
        .iter()
        .map(|id| {
            let segs: Vec<&str> = id.split('/').collect();
            segs[segs.len().saturating_sub(parts)..].join("/")
        })
        .collect();
    let near = crate::load::keys::nearest(b, tails.iter().map(String::as_str))?;
    // Said back the way it was written: a path as a path, whatever its length.
    let w = w.trim().trim_start_matches("./");
    if w.starts_with("content/") || w.ends_with(".yaml") {
        let k = tails.iter().position(|t| t == near)?;
        Some(format!("content/{}.yaml", ids[k]))
    } else {
        Some(near.to_string())
    }
}

/// Compares two versions. When both hold exactly one SOP (two files), they are compared
/// whatever their ids, unless `only` names neither; otherwise SOPs are paired by id. `only`
/// limits the SOPs compared.
pub fn diff_versions(old: &Versi, new: &Versi, only: &[String]) -> ProjectDiff {
    let mut d = ProjectDiff {
        lama: old.label.clone(),
        baru: new.label.clone(),
        ditambah: Vec::new(),
        dihapus: Vec::new(),
        berubah: Vec::new(),
        sama: 0,
    };
    let mut push = |a: &Sop, b: &Sop| {
        let sd = diff_sop(a, b);
        if sd.is_empty() {
            d.sama += 1;
        } else {
            d.berubah.push(sd);
        }
    };
    if let ([a], [b]) = (old.sops.as_slice(), new.sops.as_slice())
        && (wanted(&a.id.to_string(), only) || wanted(&b.id.to_string(), only))
    {
        push(a, b);
        return d;
    }
    let mut olds: Vec<&Sop> = old
        .sops
        .iter()
        .filter(|s| wanted(&s.id.to_string(), only))
        .collect();
    let mut news: Vec<&Sop> = new
        .sops
        .iter()
        .filter(|s| wanted(&s.id.to_string(), only))
        .collect();
    olds.sort_by(|a, b| a.id.cmp(&b.id));
    news.sort_by(|a, b| a.id.cmp(&b.id));
    let r = |s: &Sop| SopRef {
        id: s.id.to_string(),
        nama: s.nama.clone(),
    };
    for o in &olds {
        match news.iter().find(|n| n.id == o.id) {
            Some(n) => push(o, n),
            None => d.dihapus.push(r(o)),
        }
    }
    for n in &news {
        if !olds.iter().any(|o| o.id == n.id) {
            d.ditambah.push(r(n));
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::wanted;

    #[test]
    fn ids_are_chosen_by_id_tail_or_path() {
        let id = "tala/sekretariat/surat-masuk";
        for w in [
            id,
            "sekretariat/surat-masuk",
            "surat-masuk",
            "content/tala/sekretariat/surat-masuk.yaml",
        ] {
            assert!(wanted(id, &[w.to_string()]), "{w}");
        }
        assert!(!wanted(id, &["masuk".to_string()]));
        assert!(wanted(id, &[]));
    }
}
