//! Number trees and name trees (the structure's parent tree and id tree), read whole.

use super::pdf_file::{Obj, PdfFile};
use super::strings::decode_string;

/// The entries of a number tree (`Nums`, or `Kids` of further nodes).
pub(super) fn number_tree<'a>(
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
pub(super) fn name_tree<'a>(
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
