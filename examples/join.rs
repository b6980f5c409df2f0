//! Developer aid: time joining a decree book from PDFs already written by `sopan build`.
//! `cargo run --release --example join -- OUT/INSTANSI [RUNS]` joins every SOP PDF under that
//! folder, in path order, behind the first one (standing in for the decree part).
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
    let pdfs: Vec<Vec<u8>> = paths
        .iter()
        .map(|p| {
            let pdf = std::fs::read(p).unwrap();
            sopan::pdf::book::classic::classic(&pdf)
                .unwrap()
                .into_owned()
        })
        .collect();
    let head = pdfs.first().expect("at least one SOP PDF").clone();
    for _ in 0..runs {
        let t = Instant::now();
        let parts: Vec<sopan::pdf::book::Part> = pdfs
            .iter()
            .map(|pdf| sopan::pdf::book::Part {
                source: sopan::pdf::book::Source::parse(pdf).unwrap(),
                title: "x",
                marks: vec![(3, "x".into())],
            })
            .collect();
        let parsed = t.elapsed();
        let book = sopan::pdf::book::join(&head, &[], &parts, None).unwrap();
        println!(
            "{} PDFs: parse {:.0} ms, join {:.0} ms, {} KB",
            pdfs.len(),
            parsed.as_secs_f64() * 1000.0,
            (t.elapsed() - parsed).as_secs_f64() * 1000.0,
            book.len() / 1024
        );
    }
}
