//! Reductions of lanes that lie side by side in memory, vectorised across the lanes.
//!
//! When the last kept axis has stride 1 and every lane steps with one stride (`sum(axis=0)` of
//! a C-order matrix: the lanes are the columns), a tile of up to [`W`] neighbouring lanes is
//! read one "row" (the same element index of every lane in the tile) at a time, contiguously.
//! Each lane keeps its own eight sublanes and their errors, and element `i` of a leaf goes to
//! sublane `i % 8` of its lane with the same TwoSum as the flat leaf, in the same order; the
//! leaves and the tree are the flat kernel's. So each lane gets the flat kernel's bits, while
//! the inner loop runs over the tile's lanes, which the compiler vectorises (the same IEEE
//! operations lane by lane; nothing is reassociated or contracted). Where the CPU has AVX-512,
//! a leaf of the tile runs a sublane at a time instead, in strips of lanes whose sums stay in
//! registers ([`crate::reduce_strips`]): the same chains in the same order.

use crate::error::{Error, Result};
use crate::nan::canon;
use crate::reduce::{finish_leaf, join_leaves, two_sum_into, Acc, Term, LEAF};
use crate::reduce_axes::{finish, worth_parallel, Call, Reduction};
use crate::simd::Isa;
use crate::strided::{Elem, Plan, Strided};
use rayon::prelude::*;

/// How many rows ahead [`rows_avx2`] asks for: the rows are far apart in memory, so the
/// hardware prefetchers, which stop at page boundaries, do not see the stream.
#[cfg(target_arch = "x86_64")]
const AHEAD: usize = 4;

/// Lanes per tile: 256 lanes' sublanes and errors (32 KiB) stay near L1 while a leaf's rows
/// stream, and each row is read 2 KiB at a time (narrower tiles measured slower from memory).
pub(crate) const W: usize = 256;

/// How the lanes split into tiles.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Tiles {
    /// Length of the last kept axis (lanes side by side).
    inner: usize,
    /// The lanes' stride (between element `i` and `i + 1` of a lane).
    step: isize,
}

impl Tiles {
    /// The tiling of `p`, when its lanes lie side by side and step with one stride.
    pub(crate) fn new(p: &Plan) -> Option<Tiles> {
        let &(inner, kstride) = p.kept.last()?;
        let step = match p.lane.as_slice() {
            [(_, s)] => *s,
            _ => return None,
        };
        if kstride != 1 || inner < 4 || step == 1 || p.lane_len < 2 {
            return None;
        }
        Some(Tiles { inner, step })
    }
}

/// Reduces every lane of `p` into `out` (C order of the kept axes): the leaves of every lane
/// first, leaf by leaf (all tiles of a leaf's rows before the next leaf's, so the pages a leaf
/// touches stay in the TLB), then each lane's fixed tree over its leaves.
pub(crate) fn run<T: Elem>(call: &Call<'_, T>, t: &Tiles, out: &mut [f64]) -> Result<()> {
    let Call { x, p, red } = *call;
    let n = p.lane_len;
    let par = worth_parallel(p);
    let sums = leaf_sums(x, p, t, None, par, red.kernel())?;
    let leaves = n.div_ceil(LEAF);
    let lane_sum = |acc: &[Acc], q: usize| join_leaves(&|l| acc[l * p.lanes + q], 0, leaves);
    let squares = match red {
        Reduction::Std { .. } => {
            let ms: Vec<f64> = (0..p.lanes)
                .map(|q| canon(canon(lane_sum(&sums, q).value()) / n as f64))
                .collect();
            Some(leaf_sums(x, p, t, Some(&ms), par, red.kernel())?)
        }
        _ => None,
    };
    for (q, o) in out.iter_mut().enumerate() {
        *o = finish(red, n, |term| match term {
            Term::Value => lane_sum(&sums, q),
            Term::SquaredDeviation(_) => lane_sum(squares.as_deref().expect("std pass"), q),
        });
    }
    Ok(())
}

