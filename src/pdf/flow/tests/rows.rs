//! Off-page connectors in more than two rows, rows that take one side's lanes only, and a
//! label kept out of the cell with room by a line that is not an exit:
//! generated flows (strict test's seeds 113, 141, 177 and 276 of the scans over 101-300) shrunk by
//! proptest, each failing before its fix.

use super::*;

/// The distinct tops of the connector rows into `step` on its page.
fn row_tops(nodes: &[Node], d: &Drawing, step: i64) -> Vec<i64> {
    let t = nodes.iter().find(|n| n.step == step && !n.end).unwrap();
    let mut tops: Vec<i64> = d
        .conns
        .iter()
        .filter(|c| c.page == t.page && c.to == step)
        .map(|c| (c.rect.y0 * 10.0).round() as i64)
        .collect();
    tops.sort_unstable();
    tops.dedup();
    tops
}

/// Seed 113, nine actors (14.3 mm columns, two connectors a row): four branches from other
/// pages jump into step 16. symbol.typ kept room for two rows at most, so the connectors
/// overlapped and their lines ran on one another; now four rows are kept, three used.
#[test]
fn four_branches_into_a_narrow_column_take_more_than_two_rows_of_connectors() {
    let steps = vec![
        g(&[0], "mulai", None, None, 2.0),
        g(&[0], "keputusan", Some(3), Some(0), 44.0),
        g(&[0], "keputusan", Some(16), Some(16), 48.1),
        g(&[0], "keputusan", Some(5), Some(16), 2.0),
        g(&[0], "keputusan", Some(6), Some(0), 2.0),
        g(&[0], "keputusan", Some(7), Some(0), 2.0),
        g(&[0], "keputusan", Some(8), Some(8), 2.0),
        g(&[0], "keputusan", Some(9), Some(0), 2.0),
        g(&[0], "keputusan", Some(10), Some(0), 2.0),
        g(&[0], "keputusan", Some(11), Some(0), 2.0),
        g(&[0], "keputusan", Some(12), Some(16), 2.0),
        g(&[0], "keputusan", Some(13), Some(0), 2.0),
        g(&[0], "keputusan", Some(14), Some(0), 69.5),
        g(&[0], "keputusan", Some(15), Some(0), 2.0),
        g(&[0], "proses", None, None, 49.9),
        g(&[0], "keputusan", Some(17), Some(0), 2.0),
        g(&[0], "keputusan", Some(18), Some(0), 2.0),
        g(&[0], "selesai", None, None, 2.0),
    ];
    let (v, nodes, d) = routed(&steps, 9);
    assert!(v.is_empty(), "{v:#?}");
    assert_eq!(row_tops(&nodes, &d, 16).len(), 3);
}

/// Seed 177: step 9's cell on page 2 has a lane from step 8 passing down its right side and
/// a line straight down its middle, so one row holds one connector. The rows above a last
/// row took the same number of lanes from each side (here both of the two), which left the
/// last row empty and no split that fit: the connectors overlapped. Now a row may take one
/// side's lane only.
#[test]
fn a_row_boxed_in_by_a_passing_lane_takes_one_sides_lane() {
    let steps = vec![
        g(&[0], "mulai", None, None, 2.0),
        g(&[0], "keputusan", Some(9), Some(8), 2.0),
        g(&[0], "keputusan", Some(4), Some(0), 2.0),
        g(&[0], "keputusan", Some(5), Some(9), 2.0),
        g(&[0], "keputusan", Some(6), Some(0), 2.0),
        g(&[0], "keputusan", Some(7), Some(0), 2.0),
        g(&[0], "keputusan", Some(8), Some(0), 2.0),
        g(&[6], "keputusan", Some(9), Some(1), 2.0),
        g(&[6], "selesai", None, None, 2.0),
    ];
    let (v, nodes, d) = routed(&steps, 9);
    assert!(v.is_empty(), "{v:#?}");
    assert_eq!(row_tops(&nodes, &d, 9).len(), 2);
}

