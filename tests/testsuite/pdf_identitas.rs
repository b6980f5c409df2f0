//! The identity page and signature blocks of the SOP PDFs: one page, never a split signature.

use std::path::Path;
use std::process::Command;

use crate::pdf::{page_count, page_text};
use crate::support::Project;

/// Without whitespace, so line wrapping inside table cells does not matter.
fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The pages of an SOP PDF before its first flow page, with their text.
fn identity_pages(pdf: &Path) -> Vec<String> {
    let mut pages = Vec::new();
    for n in 1..=page_count(pdf) {
        let text = page_text(pdf, n);
        if text.trim_start().starts_with("FLOWCHART SOP") {
            return pages;
        }
        pages.push(text);
    }
    panic!("{} has no flow page", pdf.display());
}

/// The page (1-based) holding the drafter's whole block: place-date, jabatan, name and NIP.
fn drafter_page(pages: &[String], place: &str, sop: &serde_json::Value) -> Option<usize> {
    let d = &sop["disusun_oleh"];
    let want = [
        format!("{place}, 01 Juli 2022"),
        d["jabatan"].as_str().unwrap().to_string(),
        d["nama"].as_str().unwrap().to_string(),
        format!("NIP. {}", d["nip"].as_str().unwrap()),
    ];
    pages
        .iter()
        .position(|t| want.iter().all(|w| squash(t).contains(&squash(w))))
        .map(|i| i + 1)
}

