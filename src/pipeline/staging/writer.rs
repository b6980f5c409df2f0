//! The writer thread of the staging folder ([`super::Staging::put_later`]).

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use super::{Folders, Made, Vouched, create_or_link, make_parent, relink, still_recorded};
use crate::core::error::{Error, IoAct};
use crate::core::sync::lock;
use crate::pipeline::manifest::Recorded;
use crate::pipeline::output::Blob;

/// A thread that creates files in the staging folder, so the stage that made them (the open
/// data, the pages: thousands of small files) goes on while they are written: creating them
/// on the main thread cost a cold build of 1,000 SOPs 0.5–1 s with a core idle.
pub(super) struct Writer {
    pub(super) jobs: std::sync::mpsc::Sender<Job>,
    /// Bytes handed over and not yet written (bounded by [`WRITER_BUDGET`]).
    pending: Arc<(Mutex<usize>, std::sync::Condvar)>,
    pub(super) thread: std::thread::JoinHandle<Written>,
}

/// A file for the writer: where, the previous output's file of that path with what the
/// last build recorded of it, the bytes.
pub(super) struct Job {
    pub(super) path: String,
    pub(super) target: PathBuf,
    pub(super) old: Option<(PathBuf, Option<Recorded>)>,
    pub(super) blob: Arc<Blob>,
    /// The kept tree had a file at this path (see [`relink`]).
    pub(super) there: bool,
}

/// What a writer did: files written, files linked, and the first write that failed.
type Written = (usize, usize, Option<Error>);

/// Bytes handed to the writer and not yet written, at most (a larger file still goes alone):
/// its memory stays bounded (32 MiB cost a one-change build of 1,000 SOPs 70–100 MB of peak
/// memory), and most of the open data fits at once.
const WRITER_BUDGET: usize = 8 << 20;

impl Writer {
    pub(super) fn start(root: PathBuf, dirs: Folders, vouched: Vouched) -> Option<Writer> {
        let (jobs, queue) = std::sync::mpsc::channel::<Job>();
        let pending = Arc::new((Mutex::new(0usize), std::sync::Condvar::new()));
        let done = pending.clone();
        let thread = std::thread::Builder::new()
            .name("sopan-tulis".into())
            .spawn(move || {
                let (mut written, mut linked, mut failed) = (0, 0, None);
                for Job {
                    path,
                    target,
                    old,
                    blob,
                    there,
                } in queue
                {
                    let made = make_parent(&root, &dirs, &path).and_then(|()| match &old {
                        Some((old, Some(rec))) if still_recorded(old, rec) => {
                            relink(old, &target, there).map(|()| {
                                lock(&vouched).insert(path.clone());
                                Made::Linked
                            })
                        }
                        _ => create_or_link(
                            &target,
                            old.as_ref().map(|(p, _)| p.as_path()),
                            blob.bytes(),
                            there,
                        ),
                    });
                    let (pending, freed) = &*done;
                    *lock(pending) -= blob.len();
                    freed.notify_all();
                    drop(blob);
                    match made {
                        Ok(Made::Written) => written += 1,
                        Ok(Made::Linked) => linked += 1,
                        Err(e) => {
                            failed.get_or_insert(Error::io(IoAct::Write, &target, e));
                        }
                    }
                }
                (written, linked, failed)
            })
            .ok()?;
        Some(Writer {
            jobs,
            pending,
            thread,
        })
    }

    /// Hands `job` over, first waiting while the bytes pending would pass the budget.
    pub(super) fn send(&self, job: Job) -> bool {
        let len = job.blob.len();
        let (bytes, freed) = &*self.pending;
        let mut pending = lock(bytes);
        while *pending > 0 && *pending + len > WRITER_BUDGET {
            pending = freed
                .wait(pending)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
        }
        *pending += len;
        drop(pending);
        self.jobs.send(job).is_ok()
    }
}
