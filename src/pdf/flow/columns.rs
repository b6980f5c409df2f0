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

use std::borrow::Cow;
use std::sync::LazyLock;

use serde::Serialize;

use crate::model::sop::{Jenis, Langkah, Sop, Tujuan};
use crate::pipeline::theme::Theme;

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
}

/// Advance widths (em) of Liberation Sans regular and bold, and its cap height.
struct Metrics {
    regular: Vec<f32>,
    bold: Vec<f32>,
    cap: f64,
}

const TABLE_CHARS: usize = 0x250;

static METRICS: LazyLock<Metrics> = LazyLock::new(|| {
    let theme = Theme::embedded();
    let face = |path: &str| {
        let bytes = theme.get(path).expect("embedded font");
        ttf_parser::Face::parse(bytes, 0).expect("a font")
    };
    let table = |ttf: &ttf_parser::Face| -> Vec<f32> {
        let upem = f32::from(ttf.units_per_em());
        (0..TABLE_CHARS)
            .map(|c| {
                let c = char::from_u32(c as u32).unwrap_or(' ');
                ttf.glyph_index(c)
                    .and_then(|g| ttf.glyph_hor_advance(g))
                    .map_or(0.556, |a| f32::from(a) / upem)
            })
            .collect()
    };
    let regular = face("fonts/LiberationSans-Regular.ttf");
    let bold = face("fonts/LiberationSans-Bold.ttf");
    let cap = regular
        .capital_height()
        .map_or(0.716, |h| f64::from(h) / f64::from(regular.units_per_em()));
    Metrics {
        regular: table(&regular),
        bold: table(&bold),
        cap,
    }
});

impl Metrics {
    fn width(&self, s: &str, bold: bool) -> f64 {
        s.chars().map(|c| self.advance(c, bold)).sum()
    }

    fn advance(&self, c: char, bold: bool) -> f64 {
        let t = if bold { &self.bold } else { &self.regular };
        f64::from(match c {
            '\u{ad}' | '\u{200b}' => 0.0,
            c => t.get(c as usize).copied().unwrap_or(0.6),
        })
    }

    /// The widest part of `text` as `parts` splits its words: `width` of each, without
    /// building them (`fitted` asks this of every text for every plan tried).
    fn widest(&self, text: &str, bold: bool) -> f64 {
        let mut widest = f64::NEG_INFINITY;
        for token in text.split_whitespace() {
            let mut w = -0.0;
            let mut open = false;
            for c in token.chars() {
                w += self.advance(c, bold);
                open = true;
                if matches!(c, '-' | '/') {
                    widest = widest.max(w);
                    w = -0.0;
                    open = false;
                }
            }
            if open {
                widest = widest.max(w);
            }
        }
        widest
    }
}

/// One unbreakable run of text and what may follow it.
#[derive(Clone, Debug)]
struct Word {
    /// Width of the whole word, em.
    width: f64,
    /// Widths of its syllables (em), for the last-resort break.
    pieces: Vec<f64>,
    /// Whether a space separates it from the next word (not after '-' or '/').
    space: bool,
}

/// A paragraph (a cell's text or one list item), indented by `indent` em.
#[derive(Clone, Debug)]
struct Para {
    words: Vec<Word>,
    indent: f64,
    /// The narrowest line width (em, indent left out) that `lines` fills with the whole
    /// paragraph: one line from there on, without wrapping word by word.
    one_line: f64,
}

/// A token split after each hyphen and slash: Typst (UAX #14) may break there.
fn parts(token: &str) -> Vec<&str> {
    let mut start = 0;
    token
        .char_indices()
        .filter(|(_, c)| matches!(c, '-' | '/'))
        .map(|(i, c)| i + c.len_utf8())
        .chain([token.len()])
        .filter_map(|end| {
            let p = &token[start..end];
            start = end;
            (!p.is_empty()).then_some(p)
        })
        .collect()
}

fn para(text: &str, indent: f64, bold: bool) -> Para {
    let m = &*METRICS;
    let mut words = Vec::new();
    for token in text.split_whitespace() {
        let parts = parts(token);
        let last = parts.len().saturating_sub(1);
        for (k, p) in parts.iter().enumerate() {
            words.push(Word {
                width: m.width(p, bold),
                pieces: syllable_widths(p, bold),
                space: k == last,
            });
        }
    }
    // `lines` on a line wide enough for all: each test it makes, at its largest.
    let (mut x, mut gap, mut one_line) = (0.0_f64, 0.0, 0.0_f64);
    for w in &words {
        if x > 0.0 {
            one_line = one_line.max(x + gap + w.width);
            x += gap + w.width;
        } else {
            one_line = one_line.max(w.width);
            x = w.width;
        }
        gap = if w.space { 0.278 } else { 0.0 };
    }
    Para {
        words,
        indent,
        one_line,
    }
}

