//! Reductions of lanes that lie side by side in memory, vectorised across the lanes.
//!
//! When the last kept axis has stride 1 and every lane steps with one stride (`sum(axis=0)` of
//! a C-order matrix: the lanes are the columns), a tile of up to [`W`] neighbouring lanes is
//! read one "row" (the same element index of every lane in the tile) at a time, contiguously.
//! Each lane keeps its own eight sublanes and their errors, and element `i` of a leaf goes to
//! sublane `i % 8` of its lane with the same TwoSum as the flat leaf, in the same order; the
//! leaves and the tree are the flat kernel's. So each lane gets the flat kernel's bits, while
//! the inner loop runs over the tile's lanes, which the compiler vectorises (the same IEEE
//! operations lane by lane; nothing is reassociated or contracted).

use crate::reduce::{finish_leaf, split_point, two_sum_into, Acc, Term, GRAIN, LEAF};
use crate::reduce_axes::{finish, worth_parallel, Reduction};
use crate::strided::{Elem, Plan, Strided};
use rayon::prelude::*;

/// Lanes per tile: 64 lanes' sublanes and errors (8 KiB) stay in L1 while a leaf's rows stream.
pub(crate) const W: usize = 64;

/// How the lanes split into tiles.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Tiles {
    /// Length of the last kept axis (lanes side by side).
    inner: usize,
    /// Tiles along that axis.
    per_row: usize,
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
        Some(Tiles {
            inner,
            per_row: inner.div_ceil(W),
            step,
        })
    }
}

/// Reduces every lane of `p` tile by tile into `out` (C order of the kept axes).
pub(crate) fn run<T: Elem>(
    x: &Strided<'_, T>,
    p: &Plan,
    t: &Tiles,
    red: Reduction,
    out: &mut [f64],
) -> crate::Result<()> {
    let one = |r: usize, j: usize, chunk: &mut [f64], par: bool| {
        let base = p.lane_offset(r * t.inner + j * W);
        tile(x, base, t.step, p.lane_len, chunk, red, par);
    };
    if worth_parallel(p) {
        crate::threads::run(|| {
            // Enough tiles to share out: one task per tile; else split each lane's tree too.
            let split = t.per_row * (p.lanes / t.inner) < 2 * crate::threads::effective_threads();
            out.par_chunks_mut(t.inner)
                .enumerate()
                .for_each(|(r, row)| {
                    row.par_chunks_mut(W)
                        .enumerate()
                        .for_each(|(j, chunk)| one(r, j, chunk, split));
                });
        });
    } else {
        for (r, row) in out.chunks_mut(t.inner).enumerate() {
            for (j, chunk) in row.chunks_mut(W).enumerate() {
                one(r, j, chunk, false);
            }
        }
    }
    Ok(())
}

/// `out[w]` = the reduction of lane `w` of the tile starting at `base` (lanes `base + w`).
fn tile<T: Elem>(
    x: &Strided<'_, T>,
    base: isize,
    step: isize,
    n: usize,
    out: &mut [f64],
    red: Reduction,
    par: bool,
) {
    let wn = out.len();
    // SAFETY: lane origins `base .. base + wn` lie inside the view.
    let origin = unsafe { x.ptr_at(base) };
    let src = Src { origin, step, wn };
    let sums = tree(&src, n, None, par);
    let mut ms = [0.0f64; W];
    for (m, s) in ms.iter_mut().zip(&sums[..wn]) {
        *m = crate::nan::canon(crate::nan::canon(s.value()) / n as f64);
    }
    let squares = match red {
        Reduction::Std { .. } => Some(tree(&src, n, Some(&ms), par)),
        _ => None,
    };
    for (w, o) in out.iter_mut().enumerate() {
        *o = finish(red, n, |term| match term {
            Term::Value => sums[w],
            Term::SquaredDeviation(_) => squares.as_ref().expect("std pass")[w],
        });
    }
}

/// Where a tile's lanes are: element `i` of lane `w` is at `origin + i * step + w`.
struct Src<T> {
    origin: *const T,
    step: isize,
    wn: usize,
}

// SAFETY: read-only access to data that is `Sync`.
unsafe impl<T: Sync> Sync for Src<T> {}

/// The flat kernel's tree over elements `0..n` of each lane of the tile.
fn tree<T: Elem>(src: &Src<T>, n: usize, ms: Option<&[f64; W]>, par: bool) -> [Acc; W] {
    fn rec<T: Elem>(
        src: &Src<T>,
        lo: usize,
        hi: usize,
        ms: Option<&[f64; W]>,
        par: bool,
    ) -> [Acc; W] {
        let len = hi - lo;
        if len <= LEAF {
            return leaf(src, lo, hi, ms);
        }
        let mid = lo + split_point(len);
        let (a, b) = if par && len * src.wn > GRAIN {
            rayon::join(|| rec(src, lo, mid, ms, par), || rec(src, mid, hi, ms, par))
        } else {
            (rec(src, lo, mid, ms, par), rec(src, mid, hi, ms, par))
        };
        std::array::from_fn(|w| Acc::join(a[w], b[w]))
    }
    rec(src, 0, n, ms, par)
}

/// One leaf (elements `lo..hi`) of every lane of the tile, AVX2 where the CPU has it.
fn leaf<T: Elem>(src: &Src<T>, lo: usize, hi: usize, ms: Option<&[f64; W]>) -> [Acc; W] {
    let mut s = [[0.0f64; W]; 8];
    let mut c = [[0.0f64; W]; 8];
    #[cfg(target_arch = "x86_64")]
    if crate::simd::avx2() {
        // SAFETY: AVX2 was detected at run time; the rows read lie inside the view.
        unsafe { rows_avx2(src, lo, hi, ms, &mut s, &mut c) };
        return lanes_of(&s, &c);
    }
    // SAFETY: as above.
    unsafe { rows(src, lo, hi, ms, &mut s, &mut c) };
    lanes_of(&s, &c)
}

/// Combines each lane's eight sublanes as the flat leaf does.
fn lanes_of(s: &[[f64; W]; 8], c: &[[f64; W]; 8]) -> [Acc; W] {
    std::array::from_fn(|w| {
        let sw = std::array::from_fn(|k| s[k][w]);
        let cw = std::array::from_fn(|k| c[k][w]);
        finish_leaf(sw, cw, &[], &|v| v)
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
unsafe fn rows_avx2<T: Elem>(
    src: &Src<T>,
    lo: usize,
    hi: usize,
    ms: Option<&[f64; W]>,
    s: &mut [[f64; W]; 8],
    c: &mut [[f64; W]; 8],
) {
    use std::arch::x86_64::*;
    let wn = src.wn;
    let body = wn - wn % 4;
    for i in lo..hi {
        let k = (i - lo) % 8;
        // SAFETY: row `i` of the tile lies inside the view (the caller's promise); the loads
        // and stores stay below `wn` lanes, inside `s[k]`, `c[k]` and `ms`.
        unsafe {
            let row = src.origin.offset(i as isize * src.step);
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

/// Adds rows `lo..hi` of the tile into the sublanes: row `i` to sublane `(i - lo) % 8`.
///
/// # Safety
/// Elements `lo..hi` of the tile's `wn` lanes must lie inside the view.
#[inline(always)]
unsafe fn rows<T: Elem>(
    src: &Src<T>,
    lo: usize,
    hi: usize,
    ms: Option<&[f64; W]>,
    s: &mut [[f64; W]; 8],
    c: &mut [[f64; W]; 8],
) {
    let wn = src.wn;
    for i in lo..hi {
        let k = (i - lo) % 8;
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
