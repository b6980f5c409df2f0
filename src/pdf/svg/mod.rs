//! Compacting the flowchart SVGs Typst writes, for the flow pages sopan's own writer
//! (`writer.rs`) leaves to typst-svg: the same drawing in about half the bytes, for
//! citizens loading an SOP page on a phone. Typst's SVG is very regular (`svg`, `defs`,
//! `symbol`, `g`, `path`, `use`), and this rewrites only what is known to be safe:
//! - numbers in `d`, `x`, `y` and `transform` rounded to 0.001 pt (Typst writes nine decimals);
//! - on a glyph `<use>`, the attributes that repeat SVG's defaults (`y="0"`, a black fill with
//!   the `nonzero` rule) dropped, since no group above a glyph sets a fill;
//! - the glyph ids (`g` and a 128-bit hash, written once per glyph and per use) numbered
//!   in order of first appearance.
//!
//! Anything unexpected (another element or attribute holding an id, a short glyph id) leaves
//! that part as Typst wrote it.

pub mod writer;

use std::collections::HashMap;

/// Decimals kept in coordinates: 0.001 pt is 0.35 µm on paper.
const DECIMALS: usize = 3;

/// The compacted SVG.
pub(crate) fn compact(svg: &str) -> String {
    let ids = glyph_ids(svg);
    let mut out = String::with_capacity(svg.len() / 2);
    let mut rest = svg;
    let mut element = "";
    while let Some(eq) = rest.find("=\"") {
        let (head, tail) = rest.split_at(eq);
        let Some(end) = tail[2..].find('"') else {
            break;
        };
        let value = &tail[2..2 + end];
        if let Some(lt) = head.rfind('<') {
            element = head[lt + 1..].split([' ', '/', '>']).next().unwrap_or("");
        }
        let name_start = head.rfind(' ').map_or(0, |k| k + 1);
        let name = &head[name_start..];
        let before = &head[..name_start];
        rest = &tail[2 + end + 1..];
        let glyph = element == "use";
        match name {
            "fill" if glyph && value == "#000000" => drop_attribute(&mut out, before),
            "fill-rule" if glyph && value == "nonzero" => drop_attribute(&mut out, before),
            "y" if glyph && value == "0" => drop_attribute(&mut out, before),
            "d" | "x" | "y" | "transform" => {
                out.push_str(head);
                out.push_str("=\"");
                round_numbers(value, &mut out);
                out.push('"');
            }
            "id" | "xlink:href" => {
                out.push_str(head);
                out.push_str("=\"");
                let hash = value.trim_start_matches('#');
                match ids.as_ref().and_then(|m| m.get(hash)) {
                    Some(short) => {
                        out.push_str(&value[..value.len() - hash.len()]);
                        out.push_str(short);
                    }
                    None => out.push_str(value),
                }
                out.push('"');
            }
            _ => {
                out.push_str(head);
                out.push_str("=\"");
                out.push_str(value);
                out.push('"');
            }
        }
    }
    out.push_str(rest);
    out
}

/// Writes the text before a dropped attribute (its separating space is dropped with it).
fn drop_attribute(out: &mut String, before: &str) {
    out.push_str(before.strip_suffix(' ').unwrap_or(before));
}

/// Short names for the glyph ids, or `None` when some id is not a glyph id as Typst writes
/// them (then no id is renamed, so nothing can collide).
fn glyph_ids(svg: &str) -> Option<HashMap<&str, String>> {
    let mut ids = HashMap::new();
    for part in svg.split(" id=\"").skip(1) {
        let id = &part[..part.find('"')?];
        let hex = id.strip_prefix('g')?;
        if hex.len() < 16 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let n = ids.len();
        ids.entry(id).or_insert_with(|| format!("g{n:x}"));
    }
    Some(ids)
}

/// Copies `value`, rounding every decimal number in it to [`DECIMALS`] places. Works on the
/// digits (no float parsing): a flowchart has tens of thousands of numbers.
fn round_numbers(value: &str, out: &mut String) {
    let bytes = value.as_bytes();
    let mut copied = 0;
    let mut k = 0;
    while k < bytes.len() {
        if !(bytes[k] == b'-' || bytes[k].is_ascii_digit()) {
            k += 1;
            continue;
        }
        let start = k;
        k += 1;
        while k < bytes.len() && (bytes[k].is_ascii_digit() || bytes[k] == b'.') {
            k += 1;
        }
        let token = &value[start..k];
        if let Some(rounded) = round_token(token) {
            out.push_str(&value[copied..start]);
            out.push_str(&rounded);
            copied = k;
        }
    }
    out.push_str(&value[copied..]);
}

