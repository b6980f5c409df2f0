//! Located diagnostics: one defect per case, the full report snapshotted.

use crate::support::Project;

/// Runs `check` on the base project with `sop` written as `umum/rusak.yaml`; returns the report.
fn report(sop: &str) -> String {
    let p = Project::base();
    p.write("content/dinas/umum/rusak.yaml", sop);
    let r = p.run(&["check"]);
    assert_eq!(r.code, 1, "a defect must fail check:\n{}", r.stderr);
    r.stderr
}

const HEAD: &str = "nomor: 800/02/2024\nnama: Rusak\npelaksana: [Pemohon, Petugas]\n";

/// Two good steps, for cases whose defect is elsewhere.
const STEPS: &str =
    "langkah:\n  - kegiatan: a\n    pelaksana: Pemohon\n  - kegiatan: b\n    pelaksana: Petugas\n";

/// Runs `check` with `sop` as `umum/rusak.yaml`, expecting exit `code`; returns the report.
fn report_exit(sop: &[u8], code: i32) -> String {
    let p = Project::base();
    std::fs::write(p.path().join("content/dinas/umum/rusak.yaml"), sop).unwrap();
    let r = p.run(&["check"]);
    assert_eq!(r.code, code, "{}", r.stderr);
    r.stderr
}

/// The `file:line:col` of the first diagnostic of a report.
fn first_place(report: &str) -> &str {
    let at = report.find("--> ").expect("a located diagnostic") + 4;
    report[at..].lines().next().unwrap()
}

#[test]
fn an_over_indented_list_item_is_not_merged_silently() {
    let r = report_exit(
        format!("{HEAD}dasar_hukum:\n  - UU 1\n  - UU 2\n    - UU 3\n  - UU 4\n{STEPS}").as_bytes(),
        0,
    );
    assert_eq!(first_place(&r), "content/dinas/umum/rusak.yaml:7:5");
    insta::assert_snapshot!("over_indented_item", r);
}

#[test]
fn actors_on_one_line_get_the_list_to_write_not_a_contradiction() {
    let r = report(&format!(
        "nomor: 1\nnama: Rusak\npelaksana: Pemohon, Petugas\n{STEPS}"
    ));
    assert!(!r.contains("tidak ada di daftar"), "{r}");
    assert!(r.contains("tulis `pelaksana: [Pemohon, Petugas]`"), "{r}");
    insta::assert_snapshot!("actors_one_line", r);
}

#[test]
fn an_over_indented_actor_list_gets_the_list_to_write() {
    let r = report(&format!(
        "nomor: 1\nnama: Rusak\npelaksana:\n  - Pemohon\n    - Petugas\n{STEPS}"
    ));
    assert!(!r.contains("tidak ada di daftar"), "{r}");
    insta::assert_snapshot!("actors_over_indented", r);
}

#[test]
fn a_step_with_actors_on_one_line_gets_the_flow_list() {
    let r = report(&format!(
        "{HEAD}langkah:\n  - kegiatan: a\n    pelaksana: Pemohon, Petugas\n  - kegiatan: b\n    pelaksana: Petugas & Pemohon\n"
    ));
    assert!(!r.contains("maksud Anda"), "{r}");
    assert!(!r.contains("tidak melakukan"), "{r}");
    insta::assert_snapshot!("step_actors_one_line", r);
}

#[test]
fn an_actor_name_with_dan_used_whole_is_a_name() {
    let r = report_exit(
        b"nomor: 1\nnama: A\npelaksana: [Pemohon, Kepala Bagian Umum dan Keuangan]\nlangkah:\n  - kegiatan: a\n    pelaksana: Pemohon\n  - kegiatan: b\n    pelaksana: Kepala Bagian Umum dan Keuangan\n",
        0,
    );
    assert!(!r.contains("peringatan:"), "{r}");
}

#[test]
fn a_tab_is_reported_where_it_is() {
    let r = report(&format!(
        "{HEAD}langkah:\n  - kegiatan: a\n    pelaksana: Pemohon\n  \t  waktu: 1 jam\n"
    ));
    assert_eq!(first_place(&r), "content/dinas/umum/rusak.yaml:7:3");
    insta::assert_snapshot!("tab", r);
}

