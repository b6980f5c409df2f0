//! The flowchart as its own pictures: the nodes a laid-out flow page holds and each flow page
//! as an SVG (for the site), numbered by its page in the PDF.

use super::*;

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
    let mut pages: Vec<usize> = flow::nodes(doc).iter().map(|n| n.page).collect();
    pages.sort_unstable();
    pages.dedup();
    pages
        .into_iter()
        .filter_map(|p| Some((p, doc.pages().get(p.checked_sub(1)?)?)))
        .map(|(p, page)| {
            let svg = crate::pdf::svg::writer::page_svg(page, glyphs)
                .unwrap_or_else(|| typst_svg_page(page));
            let body = svg.strip_prefix("<svg").unwrap_or(&svg);
            let mut out = Vec::with_capacity(body.len() + 32);
            out.extend_from_slice(format!("<svg data-halaman=\"{p}\"").as_bytes());
            out.extend_from_slice(body.as_bytes());
            out
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
