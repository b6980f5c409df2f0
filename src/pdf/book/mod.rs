//! The decree book joined from PDFs already made: the decree part (Keputusan and Lampiran, laid
//! out by Typst) followed by every SOP's own PDF, copied object by object. Laying the SOPs out a
//! second time for the book cost as much as the SOPs themselves (1,000 SOPs in five books:
//! 12 s of 21 s); joining copies bytes.
//!
//! What a join keeps: every page as it is (content, fonts, images), the tags (each document's
//! structure tree becomes a `Part` of one `Document`, its ids prefixed so they stay unique, its
//! parent tree renumbered), the decree part's metadata (XMP with the book's page count, output
//! intent, language, document ids). What it adds: a new page tree and bookmarks, the book's
//! page numbers on the SOPs' pages (`Stamp`), the daftar isi's links pointed at the pages they
//! list (`TOC_LINK`: Typst drops a link to a page its own document does not have, so the
//! template links each entry to a placeholder URI; Typst tags it), and one copy of each
//! resource the documents share (the logo on every identity page: `content_key`).
//!
//! The cover is page 1 of the book, as a PDF viewer counts it, and prints no number: the
//! decree part's footers start at "Halaman 2 dari N" (`renderer::without_cover_number`), so
//! the daftar isi, the footers and the viewer agree on every page number.
//!
//! # Typst upgrade checklist
//! The joiner reads what `typst-pdf` (krilla) writes. When bumping `typst`/`typst-pdf`:
//! - **File form.** `classic::classic` borrows a classic-table file and rewrites one with
//!   cross-reference or object streams; a rewrite costs a copy per SOP, so re-time
//!   `examples/join` (1,000 SOPs: about 1 s) and see whether the new default needs an option.
//!   Other stream filters than `FlateDecode` in those streams are refused by name.
//! - **`/DisplayDocTitle`** (`title.rs`): still written by sopan? Typst 0.15 writes it only
//!   for PDF/UA-1; drop `title.rs` if a plain export gets it. It expects the viewer
//!   preferences inline in the catalog.
//! - **Structure tree shape** (`Joiner::copy`): one top `Document` element under
//!   `StructTreeRoot/K`, a `ParentTree` number tree, an `IDTree`, table `Headers` attributes
//!   naming ids (`prefix_ids`), a `RoleMap`. Check with `qpdf --check` and the tests named
//!   below; a new kind of id reference would need prefixing too.
//! - **Links**: Typst drops a link to a page its own document lacks, hence the daftar isi's
//!   placeholder URIs (`TOC_LINK`), rewritten here into destinations; their tags (a `Link`
//!   element around the entry, an `OBJR`, the annotation's `StructParent`) are Typst's, as
//!   are the Keterkaitan `sop:` links'. Check that Typst still writes a URI action (not a
//!   `Launch` or a named destination) and still tags links.
//! - **Metadata**: `with_npages` edits `<xmpTPg:NPages>` in an unfiltered XMP stream; a
//!   compressed XMP stream would keep the decree part's count (PDF/A validators notice).
//! - **Layout APIs** used around the join: `PagedDocument::new` (cover and footers),
//!   the introspector query of `renderer::heading_marks`, and
//!   `flow::footer_glyphs` (the stamps' glyph outlines from the document's regular font).
//! - **Run**: `cargo test --lib book`, `cargo test --test testsuite pdf_buku` (joins
//!   qpdf-compressed SOP PDFs into the same book; tagged links; cover; the book equal to an
//!   in-process join), `pdf_halaman_alur` (flow pages recorded), and build the example twice
//!   to compare `keputusan.pdf` byte for byte.

use std::collections::{BTreeMap, HashMap};

pub mod classic;
pub mod pdf_file;

use pdf_file::{Dict, Obj, PdfFile, PdfWriter};

/// A PDF read for joining: its objects and its pages.
pub struct Source<'a> {
    file: PdfFile<'a>,
    pages: Vec<u32>,
    nodes: Vec<u32>,
}

impl<'a> Source<'a> {
    /// Reads a PDF in classic form (`classic::classic` first for any other).
    pub fn parse(pdf: &'a [u8]) -> Result<Self, String> {
        let file = PdfFile::parse(pdf)?;
        let (pages, nodes) = file.pages()?;
        Ok(Source { file, pages, nodes })
    }

    /// Its number of pages.
    pub fn page_count(&self) -> usize {
        self.pages.len()
    }
}

