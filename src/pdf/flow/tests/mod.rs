//! Unit tests of the router and the checker on hand-made and generated symbol geometry.

use super::check;
use super::route::*;

mod checker;
mod connectors;
mod fuzz;
mod gaps;
mod pinch;
mod rows;
mod tight;

fn node(step: i64, page: usize, x: f64, y: f64, out: Vec<Out>) -> Node {
    Node {
        sop: 0,
        step,
        actor: 0,
        kind: String::from("proses"),
        end: false,
        page,
        x: x * MM,
        top: y * MM,
        cy: (y + 3.5) * MM,
        bottom: (y + 7.0) * MM,
        w: 16.0 * MM,
        cw: 24.0 * MM,
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

/// A generated step: its actors (indices, in the step's own order), kind and branches.
#[derive(Clone, Debug)]
struct GenStep {
    actors: Vec<usize>,
    kind: &'static str,
    /// Decision targets: `Some(0)` is `selesai`.
    ya: Option<usize>,
    tidak: Option<usize>,
    /// Height of the row's text (long kelengkapan lists make tall rows), mm.
    text_h: f64,
}

/// The edges a symbol declares, as `symbol.typ` writes them.
fn outs_for(step: &GenStep, nomor: usize, last: usize, decider: bool) -> (Vec<Out>, bool) {
    let lane = |to: i64, label: &str, style| Out {
        to,
        label: Some(label.to_string()),
        style,
    };
    let mut out = Vec::new();
    if step.kind == "keputusan" {
        if !decider {
            return (out, false);
        }
        let ends = step.ya == Some(0) || step.tidak == Some(0);
        let next = nomor + 1;
        let to_next = if ends { Style::LaneLeft } else { Style::Down };
        match step.ya {
            Some(0) => out.push(lane(TO_END, "Ya", Style::Down)),
            Some(to) if to <= last => out.push(lane(
                to as i64,
                "Ya",
                if to == next { to_next } else { Style::LaneLeft },
            )),
            _ => {}
        }
        match step.tidak {
            Some(0) => out.push(lane(
                TO_END,
                "Tidak",
                if step.ya == Some(0) {
                    Style::LaneRight
                } else {
                    Style::Down
                },
            )),
            Some(to) => out.push(lane(to as i64, "Tidak", Style::LaneRight)),
            None => {}
        }
        return (out, ends);
    }
    if nomor < last {
        out.push(down(nomor as i64 + 1));
    }
    (out, false)
}

/// Lays out a generated flow as the flow table would: F4 landscape, a repeated two-row
/// header, rows as tall as their text or their symbols, symbols 6 mm + 1 mm under the row
/// rule, centred in their actor column. Returns the symbols and each page's table.
fn lay_out(steps: &[GenStep], n_actors: usize) -> (Vec<Node>, Vec<Grid>) {
    let (page_top, page_bottom) = (20.0, 199.0);
    let header = 16.0;
    let x_table = 12.0;
    let avail = 306.0;
    let fixed = 8.0 + 32.0 + 17.0 + 32.0 + 26.0;
    let cw = ((avail - fixed - 62.0) / n_actors as f64).clamp(14.0, 24.0);
    let keg = avail - fixed - cw * n_actors as f64;
    // As flow.typ and symbol.typ size the symbols.
    // As symbol.typ: 5 mm each side for lanes in wide columns, 4.6 mm in narrow ones (at
    // least two lane tracks a side), never under a third of the column.
    let w = ((cw - 6.0).min(16.0))
        .min(cw - 10.0)
        .max((cw * 0.5).min(cw - 9.2))
        .max(cw * 0.35);
    let h = 7.0f64.min(w * 0.62);
    let actor_x0 = x_table + 8.0 + keg;
    let table_x1 = x_table + avail;
    let last = steps.len();
    // As symbols.rs counts the branches jumping into each step, and symbol.typ keeps a further
    // row of connectors' room above a step per row more it takes.
    let mut masuk = vec![0usize; last + 2];
    let mut lanes = Vec::new();
    for (k, st) in steps.iter().enumerate() {
        let ends = st.ya == Some(0) || st.tidak == Some(0);
        for (i, b) in [st.ya, st.tidak].into_iter().enumerate() {
            let Some(b) = b else { continue };
            // A branch to the next step is a lane (not the line straight down) as Tidak, or
            // as the Ya of a decision with a `selesai` branch.
            if b != 0 && (b != k + 2 || i == 1 || ends) && b <= last {
                masuk[b] += 1;
                // As symbols.rs: the lane's columns, for the sides it may pass.
                let right_lane = matches!(st.tidak, Some(t) if t != 0);
                let left_lane = matches!(st.ya, Some(t) if t != 0 && (ends || t != k + 2));
                let col = if right_lane || !left_lane {
                    st.actors.iter().max()
                } else {
                    st.actors.iter().min()
                };
                let there = &steps[b - 1].actors;
                let to_col = if i == 1 {
                    there.iter().max()
                } else {
                    there.iter().min()
                };
                lanes.push(super::symbols::Lane {
                    from: k + 1,
                    to: b,
                    col: *col.unwrap(),
                    to_col: *to_col.unwrap(),
                    right: i == 1,
                });
            }
        }
    }
    super::symbols::with_passing(&mut masuk, &lanes, |n| {
        steps
            .get(n.wrapping_sub(1))
            .map(|s| s.actors.clone())
            .unwrap_or_default()
    });
    let fits = super::symbols::per_row(cw);
    let mut nodes = Vec::new();
    let mut grids: Vec<Grid> = Vec::new();
    let mut page = 1;
    let mut y = page_top + header;
    let mut page_rows_top = page_top;
    let new_grid = |top: f64| {
        let mut g = Grid::default();
        g.h.push((top * MM, x_table * MM, table_x1 * MM));
        g.h.push(((top + header) * MM, x_table * MM, table_x1 * MM));
        for a in 0..n_actors {
            // Actor names in the header cells.
            let x0 = actor_x0 + cw * a as f64;
            g.texts.push(Rect::new(
                (x0 + 1.0) * MM,
                (top + 9.0) * MM,
                (x0 + cw - 1.0) * MM,
                (top + 14.0) * MM,
            ));
        }
        g
    };
    grids.push(new_grid(page_top));
    let finish_page = |g: &mut Grid, top: f64, bottom: f64| {
        let mut xs = vec![x_table, x_table + 8.0, actor_x0];
        for a in 1..=n_actors {
            xs.push(actor_x0 + cw * a as f64);
        }
        xs.push(table_x1);
        for x in xs {
            g.v.push((x * MM, top * MM, bottom * MM));
        }
    };
    for (k, st) in steps.iter().enumerate() {
        let nomor = k + 1;
        // As symbol.typ: the diamond in the outermost column on the side its lanes leave to.
        let right_lane = matches!(st.tidak, Some(t) if t != 0);
        let has_end = st.ya == Some(0) || st.tidak == Some(0);
        let left_lane = matches!(st.ya, Some(t) if t != 0 && (has_end || t != nomor + 1));
        let decider_actor = if right_lane || !left_lane {
            *st.actors.iter().max().unwrap()
        } else {
            *st.actors.iter().min().unwrap()
        };
        let ends = st.kind == "keputusan" && (st.ya == Some(0) || st.tidak == Some(0));
        let label_room = if st.kind == "keputusan" { 3.5 } else { 0.0 };
        let extra = super::symbols::extra_rows(masuk[nomor], fits) as f64 * TIER / MM;
        let sym_h = 7.0 + extra + h + label_room + if ends { 5.0 + h * 0.8 } else { 0.0 } + 3.0;
        let row_h = (st.text_h + 2.4).max(sym_h);
        if y + row_h > page_bottom && y > page_rows_top + header + 0.1 {
            finish_page(grids.last_mut().unwrap(), page_rows_top, y);
            page += 1;
            page_rows_top = page_top;
            y = page_top + header;
            grids.push(new_grid(page_top));
        }
        let g = grids.last_mut().unwrap();
        g.texts.push(Rect::new(
            (x_table + 9.0) * MM,
            (y + 1.2) * MM,
            (x_table + 8.0 + keg - 1.2) * MM,
            (y + 1.2 + st.text_h) * MM,
        ));
        let mut cols: Vec<usize> = st.actors.clone();
        cols.sort_unstable();
        for a in cols {
            let decider = a == decider_actor;
            let kind = if st.kind == "keputusan" && !decider {
                "gabung"
            } else {
                st.kind
            };
            let (out, ends) = outs_for(st, nomor, last, decider);
            let x = actor_x0 + cw * (a as f64 + 0.5);
            let top = y + 7.0 + extra;
            nodes.push(Node {
                sop: 0,
                step: nomor as i64,
                actor: a as i64,
                kind: kind.to_string(),
                end: false,
                page,
                x: x * MM,
                top: top * MM,
                cy: (top + h / 2.0) * MM,
                bottom: (top + h) * MM,
                w: w * MM,
                cw: cw * MM,
                out,
            });
            if ends {
                let (ew, eh) = (w * 0.8, h * 0.8);
                let et = top + h + label_room + 5.0;
                nodes.push(Node {
                    sop: 0,
                    step: nomor as i64,
                    actor: a as i64,
                    kind: "selesai".into(),
                    end: true,
                    page,
                    x: x * MM,
                    top: et * MM,
                    cy: (et + eh / 2.0) * MM,
                    bottom: (et + eh) * MM,
                    w: ew * MM,
                    cw: cw * MM,
                    out: Vec::new(),
                });
            }
        }
        y += row_h;
        g.h.push((y * MM, x_table * MM, table_x1 * MM));
    }
    finish_page(grids.last_mut().unwrap(), page_rows_top, y);
    (nodes, grids)
}

/// Width of a label at 7 pt in a sans font, close enough for placement tests.
fn width(s: &str) -> f64 {
    s.chars().count() as f64 * LABEL_PT * 0.56
}

fn violations(steps: &[GenStep], n_actors: usize) -> Vec<super::check::Violation> {
    let (mut nodes, grids) = lay_out(steps, n_actors);
    let p = plan(&nodes);
    let d = route_fitting(&mut nodes, &p, &grids, &width);
    super::check::check(&nodes, &d, &grids)
}

/// A generated step in short: its actors, kind, Ya and Tidak targets (0 is `selesai`) and
/// text height (mm).
fn g(
    actors: &[usize],
    kind: &'static str,
    ya: Option<usize>,
    tidak: Option<usize>,
    text_h: f64,
) -> GenStep {
    GenStep {
        actors: actors.to_vec(),
        kind,
        ya,
        tidak,
        text_h,
    }
}

/// Lays a flow out and routes it as the build does: the findings, the symbols as drawn (a
/// crowded one may have moved down its cell) and the drawing.
fn routed(
    steps: &[GenStep],
    n_actors: usize,
) -> (Vec<super::check::Violation>, Vec<Node>, Drawing) {
    let (mut nodes, grids) = lay_out(steps, n_actors);
    let p = plan(&nodes);
    let d = route_fitting(&mut nodes, &p, &grids, &width);
    (super::check::check(&nodes, &d, &grids), nodes, d)
}
