//! `Loader`: one walk over the project, reading each file through its boundary, parsing and
//! resolving it, and collecting every diagnostic on the way.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

use super::{
    MAX_FILE_BYTES, PAGES_DIR, cache, is_ignored, is_yaml, markdown, org, utf8_position, yaml,
};
use crate::core::diag::{Diagnostic, Sources, Span, display_path};
use crate::core::error::{Error, ErrorKind, IoAct};
use crate::load::boundary::{Boundary, Refusal};
use crate::load::cache::{Context, Resolved};
use crate::load::fields::{Fields, PejabatAt};
use crate::load::keys::{FileKind, nearest};
use crate::load::schema::{RawBidang, RawInstansi, RawKeputusan, RawSop};
use crate::load::sop::{SopFacts, resolve_sop};
use crate::model::id::{SopId, is_valid_slug, slugify};
use crate::model::layanan::LayananBawaan;
use crate::model::org::{Bidang, Instansi, Pejabat};

/// One load in progress: the project's boundaries, the parse cache, and what was read so far.
pub(super) struct Loader<'a> {
    pub(super) root: PathBuf,
    /// The project folder, for the files at its top (`sopan.yaml`, `peraturan-dicabut.yaml`).
    pub(super) top: Boundary,
    /// `content/`, for everything under it.
    pub(super) content: Boundary,
    pub(super) cache: Option<&'a cache::ParseCache>,
    pub(super) sources: Sources,
    pub(super) diags: Vec<Diagnostic>,
    pub(super) facts: Vec<(SopId, SopFacts)>,
    pub(super) pejabat: Vec<PejabatAt>,
    pub(super) halaman: Vec<crate::model::Halaman>,
}

