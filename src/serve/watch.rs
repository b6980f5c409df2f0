//! Watching the project: `content/` and `themes/` recursively and the project folder itself for
//! `sopan.yaml` (directories, not files: editors save by writing a new file and renaming it).
//! Editor temp and backup files are ignored, and a burst of events becomes one change.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use notify::RecursiveMode;

use crate::error::Error;

/// Quiet time that ends a burst of events (an editor's save is several events).
const SETTLE: Duration = Duration::from_millis(30);
/// A burst never delays a rebuild longer than this.
const MAX_WAIT: Duration = Duration::from_millis(600);

/// A file system watcher over one project.
pub(crate) struct Watcher {
    root: PathBuf,
    rx: Receiver<notify::Result<notify::Event>>,
    // Kept alive: dropping it stops the events.
    _inner: Box<dyn notify::Watcher + Send>,
}

impl Watcher {
    /// Starts watching `root` (canonical). `poll` polls every 300 ms instead of using the
    /// system's events (network and virtual file systems that have none).
    pub(crate) fn new(root: &Path, poll: bool) -> Result<Self, Error> {
        let (tx, rx) = channel();
        let mut inner: Box<dyn notify::Watcher + Send> = if poll {
            let config = notify::Config::default()
                .with_poll_interval(Duration::from_millis(300))
                .with_compare_contents(true);
            Box::new(
                notify::PollWatcher::new(tx, config)
                    .map_err(|e| Error::new("gagal memantau berkas").cause(e))?,
            )
        } else {
            Box::new(notify::recommended_watcher(tx).map_err(|e| {
                Error::new("gagal memantau berkas")
                    .cause(e)
                    .hint("coba `sopan serve --poll`")
            })?)
        };
        let watch = |inner: &mut Box<dyn notify::Watcher + Send>, p: &Path, mode| {
            inner.watch(p, mode).map_err(|e| {
                Error::new(format!("gagal memantau `{}`", p.display()))
                    .cause(e)
                    .hint("coba `sopan serve --poll`")
            })
        };
        watch(&mut inner, root, RecursiveMode::NonRecursive)?;
        for dir in ["content", "themes"] {
            let d = root.join(dir);
            if d.is_dir() {
                watch(&mut inner, &d, RecursiveMode::Recursive)?;
            }
        }
        Ok(Watcher {
            root: root.to_path_buf(),
            rx,
            _inner: inner,
        })
    }

    /// Blocks until a relevant change and its burst have settled; returns a short description
    /// (the first changed path, relative to the project).
    pub(crate) fn next_change(&self) -> String {
        let mut first: Option<PathBuf> = None;
        let mut started = Instant::now();
        loop {
            let timeout = if first.is_some() {
                SETTLE.min(MAX_WAIT.saturating_sub(started.elapsed()))
            } else {
                Duration::from_secs(3600)
            };
            match self.rx.recv_timeout(timeout) {
                // Reading a file is an event too (inotify reports opens and reads): only
                // changes count, or every build would trigger the next.
                Ok(Ok(event)) if event.kind.is_access() => {}
                Ok(Ok(event)) => {
                    if let Some(p) = event.paths.iter().find(|p| self.relevant(p)) {
                        if first.is_none() {
                            started = Instant::now();
                        }
                        // Name the file that was saved, not the temp file an editor renamed.
                        if first.is_none() || p.exists() {
                            first = Some(p.clone());
                        }
                    }
                }
                // A watcher error (e.g. a removed folder) still means something changed.
                Ok(Err(_)) => {
                    if first.is_none() {
                        first = Some(self.root.clone());
                        started = Instant::now();
                    }
                }
                Err(RecvTimeoutError::Timeout) => {
                    if let Some(p) = first {
                        return describe(&self.root, &p);
                    }
                }
                Err(RecvTimeoutError::Disconnected) => {
                    std::thread::sleep(Duration::from_millis(500));
                    return String::from("pemantau berhenti");
                }
            }
        }
    }

    /// Files under `content/` and `themes/`, and `sopan.yaml`; never editor temp files.
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
        if !(inside || (rel.as_os_str() == "sopan.yaml")) {
            return false;
        }
        !is_temp_file(p)
    }
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
