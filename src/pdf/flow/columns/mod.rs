//! The flow table's columns, sized to their content before Typst lays the page out.
//!
//! Each text cell (Kegiatan, Kelengkapan, Waktu, Output, Keterangan, the actor headers) is
//! wrapped first-fit — the way Typst breaks unjustified text — with the advance widths of the
//! embedded Liberation Sans, so a row's height can be estimated for any column width. Starting
//! from each column's minimum (an empty column keeps only its header word), the free width goes
//! in 1 mm steps to the column whose growth lowers the table's height most (looking up to 40 mm
//! ahead, so a plateau where one row's tallest cell is elsewhere is crossed). With the widths
//! set, the largest type from 10 pt down whose table still fits the pages it needs at today's
//! size is chosen (never below today's 8.5/8/7 pt floor). Typst then lays out with these widths,
//! passed as data (`sop.kolom`).
//!
//! Indonesian has no hyphenation patterns in the locked `hypher` 0.1.8 (Typst's hyphenator), so
//! `hyphenate: true` with `lang: "id"` breaks nothing. A word still wider than its column (a long
//! "Pertanggungjawaban" in a narrow one) therefore gets soft hyphens at its Indonesian syllable
//! boundaries (PUEBI: a single consonant between vowels starts the next syllable, of a cluster
//! the first consonant stays; ng, ny, kh, sy count as one) and, past that, zero-width breaks:
//! Typst breaks there only because the word cannot fit whole, printing a hyphen at a syllable
//! break. Words that fit are left untouched, so extracted text is unchanged.
//!
//! How close the estimate is: over the example content's 160 flow rows that have a successor
//! on the same page, the estimated row height was within 1.0% of Typst's on average (mean signed
//! error +1.0%, worst +6.8%), measured from the step numbers' positions (`pdftotext -bbox`) in a
//! build of the example; the unit test `estimate_follows_typst_row_heights` checks the same from
//! the laid-out symbols. The symbol rows mirror the room symbol.typ reserves (connector pad,
//! label room under a diamond, a decision's own end terminator): change both together.
//!
//! What the solver's speed was measured to be (callgrind, 200 generated SOPs from
//! `examples/gen`, the template data of all of them): 1.47G instructions with a hash map of
//! `Rc`'d heights and every candidate width set costed over all columns, 0.47G now — dense
//! per-width slots, a column tried against the other columns' row maxima taken once, widths
//! that wrap a column as now skipped (their cost is exactly the current one), one-line
//! paragraphs not wrapped word by word, syllable widths without building strings. Every
//! shortcut gives the same sums in the same order, so the plan is the same to the last bit
//! (`shortcut_costs_are_the_full_cost_to_the_bit`; every data.json of the example and of the
//! 200 generated SOPs byte-identical). The whole build of 200 generated SOPs was 27.6G
//! instructions with the old solver.
//!
//! Later (callgrind, the main process of a whole `--bersih` build of the 200 generated SOPs of
//! `/tmp/alur-bench/base-nb`, where the plan is made for each SOP as its job is taken):
//! `columns::view` 457M -> 290M instructions, `Solver::slot` 189M -> 84M with what it
//! calls, `cell_height` 86M own -> `cell_span` 34M. A paragraph remembers how it wrapped at
//! the widths asked (`Para::wraps`: every width up to the next line break's wraps it alike),
//! a column's slot serves every wider width up to where one of its cells would wrap
//! otherwise (`Solver::last`: the same heights to the bit, so nothing downstream can tell),
//! the syllable widths are worked out only for a word wider than a line, a slot's class is
//! hashed in place, and the cost of the widths chosen is the one they were tried at. Every
//! PDF, SVG and page of the example content and of 200 generated SOPs (with and without
//! decree books) stayed byte-identical. What is left is the greedy loop itself (`solve` 74M
//! own, `fix` 37M, ~25 rounds per solve, three solves per SOP).

use std::borrow::Cow;

use serde::Serialize;

use crate::model::sop::{Jenis, Langkah, Sop, Tujuan};

mod measure;
mod shortcut;
mod solver;
#[cfg(test)]
mod tests;

use measure::*;
use solver::*;

/// Millimetres per point.
const PT: f64 = 25.4 / 72.0;
/// The table's cell insets (flow.typ `inset: (x: 1.2mm, y: 1.2mm)`).
const INSET_X: f64 = 1.2;
const INSET_Y: f64 = 1.2;
/// Paragraph leading in em (flow.typ `set par(leading: 0.45em)`).
const LEADING: f64 = 0.45;
/// A list item's marker "-" plus Typst's default body indent (0.5em), in em.
const LIST_INDENT: f64 = 0.333 + 0.5;
/// Room above and below a symbol in its cell (flow.typ `inset-top`, `inset-bottom`).
const SYMBOL_ROOM: f64 = 6.0 + 3.0;
/// The flow page's title line and the gap under it (sop.typ), in mm.
const TITLE: f64 = 9.0;
/// Page margins of the landscape pages (sop.typ `margin`), in mm.
const MARGIN_Y: f64 = 14.0 + 16.0;
const MARGIN_X: f64 = 12.0 * 2.0;
/// Larger sizes tried when the table has room, largest first.
const SIZES: [f64; 4] = [10.0, 9.5, 9.0, 8.5];
/// Estimated heights are trusted to this share of the page when choosing a larger type.
const SAFETY: f64 = 0.92;

