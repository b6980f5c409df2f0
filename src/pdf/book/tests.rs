//! The joiner over tiny hand-written PDFs in Typst's shape.

use super::pdf_file::{Dict, Obj, PdfFile};
use super::strings::decode_string;
use super::trees::{name_tree, number_tree};
use super::*;

/// A one-page tagged PDF as Typst writes them: a Document with one table header cell whose
/// id is `U1`, a parent tree, an id tree, XMP metadata and an information dictionary.
fn tiny(title: &str) -> Vec<u8> {
    tiny_with(title, "", &[])
}

/// `tiny` with `page` added to its page's dictionary and `extra` objects from number 13.
fn tiny_with(title: &str, page: &str, extra: &[&str]) -> Vec<u8> {
    let xmp = "<x><xmpTPg:NPages>1</xmpTPg:NPages></x>";
    let objects = [
        "<</Type/Catalog/Pages 2 0 R/StructTreeRoot 4 0 R/Metadata 8 0 R/Lang(id)>>".to_string(),
        "<</Type/Pages/Count 1/Kids[3 0 R]>>".into(),
        format!("<</Type/Page/Parent 2 0 R/MediaBox[0 0 100 200]/StructParents 0{page}/Contents 7 0 R/Resources<</XObject<</Im0 10 0 R>>>>>>"),
        "<</Type/StructTreeRoot/K[5 0 R]/ParentTree<</Nums[0[6 0 R]]>>/IDTree<</Names[(U1)6 0 R]>>/RoleMap<</Datetime/Span>>>>".into(),
        "<</Type/StructElem/S/Document/P 4 0 R/K[6 0 R]>>".into(),
        "<</Type/StructElem/S/TH/P 5 0 R/ID(U1)/A[<</O/Table/Headers[(U1)]>>]/K[0]/Pg 3 0 R>>".into(),
        "<</Length 5>>\nstream\nBT ET\nendstream".into(),
        format!("<</Type/Metadata/Subtype/XML/Length {}>>\nstream\n{xmp}\nendstream", xmp.len()),
        format!("<</Title({title})>>"),
        // The instansi's logo: the same image in every document.
        "<</Type/XObject/Subtype/Image/Width 1/Height 1/ColorSpace 11 0 R/BitsPerComponent 8/Length 3>>\nstream\nabc\nendstream".into(),
        "[/ICCBased 12 0 R]".into(),
        "<</N 3/Length 4>>\nstream\nicc!\nendstream".into(),
    ];
    let objects: Vec<String> = objects
        .into_iter()
        .chain(extra.iter().map(|e| e.to_string()))
        .collect();
    file_with(&objects, "<</Size 10/Root 1 0 R/Info 9 0 R/ID[(a)(b)]>>")
}

/// A classic-form file of `objects` (numbered from 1) under `trailer`.
pub(super) fn file_with(objects: &[impl AsRef<str>], trailer: &str) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n".to_vec();
    let mut offsets = Vec::new();
    for (k, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{}\nendobj\n", k + 1, body.as_ref()).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f\r\n", objects.len() + 1).as_bytes(),
    );
    for off in offsets {
        out.extend_from_slice(format!("{off:010} 00000 n\r\n").as_bytes());
    }
    out.extend_from_slice(format!("trailer\n{trailer}\nstartxref\n{xref}\n%%EOF").as_bytes());
    out
}

/// `pdf` as a part of the book, in memory.
fn part<'a>(pdf: &'a [u8], title: &'a str, marks: Vec<(usize, String)>) -> Part<'a> {
    Part {
        pdf: PartPdf::Bytes(pdf),
        pages: page_count(pdf).unwrap(),
        title,
        marks,
    }
}

/// The first reference inside `o` (0 when there is none).
fn first_ref(o: &Obj) -> u32 {
    let mut refs = Vec::new();
    o.refs(&mut refs);
    refs.first().copied().unwrap_or(0)
}

fn string(o: Option<&Obj>) -> Vec<u8> {
    match o {
        Some(Obj::Str(s)) => decode_string(s),
        other => panic!("not a string: {other:?}"),
    }
}

