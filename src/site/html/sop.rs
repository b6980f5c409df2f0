//! The page of each SOP: its steps as a flow with captions (`Alur`), the PDF and flowchart
//! files, sharing links and the service summary (`RingkasanLayanan`).

use serde::Serialize;
use tera::Context;

use super::IRef;
use super::history;
use super::index::terakhir_diperbarui;
use super::{Ctx, FileRef, file_ref, sop_crumbs};
use crate::core::error::{Error, ErrorKind};
use crate::model::layanan::{Layanan, Potongan, potong_tautan, tel_url, wa_url};
use crate::model::org::{Bidang, Instansi, Pejabat};
use crate::model::sop::{Jenis, Keterkaitan, Langkah, Sop, Tujuan};
use crate::model::waktu::TotalWaktu;
use crate::pipeline::output::Output;

#[derive(Serialize)]
pub(super) struct Alur {
    url: String,
    alt: String,
    lebar: u32,
    tinggi: u32,
    /// Its page in the SOP's PDF (the identity page is page 1).
    halaman: usize,
    /// The PDF's page count.
    total: usize,
    /// The PDF opened at that page.
    pdf_url: String,
}

/// The page count of a PDF, from its page tree's `/Count` (typst writes the tree root
/// uncompressed, `<</Type/Pages/Count 3/Kids[…]>>`).
pub(super) fn pdf_pages(pdf: &[u8]) -> Option<usize> {
    let at = pdf.windows(11).position(|w| w == b"/Type/Pages")?;
    let dict = &pdf[at..pdf.len().min(at + 200)];
    let end = dict
        .windows(2)
        .position(|w| w == b">>")
        .unwrap_or(dict.len());
    let dict = &dict[..end];
    let count = dict.windows(6).position(|w| w == b"/Count")? + 6;
    let digits: String = dict[count..]
        .iter()
        .skip_while(|b| b.is_ascii_whitespace())
        .take_while(|b| b.is_ascii_digit())
        .map(|&b| char::from(b))
        .collect();
    digits.parse().ok()
}

/// One step of the vertical flow a phone shows: the symbol the PDF draws for it, who does it,
/// and where a decision leads.
#[derive(Serialize)]
pub(super) struct AlurLangkah {
    nomor: usize,
    kegiatan: String,
    pelaksana: String,
    /// `terminator`, `proses` or `keputusan`: the shape.
    simbol: &'static str,
    /// "Mulai", "Proses", "Keputusan", "Selesai": the shape in words.
    jenis: &'static str,
    /// A decision's answers, Ya first.
    cabang: Vec<Cabang>,
}

#[derive(Serialize)]
pub(super) struct Cabang {
    /// "Ya" or "Tidak".
    label: &'static str,
    /// "lanjut ke langkah 3", "kembali ke langkah 1", "prosedur selesai".
    teks: String,
    /// The step it leads to on this page ("#langkah-3"); none for the end.
    url: Option<String>,
}

/// The vertical flow of `s`, read as the PDF's flow reads it: a decision's missing Ya goes on to
/// the next step (or ends the last one), a missing Tidak ends the procedure.
pub(super) fn alur_langkah(s: &Sop) -> Vec<AlurLangkah> {
    let last = s.langkah.len();
    let cabang = |label, t: Tujuan, l: &Langkah| Cabang {
        label,
        teks: tujuan(Some(t), l.nomor),
        url: match t {
            Tujuan::Langkah(n) => Some(format!("#langkah-{n}")),
            Tujuan::Selesai => None,
        },
    };
    s.langkah
        .iter()
        .map(|l| {
            let (simbol, jenis) = match l.jenis {
                Jenis::Mulai => ("terminator", "Mulai"),
                Jenis::Selesai => ("terminator", "Selesai"),
                Jenis::Proses => ("proses", "Proses"),
                Jenis::Keputusan => ("keputusan", "Keputusan"),
            };
            let cabang = if l.jenis == Jenis::Keputusan {
                let next = if l.nomor < last {
                    Tujuan::Langkah(l.nomor + 1)
                } else {
                    Tujuan::Selesai
                };
                vec![
                    cabang("Ya", l.ya.unwrap_or(next), l),
                    cabang("Tidak", l.tidak.unwrap_or(Tujuan::Selesai), l),
                ]
            } else {
                Vec::new()
            };
            AlurLangkah {
                nomor: l.nomor,
                kegiatan: l.kegiatan.clone(),
                pelaksana: l.pelaksana.join(" bersama "),
                simbol,
                jenis,
                cabang,
            }
        })
        .collect()
}

