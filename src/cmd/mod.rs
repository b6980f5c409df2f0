//! The commands: `run` turns the parsed arguments into one command, and each file here turns
//! one command's arguments into calls of the library and its result into output on the
//! terminal and an exit code. The work itself lives in the other folders.

pub(crate) mod audit;
pub(crate) mod build;
pub(crate) mod check;
pub(crate) mod cli;
pub(crate) mod cli_error;
pub(crate) mod completions;
pub(crate) mod diff;
pub(crate) mod gabung;
pub(crate) mod init;
pub(crate) mod new;
pub(crate) mod serve;
pub(crate) mod skema;
pub(crate) mod worker;

use std::path::Path;

use crate::cmd::cli::{Cli, Command};
use crate::core::error::{Error, ErrorKind};
use crate::core::report;
use crate::load::Loaded;

/// Exit code when content has errors (or a command could not complete).
pub(crate) const EXIT_ERRORS: i32 = 1;
/// Exit code for wrong usage and operational failures.
pub(crate) const EXIT_USAGE: i32 = 2;

/// Runs the command `cli` names.
pub(crate) fn run(cli: Cli) -> Result<i32, Error> {
    match cli.command {
        Command::Init { dir } => init::run(&dir),
        Command::New {
            id,
            nama,
            dir,
            bidang_baru,
        } => project_root(&dir, "new ID --proyek")
            .and_then(|dir| new::run(&dir, &id, nama.as_deref(), bidang_baru)),
        Command::Check {
            dir,
            format,
            instansi,
        } => project_root(&dir, "check").and_then(|dir| {
            check::run(
                &dir,
                &format,
                (!instansi.is_empty()).then_some(instansi.as_slice()),
            )
        }),
        Command::Skema { jenis, tulis, dir } => {
            if tulis {
                project_root(&dir, "skema --tulis --proyek")
                    .and_then(|root| skema::run(None, Some(&root)))
            } else {
                skema::run(jenis.as_deref(), None)
            }
        }
        Command::Completions { shell } => completions::run(&shell),
        Command::Build {
            dir,
            out,
            quiet,
            cache,
            bersih,
            instansi,
        } => project_root(&dir, "build").and_then(|dir| {
            crate::core::memory::keep_freed_memory();
            let out = out.unwrap_or_else(|| dir.join("output"));
            let cache = cache.unwrap_or_else(|| dir.join(crate::pipeline::disk_cache::DEFAULT_DIR));
            build::run(
                &dir,
                &out,
                &build::CacheOptions { dir: cache, bersih },
                quiet,
                (!instansi.is_empty()).then_some(instansi.as_slice()),
            )
        }),
        Command::Gabung {
            keluaran,
            out,
            dir,
            quiet,
        } => project_root(&dir, "gabung KELUARAN... --proyek").and_then(|dir| {
            let out = out.unwrap_or_else(|| dir.join("portal"));
            gabung::run(&dir, &keluaran, &out, quiet)
        }),
        Command::Diff {
            lama,
            baru,
            sop,
            format,
            out,
            dir,
        } => diff::run(&diff::DiffOptions {
            lama: &lama,
            baru: baru.as_deref(),
            only: &sop,
            format: &format,
            out: out.as_deref(),
            // Two files compare anywhere; revisions need the project, found upward.
            proyek: &find_root(&dir).unwrap_or(dir),
        }),
        Command::Audit { dir, per, format } => {
            project_root(&dir, "audit").and_then(|dir| audit::run(&dir, per.as_deref(), &format))
        }
        Command::Serve {
            dir,
            port,
            bind,
            open,
            poll,
            hosts,
            instansi,
        } => project_root(&dir, "serve").and_then(|root| {
            crate::core::memory::keep_freed_memory();
            crate::cmd::serve::serve(&crate::cmd::serve::ServeOptions {
                root,
                bind,
                port,
                open,
                poll,
                hosts,
                only: instansi,
            })
        }),
    }
}

/// A command's exit code, or its operational error printed (the one place they are) and
/// [`EXIT_USAGE`].
pub(crate) fn report_result(result: Result<i32, Error>) -> i32 {
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("{e}");
            EXIT_USAGE
        }
    }
}

/// The project `dir` is in: `dir` itself or the nearest folder above it with `content/`, as
/// cargo and git find theirs, so `sopan check` works from inside `content/x/y/`. The path stays
/// relative (`../..`), so diagnostics name files as the user can open them from where they are.
fn find_root(dir: &Path) -> Option<std::path::PathBuf> {
    let mut candidate = dir.to_path_buf();
    let mut seen = std::fs::canonicalize(dir).ok()?;
    loop {
        if candidate.join("content").is_dir() {
            return Some(candidate);
        }
        let up = candidate.join("..");
        let above = std::fs::canonicalize(&up).ok()?;
        if above == seen {
            return None;
        }
        seen = above;
        // `content/x` goes up to `content`, `.` to `..`: the shortest path that names the folder.
        let popped = candidate.parent().filter(|p| {
            let p = if p.as_os_str().is_empty() {
                Path::new(".")
            } else {
                p
            };
            std::fs::canonicalize(p).is_ok_and(|p| p == seen)
        });
        candidate = match popped {
            Some(p) if p.as_os_str().is_empty() => std::path::PathBuf::from("."),
            Some(p) => p.to_path_buf(),
            None if candidate == Path::new(".") => std::path::PathBuf::from(".."),
            None => up,
        };
    }
}

/// [`find_root`], or an error whose hint names the command the user ran.
pub(crate) fn project_root(dir: &Path, command: &str) -> Result<std::path::PathBuf, Error> {
    find_root(dir).ok_or_else(|| {
        Error::new(ErrorKind::NotAProject {
            dir: dir.to_path_buf(),
            looked_up: true,
            command: command.into(),
        })
    })
}

/// Prints the diagnostics of a load on stderr (coloured on a terminal).
pub(crate) fn print_diagnostics(loaded: &Loaded) {
    report::eprint_all(&loaded.diags, &loaded.sources);
}
