//! The book being written: each document's objects copied and renumbered once, its pages,
//! structure tree, parent tree and ids joined into the book's, then the page tree, the
//! structure root, the bookmarks and the catalog written. The joiner keeps nothing of a
//! document once copied (what it needs later is written out: page heights, role map entries,
//! ids), so documents can be read one at a time and let go.

use std::collections::{BTreeMap, HashMap};

use rustc_hash::FxHashMap;

use super::copy::{Scanned, Span, copy, scan};
use super::dedup::Contents;
use super::pdf_file::{Dict, Obj, PdfFile, PdfWriter, Sink, push_int};
use super::stamping::Stamping;
use super::strings::{decode_string, literal, prefix_ids, prefixed, text_bytes};
use super::trees::{name_tree, number_tree};
use super::{Source, TOC_LINK};

/// A book being written into `S`; `'s` is the stamp's lifetime.
pub(super) struct Joiner<'s, S: Sink> {
    pub(super) w: PdfWriter<S>,
    /// The book's page numbers on the parts' pages.
    pub(super) stamp: Option<Stamping<'s>>,
    /// The book's page count, for its XMP metadata.
    total: usize,
    pages_root: u32,
    struct_root: u32,
    document: u32,
    pages: Vec<u32>,
    /// Page heights as written, for bookmarks that open at the top of a page.
    heights: HashMap<u32, Vec<u8>>,
    /// Top structure elements of every document, in order.
    parts: Vec<u32>,
    /// Parent tree entries (key, value with new references).
    parent_tree: Vec<(i64, Vec<u8>)>,
    next_key: i64,
    /// Structure ids (prefixed) and their elements.
    ids: BTreeMap<Vec<u8>, u32>,
    /// Role map entries: key, value as written.
    role_map: Vec<(Vec<u8>, Vec<u8>)>,
    /// The decree part's catalog entries kept in the book, with new references.
    catalog: Vec<(&'static [u8], Vec<u8>)>,
    info: Option<u32>,
    /// The content of every stream met (`dedup`).
    contents: Contents,
    /// Streams already written, by their content's id.
    streams: HashMap<u32, u32>,
    /// The daftar isi's link annotations, written once the pages they open exist: number,
    /// the annotation without its closing `>>`, book page opened (from 1).
    links: Vec<(u32, Vec<u8>, usize)>,
}