#[test]
fn a_file_not_in_utf8_is_reported_at_the_bad_byte() {
    let r = report_exit(b"nomor: 1\nnama: Pen\xe9rimaan\n", 1);
    assert_eq!(first_place(&r), "content/dinas/umum/rusak.yaml:2:10");
    insta::assert_snapshot!("not_utf8", r);
}

#[test]
fn a_key_written_twice_names_both_places() {
    let r = report(&format!("{HEAD}nama: Lagi\n{STEPS}"));
    assert_eq!(first_place(&r), "content/dinas/umum/rusak.yaml:4:1");
    assert!(r.contains("rusak.yaml:2:1"), "{r}");
    assert!(!r.contains("DuplicateKeyPolicy"), "{r}");
    insta::assert_snapshot!("duplicate_key", r);
}

#[test]
fn an_over_indented_key_is_told_as_indentation_not_quoting() {
    let r = report(&format!(
        "{HEAD}langkah:\n  - kegiatan: a\n      pelaksana: Pemohon\n"
    ));
    assert!(!r.contains("tanda kutip"), "{r}");
    insta::assert_snapshot!("over_indented_key", r);
}

#[test]
fn a_key_at_the_dash_column_is_told_in_indonesian() {
    let r = report(&format!(
        "{HEAD}langkah:\n  - kegiatan: a\n  pelaksana: Pemohon\n"
    ));
    assert!(!r.contains("while parsing"), "{r}");
    assert!(!r.contains("indicator"), "{r}");
    insta::assert_snapshot!("dedented_key", r);
}

#[test]
fn a_clock_time_gets_the_forms_to_write() {
    let r = report_exit(
        format!("{HEAD}langkah:\n  - kegiatan: a\n    pelaksana: Pemohon\n    waktu: 1:30 jam\n  - kegiatan: b\n    pelaksana: Petugas\n").as_bytes(),
        0,
    );
    assert!(!r.contains("``"), "{r}");
    insta::assert_snapshot!("waktu_clock", r);
}

#[test]
fn every_parser_message_is_in_indonesian() {
    for (case, text) in [
        ("flow", "nama: [a, b\n"),
        ("quote", "nama: \"abc\n"),
        ("block", "nama: a\n  - b\n"),
        ("anchor", "nama: *x\n"),
        ("docs", "nama: a\n---\nnama: b\n"),
        ("tag", "nama: !x a\n"),
    ] {
        let r = report_exit(text.as_bytes(), 1);
        for english in [
            "while ",
            "did not",
            "expected",
            "found",
            "invalid",
            "unclosed",
            "unexpected",
            "mapping",
        ] {
            assert!(
                !r.contains(english) || r.contains("pesan asli"),
                "{case}: {r}"
            );
        }
        assert!(r.contains("rusak.yaml:"), "{case}: no line: {r}");
    }
}

#[test]
fn rejects_typo_key_with_suggestion() {
    let r = report(&format!(
        "{HEAD}dasar_hokum:\n  - UU 25/2009\nlangkah:\n  - kegiatan: a\n    pelaksana: Pemohon\n  - kegiatan: b\n    pelaksana: Petugas\n"
    ));
    insta::assert_snapshot!("typo_key", r);
}

#[test]
fn rejects_unknown_actor_with_nearest() {
    let r = report(&format!(
        "{HEAD}langkah:\n  - kegiatan: a\n    pelaksana: Pemohon\n  - kegiatan: b\n    pelaksana: Petugs\n"
    ));
    insta::assert_snapshot!("unknown_actor", r);
}

#[test]
fn rejects_bad_decision_target() {
    let r = report(&format!(
        "{HEAD}langkah:\n  - kegiatan: a\n    pelaksana: Pemohon\n  - kegiatan: Memeriksa berkas\n    pelaksana: Petugas\n    jenis: keputusan\n    tidak: 9\n"
    ));
    insta::assert_snapshot!("bad_decision_target", r);
}

