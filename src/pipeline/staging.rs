//! The staging folder of `sopan build` (`.<output>.baru` beside the output folder): every file
//! is written there as soon as it is made, so the build holds only each file's place, length
//! and SHA-256 in memory, not the site (640 MiB at 1,000 SOPs). The finished folder is swapped
//! in whole ([`crate::pipeline::output::swap_in`]); a build that fails deletes it, and the
//! previous output stays untouched.
//!
//! Unchanged files are hard-linked from the previous output instead of written again, when
//! the record of the previous build (the output's manifest, kept in the build cache) says the
//! file there has the same SHA-256 and the file still has the inode, length and modification
//! time that build left. A file the record does not vouch for (edited since, or `--bersih`)
//! is linked only when its bytes compare equal to the new ones, else written afresh. Files are
//! only ever created here (`create_new`), never opened for writing where they exist, so a
//! link never lets a build change the previous output's file in place. The many small files
//! of the later stages go through a writer thread ([`Staging::put_later`]).
//!
//! The staging folder is the output before the previous one when that was kept
//! ([`crate::pipeline::recycled`]): a file already there as the very file of the previous
//! output stays, others are replaced by name, and what the build did not make is removed
//! before the swap ([`Staging::ready`]).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use crate::core::error::{Error, IoAct};
use crate::core::sync::lock;
use crate::pipeline::manifest::{self, Recorded};
use crate::pipeline::output::{Blob, MARKER};
use crate::pipeline::recycled::{Recycled, remove_any, remove_gone, same_file};

mod writer;

use writer::{Job, Writer};

/// One build's staging folder.
pub(crate) struct Staging {
    /// The folder being filled.
    dir: PathBuf,
    /// The output folder it will replace.
    out: PathBuf,
    /// Where the manifest of `out` is kept (in the build cache), if anywhere.
    manifest: Option<PathBuf>,
    /// The previous build's files that may be linked, by path.
    previous: HashMap<String, Recorded>,
    /// Whether `out` is a previous output of sopan: a file made with the very bytes of its
    /// file of the same path is linked from it (after comparing the bytes), not written.
    had_output: bool,
    /// Folders there so far (relative paths), shared with the writer thread.
    dirs: Folders,
    /// What the kept tree this folder was made from held, if it was made from one.
    recycled: Option<Recycled>,
    /// The keys of the pages made so far (rendered or linked), for the manifest.
    pages: Mutex<HashMap<String, [u8; 32]>>,
    /// Files linked from the previous output as its record vouched for them (shared with the
    /// writer thread): the new manifest takes their record over instead of a `stat` each.
    vouched: Vouched,
    /// The first write that failed: the build fails at the swap.
    failure: Mutex<Option<Error>>,
    /// Set once swapped in: the folder is no longer ours to delete.
    committed: AtomicBool,
    /// Files linked from the previous output, and files written.
    linked: AtomicUsize,
    written: AtomicUsize,
    /// The thread writing the files [`Staging::put_later`] hands it, until [`Staging::flush`].
    writer: Mutex<Option<Writer>>,
}

/// The staging folder's folders that exist (relative paths; "" is the folder itself).
type Folders = Arc<Mutex<HashSet<String>>>;

/// Paths of files linked under the previous output's record ([`Staging::committed`]).
type Vouched = Arc<Mutex<HashSet<String>>>;

/// Whether the previous output's file `old` is still the one the last build recorded.
fn still_recorded(old: &Path, rec: &Recorded) -> bool {
    std::fs::symlink_metadata(old).is_ok_and(|meta| rec.vouches_for(&meta))
}

