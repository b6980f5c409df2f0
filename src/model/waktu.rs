//! Waktu (the Mutu Baku time of a step): parse the free text SOP authors write into minutes,
//! sum per SOP and format totals in Indonesian.
//!
//! Convention (stated in the README): 1 jam = 60 menit, 1 hari = 24 jam, a `hari kerja` counts
//! as one day (the flag is kept so totals can say "hari kerja"), 1 minggu = 7 hari,
//! 1 bulan = 30 hari, 1 tahun = 365 hari. A bare number is minutes, as in the seeds' column
//! headed "Waktu (menit)". Seconds are rounded up to whole minutes.

use serde::Serialize;

const HOUR: f64 = 60.0;
const DAY: f64 = 24.0 * HOUR;

/// A parsed duration in whole minutes; `min == max` unless a range ("960-1440") was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Durasi {
    /// Lower bound in minutes.
    pub menit_min: u64,
    /// Upper bound in minutes.
    pub(crate) menit_max: u64,
    /// Written in working days ("1 hari kerja", "2 HK").
    pub(crate) hari_kerja: bool,
    /// Written as a maximum ("Mak. 1 Minggu", "paling lama 2 hari").
    pub(crate) maksimal: bool,
}

/// Why a waktu text could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WaktuError {
    /// No number where the amount should be.
    NoAmount,
    /// A word that is not a known unit.
    UnknownUnit(String),
    /// Text left over after the unit.
    Trailing(String),
    /// A range whose end is before its start.
    BadRange,
    /// Hours and minutes written as a clock (`1:30`): the minutes it stands for.
    JamMenit(u64),
}

impl WaktuError {
    /// How to write what was meant, when that can be told (`1:30 jam` → `90 menit`).
    pub fn hint(&self) -> Option<String> {
        match self {
            WaktuError::JamMenit(m) => {
                let (h, rest) = (m / 60, m % 60);
                // As decimal hours when that is short: 90 → `1,5 jam`, 75 → `1,25 jam`.
                let jam = if rest == 0 {
                    Some(format!("{h} jam"))
                } else if rest * 100 % 60 == 0 {
                    let frac = format!("{:02}", rest * 100 / 60);
                    Some(format!("{h},{} jam", frac.trim_end_matches('0')))
                } else {
                    None
                };
                Some(match jam {
                    Some(j) => format!("tulis `{m} menit` atau `{j}`"),
                    None => format!("tulis `{m} menit`"),
                })
            }
            _ => None,
        }
    }
}

impl std::fmt::Display for WaktuError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WaktuError::NoAmount => f.write_str("tidak ada angka"),
            WaktuError::UnknownUnit(u) if u.is_empty() => {
                f.write_str("tidak ada satuan yang dikenal setelah angka")
            }
            WaktuError::UnknownUnit(u) => write!(f, "satuan `{u}` tidak dikenal"),
            WaktuError::Trailing(t) => write!(f, "ada teks lebih `{t}`"),
            WaktuError::BadRange => f.write_str("rentang terbalik (awal lebih besar dari akhir)"),
            WaktuError::JamMenit(_) => {
                f.write_str("jam dan menit ditulis dengan `:` seperti pada jam dinding")
            }
        }
    }
}

/// The forms accepted, for the `bantuan:` line of an unreadable waktu.
pub(crate) const ACCEPTED_FORMS: &str = "`15 menit`, `1 jam`, `2 hari`, `1 hari kerja`, `1 minggu`, \
`1 bulan`, `Mak. 1 minggu`, `960-1440` (menit), atau angka saja (menit)";

/// The prefixes accepted before the amount, each with how it is printed: the maximum forms
/// become the usual abbreviation "maks.".
const PREFIXES: &[(&str, &str)] = &[
    ("paling lama", "paling lama"),
    ("maksimal", "maks."),
    ("maximal", "maks."),
    ("maks.", "maks."),
    ("mak.", "maks."),
    ("max.", "maks."),
    ("maks", "maks."),
    ("mak", "maks."),
    ("max", "maks."),
    ("±", "±"),
    ("+-", "±"),
    ("kurang lebih", "kurang lebih"),
    ("kurang-lebih", "kurang lebih"),
    ("sekitar", "sekitar"),
];

