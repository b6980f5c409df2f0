//! The layout checker: after routing, reads the drawing against the table and reports every
//! place where the flowchart could mislead on paper (a line through a symbol, a label or text;
//! two edges on one segment; a label on a rule or out of its cell; a symbol out of its cell;
//! a line running along a rule; an arrow without a shaft).

use super::route::{
    ARROW_LEN, Drawing, Grid, MM, Node, P, RULE_GAP, Rect, TO_END, polys_overlap, rect_poly,
    seg_hits_polygon,
};

/// One problem of the laid-out flowchart: which SOP (index in the document), which step, and
/// what, in Bahasa Indonesia for the build's warning.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// Index of the SOP within the document (0 for a single SOP document).
    pub sop: i64,
    /// The step the problem belongs to.
    pub step: i64,
    /// 1-based page.
    pub page: usize,
    /// What is wrong.
    pub what: String,
}

fn step_name(to: i64) -> String {
    if to == TO_END {
        String::from("akhir (selesai)")
    } else {
        format!("langkah {to}")
    }
}

fn wire_name(from: i64, to: i64, join: bool) -> String {
    if join {
        format!("garis penghubung pelaksana langkah {from}")
    } else {
        format!("garis dari langkah {from} ke {}", step_name(to))
    }
}

/// The step whose row holds y on a page (for naming where text was cut).
fn row_step(nodes: &[Node], grid: &Grid, page: usize, y: f64) -> Option<i64> {
    nodes
        .iter()
        .filter(|n| n.page == page && !n.end)
        .find(|n| {
            let c = grid.cell(n);
            c.y0 <= y && y <= c.y1
        })
        .map(|n| n.step)
}

/// The box of a set of points (as `seg_hits_polygon` works it out for its early no).
fn bbox(pts: &[P]) -> Rect {
    pts.iter()
        .fold(Rect::new(f64::MAX, f64::MAX, f64::MIN, f64::MIN), |r, p| {
            Rect::new(r.x0.min(p.0), r.y0.min(p.1), r.x1.max(p.0), r.y1.max(p.1))
        })
}

