//! Operational failures (not content problems): I/O, a folder that is not a project, a file that
//! would be overwritten. Each says what sopan was doing and why it failed, in Bahasa Indonesia.

use std::fmt;

/// An operational error with its cause chain and an optional fix.
#[derive(Debug)]
pub struct Error {
    /// What failed, e.g. "gagal menulis `output/data.json`".
    pub message: String,
    /// Underlying causes, outermost first.
    pub causes: Vec<String>,
    /// How to fix it.
    pub hint: Option<String>,
}

impl Error {
    /// An error saying what failed.
    pub fn new(message: impl Into<String>) -> Self {
        Error {
            message: message.into(),
            causes: Vec::new(),
            hint: None,
        }
    }

    /// Adds a cause ("Penyebab: …").
    pub fn cause(mut self, cause: impl fmt::Display) -> Self {
        self.causes.push(cause.to_string());
        self
    }

    /// Adds the fix.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Wraps an I/O error with what was being done.
    pub fn io(doing: impl Into<String>, e: std::io::Error) -> Self {
        Error::new(doing).cause(e)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Messages name files and quote values: shown, never obeyed by the terminal.
        use crate::report::printable;
        write!(f, "error: {}", printable(&self.message))?;
        for c in &self.causes {
            write!(f, "\n  penyebab: {}", printable(c))?;
        }
        if let Some(h) = &self.hint {
            write!(f, "\n  = bantuan: {}", printable(h))?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}
