//! A small Typst world: one shared `Base` (library, bundled fonts, the theme's templates, logos)
//! built once per build, and a cheap per-document `DocWorld` that serves that document's data
//! as JSON at the fixed virtual path `/data.json`. No system fonts, no packages, no clock.
//!
//! The theme's template modules ([`PRELOADED`]) are evaluated once, when the base is built, and
//! offered to every document as `sopan.<name>` (`#import sopan.sop: sop-pages`). Imported by
//! path, each document evaluated them again (Typst's memo cache is emptied after every
//! document), and every closure they define was hashed anew, its whole syntax tree, on its
//! first call. Preloading saved 2.2 % of an SOP's instructions (callgrind, `examples/phases`
//! over 20 generated SOPs: 4.334G -> 4.274G); the outputs are byte-identical.

use std::collections::HashMap;

use typst::comemo::Track as _;
use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::ecow::EcoVec;
use typst::engine::{Route, Sink, Traced};
use typst::foundations::{Binding, Bytes, Datetime, Duration, Module, Scope};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

use crate::core::error::{Error, ErrorKind};
use crate::pipeline::theme::Theme;

/// The virtual path where each document finds its data.
pub(crate) const DATA_PATH: &str = "/data.json";

/// The template modules evaluated once per base, with their names under `sopan`: those the
/// main templates import (the modules they import are evaluated with them). A theme that
/// lacks one simply has no such name; a theme whose main template imports by path still
/// works, evaluating the module for each document.
const PRELOADED: [(&str, &str); 3] = [
    ("common", "/lib/common.typ"),
    ("sop", "/lib/sop.typ"),
    ("keputusan", "/lib/keputusan.typ"),
];

/// The global name of the preloaded modules.
const PRELOADED_NAME: &str = "sopan";

/// A project-rooted file id. Ids are interned for the process lifetime (at most 65,535), so
/// paths are kept stable and only the bytes behind them change between documents.
pub(crate) fn file_id(path: &str) -> FileId {
    let vpath = VirtualPath::new(path).expect("sopan's virtual paths are well formed");
    FileId::new(RootedPath::new(VirtualRoot::Project, vpath))
}

/// What every document of a build shares.
pub struct Base {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    sources: HashMap<FileId, Source>,
    files: HashMap<FileId, Bytes>,
    today: Datetime,
}

impl Base {
    /// Builds the shared part from the theme's `typst/` and `fonts/` folders plus extra files
    /// (logos) at the given virtual paths. `today` pins `datetime.today()`.
    pub fn new(
        theme: &Theme,
        extra: Vec<(String, Vec<u8>)>,
        today: Datetime,
    ) -> Result<Self, Error> {
        let mut fonts = Vec::new();
        for (name, bytes) in theme.under("fonts") {
            if name.ends_with(".ttf") || name.ends_with(".otf") || name.ends_with(".ttc") {
                fonts.extend(Font::iter(Bytes::new(bytes.to_vec())));
            }
        }
        if fonts.is_empty() {
            return Err(Error::new(ErrorKind::ThemeNoFonts));
        }
        let mut sources = HashMap::new();
        let mut files = HashMap::new();
        for (name, bytes) in theme.under("typst") {
            let id = file_id(&format!("/{name}"));
            if name.ends_with(".typ") {
                let text = String::from_utf8(bytes.to_vec()).map_err(|_| {
                    Error::new(ErrorKind::TemplateNotUtf8 {
                        name: name.to_string(),
                    })
                })?;
                sources.insert(id, Source::new(id, text));
            } else {
                files.insert(id, Bytes::new(bytes.to_vec()));
            }
        }
        for (path, bytes) in extra {
            files.insert(file_id(&path), Bytes::new(bytes));
        }
        let mut base = Base {
            library: LazyHash::new(Library::default()),
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
            sources,
            files,
            today,
        };
        let modules = base.preload().map_err(|(path, errors)| {
            base.error(&format!("untuk templat `typst{path}`"), &errors)
        })?;
        // The library the modules were evaluated with, and them: built once, not twice.
        let mut library = (*base.library).clone();
        library
            .global
            .scope_mut()
            .bind(PRELOADED_NAME.into(), Binding::detached(modules));
        base.library = LazyHash::new(library);
        Ok(base)
    }

