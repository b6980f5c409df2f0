//! Numbers in Indonesian words, as decrees write counts: "3 (tiga)".

const SATUAN: [&str; 12] = [
    "nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan",
    "sepuluh", "sebelas",
];

/// "tiga", "dua belas", "seratus dua puluh satu" (up to 999 999).
pub(crate) fn terbilang(n: u32) -> String {
    match n {
        0..=11 => SATUAN[n as usize].to_string(),
        12..=19 => format!("{} belas", SATUAN[(n - 10) as usize]),
        20..=99 => join(format!("{} puluh", SATUAN[(n / 10) as usize]), n % 10),
        100..=199 => join("seratus".to_string(), n - 100),
        200..=999 => join(format!("{} ratus", SATUAN[(n / 100) as usize]), n % 100),
        1000..=1999 => join("seribu".to_string(), n - 1000),
        _ => join(format!("{} ribu", terbilang(n / 1000)), n % 1000),
    }
}

fn join(head: String, rest: u32) -> String {
    if rest == 0 {
        head
    } else {
        format!("{head} {}", terbilang(rest))
    }
}

/// Diktum labels: KESATU, KEDUA, … KESEPULUH, then KESEBELAS, KEDUA BELAS, ….
pub(crate) fn diktum_label(i: usize) -> String {
    let n = i as u32 + 1;
    if n == 1 {
        "KESATU".to_string()
    } else {
        format!("KE{}", terbilang(n).to_uppercase())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spells_numbers() {
        assert_eq!(terbilang(3), "tiga");
        assert_eq!(terbilang(11), "sebelas");
        assert_eq!(terbilang(12), "dua belas");
        assert_eq!(terbilang(25), "dua puluh lima");
        assert_eq!(terbilang(100), "seratus");
        assert_eq!(terbilang(1234), "seribu dua ratus tiga puluh empat");
        assert_eq!(diktum_label(0), "KESATU");
        assert_eq!(diktum_label(5), "KEENAM");
        assert_eq!(diktum_label(11), "KEDUA BELAS");
    }
}
