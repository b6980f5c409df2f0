//! `route_once`: every edge as lines, arrowheads, connectors and labels, page by page (lane
//! tracks, off-page connectors on both sides, gaps where lines must not touch).

use super::connector::{free_x, plan_into_conns};
use super::label::{label_rect, place_label};
use super::pinch::{Side, pinch, short_conn_y};
use super::*;

pub(super) fn route_once(
    nodes: &[Node],
    plan: &Plan,
    grids: &[Grid],
    width: &dyn Fn(&str) -> f64,
    (tight, pinched, under, short): (&[usize], &[usize], &[usize], &[usize]),
) -> (Drawing, Vec<(usize, bool)>, Vec<usize>) {
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
            // A shortened lane ends at its jog under the symbol (`pinch::shorten`).
            let end = if short.contains(&k) && !under.contains(&k) {
                short_conn_y(s).0
            } else {
                grid(s.page).table_bottom(s.x, s.bottom + 3.0 * MM) + CLEAR
            };
            runs.push(run(s.page, s, s.cy, end));
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
    // Three or more tracks in one side's room take all of it: from the shortest shaft the
    // checker accepts to just outside the rule's clearance it checks. Each run's offset from
    // its symbol's side, before `pinch` pushes lanes out for a crowded symbol's connectors.
    let mut offs: Vec<f64> = runs
        .iter()
        .zip(&tracks)
        .map(|(r, &(k, n))| {
            let (lo, hi) = if n >= 3 {
                (ARROW_LEN + 0.45 * MM, r.room - 0.95 * RULE_GAP)
            } else {
                (SHAFT, r.room - RULE_GAP)
            };
            if n <= 1 || hi <= lo {
                hi.max(lo.min(r.room * 0.75))
            } else {
                hi - (hi - lo) * k as f64 / (n as f64 - 1.0)
            }
        })
        .collect();
    if !pinched.is_empty() {
        let side = Side {
            runs: &runs,
            tracks: &tracks,
            keys: &keys,
        };
        pinch(nodes, plan, grid, &side, pinched, &mut offs);
    }
    let lane_x = |i: usize| {
        let r = &runs[i];
        r.col + r.side * (r.inner + offs[i])
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
        let mut slots: Vec<f64> = if incoming.len() + usize::from(has_exit) <= 5 {
            [0.0, -0.25, 0.25, -0.38, 0.38]
                .iter()
                .map(|f| f * h)
                .skip(usize::from(has_exit))
                .take(incoming.len())
                .collect()
        } else {
            // More lines than the five heights: spread them evenly over the side, pairs
            // about the middle (which the exit keeps), so none comes in on another's level
            // (five lanes into a side with an exit put the fifth on the exit's line).
            let pairs = incoming.len().div_ceil(2);
            let mut v: Vec<f64> = if has_exit || incoming.len() % 2 == 0 {
                Vec::new()
            } else {
                vec![0.0]
            };
            let pairs = if v.is_empty() {
                pairs
            } else {
                incoming.len() / 2
            };
            for j in 1..=pairs {
                let f = 0.4 * j as f64 / pairs as f64;
                v.push(-f * h);
                v.push(f * h);
            }
            v.truncate(incoming.len());
            v
        };
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
    // (`under`: edges whose label found no room beside a connector in the cell; `short`:
    // lanes that end in their cell so as not to pass a crowded symbol below.)
    let in_cell = |k: usize, s: &Node, style: Style| {
        let cell = grid(s.page).cell(s);
        ((style == Style::Down && cell.y1 - (s.bottom + 1.2 * MM) >= CONN_H + CLEAR)
            || short.contains(&k))
            && !under.contains(&k)
    };
    let mut below_total: BTreeMap<usize, usize> = BTreeMap::new();
    // The x each under-table edge comes down the table at (its lane, or the symbol's centre
    // for a downward edge): a connector routed before it must not be shifted onto that line,
    // which runs down past the table's bottom to its own connector or jog.
    let mut below_lines: BTreeMap<usize, Vec<(usize, f64)>> = BTreeMap::new();
    for (k, e) in plan.edges.iter().enumerate() {
        let (s, t) = (&nodes[e.src], &nodes[e.tgt]);
        if s.page != t.page && !in_cell(k, s, e.style) {
            *below_total.entry(s.page).or_insert(0) += 1;
            let x0 = if e.style == Style::Down {
                s.x
            } else {
                lane_x(run_of[&(k, s.page)])
            };
            below_lines.entry(s.page).or_default().push((k, x0));
        }
    }
    let (into_conns, crowded) = plan_into_conns(
        nodes,
        plan,
        grid,
        (&runs, &lane_x, &run_of),
        &top_entry,
        tight,
    );
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
            let (cx, ctop) = if in_cell(k, s, e.style) && e.style != Style::Down {
                // A shortened lane: from its track to a connector under the symbol, inside
                // the column, joined by a jog.
                let (jy, ctop) = short_conn_y(s);
                let (lo, hi) = (
                    cell.x0 + CONN_W / 2.0 + CLEAR,
                    cell.x1 - CONN_W / 2.0 - CLEAR,
                );
                let want = if lo <= hi { x0.clamp(lo, hi) } else { s.x };
                // Off the line down the symbol's middle too (a downward exit, or the line to
                // its own end terminator; generated seed 1609).
                let mut centre_too = avoid(s.page).clone();
                centre_too.push((s.x, s.bottom, cell.y1));
                let cx = free_x(&d, s.page, want, ctop, (lo, hi), (&centre_too, x0));
                pts.push((x0, jy));
                if (cx - x0).abs() > 0.05 {
                    pts.push((cx, jy));
                }
                pts.push((cx, ctop));
                (cx, ctop)
            } else if in_cell(k, s, e.style) {
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
    let mut unlabelled = Vec::new();
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
        // The other lines at the same symbol: a label must sit nearer its own line than
        // theirs, or "Ya" reads as the label of the "Tidak" line. A line from another page
        // coming into the symbol counts too (it starts at the symbol's connector); where that
        // leaves no spot, only the other exits do: an incoming line nearer the one cell with
        // room than the own lane put the label back onto the lines.
        let others = |exits_only: bool| -> Vec<(P, P)> {
            d.wires
                .iter()
                .enumerate()
                .filter(|&(i, o)| {
                    i != w
                        && !o.join
                        && o.page == s.page
                        && o.ends.first() == Some(&e.src)
                        && (!exits_only || o.from == s.step)
                })
                .flat_map(|(_, o)| segs(o))
                .collect()
        };
        let (sib, exits) = (others(false), others(true));
        // In the decision's own cell if it has room, else in a neighbouring actor cell of the
        // same row (never across a rule: the search keeps clear of every rule).
        let wide = Rect::new(cell.x0 - s.cw, cell.y0, cell.x1 + s.cw, cell.y1);
        let placed = [(cell, &sib), (wide, &sib), (cell, &exits), (wide, &exits)]
            .into_iter()
            .find_map(|(area, sib)| {
                place_label(nodes, &d, grid(s.page), s.page, area, (exit, &own, sib), lw)
                    .map(|p| (p, area))
            });
        // No free spot: a label beside a connector just under its decision may find one once
        // the connector goes under the table (`route_fitting` routes again); else it goes
        // beside the exit, for the checker to report.
        if placed.is_none() && nodes[e.tgt].page != s.page && in_cell(k, s, e.style) {
            unlabelled.push(k);
        }
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
    (d, crowded, unlabelled)
}

/// Page-crossing lanes that enter their target from the top on its page, as a downward edge
/// would: one per symbol that no downward edge enters, when three or more lanes enter or
/// leave one of its sides (a narrow column's side has room for few lane tracks; the
/// connector already breaks the line, so on its page it may come in from above).
pub(super) fn top_entries(nodes: &[Node], plan: &Plan) -> Vec<bool> {
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