/// The widths (mm) and type size (pt) of the flow table, as the template reads them.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub(crate) struct Kolom {
    pub no: f64,
    pub kegiatan: f64,
    pub(crate) aktor: f64,
    pub kelengkapan: f64,
    pub waktu: f64,
    pub output: f64,
    pub keterangan: f64,
    pub(crate) ukuran: f64,
    /// The actor headers as printed: a name wider than its column gets break opportunities.
    pub kepala: Vec<String>,
}

/// The SOP as the PDF template sees it: its steps with break opportunities in words too wide
/// for their column, the column plan, and the flowchart's alternative text.
#[derive(Serialize)]
pub(crate) struct SopView<'a> {
    #[serde(flatten)]
    pub sop: Cow<'a, Sop>,
    pub kolom: Kolom,
    pub(crate) alt_alur: String,
    /// Per step, what each actor cell draws (`super::symbols`).
    pub(crate) alur: Vec<super::symbols::AlurStep>,
}

/// Today's size and actor width for `n` actors on `avail` mm: the floor the plan never goes
/// under (format-spec 2.1: Mutu Baku shrinks first, then the actors and the type).
fn floor(n: usize, avail: f64) -> (f64, f64) {
    let narrow = 7.0 + 24.0 + 15.0 + 24.0 + 20.0;
    let n = n as f64;
    if avail - narrow - n * 24.0 >= 62.0 {
        return (8.5, 20.0);
    }
    let actor = ((avail - narrow - 62.0) / n.max(1.0)).max(14.0);
    (if actor < 18.0 { 7.0 } else { 8.0 }, actor.min(20.0))
}

/// The column plan of an SOP's flow table on landscape paper `width` x `height` mm.
pub(crate) fn plan(sop: &Sop, width: f64, height: f64) -> Kolom {
    let avail = width - MARGIN_X;
    let page = height - MARGIN_Y - TITLE;
    let t = measure(sop);
    let (floor_size, actor_floor) = floor(t.n_actors, avail);
    // Each larger size's plan and its pages (at the estimate's margin), largest first.
    let larger = |s: f64| {
        let mut solver = Solver::new(&t, s);
        let w = solver.solve(avail, actor_floor);
        let pages = solver.pages(&w, page * SAFETY).1;
        (kolom(sop, &w, s), pages)
    };
    let mut sizes = SIZES.into_iter().filter(|&s| s > floor_size);
    // The largest size on one page breaking no word is chosen whatever the floor needs (it
    // needs a page at least and breaks no fewer words), so the floor's plan is not worked
    // out then: most SOPs, one solve in two.
    let first = sizes.next().map(larger);
    if let Some((k, 1)) = &first
        && broken(sop, k) == 0
    {
        return k.clone();
    }
    let mut base = Solver::new(&t, floor_size);
    let widths = base.solve(avail, actor_floor);
    // The pages the floor may well need (the estimate taken at its word): larger type must fit
    // in as many even with the estimate's margin of error.
    let (_, pages) = base.pages(&widths, page);
    let mut best = kolom(sop, &widths, floor_size);
    let breaks = broken(sop, &best);
    // Larger type only when it keeps the pages and breaks no more words (a header wrapping
    // mid-word reads worse than smaller type).
    for (k, p) in first.into_iter().chain(sizes.map(larger)) {
        if p <= pages && broken(sop, &k) <= breaks {
            best = k;
            break;
        }
    }
    best
}

fn kolom(sop: &Sop, widths: &Widths, size: f64) -> Kolom {
    let round = |v: f64| (v * 10.0).floor() / 10.0;
    let em = size * PT;
    let head_room = (widths[ACTOR] - 2.0 * INSET_X) / em;
    Kolom {
        no: round(widths[NO]),
        kegiatan: round(widths[KEG]),
        aktor: round(widths[ACTOR]),
        kelengkapan: round(widths[KEL]),
        waktu: round(widths[WAKTU]),
        output: round(widths[OUT]),
        keterangan: round(widths[KET]),
        ukuran: size,
        kepala: sop
            .pelaksana
            .iter()
            .map(|a| fitted(a, head_room, true).unwrap_or_else(|| a.clone()))
            .collect(),
    }
}

