//! The sides of `sopan diff`: an SOP file, a project folder, or a git revision of the project
//! (read from the repository, never checked out: the files loading reads are written to a
//! temporary folder, except links and files over the content limit, which are skipped with a
//! warning).

use std::path::{Path, PathBuf};

use crate::core::error::{Error, ErrorKind, IoAct};
use crate::diff::project::Versi;
use crate::history::git::Repo;
use crate::load::{kepala_from_text, sop_from_text};
use crate::model::id::SopId;
use crate::model::org::Pejabat;

/// Reads one side. An existing file or folder wins over a revision of the same name.
pub(crate) fn read(arg: &str, proyek: &Path) -> Result<Versi, Error> {
    let path = Path::new(arg);
    if path.is_file() {
        return file(path);
    }
    if path.is_dir() {
        return project(path, &path.display().to_string());
    }
    revision(arg, proyek)
}

/// The working copy of the project: the default new side.
pub(crate) fn working_copy(proyek: &Path) -> Result<Versi, Error> {
    project(proyek, "salinan kerja")
}

fn file(path: &Path) -> Result<Versi, Error> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(IoAct::Read, path, e))?;
    let (id, kepala) = place_of(path);
    let label = path.display().to_string();
    let (sop, diags) = sop_from_text(path, &text, id, &kepala);
    let mut all = crate::core::diag::Diagnostics::new();
    all.extend(diags);
    if all.has_errors() || sop.is_none() {
        let mut sources = crate::core::diag::Sources::default();
        sources.insert(path.to_path_buf(), text);
        crate::core::report::eprint_all(&all, &sources);
        return Err(Error::new(ErrorKind::DiffSideInvalid {
            label,
            revision: false,
        }));
    }
    Ok(Versi {
        label,
        sops: sop.into_iter().collect(),
    })
}

/// The id and default signer of an SOP file: from its project when it sits at
/// `content/<instansi>/<bidang>/<slug>.yaml`, else from its path alone with no default signer.
fn place_of(path: &Path) -> (SopId, Pejabat) {
    let abs = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    let part = |p: Option<&Path>| {
        p.and_then(|p| p.file_name())
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    let slug = abs
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let bidang_dir = abs.parent();
    let instansi_dir = bidang_dir.and_then(Path::parent);
    let id = SopId::new(&part(instansi_dir), &part(bidang_dir), &slug);
    let in_project = instansi_dir
        .and_then(Path::parent)
        .is_some_and(|c| c.file_name().is_some_and(|n| n == "content"));
    let kepala = instansi_dir
        .filter(|_| in_project)
        .and_then(|d| std::fs::read_to_string(d.join("_instansi.yaml")).ok())
        .map(|t| kepala_from_text(&t))
        .unwrap_or_default();
    (id, kepala)
}

fn project(root: &Path, label: &str) -> Result<Versi, Error> {
    let loaded = crate::pipeline::load_and_validate(root)?;
    if loaded.diags.has_errors() {
        crate::core::report::eprint_all(&loaded.diags, &loaded.sources);
        return Err(Error::new(ErrorKind::DiffSideInvalid {
            label: label.into(),
            revision: true,
        }));
    }
    Ok(Versi {
        label: label.to_string(),
        sops: loaded.site.sops().cloned().collect(),
    })
}

fn revision(rev: &str, proyek: &Path) -> Result<Versi, Error> {
    let Some(repo) = Repo::discover(proyek) else {
        return Err(Error::new(ErrorKind::DiffNotARevision {
            rev: rev.into(),
            proyek: proyek.to_path_buf(),
        }));
    };
    let commit = repo.resolve(rev)?;
    let short = commit.short();
    let label = if short.starts_with(rev) || rev.starts_with(&short) {
        short
    } else {
        format!("{rev} ({short})")
    };
    let dir = tempfile::Builder::new()
        .prefix("sopan-revisi-")
        .tempdir()
        .map_err(|e| Error::new(ErrorKind::TempDir).cause(e))?;
    let root: PathBuf = dir.path().to_path_buf();
    // Oversized files and links are never written; the loader then sees them as absent.
    let skipped = repo.extract(&commit, &root)?;
    if !skipped.is_empty() {
        let mut all = crate::core::diag::Diagnostics::new();
        all.extend(skipped);
        crate::core::report::eprint_all(&all, &crate::core::diag::Sources::default());
    }
    if !root.join("content").is_dir() {
        return Err(Error::new(ErrorKind::RevisionWithoutContent { label }));
    }
    project(&root, &label)
}
