//! The portal: one site from instansi built apart (`sopan build --instansi X` in one CI job per
//! instansi, then `sopan gabung` in one job). Each output keeps its instansi under `/<id>/` as
//! in a full build, so links between instansi already point where the portal has them. The
//! merge checks that the outputs make one site ([`manifest`]: same sopan, same project
//! configuration, the content of this project, each instansi once), takes what is costly from
//! them (the PDFs, flowcharts and decree books, and each search index, merged in the browser:
//! [`search`]), and makes the site-wide pages (home over all instansi, audit, open data, guide,
//! sitemap) from the project's content, as a full build would. Pages of an instansi are made
//! again too (cheap beside its PDFs), so the portal is a full build's site but for the search
//! bundle's layout.

pub(crate) mod manifest;
pub(crate) mod search;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::core::error::{Error, ErrorKind, IoAct};
use crate::load::Loaded;
use crate::pipeline::output::Output;
use crate::pipeline::theme::Theme;
use crate::site::search::index::DIR;
use manifest::Manifest;

/// One output to merge, as the user named it.
pub(crate) struct Input {
    /// Its folder.
    pub(crate) dir: PathBuf,
    /// How messages name it.
    pub(crate) shown: String,
}

/// The outputs' records, checked against each other: each instansi in one output only, all made
/// by this sopan. Returns them in the order given and every instansi id they hold.
pub(crate) fn read_manifests(inputs: &[Input]) -> Result<(Vec<Manifest>, Vec<String>), Error> {
    let mut manifests = Vec::new();
    let mut owner: BTreeMap<String, &str> = BTreeMap::new();
    let ours = env!("CARGO_PKG_VERSION");
    for input in inputs {
        let m = Manifest::read(&input.dir, &input.shown)?;
        if m.sopan != ours {
            return Err(Error::new(ErrorKind::PortalVersion {
                input: input.shown.clone(),
                theirs: m.sopan.clone(),
            }));
        }
        for b in &m.instansi {
            if let Some(first) = owner.insert(b.id.clone(), &input.shown) {
                return Err(Error::new(ErrorKind::PortalTwice {
                    id: b.id.clone(),
                    first: first.to_string(),
                    second: input.shown.clone(),
                }));
            }
        }
        manifests.push(m);
    }
    let ids = owner.into_keys().collect();
    Ok((manifests, ids))
}

/// Refuses an output built from another configuration or other content than the project at
/// `root` has now: its PDFs and search index would not match the pages made here.
pub(crate) fn check_against_project(
    root: &Path,
    theme: &Theme,
    inputs: &[Input],
    manifests: &[Manifest],
) -> Result<(), Error> {
    let config = manifest::config_hash(root, theme)?;
    for (input, m) in inputs.iter().zip(manifests) {
        if m.konfigurasi != config {
            return Err(Error::new(ErrorKind::PortalConfig {
                input: input.shown.clone(),
            }));
        }
        for b in &m.instansi {
            if manifest::content_hash(root, &b.id)? != b.isi {
                return Err(Error::new(ErrorKind::PortalContent {
                    id: b.id.clone(),
                    input: input.shown.clone(),
                }));
            }
        }
    }
    Ok(())
}

/// The portal's files: the instansi trees and search indexes of `inputs` (checked), then the
/// site-wide pages made from `loaded` (the project, loaded with exactly their instansi).
pub(crate) fn assemble(
    root: &Path,
    loaded: &Loaded,
    theme: &Theme,
    inputs: &[Input],
    manifests: &[Manifest],
) -> Result<Output, Error> {
    let site = &loaded.site;
    let mut out = Output::new();
    // Project order (that of a full build), whatever order the outputs were named in: the
    // first one's search bundle holds Pagefind's scripts.
    let position = |m: &Manifest| {
        m.instansi
            .iter()
            .filter_map(|b| site.instansi.iter().position(|i| i.id == b.id))
            .min()
            .unwrap_or(usize::MAX)
    };
    let mut order: Vec<usize> = (0..inputs.len()).collect();
    order.sort_by_key(|&k| position(&manifests[k]));
    let mut bundles = Vec::new();
    for &k in &order {
        let (input, m) = (&inputs[k], &manifests[k]);
        for b in &m.instansi {
            for (path, bytes) in files_under(&input.dir, &b.id, &input.shown)? {
                out.insert(path, bytes);
            }
        }
        let files = files_under(&input.dir, DIR.trim_end_matches('/'), &input.shown)?
            .into_iter()
            .map(|(p, bytes)| (p[DIR.len()..].to_string(), bytes))
            .collect();
        bundles.push(search::Bundle {
            id: m.instansi.first().map(|b| b.id.clone()).unwrap_or_default(),
            files,
        });
    }
    let extras = crate::pipeline::extras(root, loaded, None);
    crate::site::data::render(site, &mut out);
    crate::site::panduan::render(site, theme, &extras, &mut out)?;
    crate::site::html::render(site, theme, &extras, &mut out, None)?;
    for (path, bytes) in search::merge(bundles)? {
        out.insert(path, bytes);
    }
    Ok(out)
}

/// Every file below `dir/top/`, paths from `dir` with `/`. Symbolic links are left out: sopan
/// writes none, and one could reach outside the output.
fn files_under(dir: &Path, top: &str, shown: &str) -> Result<Vec<(String, Vec<u8>)>, Error> {
    let start = dir.join(top);
    if !start.is_dir() {
        return Err(Error::new(ErrorKind::PortalIncomplete {
            input: shown.into(),
            top: top.into(),
        }));
    }
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(&start).sort_by_file_name() {
        let entry = entry.map_err(|e| {
            Error::new(ErrorKind::Io {
                act: IoAct::ReadDir,
                path: Path::new(shown).join(top),
            })
            .cause(e)
        })?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        let path = crate::core::diag::display_path(rel);
        let bytes = std::fs::read(entry.path())
            .map_err(|e| Error::io(IoAct::Read, Path::new(shown).join(&path), e))?;
        files.push((path, bytes));
    }
    Ok(files)
}
