//! Builds that scale (issue 21): `sopan build` writes its files to a staging folder as they are
//! made and swaps it in whole, links unchanged files from the previous output instead of
//! writing them again (never an edited one, never through a link), and `serve` starts from
//! the build cache such a build left.

use std::os::unix::fs::MetadataExt as _;
use std::path::Path;

use crate::serve::Served;
use crate::support::{Project, Run, stage_counts, tree};

fn ok(r: Run) -> Run {
    assert_eq!(r.code, 0, "{}", r.stderr);
    r
}

/// (files written, files linked) from the line of the last stage of `build`.
fn written_linked(r: &Run) -> (usize, usize) {
    stage_counts(&r.stderr, "memasang keluaran (")
}

fn ino(path: &Path) -> u64 {
    std::fs::metadata(path).unwrap().ino()
}

#[test]
fn a_build_failing_after_files_were_staged_leaves_the_old_output_and_no_staging_folder() {
    let p = Project::base();
    ok(p.run(&["build"]));
    let before = tree(&p.path().join("output"));
    // The open data is staged before the PDFs; a theme that does not compile then fails the
    // PDF stage, in threads and in worker processes alike.
    p.write("sopan.yaml", "judul: Uji Baru\ntema: rusak\n")
        .write("themes/rusak/typst/sop.typ", "#let x = (\n");
    for workers in ["0", "2"] {
        let r = p.run_env(&["build"], &[("SOPAN_PEKERJA", workers)]);
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert_eq!(tree(&p.path().join("output")), before);
        assert!(
            !p.path().join(".output.baru").exists(),
            "the staging folder of a failed build is deleted"
        );
    }
}

#[test]
fn a_warm_build_links_unchanged_files_and_is_byte_identical_to_a_cold_one() {
    let p = Project::example();
    let cold = ok(p.run(&["build"]));
    let (written, linked) = written_linked(&cold);
    assert_eq!(linked, 0, "{}", cold.stderr);
    let pdf = p
        .path()
        .join("output/tanah-laut-dinsos/sekretariat/surat-masuk.pdf");
    let pdf_ino = ino(&pdf);
    let warm = ok(p.run(&["build"]));
    assert_eq!(
        written_linked(&warm),
        (0, written),
        "nothing changed: every file linked\n{}",
        warm.stderr
    );
    assert_eq!(ino(&pdf), pdf_ino, "the unchanged PDF is the same file");
    ok(p.run(&["build", "--out", "bersih", "--bersih"]));
    assert_eq!(
        tree(&p.path().join("output")),
        tree(&p.path().join("bersih"))
    );
}

#[test]
fn an_edited_output_file_is_replaced_by_the_right_bytes() {
    let p = Project::example();
    ok(p.run(&["build"]));
    let out = p.path().join("output");
    let pdf = out.join("tanah-laut-dinsos/sekretariat/surat-masuk.pdf");
    let page = out.join("tanah-laut-dinsos/index.html");
    let (pdf_bytes, page_bytes) = (std::fs::read(&pdf).unwrap(), std::fs::read(&page).unwrap());
    // Edited in place: the PDF keeps its length (one byte flipped), the page grows.
    let mut flipped = pdf_bytes.clone();
    flipped[100] ^= 0x20;
    std::fs::OpenOptions::new()
        .write(true)
        .open(&pdf)
        .and_then(|mut f| std::io::Write::write_all(&mut f, &flipped))
        .unwrap();
    std::fs::write(&page, b"<p>diubah</p>").unwrap();
    let r = ok(p.run(&["build"]));
    assert!(written_linked(&r).0 >= 2, "{}", r.stderr);
    assert_eq!(std::fs::read(&pdf).unwrap(), pdf_bytes);
    assert_eq!(std::fs::read(&page).unwrap(), page_bytes);
}

#[test]
fn a_build_never_writes_through_a_link_to_the_previous_output() {
    let p = Project::base();
    ok(p.run(&["build"]));
    let pdf = p.path().join("output/dinas/umum/surat-masuk.pdf");
    ok(p.run(&["build"]));
    // Another name for the PDF the last build linked; then the SOP changes.
    let kept = p.path().join("simpanan.pdf");
    std::fs::hard_link(&pdf, &kept).unwrap();
    let old = std::fs::read(&kept).unwrap();
    let changed = crate::support::GOOD_SOP.replace("Menerima surat", "Menerima surat masuk");
    p.write("content/dinas/umum/surat-masuk.yaml", &changed);
    ok(p.run(&["build"]));
    assert_ne!(std::fs::read(&pdf).unwrap(), old, "the PDF was rebuilt");
    assert_eq!(
        std::fs::read(&kept).unwrap(),
        old,
        "the old file is untouched"
    );
}

#[test]
fn serve_after_a_cached_build_starts_from_the_cache_and_serves_the_same_bytes() {
    let p = Project::example();
    ok(p.run(&["build", "--quiet"]));
    let s = Served::start_env(&p, &[], &[("SOPAN_WAKTU", "1")]);
    let log = s.log();
    let line = log
        .lines()
        .find(|l| l.contains("PDF dan diagram SVG (Typst, "))
        .unwrap_or_else(|| panic!("no PDF stage line:\n{log}"));
    assert!(
        line.contains("(Typst, 0 disusun, "),
        "every document from the build cache: {line}"
    );
    s.assert_serves(&p.path().join("output"));
}

#[test]
fn a_save_serves_the_previous_book_whole_then_the_rejoined_one_with_its_page() {
    use sha2::Digest as _;
    let hex = |bytes: &[u8]| -> String {
        sha2::Sha256::digest(bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    };
    let p = Project::example();
    let s = Served::start(&p);
    let book = "/tanah-laut-dinsos/keputusan.pdf";
    let before = s.get_bytes(book);
    let g = s.generation();
    let sop = "content/tanah-laut-dinsos/sekretariat/surat-masuk.yaml";
    p.write(
        sop,
        &p.read(sop)
            .replace("nama: Surat Masuk", "nama: Surat Masuk Baru"),
    );
    // The save's pages first, with the previous book (whole, and named so by its page), then
    // the rejoined book in a generation of its own.
    let rejoined = crate::serve::wait_until(std::time::Duration::from_secs(120), || {
        s.log().contains("buku keputusan digabung ulang")
    });
    assert!(rejoined, "{}", s.log());
    assert!(s.generation() >= g + 2, "{}", s.log());
    let after = s.get_bytes(book);
    assert_ne!(after, before, "the book holds the changed SOP");
    let (_, page) = s.get("/tanah-laut-dinsos/");
    assert!(
        page.contains(&hex(&after)),
        "the instansi page names the book served"
    );
}
