//! Search: Pagefind indexes the site's search records in-process (Indonesian stemming, filters
//! for instansi and bidang); its index and browser scripts go to `pagefind/` in the output.
//!
//! A large site's records are indexed in parts, each a Pagefind index of its own built on its
//! own thread: Pagefind takes each record in turn under one lock, and its work grows faster
//! than the record count (1,000 SOPs: one index 0.6–1.0 s, two halves side by side
//! 0.37–0.73 s). The page's script merges the parts in the browser (Pagefind's `mergeIndex`),
//! listed in [`PARTS_FILE`].
//!
//! Each part also holds a word list ([`KIND_WORDS`]) of the words the other parts have and it
//! lacks. Pagefind, finding no word that starts with a search term, falls back to the longest
//! word the term starts with ("adopsi" → "a"): a part without "adopsi" would put pages with a
//! lone "a" beside the real hits, and above them. With the list every part knows every word of
//! the site, so it falls back only when one whole index would. The page's script searches only
//! [`KIND_SOP`] and [`KIND_HALAMAN`] records, so the list itself is never a result.

use std::sync::Mutex;

use pagefind::api::PagefindIndex;

use crate::core::error::{Error, ErrorKind};
use crate::core::sync::lock;
use crate::pipeline::disk_cache::DiskCache;
use crate::pipeline::output::Blob;
use crate::site::search::record::SearchRecord;

mod preload;
mod words;

use preload::preload_list;
use words::{add_word_lists, is_word_list, word_list};

/// Pagefind indexes kept between builds of a `serve` session, one per part: when only the text
/// of existing pages changed, just those are indexed again. Pagefind replaces a page in place,
/// so the indexed pages stay in the order a fresh build adds them and the bundle is
/// byte-identical to a fresh build's; a part that gained or lost a page starts afresh.
#[derive(Default)]
pub struct SearchCache {
    kept: Mutex<Vec<Option<Kept>>>,
    /// How many records the last build indexed (the others were kept).
    indexed: std::sync::atomic::AtomicUsize,
}

impl SearchCache {
    /// How many records the last build indexed; the others were kept from the build before.
    pub(crate) fn last_indexed(&self) -> usize {
        self.indexed.load(std::sync::atomic::Ordering::Relaxed)
    }
}

struct Kept {
    index: PagefindIndex,
    /// The records indexed, in the order they were added.
    records: Vec<SearchRecord>,
}

/// The folder of the search index and its scripts in the output.
pub const DIR: &str = "pagefind/";

/// What the page's script needs before it searches: the index's further parts (folders under
/// [`DIR`]; empty for a site indexed whole) and the filters it offers, as
/// `{"bagian": ["bagian-2/", …], "saringan": [{"kunci": "instansi", "label": "Instansi"}]}`.
pub(crate) const PARTS_FILE: &str = "pagefind/sopan-bagian.json";

/// The site's words for "maksud Anda …?" (`{"kata": [...]}`), most pages first: the page's
/// script picks the nearest to a word that no page holds.
pub(crate) const WORDS_FILE: &str = "pagefind/sopan-kata.json";

/// At most this many words in [`WORDS_FILE`] (the commonest): it is loaded with the index.
const MAX_WORDS: usize = 20_000;

/// The language of every page: Pagefind stems Indonesian words.
const LANGUAGE: &str = "id";

/// The filter telling what a record is; the page's script searches SOPs and free pages only.
pub(crate) const KIND: &str = "jenis";
/// [`KIND`] of an SOP page's record.
pub(crate) const KIND_SOP: &str = "SOP";
/// [`KIND`] of a free page's record.
pub(crate) const KIND_HALAMAN: &str = "Halaman";
/// [`KIND`] of a part's word list.
pub(crate) const KIND_WORDS: &str = "kata";

/// How many parts `records` records make at `per_part` records each.
pub(crate) fn part_count(records: usize, per_part: usize) -> usize {
    records.div_ceil(per_part.max(1)).max(1)
}

/// The part a page's record goes to: a hash of its URL, so a page stays in its part when others
/// come and go (`serve` indexes only that part again) and each part is a fair sample of the
/// site, which keeps scores from different parts comparable. FNV-1a: fixed across platforms
/// and releases, unlike the standard library's hasher.
fn part_of(url: &str, parts: usize) -> usize {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in url.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (h % parts as u64) as usize
}

