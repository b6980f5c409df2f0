//! What the flow table draws in each actor cell, decided here and passed to the template as
//! data (`sop.alur`): which column holds a decision's diamond, each symbol's kind and outgoing
//! edges, whether a decision has its own end terminator, and how many extra rows of off-page
//! connectors the step's top inset keeps.
//!
//! symbol.typ and flow.typ used to work this out in loops over the steps and actors; Typst
//! evaluates such loops slowly (every call hashed and memoised), and the template's evaluation
//! was the largest part of what issue 18 added to compiling an SOP. The rules are the ones the
//! template had; `src/pdf/flow/tests/mod.rs` (`lay_out`) mirrors them for the generated flows.

use serde::Serialize;

use crate::model::sop::{Jenis, Sop, Tujuan};

/// One outgoing edge of a symbol. `label` names the word in flow.typ's `labels` (`ya` or
/// `tidak`), so a theme keeps its own wording; `to` is -1 for the decision's own end
/// terminator.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub(crate) struct OutDoc {
    pub(crate) to: i64,
    pub(crate) label: Option<&'static str>,
    pub(crate) style: &'static str,
}

/// The symbol in one actor cell.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub(crate) struct Sel {
    /// `mulai`, `proses`, `keputusan`, `selesai`, or `gabung` (an actor joined to another
    /// actor's decision: a process box with no exits).
    pub(crate) k: &'static str,
    pub(crate) out: Vec<OutDoc>,
    /// A decision with a `selesai` branch: its own end terminator goes under the diamond.
    pub(crate) ujung: bool,
}

/// One step of the flowchart: the extra connector rows above its symbols and, per actor
/// column, its symbol (null where the actor takes no part).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub(crate) struct AlurStep {
    pub(crate) tingkat: usize,
    pub(crate) sel: Vec<Option<Sel>>,
}

/// Branches jumping into each step (index = step number): those whose off-page connectors
/// the step's top inset may have to take. A branch to the next step counts too when it is a
/// lane rather than the line straight down (a Tidak branch, or the Ya branch of a decision
/// with a `selesai` branch). A step two or more branches jump into counts one more for each
/// side of its column that a lane may pass down (`with_passing`).
pub(crate) fn incoming(sop: &Sop) -> Vec<usize> {
    let last = sop.langkah.len();
    let mut masuk = vec![0; last + 2];
    let mut lanes = Vec::new();
    let col = |a: &String| sop.pelaksana.iter().position(|p| p == a);
    let cols = |n: usize| -> Vec<usize> {
        sop.langkah
            .get(n.wrapping_sub(1))
            .map(|s| s.pelaksana.iter().filter_map(col).collect())
            .unwrap_or_default()
    };
    for s in &sop.langkah {
        let ends = s.ya == Some(Tujuan::Selesai) || s.tidak == Some(Tujuan::Selesai);
        for (i, b) in [s.ya, s.tidak].into_iter().enumerate() {
            if let Some(Tujuan::Langkah(to)) = b
                && (to != s.nomor + 1 || i == 1 || ends)
                && to < masuk.len()
            {
                masuk[to] += 1;
                let right = i == 1;
                let here = cols(s.nomor);
                let there = cols(to);
                // The diamond's column as `alur` picks it; the target's outermost on the side.
                let right_lane = matches!(s.tidak, Some(Tujuan::Langkah(_)));
                let left_lane =
                    matches!(s.ya, Some(Tujuan::Langkah(t)) if ends || t != s.nomor + 1);
                let from_col = if right_lane || !left_lane {
                    here.iter().max()
                } else {
                    here.iter().min()
                };
                let to_col = if right {
                    there.iter().max()
                } else {
                    there.iter().min()
                };
                if let (Some(&c), Some(&tc)) = (from_col, to_col) {
                    lanes.push(Lane {
                        from: s.nomor,
                        to,
                        col: c,
                        to_col: tc,
                        right,
                    });
                }
            }
        }
    }
    with_passing(&mut masuk, &lanes, cols);
    masuk
}

/// A decision's branch drawn as a lane down the side of a column: from step `from` (its
/// diamond in actor column `col`) to step `to` (entered in column `to_col`), on the right side
/// (Tidak) or the left (Ya).
pub(crate) struct Lane {
    pub(crate) from: usize,
    pub(crate) to: usize,
    pub(crate) col: usize,
    pub(crate) to_col: usize,
    pub(crate) right: bool,
}

