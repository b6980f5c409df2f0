//! The CLI as a first-time user meets it: help, version, init, new, usage errors.

use crate::support::{GOOD_SOP, Project};

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
        r.stderr
            .starts_with("galat: perintah `bangun` tidak dikenal"),
        "{}",
        r.stderr
    );
}

#[test]
fn check_outside_a_project_explains_what_to_do() {
    let r = Project::empty().run(&["check"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("galat[bukan-proyek]: "), "{}", r.stderr);
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
    assert!(
        r.stderr.contains("galat[proyek-sudah-ada]: "),
        "{}",
        r.stderr
    );
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
            .contains("galat[variabel-lingkungan]: SOPAN_HALAMAN_PER_INDEKS=\"nol\" bukan bilangan bulat positif")
            && r.stderr.contains("misalnya SOPAN_HALAMAN_PER_INDEKS=500"),
        "{}",
        r.stderr
    );
    assert!(!p.path().join("output").exists());
}

/// English words of clap's that must never reach a user.
const CLAP_ENGLISH: [&str; 8] = [
    "unexpected argument",
    "tip:",
    "Usage:",
    "[possible values",
    "[default:",
    "For more information",
    "invalid value",
    "[OPTIONS]",
];

#[test]
fn usage_errors_and_help_are_all_indonesian() {
    let p = Project::empty();
    for args in [
        &["bulid"][..],
        &["build", "--foo"],
        &["diff", "a", "b", "--format", "pdf"],
        &["serve", "--port", "abc"],
        &["check", "a", "b"],
        &["new"],
    ] {
        let r = p.run(args);
        assert_eq!(r.code, 2, "{args:?}: {r:?}");
        for english in CLAP_ENGLISH {
            assert!(
                !r.stderr.contains(english),
                "{args:?}: `{english}` in\n{}",
                r.stderr
            );
        }
        assert!(r.stderr.starts_with("galat: "), "{}", r.stderr);
    }
    let r = p.run(&["bulid"]);
    assert!(r.stderr.contains("maksud Anda `build`?"), "{}", r.stderr);
    let r = p.run(&["build", "--foo"]);
    assert!(
        r.stderr.contains("opsi `--foo` tidak dikenal")
            && r.stderr.contains("Penggunaan: sopan build [OPSI] [FOLDER]")
            && r.stderr.contains("tulis `-- --foo`"),
        "{}",
        r.stderr
    );
    for sub in [
        "build",
        "diff",
        "serve",
        "audit",
        "new",
        "init",
        "check",
        "skema",
        "completions",
    ] {
        let r = p.run(&[sub, "--help"]);
        assert_eq!(r.code, 0);
        for english in CLAP_ENGLISH {
            assert!(
                !r.stdout.contains(english),
                "{sub}: `{english}` in\n{}",
                r.stdout
            );
        }
        assert!(r.stdout.contains("Penggunaan: sopan "), "{}", r.stdout);
    }
}