/// A waktu text taken apart: what `parse` sums and what `tampil` prints.
struct Reading<'a> {
    /// The prefix as printed ("maks."), if any.
    prefix: Option<&'static str>,
    /// Whether the prefix makes the time a maximum.
    maksimal: bool,
    /// The amount as written ("0,5") and its value.
    lo: (&'a str, f64),
    /// The end of a range, when one was written.
    hi: Option<(&'a str, f64)>,
    /// Minutes per unit.
    per: f64,
    /// The unit as printed ("jam", "hari kerja"); `None` for a bare number (minutes).
    unit: Option<&'static str>,
    /// Written in working days.
    kerja: bool,
}

/// Parses a waktu text. `Ok(None)` for an empty cell (or a dash), which means "not stated".
pub fn parse(text: &str) -> Result<Option<Durasi>, WaktuError> {
    let norm = normalise(text);
    let Some(r) = read(&norm)? else {
        return Ok(None);
    };
    let to_min = |v: f64| (v * r.per).ceil() as u64;
    let hi = r.hi.map_or(r.lo.1, |h| h.1);
    Ok(Some(Durasi {
        menit_min: to_min(r.lo.1),
        menit_max: to_min(hi),
        hari_kerja: r.kerja,
        maksimal: r.maksimal,
    }))
}

/// Whitespace collapsed, lower case: the text `read` takes apart.
fn normalise(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// A waktu as the form prints it: the unit always written, in lower case and in full
/// ("5" → "5 menit", "1.Jam" → "1 jam", "2 HK" → "2 hari kerja", "Mak. 1 Minggu" →
/// "maks. 1 minggu"). A text that cannot be read is printed as written (whitespace collapsed).
pub(crate) fn tampil(text: &str) -> String {
    let norm = normalise(text);
    match read(&norm) {
        Ok(Some(r)) => {
            let mut out = String::new();
            if let Some(p) = r.prefix {
                out.push_str(p);
                out.push(' ');
            }
            out.push_str(r.lo.0);
            if let Some((hi, _)) = r.hi {
                out.push('–');
                out.push_str(hi);
            }
            out.push(' ');
            out.push_str(r.unit.unwrap_or("menit"));
            out
        }
        _ => text.split_whitespace().collect::<Vec<_>>().join(" "),
    }
}

/// Whether `text` is a bare number (or range) read as minutes, with no unit written.
pub(crate) fn tanpa_satuan(text: &str) -> bool {
    matches!(read(&normalise(text)), Ok(Some(r)) if r.unit.is_none())
}

/// Takes a normalised waktu text apart.
fn read(norm: &str) -> Result<Option<Reading<'_>>, WaktuError> {
    let mut s = norm.trim().trim_end_matches('.').trim();
    if s.is_empty() || s == "-" || s == "–" {
        return Ok(None);
    }
    let mut maksimal = false;
    let mut prefix = None;
    for (p, shown) in PREFIXES {
        if let Some(rest) = s.strip_prefix(p) {
            maksimal = !p.starts_with('±')
                && !p.starts_with('+')
                && !p.starts_with('k')
                && !p.starts_with('s');
            prefix = Some(*shown);
            s = rest.trim_start();
            break;
        }
    }
    let (lo, rest) = number(s).ok_or(WaktuError::NoAmount)?;
    // "1:30 jam", "0:45": a clock reading, not a unit.
    if let Some(r) = rest.strip_prefix(':')
        && let Some((m, _)) = number(r)
        && lo.fract() == 0.0
        && m.fract() == 0.0
        && m < 60.0
    {
        return Err(WaktuError::JamMenit(lo as u64 * 60 + m as u64));
    }
    let lo_text = &s[..s.len() - rest.len()];
    let mut rest = rest.trim_start();
    let mut hi = None;
    for sep in ["-", "–", "s.d.", "s.d", "s/d", "sampai", "hingga"] {
        if let Some(r) = rest.strip_prefix(sep) {
            let r = r.trim_start();
            let (n, after) = number(r).ok_or(WaktuError::NoAmount)?;
            hi = Some((&r[..r.len() - after.len()], n));
            rest = after.trim_start();
            break;
        }
    }
    if hi.is_some_and(|(_, h)| h < lo) {
        return Err(WaktuError::BadRange);
    }
    // "1.Jam": a dot between the number and the unit.
    let rest = rest.strip_prefix('.').unwrap_or(rest).trim_start();
    let (per, kerja, unit, trailing) = unit(rest)?;
    if !trailing.is_empty() {
        return Err(WaktuError::Trailing(trailing.to_string()));
    }
    Ok(Some(Reading {
        prefix,
        maksimal,
        lo: (lo_text, lo),
        hi,
        per,
        unit,
        kerja,
    }))
}

/// Reads a number with `,` or `.` as decimal mark at the start of `s`.
fn number(s: &str) -> Option<(f64, &str)> {
    let bytes = s.as_bytes();
    let mut end = 0;
    while end < bytes.len() && bytes[end].is_ascii_digit() {
        end += 1;
    }
    if end == 0 {
        return None;
    }
    let mut value: f64 = s[..end].parse().ok()?;
    // A decimal part only when digits follow the mark: "1.Jam" keeps its dot as separator.
    if end + 1 < bytes.len()
        && (bytes[end] == b',' || bytes[end] == b'.')
        && bytes[end + 1].is_ascii_digit()
    {
        let mut j = end + 1;
        while j < bytes.len() && bytes[j].is_ascii_digit() {
            j += 1;
        }
        let frac: f64 = format!("0.{}", &s[end + 1..j]).parse().ok()?;
        value += frac;
        end = j;
    }
    Some((value, &s[end..]))
}

/// Reads the unit word (and "kerja") at the start of `s`: minutes per unit, working days, the
/// unit as printed (`None` when there is none: minutes), and what follows.
fn unit(s: &str) -> Result<(f64, bool, Option<&'static str>, &str), WaktuError> {
    if s.is_empty() {
        return Ok((1.0, false, None, ""));
    }
    let end = s.find(|c: char| !c.is_alphabetic()).unwrap_or(s.len());
    let (word, rest) = s.split_at(end);
    let rest = rest.trim_start().trim_start_matches('.').trim_start();
    let (per, name) = match word {
        "detik" | "dtk" | "det" => (1.0 / 60.0, "detik"),
        "menit" | "mnt" | "m" | "min" | "menint" => (1.0, "menit"),
        "jam" | "j" => (HOUR, "jam"),
        "hari" | "hr" | "h" => (DAY, "hari"),
        "hk" => return Ok((DAY, true, Some("hari kerja"), rest)),
        "minggu" | "mgg" | "pekan" => (7.0 * DAY, "minggu"),
        "bulan" | "bln" => (30.0 * DAY, "bulan"),
        "tahun" | "thn" => (365.0 * DAY, "tahun"),
        _ => return Err(WaktuError::UnknownUnit(word.to_string())),
    };
    if per == DAY
        && let Some(r) = rest.strip_prefix("kerja")
    {
        return Ok((DAY, true, Some("hari kerja"), r.trim()));
    }
    Ok((per, false, Some(name), rest))
}

/// Formats minutes as "2 hari 3 jam 15 menit" (zero parts left out; "0 menit" for zero).
#[cfg(test)]
pub(crate) fn format_menit(total: u64) -> String {
    format_durasi(total, "hari")
}

/// Like [`format_menit`], naming the day part `hari` ("2 hari kerja 3 jam" with "hari kerja").
fn format_durasi(total: u64, hari: &str) -> String {
    let days = total / (24 * 60);
    let hours = total % (24 * 60) / 60;
    let mins = total % 60;
    let mut parts = Vec::new();
    if days > 0 {
        parts.push(format!("{days} {hari}"));
    }
    if hours > 0 {
        parts.push(format!("{hours} jam"));
    }
    if mins > 0 || parts.is_empty() {
        parts.push(format!("{mins} menit"));
    }
    parts.join(" ")
}

/// The sum of the steps' times of one SOP.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct TotalWaktu {
    /// Sum of lower bounds, in minutes.
    pub menit_min: u64,
    /// Sum of upper bounds, in minutes.
    pub(crate) menit_max: u64,
    /// Steps whose time was read.
    pub(crate) langkah_terhitung: usize,
    /// Steps with a waktu that could not be read: the total is then a lower bound.
    pub(crate) langkah_tidak_terbaca: usize,
    /// Steps with no waktu written.
    pub langkah_tanpa_waktu: usize,
    /// Some part was written in working days.
    pub(crate) hari_kerja: bool,
    /// Some part of a day or more was written in calendar time ("2 hari", "1 minggu"): the
    /// total's days are then not all working days.
    pub(crate) hari_biasa: bool,
}

