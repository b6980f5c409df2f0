//! PDF: every SOP document (`instansi/bidang/slug.pdf`), compiled in-process by Typst from the
//! theme's templates, in parallel, as PDF/A-2b with tags, language and pinned dates; and each
//! instansi's decree book (`instansi/keputusan.pdf`): its decree part compiled the same way,
//! then joined with the SOP PDFs (`crate::pdf::book`). This file is the renderer (its setup,
//! fingerprint and cache, compiling and exporting one document); `book.rs` its decree-book
//! side (the decree part, the parts' page counts, the join), `data.rs` the templates' JSON,
//! `identity.rs` the identity page's fitting, `schedule.rs` threads, worker processes and the
//! books, `flow_svg.rs` the flowcharts as SVG pictures for the site.

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
use crate::pdf::book::PartPdf;
use crate::pdf::book::pdf_file::PdfWriter;
use crate::pdf::flow;
use crate::pdf::svg::writer::GlyphCache;
use crate::pdf::world::Base;
use crate::pipeline::disk_cache::DiskCache;
use crate::pipeline::output::{Blob, Output};
use crate::pipeline::theme::Theme;

mod book;
mod data;
mod flow_svg;
mod identity;
mod key;
mod schedule;

use data::*;
pub use flow_svg::*;
pub use schedule::*;

/// A document's rough size, to compile the largest first: its steps times its columns.
fn sop_weight(s: &Sop) -> usize {
    s.langkah.len() * (s.pelaksana.len() + 4)
}

/// Compiles documents over one shared base.
pub struct PdfRenderer {
    base: Base,
    /// Hash of everything besides a document's data that shapes its bytes: the theme's
    /// templates and fonts, the logos, the pinned date. Part of every cache key.
    fingerprint: [u8; 32],
    /// Glyph outlines for the flowchart SVGs, read once per run.
    pub glyphs: GlyphCache,
    /// Whether the flow table is the default theme's, so that its rows may be fixed at their
    /// symbols' height where sopan's bound of their text says so (`sop_doc`'s `baris`).
    fixed_rows: bool,
}

