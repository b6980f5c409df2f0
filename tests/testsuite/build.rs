//! `sopan build`: open data written atomically and deterministically; never on errors.

use crate::support::Project;
use crate::support::tree;

#[test]
fn writes_json_per_sop_and_an_index() {
    let p = Project::base();
    let r = p.run(&["build"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let sop: serde_json::Value =
        serde_json::from_str(&p.read("output/dinas/umum/surat-masuk.json")).unwrap();
    assert_eq!(sop["nama"], "Surat Masuk");
    assert_eq!(sop["id"], "dinas/umum/surat-masuk");
    assert_eq!(
        sop["disahkan_oleh"]["nama"], "Budi, S.Sos",
        "signer falls back to kepala"
    );
    assert_eq!(sop["disahkan_oleh"]["nip"], "19700101 199503 1 001");
    assert_eq!(sop["langkah"][0]["jenis"], "mulai");
    assert_eq!(sop["langkah"][1]["jenis"], "selesai");
    assert_eq!(sop["total_waktu"]["menit_min"], 15);
    assert_eq!(sop["total_waktu_teks"], "15 menit");
    let index: serde_json::Value = serde_json::from_str(&p.read("output/data.json")).unwrap();
    assert_eq!(index["jumlah_sop"], 1);
    assert_eq!(
        index["instansi"][0]["bidang"][0]["sop"][0]["data"],
        "/dinas/umum/surat-masuk.json"
    );
}

#[test]
fn two_builds_are_byte_identical() {
    let p = Project::example();
    assert_eq!(p.run(&["build", "--out", "a"]).code, 0);
    // `--bersih`: a second build made afresh, not from the build cache.
    assert_eq!(p.run(&["build", "--out", "b", "--bersih"]).code, 0);
    let (a, b) = (tree(&p.path().join("a")), tree(&p.path().join("b")));
    assert!(a.len() > 10);
    assert_eq!(a, b);
}

#[test]
fn pdf_worker_processes_write_the_same_bytes_as_threads() {
    let p = Project::example();
    let procs = p.run_env(&["build", "--out", "a"], &[("SOPAN_PEKERJA", "2")]);
    assert_eq!(procs.code, 0, "{}", procs.stderr);
    let threads = p.run_env(
        &["build", "--out", "b", "--bersih"],
        &[("SOPAN_PEKERJA", "0")],
    );
    assert_eq!(threads.code, 0, "{}", threads.stderr);
    let (a, b) = (tree(&p.path().join("a")), tree(&p.path().join("b")));
    assert!(a.iter().filter(|(p, _)| p.ends_with(".pdf")).count() >= 24);
    assert_eq!(a, b);
}

#[test]
fn a_failed_pdf_worker_is_a_clear_error_and_keeps_the_old_output() {
    let p = Project::base();
    assert_eq!(p.run(&["build"]).code, 0);
    // A theme template that does not compile fails inside the worker process.
    p.write("sopan.yaml", "judul: Uji\ntema: rusak\n")
        .write("themes/rusak/typst/sop.typ", "#let x = (\n");
    let r = p.run_env(&["build"], &[("SOPAN_PEKERJA", "2")]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("galat[pekerja-pdf]: proses pekerja PDF gagal"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("typst/sop.typ:"), "{}", r.stderr);
    assert!(p.path().join("output/dinas/umum/surat-masuk.pdf").exists());
}

#[test]
fn a_failed_build_leaves_the_previous_output_intact() {
    let p = Project::base();
    assert_eq!(p.run(&["build"]).code, 0);
    let before = tree(&p.path().join("output"));
    p.write("content/dinas/umum/surat-masuk.yaml", "nama: [rusak\n");
    let r = p.run(&["build"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("keluaran lama tidak diubah"),
        "{}",
        r.stderr
    );
    assert_eq!(tree(&p.path().join("output")), before);
}

#[test]
fn removed_sops_disappear_from_the_output() {
    let p = Project::base();
    p.write("content/dinas/umum/lain.yaml", crate::support::GOOD_SOP);
    assert_eq!(p.run(&["build"]).code, 0);
    assert!(p.path().join("output/dinas/umum/lain.json").exists());
    std::fs::remove_file(p.path().join("content/dinas/umum/lain.yaml")).unwrap();
    assert_eq!(p.run(&["build"]).code, 0);
    assert!(!p.path().join("output/dinas/umum/lain.json").exists());
}

#[test]
fn refuses_to_replace_a_folder_it_did_not_write() {
    let p = Project::base();
    p.write("skripsi/bab1.docx", "penting");
    let r = p.run(&["build", "--out", "skripsi"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("galat[keluaran-asing]: folder keluaran `skripsi`"),
        "{}",
        r.stderr
    );
    assert_eq!(p.read("skripsi/bab1.docx"), "penting");
}
