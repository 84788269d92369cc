//! One leaf of the deterministic sum ([`mod@crate::reduce`]): up to [`LEAF`] elements, element
//! `i` to sublane `i % 8`, each sublane a TwoSum running sum and error, the sublanes joined by a
//! fixed pairwise tree.
//!
//! The leaf reads `f64` or `f32` elements in place ([`Elem`]); an `f32` element is widened to
//! `f64` exactly as it is loaded, so both types go through the same operations in the same order.
//! Paths, all with the same bits (the tests compare every path this CPU runs):
//! - the portable loop ([`leaf_sum`]), which also serves any mapped sum (`sum_map`);
//! - AVX2 (the eight sublanes as two 4-wide registers) and AVX-512 (one 8-wide register), the
//!   scalar operations lane by lane (IEEE add, sub and mul round the same in any register
//!   width, and nothing is contracted into an FMA). LLVM's autovectoriser does not find this
//!   layout by itself (it pairs lanes 0 and 4, 1 and 5, ... with shuffles and leaves lanes
//!   scalar), hence the intrinsics: 2.3x faster than the portable loop on data in cache;
//! - for an `f32` leaf's plain sum, an **exact** path ([`exact_f32`]): when the values of the
//!   leaf span few enough binades, every partial sum of a sublane is exact in `f64`, so every
//!   TwoSum error is `+0.0` and each sublane's running sum is the exact sum of its values,
//!   whatever the order of the additions. The path checks that bound while it adds with
//!   independent accumulators and no error terms, and hands the leaf back to the TwoSum loop
//!   when the bound fails (infinities, NaN, or values too far apart). A TwoSum chain is one
//!   dependent addition per eight elements plus six more operations; the exact path is one
//!   addition per eight, in parallel chains, so a `float32` sum runs at memory speed.

use crate::reduce::Acc;
use crate::simd::Isa;
use crate::strided::Elem;

/// Runs `body` for `q = 0` and, when `n > 1`, `q = 1` (at most two), written out: a loop over
/// the streams' accumulators would be unrolled, and the accumulators kept in registers, by
/// some instantiations and not others (the C door's `float32` sum measured 3x slower).
macro_rules! streams {
    ($n:expr, |$q:ident| $body:block) => {{
        const { assert!($n <= 2) };
        {
            let $q = 0usize;
            $body
        }
        if $n > 1 {
            let $q = 1usize;
            $body
        }
    }};
}

/// Elements per leaf.
pub const LEAF: usize = 1024;

/// Lane `(s, c)` takes `v`: TwoSum, the error added to `c`.
#[inline(always)]
pub(crate) fn two_sum_into(s: &mut f64, c: &mut f64, v: f64) {
    let t = *s + v;
    let z = t - *s;
    *c += (*s - (t - z)) + (v - z);
    *s = t;
}

/// Adds the last `rest.len() < 8` elements (element `k` to lane `k`), then combines the lanes.
#[inline(always)]
pub(crate) fn finish_leaf<T: Elem>(
    mut s: [f64; 8],
    mut c: [f64; 8],
    rest: &[T],
    f: &impl Fn(f64) -> f64,
) -> Acc {
    for (k, &v) in rest.iter().enumerate() {
        two_sum_into(&mut s[k], &mut c[k], f(v.widen()));
    }
    let lane = |k: usize| Acc { s: s[k], c: c[k] };
    Acc::join(
        Acc::join(Acc::join(lane(0), lane(1)), Acc::join(lane(2), lane(3))),
        Acc::join(Acc::join(lane(4), lane(5)), Acc::join(lane(6), lane(7))),
    )
}

/// The 8-lane compensated sum of one leaf, `f` applied to every element (the portable form).
#[inline(always)]
pub(crate) fn leaf_sum<T: Elem>(x: &[T], f: &impl Fn(f64) -> f64) -> Acc {
    let mut s = [0.0f64; 8];
    let mut c = [0.0f64; 8];
    let mut chunks = x.chunks_exact(8);
    for ch in &mut chunks {
        for k in 0..8 {
            two_sum_into(&mut s[k], &mut c[k], f(ch[k].widen()));
        }
    }
    finish_leaf(s, c, chunks.remainder(), f)
}

