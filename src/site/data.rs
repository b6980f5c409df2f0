//! Open data: one JSON file per SOP (`instansi/bidang/slug.json`), `data.json` listing all, and
//! `data.csv` with one row per SOP for spreadsheets.

use rayon::prelude::*;
use serde::Serialize;

use crate::model::Site;
use crate::model::org::{Bidang, Instansi};
use crate::model::sop::Sop;
use crate::pipeline::output::Output;

#[derive(Serialize)]
struct SopFile<'a> {
    instansi: Ref<'a>,
    bidang: Ref<'a>,
    /// `layanan_publik` (the SOP has `layanan:`) or `prosedur_internal`.
    jenis_prosedur: &'static str,
    /// The total of the steps' times ([`crate::model::waktu::TotalWaktu::teks`]).
    total_waktu_teks: String,
    /// The time a citizen is told: the promised `jangka_waktu`, else the total.
    waktu_teks: String,
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
    jenis_prosedur: &'static str,
    jumlah_langkah: usize,
    total_waktu_teks: String,
    waktu_teks: String,
}

fn json<T: Serialize>(v: &T) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(v).expect("model values always serialise");
    bytes.push(b'\n');
    bytes
}

/// Adds the open-data files of `site` to `out`.
pub(crate) fn render(site: &Site, out: &mut Output) {
    // One file per SOP, on all cores (a `serve` save writes all of them again).
    let all = site.sops_placed();
    let files: Vec<(String, Vec<u8>)> = all
        .par_iter()
        .map(|&(i, b, s)| (s.id.json_path(), json(&sop_file(i, b, s))))
        .collect();
    for (path, bytes) in files {
        out.insert(path, bytes);
    }
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
            bidang: i.bidang.iter().map(bidang).collect(),
        });
    }
    out.insert("data.json", json(&index));
    out.insert("data.csv", csv(site));
}

/// The columns of `data.csv`, in order.
pub(crate) const CSV_KOLOM: [&str; 15] = [
    "id",
    "nama",
    "instansi",
    "pemerintah",
    "bidang",
    "jenis",
    "nomor",
    "tanggal_pembuatan",
    "tanggal_revisi",
    "tanggal_efektif",
    "jumlah_langkah",
    "waktu_teks",
    "total_waktu_teks",
    "url",
    "pdf",
];

/// One row per SOP, RFC 4180 (CRLF, fields with `,` `"` or a line break quoted, `"` doubled),
/// UTF-8 without a byte-order mark. Addresses are absolute when `base_url` is set, else paths.
fn csv(site: &Site) -> Vec<u8> {
    let origin = site
        .settings
        .base_url
        .as_deref()
        .map(|u| u.trim_end_matches('/'))
        .unwrap_or("");
    let tanggal =
        |t: Option<crate::model::tanggal::Tanggal>| t.map(|t| t.iso()).unwrap_or_default();
    let mut rows = vec![CSV_KOLOM.map(String::from).to_vec()];
    for (i, b, s) in site.sops_placed() {
        rows.push(vec![
            s.id.to_string(),
            s.nama.clone(),
            i.nama.clone(),
            i.pemerintah.clone(),
            b.nama.clone(),
            jenis_prosedur(s).to_string(),
            s.nomor.clone(),
            tanggal(s.tanggal_pembuatan),
            tanggal(s.tanggal_revisi),
            tanggal(s.tanggal_efektif),
            s.langkah.len().to_string(),
            s.waktu_teks(),
            s.total_waktu.teks(),
            format!("{origin}{}", s.id.url()),
            format!("{origin}/{}", s.id.pdf_path()),
        ]);
    }
    csv_bytes(&rows)
}

/// Rows as RFC 4180 CSV: CRLF line ends; a field with `,`, `"` or a line break quoted, its `"`
/// doubled.
fn csv_bytes(rows: &[Vec<String>]) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    for r in rows {
        // Writing into memory cannot fail; every row has the header's length.
        w.write_record(r).expect("a CSV row into memory");
    }
    w.into_inner().expect("a CSV in memory")
}

fn sop_file<'a>(i: &'a Instansi, b: &'a Bidang, s: &'a Sop) -> SopFile<'a> {
    SopFile {
        instansi: Ref {
            id: &i.id,
            nama: &i.nama,
        },
        bidang: Ref {
            id: &b.id,
            nama: &b.nama,
        },
        jenis_prosedur: jenis_prosedur(s),
        total_waktu_teks: s.total_waktu.teks(),
        waktu_teks: s.waktu_teks(),
        sop: s,
    }
}

/// The machine-readable word for [`Sop::jenis_label`].
fn jenis_prosedur(s: &Sop) -> &'static str {
    if s.layanan_publik() {
        "layanan_publik"
    } else {
        "prosedur_internal"
    }
}

fn bidang(b: &Bidang) -> IndexBidang<'_> {
    let sops = b
        .sop
        .iter()
        .map(|s| IndexSop {
            id: s.id.to_string(),
            nomor: &s.nomor,
            nama: &s.nama,
            data: format!("/{}", s.id.json_path()),
            jenis_prosedur: jenis_prosedur(s),
            jumlah_langkah: s.langkah.len(),
            total_waktu_teks: s.total_waktu.teks(),
            waktu_teks: s.waktu_teks(),
        })
        .collect();
    IndexBidang {
        id: &b.id,
        nama: &b.nama,
        urutan: (b.urutan != i64::MAX).then_some(b.urutan),
        sop: sops,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_commas_quotes_and_line_breaks_and_reads_back() {
        let rows = vec![
            vec!["id".to_string(), "nama".to_string()],
            vec![
                "a/b/c".to_string(),
                "Surat \"Khusus\", satu\nbaris dua".to_string(),
            ],
            vec!["a/b/d".to_string(), "polos".to_string()],
        ];
        let bytes = csv_bytes(&rows);
        assert_eq!(
            String::from_utf8(bytes.clone()).unwrap(),
            "id,nama\r\na/b/c,\"Surat \"\"Khusus\"\", satu\nbaris dua\"\r\na/b/d,polos\r\n"
        );
        let mut r = csv::Reader::from_reader(bytes.as_slice());
        let back: Vec<Vec<String>> = r
            .records()
            .map(|x| x.unwrap().iter().map(str::to_string).collect())
            .collect();
        assert_eq!(back, rows[1..]);
    }
}
