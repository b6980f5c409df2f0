//! The decree book's side of the renderer: the decree part laid out from `keputusan.typ`,
//! numbered over the whole book and exported, then joined with the SOP PDFs
//! (`crate::pdf::book`); the parts' page counts and bookmarks.

use typst_layout::PagedDocument;

use crate::core::error::{Error, ErrorKind};
use crate::model::Site;
use crate::model::org::{Instansi, Keputusan};
use crate::pdf::book::pdf_file::{PdfWriter, Sink};
use crate::pdf::book::{Part, PartPdf};
use crate::pdf::flow;

use super::PdfRenderer;
use super::data::{BOOK_PAGE, book_doc, book_footer, pinned_date, sop_footer};

impl PdfRenderer {
    /// The decree book of `i`, when it has a `_keputusan.yaml`, with its SOPs compiled here
    /// (for tests; a build joins the SOP PDFs it already has).
    pub fn book(&self, site: &Site, i: &Instansi) -> Result<Option<Vec<u8>>, Error> {
        self.with_compiled_parts(site, i, |k, parts| {
            let head = self.book_head(i, self.book_data(site, i, k, parts))?;
            let w = crate::pdf::book::in_memory(0, parts);
            self.book_from(i, k, site.settings.margin, &head, parts, w)
        })
    }

    /// The `/data.json` of `i`'s decree part (`/keputusan.typ`), its SOPs compiled here to
    /// count their pages (for `examples/timings`, which times the decree part alone).
    pub fn book_head_data(&self, site: &Site, i: &Instansi) -> Result<Option<Vec<u8>>, Error> {
        self.with_compiled_parts(site, i, |k, parts| Ok(self.book_data(site, i, k, parts)))
    }

    /// `f` over `i`'s decree and its book's parts, the SOP PDFs compiled here in bidang
    /// order; `None` when `i` has no `_keputusan.yaml`.
    fn with_compiled_parts<R>(
        &self,
        site: &Site,
        i: &Instansi,
        f: impl FnOnce(&Keputusan, &[Part]) -> Result<R, Error>,
    ) -> Result<Option<R>, Error> {
        let Some(k) = &i.keputusan else {
            return Ok(None);
        };
        let mut sops = Vec::new();
        for b in &i.bidang {
            for s in &b.sop {
                sops.push(self.sop(site, i, b, s)?.1);
            }
        }
        let pdfs: Vec<PartPdf> = sops.iter().map(|p| PartPdf::Bytes(p)).collect();
        f(k, &book_parts(i, &pdfs)?).map(Some)
    }

    /// The `/data.json` of the decree part of `i`'s book, whose SOP PDFs are `parts`.
    pub(super) fn book_data(
        &self,
        site: &Site,
        i: &Instansi,
        k: &Keputusan,
        parts: &[Part],
    ) -> Vec<u8> {
        let pages: Vec<usize> = parts.iter().map(|p| p.pages).collect();
        serde_json::to_vec(&book_doc(&site.settings, i, k, &pages)).expect("model serialises")
    }

    /// The decree part of a book laid out: the Keputusan and Lampiran I, without page numbers.
    pub(super) fn book_head(&self, i: &Instansi, data: Vec<u8>) -> Result<PagedDocument, Error> {
        let what = format!("buku keputusan `{}`", i.id);
        self.compile("/keputusan.typ", data, &what)
    }

    /// The book: the decree part, numbered over the whole book, then `parts` (the PDFs of
    /// `i`'s SOPs in bidang order), joined without laying anything out again, by `w` (into
    /// memory, or into its file in the staging folder).
    pub(super) fn book_from<S: Sink>(
        &self,
        i: &Instansi,
        k: &Keputusan,
        margin: crate::model::settings::Margin,
        head: &PagedDocument,
        parts: &[Part],
        w: PdfWriter<S>,
    ) -> Result<S::Output, Error> {
        use crate::pdf::book::{Stamp, join_into};
        let failed = |e: String| {
            Error::new(ErrorKind::Book {
                instansi: i.id.clone(),
            })
            .cause(e)
        };
        let total = head.pages().len() + parts.iter().map(|p| p.pages).sum::<usize>();
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
        join_into(&head_pdf, &heading_marks(&doc), parts, stamp.as_ref(), w).map_err(failed)
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

/// The SOP PDFs of `i`'s book (`pdfs`, in bidang order) as parts of it: each with its page
/// count (a file read into one buffer after another, and let go) and the bookmarks that open
/// on its first page.
pub(super) fn book_parts<'a>(
    i: &'a Instansi,
    pdfs: &[PartPdf<'a>],
) -> Result<Vec<Part<'a>>, Error> {
    use crate::pdf::book::{page_count, read_into};
    let failed = |e: String| {
        Error::new(ErrorKind::Book {
            instansi: i.id.clone(),
        })
        .cause(e)
    };
    let mut parts = Vec::with_capacity(pdfs.len());
    let mut pdfs = pdfs.iter();
    let mut buf = Vec::new();
    for b in &i.bidang {
        for (j, s) in b.sop.iter().enumerate() {
            let &pdf = pdfs.next().ok_or_else(|| failed("PDF SOP kurang".into()))?;
            let pages = match pdf {
                PartPdf::Bytes(bytes) => page_count(bytes),
                PartPdf::File(path) => read_into(path, &mut buf)
                    .map_err(|e| format!("{}: {e}", path.display()))
                    .and_then(|()| page_count(&buf)),
            };
            let pages = pages.map_err(|e| failed(format!("{}: {e}", s.id)))?;
            let mut marks = Vec::new();
            // A bidang's bookmark opens at its first SOP.
            if j == 0 {
                marks.push((2, b.nama.clone()));
            }
            marks.push((3, s.nama.clone()));
            parts.push(Part {
                pdf,
                pages,
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
