//! Output: every file of a build by its path, held in memory and served as is (`serve`), or
//! written to a staging folder as it is made and swapped in whole (`build`, [`Staging`]), so
//! the browser and the disk see the same bytes.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::core::error::{Error, ErrorKind, IoAct, Place};
pub(crate) use crate::pipeline::staging::Staging;

/// Name of the marker file that says a folder was written by sopan (and may be replaced).
pub(crate) const MARKER: &str = ".sopan-output";

/// The bytes of one output file, shared rather than copied: `serve` hands the PDFs and
/// flowcharts of unchanged SOPs from one build to the next (copying 330 MB of them took 0.4 s
/// of every save at 1,000 SOPs), and a file's SHA-256 is computed at most once. `sopan build`
/// writes its documents to the staging folder as they are made ([`Staging`]) and keeps only
/// where each went, its length and its SHA-256, so its memory does not grow with the site.
#[derive(Debug)]
pub struct Blob {
    store: Store,
    sha256: OnceLock<[u8; 32]>,
}

#[derive(Debug)]
enum Store {
    /// The bytes themselves (every file of `serve`, the small files of `build`).
    Memory(Vec<u8>),
    /// Already written to the staging folder of a build, at `path`.
    Staged { path: PathBuf, len: usize },
}

impl Blob {
    /// Shares `bytes`.
    pub fn new(bytes: Vec<u8>) -> Arc<Blob> {
        Arc::new(Blob {
            store: Store::Memory(bytes),
            sha256: OnceLock::new(),
        })
    }

    /// A file written to a staging folder: its place, length and SHA-256.
    pub(crate) fn staged(path: PathBuf, len: usize, sha256: [u8; 32]) -> Arc<Blob> {
        Arc::new(Blob {
            store: Store::Staged { path, len },
            sha256: OnceLock::from(sha256),
        })
    }

    /// The bytes held in memory: every file of `serve` and of a build without a staging
    /// folder. Empty for a file `sopan build` already wrote out; [`Blob::read`] reads those.
    pub fn bytes(&self) -> &[u8] {
        match &self.store {
            Store::Memory(bytes) => bytes,
            Store::Staged { .. } => &[],
        }
    }

    /// The bytes, from memory or read back from the staging folder.
    pub(crate) fn read(&self) -> Result<Cow<'_, [u8]>, Error> {
        match &self.store {
            Store::Memory(bytes) => Ok(Cow::Borrowed(bytes)),
            Store::Staged { path, .. } => std::fs::read(path)
                .map(Cow::Owned)
                .map_err(|e| Error::io(IoAct::Read, path, e)),
        }
    }

    /// At least the first `n` bytes (all of them when shorter): the site reads a flowchart's
    /// size and a PDF's page count from their first bytes, and reading whole staged files
    /// back cost a warm build of 1,000 SOPs 190 MB of reads.
    pub(crate) fn read_head(&self, n: usize) -> Result<Cow<'_, [u8]>, Error> {
        use std::io::Read as _;
        match &self.store {
            Store::Memory(bytes) => Ok(Cow::Borrowed(bytes)),
            Store::Staged { path, .. } => {
                let mut head = Vec::with_capacity(n);
                std::fs::File::open(path)
                    .and_then(|f| f.take(n as u64).read_to_end(&mut head))
                    .map_err(|e| Error::io(IoAct::Read, path, e))?;
                Ok(Cow::Owned(head))
            }
        }
    }

    /// Length in bytes.
    pub(crate) fn len(&self) -> usize {
        match &self.store {
            Store::Memory(bytes) => bytes.len(),
            Store::Staged { len, .. } => *len,
        }
    }

    /// Whether the bytes are already in a staging folder.
    pub(crate) fn is_staged(&self) -> bool {
        matches!(self.store, Store::Staged { .. })
    }

    /// SHA-256 of the bytes, computed on first use (a staged file carries its own).
    pub(crate) fn sha256(&self) -> [u8; 32] {
        *self
            .sha256
            .get_or_init(|| Sha256::digest(self.bytes()).into())
    }
}

