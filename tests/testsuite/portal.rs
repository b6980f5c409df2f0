//! A portal built past one machine: each example instansi built alone (`sopan build
//! --instansi`), then merged (`sopan gabung`) into the site a full build makes, with links
//! between instansi that resolve, search over every instansi's index in a real browser, and
//! outputs that do not make one site refused.

use std::path::Path;

use crate::site::browser;
use crate::support::{Project, Run, browser_script, tree};

const BANJARBARU: &str = "banjarbaru-dinsos";
const TANAH_LAUT: &str = "tanah-laut-dinsos";

/// One date for every build: pages say "keadaan situs per …", which without git comes from the
/// content an instansi has (a CI job has the commit's date, the same in every job).
const EPOCH: (&str, &str) = ("SOURCE_DATE_EPOCH", "1760000000");

/// The example with a link each way between its two instansi.
fn linked_example() -> Project {
    let p = Project::example();
    let link = |file: &str, target: &str| {
        let text = p.read(file);
        let text = text.replacen(
            "keterkaitan:\n",
            &format!("keterkaitan:\n  - sop: {target}\n"),
            1,
        );
        p.write(file, &text);
    };
    link(
        "content/banjarbaru-dinsos/perlindungan-jaminan-sosial/rujukan-anak-terlantar.yaml",
        "tanah-laut-dinsos/rehabilitasi-jaminan-sosial/anak-terlantar",
    );
    link(
        "content/tanah-laut-dinsos/rehabilitasi-jaminan-sosial/anak-terlantar.yaml",
        "banjarbaru-dinsos/perlindungan-jaminan-sosial/rujukan-anak-terlantar",
    );
    p
}

fn run(p: &Project, args: &[&str]) -> Run {
    let r = p.run_env(args, &[EPOCH]);
    assert_eq!(r.code, 0, "sopan {args:?}: {}", r.stderr);
    r
}

/// Each instansi alone into `keluaran/<id>`, then merged into `portal`.
fn build_and_merge(p: &Project) {
    for id in [BANJARBARU, TANAH_LAUT] {
        run(
            p,
            &[
                "build",
                "--quiet",
                "--instansi",
                id,
                "--out",
                &format!("keluaran/{id}"),
            ],
        );
    }
    // Named in any order: the portal follows the project's.
    run(
        p,
        &[
            "gabung",
            "--quiet",
            "keluaran/tanah-laut-dinsos",
            "keluaran/banjarbaru-dinsos",
            "--out",
            "portal",
        ],
    );
}

fn files_under<'a>(files: &'a [(String, Vec<u8>)], top: &str) -> Vec<&'a (String, Vec<u8>)> {
    files
        .iter()
        .filter(|(p, _)| p.starts_with(&format!("{top}/")))
        .collect()
}

/// Every local `href`/`src` of the HTML pages under `dir`, with the page it is on.
fn local_links(dir: &Path) -> Vec<(String, String)> {
    let mut links = Vec::new();
    for (path, bytes) in tree(dir) {
        if !path.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap();
        for attr in ["href=\"", "src=\""] {
            for (at, _) in html.match_indices(attr) {
                let rest = &html[at + attr.len()..];
                let url = &rest[..rest.find('"').unwrap()];
                if url.starts_with('/') && !url.starts_with("//") {
                    links.push((path.clone(), url.to_string()));
                }
            }
        }
    }
    links
}

/// The file a site path is served from: `/a/` is `a/index.html`; query and fragment dropped.
fn served_file(dir: &Path, url: &str) -> std::path::PathBuf {
    let path = url
        .split(['?', '#'])
        .next()
        .unwrap()
        .trim_start_matches('/');
    if path.is_empty() || path.ends_with('/') {
        dir.join(path).join("index.html")
    } else {
        dir.join(path)
    }
}