/// Every leaf of every lane: `acc[l * lanes + q]` is leaf `l` of lane `q` (of the squared
/// deviations from `ms[q]` when `ms` is given).
fn leaf_sums<T: Elem>(
    x: &Strided<'_, T>,
    p: &Plan,
    t: &Tiles,
    ms: Option<&[f64]>,
    par: bool,
    red_kernel: &'static str,
) -> Result<Vec<Acc>> {
    let n = p.lane_len;
    let leaves = n.div_ceil(LEAF);
    let mut acc = Vec::new();
    acc.try_reserve_exact(leaves * p.lanes)
        .map_err(|_| Error::Allocation {
            kernel: red_kernel,
            what: format!("{} leaf sums along the reduced axes", leaves * p.lanes),
        })?;
    acc.resize(leaves * p.lanes, Acc::default());
    let one = |l: usize, r: usize, j: usize, chunk: &mut [Acc]| {
        let q = r * t.inner + j * W;
        // SAFETY: lane origins `q .. q + chunk.len()` lie inside the view.
        let origin = unsafe { x.ptr_at(p.lane_offset(q)) };
        let src = Src {
            origin,
            step: t.step,
            wn: chunk.len(),
            rows: n,
        };
        let mut mw = [0.0f64; W];
        if let Some(ms) = ms {
            mw[..chunk.len()].copy_from_slice(&ms[q..q + chunk.len()]);
        }
        let (lo, hi) = (l * LEAF, ((l + 1) * LEAF).min(n));
        let got = leaf(&src, lo, hi, ms.map(|_| &mw));
        chunk.copy_from_slice(&got[..chunk.len()]);
    };
    if par {
        crate::threads::run(|| {
            acc.par_chunks_mut(p.lanes)
                .enumerate()
                .for_each(|(l, by_lane)| {
                    by_lane
                        .par_chunks_mut(t.inner)
                        .enumerate()
                        .for_each(|(r, row)| {
                            row.par_chunks_mut(W)
                                .enumerate()
                                .for_each(|(j, chunk)| one(l, r, j, chunk));
                        });
                });
        });
    } else {
        for (l, by_lane) in acc.chunks_mut(p.lanes).enumerate() {
            for (r, row) in by_lane.chunks_mut(t.inner).enumerate() {
                for (j, chunk) in row.chunks_mut(W).enumerate() {
                    one(l, r, j, chunk);
                }
            }
        }
    }
    Ok(acc)
}

/// Where a tile's lanes are: element `i` of lane `w` is at `origin + i * step + w`, for
/// `w < wn`.
pub(crate) struct Src<T> {
    pub(crate) origin: *const T,
    pub(crate) step: isize,
    pub(crate) wn: usize,
    /// Rows that may be read (prefetched): `0..rows`.
    pub(crate) rows: usize,
}

/// Set by the tests: the widest row path the loops may take (0 the portable loop, 1 AVX2, 2
/// AVX-512; by default the widest this CPU runs). Every path gives the same bits.
static ROWS_CAP: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(u8::MAX);

/// The tests' switch: runs `f` with the row loops on path `isa` at the widest (one test at a
/// time: the switch is global, and tests run in parallel).
#[cfg(test)]
pub(crate) fn on_rows_path<R>(isa: Isa, f: impl FnOnce() -> R) -> R {
    static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let cap = match isa {
        Isa::Baseline => 0,
        Isa::Avx2 => 1,
        Isa::Avx512 => 2,
    };
    ROWS_CAP.store(cap, std::sync::atomic::Ordering::Relaxed);
    let r = f();
    ROWS_CAP.store(u8::MAX, std::sync::atomic::Ordering::Relaxed);
    r
}

/// The path the row loops take: the widest this CPU runs, within the tests' cap.
#[inline]
pub(crate) fn rows_path() -> Isa {
    let cap = ROWS_CAP.load(std::sync::atomic::Ordering::Relaxed);
    match Isa::best() {
        Isa::Avx512 if cap >= 2 => Isa::Avx512,
        Isa::Avx512 | Isa::Avx2 if cap >= 1 => Isa::Avx2,
        _ => Isa::Baseline,
    }
}

/// Which rows of a tile a loop adds, and what: rows `lo..hi`, row `i` to sublane
/// `(i - phase) % 8` (`phase <= lo`), the values themselves or, with `ms`, their squared
/// deviations from each lane's mean.
#[derive(Clone, Copy)]
pub(crate) struct Span<'a> {
    pub(crate) lo: usize,
    pub(crate) hi: usize,
    pub(crate) phase: usize,
    pub(crate) ms: Option<&'a [f64; W]>,
}

/// Every lane's eight sublanes: the running sums and their errors, `[sublane][lane]`.
pub(crate) type Sublanes<'a> = (&'a mut [[f64; W]; 8], &'a mut [[f64; W]; 8]);

/// One leaf (elements `lo..hi`) of every lane of the tile.
fn leaf<T: Elem>(src: &Src<T>, lo: usize, hi: usize, ms: Option<&[f64; W]>) -> [Acc; W] {
    let mut s = [[0.0f64; W]; 8];
    let mut c = [[0.0f64; W]; 8];
    let span = Span {
        lo,
        hi,
        phase: lo,
        ms,
    };
    #[cfg(target_arch = "x86_64")]
    if rows_path() == Isa::Avx512 {
        // SAFETY: AVX-512 was detected at run time; the rows read lie inside the view.
        unsafe { crate::reduce_strips::leaf_avx512(src, span, (&mut s, &mut c)) };
        return lanes_of(&s, &c);
    }
    // SAFETY: the rows read lie inside the view.
    unsafe { add_rows(src, span, (&mut s, &mut c)) };
    lanes_of(&s, &c)
}