/// Sharing a page: a WhatsApp message and the address to copy.
#[derive(Serialize)]
pub(super) struct Bagikan {
    /// `https://wa.me/?text=…`: the SOP's name and its address.
    whatsapp: String,
    /// The address shared: absolute with `base_url`, else the path (the copy button's script
    /// uses the address the reader sees then).
    url: String,
    /// Whether `url` is absolute.
    lengkap: bool,
}

/// Percent-encoding of a URL query value (RFC 3986 unreserved characters kept).
pub(super) fn encode_query(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub(super) fn bagikan(ctx: &Ctx, s: &Sop) -> Bagikan {
    let (url, lengkap) = match ctx.absolute(&s.id.url()) {
        Some(u) => (u, true),
        None => (ctx.url(&s.id.url()), false),
    };
    Bagikan {
        whatsapp: format!(
            "https://wa.me/?text={}",
            encode_query(&format!("{} — {url}", s.nama))
        ),
        url,
        lengkap,
    }
}

/// Width and height from an SVG's `viewBox`, for the `<img>` size attributes.
pub(super) fn svg_size(svg: &[u8]) -> (u32, u32) {
    let head = String::from_utf8_lossy(&svg[..svg.len().min(600)]);
    let dims = head
        .split("viewBox=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .map(|v| {
            v.split_whitespace()
                .filter_map(|n| n.parse::<f64>().ok())
                .collect::<Vec<_>>()
        });
    match dims.as_deref() {
        Some([_, _, w, h]) => (w.round() as u32, h.round() as u32),
        _ => (1000, 650),
    }
}

/// Where a decision's answer leads, as the steps list says it.
pub(crate) fn tujuan(t: Option<Tujuan>, nomor: usize) -> String {
    match t {
        Some(Tujuan::Langkah(n)) if n < nomor => format!("kembali ke langkah {n}"),
        Some(Tujuan::Langkah(n)) => format!("lanjut ke langkah {n}"),
        Some(Tujuan::Selesai) | None => "prosedur selesai".to_string(),
    }
}

