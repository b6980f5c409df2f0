//! The identity page's fitting (`identitas.typ`), worked out here rather than in Typst, whose
//! evaluation of it cost 3 % of a build (callgrind, 40 generated SOPs). The same arithmetic
//! as the template's estimate, operation for operation in Typst's raw length units (127 per
//! point, 360 per millimetre), so the same step and shares come out to the last bit; the
//! template still has its own estimate for a document without this (or with other margins).

use serde::Serialize;

use crate::model::org::{Bidang, Instansi, Pejabat};
use crate::model::sop::{Keterkaitan, Sop};

use super::Paper;

fn pt(v: f64) -> f64 {
    v * 127.0
}

fn mm(v: f64) -> f64 {
    v * 360.0
}

/// A fitting step of `identitas.typ`'s `steps`: size and inset in raw units, leading in em.
struct Step {
    size: f64,
    leading: f64,
    split: bool,
    balance: bool,
    inset: f64,
}

fn steps() -> [Step; 5] {
    let step = |size, leading, split, balance, inset| Step {
        size: pt(size),
        leading,
        split,
        balance,
        inset: mm(inset),
    };
    [
        step(9.5, 0.65, false, false, 2.0),
        step(9.5, 0.5, true, true, 2.0),
        step(9.0, 0.45, true, true, 1.5),
        step(8.5, 0.45, true, true, 1.5),
        step(8.0, 0.4, true, true, 1.2),
    ]
}

/// The type size the template's estimate resolves `em` leadings at (`sop.typ`).
const BODY: f64 = 9.0;
/// `sop.typ`'s page margins, mm.
const MARGIN_X: f64 = 12.0;
const MARGIN_TOP: f64 = 14.0;
const MARGIN_BOTTOM: f64 = 16.0;

/// The fitting the template applies without estimating again.
#[derive(Serialize, Debug, PartialEq)]
pub(super) struct Fit {
    /// Index into the template's `steps`.
    langkah: usize,
    /// Each pair of boxes' left share of the width.
    bagi: [f64; 3],
    /// Per pair, whether each box sets its list in two columns.
    dua: [[bool; 2]; 3],
    /// The text area this was worked out for, mm: the template estimates itself when its
    /// own differs.
    lebar: f64,
    tinggi: f64,
}

/// `ems`: a text's width in em, estimated (capitals a third wider).
fn ems(p: &str) -> f64 {
    let f = if p.to_uppercase() == p { 0.62 } else { 0.48 };
    p.len() as f64 * f
}

fn lines_of(e: f64, width: f64, size: f64) -> i64 {
    ((size * e * 1.05 / width).ceil() as i64).max(1)
}

fn line_h(st: &Step) -> f64 {
    st.size * (0.75 + st.leading / 1.0)
}

fn max(e: &[f64]) -> f64 {
    e.iter().copied().fold(f64::NEG_INFINITY, f64::max)
}

/// `box-list`'s test: a list of four or more items, each fitting half the box.
fn two_columns(e: &[f64], width: f64, st: &Step) -> bool {
    st.split && e.len() >= 4 && max(e) * st.size <= (width - mm(3.0)) / 2.0 - mm(7.0)
}

fn list_lines(e: &[f64], width: f64, st: &Step) -> i64 {
    if e.is_empty() {
        return 1;
    }
    if two_columns(e, width, st) {
        return (e.len() as f64 / 2.0).ceil() as i64;
    }
    e.iter()
        .map(|&x| lines_of(x, width - mm(7.0), st.size))
        .sum()
}

/// The two boxes' widths when the left one takes `f` of `width`.
fn widths(f: f64, width: f64, st: &Step) -> (f64, f64) {
    (
        width * f - st.inset * 2.0,
        width * (1.0 - f) - st.inset * 2.0,
    )
}

fn pair_lines(a: &[f64], b: &[f64], f: f64, width: f64, st: &Step) -> i64 {
    let (l, r) = widths(f, width, st);
    list_lines(a, l, st).max(list_lines(b, r, st))
}

