//! An object copied into the book without an `Obj` tree. The walk that numbers a document's
//! objects reads each one once (`scan`): its value written as `Obj::write` writes it (one
//! space between array items, a space after a key only before a value that does not start
//! with a delimiter, integers re-printed, names, reals and strings as written) into one
//! buffer per document, its references and structure id strings noted as `Span`s, and what
//! the joiner asks of its dictionary (`Facts`). Writing the object is then that text with its
//! spans replaced (references renumbered, ids prefixed): no second pass over the syntax. Only
//! a stream with an indirect `Length` is read again (`copy`'s slow path), to write its length.
//!
//! Why: building an `Obj` tree per object (a `Vec` per dictionary and array), then writing
//! it again, was most of the join's cost. Callgrind, `sopan build` after one changed SOP of
//! 200 (one book, 70,931 objects copied, 6.04G instructions in the whole build):
//! `book::join` 1.24G, `Joiner::copy` 1.14G, of them the lexer's trees 362M, SHA-256 of the
//! streams (`dedup`) 329M, `PdfWriter::write` 167M, `prefix_ids` 93M, tree drops 31M. After:
//! `book::join` 558M (whole build 5.37G), of it `scan` 336M, the writing 52M, `dedup` 9M.
//! The first cut, which tokenised every object twice (once to walk, once to write), saved
//! only 12% (`book::join` 1.09G); Typst's objects are not in `Obj::write`'s form (no space
//! between `>>` and `<<` in an array), so copying the file's own bytes would change the books.
//! The few objects the joiner changes beyond their numbers (pages, their resources,
//! annotations, the top structure elements, unfiltered metadata) still go through the tree.
//! The books are byte for byte those the tree wrote (the bundled project and a 200-SOP one
//! compared with `cmp`; `copy_tests` compares object by object, odd syntax included).

use super::lexer::{Lexer, parse_int};
use super::pdf_file::{Obj, PdfFile, ReadError, push_int};
use super::strings::{decode_string, literal};

/// What the joiner needs to know of an object's top-level dictionary; each entry as
/// `Dict::get` finds it (the first occurrence of its key).
#[derive(Default)]
pub(super) struct Facts<'a> {
    /// The object is a dictionary (a stream's dictionary for a stream).
    pub(super) dict: bool,
    /// Its `Type`, when a name.
    pub(super) kind: Option<&'a [u8]>,
    /// It has a `StructParent` or `StructParents` entry.
    pub(super) struct_parent: bool,
    /// It has a `Filter` entry.
    pub(super) filter: bool,
    /// Its `Length`, when an integer or a reference.
    length: Option<Obj<'a>>,
}

impl Facts<'_> {
    /// Whether `Type` is `name`.
    pub(super) fn is(&self, name: &[u8]) -> bool {
        self.kind == Some(name)
    }
}

/// One object read by `scan`.
pub(super) struct Scanned<'a> {
    /// See `Facts`.
    pub(super) facts: Facts<'a>,
    /// The stream data, as stored.
    pub(super) stream: Option<&'a [u8]>,
    /// Where its value starts.
    at: usize,
    /// Where `scan` wrote it in its `out`.
    text: std::ops::Range<usize>,
    /// Whether that text is the copy but for its `Span`s: not for a stream whose `Length`
    /// is a reference.
    ready: bool,
}

/// A part of an object's text (`Scanned::text`) that the copy changes: a reference (its
/// number) or, with `None`, a structure id string (see `copy`).
#[derive(Clone, Copy)]
pub(super) struct Span {
    start: usize,
    end: usize,
    pub(super) reference: Option<u32>,
}

