//! Text measured as Typst sets it in the flow table: Liberation Sans advance widths, first-fit
//! line wrapping, Indonesian syllable breaks, and the measured content of one SOP's table.

use std::cell::{OnceCell, RefCell};
use std::sync::LazyLock;

use super::*;
use crate::pipeline::theme::Theme;

/// Advance widths (em) of Liberation Sans regular and bold, and its cap height.
pub(super) struct Metrics {
    pub(super) regular: Vec<f32>,
    pub(super) bold: Vec<f32>,
    pub(super) cap: f64,
    /// Whether regular has a glyph of its own for each character of the table (a missing one
    /// is set in a fallback font, whose widths these are not).
    pub(super) covered: Vec<bool>,
    /// Advances (em) of regular's General Punctuation (U+2000 to U+206F: dashes, curly
    /// quotes, the ellipsis), `None` where it has no glyph. Only `bound` reads them; the
    /// column plan keeps its 0.6 em for every character past the table.
    pub(super) punctuation: Vec<Option<f32>>,
}

/// The first character of `Metrics::punctuation`.
pub(super) const PUNCTUATION: u32 = 0x2000;

pub(super) const TABLE_CHARS: usize = 0x250;

pub(super) static METRICS: LazyLock<Metrics> = LazyLock::new(|| {
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
    let covered = (0..TABLE_CHARS)
        .map(|c| char::from_u32(c as u32).is_some_and(|c| regular.glyph_index(c).is_some()))
        .collect();
    let upem = f32::from(regular.units_per_em());
    let punctuation = (PUNCTUATION..0x2070)
        .map(|c| {
            char::from_u32(c)
                .and_then(|c| regular.glyph_index(c))
                .and_then(|g| regular.glyph_hor_advance(g))
                .map(|a| f32::from(a) / upem)
        })
        .collect();
    Metrics {
        punctuation,
        regular: table(&regular),
        bold: table(&bold),
        cap,
        covered,
    }
});

impl Metrics {
    pub(super) fn width(&self, s: &str, bold: bool) -> f64 {
        s.chars().map(|c| self.advance(c, bold)).sum()
    }

    pub(super) fn advance(&self, c: char, bold: bool) -> f64 {
        let t = if bold { &self.bold } else { &self.regular };
        f64::from(match c {
            '\u{ad}' | '\u{200b}' => 0.0,
            c => t.get(c as usize).copied().unwrap_or(0.6),
        })
    }

