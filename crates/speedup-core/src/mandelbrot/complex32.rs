//! Escape-time Mandelbrot counts of `complex64` points, computed in `f32`: the iteration of
//! [`super::escape_count`] with every operation in single precision
//! (`re*re + im*im >= 16.0f32`, `(re*re - im*im) + c_re`, `(2.0f32*re)*im + c_im`).

use num_complex::Complex32;

use super::{check_mandelbrot_named, chunked, escape, escape_lanes};
use crate::error::Result;
use crate::simd::Isa;

/// The escape count of one point in `f32`, exactly as the contract writes it.
#[inline(always)]
pub fn escape_count_f32(c: Complex32, max_iter: i32) -> i32 {
    escape(c, max_iter)
}

/// Points iterated abreast by the portable loop.
const LANES: usize = 16;

/// Escape counts of `c` into `out` on path `isa`, which the CPU must run (same bits on every
/// path; the tests and the path benchmark call each).
pub(crate) fn fill_on(isa: Isa, c: &[Complex32], max_iter: i32, out: &mut [i32]) {
    #[cfg(target_arch = "x86_64")]
    match isa {
        // SAFETY: `isa` is a path this CPU runs (detected at run time).
        Isa::Avx512 => return unsafe { wide::fill_avx512(c, max_iter, out) },
        // SAFETY: as above.
        Isa::Avx2 => return unsafe { wide::fill_avx2(c, max_iter, out) },
        Isa::Baseline => {}
    }
    let _ = isa;
    chunked(LANES, c, max_iter, out, |z, o| {
        escape_lanes::<f32, LANES>(z, max_iter, o)
    });
}

/// Escape counts for every point of `c` into `out` (same length), iterated in `f32`. The same
/// bad-input rules as [`super::mandelbrot`], under the name `mandelbrot_f32`.
pub fn mandelbrot_f32(c: &[Complex32], max_iter: i32, out: &mut [i32]) -> Result<()> {
    check_mandelbrot_named("mandelbrot_f32", max_iter, c.len(), out.len())?;
    let isa = Isa::best();
    super::run(c, max_iter, out, |z, o| fill_on(isa, z, max_iter, o));
    Ok(())
}

/// The AVX2 and AVX-512 lanes: each lane performs exactly the operations of
/// [`escape_count_f32`] in the same order (IEEE mul, add and sub round the same in any register
/// width, nothing is contracted into an FMA, `>=` is an ordered compare, false for NaN as in
/// Rust). A lane's count is an `i32`, fixed when the lane first escapes.
#[cfg(target_arch = "x86_64")]
mod wide {
    use std::arch::x86_64::*;

    use num_complex::Complex32;

    use super::chunked;

    /// AVX2 registers of eight points iterated abreast (hides the latency of one iteration).
    const AVX2_GROUPS: usize = 2;
    /// AVX-512 registers of sixteen points iterated abreast. Measured with the `simd_paths`
    /// bench on Zen 4 (one thread, 256x192 grid, max_iter 200): 1, 2, 3, 4 registers take
    /// 480, 329, 262, 240 us (AVX2, two registers of eight: 606 us).
    const AVX512_GROUPS: usize = 4;

    /// The real and imaginary parts of the eight points at `p` as two registers.
    ///
    /// # Safety
    /// AVX2; `p` points at eight `Complex32`.
    #[inline]
    #[target_feature(enable = "avx2")]
    unsafe fn load8(p: *const Complex32) -> (__m256, __m256) {
        // SAFETY: the caller's guarantee; Complex32 is (re, im), repr(C).
        let (a, b) = unsafe {
            let f = p.cast::<f32>();
            (_mm256_loadu_ps(f), _mm256_loadu_ps(f.add(8)))
        };
        // Per 128-bit half: a0 a2 b0 b2 (re 0 1 4 5 | re 2 3 6 7); the 64-bit permute orders them.
        let re = _mm256_shuffle_ps::<0b10_00_10_00>(a, b);
        let im = _mm256_shuffle_ps::<0b11_01_11_01>(a, b);
        (
            _mm256_castpd_ps(_mm256_permute4x64_pd::<0b11_01_10_00>(_mm256_castps_pd(re))),
            _mm256_castpd_ps(_mm256_permute4x64_pd::<0b11_01_10_00>(_mm256_castps_pd(im))),
        )
    }

