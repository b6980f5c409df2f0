//! PDF: every SOP document (`instansi/bidang/slug.pdf`), compiled in-process by Typst from the
//! theme's templates, in parallel, as PDF/A-2b with tags, language and pinned dates; and each
//! instansi's decree book (`instansi/keputusan.pdf`): its decree part compiled the same way,
//! then joined with the SOP PDFs (`book.rs`).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use typst::diag::SourceDiagnostic;
use typst::foundations::{Datetime, Smart};
use typst::layout::Abs;
use typst_layout::PagedDocument;

use crate::core::error::ThreadOf;
use crate::core::error::{Error, ErrorKind, IoAct};
use crate::core::kept::Kept;
use crate::model::Site;
use crate::model::org::{Bidang, Instansi, Keputusan};
use crate::model::settings::Kertas;
use crate::model::sop::Sop;
use crate::model::tanggal::Tanggal;
use crate::model::terbilang::diktum_label;
use crate::pdf::flow;
use crate::pdf::svg::writer::GlyphCache;
use crate::pdf::world::Base;
use crate::pipeline::disk_cache::DiskCache;
use crate::pipeline::output::{Blob, Output};
use crate::pipeline::theme::Theme;

/// Paper size in millimetres, portrait.
#[derive(Clone, Copy, Serialize)]
struct Paper {
    lebar_mm: u32,
    tinggi_mm: u32,
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
struct InstansiDoc<'a> {
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
struct BidangDoc<'a> {
    nama: &'a str,
}

/// Dates and totals already written the Indonesian way, so templates only place text.
#[derive(Serialize)]
struct Teks {
    tanggal_pembuatan: String,
    tanggal_revisi: String,
    tanggal_efektif: String,
    total_waktu: String,
}

/// The data of one SOP document, as `/data.json` sees it.
#[derive(Serialize)]
struct SopDoc<'a> {
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
}

#[derive(Serialize)]
struct LampiranSop<'a> {
    nama: &'a str,
    nomor: &'a str,
    /// Its first page among the SOP pages of the book (from 1): the daftar isi adds the decree
    /// part's length.
    halaman: usize,
}

/// A diktum as the template sets it: its text, and an inline numbered list ("yaitu: 1. …;
/// 2. …") taken out to be set one item a line.
#[derive(Serialize)]
struct DiktumDoc {
    teks: String,
    butir: Vec<String>,
}

#[derive(Serialize)]
struct LampiranBidang<'a> {
    nama: &'a str,
    sop: Vec<LampiranSop<'a>>,
}

/// The data of the decree part of a book (the SOPs follow as their own PDFs).
#[derive(Serialize)]
struct BookDoc<'a> {
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

fn tanggal(t: Option<Tanggal>) -> String {
    t.map(|t| t.indonesia()).unwrap_or_default()
}

fn logo_path(i: &Instansi) -> Option<String> {
    let ext = i.logo.as_ref()?.extension()?.to_str()?.to_ascii_lowercase();
    Some(format!("/logo/{}.{ext}", i.id))
}

fn instansi_doc(i: &Instansi) -> InstansiDoc<'_> {
    InstansiDoc {
        pemerintah: &i.pemerintah,
        nama: &i.nama,
        alamat: i.alamat.as_deref(),
        telepon: i.telepon.as_deref(),
        email: i.email.as_deref(),
        laman: i.laman.as_deref(),
        kota: i.kota.as_deref(),
        logo: logo_path(i),
    }
}

fn sop_doc<'a>(
    kertas: Kertas,
    base_url: Option<&str>,
    i: &'a Instansi,
    b: &'a Bidang,
    s: &'a Sop,
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
    SopDoc {
        kertas: paper,
        instansi: instansi_doc(i),
        bidang: BidangDoc { nama: &b.nama },
        // The flow page is landscape: the paper's height is its width.
        sop: flow::columns::view(s, paper.tinggi_mm.into(), paper.lebar_mm.into()),
        teks: Teks {
            tanggal_pembuatan: tanggal(s.tanggal_pembuatan),
            tanggal_revisi: tanggal(s.tanggal_revisi),
            tanggal_efektif: tanggal(s.tanggal_efektif),
            total_waktu: s.total_waktu.teks(),
        },
        tautan,
        identitas: identity::fit(paper, i, b, s),
    }
}

/// "Kabupaten Tanah Laut" from "Pemerintah Kabupaten Tanah Laut".
fn wilayah(pemerintah: &str) -> String {
    pemerintah
        .strip_prefix("Pemerintah ")
        .unwrap_or(pemerintah)
        .to_string()
}

/// The decree part's data; `pages` are the page counts of `i`'s SOP PDFs in book order (for
/// the daftar isi).
fn book_doc<'a>(
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
        instansi: instansi_doc(i),
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

