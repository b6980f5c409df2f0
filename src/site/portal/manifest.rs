//! The portal record of a subset build (`sopan-portal.json`, written by `sopan build
//! --instansi`): which sopan made it, from which project configuration, and which instansi it
//! holds with a fingerprint of each one's content, so `sopan gabung` merges only outputs that
//! make one site.

use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::core::error::{Error, ErrorKind, IoAct};
use crate::core::hex::hex;
use crate::pipeline::theme::Theme;

/// The record's file at the top of a subset build's output. Not hidden: CI artifact uploads
/// leave hidden files out.
pub(crate) const FILE: &str = "sopan-portal.json";

/// The record's format; a merge refuses other ones.
const FORMAT: u32 = 1;

/// What a subset build records for a merge.
#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
pub(crate) struct Manifest {
    /// [`FORMAT`].
    pub(crate) format: u32,
    /// The sopan version that built the output.
    pub(crate) sopan: String,
    /// SHA-256 of the project configuration: `sopan.yaml`, the synonyms, the repealed
    /// regulations, the site-wide pages and the theme.
    pub(crate) konfigurasi: String,
    /// The instansi built, in project order.
    pub(crate) instansi: Vec<Built>,
}

/// One instansi of a subset build.
#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
pub(crate) struct Built {
    /// Its folder name under `content/`, which is also its path in the site.
    pub(crate) id: String,
    /// SHA-256 of every file of its folder.
    pub(crate) isi: String,
}

impl Manifest {
    /// The record of the project at `root` for the instansi `ids` (in project order).
    pub(crate) fn of(root: &Path, theme: &Theme, ids: &[&str]) -> Result<Manifest, Error> {
        Ok(Manifest {
            format: FORMAT,
            sopan: env!("CARGO_PKG_VERSION").to_string(),
            konfigurasi: config_hash(root, theme)?,
            instansi: ids
                .iter()
                .map(|id| {
                    Ok(Built {
                        id: id.to_string(),
                        isi: content_hash(root, id)?,
                    })
                })
                .collect::<Result<_, Error>>()?,
        })
    }

    /// The record as written (pretty JSON, stable field order, a final newline).
    pub(crate) fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = serde_json::to_vec_pretty(self).unwrap_or_default();
        bytes.push(b'\n');
        bytes
    }

    /// Reads the record of the output folder `dir`, which `shown` names in messages.
    pub(crate) fn read(dir: &Path, shown: &str) -> Result<Manifest, Error> {
        let path = dir.join(FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(Error::new(ErrorKind::PortalNotAnOutput {
                    input: shown.into(),
                    exists: dir.is_dir(),
                }));
            }
            Err(e) => return Err(Error::io(IoAct::Read, Path::new(shown).join(FILE), e)),
        };
        let manifest: Manifest = serde_json::from_str(&text).map_err(|e| {
            Error::new(ErrorKind::PortalRecord {
                path: format!("{shown}/{FILE}"),
                format: None,
            })
            .cause(e)
        })?;
        if manifest.format != FORMAT {
            return Err(Error::new(ErrorKind::PortalRecord {
                path: format!("{shown}/{FILE}"),
                format: Some((manifest.format, FORMAT)),
            }));
        }
        Ok(manifest)
    }
}

