//! The portal's search: every merged output keeps its own Pagefind index, and the page's script
//! merges them in the browser (Pagefind's `mergeIndex`, as it already does for the parts of a
//! large site's index). The first output's bundle stays at `pagefind/` with Pagefind's scripts;
//! each other one's index goes to `pagefind/instansi/<id>/` (`<id>` its first instansi; no
//! Pagefind file or folder has that name), and one parts file lists them all.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::core::error::{Error, ErrorKind};
use crate::site::search::index::{DIR, PARTS_FILE, WORDS_FILE};

/// Where the indexes after the first go, under [`DIR`].
const OTHERS: &str = "instansi/";

/// At most this many words in the portal's word list (as in one site's).
const MAX_WORDS: usize = 20_000;

/// One output's search bundle: its files under `pagefind/`, paths relative to it.
pub(crate) struct Bundle {
    /// The output's first instansi: the folder of its index in the portal.
    pub(crate) id: String,
    /// Path below `pagefind/` and bytes.
    pub(crate) files: Vec<(String, Vec<u8>)>,
}

/// [`PARTS_FILE`] as the page's script reads it.
#[derive(Serialize, Deserialize, Default)]
struct Parts {
    bagian: Vec<String>,
    #[serde(default)]
    muat: Vec<String>,
    #[serde(default)]
    saringan: Vec<serde_json::Value>,
    #[serde(default)]
    tanda: String,
}

/// [`WORDS_FILE`].
#[derive(Serialize, Deserialize, Default)]
struct Words {
    kata: Vec<String>,
}

/// The portal's `pagefind/` files (paths from the output's root) from the bundles, first one
/// first.
pub(crate) fn merge(bundles: Vec<Bundle>) -> Result<Vec<(String, Vec<u8>)>, Error> {
    let parts_name = &PARTS_FILE[DIR.len()..];
    let words_name = &WORDS_FILE[DIR.len()..];
    let mut out = Vec::new();
    let mut parts = Parts::default();
    let mut tags = Vec::new();
    let mut word_lists = Vec::new();
    for (k, bundle) in bundles.into_iter().enumerate() {
        let prefix = if k == 0 {
            String::new()
        } else {
            format!("{OTHERS}{}/", bundle.id)
        };
        let mut own = None;
        for (name, bytes) in bundle.files {
            if name == parts_name {
                own = Some(serde_json::from_slice::<Parts>(&bytes).map_err(|e| {
                    Error::new(ErrorKind::PortalSearch {
                        id: bundle.id.clone(),
                        missing: false,
                    })
                    .cause(e)
                })?);
            } else if name == words_name {
                // Without a word list, "maksud Anda …?" only knows the other outputs' words.
                if let Ok(w) = serde_json::from_slice::<Words>(&bytes) {
                    word_lists.push(w.kata);
                }
            } else if k == 0 || is_index_data(&name) {
                out.push((format!("{DIR}{prefix}{name}"), bytes));
            }
        }
        let own = own.ok_or_else(|| {
            Error::new(ErrorKind::PortalSearch {
                id: bundle.id.clone(),
                missing: true,
            })
        })?;
        if k > 0 {
            parts.bagian.push(prefix.clone());
        }
        parts
            .bagian
            .extend(own.bagian.iter().map(|b| format!("{prefix}{b}")));
        parts
            .muat
            .extend(own.muat.iter().map(|m| format!("{prefix}{}", untagged(m))));
        for s in own.saringan {
            if !parts.saringan.contains(&s) {
                parts.saringan.push(s);
            }
        }
        tags.push(own.tanda);
    }
    // One tag for every index, changing with any of them: the page's script gives it to
    // Pagefind as `metaCacheTag`, which asks for each entry with it.
    let tag = fnv_hex(tags.join("\n").as_bytes());
    for m in &mut parts.muat {
        if m.ends_with("pagefind-entry.json") {
            m.push_str(&format!("?ts={tag}"));
        }
    }
    parts.muat.sort();
    parts.tanda = tag;
    out.push((
        PARTS_FILE.to_string(),
        serde_json::to_vec(&parts).unwrap_or_default(),
    ));
    out.push((
        WORDS_FILE.to_string(),
        serde_json::to_vec(&Words {
            kata: interleave(word_lists),
        })
        .unwrap_or_default(),
    ));
    Ok(out)
}

/// Whether a bundle's file is index data (entry, metadata, chunks, its parts), not Pagefind's
/// scripts and WebAssembly, which the first bundle brings for all.
fn is_index_data(name: &str) -> bool {
    let inner = match name.split_once('/') {
        Some((dir, rest)) if dir.starts_with("bagian-") => rest,
        _ => name,
    };
    inner == "pagefind-entry.json"
        || inner.ends_with(".pf_meta")
        || ["index/", "fragment/", "filter/"]
            .iter()
            .any(|d| inner.starts_with(d))
}

