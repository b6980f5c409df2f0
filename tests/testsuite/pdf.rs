//! Official PDFs: extracted text and laid-out structure, never raw bytes.

use std::path::Path;
use std::process::Command;

use sopan::model::Site;
use sopan::pdf::renderer::{FlowNode, PdfRenderer, flow_nodes, typst_svg_page};
use sopan::pdf::svg::writer::page_svg;
use sopan::pipeline::theme::Theme;

use crate::support::Project;

/// Text of a PDF through poppler's `pdftotext` (installed by `.ci/run`).
pub fn pdf_text(path: &Path) -> String {
    let out = Command::new("pdftotext")
        .args(["-raw", "-enc", "UTF-8"])
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext (Debian package poppler-utils) is needed for the PDF tests");
    assert!(
        out.status.success(),
        "pdftotext failed on {}",
        path.display()
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Without whitespace, so line wrapping inside table cells does not matter, nor the soft
/// hyphens and zero-width breaks sopan puts in a word too wide for its cell (pdftotext keeps them).
pub(crate) fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '\u{ad}' | '\u{200b}'))
        .collect()
}

fn loaded(p: &Project) -> Site {
    let l = sopan::load_and_validate(p.path()).unwrap();
    assert!(!l.diags.has_errors());
    l.site
}

fn nodes_of(site: &Site, root: &Path, slug: &str) -> (Vec<FlowNode>, usize) {
    let renderer = PdfRenderer::new(site, &Theme::embedded(), root).unwrap();
    let i = &site.instansi[0];
    for b in &i.bidang {
        for s in &b.sop {
            if s.id.slug == slug {
                let (doc, _) = renderer.sop(site, i, b, s).unwrap();
                return (flow_nodes(&doc), doc.pages().len());
            }
        }
    }
    panic!("no SOP {slug}");
}

