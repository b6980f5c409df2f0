//! scratch: Pagefind per-page cost for tiny vs real pages
use std::time::Instant;
fn main() {
    let root = std::path::PathBuf::from(std::env::args().nth(1).expect("DIR"));
    let loaded = sopan::load_and_validate(&root).expect("loads");
    let theme = sopan::theme::Theme::load(&root, &loaded.site.settings.tema).expect("theme");
    let extras = sopan::extras(&root, &loaded, None);
    let pages =
        sopan::render::html::render_search_draft(&loaded.site, &theme, &extras).expect("pages");
    let real: Vec<(String, String)> = pages
        .iter()
        .filter(|(p, b)| {
            p.ends_with(".html") && String::from_utf8_lossy(b).contains("data-pagefind-body")
        })
        .map(|(p, b)| (format!("/{p}"), String::from_utf8_lossy(b).into_owned()))
        .collect();
    let tiny: Vec<(String, String)> = real.iter().map(|(u, _)| (u.clone(), "<html lang=\"id\"><body><main data-pagefind-body><h1>Judul</h1><p>kata satu dua</p></main></body></html>".to_string())).collect();
    let lean: Vec<(String, String)> = real
        .iter()
        .map(|(u, h)| {
            let mut h = h.clone();
            // drop ignored sections
            for (open, close) in [
                (
                    "<section aria-labelledby=\"judul-alur\" data-pagefind-ignore",
                    "</section>",
                ),
                ("<section class=\"riwayat\"", "</section>"),
                ("<p class=\"unduhan\"", "</p>"),
                ("<p class=\"kecil\" data-pagefind-ignore", "</p>"),
            ] {
                if let Some(a) = h.find(open) {
                    if let Some(b) = h[a..].find(close) {
                        h.replace_range(a..a + b + close.len(), "");
                    }
                }
            }
            let body = h.find("<article").unwrap_or(0);
            let end = h.rfind("</article>").map(|e| e + 10).unwrap_or(h.len());
            (
                u.clone(),
                format!("<html lang=\"id\"><body>{}</body></html>", &h[body..end]),
            )
        })
        .collect();
    eprintln!(
        "real {} bytes, lean {} bytes",
        real.iter().map(|x| x.1.len()).sum::<usize>(),
        lean.iter().map(|x| x.1.len()).sum::<usize>()
    );
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    for (name, set) in [
        ("lean", &lean),
        ("real", &real),
        ("lean", &lean),
        ("real", &real),
    ] {
        rt.block_on(async {
            let config = pagefind::options::PagefindServiceConfig::builder()
                .force_language("id".to_string())
                .build();
            let mut index = pagefind::api::PagefindIndex::new(Some(config)).unwrap();
            let t = Instant::now();
            for (u, h) in set.iter() {
                index
                    .add_html_file(None, Some(u.clone()), h.clone())
                    .await
                    .unwrap();
            }
            let a = t.elapsed();
            let files = index.get_files().await.unwrap();
            println!(
                "{name}: {} pages add {} ms, get_files {} ms, {} files",
                set.len(),
                a.as_millis(),
                (t.elapsed() - a).as_millis(),
                files.len()
            );
        });
    }
}
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