/// What the fast reductions add up, in the two forms a leaf can take.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Term {
    /// `x_i` (sum, mean, the first pass of std).
    Value,
    /// `(x_i - m) * (x_i - m)` (the second pass of std).
    SquaredDeviation(f64),
}

impl Term {
    #[inline(always)]
    pub(crate) fn apply(self, v: f64) -> f64 {
        match self {
            Term::Value => v,
            Term::SquaredDeviation(m) => (v - m) * (v - m),
        }
    }

    fn mean(self) -> f64 {
        match self {
            Term::Value => 0.0,
            Term::SquaredDeviation(m) => m,
        }
    }
}

/// `N` leaf sums at once in AVX2, one leaf per input (all of one length): each leaf's eight
/// lanes are two 4-wide registers ([`Elem::load4`] widens an `f32` group exactly), every lane
/// the scalar operations in the same order. The leaves' chains are independent, so `N = 2` is
/// the same bits as two calls with `N = 1`, reading two streams at once.
///
/// # Safety
/// The CPU must support AVX2 ([`crate::simd::avx2`] says so).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn leaf_sum_avx2<T: Elem, const SQUARED: bool, const N: usize>(
    xs: [&[T]; N],
    ms: [f64; N],
) -> [Acc; N] {
    use std::arch::x86_64::*;
    let mv = ms.map(|m| _mm256_set1_pd(m));
    let mut s = [[_mm256_setzero_pd(); 2]; N];
    let mut c = [[_mm256_setzero_pd(); 2]; N];
    let body = xs[0].len() - xs[0].len() % 8;
    for i in (0..body).step_by(8) {
        streams!(N, |q| {
            streams!(2, |h| {
                // SAFETY: element `i + 4 * h + 3 < body` of a leaf as long as the first.
                let mut v = unsafe { T::load4(xs[q].as_ptr().add(i + 4 * h)) };
                if SQUARED {
                    let d = _mm256_sub_pd(v, mv[q]);
                    v = _mm256_mul_pd(d, d);
                }
                let (sv, cv) = (s[q][h], c[q][h]);
                let t = _mm256_add_pd(sv, v);
                let z = _mm256_sub_pd(t, sv);
                let e = _mm256_add_pd(_mm256_sub_pd(sv, _mm256_sub_pd(t, z)), _mm256_sub_pd(v, z));
                c[q][h] = _mm256_add_pd(cv, e);
                s[q][h] = t;
            });
        });
    }
    // The registers go to memory only after the loop, as in [`leaf_sum_avx512`].
    let (mut sa, mut ca) = ([[0.0f64; 8]; N], [[0.0f64; 8]; N]);
    for q in 0..N {
        for h in 0..2 {
            // SAFETY: each array holds 8 elements; unaligned stores.
            unsafe {
                _mm256_storeu_pd(sa[q].as_mut_ptr().add(4 * h), s[q][h]);
                _mm256_storeu_pd(ca[q].as_mut_ptr().add(4 * h), c[q][h]);
            }
        }
    }
    std::array::from_fn(|q| {
        finish_leaf(sa[q], ca[q], &xs[q][body..], &|v| {
            term_of::<SQUARED>(ms[q]).apply(v)
        })
    })
}