/// `token` rounded half away from zero to [`DECIMALS`] places without trailing zeros, or
/// `None` when it has no more decimals than that (or is not a plain decimal number).
fn round_token(token: &str) -> Option<String> {
    let (negative, body) = match token.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, token),
    };
    let (int, frac) = body.split_once('.')?;
    let all_digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty() || frac.len() <= DECIMALS || !all_digits(int) || !all_digits(frac) {
        return None;
    }
    let mut digits: Vec<u8> = int.bytes().chain(frac.bytes().take(DECIMALS)).collect();
    let mut int_len = int.len();
    if frac.as_bytes()[DECIMALS] >= b'5' {
        let mut carry = true;
        for d in digits.iter_mut().rev() {
            if *d == b'9' {
                *d = b'0';
            } else {
                *d += 1;
                carry = false;
                break;
            }
        }
        if carry {
            digits.insert(0, b'1');
            int_len += 1;
        }
    }
    let mut end = digits.len();
    while end > int_len && digits[end - 1] == b'0' {
        end -= 1;
    }
    let mut s = String::with_capacity(end + 2);
    if negative && digits[..end].iter().any(|&d| d != b'0') {
        s.push('-');
    }
    // Digits are ASCII.
    s.extend(digits[..int_len].iter().map(|&d| char::from(d)));
    if end > int_len {
        s.push('.');
        s.extend(digits[int_len..end].iter().map(|&d| char::from(d)));
    }
    Some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TYPST: &str = concat!(
        r##"<svg viewBox="0 0 935.433070866 609.448818898" width="935.433070866pt" xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">"##,
        r##"<path fill="#ffffff" fill-rule="nonzero" d="M 0 0v 609.448818898h 935.433070866v -609.448818898Z "/>"##,
        r##"<g transform="matrix(1 0 0 -1 34.015748031 45.876933901)">"##,
        r##"<use xlink:href="#g8CEE6BC3791698FD8EDA6464458E03F3" x="0" y="0" fill="#000000" fill-rule="nonzero"/>"##,
        r##"<use xlink:href="#gA410893F69C2A7B908D614BBBA1B3235" x="5.497558594" y="0" fill="#ff0000" fill-rule="nonzero"/>"##,
        r##"<use xlink:href="#g8CEE6BC3791698FD8EDA6464458E03F3" x="-0.0001" y="1.5" fill="#000000" fill-rule="evenodd"/>"##,
        r##"</g><defs>"##,
        r##"<symbol id="g8CEE6BC3791698FD8EDA6464458E03F3" overflow="visible"><path d="M 0 0m 1.8984375 5.189941406v -1.916015625Z "/></symbol>"##,
        r##"<symbol id="gA410893F69C2A7B908D614BBBA1B3235" overflow="visible"><path d="M 0 0m 0.602050781 0v 6.191894531Z "/></symbol>"##,
        r##"</defs></svg>"##
    );

    #[test]
    fn rounds_coordinates_drops_defaults_and_numbers_glyphs() {
        let c = compact(TYPST);
        assert!(
            c.len() < TYPST.len() * 3 / 4,
            "{} of {}",
            c.len(),
            TYPST.len()
        );
        // The page frame keeps its colour; sizes in the root are left alone.
        assert!(c.contains(r##"<path fill="#ffffff" fill-rule="nonzero" d="M 0 0v 609.449h 935.433v -609.449Z "/>"##), "{c}");
        assert!(
            c.contains(r##"viewBox="0 0 935.433070866 609.448818898""##),
            "{c}"
        );
        assert!(
            c.contains(r#"transform="matrix(1 0 0 -1 34.016 45.877)""#),
            "{c}"
        );
        // A black glyph at y=0 loses the defaults; a red one and an even-odd one keep theirs.
        assert!(c.contains(r##"<use xlink:href="#g0" x="0"/>"##), "{c}");
        assert!(
            c.contains(r##"<use xlink:href="#g1" x="5.498" fill="#ff0000"/>"##),
            "{c}"
        );
        assert!(
            c.contains(r##"<use xlink:href="#g0" x="0" y="1.5" fill-rule="evenodd"/>"##),
            "{c}"
        );
        assert!(
            c.contains(
                r#"<symbol id="g0" overflow="visible"><path d="M 0 0m 1.898 5.19v -1.916Z "/>"#
            ),
            "{c}"
        );
        assert!(c.contains(r#"<symbol id="g1" "#), "{c}");
    }

    #[test]
    fn an_unexpected_id_leaves_every_id_alone() {
        let svg = TYPST.replace("<defs>", r#"<defs><clipPath id="c1"/>"#);
        let c = compact(&svg);
        assert!(c.contains("#g8CEE6BC3791698FD8EDA6464458E03F3"), "{c}");
        assert!(c.contains(r#"id="c1""#), "{c}");
        assert!(!c.contains(r##""#g0""##), "{c}");
    }

    #[test]
    fn numbers_round_half_away_from_zero_on_their_digits() {
        for (t, r) in [
            ("1.8984375", Some("1.898")),
            ("5.189941406", Some("5.19")),
            ("-1.9995", Some("-2")),
            ("9.9996", Some("10")),
            ("-0.0001", Some("0")),
            ("0.0005", Some("0.001")),
            ("12.125", None),
            ("7", None),
            ("1.2.3456", None),
        ] {
            assert_eq!(round_token(t).as_deref(), r, "{t}");
        }
        let mut out = String::new();
        round_numbers("M 0 0m 1.8984375 -5.189941406h 3Z", &mut out);
        assert_eq!(out, "M 0 0m 1.898 -5.19h 3Z");
    }

    #[test]
    fn text_without_attributes_passes_through() {
        assert_eq!(compact("<svg></svg>"), "<svg></svg>");
        assert_eq!(compact(r#"<a b="1.23456789"#), r#"<a b="1.23456789"#);
    }
}