/// Lines of one paragraph wrapped first-fit into `width` em.
fn lines(p: &Para, width: f64) -> usize {
    let width = (width - p.indent).max(0.5);
    if p.one_line <= width {
        return 1;
    }
    let space = 0.278;
    let hyphen = 0.333;
    let mut n = 1;
    let mut x = 0.0_f64;
    let mut gap = 0.0;
    for w in &p.words {
        if x > 0.0 && x + gap + w.width <= width {
            x += gap + w.width;
        } else if w.width <= width {
            if x > 0.0 {
                n += 1;
            }
            x = w.width;
        } else {
            // Wider than the line: it breaks at its syllables (then anywhere, as prepared).
            if x > 0.0 {
                n += 1;
            }
            x = 0.0;
            for &piece in &w.pieces {
                if x > 0.0 && x + piece + hyphen > width {
                    n += 1;
                    x = 0.0;
                }
                // A syllable still wider than the line breaks between letters.
                if piece > width {
                    n += (piece / width).floor() as usize;
                    x = piece % width;
                } else {
                    x += piece;
                }
            }
        }
        gap = if w.space { space } else { 0.0 };
    }
    n
}

/// Indonesian syllables of a word (letters only; other characters stay in their syllable).
/// "Pertanggungjawaban" → per·tang·gung·ja·wa·ban.
fn syllables(word: &str) -> Vec<String> {
    let chars: Vec<char> = word.chars().collect();
    let mut out = Vec::new();
    let mut start = 0;
    for c in syllable_cuts(&chars) {
        out.push(chars[start..c].iter().collect());
        start = c;
    }
    out.push(chars[start..].iter().collect());
    out
}

/// The widths (em) of `word`'s syllables: `width` of each of `syllables(word)`, without
/// building them (every word of a table is measured, few are ever broken).
fn syllable_widths(word: &str, bold: bool) -> Vec<f64> {
    let m = &*METRICS;
    let chars: Vec<char> = word.chars().collect();
    let mut out = Vec::with_capacity(1);
    let mut start = 0;
    let width = |s: &[char]| s.iter().map(|&c| m.advance(c, bold)).sum();
    // Fewer than four letters have no break (two must stay on either side).
    if chars.len() >= 4 {
        for c in syllable_cuts(&chars) {
            out.push(width(&chars[start..c]));
            start = c;
        }
    }
    out.push(width(&chars[start..]));
    out
}

/// Where `chars` break into syllables (indices of each syllable's first character after the
/// first).
fn syllable_cuts(chars: &[char]) -> Vec<usize> {
    let vowel = |c: char| "aiueoAIUEO".contains(c);
    let letter = |c: char| c.is_alphabetic();
    // Consonant units: ng, ny, kh, sy are one consonant.
    let digraph = |i: usize| {
        i + 1 < chars.len()
            && matches!(
                (
                    chars[i].to_ascii_lowercase(),
                    chars[i + 1].to_ascii_lowercase()
                ),
                ('n', 'g') | ('n', 'y') | ('k', 'h') | ('s', 'y')
            )
    };
    let mut cuts = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if vowel(chars[i]) {
            // The consonant run after this vowel, up to the next vowel: the cut goes before
            // its first unit when it has one, before its second when it has more.
            let (mut units, mut cut) = (0, None);
            let mut j = i + 1;
            while j < chars.len() && letter(chars[j]) && !vowel(chars[j]) {
                units += 1;
                if units <= 2 {
                    cut = Some(j);
                }
                j += if digraph(j) { 2 } else { 1 };
            }
            if j < chars.len()
                && vowel(chars[j])
                && let Some(c) = cut
            {
                cuts.push(c);
            }
            i = j.max(i + 1);
        } else {
            i += 1;
        }
    }
    // Never leave fewer than two letters on either side.
    cuts.retain(|&c| c >= 2 && c + 2 <= chars.len());
    cuts
}

/// `word` with a soft hyphen at its syllable breaks and zero-width breaks inside any syllable
/// still wider than `width` em: what Typst needs to keep the word in its cell.
fn breakable(word: &str, width: f64, bold: bool) -> String {
    let m = &*METRICS;
    let mut out = String::new();
    for (k, s) in syllables(word).iter().enumerate() {
        if k > 0 {
            out.push('\u{ad}');
        }
        if m.width(s, bold) > width {
            let mut x = 0.0;
            for c in s.chars() {
                let w = m.width(c.encode_utf8(&mut [0; 4]), bold);
                if x > 0.0 && x + w > width {
                    out.push('\u{200b}');
                    x = 0.0;
                }
                x += w;
                out.push(c);
            }
        } else {
            out.push_str(s);
        }
    }
    out
}