impl<'s, S: Sink> Joiner<'s, S> {
    /// A book of `total` pages written by `w`.
    pub(super) fn new(total: usize, mut w: PdfWriter<S>) -> Self {
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
            contents: Contents::default(),
            streams: HashMap::new(),
            links: Vec::new(),
        }
    }

    /// The daftar isi's link annotations, each opening the top of the page it names.
    pub(super) fn write_links(&mut self) -> Result<(), String> {
        for (num, mut d, target) in std::mem::take(&mut self.links) {
            let page = target
                .checked_sub(1)
                .and_then(|k| self.pages.get(k))
                .copied()
                .ok_or_else(|| format!("daftar isi menunjuk halaman {target} yang tidak ada"))?;
            self.push_dest(&mut d, page);
            self.write_raw(num, &d);
        }
        Ok(())
    }

    /// Copies the pages and structure of `src` and returns its pages' new numbers; the decree
    /// part (`title` none) also gives the book its catalog entries and document information.
    pub(super) fn copy(
        &mut self,
        src: &Source<'_>,
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
                        let mut value = Vec::new();
                        v.write(&mut value, &|n| n);
                        self.role_map.push((k.to_vec(), value));
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
        // Number every reachable object once, keeping where it is and what the writing below
        // asks of it (read in one pass, without a tree: `copy`). A stream the book already
        // holds (the logo on every SOP's identity page, a colour profile) takes the number of
        // that copy.
        // Each object with the range of its spans in `spans`.
        let mut objects: Vec<(u32, Scanned, std::ops::Range<usize>)> = Vec::new();
        let mut spans: Vec<Span> = Vec::new();
        let mut keys = FxHashMap::default();
        // The objects' text as the copy writes it but for their spans (`copy::scan`).
        let mut text = Vec::with_capacity(file.byte_len() / 2);
        while let Some(old) = queue.pop() {
            let m = map
                .get_mut(slot(old))
                .ok_or_else(|| format!("objek {old} tidak ada"))?;
            if *m != 0 {
                continue;
            }
            let (from, mark) = (spans.len(), text.len());
            let obj = scan(file, old, &mut text, &mut spans, true)?;
            let key = match obj.stream {
                Some(_) => self.contents.key(file, old, 0, &mut keys)?,
                None => None,
            };
            if let Some(&n) = key.and_then(|k| self.streams.get(&k)) {
                map[slot(old)] = n;
                spans.truncate(from);
                text.truncate(mark);
                continue;
            }
            let n = self.w.alloc();
            map[slot(old)] = n;
            if let Some(k) = key {
                self.streams.insert(k, n);
            }
            queue.extend(spans[from..].iter().filter_map(|s| s.reference));
            objects.push((old, obj, from..spans.len()));
        }
        // In the source's order, so the output does not depend on the walk.
        objects.sort_unstable_by_key(|(old, ..)| *old);
        let lookup = |n: u32| map.get(slot(n)).copied().unwrap_or(0);
        // Asked of every object: a fast hash (`FxHashMap`) rather than SipHash.
        let page_index: FxHashMap<u32, usize> =
            src.pages.iter().enumerate().map(|(k, &p)| (p, k)).collect();
        let is_page = |n: u32| page_index.contains_key(&n);
        // The parts' pages get the book's page numbers, the decree part has its own.
        let stamping = self.stamp.as_ref().filter(|_| title.is_some());
        let mut resource_objects = Vec::new();
        if stamping.is_some() {
            for (old, ..) in &objects {
                if is_page(*old)
                    && let Some(r) = file
                        .object(*old)?
                        .value
                        .as_dict()
                        .and_then(|d| d.get_ref(b"Resources"))
                {
                    resource_objects.push(r);
                }
            }
        }
        let first_page = self.pages.len();
        for (old, scanned, range) in objects {
            let new = lookup(old);
            let f = &scanned.facts;
            // Only what changes beyond its references is read into a tree; the rest (nearly
            // all: structure elements, fonts, content streams) is copied in one pass.
            let tree = is_page(old)
                || resource_objects.contains(&old)
                || f.is(b"Annot")
                || (f.is(b"StructElem") && tops.contains(&old))
                || (f.is(b"Metadata") && !f.filter && scanned.stream.is_some());
            if !tree {
                if Some(old) == info && f.dict {
                    self.info = Some(new);
                }
                let prefix = if f.is(b"StructElem") { id_prefix } else { "" };
                let spans = &spans[range];
                self.w.write_with(new, scanned.stream, |buf| {
                    copy(file, &scanned, &text, spans, buf, &map, prefix.as_bytes())
                })?;
                continue;
            }
            let mut obj = file.object(old)?;
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
                        let mut bytes = Vec::new();
                        h.write(&mut bytes, &|n| n);
                        self.heights.insert(new, bytes);
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

    pub(super) fn finish(
        mut self,
        head: &PdfFile<'_>,
        marks: Vec<(usize, String, u32)>,
    ) -> Result<S::Output, String> {
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
            let entries = self.role_map.iter();
            let role_map = entries.map(|(k, v)| (k.as_slice(), Obj::Owned(v.clone())));
            Obj::Dict(Dict(role_map.collect())).write(&mut root, &id);
        }
        root.extend_from_slice(format!("/K[{} 0 R]/ParentTree<</Nums[", self.document).as_bytes());
        self.parent_tree.sort_by_key(|(k, _)| *k);
        for (k, (key, value)) in self.parent_tree.iter().enumerate() {
            if k > 0 {
                root.push(b' ');
            }
            push_int(&mut root, *key);
            root.push(b' ');
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
                root.push(b' ');
                push_int(&mut root, i64::from(*num));
                root.extend_from_slice(b" 0 R");
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

    /// Ends a link's or bookmark's dictionary `d` with its destination: the top of `page`
    /// (its height as the page gives it), then closes the dictionary.
    fn push_dest(&self, d: &mut Vec<u8>, page: u32) {
        d.extend_from_slice(format!("/Dest[{page} 0 R/XYZ 0 ").as_bytes());
        match self.heights.get(&page) {
            Some(h) => d.extend_from_slice(h),
            None => d.extend_from_slice(b"null"),
        }
        d.extend_from_slice(b" 0]>>");
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
            self.push_dest(&mut d, *page);
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