/// Reads object `num` of `file` as `PdfFile::object` does (same errors): appends its value
/// to `out`, written as `Obj::write` writes it with every reference kept (`keep`) or written
/// as `0` (what `dedup` compares), and its `Span`s to `spans` (the references in order).
pub(super) fn scan<'a>(
    file: &PdfFile<'a>,
    num: u32,
    out: &mut Vec<u8>,
    spans: &mut Vec<Span>,
    keep: bool,
) -> Result<Scanned<'a>, ReadError> {
    let data = file.data();
    let at = file.offset(num)?;
    let mut lx = Lexer::new(data, at);
    if !lx.header(num) {
        let (Obj::Int(n), Obj::Int(_)) = (lx.obj()?, lx.obj()?) else {
            return Err(format!("objek {num} tidak sah"));
        };
        if n != i64::from(num) || !lx.keyword(b"obj") {
            return Err(format!("objek {num} tidak sah"));
        }
    }
    lx.skip_ws();
    let at = lx.pos;
    let mark = out.len();
    let mut c = Copier {
        lx,
        out,
        map: &[],
        keep,
        spans,
        prefix: &[],
        length: None,
        facts: Facts::default(),
    };
    c.value(0, Ctx::Top)?;
    let Copier {
        mut lx, facts, out, ..
    } = c;
    let text = mark..out.len();
    let mut ready = keep;
    lx.skip_ws();
    let mut stream = None;
    if lx.keyword(b"stream") {
        // The keyword is followed by CRLF or LF, then exactly /Length bytes.
        if data.get(lx.pos) == Some(&b'\r') {
            lx.pos += 1;
        }
        if data.get(lx.pos) == Some(&b'\n') {
            lx.pos += 1;
        }
        let len = match (&facts.length, facts.dict) {
            (Some(Obj::Int(n)), true) => *n,
            (Some(Obj::Ref(r)), true) => match file.object(*r)?.value {
                Obj::Int(n) => n,
                _ => return Err(format!("panjang aliran objek {num} tidak sah")),
            },
            _ => return Err(format!("aliran objek {num} tanpa panjang")),
        };
        let len = usize::try_from(len).map_err(|_| "panjang aliran tidak sah")?;
        // The copy writes the data's length: the same bytes only for a direct length.
        ready &= matches!(facts.length, Some(Obj::Int(_)));
        stream = Some(
            data.get(lx.pos..lx.pos + len)
                .ok_or_else(|| format!("aliran objek {num} terpotong"))?,
        );
    }
    Ok(Scanned {
        facts,
        stream,
        at,
        text,
        ready,
    })
}

/// Writes object `obj` of `file` to `out`, every reference `n` as `map[n]` (0 past its end);
/// a string `ID` of the dictionary and the string `Headers` of its attributes (`A`) get
/// `prefix` (a structure element's ids, as `prefix_ids` does); a stream's `Length` becomes
/// its data's length. `text` is where `scan` wrote (with `keep`), `spans` the object's spans.
pub(super) fn copy(
    file: &PdfFile,
    obj: &Scanned,
    text: &[u8],
    spans: &[Span],
    out: &mut Vec<u8>,
    map: &[u32],
    prefix: &[u8],
) -> Result<(), ReadError> {
    if obj.ready {
        // The text scanned, its spans replaced: no second pass over the syntax.
        let data = text;
        let mut at = obj.text.start;
        for span in spans {
            out.extend_from_slice(&data[at..span.start]);
            let raw = &data[span.start..span.end];
            match span.reference {
                Some(n) => {
                    let new = map.get(n as usize).copied().unwrap_or(0);
                    push_int(out, i64::from(new));
                    out.extend_from_slice(b" 0 R");
                }
                None => prefixed(out, raw, prefix),
            }
            at = span.end;
        }
        out.extend_from_slice(&data[at..obj.text.end]);
        return Ok(());
    }
    let mut spans = Vec::new();
    let mut c = Copier {
        lx: Lexer::new(file.data(), obj.at),
        out,
        map,
        keep: false,
        spans: &mut spans,
        prefix,
        length: obj.stream.map(<[u8]>::len),
        facts: Facts::default(),
    };
    c.value(0, Ctx::Top).map(drop)
}

/// Integer `n` as `Obj::write` writes it: `word`, its bytes, when that is already the same.
fn int(out: &mut Vec<u8>, word: &[u8], n: i64) {
    if (n > 0 && word[0] != b'0' && word.iter().all(u8::is_ascii_digit)) || word == b"0" {
        out.extend_from_slice(word);
    } else {
        push_int(out, n);
    }
}

/// A structure id string `raw` with `prefix` (none when empty), as `prefix_ids` writes it.
fn prefixed(out: &mut Vec<u8>, raw: &[u8], prefix: &[u8]) {
    let special = |b: &u8| matches!(b, b'(' | b')' | b'\\' | b'\r' | b'\n');
    if prefix.is_empty() {
        out.extend_from_slice(raw);
    } else if raw.first() == Some(&b'(')
        && !raw[1..raw.len() - 1].iter().any(special)
        && !prefix.iter().any(special)
    {
        // Nothing to escape or undo: `literal` would write the same.
        out.push(b'(');
        out.extend_from_slice(prefix);
        out.extend_from_slice(&raw[1..]);
    } else {
        let mut id = prefix.to_vec();
        id.extend(decode_string(raw));
        out.extend_from_slice(&literal(&id));
    }
}