/// `text` with break opportunities in every word wider than `width` em; unchanged otherwise.
fn fitted(text: &str, width: f64, bold: bool) -> Option<String> {
    let m = &*METRICS;
    if m.widest(text, bold) <= width {
        return None;
    }
    let too_wide = |w: &str| parts(w).iter().any(|p| m.width(p, bold) > width);
    if !text.split_whitespace().any(too_wide) {
        return None;
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut rest = text;
    while !rest.is_empty() {
        let ws = rest.len() - rest.trim_start().len();
        out.push_str(&rest[..ws]);
        rest = &rest[ws..];
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let w = &rest[..end];
        if too_wide(w) {
            for p in parts(w) {
                if m.width(p, bold) > width {
                    out.push_str(&breakable(p, width, bold));
                } else {
                    out.push_str(p);
                }
            }
        } else {
            out.push_str(w);
        }
        rest = &rest[end..];
    }
    Some(out)
}

/// The text columns, in table order.
const NO: usize = 0;
const KEG: usize = 1;
const KEL: usize = 2;
const WAKTU: usize = 3;
const OUT: usize = 4;
const KET: usize = 5;
const COLS: usize = 6;
/// The actor columns, grown together.
const ACTOR: usize = 6;

/// The measured content of one SOP's flow table.
struct Table {
    /// Per row, per text column: its paragraphs.
    rows: Vec<[Vec<Para>; COLS]>,
    /// Per row: whether it holds a symbol, whether that is a decision, and whether that
    /// decision has its own end terminator under it (a `selesai` branch).
    symbol: Vec<Option<(bool, bool)>>,
    /// Actor header paragraphs (bold).
    heads: Vec<Para>,
    /// Column headers (bold) for the second header row: Kelengkapan, Waktu, Output.
    n_actors: usize,
}

fn list(items: &[String]) -> Vec<Para> {
    let indent = if items.len() > 1 { LIST_INDENT } else { 0.0 };
    items.iter().map(|t| para(t, indent, false)).collect()
}

fn measure(sop: &Sop) -> Table {
    let rows = sop
        .langkah
        .iter()
        .map(|l: &Langkah| {
            [
                vec![para(&l.nomor.to_string(), 0.0, false)],
                vec![para(&l.kegiatan, 0.0, false)],
                list(&l.kelengkapan),
                l.waktu
                    .iter()
                    .map(|w| para(&w.tampil(), 0.0, false))
                    .collect(),
                list(&l.output),
                l.keterangan.iter().map(|k| para(k, 0.0, false)).collect(),
            ]
        })
        .collect();
    Table {
        rows,
        symbol: sop
            .langkah
            .iter()
            .map(|l| {
                let decision = l.jenis == Jenis::Keputusan;
                let ends =
                    decision && (l.ya == Some(Tujuan::Selesai) || l.tidak == Some(Tujuan::Selesai));
                (!l.pelaksana.is_empty()).then_some((decision, ends))
            })
            .collect(),
        heads: sop.pelaksana.iter().map(|a| para(a, 0.0, true)).collect(),
        n_actors: sop.pelaksana.len(),
    }
}

/// Bold header words that must fit whole in their column.
const HEADERS: [&str; COLS] = [
    "No",
    "Kegiatan",
    "Kelengkapan",
    "Waktu",
    "Output",
    "Keterangan",
];

/// Height (mm) of a cell of `paras` in a column `col_mm` wide at `size` pt.
fn cell_height(paras: &[Para], col_mm: f64, size: f64) -> f64 {
    if paras.is_empty() {
        return 2.0 * INSET_Y;
    }
    let em = size * PT;
    let width = (col_mm - 2.0 * INSET_X) / em;
    let n: usize = paras.iter().map(|p| lines(p, width)).sum();
    let cap = METRICS.cap;
    (n as f64 * (cap + LEADING) - LEADING) * em + 2.0 * INSET_Y
}

/// The symbol's cell height in an actor column `actor` mm wide, as symbol.typ reserves it: the
/// symbol `calc.min(7mm, w * 0.62)` high with `w = calc.min(actor - 6mm, 16mm)`, 1 mm above it
/// for an incoming connector, for a decision 3.5 mm under it for its Ya/Tidak labels, and for
/// a decision ending the flow its end terminator (0.8 of the symbol) 5 mm under that.
fn symbol_height(actor: f64, (decision, ends): (bool, bool)) -> f64 {
    let node = (0.62 * (actor - 6.0).min(16.0)).min(7.0);
    let labels = if decision { 3.5 } else { 0.0 };
    let end = if ends { 5.0 + 0.8 * node } else { 0.0 };
    SYMBOL_ROOM + 1.0 + node + labels + end
}

/// Widths: the six text columns, then the actor column.
type Widths = [f64; COLS + 1];

/// A width as the cache keys it: tenths of a millimetre.
fn key(w: f64) -> usize {
    (w * 10.0).round().max(0.0) as usize
}

/// Not computed yet, in `Solver::index`.
const NONE: u32 = u32::MAX;

/// The symbol kinds (decision, ends) in the order `Solver::symbol_heights` lists them.
const KINDS: [(bool, bool); 4] = [(false, false), (false, true), (true, false), (true, true)];

/// The row's symbol in `Solver::best`, a column never left out.
const SYMBOL: usize = COLS + 1;

/// What `cost` adds up besides the columns being tried: the header and each column's sum.
type Fixed = (f64, [f64; COLS]);

/// A text column's look ahead: from which width (its bits), that width's class, the next
/// step to try, and the steps found so far that wrap it otherwise (with their heights).
#[derive(Default)]
struct Ahead {
    width: u64,
    class: u32,
    next: f64,
    found: Vec<(f64, usize)>,
}

struct Solver<'a> {
    t: &'a Table,
    size: f64,
    /// Per column (the actor headers last), per width in 0.1 mm: its slot, or `NONE`. The
    /// solver tries thousands of width sets but few widths per column, so wrapping is done
    /// once per width; a dense table, as a hash map's lookups were most of the solver's time.
    index: [Vec<u32>; COLS + 1],
    /// Per slot: where its cell heights start in `pool` (their sum follows them), and its
    /// class: the first slot of the column with the very same heights. A width of the same
    /// class as the current one leaves the table's cost exactly as it is.
    slots: Vec<(usize, u32)>,
    classes: rustc_hash::FxHashMap<(usize, Vec<u64>), u32>,
    pool: Vec<f64>,
    /// Per row: its symbol's kind as an index into `KINDS` (or `None`).
    kinds: Vec<Option<usize>>,
    /// Per row, the three tallest of its cells and its symbol (0 without one) at the widths
    /// being improved, with their columns (`SYMBOL` for the symbol), tallest first: the
    /// tallest of a row without one or two columns is the first of these not left out.
    best: Vec<[(f64, usize); 3]>,
    /// Per row, its tallest cell at those widths (the symbol left out).
    cells: Vec<f64>,
}

