//! Cells with no height to spare: three connectors into one side of a cell with a line down
//! its middle, and a Ya label with no room beside its connector under the decision. Generated
//! flows of the strict test (seeds 674 and 676 of the scan over 501-1000) shrunk by proptest,
//! each failing before its fix.

use super::*;

/// A chain of decisions from `mulai` to `selesai`, `n` steps in actor column 0, each
/// decision's Ya to the next step and Tidak to `selesai`.
fn chain(n: usize) -> Vec<GenStep> {
    (1..=n)
        .map(|k| match k {
            1 => g(&[0], "mulai", None, None, 2.0),
            k if k == n => g(&[0], "selesai", None, None, 2.0),
            k => g(&[0], "keputusan", Some(k + 1), Some(0), 2.0),
        })
        .collect()
}

/// Seed 674, six actors (21.5 mm columns): the Ya branches of steps 4, 9 and 10 jump from
/// earlier pages into the left side of step 21, the last row of its page, which step 20's Ya
/// enters straight down the middle. The others' lanes left the leftmost connector no room at
/// the column's edge, so the connectors overlapped and two jogs ran on one line; now the
/// innermost lane's connector takes the outermost place, on its own line, all in one row.
#[test]
fn the_innermost_lane_takes_the_outermost_connector_in_a_full_row() {
    let mut steps = chain(23);
    for k in [4, 9, 10] {
        steps[k - 1].ya = Some(21);
    }
    steps[19].actors = vec![3];
    steps[19].tidak = Some(1);
    steps[20] = g(&[3], "proses", None, None, 2.0);
    let (v, nodes, d) = routed(&steps, 6);
    assert!(v.is_empty(), "{v:#?}");
    let t = nodes.iter().find(|n| n.step == 21).unwrap();
    let mut into: Vec<&Conn> = d
        .conns
        .iter()
        .filter(|c| c.page == t.page && c.to == 21)
        .collect();
    assert_eq!(into.len(), 3);
    into.sort_by(|a, b| a.rect.x0.total_cmp(&b.rect.x0));
    // One row; the leftmost connector is step 10's (the innermost lane), none overlapping.
    assert!(
        into.iter()
            .all(|c| (c.rect.y0 - into[0].rect.y0).abs() < 0.01)
    );
    assert_eq!(into[0].from, 10);
    assert!(into.windows(2).all(|p| p[0].rect.x1 < p[1].rect.x0));
}

/// Seed 676, nine actors (14.3 mm columns): step 4, the last row of page 1, goes on to step
/// 5 on the next page (Ya) and back to step 1 (Tidak), and step 13's Ya comes into it from
/// page 3. Its Ya connector sat in the cell just under the diamond, where no spot was left
/// for the "Ya" label (it landed on the diamond); now that connector goes under the table and
/// the label has the line's length beside it.
#[test]
fn a_label_with_no_room_beside_its_connector_moves_the_connector_under_the_table() {
    let mut steps = chain(19);
    steps[1].ya = Some(5);
    steps[2].tidak = Some(5);
    steps[2].text_h = 66.4;
    steps[3].tidak = Some(1);
    steps[3].text_h = 14.5;
    steps[4].text_h = 65.5;
    steps[12].ya = Some(4);
    let (v, nodes, d) = routed(&steps, 9);
    assert!(v.is_empty(), "{v:#?}");
    let s = nodes.iter().find(|n| n.step == 4).unwrap();
    let (laid, grids) = lay_out(&steps, 9);
    let cell = grids[s.page - 1].cell(&laid[laid.iter().position(|n| n.step == 4).unwrap()]);
    let c = d
        .conns
        .iter()
        .find(|c| c.from == 4 && c.to == 5 && c.page == s.page)
        .unwrap();
    assert!(c.rect.y0 > cell.y1, "{c:?} {cell:?}");
    let l = d
        .labels
        .iter()
        .find(|l| l.from == 4 && l.text == "Ya")
        .unwrap();
    assert!(l.rect.y1 <= cell.y1 && l.rect.y0 >= s.cy, "{l:?}");
}

/// Seed 748, six actors (21.5 mm columns): steps 12 (both branches) and 19 jump from later
/// pages into step 7, which step 6 enters straight down the middle and step 4's two lanes to
/// step 8 pass on both sides. Laid out as the last row of page 2 with no extra room, one row
/// took two of the three connectors and the row had no height for a second (connectors and
/// lines on one another). Now the template keeps a row more above a step branches jump into
/// for each side a lane may pass (symbols.rs): the row is taller (it moves to page 3) and the
/// flow routes clean.
#[test]
fn lanes_that_may_pass_a_step_keep_a_row_of_connectors_above_it() {
    let mut steps = chain(21);
    steps[0].text_h = 41.6;
    steps[1].text_h = 52.6;
    steps[3] = g(&[3], "keputusan", Some(8), Some(8), 61.7);
    steps[4].text_h = 59.5;
    steps[5] = g(&[3], "proses", None, None, 2.0);
    steps[6] = g(&[3], "proses", None, None, 2.0);
    steps[11].ya = Some(7);
    steps[11].tidak = Some(7);
    steps[18].tidak = Some(7);
    let (v, nodes, _) = routed(&steps, 6);
    assert!(v.is_empty(), "{v:#?}");
    // One extra row of connectors above step 7's symbol (7 mm + `TIER` under the row rule).
    let (laid, grids) = lay_out(&steps, 6);
    let t = laid.iter().find(|n| n.step == 7).unwrap();
    let cell = grids[t.page - 1].cell(t);
    assert!(
        ((t.top - cell.y0) - (7.0 * MM + TIER)).abs() < 0.01,
        "{t:?} {cell:?}"
    );
    assert!(nodes.iter().any(|n| n.step == 7));
}
