//! The leaves of a lane of side-by-side rows ([`crate::reduce_cols`]) in AVX-512, one memory
//! row in eight at a time (`sum(x.T)` of a C-order matrix).
//!
//! Element `(i, j)` of the lane (track `i`, memory row `j`) goes to sublane `(i C + j) % 8` of
//! its leaf. So in the memory rows `j % 8 == k` each track holds one sublane,
//! `(rot + k) % 8` with `rot = i C % 8`, of each of its leaves, and nothing else. A tile of
//! tracks therefore runs eight passes, pass `k` reading only the memory rows `k, k + 8, ...`
//! and keeping one running sum and error per track, eight times less than the row loops keep
//! for all sublanes at once: a tile four times as wide ([`RUN`] bytes of each memory row) with
//! its state in the L1 cache. A pass performs the same TwoSum on the same elements in the same
//! order as the row loops, so each sublane, and each leaf, gets the same bits. A pass asks for
//! its next memory row's lines (eight rows on) while it adds one: the rows lie far apart,
//! where the hardware prefetchers do not follow (without it, 13.9 ms instead of 6).
//!
//! Within a pass, at each leaf start of a track its running sum ends (stored as its sublane of
//! the leaf that ended) and a new one begins. A track's head (the elements before its first
//! leaf start) continues the previous track's tail, which a pass reaches only at its end, and
//! the previous track's tail of the same sublane lies in pass `(k + C) % 8`. So the passes fall
//! into cycles `k, k - C, k - 2 C, ...` (eight of one pass when `C` is a multiple of 8, one of
//! all eight when `C` is odd), and a task runs one cycle of one tile: each pass's main sweep,
//! keeping its tracks' tails, then its heads (reading the head rows again, each continuing the
//! tail of the pass before it in the cycle), the first pass's heads last. Each leaf's eight
//! sublanes, once every pass has run, combine as the flat leaf's do.
//!
//! Measured on a 4000 x 4000 `sum(x.T)`, one thread, AMD EPYC (Zen 5) with AVX-512, against
//! the row loops of [`crate::reduce_cols`] on the same data in one process: `f64` 6.3-7.1 ->
//! 5.9-6.3 ms, `f32` 5.9-6.2 -> 3.7-4.1 ms (the heads' second read is about 0.9 ms of the `f64`
//! time); 1500 x 1500 `f64` 1.10 -> 0.73 ms.

#![cfg(target_arch = "x86_64")]

use std::arch::x86_64::*;

use crate::error::{Error, Result};
use crate::reduce::{finish_leaf, Acc, LEAF};
use crate::reduce_cols::{Cols, Origin};
use crate::strided::Elem;
use rayon::prelude::*;

/// Bytes of each memory row a tile reads: 1024 tracks of `f64` (2048 of `f32`), whose sublane
/// is 16 KiB (32 KiB) of sums and errors, in the L1 cache beside the rows streaming through it.
/// On a 4000 x 4000 `sum(x.T)`, one thread, AMD EPYC (Zen 5): 4, 6, 8, 12 and 16 KiB of `f64`
/// took 6.9, 6.0, 5.9-6.0, 6.9 and 9.0 ms; 4, 6 and 8 KiB of `f32` 4.7, 4.3 and 3.9 ms.
const RUN: usize = 8 << 10;

/// A partial sum: a running sum and its error.
type Part = (f64, f64);

