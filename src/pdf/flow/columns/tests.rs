//! Unit tests of the column plan: wrapping, syllables, the solver's shortcuts, and the estimate
//! against Typst's row heights.

use super::*;
use crate::pipeline::theme::Theme;

#[test]
fn indonesian_syllables() {
    assert_eq!(
        syllables("Pertanggungjawaban").join("·"),
        "Per·tang·gung·ja·wa·ban"
    );
    assert_eq!(
        syllables("Penandatanganan").join("·"),
        "Pe·nan·da·ta·nga·nan"
    );
    assert_eq!(syllables("menyanyi").join("·"), "me·nya·nyi");
    assert_eq!(syllables("ATK").join("·"), "ATK");
}

#[test]
fn a_word_wider_than_its_column_gets_breaks_and_others_stay() {
    assert_eq!(fitted("Surat masuk", 20.0, false), None);
    // Typst breaks after a slash by itself.
    assert_eq!(fitted("Masyarakat/Desa/Kelurahan/BPBD", 6.0, false), None);
    let f = fitted("Laporan Pertanggungjawaban", 5.0, false).unwrap();
    assert!(f.starts_with("Laporan Per\u{ad}tang"), "{f:?}");
    assert_eq!(
        f.replace(['\u{ad}', '\u{200b}'], ""),
        "Laporan Pertanggungjawaban"
    );
}

/// Compares the estimated row heights with Typst's over the example content: a row's real
/// height is the distance between the tops of its symbol and the next row's, on one page.
#[test]
fn estimate_follows_typst_row_heights() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let site = crate::load_and_validate(root).unwrap().site;
    let renderer = crate::pdf::renderer::PdfRenderer::new(&site, &Theme::embedded(), root).unwrap();
    let (mut n, mut sum, mut worst, mut signed) = (0, 0.0, 0.0_f64, 0.0);
    let mut planning = std::time::Duration::ZERO;
    for i in &site.instansi {
        for b in &i.bidang {
            for s in &b.sop {
                let start = std::time::Instant::now();
                let k = plan(s, 330.0, 215.0);
                planning += start.elapsed();
                let t = measure(s);
                let mut solver = Solver::new(&t, k.ukuran);
                let w: Widths = [
                    k.no,
                    k.kegiatan,
                    k.kelengkapan,
                    k.waktu,
                    k.output,
                    k.keterangan,
                    k.aktor,
                ];
                let (doc, _) = renderer.sop(&site, i, b, s).unwrap();
                let mut tops = std::collections::BTreeMap::new();
                for node in super::super::nodes(&doc) {
                    tops.entry(node.step).or_insert((node.page, node.top * PT));
                }
                for (r, _) in s.langkah.iter().enumerate() {
                    let (Some(a), Some(b)) = (tops.get(&(r as i64 + 1)), tops.get(&(r as i64 + 2)))
                    else {
                        continue;
                    };
                    if a.0 != b.0 {
                        continue;
                    }
                    let real = b.1 - a.1;
                    let est = solver.row(r, &w);
                    let err = (est - real) / real;
                    n += 1;
                    signed += err;
                    if err.abs() > 0.12 {
                        eprintln!("{} row {}: est {est:.1} real {real:.1}", s.id.slug, r + 1);
                    }
                    sum += err.abs();
                    worst = worst.max(err.abs());
                }
            }
        }
    }
    let mean = sum / f64::from(n);
    eprintln!(
        "{n} rows: mean |error| {:.1}%, mean error {:+.1}%, worst {:.1}%; planning {planning:?}",
        mean * 100.0,
        signed / f64::from(n) * 100.0,
        worst * 100.0
    );
    assert!(n > 50 && mean < 0.08, "mean {mean}");
}

