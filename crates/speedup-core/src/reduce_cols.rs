//! Lanes whose rows lie side by side in memory, each row a strided run: the whole `sum` of a
//! Fortran-order matrix (`x.T` of a C-order one), read a memory row at a time.
//!
//! A lane here is `R` rows of `C` elements in C order, row `i` element `j` at `i + j * step`
//! from the lane's origin, so rows `i` and `i + 1` are neighbours in memory. The flat kernel's
//! leaves ([`mod@crate::reduce`]) are runs of [`LEAF`] consecutive elements of that order: a
//! run down one strided row, or the end of one row and the start of the next. A tile of
//! neighbouring rows ("tracks") is read a memory row at a time, contiguously, with the
//! AVX2 row kernel of [`crate::reduce_tiles`]; each track keeps its own eight sublanes, and
//! element `(i, j)` goes to sublane `(i * C + j) % 8` (its place in its leaf, modulo 8, since
//! leaves start at multiples of [`LEAF`]), in order, with the same TwoSum: each leaf gets the
//! flat leaf's bits. Sublanes are stored in slot `j % 8` (the same for every track, so a memory
//! row goes to one slot), and a leaf's sublanes are read back through the track's rotation.
//!
//! A leaf that runs from the end of row `i` into the start of row `i + 1` (when `C` is not a
//! multiple of [`LEAF`]) must add row `i`'s tail before row `i + 1`'s head, while the sweep
//! reads both heads first; so the sweep keeps each track's tail state, and a second, short sweep
//! over the heads (at most `LEAF - 1` memory rows, read again) continues each head from the
//! previous track's tail. A tile also carries the row before its own (its tail feeds the tile's
//! first head), and stores only the leaves that end in its own rows. Rows of at least [`LEAF`]
//! elements only (so a leaf spans at most two rows); the leaf sums then go through the flat
//! kernel's tree over leaves.

use crate::error::Error;
use crate::nan::canon;
use crate::reduce::{finish_leaf, Acc, Term, LEAF};
use crate::reduce_axes::{finish, worth_parallel, Reduction};
use crate::reduce_tiles::{add_rows, join_leaves, Src, W};
use crate::strided::{Elem, Plan, Strided};
use rayon::prelude::*;

/// The shape of each lane: `rows` rows of `cols` elements, element `(i, j)` at `i + j * step`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Cols {
    rows: usize,
    cols: usize,
    step: isize,
}

impl Cols {
    /// The row layout of `p`'s lanes, when their rows lie side by side and hold at least a leaf.
    pub(crate) fn new(p: &Plan) -> Option<Cols> {
        match p.lane.as_slice() {
            &[(rows, 1), (cols, step)] if rows >= 2 && cols >= LEAF => {
                Some(Cols { rows, cols, step })
            }
            _ => None,
        }
    }

    /// The first leaf that ends in row `a` or later (all leaves end in rows `0..rows`).
    fn first_leaf_from(&self, a: usize) -> usize {
        if a >= self.rows {
            (self.rows * self.cols).div_ceil(LEAF)
        } else {
            a * self.cols / LEAF
        }
    }
}

/// Reduces every lane of `p` into `out` (C order of the kept axes).
pub(crate) fn run<T: Elem>(
    x: &Strided<'_, T>,
    p: &Plan,
    g: &Cols,
    red: Reduction,
    out: &mut [f64],
) -> crate::Result<()> {
    let n = p.lane_len;
    let par = worth_parallel(p);
    for (q, o) in out.iter_mut().enumerate() {
        // SAFETY: the lane's origin lies inside the view.
        let origin = unsafe { x.ptr_at(p.lane_offset(q)) };
        let sums = leaf_sums(origin, g, None, par, red.kernel())?;
        let squares = match red {
            Reduction::Std { .. } => {
                let s = canon(join_leaves(&|l| sums[l], 0, sums.len()).value());
                let m = canon(s / n as f64);
                Some(leaf_sums(origin, g, Some(m), par, red.kernel())?)
            }
            _ => None,
        };
        *o = finish(red, n, |term| {
            let acc = match term {
                Term::Value => &sums,
                Term::SquaredDeviation(_) => squares.as_ref().expect("std pass"),
            };
            join_leaves(&|l| acc[l], 0, acc.len())
        });
    }
    Ok(())
}

