//! Fixed heights for the flow table's step rows, where they are provably right.
//!
//! A step never splits across pages, so each step row is an unbreakable row, and an auto row
//! of that kind costs Typst two layouts of every cell: one to measure the row, one at its
//! height (`simulate_unbreakable_row_group`, `measure_auto_row`, `layout_single_row`: 28 % of
//! `examples/phases`' samples). A row of known height is laid out once. In most rows the
//! symbols are the tallest cell, and their height is exact (fixed boxes, symbol.typ); what is
//! not known before layout is whether a text cell is taller. This module answers that from
//! above: an upper bound of every text cell's height, built to err tall only.
//!
//! - Lines break only at a run of plain spaces that does not follow an opening bracket or
//!   quote and comes before a letter, a digit, an opening bracket or quote, a dash or a sign:
//!   a place where UAX #14, which Typst follows, always allows a break (`may_start`, `opens`).
//!   Typst may break in more places (after a hyphen, a slash, a soft hyphen); with more places
//!   and the same first-fit rule its lines end no earlier, so it never needs more lines than
//!   counted here.
//! - Every advance is taken 3 % wide, for kerning (nearly all of it negative in Liberation
//!   Sans) and rounding; the checks below found no text it did not cover.
//! - A word wider than its line, a character outside the measured table or without a glyph of
//!   its own, or a control character other than a line feed gives no bound: the row stays
//!   auto and Typst measures it.
//!
//! flow.typ fixes a row at its symbols' height only when this bound is under it. The bound
//! assumes the default theme's flow table and fonts, so it is passed only under them
//! (`PdfRenderer::fixed_rows`). Should it still fail, sopan sees text past a row's rule after
//! layout (`check::cut_texts`) and lays the SOP out again with every row measured.
//!
//! Checked against Typst: every example SOP and 1,000 generated ones (with decree books) built
//! byte-identical with and without fixed rows, and 800 SOPs of random texts (brackets, quotes,
//! dashes, line feeds, long words, letters it does not know) laid out alike (the test
//! `fixed_rows_hold_for_texts_of_every_kind` runs 40 of them).

use super::measure::{METRICS, PUNCTUATION, TABLE_CHARS};
use super::{INSET_X, INSET_Y, Kolom, LEADING, PT};
use crate::model::sop::Langkah;

/// How much wider than Liberation Sans' advances a line's text is taken.
const WIDE: f64 = 1.03;
/// A list item's marker and body indent (em): "-" is 0.333 em and the indent 0.5 em.
const LIST_INDENT: f64 = 0.9;
/// Added to the bound (mm), so a row whose text nearly reaches the symbols stays auto.
const MARGIN: f64 = 0.25;

/// An upper bound (mm) of the height of step `l`'s tallest text cell in a table planned as `k`
/// (insets included), or `None` when its text may wrap in a way the bound does not cover.
pub(super) fn text_height(l: &Langkah, k: &Kolom) -> Option<f64> {
    let em = k.ukuran * PT;
    let room = |col: f64, indent: f64| (col - 2.0 * INSET_X) / em - indent;
    let list = |items: &[String], col: f64| -> Option<usize> {
        match items {
            [] => Some(0),
            [one] => lines(one, room(col, 0.0)),
            many => many.iter().map(|t| lines(t, room(col, LIST_INDENT))).sum(),
        }
    };
    let cells = [
        lines(&l.nomor.to_string(), room(k.no, 0.0))?,
        lines(&l.kegiatan, room(k.kegiatan, 0.0))?,
        list(&l.kelengkapan, k.kelengkapan)?,
        l.waktu
            .as_ref()
            .map_or(Some(0), |w| lines(&w.tampil(), room(k.waktu, 0.0)))?,
        list(&l.output, k.output)?,
        l.keterangan
            .as_ref()
            .map_or(Some(0), |t| lines(t, room(k.keterangan, 0.0)))?,
    ];
    let most = cells.into_iter().max().unwrap_or(0) as f64;
    let text = if most == 0.0 {
        0.0
    } else {
        most * METRICS.cap * em + (most - 1.0) * LEADING * em
    };
    Some(text + 2.0 * INSET_Y + MARGIN)
}

/// Lines `text` takes at most in a line `room` em wide (at least one: an empty text counts as
/// a line), or `None`.
fn lines(text: &str, room: f64) -> Option<usize> {
    let mut n = 0;
    for line in text.split('\n') {
        n += wrapped(line, room)?;
    }
    Some(n)
}

