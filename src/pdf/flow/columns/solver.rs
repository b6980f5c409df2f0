//! The column-width solver: grows the column whose extra width lowers the table's estimated
//! height most, with each column's cell heights worked out once per width.

use super::*;

/// Widths: the six text columns, then the actor column.
pub(super) type Widths = [f64; COLS + 1];

/// A width as the cache keys it: tenths of a millimetre.
pub(super) fn key(w: f64) -> usize {
    // `(w * 10.0).round().max(0.0) as usize` for every width a column can have, without the
    // libm call `round` is on x86-64 (0.4M calls per 200 SOPs): the fraction off the
    // truncation is exact, a half rounds away from zero.
    let x = w * 10.0;
    let t = x as i64;
    let frac = x - t as f64;
    let r = if frac >= 0.5 {
        t.saturating_add(1)
    } else if frac <= -0.5 {
        t.saturating_sub(1)
    } else {
        t
    };
    r.max(0) as usize
}

/// Not computed yet, in `Solver::index`.
pub(super) const NONE: u32 = u32::MAX;

/// The symbol kinds (decision, ends) in the order `Solver::symbol_heights` lists them.
pub(super) const KINDS: [(bool, bool); 4] =
    [(false, false), (false, true), (true, false), (true, true)];

/// The row's symbol in `Solver::best`, a column never left out.
pub(super) const SYMBOL: usize = COLS + 1;

/// What `cost` adds up besides the columns being tried: the header and each column's sum.
pub(super) type Fixed = (f64, [f64; COLS]);

/// A text column's look ahead: from which width (its bits), that width's class, the next
/// step to try, and the steps found so far that wrap it otherwise (with their heights).
#[derive(Default)]
pub(super) struct Ahead {
    pub(super) width: u64,
    pub(super) class: u32,
    pub(super) next: f64,
    pub(super) found: Vec<(f64, usize)>,
}

pub(super) struct Solver<'a> {
    pub(super) t: &'a Table,
    pub(super) size: f64,
    /// Per column (the actor headers last), per width in 0.1 mm: its slot, or `NONE`. The
    /// solver tries thousands of width sets but few widths per column, so wrapping is done
    /// once per width; a dense table, as a hash map's lookups were most of the solver's time.
    pub(super) index: [Vec<u32>; COLS + 1],
    /// Per slot: where its cell heights start in `pool` (their sum follows them), and its
    /// class: the first slot of the column with the very same heights. A width of the same
    /// class as the current one leaves the table's cost exactly as it is.
    pub(super) slots: Vec<(usize, u32)>,
    /// Per column and hash of a slot's heights (their bits): the first slot with them. A
    /// slot whose heights hash alike but differ (a collision) is looked up in `collided`.
    pub(super) classes: rustc_hash::FxHashMap<(usize, u64), u32>,
    pub(super) collided: rustc_hash::FxHashMap<(usize, Vec<u64>), u32>,
    pub(super) pool: Vec<f64>,
    /// Per column, the last slot worked out: the width it was worked out at and the widest
    /// up to which every cell keeps its height (`cell_span`). A width in between gets that
    /// slot without wrapping the column again: its heights would be the very same bits. The
    /// look ahead asks for a column at up to 40 widths in 1 mm steps, most wrapping it alike.
    pub(super) last: [Option<(f64, f64, u32)>; COLS + 1],
    /// Per column and row (actor header): the width its cell was last worked out at, up to
    /// which width it keeps that height (`cell_span`), and the height. A column wrapped anew
    /// because one row's cell wraps otherwise takes the other rows' heights from here: of
    /// 336,000 cells worked out per 200 generated SOPs, most were the same again.
    pub(super) spans: [Vec<(f64, f64, f64)>; COLS + 1],
    /// Per row: its symbol's kind as an index into `KINDS` (or `None`), plus 4 times its level
    /// of branches coming in (`levels`).
    pub(super) kinds: Vec<Option<usize>>,
    /// The branches coming in (`Table::masuk`) of each level 1-3 of `kinds`: a row's extra
    /// connector rows are worked out once per actor width with the symbol's height, not per
    /// row (a lookup per row was 1% more of the solver's time).
    pub(super) levels: [usize; 3],
    /// Per row, the three tallest of its cells and its symbol (0 without one) at the widths
    /// being improved, with their columns (`SYMBOL` for the symbol), tallest first: the
    /// tallest of a row without one or two columns is the first of these not left out.
    pub(super) best: Vec<[(f64, usize); 3]>,
    /// Per row, its tallest cell at those widths (the symbol left out).
    pub(super) cells: Vec<f64>,
    /// Where the columns' heights that `best` and `cells` hold start in `pool`, and the
    /// actor width's bits (`fix`).
    pub(super) fixed: Option<([usize; COLS], u64)>,
}

