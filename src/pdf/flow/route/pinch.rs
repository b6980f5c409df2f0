//! Room for an off-page connector in a cell that lanes pass down both sides of: the lanes
//! passing by are pushed out towards the column rule, far enough for a connector between them
//! and the line down the middle.
//!
//! In a narrow column (about 14 mm: nine or ten actors) a symbol's sides leave some 4.6 mm for
//! lane tracks, spread from the shortest shaft an arrowhead needs to the rule's clearance. With
//! a line coming straight down into the symbol and lanes from the rows above passing its top
//! inset on the side a connector enters at, the gap between them was 4.9-5.0 mm, short of the
//! 5.1 mm a 4.4 mm connector and its clearances need; moving the symbol down its cell (or
//! packing tighter) cannot help, since the lanes pass the whole cell. The connector then sat on
//! the passing lanes (generated seeds 287, 293 and 428 of the strict test). Here those lanes
//! take the outermost tracks, packed at most `PINCH_STEP` apart, so the connector fits beside
//! the middle line; when one side cannot take its passing lanes so, the other side is tried
//! (the connector may sit across the middle: its jog then crosses the line, with a gap).

use super::*;

/// The least distance between two pushed-out lane tracks: the spacing the route's own track
/// spread reaches with four tracks in one side (0.41 mm), still two separate lines in print.
const PINCH_STEP: f64 = 0.4 * MM;

/// How far from the column's centre line a lane passing a connector must run: the connector's
/// width, its clearance from the line down the middle (0.4 mm) and from the lane (0.3 mm, as
/// `plan_into_conns` blocks them), and a hair for rounding.
const NEED: f64 = CONN_W + 0.75 * MM;

/// One column side's lane tracks on one page: the runs in it and each run's slot.
pub(super) struct Side<'a> {
    pub(super) runs: &'a [LaneRun],
    /// (slot, slot count) of every run.
    pub(super) tracks: &'a [(usize, usize)],
    /// The runs of each (page, column centre in 0.1 pt, side).
    pub(super) keys: &'a BTreeMap<(usize, i64, i64), Vec<usize>>,
}

/// Pushes out the lanes passing the top inset of each symbol in `pinched` on the side its
/// connectors enter at (else the other), by rewriting `offs` (each run's distance from its
/// symbol's side). A side is only rewritten when all its tracks still fit, at least
/// `PINCH_STEP` apart, with the passing ones at `NEED` or more from the centre line.
pub(super) fn pinch<'g>(
    nodes: &[Node],
    plan: &Plan,
    grid: impl Fn(usize) -> &'g Grid,
    lanes: &Side<'_>,
    pinched: &[usize],
    offs: &mut [f64],
) {
    // Per column side: the slots that must run outside `NEED`.
    let mut wanted: BTreeMap<(usize, i64, i64), Vec<usize>> = BTreeMap::new();
    for &tg in pinched {
        let t = &nodes[tg];
        let cell = grid(t.page).cell(t);
        let into: Vec<usize> = (0..plan.edges.len())
            .filter(|&k| plan.edges[k].tgt == tg && nodes[plan.edges[k].src].page != t.page)
            .collect();
        // The side the connectors' lanes enter at first.
        let prefer = if into.iter().any(|&k| plan.edges[k].style == Style::LaneLeft)
            && !into
                .iter()
                .any(|&k| plan.edges[k].style == Style::LaneRight)
        {
            [-1, 1]
        } else {
            [1, -1]
        };
        for side in prefer {
            let key = (t.page, (t.x * 10.0).round() as i64, side);
            let Some(list) = lanes.keys.get(&key) else {
                continue;
            };
            let mut slots: Vec<usize> = list
                .iter()
                .filter(|&&i| {
                    let r = &lanes.runs[i];
                    r.y1 > cell.y0 && r.y0 < t.top + 0.3 * MM && !into.contains(&r.edge)
                })
                .map(|&i| lanes.tracks[i].0)
                .collect();
            if slots.is_empty() {
                continue;
            }
            slots.extend(wanted.get(&key).into_iter().flatten());
            slots.sort_unstable();
            slots.dedup();
            if spread(lanes, list, &slots).is_some() {
                wanted.insert(key, slots);
                break;
            }
        }
    }
    for (key, slots) in wanted {
        let list = &lanes.keys[&key];
        if let Some(at) = spread(lanes, list, &slots) {
            for &i in list {
                offs[i] = at[lanes.tracks[i].0] - lanes.runs[i].inner;
            }
        }
    }
}