impl PartialEq for Blob {
    fn eq(&self, other: &Self) -> bool {
        match (&self.store, &other.store) {
            (Store::Memory(a), Store::Memory(b)) => a == b,
            _ => self.len() == other.len() && self.sha256() == other.sha256(),
        }
    }
}

impl Eq for Blob {}

/// Every output file by its `/`-separated path relative to the output folder. With a staging
/// folder (`sopan build`), every file inserted is written there at once and only its
/// [`Blob::staged`] record stays.
#[derive(Clone, Debug, Default)]
pub struct Output {
    files: BTreeMap<String, Arc<Blob>>,
    staging: Option<Arc<Staging>>,
}

impl PartialEq for Output {
    fn eq(&self, other: &Self) -> bool {
        self.files == other.files
    }
}

impl Eq for Output {}

impl Output {
    /// An empty output.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty output whose files go to `staging` as they are inserted.
    pub(crate) fn staged(staging: Arc<Staging>) -> Self {
        Output {
            files: BTreeMap::new(),
            staging: Some(staging),
        }
    }

    /// An empty output writing where this one writes (to the same staging folder, or memory).
    pub(crate) fn empty_like(&self) -> Self {
        Output {
            files: BTreeMap::new(),
            staging: self.staging.clone(),
        }
    }

    /// The staging folder files go to, if any.
    pub(crate) fn staging(&self) -> Option<&Arc<Staging>> {
        self.staging.as_ref()
    }

    /// Adds (or replaces) a file. With a staging folder, a failed write is an error.
    pub fn insert(&mut self, path: impl Into<String>, bytes: Vec<u8>) {
        self.insert_blob(path, Blob::new(bytes));
    }

    /// Adds (or replaces) a file with bytes shared with another build.
    pub(crate) fn insert_blob(&mut self, path: impl Into<String>, blob: Arc<Blob>) {
        let path = path.into();
        let blob = match &self.staging {
            Some(staging) => staging.put(&path, blob),
            None => blob,
        };
        self.files.insert(path, blob);
    }

    /// The bytes of `path` held in memory (see [`Blob::bytes`]).
    pub fn get(&self, path: &str) -> Option<&[u8]> {
        self.files.get(path).map(|b| b.bytes())
    }

