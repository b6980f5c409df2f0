//! A subset load (`sopan build --instansi A,B`): which instansi folders are read, the error for
//! an id the project does not have, and the names of SOPs in the instansi left out that the
//! loaded SOPs link to (`keterkaitan: - sop: lain/bidang/slug`), so their pages and PDFs read
//! as in a full build.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::core::error::{Error, ErrorKind};
use crate::load::boundary::Boundary;
use crate::load::keys::nearest;
use crate::model::Site;
use crate::model::id::SopId;
use crate::model::sop::Keterkaitan;

/// Fails when `only` names an instansi that is not a folder of `content/` (`folders`, in file
/// name order), with the nearest existing one and the list of them all.
pub(crate) fn check_known(only: &[String], folders: &[String]) -> Result<(), Error> {
    let unknown: Vec<&String> = only.iter().filter(|id| !folders.contains(id)).collect();
    let Some(first) = unknown.first() else {
        return Ok(());
    };
    Err(Error::new(ErrorKind::UnknownInstansi {
        ids: unknown.iter().map(|id| id.to_string()).collect(),
        near: nearest(first, folders.iter().map(String::as_str)).map(str::to_string),
        known: folders.to_vec(),
    }))
}

/// The SOPs of instansi outside `only` that SOPs of `site` link to, with their names, read from
/// their own files (nothing else of them is read). A link to a file that does not exist is left
/// out, so validation reports it as a full build would. The files' own problems are not
/// reported here: the build of their instansi reports them.
pub(crate) fn outside_names(
    root: &Path,
    content: &Boundary,
    site: &Site,
    only: &[String],
) -> BTreeMap<SopId, String> {
    let targets: BTreeSet<&SopId> = site
        .sops()
        .flat_map(|s| &s.keterkaitan)
        .filter_map(|k| match k {
            Keterkaitan::Sop { id, .. } if !only.contains(&id.instansi) => Some(id),
            _ => None,
        })
        .collect();
    let mut names = BTreeMap::new();
    for id in targets {
        let found = ["yaml", "yml"].iter().find_map(|ext| {
            let rel = Path::new("content")
                .join(&id.instansi)
                .join(&id.bidang)
                .join(format!("{}.{ext}", id.slug));
            let bytes = content
                .read(&root.join(&rel), crate::load::MAX_FILE_BYTES)
                .ok()?;
            Some((rel, String::from_utf8(bytes).ok()?))
        });
        let Some((rel, text)) = found else {
            continue;
        };
        let (sop, _) = crate::load::sop_from_text(&rel, &text, id.clone(), &Default::default());
        if let Some(sop) = sop {
            names.insert(id.clone(), sop.nama);
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folders() -> Vec<String> {
        vec!["banjarbaru-dinsos".into(), "tanah-laut-dinsos".into()]
    }

    #[test]
    fn known_ids_pass() {
        assert!(check_known(&["tanah-laut-dinsos".into()], &folders()).is_ok());
        assert!(check_known(&[], &folders()).is_ok());
    }

    #[test]
    fn an_unknown_id_is_named_with_the_nearest_and_the_list() {
        let e = check_known(&["tanah-laut-dinsoss".into()], &folders())
            .unwrap_err()
            .to_string();
        assert!(e.contains("`tanah-laut-dinsoss` tidak ada"), "{e}");
        assert!(e.contains("maksud Anda `tanah-laut-dinsos`?"), "{e}");
        assert!(e.contains("banjarbaru-dinsos, tanah-laut-dinsos"), "{e}");
    }

    #[test]
    fn a_far_id_gets_only_the_list() {
        let e = check_known(&["xyz".into(), "abc".into()], &folders())
            .unwrap_err()
            .to_string();
        assert!(e.contains("`xyz`, `abc` tidak ada"), "{e}");
        assert!(!e.contains("maksud Anda"), "{e}");
    }
}