impl Staging {
    /// Prepares the staging folder of `out` (refusing a folder sopan did not write, clearing
    /// what a killed build left). `manifest` is where the record of `out` is kept; with
    /// `fresh` (`--bersih`) the record is not trusted: a file is linked from `out` only after
    /// its bytes compare equal.
    pub(crate) fn begin(
        out: &Path,
        manifest: Option<PathBuf>,
        fresh: bool,
    ) -> Result<Arc<Staging>, Error> {
        let dir = crate::pipeline::output::prepare(out)?;
        let recycled = take_kept(out, &dir)?;
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(IoAct::Create, &dir, e))?;
        create(
            &dir.join(MARKER),
            b"Folder ini dibuat oleh sopan dan ditimpa setiap `sopan build`.\n",
        )
        .map_err(|e| Error::io(IoAct::WriteMarker, dir.join(MARKER), e))?;
        let had_output = out.join(MARKER).exists();
        let mut folders = HashSet::from([String::new()]);
        folders.extend(recycled.iter().flat_map(|r| r.dirs().cloned()));
        let dirs: Folders = Arc::new(Mutex::new(folders));
        let vouched = Vouched::default();
        let previous = match &manifest {
            Some(path) if !fresh && had_output => manifest::read(path, out),
            _ => HashMap::new(),
        };
        Ok(Arc::new(Staging {
            out: out.to_path_buf(),
            manifest,
            previous,
            had_output,
            writer: Mutex::new(Writer::start(dir.clone(), dirs.clone(), vouched.clone())),
            vouched,
            dir,
            dirs,
            recycled,
            pages: Mutex::default(),
            failure: Mutex::default(),
            committed: AtomicBool::new(false),
            linked: AtomicUsize::new(0),
            written: AtomicUsize::new(0),
        }))
    }

    /// The folder being filled.
    pub(crate) fn dir(&self) -> &Path {
        &self.dir
    }

    /// (files linked from the previous output or the build cache, files written) so far
    /// (the writer thread's once [`Staging::flush`]ed).
    pub(crate) fn counts(&self) -> (usize, usize) {
        (
            self.linked.load(Ordering::Relaxed),
            self.written.load(Ordering::Relaxed),
        )
    }

    /// Writes `blob` as `path` (or links the previous output's identical file) and returns
    /// its staged record. A failed write is kept for [`Staging::check`] and the bytes stay in
    /// memory.
    pub(crate) fn put(&self, path: &str, blob: Arc<Blob>) -> Arc<Blob> {
        if blob.is_staged() {
            return blob;
        }
        let (len, sha) = (blob.len(), blob.sha256());
        if let Some(linked) = self.link(path, len, sha) {
            return linked;
        }
        let target = self.dir.join(path);
        let old = self.had_output.then(|| self.out.join(path));
        let written = self
            .parent(path)
            .and_then(|()| create_or_link(&target, old.as_deref(), blob.bytes(), self.there(path)));
        match written {
            Ok(made) => {
                match made {
                    Made::Linked => &self.linked,
                    Made::Written => &self.written,
                }
                .fetch_add(1, Ordering::Relaxed);
                Blob::staged(target, len, sha)
            }
            Err(e) => {
                self.fail(Error::io(IoAct::Write, &target, e));
                blob
            }
        }
    }

    /// [`Staging::put`] for a file nothing reads back during the build (the open data, the
    /// pages, the search index): the bytes go to the writer thread and the caller goes on.
    /// Its record names the file before it exists; [`Staging::flush`] waits for it. Files are
    /// written in the order given, so a path given twice ends with the later bytes.
    pub(crate) fn put_later(&self, path: &str, blob: Arc<Blob>) -> Arc<Blob> {
        if blob.is_staged() {
            return blob;
        }
        let (len, sha) = (blob.len(), blob.sha256());
        let target = self.dir.join(path);
        // The record's link too is the writer's (a stat and a link per file).
        let rec = self.recorded(path, len, sha).copied();
        let job = Job {
            path: path.to_string(),
            target: target.clone(),
            old: self.had_output.then(|| (self.out.join(path), rec)),
            blob: blob.clone(),
            there: self.there(path),
        };
        let sent = lock(&self.writer).as_ref().is_some_and(|w| w.send(job));
        if !sent {
            return self.put(path, blob);
        }
        Blob::staged(target, len, sha)
    }

    /// Waits until the writer thread wrote every file it was given (a failed write is kept for
    /// [`Staging::check`]); later [`Staging::put_later`] calls write at once.
    pub(crate) fn flush(&self) {
        let writer = lock(&self.writer).take();
        let Some(Writer { jobs, thread, .. }) = writer else {
            return;
        };
        drop(jobs);
        match thread.join() {
            Ok((written, linked, failed)) => {
                self.written.fetch_add(written, Ordering::Relaxed);
                self.linked.fetch_add(linked, Ordering::Relaxed);
                if let Some(e) = failed {
                    self.fail(e);
                }
            }
            // Never expected (the writer only creates files); the build fails rather than
            // swap in a folder that may lack files.
            Err(_) => self.fail(Error::io(
                IoAct::Write,
                &self.dir,
                std::io::Error::other("penulis berkas berhenti mendadak"),
            )),
        }
    }

    /// Links the previous output's file `path` into the staging folder when the previous
    /// build recorded it with this length and SHA-256 and it is still the file that build
    /// left (same inode, length and modification time). `None`: the caller writes the bytes.
    pub(crate) fn link(&self, path: &str, len: usize, sha256: [u8; 32]) -> Option<Arc<Blob>> {
        let rec = self.recorded(path, len, sha256)?;
        let old = self.out.join(path);
        if !still_recorded(&old, rec) {
            return None;
        }
        let target = self.dir.join(path);
        self.parent(path).ok()?;
        relink(&old, &target, self.there(path)).ok()?;
        self.linked.fetch_add(1, Ordering::Relaxed);
        lock(&self.vouched).insert(path.to_string());
        Some(Blob::staged(target, len, sha256))
    }

    /// Links the previous output's page `path` when the last build rendered it from the same
    /// template and data (`key`, see `crate::site::html`) and the file is still the one it
    /// left. `None`: the caller renders the page (and gives its key to
    /// [`Staging::rendered_page`]).
    pub(crate) fn link_page(&self, path: &str, key: [u8; 32]) -> Option<Arc<Blob>> {
        let rec = self.previous.get(path).filter(|r| r.page == Some(key))?;
        let blob = self.link(path, rec.len as usize, rec.sha256)?;
        self.rendered_page(path, key);
        Some(blob)
    }

    /// Records the key of the page `path` for the next build ([`Staging::link_page`]).
    pub(crate) fn rendered_page(&self, path: &str, key: [u8; 32]) {
        lock(&self.pages).insert(path.to_string(), key);
    }

    /// Creates `path` empty in the staging folder, for a file written piece by piece rather
    /// than from bytes in memory (a decree book: `crate::pdf::book::sink`); its record is
    /// [`Staging::created`]'s once it is whole.
    pub(crate) fn create_file(&self, path: &str) -> Result<(PathBuf, std::fs::File), Error> {
        let target = self.dir.join(path);
        match self.parent(path).and_then(|()| open_new(&target)) {
            Ok(file) => Ok((target, file)),
            Err(e) => Err(Error::io(IoAct::Write, &target, e)),
        }
    }

    /// The record of `path`, written whole through [`Staging::create_file`] with `len` bytes
    /// of SHA-256 `sha256`. As [`Staging::put`] does, it links the previous output's file in
    /// its place when that file holds the same bytes: vouched for by the last build's record,
    /// or else compared (`--bersih`).
    pub(crate) fn created(&self, path: &str, len: usize, sha256: [u8; 32]) -> Arc<Blob> {
        let target = self.dir.join(path);
        let old = self.out.join(path);
        let same = self.had_output
            && match self.recorded(path, len, sha256) {
                Some(rec) if still_recorded(&old, rec) => true,
                _ => same_files(&old, &target),
            };
        let made = if same && replace_with_link(&old, &target).is_ok() {
            &self.linked
        } else {
            &self.written
        };
        made.fetch_add(1, Ordering::Relaxed);
        Blob::staged(target, len, sha256)
    }

    /// The previous build's record of `path`, when it names a file of this length and SHA-256.
    fn recorded(&self, path: &str, len: usize, sha256: [u8; 32]) -> Option<&Recorded> {
        self.previous
            .get(path)
            .filter(|r| r.sha256 == sha256 && r.len == len as u64)
    }

    /// Links `src`, a blob of the build cache, into the staging folder as `path`, then checks
    /// the linked file's length and SHA-256 (what is staged is what was checked); a file
    /// system without links gets the checked bytes written. `Err`: why the blob is not to be
    /// trusted (nothing is left staged).
    pub(crate) fn adopt(
        &self,
        path: &str,
        src: &Path,
        len: usize,
        sha256: [u8; 32],
    ) -> Result<Arc<Blob>, String> {
        let target = self.dir.join(path);
        self.parent(path).map_err(|e| e.to_string())?;
        if relink(src, &target, self.there(path)).is_err() {
            let bytes = crate::pipeline::disk_cache::read_blob(src, len, &sha256)?;
            create(&target, &bytes).map_err(|e| e.to_string())?;
            self.written.fetch_add(1, Ordering::Relaxed);
            return Ok(Blob::staged(target, len, sha256));
        }
        let checked = crate::pipeline::disk_cache::read_blob(&target, len, &sha256);
        if let Err(why) = checked {
            let _ = std::fs::remove_file(&target);
            return Err(why);
        }
        self.linked.fetch_add(1, Ordering::Relaxed);
        Ok(Blob::staged(target, len, sha256))
    }

    /// Creates the folder of `path` inside the staging folder, once.
    fn parent(&self, path: &str) -> std::io::Result<()> {
        make_parent(&self.dir, &self.dirs, path)
    }

    /// Whether the kept tree this folder was made from had a file at `path`.
    fn there(&self, path: &str) -> bool {
        self.recycled.as_ref().is_some_and(|r| r.has_file(path))
    }

    /// Readies the folder for the swap once every file is in it: the first failed write, if
    /// any, fails the build; then what a kept tree held and `files` (the new output) lacks is
    /// removed.
    pub(crate) fn ready(&self, files: &BTreeMap<String, Arc<Blob>>) -> Result<(), Error> {
        self.check()?;
        if let Some(recycled) = &self.recycled {
            recycled
                .sweep(&self.dir, files)
                .map_err(|e| Error::io(IoAct::Remove, &self.dir, e))?;
        }
        Ok(())
    }

    /// Where the previous output is to be kept after the swap, for the next build to fill
    /// again: only when this build linked at least as many files as it wrote, that is when
    /// the two outputs share most of their files (a theme change writes every PDF anew, and
    /// keeping that previous output would double the disk space of the site).
    pub(crate) fn keep_previous_at(&self) -> Option<PathBuf> {
        let (linked, written) = self.counts();
        (linked >= written).then(|| crate::pipeline::output::kept_path(&self.out))
    }

    /// Records a failure; the first one fails the build at [`Staging::check`].
    pub(crate) fn fail(&self, e: Error) {
        let mut failure = lock(&self.failure);
        failure.get_or_insert(e);
    }

    /// The first failed write, if any (after the writer thread finished).
    pub(crate) fn check(&self) -> Result<(), Error> {
        self.flush();
        match lock(&self.failure).take() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// After the swap: the folder is the output now; records its files for the next build.
    /// A manifest that cannot be written costs the next build only its links.
    pub(crate) fn committed(&self, out: &Path, files: &BTreeMap<String, Arc<Blob>>) {
        self.committed.store(true, Ordering::Relaxed);
        let Some(manifest) = &self.manifest else {
            return;
        };
        // A file linked under its record is that record's inode with that length and time
        // (its bytes were not written): the record is taken over, not looked up again (5,900
        // `stat`s, 21–29 ms at the end of a one-change build of 1,000 SOPs). Were the file
        // changed since, its time no longer matches, and the next build compares bytes.
        let vouched = lock(&self.vouched);
        let reuse = |path: &str| {
            vouched
                .contains(path)
                .then(|| self.previous.get(path).copied())
                .flatten()
        };
        let text = manifest::text(out, files, &lock(&self.pages), reuse);
        if let Err(e) = crate::pipeline::output::write_file_atomic(manifest, text.as_bytes()) {
            eprintln!("peringatan: {e}");
        }
    }
}

