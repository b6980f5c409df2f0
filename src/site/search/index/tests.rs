//! Tests of the search index (`index.rs`).

use std::collections::BTreeMap;

use super::preload::PRELOAD_INDEX_BYTES;
use super::*;

#[test]
fn parts_grow_with_the_records() {
    assert_eq!(part_count(0, 500), 1);
    assert_eq!(part_count(500, 500), 1);
    assert_eq!(part_count(501, 500), 2);
    assert_eq!(part_count(1000, 500), 2);
    assert_eq!(part_count(1001, 500), 3);
}

#[test]
fn a_page_keeps_its_part_and_parts_are_fair_samples() {
    let urls: Vec<String> = (0..1000).map(|k| format!("/dinas/umum/sop-{k}/")).collect();
    let mut sizes = [0usize; 2];
    for u in &urls {
        let k = part_of(u, 2);
        assert_eq!(k, part_of(u, 2));
        sizes[k] += 1;
    }
    assert!(sizes.iter().all(|&s| (450..=550).contains(&s)), "{sizes:?}");
    assert_eq!(part_of("/x/", 1), 0);
}

fn record(k: usize, text: &str) -> SearchRecord {
    SearchRecord {
        url: format!("/dinas/umum/sop-{k}/"),
        title: format!("SOP {k}"),
        text: format!("Layanan nomor {k}. {text}"),
        filters: BTreeMap::from([("instansi".to_string(), vec!["Dinas".to_string()])]),
        meta: BTreeMap::new(),
    }
}

