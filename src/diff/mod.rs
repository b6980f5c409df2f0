//! Diff: what changed between two versions of an SOP, as auditors ask it (identity, each box item
//! by item, actors, steps aligned by content, total time): a pure function over the model, with
//! renderers for the terminal (`teks`), HTML (site and report) and JSON.

pub(crate) mod align;
pub(crate) mod project;
pub(crate) mod sides;
pub(crate) mod teks;
pub(crate) mod words;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::diff::align::{Alignment, align};
use crate::diff::words::{Potongan, words};
use crate::model::org::Pejabat;
use crate::model::sop::{Identifikasi, Jenis, Keterkaitan, Langkah, Sop, Tujuan};

/// Everything that differs between two versions of one SOP.
#[derive(Clone, Debug, Serialize)]
pub struct SopDiff {
    /// The SOP's id (the new side's).
    pub id: String,
    /// Its nama on the new side.
    pub nama: String,
    /// Identity fields that changed: nomor, nama, seksi, dates, signers, identifikasi.
    pub(crate) identitas: Vec<Ubah>,
    /// The boxes with any item changed (every item listed, unchanged ones for context).
    pub daftar: Vec<Daftar>,
    /// Actors added, removed, renamed.
    pub pelaksana: Pelaksana,
    /// Every step, old and new, in reading order; `None` when no step changed.
    pub langkah: Option<Vec<LangkahDiff>>,
    /// Total time before and after, when it changed.
    pub total_waktu: Option<Sebelum>,
}

impl SopDiff {
    /// Whether the two versions say the same.
    pub fn is_empty(&self) -> bool {
        self.identitas.is_empty()
            && self.daftar.is_empty()
            && self.pelaksana.is_empty()
            && self.langkah.is_none()
            && self.total_waktu.is_none()
    }
}

/// A value before and after.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Sebelum {
    /// Before.
    pub lama: String,
    /// After.
    pub baru: String,
}

/// One field that changed, with its words marked.
#[derive(Clone, Debug, Serialize)]
pub struct Ubah {
    /// The field as the form names it ("Nomor SOP", "Waktu").
    pub kolom: String,
    /// Before ("" when absent).
    pub lama: String,
    /// After ("" when absent).
    pub baru: String,
    /// Word-level runs from `lama` to `baru`.
    pub kata: Vec<Potongan>,
}

impl Ubah {
    fn new(kolom: &str, lama: String, baru: String) -> Self {
        Ubah {
            kolom: kolom.to_string(),
            kata: words(&lama, &baru),
            lama,
            baru,
        }
    }
}

/// One box (Dasar Hukum, Peralatan, …) compared item by item.
#[derive(Clone, Debug, Serialize)]
pub struct Daftar {
    /// The box as the form names it.
    pub kolom: String,
    /// Every item of both versions, in reading order.
    pub(crate) butir: Vec<Butir>,
}

/// One item of a box.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "perubahan", rename_all = "snake_case")]
pub(crate) enum Butir {
    /// In both versions.
    Sama {
        /// The text.
        teks: String,
    },
    /// Only in the new version.
    Tambah {
        /// The text.
        teks: String,
    },
    /// Only in the old version.
    Hapus {
        /// The text.
        teks: String,
    },
    /// Reworded.
    Ubah {
        /// Before.
        lama: String,
        /// After.
        baru: String,
        /// Word-level runs.
        kata: Vec<Potongan>,
    },
}

/// Changes to the actor columns.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Pelaksana {
    /// New actors.
    pub(crate) tambah: Vec<String>,
    /// Actors gone.
    pub(crate) hapus: Vec<String>,
    /// Actors renamed: every step the old name acted in is acted by the new one.
    pub(crate) ganti_nama: Vec<Sebelum>,
}

impl Pelaksana {
    /// Whether the actors are the same.
    pub fn is_empty(&self) -> bool {
        self.tambah.is_empty() && self.hapus.is_empty() && self.ganti_nama.is_empty()
    }
}

/// What happened to one step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Nasib {
    /// Unchanged (it may have a new number).
    Sama,
    /// New.
    Tambah,
    /// Removed.
    Hapus,
    /// Some field changed.
    Ubah,
}

/// One step of either version.
#[derive(Clone, Debug, Serialize)]
pub struct LangkahDiff {
    /// Unchanged, added, removed or changed.
    pub nasib: Nasib,
    /// Its number in the old version.
    pub(crate) nomor_lama: Option<usize>,
    /// Its number in the new version.
    pub(crate) nomor_baru: Option<usize>,
    /// Kegiatan (the new text when it changed).
    pub kegiatan: String,
    /// Taken from another place in the order.
    pub(crate) dipindah: bool,
    /// The fields that changed (kegiatan first).
    pub kolom: Vec<Ubah>,
}