impl std::fmt::Debug for Staging {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Staging").field("dir", &self.dir).finish()
    }
}

impl Drop for Staging {
    /// A build that did not swap its folder in leaves nothing behind.
    fn drop(&mut self) {
        // The writer is done before its folder is deleted.
        self.flush();
        if !self.committed.load(Ordering::Relaxed) {
            // Beside a previous output it is kept for the next build to fill again (as the
            // swap keeps the previous output): whatever it holds is checked file by file.
            let kept = crate::pipeline::output::kept_path(&self.out);
            let keep = self.had_output && crate::pipeline::swap::move_to_kept(&self.dir, &kept);
            if !keep {
                let _ = std::fs::remove_dir_all(&self.dir);
            }
        }
    }
}

/// How a file came into the staging folder.
enum Made {
    /// Created with its bytes.
    Written,
    /// Linked from the previous output, whose file has the same bytes.
    Linked,
}

/// Links `old` as `target`. Whatever an earlier attempt left at `target` is replaced by name,
/// never written through. `there`: the kept tree had a file at `target`; when it is `old`
/// itself (the same inode), it stays.
fn relink(old: &Path, target: &Path, there: bool) -> std::io::Result<()> {
    if there && same_file(old, target) {
        return Ok(());
    }
    replacing(target, || std::fs::hard_link(old, target))
}

