//! The persistent build cache of `sopan build` (`.sopan/cache/` in the project, `--cache DIR`
//! elsewhere): the files of each compiled document (an SOP's PDF and flowchart SVGs, a decree
//! book) and of each part of the search index, under a hash of everything they were made from,
//! so a build after a small edit compiles and indexes only what changed.
//!
//! An entry is a small file, `dokumen/<key>.sopan`: a magic line, the build stamp of the sopan
//! that wrote it, its key, the files' paths, lengths and SHA-256s, and a SHA-256 over all of
//! that. The files' bytes are blobs named by their SHA-256, `isi/<sha256>`: a file `sopan
//! build` already wrote to its staging folder is hard-linked there, not written again (a cold
//! build of 1,000 SOPs wrote and hashed 275 MB twice), and a blob is linked back into the
//! staging folder when the output lost the file. So a blob may be the very file of the
//! output: sopan only ever creates files, never writes into one, and a blob edited through
//! the output (or damaged) fails its SHA-256. Blobs and entries are put in place by rename,
//! blobs first, so a build that dies leaves whole entries or none. A read entry is trusted
//! only when every check passes (magic, stamp, key, header checksum, each blob's length and
//! SHA-256); anything else is a warning naming the entry, and the document is compiled again.
//! A successful build deletes every entry and blob it did not use, so the cache holds exactly
//! one build's documents and does not grow.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use sha2::{Digest, Sha256};

use crate::core::error::Place;
use crate::core::error::{Error, ErrorKind, IoAct};
use crate::core::hex::{hex, unhex};
use crate::core::sync::lock;
use crate::pipeline::output::Blob;
use crate::pipeline::staging::Staging;

