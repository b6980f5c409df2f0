//! Limits: hostile or absurd input is a clear located error with bounded time and memory, and a
//! build that refuses writes nothing.

use crate::support::{Project, tree};

/// An `_instansi.yaml` with everything but `logo` and `laman`, which the tests append (line 6).
const INSTANSI: &str = "pemerintah: Pemerintah Kota Uji\nnama: Dinas Uji\nkepala:\n  jabatan: Kepala Dinas\n  nama: Budi\n";

/// `check` and `build` over the base project with `rel` written as `text`: both fail, the build
/// writes no output; returns the check report.
fn refused(rel: &str, text: &str) -> String {
    let p = Project::base();
    p.write(rel, text);
    p.refused()
}

#[test]
fn ten_thousand_steps_are_refused_at_step_201() {
    let mut sop = String::from("nomor: \"1\"\nnama: Panjang\npelaksana: [A]\nlangkah:\n");
    for i in 1..=10_000 {
        sop.push_str(&format!(
            "  - kegiatan: Langkah {i}\n    pelaksana: A\n    waktu: 5 menit\n"
        ));
    }
    let r = refused("content/dinas/umum/panjang.yaml", &sop);
    insta::assert_snapshot!("ten_thousand_steps", r);
}

#[test]
fn a_fifty_megabyte_file_is_refused_before_it_is_read() {
    let big = "a".repeat(50 * 1024 * 1024);
    let r = refused("content/dinas/umum/raksasa.yaml", &big);
    assert!(
        r.contains("berkas terlalu besar (50.0 MB); batasnya 1 MB per berkas"),
        "{r}"
    );
    assert!(r.contains("--> content/dinas/umum/raksasa.yaml"), "{r}");
}

#[test]
fn deep_nesting_is_a_located_error_with_the_line_cut_short() {
    let sop = format!("nama: {}{}\n", "[".repeat(1000), "]".repeat(1000));
    let r = refused("content/dinas/umum/dalam.yaml", &sop);
    assert!(r.contains("--> content/dinas/umum/dalam.yaml:1:7"), "{r}");
    assert!(
        r.lines().all(|l| l.chars().count() < 160),
        "no line floods the terminal:\n{r}"
    );
}

#[test]
fn an_alias_bomb_is_refused_quickly() {
    let mut sop =
        String::from("nama: Bom\ndasar_hukum: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    let keys = [
        "kualifikasi_pelaksana",
        "peralatan_perlengkapan",
        "peringatan",
        "pencatatan_pendataan",
        "pelaksana",
    ];
    let mut prev = "a".to_string();
    for (k, key) in keys.iter().enumerate() {
        let name = format!("b{k}");
        sop.push_str(&format!(
            "{key}: &{name} [{}]\n",
            vec![format!("*{prev}"); 9].join(", ")
        ));
        prev = name;
    }
    sop.push_str(&format!("langkah: *{prev}\n"));
    let started = std::time::Instant::now();
    let r = refused("content/dinas/umum/bom.yaml", &sop);
    assert!(r.contains("content/dinas/umum/bom.yaml:"), "{r}");
    // Not a timing test: a generous bound that an expansion of 9^6 items would blow.
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
}

