//! Git: other versions of the project read straight from its repository (pure Rust, gix): a
//! revision's files for `sopan diff`, and the commits that changed each file for the site's
//! history. Nothing here writes to the repository.
//!
//! Old revisions are as untrusted as the working copy, and nobody reviews them: a file is read
//! only after its size, taken from the object's header, is within the limit of the content
//! loader, and a symbolic link is never followed nor recreated. Both are skipped with a warning
//! ([`Skipped::warning`]).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use gix::ObjectId;

use crate::core::diag::Diagnostic;
use crate::core::error::GitAct;
use crate::core::error::{Error, ErrorKind, IoAct};

/// The largest logo read from a revision: the loader's own limit for logos, so that a revision
/// with a logo the working copy accepts still loads.
const LOGO_MAX_BYTES: u64 = crate::load::MAX_LOGO_BYTES;

/// What a tree entry is. Submodules are left out: they hold nothing of this project.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Tree,
    /// A regular (or executable) file.
    File,
    /// A symbolic link (mode 120000): its blob is the target's name, never followed.
    Link,
}

/// The entries of one tree: name → (id, kind).
type Entries = BTreeMap<String, (ObjectId, Kind)>;

/// Why a file of a revision was left unread.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Skipped {
    /// Bigger than `limit` bytes (its size from the object header; the blob was not inflated).
    TooBig {
        /// The file's size in bytes.
        size: u64,
        /// The limit it exceeds.
        limit: u64,
    },
    /// A symbolic link.
    Link,
}

impl Skipped {
    /// The warning saying that the version of `path` (relative to the project) in `commit` was
    /// skipped, and why.
    pub(crate) fn warning(&self, path: &str, commit: &Commit) -> Diagnostic {
        let short = commit.short();
        match *self {
            Skipped::TooBig { size, limit } => Diagnostic::warning(
                None,
                format!(
                    "versi `{path}` di revisi {short} terlalu besar ({:.1} MB; batasnya {} MB) dan dilewati",
                    size as f64 / 1_048_576.0,
                    limit / 1_048_576
                ),
            )
            .hint("sopan tidak membaca berkas sebesar ini dari riwayat git; isinya tidak ditampilkan dan tidak dibandingkan"),
            Skipped::Link => Diagnostic::warning(
                None,
                format!("versi `{path}` di revisi {short} adalah tautan simbolik dan dilewati"),
            )
            .hint("sopan tidak mengikuti tautan simbolik dari git; simpan isinya sebagai berkas biasa"),
        }
    }
}

/// A repository and where the project sits in it.
pub(crate) struct Repo {
    repo: gix::Repository,
    /// The project folder relative to the work tree, `""` or ending in `/`.
    prefix: String,
    /// Trees already decoded, by id: a tree never changes, and the history reads the same root,
    /// `content/` and bidang trees for every file of every commit.
    trees: std::sync::Mutex<std::collections::HashMap<ObjectId, std::sync::Arc<Entries>>>,
}

/// What sopan needs of a commit.
#[derive(Clone, Debug)]
pub(crate) struct Commit {
    /// Its id.
    pub id: ObjectId,
    /// Its root tree.
    pub tree: ObjectId,
    /// Its parents.
    pub(crate) parents: Vec<ObjectId>,
    /// Committer time: seconds since 1970 plus the committer's UTC offset, so the date is the
    /// one the committer saw.
    pub(crate) local_secs: i64,
    /// Author time, the same way: when the change was written, which a rebase or a cherry-pick
    /// keeps while it moves the committer time (the history dates versions by it).
    pub(crate) author_local_secs: i64,
    /// The first line of its message.
    pub summary: String,
}

impl Commit {
    /// The first seven hex digits of its id.
    pub(crate) fn short(&self) -> String {
        self.id.to_hex_with_len(7).to_string()
    }
}

fn git_error(doing: GitAct, e: impl std::fmt::Display) -> Error {
    Error::new(ErrorKind::Git { doing }).cause(gix_words(&e.to_string()))
}