/// One document of the book, and the bookmarks that open on its first page.
pub struct Part<'a> {
    /// Its PDF.
    pub source: Source<'a>,
    /// Its title: the `T` of its structure element.
    pub title: &'a str,
    /// Bookmarks (level from 1, title) pointing at its first page.
    pub marks: Vec<(usize, String)>,
}

/// A bookmark of the decree part: level from 1, title, 0-based page within that part.
pub struct HeadMark {
    /// Outline level, from 1.
    pub level: usize,
    /// Its title.
    pub title: String,
    /// Its page within the decree part, from 0.
    pub page: usize,
}

/// The URI prefix of a daftar isi entry's link in the decree part, before the book page it
/// opens (from 1): `keputusan.typ` writes it, the join turns it into a destination.
pub const TOC_LINK: &str = "sopan:halaman/";

/// A character's outline (PDF path operators in points from the glyph's origin) and advance
/// in points.
pub type Glyph = (char, Vec<u8>, f64);

/// The book's page numbers, drawn onto the pages of the parts (whose own footers count only
/// their own pages) as glyph outlines, so no font has to be added to those pages.
pub struct Stamp {
    /// The text, with `{n}` and `{total}`: "Halaman {n} dari {total}".
    pub format: String,
    /// Every character the text can use.
    pub glyphs: Vec<Glyph>,
    /// The start of the text's baseline, in points from the page's bottom left corner.
    pub x: f64,
    /// See `x`.
    pub y: f64,
}

/// Joins the decree part `head` (with its bookmarks) and the `parts` into one PDF; `stamp`
/// numbers the parts' pages over the whole book.
pub fn join<'a>(
    head: &'a [u8],
    head_marks: &[HeadMark],
    parts: &[Part<'a>],
    stamp: Option<&'a Stamp>,
) -> Result<Vec<u8>, String> {
    // Typst writes classic tables today; `classic` reads whatever a later version writes.
    let head = classic::classic(head)?;
    let head = Source::parse(&head)?;
    let total = head.page_count() + parts.iter().map(|p| p.source.page_count()).sum::<usize>();
    let size = head.file.byte_len()
        + parts
            .iter()
            .map(|p| p.source.file.byte_len())
            .sum::<usize>();
    let mut j = Joiner::new(total, size);
    if let Some(stamp) = stamp {
        j.stamp = Some(Stamping::new(&mut j.w, stamp));
    }
    let head_pages = j.copy(&head, None, "")?;
    let mut marks: Vec<(usize, String, u32)> = head_marks
        .iter()
        .filter_map(|m| Some((m.level, m.title.clone(), *head_pages.get(m.page)?)))
        .collect();
    for (k, part) in parts.iter().enumerate() {
        let pages = j
            .copy(&part.source, Some(part.title), &format!("s{}.", k + 1))
            .map_err(|e| format!("{}: {e}", part.title))?;
        if let Some(&first) = pages.first() {
            marks.extend(part.marks.iter().map(|(l, t)| (*l, t.clone(), first)));
        }
    }
    j.write_links()?;
    j.finish(&head.file, marks)
}

/// Page numbers being drawn: one form per glyph, shared by every page.
struct Stamping<'s> {
    stamp: &'s Stamp,
    /// Resource name and object of each glyph's form.
    forms: Vec<(char, String, u32, f64)>,
    /// A stream holding `q`, put before a page's own content so the numbers are drawn in the
    /// page's initial coordinate system whatever the content leaves behind.
    save: u32,
}

impl<'s> Stamping<'s> {
    fn new(w: &mut PdfWriter, stamp: &'s Stamp) -> Self {
        let mut forms = Vec::new();
        for (k, (c, path, advance)) in stamp.glyphs.iter().enumerate() {
            let num = w.alloc();
            let mut data = b"0 0 0 rg\n".to_vec();
            data.extend_from_slice(path);
            data.extend_from_slice(b"f\n");
            // Generous bounds: a glyph at footer size stays within 12 points of its origin.
            let mut dict = Dict::default();
            dict.set(b"Type", Obj::Name(b"XObject"));
            dict.set(b"Subtype", Obj::Name(b"Form"));
            let bounds = [-12, -12, 24, 24].map(Obj::Int).to_vec();
            dict.set(b"BBox", Obj::Array(bounds));
            dict.set(b"Resources", Obj::Dict(Dict::default()));
            w.write(num, &Obj::Dict(dict), Some(&data), &|n| n);
            forms.push((*c, format!("sopanG{k}"), num, *advance));
        }
        let save = w.alloc();
        w.write(save, &Obj::Dict(Dict::default()), Some(b"q\n"), &|n| n);
        Stamping { stamp, forms, save }
    }

