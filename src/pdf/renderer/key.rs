//! Cache keys of SOP documents, hashed from the model rather than from the template data: the
//! data holds the flow page's column plan and the identity page's fit, which are what an SOP's
//! data costs (a `serve` save at 1,000 SOPs spent most of its PDF stage computing the data of
//! 999 unchanged SOPs only to hash it). A key is taken from exactly what
//! [`super::data::sop_doc`] and [`PdfRenderer::sop_job`] read: the paper, the base URL, the
//! instansi and bidang without their children, and the whole SOP, over the renderer's
//! fingerprint (theme, fonts, logos, pinned date, the sopan build). The plan and the fit are
//! functions of these and of the code, which the fingerprint's build stamp names.
//!
//! Measured on 1,000 generated SOPs (release): the data of every SOP 0.18 ms each, a key from
//! the model 0.02 ms.

use std::collections::HashMap;

use sha2::{Digest, Sha256};

use super::PdfRenderer;
use crate::model::Site;
use crate::model::org::{Bidang, Instansi};
use crate::model::sop::Sop;

/// The keys of one site's SOP documents; each instansi's own fields hashed once.
pub(crate) struct SopKeys<'a> {
    renderer: &'a PdfRenderer,
    /// The site-wide settings a document shows, as JSON.
    settings: Vec<u8>,
    /// Each instansi's fields besides its bidang, hashed; by instansi id.
    instansi: HashMap<&'a str, [u8; 32]>,
}

impl<'a> SopKeys<'a> {
    pub(crate) fn new(renderer: &'a PdfRenderer, site: &'a Site) -> Self {
        let settings = serde_json::to_vec(&(site.settings.kertas, &site.settings.base_url))
            .expect("settings serialise");
        let instansi = site
            .instansi
            .iter()
            .map(|i| (i.id.as_str(), instansi_head(i)))
            .collect();
        SopKeys {
            renderer,
            settings,
            instansi,
        }
    }

    /// The cache key of the SOP document of `s` in `i` / `b`.
    pub(crate) fn sop(&self, i: &Instansi, b: &Bidang, s: &Sop) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(self.renderer.fingerprint);
        h.update(b"sop\0");
        h.update(s.id.to_string().as_bytes());
        h.update(b"\0");
        h.update(&self.settings);
        match self.instansi.get(i.id.as_str()) {
            Some(head) => h.update(head),
            None => h.update(instansi_head(i)),
        }
        h.update(bidang_head(b));
        h.update(serde_json::to_vec(s).expect("model serialises"));
        h.finalize().into()
    }
}

/// A hash of every field of an instansi but its bidang. Written as a pattern without `..`, so a
/// field added to `Instansi` fails to compile here until it is hashed too (or named as not shown).
fn instansi_head(i: &Instansi) -> [u8; 32] {
    let Instansi {
        id,
        pemerintah,
        nama,
        alamat,
        telepon,
        email,
        laman,
        kota,
        logo,
        kepala,
        layanan,
        keputusan,
        bidang: _,
    } = i;
    let fields = (
        id, pemerintah, nama, alamat, telepon, email, laman, kota, logo, kepala, layanan, keputusan,
    );
    Sha256::digest(serde_json::to_vec(&fields).expect("model serialises")).into()
}

/// Every field of a bidang but its SOPs, as JSON (the same guard as [`instansi_head`]).
fn bidang_head(b: &Bidang) -> Vec<u8> {
    let Bidang {
        id,
        nama,
        urutan,
        sop: _,
    } = b;
    serde_json::to_vec(&(id, nama, urutan)).expect("model serialises")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> Site {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        crate::load_and_validate(root)
            .expect("the bundled content loads")
            .site
    }

    #[test]
    fn a_key_changes_with_what_the_document_shows_and_only_with_that() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut site = site();
        let theme = crate::pipeline::theme::Theme::embedded();
        let r = PdfRenderer::new(&site, &theme, root).expect("renderer");
        let key = |site: &Site| {
            let keys = SopKeys::new(&r, site);
            let i = &site.instansi[0];
            let b = &i.bidang[0];
            keys.sop(i, b, &b.sop[0])
        };
        let first = key(&site);
        assert_eq!(first, key(&site), "the same model, the same key");
        // A sibling SOP is not part of this document.
        let extra = site.instansi[0].bidang[0].sop[0].clone();
        site.instansi[0].bidang[0].sop.push(extra);
        assert_eq!(first, key(&site));
        // Its own step text, its instansi's address and its bidang's name are.
        let mut s = site.clone();
        s.instansi[0].bidang[0].sop[0].langkah[0].kegiatan.push('!');
        assert_ne!(first, key(&s));
        let mut s = site.clone();
        s.instansi[0].alamat = Some("Jl. Lain".into());
        assert_ne!(first, key(&s));
        let mut s = site.clone();
        s.instansi[0].bidang[0].nama.push('!');
        assert_ne!(first, key(&s));
        let mut s = site;
        s.settings.kertas = match s.settings.kertas {
            crate::model::settings::Kertas::A4 => crate::model::settings::Kertas::F4,
            _ => crate::model::settings::Kertas::A4,
        };
        assert_ne!(first, key(&s), "the paper");
    }
}