#[test]
fn every_example_sop_pdf_holds_its_text() {
    let p = Project::example();
    let r = p.run(&["build", "--quiet"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut checked = 0;
    for (id, sop) in p.built_sops() {
        let text = squash(&pdf_text(&p.path().join(format!("output/{id}.pdf"))));
        let mut want: Vec<String> = vec![
            sop["nama"].as_str().unwrap().into(),
            sop["nomor"].as_str().unwrap().into(),
        ];
        for key in ["dasar_hukum", "pelaksana"] {
            want.extend(
                sop[key]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_str().unwrap().to_string()),
            );
        }
        want.extend(
            sop["langkah"]
                .as_array()
                .unwrap()
                .iter()
                .map(|l| l["kegiatan"].as_str().unwrap().to_string()),
        );
        for w in want {
            assert!(text.contains(&squash(&w)), "{id}.pdf lacks {w:?}");
        }
        checked += 1;
    }
    assert!(checked >= 24, "only {checked} SOPs checked");
}

#[test]
fn flow_has_one_symbol_per_step_of_the_right_kind() {
    let p = Project::fixture("pdf");
    let site = loaded(&p);
    let sop = site.sops().find(|s| s.id.slug == "bencana").unwrap();
    let (nodes, pages) = nodes_of(&site, p.path(), "bencana");
    // Step 6 is a joint step of two actors: one symbol in each column.
    assert_eq!(nodes.len(), sop.langkah.len() + 1);
    for l in &sop.langkah {
        let mine: Vec<&FlowNode> = nodes.iter().filter(|n| n.step == l.nomor as i64).collect();
        assert_eq!(mine.len(), l.pelaksana.len(), "step {}", l.nomor);
        for n in &mine {
            let kind = serde_json::to_value(l.jenis).unwrap();
            assert_eq!(n.kind, kind.as_str().unwrap(), "step {}", l.nomor);
            let col = sop.pelaksana[n.actor as usize].as_str();
            assert!(
                l.pelaksana.iter().any(|a| a == col),
                "step {} drawn in column {col}",
                l.nomor
            );
        }
    }
    let kinds: Vec<&str> = nodes.iter().map(|n| n.kind.as_str()).collect();
    assert_eq!(kinds.first(), Some(&"mulai"));
    assert_eq!(kinds.last(), Some(&"selesai"));
    assert_eq!(kinds.iter().filter(|k| **k == "keputusan").count(), 2);
    // 22 steps, 11 actors: the flow spans pages, so some consecutive steps sit on different
    // pages and get numbered off-page connectors.
    assert!(
        pages >= 3,
        "identity page plus at least two flow pages, got {pages}"
    );
    let crossings = (1..22)
        .filter(|&n| {
            let page = |s: i64| nodes.iter().find(|x| x.step == s).unwrap().page;
            page(n) != page(n + 1)
        })
        .count();
    assert!(crossings >= 1);
}

/// The flowchart symbols sopan drew on each page (white-filled, outlined, four corners or
/// rounded ends), and how many of them are rounded (the capsules of the first and last step).
fn drawn_symbols(doc: &typst_layout::PagedDocument) -> Vec<(usize, usize)> {
    use typst::layout::{Frame, FrameItem};
    use typst::visualize::{Color, CurveItem, Geometry, Paint};
    fn walk(frame: &Frame, out: &mut (usize, usize)) {
        for (_, item) in frame.items() {
            match item {
                FrameItem::Group(g) => walk(&g.frame, out),
                FrameItem::Shape(shape, _)
                    if shape.fill == Some(Paint::Solid(Color::WHITE)) && shape.stroke.is_some() =>
                {
                    let Geometry::Curve(c) = &shape.geometry else {
                        continue;
                    };
                    let lines =
                        c.0.iter()
                            .filter(|i| matches!(i, CurveItem::Line(..)))
                            .count();
                    let rounded = c.0.iter().any(|i| matches!(i, CurveItem::Cubic(..)));
                    // Four corners (rectangle, diamond) or rounded ends; an off-page
                    // connector is a pentagon.
                    if rounded || lines == 3 {
                        out.0 += 1;
                        out.1 += usize::from(rounded);
                    }
                }
                _ => {}
            }
        }
    }
    doc.pages()
        .iter()
        .map(|p| {
            let mut counts = (0, 0);
            walk(&p.frame, &mut counts);
            counts
        })
        .collect()
}

#[test]
fn every_symbol_is_drawn_on_its_page_with_its_shape() {
    let p = Project::fixture("pdf");
    let site = loaded(&p);
    let renderer = PdfRenderer::new(&site, &Theme::embedded(), p.path()).unwrap();
    let i = &site.instansi[0];
    let b = i
        .bidang
        .iter()
        .find(|b| b.sop.iter().any(|s| s.id.slug == "bencana"))
        .unwrap();
    let s = b.sop.iter().find(|s| s.id.slug == "bencana").unwrap();
    let (doc, _) = renderer.sop(&site, i, b, s).unwrap();
    let nodes = flow_nodes(&doc);
    let drawn = drawn_symbols(&doc);
    for (k, &(shapes, rounded)) in drawn.iter().enumerate() {
        let here: Vec<&FlowNode> = nodes.iter().filter(|n| n.page == k + 1).collect();
        let ends = here
            .iter()
            .filter(|n| n.kind == "mulai" || n.kind == "selesai")
            .count();
        assert_eq!(shapes, here.len(), "page {}: one shape per symbol", k + 1);
        assert_eq!(rounded, ends, "page {}: capsules for the ends", k + 1);
    }
    assert!(drawn.iter().map(|d| d.0).sum::<usize>() == nodes.len() && !nodes.is_empty());
}

#[test]
fn the_22_step_pdf_prints_its_connector_numbers() {
    let p = Project::fixture("pdf");
    assert_eq!(p.run(&["build", "--quiet"]).code, 0);
    let text = pdf_text(&p.path().join("output/dinas/umum/bencana.pdf"));
    // Each page of the flow repeats the header; every actor name is on every flow page.
    let pages: Vec<&str> = text
        .split('\u{c}')
        .filter(|t| t.contains("Kegiatan"))
        .collect();
    assert!(pages.len() >= 2);
    for page in &pages {
        for actor in ["KPM", "Bulog", "Kepala", "Mutu Baku", "Keterangan"] {
            assert!(
                page.contains(actor),
                "header repeated: {actor} missing on a flow page"
            );
        }
    }
    for label in ["Ya", "Tidak"] {
        assert!(text.contains(label));
    }
    // The footer sopan draws after layout numbers every page against the real page count.
    let all: Vec<&str> = text
        .split('\u{c}')
        .filter(|t| !t.trim().is_empty())
        .collect();
    for (k, page) in all.iter().enumerate() {
        let footer = format!("halaman {} dari {}", k + 1, all.len());
        assert!(
            squash(page).contains(&squash(&footer)),
            "page {} lacks {footer:?}",
            k + 1
        );
    }
}

#[test]
fn content_that_looks_like_markup_prints_literally() {
    let p = Project::fixture("pdf");
    assert_eq!(p.run(&["build", "--quiet"]).code, 0);
    let text = pdf_text(&p.path().join("output/dinas/umum/simbol.pdf"));
    for literal in [
        "Tanda #judul $x$ *tebal* _miring_ @ref [a] \\ <b> & c",
        "#set page(width: 1cm) dan #panic(\"x\")",
        "$ a^2 $ lalu `kode` dan <script>alert(1)</script>",
        "Menulis *ini* _itu_ @label [tautan](x) \\ #strong[x] & < >",
        "$100 & 50%",
        "Selesai #{1+1}",
        "Staf <i>",
        "Kasi #1",
    ] {
        assert!(
            squash(&text).contains(&squash(literal)),
            "missing literal {literal:?} in\n{text}"
        );
    }
    // `#set page(width: 1cm)` in content changed nothing: every page is still F4 landscape.
    let site = loaded(&p);
    let renderer = PdfRenderer::new(&site, &Theme::embedded(), p.path()).unwrap();
    let i = &site.instansi[0];
    let s = i.sops().find(|s| s.id.slug == "simbol").unwrap();
    let (doc, _) = renderer.sop(&site, i, &i.bidang[0], s).unwrap();
    for page in doc.pages() {
        let size = page.frame.size();
        assert!(
            (size.x.to_mm() - 330.0).abs() < 0.1 && (size.y.to_mm() - 215.0).abs() < 0.1,
            "{size:?}"
        );
    }
}

#[test]
fn pdfs_are_pdf_a_2b_with_metadata() {
    let p = Project::fixture("pdf");
    assert_eq!(p.run(&["build", "--quiet"]).code, 0);
    let bytes = std::fs::read(p.path().join("output/dinas/umum/bencana.pdf")).unwrap();
    let raw = String::from_utf8_lossy(&bytes);
    assert!(bytes.starts_with(b"%PDF-"));
    assert!(raw.contains("pdfaid:part>2<"), "PDF/A part missing");
    assert!(
        raw.contains("pdfaid:conformance>B<"),
        "PDF/A conformance missing"
    );
    assert!(raw.contains("StructTreeRoot"), "not tagged");
    let info = Command::new("pdfinfo")
        .arg(p.path().join("output/dinas/umum/bencana.pdf"))
        .output()
        .unwrap();
    let info = String::from_utf8_lossy(&info.stdout);
    assert!(
        info.contains("Title:") && info.contains("Bantuan Sosial Korban Bencana"),
        "{info}"
    );
    assert!(
        info.contains("Author:") && info.contains("Dinas Sosial"),
        "{info}"
    );
    assert!(info.contains("Tagged:          yes"), "{info}");
    // The date comes from the SOP (latest of its dates), not the clock.
    assert!(info.contains("Jun 30") && info.contains("2024"), "{info}");
}

#[test]
fn a4_is_honoured() {
    let p = Project::fixture("pdf");
    p.write("sopan.yaml", "judul: Uji\nkertas: A4\n");
    let site = loaded(&p);
    let renderer = PdfRenderer::new(&site, &Theme::embedded(), p.path()).unwrap();
    let i = &site.instansi[0];
    let s = i.sops().next().unwrap();
    let (doc, _) = renderer.sop(&site, i, &i.bidang[0], s).unwrap();
    let size = doc.pages()[0].frame.size();
    assert!(
        (size.x.to_mm() - 297.0).abs() < 0.1 && (size.y.to_mm() - 210.0).abs() < 0.1,
        "{size:?}"
    );
}

#[test]
fn decree_book_has_decree_lampiran_and_every_sop_with_bookmarks() {
    let p = Project::example();
    assert_eq!(p.run(&["build", "--quiet"]).code, 0);
    let path = p.path().join("output/tanah-laut-dinsos/keputusan.pdf");
    let text = pdf_text(&path);
    for w in [
        "KEPUTUSAN KEPALA DINAS SOSIAL KABUPATEN TANAH LAUT",
        "NOMOR : 36 TAHUN 2022",
        "Menimbang",
        "Mengingat",
        "MEMUTUSKAN",
        "KESATU",
        "LAMPIRAN",
        "JUMLAH",
        "Ditetapkan di",
    ] {
        assert!(text.contains(w), "decree lacks {w:?}");
    }
    let site = loaded(&p);
    let i = site
        .instansi
        .iter()
        .find(|i| i.id == "tanah-laut-dinsos")
        .unwrap();
    let squashed = squash(&text);
    for s in i.sops() {
        assert!(
            squashed.contains(&squash(&s.nama)),
            "book lacks SOP {}",
            s.nama
        );
    }
    // Bookmarks, as poppler reads them: (depth, title, page).
    let marks = bookmarks(&path);
    let titles: Vec<&str> = marks.iter().map(|(_, t, _)| t.as_str()).collect();
    assert_eq!(
        marks
            .iter()
            .map(|(d, t, _)| (*d, t.as_str()))
            .take(3)
            .collect::<Vec<_>>(),
        vec![(1, "Daftar Isi"), (1, "Keputusan"), (1, "Lampiran")],
        "{marks:?}"
    );
    assert_eq!(
        marks.len(),
        3 + i.bidang.len() + i.sops().count(),
        "{titles:?}"
    );
    // The SOPs follow the decree part as their own PDFs: the book's length is theirs added up.
    let head_pages = marks[3].2 - 1;
    let mut page = head_pages + 1;
    let mut k = 3;
    for b in &i.bidang {
        assert_eq!(marks[k], (2, b.nama.clone(), page), "bidang {}", b.nama);
        k += 1;
        for s in &b.sop {
            assert_eq!(marks[k], (3, s.nama.clone(), page), "SOP {}", s.nama);
            k += 1;
            // The bookmark opens the SOP's identity page.
            let text = page_text(&path, page);
            assert!(
                squash(&text).contains(&squash(&s.nama)),
                "page {page}: {text}"
            );
            assert!(text.contains("halaman 1 dari"), "page {page}: {text}");
            let own = p.path().join(format!("output/{}.pdf", s.id));
            page += page_count(&own);
        }
    }
    let total = page - 1;
    assert_eq!(page_count(&path), total);
    // The SOP pages carry the book's page number (drawn, at the left of their own footer): the
    // corner is inked in the book and blank in the SOP's own PDF.
    let first = i.sops().next().unwrap();
    let own = p.path().join(format!("output/{}.pdf", first.id));
    assert!(
        corner_ink(&path, head_pages + 1) > 20,
        "no page number on the SOP page"
    );
    assert_eq!(
        corner_ink(&own, 1),
        0,
        "the SOP's own PDF has no book number"
    );
    // The decree part counts pages over the whole book; the cover counts but is not numbered.
    assert!(!text.contains(&format!("Halaman 1 dari {total}")), "{text}");
    assert!(text.contains(&format!("Halaman 2 dari {total}")), "{text}");
    assert!(text.contains(&format!("Halaman {head_pages} dari {total}")));
    // Tagged: one Part per document (the decree part, then each SOP) in one Document, and the
    // SOPs' text reachable through the structure tree.
    let structure = Command::new("pdfinfo")
        .arg("-struct-text")
        .arg(&path)
        .output()
        .unwrap();
    let structure = String::from_utf8_lossy(&structure.stdout);
    assert!(structure.starts_with("Document\n"), "{structure}");
    assert_eq!(
        structure
            .lines()
            .filter(|l| l.starts_with("  Part"))
            .count(),
        1 + i.sops().count()
    );
    // Text runs are quoted line by line.
    let structure_text = squash(&structure.replace('"', ""));
    for s in i.sops() {
        let first_step = &s.langkah[0].kegiatan;
        assert!(
            structure_text.contains(&squash(first_step)),
            "structure lacks {first_step:?}"
        );
    }
    // A well-formed file: cross-references, objects and streams, as qpdf checks them.
    let check = Command::new("qpdf")
        .arg("--check")
        .arg(&path)
        .output()
        .expect("qpdf (Debian package qpdf) checks the joined book");
    let report = String::from_utf8_lossy(&check.stdout);
    assert!(
        check.status.success() && report.contains("No syntax or stream encoding errors"),
        "{report}{}",
        String::from_utf8_lossy(&check.stderr)
    );
    // Joined in-process from freshly compiled SOPs: the same bytes as the build wrote.
    let renderer = PdfRenderer::new(&site, &Theme::embedded(), p.path()).unwrap();
    let book = renderer.book(&site, i).unwrap().unwrap();
    assert!(book == std::fs::read(&path).unwrap(), "book differs");
}

/// The outline of a PDF through poppler's `pdftohtml -xml`: (depth, title, page).
fn bookmarks(path: &Path) -> Vec<(usize, String, usize)> {
    let out = Command::new("pdftohtml")
        .args(["-xml", "-i", "-q", "-stdout", "-f", "1", "-l", "1"])
        .arg(path)
        .output()
        .expect("pdftohtml (poppler-utils)");
    let xml = String::from_utf8_lossy(&out.stdout);
    let mut depth = 0;
    let mut marks = Vec::new();
    let mut rest = xml.as_ref();
    while let Some(at) = rest.find('<') {
        rest = &rest[at..];
        if rest.starts_with("<outline") {
            depth += 1;
        } else if rest.starts_with("</outline") {
            depth -= 1;
        } else if let Some(item) = rest.strip_prefix("<item page=\"") {
            let (page, tail) = item.split_once('"').unwrap();
            let title = &tail[1..tail.find("</item>").unwrap()];
            marks.push((depth, title.replace("&amp;", "&"), page.parse().unwrap()));
        }
        rest = &rest[1..];
    }
    marks
}

/// Dark pixels in the bottom left corner of `page` (the left third of its bottom 8%), through
/// poppler's `pdftoppm` in grey.
fn corner_ink(path: &Path, page: usize) -> usize {
    let out = Command::new("pdftoppm")
        .args(["-r", "72", "-gray"])
        .args(one_page(page))
        .arg(path)
        .output()
        .expect("pdftoppm (poppler-utils)");
    // PGM: "P5\n<w> <h>\n255\n" then one byte per pixel.
    let data = out.stdout;
    let mut fields = Vec::new();
    let mut at = 0;
    while fields.len() < 4 {
        while data[at].is_ascii_whitespace() {
            at += 1;
        }
        let start = at;
        while !data[at].is_ascii_whitespace() {
            at += 1;
        }
        fields.push(String::from_utf8_lossy(&data[start..at]).to_string());
    }
    let (w, h): (usize, usize) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    let pixels = &data[at + 1..];
    (h * 92 / 100..h)
        .flat_map(|y| (0..w / 3).map(move |x| y * w + x))
        .filter(|&k| pixels[k] < 128)
        .count()
}

pub(crate) fn page_count(path: &Path) -> usize {
    let out = Command::new("pdfinfo").arg(path).output().unwrap();
    let info = String::from_utf8_lossy(&out.stdout);
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("pdfinfo prints the page count")
}

/// Poppler's arguments for `page` alone.
fn one_page(page: usize) -> [String; 4] {
    let n = page.to_string();
    ["-f".into(), n.clone(), "-l".into(), n]
}

/// One word as poppler places it (`pdftotext -bbox`), in points from the page's top left.
#[derive(Debug, Clone)]
pub(crate) struct BoxWord {
    pub(crate) text: String,
    pub(crate) x0: f64,
    pub(crate) y0: f64,
    pub(crate) x1: f64,
    pub(crate) y1: f64,
}

/// The words of one page (1-based) with their boxes.
pub(crate) fn page_words(path: &Path, page: usize) -> Vec<BoxWord> {
    let out = Command::new("pdftotext")
        .args(["-bbox", "-enc", "UTF-8"])
        .args(one_page(page))
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext (Debian package poppler-utils) is needed for the PDF tests");
    let html = String::from_utf8(out.stdout).unwrap();
    let attr = |tag: &str, name: &str| -> f64 {
        let start = tag.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        let end = start + tag[start..].find('"').unwrap();
        tag[start..end].parse().unwrap()
    };
    html.split("<word ")
        .skip(1)
        .map(|w| {
            let (tag, rest) = w.split_once('>').unwrap();
            BoxWord {
                text: rest.split("</word>").next().unwrap().replace("&amp;", "&"),
                x0: attr(tag, "xMin"),
                y0: attr(tag, "yMin"),
                x1: attr(tag, "xMax"),
                y1: attr(tag, "yMax"),
            }
        })
        .collect()
}

/// Text of one page (1-based) through poppler's `pdftotext`.
pub(crate) fn page_text(path: &Path, page: usize) -> String {
    let out = Command::new("pdftotext")
        .args(["-raw", "-enc", "UTF-8"])
        .args(one_page(page))
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext (Debian package poppler-utils) is needed for the PDF tests");
    assert!(
        out.status.success(),
        "pdftotext failed on {}",
        path.display()
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn a_project_theme_file_overrides_the_embedded_template() {
    let p = Project::fixture("pdf");
    p.write("sopan.yaml", "judul: Uji\ntema: dinas\n").write(
        "themes/dinas/typst/sop.typ",
        "#let d = json(\"/data.json\")\n#set document(title: d.sop.nama)\n#set text(font: \"Liberation Sans\", lang: \"id\")\nTEMA KHUSUS: #d.sop.nama\n",
    );
    let r = p.run(&["build", "--quiet"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = pdf_text(&p.path().join("output/dinas/umum/bencana.pdf"));
    assert!(
        text.contains("TEMA KHUSUS: Bantuan Sosial Korban Bencana"),
        "{text}"
    );
}

#[test]
fn a_broken_theme_template_is_an_operational_error_naming_the_line() {
    let p = Project::fixture("pdf");
    p.write("sopan.yaml", "judul: Uji\ntema: rusak\n").write(
        "themes/rusak/typst/sop.typ",
        "#let d = json(\"/data.json\")\n#d.tidak_ada\n",
    );
    let r = p.run(&["build", "--quiet"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("galat[pdf-typst]: gagal menyusun PDF"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("typst/sop.typ:2:"), "{}", r.stderr);
    assert!(
        !p.path().join("output").exists(),
        "nothing written on failure"
    );
}

#[test]
fn a_broken_theme_module_fails_before_any_document_naming_its_line() {
    // The modules the main templates import are evaluated once, when the renderer is made.
    let p = Project::fixture("pdf");
    p.write("sopan.yaml", "judul: Uji\ntema: rusak\n").write(
        "themes/rusak/typst/lib/common.typ",
        "#let font = \"Liberation Sans\"\n#let x = (\n",
    );
    let r = p.run(&["build", "--quiet"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("gagal menyusun PDF untuk templat `typst/lib/common.typ`"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("typst/lib/common.typ:2:"), "{}", r.stderr);
    assert!(!p.path().join("output").exists());
}

#[test]
fn a_theme_main_template_importing_its_modules_by_path_still_builds() {
    // Themes written before the modules were preloaded (`sopan.sop`) import them by path.
    let p = Project::fixture("pdf");
    let main =
        std::fs::read_to_string(crate::support::repo_root().join("themes/default/typst/sop.typ"))
            .unwrap();
    assert!(main.contains("#import sopan.sop: sop-pages"), "{main}");
    let by_path = main
        .replace(
            "#import sopan.common: font",
            "#import \"lib/common.typ\": font",
        )
        .replace(
            "#import sopan.sop: sop-pages",
            "#import \"lib/sop.typ\": sop-pages",
        );
    p.write("sopan.yaml", "judul: Uji\ntema: lama\n")
        .write("themes/lama/typst/sop.typ", &by_path);
    let r = p.run(&["build", "--quiet"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = pdf_text(&p.path().join("output/dinas/umum/bencana.pdf"));
    assert!(text.contains("FLOWCHART SOP"), "{text}");
    assert!(text.contains("Bantuan Sosial Korban Bencana"), "{text}");
}

/// Every flow page of the example content and of the `pdf` fixture (22 steps, 11 actors,
/// markup-like content) as sopan's own SVG writer draws it and as typst-svg draws it.
fn flow_svg_pairs(dir: &Path) -> usize {
    let mut pairs = 0;
    for p in [Project::example(), Project::fixture("pdf")] {
        let site = loaded(&p);
        let renderer = PdfRenderer::new(&site, &Theme::embedded(), p.path()).unwrap();
        for (i, b, s) in site.sops_placed() {
            let (doc, _) = renderer.sop(&site, i, b, s).unwrap();
            let mut flow_pages: Vec<usize> = flow_nodes(&doc).iter().map(|n| n.page).collect();
            flow_pages.dedup();
            for k in flow_pages {
                let page = &doc.pages()[k - 1];
                let fast = page_svg(page, &renderer.glyphs)
                    .unwrap_or_else(|| panic!("{}: page {k} fell back to typst-svg", s.id));
                let name = format!("{}-{}-{k}", i.id, s.id.slug);
                std::fs::write(dir.join(format!("{name}.cepat.svg")), fast).unwrap();
                std::fs::write(dir.join(format!("{name}.typst.svg")), typst_svg_page(page))
                    .unwrap();
                pairs += 1;
            }
        }
    }
    pairs
}

#[test]
fn flowchart_svgs_draw_in_chromium_what_typst_svg_draws() {
    let Some(chromium) = crate::site::browser() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let pairs = flow_svg_pairs(dir.path());
    assert!(pairs >= 10, "{pairs} flow pages");
    eprintln!("{pairs} flow pages compared");
    let report = crate::support::browser_script(
        &chromium,
        "svgdiff.mjs",
        &[dir.path().as_os_str()],
        String::new,
    );
    let report: serde_json::Value = serde_json::from_str(&report).unwrap();
    let pages = report.as_object().unwrap();
    assert_eq!(pages.len(), pairs);
    for (name, r) in pages {
        let (beda, total) = (r["beda"].as_i64().unwrap(), r["total"].as_i64().unwrap());
        // Same drawing: at most 1 in 10,000 pixels off by anti-aliasing at twice the size.
        assert!(
            beda >= 0 && beda * 10_000 <= total,
            "{name}: {beda} of {total} pixels differ"
        );
    }
}

#[test]
fn a_flow_page_the_svg_writer_cannot_draw_falls_back_to_typst_svg() {
    // A theme paints the flow table's header with a gradient, which sopan's writer leaves to
    // typst-svg: the flowchart is still drawn, gradient included.
    let p = Project::fixture("pdf");
    let flow = std::fs::read_to_string(
        crate::support::repo_root().join("themes/default/typst/lib/flow.typ"),
    )
    .unwrap();
    assert!(flow.contains("fill: luma(235)"));
    p.write("sopan.yaml", "judul: Uji\ntema: gradasi\n").write(
        "themes/gradasi/typst/lib/flow.typ",
        &flow.replace("fill: luma(235)", "fill: gradient.linear(luma(200), white)"),
    );
    let site = loaded(&p);
    let theme = Theme::load(p.path(), "gradasi").unwrap();
    let renderer = PdfRenderer::new(&site, &theme, p.path()).unwrap();
    let i = &site.instansi[0];
    let s = i.sops().find(|s| s.id.slug == "bencana").unwrap();
    let (doc, _) = renderer.sop(&site, i, &i.bidang[0], s).unwrap();
    let first_flow_page = flow_nodes(&doc)[0].page;
    let page = &doc.pages()[first_flow_page - 1];
    assert!(page_svg(page, &renderer.glyphs).is_none());
    let svgs = sopan::pdf::renderer::flow_svgs(&doc, &renderer.glyphs);
    assert!(!svgs.is_empty());
    let svg = String::from_utf8(svgs[0].clone()).unwrap();
    assert!(
        svg.starts_with("<svg") && svg.contains("linearGradient"),
        "{}",
        &svg[..200]
    );
    // Without the gradient the same page takes the fast path.
    let plain = PdfRenderer::new(&site, &Theme::embedded(), p.path()).unwrap();
    let (doc, _) = plain.sop(&site, i, &i.bidang[0], s).unwrap();
    assert!(page_svg(&doc.pages()[first_flow_page - 1], &plain.glyphs).is_some());
}

/// The Identifikasi worksheets of the example's rujukan-anak-terlantar: each group's label
/// (Langkah Awal, Utama, Akhir) stands left of its first item, on that item's line, and every
/// item left-aligned with the others right of the labels; the data block's values line up
/// after their colons. (The groups are blocks with their labels placed, no longer table rows
/// spanning several: identifikasi.typ.)
#[test]
fn worksheet_labels_stand_beside_their_first_items() {
    let p = Project::example();
    let r = p.run(&["build", "--quiet"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let pdf = p
        .path()
        .join("output/banjarbaru-dinsos/perlindungan-jaminan-sosial/rujukan-anak-terlantar.pdf");
    let page = page_count(&pdf);
    assert!(page_text(&pdf, page).contains("C. IDENTIFIKASI LANGKAH"));
    let words = page_words(&pdf, page);
    let find = |text: &str, after: f64| {
        words
            .iter()
            .find(|w| w.text == text && w.y0 > after)
            .unwrap_or_else(|| panic!("no {text} below {after}"))
            .clone()
    };
    let title_b = find("IDENTIFIKASI", find("B.", 0.0).y0 - 1.0);
    let title_c = find("LANGKAH", find("C.", title_b.y0).y0 - 1.0);
    for (title, numbers) in [
        (&title_b, ["1.", "2.", "5."]),
        (&title_c, ["1.", "2.", "4."]),
    ] {
        for (label, number) in ["Awal", "Utama", "Akhir"].iter().zip(numbers) {
            let l = find(label, title.y0);
            let n = find(number, l.y0 - 1.0);
            assert!(
                (l.y0 - n.y0).abs() < 1.0,
                "{label} at {}, item {number} at {}",
                l.y0,
                n.y0
            );
            assert!(
                l.x1 < n.x0,
                "{label} ends at {}, its item starts at {}",
                l.x1,
                n.x0
            );
        }
    }
    // Items of one group one under another, at one left edge.
    let (two, three) = (find("2.", title_b.y0), find("3.", title_b.y0));
    assert!(three.y0 > two.y1 && (three.x0 - two.x0).abs() < 0.5);
    // The data block: the values after their colons, at one left edge.
    let jenis = find("Rutin", 0.0);
    let produk = find("Kepala", find("Produk", 0.0).y0 - 1.0);
    assert!(
        (produk.x0 - jenis.x0).abs() < 0.5,
        "{} {}",
        produk.x0,
        jenis.x0
    );
    assert!(produk.y0 > jenis.y1);
}
