//! Raw schema structs mirroring `content-schema.md` exactly as written by users. Every value
//! carries its location; required fields are `Option` so that missing ones become located
//! diagnostics in `resolve` rather than a deserialiser's first-error stop. Unknown keys are
//! found by `keys`, not by serde, so that all of them are reported at once.

use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{self, Deserializer, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{Location, Spanned};

/// A value and where it was written.
pub type S<T> = Spanned<T>;

/// Any scalar read as text: `nomor: 36` and `nomor: "36"` are the same thing to a Sekretariat.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Text(pub String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Text;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("teks")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Text, E> {
                Ok(Text(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Text, E> {
                Ok(Text(String::new()))
            }
        }
        d.deserialize_str(V)
    }
}

/// One value or a list of them (`kelengkapan: Proposal` or `kelengkapan: [A, B]`). Items
/// written as a lone scalar have no location of their own: the caller uses the field's.
#[derive(Clone, Debug, Default)]
pub struct Many<T> {
    /// The items, each with its location when written as a list item.
    pub items: Vec<(Option<Location>, T)>,
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Many<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<T> V<T> {
            fn one<'de, E: de::Error>(s: String) -> Result<Many<T>, E>
            where
                T: Deserialize<'de>,
            {
                let d: de::value::StringDeserializer<E> = s.into_deserializer();
                Ok(Many {
                    items: vec![(None, T::deserialize(d)?)],
                })
            }
        }
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Many<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("teks atau daftar teks")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Many<T>, E> {
                Self::one(v.to_string())
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Many<T>, E> {
                Self::one(v.to_string())
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Many<T>, E> {
                Self::one(v.to_string())
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Many<T>, E> {
                Self::one(v.to_string())
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Many<T>, E> {
                Self::one(v.to_string())
            }
            fn visit_unit<E: de::Error>(self) -> Result<Many<T>, E> {
                Ok(Many { items: Vec::new() })
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Many<T>, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<Spanned<T>>()? {
                    items.push((Some(item.referenced), item.value));
                }
                Ok(Many { items })
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Many<T>, A::Error> {
                let one = T::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(Many {
                    items: vec![(None, one)],
                })
            }
        }
        d.deserialize_any(V(PhantomData))
    }
}

/// A list of text items.
pub type List = Many<Text>;

/// A Keterkaitan item: free text, or `{ sop: bidang/slug }`.
#[derive(Clone, Debug)]
pub enum KetItem {
    /// Free text.
    Teks(String),
    /// An explicit link; `None` when the mapping had no `sop` key.
    Sop(Option<S<Text>>),
}

impl<'de> Deserialize<'de> for KetItem {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = KetItem;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("teks atau `sop: bidang/slug`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<KetItem, E> {
                Ok(KetItem::Teks(v.to_string()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<KetItem, E> {
                Ok(KetItem::Teks(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<KetItem, E> {
                Ok(KetItem::Teks(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<KetItem, E> {
                Ok(KetItem::Teks(v.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<KetItem, A::Error> {
                let mut link = None;
                while let Some(key) = map.next_key::<String>()? {
                    if key == "sop" {
                        link = Some(map.next_value::<S<Text>>()?);
                    } else {
                        // Reported as an unknown key by `keys`.
                        map.next_value::<de::IgnoredAny>()?;
                    }
                }
                Ok(KetItem::Sop(link))
            }
        }
        d.deserialize_any(V)
    }
}

/// `sopan.yaml`.
#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[schemars(
    description = "Pengaturan situs (`sopan.yaml` di folder proyek). Semua kunci boleh dihapus: nilai bawaannya dipakai."
)]
pub struct RawSettings {
    #[schemars(
        with = "Option<Text>",
        description = "Judul situs, mis. `Portal SOP Dinas Sosial`."
    )]
    pub judul: Option<S<Text>>,
    #[schemars(
        with = "Option<Text>",
        description = "Kalimat singkat tentang situs (untuk mesin pencari)."
    )]
    pub deskripsi: Option<S<Text>>,
    #[schemars(
        with = "Option<Text>",
        description = "Alamat situs yang sudah terbit, tanpa garis miring di akhir, mis. `https://sop.example.go.id` (untuk peta situs dan tautan di PDF)."
    )]
    pub base_url: Option<S<Text>>,
    #[schemars(
        with = "Option<Text>",
        description = "Nama tema di folder `themes/` (bawaan: `default`)."
    )]
    pub tema: Option<S<Text>>,
    #[schemars(with = "Option<Text>", description = "Ukuran kertas PDF: `F4` (215 x 330 mm, bawaan) atau `A4`.", extend("examples" = ["F4", "A4"]))]
    pub kertas: Option<S<Text>>,
    #[schemars(
        with = "Option<RawMargin>",
        description = "Margin halaman PDF dalam milimeter."
    )]
    pub margin: Option<S<RawMargin>>,
}

/// `margin:` of `sopan.yaml`: millimetres, each optional.
#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[schemars(description = "Margin halaman PDF dalam milimeter; setiap sisi boleh dihapus.")]
pub struct RawMargin {
    #[schemars(with = "Option<Text>", description = "Margin kiri (mm).")]
    pub kiri: Option<S<Text>>,
    #[schemars(with = "Option<Text>", description = "Margin kanan (mm).")]
    pub kanan: Option<S<Text>>,
    #[schemars(with = "Option<Text>", description = "Margin atas (mm).")]
    pub atas: Option<S<Text>>,
    #[schemars(with = "Option<Text>", description = "Margin bawah (mm).")]
    pub bawah: Option<S<Text>>,
}

/// A signer block (`kepala`, `disahkan_oleh`, `disusun_oleh`, `penandatangan`).
#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[schemars(description = "Pejabat penandatangan: jabatan, nama, pangkat/golongan dan NIP.")]
pub struct RawPejabat {
    #[schemars(
        with = "Option<Text>",
        description = "Jabatan, mis. `Kepala Dinas Sosial`."
    )]
    pub jabatan: Option<S<Text>>,
    #[schemars(with = "Option<Text>", description = "Nama lengkap dengan gelar.")]
    pub nama: Option<S<Text>>,
    #[schemars(
        with = "Option<Text>",
        description = "Pangkat/golongan, mis. `Pembina Tingkat I (IV/b)`."
    )]
    pub pangkat: Option<S<Text>>,
    #[schemars(
        with = "Option<Text>",
        description = "NIP 18 angka; spasi boleh, mis. `19700101 199503 1 001`."
    )]
    pub nip: Option<S<Text>>,
}