impl TotalWaktu {
    /// Adds one step: its parsed duration, or why it has none.
    pub fn add(&mut self, step: Option<&Waktu>) {
        match step {
            None => self.langkah_tanpa_waktu += 1,
            Some(Waktu {
                durasi: Some(d), ..
            }) => {
                // Saturating: a waktu like "99999999999999999999" reads as the largest number, and
                // two of them must not overflow (found by the property tests).
                self.menit_min = self.menit_min.saturating_add(d.menit_min);
                self.menit_max = self.menit_max.saturating_add(d.menit_max);
                self.langkah_terhitung += 1;
                self.hari_kerja |= d.hari_kerja;
                self.hari_biasa |= !d.hari_kerja && d.menit_max >= 24 * 60;
            }
            // An empty cell or a dash states no time: the same as none written.
            Some(Waktu { durasi: None, teks }) if matches!(parse(teks), Ok(None)) => {
                self.langkah_tanpa_waktu += 1
            }
            Some(_) => self.langkah_tidak_terbaca += 1,
        }
    }

    /// The total as people say it, and the one place every page, card, meta description, open
    /// data file and search record gets it from: "2 hari 3 jam", "1 jam – 1 hari", "3 hari kerja"
    /// when the steps count working days. A step without a time, or with one that cannot be
    /// read, is unknown and never counts as zero: the total is then a lower bound, "lebih dari
    /// 51 menit (2 langkah tanpa waktu)", and "tidak diketahui" when no step's time is known.
    pub(crate) fn teks(&self) -> String {
        let mut missing = Vec::new();
        if self.langkah_tanpa_waktu > 0 {
            missing.push(format!("{} langkah tanpa waktu", self.langkah_tanpa_waktu));
        }
        if self.langkah_tidak_terbaca > 0 {
            missing.push(format!(
                "{} langkah waktunya tidak terbaca",
                self.langkah_tidak_terbaca
            ));
        }
        if self.langkah_terhitung == 0 {
            return if missing.is_empty() {
                "tidak diketahui".to_string()
            } else {
                format!("tidak diketahui ({})", missing.join(", "))
            };
        }
        let hari = if self.hari_kerja && !self.hari_biasa {
            "hari kerja"
        } else {
            "hari"
        };
        let base = if self.menit_min == self.menit_max {
            format_durasi(self.menit_min, hari)
        } else {
            format!(
                "{} – {}",
                format_durasi(self.menit_min, hari),
                format_durasi(self.menit_max, hari)
            )
        };
        if missing.is_empty() {
            base
        } else {
            format!("lebih dari {base} ({})", missing.join(", "))
        }
    }
}

/// A step's time as written, with its reading when it could be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Waktu {
    /// The text as the author wrote it (revisions and the audit quote it as written).
    pub(crate) teks: String,
    /// The reading, `None` when unreadable ("unknown", never zero).
    pub(crate) durasi: Option<Durasi>,
}

impl Waktu {
    /// The time as the form prints it (see [`tampil`]): "5" → "5 menit", "1.Jam" → "1 jam".
    pub(crate) fn tampil(&self) -> String {
        tampil(&self.teks)
    }
}

/// Templates print `teks`, so the data they get carries the printed form there and the text
/// as written in `asli`: every template shows the normalised time without being changed.
impl Serialize for Waktu {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = serializer.serialize_struct("Waktu", 3)?;
        st.serialize_field("teks", &self.tampil())?;
        st.serialize_field("asli", &self.teks)?;
        st.serialize_field("durasi", &self.durasi)?;
        st.end()
    }
}

#[cfg(test)]
mod tests;
