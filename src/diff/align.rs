//! Aligning two sequences of texts by content, not by position: an inserted item is one
//! insertion, not a cascade of changes; an item taken from elsewhere is a move.

use similar::{Algorithm, DiffOp, capture_diff_slices};

use crate::diff::words::{normal, shares_word, similarity};

/// Items whose texts are at least this alike are taken as one item changed.
const ALIKE: f32 = 0.5;

/// How each old item relates to the new ones.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Alignment {
    /// `(old index, new index)` of every item found on both sides, by old index.
    pub pairs: Vec<(usize, usize)>,
    /// The pairs whose order relative to the others changed (by old index).
    pub moved: Vec<usize>,
}

impl Alignment {
    /// The new index of old item `i`, if it is still there.
    pub(crate) fn new_of(&self, i: usize) -> Option<usize> {
        self.pairs.iter().find(|p| p.0 == i).map(|p| p.1)
    }

    /// The old index of new item `j`, if it was there before.
    pub(crate) fn old_of(&self, j: usize) -> Option<usize> {
        self.pairs.iter().find(|p| p.1 == j).map(|p| p.0)
    }
}

/// Aligns `old` with `new`: first the longest run of equal texts in order, then equal texts
/// out of order (moves), then the most alike remaining pairs.
pub(crate) fn align(old: &[String], new: &[String]) -> Alignment {
    let ok: Vec<String> = old.iter().map(|s| normal(s)).collect();
    let nk: Vec<String> = new.iter().map(|s| normal(s)).collect();
    let mut pairs = Vec::new();
    for op in capture_diff_slices(Algorithm::Patience, &ok, &nk) {
        if let DiffOp::Equal {
            old_index,
            new_index,
            len,
        } = op
        {
            pairs.extend((0..len).map(|k| (old_index + k, new_index + k)));
        }
    }
    let mut old_free: Vec<usize> = (0..old.len())
        .filter(|i| !pairs.iter().any(|p| p.0 == *i))
        .collect();
    let mut new_free: Vec<usize> = (0..new.len())
        .filter(|j| !pairs.iter().any(|p| p.1 == *j))
        .collect();

    // Equal texts left over were moved.
    let mut k = 0;
    while k < old_free.len() {
        let i = old_free[k];
        if let Some(pos) = new_free.iter().position(|&j| nk[j] == ok[i]) {
            pairs.push((i, new_free.remove(pos)));
            old_free.remove(k);
        } else {
            k += 1;
        }
    }

    // Then the most alike pairs, nearest first among equals.
    let mut candidates: Vec<(f32, usize, usize)> = Vec::new();
    for &i in &old_free {
        for &j in &new_free {
            let s = similarity(&old[i], &new[j]);
            if s >= ALIKE {
                candidates.push((s, i, j));
            }
        }
    }
    candidates.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then_with(|| a.1.abs_diff(a.2).cmp(&b.1.abs_diff(b.2)))
            .then_with(|| (a.1, a.2).cmp(&(b.1, b.2)))
    });
    for (_, i, j) in candidates {
        if old_free.contains(&i) && new_free.contains(&j) {
            old_free.retain(|&x| x != i);
            new_free.retain(|&x| x != j);
            pairs.push((i, j));
        }
    }
    // Last, a lone item replaced by a lone item between the same neighbours is that item
    // reworded, however much, as long as some word is shared ("Mengirim surat" → "Mengirim surat
    // melalui ekspedisi").
    pairs.sort_unstable();
    let gap = |pairs: &[(usize, usize)], old_side: bool, k: usize| {
        let side = |p: &(usize, usize)| if old_side { p.0 } else { p.1 };
        let before = pairs
            .iter()
            .filter(|p| side(p) < k)
            .max_by_key(|p| side(p))
            .copied();
        let after = pairs
            .iter()
            .filter(|p| side(p) > k)
            .min_by_key(|p| side(p))
            .copied();
        (before, after)
    };
    let lone: Vec<(usize, usize)> = old_free
        .iter()
        .filter_map(|&i| {
            let g = gap(&pairs, true, i);
            let olds = old_free
                .iter()
                .filter(|&&x| gap(&pairs, true, x) == g)
                .count();
            let news: Vec<usize> = new_free
                .iter()
                .copied()
                .filter(|&j| gap(&pairs, false, j) == g)
                .collect();
            (olds == 1 && news.len() == 1 && shares_word(&old[i], &new[news[0]]))
                .then(|| (i, news[0]))
        })
        .collect();
    pairs.extend(lone);
    pairs.sort_unstable();
    let kept = longest_increasing(&pairs.iter().map(|p| p.1).collect::<Vec<_>>());
    let moved = pairs
        .iter()
        .enumerate()
        .filter(|(k, _)| !kept.contains(k))
        .map(|(_, p)| p.0)
        .collect();
    Alignment { pairs, moved }
}

