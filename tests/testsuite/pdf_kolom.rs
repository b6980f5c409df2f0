//! The flow table's columns: sized to their content, words never leaving their cell.
//!
//! Each test failed on the fixed-width layout (run with `SOPAN_KOLOM_SEBELUM=<older binary>`).

use std::path::Path;
use std::process::Command;

use crate::pdf::{page_count, page_words};
use crate::support::Project;

/// One word as poppler places it, in millimetres from the page's top left corner.
#[derive(Debug, Clone)]
struct Word {
    x0: f64,
    y0: f64,
    x1: f64,
    text: String,
}

/// The words of one page with their boxes, in millimetres.
fn words(path: &Path, page: usize) -> Vec<Word> {
    let mm = |pt: f64| pt * 25.4 / 72.0;
    page_words(path, page)
        .into_iter()
        .map(|w| Word {
            x0: mm(w.x0),
            y0: mm(w.y0),
            x1: mm(w.x1),
            text: w.text,
        })
        .collect()
}

fn sop(project: &Project, slug: &str, yaml: &str) -> std::path::PathBuf {
    project.write(&format!("content/dinas/umum/{slug}.yaml"), yaml);
    // `SOPAN_KOLOM_SEBELUM=<older sopan binary>` builds with that one instead: how these tests
    // were seen to fail on the layout before content-aware columns.
    if let Ok(bin) = std::env::var("SOPAN_KOLOM_SEBELUM") {
        let st = Command::new(bin)
            .args(["build", "--quiet"])
            .current_dir(project.path())
            .status()
            .unwrap();
        assert!(st.success());
    } else {
        let run = project.run(&["build", "--quiet"]);
        assert_eq!(run.code, 0, "{run:?}");
    }
    project.path().join(format!("output/dinas/umum/{slug}.pdf"))
}

/// A short identity (nothing but nama and nomor) so only the flow pages count.
fn steps_yaml(pelaksana: &[&str], steps: &[(&str, &str, &[&str], &str, &str)]) -> String {
    let mut y = String::from("nomor: \"9\"\nnama: Uji Kolom\npelaksana:\n");
    for p in pelaksana {
        y += &format!("  - {p}\n");
    }
    y += "langkah:\n";
    for (kegiatan, who, kel, output, ket) in steps {
        y += &format!("  - kegiatan: {kegiatan}\n    pelaksana: {who}\n    waktu: 5 menit\n");
        if !kel.is_empty() {
            y += "    kelengkapan:\n";
            for k in *kel {
                y += &format!("      - {k}\n");
            }
        }
        if !output.is_empty() {
            y += &format!("    output: {output}\n");
        }
        if !ket.is_empty() {
            y += &format!("    keterangan: {ket}\n");
        }
    }
    y
}

#[test]
fn eight_steps_with_ten_requirements_fit_one_flow_page_on_f4() {
    let p = Project::fixture("pdf");
    let kel: &[&str] = &[
        "Surat permohonan dari lembaga yang ditandatangani ketua",
        "Akta notaris pendirian lembaga (bukti berbadan hukum)",
        "Anggaran dasar dan anggaran rumah tangga lembaga",
        "Fotokopi KTP ketua, sekretaris dan bendahara lembaga",
        "Rekening bank atas nama lembaga dan NPWP lembaga",
        "Program layanan lembaga untuk tahun berjalan",
        "Rekapitulasi data jenis dan jumlah warga binaan",
        "Rekapitulasi data staf pelaksana lembaga",
        "Surat keterangan domisili dari kelurahan setempat",
        "Foto kegiatan lembaga tiga bulan terakhir",
    ];
    let who = [
        "Pemohon",
        "Petugas Loket",
        "Staf Teknis",
        "Kepala Bidang",
        "Kepala Dinas",
    ];
    let mut steps: Vec<(&str, &str, &[&str], &str, &str)> = vec![(
        "Pemohon datang dengan membawa semua persyaratan yang ditentukan",
        who[0],
        kel,
        "Berkas permohonan lengkap",
        "",
    )];
    let rest = [
        (
            "Memeriksa kelengkapan berkas permohonan dan mencatat di buku registrasi",
            1,
        ),
        (
            "Memverifikasi berkas dan menyiapkan jadwal kunjungan lapangan",
            2,
        ),
        ("Melaksanakan kunjungan lokasi dan menyusun berita acara", 2),
        ("Menyusun draf surat tanda daftar lembaga", 2),
        ("Memeriksa dan memaraf draf surat tanda daftar", 3),
        ("Menandatangani surat tanda daftar lembaga", 4),
        ("Menyerahkan surat tanda daftar kepada pemohon", 1),
    ];
    for (k, a) in rest {
        steps.push((k, who[a], &["Berkas permohonan"], "Surat", ""));
    }
    let pdf = sop(&p, "delapan", &steps_yaml(&who, &steps));
    assert_eq!(
        page_count(&pdf),
        2,
        "identity page + one flow page on F4 landscape"
    );
}

/// The x where the text of the column holding `header` starts, from a cell of that column.
fn left_of(words: &[Word], text: &str) -> f64 {
    words
        .iter()
        .find(|w| w.text == text)
        .unwrap_or_else(|| panic!("{text} not on the page: {words:?}"))
        .x0
}

