//! Flowchart drawing: symbols, routed edges, labels and off-page connectors, pushed onto the
//! laid-out pages after Typst is done, and checked against the table they sit on.
//!
//! Each flowchart symbol of the template starts with a `<flow-node>` metadata marker (its SOP,
//! step, actor column, kind, size and outgoing edges). Once Typst has laid the document out,
//! the markers' real positions are read here, the edges are routed (pure functions in
//! `route`), the result is checked (`check`) and drawn onto the page frames (`canvas`). Doing
//! this in Typst (a page foreground that queries the markers) made every document need a
//! second layout pass; here it costs a walk over the markers, and the drawing still follows the
//! real layout.

use std::cmp::Ordering;

use typst::ecow::EcoVec;
use typst::foundations::{Dict, Label, Selector, Value};
use typst::introspection::MetadataElem;
use typst::layout::{Abs, Point, Size};
use typst_layout::{Page, PagedDocument};

mod canvas;
pub(crate) mod check;
pub(crate) mod columns;
pub(crate) mod route;
pub(crate) mod symbols;

use canvas::{Canvas, Fonts, find_fonts};
pub use check::Violation;
pub(crate) use route::Node;
use route::{Drawing, Grid, LABEL_PT, Out, Style};

const STROKE_PT: f64 = 0.6;
/// The flow table's rules (`stroke: 0.5pt` in flow.typ).
const TABLE_RULE_PT: f64 = 0.5;
const FOOTER_PT: f64 = 7.0;

/// The metadata markers labelled `name` (`flow-node`, `flow-gap`) of a laid-out document: each
/// one's dictionary, page and position, in document order.
fn markers(doc: &PagedDocument, name: &str) -> Vec<(Dict, usize, Point)> {
    let Some(label) = Label::new(typst::utils::PicoStr::intern(name)) else {
        return Vec::new();
    };
    let introspector = doc.introspector();
    introspector
        .elements()
        .query(&Selector::Label(label))
        .iter()
        .filter_map(|c| {
            let meta = c.to_packed::<MetadataElem>()?;
            let Value::Dict(d) = &meta.value else {
                return None;
            };
            let pos = introspector.position(c.location()?)?;
            Some((d.clone(), pos.page.get(), pos.point))
        })
        .collect()
}

/// Adjacent actor cells of a row without a symbol, merged into one cell by the template (an
/// empty cell costs Typst two layouts): its page, top-left corner, how many columns it spans
/// and their width (pt). Typst draws no column rule through it; sopan does ([`gap_rules`]).
#[derive(Debug)]
struct Gap {
    page: usize,
    x: f64,
    top: f64,
    n: i64,
    cw: f64,
}

/// The merged cells' markers (`<flow-gap>`) of a laid-out document.
fn gaps(doc: &PagedDocument) -> Vec<Gap> {
    markers(doc, "flow-gap")
        .into_iter()
        .map(|(d, page, at)| Gap {
            page,
            x: at.x.to_pt(),
            top: at.y.to_pt(),
            n: int(&d, "n"),
            cw: length(&d, "cw"),
        })
        .collect()
}

/// A vertical table rule sopan draws: page, x, y0, y1 (pt).
type Rule = (usize, f64, f64, f64);

/// The column rules inside the merged cells, added to the pages' grids: at each column
/// boundary inside a cell, from its top down to the first row rule under it.
fn gap_rules(gaps: &[Gap], grids: &mut [Grid]) -> Vec<Rule> {
    let mut rules = Vec::new();
    for g in gaps {
        let Some(grid) = g.page.checked_sub(1).and_then(|i| grids.get(i)) else {
            continue;
        };
        let mid = g.x + g.cw / 2.0;
        let bottom = grid
            .h
            .iter()
            .filter(|&&(y, x0, x1)| y > g.top + 0.01 && x0 <= mid && mid <= x1)
            .map(|r| r.0)
            .fold(f64::INFINITY, f64::min);
        if bottom.is_finite() {
            let xs = (1..g.n).map(|k| g.x + k as f64 * g.cw);
            rules.extend(xs.map(|x| (g.page, x, g.top, bottom)));
        }
    }
    // A rule down several rows of merged cells is one line, as Typst draws its own rules. The
    // same boundary reached from two cells may differ in its last bits: sorted by x to a
    // thousandth of a point, then down the page.
    let at = |r: &Rule| (r.0, (r.1 * 1000.0).round() as i64);
    rules.sort_by(|a, b| {
        at(a)
            .cmp(&at(b))
            .then(a.2.partial_cmp(&b.2).unwrap_or(Ordering::Equal))
    });
    rules.dedup_by(|next, line| {
        let joins = at(next) == at(line) && next.2 <= line.3 + 0.01;
        if joins {
            line.3 = line.3.max(next.3);
        }
        joins
    });
    for &(page, x, y0, y1) in &rules {
        grids[page - 1].v.push((x, y0, y1));
    }
    rules
}