/// [`leaf_sum_avx2`] in AVX-512: each leaf's eight lanes are one 8-wide register
/// ([`Elem::load8`]), the same operations in the same order.
///
/// # Safety
/// The CPU must support AVX-512 F ([`crate::simd::avx512`] says so).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq,avx512bw,avx512vl")]
unsafe fn leaf_sum_avx512<T: Elem, const SQUARED: bool, const N: usize>(
    xs: [&[T]; N],
    ms: [f64; N],
) -> [Acc; N] {
    use std::arch::x86_64::*;
    let mv = ms.map(|m| _mm512_set1_pd(m));
    let mut s = [_mm512_setzero_pd(); N];
    let mut c = [_mm512_setzero_pd(); N];
    let body = xs[0].len() - xs[0].len() % 8;
    for i in (0..body).step_by(8) {
        streams!(N, |q| {
            // SAFETY: element `i + 7 < body` of a leaf as long as the first.
            let mut v = unsafe { T::load8(xs[q].as_ptr().add(i)) };
            if SQUARED {
                let d = _mm512_sub_pd(v, mv[q]);
                v = _mm512_mul_pd(d, d);
            }
            let (sv, cv) = (s[q], c[q]);
            let t = _mm512_add_pd(sv, v);
            let z = _mm512_sub_pd(t, sv);
            let e = _mm512_add_pd(_mm512_sub_pd(sv, _mm512_sub_pd(t, z)), _mm512_sub_pd(v, z));
            c[q] = _mm512_add_pd(cv, e);
            s[q] = t;
        });
    }
    // The registers go to memory only after the loop (a closure that borrowed them would keep
    // them in memory throughout).
    let (mut sa, mut ca) = ([[0.0f64; 8]; N], [[0.0f64; 8]; N]);
    for q in 0..N {
        // SAFETY: each array holds 8 elements; unaligned stores.
        unsafe {
            _mm512_storeu_pd(sa[q].as_mut_ptr(), s[q]);
            _mm512_storeu_pd(ca[q].as_mut_ptr(), c[q]);
        }
    }
    std::array::from_fn(|q| {
        finish_leaf(sa[q], ca[q], &xs[q][body..], &|v| {
            term_of::<SQUARED>(ms[q]).apply(v)
        })
    })
}

/// The term a vectorised leaf adds: the squared deviation from `m`, or the value.
#[inline(always)]
fn term_of<const SQUARED: bool>(m: f64) -> Term {
    if SQUARED {
        Term::SquaredDeviation(m)
    } else {
        Term::Value
    }
}

/// The leaf sum of `term` over `x` on the widest path this CPU runs (same bits on every path).
#[inline(always)]
pub(crate) fn leaf_term<T: Elem>(x: &[T], term: Term) -> Acc {
    leaf_term_on(Isa::best(), x, term)
}

/// The leaf sum of `term` over `x` on path `isa`, which the CPU must run (the tests call every
/// path; everything else goes through [`leaf_term`]).
#[inline(always)]
pub(crate) fn leaf_term_on<T: Elem>(isa: Isa, x: &[T], term: Term) -> Acc {
    let [acc] = leaves_term_on(isa, [x], [term]);
    acc
}

/// [`leaf_term`] of two leaves of one length at once, leaf `q` adding `terms[q]` (both values,
/// or both squared deviations): two independent chains, read as two streams (one core reads
/// two streams far apart in memory faster than one), the same bits as two calls.
#[inline(always)]
pub(crate) fn leaf_pair_term<T: Elem>(xs: [&[T]; 2], terms: [Term; 2]) -> [Acc; 2] {
    leaves_term_on(Isa::best(), xs, terms)
}

