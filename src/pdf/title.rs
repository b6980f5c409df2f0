//! `/DisplayDocTitle`: a viewer's window and a screen reader name the document by its title
//! (the SOP's name) instead of its file name. Typst 0.15 writes the flag only for PDF/UA-1,
//! whose validator rejects the flow table's layout markers, so it is set after export: the
//! catalog object is written again with the flag and the cross-reference table is rewritten
//! for the shifted offsets. One pass over the bytes, no object is re-encoded but the catalog;
//! the decree book inherits the flag from its decree part's catalog.
//!
//! Cost, measured (callgrind, a whole `--bersih` build of the 200 generated SOPs of
//! `/tmp/alur-bench/base-nb`, per PDF worker process of 100 SOPs): 78M instructions, 22-26M
//! after the table Typst writes was read once by hand (`classic` and `PdfFile::parse` each
//! read it, 25M) and the new table's lines written by hand (a `format!` per line, 40M).
//! Every PDF stayed byte-identical.

use super::book::classic::{classic, startxref};
use super::book::pdf_file::{Dict, Lexer, Obj, PdfFile, ReadError};

/// `pdf` with `/ViewerPreferences << … /DisplayDocTitle true >>` in its catalog.
/// A file with cross-reference or object streams comes out in classic form.
pub(crate) fn display_doc_title(pdf: &[u8]) -> Result<Vec<u8>, ReadError> {
    if let Some((offsets, trailer, xref)) = typst_table(pdf) {
        let file = PdfFile::from_offsets(pdf, offsets);
        return with_flag(pdf, &file, &trailer, xref);
    }
    general(pdf)
}

/// `display_doc_title` for any file: through `classic` and `PdfFile::parse`.
fn general(pdf: &[u8]) -> Result<Vec<u8>, ReadError> {
    let pdf = &*classic(pdf)?;
    let file = PdfFile::parse(pdf)?;
    let (_, xref) = file.layout();
    with_flag(pdf, &file, &file.trailer, xref)
}

/// The object offsets (as `PdfFile::parse` reads them: up to the last object in use), the
/// trailer and the table's offset of a file in the form Typst writes: one classic table of
/// one subsection from object 0, every entry exactly 20 bytes, no `/Prev` or `/XRefStm`.
/// `None` for any other file, which then goes the general way (`classic`, `PdfFile::parse`).
/// That way read the table twice, each entry through `str::parse` (25M instructions per 100
/// SOPs, callgrind); this reads it once, by hand.
fn typst_table(pdf: &[u8]) -> Option<(Vec<Option<usize>>, Dict<'_>, usize)> {
    let xref = startxref(pdf).ok()?;
    let mut lx = Lexer::new(pdf, xref);
    if !lx.keyword(b"xref") {
        return None;
    }
    let (Ok(Obj::Int(0)), Ok(Obj::Int(count))) = (lx.obj(), lx.obj()) else {
        return None;
    };
    lx.skip_ws();
    let count = usize::try_from(count).ok()?;
    let end = lx.pos.checked_add(count.checked_mul(20)?)?;
    let table = pdf.get(lx.pos..end)?;
    let ws = |b: u8| matches!(b, b' ' | b'\r' | b'\n');
    let mut offsets = Vec::with_capacity(count);
    for entry in table.chunks_exact(20) {
        // `oooooooooo ggggg n` (or `f`) and a two-byte end of line.
        let digits = entry[..10].iter().chain(&entry[11..16]);
        if entry[10] != b' '
            || entry[16] != b' '
            || !digits.clone().all(u8::is_ascii_digit)
            || !ws(entry[18])
            || !ws(entry[19])
        {
            return None;
        }
        offsets.push(match entry[17] {
            b'n' => Some(
                entry[..10]
                    .iter()
                    .fold(0usize, |n, d| n * 10 + usize::from(d - b'0')),
            ),
            b'f' => None,
            _ => return None,
        });
    }
    lx.pos = end;
    if !lx.keyword(b"trailer") {
        return None;
    }
    let Ok(Obj::Dict(trailer)) = lx.obj() else {
        return None;
    };
    if trailer.get(b"Prev").is_some() || trailer.get(b"XRefStm").is_some() {
        return None;
    }
    // `PdfFile::parse` keeps the numbers up to the last one in use.
    let used = offsets
        .iter()
        .rposition(Option::is_some)
        .map_or(0, |k| k + 1);
    offsets.truncate(used);
    Some((offsets, trailer, xref))
}