/// Every leaf of the lane at `origin` (of the squared deviations from `m` when given).
fn leaf_sums<T: Elem>(
    origin: *const T,
    g: &Cols,
    m: Option<f64>,
    par: bool,
    kernel: &'static str,
) -> crate::Result<Vec<Acc>> {
    let leaves = (g.rows * g.cols).div_ceil(LEAF);
    let mut acc = Vec::new();
    acc.try_reserve_exact(leaves)
        .map_err(|_| Error::Allocation {
            kernel,
            what: format!("{leaves} leaf sums"),
        })?;
    acc.resize(leaves, Acc::default());
    // Tiles own `W - 1` rows each (a tile's first track is the row before its own).
    let own = W - 1;
    let mut parts: Vec<(usize, &mut [Acc])> = Vec::new();
    let mut rest = acc.as_mut_slice();
    for a in (0..g.rows).step_by(own) {
        let b = (a + own).min(g.rows);
        let (mine, tail) = rest.split_at_mut(g.first_leaf_from(b) - g.first_leaf_from(a));
        parts.push((a, mine));
        rest = tail;
    }
    let origin = Origin(origin);
    let one = |(a, mine): &mut (usize, &mut [Acc])| {
        let b = (*a + own).min(g.rows);
        tile(&origin, g, *a, b, m, mine);
    };
    if par {
        crate::threads::run(|| parts.par_iter_mut().for_each(one));
    } else {
        parts.iter_mut().for_each(one);
    }
    Ok(acc)
}

/// The lane's origin, shared by the tasks that read it.
struct Origin<T>(*const T);
// SAFETY: the tasks only read through the pointer, and `T` is `Sync`.
unsafe impl<T: Sync> Sync for Origin<T> {}

impl<T> Origin<T> {
    #[cfg(test)]
    fn ptr(&self) -> *const T {
        self.0
    }
}