/// Creates the folder of `path` (relative) under `root`, unless `dirs` says it is there. A
/// file where a folder is to be (a kept tree whose file became a folder) is removed first.
fn make_parent(root: &Path, dirs: &Folders, path: &str) -> std::io::Result<()> {
    let folder = path.rsplit_once('/').map_or("", |(f, _)| f);
    if lock(dirs).contains(folder) {
        return Ok(());
    }
    let full = root.join(folder);
    if std::fs::create_dir_all(&full).is_err() {
        let mut at = root.to_path_buf();
        for part in folder.split('/') {
            at.push(part);
            if std::fs::symlink_metadata(&at).is_ok_and(|m| !m.is_dir()) {
                std::fs::remove_file(&at)?;
            }
        }
        std::fs::create_dir_all(&full)?;
    }
    lock(dirs).insert(folder.to_string());
    Ok(())
}

/// Takes over the previous output kept beside `out` ([`crate::pipeline::recycled`]) as the
/// staging folder `dir`, and lists it; `None` when there is none, or it is not sopan's (a link
/// included: never followed), or it cannot be read through (then it is deleted and the build
/// starts from an empty folder). `Err` only when such a folder cannot be deleted: the build
/// must not fill a folder holding files it cannot see.
fn take_kept(out: &Path, dir: &Path) -> Result<Option<Recycled>, Error> {
    let kept = crate::pipeline::output::kept_path(out);
    let ours = std::fs::symlink_metadata(&kept).is_ok_and(|m| m.is_dir())
        && std::fs::symlink_metadata(kept.join(MARKER)).is_ok_and(|m| m.is_file());
    let gone = |path: &Path| {
        remove_gone(path)
            .map(|()| None)
            .map_err(|e| Error::io(IoAct::Remove, path, e))
    };
    if !ours {
        return gone(&kept);
    }
    if std::fs::rename(&kept, dir).is_err() {
        return gone(&kept);
    }
    match Recycled::walk(dir) {
        Ok(recycled) => Ok(Some(recycled)),
        Err(_) => gone(dir),
    }
}

