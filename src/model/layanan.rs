//! Layanan: what a citizen needs to use a public service (persyaratan, waktu, biaya, produk,
//! tempat, jam, kontak, pengaduan), the components of a Standar Pelayanan (PermenPANRB 15/2014).
//! An SOP with it is a public service; one without is an internal procedure.

use serde::Serialize;

/// The service information of one SOP, the instansi's defaults already applied.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Layanan {
    /// What the applicant brings.
    pub persyaratan: Vec<String>,
    /// Cost, as written ("Tidak dipungut biaya").
    pub biaya: Option<String>,
    /// What the citizen receives.
    pub produk: Option<String>,
    /// The promised time, as written; when absent the computed total is shown.
    pub jangka_waktu: Option<String>,
    /// Where to go.
    pub tempat: Option<String>,
    /// Opening hours, as written.
    pub jam: Option<String>,
    /// Whom to call.
    pub kontak: Kontak,
    /// Complaint channels, in order.
    pub pengaduan: Vec<String>,
}

/// The defaults `_instansi.yaml` gives every public service of the instansi.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct LayananBawaan {
    /// Where to go.
    pub tempat: Option<String>,
    /// Opening hours.
    pub jam: Option<String>,
    /// Whom to call.
    pub kontak: Kontak,
    /// Complaint channels.
    pub pengaduan: Vec<String>,
}

/// Phone, WhatsApp and e-mail of a service; each optional.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Kontak {
    /// Phone number as written ("(0512) 2021374").
    pub telepon: Option<String>,
    /// WhatsApp number as written ("081234567890").
    pub whatsapp: Option<String>,
    /// E-mail address.
    pub email: Option<String>,
}

impl Kontak {
    /// Whether no way to reach the service is given.
    pub fn is_empty(&self) -> bool {
        self.telepon.is_none() && self.whatsapp.is_none() && self.email.is_none()
    }
}

/// The `tel:` address of a written phone number: its digits, with a leading `+` kept
/// ("(0512) 2021374" → "tel:05122021374"); `None` when it has too few digits to dial.
pub(crate) fn tel_url(nomor: &str) -> Option<String> {
    let digits: String = nomor.chars().filter(char::is_ascii_digit).collect();
    if digits.len() < 5 {
        return None;
    }
    let plus = if nomor.trim_start().starts_with('+') {
        "+"
    } else {
        ""
    };
    Some(format!("tel:{plus}{digits}"))
}

/// The WhatsApp link of an Indonesian mobile number: `https://wa.me/62…` with the leading 0
/// (or +62, 62) replaced by the country code. `None` when it is not such a number.
pub(crate) fn wa_url(nomor: &str) -> Option<String> {
    let t = nomor.trim();
    if t.chars()
        .any(|c| !(c.is_ascii_digit() || matches!(c, ' ' | '-' | '+' | '(' | ')' | '.')))
    {
        return None;
    }
    let digits: String = t.chars().filter(char::is_ascii_digit).collect();
    let national = match digits.strip_prefix("62") {
        Some(rest) => rest,
        None => digits.strip_prefix('0')?,
    };
    // Indonesian mobile numbers start with 8 and have 9 to 12 digits after the 0.
    if !national.starts_with('8') || !(9..=12).contains(&national.len()) {
        return None;
    }
    Some(format!("https://wa.me/62{national}"))
}

/// A piece of a free text: plain, or a web address that may be linked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct Potongan {
    /// The text of the piece.
    pub(crate) teks: String,
    /// Set when the piece is an `https://` or `http://` address.
    pub url: Option<String>,
}

/// Splits a text into plain pieces and web addresses ("SP4N-LAPOR! https://www.lapor.go.id"),
/// so a template can link the addresses and print the rest as text. Only `http(s)://` words
/// become links: never `javascript:` or a path.
pub(crate) fn potong_tautan(teks: &str) -> Vec<Potongan> {
    let mut out: Vec<Potongan> = Vec::new();
    let mut plain = String::new();
    for (k, word) in teks.split(' ').enumerate() {
        let lower = word.to_ascii_lowercase();
        let web = (lower.starts_with("https://") || lower.starts_with("http://"))
            && word.len() > 8
            && !word.contains(['"', '<', '>', '\'']);
        if k > 0 {
            plain.push(' ');
        }
        if web {
            // Trailing punctuation ends a sentence, not the address.
            let url = word.trim_end_matches(['.', ',', ';', ')']);
            let tail = &word[url.len()..];
            if !plain.is_empty() {
                out.push(Potongan {
                    teks: std::mem::take(&mut plain),
                    url: None,
                });
            }
            out.push(Potongan {
                teks: url.to_string(),
                url: Some(url.to_string()),
            });
            plain.push_str(tail);
        } else {
            plain.push_str(word);
        }
    }
    if !plain.is_empty() {
        out.push(Potongan {
            teks: plain,
            url: None,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_become_dialable_links() {
        assert_eq!(
            tel_url("(0512) 2021374").as_deref(),
            Some("tel:05122021374")
        );
        assert_eq!(
            tel_url("+62 512 2021374").as_deref(),
            Some("tel:+625122021374")
        );
        assert_eq!(tel_url("112"), None);
    }

    #[test]
    fn whatsapp_numbers_get_the_country_code() {
        for n in [
            "081234567890",
            "0812-3456-7890",
            "+62 812 3456 7890",
            "6281234567890",
        ] {
            assert_eq!(
                wa_url(n).as_deref(),
                Some("https://wa.me/6281234567890"),
                "{n}"
            );
        }
        assert_eq!(wa_url("(0512) 2021374"), None, "a landline has no WhatsApp");
        assert_eq!(wa_url("0812"), None);
        assert_eq!(wa_url("javascript:alert(1)"), None);
    }

    #[test]
    fn only_web_addresses_are_cut_out_as_links() {
        let p = potong_tautan("SP4N-LAPOR! https://www.lapor.go.id");
        assert_eq!(
            p,
            vec![
                Potongan {
                    teks: "SP4N-LAPOR! ".into(),
                    url: None
                },
                Potongan {
                    teks: "https://www.lapor.go.id".into(),
                    url: Some("https://www.lapor.go.id".into())
                },
            ]
        );
        let p = potong_tautan("lihat https://a.go.id/x. Lalu javascript:alert(1)");
        assert_eq!(p[1].url.as_deref(), Some("https://a.go.id/x"));
        assert_eq!(p[2].teks, ". Lalu javascript:alert(1)");
        assert!(p[2].url.is_none());
        assert_eq!(potong_tautan("Kotak pengaduan").len(), 1);
    }
}