#[test]
fn a_join_keeps_pages_structure_and_ids_apart_and_writes_bookmarks() {
    let head = tiny("Keputusan");
    let (a, b) = (tiny("A"), tiny("B"));
    let parts = [("A", &a), ("B", &b)]
        .map(|(title, pdf)| part(pdf, title, vec![(2, "Bidang".into()), (3, title.into())]));
    let marks = ["Keputusan", "Lampiran I"].map(|t| HeadMark {
        level: 1,
        title: t.into(),
        page: 0,
    });
    let book = join(&head, &marks, &parts, None).unwrap();
    let f = PdfFile::parse(&book).unwrap();
    let (pages, nodes) = f.pages().unwrap();
    assert_eq!((pages.len(), nodes.len()), (3, 1));
    // The logo is stored once and every page draws that one.
    let logos: Vec<u32> = pages
        .iter()
        .map(|&p| {
            let page = f.dict(p).unwrap();
            let res = page.get(b"Resources").unwrap().as_dict().unwrap().clone();
            res.get(b"XObject")
                .unwrap()
                .as_dict()
                .unwrap()
                .get_ref(b"Im0")
                .unwrap()
        })
        .collect();
    assert!(logos.iter().all(|&l| l == logos[0]), "{logos:?}");
    let images = (1..f.size() as u32)
        .filter(|&n| f.dict(n).is_ok_and(|d| d.has_name(b"Subtype", b"Image")))
        .count();
    assert_eq!(images, 1);
    // Each document's marked content keeps its own parent tree entry.
    let keys: Vec<i64> = pages
        .iter()
        .map(|&p| f.dict(p).unwrap().get_int(b"StructParents").unwrap())
        .collect();
    assert_eq!(keys, [0, 1, 2]);
    let catalog = f.dict(f.root().unwrap()).unwrap();
    assert_eq!(catalog.get(b"Lang"), Some(&Obj::Str(b"(id)")));
    let root = f.dict(catalog.get_ref(b"StructTreeRoot").unwrap()).unwrap();
    let nums = number_tree(&f, root.get(b"ParentTree").unwrap(), 0).unwrap();
    assert_eq!(nums.iter().map(|(k, _)| *k).collect::<Vec<_>>(), [0, 1, 2]);
    // One Document of three Parts; the SOPs' parts carry their titles.
    let Some(Obj::Array(top)) = root.get(b"K") else {
        panic!()
    };
    let doc = f.dict(first_ref(&top[0])).unwrap();
    assert!(doc.has_name(b"S", b"Document"));
    let Some(Obj::Array(kids)) = doc.get(b"K") else {
        panic!()
    };
    let parts: Vec<Dict> = kids.iter().map(|k| f.dict(first_ref(k)).unwrap()).collect();
    assert!(parts.iter().all(|p| p.has_name(b"S", b"Part")));
    assert_eq!(string(parts[1].get(b"T")), b"A");
    // Ids stay unique, and a cell's headers name the ids of its own document.
    let ids: Vec<Vec<u8>> = name_tree(&f, root.get(b"IDTree").unwrap(), 0)
        .unwrap()
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    assert_eq!(ids, [b"U1".to_vec(), b"s1.U1".to_vec(), b"s2.U1".to_vec()]);
    let Some(Obj::Array(cells)) = parts[2].get(b"K") else {
        panic!()
    };
    let cell = f.dict(first_ref(&cells[0])).unwrap();
    assert_eq!(string(cell.get(b"ID")), b"s2.U1");
    let Some(Obj::Array(attrs)) = cell.get(b"A") else {
        panic!()
    };
    let Some(Obj::Array(headers)) = attrs[0].as_dict().unwrap().get(b"Headers") else {
        panic!()
    };
    assert_eq!(string(headers.first()), b"s2.U1");
    // Bookmarks nested by level: Keputusan; Lampiran I > (Bidang > A), (Bidang > B).
    let outlines = f.dict(catalog.get_ref(b"Outlines").unwrap()).unwrap();
    assert_eq!(outlines.get_int(b"Count"), Some(2));
    let first = f.dict(outlines.get_ref(b"First").unwrap()).unwrap();
    assert_eq!(string(first.get(b"Title")), b"Keputusan");
    let lampiran = f.dict(first.get_ref(b"Next").unwrap()).unwrap();
    assert_eq!(string(lampiran.get(b"Title")), b"Lampiran I");
    assert_eq!(lampiran.get_int(b"Count"), Some(-2));
    let bidang = f.dict(lampiran.get_ref(b"Last").unwrap()).unwrap();
    assert_eq!(string(bidang.get(b"Title")), b"Bidang");
    let sop = f.dict(bidang.get_ref(b"First").unwrap()).unwrap();
    assert_eq!(string(sop.get(b"Title")), b"B");
    assert_eq!(sop.get_ref(b"Dest"), None, "a destination is an array");
    let Some(Obj::Array(dest)) = sop.get(b"Dest") else {
        panic!()
    };
    assert_eq!(dest[0], Obj::Ref(pages[2]));
    // The decree part's metadata, with the book's page count.
    let xmp = f.object(catalog.get_ref(b"Metadata").unwrap()).unwrap();
    let xmp = String::from_utf8_lossy(xmp.stream.unwrap()).to_string();
    assert!(xmp.contains("<xmpTPg:NPages>3</xmpTPg:NPages>"), "{xmp}");
    let info = f.dict(f.trailer.get_ref(b"Info").unwrap()).unwrap();
    assert_eq!(string(info.get(b"Title")), b"Keputusan");
}