/// The distance from the column's centre line of each slot of one column side, the `outer`
/// slots outermost (in slot order) at `NEED` or more, the rest inside them; None when they do
/// not fit `PINCH_STEP` apart between the arrowheads' shortest shaft and the rule's clearance.
fn spread(lanes: &Side<'_>, list: &[usize], outer: &[usize]) -> Option<Vec<f64>> {
    let runs = lanes.runs;
    let n = list.iter().map(|&i| lanes.tracks[i].1).max().unwrap_or(0);
    // The tightest bounds of any run in the side (their symbols may differ in width).
    let hi = list
        .iter()
        .map(|&i| runs[i].inner + runs[i].room - 0.95 * RULE_GAP)
        .fold(f64::MAX, f64::min);
    let lo = list
        .iter()
        .map(|&i| runs[i].inner + ARROW_LEN + 0.45 * MM)
        .fold(f64::MIN, f64::max);
    let m = outer.len();
    let step = if m > 1 {
        ((hi - NEED) / (m - 1) as f64).min(0.6 * MM)
    } else {
        0.0
    };
    if hi < NEED || (m > 1 && step < PINCH_STEP) {
        return None;
    }
    let inner: Vec<usize> = (0..n).filter(|s| !outer.contains(s)).collect();
    let inner_top = hi - step * (m.max(1) - 1) as f64;
    let inner_step = if inner.is_empty() {
        0.0
    } else {
        ((inner_top - lo) / inner.len() as f64).min(0.6 * MM)
    };
    if !inner.is_empty() && inner_step < PINCH_STEP {
        return None;
    }
    let mut at = vec![0.0; n];
    for (j, &s) in outer.iter().enumerate() {
        at[s] = hi - step * j as f64;
    }
    for (j, &s) in inner.iter().enumerate() {
        at[s] = inner_top - inner_step * (j + 1) as f64;
    }
    Some(at)
}

/// The jog under a source symbol where a shortened lane (`shorten`) turns to its connector,
/// and the connector's top: the jog clear of the symbol, the connector a shaft's hair below.
pub(super) fn short_conn_y(s: &Node) -> (f64, f64) {
    let jy = s.bottom + 1.2 * MM;
    (jy, jy + 0.8 * MM)
}

/// The page-crossing lanes to shorten for the symbol `tg`, whose connectors found no room
/// even with the lanes passing its cell pushed out: in a narrow column with lanes down both
/// sides and a line down the middle there is no connector's width left anywhere in its top
/// inset (generated seed 1474: a 14 mm column, two Ya lanes left and a Tidak lane right, all
/// from decisions higher up on their way to connectors under the table, and two connectors
/// into one side). Such a lane from a symbol above `tg` in its column ends instead at a
/// connector under its own symbol, in its own cell, when that cell has the room, so it no
/// longer passes `tg`.
pub(super) fn shorten(nodes: &[Node], plan: &Plan, grids: &[Grid], tg: usize) -> Vec<usize> {
    let t = &nodes[tg];
    let empty = Grid::default();
    plan.edges
        .iter()
        .enumerate()
        .filter(|&(_, e)| {
            let s = &nodes[e.src];
            let cell = grids.get(s.page.wrapping_sub(1)).unwrap_or(&empty).cell(s);
            e.style != Style::Down
                && s.page == t.page
                && nodes[e.tgt].page != s.page
                && (s.x - t.x).abs() < 0.05
                && s.bottom < t.top
                && cell.y1 - short_conn_y(s).1 >= CONN_H + CLEAR
        })
        .map(|(k, _)| k)
        .collect()
}
