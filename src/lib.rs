//! sopan turns SOPs written as YAML into the official documents, a citizens' site and open data.
//!
//! This library exists for the `sopan` binary and its tests; it is an internal API with no
//! stability promise. The build is one top-down pipeline:
//! load → validate → history and audit → render (data, PDF, HTML, search) → write.

pub mod audit;
pub mod cmd;
pub mod core;
pub mod diff;
pub mod history;
pub mod load;
pub mod model;
pub mod pdf;
pub mod pipeline;
pub mod serve;
pub mod site;

use std::ffi::OsString;
use std::io::{IsTerminal as _, Write as _};
use std::path::Path;

use clap::Parser as _;

use crate::cmd::cli::{Cli, Command};
use crate::cmd::{cli_error, init};
use crate::core::error::Error;
use crate::core::{diag, report};
use crate::history::git;
use crate::load::Loaded;
use crate::load::{skema, validate};
use crate::pipeline::{output, theme};

/// Exit code when content has errors (or a command could not complete).
pub const EXIT_ERRORS: i32 = 1;
/// Exit code for wrong usage and operational failures.
pub const EXIT_USAGE: i32 = 2;

/// Runs the CLI with `args` and returns the process exit code.
pub fn run(args: impl IntoIterator<Item = OsString>) -> i32 {
    let args: Vec<OsString> = args.into_iter().collect();
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) => return clap_error(e),
    };
    report::set_color(report::ColorChoice::parse(&cli.color));
    let result = match cli.command {
        Command::Init { dir } => init::init(&dir).map(|()| 0),
        Command::New {
            id,
            nama,
            dir,
            bidang_baru,
        } => project_root(&dir, "new ID --proyek")
            .and_then(|dir| init::new_sop(&dir, &id, nama.as_deref(), bidang_baru).map(|()| 0)),
        Command::Check { dir, format } => {
            project_root(&dir, "check").and_then(|dir| check(&dir, &format))
        }
        Command::Skema { jenis, tulis, dir } => {
            if tulis {
                project_root(&dir, "skema --tulis --proyek")
                    .and_then(|root| skema::command(None, Some(&root)))
            } else {
                skema::command(jenis.as_deref(), None)
            }
        }
        Command::Completions { shell } => completions(&shell),
        Command::Build { dir, out, quiet } => project_root(&dir, "build").and_then(|dir| {
            keep_freed_memory(&args);
            let out = out.unwrap_or_else(|| dir.join("output"));
            build(&dir, &out, quiet)
        }),
        Command::Diff {
            lama,
            baru,
            sop,
            format,
            out,
            dir,
        } => cmd::diff::run(&cmd::diff::DiffOptions {
            lama: &lama,
            baru: baru.as_deref(),
            only: &sop,
            format: &format,
            out: out.as_deref(),
            // Two files compare anywhere; revisions need the project, found upward.
            proyek: &find_root(&dir).unwrap_or(dir),
        }),
        Command::Audit { dir, per, format } => project_root(&dir, "audit")
            .and_then(|dir| cmd::audit::run(&dir, per.as_deref(), &format)),
        Command::PekerjaPdf => pdf::worker::serve_stdin(),
        Command::Serve {
            dir,
            port,
            bind,
            open,
            poll,
            hosts,
        } => project_root(&dir, "serve").and_then(|root| {
            keep_freed_memory(&args);
            serve::serve(&serve::ServeOptions {
                root,
                bind,
                port,
                open,
                poll,
                hosts,
            })
        }),
    };
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
fn project_root(dir: &Path, command: &str) -> Result<std::path::PathBuf, Error> {
    find_root(dir).ok_or_else(|| {
        Error::new(format!(
            "`{}` bukan proyek sopan: folder `content/` tidak ada di sini atau di atasnya",
            dir.display()
        ))
        .hint(format!(
            "jalankan `sopan init` untuk membuat proyek baru, atau sebutkan folder proyek: `sopan {command} FOLDER`"
        ))
    })
}

/// The allocator setting `build`, `serve` and the PDF workers run under.
pub(crate) const KEEP_FREED: (&str, &str) = ("MIMALLOC_PURGE_DELAY", "-1");

