//! The raw schema of an SOP file (`<slug>.yaml`): `RawSop` and its steps, identification
//! sheet and stages, as written by users.

use super::{KetItem, List, Many, RawLayanan, RawPejabat, S, Text};
use serde::Deserialize;
use serde::de::Deserializer;
use serde_saphyr::Spanned;

/// `<slug>.yaml`: one SOP.
#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[schemars(description = "Satu SOP (`<slug>.yaml`).")]
pub(crate) struct RawSop {
    #[schemars(
        with = "Option<Text>",
        description = "Nomor SOP sesuai tata naskah dinas; boleh kosong untuk draf. Tulis dalam tanda kutip."
    )]
    pub nomor: Option<S<Text>>,
    /// Order inside the bidang (an addition to the schema page; default: after those with one,
    /// by slug).
    #[schemars(
        with = "Option<Text>",
        description = "Urutan SOP di dalam bidang (angka; bawaan: menurut nama berkas)."
    )]
    pub(crate) urutan: Option<S<Text>>,
    #[schemars(with = "Option<Text>", description = "Nama SOP, mis. `Surat Masuk`.")]
    pub nama: Option<S<Text>>,
    #[schemars(
        with = "Option<Text>",
        description = "Baris di bawah nama bidang pada kop SOP, mis. `Seksi Rehabilitasi Anak` (boleh dihapus)."
    )]
    pub(crate) seksi: Option<S<Text>>,
    #[schemars(
        with = "Option<Text>",
        description = "Tanggal pembuatan, TAHUN-BULAN-HARI, mis. `2024-01-15`."
    )]
    pub tanggal_pembuatan: Option<S<Text>>,
    #[schemars(
        with = "Option<Text>",
        description = "Tanggal revisi terakhir, TAHUN-BULAN-HARI."
    )]
    pub tanggal_revisi: Option<S<Text>>,
    #[schemars(
        with = "Option<Text>",
        description = "Tanggal mulai berlaku, TAHUN-BULAN-HARI."
    )]
    pub tanggal_efektif: Option<S<Text>>,
    #[schemars(
        with = "Option<RawPejabat>",
        description = "Pejabat yang mengesahkan (bawaan: kepala di `_instansi.yaml`)."
    )]
    pub disahkan_oleh: Option<S<RawPejabat>>,
    #[schemars(
        with = "Option<RawPejabat>",
        description = "Tanda tangan kedua, pejabat yang menyusun (boleh dihapus)."
    )]
    pub disusun_oleh: Option<S<RawPejabat>>,
    #[schemars(
        with = "Option<List>",
        description = "Dasar hukum: peraturan yang mendasari SOP (daftar)."
    )]
    pub dasar_hukum: Option<S<List>>,
    #[schemars(with = "Option<List>", description = "Kualifikasi pelaksana (daftar).")]
    pub kualifikasi_pelaksana: Option<S<List>>,
    #[schemars(
        with = "Option<Many<KetItem>>",
        description = "SOP lain yang terkait: teks bebas, atau `sop: bidang/slug` untuk tautan."
    )]
    pub keterkaitan: Option<S<Many<KetItem>>>,
    #[schemars(
        with = "Option<List>",
        description = "Peralatan dan perlengkapan (daftar)."
    )]
    pub peralatan_perlengkapan: Option<S<List>>,
    #[schemars(
        with = "Option<List>",
        description = "Peringatan: akibat bila SOP tidak dilaksanakan (daftar)."
    )]
    pub peringatan: Option<S<List>>,
    #[schemars(
        with = "Option<List>",
        description = "Pencatatan dan pendataan (daftar)."
    )]
    pub pencatatan_pendataan: Option<S<List>>,
    #[schemars(
        with = "Option<List>",
        description = "Kolom pelaksana di diagram alir, berurutan dari kiri (daftar)."
    )]
    pub pelaksana: Option<S<List>>,
    #[schemars(
        with = "Option<Vec<RawLangkah>>",
        description = "Langkah-langkah prosedur, berurutan (daftar; setiap butir diawali `- kegiatan:`)."
    )]
    pub langkah: Option<S<Vec<S<RawLangkah>>>>,
    #[schemars(
        with = "Option<RawIdentifikasi>",
        description = "Lembar Kerja Identifikasi (boleh dihapus)."
    )]
    pub identifikasi: Option<S<RawIdentifikasi>>,
    /// Present, even written empty (`layanan:`), makes the SOP a public service.
    #[serde(default, deserialize_with = "written")]
    #[schemars(
        with = "Option<RawLayanan>",
        description = "Standar pelayanan publik; adanya kunci ini (walau kosong) menjadikan SOP pelayanan publik."
    )]
    pub layanan: Option<S<RawLayanan>>,
}

/// A block whose mere presence means something: `key:` with no value reads as an empty block
/// rather than as absent (serde's `Option` would read the null as `None`).
pub(super) fn written<'de, D, T>(d: D) -> Result<Option<S<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    struct OrEmpty<T>(T);
    impl<'de, T: Deserialize<'de> + Default> Deserialize<'de> for OrEmpty<T> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            Ok(OrEmpty(Option::<T>::deserialize(d)?.unwrap_or_default()))
        }
    }
    let s = S::<OrEmpty<T>>::deserialize(d)?;
    Ok(Some(Spanned::new(s.value.0, s.referenced, s.defined)))
}