#[test]
fn a_long_word_in_a_narrow_column_stays_in_its_cell() {
    let p = Project::fixture("pdf");
    let who: Vec<String> = (1..=11).map(|k| format!("Pejabat{k}")).collect();
    let who: Vec<&str> = who.iter().map(String::as_str).collect();
    let long = "Kegiatan panjang untuk mengisi kolom kegiatan dengan beberapa kata tambahan";
    let kel: &[&str] = &["Dokumen usulan yang lengkap dan benar"];
    let mut steps: Vec<(&str, &str, &[&str], &str, &str)> = Vec::new();
    steps.push((long, who[0], kel, "Pertanggungjawaban", "Catatan"));
    for a in &who[1..] {
        steps.push((long, a, kel, "Surat", ""));
    }
    let pdf = sop(&p, "sempit", &steps_yaml(&who, &steps));
    let page = words(&pdf, 2);
    // The Keterangan cell's text starts 1.2 mm right of the Output column's right rule.
    let rule = left_of(&page, "Catatan") - 1.2;
    let target = "Pertanggungjawaban";
    let pieces: Vec<&Word> = page
        .iter()
        .filter(|w| {
            let t: String = w.text.chars().filter(|c| c.is_alphabetic()).collect();
            t.len() >= 3 && target.contains(&t)
        })
        .collect();
    let whole: String = pieces
        .iter()
        .flat_map(|w| w.text.chars().filter(|c| c.is_alphabetic()))
        .collect();
    assert_eq!(whole, target, "the word prints whole: {pieces:?}");
    for w in &pieces {
        assert!(
            w.x1 <= rule + 0.2,
            "{:?} ends at {:.1} mm, past the column rule at {rule:.1} mm",
            w.text,
            w.x1
        );
    }
}

#[test]
fn an_empty_keterangan_column_is_narrow() {
    let p = Project::fixture("pdf");
    let who = ["Pemohon", "Petugas", "Kepala"];
    let kel: &[&str] = &["Surat permohonan", "KTP"];
    let steps: Vec<(&str, &str, &[&str], &str, &str)> = vec![
        ("Mengajukan permohonan", who[0], kel, "Berkas", ""),
        ("Memeriksa berkas", who[1], kel, "Berkas", ""),
        ("Menandatangani surat", who[2], kel, "Surat", ""),
    ];
    let pdf = sop(&p, "kosong", &steps_yaml(&who, &steps));
    let page = words(&pdf, 2);
    let head = page
        .iter()
        .find(|w| w.text == "Keterangan")
        .expect("Keterangan header");
    // The column ends at the right margin (330 mm landscape F4, 12 mm margin) and centres its
    // header, so its width is twice the distance from the header's centre to the margin.
    let right = 330.0 - 12.0;
    let width = 2.0 * (right - (head.x0 + head.x1) / 2.0);
    let word = head.x1 - head.x0;
    assert!(
        width - word < 5.0,
        "an empty Keterangan column is {width:.1} mm wide for a {word:.1} mm header"
    );
    let _ = head.y0;
}

/// The `/Alt` texts of the PDF's `/Figure` structure elements (`qpdf --json`).
fn figure_alts(path: &Path) -> Vec<String> {
    let out = Command::new("qpdf")
        .arg("--json")
        .arg(path)
        .output()
        .expect("qpdf");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    json["qpdf"][1]
        .as_object()
        .unwrap()
        .values()
        .filter_map(|o| {
            let v = &o["value"];
            (v["/S"] == "/Figure").then(|| v["/Alt"].as_str().map(String::from))?
        })
        .map(|a| a.strip_prefix("u:").unwrap_or(&a).to_string())
        .collect()
}

#[test]
fn the_flowchart_has_an_alternative_text_describing_the_flow() {
    let p = Project::fixture("pdf");
    let yaml = "nomor: \"9\"\nnama: Uji Alur\npelaksana: [Pemohon, Petugas, Kepala]\nlangkah:
  - kegiatan: Mengajukan permohonan
    pelaksana: Pemohon
  - kegiatan: Memeriksa berkas
    pelaksana: Petugas
    tidak: 1
  - kegiatan: Menandatangani surat
    pelaksana: [Kepala, Petugas]
";
    let pdf = sop(&p, "alur", yaml);
    let alts = figure_alts(&pdf);
    let flow: Vec<&String> = alts.iter().filter(|a| a.contains("Bagan alir")).collect();
    assert_eq!(flow.len(), 1, "{alts:?}");
    for part in [
        "Bagan alir Uji Alur: 3 langkah",
        "Langkah 1 (Pemohon), mulai: Mengajukan permohonan; lanjut ke langkah 2.",
        "Langkah 2 (Petugas), keputusan: Memeriksa berkas; Ya ke langkah 3, Tidak ke langkah 1.",
        "Langkah 3 (Kepala bersama Petugas), selesai: Menandatangani surat.",
    ] {
        assert!(flow[0].contains(part), "{part:?} not in {:?}", flow[0]);
    }
}
