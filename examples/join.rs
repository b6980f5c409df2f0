//! Developer aid: time joining a decree book from PDFs already written by `sopan build`.
//! `cargo run --release --example join -- OUT/INSTANSI [RUNS]` joins every SOP PDF under that
//! folder, in path order, behind the first one (standing in for the decree part). PDFs with
//! cross-reference or object streams (e.g. passed through `qpdf --object-streams=generate`)
//! are rewritten into classic form as the join reads them (and while counting pages).
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let dir = std::path::PathBuf::from(&args[1]);
    let runs: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(5);
    let mut paths: Vec<_> = walkdir::WalkDir::new(&dir)
        .min_depth(2)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .collect();
    paths.sort();
    let raw: Vec<Vec<u8>> = paths.iter().map(|p| std::fs::read(p).unwrap()).collect();
    assert!(!raw.is_empty(), "at least one SOP PDF");
    for _ in 0..runs {
        let t = Instant::now();
        let parts: Vec<sopan::pdf::book::Part> = raw
            .iter()
            .map(|pdf| sopan::pdf::book::Part {
                pdf: sopan::pdf::book::PartPdf::Bytes(pdf),
                pages: sopan::pdf::book::page_count(pdf).unwrap(),
                title: "x",
                marks: vec![(3, "x".into())],
            })
            .collect();
        let counted = t.elapsed();
        let book = sopan::pdf::book::join(&raw[0], &[], &parts, None).unwrap();
        println!(
            "{} PDFs: page counts {:.0} ms, join {:.0} ms, {} KB",
            raw.len(),
            counted.as_secs_f64() * 1000.0,
            (t.elapsed() - counted).as_secs_f64() * 1000.0,
            book.len() / 1024
        );
    }
}