    /// The content drawing the number of page `n` of `total`, after the page's own.
    fn content(&self, n: usize, total: usize) -> Vec<u8> {
        let text = self
            .stamp
            .format
            .replace("{n}", &n.to_string())
            .replace("{total}", &total.to_string());
        let mut out = b"Q\nq /Artifact BMC\n".to_vec();
        let mut x = self.stamp.x;
        for c in text.chars() {
            let Some((_, name, _, advance)) = self.forms.iter().find(|f| f.0 == c) else {
                continue;
            };
            out.extend_from_slice(
                format!("q 1 0 0 1 {:.3} {:.3} cm /{name} Do Q\n", x, self.stamp.y).as_bytes(),
            );
            x += advance;
        }
        out.extend_from_slice(b"EMC Q\n");
        out
    }

    /// A resource dictionary's `XObject` entries with the glyph forms added, written out
    /// with `lookup` (existing entries keep their objects).
    fn xobjects(
        &self,
        resources: &Dict,
        file: &PdfFile,
        lookup: &impl Fn(u32) -> u32,
    ) -> Result<Vec<u8>, String> {
        let mut xobjects = match resources.get(b"XObject") {
            Some(Obj::Dict(x)) => x.clone(),
            Some(Obj::Ref(r)) => file.dict(*r)?,
            _ => Dict::default(),
        };
        for (_, name, num, _) in &self.forms {
            // Already the book's numbers, so written as they are.
            xobjects.set(
                name.as_bytes(),
                Obj::Owned(format!("{num} 0 R").into_bytes()),
            );
        }
        let mut out = Vec::new();
        Obj::Dict(xobjects).write(&mut out, lookup);
        Ok(out)
    }
}

/// A book being written.
struct Joiner<'a> {
    w: PdfWriter,
    /// The book's page numbers on the parts' pages.
    stamp: Option<Stamping<'a>>,
    /// The book's page count, for its XMP metadata.
    total: usize,
    pages_root: u32,
    struct_root: u32,
    document: u32,
    pages: Vec<u32>,
    /// Page heights, for bookmarks that open at the top of a page.
    heights: HashMap<u32, Obj<'a>>,
    /// Top structure elements of every document, in order.
    parts: Vec<u32>,
    /// Parent tree entries (key, value with new references).
    parent_tree: Vec<(i64, Vec<u8>)>,
    next_key: i64,
    /// Structure ids (prefixed) and their elements.
    ids: BTreeMap<Vec<u8>, u32>,
    role_map: Vec<(&'a [u8], Obj<'a>)>,
    /// The decree part's catalog entries kept in the book, with new references.
    catalog: Vec<(&'a [u8], Vec<u8>)>,
    info: Option<u32>,
    /// Streams already written, by the hash of their content (see `content_key`).
    streams: HashMap<[u8; 32], u32>,
    /// The daftar isi's link annotations, written once the pages they open exist: number,
    /// the annotation without its closing `>>`, book page opened (from 1).
    links: Vec<(u32, Vec<u8>, usize)>,
}

impl<'a> Joiner<'a> {
    fn new(total: usize, size: usize) -> Self {
        let mut w = PdfWriter::with_capacity(size);
        let pages_root = w.alloc();
        let struct_root = w.alloc();
        let document = w.alloc();
        Joiner {
            w,
            stamp: None,
            total,
            pages_root,
            struct_root,
            document,
            pages: Vec::new(),
            heights: HashMap::new(),
            parts: Vec::new(),
            parent_tree: Vec::new(),
            next_key: 0,
            ids: BTreeMap::new(),
            role_map: Vec::new(),
            catalog: Vec::new(),
            info: None,
            streams: HashMap::new(),
            links: Vec::new(),
        }
    }

    /// The daftar isi's link annotations, each opening the top of the page it names.
    fn write_links(&mut self) -> Result<(), String> {
        for (num, mut d, target) in std::mem::take(&mut self.links) {
            let page = target
                .checked_sub(1)
                .and_then(|k| self.pages.get(k))
                .copied()
                .ok_or_else(|| format!("daftar isi menunjuk halaman {target} yang tidak ada"))?;
            d.extend_from_slice(format!("/Dest[{page} 0 R/XYZ 0 ").as_bytes());
            match self.heights.get(&page) {
                Some(h) => h.write(&mut d, &|n| n),
                None => d.extend_from_slice(b"null"),
            }
            d.extend_from_slice(b" 0]>>");
            self.write_raw(num, &d);
        }
        Ok(())
    }

