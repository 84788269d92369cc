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
//! first head), and stores only the leaves that end in its own rows. Groups of neighbouring
//! tiles sweep the memory rows a block at a time (each tile's state kept between blocks), so
//! a block's rows are read across the group's width while they are fresh. Rows of at least
//! [`LEAF`] elements only (so a leaf spans at most two rows); the leaf sums then go through the
//! flat kernel's tree over leaves, and the thread count decides only who computes a tile.
//! Where the CPU has AVX-512, the leaves come from [`crate::reduce_passes`] instead: the same
//! sublanes, one memory row in eight at a time, in wider tiles.

use crate::error::{Error, Result};
use crate::nan::canon;
use crate::reduce::{finish_leaf, join_leaves, Acc, Term, LEAF};
use crate::reduce_axes::{finish, worth_parallel, Call, Reduction};
use crate::reduce_tiles::{add_rows, Span, Src, W};
use crate::strided::{Elem, Plan};
use rayon::prelude::*;

/// The shape of each lane: `rows` rows of `cols` elements, element `(i, j)` at `i + j * step`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Cols {
    pub(crate) rows: usize,
    pub(crate) cols: usize,
    pub(crate) step: isize,
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
    pub(crate) fn first_leaf_from(&self, a: usize) -> usize {
        if a >= self.rows {
            (self.rows * self.cols).div_ceil(LEAF)
        } else {
            a * self.cols / LEAF
        }
    }
}

/// Reduces every lane of `p` into `out` (C order of the kept axes).
pub(crate) fn run<T: Elem>(call: &Call<'_, T>, g: &Cols, out: &mut [f64]) -> Result<()> {
    let Call { x, p, red } = *call;
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
) -> Result<Vec<Acc>> {
    let leaves = (g.rows * g.cols).div_ceil(LEAF);
    let mut acc = Vec::new();
    acc.try_reserve_exact(leaves)
        .map_err(|_| Error::Allocation {
            kernel,
            what: format!("{leaves} leaf sums"),
        })?;
    acc.resize(leaves, Acc::default());
    #[cfg(target_arch = "x86_64")]
    if crate::reduce_tiles::rows_path() == crate::simd::Isa::Avx512 {
        // SAFETY: AVX-512 was detected at run time; the lane lies inside the view.
        unsafe { crate::reduce_passes::leaf_sums(origin, g, m, par, kernel, &mut acc)? };
        return Ok(acc);
    }
    let mut parts: Vec<(usize, usize, &mut [Acc])> = Vec::new();
    let mut rest = acc.as_mut_slice();
    for (a, b) in tile_bounds(origin, g, W) {
        let (mine, tail) = rest.split_at_mut(g.first_leaf_from(b) - g.first_leaf_from(a));
        parts.push((a, b, mine));
        rest = tail;
    }
    let origin = Origin(origin);
    // A group of neighbouring tiles sweeps the memory rows a block at a time, every tile of the
    // group per block: a block's rows are read across the group's whole width while its pages
    // are fresh (what the hardware prefetched past one tile's columns serves the next tile).
    let group = |tiles: &mut [(usize, usize, &mut [Acc])]| {
        let mut run: Vec<Tile<'_, T>> = tiles
            .iter_mut()
            .map(|(a, b, mine)| Tile::new(&origin, g, *a, *b, m, mine))
            .collect();
        for to in (1..=g.cols.div_ceil(BLOCK)).map(|k| (k * BLOCK).min(g.cols)) {
            run.iter_mut().for_each(|t| t.sweep_to(g, to));
        }
        run.iter_mut().for_each(|t| t.finish(g));
    };
    if par {
        crate::threads::run(|| parts.par_chunks_mut(GROUP).for_each(group));
    } else {
        parts.chunks_mut(GROUP).for_each(group);
    }
    Ok(acc)
}

/// The rows `a..b` each tile of at most `width` tracks owns (a tile's first track is the row
/// before its own, `a - 1`). Every tile after the first starts eight elements from a cache
/// line (where the memory rows' stride is a multiple of eight, the row kernel's loads then
/// never straddle two lines: 1.2x faster measured here), so the first owns up to `width` rows
/// and the others `width - 8`.
pub(crate) fn tile_bounds<T>(origin: *const T, g: &Cols, width: usize) -> Vec<(usize, usize)> {
    let to_line = (8 - (origin as usize / std::mem::size_of::<T>()) % 8) % 8;
    let first = 1 + to_line + 8 * ((width - 1 - to_line) / 8);
    let mut bounds = Vec::new();
    let mut a = 0;
    while a < g.rows {
        let b = if a == 0 { first } else { a + width - 8 }.min(g.rows);
        bounds.push((a, b));
        a = b;
    }
    bounds
}

