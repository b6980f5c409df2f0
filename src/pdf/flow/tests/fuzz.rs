//! Generated flows: the proptest over random flows, the census over a fixed 1,000, and the
//! diagnostic that prints the first flow with a given finding.

use super::*;

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
            // No `proptest-regressions/` file: a failure found under one seed was replayed
            // first under every other seed, so a scan of seeds reported that one flow for all.
            failure_persistence: None,
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

/// Diagnostic: routes the flow in the file `SOPAN_FLOW` (first line the number of actors, then
/// one step a line: `actors kind ya tidak text_h`, actors comma-separated, `-` for no
/// branch, 0 for `selesai`) and prints the checker's findings, one a line, for shrinking a
/// failing generated flow by hand or by script. `--ignored --nocapture`.
#[test]
#[ignore = "diagnostic"]
fn flow_from_file() {
    let Ok(path) = std::env::var("SOPAN_FLOW") else {
        return;
    };
    let text = std::fs::read_to_string(path).expect("SOPAN_FLOW readable");
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let n_actors: usize = lines
        .next()
        .and_then(|l| l.trim().parse().ok())
        .expect("actors");
    let kinds = ["mulai", "proses", "keputusan", "selesai"];
    let steps: Vec<GenStep> = lines
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            let target = |s: &str| s.parse::<usize>().ok();
            GenStep {
                actors: f[0].split(',').map(|a| a.parse().expect("actor")).collect(),
                kind: kinds.into_iter().find(|k| *k == f[1]).expect("kind"),
                ya: target(f[2]),
                tidak: target(f[3]),
                text_h: f[4].parse().expect("text_h"),
            }
        })
        .collect();
    let (found, nodes, d) = routed(&steps, n_actors);
    for v in &found {
        println!("VIOLATION step {} page {}: {}", v.step, v.page, v.what);
    }
    if std::env::var("SOPAN_FLOW_DUMP").is_ok() {
        let mm = |p: &P| format!("({:.2},{:.2})", p.0 / MM, p.1 / MM);
        for n in &nodes {
            println!(
                "node {} p{} {} x{:.2} top{:.2} bot{:.2} w{:.2} cw{:.2}",
                n.step,
                n.page,
                n.kind,
                n.x / MM,
                n.top / MM,
                n.bottom / MM,
                n.w / MM,
                n.cw / MM
            );
        }
        for w in &d.wires {
            let pts: Vec<String> = w.pts.iter().map(mm).collect();
            println!(
                "wire p{} {}->{} conn{:?} {}",
                w.page,
                w.from,
                w.to,
                w.conn,
                pts.join(" ")
            );
        }
        for l in &d.labels {
            println!(
                "label p{} {} of {}->{} x{:.2}..{:.2} y{:.2}..{:.2}",
                l.page,
                l.text,
                l.from,
                l.to,
                l.rect.x0 / MM,
                l.rect.x1 / MM,
                l.rect.y0 / MM,
                l.rect.y1 / MM
            );
        }
        for (i, c) in d.conns.iter().enumerate() {
            println!(
                "conn{} p{} {}->{} num{} x{:.2}..{:.2} y{:.2}..{:.2}",
                i,
                c.page,
                c.from,
                c.to,
                c.num,
                c.rect.x0 / MM,
                c.rect.x1 / MM,
                c.rect.y0 / MM,
                c.rect.y1 / MM
            );
        }
    }
}
