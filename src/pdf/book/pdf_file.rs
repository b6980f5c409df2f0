//! Reading the PDF files sopan writes itself (Typst through krilla: a classic cross-reference
//! table, plain object dictionaries, streams of known length) into `Obj` trees that borrow the
//! file's bytes, and writing objects back with their references renumbered. The decree book is
//! joined from these files (see `mod.rs`) without laying any page out again. A file with
//! cross-reference or object streams is first rewritten into this form by `classic`.
//! The joiner copies most objects without these trees (`copy`): only what it changes is
//! read into one.
//!
//! Kept rather than moved to `lopdf` (0.47, J-F-Liu/lopdf, maintained: 0.39 to 0.47 in the
//! last releases), measured on 1,000 generated SOPs (`examples/gen`, 88 MB of PDFs; release
//! builds, 2 cores shared with other jobs, runs interleaved, 3 each): this joiner parses them
//! in 8–18 ms and writes the whole book (structure tree, bookmarks, links, page stamps, one
//! shared logo) in 0.51–0.63 s at 204 MB peak RSS (88 MB of it the input files); lopdf's
//! load of the same files took 1.1–2.0 s and its merge (renumber, one page tree, save)
//! 1.4–1.5 s more, at 1.7 GB peak, without any structure, bookmark, link or stamp work.
//! lopdf decodes every object into owned trees and encodes them again on save; the joiner
//! copies the bytes of what it does not change. lopdf's output was byte-identical across
//! runs too, so determinism did not decide it; speed, memory and ~90 crates in its default
//! tree (encryption, chrono, rand) did. The probe was a throwaway program outside this crate.

pub(crate) use super::lexer::Lexer;