/// Memory rows per block of the main sweep.
const BLOCK: usize = LEAF;
/// Tiles per group (their states, 32 KiB each, stay in the L2 cache between blocks).
const GROUP: usize = 8;

/// The lane's origin, shared by the tasks that read it.
pub(crate) struct Origin<T>(pub(crate) *const T);
// SAFETY: the tasks only read through the pointer, and `T` is `Sync`.
unsafe impl<T: Sync> Sync for Origin<T> {}

impl<T> Origin<T> {
    #[cfg(test)]
    fn ptr(&self) -> *const T {
        self.0
    }
}

/// A tile's running sums or errors, `[slot][track]`, each slot's row on a cache-line boundary
/// (a 64-byte load or store that straddles two lines costs two).
#[repr(C, align(64))]
struct Rows([[f64; W]; 8]);

/// One tile: the tracks `t0..b` (rows of the lane; `t0` is the row before `a` when there is
/// one), their sublanes, and the leaves that end in rows `a..b`, stored into `mine` (from leaf
/// `first` on).
struct Tile<'a, T> {
    src: Src<T>,
    a: usize,
    t0: usize,
    first: usize,
    ms: Option<[f64; W]>,
    s: Box<Rows>,
    c: Box<Rows>,
    /// The main sweep's leaf starts `(column, track)`, in order, and the next one's index.
    events: Vec<(usize, usize)>,
    next: usize,
    /// The next memory row the main sweep reads.
    j: usize,
    mine: &'a mut [Acc],
}

impl<'a, T: Elem> Tile<'a, T> {
    fn new(
        origin: &Origin<T>,
        g: &Cols,
        a: usize,
        b: usize,
        m: Option<f64>,
        mine: &'a mut [Acc],
    ) -> Self {
        let t0 = a.saturating_sub(1);
        let src = Src {
            // SAFETY: row `t0` of the lane lies inside the view.
            origin: unsafe { origin.0.add(t0) },
            step: g.step,
            wn: b - t0,
            rows: g.cols,
        };
        let mut t = Tile {
            src,
            a,
            t0,
            first: g.first_leaf_from(a),
            ms: m.map(|m| [m; W]),
            s: Box::new(Rows([[0.0; W]; 8])),
            c: Box::new(Rows([[0.0; W]; 8])),
            events: Vec::new(),
            next: 0,
            j: 0,
            mine,
        };
        // At each leaf start of a track its running leaf ends (the head before the first start
        // is dropped: `finish` computes it).
        for w in 0..t.src.wn {
            let ev = (t.head(g, w)..g.cols).step_by(LEAF).map(|j| (j, w));
            t.events.extend(ev);
        }
        t.events.sort_unstable();
        t
    }

    /// Track `w`'s first element's place in the flat order.
    fn start(&self, g: &Cols, w: usize) -> usize {
        (self.t0 + w) * g.cols
    }

    /// The column where track `w`'s first leaf starts.
    fn head(&self, g: &Cols, w: usize) -> usize {
        (LEAF - self.start(g, w) % LEAF) % LEAF
    }

    /// The slot of sublane 0 of track `w` is `(8 - rot) % 8`.
    fn rot(&self, g: &Cols, w: usize) -> usize {
        self.start(g, w) % 8
    }

    /// Adds memory rows `self.j..to` into the sublanes (slot `j % 8`).
    fn add(&mut self, to: usize) {
        let ms = self.ms.as_ref();
        // SAFETY: memory rows `j..to <= cols` of the tile's tracks lie inside the view.
        let span = Span {
            lo: self.j,
            hi: to,
            phase: 0,
            ms,
        };
        unsafe { add_rows(&self.src, span, (&mut self.s.0, &mut self.c.0)) };
        self.j = to;
    }

    /// Takes track `w`'s sublanes (in sublane order) and clears them.
    fn take(&mut self, g: &Cols, w: usize) -> ([f64; 8], [f64; 8]) {
        let r = self.rot(g, w);
        let mut ss = [0.0f64; 8];
        let mut cc = [0.0f64; 8];
        for k in 0..8 {
            let slot = (k + 8 - r) % 8;
            ss[k] = std::mem::take(&mut self.s.0[slot][w]);
            cc[k] = std::mem::take(&mut self.c.0[slot][w]);
        }
        (ss, cc)
    }