/// `_instansi.yaml`.
#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[schemars(
    description = "Data instansi (`_instansi.yaml`): kop surat dan penandatangan bawaan setiap SOP."
)]
pub struct RawInstansi {
    #[schemars(
        with = "Option<Text>",
        description = "Baris pertama kop, mis. `Pemerintah Kabupaten Tanah Laut`."
    )]
    pub pemerintah: Option<S<Text>>,
    #[schemars(
        with = "Option<Text>",
        description = "Nama instansi, mis. `Dinas Sosial`."
    )]
    pub nama: Option<S<Text>>,
    #[schemars(with = "Option<Text>", description = "Alamat lengkap kantor.")]
    pub alamat: Option<S<Text>>,
    #[schemars(with = "Option<Text>", description = "Nomor telepon kantor.")]
    pub telepon: Option<S<Text>>,
    #[schemars(with = "Option<Text>", description = "Alamat surel kantor.")]
    pub email: Option<S<Text>>,
    #[schemars(with = "Option<Text>", description = "Alamat situs web instansi.")]
    pub laman: Option<S<Text>>,
    #[schemars(with = "Option<Text>", description = "Kota tempat penandatanganan.")]
    pub kota: Option<S<Text>>,
    #[schemars(
        with = "Option<Text>",
        description = "Berkas logo (PNG, JPG atau SVG), relatif terhadap folder instansi."
    )]
    pub logo: Option<S<Text>>,
    #[schemars(
        with = "Option<RawPejabat>",
        description = "Kepala instansi: penandatangan bawaan setiap SOP."
    )]
    pub kepala: Option<S<RawPejabat>>,
    #[schemars(
        with = "Option<RawLayananBawaan>",
        description = "Nilai bawaan bagi setiap SOP pelayanan publik."
    )]
    pub layanan: Option<S<RawLayananBawaan>>,
}