/// What gix said, in Indonesian where its words are known; otherwise its text, marked as
/// gix's own (a detail for whoever looks into the repository).
fn gix_words(text: &str) -> String {
    let input = text
        .split_once("input=\"")
        .and_then(|(_, r)| r.strip_suffix('"'))
        .unwrap_or("");
    if let Some(n) = text
        .split_once("NthAncestor(")
        .and_then(|(_, r)| r.split_once(')'))
        .map(|(n, _)| n)
    {
        return format!("riwayat git tidak sepanjang itu: commit itu tidak punya leluhur ke-{n}");
    }
    if text.contains("couldn't parse revision") || text.contains("could not be found") {
        return format!(
            "tidak ada tag, cabang atau commit bernama `{}`",
            input.trim()
        );
    }
    if text.contains("NthParent") {
        return "commit itu tidak punya induk sebanyak itu".to_string();
    }
    if text.contains("ambiguous") || text.contains("Ambiguous") {
        return "awalan hash itu cocok dengan lebih dari satu objek; tulis lebih banyak digit"
            .to_string();
    }
    format!("rincian dari gix: {text}")
}

impl Repo {
    /// The repository holding `root`, if there is one.
    pub(crate) fn discover(root: &Path) -> Option<Repo> {
        let repo = gix::discover(root).ok()?;
        let workdir = repo.workdir()?.canonicalize().ok()?;
        let root = root.canonicalize().ok()?;
        let rel = root.strip_prefix(&workdir).ok()?;
        let mut prefix: String = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        if !prefix.is_empty() {
            prefix.push('/');
        }
        Some(Repo {
            repo,
            prefix,
            trees: Default::default(),
        })
    }

    /// Whether this is a shallow clone, whose history stops early.
    pub(crate) fn is_shallow(&self) -> bool {
        self.repo.is_shallow().unwrap_or(false)
    }

    /// The commit HEAD points at, if any.
    pub(crate) fn head(&self) -> Option<Commit> {
        let id = self.repo.head_id().ok()?.detach();
        self.commit(id).ok()
    }

    /// The commit a revision names: `HEAD~3`, `v2022`, a hash.
    pub(crate) fn resolve(&self, rev: &str) -> Result<Commit, Error> {
        let id = self
            .repo
            .rev_parse_single(rev)
            .map_err(|e| {
                Error::new(ErrorKind::GitRevisionMissing { rev: rev.into() })
                    .cause(gix_words(&e.to_string()))
            })?
            .object()
            .map_err(|e| git_error(GitAct::ReadRevision(rev.into()), e))?
            .peel_to_commit()
            .map_err(|e| {
                Error::new(ErrorKind::GitNotCommit { rev: rev.into() })
                    .cause(gix_words(&e.to_string()))
            })?
            .id;
        self.commit(id)
    }

    /// Reads one commit.
    pub(crate) fn commit(&self, id: ObjectId) -> Result<Commit, Error> {
        let doing = || GitAct::ReadCommit(id.to_hex_with_len(7).to_string());
        let c = self
            .repo
            .find_commit(id)
            .map_err(|e| git_error(doing(), e))?;
        let time = c.time().map_err(|e| git_error(doing(), e))?;
        let author = c
            .author()
            .map_err(|e| git_error(doing(), e))?
            .time()
            .map_err(|e| git_error(doing(), e))?;
        let summary = c
            .message()
            .map(|m| m.summary().to_string())
            .unwrap_or_default();
        Ok(Commit {
            id,
            tree: c.tree_id().map_err(|e| git_error(doing(), e))?.detach(),
            parents: c.parent_ids().map(|p| p.detach()).collect(),
            local_secs: time.seconds + i64::from(time.offset),
            author_local_secs: author.seconds + i64::from(author.offset),
            summary,
        })
    }

    /// Every ancestor of HEAD (HEAD included), newest first; ties by id, so the order is stable.
    pub(crate) fn log(&self) -> Result<Vec<Commit>, Error> {
        let Some(head) = self.head() else {
            return Ok(Vec::new());
        };
        let walk = self
            .repo
            .rev_walk([head.id])
            .all()
            .map_err(|e| git_error(GitAct::Walk, e))?;
        let mut out = Vec::new();
        for info in walk {
            let info = info.map_err(|e| git_error(GitAct::Walk, e))?;
            out.push(self.commit(info.id)?);
        }
        out.sort_by(|a, b| b.local_secs.cmp(&a.local_secs).then(b.id.cmp(&a.id)));
        Ok(out)
    }

