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
//! A strip is [`WIDE`] registers (96 lanes) where they fit, then [`NARROW`] (64), then the
//! rest in one strip.

#![cfg(target_arch = "x86_64")]

use std::arch::x86_64::*;

use crate::reduce_tiles::{Span, Src, Sublanes};
use crate::strided::Elem;

/// Registers per strip where the lanes allow: 96 lanes, twice 12 registers of sums and errors
/// (with the temporaries, within AVX-512's 32).
const WIDE: usize = 12;
/// The next strip width: 64 lanes.
const NARROW: usize = 8;
/// How many of a sublane's rows ahead the strip asks for (its rows are 8 rows apart, far
/// apart in memory: the hardware prefetchers stop at page boundaries). On a 4000 x 4000
/// `sum(axis=0)` (one thread, AMD EPYC with AVX-512) 2, 4, 8, 16 and 32 gave 1.30, 1.27, 1.22,
/// 1.27 and 1.36 times the flat sum's time.
const AHEAD: usize = 8;

/// The leaf `span` (its rows `lo..hi`, phase `lo`) of every lane of the tile, sublane `k` of
/// lane `w` into `s[k][w]`, `c[k][w]` (which start at zero): of the squared deviations from
/// `ms[w]` when `ms` is given.
///
/// The whole registers start at the first lane whose address in the first row is a multiple
/// of a register's width in memory (64 bytes of `f64`, 32 of `f32`), so that their loads do
/// not straddle cache lines where the rows keep that alignment (NumPy's large arrays start 16
/// bytes into a line). The lanes before it, and those after the last whole register, go in
/// registers whose missing lanes are masked off: read as `+0.0`, which leaves a running
/// TwoSum unchanged, and never stored.
///
/// # Safety
/// The CPU must support AVX-512 F, DQ, BW and VL; elements `lo..hi` of the tile's `wn` lanes
/// must lie inside the view.
#[target_feature(enable = "avx512f,avx512dq,avx512bw,avx512vl")]
pub(crate) unsafe fn leaf_avx512<T: Elem>(src: &Src<T>, span: Span<'_>, (s, c): Sublanes<'_>) {
    debug_assert_eq!(span.phase, span.lo);
    let (size, wn) = (std::mem::size_of::<T>(), src.wn);
    let first = src.origin.wrapping_offset(span.lo as isize * src.step) as usize;
    // Lanes before the first aligned one (none when the elements are not even aligned to their
    // own size: then every choice straddles).
    let head = if first.is_multiple_of(size) {
        ((8 * size - first % (8 * size)) % (8 * size) / size).min(wn)
    } else {
        0
    };
    // SAFETY (every strip): the lanes it reads and writes lie in `0..wn`, rows `lo..hi`: the
    // caller's promise.
    if head > 0 {
        // The register that ends at the first aligned lane.
        unsafe { strip::<T, 1, true>(src, span, head as isize - 8, (&mut *s, &mut *c)) };
    }
    let mut w = head;
    while w + 8 * WIDE <= wn {
        unsafe { strip::<T, WIDE, false>(src, span, w as isize, (&mut *s, &mut *c)) };
        w += 8 * WIDE;
    }
    while w + 8 * NARROW <= wn {
        unsafe { strip::<T, NARROW, false>(src, span, w as isize, (&mut *s, &mut *c)) };
        w += 8 * NARROW;
    }
    // The rest, fewer than 8 registers, the last of them partial.
    let (regs, w0) = ((wn - w).div_ceil(8), w as isize);
    match regs {
        0 => {}
        1 => unsafe { strip::<T, 1, true>(src, span, w0, (&mut *s, &mut *c)) },
        2 => unsafe { strip::<T, 2, true>(src, span, w0, (&mut *s, &mut *c)) },
        3 => unsafe { strip::<T, 3, true>(src, span, w0, (&mut *s, &mut *c)) },
        4 => unsafe { strip::<T, 4, true>(src, span, w0, (&mut *s, &mut *c)) },
        5 => unsafe { strip::<T, 5, true>(src, span, w0, (&mut *s, &mut *c)) },
        6 => unsafe { strip::<T, 6, true>(src, span, w0, (&mut *s, &mut *c)) },
        7 => unsafe { strip::<T, 7, true>(src, span, w0, (&mut *s, &mut *c)) },
        _ => unsafe { strip::<T, 8, true>(src, span, w0, (&mut *s, &mut *c)) },
    }
}