#[test]
fn a_stamp_draws_the_book_page_number_after_each_parts_own_content() {
    let head = tiny("Keputusan");
    let a = tiny("A");
    let parts = [part(&a, "A", Vec::new())];
    let stamp = Stamp {
        format: "{n}/{total}".into(),
        glyphs: "0123456789/"
            .chars()
            .map(|c| (c, b"0 0 m 1 1 l h\n".to_vec(), 4.0))
            .collect(),
        x: 10.0,
        y: 20.0,
    };
    let book = join(&head, &[], &parts, Some(&stamp)).unwrap();
    let f = PdfFile::parse(&book).unwrap();
    let (pages, _) = f.pages().unwrap();
    // The decree part is numbered by its own layout; the part's page gets "2/2".
    assert!(matches!(
        f.dict(pages[0]).unwrap().get(b"Contents"),
        Some(Obj::Ref(_))
    ));
    let page = f.dict(pages[1]).unwrap();
    let Some(Obj::Array(contents)) = page.get(b"Contents") else {
        panic!()
    };
    let text = |o: &Obj| f.object(first_ref(o)).unwrap().stream.unwrap().to_vec();
    assert_eq!(text(&contents[0]), b"q\n");
    assert_eq!(text(&contents[1]), b"BT ET");
    let last = String::from_utf8(text(&contents[2])).unwrap();
    assert!(
        last.starts_with("Q\nq /Artifact BMC\n") && last.ends_with("EMC Q\n"),
        "{last}"
    );
    let draws: Vec<&str> = last.lines().filter(|l| l.contains(" Do ")).collect();
    assert_eq!(draws.len(), 3, "{last}");
    assert!(
        draws[0].starts_with("q 1 0 0 1 10.000 20.000 cm /sopanG2 Do"),
        "{last}"
    );
    assert!(
        draws[1].starts_with("q 1 0 0 1 14.000 20.000 cm /sopanG10 Do"),
        "{last}"
    );
    // The glyph forms are in the page's resources.
    let res = page.get(b"Resources").unwrap().as_dict().unwrap();
    let xobjects = res.get(b"XObject").unwrap().as_dict().unwrap();
    assert_eq!(xobjects.0.len(), 12, "the page's logo and the 11 glyphs");
}

#[test]
fn a_daftar_isi_link_opens_the_book_page_it_names_and_keeps_its_tags() {
    let head = tiny_with(
        "Keputusan",
        "/Annots[13 0 R]",
        &[
            "<</Type/Annot/Subtype/Link/Rect[1 2 3 4]/StructParent 1/A<</Type/Action/S/URI/URI(sopan:halaman/3)>>/Contents(sopan:halaman/3)>>",
        ],
    );
    let (a, b) = (tiny("A"), tiny("B"));
    let parts = [("A", &a), ("B", &b)].map(|(title, pdf)| part(pdf, title, Vec::new()));
    let book = join(&head, &[], &parts, None).unwrap();
    let f = PdfFile::parse(&book).unwrap();
    let (pages, _) = f.pages().unwrap();
    let Some(Obj::Array(annots)) = f.dict(pages[0]).unwrap().get(b"Annots").cloned() else {
        panic!("no annotations")
    };
    let link = f.dict(first_ref(&annots[0])).unwrap();
    assert!(link.get(b"A").is_none(), "the placeholder URI stays");
    let Some(Obj::Array(dest)) = link.get(b"Dest") else {
        panic!("no destination")
    };
    assert_eq!(dest[0], Obj::Ref(pages[2]));
    assert_eq!(string(link.get(b"Contents")), b"Ke halaman 3");
    // Its structure key is the decree part's own: it comes first.
    assert_eq!(link.get_int(b"StructParent"), Some(1));
    // A link to a page the book lacks is an error, not a dead link.
    let head = tiny_with(
        "Keputusan",
        "/Annots[13 0 R]",
        &["<</Type/Annot/Subtype/Link/Rect[1 2 3 4]/A<</S/URI/URI(sopan:halaman/9)>>>>"],
    );
    let err = join(&head, &[], &parts, None).err().unwrap();
    assert!(err.contains("halaman 9"), "{err}");
}

/// The images of the book `f`'s pages: the object each page's `Im0` names.
fn page_logos(f: &PdfFile) -> Vec<u32> {
    let (pages, _) = f.pages().unwrap();
    pages
        .iter()
        .map(|&p| {
            let page = f.dict(p).unwrap();
            let res = page.get(b"Resources").unwrap().as_dict().unwrap().clone();
            let xobjects = res.get(b"XObject").unwrap().as_dict().unwrap().clone();
            xobjects.get_ref(b"Im0").unwrap()
        })
        .collect()
}

