//! Off-page connectors into a narrow cell that lanes pass down both sides of, with a line
//! straight down its middle (`route::pinch`): generated flows of the strict test (seeds 287
//! and 428 of the scan over 101-500; 293 and 600 are the same case) shrunk by proptest, each
//! failing before the passing lanes made way; seeds 1474 and 2311 of the scan over 1001-2500,
//! shrunk by hand, need the lanes shortened (`pinch::shorten`).

use super::*;

/// The connector into `step` on its page and the vertical runs of other edges' lines through
/// the band it sits in: (connector, x of each such run).
fn connector_and_passing(nodes: &[Node], d: &Drawing, step: i64) -> (Conn, Vec<f64>) {
    let t = nodes.iter().find(|n| n.step == step && !n.end).unwrap();
    let c = d
        .conns
        .iter()
        .find(|c| c.page == t.page && c.to == step)
        .unwrap()
        .clone();
    let xs = d
        .wires
        .iter()
        .filter(|w| w.page == t.page && !(w.to == step && w.conn.is_some()))
        .flat_map(|w| w.pts.windows(2).map(|p| (p[0], p[1])).collect::<Vec<_>>())
        .filter(|&(a, b)| {
            (a.0 - b.0).abs() < 0.01 && a.1.min(b.1) < c.rect.y1 && a.1.max(b.1) > c.rect.y0
        })
        .map(|(a, _)| a.0)
        .collect();
    (c, xs)
}

/// Seed 428, nine actors (14.3 mm columns): step 22's Tidak connector (from step 2, page 1)
/// comes into a cell where the lanes of steps 19 and 21 back to step 1 pass its right side,
/// two more pass its left and step 21's Ya comes straight down the middle. The gap between
/// the middle line and the right lanes was 5.0 mm, short of the 5.1 mm a connector needs, so
/// it sat on both lanes; now the two lanes take the outermost tracks and the connector fits
/// between them and the middle line.
#[test]
fn passing_lanes_make_way_for_a_connector_beside_the_middle_line() {
    let mut steps = vec![
        g(&[0], "mulai", None, None, 58.1),
        g(&[0], "keputusan", Some(3), Some(22), 2.0),
        g(&[0], "keputusan", Some(4), Some(0), 2.0),
        g(&[0], "keputusan", Some(5), Some(0), 57.9),
    ];
    for n in 5..=8 {
        steps.push(g(&[0], "keputusan", Some(n + 1), Some(0), 2.0));
    }
    steps[7].text_h = 36.4;
    steps.extend([
        g(&[0], "keputusan", Some(10), Some(0), 66.3),
        g(&[0], "keputusan", Some(11), Some(2), 31.3),
        g(&[0], "keputusan", Some(12), Some(0), 2.0),
        g(&[0], "keputusan", Some(13), Some(0), 52.6),
        g(&[0], "keputusan", Some(14), Some(0), 31.5),
        g(&[0], "keputusan", Some(15), Some(0), 55.9),
        g(&[0], "keputusan", Some(16), Some(0), 2.0),
        g(&[0], "keputusan", Some(17), Some(0), 57.8),
        g(&[0], "keputusan", Some(18), Some(0), 2.0),
        g(&[8], "keputusan", Some(1), Some(0), 2.0),
        g(&[8], "keputusan", Some(2), Some(1), 2.0),
        g(&[0], "keputusan", Some(21), Some(0), 2.0),
        g(&[8], "keputusan", Some(22), Some(1), 2.0),
        g(&[8], "keputusan", Some(23), Some(0), 2.0),
        g(&[0], "keputusan", Some(24), Some(0), 2.0),
        g(&[0], "keputusan", Some(25), Some(0), 2.0),
        g(&[0], "selesai", None, None, 2.0),
    ]);
    let (v, nodes, d) = routed(&steps, 9);
    assert!(v.is_empty(), "{v:#?}");
    let (c, xs) = connector_and_passing(&nodes, &d, 22);
    let t = nodes.iter().find(|n| n.step == 22 && !n.end).unwrap();
    // Right of the middle line, and every line through its band clear of it.
    assert!(c.rect.x0 > t.x, "{c:?}");
    assert!(xs.len() >= 5, "{xs:?}");
    for x in xs {
        assert!(x < c.rect.x0 || x > c.rect.x1, "{x} through {c:?}");
    }
}

