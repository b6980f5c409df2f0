//! Benchmark aid (issue 4): the site's pages and search index alone, without PDFs: renders the
//! pages as the search draft (the same templates and data; PDF facts blank) and indexes them
//! with Pagefind, three times. `cargo run --release --example site -- DIR`
use std::time::Instant;

fn main() {
    let root = std::path::PathBuf::from(std::env::args().nth(1).expect("DIR"));
    let loaded = sopan::load_and_validate(&root).expect("loads");
    let theme = sopan::theme::Theme::load(&root, &loaded.site.settings.tema).expect("theme");
    let extras = sopan::extras(&root, &loaded, None);
    for _ in 0..3 {
        let t = Instant::now();
        let pages =
            sopan::render::html::render_search_draft(&loaded.site, &theme, &extras).expect("pages");
        let html = t.elapsed();
        let files = sopan::render::search::index(&pages, "", None).expect("index");
        println!(
            "{} pages: HTML {} ms, search index {} ms ({} files), together {} ms",
            pages.iter().filter(|(p, _)| p.ends_with(".html")).count(),
            html.as_millis(),
            (t.elapsed() - html).as_millis(),
            files.len(),
            t.elapsed().as_millis()
        );
    }
}

// The allocator of the `sopan` binary, so the figures are the binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
