//! The project boundary: nothing outside the project is ever read or published. Symbolic links
//! leading out, theme names that are paths, output folders that would swallow the project,
//! Markdown nested past the sanitiser's means, instansi folders that collide with the site's
//! own pages, and control characters in what is printed.

use crate::support::Project;

#[cfg(unix)]
use std::os::unix::fs::symlink;

/// `check` and `build` both fail; the build writes nothing; returns the check report.
fn refused(p: &Project) -> String {
    p.refused()
}

/// A folder outside the project holding one file.
fn outside(name: &str, text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(name);
    std::fs::write(&file, text).unwrap();
    (dir, file)
}

#[cfg(unix)]
#[test]
fn a_page_linked_to_the_environment_publishes_nothing_of_it() {
    let p = Project::base();
    std::fs::create_dir_all(p.path().join("content/halaman")).unwrap();
    symlink(
        "/proc/self/environ",
        p.path().join("content/halaman/env.md"),
    )
    .unwrap();
    let secret = "RAHASIA_CI_8f3a1c";
    for args in [&["check"][..], &["build"]] {
        let r = p.run_env(args, &[("SOPAN_UJI_TOKEN", secret)]);
        assert_eq!(r.code, 1, "{r:?}");
        assert!(
            r.stderr.contains("--> content/halaman/env.md")
                && r.stderr.contains("menunjuk ke luar folder proyek"),
            "{}",
            r.stderr
        );
        assert!(
            !r.stderr.contains(secret) && !r.stderr.contains("/proc"),
            "{}",
            r.stderr
        );
    }
    assert!(!p.path().join("output").exists());
}

#[cfg(unix)]
#[test]
fn a_linked_sop_file_is_refused_without_naming_its_target() {
    let p = Project::base();
    let (_keep, file) = outside(
        "luar.yaml",
        "nomor: \"9\"\nnama: RAHASIA-LUAR\npelaksana: [A]\nlangkah:\n  - kegiatan: x\n    pelaksana: A\n",
    );
    symlink(&file, p.path().join("content/dinas/umum/luar.yaml")).unwrap();
    symlink(
        "/etc/passwd",
        p.path().join("content/dinas/umum/sandi.yaml"),
    )
    .unwrap();
    let r = refused(&p);
    for name in ["luar.yaml", "sandi.yaml"] {
        assert!(
            r.contains(&format!("--> content/dinas/umum/{name}")),
            "{name}: {r}"
        );
    }
    assert_eq!(
        r.matches("menunjuk ke luar folder proyek").count(),
        2,
        "{r}"
    );
    let target = file.to_string_lossy();
    for leak in [&*target, "RAHASIA-LUAR", "/etc/passwd", "root:"] {
        assert!(!r.contains(leak), "{leak} leaked: {r}");
    }
}

