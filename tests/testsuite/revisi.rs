//! Revisions for auditors: `sopan diff` between files, folders and git revisions; the history
//! and diff pages of the site; `sopan audit` and its page.

use std::path::Path;
use std::process::Command;

use crate::support::{GOOD_SOP, Project, tree};

/// The first link of `page` whose target contains `part`.
fn link_to(page: &str, part: &str) -> Option<String> {
    page.split("href=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap_or_default())
        .find(|h| h.contains(part))
        .map(str::to_string)
}

/// Runs git in `dir` with a fixed author, committer and date, so commit ids are stable.
fn git(dir: &Path, args: &[&str], date: &str) {
    git_dated(dir, args, date, date);
}

/// [`git`] with an author date apart from the committer date, as a rebase or a cherry-pick
/// leaves them.
fn git_dated(dir: &Path, args: &[&str], author: &str, committer: &str) {
    let status = Command::new("git")
        .args([
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "tag.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "Sekretariat")
        .env("GIT_AUTHOR_EMAIL", "sekretariat@example.go.id")
        .env("GIT_COMMITTER_NAME", "Sekretariat")
        .env("GIT_COMMITTER_EMAIL", "sekretariat@example.go.id")
        .env("GIT_AUTHOR_DATE", author)
        .env("GIT_COMMITTER_DATE", committer)
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}

const SOP_2023: &str = "\
nomor: 800/01/2024
nama: Surat Masuk
tanggal_revisi: 2023-05-01
pelaksana: [Pelayanan, Kasubbag]
langkah:
  - kegiatan: Menerima surat
    pelaksana: Pelayanan
    waktu: 5 menit
  - kegiatan: Memeriksa kelengkapan surat
    pelaksana: Pelayanan
    waktu: 5 menit
  - kegiatan: Mengagendakan surat
    pelaksana: Kasubbag
    waktu: 15 menit
";

const SURAT_KELUAR: &str = "\
nomor: 800/02/2024
nama: Surat Keluar
pelaksana: [Kasubbag]
langkah:
  - kegiatan: Menyusun konsep surat
    pelaksana: Kasubbag
    waktu: 30 menit
  - kegiatan: Mengirim surat
    pelaksana: Kasubbag
    waktu: 10 menit
";

/// The base project in a git repository with three commits: the 2022 decree (tagged
/// `kep-2022`), a 2023 revision of `surat-masuk`, and a 2024 commit adding `surat-keluar`.
fn three_commits() -> Project {
    let p = Project::base();
    let d = p.path();
    git(d, &["init", "-q"], "2022-07-01T09:00:00+08:00");
    git(d, &["add", "-A"], "2022-07-01T09:00:00+08:00");
    git(
        d,
        &["commit", "-q", "-m", "SOP 2022"],
        "2022-07-01T09:00:00+08:00",
    );
    git(d, &["tag", "kep-2022"], "2022-07-01T09:00:00+08:00");
    p.write("content/dinas/umum/surat-masuk.yaml", SOP_2023);
    git(
        d,
        &[
            "commit",
            "-q",
            "-am",
            "Revisi surat masuk: pemeriksaan kelengkapan",
        ],
        "2023-05-01T10:00:00+08:00",
    );
    p.write("content/dinas/umum/surat-keluar.yaml", SURAT_KELUAR);
    git(d, &["add", "-A"], "2024-02-01T10:00:00+08:00");
    git(
        d,
        &["commit", "-q", "-m", "SOP surat keluar"],
        "2024-02-01T10:00:00+08:00",
    );
    p
}

#[test]
fn diff_between_git_revisions_reports_steps_times_and_added_sops() {
    let p = three_commits();
    let r = p.run(&["diff", "kep-2022", "HEAD"]);
    assert_eq!(r.code, 1, "{r:?}");
    let out = &r.stdout;
    assert!(out.contains("Perbandingan SOP: kep-2022 ("), "{out}");
    assert!(
        out.contains("1 SOP berubah, 1 ditambah, 0 dihapus, 0 sama."),
        "{out}"
    );
    assert!(
        out.contains("+ SOP baru: dinas/umum/surat-keluar — Surat Keluar"),
        "{out}"
    );
    assert!(
        out.contains("+ langkah 2 (baru): Memeriksa kelengkapan surat"),
        "{out}"
    );
    assert!(
        out.contains("~ langkah 3 (dulu 2): Mengagendakan surat"),
        "{out}"
    );
    assert!(out.contains("Waktu: 10 menit → 15 menit"), "{out}");
    assert!(
        out.contains("Tanggal revisi: (kosong) → 01 Mei 2023"),
        "{out}"
    );
    assert!(out.contains("Total waktu: 15 menit → 25 menit"), "{out}");
    // The first step did not change and is not listed.
    assert!(!out.contains("Menerima surat"), "{out}");
}

#[test]
fn diff_of_one_sop_between_revisions_without_changes_exits_zero() {
    let p = three_commits();
    let r = p.run(&["diff", "HEAD~1", "HEAD", "--", "surat-masuk"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout.contains("Tidak ada perbedaan (1 SOP sama)."),
        "{}",
        r.stdout
    );
    let r = p.run(&["diff", "HEAD~1", "HEAD", "--", "tidak-ada"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr
            .contains("SOP `tidak-ada` tidak ada di kedua versi"),
        "{}",
        r.stderr
    );
}

#[test]
fn diff_against_the_working_copy_and_as_json() {
    let p = three_commits();
    p.write(
        "content/dinas/umum/surat-keluar.yaml",
        &SURAT_KELUAR.replace(
            "    pelaksana: Kasubbag\n    waktu: 10 menit",
            "    pelaksana: Kasubbag\n    waktu: 1 hari",
        ),
    );
    let r = p.run(&["diff", "HEAD", "--format", "json"]);
    assert_eq!(r.code, 1, "{r:?}");
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["baru"], "salinan kerja");
    let sop = &v["berubah"][0];
    assert_eq!(sop["id"], "dinas/umum/surat-keluar");
    let step = &sop["langkah"][1];
    assert_eq!(step["nasib"], "ubah");
    assert_eq!(step["kolom"][0]["kolom"], "Waktu");
    assert_eq!(step["kolom"][0]["lama"], "10 menit");
    assert_eq!(step["kolom"][0]["baru"], "1 hari");
    assert_eq!(sop["total_waktu"]["baru"], "1 hari 30 menit");
}

#[test]
fn diff_writes_a_side_by_side_html_report() {
    let p = three_commits();
    let r = p.run(&[
        "diff",
        "kep-2022",
        "HEAD",
        "--format",
        "html",
        "-o",
        "laporan.html",
    ]);
    assert_eq!(r.code, 1, "{r:?}");
    let html = p.read("laporan.html");
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("<html lang=\"id\">"));
    assert!(
        html.contains("<ins><span class=\"nomor\">2.</span> Memeriksa kelengkapan surat</ins>"),
        "{html}"
    );
    assert!(
        html.contains("<del>10</del> menit") && html.contains("<ins>15</ins> menit"),
        "{html}"
    );
    assert!(
        !html.contains("<link") && !html.contains("<script"),
        "self-contained, no scripts"
    );
}

#[test]
fn diff_of_two_files_and_bad_sides() {
    let p = Project::base();
    p.write("lama.yaml", GOOD_SOP).write(
        "baru.yaml",
        &GOOD_SOP
            .replace("[Pelayanan, Kasubbag]", "[Pelayanan, Kasubag Umum]")
            .replace("    pelaksana: Kasubbag\n", "    pelaksana: Kasubag Umum\n"),
    );
    let r = p.run(&["diff", "lama.yaml", "baru.yaml"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stdout.contains("~ Kasubbag → Kasubag Umum (ganti nama)"),
        "{}",
        r.stdout
    );
    assert!(
        !r.stdout.contains("Langkah"),
        "a rename changes no step: {}",
        r.stdout
    );
    assert_eq!(p.run(&["diff", "lama.yaml", "lama.yaml"]).code, 0);

    let r = p.run(&["diff", "v9", "HEAD"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr.contains("tidak berada di repositori git"),
        "{}",
        r.stderr
    );
    p.write("rusak.yaml", "nama: [\n");
    let r = p.run(&["diff", "lama.yaml", "rusak.yaml"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr.contains("rusak.yaml:"),
        "located error: {}",
        r.stderr
    );
}

#[test]
fn diff_of_two_project_folders_pairs_sops_by_id() {
    let old = Project::base();
    let new = Project::base();
    new.write("content/dinas/umum/surat-keluar.yaml", SURAT_KELUAR);
    new.write("content/dinas/umum/surat-masuk.yaml", SOP_2023);
    let r = new.run(&["diff", old.path().to_str().unwrap(), "."]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stdout
            .contains("1 SOP berubah, 1 ditambah, 0 dihapus, 0 sama."),
        "{}",
        r.stdout
    );
    let r = old.run(&["diff", new.path().to_str().unwrap(), "."]);
    assert!(
        r.stdout
            .contains("- SOP dihapus: dinas/umum/surat-keluar — Surat Keluar"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("- langkah 2 (lama): Memeriksa kelengkapan surat"),
        "{}",
        r.stdout
    );
}

#[test]
fn an_unknown_revision_is_a_clear_error() {
    let p = three_commits();
    let r = p.run(&["diff", "kep-2019", "HEAD"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr
            .contains("galat[git-revisi]: revisi git `kep-2019` tidak ditemukan"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("bantuan:"), "{}", r.stderr);
}

#[test]
fn the_site_lists_versions_with_tags_and_links_a_diff_page_per_version() {
    let p = three_commits();
    let r = p.run(&["build"]);
    assert_eq!(r.code, 0, "{r:?}");
    let page = p.read("output/dinas/umum/surat-masuk/index.html");
    assert!(page.contains("Riwayat perubahan"));
    assert_eq!(
        page.matches("class=\"versi-tanggal\"").count(),
        2,
        "two versions of surat-masuk"
    );
    assert!(
        page.contains("01 Mei 2023") && page.contains("01 Juli 2022"),
        "commit dates"
    );
    assert!(
        page.contains("<span class=\"label\">kep-2022</span>"),
        "the decree's tag"
    );
    assert!(page.contains("Revisi surat masuk: pemeriksaan kelengkapan"));
    assert!(page.contains("Tanggal revisi di versi ini: 01 Mei 2023."));
    let link = link_to(&page, "/riwayat/").expect("a link to the diff page");
    let diff = p.read(&format!("output{link}index.html"));
    assert!(
        diff.contains("<ins><span class=\"nomor\">2.</span> Memeriksa kelengkapan surat</ins>"),
        "{diff}"
    );
    assert!(
        diff.contains("<span class=\"label\">kep-2022</span>"),
        "compared with the tagged version"
    );
    let keluar = p.read("output/dinas/umum/surat-keluar/index.html");
    assert_eq!(keluar.matches("class=\"versi-tanggal\"").count(), 1);
    assert!(keluar.contains("Versi pertama."));
    assert!(!keluar.contains("/riwayat/"));
}

#[test]
fn two_clones_in_different_folders_build_byte_identical_sites() {
    // As two machines would: different absolute paths, built at different moments.
    let origin = three_commits();
    let url = format!("file://{}", origin.path().display());
    let (a, b) = (Project::empty(), Project::empty());
    git(
        a.path(),
        &["clone", "-q", &url, "klon-a"],
        "2024-03-01T00:00:00Z",
    );
    git(
        b.path(),
        &["clone", "-q", &url, "tempat/lain/klon-b"],
        "2024-03-01T00:00:00Z",
    );
    let (ra, rb) = (a.path().join("klon-a"), b.path().join("tempat/lain/klon-b"));
    assert_eq!(Project::run_in(&ra, &["build"]).code, 0);
    std::thread::sleep(std::time::Duration::from_millis(1100));
    assert_eq!(Project::run_in(&rb, &["build"]).code, 0);
    let (ta, tb) = (tree(&ra.join("output")), tree(&rb.join("output")));
    assert!(
        ta.iter().any(|(p, _)| p.contains("riwayat")),
        "history pages are compared too"
    );
    assert!(ta.len() > 20);
    assert_eq!(ta.len(), tb.len());
    for ((pa, ba), (pb, bb)) in ta.iter().zip(&tb) {
        assert_eq!(pa, pb);
        assert!(ba == bb, "{pa} differs between the clones");
    }
}

#[test]
fn without_git_or_in_a_shallow_clone_the_site_says_no_history() {
    let p = Project::base();
    assert_eq!(p.run(&["build"]).code, 0);
    let page = p.read("output/dinas/umum/surat-masuk/index.html");
    assert!(
        page.contains("Riwayat tidak tersedia: proyek ini tidak berada di repositori git."),
        "{page}"
    );

    let full = three_commits();
    let shallow = Project::empty();
    let url = format!("file://{}", full.path().display());
    git(
        shallow.path(),
        &["clone", "-q", "--depth", "1", &url, "klon"],
        "2024-03-01T00:00:00Z",
    );
    let r = crate::support::Project::run_in(&shallow.path().join("klon"), &["build"]);
    assert_eq!(r.code, 0, "{r:?}");
    let page = std::fs::read_to_string(
        shallow
            .path()
            .join("klon/output/dinas/umum/surat-masuk/index.html"),
    )
    .unwrap();
    assert!(
        page.contains("Riwayat tidak tersedia: repositori ini klon dangkal"),
        "{page}"
    );
}

#[test]
fn audit_flags_the_repealed_laws_the_tanah_laut_seed_cites() {
    let p = Project::example();
    let r = p.run(&["audit", "--per", "2024-01-01"]);
    assert_eq!(r.code, 1, "findings exit 1: {r:?}");
    let out = &r.stdout;
    for (law, at) in [
        ("UU 32/2004", "sekretariat/laporan-tahunan.yaml:6:5"),
        ("UU 12/2008", "sekretariat/penetapan-kinerja-utama.yaml:8:5"),
        (
            "Permendagri 13/2006",
            "sekretariat/penetapan-kinerja-utama.yaml:10:5",
        ),
        ("PP 3/2007", "sekretariat/penyusunan-lppd.yaml:7:5"),
    ] {
        let finding = format!("dasar hukum menyebut {law}, yang telah dicabut oleh");
        let pos = out
            .find(&finding)
            .unwrap_or_else(|| panic!("{law} flagged:\n{out}"));
        assert!(
            out[pos..].lines().nth(1).unwrap().ends_with(at),
            "{law} at {at}:\n{out}"
        );
    }
    // As of 2024 a 2022 SOP is not stale yet; as of 2026 it is.
    assert!(!out.contains("terakhir bertanggal 01 Juli 2022"), "{out}");
    let later = p.run(&["audit", "--per", "2026-11-29"]);
    assert!(
        later
            .stdout
            .contains("terakhir bertanggal 01 Juli 2022 (per 29 November 2026 lebih dari 2 tahun)")
    );
    // Other kinds seen in the example.
    assert!(
        out.contains("[Langkah tanpa waktu] langkah 8 tidak punya waktu"),
        "{out}"
    );
    assert!(
        out.contains(
            "[Kotak wajib kosong] kotak kosong: Dasar Hukum, Kualifikasi Pelaksana, Keterkaitan, \
             Peralatan/Perlengkapan, Peringatan, Pencatatan dan Pendataan"
        ),
        "{out}"
    );
}

#[test]
fn audit_reads_the_projects_own_list_and_reports_its_errors_located() {
    let p = Project::example();
    p.write(
        "peraturan-dicabut.yaml",
        "- dicabut: Permensos 14/2016\n  oleh: Peraturan Menteri Sosial Nomor 5 Tahun 2099\n",
    );
    let r = p.run(&["audit", "--format", "json", "--per", "2024-01-01"]);
    assert_eq!(r.code, 1, "{r:?}");
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let hits: Vec<&serde_json::Value> = v["temuan"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["pesan"].as_str().unwrap().contains("Permensos 14/2016"))
        .collect();
    assert!(hits.len() >= 4, "every SOP citing it: {hits:?}");
    assert!(hits.iter().all(|t| t["jenis"] == "dasar_hukum_dicabut"));

    p.write(
        "peraturan-dicabut.yaml",
        "- dicabut: Surat edaran\n  olehh: x\n",
    );
    let r = p.run(&["check"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stderr.contains("peraturan-dicabut.yaml:1:"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("maksud Anda `oleh`?"), "{}", r.stderr);
}

#[test]
fn the_site_has_an_audit_page_as_of_a_pinned_date() {
    let p = Project::example();
    let r = p.run_env(&["build"], &[("SOURCE_DATE_EPOCH", "1704067200")]);
    assert_eq!(r.code, 0, "{r:?}");
    let page = p.read("output/audit/index.html");
    assert!(page.contains("Keadaan per 01 Januari 2024"), "{page}");
    assert!(page.contains("dasar hukum menyebut PP 3/2007"));
    assert!(page.contains("href=\"/tanah-laut-dinsos/sekretariat/penyusunan-lppd/\""));
    assert!(
        p.read("output/index.html").contains("href=\"/audit/\""),
        "linked from the footer"
    );
}

#[test]
fn a_real_browser_reads_the_history_diff_and_audit_pages() {
    let Some(chromium) = crate::site::browser() else {
        return;
    };
    let p = three_commits();
    let hostile = SURAT_KELUAR.replace(
        "kegiatan: Mengirim surat",
        "kegiatan: \"Mengirim surat <script>alert(1)</script> #set page(width: 1cm) <b>tebal</b>\"",
    );
    p.write("content/dinas/umum/surat-keluar.yaml", &hostile);
    git(
        p.path(),
        &["commit", "-q", "-am", "Ubah surat keluar"],
        "2024-06-01T10:00:00+08:00",
    );
    assert_eq!(p.run(&["build"]).code, 0);
    let page = p.read("output/dinas/umum/surat-keluar/index.html");
    let diff_url = link_to(&page, "/riwayat/").expect("a diff page for the changed SOP");
    let expectations = serde_json::json!({
        "searches": [],
        "literal": {
            "url": diff_url,
            "texts": ["<script>alert(1)</script>", "#set page(width: 1cm)", "<b>tebal</b>"],
        },
        "axe": [diff_url, "/dinas/umum/surat-masuk/", "/audit/"],
        "screens": { "perubahan": diff_url, "audit": "/audit/" },
    });
    crate::site::run_site_checks(&chromium, &p.path().join("output"), &expectations);
}

#[test]
fn a_new_kepala_shows_as_a_new_signer_of_sops_that_name_none() {
    let p = three_commits();
    let head = p.read("content/dinas/_instansi.yaml");
    p.write(
        "content/dinas/_instansi.yaml",
        &head.replace("nama: Budi, S.Sos", "nama: Sari, S.H."),
    );
    git(
        p.path(),
        &["commit", "-q", "-am", "Kepala dinas baru"],
        "2025-01-02T10:00:00+08:00",
    );
    let r = p.run(&["diff", "HEAD~1", "HEAD"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stdout
            .contains("Disahkan oleh: nama: Budi, S.Sos → Sari, S.H."),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("2 SOP berubah"),
        "both SOPs are signed by the kepala: {}",
        r.stdout
    );
}

/// The first seven hex digits of the commit `rev` names in `dir`.
fn short(dir: &Path, rev: &str) -> String {
    let out = Command::new("git")
        .args(["rev-parse", "--short=7", rev])
        .current_dir(dir)
        .output()
        .expect("git runs");
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// Runs `sopan ARGS` in `dir` with `TMPDIR` set to `tmp` and no file it writes allowed over
/// 1 MiB (`ulimit -f 2048`: 512- or 1024-byte blocks, by shell): writing a bigger one kills it.
fn run_small_files(dir: &Path, tmp: &Path, args: &[&str]) -> crate::support::Run {
    let out = Command::new("sh")
        .arg("-c")
        .arg("ulimit -f 2048 && exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_sopan"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("TMPDIR", tmp)
        .output()
        .unwrap();
    crate::support::Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

/// Every file under `dir` as text, for "this never appears anywhere" checks.
fn all_text(dir: &Path) -> String {
    tree(dir)
        .into_iter()
        .map(|(_, bytes)| String::from_utf8_lossy(&bytes).into_owned())
        .collect()
}

#[test]
fn an_oversized_old_version_is_skipped_by_history_and_diff_never_read_nor_written() {
    let p = three_commits();
    let d = p.path();
    // 5 MB, well over the 1 MiB content limit, a few kB once compressed in git.
    let big = "ISI-BESAR-BUKAN-SOP\n".repeat(5 * 1024 * 1024 / 20);
    p.write("content/dinas/umum/surat-masuk.yaml", &big);
    git(
        d,
        &["commit", "-q", "-am", "Tempel berkas besar"],
        "2024-03-01T10:00:00+08:00",
    );
    p.write("content/dinas/umum/surat-masuk.yaml", SOP_2023);
    git(
        d,
        &["commit", "-q", "-am", "Pulihkan surat masuk"],
        "2024-03-02T10:00:00+08:00",
    );
    let warning = format!(
        "peringatan: versi `content/dinas/umum/surat-masuk.yaml` di revisi {} terlalu besar \
         (5.0 MB; batasnya 1 MB) dan dilewati",
        short(d, "HEAD~1")
    );

    let r = p.run(&["build"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stderr.contains(&warning), "{}", r.stderr);
    let page = p.read("output/dinas/umum/surat-masuk/index.html");
    assert!(
        page.contains("Tempel berkas besar"),
        "the commit is still listed"
    );
    assert!(!all_text(&d.join("output")).contains("ISI-BESAR"));

    let tmp = tempfile::tempdir().unwrap();
    let r = run_small_files(d, tmp.path(), &["diff", "HEAD~1", "HEAD"]);
    assert_eq!(r.code, 1, "not killed for writing the blob: {r:?}");
    assert!(r.stderr.contains(&warning), "{}", r.stderr);
    assert!(
        r.stdout
            .contains("+ SOP baru: dinas/umum/surat-masuk — Surat Masuk"),
        "the skipped version counts as absent: {}",
        r.stdout
    );
    assert!(!r.stdout.contains("ISI-BESAR") && !r.stderr.contains("ISI-BESAR"));
    assert_eq!(
        std::fs::read_dir(tmp.path()).unwrap().count(),
        0,
        "nothing left in TMPDIR"
    );

    // The kepala of an old version is read with the same limit.
    let head = p.read("content/dinas/_instansi.yaml");
    p.write("content/dinas/_instansi.yaml", &big);
    p.write(
        "content/dinas/umum/surat-keluar.yaml",
        &SURAT_KELUAR.replace("30 menit", "45 menit"),
    );
    git(
        d,
        &["commit", "-q", "-am", "Kepala besar"],
        "2024-04-01T10:00:00+08:00",
    );
    p.write("content/dinas/_instansi.yaml", &head);
    git(
        d,
        &["commit", "-q", "-am", "Pulihkan kepala"],
        "2024-04-02T10:00:00+08:00",
    );
    let r = p.run(&["build"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stderr.contains(&format!(
            "peringatan: versi `content/dinas/_instansi.yaml` di revisi {} terlalu besar",
            short(d, "HEAD~1")
        )),
        "{}",
        r.stderr
    );
    assert!(!all_text(&d.join("output")).contains("ISI-BESAR"));
}

#[test]
fn a_committed_symlink_is_never_followed_by_history_or_diff() {
    let p = three_commits();
    let d = p.path();
    // A valid SOP outside the project, which a followed link would show.
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("rahasia.yaml");
    std::fs::write(&secret, SOP_2023.replace("Surat Masuk", "RAHASIA DI LUAR")).unwrap();
    let sop = d.join("content/dinas/umum/surat-masuk.yaml");
    std::fs::remove_file(&sop).unwrap();
    std::os::unix::fs::symlink(&secret, &sop).unwrap();
    std::os::unix::fs::symlink(outside.path(), d.join("content/dinas/luar")).unwrap();
    git(d, &["add", "-A"], "2024-03-01T10:00:00+08:00");
    git(
        d,
        &["commit", "-q", "-m", "Tautan ke luar"],
        "2024-03-01T10:00:00+08:00",
    );
    std::fs::remove_file(&sop).unwrap();
    std::fs::remove_file(d.join("content/dinas/luar")).unwrap();
    p.write("content/dinas/umum/surat-masuk.yaml", SOP_2023);
    git(d, &["add", "-A"], "2024-03-02T10:00:00+08:00");
    git(
        d,
        &["commit", "-q", "-m", "Hapus tautan"],
        "2024-03-02T10:00:00+08:00",
    );
    let rev = short(d, "HEAD~1");
    let warning = |path: &str| {
        format!("peringatan: versi `{path}` di revisi {rev} adalah tautan simbolik dan dilewati")
    };

    let r = p.run(&["build"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stderr
            .contains(&warning("content/dinas/umum/surat-masuk.yaml")),
        "{}",
        r.stderr
    );
    assert!(!all_text(&d.join("output")).contains("RAHASIA"));

    let r = p.run(&["diff", "HEAD~1", "HEAD"]);
    assert_eq!(r.code, 1, "{r:?}");
    for path in ["content/dinas/luar", "content/dinas/umum/surat-masuk.yaml"] {
        assert!(r.stderr.contains(&warning(path)), "{}", r.stderr);
    }
    assert!(!r.stdout.contains("RAHASIA") && !r.stderr.contains("RAHASIA"));
}

#[test]
fn diff_of_an_unknown_sop_is_an_error_even_when_each_side_holds_one() {
    let p = three_commits();
    // Both revisions hold only `surat-masuk`, which used to be compared whatever was named.
    let r = p.run(&["diff", "kep-2022", "HEAD~1", "--", "tidak-ada"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert_eq!(r.stdout, "");
    assert_eq!(
        r.stderr,
        "galat[banding-sop]: SOP `tidak-ada` tidak ada di kedua versi\n  = bantuan: sebutkan id SOP \
         (`instansi/bidang/slug`), `bidang/slug`, slug, atau path berkasnya\n"
    );
    let r = p.run(&["diff", "kep-2022", "HEAD~1", "--", "umum/surat-masukk"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert_eq!(
        r.stderr,
        "galat[banding-sop]: SOP `umum/surat-masukk` tidak ada di kedua versi\n  = bantuan: maksud Anda \
         `umum/surat-masuk`?\n"
    );
    let r = p.run(&[
        "diff",
        "kep-2022",
        "HEAD",
        "--",
        "surat-masuk",
        "content/dinas/umum/surat-kluar.yaml",
    ]);
    assert_eq!(r.code, 2, "{r:?}");
    assert_eq!(
        r.stderr,
        "galat[banding-sop]: SOP `content/dinas/umum/surat-kluar.yaml` tidak ada di kedua versi\n  = bantuan: \
         maksud Anda `content/dinas/umum/surat-keluar.yaml`?\n"
    );
    // Named SOPs that exist still compare.
    let r = p.run(&["diff", "kep-2022", "HEAD~1", "--", "surat-masuk"]);
    assert_eq!(r.code, 1, "{r:?}");
}

#[test]
fn history_last_update_and_recent_revisions_are_dated_by_author_not_committer() {
    let p = Project::base();
    let d = p.path();
    git(d, &["init", "-q"], "2022-07-01T09:00:00+08:00");
    git(d, &["add", "-A"], "2022-07-01T09:00:00+08:00");
    git(
        d,
        &["commit", "-q", "-m", "SOP 2022"],
        "2022-07-01T09:00:00+08:00",
    );
    // Written on 15 March 2025, rebased onto main on 9 September 2025.
    p.write("content/dinas/umum/surat-masuk.yaml", SOP_2023);
    git_dated(
        d,
        &["commit", "-q", "-am", "Revisi surat masuk"],
        "2025-03-15T10:00:00+08:00",
        "2025-09-09T10:00:00+08:00",
    );
    // An SOP whose written date is later than its commit: the later one is its last update.
    p.write(
        "content/dinas/umum/surat-keluar.yaml",
        &format!("tanggal_revisi: 2026-01-05\n{SURAT_KELUAR}"),
    );
    git(d, &["add", "-A"], "2025-10-01T10:00:00+08:00");
    git(
        d,
        &["commit", "-q", "-m", "SOP surat keluar"],
        "2025-10-01T10:00:00+08:00",
    );
    let r = p.run(&["build"]);
    assert_eq!(r.code, 0, "{r:?}");

    let page = p.read("output/dinas/umum/surat-masuk/index.html");
    assert!(
        page.contains("<span class=\"versi-tanggal\">15 Maret 2025</span>"),
        "{page}"
    );
    assert!(
        !page.contains("09 September 2025"),
        "the committer date is not shown"
    );
    assert!(
        page.contains(
            "<p class=\"diperbarui\">Terakhir diperbarui: <time datetime=\"2025-03-15\">15 Maret 2025</time></p>"
        ),
        "the commit is later than the written 2023-05-01: {page}"
    );
    let keluar = p.read("output/dinas/umum/surat-keluar/index.html");
    assert!(
        keluar.contains("<time datetime=\"2026-01-05\">05 Januari 2026</time>"),
        "the written date is later than the commit: {keluar}"
    );

    // The home page's recent revisions come from git: newest commit first, by author date.
    let home = p.read("output/index.html");
    let recent = home
        .split("id=\"judul-terbaru\"")
        .nth(1)
        .expect("Revisi terbaru");
    let keluar_at = recent.find("Surat Keluar").expect("surat keluar listed");
    let masuk_at = recent.find("Surat Masuk").expect("surat masuk listed");
    assert!(keluar_at < masuk_at, "{recent}");
    assert!(recent.contains("diubah 15 Maret 2025"), "{recent}");
    assert!(recent.contains("diubah 01 Oktober 2025"), "{recent}");
    assert!(!recent.contains("September"), "{recent}");

    // Without git, the recent revisions come from the dates written in the content.
    std::fs::remove_dir_all(d.join(".git")).unwrap();
    assert_eq!(p.run(&["build", "--quiet"]).code, 0);
    let home = p.read("output/index.html");
    let recent = home
        .split("id=\"judul-terbaru\"")
        .nth(1)
        .expect("Revisi terbaru");
    assert!(recent.contains("direvisi 05 Januari 2026"), "{recent}");
    assert!(recent.contains("direvisi 01 Mei 2023"), "{recent}");
}