/// `lines` of one line of text (no line feed in it).
fn wrapped(text: &str, room: f64) -> Option<usize> {
    let m = &*METRICS;
    let advance = |c: char| -> Option<f64> {
        let i = c as usize;
        if i < TABLE_CHARS {
            return (!c.is_control() && m.covered[i]).then(|| m.advance(c, false) * WIDE);
        }
        // Dashes, curly quotes, the ellipsis; not the spaces and invisible marks there.
        let p = (c as u32).checked_sub(PUNCTUATION)? as usize;
        let w = (0x10..0x28)
            .contains(&p)
            .then(|| m.punctuation.get(p).copied().flatten())??;
        Some(f64::from(w) * WIDE)
    };
    let space = advance(' ')?;
    // Units between the spaces where a break is certain, and the width of the spaces before
    // each unit.
    let mut n = 1;
    let mut x = 0.0_f64;
    let (mut unit, mut gap, mut spaces) = (0.0_f64, 0.0_f64, 0usize);
    let mut prev: Option<char> = None;
    let mut first = true;
    for c in text.chars() {
        if c == ' ' {
            spaces += 1;
            continue;
        }
        let w = advance(c)?;
        if spaces > 0 {
            let breaks = !first && may_start(c) && prev.is_some_and(|p| !opens(p));
            if breaks {
                // The unit before ends here: place it.
                place(&mut n, &mut x, gap, unit, room)?;
                unit = 0.0;
                gap = spaces as f64 * space;
            } else {
                unit += spaces as f64 * space;
            }
            spaces = 0;
        }
        unit += w;
        prev = Some(c);
        first = false;
    }
    // Trailing spaces hang past the line's end in Typst; counted anyway.
    unit += spaces as f64 * space;
    place(&mut n, &mut x, gap, unit, room)?;
    Some(n)
}

/// Whether a line may begin with `c` after a run of spaces: a letter or digit, an opening
/// bracket or quote, a dash, a sign. Left out: what UAX #14 keeps on the line before even
/// after spaces (closing brackets and quotes, `! ? , . : ; /`, the ellipsis, no-break marks).
fn may_start(c: char) -> bool {
    c.is_alphanumeric() || "([{“‘«\"'-–—&+#@*=<>~$".contains(c)
}

/// Whether a run of spaces after `c` may not end a line: after an opening bracket or an
/// opening quote (UAX #14 LB14, LB15a; ASCII quotes counted, as older Unicode did).
fn opens(c: char) -> bool {
    "([{“‘«‹„‚\"'".contains(c)
}

/// Puts a unit `w` wide after a gap onto the line at `x`, or onto a new line; `None` when it
/// is wider than a whole line.
fn place(n: &mut usize, x: &mut f64, gap: f64, w: f64, room: f64) -> Option<()> {
    if w > room {
        return None;
    }
    if *x > 0.0 && *x + gap + w > room {
        *n += 1;
        *x = w;
    } else if *x > 0.0 {
        *x += gap + w;
    } else {
        *x = w;
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn breaks_only_where_a_break_is_certain() {
        // "Mengisi formulir" at 8 em: two words, one line each.
        assert_eq!(wrapped("Mengisi formulir", 100.0), Some(1));
        assert_eq!(wrapped("Mengisi formulir", 5.0), Some(2));
        // After an opening parenthesis no break is certain: "( Mengisi" is one unit, too wide
        // for 4 em, where each word alone fits.
        assert_eq!(wrapped("Mengisi formulir", 4.0), Some(2));
        assert_eq!(wrapped("( Mengisi formulir", 4.0), None);
        // A word wider than the line gives no bound.
        assert_eq!(wrapped("Pertanggungjawaban", 3.0), None);
        // A tab, a character outside the table: no bound.
        assert_eq!(wrapped("a\tb", 30.0), None);
        assert_eq!(wrapped("data 中", 30.0), None);
        // Line feeds add lines; an empty text is a line.
        assert_eq!(lines("a\nb\n", 30.0), Some(3));
        assert_eq!(lines("", 30.0), Some(1));
    }

    #[test]
    fn wraps_no_tighter_than_the_plain_first_fit() {
        // Each line of the bound holds no more than first-fit at true widths does.
        let text = "Petugas memeriksa kelengkapan berkas permohonan dan mencatat di buku register";
        for room in [8.0, 10.0, 12.5, 15.0, 20.0, 40.0] {
            let plain =
                super::super::measure::lines(&super::super::measure::para(text, 0.0, false), room);
            assert!(wrapped(text, room).unwrap() >= plain, "at {room} em");
        }
    }
}