/// Makes this process keep the memory it frees. mimalloc gives freed pages back to the system
/// 10 ms after they empty; a build frees and takes again hundreds of MB (each document, each
/// page, the search index), and every page taken again is zeroed by the kernel: a fifth of a
/// `serve` rebuild at 1,000 SOPs (save → reload 460–660 ms against 280–320 ms with freed
/// memory kept), and the search index took 1.4–1.5 s instead of 1.0–1.1 s. mimalloc reads its
/// options from the environment when a process starts, so the process replaces itself (same
/// process id, same arguments) with the option set. Where that cannot be done, it goes on as
/// it is.
fn keep_freed_memory(args: &[OsString]) {
    if std::env::var_os(KEEP_FREED.0).is_some() {
        return;
    }
    #[cfg(unix)]
    if let (Ok(exe), Some(rest)) = (std::env::current_exe(), args.get(1..)) {
        use std::os::unix::process::CommandExt as _;
        // Returns only when it failed.
        let _ = std::process::Command::new(exe)
            .args(rest)
            .env(KEEP_FREED.0, KEEP_FREED.1)
            .exec();
    }
    #[cfg(not(unix))]
    let _ = args;
}

/// Prints clap's help, version and usage errors, all in Bahasa Indonesia.
fn clap_error(e: clap::Error) -> i32 {
    use clap::error::ErrorKind;
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = write!(
                std::io::stdout(),
                "{}",
                cli_error::indonesian(&e.to_string())
            );
            0
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand | ErrorKind::MissingSubcommand => {
            let _ = write!(
                std::io::stderr(),
                "{}",
                cli_error::indonesian(&Cli::command_help())
            );
            EXIT_USAGE
        }
        _ => {
            let _ = write!(std::io::stderr(), "{}", cli_error::usage_error(&e));
            EXIT_USAGE
        }
    }
}

impl Cli {
    fn command_help() -> String {
        use clap::CommandFactory;
        Cli::command().render_help().to_string()
    }
}

/// Load and validate: the first two stages of every command that reads content.
pub fn load_and_validate(root: &Path) -> Result<Loaded, Error> {
    load_and_validate_with(root, None)
}

/// [`load_and_validate`], reusing SOP files parsed by earlier loads (`serve`).
pub fn load_and_validate_with(
    root: &Path,
    cache: Option<&load::cache::ParseCache>,
) -> Result<Loaded, Error> {
    let mut loaded = load::load_with(root, cache)?;
    validate::validate(&mut loaded);
    loaded.diags.sort();
    Ok(loaded)
}

/// The stage after validate: what the site shows beside the content. The audit's date is pinned
/// so that two builds of the same commit are byte-identical: `SOURCE_DATE_EPOCH`, else the date
/// of the git HEAD commit, else the latest date written in the content.
/// `history` keeps the history between rebuilds of `serve`.
pub fn extras(
    root: &Path,
    loaded: &Loaded,
    history: Option<&history::HistoryCache>,
) -> pipeline::Extras {
    let repo = git::Repo::discover(root);
    let head = repo.as_ref().and_then(git::Repo::head);
    let history = history::collect_cached(repo.as_ref(), head.as_ref(), &loaded.site, history);
    let per = model::tanggal::source_date_epoch()
        .or_else(|| head.and_then(|c| model::tanggal::Tanggal::from_unix(c.local_secs)))
        .or_else(|| {
            loaded
                .site
                .sops()
                .flat_map(|s| [s.tanggal_pembuatan, s.tanggal_revisi, s.tanggal_efektif])
                .flatten()
                .max()
        })
        .unwrap_or(model::tanggal::Tanggal {
            tahun: 2000,
            bulan: 1,
            hari: 1,
        });
    let audit = audit::audit(&loaded.site, &loaded.sources, &loaded.dicabut, per);
    pipeline::Extras { history, audit }
}

fn print_diagnostics(loaded: &Loaded) {
    let text = report::render_all(&loaded.diags, &loaded.sources, report::use_color());
    let _ = std::io::stderr().write_all(text.as_bytes());
}

/// `sopan completions SHELL`: the shell's completion script on stdout.
fn completions(shell: &str) -> Result<i32, Error> {
    use clap::CommandFactory as _;
    use clap_complete::Shell;
    let shell = match shell {
        "bash" => Shell::Bash,
        "zsh" => Shell::Zsh,
        "fish" => Shell::Fish,
        _ => Shell::PowerShell,
    };
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "sopan", &mut out);
    std::io::stdout()
        .write_all(&out)
        .map_err(|e| Error::io("gagal menulis ke layar", e))?;
    Ok(0)
}

/// Version of the `check --format json` layout; raised only when a field changes meaning or
/// goes away (new fields may be added without it).
const CHECK_JSON_VERSION: u32 = 1;