fn int(d: &Dict, k: &str) -> i64 {
    match d.get(k) {
        Ok(Value::Int(i)) => *i,
        _ => -1,
    }
}

fn length(d: &Dict, k: &str) -> f64 {
    match d.get(k) {
        Ok(Value::Length(l)) => l.abs.to_pt(),
        _ => 0.0,
    }
}

fn outs(d: &Dict) -> Vec<Out> {
    let Ok(Value::Array(items)) = d.get("out") else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|v| {
            let Value::Dict(e) = v else { return None };
            let label = match e.get("label") {
                Ok(Value::Str(s)) => Some(s.to_string()),
                _ => None,
            };
            let style = match e.get("style") {
                Ok(Value::Str(s)) if s.as_str() == "lane-left" => Style::LaneLeft,
                Ok(Value::Str(s)) if s.as_str() == "lane-right" => Style::LaneRight,
                _ => Style::Down,
            };
            Some(Out {
                to: int(e, "to"),
                label,
                style,
            })
        })
        .collect()
}

/// The symbols of a laid-out document with their page positions, in document order.
pub(crate) fn nodes(doc: &PagedDocument) -> Vec<Node> {
    markers(doc, "flow-node")
        .into_iter()
        .map(|(d, page, at)| {
            let (w, h) = (length(&d, "w"), length(&d, "h"));
            // `pad`: room the marker's box keeps above the symbol (for an incoming connector).
            let top = at.y.to_pt() + length(&d, "pad");
            Node {
                sop: int(&d, "s"),
                step: int(&d, "n"),
                actor: int(&d, "a"),
                kind: match d.get("k") {
                    Ok(Value::Str(s)) => s.to_string(),
                    _ => String::new(),
                },
                end: matches!(d.get("e"), Ok(Value::Bool(true))),
                page,
                x: at.x.to_pt() + w / 2.0,
                top,
                cy: top + h / 2.0,
                bottom: top + h,
                w,
                cw: length(&d, "cw"),
                out: outs(&d),
            }
        })
        .collect()
}

/// The outlines of `chars` in the regular font of `doc` at the footer size, as PDF path
/// operators in points from the glyph's origin, with each glyph's advance: the book's page
/// numbers are drawn with them onto pages whose own fonts lack the glyphs.
/// Also returns the cap height in points, to place the baseline as `finish` does.
pub(crate) fn footer_glyphs(
    doc: &PagedDocument,
    chars: &str,
) -> Option<(Vec<crate::pdf::book::Glyph>, f64)> {
    let fonts = find_fonts(doc.pages())?;
    let face = fonts.regular.ttf();
    let scale = FOOTER_PT / f64::from(face.units_per_em());
    let cap = f64::from(face.capital_height().unwrap_or(0)) * scale;
    let mut out = Vec::new();
    for c in chars.chars() {
        let id = face.glyph_index(c)?;
        let mut path = PdfPath {
            ops: Vec::new(),
            scale,
            at: (0.0, 0.0),
        };
        face.outline_glyph(id, &mut path);
        let advance = f64::from(face.glyph_hor_advance(id)?) * scale;
        out.push((c, path.ops, advance));
    }
    Some((out, cap))
}

/// Writes a glyph outline as PDF path operators (quadratic curves raised to cubic ones).
struct PdfPath {
    ops: Vec<u8>,
    scale: f64,
    at: (f64, f64),
}

impl PdfPath {
    fn point(&mut self, x: f32, y: f32) -> (f64, f64) {
        (f64::from(x) * self.scale, f64::from(y) * self.scale)
    }

    fn op(&mut self, points: &[(f64, f64)], op: &str) {
        for (x, y) in points {
            self.ops
                .extend_from_slice(format!("{} {} ", round3(*x), round3(*y)).as_bytes());
        }
        self.ops.extend_from_slice(op.as_bytes());
        self.ops.push(b'\n');
    }
}

fn round3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

impl ttf_parser::OutlineBuilder for PdfPath {
    fn move_to(&mut self, x: f32, y: f32) {
        let p = self.point(x, y);
        self.at = p;
        self.op(&[p], "m");
    }

    fn line_to(&mut self, x: f32, y: f32) {
        let p = self.point(x, y);
        self.at = p;
        self.op(&[p], "l");
    }

    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        let (q, p, a) = (self.point(x1, y1), self.point(x, y), self.at);
        let c1 = (a.0 + (q.0 - a.0) * 2.0 / 3.0, a.1 + (q.1 - a.1) * 2.0 / 3.0);
        let c2 = (p.0 + (q.0 - p.0) * 2.0 / 3.0, p.1 + (q.1 - p.1) * 2.0 / 3.0);
        self.at = p;
        self.op(&[c1, c2, p], "c");
    }

    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        let pts = [self.point(x1, y1), self.point(x2, y2), self.point(x, y)];
        self.at = pts[2];
        self.op(&pts, "c");
    }

    fn close(&mut self) {
        self.ops.extend_from_slice(b"h\n");
    }
}

