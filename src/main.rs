//! The `sopan` binary: parse arguments, run, exit with the code `run` returns.

fn main() {
    std::process::exit(sopan::run(std::env::args_os()));
}