/// Seed 287, ten actors (14 mm columns): step 7's Tidak connector (from step 14, page 3)
/// comes into a cell whose right side two lanes pass (steps 6 and 12) and whose middle step
/// 6's Ya comes straight down. Two lanes cannot move out far enough on that side (they would
/// run 0.33 mm apart), so the one lane passing the left side (step 7's own Ya back to 6)
/// moves out instead, and the connector sits left of the middle line, its jog crossing it.
#[test]
fn a_connector_crosses_the_middle_when_its_own_side_cannot_make_way() {
    let mut steps = vec![g(&[0], "mulai", None, None, 2.0)];
    for n in 2..=22 {
        steps.push(g(&[0], "keputusan", Some(n + 1), Some(0), 2.0));
    }
    steps.push(g(&[0], "selesai", None, None, 2.0));
    steps[4].text_h = 68.7;
    steps[5].tidak = Some(1);
    steps[6].ya = Some(6);
    steps[11].tidak = Some(6);
    steps[13].tidak = Some(7);
    let (v, nodes, d) = routed(&steps, 10);
    assert!(v.is_empty(), "{v:#?}");
    let (c, xs) = connector_and_passing(&nodes, &d, 7);
    let t = nodes.iter().find(|n| n.step == 7 && !n.end).unwrap();
    assert!(c.rect.x1 < t.x, "{c:?}");
    assert!(xs.len() >= 4, "{xs:?}");
    for x in xs {
        assert!(x < c.rect.x0 || x > c.rect.x1, "{x} through {c:?}");
    }
}

/// Seed 1474 (the scan over 1001-1500), ten actors (14 mm columns): steps 3 and 4 (page 1)
/// both branch Tidak into step 21 on page 6, whose cell step 20 comes straight down the
/// middle of, the Ya lanes of steps 18 and 19 (back to step 1) pass down its left side and
/// step 18's Tidak lane its right, all on their way to connectors under the table. No
/// connector's width was left for the second connector anywhere in the cell, even with the
/// lanes pushed out, so the two connectors sat on each other and on the right lane. Now those
/// lanes end at connectors in their own cells (`pinch::shorten`) and step 21's connectors
/// fit.
#[test]
fn lanes_from_above_end_in_their_cells_when_pushing_them_out_is_not_enough() {
    let h = [
        42.1, 35.9, 22.8, 27.4, 29.8, 2.0, 32.9, 2.0, 56.1, 55.0, 60.8, 2.0, 62.7, 2.0, 36.9, 67.8,
    ];
    let mut steps = vec![g(&[0], "mulai", None, None, h[0])];
    for n in 2..=16 {
        steps.push(g(&[0], "keputusan", Some(n + 1), Some(0), h[n - 1]));
    }
    steps[2].tidak = Some(21);
    steps[3].tidak = Some(21);
    steps.extend([
        g(&[0], "proses", None, None, 2.0),
        g(&[2], "keputusan", Some(1), Some(1), 2.0),
        g(&[2], "keputusan", Some(1), Some(0), 2.0),
        g(&[2], "proses", None, None, 2.0),
        g(&[2], "keputusan", Some(22), Some(0), 2.0),
        g(&[0], "keputusan", Some(23), Some(0), 2.0),
        g(&[0], "keputusan", Some(24), Some(0), 2.0),
        g(&[0], "keputusan", Some(25), Some(0), 2.0),
        g(&[0], "selesai", None, None, 2.0),
    ]);
    let (v, nodes, d) = routed(&steps, 10);
    assert!(v.is_empty(), "{v:#?}");
    let t = nodes.iter().find(|n| n.step == 21 && !n.end).unwrap();
    let into: Vec<&Conn> = d
        .conns
        .iter()
        .filter(|c| c.page == t.page && c.to == 21)
        .collect();
    assert_eq!(into.len(), 2, "{into:?}");
    assert!(!into[0].rect.overlaps(&into[1].rect), "{into:?}");
    // Steps 18 and 19's connectors back to step 1 sit in their own cells, above step 21.
    let back: Vec<&Conn> = d
        .conns
        .iter()
        .filter(|c| c.page == t.page && c.to == 1)
        .collect();
    assert_eq!(back.len(), 3, "{back:?}");
    for c in back {
        assert!(c.rect.y1 < t.top, "{c:?}");
    }
}

