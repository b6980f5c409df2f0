//! Ya/Tidak labels: the search for a free spot inside the cell, clear of rules, lines,
//! symbols and other labels.
//!
//! Cost, measured (callgrind, a whole `--bersih` build of the 200 generated SOPs of
//! `/tmp/alur-bench/base-nb`, per PDF worker process, 367 searches): `place_label` 132M
//! instructions with what it calls (88M own, 21M heap pops, 18M `Shape::overlaps`) when a
//! raster row was opened whole, 81M now (47M own, 17M pops, 17M `Shape::overlaps`): rows open
//! a run of spots at a time under a lower bound, and a run one rule or line covers is dropped
//! whole (most spots tested were on the own line, each pushed, popped and tested alone).
//! Every PDF and SVG of the example content and of those SOPs (with and without decree
//! books) stayed byte-identical.

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
    // A label needs its own line to sit by.
    if own.is_empty() {
        return None;
    }
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
    // The spots of the 0.4 mm raster, best first: a spot's distance is `d_own + 0.25 *
    // d_anchor`. The heap holds runs of a raster row not yet opened, keyed by a lower bound of
    // their spots' distances (the distances of the box spanning the run), and the spots of
    // opened runs, keyed by their distance, ties broken by raster order. A run's key is under
    // every one of its spots' (a hair under, so rounding never opens it after a spot it
    // should precede), so the first free spot popped is the nearest, the first in raster
    // order among equals: the spot the full raster scan chose (every PDF and SVG of the
    // example content byte-identical), found after free-testing only the spots nearer than
    // it. A row is pushed whole; a popped run of more than `RUN` spots splits in two, a
    // shorter one pushes its spots (rows were opened whole before: every spot's distance
    // worked out and pushed, most never popped).
    let xs: Vec<f64> = std::iter::successors(Some(room.x0), |x| Some(x + step))
        .take_while(|x| x + lw <= room.x1)
        .collect();
    if xs.is_empty() {
        return None;
    }
    // The lower bound of the spots `ca..=cb` of the row whose labels' cap height starts at
    // `y`: each spot's box lies in the box spanning them, whose gaps to the own segments and
    // to the anchor are at most the spot's (the same float operations, each monotonic).
    let bound = |y: f64, ca: usize, cb: usize| {
        let r = label_rect(xs[ca], y, lw);
        let span = Rect::new(r.x0, r.y0, xs[cb] + lw, r.y1);
        let d_own = own_boxes
            .iter()
            .map(|o| rect_dist(&span, o))
            .fold(f64::MAX, f64::min);
        d_own + 0.25 * rect_dist(&span, &point) - 1e-6
    };
    // Whether one rule or line touches the padded boxes of the spots `ca` and `cb` of a row,
    // and so those of every spot between them (the same float operations, each monotonic):
    // none of them is free, whatever their distance. Most spots the search tests are taken
    // this way (a row's spots on the own line, the first ones it pops), a run at a time.
    let blocked = |y: f64, ca: usize, cb: usize| {
        let (a, b) = (
            label_rect(xs[ca], y, lw).grow(pad),
            label_rect(xs[cb], y, lw).grow(pad),
        );
        let h = |&&(ry, x0, x1): &&(f64, f64, f64), r: &Rect| {
            ry >= r.y0 && ry <= r.y1 && x1 > r.x0 && x0 < r.x1
        };
        let v = |&&(rx, y0, y1): &&(f64, f64, f64), r: &Rect| {
            rx >= r.x0 && rx <= r.x1 && y1 > r.y0 && y0 < r.y1
        };
        h_rules.iter().any(|r| h(&r, &a) && h(&r, &b))
            || v_rules.iter().any(|r| v(&r, &a) && v(&r, &b))
            || segs
                .iter()
                .any(|&(p, q)| on_edge(&a, p, q) && on_edge(&b, p, q))
    };
    let mut rows: Vec<f64> = Vec::new();
    let mut y = room.y0 + h_up;
    while y + h_down <= room.y1 {
        rows.push(y);
        y += step;
    }
    // A spot's distance, `None` when it is nearer a sibling line than its own.
    let spot = |x: f64, y: f64| {
        let r = label_rect(x, y, lw);
        let d_own = own_boxes
            .iter()
            .map(|o| rect_dist(&r, o))
            .fold(f64::MAX, f64::min);
        let d_sib = sib_boxes
            .iter()
            .map(|o| rect_dist(&r, o))
            .fold(f64::MAX, f64::min);
        (d_own + 0.3 * MM < d_sib).then(|| d_own + 0.25 * rect_dist(&r, &point))
    };
    let free = |x: f64, y: f64| {
        let g = label_rect(x, y, lw).grow(pad);
        let gp = rect_poly(&g);
        !rules_near(&h_rules, &v_rules, &g)
            && !segs
                .iter()
                .any(|&(a, b)| g.cut_by(a, b) || on_edge(&g, a, b))
            && !polys.iter().any(|p| p.overlaps(&gp))
    };
    let found = search(&xs, &rows, spot, free, bound, blocked);
    // Under test, every search is held against the full raster scan it stands for.
    #[cfg(test)]
    assert_eq!(
        found,
        scan(&xs, &rows, spot, free),
        "{cell:?} {anchor:?} {lw}"
    );
    found
}

