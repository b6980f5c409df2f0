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
//!
//! Then (the same measure): `columns::view` 300M -> 226M, `solve` 209M -> 163M. A text
//! whose measured widest word (`Para::widest`) fits its room is not read again for breaks
//! (`fitted` 16.5M own -> 1.4M), breaks are counted without cloning the SOP (`broken`), the
//! table is measured once per view; `fix` updates only the entries of the columns that changed
//! (`refix`; 36M own -> 21M); a column wrapped anew takes the rows that keep their height from
//! their cells' spans (`Solver::spans`; `cell_span` 34M own -> 10.5M); actor widths that cannot
//! lower the cost are not added up (`actor_no_lower`), and the rows' loops take a plain max
//! (`solve` 79M own -> 66M). The example's and the 200 generated SOPs' whole outputs (with and
//! without decree books) stayed byte-identical (`diff -r`).

use std::borrow::Cow;

use serde::Serialize;

use crate::model::sop::{Jenis, Langkah, Sop, Tujuan};

mod bound;
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
pub(super) const INSET_Y: f64 = 1.2;
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
    /// Per step, an upper bound (mm) of its tallest text cell, or none (`bound`): flow.typ
    /// fixes the row at its symbols' height when they are taller. The document's data carries
    /// it as its last field (`SopDoc::baris`), where a layout without it is easily asked for.
    #[serde(skip)]
    pub(crate) baris: Vec<Option<f64>>,
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
#[cfg(test)]
pub(crate) fn plan(sop: &Sop, width: f64, height: f64) -> Kolom {
    plan_measured(sop, &measure(sop), width, height)
}

/// `plan` with the table `t` already measured (`measure(sop)`).
fn plan_measured(sop: &Sop, t: &Table, width: f64, height: f64) -> Kolom {
    let avail = width - MARGIN_X;
    let page = height - MARGIN_Y - TITLE;
    let (floor_size, actor_floor) = floor(t.n_actors, avail);
    // Each larger size's plan and its pages (at the estimate's margin), largest first.
    let larger = |s: f64| {
        let mut solver = Solver::new(t, s);
        let w = solver.solve(avail, actor_floor);
        let pages = solver.pages(&w, page * SAFETY).1;
        (kolom(sop, t, &w, s), pages)
    };
    let mut sizes = SIZES.into_iter().filter(|&s| s > floor_size);
    // The largest size on one page breaking no word is chosen whatever the floor needs (it
    // needs a page at least and breaks no fewer words), so the floor's plan is not worked
    // out then: most SOPs, one solve in two.
    let first = sizes.next().map(larger);
    if let Some((k, 1)) = &first
        && broken(sop, t, k) == 0
    {
        return k.clone();
    }
    let mut base = Solver::new(t, floor_size);
    let widths = base.solve(avail, actor_floor);
    // The pages the floor may well need (the estimate taken at its word): larger type must fit
    // in as many even with the estimate's margin of error.
    let (_, pages) = base.pages(&widths, page);
    let mut best = kolom(sop, t, &widths, floor_size);
    let breaks = broken(sop, t, &best);
    // Larger type only when it keeps the pages and breaks no more words (a header wrapping
    // mid-word reads worse than smaller type).
    for (k, p) in first.into_iter().chain(sizes.map(larger)) {
        if p <= pages && broken(sop, t, &k) <= breaks {
            best = k;
            break;
        }
    }
    best
}

fn kolom(sop: &Sop, t: &Table, widths: &Widths, size: f64) -> Kolom {
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
            .zip(&t.heads)
            .map(|(a, p)| fitted_para(a, p, head_room).unwrap_or_else(|| a.clone()))
            .collect(),
    }
}

/// `fitted(text, width, p.bold)` where `p` is `text` measured (`para`): a paragraph whose
/// widest word fits is left alone without reading its text again. `Para::widest` is the
/// widest of the same parts `Metrics::widest` sums, added up in the same order, so the test
/// is the one `fitted` makes first. (Every text of an SOP was read again for every plan
/// tried, and the SOP cloned to count its breaks: `fitted` 34M, `fit_steps` 27M with what
/// they call, per 200 generated SOPs.)
fn fitted_para(text: &str, p: &Para, width: f64) -> Option<String> {
    if p.widest <= width {
        return None;
    }
    fitted(text, width, p.bold)
}

