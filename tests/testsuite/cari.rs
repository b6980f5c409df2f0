//! Search that finds the service: synonyms and abbreviations (shipped and the project's
//! `sinonim.yaml`), every hit, the instansi filter, "maksud Anda …?", ranking, requirements and
//! time in the results, and the first results' time on a throttled phone, checked in a real
//! browser (Debian chromium, `tests/browser/cari.mjs`); `sinonim.yaml` read and checked like
//! content, through the project boundary.

use crate::site::browser;
use crate::support::{Project, browser_script};

/// An instansi of its own with one SOP whose requirements look like markup and whose name is
/// written out in full ("surat keterangan bebas narkoba"); the project's `sinonim.yaml` says
/// SKBN stands for it (the shipped list does not know SKBN).
fn with_search_fixture(p: &Project) {
    p.write(
        "content/uji-cari/_instansi.yaml",
        "pemerintah: Pemerintah Kota Uji\nnama: Dinas Uji Pencarian\nkota: Uji\nkepala:\n  jabatan: Kepala Dinas\n  nama: Budi, S.Sos\n  nip: 19700101 199503 1 001\n",
    )
    .write("content/uji-cari/umum/_bidang.yaml", "nama: Bagian Umum\nurutan: 1\n")
    .write(
        "content/uji-cari/umum/bebas-narkoba.yaml",
        "nomor: \"7/SOP\"\nnama: Rekomendasi Surat Keterangan Bebas Narkoba\npelaksana: [Staf]\nlangkah:\n  - kegiatan: Menerima berkas pemohon\n    pelaksana: Staf\n    kelengkapan: [Berkas pemohon]\n    waktu: 1 hari\n  - kegiatan: Menyerahkan rekomendasi\n    pelaksana: Staf\n    waktu: 2 jam\nlayanan:\n  persyaratan: [\"Fotokopi <b>KTP</b> & KK\", \"Pas foto <img src=x onerror=alert(1)>\"]\n",
    )
    .write(
        "sinonim.yaml",
        "# Tambahan proyek\nsingkatan:\n  SKBN: surat keterangan bebas narkoba\nsinonim:\n  - [pas foto, foto diri]\n",
    );
}

/// How many of Tanah Laut's example SOPs are public services (have `layanan:`).
fn public_tanah_laut(p: &Project) -> usize {
    let loaded = sopan::load_and_validate(p.path()).unwrap();
    loaded
        .site
        .sops()
        .filter(|s| s.id.to_string().starts_with("tanah-laut-dinsos/") && s.layanan.is_some())
        .count()
}

/// The record of the fixture's SOP, as the build indexes it.
fn fixture_record(p: &Project) -> sopan::site::search::record::SearchRecord {
    let loaded = sopan::load_and_validate(p.path()).unwrap();
    assert!(!loaded.diags.has_errors(), "{:?}", loaded.diags);
    sopan::site::search::record::records(&loaded.site)
        .into_iter()
        .find(|r| r.url.ends_with("/bebas-narkoba/"))
        .expect("the fixture's record")
}

#[test]
fn a_project_sinonim_yaml_extends_the_shipped_list() {
    let p = Project::example();
    with_search_fixture(&p);
    let r = fixture_record(&p);
    // The project's abbreviation, for a title that spells it out: ranked like the title.
    assert_eq!(
        r.meta.get("sinonim_judul").map(String::as_str),
        Some("skbn"),
        "{r:?}"
    );
    // The project's group and the shipped list (KK, KTP) for the text.
    let text = &r.meta["sinonim"];
    for form in ["foto diri", "kartu keluarga", "kartu tanda penduduk"] {
        assert!(text.contains(form), "{form} in {text}");
    }
    // Requirements and time come from the record's data, as plain text (one per line).
    assert_eq!(
        r.meta["persyaratan"],
        "Fotokopi <b>KTP</b> & KK\nPas foto <img src=x onerror=alert(1)>"
    );
    assert!(!r.meta["waktu"].is_empty());

    // Without the project's file, only the shipped list applies.
    std::fs::remove_file(p.path().join("sinonim.yaml")).unwrap();
    let r = fixture_record(&p);
    assert_eq!(r.meta.get("sinonim_judul"), None);
    assert!(!r.meta["sinonim"].contains("foto diri"));
    assert!(r.meta["sinonim"].contains("kartu keluarga"));
}

#[test]
fn an_unknown_key_or_a_wrong_shape_in_sinonim_yaml_is_a_located_error() {
    let p = Project::base();
    p.write(
        "sinonim.yaml",
        "singkatan:\n  KK: kartu keluarga\nsinonm:\n  - [difabel, disabilitas]\n",
    );
    let r = p.refused();
    assert!(
        r.contains("--> sinonim.yaml:3:1")
            && r.contains("kunci `sinonm` tidak dikenal")
            && r.contains("maksud Anda `sinonim`?"),
        "{r}"
    );

    p.write("sinonim.yaml", "singkatan:\n  - KK\n  - kartu keluarga\n");
    let r = p.refused();
    assert!(
        r.contains("--> sinonim.yaml:2:") && r.contains("tipe nilai salah"),
        "{r}"
    );

    p.write("sinonim.yaml", "sinonim:\n  - [difabel]\n");
    let r = p.refused();
    assert!(
        r.contains("--> sinonim.yaml:2:") && r.contains("sedikitnya dua bentuk"),
        "{r}"
    );

    // A valid file passes.
    p.write("sinonim.yaml", "singkatan:\n  KK: kartu keluarga\n");
    let r = p.run(&["check"]);
    assert_eq!(r.code, 0, "{r:?}");
}

