//! The decree book joined from PDFs already made: the decree part (Keputusan and Lampiran, laid
//! out by Typst) followed by every SOP's own PDF, copied object by object. Laying the SOPs out a
//! second time for the book cost as much as the SOPs themselves (1,000 SOPs in five books:
//! 12 s of 21 s); joining copies bytes.
//!
//! What a join keeps: every page as it is (content, fonts, images), the tags (each document's
//! structure tree becomes a `Part` of one `Document`, its ids prefixed so they stay unique, its
//! parent tree renumbered), the decree part's metadata (XMP with the book's page count, output
//! intent, language, document ids); and it writes new bookmarks and a new page tree.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::render::pdf_file::{Dict, Obj, PdfFile, PdfWriter};

/// One document of the book, and the bookmarks that open on its first page.
pub struct Part<'a> {
    /// Its PDF, as sopan wrote it.
    pub pdf: &'a [u8],
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

/// The number of pages of a PDF sopan wrote.
pub fn page_count(pdf: &[u8]) -> Result<usize, String> {
    Ok(PdfFile::parse(pdf)?.pages()?.0.len())
}

/// Joins the decree part `head` (with its bookmarks) and the `parts` into one PDF.
pub fn join(head: &[u8], head_marks: &[HeadMark], parts: &[Part]) -> Result<Vec<u8>, String> {
    let head_file = PdfFile::parse(head)?;
    let files = parts
        .iter()
        .map(|p| PdfFile::parse(p.pdf).map_err(|e| format!("{}: {e}", p.title)))
        .collect::<Result<Vec<_>, _>>()?;
    let mut total = head_file.pages()?.0.len();
    for (file, part) in files.iter().zip(parts) {
        total += file
            .pages()
            .map_err(|e| format!("{}: {e}", part.title))?
            .0
            .len();
    }
    let mut j = Joiner::new(total);
    let head_copy = j.copy(&head_file, None, "")?;
    let mut marks: Vec<(usize, String, u32)> = head_marks
        .iter()
        .filter_map(|m| Some((m.level, m.title.clone(), *head_copy.pages.get(m.page)?)))
        .collect();
    for (k, (file, part)) in files.iter().zip(parts).enumerate() {
        let copy = j
            .copy(file, Some(part.title), &format!("s{}.", k + 1))
            .map_err(|e| format!("{}: {e}", part.title))?;
        if let Some(&first) = copy.pages.first() {
            marks.extend(part.marks.iter().map(|(l, t)| (*l, t.clone(), first)));
        }
    }
    j.finish(&head_file, marks)
}

/// What one copied document left in the book.
struct Copied {
    /// Its pages' new object numbers.
    pages: Vec<u32>,
}

/// A book being written.
struct Joiner<'a> {
    w: PdfWriter,
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
}

impl<'a> Joiner<'a> {
    fn new(total: usize) -> Self {
        let mut w = PdfWriter::new();
        let pages_root = w.alloc();
        let struct_root = w.alloc();
        let document = w.alloc();
        Joiner {
            w,
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
        }
    }

