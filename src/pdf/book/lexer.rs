//! PDF syntax read into `Obj` trees that borrow the file's bytes: one table lookup per byte
//! for its class, numbers and references told apart by looking ahead.

use super::pdf_file::{Dict, Obj, ReadError};

pub(super) fn parse_int(word: &[u8]) -> Option<i64> {
    let (negative, digits) = match word.split_first()? {
        (b'-', rest) => (true, rest),
        (b'+', rest) => (false, rest),
        _ => (false, word),
    };
    if digits.is_empty() || digits.len() > 18 {
        return None;
    }
    let mut v: i64 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        v = v * 10 + i64::from(d - b'0');
    }
    Some(if negative { -v } else { v })
}

/// The class of every byte: 1 white space, 2 delimiter, 0 regular (one lookup per byte; the
/// lexer spends its time scanning).
const CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let ws = b" \n\r\t\x0c\0";
    let mut k = 0;
    while k < ws.len() {
        t[ws[k] as usize] = 1;
        k += 1;
    }
    let delims = b"()<>[]{}/%";
    let mut k = 0;
    while k < delims.len() {
        t[delims[k] as usize] = 2;
        k += 1;
    }
    t
};

fn is_ws(b: u8) -> bool {
    CLASS[b as usize] == 1
}

fn is_delim(b: u8) -> bool {
    CLASS[b as usize] == 2
}

/// Reads objects from PDF syntax.
pub(crate) struct Lexer<'a> {
    data: &'a [u8],
    pub(crate) pos: usize,
}

impl<'a> Lexer<'a> {
    pub(crate) fn new(data: &'a [u8], pos: usize) -> Self {
        Lexer { data, pos }
    }

    /// The whole input.
    pub(super) fn data(&self) -> &'a [u8] {
        self.data
    }

    pub(super) fn peek(&self) -> Option<u8> {
        self.data.get(self.pos).copied()
    }

    pub(crate) fn skip_ws(&mut self) {
        while let Some(b) = self.peek() {
            if is_ws(b) {
                self.pos += 1;
            } else if b == b'%' {
                while let Some(b) = self.peek() {
                    if b == b'\n' || b == b'\r' {
                        break;
                    }
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
    }

    /// Consumes `{num} 0 obj` when it comes next, as every writer we know writes an object's
    /// header (`PdfFile::object` reads any other form); one pass, no lookahead.
    pub(super) fn header(&mut self, num: u32) -> bool {
        let digits = self.data[self.pos..]
            .iter()
            .take(11)
            .take_while(|b| b.is_ascii_digit())
            .count();
        let end = self.pos + digits;
        let word = &self.data[self.pos..end];
        if digits == 0 || digits > 10 || parse_int(word) != Some(i64::from(num)) {
            return false;
        }
        let after = end + b" 0 obj".len();
        if self.data.get(end..after) != Some(b" 0 obj")
            || self
                .data
                .get(after)
                .is_some_and(|&b| !is_ws(b) && !is_delim(b))
        {
            return false;
        }
        self.pos = after;
        true
    }

    /// Consumes `word` when it comes next as a whole token.
    pub(crate) fn keyword(&mut self, word: &[u8]) -> bool {
        self.skip_ws();
        let end = self.pos + word.len();
        if self.data.get(self.pos..end) == Some(word)
            && self.data.get(end).is_none_or(|&b| is_ws(b) || is_delim(b))
        {
            self.pos = end;
            true
        } else {
            false
        }
    }

    pub(super) fn regular(&mut self) -> &'a [u8] {
        let start = self.pos;
        let len = self.data[start..]
            .iter()
            .position(|&b| CLASS[b as usize] != 0)
            .unwrap_or(self.data.len() - start);
        self.pos += len;
        &self.data[start..self.pos]
    }

    pub(crate) fn obj(&mut self) -> Result<Obj<'a>, ReadError> {
        self.obj_at_depth(0)
    }

    fn obj_at_depth(&mut self, depth: usize) -> Result<Obj<'a>, ReadError> {
        if depth > 64 {
            return Err("objek bersarang terlalu dalam".into());
        }
        self.skip_ws();
        let start = self.pos;
        match self.peek().ok_or("akhir berkas tak terduga")? {
            b'/' => {
                self.pos += 1;
                Ok(Obj::Name(self.regular()))
            }
            b'(' => {
                let mut level = 0usize;
                while let Some(b) = self.peek() {
                    self.pos += 1;
                    match b {
                        b'\\' => self.pos += 1,
                        b'(' => level += 1,
                        b')' => {
                            level -= 1;
                            if level == 0 {
                                return Ok(Obj::Str(&self.data[start..self.pos]));
                            }
                        }
                        _ => {}
                    }
                }
                Err("string tidak ditutup".into())
            }
            b'<' if self.data.get(self.pos + 1) == Some(&b'<') => {
                self.pos += 2;
                let mut d = Dict(Vec::with_capacity(8));
                loop {
                    self.skip_ws();
                    if self.data.get(self.pos..self.pos + 2) == Some(b">>") {
                        self.pos += 2;
                        return Ok(Obj::Dict(d));
                    }
                    let Obj::Name(key) = self.obj_at_depth(depth + 1)? else {
                        return Err("kunci kamus bukan nama".into());
                    };
                    let value = self.obj_at_depth(depth + 1)?;
                    d.0.push((key, value));
                }
            }
            b'<' => {
                let end = self.data[self.pos..]
                    .iter()
                    .position(|&b| b == b'>')
                    .ok_or("string heksadesimal tidak ditutup")?;
                self.pos += end + 1;
                Ok(Obj::Str(&self.data[start..self.pos]))
            }
            b'[' => {
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_ws();
                    if self.peek() == Some(b']') {
                        self.pos += 1;
                        return Ok(Obj::Array(items));
                    }
                    items.push(self.obj_at_depth(depth + 1)?);
                }
            }
            b'+' | b'-' | b'.' | b'0'..=b'9' => {
                let word = self.regular();
                if word.contains(&b'.') {
                    return Ok(Obj::Real(word));
                }
                let n = parse_int(word).ok_or("angka tidak sah")?;
                // "N G R" is a reference.
                let save = self.pos;
                self.skip_ws();
                if matches!(self.peek(), Some(b'0'..=b'9')) {
                    let generation = self.regular();
                    if !generation.is_empty() && self.keyword(b"R") {
                        let num = u32::try_from(n).map_err(|_| "rujukan tidak sah")?;
                        return Ok(Obj::Ref(num));
                    }
                }
                self.pos = save;
                Ok(Obj::Int(n))
            }
            _ => match self.regular() {
                b"true" => Ok(Obj::Bool(true)),
                b"false" => Ok(Obj::Bool(false)),
                b"null" => Ok(Obj::Null),
                other => Err(format!(
                    "token tak dikenal `{}`",
                    String::from_utf8_lossy(other)
                )),
            },
        }
    }
}