/// A preload address without its `?ts=` tag.
fn untagged(m: &str) -> &str {
    m.split_once("?ts=").map_or(m, |(path, _)| path)
}

/// The word lists (each commonest first) as one: their first words, then their second ones, …,
/// each word once, at most [`MAX_WORDS`].
fn interleave(lists: Vec<Vec<String>>) -> Vec<String> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    let longest = lists.iter().map(Vec::len).max().unwrap_or(0);
    for k in 0..longest {
        for list in &lists {
            if let Some(w) = list.get(k)
                && out.len() < MAX_WORDS
                && seen.insert(w.as_str())
            {
                out.push(w.clone());
            }
        }
    }
    out
}

/// FNV-1a, 64 bits, in hex: the same on every platform and release.
fn fnv_hex(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bundle(id: &str, parts: &str, extra: &[&str]) -> Bundle {
        let mut files = vec![
            ("sopan-bagian.json".to_string(), parts.as_bytes().to_vec()),
            (
                "sopan-kata.json".to_string(),
                format!("{{\"kata\":[\"{id}\",\"sosial\"]}}").into_bytes(),
            ),
            ("pagefind.js".to_string(), b"js".to_vec()),
            ("wasm.id.pagefind".to_string(), b"wasm".to_vec()),
            ("pagefind-entry.json".to_string(), b"{}".to_vec()),
            ("pagefind.id_1.pf_meta".to_string(), b"m".to_vec()),
            ("index/id_2.pf_index".to_string(), b"i".to_vec()),
        ];
        files.extend(extra.iter().map(|p| (p.to_string(), b"x".to_vec())));
        Bundle {
            id: id.into(),
            files,
        }
    }

    #[test]
    fn the_first_index_stays_and_the_others_are_merged_parts() {
        let one = r#"{"bagian":[],"muat":["index/id_2.pf_index","pagefind-entry.json?ts=aa"],"saringan":[{"kunci":"instansi","label":"Instansi"}],"tanda":"aa"}"#;
        let two = r#"{"bagian":["bagian-2/"],"muat":["pagefind-entry.json?ts=bb","bagian-2/pagefind-entry.json?ts=bb"],"saringan":[{"kunci":"instansi","label":"Instansi"},{"kunci":"layanan","label":"Jenis SOP"}],"tanda":"bb"}"#;
        let files = merge(vec![
            bundle("a", one, &[]),
            bundle(
                "b",
                two,
                &[
                    "bagian-2/pagefind-entry.json",
                    "bagian-2/fragment/f.pf_fragment",
                ],
            ),
        ])
        .unwrap();
        let paths: Vec<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
        assert!(paths.contains(&"pagefind/pagefind.js"));
        assert!(paths.contains(&"pagefind/index/id_2.pf_index"));
        assert!(paths.contains(&"pagefind/instansi/b/index/id_2.pf_index"));
        assert!(paths.contains(&"pagefind/instansi/b/bagian-2/fragment/f.pf_fragment"));
        // The second bundle's scripts are not copied: the first one's run every index.
        assert!(!paths.contains(&"pagefind/instansi/b/pagefind.js"));
        assert!(!paths.contains(&"pagefind/instansi/b/wasm.id.pagefind"));
        let parts: Parts =
            serde_json::from_slice(&files.iter().find(|(p, _)| p == PARTS_FILE).unwrap().1)
                .unwrap();
        assert_eq!(parts.bagian, ["instansi/b/", "instansi/b/bagian-2/"]);
        assert_eq!(parts.saringan.len(), 2);
        let tag = &parts.tanda;
        assert_ne!(tag, "aa");
        assert!(
            parts
                .muat
                .contains(&format!("pagefind-entry.json?ts={tag}"))
        );
        assert!(
            parts
                .muat
                .contains(&format!("instansi/b/bagian-2/pagefind-entry.json?ts={tag}"))
        );
        assert!(parts.muat.contains(&"index/id_2.pf_index".to_string()));
        let words: Words =
            serde_json::from_slice(&files.iter().find(|(p, _)| p == WORDS_FILE).unwrap().1)
                .unwrap();
        assert_eq!(words.kata, ["a", "b", "sosial"]);
    }

    #[test]
    fn a_bundle_without_its_parts_file_is_refused() {
        let mut b = bundle("a", "{}", &[]);
        b.files.retain(|(p, _)| p != "sopan-bagian.json");
        let e = merge(vec![b]).err().unwrap();
        assert_eq!(
            e.kind,
            ErrorKind::PortalSearch {
                id: "a".into(),
                missing: true
            },
            "{e}"
        );
    }
}
