//! One leaf of a tile of side-by-side lanes ([`crate::reduce_tiles`]) in AVX-512, a sublane at a
//! time.
//!
//! Row `i` of a leaf that starts at row `lo` goes to sublane `(i - lo) % 8` of every lane, and
//! the eight sublanes are independent TwoSum chains, each over its rows in order. So a strip of
//! neighbouring lanes can run sublane 0's rows (`lo`, `lo + 8`, ...), then sublane 1's, and so
//! on, keeping the strip's running sums and errors in registers for the whole leaf: the same
//! operations on every sublane in the same order as the row loops, so the same bits. The row
//! loops instead load and store every lane's sum and error for every row they add, three
//! memory operations per element beside the element itself; here a strip's state is written
//! once per sublane, and each row is read once, in runs of several cache lines.
//!
//! A strip is [`WIDE`] registers (96 lanes) where they fit, then [`NARROW`] (64), then one
//! register at a time; the last lanes that fill no register take the portable TwoSum.

#![cfg(target_arch = "x86_64")]

use std::arch::x86_64::*;

use crate::reduce::two_sum_into;
use crate::reduce_tiles::{Span, Src, Sublanes};
use crate::strided::Elem;

/// Registers per strip where the lanes allow: 96 lanes, twice 12 registers of sums and errors
/// (with the temporaries, within AVX-512's 32).
const WIDE: usize = 12;
/// The next strip width: 64 lanes.
const NARROW: usize = 8;
/// How many of a sublane's rows ahead the strip asks for (its rows are 8 rows apart, far
/// apart in memory: the hardware prefetchers stop at page boundaries).
const AHEAD: usize = 4;

/// The leaf `span` (its rows `lo..hi`, phase `lo`) of every lane of the tile, sublane `k` of
/// lane `w` into `s[k][w]`, `c[k][w]` (which start at zero): of the squared deviations from
/// `ms[w]` when `ms` is given.
///
/// # Safety
/// The CPU must support AVX-512 F, DQ, BW and VL; elements `lo..hi` of the tile's `wn` lanes
/// must lie inside the view.
#[target_feature(enable = "avx512f,avx512dq,avx512bw,avx512vl")]
pub(crate) unsafe fn leaf_avx512<T: Elem>(src: &Src<T>, span: Span<'_>, (s, c): Sublanes<'_>) {
    debug_assert_eq!(span.phase, span.lo);
    let Span { lo, hi, ms, .. } = span;
    let wn = src.wn;
    let mut w = 0;
    // SAFETY (every strip): lanes `w..w + 8B <= wn`, rows `lo..hi`: the caller's promise.
    while w + 8 * WIDE <= wn {
        unsafe { strip::<T, WIDE>(src, span, w, (&mut *s, &mut *c)) };
        w += 8 * WIDE;
    }
    while w + 8 * NARROW <= wn {
        unsafe { strip::<T, NARROW>(src, span, w, (&mut *s, &mut *c)) };
        w += 8 * NARROW;
    }
    while w + 8 <= wn {
        unsafe { strip::<T, 1>(src, span, w, (&mut *s, &mut *c)) };
        w += 8;
    }
    for w in w..wn {
        for i in lo..hi {
            let k = (i - lo) % 8;
            // SAFETY: element `i` of lane `w` lies inside the view (the caller's promise).
            let mut v = unsafe { *src.origin.offset(i as isize * src.step).add(w) }.widen();
            if let Some(ms) = ms {
                v = (v - ms[w]) * (v - ms[w]);
            }
            two_sum_into(&mut s[k][w], &mut c[k][w], v);
        }
    }
}

/// Lanes `w0 .. w0 + 8B` of [`leaf_avx512`], one sublane after the other, the sums and errors
/// of the strip in `2B` registers.
///
/// # Safety
/// As [`leaf_avx512`], and `w0 + 8B <= wn`.
#[inline]
#[target_feature(enable = "avx512f,avx512dq,avx512bw,avx512vl")]
unsafe fn strip<T: Elem, const B: usize>(
    src: &Src<T>,
    span: Span<'_>,
    w0: usize,
    st: Sublanes<'_>,
) {
    let (Span { lo, hi, ms, .. }, (s, c)) = (span, st);
    let lines = (8 * B * std::mem::size_of::<T>()).div_ceil(64);
    for k in 0..8 {
        let mut sv = [_mm512_setzero_pd(); B];
        let mut cv = [_mm512_setzero_pd(); B];
        let mut i = lo + k;
        while i < hi {
            // SAFETY: row `i` of lanes `w0 .. w0 + 8B` lies inside the view, and so does the
            // row prefetched (`i + 8 AHEAD < rows`); `ms` holds a mean for each of the `W >= w0 + 8B` lanes.
            unsafe {
                let row = src.origin.offset(i as isize * src.step).add(w0);
                if i + 8 * AHEAD < src.rows {
                    let ahead = row.offset((8 * AHEAD) as isize * src.step).cast::<i8>();
                    for l in 0..lines {
                        _mm_prefetch::<_MM_HINT_T0>(ahead.add(64 * l));
                    }
                }
                for b in 0..B {
                    let mut v = T::load8(row.add(8 * b));
                    if let Some(ms) = ms {
                        let d = _mm512_sub_pd(v, _mm512_loadu_pd(ms.as_ptr().add(w0 + 8 * b)));
                        v = _mm512_mul_pd(d, d);
                    }
                    let t = _mm512_add_pd(sv[b], v);
                    let z = _mm512_sub_pd(t, sv[b]);
                    let e = _mm512_add_pd(
                        _mm512_sub_pd(sv[b], _mm512_sub_pd(t, z)),
                        _mm512_sub_pd(v, z),
                    );
                    cv[b] = _mm512_add_pd(cv[b], e);
                    sv[b] = t;
                }
            }
            i += 8;
        }
        for b in 0..B {
            // SAFETY: lanes `w0 + 8b .. w0 + 8b + 8` lie inside `s[k]` and `c[k]` (`W` lanes).
            unsafe {
                _mm512_storeu_pd(s[k].as_mut_ptr().add(w0 + 8 * b), sv[b]);
                _mm512_storeu_pd(c[k].as_mut_ptr().add(w0 + 8 * b), cv[b]);
            }
        }
    }
}