impl<'a> Solver<'a> {
    fn new(t: &'a Table, size: f64) -> Self {
        Solver {
            t,
            size,
            index: Default::default(),
            slots: Vec::new(),
            classes: Default::default(),
            pool: Vec::new(),
            kinds: t
                .symbol
                .iter()
                .map(|s| s.map(|k| KINDS.iter().position(|&x| x == k).unwrap_or(0)))
                .collect(),
            best: Vec::new(),
            cells: Vec::new(),
        }
    }

    /// The slot of column `c` (the actor headers for `ACTOR`) at width `w`, computed when new.
    fn slot(&mut self, c: usize, w: f64) -> u32 {
        let k = key(w);
        if let Some(&s) = self.index[c].get(k)
            && s != NONE
        {
            return s;
        }
        if self.index[c].len() <= k {
            self.index[c].resize(k + 1, NONE);
        }
        let at = self.pool.len();
        let mut sum = 0.0;
        if c == ACTOR {
            for h in &self.t.heads {
                let v = cell_height(std::slice::from_ref(h), w, self.size);
                self.pool.push(v);
                sum += v;
            }
        } else {
            for r in &self.t.rows {
                let v = cell_height(&r[c], w, self.size);
                self.pool.push(v);
                sum += v;
            }
        }
        self.pool.push(sum);
        let s = self.slots.len() as u32;
        let bits = self.pool[at..].iter().map(|v| v.to_bits()).collect();
        let class = *self.classes.entry((c, bits)).or_insert(s);
        self.slots.push((at, class));
        self.index[c][k] = s;
        s
    }

    /// Where the cell heights of column `c` at width `w` start in `pool`.
    fn heights(&mut self, c: usize, w: f64) -> usize {
        let s = self.slot(c, w);
        self.slots[s as usize].0
    }

    fn class(&mut self, c: usize, w: f64) -> u32 {
        let s = self.slot(c, w);
        self.slots[s as usize].1
    }

    fn header(&mut self, w: &Widths) -> f64 {
        let one = (METRICS.cap * self.size * PT) + 2.0 * INSET_Y;
        let at = self.heights(ACTOR, w[ACTOR]);
        let n = self.t.heads.len();
        let actors = self.pool[at..at + n].iter().fold(one, |a, &b| a.max(b));
        one + actors
    }

    /// Where each text column's heights at `w` start in `pool`.
    fn columns(&mut self, w: &Widths) -> [usize; COLS] {
        std::array::from_fn(|c| self.heights(c, w[c]))
    }

    /// The symbol's room for each of `KINDS` in an actor column `actor` wide.
    fn symbol_heights(actor: f64) -> [f64; 4] {
        KINDS.map(|k| symbol_height(actor, k))
    }

