//! The solver's shortcut costs: the widths being improved on are fixed once (`fix`), then a
//! candidate that changes one or two columns, or the actor width, is costed from what `fix`
//! kept rather than from every row again (`cost_varied`, `cost_moved`, `cost_actor`), to the
//! same bits as `Solver::cost`. Apart from `solver.rs` only to keep each file under 600 lines.

use super::*;

impl Solver<'_> {
    /// Takes `w` as the widths to improve on: fills `best` and returns what `cost` adds up
    /// besides the rows.
    pub(super) fn fix(&mut self, w: &Widths) -> Fixed {
        let cols = self.columns(w);
        let sym = self.symbol_heights(w[ACTOR]);
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
            total += e.max(self.pool[a + r]).max(self.pool[b + r]);
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

    /// `cost` of the widths last given to `fix` with the actor columns `actor` wide: the
    /// header and the symbols change, the text columns stay.
    pub(super) fn cost_actor(&mut self, (_, sums): Fixed, w: &Widths, actor: f64) -> f64 {
        let mut t = *w;
        t[ACTOR] = actor;
        let sym = self.symbol_heights(actor);
        let mut total = self.header(&t);
        for (r, &cells) in self.cells.iter().enumerate() {
            total += self.kinds[r].map_or(0.0, |k| sym[k]).max(cells);
        }
        for c in [KEG, KEL, OUT, KET, WAKTU] {
            total += 0.05 * sums[c];
        }
        total
    }
}