/// SHA-256 (hex) of the project configuration every instansi's pages depend on: `sopan.yaml`,
/// `sinonim.yaml`, `peraturan-dicabut.yaml`, the site-wide pages (`content/halaman/`) and the
/// theme's files.
pub(crate) fn config_hash(root: &Path, theme: &Theme) -> Result<String, Error> {
    let mut h = Sha256::new();
    for file in [
        "sopan.yaml",
        crate::load::sinonim::PROJECT_FILE,
        crate::audit::dicabut::PROJECT_FILE,
    ] {
        h.update(file.as_bytes());
        match std::fs::read(root.join(file)) {
            Ok(bytes) => {
                h.update([1]);
                h.update((bytes.len() as u64).to_le_bytes());
                h.update(&bytes);
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => h.update([0]),
            Err(e) => return Err(Error::io(IoAct::Read, file, e)),
        }
    }
    folder_into(
        root,
        &Path::new("content").join(crate::load::PAGES_DIR),
        &mut h,
    )?;
    theme.digest_into(&["templates", "static", "typst", "fonts"], &mut h);
    Ok(hex(&h.finalize()))
}

/// SHA-256 (hex) of every file in `content/<id>/` (names and bytes, in name order; editor
/// droppings left out, as the loader leaves them).
pub(crate) fn content_hash(root: &Path, id: &str) -> Result<String, Error> {
    let mut h = Sha256::new();
    folder_into(root, &Path::new("content").join(id), &mut h)?;
    Ok(hex(&h.finalize()))
}

fn folder_into(root: &Path, rel: &Path, h: &mut Sha256) -> Result<(), Error> {
    let dir = root.join(rel);
    if !dir.is_dir() {
        return Ok(());
    }
    let walk = walkdir::WalkDir::new(&dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0 || !crate::load::is_ignored(&e.file_name().to_string_lossy())
        });
    for entry in walk {
        let entry = entry.map_err(|e| {
            Error::new(ErrorKind::Io {
                act: IoAct::ReadDir,
                path: rel.to_path_buf(),
            })
            .cause(e)
        })?;
        if !entry.file_type().is_file() {
            continue;
        }
        let name = entry.path().strip_prefix(&dir).unwrap_or(entry.path());
        let bytes =
            std::fs::read(entry.path()).map_err(|e| Error::io(IoAct::Read, rel.join(name), e))?;
        h.update(crate::core::diag::display_path(name).as_bytes());
        h.update([0]);
        h.update((bytes.len() as u64).to_le_bytes());
        h.update(&bytes);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_file_changes_only_its_instansi() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for id in ["a", "b"] {
            std::fs::create_dir_all(root.join("content").join(id).join("umum")).unwrap();
            std::fs::write(
                root.join("content").join(id).join("umum/x.yaml"),
                "nama: X\n",
            )
            .unwrap();
        }
        std::fs::write(root.join("sopan.yaml"), "judul: J\n").unwrap();
        let theme = Theme::embedded();
        let (a, b, c) = (
            content_hash(root, "a").unwrap(),
            content_hash(root, "b").unwrap(),
            config_hash(root, &theme).unwrap(),
        );
        // Same files in another folder: the same fingerprint.
        assert_eq!(a, b);
        std::fs::write(root.join("content/a/umum/x.yaml"), "nama: Y\n").unwrap();
        // An editor's backup is not content.
        std::fs::write(root.join("content/b/umum/x.yaml~"), "nama: Y\n").unwrap();
        assert_ne!(content_hash(root, "a").unwrap(), a);
        assert_eq!(content_hash(root, "b").unwrap(), b);
        assert_eq!(config_hash(root, &theme).unwrap(), c);
        std::fs::write(root.join("sopan.yaml"), "judul: K\n").unwrap();
        assert_ne!(config_hash(root, &theme).unwrap(), c);
    }

    #[test]
    fn the_record_reads_back_and_a_missing_one_is_explained() {
        let dir = tempfile::tempdir().unwrap();
        let m = Manifest {
            format: FORMAT,
            sopan: "1.0.0".into(),
            konfigurasi: "ab".into(),
            instansi: vec![Built {
                id: "a".into(),
                isi: "cd".into(),
            }],
        };
        std::fs::write(dir.path().join(FILE), m.to_bytes()).unwrap();
        assert_eq!(Manifest::read(dir.path(), "x").unwrap(), m);
        let e = Manifest::read(&dir.path().join("nope"), "nope").unwrap_err();
        assert_eq!(
            e.kind,
            ErrorKind::PortalNotAnOutput {
                input: "nope".into(),
                exists: false
            }
        );
        std::fs::remove_file(dir.path().join(FILE)).unwrap();
        let e = Manifest::read(dir.path(), "x").unwrap_err();
        assert_eq!(
            e.kind,
            ErrorKind::PortalNotAnOutput {
                input: "x".into(),
                exists: true
            }
        );
        assert!(
            e.message()
                .contains("bukan keluaran `sopan build --instansi`"),
            "{e}"
        );
    }
}
