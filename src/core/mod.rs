//! What every part of sopan shares: located diagnostics and their printer, operational
//! errors, the environment read once (`env`: every `SOPAN_*` variable and
//! `SOURCE_DATE_EPOCH`), and small helpers for locks and caches.

pub mod diag;
pub(crate) mod digits;
pub(crate) mod env;
pub(crate) mod error;
pub(crate) mod hex;
pub(crate) mod kept;
pub(crate) mod memory;
pub mod report;
pub(crate) mod sync;