/// Every leaf of the lane at `origin` (of the squared deviations from `m` when given) into
/// `acc`, which holds one per leaf of the lane.
///
/// # Safety
/// The CPU must support AVX-512 F, DQ, BW and VL; the lane's elements must be readable.
pub(crate) unsafe fn leaf_sums<T: Elem>(
    origin: *const T,
    g: &Cols,
    m: Option<f64>,
    par: bool,
    kernel: &'static str,
    acc: &mut [Acc],
) -> Result<()> {
    // Pass `k`'s heads continue pass `(k + cols) % 8`'s tails: the passes fall into cycles
    // `k, k - cols, k - 2 cols, ...` (one for each pass when `cols` is a multiple of 8, one
    // of all eight when it is odd). A task runs one cycle of one tile, each pass's heads right
    // after its main sweep (the head rows still in a cache) except the first pass's, which
    // waits for the last pass's tails.
    let c = g.cols % 8;
    let mut cycles: Vec<Vec<usize>> = Vec::new();
    let mut seen = [false; 8];
    for k0 in 0..8 {
        let mut k = k0;
        let mut cycle = Vec::new();
        while !seen[k] {
            seen[k] = true;
            cycle.push(k);
            k = (k + 8 - c) % 8;
        }
        if !cycle.is_empty() {
            cycles.push(cycle);
        }
    }
    // Narrower tiles where the pool would otherwise lack tasks (at least two per thread; a
    // memory row still read 2 KiB at a time).
    let mut width = RUN / std::mem::size_of::<T>();
    if par {
        let want = 2 * crate::threads::effective_threads();
        let per_tile = cycles.len();
        let narrow = (g.rows * per_tile).div_ceil(want).next_multiple_of(8);
        width = width.min(narrow.max((2 << 10) / std::mem::size_of::<T>()));
    }
    let bounds = crate::reduce_cols::tile_bounds(origin, g, width);
    // Per tile: the leaves it owns, and its tracks (`t0..b`) as `(head, w)` in order
    // of their first leaf start (track `w` starts at `(t0 + w) cols` in the flat order, its
    // first leaf at the next multiple of `LEAF`).
    let owned: Vec<usize> = bounds
        .iter()
        .map(|&(a, b)| g.first_leaf_from(b) - g.first_leaf_from(a))
        .collect();
    let by_head: Vec<Vec<(usize, usize)>> = bounds
        .iter()
        .map(|&(a, b)| {
            let t0 = a.saturating_sub(1);
            let mut v: Vec<(usize, usize)> = (0..b - t0)
                .map(|w| ((LEAF - (t0 + w) * g.cols % LEAF) % LEAF, w))
                .collect();
            v.sort_unstable();
            v
        })
        .collect();
    // Each pass's part of the tile's leaves, `[tile][k][leaf]`.
    let total = 8 * owned.iter().sum::<usize>();
    let mut table: Vec<Part> = Vec::new();
    table
        .try_reserve_exact(total)
        .map_err(|_| Error::Allocation {
            kernel,
            what: format!("{total} partial leaf sums"),
        })?;
    table.resize(total, (0.0, 0.0));
    let mut tasks = Vec::new();
    let mut rest = table.as_mut_slice();
    for ((&(a, b), &n), order) in bounds.iter().zip(&owned).zip(&by_head) {
        let (tile, r) = rest.split_at_mut(8 * n);
        rest = r;
        let mut parts: Vec<Option<&mut [Part]>> = tile.chunks_mut(n.max(1)).map(Some).collect();
        parts.resize_with(8, || None);
        for cycle in &cycles {
            let passes = cycle
                .iter()
                .map(|&k| (k, parts[k].take().unwrap_or_default()))
                .collect();
            tasks.push(Task {
                a,
                b,
                passes,
                order,
            });
        }
    }
    let origin = Origin(origin);
    let run = |t: &mut Task<'_>| {
        // SAFETY: the caller's promise.
        unsafe { t.run(&origin, g, m) }
    };
    if par {
        crate::threads::run(|| tasks.par_iter_mut().for_each(run));
    } else {
        tasks.iter_mut().for_each(run);
    }
    drop(tasks);
    // Each leaf's eight sublanes, combined as the flat leaf's: sublane `q` lies in pass
    // `q - rot` of the track where the leaf ends (which stored it).
    let (mut rest, mut out, mut leaf) = (table.as_slice(), acc.iter_mut(), 0);
    let end = g.rows * g.cols;
    for &n in &owned {
        let (tile, r) = rest.split_at(8 * n);
        rest = r;
        for (l, o) in out.by_ref().take(n).enumerate() {
            let last = ((leaf + 1) * LEAF).min(end) - 1;
            let rot = last / g.cols * g.cols % 8;
            let part = |q: usize| tile[(q + 8 - rot) % 8 * n + l];
            let ss = std::array::from_fn(|q| part(q).0);
            let cc = std::array::from_fn(|q| part(q).1);
            *o = finish_leaf::<f64>(ss, cc, &[], &|v| v);
            leaf += 1;
        }
    }
    Ok(())
}

/// One cycle of passes over the tile that owns rows `a..b`: each pass with its part of the
/// tile's leaves (in order), and the tile's tracks in order of their first leaf start.
struct Task<'a> {
    a: usize,
    b: usize,
    passes: Vec<(usize, &'a mut [Part])>,
    order: &'a [(usize, usize)],
}