/// `make`, which creates `path` and fails when something is there; if something is, it is
/// removed by name and `make` tried once more. Tried first, removed only when needed: in a
/// fresh staging folder nothing ever is there (removing first, a one-change build of 1,000
/// SOPs made 5,913 failing `unlink` calls, strace).
fn replacing<T>(path: &Path, make: impl Fn() -> std::io::Result<T>) -> std::io::Result<T> {
    match make() {
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            remove_any(path)?;
            make()
        }
        other => other,
    }
}

/// Links `old` (the previous output's file of the same path) as `path` when it holds exactly
/// `bytes` (compared, not trusted from a record: `--bersih` and files the record does not
/// vouch for), else creates `path` with `bytes`. A build that makes what the last one made
/// then creates no file: creating thousands right after the last build deleted thousands cost
/// this machine's file system seconds of kernel time (the build before the cache linked the
/// same way).
fn create_or_link(
    path: &Path,
    old: Option<&Path>,
    bytes: &[u8],
    there: bool,
) -> std::io::Result<Made> {
    if let Some(old) = old
        && crate::pipeline::swap::same_bytes(old, bytes)
        && relink(old, path, there).is_ok()
    {
        return Ok(Made::Linked);
    }
    create(path, bytes).map(|()| Made::Written)
}

/// Whether the files `a` and `b` hold the same bytes, compared a piece at a time.
fn same_files(a: &Path, b: &Path) -> bool {
    use std::io::Read as _;
    let Some(len) = std::fs::symlink_metadata(b)
        .ok()
        .filter(|m| m.is_file())
        .map(|m| m.len())
    else {
        return false;
    };
    let Ok(mut other) = std::fs::File::open(b) else {
        return false;
    };
    let mut buf = Vec::new();
    crate::pipeline::swap::same_content(a, len, |_, piece| {
        buf.resize(piece.len(), 0);
        other.read_exact(&mut buf).is_ok() && buf == piece
    })
}

/// Puts a link to `old` in the place of the file `target`, by a rename, so `target` is never
/// missing: when the link cannot be made, the file written stays.
fn replace_with_link(old: &Path, target: &Path) -> std::io::Result<()> {
    let mut tmp = target.as_os_str().to_owned();
    tmp.push(".tautan");
    let tmp = PathBuf::from(tmp);
    relink(old, &tmp, false)?;
    std::fs::rename(&tmp, target).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

/// Creates `path` (replacing by name whatever is there) with `bytes`.
fn create(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    open_new(path)?.write_all(bytes)
}

/// Creates `path` empty for writing, replacing by name whatever is there.
fn open_new(path: &Path) -> std::io::Result<std::fs::File> {
    replacing(path, || {
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
    })
}

#[cfg(test)]
#[path = "staging_tests.rs"]
mod tests;