/// The folder of part `k` (0-based) in the output: the first part is [`DIR`] itself, with
/// Pagefind's scripts; the others hold only their index.
fn part_dir(k: usize) -> String {
    if k == 0 {
        DIR.to_string()
    } else {
        format!("{DIR}bagian-{}/", k + 1)
    }
}

fn new_index() -> Result<PagefindIndex, String> {
    let config = pagefind::options::PagefindServiceConfig::builder()
        .force_language(LANGUAGE.to_string())
        .build();
    PagefindIndex::new(Some(config)).map_err(|e| e.to_string())
}

/// Indexes `records` (in their order, which fixes Pagefind's page numbers) and returns the
/// Pagefind bundle, paths under `pagefind/`. `cache` lets `serve` index only what changed.
/// Parts of [`crate::core::env::Env::records_per_part`] records.
pub fn index(
    records: Vec<SearchRecord>,
    cache: Option<&SearchCache>,
) -> Result<Vec<(String, Vec<u8>)>, Error> {
    index_in_parts(records, cache, crate::core::env::get().records_per_part()?)
}

/// [`index`] with `per_part` records per part.
pub(crate) fn index_in_parts(
    records: Vec<SearchRecord>,
    cache: Option<&SearchCache>,
    per_part: usize,
) -> Result<Vec<(String, Vec<u8>)>, Error> {
    index_in_parts_cached(records, cache, None, per_part, None)
}

/// Says when the cores the PDF stage held are free: a build that indexes its parts one after
/// another (a cold build, or a warm one whose new word changed every part's word list) then
/// indexes the parts still waiting side by side. At 10,000 SOPs a new word in one SOP made
/// all 20 parts wait for one thread (one-change build 10.8 s).
#[derive(Default)]
pub(crate) struct CoresFreed {
    freed: Mutex<bool>,
    wake: std::sync::Condvar,
}

impl CoresFreed {
    /// The PDF stage is done.
    pub(crate) fn set(&self) {
        *lock(&self.freed) = true;
        self.wake.notify_all();
    }

    /// Waits until the cores are free or `gone` says there is nothing left to do (checked at
    /// each [`CoresFreed::poke`]); true when the cores are free.
    fn wait(&self, gone: impl Fn() -> bool) -> bool {
        let mut freed = lock(&self.freed);
        while !*freed && !gone() {
            freed = self
                .wake
                .wait(freed)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
        }
        *freed
    }

    /// Wakes the waiting so they look again whether anything is left.
    fn poke(&self) {
        let _freed = lock(&self.freed);
        self.wake.notify_all();
    }
}

