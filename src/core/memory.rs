//! sopan's one allocator setting: keep the memory a build frees (set through mimalloc's own
//! option setter at the start of `build`, `serve` and each PDF worker).
//!
//! mimalloc gives freed pages back to the system 10 ms after they empty; a build frees and takes
//! again hundreds of MB (each document, each page, the search index), and every page taken
//! again is zeroed by the kernel: a fifth of a `serve` rebuild at 1,000 SOPs (save → reload
//! 460–660 ms against 280–320 ms with freed memory kept), and the search index took 1.4–1.5 s
//! instead of 1.0–1.1 s. Until December 2026 the process replaced itself (`exec`) with
//! `MIMALLOC_PURGE_DELAY=-1` in its environment; setting the option in-process does the same
//! without a second start. Measured with `MIMALLOC_SHOW_STATS=1` on a build of 100 generated
//! SOPs in one process: mimalloc's default purged 750.8 MiB, the re-executed process and this
//! setter 0.
//!
//! mimalloc is also built without transparent huge pages (its `no_thp` feature, Cargo.toml):
//! v3 advises the kernel to back its large regions with 2 MiB pages, where the kernel allows
//! that on advice (Debian's default), and each first touch then zeroes 2 MiB. perf of a build
//! after one changed SOP of 1,000 (with decree books) put a quarter of its CPU in the kernel's
//! `clear_page_erms` under mimalloc's free-list set-up. Interleaved, 4 pairs each (December
//! 2026, `MIMALLOC_ALLOW_THP=0` against the default): one-change build 1.30–1.67 s against
//! 1.57–1.81 s (kernel time 0.79–1.07 s against 1.32–1.73 s, peak 246–279 MiB against
//! 330–379 MiB); cold build 6.14–6.79 s against 6.74–7.01 s (CPU −7 %).

#![allow(unsafe_code)]

use std::ffi::{c_int, c_long};

// The global allocator (main.rs) links mimalloc; naming the crate here keeps it linked into
// every binary of this library (the tests too), so the two symbols below always resolve.
use mimalloc as _;

// mimalloc.h. The `mimalloc` crate binds these only behind its `extended` feature, which needs
// a crate (`cty`) for two C integer types that `std::ffi` has; the two declarations are all
// sopan needs.
unsafe extern "C" {
    fn mi_option_set(option: c_int, value: c_long);
}

/// `mi_option_purge_delay` in mimalloc.h's `mi_option_t` (the 16th option in v2 and v3).
const PURGE_DELAY: c_int = 15;

/// Makes this process keep the memory it frees. Call it first, before threads start:
/// mimalloc's option setter is not thread-safe.
pub(crate) fn keep_freed_memory() {
    // SAFETY: a plain C call with valid arguments (an existing option, a value mimalloc.h
    // documents: -1 = never purge); made before any other thread runs.
    unsafe { mi_option_set(PURGE_DELAY, -1) }
}

#[cfg(test)]
mod tests {
    use super::*;

    unsafe extern "C" {
        fn mi_option_get(option: c_int) -> c_long;
    }

    #[test]
    fn freed_memory_is_kept_after_the_call() {
        keep_freed_memory();
        // SAFETY: reading an option is a plain C call with a valid option.
        assert_eq!(
            unsafe { mi_option_get(PURGE_DELAY) },
            -1,
            "mimalloc's default is 10 ms"
        );
    }
}
