//! The data each Typst template reads (JSON, from the model): the SOP document, the decree
//! book, the instansi and its bidang; dates pinned for byte-identical builds; page footers.

use super::*;

/// Paper size in millimetres, portrait.
#[derive(Clone, Copy, Serialize)]
pub(super) struct Paper {
    pub(super) lebar_mm: u32,
    pub(super) tinggi_mm: u32,
}

impl From<Kertas> for Paper {
    fn from(k: Kertas) -> Self {
        match k {
            Kertas::F4 => Paper {
                lebar_mm: 215,
                tinggi_mm: 330,
            },
            Kertas::A4 => Paper {
                lebar_mm: 210,
                tinggi_mm: 297,
            },
        }
    }
}

#[derive(Serialize)]
pub(super) struct InstansiDoc<'a> {
    pemerintah: &'a str,
    nama: &'a str,
    alamat: Option<&'a str>,
    telepon: Option<&'a str>,
    email: Option<&'a str>,
    laman: Option<&'a str>,
    kota: Option<&'a str>,
    logo: Option<String>,
}

#[derive(Serialize)]
pub(super) struct BidangDoc<'a> {
    nama: &'a str,
}

/// Dates and totals already written the Indonesian way, so templates only place text.
#[derive(Serialize)]
pub(super) struct Teks {
    tanggal_pembuatan: String,
    tanggal_revisi: String,
    tanggal_efektif: String,
    total_waktu: String,
}

/// The data of one SOP document, as `/data.json` sees it.
#[derive(Serialize)]
pub(super) struct SopDoc<'a> {
    kertas: Paper,
    instansi: InstansiDoc<'a>,
    bidang: BidangDoc<'a>,
    /// The SOP with its flow table's column plan and the flowchart's alternative text.
    sop: flow::columns::SopView<'a>,
    teks: Teks,
    /// Per Keterkaitan item, the linked SOP's page on the site when `base_url` is set (else
    /// null): the identity page prints it as a link.
    tautan: Vec<Option<String>>,
    /// How the identity page fits (`identitas.typ`), chosen here; null when even its floor
    /// is estimated too tall, for the template to measure.
    identitas: Option<identity::Fit>,
    /// The flow table's row bounds (`SopView::baris`), null when the theme sets the flow table
    /// otherwise than the default (`PdfRenderer::fixed_rows`). Last: `without_fixed_rows` cuts
    /// them off the end of the JSON.
    baris: Option<Vec<Option<f64>>>,
}

#[derive(Serialize)]
pub(super) struct LampiranSop<'a> {
    nama: &'a str,
    nomor: &'a str,
    /// Its first page among the SOP pages of the book (from 1): the daftar isi adds the decree
    /// part's length.
    halaman: usize,
}

/// A diktum as the template sets it: its text, and an inline numbered list ("yaitu: 1. …;
/// 2. …") taken out to be set one item a line.
#[derive(Serialize)]
pub(super) struct DiktumDoc {
    teks: String,
    butir: Vec<String>,
}

#[derive(Serialize)]
pub(super) struct LampiranBidang<'a> {
    nama: &'a str,
    sop: Vec<LampiranSop<'a>>,
}

/// The data of the decree part of a book (the SOPs follow as their own PDFs).
#[derive(Serialize)]
pub(super) struct BookDoc<'a> {
    kertas: Paper,
    instansi: InstansiDoc<'a>,
    keputusan: &'a Keputusan,
    judul: String,
    jabatan_kepala: String,
    wilayah: String,
    kota: String,
    tanggal_teks: String,
    diktum_label: Vec<String>,
    diktum: Vec<DiktumDoc>,
    bidang: Vec<LampiranBidang<'a>>,
    jumlah_sop: usize,
    margin: crate::model::settings::Margin,
}

pub(super) fn tanggal(t: Option<Tanggal>) -> String {
    t.map(|t| t.indonesia()).unwrap_or_default()
}

pub(super) fn logo_path(i: &Instansi) -> Option<String> {
    let ext = i.logo.as_ref()?.extension()?.to_str()?.to_ascii_lowercase();
    Some(format!("/logo/{}.{ext}", i.id))
}

/// `i` as its documents print it; `print`: the logo's copy at the identity page's print
/// resolution (`pdf::logo`), for the SOP documents.
pub(super) fn instansi_doc(i: &Instansi, print: bool) -> InstansiDoc<'_> {
    InstansiDoc {
        pemerintah: &i.pemerintah,
        nama: &i.nama,
        alamat: i.alamat.as_deref(),
        telepon: i.telepon.as_deref(),
        email: i.email.as_deref(),
        laman: i.laman.as_deref(),
        kota: i.kota.as_deref(),
        logo: logo_path(i).map(|p| {
            if print {
                crate::pdf::logo::print_path(&p)
            } else {
                p
            }
        }),
    }
}

pub(super) fn sop_doc<'a>(
    kertas: Kertas,
    base_url: Option<&str>,
    i: &'a Instansi,
    b: &'a Bidang,
    s: &'a Sop,
    fixed_rows: bool,
) -> SopDoc<'a> {
    let paper = Paper::from(kertas);
    let tautan = s
        .keterkaitan
        .iter()
        .map(|k| match (k, base_url) {
            (crate::model::sop::Keterkaitan::Sop { id, .. }, Some(base)) => {
                Some(format!("{base}{}", id.url()))
            }
            _ => None,
        })
        .collect();
    // The flow page is landscape: the paper's height is its width.
    let mut sop = flow::columns::view(s, paper.tinggi_mm.into(), paper.lebar_mm.into());
    let baris = std::mem::take(&mut sop.baris);
    let baris = fixed_rows.then_some(baris);
    SopDoc {
        kertas: paper,
        instansi: instansi_doc(i, true),
        bidang: BidangDoc { nama: &b.nama },
        sop,
        teks: Teks {
            tanggal_pembuatan: tanggal(s.tanggal_pembuatan),
            tanggal_revisi: tanggal(s.tanggal_revisi),
            tanggal_efektif: tanggal(s.tanggal_efektif),
            total_waktu: s.total_waktu.teks(),
        },
        tautan,
        identitas: identity::fit(paper, i, b, s),
        baris,
    }
}

