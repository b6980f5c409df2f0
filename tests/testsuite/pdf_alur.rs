//! The flowchart's routing and the layout checker: every line tells the truth.
//!
//! The checker runs over every example SOP and over generated SOPs laid out by Typst; each
//! routing defect of the issue has a test here (or, where it needs exact geometry, in
//! `src/pdf/flow/tests.rs`) that failed on the router before the checker.

use std::path::Path;

use sopan::model::Site;
use sopan::pdf::renderer::{FlowNode, PdfRenderer, flow_nodes};
use sopan::pipeline::theme::Theme;

use crate::support::Project;

fn loaded(p: &Project) -> Site {
    let l = sopan::load_and_validate(p.path()).unwrap();
    assert!(!l.diags.has_errors());
    l.site
}

/// Every SOP of the site laid out: (id, its flow symbols, the checker's findings as text).
fn checked(site: &Site, root: &Path) -> Vec<(String, Vec<FlowNode>, Vec<String>)> {
    let renderer = PdfRenderer::new(site, &Theme::embedded(), root).unwrap();
    let mut out = Vec::new();
    for i in &site.instansi {
        for b in &i.bidang {
            for s in &b.sop {
                let (doc, v) = renderer.sop_checked(site, i, b, s).unwrap();
                let v = v
                    .iter()
                    .map(|v| format!("langkah {} hal. {}: {}", v.step, v.page, v.what))
                    .collect();
                out.push((s.id.to_string(), flow_nodes(&doc), v));
            }
        }
    }
    out
}

fn example_sop(slug: &str) -> Vec<FlowNode> {
    let p = Project::example();
    let site = loaded(&p);
    let renderer = PdfRenderer::new(&site, &Theme::embedded(), p.path()).unwrap();
    for i in &site.instansi {
        for b in &i.bidang {
            for s in &b.sop {
                if s.id.slug == slug {
                    return flow_nodes(&renderer.sop(&site, i, b, s).unwrap().0);
                }
            }
        }
    }
    panic!("no SOP {slug}");
}