    fn row_of(&self, cols: &[usize; COLS], sym: &[f64; 4], r: usize) -> f64 {
        let mut h = self.kinds[r].map_or(0.0, |k| sym[k]);
        for &at in cols {
            h = h.max(self.pool[at + r]);
        }
        h
    }

    #[cfg(test)]
    fn row(&mut self, r: usize, w: &Widths) -> f64 {
        let cols = self.columns(w);
        self.row_of(&cols, &Self::symbol_heights(w[ACTOR]), r)
    }

    /// Table height, plus a small share of every cell's height so that growing a column that
    /// is not yet the tallest in its rows still counts (it will be once the others shrink).
    fn cost(&mut self, w: &Widths) -> f64 {
        let cols = self.columns(w);
        let sym = Self::symbol_heights(w[ACTOR]);
        let mut total = self.header(w);
        let n = self.t.rows.len();
        for r in 0..n {
            total += self.row_of(&cols, &sym, r);
        }
        for c in [KEG, KEL, OUT, KET, WAKTU] {
            total += 0.05 * self.pool[cols[c] + n];
        }
        total
    }

    /// Takes `w` as the widths to improve on: fills `best` and returns what `cost` adds up
    /// besides the rows.
    fn fix(&mut self, w: &Widths) -> Fixed {
        let cols = self.columns(w);
        let sym = Self::symbol_heights(w[ACTOR]);
        let head = self.header(w);
        let n = self.t.rows.len();
        self.best.clear();
        self.cells.clear();
        for r in 0..n {
            let cells = cols
                .iter()
                .fold(0.0, |h: f64, &at| h.max(self.pool[at + r]));
            self.cells.push(cells);
            let mut top = [
                (self.kinds[r].map_or(0.0, |k| sym[k]), SYMBOL),
                (-1.0, SYMBOL),
                (-1.0, SYMBOL),
            ];
            for (c, &at) in cols.iter().enumerate() {
                let v = self.pool[at + r];
                if v > top[0].0 {
                    top = [(v, c), top[0], top[1]];
                } else if v > top[1].0 {
                    top = [top[0], (v, c), top[1]];
                } else if v > top[2].0 {
                    top[2] = (v, c);
                }
            }
            self.best.push(top);
        }
        (head, cols.map(|at| self.pool[at + n]))
    }

    /// `cost` of the widths last given to `fix`, with the text columns of `changed` (column,
    /// start of its heights in `pool`) at other widths. The same sums in the same order, so
    /// the same value to the last bit (a row's maximum is exact in any order), without going
    /// over the other columns again for every width tried.
    fn cost_varied<const N: usize>(
        &self,
        (head, sums): Fixed,
        changed: [(usize, usize); N],
    ) -> f64 {
        let n = self.best.len();
        let mut total = head;
        for (r, top) in self.best.iter().enumerate() {
            let mut h = top
                .iter()
                .find(|t| !changed.iter().any(|x| x.0 == t.1))
                .map_or(0.0, |t| t.0);
            for (_, at) in changed {
                h = h.max(self.pool[at + r]);
            }
            total += h;
        }
        for c in [KEG, KEL, OUT, KET, WAKTU] {
            let sum = changed
                .iter()
                .find(|x| x.0 == c)
                .map_or(sums[c], |&(_, at)| self.pool[at + n]);
            total += 0.05 * sum;
        }
        total
    }

    /// `cost` of the widths last given to `fix` with the actor columns `actor` wide: the
    /// header and the symbols change, the text columns stay.
    fn cost_actor(&mut self, (_, sums): Fixed, w: &Widths, actor: f64) -> f64 {
        let mut t = *w;
        t[ACTOR] = actor;
        let sym = Self::symbol_heights(actor);
        let mut total = self.header(&t);
        for (r, &cells) in self.cells.iter().enumerate() {
            total += self.kinds[r].map_or(0.0, |k| sym[k]).max(cells);
        }
        for c in [KEG, KEL, OUT, KET, WAKTU] {
            total += 0.05 * sums[c];
        }
        total
    }

    fn minimum(&self, c: usize) -> f64 {
        let em = self.size * PT;
        let head = METRICS.width(HEADERS[c.min(COLS - 1)], true) * em + 2.0 * INSET_X + 0.4;
        let content = match c {
            NO => 7.0,
            KEG => 30.0,
            WAKTU => {
                // "5 menit" should not wrap.
                self.t
                    .rows
                    .iter()
                    .flat_map(|r| &r[WAKTU])
                    .flat_map(|p| &p.words)
                    .map(|w| w.width * em + 2.0 * INSET_X + 0.4)
                    .fold(0.0, f64::max)
            }
            KEL | OUT if self.t.rows.iter().any(|r| !r[c].is_empty()) => 18.0,
            _ => 0.0,
        };
        head.max(content)
    }