    /// The [`PRELOADED`] modules the theme has, evaluated, as one module; or the path and
    /// errors of the first that fails.
    fn preload(&self) -> Result<Module, (&'static str, EcoVec<SourceDiagnostic>)> {
        // No document: the modules are read by their paths, and nothing reads `main`.
        let world = self.world(DATA_PATH, Vec::new());
        let world: &dyn World = &world;
        let mut scope = Scope::new();
        for (name, path) in PRELOADED {
            let Some(source) = self.sources.get(&file_id(path)) else {
                continue;
            };
            let mut sink = Sink::new();
            let module = typst_eval::eval(
                world.track(),
                &self.library,
                Traced::default().track(),
                sink.track_mut(),
                Route::default().track(),
                source,
            )
            .map_err(|errors| (path, errors))?;
            scope.bind(name.into(), Binding::detached(module));
        }
        Ok(Module::new(PRELOADED_NAME, scope))
    }

    /// A template error: what was being made, and each diagnostic at its template line.
    pub(crate) fn error(&self, what: &str, errors: &[SourceDiagnostic]) -> Error {
        let mut e = Error::new(ErrorKind::PdfCompile { what: what.into() });
        for d in errors {
            e = e.cause(format!("{}: {}", self.locate(d.span), d.message));
            for h in &d.hints {
                e = e.cause(format!("  petunjuk Typst: {}", h.v));
            }
        }
        e
    }

    /// A world that compiles `main` (a theme path such as `/sop.typ`) over `data`.
    pub fn world(&self, main: &str, data: Vec<u8>) -> DocWorld<'_> {
        DocWorld {
            base: self,
            main: file_id(main),
            data_id: file_id(DATA_PATH),
            data: Bytes::new(data),
        }
    }

    /// Where a diagnostic's span points, as `typst/<file>:line:col` for template errors.
    pub(crate) fn locate(&self, span: typst::syntax::DiagSpan) -> String {
        use typst::syntax::DiagSpanKind;
        let (id, range) = match span.get() {
            DiagSpanKind::Detached => return String::from("?"),
            DiagSpanKind::Number { id, num, sub_range } => (
                id,
                self.sources.get(&id).and_then(|s| s.range(num, sub_range)),
            ),
            DiagSpanKind::Range { id, range } => (id, Some(range)),
        };
        let path = id.vpath().get_with_slash();
        match (self.sources.get(&id), range) {
            (Some(source), Some(range)) => {
                let lines = source.lines();
                let line = lines.byte_to_line(range.start).unwrap_or(0) + 1;
                let col = lines.byte_to_column(range.start).unwrap_or(0) + 1;
                format!("typst{path}:{line}:{col}")
            }
            _ => format!("typst{path}"),
        }
    }
}

/// One document's view of the `Base`.
pub struct DocWorld<'a> {
    base: &'a Base,
    main: FileId,
    data_id: FileId,
    data: Bytes,
}

impl World for DocWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.base.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.base.book
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        self.base
            .sources
            .get(&id)
            .cloned()
            .ok_or_else(|| FileError::NotFound(id.vpath().get_with_slash().into()))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.data_id {
            return Ok(self.data.clone());
        }
        if let Some(b) = self.base.files.get(&id) {
            return Ok(b.clone());
        }
        if let Some(s) = self.base.sources.get(&id) {
            return Ok(Bytes::from_string(s.text().to_string()));
        }
        Err(FileError::NotFound(id.vpath().get_with_slash().into()))
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.base.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        Some(self.base.today)
    }
}