impl<'a> Solver<'a> {
    pub(super) fn new(t: &'a Table, size: f64) -> Self {
        // The three largest counts of branches coming in, smallest first; a row with another
        // count takes the next larger (its estimate then errs taller).
        let mut counts: Vec<usize> = t.masuk.iter().copied().filter(|&m| m > 0).collect();
        counts.sort_unstable_by(|a, b| b.cmp(a));
        counts.dedup();
        let mut levels = [usize::MAX; 3];
        for (l, &m) in levels.iter_mut().zip(counts.iter().take(3).rev()) {
            *l = m;
        }
        levels.sort_unstable();
        Solver {
            t,
            size,
            index: Default::default(),
            slots: Vec::new(),
            classes: Default::default(),
            collided: Default::default(),
            last: [None; COLS + 1],
            spans: Default::default(),
            pool: Vec::new(),
            kinds: t
                .symbol
                .iter()
                .zip(&t.masuk)
                .map(|(s, &m)| {
                    let level = levels
                        .iter()
                        .position(|&l| l >= m && m > 0)
                        .map_or(0, |i| i + 1);
                    s.map(|k| KINDS.iter().position(|&x| x == k).unwrap_or(0) + 4 * level)
                })
                .collect(),
            levels,
            best: Vec::new(),
            cells: Vec::new(),
            fixed: None,
        }
    }

    /// The slot of column `c` (the actor headers for `ACTOR`) at width `w`, computed when new.
    pub(super) fn slot(&mut self, c: usize, w: f64) -> u32 {
        let k = key(w);
        if let Some(&s) = self.index[c].get(k)
            && s != NONE
        {
            return s;
        }
        if self.index[c].len() <= k {
            self.index[c].resize(k + 1, NONE);
        }
        if let Some((from, upto, s)) = self.last[c]
            && from <= w
            && w <= upto
        {
            self.index[c][k] = s;
            return s;
        }
        let at = self.pool.len();
        let (mut sum, mut upto) = (0.0, f64::INFINITY);
        let n = if c == ACTOR {
            self.t.heads.len()
        } else {
            self.t.rows.len()
        };
        let spans = &mut self.spans[c];
        if spans.len() != n {
            *spans = vec![(f64::INFINITY, f64::NEG_INFINITY, 0.0); n];
        }
        for (r, span) in spans.iter_mut().enumerate() {
            // A cell keeps its height from the width it was worked out at up to its span's
            // end (the promise `last` makes for the whole column, cell by cell).
            let (from, to, v) = *span;
            let (v, up) = if from <= w && w <= to {
                (v, to)
            } else {
                let paras = match c {
                    ACTOR => std::slice::from_ref(&self.t.heads[r]),
                    _ => &self.t.rows[r][c][..],
                };
                let (v, up) = cell_span(paras, w, self.size);
                *span = (w, up, v);
                (v, up)
            };
            self.pool.push(v);
            sum += v;
            upto = f64::min(upto, up);
        }
        self.pool.push(sum);
        let s = self.slots.len() as u32;
        let class = self.class_of(c, at, s);
        self.slots.push((at, class));
        self.index[c][k] = s;
        self.last[c] = Some((w, upto, s));
        s
    }

