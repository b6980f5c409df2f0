//! The word lists: each part of the index holds a record of the site's words it lacks, so
//! that Pagefind falls back from an unknown term only where one whole index would (see
//! [`super`]).

use std::collections::BTreeMap;

use super::{DIR, KIND, KIND_WORDS, MAX_WORDS};
use crate::site::search::record::SearchRecord;

/// The words of the pages (titles, text, synonyms), for [`WORDS_FILE`]: those with a letter,
/// 3 to 30 characters, the ones on most pages first (ties alphabetical, so every build writes
/// the same list), at most [`MAX_WORDS`].
pub(super) fn word_list(records: &[SearchRecord]) -> Vec<String> {
    use rayon::prelude::*;
    use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
    // Counted as the pages go, each thread in a table of its own: a set of words kept for
    // every page until all were read held 10,000 SOPs' words at once, beside the PDFs. (Fx
    // hashing: SipHash of every word of every page was ~30M instructions per 200 generated
    // SOPs; the order the tables keep never reaches the list, which is sorted.)
    let count: HashMap<String, usize> = records
        .par_iter()
        .filter(|r| !is_word_list(r))
        .fold(HashMap::default, |mut count: HashMap<String, usize>, r| {
            let meta = |k: &str| r.meta.get(k).map_or("", String::as_str);
            let page: HashSet<String> = [
                r.title.as_str(),
                r.text.as_str(),
                meta(crate::site::search::record::META_SINONIM),
                meta(crate::site::search::record::META_SINONIM_JUDUL),
            ]
            .iter()
            .flat_map(|t| crate::site::sinonim::words(&html_unescape(t)))
            .flat_map(|w| {
                // "e-ktp" is searched as one word and as its parts.
                let parts: Vec<String> = if w.contains('-') {
                    w.split('-').map(str::to_string).collect()
                } else {
                    Vec::new()
                };
                std::iter::once(w).chain(parts)
            })
            .filter(|w| (3..=30).contains(&w.chars().count()) && w.chars().any(char::is_alphabetic))
            .collect();
            for w in page {
                *count.entry(w).or_default() += 1;
            }
            count
        })
        .reduce(HashMap::default, |a, b| {
            let (mut a, b) = if a.len() < b.len() { (b, a) } else { (a, b) };
            for (w, n) in b {
                *a.entry(w).or_default() += n;
            }
            a
        });
    let mut words: Vec<(String, usize)> = count.into_iter().collect();
    words.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    words.into_iter().take(MAX_WORDS).map(|(w, _)| w).collect()
}

/// Undoes the escaping of a record's text (`&amp;`, `&lt;`, `&gt;`).
pub(super) fn html_unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Appends to each part (that has pages) a record of the words the other parts have and it
/// lacks; see the module's note. Words are compared lowercased, without the punctuation around
/// them, as Pagefind indexes them; the list is sorted, so it is the same on every build.
pub(super) fn add_word_lists(split: &mut [Vec<SearchRecord>]) {
    use rayon::prelude::*;
    use std::collections::BTreeSet;
    let words: Vec<BTreeSet<String>> = split
        .par_iter()
        .map(|part| {
            let mut seen = std::collections::HashSet::new();
            for r in part {
                let meta = |k: &str| r.meta.get(k).map_or("", String::as_str);
                let sinonim = [
                    meta(crate::site::search::record::META_SINONIM),
                    meta(crate::site::search::record::META_SINONIM_JUDUL),
                ];
                for w in r
                    .text
                    .split_whitespace()
                    .chain(sinonim.iter().flat_map(|s| s.split_whitespace()))
                {
                    let w = w.trim_matches(|c: char| !c.is_alphanumeric());
                    if !w.is_empty() {
                        seen.insert(w);
                    }
                }
            }
            seen.into_iter().map(str::to_lowercase).collect()
        })
        .collect();
    for (k, part) in split.iter_mut().enumerate() {
        if part.is_empty() {
            continue;
        }
        let others: BTreeSet<&String> = words
            .iter()
            .enumerate()
            .filter(|&(j, _)| j != k)
            .flat_map(|(_, w)| w.iter())
            .filter(|w| !words[k].contains(*w))
            .collect();
        let text = others
            .into_iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(" ");
        part.push(SearchRecord {
            url: format!("/{DIR}kata-{}/", k + 1),
            title: String::new(),
            text,
            filters: BTreeMap::from([(KIND.to_string(), vec![KIND_WORDS.to_string()])]),
            meta: BTreeMap::new(),
        });
    }
}

/// Whether `r` is a part's word list rather than a page.
pub(super) fn is_word_list(r: &SearchRecord) -> bool {
    r.filters
        .get(KIND)
        .is_some_and(|k| k.iter().any(|v| v == KIND_WORDS))
}