/// `check --format json`: every diagnostic as data, for editors and CI. Field names are
/// English and stable (README, "Keluaran mesin"); messages and hints stay in Bahasa Indonesia.
fn check_json(diags: &diag::Diagnostics, sops: usize) -> String {
    use serde_json::{Value, json};
    let items: Vec<Value> = diags
        .iter()
        .map(|d| {
            // Line 0 is "the file as a whole": no line or column to point at.
            let at = d.span.as_ref().filter(|s| s.line > 0);
            let file = d.span.as_ref().map(|s| diag::display_path(&s.file));
            let labels: Vec<Value> = d
                .span
                .iter()
                .map(|s| {
                    json!({
                        "file": diag::display_path(&s.file),
                        "line": at.map(|s| s.line),
                        "column": at.map(|s| s.col),
                        "length": at.map(|s| s.len.max(1)),
                        "primary": true,
                        "message": Value::Null,
                    })
                })
                .collect();
            json!({
                "file": file,
                "line": at.map(|s| s.line),
                "column": at.map(|s| s.col),
                "end_column": at.map(|s| s.col + s.len.max(1)),
                "severity": match d.severity {
                    diag::Severity::Error => "error",
                    diag::Severity::Warning => "warning",
                },
                "message": d.message,
                "hint": if d.hints.is_empty() { Value::Null } else { Value::String(d.hints.join("\n")) },
                "hints": d.hints,
                "labels": labels,
            })
        })
        .collect();
    let doc = json!({
        "version": CHECK_JSON_VERSION,
        "diagnostics": items,
        "summary": {
            "sops": sops,
            "errors": diags.errors(),
            "warnings": diags.warnings(),
        },
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

/// `sopan check`: print every problem and a summary; exit 1 on errors. With `format` `json`,
/// one JSON document on stdout instead (nothing on stderr unless the check could not run).
fn check(root: &Path, format: &str) -> Result<i32, Error> {
    let loaded = load_and_validate(root)?;
    let sops = loaded.site.sops().count();
    if format == "json" {
        std::io::stdout()
            .write_all(check_json(&loaded.diags, sops).as_bytes())
            .map_err(|e| Error::io("gagal menulis ke layar", e))?;
        return Ok(if loaded.diags.has_errors() {
            EXIT_ERRORS
        } else {
            0
        });
    }
    print_diagnostics(&loaded);
    let verdict = if loaded.diags.has_errors() {
        "Pemeriksaan gagal"
    } else {
        "Pemeriksaan selesai"
    };
    eprintln!("{verdict}: {}", report::summary(sops, &loaded.diags));
    Ok(if loaded.diags.has_errors() {
        EXIT_ERRORS
    } else {
        0
    })
}

/// How many worker processes compile the PDFs of a build with `sops` SOPs: one per core for
/// large sites (Typst's caches are contended between threads of one process), none for small
/// ones, where starting processes costs more than it gains. `SOPAN_PEKERJA=N` overrides.
fn pdf_processes(sops: usize) -> usize {
    if let Some(n) = std::env::var("SOPAN_PEKERJA")
        .ok()
        .and_then(|v| v.trim().parse().ok())
    {
        return n;
    }
    if sops < 64 {
        return 0;
    }
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// `sopan build`: check, then render into memory and write `out` atomically. `root` is a
/// project ([`project_root`] found it).
fn build(root: &Path, out: &Path, quiet: bool) -> Result<i32, Error> {
    output::check_target(root, out)?;
    let _lock = output::BuildLock::take(out)?;
    output::recover(out)?;
    let loaded = load_and_validate(root)?;
    print_diagnostics(&loaded);
    let sops = loaded.site.sops().count();
    if loaded.diags.has_errors() {
        eprintln!(
            "Pembangunan dibatalkan, keluaran lama tidak diubah: {}",
            report::summary(sops, &loaded.diags)
        );
        return Ok(EXIT_ERRORS);
    }
    let mut log = |stage: &str, took: std::time::Duration| {
        if !quiet {
            eprintln!("  {stage}: {} ms", took.as_millis());
        }
    };
    let theme = theme::Theme::load(root, &loaded.site.settings.tema)?;
    let t = std::time::Instant::now();
    let extras = extras(root, &loaded, None);
    log("riwayat git dan audit", t.elapsed());
    let ctx = pipeline::BuildContext {
        extras: &extras,
        root,
        theme: &theme,
        progress: !quiet && std::io::stderr().is_terminal(),
        cache: None,
        pages: None,
        search: None,
        defer_search: false,
        processes: pdf_processes(sops),
    };
    let output = pipeline::build(&loaded.site, &ctx, &mut log)?;
    let t = std::time::Instant::now();
    output.write_to(out)?;
    log("menulis keluaran", t.elapsed());
    eprintln!(
        "Selesai: {} berkas ditulis ke {} ({})",
        output.len(),
        out.display(),
        report::summary(sops, &loaded.diags)
    );
    Ok(0)
}