    /// Copies the pages and structure of `file`; the decree part (`title` none) also gives
    /// the book its catalog entries and document information.
    fn copy(
        &mut self,
        file: &PdfFile<'a>,
        title: Option<&str>,
        id_prefix: &str,
    ) -> Result<Copied, String> {
        let catalog = file.dict(file.root()?)?;
        let (pages, nodes) = file.pages()?;
        let mut map: HashMap<u32, u32> = HashMap::new();
        for n in nodes {
            map.insert(n, self.pages_root);
        }
        let key_offset = self.next_key;
        let mut tops = HashSet::new();
        let mut queue: Vec<u32> = Vec::new();
        let mut parent_entries = Vec::new();
        let mut ids = Vec::new();
        let mut top_order = Vec::new();
        if let Some(sr) = catalog.get_ref(b"StructTreeRoot") {
            let root = file.dict(sr)?;
            // The document's top elements hang from the book's `Document` instead.
            map.insert(sr, self.document);
            if let Some(k) = root.get(b"K") {
                k.refs(&mut top_order);
                tops.extend(top_order.iter().copied());
                queue.extend(top_order.iter().copied());
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
        queue.extend(pages.iter().copied());
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
            if let Some(info) = file.trailer.get_ref(b"Info") {
                queue.push(info);
            }
        }
        // Number every reachable object, then write each with the numbers known.
        let mut order = Vec::new();
        while let Some(old) = queue.pop() {
            if map.contains_key(&old) {
                continue;
            }
            let new = self.w.alloc();
            map.insert(old, new);
            order.push(old);
            let obj = file.object(old)?;
            obj.value.refs(&mut queue);
        }
        order.sort_unstable();
        let lookup = |n: u32| map.get(&n).copied().unwrap_or(0);
        let page_set: HashSet<u32> = pages.iter().copied().collect();
        for old in order {
            let mut obj = file.object(old)?;
            if let Obj::Dict(d) = &mut obj.value {
                if page_set.contains(&old) {
                    shift(d, b"StructParents", key_offset);
                    if let Some(h) = d.get(b"MediaBox").and_then(|b| match b {
                        Obj::Array(a) => a.get(3).cloned(),
                        _ => None,
                    }) {
                        self.heights.insert(map[&old], h);
                    }
                } else if d.has_name(b"Type", b"Annot") || d.get(b"Subtype").is_some() {
                    shift(d, b"StructParent", key_offset);
                }
                if d.get(b"S").is_some() && d.get(b"P").is_some() {
                    prefix_ids(d, id_prefix);
                    if tops.contains(&old) {
                        if d.has_name(b"S", b"Document") {
                            d.set(b"S", Obj::Name(b"Part"));
                        }
                        if let Some(t) = title {
                            d.set(b"T", text_string(t));
                        }
                    }
                }
                if old == file.trailer.get_ref(b"Info").unwrap_or(u32::MAX) && title.is_none() {
                    self.info = Some(map[&old]);
                }
            }
            if let (Obj::Dict(d), Some(data)) = (&obj.value, obj.stream)
                && d.has_name(b"Type", b"Metadata")
                && d.get(b"Filter").is_none()
            {
                let xmp = with_npages(data, self.total);
                self.w.write(map[&old], &obj.value, Some(&xmp), &lookup);
                continue;
            }
            self.w.write(map[&old], &obj.value, obj.stream, &lookup);
        }
        for (key, value) in parent_entries {
            let mut bytes = Vec::new();
            value.write(&mut bytes, &lookup);
            self.parent_tree.push((key + key_offset, bytes));
        }
        self.parts
            .extend(top_order.iter().filter_map(|t| map.get(t).copied()));
        for (key, value) in kept_catalog {
            let mut bytes = Vec::new();
            value.write(&mut bytes, &lookup);
            self.catalog.push((key, bytes));
        }
        for (id, old) in ids {
            self.ids.insert(id, map[&old]);
        }
        let new_pages: Vec<u32> = pages.iter().map(|p| map[p]).collect();
        self.pages.extend(&new_pages);
        Ok(Copied { pages: new_pages })
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
        let mut c = Vec::new();
        c.extend_from_slice(format!("<</Type/Catalog/Pages {} 0 R", self.pages_root).as_bytes());
        for (key, value) in &self.catalog {
            c.push(b'/');
            c.extend_from_slice(key);
            if !matches!(value.first(), Some(b'/' | b'(' | b'<' | b'[')) {
                c.push(b' ');
            }
            c.extend_from_slice(value);
        }
        c.extend_from_slice(format!("/StructTreeRoot {} 0 R", self.struct_root).as_bytes());
        if let Some(o) = outlines {
            c.extend_from_slice(format!("/Outlines {o} 0 R/PageMode/UseOutlines").as_bytes());
        }
        c.extend_from_slice(b">>");
        self.write_raw(catalog, &c);
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

fn shift(d: &mut Dict, key: &[u8], by: i64) {
    if let Some(Obj::Int(n)) = d.get_mut(key) {
        *n += by;
    }
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

fn text_string(text: &str) -> Obj<'static> {
    Obj::Owned(text_bytes(text))
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