/// The file `pdf` (read as `file`, with `trailer` and its table at `xref`) with the flag set.
fn with_flag(
    pdf: &[u8],
    file: &PdfFile<'_>,
    trailer: &Dict<'_>,
    xref: usize,
) -> Result<Vec<u8>, ReadError> {
    let root = trailer.get_ref(b"Root").ok_or("trailer tanpa Root")?;
    let mut catalog = file.dict(root)?;
    let mut prefs = match catalog.get(b"ViewerPreferences") {
        Some(Obj::Dict(d)) => d.clone(),
        None => Dict::default(),
        // krilla writes the preferences inline; anything else is not a file of ours.
        Some(_) => return Err("ViewerPreferences bukan kamus langsung".into()),
    };
    prefs.set(b"DisplayDocTitle", Obj::Bool(true));
    catalog.set(b"ViewerPreferences", Obj::Dict(prefs));

    let span = file.object_span(root)?;
    let mut object = format!("{root} 0 obj\n").into_bytes();
    Obj::Dict(catalog).write(&mut object, &|n| n);
    object.extend_from_slice(b"\nendobj");
    // Offsets after the catalog move by the difference in its length.
    let shift = |at: usize| {
        if at >= span.end {
            at + object.len() - span.len()
        } else {
            at
        }
    };

    let (offsets, _) = file.layout();
    let mut out = Vec::with_capacity(pdf.len() + 64);
    out.extend_from_slice(&pdf[..span.start]);
    out.extend_from_slice(&object);
    out.extend_from_slice(&pdf[span.end..xref]);
    let new_xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n", offsets.len()).as_bytes());
    // Each line written by hand: a `format!` per line was 40M instructions per 100 SOPs.
    for (num, at) in offsets.iter().enumerate() {
        match at {
            Some(at) => {
                let mut line = *b"0000000000 00000 n\r\n";
                let mut v = shift(*at);
                for d in line[..10].iter_mut().rev() {
                    *d = b'0' + (v % 10) as u8;
                    v /= 10;
                }
                if v != 0 {
                    // Past 10 digits (a 10 GB file): as `{:010}` writes it, wider.
                    out.extend_from_slice(format!("{:010} 00000 n\r\n", shift(*at)).as_bytes());
                } else {
                    out.extend_from_slice(&line);
                }
            }
            None if num == 0 => out.extend_from_slice(b"0000000000 65535 f\r\n"),
            None => out.extend_from_slice(b"0000000000 00000 f\r\n"),
        }
    }
    out.extend_from_slice(b"trailer\n");
    Obj::Dict(trailer.clone()).write(&mut out, &|n| n);
    out.extend_from_slice(format!("\nstartxref\n{new_xref}\n%%EOF").as_bytes());
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small file in krilla's shape: the catalog before the xref, preferences inline.
    fn sample(catalog: &str) -> Vec<u8> {
        let objs = [
            "<</Type/Pages/Kids[]/Count 0>>".to_string(),
            catalog.to_string(),
            "<</Producer(x)>>".to_string(),
        ];
        let mut out = b"%PDF-1.7\n".to_vec();
        let mut at = Vec::new();
        for (k, o) in objs.iter().enumerate() {
            at.push(out.len());
            out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", k + 1).as_bytes());
        }
        let xref = out.len();
        out.extend_from_slice(b"xref\n0 4\n0000000000 65535 f\r\n");
        for a in at {
            out.extend_from_slice(format!("{a:010} 00000 n\r\n").as_bytes());
        }
        out.extend_from_slice(
            format!("trailer\n<</Size 4/Root 2 0 R/Info 3 0 R>>\nstartxref\n{xref}\n%%EOF")
                .as_bytes(),
        );
        out
    }

    #[test]
    fn the_flag_joins_the_existing_preferences_and_every_object_stays_reachable() {
        let pdf = sample("<</Type/Catalog/Pages 1 0 R/ViewerPreferences<</Direction/L2R>>>>");
        let out = display_doc_title(&pdf).unwrap();
        let file = PdfFile::parse(&out).unwrap();
        let catalog = file.dict(file.root().unwrap()).unwrap();
        let Some(Obj::Dict(prefs)) = catalog.get(b"ViewerPreferences") else {
            panic!("no preferences");
        };
        assert_eq!(prefs.get(b"Direction"), Some(&Obj::Name(b"L2R")));
        assert_eq!(prefs.get(b"DisplayDocTitle"), Some(&Obj::Bool(true)));
        // The object after the catalog moved and is still found where the table says.
        assert!(file.dict(3).unwrap().get(b"Producer").is_some());
        assert!(file.dict(1).unwrap().has_name(b"Type", b"Pages"));
    }

    #[test]
    fn the_table_read_by_hand_gives_what_the_general_reader_gives() {
        let pdf = sample("<</Type/Catalog/Pages 1 0 R/ViewerPreferences<</Direction/L2R>>>>");
        assert!(typst_table(&pdf).is_some(), "the sample is in Typst's form");
        assert_eq!(display_doc_title(&pdf).unwrap(), general(&pdf).unwrap());
        // Free numbers after the last object in use are dropped by both.
        let text = String::from_utf8(pdf.clone()).unwrap();
        let more = text.replace("xref\n0 4\n", "xref\n0 6\n").replace(
            "trailer",
            "0000000000 00000 f\r\n0000000000 00000 f\r\ntrailer",
        );
        let (offsets, _, _) = typst_table(more.as_bytes()).unwrap();
        assert_eq!(offsets.len(), 4);
        assert_eq!(
            display_doc_title(more.as_bytes()).unwrap(),
            general(more.as_bytes()).unwrap()
        );
        // Two subsections, or entries of another length: the general reader.
        let split = text.replace(
            "xref\n0 4\n0000000000 65535 f\r\n",
            "xref\n0 1\n0000000000 65535 f\r\n1 3\n",
        );
        assert!(typst_table(split.as_bytes()).is_none());
        let short = text.replace(" n\r\n", " n\n");
        assert!(typst_table(short.as_bytes()).is_none());
        for other in [split, short] {
            assert_eq!(
                display_doc_title(other.as_bytes()).unwrap(),
                display_doc_title(&pdf).unwrap()
            );
        }
    }

    #[test]
    fn a_catalog_without_preferences_gets_them() {
        let pdf = sample("<</Type/Catalog/Pages 1 0 R>>");
        let out = display_doc_title(&pdf).unwrap();
        let file = PdfFile::parse(&out).unwrap();
        let catalog = file.dict(file.root().unwrap()).unwrap();
        assert_eq!(
            catalog.get(b"ViewerPreferences"),
            Some(&Obj::Dict(Dict(vec![(
                &b"DisplayDocTitle"[..],
                Obj::Bool(true)
            )])))
        );
    }

    #[test]
    fn a_file_with_object_and_cross_reference_streams_comes_out_classic_with_the_flag() {
        let pdf = crate::pdf::book::classic::tests::compressed();
        let out = display_doc_title(&pdf).unwrap();
        let file = PdfFile::parse(&out).unwrap();
        let catalog = file.dict(file.root().unwrap()).unwrap();
        let Some(Obj::Dict(prefs)) = catalog.get(b"ViewerPreferences") else {
            panic!("no preferences");
        };
        assert_eq!(prefs.get(b"DisplayDocTitle"), Some(&Obj::Bool(true)));
        // The objects that were inside the object stream are still there.
        assert_eq!(file.pages().unwrap().0, [3]);
    }
}
