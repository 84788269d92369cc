//! `sum`, `mean` and `std` along axes, of `f64` or `f32` data in any strided layout, read in
//! place.
//!
//! Each lane (the elements of the reduced axes for one index of the kept axes, in C order of the
//! reduced axes) is reduced with exactly the flat kernel's tree ([`mod@crate::reduce`]): leaves of
//! [`LEAF`] elements, element `i` of a leaf to sublane `i % 8` with TwoSum, the same fixed
//! pairwise tree. So a lane's result has the bits [`crate::sum`] (or `mean`, `std`) gives for
//! that lane copied out, at every thread count: the thread count decides only who computes a
//! lane or a subtree. An `f32` element is widened to `f64` exactly as it is read.
//!
//! Three leaf readers, the same operations in the same order:
//! - a contiguous `f64` lane is handed to the flat kernel's own (vectorised) leaf;
//! - any other lane (strided, `f32`, several reduced axes that do not step like one) is read
//!   into a leaf-sized buffer on the stack, widened, and handed to the same leaf;
//! - when the lanes lie side by side in memory (the last kept axis has stride 1) and each lane
//!   steps with one stride (the reduced axes merge into one), as in `sum(axis=0)` of a C-order
//!   matrix, `reduce_tiles` reads a tile of neighbouring lanes a row at a time and
//!   keeps each lane's eight sublanes apart, vectorised across the lanes: memory speed.

use crate::error::{Error, Result};
use crate::nan::canon;
use crate::reduce::{leaf_term, split_point, Acc, Term, GRAIN, LEAF};
use crate::strided::{plan, Elem, Plan, Strided};
use crate::{reduce_cols, reduce_tiles};
use rayon::prelude::*;

/// Which reduction runs along the lanes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reduction {
    /// The deterministic sum.
    Sum,
    /// `sum / n`.
    Mean,
    /// The two-pass standard deviation with `ddof` delta degrees of freedom.
    Std {
        /// Delta degrees of freedom (`n - ddof` divides).
        ddof: usize,
    },
}

impl Reduction {
    pub(crate) fn kernel(self) -> &'static str {
        match self {
            Reduction::Sum => "sum",
            Reduction::Mean => "mean",
            Reduction::Std { .. } => "std",
        }
    }
}

/// How the elements of one lane are found from the lane's origin.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Walk {
    /// One stride (the reduced axes merged into one, or a lane of at most one element).
    Step(isize),
    /// Several reduced axes: the plan's `element_offset`.
    General,
}

/// The lanes' results of reducing `x` over `axes` (`None`: all of them), written to `out` in C
/// order of the kept axes (`out.len()` must be the number of lanes). Checks everything before
/// it writes: axes in range and not repeated, `out`'s length, a lane that is not empty for
/// `mean` and `std`, `ddof` below the lane length.
pub fn reduce<T: Elem>(
    x: Strided<'_, T>,
    axes: Option<&[usize]>,
    red: Reduction,
    out: &mut [f64],
) -> Result<()> {
    let k = red.kernel();
    let p = check(k, &x, axes, red, out.len())?;
    if p.lanes == 0 {
        return Ok(());
    }
    if let Some(tiles) = reduce_tiles::Tiles::new(&p) {
        return reduce_tiles::run(&x, &p, &tiles, red, out);
    }
    if let Some(cols) = reduce_cols::Cols::new(&p) {
        return reduce_cols::run(&x, &p, &cols, red, out);
    }
    let walk = walk_of(&p);
    if worth_parallel(&p) {
        let per_task = (GRAIN / p.lane_len.max(1)).max(1);
        crate::threads::run(|| {
            out.par_iter_mut()
                .with_min_len(per_task)
                .enumerate()
                .for_each(|(q, o)| *o = lane_result(&x, &p, walk, q, red, true));
        });
    } else {
        for (q, o) in out.iter_mut().enumerate() {
            *o = lane_result(&x, &p, walk, q, red, false);
        }
    }
    Ok(())
}

