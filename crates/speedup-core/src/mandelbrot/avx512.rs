//! The AVX-512 path of [`super::mandelbrot`]: eight `f64` lanes per register.

use std::arch::x86_64::*;

use num_complex::Complex64;

use super::chunked;

/// Registers of eight points iterated abreast by [`fill`]. Each iteration of one register is a
/// chain of three dependent operations (mul, mul, add or mul, sub, add), so one register
/// waits on latency; more registers fill the FP pipes, at the cost of iterating escaped points
/// until the slowest of the group escapes. Measured with the `simd_paths` bench on Zen 4 (one
/// thread, 256x192 grid, max_iter 200): 1, 2, 3, 4 registers are 1.9x, 3.0x, 3.7x, 3.9x the
/// portable lanes (AVX2, two 4-wide registers: 1.5x).
const GROUPS: usize = 4;

/// Escape counts of `8 * G` points at once: each lane performs exactly the scalar operations of
/// [`super::escape_count`] in the same order (the same bits: IEEE mul, add and sub round the same in
/// any register width, nothing is contracted into an FMA, and `>=` is an ordered compare, false
/// for NaN as in Rust). A lane's count is an `i32` fixed by a masked move when the lane first
/// escapes (a mask register says which lanes have); the lanes keep iterating harmlessly until
/// all have escaped or `max_iter` is reached.
///
/// # Safety
/// The CPU must support AVX-512 F, DQ, BW and VL; `c` and `out` hold at least `8 * G` elements.
#[target_feature(enable = "avx512f,avx512dq,avx512bw,avx512vl")]
unsafe fn escape_lanes<const G: usize>(c: &[Complex64], max_iter: i32, out: &mut [i32]) {
    debug_assert!(c.len() >= 8 * G && out.len() >= 8 * G);
    let sixteen = _mm512_set1_pd(16.0);
    let two = _mm512_set1_pd(2.0);
    // Points are (re, im) pairs: even doubles to the real register, odd to the imaginary one.
    let even = _mm512_set_epi64(14, 12, 10, 8, 6, 4, 2, 0);
    let odd = _mm512_set_epi64(15, 13, 11, 9, 7, 5, 3, 1);
    let mut cr = [_mm512_setzero_pd(); G];
    let mut ci = [_mm512_setzero_pd(); G];
    for g in 0..G {
        // SAFETY: points 8g .. 8g + 8 exist; Complex64 is (re, im), repr(C).
        let (a, b) = unsafe {
            let p = c.as_ptr().add(8 * g).cast::<f64>();
            (_mm512_loadu_pd(p), _mm512_loadu_pd(p.add(8)))
        };
        cr[g] = _mm512_permutex2var_pd(a, even, b);
        ci[g] = _mm512_permutex2var_pd(a, odd, b);
    }
    let (mut zr, mut zi) = (cr, ci);
    let mut count = [_mm256_set1_epi32(-1); G];
    let mut done = [0 as __mmask8; G];
    for it in 0..max_iter {
        let itv = _mm256_set1_epi32(it);
        let mut all_done = 0xFFu8;
        for g in 0..G {
            let rr = _mm512_mul_pd(zr[g], zr[g]);
            let ii = _mm512_mul_pd(zi[g], zi[g]);
            let escaped = _mm512_cmp_pd_mask::<_CMP_GE_OQ>(_mm512_add_pd(rr, ii), sixteen);
            count[g] = _mm256_mask_mov_epi32(count[g], escaped & !done[g], itv);
            done[g] |= escaped;
            all_done &= done[g];
            let new_re = _mm512_add_pd(_mm512_sub_pd(rr, ii), cr[g]);
            zi[g] = _mm512_add_pd(_mm512_mul_pd(_mm512_mul_pd(two, zr[g]), zi[g]), ci[g]);
            zr[g] = new_re;
        }
        if all_done == 0xFF {
            break;
        }
    }
    for (g, cnt) in count.iter().enumerate() {
        // SAFETY: out holds 8 * G elements; an unaligned 32-byte store of eight i32.
        unsafe { _mm256_storeu_si256(out.as_mut_ptr().add(8 * g).cast::<__m256i>(), *cnt) };
    }
}

/// [`super::fill`] on this path: `8 * G` points at a time, then eight, then one.
///
/// # Safety
/// The CPU must support AVX-512 F, DQ, BW and VL.
#[target_feature(enable = "avx512f,avx512dq,avx512bw,avx512vl")]
pub(super) unsafe fn fill_groups<const G: usize>(c: &[Complex64], max_iter: i32, out: &mut [i32]) {
    let whole = c.len() - c.len() % (8 * G);
    let (head, tail) = (c.split_at(whole), out.split_at_mut(whole));
    // SAFETY (both): AVX-512 is enabled here; the chunks hold the points the lanes take.
    chunked(8 * G, head.0, max_iter, tail.0, |z, o| unsafe {
        escape_lanes::<G>(z, max_iter, o)
    });
    chunked(8, head.1, max_iter, tail.1, |z, o| unsafe {
        escape_lanes::<1>(z, max_iter, o)
    });
}

/// [`super::fill`] on this path with the measured register count.
///
/// # Safety
/// The CPU must support AVX-512 F, DQ, BW and VL.
#[target_feature(enable = "avx512f,avx512dq,avx512bw,avx512vl")]
pub(super) unsafe fn fill(c: &[Complex64], max_iter: i32, out: &mut [i32]) {
    // SAFETY: the caller's guarantee.
    unsafe { fill_groups::<GROUPS>(c, max_iter, out) }
}