#[test]
fn no_example_identity_page_runs_past_page_one() {
    let p = Project::example();
    let r = p.run(&["build", "--quiet"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut checked = 0;
    for (id, _) in p.built_sops() {
        let pdf = p.path().join(format!("output/{id}.pdf"));
        let pages = identity_pages(&pdf);
        assert_eq!(
            pages.len(),
            1,
            "{id}: the identity runs over {} pages; page 2 begins {:?}",
            pages.len(),
            pages.get(1).map(|t| t.lines().next().unwrap_or(""))
        );
        checked += 1;
    }
    assert!(checked >= 24, "only {checked} SOPs checked");
}

/// The six SOPs whose drafter's block started at the bottom of the identity page and ended on
/// the next.
#[test]
fn the_drafter_block_stays_whole_on_the_identity_page() {
    let p = Project::example();
    let r = p.run(&["build", "--quiet"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let sops = p.built_sops();
    for slug in [
        "usulan-kenaikan-pangkat",
        "survey-kepuasan-masyarakat",
        "surat-keluar",
        "surat-masuk",
        "e-lapor",
        "pelayanan-langsung",
    ] {
        let (id, sop) = sops
            .iter()
            .find(|(id, _)| id.ends_with(&format!("/{slug}")))
            .unwrap_or_else(|| panic!("no SOP {slug}"));
        let pages = identity_pages(&p.path().join(format!("output/{id}.pdf")));
        assert_eq!(
            drafter_page(&pages, "Pelaihari", sop),
            Some(1),
            "{id}: drafter block split or moved"
        );
    }
}

/// A long law list, as many real SOPs have: `n` dasar hukum of about 130 characters.
fn laws(n: usize) -> String {
    (1..=n)
        .map(|i| {
            format!(
                "  - Peraturan Bupati Tanah Laut Nomor {i} Tahun 2015 tentang Kedudukan, Susunan \
                 Organisasi, Tugas dan Fungsi serta Tata Kerja Dinas Sosial\n"
            )
        })
        .collect()
}

/// An SOP of 8 steps whose first step asks for 10 documents, with `dasar_hukum` and long boxes.
fn heavy_sop(dasar_hukum: &str, long_items: usize) -> String {
    let long: String = (1..=long_items)
        .map(|i| {
            format!(
                "  - Berkas permohonan nomor {i} yang tidak lengkap dikembalikan kepada pemohon \
                 untuk dilengkapi\n"
            )
        })
        .collect();
    let kelengkapan: Vec<String> = (1..=10)
        .map(|i| format!("{i}. Fotokopi dokumen persyaratan nomor {i}"))
        .collect();
    let steps: String = (1..=8)
        .map(|i| {
            let actor = if i % 2 == 1 { "Pelayanan" } else { "Kasubbag" };
            let kel = if i == 1 {
                kelengkapan.join("\\n")
            } else {
                "Berkas".into()
            };
            format!(
                "  - kegiatan: Memeriksa dan memproses berkas permohonan tahap {i}\n    \
                 pelaksana: {actor}\n    kelengkapan: \"{kel}\"\n    waktu: 10 menit\n    \
                 output: Berkas tahap {i}\n"
            )
        })
        .collect();
    format!(
        "nomor: 800/01/2024\nnama: Layanan Uji Berat\ntanggal_pembuatan: 2022-07-01\n\
         disusun_oleh:\n  jabatan: Kasubbag Umum dan Kepegawaian\n  nama: Noor Mita Imandasari, A.Pi, MM\n  \
         nip: 19740401 200604 2 002\n\
         dasar_hukum:\n{dasar_hukum}kualifikasi_pelaksana:\n{long}keterkaitan:\n{long}\
         peralatan_perlengkapan:\n  - Komputer\n  - Printer\n  - ATK\n  - Meja layanan\n\
         peringatan:\n{long}pencatatan_pendataan:\n  - Buku agenda\n  - Odner\n\
         pelaksana: [Pelayanan, Kasubbag]\nlangkah:\n{steps}"
    )
}

fn built_pdf(sop_yaml: &str) -> (Project, std::path::PathBuf) {
    let p = Project::base();
    p.write("content/dinas/umum/surat-masuk.yaml", sop_yaml);
    let r = p.run(&["build", "--quiet"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let pdf = p.path().join("output/dinas/umum/surat-masuk.pdf");
    (p, pdf)
}

#[test]
fn twelve_laws_and_long_boxes_fit_one_identity_page() {
    let (_p, pdf) = built_pdf(&heavy_sop(&laws(12), 4));
    let pages = identity_pages(&pdf);
    assert_eq!(pages.len(), 1, "identity over {} pages", pages.len());
    let text = squash(&pages[0]);
    for w in [
        "Nomor 12 Tahun 2015",
        "Noor Mita Imandasari",
        "NIP. 19740401 200604 2 002",
    ] {
        assert!(text.contains(&squash(w)), "page 1 lacks {w:?}");
    }
}

#[test]
fn sixty_laws_continue_on_a_lanjutan_page_with_the_box_titles() {
    let (_p, pdf) = built_pdf(&heavy_sop(&laws(60), 4));
    let pages = identity_pages(&pdf);
    assert!(pages.len() >= 2, "60 laws on one page?");
    assert!(
        !pages[0].contains("lanjutan"),
        "page 1 is not a continuation"
    );
    for (i, t) in pages.iter().enumerate().skip(1) {
        assert!(
            t.trim_start().starts_with("IDENTITAS SOP (lanjutan)"),
            "page {} begins {:?}",
            i + 1,
            t.lines().next()
        );
    }
    // The law list continues under its repeated title.
    assert!(
        pages[1].contains("DASAR HUKUM"),
        "page 2 does not repeat DASAR HUKUM"
    );
    let all = squash(&pages.concat());
    for i in 1..=60 {
        assert!(
            all.contains(&squash(&format!("Nomor {i} Tahun 2015"))),
            "law {i} missing"
        );
    }
    // The drafter's block is whole, and not alone: the last boxes go with it.
    let sop = serde_json::json!({"disusun_oleh": {
        "jabatan": "Kasubbag Umum dan Kepegawaian",
        "nama": "Noor Mita Imandasari, A.Pi, MM",
        "nip": "19740401 200604 2 002"}});
    let at = drafter_page(&pages, "Uji", &sop).expect("drafter block split");
    assert!(
        pages[at - 1].contains("PERINGATAN"),
        "the drafter block stands alone on page {at}"
    );
}

/// The URLs of a PDF's link annotations, through poppler's `pdfinfo -url`.
fn link_urls(pdf: &Path) -> Vec<String> {
    let out = Command::new("pdfinfo")
        .arg("-url")
        .arg(pdf)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .skip(1)
        .filter_map(|l| l.split_whitespace().nth(2).map(str::to_string))
        .collect()
}

#[test]
fn a_keterkaitan_sop_is_a_link_to_its_page_when_the_site_has_an_address() {
    let p = Project::base();
    let linking = crate::support::GOOD_SOP.replace(
        "nama: Surat Masuk\n",
        "nama: Surat Keluar\nketerkaitan:\n  - Buku agenda\n  - sop: umum/surat-masuk\n",
    );
    p.write(
        "content/dinas/umum/surat-keluar.yaml",
        &linking.replace("800/01", "800/02"),
    );
    let r = p.run(&["build", "--quiet"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let pdf = p.path().join("output/dinas/umum/surat-keluar.pdf");
    assert!(squash(&page_text(&pdf, 1)).contains("SuratMasuk"));
    assert!(
        link_urls(&pdf).is_empty(),
        "a link without a base_url: {:?}",
        link_urls(&pdf)
    );

    p.write(
        "sopan.yaml",
        "judul: Uji\nbase_url: https://sop.example.go.id\n",
    );
    let r = p.run(&["build", "--quiet"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        link_urls(&pdf),
        ["https://sop.example.go.id/dinas/umum/surat-masuk/"]
    );
}

/// The horizontal rules on the identity page that are not table rules (0.5 pt): the signer
/// names' underlines, as (length in pt) per segment.
fn underline_segments(slug: &str) -> Vec<f64> {
    use sopan::pdf::renderer::PdfRenderer;
    use sopan::pipeline::theme::Theme;
    use typst::layout::{Abs, Frame, FrameItem};
    use typst::visualize::Geometry;
    fn walk(frame: &Frame, out: &mut Vec<f64>) {
        for (_, item) in frame.items() {
            match item {
                FrameItem::Group(g) => walk(&g.frame, out),
                FrameItem::Shape(shape, _) => {
                    let (Geometry::Line(p), Some(stroke)) = (&shape.geometry, &shape.stroke) else {
                        continue;
                    };
                    if p.y == Abs::zero() && (stroke.thickness - Abs::pt(0.5)).abs() > Abs::pt(0.01)
                    {
                        out.push(p.x.to_pt());
                    }
                }
                _ => {}
            }
        }
    }
    let p = Project::example();
    let l = sopan::load_and_validate(p.path()).unwrap();
    let site = l.site;
    let renderer = PdfRenderer::new(&site, &Theme::embedded(), p.path()).unwrap();
    for i in &site.instansi {
        for b in &i.bidang {
            if let Some(s) = b.sop.iter().find(|s| s.id.slug == slug) {
                let (doc, _) = renderer.sop(&site, i, b, s).unwrap();
                let mut out = Vec::new();
                walk(&doc.pages()[0].frame, &mut out);
                return out;
            }
        }
    }
    panic!("no SOP {slug}");
}

/// "Noor Mita Imandasari, A.Pi, MM": Typst's underline skipped the comma and the descenders,
/// printing a dash per word; the name is now underlined with one continuous rule.
#[test]
fn each_signer_name_has_one_continuous_underline() {
    let segments = underline_segments("surat-masuk");
    // Disahkan oleh and disusun oleh: one rule each, as long as a name.
    assert_eq!(segments.len(), 2, "underline segments: {segments:?}");
    assert!(segments.iter().all(|&w| w > 60.0), "{segments:?}");
}

/// The images of `pdf` as `pdfimages -list` names them: (page, type, width, height).
fn images(pdf: &Path) -> Vec<(usize, String, u32, u32)> {
    let out = Command::new("pdfimages")
        .arg("-list")
        .arg(pdf)
        .output()
        .expect("pdfimages (Debian package poppler-utils)");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .skip(2)
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            Some((
                f[0].parse().ok()?,
                f[2].to_string(),
                f[3].parse().ok()?,
                f[4].parse().ok()?,
            ))
        })
        .collect()
}

/// A logo far larger than print needs (here 600 x 800 px, a scan's size) is embedded in the SOP
/// documents at 300 dpi of its printed 20 mm, 237 px high, its transparency kept; a small one
/// as it is.
#[test]
fn a_large_logo_is_printed_at_print_resolution() {
    let p = Project::base();
    let logo = image::RgbaImage::from_fn(600, 800, |x, y| {
        image::Rgba([
            (x % 251) as u8,
            (y % 241) as u8,
            ((x + y) % 239) as u8,
            if x < 20 { 0 } else { 255 },
        ])
    });
    logo.save(p.path().join("content/dinas/logo.png")).unwrap();
    let instansi = p.read("content/dinas/_instansi.yaml");
    p.write(
        "content/dinas/_instansi.yaml",
        &format!("logo: logo.png\n{instansi}"),
    );
    let r = p.run(&["build", "--quiet"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let pdf = p.path().join("output/dinas/umum/surat-masuk.pdf");
    let found = images(&pdf);
    assert_eq!(
        found,
        [
            (1, "image".to_string(), 178, 237),
            (1, "smask".to_string(), 178, 237)
        ],
        "{}",
        pdf.display()
    );
    let small = image::RgbaImage::from_pixel(90, 120, image::Rgba([10, 120, 40, 255]));
    small.save(p.path().join("content/dinas/logo.png")).unwrap();
    let r = p.run(&["build", "--quiet"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let kept: Vec<(u32, u32)> = images(&pdf).iter().map(|i| (i.2, i.3)).collect();
    assert_eq!(kept, [(90, 120), (90, 120)]);
}

/// Where the identity page's header block (`header`: its words) stands against the rows
/// beside it, in points from the page's top: the header words' top and bottom, the top of
/// "Nomor SOP", the bottom of "Nama SOP" and the top of "DASAR HUKUM" (the boxes).
fn header_extent(pdf: &Path, header: &[&str]) -> (f64, f64, f64, f64, f64) {
    let words = crate::pdf::page_words(pdf, 1);
    let word = |w: &str| {
        words
            .iter()
            .find(|b| b.text == w)
            .unwrap_or_else(|| panic!("no {w} on page 1"))
    };
    let mine: Vec<_> = words
        .iter()
        .filter(|b| header.contains(&b.text.as_str()))
        .collect();
    assert!(!mine.is_empty(), "no header words");
    let y0 = mine.iter().map(|b| b.y0).fold(f64::MAX, f64::min);
    let y1 = mine.iter().map(|b| b.y1).fold(f64::MIN, f64::max);
    (y0, y1, word("Nomor").y0, word("Nama").y1, word("DASAR").y0)
}

/// The header block stands beside the SOP's particulars, centred on their height, whatever
/// its height: a short one is placed over the rows (no table row spanning six), a tall one
/// (logo, long names) goes in the table, whose rows grow to hold it. Never over the boxes.
#[test]
fn the_header_block_is_centred_beside_the_particulars_whatever_its_height() {
    let short = Project::base();
    let r = short.run(&["build", "--quiet"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let pdf = short.path().join("output/dinas/umum/surat-masuk.pdf");
    let header = ["PEMERINTAH", "KOTA", "UJI", "DINAS", "BAGIAN", "UMUM"];
    let (y0, y1, nomor, nama, dasar) = header_extent(&pdf, &header);
    assert!(
        nomor < y0 && y1 < dasar,
        "{y0}..{y1} outside {nomor}..{dasar}"
    );
    // Centred: from the first row's label to the last's, the same middle within 2 pt (the
    // rows are 170 pt tall here; a header at their top would be 60 pt off).
    let (mid, rows) = ((y0 + y1) / 2.0, (nomor + nama) / 2.0);
    assert!(
        (mid - rows).abs() < 2.0,
        "header middle {mid}, rows' {rows}"
    );

    let tall = Project::base();
    let logo = image::RgbaImage::from_pixel(90, 120, image::Rgba([10, 120, 40, 255]));
    logo.save(tall.path().join("content/dinas/logo.png"))
        .unwrap();
    tall.write(
        "content/dinas/_instansi.yaml",
        "logo: logo.png\npemerintah: Pemerintah Kabupaten Uji Coba Panjang Sekali\n\
         nama: Dinas Pemberdayaan Perempuan, Perlindungan Anak, Pengendalian Penduduk dan \
         Keluarga Berencana\nkota: Uji\nkepala:\n  jabatan: Kepala Dinas\n  nama: Budi, S.Sos\n",
    );
    tall.write(
        "content/dinas/umum/_bidang.yaml",
        "nama: Bidang Pengendalian Penduduk, Penyuluhan dan Penggerakan Keluarga Berencana\n\
         urutan: 1\n",
    );
    tall.write(
        "content/dinas/umum/surat-masuk.yaml",
        &format!(
            "seksi: Seksi Advokasi, Komunikasi, Informasi dan Edukasi Keluarga Berencana\n{}",
            crate::support::GOOD_SOP
        ),
    );
    let r = tall.run(&["build", "--quiet"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let pdf = tall.path().join("output/dinas/umum/surat-masuk.pdf");
    assert_eq!(identity_pages(&pdf).len(), 1);
    let header = ["PEMERINTAH", "DINAS", "BIDANG", "SEKSI", "BERENCANA"];
    let (y0, y1, nomor, _, dasar) = header_extent(&pdf, &header);
    // The logo stands above the text: the text's last line ends above the boxes, its first
    // below the logo's 20 mm under the top part's first rule.
    assert!(
        y1 < dasar,
        "header text ends at {y1}, the boxes start at {dasar}"
    );
    assert!(
        y0 > nomor + 20.0 / 25.4 * 72.0,
        "header text from {y0}, rows from {nomor}"
    );
}