    /// Copies the pages and structure of `src` and returns its pages' new numbers; the decree
    /// part (`title` none) also gives the book its catalog entries and document information.
    fn copy(
        &mut self,
        src: &Source<'a>,
        title: Option<&str>,
        id_prefix: &str,
    ) -> Result<Vec<u32>, String> {
        let file = &src.file;
        let catalog = file.dict(file.root()?)?;
        // New number of each old object, 0 while not yet numbered.
        let mut map = vec![0u32; file.size()];
        let slot = |n: u32| n as usize;
        for &n in &src.nodes {
            if let Some(m) = map.get_mut(slot(n)) {
                *m = self.pages_root;
            }
        }
        let key_offset = self.next_key;
        let mut queue: Vec<u32> = Vec::new();
        let mut tops = Vec::new();
        let mut parent_entries = Vec::new();
        let mut ids = Vec::new();
        if let Some(sr) = catalog.get_ref(b"StructTreeRoot") {
            let root = file.dict(sr)?;
            // The document's top elements hang from the book's `Document` instead.
            if let Some(m) = map.get_mut(slot(sr)) {
                *m = self.document;
            }
            if let Some(k) = root.get(b"K") {
                k.refs(&mut tops);
                queue.extend(&tops);
            }
            let mut max_key = -1;
            if let Some(pt) = root.get(b"ParentTree") {
                for (key, value) in number_tree(file, pt, 0)? {
                    max_key = max_key.max(key);
                    value.refs(&mut queue);
                    parent_entries.push((key, value));
                }
            }
            let next = root.get_int(b"ParentTreeNextKey").unwrap_or(0);
            self.next_key += next.max(max_key + 1);
            if let Some(tree) = root.get(b"IDTree") {
                for (id, value) in name_tree(file, tree, 0)? {
                    if let Obj::Ref(r) = value {
                        queue.push(r);
                        ids.push((prefixed(id_prefix, id), r));
                    }
                }
            }
            if let Some(Obj::Dict(rm)) = root.get(b"RoleMap") {
                for (k, v) in &rm.0 {
                    if !self.role_map.iter().any(|(have, _)| have == k) {
                        self.role_map.push((k, v.clone()));
                    }
                }
            }
        }
        queue.extend(&src.pages);
        let info = file.trailer.get_ref(b"Info");
        let mut kept_catalog = Vec::new();
        if title.is_none() {
            for key in [
                &b"Metadata"[..],
                b"OutputIntents",
                b"Lang",
                b"MarkInfo",
                b"ViewerPreferences",
            ] {
                if let Some(v) = catalog.get(key) {
                    v.refs(&mut queue);
                    kept_catalog.push((key, v.clone()));
                }
            }
            queue.extend(info);
        }
        // Number every reachable object once, keeping what was read for the writing below. A
        // stream the book already holds (the logo on every SOP's identity page, a colour
        // profile) takes the number of that copy.
        let mut objects = Vec::new();
        let mut keys = HashMap::new();
        while let Some(old) = queue.pop() {
            let m = map
                .get_mut(slot(old))
                .ok_or_else(|| format!("objek {old} tidak ada"))?;
            if *m != 0 {
                continue;
            }
            let obj = file.object(old)?;
            let key = match obj.stream {
                Some(_) => content_key(file, old, 0, &mut keys)?,
                None => None,
            };
            if let Some(&n) = key.and_then(|k| self.streams.get(&k)) {
                map[slot(old)] = n;
                continue;
            }
            let n = self.w.alloc();
            map[slot(old)] = n;
            if let Some(k) = key {
                self.streams.insert(k, n);
            }
            obj.value.refs(&mut queue);
            objects.push((old, obj));
        }
        // In the source's order, so the output does not depend on the walk.
        objects.sort_unstable_by_key(|(old, _)| *old);
        let lookup = |n: u32| map.get(slot(n)).copied().unwrap_or(0);
        let page_index: HashMap<u32, usize> =
            src.pages.iter().enumerate().map(|(k, &p)| (p, k)).collect();
        let is_page = |n: u32| page_index.contains_key(&n);
        // The parts' pages get the book's page numbers, the decree part has its own.
        let stamping = self.stamp.as_ref().filter(|_| title.is_some());
        let mut resource_objects = Vec::new();
        if stamping.is_some() {
            for (old, obj) in &objects {
                if is_page(*old)
                    && let Some(r) = obj.value.as_dict().and_then(|d| d.get_ref(b"Resources"))
                {
                    resource_objects.push(r);
                }
            }
        }
        let first_page = self.pages.len();
        for (old, mut obj) in objects {
            let new = lookup(old);
            if let (Some(st), Obj::Dict(d)) = (stamping, &mut obj.value) {
                if resource_objects.contains(&old) {
                    d.set(b"XObject", Obj::Owned(st.xobjects(d, file, &lookup)?));
                }
                if let Some(&k) = page_index.get(&old) {
                    if let Some(mut res) = d.get(b"Resources").and_then(Obj::as_dict).cloned() {
                        res.set(b"XObject", Obj::Owned(st.xobjects(&res, file, &lookup)?));
                        d.set(b"Resources", Obj::Dict(res));
                    }
                    let overlay = self.w.alloc();
                    let content = st.content(first_page + k + 1, self.total);
                    let empty = Obj::Dict(Dict::default());
                    self.w.write(overlay, &empty, Some(&content), &|n| n);
                    let mut contents = vec![Obj::Owned(format!("{} 0 R", st.save).into_bytes())];
                    match d.get(b"Contents") {
                        Some(Obj::Array(items)) => contents.extend(items.iter().cloned()),
                        Some(other) => contents.push(other.clone()),
                        None => {}
                    }
                    contents.push(Obj::Owned(format!("{overlay} 0 R").into_bytes()));
                    d.set(b"Contents", Obj::Array(contents));
                }
            }
            if let Obj::Dict(d) = &mut obj.value {
                if is_page(old) {
                    shift(d, b"StructParents", key_offset);
                    if let Some(Obj::Array(b)) = d.get(b"MediaBox")
                        && let Some(h) = b.get(3)
                    {
                        self.heights.insert(new, h.clone());
                    }
                } else if d.has_name(b"Type", b"Annot") {
                    shift(d, b"StructParent", key_offset);
                    // A daftar isi entry: written once the page it opens is numbered.
                    if title.is_none()
                        && let Some(target) = toc_target(d)
                    {
                        d.0.retain(|(k, _)| *k != b"A");
                        let text = format!("Ke halaman {target}");
                        d.set(b"Contents", Obj::Owned(text_bytes(&text)));
                        let mut bytes = Vec::new();
                        obj.value.write(&mut bytes, &lookup);
                        bytes.truncate(bytes.len() - 2);
                        self.links.push((new, bytes, target));
                        continue;
                    }
                } else if d.has_name(b"Type", b"StructElem") {
                    prefix_ids(d, id_prefix);
                    if tops.contains(&old) {
                        if d.has_name(b"S", b"Document") {
                            d.set(b"S", Obj::Name(b"Part"));
                        }
                        if let Some(t) = title {
                            d.set(b"T", Obj::Owned(text_bytes(t)));
                        }
                    }
                }
                if Some(old) == info {
                    self.info = Some(new);
                }
            }
            if let (Obj::Dict(d), Some(data)) = (&obj.value, obj.stream)
                && d.has_name(b"Type", b"Metadata")
                && d.get(b"Filter").is_none()
            {
                let xmp = with_npages(data, self.total);
                self.w.write(new, &obj.value, Some(&xmp), &lookup);
            } else {
                self.w.write(new, &obj.value, obj.stream, &lookup);
            }
        }
        for (key, value) in parent_entries {
            let mut bytes = Vec::new();
            value.write(&mut bytes, &lookup);
            self.parent_tree.push((key + key_offset, bytes));
        }
        self.parts.extend(tops.iter().map(|&t| lookup(t)));
        for (key, value) in kept_catalog {
            let mut bytes = Vec::new();
            value.write(&mut bytes, &lookup);
            self.catalog.push((key, bytes));
        }
        for (id, old) in ids {
            self.ids.insert(id, lookup(old));
        }
        let pages: Vec<u32> = src.pages.iter().map(|&p| lookup(p)).collect();
        self.pages.extend(&pages);
        Ok(pages)
    }