/// The first bytes of every entry.
const MAGIC: &[u8] = b"SOPAN-CACHE-2\n";
/// Where entries live inside the cache folder.
const ENTRIES: &str = "dokumen";
/// Where the files' bytes live inside the cache folder, by SHA-256.
const BLOBS: &str = "isi";
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
    /// The blobs, by SHA-256 (`isi/`).
    blobs: PathBuf,
    /// The keys this build looked up or wrote: what [`DiskCache::finish`] keeps.
    used: Mutex<HashSet<[u8; 32]>>,
    /// The blobs those entries list: kept too.
    used_blobs: Mutex<HashSet<[u8; 32]>>,
    /// Temporary names handed out.
    temps: AtomicUsize,
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
        let blobs = dir.join(BLOBS);
        for made in [&entries, &blobs] {
            std::fs::create_dir_all(made).map_err(|e| Error::io(IoAct::CreateCacheDir, dir, e))?;
        }
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
            blobs,
            fresh,
            used: Mutex::default(),
            used_blobs: Mutex::default(),
            temps: AtomicUsize::new(0),
            hits: AtomicUsize::new(0),
            compiled: AtomicUsize::new(0),
        })
    }

    /// Where the cache folder `dir` (as given to [`DiskCache::open`]) keeps the record of the
    /// output folder `out` (the files the last build left there: [`Staging`] links unchanged
    /// ones from it). One per output folder. Known before the cache is opened: the build takes
    /// the kept output over while the content loads.
    pub(crate) fn manifest_path(dir: &Path, out: &Path) -> PathBuf {
        let name: [u8; 32] = Sha256::digest(resolved(out).as_os_str().as_encoded_bytes()).into();
        dir.join(format!("keluaran-{}.txt", &hex(&name)[..16]))
    }

    fn path(&self, key: &[u8; 32]) -> PathBuf {
        self.dir.join(format!("{}{SUFFIX}", hex(key)))
    }

    fn mark(&self, key: &[u8; 32]) {
        lock(&self.used).insert(*key);
    }

    /// Whether an entry `key` may be taken from the cache (not checked: [`DiskCache::fetch`]
    /// does that), to plan the work; never under `--bersih`.
    pub(crate) fn contains(&self, key: &[u8; 32]) -> bool {
        !self.fresh && self.path(key).is_file()
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
    /// hashed 190 MB of entries at 1,000 SOPs); else each file's blob is linked into the
    /// staging folder and checked there (its SHA-256), so its bytes are never copied. Files
    /// whose path `keep` accepts stay in memory (they are never written).
    pub(crate) fn get_staged(
        &self,
        key: &[u8; 32],
        staging: &Staging,
        keep: &dyn Fn(&str) -> bool,
    ) -> Option<Shared> {
        self.mark(key);
        if self.fresh {
            return None;
        }
        let path = self.path(key);
        let listed = match self.listed(key) {
            Ok(Some(listed)) => listed,
            Ok(None) => return None,
            Err(why) => {
                warn(&path, &why);
                return None;
            }
        };
        self.mark_blobs(&listed);
        let linked: Option<Shared> = listed
            .iter()
            .map(|(path, len, sha)| {
                (!keep(path))
                    .then(|| Some((path.clone(), staging.link(path, *len, *sha)?)))
                    .flatten()
            })
            .collect();
        if let Some(files) = linked {
            self.hits.fetch_add(1, Ordering::Relaxed);
            return Some(files);
        }
        let mut files = Vec::with_capacity(listed.len());
        for (file, len, sha) in listed {
            let blob = self.blob_path(&sha);
            let got = if keep(&file) {
                read_blob(&blob, len, &sha).map(|b| Blob::with_sha256(b, sha))
            } else {
                staging.adopt(&file, &blob, len, sha)
            };
            match got {
                Ok(b) => files.push((file, b)),
                Err(why) => {
                    warn(&path, &damaged(&blob, &file, &why));
                    return None;
                }
            }
        }
        self.hits.fetch_add(1, Ordering::Relaxed);
        Some(files)
    }

    /// The files the entry `key` lists, from its header, or why it cannot be trusted (in
    /// Indonesian, for the warning); `None` when there is no entry.
    fn listed(&self, key: &[u8; 32]) -> Result<Option<Listed>, String> {
        let bytes = match std::fs::read(self.path(key)) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(format!("tidak terbaca ({e})")),
        };
        let (listed, len) = parse_header(&bytes, key)?;
        if len != bytes.len() {
            return Err(format!(
                "panjangnya salah ({} bita, seharusnya {len})",
                bytes.len()
            ));
        }
        Ok(Some(listed))
    }

    /// Where the bytes of a file with this SHA-256 are kept.
    fn blob_path(&self, sha: &[u8; 32]) -> PathBuf {
        self.blobs.join(hex(sha))
    }

    fn mark_blobs(&self, listed: &Listed) {
        let mut used = lock(&self.used_blobs);
        used.extend(listed.iter().map(|(_, _, sha)| *sha));
    }

    /// [`DiskCache::store`] for a compiled document, counted for the stage times.
    pub(crate) fn put(&self, key: &[u8; 32], files: &Shared) {
        self.compiled.fetch_add(1, Ordering::Relaxed);
        self.store(key, files);
    }

    /// The files stored under `key`, when its entry and every blob it lists are whole and
    /// were written by this sopan (else a warning naming the entry, and `None`: the caller
    /// makes the files again).
    pub(crate) fn fetch(&self, key: &[u8; 32]) -> Option<Shared> {
        self.mark(key);
        if self.fresh {
            return None;
        }
        self.load(key).unwrap_or_else(|why| {
            warn(&self.path(key), &why);
            None
        })
    }

    /// The files of the entry `key` (`None`: no entry), or why it cannot be trusted.
    fn load(&self, key: &[u8; 32]) -> Result<Option<Shared>, String> {
        let Some(listed) = self.listed(key)? else {
            return Ok(None);
        };
        self.mark_blobs(&listed);
        let mut files = Vec::with_capacity(listed.len());
        for (file, len, sha) in listed {
            let blob = self.blob_path(&sha);
            let bytes = read_blob(&blob, len, &sha).map_err(|why| damaged(&blob, &file, &why))?;
            files.push((file, Blob::with_sha256(bytes, sha)));
        }
        Ok(Some(files))
    }

    /// Stores files under `key`: each file's bytes as a blob named by its SHA-256 (a file
    /// already in the staging folder is hard-linked, not copied: a cold build wrote and
    /// hashed every document twice, 275 MB at 1,000 SOPs), then the entry's header. Both
    /// are put in place by rename, blobs first, so a build that dies leaves whole entries or
    /// none. A failed write costs only a later compile: it is a warning, not an error.
    pub(crate) fn store(&self, key: &[u8; 32], files: &Shared) {
        self.mark(key);
        {
            let mut used = lock(&self.used_blobs);
            used.extend(files.iter().map(|(_, b)| b.sha256()));
        }
        let path = self.path(key);
        let written = files
            .iter()
            .try_for_each(|(_, blob)| self.store_blob(blob))
            .and_then(|()| {
                let header = header(key, files);
                // The same entry again (`--bersih`): kept, not replaced by an equal file.
                if std::fs::read(&path).is_ok_and(|old| old == header) {
                    return Ok(());
                }
                let tmp = self.temp(&self.dir);
                let r = std::fs::write(&tmp, header).and_then(|()| std::fs::rename(&tmp, &path));
                if r.is_err() {
                    let _ = std::fs::remove_file(&tmp);
                }
                r
            });
        if let Err(e) = written {
            eprintln!(
                "peringatan: gagal menulis entri cache `{}`: {e}; dokumen ini akan disusun ulang pada pembangunan berikutnya",
                path.display()
            );
        }
    }

    /// Puts one blob in place. A blob of that name and length is kept as it is: every read
    /// checks its SHA-256 and deletes it when it fails, and replacing it would only turn
    /// over inodes (on this kind of disk, creating files right after thousands were deleted
    /// made a cold build's kernel time grow by seconds).
    fn store_blob(&self, blob: &Blob) -> std::io::Result<()> {
        let target = self.blob_path(&blob.sha256());
        if std::fs::symlink_metadata(&target)
            .is_ok_and(|m| m.is_file() && m.len() == blob.len() as u64)
        {
            return Ok(());
        }
        let tmp = self.temp(&self.blobs);
        let made = match blob.staged_path() {
            // Another file system than the output's: the bytes are copied.
            Some(staged) => {
                std::fs::hard_link(staged, &tmp).or_else(|_| std::fs::copy(staged, &tmp).map(drop))
            }
            None => std::fs::write(&tmp, blob.bytes()),
        };
        let r = made.and_then(|()| std::fs::rename(&tmp, &target));
        if r.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        r
    }

    /// A fresh temporary name in `dir` (`.<pid>.<n>.tmp`), deleted by [`DiskCache::finish`]
    /// if a build dies before renaming it.
    fn temp(&self, dir: &Path) -> PathBuf {
        let n = self.temps.fetch_add(1, Ordering::Relaxed);
        dir.join(format!(".{}.{n}.tmp", std::process::id()))
    }

    /// (documents taken from the cache, documents compiled) so far.
    pub(crate) fn counts(&self) -> (usize, usize) {
        (
            self.hits.load(Ordering::Relaxed),
            self.compiled.load(Ordering::Relaxed),
        )
    }

    /// After a successful build: deletes every entry and blob (and leftover temporary file)
    /// this build did not use, so the cache holds one build's documents.
    pub(crate) fn finish(&self) {
        let (used, blobs) = (lock(&self.used).clone(), lock(&self.used_blobs).clone());
        sweep(&self.dir, |name| {
            name.strip_suffix(SUFFIX)
                .and_then(unhex)
                .is_some_and(|k| used.contains(&k))
        });
        sweep(&self.blobs, |name| {
            unhex(name).is_some_and(|k| blobs.contains(&k))
        });
    }
}