/// A PDF object. Numbers, names and strings keep their bytes as written, so copying an object
/// never re-encodes it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Obj<'a> {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A real number, as written.
    Real(&'a [u8]),
    /// A name without its slash, as written.
    Name(&'a [u8]),
    /// A string with its delimiters, as written: `(…)` or `<…>`.
    Str(&'a [u8]),
    /// An array.
    Array(Vec<Obj<'a>>),
    /// A dictionary.
    Dict(Dict<'a>),
    /// An indirect reference (object number; generations are always 0 here).
    Ref(u32),
    /// An object written while joining (a prefixed structure id, a reference to a new
    /// object), as its bytes.
    Owned(Vec<u8>),
}

/// A dictionary: keys in the order they were written, so output is deterministic.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Dict<'a>(pub Vec<(&'a [u8], Obj<'a>)>);

impl<'a> Dict<'a> {
    /// The value of `key`.
    pub(crate) fn get(&self, key: &[u8]) -> Option<&Obj<'a>> {
        self.0.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    /// The value of `key`, mutably.
    pub(crate) fn get_mut(&mut self, key: &[u8]) -> Option<&mut Obj<'a>> {
        self.0.iter_mut().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    /// Sets `key`, in place when present, else at the end.
    pub(crate) fn set(&mut self, key: &'a [u8], value: Obj<'a>) {
        match self.get_mut(key) {
            Some(v) => *v = value,
            None => self.0.push((key, value)),
        }
    }

    /// The reference stored under `key`.
    pub(crate) fn get_ref(&self, key: &[u8]) -> Option<u32> {
        match self.get(key)? {
            Obj::Ref(n) => Some(*n),
            _ => None,
        }
    }

    /// The integer stored under `key`.
    pub(crate) fn get_int(&self, key: &[u8]) -> Option<i64> {
        match self.get(key)? {
            Obj::Int(n) => Some(*n),
            _ => None,
        }
    }

    /// Whether `key` holds the name `name`.
    pub(crate) fn has_name(&self, key: &[u8], name: &[u8]) -> bool {
        matches!(self.get(key), Some(Obj::Name(n)) if *n == name)
    }
}

impl<'a> Obj<'a> {
    /// The dictionary, when this is one.
    pub(crate) fn as_dict(&self) -> Option<&Dict<'a>> {
        match self {
            Obj::Dict(d) => Some(d),
            _ => None,
        }
    }

    /// Every reference inside this object, depth first.
    pub(crate) fn refs(&self, out: &mut Vec<u32>) {
        match self {
            Obj::Ref(n) => out.push(*n),
            Obj::Array(items) => items.iter().for_each(|o| o.refs(out)),
            Obj::Dict(d) => d.0.iter().for_each(|(_, o)| o.refs(out)),
            _ => {}
        }
    }

    /// Writes the object with every reference passed through `map`.
    pub(crate) fn write(&self, out: &mut Vec<u8>, map: &impl Fn(u32) -> u32) {
        match self {
            Obj::Null => out.extend_from_slice(b"null"),
            Obj::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
            Obj::Int(n) => push_int(out, *n),
            Obj::Real(r) => out.extend_from_slice(r),
            Obj::Name(n) => {
                out.push(b'/');
                out.extend_from_slice(n);
            }
            Obj::Str(s) => out.extend_from_slice(s),
            Obj::Owned(s) => out.extend_from_slice(s),
            Obj::Ref(n) => {
                push_int(out, i64::from(map(*n)));
                out.extend_from_slice(b" 0 R");
            }
            Obj::Array(items) => {
                out.push(b'[');
                for (k, item) in items.iter().enumerate() {
                    if k > 0 {
                        out.push(b' ');
                    }
                    item.write(out, map);
                }
                out.push(b']');
            }
            Obj::Dict(d) => {
                out.extend_from_slice(b"<<");
                for (key, value) in &d.0 {
                    out.push(b'/');
                    out.extend_from_slice(key);
                    // A value that starts with a delimiter needs no space after the key.
                    let delimited = match value {
                        Obj::Name(_) | Obj::Str(_) | Obj::Array(_) | Obj::Dict(_) => true,
                        Obj::Owned(b) => matches!(b.first(), Some(b'/' | b'(' | b'<' | b'[')),
                        _ => false,
                    };
                    if !delimited {
                        out.push(b' ');
                    }
                    value.write(out, map);
                }
                out.extend_from_slice(b">>");
            }
        }
    }
}

/// Writes an integer in decimal without an intermediate string.
/// One in-use entry of a classic cross-reference table, as `format!("{at:010} 00000 n\r\n")`
/// writes it, by hand: a `format!` per line was 87M instructions of joining one book of 200
/// SOPs and 40M per 100 SOPs in `title`. An offset past ten digits is written wider, as
/// `{:010}` writes it.
pub(crate) fn push_xref_entry(out: &mut Vec<u8>, at: usize) {
    let mut line = *b"0000000000 00000 n\r\n";
    let mut v = at;
    for d in line[..10].iter_mut().rev() {
        *d = b'0' + (v % 10) as u8;
        v /= 10;
    }
    if v != 0 {
        out.extend_from_slice(format!("{at:010} 00000 n\r\n").as_bytes());
    } else {
        out.extend_from_slice(&line);
    }
}

pub(super) fn push_int(out: &mut Vec<u8>, n: i64) {
    if n < 0 {
        out.push(b'-');
    }
    let mut digits = [0u8; 20];
    let k = crate::core::digits::digits_before(&mut digits, 20, n.unsigned_abs());
    out.extend_from_slice(&digits[k..]);
}

/// One indirect object: its value and, for a stream, the stream's bytes (still encoded).
pub(crate) struct Object<'a> {
    /// The object (a stream's dictionary for a stream).
    pub value: Obj<'a>,
    /// The stream data, as stored.
    pub stream: Option<&'a [u8]>,
}

/// A parsed PDF file: where each object starts, and the trailer.
pub(crate) struct PdfFile<'a> {
    data: &'a [u8],
    /// Where object `n` starts, at index `n`.
    offsets: Vec<Option<usize>>,
    /// The trailer dictionary.
    pub trailer: Dict<'a>,
    /// Where the cross-reference table starts.
    xref: usize,
}

/// Why a file could not be read.
pub(crate) type ReadError = String;

impl<'a> PdfFile<'a> {
    /// Reads the cross-reference table and the trailer of a file in classic form: one table,
    /// no incremental updates. Anything else (cross-reference streams, object streams,
    /// `/Prev` chains) is first rewritten by `classic::classic`.
    pub(crate) fn parse(data: &'a [u8]) -> Result<Self, ReadError> {
        let xref = super::classic::startxref(data)?;
        let (entries, trailer) = super::classic::classic_section(data, xref)?;
        let mut offsets = Vec::new();
        for (num, entry) in entries {
            let super::classic::Entry::At(off) = entry else {
                continue;
            };
            if num >= offsets.len() {
                // Object numbers are dense; a wild one is an error, not an allocation.
                if num > data.len() {
                    return Err("nomor objek tidak sah".into());
                }
                offsets.resize(num + 1, None);
            }
            offsets[num] = Some(off);
        }
        if trailer.get(b"Prev").is_some() || trailer.get(b"XRefStm").is_some() {
            return Err("berkas dengan pembaruan bertahap (baca lewat `classic`)".into());
        }
        Ok(PdfFile {
            data,
            offsets,
            trailer,
            xref,
        })
    }

    /// Where object `num` starts.
    pub(super) fn offset(&self, num: u32) -> Result<usize, ReadError> {
        self.offsets
            .get(num as usize)
            .copied()
            .flatten()
            .ok_or_else(|| format!("objek {num} tidak ada"))
    }

    /// Object `num`.
    pub(crate) fn object(&self, num: u32) -> Result<Object<'a>, ReadError> {
        let at = self.offset(num)?;
        let mut lx = Lexer::new(self.data, at);
        let (Obj::Int(n), Obj::Int(_)) = (lx.obj()?, lx.obj()?) else {
            return Err(format!("objek {num} tidak sah"));
        };
        if n != i64::from(num) || !lx.keyword(b"obj") {
            return Err(format!("objek {num} tidak sah"));
        }
        let value = lx.obj()?;
        lx.skip_ws();
        let mut stream = None;
        if lx.keyword(b"stream") {
            // The keyword is followed by CRLF or LF, then exactly /Length bytes.
            if self.data.get(lx.pos) == Some(&b'\r') {
                lx.pos += 1;
            }
            if self.data.get(lx.pos) == Some(&b'\n') {
                lx.pos += 1;
            }
            let len = match value.as_dict().and_then(|d| d.get(b"Length")) {
                Some(Obj::Int(n)) => *n,
                Some(Obj::Ref(r)) => match self.object(*r)?.value {
                    Obj::Int(n) => n,
                    _ => return Err(format!("panjang aliran objek {num} tidak sah")),
                },
                _ => return Err(format!("aliran objek {num} tanpa panjang")),
            };
            let len = usize::try_from(len).map_err(|_| "panjang aliran tidak sah")?;
            stream = Some(
                self.data
                    .get(lx.pos..lx.pos + len)
                    .ok_or_else(|| format!("aliran objek {num} terpotong"))?,
            );
        }
        Ok(Object { value, stream })
    }

    /// The file's bytes.
    pub(super) fn data(&self) -> &'a [u8] {
        self.data
    }

    /// A reader of the objects at `offsets` (index = object number), without a trailer: for
    /// files whose cross-reference is read elsewhere (`classic`).
    pub(crate) fn from_offsets(data: &'a [u8], offsets: Vec<Option<usize>>) -> Self {
        PdfFile {
            data,
            offsets,
            trailer: Dict::default(),
            xref: data.len(),
        }
    }

    /// The stream object that starts at byte `at` (a cross-reference stream, which no table
    /// lists): its dictionary and its data as stored. Its `Length` must be direct.
    pub(crate) fn object_at(data: &'a [u8], at: usize) -> Result<(Dict<'a>, &'a [u8]), ReadError> {
        let mut lx = Lexer::new(data, at);
        let (Obj::Int(num), Obj::Int(_)) = (lx.obj()?, lx.obj()?) else {
            return Err("aliran xref tidak sah".into());
        };
        let num = u32::try_from(num)
            .ok()
            .filter(|&n| n as usize <= data.len())
            .ok_or("aliran xref tidak sah")?;
        let mut offsets = vec![None; num as usize + 1];
        offsets[num as usize] = Some(at);
        let file = PdfFile::from_offsets(data, offsets);
        let obj = file.object(num)?;
        match (obj.value, obj.stream) {
            (Obj::Dict(d), Some(s)) => Ok((d, s)),
            _ => Err("aliran xref tidak sah".into()),
        }
    }

    /// The dictionary of object `num`.
    pub(crate) fn dict(&self, num: u32) -> Result<Dict<'a>, ReadError> {
        match self.object(num)?.value {
            Obj::Dict(d) => Ok(d),
            _ => Err(format!("objek {num} bukan kamus")),
        }
    }

    /// The bytes of object `num` from its number to the end of its `endobj`.
    pub(crate) fn object_span(&self, num: u32) -> Result<std::ops::Range<usize>, ReadError> {
        let at = self.offset(num)?;
        // A stream may hold the word, so search after its data.
        let from = match self.object(num)?.stream {
            Some(s) => s.as_ptr() as usize - self.data.as_ptr() as usize + s.len(),
            None => at,
        };
        let end = self.data[from..]
            .windows(6)
            .position(|w| w == b"endobj")
            .ok_or_else(|| format!("objek {num} tanpa endobj"))?;
        Ok(at..from + end + 6)
    }

    /// Where each object starts (`None` for free numbers), and where the cross-reference
    /// table starts.
    pub(crate) fn layout(&self) -> (&[Option<usize>], usize) {
        (&self.offsets, self.xref)
    }

    /// The file's size in bytes.
    pub(crate) fn byte_len(&self) -> usize {
        self.data.len()
    }

    /// One more than the largest object number.
    pub(crate) fn size(&self) -> usize {
        self.offsets.len()
    }

    /// The catalog's object number.
    pub(crate) fn root(&self) -> Result<u32, ReadError> {
        self.trailer
            .get_ref(b"Root")
            .ok_or_else(|| "trailer tanpa Root".into())
    }

    /// The page objects in order, and the page-tree nodes above them.
    pub(crate) fn pages(&self) -> Result<(Vec<u32>, Vec<u32>), ReadError> {
        let catalog = self.dict(self.root()?)?;
        let top = catalog.get_ref(b"Pages").ok_or("katalog tanpa Pages")?;
        let (mut pages, mut nodes) = (Vec::new(), Vec::new());
        let mut stack = vec![top];
        while let Some(n) = stack.pop() {
            let d = self.dict(n)?;
            if d.has_name(b"Type", b"Pages") {
                nodes.push(n);
                let Some(Obj::Array(kids)) = d.get(b"Kids") else {
                    return Err(format!("simpul halaman {n} tanpa Kids"));
                };
                // Reversed onto the stack so pages come out in order.
                for kid in kids.iter().rev() {
                    if let Obj::Ref(k) = kid {
                        stack.push(*k);
                    }
                }
            } else {
                pages.push(n);
            }
            if nodes.len() + pages.len() > self.offsets.len() {
                return Err("pohon halaman melingkar".into());
            }
        }
        Ok((pages, nodes))
    }
}

