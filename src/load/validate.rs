//! Cross-file rules, run after every file is loaded: `sop:` links resolve, `nomor` is unique
//! inside an instansi, one person has one NIP everywhere; and the decree's KEDUA against the
//! bidang (`kedua_problems`, called where `_keputusan.yaml` is read, which has its spans).

use std::collections::BTreeMap;

use crate::core::diag::{Diagnostic, Diagnostics};
use crate::load::Loaded;
use crate::load::keys::nearest;
use crate::model::id::SopId;

/// Checks the rules that need the whole site; the diagnostics are added to `loaded.diags`.
pub(crate) fn validate(loaded: &mut Loaded) {
    let mut out = Diagnostics::new();
    links(loaded, &mut out);
    duplicate_nomor(loaded, &mut out);
    one_nip_per_person(loaded, &mut out);
    loaded.diags.extend(out);
}

fn links(loaded: &Loaded, out: &mut Diagnostics) {
    let ids: Vec<String> = loaded.site.sops().map(|s| s.id.to_string()).collect();
    for (_, facts) in &loaded.facts {
        for link in &facts.links {
            let Some(target) = SopId::resolve_link(&link.from.instansi, &link.text) else {
                continue;
            };
            // A subset build (`--instansi`) found the SOPs of the instansi it left out on disk.
            if loaded.site.sop(&target).is_some() || loaded.luar.contains_key(&target) {
                continue;
            }
            let local: Vec<String> = ids
                .iter()
                .filter_map(|id| {
                    id.strip_prefix(&format!("{}/", link.from.instansi))
                        .map(str::to_string)
                })
                .collect();
            let d = Diagnostic::error(
                link.span.clone(),
                format!("tautan `sop: {}` tidak menunjuk SOP yang ada", link.text),
            );
            let d = match nearest(&link.text, local.iter().map(String::as_str)) {
                Some(n) => d.hint(format!("maksud Anda `{n}`?")),
                None => d.hint("tulis `bidang/slug` dari SOP di instansi yang sama, mis. `sekretariat/surat-masuk`"),
            };
            out.push(d);
        }
    }
}

fn duplicate_nomor(loaded: &Loaded, out: &mut Diagnostics) {
    let mut groups: BTreeMap<(String, String), Vec<&SopId>> = BTreeMap::new();
    for sop in loaded.site.sops() {
        if !sop.nomor.is_empty() {
            groups
                .entry((sop.id.instansi.clone(), sop.nomor.clone()))
                .or_default()
                .push(&sop.id);
        }
    }
    for ((_, nomor), ids) in groups {
        if ids.len() < 2 {
            continue;
        }
        // One warning per shared number, at its second use: the seeds reuse the decree number
        // for every SOP, and twenty identical warnings would bury the rest.
        let second = ids[1];
        let span = loaded
            .facts
            .iter()
            .find(|(id, _)| id == second)
            .and_then(|(_, f)| f.nomor_span.clone());
        let others: Vec<String> = ids
            .iter()
            .filter(|id| **id != second)
            .take(3)
            .map(|id| format!("`{id}`"))
            .collect();
        let more = ids.len() - 1 - others.len();
        let list = if more > 0 {
            format!("{} dan {more} lainnya", others.join(", "))
        } else {
            others.join(", ")
        };
        out.push(
            Diagnostic::warning(span, format!("nomor SOP `{nomor}` dipakai oleh {} SOP dalam satu instansi", ids.len()))
                .hint(format!("juga dipakai oleh {list}; beri setiap SOP nomornya sendiri sesuai tata naskah dinas")),
        );
    }
}