/// The rooms (em) of the text columns under `k`: Kegiatan, Keterangan, and Kelengkapan and
/// Output for one item and for a list.
struct Rooms {
    keg: f64,
    ket: f64,
    kel: [f64; 2],
    out: [f64; 2],
}

impl Rooms {
    fn of(k: &Kolom) -> Self {
        let em = k.ukuran * PT;
        let room = |col: f64, indent: f64| (col - 2.0 * INSET_X) / em - indent;
        Rooms {
            keg: room(k.kegiatan, 0.0),
            ket: room(k.keterangan, 0.0),
            kel: [room(k.kelengkapan, 0.0), room(k.kelengkapan, LIST_INDENT)],
            out: [room(k.output, 0.0), room(k.output, LIST_INDENT)],
        }
    }

    /// Each text of step `l` (row `r` of `t`) with its room: Kegiatan, the Kelengkapan items,
    /// the Output items, Keterangan; `field` says which (0 to 3).
    fn each<'a>(
        &self,
        l: &'a Langkah,
        row: &'a [Vec<Para>; COLS],
        mut f: impl FnMut(usize, &'a str, &'a Para, f64),
    ) {
        f(0, &l.kegiatan, &row[KEG][0], self.keg);
        let list = |v: &[String], r: [f64; 2]| r[usize::from(v.len() > 1)];
        let kel = list(&l.kelengkapan, self.kel);
        for (t, p) in l.kelengkapan.iter().zip(&row[KEL]) {
            f(1, t, p, kel);
        }
        let out = list(&l.output, self.out);
        for (t, p) in l.output.iter().zip(&row[OUT]) {
            f(2, t, p, out);
        }
        if let (Some(t), Some(p)) = (&l.keterangan, row[KET].first()) {
            f(3, t, p, self.ket);
        }
    }
}

/// How many texts (headers, cells) need break opportunities inside a word under `k`: a
/// header or cell counts when the text Typst gets differs (`fit_steps`), a list once.
fn broken(sop: &Sop, t: &Table, k: &Kolom) -> usize {
    let heads = k
        .kepala
        .iter()
        .filter(|h| h.contains(['\u{ad}', '\u{200b}']))
        .count();
    let rooms = Rooms::of(k);
    let mut cells = 0;
    for (l, row) in sop.langkah.iter().zip(&t.rows) {
        let mut changed = [false; 4];
        rooms.each(l, row, |field, text, p, room| {
            if !changed[field] && fitted_para(text, p, room).is_some_and(|f| f != text) {
                changed[field] = true;
            }
        });
        cells += changed.iter().filter(|&&c| c).count();
    }
    heads + cells
}

/// The SOP with break opportunities in the words too wide for their cells under `k`, borrowed
/// when there are none.
fn fit_steps<'a>(sop: &'a Sop, t: &Table, k: &Kolom) -> Cow<'a, Sop> {
    let rooms = Rooms::of(k);
    // Per step and field (Kegiatan, each Kelengkapan, each Output, Keterangan, in that
    // order): the text to print instead, where one is needed.
    let mut fixes: Vec<(usize, usize, String)> = Vec::new();
    for (i, (l, row)) in sop.langkah.iter().zip(&t.rows).enumerate() {
        let mut n = 0;
        rooms.each(l, row, |_, text, p, room| {
            if let Some(f) = fitted_para(text, p, room) {
                fixes.push((i, n, f));
            }
            n += 1;
        });
    }
    if fixes.is_empty() {
        return Cow::Borrowed(sop);
    }
    let mut s = sop.clone();
    for (i, n, f) in fixes {
        let l = &mut s.langkah[i];
        let (kel, out) = (l.kelengkapan.len(), l.output.len());
        let slot = if n == 0 {
            &mut l.kegiatan
        } else if n <= kel {
            &mut l.kelengkapan[n - 1]
        } else if n <= kel + out {
            &mut l.output[n - 1 - kel]
        } else {
            l.keterangan.as_mut().expect("a fourth field is Keterangan")
        };
        *slot = f;
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
    let t = measure(sop);
    let kolom = plan_measured(sop, &t, width, height);
    let sop_fitted = fit_steps(sop, &t, &kolom);
    let baris = sop_fitted
        .langkah
        .iter()
        .map(|l| bound::text_height(l, &kolom))
        .collect();
    SopView {
        sop: sop_fitted,
        alt_alur: alt_text(sop),
        baris,
        alur: super::symbols::alur(sop, kolom.aktor),
        kolom,
    }
}
