//! Tanggal: a calendar date read from ISO `YYYY-MM-DD`, written the Indonesian way
//! ("01 Juli 2022").

use serde::{Serialize, Serializer};

/// Indonesian month names, January first.
pub(crate) const BULAN: [&str; 12] = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
];

/// A real calendar date (validated on construction).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Tanggal {
    /// Year, e.g. 2022.
    pub tahun: u16,
    /// Month 1-12.
    pub bulan: u8,
    /// Day 1-31.
    pub hari: u8,
}

/// Whether `year` is a leap year in the Gregorian calendar.
fn leap(year: u32) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

/// Days in `month` of `year`, or 0 for a month that does not exist.
pub(crate) fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

impl Tanggal {
    /// A date if `year-month-day` exists (years 1900-2999).
    pub fn new(year: u32, month: u32, day: u32) -> Option<Self> {
        if !(1900..=2999).contains(&year) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Tanggal {
            tahun: year as u16,
            bulan: month as u8,
            hari: day as u8,
        })
    }

    /// Parses exactly `YYYY-MM-DD`.
    pub(crate) fn parse_iso(s: &str) -> Result<Self, &'static str> {
        let b = s.as_bytes();
        let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
        if b.len() != 10
            || b[4] != b'-'
            || b[7] != b'-'
            || !digits(0..4)
            || !digits(5..7)
            || !digits(8..10)
        {
            return Err("bukan tanggal ISO `YYYY-MM-DD`");
        }
        let n = |r: std::ops::Range<usize>| s[r].parse::<u32>().unwrap_or(0);
        Tanggal::new(n(0..4), n(5..7), n(8..10)).ok_or("tanggal itu tidak ada di kalender")
    }

    /// "01 Juli 2022", the form used on the official pages.
    pub(crate) fn indonesia(&self) -> String {
        format!(
            "{:02} {} {}",
            self.hari,
            BULAN[usize::from(self.bulan) - 1],
            self.tahun
        )
    }

    /// "2022-07-01".
    pub(crate) fn iso(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.tahun, self.bulan, self.hari)
    }
}

/// The civil date `(year, month, day)` of a day counted from 1970-01-01 (Howard Hinnant's
/// algorithm).
pub(crate) fn civil_from_days(days: i64) -> (i64, u8, u8) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

impl Tanggal {
    /// The date of a Unix time in seconds (UTC).
    pub(crate) fn from_unix(secs: i64) -> Option<Self> {
        let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
        Tanggal::new(u32::try_from(y).ok()?, u32::from(m), u32::from(d))
    }

    /// The same day `years` years earlier (29 February falls back to the 28th).
    pub(crate) fn years_before(&self, years: u16) -> Self {
        let tahun = self.tahun.saturating_sub(years);
        let hari = self
            .hari
            .min(days_in_month(u32::from(tahun), u32::from(self.bulan)) as u8);
        Tanggal {
            tahun,
            bulan: self.bulan,
            hari,
        }
    }
}

impl Serialize for Tanggal {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.iso())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_real_dates_only() {
        assert_eq!(
            Tanggal::parse_iso("2022-07-01").unwrap().indonesia(),
            "01 Juli 2022"
        );
        assert!(Tanggal::parse_iso("2024-02-29").is_ok());
        assert!(Tanggal::parse_iso("2023-02-29").is_err());
        assert!(Tanggal::parse_iso("2022-13-01").is_err());
        assert!(Tanggal::parse_iso("2022-7-1").is_err());
        assert!(Tanggal::parse_iso("01-07-2022").is_err());
    }

    #[test]
    fn unix_times_and_years_before() {
        assert_eq!(Tanggal::from_unix(0).unwrap().iso(), "1970-01-01");
        assert_eq!(
            Tanggal::from_unix(1_700_000_000).unwrap().iso(),
            "2023-11-14"
        );
        let leap = Tanggal::parse_iso("2024-02-29").unwrap();
        assert_eq!(leap.years_before(2).iso(), "2022-02-28");
    }
}
