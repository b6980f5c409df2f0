//! The previous output, kept after the swap (`.<output>.daur`) and filled again as the next
//! build's staging folder, instead of deleting it and building a new tree of folders.
//!
//! Most of a rebuild is unchanged, so the kept tree already holds most files (the very files
//! of the live output: hard links to the same inodes) in their folders. The staging folder
//! keeps such a file where it is ([`super::staging`] compares inodes), replaces the others by
//! name (never writing through a file that may be the live output's), and this module
//! removes, before the swap, whatever the new output does not have ([`Recycled::sweep`]).
//! Measured on a build after one changed SOP of 1,000 (with decree books; this machine's ext4
//! without a journal skips recently deleted inodes when it allocates one, so each of the
//! 1,044 new folders searched past the thousands the builds before had deleted): perf put
//! 0.45 s of its 2.0 s of CPU in `mkdir` of the staging tree, and the background `rm` of the
//! previous output ran beside it. Filling the kept tree instead, such builds a few seconds
//! apart took 0.80–0.83 s (kernel 0.22–0.29 s), against 1.30–1.67 s (kernel 0.79–1.07 s).

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use crate::pipeline::output::MARKER;

/// What a kept tree held when the build took it over: its files and folders, as paths
/// relative to it. Anything else in it (a symbolic link, a device) was removed then.
#[derive(Debug, Default)]
pub(crate) struct Recycled {
    files: HashSet<String>,
    dirs: HashSet<String>,
}

impl Recycled {
    /// Lists the tree at `dir` (never following a link), removing what is neither a regular
    /// file nor a folder: a link left in a kept folder must not lead a later write elsewhere.
    pub(crate) fn walk(dir: &Path) -> std::io::Result<Recycled> {
        let mut found = Recycled::default();
        let mut todo = vec![String::new()];
        while let Some(rel) = todo.pop() {
            for entry in std::fs::read_dir(dir.join(&rel))? {
                let entry = entry?;
                let Some(name) = entry.file_name().to_str().map(str::to_string) else {
                    // Never a name sopan writes: removed with the other strays.
                    remove_any(&entry.path())?;
                    continue;
                };
                let path = if rel.is_empty() {
                    name
                } else {
                    format!("{rel}/{name}")
                };
                let kind = entry.file_type()?;
                if kind.is_dir() {
                    found.dirs.insert(path.clone());
                    todo.push(path);
                } else if kind.is_file() {
                    found.files.insert(path);
                } else {
                    std::fs::remove_file(entry.path())?;
                }
            }
        }
        Ok(found)
    }

    /// Whether the tree held a regular file at `path`.
    pub(crate) fn has_file(&self, path: &str) -> bool {
        self.files.contains(path)
    }

    /// The folders of the tree.
    pub(crate) fn dirs(&self) -> impl Iterator<Item = &String> {
        self.dirs.iter()
    }

    /// Removes from the tree at `dir` every file and folder that `kept` (the new output's
    /// files, by path) does not have, so the tree holds exactly the new output.
    pub(crate) fn sweep<T>(&self, dir: &Path, kept: &BTreeMap<String, T>) -> std::io::Result<()> {
        // The folders the new output has: a file of the tree may have made way for one, a
        // folder for a file (both already replaced by the build, so left here).
        let needed: HashSet<&str> = kept
            .keys()
            .flat_map(|p| p.match_indices('/').map(move |(i, _)| &p[..i]))
            .collect();
        for path in &self.files {
            if path != MARKER && !kept.contains_key(path) && !needed.contains(path.as_str()) {
                remove_gone(&dir.join(path))?;
            }
        }
        // Deepest first: a folder's subfolders are gone before it is.
        let mut gone: Vec<&String> = self
            .dirs
            .iter()
            .filter(|d| !needed.contains(d.as_str()) && !kept.contains_key(*d))
            .collect();
        gone.sort_by_key(|d| std::cmp::Reverse(d.matches('/').count()));
        for d in gone {
            remove_gone(&dir.join(d))?;
        }
        Ok(())
    }
}

/// Removes `path`, a file or a whole folder (never following a link).
pub(crate) fn remove_any(path: &Path) -> std::io::Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.is_dir() => std::fs::remove_dir_all(path),
        Ok(_) => std::fs::remove_file(path),
        Err(e) => Err(e),
    }
}

/// [`remove_any`], content when there is nothing to remove (gone already, or a folder on
/// its path made way for a file).
pub(crate) fn remove_gone(path: &Path) -> std::io::Result<()> {
    use std::io::ErrorKind::{NotADirectory, NotFound};
    match remove_any(path) {
        Err(e) if matches!(e.kind(), NotFound | NotADirectory) => Ok(()),
        other => other,
    }
}

/// Whether `a` and `b` are the same file (device and inode): a kept tree's file that is the
/// live output's file of the same path stays as it is.
#[cfg(unix)]
pub(crate) fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt as _;
    match (std::fs::symlink_metadata(a), std::fs::symlink_metadata(b)) {
        (Ok(a), Ok(b)) => a.is_file() && b.is_file() && a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
pub(crate) fn same_file(_: &Path, _: &Path) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_walk_lists_files_and_folders_and_removes_links() {
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path();
        std::fs::create_dir_all(d.join("a/b")).unwrap();
        std::fs::write(d.join("a/b/x.pdf"), b"x").unwrap();
        std::fs::write(d.join("y.html"), b"y").unwrap();
        std::os::unix::fs::symlink("/etc", d.join("a/tautan")).unwrap();
        let r = Recycled::walk(d).unwrap();
        assert!(r.has_file("a/b/x.pdf") && r.has_file("y.html"));
        assert!(!r.has_file("a/tautan"));
        let mut dirs: Vec<&String> = r.dirs().collect();
        dirs.sort();
        assert_eq!(dirs, ["a", "a/b"]);
        assert!(std::fs::symlink_metadata(d.join("a/tautan")).is_err());
    }

    #[test]
    fn a_sweep_leaves_exactly_the_kept_files() {
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path();
        for f in ["a/b/x.pdf", "a/c/z.svg", "y.html", MARKER] {
            std::fs::create_dir_all(d.join(f).parent().unwrap()).unwrap();
            std::fs::write(d.join(f), b"isi").unwrap();
        }
        let r = Recycled::walk(d).unwrap();
        let kept = BTreeMap::from([("a/b/x.pdf".to_string(), ()), ("y.html/z".into(), ())]);
        // The build made `y.html` a folder first (as the staging folder does).
        std::fs::remove_file(d.join("y.html")).unwrap();
        std::fs::create_dir(d.join("y.html")).unwrap();
        std::fs::write(d.join("y.html/z"), b"z").unwrap();
        r.sweep(d, &kept).unwrap();
        assert!(d.join("y.html/z").exists());
        assert!(d.join("a/b/x.pdf").exists() && d.join(MARKER).exists());
        assert!(!d.join("a/c").exists(), "a folder of strays goes whole");
    }

    #[test]
    fn the_same_file_is_told_by_its_inode() {
        let tmp = tempfile::tempdir().unwrap();
        let (a, b, c) = (
            tmp.path().join("a"),
            tmp.path().join("b"),
            tmp.path().join("c"),
        );
        std::fs::write(&a, b"isi").unwrap();
        std::fs::hard_link(&a, &b).unwrap();
        std::fs::write(&c, b"isi").unwrap();
        assert!(same_file(&a, &b));
        assert!(!same_file(&a, &c), "equal bytes are not the same file");
        assert!(!same_file(&a, &tmp.path().join("tidak-ada")));
    }
}