/// The solver's shortcuts (a column tried with the others' row maxima taken once, the
/// actor columns with the text columns') must give `cost` to the last bit: the plan's
/// choices compare these costs, so a rounding difference would change the widths.
#[test]
fn shortcut_costs_are_the_full_cost_to_the_bit() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let site = crate::load_and_validate(root).unwrap().site;
    let mut tried = 0;
    for s in site.sops() {
        let t = measure(s);
        let mut solver = Solver::new(&t, 8.5);
        let mut w: Widths = std::array::from_fn(|c| solver.minimum(c.min(COLS - 1)));
        w[ACTOR] = 18.0;
        let fixed = solver.fix(&w);
        for c in [KEG, KEL, WAKTU, OUT, KET] {
            for k in [1.0, 3.0, 12.0] {
                let mut t = w;
                t[c] += k;
                let at = solver.heights(c, t[c]);
                let short = solver.cost_varied(fixed, [(c, at)]);
                assert_eq!(short.to_bits(), solver.cost(&t).to_bits(), "{}", s.id);
                let to = if c == KEG { OUT } else { KEG };
                t[to] += 2.0;
                let b = solver.heights(to, t[to]);
                let short = solver.cost_varied(fixed, [(c, at), (to, b)]);
                assert_eq!(short.to_bits(), solver.cost(&t).to_bits(), "{}", s.id);
                let mut excl = Vec::new();
                solver.excluding(c, to, &mut excl);
                let moved = solver.cost_moved(fixed, &excl, (c, at), (to, b));
                assert_eq!(moved.to_bits(), short.to_bits(), "{}", s.id);
                tried += 2;
            }
        }
        let mut t = w;
        t[ACTOR] += 4.0;
        let short = solver.cost_actor(fixed, &w, t[ACTOR]);
        assert_eq!(short.to_bits(), solver.cost(&t).to_bits(), "{}", s.id);
    }
    assert!(tried > 100);
}

/// The measurements taken without building strings agree with the ones that do.
#[test]
fn widths_without_strings_agree() {
    let m = &*METRICS;
    for text in [
        "Laporan Pertanggungjawaban",
        "Masyarakat/Desa/Kelurahan/BPBD",
        "e-KTP dan KK",
        "ATK",
        "menyanyi bersama-sama",
        "",
    ] {
        let widest = text
            .split_whitespace()
            .flat_map(parts)
            .map(|p| m.width(p, false))
            .fold(f64::NEG_INFINITY, f64::max);
        assert_eq!(m.widest(text, false).to_bits(), widest.to_bits(), "{text}");
        for word in text.split_whitespace() {
            let pieces: Vec<f64> = syllables(word).iter().map(|s| m.width(s, true)).collect();
            assert_eq!(syllable_widths(word, true), pieces, "{word}");
        }
    }
}

#[test]
fn wrapping_counts_lines_first_fit() {
    let p = para("aaa bbb ccc", 0.0, false);
    let one = METRICS.width("aaa", false);
    assert_eq!(lines(&p, one * 3.0 + 0.6), 1);
    assert_eq!(lines(&p, one * 2.0 + 0.3), 2);
    assert_eq!(lines(&p, one + 0.01), 3);
}

/// A row that branches jump into is estimated with the extra rows of connectors symbol.typ
/// keeps above its symbol (4.6 mm each), as symbols.rs counts them for the column's width.
#[test]
fn rows_with_many_branches_coming_in_are_estimated_taller() {
    // 14.3 mm columns take two connectors in the first row (the line from above counting):
    // three branches need two more rows; 24 mm columns take them in one.
    assert_eq!(connector_rows(14.3, 0), 0.0);
    assert_eq!(connector_rows(14.3, 1), 0.0);
    assert!((connector_rows(14.3, 3) - 2.0 * 4.6).abs() < 1e-9);
    assert_eq!(connector_rows(24.0, 3), 0.0);
}

/// `key` is the rounding it stands for, over widths on and off the 0.05 mm halves.
#[test]
fn key_is_rounding_to_tenths() {
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let mut widths: Vec<f64> = (0..40_000).map(|i| f64::from(i) * 0.005).collect();
    widths.extend((0..40_000).map(|i| f64::from(i) * 0.05 + 0.05));
    widths.extend((0..40_000).map(|_| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed >> 11) as f64 / (1u64 << 53) as f64 * 400.0 - 5.0
    }));
    widths.extend([
        0.0,
        -0.0,
        -0.04,
        -0.05,
        -0.06,
        0.049_999_999_999_999_996,
        12.25,
        1e9,
    ]);
    for w in widths {
        assert_eq!(key(w), (w * 10.0).round().max(0.0) as usize, "{w}");
    }
}

