//! Decimal digits written by hand into a byte buffer: the flowchart SVGs and the PDF writer
//! print hundreds of thousands of numbers per build, and `write!` cost more than the digits
//! (the SVG writer's numbers: 104M of 134M instructions per 100 SOPs under callgrind).

/// Writes the decimal digits of `v` into `buf` so that they end just before `end`, and
/// returns where they start.
#[inline]
pub(crate) fn digits_before(buf: &mut [u8], end: usize, mut v: u64) -> usize {
    let mut k = end;
    loop {
        k -= 1;
        buf[k] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            return k;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_end_where_asked() {
        let mut buf = [b'x'; 24];
        for v in [0, 7, 10, 12_345, u64::MAX] {
            let k = digits_before(&mut buf, 22, v);
            assert_eq!(&buf[k..22], v.to_string().as_bytes());
            assert_eq!(&buf[22..], b"xx");
        }
    }
}
