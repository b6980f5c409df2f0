//! The commands: each file turns one `sopan` command's arguments into a call of the library
//! and its result into output and an exit code.

pub mod audit;
pub mod cli;
pub(crate) mod cli_error;
pub mod diff;
pub mod init;