#[test]
fn rejects_decision_without_tidak() {
    let r = report(&format!(
        "{HEAD}langkah:\n  - kegiatan: a\n    pelaksana: Pemohon\n  - kegiatan: Memeriksa berkas\n    pelaksana: Petugas\n    jenis: keputusan\n"
    ));
    insta::assert_snapshot!("decision_without_tidak", r);
}

#[test]
fn rejects_invalid_date() {
    let r = report(&format!(
        "{HEAD}tanggal_efektif: 2023-02-29\nlangkah:\n  - kegiatan: a\n    pelaksana: Pemohon\n  - kegiatan: b\n    pelaksana: Petugas\n"
    ));
    insta::assert_snapshot!("invalid_date", r);
}

#[test]
fn rejects_bad_nip() {
    let r = report(&format!(
        "{HEAD}disahkan_oleh:\n  jabatan: Kepala Dinas\n  nama: Budi\n  nip: 19701301 199503 1 001\nlangkah:\n  - kegiatan: a\n    pelaksana: Pemohon\n  - kegiatan: b\n    pelaksana: Petugas\n"
    ));
    insta::assert_snapshot!("bad_nip", r);
}

#[test]
fn rejects_yaml_syntax_error() {
    let r = report(&format!(
        "{HEAD}langkah:\n  - kegiatan: Catatan: periksa\n    pelaksana: Pemohon\n"
    ));
    insta::assert_snapshot!("yaml_syntax", r);
}

#[test]
fn rejects_wrong_type() {
    let r = report(&format!("{HEAD}langkah: Menerima surat\n"));
    insta::assert_snapshot!("wrong_type", r);
}

#[test]
fn rejects_missing_nama() {
    let r = report(
        "nomor: 1\npelaksana: [Pemohon]\nlangkah:\n  - kegiatan: a\n    pelaksana: Pemohon\n",
    );
    insta::assert_snapshot!("missing_nama", r);
}

#[test]
fn rejects_empty_langkah() {
    let r = report(&format!("{HEAD}langkah: []\n"));
    insta::assert_snapshot!("empty_langkah", r);
}

#[test]
fn rejects_dangling_sop_link() {
    let r = report(&format!(
        "{HEAD}keterkaitan:\n  - SOP Pengarsipan\n  - sop: umum/surat-masukk\nlangkah:\n  - kegiatan: a\n    pelaksana: Pemohon\n  - kegiatan: b\n    pelaksana: Petugas\n"
    ));
    insta::assert_snapshot!("dangling_sop_link", r);
}

#[test]
fn collects_every_error_of_every_file() {
    let p = Project::base();
    p.write("content/dinas/umum/a.yaml", "nama: A\nnomor: 1\npelaksana: [X]\nkualifikasi: y\nperalatan: z\nlangkah:\n  - kegiatan: a\n    pelaksana: Y\n    waktu: 5 menit\n    outpt: o\n")
        .write("content/dinas/umum/b.yaml", "nama: B\nnomor: 2\npelaksana: [X]\nlangkah:\n  - kegiatan: a\n    pelaksana: X\n    waktu: lama sekali\n");
    let r = p.run(&["check"]);
    assert_eq!(r.code, 1);
    insta::assert_snapshot!("many_errors", r.stderr);
}

