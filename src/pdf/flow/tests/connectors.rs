//! Off-page connectors in crowded insets, on the generated flows that once broke them.

use super::*;

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

/// Seed 101 of `SOPAN_FUZZ_SEED`, shrunk: step 4 at the top of page 2 takes a downward
/// edge from page 1 and three Tidak lanes from page 3 in a 21.5 mm column whose row has no
/// room for a second row of connectors. At the usual 0.6 mm between them the four
/// connectors missed one row by 0.15 mm, so they fell back to the one-by-one search and two
/// sat on each other (and two lines shared a segment); now they pack closer in one row.
#[test]
fn connectors_pack_closer_when_the_cell_has_no_room_for_a_second_row() {
    let steps = vec![
        g(&[0], "mulai", None, None, 43.4),
        g(&[0], "keputusan", Some(3), Some(0), 2.0),
        g(&[0], "proses", None, None, 67.2),
        g(&[0], "proses", None, None, 2.0),
        g(&[0], "proses", None, None, 2.0),
        g(&[0], "proses", None, None, 2.0),
        g(&[0], "keputusan", Some(8), Some(0), 2.0),
        g(&[0], "keputusan", Some(9), Some(0), 2.0),
        g(&[0], "keputusan", Some(10), Some(0), 2.0),
        g(&[0], "keputusan", Some(11), Some(4), 2.0),
        g(&[0], "keputusan", Some(12), Some(4), 2.0),
        g(&[0], "keputusan", Some(13), Some(4), 2.0),
        g(&[0], "selesai", None, None, 2.0),
    ];
    let (found, nodes, d) = routed(&steps, 6);
    assert!(found.is_empty(), "{found:#?}");
    let into4: Vec<&Conn> = d
        .conns
        .iter()
        .filter(|c| c.to == 4 && c.page == 2)
        .collect();
    assert_eq!(into4.len(), 4);
    // One row, and the symbol stayed where the template put it.
    assert!(
        into4
            .iter()
            .all(|c| (c.rect.y0 - into4[0].rect.y0).abs() < 0.01)
    );
    let t = nodes.iter().find(|n| n.step == 4).unwrap();
    assert!((t.top - 43.0 * MM).abs() < 0.01, "{}", t.top / MM);
}

/// Seed 102 of `SOPAN_FUZZ_SEED`, shrunk: step 6 takes five Tidak lanes into its right side
/// (four from above, one from below) and leaves by that side too. Its side had five entry
/// heights, the middle one the exit's, so the fifth lane came in on the exit's line ("garis
/// dari langkah 6 ke langkah 1 berimpit dengan garis dari langkah 7 ke langkah 6"); now the
/// entries spread over the side, each at its own height, none at the exit's.
#[test]
fn more_lanes_into_a_side_than_its_five_heights_each_enter_at_their_own() {
    let steps = vec![
        g(&[0], "mulai", None, None, 2.0),
        g(&[0], "keputusan", Some(3), Some(6), 2.0),
        g(&[0], "keputusan", Some(4), Some(6), 2.0),
        g(&[0], "keputusan", Some(5), Some(6), 2.0),
        g(&[0], "keputusan", Some(6), Some(6), 2.0),
        g(&[0], "keputusan", Some(0), Some(1), 2.0),
        g(&[0], "keputusan", Some(8), Some(6), 2.0),
        g(&[0], "selesai", None, None, 2.0),
    ];
    let (found, _, d) = routed(&steps, 5);
    assert!(found.is_empty(), "{found:#?}");
    let mut ys: Vec<f64> = d
        .arrows
        .iter()
        .filter(|a| {
            a.dir == Dir::Left
                && d.wires
                    .iter()
                    .any(|w| w.to == 6 && w.pts.last() == Some(&a.tip))
        })
        .map(|a| a.tip.1)
        .collect();
    ys.sort_by(f64::total_cmp);
    assert_eq!(ys.len(), 5, "{ys:?}");
    assert!(ys.windows(2).all(|p| p[1] - p[0] > 0.5 * MM), "{ys:?}");
}