fn source_date_epoch() -> Option<Datetime> {
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
fn sop_footer() -> flow::FooterPlace {
    flow::FooterPlace {
        right: Abs::mm(12.0),
        bottom: Abs::mm(16.0),
    }
}

/// The book's page number, on the decree part's pages and beside each SOP page's own.
const BOOK_PAGE: &str = "Halaman {n} dari {total}";

/// Where the page numbers of the decree part go: its margins (`margin:` of `sopan.yaml`, as
/// `keputusan.typ` sets them).
fn book_footer(m: crate::model::settings::Margin) -> flow::FooterPlace {
    flow::FooterPlace {
        right: Abs::mm(m.kanan as f64),
        bottom: Abs::mm(m.bawah as f64),
    }
}

/// Compiles documents over one shared base.
pub struct PdfRenderer {
    base: Base,
    /// Hash of everything besides a document's data that shapes its bytes: the theme's
    /// templates and fonts, the logos, the pinned date. Part of every cache key.
    fingerprint: [u8; 32],
    /// Glyph outlines for the flowchart SVGs, read once per run.
    pub glyphs: GlyphCache,
}

/// Documents compiled by earlier builds of a `serve` session, keyed by a hash of all their
/// input, so an unchanged SOP reuses its PDF and flowcharts. Entries no build used last time
/// are dropped (a deleted SOP leaves nothing behind).
#[derive(Default)]
pub struct PdfCache(Kept<[u8; 32], Shared>);

impl PdfCache {
    fn get(&self, key: &[u8; 32]) -> Option<Shared> {
        self.0.get(key)
    }

    fn put(&self, key: [u8; 32], files: &Shared) {
        self.0.put(key, files.clone());
    }

    /// Drops what the last build did not use.
    pub(crate) fn finish_build(&self) {
        self.0.finish();
    }
}

/// What a renderer is built from besides the theme: the logos at their virtual paths and the
/// pinned date. Serialisable, so a worker process builds exactly the same renderer.
#[derive(Clone, Serialize, Deserialize)]
pub(crate) struct RendererSetup {
    /// (virtual path, file on disk) of every instansi's logo.
    pub(crate) logos: Vec<(String, std::path::PathBuf)>,
    /// `datetime.today()` in templates: year, month, day, hour, minute, second.
    pub today: [i32; 6],
}

impl RendererSetup {
    /// The setup for `site` in the project at `root`.
    pub(crate) fn of(site: &Site, root: &std::path::Path) -> Self {
        let logos = site
            .instansi
            .iter()
            .filter_map(|i| Some((logo_path(i)?, root.join(i.logo.as_ref()?))))
            .collect();
        let today = pinned_date(
            site.sops()
                .flat_map(|s| [s.tanggal_pembuatan, s.tanggal_revisi, s.tanggal_efektif]),
        );
        RendererSetup {
            logos,
            today: date_parts(today),
        }
    }
}

fn date_parts(d: Datetime) -> [i32; 6] {
    [
        d.year().unwrap_or(2000),
        i32::from(d.month().unwrap_or(1)),
        i32::from(d.day().unwrap_or(1)),
        i32::from(d.hour().unwrap_or(0)),
        i32::from(d.minute().unwrap_or(0)),
        i32::from(d.second().unwrap_or(0)),
    ]
}

fn date_of(p: [i32; 6]) -> Datetime {
    let b = |v: i32| u8::try_from(v).unwrap_or(0);
    Datetime::from_ymd_hms(p[0], b(p[1]), b(p[2]), b(p[3]), b(p[4]), b(p[5]))
        .or_else(|| Datetime::from_ymd(2000, 1, 1))
        .expect("2000-01-01 is a date")
}

/// One SOP document to compile, self-contained: it can be sent to a worker process.
#[derive(Serialize, Deserialize)]
pub struct SopJob {
    /// The SOP id (`instansi/bidang/slug`).
    pub id: String,
    /// Its name, for the page footer.
    pub nama: String,
    /// The date written into the PDF.
    pub date: [i32; 6],
    /// The document's `/data.json`.
    pub data: String,
    /// Rough size, to compile the largest first.
    pub(crate) weight: usize,
}

impl PdfRenderer {
    /// Builds the shared Typst base: theme templates, bundled fonts, every instansi's logo.
    pub fn new(site: &Site, theme: &Theme, root: &std::path::Path) -> Result<Self, Error> {
        Self::from_setup(theme, &RendererSetup::of(site, root))
    }

    /// Builds the renderer from a theme and a setup (also in worker processes).
    pub(crate) fn from_setup(theme: &Theme, setup: &RendererSetup) -> Result<Self, Error> {
        let mut extra = Vec::new();
        for (vpath, file) in &setup.logos {
            let bytes = std::fs::read(file).map_err(|e| Error::io(IoAct::ReadLogo, file, e))?;
            extra.push((vpath.clone(), bytes));
        }
        let today = date_of(setup.today);
        let mut h = Sha256::new();
        theme.digest_into(&["typst", "fonts"], &mut h);
        for (path, bytes) in &extra {
            h.update(path.as_bytes());
            h.update(bytes);
        }
        h.update(format!("{today:?}|{:?}", source_date_epoch()).as_bytes());
        // Another sopan may lay the same data out otherwise (the build cache outlives it).
        h.update(crate::pipeline::disk_cache::build_stamp().as_bytes());
        Ok(PdfRenderer {
            fingerprint: h.finalize().into(),
            base: Base::new(theme, extra, today)?,
            glyphs: GlyphCache::default(),
        })
    }

    /// Lays out `main` over `data`; errors name the template line (a theme bug, not content).
    pub fn compile(&self, main: &str, data: Vec<u8>, what: &str) -> Result<PagedDocument, Error> {
        let world = self.base.world(main, data);
        let warned = typst::compile::<PagedDocument>(&world);
        warned.output.map_err(|errors| self.error(what, &errors))
    }

    fn error(&self, what: &str, errors: &[SourceDiagnostic]) -> Error {
        let mut e = Error::new(ErrorKind::PdfCompile { what: what.into() });
        for d in errors {
            e = e.cause(format!("{}: {}", self.base.locate(d.span), d.message));
            for h in &d.hints {
                e = e.cause(format!("  petunjuk Typst: {}", h.v));
            }
        }
        e
    }

    /// PDF/A-2b bytes of a laid-out document.
    pub fn export(
        &self,
        doc: &PagedDocument,
        ident: &str,
        date: Datetime,
        what: &str,
    ) -> Result<Vec<u8>, Error> {
        let options = typst_pdf::PdfOptions {
            ident: Smart::Custom(ident.to_string()),
            creator: Smart::Custom(Some(format!("sopan {}", env!("CARGO_PKG_VERSION")))),
            timestamp: Some(typst_pdf::Timestamp::new_utc(date)),
            standards: typst_pdf::PdfStandards::new(&[typst_pdf::PdfStandard::A_2b]).map_err(
                |e| {
                    Error::new(ErrorKind::PdfStandard {
                        detail: e.message().to_string(),
                    })
                },
            )?,
            tagged: true,
            ..Default::default()
        };
        let pdf = typst_pdf::pdf(doc, &options).map_err(|errors| self.error(what, &errors))?;
        super::title::display_doc_title(&pdf).map_err(|e| {
            Error::new(ErrorKind::PdfTitle {
                what: what.into(),
                detail: e.to_string(),
            })
        })
    }

    /// The cache key of a document: its kind, id and data over this renderer's fingerprint.
    fn key(&self, kind: &str, id: &str, data: &[u8]) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(self.fingerprint);
        h.update(format!("{kind}\0{id}\0").as_bytes());
        h.update(data);
        h.finalize().into()
    }

    /// The `/data.json` of one SOP document.
    pub fn sop_data(&self, site: &Site, i: &Instansi, b: &Bidang, s: &Sop) -> Vec<u8> {
        let base_url = site.settings.base_url.as_deref();
        serde_json::to_vec(&sop_doc(site.settings.kertas, base_url, i, b, s))
            .expect("model serialises")
    }

    /// One SOP document, laid out (for tests and the site's SVG) and as PDF bytes.
    pub fn sop(
        &self,
        site: &Site,
        i: &Instansi,
        b: &Bidang,
        s: &Sop,
    ) -> Result<(PagedDocument, Vec<u8>), Error> {
        let job = self.sop_job(site, i, b, s);
        let (doc, pdf, _) =
            self.compile_sop(&job.id, &job.nama, date_of(job.date), job.data.into_bytes())?;
        Ok((doc, pdf))
    }

    /// One SOP document laid out, with what the flowchart layout checker found wrong.
    pub fn sop_checked(
        &self,
        site: &Site,
        i: &Instansi,
        b: &Bidang,
        s: &Sop,
    ) -> Result<(PagedDocument, Vec<flow::Violation>), Error> {
        let job = self.sop_job(site, i, b, s);
        let (doc, _, v) =
            self.compile_sop(&job.id, &job.nama, date_of(job.date), job.data.into_bytes())?;
        Ok((doc, v))
    }

    fn compile_sop(
        &self,
        id: &str,
        nama: &str,
        date: Datetime,
        data: Vec<u8>,
    ) -> Result<(PagedDocument, Vec<u8>, Vec<flow::Violation>), Error> {
        let what = format!("untuk SOP `{id}`");
        let doc = self.compile("/sop.typ", data, &what)?;
        let footer = format!("{nama} — halaman {{n}} dari {{total}}");
        let (doc, violations) = flow::finish_checked(doc, Some((&footer, sop_footer())));
        let pdf = self.export(&doc, id, date, &what)?;
        Ok((doc, pdf, violations))
    }

    /// The compile job of one SOP.
    pub(crate) fn sop_job(&self, site: &Site, i: &Instansi, b: &Bidang, s: &Sop) -> SopJob {
        let date = pinned_date([s.tanggal_pembuatan, s.tanggal_revisi, s.tanggal_efektif]);
        SopJob {
            id: s.id.to_string(),
            nama: s.nama.clone(),
            date: date_parts(date),
            data: String::from_utf8(self.sop_data(site, i, b, s)).expect("JSON is UTF-8"),
            weight: s.langkah.len() * (s.pelaksana.len() + 4),
        }
    }

    /// Compiles a job into its files: the PDF and the flowchart SVGs of its flow pages.
    pub(crate) fn compile_job(&self, job: &SopJob) -> Result<Files, Error> {
        let data = job.data.clone().into_bytes();
        let (doc, pdf, violations) =
            self.compile_sop(&job.id, &job.nama, date_of(job.date), data)?;
        let mut files = vec![(format!("{}.pdf", job.id), pdf)];
        // The layout checker's findings travel with the files (through worker processes and
        // the cache too); `render` prints them as warnings and writes nothing for them.
        if !violations.is_empty() {
            files.push((
                format!("{}/{LAYOUT_NOTES}", job.id),
                layout_notes(&violations),
            ));
        }
        let svgs = flow_svgs(&doc, &self.glyphs).into_iter().enumerate();
        files.extend(svgs.map(|(k, svg)| (format!("{}/alur-{}.svg", job.id, k + 1), svg)));
        Ok(files)
    }

    /// The decree book of `i`, when it has a `_keputusan.yaml`, with its SOPs compiled here
    /// (for tests; a build joins the SOP PDFs it already has).
    pub fn book(&self, site: &Site, i: &Instansi) -> Result<Option<Vec<u8>>, Error> {
        let Some(k) = &i.keputusan else {
            return Ok(None);
        };
        let mut sops = Vec::new();
        for b in &i.bidang {
            for s in &b.sop {
                sops.push(self.sop(site, i, b, s)?.1);
            }
        }
        let sops = classic_forms(i, sops.iter().map(Vec::as_slice))?;
        let sops: Vec<&[u8]> = sops.iter().map(|c| &**c).collect();
        let parts = book_parts(i, &sops)?;
        let head = self.book_head(i, self.book_data(site, i, k, &parts))?;
        self.book_from(i, k, site.settings.margin, &head, parts)
            .map(Some)
    }

    /// The `/data.json` of the decree part of `i`'s book, whose SOP PDFs are `parts`.
    fn book_data(
        &self,
        site: &Site,
        i: &Instansi,
        k: &Keputusan,
        parts: &[crate::pdf::book::Part],
    ) -> Vec<u8> {
        let pages: Vec<usize> = parts.iter().map(|p| p.source.page_count()).collect();
        serde_json::to_vec(&book_doc(&site.settings, i, k, &pages)).expect("model serialises")
    }

    /// The decree part of a book laid out: the Keputusan and Lampiran I, without page numbers.
    fn book_head(&self, i: &Instansi, data: Vec<u8>) -> Result<PagedDocument, Error> {
        let what = format!("buku keputusan `{}`", i.id);
        self.compile("/keputusan.typ", data, &what)
    }

    /// The book: the decree part, numbered over the whole book, then `sops` (the PDFs of
    /// `i`'s SOPs in bidang order), joined without laying anything out again.
    fn book_from(
        &self,
        i: &Instansi,
        k: &Keputusan,
        margin: crate::model::settings::Margin,
        head: &PagedDocument,
        parts: Vec<crate::pdf::book::Part>,
    ) -> Result<Vec<u8>, Error> {
        use crate::pdf::book::{Stamp, join};
        let failed = |e: String| {
            Error::new(ErrorKind::Book {
                instansi: i.id.clone(),
            })
            .cause(e)
        };
        let total = head.pages().len() + parts.iter().map(|p| p.source.page_count()).sum::<usize>();
        let numbered = flow::finish_within(head.clone(), (BOOK_PAGE, book_footer(margin)), total);
        let doc = without_cover_number(head, numbered);
        let dates = std::iter::once(k.tanggal).chain(
            i.sops()
                .flat_map(|s| [s.tanggal_pembuatan, s.tanggal_revisi, s.tanggal_efektif]),
        );
        let head_pdf = self.export(
            &doc,
            &format!("{}/keputusan", i.id),
            pinned_date(dates),
            &format!("buku keputusan `{}`", i.id),
        )?;
        // The SOP pages keep their own footer ("… halaman 1 dari 3") at the right; the book's
        // page number goes at the left, in the same line.
        // Every character the number can use: the text around the two numbers, and digits.
        let words = BOOK_PAGE.replace("{n}", "").replace("{total}", "");
        let mut chars: Vec<char> = words.chars().chain('0'..='9').collect();
        chars.sort_unstable();
        chars.dedup();
        let chars: String = chars.into_iter().collect();
        let stamp = flow::footer_glyphs(&doc, &chars).map(|(glyphs, cap)| {
            let place = sop_footer();
            Stamp {
                format: BOOK_PAGE.into(),
                glyphs,
                x: place.right.to_pt(),
                y: place.bottom.to_pt() * 0.7 - cap,
            }
        });
        join(&head_pdf, &heading_marks(&doc), &parts, stamp.as_ref()).map_err(failed)
    }
}

