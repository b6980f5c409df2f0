//! The preload list: what the page's script fetches as soon as a search is coming.

use std::collections::BTreeMap;

use super::DIR;

/// Index parts whose index chunks together are at most this size have them preloaded: every
/// search of a small site needs most of them.
pub(super) const PRELOAD_INDEX_BYTES: usize = 64 * 1024;

/// What the page's script asks the browser for as soon as it knows a search is coming (paths
/// under [`DIR`]): each part's entry, metadata and filters, which Pagefind fetches one after the
/// other before any search, and a small part's whole index. The entry's address carries
/// `?ts=` with the returned tag (Pagefind's `metaCacheTag`, a hash of the entries), so it is
/// the address Pagefind asks for and still changes with every index.
pub(super) fn preload_list(bundle: &[(String, Vec<u8>)]) -> (String, Vec<String>) {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut entries = bundle
        .iter()
        .filter(|(p, _)| p.ends_with("pagefind-entry.json"))
        .collect::<Vec<_>>();
    entries.sort();
    for (p, bytes) in entries {
        for b in p.bytes().chain(bytes.iter().copied()) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    let tag = format!("{h:016x}");
    // Paths under DIR: "index/…" for the first part, "bagian-2/index/…" for the others.
    let split = |p: &str| -> Option<(String, String)> {
        let rel = p.strip_prefix(DIR)?;
        let part = if rel.starts_with("bagian-") {
            rel.split_once('/').map_or("", |(d, _)| d)
        } else {
            ""
        };
        let inner = rel[part.len()..].trim_start_matches('/');
        Some((part.to_string(), inner.to_string()))
    };
    let mut index_bytes: BTreeMap<String, usize> = BTreeMap::new();
    for (p, bytes) in bundle {
        if let Some((part, inner)) = split(p)
            && inner.starts_with("index/")
        {
            *index_bytes.entry(part).or_default() += bytes.len();
        }
    }
    let mut list: Vec<String> = bundle
        .iter()
        .filter_map(|(p, _)| {
            let (part, inner) = split(p)?;
            let rel = &p[DIR.len()..];
            if inner == "pagefind-entry.json" {
                Some(format!("{rel}?ts={tag}"))
            } else if (inner.ends_with(".pf_meta") && !inner.contains('/'))
                || inner.starts_with("filter/")
                || (inner.starts_with("index/")
                    && index_bytes
                        .get(&part)
                        .is_some_and(|&n| n <= PRELOAD_INDEX_BYTES))
            {
                Some(rel.to_string())
            } else {
                None
            }
        })
        .collect();
    list.sort();
    (tag, list)
}