/// Checks a routed drawing against the symbols and the tables it sits on.
pub(crate) fn check(nodes: &[Node], d: &Drawing, grids: &[Grid]) -> Vec<Violation> {
    let empty = Grid::default();
    let grid = |page: usize| grids.get(page.wrapping_sub(1)).unwrap_or(&empty);
    let mut out: Vec<Violation> = Vec::new();
    let mut report = |sop: i64, step: i64, page: usize, what: String| {
        let v = Violation {
            sop,
            step,
            page,
            what,
        };
        if !out.contains(&v) {
            out.push(v);
        }
    };
    // Symbols inside their actor's cell, clear of every rule.
    for n in nodes {
        let g = grid(n.page);
        let r = n.rect();
        let cell = g.cell(n);
        let crosses_rule =
            g.h.iter()
                .any(|&(y, x0, x1)| y > r.y0 + 0.05 && y < r.y1 - 0.05 && x1 > r.x0 && x0 < r.x1)
                || g.v.iter().any(|&(x, y0, y1)| {
                    x > r.x0 + 0.05 && x < r.x1 - 0.05 && y1 > r.y0 && y0 < r.y1
                });
        if !r.within(&cell.grow(0.05)) || crosses_rule {
            report(
                n.sop,
                n.step,
                n.page,
                format!("simbol langkah {} keluar dari selnya", n.step),
            );
        }
    }
    // Each symbol's outline once (the loops below ask for it per segment, label and connector).
    let outlines: Vec<Vec<P>> = nodes.iter().map(Node::outline).collect();
    let boxes: Vec<Rect> = outlines.iter().map(|o| bbox(o)).collect();
    for (wi, w) in d.wires.iter().enumerate() {
        let g = grid(w.page);
        let name = wire_name(w.from, w.to, w.join);
        let segs: Vec<(P, P)> = w.pts.windows(2).map(|p| (p[0], p[1])).collect();
        // Only the symbols and texts whose box reaches the line's box can be cut by one of
        // its segments (both tests answer no for boxes apart), so only those are tested, in
        // the same order: every segment against every text of the page was most of the
        // checker's own 10M instructions per 100 SOPs (callgrind).
        let reach = bbox(&w.pts);
        let apart =
            |r: &Rect| reach.x1 < r.x0 || r.x1 < reach.x0 || reach.y1 < r.y0 || r.y1 < reach.y0;
        let near_nodes: Vec<usize> = (0..nodes.len())
            .filter(|&ni| nodes[ni].page == w.page && !w.ends.contains(&ni) && !apart(&boxes[ni]))
            .collect();
        let near_texts: Vec<&Rect> = g
            .texts
            .iter()
            .filter(|t| !apart(&bbox(&rect_poly(t))))
            .collect();
        for &(a, b) in &segs {
            for &ni in &near_nodes {
                let n = &nodes[ni];
                if seg_hits_polygon(a, b, &outlines[ni]) {
                    report(
                        w.sop,
                        w.from,
                        w.page,
                        format!("{name} memotong simbol langkah {}", n.step),
                    );
                }
            }
            for l in d.labels.iter().filter(|l| l.page == w.page) {
                if l.rect.cut_by(a, b) {
                    report(
                        w.sop,
                        w.from,
                        w.page,
                        format!("{name} memotong label \"{}\" langkah {}", l.text, l.from),
                    );
                }
            }
            for &t in &near_texts {
                if t.cut_by(a, b) {
                    let at = row_step(nodes, g, w.page, (t.y0 + t.y1) / 2.0);
                    let where_ = at.map_or(String::from("di kepala tabel"), |s| {
                        format!("di langkah {s}")
                    });
                    report(
                        w.sop,
                        w.from,
                        w.page,
                        format!("{name} memotong teks {where_}"),
                    );
                }
            }
            for (ci, c) in d.conns.iter().enumerate() {
                if c.page == w.page && w.conn != Some(ci) && seg_hits_polygon(a, b, &c.poly()) {
                    report(
                        w.sop,
                        w.from,
                        w.page,
                        format!("{name} memotong penghubung halaman {}", c.num),
                    );
                }
            }
            // A line running along a rule reads as a double rule.
            let horizontal = (a.1 - b.1).abs() < 0.01;
            let vertical = (a.0 - b.0).abs() < 0.01;
            let along = if horizontal {
                let (lo, hi) = (a.0.min(b.0), a.0.max(b.0));
                g.h.iter().any(|&(y, x0, x1)| {
                    (y - a.1).abs() < RULE_GAP * 0.9 && x1.min(hi) - x0.max(lo) > 0.3 * MM
                })
            } else if vertical {
                let (lo, hi) = (a.1.min(b.1), a.1.max(b.1));
                g.v.iter().any(|&(x, y0, y1)| {
                    (x - a.0).abs() < RULE_GAP * 0.9 && y1.min(hi) - y0.max(lo) > 0.3 * MM
                })
            } else {
                false
            };
            if along {
                report(
                    w.sop,
                    w.from,
                    w.page,
                    format!("{name} berimpit dengan garis tabel"),
                );
            }
            // Two edges on one segment.
            for o in d.wires.iter().skip(wi + 1).filter(|o| o.page == w.page) {
                for os in o.pts.windows(2) {
                    if collinear_overlap((a, b), (os[0], os[1])) {
                        report(
                            w.sop,
                            w.from,
                            w.page,
                            format!("{name} berimpit dengan {}", wire_name(o.from, o.to, o.join)),
                        );
                    }
                }
            }
        }
    }
    // Arrowheads need a visible shaft behind them.
    for a in &d.arrows {
        let shaft = d
            .wires
            .iter()
            .filter(|w| w.page == a.page && w.pts.last() == Some(&a.tip))
            .map(|w| {
                let n = w.pts.len();
                let (p, q) = (w.pts[n - 2], w.pts[n - 1]);
                (p.0 - q.0).abs() + (p.1 - q.1).abs()
            })
            .fold(0.0, f64::max);
        if shaft < ARROW_LEN + 0.4 * MM - 0.01 {
            let w = d
                .wires
                .iter()
                .find(|w| w.page == a.page && w.pts.last() == Some(&a.tip));
            let (sop, from, to) = w.map_or((0, 0, 0), |w| (w.sop, w.from, w.to));
            report(
                sop,
                from,
                a.page,
                format!(
                    "panah dari langkah {from} ke {} tanpa batang garis",
                    step_name(to)
                ),
            );
        }
    }
    // Labels: in free space inside their cell.
    for (li, l) in d.labels.iter().enumerate() {
        let g = grid(l.page);
        let who = format!("label \"{}\" langkah {}", l.text, l.from);
        let r = l.rect;
        if !r.within(&l.cell) || rule_cuts(g, &r) {
            report(
                l.sop,
                l.from,
                l.page,
                format!("{who} keluar dari selnya atau menimpa garis tabel"),
            );
        }
        let rp = rect_poly(&r);
        let hits_symbol = nodes
            .iter()
            .zip(&outlines)
            .any(|(n, o)| n.page == l.page && polys_overlap(&rp, o));
        let hits_text = g.texts.iter().any(|t| t.overlaps(&r));
        let hits_label = d
            .labels
            .iter()
            .enumerate()
            .any(|(k, o)| k != li && o.page == l.page && o.rect.overlaps(&r));
        let hits_conn = d
            .conns
            .iter()
            .any(|c| c.page == l.page && polys_overlap(&rp, &c.poly()));
        if hits_symbol || hits_text || hits_label || hits_conn {
            report(
                l.sop,
                l.from,
                l.page,
                format!("{who} menimpa simbol, teks atau label lain"),
            );
        }
    }
    // Connectors: clear of rules, symbols, text and each other.
    for (ci, c) in d.conns.iter().enumerate() {
        if d.conns
            .iter()
            .skip(ci + 1)
            .any(|o| o.page == c.page && o.rect.overlaps(&c.rect))
        {
            report(
                c.sop,
                c.from,
                c.page,
                format!("penghubung halaman {} menimpa penghubung lain", c.num),
            );
        }
        let g = grid(c.page);
        let cp = c.poly();
        if rule_cuts(g, &c.rect)
            || g.texts.iter().any(|t| t.overlaps(&c.rect))
            || nodes
                .iter()
                .zip(&outlines)
                .any(|(n, o)| n.page == c.page && polys_overlap(&cp, o))
        {
            report(
                c.sop,
                c.from,
                c.page,
                format!(
                    "penghubung halaman {} (langkah {} ke {}) menimpa garis tabel, simbol atau teks",
                    c.num,
                    c.from,
                    step_name(c.to)
                ),
            );
        }
    }
    out
}