    /// The tags naming each commit.
    pub(crate) fn tags(&self) -> BTreeMap<ObjectId, Vec<String>> {
        let mut out: BTreeMap<ObjectId, Vec<String>> = BTreeMap::new();
        let Ok(refs) = self.repo.references() else {
            return out;
        };
        let Ok(tags) = refs.tags() else {
            return out;
        };
        for mut r in tags.flatten() {
            let name = r.name().shorten().to_string();
            if let Ok(c) = r.peel_to_commit() {
                out.entry(c.id).or_default().push(name);
            }
        }
        for names in out.values_mut() {
            names.sort();
        }
        out
    }

    /// The entries of a tree (empty when it cannot be read).
    fn entries(&self, tree: ObjectId) -> std::sync::Arc<Entries> {
        if let Some(e) = crate::core::sync::lock(&self.trees).get(&tree) {
            return std::sync::Arc::clone(e);
        }
        let mut out = Entries::new();
        if let Ok(t) = self.repo.find_tree(tree)
            && let Ok(decoded) = t.decode()
        {
            for e in &decoded.entries {
                let kind = if e.mode.is_tree() {
                    Kind::Tree
                } else if e.mode.is_blob() {
                    Kind::File
                } else if e.mode.is_link() {
                    Kind::Link
                } else {
                    continue;
                };
                out.insert(e.filename.to_string(), (e.oid.to_owned(), kind));
            }
        }
        let out = std::sync::Arc::new(out);
        crate::core::sync::lock(&self.trees).insert(tree, std::sync::Arc::clone(&out));
        out
    }

    /// The object at `path` (relative to the project) in `tree`. A link on the way is not
    /// followed: the path is then absent.
    fn at(&self, tree: ObjectId, path: &str) -> Option<(ObjectId, Kind)> {
        let full = format!("{}{path}", self.prefix);
        let mut cur = (tree, Kind::Tree);
        for part in full.split('/').filter(|p| !p.is_empty()) {
            if cur.1 != Kind::Tree {
                return None;
            }
            cur = *self.entries(cur.0).get(part)?;
        }
        Some(cur)
    }

    /// The bytes of the file at `path` (relative to the project) in `commit`: `Ok(None)` when
    /// there is none (or it cannot be read), `Err` when it is a link or bigger than `limit`.
    pub(crate) fn file(
        &self,
        commit: &Commit,
        path: &str,
        limit: u64,
    ) -> Result<Option<Vec<u8>>, Skipped> {
        match self.file_id(commit, path)? {
            Some(id) => self.blob(id, limit),
            None => Ok(None),
        }
    }

    /// The id of the file at `path` in `commit` (`Ok(None)` when there is none, `Err` for a
    /// link).
    pub(crate) fn file_id(&self, commit: &Commit, path: &str) -> Result<Option<ObjectId>, Skipped> {
        match self.at(commit.tree, path) {
            Some((id, Kind::File)) => Ok(Some(id)),
            Some((_, Kind::Link)) => Err(Skipped::Link),
            Some((_, Kind::Tree)) | None => Ok(None),
        }
    }

    /// The size of an object from its header, without inflating the object.
    fn size(&self, id: ObjectId) -> Option<u64> {
        Some(self.repo.find_header(id).ok()?.size())
    }

    /// The bytes of a file by its id, when it is no bigger than `limit` (checked from the
    /// object's header first, so an oversized blob is never inflated); `Ok(None)` when it cannot
    /// be read.
    pub(crate) fn blob(&self, id: ObjectId, limit: u64) -> Result<Option<Vec<u8>>, Skipped> {
        let Some(size) = self.size(id) else {
            return Ok(None);
        };
        if size > limit {
            return Err(Skipped::TooBig { size, limit });
        }
        Ok(self.repo.find_blob(id).ok().map(|mut b| b.take_data()))
    }