/// The page of `s`; its PDF and flowcharts are read from `files`.
pub(super) fn sop(
    ctx: &Ctx,
    i: &Instansi,
    b: &Bidang,
    s: &Sop,
    files: &Output,
    out: &mut Output,
) -> Result<(), Error> {
    #[derive(Serialize)]
    struct Tgl {
        label: &'static str,
        teks: String,
    }
    #[derive(Serialize)]
    struct Kep {
        ya: String,
        tidak: String,
    }
    #[derive(Serialize)]
    struct L {
        nomor: usize,
        kegiatan: String,
        pelaksana: String,
        kelengkapan: Vec<String>,
        waktu: Option<String>,
        output: Vec<String>,
        keterangan: Option<String>,
        keterangan_url: Option<String>,
        keputusan: Option<Kep>,
    }
    #[derive(Serialize)]
    struct Ket {
        teks: String,
        url: Option<String>,
    }
    #[derive(Serialize)]
    struct S<'a> {
        nama: &'a str,
        nomor: &'a str,
        seksi: Option<&'a str>,
        tanggal: Vec<Tgl>,
        disahkan_oleh: &'a Pejabat,
        total_waktu: String,
        waktu_catatan: Option<String>,
        jumlah_langkah: usize,
        pelaksana: &'a [String],
        hasil_akhir: Vec<String>,
        /// "Layanan publik" or "Prosedur internal".
        jenis: &'static str,
        /// The Ringkasan layanan of a public service.
        layanan: Option<RingkasanLayanan>,
        /// What the applicant brings: the service's persyaratan (never step 1's kelengkapan),
        /// empty for an internal procedure; kept for themes written before `layanan`.
        persyaratan: Vec<String>,
        langkah: Vec<L>,
        alur: Vec<Alur>,
        dasar_hukum: &'a [String],
        kualifikasi_pelaksana: &'a [String],
        keterkaitan: Vec<Ket>,
        peralatan_perlengkapan: &'a [String],
        peringatan: &'a [String],
        pencatatan_pendataan: &'a [String],
        pdf: FileRef,
        json_url: String,
        riwayat: history::Riwayat,
        /// The flow as a phone shows it, one symbol per step.
        alur_langkah: Vec<AlurLangkah>,
        /// "Terakhir diperbarui": the date in words and as ISO.
        diperbarui: Option<Tgl>,
        diperbarui_iso: Option<String>,
        bagikan: Bagikan,
    }
    let tanggal = [
        ("Tanggal pembuatan", s.tanggal_pembuatan),
        ("Tanggal revisi", s.tanggal_revisi),
        ("Tanggal efektif", s.tanggal_efektif),
    ]
    .into_iter()
    .filter_map(|(label, t)| {
        t.map(|t| Tgl {
            label,
            teks: t.indonesia(),
        })
    })
    .collect();
    let waktu_catatan = waktu_catatan(&s.total_waktu);
    let langkah = s
        .langkah
        .iter()
        .map(|l| {
            let keterangan_url = l
                .keterangan
                .as_deref()
                .and_then(|k| ctx.named_link(&i.id, k))
                .map(|u| ctx.url(&u));
            L {
                nomor: l.nomor,
                kegiatan: l.kegiatan.clone(),
                pelaksana: l.pelaksana.join(" bersama "),
                kelengkapan: l.kelengkapan.clone(),
                waktu: l.waktu.as_ref().map(|w| w.tampil()),
                output: l.output.clone(),
                keterangan: l.keterangan.clone(),
                keterangan_url,
                keputusan: (l.jenis == Jenis::Keputusan).then(|| Kep {
                    ya: tujuan(l.ya, l.nomor),
                    tidak: tujuan(l.tidak, l.nomor),
                }),
            }
        })
        .collect();
    let pdf_url = ctx.url(&format!("/{}", s.id.pdf_path()));
    let mut alur = Vec::new();
    for k in 1.. {
        let path = format!("{}/alur-{k}.svg", s.id);
        let Some(svg) = files.read_head(&path, 1024) else {
            break;
        };
        let svg = &*svg;
        let (lebar, tinggi) = svg_size(svg);
        // The PDF page the PDF stage recorded in the SVG (the identity section may take more
        // than one page); the caption counts as the PDF's own footer does.
        let halaman = crate::pdf::renderer::flow_svg_page(svg).unwrap_or(k + 1);
        alur.push(Alur {
            url: ctx.url(&format!("/{path}")),
            alt: String::new(),
            lebar,
            tinggi,
            halaman,
            total: 0,
            pdf_url: format!("{pdf_url}#page={halaman}"),
        });
    }
    const HEAD: usize = 4096;
    let total = files
        .read_head(&s.id.pdf_path(), HEAD)
        // Typst writes the page tree first; the whole PDF is read only when the tree's
        // dictionary (200 bytes, see `pdf_pages`) is not wholly inside the first bytes.
        .filter(|head| {
            head.len() < HEAD
                || head
                    .windows(11)
                    .position(|w| w == b"/Type/Pages")
                    .is_some_and(|at| at + 200 <= head.len())
        })
        .and_then(|head| pdf_pages(&head))
        .or_else(|| files.read(&s.id.pdf_path()).and_then(|pdf| pdf_pages(&pdf)))
        .unwrap_or(alur.len() + 1)
        .max(alur.iter().map(|a| a.halaman).max().unwrap_or(0));
    for a in &mut alur {
        a.total = total;
        a.alt = format!(
            "Diagram alir SOP {}, halaman {} dari {total} dokumen resmi; isi langkahnya tertulis lengkap di daftar langkah.",
            s.nama, a.halaman
        );
    }
    let keterkaitan = s
        .keterkaitan
        .iter()
        .map(|k| match k {
            Keterkaitan::Teks { teks } => Ket {
                teks: teks.clone(),
                url: ctx.named_link(&i.id, teks).map(|u| ctx.url(&u)),
            },
            Keterkaitan::Sop { id, nama } => Ket {
                teks: format!("SOP {nama}"),
                url: Some(ctx.url(&id.url())),
            },
        })
        .collect();
    let pdf = file_ref(files, &ctx.base, &s.id.pdf_path()).ok_or_else(|| {
        Error::new(ErrorKind::PdfBeforePage {
            pdf: s.id.pdf_path(),
        })
    })?;
    let data = S {
        nama: &s.nama,
        nomor: &s.nomor,
        seksi: s.seksi.as_deref(),
        tanggal,
        disahkan_oleh: &s.disahkan_oleh,
        total_waktu: s.total_waktu.teks(),
        waktu_catatan,
        jumlah_langkah: s.langkah.len(),
        pelaksana: &s.pelaksana,
        hasil_akhir: s
            .langkah
            .last()
            .map(|l| l.output.clone())
            .unwrap_or_default(),
        jenis: s.jenis_label(),
        layanan: s.layanan.as_ref().map(|l| ringkasan_layanan(s, l)),
        persyaratan: s
            .layanan
            .as_ref()
            .map(|l| l.persyaratan.clone())
            .unwrap_or_default(),
        langkah,
        alur,
        dasar_hukum: &s.dasar_hukum,
        kualifikasi_pelaksana: &s.kualifikasi_pelaksana,
        keterkaitan,
        peralatan_perlengkapan: &s.peralatan_perlengkapan,
        peringatan: &s.peringatan,
        pencatatan_pendataan: &s.pencatatan_pendataan,
        pdf,
        json_url: ctx.url(&format!("/{}", s.id.json_path())),
        riwayat: history::riwayat(ctx, s),
        alur_langkah: alur_langkah(s),
        diperbarui: terakhir_diperbarui(ctx, s).map(|t| Tgl {
            label: "Terakhir diperbarui",
            teks: t.indonesia(),
        }),
        diperbarui_iso: terakhir_diperbarui(ctx, s).map(|t| t.iso()),
        bagikan: bagikan(ctx, s),
    };
    let mut c = Context::new();
    c.insert("i", &IRef::of(i));
    c.insert(
        "b",
        &IRef {
            nama: b.nama.clone(),
            wilayah: String::new(),
        },
    );
    c.insert("s", &data);
    c.insert("crumbs", &sop_crumbs(ctx, i, b, s, &[]));
    ctx.page("sop.html", c, out, &format!("{}/index.html", s.id))
}