    /// Total height (mm) of the table and its pages, rows being unbreakable.
    fn pages(&mut self, w: &Widths, page: f64) -> (f64, usize) {
        let head = self.header(w);
        let room = page - head;
        let mut pages = 1;
        let mut used = 0.0;
        let mut total = head;
        let cols = self.columns(w);
        let sym = Self::symbol_heights(w[ACTOR]);
        for r in 0..self.t.rows.len() {
            let h = self.row_of(&cols, &sym, r);
            total += h;
            if used > 0.0 && used + h > room {
                pages += 1;
                used = 0.0;
                total += head;
            }
            used += h;
        }
        (total, pages)
    }

    /// The width (mm) at which column `c` sets every paragraph on one line.
    fn natural(&self, c: usize) -> f64 {
        let em = self.size * PT;
        let widest = |p: &Para| p.words.iter().map(|w| w.width + 0.278).sum::<f64>() + p.indent;
        self.t
            .rows
            .iter()
            .flat_map(|r| &r[c])
            .map(widest)
            .fold(0.0, f64::max)
            * em
            + 2.0 * INSET_X
    }

    /// The width (mm) at which every actor header is one line.
    fn natural_heads(&self) -> f64 {
        let em = self.size * PT;
        self.t
            .heads
            .iter()
            .map(|p| p.words.iter().map(|w| w.width + 0.278).sum::<f64>())
            .fold(0.0, f64::max)
            * em
            + 2.0 * INSET_X
    }