/// Compares two versions of an SOP.
pub fn diff_sop(old: &Sop, new: &Sop) -> SopDiff {
    let mut identitas = Vec::new();
    let mut field = |kolom: &str, a: String, b: String| {
        if a != b {
            identitas.push(Ubah::new(kolom, a, b));
        }
    };
    field("Nomor SOP", old.nomor.clone(), new.nomor.clone());
    field("Nama SOP", old.nama.clone(), new.nama.clone());
    field("Seksi", opt(&old.seksi), opt(&new.seksi));
    let date =
        |t: Option<crate::model::tanggal::Tanggal>| t.map(|t| t.indonesia()).unwrap_or_default();
    field(
        "Tanggal pembuatan",
        date(old.tanggal_pembuatan),
        date(new.tanggal_pembuatan),
    );
    field(
        "Tanggal revisi",
        date(old.tanggal_revisi),
        date(new.tanggal_revisi),
    );
    field(
        "Tanggal efektif",
        date(old.tanggal_efektif),
        date(new.tanggal_efektif),
    );
    for (label, a, b) in [
        (
            "Disahkan oleh",
            Some(&old.disahkan_oleh),
            Some(&new.disahkan_oleh),
        ),
        (
            "Disusun oleh",
            old.disusun_oleh.as_ref(),
            new.disusun_oleh.as_ref(),
        ),
    ] {
        for (part, f) in PEJABAT_PARTS {
            field(
                &format!("{label}: {part}"),
                a.map(f).unwrap_or_default(),
                b.map(f).unwrap_or_default(),
            );
        }
    }
    let (io, inew) = (
        identifikasi_fields(old.identifikasi.as_ref()),
        identifikasi_fields(new.identifikasi.as_ref()),
    );
    for ((label, a), (_, b)) in io.into_iter().zip(inew) {
        field(label, a, b);
    }

    let mut daftar = Vec::new();
    for (kolom, a, b) in lists(old)
        .into_iter()
        .zip(lists(new))
        .map(|((k, a), (_, b))| (k, a, b))
    {
        if a != b {
            daftar.push(Daftar {
                kolom: kolom.to_string(),
                butir: list_diff(&a, &b),
            });
        }
    }

    let keys = |s: &Sop| {
        s.langkah
            .iter()
            .map(|l| l.kegiatan.clone())
            .collect::<Vec<_>>()
    };
    let alignment = align(&keys(old), &keys(new));
    let pelaksana = actors(old, new, &alignment);
    let renames: BTreeMap<&str, &str> = pelaksana
        .ganti_nama
        .iter()
        .map(|r| (r.lama.as_str(), r.baru.as_str()))
        .collect();
    let langkah = steps(old, new, &alignment, &renames);
    let langkah = langkah
        .iter()
        .any(|l| l.nasib != Nasib::Sama || l.dipindah)
        .then_some(langkah);
    let (ta, tb) = (old.total_waktu.teks(), new.total_waktu.teks());
    SopDiff {
        id: new.id.to_string(),
        nama: new.nama.clone(),
        identitas,
        daftar,
        pelaksana,
        langkah,
        total_waktu: (ta != tb).then_some(Sebelum { lama: ta, baru: tb }),
    }
}

fn opt(s: &Option<String>) -> String {
    s.clone().unwrap_or_default()
}

type PejabatPart = fn(&Pejabat) -> String;

/// A signer compared part by part, so "who now signs" reads as the name that changed.
const PEJABAT_PARTS: [(&str, PejabatPart); 4] = [
    ("jabatan", |p| p.jabatan.clone()),
    ("nama", |p| p.nama.clone()),
    ("pangkat", |p| p.pangkat.clone().unwrap_or_default()),
    ("NIP", |p| {
        p.nip.as_ref().map(|n| n.grouped()).unwrap_or_default()
    }),
];

fn identifikasi_fields(i: Option<&Identifikasi>) -> Vec<(&'static str, String)> {
    let d = Identifikasi::default();
    let i = i.unwrap_or(&d);
    vec![
        ("Identifikasi: tugas", opt(&i.tugas)),
        ("Identifikasi: fungsi", opt(&i.fungsi)),
        ("Identifikasi: sub fungsi", opt(&i.sub_fungsi)),
        ("Identifikasi: output", opt(&i.output)),
        ("Identifikasi: aspek", opt(&i.aspek)),
        ("Identifikasi: jenis kegiatan", opt(&i.jenis_kegiatan)),
        (
            "Identifikasi: penanggung jawab produk",
            opt(&i.penanggung_jawab_produk),
        ),
        (
            "Identifikasi: penanggung jawab kegiatan",
            opt(&i.penanggung_jawab_kegiatan),
        ),
        ("Identifikasi: ruang lingkup", opt(&i.ruang_lingkup)),
    ]
}