/// Where a page footer goes: right-aligned at the right margin, in the bottom margin.
#[derive(Clone, Copy)]
pub struct FooterPlace {
    /// Right margin.
    pub right: Abs,
    /// Bottom margin.
    pub bottom: Abs,
}

/// Draws the flowchart connectors of `doc` onto its pages and, when `footer` is given, a
/// "… halaman n dari N" line at the foot of every page (`{n}` and `{total}` are replaced).
/// Returns the document unchanged when it has no flowchart and no footer.
#[allow(dead_code)]
pub fn finish(doc: PagedDocument, footer: Option<(&str, FooterPlace)>) -> PagedDocument {
    finish_with(doc, footer, None).0
}

/// As `finish`, also returning what the layout checker found wrong with the flowcharts, and
/// whether a text runs past its row's rule (`check::cut_texts`).
pub(crate) fn finish_checked(
    doc: PagedDocument,
    footer: Option<(&str, FooterPlace)>,
) -> (PagedDocument, Vec<Violation>, bool) {
    finish_with(doc, footer, None)
}

/// As `finish`, for the first pages of a longer document: `{total}` is `total`, not this
/// document's page count (the decree part of a book, whose SOPs follow as their own PDFs).
pub(crate) fn finish_within(
    doc: PagedDocument,
    footer: (&str, FooterPlace),
    total: usize,
) -> PagedDocument {
    finish_with(doc, Some(footer), Some(total)).0
}

fn finish_with(
    doc: PagedDocument,
    footer: Option<(&str, FooterPlace)>,
    total: Option<usize>,
) -> (PagedDocument, Vec<Violation>, bool) {
    let mut nodes = nodes(&doc);
    if nodes.is_empty() && footer.is_none() {
        return (doc, Vec::new(), false);
    }
    let Some(fonts) = find_fonts(doc.pages()) else {
        return (doc, Vec::new(), false);
    };
    let (drawing, rules, violations, cut) = layout(&doc, &mut nodes, &fonts);
    let total = total.unwrap_or(doc.pages().len());
    let mut pages: EcoVec<Page> = doc.pages().iter().cloned().collect();
    for (i, page) in pages.make_mut().iter_mut().enumerate() {
        let mut canvas = Canvas {
            fonts: &fonts,
            items: Vec::new(),
        };
        for &(_, x, y0, y1) in rules.iter().filter(|r| r.0 == i + 1) {
            canvas.rule(x, y0, y1);
        }
        canvas.draw_page(&nodes, &drawing, i + 1);
        if let Some((fmt, place)) = footer {
            let text = fmt
                .replace("{n}", &(i + 1).to_string())
                .replace("{total}", &total.to_string());
            let size = Abs::pt(FOOTER_PT);
            let w = Canvas::text_width(&fonts.regular, size, &text);
            let Size { x: pw, y: ph } = page.frame.size();
            // The footer's cap height sits 30% into the bottom margin (Typst's footer descent).
            let top = ph - place.bottom + place.bottom * 0.3;
            let font = fonts.regular.clone();
            canvas.text(&font, size, pw - place.right - w, top, &text);
        }
        if !canvas.items.is_empty() {
            page.frame.push_multiple(canvas.items);
        }
    }
    let info = typst::model::Document::info(&doc).clone();
    (PagedDocument::new(pages, info), violations, cut)
}

/// Routes and checks the flowcharts of a laid-out document. Only the pages that carry
/// symbols are read for their table. A symbol may move down its cell to make room for
/// incoming off-page connectors (`route::route_fitting`), so `nodes` is what gets drawn.
/// Also returns the column rules drawn inside merged cells ([`gap_rules`]), and whether a
/// text runs past its row's rule.
fn layout(
    doc: &PagedDocument,
    nodes: &mut [Node],
    fonts: &Fonts,
) -> (Drawing, Vec<Rule>, Vec<Violation>, bool) {
    if nodes.is_empty() {
        return (Drawing::default(), Vec::new(), Vec::new(), false);
    }
    let mut grids: Vec<Grid> = doc
        .pages()
        .iter()
        .enumerate()
        .map(|(i, p)| {
            if nodes.iter().any(|n| n.page == i + 1) {
                check::grid_of(&p.frame)
            } else {
                Grid::default()
            }
        })
        .collect();
    let rules = gap_rules(&gaps(doc), &mut grids);
    let plan = route::plan(nodes);
    let size = Abs::pt(LABEL_PT);
    let width = |s: &str| Canvas::text_width(&fonts.regular, size, s).to_pt();
    let drawing = route::route_fitting(nodes, &plan, &grids, &width);
    let violations = check::check(nodes, &drawing, &grids);
    (drawing, rules, violations, check::cut_texts(nodes, &grids))
}

#[cfg(test)]
mod tests;