/// Whether a text of the table runs on past its row's rule, as it would in a row fixed lower
/// than its text (flow.typ, `baris`); Typst's auto rows never let that happen.
///
/// The test is exact for the default theme's top-aligned cells: a row's last line has its
/// baseline at least an inset above the rule under it, and the next row's first line has its
/// baseline an inset plus a cap height below that rule. No line of its own row has its
/// baseline between the two; text running on past the rule always has one there, since the
/// gap (2.4 mm and a cap height) is wider than the distance between two lines (a cap height
/// and 0.45 em of leading) at any size up to 15 pt.
pub(crate) fn cut_texts(nodes: &[Node], grids: &[Grid]) -> bool {
    const EPS: f64 = 0.1;
    // The table's vertical cell inset (flow.typ), in pt.
    let inset = super::columns::INSET_Y * MM;
    grids.iter().enumerate().any(|(i, g)| {
        // The rules above and below the steps' rows: a header cell two rows high is centred
        // across the rule between its rows, which does not pass through it.
        let rows: Vec<f64> = nodes
            .iter()
            .filter(|n| n.page == i + 1 && !n.end)
            .flat_map(|n| {
                let c = g.cell(n);
                [c.y0, c.y1]
            })
            .collect();
        let body: Vec<&(f64, f64, f64)> =
            g.h.iter()
                .filter(|(y, ..)| rows.iter().any(|&r| (r - y).abs() < 0.01))
                .collect();
        g.baselines.iter().any(|&(b, x0, x1, cap)| {
            body.iter().any(|&&(y, rx0, rx1)| {
                rx1 > x0 + EPS && rx0 < x1 - EPS && b > y - inset + EPS && b < y + inset + cap - EPS
            })
        })
    })
}