    /// The widest part of `text` as `parts` splits its words: `width` of each, without
    /// building them (`fitted` asks this of every text for every plan tried).
    pub(super) fn widest(&self, text: &str, bold: bool) -> f64 {
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
pub(super) struct Word {
    /// Width of the whole word, em.
    pub(super) width: f64,
    /// Widths of its syllables (em), for the last-resort break: worked out the first time a
    /// line is narrower than the word (few ever are; working them out for every word was
    /// most of measuring a table).
    pub(super) pieces: OnceCell<Vec<f64>>,
    /// Where the word is in its paragraph's `text` (bytes).
    pub(super) at: (usize, usize),
    /// Whether a space separates it from the next word (not after '-' or '/').
    pub(super) space: bool,
}

/// A paragraph (a cell's text or one list item), indented by `indent` em.
#[derive(Clone, Debug)]
pub(super) struct Para {
    pub(super) words: Vec<Word>,
    /// The paragraph's text and weight, for the words' `pieces`.
    pub(super) text: Box<str>,
    pub(super) bold: bool,
    pub(super) indent: f64,
    /// The narrowest line width (em, indent left out) that `lines` fills with the whole
    /// paragraph: one line from there on, without wrapping word by word.
    pub(super) one_line: f64,
    /// Its widest word (em): from there on no word breaks inside.
    pub(super) widest: f64,
    /// Its wrapping as `lines` found it at line widths (em, indent left out) from `widest`
    /// on: (from, until, lines), sorted by `from`; every width in `from..until` wraps the same.
    /// The solver asks for the same paragraph at hundreds of widths (every candidate width of
    /// every type size), most of them wrapping it alike.
    pub(super) wraps: RefCell<Vec<(f64, f64, usize)>>,
}

/// A token split after each hyphen and slash: Typst (UAX #14) may break there.
pub(super) fn parts(token: &str) -> Vec<&str> {
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

pub(super) fn para(text: &str, indent: f64, bold: bool) -> Para {
    let m = &*METRICS;
    let mut words = Vec::new();
    for token in text.split_whitespace() {
        let parts = parts(token);
        let last = parts.len().saturating_sub(1);
        for (k, p) in parts.iter().enumerate() {
            let start = p.as_ptr() as usize - text.as_ptr() as usize;
            words.push(Word {
                width: m.width(p, bold),
                pieces: OnceCell::new(),
                at: (start, start + p.len()),
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
        widest: words.iter().map(|w| w.width).fold(0.0, f64::max),
        words,
        text: text.into(),
        bold,
        indent,
        one_line,
        wraps: RefCell::new(Vec::new()),
    }
}

/// Lines of one paragraph wrapped first-fit into `width` em.
#[cfg(test)]
pub(super) fn lines(p: &Para, width: f64) -> usize {
    lines_span(p, width).0
}

/// `lines`, and up to which line width (em, the indent taken off, not included) from this
/// one it stays the same: infinite for one line, minus infinity where a word is wider than
/// the line (no such promise then).
pub(super) fn lines_span(p: &Para, width: f64) -> (usize, f64) {
    let width = (width - p.indent).max(0.5);
    if p.one_line <= width {
        return (1, f64::INFINITY);
    }
    if width < p.widest {
        return (wrap(p, width).0, f64::NEG_INFINITY);
    }
    // No word wider than the line: the wrapping stays as long as every line break stays,
    // up to (not including) the narrowest width that takes the word after a break onto its
    // line (`wrap` says which). A wrap found at a width narrower than this one and reaching
    // past it is this width's: the one nearest below is looked at, as one reaching past it
    // ends where that one does (the same wrapping, the same breaks).
    let mut wraps = p.wraps.borrow_mut();
    let i = wraps.partition_point(|w| w.0 <= width);
    if let Some(&(_, until, n)) = i.checked_sub(1).map(|i| &wraps[i])
        && width < until
    {
        return (n, until);
    }
    let (n, until) = wrap(p, width);
    // (A break's width is never past `one_line`, where one line begins: the same sums.)
    let until = until.min(p.one_line);
    wraps.insert(i, (width, until, n));
    (n, until)
}

/// `lines` of `p` at `width` (the indent taken off), word by word, and the narrowest wider
/// width that keeps a word `lines` broke before on the line before it (infinite without a
/// break). With no word wider than `width`, every width from `width` up to that one wraps
/// the same: the tests that took a word onto its line pass wider too, those that broke fail
/// until that width, and a word alone on its line fits.
fn wrap(p: &Para, width: f64) -> (usize, f64) {
    let space = 0.278;
    let hyphen = 0.333;
    let mut n = 1;
    let mut x = 0.0_f64;
    let mut gap = 0.0;
    let mut until = f64::INFINITY;
    for w in &p.words {
        if x > 0.0 && x + gap + w.width <= width {
            x += gap + w.width;
        } else if w.width <= width {
            if x > 0.0 {
                n += 1;
                until = until.min(x + gap + w.width);
            }
            x = w.width;
        } else {
            // Wider than the line: it breaks at its syllables (then anywhere, as prepared).
            if x > 0.0 {
                n += 1;
            }
            x = 0.0;
            let pieces = w
                .pieces
                .get_or_init(|| syllable_widths(&p.text[w.at.0..w.at.1], p.bold));
            for &piece in pieces {
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
    (n, until)
}

/// Indonesian syllables of a word (letters only; other characters stay in their syllable).
/// "Pertanggungjawaban" → per·tang·gung·ja·wa·ban.
pub(super) fn syllables(word: &str) -> Vec<String> {
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
pub(super) fn syllable_widths(word: &str, bold: bool) -> Vec<f64> {
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
pub(super) fn syllable_cuts(chars: &[char]) -> Vec<usize> {
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
pub(super) fn breakable(word: &str, width: f64, bold: bool) -> String {
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
pub(super) fn fitted(text: &str, width: f64, bold: bool) -> Option<String> {
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
pub(super) const NO: usize = 0;
pub(super) const KEG: usize = 1;
pub(super) const KEL: usize = 2;
pub(super) const WAKTU: usize = 3;
pub(super) const OUT: usize = 4;
pub(super) const KET: usize = 5;
pub(super) const COLS: usize = 6;
/// The actor columns, grown together.
pub(super) const ACTOR: usize = 6;

/// The measured content of one SOP's flow table.
pub(super) struct Table {
    /// Per row, per text column: its paragraphs.
    pub(super) rows: Vec<[Vec<Para>; COLS]>,
    /// Per row: whether it holds a symbol, whether that is a decision, and whether that
    /// decision has its own end terminator under it (a `selesai` branch).
    pub(super) symbol: Vec<Option<(bool, bool)>>,
    /// Per row: the branches jumping into its step (`symbols::incoming`), for the extra rows
    /// of off-page connectors symbol.typ keeps above its symbols (`connector_rows`).
    pub(super) masuk: Vec<usize>,
    /// Actor header paragraphs (bold).
    pub(super) heads: Vec<Para>,
    /// Column headers (bold) for the second header row: Kelengkapan, Waktu, Output.
    pub(super) n_actors: usize,
}

pub(super) fn list(items: &[String]) -> Vec<Para> {
    let indent = if items.len() > 1 { LIST_INDENT } else { 0.0 };
    items.iter().map(|t| para(t, indent, false)).collect()
}

pub(super) fn measure(sop: &Sop) -> Table {
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
        masuk: {
            let masuk = crate::pdf::flow::symbols::incoming(sop);
            let of = |l: &Langkah| masuk.get(l.nomor).copied().unwrap_or(0);
            sop.langkah.iter().map(of).collect()
        },
        heads: sop.pelaksana.iter().map(|a| para(a, 0.0, true)).collect(),
        n_actors: sop.pelaksana.len(),
    }
}

/// Bold header words that must fit whole in their column.
pub(super) const HEADERS: [&str; COLS] = [
    "No",
    "Kegiatan",
    "Kelengkapan",
    "Waktu",
    "Output",
    "Keterangan",
];

/// Height (mm) of a cell of `paras` in a column `col_mm` wide at `size` pt.
#[cfg(test)]
pub(super) fn cell_height(paras: &[Para], col_mm: f64, size: f64) -> f64 {
    cell_span(paras, col_mm, size).0
}

/// `cell_height`, and the widest column (mm) up to which, from `col_mm`, every paragraph
/// keeps its lines and so the cell its height, to the bit (minus infinity: no promise).
pub(super) fn cell_span(paras: &[Para], col_mm: f64, size: f64) -> (f64, f64) {
    if paras.is_empty() {
        return (2.0 * INSET_Y, f64::INFINITY);
    }
    let em = size * PT;
    let width = (col_mm - 2.0 * INSET_X) / em;
    let (mut n, mut upto) = (0, f64::INFINITY);
    for p in paras {
        let (k, until) = lines_span(p, width);
        n += k;
        if until < f64::INFINITY {
            upto = upto.min(column_below(until, p.indent, em));
        }
    }
    let cap = METRICS.cap;
    (
        (n as f64 * (cap + LEADING) - LEADING) * em + 2.0 * INSET_Y,
        upto,
    )
}

/// A column width (mm) whose line width, as `cell_span` and `lines_span` work it out, is
/// under `until` em: every narrower column's is too (each step is monotonic). A hair under
/// the exact inverse, checked.
fn column_below(until: f64, indent: f64, em: f64) -> f64 {
    if until == f64::NEG_INFINITY {
        return until;
    }
    let line = |mm: f64| ((mm - 2.0 * INSET_X) / em - indent).max(0.5);
    let mut mm = (until + indent) * em + 2.0 * INSET_X;
    let mut nudge = 1e-9;
    for _ in 0..8 {
        if line(mm) < until {
            return mm;
        }
        mm -= nudge;
        nudge *= 16.0;
    }
    f64::NEG_INFINITY
}

/// The symbol's cell height in an actor column `actor` mm wide, as symbol.typ reserves it: the
/// symbol `calc.min(7mm, w * 0.62)` high with `w = calc.min(actor - 6mm, 16mm)`, 1 mm above it
/// for an incoming connector, for a decision 3.5 mm under it for its Ya/Tidak labels, and for
/// a decision ending the flow its end terminator (0.8 of the symbol) 5 mm under that.
pub(super) fn symbol_height(actor: f64, (decision, ends): (bool, bool)) -> f64 {
    let node = (0.62 * (actor - 6.0).min(16.0)).min(7.0);
    let labels = if decision { 3.5 } else { 0.0 };
    let end = if ends { 5.0 + 0.8 * node } else { 0.0 };
    SYMBOL_ROOM + 1.0 + node + labels + end
}

/// The extra rows of off-page connectors (mm) symbol.typ keeps above a symbol `masuk` branches
/// jump into, in an actor column `actor` mm wide, as symbols.rs counts them (`TIER` each): a
/// row with several branches coming in is that much taller than its symbol alone.
pub(super) fn connector_rows(actor: f64, masuk: usize) -> f64 {
    use crate::pdf::flow::symbols::{extra_rows, per_row};
    if masuk == 0 {
        return 0.0;
    }
    extra_rows(masuk, per_row(actor)) as f64
        * (crate::pdf::flow::route::TIER / crate::pdf::flow::route::MM)
}