    /// The class of the new slot `s` of column `c` whose heights (and sum) start at `at`: the
    /// first slot of the column with the very same heights, compared bit by bit. Hashed in
    /// place (a `Vec` of the bits was built, hashed and dropped for every slot before).
    fn class_of(&mut self, c: usize, at: usize, s: u32) -> u32 {
        use std::hash::Hasher;
        let mut h = rustc_hash::FxHasher::default();
        for v in &self.pool[at..] {
            h.write_u64(v.to_bits());
        }
        let first = *self.classes.entry((c, h.finish())).or_insert(s);
        let same = |a: usize, b: usize, pool: &[f64]| {
            let n = pool.len() - b;
            pool[a..a + n]
                .iter()
                .zip(&pool[b..])
                .all(|(x, y)| x.to_bits() == y.to_bits())
        };
        if first == s || same(self.slots[first as usize].0, at, &self.pool) {
            return first;
        }
        let bits = self.pool[at..].iter().map(|v| v.to_bits()).collect();
        *self.collided.entry((c, bits)).or_insert(s)
    }

    /// Where the cell heights of column `c` at width `w` start in `pool`.
    pub(super) fn heights(&mut self, c: usize, w: f64) -> usize {
        let s = self.slot(c, w);
        self.slots[s as usize].0
    }

    pub(super) fn class(&mut self, c: usize, w: f64) -> u32 {
        let s = self.slot(c, w);
        self.slots[s as usize].1
    }

    pub(super) fn header(&mut self, w: &Widths) -> f64 {
        let one = (METRICS.cap * self.size * PT) + 2.0 * INSET_Y;
        let at = self.heights(ACTOR, w[ACTOR]);
        let n = self.t.heads.len();
        let actors = self.pool[at..at + n].iter().fold(one, |a, &b| a.max(b));
        one + actors
    }

    /// Where each text column's heights at `w` start in `pool`.
    pub(super) fn columns(&mut self, w: &Widths) -> [usize; COLS] {
        std::array::from_fn(|c| self.heights(c, w[c]))
    }

    /// The symbol's room for each of `KINDS` in an actor column `actor` wide, then the same
    /// with the extra connector rows of each of `levels`.
    pub(super) fn symbol_heights(&self, actor: f64) -> [f64; 16] {
        let base = KINDS.map(|k| symbol_height(actor, k));
        let mut sym = [0.0; 16];
        sym[..4].copy_from_slice(&base);
        for (l, &m) in self.levels.iter().enumerate() {
            if m != usize::MAX {
                let extra = connector_rows(actor, m);
                for k in 0..4 {
                    sym[4 * (l + 1) + k] = base[k] + extra;
                }
            }
        }
        sym
    }

    pub(super) fn row_of(&self, cols: &[usize; COLS], sym: &[f64; 16], r: usize) -> f64 {
        let mut h = self.kinds[r].map_or(0.0, |k| sym[k]);
        for &at in cols {
            h = h.max(self.pool[at + r]);
        }
        h
    }

    #[cfg(test)]
    pub(super) fn row(&mut self, r: usize, w: &Widths) -> f64 {
        let cols = self.columns(w);
        self.row_of(&cols, &self.symbol_heights(w[ACTOR]), r)
    }

