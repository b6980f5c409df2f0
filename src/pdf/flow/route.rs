//! The flowchart's edges as plain geometry (points in pt, page coordinates): where every line,
//! arrowhead, label and off-page connector goes. A pure function of the symbols' positions and
//! the table's rules, so the layout checker and the tests read exactly what gets drawn.
//!
//! Cost, measured (callgrind, `examples/phases` over the first 10 SOPs that `examples/gen 200`
//! writes, release, one process): the whole in-process pipeline (load, template data, Typst,
//! flow, PDF, SVG) 1.494G instructions at the baseline de1aacf, 1.704G before the label
//! search's cuts below (+14%), 1.675G after (+12%); over 40 SOPs 4.301G at the baseline, 4.846G
//! after (+12.7%). `finish` (all of src/pdf/flow after layout) went 56.7M -> 27.8M: the label
//! search keeps only the lines, shapes and rules that reach the searched cell (they were
//! gathered page-wide and tested at every spot), stops a row once past the anchor and the
//! own segments with the bound failed, and does each shape's half of the separating-axis test
//! once per label (`route_once` with it inlined: 34.9M own + 14M `polys_overlap` -> 19.8M).
//! Every PDF and SVG of the example content and of 200 generated SOPs (with and without
//! decree books) stayed byte-identical. The rest of the excess is not here: Typst's module
//! evaluation of the SOP template (+46M), the column plan (`columns::view`, +23M), page layout
//! and export (+45M) and loading the project (+~20M).

use std::collections::BTreeMap;

/// One millimetre in points.
pub(crate) const MM: f64 = 72.0 / 25.4;
/// Ya/Tidak labels and connector numbers: never smaller than 7 pt (the floor).
pub(crate) const LABEL_PT: f64 = 7.0;
pub(crate) const ARROW_LEN: f64 = 1.4 * MM;
pub(crate) const ARROW_HALF: f64 = 0.65 * MM;
/// Off-page connector (segilima) size.
pub(crate) const CONN_W: f64 = 4.4 * MM;
pub(crate) const CONN_H: f64 = 3.4 * MM;
/// The run of line an arrowhead ends: its own length and a visible shaft.
pub(crate) const SHAFT: f64 = ARROW_LEN + 0.6 * MM;
/// How far a line keeps from a rule it runs along: the old router's 4 pt read as a double rule.
pub(crate) const RULE_GAP: f64 = 1.6 * MM;
/// How far labels and connectors keep from the table's rules.
pub(crate) const CLEAR: f64 = 0.8 * MM;

/// How an edge leaves its symbol: straight down to the next row, or sideways along a lane.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Style {
    Down,
    LaneLeft,
    LaneRight,
}

/// Target of an edge that is the decision's own end terminator (`ya`/`tidak: selesai`).
pub(crate) const TO_END: i64 = -1;

/// One outgoing edge as the template declares it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Out {
    pub(crate) to: i64,
    pub(crate) label: Option<String>,
    pub(crate) style: Style,
}

/// One laid-out symbol: which step, where it is (pt, page coordinates) and where it leads.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Node {
    pub(crate) sop: i64,
    pub(crate) step: i64,
    pub(crate) actor: i64,
    /// `mulai`, `proses`, `keputusan`, `selesai`, or `gabung` (an actor joined to another
    /// actor's decision: drawn as a process box, no edges of its own).
    pub(crate) kind: String,
    /// The own end terminator of a decision with a `selesai` branch.
    pub(crate) end: bool,
    /// 1-based page.
    pub(crate) page: usize,
    /// Centre line of the symbol.
    pub(crate) x: f64,
    pub(crate) top: f64,
    pub(crate) cy: f64,
    pub(crate) bottom: f64,
    pub(crate) w: f64,
    /// Width of the actor column the symbol sits in.
    pub(crate) cw: f64,
    pub(crate) out: Vec<Out>,
}

impl Node {
    pub(crate) fn rect(&self) -> Rect {
        Rect::new(
            self.x - self.w / 2.0,
            self.top,
            self.x + self.w / 2.0,
            self.bottom,
        )
    }

    /// How far the symbol's outline reaches sideways from its centre line at `dy` from its
    /// middle: where a line entering from the side at that height ends.
    pub(crate) fn side_at(&self, dy: f64) -> f64 {
        let (hw, hh) = (self.w / 2.0, (self.bottom - self.top) / 2.0);
        match self.kind.as_str() {
            "keputusan" => hw * (1.0 - (dy.abs() / hh).min(1.0)),
            "mulai" | "selesai" => {
                let r = hh.min(hw);
                hw - r + (r * r - dy * dy).max(0.0).sqrt()
            }
            _ => hw,
        }
    }

    /// The outline of the symbol as a convex polygon (a capsule as its box).
    pub(crate) fn outline(&self) -> Vec<P> {
        let (l, r) = (self.x - self.w / 2.0, self.x + self.w / 2.0);
        if self.kind == "keputusan" {
            vec![
                (self.x, self.top),
                (r, self.cy),
                (self.x, self.bottom),
                (l, self.cy),
            ]
        } else {
            vec![
                (l, self.top),
                (r, self.top),
                (r, self.bottom),
                (l, self.bottom),
            ]
        }
    }
}

pub(crate) type P = (f64, f64);

/// An axis-aligned box.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Rect {
    pub(crate) x0: f64,
    pub(crate) y0: f64,
    pub(crate) x1: f64,
    pub(crate) y1: f64,
}

impl Rect {
    pub(crate) fn new(x0: f64, y0: f64, x1: f64, y1: f64) -> Self {
        Rect { x0, y0, x1, y1 }
    }

    pub(crate) fn grow(&self, d: f64) -> Rect {
        Rect::new(self.x0 - d, self.y0 - d, self.x1 + d, self.y1 + d)
    }

    /// Overlap with a positive area.
    pub(crate) fn overlaps(&self, o: &Rect) -> bool {
        self.x0 < o.x1 && o.x0 < self.x1 && self.y0 < o.y1 && o.y0 < self.y1
    }

    pub(crate) fn within(&self, o: &Rect) -> bool {
        self.x0 >= o.x0 && self.x1 <= o.x1 && self.y0 >= o.y0 && self.y1 <= o.y1
    }

    /// Whether the segment a–b passes through the inside of the box.
    pub(crate) fn cut_by(&self, a: P, b: P) -> bool {
        // The router's segments are horizontal or vertical: for those the separating-axis test
        // against a box is exactly this box test (the same margin), and the router asks it
        // for every candidate spot of every label (it was most of the flow phase).
        if a.0 == b.0 || a.1 == b.1 {
            const EPS: f64 = 0.05;
            let (sx0, sx1) = (a.0.min(b.0), a.0.max(b.0));
            let (sy0, sy1) = (a.1.min(b.1), a.1.max(b.1));
            return !(sx1 <= self.x0 + EPS
                || self.x1 <= sx0 + EPS
                || sy1 <= self.y0 + EPS
                || self.y1 <= sy0 + EPS);
        }
        seg_hits_polygon(
            a,
            b,
            &[
                (self.x0, self.y0),
                (self.x1, self.y0),
                (self.x1, self.y1),
                (self.x0, self.y1),
            ],
        )
    }
}

/// Whether segment a–b enters the inside of a convex polygon (touching its outline does not
/// count): separating-axis test over the polygon's edges and the segment's normal.
pub(crate) fn seg_hits_polygon(a: P, b: P, poly: &[P]) -> bool {
    const EPS: f64 = 0.05;
    // Bounding boxes apart (by any gap): some tested axis separates them too, so the full test
    // would say no as well; most pairs end here.
    let (px0, px1, py0, py1) = poly.iter().fold(
        (f64::MAX, f64::MIN, f64::MAX, f64::MIN),
        |(x0, x1, y0, y1), p| (x0.min(p.0), x1.max(p.0), y0.min(p.1), y1.max(p.1)),
    );
    if a.0.max(b.0) < px0 || px1 < a.0.min(b.0) || a.1.max(b.1) < py0 || py1 < a.1.min(b.1) {
        return false;
    }
    let mut axes: Vec<P> = Vec::with_capacity(poly.len() + 1);
    for i in 0..poly.len() {
        let (p, q) = (poly[i], poly[(i + 1) % poly.len()]);
        axes.push((-(q.1 - p.1), q.0 - p.0));
    }
    axes.push((-(b.1 - a.1), b.0 - a.0));
    for (ax, ay) in axes {
        let len = (ax * ax + ay * ay).sqrt();
        if len < 1e-9 {
            continue;
        }
        let proj = |p: P| (p.0 * ax + p.1 * ay) / len;
        let (s0, s1) = (proj(a).min(proj(b)), proj(a).max(proj(b)));
        let (mut p0, mut p1) = (f64::MAX, f64::MIN);
        for &p in poly {
            p0 = p0.min(proj(p));
            p1 = p1.max(proj(p));
        }
        if s1 <= p0 + EPS || p1 <= s0 + EPS {
            return false;
        }
    }
    true
}

