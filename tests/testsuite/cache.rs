//! The build cache of `sopan build` (`.sopan/cache/`): a warm build writes the same bytes as
//! a clean one, compiles only what changed, distrusts damaged entries, follows the theme, and
//! stays out of the output, the search index and git.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::pdf::pdf_text;
use crate::support::{Project, Run, stage_counts, tree};

/// The line of the PDF stage: "PDF dan diagram SVG (Typst, N disusun, M dari cache): … ms".
fn pdf_counts(r: &Run) -> (usize, usize) {
    let counts = stage_counts(&r.stderr, "PDF dan diagram SVG (Typst, ");
    assert!(
        r.stderr.contains(&format!(
            "(Typst, {} disusun, {} dari cache)",
            counts.0, counts.1
        )),
        "{}",
        r.stderr
    );
    counts
}

/// The same for the decree books' stage.
fn book_counts(r: &Run) -> (usize, usize) {
    stage_counts(&r.stderr, "buku keputusan (digabung dari PDF SOP, ")
}

fn ok(r: Run) -> Run {
    assert_eq!(r.code, 0, "{}", r.stderr);
    r
}

/// How many SOPs the build in `out` has.
fn sops_in(p: &Project, out: &str) -> usize {
    let index: serde_json::Value =
        serde_json::from_str(&p.read(&format!("{out}/data.json"))).unwrap();
    index["jumlah_sop"].as_u64().unwrap() as usize
}

