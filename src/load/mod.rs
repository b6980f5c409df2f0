//! Load: read `sopan.yaml` and walk `content/` (instansi → bidang → SOP files), turning each file
//! into model values and every problem into a located diagnostic. Nothing here stops at the first
//! problem; the caller decides from the diagnostics whether to go on.

pub(crate) mod boundary;
pub(crate) mod cache;
pub(crate) mod fields;
pub(crate) mod keys;
pub(crate) mod layanan;
mod loader;
pub(crate) mod markdown;
pub(crate) mod org;
pub(crate) mod schema;
pub(crate) mod shape;
pub(crate) mod sinonim;
pub(crate) mod skema;
pub(crate) mod sop;
pub(crate) mod subset;
pub(crate) mod validate;
pub(crate) mod yaml;

use std::path::Path;

use crate::core::diag::{Diagnostic, Diagnostics, Sources, Span};
use crate::core::error::{Error, ErrorKind};
use crate::load::boundary::Boundary;
use crate::load::fields::{Fields, PejabatAt};
use crate::load::keys::FileKind;
use crate::load::schema::{RawInstansi, RawSettings, RawSop};
use crate::load::sop::{SopFacts, resolve_sop};
use crate::model::Site;
use crate::model::id::SopId;
use crate::model::org::Pejabat;
use crate::model::sop::Keterkaitan;

use loader::Loader;
/// The largest content file read. An SOP file is a few kB; a bigger one is a mistake (or hostile)
/// and is refused before it is read, so memory stays bounded.
pub(crate) const MAX_FILE_BYTES: u64 = 1_048_576;

/// The largest logo read (an instansi's emblem; a scanned one can be a few MB).
pub(crate) const MAX_LOGO_BYTES: u64 = 5 * 1_048_576;

/// The folder name reserved for free Markdown pages (rendered by the site, not SOPs).
pub(crate) const PAGES_DIR: &str = "halaman";

/// What loading a project gives: the site, the texts read, the problems, and the facts the
/// cross-file checks need.
#[derive(Debug)]
pub struct Loaded {
    /// The content, defaults applied.
    pub site: Site,
    /// Every file's text, for reports.
    pub sources: Sources,
    /// Problems found while reading.
    pub diags: Diagnostics,
    /// Facts per SOP (nomor span, links), for `validate`.
    pub facts: Vec<(SopId, SopFacts)>,
    /// Every signer block written, for `validate`.
    pub(crate) pejabat: Vec<PejabatAt>,
    /// Repealed regulations for the audit: the project's `peraturan-dicabut.yaml`, then the
    /// shipped list.
    pub dicabut: Vec<crate::audit::dicabut::Pencabutan>,
    /// SOPs of instansi left out of a subset load (`--instansi`) that loaded SOPs link to, with
    /// their names; empty for a whole load.
    pub(crate) luar: std::collections::BTreeMap<SopId, String>,
}

/// Reads the project at `root`. Fails only when `root` is not a project or cannot be read.
pub fn load(root: &Path) -> Result<Loaded, Error> {
    load_with(root, None)
}

/// [`load`], reusing SOP files parsed by earlier loads (`serve`).
pub(crate) fn load_with(root: &Path, cache: Option<&cache::ParseCache>) -> Result<Loaded, Error> {
    load_only(root, cache, None)
}

/// A loader of the project at `root`, which has read nothing yet.
fn loader<'a>(root: &Path, cache: Option<&'a cache::ParseCache>) -> Result<Loader<'a>, Error> {
    require_project(root)?;
    let content = root.join("content");
    let (Some(top), Some(inside)) = (Boundary::new(root, root), Boundary::new(root, &content))
    else {
        return Err(Error::new(ErrorKind::ContentOutside {
            root: root.to_path_buf(),
        }));
    };
    Ok(Loader {
        root: root.to_path_buf(),
        top,
        content: inside,
        cache,
        sources: Sources::default(),
        diags: Vec::new(),
        facts: Vec::new(),
        pejabat: Vec::new(),
        halaman: Vec::new(),
    })
}

/// The instansi folders among the entries of `content/` (every folder but the free pages').
fn instansi_folders(entries: &[(String, bool)]) -> Vec<String> {
    entries
        .iter()
        .filter(|(name, is_dir)| *is_dir && name != PAGES_DIR)
        .map(|(name, _)| name.clone())
        .collect()
}

/// Fails, as a subset load would, when `only` names an instansi the project at `root` does not
/// have; reads only the listing of `content/` (`serve --instansi` refuses an unknown id before
/// it starts rather than in its first build).
pub(crate) fn check_instansi(root: &Path, only: &[String]) -> Result<(), Error> {
    let mut l = loader(root, None)?;
    let entries = l.entries(Path::new("content"))?;
    subset::check_known(only, &instansi_folders(&entries))
}