impl Loader<'_> {
    /// The entries of the project folder `rel`, sorted by name so loading order (and so
    /// output) is stable, with whether each is a folder. Hidden files and editor droppings are
    /// left out; a symbolic link is followed only where it stays inside `content/`, one that
    /// leads out is reported at its own path and left out.
    pub(super) fn entries(&mut self, rel: &Path) -> Result<Vec<(String, bool)>, Error> {
        let dir = self.root.join(rel);
        let listed = WalkDir::new(&dir)
            .min_depth(1)
            .max_depth(1)
            .sort_by_file_name()
            .into_iter()
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| {
                Error::new(ErrorKind::Io {
                    act: IoAct::ReadDir,
                    path: rel.to_path_buf(),
                })
                .cause(e.to_string())
            })?;
        let mut kept = Vec::with_capacity(listed.len());
        for entry in listed {
            let name = entry.file_name().to_string_lossy().to_string();
            if is_ignored(&name) {
                continue;
            }
            if !entry.path_is_symlink() {
                kept.push((name, entry.file_type().is_dir()));
                continue;
            }
            match self.content.resolve(entry.path()) {
                Ok(real) => kept.push((name, real.is_dir())),
                // A dangling link is reported by the read of the file it stands for.
                Err(Refusal::Dangling) => kept.push((name, false)),
                Err(refusal) => {
                    let (message, hint) = refusal.message(MAX_FILE_BYTES);
                    self.diags
                        .push(Diagnostic::error(Span::file(rel.join(&name)), message).hint(hint));
                }
            }
        }
        Ok(kept)
    }

    /// Reports a folder whose `_instansi.yaml` / `_bidang.yaml` does not exist (an unreadable
    /// one was already reported by `read`).
    pub(super) fn missing_head(
        &mut self,
        rel: &Path,
        head_path: &Path,
        message: String,
        contents: &str,
    ) {
        // Not `exists()`: a dangling link was already reported by `read`.
        if std::fs::symlink_metadata(self.root.join(head_path)).is_err() {
            self.diags.push(
                Diagnostic::error(Span::file(rel), message)
                    .hint(format!("buat `{}` {contents}", display_path(head_path))),
            );
        }
    }

    /// Reads the Markdown pages of a `halaman/` folder.
    pub(super) fn pages(&mut self, rel: &Path, instansi: Option<&str>) -> Result<(), Error> {
        for (name, is_dir) in self.entries(rel)? {
            let child = rel.join(&name);
            if is_dir {
                continue;
            }
            let Some(slug) = name.strip_suffix(".md") else {
                self.diags.push(
                    Diagnostic::warning(Span::file(&child), "berkas di folder halaman diabaikan")
                        .hint("halaman ditulis dalam Markdown dengan ekstensi `.md`"),
                );
                continue;
            };
            if !self.check_slug(&child, slug, "berkas halaman") {
                continue;
            }
            if let Some(teks) = self.read(&child, false) {
                if let Some((line, col)) = markdown::too_deep(&teks) {
                    self.diags.push(
                        Diagnostic::error(
                            Span::at(&child, line, col, 1),
                            format!(
                                "halaman bersarang terlalu dalam (lebih dari {} tingkat kutipan, daftar atau tag HTML)",
                                markdown::MAX_DEPTH
                            ),
                        )
                        .hint("kurangi tingkat `>`, daftar di dalam daftar, atau tag HTML yang tidak ditutup"),
                    );
                    continue;
                }
                self.halaman.push(crate::model::Halaman {
                    instansi: instansi.map(str::to_string),
                    slug: slug.to_string(),
                    teks,
                    sumber: display_path(&child),
                });
            }
        }
        Ok(())
    }

    /// Reads a project-relative file as text; `None` if absent (and `optional`), refused by the
    /// project boundary, unreadable or not UTF-8 (all but the first reported).
    pub(super) fn read(&mut self, rel: &Path, optional: bool) -> Option<String> {
        let path = self.root.join(rel);
        let boundary = if rel.starts_with("content") {
            &self.content
        } else {
            &self.top
        };
        let bytes = match boundary.read(&path, MAX_FILE_BYTES) {
            Ok(bytes) => bytes,
            Err(Refusal::Missing) if optional => return None,
            Err(refusal) => {
                let (message, hint) = refusal.message(MAX_FILE_BYTES);
                self.diags
                    .push(Diagnostic::error(Span::file(rel), message).hint(hint));
                return None;
            }
        };
        match String::from_utf8(bytes) {
            Ok(mut text) => {
                if text.starts_with('\u{feff}') {
                    text.remove(0);
                }
                self.sources.insert(rel.to_path_buf(), text.clone());
                Some(text)
            }
            Err(e) => {
                let bytes = e.as_bytes();
                let at = e.utf8_error().valid_up_to();
                let (line, col) = utf8_position(bytes, at);
                // The line is quoted with the bad bytes shown as `�`.
                let mut lossy = String::from_utf8_lossy(bytes).into_owned();
                if lossy.starts_with('\u{feff}') {
                    lossy.remove(0);
                }
                self.sources.insert(rel.to_path_buf(), lossy);
                self.diags.push(
                    Diagnostic::error(
                        Span::at(rel, line, col, 1),
                        format!(
                            "berkas bukan teks UTF-8: byte 0x{:02X} di sini tidak terbaca",
                            bytes[at]
                        ),
                    )
                    .hint("simpan ulang berkas dengan pengodean UTF-8 di penyunting teks Anda (mis. Notepad: Simpan Sebagai → Pengodean UTF-8)"),
                );
                None
            }
        }
    }

    pub(super) fn check_slug(&mut self, rel: &Path, name: &str, what: &str) -> bool {
        if is_valid_slug(name) {
            return true;
        }
        let suggestion = slugify(name);
        self.diags.push(
            Diagnostic::error(
                Span::file(rel),
                format!("nama {what} `{name}` tidak bisa menjadi bagian alamat (URL)"),
            )
            .hint(format!(
                "gunakan huruf kecil, angka dan tanda hubung saja, mis. `{suggestion}`"
            )),
        );
        false
    }

    pub(super) fn instansi(&mut self, rel: &Path, id: &str) -> Result<Option<Instansi>, Error> {
        if !self.check_slug(rel, id, "folder instansi") {
            return Ok(None);
        }
        if crate::model::id::RESERVED_TOP.contains(&id) {
            self.diags.push(
                Diagnostic::error(
                    Span::file(rel),
                    format!("nama folder instansi `{id}` dipakai situs untuk halamannya sendiri (`/{id}/`)"),
                )
                .hint(format!(
                    "ganti nama folder, mis. `dinas-{id}`; nama yang tidak boleh dipakai: {}",
                    crate::model::id::RESERVED_TOP.join(", ")
                )),
            );
            return Ok(None);
        }
        let head_path = rel.join("_instansi.yaml");
        let mut instansi = match self.read(&head_path, true) {
            Some(text) => {
                let (raw, mut d) =
                    yaml::parse::<RawInstansi>(FileKind::Instansi, &head_path, &text);
                let mut f = Fields::new(&head_path, &mut d).with_text(&text);
                let raw = raw.unwrap_or_default();
                let i = org::resolve_instansi(&mut f, raw, id, rel, &self.root);
                self.pejabat.append(&mut f.pejabat);
                self.diags.extend(d);
                i
            }
            None => {
                self.missing_head(
                    rel,
                    &head_path,
                    format!("folder instansi `{id}` tidak punya `_instansi.yaml`"),
                    "berisi `pemerintah`, `nama` dan `kepala`",
                );
                Instansi {
                    id: id.to_string(),
                    ..Instansi::default()
                }
            }
        };
        let mut bidang = Vec::new();
        let mut has_keputusan = false;
        for (name, is_dir) in self.entries(rel)? {
            let child = rel.join(&name);
            if is_dir {
                if name == PAGES_DIR {
                    self.pages(&child, Some(id))?;
                    continue;
                }
                if let Some(b) = self.bidang(
                    &child,
                    id,
                    &name,
                    &instansi.kepala,
                    instansi.layanan.as_ref(),
                )? {
                    bidang.push(b);
                }
            } else if name == "_keputusan.yaml" {
                has_keputusan = true;
            } else if name != "_instansi.yaml" && is_yaml(&name) {
                let d = if name.starts_with('_') {
                    Diagnostic::warning(
                        Span::file(&child),
                        format!("berkas khusus `{name}` tidak dikenal dan diabaikan"),
                    )
                    .maybe_hint(
                        nearest(&name, ["_instansi.yaml", "_keputusan.yaml"])
                            .map(|n| format!("maksud Anda `{n}`?")),
                    )
                } else {
                    Diagnostic::warning(Span::file(&child), "SOP di luar folder bidang diabaikan")
                        .hint(format!(
                            "pindahkan ke `{}/<bidang>/{name}`",
                            display_path(rel)
                        ))
                };
                self.diags.push(d);
            }
        }
        bidang.sort_by(|a, b| a.urutan.cmp(&b.urutan).then_with(|| a.id.cmp(&b.id)));
        for pair in bidang.windows(2) {
            if pair[0].urutan == pair[1].urutan && pair[0].urutan != i64::MAX {
                self.diags.push(
                    Diagnostic::warning(
                        Span::file(rel.join(&pair[1].id).join("_bidang.yaml")),
                        format!(
                            "`urutan: {}` juga dipakai bidang `{}`",
                            pair[1].urutan, pair[0].id
                        ),
                    )
                    .hint("beri setiap bidang urutan yang berbeda agar urutan di lampiran jelas"),
                );
            }
        }
        let keputusan = if has_keputusan {
            let kp = rel.join("_keputusan.yaml");
            self.read(&kp, false).map(|text| {
                let (raw, mut d) = yaml::parse::<RawKeputusan>(FileKind::Keputusan, &kp, &text);
                let mut f = Fields::new(&kp, &mut d).with_text(&text);
                let k = org::resolve_keputusan(
                    &mut f,
                    raw.unwrap_or_default(),
                    &instansi.kepala,
                    &instansi.nama,
                    &instansi.pemerintah,
                    &bidang,
                );
                self.pejabat.append(&mut f.pejabat);
                self.diags.extend(d);
                k
            })
        } else {
            None
        };
        instansi.keputusan = keputusan;
        instansi.bidang = bidang;
        Ok(Some(instansi))
    }

    pub(super) fn bidang(
        &mut self,
        rel: &Path,
        instansi: &str,
        id: &str,
        kepala: &Pejabat,
        layanan: Option<&LayananBawaan>,
    ) -> Result<Option<Bidang>, Error> {
        if !self.check_slug(rel, id, "folder bidang") {
            return Ok(None);
        }
        let head_path = rel.join("_bidang.yaml");
        let mut bidang = match self.read(&head_path, true) {
            Some(text) => {
                let (raw, mut d) = yaml::parse::<RawBidang>(FileKind::Bidang, &head_path, &text);
                let mut f = Fields::new(&head_path, &mut d).with_text(&text);
                let b = org::resolve_bidang(&mut f, raw.unwrap_or_default(), id);
                self.diags.extend(d);
                b
            }
            None => {
                self.missing_head(
                    rel,
                    &head_path,
                    format!("folder bidang `{id}` tidak punya `_bidang.yaml`"),
                    "berisi `nama:` dan `urutan:`",
                );
                Bidang {
                    id: id.to_string(),
                    nama: String::new(),
                    urutan: i64::MAX,
                    sop: Vec::new(),
                }
            }
        };
        let mut sops = Vec::new();
        let mut files = Vec::new();
        for (name, is_dir) in self.entries(rel)? {
            let child = rel.join(&name);
            if name == "_bidang.yaml" {
                continue;
            }
            if is_dir {
                self.diags.push(
                    Diagnostic::warning(
                        Span::file(&child),
                        "folder di dalam folder bidang diabaikan",
                    )
                    .hint(
                        "SOP ditulis langsung di folder bidang: `<instansi>/<bidang>/<slug>.yaml`",
                    ),
                );
                continue;
            }
            if let Some(stem) = name.strip_suffix(".yml") {
                self.diags.push(
                    Diagnostic::warning(Span::file(&child), "berkas `.yml` diabaikan")
                        .hint(format!("ganti nama menjadi `{stem}.yaml`")),
                );
                continue;
            }
            let Some(slug) = name.strip_suffix(".yaml") else {
                continue;
            };
            if slug.starts_with('_') {
                self.diags.push(
                    Diagnostic::warning(
                        Span::file(&child),
                        format!("berkas khusus `{name}` tidak dikenal dan diabaikan"),
                    )
                    .maybe_hint(
                        nearest(&name, ["_bidang.yaml"]).map(|n| format!("maksud Anda `{n}`?")),
                    ),
                );
                continue;
            }
            if !self.check_slug(&child, slug, "berkas SOP") {
                continue;
            }
            let Some(text) = self.read(&child, false) else {
                continue;
            };
            files.push((child, slug.to_string(), text));
        }
        // Parsing and resolving are most of loading and each file is read alone: on all cores
        // (a save in `serve` reloads every file).
        let cache = self.cache;
        let resolved: Vec<_> = files
            .par_iter()
            .map(|(child, slug, text)| {
                let sop_id = SopId::new(instansi, id, slug);
                let resolve = || -> Resolved {
                    let (raw, mut d) = match cache {
                        Some(c) => c.parse(child, text),
                        None => yaml::parse::<RawSop>(FileKind::Sop, child, text),
                    };
                    let sop = raw.map(|raw| {
                        let mut f = Fields::new(child, &mut d).with_text(text);
                        let (sop, facts) =
                            resolve_sop(&mut f, sop_id.clone(), raw, kepala, layanan);
                        (sop_id.clone(), sop, facts, std::mem::take(&mut f.pejabat))
                    });
                    (sop, d)
                };
                match cache {
                    Some(c) => {
                        let context = Context {
                            id: sop_id.clone(),
                            kepala: kepala.clone(),
                            layanan: layanan.cloned(),
                        };
                        c.resolve(child, text, context, resolve)
                    }
                    None => resolve(),
                }
            })
            .collect();
        for (sop, d) in resolved {
            if let Some((sop_id, sop, facts, mut pejabat)) = sop {
                self.pejabat.append(&mut pejabat);
                sops.push((facts.urutan.unwrap_or(i64::MAX), sop));
                self.facts.push((sop_id, facts));
            }
            self.diags.extend(d);
        }
        sops.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.id.slug.cmp(&b.1.id.slug)));
        bidang.sop = sops.into_iter().map(|(_, s)| s).collect();
        Ok(Some(bidang))
    }
}