/// The book's pages numbered (`numbered`), but the cover as laid out (`head`'s first page): the
/// cover counts as page 1, as a PDF viewer counts it, but prints no "Halaman 1 dari N", so the
/// daftar isi's page numbers, the footers and the viewer's page numbers all agree.
fn without_cover_number(head: &PagedDocument, numbered: PagedDocument) -> PagedDocument {
    let (Some(cover), false) = (head.pages().first(), numbered.pages().is_empty()) else {
        return numbered;
    };
    let mut pages: typst::ecow::EcoVec<typst_layout::Page> =
        numbered.pages().iter().cloned().collect();
    pages.make_mut()[0] = cover.clone();
    let info = typst::model::Document::info(&numbered).clone();
    PagedDocument::new(pages, info)
}

/// The SOP PDFs of `i`'s book in the classic form the joiner reads: the same bytes for what
/// Typst writes today, a rewrite for cross-reference or object streams.
fn classic_forms<'a>(
    i: &Instansi,
    pdfs: impl Iterator<Item = &'a [u8]>,
) -> Result<Vec<std::borrow::Cow<'a, [u8]>>, Error> {
    pdfs.map(|pdf| {
        crate::pdf::book::classic::classic(pdf).map_err(|e| {
            Error::new(ErrorKind::Book {
                instansi: i.id.clone(),
            })
            .cause(e)
        })
    })
    .collect()
}