/// `layanan:` of `_instansi.yaml`: what every public service of the instansi shares unless its
/// SOP says otherwise.
#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[schemars(
    description = "Nilai bawaan untuk setiap SOP pelayanan publik (SOP yang punya `layanan:`), kecuali SOP-nya menulis sendiri."
)]
pub struct RawLayananBawaan {
    #[schemars(
        with = "Option<Text>",
        description = "Tempat layanan, mis. alamat loket."
    )]
    pub tempat: Option<S<Text>>,
    #[schemars(
        with = "Option<Text>",
        description = "Jam layanan, mis. `Senin–Jumat 08.00–15.00`."
    )]
    pub jam: Option<S<Text>>,
    #[schemars(with = "Option<RawKontak>", description = "Kontak layanan.")]
    pub kontak: Option<S<RawKontak>>,
    #[schemars(
        with = "Option<List>",
        description = "Saluran pengaduan (teks atau daftar)."
    )]
    pub pengaduan: Option<S<List>>,
}

/// `layanan:` of an SOP: the parts of a service standard a citizen looks for first.
#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[schemars(
    description = "Standar pelayanan: yang pertama dicari warga. Adanya kunci ini (walau kosong) menjadikan SOP sebagai pelayanan publik."
)]
pub struct RawLayanan {
    #[schemars(
        with = "Option<List>",
        description = "Persyaratan yang harus dibawa pemohon (teks atau daftar)."
    )]
    pub persyaratan: Option<S<List>>,
    #[schemars(
        with = "Option<Text>",
        description = "Biaya layanan, mis. `Gratis` atau `0`."
    )]
    pub biaya: Option<S<Text>>,
    #[schemars(
        with = "Option<Text>",
        description = "Hasil layanan yang diterima pemohon."
    )]
    pub produk: Option<S<Text>>,
    #[schemars(
        with = "Option<Text>",
        description = "Jangka waktu yang dijanjikan, mis. `3 hari kerja`."
    )]
    pub jangka_waktu: Option<S<Text>>,
    #[schemars(
        with = "Option<Text>",
        description = "Tempat layanan (bawaan: dari `_instansi.yaml`)."
    )]
    pub tempat: Option<S<Text>>,
    #[schemars(
        with = "Option<Text>",
        description = "Jam layanan (bawaan: dari `_instansi.yaml`)."
    )]
    pub jam: Option<S<Text>>,
    #[schemars(
        with = "Option<RawKontak>",
        description = "Kontak layanan (bawaan: dari `_instansi.yaml`)."
    )]
    pub kontak: Option<S<RawKontak>>,
    #[schemars(
        with = "Option<List>",
        description = "Saluran pengaduan (bawaan: dari `_instansi.yaml`)."
    )]
    pub pengaduan: Option<S<List>>,
}

/// `kontak:` of a `layanan:` block; each optional.
#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[schemars(description = "Kontak layanan; setiap kunci boleh dihapus.")]
pub struct RawKontak {
    #[schemars(with = "Option<Text>", description = "Nomor telepon.")]
    pub telepon: Option<S<Text>>,
    #[schemars(with = "Option<Text>", description = "Nomor WhatsApp.")]
    pub whatsapp: Option<S<Text>>,
    #[schemars(with = "Option<Text>", description = "Alamat surel.")]
    pub email: Option<S<Text>>,
}

/// One entry of `peraturan-dicabut.yaml`: a repealed regulation and what repealed it.
#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[schemars(description = "Satu peraturan yang sudah dicabut dan peraturan yang mencabutnya.")]
pub struct RawPencabutan {
    #[schemars(
        with = "Option<Text>",
        description = "Peraturan yang dicabut, seperti ditulis di `dasar_hukum`, mis. `Peraturan Menteri Sosial Nomor 8 Tahun 2012`."
    )]
    pub dicabut: Option<S<Text>>,
    #[schemars(
        with = "Option<Text>",
        description = "Judul peraturan yang dicabut (boleh dihapus)."
    )]
    pub judul: Option<S<Text>>,
    #[schemars(with = "Option<Text>", description = "Peraturan yang mencabutnya.")]
    pub oleh: Option<S<Text>>,
}

/// `_bidang.yaml`.
#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[schemars(description = "Data bidang (`_bidang.yaml`).")]
pub struct RawBidang {
    #[schemars(
        with = "Option<Text>",
        description = "Nama bidang seperti di struktur organisasi, mis. `Sekretariat`."
    )]
    pub nama: Option<S<Text>>,
    #[schemars(
        with = "Option<Text>",
        description = "Urutan bidang di buku dan situs (angka; 1 = pertama)."
    )]
    pub urutan: Option<S<Text>>,
}

