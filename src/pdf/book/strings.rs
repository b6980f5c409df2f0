//! PDF strings in the joiner: structure ids prefixed per document, string objects decoded
//! and written as literals or UTF-16 text strings.

use super::pdf_file::{Dict, Obj};

/// Prefixes the structure ids of an element: its `ID` and the `Headers` of its table
pub(super) fn prefix_ids(d: &mut Dict, prefix: &str) {
    if prefix.is_empty() {
        return;
    }
    if let Some(Obj::Str(s)) = d.get(b"ID") {
        let s = literal(&prefixed(prefix, decode_string(s)));
        d.set(b"ID", Obj::Owned(s));
    }
    let fix_headers = |attr: &mut Obj| {
        if let Obj::Dict(a) = attr
            && let Some(Obj::Array(hs)) = a.get_mut(b"Headers")
        {
            for h in hs.iter_mut() {
                if let Obj::Str(s) = h {
                    *h = Obj::Owned(literal(&prefixed(prefix, decode_string(s))));
                }
            }
        }
    };
    match d.get_mut(b"A") {
        Some(Obj::Array(attrs)) => attrs.iter_mut().for_each(fix_headers),
        Some(attr @ Obj::Dict(_)) => fix_headers(attr),
        _ => {}
    }
}

pub(super) fn prefixed(prefix: &str, id: Vec<u8>) -> Vec<u8> {
    let mut out = prefix.as_bytes().to_vec();
    out.extend(id);
    out
}

/// The bytes of a string object (literal escapes or hex undone).
pub(super) fn decode_string(raw: &[u8]) -> Vec<u8> {
    if raw.first() == Some(&b'<') {
        let hex: Vec<u8> = raw[1..raw.len() - 1]
            .iter()
            .copied()
            .filter(u8::is_ascii_hexdigit)
            .collect();
        return hex
            .chunks(2)
            .map(|c| {
                let s = std::str::from_utf8(c).unwrap_or("0");
                u8::from_str_radix(&format!("{s:0<2}"), 16).unwrap_or(0)
            })
            .collect();
    }
    let inner = &raw[1..raw.len().saturating_sub(1).max(1)];
    let mut out = Vec::with_capacity(inner.len());
    let mut k = 0;
    while k < inner.len() {
        let b = inner[k];
        if b == b'\\' && k + 1 < inner.len() {
            k += 1;
            match inner[k] {
                b'n' => out.push(b'\n'),
                b'r' => out.push(b'\r'),
                b't' => out.push(b'\t'),
                b'b' => out.push(8),
                b'f' => out.push(12),
                d @ b'0'..=b'7' => {
                    let mut v = u32::from(d - b'0');
                    for _ in 0..2 {
                        if let Some(&n @ b'0'..=b'7') = inner.get(k + 1) {
                            v = v * 8 + u32::from(n - b'0');
                            k += 1;
                        }
                    }
                    out.push(v as u8);
                }
                b'\n' => {}
                other => out.push(other),
            }
        } else {
            out.push(b);
        }
        k += 1;
    }
    out
}

/// A literal string object of `bytes`.
pub(super) fn literal(bytes: &[u8]) -> Vec<u8> {
    let mut out = vec![b'('];
    for &b in bytes {
        match b {
            b'(' | b')' | b'\\' => {
                out.push(b'\\');
                out.push(b);
            }
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\n' => out.extend_from_slice(b"\\n"),
            _ => out.push(b),
        }
    }
    out.push(b')');
    out
}

/// A text string: plain ASCII as a literal, anything else as UTF-16BE with its byte order
/// mark (poppler prints the structure titles of the latter cut at the first zero byte).
pub(super) fn text_bytes(text: &str) -> Vec<u8> {
    if text.bytes().all(|b| (b' '..=b'~').contains(&b)) {
        return literal(text.as_bytes());
    }
    let mut out = b"<FEFF".to_vec();
    for unit in text.encode_utf16() {
        out.extend_from_slice(format!("{unit:04X}").as_bytes());
    }
    out.push(b'>');
    out
}
