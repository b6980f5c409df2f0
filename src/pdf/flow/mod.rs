//! Flowchart connectors, drawn onto the laid-out pages after Typst is done.
//!
//! Each flowchart symbol of the template starts with a `<flow-node>` metadata marker (its SOP,
//! step, actor column, kind, size and outgoing edges). Once Typst has laid the document out,
//! the markers' real positions are read here, the edges are routed (a pure function, `plan`),
//! and the arrows, labels and off-page connectors are pushed onto the page frames. Doing this in
//! Typst (a page foreground that queries the markers) made every document need a second layout
//! pass; here it costs a walk over the markers, and the drawing still follows the real layout.

use std::collections::BTreeMap;

use typst::ecow::EcoVec;
use typst::foundations::{Dict, Label, Selector, Value};
use typst::introspection::MetadataElem;
use typst::layout::{Abs, Em, Frame, FrameItem, Point, Ratio, Size};
use typst::syntax::Span;
use typst::text::{FontInstance, FontWeight, Glyph, Lang, TextItem};
use typst::visualize::{Color, Curve, FillRule, FixedStroke, Geometry, LineCap, LineJoin, Shape};
use typst_layout::{Page, PagedDocument};

pub(crate) mod columns;

const STROKE_PT: f64 = 0.6;
const ARROW_LEN_MM: f64 = 1.6;
const ARROW_HALF_MM: f64 = 0.7;
const LABEL_PT: f64 = 6.0;
const FOOTER_PT: f64 = 7.0;

fn mm(v: f64) -> Abs {
    Abs::mm(v)
}

/// How an edge leaves its symbol: straight down to the next row, or sideways along a lane.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Style {
    Down,
    LaneLeft,
    LaneRight,
}

/// One outgoing edge as the template declares it.
#[derive(Clone, Debug, PartialEq)]
struct Out {
    to: i64,
    label: Option<String>,
    style: Style,
}

/// One laid-out symbol: which step, where it is and where it leads.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Node {
    pub(crate) sop: i64,
    pub(crate) step: i64,
    pub(crate) actor: i64,
    /// `mulai`, `proses`, `keputusan` or `selesai`.
    pub(crate) kind: String,
    /// 1-based page.
    pub(crate) page: usize,
    /// Centre line of the symbol.
    x: Abs,
    top: Abs,
    cy: Abs,
    bottom: Abs,
    w: Abs,
    /// Width of the actor column the symbol sits in.
    cw: Abs,
    out: Vec<Out>,
}

/// A routed edge between two nodes (indices into the node list).
#[derive(Clone, Debug, PartialEq)]
struct Edge {
    src: usize,
    tgt: usize,
    label: Option<String>,
    style: Style,
    /// Number of the off-page connector pair (0 when both ends share a page).
    num: usize,
}

/// The routing of one document: the symbols of each step and every edge once.
#[derive(Debug, Default)]
struct Plan {
    /// Node indices per (sop, step), in document order of the steps.
    groups: Vec<Vec<usize>>,
    edges: Vec<Edge>,
}

fn flow_label() -> Option<Label> {
    Label::new(typst::utils::PicoStr::intern("flow-node"))
}

fn int(d: &Dict, k: &str) -> i64 {
    match d.get(k) {
        Ok(Value::Int(i)) => *i,
        _ => -1,
    }
}

fn length(d: &Dict, k: &str) -> Abs {
    match d.get(k) {
        Ok(Value::Length(l)) => l.abs,
        _ => Abs::zero(),
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
    let Some(label) = flow_label() else {
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
            let (w, h) = (length(d, "w"), length(d, "h"));
            Some(Node {
                sop: int(d, "s"),
                step: int(d, "n"),
                actor: int(d, "a"),
                kind: match d.get("k") {
                    Ok(Value::Str(s)) => s.to_string(),
                    _ => String::new(),
                },
                page: pos.page.get(),
                x: pos.point.x + w / 2.0,
                top: pos.point.y,
                cy: pos.point.y + h / 2.0,
                bottom: pos.point.y + h,
                w,
                cw: length(d, "cw"),
                out: outs(d),
            })
        })
        .collect()
}