    /// Paths (relative to the project) of files under `dir` that differ between the two
    /// commits; every file under it when `old` is `None`.
    pub(crate) fn changed(
        &self,
        new: &Commit,
        old: Option<&Commit>,
        dir: &str,
    ) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        let a = self
            .at(new.tree, dir)
            .filter(|x| x.1 == Kind::Tree)
            .map(|x| x.0);
        let b = old
            .and_then(|o| self.at(o.tree, dir))
            .filter(|x| x.1 == Kind::Tree)
            .map(|x| x.0);
        self.changed_trees(a, b, dir.trim_end_matches('/'), &mut out);
        out
    }

    fn changed_trees(
        &self,
        a: Option<ObjectId>,
        b: Option<ObjectId>,
        path: &str,
        out: &mut BTreeSet<String>,
    ) {
        if a == b {
            return;
        }
        let ea = a.map(|t| self.entries(t)).unwrap_or_default();
        let eb = b.map(|t| self.entries(t)).unwrap_or_default();
        let (ea, eb) = (ea.as_ref(), eb.as_ref());
        let names: BTreeSet<&String> = ea.keys().chain(eb.keys()).collect();
        for name in names {
            let (x, y) = (ea.get(name), eb.get(name));
            if x == y {
                continue;
            }
            let child = format!("{path}/{name}");
            // A link counts as a file: the history then says that version was skipped.
            let is_tree = |e: &(ObjectId, Kind)| e.1 == Kind::Tree;
            let tree = |v: Option<&(ObjectId, Kind)>| v.filter(|e| is_tree(e)).map(|e| e.0);
            if x.is_some_and(is_tree) || y.is_some_and(is_tree) {
                self.changed_trees(tree(x), tree(y), &child, out);
            }
            if x.is_some_and(|e| !is_tree(e)) || y.is_some_and(|e| !is_tree(e)) {
                out.insert(child);
            }
        }
    }

    /// Writes the files of the project that loading it reads, as they were in `commit`, into
    /// `dest` (which must be empty): `sopan.yaml`, the audit's `peraturan-dicabut.yaml`, the
    /// YAML, Markdown and logo images under `content/`, and an empty folder per theme (loading
    /// only checks that the chosen theme's folder exists). Links and files over the limit are
    /// not written; the warnings saying so are returned.
    pub(crate) fn extract(&self, commit: &Commit, dest: &Path) -> Result<Vec<Diagnostic>, Error> {
        let mut skipped = Vec::new();
        for name in ["sopan.yaml", crate::audit::dicabut::PROJECT_FILE] {
            match self.at(commit.tree, name) {
                Some((id, kind @ (Kind::File | Kind::Link))) => {
                    self.extract_file(commit, id, kind, name, &dest.join(name), &mut skipped)?;
                }
                Some((_, Kind::Tree)) | None => {}
            }
        }
        match self.at(commit.tree, "content") {
            Some((tree, Kind::Tree)) => {
                self.extract_tree(commit, tree, "content", &dest.join("content"), &mut skipped)?;
            }
            Some((_, Kind::Link)) => skipped.push(Skipped::Link.warning("content", commit)),
            Some((_, Kind::File)) | None => {}
        }
        if let Some((themes, Kind::Tree)) = self.at(commit.tree, "themes") {
            for (name, &(_, kind)) in self.entries(themes).iter() {
                match kind {
                    Kind::Tree if safe_name(name) => mkdir(&dest.join("themes").join(name))?,
                    Kind::Link => {
                        skipped.push(Skipped::Link.warning(&format!("themes/{name}"), commit));
                    }
                    _ => {}
                }
            }
        }
        Ok(skipped)
    }

    fn extract_tree(
        &self,
        commit: &Commit,
        tree: ObjectId,
        rel: &str,
        dest: &Path,
        skipped: &mut Vec<Diagnostic>,
    ) -> Result<(), Error> {
        mkdir(dest)?;
        for (name, &(id, kind)) in self.entries(tree).iter() {
            if !safe_name(name) {
                continue;
            }
            let (path, child): (PathBuf, String) = (dest.join(name), format!("{rel}/{name}"));
            match kind {
                Kind::Tree => self.extract_tree(commit, id, &child, &path, skipped)?,
                _ => self.extract_file(commit, id, kind, &child, &path, skipped)?,
            }
        }
        Ok(())
    }

    /// Writes one file of `commit` (`rel` from the project) to `dest` when loading may read it
    /// and it is within its limit; records a warning when it is skipped.
    fn extract_file(
        &self,
        commit: &Commit,
        id: ObjectId,
        kind: Kind,
        rel: &str,
        dest: &Path,
        skipped: &mut Vec<Diagnostic>,
    ) -> Result<(), Error> {
        // Any link is worth a warning: it may stand for a whole folder of SOPs.
        if kind == Kind::Link {
            skipped.push(Skipped::Link.warning(rel, commit));
            return Ok(());
        }
        // Anything else (a PDF of the decree, a spreadsheet) is never read by loading, so it
        // cannot change the comparison and is not written at all.
        let Some(limit) = read_limit(rel) else {
            return Ok(());
        };
        match self.blob(id, limit) {
            Ok(Some(bytes)) => write(dest, &bytes),
            Ok(None) => Err(Error::new(ErrorKind::GitFileMissing {
                rel: rel.to_string(),
                commit: commit.short(),
            })),
            Err(s) => {
                skipped.push(s.warning(rel, commit));
                Ok(())
            }
        }
    }
}

