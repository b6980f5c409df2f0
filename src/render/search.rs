//! Search: Pagefind indexes the built pages in-process (Indonesian stemming, filters for instansi
//! and bidang); its index and browser scripts go to `pagefind/` in the output.

use crate::error::Error;
use crate::output::Output;

/// Indexes every HTML page of `out` (only those marked `data-pagefind-body` are searchable) and
/// adds the Pagefind bundle under `pagefind/`. `base` is the site's path prefix.
pub fn render(out: &mut Output, base: &str) -> Result<(), Error> {
    let pages: Vec<(String, String)> = out
        .iter()
        // Only pages marked searchable are indexed; Pagefind would parse and then skip the rest.
        .filter(|(p, b)| p.ends_with(".html") && memchr_contains(b, b"data-pagefind-body"))
        .map(|(p, b)| {
            (
                format!("{base}/{}", p.trim_end_matches("index.html")),
                String::from_utf8_lossy(b).into_owned(),
            )
        })
        .collect();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::new("gagal menyiapkan runtime pencarian").cause(e))?;
    let files = runtime.block_on(async move {
        let config = pagefind::options::PagefindServiceConfig::builder()
            .force_language("id".to_string())
            .build();
        let mut index = pagefind::api::PagefindIndex::new(Some(config))?;
        for (url, html) in pages {
            index.add_html_file(None, Some(url), html).await?;
        }
        index.get_files().await
    });
    let files =
        files.map_err(|e| Error::new("gagal membangun indeks pencarian (Pagefind)").cause(e))?;
    for f in files {
        let name = crate::diag::display_path(&f.filename);
        let name = name.trim_start_matches('/');
        let path = if name.starts_with("pagefind/") {
            name.to_string()
        } else {
            format!("pagefind/{name}")
        };
        out.insert(path, f.contents);
    }
    Ok(())
}

fn memchr_contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