/// The SOP PDFs of `i`'s book (`sops`, in bidang order) read for joining, each with the
/// bookmarks that open on its first page.
fn book_parts<'a>(
    i: &'a Instansi,
    sops: &[&'a [u8]],
) -> Result<Vec<crate::pdf::book::Part<'a>>, Error> {
    use crate::pdf::book::{Part, Source};
    let failed = |e: String| {
        Error::new(ErrorKind::Book {
            instansi: i.id.clone(),
        })
        .cause(e)
    };
    let mut parts = Vec::with_capacity(sops.len());
    let mut pdfs = sops.iter();
    for b in &i.bidang {
        for (j, s) in b.sop.iter().enumerate() {
            let pdf = pdfs.next().ok_or_else(|| failed("PDF SOP kurang".into()))?;
            let source = Source::parse(pdf).map_err(|e| failed(format!("{}: {e}", s.id)))?;
            let mut marks = Vec::new();
            // A bidang's bookmark opens at its first SOP.
            if j == 0 {
                marks.push((2, b.nama.clone()));
            }
            marks.push((3, s.nama.clone()));
            parts.push(Part {
                source,
                title: &s.nama,
                marks,
            });
        }
    }
    Ok(parts)
}

/// The bookmarks of a laid-out document: its bookmarked headings, with level and page.
fn heading_marks(doc: &PagedDocument) -> Vec<crate::pdf::book::HeadMark> {
    use typst::foundations::{Element, Selector, StyleChain};
    use typst::introspection::Introspector;
    use typst::model::HeadingElem;
    let introspector = doc.introspector();
    introspector
        .query(&Selector::Elem(Element::of::<HeadingElem>(), None))
        .iter()
        .filter_map(|c| {
            let h = c.to_packed::<HeadingElem>()?;
            Some(crate::pdf::book::HeadMark {
                level: h.resolve_level(StyleChain::default()).get(),
                title: h.body.plain_text().to_string(),
                page: introspector.page(c.location()?)?.get() - 1,
            })
        })
        .collect()
}

/// The files one document yields: its PDF and its flowchart SVGs.
pub(crate) type Files = Vec<(String, Vec<u8>)>;

/// The name of the pseudo-file that carries a document's layout warnings, never written.
const LAYOUT_NOTES: &str = "\0tata-letak";

/// The layout checker's findings, one line each, naming the step and the page.
fn layout_notes(violations: &[flow::Violation]) -> Vec<u8> {
    let mut text = String::new();
    for v in violations {
        text.push_str(&format!(
            "langkah {} (halaman {}): {}\n",
            v.step, v.page, v.what
        ));
    }
    text.into_bytes()
}

/// A document's files as the output and the cache hold them.
type Shared = Vec<(String, Arc<Blob>)>;

fn share(files: Files) -> Shared {
    files.into_iter().map(|(p, b)| (p, Blob::new(b))).collect()
}

/// Fewer documents to compile than this go to threads even where worker processes were chosen:
/// starting the processes costs more than they gain (as `Mode::pdf_processes` decides for
/// small sites).
const MIN_FOR_PROCESSES: usize = 64;

/// Where SOP documents are compiled.
pub(crate) enum Workers<'a> {
    /// Threads of this process (small sites, and `serve`, whose cache lives here).
    Threads,
    /// That many worker processes: Typst's memo caches are process-wide and contended, so
    /// separate processes scale where threads did not (1,000 SOPs on 2 cores).
    Processes(usize, WorkerSetup<'a>),
}

