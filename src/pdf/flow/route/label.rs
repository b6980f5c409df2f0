//! Ya/Tidak labels: the search for a free spot inside the cell, clear of rules, lines,
//! symbols and other labels.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::*;

/// The box of a label whose cap height starts at `top` (ascenders and descenders included).
pub(crate) fn label_rect(x: f64, top: f64, w: f64) -> Rect {
    Rect::new(x, top - 0.2 * LABEL_PT, x + w, top + 0.95 * LABEL_PT)
}

/// Where a label belongs: the point it is anchored at, its own edge's segments and those of
/// the sibling edges it must stay nearer to its own than to.
pub(super) type Anchor<'a> = (P, &'a [(P, P)], &'a [(P, P)]);

/// The free spot of a `lw` wide label in `cell` nearest `anchor`: clear of the rules, the
/// symbols, every line, arrowhead, connector, other label and text on the page.
pub(super) fn place_label(
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
    let point = Rect::new(anchor.0, anchor.1, anchor.0, anchor.1);
    // The box around the own segments: the gap to it is at most the gap to any of them.
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
    })?;
    let gap_y = |r: &Rect, o: &Rect| (o.y0 - r.y1).max(r.y0 - o.y1).max(0.0);
    // The spots of the 0.4 mm raster, best first: a spot's distance is `d_own + 0.25 *
    // d_anchor`, a raster row's lower bound its vertical gaps to the own segments' box and
    // the anchor. A heap holds rows not yet opened (keyed by their bound) and the spots of
    // opened rows (keyed by their distance), ties broken by raster order; the first free spot
    // popped is the nearest, the first in raster order among equals: the spot the full raster
    // scan chose (every PDF and SVG of the example content byte-identical), found after
    // free-testing only the spots nearer than it. The scan free-tested every spot from the
    // cell's corner until the first free one, and computed every spot's distance (the label
    // search was the largest part of the flow phase).
    let xs: Vec<f64> = std::iter::successors(Some(room.x0), |x| Some(x + step))
        .take_while(|x| x + lw <= room.x1)
        .collect();
    let mut heap: BinaryHeap<Reverse<(Key, usize, bool)>> = BinaryHeap::new();
    let mut rows: Vec<f64> = Vec::new();
    let mut y = room.y0 + h_up;
    while y + h_down <= room.y1 {
        let r = label_rect(room.x0, y, lw);
        // (A hair under, so rounding never opens a row after a spot it should precede.)
        let bound = gap_y(&r, &own_box) + 0.25 * gap_y(&r, &point) - 1e-6;
        heap.push(Reverse((Key(bound), rows.len() * xs.len(), true)));
        rows.push(y);
        y += step;
    }
    while let Some(Reverse((_, idx, is_row))) = heap.pop() {
        let (row, col) = (idx / xs.len().max(1), idx % xs.len().max(1));
        let y = rows[row];
        if is_row {
            for (c, &x) in xs.iter().enumerate() {
                let r = label_rect(x, y, lw);
                let d_own = own_boxes
                    .iter()
                    .map(|o| rect_dist(&r, o))
                    .fold(f64::MAX, f64::min);
                let d_sib = sib_boxes
                    .iter()
                    .map(|o| rect_dist(&r, o))
                    .fold(f64::MAX, f64::min);
                if d_own + 0.3 * MM < d_sib {
                    let dist = d_own + 0.25 * rect_dist(&r, &point);
                    heap.push(Reverse((Key(dist), idx + c, false)));
                }
            }
            continue;
        }
        let x = xs[col];
        let g = label_rect(x, y, lw).grow(pad);
        let gp = rect_poly(&g);
        let free = !rules_near(&h_rules, &v_rules, &g)
            && !segs
                .iter()
                .any(|&(a, b)| g.cut_by(a, b) || on_edge(&g, a, b))
            && !polys.iter().any(|p| p.overlaps(&gp));
        if free {
            return Some((x, y));
        }
    }
    None
}

/// A distance ordered by `total_cmp`, for the heap of the label search.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Key(f64);

impl Eq for Key {}

impl PartialOrd for Key {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}

impl Ord for Key {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&o.0)
    }
}

/// Whether a rule of the table touches the box.
pub(super) fn rules_near(h: &[(f64, f64, f64)], v: &[(f64, f64, f64)], r: &Rect) -> bool {
    h.iter()
        .any(|&(y, x0, x1)| y >= r.y0 && y <= r.y1 && x1 > r.x0 && x0 < r.x1)
        || v.iter()
            .any(|&(x, y0, y1)| x >= r.x0 && x <= r.x1 && y1 > r.y0 && y0 < r.y1)
}

pub(super) fn seg_box(a: P, b: P) -> Rect {
    Rect::new(a.0.min(b.0), a.1.min(b.1), a.0.max(b.0), a.1.max(b.1))
}

/// The gap between two boxes (0 when they touch or overlap).
pub(super) fn rect_dist(r: &Rect, o: &Rect) -> f64 {
    let dx = (o.x0 - r.x1).max(r.x0 - o.x1).max(0.0);
    let dy = (o.y0 - r.y1).max(r.y0 - o.y1).max(0.0);
    (dx * dx + dy * dy).sqrt()
}

/// Whether a segment runs along the inside or the border of a box (the separating test
/// ignores touching; a label must not touch a line either).
pub(super) fn on_edge(r: &Rect, a: P, b: P) -> bool {
    let (x0, x1) = (a.0.min(b.0), a.0.max(b.0));
    let (y0, y1) = (a.1.min(b.1), a.1.max(b.1));
    x1 >= r.x0 && x0 <= r.x1 && y1 >= r.y0 && y0 <= r.y1
}
