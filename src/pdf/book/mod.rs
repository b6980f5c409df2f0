//! The decree book joined from PDFs already made: the decree part (Keputusan and Lampiran, laid
//! out by Typst) followed by every SOP's own PDF, copied object by object. Laying the SOPs out a
//! second time for the book cost as much as the SOPs themselves (1,000 SOPs in five books:
//! 12 s of 21 s); joining copies bytes.
//!
//! What a join keeps: every page as it is (content, fonts, images), the tags (each document's
//! structure tree becomes a `Part` of one `Document`, its ids prefixed so they stay unique, its
//! parent tree renumbered), the decree part's metadata (XMP with the book's page count, output
//! intent, language, document ids). What it adds: a new page tree and bookmarks, the book's
//! page numbers on the SOPs' pages (`Stamp`), the daftar isi's links pointed at the pages they
//! list (`TOC_LINK`: Typst drops a link to a page its own document does not have, so the
//! template links each entry to a placeholder URI; Typst tags it), and one copy of each
//! resource the documents share (the logo on every identity page: `dedup`).
//!
//! A join holds one document at a time. The parts come as bytes or as files (`PartPdf`: the
//! SOP PDFs `sopan build` already wrote to its staging folder) with their page counts,
//! counted first (`page_count`), because the decree part's daftar isi and the page stamps
//! need every page's book number before anything is copied; the join checks each count when
//! it reads the part. Each part is then read (a file into one buffer used again), copied and
//! let go: what the book needs of it later is kept as bytes already written (page heights,
//! role map entries, ids, parent tree entries), and `dedup` keeps a stream's length and
//! SHA-256, not its data. The book goes out through a `pdf_file::Sink` a megabyte at a time:
//! `sink::FileSink` writes it into its staging file and hashes it on the way (`sopan build`),
//! `pdf_file::Memory` keeps it whole (`serve`, tests); one joiner serves both. Holding every
//! SOP's PDF and the whole book in memory, two books at once, a build of 10,000 generated
//! SOPs in 10 books peaked at 2.77 GiB; joined this way (and with Typst's memo caches let go
//! after each book, `renderer::schedule`) at 0.86 GiB, the books byte for byte the same.
//!
//! The cover is page 1 of the book, as a PDF viewer counts it, and prints no number: the
//! decree part's footers start at "Halaman 2 dari N"
//! (`renderer::book::without_cover_number`), so the daftar isi, the footers and the viewer
//! agree on every page number.
//!
//! # Typst upgrade checklist
//! The joiner reads what `typst-pdf` (krilla) writes. When bumping `typst`/`typst-pdf`:
//! - **File form.** `classic::classic` borrows a classic-table file and rewrites one with
//!   cross-reference or object streams; a rewrite costs a copy per SOP, so re-time
//!   `examples/join` (1,000 SOPs: about 1 s) and see whether the new default needs an option.
//!   Other stream filters than `FlateDecode` in those streams are refused by name.
//! - **`/DisplayDocTitle`** (`title.rs`): still written by sopan? Typst 0.15 writes it only
//!   for PDF/UA-1; drop `title.rs` if a plain export gets it. It expects the viewer
//!   preferences inline in the catalog.
//! - **Structure tree shape** (`Joiner::copy`): one top `Document` element under
//!   `StructTreeRoot/K`, a `ParentTree` number tree, an `IDTree`, table `Headers` attributes
//!   naming ids (`prefix_ids`), a `RoleMap`. Check with `qpdf --check` and the tests named
//!   below; a new kind of id reference would need prefixing too.
//! - **Links**: Typst drops a link to a page its own document lacks, hence the daftar isi's
//!   placeholder URIs (`TOC_LINK`), rewritten here into destinations; their tags (a `Link`
//!   element around the entry, an `OBJR`, the annotation's `StructParent`) are Typst's, as
//!   are the Keterkaitan `sop:` links'. Check that Typst still writes a URI action (not a
//!   `Launch` or a named destination) and still tags links.
//! - **Metadata**: `with_npages` edits `<xmpTPg:NPages>` in an unfiltered XMP stream; a
//!   compressed XMP stream would keep the decree part's count (PDF/A validators notice).
//! - **Layout APIs** used around the join: `PagedDocument::new` (cover and footers),
//!   the introspector query of `renderer::book::heading_marks`, and
//!   `flow::footer_glyphs` (the stamps' glyph outlines from the document's regular font).
//! - **Run**: `cargo test --lib book`, `cargo test --test testsuite pdf_buku` (joins
//!   qpdf-compressed SOP PDFs into the same book; tagged links; cover; the book equal to an
//!   in-process join), `pdf_halaman_alur` (flow pages recorded), and build the example twice
//!   to compare `keputusan.pdf` byte for byte.

pub mod classic;
mod copy;
mod dedup;
mod joiner;
mod lexer;
pub(crate) mod pdf_file;
pub(crate) mod sink;
mod stamping;
mod strings;
#[cfg(test)]
mod tests;
mod trees;

use joiner::Joiner;
use pdf_file::{Memory, PdfFile, PdfWriter, Sink};
use stamping::Stamping;

/// A PDF read for joining: its objects and its pages.
struct Source<'a> {
    file: PdfFile<'a>,
    pages: Vec<u32>,
    nodes: Vec<u32>,
}

impl<'a> Source<'a> {
    /// Reads a PDF in classic form (`classic::classic` first for any other).
    fn parse(pdf: &'a [u8]) -> Result<Self, String> {
        let file = PdfFile::parse(pdf)?;
        let (pages, nodes) = file.pages()?;
        Ok(Source { file, pages, nodes })
    }