fn share(a: &[f64], b: &[f64], width: f64, st: &Step) -> f64 {
    let mut best = 0.5;
    let mut lines = pair_lines(a, b, 0.5, width, st);
    for f in [0.6, 0.4, 2.0 / 3.0, 1.0 / 3.0, 0.75, 0.25] {
        let n = pair_lines(a, b, f, width, st);
        if n < lines {
            best = f;
            lines = n;
        }
    }
    best
}

fn signer_lines(p: &Pejabat) -> i64 {
    2 + i64::from(p.pangkat.is_some()) + i64::from(p.nip.is_some())
}

type Pairs = [(Vec<f64>, Vec<f64>); 3];

fn estimate(
    (i, b, s): (&Instansi, &Bidang, &Sop),
    st: &Step,
    width: f64,
    e: &Pairs,
    f: &[f64; 3],
) -> f64 {
    let lh = line_h(st);
    let leading = pt(BODY) * st.leading;
    let row = |n: i64| st.inset * 2.0 + lh * n as f64 - leading;
    let right = row(1) * 4.0
        + row(signer_lines(&s.disahkan_oleh))
        + mm(14.0)
        + st.inset * 2.0
        + pt(11.0) * lines_of(ems(&s.nama), width - mm(138.0), pt(11.0)) as f64 * 1.4;
    let logo = if super::logo_path(i).is_some() {
        mm(21.0)
    } else {
        mm(0.0)
    };
    let left = mm(4.0)
        + logo
        + pt(11.0) * 4.0 * 1.4
        + pt(9.0) * lines_of(ems(&b.nama.to_uppercase()), mm(88.0), pt(11.0)) as f64 * 1.4;
    let mut h = if right > left { right } else { left };
    for ((a, b), &f) in e.iter().zip(f) {
        h += row(1) + row(pair_lines(a, b, f, width, st));
    }
    if let Some(p) = &s.disusun_oleh {
        h += mm(4.0) + mm(16.0) + lh * (1 + signer_lines(p)) as f64;
    }
    h + mm(4.0)
}

/// The identity page's step and shares on `paper` (landscape), as `identity-page` would
/// choose them; `None` when even the floor is estimated too tall.
pub(super) fn fit(paper: Paper, i: &Instansi, b: &Bidang, s: &Sop) -> Option<Fit> {
    let lebar = f64::from(paper.tinggi_mm) - 2.0 * MARGIN_X;
    let tinggi = f64::from(paper.lebar_mm) - MARGIN_TOP - MARGIN_BOTTOM;
    let (width, height) = (mm(lebar), mm(tinggi));
    let list = |v: &[String]| v.iter().map(|t| ems(t)).collect::<Vec<f64>>();
    let links = s
        .keterkaitan
        .iter()
        .map(|k| match k {
            Keterkaitan::Teks { teks } => ems(teks),
            Keterkaitan::Sop { nama, .. } => ems(nama),
        })
        .collect();
    let e: Pairs = [
        (list(&s.dasar_hukum), list(&s.kualifikasi_pelaksana)),
        (links, list(&s.peralatan_perlengkapan)),
        (list(&s.peringatan), list(&s.pencatatan_pendataan)),
    ];
    let steps = steps();
    let halves = [0.5; 3];
    let mut shares: Option<[f64; 3]> = None;
    for (k, st) in steps.iter().enumerate() {
        let g = if st.balance {
            *shares.get_or_insert_with(|| {
                let floor = &steps[steps.len() - 1];
                e.each_ref().map(|(a, b)| share(a, b, width, floor))
            })
        } else {
            halves
        };
        if estimate((i, b, s), st, width, &e, &g) <= height * 0.97 {
            let dua = std::array::from_fn(|p| {
                let (l, r) = widths(g[p], width, st);
                [two_columns(&e[p].0, l, st), two_columns(&e[p].1, r, st)]
            });
            return Some(Fit {
                langkah: k,
                bagi: g,
                dua,
                lebar,
                tinggi,
            });
        }
    }
    None
}