#[test]
fn warns_on_shared_nomor_and_idle_actor_but_passes() {
    let p = Project::base();
    p.write("content/dinas/umum/a.yaml", "nama: A\nnomor: 800/01/2024\npelaksana: [Pemohon, Petugas, Bupati]\nlangkah:\n  - kegiatan: a\n    pelaksana: Pemohon\n  - kegiatan: b\n    pelaksana: Petugas\n    waktu: 2 Hari\n");
    let r = p.run(&["check"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    insta::assert_snapshot!("warnings_only", r.stderr);
}

#[test]
fn reports_structural_problems_of_the_tree() {
    let p = Project::base();
    p.write(
        "content/dinas/umum/Surat Keluar.yaml",
        crate::support::GOOD_SOP,
    )
    .write("content/dinas/lain/x.yaml", crate::support::GOOD_SOP)
    .write("content/dinas/umum/y.yml", crate::support::GOOD_SOP)
    .write("content/kota/umum/_bidang.yaml", "nama: Umum\n")
    .write("content/dinas/umum/.surat.yaml.swp", "junk");
    std::fs::write(
        p.path().join("content/dinas/umum/z.yaml"),
        b"nama: \xff\xfe\n",
    )
    .unwrap();
    let r = p.run(&["check"]);
    assert_eq!(r.code, 1);
    insta::assert_snapshot!("tree_problems", r.stderr);
}

#[test]
fn accepts_every_example_block_of_the_schema_page() {
    // The blocks are copied verbatim into the fixture; `schema_blocks_match_the_page` keeps the
    // copy honest. The page's SOP shows two steps with `ya: 3`: that one dangling target is the
    // only error, and no key, type or syntax error may appear.
    let p = Project::fixture("schema-examples");
    let r = p.run(&["check"]);
    insta::assert_snapshot!("schema_examples", r.stderr);
    let errors: Vec<&str> = r
        .stderr
        .lines()
        .filter(|l| l.starts_with("galat:"))
        .collect();
    assert_eq!(
        errors,
        vec!["galat: langkah 2: `ya: 3` tidak menunjuk langkah yang ada"]
    );
}

#[test]
fn schema_blocks_match_the_page() {
    let page = crate::support::repo_root().join("../shared/design/content-schema.md");
    let Ok(doc) = std::fs::read_to_string(&page) else {
        eprintln!("content-schema.md not beside the repository; comparison skipped");
        return;
    };
    // The page's last section, "Additions", holds keys sopan takes up issue by issue
    // (`layanan`, the lifecycle, `_monev/`); their examples are checked where they are taken
    // up, not here.
    let (doc, _additions) = doc.split_once("\n## Additions").unwrap_or((&doc, ""));
    let blocks: Vec<&str> = doc
        .split("```yaml\n")
        .skip(1)
        .map(|b| b.split("```").next().unwrap())
        .collect();
    let files = [
        "sopan.yaml",
        "content/contoh-dinsos/_instansi.yaml",
        "content/contoh-dinsos/rehabilitasi/_bidang.yaml",
        "content/contoh-dinsos/_keputusan.yaml",
        "content/contoh-dinsos/rehabilitasi/anak-terlantar.yaml",
    ];
    assert_eq!(blocks.len(), files.len());
    let fixture = crate::support::repo_root().join("tests/testsuite/fixtures/schema-examples");
    for (block, file) in blocks.iter().zip(files) {
        assert_eq!(
            &std::fs::read_to_string(fixture.join(file)).unwrap(),
            block,
            "{file}"
        );
    }
}

/// The `layanan:` block of the schema page's "Additions" section, as written there.
const LAYANAN_CONTOH: &str = r#"layanan:
  persyaratan:                     # what the applicant brings (not step 1's kelengkapan)
    - Fotokopi KTP dan Kartu Keluarga
    - Surat pengantar dari kelurahan
  biaya: Tidak dipungut biaya      # free text; "Rp 0" style also fine
  produk: Surat rekomendasi        # what the citizen receives
  jangka_waktu: 3 hari kerja       # promised time; when absent the computed total is shown
  tempat: Loket Pelayanan Terpadu, Gedung B lantai 1
  jam: Senin–Jumat 08.00–15.00     # free text
  kontak:                          # any of these
    telepon: (0512) 2021374
    whatsapp: "081234567890"
    email: layanan@dinsos.example.go.id
  pengaduan:                       # complaint channels, in order
    - SP4N-LAPOR! https://www.lapor.go.id
    - Kotak pengaduan di ruang tunggu
"#;

#[test]
fn layanan_example_matches_the_page() {
    let page = crate::support::repo_root().join("../shared/design/content-schema.md");
    let Ok(doc) = std::fs::read_to_string(&page) else {
        eprintln!("content-schema.md not beside the repository; comparison skipped");
        return;
    };
    let (_, additions) = doc
        .split_once("\n## Additions")
        .expect("the Additions section");
    assert!(
        additions.contains(LAYANAN_CONTOH),
        "the page's `layanan:` example changed; copy it into LAYANAN_CONTOH"
    );
}

#[test]
fn accepts_the_layanan_example_and_applies_the_instansi_defaults() {
    let p = Project::base();
    let instansi = p.read("content/dinas/_instansi.yaml");
    p.write(
        "content/dinas/_instansi.yaml",
        &format!(
            "{instansi}layanan:\n  tempat: Kantor Dinas Uji\n  jam: Senin–Kamis 08.00–14.00\n  kontak:\n    telepon: (0511) 123456\n    whatsapp: \"0812 0000 1111\"\n  pengaduan: [Kotak saran]\n"
        ),
    );
    p.write(
        "content/dinas/umum/rekomendasi.yaml",
        &format!(
            "{HEAD}{LAYANAN_CONTOH}langkah:\n  - kegiatan: a\n    pelaksana: Pemohon\n    waktu: 1 hari kerja\n  - kegiatan: b\n    pelaksana: Petugas\n"
        ),
    );
    // Only kontak and jam left out: those come from the instansi.
    p.write(
        "content/dinas/umum/sederhana.yaml",
        &format!(
            "{HEAD}layanan:\n  persyaratan: KTP\n  kontak:\n    email: umum@uji.go.id\nlangkah:\n  - kegiatan: a\n    pelaksana: Pemohon\n    waktu: 5 menit\n  - kegiatan: b\n    pelaksana: Petugas\n    waktu: 10 menit\n"
        ),
    );
    let json = |id: &str| -> serde_json::Value {
        serde_json::from_str(&p.read(&format!("output/dinas/umum/{id}.json"))).unwrap()
    };
    // Written empty, `layanan:` still marks a public service: all of it from the instansi.
    p.write(
        "content/dinas/umum/kosong.yaml",
        "nomor: \"9\"\nnama: Kosong\npelaksana: [A]\nlayanan:\nlangkah:\n  - kegiatan: a\n    pelaksana: A\n",
    );
    let r = p.run(&["build", "--quiet"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("layanan"), "{}", r.stderr);
    let kosong = json("kosong");
    assert_eq!(kosong["jenis_prosedur"], "layanan_publik");
    assert_eq!(kosong["layanan"]["tempat"], "Kantor Dinas Uji");
    assert_eq!(kosong["layanan"]["persyaratan"], serde_json::json!([]));
    let full = json("rekomendasi");
    let l = &full["layanan"];
    assert_eq!(l["persyaratan"][1], "Surat pengantar dari kelurahan");
    assert_eq!(l["biaya"], "Tidak dipungut biaya");
    assert_eq!(l["jangka_waktu"], "3 hari kerja");
    assert_eq!(l["tempat"], "Loket Pelayanan Terpadu, Gedung B lantai 1");
    assert_eq!(l["kontak"]["whatsapp"], "081234567890");
    assert_eq!(l["pengaduan"][0], "SP4N-LAPOR! https://www.lapor.go.id");
    assert_eq!(full["jenis_prosedur"], "layanan_publik");
    assert_eq!(
        full["waktu_teks"], "3 hari kerja",
        "the promise, not the sum"
    );
    assert_eq!(
        full["total_waktu_teks"],
        "lebih dari 1 hari kerja (1 langkah tanpa waktu)"
    );
    let own = json("sederhana");
    let l = &own["layanan"];
    assert_eq!(l["persyaratan"], serde_json::json!(["KTP"]));
    assert_eq!(l["tempat"], "Kantor Dinas Uji", "the instansi's default");
    assert_eq!(l["jam"], "Senin–Kamis 08.00–14.00");
    assert_eq!(l["kontak"]["email"], "umum@uji.go.id", "the SOP's own");
    assert_eq!(l["kontak"]["telepon"], "(0511) 123456", "the instansi's");
    assert_eq!(l["pengaduan"], serde_json::json!(["Kotak saran"]));
    assert_eq!(own["waktu_teks"], "15 menit");
    let internal = json("surat-masuk");
    assert!(internal["layanan"].is_null());
    assert_eq!(internal["jenis_prosedur"], "prosedur_internal");
    let index: serde_json::Value = serde_json::from_str(&p.read("output/data.json")).unwrap();
    let kinds: Vec<&str> = index["instansi"][0]["bidang"][0]["sop"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["jenis_prosedur"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "layanan_publik",
            "layanan_publik",
            "layanan_publik",
            "prosedur_internal"
        ]
    );
    // The page links what a citizen can use: phone, WhatsApp, e-mail, the complaint site.
    let html = p.read("output/dinas/umum/rekomendasi/index.html");
    for link in [
        "href=\"tel:05122021374\"",
        "href=\"https://wa.me/6281234567890\"",
        "href=\"mailto:layanan@dinsos.example.go.id\"",
        "href=\"https://www.lapor.go.id\" rel=\"noopener\"",
    ] {
        assert!(html.contains(link), "{link} missing");
    }
}

#[test]
fn rejects_unknown_keys_inside_layanan() {
    let r = report(&format!(
        "{HEAD}layanan:\n  persyaratan: [KTP]\n  biayaa: Gratis\n  kontak:\n    telpon: (0512) 2021374\nlangkah:\n  - kegiatan: a\n    pelaksana: Pemohon\n  - kegiatan: b\n    pelaksana: Petugas\n"
    ));
    insta::assert_snapshot!("layanan_unknown_keys", r);
}

#[test]
fn rejects_a_layanan_that_is_not_a_mapping() {
    let r = report(&format!(
        "{HEAD}layanan: Tidak dipungut biaya\nlangkah:\n  - kegiatan: a\n    pelaksana: Pemohon\n  - kegiatan: b\n    pelaksana: Petugas\n"
    ));
    insta::assert_snapshot!("layanan_wrong_type", r);
}

#[test]
fn rejects_contacts_that_cannot_be_linked() {
    let r = report(&format!(
        "{HEAD}layanan:\n  kontak:\n    telepon: hubungi kami\n    whatsapp: \"(0512) 2021374\"\n    email: \"javascript:alert(1)\"\nlangkah:\n  - kegiatan: a\n    pelaksana: Pemohon\n  - kegiatan: b\n    pelaksana: Petugas\n"
    ));
    insta::assert_snapshot!("layanan_bad_contacts", r);
}

#[test]
fn rejects_service_keys_the_instansi_defaults_do_not_take() {
    let p = Project::base();
    let instansi = p.read("content/dinas/_instansi.yaml");
    p.write(
        "content/dinas/_instansi.yaml",
        &format!("{instansi}layanan:\n  tempat: Kantor\n  jangka_waktu: 3 hari\n  kontak:\n    wa: \"081234567890\"\n"),
    );
    let r = p.run(&["check"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    insta::assert_snapshot!("layanan_instansi_keys", r.stderr);
}

#[test]
fn a_name_on_two_lines_is_a_located_error_not_a_template_failure() {
    let r = report(&format!(
        "nomor: 800/02/2024\nnama: |\n  Layanan Surat\n  Keterangan\npelaksana: [Pemohon, Petugas]\n{STEPS}"
    ));
    assert!(
        r.contains("galat: nama SOP harus satu baris") && r.contains("rusak.yaml:2:"),
        "{r}"
    );
    assert!(r.contains("`>` menggabungkannya"), "{r}");
    // Folded with `>`, the same name is one line and builds.
    let p = Project::base();
    p.write(
        "content/dinas/umum/lipat.yaml",
        &format!("nomor: 800/03/2024\nnama: >\n  Layanan Surat\n  Keterangan\npelaksana: [Pemohon, Petugas]\n{STEPS}"),
    );
    let b = p.run(&["build", "--quiet"]);
    assert_eq!(b.code, 0, "{}", b.stderr);
}
