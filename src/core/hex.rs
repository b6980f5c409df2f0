//! SHA-256 digests as lowercase hex: cache file names and records, the output's manifest, the
//! portal record, the book's checksum on its page.

/// `bytes` as lowercase hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A 32-byte digest from its 64 hex digits; `None` for anything else.
pub(crate) fn unhex(s: &str) -> Option<[u8; 32]> {
    if s.len() != 64 {
        return None;
    }
    let mut key = [0u8; 32];
    for (k, byte) in key.iter_mut().enumerate() {
        *byte = u8::from_str_radix(s.get(2 * k..2 * k + 2)?, 16).ok()?;
    }
    Some(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_round_trip_through_hex() {
        let key: [u8; 32] = std::array::from_fn(|k| k as u8 * 7);
        assert_eq!(unhex(&hex(&key)), Some(key));
        assert_eq!(unhex("zz"), None);
        assert_eq!(hex(&[0, 15, 255]), "000fff");
    }
}