    /// Table height, plus a small share of every cell's height so that growing a column that
    /// is not yet the tallest in its rows still counts (it will be once the others shrink).
    pub(super) fn cost(&mut self, w: &Widths) -> f64 {
        let cols = self.columns(w);
        let sym = self.symbol_heights(w[ACTOR]);
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

    pub(super) fn minimum(&self, c: usize) -> f64 {
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
    pub(super) fn pages(&mut self, w: &Widths, page: f64) -> (f64, usize) {
        let head = self.header(w);
        let room = page - head;
        let mut pages = 1;
        let mut used = 0.0;
        let mut total = head;
        let cols = self.columns(w);
        let sym = self.symbol_heights(w[ACTOR]);
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
    pub(super) fn natural(&self, c: usize) -> f64 {
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
    pub(super) fn natural_heads(&self) -> f64 {
        let em = self.size * PT;
        self.t
            .heads
            .iter()
            .map(|p| p.words.iter().map(|w| w.width + 0.278).sum::<f64>())
            .fold(0.0, f64::max)
            * em
            + 2.0 * INSET_X
    }

    pub(super) fn solve(&mut self, avail: f64, actor_floor: f64) -> Widths {
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
            let mut best: Option<(f64, usize, f64, f64)> = None;
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
                    let now = (self.header(&w), self.symbol_heights(w[ACTOR]));
                    let mut k = 1.0;
                    while k * step * unit <= free && k <= 40.0 {
                        if self.actor_no_lower(now, &w, w[c] + k * step) {
                            k += 1.0;
                            continue;
                        }
                        let cost = self.cost_actor(fixed, &w, w[c] + k * step);
                        let gain = current - cost;
                        if gain > 1e-6 {
                            let rate = gain / (k * step * unit);
                            if best.is_none_or(|b| rate > b.0) {
                                best = Some((rate, c, k * step, cost));
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
                    let cost = self.cost_varied(fixed, [(c, at)]);
                    let gain = current - cost;
                    if gain > 1e-6 {
                        let rate = gain / (k * step * unit);
                        if best.is_none_or(|b| rate > b.0) {
                            best = Some((rate, c, k * step, cost));
                        }
                        break;
                    }
                }
            }
            let Some((_, c, d, cost)) = best else { break };
            w[c] += d;
            free -= d * if c == ACTOR { n } else { 1.0 };
            // The cost the new widths were tried at is theirs to the bit (the shortcuts'
            // promise): not worked out again.
            current = cost;
            debug_assert_eq!(current.to_bits(), self.cost(&w).to_bits());
        }
        // Greedy growth cannot take back: move width between columns while that lowers the
        // height (a Kegiatan left narrow while a long list took the width, say).
        for _ in 0..60 {
            let mut best: Option<(f64, usize, usize, f64, f64)> = None;
            let fixed = self.fix(&w);
            let mut excl = Vec::with_capacity(self.best.len());
            for from in [KEG, KEL, WAKTU, OUT, KET] {
                let from_now = self.class(from, w[from]);
                // The narrower widths of `from`, looked up when first needed (in the order
                // they always were) and kept for every other column.
                let mut narrower: [Option<(usize, u32)>; 5] = [None; 5];
                for to in [KEG, KEL, WAKTU, OUT, KET] {
                    // A column already on one line per paragraph gains nothing from more width.
                    if from == to || w[to] >= full[to] {
                        continue;
                    }
                    let to_now = self.class(to, w[to]);
                    excl.clear();
                    for (i, d) in [1.0, 2.0, 4.0, 8.0, 16.0].into_iter().enumerate() {
                        if w[from] - d < mins[from] {
                            break;
                        }
                        let mut t = w;
                        t[from] -= d;
                        t[to] += d;
                        let (a, ca) = match narrower[i] {
                            Some(known) => known,
                            None => {
                                let sa = self.slot(from, t[from]);
                                *narrower[i].insert(self.slots[sa as usize])
                            }
                        };
                        let sb = self.slot(to, t[to]);
                        let (b, cb) = self.slots[sb as usize];
                        // Both wrapped the same: the very same cost, no gain.
                        if ca == from_now && cb == to_now {
                            continue;
                        }
                        if excl.is_empty() {
                            self.excluding(from, to, &mut excl);
                        }
                        let cost = self.cost_moved(fixed, &excl, (from, a), (to, b));
                        let gain = current - cost;
                        if gain > 1e-6 && best.is_none_or(|b| gain > b.0) {
                            best = Some((gain, from, to, d, cost));
                        }
                    }
                }
            }
            let Some((_, from, to, d, cost)) = best else {
                break;
            };
            w[from] -= d;
            w[to] += d;
            current = cost;
            debug_assert_eq!(current.to_bits(), self.cost(&w).to_bits());
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