impl Task<'_> {
    /// Every pass's main sweep and heads, in the cycle's order.
    ///
    /// # Safety
    /// As [`leaf_sums`].
    unsafe fn run<T: Elem>(&mut self, origin: &Origin<T>, g: &Cols, m: Option<f64>) {
        let (a, b, order) = (self.a, self.b, self.order);
        let mut tails: Vec<Vec<Part>> = Vec::with_capacity(self.passes.len());
        for i in 0..self.passes.len() {
            let (k, ref mut mine) = self.passes[i];
            // SAFETY: the caller's promise.
            unsafe {
                let got = Pass::new(origin, g, a, b, k, m, mine).main(g, order);
                if i > 0 {
                    Pass::new(origin, g, a, b, k, m, mine).heads(order, &tails[i - 1]);
                }
                tails.push(got);
            }
        }
        let (k, ref mut mine) = self.passes[0];
        // SAFETY: the caller's promise.
        unsafe { Pass::new(origin, g, a, b, k, m, mine).heads(order, &tails[tails.len() - 1]) };
    }
}

/// Pass `k` over a tile's tracks `t0..b` (`t0` is the row before `a` when there is one): their
/// running sums and errors, and the leaves it stores (those ending in rows `a..b`, from leaf
/// `first` on).
struct Pass<'a, T> {
    /// Row `t0` of the lane, and the stride between memory rows.
    origin: *const T,
    step: isize,
    /// Tracks, and the memory rows (all may be read).
    wn: usize,
    cols: usize,
    t0: usize,
    a: usize,
    first: usize,
    k: usize,
    m: Option<f64>,
    /// The running sums (registers `0..regs`) and errors (from `regs + 1`), one buffer: each
    /// register on a cache line, and the two 64 bytes apart modulo 4 KiB (a load of one
    /// beside a store to the other at the same offset modulo 4 KiB would wait on it).
    state: Vec<Line>,
    regs: usize,
    /// The next memory row to add (`k` modulo 8).
    j: usize,
    mine: &'a mut [Part],
}

impl<'a, T: Elem> Pass<'a, T> {
    fn new(
        origin: &Origin<T>,
        g: &Cols,
        a: usize,
        b: usize,
        k: usize,
        m: Option<f64>,
        mine: &'a mut [Part],
    ) -> Self {
        let t0 = a.saturating_sub(1);
        let wn = b - t0;
        // Whole registers: the last one's missing tracks are read as nothing (masked).
        let regs = wn.div_ceil(8);
        Pass {
            // SAFETY: row `t0` of the lane lies inside the view.
            origin: unsafe { origin.0.add(t0) },
            step: g.step,
            wn,
            cols: g.cols,
            t0,
            a,
            first: g.first_leaf_from(a),
            k,
            m,
            state: vec![Line([0.0; 8]); 2 * regs + 1],
            regs,
            j: k,
            mine,
        }
    }

    /// Track `w`'s first element's place in the flat order.
    fn start(&self, w: usize) -> usize {
        (self.t0 + w) * self.cols
    }

    /// The first memory row of the pass at or after column `l` (at most `cols`).
    fn row_from(&self, l: usize) -> usize {
        (l + (self.k + 8 - l % 8) % 8).min(self.cols)
    }

    /// Track `w`'s running sum and error.
    fn at(&mut self, w: usize) -> (&mut f64, &mut f64) {
        let (s, c) = self.state.split_at_mut(self.regs + 1);
        (&mut s[w / 8].0[w % 8], &mut c[w / 8].0[w % 8])
    }

    /// Takes track `w`'s running sum and error, and clears them.
    fn take(&mut self, w: usize) -> Part {
        let (s, c) = self.at(w);
        (std::mem::take(s), std::mem::take(c))
    }

    /// Stores the pass's part of leaf `leaf`, ended in track `w`, when the tile owns it.
    fn store(&mut self, w: usize, leaf: usize, got: Part) {
        if self.t0 + w >= self.a {
            self.mine[leaf - self.first] = got;
        }
    }

    /// Adds the pass's memory rows from `self.j` up to `to` (exclusive).
    ///
    /// # Safety
    /// As [`leaf_sums`].
    unsafe fn add_to(&mut self, to: usize) {
        while self.j < to {
            let next = self.j + 8;
            // SAFETY: memory row `j < cols` of the tile's tracks lies inside the view; the
            // prefetch (never a fault) asks for the pass's next row when there is one.
            unsafe {
                let row = self.origin.offset(self.j as isize * self.step);
                let ahead = (next < self.cols).then(|| row.offset(8 * self.step));
                let (s, c) = self.state.split_at_mut(self.regs + 1);
                add_row(
                    row,
                    ahead,
                    self.wn,
                    s.as_mut_ptr().cast(),
                    c.as_mut_ptr().cast(),
                    self.m,
                );
            }
            self.j = next;
        }
    }