/// `_keputusan.yaml`.
#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[schemars(
    description = "Keputusan penetapan SOP (`_keputusan.yaml`): menjadi halaman depan buku keputusan."
)]
pub struct RawKeputusan {
    #[schemars(with = "Option<Text>", description = "Nomor keputusan.")]
    pub nomor: Option<S<Text>>,
    #[schemars(with = "Option<Text>", description = "Tahun keputusan, mis. `2022`.")]
    pub tahun: Option<S<Text>>,
    #[schemars(
        with = "Option<Text>",
        description = "Tanggal ditetapkan, TAHUN-BULAN-HARI, mis. `2022-07-01`."
    )]
    pub tanggal: Option<S<Text>>,
    #[schemars(
        with = "Option<Text>",
        description = "Judul keputusan (setelah kata \"tentang\")."
    )]
    pub tentang: Option<S<Text>>,
    #[schemars(
        with = "Option<List>",
        description = "Butir-butir \"Menimbang\" (daftar)."
    )]
    pub menimbang: Option<S<List>>,
    #[schemars(
        with = "Option<List>",
        description = "Butir-butir \"Mengingat\" (daftar)."
    )]
    pub mengingat: Option<S<List>>,
    #[schemars(
        with = "Option<List>",
        description = "Diktum KESATU, KEDUA, … (daftar, berurutan)."
    )]
    pub diktum: Option<S<List>>,
    #[schemars(
        with = "Option<RawPejabat>",
        description = "Penandatangan keputusan (bawaan: kepala di `_instansi.yaml`)."
    )]
    pub penandatangan: Option<S<RawPejabat>>,
}

/// `<slug>.yaml`: one SOP.
#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[schemars(description = "Satu SOP (`<slug>.yaml`).")]
pub struct RawSop {
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
    pub urutan: Option<S<Text>>,
    #[schemars(with = "Option<Text>", description = "Nama SOP, mis. `Surat Masuk`.")]
    pub nama: Option<S<Text>>,
    #[schemars(
        with = "Option<Text>",
        description = "Baris di bawah nama bidang pada kop SOP, mis. `Seksi Rehabilitasi Anak` (boleh dihapus)."
    )]
    pub seksi: Option<S<Text>>,
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
fn written<'de, D, T>(d: D) -> Result<Option<S<T>>, D::Error>
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
pub struct RawLangkah {
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
pub struct RawIdentifikasi {
    #[schemars(with = "Option<Text>", description = "Tugas.")]
    pub tugas: Option<S<Text>>,
    #[schemars(with = "Option<Text>", description = "Fungsi.")]
    pub fungsi: Option<S<Text>>,
    #[schemars(with = "Option<Text>", description = "Subfungsi.")]
    pub sub_fungsi: Option<S<Text>>,
    #[schemars(with = "Option<Text>", description = "Output kegiatan.")]
    pub output: Option<S<Text>>,
    #[schemars(with = "Option<Text>", description = "Aspek.")]
    pub aspek: Option<S<Text>>,
    #[schemars(with = "Option<Text>", description = "Jenis kegiatan: `Rutin`, `Pelayanan` atau `Penugasan`.", extend("examples" = ["Rutin", "Pelayanan", "Penugasan"]))]
    pub jenis_kegiatan: Option<S<Text>>,
    #[schemars(
        with = "Option<RawPenanggungJawab>",
        description = "Penanggung jawab produk dan kegiatan."
    )]
    pub penanggung_jawab: Option<S<RawPenanggungJawab>>,
    #[schemars(with = "Option<Text>", description = "Ruang lingkup.")]
    pub ruang_lingkup: Option<S<Text>>,
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
pub struct RawPenanggungJawab {
    #[schemars(with = "Option<Text>", description = "Penanggung jawab produk.")]
    pub produk: Option<S<Text>>,
    #[schemars(with = "Option<Text>", description = "Penanggung jawab kegiatan.")]
    pub kegiatan: Option<S<Text>>,
}

/// Langkah Awal / Utama / Akhir.
#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[schemars(description = "Langkah awal, utama dan akhir.")]
pub struct RawTahapan {
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
    pub akhir: Option<S<List>>,
}
