//! Raw `layanan:` blocks → model [`Layanan`]: the instansi's defaults (`layanan:` of
//! `_instansi.yaml`: tempat, jam, kontak, pengaduan) are applied here and nowhere else, and the
//! values that become links (telepon, WhatsApp, e-mail) are checked with their location.

use crate::core::diag::Diagnostic;
use crate::load::fields::Fields;
use crate::load::schema::{RawKontak, RawLayanan, RawLayananBawaan, S, Text};
use crate::model::layanan::{Kontak, Layanan, LayananBawaan, tel_url, wa_url};

/// The instansi's defaults from its `layanan:` block.
pub(crate) fn resolve_bawaan(f: &mut Fields, raw: &S<RawLayananBawaan>) -> LayananBawaan {
    let r = &raw.value;
    LayananBawaan {
        tempat: f.text(&r.tempat),
        jam: f.text(&r.jam),
        kontak: r
            .kontak
            .as_ref()
            .map(|k| resolve_kontak(f, k))
            .unwrap_or_default(),
        pengaduan: f.list(&r.pengaduan),
    }
}

/// An SOP's `layanan:` with the instansi's defaults (`bawaan`) filling what it leaves out:
/// tempat, jam and pengaduan as a whole, kontak key by key.
pub(crate) fn resolve_layanan(
    f: &mut Fields,
    raw: &S<RawLayanan>,
    bawaan: Option<&LayananBawaan>,
) -> Layanan {
    let r = &raw.value;
    let d = bawaan.cloned().unwrap_or_default();
    let own = r
        .kontak
        .as_ref()
        .map(|k| resolve_kontak(f, k))
        .unwrap_or_default();
    let pengaduan = f.list(&r.pengaduan);
    Layanan {
        persyaratan: f.list(&r.persyaratan),
        biaya: f.text(&r.biaya),
        produk: f.text(&r.produk),
        jangka_waktu: f.text(&r.jangka_waktu),
        tempat: f.text(&r.tempat).or(d.tempat),
        jam: f.text(&r.jam).or(d.jam),
        kontak: Kontak {
            telepon: own.telepon.or(d.kontak.telepon),
            whatsapp: own.whatsapp.or(d.kontak.whatsapp),
            email: own.email.or(d.kontak.email),
        },
        pengaduan: if pengaduan.is_empty() {
            d.pengaduan
        } else {
            pengaduan
        },
    }
}

/// A `kontak:` block. Each value becomes a link (`tel:`, `https://wa.me/62…`, `mailto:`), so
/// one that cannot is reported where it was written and left out rather than linked wrongly.
fn resolve_kontak(f: &mut Fields, raw: &S<RawKontak>) -> Kontak {
    let r = &raw.value;
    let telepon = checked(
        f,
        &r.telepon,
        |t| tel_url(t).is_some(),
        |t| {
            (
                format!("`kontak.telepon` `{t}` bukan nomor telepon"),
                "tulis nomornya dengan kode wilayah, mis. `telepon: (0512) 2021374`",
            )
        },
    );
    let whatsapp = checked(
        f,
        &r.whatsapp,
        |t| wa_url(t).is_some(),
        |t| {
            (
                format!("`kontak.whatsapp` `{t}` bukan nomor ponsel Indonesia"),
                "tulis nomor ponsel WhatsApp diapit tanda kutip, mis. `whatsapp: \"081234567890\"` atau `\"+62 812 3456 7890\"`",
            )
        },
    );
    let email = checked(
        f,
        &r.email,
        |t| {
            t.split_once('@')
                .is_some_and(|(a, b)| !a.is_empty() && b.contains('.'))
                && !t
                    .chars()
                    .any(|c| c.is_whitespace() || matches!(c, '"' | '<' | '>' | '\'' | ':'))
        },
        |t| {
            (
                format!("`kontak.email` `{t}` bukan alamat surel"),
                "mis. `email: layanan@dinsos.example.go.id`",
            )
        },
    );
    Kontak {
        telepon,
        whatsapp,
        email,
    }
}

/// The trimmed value when `ok` accepts it; otherwise the problem `bad` describes (message and
/// hint), located at the value, and `None`.
fn checked(
    f: &mut Fields,
    v: &Option<S<Text>>,
    ok: impl Fn(&str) -> bool,
    bad: impl Fn(&str) -> (String, &'static str),
) -> Option<String> {
    let at = v.as_ref()?.referenced;
    let t = f.text(v)?;
    if ok(&t) {
        return Some(t);
    }
    let (message, hint) = bad(&t);
    let span = f.span(&at, &t);
    f.error(Diagnostic::error(span, message).hint(hint));
    None
}
