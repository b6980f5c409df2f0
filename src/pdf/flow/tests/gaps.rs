//! The column rules sopan draws inside the actor cells the template merged (`<flow-gap>`).

use super::super::{Gap, gap_rules};
use super::*;
use crate::pipeline::theme::Theme;

#[test]
fn a_merged_cell_gets_its_inner_column_rules_down_to_the_next_row_rule() {
    let mut grids = vec![Grid::default()];
    // Row rules at 10, 30 and 50 pt across the table; a cell of three 10 pt columns at x 20.
    grids[0].h = vec![(10.0, 0.0, 100.0), (50.0, 0.0, 100.0), (30.0, 0.0, 100.0)];
    let gap = Gap {
        page: 1,
        x: 20.0,
        top: 10.0,
        n: 3,
        cw: 10.0,
    };
    // The row below has a merged cell of two columns at x 30: one more rule, at x 40, which
    // continues the one above.
    let below = Gap {
        page: 1,
        x: 30.0,
        top: 30.0,
        n: 2,
        cw: 10.0,
    };
    let rules = gap_rules(&[gap, below], &mut grids);
    assert_eq!(rules, vec![(1, 30.0, 10.0, 30.0), (1, 40.0, 10.0, 50.0)]);
    // The grid the router and checker read holds the rules as drawn.
    assert_eq!(grids[0].v, vec![(30.0, 10.0, 30.0), (40.0, 10.0, 50.0)]);
}

/// Every flow page of the example content, as printed: each column rule of the table runs
/// without a break from where it starts down to the table's last row rule, merged cells or not.
#[test]
fn every_column_rule_of_the_example_flow_tables_runs_unbroken() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let site = crate::load_and_validate(root).unwrap().site;
    let r = crate::pdf::renderer::PdfRenderer::new(&site, &Theme::embedded(), root).unwrap();
    let mut checked = 0;
    for (i, b, s) in site.sops_placed() {
        let (doc, _) = r.sop(&site, i, b, s).unwrap();
        let mut pages: Vec<usize> = super::super::nodes(&doc).iter().map(|n| n.page).collect();
        pages.dedup();
        for p in pages {
            let g = super::super::check::grid_of(&doc.pages()[p - 1].frame);
            let bottom = g.h.iter().map(|r| r.0).fold(f64::MIN, f64::max);
            let mut xs: Vec<f64> = g.v.iter().map(|r| r.0).collect();
            xs.sort_by(f64::total_cmp);
            xs.dedup_by(|a, b| (*a - *b).abs() < 0.01);
            for x in xs {
                let mut segs: Vec<(f64, f64)> =
                    g.v.iter()
                        .filter(|r| (r.0 - x).abs() < 0.01)
                        .map(|r| (r.1, r.2))
                        .collect();
                segs.sort_by(|a, b| a.0.total_cmp(&b.0));
                let mut reach = segs[0].1;
                for &(y0, y1) in &segs[1..] {
                    assert!(
                        y0 <= reach + 0.01,
                        "{} page {p}: the rule at x {x:.2} breaks from {reach:.2} to {y0:.2}",
                        s.id
                    );
                    reach = reach.max(y1);
                }
                assert!(
                    reach >= bottom - 0.01,
                    "{} page {p}: the rule at x {x:.2} stops at {reach:.2}, above {bottom:.2}",
                    s.id
                );
                checked += 1;
            }
        }
    }
    // The example's flow pages have 8 to 16 column rules each.
    assert!(checked > 300, "{checked} column rules");
}