#[test]
fn instansi_built_alone_merge_into_the_full_site() {
    let p = linked_example();
    build_and_merge(&p);
    run(&p, &["build", "--quiet", "--out", "penuh"]);
    let portal = tree(&p.path().join("portal"));
    let full = tree(&p.path().join("penuh"));

    // An instansi built alone is the full build's, byte for byte: pages, open data, PDFs,
    // flowcharts and the decree book (links to the other instansi named as in a full build).
    for id in [BANJARBARU, TANAH_LAUT] {
        let alone = tree(&p.path().join("keluaran").join(id));
        let (alone, whole) = (files_under(&alone, id), files_under(&full, id));
        assert!(
            alone.iter().any(|(p, _)| p.ends_with(".pdf")),
            "{id} has PDFs"
        );
        assert_eq!(alone.len(), whole.len(), "{id}: files");
        for (a, w) in alone.iter().zip(&whole) {
            assert_eq!(a.0, w.0);
            assert!(a.1 == w.1, "{id}: `{}` differs from the full build's", a.0);
        }
    }
    let link = p.read("keluaran/banjarbaru-dinsos/banjarbaru-dinsos/perlindungan-jaminan-sosial/rujukan-anak-terlantar/index.html");
    assert!(
        link.contains("href=\"/tanah-laut-dinsos/rehabilitasi-jaminan-sosial/anak-terlantar/\">SOP Layanan Anak Terlantar<"),
        "the link into the other instansi, by its name"
    );

    // The portal is the full build's site, every file outside the search bundle alike.
    let outside = |files: &[(String, Vec<u8>)]| -> Vec<(String, Vec<u8>)> {
        files
            .iter()
            .filter(|(p, _)| !p.starts_with("pagefind/"))
            .cloned()
            .collect()
    };
    let (merged, whole) = (outside(&portal), outside(&full));
    let names = |f: &[(String, Vec<u8>)]| f.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>();
    assert_eq!(names(&merged), names(&whole));
    for (m, w) in merged.iter().zip(&whole) {
        assert!(m.1 == w.1, "portal `{}` differs from the full build's", m.0);
    }
    // Each instansi's own index: the first one's with Pagefind's scripts, the other's beside it.
    assert!(portal.iter().any(|(p, _)| p == "pagefind/pagefind.js"));
    assert!(
        portal
            .iter()
            .any(|(p, _)| p == "pagefind/instansi/tanah-laut-dinsos/pagefind-entry.json")
    );
    let parts: serde_json::Value =
        serde_json::from_str(&p.read("portal/pagefind/sopan-bagian.json")).unwrap();
    assert_eq!(
        parts["bagian"],
        serde_json::json!(["instansi/tanah-laut-dinsos/"])
    );

    // The home lists both instansi, and every local link of every page reaches a file.
    let home = p.read("portal/index.html");
    for id in [BANJARBARU, TANAH_LAUT] {
        assert!(
            home.contains(&format!("href=\"/{id}/\"")),
            "home links {id}"
        );
    }
    assert!(home.contains("Dinas Sosial Kota Banjarbaru") && home.contains("Kabupaten Tanah Laut"));
    let links = local_links(&p.path().join("portal"));
    assert!(links.len() > 500, "{} links", links.len());
    let broken: Vec<_> = links
        .iter()
        .filter(|(_, url)| !served_file(&p.path().join("portal"), url).is_file())
        .collect();
    assert!(broken.is_empty(), "broken links: {broken:?}");
}