    /// The bytes of `path`, from memory or read back from the staging folder.
    pub(crate) fn read(&self, path: &str) -> Option<Cow<'_, [u8]>> {
        let blob = self.files.get(path)?;
        match blob.read() {
            Ok(bytes) => Some(bytes),
            Err(e) => {
                if let Some(s) = &self.staging {
                    s.fail(e);
                }
                None
            }
        }
    }

    /// At least the first `n` bytes of `path` (see [`Blob::read_head`]).
    pub(crate) fn read_head(&self, path: &str, n: usize) -> Option<Cow<'_, [u8]>> {
        let blob = self.files.get(path)?;
        match blob.read_head(n) {
            Ok(bytes) => Some(bytes),
            Err(e) => {
                if let Some(s) = &self.staging {
                    s.fail(e);
                }
                None
            }
        }
    }

    /// The shared bytes of `path`.
    pub fn blob(&self, path: &str) -> Option<&Arc<Blob>> {
        self.files.get(path)
    }

    /// Moves every file of `other` in (replacing those of the same path).
    pub fn extend(&mut self, other: Output) {
        for (path, blob) in other.files {
            self.insert_blob(path, blob);
        }
    }

    /// Paths and shared bytes of the files under `prefix` (a folder path ending in `/`).
    pub(crate) fn blobs_under<'a>(
        &'a self,
        prefix: &'a str,
    ) -> impl Iterator<Item = (&'a str, &'a Arc<Blob>)> + 'a {
        self.files
            .range::<str, _>((
                std::ops::Bound::Included(prefix),
                std::ops::Bound::Unbounded,
            ))
            .take_while(move |(p, _)| p.starts_with(prefix))
            .map(|(p, b)| (p.as_str(), b))
    }

    /// Removes every file under `prefix` (a folder path ending in `/`).
    pub(crate) fn remove_under(&mut self, prefix: &str) {
        self.files.retain(|p, _| !p.starts_with(prefix));
    }

    /// Paths and bytes held in memory (see [`Blob::bytes`]), sorted by path.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.files.iter().map(|(p, b)| (p.as_str(), b.bytes()))
    }

    /// Every path, sorted.
    pub(crate) fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    /// Number of files.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether there are no files.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Swaps the staging folder in as `dir` (`sopan build`): a file that failed to be written
    /// fails the build here, and the previous output stays.
    pub(crate) fn commit(self, dir: &Path) -> Result<(), Error> {
        let Some(staging) = self.staging.clone() else {
            return self.write_to(dir);
        };
        staging.check()?;
        let tmp = staging.dir().to_path_buf();
        swap_in(&tmp, dir)?;
        staging.committed(dir, &self.files);
        Ok(())
    }

    /// Replaces `dir` with exactly these files. The new tree is written beside `dir` and swapped
    /// in by renames, so a failed or killed build leaves the previous output whole. A non-empty
    /// `dir` that sopan did not write is never touched.
    pub(crate) fn write_to(&self, dir: &Path) -> Result<(), Error> {
        let tmp = prepare(dir)?;
        let previous = dir.join(MARKER).exists().then_some(dir);
        let written = self.write_tree(&tmp, previous);
        if let Err(e) = written {
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(e);
        }
        swap_in(&tmp, dir)
    }

    /// Writes every file under `root`. A file whose bytes equal the same path in `previous`
    /// (the output being replaced) is hard-linked to it instead: most of a rebuild is
    /// unchanged, and writing (then deleting) 400 MB of identical PDFs and flowcharts took
    /// seconds at 1,000 SOPs.
    fn write_tree(&self, root: &Path, previous: Option<&Path>) -> Result<(), Error> {
        std::fs::create_dir_all(root).map_err(|e| Error::io(IoAct::Create, root, e))?;
        std::fs::write(
            root.join(MARKER),
            b"Folder ini dibuat oleh sopan dan ditimpa setiap `sopan build`.\n",
        )
        .map_err(|e| Error::io(IoAct::WriteMarker, root.join(MARKER), e))?;
        // Folders first, each once (sorted, so a parent comes before its children), then the
        // files on all cores: the build waits for this stage with every other core idle.
        let dirs: std::collections::BTreeSet<&str> = self
            .files
            .keys()
            .filter_map(|p| p.rsplit_once('/').map(|(dir, _)| dir))
            .collect();
        for dir in dirs {
            let p = root.join(dir);
            std::fs::create_dir_all(&p).map_err(|e| Error::io(IoAct::Create, &p, e))?;
        }
        let files: Vec<(&str, &[u8])> = self.iter().collect();
        files.par_iter().try_for_each(|&(path, bytes)| {
            let target = root.join(path);
            if let Some(old) = previous.map(|p| p.join(path))
                && same_bytes(&old, bytes)
                && std::fs::hard_link(&old, &target).is_ok()
            {
                return Ok(());
            }
            std::fs::write(&target, bytes).map_err(|e| Error::io(IoAct::Write, &target, e))
        })?;
        Ok(())
    }
}