    /// Its number of pages.
    fn page_count(&self) -> usize {
        self.pages.len()
    }
}

/// The number of pages of a PDF in any form the joiner reads: a book's daftar isi and page
/// numbers need every part's before the join starts.
pub fn page_count(pdf: &[u8]) -> Result<usize, String> {
    let pdf = classic::classic(pdf)?;
    Ok(Source::parse(&pdf)?.page_count())
}

/// Where the PDF of a part is.
#[derive(Clone, Copy, Debug)]
pub enum PartPdf<'a> {
    /// In memory (`serve`, tests).
    Bytes(&'a [u8]),
    /// In a file, read when the join comes to it (`sopan build`'s staging folder).
    File(&'a std::path::Path),
}

/// One document of the book, and the bookmarks that open on its first page.
pub struct Part<'a> {
    /// Its PDF.
    pub pdf: PartPdf<'a>,
    /// Its number of pages (`page_count`); the join checks it.
    pub pages: usize,
    /// Its title: the `T` of its structure element.
    pub title: &'a str,
    /// Bookmarks (level from 1, title) pointing at its first page.
    pub marks: Vec<(usize, String)>,
}

/// A bookmark of the decree part: level from 1, title, 0-based page within that part.
pub struct HeadMark {
    /// Outline level, from 1.
    pub(crate) level: usize,
    /// Its title.
    pub title: String,
    /// Its page within the decree part, from 0.
    pub page: usize,
}

/// The URI prefix of a daftar isi entry's link in the decree part, before the book page it
/// opens (from 1): `keputusan.typ` writes it, the join turns it into a destination.
pub(crate) const TOC_LINK: &str = "sopan:halaman/";

/// A character's outline (PDF path operators in points from the glyph's origin) and advance
/// in points.
pub(crate) type Glyph = (char, Vec<u8>, f64);

/// The book's page numbers, drawn onto the pages of the parts (whose own footers count only
/// their own pages) as glyph outlines, so no font has to be added to those pages.
pub struct Stamp {
    /// The text, with `{n}` and `{total}`: "Halaman {n} dari {total}".
    pub format: String,
    /// Every character the text can use.
    pub glyphs: Vec<Glyph>,
    /// The start of the text's baseline, in points from the page's bottom left corner.
    pub x: f64,
    /// See `x`.
    pub y: f64,
}

/// Joins the decree part `head` (with its bookmarks) and the `parts` into one PDF in memory;
/// `stamp` numbers the parts' pages over the whole book.
pub fn join(
    head: &[u8],
    head_marks: &[HeadMark],
    parts: &[Part],
    stamp: Option<&Stamp>,
) -> Result<Vec<u8>, String> {
    join_into(head, head_marks, parts, stamp, in_memory(head.len(), parts))
}

/// A writer for a book in memory, with room for `head` bytes and the parts held in memory.
pub(crate) fn in_memory(head: usize, parts: &[Part]) -> PdfWriter<Memory> {
    let size = parts.iter().map(|p| match p.pdf {
        PartPdf::Bytes(b) => b.len(),
        PartPdf::File(_) => 0,
    });
    PdfWriter::with_capacity(head + size.sum::<usize>())
}

/// `join` into `w`'s sink (a file: `sink::FileSink`). The parts are read, copied and let go
/// one at a time (a file part into one buffer used again for each), so the join holds one
/// document besides the decree part and what the book's tables need.
pub(crate) fn join_into<S: Sink>(
    head: &[u8],
    head_marks: &[HeadMark],
    parts: &[Part],
    stamp: Option<&Stamp>,
    w: PdfWriter<S>,
) -> Result<S::Output, String> {
    // Typst writes classic tables today; `classic` reads whatever a later version writes.
    let head = classic::classic(head)?;
    let head = Source::parse(&head)?;
    let total = head.page_count() + parts.iter().map(|p| p.pages).sum::<usize>();
    let mut j = Joiner::new(total, w);
    if let Some(stamp) = stamp {
        j.stamp = Some(Stamping::new(&mut j.w, stamp));
    }
    let head_pages = j.copy(&head, None, "")?;
    let mut marks: Vec<(usize, String, u32)> = head_marks
        .iter()
        .filter_map(|m| Some((m.level, m.title.clone(), *head_pages.get(m.page)?)))
        .collect();
    let mut buf = Vec::new();
    for (k, part) in parts.iter().enumerate() {
        let failed = |e: String| format!("{}: {e}", part.title);
        let pdf = match part.pdf {
            PartPdf::Bytes(b) => b,
            PartPdf::File(path) => {
                read_into(path, &mut buf)
                    .map_err(|e| failed(format!("{}: {e}", path.display())))?;
                &buf
            }
        };
        let pdf = classic::classic(pdf).map_err(failed)?;
        let source = Source::parse(&pdf).map_err(failed)?;
        if source.page_count() != part.pages {
            return Err(failed(format!(
                "{} halaman, padahal daftar isi menghitung {}",
                source.page_count(),
                part.pages
            )));
        }
        let pages = j
            .copy(&source, Some(part.title), &format!("s{}.", k + 1))
            .map_err(failed)?;
        if let Some(&first) = pages.first() {
            marks.extend(part.marks.iter().map(|(l, t)| (*l, t.clone(), first)));
        }
    }
    j.write_links()?;
    j.finish(&head.file, marks)
}

/// Reads the file at `path` into `buf` (emptied first, its room kept for the next file).
pub(crate) fn read_into(path: &std::path::Path, buf: &mut Vec<u8>) -> std::io::Result<()> {
    use std::io::Read as _;
    buf.clear();
    std::fs::File::open(path)?.read_to_end(buf).map(|_| ())
}