/// Adds the rows of `span` into the sublanes, AVX2 where the CPU has it (the same bits either
/// way).
///
/// # Safety
/// Elements `lo..hi` of the tile's `wn` lanes must lie inside the view.
#[inline]
pub(crate) unsafe fn add_rows<T: Elem>(src: &Src<T>, span: Span<'_>, st: Sublanes<'_>) {
    #[cfg(target_arch = "x86_64")]
    if rows_path() != Isa::Baseline {
        // SAFETY: AVX2 was detected at run time; the caller's promise.
        unsafe { rows_avx2(src, span, st) };
        return;
    }
    // SAFETY: the caller's promise.
    unsafe { rows(src, span, st) };
}

/// Combines each lane's eight sublanes as the flat leaf does.
fn lanes_of(s: &[[f64; W]; 8], c: &[[f64; W]; 8]) -> [Acc; W] {
    std::array::from_fn(|w| {
        let sw = std::array::from_fn(|k| s[k][w]);
        let cw = std::array::from_fn(|k| c[k][w]);
        finish_leaf::<f64>(sw, cw, &[], &|v| v)
    })
}

/// [`rows`] in AVX2 intrinsics, four lanes of the tile to a register: each lane performs the
/// scalar TwoSum's operations in the same order, so the bits are the same (a unit test compares
/// them with the portable loop).
///
/// # Safety
/// The CPU must support AVX2; as [`rows`].
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn rows_avx2<T: Elem>(src: &Src<T>, span: Span<'_>, (s, c): Sublanes<'_>) {
    use std::arch::x86_64::*;
    let Span { lo, hi, phase, ms } = span;
    let wn = src.wn;
    let body = wn - wn % 4;
    for i in lo..hi {
        let k = (i - phase) % 8;
        // SAFETY: row `i` of the tile lies inside the view (the caller's promise); the loads
        // and stores stay below `wn` lanes, inside `s[k]`, `c[k]` and `ms`.
        unsafe {
            let row = src.origin.offset(i as isize * src.step);
            if i + AHEAD < src.rows {
                let ahead = row.offset(AHEAD as isize * src.step).cast::<i8>();
                let mut line = 0;
                while line < wn * std::mem::size_of::<T>() {
                    _mm_prefetch::<_MM_HINT_T0>(ahead.add(line));
                    line += 64;
                }
            }
            let (sp, cp) = (s[k].as_mut_ptr(), c[k].as_mut_ptr());
            let mut w = 0;
            while w < body {
                let mut v = T::load4(row.add(w));
                if let Some(ms) = ms {
                    let d = _mm256_sub_pd(v, _mm256_loadu_pd(ms.as_ptr().add(w)));
                    v = _mm256_mul_pd(d, d);
                }
                let sv = _mm256_loadu_pd(sp.add(w));
                let t = _mm256_add_pd(sv, v);
                let z = _mm256_sub_pd(t, sv);
                let e = _mm256_add_pd(_mm256_sub_pd(sv, _mm256_sub_pd(t, z)), _mm256_sub_pd(v, z));
                _mm256_storeu_pd(cp.add(w), _mm256_add_pd(_mm256_loadu_pd(cp.add(w)), e));
                _mm256_storeu_pd(sp.add(w), t);
                w += 4;
            }
            for w in body..wn {
                let mut v = (*row.add(w)).widen();
                if let Some(ms) = ms {
                    v = (v - ms[w]) * (v - ms[w]);
                }
                two_sum_into(&mut *sp.add(w), &mut *cp.add(w), v);
            }
        }
    }
}

/// Adds the rows of `span` into the sublanes (the portable loop).
///
/// # Safety
/// Elements `lo..hi` of the tile's `wn` lanes must lie inside the view.
#[inline(always)]
unsafe fn rows<T: Elem>(src: &Src<T>, span: Span<'_>, (s, c): Sublanes<'_>) {
    let Span { lo, hi, phase, ms } = span;
    let wn = src.wn;
    for i in lo..hi {
        let k = (i - phase) % 8;
        // SAFETY: row `i` of the tile lies inside the view (the caller's promise).
        let row =
            unsafe { std::slice::from_raw_parts(src.origin.offset(i as isize * src.step), wn) };
        let (sk, ck) = (&mut s[k][..wn], &mut c[k][..wn]);
        match ms {
            None => {
                for ((sv, cv), &v) in sk.iter_mut().zip(ck.iter_mut()).zip(row) {
                    two_sum_into(sv, cv, v.widen());
                }
            }
            Some(ms) => {
                for (((sv, cv), &v), &m) in sk.iter_mut().zip(ck.iter_mut()).zip(row).zip(&ms[..wn])
                {
                    let d = v.widen() - m;
                    two_sum_into(sv, cv, d * d);
                }
            }
        }
    }
}
