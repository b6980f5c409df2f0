//! The persistent build cache of `sopan build` (`.sopan/cache/` in the project, `--cache DIR`
//! elsewhere): the files of each compiled document (an SOP's PDF and flowchart SVGs, a decree
//! book) and of each part of the search index, under a hash of everything they were made from,
//! so a build after a small edit compiles and indexes only what changed.
//!
//! An entry is one file, `dokumen/<key>.sopan`: a magic line, the build stamp of the sopan that
//! wrote it, its key, the files' paths, lengths and SHA-256s, a SHA-256 over all of that, then
//! the files' bytes. Entries are written to a temporary file and renamed, so a build that dies
//! leaves whole entries or none. A read entry is trusted only when every check passes (magic,
//! stamp, key, header checksum, each file's SHA-256); anything else is a warning naming the
//! file, and the document is compiled again. A successful build deletes every entry it did not
//! use, so the cache holds exactly one build's documents and does not grow.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use sha2::{Digest, Sha256};

use crate::core::error::Place;
use crate::core::error::{Error, ErrorKind, IoAct};
use crate::core::hex::{hex, unhex};
use crate::pipeline::output::Blob;
use crate::pipeline::staging::Staging;

/// The first bytes of every entry.
const MAGIC: &[u8] = b"SOPAN-CACHE-1\n";
/// Where entries live inside the cache folder.
const ENTRIES: &str = "dokumen";
/// An entry's file name ends so.
const SUFFIX: &str = ".sopan";
/// The default cache folder, relative to the project.
pub(crate) const DEFAULT_DIR: &str = ".sopan/cache";

/// What wrote an entry: the sopan version and the identity of its executable (length and
/// modification time), so a rebuilt sopan of the same version (a developer's, a test's) never
/// reuses documents laid out by different code. Part of every key and of every entry's header.
pub(crate) fn build_stamp() -> &'static str {
    static STAMP: OnceLock<String> = OnceLock::new();
    STAMP.get_or_init(|| {
        let exe = std::env::current_exe()
            .and_then(std::fs::metadata)
            .ok()
            .map(|m| {
                let modified = m
                    .modified()
                    .ok()
                    .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                    .map_or(0, |d| d.as_nanos());
                format!(" ({}-{modified})", m.len())
            })
            .unwrap_or_default();
        format!("sopan {}{exe}", env!("CARGO_PKG_VERSION"))
    })
}

/// The files of one document, as the output holds them.
pub(crate) type Shared = Vec<(String, Arc<Blob>)>;

/// The cache folder of one build.
pub(crate) struct DiskCache {
    dir: PathBuf,
    /// `--bersih`: read nothing, write every entry afresh.
    fresh: bool,
    /// The keys this build looked up or wrote: what [`DiskCache::finish`] keeps.
    used: Mutex<HashSet<[u8; 32]>>,
    /// Documents taken from the cache.
    hits: AtomicUsize,
    /// Documents compiled (and written to the cache).
    compiled: AtomicUsize,
}

impl DiskCache {
    /// The cache at `dir` (created if needed); with `fresh` its entries are ignored and
    /// rewritten. `root` and `out` are the project and the output folder: a cache inside
    /// `content/` or `themes/` would be read as the project, one inside the output folder would
    /// be replaced with it, and an output folder inside the cache would be deleted with the
    /// entries the build did not use.
    pub(crate) fn open(root: &Path, out: &Path, dir: &Path, fresh: bool) -> Result<Self, Error> {
        let shown = dir.display();
        let refuse = |why: Place| {
            Err(Error::new(ErrorKind::CachePlace {
                dir: shown.to_string(),
                why,
            }))
        };
        let (root_abs, dir_abs, out_abs) = (resolved(root), resolved(dir), resolved(out));
        for part in ["content", "themes"] {
            if dir_abs.starts_with(root_abs.join(part)) {
                return refuse(Place::Inside(part.into()));
            }
        }
        if dir_abs.starts_with(&out_abs) || out_abs.starts_with(&dir_abs) {
            return refuse(Place::OverlapsOutput(out.display().to_string()));
        }
        if root_abs.starts_with(&dir_abs) {
            return refuse(Place::HoldsProject);
        }
        let entries = dir.join(ENTRIES);
        std::fs::create_dir_all(&entries).map_err(|e| Error::io(IoAct::CreateCacheDir, dir, e))?;
        // The cache ignores itself in git wherever it is, and backup tools skip it
        // (https://bford.info/cachedir/).
        for (name, text) in [
            (".gitignore", "# Cache sopan build; dibuat otomatis.\n*\n"),
            (
                "CACHEDIR.TAG",
                "Signature: 8a477f597d28d172789f06886806bc55\n# Cache sopan build (https://bford.info/cachedir/).\n",
            ),
        ] {
            let path = dir.join(name);
            if !path.exists() {
                crate::pipeline::output::write_file_atomic(&path, text.as_bytes())?;
            }
        }
        Ok(DiskCache {
            dir: entries,
            fresh,
            used: Mutex::default(),
            hits: AtomicUsize::new(0),
            compiled: AtomicUsize::new(0),
        })
    }