/// Where a PDF being written goes: `PdfWriter` hands it its bytes a piece at a time.
pub(crate) trait Sink {
    /// What the finished file yields.
    type Output;

    /// Takes the bytes written so far out of `buf` (writing them somewhere else and clearing
    /// `buf`), or leaves them there: the writer counts offsets either way.
    fn take(&mut self, buf: &mut Vec<u8>) -> std::io::Result<()>;

    /// The last bytes, `rest` (what `take` left in the buffer): the file is whole.
    fn end(self, rest: Vec<u8>) -> std::io::Result<Self::Output>;
}

/// The file held whole in memory (`serve`, tests): the writer's buffer is the file.
#[derive(Default)]
pub(crate) struct Memory;

impl Sink for Memory {
    type Output = Vec<u8>;

    fn take(&mut self, _buf: &mut Vec<u8>) -> std::io::Result<()> {
        Ok(())
    }

    fn end(self, rest: Vec<u8>) -> std::io::Result<Vec<u8>> {
        Ok(rest)
    }
}

/// A PDF file being written: objects in any order, then the cross-reference table. The bytes
/// go to a `Sink` as they are written (`Memory` keeps them all), so a book written to a file
/// never is in memory whole.
pub(crate) struct PdfWriter<S: Sink = Memory> {
    /// The bytes not yet taken by the sink.
    pub buf: Vec<u8>,
    /// Bytes the sink has taken, before `buf`.
    taken: usize,
    /// How many bytes `buf` gathers before the sink takes them.
    chunk: usize,
    offsets: Vec<Option<usize>>,
    sink: S,
    /// The first error of the sink: later bytes are dropped, `finish` reports it.
    failed: Option<std::io::Error>,
}

