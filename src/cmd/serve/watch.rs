//! Watching the project: `content/` and `themes/` recursively and the project folder itself for
//! `sopan.yaml` (directories, not files: editors save by writing a new file and renaming it).
//! Editor temp and backup files are ignored, and a burst of events becomes one change.
//!
//! A watch belongs to a folder, not to its name: when `content/`, `themes/` or the project
//! folder is deleted and created again (a `git checkout` of another branch, a restore from a
//! backup, `rm -rf content && cp -r ...`), the old watches die with the old folder and nothing
//! would be seen again. So the watcher checks, after an event on those names and every second,
//! that each is still the folder it watches (device and inode), and watches the new one when
//! it is not, and says so. The project folder itself cannot report its own return (nothing
//! above it is watched), hence the periodic check.
//!
//! Symbolic links are never followed while watching: `content/` with a link to `/usr` would
//! otherwise register a watch for every folder of `/usr` (17,036 seen), and the build refuses
//! links that lead out of the project anyway. A link inside `content/` to another place in
//! `content/` needs no watch of its own: its target is watched where it is. `content/` or
//! `themes/` that is itself a link out of the project is not watched.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher as _};

use crate::core::error::{Error, ErrorKind};

/// Quiet time that ends a burst of events (an editor's save is several events).
const SETTLE: Duration = Duration::from_millis(30);
/// A burst never delays a rebuild longer than this.
const MAX_WAIT: Duration = Duration::from_millis(600);
/// How often the watched folders are checked for having been replaced.
const CHECK: Duration = Duration::from_secs(1);

/// The folders watched: the project folder (for `sopan.yaml`, not recursively), then
/// `content/` and `themes/`.
const FOLDERS: [&str; 3] = ["", "content", "themes"];

/// What identifies a folder, whatever its name: a new folder under the old name differs.
type FolderId = (u64, u64);

/// A file system watcher over one project.
pub(crate) struct Watcher {
    root: PathBuf,
    rx: Receiver<notify::Result<notify::Event>>,
    // Kept alive: dropping it stops the events.
    inner: Box<dyn notify::Watcher + Send>,
    /// The folder watched under each of [`FOLDERS`] (`None`: absent, or a link out of the
    /// project). A folder whose watch failed is kept too, so the failure is reported once.
    watched: [Option<FolderId>; 3],
    /// Watched folders an event said were removed or renamed: their watch is gone even if a
    /// new folder got the old one's inode (ext4 reuses freed inodes at once).
    gone: [bool; 3],
    last_check: Instant,
}

impl Watcher {
    /// Starts watching `root` (canonical). `poll` polls every 300 ms instead of using the
    /// system's events (network and virtual file systems that have none).
    pub(crate) fn new(root: &Path, poll: bool) -> Result<Self, Error> {
        let (tx, rx) = channel();
        let inner: Box<dyn notify::Watcher + Send> = if poll {
            let config = notify::Config::default()
                .with_poll_interval(Duration::from_millis(300))
                .with_compare_contents(true)
                .with_follow_symlinks(false);
            Box::new(notify::PollWatcher::new(tx, config).map_err(|e| {
                Error::new(ErrorKind::Watch {
                    path: None,
                    suggest_poll: false,
                })
                .cause(e)
            })?)
        } else {
            let config = notify::Config::default().with_follow_symlinks(false);
            Box::new(notify::RecommendedWatcher::new(tx, config).map_err(|e| {
                Error::new(ErrorKind::Watch {
                    path: None,
                    suggest_poll: true,
                })
                .cause(e)
            })?)
        };
        let mut w = Watcher {
            root: root.to_path_buf(),
            rx,
            inner,
            watched: [None; 3],
            gone: [false; 3],
            last_check: Instant::now(),
        };
        for i in 0..FOLDERS.len() {
            let id = w.folder_id(i);
            w.watched[i] = id;
            if id.is_some() {
                w.attach(i).map_err(|e| {
                    Error::new(ErrorKind::Watch {
                        path: Some(w.path(i).to_path_buf()),
                        suggest_poll: true,
                    })
                    .cause(e)
                })?;
            }
        }
        Ok(w)
    }

