//! One copy of each resource the documents of a book share (the logo on every SOP's identity
//! page, a colour profile): a stream's content is interned, and a stream whose content the
//! book already holds takes the number of that copy.
//!
//! Content is compared by value: an object's value written with its references as `0`, the
//! contents of what it refers to (interned first, so their ids stand for them), and its
//! stream data's length and SHA-256. The data is not kept: a book is joined one document at
//! a time, each read, copied and let go (`super::join`), so a later document's logo can only
//! be compared with what was noted of an earlier one. Until streaming, the table borrowed
//! every document's bytes for the whole join and compared data with `memcmp` behind a hash of
//! its first and last 256 bytes, because SHA-256 of every stream cost 329M instructions of a
//! 1.14G join in callgrind (200 SOPs, one book); callgrind runs SHA in software, while `sha2`
//! uses the CPU's SHA instructions where it has them.

use rustc_hash::FxHashMap;
use sha2::{Digest, Sha256};

use super::copy::scan;
use super::pdf_file::{PdfFile, ReadError};

/// An object's content, for equality, owning nothing of its file.
#[derive(PartialEq, Eq, Hash)]
struct Content {
    /// Its value with every reference written as `0`.
    value: Vec<u8>,
    /// The ids of what it refers to, in order.
    kids: Vec<u32>,
    /// Its stream data's length and SHA-256.
    data: Option<(usize, [u8; 32])>,
}

/// Every content met while joining a book, by id.
#[derive(Default)]
pub(super) struct Contents {
    ids: FxHashMap<Content, u32>,
}

impl Contents {
    /// The id of object `num`'s content: the same for two objects exactly when their values,
    /// what they refer to and their stream data are the same, whatever their object numbers
    /// or files. None for what must stay apart: anything tied to a page or to the structure
    /// tree, or nested deeper than a resource ever is. `memo` holds the ids of `file`'s
    /// objects already met.
    pub(super) fn key(
        &mut self,
        file: &PdfFile<'_>,
        num: u32,
        depth: usize,
        memo: &mut FxHashMap<u32, Option<u32>>,
    ) -> Result<Option<u32>, ReadError> {
        if let Some(&k) = memo.get(&num) {
            return Ok(k);
        }
        if depth > 8 {
            return Ok(None);
        }
        // Marks the object as in progress: a reference cycle yields no key.
        memo.insert(num, None);
        let mut value = Vec::new();
        let mut spans = Vec::new();
        let obj = scan(file, num, &mut value, &mut spans, false)?;
        let refs = spans.iter().filter_map(|s| s.reference);
        let f = &obj.facts;
        if f.struct_parent || f.is(b"Page") || f.is(b"StructElem") {
            return Ok(None);
        }
        let mut kids = Vec::with_capacity(spans.len());
        for r in refs {
            match self.key(file, r, depth + 1, memo)? {
                Some(k) => kids.push(k),
                None => return Ok(None),
            }
        }
        let next = u32::try_from(self.ids.len()).expect("fewer than 2^32 contents");
        let content = Content {
            value,
            kids,
            data: obj.stream.map(|d| (d.len(), Sha256::digest(d).into())),
        };
        let key = Some(*self.ids.entry(content).or_insert(next));
        memo.insert(num, key);
        Ok(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf::book::copy::tests::file_of;

    #[test]
    fn equal_content_shares_an_id_across_files_and_numbers() {
        let long = "x".repeat(300);
        let a = file_of(&[
            &format!("<</Length 600/ColorSpace 2 0 R>>\nstream\n{long}{long}\nendstream"),
            "[/ICCBased 3 0 R]",
            "<</N 3/Length 4>>\nstream\nicc!\nendstream",
            // Same length, same first and last 256 bytes, one byte apart in the middle.
            &format!(
                "<</Length 600/ColorSpace 2 0 R>>\nstream\n{}y{}\nendstream",
                &long[1..],
                long
            ),
            "<</Length 4/StructParent 1>>\nstream\nicc!\nendstream",
        ]);
        let b = file_of(&[
            "[/ICCBased 2 0 R]",
            "<</N 3/Length 4>>\nstream\nicc!\nendstream",
            &format!("<</Length 600/ColorSpace 1 0 R>>\nstream\n{long}{long}\nendstream"),
        ]);
        let (a, b) = (PdfFile::parse(&a).unwrap(), PdfFile::parse(&b).unwrap());
        let mut c = Contents::default();
        let (mut ma, mut mb) = (FxHashMap::default(), FxHashMap::default());
        let image_a = c.key(&a, 1, 0, &mut ma).unwrap();
        let image_b = c.key(&b, 3, 0, &mut mb).unwrap();
        assert!(image_a.is_some());
        assert_eq!(image_a, image_b);
        assert_eq!(
            c.key(&a, 3, 0, &mut ma).unwrap(),
            c.key(&b, 2, 0, &mut mb).unwrap()
        );
        let other = c.key(&a, 4, 0, &mut ma).unwrap();
        assert!(other.is_some() && other != image_a);
        // Tied to the structure tree: never shared.
        assert_eq!(c.key(&a, 5, 0, &mut ma).unwrap(), None);
    }
}
