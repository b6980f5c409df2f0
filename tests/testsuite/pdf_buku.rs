//! The decree book: cover, daftar isi, KEDUA, LAMPIRAN and its signature; waktu as printed.

use std::path::Path;
use std::process::Command;

use serde_json::{Map, Value};

use crate::pdf::{page_count, page_text, pdf_text, squash};
use crate::support::Project;

pub(crate) const BOOK: &str = "output/tanah-laut-dinsos/keputusan.pdf";

/// The example built once per test that needs it.
pub(crate) fn built_example() -> Project {
    let p = Project::example();
    let r = p.run(&["build", "--quiet"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    p
}

/// Every object of `path` through qpdf's JSON, by reference ("12 0 R"), and the pages in order.
pub(crate) fn objects(path: &Path) -> (Map<String, Value>, Vec<String>) {
    let out = Command::new("qpdf")
        .args(["--json=2", "--json-key=pages", "--json-key=qpdf"])
        .arg(path)
        .output()
        .expect("qpdf (Debian package qpdf) reads the book's objects");
    let j: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut map = Map::new();
    for (k, v) in j["qpdf"][1].as_object().unwrap() {
        let key = k.strip_prefix("obj:").unwrap_or(k).to_string();
        // A stream's dictionary stands for the stream.
        let value = v
            .get("value")
            .cloned()
            .or_else(|| v["stream"].get("dict").cloned())
            .unwrap_or(Value::Null);
        map.insert(key, value);
    }
    let pages = j["pages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["object"].as_str().unwrap().to_string())
        .collect();
    (map, pages)
}

/// The link annotations of page `page` (from 1) as (rectangle, page opened from 1), through
/// qpdf's JSON (objects and the page list).
pub(crate) fn links(path: &Path, page: usize) -> Vec<([f64; 4], usize)> {
    let (objects, pages) = objects(path);
    let obj = |r: &str| objects[r].clone();
    let page_dict = obj(&pages[page - 1]);
    let Some(annots) = page_dict["/Annots"].as_array() else {
        return Vec::new();
    };
    annots
        .iter()
        .filter_map(|a| {
            let a = obj(a.as_str()?);
            if a["/Subtype"] != "/Link" {
                return None;
            }
            let rect: Vec<f64> = a["/Rect"]
                .as_array()?
                .iter()
                .filter_map(Value::as_f64)
                .collect();
            let dest = a["/Dest"][0].as_str()?;
            let to = pages.iter().position(|p| *p == dest)? + 1;
            Some(([rect[0], rect[1], rect[2], rect[3]], to))
        })
        .collect()
}

/// The page number printed after `name` in the daftar isi (dot leaders between), reading
/// across line wraps inside the name but not past the end of the entry's line.
fn listed_page(toc: &str, name: &str) -> usize {
    // Without whitespace but with the line ends, and the same without them (to find names
    // wrapped over lines), with where each of the latter's characters sits in the former.
    let kept: Vec<char> = toc
        .chars()
        .filter(|c| *c == '\n' || !c.is_whitespace())
        .collect();
    let (flat, at): (String, Vec<usize>) = kept
        .iter()
        .enumerate()
        .filter(|(_, c)| **c != '\n')
        .map(|(k, c)| (*c, k))
        .unzip();
    let want = squash(name);
    let found = flat
        .find(&want)
        .unwrap_or_else(|| panic!("daftar isi lacks {name:?}:\n{toc}"));
    let end = flat[..found + want.len()].chars().count();
    let rest: String = kept[at[end - 1] + 1..]
        .iter()
        .skip_while(|c| **c == '.' || **c == '\n')
        .take_while(|c| c.is_ascii_digit())
        .collect();
    rest.parse()
        .unwrap_or_else(|_| panic!("no page after {name:?}"))
}

#[test]
fn the_book_opens_with_a_cover_and_a_linked_daftar_isi_whose_pages_are_right() {
    let p = built_example();
    let path = p.path().join(BOOK);
    let cover = page_text(&path, 1);
    for w in [
        "STANDAR OPERASIONAL PROSEDUR (SOP)",
        "PEMERINTAH KABUPATEN TANAH LAUT",
        "DINAS SOSIAL",
        "NOMOR 36 TAHUN 2022",
        "TAHUN 2022",
    ] {
        assert!(cover.contains(w), "cover lacks {w:?}: {cover}");
    }
    assert!(!cover.contains("Menimbang"), "{cover}");
    let toc = page_text(&path, 2);
    assert!(toc.contains("DAFTAR ISI"), "{toc}");
    let site = sopan::load_and_validate(p.path()).unwrap().site;
    let i = site
        .instansi
        .iter()
        .find(|i| i.id == "tanah-laut-dinsos")
        .unwrap();
    let total = page_count(&path);
    let links = links(&path, 2);
    let targets: Vec<usize> = links.iter().map(|l| l.1).collect();
    // The decree and the Lampiran, then each bidang and its SOPs.
    assert_eq!(
        links.len(),
        2 + i.bidang.len() + i.sops().count(),
        "{links:?}"
    );
    let decree = listed_page(
        &toc,
        "TANAH LAUT NOMOR 36 TAHUN 2022 TENTANG STANDAR OPERASIONAL PROSEDUR (SOP) DINAS SOSIAL KABUPATEN TANAH LAUT",
    );
    assert!(
        page_text(&path, decree).contains("MEMUTUSKAN")
            || page_text(&path, decree).contains("Menimbang")
    );
    let lampiran = listed_page(&toc, "LAMPIRAN: DAFTAR STANDAR OPERASIONAL PROSEDUR (SOP)");
    assert!(page_text(&path, lampiran).contains("NAMA BIDANG/ BAGIAN"));
    assert_eq!(&targets[..2], &[decree, lampiran]);
    let mut k = 2;
    let mut previous = lampiran;
    for b in &i.bidang {
        let first = listed_page(&toc, &b.nama);
        assert_eq!(targets[k], first, "link of {}", b.nama);
        k += 1;
        for s in &b.sop {
            let page = listed_page(&toc, &s.nama);
            assert!(page > previous && page <= total, "{}: {page}", s.nama);
            previous = page;
            // The page printed is the SOP's identity page in the book, and so is the link's.
            let text = page_text(&path, page);
            assert!(
                squash(&text).contains(&squash(&s.nama)) && text.contains("halaman 1 dari"),
                "page {page} is not {}'s first: {text}",
                s.nama
            );
            assert_eq!(targets[k], page, "link of {}", s.nama);
            k += 1;
        }
        assert_eq!(first, listed_page(&toc, &b.sop[0].nama));
    }
    // Every link covers its entry: inside the page, not empty, one above the other.
    for (rect, _) in &links {
        assert!(rect[0] < rect[2] && rect[1] < rect[3], "{rect:?}");
        assert!(rect[0] >= 0.0 && rect[3] <= 1000.0, "{rect:?}");
    }
    for pair in links.windows(2) {
        assert!(
            pair[1].0[3] <= pair[0].0[1] + 0.5,
            "links overlap: {pair:?}"
        );
    }
    // Whole book still one well-formed file.
    let check = Command::new("qpdf")
        .arg("--check")
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    // Joined in-process from freshly compiled SOPs: the same bytes as the build wrote.
    let renderer = sopan::pdf::renderer::PdfRenderer::new(
        &site,
        &sopan::pipeline::theme::Theme::embedded(),
        p.path(),
    )
    .unwrap();
    let book = renderer.book(&site, i).unwrap().unwrap();
    assert!(book == std::fs::read(&path).unwrap(), "book differs");
}

#[test]
fn one_lampiran_is_unnumbered_and_its_signature_stays_with_the_end_of_its_table() {
    let p = built_example();
    let path = p.path().join(BOOK);
    let text = pdf_text(&path);
    assert!(text.contains("LAMPIRAN\n"), "{text}");
    assert!(!text.contains("LAMPIRAN I"), "one attachment has no number");
    let site = sopan::load_and_validate(p.path()).unwrap().site;
    let i = site
        .instansi
        .iter()
        .find(|i| i.id == "tanah-laut-dinsos")
        .unwrap();
    let signer = &i.keputusan.as_ref().unwrap().penandatangan;
    let last_sop = &i.bidang.last().unwrap().sop.last().unwrap().nama;
    // The page of the table's last row (the JUMLAH row after the last bidang's last SOP).
    let head = (1..=12)
        .find(|&n| {
            let t = page_text(&path, n);
            t.contains("JUMLAH") && squash(&t).contains(&squash(last_sop))
        })
        .expect("a page ends the Lampiran table");
    let t = page_text(&path, head);
    assert!(
        t.contains(&signer.nama) && t.contains("NIP. 19670601 199401 1 002"),
        "the Lampiran's signature is not on the page of the table's end (page {head}): {t}"
    );
    // And no page holds only a signature.
    for n in 1..=head + 1 {
        let t = page_text(&path, n);
        let lines = t.lines().filter(|l| !l.trim().is_empty()).count();
        assert!(lines > 6, "page {n} is nearly empty: {t}");
    }
}

/// The example's decree with its KEDUA (the second diktum) left out.
fn without_kedua(p: &Project) {
    let path = "content/tanah-laut-dinsos/_keputusan.yaml";
    let text = p.read(path);
    let kept: Vec<&str> = text
        .lines()
        .filter(|l| !l.contains("terdiri dari 3 (tiga) Bagian"))
        .collect();
    assert_eq!(kept.len() + 1, text.lines().count());
    p.write(path, &(kept.join("\n") + "\n"));
}

#[test]
fn kedua_is_written_from_the_bidang_when_the_decree_leaves_it_out() {
    let p = Project::example();
    without_kedua(&p);
    let r = p.run(&["build", "--quiet"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("KEDUA"), "{}", r.stderr);
    let text = squash(&pdf_text(&p.path().join(BOOK)));
    for w in [
        "KEDUA:StandarOperasionalProsedur(SOP)sebagaimanadimaksuddalamDiktumKESATUterdiridari3(tiga)bagian,yaitu:",
        "1.Sekretariat(10SOP)",
        "2.BidangRehabilitasidanPerlindunganJaminanSosial(7SOP)",
        "3.BidangPemberdayaanSosialdanPenangananFakirMiskin(6SOP)",
        // The written diktum after KESATU keep their text and move down one label.
        "KETIGA:Dalampelaksanaan",
        "KEENAM:Keputusaninimulaiberlaku",
    ] {
        assert!(text.contains(w), "book lacks {w:?}");
    }
}

#[test]
fn a_written_kedua_naming_other_bidang_or_order_is_a_located_warning() {
    let p = Project::base();
    p.write("content/dinas/lain/_bidang.yaml", "nama: Bidang Pelayanan Sosial\nurutan: 2\n")
        .write(
            "content/dinas/lain/a.yaml",
            &crate::support::GOOD_SOP.replace("800/01/2024", "800/02/2024"),
        )
        .write(
            "content/dinas/_keputusan.yaml",
            "nomor: \"1\"\ntahun: 2024\ntentang: SOP Dinas Uji\nmenimbang: [a]\nmengingat: [b]\ndiktum:\n  - SOP sebagaimana tercantum dalam Lampiran.\n  - \"SOP sebagaimana dimaksud dalam Diktum KESATU terdiri dari 2 (dua) bagian, yaitu: 1. SOP pada Bidang Pelayanan Sosial; 2. SOP pada Bagian Umum; 3. SOP pada Bidang Keuangan\"\n  - Keputusan ini mulai berlaku pada tanggal ditetapkan.\n",
        );
    let r = p.run(&["check"]);
    assert_eq!(r.code, 0, "a warning, not an error: {}", r.stderr);
    insta::assert_snapshot!("kedua_berbeda", r.stderr);
}

#[test]
fn a_bare_number_waktu_prints_in_minutes_with_a_warning_and_spellings_are_normalised() {
    let p = Project::base();
    p.write(
        "content/dinas/umum/surat-masuk.yaml",
        "nomor: 800/01/2024\nnama: Surat Masuk\npelaksana: [Pelayanan, Kasubbag]\nlangkah:\n  - kegiatan: Menerima surat\n    pelaksana: Pelayanan\n    waktu: \"5\"\n  - kegiatan: Mengagendakan surat\n    pelaksana: Kasubbag\n    waktu: 1.Jam\n  - kegiatan: Mengarsipkan surat\n    pelaksana: Kasubbag\n    waktu: 1 Hari\n",
    );
    let r = p.run(&["check"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    insta::assert_snapshot!("waktu_tanpa_satuan", r.stderr);
    let r = p.run(&["build", "--quiet"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = pdf_text(&p.path().join("output/dinas/umum/surat-masuk.pdf"));
    // Squashed: how the Waktu column wraps is the column layout's business.
    let flat = squash(&text);
    for w in ["5menit", "1jam", "1hari"] {
        assert!(flat.contains(w), "flow page lacks {w:?}: {text}");
    }
    for w in ["1.Jam", "1Hari"] {
        assert!(
            !flat.contains(w),
            "flow page prints {w:?} as written: {text}"
        );
    }
}

#[test]
fn decree_margins_come_from_sopan_yaml_and_are_checked() {
    let p = Project::base();
    p.write(
        "content/dinas/_keputusan.yaml",
        "nomor: \"1\"\ntahun: 2024\ntentang: SOP Dinas Uji\nmenimbang: [a]\nmengingat: [b]\n",
    );
    // Where the decree's first text line starts, in points from the left edge.
    let left = |p: &Project| -> f64 {
        let out = Command::new("pdftotext")
            .args(["-bbox", "-f", "3", "-l", "3"])
            .arg(p.path().join("output/dinas/keputusan.pdf"))
            .arg("-")
            .output()
            .unwrap();
        let html = String::from_utf8_lossy(&out.stdout).to_string();
        html.lines()
            .filter_map(|l| {
                l.split("xMin=\"")
                    .nth(1)?
                    .split('"')
                    .next()?
                    .parse::<f64>()
                    .ok()
            })
            .fold(f64::MAX, f64::min)
    };
    assert_eq!(p.run(&["build", "--quiet"]).code, 0);
    let default = left(&p);
    // 30 mm by default, the tata naskah dinas left margin.
    assert!((default - 30.0 * 72.0 / 25.4).abs() < 3.0, "{default}");
    p.write("sopan.yaml", "judul: Uji\nmargin: {kiri: 40, kanan: 20}\n");
    assert_eq!(p.run(&["build", "--quiet"]).code, 0);
    let wider = left(&p);
    assert!(
        (wider - default - 10.0 * 72.0 / 25.4).abs() < 1.0,
        "{default} {wider}"
    );
    p.write("sopan.yaml", "judul: Uji\nmargin: {kiri: 300, kanan: 2x}\n");
    let r = p.run(&["check"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("`margin.kiri` harus milimeter bulat 0–80, bukan `300`"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("`margin.kanan`"), "{}", r.stderr);
}

/// The catalog of `path` through qpdf's JSON: `/ViewerPreferences` and `/Lang`.
fn catalog(path: &Path) -> Value {
    let out = Command::new("qpdf")
        .args(["--json=2", "--json-key=qpdf"])
        .arg(path)
        .output()
        .expect("qpdf (Debian package qpdf) reads the PDF's objects");
    let j: Value = serde_json::from_slice(&out.stdout).unwrap();
    let objects = &j["qpdf"][1];
    let root = objects["trailer"]["value"]["/Root"].as_str().unwrap();
    objects[format!("obj:{root}")]["value"].clone()
}

#[test]
fn every_pdf_asks_viewers_to_show_its_title_and_stays_well_formed() {
    let p = built_example();
    let mut pdfs = Vec::new();
    let mut dirs = vec![p.path().join("output")];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(d).unwrap().flatten() {
            let path = e.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|x| x == "pdf") {
                pdfs.push(path);
            }
        }
    }
    assert!(pdfs.len() > 20 && pdfs.iter().any(|f| f.ends_with(BOOK)));
    for f in &pdfs {
        let c = catalog(f);
        assert_eq!(
            c["/ViewerPreferences"]["/DisplayDocTitle"],
            Value::Bool(true),
            "{}: {c}",
            f.display()
        );
        // The title a viewer then shows is the document's own.
        let info = Command::new("pdfinfo").arg(f).output().unwrap();
        let info = String::from_utf8_lossy(&info.stdout);
        let title = info.lines().find_map(|l| l.strip_prefix("Title:"));
        assert!(
            title.is_some_and(|t| !t.trim().is_empty()),
            "{}",
            f.display()
        );
        let check = Command::new("qpdf").arg("--check").arg(f).output().unwrap();
        assert!(
            check.status.success(),
            "{}",
            String::from_utf8_lossy(&check.stdout)
        );
    }
}

/// Each diktum's label stands left of its text, on its first line, whatever its length: a
/// label of one line is placed beside the text (no grid row), a longer one ("KEDUA PULUH
/// SATU", wider than the label column) is set in the grid, whose row grows to hold it, so it
/// never runs into the next diktum.
#[test]
fn diktum_labels_stand_beside_their_text_long_or_short() {
    let p = Project::base();
    let diktum: String = (1..=22)
        .map(|i| format!("  - Diktum nomor {i} berlaku.\n"))
        .collect();
    p.write(
        "content/dinas/_keputusan.yaml",
        &format!(
            "nomor: \"1\"\ntahun: 2024\ntentang: SOP Dinas Uji\nmenimbang: [a]\nmengingat: [b]\n\
             diktum:\n{diktum}"
        ),
    );
    let r = p.run(&["build", "--quiet"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let book = p.path().join("output/dinas/keputusan.pdf");
    // (page, words) of every page, to find a diktum's text and its label wherever they fall.
    let pages: Vec<Vec<crate::pdf::BoxWord>> = (1..=page_count(&book))
        .map(|n| crate::pdf::page_words(&book, n))
        .collect();
    // sopan's own KEDUA (the bidang) comes second: item 20 is KEDUA PULUH SATU.
    for (n, first, label) in [
        (1, "KESATU", None),
        (20, "KEDUA", Some("SATU")),
        (21, "KEDUA", Some("DUA")),
    ] {
        // The page and line of "Diktum nomor n".
        let (page, text) = pages
            .iter()
            .enumerate()
            .find_map(|(k, words)| {
                words.windows(3).find_map(|w| {
                    (w[0].text == "Diktum" && w[1].text == "nomor" && w[2].text == format!("{n}"))
                        .then(|| (k, w[0].clone()))
                })
            })
            .unwrap_or_else(|| panic!("no diktum {n}"));
        let words = &pages[page];
        // The label's first word on the text's first line, left of it.
        let head = words
            .iter()
            .find(|w| w.text == first && (w.y0 - text.y0).abs() < 1.0 && w.x1 < text.x0)
            .unwrap_or_else(|| panic!("diktum {n}: no {first} beside its text at {}", text.y0));
        if let Some(last) = label {
            // A long label's last word: below its first line, above the next diktum's text.
            let tail = words
                .iter()
                .find(|w| w.text == last && w.y0 > head.y0 && w.x1 < text.x0)
                .unwrap_or_else(|| panic!("diktum {n}: no {last} under {first}"));
            let next = words
                .iter()
                .find(|w| w.text == format!("{}", n + 1) && w.y0 > text.y0);
            if let Some(next) = next {
                assert!(
                    tail.y1 <= next.y0 + 0.5,
                    "diktum {n}'s label runs into the next"
                );
            }
        }
    }
}
