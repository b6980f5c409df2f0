//! Benchmark aid (issue 4): the site's pages and its search index alone, without compiling
//! PDFs: every page from the real templates and data, with small stand-ins where the PDFs and
//! flowchart SVGs would be; then the search records and the Pagefind index. RUNS runs in one
//! process (default 1: the first run is the one a `sopan build` pays, fresh memory included).
//! `cargo run --release --example site -- DIR [RUNS]`
use std::time::Instant;

fn main() {
    let root = std::path::PathBuf::from(std::env::args().nth(1).expect("DIR"));
    let runs: usize = std::env::args()
        .nth(2)
        .map(|r| r.parse().expect("RUNS"))
        .unwrap_or(1);
    let t = Instant::now();
    let loaded = sopan::load_and_validate(&root).expect("loads");
    let load = t.elapsed();
    let rss_load = peak_rss_mib();
    let site = &loaded.site;
    let theme = sopan::pipeline::theme::Theme::load(&root, &site.settings.tema).expect("theme");
    let extras = sopan::extras(&root, &loaded, None);
    let mut files = sopan::pipeline::output::Output::new();
    for s in site.sops() {
        files.insert(s.id.pdf_path(), b"%PDF-1.7 pengganti".to_vec());
        files.insert(
            format!("{}/alur-1.svg", s.id),
            br#"<svg xmlns="http://www.w3.org/2000/svg" width="935" height="610"></svg>"#.to_vec(),
        );
    }
    for _ in 0..runs {
        let mut out = files.clone();
        let t = Instant::now();
        sopan::site::html::render(site, &theme, &extras, &mut out, None).expect("pages");
        let html = t.elapsed();
        let rss_html = peak_rss_mib();
        let t = Instant::now();
        let records = sopan::site::search::record::records(site);
        let rec = t.elapsed();
        let n = records.len();
        let index = sopan::site::search::index::index(records, None).expect("index");
        let search = t.elapsed();
        println!(
            "{} pages: load {} ms, HTML {} ms, search {} ms ({n} records {} ms, {} files); together {} ms; peak memory after load {rss_load} MiB, HTML {rss_html} MiB, search {} MiB",
            out.iter().filter(|(p, _)| p.ends_with(".html")).count(),
            load.as_millis(),
            html.as_millis(),
            search.as_millis(),
            rec.as_millis(),
            index.len(),
            (load + html + search).as_millis(),
            peak_rss_mib()
        );
    }
}

/// The process's peak resident memory so far (Linux; 0 elsewhere).
fn peak_rss_mib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        })
        .map_or(0, |kb| kb / 1024)
}

// The allocator of the `sopan` binary, so the figures are the binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