/// What worker processes need to build the same renderer: the project and its theme.
pub struct WorkerSetup<'a> {
    /// Project root.
    pub root: &'a std::path::Path,
    /// Theme name (`tema`).
    pub tema: &'a str,
    /// Logos and pinned date.
    pub(crate) setup: RendererSetup,
}

/// One plain worker thread per core pulls the next document. Not a rayon pool: Typst lays out
/// with rayon too, and a pool worker waiting on that nested work steals whole documents onto
/// its stack, so dozens are in flight at once (2 GiB at 1,000 SOPs, and slower).
fn compile_in_threads(
    renderer: &PdfRenderer,
    jobs: &[SopJob],
    cache: Option<&PdfCache>,
    tick: &(dyn Fn() + Sync),
    done: &(dyn Fn(Shared) -> Shared + Sync),
) -> Result<Vec<Result<Shared, Error>>, Error> {
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    let next = AtomicUsize::new(0);
    let work = || {
        // Each document is laid out inside a one-thread pool of its own. Called from a plain
        // thread, Typst's parallel layout would hand its work to the global pool and wait, so
        // both workers queued on the same pool threads (1,000 SOPs in threads: 11.6–11.8 s,
        // against 10.2–10.5 s with a pool per worker).
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .stack_size(64 << 20)
            .build()
            .ok();
        let mut mine = Vec::new();
        loop {
            let k = next.fetch_add(1, Ordering::Relaxed);
            let Some(job) = jobs.get(k) else { break };
            // Hashed only for `serve`'s cache: `build` looked its documents up on disk already.
            let key = cache.map(|_| renderer.key("sop", &job.id, job.data.as_bytes()));
            let r = match cache.zip(key).and_then(|(c, key)| c.get(&key)) {
                Some(files) => Ok(files),
                None => {
                    let r = match &pool {
                        Some(pool) => pool.install(|| renderer.compile_job(job)),
                        None => renderer.compile_job(job),
                    };
                    let r = r
                        .map(share)
                        .inspect(|files| {
                            if let Some((c, key)) = cache.zip(key) {
                                c.put(key, files);
                            }
                        })
                        .map(done);
                    // Typst's memo cache is process-wide and grows with every document, and a
                    // large cache made compiling slower (1,000 SOPs: evicting after every
                    // document 10.3 s, keeping what the last 8 documents used 12.9 s). Another
                    // document's compile in flight loses only its cache hits. Not after a
                    // cache hit: each eviction walks every memo cache (a `serve` save with
                    // 1,000 unchanged SOPs spent 0.1 s evicting nothing).
                    typst::comemo::evict(0);
                    r
                }
            };
            tick();
            let failed = r.is_err();
            mine.push(r);
            if failed {
                next.store(jobs.len(), Ordering::Relaxed);
            }
        }
        mine
    };
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|k| {
                std::thread::Builder::new()
                    .name(format!("sopan-pdf-{k}"))
                    // Typst's layout recursion is deep for long tables.
                    .stack_size(64 << 20)
                    .spawn_scoped(scope, work)
            })
            .collect::<Result<_, _>>()
            .map_err(|e| {
                Error::new(ErrorKind::Thread {
                    what: ThreadOf::Pdf,
                })
                .cause(e)
            })?;
        Ok(handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect())
    })
}

/// Renders every SOP PDF (with its flowchart SVGs) into `out`, in parallel, taking unchanged
/// documents from `cache` (`serve`) or `disk` (the build cache). `tick` is called once per
/// finished document (for a progress bar).
pub(crate) fn render(
    site: &Site,
    renderer: &PdfRenderer,
    out: &mut Output,
    cache: Option<&PdfCache>,
    disk: Option<&DiskCache>,
    workers: Workers,
    tick: &(dyn Fn() + Sync),
) -> Result<(), Error> {
    // Each job's data is serialised (and in `serve` hashed) for every SOP: on all cores.
    let all = site.sops_placed();
    let mut jobs: Vec<SopJob> = all
        .par_iter()
        .map(|&(i, b, s)| renderer.sop_job(site, i, b, s))
        .collect();
    // Largest documents first, so the last ones to finish are small and no core idles long.
    jobs.sort_by_key(|j| std::cmp::Reverse(j.weight));
    // The build cache on disk first: only the documents it does not hold are compiled, in
    // threads or in worker processes alike.
    let mut results: Vec<Result<Shared, Error>> = Vec::new();
    let mut keys: Vec<[u8; 32]> = Vec::new();
    // `sopan build` writes each document to its staging folder as it is made.
    let staging = out.staging().cloned();
    let is_notes = |path: &str| path.ends_with(LAYOUT_NOTES);
    if let Some(disk) = disk {
        let looked: Vec<(SopJob, [u8; 32], Option<Shared>)> = jobs
            .into_par_iter()
            .map(|job| {
                let key = renderer.key("sop", &job.id, job.data.as_bytes());
                let hit = match &staging {
                    Some(st) => disk.get_staged(&key, st, &is_notes),
                    None => disk.get(&key),
                };
                // `serve`'s first build: its saves reuse what the disk held.
                if let (Some(c), Some(files)) = (cache, &hit) {
                    c.put(key, files);
                }
                (job, key, hit)
            })
            .collect();
        jobs = Vec::with_capacity(looked.len());
        for (job, key, hit) in looked {
            match hit {
                Some(files) => {
                    tick();
                    results.push(Ok(files));
                }
                None => {
                    jobs.push(job);
                    keys.push(key);
                }
            }
        }
    }
    let workers = match workers {
        // Worker processes pay off for many documents only (see `Mode::pdf_processes`);
        // `SOPAN_PEKERJA` still decides when set.
        Workers::Processes(..)
            if disk.is_some()
                && jobs.len() < MIN_FOR_PROCESSES
                && crate::core::env::get().pekerja.is_none() =>
        {
            Workers::Threads
        }
        w => w,
    };
    // Each compiled document goes to the build cache and the staging folder as it arrives;
    // each result names its job by its PDF's path.
    let key_of: std::collections::HashMap<String, [u8; 32]> = jobs
        .iter()
        .zip(&keys)
        .map(|(j, k)| (format!("{}.pdf", j.id), *k))
        .collect();
    let done = |files: Shared| -> Shared {
        if let Some(disk) = disk
            && let Some(key) = files.first().and_then(|(p, _)| key_of.get(p))
        {
            disk.put(key, &files);
        }
        match &staging {
            Some(st) => files
                .into_iter()
                .map(|(p, b)| {
                    let b = if is_notes(&p) { b } else { st.put(&p, b) };
                    (p, b)
                })
                .collect(),
            None => files,
        }
    };
    let compiled: Vec<Result<Shared, Error>> = match workers {
        Workers::Processes(_, _) if jobs.is_empty() => Vec::new(),
        Workers::Processes(n, ref setup) => {
            crate::pdf::worker::compile(setup, &jobs, n, tick, &|files| done(share(files)))?
                .into_iter()
                .map(Ok)
                .collect()
        }
        Workers::Threads => compile_in_threads(renderer, &jobs, cache, tick, &done)?,
    };
    results.extend(compiled);
    for files in results {
        for (path, blob) in files? {
            if let Some(id) = path.strip_suffix(&format!("/{LAYOUT_NOTES}")) {
                for line in String::from_utf8_lossy(blob.bytes()).lines() {
                    eprintln!("peringatan: tata letak SOP `{id}`: {line}");
                }
                continue;
            }
            out.insert_blob(path, blob);
        }
    }
    typst::comemo::evict(2);
    Ok(())
}