/// The leaf sums of `terms[q]` over leaf `q` of `N` leaves of one length, the terms all values
/// or all squared deviations, on path `isa`, which the CPU must run.
#[inline(always)]
pub(crate) fn leaves_term_on<T: Elem, const N: usize>(
    isa: Isa,
    xs: [&[T]; N],
    terms: [Term; N],
) -> [Acc; N] {
    debug_assert!(xs.iter().all(|x| x.len() == xs[0].len()));
    let squared = matches!(terms[0], Term::SquaredDeviation(_));
    debug_assert!(terms
        .iter()
        .all(|t| matches!(t, Term::SquaredDeviation(_)) == squared));
    if !squared {
        if let Some(fs) = as_f32_leaves(xs) {
            // One leaf after the other: the exact loop over two leaves in step measured 1.5x
            // slower in cache than over one (`cargo bench --bench simd_paths`), and from memory
            // the leaves, one after the other, still make two streams.
            let got: [Option<Acc>; N] = fs.map(|f| exact_f32(isa, f));
            if got.iter().all(Option::is_some) {
                return got.map(|a| a.expect("checked"));
            }
        }
    }
    #[cfg(target_arch = "x86_64")]
    {
        let ms = terms.map(Term::mean);
        // SAFETY (every arm): `isa` is a path this CPU runs (detected at run time); the
        // leaves have one length.
        unsafe {
            match (isa, squared) {
                (Isa::Avx512, false) => return leaf_sum_avx512::<T, false, N>(xs, ms),
                (Isa::Avx512, true) => return leaf_sum_avx512::<T, true, N>(xs, ms),
                (Isa::Avx2, false) => return leaf_sum_avx2::<T, false, N>(xs, ms),
                (Isa::Avx2, true) => return leaf_sum_avx2::<T, true, N>(xs, ms),
                (Isa::Baseline, _) => {}
            }
        }
    }
    let _ = isa;
    std::array::from_fn(|q| match terms[q] {
        Term::Value => leaf_sum(xs[q], &|v| v),
        Term::SquaredDeviation(m) => leaf_sum(xs[q], &|v| (v - m) * (v - m)),
    })
}

/// The sum of one leaf of values on path `isa` (for the path benchmark).
pub(crate) fn leaf_value_on(isa: Isa, x: &[f64]) -> f64 {
    leaf_term_on(isa, x, Term::Value).value()
}

/// The leaves as `f32`s when `T` is `f32`.
#[inline(always)]
pub(crate) fn as_f32_leaves<T: Elem, const N: usize>(xs: [&[T]; N]) -> Option<[&[f32]; N]> {
    if std::any::TypeId::of::<T>() == std::any::TypeId::of::<f32>() {
        // SAFETY: `T` is `f32`.
        Some(xs.map(|x| unsafe { std::slice::from_raw_parts(x.as_ptr().cast::<f32>(), x.len()) }))
    } else {
        None
    }
}

/// How many binades the nonzero values of an `f32` leaf may span for the exact path.
///
/// Let the largest magnitude have biased exponent `emax` and the smallest nonzero one `emin`
/// (`max(emin, 1)`: subnormals share the lowest binade's spacing). Every value is a multiple
/// of `2^(emin - 150)` (an `f32` has 24 significant bits) and smaller than `2^(emax - 126)`, so
/// every partial sum of at most `LEAF / 8 = 2^7` of them (one sublane of a leaf, in any order)
/// is a multiple of `2^(emin - 150)` below `2^(emax - 119)`. Such a number has at most
/// `emax - emin + 31` significant bits, exact in `f64`'s 53 when `emax - emin <= 22`.
pub(crate) const EXACT_SPAN: u32 = 53 - 24 - 7;

/// Whether a leaf whose largest magnitude has the bits `hi` and whose smallest nonzero
/// magnitude has the bits `lo_minus_one + 1` (`u32::MAX`: every value is zero) qualifies for
/// the exact path: no infinity or NaN, and a span of at most [`EXACT_SPAN`] binades.
#[inline(always)]
pub(crate) fn exact_span_ok(hi: u32, lo_minus_one: u32) -> bool {
    if hi >= 0x7f80_0000 {
        return false;
    }
    if lo_minus_one == u32::MAX {
        return true;
    }
    let emax = hi >> 23;
    let emin = ((lo_minus_one + 1) >> 23).max(1);
    emax.saturating_sub(emin) <= EXACT_SPAN
}

