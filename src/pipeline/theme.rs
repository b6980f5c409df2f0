//! Theme: the default theme embedded in the binary, overridable file by file from the
//! project's `themes/<tema>/` (a file there replaces the embedded one of the same path).

use std::collections::BTreeMap;
use std::path::Path;

use crate::core::error::{Error, ErrorKind};
use crate::load::boundary::{Boundary, Refusal};

/// The largest theme file read (a font is a few hundred kB, a logo or background image a few
/// MB).
const MAX_THEME_FILE: u64 = 32 * 1_048_576;

/// How to name a theme, for the errors that refuse one.
pub(crate) const THEME_NAME_HINT: &str = "tulis nama folder tema saja, mis. `tema: dinas` untuk `themes/dinas/` (huruf, angka, `-` dan `_`)";

/// Whether `tema` names a folder directly under `themes/`: letters, digits, `-` and `_` only,
/// so it can never be an absolute path or climb out with `..`.
pub(crate) fn is_theme_name(tema: &str) -> bool {
    !tema.is_empty()
        && tema
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Embeds `themes/default/<path>` under its theme-relative path.
macro_rules! embed {
    ($($path:literal),* $(,)?) => {
        &[$(($path, include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/themes/default/", $path)) as &[u8])),*]
    };
}

/// The default theme's files, compiled into the binary.
const DEFAULT: &[(&str, &[u8])] = embed![
    "typst/sop.typ",
    "typst/keputusan.typ",
    "typst/lib/common.typ",
    "typst/lib/flow.typ",
    "typst/lib/symbol.typ",
    "typst/lib/identifikasi.typ",
    "typst/lib/identitas.typ",
    "typst/lib/identitas-estimate.typ",
    "typst/lib/keputusan.typ",
    "typst/lib/sop.typ",
    "fonts/LiberationSans-Regular.ttf",
    "fonts/LiberationSans-Bold.ttf",
    "fonts/LiberationSans-Italic.ttf",
    "fonts/LiberationSans-BoldItalic.ttf",
    "templates/base.html",
    "templates/macros.html",
    "templates/index.html",
    "templates/instansi.html",
    "templates/bidang.html",
    "templates/sop.html",
    "templates/cari.html",
    "templates/halaman.html",
    "templates/404.html",
    "templates/perbedaan.html",
    "templates/perubahan.html",
    "templates/laporan-perbandingan.html",
    "templates/audit.html",
    "static/style.css",
    "static/sopan.js",
    "static/bagikan.js",
];

/// The files of the theme in use, by theme-relative `/`-separated path.
#[derive(Clone, Debug, Default)]
pub struct Theme {
    files: BTreeMap<String, Vec<u8>>,
}

impl Theme {
    /// The embedded default theme alone.
    pub fn embedded() -> Self {
        Theme {
            files: DEFAULT
                .iter()
                .map(|(p, b)| (p.to_string(), b.to_vec()))
                .collect(),
        }
    }

    /// The default theme with every file of `root/themes/<tema>/` laid over it. `tema` is a
    /// folder name, never a path; the theme's files (through links) stay inside `themes/`, as
    /// the content's stay inside `content/` (see `load::boundary`).
    pub fn load(root: &Path, tema: &str) -> Result<Self, Error> {
        let mut theme = Self::embedded();
        if !is_theme_name(tema) {
            return Err(Error::new(ErrorKind::ThemeName {
                tema: crate::core::report::printable(tema).into_owned(),
            }));
        }
        let themes = root.join("themes");
        let dir = themes.join(tema);
        if std::fs::symlink_metadata(&dir).is_err() {
            return Ok(theme);
        }
        let refused = |rel: &Path, refusal: Refusal| {
            let (message, hint) = refusal.message(MAX_THEME_FILE);
            Error::new(ErrorKind::ThemeFile {
                rel: rel.to_path_buf(),
                message,
                hint,
            })
        };
        let Some(boundary) = Boundary::new(root, &themes) else {
            return Err(refused(Path::new("themes"), Refusal::Outside));
        };
        let rel_of = |p: &Path| p.strip_prefix(root).unwrap_or(p).to_path_buf();
        match boundary.resolve(&dir) {
            Ok(real) if real.is_dir() => {}
            Ok(_) => return Ok(theme),
            Err(r) => return Err(refused(&rel_of(&dir), r)),
        }
        // Links are followed where they stay inside `themes/`; one that leads out stops the
        // walk there (never descended into) and fails the build once the walk is done.
        let mut outside = None;
        let walk = walkdir::WalkDir::new(&dir)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                if outside.is_some() {
                    return false;
                }
                match boundary.resolve(e.path()) {
                    Ok(_) => true,
                    Err(r) => {
                        outside = Some((rel_of(e.path()), r));
                        false
                    }
                }
            });
        let mut files = Vec::new();
        for entry in walk {
            let entry = entry.map_err(|e| {
                Error::new(ErrorKind::ThemeRead {
                    tema: crate::core::report::printable(tema).into_owned(),
                })
                .cause(e)
            })?;
            if entry.file_type().is_file() {
                files.push(entry.into_path());
            }
        }
        if let Some((rel, r)) = outside {
            return Err(refused(&rel, r));
        }
        for path in files {
            let rel = path
                .strip_prefix(&dir)
                .expect("walkdir stays inside its root");
            let key = crate::core::diag::display_path(rel);
            let bytes = boundary
                .read(&path, MAX_THEME_FILE)
                .map_err(|r| refused(&rel_of(&path), r))?;
            theme.files.insert(key, bytes);
        }
        Ok(theme)
    }

    /// Whether each of `paths` is the embedded default's file, and the fonts are the default's
    /// alone (none added or replaced): what sopan works out about the default templates before
    /// layout then holds (`pdf::flow::columns::bound`).
    pub(crate) fn is_default(&self, paths: &[&str]) -> bool {
        let default = |p: &str| DEFAULT.iter().find(|(d, _)| *d == p).map(|(_, b)| *b);
        let same = |p: &str| default(p).is_some() && self.get(p) == default(p);
        // Only font files count: Typst reads nothing else there (a licence beside them is fine).
        let font = |p: &str| [".ttf", ".otf", ".ttc"].iter().any(|e| p.ends_with(e));
        let fonts = self
            .under("fonts")
            .filter(|(rest, _)| font(rest))
            .all(|(rest, _)| same(&format!("fonts/{rest}")))
            && DEFAULT
                .iter()
                .filter(|(p, _)| p.starts_with("fonts/") && font(p))
                .all(|(p, _)| self.files.contains_key(*p));
        fonts && paths.iter().all(|p| same(p))
    }

    /// Adds or replaces a file (for tools and tests that lay a file over the theme).
    pub fn insert(&mut self, path: &str, bytes: Vec<u8>) {
        self.files.insert(path.to_string(), bytes);
    }

    /// The bytes of a theme file.
    pub fn get(&self, path: &str) -> Option<&[u8]> {
        self.files.get(path).map(Vec::as_slice)
    }

    /// Every file under `dir/` (theme-relative), with its path below `dir`.
    pub fn under<'a>(&'a self, dir: &'a str) -> impl Iterator<Item = (&'a str, &'a [u8])> {
        let prefix = format!("{dir}/");
        self.files
            .iter()
            .filter_map(move |(p, b)| p.strip_prefix(&prefix).map(|rest| (rest, b.as_slice())))
    }

    /// Feeds every file under each of `dirs` (name, length, bytes) into `h`, so a cache keyed
    /// on it changes with any template or font of the theme.
    pub(crate) fn digest_into(&self, dirs: &[&str], h: &mut sha2::Sha256) {
        use sha2::Digest;
        for dir in dirs {
            for (name, bytes) in self.under(dir) {
                h.update(name.as_bytes());
                h.update((bytes.len() as u64).to_le_bytes());
                h.update(bytes);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn project_files_override_embedded_ones() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("themes/dinas/typst/lib");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("flow.typ"), "// ganti").unwrap();
        let t = Theme::load(tmp.path(), "dinas").unwrap();
        assert_eq!(t.get("typst/lib/flow.typ"), Some(&b"// ganti"[..]));
        assert!(t.get("typst/sop.typ").unwrap().len() > 100);
        assert_eq!(t.under("fonts").count(), 4);
    }

    #[test]
    fn every_file_of_the_default_theme_is_embedded() {
        // A template left out of `DEFAULT` works in this repository (whose `themes/default/`
        // overrides) and fails in every other project.
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
        for sub in ["templates", "static", "typst"] {
            for e in walkdir::WalkDir::new(dir.join(sub)) {
                let e = e.unwrap();
                if e.file_type().is_file() {
                    let rel = e
                        .path()
                        .strip_prefix(&dir)
                        .unwrap()
                        .to_string_lossy()
                        .replace('\\', "/");
                    assert!(
                        DEFAULT.iter().any(|(p, _)| *p == rel),
                        "{rel} is not embedded"
                    );
                }
            }
        }
    }
}