/// Whether two convex polygons overlap with positive area.
pub(crate) fn polys_overlap(a: &[P], b: &[P]) -> bool {
    const EPS: f64 = 0.05;
    // Bounding boxes clearly apart: some edge's axis separates the polygons too, so the full
    // test would say no as well; most pairs the label search and the checker try end here.
    let bbox = |p: &[P]| {
        p.iter().fold(
            (f64::MAX, f64::MIN, f64::MAX, f64::MIN),
            |(x0, x1, y0, y1), q| (x0.min(q.0), x1.max(q.0), y0.min(q.1), y1.max(q.1)),
        )
    };
    let ((ax0, ax1, ay0, ay1), (bx0, bx1, by0, by1)) = (bbox(a), bbox(b));
    if bx0 - ax1 > 1e-6 || ax0 - bx1 > 1e-6 || by0 - ay1 > 1e-6 || ay0 - by1 > 1e-6 {
        return false;
    }
    for poly in [a, b] {
        for i in 0..poly.len() {
            let (p, q) = (poly[i], poly[(i + 1) % poly.len()]);
            let (ax, ay) = (-(q.1 - p.1), q.0 - p.0);
            let proj = |p: &P| p.0 * ax + p.1 * ay;
            let len = (ax * ax + ay * ay).sqrt().max(1e-9);
            let (mut a0, mut a1) = (f64::MAX, f64::MIN);
            for p in a {
                a0 = a0.min(proj(p));
                a1 = a1.max(proj(p));
            }
            let (mut b0, mut b1) = (f64::MAX, f64::MIN);
            for p in b {
                b0 = b0.min(proj(p));
                b1 = b1.max(proj(p));
            }
            if a1 <= b0 + EPS * len || b1 <= a0 + EPS * len {
                return false;
            }
        }
    }
    true
}

/// A convex polygon with what `polys_overlap` works out of it alone (its box, and each edge's
/// axis, length and the polygon's own projection on it), for one polygon tested against many.
struct Shape {
    pts: Vec<P>,
    bbox: (f64, f64, f64, f64),
    axes: Vec<(f64, f64, f64, f64, f64)>,
}

impl Shape {
    fn new(pts: Vec<P>) -> Self {
        let bbox = pts.iter().fold(
            (f64::MAX, f64::MIN, f64::MAX, f64::MIN),
            |(x0, x1, y0, y1), q| (x0.min(q.0), x1.max(q.0), y0.min(q.1), y1.max(q.1)),
        );
        let axes = (0..pts.len())
            .map(|i| {
                let (p, q) = (pts[i], pts[(i + 1) % pts.len()]);
                let (ax, ay) = (-(q.1 - p.1), q.0 - p.0);
                let len = (ax * ax + ay * ay).sqrt().max(1e-9);
                let (mut b0, mut b1) = (f64::MAX, f64::MIN);
                for p in &pts {
                    let v = p.0 * ax + p.1 * ay;
                    b0 = b0.min(v);
                    b1 = b1.max(v);
                }
                (ax, ay, len, b0, b1)
            })
            .collect();
        Shape { pts, bbox, axes }
    }

    /// Exactly `polys_overlap(a, &self.pts)` (the same arithmetic, the shape's half of it
    /// done once): the label search asks it for every candidate spot near the shape.
    fn overlaps(&self, a: &[P]) -> bool {
        const EPS: f64 = 0.05;
        let (ax0, ax1, ay0, ay1) = a.iter().fold(
            (f64::MAX, f64::MIN, f64::MAX, f64::MIN),
            |(x0, x1, y0, y1), q| (x0.min(q.0), x1.max(q.0), y0.min(q.1), y1.max(q.1)),
        );
        let (bx0, bx1, by0, by1) = self.bbox;
        if bx0 - ax1 > 1e-6 || ax0 - bx1 > 1e-6 || by0 - ay1 > 1e-6 || ay0 - by1 > 1e-6 {
            return false;
        }
        let range = |poly: &[P], ax: f64, ay: f64| {
            let (mut lo, mut hi) = (f64::MAX, f64::MIN);
            for p in poly {
                let v = p.0 * ax + p.1 * ay;
                lo = lo.min(v);
                hi = hi.max(v);
            }
            (lo, hi)
        };
        for i in 0..a.len() {
            let (p, q) = (a[i], a[(i + 1) % a.len()]);
            let (ax, ay) = (-(q.1 - p.1), q.0 - p.0);
            let len = (ax * ax + ay * ay).sqrt().max(1e-9);
            let (a0, a1) = range(a, ax, ay);
            let (b0, b1) = range(&self.pts, ax, ay);
            if a1 <= b0 + EPS * len || b1 <= a0 + EPS * len {
                return false;
            }
        }
        for &(ax, ay, len, b0, b1) in &self.axes {
            let (a0, a1) = range(a, ax, ay);
            if a1 <= b0 + EPS * len || b1 <= a0 + EPS * len {
                return false;
            }
        }
        true
    }
}

pub(crate) fn rect_poly(r: &Rect) -> [P; 4] {
    [(r.x0, r.y0), (r.x1, r.y0), (r.x1, r.y1), (r.x0, r.y1)]
}

/// The table of one page as laid out: its rules and the boxes of its text.
#[derive(Clone, Debug, Default)]
pub(crate) struct Grid {
    /// Horizontal rules: (y, x0, x1).
    pub(crate) h: Vec<(f64, f64, f64)>,
    /// Vertical rules: (x, y0, y1).
    pub(crate) v: Vec<(f64, f64, f64)>,
    pub(crate) texts: Vec<Rect>,
}

impl Grid {
    /// The cell around a symbol: its actor column and the row rules above and below it.
    pub(crate) fn cell(&self, n: &Node) -> Rect {
        let spans = |&&(_, x0, x1): &&(f64, f64, f64)| x0 <= n.x && n.x <= x1;
        let top = self
            .h
            .iter()
            .filter(spans)
            .map(|r| r.0)
            .filter(|&y| y <= n.top + 0.01)
            .fold(f64::NAN, f64::max);
        let bottom = self
            .h
            .iter()
            .filter(spans)
            .map(|r| r.0)
            .filter(|&y| y >= n.bottom - 0.01)
            .fold(f64::NAN, f64::min);
        Rect::new(
            n.x - n.cw / 2.0,
            if top.is_nan() { n.top - 7.0 * MM } else { top },
            n.x + n.cw / 2.0,
            if bottom.is_nan() {
                n.bottom + 3.0 * MM
            } else {
                bottom
            },
        )
    }

    /// The lowest rule under x: the bottom of the table on this page.
    fn table_bottom(&self, x: f64, fallback: f64) -> f64 {
        let b = self
            .h
            .iter()
            .filter(|r| r.1 <= x && x <= r.2)
            .map(|r| r.0)
            .fold(f64::NAN, f64::max);
        if b.is_nan() { fallback } else { b }
    }
}

/// Which way an arrowhead points.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Dir {
    Down,
    Left,
    Right,
}

/// One drawn line: an edge (or the part of it on one page) or the join of a joint step.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Wire {
    pub(crate) sop: i64,
    pub(crate) page: usize,
    pub(crate) from: i64,
    /// Target step, `TO_END` for a decision's own end terminator; `from` for a join.
    pub(crate) to: i64,
    pub(crate) join: bool,
    pub(crate) pts: Vec<P>,
    /// Nodes the line may touch: its ends.
    pub(crate) ends: Vec<usize>,
    /// The connector it starts or ends at, if any (index into `Drawing::conns`).
    pub(crate) conn: Option<usize>,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Arrow {
    pub(crate) page: usize,
    pub(crate) tip: P,
    pub(crate) dir: Dir,
}

