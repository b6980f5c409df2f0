//! Raw schema structs mirroring `content-schema.md` exactly as written by users. Every value
//! carries its location; required fields are `Option` so that missing ones become located
//! diagnostics in `resolve` rather than a deserialiser's first-error stop. Unknown keys are
//! found by `keys`, not by serde, so that all of them are reported at once.

use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{self, Deserializer, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{Location, Spanned};

mod sop;

pub(crate) use sop::{RawIdentifikasi, RawLangkah, RawPenanggungJawab, RawSop, RawTahapan};

/// A value and where it was written.
pub(crate) type S<T> = Spanned<T>;

/// Any scalar read as text: `nomor: 36` and `nomor: "36"` are the same thing to a Sekretariat.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Text(pub String);

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
pub(crate) struct Many<T> {
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
pub(crate) type List = Many<Text>;

/// A Keterkaitan item: free text, or `{ sop: bidang/slug }`.
#[derive(Clone, Debug)]
pub(crate) enum KetItem {
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
pub(crate) struct RawSettings {
    #[schemars(
        with = "Option<Text>",
        description = "Judul situs, mis. `Portal SOP Dinas Sosial`."
    )]
    pub judul: Option<S<Text>>,
    #[schemars(
        with = "Option<Text>",
        description = "Kalimat singkat tentang situs (untuk mesin pencari)."
    )]
    pub(crate) deskripsi: Option<S<Text>>,
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
    pub(crate) kertas: Option<S<Text>>,
    #[schemars(
        with = "Option<RawMargin>",
        description = "Margin halaman PDF dalam milimeter."
    )]
    pub margin: Option<S<RawMargin>>,
}

/// `margin:` of `sopan.yaml`: millimetres, each optional.
#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[schemars(description = "Margin halaman PDF dalam milimeter; setiap sisi boleh dihapus.")]
pub(crate) struct RawMargin {
    #[schemars(with = "Option<Text>", description = "Margin kiri (mm).")]
    pub kiri: Option<S<Text>>,
    #[schemars(with = "Option<Text>", description = "Margin kanan (mm).")]
    pub kanan: Option<S<Text>>,
    #[schemars(with = "Option<Text>", description = "Margin atas (mm).")]
    pub atas: Option<S<Text>>,
    #[schemars(with = "Option<Text>", description = "Margin bawah (mm).")]
    pub(crate) bawah: Option<S<Text>>,
}

/// A signer block (`kepala`, `disahkan_oleh`, `disusun_oleh`, `penandatangan`).
#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[schemars(description = "Pejabat penandatangan: jabatan, nama, pangkat/golongan dan NIP.")]
pub(crate) struct RawPejabat {
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
pub(crate) struct RawInstansi {
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
pub(crate) struct RawLayananBawaan {
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
pub(crate) struct RawLayanan {
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
pub(crate) struct RawKontak {
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
pub(crate) struct RawPencabutan {
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
pub(crate) struct RawBidang {
    #[schemars(
        with = "Option<Text>",
        description = "Nama bidang seperti di struktur organisasi, mis. `Sekretariat`."
    )]
    pub nama: Option<S<Text>>,
    #[schemars(
        with = "Option<Text>",
        description = "Urutan bidang di buku dan situs (angka; 1 = pertama)."
    )]
    pub(crate) urutan: Option<S<Text>>,
}

/// `_keputusan.yaml`.
#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[schemars(
    description = "Keputusan penetapan SOP (`_keputusan.yaml`): menjadi halaman depan buku keputusan."
)]
pub(crate) struct RawKeputusan {
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
