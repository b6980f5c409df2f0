//! The `sopan` binary: parse arguments, run, exit with the code `run` returns.

fn main() {
    std::process::exit(sopan::run(std::env::args_os()));
}

// Typst allocates many small objects from several threads; glibc's allocator spent ~14% of a
// 1,000-SOP build in malloc/free.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