/// Adds to `masuk` (index = step number), for a step two or more branches jump into, one for
/// each side of its column (`cols(n)`: the step's actor columns) that a lane may pass down: a
/// lane of the source's or the target's column between them. Such a lane keeps a connector's
/// room in the first row (with a line down the middle, a 21.5 mm column's row took two
/// connectors, not four: generated seed 748's three branches into step 7 overlapped, its row
/// at the page's foot having no height to spare). Which rows a page-crossing lane passes is
/// not known before layout, so every lane between counts.
pub(crate) fn with_passing(
    masuk: &mut [usize],
    lanes: &[Lane],
    cols: impl Fn(usize) -> Vec<usize>,
) {
    let mut sides = vec![[false; 2]; masuk.len()];
    for l in lanes {
        let (lo, hi) = (l.from.min(l.to), l.from.max(l.to));
        for n in lo + 1..hi.min(masuk.len()) {
            if masuk[n] >= 2 && cols(n).iter().any(|&c| c == l.col || c == l.to_col) {
                sides[n][usize::from(l.right)] = true;
            }
        }
    }
    for (m, side) in masuk.iter_mut().zip(sides) {
        *m += side.iter().filter(|&&b| b).count();
    }
}

/// Connectors one row across an actor column `actor` mm wide takes (4.4 mm wide, 5 mm apart,
/// with the line coming down from the step before), computed in Typst's raw length units as
/// symbol.typ did (`calc.floor((cw - 6mm) / 5mm) + 1`), so a boundary width rounds the same.
pub(crate) fn per_row(actor: f64) -> usize {
    const RAW_MM: f64 = 360.0;
    let fits = ((actor * RAW_MM - 6.0 * RAW_MM) / (5.0 * RAW_MM)).floor() + 1.0;
    fits.max(1.0) as usize
}

/// Extra rows of connectors above a step `masuk` branches jump into: the first row takes
/// `fits` (counting the line from the step before), each further row two less (at least
/// one): the lanes the rows above turn off to run down past it at the column's sides, and a
/// downward edge's connector keeps the middle. Which branches will cross a page is not known
/// before layout, so every one counts. (symbol.typ kept at most one extra row, so three or
/// more rows' worth of connectors overlapped; one less a row still left a generated flow's
/// five branches into a 16 mm column short of a row.)
pub(crate) fn extra_rows(masuk: usize, fits: usize) -> usize {
    let later = fits.saturating_sub(2).max(1);
    let rest = (masuk + 1).saturating_sub(fits.max(1));
    rest.div_ceil(later)
}

/// The flowchart data of `sop` for an actor column `actor` mm wide.
pub(crate) fn alur(sop: &Sop, actor: f64) -> Vec<AlurStep> {
    let masuk = incoming(sop);
    let fits = per_row(actor);
    let last = sop.langkah.len();
    sop.langkah
        .iter()
        .map(|step| {
            let is_decision = step.jenis == Jenis::Keputusan;
            let selesai = |b: Option<Tujuan>| b == Some(Tujuan::Selesai);
            let target = |b: Option<Tujuan>| match b {
                Some(Tujuan::Langkah(n)) => Some(n),
                _ => None,
            };
            // The diamond goes where its side exits need not pass the joined boxes: rightmost
            // for a "Tidak" lane (it leaves to the right), leftmost for a "Ya" lane alone.
            let right_lane = target(step.tidak).is_some();
            let has_end = selesai(step.ya) || selesai(step.tidak);
            let left_lane = target(step.ya).is_some_and(|to| has_end || to != step.nomor + 1);
            let mine = || sop.pelaksana.iter().filter(|a| step.pelaksana.contains(a));
            let decider = if right_lane || !left_lane {
                mine().next_back()
            } else {
                mine().next()
            };
            let sel = sop
                .pelaksana
                .iter()
                .map(|a| {
                    if !step.pelaksana.contains(a) {
                        return None;
                    }
                    let joined = is_decision && Some(a) != decider;
                    Some(symbol(
                        step.jenis,
                        joined,
                        step.nomor,
                        last,
                        (step.ya, step.tidak),
                    ))
                })
                .collect();
            AlurStep {
                tingkat: extra_rows(masuk.get(step.nomor).copied().unwrap_or(0), fits),
                sel,
            }
        })
        .collect()
}