/// Whether a rule of the table passes through the box.
fn rule_cuts(g: &Grid, r: &Rect) -> bool {
    g.h.iter()
        .any(|&(y, x0, x1)| y > r.y0 && y < r.y1 && x1 > r.x0 && x0 < r.x1)
        || g.v
            .iter()
            .any(|&(x, y0, y1)| x > r.x0 && x < r.x1 && y1 > r.y0 && y0 < r.y1)
}

/// Whether two axis-parallel segments lie on one line and share more than a point.
fn collinear_overlap(s: (P, P), o: (P, P)) -> bool {
    let ((a, b), (c, e)) = (s, o);
    let eps = 0.2 * MM;
    if (a.1 - b.1).abs() < 0.01 && (c.1 - e.1).abs() < 0.01 && (a.1 - c.1).abs() < eps {
        let (l0, h0) = (a.0.min(b.0), a.0.max(b.0));
        let (l1, h1) = (c.0.min(e.0), c.0.max(e.0));
        return h0.min(h1) - l0.max(l1) > eps;
    }
    if (a.0 - b.0).abs() < 0.01 && (c.0 - e.0).abs() < 0.01 && (a.0 - c.0).abs() < eps {
        let (l0, h0) = (a.1.min(b.1), a.1.max(b.1));
        let (l1, h1) = (c.1.min(e.1), c.1.max(e.1));
        return h0.min(h1) - l0.max(l1) > eps;
    }
    false
}

/// The rules and text boxes of a laid-out page, read from its frames (before sopan draws on
/// it): the geometry the checker holds the flowchart against.
pub(crate) fn grid_of(frame: &typst::layout::Frame) -> Grid {
    use typst::layout::{FrameItem, Point};
    use typst::visualize::Geometry;
    fn walk(frame: &typst::layout::Frame, at: Point, g: &mut Grid) {
        for (pos, item) in frame.items() {
            let p = at + *pos;
            let (x, y) = (p.x.to_pt(), p.y.to_pt());
            match item {
                // Tables and pages only translate; a transformed group is skipped.
                FrameItem::Group(group) if group.transform.is_identity() => {
                    walk(&group.frame, p, g);
                }
                FrameItem::Shape(shape, _) if shape.stroke.is_some() => match &shape.geometry {
                    Geometry::Line(delta) => {
                        let (dx, dy) = (delta.x.to_pt(), delta.y.to_pt());
                        if dy.abs() < 0.01 {
                            g.h.push((y, x.min(x + dx), x.max(x + dx)));
                        } else if dx.abs() < 0.01 {
                            g.v.push((x, y.min(y + dy), y.max(y + dy)));
                        }
                    }
                    Geometry::Rect(size) => {
                        let (w, h) = (size.x.to_pt(), size.y.to_pt());
                        g.h.push((y, x, x + w));
                        g.h.push((y + h, x, x + w));
                        g.v.push((x, y, y + h));
                        g.v.push((x + w, y, y + h));
                    }
                    _ => {}
                },
                FrameItem::Text(t) => {
                    let size = t.size;
                    let m = t.font.metrics();
                    let asc = m.ascender.at(size).to_pt();
                    let desc = m.descender.at(size).to_pt();
                    let w = t.width().to_pt();
                    // Descender is negative in Typst's metrics.
                    g.texts.push(Rect::new(x, y - asc, x + w, y - desc));
                    // Blank text shows nothing to cut (and a line of it has no cap height).
                    if !t.text.trim().is_empty() {
                        g.baselines
                            .push((y, x, x + w, m.cap_height.at(size).to_pt()));
                    }
                }
                _ => {}
            }
        }
    }
    let mut g = Grid::default();
    walk(frame, Point::zero(), &mut g);
    g
}