    /// The main sweep: every leaf that starts and ends in one track, and each track's last
    /// leaf where the track's end or the lane's ends it; returns the other tracks' tails.
    /// `by_head` lists the tracks `(head, w)` in order of their first leaf start.
    ///
    /// # Safety
    /// As [`leaf_sums`].
    unsafe fn main(mut self, g: &Cols, by_head: &[(usize, usize)]) -> Vec<Part> {
        let cols = self.cols;
        // At each leaf start `L` of a track, the pass's part of the leaf before it ends on its
        // first row from `L`. Track `w` starts leaves at `head(w) + q LEAF`, so in the order of
        // `(q, head(w))` those rows never decrease.
        for q in 0..cols.div_ceil(LEAF) {
            for &(h, w) in by_head {
                let l = h + q * LEAF;
                if l >= cols {
                    break;
                }
                // SAFETY: the caller's promise.
                unsafe { self.add_to(self.row_from(l)) };
                let got = self.take(w);
                // The head before the first start is dropped: the heads' sweep computes it.
                if q > 0 {
                    self.store(w, (self.start(w) + l) / LEAF - 1, got);
                }
            }
        }
        // SAFETY: the caller's promise.
        unsafe { self.add_to(cols) };
        let mut tails = vec![(0.0, 0.0); self.wn];
        for (w, t) in tails.iter_mut().enumerate() {
            let end = self.start(w) + cols;
            let got = self.take(w);
            if end.is_multiple_of(LEAF) || self.t0 + w + 1 == g.rows {
                self.store(w, (end - 1) / LEAF, got);
            } else {
                *t = got;
            }
        }
        tails
    }

    /// The heads: each track's elements before its first leaf start, continuing `seeds[w - 1]`,
    /// the previous track's tail of the same sublane.
    ///
    /// # Safety
    /// As [`leaf_sums`].
    unsafe fn heads(mut self, by_head: &[(usize, usize)], seeds: &[Part]) {
        let heads = by_head.iter().filter(|&&(h, w)| h > 0 && w > 0);
        for &(_, w) in heads.clone() {
            let (s, c) = self.at(w);
            (*s, *c) = seeds[w - 1];
        }
        for &(h, w) in heads {
            // SAFETY: the caller's promise.
            unsafe { self.add_to(self.row_from(h)) };
            let got = self.take(w);
            self.store(w, (self.start(w) + h) / LEAF - 1, got);
        }
    }
}

/// One register of running sums or errors, on a cache line.
#[derive(Clone, Copy)]
#[repr(C, align(64))]
struct Line([f64; 8]);

/// Adds memory row `row` (its `wn` tracks) into the running sums at `sp` and errors at `cp`
/// (whole registers, aligned), each track with the scalar TwoSum's operations in the same
/// order; the squared deviations from `m` when given. Asks for the lines of `ahead` meanwhile.
///
/// # Safety
/// The CPU must support AVX-512 F, DQ, BW and VL; the row's `wn` elements must be readable.
#[target_feature(enable = "avx512f,avx512dq,avx512bw,avx512vl")]
unsafe fn add_row<T: Elem>(
    row: *const T,
    ahead: Option<*const T>,
    wn: usize,
    sp: *mut f64,
    cp: *mut f64,
    m: Option<f64>,
) {
    let size = std::mem::size_of::<T>();
    let mv = _mm512_set1_pd(m.unwrap_or(0.0));
    let mut w = 0;
    while w < wn {
        let keep = if w + 8 <= wn {
            0xFF
        } else {
            (1u8 << (wn - w)) - 1
        };
        // SAFETY: the lanes set in `keep` lie inside the row (the caller's promise); `s` and
        // `c` hold whole registers; a prefetch never faults.
        unsafe {
            if let Some(ahead) = ahead {
                if (w * size).is_multiple_of(64) || size == 8 {
                    _mm_prefetch::<_MM_HINT_T0>(ahead.wrapping_add(w).cast::<i8>());
                }
            }
            let mut v = if keep == 0xFF {
                T::load8(row.add(w))
            } else {
                T::load8_masked(row.add(w), keep)
            };
            if m.is_some() {
                let d = _mm512_sub_pd(v, mv);
                v = _mm512_maskz_mul_pd(keep, d, d);
            }
            let sv = _mm512_load_pd(sp.add(w));
            let t = _mm512_add_pd(sv, v);
            let z = _mm512_sub_pd(t, sv);
            let e = _mm512_add_pd(_mm512_sub_pd(sv, _mm512_sub_pd(t, z)), _mm512_sub_pd(v, z));
            _mm512_store_pd(cp.add(w), _mm512_add_pd(_mm512_load_pd(cp.add(w)), e));
            _mm512_store_pd(sp.add(w), t);
        }
        w += 8;
    }
}