    /// Escape counts of `8 * G` points at once in AVX2.
    ///
    /// # Safety
    /// AVX2; `c` and `out` hold `8 * G` elements.
    #[target_feature(enable = "avx2")]
    unsafe fn lanes_avx2<const G: usize>(c: &[Complex32], max_iter: i32, out: &mut [i32]) {
        debug_assert!(c.len() >= 8 * G && out.len() >= 8 * G);
        let (sixteen, two) = (_mm256_set1_ps(16.0), _mm256_set1_ps(2.0));
        let mut cr = [_mm256_setzero_ps(); G];
        let mut ci = [_mm256_setzero_ps(); G];
        for g in 0..G {
            // SAFETY: points 8g .. 8g + 8 exist.
            (cr[g], ci[g]) = unsafe { load8(c.as_ptr().add(8 * g)) };
        }
        let (mut zr, mut zi) = (cr, ci);
        let mut count = [_mm256_set1_epi32(-1); G];
        let mut done = [_mm256_setzero_ps(); G];
        for it in 0..max_iter {
            let itv = _mm256_set1_epi32(it);
            let mut all_done = 0xFF;
            for g in 0..G {
                let rr = _mm256_mul_ps(zr[g], zr[g]);
                let ii = _mm256_mul_ps(zi[g], zi[g]);
                let escaped = _mm256_cmp_ps::<_CMP_GE_OQ>(_mm256_add_ps(rr, ii), sixteen);
                let newly = _mm256_castps_si256(_mm256_andnot_ps(done[g], escaped));
                count[g] = _mm256_blendv_epi8(count[g], itv, newly);
                done[g] = _mm256_or_ps(done[g], escaped);
                all_done &= _mm256_movemask_ps(done[g]);
                let new_re = _mm256_add_ps(_mm256_sub_ps(rr, ii), cr[g]);
                zi[g] = _mm256_add_ps(_mm256_mul_ps(_mm256_mul_ps(two, zr[g]), zi[g]), ci[g]);
                zr[g] = new_re;
            }
            if all_done == 0xFF {
                break;
            }
        }
        for (g, cnt) in count.iter().enumerate() {
            // SAFETY: out holds 8 * G elements; an unaligned store of eight i32.
            unsafe { _mm256_storeu_si256(out.as_mut_ptr().add(8 * g).cast::<__m256i>(), *cnt) };
        }
    }

    /// Escape counts of `16 * G` points at once in AVX-512; mask registers say which lanes
    /// have escaped.
    ///
    /// # Safety
    /// AVX-512 F, DQ, BW and VL; `c` and `out` hold `16 * G` elements.
    #[target_feature(enable = "avx512f,avx512dq,avx512bw,avx512vl")]
    unsafe fn lanes_avx512<const G: usize>(c: &[Complex32], max_iter: i32, out: &mut [i32]) {
        debug_assert!(c.len() >= 16 * G && out.len() >= 16 * G);
        let (sixteen, two) = (_mm512_set1_ps(16.0), _mm512_set1_ps(2.0));
        let even = _mm512_set_epi32(30, 28, 26, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2, 0);
        let odd = _mm512_set_epi32(31, 29, 27, 25, 23, 21, 19, 17, 15, 13, 11, 9, 7, 5, 3, 1);
        let mut cr = [_mm512_setzero_ps(); G];
        let mut ci = [_mm512_setzero_ps(); G];
        for g in 0..G {
            // SAFETY: points 16g .. 16g + 16 exist; Complex32 is (re, im), repr(C).
            let (a, b) = unsafe {
                let p = c.as_ptr().add(16 * g).cast::<f32>();
                (_mm512_loadu_ps(p), _mm512_loadu_ps(p.add(16)))
            };
            cr[g] = _mm512_permutex2var_ps(a, even, b);
            ci[g] = _mm512_permutex2var_ps(a, odd, b);
        }
        let (mut zr, mut zi) = (cr, ci);
        let mut count = [_mm512_set1_epi32(-1); G];
        let mut done = [0 as __mmask16; G];
        for it in 0..max_iter {
            let itv = _mm512_set1_epi32(it);
            let mut all_done = 0xFFFFu16;
            for g in 0..G {
                let rr = _mm512_mul_ps(zr[g], zr[g]);
                let ii = _mm512_mul_ps(zi[g], zi[g]);
                let escaped = _mm512_cmp_ps_mask::<_CMP_GE_OQ>(_mm512_add_ps(rr, ii), sixteen);
                count[g] = _mm512_mask_mov_epi32(count[g], escaped & !done[g], itv);
                done[g] |= escaped;
                all_done &= done[g];
                let new_re = _mm512_add_ps(_mm512_sub_ps(rr, ii), cr[g]);
                zi[g] = _mm512_add_ps(_mm512_mul_ps(_mm512_mul_ps(two, zr[g]), zi[g]), ci[g]);
                zr[g] = new_re;
            }
            if all_done == 0xFFFF {
                break;
            }
        }
        for (g, cnt) in count.iter().enumerate() {
            // SAFETY: out holds 16 * G elements; an unaligned store of sixteen i32.
            unsafe { _mm512_storeu_si512(out.as_mut_ptr().add(16 * g).cast(), *cnt) };
        }
    }