/// Whether a name from a tree is a plain name: never let one climb out of the destination.
fn safe_name(name: &str) -> bool {
    !(name.is_empty() || name.contains('/') || name.contains('\\') || name == ".." || name == ".")
}

/// The limit of a file loading reads (YAML and Markdown: the content limit; logo images: the
/// logo limit), or `None` for a file it never reads.
fn read_limit(rel: &str) -> Option<u64> {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
    match ext.as_str() {
        "yaml" | "yml" | "md" => Some(crate::load::MAX_FILE_BYTES),
        "png" | "svg" | "jpg" | "jpeg" => Some(LOGO_MAX_BYTES),
        _ => None,
    }
}

fn mkdir(dir: &Path) -> Result<(), Error> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(IoAct::CreateDir, dir, e))
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(IoAct::CreateDir, dir, e))?;
    }
    std::fs::write(path, bytes).map_err(|e| Error::io(IoAct::Write, path, e))
}

#[cfg(test)]
mod tests {
    use super::{LOGO_MAX_BYTES, gix_words, read_limit, safe_name};
    use crate::load::MAX_FILE_BYTES;

    #[test]
    fn gix_errors_are_said_in_indonesian() {
        assert_eq!(
            gix_words("delegate.traverse(NthAncestor(5)) failed, input=\"~5\""),
            "riwayat git tidak sepanjang itu: commit itu tidak punya leluhur ke-5"
        );
        assert_eq!(
            gix_words("couldn't parse revision, input=\"nope\""),
            "tidak ada tag, cabang atau commit bernama `nope`"
        );
        assert_eq!(
            gix_words("something new"),
            "rincian dari gix: something new"
        );
    }

    #[test]
    fn only_files_loading_reads_are_extracted_each_within_its_limit() {
        for rel in [
            "sopan.yaml",
            "content/a/b/c.yaml",
            "content/a/b/c.yml",
            "content/halaman/x.md",
        ] {
            assert_eq!(read_limit(rel), Some(MAX_FILE_BYTES), "{rel}");
        }
        assert_eq!(read_limit("content/a/Logo.PNG"), Some(LOGO_MAX_BYTES));
        for rel in ["content/a/b/keputusan.pdf", "content/a.yaml/README", "x"] {
            assert_eq!(read_limit(rel), None, "{rel}");
        }
    }

    #[test]
    fn names_that_climb_out_are_not_plain() {
        for name in ["", ".", "..", "a/b", "a\\b"] {
            assert!(!safe_name(name), "{name:?}");
        }
        assert!(safe_name("surat-masuk.yaml") && safe_name("..x"));
    }
}
