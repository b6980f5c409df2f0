//! `/DisplayDocTitle`: a viewer's window and a screen reader name the document by its title
//! (the SOP's name) instead of its file name. Typst 0.15 writes the flag only for PDF/UA-1,
//! whose validator rejects the flow table's layout markers, so it is set after export: the
//! catalog object is written again with the flag and the cross-reference table is rewritten
//! for the shifted offsets. One pass over the bytes, no object is re-encoded but the catalog;
//! the decree book inherits the flag from its decree part's catalog.
//!
//! Cost, measured (callgrind, a whole `--bersih` build of the 200 generated SOPs of
//! `/tmp/alur-bench/base-nb`, per PDF worker process of 100 SOPs): 78M instructions, of them
//! 40M a `format!` per line of the new table (now written by hand, `push_xref_entry`) and
//! 25M reading the table twice (`classic`, `PdfFile::parse`), each entry through `str::parse`
//! (now read by hand in `classic_section`, which every reader shares). Every PDF stayed
//! byte-identical.

use super::book::classic::classic;
use super::book::pdf_file::{Dict, Obj, PdfFile, ReadError, push_xref_entry};

/// `pdf` with `/ViewerPreferences << … /DisplayDocTitle true >>` in its catalog.
/// A file with cross-reference or object streams comes out in classic form.
pub(crate) fn display_doc_title(pdf: &[u8]) -> Result<Vec<u8>, ReadError> {
    let pdf = &*classic(pdf)?;
    let file = PdfFile::parse(pdf)?;
    let root = file.root()?;
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

    let (offsets, xref) = file.layout();
    let mut out = Vec::with_capacity(pdf.len() + 64);
    out.extend_from_slice(&pdf[..span.start]);
    out.extend_from_slice(&object);
    out.extend_from_slice(&pdf[span.end..xref]);
    let new_xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n", offsets.len()).as_bytes());
    for (num, at) in offsets.iter().enumerate() {
        match at {
            Some(at) => push_xref_entry(&mut out, shift(*at)),
            None if num == 0 => out.extend_from_slice(b"0000000000 65535 f\r\n"),
            None => out.extend_from_slice(b"0000000000 00000 f\r\n"),
        }
    }
    out.extend_from_slice(b"trailer\n");
    Obj::Dict(file.trailer.clone()).write(&mut out, &|n| n);
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
    fn the_tables_layout_does_not_change_the_result() {
        let pdf = sample("<</Type/Catalog/Pages 1 0 R/ViewerPreferences<</Direction/L2R>>>>");
        let text = String::from_utf8(pdf.clone()).unwrap();
        let want = display_doc_title(&pdf).unwrap();
        // Free numbers after the last object in use are dropped.
        let more = text.replace("xref\n0 4\n", "xref\n0 6\n").replace(
            "trailer",
            "0000000000 00000 f\r\n0000000000 00000 f\r\ntrailer",
        );
        assert_eq!(display_doc_title(more.as_bytes()).unwrap(), want);
        // Two subsections, or entries ending in a one-byte line break.
        let split = text.replace(
            "xref\n0 4\n0000000000 65535 f\r\n",
            "xref\n0 1\n0000000000 65535 f\r\n1 3\n",
        );
        let short = text.replace(" n\r\n", " n\n");
        for other in [split, short] {
            assert_eq!(display_doc_title(other.as_bytes()).unwrap(), want);
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