    /// The AVX2 fill: `8 * AVX2_GROUPS` points at a time, then eight, then one.
    ///
    /// # Safety
    /// AVX2.
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn fill_avx2(c: &[Complex32], max_iter: i32, out: &mut [i32]) {
        let whole = c.len() - c.len() % (8 * AVX2_GROUPS);
        let (head, tail) = (c.split_at(whole), out.split_at_mut(whole));
        // SAFETY (both): AVX2 is enabled here; chunks hold the points the lanes take.
        chunked(8 * AVX2_GROUPS, head.0, max_iter, tail.0, |z, o| unsafe {
            lanes_avx2::<AVX2_GROUPS>(z, max_iter, o)
        });
        chunked(8, head.1, max_iter, tail.1, |z, o| unsafe {
            lanes_avx2::<1>(z, max_iter, o)
        });
    }

    /// The AVX-512 fill with `G` registers: `16 * G` points at a time, then sixteen, then one.
    ///
    /// # Safety
    /// AVX-512 F, DQ, BW and VL.
    #[target_feature(enable = "avx512f,avx512dq,avx512bw,avx512vl")]
    pub(super) unsafe fn fill_avx512_groups<const G: usize>(
        c: &[Complex32],
        max_iter: i32,
        out: &mut [i32],
    ) {
        let whole = c.len() - c.len() % (16 * G);
        let (head, tail) = (c.split_at(whole), out.split_at_mut(whole));
        // SAFETY (both): AVX-512 is enabled here; chunks hold the points the lanes take.
        chunked(16 * G, head.0, max_iter, tail.0, |z, o| unsafe {
            lanes_avx512::<G>(z, max_iter, o)
        });
        chunked(16, head.1, max_iter, tail.1, |z, o| unsafe {
            lanes_avx512::<1>(z, max_iter, o)
        });
    }

    /// The AVX-512 fill with the measured register count.
    ///
    /// # Safety
    /// AVX-512 F, DQ, BW and VL.
    #[target_feature(enable = "avx512f,avx512dq,avx512bw,avx512vl")]
    pub(super) unsafe fn fill_avx512(c: &[Complex32], max_iter: i32, out: &mut [i32]) {
        // SAFETY: the caller's guarantee.
        unsafe { fill_avx512_groups::<AVX512_GROUPS>(c, max_iter, out) }
    }
}

impl super::Point for Complex32 {
    fn fill_on(isa: Isa, c: &[Self], max_iter: i32, out: &mut [i32]) {
        fill_on(isa, c, max_iter, out)
    }
    #[cfg(target_arch = "x86_64")]
    unsafe fn fill_avx512_groups<const G: usize>(c: &[Self], max_iter: i32, out: &mut [i32]) {
        // SAFETY: the caller's guarantee.
        unsafe { wide::fill_avx512_groups::<G>(c, max_iter, out) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::mandelbrot::tests::{check_every_path, points};

    #[test]
    fn every_path_matches_the_scalar_count() {
        for n in [0, 1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 47, 48, 65, 100, 1001] {
            check_every_path::<f32>(n, escape_count_f32);
        }
    }

    /// An independent reference: the recurrence written with `num_complex` arithmetic in `f32`
    /// (`z*z + c`, whose parts are `(re*re - im*im) + c.re` and `(re*im + im*re) + c.im`;
    /// `re*im + im*re` equals `(2*re)*im` unless `re*im` is subnormal, which these points never
    /// reach).
    #[test]
    fn counts_agree_with_complex_arithmetic() {
        let c = points::<f32>(600);
        let mut got = vec![0i32; c.len()];
        mandelbrot_f32(&c, 60, &mut got).unwrap();
        for (k, &p) in c.iter().enumerate() {
            let mut z = p;
            let want = (0..60)
                .find(|_| {
                    let escaped = z.norm_sqr() >= 16.0;
                    z = z * z + p;
                    escaped
                })
                .map_or(-1, |it| it);
            assert_eq!(got[k], want, "point {k}: {p}");
        }
    }

    #[test]
    fn bad_input_names_the_f32_kernel() {
        let mut out = [0i32; 2];
        let e = mandelbrot_f32(&[Complex32::new(0.0, 0.0); 2], -1, &mut out).unwrap_err();
        assert!(e.to_string().starts_with("mandelbrot_f32: max_iter"), "{e}");
        let e = mandelbrot_f32(&[Complex32::new(0.0, 0.0); 3], 5, &mut out).unwrap_err();
        assert!(e.to_string().starts_with("mandelbrot_f32: out"), "{e}");
        assert_eq!(out, [0, 0]);
    }
}
