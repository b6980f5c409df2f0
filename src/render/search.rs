//! Search: Pagefind indexes the site's search records in-process (Indonesian stemming, filters
//! for instansi and bidang); its index and browser scripts go to `pagefind/` in the output.

use std::collections::BTreeMap;
use std::sync::Mutex;

use pagefind::api::PagefindIndex;

use crate::error::Error;
use crate::render::search_record::SearchRecord;
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
    /// The records indexed, in the order they were added.
    records: Vec<SearchRecord>,
}

/// The folder of the search index and its scripts in the output.
pub const DIR: &str = "pagefind/";

/// The language of every page: Pagefind stems Indonesian words.
const LANGUAGE: &str = "id";

fn new_index() -> Result<PagefindIndex, String> {
    let config = pagefind::options::PagefindServiceConfig::builder()
        .force_language(LANGUAGE.to_string())
        .build();
    PagefindIndex::new(Some(config)).map_err(|e| e.to_string())
}

/// Indexes `records` (in their order, which fixes Pagefind's page numbers) and returns the
/// Pagefind bundle, paths under `pagefind/`. `cache` lets `serve` index only what changed.
pub fn index(
    records: Vec<SearchRecord>,
    cache: Option<&SearchCache>,
) -> Result<Vec<(String, Vec<u8>)>, Error> {
    let mut guard = cache.map(|c| lock(&c.kept));
    let kept = guard.as_mut().and_then(|g| g.take()).filter(|k| {
        k.records.len() == records.len()
            && k.records.iter().zip(&records).all(|(a, b)| a.url == b.url)
    });
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::new("gagal menyiapkan runtime pencarian").cause(e))?;
    let result = runtime.block_on(async {
        let (mut index, old) = match kept {
            Some(k) => (k.index, Some(k.records)),
            None => (new_index()?, None),
        };
        for (k, r) in records.iter().enumerate() {
            if old.as_ref().is_some_and(|o| &o[k] == r) {
                continue;
            }
            let meta = BTreeMap::from([("title".to_string(), r.title.clone())]);
            index
                .add_custom_record(
                    r.url.clone(),
                    r.text.clone(),
                    LANGUAGE.to_string(),
                    Some(meta),
                    Some(r.filters.clone()),
                    None,
                )
                .await
                .map_err(|e| e.to_string())?;
        }
        let files = index.get_files().await.map_err(|e| e.to_string())?;
        Ok::<_, String>((files, index))
    });
    let files = result.map(|(files, index)| {
        if let Some(g) = guard.as_mut() {
            **g = Some(Kept { index, records });
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