/// Renders every decree book into `out`, which already holds the SOP PDFs: each book's decree
/// part is laid out (a few pages), then joined with those PDFs. Books on all cores.
pub fn render_books(
    site: &Site,
    renderer: &PdfRenderer,
    out: &mut Output,
    cache: Option<&PdfCache>,
    tick: &(dyn Fn() + Sync),
) -> Result<(), Error> {
    render_books_cached(site, renderer, out, cache, None, None, tick)
}

/// [`render_books`], taking unchanged books from the build cache on disk too.
pub(crate) fn render_books_cached(
    site: &Site,
    renderer: &PdfRenderer,
    out: &mut Output,
    cache: Option<&PdfCache>,
    disk: Option<&DiskCache>,
    books: Option<(&crate::pipeline::cache::Books, bool)>,
    tick: &(dyn Fn() + Sync),
) -> Result<(), Error> {
    if site.instansi.iter().all(|i| i.keputusan.is_none()) {
        return Ok(());
    }
    // Typst's layout recursion is deep for long tables (the lampiran lists every SOP): the
    // books get threads with large stacks, as the SOP workers do.
    let pool = rayon::ThreadPoolBuilder::new()
        .stack_size(64 << 20)
        .thread_name(|k| format!("sopan-buku-{k}"))
        .build()
        .map_err(|e| {
            Error::new(ErrorKind::Thread {
                what: ThreadOf::Pdf,
            })
            .cause(e)
        })?;
    let out_ref: &Output = out;
    let staging = out.staging().cloned();
    let stage = |files: Shared| -> Shared {
        match &staging {
            Some(st) => files
                .into_iter()
                .map(|(p, b)| {
                    let b = st.put(&p, b);
                    (p, b)
                })
                .collect(),
            None => files,
        }
    };
    let books: Vec<Result<Shared, Error>> = pool.install(|| {
        site.instansi
            .par_iter()
            .filter_map(|i| Some((i, i.keputusan.as_ref()?)))
            .map(|(i, k)| {
                let blobs: Vec<Option<&Arc<Blob>>> = i
                    .sops()
                    .map(|s| out_ref.blob(&format!("{}.pdf", s.id)))
                    .collect();
                // Read back from the staging folder in `sopan build`, one book at a time.
                let read: Vec<Option<std::borrow::Cow<[u8]>>> = blobs
                    .iter()
                    .map(|b| b.map(|b| b.read()).transpose())
                    .collect::<Result<_, _>>()?;
                let sops = classic_forms(i, read.iter().map(|b| b.as_deref().unwrap_or_default()))?;
                let sops: Vec<&[u8]> = sops.iter().map(|c| &**c).collect();
                // Read before the decree part is laid out: its daftar isi needs their lengths.
                let parts = book_parts(i, &sops)?;
                let data = renderer.book_data(site, i, k, &parts);
                // `serve` reuses a book whose decree part and SOP PDFs are all unchanged.
                let key = (cache.is_some() || disk.is_some()).then(|| {
                    let mut h = Sha256::new();
                    h.update(renderer.key("keputusan", &i.id, &data));
                    for blob in &blobs {
                        h.update(blob.map(|b| b.sha256()).unwrap_or_default());
                    }
                    <[u8; 32]>::from(h.finalize())
                });
                let kept = |files: Shared| {
                    if let Some((b, _)) = books {
                        b.keep(&i.id, &files);
                    }
                    tick();
                    files
                };
                if let Some(files) = cache.zip(key).and_then(|(c, key)| c.get(&key)) {
                    return Ok(kept(files));
                }
                let hit = disk.zip(key).and_then(|(d, key)| match &staging {
                    Some(st) => d.get_staged(&key, st, &|_| false),
                    None => d.get(&key),
                });
                if let Some(files) = hit {
                    if let Some((c, key)) = cache.zip(key) {
                        c.put(key, &files);
                    }
                    return Ok(kept(files));
                }
                // `serve`: the previous book, whole, until the next build joins this one.
                if let Some((b, true)) = books
                    && let Some(files) = b.stale(&i.id)
                {
                    tick();
                    return Ok(files);
                }
                let head = renderer.book_head(i, data)?;
                let pdf = renderer.book_from(i, k, site.settings.margin, &head, parts)?;
                let files = share(vec![(format!("{}/keputusan.pdf", i.id), pdf)]);
                // The site shows each PDF's SHA-256; hashed here, books in parallel, rather than
                // one after another while the pages are written (5 books of 17 MB: 0.2 s).
                for (_, blob) in &files {
                    blob.sha256();
                }
                if let Some((c, key)) = cache.zip(key) {
                    c.put(key, &files);
                }
                if let Some((d, key)) = disk.zip(key) {
                    d.put(&key, &files);
                }
                Ok(kept(stage(files)))
            })
            .collect()
    });
    for files in books {
        for (path, pdf) in files? {
            out.insert_blob(path, pdf);
        }
    }
    typst::comemo::evict(2);
    Ok(())
}