/// Deletes `old`, the previous output of `dir`, in the background: the new output is in
/// place already, and unlinking the 60,000 files of a previous output of 10,000 SOPs took 26 s
/// of disk time on a busy disk (each file also linked into the new output updates its inode).
/// It is renamed aside first (`.<dir>.hapus.<pid>-<n>`), where no later build writes; what a
/// deletion did not finish, the next build deletes. Where no process can be started, it is
/// deleted here.
fn discard(old: &Path, dir: &Path) -> Result<(), Error> {
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let aside = sibling(
        dir,
        &format!("hapus.{}-{stamp}", std::process::id()),
        "output",
    );
    let target = if std::fs::rename(old, &aside).is_ok() {
        aside
    } else {
        old.to_path_buf()
    };
    if delete_in_background(&target) {
        return Ok(());
    }
    std::fs::remove_dir_all(&target).map_err(|e| Error::io(IoAct::RemoveOldOutput, &target, e))
}

/// Starts `rm -rf` on `path` without waiting for it.
fn delete_in_background(path: &Path) -> bool {
    std::process::Command::new("rm")
        .arg("-rf")
        .arg("--")
        .arg(path)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .is_ok()
}

/// Deletes (in the background) what earlier builds of `dir` set aside ([`discard`]) and did
/// not finish deleting.
fn discard_leftovers(dir: &Path) {
    let name = dir
        .file_name()
        .map_or_else(|| "output".into(), |n| n.to_string_lossy());
    let prefix = format!(".{name}.hapus.");
    let Ok(listed) = std::fs::read_dir(parent_of(dir)) else {
        return;
    };
    for entry in listed.flatten() {
        if entry.file_name().to_string_lossy().starts_with(&prefix) {
            delete_in_background(&entry.path());
        }
    }
}

/// Readies the replacement of `dir` and returns the path of the new tree beside it (not yet
/// created): refuses a non-empty `dir` that sopan did not write (it is never touched), puts
/// back an output a killed build left aside, and deletes what such a build left half made.
pub(crate) fn prepare(dir: &Path) -> Result<PathBuf, Error> {
    if dir.exists() && !dir.join(MARKER).exists() && !is_empty_dir(dir) {
        return Err(Error::new(ErrorKind::OutputNotOurs {
            dir: dir.to_path_buf(),
        }));
    }
    let parent = parent_of(dir);
    std::fs::create_dir_all(parent).map_err(|e| Error::io(IoAct::CreateDir, parent, e))?;
    let tmp = sibling(dir, "baru", "output");
    let old = sibling(dir, "lama", "output");
    recover(dir)?;
    discard_leftovers(dir);
    for stale in [&tmp, &old] {
        if stale.exists() {
            std::fs::remove_dir_all(stale).map_err(|e| Error::io(IoAct::Remove, stale, e))?;
        }
    }
    Ok(tmp)
}

/// Puts the finished tree `tmp` in place of `dir`: one exchange where the system can, else two
/// renames (a build killed between them is undone by [`recover`]). The previous output is
/// deleted after.
pub(crate) fn swap_in(tmp: &Path, dir: &Path) -> Result<(), Error> {
    let old = sibling(dir, "lama", "output");
    if dir.exists() && exchange(tmp, dir) {
        // `tmp` now holds the previous output.
        return discard(tmp, dir);
    }
    if dir.exists() {
        std::fs::rename(dir, &old).map_err(|e| Error::io(IoAct::Move, dir, e))?;
    }
    if let Err(e) = std::fs::rename(tmp, dir) {
        if old.exists() {
            let _ = std::fs::rename(&old, dir);
        }
        return Err(Error::io(IoAct::InstallOutput, dir, e));
    }
    if old.exists() {
        discard(&old, dir)?;
    }
    Ok(())
}

