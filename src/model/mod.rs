//! The validated content: Site → Instansi → Bidang (by urutan) → Sop. Read-only after load;
//! serialised as-is for templates and open data.

pub mod id;
pub(crate) mod layanan;
pub(crate) mod nip;
pub mod org;
pub(crate) mod pangkat;
pub(crate) mod settings;
pub(crate) mod sop;
pub(crate) mod tanggal;
pub(crate) mod terbilang;
pub mod waktu;

use serde::Serialize;

use crate::model::id::SopId;
use crate::model::org::{Bidang, Instansi};
use crate::model::settings::Settings;
use crate::model::sop::Sop;

/// Everything a build renders.
#[derive(Clone, Debug, Serialize)]
pub struct Site {
    /// From `sopan.yaml`, defaults applied.
    pub settings: Settings,
    /// Organisations sorted by id.
    pub instansi: Vec<Instansi>,
    /// Free pages written in Markdown, sorted by instansi then slug.
    pub halaman: Vec<Halaman>,
}

/// A free page (Tentang, Bantuan, …) from `content/halaman/*.md` or
/// `content/<instansi>/halaman/*.md`.
#[derive(Clone, Debug, Serialize)]
pub struct Halaman {
    /// The instansi it belongs to, or `None` for the whole site.
    pub instansi: Option<String>,
    /// File name without `.md`.
    pub slug: String,
    /// The Markdown text.
    pub(crate) teks: String,
    /// Source file relative to the project root.
    pub(crate) sumber: String,
}

impl Halaman {
    /// The page URL path: `/halaman/slug/` or `/instansi/halaman/slug/`.
    pub fn url(&self) -> String {
        match &self.instansi {
            Some(i) => format!("/{i}/halaman/{}/", self.slug),
            None => format!("/halaman/{}/", self.slug),
        }
    }

    /// The title: the first `# ` heading, else the slug in words.
    pub fn judul(&self) -> String {
        self.teks
            .lines()
            .find_map(|l| l.strip_prefix("# "))
            .map(|t| t.trim().to_string())
            .unwrap_or_else(|| self.slug.replace('-', " "))
    }
}

impl Site {
    /// Every SOP, instansi by instansi, in bidang order.
    pub fn sops(&self) -> impl Iterator<Item = &Sop> {
        self.instansi.iter().flat_map(Instansi::sops)
    }

    /// Every SOP with its instansi and bidang, in the order of [`Site::sops`], collected (for
    /// work spread over all cores).
    pub fn sops_placed(&self) -> Vec<(&Instansi, &Bidang, &Sop)> {
        self.instansi
            .iter()
            .flat_map(|i| i.bidang.iter().map(move |b| (i, b)))
            .flat_map(|(i, b)| b.sop.iter().map(move |s| (i, b, s)))
            .collect()
    }

    /// The SOP with this id.
    pub fn sop(&self, id: &SopId) -> Option<&Sop> {
        self.sops().find(|s| &s.id == id)
    }
}
