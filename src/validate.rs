//! Cross-file rules, run after every file is loaded: `sop:` links resolve, `nomor` is unique
//! inside an instansi, one person has one NIP everywhere.

use std::collections::BTreeMap;

use crate::diag::{Diagnostic, Diagnostics};
use crate::load::Loaded;
use crate::load::keys::nearest;
use crate::model::id::SopId;

/// Checks the rules that need the whole site; the diagnostics are added to `loaded.diags`.
pub fn validate(loaded: &mut Loaded) {
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
            if loaded.site.sop(&target).is_some() {
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
    let mut first: BTreeMap<String, (&str, &crate::diag::Span)> = BTreeMap::new();
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
                    crate::diag::display_path(&at.file),
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

#[cfg(test)]
mod tests {
    use super::person_key;

    #[test]
    fn people_match_whatever_the_case_and_gelar() {
        assert_eq!(
            person_key("Eko Trianto, S.Sos"),
            person_key("EKO TRIANTO, S. Sos.")
        );
        assert_ne!(person_key("Eko Trianto"), person_key("Eko Prananto"));
    }
}