#[test]
fn a_logo_outside_the_project_or_not_an_image_is_refused_at_its_line() {
    let head = INSTANSI;
    let r = refused(
        "content/dinas/_instansi.yaml",
        &format!("{head}logo: ../../../../etc/passwd\n"),
    );
    assert!(
        r.contains("`logo` `../../../../etc/passwd` harus berada di dalam folder instansi"),
        "{r}"
    );
    assert!(r.contains("--> content/dinas/_instansi.yaml:6:7"), "{r}");

    let p = Project::base();
    p.write(
        "content/dinas/_instansi.yaml",
        &format!("{head}logo: logo.png\n"),
    );
    p.write("content/dinas/logo.png", "bukan gambar");
    let r = p.run(&["build"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stderr
            .contains("berkas logo `logo.png` bukan gambar PNG, JPEG atau SVG"),
        "{}",
        r.stderr
    );
    assert!(
        !r.stderr.contains("Typst"),
        "found before any PDF is made: {}",
        r.stderr
    );

    #[cfg(unix)]
    {
        let outside = tempfile::tempdir().unwrap();
        let png = outside.path().join("logo.png");
        std::fs::write(&png, b"\x89PNG\r\n\x1a\n0000").unwrap();
        std::fs::remove_file(p.path().join("content/dinas/logo.png")).unwrap();
        std::os::unix::fs::symlink(&png, p.path().join("content/dinas/logo.png")).unwrap();
        let r = p.run(&["check"]);
        assert_eq!(r.code, 1, "{r:?}");
        assert!(
            r.stderr.contains("menunjuk ke luar folder proyek"),
            "{}",
            r.stderr
        );
    }
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_in_content_ends_with_a_warning() {
    let p = Project::base();
    std::os::unix::fs::symlink("..", p.path().join("content/dinas/umum/putar")).unwrap();
    let r = p.run(&["check"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stderr.contains("folder di dalam folder bidang diabaikan"),
        "{}",
        r.stderr
    );
    let b = p.run(&["build"]);
    assert_eq!(b.code, 0, "{b:?}");
}

#[test]
fn a_laman_that_is_not_a_web_address_never_becomes_a_link() {
    let head = INSTANSI;
    for bad in [
        "javascript:alert(1)",
        "\"https://x\" onmouseover=\"alert(1)\"",
        "/etc/passwd",
    ] {
        let r = refused(
            "content/dinas/_instansi.yaml",
            &format!("{head}laman: '{bad}'\n"),
        );
        assert!(r.contains("bukan alamat web"), "{bad}: {r}");
        assert!(
            r.contains("--> content/dinas/_instansi.yaml:6:"),
            "{bad}: {r}"
        );
    }
}

#[test]
fn a_build_killed_at_any_moment_leaves_the_previous_output_whole() {
    let p = Project::example();
    assert_eq!(p.run(&["build", "--quiet"]).code, 0);
    let before = tree(&p.path().join("output"));
    // The next build differs in every page (the site title) and in one PDF.
    let settings = p
        .read("sopan.yaml")
        .replace("judul: Portal SOP", "judul: Portal SOP Baru");
    p.write("sopan.yaml", &settings);
    let surat = p.read("content/tanah-laut-dinsos/sekretariat/surat-masuk.yaml");
    p.write(
        "content/tanah-laut-dinsos/sekretariat/surat-masuk.yaml",
        &surat.replace("nama: Surat Masuk", "nama: Surat Masuk Dinas"),
    );
    assert_eq!(p.run(&["build", "--quiet", "--out", "lengkap"]).code, 0);
    let after = tree(&p.path().join("lengkap"));
    assert_ne!(before, after);

    let mut kills = 0;
    for ms in [
        30, 120, 250, 400, 600, 800, 1000, 1300, 1600, 2000, 2500, 3000,
    ] {
        // `--bersih`: every killed build does the whole work (a warm cache would finish
        // before most kills) and rewrites the cache, so kills also land mid-way through
        // cache writes; the last build below reads whatever they left.
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_sopan"))
            .args(["build", "--quiet", "--bersih"])
            .current_dir(p.path())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(ms));
        let finished = child.try_wait().unwrap().is_some();
        if !finished {
            child.kill().unwrap();
            kills += 1;
        }
        child.wait().unwrap();
        let now = tree(&p.path().join("output"));
        assert!(
            now == before || now == after,
            "after a kill at {ms} ms the output is neither the previous nor the new one ({} files)",
            now.len()
        );
    }
    assert!(kills >= 3, "the builds were killed mid-way {kills} times");
    // The next build recovers from whatever a kill left (output and cache) and completes.
    let r = p.run(&["build", "--quiet"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(tree(&p.path().join("output")), after);
}

#[test]
fn a_build_killed_between_the_two_fallback_renames_is_put_right_by_the_next() {
    // Where folders cannot be exchanged in one step, the output is moved aside to `.output.lama`
    // and the new one renamed in; a kill between the two leaves only the one aside. The next
    // build must put it back before anything else, then replace it as usual.
    let p = Project::base();
    assert_eq!(p.run(&["build", "--quiet"]).code, 0);
    let fresh = tree(&p.path().join("output"));
    let aside = p.path().join(".output.lama");
    std::fs::rename(p.path().join("output"), &aside).unwrap();
    // Even a build that fails on content puts the previous output back.
    let sop = p.read("content/dinas/umum/surat-masuk.yaml");
    p.write("content/dinas/umum/surat-masuk.yaml", "nama: [\n");
    assert_eq!(p.run(&["build", "--quiet"]).code, 1);
    assert_eq!(tree(&p.path().join("output")), fresh);
    assert!(!aside.exists(), "the folder aside is back in place");
    // And a good build replaces it as usual, leaving no work folder.
    p.write("content/dinas/umum/surat-masuk.yaml", &sop);
    std::fs::rename(p.path().join("output"), &aside).unwrap();
    assert_eq!(p.run(&["build", "--quiet"]).code, 0);
    assert_eq!(tree(&p.path().join("output")), fresh);
    assert!(!aside.exists());
    assert!(!p.path().join(".output.baru").exists());
}