/// One step.
#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[schemars(description = "Satu langkah (baris) prosedur.")]
pub(crate) struct RawLangkah {
    #[schemars(with = "Option<Text>", description = "Uraian kegiatan langkah ini.")]
    pub kegiatan: Option<S<Text>>,
    #[schemars(
        with = "Option<List>",
        description = "Pelaksana langkah: nama kolom dari `pelaksana` SOP (satu, atau daftar bila bersama)."
    )]
    pub pelaksana: Option<S<List>>,
    #[schemars(with = "Option<Text>", description = "Bentuk simbol: `mulai`, `proses`, `keputusan` atau `selesai` (bawaan: dari letaknya).", extend("examples" = ["mulai", "proses", "keputusan", "selesai"]))]
    pub jenis: Option<S<Text>>,
    #[schemars(
        with = "Option<Text>",
        description = "Untuk `jenis: keputusan`: nomor langkah tujuan bila \"ya\" (bawaan: langkah berikutnya)."
    )]
    pub ya: Option<S<Text>>,
    #[schemars(
        with = "Option<Text>",
        description = "Untuk `jenis: keputusan`: nomor langkah tujuan bila \"tidak\", atau `selesai`."
    )]
    pub tidak: Option<S<Text>>,
    #[schemars(
        with = "Option<List>",
        description = "Kelengkapan (mutu baku): berkas atau alat yang dipakai (teks atau daftar)."
    )]
    pub kelengkapan: Option<S<List>>,
    #[schemars(with = "Option<Text>", description = "Waktu (mutu baku): angka dan satuan, mis. `15 menit`, `2 jam`, `1 hari`.", extend("examples" = ["15 menit", "1 jam", "1 hari"]))]
    pub waktu: Option<S<Text>>,
    #[schemars(
        with = "Option<List>",
        description = "Output (mutu baku): hasil langkah (teks atau daftar)."
    )]
    pub output: Option<S<List>>,
    #[schemars(
        with = "Option<Text>",
        description = "Keterangan tambahan (boleh dihapus)."
    )]
    pub keterangan: Option<S<Text>>,
}

/// The Identifikasi worksheets.
#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[schemars(description = "Lembar Kerja Identifikasi (tugas, fungsi, kegiatan) — boleh dihapus.")]
pub(crate) struct RawIdentifikasi {
    #[schemars(with = "Option<Text>", description = "Tugas.")]
    pub tugas: Option<S<Text>>,
    #[schemars(with = "Option<Text>", description = "Fungsi.")]
    pub fungsi: Option<S<Text>>,
    #[schemars(with = "Option<Text>", description = "Subfungsi.")]
    pub(crate) sub_fungsi: Option<S<Text>>,
    #[schemars(with = "Option<Text>", description = "Output kegiatan.")]
    pub output: Option<S<Text>>,
    #[schemars(with = "Option<Text>", description = "Aspek.")]
    pub(crate) aspek: Option<S<Text>>,
    #[schemars(with = "Option<Text>", description = "Jenis kegiatan: `Rutin`, `Pelayanan` atau `Penugasan`.", extend("examples" = ["Rutin", "Pelayanan", "Penugasan"]))]
    pub(crate) jenis_kegiatan: Option<S<Text>>,
    #[schemars(
        with = "Option<RawPenanggungJawab>",
        description = "Penanggung jawab produk dan kegiatan."
    )]
    pub(crate) penanggung_jawab: Option<S<RawPenanggungJawab>>,
    #[schemars(with = "Option<Text>", description = "Ruang lingkup.")]
    pub(crate) ruang_lingkup: Option<S<Text>>,
    #[schemars(
        with = "Option<RawTahapan>",
        description = "Kegiatan: awal, utama dan akhir."
    )]
    pub kegiatan: Option<S<RawTahapan>>,
    #[schemars(
        with = "Option<RawTahapan>",
        description = "Langkah: awal, utama dan akhir."
    )]
    pub langkah: Option<S<RawTahapan>>,
}

/// Penanggung Jawab: produk and kegiatan.
#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[schemars(description = "Penanggung jawab produk dan kegiatan.")]
pub(crate) struct RawPenanggungJawab {
    #[schemars(with = "Option<Text>", description = "Penanggung jawab produk.")]
    pub produk: Option<S<Text>>,
    #[schemars(with = "Option<Text>", description = "Penanggung jawab kegiatan.")]
    pub kegiatan: Option<S<Text>>,
}

/// Langkah Awal / Utama / Akhir.
#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[schemars(description = "Langkah awal, utama dan akhir.")]
pub(crate) struct RawTahapan {
    #[schemars(
        with = "Option<List>",
        description = "Langkah awal (teks atau daftar)."
    )]
    pub awal: Option<S<List>>,
    #[schemars(
        with = "Option<List>",
        description = "Langkah utama (teks atau daftar)."
    )]
    pub utama: Option<S<List>>,
    #[schemars(
        with = "Option<List>",
        description = "Langkah akhir (teks atau daftar)."
    )]
    pub(crate) akhir: Option<S<List>>,
}
