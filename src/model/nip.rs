//! NIP (Nomor Induk Pegawai): 18 digits = birth date YYYYMMDD, TMT CPNS YYYYMM, sex (1/2),
//! serial (Perka BKN 22/2007). Written grouped 8-6-1-3.

use serde::{Serialize, Serializer};

use crate::model::tanggal::{Tanggal, days_in_month};

/// A NIP whose structure was checked.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Nip(String);

impl Nip {
    /// Reads a NIP written with or without spaces; the error says what is wrong, in Indonesian.
    pub fn parse(text: &str) -> Result<Nip, String> {
        let digits: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        if !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err("NIP hanya boleh berisi angka (dan spasi)".into());
        }
        if digits.len() != 18 {
            return Err(format!("NIP harus 18 angka, bukan {}", digits.len()));
        }
        let n = |r: std::ops::Range<usize>| digits[r].parse::<u32>().unwrap_or(0);
        let (by, bm, bd) = (n(0..4), n(4..6), n(6..8));
        if Tanggal::new(by, bm, bd).is_none() {
            return Err(format!(
                "tanggal lahir dalam NIP ({}) tidak ada di kalender",
                &digits[0..8]
            ));
        }
        let (ty, tm) = (n(8..12), n(12..14));
        if days_in_month(ty, tm) == 0 || !(1900..=2999).contains(&ty) {
            return Err(format!(
                "bulan TMT CPNS dalam NIP ({}) tidak valid",
                &digits[8..14]
            ));
        }
        if ty < by + 15 {
            return Err(format!(
                "TMT CPNS dalam NIP ({}) terlalu dekat dengan tanggal lahir ({})",
                &digits[8..14],
                &digits[0..8]
            ));
        }
        if !matches!(&digits[14..15], "1" | "2") {
            return Err(format!(
                "digit jenis kelamin dalam NIP harus 1 atau 2, bukan {}",
                &digits[14..15]
            ));
        }
        Ok(Nip(digits))
    }

    /// The 18 digits, without spaces.
    pub fn digits(&self) -> &str {
        &self.0
    }

    /// "19670601 199401 1 002".
    pub(crate) fn grouped(&self) -> String {
        let d = &self.0;
        format!("{} {} {} {}", &d[0..8], &d[8..14], &d[14..15], &d[15..18])
    }
}

impl Serialize for Nip {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.grouped())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_structure_and_groups() {
        assert_eq!(
            Nip::parse("196706011994011002").unwrap().grouped(),
            "19670601 199401 1 002"
        );
        assert_eq!(
            Nip::parse("19670601 199401 1 002").unwrap().digits(),
            "196706011994011002"
        );
        assert!(
            Nip::parse("19670601 199401 1 00")
                .unwrap_err()
                .contains("18 angka")
        );
        assert!(
            Nip::parse("19671301 199401 1 002")
                .unwrap_err()
                .contains("tanggal lahir")
        );
        assert!(
            Nip::parse("19670601 199413 1 002")
                .unwrap_err()
                .contains("TMT")
        );
        assert!(
            Nip::parse("19670601 199401 3 002")
                .unwrap_err()
                .contains("jenis kelamin")
        );
        assert!(
            Nip::parse("1967060I 199401 1 002")
                .unwrap_err()
                .contains("angka")
        );
    }
}
