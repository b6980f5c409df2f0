//! sopan turns SOPs written as YAML into the official documents, a citizens' site and open data.
//!
//! This library exists for the `sopan` binary and its tests; it is an internal API with no
//! stability promise. The folders follow the build, one top-down pipeline:
//! `load` (+ validate) → `history` and `audit` → `pipeline` stages (`pdf`, `site`) → write or
//! serve; `cmd` holds the commands, `core` what they all share, `model` the content model.

// What the binary and the integration tests do not name is `pub(crate)`; rustc's
// `unreachable_pub` keeps it so.
#![warn(unreachable_pub)]

pub mod audit;
mod cmd;
pub mod core;
pub mod diff;
mod history;
pub mod load;
pub mod model;
pub mod pdf;
pub mod pipeline;
pub mod site;

use std::ffi::OsString;

use clap::Parser as _;

pub use crate::pipeline::{extras, load_and_validate};

/// Runs the CLI with `args` and returns the process exit code.
pub fn run(args: impl IntoIterator<Item = OsString>) -> i32 {
    let args: Vec<OsString> = args.into_iter().collect();
    // The PDF worker (`sopan __pekerja-pdf`, spawned by `build`) is not a command users type:
    // kept out of clap, it appears in no help and no completion script.
    if args.get(1).is_some_and(|a| a == pdf::worker::COMMAND) && args.len() == 2 {
        core::memory::keep_freed_memory();
        return cmd::report_result(cmd::worker::run());
    }
    let cli = match cmd::cli::Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) => return cmd::cli_error::clap_error(e),
    };
    core::report::set_color(core::report::ColorChoice::parse(&cli.color));
    cmd::report_result(cmd::run(cli))
}
