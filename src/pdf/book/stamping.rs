//! The book's page numbers drawn onto the SOPs' pages: one form per glyph outline, shared by
//! every page, and a content stream per page that places them.

use super::Stamp;
use super::pdf_file::{Dict, Obj, PdfFile, PdfWriter, Sink};

/// Page numbers being drawn: one form per glyph, shared by every page.
pub(super) struct Stamping<'s> {
    stamp: &'s Stamp,
    /// Resource name and object of each glyph's form.
    forms: Vec<(char, String, u32, f64)>,
    /// A stream holding `q`, put before a page's own content so the numbers are drawn in the
    /// page's initial coordinate system whatever the content leaves behind.
    pub(super) save: u32,
}

impl<'s> Stamping<'s> {
    pub(super) fn new<S: Sink>(w: &mut PdfWriter<S>, stamp: &'s Stamp) -> Self {
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
    pub(super) fn content(&self, n: usize, total: usize) -> Vec<u8> {
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
    pub(super) fn xobjects(
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