/// The theme files that set the flow table's text and rows: `bound` assumes them.
const FLOW_TEMPLATES: &[&str] = &[
    "typst/sop.typ",
    "typst/lib/sop.typ",
    "typst/lib/common.typ",
    "typst/lib/flow.typ",
    "typst/lib/symbol.typ",
];

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
            let ext = vpath.rsplit_once('.').map_or("", |(_, e)| e);
            extra.push((
                crate::pdf::logo::print_path(vpath),
                crate::pdf::logo::for_print(&bytes, ext),
            ));
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
            fixed_rows: theme.is_default(FLOW_TEMPLATES),
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
        self.base.error(what, errors)
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
        serde_json::to_vec(&sop_doc(
            site.settings.kertas,
            base_url,
            i,
            b,
            s,
            self.fixed_rows,
        ))
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
            self.compile_sop(&job.id, &job.nama, date_of(job.date), job.data.as_bytes())?;
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
            self.compile_sop(&job.id, &job.nama, date_of(job.date), job.data.as_bytes())?;
        Ok((doc, v))
    }

    fn compile_sop(
        &self,
        id: &str,
        nama: &str,
        date: Datetime,
        data: &[u8],
    ) -> Result<(PagedDocument, Vec<u8>, Vec<flow::Violation>), Error> {
        let what = format!("untuk SOP `{id}`");
        let footer = format!("{nama} — halaman {{n}} dari {{total}}");
        let doc = self.compile("/sop.typ", data.to_vec(), &what)?;
        let (mut doc, mut violations, cut) =
            flow::finish_checked(doc, Some((&footer, sop_footer())));
        // A text ran past a row fixed at its symbols' height: the bound (flow/columns/bound.rs)
        // did not hold. Laid out again with every row measured by Typst, which never lets a
        // text past its row.
        if cut && let Some(auto) = data::without_fixed_rows(data) {
            let again = self.compile("/sop.typ", auto, &what)?;
            (doc, violations, _) = flow::finish_checked(again, Some((&footer, sop_footer())));
        }
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
        }
    }

    /// Compiles a job into its files: the PDF and the flowchart SVGs of its flow pages.
    pub(crate) fn compile_job(&self, job: &SopJob) -> Result<Files, Error> {
        let (doc, pdf, violations) =
            self.compile_sop(&job.id, &job.nama, date_of(job.date), job.data.as_bytes())?;
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

    /// `data` with its `baris` (the last field) replaced by `with`.
    fn with_rows(data: &[u8], with: &str) -> Vec<u8> {
        let cut = data::without_fixed_rows(data).expect("rows to take out");
        let mut out = cut[..cut.len() - b"\"baris\":null}".len()].to_vec();
        out.extend_from_slice(with.as_bytes());
        out.push(b'}');
        out
    }

    /// Lays `data` out with its fixed rows and without: the same pages, no text past a row.
    /// Returns the rows and how many had a bound.
    fn laid_out_alike(r: &PdfRenderer, data: Vec<u8>, what: &str) -> (usize, usize) {
        let json: serde_json::Value = serde_json::from_slice(&data).unwrap();
        let baris = json["baris"].as_array().expect("rows bounded");
        let counts = (baris.len(), baris.iter().filter(|b| b.is_number()).count());
        let auto = data::without_fixed_rows(&data).unwrap();
        let pages = |data: Vec<u8>| {
            let doc = r.compile("/sop.typ", data, "uji").unwrap();
            let (doc, _, cut) = flow::finish_checked(doc, None);
            assert!(!cut, "{what}: a text runs past its row");
            doc.pages().iter().map(typst_svg_page).collect::<Vec<_>>()
        };
        assert!(pages(data) == pages(auto), "{what}");
        counts
    }

    /// Rows fixed at their symbols' height where the bound says so lay every example SOP out
    /// exactly as Typst's own measuring does, every page; most rows have a bound.
    #[test]
    fn fixed_rows_lay_out_as_measured_rows() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let site = crate::load_and_validate(root).unwrap().site;
        let r = PdfRenderer::new(&site, &Theme::embedded(), root).unwrap();
        let (mut bounded, mut rows) = (0, 0);
        for (i, b, s) in site.sops_placed() {
            let (n, k) = laid_out_alike(&r, r.sop_data(&site, i, b, s), &s.id.to_string());
            rows += n;
            bounded += k;
        }
        assert!(bounded * 10 >= rows * 8, "{bounded} of {rows} rows bounded");
    }

    /// A bound that does not hold (here: every row said to fit under its symbols) lets text
    /// run past its row. sopan sees it exactly where the layout differs from the measured
    /// rows' and lays the SOP out again with measured rows, so the PDF is the one without fixed
    /// rows.
    #[test]
    fn a_bound_that_does_not_hold_is_laid_out_again() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let site = crate::load_and_validate(root).unwrap().site;
        let r = PdfRenderer::new(&site, &Theme::embedded(), root).unwrap();
        let date = date_of([2024, 1, 1, 0, 0, 0]);
        let mut cuts = 0;
        for (i, b, s) in site.sops_placed() {
            let data = r.sop_data(&site, i, b, s);
            let zeros = vec!["0"; s.langkah.len()].join(",");
            let wrong = with_rows(&data, &format!("\"baris\":[{zeros}]"));
            let auto = data::without_fixed_rows(&data).unwrap();
            let laid = |d: Vec<u8>| {
                let doc = r.compile("/sop.typ", d, "uji").unwrap();
                let svgs: Vec<String> = doc.pages().iter().map(typst_svg_page).collect();
                (svgs, flow::finish_checked(doc, None).2)
            };
            let (forced, cut) = laid(wrong.clone());
            let (measured, _) = laid(auto.clone());
            assert_eq!(cut, forced != measured, "{}", s.id);
            cuts += usize::from(cut);
            let pdf = |d: Vec<u8>| {
                r.compile_sop(&s.id.to_string(), &s.nama, date, &d)
                    .unwrap()
                    .1
            };
            assert!(pdf(wrong) == pdf(auto), "{}", s.id);
        }
        assert!(cuts >= 3, "only {cuts} SOPs had text past a row");
    }

    /// Texts of every kind a YAML author may write (brackets, slashes, hyphens, quotes, long
    /// words, line feeds, runs of spaces, letters outside Latin) in the steps of an example
    /// SOP: wherever a row is fixed, the pages are the measured rows' pages.
    #[test]
    fn fixed_rows_hold_for_texts_of_every_kind() {
        const WORDS: &[&str] = &[
            "Petugas",
            "memeriksa",
            "kelengkapan",
            "berkas",
            "(SKTM)",
            "Pemohon",
            "KTP/KK",
            "2-3",
            "Rp 10.000,-",
            "“surat”",
            "a/n",
            "e-KTP",
            "No.",
            ":",
            ";",
            "(",
            ")",
            "-",
            "dan",
            "iiiiiiiiii",
            "10",
            "hari",
            "kerja",
            "  ",
            "\n",
            "–",
            "…",
            "Kepala Dinas",
            "disposisi",
            "«data»",
            "'kutip'",
            "dst.",
            "1)",
        ];
        // Rarer: letters the bound does not know and words too long for a narrow column (the
        // row is measured then).
        const RARE: &[&str] = &["Σ", "中文", "\t", "Pertanggungjawaban", "WWWWWWWW"];
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let site = crate::load_and_validate(root).unwrap().site;
        let r = PdfRenderer::new(&site, &Theme::embedded(), root).unwrap();
        let placed = site.sops_placed();
        let seed = std::cell::Cell::new(0x5eed_f5e7_u64);
        let next = |n: usize| {
            let mut x = seed.get();
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            seed.set(x);
            (x % n as u64) as usize
        };
        let (mut fixed, mut rows) = (0, 0);
        for case in 0..40 {
            let (i, b, s) = placed[case % placed.len()];
            let mut s = s.clone();
            let text = |most: usize| {
                let n = next(most + 1);
                let mut t = String::new();
                for k in 0..n {
                    if k > 0 && next(4) > 0 {
                        t.push(' ');
                    }
                    t.push_str(if next(40) == 0 {
                        RARE[next(RARE.len())]
                    } else {
                        WORDS[next(WORDS.len())]
                    });
                }
                t
            };
            for l in &mut s.langkah {
                l.kegiatan = text(40);
                l.kelengkapan = (0..next(5)).map(|_| text(10)).collect();
                l.output = (0..next(4)).map(|_| text(8)).collect();
                l.keterangan = (next(2) == 1).then(|| text(12));
            }
            let (n, k) = laid_out_alike(&r, r.sop_data(&site, i, b, &s), &format!("case {case}"));
            rows += n;
            fixed += k;
        }
        // Many rows get a bound, many do not (texts too long or unknown to it).
        assert!(
            fixed * 5 > rows && fixed * 5 < rows * 4,
            "{fixed} of {rows}"
        );
    }

    /// A theme that sets the flow table itself gets no fixed rows; the data keeps `baris`
    /// last, so taking it out leaves the same data with null there.
    #[test]
    fn fixed_rows_only_under_the_default_flow_table() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let site = crate::load_and_validate(root).unwrap().site;
        let (i, b, s) = site.sops_placed()[0];
        let data = PdfRenderer::new(&site, &Theme::embedded(), root)
            .unwrap()
            .sop_data(&site, i, b, s);
        let mut json: serde_json::Value = serde_json::from_slice(&data).unwrap();
        assert!(json["baris"].is_array());
        let auto = data::without_fixed_rows(&data).unwrap();
        json["baris"] = serde_json::Value::Null;
        assert_eq!(
            serde_json::from_slice::<serde_json::Value>(&auto).unwrap(),
            json
        );
        // A text holding the key is never taken for the field (its quotes are escaped).
        let mut tricky = s.clone();
        tricky.langkah[0].kegiatan = "Isi \"baris\":[1,2]}".to_string();
        let mut theme = Theme::embedded();
        let mut flow = theme.get("typst/lib/flow.typ").unwrap().to_vec();
        flow.extend_from_slice(b"\n// lain\n");
        theme.insert("typst/lib/flow.typ", flow);
        let data = PdfRenderer::new(&site, &theme, root)
            .unwrap()
            .sop_data(&site, i, b, &tricky);
        assert!(data.ends_with(b"\"baris\":null}"));
        assert_eq!(data::without_fixed_rows(&data), None);
        // Whether the data has fixed rows under the embedded theme with `path` laid over it.
        let fixed_under = |path: &str, bytes: Vec<u8>| {
            let mut theme = Theme::embedded();
            theme.insert(path, bytes);
            let r = PdfRenderer::new(&site, &theme, root).unwrap();
            !r.sop_data(&site, i, b, s).ends_with(b"\"baris\":null}")
        };
        for file in FLOW_TEMPLATES {
            let mut bytes = Theme::embedded().get(file).unwrap().to_vec();
            bytes.extend_from_slice(b"\n// changed\n");
            assert!(!fixed_under(file, bytes), "{file}");
        }
        assert!(
            !fixed_under("fonts/Lain.ttf", b"x".to_vec()),
            "a font added"
        );
        // A licence beside the fonts (as this repository's theme folder has) changes nothing.
        assert!(
            fixed_under("fonts/LICENSE.txt", b"OFL".to_vec()),
            "a licence added"
        );
    }
}