#[test]
fn an_index_kept_by_serve_is_the_fresh_one_part_by_part() {
    // Pagefind lists its filter files in no fixed order; the output is keyed by path.
    let index = |records: &[SearchRecord], cache: Option<&SearchCache>| {
        let mut bundle = index_in_parts(records.to_vec(), cache, 5).unwrap();
        bundle.sort();
        bundle
    };
    // In URL order, as `record::records` gives them.
    let mut records: Vec<SearchRecord> = (0..12)
        .map(|k| record(k, "Menerima surat masuk."))
        .collect();
    records.sort_by(|a, b| a.url.cmp(&b.url));
    let cache = SearchCache::default();
    let first = index(&records, Some(&cache));
    assert_eq!(cache.last_indexed(), 12);
    assert!(first == index(&records, None));
    let (_, listed) = first.iter().find(|(p, _)| p == PARTS_FILE).unwrap();
    let listed: serde_json::Value = serde_json::from_slice(listed).unwrap();
    assert_eq!(
        listed["bagian"],
        serde_json::json!(["bagian-2/", "bagian-3/"])
    );
    assert_eq!(
        listed["saringan"],
        serde_json::json!([
            {"kunci": "instansi", "label": "Instansi"},
            {"kunci": "layanan", "label": "Jenis SOP"}
        ])
    );
    // Every part's entry is preloaded at the address Pagefind asks for (its tag), with
    // its metadata; these parts are small, so their index too.
    let tag = listed["tanda"].as_str().unwrap();
    let muat: Vec<&str> = listed["muat"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    for part in ["", "bagian-2/", "bagian-3/"] {
        assert!(muat.contains(&format!("{part}pagefind-entry.json?ts={tag}").as_str()));
        assert!(
            muat.iter()
                .any(|m| m.starts_with(&format!("{part}pagefind.id_")) && m.ends_with(".pf_meta"))
        );
        assert!(muat.iter().any(|m| m.starts_with(&format!("{part}index/"))));
    }
    assert!(!muat.iter().any(|m| m.contains("fragment/")), "{muat:?}");

    // One page's text changes: its part is updated in place (and the others' word lists),
    // the bundle is a fresh one's.
    records[5].text.push_str(" Mengarsipkan berkas pengaduan.");
    let updated = index(&records, Some(&cache));
    assert!(updated != first);
    assert_eq!(cache.last_indexed(), 1);
    assert!(updated == index(&records, None));

    // A page comes: its part starts afresh, the others are kept; still a fresh bundle.
    records.push(record(12, "Menerima surat keluar."));
    records.sort_by(|a, b| a.url.cmp(&b.url));
    let grown = index(&records, Some(&cache));
    let part = part_of("/dinas/umum/sop-12/", 3);
    let in_part = records
        .iter()
        .filter(|r| part_of(&r.url, 3) == part)
        .count();
    assert_eq!(cache.last_indexed(), in_part);
    assert!(in_part < records.len());
    assert!(grown == index(&records, None));
}

#[test]
fn a_part_s_pagefind_index_is_kept_only_for_serve() {
    let records: Vec<SearchRecord> = (0..3).map(|k| record(k, "Surat masuk.")).collect();
    let (files, kept, n) = index_part_cached(records.clone(), None, false, None).unwrap();
    assert!(
        kept.is_none(),
        "a build drops each part's index once its files are out"
    );
    assert_eq!(n, 3);
    let (again, kept, _) = index_part_cached(records, None, true, None).unwrap();
    assert!(kept.is_some_and(|k| k.records.len() == 3));
    let names = |f: &[pagefind::api::SyntheticFile]| {
        let mut v: Vec<_> = f
            .iter()
            .map(|f| (f.filename.clone(), f.contents.clone()))
            .collect();
        v.sort();
        v
    };
    assert!(names(&files) == names(&again));
}

#[test]
fn each_part_knows_every_word_of_the_site_and_lists_only_what_it_lacks() {
    let mut split = vec![
        vec![record(0, "Pengangkatan anak (Adopsi), surat.")],
        vec![record(1, "Surat keterangan."), record(2, "BPJS")],
        vec![],
    ];
    add_word_lists(&mut split);
    let list = |part: &[SearchRecord]| {
        let last = part.last().unwrap();
        assert!(is_word_list(last));
        last.text.clone()
    };
    assert_eq!(list(&split[0]), "1 2 bpjs keterangan");
    assert_eq!(list(&split[1]), "0 adopsi anak pengangkatan");
    assert!(split[2].is_empty(), "a part without pages gets no list");
}

#[test]
fn a_large_index_is_not_preloaded_and_the_tag_follows_the_entries() {
    let file = |p: &str, n: usize| (format!("{DIR}{p}"), vec![b'x'; n]);
    let small = vec![
        file("pagefind-entry.json", 10),
        file("pagefind.id_1.pf_meta", 10),
        file("index/id_1.pf_index", 1000),
        file("fragment/id_1.pf_fragment", 10),
        file("bagian-2/pagefind-entry.json", 10),
        file("bagian-2/index/id_2.pf_index", PRELOAD_INDEX_BYTES),
        file("bagian-2/index/id_3.pf_index", 1),
        file("bagian-2/filter/id_4.pf_filter", 1),
    ];
    let (tag, list) = preload_list(&small);
    assert_eq!(
        list,
        [
            "bagian-2/filter/id_4.pf_filter".to_string(),
            format!("bagian-2/pagefind-entry.json?ts={tag}"),
            "index/id_1.pf_index".to_string(),
            format!("pagefind-entry.json?ts={tag}"),
            "pagefind.id_1.pf_meta".to_string(),
        ]
    );
    let mut changed = small.clone();
    changed[4].1.push(b'y');
    assert_ne!(preload_list(&changed).0, tag);
}

#[test]
fn the_word_list_holds_page_words_commonest_first() {
    let mut a = record(0, "Adopsi &amp; pengangkatan anak.");
    a.meta
        .insert("sinonim".to_string(), "bantuan sosial".to_string());
    let b = record(1, "Pengangkatan pegawai; e-KTP 12.");
    let words = word_list(&[a, b]);
    // On both pages first ("layanan", "nomor", "pengangkatan", "sop"), then the others.
    assert_eq!(
        &words[..4],
        ["layanan", "nomor", "pengangkatan", "sop"],
        "{words:?}"
    );
    for w in [
        "adopsi", "anak", "bantuan", "sosial", "e-ktp", "ktp", "pegawai",
    ] {
        assert!(words.contains(&w.to_string()), "{w} in {words:?}");
    }
    // No numbers, no bits of escapes, no words under three letters.
    for w in ["12", "amp", "e", "0"] {
        assert!(!words.contains(&w.to_string()), "{w} in {words:?}");
    }
}

#[test]
fn further_parts_hold_only_their_index() {
    let file = |name: &str| pagefind::api::SyntheticFile {
        filename: name.into(),
        contents: name.as_bytes().to_vec(),
    };
    let files = || {
        vec![
            file("pagefind.js"),
            file("wasm.id.pagefind"),
            file("pagefind-entry.json"),
            file("pagefind.id_1.pf_meta"),
            file("index/id_2.pf_index"),
            file("fragment/id_3.pf_fragment"),
            file("filter/id_4.pf_filter"),
        ]
    };
    let first: Vec<String> = part_files(0, files()).map(|(p, _)| p).collect();
    assert!(
        first.contains(&"pagefind/pagefind.js".to_string()),
        "{first:?}"
    );
    assert_eq!(first.len(), 7);
    let second: Vec<String> = part_files(1, files()).map(|(p, _)| p).collect();
    assert_eq!(
        second,
        [
            "pagefind/bagian-2/pagefind-entry.json",
            "pagefind/bagian-2/pagefind.id_1.pf_meta",
            "pagefind/bagian-2/index/id_2.pf_index",
            "pagefind/bagian-2/fragment/id_3.pf_fragment",
            "pagefind/bagian-2/filter/id_4.pf_filter",
        ]
    );
}

/// A thread waiting for the PDF stage's cores goes on when they are freed, and gives up when a
/// poke finds nothing left to do.
#[test]
fn a_waiting_indexer_joins_when_the_cores_are_freed_or_leaves_when_nothing_is_left() {
    let freed = CoresFreed::default();
    std::thread::scope(|s| {
        let waiter = s.spawn(|| freed.wait(|| false));
        std::thread::sleep(std::time::Duration::from_millis(20));
        freed.set();
        assert!(waiter.join().unwrap(), "joins once freed");
    });
    let idle = CoresFreed::default();
    let left = std::sync::atomic::AtomicBool::new(true);
    std::thread::scope(|s| {
        let waiter = s.spawn(|| idle.wait(|| !left.load(std::sync::atomic::Ordering::SeqCst)));
        std::thread::sleep(std::time::Duration::from_millis(20));
        left.store(false, std::sync::atomic::Ordering::SeqCst);
        idle.poke();
        assert!(
            !waiter.join().unwrap(),
            "leaves: nothing left, cores still held"
        );
    });
}