/// Refuses an output folder whose replacement would destroy or pollute the project: the project
/// folder itself or a folder above it (the swap would move the project away), a folder inside
/// `content/` or `themes/` (the next build would read the site as content or publish it as
/// theme files), or a symbolic link (the swap would replace the link, not fill the folder it
/// names).
pub(crate) fn check_target(root: &Path, out: &Path) -> Result<(), Error> {
    let shown = shown(out);
    if std::fs::symlink_metadata(out).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(Error::new(ErrorKind::OutputSymlink { dir: shown }));
    }
    let root = root
        .canonicalize()
        .map_err(|e| Error::io(IoAct::ReadProject, root, e))?;
    let out = absolute(out)?;
    let refuse = |why: Place| {
        Err(Error::new(ErrorKind::OutputPlace {
            dir: shown.clone(),
            why,
        }))
    };
    if root.starts_with(&out) {
        return refuse(Place::ProjectOrAbove);
    }
    for part in ["content", "themes"] {
        if out.starts_with(root.join(part)) {
            return refuse(Place::Inside(part.into()));
        }
    }
    Ok(())
}

/// A path as the user wrote it, without the `./` that `FOLDER/output` gains from the default
/// `FOLDER` of `.`.
fn shown(path: &Path) -> String {
    match crate::core::diag::display_path(path.strip_prefix(".").unwrap_or(path)) {
        s if s.is_empty() => ".".into(),
        s => s,
    }
}

/// `path` made absolute with every existing part resolved (links included) and the parts that
/// do not exist yet appended as written.
fn absolute(path: &Path) -> Result<PathBuf, Error> {
    use std::path::Component;
    let abs = std::path::absolute(path).map_err(|e| Error::io(IoAct::Read, path, e))?;
    let mut cur = PathBuf::new();
    for c in abs.components() {
        match c {
            // `..` climbs from where the path really is, as the system would.
            Component::ParentDir => {
                if let Ok(real) = cur.canonicalize() {
                    cur = real;
                }
                cur.pop();
            }
            Component::CurDir => {}
            other => cur.push(other),
        }
    }
    let mut tail = Vec::new();
    let mut at = cur.as_path();
    loop {
        if let Ok(mut real) = at.canonicalize() {
            real.extend(tail.iter().rev());
            return Ok(real);
        }
        match (at.file_name(), at.parent()) {
            (Some(name), Some(parent)) => {
                tail.push(name);
                at = parent;
            }
            _ => return Ok(cur.clone()),
        }
    }
}

/// Held while a build writes one output folder: a second build into the same folder fails at
/// once with a clear message instead of tearing the first one's folders away. The lock is the
/// system's (released when the process ends, however it ends); its file `.<out>.kunci` stays
/// beside the output folder.
#[derive(Debug)]
pub(crate) struct BuildLock {
    _file: std::fs::File,
}

impl BuildLock {
    /// Takes the lock of `out`, or says who holds it.
    pub(crate) fn take(out: &Path) -> Result<BuildLock, Error> {
        let path = sibling(out, "kunci", "output");
        std::fs::create_dir_all(parent_of(out))
            .map_err(|e| Error::io(IoAct::CreateDir, parent_of(out), e))?;
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| Error::io(IoAct::CreateLock, &path, e))?;
        match file.try_lock() {
            Ok(()) => Ok(BuildLock { _file: file }),
            Err(std::fs::TryLockError::WouldBlock) => {
                Err(Error::new(ErrorKind::OutputBusy { dir: shown(out) }))
            }
            Err(std::fs::TryLockError::Error(e)) => Err(Error::io(IoAct::Lock, &path, e)),
        }
    }
}

/// Puts back the previous output a build killed between the two fallback renames of
/// [`Output::write_to`] (where folders cannot be exchanged in one step) left aside as
/// `.<dir>.lama`. `build` calls it first, so even a build that then fails on content leaves
/// the previous output where it was.
pub(crate) fn recover(dir: &Path) -> Result<(), Error> {
    let old = sibling(dir, "lama", "output");
    if !dir.exists() && old.join(MARKER).exists() {
        std::fs::rename(&old, dir).map_err(|e| Error::io(IoAct::Recover, dir, e))?;
    }
    Ok(())
}

