//! The layout checker on hand-made geometry: the defects it must find.

use super::*;

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