/// Routes every edge once: from a step's symbol to its target's, choosing among the symbols of
/// joint steps the pair nearest each other; crossing edges get connector numbers in document
/// order, the same on both pages.
fn plan(nodes: &[Node]) -> Plan {
    let mut index: BTreeMap<(i64, i64), usize> = BTreeMap::new();
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (i, n) in nodes.iter().enumerate() {
        let g = *index.entry((n.sop, n.step)).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[g].push(i);
    }
    let mut edges = Vec::new();
    for group in &groups {
        let src0 = &nodes[group[0]];
        for e in &src0.out {
            let Some(&tg) = index.get(&(src0.sop, e.to)) else {
                continue;
            };
            let targets = &groups[tg];
            // A side exit leaves from the outermost symbol of a joint step on that side, so it
            // never runs along the line joining the step's symbols; a downward arrow from the
            // nearest one.
            let by_x = |a: &&usize, b: &&usize| nodes[**a].x.cmp(&nodes[**b].x);
            let sources: Vec<usize> = match e.style {
                Style::LaneRight => group.iter().max_by(by_x).copied().into_iter().collect(),
                Style::LaneLeft => group.iter().min_by(by_x).copied().into_iter().collect(),
                Style::Down => group.clone(),
            };
            let mut best: Option<(usize, usize, f64)> = None;
            for &s in &sources {
                for &t in targets {
                    let d = (nodes[s].x - nodes[t].x).abs().to_mm();
                    if best.is_none_or(|(_, _, bd)| d < bd) {
                        best = Some((s, t, d));
                    }
                }
            }
            if let Some((src, tgt, _)) = best {
                edges.push(Edge {
                    src,
                    tgt,
                    label: e.label.clone(),
                    style: e.style,
                    num: 0,
                });
            }
        }
    }
    let mut crossing: Vec<usize> = (0..edges.len())
        .filter(|&i| nodes[edges[i].src].page != nodes[edges[i].tgt].page)
        .collect();
    crossing.sort_by_key(|&i| {
        let (s, t) = (&nodes[edges[i].src], &nodes[edges[i].tgt]);
        (s.sop, s.step, t.step)
    });
    for (k, &i) in crossing.iter().enumerate() {
        edges[i].num = k + 1;
    }
    Plan { groups, edges }
}

/// The fonts found in the laid-out document, reused for labels so they match the table.
struct Fonts {
    regular: FontInstance,
    bold: FontInstance,
}

fn find_fonts(pages: &[Page]) -> Option<Fonts> {
    fn walk(frame: &Frame, regular: &mut Option<FontInstance>, bold: &mut Option<FontInstance>) {
        for (_, item) in frame.items() {
            match item {
                FrameItem::Group(g) => walk(&g.frame, regular, bold),
                FrameItem::Text(t) => {
                    let weight = t.font.font().info().variant.weight;
                    if weight >= FontWeight::BOLD {
                        bold.get_or_insert_with(|| t.font.clone());
                    } else {
                        regular.get_or_insert_with(|| t.font.clone());
                    }
                }
                _ => {}
            }
            if regular.is_some() && bold.is_some() {
                return;
            }
        }
    }
    let (mut regular, mut bold) = (None, None);
    for p in pages {
        walk(&p.frame, &mut regular, &mut bold);
    }
    let regular = regular.or_else(|| bold.clone())?;
    let bold = bold.unwrap_or_else(|| regular.clone());
    Some(Fonts { regular, bold })
}

