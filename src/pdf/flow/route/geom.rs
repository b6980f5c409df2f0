//! Plane geometry for the router: boxes, the separating-axis test of segments and convex
//! polygons, symbol shapes, and the table's rules (`Grid`).

use super::*;

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
    // The polygon's edge normals, then the segment's, in that order (worked out as they are
    // tested rather than gathered in a `Vec`: an allocation for each of the checker's 36,000
    // tests per 100 SOPs).
    let n = poly.len();
    let axes = (0..n)
        .map(|i| {
            let (p, q) = (poly[i], poly[(i + 1) % n]);
            (-(q.1 - p.1), q.0 - p.0)
        })
        .chain(std::iter::once((-(b.1 - a.1), b.0 - a.0)));
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
#[inline]
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
pub(super) struct Shape {
    pts: Vec<P>,
    bbox: (f64, f64, f64, f64),
    axes: Vec<(f64, f64, f64, f64, f64)>,
}

impl Shape {
    pub(super) fn new(pts: Vec<P>) -> Self {
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
    pub(super) fn overlaps(&self, a: &[P]) -> bool {
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
    /// Each text's baseline: (y, x0, x1, cap height), for `check::cut_texts`.
    pub(crate) baselines: Vec<(f64, f64, f64, f64)>,
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
    pub(super) fn table_bottom(&self, x: f64, fallback: f64) -> f64 {
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
#[cfg(test)]
mod shape_tests {
    use super::super::label::label_rect;
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