impl PdfWriter<Memory> {
    /// Starts a PDF 1.7 file in memory with room for about `bytes` of output: a book grows to
    /// tens of megabytes, and growing by doubling copied it and faulted in fresh pages again
    /// and again.
    pub(crate) fn with_capacity(bytes: usize) -> Self {
        let mut w = PdfWriter::to(Memory, usize::MAX);
        w.buf.reserve(bytes);
        w
    }
}

impl<S: Sink> PdfWriter<S> {
    /// Starts a PDF 1.7 file going to `sink` (the binary comment marks it as binary for
    /// transfer tools), handed over whenever `chunk` bytes have gathered.
    pub(crate) fn to(sink: S, chunk: usize) -> Self {
        let mut buf = Vec::new();
        buf.extend_from_slice(b"%PDF-1.7\n%\x80\x80\x80\x80\n\n");
        PdfWriter {
            buf,
            taken: 0,
            chunk,
            offsets: vec![None],
            sink,
            failed: None,
        }
    }

    /// A fresh object number.
    pub(crate) fn alloc(&mut self) -> u32 {
        self.offsets.push(None);
        u32::try_from(self.offsets.len() - 1).expect("fewer than 2^32 objects")
    }

    /// Where the next byte goes in the file.
    fn at(&self) -> usize {
        self.taken + self.buf.len()
    }