/// Texts of the example content, list items indented, and a few that break words.
fn sample_paras() -> Vec<Para> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let site = crate::load_and_validate(root).unwrap().site;
    let mut texts: Vec<(String, f64)> = vec![
        ("Laporan Pertanggungjawaban Penandatanganan".into(), 0.0),
        (
            "Masyarakat/Desa/Kelurahan/BPBD e-KTP dan KK".into(),
            LIST_INDENT,
        ),
    ];
    for s in site.sops() {
        for l in &s.langkah {
            texts.push((l.kegiatan.clone(), 0.0));
            let indent = if l.kelengkapan.len() > 1 {
                LIST_INDENT
            } else {
                0.0
            };
            texts.extend(l.kelengkapan.iter().map(|k| (k.clone(), indent)));
        }
    }
    texts.iter().map(|(t, i)| para(t, *i, false)).collect()
}

/// The wraps a paragraph remembers answer as wrapping it afresh, asked in any order, and
/// every width up to where one is said to end wraps it alike.
#[test]
fn remembered_wraps_are_the_wraps() {
    let paras = sample_paras();
    let fresh = |p: &Para, width: f64| {
        let mut q = p.clone();
        q.wraps = Default::default();
        lines(&q, width)
    };
    let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
    let (mut spans, mut asked) = (0, 0);
    for p in paras.iter().step_by(3) {
        for _ in 0..60 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let width = (seed >> 11) as f64 / (1u64 << 53) as f64 * 40.0;
            let (n, until) = lines_span(p, width);
            assert_eq!(n, fresh(p, width), "{width}");
            asked += 1;
            let v = (width - p.indent).max(0.5);
            if until.is_finite() && until > v {
                spans += 1;
                let below = f64::from_bits(until.to_bits() - 1);
                for t in [0.3, 0.7, 0.999] {
                    let u = v + (until - v) * t + p.indent;
                    assert_eq!(fresh(p, u), n, "{v} {until} {u}");
                }
                // The widest width asked for whose line (the indent taken off) is below.
                let mut u = below + p.indent;
                while (u - p.indent).max(0.5) >= until {
                    u = f64::from_bits(u.to_bits() - 1);
                }
                assert_eq!(fresh(p, u), n, "{v} {until}");
            }
        }
    }
    assert!(asked > 1000 && spans > 300, "{asked} {spans}");
}

/// A cell keeps its height, to the bit, from a width up to the width `cell_span` gives.
#[test]
fn cells_keep_their_height_up_to_their_span() {
    let paras = sample_paras();
    let (mut checked, mut aliased) = (0, 0);
    for cell in paras.chunks(3).step_by(2) {
        let fresh = || -> Vec<Para> {
            cell.iter()
                .map(|p| {
                    let mut q = p.clone();
                    q.wraps = Default::default();
                    q
                })
                .collect()
        };
        for size in [7.0, 8.5, 10.0] {
            for w in (0..60).map(|i| 8.0 + f64::from(i) * 1.3) {
                let (h, upto) = cell_span(cell, w, size);
                assert_eq!(h.to_bits(), cell_height(&fresh(), w, size).to_bits());
                checked += 1;
                if upto > w && upto.is_finite() {
                    aliased += 1;
                    for u in [w + (upto - w) * 0.5, upto] {
                        let again = cell_height(&fresh(), u, size);
                        assert_eq!(again.to_bits(), h.to_bits(), "{w} {upto} {u}");
                    }
                }
            }
        }
    }
    assert!(checked > 1000 && aliased > 100, "{checked} {aliased}");
}

