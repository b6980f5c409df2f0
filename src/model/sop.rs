//! Sop: one Standar Operasional Prosedur, resolved from its file with every default applied.

use serde::Serialize;

use crate::model::id::SopId;
use crate::model::layanan::Layanan;
use crate::model::org::Pejabat;
use crate::model::tanggal::Tanggal;
use crate::model::waktu::{TotalWaktu, Waktu};

/// One SOP: the identity page and the flow.
#[derive(Clone, Debug, Serialize)]
pub struct Sop {
    /// `instansi/bidang/slug`.
    pub id: SopId,
    /// Source file relative to the project root.
    pub(crate) sumber: String,
    /// Nomor SOP; empty in a draft.
    pub nomor: String,
    /// Nama (judul) SOP.
    pub nama: String,
    /// Optional seksi line under the bidang in the header.
    pub(crate) seksi: Option<String>,
    /// Tanggal Pembuatan.
    pub tanggal_pembuatan: Option<Tanggal>,
    /// Tanggal Revisi.
    pub tanggal_revisi: Option<Tanggal>,
    /// Tanggal Efektif.
    pub tanggal_efektif: Option<Tanggal>,
    /// Disahkan oleh: the file's signer or the instansi's kepala.
    pub disahkan_oleh: Pejabat,
    /// Optional drafter's signature.
    pub disusun_oleh: Option<Pejabat>,
    /// Dasar Hukum.
    pub dasar_hukum: Vec<String>,
    /// Kualifikasi Pelaksana.
    pub kualifikasi_pelaksana: Vec<String>,
    /// Keterkaitan: free text or links to other SOPs.
    pub keterkaitan: Vec<Keterkaitan>,
    /// Peralatan/Perlengkapan.
    pub peralatan_perlengkapan: Vec<String>,
    /// Peringatan.
    pub peringatan: Vec<String>,
    /// Pencatatan dan Pendataan.
    pub pencatatan_pendataan: Vec<String>,
    /// Actor columns, in order.
    pub pelaksana: Vec<String>,
    /// The steps, numbered from 1.
    pub langkah: Vec<Langkah>,
    /// Sum of the steps' waktu.
    pub total_waktu: TotalWaktu,
    /// Optional Permenpan worksheets.
    pub identifikasi: Option<Identifikasi>,
    /// Service information; `Some` makes the SOP a public service, `None` an internal
    /// procedure. The instansi's defaults are already applied.
    pub layanan: Option<Layanan>,
}

impl Sop {
    /// Whether this SOP is a public service (it has `layanan:`) rather than an internal procedure.
    pub fn layanan_publik(&self) -> bool {
        self.layanan.is_some()
    }

    /// "Layanan publik" or "Prosedur internal", as cards and pages label it.
    pub(crate) fn jenis_label(&self) -> &'static str {
        if self.layanan_publik() {
            "Layanan publik"
        } else {
            "Prosedur internal"
        }
    }

    /// The time a citizen is told: the promised `jangka_waktu` of a public service, else the
    /// computed total of the steps ([`crate::model::waktu::TotalWaktu::teks`], which never
    /// shows an unknown time as zero).
    pub fn waktu_teks(&self) -> String {
        self.layanan
            .as_ref()
            .and_then(|l| l.jangka_waktu.clone())
            .unwrap_or_else(|| self.total_waktu.teks())
    }
}

/// A Keterkaitan entry: plain text, or a checked link to another SOP.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "jenis", rename_all = "snake_case")]
pub enum Keterkaitan {
    /// "SOP Pengagenda Surat".
    Teks {
        /// The text as written.
        teks: String,
    },
    /// `sop: sekretariat/surat-masuk`, resolved.
    Sop {
        /// The linked SOP.
        id: SopId,
        /// Its nama, for display.
        nama: String,
    },
}

/// What kind of symbol a step is drawn with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Jenis {
    /// Terminator at the start.
    Mulai,
    /// Rectangle.
    Proses,
    /// Diamond with Ya/Tidak exits.
    Keputusan,
    /// Terminator at the end.
    Selesai,
}

impl Jenis {
    /// The YAML words, in order.
    pub(crate) const NAMES: [&'static str; 4] = ["mulai", "proses", "keputusan", "selesai"];

    /// Reads a YAML word.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "mulai" => Some(Jenis::Mulai),
            "proses" => Some(Jenis::Proses),
            "keputusan" => Some(Jenis::Keputusan),
            "selesai" => Some(Jenis::Selesai),
            _ => None,
        }
    }
}

/// Where a decision branch goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Tujuan {
    /// Step number (1-based).
    Langkah(usize),
    /// The end of the procedure.
    Selesai,
}

/// One row of the flow table.
#[derive(Clone, Debug, Serialize)]
pub struct Langkah {
    /// 1-based step number.
    pub nomor: usize,
    /// What is done (active verb, no subject).
    pub kegiatan: String,
    /// Who does it: one actor, or several joined in one row.
    pub pelaksana: Vec<String>,
    /// Symbol kind, inferred when not written.
    pub jenis: Jenis,
    /// Decision "Ya" target (default: the next step); `None` for non-decisions.
    pub ya: Option<Tujuan>,
    /// Decision "Tidak" target; `None` for non-decisions.
    pub tidak: Option<Tujuan>,
    /// Mutu Baku: Kelengkapan.
    pub kelengkapan: Vec<String>,
    /// Mutu Baku: Waktu.
    pub waktu: Option<Waktu>,
    /// Mutu Baku: Output.
    pub output: Vec<String>,
    /// Keterangan.
    pub keterangan: Option<String>,
}

/// Identifikasi Kebutuhan SOP and Lembar Kerja Identifikasi Kegiatan (A, B, C).
#[derive(Clone, Debug, Default, Serialize)]
pub struct Identifikasi {
    /// Tugas.
    pub tugas: Option<String>,
    /// Fungsi.
    pub fungsi: Option<String>,
    /// Sub Fungsi.
    pub(crate) sub_fungsi: Option<String>,
    /// Output.
    pub output: Option<String>,
    /// Aspek.
    pub(crate) aspek: Option<String>,
    /// Jenis Kegiatan: Rutin, Pelayanan or Penugasan.
    pub(crate) jenis_kegiatan: Option<String>,
    /// Penanggung Jawab: produk.
    pub(crate) penanggung_jawab_produk: Option<String>,
    /// Penanggung Jawab: kegiatan.
    pub(crate) penanggung_jawab_kegiatan: Option<String>,
    /// Scope (Ruang Lingkup).
    pub(crate) ruang_lingkup: Option<String>,
    /// B. Identifikasi Kegiatan.
    pub kegiatan: Tahapan,
    /// C. Identifikasi Langkah.
    pub langkah: Tahapan,
}

/// Rows grouped Langkah Awal / Utama / Akhir.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Tahapan {
    /// Langkah Awal.
    pub awal: Vec<String>,
    /// Langkah Utama.
    pub utama: Vec<String>,
    /// Langkah Akhir.
    pub(crate) akhir: Vec<String>,
}
