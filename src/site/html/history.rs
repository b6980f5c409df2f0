//! The revision history on the site ("Riwayat perubahan" on each SOP page, one diff page per
//! version against the one before) and the standalone side-by-side report of
//! `sopan diff --format html`, all from the same `perbedaan.html` macros.

use serde::Serialize;
use tera::Context;

use super::{Ctx, IRef, sop_crumbs, template_error, tera};
use crate::core::error::Error;
use crate::diff::diff_sop;
use crate::diff::project::ProjectDiff;
use crate::history::{History, Version};
use crate::model::org::{Bidang, Instansi};
use crate::model::sop::Sop;
use crate::pipeline::output::Output;
use crate::pipeline::theme::Theme;

/// The history section of an SOP page.
#[derive(Serialize)]
pub(super) struct Riwayat {
    /// Whether git history could be read at all.
    tersedia: bool,
    /// Why not.
    alasan: String,
    /// Versions, newest first.
    versi: Vec<VersiCtx>,
}

#[derive(Serialize)]
struct VersiCtx {
    tanggal: String,
    commit: String,
    pesan: String,
    tag: Vec<String>,
    tanggal_revisi: Option<String>,
    /// The diff page against the previous version; `None` for the first or an unreadable one.
    url: Option<String>,
    pertama: bool,
}

fn versi(v: &Version, url: Option<String>, pertama: bool) -> VersiCtx {
    VersiCtx {
        tanggal: v.date.map(|t| t.indonesia()).unwrap_or_default(),
        commit: v.short.clone(),
        pesan: v.message.clone(),
        tag: v.tags.clone(),
        tanggal_revisi: v
            .sop
            .as_ref()
            .and_then(|s| s.tanggal_revisi)
            .map(|t| t.indonesia()),
        url,
        pertama,
    }
}

/// Each version with the one before it (when both could be read).
fn pairs(versions: &[Version]) -> impl Iterator<Item = (&Version, Option<(&Version, &Sop, &Sop)>)> {
    versions.iter().enumerate().map(|(k, v)| {
        let prev = versions.get(k + 1);
        let both = prev.and_then(|p| Some((p, p.sop.as_ref()?, v.sop.as_ref()?)));
        (v, both)
    })
}

fn diff_path(s: &Sop, v: &Version) -> String {
    format!("{}riwayat/{}/", s.id.url(), v.short)
}

/// The history section of `s`'s page.
pub(super) fn riwayat(ctx: &Ctx, s: &Sop) -> Riwayat {
    match &ctx.extras.history {
        History::Unavailable(why) => Riwayat {
            tersedia: false,
            alasan: why.clone(),
            versi: Vec::new(),
        },
        History::Available(_) => {
            let versions = ctx.extras.history.of(&s.id);
            let n = versions.len();
            Riwayat {
                tersedia: true,
                alasan: String::new(),
                versi: pairs(versions)
                    .enumerate()
                    .map(|(k, (v, both))| {
                        let url = both.map(|_| ctx.url(&diff_path(s, v)));
                        versi(v, url, k + 1 == n)
                    })
                    .collect(),
            }
        }
    }
}

/// One page per version of `s` that has a readable predecessor: what that commit changed.
pub(super) fn diff_pages(
    ctx: &Ctx,
    i: &Instansi,
    b: &Bidang,
    s: &Sop,
    out: &mut Output,
) -> Result<(), Error> {
    #[derive(Serialize)]
    struct Page<'a> {
        nama: &'a str,
        url: String,
        versi: VersiCtx,
        sebelumnya: VersiCtx,
    }
    for (v, both) in pairs(ctx.extras.history.of(&s.id)) {
        let Some((p, old, new)) = both else { continue };
        let d = diff_sop(old, new);
        let mut c = Context::new();
        c.insert("i", &IRef::of(i));
        c.insert(
            "p",
            &Page {
                nama: &s.nama,
                url: ctx.url(&s.id.url()),
                versi: versi(v, None, false),
                sebelumnya: versi(p, None, false),
            },
        );
        c.insert("kosong", &d.is_empty());
        c.insert("d", &d);
        let label = format!("Perubahan {}", v.short);
        c.insert(
            "crumbs",
            &sop_crumbs(ctx, i, b, s, &[(&label, diff_path(s, v))]),
        );
        ctx.page(
            "perubahan.html",
            c,
            out,
            &format!("{}index.html", diff_path(s, v).trim_start_matches('/')),
        )?;
    }
    Ok(())
}

/// The self-contained side-by-side report of `sopan diff --format html`.
pub(crate) fn diff_report(theme: &Theme, d: &ProjectDiff) -> Result<String, Error> {
    let t = tera(theme)?;
    let mut c = Context::new();
    c.insert("r", d);
    let css = theme
        .get("static/style.css")
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .unwrap_or_default();
    c.insert("css", &css);
    t.render("laporan-perbandingan.html", &c)
        .map_err(|e| template_error(crate::core::error::TemplateAct::DiffReport, e))
}