/// `fix` from the widths fixed before (only the changed columns' entries updated) must read
/// like a `fix` from nothing: the same tallest cells, and the same tallest entry outside any
/// one or two columns, to the bit.
#[test]
fn refix_keeps_what_a_full_fix_finds() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let site = crate::load_and_validate(root).unwrap().site;
    let mut tried = 0;
    for s in site.sops() {
        let t = measure(s);
        let mut solver = Solver::new(&t, 8.5);
        let mut w: Widths = std::array::from_fn(|c| solver.minimum(c.min(COLS - 1)));
        w[ACTOR] = 18.0;
        solver.fix(&w);
        // Widen one column, then move width between two, as the solver's rounds do.
        let steps: [&[(usize, f64)]; 6] = [
            &[(KEG, 4.0)],
            &[(KEL, 9.0)],
            &[(OUT, 12.0), (KEG, -2.0)],
            &[(KET, 20.0)],
            &[(WAKTU, 3.0), (KEL, -5.0)],
            &[(KEG, 30.0), (OUT, -8.0)],
        ];
        for step in steps {
            for &(c, d) in step {
                w[c] += d;
            }
            let short = solver.fix(&w);
            let mut fresh = Solver::new(&t, 8.5);
            let full = fresh.fix(&w);
            assert_eq!(short.0.to_bits(), full.0.to_bits());
            let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&solver.cells), bits(&fresh.cells), "{}", s.id);
            for a in [NO, KEG, KEL, WAKTU, OUT, KET] {
                for b in [NO, KEG, KEL, WAKTU, OUT, KET] {
                    let (mut x, mut y) = (Vec::new(), Vec::new());
                    solver.excluding(a, b, &mut x);
                    fresh.excluding(a, b, &mut y);
                    assert_eq!(bits(&x), bits(&y), "{} {a} {b}", s.id);
                    tried += 1;
                }
            }
        }
    }
    assert!(tried > 1000, "{tried}");
}

/// A column's heights taken partly from the cells' remembered spans (`Solver::spans`) are
/// those of every cell worked out afresh, to the bit, whatever order the widths come in.
#[test]
fn slot_heights_are_the_cells_heights() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let site = crate::load_and_validate(root).unwrap().site;
    let mut tried = 0;
    for s in site.sops() {
        let t = measure(s);
        let mut solver = Solver::new(&t, 9.0);
        for w in [30.0, 45.5, 32.0, 61.2, 31.0, 90.0, 44.0, 18.0, 45.0, 20.3] {
            for c in [KEG, KEL, WAKTU, OUT, KET, ACTOR] {
                let at = solver.heights(c, w);
                let fresh: Vec<u64> = if c == ACTOR {
                    t.heads
                        .iter()
                        .map(|h| cell_span(std::slice::from_ref(h), w, 9.0).0.to_bits())
                        .collect()
                } else {
                    t.rows
                        .iter()
                        .map(|r| cell_span(&r[c], w, 9.0).0.to_bits())
                        .collect()
                };
                let kept: Vec<u64> = solver.pool[at..at + fresh.len()]
                    .iter()
                    .map(|v| v.to_bits())
                    .collect();
                assert_eq!(kept, fresh, "{} column {c} at {w}", s.id);
                tried += 1;
            }
        }
    }
    assert!(tried > 100, "{tried}");
}

/// An actor width `actor_no_lower` passes over costs no less than the widths it started
/// from (so it could not have been chosen), and the rows it skips are found on both sides.
#[test]
fn actor_widths_passed_over_cannot_gain() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let site = crate::load_and_validate(root).unwrap().site;
    let (mut skipped, mut kept) = (0, 0);
    for s in site.sops() {
        let t = measure(s);
        for size in [8.0, 10.0] {
            let mut solver = Solver::new(&t, size);
            let mut w: Widths = std::array::from_fn(|c| solver.minimum(c.min(COLS - 1)));
            for start in [14.0, 17.0, 20.0] {
                w[ACTOR] = start;
                let fixed = solver.fix(&w);
                let current = solver.cost(&w);
                let now = (solver.header(&w), solver.symbol_heights(w[ACTOR]));
                for k in 1..=16 {
                    let actor = start + k as f64;
                    let mut t = w;
                    t[ACTOR] = actor;
                    let full = solver.cost(&t);
                    assert_eq!(
                        solver.cost_actor(fixed, &w, actor).to_bits(),
                        full.to_bits()
                    );
                    if solver.actor_no_lower(now, &w, actor) {
                        assert!(full >= current, "{} at {actor}", s.id);
                        skipped += 1;
                    } else {
                        kept += 1;
                    }
                }
            }
        }
    }
    assert!(skipped > 0 && kept > 0, "{skipped} {kept}");
}