    fn finish(
        mut self,
        head: &PdfFile<'a>,
        marks: Vec<(usize, String, u32)>,
    ) -> Result<Vec<u8>, String> {
        let id = |n: u32| n;
        let total = self.pages.len();
        // Page tree.
        let mut pages = Dict::default();
        pages.set(b"Type", Obj::Name(b"Pages"));
        pages.set(b"Count", Obj::Int(total as i64));
        pages.set(
            b"Kids",
            Obj::Array(self.pages.iter().map(|&p| Obj::Ref(p)).collect()),
        );
        self.w.write(self.pages_root, &Obj::Dict(pages), None, &id);
        // Structure: one Document of Parts.
        let mut doc = Dict::default();
        doc.set(b"Type", Obj::Name(b"StructElem"));
        doc.set(b"S", Obj::Name(b"Document"));
        doc.set(b"P", Obj::Ref(self.struct_root));
        doc.set(
            b"K",
            Obj::Array(self.parts.iter().map(|&p| Obj::Ref(p)).collect()),
        );
        self.w.write(self.document, &Obj::Dict(doc), None, &id);
        let mut root = Vec::new();
        root.extend_from_slice(b"<</Type/StructTreeRoot");
        if !self.role_map.is_empty() {
            root.extend_from_slice(b"/RoleMap");
            Obj::Dict(Dict(self.role_map.clone())).write(&mut root, &id);
        }
        root.extend_from_slice(format!("/K[{} 0 R]/ParentTree<</Nums[", self.document).as_bytes());
        self.parent_tree.sort_by_key(|(k, _)| *k);
        for (k, (key, value)) in self.parent_tree.iter().enumerate() {
            if k > 0 {
                root.push(b' ');
            }
            root.extend_from_slice(format!("{key} ").as_bytes());
            root.extend_from_slice(value);
        }
        root.extend_from_slice(format!("]>>/ParentTreeNextKey {}", self.next_key).as_bytes());
        if !self.ids.is_empty() {
            root.extend_from_slice(b"/IDTree<</Names[");
            for (k, (name, num)) in self.ids.iter().enumerate() {
                if k > 0 {
                    root.push(b' ');
                }
                root.extend_from_slice(&literal(name));
                root.extend_from_slice(format!(" {num} 0 R").as_bytes());
            }
            root.extend_from_slice(b"]>>");
        }
        root.extend_from_slice(b">>");
        self.write_raw(self.struct_root, &root);
        // Bookmarks.
        let outlines = self.outlines(&marks);
        // Catalog.
        let catalog = self.w.alloc();
        let mut c = Dict::default();
        c.set(b"Type", Obj::Name(b"Catalog"));
        c.set(b"Pages", Obj::Ref(self.pages_root));
        for (key, value) in &self.catalog {
            c.set(key, Obj::Owned(value.clone()));
        }
        c.set(b"StructTreeRoot", Obj::Ref(self.struct_root));
        if let Some(o) = outlines {
            c.set(b"Outlines", Obj::Ref(o));
            c.set(b"PageMode", Obj::Name(b"UseOutlines"));
        }
        self.w.write(catalog, &Obj::Dict(c), None, &id);
        let mut trailer = Dict::default();
        trailer.set(b"Root", Obj::Ref(catalog));
        if let Some(info) = self.info {
            trailer.set(b"Info", Obj::Ref(info));
        }
        // The decree part's document ids, which its XMP metadata names too.
        if let Some(ids) = head.trailer.get(b"ID") {
            trailer.set(b"ID", ids.clone());
        }
        self.w.finish(&trailer)
    }