    fn solve(&mut self, avail: f64, actor_floor: f64) -> Widths {
        let n = self.t.n_actors as f64;
        let mut w: Widths = [0.0; COLS + 1];
        for (c, v) in w.iter_mut().enumerate().take(COLS) {
            *v = self.minimum(c);
        }
        let mins = w;
        w[ACTOR] = actor_floor;
        let step = 1.0;
        let mut free = avail - w.iter().take(COLS).sum::<f64>() - n * w[ACTOR];
        let mut current = self.cost(&w);
        // Past the width where every cell of a column is one line per paragraph, growing it
        // cannot help: those columns are not tried (most of the solver's time otherwise).
        let full: [f64; COLS] = std::array::from_fn(|c| self.natural(c));
        let heads = self.natural_heads();
        let mut ahead: [Ahead; COLS] = Default::default();
        while free >= step {
            let mut best: Option<(f64, usize, f64)> = None;
            // The other columns stay as they are while one is tried at up to 40 widths.
            let fixed = self.fix(&w);
            for c in [KEG, KEL, WAKTU, OUT, KET, ACTOR] {
                let unit = if c == ACTOR { n.max(1.0) } else { 1.0 };
                if c == ACTOR && (self.t.n_actors == 0 || w[ACTOR] >= 30.0 || w[ACTOR] >= heads) {
                    continue;
                }
                if c != ACTOR && w[c] >= full[c] {
                    continue;
                }
                if c == ACTOR {
                    let mut k = 1.0;
                    while k * step * unit <= free && k <= 40.0 {
                        let gain = current - self.cost_actor(fixed, &w, w[c] + k * step);
                        if gain > 1e-6 {
                            let rate = gain / (k * step * unit);
                            if best.is_none_or(|b| rate > b.0) {
                                best = Some((rate, c, k * step));
                            }
                            break;
                        }
                        k += 1.0;
                    }
                    continue;
                }
                // The widths ahead that wrap this column otherwise than now (any other leaves
                // the cost exactly as it is: no gain), found as far as needed and kept while
                // the column keeps its width.
                if ahead[c].width != w[c].to_bits() {
                    ahead[c] = Ahead {
                        width: w[c].to_bits(),
                        class: self.class(c, w[c]),
                        next: 1.0,
                        found: Vec::new(),
                    };
                }
                let mut i = 0;
                loop {
                    if i == ahead[c].found.len() {
                        let a = &mut ahead[c];
                        let mut more = false;
                        while a.next <= 40.0 && a.next * step <= free {
                            let k = a.next;
                            a.next += 1.0;
                            let s = self.slot(c, w[c] + k * step);
                            let (at, class) = self.slots[s as usize];
                            if class != a.class {
                                a.found.push((k, at));
                                more = true;
                                break;
                            }
                        }
                        if !more {
                            break;
                        }
                    }
                    let (k, at) = ahead[c].found[i];
                    i += 1;
                    if k * step * unit > free {
                        break;
                    }
                    let gain = current - self.cost_varied(fixed, [(c, at)]);
                    if gain > 1e-6 {
                        let rate = gain / (k * step * unit);
                        if best.is_none_or(|b| rate > b.0) {
                            best = Some((rate, c, k * step));
                        }
                        break;
                    }
                }
            }
            let Some((_, c, d)) = best else { break };
            w[c] += d;
            free -= d * if c == ACTOR { n } else { 1.0 };
            current = self.cost(&w);
        }
        // Greedy growth cannot take back: move width between columns while that lowers the
        // height (a Kegiatan left narrow while a long list took the width, say).
        for _ in 0..60 {
            let mut best: Option<(f64, usize, usize, f64)> = None;
            let fixed = self.fix(&w);
            for from in [KEG, KEL, WAKTU, OUT, KET] {
                let from_now = self.class(from, w[from]);
                for to in [KEG, KEL, WAKTU, OUT, KET] {
                    // A column already on one line per paragraph gains nothing from more width.
                    if from == to || w[to] >= full[to] {
                        continue;
                    }
                    let to_now = self.class(to, w[to]);
                    for d in [1.0, 2.0, 4.0, 8.0, 16.0] {
                        if w[from] - d < mins[from] {
                            break;
                        }
                        let mut t = w;
                        t[from] -= d;
                        t[to] += d;
                        let (sa, sb) = (self.slot(from, t[from]), self.slot(to, t[to]));
                        let ((a, ca), (b, cb)) = (self.slots[sa as usize], self.slots[sb as usize]);
                        // Both wrapped the same: the very same cost, no gain.
                        if ca == from_now && cb == to_now {
                            continue;
                        }
                        let gain = current - self.cost_varied(fixed, [(from, a), (to, b)]);
                        if gain > 1e-6 && best.is_none_or(|b| gain > b.0) {
                            best = Some((gain, from, to, d));
                        }
                    }
                }
            }
            let Some((_, from, to, d)) = best else { break };
            w[from] -= d;
            w[to] += d;
            current = self.cost(&w);
        }
        // Width no column can use: to Kegiatan, Kelengkapan and Output, as their text grows.
        if free > 0.0 {
            let has = |c: usize| self.t.rows.iter().any(|r| !r[c].is_empty());
            let mut share = vec![(KEG, 3.0)];
            for c in [KEL, OUT] {
                if has(c) {
                    share.push((c, 1.0));
                }
            }
            let parts: f64 = share.iter().map(|s| s.1).sum();
            for (c, p) in share {
                w[c] += free * p / parts;
            }
        }
        w
    }
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
    let mut base = Solver::new(&t, floor_size);
    let widths = base.solve(avail, actor_floor);
    // The pages the floor may well need (the estimate taken at its word): larger type must fit
    // in as many even with the estimate's margin of error.
    let (_, pages) = base.pages(&widths, page);
    let mut best = kolom(sop, &widths, floor_size);
    let breaks = broken(sop, &best);
    // Larger type only when it keeps the pages and breaks no more words (a header wrapping
    // mid-word reads worse than smaller type).
    for s in SIZES.into_iter().filter(|&s| s > floor_size) {
        let mut solver = Solver::new(&t, s);
        let w = solver.solve(avail, actor_floor);
        if solver.pages(&w, page * SAFETY).1 <= pages {
            let k = kolom(sop, &w, s);
            if broken(sop, &k) <= breaks {
                best = k;
                break;
            }
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
        kolom,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indonesian_syllables() {
        assert_eq!(
            syllables("Pertanggungjawaban").join("·"),
            "Per·tang·gung·ja·wa·ban"
        );
        assert_eq!(
            syllables("Penandatanganan").join("·"),
            "Pe·nan·da·ta·nga·nan"
        );
        assert_eq!(syllables("menyanyi").join("·"), "me·nya·nyi");
        assert_eq!(syllables("ATK").join("·"), "ATK");
    }

    #[test]
    fn a_word_wider_than_its_column_gets_breaks_and_others_stay() {
        assert_eq!(fitted("Surat masuk", 20.0, false), None);
        // Typst breaks after a slash by itself.
        assert_eq!(fitted("Masyarakat/Desa/Kelurahan/BPBD", 6.0, false), None);
        let f = fitted("Laporan Pertanggungjawaban", 5.0, false).unwrap();
        assert!(f.starts_with("Laporan Per\u{ad}tang"), "{f:?}");
        assert_eq!(
            f.replace(['\u{ad}', '\u{200b}'], ""),
            "Laporan Pertanggungjawaban"
        );
    }

    /// Compares the estimated row heights with Typst's over the example content: a row's real
    /// height is the distance between the tops of its symbol and the next row's, on one page.
    #[test]
    fn estimate_follows_typst_row_heights() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let site = crate::load_and_validate(root).unwrap().site;
        let renderer =
            crate::pdf::renderer::PdfRenderer::new(&site, &Theme::embedded(), root).unwrap();
        let (mut n, mut sum, mut worst, mut signed) = (0, 0.0, 0.0_f64, 0.0);
        let mut planning = std::time::Duration::ZERO;
        for i in &site.instansi {
            for b in &i.bidang {
                for s in &b.sop {
                    let start = std::time::Instant::now();
                    let k = plan(s, 330.0, 215.0);
                    planning += start.elapsed();
                    let t = measure(s);
                    let mut solver = Solver::new(&t, k.ukuran);
                    let w: Widths = [
                        k.no,
                        k.kegiatan,
                        k.kelengkapan,
                        k.waktu,
                        k.output,
                        k.keterangan,
                        k.aktor,
                    ];
                    let (doc, _) = renderer.sop(&site, i, b, s).unwrap();
                    let mut tops = std::collections::BTreeMap::new();
                    for node in super::super::nodes(&doc) {
                        tops.entry(node.step).or_insert((node.page, node.top * PT));
                    }
                    for (r, _) in s.langkah.iter().enumerate() {
                        let (Some(a), Some(b)) =
                            (tops.get(&(r as i64 + 1)), tops.get(&(r as i64 + 2)))
                        else {
                            continue;
                        };
                        if a.0 != b.0 {
                            continue;
                        }
                        let real = b.1 - a.1;
                        let est = solver.row(r, &w);
                        let err = (est - real) / real;
                        n += 1;
                        signed += err;
                        if err.abs() > 0.12 {
                            eprintln!("{} row {}: est {est:.1} real {real:.1}", s.id.slug, r + 1);
                        }
                        sum += err.abs();
                        worst = worst.max(err.abs());
                    }
                }
            }
        }
        let mean = sum / f64::from(n);
        eprintln!(
            "{n} rows: mean |error| {:.1}%, mean error {:+.1}%, worst {:.1}%; planning {planning:?}",
            mean * 100.0,
            signed / f64::from(n) * 100.0,
            worst * 100.0
        );
        assert!(n > 50 && mean < 0.08, "mean {mean}");
    }

    /// The solver's shortcuts (a column tried with the others' row maxima taken once, the
    /// actor columns with the text columns') must give `cost` to the last bit: the plan's
    /// choices compare these costs, so a rounding difference would change the widths.
    #[test]
    fn shortcut_costs_are_the_full_cost_to_the_bit() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let site = crate::load_and_validate(root).unwrap().site;
        let mut tried = 0;
        for s in site.sops() {
            let t = measure(s);
            let mut solver = Solver::new(&t, 8.5);
            let mut w: Widths = std::array::from_fn(|c| solver.minimum(c.min(COLS - 1)));
            w[ACTOR] = 18.0;
            let fixed = solver.fix(&w);
            for c in [KEG, KEL, WAKTU, OUT, KET] {
                for k in [1.0, 3.0, 12.0] {
                    let mut t = w;
                    t[c] += k;
                    let at = solver.heights(c, t[c]);
                    let short = solver.cost_varied(fixed, [(c, at)]);
                    assert_eq!(short.to_bits(), solver.cost(&t).to_bits(), "{}", s.id);
                    let to = if c == KEG { OUT } else { KEG };
                    t[to] += 2.0;
                    let b = solver.heights(to, t[to]);
                    let short = solver.cost_varied(fixed, [(c, at), (to, b)]);
                    assert_eq!(short.to_bits(), solver.cost(&t).to_bits(), "{}", s.id);
                    tried += 2;
                }
            }
            let mut t = w;
            t[ACTOR] += 4.0;
            let short = solver.cost_actor(fixed, &w, t[ACTOR]);
            assert_eq!(short.to_bits(), solver.cost(&t).to_bits(), "{}", s.id);
        }
        assert!(tried > 100);
    }

