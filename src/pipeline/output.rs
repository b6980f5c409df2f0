//! Output: every file of a build by its path, held in memory and served as is (`serve`), or
//! written to a staging folder as it is made and swapped in whole (`build`, [`Staging`]), so
//! the browser and the disk see the same bytes.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::core::error::{Error, IoAct};
pub(crate) use crate::pipeline::staging::Staging;
use crate::pipeline::swap::same_bytes;
pub(crate) use crate::pipeline::swap::{
    BuildLock, check_target, kept_path, prepare, recover, swap_in, swap_in_keeping,
    write_file_atomic,
};

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
    /// Already written to the staging folder of a build, at `path`. A decree book reads its
    /// SOPs' PDFs back from there one at a time (`crate::pdf::book::join_into`) rather than
    /// from memory (until December 2026 `sopan build` held up to 128 MB of them for the books).
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

    /// Bytes whose SHA-256 is known already (checked by the build cache).
    pub(crate) fn with_sha256(bytes: Vec<u8>, sha256: [u8; 32]) -> Arc<Blob> {
        Arc::new(Blob {
            store: Store::Memory(bytes),
            sha256: OnceLock::from(sha256),
        })
    }

    /// Where a staged file is (`None`: in memory).
    pub(crate) fn staged_path(&self) -> Option<&Path> {
        match &self.store {
            Store::Memory(_) => None,
            Store::Staged { path, .. } => Some(path),
        }
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
            // Nothing reads back a file inserted here but the PDF stage's, which are staged
            // by then (`Staging::put` in `crate::pdf::renderer::schedule`).
            Some(staging) => staging.put_later(&path, blob),
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
        staging.ready(&self.files)?;
        let tmp = staging.dir().to_path_buf();
        swap_in_keeping(&tmp, dir, staging.keep_previous_at().as_deref())?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::error::ErrorKind;

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
