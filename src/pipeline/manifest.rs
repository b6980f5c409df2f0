//! The output's manifest: what a build left in the output folder, file by file (SHA-256,
//! length, inode, modification time, and for a page the key of what it was rendered from),
//! kept in the build cache for the next build's staging folder ([`super::staging`]): a file
//! still as recorded is linked, not written, and a page whose key is unchanged is linked, not
//! rendered.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::core::hex::{hex, unhex};
use crate::pipeline::output::Blob;

/// The first line of a manifest. Version 2 added the page key; a version-1 manifest (an
/// older sopan's) is read as no record at all, without a warning: the build then compares
/// bytes, as after `--bersih`.
const MAGIC: &str = "SOPAN-KELUARAN-2";
const MAGIC_V1: &str = "SOPAN-KELUARAN-1";

/// What the previous build recorded of one file it left in the output folder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Recorded {
    pub(super) sha256: [u8; 32],
    pub(super) len: u64,
    pub(super) ino: u64,
    pub(super) mtime_ns: i128,
    /// For a page, the key of its template and data (`crate::site::html`).
    pub(super) page: Option<[u8; 32]>,
}

impl Recorded {
    /// Whether `meta` is still the file this record was made of (same inode, length and
    /// modification time): then its bytes are the recorded ones.
    pub(super) fn vouches_for(&self, meta: &std::fs::Metadata) -> bool {
        meta.is_file()
            && meta.len() == self.len
            && inode(meta) == self.ino
            && mtime_ns(meta) == self.mtime_ns
    }
}

/// The manifest of `out` (`files` as the output holds them, `pages` the keys of its pages):
/// a file `reuse` has the previous record of keeps that record's length, inode and time, every
/// other file is looked up in `out`.
pub(super) fn text(
    out: &Path,
    files: &BTreeMap<String, Arc<Blob>>,
    pages: &HashMap<String, [u8; 32]>,
    reuse: impl Fn(&str) -> Option<Recorded>,
) -> String {
    let mut text = format!("{MAGIC}\n{}\n", absolute(out).display());
    for (path, blob) in files {
        if path.contains('\n') {
            continue;
        }
        let sha256 = blob.sha256();
        let (len, ino, mtime) = match reuse(path).filter(|r| r.sha256 == sha256) {
            Some(r) => (r.len, r.ino, r.mtime_ns),
            None => match std::fs::symlink_metadata(out.join(path)) {
                Ok(meta) => (meta.len(), inode(&meta), mtime_ns(&meta)),
                Err(_) => continue,
            },
        };
        let page = pages.get(path).map_or_else(|| "-".to_string(), |k| hex(k));
        text.push_str(&format!(
            "{} {len} {ino} {mtime} {page} {path}\n",
            hex(&sha256)
        ));
    }
    text
}

/// The previous build's record of `out`, or nothing when it is missing, for another folder,
/// or damaged (then with a warning: the build writes every file, as a cold one does).
pub(super) fn read(path: &Path, out: &Path) -> HashMap<String, Recorded> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return HashMap::new();
    };
    match parse(&text, &absolute(out)) {
        Ok(map) => map,
        Err(why) => {
            eprintln!(
                "peringatan: catatan keluaran `{}` diabaikan: {why}; semua berkas ditulis ulang",
                path.display()
            );
            HashMap::new()
        }
    }
}

pub(super) fn parse(text: &str, out: &Path) -> Result<HashMap<String, Recorded>, String> {
    let mut lines = text.lines();
    match lines.next() {
        Some(MAGIC) => {}
        Some(MAGIC_V1) => return Ok(HashMap::new()),
        _ => return Err("penanda awal salah".into()),
    }
    if lines.next().map(Path::new) != Some(out) {
        // The record of another output folder (`--out` changed): nothing to link.
        return Ok(HashMap::new());
    }
    let mut map = HashMap::new();
    for (k, line) in lines.enumerate() {
        let bad = || format!("baris {} rusak", k + 3);
        let mut parts = line.splitn(6, ' ');
        let mut field = || parts.next().ok_or_else(bad);
        let sha256 = unhex(field()?).ok_or_else(bad)?;
        let len = field()?.parse().map_err(|_| bad())?;
        let ino = field()?.parse().map_err(|_| bad())?;
        let mtime_ns = field()?.parse().map_err(|_| bad())?;
        let page = match field()? {
            "-" => None,
            key => Some(unhex(key).ok_or_else(bad)?),
        };
        let path = field()?.to_string();
        map.insert(
            path,
            Recorded {
                sha256,
                len,
                ino,
                mtime_ns,
                page,
            },
        );
    }
    Ok(map)
}

/// The file's inode number. Elsewhere than on Unix 0: the record then rests on length, time
/// and hash.
#[cfg(unix)]
pub(super) fn inode(meta: &std::fs::Metadata) -> u64 {
    use std::os::unix::fs::MetadataExt as _;
    meta.ino()
}

#[cfg(not(unix))]
pub(super) fn inode(_: &std::fs::Metadata) -> u64 {
    0
}

/// The file's modification time in nanoseconds since 1970 (0 if the system does not say).
fn mtime_ns(meta: &std::fs::Metadata) -> i128 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as i128)
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn damaged_manifests_are_refused_and_older_ones_read_as_none() {
        let out = Path::new("/x/output");
        assert!(parse("halo", out).is_err());
        let good = format!(
            "{MAGIC}\n/x/output\n{} 4 7 9 - a b.pdf\n{} 5 8 9 {} c/index.html\n",
            "ab".repeat(32),
            "cd".repeat(32),
            "ef".repeat(32)
        );
        let map = parse(&good, out).unwrap();
        assert_eq!(map["a b.pdf"].len, 4);
        assert_eq!(map["a b.pdf"].page, None);
        assert_eq!(map["c/index.html"].page, Some([0xef; 32]));
        assert!(parse(&good.replace(" 4 ", " x "), out).is_err());
        assert!(parse(&good.replace(" - ", " zz "), out).is_err());
        let other = parse(&good.replace("/x/output", "/y/output"), out).unwrap();
        assert!(other.is_empty());
        let v1 = format!("{MAGIC_V1}\n/x/output\n{} 4 7 9 a.pdf\n", "ab".repeat(32));
        assert!(parse(&v1, out).unwrap().is_empty());
    }
}
