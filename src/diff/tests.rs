//! Unit tests of the SOP diff over small SOPs written as YAML.

use std::path::Path;

use crate::diff::{Butir, Nasib, SopDiff, diff_sop};
use crate::load::sop_from_text;
use crate::model::id::SopId;
use crate::model::org::Pejabat;
use crate::model::sop::Sop;

const BASE: &str = r#"
nomor: "800/1"
nama: Surat Masuk
tanggal_revisi: 2022-07-01
disahkan_oleh:
  jabatan: Kepala Dinas
  nama: Eko Trianto
dasar_hukum:
  - UU No. 32 Tahun 2004 tentang Pemerintahan Daerah
  - Peraturan Bupati Nomor 37 Tahun 2017
peralatan_perlengkapan: [Komputer, Printer]
pelaksana: [Pelayanan, Kasi, Kabid]
langkah:
  - kegiatan: Menerima surat masuk
    pelaksana: Pelayanan
    waktu: 5 menit
    output: Surat
  - kegiatan: Memeriksa kelengkapan surat
    pelaksana: Kasi
    jenis: keputusan
    tidak: 1
    waktu: 10 menit
    output: Surat lengkap
  - kegiatan: Mendisposisikan surat kepada bidang
    pelaksana: Kabid
    waktu: 15 menit
    output: Disposisi
  - kegiatan: Mengarsipkan surat
    pelaksana: Pelayanan
    waktu: 5 menit
    output: Arsip
"#;