/// The plain sum of an `f32` leaf (at most [`LEAF`] elements) by the exact path, compiled for
/// `isa`, or `None` when the leaf does not qualify ([`exact_span_ok`]). When it returns a value,
/// that value has the bits of the TwoSum leaf: every sublane's running sum is the exact sum of
/// its values and every error term `+0.0` there too (`x - x` is `+0.0`, and a running sum that
/// starts at `+0.0` never becomes `-0.0`).
#[inline(always)]
pub(crate) fn exact_f32(isa: Isa, x: &[f32]) -> Option<Acc> {
    if x.len() > LEAF {
        return None; // the span bound counts at most LEAF / 8 values per sublane
    }
    #[cfg(target_arch = "x86_64")]
    let (s, hi, lo) = {
        #[target_feature(enable = "avx512f,avx512dq,avx512bw,avx512vl")]
        unsafe fn avx512(x: &[f32]) -> ([f64; 8], u32, u32) {
            exact_sums(x)
        }
        #[target_feature(enable = "avx2")]
        unsafe fn avx2(x: &[f32]) -> ([f64; 8], u32, u32) {
            exact_sums(x)
        }
        // SAFETY (both arms): `isa` is a path this CPU runs (detected at run time).
        match isa {
            Isa::Avx512 => unsafe { avx512(x) },
            Isa::Avx2 => unsafe { avx2(x) },
            Isa::Baseline => exact_sums(x),
        }
    };
    #[cfg(not(target_arch = "x86_64"))]
    let (s, hi, lo) = exact_sums(x);
    exact_span_ok(hi, lo).then(|| finish_leaf::<f64>(s, [0.0; 8], &[], &|v| v))
}

/// The magnitude bits of `v`, folded into the running largest `hi` and smallest-nonzero-minus-one
/// `lo` (a zero wraps to `u32::MAX`, so it never lowers `lo`).
#[inline(always)]
fn fold_bits(v: f32, hi: &mut u32, lo: &mut u32) {
    let b = v.to_bits() & 0x7fff_ffff;
    *hi = (*hi).max(b);
    *lo = (*lo).min(b.wrapping_sub(1));
}

/// [`exact_f32`]'s loop: each sublane's sum with four independent accumulators (element `i` of
/// a group of 32 to accumulator `i / 8`, sublane `i % 8`), and the bits for [`exact_span_ok`].
/// Written once as plain lanes, which LLVM vectorises for the instruction set it is compiled
/// for (no addition is regrouped: the lanes are independent).
#[inline(always)]
fn exact_sums(x: &[f32]) -> ([f64; 8], u32, u32) {
    let mut a = [[0.0f64; 8]; 4];
    let (mut hi, mut lo) = ([0u32; 32], [u32::MAX; 32]);
    let mut chunks = x.chunks_exact(32);
    for ch in &mut chunks {
        add_group(
            &mut a,
            (&mut hi, &mut lo),
            ch.try_into().expect("32 elements"),
        );
    }
    let mut s: [f64; 8] = std::array::from_fn(|k| (a[0][k] + a[1][k]) + (a[2][k] + a[3][k]));
    let (mut h, mut l) = (halving(hi, u32::max), halving(lo, u32::min));
    for (k, &v) in chunks.remainder().iter().enumerate() {
        fold_bits(v, &mut h, &mut l);
        s[k % 8] += f64::from(v);
    }
    (s, h, l)
}

/// One group of 32 elements into a leaf's four accumulators and its magnitude bits (fixed
/// lengths, so that LLVM vectorises it).
#[inline(always)]
fn add_group(a: &mut [[f64; 8]; 4], (hi, lo): (&mut [u32; 32], &mut [u32; 32]), ch: &[f32; 32]) {
    for (g, acc) in a.iter_mut().enumerate() {
        for (k, s) in acc.iter_mut().enumerate() {
            *s += f64::from(ch[8 * g + k]);
        }
    }
    for (k, &v) in ch.iter().enumerate() {
        fold_bits(v, &mut hi[k], &mut lo[k]);
    }
}

/// `f` over the 32 lanes of `v`, halving the lanes at each step (vector operations, where a
/// left-to-right fold goes lane by lane).
#[inline(always)]
fn halving(mut v: [u32; 32], f: impl Fn(u32, u32) -> u32) -> u32 {
    let mut n = 32;
    while n > 1 {
        n /= 2;
        for k in 0..n {
            v[k] = f(v[k], v[k + n]);
        }
    }
    v[0]
}

#[cfg(test)]
#[path = "reduce_leaf_tests.rs"]
mod tests;
