//! The CLI as a first-time user meets it: help, version, init, new, usage errors.

use crate::support::Project;

#[test]
fn help_is_in_indonesian_and_lists_commands() {
    let r = Project::empty().run(&["--help"]);
    assert_eq!(r.code, 0);
    for word in [
        "Perintah",
        "init",
        "new",
        "check",
        "build",
        "Tampilkan bantuan",
        "Mulai cepat",
    ] {
        assert!(
            r.stdout.contains(word),
            "missing {word:?} in:\n{}",
            r.stdout
        );
    }
    let r = Project::empty().run(&["build", "--help"]);
    assert!(r.stdout.contains("Folder keluaran"), "{}", r.stdout);
}

#[test]
fn version_prints_the_crate_version() {
    let r = Project::empty().run(&["--version"]);
    assert_eq!(r.code, 0);
    assert_eq!(
        r.stdout.trim(),
        format!("sopan {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn unknown_command_is_a_usage_error() {
    let r = Project::empty().run(&["bangun"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.starts_with("error: perintah tidak dikenal"),
        "{}",
        r.stderr
    );
}

#[test]
fn check_outside_a_project_explains_what_to_do() {
    let r = Project::empty().run(&["check"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("bukan proyek sopan"), "{}", r.stderr);
    assert!(r.stderr.contains("sopan init"), "{}", r.stderr);
}

#[test]
fn init_creates_a_project_that_passes_check_and_builds() {
    let p = Project::empty();
    let r = p.run(&["init", "baru"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = p.run(&["check", "baru"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("1 SOP, 0 galat, 0 peringatan"),
        "{}",
        r.stderr
    );
    let r = p.run(&["build", "baru"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        p.path()
            .join("baru/output/dinas-contoh/sekretariat/surat-masuk.json")
            .is_file()
    );
    // A second init never overwrites.
    let r = p.run(&["init", "baru"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("sudah berisi proyek"), "{}", r.stderr);
}

#[test]
fn new_writes_a_skeleton_that_passes_check() {
    let p = Project::base();
    let r = p.run(&["new", "dinas/umum/surat-keluar", "--nama", "Surat Keluar"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        p.read("content/dinas/umum/surat-keluar.yaml")
            .contains("nama: \"Surat Keluar\"")
    );
    let r = p.run(&["check"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("2 SOP, 0 galat, 1 peringatan"),
        "{}",
        r.stderr
    );
    // Same id again: refused, file untouched.
    let r = p.run(&["new", "dinas/umum/surat-keluar"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("sudah ada"), "{}", r.stderr);
}

#[test]
fn new_names_the_existing_bidang_when_the_path_is_wrong() {
    let p = Project::base();
    let r = p.run(&["new", "dinas/umun/x"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("bidang yang ada: dinas/umum"),
        "{}",
        r.stderr
    );
    let r = p.run(&["new", "x"]);
    assert!(
        r.stderr.contains("<instansi>/<bidang>/<slug>"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_bad_index_part_size_fails_the_build_before_anything_is_written() {
    let p = Project::base();
    let r = p.run_env(&["build"], &[("SOPAN_HALAMAN_PER_INDEKS", "nol")]);
    assert_ne!(r.code, 0);
    assert!(
        r.stderr
            .contains("SOPAN_HALAMAN_PER_INDEKS=\"nol\" bukan bilangan bulat positif")
            && r.stderr.contains("misalnya SOPAN_HALAMAN_PER_INDEKS=500"),
        "{}",
        r.stderr
    );
    assert!(!p.path().join("output").exists());
}
