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
#[derive(Clone, Debug, Default, Deserialize)]
pub struct RawSettings {
    pub judul: Option<S<Text>>,
    pub deskripsi: Option<S<Text>>,
    pub base_url: Option<S<Text>>,
    pub tema: Option<S<Text>>,
    pub kertas: Option<S<Text>>,
    pub margin: Option<S<RawMargin>>,
}

/// `margin:` of `sopan.yaml`: millimetres, each optional.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct RawMargin {
    pub kiri: Option<S<Text>>,
    pub kanan: Option<S<Text>>,
    pub atas: Option<S<Text>>,
    pub bawah: Option<S<Text>>,
}

/// A signer block (`kepala`, `disahkan_oleh`, `disusun_oleh`, `penandatangan`).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct RawPejabat {
    pub jabatan: Option<S<Text>>,
    pub nama: Option<S<Text>>,
    pub pangkat: Option<S<Text>>,
    pub nip: Option<S<Text>>,
}

/// `_instansi.yaml`.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct RawInstansi {
    pub pemerintah: Option<S<Text>>,
    pub nama: Option<S<Text>>,
    pub alamat: Option<S<Text>>,
    pub telepon: Option<S<Text>>,
    pub email: Option<S<Text>>,
    pub laman: Option<S<Text>>,
    pub kota: Option<S<Text>>,
    pub logo: Option<S<Text>>,
    pub kepala: Option<S<RawPejabat>>,
    pub layanan: Option<S<RawLayananBawaan>>,
}

/// `layanan:` of `_instansi.yaml`: what every public service of the instansi shares unless its
/// SOP says otherwise.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct RawLayananBawaan {
    pub tempat: Option<S<Text>>,
    pub jam: Option<S<Text>>,
    pub kontak: Option<S<RawKontak>>,
    pub pengaduan: Option<S<List>>,
}

/// `layanan:` of an SOP: the parts of a service standard a citizen looks for first.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct RawLayanan {
    pub persyaratan: Option<S<List>>,
    pub biaya: Option<S<Text>>,
    pub produk: Option<S<Text>>,
    pub jangka_waktu: Option<S<Text>>,
    pub tempat: Option<S<Text>>,
    pub jam: Option<S<Text>>,
    pub kontak: Option<S<RawKontak>>,
    pub pengaduan: Option<S<List>>,
}

/// `kontak:` of a `layanan:` block; each optional.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct RawKontak {
    pub telepon: Option<S<Text>>,
    pub whatsapp: Option<S<Text>>,
    pub email: Option<S<Text>>,
}

/// One entry of `peraturan-dicabut.yaml`: a repealed regulation and what repealed it.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct RawPencabutan {
    pub dicabut: Option<S<Text>>,
    pub judul: Option<S<Text>>,
    pub oleh: Option<S<Text>>,
}

/// `_bidang.yaml`.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct RawBidang {
    pub nama: Option<S<Text>>,
    pub urutan: Option<S<Text>>,
}

/// `_keputusan.yaml`.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct RawKeputusan {
    pub nomor: Option<S<Text>>,
    pub tahun: Option<S<Text>>,
    pub tanggal: Option<S<Text>>,
    pub tentang: Option<S<Text>>,
    pub menimbang: Option<S<List>>,
    pub mengingat: Option<S<List>>,
    pub diktum: Option<S<List>>,
    pub penandatangan: Option<S<RawPejabat>>,
}

/// `<slug>.yaml`: one SOP.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct RawSop {
    pub nomor: Option<S<Text>>,
    /// Order inside the bidang (an addition to the schema page; default: after those with one,
    /// by slug).
    pub urutan: Option<S<Text>>,
    pub nama: Option<S<Text>>,
    pub seksi: Option<S<Text>>,
    pub tanggal_pembuatan: Option<S<Text>>,
    pub tanggal_revisi: Option<S<Text>>,
    pub tanggal_efektif: Option<S<Text>>,
    pub disahkan_oleh: Option<S<RawPejabat>>,
    pub disusun_oleh: Option<S<RawPejabat>>,
    pub dasar_hukum: Option<S<List>>,
    pub kualifikasi_pelaksana: Option<S<List>>,
    pub keterkaitan: Option<S<Many<KetItem>>>,
    pub peralatan_perlengkapan: Option<S<List>>,
    pub peringatan: Option<S<List>>,
    pub pencatatan_pendataan: Option<S<List>>,
    pub pelaksana: Option<S<List>>,
    pub langkah: Option<S<Vec<S<RawLangkah>>>>,
    pub identifikasi: Option<S<RawIdentifikasi>>,
    /// Present, even written empty (`layanan:`), makes the SOP a public service.
    #[serde(default, deserialize_with = "written")]
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
#[derive(Clone, Debug, Default, Deserialize)]
pub struct RawLangkah {
    pub kegiatan: Option<S<Text>>,
    pub pelaksana: Option<S<List>>,
    pub jenis: Option<S<Text>>,
    pub ya: Option<S<Text>>,
    pub tidak: Option<S<Text>>,
    pub kelengkapan: Option<S<List>>,
    pub waktu: Option<S<Text>>,
    pub output: Option<S<List>>,
    pub keterangan: Option<S<Text>>,
}

/// The Identifikasi worksheets.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct RawIdentifikasi {
    pub tugas: Option<S<Text>>,
    pub fungsi: Option<S<Text>>,
    pub sub_fungsi: Option<S<Text>>,
    pub output: Option<S<Text>>,
    pub aspek: Option<S<Text>>,
    pub jenis_kegiatan: Option<S<Text>>,
    pub penanggung_jawab: Option<S<RawPenanggungJawab>>,
    pub ruang_lingkup: Option<S<Text>>,
    pub kegiatan: Option<S<RawTahapan>>,
    pub langkah: Option<S<RawTahapan>>,
}

/// Penanggung Jawab: produk and kegiatan.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct RawPenanggungJawab {
    pub produk: Option<S<Text>>,
    pub kegiatan: Option<S<Text>>,
}

/// Langkah Awal / Utama / Akhir.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct RawTahapan {
    pub awal: Option<S<List>>,
    pub utama: Option<S<List>>,
    pub akhir: Option<S<List>>,
}