    /// Where the record of the output folder `out` is kept (the files the last build left
    /// there: [`Staging`] links unchanged ones from it). One per output folder.
    pub(crate) fn manifest_for(&self, out: &Path) -> PathBuf {
        let name: [u8; 32] = Sha256::digest(resolved(out).as_os_str().as_encoded_bytes()).into();
        let cache = self.dir.parent().unwrap_or(&self.dir);
        cache.join(format!("keluaran-{}.txt", &hex(&name)[..16]))
    }

    fn path(&self, key: &[u8; 32]) -> PathBuf {
        self.dir.join(format!("{}{SUFFIX}", hex(key)))
    }

    fn mark(&self, key: &[u8; 32]) {
        self.used
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(*key);
    }

    /// [`DiskCache::fetch`] for a document, counted for the stage times.
    pub(crate) fn get(&self, key: &[u8; 32]) -> Option<Shared> {
        let files = self.fetch(key)?;
        self.hits.fetch_add(1, Ordering::Relaxed);
        Some(files)
    }

    /// [`DiskCache::get`] for a build writing to `staging`: when the previous output still
    /// holds every file of the entry as the last build left it, the files are linked from
    /// there and only the entry's header is read (a build with nothing changed read and
    /// hashed 190 MB of entries at 1,000 SOPs); else the entry is read, checked whole and its
    /// files staged. Files whose path `keep` accepts stay in memory (they are never written).
    pub(crate) fn get_staged(
        &self,
        key: &[u8; 32],
        staging: &Staging,
        keep: &dyn Fn(&str) -> bool,
    ) -> Option<Shared> {
        if !self.fresh
            && let Some(listed) = self.header(key)
            && !listed.iter().any(|(path, ..)| keep(path))
        {
            let linked: Option<Shared> = listed
                .into_iter()
                .map(|(path, len, sha)| Some((path.clone(), staging.link(&path, len, sha)?)))
                .collect();
            if let Some(files) = linked {
                self.mark(key);
                self.hits.fetch_add(1, Ordering::Relaxed);
                return Some(files);
            }
        }
        let files = self.get(key)?;
        Some(
            files
                .into_iter()
                .map(|(path, blob)| {
                    let blob = if keep(&path) {
                        blob
                    } else {
                        staging.put(&path, blob)
                    };
                    (path, blob)
                })
                .collect(),
        )
    }

    /// The files an entry lists, read from its header alone, when the header is whole, of
    /// this sopan, and the entry's length is what it lists.
    fn header(&self, key: &[u8; 32]) -> Option<Listed> {
        use std::io::Read as _;
        let path = self.path(key);
        let mut file = std::fs::File::open(&path).ok()?;
        let size = file.metadata().ok()?.len();
        let mut head = vec![0u8; 16 * 1024];
        let mut filled = 0;
        while filled < head.len() {
            match file.read(&mut head[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => return None,
            }
        }
        head.truncate(filled);
        let (listed, body) = parse_header(&head, key).ok()?;
        let total: u64 = listed.iter().map(|(_, len, _)| *len as u64).sum();
        (body as u64 + total == size).then_some(listed)
    }

    /// [`DiskCache::store`] for a compiled document, counted for the stage times.
    pub(crate) fn put(&self, key: &[u8; 32], files: &Shared) {
        self.compiled.fetch_add(1, Ordering::Relaxed);
        self.store(key, files);
    }

    /// The files stored under `key`, when its entry is whole and was written by this sopan
    /// (else a warning naming the entry, and `None`: the caller makes the files again).
    pub(crate) fn fetch(&self, key: &[u8; 32]) -> Option<Shared> {
        self.mark(key);
        if self.fresh {
            return None;
        }
        let path = self.path(key);
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
            Err(e) => {
                warn(&path, &format!("tidak terbaca ({e})"));
                return None;
            }
        };
        match decode(bytes, key) {
            Ok(files) => Some(files),
            Err(why) => {
                warn(&path, &why);
                None
            }
        }
    }