/// The outlines of `chars` in the regular font of `doc` at the footer size, as PDF path
/// operators in points from the glyph's origin, with each glyph's advance: the book's page
/// numbers are drawn with them onto pages whose own fonts lack the glyphs.
/// Also returns the cap height in points, to place the baseline as `finish` does.
pub fn footer_glyphs(
    doc: &PagedDocument,
    chars: &str,
) -> Option<(Vec<crate::render::book::Glyph>, f64)> {
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

/// Shaped text without kerning: enough for labels, connector numbers and page footers.
fn text_item(font: &FontInstance, size: Abs, text: &str) -> TextItem {
    let mut glyphs = Vec::with_capacity(text.len());
    for (start, c) in text.char_indices() {
        let id = font.ttf().glyph_index(c).map_or(0, |g| g.0);
        let end = start + c.len_utf8();
        glyphs.push(Glyph {
            id,
            x_advance: font.x_advance(id).unwrap_or(Em::zero()),
            x_offset: Em::zero(),
            y_advance: Em::zero(),
            y_offset: Em::zero(),
            range: u16::try_from(start).unwrap_or(u16::MAX)..u16::try_from(end).unwrap_or(u16::MAX),
            span: (Span::detached(), 0),
        });
    }
    TextItem {
        font: font.clone(),
        size,
        fill: Color::BLACK.into(),
        stroke: None,
        lang: Lang::INDONESIAN,
        region: None,
        text: text.into(),
        glyphs,
    }
}

/// Items to add to one page, in absolute page coordinates.
struct Canvas<'a> {
    fonts: &'a Fonts,
    items: Vec<(Point, FrameItem)>,
}

#[derive(Clone, Copy)]
enum Dir {
    Down,
    Left,
    Right,
}