/// Where a value sits, for the entries that change or are reported.
#[derive(Clone, Copy, PartialEq)]
enum Ctx {
    /// The object itself.
    Top,
    /// The element's `ID`: prefixed when a string.
    Id,
    /// The element's `A`: a dictionary of attributes, or an array of them.
    Attrs,
    /// One item of an `A` array: a dictionary of attributes when a dictionary.
    AttrItem,
    /// Its `Headers` array: its strings prefixed.
    Headers,
    /// Anything else.
    Plain,
}

/// What a value was, for `Facts`.
enum Kind<'a> {
    Name(&'a [u8]),
    Int(i64),
    Ref(u32),
    Other,
}

struct Copier<'a, 'x> {
    lx: Lexer<'a>,
    out: &'x mut Vec<u8>,
    map: &'x [u32],
    /// References written with their own numbers (else through `map`).
    keep: bool,
    spans: &'x mut Vec<Span>,
    prefix: &'x [u8],
    length: Option<usize>,
    facts: Facts<'a>,
}

impl<'a> Copier<'a, '_> {
    fn value(&mut self, depth: usize, ctx: Ctx) -> Result<Kind<'a>, ReadError> {
        if depth > 64 {
            return Err("objek bersarang terlalu dalam".into());
        }
        self.lx.skip_ws();
        let data = self.lx.data();
        let start = self.lx.pos;
        match self.lx.peek().ok_or("akhir berkas tak terduga")? {
            b'/' => {
                self.lx.pos += 1;
                let name = self.lx.regular();
                self.out.push(b'/');
                self.out.extend_from_slice(name);
                Ok(Kind::Name(name))
            }
            b'(' => {
                let mut level = 0usize;
                while let Some(b) = self.lx.peek() {
                    self.lx.pos += 1;
                    match b {
                        b'\\' => self.lx.pos += 1,
                        b'(' => level += 1,
                        b')' => {
                            level -= 1;
                            if level == 0 {
                                self.string(&data[start..self.lx.pos], ctx);
                                return Ok(Kind::Other);
                            }
                        }
                        _ => {}
                    }
                }
                Err("string tidak ditutup".into())
            }
            b'<' if data.get(start + 1) == Some(&b'<') => {
                self.lx.pos += 2;
                self.dict(depth, ctx)?;
                Ok(Kind::Other)
            }
            b'<' => {
                let end = data[start..]
                    .iter()
                    .position(|&b| b == b'>')
                    .ok_or("string heksadesimal tidak ditutup")?;
                self.lx.pos += end + 1;
                self.string(&data[start..self.lx.pos], ctx);
                Ok(Kind::Other)
            }
            b'[' => {
                self.lx.pos += 1;
                self.out.push(b'[');
                let item = match ctx {
                    Ctx::Attrs => Ctx::AttrItem,
                    Ctx::Headers => Ctx::Id,
                    _ => Ctx::Plain,
                };
                let mut first = true;
                loop {
                    self.lx.skip_ws();
                    if self.lx.peek() == Some(b']') {
                        self.lx.pos += 1;
                        self.out.push(b']');
                        return Ok(Kind::Other);
                    }
                    if !first {
                        self.out.push(b' ');
                    }
                    first = false;
                    self.value(depth + 1, item)?;
                }
            }
            b'+' | b'-' | b'.' | b'0'..=b'9' => {
                let word = self.lx.regular();
                // A short word: a loop, not `contains`'s call to `memchr`.
                #[allow(clippy::manual_contains)]
                let real = word.iter().any(|&b| b == b'.');
                if real {
                    self.out.extend_from_slice(word);
                    return Ok(Kind::Other);
                }
                let n = parse_int(word).ok_or("angka tidak sah")?;
                // "N G R" is a reference.
                let save = self.lx.pos;
                self.lx.skip_ws();
                if matches!(self.lx.peek(), Some(b'0'..=b'9')) {
                    let generation = self.lx.regular();
                    if !generation.is_empty() && self.lx.keyword(b"R") {
                        let num = u32::try_from(n).map_err(|_| "rujukan tidak sah")?;
                        let start = self.out.len();
                        if self.keep {
                            int(self.out, word, n);
                        } else {
                            let new = self.map.get(num as usize).copied().unwrap_or(0);
                            push_int(self.out, i64::from(new));
                        }
                        self.out.extend_from_slice(b" 0 R");
                        self.spans.push(Span {
                            start,
                            end: self.out.len(),
                            reference: Some(num),
                        });
                        return Ok(Kind::Ref(num));
                    }
                }
                self.lx.pos = save;
                int(self.out, word, n);
                Ok(Kind::Int(n))
            }
            _ => {
                let word = self.lx.regular();
                match word {
                    b"true" | b"false" | b"null" => {
                        self.out.extend_from_slice(word);
                        Ok(Kind::Other)
                    }
                    other => Err(format!(
                        "token tak dikenal `{}`",
                        String::from_utf8_lossy(other)
                    )),
                }
            }
        }
    }

    /// A string as written, or prefixed as a structure id.
    fn string(&mut self, raw: &'a [u8], ctx: Ctx) {
        if ctx == Ctx::Id {
            let start = self.out.len();
            prefixed(self.out, raw, self.prefix);
            self.spans.push(Span {
                start,
                end: self.out.len(),
                reference: None,
            });
        } else {
            self.out.extend_from_slice(raw);
        }
    }

    /// A dictionary after its `<<`.
    fn dict(&mut self, depth: usize, ctx: Ctx) -> Result<(), ReadError> {
        let top = ctx == Ctx::Top;
        if top {
            self.facts.dict = true;
        }
        // An attribute dictionary: `A` itself or an item of an `A` array.
        let attrs = matches!(ctx, Ctx::Attrs | Ctx::AttrItem);
        // Keys already met, so only the first of each counts (as `Dict::get` finds it).
        let (mut seen_type, mut seen_length, mut seen_id, mut seen_a, mut seen_headers) =
            (false, false, false, false, false);
        self.out.extend_from_slice(b"<<");
        loop {
            self.lx.skip_ws();
            let data = self.lx.data();
            let pos = self.lx.pos;
            if data.get(pos..pos + 2) == Some(b">>") {
                self.lx.pos += 2;
                self.out.extend_from_slice(b">>");
                return Ok(());
            }
            // A key is a name: read here rather than through `value` (a third of all tokens).
            let key = if self.lx.peek() == Some(b'/') && depth < 64 {
                self.lx.pos += 1;
                let name = self.lx.regular();
                self.out.push(b'/');
                self.out.extend_from_slice(name);
                name
            } else {
                let mark = self.out.len();
                let Kind::Name(key) = self.value(depth + 1, Ctx::Plain)? else {
                    self.out.truncate(mark);
                    return Err("kunci kamus bukan nama".into());
                };
                key
            };
            // A value that starts with a delimiter needs no space after the key.
            self.lx.skip_ws();
            let delimited = matches!(self.lx.peek(), Some(b'/' | b'(' | b'<' | b'['));
            let mut inner = Ctx::Plain;
            if top {
                match key {
                    b"Length" if !seen_length => {
                        seen_length = true;
                        if let Some(len) = self.length {
                            // The value is read (for its errors) but not written.
                            self.out.push(b' ');
                            push_int(self.out, len as i64);
                            let mark = self.out.len();
                            self.value(depth + 1, Ctx::Plain)?;
                            self.out.truncate(mark);
                            continue;
                        }
                        if !delimited {
                            self.out.push(b' ');
                        }
                        self.facts.length = match self.value(depth + 1, Ctx::Plain)? {
                            Kind::Int(n) => Some(Obj::Int(n)),
                            Kind::Ref(r) => Some(Obj::Ref(r)),
                            _ => None,
                        };
                        continue;
                    }
                    b"Type" if !seen_type => {
                        seen_type = true;
                        if !delimited {
                            self.out.push(b' ');
                        }
                        if let Kind::Name(n) = self.value(depth + 1, Ctx::Plain)? {
                            self.facts.kind = Some(n);
                        }
                        continue;
                    }
                    b"StructParent" | b"StructParents" => self.facts.struct_parent = true,
                    b"Filter" => self.facts.filter = true,
                    b"ID" if !seen_id => {
                        seen_id = true;
                        inner = Ctx::Id;
                    }
                    b"A" if !seen_a => {
                        seen_a = true;
                        inner = Ctx::Attrs;
                    }
                    _ => {}
                }
            } else if attrs && key == b"Headers" && !seen_headers {
                seen_headers = true;
                inner = Ctx::Headers;
            }
            if !delimited {
                self.out.push(b' ');
            }
            // `Headers` counts only when it is an array; `ID` only when a string.
            let inner = match (inner, self.lx.peek()) {
                (Ctx::Headers, Some(b'[')) => Ctx::Headers,
                (Ctx::Headers, _) => Ctx::Plain,
                (c, _) => c,
            };
            self.value(depth + 1, inner)?;
        }
    }
}

#[cfg(test)]
#[path = "copy_tests.rs"]
pub(super) mod tests;
