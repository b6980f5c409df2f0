//! The one-pass copy against the `Obj` tree it replaces: same bytes, same errors.

use super::*;
use crate::pdf::book::strings::prefix_ids;

/// A classic-form file of `objects` (numbered from 1).
pub(crate) fn file_of(objects: &[&str]) -> Vec<u8> {
    let trailer = format!("<</Size {}/Root 1 0 R>>", objects.len() + 1);
    crate::pdf::book::tests::file_with(objects, &trailer)
}

/// What the tree wrote for object `num`: read, ids prefixed (a structure element),
/// `Length` set to the data's, written with every reference through `map`.
fn by_tree(file: &PdfFile, num: u32, map: &[u32], prefix: &str) -> Vec<u8> {
    let mut obj = file.object(num).unwrap();
    if let Obj::Dict(d) = &mut obj.value {
        if d.has_name(b"Type", b"StructElem") {
            prefix_ids(d, prefix);
        }
        if let Some(data) = obj.stream {
            d.set(b"Length", Obj::Int(data.len() as i64));
        }
    }
    let mut out = Vec::new();
    obj.value
        .write(&mut out, &|n| map.get(n as usize).copied().unwrap_or(0));
    out
}

const ODD: &[&str] = &[
    "<</Type/StructElem/S/TD/P 2 0 R/A[<</O/Table/Headers[(U1x0)<5532>(a\\)b)]>><</O/Layout>>]/K[0 1]/ID(U1x1)/Pg 3 0 R>>",
    "<< /Type /StructElem /S /TH /ID <55 31> /A << /O /Table /Headers [ (U(1)) 5 ] >> /K [ 2 0 R 3 ] >>",
    "[ 1 0 R   +7 007 -0 2.50 .5 true false null /N#20x (s\\\\) <a b> [ ] << >> % note\n 3 0 R ]",
    "<</Length 4/Filter/FlateDecode/X[1 2 0 R]>>\nstream\nabcd\nendstream",
    "<</Length 6 0 R/Type/XObject>>\nstream\nab\nendstream",
    "2",
    "<</Type/Annot/StructParent 3/Rect[0 0 1 1]>>",
    "<</Type/StructElem/ID 4/A[(x)[<</Headers[(y)]>>]]/Headers[(z)]/K 0>>",
];

#[test]
fn the_one_pass_copy_writes_what_the_tree_wrote() {
    let pdf = file_of(ODD);
    let file = PdfFile::parse(&pdf).unwrap();
    let map: Vec<u32> = (0..20).map(|n| n * 10 + 3).collect();
    for prefix in ["", "s7."] {
        for num in 1..=ODD.len() as u32 {
            let (mut text, mut spans) = (Vec::new(), Vec::new());
            let obj = scan(&file, num, &mut text, &mut spans, true).unwrap();
            let kind = if obj.facts.is(b"StructElem") {
                prefix
            } else {
                ""
            };
            let want = by_tree(&file, num, &map, kind);
            let mut got = Vec::new();
            copy(&file, &obj, &text, &spans, &mut got, &map, kind.as_bytes()).unwrap();
            assert_eq!(
                String::from_utf8_lossy(&got),
                String::from_utf8_lossy(&want),
                "object {num}, prefix {prefix:?}"
            );
            // The second pass over the syntax, taken when the text cannot be used.
            let slow = Scanned {
                ready: false,
                ..obj
            };
            let mut got = Vec::new();
            copy(&file, &slow, &text, &spans, &mut got, &map, kind.as_bytes()).unwrap();
            assert_eq!(got, want, "object {num} read again, prefix {prefix:?}");
        }
    }
}

#[test]
fn scan_reports_references_in_order_and_the_dictionary_facts() {
    let pdf = file_of(ODD);
    let file = PdfFile::parse(&pdf).unwrap();
    let refs = |num| {
        let (mut text, mut spans) = (Vec::new(), Vec::new());
        let obj = scan(&file, num, &mut text, &mut spans, false).unwrap();
        let refs: Vec<u32> = spans.iter().filter_map(|s| s.reference).collect();
        (obj, refs, text)
    };
    let (obj, r, text) = refs(3);
    assert_eq!(r, vec![1, 3]);
    // Written as the tree writes it, references as 0.
    assert_eq!(
        String::from_utf8(text).unwrap(),
        "[0 0 R 7 7 0 2.50 .5 true false null /N#20x (s\\\\) <a b> [] <<>> 0 0 R]"
    );
    assert!(!obj.facts.dict);
    let (obj, r, _) = refs(4);
    assert_eq!((r, obj.stream), (vec![2], Some(&b"abcd"[..])));
    assert!(obj.facts.filter && obj.facts.kind.is_none());
    // An indirect length is read from its object.
    let (obj, _, _) = refs(5);
    assert_eq!(obj.stream, Some(&b"ab"[..]));
    assert!(obj.facts.is(b"XObject") && !obj.ready);
    let (obj, _, _) = refs(7);
    assert!(obj.facts.is(b"Annot") && obj.facts.struct_parent);
}

#[test]
fn scan_refuses_what_the_tree_refuses() {
    for (body, error) in [
        ("<</Length 9999>>\nstream\nab\nendstream", "terpotong"),
        ("<</X 1>>\nstream\nab\nendstream", "tanpa panjang"),
        ("<<(k) 1>>", "kunci kamus bukan nama"),
        ("[1 2", "token tak dikenal `endobj`"),
        ("<</A foo>>", "token tak dikenal `foo`"),
        ("-1 0 R", "rujukan tidak sah"),
    ] {
        let pdf = file_of(&[body]);
        let file = PdfFile::parse(&pdf).unwrap();
        let e = scan(&file, 1, &mut Vec::new(), &mut Vec::new(), true)
            .err()
            .unwrap();
        assert!(e.contains(error), "{body}: {e}");
        assert_eq!(Some(e), file.object(1).err(), "{body}");
    }
    let deep = format!("{}{}", "[".repeat(70), "]".repeat(70));
    let pdf = file_of(&[&deep]);
    let file = PdfFile::parse(&pdf).unwrap();
    assert!(scan(&file, 1, &mut Vec::new(), &mut Vec::new(), true).is_err());
    assert!(file.object(1).is_err());
}