impl Arrow {
    pub(crate) fn poly(&self) -> [P; 3] {
        let (x, y) = self.tip;
        let (l, h) = (ARROW_LEN, ARROW_HALF);
        match self.dir {
            Dir::Down => [(x - h, y - l), (x + h, y - l), (x, y)],
            Dir::Left => [(x + l, y - h), (x + l, y + h), (x, y)],
            Dir::Right => [(x - l, y - h), (x - l, y + h), (x, y)],
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct LabelBox {
    pub(crate) sop: i64,
    pub(crate) page: usize,
    pub(crate) from: i64,
    pub(crate) to: i64,
    pub(crate) text: String,
    /// The box the text occupies; the text's cap height starts at `top`.
    pub(crate) rect: Rect,
    pub(crate) top: f64,
    /// The cell it must stay in.
    pub(crate) cell: Rect,
}

/// An off-page connector: a pentagon pointing down, `rect` its box.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Conn {
    pub(crate) sop: i64,
    pub(crate) page: usize,
    pub(crate) from: i64,
    pub(crate) to: i64,
    pub(crate) num: usize,
    pub(crate) rect: Rect,
}

impl Conn {
    pub(crate) fn poly(&self) -> [P; 5] {
        let r = self.rect;
        let h = r.y1 - r.y0;
        [
            (r.x0, r.y0),
            (r.x1, r.y0),
            (r.x1, r.y0 + h * 0.62),
            ((r.x0 + r.x1) / 2.0, r.y1),
            (r.x0, r.y0 + h * 0.62),
        ]
    }
}

/// Everything drawn for the flowcharts of one document.
#[derive(Clone, Debug, Default)]
pub(crate) struct Drawing {
    pub(crate) wires: Vec<Wire>,
    pub(crate) arrows: Vec<Arrow>,
    pub(crate) labels: Vec<LabelBox>,
    pub(crate) conns: Vec<Conn>,
}

/// A routed edge between two nodes (indices into the node list).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Edge {
    pub(crate) src: usize,
    pub(crate) tgt: usize,
    pub(crate) label: Option<String>,
    pub(crate) style: Style,
    /// Number of the off-page connector pair (0 when both ends share a page).
    pub(crate) num: usize,
}

/// The edges of one document: the symbols of each step and every edge once.
#[derive(Debug, Default)]
pub(crate) struct Plan {
    /// Node indices per (sop, step), in document order of the steps (end terminators apart).
    pub(crate) groups: Vec<Vec<usize>>,
    pub(crate) edges: Vec<Edge>,
}

/// Picks every edge's two symbols: from a step's symbol to its target's. Among the symbols of
/// a joint step, a side exit leaves from (and enters at) the outermost one on that side, so it
/// never runs along the line joining them; a downward arrow joins the nearest pair. Only a
/// decision's diamond has exits (its joined actors have none). Page-crossing edges get
/// connector numbers in document order, the same on both pages.
pub(crate) fn plan(nodes: &[Node]) -> Plan {
    let mut index: BTreeMap<(i64, i64), usize> = BTreeMap::new();
    let mut ends: BTreeMap<(i64, i64), usize> = BTreeMap::new();
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (i, n) in nodes.iter().enumerate() {
        if n.end {
            ends.insert((n.sop, n.step), i);
            continue;
        }
        let g = *index.entry((n.sop, n.step)).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[g].push(i);
    }
    let mut edges = Vec::new();
    for group in &groups {
        // The symbol that declares the exits: a decision's diamond, else the first.
        let Some(&decl) = group
            .iter()
            .find(|&&i| !nodes[i].out.is_empty())
            .or(group.first())
        else {
            continue;
        };
        let src0 = &nodes[decl];
        let exits: Vec<usize> = group
            .iter()
            .copied()
            .filter(|&i| nodes[i].kind != "gabung")
            .collect();
        for e in &src0.out {
            let by_x = |a: &&usize, b: &&usize| nodes[**a].x.total_cmp(&nodes[**b].x);
            let outer = |set: &[usize]| -> Vec<usize> {
                match e.style {
                    Style::LaneRight => set.iter().max_by(by_x).copied().into_iter().collect(),
                    Style::LaneLeft => set.iter().min_by(by_x).copied().into_iter().collect(),
                    Style::Down => set.to_vec(),
                }
            };
            let targets: Vec<usize> = if e.to == TO_END {
                match ends.get(&(src0.sop, src0.step)) {
                    Some(&t) => vec![t],
                    None => continue,
                }
            } else {
                match index.get(&(src0.sop, e.to)) {
                    Some(&tg) => outer(&groups[tg]),
                    None => continue,
                }
            };
            let sources: Vec<usize> = if e.to == TO_END {
                vec![decl]
            } else {
                outer(&exits)
            };
            let mut best: Option<(usize, usize, f64)> = None;
            for &s in &sources {
                for &t in &targets {
                    let d = (nodes[s].x - nodes[t].x).abs();
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

/// A lane's vertical run before tracks are assigned: which column side, which span.
struct LaneRun {
    edge: usize,
    page: usize,
    /// Centre of the column the lane runs in, and its side (+1 right, -1 left).
    col: f64,
    side: f64,
    /// Room between the symbols and the column rule on that side.
    room: f64,
    inner: f64,
    y0: f64,
    y1: f64,
}

/// Routes every edge of `plan` into lines, arrowheads, connectors and labels. `grids[p]` is
/// page p+1's table; `width` measures a label at `LABEL_PT`. (The build uses `route_fitting`.)
#[cfg(test)]
pub(crate) fn route(
    nodes: &[Node],
    plan: &Plan,
    grids: &[Grid],
    width: &dyn Fn(&str) -> f64,
) -> Drawing {
    route_once(nodes, plan, grids, width).0
}

/// As `route`, first making room where a symbol's top inset cannot take the off-page
/// connectors coming in: such a symbol (with the rest of its step on that page) moves down
/// its cell by `TIER`, into the row's free height, for a second row of connectors; then the
/// edges are routed again. Only documents with such a symbol pay for the second routing.
pub(crate) fn route_fitting(
    nodes: &mut [Node],
    plan: &Plan,
    grids: &[Grid],
    width: &dyn Fn(&str) -> f64,
) -> Drawing {
    let empty = Grid::default();
    let (d, crowded) = route_once(nodes, plan, grids, width);
    let mut moved = false;
    for tg in crowded {
        let grid = grids.get(nodes[tg].page.wrapping_sub(1)).unwrap_or(&empty);
        moved |= make_room(nodes, grid, tg);
    }
    if moved {
        route_once(nodes, plan, grids, width).0
    } else {
        d
    }
}

/// Moves the symbol `tg` (with the rest of its step on that page) down its cell by `TIER`,
/// if the cell keeps what it needs under the lowest of them: a decision's label room and the
/// cell's bottom inset (as symbol.typ and flow.typ lay it out). Only a symbol still where the
/// template put it moves.
fn make_room(nodes: &mut [Node], grid: &Grid, tg: usize) -> bool {
    let t = &nodes[tg];
    let cell = grid.cell(t);
    if t.top > cell.y0 + 7.0 * MM + 0.01 {
        return false;
    }
    let step: Vec<usize> = (0..nodes.len())
        .filter(|&i| {
            let n = &nodes[i];
            n.sop == t.sop && n.step == t.step && n.page == t.page
        })
        .collect();
    let low = step
        .iter()
        .map(|&i| nodes[i].bottom)
        .fold(f64::MIN, f64::max);
    let keep = if step.iter().any(|&i| nodes[i].kind == "keputusan") {
        3.5 * MM + 3.0 * MM
    } else {
        3.0 * MM
    };
    if cell.y1 - low - TIER < keep {
        return false;
    }
    for i in step {
        let n = &mut nodes[i];
        n.top += TIER;
        n.cy += TIER;
        n.bottom += TIER;
    }
    true
}

/// Routes once; also returns the symbols whose top inset could not take their connectors.
fn route_once(
    nodes: &[Node],
    plan: &Plan,
    grids: &[Grid],
    width: &dyn Fn(&str) -> f64,
) -> (Drawing, Vec<usize>) {
    let empty = Grid::default();
    let grid = |page: usize| grids.get(page.wrapping_sub(1)).unwrap_or(&empty);
    let mut d = Drawing::default();
    // Joint steps: a horizontal line between neighbouring symbols of one row.
    for group in &plan.groups {
        let mut by_page: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for &i in group {
            by_page.entry(nodes[i].page).or_default().push(i);
        }
        for (page, mut here) in by_page {
            here.sort_by(|&a, &b| nodes[a].x.total_cmp(&nodes[b].x));
            for pair in here.windows(2) {
                let (a, b) = (&nodes[pair[0]], &nodes[pair[1]]);
                d.wires.push(Wire {
                    sop: a.sop,
                    page,
                    from: a.step,
                    to: a.step,
                    join: true,
                    pts: vec![(a.x + a.w / 2.0, a.cy), (b.x - b.w / 2.0, b.cy)],
                    ends: vec![pair[0], pair[1]],
                    conn: None,
                });
            }
        }
    }
    let top_entry = top_entries(nodes, plan);
    // Lane runs first, so lanes sharing a column side get tracks of their own.
    let mut runs: Vec<LaneRun> = Vec::new();
    for (k, e) in plan.edges.iter().enumerate() {
        if e.style == Style::Down {
            continue;
        }
        let (s, t) = (&nodes[e.src], &nodes[e.tgt]);
        let side = if e.style == Style::LaneRight {
            1.0
        } else {
            -1.0
        };
        let run = |page: usize, n: &Node, y0: f64, y1: f64| LaneRun {
            edge: k,
            page,
            col: n.x,
            side,
            room: (n.cw - n.w) / 2.0,
            inner: n.w / 2.0,
            y0: y0.min(y1),
            y1: y0.max(y1),
        };
        if s.page == t.page {
            let col = if side > 0.0 {
                if s.x >= t.x { s } else { t }
            } else if s.x <= t.x {
                s
            } else {
                t
            };
            let mut r = run(s.page, col, s.cy, t.cy);
            r.inner = s.w.max(t.w) / 2.0;
            runs.push(r);
        } else {
            let bottom = grid(s.page).table_bottom(s.x, s.bottom + 3.0 * MM);
            runs.push(run(s.page, s, s.cy, bottom + CLEAR));
            if !top_entry[k] {
                let top = grid(t.page).cell(t).y0;
                runs.push(run(t.page, t, top, t.cy));
            }
        }
    }
    // Greedy interval colouring per (page, column, side); then spread the tracks in the room.
    let mut tracks: Vec<(usize, usize)> = vec![(0, 1); runs.len()];
    let mut keys: BTreeMap<(usize, i64, i64), Vec<usize>> = BTreeMap::new();
    for (i, r) in runs.iter().enumerate() {
        keys.entry((r.page, (r.col * 10.0).round() as i64, r.side as i64))
            .or_default()
            .push(i);
    }
    for list in keys.values() {
        let mut sorted = list.clone();
        sorted.sort_by(|&a, &b| runs[a].y0.total_cmp(&runs[b].y0).then(a.cmp(&b)));
        let mut ends_at: Vec<f64> = Vec::new();
        for &i in &sorted {
            let slot = ends_at
                .iter()
                .position(|&y| y < runs[i].y0 - 3.0 * MM)
                .unwrap_or(ends_at.len());
            if slot == ends_at.len() {
                ends_at.push(runs[i].y1);
            } else {
                ends_at[slot] = runs[i].y1;
            }
            tracks[i].0 = slot;
        }
        for &i in list {
            tracks[i].1 = ends_at.len();
        }
    }
    // Tracks lie between the shortest shaft an arrowhead entering sideways needs and the
    // clearance from the column rule; one track sits outermost, for the longest shaft.
    let lane_x = |i: usize| {
        let r = &runs[i];
        let (k, n) = tracks[i];
        // Three or more tracks in one side's room take all of it: from the shortest shaft
        // the checker accepts to just outside the rule's clearance it checks.
        let (lo, hi) = if n >= 3 {
            (ARROW_LEN + 0.45 * MM, r.room - 0.95 * RULE_GAP)
        } else {
            (SHAFT, r.room - RULE_GAP)
        };
        let off = if n <= 1 || hi <= lo {
            hi.max(lo.min(r.room * 0.75))
        } else {
            hi - (hi - lo) * k as f64 / (n as f64 - 1.0)
        };
        r.col + r.side * (r.inner + off)
    };
    // Lane tracks per page: a shifted connector's stub must not run along one.
    let mut tracks_on: BTreeMap<usize, Vec<(f64, f64, f64)>> = BTreeMap::new();
    for (i, r) in runs.iter().enumerate() {
        tracks_on
            .entry(r.page)
            .or_default()
            .push((lane_x(i), r.y0, r.y1));
    }
    let no_tracks = Vec::new();
    let avoid = |page: usize| tracks_on.get(&page).unwrap_or(&no_tracks);
    let mut run_of: BTreeMap<(usize, usize), usize> = BTreeMap::new();
    for (i, r) in runs.iter().enumerate() {
        run_of.insert((r.edge, r.page), i);
    }
    // Where each lane enters its target: a symbol's side takes several lines at different
    // heights (the symbol's own exit on that side keeps the middle), so no two edges share
    // the last segment into it.
    let mut entry: Vec<f64> = vec![0.0; plan.edges.len()];
    let mut sides: BTreeMap<(usize, i8), (bool, Vec<usize>)> = BTreeMap::new();
    for (k, e) in plan.edges.iter().enumerate() {
        if e.style == Style::Down {
            continue;
        }
        let side = if e.style == Style::LaneRight { 1 } else { -1 };
        sides.entry((e.src, side)).or_default().0 = true;
        if !top_entry[k] {
            sides.entry((e.tgt, side)).or_default().1.push(k);
        }
    }
    for ((node, _), (has_exit, mut incoming)) in sides {
        let n = &nodes[node];
        let h = n.bottom - n.top;
        // Lines from higher up enter higher.
        incoming.sort_by(|&a, &b| {
            let (p, q) = (&nodes[plan.edges[a].src], &nodes[plan.edges[b].src]);
            (p.page, p.cy)
                .partial_cmp(&(q.page, q.cy))
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        let mut slots: Vec<f64> = [0.0, -0.25, 0.25, -0.38, 0.38]
            .iter()
            .map(|f| f * h)
            .skip(usize::from(has_exit))
            .take(incoming.len())
            .collect();
        slots.sort_by(f64::total_cmp);
        for (i, k) in incoming.into_iter().enumerate() {
            entry[k] = slots.get(i).copied().unwrap_or(0.0);
        }
    }
    // A side exit leaves from the side vertex, unless an actor joined to the decision sits on
    // that side: then from the bottom vertex, under the joined symbols.
    let exit = |s: &Node, side: f64, lx: f64| -> Vec<P> {
        let blocked = nodes.iter().any(|n| {
            n.sop == s.sop
                && n.step == s.step
                && !n.end
                && n.page == s.page
                && (n.x - s.x) * side > 0.1
        });
        if blocked {
            let cell = grid(s.page).cell(s);
            let yb = s.bottom + (1.5 * MM).min((cell.y1 - s.bottom) / 2.0);
            vec![(s.x, s.bottom), (s.x, yb), (lx, yb)]
        } else {
            vec![(s.x + side * s.w / 2.0, s.cy), (lx, s.cy)]
        }
    };
    // Source-side connectors: in the room under the symbol when its cell has it (a downward
    // edge), else under the table; counted per page first, so they share one row there.
    let in_cell = |s: &Node, style: Style| {
        let cell = grid(s.page).cell(s);
        style == Style::Down && cell.y1 - (s.bottom + 1.2 * MM) >= CONN_H + CLEAR
    };
    let mut below_total: BTreeMap<usize, usize> = BTreeMap::new();
    // The x each under-table edge comes down the table at (its lane, or the symbol's centre
    // for a downward edge): a connector routed before it must not be shifted onto that line,
    // which runs down past the table's bottom to its own connector or jog.
    let mut below_lines: BTreeMap<usize, Vec<(usize, f64)>> = BTreeMap::new();
    for (k, e) in plan.edges.iter().enumerate() {
        let (s, t) = (&nodes[e.src], &nodes[e.tgt]);
        if s.page != t.page && !in_cell(s, e.style) {
            *below_total.entry(s.page).or_insert(0) += 1;
            let x0 = if e.style == Style::Down {
                s.x
            } else {
                lane_x(run_of[&(k, s.page)])
            };
            below_lines.entry(s.page).or_default().push((k, x0));
        }
    }
    let (into_conns, crowded) =
        plan_into_conns(nodes, plan, grid, (&runs, &lane_x, &run_of), &top_entry);
    let mut below_seen: BTreeMap<usize, usize> = BTreeMap::new();
    let mut label_jobs: Vec<(usize, usize)> = Vec::new();
    for (k, e) in plan.edges.iter().enumerate() {
        let (s, t) = (&nodes[e.src], &nodes[e.tgt]);
        let to = if t.end { TO_END } else { t.step };
        // The edge's first wire leaves the source (its label goes beside it).
        let first_wire = d.wires.len();
        let wire = |page: usize, pts: Vec<P>, ends: Vec<usize>, conn: Option<usize>| Wire {
            sop: s.sop,
            page,
            from: s.step,
            to,
            join: false,
            pts,
            ends,
            conn,
        };
        let conn_at = |d: &mut Drawing, page: usize, cx: f64, top: f64| {
            d.conns.push(Conn {
                sop: s.sop,
                page,
                from: s.step,
                to,
                num: e.num,
                rect: Rect::new(cx - CONN_W / 2.0, top, cx + CONN_W / 2.0, top + CONN_H),
            });
            d.conns.len() - 1
        };
        let side = if e.style == Style::LaneLeft {
            -1.0
        } else {
            1.0
        };
        let ty = t.cy + entry[k];
        let tx = t.x + side * t.side_at(entry[k]);
        let into = if side > 0.0 { Dir::Left } else { Dir::Right };
        if s.page == t.page {
            if e.style == Style::Down {
                let pts = if (s.x - t.x).abs() < 0.05 {
                    vec![(s.x, s.bottom), (t.x, t.top)]
                } else {
                    // The jog runs low in the target row's top inset: well clear of the row
                    // rule above (not a double rule) and under any connector there, with a
                    // shaft left for the arrowhead.
                    let cell = grid(t.page).cell(t);
                    let jy = (t.top - SHAFT).max((cell.y0 + t.top) / 2.0);
                    vec![(s.x, s.bottom), (s.x, jy), (t.x, jy), (t.x, t.top)]
                };
                d.wires.push(wire(s.page, pts, vec![e.src, e.tgt], None));
                d.arrows.push(Arrow {
                    page: t.page,
                    tip: (t.x, t.top),
                    dir: Dir::Down,
                });
            } else {
                let lx = lane_x(run_of[&(k, s.page)]);
                let mut pts = exit(s, side, lx);
                pts.push((lx, ty));
                pts.push((tx, ty));
                d.wires.push(wire(s.page, pts, vec![e.src, e.tgt], None));
                d.arrows.push(Arrow {
                    page: t.page,
                    tip: (tx, ty),
                    dir: into,
                });
            }
        } else {
            // Source page: down to a connector in the room under the symbol if the cell has
            // it, else just under the table.
            let g = grid(s.page);
            let cell = g.cell(s);
            let (x0, pts_head) = if e.style == Style::Down {
                (s.x, vec![(s.x, s.bottom)])
            } else {
                let lx = lane_x(run_of[&(k, s.page)]);
                (lx, exit(s, side, lx))
            };
            let under = s.bottom + 1.2 * MM;
            let mut pts = pts_head;
            let (cx, ctop) = if in_cell(s, e.style) {
                let cx = free_x(&d, s.page, x0, under, (x0, x0), (avoid(s.page), x0));
                pts.push((x0, under));
                (cx, under)
            } else {
                // Under the table, every connector of the page in one row; a connector
                // shifted sideways (another is at its x) is joined by a jog of its own height.
                let edge = k;
                let k = below_seen.entry(s.page).or_insert(0);
                let n = below_total.get(&s.page).copied().unwrap_or(1);
                let tb = g.table_bottom(x0, cell.y1);
                let ctop = tb + RULE_GAP + 0.7 * MM * n as f64 + 0.5 * MM;
                let mut lines = avoid(s.page).clone();
                lines.extend(
                    below_lines
                        .get(&s.page)
                        .into_iter()
                        .flatten()
                        .filter(|&&(o, _)| o > edge)
                        .map(|&(_, x)| (x, tb, ctop + CONN_H)),
                );
                let cx = free_x(
                    &d,
                    s.page,
                    x0,
                    ctop,
                    (x0 - 30.0 * MM, x0 + 30.0 * MM),
                    (&lines, x0),
                );
                if (cx - x0).abs() > 0.05 {
                    let jy = tb + RULE_GAP + 0.7 * MM * *k as f64;
                    pts.push((x0, jy));
                    pts.push((cx, jy));
                }
                *k += 1;
                pts.push((cx, ctop));
                (cx, ctop)
            };
            let c = conn_at(&mut d, s.page, cx, ctop);
            d.wires.push(wire(s.page, pts, vec![e.src], Some(c)));
            // Target page: a connector in the target row's top inset, then a shaft.
            let cell = grid(t.page).cell(t);
            let planned = into_conns.get(&k).copied();
            let top = planned.map_or(cell.y0 + CLEAR, |p| p.top);
            let cb = top + CONN_H;
            let lo = cell.x0 + CONN_W / 2.0 + CLEAR;
            let hi = cell.x1 - CONN_W / 2.0 - CLEAR;
            if e.style == Style::Down || top_entry[k] {
                let cx = planned.map_or_else(
                    || free_x(&d, t.page, t.x, top, (lo, hi), (avoid(t.page), t.x)),
                    |p| p.x,
                );
                let c = conn_at(&mut d, t.page, cx, top);
                let pts = if (cx - t.x).abs() > 0.05 {
                    let jy = t.top - SHAFT;
                    vec![(cx, cb), (cx, jy), (t.x, jy), (t.x, t.top)]
                } else {
                    vec![(t.x, cb), (t.x, t.top)]
                };
                d.wires.push(wire(t.page, pts, vec![e.tgt], Some(c)));
                d.arrows.push(Arrow {
                    page: t.page,
                    tip: (t.x, t.top),
                    dir: Dir::Down,
                });
            } else {
                let lx = lane_x(run_of[&(k, t.page)]);
                // Keep the connector inside the column, off the lanes and the line coming
                // down into the symbol's top; a short jog joins it to the lane, each
                // connector's jog at its own height.
                let (cx, jy) = match planned {
                    Some(p) => (p.x, p.jog),
                    None => {
                        let mut centre_too = avoid(t.page).clone();
                        centre_too.push((t.x, cell.y0, t.top));
                        let want = if lo <= hi { lx.clamp(lo, hi) } else { t.x };
                        let cx = free_x(&d, t.page, want, top, (lo, hi), (&centre_too, lx));
                        (cx, (t.top - 0.6 * MM).max(cb + 0.3 * MM))
                    }
                };
                let c = conn_at(&mut d, t.page, cx, top);
                let mut pts = vec![(cx, cb)];
                if (cx - lx).abs() > 0.05 {
                    pts.push((cx, jy));
                    pts.push((lx, jy));
                }
                pts.push((lx, ty));
                pts.push((tx, ty));
                d.wires.push(wire(t.page, pts, vec![e.tgt], Some(c)));
                d.arrows.push(Arrow {
                    page: t.page,
                    tip: (tx, ty),
                    dir: into,
                });
            }
        }
        if e.label.is_some() {
            label_jobs.push((k, first_wire));
        }
    }
    // Labels last, each in the free space of its decision's cell nearest the exit.
    for (k, wi) in label_jobs {
        let e = &plan.edges[k];
        let s = &nodes[e.src];
        let text = e.label.clone().unwrap_or_default();
        // The wire that leaves the source.
        let w = wi;
        let exit = d.wires[w].pts[0];
        let to = d.wires[w].to;
        let cell = grid(s.page).cell(s);
        let lw = width(&text);
        let segs =
            |w: &Wire| -> Vec<(P, P)> { w.pts.windows(2).take(3).map(|p| (p[0], p[1])).collect() };
        let own = segs(&d.wires[w]);
        // The other exits of the same symbol: a label must sit nearer its own line than
        // theirs, or "Ya" reads as the label of the "Tidak" line.
        let sib: Vec<(P, P)> = d
            .wires
            .iter()
            .enumerate()
            .filter(|&(i, o)| {
                i != w && !o.join && o.page == s.page && o.ends.first() == Some(&e.src)
            })
            .flat_map(|(_, o)| segs(o))
            .collect();
        // In the decision's own cell if it has room, else in a neighbouring actor cell of the
        // same row (never across a rule: the search keeps clear of every rule).
        let wide = Rect::new(cell.x0 - s.cw, cell.y0, cell.x1 + s.cw, cell.y1);
        let placed = [cell, wide].into_iter().find_map(|area| {
            place_label(
                nodes,
                &d,
                grid(s.page),
                s.page,
                area,
                (exit, &own, &sib),
                lw,
            )
            .map(|p| (p, area))
        });
        let ((x, top), cell) = placed.unwrap_or(((exit.0 + 0.8 * MM, exit.1 + 0.4 * MM), cell));
        d.labels.push(LabelBox {
            sop: s.sop,
            page: s.page,
            from: s.step,
            to,
            text,
            rect: label_rect(x, top, lw),
            top,
            cell,
        });
    }
    (d, crowded)
}

/// Page-crossing lanes that enter their target from the top on its page, as a downward edge
/// would: one per symbol that no downward edge enters, when three or more lanes enter or
/// leave one of its sides (a narrow column's side has room for few lane tracks; the
/// connector already breaks the line, so on its page it may come in from above).
fn top_entries(nodes: &[Node], plan: &Plan) -> Vec<bool> {
    let mut top = vec![false; plan.edges.len()];
    let mut down_in = vec![false; nodes.len()];
    let mut load: BTreeMap<(usize, i8), usize> = BTreeMap::new();
    for e in &plan.edges {
        if e.style == Style::Down {
            down_in[e.tgt] = true;
            continue;
        }
        let side = if e.style == Style::LaneRight { 1 } else { -1 };
        *load.entry((e.tgt, side)).or_default() += 1;
        *load.entry((e.src, side)).or_default() += 1;
    }
    let mut taken = vec![false; nodes.len()];
    for (k, e) in plan.edges.iter().enumerate() {
        let (s, t) = (&nodes[e.src], &nodes[e.tgt]);
        if e.style == Style::Down || s.page == t.page || down_in[e.tgt] || taken[e.tgt] {
            continue;
        }
        let side = if e.style == Style::LaneRight { 1 } else { -1 };
        let here = load.get(&(e.tgt, side)).copied().unwrap_or(0);
        let there = load.get(&(e.tgt, -side)).copied().unwrap_or(0);
        if here >= 3 && here >= there {
            top[k] = true;
            taken[e.tgt] = true;
        }
    }
    top
}

/// Where the connector of a page-crossing edge sits on its target's page: its centre and
/// top, and for a lane the height of the jog that joins it to the lane.
#[derive(Clone, Copy, Debug)]
struct IntoConn {
    x: f64,
    top: f64,
    jog: f64,
}

/// Room a second row of target-side connectors takes: a connector and the gap where the
/// first row's lines turn off to their lanes.
pub(crate) const TIER: f64 = CONN_H + 1.2 * MM;

/// The lane runs, each run's track x, and the run of each (edge, page).
type Lanes<'a> = (
    &'a [LaneRun],
    &'a dyn Fn(usize) -> f64,
    &'a BTreeMap<(usize, usize), usize>,
);

/// The target-side connectors of every symbol that page-crossing edges enter: all of one
/// symbol's share its top inset, planned together in one row in the order their lines go on
/// (left lanes outermost first, the downward edge, right lanes), each as near its line as the
/// others allow, clear of the lanes passing by and of a line coming straight down into the
/// symbol. Placing them one by one let the first ones crowd out the last (the generated
/// flows' "penghubung menimpa penghubung lain"). When one row cannot take them and the inset
/// is `TIER` taller (symbol.typ keeps that room above a step more branches jump into than
/// one row fits; `route_fitting` moves a symbol down its cell for it), the outermost lanes
/// take a first row and turn off to their lanes at once, the others a second row between
/// those lanes. Also returns the symbols whose inset could not take them all (their edges
/// fall back to the one-by-one search).
fn plan_into_conns<'g>(
    nodes: &[Node],
    plan: &Plan,
    grid: impl Fn(usize) -> &'g Grid,
    (runs, lane_x, run_of): Lanes<'_>,
    top_entry: &[bool],
) -> (BTreeMap<usize, IntoConn>, Vec<usize>) {
    // How each edge enters on this page: a lane entering from the top is drawn as a
    // downward edge here.
    let style = |k: usize| {
        if top_entry[k] {
            Style::Down
        } else {
            plan.edges[k].style
        }
    };
    let mut into: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (k, e) in plan.edges.iter().enumerate() {
        if nodes[e.src].page != nodes[e.tgt].page {
            into.entry(e.tgt).or_default().push(k);
        }
    }
    let mut out = BTreeMap::new();
    let mut crowded = Vec::new();
    let half = CONN_W / 2.0;
    let reach = half + 0.3 * MM;
    let gap = CONN_W + 0.6 * MM;
    for (&tg, ks) in &into {
        let t = &nodes[tg];
        let cell = grid(t.page).cell(t);
        let top = cell.y0 + CLEAR;
        let cb = top + CONN_H;
        let (lo, hi) = (cell.x0 + half + CLEAR, cell.x1 - half - CLEAR);
        if lo > hi {
            crowded.push(tg);
            continue;
        }
        // The x each edge's line goes on at: its lane, or the symbol's centre.
        let line_x = |k: usize| match style(k) {
            Style::Down => t.x,
            _ => lane_x(run_of[&(k, t.page)]),
        };
        let mut ks = ks.clone();
        ks.sort_by(|&a, &b| line_x(a).total_cmp(&line_x(b)).then(a.cmp(&b)));
        // Spans no connector centre in the band y0..y1 may take: lanes of other edges
        // through it, a line coming straight down into the symbol on this page (one with a
        // jog crosses only under the connectors; lanes keep off its centre line); each
        // lane's own track only for the others' shafts (a shaft on it would run along it).
        let straight_down = plan.edges.iter().any(|e| {
            let s = &nodes[e.src];
            e.tgt == tg && e.style == Style::Down && s.page == t.page && (s.x - t.x).abs() < 0.05
        });
        let down_here = plan
            .edges
            .iter()
            .any(|e| e.tgt == tg && e.style == Style::Down && nodes[e.src].page == t.page);
        // A line whose last run comes down the centre from the connectors' row: a
        // straight downward edge or a downward one's connector. (A downward edge with a jog
        // comes in under the connectors; a lane's shaft on the centre then jogs above it.)
        let centre_taken = straight_down || ks.iter().any(|&k| style(k) == Style::Down);
        let common = |y0: f64, y1: f64| {
            let mut b: Vec<(f64, f64)> = Vec::new();
            for (i, r) in runs.iter().enumerate() {
                if r.page == t.page && r.y1 > y0 && r.y0 < y1 + 0.3 * MM && !ks.contains(&r.edge) {
                    let x = lane_x(i);
                    b.push((x - reach, x + reach));
                }
            }
            if straight_down {
                b.push((t.x - half - 0.4 * MM, t.x + half + 0.4 * MM));
            }
            b
        };
        let blocked_for = |k: usize, row: &[usize], base: &[(f64, f64)]| {
            let mut b = base.to_vec();
            for &o in row {
                if o != k && style(o) != Style::Down {
                    let x = line_x(o);
                    b.push((x - 0.5 * MM, x + 0.5 * MM));
                }
            }
            if style(k) != Style::Down && centre_taken {
                b.push((t.x - 0.5 * MM, t.x + 0.5 * MM));
            }
            b
        };
        let fit = |row: &[usize], base: &[(f64, f64)]| {
            let wish: Vec<f64> = row.iter().map(|&k| line_x(k).clamp(lo, hi)).collect();
            let blocked: Vec<Vec<(f64, f64)>> =
                row.iter().map(|&k| blocked_for(k, row, base)).collect();
            pack(&wish, &blocked, (lo, hi), gap)
        };
        // In the order their lines go on; when one side is too crowded, its innermost lane
        // may take a place on the other side of the centre (its jog then crosses over).
        let lanes = |want: Style| ks.iter().filter(|&&k| style(k) == want).count();
        let (nl, nr) = (lanes(Style::LaneLeft), lanes(Style::LaneRight));
        let mut orders = vec![ks.clone()];
        if nl > 0 && nl >= nr {
            // The innermost left lane goes just right of the downward edge.
            let mut o = ks.clone();
            let k = o.remove(nl - 1);
            let at = o
                .iter()
                .position(|&j| style(j) == Style::LaneRight)
                .unwrap_or(o.len());
            o.insert(at, k);
            orders.push(o);
        }
        if nr > 0 && nr >= nl {
            let mut o = ks.clone();
            let k = o.remove(o.len() - nr);
            o.insert(nl, k);
            orders.push(o);
        }
        let base = common(top, cb);
        let one_row = orders
            .into_iter()
            .find_map(|order| fit(&order, &base).map(|xs| (order, xs)));
        let (order, xs, row_top) = if let Some((order, xs)) = one_row {
            (order, xs, top)
        } else {
            // Two rows, if the inset has the room: the m outermost lanes of each side first.
            let (top1, top2) = (top, cb + TIER - CONN_H);
            let room = t.top - (top2 + CONN_H) >= SHAFT + 0.3 * MM;
            let two = (1..=nl.max(nr)).filter(|_| room).find_map(|m| {
                let first: Vec<usize> = ks
                    .iter()
                    .enumerate()
                    .filter(|&(i, &k)| match style(k) {
                        Style::LaneLeft => i < m.min(nl),
                        Style::LaneRight => i >= ks.len() - m.min(nr),
                        Style::Down => false,
                    })
                    .map(|(_, &k)| k)
                    .collect();
                let second: Vec<usize> =
                    ks.iter().copied().filter(|k| !first.contains(k)).collect();
                let xs1 = fit(&first, &base)?;
                // The first row's lanes pass the second row.
                let mut base2 = common(top2, top2 + CONN_H);
                for &k in &first {
                    let x = line_x(k);
                    base2.push((x - reach, x + reach));
                }
                let xs2 = fit(&second, &base2)?;
                Some((first, xs1, second, xs2))
            });
            let Some((first, xs1, second, xs2)) = two else {
                crowded.push(tg);
                continue;
            };
            // The first row turns off to its lanes just under itself, the outermost highest.
            for (side, list) in [
                (Style::LaneLeft, first.clone()),
                (Style::LaneRight, first.iter().rev().copied().collect()),
            ] {
                let mut r = 0;
                for k in list {
                    if style(k) == side {
                        let i = first.iter().position(|&o| o == k).unwrap_or(0);
                        let jog = top1 + CONN_H + 0.3 * MM + 0.3 * MM * r as f64;
                        out.insert(
                            k,
                            IntoConn {
                                x: xs1[i],
                                top: top1,
                                jog,
                            },
                        );
                        r += 1;
                    }
                }
            }
            (second, xs2, top2)
        };
        let cb = row_top + CONN_H;
        // Jogs: on each side the outermost lane's highest, so no jog crosses another
        // connector's shaft; all under a downward edge's jog (`SHAFT` above the symbol). A
        // lane whose connector sits across the centre jogs above them all, clear of the
        // downward edge's jog and arrowhead.
        let any_down = down_here || ks.iter().any(|&k| style(k) == Style::Down);
        let y_lo = if any_down {
            (t.top - SHAFT + 0.45 * MM).max(cb + 0.3 * MM)
        } else {
            cb + 0.4 * MM
        };
        let y_hi = (t.top - 0.6 * MM).max(y_lo);
        let at = |k: usize| xs[order.iter().position(|&o| o == k).unwrap_or(0)];
        let across = |k: usize| match style(k) {
            Style::LaneLeft => at(k) > t.x,
            Style::LaneRight => at(k) < t.x,
            Style::Down => false,
        } || (down_here && style(k) != Style::Down && (at(k) - t.x).abs() < 0.6 * MM);
        let side = |want: Style| -> Vec<usize> {
            let mut v: Vec<usize> = order
                .iter()
                .copied()
                .filter(|&k| style(k) == want && !across(k))
                .collect();
            v.sort_by(|&a, &b| {
                let (a, b) = (line_x(a), line_x(b));
                if want == Style::LaneLeft {
                    a.total_cmp(&b)
                } else {
                    b.total_cmp(&a)
                }
            });
            v
        };
        let (left, right) = (side(Style::LaneLeft), side(Style::LaneRight));
        // Those jogging above the rest keep above a downward edge's jog too.
        let n_high = order.iter().filter(|&&k| across(k)).count();
        let high_room = if any_down {
            t.top - SHAFT - 0.25 * MM - (cb + 0.3 * MM)
        } else {
            y_lo - 0.25 * MM - (cb + 0.3 * MM)
        };
        let high_step = if n_high > 1 {
            (0.45 * MM).min(high_room.max(0.0) / (n_high - 1) as f64)
        } else {
            0.0
        };
        let mut n_across = 0;
        for (i, &k) in order.iter().enumerate() {
            let rank = left
                .iter()
                .position(|&o| o == k)
                .map(|r| (r, left.len()))
                .or_else(|| right.iter().position(|&o| o == k).map(|r| (r, right.len())));
            let jog = if across(k) {
                n_across += 1;
                cb + 0.3 * MM + high_step * (n_across - 1) as f64
            } else {
                rank.map_or(y_hi, |(r, n)| {
                    let step = if n > 1 {
                        (0.45 * MM).min((y_hi - y_lo) / (n - 1) as f64)
                    } else {
                        0.0
                    };
                    y_hi - step * (n - 1 - r) as f64
                })
            };
            out.insert(
                k,
                IntoConn {
                    x: xs[i],
                    top: row_top,
                    jog,
                },
            );
        }
    }
    (out, crowded)
}

/// Centres for a row of connectors, in the order given (left to right): each as near its wish
/// as the others allow, at least `gap` apart, within lo..hi and outside its blocked spans
/// (open intervals). None when they do not fit.
fn pack(
    wish: &[f64],
    blocked: &[Vec<(f64, f64)>],
    (lo, hi): (f64, f64),
    gap: f64,
) -> Option<Vec<f64>> {
    let up = |i: usize, mut x: f64| {
        while let Some(&(_, b)) = blocked[i].iter().find(|&&(a, b)| x > a && x < b) {
            x = b;
        }
        x
    };
    let down = |i: usize, mut x: f64| {
        while let Some(&(a, _)) = blocked[i].iter().find(|&&(a, b)| x > a && x < b) {
            x = a;
        }
        x
    };
    let n = wish.len();
    let mut p = vec![0.0; n];
    // Left to right: no nearer than `gap` to the one before; then right to left, pulled
    // back under `hi` and the one after.
    for i in 0..n {
        let prev = if i > 0 { p[i - 1] + gap } else { lo };
        p[i] = up(i, wish[i].max(prev));
    }
    for i in (0..n).rev() {
        let next = if i + 1 < n { p[i + 1] - gap } else { hi };
        // Rounding must not move one that already fits.
        if p[i] > next + 1e-6 {
            p[i] = down(i, next);
        }
        if p[i] < lo - 1e-6 {
            return None;
        }
    }
    Some(p)
}

/// The x nearest `want` (within lo..hi) where a connector with its top at `top` overlaps no
/// connector already on the page.
fn free_x(
    d: &Drawing,
    page: usize,
    want: f64,
    top: f64,
    (lo, hi): (f64, f64),
    (tracks, own): (&[(f64, f64, f64)], f64),
) -> f64 {
    let taken = |x: f64| {
        let r = Rect::new(x - CONN_W / 2.0, top, x + CONN_W / 2.0, top + CONN_H).grow(0.4 * MM);
        d.conns
            .iter()
            .any(|c| c.page == page && c.rect.overlaps(&r))
            || tracks.iter().any(|&(tx, y0, y1)| {
                (tx - own).abs() > 0.01
                    && (tx - x).abs() < CONN_W / 2.0 + 0.3 * MM
                    && y1 > top
                    && y0 < top + CONN_H
            })
            || ((x - own).abs() > 0.01
                && tracks.iter().any(|&(tx, _, _)| (tx - x).abs() < 0.5 * MM))
    };
    if !taken(want) {
        return want;
    }
    let step = CONN_W / 2.0;
    for k in 1..=16 {
        for sign in [1.0, -1.0] {
            let x = want + sign * step * f64::from(k);
            if x >= lo && x <= hi && !taken(x) {
                return x;
            }
        }
    }
    want
}

/// The box of a label whose cap height starts at `top` (ascenders and descenders included).
pub(crate) fn label_rect(x: f64, top: f64, w: f64) -> Rect {
    Rect::new(x, top - 0.2 * LABEL_PT, x + w, top + 0.95 * LABEL_PT)
}

/// Where a label belongs: the point it is anchored at, its own edge's segments and those of
/// the sibling edges it must stay nearer to its own than to.
type Anchor<'a> = (P, &'a [(P, P)], &'a [(P, P)]);

/// The free spot of a `lw` wide label in `cell` nearest `anchor`: clear of the rules, the
/// symbols, every line, arrowhead, connector, other label and text on the page.
fn place_label(
    nodes: &[Node],
    d: &Drawing,
    grid: &Grid,
    page: usize,
    cell: Rect,
    (anchor, own, sib): Anchor<'_>,
    lw: f64,
) -> Option<(f64, f64)> {
    let pad = 0.3 * MM;
    let room = cell.grow(-CLEAR.min(0.5 * MM));
    let probe = label_rect(0.0, 0.0, lw);
    let (h_up, h_down) = (-probe.y0, probe.y1);
    let near = room.grow(3.0 * MM);
    // Every spot's padded box lies inside `reach`: a line, shape or rule wholly outside it
    // fails each test below for every spot (the tests' own box checks say so), so only those
    // that reach into it are kept, once per label instead of once per spot.
    let reach = room.grow(pad + 0.01);
    let touches =
        |b: &Rect| b.x0 <= reach.x1 && reach.x0 <= b.x1 && b.y0 <= reach.y1 && reach.y0 <= b.y1;
    let segs: Vec<(P, P)> = d
        .wires
        .iter()
        .filter(|w| w.page == page)
        .flat_map(|w| w.pts.windows(2).map(|p| (p[0], p[1])))
        .filter(|&(a, b)| touches(&seg_box(a, b)))
        .collect();
    let h_rules: Vec<(f64, f64, f64)> = grid
        .h
        .iter()
        .copied()
        .filter(|&(y, x0, x1)| touches(&Rect::new(x0.min(x1), y, x0.max(x1), y)))
        .collect();
    let v_rules: Vec<(f64, f64, f64)> = grid
        .v
        .iter()
        .copied()
        .filter(|&(x, y0, y1)| touches(&Rect::new(x, y0.min(y1), x, y0.max(y1))))
        .collect();
    let poly_box = |p: &[P]| {
        p.iter()
            .fold(Rect::new(f64::MAX, f64::MAX, f64::MIN, f64::MIN), |r, q| {
                Rect::new(r.x0.min(q.0), r.y0.min(q.1), r.x1.max(q.0), r.y1.max(q.1))
            })
    };
    let polys: Vec<Shape> = nodes
        .iter()
        .filter(|n| n.page == page && n.rect().overlaps(&near))
        .map(Node::outline)
        .chain(
            d.arrows
                .iter()
                .filter(|a| a.page == page)
                .map(|a| a.poly().to_vec()),
        )
        .chain(
            d.conns
                .iter()
                .filter(|c| c.page == page)
                .map(|c| rect_poly(&c.rect).to_vec()),
        )
        .chain(
            d.labels
                .iter()
                .filter(|l| l.page == page)
                .map(|l| rect_poly(&l.rect).to_vec()),
        )
        .chain(
            grid.texts
                .iter()
                .filter(|t| t.overlaps(&near))
                .map(|t| rect_poly(t).to_vec()),
        )
        .filter(|p| touches(&poly_box(p)))
        .map(Shape::new)
        .collect();
    let own_boxes: Vec<Rect> = own.iter().map(|&(a, b)| seg_box(a, b)).collect();
    let sib_boxes: Vec<Rect> = sib.iter().map(|&(a, b)| seg_box(a, b)).collect();
    let step = 0.4 * MM;
    let mut best: Option<(f64, f64, f64)> = None;
    // Lower bounds that skip spots which cannot beat the best found so far (the same spot
    // wins as without them): the gap to the box around the own segments is at most the gap
    // to any of them, and a row is no nearer than its vertical gaps (minus a rounding margin).
    let own_box = own.iter().fold(None, |acc: Option<Rect>, &(a, b)| {
        let s = seg_box(a, b);
        Some(acc.map_or(s, |r| {
            Rect::new(
                r.x0.min(s.x0),
                r.y0.min(s.y0),
                r.x1.max(s.x1),
                r.y1.max(s.y1),
            )
        }))
    });
    let gap_y = |r: &Rect, o: &Rect| (o.y0 - r.y1).max(r.y0 - o.y1).max(0.0);
    let point = Rect::new(anchor.0, anchor.1, anchor.0, anchor.1);
    let mut y = room.y0 + h_up;
    while y + h_down <= room.y1 {
        if let (Some((bd, _, _)), Some(ob)) = (best, own_box) {
            let r = label_rect(room.x0, y, lw);
            if gap_y(&r, &ob) + 0.25 * gap_y(&r, &point) - 1e-6 >= bd - 1e-9 {
                y += step;
                continue;
            }
        }
        let mut x = room.x0;
        while x + lw <= room.x1 {
            let r = label_rect(x, y, lw);
            let d_anchor = rect_dist(&r, &point);
            if let (Some((bd, _, _)), Some(ob)) = (best, own_box)
                && rect_dist(&r, &ob) + 0.25 * d_anchor >= bd - 1e-9
            {
                // Right of the anchor and of the own segments' box both terms only grow with
                // x (rounding is monotone too) and the best only shrinks: no later spot of
                // this row passes the bound, so the rest of the row is skipped.
                if r.x0 > anchor.0 && r.x0 >= ob.x1 {
                    break;
                }
                x += step;
                continue;
            }
            let d_own = own_boxes
                .iter()
                .map(|o| rect_dist(&r, o))
                .fold(f64::MAX, f64::min);
            let d_sib = sib_boxes
                .iter()
                .map(|o| rect_dist(&r, o))
                .fold(f64::MAX, f64::min);
            let dist = d_own + 0.25 * d_anchor;
            if d_own + 0.3 * MM < d_sib && best.is_none_or(|(bd, _, _)| dist < bd - 1e-9) {
                let g = r.grow(pad);
                let gp = rect_poly(&g);
                let free = !rules_near(&h_rules, &v_rules, &g)
                    && !segs
                        .iter()
                        .any(|&(a, b)| g.cut_by(a, b) || on_edge(&g, a, b))
                    && !polys.iter().any(|p| p.overlaps(&gp));
                if free {
                    best = Some((dist, x, y));
                }
            }
            x += step;
        }
        y += step;
    }
    best.map(|(_, x, y)| (x, y))
}

/// Whether a rule of the table touches the box.
fn rules_near(h: &[(f64, f64, f64)], v: &[(f64, f64, f64)], r: &Rect) -> bool {
    h.iter()
        .any(|&(y, x0, x1)| y >= r.y0 && y <= r.y1 && x1 > r.x0 && x0 < r.x1)
        || v.iter()
            .any(|&(x, y0, y1)| x >= r.x0 && x <= r.x1 && y1 > r.y0 && y0 < r.y1)
}

fn seg_box(a: P, b: P) -> Rect {
    Rect::new(a.0.min(b.0), a.1.min(b.1), a.0.max(b.0), a.1.max(b.1))
}

/// The gap between two boxes (0 when they touch or overlap).
fn rect_dist(r: &Rect, o: &Rect) -> f64 {
    let dx = (o.x0 - r.x1).max(r.x0 - o.x1).max(0.0);
    let dy = (o.y0 - r.y1).max(r.y0 - o.y1).max(0.0);
    (dx * dx + dy * dy).sqrt()
}

/// Whether a segment runs along the inside or the border of a box (the separating test
/// ignores touching; a label must not touch a line either).
fn on_edge(r: &Rect, a: P, b: P) -> bool {
    let (x0, x1) = (a.0.min(b.0), a.0.max(b.0));
    let (y0, y1) = (a.1.min(b.1), a.1.max(b.1));
    x1 >= r.x0 && x0 <= r.x1 && y1 >= r.y0 && y0 <= r.y1
}

/// The horizontal pieces of every line with gaps where a vertical line of another edge
/// crosses them: a crossing never reads as a junction.
pub(crate) fn with_gaps(d: &Drawing, page: usize) -> Vec<Vec<P>> {
    const GAP: f64 = 0.6 * MM;
    let wires: Vec<&Wire> = d.wires.iter().filter(|w| w.page == page).collect();
    let mut out = Vec::new();
    for (i, w) in wires.iter().enumerate() {
        let mut current: Vec<P> = vec![w.pts[0]];
        for seg in w.pts.windows(2) {
            let (a, b) = (seg[0], seg[1]);
            if (a.1 - b.1).abs() > 0.01 {
                current.push(b);
                continue;
            }
            // A horizontal piece: cut where another wire's vertical piece crosses inside.
            let (lo, hi) = (a.0.min(b.0), a.0.max(b.0));
            let mut cuts: Vec<f64> = Vec::new();
            for (j, o) in wires.iter().enumerate() {
                if i == j {
                    continue;
                }
                for os in o.pts.windows(2) {
                    let (c, e) = (os[0], os[1]);
                    if (c.0 - e.0).abs() > 0.01 {
                        continue;
                    }
                    let (y0, y1) = (c.1.min(e.1), c.1.max(e.1));
                    if c.0 > lo + GAP && c.0 < hi - GAP && a.1 > y0 + 0.01 && a.1 < y1 - 0.01 {
                        cuts.push(c.0);
                    }
                }
            }
            if cuts.is_empty() {
                current.push(b);
                continue;
            }
            let dir = if b.0 >= a.0 { 1.0 } else { -1.0 };
            cuts.sort_by(|p, q| (dir * p).total_cmp(&(dir * q)));
            for c in cuts {
                current.push((c - dir * GAP, a.1));
                out.push(std::mem::take(&mut current));
                current.push((c + dir * GAP, a.1));
            }
            current.push(b);
        }
        if current.len() >= 2 {
            out.push(current);
        }
    }
    out
}

#[cfg(test)]
mod shape_tests {
    use super::*;

    /// The label search's precomputed test answers exactly as `polys_overlap` over boxes swept
    /// across diamonds, boxes, arrowheads and connectors, touching, overlapping and apart.
    #[test]
    fn shape_overlaps_is_polys_overlap() {
        let node = |kind: &str| Node {
            sop: 0,
            step: 1,
            actor: 0,
            kind: kind.into(),
            end: false,
            page: 1,
            x: 50.0,
            top: 40.0,
            cy: 50.0,
            bottom: 60.0,
            w: 30.0,
            cw: 60.0,
            out: vec![],
        };
        let shapes: Vec<Vec<P>> = vec![
            node("keputusan").outline(),
            node("proses").outline(),
            vec![(40.0, 30.0), (46.0, 30.0), (43.0, 35.0)],
            vec![
                (60.0, 20.0),
                (70.0, 20.0),
                (70.0, 28.0),
                (65.0, 31.0),
                (60.0, 28.0),
            ],
        ];
        let (mut hits, mut misses) = (0, 0);
        for s in &shapes {
            let shape = Shape::new(s.clone());
            for i in 0..60 {
                for j in 0..40 {
                    let r = label_rect(20.0 + i as f64 * 1.1, 15.0 + j as f64 * 1.3, 9.5);
                    let gp = rect_poly(&r.grow(0.3 * MM));
                    let want = polys_overlap(&gp, s);
                    assert_eq!(shape.overlaps(&gp), want, "{s:?} {r:?}");
                    if want { hits += 1 } else { misses += 1 }
                }
            }
        }
        assert!(hits > 100 && misses > 100, "{hits} {misses}");
    }
}
