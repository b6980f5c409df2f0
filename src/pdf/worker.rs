//! PDF worker processes: `sopan build` on a large site hands its SOP documents to one hidden
//! `sopan __pekerja-pdf` process per core. Typst's memo caches are process-wide and the threads
//! of one process contend on them (1,000 SOPs scaled 1.4x on 2 threads); processes do not.
//!
//! Protocol, parent → worker stdin: one JSON line with the project root, theme name and
//! renderer setup, then one `SopJob` JSON per line, each sent when the worker has returned all
//! but one of the jobs before it. Worker → parent stdout, per job in order:
//! the number of files (u32 LE), then per file its path (u32 LE length + UTF-8) and bytes
//! (u64 LE length + bytes). A failing job ends the worker with its message on stderr.

use std::io::{BufRead as _, BufReader, BufWriter, Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};

use serde::{Deserialize, Serialize};

use crate::core::error::WorkerAct;
use crate::core::error::{Error, ErrorKind};
use crate::pdf::renderer::{Files, PdfRenderer, RendererSetup, SopJob, WorkerSetup};
use crate::pipeline::disk_cache::Shared;
use crate::pipeline::theme::Theme;

/// The hidden subcommand a worker runs as.
pub(crate) const COMMAND: &str = "__pekerja-pdf";

#[derive(Serialize, Deserialize)]
struct Header {
    root: PathBuf,
    tema: String,
    setup: RendererSetup,
}

/// Compiles the jobs `next` hands out (each with its number; made as a worker needs one) in
/// `n` worker processes; returns what `done` made of each job's files (as they arrive:
/// `sopan build` writes them out at once), with the job's number.
pub(crate) fn compile(
    ws: &WorkerSetup,
    next: &(dyn Fn() -> Option<(usize, SopJob)> + Sync),
    n: usize,
    tick: &(dyn Fn() + Sync),
    done: &(dyn Fn(Files) -> Shared + Sync),
) -> Result<Vec<(usize, Shared)>, Error> {
    let exe = std::env::current_exe().map_err(|e| worker_io(WorkerAct::FindExe, e))?;
    let header = serde_json::to_string(&Header {
        root: ws.root.to_path_buf(),
        tema: ws.tema.to_string(),
        setup: ws.setup.clone(),
    })
    .expect("header serialises");
    // Jobs are handed out one at a time as workers finish them, largest first: a fixed share
    // per worker (every n-th job) left one worker idle for 0.2–0.85 s at the end of 1,000 SOPs.
    let results: Vec<Result<Vec<(usize, Shared)>, Error>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..n)
            .map(|_| {
                let (header, exe) = (&header, &exe);
                scope.spawn(move || run_one(exe, header, next, tick, done))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    let mut all = Vec::new();
    for result in results {
        all.extend(result?);
    }
    Ok(all)
}

fn worker_error(detail: impl std::fmt::Display) -> Error {
    Error::new(ErrorKind::Worker).cause(detail)
}

/// Jobs a worker holds at once: one compiling and one waiting, so it never idles between two.
const IN_FLIGHT: usize = 2;

/// Runs one worker, handing it the next job (from `next`, shared by all workers) whenever it
/// returns one, and reads back the files of each job it ran.
fn run_one(
    exe: &std::path::Path,
    header: &str,
    next: &(dyn Fn() -> Option<(usize, SopJob)> + Sync),
    tick: &(dyn Fn() + Sync),
    done: &(dyn Fn(Files) -> Shared + Sync),
) -> Result<Vec<(usize, Shared)>, Error> {
    let mut child = Command::new(exe)
        .arg(COMMAND)
        // One worker per core already fills the cores; Typst's own rayon pool on top of that
        // only adds threads contending for them (1,000 SOPs: 12.1–12.3 s with one rayon thread
        // per worker against 13.5–14.5 s with one per core).
        .env("RAYON_NUM_THREADS", "1")
        // A worker frees each document's memory and at once needs as much for the next: it
        // keeps what it frees, as the main process does (set at its start, core/memory.rs).
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| worker_io(WorkerAct::Spawn, e))?;
    let stdin = child.stdin.take().expect("piped");
    let stdout = child.stdout.take().expect("piped");
    larger_pipe(&stdout);
    let mut stderr = child.stderr.take().expect("piped");
    let read = std::thread::scope(|scope| {
        let err = scope.spawn(move || {
            let mut text = String::new();
            let _ = stderr.read_to_string(&mut text);
            text
        });
        // A job is a few kilobytes of JSON and at most two are unread, so writing never waits
        // on a worker that is itself waiting for its results to be read.
        let mut input = Some(BufWriter::new(stdin));
        let mut sent = std::collections::VecDeque::new();
        // A job taken but not written (the worker is gone) would be missing from the output.
        let mut lost = false;
        let mut send = |input: &mut Option<BufWriter<std::process::ChildStdin>>,
                        sent: &mut std::collections::VecDeque<usize>| {
            let Some(w) = input.as_mut() else { return };
            let Some((k, job)) = next() else {
                // No job left: closing stdin ends the worker.
                *input = None;
                return;
            };
            let line = serde_json::to_string(&job).expect("job serialises");
            if writeln!(w, "{line}").and_then(|()| w.flush()).is_ok() {
                sent.push_back(k);
            } else {
                lost = true;
                *input = None;
            }
        };
        if let Some(w) = input.as_mut() {
            let _ = writeln!(w, "{header}");
        }
        for _ in 0..IN_FLIGHT {
            send(&mut input, &mut sent);
        }
        let mut r = BufReader::new(stdout);
        let mut all = Vec::new();
        let mut failure = None;
        while let Some(k) = sent.pop_front() {
            match read_files(&mut r) {
                Ok(files) => {
                    tick();
                    all.push((k, done(files)));
                    send(&mut input, &mut sent);
                }
                Err(e) => {
                    failure = Some(e);
                    break;
                }
            }
        }
        drop(input);
        let err = err.join().unwrap_or_default();
        (all, failure, err, lost)
    });
    let status = child.wait().map_err(|e| worker_io(WorkerAct::Wait, e))?;
    let (all, failure, err, lost) = read;
    if lost && status.success() && failure.is_none() {
        return Err(worker_error("sebagian dokumen tidak dikembalikan"));
    }
    if !status.success() || failure.is_some() {
        let detail = if err.trim().is_empty() {
            failure.map_or_else(|| status.to_string(), |e| e.to_string())
        } else {
            err.trim().to_string()
        };
        return Err(worker_error(detail));
    }
    Ok(all)
}

