//! The solver's shortcut costs: the widths being improved on are fixed once (`fix`), then a
//! candidate that changes one or two columns, or the actor width, is costed from what `fix`
//! kept rather than from every row again (`cost_varied`, `cost_moved`, `cost_actor`), to the
//! same bits as `Solver::cost`. Apart from `solver.rs` only to keep each file under 600 lines.

use super::*;

/// `a.max(b)` for the values these sums see: heights (above zero), a symbol's room (zero
/// without one) and `fix`'s placeholders (-1), never NaN, so `f64::max`'s care for NaN is
/// only cost (it was half the instructions of the rows' loops); a `maxsd` does.
#[inline]
fn hi(a: f64, b: f64) -> f64 {
    if a >= b { a } else { b }
}

impl Solver<'_> {
    /// Takes `w` as the widths to improve on: fills `best` and returns what `cost` adds up
    /// besides the rows. From the widths given last time with the same actor width, only the
    /// rows' entries of the columns whose heights changed are updated (`refix`): a round of
    /// the greedy loop changes one column, a move two.
    pub(super) fn fix(&mut self, w: &Widths) -> Fixed {
        let cols = self.columns(w);
        let head = self.header(w);
        let n = self.t.rows.len();
        let actor = w[ACTOR].to_bits();
        match self.fixed {
            Some((mut now, a)) if a == actor && self.best.len() == n => {
                let mut sym = None;
                for c in 0..COLS {
                    if now[c] != cols[c] {
                        let old = now[c];
                        now[c] = cols[c];
                        self.refix(c, old, &now, &mut sym, w[ACTOR]);
                    }
                }
            }
            _ => {
                let sym = self.symbol_heights(w[ACTOR]);
                self.best.clear();
                self.cells.clear();
                for r in 0..n {
                    let (cells, top) = self.row_top(&cols, &sym, r);
                    self.cells.push(cells);
                    self.best.push(top);
                }
            }
        }
        self.fixed = Some((cols, actor));
        (head, cols.map(|at| self.pool[at + n]))
    }

    /// Row `r`'s tallest cell and its three tallest entries (cells and symbol) at the columns'
    /// heights `cols`, as `best` and `cells` keep them.
    fn row_top(&self, cols: &[usize; COLS], sym: &[f64; 16], r: usize) -> (f64, [(f64, usize); 3]) {
        let cells = cols
            .iter()
            .fold(0.0, |h: f64, &at| h.max(self.pool[at + r]));
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
        (cells, top)
    }

    /// `best` and `cells` with column `c`'s heights moved from `old` to `cols[c]` (the other
    /// columns at `cols`). What `cost_varied` and `excluding` read of a row is the tallest of
    /// its entries outside at most two columns, the same whichever of equal entries are kept,
    /// so it suffices that `best` holds three tallest: every value not in it is at most its
    /// third. A row whose entry of `c` drops below that third is worked out again whole.
    fn refix(
        &mut self,
        c: usize,
        old: usize,
        cols: &[usize; COLS],
        sym: &mut Option<[f64; 16]>,
        actor: f64,
    ) {
        for r in 0..self.best.len() {
            let (v, was) = (self.pool[cols[c] + r], self.pool[old + r]);
            let cells = self.cells[r];
            self.cells[r] = if was < cells {
                cells.max(v)
            } else {
                cols.iter()
                    .fold(0.0, |h: f64, &at| h.max(self.pool[at + r]))
            };
            let top = self.best[r];
            let third = top[2].0;
            let rest: [(f64, usize); 2] = match top.iter().position(|t| t.1 == c) {
                None => [top[0], top[1]],
                Some(_) if v < third => {
                    let sym = *sym.get_or_insert_with(|| self.symbol_heights(actor));
                    self.best[r] = self.row_top(cols, &sym, r).1;
                    continue;
                }
                Some(0) => [top[1], top[2]],
                Some(1) => [top[0], top[2]],
                Some(_) => [top[0], top[1]],
            };
            let kept = if top.iter().any(|t| t.1 == c) {
                None
            } else {
                Some(top[2])
            };
            // The two kept, then `v`, in order (the third kept only when `c` was not among
            // them and `v` does not pass it).
            self.best[r] = if v > rest[0].0 {
                [(v, c), rest[0], rest[1]]
            } else if v > rest[1].0 {
                [rest[0], (v, c), rest[1]]
            } else {
                match kept {
                    Some(k) if v <= k.0 => [rest[0], rest[1], k],
                    _ => [rest[0], rest[1], (v, c)],
                }
            };
        }
    }

    /// `cost` of the widths last given to `fix`, with the text columns of `changed` (column,
    /// start of its heights in `pool`) at other widths. The same sums in the same order, so
    /// the same value to the last bit (a row's maximum is exact in any order), without going
    /// over the other columns again for every width tried.
    pub(super) fn cost_varied<const N: usize>(
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
                h = hi(h, self.pool[at + r]);
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

    /// Per row, its tallest cell or symbol at the widths last given to `fix` but in columns
    /// `a` and `b`: where `cost_varied` starts a row with those two columns changed.
    pub(super) fn excluding(&self, a: usize, b: usize, out: &mut Vec<f64>) {
        out.extend(self.best.iter().map(|top| {
            top.iter()
                .find(|t| t.1 != a && t.1 != b)
                .map_or(0.0, |t| t.0)
        }));
    }

    /// `cost_varied(fixed, [(from, a), (to, b)])` with `excl` from `excluding(from, to)`:
    /// the same sums in the same order, so the same value to the last bit. Moving width
    /// between columns tries up to five widths per pair, each row started once for them.
    pub(super) fn cost_moved(
        &self,
        (head, sums): Fixed,
        excl: &[f64],
        (from, a): (usize, usize),
        (to, b): (usize, usize),
    ) -> f64 {
        let n = self.best.len();
        let mut total = head;
        for (r, &e) in excl.iter().enumerate() {
            total += hi(hi(e, self.pool[a + r]), self.pool[b + r]);
        }
        for c in [KEG, KEL, OUT, KET, WAKTU] {
            let sum = if c == from {
                self.pool[a + n]
            } else if c == to {
                self.pool[b + n]
            } else {
                sums[c]
            };
            total += 0.05 * sum;
        }
        total
    }

    /// Whether `cost_actor` at `actor` is sure to be no lower than the cost at `w`, whose
    /// header and symbol heights are `now`: when neither the header nor any symbol's room is
    /// lower at `actor`, every term of the sum is at least the one at `w`, and a rounded sum
    /// of terms no smaller is no smaller. Such a width cannot gain, so the rows are not added
    /// up for it (they were a fifth of the solver's own time: most actor widths tried only
    /// make the symbols' room the same or taller).
    pub(super) fn actor_no_lower(&mut self, now: (f64, [f64; 16]), w: &Widths, actor: f64) -> bool {
        let mut t = *w;
        t[ACTOR] = actor;
        self.header(&t) >= now.0
            && self
                .symbol_heights(actor)
                .iter()
                .zip(&now.1)
                .all(|(a, b)| a >= b)
    }

    /// `cost` of the widths last given to `fix` with the actor columns `actor` wide: the
    /// header and the symbols change, the text columns stay.
    pub(super) fn cost_actor(&mut self, (_, sums): Fixed, w: &Widths, actor: f64) -> f64 {
        let mut t = *w;
        t[ACTOR] = actor;
        let sym = self.symbol_heights(actor);
        let mut total = self.header(&t);
        for (r, &cells) in self.cells.iter().enumerate() {
            total += hi(self.kinds[r].map_or(0.0, |k| sym[k]), cells);
        }
        for c in [KEG, KEL, OUT, KET, WAKTU] {
            total += 0.05 * sums[c];
        }
        total
    }
}