/// The lanes of registers `w0 + 8b .. w0 + 8b + 8` (`b < B`) of [`leaf_avx512`], one sublane
/// after the other, the sums and errors of the strip in `2B` registers. With `PARTIAL`, the
/// last register holds only the lanes that lie in `0..wn` (`w0` may then be negative, for a
/// strip of one register that ends at lane `w0 + 8`).
///
/// # Safety
/// As [`leaf_avx512`]; the lanes of the whole registers lie in `0..wn`.
#[inline]
#[target_feature(enable = "avx512f,avx512dq,avx512bw,avx512vl")]
unsafe fn strip<T: Elem, const B: usize, const PARTIAL: bool>(
    src: &Src<T>,
    span: Span<'_>,
    w0: isize,
    st: Sublanes<'_>,
) {
    let (Span { lo, hi, ms, .. }, (s, c)) = (span, st);
    let wn = src.wn as isize;
    // The last register's lanes that lie in `0..wn`.
    let tail = w0 + 8 * (B as isize - 1);
    let keep = (0..8).fold(0u8, |m, l| {
        m | (u8::from((0..wn).contains(&(tail + l))) << l)
    });
    let bytes = 8 * B * std::mem::size_of::<T>();
    for k in 0..8 {
        let mut sv = [_mm512_setzero_pd(); B];
        let mut cv = [_mm512_setzero_pd(); B];
        let mut i = lo + k;
        while i < hi {
            // The strip's first lane in row `i` (an address only: a partial register's loads
            // are masked to its lanes).
            let row = src.origin.wrapping_offset(i as isize * src.step + w0);
            if i + 8 * AHEAD < src.rows {
                // Every cache line the strip's part of that row touches (one more than its
                // length in lines when it does not start on a line); a prefetch never faults.
                let ahead = row
                    .wrapping_offset((8 * AHEAD) as isize * src.step)
                    .cast::<i8>();
                let skew = ahead as usize % 64;
                let first = ahead.wrapping_sub(skew);
                for l in 0..(skew + bytes).div_ceil(64) {
                    _mm_prefetch::<_MM_HINT_T0>(first.wrapping_add(64 * l));
                }
            }
            for b in 0..B {
                let at = row.wrapping_add(8 * b);
                let mean = ms.map(|ms| ms.as_ptr().wrapping_offset(w0 + 8 * b as isize));
                // SAFETY: the register's lanes (masked to `keep` for a partial one) lie inside
                // the view in row `i`, and `ms` holds a mean for each of the `W >= wn` lanes.
                let (mut v, m) = unsafe {
                    if PARTIAL && b + 1 == B {
                        (
                            T::load8_masked(at, keep),
                            mean.map(|p| _mm512_maskz_loadu_pd(keep, p)),
                        )
                    } else {
                        (T::load8(at), mean.map(|p| _mm512_loadu_pd(p)))
                    }
                };
                if let Some(m) = m {
                    let d = _mm512_sub_pd(v, m);
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
            i += 8;
        }
        for b in 0..B {
            let (sp, cp) = (s[k].as_mut_ptr(), c[k].as_mut_ptr());
            let at = w0 + 8 * b as isize;
            // SAFETY: the stored lanes (masked to `keep` for a partial register) lie inside
            // `s[k]` and `c[k]` (`W >= wn` lanes).
            unsafe {
                if PARTIAL && b + 1 == B {
                    _mm512_mask_storeu_pd(sp.wrapping_offset(at), keep, sv[b]);
                    _mm512_mask_storeu_pd(cp.wrapping_offset(at), keep, cv[b]);
                } else {
                    _mm512_storeu_pd(sp.wrapping_offset(at), sv[b]);
                    _mm512_storeu_pd(cp.wrapping_offset(at), cv[b]);
                }
            }
        }
    }
}