/// How many texts (headers, cells) need break opportunities inside a word under `k`.
fn broken(sop: &Sop, k: &Kolom) -> usize {
    let heads = k
        .kepala
        .iter()
        .filter(|h| h.contains(['\u{ad}', '\u{200b}']))
        .count();
    let cells = match fit_steps(sop, k) {
        Cow::Borrowed(_) => 0,
        Cow::Owned(s) => s
            .langkah
            .iter()
            .zip(&sop.langkah)
            .map(|(a, b)| {
                usize::from(a.kegiatan != b.kegiatan)
                    + usize::from(a.kelengkapan != b.kelengkapan)
                    + usize::from(a.output != b.output)
                    + usize::from(a.keterangan != b.keterangan)
            })
            .sum(),
    };
    heads + cells
}

/// The SOP with break opportunities in the words too wide for their cells under `k`, borrowed
/// when there are none.
fn fit_steps<'a>(sop: &'a Sop, k: &Kolom) -> Cow<'a, Sop> {
    let em = k.ukuran * PT;
    let room = |col: f64, indent: f64| (col - 2.0 * INSET_X) / em - indent;
    let keg = room(k.kegiatan, 0.0);
    let ket = room(k.keterangan, 0.0);
    let items = |v: &[String], col: f64| {
        let r = room(col, if v.len() > 1 { LIST_INDENT } else { 0.0 });
        (r, v.iter().any(|t| fitted(t, r, false).is_some()))
    };
    let needs = sop.langkah.iter().any(|l| {
        fitted(&l.kegiatan, keg, false).is_some()
            || items(&l.kelengkapan, k.kelengkapan).1
            || items(&l.output, k.output).1
            || l.keterangan
                .as_deref()
                .is_some_and(|t| fitted(t, ket, false).is_some())
    });
    if !needs {
        return Cow::Borrowed(sop);
    }
    let mut s = sop.clone();
    let fix = |t: &mut String, r: f64| {
        if let Some(f) = fitted(t, r, false) {
            *t = f;
        }
    };
    for l in &mut s.langkah {
        fix(&mut l.kegiatan, keg);
        let (r, _) = items(&l.kelengkapan, k.kelengkapan);
        l.kelengkapan.iter_mut().for_each(|t| fix(t, r));
        let (r, _) = items(&l.output, k.output);
        l.output.iter_mut().for_each(|t| fix(t, r));
        if let Some(t) = &mut l.keterangan {
            fix(t, ket);
        }
    }
    Cow::Owned(s)
}

/// The alternative text of the flowchart: every step, who does it, and where it leads.
/// "Langkah 2 (FO SLRT), keputusan: Memeriksa berkas; Ya ke langkah 3, Tidak ke langkah 1."
pub(crate) fn alt_text(sop: &Sop) -> String {
    let last = sop.langkah.len();
    let target = |t: &Tujuan| match t {
        Tujuan::Langkah(n) => format!("ke langkah {n}"),
        Tujuan::Selesai => "selesai".to_string(),
    };
    let mut out = format!(
        "Bagan alir {}: {} langkah, pelaksana {}.",
        sop.nama,
        last,
        sop.pelaksana.join(", ")
    );
    for l in &sop.langkah {
        let who = l.pelaksana.join(" bersama ");
        let then = match l.jenis {
            Jenis::Keputusan => {
                let ya = l.ya.as_ref().map_or(
                    if l.nomor < last {
                        format!("ke langkah {}", l.nomor + 1)
                    } else {
                        "selesai".to_string()
                    },
                    target,
                );
                let tidak = l.tidak.as_ref().map_or("selesai".to_string(), target);
                format!("keputusan: {}; Ya {ya}, Tidak {tidak}", l.kegiatan)
            }
            Jenis::Mulai if l.nomor < last => {
                format!("mulai: {}; lanjut ke langkah {}", l.kegiatan, l.nomor + 1)
            }
            Jenis::Mulai => format!("mulai: {}", l.kegiatan),
            Jenis::Selesai => format!("selesai: {}", l.kegiatan),
            Jenis::Proses if l.nomor < last => {
                format!("proses: {}; lanjut ke langkah {}", l.kegiatan, l.nomor + 1)
            }
            Jenis::Proses => format!("proses: {}; selesai", l.kegiatan),
        };
        out.push_str(&format!(" Langkah {} ({who}), {then}.", l.nomor));
    }
    out
}

/// The template's view of an SOP on landscape paper `width` x `height` mm.
pub(crate) fn view(sop: &Sop, width: f64, height: f64) -> SopView<'_> {
    let kolom = plan(sop, width, height);
    SopView {
        sop: fit_steps(sop, &kolom),
        alt_alur: alt_text(sop),
        alur: super::symbols::alur(sop, kolom.aktor),
        kolom,
    }
}