    /// Hands the buffer to the sink once it holds a chunk.
    fn drain(&mut self) {
        if self.buf.len() < self.chunk {
            return;
        }
        let before = self.buf.len();
        if self.failed.is_none()
            && let Err(e) = self.sink.take(&mut self.buf)
        {
            self.failed = Some(e);
        }
        if self.failed.is_some() {
            // Nothing more reaches the sink; the buffer stays small until `finish` fails.
            self.buf.clear();
        }
        self.taken += before - self.buf.len();
    }

    /// Writes object `num`; a stream (`value` a dictionary) gets its `Length` set to its data.
    pub(crate) fn write(
        &mut self,
        num: u32,
        value: &Obj,
        stream: Option<&[u8]>,
        map: &impl Fn(u32) -> u32,
    ) {
        self.offsets[num as usize] = Some(self.at());
        self.buf
            .extend_from_slice(format!("{num} 0 obj\n").as_bytes());
        match (value, stream) {
            (Obj::Dict(d), Some(data)) => {
                let mut d = d.clone();
                d.set(b"Length", Obj::Int(data.len() as i64));
                Obj::Dict(d).write(&mut self.buf, map);
                self.buf.extend_from_slice(b"\nstream\n");
                self.buf.extend_from_slice(data);
                self.buf.extend_from_slice(b"\nendstream");
            }
            _ => value.write(&mut self.buf, map),
        }
        self.buf.extend_from_slice(b"\nendobj\n\n");
        self.drain();
    }

    /// Writes object `num` whose value `value` writes into the buffer (a stream's dictionary
    /// with its `Length` already that of `stream`), then the stream's data.
    pub(crate) fn write_with<E>(
        &mut self,
        num: u32,
        stream: Option<&[u8]>,
        value: impl FnOnce(&mut Vec<u8>) -> Result<(), E>,
    ) -> Result<(), E> {
        self.offsets[num as usize] = Some(self.at());
        push_int(&mut self.buf, i64::from(num));
        self.buf.extend_from_slice(b" 0 obj\n");
        value(&mut self.buf)?;
        if let Some(data) = stream {
            self.buf.extend_from_slice(b"\nstream\n");
            self.buf.extend_from_slice(data);
            self.buf.extend_from_slice(b"\nendstream");
        }
        self.buf.extend_from_slice(b"\nendobj\n\n");
        self.drain();
        Ok(())
    }