/// One flowchart symbol as laid out: which step, which actor column, what kind, on which page.
#[derive(Clone, Debug, PartialEq)]
pub struct FlowNode {
    /// Index of the SOP within the document (0 for a single SOP document).
    pub sop: i64,
    /// Step number.
    pub step: i64,
    /// Actor column index.
    pub actor: i64,
    /// `mulai`, `proses`, `keputusan` or `selesai`.
    pub kind: String,
    /// 1-based page.
    pub page: usize,
}

/// The flowchart symbols of a laid-out document, read from its `<flow-node>` markers: lets tests
/// check the drawing against the steps without looking at pixels.
pub fn flow_nodes(doc: &PagedDocument) -> Vec<FlowNode> {
    flow::nodes(doc)
        .into_iter()
        .map(|n| FlowNode {
            sop: n.sop,
            step: n.step,
            actor: n.actor,
            kind: n.kind,
            page: n.page,
        })
        .collect()
}

/// The flow pages of an SOP document as SVG (for the site), from the same layout as the PDF.
/// A page the fast writer cannot draw (an image, a clip, a gradient) goes through `typst-svg`.
/// Each records the PDF page it shows (`data-halaman` on its root): the identity section may
/// take more than one page, so the site's captions ("halaman 3 dari 4") read the page from
/// here rather than counting.
pub fn flow_svgs(doc: &PagedDocument, glyphs: &GlyphCache) -> Vec<Vec<u8>> {
    let mut pages: Vec<usize> = flow_nodes(doc).iter().map(|n| n.page).collect();
    pages.sort_unstable();
    pages.dedup();
    pages
        .into_iter()
        .filter_map(|p| Some((p, doc.pages().get(p.checked_sub(1)?)?)))
        .map(|(p, page)| {
            let svg = crate::pdf::svg::writer::page_svg(page, glyphs)
                .unwrap_or_else(|| typst_svg_page(page));
            let body = svg.strip_prefix("<svg").unwrap_or(&svg);
            format!("<svg data-halaman=\"{p}\"{body}").into_bytes()
        })
        .collect()
}

/// The PDF page a flow SVG of `flow_svgs` shows, from its `data-halaman`.
pub(crate) fn flow_svg_page(svg: &[u8]) -> Option<usize> {
    let head = &svg[..svg.len().min(80)];
    let at = head.windows(14).position(|w| w == b"data-halaman=\"")? + 14;
    let end = head[at..].iter().position(|&b| b == b'"')? + at;
    std::str::from_utf8(&head[at..end]).ok()?.parse().ok()
}

/// A page as `typst-svg` draws it, compacted: the fallback of the fast writer, and the
/// reference the tests compare it with.
pub fn typst_svg_page(page: &typst_layout::Page) -> String {
    crate::pdf::svg::compact(&typst_svg::svg(page, &Default::default()))
}

/// The identity page's fitting (`identitas.typ`), worked out here rather than in Typst, whose
/// evaluation of it cost 3 % of a build (callgrind, 40 generated SOPs). The same arithmetic
/// as the template's estimate, operation for operation in Typst's raw length units (127 per
/// point, 360 per millimetre), so the same step and shares come out to the last bit; the
/// template still has its own estimate for a document without this (or with other margins).
mod identity {
    use serde::Serialize;

    use crate::model::org::{Bidang, Instansi, Pejabat};
    use crate::model::sop::{Keterkaitan, Sop};

    use super::Paper;

    fn pt(v: f64) -> f64 {
        v * 127.0
    }

    fn mm(v: f64) -> f64 {
        v * 360.0
    }

    /// A fitting step of `identitas.typ`'s `steps`: size and inset in raw units, leading in em.
    struct Step {
        size: f64,
        leading: f64,
        split: bool,
        balance: bool,
        inset: f64,
    }

    fn steps() -> [Step; 5] {
        let step = |size, leading, split, balance, inset| Step {
            size: pt(size),
            leading,
            split,
            balance,
            inset: mm(inset),
        };
        [
            step(9.5, 0.65, false, false, 2.0),
            step(9.5, 0.5, true, true, 2.0),
            step(9.0, 0.45, true, true, 1.5),
            step(8.5, 0.45, true, true, 1.5),
            step(8.0, 0.4, true, true, 1.2),
        ]
    }

    /// The type size the template's estimate resolves `em` leadings at (`sop.typ`).
    const BODY: f64 = 9.0;
    /// `sop.typ`'s page margins, mm.
    const MARGIN_X: f64 = 12.0;
    const MARGIN_TOP: f64 = 14.0;
    const MARGIN_BOTTOM: f64 = 16.0;

    /// The fitting the template applies without estimating again.
    #[derive(Serialize, Debug, PartialEq)]
    pub(super) struct Fit {
        /// Index into the template's `steps`.
        langkah: usize,
        /// Each pair of boxes' left share of the width.
        bagi: [f64; 3],
        /// Per pair, whether each box sets its list in two columns.
        dua: [[bool; 2]; 3],
        /// The text area this was worked out for, mm: the template estimates itself when its
        /// own differs.
        lebar: f64,
        tinggi: f64,
    }

    /// `ems`: a text's width in em, estimated (capitals a third wider).
    fn ems(p: &str) -> f64 {
        let f = if p.to_uppercase() == p { 0.62 } else { 0.48 };
        p.len() as f64 * f
    }

    fn lines_of(e: f64, width: f64, size: f64) -> i64 {
        ((size * e * 1.05 / width).ceil() as i64).max(1)
    }

    fn line_h(st: &Step) -> f64 {
        st.size * (0.75 + st.leading / 1.0)
    }

    fn max(e: &[f64]) -> f64 {
        e.iter().copied().fold(f64::NEG_INFINITY, f64::max)
    }