/// "Eko Trianto, S.Sos" and "EKO TRIANTO, S. Sos." are the same person.
fn person_key(nama: &str) -> String {
    let before_gelar = nama.split(',').next().unwrap_or(nama);
    before_gelar
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

fn one_nip_per_person(loaded: &Loaded, out: &mut Diagnostics) {
    let mut first: BTreeMap<String, (&str, &crate::core::diag::Span)> = BTreeMap::new();
    for p in &loaded.pejabat {
        let Some(nip) = &p.pejabat.nip else { continue };
        let key = person_key(&p.pejabat.nama);
        if key.is_empty() {
            continue;
        }
        match first.get(&key) {
            None => {
                first.insert(key, (nip.digits(), &p.span));
            }
            Some((seen, at)) if *seen != nip.digits() => out.push(
                Diagnostic::warning(
                    p.span.clone(),
                    format!(
                        "NIP {} untuk {} berbeda dengan yang tertulis di tempat lain",
                        nip.grouped(),
                        p.pejabat.nama
                    ),
                )
                .hint(format!(
                    "di {}:{} tertulis {}; satu orang hanya punya satu NIP",
                    crate::core::diag::display_path(&at.file),
                    at.line,
                    crate::model::nip::Nip::parse(seen)
                        .map(|n| n.grouped())
                        .unwrap_or_default()
                )),
            ),
            Some(_) => {}
        }
    }
}

/// Whether a diktum is the one naming the parts of the attachment (the customary KEDUA:
/// "… terdiri dari 3 (tiga) bagian, yaitu: 1. …"). Any "terdiri" counts, listed or not, so a
/// KEDUA worded otherwise never gets a generated one beside it.
pub(crate) fn is_kedua(text: &str) -> bool {
    text.to_lowercase().contains("terdiri")
}

/// An inline numbered list taken apart: "… yaitu: 1. A; 2. B; 3. C" → ("… yaitu:", [A, B, C]).
/// `None` unless the numbers run 1, 2, … from the first.
pub(crate) fn enumeration(text: &str) -> Option<(String, Vec<String>)> {
    // Positions of "1. ", "2. ", … each after a space, a colon or the start.
    let mut marks = Vec::new();
    let mut from = 0;
    for n in 1.. {
        let needle = format!("{n}. ");
        let found = text[from..]
            .match_indices(&needle)
            .map(|(k, _)| from + k)
            .find(|&k| {
                k == 0
                    || text[..k]
                        .chars()
                        .last()
                        .is_some_and(|c| c.is_whitespace() || c == ':')
            });
        match found {
            Some(k) => {
                marks.push((k, needle.len()));
                from = k + needle.len();
            }
            None => break,
        }
    }
    if marks.len() < 2 {
        return None;
    }
    let lead = text[..marks[0].0].trim().to_string();
    let mut items = Vec::new();
    for (j, &(k, len)) in marks.iter().enumerate() {
        let end = marks.get(j + 1).map_or(text.len(), |m| m.0);
        let item = text[k + len..end]
            .trim()
            .trim_end_matches([';', ',', '.'])
            .trim_end();
        let item = item.strip_suffix(" dan").unwrap_or(item).trim();
        items.push(item.to_string());
    }
    Some((lead, items))
}

/// The words that tell one bidang from another: the usual words of a KEDUA item ("Standar
/// Operasional Prosedur pelayanan pada Bidang …") left out.
fn name_words(s: &str) -> Vec<String> {
    const COMMON: &[&str] = &[
        "standar",
        "operasional",
        "prosedur",
        "sop",
        "pelayanan",
        "layanan",
        "pada",
        "bidang",
        "bagian",
        "dan",
        "di",
        "serta",
        "sub",
        "subbagian",
        "seksi",
        "administrasi",
        "pemerintahan",
        "ap",
    ];
    s.split(|c: char| !c.is_alphanumeric())
        .map(str::to_lowercase)
        .filter(|w| !w.is_empty() && !COMMON.contains(&w.as_str()))
        .collect()
}

/// The bidang (index into `bidang`) a KEDUA item names, if one stands out: most of the bidang's
/// own words appear in the item.
fn named_bidang(item: &str, bidang: &[&str]) -> Option<usize> {
    let words = name_words(item);
    bidang
        .iter()
        .enumerate()
        .filter_map(|(k, b)| {
            let own = name_words(b);
            if own.is_empty() {
                return None;
            }
            let hit = own.iter().filter(|w| words.contains(w)).count();
            let score = hit as f64 / own.len() as f64;
            (score >= 0.6).then_some((k, score))
        })
        .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
        .map(|(k, _)| k)
}

/// How a written KEDUA differs from the content: items naming no bidang, bidang it leaves out,
/// another order than the Lampiran's. Empty when it agrees (or lists nothing to compare).
pub(crate) fn kedua_problems(kedua: &str, bidang: &[&str]) -> Vec<String> {
    let Some((_, items)) = enumeration(kedua) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let named: Vec<Option<usize>> = items.iter().map(|i| named_bidang(i, bidang)).collect();
    for (item, n) in items.iter().zip(&named) {
        if n.is_none() {
            out.push(format!("`{item}` bukan bidang di konten"));
        }
    }
    for (k, b) in bidang.iter().enumerate() {
        if !named.contains(&Some(k)) {
            out.push(format!("bidang `{b}` tidak disebut"));
        }
    }
    let order: Vec<usize> = named.iter().flatten().copied().collect();
    if order.windows(2).any(|w| w[0] >= w[1]) {
        let listed: Vec<&str> = order.iter().map(|&k| bidang[k]).collect();
        out.push(format!(
            "urutannya ({}) berbeda dengan urutan bidang di lampiran",
            listed.join(", ")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{enumeration, is_kedua, kedua_problems, person_key};

    #[test]
    fn people_match_whatever_the_case_and_gelar() {
        assert_eq!(
            person_key("Eko Trianto, S.Sos"),
            person_key("EKO TRIANTO, S. Sos.")
        );
        assert_ne!(person_key("Eko Trianto"), person_key("Eko Prananto"));
    }

    const BIDANG: [&str; 3] = [
        "Sekretariat",
        "Bidang Rehabilitasi dan Perlindungan Jaminan Sosial",
        "Bidang Pemberdayaan Sosial dan Penanganan Fakir Miskin",
    ];

    #[test]
    fn inline_lists_come_apart() {
        let (lead, items) =
            enumeration("terdiri dari 2 (dua) Bagian yaitu: 1. Sekretariat; 2. Bidang A dan")
                .unwrap();
        assert_eq!(lead, "terdiri dari 2 (dua) Bagian yaitu:");
        assert_eq!(items, ["Sekretariat", "Bidang A"]);
        assert!(enumeration("Keputusan ini mulai berlaku pada tanggal ditetapkan.").is_none());
        assert!(!is_kedua("Pasal 1. Sesuatu"));
        assert!(is_kedua(
            "SOP terdiri atas bagian sebagaimana tercantum dalam Lampiran"
        ));
        assert!(kedua_problems("SOP terdiri atas bagian dalam Lampiran", &BIDANG).is_empty());
    }

    #[test]
    fn kedua_of_the_seed_names_the_bidang_in_another_order() {
        // The Tanah Laut decree of 2022: KEDUA lists Pemberdayaan before Rehabilitasi, the
        // Lampiran the other way round.
        let seed = "Standar Operasional Prosedur (SOP) Dinas Sosial Kabupaten Tanah Laut sebagaimana dimaksud dalam Diktum KESATU, terdiri dari 3 (tiga) Bagian yaitu: 1. Standar Operasional Prosedur pelayanan pada Sekretariat; 2. Standar Operasional Prosedur Pelayanan pada Bidang Pemberdayaan Sosial dan Penanganan Fakir Miskin; 3. Standar Operasional Prosedur Pelayanan pada Bidang Rehabilitasi Perlindungan Jaminan Sosial";
        assert!(is_kedua(seed));
        let p = kedua_problems(seed, &BIDANG);
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(
            p[0].starts_with("urutannya (Sekretariat, Bidang Pemberdayaan"),
            "{p:?}"
        );
        let agrees = "terdiri dari 3 (tiga) bagian, yaitu: 1. Sekretariat; 2. Bidang Rehabilitasi dan Perlindungan Jaminan Sosial; 3. Bidang Pemberdayaan Sosial dan Penanganan Fakir Miskin.";
        assert!(kedua_problems(agrees, &BIDANG).is_empty());
        let wrong = "terdiri dari 2 (dua) bagian, yaitu: 1. Sekretariat; 2. Bidang Pertanian.";
        let p = kedua_problems(wrong, &BIDANG);
        assert_eq!(p.len(), 3, "{p:?}");
        assert!(p[0].contains("Bidang Pertanian"));
    }
}
