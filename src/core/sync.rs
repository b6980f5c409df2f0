//! Locks that survive a panic elsewhere: sopan's shared maps stay whole when another thread
//! panics while holding them (a document's compile, an HTTP request), so a poisoned lock is
//! used as it is rather than turned into a second panic.

use std::sync::{Mutex, MutexGuard, PoisonError};

/// Locks `m`, ignoring poisoning.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}