#[test]
fn commands_find_the_project_from_a_folder_inside_it() {
    let p = Project::base();
    let inner = p.path().join("content/dinas/umum");
    let r = Project::run_in(&inner, &["check"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stderr.contains("1 SOP, 0 galat"), "{}", r.stderr);
    let r = Project::run_in(&inner, &["build", "--quiet"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(p.path().join("output/index.html").is_file());
    assert!(!inner.join("output").exists());
    // Outside any project: the hint names the command that was run.
    let outside = tempfile::tempdir().unwrap();
    for cmd in ["build", "audit", "check"] {
        let r = Project::run_in(outside.path(), &[cmd]);
        assert_eq!(r.code, 2, "{r:?}");
        assert!(
            r.stderr.contains("galat[bukan-proyek]: ")
                && r.stderr.contains(&format!("`sopan {cmd} FOLDER`")),
            "{cmd}: {}",
            r.stderr
        );
    }
}

#[test]
fn new_dates_the_skeleton_today_and_can_create_its_bidang() {
    let p = Project::base();
    let today = std::process::Command::new("date")
        .args(["-u", "+%F"])
        .output()
        .unwrap();
    let today = String::from_utf8(today.stdout).unwrap().trim().to_string();
    let r = p.run(&["new", "dinas/layanan/izin-baru"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--bidang-baru"), "{}", r.stderr);
    let r = p.run(&["new", "dinas/layanan/izin-baru", "--bidang-baru"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        p.read("content/dinas/layanan/_bidang.yaml")
            .contains("nama: \"Layanan\"")
    );
    let sop = p.read("content/dinas/layanan/izin-baru.yaml");
    assert!(
        sop.contains(&format!("tanggal_pembuatan: {today}")),
        "{sop}"
    );
    let r = p.run(&["check"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stderr.contains("2 SOP, 0 galat"), "{}", r.stderr);
    let r = p.run(&["new", "tidak-ada/b/c", "--bidang-baru"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("instansi yang ada: dinas"),
        "{}",
        r.stderr
    );
}

#[test]
fn diff_writes_every_format_to_the_file_named_and_html_outside_the_project() {
    let p = Project::base();
    p.write("lama.yaml", GOOD_SOP).write(
        "baru.yaml",
        &GOOD_SOP
            .replace("[Pelayanan, Kasubbag]", "[Pelayanan, Kasubag Umum]")
            .replace("    pelaksana: Kasubbag\n", "    pelaksana: Kasubag Umum\n"),
    );
    let r = p.run(&["diff", "lama.yaml", "baru.yaml", "-o", "beda.txt"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    assert!(p.read("beda.txt").contains("Kasubbag → Kasubag Umum"));
    let r = p.run(&[
        "diff",
        "lama.yaml",
        "baru.yaml",
        "--format",
        "json",
        "-o",
        "beda.json",
    ]);
    assert_eq!(r.code, 1, "{r:?}");
    let v: serde_json::Value = serde_json::from_str(&p.read("beda.json")).unwrap();
    assert!(v.is_object());
    let tmp = tempfile::tempdir().unwrap();
    let r = p.run_env(
        &["diff", "lama.yaml", "baru.yaml", "--format", "html"],
        &[("TMPDIR", tmp.path().to_str().unwrap())],
    );
    assert_eq!(r.code, 1, "{r:?}");
    let report = tmp
        .path()
        .join("sopan-perbandingan/lama.yaml--baru.yaml.html");
    assert!(report.is_file(), "{}", r.stderr);
    assert!(r.stderr.contains("sopan-perbandingan"), "{}", r.stderr);
    let stray: Vec<_> = std::fs::read_dir(p.path())
        .unwrap()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .collect();
    assert!(stray.is_empty(), "{stray:?}");
}

/// A project with one error and one warning, for the machine-readable report.
fn one_error_one_warning() -> Project {
    let p = Project::base();
    p.write(
        "content/dinas/umum/surat-masuk.yaml",
        &GOOD_SOP.replace("nomor: 800/01/2024\n", "nomor: \"\"\ndasar_hokum: [a]\n"),
    );
    p
}

#[test]
fn check_format_json_is_stable_data() {
    let p = one_error_one_warning();
    let r = p.run(&["check", "--format", "json"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert_eq!(r.stderr, "", "nothing but the document: {}", r.stderr);
    let doc: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(doc["summary"]["errors"], 1, "{doc:#}");
    assert_eq!(doc["summary"]["warnings"], 1, "{doc:#}");
    insta::assert_snapshot!("check_format_json", r.stdout);
    // A clean project: exit 0, an empty list.
    let r = Project::base().run(&["check", "--format", "json"]);
    assert_eq!(r.code, 0, "{r:?}");
    let doc: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(doc["diagnostics"], serde_json::json!([]));
}

#[test]
fn check_format_json_carries_the_notes_as_labels_and_notes() {
    let p = Project::base();
    // A key written twice: the report points at the second and notes the first.
    p.write(
        "content/dinas/umum/surat-masuk.yaml",
        &GOOD_SOP.replace(
            "nomor: 800/01/2024\n",
            "nomor: 800/01/2024\nnomor: 800/02/2024\n",
        ),
    );
    let r = p.run(&["check", "--format", "json"]);
    assert_eq!(r.code, 1, "{r:?}");
    let doc: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let d = &doc["diagnostics"][0];
    let labels = d["labels"].as_array().unwrap();
    assert_eq!(labels.len(), 2, "{d:#}");
    assert_eq!(labels[0]["primary"], true, "{d:#}");
    assert_eq!(labels[1]["primary"], false, "{d:#}");
    assert!(
        labels[1]["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{d:#}"
    );
    assert!(
        labels[1]["line"].as_u64() < labels[0]["line"].as_u64(),
        "the first place is above the second: {d:#}"
    );
    assert!(d["notes"].is_array(), "{d:#}");
}

#[test]
fn completions_are_printed_for_every_shell() {
    let p = Project::empty();
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef sopan"),
        ("fish", "complete -c sopan"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let r = p.run(&["completions", shell]);
        assert_eq!(r.code, 0, "{shell}: {r:?}");
        assert!(r.stdout.contains(marker), "{shell}: {}", r.stdout);
        // The commands and their options are offered.
        for word in ["check", "build", "skema", "format", "color"] {
            assert!(r.stdout.contains(word), "{shell}: no {word}");
        }
        // The PDF worker is spawned by `build`, never typed: not offered.
        assert!(!r.stdout.contains("pekerja"), "{shell}: {}", r.stdout);
    }
    let r = p.run(&["completions", "tcsh"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.starts_with("galat: "), "{}", r.stderr);
}

#[test]
fn color_always_and_never_override_the_terminal_and_no_color() {
    let p = one_error_one_warning();
    // The test runner is no terminal and sets NO_COLOR: auto means no colour.
    let r = p.run(&["check"]);
    assert!(!r.stderr.contains('\x1b'), "{}", r.stderr);
    let r = p.run(&["check", "--color", "always"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("\x1b[1;31mgalat:"), "{:?}", r.stderr);
    let r = p.run(&["--color", "never", "check"]);
    assert!(!r.stderr.contains('\x1b'), "{:?}", r.stderr);
    // diff's terminal report goes through the same switch.
    p.write("lama.yaml", GOOD_SOP);
    p.write("baru.yaml", &GOOD_SOP.replace("5 menit", "10 menit"));
    let r = p.run(&["diff", "lama.yaml", "baru.yaml", "--color", "always"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stdout.contains('\x1b'), "{:?}", r.stdout);
    let r = p.run(&["diff", "lama.yaml", "baru.yaml", "--color", "never"]);
    assert!(
        !r.stdout.contains('\x1b') && r.stdout.contains("10 menit"),
        "{:?}",
        r.stdout
    );
    let r = p.run(&["check", "--color", "kadang"]);
    assert_eq!(r.code, 2);
}