    /// Stores files under `key`, atomically. A failed write costs only a later compile: it is
    /// a warning, not an error.
    pub(crate) fn store(&self, key: &[u8; 32], files: &Shared) {
        self.mark(key);
        let path = self.path(key);
        let tmp = self
            .dir
            .join(format!(".{}.{}.tmp", hex(key), std::process::id()));
        let written = write_entry(&tmp, key, files).and_then(|()| std::fs::rename(&tmp, &path));
        if let Err(e) = written {
            let _ = std::fs::remove_file(&tmp);
            eprintln!(
                "peringatan: gagal menulis entri cache `{}`: {e}; dokumen ini akan disusun ulang pada pembangunan berikutnya",
                path.display()
            );
        }
    }

    /// (documents taken from the cache, documents compiled) so far.
    pub(crate) fn counts(&self) -> (usize, usize) {
        (
            self.hits.load(Ordering::Relaxed),
            self.compiled.load(Ordering::Relaxed),
        )
    }

    /// After a successful build: deletes every entry (and leftover temporary file) this build
    /// did not use, so the cache holds one build's documents.
    pub(crate) fn finish(&self) {
        let used = self
            .used
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let Ok(listed) = std::fs::read_dir(&self.dir) else {
            return;
        };
        for entry in listed.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            let keep = name
                .strip_suffix(SUFFIX)
                .and_then(unhex)
                .is_some_and(|k| used.contains(&k));
            if !keep {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
}

fn warn(path: &Path, why: &str) {
    eprintln!(
        "peringatan: entri cache `{}` diabaikan: {why}; dokumennya disusun ulang",
        path.display()
    );
}

/// `path` absolute, with the part that exists resolved (links included).
fn resolved(path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut tail = Vec::new();
    let mut at = abs.as_path();
    loop {
        if let Ok(mut real) = at.canonicalize() {
            real.extend(tail.iter().rev());
            return real;
        }
        match (at.parent(), at.file_name()) {
            (Some(parent), Some(name)) => {
                tail.push(name.to_os_string());
                at = parent;
            }
            _ => return abs,
        }
    }
}

/// The header of an entry: everything before the files' bytes, checksum included.
fn header(key: &[u8; 32], files: &Shared) -> Vec<u8> {
    let stamp = build_stamp().as_bytes();
    let mut h = Vec::with_capacity(256);
    h.extend_from_slice(MAGIC);
    h.extend_from_slice(&(stamp.len() as u32).to_le_bytes());
    h.extend_from_slice(stamp);
    h.extend_from_slice(key);
    h.extend_from_slice(&(files.len() as u32).to_le_bytes());
    for (path, blob) in files {
        h.extend_from_slice(&(path.len() as u32).to_le_bytes());
        h.extend_from_slice(path.as_bytes());
        h.extend_from_slice(&(blob.len() as u64).to_le_bytes());
        h.extend_from_slice(&blob.sha256());
    }
    let sum: [u8; 32] = Sha256::digest(&h).into();
    h.extend_from_slice(&sum);
    h
}

fn write_entry(tmp: &Path, key: &[u8; 32], files: &Shared) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut f = std::io::BufWriter::new(std::fs::File::create(tmp)?);
    f.write_all(&header(key, files))?;
    for (_, blob) in files {
        f.write_all(
            &blob
                .read()
                .map_err(|e| std::io::Error::other(e.message()))?,
        )?;
    }
    f.into_inner().map_err(|e| e.into_error())?.sync_data()
}

/// Reads fields from the front of an entry.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        if self.0.len() < n {
            return Err("terpotong".into());
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    fn u32(&mut self) -> Result<usize, String> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
    }

    fn u64(&mut self) -> Result<usize, String> {
        let b: [u8; 8] = self.take(8)?.try_into().map_err(|_| "terpotong")?;
        usize::try_from(u64::from_le_bytes(b)).map_err(|_| "panjang berkas tidak masuk akal".into())
    }
}

/// A file an entry lists: path, length, SHA-256.
type Listed = Vec<(String, usize, [u8; 32])>;