/// The boxes of the identity page (and the worksheets' lists), in form order.
fn lists(s: &Sop) -> Vec<(&'static str, Vec<String>)> {
    let keterkaitan = s
        .keterkaitan
        .iter()
        .map(|k| match k {
            Keterkaitan::Teks { teks } => teks.clone(),
            Keterkaitan::Sop { id, nama } if nama.is_empty() => format!("SOP {id}"),
            Keterkaitan::Sop { nama, .. } => format!("SOP {nama}"),
        })
        .collect();
    let d = Identifikasi::default();
    let i = s.identifikasi.as_ref().unwrap_or(&d);
    vec![
        ("Dasar hukum", s.dasar_hukum.clone()),
        ("Kualifikasi pelaksana", s.kualifikasi_pelaksana.clone()),
        ("Keterkaitan", keterkaitan),
        ("Peralatan/perlengkapan", s.peralatan_perlengkapan.clone()),
        ("Peringatan", s.peringatan.clone()),
        ("Pencatatan dan pendataan", s.pencatatan_pendataan.clone()),
        ("Identifikasi kegiatan: awal", i.kegiatan.awal.clone()),
        ("Identifikasi kegiatan: utama", i.kegiatan.utama.clone()),
        ("Identifikasi kegiatan: akhir", i.kegiatan.akhir.clone()),
        ("Identifikasi langkah: awal", i.langkah.awal.clone()),
        ("Identifikasi langkah: utama", i.langkah.utama.clone()),
        ("Identifikasi langkah: akhir", i.langkah.akhir.clone()),
    ]
}

/// Every item of both lists in reading order: kept, reworded, added, removed.
fn list_diff(old: &[String], new: &[String]) -> Vec<Butir> {
    let a = align(old, new);
    let mut out: Vec<(i64, i64, Butir)> = Vec::new();
    for (j, text) in new.iter().enumerate() {
        let butir = match a.old_of(j) {
            Some(i) if old[i] == *text => Butir::Sama { teks: text.clone() },
            Some(i) => Butir::Ubah {
                lama: old[i].clone(),
                baru: text.clone(),
                kata: words(&old[i], text),
            },
            None => Butir::Tambah { teks: text.clone() },
        };
        out.push((2 * j as i64 + 1, 0, butir));
    }
    for (i, text) in old.iter().enumerate() {
        if a.new_of(i).is_none() {
            out.push((
                removed_slot(&a, i),
                i as i64,
                Butir::Hapus { teks: text.clone() },
            ));
        }
    }
    out.sort_by_key(|e| (e.0, e.1));
    out.into_iter().map(|e| e.2).collect()
}

/// Where a removed old item `i` is shown among the new items: right after the new place of the
/// nearest kept item before it (new item `j` sits at slot `2j + 1`).
fn removed_slot(a: &Alignment, i: usize) -> i64 {
    (0..i)
        .rev()
        .find_map(|k| a.new_of(k))
        .map_or(0, |j| 2 * j as i64 + 2)
}

/// Actors added and removed; a removed actor whose every matched step is now acted by one added
/// actor (and only those) was renamed.
fn actors(old: &Sop, new: &Sop, a: &Alignment) -> Pelaksana {
    let hapus: Vec<String> = old
        .pelaksana
        .iter()
        .filter(|p| !new.pelaksana.contains(p))
        .cloned()
        .collect();
    let tambah: Vec<String> = new
        .pelaksana
        .iter()
        .filter(|p| !old.pelaksana.contains(p))
        .cloned()
        .collect();
    let mut ganti_nama = Vec::new();
    let mut taken: Vec<&String> = Vec::new();
    for r in &hapus {
        let found = tambah.iter().filter(|d| !taken.contains(d)).find(|d| {
            let mut shared = 0;
            for &(i, j) in &a.pairs {
                let had = old.langkah[i].pelaksana.contains(r);
                let has = new.langkah[j].pelaksana.contains(d);
                if had != has {
                    return false;
                }
                shared += usize::from(had);
            }
            shared > 0
        });
        if let Some(d) = found {
            taken.push(d);
            ganti_nama.push(Sebelum {
                lama: r.clone(),
                baru: d.clone(),
            });
        }
    }
    Pelaksana {
        tambah: tambah
            .iter()
            .filter(|d| !taken.contains(d))
            .cloned()
            .collect(),
        hapus: hapus
            .iter()
            .filter(|r| !ganti_nama.iter().any(|g| &&g.lama == r))
            .cloned()
            .collect(),
        ganti_nama,
    }
}

