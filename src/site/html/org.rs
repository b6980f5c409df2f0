//! The page of each instansi and of each bidang.

use serde::Serialize;
use tera::Context;

use super::index::card;
use super::{Ctx, FileRef, IRef, PageLink, SopCard, crumbs, file_ref, wilayah};
use crate::core::error::Error;
use crate::model::org::{Bidang, Instansi, Pejabat};
use crate::pipeline::output::Output;

pub(super) fn instansi(ctx: &Ctx, i: &Instansi, out: &mut Output) -> Result<(), Error> {
    #[derive(Serialize)]
    struct B {
        nama: String,
        url: String,
        jumlah_sop: usize,
        jumlah_layanan: usize,
    }
    #[derive(Serialize)]
    struct K {
        judul: String,
        pdf: FileRef,
    }
    #[derive(Serialize)]
    struct I<'a> {
        nama: &'a str,
        pemerintah: &'a str,
        wilayah: String,
        alamat: Option<&'a str>,
        telepon: Option<&'a str>,
        email: Option<&'a str>,
        laman: Option<&'a str>,
        kepala: &'a Pejabat,
        jumlah_sop: usize,
        /// Its public services, listed before the bidang.
        layanan: Vec<SopCard>,
        bidang: Vec<B>,
        keputusan: Option<K>,
    }
    let keputusan = i.keputusan.as_ref().and_then(|k| {
        let pdf = file_ref(out, &ctx.base, &format!("{}/keputusan.pdf", i.id))?;
        let judul = format!(
            "Keputusan Kepala {} {} Nomor {} Tahun {} tentang {}",
            i.nama,
            wilayah(i),
            k.nomor,
            k.tahun,
            k.tentang
        );
        Some(K { judul, pdf })
    });
    let data = I {
        nama: &i.nama,
        pemerintah: &i.pemerintah,
        wilayah: wilayah(i),
        alamat: i.alamat.as_deref(),
        telepon: i.telepon.as_deref(),
        email: i.email.as_deref(),
        laman: i.laman.as_deref(),
        kepala: &i.kepala,
        jumlah_sop: i.sops().count(),
        layanan: i
            .sops()
            .filter(|s| s.layanan_publik())
            .map(|s| card(ctx, i, s))
            .collect(),
        bidang: i
            .bidang
            .iter()
            .map(|b| B {
                nama: b.nama.clone(),
                url: ctx.url(&format!("/{}/{}/", i.id, b.id)),
                jumlah_sop: b.sop.len(),
                jumlah_layanan: b.sop.iter().filter(|s| s.layanan_publik()).count(),
            })
            .collect(),
        keputusan,
    };
    let pages: Vec<PageLink> = ctx
        .site
        .halaman
        .iter()
        .filter(|h| h.instansi.as_deref() == Some(&i.id))
        .map(|h| PageLink {
            judul: h.judul(),
            url: ctx.url(&h.url()),
        })
        .collect();
    let mut c = Context::new();
    c.insert("i", &data);
    c.insert("halaman", &pages);
    c.insert(
        "crumbs",
        &crumbs(
            ctx,
            &[(&format!("{} {}", i.nama, wilayah(i)), format!("/{}/", i.id))],
        ),
    );
    ctx.page("instansi.html", c, out, &format!("{}/index.html", i.id))
}

pub(super) fn bidang(ctx: &Ctx, i: &Instansi, b: &Bidang, out: &mut Output) -> Result<(), Error> {
    #[derive(Serialize)]
    struct B {
        nama: String,
        jumlah_sop: usize,
        /// Public services, listed first.
        layanan: Vec<SopCard>,
        /// Internal procedures.
        internal: Vec<SopCard>,
        /// All of them, public services first (what themes written before the split use).
        sop: Vec<SopCard>,
    }
    let (layanan, internal): (Vec<SopCard>, Vec<SopCard>) = b
        .sop
        .iter()
        .map(|s| card(ctx, i, s))
        .partition(|c| c.layanan_publik);
    let sop = b
        .sop
        .iter()
        .filter(|s| s.layanan_publik())
        .chain(b.sop.iter().filter(|s| !s.layanan_publik()))
        .map(|s| card(ctx, i, s))
        .collect();
    let mut c = Context::new();
    c.insert("i", &IRef::of(i));
    c.insert(
        "b",
        &B {
            nama: b.nama.clone(),
            jumlah_sop: b.sop.len(),
            layanan,
            internal,
            sop,
        },
    );
    c.insert(
        "crumbs",
        &crumbs(
            ctx,
            &[
                (&format!("{} {}", i.nama, wilayah(i)), format!("/{}/", i.id)),
                (&b.nama, format!("/{}/{}/", i.id, b.id)),
            ],
        ),
    );
    ctx.page(
        "bidang.html",
        c,
        out,
        &format!("{}/{}/index.html", i.id, b.id),
    )
}
