//! The home page: every instansi with its SOP cards, and the dates a card shows.

use serde::Serialize;
use tera::Context;

use super::{Ctx, SopCard, wilayah};
use crate::core::error::Error;
use crate::history::History;
use crate::model::org::Instansi;
use crate::model::sop::Sop;
use crate::model::tanggal::Tanggal;
use crate::pipeline::output::Output;

pub(super) fn card(ctx: &Ctx, i: &Instansi, s: &Sop) -> SopCard {
    SopCard {
        nama: s.nama.clone(),
        nomor: s.nomor.clone(),
        url: ctx.url(&s.id.url()),
        jumlah_langkah: s.langkah.len(),
        total_waktu: s.total_waktu.teks(),
        waktu: s.waktu_teks(),
        layanan_publik: s.layanan_publik(),
        jenis: s.jenis_label(),
        instansi: format!("{} {}", i.nama, wilayah(i)),
    }
}

pub(super) fn index(ctx: &Ctx, out: &mut Output) -> Result<(), Error> {
    #[derive(Serialize)]
    struct I {
        nama: String,
        pemerintah: String,
        url: String,
        jumlah_sop: usize,
        jumlah_layanan: usize,
        jumlah_bidang: usize,
    }
    #[derive(Serialize)]
    struct Recent {
        nama: String,
        url: String,
        instansi: String,
        tanggal: String,
        tanggal_label: &'static str,
        jenis: &'static str,
        #[serde(skip)]
        key: (Tanggal, String),
    }
    let list: Vec<I> = ctx
        .site
        .instansi
        .iter()
        .map(|i| I {
            nama: format!("{} {}", i.nama, wilayah(i)),
            pemerintah: i.pemerintah.clone(),
            url: ctx.url(&format!("/{}/", i.id)),
            jumlah_sop: i.sops().count(),
            jumlah_layanan: i.sops().filter(|s| s.layanan_publik()).count(),
            jumlah_bidang: i.bidang.len(),
        })
        .collect();
    // What citizens come for first: every public service of the site, instansi by instansi.
    let layanan: Vec<SopCard> = ctx
        .site
        .instansi
        .iter()
        .flat_map(|i| i.sops().filter(|s| s.layanan_publik()).map(move |s| (i, s)))
        .map(|(i, s)| card(ctx, i, s))
        .collect();
    // With git history, what changed last is what was committed last (by author date); else
    // the dates written in the content.
    let from_git = matches!(ctx.extras.history, History::Available(_))
        && ctx
            .site
            .sops()
            .any(|s| !ctx.extras.history.of(&s.id).is_empty());
    let mut recent: Vec<Recent> = ctx
        .site
        .instansi
        .iter()
        .flat_map(|i| i.sops().map(move |s| (i, s)))
        .filter_map(|(i, s)| {
            let (t, label) = if from_git {
                (latest_commit(ctx, s)?, "diubah")
            } else {
                match (s.tanggal_revisi, s.tanggal_efektif) {
                    (Some(t), _) => (t, "direvisi"),
                    (None, Some(t)) => (t, "berlaku"),
                    _ => return None,
                }
            };
            Some(Recent {
                nama: s.nama.clone(),
                url: ctx.url(&s.id.url()),
                instansi: format!("{} {}", i.nama, wilayah(i)),
                tanggal: t.indonesia(),
                tanggal_label: label,
                jenis: s.jenis_label(),
                key: (t, s.id.to_string()),
            })
        })
        .collect();
    recent.sort_by(|a, b| b.key.0.cmp(&a.key.0).then_with(|| a.key.1.cmp(&b.key.1)));
    recent.truncate(8);
    let mut c = Context::new();
    c.insert("instansi", &list);
    c.insert("layanan", &layanan);
    c.insert("terbaru", &recent);
    ctx.page("index.html", c, out, "index.html")
}

/// The author date of the newest committed version of `s`, if git knows it.
pub(super) fn latest_commit(ctx: &Ctx, s: &Sop) -> Option<Tanggal> {
    ctx.extras
        .history
        .of(&s.id)
        .iter()
        .filter_map(|v| v.date)
        .max()
}

/// When `s` last changed: the latest of its written dates and of its commits' author dates.
/// Both are fixed by the content and its history, so two builds agree.
pub(super) fn terakhir_diperbarui(ctx: &Ctx, s: &Sop) -> Option<Tanggal> {
    [
        s.tanggal_pembuatan,
        s.tanggal_revisi,
        s.tanggal_efektif,
        latest_commit(ctx, s),
    ]
    .into_iter()
    .flatten()
    .max()
}