/// The positions of one longest strictly increasing subsequence of `xs` (patience sorting);
/// among equally long ones, the one ending earliest.
fn longest_increasing(xs: &[usize]) -> Vec<usize> {
    // tails[l] = position of the smallest last element of an increasing run of length l + 1.
    let mut tails: Vec<usize> = Vec::new();
    let mut prev: Vec<Option<usize>> = vec![None; xs.len()];
    for (k, &x) in xs.iter().enumerate() {
        let l = tails.partition_point(|&t| xs[t] < x);
        prev[k] = l.checked_sub(1).map(|p| tails[p]);
        if l == tails.len() {
            tails.push(k);
        } else {
            tails[l] = k;
        }
    }
    let mut out = Vec::with_capacity(tails.len());
    let mut at = tails.last().copied();
    while let Some(k) = at {
        out.push(k);
        at = prev[k];
    }
    out.reverse();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(xs: &[&str]) -> Vec<String> {
        xs.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn an_insertion_is_not_a_cascade() {
        let a = align(&v(&["a", "b", "c"]), &v(&["a", "x", "b", "c"]));
        assert_eq!(a.pairs, vec![(0, 0), (1, 2), (2, 3)]);
        assert!(a.moved.is_empty());
    }

    #[test]
    fn a_moved_item_is_found_and_marked() {
        let a = align(
            &v(&["mulai", "arsip surat", "periksa berkas", "selesai"]),
            &v(&["mulai", "periksa berkas", "selesai", "arsip surat"]),
        );
        assert_eq!(a.pairs, vec![(0, 0), (1, 3), (2, 1), (3, 2)]);
        assert_eq!(a.moved, vec![1]);
    }

    #[test]
    fn alike_texts_pair_and_strangers_do_not() {
        let a = align(
            &v(&["Memeriksa kelengkapan berkas permohonan", "Menyerahkan"]),
            &v(&["Memeriksa kelengkapan berkas", "Mengarsipkan dokumen"]),
        );
        assert_eq!(a.pairs, vec![(0, 0)]);
    }

    #[test]
    fn a_lone_replacement_sharing_a_word_is_a_change() {
        let a = align(
            &v(&["mulai", "Mengirim surat", "selesai"]),
            &v(&[
                "mulai",
                "Mengirim surat lewat pos tercatat dengan tanda terima",
                "selesai",
            ]),
        );
        assert_eq!(a.pairs, vec![(0, 0), (1, 1), (2, 2)]);
        let b = align(
            &v(&["mulai", "Mengirim surat", "selesai"]),
            &v(&["mulai", "Arsip", "selesai"]),
        );
        assert_eq!(b.pairs, vec![(0, 0), (2, 2)]);
    }

    #[test]
    fn longest_increasing_picks_the_kept_order() {
        assert_eq!(longest_increasing(&[0, 3, 1, 2]), vec![0, 2, 3]);
        assert_eq!(longest_increasing(&[]), Vec::<usize>::new());
    }
}