/// The plan of the call, after every check of [`reduce`].
pub fn check<T: Elem>(
    k: &'static str,
    x: &Strided<'_, T>,
    axes: Option<&[usize]>,
    red: Reduction,
    out_len: usize,
) -> Result<Plan> {
    let p = plan(k, x.shape(), x.strides(), axes)?;
    if out_len != p.lanes {
        return Err(Error::length(
            k,
            "out",
            format_args!("length {} (the kept axes' size)", p.lanes),
            format_args!("length {out_len}"),
        ));
    }
    if p.lanes > 0 {
        // The flat call (every axis) words its errors as the flat kernels do.
        let (empty, per) = match axes {
            None => ("must not be empty", "number of elements"),
            Some(_) => (
                "must not be empty along the reduced axes",
                "number of elements per lane",
            ),
        };
        match red {
            Reduction::Mean | Reduction::Std { .. } if p.lane_len == 0 => {
                return Err(Error::invalid(k, "x", empty));
            }
            Reduction::Std { ddof } if ddof >= p.lane_len => {
                return Err(Error::invalid(
                    k,
                    "ddof",
                    format!(
                        "must be smaller than the {per} ({}), got {ddof}",
                        p.lane_len
                    ),
                ));
            }
            _ => {}
        }
    }
    Ok(p)
}

/// True when the whole call is big enough for speedup's pool: the flat `sum`'s cut-off (the
/// calibrated one, or the environment's) on the elements of every lane together.
pub(crate) fn worth_parallel(p: &Plan) -> bool {
    crate::threads::go_parallel(
        p.lanes.saturating_mul(p.lane_len),
        crate::threads::Kernel::Sum,
    )
}

pub(crate) fn walk_of(p: &Plan) -> Walk {
    match p.lane.as_slice() {
        [] => Walk::Step(1),
        [(_, s)] => Walk::Step(*s),
        _ => Walk::General,
    }
}

/// The finished result of lane `q`: the flat kernel's sum, mean or std of that lane.
fn lane_result<T: Elem>(
    x: &Strided<'_, T>,
    p: &Plan,
    walk: Walk,
    q: usize,
    red: Reduction,
    par: bool,
) -> f64 {
    let base = p.lane_offset(q);
    let n = p.lane_len;
    let sum = |term: Term| lane_tree(n, par, &|lo, hi| lane_leaf(x, p, walk, base, lo, hi, term));
    finish(red, n, sum)
}

/// The flat kernel's last steps for a lane of `n` elements, from its tree sums: `sum`,
/// `sum / n`, or the two passes of `std`.
pub(crate) fn finish(red: Reduction, n: usize, sum: impl Fn(Term) -> Acc) -> f64 {
    let s = canon(sum(Term::Value).value());
    match red {
        Reduction::Sum => s,
        Reduction::Mean => canon(s / n as f64),
        Reduction::Std { ddof } => {
            let m = canon(s / n as f64);
            let ss = sum(Term::SquaredDeviation(m)).value();
            canon((ss / (n - ddof) as f64).sqrt())
        }
    }
}

/// The flat kernel's tree over elements `0..n` of a lane, `leaf(lo, hi)` summing one leaf.
/// With `par` (the caller runs on speedup's pool), subtrees above [`GRAIN`] elements run as
/// two rayon tasks.
pub(crate) fn lane_tree(n: usize, par: bool, leaf: &(impl Fn(usize, usize) -> Acc + Sync)) -> Acc {
    fn rec(lo: usize, hi: usize, par: bool, leaf: &(impl Fn(usize, usize) -> Acc + Sync)) -> Acc {
        let len = hi - lo;
        if len <= LEAF {
            return leaf(lo, hi);
        }
        let mid = lo + split_point(len);
        if par && len > GRAIN {
            let (a, b) = rayon::join(|| rec(lo, mid, par, leaf), || rec(mid, hi, par, leaf));
            Acc::join(a, b)
        } else {
            Acc::join(rec(lo, mid, par, leaf), rec(mid, hi, par, leaf))
        }
    }
    rec(0, n, par, leaf)
}

/// The leaf sum of elements `lo..hi` of the lane starting at `base`.
#[inline]
fn lane_leaf<T: Elem>(
    x: &Strided<'_, T>,
    p: &Plan,
    walk: Walk,
    base: isize,
    lo: usize,
    hi: usize,
    term: Term,
) -> Acc {
    let len = hi - lo;
    if let Walk::Step(1) = walk {
        // SAFETY: the lane's elements `lo..hi` are contiguous and inside the view.
        let xs = unsafe { std::slice::from_raw_parts(x.ptr_at(base + lo as isize), len) };
        if let Some(f) = T::as_f64s(xs) {
            return leaf_term(f, term);
        }
        #[cfg(target_arch = "x86_64")]
        if let Some(acc) =
            as_f32s(xs).and_then(|f| leaf_f32_wide(crate::simd::Isa::best(), f, term))
        {
            return acc;
        }
        let mut buf = [0.0f64; LEAF];
        widen_into(&mut buf[..len], xs);
        return leaf_term(&buf[..len], term);
    }
    let mut buf = [0.0f64; LEAF];
    match walk {
        Walk::Step(s) => {
            for (j, b) in buf[..len].iter_mut().enumerate() {
                // SAFETY: element `lo + j` of a lane inside the view.
                *b = unsafe { x.at(base + (lo + j) as isize * s) }.widen();
            }
        }
        Walk::General => {
            for (j, b) in buf[..len].iter_mut().enumerate() {
                // SAFETY: as above.
                *b = unsafe { x.at(base + p.element_offset(lo + j)) }.widen();
            }
        }
    }
    leaf_term(&buf[..len], term)
}