    fn path(&self, i: usize) -> PathBuf {
        if FOLDERS[i].is_empty() {
            self.root.clone()
        } else {
            self.root.join(FOLDERS[i])
        }
    }

    /// The folder now under `FOLDERS[i]`, if it is one this watcher watches: present, a
    /// folder, and (through any link) inside the project.
    fn folder_id(&self, i: usize) -> Option<FolderId> {
        let path = self.path(i);
        let meta = std::fs::metadata(&path).ok()?;
        if !meta.is_dir() {
            return None;
        }
        if i > 0 && !path.canonicalize().ok()?.starts_with(&self.root) {
            return None;
        }
        Some(folder_id(&meta))
    }

    /// Watches what is now under `FOLDERS[i]`, dropping what was watched there before (a
    /// renamed-away folder would otherwise go on reporting its events under the old name).
    fn attach(&mut self, i: usize) -> notify::Result<()> {
        let path = self.path(i);
        let _ = self.inner.unwatch(&path);
        let mode = if i == 0 {
            RecursiveMode::NonRecursive
        } else {
            RecursiveMode::Recursive
        };
        self.inner.watch(&path, mode)
    }

    /// Checks that each watched folder is still the one watched; watches replaced and new
    /// ones, says so, and returns the first change (a rebuild is due: the whole folder may
    /// differ, and edits made before the new watch were not seen).
    fn recheck(&mut self) -> Option<String> {
        self.last_check = Instant::now();
        let mut first = None;
        for (i, folder) in FOLDERS.iter().enumerate() {
            let now = self.folder_id(i);
            let before = self.watched[i];
            if now == before && !self.gone[i] {
                continue;
            }
            self.watched[i] = now;
            self.gone[i] = false;
            let name = if i == 0 {
                "folder proyek".to_string()
            } else {
                format!("folder `{folder}/`")
            };
            let what = match (before, now) {
                (Some(_), Some(_)) => "diganti; pemantauan dipasang ulang",
                (None, Some(_)) => "muncul; kini dipantau",
                (Some(_), None) => "hilang; akan dipantau lagi begitu ada",
                (None, None) => continue,
            };
            let result = match now {
                Some(_) => self.attach(i),
                None => {
                    let _ = self.inner.unwatch(&self.path(i));
                    Ok(())
                }
            };
            match result {
                Ok(()) => eprintln!("  {name} {what}"),
                Err(e) => eprintln!(
                    "peringatan: {name} {}, tetapi gagal dipantau: {e}\n  perubahan di sana tidak terlihat; coba `sopan serve --poll`",
                    if before.is_some() {
                        "diganti"
                    } else {
                        "muncul"
                    }
                ),
            }
            first.get_or_insert_with(|| format!("{name} {}", what.split(';').next().unwrap_or("")));
        }
        first
    }

    /// Which of [`FOLDERS`] `p` names, if any.
    fn watched_folder(&self, p: &Path) -> Option<usize> {
        if p == self.root {
            return Some(0);
        }
        if p.parent() != Some(self.root.as_path()) {
            return None;
        }
        (1..FOLDERS.len()).find(|&i| p.file_name() == Some(FOLDERS[i].as_ref()))
    }

    /// Notes what `event` says about the watched folders; whether they need a check now.
    fn note(&mut self, event: &notify::Event) -> bool {
        let removed = matches!(
            event.kind,
            notify::EventKind::Remove(_)
                | notify::EventKind::Modify(notify::event::ModifyKind::Name(_))
        );
        let mut any = false;
        for p in &event.paths {
            if let Some(i) = self.watched_folder(p) {
                any = true;
                self.gone[i] |= removed;
            }
        }
        any
    }

