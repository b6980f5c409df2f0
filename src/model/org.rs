//! The organisations around the SOPs: Instansi, Bidang, the adopting Keputusan and the officials
//! (Pejabat) who sign.

use std::path::PathBuf;

use serde::Serialize;

use crate::model::layanan::LayananBawaan;
use crate::model::nip::Nip;
use crate::model::sop::Sop;
use crate::model::tanggal::Tanggal;

/// An official who signs: jabatan, name (with gelar as typed), pangkat, NIP.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Pejabat {
    /// Position, e.g. "Kepala Dinas Sosial".
    pub jabatan: String,
    /// Name as typed, gelar included; empty when the office fills it by hand.
    pub nama: String,
    /// Rank with golongan, e.g. "Pembina Tingkat I (IV/b)".
    pub pangkat: Option<String>,
    /// Civil-servant number, checked.
    pub nip: Option<Nip>,
}

/// One organisation (a dinas) with its units.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Instansi {
    /// Folder name, the first part of every SOP id.
    pub id: String,
    /// "Pemerintah Kabupaten Tanah Laut".
    pub pemerintah: String,
    /// "Dinas Sosial".
    pub nama: String,
    /// Street address for the letterhead.
    pub alamat: Option<String>,
    /// Phone.
    pub telepon: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Web site.
    pub laman: Option<String>,
    /// Place written before signature dates.
    pub kota: Option<String>,
    /// Logo file, relative to the project root.
    pub logo: Option<PathBuf>,
    /// Head of the office: the default signer.
    pub kepala: Pejabat,
    /// Defaults for every public service of the instansi (`layanan:` of `_instansi.yaml`).
    pub layanan: Option<LayananBawaan>,
    /// The decree adopting these SOPs, if any.
    pub keputusan: Option<Keputusan>,
    /// Units in `urutan` order.
    pub bidang: Vec<Bidang>,
}

impl Instansi {
    /// Every SOP of this instansi, in bidang order.
    pub fn sops(&self) -> impl Iterator<Item = &Sop> {
        self.bidang.iter().flat_map(|b| b.sop.iter())
    }
}

/// One unit (bidang, bagian, sekretariat) of an instansi.
#[derive(Clone, Debug, Serialize)]
pub struct Bidang {
    /// Folder name, the second part of every SOP id.
    pub id: String,
    /// "Bidang Rehabilitasi dan Perlindungan Jaminan Sosial".
    pub nama: String,
    /// Order in the decree attachment and on the site.
    pub(crate) urutan: i64,
    /// SOPs sorted by slug.
    pub sop: Vec<Sop>,
}

/// The Keputusan Kepala Dinas that adopts the SOPs (the decree book's first part).
#[derive(Clone, Debug, Serialize)]
pub struct Keputusan {
    /// "36".
    pub nomor: String,
    /// 2022.
    pub tahun: String,
    /// Date of signing; `None` when filled in by hand.
    pub tanggal: Option<Tanggal>,
    /// Title after TENTANG.
    pub tentang: String,
    /// Considerations, rendered a., b., c.
    pub menimbang: Vec<String>,
    /// Legal bases, rendered 1., 2., 3.
    pub mengingat: Vec<String>,
    /// Articles KESATU, KEDUA, …; the customary ones when the file has none.
    pub diktum: Vec<String>,
    /// Whether `diktum` was generated rather than written.
    pub(crate) diktum_bawaan: bool,
    /// Signer; the instansi's kepala unless given.
    pub penandatangan: Pejabat,
}