/// A book written into a file a few bytes at a time, its parts read from files one at a
/// time, is the book joined in memory byte for byte: the same offsets in its cross-reference
/// table, and the length and SHA-256 the sink counted are the file's.
#[test]
fn a_book_streamed_into_a_file_is_the_book_joined_in_memory() {
    use sha2::{Digest, Sha256};
    let tmp = tempfile::tempdir().unwrap();
    let head = tiny("Keputusan");
    let (a, b) = (tiny("A"), tiny("B"));
    let (path_a, path_b) = (tmp.path().join("a.pdf"), tmp.path().join("b.pdf"));
    std::fs::write(&path_a, &a).unwrap();
    std::fs::write(&path_b, &b).unwrap();
    let marks = |t: &str| vec![(3, t.to_string())];
    let in_memory = [part(&a, "A", marks("A")), part(&b, "B", marks("B"))];
    let stamp = Stamp {
        format: "{n}/{total}".into(),
        glyphs: vec![('1', b"0 0 m 1 1 l h\n".to_vec(), 4.0)],
        x: 10.0,
        y: 20.0,
    };
    let expected = join(&head, &[], &in_memory, Some(&stamp)).unwrap();
    let from_files = [(&path_a, "A"), (&path_b, "B")].map(|(path, title)| Part {
        pdf: PartPdf::File(path),
        pages: 1,
        title,
        marks: marks(title),
    });
    let book = tmp.path().join("buku.pdf");
    let file = std::fs::File::create(&book).unwrap();
    // A chunk of 64 bytes: the sink takes the bytes after nearly every object.
    let w = PdfWriter::to(sink::FileSink::new(file, book.clone()), 64);
    let (len, sha) = join_into(&head, &[], &from_files, Some(&stamp), w).unwrap();
    let written = std::fs::read(&book).unwrap();
    assert!(written == expected, "the streamed book differs");
    assert_eq!(len, expected.len());
    assert_eq!(sha, <[u8; 32]>::from(Sha256::digest(&expected)));
    let f = PdfFile::parse(&written).unwrap();
    assert_eq!(f.pages().unwrap().0.len(), 3);
    // A part whose page count changed since the daftar isi counted it is refused.
    let mut wrong = from_files;
    wrong[1].pages = 2;
    let err = join_into(&head, &[], &wrong, None, in_memory_writer()).unwrap_err();
    assert!(err.starts_with("B: 1 halaman"), "{err}");
}

fn in_memory_writer() -> PdfWriter<Memory> {
    PdfWriter::with_capacity(0)
}

/// Documents read one at a time, each let go before the next is read, still share one copy
/// of the logo they all draw: the table keeps what it compares (length and SHA-256 of the
/// data), not the data.
#[test]
fn the_logo_is_shared_across_parts_read_one_at_a_time() {
    let tmp = tempfile::tempdir().unwrap();
    let head = tiny("Keputusan");
    let titles = ["A", "B", "C"];
    let paths: Vec<std::path::PathBuf> = titles
        .iter()
        .map(|t| {
            let path = tmp.path().join(format!("{t}.pdf"));
            std::fs::write(&path, tiny(t)).unwrap();
            path
        })
        .collect();
    let parts: Vec<Part> = paths
        .iter()
        .zip(titles)
        .map(|(path, title)| Part {
            pdf: PartPdf::File(path),
            pages: 1,
            title,
            marks: Vec::new(),
        })
        .collect();
    let book = join_into(&head, &[], &parts, None, in_memory_writer()).unwrap();
    let f = PdfFile::parse(&book).unwrap();
    let logos = page_logos(&f);
    assert_eq!(logos.len(), 4);
    assert!(logos.iter().all(|&l| l == logos[0]), "{logos:?}");
    let images = (1..f.size() as u32)
        .filter(|&n| f.dict(n).is_ok_and(|d| d.has_name(b"Subtype", b"Image")))
        .count();
    assert_eq!(images, 1);
    // A logo of other bytes (same length) is its own image.
    let other = String::from_utf8(tiny("D"))
        .unwrap()
        .replace("stream\nabc\nendstream", "stream\nabd\nendstream");
    std::fs::write(&paths[2], other).unwrap();
    let book = join_into(&head, &[], &parts, None, in_memory_writer()).unwrap();
    let f = PdfFile::parse(&book).unwrap();
    let logos = page_logos(&f);
    assert!(logos[..3].iter().all(|&l| l == logos[0]) && logos[3] != logos[0]);
}