/// The header of an entry (or of its first bytes): the files it lists and where their bytes
/// begin, or why it cannot be trusted (in Indonesian, for the warning).
fn parse_header(bytes: &[u8], key: &[u8; 32]) -> Result<(Listed, usize), String> {
    let mut r = Reader(bytes);
    if r.take(MAGIC.len()).ok() != Some(MAGIC) {
        return Err("bukan entri cache sopan (penanda awal salah)".into());
    }
    let n = r.u32()?;
    let stamp = r.take(n)?;
    if stamp != build_stamp().as_bytes() {
        return Err(format!(
            "ditulis oleh versi lain (`{}`)",
            String::from_utf8_lossy(stamp)
        ));
    }
    if r.take(32)? != key {
        return Err("kuncinya tidak cocok dengan nama berkasnya".into());
    }
    let count = r.u32()?;
    let mut listed = Vec::new();
    for _ in 0..count {
        let n = r.u32()?;
        let path = std::str::from_utf8(r.take(n)?)
            .map_err(|_| "nama berkas di dalamnya bukan UTF-8")?
            .to_string();
        let len = r.u64()?;
        let sha: [u8; 32] = r.take(32)?.try_into().map_err(|_| "terpotong")?;
        listed.push((path, len, sha));
    }
    let head_len = bytes.len() - r.0.len();
    let sum = r.take(32)?;
    if Sha256::digest(&bytes[..head_len]).as_slice() != sum {
        return Err("checksum kepala entri tidak cocok".into());
    }
    Ok((listed, head_len + 32))
}

/// The files of an entry, or why it cannot be trusted (in Indonesian, for the warning).
fn decode(bytes: Vec<u8>, key: &[u8; 32]) -> Result<Shared, String> {
    let (listed, body) = parse_header(&bytes, key)?;
    let mut r = Reader(&bytes[body..]);
    let total: usize = listed.iter().map(|(_, len, _)| len).sum();
    if r.0.len() != total {
        return Err(format!(
            "panjangnya salah ({} bita isi, seharusnya {total})",
            r.0.len()
        ));
    }
    let mut files = Vec::with_capacity(listed.len());
    for (path, len, sha) in listed {
        let blob = Blob::new(r.take(len)?.to_vec());
        // The check computes the SHA-256 the site shows: the blob keeps it.
        if blob.sha256() != sha {
            return Err(format!("checksum berkas `{path}` tidak cocok"));
        }
        files.push((path, blob));
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files() -> Shared {
        vec![
            ("a/b.pdf".into(), Blob::new(b"%PDF-1.7 isi".to_vec())),
            ("a/b/alur-1.svg".into(), Blob::new(b"<svg/>".to_vec())),
        ]
    }

    fn entry(key: &[u8; 32]) -> Vec<u8> {
        let files = files();
        let mut bytes = header(key, &files);
        for (_, b) in &files {
            bytes.extend_from_slice(b.bytes());
        }
        bytes
    }

    #[test]
    fn an_entry_reads_back_as_written() {
        let key = [7u8; 32];
        let back = decode(entry(&key), &key).unwrap();
        assert_eq!(back, files());
    }

    #[test]
    fn damaged_entries_are_refused_with_the_reason() {
        let key = [7u8; 32];
        let good = entry(&key);
        let why = |bytes: Vec<u8>| decode(bytes, &key).unwrap_err();
        assert!(why(b"halo".to_vec()).contains("penanda awal"));
        assert!(why(good[..good.len() - 3].to_vec()).contains("panjangnya salah"));
        assert!(why(good[..MAGIC.len() + 6].to_vec()).contains("terpotong"));
        let mut flipped = good.clone();
        *flipped.last_mut().unwrap() ^= 1;
        assert!(why(flipped).contains("checksum berkas `a/b/alur-1.svg`"));
        // A byte of a path in the header: the header checksum catches it.
        let mut header_flip = good.clone();
        let at = good.windows(7).position(|w| w == b"a/b.pdf").unwrap();
        header_flip[at] = b'x';
        assert!(why(header_flip).contains("checksum kepala"));
        assert!(decode(good, &[8u8; 32]).unwrap_err().contains("kuncinya"));
    }

    #[test]
    fn another_stamp_is_foreign() {
        let key = [1u8; 32];
        let mut bytes = entry(&key);
        let at = MAGIC.len() + 4;
        bytes[at + 6] = b'X'; // "sopan X…"
        assert!(decode(bytes, &key).unwrap_err().contains("versi lain"));
    }
}