/// What a citizen came for, first on a public service's page.
#[derive(Serialize)]
pub(super) struct RingkasanLayanan {
    persyaratan: Vec<String>,
    /// The promised `jangka_waktu`, else the computed total in words.
    waktu: String,
    /// Whether `waktu` is the promise rather than the sum of the steps.
    waktu_janji: bool,
    biaya: Option<String>,
    produk: Option<String>,
    tempat: Option<String>,
    jam: Option<String>,
    kontak: Vec<KontakLink>,
    /// Each channel cut into text and linkable web addresses.
    pengaduan: Vec<Vec<Potongan>>,
}

/// One way to reach a service, with its link.
#[derive(Serialize)]
pub(super) struct KontakLink {
    jenis: &'static str,
    teks: String,
    url: Option<String>,
}

pub(super) fn ringkasan_layanan(s: &Sop, l: &Layanan) -> RingkasanLayanan {
    let k = &l.kontak;
    let kontak = [
        ("Telepon", &k.telepon, tel_url as fn(&str) -> Option<String>),
        ("WhatsApp", &k.whatsapp, wa_url),
        ("Surel", &k.email, |e: &str| Some(format!("mailto:{e}"))),
    ]
    .into_iter()
    .filter_map(|(jenis, v, url)| {
        v.as_ref().map(|t| KontakLink {
            jenis,
            teks: t.clone(),
            url: url(t),
        })
    })
    .collect();
    RingkasanLayanan {
        persyaratan: l.persyaratan.clone(),
        waktu: s.waktu_teks(),
        waktu_janji: l.jangka_waktu.is_some(),
        biaya: l.biaya.clone(),
        produk: l.produk.clone(),
        tempat: l.tempat.clone(),
        jam: l.jam.clone(),
        kontak,
        pengaduan: l.pengaduan.iter().map(|p| potong_tautan(p)).collect(),
    }
}

/// How the total time was summed, when some steps' times could not be counted.
pub(crate) fn waktu_catatan(t: &TotalWaktu) -> Option<String> {
    match (t.langkah_tidak_terbaca, t.langkah_tanpa_waktu) {
        (0, 0) => None,
        (u, n) => Some(format!(
            "Perkiraan dijumlahkan dari waktu tiap langkah{}{}.",
            if u > 0 {
                format!("; {u} langkah waktunya tidak terbaca")
            } else {
                String::new()
            },
            if n > 0 {
                format!("; {n} langkah tanpa waktu")
            } else {
                String::new()
            },
        )),
    }
}
