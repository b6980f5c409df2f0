//! Off-page connectors: the target-side connectors of one symbol planned together in one or
//! two rows, and the free-spot search that places a single connector.

use super::*;

/// Where the connector of a page-crossing edge sits on its target's page: its centre and
/// top, and for a lane the height of the jog that joins it to the lane.
#[derive(Clone, Copy, Debug)]
pub(super) struct IntoConn {
    pub(super) x: f64,
    pub(super) top: f64,
    pub(super) jog: f64,
}

/// Room a second row of target-side connectors takes: a connector and the gap where the
/// first row's lines turn off to their lanes.
pub(crate) const TIER: f64 = CONN_H + 1.2 * MM;

/// The lane runs, each run's track x, and the run of each (edge, page).
pub(super) type Lanes<'a> = (
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
/// fall back to the one-by-one search), each with whether more rows could take them at all
/// (a symbol whose connectors no number of rows fits gains nothing from moving down).
pub(super) fn plan_into_conns<'g>(
    nodes: &[Node],
    plan: &Plan,
    grid: impl Fn(usize) -> &'g Grid,
    (runs, lane_x, run_of): Lanes<'_>,
    top_entry: &[bool],
    tight: &[usize],
) -> (BTreeMap<usize, IntoConn>, Vec<(usize, bool)>) {
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
            crowded.push((tg, false));
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
        let fit_gap = |row: &[usize], base: &[(f64, f64)], gap: f64| {
            let wish: Vec<f64> = row.iter().map(|&k| line_x(k).clamp(lo, hi)).collect();
            let blocked: Vec<Vec<(f64, f64)>> =
                row.iter().map(|&k| blocked_for(k, row, base)).collect();
            pack(&wish, &blocked, (lo, hi), gap)
        };
        let fit = |row: &[usize], base: &[(f64, f64)]| fit_gap(row, base, gap);
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
        let plain = orders.len();
        let mut one_row = orders
            .iter()
            .enumerate()
            .find_map(|(i, order)| fit(order, &base).map(|xs| (i, xs)));
        // A symbol whose cell has no room for a second row (`route_fitting` could not move
        // it down) first lets a side's innermost lane take the outermost place, its
        // connector on its own line and the others' between it and the middle (their jogs
        // cross its line, with a gap): with three lanes into one side and a line down the
        // middle, the others' lines left the outermost connector no room at the column's
        // edge (generated seed 674). Only then its connectors go closer together in one row,
        // down to a hair's gap, before the one-by-one search that lets them overlap.
        if one_row.is_none() && tight.contains(&tg) {
            if nl > 1 {
                let mut o = ks.clone();
                let k = o.remove(nl - 1);
                o.insert(0, k);
                orders.push(o);
            }
            if nr > 1 {
                let mut o = ks.clone();
                let k = o.remove(o.len() - nr);
                o.push(k);
                orders.push(o);
            }
            one_row = orders
                .iter()
                .enumerate()
                .skip(plain)
                .find_map(|(i, order)| fit(order, &base).map(|xs| (i, xs)));
        }
        if one_row.is_none() && tight.contains(&tg) {
            one_row = [0.45, 0.3, 0.15].into_iter().find_map(|c| {
                orders
                    .iter()
                    .enumerate()
                    .find_map(|(i, order)| fit_gap(order, &base, CONN_W + c * MM).map(|xs| (i, xs)))
            });
        }
        let one_row = one_row.map(|(i, xs)| (orders.swap_remove(i), xs));
        let (order, xs, row_top) = if let Some((order, xs)) = one_row {
            (order, xs, top)
        } else {
            // More rows, as many as the inset has room for (symbol.typ keeps one more per
            // row's worth of connectors; `make_room` moves a symbol down for more): each row
            // but the last takes the outermost lanes of each side still unplaced, which turn
            // off to their lanes just under it and pass the rows below.
            let rows = (0..)
                .take_while(|&r| t.top - (top + TIER * r as f64 + CONN_H) >= SHAFT + 0.3 * MM)
                .count();
            let ctx = Rows {
                style: &style,
                line_x: &line_x,
                fit: &fit,
                common: &common,
                reach,
            };
            let Some(placed) = rows_from(&ctx, 0, rows, top, &ks, &[]) else {
                // As many rows as connectors is the most any split uses: when even those
                // fail (a lone connector; lanes passing every row's spots), moving the
                // symbol down only spends `route_fitting`'s rounds (generated seeds 1609
                // and 2311 moved it until they ran out, before the fallbacks).
                let more = rows_from(&ctx, 0, ks.len().max(rows + 1), top, &ks, &[]).is_some();
                crowded.push((tg, more));
                continue;
            };
            let (last, upper) = placed.split_last().expect("at least one row");
            for (r, (first, xs1)) in upper.iter().enumerate() {
                let top_r = top + TIER * r as f64;
                // The row turns off to its lanes just under itself, the outermost highest,
                // all above the next row.
                let n_side = |side: Style| first.iter().filter(|&&k| style(k) == side).count();
                for (side, list) in [
                    (Style::LaneLeft, first.clone()),
                    (Style::LaneRight, first.iter().rev().copied().collect()),
                ] {
                    let n = n_side(side);
                    let step = if n > 1 {
                        (0.3 * MM).min(0.6 * MM / (n - 1) as f64)
                    } else {
                        0.0
                    };
                    let mut rank = 0;
                    for k in list {
                        if style(k) == side {
                            let i = first.iter().position(|&o| o == k).unwrap_or(0);
                            let jog = top_r + CONN_H + 0.3 * MM + step * rank as f64;
                            out.insert(
                                k,
                                IntoConn {
                                    x: xs1[i],
                                    top: top_r,
                                    jog,
                                },
                            );
                            rank += 1;
                        }
                    }
                }
            }
            (
                last.0.clone(),
                last.1.clone(),
                top + TIER * upper.len() as f64,
            )
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
pub(super) fn pack(
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
pub(super) fn free_x(
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

/// Packs a row of connectors clear of the given spans: their centres, or None.
type Fit<'a> = dyn Fn(&[usize], &[(f64, f64)]) -> Option<Vec<f64>> + 'a;

/// What `rows_from` needs of one symbol's connectors: how each edge enters, the x of its line, the packing of one row and the spans every row
/// keeps clear.
struct Rows<'a> {
    style: &'a dyn Fn(usize) -> Style,
    line_x: &'a dyn Fn(usize) -> f64,
    fit: &'a Fit<'a>,
    common: &'a dyn Fn(f64, f64) -> Vec<(f64, f64)>,
    reach: f64,
}

/// The connectors `rest` in rows `r..rows` (row r's top at `top + r * TIER`), each row's
/// edges with their centres, top row first; `passing` are the lanes of the rows above, which
/// run down past these rows. The last row takes all that is left (a downward edge always
/// there, nearest the symbol); a row above takes the outermost lanes of each side, as many of
/// each side as let the rows below fit, the fewest first, else more of one side than the
/// other. None when no split fits.
fn rows_from(
    c: &Rows<'_>,
    r: usize,
    rows: usize,
    top: f64,
    rest: &[usize],
    passing: &[usize],
) -> Option<Vec<(Vec<usize>, Vec<f64>)>> {
    if r >= rows {
        return None;
    }
    let row_top = top + TIER * r as f64;
    let mut base = (c.common)(row_top, row_top + CONN_H);
    for &k in passing {
        let x = (c.line_x)(k);
        base.push((x - c.reach, x + c.reach));
    }
    if r > 0
        && let Some(xs) = (c.fit)(rest, &base)
    {
        return Some(vec![(rest.to_vec(), xs)]);
    }
    if r + 1 >= rows {
        return None;
    }
    let lanes = |want: Style| rest.iter().filter(|&&k| (c.style)(k) == want).count();
    let (nl, nr) = (lanes(Style::LaneLeft), lanes(Style::LaneRight));
    // As many of each side first (the fewest that work), then one side more than the other:
    // a row boxed in by a passing lane or a line down the middle may take only one side.
    let mut splits: Vec<(usize, usize)> =
        (1..=nl.max(nr)).map(|m| (m.min(nl), m.min(nr))).collect();
    for a in 0..=nl {
        for b in 0..=nr {
            if a + b > 0 && !splits.contains(&(a, b)) {
                splits.push((a, b));
            }
        }
    }
    splits.into_iter().find_map(|(ml, mr)| {
        // `rest` keeps the order of `ks`: left lanes first, right lanes last.
        let first: Vec<usize> = rest
            .iter()
            .enumerate()
            .filter(|&(i, &k)| match (c.style)(k) {
                Style::LaneLeft => i < ml,
                Style::LaneRight => i >= rest.len() - mr,
                Style::Down => false,
            })
            .map(|(_, &k)| k)
            .collect();
        let second: Vec<usize> = rest
            .iter()
            .copied()
            .filter(|k| !first.contains(k))
            .collect();
        if second.is_empty() {
            return None;
        }
        let xs1 = (c.fit)(&first, &base)?;
        let mut below: Vec<usize> = passing.to_vec();
        below.extend(&first);
        let mut v = rows_from(c, r + 1, rows, top, &second, &below)?;
        v.insert(0, (first, xs1));
        Some(v)
    })
}
