//! `sopan __pekerja-pdf` (hidden): a PDF worker process of `sopan build`, reading jobs on
//! stdin and writing documents on stdout ([`crate::pdf::worker`] holds the protocol).

use crate::core::error::Error;

/// Serves PDF jobs until stdin closes.
pub(crate) fn run() -> Result<i32, Error> {
    crate::pdf::worker::serve_stdin()
}