fn entries(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir.join("dokumen"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    v.sort();
    v
}

#[test]
fn a_warm_cache_writes_the_same_bytes_as_a_clean_build() {
    let p = Project::example();
    let cold = ok(p.run(&["build", "--out", "a"]));
    let sops = sops_in(&p, "a");
    assert!(sops >= 24);
    assert_eq!(pdf_counts(&cold), (sops, 0));
    assert_eq!(book_counts(&cold), (1, 0));
    let warm = ok(p.run(&["build", "--out", "b"]));
    assert_eq!(pdf_counts(&warm), (0, sops), "{}", warm.stderr);
    assert_eq!(book_counts(&warm), (0, 1), "{}", warm.stderr);
    let clean = ok(p.run(&["build", "--out", "c", "--bersih"]));
    assert_eq!(pdf_counts(&clean), (sops, 0));
    assert_eq!(book_counts(&clean), (1, 0));
    let (a, b, c) = (
        tree(&p.path().join("a")),
        tree(&p.path().join("b")),
        tree(&p.path().join("c")),
    );
    assert!(a.iter().filter(|(p, _)| p.ends_with(".pdf")).count() > sops);
    assert!(a == b, "a warm build differs from the cold one");
    assert!(b == c, "a warm build differs from a --bersih one");
    // One entry per SOP, one for the book and one for the search index (one part at this
    // size): nothing else is kept.
    assert_eq!(entries(&p.path().join(".sopan/cache")).len(), sops + 2);
}

#[test]
fn an_edited_sop_alone_is_compiled_again() {
    let p = Project::example();
    ok(p.run(&["build"]));
    let sops = p.built_sops().len();
    let id = "tanah-laut-dinsos/sekretariat/surat-masuk";
    let file = format!("content/{id}.yaml");
    let before = pdf_text(&p.path().join(format!("output/{id}.pdf")));
    assert!(!before.contains("Kuncicache"));
    let text = p.read(&file);
    let edited = text.replacen("- kegiatan: ", "- kegiatan: Kuncicache ", 1);
    assert_ne!(text, edited, "the SOP has steps");
    p.write(&file, &edited);
    let r = ok(p.run(&["build"]));
    // The edited SOP and its instansi's book, whose SOP part changed; nothing else.
    assert_eq!(pdf_counts(&r), (1, sops - 1), "{}", r.stderr);
    assert_eq!(book_counts(&r), (1, 0), "{}", r.stderr);
    let after = pdf_text(&p.path().join(format!("output/{id}.pdf")));
    assert!(after.contains("Kuncicache"), "{after}");
    let clean = ok(p.run(&["build", "--out", "bersih", "--bersih"]));
    assert_eq!(pdf_counts(&clean), (sops, 0));
    assert!(tree(&p.path().join("output")) == tree(&p.path().join("bersih")));
}

/// Each build fills the output before the previous one again (kept as `.output.daur`): after
/// edits, a removed SOP and builds in a row, the output is exactly a clean build's.
#[test]
fn builds_in_a_row_after_edits_make_exactly_what_a_clean_build_makes() {
    let p = Project::example();
    ok(p.run(&["build"]));
    let id = "tanah-laut-dinsos/sekretariat/surat-masuk";
    let file = format!("content/{id}.yaml");
    for word in ["Satu", "Dua", "Tiga"] {
        let text = p.read(&file);
        p.write(
            &file,
            &text.replacen("- kegiatan: ", &format!("- kegiatan: {word} "), 1),
        );
        ok(p.run(&["build"]));
        assert!(p.path().join(".output.daur/.sopan-output").exists());
    }
    let (gone, _) = p
        .built_sops()
        .into_iter()
        .rev()
        .find(|(s, _)| s != id)
        .unwrap();
    std::fs::remove_file(p.path().join(format!("content/{gone}.yaml"))).unwrap();
    ok(p.run(&["build"]));
    assert!(!p.path().join(format!("output/{gone}.pdf")).exists());
    ok(p.run(&["build", "--out", "bersih", "--bersih"]));
    assert!(tree(&p.path().join("output")) == tree(&p.path().join("bersih")));
}

/// A rebuild takes the kept output over while the content loads; a build refused for its
/// content gives it back: the output and the kept tree stay as they were, no staging folder is
/// left, and the next good build is still exactly a clean build.
#[test]
fn a_refused_rebuild_gives_the_kept_output_back() {
    let p = Project::example();
    ok(p.run(&["build"]));
    ok(p.run(&["build"]));
    let kept = p.path().join(".output.daur");
    assert!(kept.join(".sopan-output").exists());
    let (output, kept_files) = (tree(&p.path().join("output")), tree(&kept));
    let file = "content/tanah-laut-dinsos/sekretariat/surat-masuk.yaml";
    let text = p.read(file);
    p.write(file, &text.replacen("\nnama: ", "\nnamaa: ", 1));
    let r = p.run(&["build"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("namaa"), "{}", r.stderr);
    assert!(tree(&p.path().join("output")) == output);
    assert!(
        tree(&kept) == kept_files,
        "the kept output is given back whole"
    );
    assert!(!p.path().join(".output.baru").exists());
    p.write(file, &text);
    ok(p.run(&["build"]));
    ok(p.run(&["build", "--out", "bersih", "--bersih"]));
    assert!(tree(&p.path().join("output")) == tree(&p.path().join("bersih")));
}

/// Replaces `path` with `bytes` as a new file: a blob of the cache is also the output's file
/// (one file, two names), and damage written in place would change the output too.
fn replace(path: &Path, bytes: &[u8]) {
    let tmp = path.with_extension("uji");
    std::fs::write(&tmp, bytes).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

/// The blob of the build cache holding the bytes of `file`.
fn blob_of(cache: &Path, file: &Path) -> PathBuf {
    use sha2::Digest as _;
    let sha = sha2::Sha256::digest(std::fs::read(file).unwrap());
    let name: String = sha.iter().map(|b| format!("{b:02x}")).collect();
    cache.join("isi").join(name)
}

#[test]
fn damaged_and_foreign_entries_are_ignored_with_a_warning() {
    let p = Project::example();
    ok(p.run(&["build", "--out", "a"]));
    let cache = p.path().join(".sopan/cache");
    let pdfs: Vec<String> = tree(&p.path().join("a"))
        .into_iter()
        .map(|(path, _)| path)
        .filter(|path| path.ends_with(".pdf") && !path.ends_with("keputusan.pdf"))
        .take(3)
        .collect();
    assert_eq!(pdfs.len(), 3);
    let out = |k: usize| p.path().join("a").join(&pdfs[k]);
    // A flipped byte in one SOP's PDF blob, the tail of another's cut off, a third SOP's
    // entry replaced by another program's file.
    let (flipped, cut) = (blob_of(&cache, &out(0)), blob_of(&cache, &out(1)));
    let mut bytes = std::fs::read(&flipped).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x20;
    replace(&flipped, &bytes);
    let whole = std::fs::read(&cut).unwrap();
    replace(&cut, &whole[..whole.len() / 3]);
    let foreign = entries(&cache)
        .into_iter()
        .find(|e| {
            std::fs::read(e)
                .unwrap()
                .windows(pdfs[2].len())
                .any(|w| w == pdfs[2].as_bytes())
        })
        .unwrap();
    replace(&foreign, b"bukan entri cache\n");
    let r = ok(p.run(&["build", "--out", "b"]));
    for (named, why) in [
        (&flipped, "checksum tidak cocok"),
        (&cut, "panjangnya salah"),
        (&foreign, "penanda awal salah"),
    ] {
        let name = named.file_name().unwrap().to_string_lossy().to_string();
        let line = r
            .stderr
            .lines()
            .find(|l| l.contains(&name))
            .unwrap_or_else(|| panic!("no warning for {name}:\n{}", r.stderr));
        assert!(
            line.starts_with("peringatan: entri cache `") && line.contains("diabaikan"),
            "{line}"
        );
        assert!(line.contains(why), "{line}");
    }
    // Each damaged document was compiled again, and nothing else.
    let (sops, hits) = pdf_counts(&r);
    assert_eq!(sops, 3, "{}", r.stderr);
    assert_eq!(book_counts(&r), (0, 1), "{}", r.stderr);
    assert_eq!(hits + sops, sops_in(&p, "b"));
    assert!(tree(&p.path().join("a")) == tree(&p.path().join("b")));
    // The entries and blobs were written again: the next build is quiet and compiles nothing.
    let again = ok(p.run(&["build", "--out", "c"]));
    assert!(!again.stderr.contains("entri cache"), "{}", again.stderr);
    assert_eq!(pdf_counts(&again).0, 0);
}

#[test]
fn a_cold_build_writes_each_document_once_and_bersih_rewrites_nothing_unchanged() {
    use std::os::unix::fs::MetadataExt as _;
    let p = Project::example();
    ok(p.run(&["build"]));
    let cache = p.path().join(".sopan/cache");
    let pdf = p
        .path()
        .join("output/tanah-laut-dinsos/sekretariat/surat-masuk.pdf");
    let ino = |f: &Path| std::fs::metadata(f).unwrap().ino();
    // The cache holds the output's very file, not a copy.
    assert_eq!(ino(&blob_of(&cache, &pdf)), ino(&pdf));
    let before = ino(&pdf);
    // `--bersih` compiles everything again; the same bytes are linked, not written.
    let r = ok(p.run(&["build", "--bersih"]));
    assert_eq!(pdf_counts(&r).1, 0, "{}", r.stderr);
    assert_eq!(
        stage_counts(&r.stderr, "memasang keluaran (").0,
        0,
        "{}",
        r.stderr
    );
    assert_eq!(ino(&pdf), before);
    // An output file edited in place also changed the cache's blob: neither is trusted.
    let mut bytes = std::fs::read(&pdf).unwrap();
    let good = bytes.clone();
    bytes[200] ^= 0x20;
    std::fs::OpenOptions::new()
        .write(true)
        .open(&pdf)
        .and_then(|mut f| std::io::Write::write_all(&mut f, &bytes))
        .unwrap();
    let r = ok(p.run(&["build"]));
    assert_eq!(pdf_counts(&r).0, 1, "{}", r.stderr);
    assert_eq!(std::fs::read(&pdf).unwrap(), good);
    assert_ne!(
        ino(&pdf),
        before,
        "written afresh, never through the edited file"
    );
}

#[test]
fn another_theme_compiles_every_document_again() {
    let p = Project::base();
    ok(p.run(&["build"]));
    let pdf = p.path().join("output/dinas/umum/surat-masuk.pdf");
    let template =
        std::fs::read_to_string(crate::support::repo_root().join("themes/default/typst/sop.typ"))
            .unwrap();
    let changed = template.replace(
        "#set document(title: d.sop.nama,",
        "#set document(title: d.sop.nama + \" (tema merah)\",",
    );
    assert_ne!(template, changed);
    p.write("themes/merah/typst/sop.typ", &changed)
        .write("sopan.yaml", "judul: Uji\ntema: merah\n");
    let r = ok(p.run(&["build"]));
    assert_eq!(pdf_counts(&r), (1, 0), "{}", r.stderr);
    assert!(pdf_title(&pdf).contains("(tema merah)"));
    // Back to the default theme: compiled again, not the red one's entry (it was dropped).
    p.write("sopan.yaml", "judul: Uji\n");
    let r = ok(p.run(&["build"]));
    assert_eq!(pdf_counts(&r), (1, 0), "{}", r.stderr);
    assert!(!pdf_title(&pdf).contains("(tema merah)"));
}

/// A page is taken from the previous output only when its template and data are unchanged:
/// an edited template renders every page again, and going back renders them back.
#[test]
fn an_edited_template_renders_every_page_again() {
    let p = Project::base();
    ok(p.run(&["build"]));
    let pages = |p: &Project| -> Vec<(String, bool)> {
        tree(&p.path().join("output"))
            .into_iter()
            .filter(|(path, _)| path.ends_with(".html"))
            .map(|(path, bytes)| {
                let marked = String::from_utf8_lossy(&bytes).contains("<!-- tema merah -->");
                (path, marked)
            })
            .collect()
    };
    assert!(pages(&p).iter().all(|(_, marked)| !marked));
    let base = std::fs::read_to_string(
        crate::support::repo_root().join("themes/default/templates/base.html"),
    )
    .unwrap();
    let changed = base.replacen("</head>", "<!-- tema merah --></head>", 1);
    assert_ne!(base, changed);
    p.write("themes/merah/templates/base.html", &changed)
        .write("sopan.yaml", "judul: Uji\ntema: merah\n");
    ok(p.run(&["build"]));
    let marked = pages(&p);
    assert!(marked.len() > 5, "{marked:?}");
    let unmarked: Vec<&String> = marked.iter().filter(|(_, m)| !m).map(|(p, _)| p).collect();
    // The staff guide's pages too come from the theme's base template.
    assert!(
        unmarked.is_empty(),
        "pages not rendered again: {unmarked:?}"
    );
    p.write("sopan.yaml", "judul: Uji\n");
    ok(p.run(&["build"]));
    assert!(pages(&p).iter().all(|(_, marked)| !marked));
}

fn pdf_title(pdf: &Path) -> String {
    let out = Command::new("pdfinfo").arg(pdf).output().unwrap();
    let info = String::from_utf8_lossy(&out.stdout).to_string();
    info.lines()
        .find(|l| l.starts_with("Title:"))
        .unwrap_or_else(|| panic!("{info}"))
        .to_string()
}

#[test]
fn entries_of_removed_sops_are_dropped() {
    let p = Project::base();
    p.write("content/dinas/umum/lain.yaml", crate::support::GOOD_SOP);
    ok(p.run(&["build"]));
    let cache = p.path().join(".sopan/cache");
    // Two SOPs and the search index.
    assert_eq!(entries(&cache).len(), 3);
    std::fs::remove_file(p.path().join("content/dinas/umum/lain.yaml")).unwrap();
    let r = ok(p.run(&["build"]));
    assert_eq!(pdf_counts(&r), (0, 1));
    // One SOP and the search index, made again without the removed SOP.
    assert_eq!(entries(&cache).len(), 2);
}

#[test]
fn the_cache_stays_out_of_the_output_the_search_index_and_git() {
    let p = Project::empty();
    ok(p.run(&["init"]));
    let git = |args: &[&str]| {
        let out = Command::new("git")
            .args(args)
            .current_dir(p.path())
            .env("GIT_AUTHOR_NAME", "Uji")
            .env("GIT_AUTHOR_EMAIL", "uji@contoh.go.id")
            .env("GIT_COMMITTER_NAME", "Uji")
            .env("GIT_COMMITTER_EMAIL", "uji@contoh.go.id")
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    git(&["init", "-q"]);
    ok(p.run(&["build"]));
    ok(p.run(&["build"]));
    assert!(!entries(&p.path().join(".sopan/cache")).is_empty());
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "awal"]);
    let tracked = git(&["ls-files"]);
    assert!(!tracked.contains(".sopan/cache"), "{tracked}");
    // The editor's schemas beside it are the project's.
    assert!(tracked.contains(".sopan/skema/sop.json"), "{tracked}");
    assert!(tracked.contains("content/"), "{tracked}");
    // The cache ignores itself too, wherever `--cache` puts it.
    ok(p.run(&["build", "--cache", "cache-lain"]));
    assert!(!entries(&p.path().join("cache-lain")).is_empty());
    git(&["add", "-A"]);
    assert!(!git(&["status", "--porcelain"]).contains("cache-lain"));
    // Nothing of the cache reaches the output: no path, and no entry's key or header in a
    // page, the open data, the search index or the history (the staff guide does mention the
    // folder: it documents it).
    let keys: Vec<String> = entries(&p.path().join(".sopan/cache"))
        .iter()
        .map(|e| e.file_stem().unwrap().to_string_lossy().to_string())
        .collect();
    let out = tree(&p.path().join("output"));
    let sops = p.built_sops().len();
    assert!(sops >= 1);
    for (path, bytes) in &out {
        assert!(
            !path.contains(".sopan/") && !path.contains("dokumen/"),
            "{path}"
        );
        if path.ends_with(".pdf") {
            continue;
        }
        let text = String::from_utf8_lossy(bytes);
        assert!(!text.contains("SOPAN-CACHE"), "{path}");
        for key in &keys {
            assert!(!text.contains(&key[..16]), "{path}");
        }
    }
    let index: serde_json::Value = serde_json::from_str(&p.read("output/data.json")).unwrap();
    assert_eq!(index["jumlah_sop"], sops);
}

#[test]
fn a_cache_inside_the_content_or_the_output_is_refused() {
    let p = Project::base();
    for (dir, why) in [
        ("content/cache", "berada di dalam `content/`"),
        ("output/cache", "bertumpang tindih dengan folder keluaran"),
    ] {
        let r = p.run(&["build", "--cache", dir]);
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert!(r.stderr.contains(why), "{}", r.stderr);
        assert!(!p.path().join(dir).exists());
    }
}