/// A worker sends about 250 KB per document; Linux pipes hold 64 KB, so the worker and the
/// reader took turns in small steps. 1 MB lets a document pass in one go.
#[cfg(target_os = "linux")]
fn larger_pipe(pipe: &std::process::ChildStdout) {
    let _ = rustix::pipe::fcntl_setpipe_size(pipe, 1 << 20);
}

#[cfg(not(target_os = "linux"))]
fn larger_pipe(_: &std::process::ChildStdout) {}

fn read_files(r: &mut impl Read) -> std::io::Result<Files> {
    let mut n4 = [0u8; 4];
    r.read_exact(&mut n4)?;
    let count = u32::from_le_bytes(n4);
    let mut files = Vec::with_capacity(count as usize);
    for _ in 0..count {
        r.read_exact(&mut n4)?;
        let mut path = vec![0u8; u32::from_le_bytes(n4) as usize];
        r.read_exact(&mut path)?;
        let mut n8 = [0u8; 8];
        r.read_exact(&mut n8)?;
        let len = usize::try_from(u64::from_le_bytes(n8))
            .map_err(|_| std::io::Error::other("berkas terlalu besar"))?;
        // Read into uninitialised capacity: zeroing 400 MB first only to overwrite it cost
        // page faults twice.
        let mut bytes = Vec::with_capacity(len);
        r.by_ref().take(len as u64).read_to_end(&mut bytes)?;
        if bytes.len() != len {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        let path = String::from_utf8(path).map_err(std::io::Error::other)?;
        files.push((path, bytes));
    }
    Ok(files)
}

fn write_files(w: &mut impl Write, files: &Files) -> std::io::Result<()> {
    let count = u32::try_from(files.len()).map_err(std::io::Error::other)?;
    w.write_all(&count.to_le_bytes())?;
    for (path, bytes) in files {
        let plen = u32::try_from(path.len()).map_err(std::io::Error::other)?;
        w.write_all(&plen.to_le_bytes())?;
        w.write_all(path.as_bytes())?;
        w.write_all(&(bytes.len() as u64).to_le_bytes())?;
        w.write_all(bytes)?;
    }
    Ok(())
}

/// The worker side: read the header and the jobs from stdin, write each job's files to stdout.
pub(crate) fn serve_stdin() -> Result<i32, Error> {
    let stdin = std::io::stdin().lock();
    let mut lines = stdin.lines();
    let header = lines
        .next()
        .ok_or_else(|| {
            Error::new(ErrorKind::WorkerIo {
                act: WorkerAct::NoHeader,
            })
        })?
        .map_err(|e| worker_io(WorkerAct::Read, e))?;
    let header: Header =
        serde_json::from_str(&header).map_err(|e| worker_io(WorkerAct::BadHeader, e))?;
    let theme = Theme::load(&header.root, &header.tema)?;
    let renderer = PdfRenderer::from_setup(&theme, &header.setup)?;
    let mut out = BufWriter::new(std::io::stdout().lock());
    // Each document is compiled inside a one-thread pool, as in `compile_in_threads`: called
    // from this thread, Typst's parallel layout and export handed each part to the pool's
    // thread and waited for it, so every document went back and forth between two threads.
    let pool = crate::pdf::renderer::own_pool();
    for line in lines {
        let line = line.map_err(|e| worker_io(WorkerAct::Read, e))?;
        let job: SopJob =
            serde_json::from_str(&line).map_err(|e| worker_io(WorkerAct::BadJob, e))?;
        // Evicted on the pool's thread, which made the cache's entries (see
        // `compile_in_threads`).
        let files = crate::pdf::renderer::run_in(&pool, || {
            let files = renderer.compile_job(&job);
            typst::comemo::evict(0);
            files
        })?;
        write_files(&mut out, &files)
            .and_then(|()| out.flush())
            .map_err(|e| worker_io(WorkerAct::Write, e))?;
    }
    Ok(0)
}

/// Talking to a worker failed while doing `act`.
fn worker_io(act: WorkerAct, e: impl std::fmt::Display) -> Error {
    Error::new(ErrorKind::WorkerIo { act }).cause(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_survive_the_pipe_format() {
        let files: Files = vec![
            ("a/b.pdf".into(), b"%PDF-1.7 \x00\xff".to_vec()),
            ("a/b/alur-1.svg".into(), Vec::new()),
        ];
        let mut buf = Vec::new();
        write_files(&mut buf, &files).unwrap();
        write_files(&mut buf, &Vec::new()).unwrap();
        let mut r = buf.as_slice();
        assert_eq!(read_files(&mut r).unwrap(), files);
        assert_eq!(read_files(&mut r).unwrap(), Vec::new());
        assert!(read_files(&mut r).is_err(), "end of stream is an error");
    }
}