    /// Blocks until a relevant change and its burst have settled; returns a short description
    /// (the first changed path, relative to the project, or the replaced folder).
    pub(crate) fn next_change(&mut self) -> String {
        let mut first: Option<String> = None;
        let mut started = Instant::now();
        loop {
            let timeout = if first.is_some() {
                SETTLE.min(MAX_WAIT.saturating_sub(started.elapsed()))
            } else {
                CHECK.saturating_sub(self.last_check.elapsed())
            };
            let mut recheck = false;
            let mut settled = false;
            match self.rx.recv_timeout(timeout) {
                // Reading a file is an event too (inotify reports opens and reads): only
                // changes count, or every build would trigger the next.
                Ok(Ok(event)) if event.kind.is_access() => {}
                // The system's event queue overflowed: changes were lost, so all is rebuilt
                // (and the folders checked).
                Ok(Ok(event)) if event.need_rescan() => {
                    recheck = true;
                    if first.is_none() {
                        first = Some("antrean pemberitahuan berkas penuh".to_string());
                        started = Instant::now();
                    }
                }
                Ok(Ok(event)) => {
                    recheck = self.note(&event);
                    if let Some(p) = event.paths.iter().find(|p| self.relevant(p)) {
                        if first.is_none() {
                            started = Instant::now();
                        }
                        // Name the file that was saved, not the temp file an editor renamed.
                        if first.is_none() || p.exists() {
                            first = Some(describe(&self.root, p));
                        }
                    }
                }
                // A watcher error (e.g. a removed folder) still means something changed.
                Ok(Err(_)) => {
                    recheck = true;
                    if first.is_none() {
                        first = Some(describe(&self.root, &self.root));
                        started = Instant::now();
                    }
                }
                Err(RecvTimeoutError::Timeout) => settled = first.is_some(),
                Err(RecvTimeoutError::Disconnected) => {
                    std::thread::sleep(Duration::from_millis(500));
                    return String::from("pemantau berhenti");
                }
            }
            if (recheck || self.last_check.elapsed() >= CHECK)
                && let Some(change) = self.recheck()
                && first.is_none()
            {
                first = Some(change);
                started = Instant::now();
            }
            if settled && let Some(change) = first {
                return change;
            }
        }
    }

    /// Files under `content/` and `themes/`, `sopan.yaml` and `sinonim.yaml`; never editor
    /// temp files.
    fn relevant(&self, p: &Path) -> bool {
        let Ok(rel) = p.strip_prefix(&self.root) else {
            return false;
        };
        let mut parts = rel.components();
        let Some(top) = parts.next() else {
            return false;
        };
        let top = top.as_os_str();
        let inside = top == "content" || top == "themes";
        if !(inside || rel.as_os_str() == "sopan.yaml" || rel.as_os_str() == "sinonim.yaml") {
            return false;
        }
        !is_temp_file(p)
    }
}

/// The identity of a folder from its metadata: device and inode.
#[cfg(unix)]
fn folder_id(meta: &std::fs::Metadata) -> FolderId {
    use std::os::unix::fs::MetadataExt as _;
    (meta.dev(), meta.ino())
}

/// Without inodes a replaced folder cannot be told from the old one; its absence and return
/// still can.
#[cfg(not(unix))]
fn folder_id(_: &std::fs::Metadata) -> FolderId {
    (0, 0)
}

fn describe(root: &Path, p: &Path) -> String {
    p.strip_prefix(root)
        .map(|r| r.display().to_string())
        .unwrap_or_else(|_| p.display().to_string())
}

/// Editor swap, backup and temp files (after zola's list): vim `.swp`/`.swx`/`4913`, emacs
/// `#x#`/`.#x`, `~` backups, JetBrains `___jb_tmp___`, kate `.kate-swp`, `.tmp`, `.bck`.
pub(crate) fn is_temp_file(p: &Path) -> bool {
    let Some(name) = p.file_name().and_then(|n| n.to_str()) else {
        return true;
    };
    name.ends_with('~')
        || name.starts_with(".#")
        || (name.starts_with('#') && name.ends_with('#'))
        || name == "4913"
        || name.ends_with("___jb_tmp___")
        || name.ends_with("___jb_old___")
        || [".swp", ".swx", ".tmp", ".kate-swp", ".bck"]
            .iter()
            .any(|ext| name.ends_with(ext))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_temp_files_are_ignored_and_content_is_not() {
        for t in [
            "a.yaml~",
            ".a.yaml.swp",
            "4913",
            "#a.yaml#",
            ".#a.yaml",
            "a.yaml___jb_tmp___",
            "x.tmp",
        ] {
            assert!(is_temp_file(Path::new(t)), "{t}");
        }
        for f in ["surat-masuk.yaml", "_bidang.yaml", "sop.typ", "logo.png"] {
            assert!(!is_temp_file(Path::new(f)), "{f}");
        }
    }
}