impl Canvas<'_> {
    fn stroke() -> FixedStroke {
        FixedStroke {
            paint: Color::BLACK.into(),
            thickness: Abs::pt(STROKE_PT),
            cap: LineCap::Butt,
            join: LineJoin::Miter,
            dash: None,
            miter_limit: Ratio::new(4.0),
        }
    }

    fn shape(&mut self, curve: Curve, fill: Option<Color>, stroke: bool) {
        let shape = Shape {
            geometry: Geometry::Curve(curve),
            fill: fill.map(Into::into),
            fill_rule: FillRule::NonZero,
            stroke: stroke.then(Self::stroke),
        };
        self.items
            .push((Point::zero(), FrameItem::Shape(shape, Span::detached())));
    }

    /// Straight segments through `pts`.
    fn path(pts: &[(Abs, Abs)]) -> Curve {
        let mut curve = Curve::new();
        for (i, &(x, y)) in pts.iter().enumerate() {
            if i == 0 {
                curve.move_(Point::new(x, y));
            } else {
                curve.line(Point::new(x, y));
            }
        }
        curve
    }

    fn polyline(&mut self, pts: &[(Abs, Abs)]) {
        self.shape(Self::path(pts), None, true);
    }

    fn polygon(&mut self, pts: &[(Abs, Abs)], fill: Color, stroke: bool) {
        let mut curve = Self::path(pts);
        curve.close();
        self.shape(curve, Some(fill), stroke);
    }

    /// An arrowhead whose tip is at (x, y), pointing in `dir`.
    fn arrowhead(&mut self, x: Abs, y: Abs, dir: Dir) {
        let (l, h) = (mm(ARROW_LEN_MM), mm(ARROW_HALF_MM));
        let pts = match dir {
            Dir::Down => [(x - h, y - l), (x + h, y - l), (x, y)],
            Dir::Left => [(x + l, y - h), (x + l, y + h), (x, y)],
            Dir::Right => [(x - l, y - h), (x - l, y + h), (x, y)],
        };
        self.polygon(&pts, Color::BLACK, false);
    }

    fn text_width(font: &FontInstance, size: Abs, text: &str) -> Abs {
        text_item(font, size, text).width()
    }

    /// Text whose cap height starts at `top` (Typst's default top edge) and left edge at `x`.
    fn text(&mut self, font: &FontInstance, size: Abs, x: Abs, top: Abs, text: &str) {
        let item = text_item(font, size, text);
        let baseline = top + font.metrics().cap_height.at(size);
        self.items
            .push((Point::new(x, baseline), FrameItem::Text(item)));
    }

    fn label(&mut self, x: Abs, top: Abs, body: &str) {
        let font = self.fonts.regular.clone();
        self.text(&font, Abs::pt(LABEL_PT), x, top, body);
    }

    fn label_width(&self, body: &str) -> Abs {
        Self::text_width(&self.fonts.regular, Abs::pt(LABEL_PT), body)
    }

    /// Off-page connector (segilima): a pentagon pointing down, centred on x, top at y.
    fn offpage(&mut self, x: Abs, y: Abs, number: usize) {
        let (w, h) = (mm(5.2), mm(4.6));
        let x0 = x - w / 2.0;
        self.polygon(
            &[
                (x0, y),
                (x0 + w, y),
                (x0 + w, y + h * 0.62),
                (x0 + w / 2.0, y + h),
                (x0, y + h * 0.62),
            ],
            Color::WHITE,
            true,
        );
        let font = self.fonts.bold.clone();
        let size = Abs::pt(LABEL_PT);
        let num = number.to_string();
        let tw = Self::text_width(&font, size, &num);
        self.text(&font, size, x - tw / 2.0, y + mm(0.45), &num);
    }

    /// "Ya" under a decision: beside the vertical stub, on the side the flow does not turn to.
    fn down_label(&mut self, s: &Node, t: &Node, body: &str) {
        if t.x < s.x - mm(0.1) {
            self.label(s.x + mm(0.8), s.bottom - mm(0.4), body);
        } else {
            let w = self.label_width(body);
            self.label(s.x - mm(0.8) - w, s.bottom - mm(0.4), body);
        }
    }

    /// "Tidak" beside a decision's side exit: below the exit line when the lane climbs, above
    /// when it descends, so the word never sits on the lane.
    fn lane_label(&mut self, sx: Abs, s: &Node, t: &Node, right: bool, body: &str) {
        let w = self.label_width(body);
        let x = if right {
            sx + mm(0.3)
        } else {
            sx - mm(0.3) - w
        };
        let climbs = t.page < s.page || (t.page == s.page && t.cy < s.cy);
        let y = if climbs {
            s.cy + mm(0.4)
        } else {
            s.cy - mm(2.8)
        };
        self.label(x, y, body);
    }

    /// Everything of `plan` that touches page `pg`.
    /// A step's symbol, in the box its marker reserved: a capsule for the first and last
    /// step, a diamond for a decision, a rectangle for a process. Drawn here rather than by
    /// Typst: the shapes were a tenth of an SOP's layout and export time.
    fn symbol(&mut self, n: &Node) {
        let (l, r, t, b) = (n.x - n.w / 2.0, n.x + n.w / 2.0, n.top, n.bottom);
        match n.kind.as_str() {
            "keputusan" => self.polygon(
                &[(n.x, t), (r, n.cy), (n.x, b), (l, n.cy)],
                Color::WHITE,
                true,
            ),
            "mulai" | "selesai" => {
                let rad = ((b - t) / 2.0).min(n.w / 2.0);
                // Quarter circles as cubic curves (control points at 0.5523 of the radius).
                let k = rad * 0.552_284_75;
                let mut c = Curve::new();
                c.move_(Point::new(l + rad, t));
                c.line(Point::new(r - rad, t));
                c.cubic(
                    Point::new(r - rad + k, t),
                    Point::new(r, t + rad - k),
                    Point::new(r, t + rad),
                );
                c.line(Point::new(r, b - rad));
                c.cubic(
                    Point::new(r, b - rad + k),
                    Point::new(r - rad + k, b),
                    Point::new(r - rad, b),
                );
                c.line(Point::new(l + rad, b));
                c.cubic(
                    Point::new(l + rad - k, b),
                    Point::new(l, b - rad + k),
                    Point::new(l, b - rad),
                );
                c.line(Point::new(l, t + rad));
                c.cubic(
                    Point::new(l, t + rad - k),
                    Point::new(l + rad - k, t),
                    Point::new(l + rad, t),
                );
                c.close();
                self.shape(c, Some(Color::WHITE), true);
            }
            _ => self.polygon(&[(l, t), (r, t), (r, b), (l, b)], Color::WHITE, true),
        }
    }

    fn draw_page(&mut self, nodes: &[Node], plan: &Plan, pg: usize) {
        for n in nodes.iter().filter(|n| n.page == pg) {
            self.symbol(n);
        }
        // Joint steps: join the symbols of one row with a horizontal line.
        for group in &plan.groups {
            let mut here: Vec<&Node> = group
                .iter()
                .map(|&i| &nodes[i])
                .filter(|n| n.page == pg)
                .collect();
            here.sort_by_key(|n| n.x);
            for pair in here.windows(2) {
                let (a, b) = (pair[0], pair[1]);
                self.polyline(&[(a.x + a.w / 2.0, a.cy), (b.x - b.w / 2.0, b.cy)]);
            }
        }
        for e in &plan.edges {
            let (s, t) = (&nodes[e.src], &nodes[e.tgt]);
            if s.page != pg && t.page != pg {
                continue;
            }
            let right = e.style != Style::LaneLeft;
            let sign = if right { 1.0 } else { -1.0 };
            let spread = s.w.max(t.w) / 2.0 + (s.cw - s.w) / 4.0;
            let lx = if right {
                s.x.max(t.x) + spread
            } else {
                s.x.min(t.x) - spread
            };
            let side_dir = if right { Dir::Left } else { Dir::Right };
            let label = e.label.as_deref();
            if s.page == pg && t.page == pg {
                if e.style == Style::Down {
                    if (s.x - t.x).abs() < mm(0.1) {
                        self.polyline(&[(s.x, s.bottom), (t.x, t.top)]);
                    } else {
                        let m = s.bottom + mm(1.5).min((t.top - s.bottom) / 3.0);
                        self.polyline(&[(s.x, s.bottom), (s.x, m), (t.x, m), (t.x, t.top)]);
                    }
                    self.arrowhead(t.x, t.top, Dir::Down);
                    if let Some(l) = label {
                        self.down_label(s, t, l);
                    }
                } else {
                    let sx = s.x + s.w / 2.0 * sign;
                    let tx = t.x + t.w / 2.0 * sign;
                    self.polyline(&[(sx, s.cy), (lx, s.cy), (lx, t.cy), (tx, t.cy)]);
                    self.arrowhead(tx, t.cy, side_dir);
                    if let Some(l) = label {
                        self.lane_label(sx, s, t, right, l);
                    }
                }
            } else if s.page == pg {
                if e.style == Style::Down {
                    self.polyline(&[(s.x, s.bottom), (s.x, s.bottom + mm(2.4))]);
                    self.offpage(s.x, s.bottom + mm(2.4), e.num);
                    if let Some(l) = label {
                        self.down_label(s, s, l);
                    }
                } else {
                    let sx = s.x + s.w / 2.0 * sign;
                    self.polyline(&[(sx, s.cy), (lx, s.cy), (lx, s.bottom + mm(1.0))]);
                    self.offpage(lx, s.bottom + mm(1.0), e.num);
                    if let Some(l) = label {
                        self.lane_label(sx, s, t, right, l);
                    }
                }
            } else if e.style == Style::Down {
                self.offpage(t.x, t.top - mm(5.6), e.num);
                self.polyline(&[(t.x, t.top - mm(1.0)), (t.x, t.top)]);
                self.arrowhead(t.x, t.top, Dir::Down);
            } else {
                let tx = t.x + t.w / 2.0 * sign;
                self.offpage(lx, t.top - mm(5.6), e.num);
                self.polyline(&[(lx, t.top - mm(1.0)), (lx, t.cy), (tx, t.cy)]);
                self.arrowhead(tx, t.cy, side_dir);
            }
        }
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
pub fn finish(doc: PagedDocument, footer: Option<(&str, FooterPlace)>) -> PagedDocument {
    finish_with(doc, footer, None)
}

/// As `finish`, for the first pages of a longer document: `{total}` is `total`, not this
/// document's page count (the decree part of a book, whose SOPs follow as their own PDFs).
pub fn finish_within(
    doc: PagedDocument,
    footer: (&str, FooterPlace),
    total: usize,
) -> PagedDocument {
    finish_with(doc, Some(footer), Some(total))
}

fn finish_with(
    doc: PagedDocument,
    footer: Option<(&str, FooterPlace)>,
    total: Option<usize>,
) -> PagedDocument {
    let nodes = nodes(&doc);
    if nodes.is_empty() && footer.is_none() {
        return doc;
    }
    let Some(fonts) = find_fonts(doc.pages()) else {
        return doc;
    };
    let plan = plan(&nodes);
    let total = total.unwrap_or(doc.pages().len());
    let mut pages: EcoVec<Page> = doc.pages().iter().cloned().collect();
    for (i, page) in pages.make_mut().iter_mut().enumerate() {
        let mut canvas = Canvas {
            fonts: &fonts,
            items: Vec::new(),
        };
        canvas.draw_page(&nodes, &plan, i + 1);
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
    PagedDocument::new(pages, info)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(step: i64, page: usize, x: f64, y: f64, out: Vec<Out>) -> Node {
        Node {
            sop: 0,
            step,
            actor: 0,
            kind: String::from("proses"),
            page,
            x: mm(x),
            top: mm(y),
            cy: mm(y + 3.5),
            bottom: mm(y + 7.0),
            w: mm(16.0),
            cw: mm(24.0),
            out,
        }
    }

    fn down(to: i64) -> Out {
        Out {
            to,
            label: None,
            style: Style::Down,
        }
    }

    #[test]
    fn joint_step_routes_from_the_nearest_symbol_and_numbers_page_crossings() {
        // Step 1 in column x=50; step 2 joint in x=30 and x=80 on the next page; step 3 at 80.
        let nodes = vec![
            node(1, 1, 50.0, 10.0, vec![down(2)]),
            node(2, 2, 30.0, 10.0, vec![down(3)]),
            node(2, 2, 80.0, 10.0, vec![down(3)]),
            node(3, 2, 80.0, 30.0, vec![]),
        ];
        let p = plan(&nodes);
        assert_eq!(p.groups, vec![vec![0], vec![1, 2], vec![3]]);
        assert_eq!(p.edges.len(), 2);
        // 1 → 2 crosses a page: from node 0 to the nearer symbol of step 2 (x=30), number 1.
        assert_eq!((p.edges[0].src, p.edges[0].tgt, p.edges[0].num), (0, 1, 1));
        // 2 → 3 stays on the page, leaving from the symbol straight above step 3.
        assert_eq!((p.edges[1].src, p.edges[1].tgt, p.edges[1].num), (2, 3, 0));
    }

    #[test]
    fn side_exit_leaves_from_the_outermost_symbol_and_missing_targets_are_skipped() {
        let tidak = Out {
            to: 1,
            label: Some("Tidak".into()),
            style: Style::LaneRight,
        };
        let nodes = vec![
            node(1, 1, 60.0, 10.0, vec![down(2)]),
            node(2, 1, 40.0, 30.0, vec![tidak, down(9)]),
            node(2, 1, 70.0, 30.0, vec![]),
        ];
        let p = plan(&nodes);
        let back = p
            .edges
            .iter()
            .find(|e| e.style == Style::LaneRight)
            .unwrap();
        assert_eq!((back.src, back.tgt), (2, 0));
        assert_eq!(back.label.as_deref(), Some("Tidak"));
        assert!(p.edges.iter().all(|e| nodes[e.tgt].step != 9));
    }
}