/// The symbol of step `nomor` in one of its actor cells, with the edges it declares.
fn symbol(
    jenis: Jenis,
    joined: bool,
    nomor: usize,
    last: usize,
    (ya, tidak): (Option<Tujuan>, Option<Tujuan>),
) -> Sel {
    let edge = |to: i64, label, style| OutDoc { to, label, style };
    let mut out = Vec::new();
    if joined {
        return Sel {
            k: "gabung",
            out,
            ujung: false,
        };
    }
    let k = match jenis {
        Jenis::Mulai => "mulai",
        Jenis::Proses => "proses",
        Jenis::Keputusan => "keputusan",
        Jenis::Selesai => "selesai",
    };
    if jenis != Jenis::Keputusan {
        if nomor < last {
            out.push(edge(nomor as i64 + 1, None, "down"));
        }
        return Sel {
            k,
            out,
            ujung: false,
        };
    }
    let ends = ya == Some(Tujuan::Selesai) || tidak == Some(Tujuan::Selesai);
    // The branch to the next step goes straight down, unless the own end terminator is there.
    let to_next = if ends { "lane-left" } else { "down" };
    match ya {
        Some(Tujuan::Selesai) => out.push(edge(-1, Some("ya"), "down")),
        Some(Tujuan::Langkah(to)) => out.push(edge(
            to as i64,
            Some("ya"),
            if to == nomor + 1 {
                to_next
            } else {
                "lane-left"
            },
        )),
        None => {}
    }
    match tidak {
        Some(Tujuan::Selesai) => out.push(edge(
            -1,
            Some("tidak"),
            if ya == Some(Tujuan::Selesai) {
                "lane-right"
            } else {
                "down"
            },
        )),
        Some(Tujuan::Langkah(to)) => out.push(edge(to as i64, Some("tidak"), "lane-right")),
        None => {}
    }
    Sel {
        k,
        out,
        ujung: ends,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lanes_that_may_pass_a_step_count_where_branches_jump_in() {
        // Step 4 (column 3) has lanes on both sides to step 8 (column 0); steps 5-7 lie
        // between. Step 7 (column 3) takes three branches: two more for the two sides; step 6
        // takes one (no penalty: one connector fits beside the lanes); step 5 is in another
        // column.
        let mut masuk = vec![0, 0, 0, 0, 0, 0, 1, 3, 2, 0];
        let lanes = [true, false].map(|right| Lane {
            from: 4,
            to: 8,
            col: 3,
            to_col: 0,
            right,
        });
        let cols = |n: usize| if n == 5 { vec![1] } else { vec![3] };
        with_passing(&mut masuk, &lanes, cols);
        assert_eq!(masuk, vec![0, 0, 0, 0, 0, 0, 1, 5, 2, 0]);
    }

    #[test]
    fn rows_grow_with_the_connectors_coming_in() {
        // 14.3 mm columns (nine actors) take two in the first row, one in each further row:
        // a second branch into one step needs a second row, a fourth a fourth (symbol.typ
        // stopped at two rows).
        let fits = per_row(14.3);
        assert_eq!(fits, 2);
        assert_eq!(extra_rows(0, fits), 0);
        assert_eq!(extra_rows(1, fits), 0);
        assert_eq!(extra_rows(2, fits), 1);
        assert_eq!(extra_rows(3, fits), 2);
        assert_eq!(extra_rows(4, fits), 3);
        // 16 mm columns: three, then one a row (four branches and the line from above: three
        // rows, as generated seed 141 needed).
        assert_eq!(per_row(16.1), 3);
        assert_eq!(extra_rows(2, 3), 0);
        assert_eq!(extra_rows(3, 3), 1);
        assert_eq!(extra_rows(4, 3), 2);
        // 24 mm columns take four in the first row, as symbol.typ counted, two in each
        // further one: one row up to three branches, two for four or five.
        assert_eq!(per_row(24.0), 4);
        assert_eq!(extra_rows(3, 4), 0);
        assert_eq!(extra_rows(4, 4), 1);
        assert_eq!(extra_rows(5, 4), 1);
        assert_eq!(extra_rows(6, 4), 2);
    }
}