#[cfg(unix)]
#[test]
fn a_sinonim_yaml_linked_out_of_the_project_is_refused() {
    let p = Project::base();
    let elsewhere = tempfile::tempdir().unwrap();
    let secret = elsewhere.path().join("rahasia.yaml");
    std::fs::write(&secret, "singkatan:\n  RAHASIA: kata sandi bocor 8f3a1c\n").unwrap();
    std::os::unix::fs::symlink(&secret, p.path().join("sinonim.yaml")).unwrap();
    let r = p.refused();
    assert!(
        r.contains("--> sinonim.yaml") && r.contains("menunjuk ke luar folder proyek"),
        "{r}"
    );
    assert!(!r.contains("8f3a1c") && !r.contains(&*elsewhere.path().to_string_lossy()));

    // A link inside the project is followed, as for sopan.yaml.
    std::fs::remove_file(p.path().join("sinonim.yaml")).unwrap();
    p.write(
        "data/sinonim-dinas.yaml",
        "singkatan:\n  KK: kartu keluarga\n",
    );
    std::os::unix::fs::symlink("data/sinonim-dinas.yaml", p.path().join("sinonim.yaml")).unwrap();
    let r = p.run(&["check"]);
    assert_eq!(r.code, 0, "{r:?}");
}

#[test]
fn search_finds_the_service_in_a_real_browser() {
    let p = Project::example();
    with_search_fixture(&p);
    let waktu = fixture_record(&p).meta["waktu"].clone();
    let r = p.run(&["build", "--quiet"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let Some(chromium) = browser() else { return };
    let expectations = serde_json::json!({
        "first": [
            // Abbreviations: the SOPs say "bantuan sosial" and "lanjut usia".
            {"query": "bansos", "expect": "Bantuan Sosial"},
            {"query": "lansia", "expect": "Lanjut Usia"},
            // The project's own abbreviation.
            {"query": "skbn", "expect": "Bebas Narkoba"},
            // One letter off an SOP word: the SOP first, and the correction said.
            {"query": "adopsu", "expect": "Adopsi", "saran": "adopsi"},
            {"query": "pengangkatan anqk", "expect": "Adopsi", "saran": "pengangkatan anak"},
            // "keluar" is also the start of "keluarga": the Surat Keluar SOP still comes first.
            {"query": "surat keluar", "expect": "Surat Keluar", "exact": true},
        ],
        "typing": [{"query": "adopsi", "expect": "Adopsi"}],
        "all": {"query": "tanah laut", "count": 23},
        "filter": [
            {"query": "sosial", "key": "instansi", "value": "Dinas Sosial Kota Banjarbaru", "count": 1},
            // Tanah Laut's public services (the SOPs with `layanan:`), not its internal procedures.
            {"query": "tanah laut", "key": "layanan", "value": "Layanan publik", "count": public_tanah_laut(&p)},
        ],
        "facts": [{
            "query": "skbn",
            "expect": "Bebas Narkoba",
            "persyaratan": "Fotokopi <b>KTP</b> & KKPas foto <img src=x onerror=alert(1)>",
            "waktu": waktu,
        }],
        "axe": ["tanah laut"],
    });
    let report = run_cari_checks(&chromium, &p, &expectations);
    for check in ["\"first\"", "\"typed\"", "\"all\"", "\"filter\"", "\"axe\""] {
        assert!(report.contains(check), "{check} ran: {report}");
    }
}

/// 1.6 Mbps, 150 ms round trip, CPU four times slower (Chrome DevTools' emulation), cold
/// cache, the example served with gzip as a web host serves it: from navigation to the first
/// result on screen, best of five runs. Run on demand (`-- --ignored first_results`): a
/// time measured on a machine shared with other builds says more about the machine than the
/// page (the same page took 0.6–0.75 s with no throttling at all while other builds ran).
#[test]
#[ignore = "timing: run on a quiet machine with `-- --ignored first_results`"]
fn first_results_show_within_1_5_s_on_a_throttled_phone() {
    let p = Project::example();
    let r = p.run(&["build", "--quiet"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let Some(chromium) = browser() else { return };
    let expectations = serde_json::json!({
        "measure": {"query": "tanah laut", "runs": 5, "limit_ms": 1500},
    });
    let report = run_cari_checks(&chromium, &p, &expectations);
    assert!(
        report.contains("\"best\""),
        "the phone profile was measured: {report}"
    );
}

/// Runs `tests/browser/cari.mjs` over `p`'s built site with `expectations`; fails the test with
/// the report when a check fails, else returns the report (printed too: it holds the times).
fn run_cari_checks(chromium: &str, p: &Project, expectations: &serde_json::Value) -> String {
    let dir = tempfile::tempdir().unwrap();
    let exp_file = dir.path().join("harapan.json");
    std::fs::write(&exp_file, expectations.to_string()).unwrap();
    let out = p.path().join("output");
    let report = browser_script(
        chromium,
        "cari.mjs",
        &[out.as_os_str(), exp_file.as_os_str()],
        String::new,
    );
    eprintln!("{report}");
    report
}
