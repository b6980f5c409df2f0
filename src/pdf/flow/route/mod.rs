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
//! decree books) stayed byte-identical. Later (base-nb's first 10 SOPs: 1.668G before, 1.639G
//! after) the label search went best-first (`label.rs`; `finish` 34.6M -> 21.8M),
//! and the symbols' data moved from the template to `symbols.rs` (Typst evaluation 116.1M ->
//! 96.4M). The rest of the excess is not here: Typst's module evaluation of the SOP template
//! (the identity page's fitting), the column plan (`columns::view`, +23M), page layout and
//! export (+45M) and loading the project (+~20M).

mod connector;
mod geom;
mod label;
mod lanes;
mod pinch;

pub(crate) use connector::TIER;
pub(crate) use geom::*;
use lanes::route_once;
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
    route_once(nodes, plan, grids, width, (&[], &[], &[], &[])).0
}

/// As `route`, first making room where a symbol's top inset cannot take the off-page
/// connectors coming in: such a symbol (with the rest of its step on that page) moves down
/// its cell by `TIER`, into the row's free height, for one more row of connectors, and the
/// edges are routed again, until every inset takes its connectors (a symbol may move more
/// than once: symbol.typ's rows are an estimate, made before it is known which branches
/// cross a page). A symbol that cannot move (its row has no free height) packs its
/// connectors closer together in one row on the next routing instead (a side's innermost
/// lane first taking the outermost connector), and failing that, the lanes passing its cell
/// move out towards the rule (`pinch`), and failing that, the page-crossing lanes from higher
/// up its column end at a connector in their own cell (`pinch::shorten`). A page-crossing edge whose label found no room beside
/// its connector in the cell gets its connector under the table. Only documents with such a
/// symbol or label pay for more than one routing.
pub(crate) fn route_fitting(
    nodes: &mut [Node],
    plan: &Plan,
    grids: &[Grid],
    width: &dyn Fn(&str) -> f64,
) -> Drawing {
    let empty = Grid::default();
    // Symbols that cannot move: their connectors pack tighter on the next routing.
    let mut tight = Vec::new();
    // Symbols whose passing lanes make way for their connectors (`pinch`).
    let mut pinched = Vec::new();
    // Page-crossing edges whose label found no room beside their connector in the cell:
    // their connector goes under the table.
    let mut under = Vec::new();
    // Page-crossing lanes that end at a connector under their source symbol, in its cell,
    // rather than running down the column to the table's bottom (`pinch::shorten`).
    let mut short = Vec::new();
    // Each round moves every crowded symbol one row down or marks it tight, so a handful of
    // rounds settles any flow; the bound only keeps a pathological one from looping.
    for _ in 0..8 {
        let (d, crowded, unlabelled) = route_once(
            nodes,
            plan,
            grids,
            width,
            (&tight, &pinched, &under, &short),
        );
        let mut changed = !unlabelled.is_empty();
        under.extend(unlabelled);
        for (tg, more) in crowded {
            if tight.contains(&tg) {
                // Neither moving down nor packing closer made room: lanes pass the cell
                // (`pinch`); push them out towards the rule, once.
                if !pinched.contains(&tg) {
                    pinched.push(tg);
                    changed = true;
                } else {
                    // Pushing them out did not do either: the lanes from higher up the
                    // column on their way under the table end in their own cells instead.
                    for k in pinch::shorten(nodes, plan, grids, tg) {
                        if !short.contains(&k) && !under.contains(&k) {
                            short.push(k);
                            changed = true;
                        }
                    }
                }
                continue;
            }
            // Connectors no number of rows fits (`more` false: a lone one, or lanes passing
            // every row's spots) gain nothing from moving the symbol down: it only spent the
            // rounds before the fallbacks above (generated seed 2311 moved one eight times
            // and kept its connector on two passing lanes).
            let grid = grids.get(nodes[tg].page.wrapping_sub(1)).unwrap_or(&empty);
            if !more || !make_room(nodes, grid, tg) {
                tight.push(tg);
            }
            changed = true;
        }
        if !changed {
            return d;
        }
    }
    route_once(
        nodes,
        plan,
        grids,
        width,
        (&tight, &pinched, &under, &short),
    )
    .0
}

/// Moves the symbol `tg` (with the rest of its step on that page) down its cell by `TIER`,
/// if the cell keeps what it needs under the lowest of them: a decision's label room and the
/// cell's bottom inset (as symbol.typ and flow.typ lay it out).
fn make_room(nodes: &mut [Node], grid: &Grid, tg: usize) -> bool {
    let t = &nodes[tg];
    let cell = grid.cell(t);
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