/// Seed 141, eight actors (16.1 mm columns, three connectors in the first row): four
/// branches from other pages jump into step 17, whose row has no free height. Counting two
/// connectors for every row after the first kept one row too few (the middle is the
/// downward edge's, the sides the upper rows' lanes); one a row keeps enough.
#[test]
fn four_branches_into_a_16mm_column_keep_three_rows() {
    let steps = vec![
        g(&[0], "mulai", None, None, 2.0),
        g(&[0], "keputusan", Some(3), Some(0), 2.0),
        g(&[0], "keputusan", Some(4), Some(0), 2.0),
        g(&[0], "keputusan", Some(17), Some(0), 2.0),
        g(&[0], "keputusan", Some(17), Some(17), 2.0),
        g(&[0], "keputusan", Some(7), Some(0), 69.1),
        g(&[0], "keputusan", Some(8), Some(0), 2.0),
        g(&[0], "keputusan", Some(9), Some(0), 2.0),
        g(&[0], "keputusan", Some(10), Some(0), 2.0),
        g(&[0], "proses", None, None, 2.0),
        g(&[0], "keputusan", Some(17), Some(0), 2.0),
        g(&[0], "keputusan", Some(13), Some(0), 2.0),
        g(&[0], "keputusan", Some(14), Some(0), 65.3),
        g(&[0], "keputusan", Some(15), Some(0), 58.9),
        g(&[0], "keputusan", Some(16), Some(0), 61.9),
        g(&[0], "keputusan", Some(17), Some(1), 2.0),
        g(&[0], "keputusan", Some(18), Some(0), 2.0),
        g(&[0], "keputusan", Some(19), Some(0), 2.0),
        g(&[0], "keputusan", Some(20), Some(0), 2.0),
        g(&[0], "selesai", None, None, 2.0),
    ];
    let (v, nodes, d) = routed(&steps, 8);
    assert!(v.is_empty(), "{v:#?}");
    assert_eq!(row_tops(&nodes, &d, 17).len(), 3);
}

/// Seed 276, ten actors (14 mm columns): step 7's "Tidak" label fits beside its lane only in
/// the empty actor cell to the right (6.9 mm of text beside the line down the middle of a
/// 14 mm cell does not). The line from another page coming into the decision counted as a
/// line the label must keep further from than from its own, and being nearer that cell than
/// the Tidak lane, kept the label out of it (it still does while another spot is free):
/// the label fell back onto the lines. Only when no spot is free does it stop counting.
#[test]
fn a_label_with_no_other_room_may_sit_nearer_an_incoming_line() {
    let steps = vec![
        g(&[0], "mulai", None, None, 64.224),
        g(&[0], "keputusan", Some(3), Some(0), 2.000),
        g(&[0], "keputusan", Some(4), Some(0), 2.000),
        g(&[0], "keputusan", Some(5), Some(7), 54.912),
        g(&[0], "proses", None, None, 66.819),
        g(&[4], "proses", None, None, 41.180),
        g(&[4], "keputusan", Some(8), Some(6), 2.000),
        g(&[0], "keputusan", Some(9), Some(0), 58.988),
        g(&[0], "keputusan", Some(10), Some(0), 2.000),
        g(&[0], "keputusan", Some(11), Some(0), 2.000),
        g(&[0], "keputusan", Some(12), Some(0), 2.000),
        g(&[0], "keputusan", Some(13), Some(0), 2.000),
        g(&[0], "keputusan", Some(14), Some(0), 2.000),
        g(&[0], "keputusan", Some(15), Some(0), 2.000),
        g(&[0], "keputusan", Some(16), Some(6), 2.000),
        g(&[0], "selesai", None, None, 2.000),
    ];
    let (v, _, d) = routed(&steps, 10);
    assert!(v.is_empty(), "{v:#?}");
    let l = d.labels.iter().find(|l| l.from == 7 && l.to == 6).unwrap();
    let s = d.wires.iter().find(|w| w.from == 7 && w.to == 6).unwrap();
    // Right of the Tidak lane, not on it.
    assert!(l.rect.x0 > s.pts[1].0, "{l:?}");
}
