//! Citations of regulations read from free text ("UU No. 32 Tahun 2004", "Undang-undang Nomor 32
//! tahun 2004", "Permendagri RI No 13 Tahun 2006", "PER/21/M.PAN/11/2008"), so that a repealed
//! one is recognised however the Sekretariat spelled it.

use std::fmt;

/// A kind of regulation, by its short name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Jenis {
    /// Undang-Undang.
    Uu,
    /// Peraturan Pemerintah Pengganti Undang-Undang.
    Perppu,
    /// Peraturan Pemerintah.
    Pp,
    /// Peraturan Presiden.
    Perpres,
    /// Peraturan Menteri Dalam Negeri.
    Permendagri,
    /// Peraturan Menteri Pendayagunaan Aparatur Negara (dan Reformasi Birokrasi).
    PermenpanRb,
    /// Peraturan Menteri Sosial.
    Permensos,
    /// Peraturan Menteri Keuangan.
    Pmk,
    /// Peraturan Daerah.
    Perda,
    /// Peraturan Bupati / Wali Kota / Gubernur.
    PerKepalaDaerah,
}

impl fmt::Display for Jenis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Jenis::Uu => "UU",
            Jenis::Perppu => "Perppu",
            Jenis::Pp => "PP",
            Jenis::Perpres => "Perpres",
            Jenis::Permendagri => "Permendagri",
            Jenis::PermenpanRb => "Permenpan RB",
            Jenis::Permensos => "Permensos",
            Jenis::Pmk => "PMK",
            Jenis::Perda => "Perda",
            Jenis::PerKepalaDaerah => "Perkada",
        })
    }
}

/// A regulation as cited: kind, number, year.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Kutipan {
    /// Its kind.
    pub jenis: Jenis,
    /// Its number, normalised: "32", or "PER/21/M.PAN/11/2008" for the old ministerial form.
    pub nomor: String,
    /// Its year.
    pub tahun: u16,
}

impl fmt::Display for Kutipan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.nomor.contains('/') {
            write!(f, "{} Nomor {}", self.jenis, self.nomor)
        } else {
            write!(f, "{} {}/{}", self.jenis, self.nomor, self.tahun)
        }
    }
}

/// Names of kinds, longest first so "peraturan pemerintah pengganti undang undang" wins over
/// "peraturan pemerintah" and "undang undang". Matched on normalised text (see `words`).
const NAMES: &[(&str, Jenis)] = &[
    (
        "peraturan pemerintah pengganti undang undang",
        Jenis::Perppu,
    ),
    (
        "peraturan menteri negara pendayagunaan aparatur negara dan reformasi birokrasi",
        Jenis::PermenpanRb,
    ),
    (
        "peraturan menteri pendayagunaan aparatur negara dan reformasi birokrasi",
        Jenis::PermenpanRb,
    ),
    (
        "peraturan menteri negara pendayagunaan aparatur negara",
        Jenis::PermenpanRb,
    ),
    (
        "peraturan menteri pendayagunaan aparatur negara",
        Jenis::PermenpanRb,
    ),
    ("peraturan menteri pan dan rb", Jenis::PermenpanRb),
    ("peraturan menteri panrb", Jenis::PermenpanRb),
    ("peraturan menteri pan rb", Jenis::PermenpanRb),
    ("peraturan menteri pan", Jenis::PermenpanRb),
    ("peraturan menteri dalam negeri", Jenis::Permendagri),
    ("peraturan menteri sosial", Jenis::Permensos),
    ("peraturan menteri keuangan", Jenis::Pmk),
    // "Peraturan pemerintah daerah No. 3 Tahun 2007" in the Tanah Laut seed is PP 3/2007 (LPPD).
    ("peraturan pemerintah daerah", Jenis::Pp),
    ("peraturan pemerintah", Jenis::Pp),
    ("peraturan presiden", Jenis::Perpres),
    ("peraturan daerah", Jenis::Perda),
    ("peraturan bupati", Jenis::PerKepalaDaerah),
    ("peraturan walikota", Jenis::PerKepalaDaerah),
    ("peraturan wali kota", Jenis::PerKepalaDaerah),
    ("peraturan gubernur", Jenis::PerKepalaDaerah),
    ("undang undang", Jenis::Uu),
    ("permen pan dan rb", Jenis::PermenpanRb),
    ("permen pan rb", Jenis::PermenpanRb),
    ("permenpan rb", Jenis::PermenpanRb),
    ("permenpanrb", Jenis::PermenpanRb),
    ("permenpan", Jenis::PermenpanRb),
    ("permendagri", Jenis::Permendagri),
    ("permensos", Jenis::Permensos),
    ("perppu", Jenis::Perppu),
    ("perpres", Jenis::Perpres),
    ("perbup", Jenis::PerKepalaDaerah),
    ("perwali", Jenis::PerKepalaDaerah),
    ("pergub", Jenis::PerKepalaDaerah),
    ("perda", Jenis::Perda),
    ("pmk", Jenis::Pmk),
    ("uu", Jenis::Uu),
    ("pp", Jenis::Pp),
];

/// Words that may stand between a kind and its number: "RI", "Nomor", "No.", ":".
const FILLER: &[&str] = &[
    "ri",
    "republik",
    "indonesia",
    "nomor",
    "nomer",
    "no",
    "nmr",
    "tahun",
];

/// Lower-case words; `-`, `.`, `,`, `:`, `;` and brackets split words ("Undang-undang" →
/// "undang undang", "No.32" → "no 32"), while `/` stays inside a word ("PER/21/M.PAN/11/2008",
/// "32/2004").
fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut w = String::new();
    for c in text.chars() {
        if c.is_alphanumeric() || c == '/' {
            w.extend(c.to_lowercase());
        } else if c == '.' && w.contains('/') {
            // "M.PAN" inside a PER/… number.
            w.push('.');
        } else if !w.is_empty() {
            out.push(std::mem::take(&mut w));
        }
    }
    if !w.is_empty() {
        out.push(w);
    }
    out
}

