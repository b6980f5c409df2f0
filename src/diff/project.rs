//! Two versions of a whole project (or of chosen SOPs) compared: SOPs paired by id, added and
//! removed ones listed.

use serde::Serialize;

use crate::diff::{SopDiff, diff_sop};
use crate::model::sop::Sop;

/// One side of a comparison: a label for people and the SOPs it holds.
#[derive(Clone, Debug)]
pub(crate) struct Versi {
    /// "HEAD (1a2b3c4)", "content/…/surat-masuk.yaml", "proyek-lama".
    pub label: String,
    /// The SOPs, any order.
    pub sops: Vec<Sop>,
}

/// An SOP named in a listing.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct SopRef {
    /// Its id.
    pub id: String,
    /// Its nama.
    pub nama: String,
}

/// What differs between two versions of a project.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct ProjectDiff {
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
    pub(crate) fn is_empty(&self) -> bool {
        self.ditambah.is_empty() && self.dihapus.is_empty() && self.berubah.is_empty()
    }
}

/// Whether `id` is one the user asked for: the whole id, its tail (`bidang/slug`, `slug`), or
/// the file path (`content/…/slug.yaml`).
pub(crate) fn wanted(id: &str, only: &[String]) -> bool {
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
pub(crate) fn unknown(old: &Versi, new: &Versi, only: &[String]) -> Vec<(String, Option<String>)> {
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
    let (prefix, slug) = b.rsplit_once('/').unwrap_or(("", b));
    let parts = b.split('/').count();
    // The last `parts` segments of each id, so that a slug is compared with slugs.
    let tails: Vec<String> = ids
        .iter()
        .map(|id| {
            let segs: Vec<&str> = id.split('/').collect();
            segs[segs.len().saturating_sub(parts)..].join("/")
        })
        .collect();
    // Where the bidang (and instansi) written match, only the slugs are compared: their shared
    // prefix would otherwise make every SOP of that bidang look near.
    let same_place: Vec<usize> = (0..ids.len())
        .filter(|&k| !prefix.is_empty() && tails[k].rsplit_once('/').map(|t| t.0) == Some(prefix))
        .collect();
    // A right slug under a wrong bidang: that SOP, wherever it is.
    let same_slug =
        || (0..ids.len()).find(|&k| !prefix.is_empty() && ids[k].rsplit('/').next() == Some(slug));
    let k = if let Some(k) = same_slug() {
        k
    } else if same_place.is_empty() {
        let near = crate::load::keys::nearest(b, tails.iter().map(String::as_str))?;
        tails.iter().position(|t| t == near)?
    } else {
        let slugs: Vec<&str> = same_place
            .iter()
            .map(|&k| ids[k].rsplit('/').next().unwrap_or_default())
            .collect();
        let near = crate::load::keys::nearest(slug, slugs.iter().copied())?;
        same_place[slugs.iter().position(|s| *s == near)?]
    };
    // Said back the way it was written: a path as a path, whatever its length.
    let w = w.trim().trim_start_matches("./");
    Some(if w.starts_with("content/") || w.ends_with(".yaml") {
        format!("content/{}.yaml", ids[k])
    } else {
        tails[k].clone()
    })
}

/// Compares two versions. When both hold exactly one SOP (two files), they are compared
/// whatever their ids, unless `only` names neither; otherwise SOPs are paired by id. `only`
/// limits the SOPs compared.
pub(crate) fn diff_versions(old: &Versi, new: &Versi, only: &[String]) -> ProjectDiff {
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
    use super::{nearest_sop, wanted};

    #[test]
    fn an_unknown_name_is_answered_with_the_nearest_sop_written_the_same_way() {
        let ids: Vec<String> = [
            "dinsos/sekretariat/e-lapor",
            "dinsos/sekretariat/laporan-tahunan",
            "dinsos/sekretariat/surat-masuk",
            "dinsos/rehabilitasi/pendampingan",
        ]
        .map(String::from)
        .to_vec();
        for (w, near) in [
            ("surat-masukk", Some("surat-masuk")),
            ("sekretariat/laporan", Some("sekretariat/laporan-tahunan")),
            ("rehabilitasi/e-lapor", Some("sekretariat/e-lapor")),
            (
                "dinsos/sekretariat/surat-msuk",
                Some("dinsos/sekretariat/surat-masuk"),
            ),
            (
                "content/dinsos/sekretariat/e-lapr.yaml",
                Some("content/dinsos/sekretariat/e-lapor.yaml"),
            ),
            ("tidak-ada", None),
        ] {
            assert_eq!(nearest_sop(w, &ids).as_deref(), near, "{w}");
        }
    }

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
