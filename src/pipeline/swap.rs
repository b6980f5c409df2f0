//! The output folder itself: refusing a target that would harm the project, the build lock,
//! the staging folder prepared beside it and swapped in atomically (then the old one deleted in
//! the background), the recovery of what a killed build left, and single files written
//! atomically.

use std::path::{Path, PathBuf};

use crate::core::error::{Error, ErrorKind, IoAct, Place};
use crate::pipeline::output::MARKER;

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

/// Starts `rm -rf` on `path` without waiting for it, at the lowest priority (`nice -n 19`)
/// where `nice` exists: a build started right after this one competed with the deletion
/// for the cores and for the file system.
fn delete_in_background(path: &Path) -> bool {
    let start = |program: &str, pre: &[&str]| {
        std::process::Command::new(program)
            .args(pre)
            .arg("-rf")
            .arg("--")
            .arg(path)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .is_ok()
    };
    start("nice", &["-n", "19", "rm"]) || start("rm", &[])
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
    swap_in_keeping(tmp, dir, None)
}

/// Where the previous output of `dir` is kept for the next build to fill again
/// (`.<dir>.daur`, [`crate::pipeline::recycled`]).
pub(crate) fn kept_path(dir: &Path) -> PathBuf {
    sibling(dir, "daur", "output")
}

/// Moves the folder `from` to `keep` (see [`kept_path`]) unless something is there already;
/// whether it moved. A kept folder is never replaced: the one there may be in use.
pub(crate) fn move_to_kept(from: &Path, keep: &Path) -> bool {
    !keep.exists() && std::fs::rename(from, keep).is_ok()
}

/// [`swap_in`], moving the previous output to `keep` instead of deleting it (deleted after
/// all when it cannot be moved there).
pub(crate) fn swap_in_keeping(tmp: &Path, dir: &Path, keep: Option<&Path>) -> Result<(), Error> {
    let old = sibling(dir, "lama", "output");
    let done = |previous: &Path| match keep {
        Some(keep) if move_to_kept(previous, keep) => Ok(()),
        _ => discard(previous, dir),
    };
    if dir.exists() && exchange(tmp, dir) {
        // `tmp` now holds the previous output.
        return done(tmp);
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
        done(&old)?;
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

pub(crate) fn same_bytes(path: &Path, bytes: &[u8]) -> bool {
    same_content(path, bytes.len() as u64, |at, piece| {
        bytes.get(at..at + piece.len()) == Some(piece)
    })
}

/// Whether `path` is a regular file of `len` bytes whose every piece `same` accepts (`same`
/// gets the piece's offset and bytes, in order). The one comparison of an output file with
/// what is about to replace it: bytes in memory ([`same_bytes`]) or another file (a decree
/// book written in pieces, `staging::same_files`).
pub(crate) fn same_content(
    path: &Path,
    len: u64,
    mut same: impl FnMut(usize, &[u8]) -> bool,
) -> bool {
    use std::io::Read as _;
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_file() && m.len() == len => {
            let Ok(mut file) = std::fs::File::open(path) else {
                return false;
            };
            // Compared a piece at a time: reading each old file whole allocated (and faulted
            // in) 260 MB of fresh memory per rebuild of 1,000 SOPs.
            let mut buf = [0u8; 64 * 1024];
            let mut at = 0;
            loop {
                let n = match file.read(&mut buf) {
                    Ok(0) => return at as u64 == len,
                    Ok(n) => n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(_) => return false,
                };
                if !same(at, &buf[..n]) {
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
