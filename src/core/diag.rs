//! Content problems as located data: collected during load and validate, printed once by `report`.

use std::path::{Path, PathBuf};

/// Where a problem is: a file relative to the project root, and a 1-based line and column
/// (in characters). Line 0 means "the file as a whole".
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    /// Path relative to the project root, with `/` separators.
    pub file: PathBuf,
    /// 1-based line, or 0 when the problem concerns the whole file.
    pub line: u32,
    /// 1-based column in characters.
    pub col: u32,
    /// Width of the underlined text in characters (at least 1 when printed).
    pub len: u32,
}

impl Span {
    /// A span that points at a whole file rather than a place in it.
    pub fn file(file: impl Into<PathBuf>) -> Self {
        Span {
            file: file.into(),
            line: 0,
            col: 0,
            len: 0,
        }
    }

    /// A span at `line:col` covering `len` characters.
    pub fn at(file: impl Into<PathBuf>, line: u32, col: u32, len: u32) -> Self {
        Span {
            file: file.into(),
            line,
            col,
            len,
        }
    }
}

/// How bad a problem is: errors fail the command, warnings do not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Fails `check` and `build` (exit code 1).
    Error,
    /// Reported, but the build goes on.
    Warning,
}

/// One problem found in the content, with where it is and how to fix it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong, in Bahasa Indonesia.
    pub message: String,
    /// Where; `None` for problems of the project as a whole.
    pub span: Option<Span>,
    /// How to fix it ("maksud Anda `dasar_hukum`?"), each printed as a `bantuan:` line.
    pub(crate) hints: Vec<String>,
    /// Secondary places and details ("pertama ditulis di sini", the YAML reader's own words),
    /// each printed as a `catatan:` line, with its source line when it has a place.
    pub(crate) notes: Vec<Note>,
}

/// A secondary remark of a diagnostic: another place involved, or a detail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Note {
    /// Where, when the remark is about another place of the file.
    pub span: Option<Span>,
    /// What, in Bahasa Indonesia (or a library's own words, marked as such).
    pub text: String,
}

impl Diagnostic {
    /// An error at `span`.
    pub fn error(span: impl Into<Option<Span>>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            span: span.into(),
            hints: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// A warning at `span`.
    pub fn warning(span: impl Into<Option<Span>>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            message: message.into(),
            span: span.into(),
            hints: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// Adds a `bantuan:` line.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }

    /// Adds a `catatan:` line about another place (`span`) or, without one, a detail.
    pub fn note(mut self, span: Option<Span>, text: impl Into<String>) -> Self {
        self.notes.push(Note {
            span,
            text: text.into(),
        });
        self
    }

    /// Adds a hint only when there is one.
    pub(crate) fn maybe_hint(self, hint: Option<String>) -> Self {
        match hint {
            Some(h) => self.hint(h),
            None => self,
        }
    }
}

/// All problems found in one run, in the order they will be printed.
#[derive(Clone, Debug, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// An empty collection.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a problem.
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    /// Records every problem of `other`.
    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(other);
    }

    /// Whether any error (not warning) was recorded.
    pub fn has_errors(&self) -> bool {
        self.errors() > 0
    }

    /// Number of errors.
    pub fn errors(&self) -> usize {
        self.items
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    /// Number of warnings.
    pub fn warnings(&self) -> usize {
        self.items
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count()
    }

    /// Sorts by file, line and column so reports are stable whatever order files were read in;
    /// exact duplicates are printed once.
    pub fn sort(&mut self) {
        self.items.sort_by(|a, b| {
            let key = |d: &Diagnostic| {
                d.span
                    .as_ref()
                    .map(|s| (s.file.clone(), s.line, s.col))
                    .unwrap_or_default()
            };
            key(a).cmp(&key(b)).then(a.severity.cmp(&b.severity))
        });
        self.items.dedup();
    }

    /// The problems, in order.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// Whether nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

/// Shows a path relative to the project with `/` separators on every platform.
pub(crate) fn display_path(p: &Path) -> String {
    p.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// The text of every file read, by project-relative path, so reports can quote lines.
#[derive(Clone, Debug, Default)]
pub struct Sources {
    files: std::collections::BTreeMap<PathBuf, String>,
}

impl Sources {
    /// Remembers the text of `path`.
    pub fn insert(&mut self, path: PathBuf, text: String) {
        self.files.insert(path, text);
    }

    /// The text of `path`, if it was read.
    pub fn get(&self, path: &Path) -> Option<&str> {
        self.files.get(path).map(String::as_str)
    }

    /// Line `line` (1-based) of `path`, without its line ending.
    pub fn line(&self, path: &Path, line: u32) -> Option<&str> {
        let text = self.get(path)?;
        let idx = usize::try_from(line).ok()?.checked_sub(1)?;
        text.split('\n')
            .nth(idx)
            .map(|l| l.strip_suffix('\r').unwrap_or(l))
    }
}