/// [`index_in_parts`], taking each part whose records are unchanged from the build cache on
/// disk (`sopan build`): a build after one edit indexes one part again. `freed`: more threads
/// join once it is set ([`CoresFreed`]).
pub(crate) fn index_in_parts_cached(
    records: Vec<SearchRecord>,
    cache: Option<&SearchCache>,
    disk: Option<&DiskCache>,
    per_part: usize,
    freed: Option<&CoresFreed>,
) -> Result<Vec<(String, Vec<u8>)>, Error> {
    let parts = part_count(records.len(), per_part);
    let words = word_list(&records);
    let mut split: Vec<Vec<SearchRecord>> = vec![Vec::new(); parts];
    for r in records {
        let k = part_of(&r.url, parts);
        split[k].push(r);
    }
    if parts > 1 {
        add_word_lists(&mut split);
    }
    let mut guard = cache.map(|c| lock(&c.kept));
    let mut kept: Vec<Option<Kept>> = match guard.as_mut() {
        Some(g) if g.len() == parts => std::mem::take(&mut **g),
        _ => Vec::new(),
    };
    kept.resize_with(parts, || None);

    // Parts one after another in a cold `sopan build` (its PDFs take far longer, on every
    // core), on one thread per core in `serve` (a save waits for its index): all parts at once held
    // every part's Pagefind index in memory together (10,000 SOPs: 2.2 GB; two at a time
    // 1.27 GB). A further part that drew no page (a tiny site split finely) is left out; the
    // first always exists, it carries Pagefind's scripts.
    let keys: Vec<Option<[u8; 32]>> = split.iter().map(|r| disk.map(|_| part_key(r))).collect();
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let threads = match disk {
        // After a small edit (at most two parts to index, the others in the build cache) the
        // index is what the build waits for, not the PDFs: those parts side by side. A new
        // word changes the word list of every other part, so one edit often means two.
        Some(d) if keys.iter().flatten().filter(|k| !d.contains(k)).count() <= 2 => cores,
        Some(_) => 1,
        None => cores,
    }
    .min(parts);
    type Indexed = Option<Result<(Vec<pagefind::api::SyntheticFile>, Option<Kept>, usize), String>>;
    type Job = std::sync::Mutex<Option<(Vec<SearchRecord>, Option<Kept>)>>;
    let jobs: Vec<Job> = split
        .into_iter()
        .zip(kept)
        .enumerate()
        .map(|(k, (records, kept))| {
            std::sync::Mutex::new((k == 0 || !records.is_empty()).then_some((records, kept)))
        })
        .collect();
    let done: Vec<std::sync::Mutex<Indexed>> = (0..parts).map(|_| Default::default()).collect();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let work = || {
        loop {
            let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some(job) = jobs.get(k) else { break };
            if let Some((records, kept)) = lock(job).take() {
                let keep = cache.is_some();
                let disk = disk.zip(keys[k]);
                *lock(&done[k]) = Some(index_part_cached(records, kept, keep, disk));
            }
        }
        if let Some(freed) = freed {
            freed.poke();
        }
    };
    let later = freed.map_or(0, |_| cores.min(parts).saturating_sub(threads));
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(work);
        }
        for _ in 0..later {
            scope.spawn(|| {
                let gone = || next.load(std::sync::atomic::Ordering::Relaxed) >= jobs.len();
                if freed.is_some_and(|f| f.wait(gone)) {
                    work();
                }
            });
        }
    });
    let results: Vec<Indexed> = done
        .into_iter()
        .map(|m| {
            m.into_inner()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
        })
        .collect();

    let mut bundle = Vec::new();
    let mut further = Vec::new();
    let mut keep = Vec::with_capacity(parts);
    let mut failed = None;
    let mut indexed = 0;
    for (k, result) in results.into_iter().enumerate() {
        match result {
            Some(Ok((files, kept, n))) => {
                indexed += n;
                keep.push(kept);
                bundle.extend(part_files(k, files));
                if k > 0 {
                    further.push(part_dir(k)[DIR.len()..].to_string());
                }
            }
            Some(Err(e)) => {
                keep.push(None);
                failed.get_or_insert(e);
            }
            None => keep.push(None),
        }
    }
    if let Some(g) = guard.as_mut() {
        **g = keep;
    }
    if let Some(c) = cache {
        c.indexed
            .store(indexed, std::sync::atomic::Ordering::Relaxed);
    }
    if let Some(e) = failed {
        return Err(Error::new(ErrorKind::SearchIndex).cause(e));
    }
    let offered: Vec<serde_json::Value> = crate::site::search::record::FILTERS
        .iter()
        .map(|(key, label)| serde_json::json!({ "kunci": key, "label": label }))
        .collect();
    let (tag, preload) = preload_list(&bundle);
    bundle.push((
        PARTS_FILE.to_string(),
        serde_json::to_vec(&serde_json::json!({
            "bagian": further,
            "saringan": offered,
            "tanda": tag,
            "muat": preload,
        }))
        .expect("strings serialise"),
    ));
    bundle.push((
        WORDS_FILE.to_string(),
        serde_json::to_vec(&serde_json::json!({ "kata": words })).expect("strings serialise"),
    ));
    Ok(bundle)
}
/// [`index_part`] through the build cache on disk: a part's files are stored under a hash of
/// its records (Pagefind's output depends on nothing else but sopan's version, which the
/// cache's stamp covers). A part taken from the cache has no index to keep (`serve`, which
/// keeps them, has no disk cache). The part's Pagefind index is returned only when `keep`
/// (`serve`'s cache): otherwise it is dropped here, as soon as its files are out. Kept until
/// the last part was done, every part's index (its pages as Pagefind read them and the index
/// built from them) was alive at once: a cold build of 10,000 SOPs in 20 parts peaked at
/// 1.34 GB, 0.81 GB without.
fn index_part_cached(
    records: Vec<SearchRecord>,
    kept: Option<Kept>,
    keep: bool,
    disk: Option<(&DiskCache, [u8; 32])>,
) -> Result<(Vec<pagefind::api::SyntheticFile>, Option<Kept>, usize), String> {
    let Some((disk, key)) = disk else {
        return index_part(records, kept).map(|(files, kept, n)| (files, keep.then_some(kept), n));
    };
    if let Some(files) = disk.fetch(&key) {
        let files = files
            .into_iter()
            .map(|(path, blob)| pagefind::api::SyntheticFile {
                filename: path.into(),
                contents: blob.bytes().to_vec(),
            })
            .collect();
        return Ok((files, None, 0));
    }
    let (files, kept, n) = index_part(records, kept)?;
    let kept = keep.then_some(kept);
    let shared = files
        .iter()
        .map(|f| {
            (
                crate::core::diag::display_path(&f.filename),
                Blob::new(f.contents.clone()),
            )
        })
        .collect();
    disk.store(&key, &shared);
    Ok((files, kept, n))
}

