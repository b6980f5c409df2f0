//! Open data: one JSON file per SOP (`instansi/bidang/slug.json`) and `data.json` listing all.

use serde::Serialize;

use crate::model::Site;
use crate::model::org::{Bidang, Instansi};
use crate::model::sop::Sop;
use crate::output::Output;

#[derive(Serialize)]
struct SopFile<'a> {
    instansi: Ref<'a>,
    bidang: Ref<'a>,
    total_waktu_teks: String,
    #[serde(flatten)]
    sop: &'a Sop,
}

#[derive(Serialize)]
struct Ref<'a> {
    id: &'a str,
    nama: &'a str,
}

#[derive(Serialize)]
struct Index<'a> {
    judul: &'a str,
    deskripsi: Option<&'a str>,
    jumlah_sop: usize,
    instansi: Vec<IndexInstansi<'a>>,
}

#[derive(Serialize)]
struct IndexInstansi<'a> {
    id: &'a str,
    pemerintah: &'a str,
    nama: &'a str,
    bidang: Vec<IndexBidang<'a>>,
}

#[derive(Serialize)]
struct IndexBidang<'a> {
    id: &'a str,
    nama: &'a str,
    urutan: Option<i64>,
    sop: Vec<IndexSop<'a>>,
}

#[derive(Serialize)]
struct IndexSop<'a> {
    id: String,
    nomor: &'a str,
    nama: &'a str,
    data: String,
    jumlah_langkah: usize,
    total_waktu_teks: String,
}

fn json<T: Serialize>(v: &T) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(v).expect("model values always serialise");
    bytes.push(b'\n');
    bytes
}

/// Adds the open-data files of `site` to `out`.
pub fn render(site: &Site, out: &mut Output) {
    let mut index = Index {
        judul: &site.settings.judul,
        deskripsi: site.settings.deskripsi.as_deref(),
        jumlah_sop: site.sops().count(),
        instansi: Vec::new(),
    };
    for i in &site.instansi {
        index.instansi.push(IndexInstansi {
            id: &i.id,
            pemerintah: &i.pemerintah,
            nama: &i.nama,
            bidang: i.bidang.iter().map(|b| bidang(out, i, b)).collect(),
        });
    }
    out.insert("data.json", json(&index));
}

fn bidang<'a>(out: &mut Output, i: &'a Instansi, b: &'a Bidang) -> IndexBidang<'a> {
    let mut sops = Vec::new();
    for s in &b.sop {
        let file = SopFile {
            instansi: Ref {
                id: &i.id,
                nama: &i.nama,
            },
            bidang: Ref {
                id: &b.id,
                nama: &b.nama,
            },
            total_waktu_teks: s.total_waktu.teks(),
            sop: s,
        };
        out.insert(s.id.json_path(), json(&file));
        sops.push(IndexSop {
            id: s.id.to_string(),
            nomor: &s.nomor,
            nama: &s.nama,
            data: format!("/{}", s.id.json_path()),
            jumlah_langkah: s.langkah.len(),
            total_waktu_teks: s.total_waktu.teks(),
        });
    }
    IndexBidang {
        id: &b.id,
        nama: &b.nama,
        urutan: (b.urutan != i64::MAX).then_some(b.urutan),
        sop: sops,
    }
}