    /// `box-list`'s test: a list of four or more items, each fitting half the box.
    fn two_columns(e: &[f64], width: f64, st: &Step) -> bool {
        st.split && e.len() >= 4 && max(e) * st.size <= (width - mm(3.0)) / 2.0 - mm(7.0)
    }

    fn list_lines(e: &[f64], width: f64, st: &Step) -> i64 {
        if e.is_empty() {
            return 1;
        }
        if two_columns(e, width, st) {
            return (e.len() as f64 / 2.0).ceil() as i64;
        }
        e.iter()
            .map(|&x| lines_of(x, width - mm(7.0), st.size))
            .sum()
    }

    /// The two boxes' widths when the left one takes `f` of `width`.
    fn widths(f: f64, width: f64, st: &Step) -> (f64, f64) {
        (
            width * f - st.inset * 2.0,
            width * (1.0 - f) - st.inset * 2.0,
        )
    }

    fn pair_lines(a: &[f64], b: &[f64], f: f64, width: f64, st: &Step) -> i64 {
        let (l, r) = widths(f, width, st);
        list_lines(a, l, st).max(list_lines(b, r, st))
    }

    fn share(a: &[f64], b: &[f64], width: f64, st: &Step) -> f64 {
        let mut best = 0.5;
        let mut lines = pair_lines(a, b, 0.5, width, st);
        for f in [0.6, 0.4, 2.0 / 3.0, 1.0 / 3.0, 0.75, 0.25] {
            let n = pair_lines(a, b, f, width, st);
            if n < lines {
                best = f;
                lines = n;
            }
        }
        best
    }

    fn signer_lines(p: &Pejabat) -> i64 {
        2 + i64::from(p.pangkat.is_some()) + i64::from(p.nip.is_some())
    }

    type Pairs = [(Vec<f64>, Vec<f64>); 3];

    fn estimate(
        (i, b, s): (&Instansi, &Bidang, &Sop),
        st: &Step,
        width: f64,
        e: &Pairs,
        f: &[f64; 3],
    ) -> f64 {
        let lh = line_h(st);
        let leading = pt(BODY) * st.leading;
        let row = |n: i64| st.inset * 2.0 + lh * n as f64 - leading;
        let right = row(1) * 4.0
            + row(signer_lines(&s.disahkan_oleh))
            + mm(14.0)
            + st.inset * 2.0
            + pt(11.0) * lines_of(ems(&s.nama), width - mm(138.0), pt(11.0)) as f64 * 1.4;
        let logo = if super::logo_path(i).is_some() {
            mm(21.0)
        } else {
            mm(0.0)
        };
        let left = mm(4.0)
            + logo
            + pt(11.0) * 4.0 * 1.4
            + pt(9.0) * lines_of(ems(&b.nama.to_uppercase()), mm(88.0), pt(11.0)) as f64 * 1.4;
        let mut h = if right > left { right } else { left };
        for ((a, b), &f) in e.iter().zip(f) {
            h += row(1) + row(pair_lines(a, b, f, width, st));
        }
        if let Some(p) = &s.disusun_oleh {
            h += mm(4.0) + mm(16.0) + lh * (1 + signer_lines(p)) as f64;
        }
        h + mm(4.0)
    }

    /// The identity page's step and shares on `paper` (landscape), as `identity-page` would
    /// choose them; `None` when even the floor is estimated too tall.
    pub(super) fn fit(paper: Paper, i: &Instansi, b: &Bidang, s: &Sop) -> Option<Fit> {
        let lebar = f64::from(paper.tinggi_mm) - 2.0 * MARGIN_X;
        let tinggi = f64::from(paper.lebar_mm) - MARGIN_TOP - MARGIN_BOTTOM;
        let (width, height) = (mm(lebar), mm(tinggi));
        let list = |v: &[String]| v.iter().map(|t| ems(t)).collect::<Vec<f64>>();
        let links = s
            .keterkaitan
            .iter()
            .map(|k| match k {
                Keterkaitan::Teks { teks } => ems(teks),
                Keterkaitan::Sop { nama, .. } => ems(nama),
            })
            .collect();
        let e: Pairs = [
            (list(&s.dasar_hukum), list(&s.kualifikasi_pelaksana)),
            (links, list(&s.peralatan_perlengkapan)),
            (list(&s.peringatan), list(&s.pencatatan_pendataan)),
        ];
        let steps = steps();
        let halves = [0.5; 3];
        let mut shares: Option<[f64; 3]> = None;
        for (k, st) in steps.iter().enumerate() {
            let g = if st.balance {
                *shares.get_or_insert_with(|| {
                    let floor = &steps[steps.len() - 1];
                    e.each_ref().map(|(a, b)| share(a, b, width, floor))
                })
            } else {
                halves
            };
            if estimate((i, b, s), st, width, &e, &g) <= height * 0.97 {
                let dua = std::array::from_fn(|p| {
                    let (l, r) = widths(g[p], width, st);
                    [two_columns(&e[p].0, l, st), two_columns(&e[p].1, r, st)]
                });
                return Some(Fit {
                    langkah: k,
                    bagi: g,
                    dua,
                    lebar,
                    tinggi,
                });
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// sopan's identity fitting and the template's own estimate lay every example identity
    /// page out alike: the same step and shares, so the same page (compared as SVG).
    #[test]
    fn identity_fit_lays_out_as_the_template_estimate() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let site = crate::load_and_validate(root).unwrap().site;
        let r = PdfRenderer::new(&site, &Theme::embedded(), root).unwrap();
        let mut steps = std::collections::BTreeSet::new();
        for (i, b, s) in site.sops_placed() {
            let data = r.sop_data(&site, i, b, s);
            let mut json: serde_json::Value = serde_json::from_slice(&data).unwrap();
            let fit = json["identitas"].take();
            steps.insert(fit["langkah"].to_string());
            let without = serde_json::to_vec(&json).unwrap();
            let page = |data: Vec<u8>| {
                let doc = r.compile("/sop.typ", data, "uji").unwrap();
                typst_svg_page(&doc.pages()[0])
            };
            assert!(page(data) == page(without), "{}: {fit}", s.id);
        }
        // The example has pages at several steps, so the test covers more than the first.
        assert!(steps.len() >= 3, "{steps:?}");
    }
}