#[test]
fn no_example_sop_has_a_layout_violation() {
    let p = Project::example();
    let site = loaded(&p);
    let all = checked(&site, p.path());
    assert!(all.len() >= 24, "only {} SOPs", all.len());
    let bad: Vec<_> = all.iter().filter(|(_, _, v)| !v.is_empty()).collect();
    assert!(bad.is_empty(), "{bad:#?}");
    // And `sopan build` has nothing to warn about the layout.
    let r = p.run(&["build", "--quiet"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("tata letak"), "{}", r.stderr);
}

/// karang-taruna step 2 is a decision of Pemohon and FO SLRT: it was drawn as two diamonds,
/// one of them a dead end.
#[test]
fn a_decision_of_two_actors_has_one_diamond() {
    let nodes = example_sop("karang-taruna");
    let step2: Vec<&FlowNode> = nodes.iter().filter(|n| n.step == 2).collect();
    assert_eq!(step2.len(), 2, "{step2:?}");
    let kinds: Vec<&str> = step2.iter().map(|n| n.kind.as_str()).collect();
    assert_eq!(
        kinds.iter().filter(|k| **k == "keputusan").count(),
        1,
        "{kinds:?}"
    );
    assert!(kinds.contains(&"gabung"), "{kinds:?}");
}

/// pengangkatan-anak step 3 has `tidak: selesai`: the line went into step 8's terminator, so
/// a rejected applicant read as going on to step 8. Now it ends at its own terminator.
#[test]
fn a_selesai_branch_ends_at_its_own_terminator() {
    let nodes = example_sop("pengangkatan-anak");
    let ends: Vec<&FlowNode> = nodes.iter().filter(|n| n.kind == "selesai").collect();
    assert!(
        ends.iter().any(|n| n.step == 3),
        "no end terminator in step 3's row: {ends:?}"
    );
    let last = nodes.iter().map(|n| n.step).max().unwrap();
    assert!(ends.iter().any(|n| n.step == last));
    // The decision's end sits in the decision's own column.
    let diamond = nodes
        .iter()
        .find(|n| n.step == 3 && n.kind == "keputusan")
        .unwrap();
    let own = ends.iter().find(|n| n.step == 3).unwrap();
    assert_eq!((own.actor, own.page), (diamond.actor, diamond.page));
}

/// The words of one page with their heights in points.
fn word_heights(path: &Path, page: usize) -> Vec<(String, f64)> {
    crate::pdf::page_words(path, page)
        .into_iter()
        .map(|w| (w.text, w.y1 - w.y0))
        .collect()
}

/// The Ya/Tidak labels were 6 pt; the floor is 7 pt. Poppler's word box for these
/// labels is 0.9385 em high: 5.63 pt at 6 pt (measured on the old layout), 6.57 pt at 7 pt.
#[test]
fn ya_tidak_labels_are_at_least_7_pt() {
    let p = Project::example();
    assert_eq!(p.run(&["build", "--quiet"]).code, 0);
    let pdf = p
        .path()
        .join("output/tanah-laut-dinsos/pemberdayaan-sosial/tanda-daftar-lks.pdf");
    let mut seen = 0;
    for page in 2..=3 {
        for (w, h) in word_heights(&pdf, page) {
            if w == "Ya" || w == "Tidak" {
                seen += 1;
                assert!(h >= 6.5, "{w} is {h} pt high on page {page}");
            }
        }
    }
    assert!(seen >= 4, "only {seen} labels found");
}

/// A theme whose symbols claim more width than their column: the checker finds it and the
/// build warns naming the SOP and the step, and still succeeds.
#[test]
fn build_warns_about_a_layout_violation_naming_the_sop_and_step() {
    let p = Project::base();
    let symbol = std::fs::read_to_string(
        crate::support::repo_root().join("themes/default/typst/lib/symbol.typ"),
    )
    .unwrap();
    // The box keeps its width; the marker tells sopan the symbol is 40 mm wide.
    let wide = symbol.replace("k: sel.k, w: w,", "k: sel.k, w: 40mm,");
    assert_ne!(wide, symbol, "symbol.typ changed: update this test");
    p.write("sopan.yaml", "judul: Uji\ntema: lebar\n")
        .write("themes/lebar/typst/lib/symbol.typ", &wide);
    let r = p.run(&["build", "--quiet"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("tata letak SOP `dinas/umum/surat-masuk`: langkah 1"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("keluar dari selnya"), "{}", r.stderr);
}

/// A small deterministic generator (no external randomness: the same 30 SOPs every run).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n.max(1)
    }
}

/// One generated SOP: 1–25 steps over 1–8 actors, joint steps, decisions going forward and
/// backward or to `selesai`, and long kelengkapan lists.
fn generated_sop(seed: u64) -> String {
    let mut r = Lcg(seed);
    let actors: Vec<String> = (0..1 + r.next(8))
        .map(|k| format!("Pelaksana {k}"))
        .collect();
    let n = 1 + r.next(25) as usize;
    let mut y = format!(
        "nomor: 800/{seed}/2024\nnama: Alur Uji {seed}\npelaksana: [{}]\nlangkah:\n",
        actors.join(", ")
    );
    for k in 1..=n {
        let a = r.next(actors.len() as u64) as usize;
        let mut who = vec![actors[a].clone()];
        if r.next(5) == 0 && actors.len() > 1 {
            let b = (a + 1 + r.next(actors.len() as u64 - 1) as usize) % actors.len();
            who.push(actors[b].clone());
        }
        y.push_str(&format!(
            "  - kegiatan: Kegiatan nomor {k} dikerjakan\n    pelaksana: [{}]\n",
            who.join(", ")
        ));
        if k > 1 && k < n && r.next(4) == 0 {
            y.push_str("    jenis: keputusan\n");
            let other = 1 + r.next(n as u64) as usize;
            let tidak = if r.next(4) == 0 || other == k {
                String::from("selesai")
            } else {
                other.to_string()
            };
            y.push_str(&format!("    tidak: {tidak}\n"));
            if r.next(3) == 0 {
                let ya = 1 + r.next(n as u64) as usize;
                if ya != k && tidak != "selesai" {
                    y.push_str(&format!("    ya: {ya}\n"));
                }
            }
        }
        let items = r.next(11);
        if items > 0 {
            y.push_str("    kelengkapan:\n");
            for j in 0..items {
                y.push_str(&format!(
                    "      - Persyaratan berkas nomor {j} yang harus dilengkapi\n"
                ));
            }
        }
        y.push_str("    waktu: 5 menit\n");
    }
    y
}

/// 30 generated SOPs laid out by Typst: the checker finds nothing (the 1,000 generated flows
/// of the router and checker as pure functions are in `src/pdf/flow/tests.rs`).
#[test]
fn generated_sops_laid_out_by_typst_have_no_layout_violation() {
    let p = Project::base();
    for seed in 1..=30u64 {
        p.write(
            &format!("content/dinas/umum/alur-{seed}.yaml"),
            &generated_sop(seed),
        );
    }
    let l = sopan::load_and_validate(p.path()).unwrap();
    let errors: Vec<String> = l
        .diags
        .iter()
        .filter(|d| d.severity == sopan::core::diag::Severity::Error)
        .map(|d| d.message.clone())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let all = checked(&l.site, p.path());
    assert_eq!(all.len(), 31);
    let bad: Vec<_> = all.iter().filter(|(_, _, v)| !v.is_empty()).collect();
    assert!(bad.is_empty(), "{bad:#?}");
}