/// Every step of both versions in reading order, matched steps compared field by field.
fn steps(old: &Sop, new: &Sop, a: &Alignment, renames: &BTreeMap<&str, &str>) -> Vec<LangkahDiff> {
    let mut out: Vec<(i64, i64, LangkahDiff)> = Vec::new();
    for (j, n) in new.langkah.iter().enumerate() {
        let entry = match a.old_of(j) {
            Some(i) => {
                let kolom = step_fields(&old.langkah[i], n, a, renames);
                LangkahDiff {
                    nasib: if kolom.is_empty() {
                        Nasib::Sama
                    } else {
                        Nasib::Ubah
                    },
                    nomor_lama: Some(i + 1),
                    nomor_baru: Some(j + 1),
                    kegiatan: n.kegiatan.clone(),
                    dipindah: a.moved.contains(&i),
                    kolom,
                }
            }
            None => LangkahDiff {
                nasib: Nasib::Tambah,
                nomor_lama: None,
                nomor_baru: Some(j + 1),
                kegiatan: n.kegiatan.clone(),
                dipindah: false,
                kolom: Vec::new(),
            },
        };
        out.push((2 * j as i64 + 1, 0, entry));
    }
    for (i, o) in old.langkah.iter().enumerate() {
        if a.new_of(i).is_none() {
            out.push((
                removed_slot(a, i),
                i as i64,
                LangkahDiff {
                    nasib: Nasib::Hapus,
                    nomor_lama: Some(i + 1),
                    nomor_baru: None,
                    kegiatan: o.kegiatan.clone(),
                    dipindah: false,
                    kolom: Vec::new(),
                },
            ));
        }
    }
    out.sort_by_key(|e| (e.0, e.1));
    out.into_iter().map(|e| e.2).collect()
}

/// The fields of one matched step that changed. Decision targets are compared by the step they
/// lead to, not its number (which shifts when steps are inserted); actors through renames.
fn step_fields(
    o: &Langkah,
    n: &Langkah,
    a: &Alignment,
    renames: &BTreeMap<&str, &str>,
) -> Vec<Ubah> {
    let mut out = Vec::new();
    let mut field = |kolom: &str, x: String, y: String| {
        if x != y {
            out.push(Ubah::new(kolom, x, y));
        }
    };
    field("Kegiatan", o.kegiatan.clone(), n.kegiatan.clone());
    let renamed: Vec<String> = o
        .pelaksana
        .iter()
        .map(|p| renames.get(p.as_str()).map_or(p.clone(), |r| r.to_string()))
        .collect();
    if renamed != n.pelaksana {
        field("Pelaksana", o.pelaksana.join(", "), n.pelaksana.join(", "));
    }
    // Terminators follow from a step's place (first, last); only becoming or ceasing to be a
    // decision is a change of the step itself.
    if (o.jenis == Jenis::Keputusan) != (n.jenis == Jenis::Keputusan) {
        field("Simbol", jenis(o.jenis).into(), jenis(n.jenis).into());
    }
    for (label, x, y) in [("Jika ya", o.ya, n.ya), ("Jika tidak", o.tidak, n.tidak)] {
        let moved_to = x.map(|t| match t {
            Tujuan::Langkah(k) => k
                .checked_sub(1)
                .and_then(|i| a.new_of(i))
                .map(|m| Tujuan::Langkah(m + 1)),
            Tujuan::Selesai => Some(Tujuan::Selesai),
        });
        let same = match (moved_to, y) {
            (None, None) => true,
            (Some(Some(p)), Some(q)) => p == q,
            _ => false,
        };
        if !same {
            field(label, tujuan(x), tujuan(y));
        }
    }
    field(
        "Kelengkapan",
        o.kelengkapan.join("; "),
        n.kelengkapan.join("; "),
    );
    let w = |l: &Langkah| l.waktu.as_ref().map(|w| w.teks.clone()).unwrap_or_default();
    field("Waktu", w(o), w(n));
    field("Output", o.output.join("; "), n.output.join("; "));
    field("Keterangan", opt(&o.keterangan), opt(&n.keterangan));
    out
}

fn jenis(j: Jenis) -> &'static str {
    match j {
        Jenis::Mulai => "mulai",
        Jenis::Proses => "proses",
        Jenis::Keputusan => "keputusan",
        Jenis::Selesai => "selesai",
    }
}

fn tujuan(t: Option<Tujuan>) -> String {
    match t {
        Some(Tujuan::Langkah(k)) => format!("langkah {k}"),
        Some(Tujuan::Selesai) => "selesai".into(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests;
