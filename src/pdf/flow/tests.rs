//! Unit tests of the router and the checker on hand-made and generated symbol geometry.

use super::route::*;

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
    // As flow.typ counts the branches jumping into each step, and symbol.typ keeps a second
    // row of connectors' room above a step with more than one row takes.
    let mut masuk = vec![0usize; last + 2];
    for (k, st) in steps.iter().enumerate() {
        let ends = st.ya == Some(0) || st.tidak == Some(0);
        for (i, b) in [st.ya, st.tidak].into_iter().enumerate() {
            let Some(b) = b else { continue };
            // A branch to the next step is a lane (not the line straight down) as Tidak, or
            // as the Ya of a decision with a `selesai` branch.
            if b != 0 && (b != k + 2 || i == 1 || ends) && b <= last {
                masuk[b] += 1;
            }
        }
    }
    let fits = ((cw - 6.0) / 5.0).floor() as usize + 1;
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
        let extra = if masuk[nomor] >= fits { TIER / MM } else { 0.0 };
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

mod generated {
    use super::*;
    use proptest::prelude::*;

    pub(super) fn flow() -> impl Strategy<Value = (Vec<GenStep>, usize)> {
        (1usize..=10, 1usize..=25).prop_flat_map(|(n_actors, n_steps)| {
            let step = (
                proptest::collection::vec(0..n_actors, 1..=n_actors.min(3)),
                0u8..100,
                0usize..=n_steps,
                0usize..=n_steps,
                0u8..100,
                2.0f64..70.0,
            );
            (
                proptest::collection::vec(step, n_steps..=n_steps),
                Just(n_actors),
            )
                .prop_map(move |(raw, n_actors)| {
                    let last = raw.len();
                    let steps = raw
                        .into_iter()
                        .enumerate()
                        .map(|(k, (mut actors, kind, ya, tidak, sel, text_h))| {
                            actors.dedup();
                            let mut seen = Vec::new();
                            actors.retain(|a| {
                                let new = !seen.contains(a);
                                seen.push(*a);
                                new
                            });
                            let nomor = k + 1;
                            let decision = nomor > 1 && nomor < last && kind < 30;
                            let kind = if nomor == 1 {
                                "mulai"
                            } else if nomor == last {
                                "selesai"
                            } else if decision {
                                "keputusan"
                            } else {
                                "proses"
                            };
                            // Branch targets: another step (backward or forward) or selesai.
                            let pick = |t: usize| if t == nomor { 0 } else { t };
                            let (ya, tidak) = if decision {
                                let ya = if sel < 60 { nomor + 1 } else { pick(ya) };
                                let tidak = if sel % 5 == 0 { 0 } else { pick(tidak) };
                                let tidak = if ya == 0 && tidak == 0 { 1 } else { tidak };
                                (Some(ya), Some(tidak))
                            } else {
                                (None, None)
                            };
                            GenStep {
                                actors,
                                kind,
                                ya,
                                tidak,
                                text_h,
                            }
                        })
                        .collect();
                    (steps, n_actors)
                })
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            // At least 1,000 cases; `SOPAN_FUZZ_CASES=N` runs more.
            cases: std::env::var("SOPAN_FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(1000).max(1000),
            // A fixed seed other than the census's, so CI checks 1,000 more flows the same
            // way every run; `SOPAN_FUZZ_SEED=N` explores others.
            rng_seed: proptest::test_runner::RngSeed::Fixed(
                std::env::var("SOPAN_FUZZ_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(2026),
            ),
            ..ProptestConfig::default()
        })]

        /// 1,000 generated flows: random steps, actors, joint steps, forward and backward
        /// decisions, `selesai` targets and tall rows route with no violation at all.
        #[test]
        fn generated_flows_route_without_violations((steps, n_actors) in flow()) {
            let v = violations(&steps, n_actors);
            prop_assert!(v.is_empty(), "{v:#?}\n{steps:#?}");
        }
    }
}

/// Counts the checker's findings by kind over 1,000 generated flows (the same 1,000 every
/// run; `--nocapture` prints them) and holds the router to none. Before the target-side
/// connectors of a symbol were planned together (and a crowded symbol made room under its
/// connectors) 21 flows had findings, nearly all three or four off-page connectors into one
/// column; the strict test above checks another fixed 1,000.
#[test]
fn violation_census() {
    use proptest::strategy::{Strategy, ValueTree};
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let mut kinds: std::collections::BTreeMap<String, usize> = Default::default();
    let mut bad = 0;
    for _ in 0..1000 {
        let (steps, n) = generated::flow().new_tree(&mut runner).unwrap().current();
        let v = violations(&steps, n);
        if !v.is_empty() {
            bad += 1;
        }
        for x in v {
            let key: String = x
                .what
                .split_whitespace()
                .filter(|w| !w.chars().any(|c| c.is_ascii_digit()))
                .collect::<Vec<_>>()
                .join(" ");
            *kinds.entry(key).or_default() += 1;
        }
    }
    eprintln!("{bad} of 1000 flows with violations");
    for (k, n) in &kinds {
        eprintln!("{n:5} {k}");
    }
    assert!(
        bad == 0,
        "{bad} of 1000 generated flows with violations: {kinds:#?}"
    );
}

/// Prints the first generated flow whose findings contain `WANT`, with its wires near the
/// step (`--ignored --nocapture`): a starting point for the next routing fix.
#[test]
#[ignore = "diagnostic"]
fn first_case_of_a_violation() {
    use proptest::strategy::{Strategy, ValueTree};
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let want = std::env::var("WANT").unwrap_or_else(|_| "berimpit".into());
    for _ in 0..1000 {
        let (steps, n) = generated::flow().new_tree(&mut runner).unwrap().current();
        let v = violations(&steps, n);
        if let Some(x) = v.iter().find(|x| x.what.contains(&want)) {
            eprintln!("{x:?}\nactors {n}");
            for (k, s) in steps.iter().enumerate() {
                eprintln!(
                    "{}: {:?} {} {:?}/{:?}",
                    k + 1,
                    s.actors,
                    s.kind,
                    s.ya,
                    s.tidak
                );
            }
            let (mut nodes, grids) = lay_out(&steps, n);
            let p = plan(&nodes);
            let d = route_fitting(&mut nodes, &p, &grids, &width);
            let r = |v: f64| (v / MM * 10.0).round() / 10.0;
            for w in d.wires.iter().filter(|w| w.page == x.page) {
                let pts: Vec<(f64, f64)> = w.pts.iter().map(|p| (r(p.0), r(p.1))).collect();
                eprintln!("{} -> {} join {} {pts:?}", w.from, w.to, w.join);
            }
            for l in d.labels.iter().filter(|l| l.page == x.page) {
                eprintln!(
                    "label {} of {}: {:?}",
                    l.text,
                    l.from,
                    (r(l.rect.x0), r(l.rect.y0), r(l.rect.x1), r(l.rect.y1))
                );
            }
            return;
        }
    }
}

/// One column, three rows of a table: rules at the row bounds, the column's sides.
fn one_column(rows: &[(f64, f64)]) -> Grid {
    let mut g = Grid::default();
    for &(y0, y1) in rows {
        g.h.push((y0 * MM, 38.0 * MM, 62.0 * MM));
        g.h.push((y1 * MM, 38.0 * MM, 62.0 * MM));
    }
    let (top, bottom) = (rows[0].0, rows[rows.len() - 1].1);
    g.v.push((38.0 * MM, top * MM, bottom * MM));
    g.v.push((62.0 * MM, top * MM, bottom * MM));
    g
}

fn wire(from: i64, to: i64, pts: &[(f64, f64)], ends: Vec<usize>) -> Wire {
    Wire {
        sop: 0,
        page: 1,
        from,
        to,
        join: false,
        pts: pts.iter().map(|&(x, y)| (x * MM, y * MM)).collect(),
        ends,
        conn: None,
    }
}

/// The old router ran a downward jog 4 pt (1.4 mm) above the row rule (a double rule); the checker
/// sees it, and today's router puts the jog low in the target's top inset.
#[test]
fn a_jog_along_a_row_rule_is_found_and_no_longer_drawn() {
    // Step 1 at x=45 in row 10–30, step 2 at x=55 in row 30–50 (two columns of one grid).
    let mut a = node(1, 1, 45.0, 17.0, vec![down(2)]);
    let mut b = node(2, 1, 55.0, 37.0, vec![]);
    a.cw = 10.0 * MM;
    b.cw = 10.0 * MM;
    a.w = 6.0 * MM;
    b.w = 6.0 * MM;
    let nodes = vec![a, b];
    let grid = one_column(&[(10.0, 30.0), (30.0, 50.0)]);
    let old = Drawing {
        wires: vec![wire(
            1,
            2,
            &[(45.0, 24.0), (45.0, 28.6), (55.0, 28.6), (55.0, 37.0)],
            vec![0, 1],
        )],
        ..Drawing::default()
    };
    let v = super::check::check(&nodes, &old, std::slice::from_ref(&grid));
    assert!(
        v.iter()
            .any(|v| v.what.contains("berimpit dengan garis tabel")),
        "{v:?}"
    );
    let new = route(&nodes, &plan(&nodes), std::slice::from_ref(&grid), &width);
    let v = super::check::check(&nodes, &new, std::slice::from_ref(&grid));
    assert!(v.is_empty(), "{v:?}");
}

/// tanda-daftar-lks p.3: the Ya line ran through the off-page connector of the Tidak branch.
/// The checker finds a line through another edge's connector.
#[test]
fn a_line_through_another_edges_connector_is_found() {
    let nodes = vec![
        node(1, 1, 50.0, 17.0, vec![]),
        node(2, 1, 50.0, 37.0, vec![]),
    ];
    let grid = one_column(&[(10.0, 30.0), (30.0, 50.0)]);
    let conn = Conn {
        sop: 0,
        page: 1,
        from: 1,
        to: 9,
        num: 1,
        rect: Rect::new(47.0 * MM, 25.0 * MM, 53.0 * MM, 29.0 * MM),
    };
    let d = Drawing {
        wires: vec![wire(1, 2, &[(50.0, 24.0), (50.0, 37.0)], vec![0, 1])],
        conns: vec![conn],
        ..Drawing::default()
    };
    let v = super::check::check(&nodes, &d, std::slice::from_ref(&grid));
    assert!(
        v.iter()
            .any(|v| v.what.contains("memotong penghubung halaman 1")),
        "{v:?}"
    );
}

/// Two edges into one symbol's side shared their last segment; today's router gives each
/// its own height on that side, and crossings get gaps in the drawing.
#[test]
fn two_lanes_into_one_side_do_not_share_a_segment_and_crossings_get_gaps() {
    let tidak = |to: i64| Out {
        to,
        label: Some("Tidak".into()),
        style: Style::LaneRight,
    };
    let mut nodes = vec![
        node(1, 1, 50.0, 17.0, vec![down(2)]),
        node(2, 1, 50.0, 37.0, vec![down(3), tidak(1)]),
        node(3, 1, 50.0, 57.0, vec![down(4), tidak(1)]),
        node(4, 1, 50.0, 77.0, vec![]),
    ];
    nodes[1].kind = "keputusan".into();
    nodes[2].kind = "keputusan".into();
    // As symbol.typ sizes them in a 24 mm column: 5 mm each side for lanes.
    for n in &mut nodes {
        n.w = 14.0 * MM;
    }
    let grid = one_column(&[(10.0, 30.0), (30.0, 50.0), (50.0, 70.0), (70.0, 90.0)]);
    let grids = std::slice::from_ref(&grid);
    let d = route(&nodes, &plan(&nodes), grids, &width);
    let v = super::check::check(&nodes, &d, grids);
    assert!(v.is_empty(), "{v:?}");
    let into_1: Vec<f64> = d
        .arrows
        .iter()
        .filter(|a| a.dir == Dir::Left)
        .map(|a| a.tip.1)
        .collect();
    assert_eq!(into_1.len(), 2);
    assert!((into_1[0] - into_1[1]).abs() > 1.0 * MM, "{into_1:?}");
    // The inner lane's horizontal exit crosses the outer lane: drawn with a gap.
    let pieces = with_gaps(&d, 1);
    let lines = d.wires.iter().filter(|w| w.page == 1).count();
    assert!(
        pieces.len() > lines,
        "{} pieces for {lines} lines",
        pieces.len()
    );
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

/// Generated flow 107 of the census: three page-crossing edges (a downward one and two
/// lanes) into step 17 at the top of page 6. Placed one by one, the downward edge's
/// connector found no free spot and sat on the other two ("penghubung menimpa penghubung
/// lain"); planned together they share the row.
#[test]
fn connectors_into_one_symbol_share_its_inset_in_one_row() {
    let steps = vec![
        g(&[1], "mulai", None, None, 21.0),
        g(&[0], "proses", None, None, 37.7),
        g(&[0], "proses", None, None, 14.4),
        g(&[0], "proses", None, None, 28.2),
        g(&[1], "proses", None, None, 47.1),
        g(&[0, 1], "proses", None, None, 8.8),
        g(&[0], "keputusan", Some(5), Some(0), 65.2),
        g(&[1], "proses", None, None, 36.7),
        g(&[0], "proses", None, None, 49.6),
        g(&[1], "proses", None, None, 54.2),
        g(&[0], "keputusan", Some(13), Some(17), 59.9),
        g(&[1], "keputusan", Some(13), Some(0), 29.0),
        g(&[0], "keputusan", Some(14), Some(20), 49.9),
        g(&[1], "proses", None, None, 55.3),
        g(&[1], "keputusan", Some(5), Some(17), 12.9),
        g(&[0], "proses", None, None, 67.0),
        g(&[1], "proses", None, None, 51.2),
        g(&[1, 0], "proses", None, None, 4.3),
        g(&[1], "proses", None, None, 51.2),
        g(&[0], "proses", None, None, 10.2),
        g(&[1], "keputusan", Some(22), Some(2), 27.4),
        g(&[0], "proses", None, None, 36.4),
        g(&[0], "proses", None, None, 42.9),
        g(&[1], "selesai", None, None, 17.0),
    ];
    let (v, nodes, d) = routed(&steps, 2);
    assert!(v.is_empty(), "{v:#?}");
    let t = nodes.iter().find(|n| n.step == 17 && !n.end).unwrap();
    let into: Vec<&Conn> = d
        .conns
        .iter()
        .filter(|c| c.page == t.page && c.to == 17)
        .collect();
    assert_eq!(into.len(), 3);
    assert!(
        into.iter()
            .all(|c| (c.rect.y0 - into[0].rect.y0).abs() < 0.01)
    );
}

/// Generated flow 38 of the census: four lanes from later pages into step 3 of an 8-actor
/// SOP (16 mm columns), one row of connectors fits three. The template keeps a second row's
/// room above a step that many branches jump into (symbol.typ, mirrored by `lay_out`); the
/// outer lanes' connectors take the first row and turn off at once, the rest the second.
#[test]
fn a_step_many_branches_jump_into_gets_a_second_row_of_connectors() {
    let steps = vec![
        g(&[2, 5], "mulai", None, None, 15.5),
        g(&[5, 3], "proses", None, None, 24.0),
        g(&[5], "proses", None, None, 45.2),
        g(&[6], "proses", None, None, 56.6),
        g(&[4], "keputusan", Some(3), Some(3), 38.2),
        g(&[3], "proses", None, None, 26.5),
        g(&[7, 1], "proses", None, None, 61.2),
        g(&[2, 1], "proses", None, None, 24.6),
        g(&[7, 2], "proses", None, None, 20.2),
        g(&[2], "proses", None, None, 56.3),
        g(&[1], "keputusan", Some(3), Some(3), 41.4),
        g(&[5, 7], "proses", None, None, 5.7),
        g(&[0, 1, 7], "selesai", None, None, 50.7),
    ];
    let (v, nodes, d) = routed(&steps, 8);
    assert!(v.is_empty(), "{v:#?}");
    let t = nodes.iter().find(|n| n.step == 3 && !n.end).unwrap();
    let mut tops: Vec<i64> = d
        .conns
        .iter()
        .filter(|c| c.page == t.page && c.to == 3)
        .map(|c| (c.rect.y0 * 10.0).round() as i64)
        .collect();
    assert_eq!(tops.len(), 4);
    tops.dedup();
    assert_eq!(tops.len(), 2, "two rows of connectors");
}

/// Seeded generated flow: a symbol whose top inset cannot take its connectors though no step
/// jumps into it often enough for the template's extra room (a line straight down into its
/// top splits the inset). Routed as laid out it has findings; the symbol moves down its
/// (tall) cell by `TIER` and the connectors take two rows.
#[test]
fn a_crowded_symbol_moves_down_its_cell_for_a_second_row() {
    let steps = vec![
        g(&[4], "mulai", None, None, 39.4),
        g(&[1, 0], "keputusan", Some(15), Some(1), 44.8),
        g(&[4], "proses", None, None, 45.4),
        g(&[1, 2], "keputusan", Some(3), Some(19), 9.6),
        g(&[1], "keputusan", Some(6), Some(0), 28.8),
        g(&[1], "keputusan", Some(1), Some(21), 23.8),
        g(&[1, 5], "proses", None, None, 61.5),
        g(&[3], "proses", None, None, 66.3),
        g(&[3, 0], "proses", None, None, 25.9),
        g(&[1, 3, 5], "proses", None, None, 52.9),
        g(&[2, 1], "keputusan", Some(12), Some(0), 52.3),
        g(&[5], "proses", None, None, 59.4),
        g(&[5, 4], "proses", None, None, 18.4),
        g(&[5, 4], "keputusan", Some(15), Some(10), 21.3),
        g(&[5], "proses", None, None, 52.8),
        g(&[4], "proses", None, None, 31.9),
        g(&[4, 2], "keputusan", Some(18), Some(21), 36.6),
        g(&[4, 2], "proses", None, None, 8.5),
        g(&[4, 1], "keputusan", Some(12), Some(21), 57.8),
        g(&[2, 5, 4], "proses", None, None, 57.9),
        g(&[4, 1], "proses", None, None, 48.0),
        g(&[5], "selesai", None, None, 4.4),
    ];
    let (laid, grids) = lay_out(&steps, 6);
    let p = plan(&laid);
    let plain = super::check::check(&laid, &route(&laid, &p, &grids, &width), &grids);
    assert!(!plain.is_empty());
    let (v, nodes, _) = routed(&steps, 6);
    assert!(v.is_empty(), "{v:#?}");
    let moved: Vec<f64> = nodes
        .iter()
        .zip(&laid)
        .map(|(a, b)| a.top - b.top)
        .filter(|dy| dy.abs() > 0.01)
        .collect();
    assert!(!moved.is_empty());
    assert!(moved.iter().all(|dy| (dy - TIER).abs() < 0.01), "{moved:?}");
}

/// Seeded generated flow: three lanes from later pages into the right side of step 2's
/// rightmost symbol in a 16 mm column, which no downward edge enters. Their connectors and
/// tracks did not fit (lines on one another, connectors on one another); one of them now
/// comes in from the top on its page.
#[test]
fn a_crowded_symbols_lane_from_another_page_enters_from_the_top() {
    let steps = vec![
        g(&[6], "mulai", None, None, 13.1),
        g(&[7, 6, 1], "proses", None, None, 9.5),
        g(&[2], "proses", None, None, 36.7),
        g(&[1, 5], "proses", None, None, 38.6),
        g(&[6], "keputusan", Some(6), Some(14), 31.8),
        g(&[1, 4], "proses", None, None, 31.6),
        g(&[7, 2, 0], "proses", None, None, 15.5),
        g(&[4, 1], "keputusan", Some(12), Some(2), 42.2),
        g(&[0, 3], "proses", None, None, 6.1),
        g(&[0, 5, 6], "proses", None, None, 58.6),
        g(&[2], "keputusan", Some(1), Some(2), 11.4),
        g(&[1, 4, 5], "keputusan", Some(13), Some(4), 23.0),
        g(&[5, 3], "proses", None, None, 45.2),
        g(&[1, 4], "keputusan", Some(15), Some(12), 49.1),
        g(&[6, 3, 7], "proses", None, None, 7.2),
        g(&[2], "keputusan", Some(17), Some(2), 19.0),
        g(&[7, 5], "keputusan", Some(18), Some(0), 55.3),
        g(&[4], "proses", None, None, 27.3),
        g(&[4, 5], "selesai", None, None, 48.9),
    ];
    let (v, nodes, d) = routed(&steps, 8);
    assert!(v.is_empty(), "{v:#?}");
    let p = plan(&nodes);
    let from_top = nodes.iter().enumerate().any(|(i, t)| {
        !p.edges.iter().any(|e| e.tgt == i && e.style == Style::Down)
            && d.arrows
                .iter()
                .any(|a| a.page == t.page && a.dir == Dir::Down && a.tip == (t.x, t.top))
    });
    assert!(from_top);
}

/// Seeded generated flow: three page-crossing lanes into a decision in a 16 mm column whose
/// downward edge comes in with a jog under the connectors. Kept off the centre, the three
/// connectors did not fit; a lane's connector now takes the centre and jogs above the
/// downward edge's jog.
#[test]
fn a_lane_connector_takes_the_centre_over_a_jogging_downward_edge() {
    let steps = vec![
        g(&[3, 0], "mulai", None, None, 23.7),
        g(&[5, 1], "proses", None, None, 46.2),
        g(&[7, 1], "proses", None, None, 45.4),
        g(&[0], "keputusan", Some(11), Some(0), 43.5),
        g(&[3, 2, 6], "keputusan", Some(0), Some(14), 4.6),
        g(&[2], "proses", None, None, 30.0),
        g(&[2], "keputusan", Some(11), Some(13), 26.2),
        g(&[1, 7], "proses", None, None, 17.3),
        g(&[1, 6], "keputusan", Some(14), Some(14), 45.4),
        g(&[0], "proses", None, None, 15.1),
        g(&[4], "keputusan", Some(12), Some(3), 12.8),
        g(&[4], "proses", None, None, 66.7),
        g(&[3], "proses", None, None, 32.4),
        g(&[2], "keputusan", Some(15), Some(7), 13.1),
        g(&[6, 3, 0], "proses", None, None, 7.7),
        g(&[4, 2], "proses", None, None, 59.5),
        g(&[2, 5, 7], "selesai", None, None, 61.2),
    ];
    let (v, nodes, d) = routed(&steps, 8);
    assert!(v.is_empty(), "{v:#?}");
    let t = nodes.iter().find(|n| n.step == 14 && !n.end).unwrap();
    assert!(d.conns.iter().any(|c| c.page == t.page
        && c.to == 14
        && ((c.rect.x0 + c.rect.x1) / 2.0 - t.x).abs() < 0.6 * MM));
}

/// Seed 24 of `SOPAN_FUZZ_SEED`: five edges leave page 2 under the table into step 11 (four
/// Tidak lanes and step 10's downward edge). Step 9's connector, shifted off the connectors
/// already there, landed on the x where step 10's downward line comes down to its own jog
/// later ("berimpit dengan garis dari langkah 10"); a connector now keeps off the lines of
/// the edges routed after it.
#[test]
fn an_under_table_connector_keeps_off_the_line_of_a_later_downward_edge() {
    let steps = vec![
        g(&[0], "mulai", None, None, 44.0),
        g(&[0], "keputusan", Some(3), Some(0), 48.6),
        g(&[0], "keputusan", Some(4), Some(0), 47.6),
        g(&[0], "keputusan", Some(5), Some(11), 28.9),
        g(&[0], "keputusan", Some(6), Some(11), 2.0),
        g(&[0], "proses", None, None, 2.0),
        g(&[0], "keputusan", Some(8), Some(11), 27.2),
        g(&[0], "proses", None, None, 2.0),
        g(&[0], "keputusan", Some(10), Some(11), 2.0),
        g(&[0], "proses", None, None, 2.0),
        g(&[0], "keputusan", Some(12), Some(0), 2.0),
        g(&[0], "keputusan", Some(13), Some(0), 2.0),
        g(&[0], "proses", None, None, 2.0),
        g(&[0], "proses", None, None, 2.0),
        g(&[0], "keputusan", Some(16), Some(0), 2.0),
        g(&[0], "keputusan", Some(17), Some(0), 2.0),
        g(&[0], "keputusan", Some(18), Some(0), 2.0),
        g(&[0], "keputusan", Some(19), Some(0), 2.0),
        g(&[0], "keputusan", Some(20), Some(0), 2.0),
        g(&[0], "keputusan", Some(21), Some(0), 2.0),
        g(&[0], "keputusan", Some(22), Some(0), 2.0),
        g(&[0], "selesai", None, None, 2.0),
    ];
    let (v, nodes, d) = routed(&steps, 1);
    assert!(v.is_empty(), "{v:#?}");
    let ten = nodes.iter().find(|n| n.step == 10).unwrap();
    let under: Vec<&Conn> = d
        .conns
        .iter()
        .filter(|c| c.page == ten.page && c.to == 11)
        .collect();
    assert_eq!(under.len(), 5);
    // Only step 10's own connector may sit on its line.
    for c in under.iter().filter(|c| c.from != 10) {
        assert!(
            c.rect.x1 + 0.3 * MM < ten.x || c.rect.x0 - 0.3 * MM > ten.x,
            "{c:?} on x {}",
            ten.x
        );
    }
}

/// Strict test's seed with 10 actors (14 mm columns): step 16 branches to step 17 both ways,
/// Ya straight down and Tidak as a lane, and step 12's Tidak lane comes in too, all from
/// other pages. The template counted the Tidak branch to the next step as the line from the
/// step before, kept no second row's room, and the three connectors did not fit one row
/// (two on one another); a branch to the next step that is a lane now counts.
#[test]
fn a_tidak_lane_into_the_next_step_counts_for_the_second_row_of_connectors() {
    let steps = vec![
        g(&[1], "mulai", None, None, 45.2),
        g(&[2], "keputusan", Some(3), Some(0), 59.4),
        g(&[6], "keputusan", Some(4), Some(12), 25.9),
        g(&[2, 3], "proses", None, None, 29.9),
        g(&[4], "proses", None, None, 59.0),
        g(&[7, 9, 3], "proses", None, None, 55.7),
        g(&[2, 6, 0], "proses", None, None, 35.6),
        g(&[0], "proses", None, None, 62.5),
        g(&[6, 7], "proses", None, None, 17.4),
        g(&[6, 8, 0], "proses", None, None, 43.2),
        g(&[1], "proses", None, None, 27.0),
        g(&[4, 2], "keputusan", Some(4), Some(17), 19.6),
        g(&[4, 9], "proses", None, None, 47.7),
        g(&[6], "proses", None, None, 40.7),
        g(&[3], "keputusan", Some(11), Some(11), 55.2),
        g(&[5], "keputusan", Some(17), Some(17), 39.0),
        g(&[1, 5], "keputusan", Some(18), Some(0), 7.6),
        g(&[1], "selesai", None, None, 22.4),
    ];
    let (v, nodes, d) = routed(&steps, 10);
    assert!(v.is_empty(), "{v:#?}");
    let t = nodes.iter().find(|n| n.step == 17 && n.actor == 5).unwrap();
    let mut tops: Vec<i64> = d
        .conns
        .iter()
        .filter(|c| c.page == t.page && c.to == 17)
        .map(|c| (c.rect.y0 * 10.0).round() as i64)
        .collect();
    assert_eq!(tops.len(), 3);
    tops.sort_unstable();
    tops.dedup();
    assert_eq!(tops.len(), 2, "two rows of connectors");
}