    /// Writes an object already serialised.
    fn write_raw(&mut self, num: u32, bytes: &[u8]) {
        self.w.write(num, &Obj::Owned(bytes.to_vec()), None, &|n| n);
    }

    /// The outline tree from (level, title, page) in reading order; returns its root.
    fn outlines(&mut self, marks: &[(usize, String, u32)]) -> Option<u32> {
        if marks.is_empty() {
            return None;
        }
        let root = self.w.alloc();
        let nums: Vec<u32> = marks.iter().map(|_| self.w.alloc()).collect();
        // Parent of each item: the nearest earlier item of a lower level.
        let mut parent: Vec<Option<usize>> = Vec::with_capacity(marks.len());
        let mut stack: Vec<usize> = Vec::new();
        for (k, (level, _, _)) in marks.iter().enumerate() {
            while stack.last().is_some_and(|&s| marks[s].0 >= *level) {
                stack.pop();
            }
            parent.push(stack.last().copied());
            stack.push(k);
        }
        let children = |p: Option<usize>| -> Vec<usize> {
            (0..marks.len()).filter(|&k| parent[k] == p).collect()
        };
        let top = children(None);
        for k in 0..marks.len() {
            let siblings = children(parent[k]);
            let at = siblings.iter().position(|&s| s == k).unwrap_or(0);
            let kids = children(Some(k));
            let (_, title, page) = &marks[k];
            let mut d = Vec::new();
            d.extend_from_slice(b"<</Title");
            d.extend_from_slice(&text_bytes(title));
            let up = parent[k].map_or(root, |p| nums[p]);
            d.extend_from_slice(format!("/Parent {up} 0 R").as_bytes());
            if at > 0 {
                d.extend_from_slice(format!("/Prev {} 0 R", nums[siblings[at - 1]]).as_bytes());
            }
            if let Some(&next) = siblings.get(at + 1) {
                d.extend_from_slice(format!("/Next {} 0 R", nums[next]).as_bytes());
            }
            if let (Some(&first), Some(&last)) = (kids.first(), kids.last()) {
                // Closed: a book's bidang list stays folded until opened.
                d.extend_from_slice(
                    format!(
                        "/First {} 0 R/Last {} 0 R/Count -{}",
                        nums[first],
                        nums[last],
                        kids.len()
                    )
                    .as_bytes(),
                );
            }
            let mut top_y = Vec::new();
            match self.heights.get(page) {
                Some(h) => h.write(&mut top_y, &|n| n),
                None => top_y.extend_from_slice(b"null"),
            }
            d.extend_from_slice(format!("/Dest[{page} 0 R/XYZ 0 ").as_bytes());
            d.extend_from_slice(&top_y);
            d.extend_from_slice(b" 0]>>");
            self.write_raw(nums[k], &d);
        }
        let mut r = Vec::new();
        r.extend_from_slice(b"<</Type/Outlines");
        if let (Some(&first), Some(&last)) = (top.first(), top.last()) {
            r.extend_from_slice(
                format!(
                    "/First {} 0 R/Last {} 0 R/Count {}",
                    nums[first],
                    nums[last],
                    top.len()
                )
                .as_bytes(),
            );
        }
        r.extend_from_slice(b">>");
        self.write_raw(root, &r);
        Some(root)
    }
}

