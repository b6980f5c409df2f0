//! The site's flow captions ("Halaman 3 dari 4 dokumen resmi") name the PDF pages the flow is
//! on, as the PDF stage recorded them, also when the identity section takes two pages.

use crate::pdf::{page_count, page_text};
use crate::support::Project;

/// An SOP of 8 steps with `laws` long dasar hukum: past the identity page's 8 pt floor from
/// about 40, so its identity section continues on a "lanjutan" page.
fn sop_with_laws(laws: usize) -> String {
    let dasar: String = (1..=laws)
        .map(|i| {
            format!(
                "  - Peraturan Bupati Tanah Laut Nomor {i} Tahun 2015 tentang Kedudukan, Susunan \
                 Organisasi, Tugas dan Fungsi serta Tata Kerja Dinas Sosial\n"
            )
        })
        .collect();
    let steps: String = (1..=8)
        .map(|i| {
            let actor = if i % 2 == 1 { "Pelayanan" } else { "Kasubbag" };
            format!(
                "  - kegiatan: Memeriksa dan memproses berkas permohonan tahap {i}\n    \
                 pelaksana: {actor}\n    kelengkapan: Berkas\n    waktu: 10 menit\n    \
                 output: Berkas tahap {i}\n"
            )
        })
        .collect();
    format!(
        "nomor: 800/01/2024\nnama: Layanan Uji Halaman\ntanggal_pembuatan: 2022-07-01\n\
         dasar_hukum:\n{dasar}pelaksana: [Pelayanan, Kasubbag]\nlangkah:\n{steps}"
    )
}

/// The PDF pages (from 1) that begin with the flow's heading.
fn flow_pages(pdf: &std::path::Path) -> Vec<usize> {
    (1..=page_count(pdf))
        .filter(|&n| page_text(pdf, n).trim_start().starts_with("FLOWCHART SOP"))
        .collect()
}

/// The (page, of) pairs of the SOP page's flow captions.
fn captions(html: &str) -> Vec<(usize, usize)> {
    html.split("<figcaption>Halaman ")
        .skip(1)
        .map(|rest| {
            let words: Vec<&str> = rest.split_whitespace().take(3).collect();
            assert_eq!(words[1], "dari", "{rest}");
            (words[0].parse().unwrap(), words[2].parse().unwrap())
        })
        .collect()
}

#[test]
fn flow_captions_name_the_pdf_pages_when_the_identity_section_takes_two() {
    for laws in [3, 60] {
        let p = Project::base();
        p.write("content/dinas/umum/surat-masuk.yaml", &sop_with_laws(laws));
        let r = p.run(&["build", "--quiet"]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let pdf = p.path().join("output/dinas/umum/surat-masuk.pdf");
        let flow = flow_pages(&pdf);
        assert!(!flow.is_empty(), "no flow page");
        let identity = flow[0] - 1;
        if laws == 60 {
            assert!(identity >= 2, "60 laws on {identity} identity page(s)");
            assert!(page_text(&pdf, 2).contains("lanjutan"));
        } else {
            assert_eq!(identity, 1);
        }
        let html = p.read("output/dinas/umum/surat-masuk/index.html");
        let total = page_count(&pdf);
        let want: Vec<(usize, usize)> = flow.iter().map(|&n| (n, total)).collect();
        assert_eq!(captions(&html), want, "{laws} laws");
        // The full-size links and the PDF links open the same pages.
        for n in &flow {
            assert!(
                html.contains(&format!("surat-masuk.pdf#page={n}\"")),
                "no PDF link to page {n}"
            );
        }
    }
}
