//! The validated content: Site → Instansi → Bidang (by urutan) → Sop. Read-only after load;
//! serialised as-is for templates and open data.

pub mod id;
pub mod nip;
pub mod org;
pub mod pangkat;
pub mod sop;
pub mod tanggal;
pub mod terbilang;
pub mod waktu;

use serde::Serialize;

use crate::model::id::SopId;
use crate::model::org::Instansi;
use crate::model::sop::Sop;
use crate::settings::Settings;

/// Everything a build renders.
#[derive(Clone, Debug, Serialize)]
pub struct Site {
    /// From `sopan.yaml`, defaults applied.
    pub settings: Settings,
    /// Organisations sorted by id.
    pub instansi: Vec<Instansi>,
}

impl Site {
    /// Every SOP, instansi by instansi, in bidang order.
    pub fn sops(&self) -> impl Iterator<Item = &Sop> {
        self.instansi.iter().flat_map(Instansi::sops)
    }

    /// The SOP with this id.
    pub fn sop(&self, id: &SopId) -> Option<&Sop> {
        self.sops().find(|s| &s.id == id)
    }
}