/// An SOP document's data without the flow table's fixed row heights (every row auto), or
/// `None` when it has none. `baris` is the data's last field; its key's bytes occur nowhere
/// else, as a quote inside a text is written `\"` (a test puts the key in a text).
pub(super) fn without_fixed_rows(data: &[u8]) -> Option<Vec<u8>> {
    const KEY: &[u8] = b"\"baris\":[";
    let at = data.windows(KEY.len()).rposition(|w| w == KEY)?;
    let mut out = data[..at].to_vec();
    out.extend_from_slice(b"\"baris\":null}");
    Some(out)
}

/// "Kabupaten Tanah Laut" from "Pemerintah Kabupaten Tanah Laut".
pub(super) fn wilayah(pemerintah: &str) -> String {
    pemerintah
        .strip_prefix("Pemerintah ")
        .unwrap_or(pemerintah)
        .to_string()
}

/// The decree part's data; `pages` are the page counts of `i`'s SOP PDFs in book order (for
/// the daftar isi).
pub(super) fn book_doc<'a>(
    settings: &crate::model::settings::Settings,
    i: &'a Instansi,
    k: &'a Keputusan,
    pages: &[usize],
) -> BookDoc<'a> {
    let wil = wilayah(&i.pemerintah);
    let jabatan = format!("Kepala {} {}", i.nama, wil);
    let mut next = 1;
    let mut counts = pages.iter();
    let bidang: Vec<LampiranBidang> = i
        .bidang
        .iter()
        .map(|b| LampiranBidang {
            nama: &b.nama,
            sop: b
                .sop
                .iter()
                .map(|s| {
                    let halaman = next;
                    next += counts.next().copied().unwrap_or(0);
                    LampiranSop {
                        nama: &s.nama,
                        nomor: &s.nomor,
                        halaman,
                    }
                })
                .collect(),
        })
        .collect();
    let diktum = k
        .diktum
        .iter()
        .map(|t| match crate::load::validate::enumeration(t) {
            Some((teks, butir)) => DiktumDoc { teks, butir },
            None => DiktumDoc {
                teks: t.clone(),
                butir: Vec::new(),
            },
        })
        .collect();
    BookDoc {
        kertas: settings.kertas.into(),
        instansi: instansi_doc(i, false),
        keputusan: k,
        judul: format!("KEPUTUSAN {}", jabatan.to_uppercase()),
        jabatan_kepala: jabatan.to_uppercase(),
        wilayah: wil,
        kota: i.kota.clone().unwrap_or_default(),
        tanggal_teks: k
            .tanggal
            .map(|t| t.indonesia())
            .unwrap_or_else(|| "...................".into()),
        diktum_label: (0..k.diktum.len()).map(diktum_label).collect(),
        diktum,
        jumlah_sop: i.sops().count(),
        bidang,
        margin: settings.margin,
    }
}

/// The date written into a PDF: `SOURCE_DATE_EPOCH` when set (reproducible-builds convention),
/// else the latest of the document's own dates, else 2000-01-01. Never the clock.
pub(crate) fn pinned_date(dates: impl IntoIterator<Item = Option<Tanggal>>) -> Datetime {
    if let Some(t) = source_date_epoch() {
        return t;
    }
    let latest = dates.into_iter().flatten().max();
    let t = latest.unwrap_or(Tanggal {
        tahun: 2000,
        bulan: 1,
        hari: 1,
    });
    Datetime::from_ymd(i32::from(t.tahun), t.bulan, t.hari).expect("Tanggal is a real date")
}

pub(super) fn source_date_epoch() -> Option<Datetime> {
    let secs = crate::core::env::get().source_date_epoch?;
    let (y, m, d) = crate::model::tanggal::civil_from_days(secs.div_euclid(86_400));
    let y = i32::try_from(y).ok()?;
    let secs_of_day = secs.rem_euclid(86_400);
    Datetime::from_ymd_hms(
        y,
        m,
        d,
        (secs_of_day / 3600) as u8,
        (secs_of_day % 3600 / 60) as u8,
        (secs_of_day % 60) as u8,
    )
}

/// Where the footer of a standalone SOP document goes: the margins of `lib/sop.typ`.
pub(super) fn sop_footer() -> flow::FooterPlace {
    flow::FooterPlace {
        right: Abs::mm(12.0),
        bottom: Abs::mm(16.0),
    }
}

/// The book's page number, on the decree part's pages and beside each SOP page's own.
pub(super) const BOOK_PAGE: &str = "Halaman {n} dari {total}";

/// Where the page numbers of the decree part go: its margins (`margin:` of `sopan.yaml`, as
/// `keputusan.typ` sets them).
pub(super) fn book_footer(m: crate::model::settings::Margin) -> flow::FooterPlace {
    flow::FooterPlace {
        right: Abs::mm(m.kanan as f64),
        bottom: Abs::mm(m.bawah as f64),
    }
}