#[cfg(test)]
mod tests {
    use super::super::route::Wire;
    use super::*;

    #[test]
    fn overlapping_collinear_segments_are_found() {
        let m = MM;
        assert!(collinear_overlap(
            ((0.0, 10.0), (20.0 * m, 10.0)),
            ((10.0 * m, 10.0), (30.0 * m, 10.0))
        ));
        assert!(!collinear_overlap(
            ((0.0, 10.0), (20.0 * m, 10.0)),
            ((20.0 * m, 10.0), (30.0 * m, 10.0))
        ));
    }

    /// The symbols and texts each line is tested against are those near it: a line through
    /// a symbol or a text (straight or slanted) is still reported, one that only touches
    /// their boxes' edges or passes them is not.
    #[test]
    fn lines_are_tested_against_the_symbols_and_texts_near_them() {
        let node = |step: i64, x: f64, top: f64| Node {
            sop: 0,
            step,
            actor: 0,
            kind: String::from("proses"),
            end: false,
            page: 1,
            x,
            top,
            cy: top + 10.0,
            bottom: top + 20.0,
            w: 30.0,
            cw: 200.0,
            out: vec![],
        };
        let nodes = [
            node(1, 100.0, 0.0),
            node(2, 100.0, 100.0),
            node(3, 300.0, 50.0),
        ];
        let grid = Grid {
            texts: vec![
                Rect::new(180.0, 40.0, 220.0, 50.0),
                Rect::new(500.0, 500.0, 520.0, 510.0),
            ],
            ..Grid::default()
        };
        let wire = |from: i64, pts: Vec<P>| Wire {
            sop: 0,
            page: 1,
            from,
            to: from + 1,
            join: false,
            pts,
            ends: vec![0],
            conn: None,
        };
        let cuts = |pts: Vec<P>| -> Vec<String> {
            let d = Drawing {
                wires: vec![wire(1, pts)],
                ..Drawing::default()
            };
            check(&nodes, &d, std::slice::from_ref(&grid))
                .into_iter()
                .map(|v| v.what)
                .filter(|w| w.contains("memotong"))
                .collect()
        };
        // Down through step 2's box; right through step 3; across the first text.
        let down = cuts(vec![(100.0, 20.0), (100.0, 135.0)]);
        assert!(
            down.iter().any(|w| w.contains("simbol langkah 2")),
            "{down:?}"
        );
        let right = cuts(vec![(150.0, 45.0), (150.0, 60.0), (400.0, 60.0)]);
        assert!(
            right.iter().any(|w| w.contains("simbol langkah 3")),
            "{right:?}"
        );
        let across = cuts(vec![(150.0, 45.0), (400.0, 45.0)]);
        assert!(across.iter().any(|w| w.contains("teks")), "{across:?}");
        let slanted = cuts(vec![(150.0, 30.0), (250.0, 60.0)]);
        assert!(slanted.iter().any(|w| w.contains("teks")), "{slanted:?}");
        // Along the edges only, and far from everything.
        assert!(cuts(vec![(85.0, 100.0), (85.0, 120.0), (180.0, 120.0)]).is_empty());
        assert!(cuts(vec![(600.0, 0.0), (600.0, 300.0)]).is_empty());
    }
}