/// The book page (from 1) a daftar isi link opens: its URI action's `TOC_LINK` target.
fn toc_target(annot: &Dict) -> Option<usize> {
    let action = annot.get(b"A")?.as_dict()?;
    let Some(Obj::Str(uri)) = action.get(b"URI") else {
        return None;
    };
    let uri = decode_string(uri);
    let page = uri.strip_prefix(TOC_LINK.as_bytes())?;
    std::str::from_utf8(page).ok()?.parse().ok()
}

fn shift(d: &mut Dict, key: &[u8], by: i64) {
    if let Some(Obj::Int(n)) = d.get_mut(key) {
        *n += by;
    }
}

/// The hash of a stream's content: its dictionary with every reference replaced by the
/// hash of what it refers to, and its bytes. Two streams with the same key are the same
/// resource, whatever their object numbers. None for what must stay apart: anything tied to
/// a page or to the structure tree, or nested deeper than a resource ever is.
fn content_key(
    file: &PdfFile,
    num: u32,
    depth: usize,
    memo: &mut HashMap<u32, Option<[u8; 32]>>,
) -> Result<Option<[u8; 32]>, String> {
    use sha2::{Digest, Sha256};
    if let Some(&k) = memo.get(&num) {
        return Ok(k);
    }
    if depth > 8 {
        return Ok(None);
    }
    // Marks the object as in progress: a reference cycle yields no key.
    memo.insert(num, None);
    let obj = file.object(num)?;
    if let Obj::Dict(d) = &obj.value
        && (d.get(b"StructParent").is_some()
            || d.get(b"StructParents").is_some()
            || d.has_name(b"Type", b"Page")
            || d.has_name(b"Type", b"StructElem"))
    {
        return Ok(None);
    }
    let mut h = Sha256::new();
    let mut bytes = Vec::new();
    obj.value.write(&mut bytes, &|_| 0);
    h.update(&bytes);
    let mut refs = Vec::new();
    obj.value.refs(&mut refs);
    for r in refs {
        match content_key(file, r, depth + 1, memo)? {
            Some(k) => h.update(k),
            None => return Ok(None),
        }
    }
    if let Some(data) = obj.stream {
        h.update(b"stream");
        h.update(data);
    }
    let key = Some(<[u8; 32]>::from(h.finalize()));
    memo.insert(num, key);
    Ok(key)
}