    /// Writes the cross-reference table and the trailer, and ends the sink; every allocated
    /// object must have been written.
    pub(crate) fn finish(mut self, trailer: &Dict) -> Result<S::Output, String> {
        let xref = self.at();
        let table = format!("xref\n0 {}\n0000000000 65535 f\r\n", self.offsets.len());
        self.buf.extend_from_slice(table.as_bytes());
        // One line per object, without `format!` (a book has tens of thousands of objects).
        for num in 1..self.offsets.len() {
            let off = self.offsets[num].ok_or_else(|| format!("objek {num} tidak ditulis"))?;
            if off as u64 >= 10_000_000_000 {
                return Err("berkas terlalu besar untuk tabel xref".into());
            }
            push_xref_entry(&mut self.buf, off);
            self.drain();
        }
        self.buf.extend_from_slice(b"trailer\n");
        let mut trailer = trailer.clone();
        trailer.set(b"Size", Obj::Int(self.offsets.len() as i64));
        Obj::Dict(trailer).write(&mut self.buf, &|n| n);
        self.buf
            .extend_from_slice(format!("\nstartxref\n{xref}\n%%EOF").as_bytes());
        if let Some(e) = self.failed {
            return Err(e.to_string());
        }
        self.sink.end(self.buf).map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_read_and_write_back_as_written() {
        let src = b"<</Type/Page/MediaBox[0 0 935.43304 609.4488]/Parent 1 0 R/A[<</O/Table/Headers[(U3x0y0)(a\\)b)]>>]/T<FEFF0041>/B true/N null/K[12 0 R 3 -4]>>";
        let obj = Lexer::new(src, 0).obj().unwrap();
        let d = obj.as_dict().unwrap();
        assert!(d.has_name(b"Type", b"Page"));
        assert_eq!(d.get_ref(b"Parent"), Some(1));
        let mut refs = Vec::new();
        obj.refs(&mut refs);
        assert_eq!(refs, vec![1, 12]);
        let mut out = Vec::new();
        obj.write(&mut out, &|n| n + 100);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "<</Type/Page/MediaBox[0 0 935.43304 609.4488]/Parent 101 0 R/A[<</O/Table/Headers[(U3x0y0) (a\\)b)]>>]/T<FEFF0041>/B true/N null/K[112 0 R 3 -4]>>"
        );
    }

    #[test]
    fn an_owned_value_is_spaced_from_its_key_unless_it_starts_with_a_delimiter() {
        let mut d = Dict::default();
        d.set(b"Pages", Obj::Owned(b"5 0 R".to_vec()));
        d.set(b"T", Obj::Owned(b"(x)".to_vec()));
        let mut out = Vec::new();
        Obj::Dict(d).write(&mut out, &|n| n);
        assert_eq!(out, b"<</Pages 5 0 R/T(x)>>");
    }

    #[test]
    fn a_written_file_reads_back() {
        let mut w = PdfWriter::with_capacity(0);
        let a = w.alloc();
        let b = w.alloc();
        let mut d = Dict::default();
        d.set(b"Type", Obj::Name(b"Catalog"));
        d.set(b"X", Obj::Ref(b));
        w.write(a, &Obj::Dict(d), None, &|n| n);
        w.write(b, &Obj::Dict(Dict::default()), Some(b"abc)\n("), &|n| n);
        let mut t = Dict::default();
        t.set(b"Root", Obj::Ref(a));
        let bytes = w.finish(&t).unwrap();
        let f = PdfFile::parse(&bytes).unwrap();
        assert_eq!(f.root().unwrap(), a);
        assert_eq!(f.dict(a).unwrap().get_ref(b"X"), Some(b));
        assert_eq!(f.object(b).unwrap().stream, Some(&b"abc)\n("[..]));
        assert!(PdfFile::parse(b"%PDF-1.7\ngarbage").is_err());
    }
}