/// Swaps the folders `new` and `dir` in one step (Linux `renameat2` with `RENAME_EXCHANGE`), so
/// that a reader, or a build killed at that moment, finds the old output or the new one, never
/// none. False where the system cannot; the caller then renames twice.
#[cfg(target_os = "linux")]
fn exchange(new: &Path, dir: &Path) -> bool {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, new, CWD, dir, RenameFlags::EXCHANGE).is_ok()
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> bool {
    false
}

/// Whether `path` is a regular file holding exactly `bytes` (never follows a symlink).
/// Writes one file so that readers see the old bytes or the new, never half: a sibling temporary
/// file renamed over the target.
pub(crate) fn write_file_atomic(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let tmp = sibling(path, "sementara", "keluaran");
    std::fs::write(&tmp, bytes)
        .and_then(|()| std::fs::rename(&tmp, path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            Error::io(IoAct::Write, path, e)
        })
}

fn same_bytes(path: &Path, bytes: &[u8]) -> bool {
    use std::io::Read as _;
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_file() && m.len() == bytes.len() as u64 => {
            let Ok(mut file) = std::fs::File::open(path) else {
                return false;
            };
            // Compared a piece at a time: reading each old file whole allocated (and faulted
            // in) 260 MB of fresh memory per rebuild of 1,000 SOPs.
            let mut buf = [0u8; 64 * 1024];
            let mut at = 0;
            loop {
                let n = match file.read(&mut buf) {
                    Ok(0) => return at == bytes.len(),
                    Ok(n) => n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(_) => return false,
                };
                if bytes.get(at..at + n) != Some(&buf[..n]) {
                    return false;
                }
                at += n;
            }
        }
        _ => false,
    }
}

/// The folder `path` is in (`.` for a bare name).
fn parent_of(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// The hidden work path beside `path`: `.<name>.<tag>` (`unnamed` when `path` has no name).
fn sibling(path: &Path, tag: &str, unnamed: &str) -> PathBuf {
    let name = path
        .file_name()
        .map_or_else(|| unnamed.into(), |n| n.to_string_lossy());
    parent_of(path).join(format!(".{name}.{tag}"))
}

fn is_empty_dir(dir: &Path) -> bool {
    std::fs::read_dir(dir)
        .map(|mut d| d.next().is_none())
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_previous_output_and_refuses_foreign_folders() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("output");
        let mut a = Output::new();
        a.insert("a/x.json", b"1".to_vec());
        a.write_to(&out).unwrap();
        let mut b = Output::new();
        b.insert("b.json", b"2".to_vec());
        b.write_to(&out).unwrap();
        assert!(!out.join("a/x.json").exists());
        assert_eq!(std::fs::read(out.join("b.json")).unwrap(), b"2");
        // Unchanged files are carried over, changed ones rewritten.
        let mut c = b.clone();
        c.insert("c.json", b"3".to_vec());
        c.write_to(&out).unwrap();
        let ino = |p: &str| {
            use std::os::unix::fs::MetadataExt as _;
            std::fs::metadata(out.join(p)).unwrap().ino()
        };
        let (b_before, c_before) = (ino("b.json"), ino("c.json"));
        let mut d = c.clone();
        d.insert("b.json", b"22".to_vec());
        d.write_to(&out).unwrap();
        assert_eq!(std::fs::read(out.join("b.json")).unwrap(), b"22");
        assert_eq!(std::fs::read(out.join("c.json")).unwrap(), b"3");
        assert_eq!(
            ino("c.json"),
            c_before,
            "unchanged file linked, not rewritten"
        );
        assert_ne!(ino("b.json"), b_before, "changed file written anew");
        let foreign = tmp.path().join("docs");
        std::fs::create_dir(&foreign).unwrap();
        std::fs::write(foreign.join("thesis.docx"), b"x").unwrap();
        let e = b.write_to(&foreign).unwrap_err();
        assert_eq!(
            e.kind,
            ErrorKind::OutputNotOurs {
                dir: foreign.clone()
            }
        );
        assert!(foreign.join("thesis.docx").exists());
    }
}