/// [`load_with`] of only the instansi `only` (`sopan build --instansi`), when given: the other
/// instansi folders are not read, except the SOP files their links name (for the names). Fails
/// when `only` names an instansi the project does not have.
pub(crate) fn load_only(
    root: &Path,
    cache: Option<&cache::ParseCache>,
    only: Option<&[String]>,
) -> Result<Loaded, Error> {
    let mut l = loader(root, cache)?;
    let mut settings = match l.read(Path::new("sopan.yaml"), true) {
        Some(text) => {
            let (raw, mut d) =
                yaml::parse::<RawSettings>(FileKind::Settings, Path::new("sopan.yaml"), &text);
            let mut f = Fields::new(Path::new("sopan.yaml"), &mut d).with_text(&text);
            let s = crate::load::org::resolve_settings(&mut f, raw.unwrap_or_default(), root);
            l.diags.extend(d);
            s
        }
        None => Default::default(),
    };
    let sinonim_text = l.read(Path::new(sinonim::PROJECT_FILE), true);
    settings.sinonim = sinonim::load(sinonim_text.as_deref(), &mut l.diags);
    let dicabut_text = l.read(Path::new(crate::audit::dicabut::PROJECT_FILE), true);
    let dicabut = crate::audit::dicabut::load(dicabut_text.as_deref(), &mut l.diags);
    let mut instansi = Vec::new();
    let entries = l.entries(Path::new("content"))?;
    if let Some(only) = only {
        subset::check_known(only, &instansi_folders(&entries))?;
    }
    for (name, is_dir) in entries {
        let rel = Path::new("content").join(&name);
        if is_dir {
            if name == PAGES_DIR {
                l.pages(&rel, None)?;
                continue;
            }
            if only.is_some_and(|only| !only.contains(&name)) {
                continue;
            }
            if let Some(i) = l.instansi(&rel, &name)? {
                instansi.push(i);
            }
        } else if is_yaml(&name) {
            l.diags.push(
                Diagnostic::warning(Span::file(&rel), "berkas di luar folder instansi diabaikan")
                    .hint("letakkan SOP di `content/<instansi>/<bidang>/<slug>.yaml`"),
            );
        }
    }
    let mut site = Site {
        settings,
        instansi,
        halaman: std::mem::take(&mut l.halaman),
    };
    let luar = only
        .map(|only| subset::outside_names(root, &l.content, &site, only))
        .unwrap_or_default();
    link_names(&mut site, &luar);
    let mut diags = Diagnostics::new();
    diags.extend(l.diags);
    if let Some(c) = cache {
        c.finish_load();
    }
    Ok(Loaded {
        site,
        sources: l.sources,
        diags,
        facts: l.facts,
        pejabat: l.pejabat,
        dicabut,
        luar,
    })
}

/// Fails unless `root` is a sopan project (a folder with `content/`).
pub(crate) fn require_project(root: &Path) -> Result<(), Error> {
    if root.join("content").is_dir() {
        return Ok(());
    }
    Err(Error::new(ErrorKind::NotAProject {
        dir: root.to_path_buf(),
        looked_up: false,
        command: "check".into(),
    }))
}

/// Reads one SOP file's text on its own (an older version from git, a file outside a project):
/// `kepala` signs when the file names no signer. Cross-file checks are not run; `sop:` links keep
/// no nama.
pub fn sop_from_text(
    path: &Path,
    text: &str,
    id: SopId,
    kepala: &Pejabat,
) -> (Option<crate::model::sop::Sop>, Vec<Diagnostic>) {
    let (raw, mut d) = yaml::parse::<RawSop>(FileKind::Sop, path, text);
    let sop = raw.map(|raw| {
        let mut f = Fields::new(path, &mut d).with_text(text);
        // Another version's instansi defaults are not at hand; a diff does not compare them.
        resolve_sop(&mut f, id, raw, kepala, None).0
    });
    (sop, d)
}

/// The head of an instansi (the default signer) from the text of an `_instansi.yaml`, as another
/// version of it said; a blank official when it cannot be read.
pub(crate) fn kepala_from_text(text: &str) -> Pejabat {
    let path = Path::new("_instansi.yaml");
    let (raw, mut d) = yaml::parse::<RawInstansi>(FileKind::Instansi, path, text);
    let mut f = Fields::new(path, &mut d);
    raw.and_then(|r| r.kepala)
        .map(|k| f.pejabat(&k, "kepala"))
        .unwrap_or_default()
}

/// Fills the nama of every resolved `sop:` link (unresolved ones are reported by `validate`);
/// `luar` names the SOPs of instansi a subset load left out.
fn link_names(site: &mut Site, luar: &std::collections::BTreeMap<SopId, String>) {
    let mut names: std::collections::HashMap<SopId, String> = site
        .sops()
        .map(|s| (s.id.clone(), s.nama.clone()))
        .collect();
    names.extend(luar.iter().map(|(id, nama)| (id.clone(), nama.clone())));
    for i in &mut site.instansi {
        for b in &mut i.bidang {
            for s in &mut b.sop {
                for k in &mut s.keterkaitan {
                    if let Keterkaitan::Sop { id, nama } = k
                        && let Some(n) = names.get(id)
                    {
                        *nama = n.clone();
                    }
                }
            }
        }
    }
}

/// The 1-based line and column (in characters) of byte `at`, everything before it being UTF-8.
fn utf8_position(bytes: &[u8], at: usize) -> (u32, u32) {
    let before = std::str::from_utf8(&bytes[..at.min(bytes.len())]).unwrap_or_default();
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[start..]
        .trim_start_matches('\u{feff}')
        .chars()
        .count()
        + 1;
    (line as u32, col as u32)
}

/// Editor droppings and hidden files: never content.
pub(crate) fn is_ignored(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.ends_with(".bak")
}

fn is_yaml(name: &str) -> bool {
    name.ends_with(".yaml") || name.ends_with(".yml")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_byte_is_placed_by_line_and_character_column() {
        assert_eq!(utf8_position(b"nama: R\xe9sak\n", 7), (1, 8));
        let text = "nomor: 1\nnama: Pen\u{e9}rimaan R".as_bytes();
        let mut bytes = text.to_vec();
        bytes.push(0xe9);
        // "é" is two bytes but one column.
        assert_eq!(utf8_position(&bytes, text.len()), (2, 19));
        assert_eq!(utf8_position(b"\xef\xbb\xbfa\xff", 4), (1, 2));
        assert_eq!(utf8_position(b"\xff", 0), (1, 1));
    }
}