/// The best-first search over the raster `xs` x `rows` (see `place_label`).
fn search(
    xs: &[f64],
    rows: &[f64],
    spot: impl Fn(f64, f64) -> Option<f64>,
    free: impl Fn(f64, f64) -> bool,
    bound: impl Fn(f64, usize, usize) -> f64,
    blocked: impl Fn(f64, usize, usize) -> bool,
) -> Option<(f64, f64)> {
    let cols = xs.len();
    let mut heap: BinaryHeap<Reverse<Entry>> = BinaryHeap::new();
    for (row, &y) in rows.iter().enumerate() {
        heap.push(Reverse(Entry(Key(bound(y, 0, cols - 1)), row * cols, cols)));
    }
    while let Some(Reverse(Entry(_, idx, len))) = heap.pop() {
        let (row, col) = (idx / cols, idx % cols);
        let y = rows[row];
        if len > 0 && blocked(y, col, col + len - 1) {
            continue;
        }
        if len > RUN {
            let half = len / 2;
            for (c, n) in [(col, half), (col + half, len - half)] {
                heap.push(Reverse(Entry(
                    Key(bound(y, c, c + n - 1)),
                    row * cols + c,
                    n,
                )));
            }
            continue;
        }
        if len > 0 {
            for (c, &x) in xs.iter().enumerate().skip(col).take(len) {
                if let Some(dist) = spot(x, y) {
                    heap.push(Reverse(Entry(Key(dist), row * cols + c, 0)));
                }
            }
            continue;
        }
        if free(xs[col], y) {
            return Some((xs[col], y));
        }
    }
    None
}

/// What the search stands for: every spot's distance worked out, the spots sorted by it (in
/// raster order among equals) and free-tested in that order.
#[cfg(test)]
fn scan(
    xs: &[f64],
    rows: &[f64],
    spot: impl Fn(f64, f64) -> Option<f64>,
    free: impl Fn(f64, f64) -> bool,
) -> Option<(f64, f64)> {
    let mut spots: Vec<(Key, usize, f64, f64)> = rows
        .iter()
        .flat_map(|&y| xs.iter().map(move |&x| (x, y)))
        .enumerate()
        .filter_map(|(idx, (x, y))| spot(x, y).map(|d| (Key(d), idx, x, y)))
        .collect();
    spots.sort_by_key(|s| (s.0, s.1));
    spots
        .into_iter()
        .find(|&(_, _, x, y)| free(x, y))
        .map(|(_, _, x, y)| (x, y))
}

/// The longest run of a raster row the label search opens spot by spot.
const RUN: usize = 4;

/// An entry of the label search's heap: its key, the raster index of its (first) spot, and
/// how many spots of the row it stands for (0: the spot itself, keyed by its distance).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Entry(Key, usize, usize);

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
