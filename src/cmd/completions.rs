//! `sopan completions SHELL`: the shell's completion script, made by clap from the arguments.

use std::io::Write as _;

use crate::cmd::cli::Cli;
use crate::core::error::{Error, ErrorKind};

/// `sopan completions SHELL`: the shell's completion script on stdout.
pub(crate) fn run(shell: &str) -> Result<i32, Error> {
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
        .map_err(|e| Error::new(ErrorKind::Stdout).cause(e))?;
    Ok(0)
}
