//! `sopan new ID`: a skeleton SOP dated today, and with `--bidang-baru` its missing bidang.

use std::path::Path;

use crate::cmd::init::{skeleton, write_new};
use crate::core::error::SlugOf;
use crate::core::error::{Error, ErrorKind};
use crate::load::keys::FileKind;
use crate::load::skema;
use crate::model::id::{is_valid_slug, slugify};

/// Writes a skeleton SOP `instansi/bidang/slug` into the project at `dir`, dated today; with
/// `bidang_baru`, a missing bidang of an existing instansi is created first.
pub(crate) fn run(
    dir: &Path,
    id: &str,
    nama: Option<&str>,
    bidang_baru: bool,
) -> Result<i32, Error> {
    let content = dir.join("content");
    if !content.is_dir() {
        return Err(Error::new(ErrorKind::NotAProject {
            dir: dir.to_path_buf(),
            looked_up: false,
            command: "new".into(),
        }));
    }
    let parts: Vec<&str> = id.trim_matches('/').split('/').collect();
    let [instansi, bidang, slug] = parts.as_slice() else {
        return Err(Error::new(ErrorKind::BadSopId { id: id.into() }));
    };
    if !is_valid_slug(slug) {
        return Err(Error::new(ErrorKind::BadSlug {
            what: SlugOf::Sop,
            given: slug.to_string(),
            suggestion: slugify(slug),
        }));
    }
    let bidang_dir = content.join(instansi).join(bidang);
    if bidang_baru && !bidang_dir.join("_bidang.yaml").is_file() {
        new_bidang(&content, instansi, bidang)?;
    }
    if !bidang_dir.join("_bidang.yaml").is_file() {
        return Err(Error::new(ErrorKind::UnknownBidang {
            instansi: instansi.to_string(),
            bidang: bidang.to_string(),
            slug: slug.to_string(),
            known: known_bidang(&content),
        }));
    }
    let nama = nama.map(str::to_string).unwrap_or_else(|| title_case(slug));
    let path = bidang_dir.join(format!("{slug}.yaml"));
    let today = crate::cmd::audit::today().iso();
    let rel = format!("content/{instansi}/{bidang}/{slug}.yaml");
    write_new(
        &path,
        &format!(
            "{}{}",
            skema::modeline(FileKind::Sop, &rel),
            skeleton(&nama, slug, "", &today)
        ),
    )?;
    eprintln!("SOP baru: {}", path.display());
    // The skeleton's first line names the schema files: a project made before they existed
    // gets them now (`sopan skema --tulis` refreshes them).
    if !dir.join(skema::PROJECT_DIR).is_dir() {
        skema::write_into(dir)?;
    }
    Ok(0)
}

/// Creates `content/instansi/bidang/_bidang.yaml`, ordered after the instansi's other bidang.
fn new_bidang(content: &Path, instansi: &str, bidang: &str) -> Result<(), Error> {
    let instansi_dir = content.join(instansi);
    if !instansi_dir.join("_instansi.yaml").is_file() {
        let known: Vec<String> = std::fs::read_dir(content)
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| e.path().join("_instansi.yaml").is_file())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        return Err(Error::new(ErrorKind::UnknownInstansi {
            ids: vec![instansi.to_string()],
            near: None,
            known: sorted(known),
        }));
    }
    if !is_valid_slug(bidang) {
        return Err(Error::new(ErrorKind::BadSlug {
            what: SlugOf::Bidang,
            given: bidang.to_string(),
            suggestion: slugify(bidang),
        }));
    }
    let urutan = std::fs::read_dir(&instansi_dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.path().join("_bidang.yaml").is_file())
        .count()
        + 1;
    let nama = serde_json::to_string(&title_case(bidang)).unwrap_or_default();
    let path = instansi_dir.join(bidang).join("_bidang.yaml");
    let modeline = skema::modeline(
        FileKind::Bidang,
        &format!("content/{instansi}/{bidang}/_bidang.yaml"),
    );
    write_new(
        &path,
        &format!(
            "{modeline}nama: {nama}   # nama bidang seperti di struktur organisasi\nurutan: {urutan}\n"
        ),
    )?;
    eprintln!("Bidang baru: {}", path.display());
    Ok(())
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

fn known_bidang(content: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for i in std::fs::read_dir(content).into_iter().flatten().flatten() {
        for b in std::fs::read_dir(i.path()).into_iter().flatten().flatten() {
            if b.path().join("_bidang.yaml").is_file() {
                out.push(format!(
                    "{}/{}",
                    i.file_name().to_string_lossy(),
                    b.file_name().to_string_lossy()
                ));
            }
        }
    }
    out.sort();
    out
}

fn title_case(slug: &str) -> String {
    slug.split('-')
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}