/// The leaf of `term` over `f32` elements on path `isa` (AVX-512 or AVX2, which the CPU must
/// run), `None` for the baseline (which widens into a buffer first). Every path has the bits of
/// the `f64` leaf over the widened copy.
#[cfg(target_arch = "x86_64")]
#[inline]
pub(crate) fn leaf_f32_wide(isa: crate::simd::Isa, f: &[f32], term: Term) -> Option<Acc> {
    use crate::simd::Isa;
    let m = match term {
        Term::Value => 0.0,
        Term::SquaredDeviation(m) => m,
    };
    let sq = matches!(term, Term::SquaredDeviation(_));
    // SAFETY (every arm): `isa` is a path this CPU runs (detected at run time).
    unsafe {
        match (isa, sq) {
            (Isa::Avx512, false) => Some(leaf_f32_avx512::<false>(f, m)),
            (Isa::Avx512, true) => Some(leaf_f32_avx512::<true>(f, m)),
            (Isa::Avx2, false) => Some(leaf_f32_avx2::<false>(f, m)),
            (Isa::Avx2, true) => Some(leaf_f32_avx2::<true>(f, m)),
            _ => None,
        }
    }
}

/// The flat kernel's AVX-512 leaf ([`mod@crate::reduce`]) reading `f32` elements: each group of
/// eight is widened exactly (`vcvtps2pd`) into one register of the eight lanes, which goes
/// through the operations of the `f64` leaf in the same order (the same bits). Reading half
/// the bytes of the `f64` leaf with the same arithmetic, it is what lets a `float32` sum
/// outrun a `float64` one: the AVX2 leaf is bound by its additions, not by memory.
///
/// # Safety
/// The CPU must support AVX-512 (F).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn leaf_f32_avx512<const SQUARED: bool>(x: &[f32], m: f64) -> Acc {
    use crate::reduce::finish_leaf;
    use std::arch::x86_64::*;
    let mv = _mm512_set1_pd(m);
    let (mut s0, mut c0) = (_mm512_setzero_pd(), _mm512_setzero_pd());
    let mut chunks = x.chunks_exact(8);
    for ch in &mut chunks {
        // SAFETY: `ch` holds 8 elements; an unaligned load.
        let mut v0 = _mm512_cvtps_pd(unsafe { _mm256_loadu_ps(ch.as_ptr()) });
        if SQUARED {
            let d0 = _mm512_sub_pd(v0, mv);
            v0 = _mm512_mul_pd(d0, d0);
        }
        let t0 = _mm512_add_pd(s0, v0);
        let z0 = _mm512_sub_pd(t0, s0);
        let e0 = _mm512_add_pd(
            _mm512_sub_pd(s0, _mm512_sub_pd(t0, z0)),
            _mm512_sub_pd(v0, z0),
        );
        c0 = _mm512_add_pd(c0, e0);
        s0 = t0;
    }
    let (mut s, mut c) = ([0.0f64; 8], [0.0f64; 8]);
    // SAFETY: each array holds 8 elements; unaligned stores.
    unsafe {
        _mm512_storeu_pd(s.as_mut_ptr(), s0);
        _mm512_storeu_pd(c.as_mut_ptr(), c0);
    }
    let mut rest = [0.0f64; 8];
    let tail = chunks.remainder();
    widen_generic(&mut rest[..tail.len()], tail);
    let term = if SQUARED {
        Term::SquaredDeviation(m)
    } else {
        Term::Value
    };
    finish_leaf(s, c, &rest[..tail.len()], &|v| term.apply(v))
}