/// Why the blob of `file` is not trusted; the blob is deleted, so the next build stores it
/// afresh.
fn damaged(blob: &Path, file: &str, why: &str) -> String {
    let _ = std::fs::remove_file(blob);
    format!("berkas `{file}` ({}): {why}", blob.display())
}

/// Deletes every file in `dir` whose name `keep` refuses.
fn sweep(dir: &Path, keep: impl Fn(&str) -> bool) {
    let Ok(listed) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in listed.flatten() {
        if !keep(&entry.file_name().to_string_lossy()) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// The bytes of the blob at `path`, when they are `len` long and have this SHA-256, or why
/// not (in Indonesian, for the warning).
pub(crate) fn read_blob(path: &Path, len: usize, sha: &[u8; 32]) -> Result<Vec<u8>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("tidak terbaca ({e})"))?;
    check_blob(&bytes, len, sha)?;
    Ok(bytes)
}

fn check_blob(bytes: &[u8], len: usize, sha: &[u8; 32]) -> Result<(), String> {
    if bytes.len() != len {
        return Err(format!(
            "panjangnya salah ({} bita, seharusnya {len})",
            bytes.len()
        ));
    }
    if Sha256::digest(bytes).as_slice() != sha {
        return Err("checksum tidak cocok".into());
    }
    Ok(())
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

#[cfg(test)]
#[path = "disk_cache_tests.rs"]
mod tests;