#[cfg(unix)]
#[test]
fn links_into_hidden_folders_of_the_project_are_refused_and_links_inside_content_followed() {
    let p = Project::base();
    p.write(".env", "API_KEY=rahasia-env\n");
    p.write(".git/config", "[remote]\nurl = https://token@x\n");
    std::fs::create_dir_all(p.path().join("content/halaman")).unwrap();
    symlink("../../.env", p.path().join("content/halaman/env.md")).unwrap();
    symlink("../../.git/config", p.path().join("content/halaman/git.md")).unwrap();
    let r = refused(&p);
    assert_eq!(
        r.matches("menunjuk ke luar folder proyek").count(),
        2,
        "{r}"
    );
    assert!(!r.contains("rahasia-env") && !r.contains("token@"), "{r}");

    // A link that stays inside `content/` is an ordinary file.
    let p = Project::base();
    symlink(
        "surat-masuk.yaml",
        p.path().join("content/dinas/umum/salinan.yaml"),
    )
    .unwrap();
    let r = p.run(&["build"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(p.path().join("output/dinas/umum/salinan.json").exists());
}

#[cfg(unix)]
#[test]
fn a_folder_linked_out_of_content_is_never_walked() {
    let p = Project::base();
    symlink("/usr", p.path().join("content/dinas/usr")).unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(elsewhere.path().join("umum")).unwrap();
    symlink(elsewhere.path(), p.path().join("content/luar")).unwrap();
    let r = refused(&p);
    assert!(r.contains("--> content/dinas/usr"), "{r}");
    assert!(r.contains("--> content/luar"), "{r}");
    assert!(!r.contains("/usr/") && !r.contains("bin"), "{r}");

    // `content/` itself leading out: the project is refused as a whole.
    let q = Project::empty();
    q.write("sopan.yaml", "judul: x\n");
    symlink(elsewhere.path(), q.path().join("content")).unwrap();
    let r = q.run(&["check"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr.contains("folder `content/`") && r.stderr.contains("ke luar folder proyek"),
        "{}",
        r.stderr
    );
}

#[cfg(unix)]
#[test]
fn a_fifo_in_content_is_refused_instead_of_blocking_the_build() {
    let p = Project::base();
    let fifo = p.path().join("content/dinas/umum/pipa.yaml");
    let ok = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(ok.success());
    let r = refused(&p);
    assert!(
        r.contains("--> content/dinas/umum/pipa.yaml") && r.contains("bukan berkas biasa"),
        "{r}"
    );
}

#[test]
fn a_tema_that_is_a_path_is_a_located_error() {
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(elsewhere.path().join("static")).unwrap();
    std::fs::write(elsewhere.path().join("static/bocor.txt"), "RAHASIA-TEMA").unwrap();
    let abs = elsewhere.path().to_string_lossy().to_string();
    for tema in [abs.as_str(), "../../x", "a/b", ".."] {
        let p = Project::base();
        p.write("sopan.yaml", &format!("judul: Uji\ntema: '{tema}'\n"));
        let r = refused(&p);
        assert!(
            r.contains("`tema` harus nama folder di `themes/`"),
            "{tema}: {r}"
        );
        assert!(r.contains("--> sopan.yaml:2:7"), "{tema}: {r}");
    }
}

#[cfg(unix)]
#[test]
fn a_theme_file_linked_out_of_the_project_fails_the_build_unread() {
    let p = Project::base();
    p.write("sopan.yaml", "judul: Uji\ntema: dinas\n");
    p.write("themes/dinas/static/ok.css", "body{}\n");
    let (_keep, file) = outside("bocor.css", "RAHASIA-TEMA");
    symlink(&file, p.path().join("themes/dinas/static/bocor.css")).unwrap();
    let r = p.run(&["build"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr
            .contains("galat[tema-berkas]: berkas tema `themes/dinas/static/bocor.css`")
            && r.stderr.contains("menunjuk ke luar folder proyek"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains(&*file.to_string_lossy()), "{}", r.stderr);
    assert!(!p.path().join("output").exists());

    // A theme folder that is itself a link out: found by `check`, at the `tema:` line.
    std::fs::remove_dir_all(p.path().join("themes/dinas")).unwrap();
    symlink(file.parent().unwrap(), p.path().join("themes/dinas")).unwrap();
    let r = refused(&p);
    assert!(
        r.contains("folder tema `themes/dinas` menunjuk ke luar folder proyek")
            && r.contains("--> sopan.yaml:2:7"),
        "{r}"
    );
}

#[test]
fn deeply_nested_markdown_is_refused_at_its_line_before_the_sanitiser() {
    // 20,000 nested quotes; 200 KB of them (the sanitiser was still running after 40 s); raw
    // HTML, which nests too.
    for (name, text, at) in [
        (
            "dalam",
            format!("# Judul\n\nPembuka\n\n{}kutipan\n", ">".repeat(20_000)),
            "5:",
        ),
        ("besar", format!("{}\n", "> ".repeat(100_000)), "1:"),
        (
            "div",
            format!("Teks\n\n{}\n", "<div>".repeat(10_000)),
            "3:1",
        ),
    ] {
        let p = Project::base();
        p.write(&format!("content/halaman/{name}.md"), &text);
        let r = refused(&p);
        assert!(
            r.contains(&format!("--> content/halaman/{name}.md:{at}")),
            "{name}: {r}"
        );
        assert!(r.contains("bersarang terlalu dalam"), "{name}: {r}");
    }
}

#[test]
fn an_instansi_named_like_a_page_of_the_site_is_a_located_error() {
    let p = Project::base();
    for name in ["cari", "audit", "static", "pagefind", "skema"] {
        p.write(
            &format!("content/{name}/_instansi.yaml"),
            "pemerintah: P\nnama: N\nkepala:\n  jabatan: K\n  nama: B\n",
        );
    }
    let r = refused(&p);
    for name in ["cari", "audit", "static", "pagefind", "skema"] {
        assert!(
            r.contains(&format!(
                "nama folder instansi `{name}` dipakai situs untuk halamannya sendiri"
            )) && r.contains(&format!("--> content/{name}\n")),
            "{name}: {r}"
        );
    }
    assert!(r.contains("mis. `dinas-cari`"), "{r}");
}

#[test]
fn an_output_folder_that_would_swallow_the_project_is_refused_before_anything_is_written() {
    let p = Project::base();
    let before = crate::support::tree(p.path());
    for (out, why) in [
        (".", "folder proyek itu sendiri"),
        ("..", "folder proyek itu sendiri"),
        ("content/situs", "di dalam `content/`"),
        ("themes/x/out", "di dalam `themes/`"),
    ] {
        let r = p.run(&["build", "--out", out]);
        assert_eq!(r.code, 2, "{out}: {r:?}");
        assert!(r.stderr.contains(why), "{out}: {}", r.stderr);
        assert_eq!(
            crate::support::tree(p.path()),
            before,
            "{out}: nothing written"
        );
    }
    #[cfg(unix)]
    {
        let elsewhere = tempfile::tempdir().unwrap();
        symlink(elsewhere.path(), p.path().join("tautan")).unwrap();
        let r = p.run(&["build", "--out", "tautan"]);
        assert_eq!(r.code, 2, "{r:?}");
        assert!(r.stderr.contains("tautan simbolik"), "{}", r.stderr);
        assert!(
            std::fs::read_dir(elsewhere.path())
                .unwrap()
                .next()
                .is_none()
        );
        assert!(
            std::fs::symlink_metadata(p.path().join("tautan"))
                .unwrap()
                .file_type()
                .is_symlink()
        );
    }
}

#[test]
fn a_second_build_into_the_same_folder_fails_at_once_while_the_first_holds_it() {
    let p = Project::base();
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(p.path().join(".output.kunci"))
        .unwrap();
    lock.lock().unwrap();
    let r = p.run(&["build"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr
            .contains("galat[keluaran-terkunci]: pembangunan lain sedang menulis ke `output`"),
        "{}",
        r.stderr
    );
    assert!(!p.path().join("output").exists());
    drop(lock);
    let r = p.run(&["build"]);
    assert_eq!(r.code, 0, "{r:?}");
}

#[cfg(unix)]
#[test]
fn control_characters_in_file_names_and_values_are_shown_not_obeyed() {
    let p = Project::base();
    p.write("content/dinas/umum/a\x1b]0;judul\x07.yaml", "nama: x\n");
    p.write(
        "content/dinas/umum/b.yaml",
        "nomor: \"2\"\nnama: \"\\e[2J\\u202e\"\npelaksana: [A]\nlangkah:\n  - kegiatan: \"\\e[31mmerah\"\n    pelaksana: A\n    waktu: \"5 \\e[1m\"\n",
    );
    let r = p.run(&["check"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        !r.stderr.contains('\x1b') && !r.stderr.contains('\x07') && !r.stderr.contains('\u{202e}'),
        "{:?}",
        r.stderr
    );
    assert!(
        r.stderr.contains("a\u{241b}]0;judul\u{2407}.yaml"),
        "{}",
        r.stderr
    );
}

#[test]
fn the_audit_report_shows_control_characters_in_content_as_stand_ins() {
    let p = Project::base();
    // A step without waktu is a finding; the escape sits in the step the finding quotes.
    p.write(
        "content/dinas/umum/surat-keluar.yaml",
        "nomor: \"2\"\nnama: \"Surat \\e[2J Keluar\"\npelaksana: [A]\nlangkah:\n  - kegiatan: \"Kirim \\e]0;x\\a\"\n    pelaksana: A\n",
    );
    let r = p.run(&["audit"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stdout.contains('\u{241b}'), "{}", r.stdout);
    assert!(
        !r.stdout.contains('\x1b') && !r.stdout.contains('\x07'),
        "{:?}",
        r.stdout
    );
}

#[test]
fn the_diff_report_shows_control_characters_in_content_as_stand_ins() {
    let p = Project::base();
    let sop = |kegiatan: &str| {
        format!(
            "nomor: \"2\"\nnama: \"Surat \\e[8m\"\npelaksana: [A]\nlangkah:\n  - kegiatan: \"{kegiatan}\"\n    pelaksana: A\n    waktu: 5 menit\n"
        )
    };
    p.write("lama.yaml", &sop("Kirim \\e[2J surat"));
    p.write("baru.yaml", &sop("Kirim \\e]0;x\\a surat"));
    let r = p.run(&["diff", "lama.yaml", "baru.yaml"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stdout.contains('\u{241b}'), "{}", r.stdout);
    assert!(
        !r.stdout.contains('\x1b') && !r.stdout.contains('\x07'),
        "{:?}",
        r.stdout
    );
}

/// The previous output kept beside the output (`.output.daur`) replaced by a link out of the
/// project, with sopan's marker in the folder it names: the build neither reads nor writes
/// through it, and makes its own folder instead.
#[cfg(unix)]
#[test]
fn a_kept_output_linked_out_of_the_project_is_never_filled() {
    let p = Project::base();
    assert_eq!(p.run(&["build"]).code, 0);
    let (dir, _) = outside("x.txt", "rahasia\n");
    std::fs::write(dir.path().join(".sopan-output"), "").unwrap();
    let kept = p.path().join(".output.daur");
    if kept.exists() {
        std::fs::remove_dir_all(&kept).unwrap();
    }
    symlink(dir.path(), &kept).unwrap();
    for _ in 0..2 {
        let r = p.run(&["build"]);
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, [".sopan-output", "x.txt"]);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("x.txt")).unwrap(),
        "rahasia\n"
    );
    assert!(
        !std::fs::symlink_metadata(&kept)
            .unwrap()
            .file_type()
            .is_symlink()
    );
}