/// Every regulation cited in `text`, in order.
pub fn kutipan(text: &str) -> Vec<Kutipan> {
    let ws = words(text);
    let mut out = Vec::new();
    let mut i = 0;
    'outer: while i < ws.len() {
        for (name, jenis) in NAMES {
            let n: Vec<&str> = name.split(' ').collect();
            if ws.len() >= i + n.len()
                && ws[i..i + n.len()].iter().zip(&n).all(|(a, b)| a == b)
                && let Some((k, used)) = number_after(&ws[i + n.len()..], *jenis)
            {
                out.push(k);
                i += n.len() + used;
                continue 'outer;
            }
        }
        // A bare "PER/21/M.PAN/11/2008" names its kind in its number.
        if let Some(k) = per_number(&ws[i], Jenis::PermenpanRb) {
            out.push(k);
        }
        i += 1;
    }
    out
}

/// Reads "Nomor 32 Tahun 2004", "No. 32/2004", "32 th 2004" after a kind's name; returns the
/// citation and the number of words used.
fn number_after(ws: &[String], jenis: Jenis) -> Option<(Kutipan, usize)> {
    let mut i = 0;
    while i < ws.len() && i < 4 && FILLER[..FILLER.len() - 1].contains(&ws[i].as_str()) {
        i += 1;
    }
    let num = ws.get(i)?;
    if let Some(k) = per_number(num, jenis) {
        return Some((k, i + 1));
    }
    if let Some((n, y)) = num.split_once('/')
        && is_number(n)
        && let Some(tahun) = year(y)
    {
        return Some((cite(jenis, n, tahun), i + 1));
    }
    if !is_number(num) {
        return None;
    }
    let mut j = i + 1;
    if matches!(ws.get(j).map(String::as_str), Some("tahun" | "th" | "thn")) {
        j += 1;
    }
    let tahun = year(ws.get(j)?)?;
    Some((cite(jenis, num, tahun), j + 1))
}

fn cite(jenis: Jenis, nomor: &str, tahun: u16) -> Kutipan {
    Kutipan {
        jenis,
        nomor: nomor.trim_start_matches('0').to_string(),
        tahun,
    }
}

/// The old ministerial form "PER/21/M.PAN/11/2008": number "PER/21/M.PAN/11/2008", year 2008.
fn per_number(w: &str, jenis: Jenis) -> Option<Kutipan> {
    let rest = w.strip_prefix("per/")?;
    let tahun = year(rest.rsplit('/').next()?)?;
    Some(Kutipan {
        jenis,
        nomor: w.to_uppercase(),
        tahun,
    })
}

fn is_number(s: &str) -> bool {
    !s.is_empty() && s.len() <= 4 && s.chars().all(|c| c.is_ascii_digit())
}

fn year(s: &str) -> Option<u16> {
    (s.len() == 4 && s.chars().all(|c| c.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
        .filter(|y| (1900..=2100).contains(y))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first(s: &str) -> String {
        kutipan(s)
            .first()
            .map(|k| k.to_string())
            .unwrap_or_default()
    }

    #[test]
    fn reads_the_spellings_seen_in_the_seeds() {
        for s in [
            "UU No. 32 Tahun 2004 tentang Pemerintahan Daerah",
            "Undang-undang Nomor 32 tahun 2004",
            "Undang undang No. 32 Tahun 2004 tentang Pemerintahan Daerah.",
            "Undang-Undang Republik Indonesia Nomor : 32 Tahun 2004",
            "UU 32/2004",
        ] {
            assert_eq!(first(s), "UU 32/2004", "{s}");
        }
        assert_eq!(
            first("Peraturan Menteri Dalam Negeri Nomor 13 tahun 2006 tentang pedoman"),
            "Permendagri 13/2006"
        );
        assert_eq!(
            first("Permendagri RI No 99 Tahun 2019"),
            "Permendagri 99/2019"
        );
        assert_eq!(
            first("Peraturan pemerintah daerah No.3 Tahun 2007 tentang laporan"),
            "PP 3/2007"
        );
        assert_eq!(first("PP. No.8 Tahun 2006 tentang pelaporan"), "PP 8/2006");
        assert_eq!(
            first(
                "Peraturan Menteri Negara Pendayagunaan Aparatur Negara Nomor PER/21/M.PAN/11/2008 tentang Pedoman"
            ),
            "Permenpan RB Nomor PER/21/M.PAN/11/2008"
        );
        assert_eq!(
            first("Permen PAN dan RB Nomor 35 Tahun 2012"),
            "Permenpan RB 35/2012"
        );
    }

    #[test]
    fn finds_every_citation_in_order() {
        let all: Vec<String> = kutipan(
            "Undang-undang Nomor 12 Tahun 2008 tentang perubahan kedua atas Undang-undang Nomor 32 tahun 2004",
        )
        .iter()
        .map(|k| k.to_string())
        .collect();
        assert_eq!(all, ["UU 12/2008", "UU 32/2004"]);
    }

    #[test]
    fn text_without_a_citation_gives_none() {
        assert!(kutipan("Minimal SLTA").is_empty());
        assert!(kutipan("Undang-Undang (Lembaran Negara Republik Indonesia Tahun 1959").is_empty());
        assert!(kutipan("Peraturan Bupati Tanah Laut Nomor Tahun tentang SOP").is_empty());
    }
}