    /// The measurements taken without building strings agree with the ones that do.
    #[test]
    fn widths_without_strings_agree() {
        let m = &*METRICS;
        for text in [
            "Laporan Pertanggungjawaban",
            "Masyarakat/Desa/Kelurahan/BPBD",
            "e-KTP dan KK",
            "ATK",
            "menyanyi bersama-sama",
            "",
        ] {
            let widest = text
                .split_whitespace()
                .flat_map(parts)
                .map(|p| m.width(p, false))
                .fold(f64::NEG_INFINITY, f64::max);
            assert_eq!(m.widest(text, false).to_bits(), widest.to_bits(), "{text}");
            for word in text.split_whitespace() {
                let pieces: Vec<f64> = syllables(word).iter().map(|s| m.width(s, true)).collect();
                assert_eq!(syllable_widths(word, true), pieces, "{word}");
            }
        }
    }

    #[test]
    fn wrapping_counts_lines_first_fit() {
        let p = para("aaa bbb ccc", 0.0, false);
        let one = METRICS.width("aaa", false);
        assert_eq!(lines(&p, one * 3.0 + 0.6), 1);
        assert_eq!(lines(&p, one * 2.0 + 0.3), 2);
        assert_eq!(lines(&p, one + 0.01), 3);
    }
}
