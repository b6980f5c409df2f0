//! Git: other versions of the project read straight from its repository (pure Rust, gix): a
//! revision's files for `sopan diff`, and the commits that changed each file for the site's
//! history. Nothing here writes to the repository.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use gix::ObjectId;

use crate::error::Error;

/// The entries of one tree: name → (id, is a tree).
type Entries = BTreeMap<String, (ObjectId, bool)>;

/// A repository and where the project sits in it.
pub struct Repo {
    repo: gix::Repository,
    /// The project folder relative to the work tree, `""` or ending in `/`.
    prefix: String,
    /// Trees already decoded, by id: a tree never changes, and the history reads the same root,
    /// `content/` and bidang trees for every file of every commit.
    trees: std::sync::Mutex<std::collections::HashMap<ObjectId, std::sync::Arc<Entries>>>,
}

/// What sopan needs of a commit.
#[derive(Clone, Debug)]
pub struct Commit {
    /// Its id.
    pub id: ObjectId,
    /// Its root tree.
    pub tree: ObjectId,
    /// Its parents.
    pub parents: Vec<ObjectId>,
    /// Committer time: seconds since 1970 plus the committer's UTC offset, so the date is the
    /// one the committer saw.
    pub local_secs: i64,
    /// The first line of its message.
    pub summary: String,
}

impl Commit {
    /// The first seven hex digits of its id.
    pub fn short(&self) -> String {
        self.id.to_hex_with_len(7).to_string()
    }
}

fn git_error(doing: &str, e: impl std::fmt::Display) -> Error {
    Error::new(format!("gagal {doing}")).cause(e)
}

