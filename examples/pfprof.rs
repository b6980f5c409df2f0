//! Scratch: time Pagefind over a built output folder, full pages vs trimmed to the body.
use std::time::Instant;
fn main() {
    let dir = std::path::PathBuf::from(std::env::args().nth(1).unwrap());
    let trim = std::env::args().nth(2).is_some();
    let mut pages = vec![];
    for e in walkdir::WalkDir::new(&dir) {
        let e = e.unwrap();
        let p = e.path();
        if p.extension().is_some_and(|x| x == "html") && !p.starts_with(dir.join("pagefind")) {
            let html = std::fs::read_to_string(p).unwrap();
            if let Some(i) = html.find("<article") {
                let html = if trim {
                    let j = html.find("</article>").unwrap() + 10;
                    format!(
                        "<html lang=\"id\"><head><title>x</title></head><body>{}</body></html>",
                        &html[i..j]
                    )
                } else {
                    html
                };
                pages.push((
                    format!("/{}", p.strip_prefix(&dir).unwrap().display()),
                    html,
                ));
            }
        }
    }
    let bytes: usize = pages.iter().map(|p| p.1.len()).sum();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async move {
        let config = pagefind::options::PagefindServiceConfig::builder()
            .force_language("id".to_string())
            .build();
        let mut index = pagefind::api::PagefindIndex::new(Some(config)).unwrap();
        let t = Instant::now();
        let n = pages.len();
        for (url, html) in pages {
            index.add_html_file(None, Some(url), html).await.unwrap();
        }
        let a = t.elapsed().as_millis();
        let files = index.get_files().await.unwrap();
        let total: usize = files.iter().map(|f| f.contents.len()).sum();
        println!(
            "{n} pages {} KB: add {a} ms, total {} ms, {} files {} KB",
            bytes / 1024,
            t.elapsed().as_millis(),
            files.len(),
            total / 1024
        );
    });
}