/// The flat kernel's AVX2 leaf ([`mod@crate::reduce`]) reading `f32` elements: each group of four
/// is widened exactly (`vcvtps2pd`) and goes through the same operations in the same order as
/// the `f64` leaf, so the bits are those of the leaf over the widened copy (a unit test
/// compares them).
///
/// # Safety
/// The CPU must support AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn leaf_f32_avx2<const SQUARED: bool>(x: &[f32], m: f64) -> Acc {
    use crate::reduce::finish_leaf;
    use std::arch::x86_64::*;
    let mv = _mm256_set1_pd(m);
    let (mut s0, mut s1) = (_mm256_setzero_pd(), _mm256_setzero_pd());
    let (mut c0, mut c1) = (_mm256_setzero_pd(), _mm256_setzero_pd());
    let mut chunks = x.chunks_exact(8);
    for ch in &mut chunks {
        // SAFETY: `ch` holds 8 elements; unaligned loads.
        let (mut v0, mut v1) = unsafe {
            (
                _mm256_cvtps_pd(_mm_loadu_ps(ch.as_ptr())),
                _mm256_cvtps_pd(_mm_loadu_ps(ch.as_ptr().add(4))),
            )
        };
        if SQUARED {
            let (d0, d1) = (_mm256_sub_pd(v0, mv), _mm256_sub_pd(v1, mv));
            v0 = _mm256_mul_pd(d0, d0);
            v1 = _mm256_mul_pd(d1, d1);
        }
        let (t0, t1) = (_mm256_add_pd(s0, v0), _mm256_add_pd(s1, v1));
        let (z0, z1) = (_mm256_sub_pd(t0, s0), _mm256_sub_pd(t1, s1));
        let e0 = _mm256_add_pd(
            _mm256_sub_pd(s0, _mm256_sub_pd(t0, z0)),
            _mm256_sub_pd(v0, z0),
        );
        let e1 = _mm256_add_pd(
            _mm256_sub_pd(s1, _mm256_sub_pd(t1, z1)),
            _mm256_sub_pd(v1, z1),
        );
        c0 = _mm256_add_pd(c0, e0);
        c1 = _mm256_add_pd(c1, e1);
        s0 = t0;
        s1 = t1;
    }
    let (mut s, mut c) = ([0.0f64; 8], [0.0f64; 8]);
    // SAFETY: each array holds 8 elements; unaligned stores.
    unsafe {
        _mm256_storeu_pd(s.as_mut_ptr(), s0);
        _mm256_storeu_pd(s.as_mut_ptr().add(4), s1);
        _mm256_storeu_pd(c.as_mut_ptr(), c0);
        _mm256_storeu_pd(c.as_mut_ptr().add(4), c1);
    }
    let mut rest = [0.0f64; 8];
    let tail = chunks.remainder();
    widen_generic(&mut rest[..tail.len()], tail);
    let term = if SQUARED {
        Term::SquaredDeviation(m)
    } else {
        Term::Value
    };
    finish_leaf(s, c, &rest[..tail.len()], &|v| term.apply(v))
}

avx2_dispatch! {
    /// `dst[i] = src[i]` widened to `f64` (exact).
    fn widen_f32 => widen_generic(dst: &mut [f64], src: &[f32])
}

#[inline(always)]
fn widen_generic(dst: &mut [f64], src: &[f32]) {
    for (d, &s) in dst.iter_mut().zip(src) {
        *d = f64::from(s);
    }
}

/// Widens `src` into `dst` (same length).
#[inline(always)]
fn widen_into<T: Elem>(dst: &mut [f64], src: &[T]) {
    // The only non-f64 element type is f32; its widening loop runs compiled for AVX2.
    if let Some(f) = as_f32s(src) {
        widen_f32(dst, f);
    } else {
        for (d, &s) in dst.iter_mut().zip(src) {
            *d = s.widen();
        }
    }
}

fn as_f32s<T: Elem>(xs: &[T]) -> Option<&[f32]> {
    if std::any::TypeId::of::<T>() == std::any::TypeId::of::<f32>() {
        // SAFETY: `T` is `f32`.
        Some(unsafe { std::slice::from_raw_parts(xs.as_ptr().cast::<f32>(), xs.len()) })
    } else {
        None
    }
}

/// The flat `sum`, `mean` or `std` of a contiguous `f32` array: each element widened exactly,
/// the `f64` kernel's tree, the result rounded once to `f32`.
pub fn reduce_f32(x: &[f32], red: Reduction) -> Result<f32> {
    let shape = [x.len()];
    let v = Strided::from_slice(red.kernel(), x, &shape, &[1])?;
    let mut out = [0.0f64];
    reduce(v, None, red, &mut out)?;
    Ok(out[0] as f32)
}

#[cfg(test)]
#[path = "reduce_axes_tests.rs"]
mod tests;
