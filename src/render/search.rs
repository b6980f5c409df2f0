//! Search: Pagefind indexes the built pages in-process (Indonesian stemming, filters for instansi
//! and bidang); its index and browser scripts go to `pagefind/` in the output.

use std::sync::Mutex;

use pagefind::api::PagefindIndex;
use sha2::{Digest, Sha256};

use crate::error::Error;
use crate::output::Output;
use crate::sync::lock;

/// A Pagefind index kept between builds of a `serve` session: when only the text of existing
/// pages changed, just those are indexed again. Pagefind replaces a page in place, so the
/// indexed pages stay in the order a fresh build adds them and the bundle is byte-identical to
/// a fresh build's; an added or removed page starts a fresh index.
#[derive(Default)]
pub struct SearchCache {
    kept: Mutex<Option<Kept>>,
}

struct Kept {
    index: PagefindIndex,
    /// Page URL → SHA-256 of its HTML, in the order the pages were added.
    pages: Vec<(String, [u8; 32])>,
}

/// The folder of the search index and its scripts in the output.
pub const DIR: &str = "pagefind/";

fn new_index() -> Result<PagefindIndex, String> {
    let config = pagefind::options::PagefindServiceConfig::builder()
        .force_language("id".to_string())
        .build();
    PagefindIndex::new(Some(config)).map_err(|e| e.to_string())
}

/// Indexes every HTML page of `pages` (only those marked `data-pagefind-body` are searchable)
/// and returns the Pagefind bundle, paths under `pagefind/`. `base` is the site's path prefix;
/// `cache` lets `serve` index only what changed.
pub fn index(
    pages: &Output,
    base: &str,
    cache: Option<&SearchCache>,
) -> Result<Vec<(String, Vec<u8>)>, Error> {
    let pages: Vec<(String, String)> = pages
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
    let hashes: Vec<(String, [u8; 32])> = pages
        .iter()
        .map(|(url, html)| (url.clone(), Sha256::digest(html.as_bytes()).into()))
        .collect();
    let mut guard = cache.map(|c| lock(&c.kept));
    let kept = guard.as_mut().and_then(|g| g.take()).filter(|k| {
        k.pages.len() == hashes.len() && k.pages.iter().zip(&hashes).all(|(a, b)| a.0 == b.0)
    });
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::new("gagal menyiapkan runtime pencarian").cause(e))?;
    let result = runtime.block_on(async {
        let (mut index, old) = match kept {
            Some(k) => (k.index, Some(k.pages)),
            None => (new_index()?, None),
        };
        for (k, (url, html)) in pages.into_iter().enumerate() {
            let unchanged = old.as_ref().is_some_and(|o| o[k].1 == hashes[k].1);
            if !unchanged {
                index
                    .add_html_file(None, Some(url), html)
                    .await
                    .map_err(|e| e.to_string())?;
            }
        }
        let files = index.get_files().await.map_err(|e| e.to_string())?;
        Ok::<_, String>((files, index))
    });
    let files = result.map(|(files, index)| {
        if let Some(g) = guard.as_mut() {
            **g = Some(Kept {
                index,
                pages: hashes,
            });
        }
        files
    });
    let files =
        files.map_err(|e| Error::new("gagal membangun indeks pencarian (Pagefind)").cause(e))?;
    Ok(files
        .into_iter()
        .map(|f| {
            let name = crate::diag::display_path(&f.filename);
            let name = name.trim_start_matches('/');
            let path = if name.starts_with(DIR) {
                name.to_string()
            } else {
                format!("{DIR}{name}")
            };
            (path, f.contents)
        })
        .collect())
}

fn memchr_contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