#[test]
fn an_unknown_instansi_is_named_with_the_nearest() {
    let p = Project::example();
    let r = p.run(&[
        "build",
        "--instansi",
        "banjarbaru-dinsos,tanah-laut-dinsoss",
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    insta::assert_snapshot!("unknown_instansi", r.stderr);
    assert!(!p.path().join("output").exists());
}

#[test]
fn a_link_to_a_missing_sop_of_another_instansi_still_fails_a_subset_build() {
    let p = Project::example();
    let file = "content/banjarbaru-dinsos/perlindungan-jaminan-sosial/rujukan-anak-terlantar.yaml";
    let text = p.read(file).replacen(
        "keterkaitan:\n",
        "keterkaitan:\n  - sop: tanah-laut-dinsos/sekretariat/tidak-ada\n",
        1,
    );
    p.write(file, &text);
    let r = p.run(&["build", "--quiet", "--instansi", BANJARBARU]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "tautan `sop: tanah-laut-dinsos/sekretariat/tidak-ada` tidak menunjuk SOP yang ada"
        ),
        "{}",
        r.stderr
    );
}

#[test]
fn a_subset_reads_only_its_instansi() {
    let p = Project::example();
    // A broken SOP in Tanah Laut fails the whole project, not a build of Banjarbaru alone.
    p.write(
        "content/tanah-laut-dinsos/sekretariat/rusak.yaml",
        "nama: [tidak tertutup\n",
    );
    let r = p.run(&["check"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("rusak.yaml"), "{}", r.stderr);
    for args in [
        &["check", "--instansi", BANJARBARU][..],
        &["build", "--quiet", "--instansi", BANJARBARU][..],
    ] {
        let r = p.run(args);
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        assert!(!r.stderr.contains("rusak.yaml"), "{args:?}: {}", r.stderr);
        assert!(
            r.stderr.contains("1 SOP, 0 galat"),
            "{args:?}: {}",
            r.stderr
        );
    }
    // Only its instansi in the output; its own home lists it alone.
    assert!(!p.path().join("output/tanah-laut-dinsos").exists());
    let home = p.read("output/index.html");
    assert!(
        home.contains("href=\"/banjarbaru-dinsos/\"")
            && !home.contains("href=\"/tanah-laut-dinsos/\"")
    );
    let record: serde_json::Value =
        serde_json::from_str(&p.read("output/sopan-portal.json")).unwrap();
    assert_eq!(record["instansi"][0]["id"], BANJARBARU);
    assert_eq!(record["instansi"].as_array().unwrap().len(), 1);
    // Two at once, comma-separated or repeated: the whole example, but a full build has no
    // portal record.
    for args in [
        &[
            "build",
            "--quiet",
            "--instansi",
            "banjarbaru-dinsos,tanah-laut-dinsos",
            "--out",
            "dua",
        ][..],
        &[
            "build",
            "--quiet",
            "--instansi",
            BANJARBARU,
            "--instansi",
            TANAH_LAUT,
            "--out",
            "dua",
        ][..],
    ] {
        std::fs::remove_file(
            p.path()
                .join("content/tanah-laut-dinsos/sekretariat/rusak.yaml"),
        )
        .ok();
        let r = p.run(args);
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        let record: serde_json::Value =
            serde_json::from_str(&p.read("dua/sopan-portal.json")).unwrap();
        assert_eq!(record["instansi"].as_array().unwrap().len(), 2);
    }
    run(&p, &["build", "--quiet"]);
    assert!(!p.path().join("output/sopan-portal.json").exists());
}

#[test]
fn outputs_that_do_not_make_one_site_are_refused() {
    let p = Project::example();
    for id in [BANJARBARU, TANAH_LAUT] {
        run(
            &p,
            &[
                "build",
                "--quiet",
                "--instansi",
                id,
                "--out",
                &format!("k/{id}"),
            ],
        );
    }
    run(&p, &["build", "--quiet", "--out", "penuh"]);
    let refused = |args: &[&str], says: &str| {
        let r = p.run_env(args, &[EPOCH]);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains(says), "{args:?}: {}", r.stderr);
        assert!(!p.path().join("portal").exists(), "{args:?} wrote a portal");
    };
    // The same instansi twice.
    refused(
        &["gabung", "k/banjarbaru-dinsos", "k/banjarbaru-dinsos"],
        "galat[portal-ganda]: keluaran `k/banjarbaru-dinsos` disebut dua kali",
    );
    std::fs::create_dir_all(p.path().join("salinan")).unwrap();
    for (path, bytes) in tree(&p.path().join("k/banjarbaru-dinsos")) {
        let to = p.path().join("salinan").join(path);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::write(to, bytes).unwrap();
    }
    refused(
        &[
            "gabung",
            "k/banjarbaru-dinsos",
            "salinan",
            "k/tanah-laut-dinsos",
        ],
        "galat[portal-ganda]: instansi `banjarbaru-dinsos` ada di dua keluaran: `k/banjarbaru-dinsos` dan `salinan`",
    );
    // A full build is not a portal part.
    refused(
        &["gabung", "penuh", "k/tanah-laut-dinsos"],
        "galat[portal-bukan-keluaran]: `penuh` bukan keluaran `sopan build --instansi`",
    );
    refused(
        &["gabung", "k/tidak-ada"],
        "galat[portal-bukan-keluaran]: folder keluaran `k/tidak-ada` tidak ada",
    );
    // Another sopan.
    let record = p.read("salinan/sopan-portal.json");
    p.write(
        "salinan/sopan-portal.json",
        &record.replace(
            &format!("\"sopan\": \"{}\"", env!("CARGO_PKG_VERSION")),
            "\"sopan\": \"0.0.1\"",
        ),
    );
    refused(
        &["gabung", "salinan", "k/tanah-laut-dinsos"],
        "galat[portal-versi]: `salinan` dibangun oleh sopan 0.0.1",
    );
    // Content changed since the build.
    let file = "content/tanah-laut-dinsos/pemberdayaan-sosial/karang-taruna.yaml";
    let text = p.read(file);
    p.write(file, &format!("{text}\n# diubah\n"));
    refused(
        &["gabung", "k/banjarbaru-dinsos", "k/tanah-laut-dinsos"],
        "galat[portal-isi]: isi instansi `tanah-laut-dinsos` di `k/tanah-laut-dinsos` berbeda dengan `content/tanah-laut-dinsos/`",
    );
    p.write(file, &text);
    // Another project configuration.
    let settings = p.read("sopan.yaml");
    p.write(
        "sopan.yaml",
        &settings.replace("Portal SOP", "Portal Baru SOP"),
    );
    refused(
        &["gabung", "k/banjarbaru-dinsos", "k/tanah-laut-dinsos"],
        "galat[portal-konfigurasi]: `k/banjarbaru-dinsos` dibangun dengan konfigurasi proyek yang berbeda",
    );
    p.write("sopan.yaml", &settings);
    // The portal over one of its own outputs.
    refused(
        &[
            "gabung",
            "k/banjarbaru-dinsos",
            "k/tanah-laut-dinsos",
            "--out",
            "k",
        ],
        "galat[portal-tempat]: folder portal `k` tumpang tindih",
    );
    // And with everything as built, the merge goes through.
    run(
        &p,
        &[
            "gabung",
            "--quiet",
            "k/banjarbaru-dinsos",
            "k/tanah-laut-dinsos",
        ],
    );
    assert!(p.path().join("portal/index.html").is_file());
}

/// The merged portal searched in chromium (`tests/browser/cari.mjs`): a word only the second
/// instansi has (its index merged in the browser) is found, so is one only the first has, a
/// search over both counts every SOP of both, and the top results are the full build's.
#[test]
fn the_portal_searches_every_instansi_in_a_browser() {
    let p = linked_example();
    build_and_merge(&p);
    run(&p, &["build", "--quiet", "--out", "penuh"]);
    let Some(chromium) = browser() else { return };
    let loaded = sopan::load_and_validate(p.path()).unwrap();
    let count = |id: &str| loaded.site.sops().filter(|s| s.id.instansi == id).count();
    let expectations = serde_json::json!({
        // Only Tanah Laut has Karang Taruna; only Banjarbaru has "ordner".
        "first": [
            {"query": "karang taruna", "expect": "Karang Taruna"},
            {"query": "ordner", "expect": "Rujukan Anak"},
        ],
        "all": {"query": "dinas sosial", "count": count(BANJARBARU) + count(TANAH_LAUT)},
        "filter": [
            {"query": "sosial", "key": "instansi", "value": "Dinas Sosial Kota Banjarbaru", "count": count(BANJARBARU)},
        ],
    });
    let dir = tempfile::tempdir().unwrap();
    let exp_file = dir.path().join("harapan.json");
    std::fs::write(&exp_file, expectations.to_string()).unwrap();
    let search = |site: &str| -> serde_json::Value {
        let folder = p.path().join(site);
        let report = browser_script(
            &chromium,
            "cari.mjs",
            &[folder.as_os_str(), exp_file.as_os_str()],
            String::new,
        );
        serde_json::from_str(&report).unwrap_or_else(|e| panic!("{e}: {report}"))
    };
    let (portal, full) = (search("portal"), search("penuh"));
    let report = portal.to_string();
    for check in ["\"first\"", "\"all\"", "\"filter\""] {
        assert!(report.contains(check), "{check} ran: {report}");
    }
    // The same top three for each query as one index over the whole site.
    let tops = |r: &serde_json::Value| -> Vec<serde_json::Value> {
        r["notes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n.get("first").is_some())
            .map(|n| n["top"].clone())
            .collect()
    };
    assert_eq!(tops(&portal).len(), 2);
    assert_eq!(tops(&portal), tops(&full));
}

#[test]
fn serve_shows_only_the_instansi_asked_for_and_refuses_an_unknown_one_at_once() {
    let p = Project::example();
    let s = crate::serve::Served::start_with(&p, &["--instansi", BANJARBARU]);
    let (status, home) = s.get(&format!("/{BANJARBARU}/"));
    assert_eq!(status, 200, "{}", s.log());
    assert!(home.contains("Kota Banjarbaru"), "{home}");
    assert_eq!(s.get(&format!("/{TANAH_LAUT}/")).0, 404);
    drop(s);
    let r = p.run(&["serve", "--port", "0", "--instansi", "tanah-laut-dinsoss"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("galat[instansi-tidak-ada]: instansi `tanah-laut-dinsoss` tidak ada")
            && r.stderr.contains("maksud Anda `tanah-laut-dinsos`?"),
        "{}",
        r.stderr
    );
}