    /// Stores leaf `leaf` of track `w` when the tile owns it.
    fn store(&mut self, w: usize, leaf: usize, (ss, cc): ([f64; 8], [f64; 8])) {
        if self.t0 + w >= self.a {
            self.mine[leaf - self.first] = finish_leaf::<f64>(ss, cc, &[], &|v| v);
        }
    }

    /// The main sweep up to memory row `to` (exclusive).
    fn sweep_to(&mut self, g: &Cols, to: usize) {
        while let Some(&(col, w)) = self.events.get(self.next).filter(|e| e.0 < to) {
            self.add(col);
            self.next += 1;
            let got = self.take(g, w);
            if col != self.head(g, w) {
                self.store(w, (self.start(g, w) + col) / LEAF - 1, got);
            }
        }
        self.add(to);
    }

    /// After the main sweep: each track's last leaf, ended or carried into the next track's
    /// head; then the heads, a second sweep over their memory rows, each continuing the previous
    /// track's tail and ending at the track's first leaf start.
    fn finish(&mut self, g: &Cols) {
        let wn = self.src.wn;
        let mut tails = vec![([0.0f64; 8], [0.0f64; 8]); wn];
        for (w, t) in tails.iter_mut().enumerate() {
            let end = self.start(g, w) + g.cols;
            let got = self.take(g, w);
            if end.is_multiple_of(LEAF) || self.t0 + w + 1 == g.rows {
                self.store(w, (end - 1) / LEAF, got);
            } else {
                *t = got;
            }
        }
        let mut heads: Vec<(usize, usize)> = (1..wn)
            .map(|w| (self.head(g, w), w))
            .filter(|&(h, _)| h > 0)
            .collect();
        heads.sort_unstable();
        for &(_, w) in &heads {
            let r = self.rot(g, w);
            let (ss, cc) = tails[w - 1];
            for k in 0..8 {
                let slot = (k + 8 - r) % 8;
                self.s.0[slot][w] = ss[k];
                self.c.0[slot][w] = cc[k];
            }
        }
        self.j = 0;
        for &(col, w) in &heads {
            self.add(col);
            let got = self.take(g, w);
            self.store(w, (self.start(g, w) + col) / LEAF - 1, got);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reduce::leaf_term;
    use crate::test_support::lcg_step;

    /// Every leaf's running sum and error, bit for bit, against the flat leaf on that leaf's
    /// elements copied out in C order: a test of the final value alone would miss a wrong
    /// sublane order, which the compensation mostly hides.
    #[test]
    fn every_leaf_has_the_flat_leafs_sum_and_error() {
        // On the AVX-512 path every shape takes the passes (rows a multiple of 8 long in cycles
        // of one pass, the others in longer cycles); 1100 rows make two of their tiles, tried
        // at two skews from a cache line.
        let shapes = [
            (300, 1100),
            (600, 1030),
            (5, 2048),
            (260, 1025),
            (2, 1024),
            (1100, 2056),
            (17, 1096),
        ];
        for &(rows, cols) in &shapes {
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
                // Every skew of the origin from a cache line (the tiles align to it).
                let skews: &[usize] = match rows {
                    600 => &[0, 1, 2, 3, 4, 5, 6, 7],
                    1100 => &[0, 5],
                    _ => &[0],
                };
                for &skew in skews {
                    let mut shifted = vec![0.0; skew];
                    shifted.extend_from_slice(&data);
                    check_leaves(shifted[skew + at(0)..].as_ptr(), &g, &logical);
                }
            }
        }
    }

    /// Every leaf of the lane at `origin` (both row loops, both passes' terms, with and
    /// without the pool) against the flat leaf on `logical`, the lane's elements in C order.
    fn check_leaves(origin: *const f64, g: &Cols, logical: &[f64]) {
        let origin = &Origin(origin);
        let term_of = |m: Option<f64>| m.map_or(Term::Value, Term::SquaredDeviation);
        let bits = |a: &Acc| (a.s.to_bits(), a.c.to_bits());
        for isa in crate::simd::Isa::available() {
            crate::reduce_tiles::on_rows_path(isa, || {
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
                        assert_eq!(got, want, "{g:?} {m:?} {isa:?} par {par}");
                    }
                }
            });
        }
    }
}