/// The build-cache key of a part of the index: every field of its records, in order.
fn part_key(records: &[SearchRecord]) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    let mut field = |s: &str| {
        h.update((s.len() as u64).to_le_bytes());
        h.update(s.as_bytes());
    };
    field("pagefind");
    field(crate::pipeline::disk_cache::build_stamp());
    for r in records {
        field(&r.url);
        field(&r.title);
        field(&r.text);
        field("\0meta");
        for (k, v) in &r.meta {
            field(k);
            field(v);
        }
        field("\0filters");
        for (k, vs) in &r.filters {
            field(k);
            for v in vs {
                field(v);
            }
            field("\0");
        }
        field("\0record");
    }
    h.finalize().into()
}

/// Indexes one part's records, updating `kept` (a part of an earlier build) when it holds the
/// same pages in the same order. Returns the part's files, its index to keep and how many
/// records it indexed.
fn index_part(
    records: Vec<SearchRecord>,
    kept: Option<Kept>,
) -> Result<(Vec<pagefind::api::SyntheticFile>, Kept, usize), String> {
    let kept = kept.filter(|k| {
        k.records.len() == records.len()
            && k.records.iter().zip(&records).all(|(a, b)| a.url == b.url)
    });
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("gagal menyiapkan runtime pencarian: {e}"))?;
    runtime.block_on(async {
        let (mut index, old) = match kept {
            Some(k) => (k.index, Some(k.records)),
            None => (new_index()?, None),
        };
        let mut indexed = 0;
        for (k, r) in records.iter().enumerate() {
            if old.as_ref().is_some_and(|o| &o[k] == r) {
                continue;
            }
            if !is_word_list(r) {
                indexed += 1;
            }
            let mut meta = r.meta.clone();
            meta.insert("title".to_string(), r.title.clone());
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
        Ok((files, Kept { index, records }, indexed))
    })
}

/// Part `k`'s files at their paths in the output. Parts after the first drop Pagefind's
/// scripts and WebAssembly: the browser runs the first part's for all of them.
fn part_files(
    k: usize,
    files: Vec<pagefind::api::SyntheticFile>,
) -> impl Iterator<Item = (String, Vec<u8>)> {
    let dir = part_dir(k);
    files.into_iter().filter_map(move |f| {
        let name = crate::core::diag::display_path(&f.filename);
        let name = name.trim_start_matches('/');
        let name = name.strip_prefix(DIR).unwrap_or(name);
        let index_data = name == "pagefind-entry.json"
            || name.ends_with(".pf_meta")
            || ["index/", "fragment/", "filter/"]
                .iter()
                .any(|d| name.starts_with(d));
        (k == 0 || index_data).then(|| (format!("{dir}{name}"), f.contents))
    })
}

#[cfg(test)]
mod tests;
