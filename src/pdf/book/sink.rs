//! A book written straight into its file (`sopan build`'s staging folder) rather than held in
//! memory whole: the writer hands over its bytes a megabyte at a time, and their SHA-256 (the
//! site shows it, the build cache keys by it) is computed as they go by, so the file is never
//! read back. Two 90 MB books joined at once held both in memory, beside all their SOPs' PDFs.

use std::io::Write as _;
use std::path::PathBuf;

use sha2::{Digest, Sha256};

use super::pdf_file::Sink;

/// A file being written, with its length and SHA-256 so far.
pub(crate) struct FileSink {
    file: std::fs::File,
    /// Where it is, for error messages.
    path: PathBuf,
    sha256: Sha256,
    len: usize,
}

impl FileSink {
    /// Writes into `file`, created empty at `path`.
    pub(crate) fn new(file: std::fs::File, path: PathBuf) -> Self {
        FileSink {
            file,
            path,
            sha256: Sha256::new(),
            len: 0,
        }
    }

    fn put(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.sha256.update(bytes);
        self.len += bytes.len();
        self.file.write_all(bytes).map_err(|e| self.named(e))
    }

    /// `e` with the file's path, as the build reports it.
    fn named(&self, e: std::io::Error) -> std::io::Error {
        std::io::Error::new(e.kind(), format!("{}: {e}", self.path.display()))
    }
}

impl Sink for FileSink {
    /// The file's length and SHA-256.
    type Output = (usize, [u8; 32]);

    fn take(&mut self, buf: &mut Vec<u8>) -> std::io::Result<()> {
        self.put(buf)?;
        buf.clear();
        Ok(())
    }

    fn end(mut self, rest: Vec<u8>) -> std::io::Result<(usize, [u8; 32])> {
        self.put(&rest)?;
        self.file.flush().map_err(|e| self.named(e))?;
        Ok((self.len, self.sha256.finalize().into()))
    }
}