/// Prefixes the structure ids of an element: its `ID` and the `Headers` of its table
/// attributes, which name other cells' ids.
fn prefix_ids(d: &mut Dict, prefix: &str) {
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

fn prefixed(prefix: &str, id: Vec<u8>) -> Vec<u8> {
    let mut out = prefix.as_bytes().to_vec();
    out.extend(id);
    out
}

/// The bytes of a string object (literal escapes or hex undone).
fn decode_string(raw: &[u8]) -> Vec<u8> {
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
fn literal(bytes: &[u8]) -> Vec<u8> {
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
fn text_bytes(text: &str) -> Vec<u8> {
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

/// The entries of a number tree (`Nums`, or `Kids` of further nodes).
fn number_tree<'a>(
    file: &PdfFile<'a>,
    node: &Obj<'a>,
    depth: usize,
) -> Result<Vec<(i64, Obj<'a>)>, String> {
    tree(file, node, depth, b"Nums", &|o| match o {
        Obj::Int(n) => Some(*n),
        _ => None,
    })
}

/// The entries of a name tree (`Names`, or `Kids` of further nodes).
fn name_tree<'a>(
    file: &PdfFile<'a>,
    node: &Obj<'a>,
    depth: usize,
) -> Result<Vec<(Vec<u8>, Obj<'a>)>, String> {
    tree(file, node, depth, b"Names", &|o| match o {
        Obj::Str(s) => Some(decode_string(s)),
        _ => None,
    })
}

fn tree<'a, K>(
    file: &PdfFile<'a>,
    node: &Obj<'a>,
    depth: usize,
    leaf: &[u8],
    key: &dyn Fn(&Obj<'a>) -> Option<K>,
) -> Result<Vec<(K, Obj<'a>)>, String> {
    if depth > 32 {
        return Err("pohon terlalu dalam".into());
    }
    let d = match node {
        Obj::Ref(r) => file.dict(*r)?,
        Obj::Dict(d) => d.clone(),
        _ => return Err("simpul pohon tidak sah".into()),
    };
    let mut out = Vec::new();
    if let Some(Obj::Array(items)) = d.get(leaf) {
        for pair in items.chunks(2) {
            if let [k, v] = pair
                && let Some(k) = key(k)
            {
                out.push((k, v.clone()));
            }
        }
    }
    if let Some(Obj::Array(kids)) = d.get(b"Kids") {
        for kid in kids {
            out.extend(tree(file, kid, depth + 1, leaf, key)?);
        }
    }
    Ok(out)
}

/// The XMP packet with `<xmpTPg:NPages>` set to the book's page count.
fn with_npages(xmp: &[u8], total: usize) -> Vec<u8> {
    let open: &[u8] = b"<xmpTPg:NPages>";
    let close: &[u8] = b"</xmpTPg:NPages>";
    let Some(start) = xmp.windows(open.len()).position(|w| w == open) else {
        return xmp.to_vec();
    };
    let from = start + open.len();
    let Some(len) = xmp[from..].windows(close.len()).position(|w| w == close) else {
        return xmp.to_vec();
    };
    let mut out = xmp[..from].to_vec();
    out.extend_from_slice(total.to_string().as_bytes());
    out.extend_from_slice(&xmp[from + len..]);
    out
}

#[cfg(test)]
mod tests {
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
        let mut out = b"%PDF-1.7\n".to_vec();
        let mut offsets = Vec::new();
        for (k, body) in objects.iter().enumerate() {
            offsets.push(out.len());
            out.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", k + 1).as_bytes());
        }
        let xref = out.len();
        out.extend_from_slice(
            format!("xref\n0 {}\n0000000000 65535 f\r\n", objects.len() + 1).as_bytes(),
        );
        for off in offsets {
            out.extend_from_slice(format!("{off:010} 00000 n\r\n").as_bytes());
        }
        out.extend_from_slice(
            format!(
                "trailer\n<</Size 10/Root 1 0 R/Info 9 0 R/ID[(a)(b)]>>\nstartxref\n{xref}\n%%EOF"
            )
            .as_bytes(),
        );
        out
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
        let parts = [("A", &a), ("B", &b)].map(|(title, pdf)| Part {
            source: Source::parse(pdf).unwrap(),
            title,
            marks: vec![(2, "Bidang".into()), (3, title.into())],
        });
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
        let parts = [Part {
            source: Source::parse(&a).unwrap(),
            title: "A",
            marks: Vec::new(),
        }];
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
        let parts = [("A", &a), ("B", &b)].map(|(title, pdf)| Part {
            source: Source::parse(pdf).unwrap(),
            title,
            marks: Vec::new(),
        });
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
}