fn sop(yaml: &str) -> Sop {
    let (s, diags) = sop_from_text(
        Path::new("x.yaml"),
        yaml,
        SopId::new("i", "b", "x"),
        &Pejabat::default(),
    );
    let errors: Vec<_> = diags
        .iter()
        .filter(|d| d.severity == crate::core::diag::Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    s.expect("parsed")
}

/// Changed fields as (field, before, after).
fn fields(u: &[crate::diff::Ubah]) -> Vec<(&str, &str, &str)> {
    u.iter()
        .map(|u| (u.kolom.as_str(), u.lama.as_str(), u.baru.as_str()))
        .collect()
}

fn diff(old: &str, new: &str) -> SopDiff {
    diff_sop(&sop(old), &sop(new))
}

/// The steps as "nasib old→new" strings, for compact assertions.
fn steps(d: &SopDiff) -> Vec<String> {
    d.langkah
        .as_ref()
        .expect("steps changed")
        .iter()
        .map(|l| {
            let n = |x: Option<usize>| x.map_or("-".to_string(), |v| v.to_string());
            let mark = match l.nasib {
                Nasib::Sama => "=",
                Nasib::Tambah => "+",
                Nasib::Hapus => "-",
                Nasib::Ubah => "~",
            };
            format!(
                "{mark}{}{}>{}",
                if l.dipindah { "pindah " } else { "" },
                n(l.nomor_lama),
                n(l.nomor_baru)
            )
        })
        .collect()
}

#[test]
fn equal_versions_have_no_difference() {
    assert!(diff(BASE, BASE).is_empty());
}

#[test]
fn an_inserted_step_is_one_insertion_and_targets_follow_their_step() {
    let new = BASE.replace(
        "  - kegiatan: Memeriksa kelengkapan surat",
        "  - kegiatan: Mencatat surat di buku agenda\n    pelaksana: Pelayanan\n    waktu: 5 menit\n  - kegiatan: Memeriksa kelengkapan surat",
    );
    let d = diff(BASE, &new);
    assert_eq!(steps(&d), ["=1>1", "+->2", "=2>3", "=3>4", "=4>5"]);
    // `tidak: 1` still leads to the first step: no change reported for the decision.
    assert!(d.identitas.is_empty() && d.daftar.is_empty());
    assert_eq!(
        d.total_waktu.as_ref().map(|t| t.baru.as_str()),
        Some("40 menit")
    );
}

#[test]
fn a_deleted_step_is_one_deletion_shown_in_place() {
    let new = BASE.replace(
        "  - kegiatan: Mendisposisikan surat kepada bidang\n    pelaksana: Kabid\n    waktu: 15 menit\n    output: Disposisi\n",
        "",
    );
    let d = diff(
        BASE,
        &new.replace(
            "pelaksana: [Pelayanan, Kasi, Kabid]",
            "pelaksana: [Pelayanan, Kasi]",
        ),
    );
    assert_eq!(steps(&d), ["=1>1", "=2>2", "-3>-", "=4>3"]);
    assert_eq!(d.pelaksana.hapus, ["Kabid"]);
    let t = d.total_waktu.expect("time changed");
    assert_eq!((t.lama.as_str(), t.baru.as_str()), ("35 menit", "20 menit"));
}

#[test]
fn a_moved_step_is_a_move_not_two_changes() {
    let arsip = "  - kegiatan: Mengarsipkan surat\n    pelaksana: Pelayanan\n    waktu: 5 menit\n    output: Arsip\n";
    let new = BASE.replace(arsip, "").replace(
        "  - kegiatan: Memeriksa kelengkapan surat",
        &format!("{arsip}  - kegiatan: Memeriksa kelengkapan surat"),
    );
    let d = diff(BASE, &new);
    assert_eq!(steps(&d), ["=1>1", "=pindah 4>2", "=2>3", "=3>4"]);
}

#[test]
fn each_changed_step_field_is_reported() {
    let new = BASE
        .replace("    pelaksana: Kasi\n    jenis: keputusan\n    tidak: 1\n    waktu: 10 menit\n    output: Surat lengkap",
                 "    pelaksana: Kabid\n    jenis: keputusan\n    tidak: selesai\n    waktu: 1 jam\n    output: Surat lengkap dan sah\n    kelengkapan: Surat\n    keterangan: SOP Surat Keluar")
        .replace("Menerima surat masuk", "Menerima surat masuk dari pengirim");
    let d = diff(BASE, &new);
    let l = d.langkah.as_ref().unwrap();
    assert_eq!(l[0].nasib, Nasib::Ubah);
    assert_eq!(l[0].kolom[0].kolom, "Kegiatan");
    let changed = fields(&l[1].kolom);
    assert_eq!(
        changed,
        [
            ("Pelaksana", "Kasi", "Kabid"),
            ("Jika tidak", "langkah 1", "selesai"),
            ("Kelengkapan", "", "Surat"),
            ("Waktu", "10 menit", "1 jam"),
            ("Output", "Surat lengkap", "Surat lengkap dan sah"),
            ("Keterangan", "", "SOP Surat Keluar"),
        ]
    );
    // Kasi still acts nowhere else, so it is a removed actor, not a rename (Kabid already existed).
    let t = d.total_waktu.expect("time changed");
    assert_eq!(
        (t.lama.as_str(), t.baru.as_str()),
        ("35 menit", "1 jam 25 menit")
    );
}

#[test]
fn a_renamed_actor_is_one_rename_not_step_changes() {
    let new = BASE
        .replace(
            "pelaksana: [Pelayanan, Kasi, Kabid]",
            "pelaksana: [Pelayanan, Kasubbag, Kabid]",
        )
        .replace("    pelaksana: Kasi\n", "    pelaksana: Kasubbag\n");
    let d = diff(BASE, &new);
    assert_eq!(d.pelaksana.ganti_nama.len(), 1);
    assert_eq!(d.pelaksana.ganti_nama[0].lama, "Kasi");
    assert_eq!(d.pelaksana.ganti_nama[0].baru, "Kasubbag");
    assert!(d.pelaksana.tambah.is_empty() && d.pelaksana.hapus.is_empty());
    assert!(d.langkah.is_none(), "no step reported for a rename");
}

#[test]
fn identity_and_signer_changes_are_fields() {
    let new = BASE
        .replace("nomor: \"800/1\"", "nomor: \"800/2\"")
        .replace("tanggal_revisi: 2022-07-01", "tanggal_revisi: 2024-01-15")
        .replace("  nama: Eko Trianto", "  nama: M. Syafudin Zuhri");
    let d = diff(BASE, &new);
    let got = fields(&d.identitas);
    assert_eq!(
        got,
        [
            ("Nomor SOP", "800/1", "800/2"),
            ("Tanggal revisi", "01 Juli 2022", "15 Januari 2024"),
            ("Disahkan oleh: nama", "Eko Trianto", "M. Syafudin Zuhri"),
        ]
    );
}

#[test]
fn list_edits_are_item_by_item_with_words() {
    let new = BASE
        .replace(
            "  - UU No. 32 Tahun 2004 tentang Pemerintahan Daerah",
            "  - UU No. 23 Tahun 2014 tentang Pemerintahan Daerah",
        )
        .replace("[Komputer, Printer]", "[Komputer, Pemindai, Printer]")
        .replace("  - Peraturan Bupati Nomor 37 Tahun 2017\n", "");
    let d = diff(BASE, &new);
    let hukum = &d.daftar[0];
    assert_eq!(hukum.kolom, "Dasar hukum");
    assert!(
        matches!(&hukum.butir[0], Butir::Ubah { kata, .. } if kata.len() == 7),
        "{:?}",
        hukum.butir
    );
    assert!(
        matches!(&hukum.butir[1], Butir::Hapus { teks } if teks.starts_with("Peraturan Bupati"))
    );
    let alat = &d.daftar[1];
    assert_eq!(alat.kolom, "Peralatan/perlengkapan");
    let kinds: Vec<String> = alat
        .butir
        .iter()
        .map(|b| match b {
            Butir::Sama { teks } => format!("={teks}"),
            Butir::Tambah { teks } => format!("+{teks}"),
            Butir::Hapus { teks } => format!("-{teks}"),
            Butir::Ubah { baru, .. } => format!("~{baru}"),
        })
        .collect();
    assert_eq!(kinds, ["=Komputer", "+Pemindai", "=Printer"]);
}

#[test]
fn a_retargeted_decision_is_reported_with_step_numbers() {
    let new = BASE.replace("    tidak: 1\n", "    tidak: 4\n");
    let d = diff(BASE, &new);
    let l = d.langkah.as_ref().unwrap();
    assert_eq!(l[1].kolom[0].kolom, "Jika tidak");
    assert_eq!(
        (l[1].kolom[0].lama.as_str(), l[1].kolom[0].baru.as_str()),
        ("langkah 1", "langkah 4")
    );
}

#[test]
fn becoming_a_decision_and_a_new_ya_target_are_reported() {
    let new = BASE.replace(
        "  - kegiatan: Mendisposisikan surat kepada bidang\n    pelaksana: Kabid\n",
        "  - kegiatan: Mendisposisikan surat kepada bidang\n    pelaksana: Kabid\n    jenis: keputusan\n    tidak: 1\n    ya: selesai\n",
    );
    let d = diff(BASE, &new);
    let l = &d.langkah.as_ref().unwrap()[2];
    let changed = fields(&l.kolom);
    assert_eq!(
        changed,
        [
            ("Simbol", "proses", "keputusan"),
            ("Jika ya", "", "selesai"),
            ("Jika tidak", "", "langkah 1"),
        ]
    );
}