impl Repo {
    /// The repository holding `root`, if there is one.
    pub fn discover(root: &Path) -> Option<Repo> {
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
    pub fn is_shallow(&self) -> bool {
        self.repo.is_shallow().unwrap_or(false)
    }

    /// The commit HEAD points at, if any.
    pub fn head(&self) -> Option<Commit> {
        let id = self.repo.head_id().ok()?.detach();
        self.commit(id).ok()
    }

    /// The commit a revision names: `HEAD~3`, `v2022`, a hash.
    pub fn resolve(&self, rev: &str) -> Result<Commit, Error> {
        let id = self
            .repo
            .rev_parse_single(rev)
            .map_err(|e| {
                Error::new(format!("revisi git `{rev}` tidak ditemukan"))
                    .cause(e)
                    .hint("sebutkan tag, cabang atau commit yang ada, mis. `HEAD~1`, `v2022`; lihat `git log --oneline`")
            })?
            .object()
            .map_err(|e| git_error(&format!("membaca revisi `{rev}`"), e))?
            .peel_to_commit()
            .map_err(|e| {
                Error::new(format!("revisi git `{rev}` bukan commit")).cause(e)
            })?
            .id;
        self.commit(id)
    }

    /// Reads one commit.
    pub fn commit(&self, id: ObjectId) -> Result<Commit, Error> {
        let doing = || format!("membaca commit {}", id.to_hex_with_len(7));
        let c = self
            .repo
            .find_commit(id)
            .map_err(|e| git_error(&doing(), e))?;
        let time = c.time().map_err(|e| git_error(&doing(), e))?;
        let summary = c
            .message()
            .map(|m| m.summary().to_string())
            .unwrap_or_default();
        Ok(Commit {
            id,
            tree: c.tree_id().map_err(|e| git_error(&doing(), e))?.detach(),
            parents: c.parent_ids().map(|p| p.detach()).collect(),
            local_secs: time.seconds + i64::from(time.offset),
            summary,
        })
    }

    /// Every ancestor of HEAD (HEAD included), newest first; ties by id, so the order is stable.
    pub fn log(&self) -> Result<Vec<Commit>, Error> {
        let Some(head) = self.head() else {
            return Ok(Vec::new());
        };
        let walk = self
            .repo
            .rev_walk([head.id])
            .all()
            .map_err(|e| git_error("menelusuri riwayat git", e))?;
        let mut out = Vec::new();
        for info in walk {
            let info = info.map_err(|e| git_error("menelusuri riwayat git", e))?;
            out.push(self.commit(info.id)?);
        }
        out.sort_by(|a, b| b.local_secs.cmp(&a.local_secs).then(b.id.cmp(&a.id)));
        Ok(out)
    }

    /// The tags naming each commit.
    pub fn tags(&self) -> BTreeMap<ObjectId, Vec<String>> {
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
        if let Some(e) = crate::sync::lock(&self.trees).get(&tree) {
            return std::sync::Arc::clone(e);
        }
        let mut out = Entries::new();
        if let Ok(t) = self.repo.find_tree(tree)
            && let Ok(decoded) = t.decode()
        {
            for e in &decoded.entries {
                if e.mode.is_tree() || e.mode.is_blob() {
                    out.insert(e.filename.to_string(), (e.oid.to_owned(), e.mode.is_tree()));
                }
            }
        }
        let out = std::sync::Arc::new(out);
        crate::sync::lock(&self.trees).insert(tree, std::sync::Arc::clone(&out));
        out
    }

    /// The object at `path` (relative to the project) in `tree`.
    fn at(&self, tree: ObjectId, path: &str) -> Option<(ObjectId, bool)> {
        let full = format!("{}{path}", self.prefix);
        let mut cur = (tree, true);
        for part in full.split('/').filter(|p| !p.is_empty()) {
            if !cur.1 {
                return None;
            }
            cur = *self.entries(cur.0).get(part)?;
        }
        Some(cur)
    }

    /// The bytes of the file at `path` (relative to the project) in `commit`.
    pub fn file(&self, commit: &Commit, path: &str) -> Option<Vec<u8>> {
        self.blob(self.file_id(commit, path)?)
    }

    /// The id of the file at `path` in `commit`.
    pub fn file_id(&self, commit: &Commit, path: &str) -> Option<ObjectId> {
        self.at(commit.tree, path)
            .filter(|(_, t)| !t)
            .map(|(id, _)| id)
    }

    /// The bytes of a file by its id.
    pub fn blob(&self, id: ObjectId) -> Option<Vec<u8>> {
        Some(self.repo.find_blob(id).ok()?.data.clone())
    }

    /// Paths (relative to the project) of files under `dir` that differ between the two
    /// commits; every file under it when `old` is `None`.
    pub fn changed(&self, new: &Commit, old: Option<&Commit>, dir: &str) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        let a = self.at(new.tree, dir).filter(|x| x.1).map(|x| x.0);
        let b = old
            .and_then(|o| self.at(o.tree, dir))
            .filter(|x| x.1)
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
            let tree = |v: Option<&(ObjectId, bool)>| v.filter(|e| e.1).map(|e| e.0);
            if x.is_some_and(|e| e.1) || y.is_some_and(|e| e.1) {
                self.changed_trees(tree(x), tree(y), &child, out);
            }
            if x.is_some_and(|e| !e.1) || y.is_some_and(|e| !e.1) {
                out.insert(child);
            }
        }
    }

    /// Writes the project's files as they were in `commit` (`sopan.yaml`, the audit's
    /// `peraturan-dicabut.yaml`, `themes/` and `content/`) into `dest`, which must be empty.
    pub fn extract(&self, commit: &Commit, dest: &Path) -> Result<(), Error> {
        for name in ["sopan.yaml", crate::audit::dicabut::PROJECT_FILE] {
            if let Some(bytes) = self.file(commit, name) {
                write(&dest.join(name), &bytes)?;
            }
        }
        for dir in ["content", "themes"] {
            if let Some((tree, true)) = self.at(commit.tree, dir) {
                self.extract_tree(tree, &dest.join(dir))?;
            }
        }
        Ok(())
    }

    fn extract_tree(&self, tree: ObjectId, dest: &Path) -> Result<(), Error> {
        std::fs::create_dir_all(dest)
            .map_err(|e| Error::io(format!("gagal membuat folder `{}`", dest.display()), e))?;
        for (name, &(id, is_tree)) in self.entries(tree).iter() {
            // Names come from the repository: never let one climb out of `dest`.
            if name.contains('/') || name == ".." || name == "." {
                continue;
            }
            let path: PathBuf = dest.join(name);
            if is_tree {
                self.extract_tree(id, &path)?;
            } else {
                let blob = self
                    .repo
                    .find_blob(id)
                    .map_err(|e| git_error(&format!("membaca `{name}` dari git"), e))?;
                write(&path, &blob.data)?;
            }
        }
        Ok(())
    }
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| Error::io(format!("gagal membuat folder `{}`", dir.display()), e))?;
    }
    std::fs::write(path, bytes)
        .map_err(|e| Error::io(format!("gagal menulis `{}`", path.display()), e))
}