/// Seed 2311 (the scan over 1501-2500), nine actors: step 13's Ya connector into step 8 (a tall
/// process cell on page 3) has step 7's Ya straight down the middle, step 6's Ya lane passing
/// the left and the Tidak lanes of steps 6 and 7 (back to step 1) the right. A connector
/// alone gains nothing from more rows, but `route_fitting` moved the symbol down its cell a
/// row every round until the rounds ran out, before the fallbacks; the connector stayed on
/// both right lanes. Now a lone connector goes straight to them.
#[test]
fn a_lone_connector_goes_to_the_fallbacks_without_moving_its_symbol() {
    let mut steps = vec![
        g(&[0], "mulai", None, None, 31.7),
        g(&[0], "keputusan", Some(3), Some(0), 68.6),
        g(&[0], "keputusan", Some(4), Some(0), 63.6),
        g(&[0], "keputusan", Some(5), Some(0), 50.8),
        g(&[0], "keputusan", Some(6), Some(0), 2.0),
        g(&[6], "keputusan", Some(1), Some(1), 2.0),
        g(&[6], "keputusan", Some(8), Some(1), 2.0),
        g(&[6], "proses", None, None, 65.3),
    ];
    for n in 9..=18 {
        steps.push(g(&[0], "keputusan", Some(n + 1), Some(0), 2.0));
    }
    steps[8].tidak = Some(5);
    steps[12].tidak = Some(8);
    steps.push(g(&[0], "selesai", None, None, 2.0));
    let (v, nodes, d) = routed(&steps, 9);
    assert!(v.is_empty(), "{v:#?}");
    let (c, xs) = connector_and_passing(&nodes, &d, 8);
    assert!(!xs.is_empty(), "{xs:?}");
    for x in xs {
        assert!(x < c.rect.x0 || x > c.rect.x1, "{x} through {c:?}");
    }
}

/// Seed 1609 (the scan over 1501-2500), nine actors: step 7's connectors crowd its cell, the
/// lane of step 6's Tidak (to step 8, a page on) passing it, so that lane ends at a connector
/// in step 6's cell. Step 6's Ya comes down the middle of that cell, and the connector sat on
/// it; now it keeps clear of the middle line.
#[test]
fn a_shortened_lane_keeps_its_connector_off_the_line_down_the_middle() {
    let mut steps = vec![
        g(&[0], "mulai", None, None, 2.0),
        g(&[0], "keputusan", Some(3), Some(0), 2.0),
        g(&[0], "keputusan", Some(4), Some(0), 2.0),
        g(&[0], "keputusan", Some(5), Some(0), 53.9),
        g(&[6], "keputusan", Some(7), Some(0), 44.6),
        g(&[6], "keputusan", Some(7), Some(8), 2.0),
        g(&[6], "proses", None, None, 63.9),
        g(&[0], "keputusan", Some(7), Some(0), 52.6),
        g(&[0], "keputusan", Some(7), Some(0), 2.0),
        g(&[0], "keputusan", Some(11), Some(6), 2.0),
    ];
    for n in 11..=13 {
        steps.push(g(&[0], "keputusan", Some(n + 1), Some(0), 2.0));
    }
    steps.push(g(&[0], "selesai", None, None, 2.0));
    let (v, nodes, d) = routed(&steps, 9);
    assert!(v.is_empty(), "{v:#?}");
    let s = nodes.iter().find(|n| n.step == 6 && !n.end).unwrap();
    let c = d
        .conns
        .iter()
        .find(|c| c.page == s.page && c.from == 6 && c.to == 8)
        .unwrap();
    // In step 6's own cell (above step 7), beside the line down its middle.
    let t = nodes
        .iter()
        .find(|n| n.step == 7 && n.page == s.page)
        .unwrap();
    assert!(c.rect.y1 < t.top, "{c:?}");
    assert!(c.rect.x0 > s.x || c.rect.x1 < s.x, "{c:?}");
}