/// The leaves that end in rows `a..b` of the lane, into `mine` (from leaf
/// `g.first_leaf_from(a)` on).
fn tile<T: Elem>(
    origin: &Origin<T>,
    g: &Cols,
    a: usize,
    b: usize,
    m: Option<f64>,
    mine: &mut [Acc],
) {
    let t0 = a.saturating_sub(1);
    let wn = b - t0;
    let src = Src {
        // SAFETY: row `t0` of the lane lies inside the view.
        origin: unsafe { origin.0.add(t0) },
        step: g.step,
        wn,
        rows: g.cols,
    };
    let ms = m.map(|m| [m; W]);
    let first = g.first_leaf_from(a);
    // Track `w` is row `t0 + w`: its first element's place in the flat order, where its first
    // leaf starts (column), and the rotation from slots to sublanes.
    let start = |w: usize| (t0 + w) * g.cols;
    let head = |w: usize| (LEAF - start(w) % LEAF) % LEAF;
    let rot = |w: usize| start(w) % 8;
    let mut s = [[0.0f64; W]; 8];
    let mut c = [[0.0f64; W]; 8];
    // Takes track `w`'s sublanes (in sublane order) and clears them.
    let take = |s: &mut [[f64; W]; 8], c: &mut [[f64; W]; 8], w: usize| {
        let r = rot(w);
        let mut ss = [0.0f64; 8];
        let mut cc = [0.0f64; 8];
        for k in 0..8 {
            let slot = (k + 8 - r) % 8;
            ss[k] = std::mem::take(&mut s[slot][w]);
            cc[k] = std::mem::take(&mut c[slot][w]);
        }
        (ss, cc)
    };
    let mut store = |w: usize, leaf: usize, (ss, cc): ([f64; 8], [f64; 8])| {
        if t0 + w >= a {
            mine[leaf - first] = finish_leaf(ss, cc, &[], &|v| v);
        }
    };
    // The main sweep: every memory row; at each leaf start of a track, its running leaf ends
    // (the head before the first start is dropped: the second sweep computes it).
    let mut events: Vec<(usize, usize)> = Vec::new();
    for w in 0..wn {
        events.extend((head(w)..g.cols).step_by(LEAF).map(|j| (j, w)));
    }
    events.sort_unstable();
    let mut j = 0;
    for &(col, w) in &events {
        // SAFETY: memory rows `j..col < cols` of the tile's tracks lie inside the view.
        unsafe { add_rows(&src, j..col, 0, ms.as_ref(), (&mut s, &mut c)) };
        j = col;
        let got = take(&mut s, &mut c, w);
        if col != head(w) {
            store(w, (start(w) + col) / LEAF - 1, got);
        }
    }
    // SAFETY: as above.
    unsafe { add_rows(&src, j..g.cols, 0, ms.as_ref(), (&mut s, &mut c)) };
    let mut tails = vec![([0.0f64; 8], [0.0f64; 8]); wn];
    for (w, t) in tails.iter_mut().enumerate() {
        let end = start(w) + g.cols;
        let got = take(&mut s, &mut c, w);
        if end.is_multiple_of(LEAF) || t0 + w + 1 == g.rows {
            store(w, (end - 1) / LEAF, got);
        } else {
            *t = got;
        }
    }
    // The heads: each continues the previous track's tail, and ends at the track's first leaf
    // start.
    let mut events: Vec<(usize, usize)> = (1..wn)
        .filter(|&w| head(w) > 0)
        .map(|w| (head(w), w))
        .collect();
    events.sort_unstable();
    for &(_, w) in &events {
        let r = rot(w);
        let (ss, cc) = tails[w - 1];
        for k in 0..8 {
            let slot = (k + 8 - r) % 8;
            s[slot][w] = ss[k];
            c[slot][w] = cc[k];
        }
    }
    let mut j = 0;
    for &(col, w) in &events {
        // SAFETY: as above.
        unsafe { add_rows(&src, j..col, 0, ms.as_ref(), (&mut s, &mut c)) };
        j = col;
        let got = take(&mut s, &mut c, w);
        store(w, (start(w) + col) / LEAF - 1, got);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reduce::leaf_term;
    use crate::test_support::lcg_step;
    use std::sync::atomic::Ordering::Relaxed;

    /// Every leaf's running sum and error, bit for bit, against the flat leaf on that leaf's
    /// elements copied out in C order: a test of the final value alone would miss a wrong
    /// sublane order, which the compensation mostly hides.
    #[test]
    fn every_leaf_has_the_flat_leafs_sum_and_error() {
        for &(rows, cols) in &[(300, 1100), (600, 1030), (5, 2048), (260, 1025), (2, 1024)] {
            let mut st = rows as u64 * 7 + cols as u64;
            let data: Vec<f64> = (0..rows * cols)
                .map(|i| {
                    st = lcg_step(st);
                    let u = (st >> 11) as f64 / (1u64 << 53) as f64 - 0.5;
                    [u * 1e15, u, -u * 3e-5, u * 7.0e8][i % 4]
                })
                .collect();
            // Row `i` element `j` at `i + j * rows`: the transpose of a C-order (cols, rows);
            // or, stepping back, at `i + (cols - 1 - j) * rows` (its columns reversed).
            for back in [false, true] {
                let at = |e: usize| {
                    let (i, j) = (e / cols, e % cols);
                    i + if back { cols - 1 - j } else { j } * rows
                };
                let logical: Vec<f64> = (0..rows * cols).map(|e| data[at(e)]).collect();
                let g = Cols {
                    rows,
                    cols,
                    step: if back {
                        -(rows as isize)
                    } else {
                        rows as isize
                    },
                };
                let origin = data[at(0)..].as_ptr();
                check_leaves(origin, &g, &logical);
            }
        }
    }

    /// Every leaf of the lane at `origin` (both row loops, both passes' terms, with and
    /// without the pool) against the flat leaf on `logical`, the lane's elements in C order.
    fn check_leaves(origin: *const f64, g: &Cols, logical: &[f64]) {
        let origin = &Origin(origin);
        let term_of = |m: Option<f64>| m.map_or(Term::Value, Term::SquaredDeviation);
        let bits = |a: &Acc| (a.s.to_bits(), a.c.to_bits());
        for portable in [false, true] {
            crate::reduce_tiles::PORTABLE_ROWS.store(portable, Relaxed);
            for m in [None, Some(0.125)] {
                let want: Vec<_> = logical
                    .chunks(LEAF)
                    .map(|l| bits(&leaf_term(l, term_of(m))))
                    .collect();
                for par in [false, true] {
                    let got = crate::threads::run(move || {
                        leaf_sums(origin.ptr(), g, m, par, "t").unwrap()
                    });
                    let got: Vec<_> = got.iter().map(bits).collect();
                    assert_eq!(got, want, "{g:?} {m:?} portable {portable} par {par}");
                }
            }
        }
        crate::reduce_tiles::PORTABLE_ROWS.store(false, Relaxed);
    }
}
