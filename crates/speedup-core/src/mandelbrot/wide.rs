//! The AVX2 and AVX-512 paths of [`super::mandelbrot`] and [`super::mandelbrot_f32`], written
//! once over the register width and the precision: [`Lanes`] is what the loop needs of an
//! instruction set in `f64` or `f32`, and the entry points instantiate [`fill_groups`] inside
//! their `#[target_feature]` functions.
//!
//! Each lane performs exactly the scalar operations of [`super::escape_count`] (or
//! [`super::escape_count_f32`]) in the same order: the same bits, since IEEE mul, add and sub
//! round the same in any register width, nothing is contracted into an FMA, and `>=` is an
//! ordered compare, false for NaN as in Rust. A lane's count is fixed when the lane first
//! escapes; a lane that has escaped keeps iterating harmlessly until every lane of the group
//! has.

use std::arch::x86_64::*;

use num_complex::Complex;

use super::chunked;
use crate::real::Real;
use crate::simd::{HasAvx2, HasAvx512};

/// AVX2 registers of points iterated abreast (for `f64`, two registers of four; for `f32`, of
/// eight). Each iteration of one register is a chain of three dependent operations (mul, mul,
/// add or mul, sub, add); two registers hide that latency: 2.1x the portable lanes on the seed
/// grid in `f64`.
pub(super) const AVX2_GROUPS: usize = 2;

/// AVX-512 registers of points iterated abreast: more registers fill the FP pipes, at the cost
/// of iterating escaped points until the slowest of the group escapes. Measured with the
/// `simd_paths` bench on Zen 4 (one thread, 256x192 grid, max_iter 200): in `f64`, 1, 2, 3, 4
/// registers are 1.9x, 3.0x, 3.7x, 3.9x the portable lanes (AVX2, two 4-wide registers: 1.5x);
/// in `f32`, they take 480, 329, 262, 240 us (AVX2, two registers of eight: 606 us).
pub(super) const AVX512_GROUPS: usize = 4;

simd_ops! {
    /// The registers of the escape loop on one instruction set in precision `T` (`E`): `F`
    /// holds one value of `T` per lane, `Done` says which lanes have escaped (a mask register,
    /// or all-ones lanes where AVX2 has no masks), `Count` holds the lanes' counts (as `f64`
    /// where the lanes are `f64` AVX2 ones, exact: counts are below 2^31).
    pub(super) trait Lanes<T>
        for HasAvx2<f64>, HasAvx2<f32>, HasAvx512<f64>, HasAvx512<f32>
    {
        type E = f64, f32, f64, f32;
        type F = __m256d, __m256, __m512d, __m512;
        type Done = __m256d, __m256, __mmask8, __mmask16;
        type Count = __m256d, __m256i, __m256i, __m512i;
        /// `x` in every lane.
        fn splat(x: Self::E) -> Self::F =
            _mm256_set1_pd, _mm256_set1_ps, _mm512_set1_pd, _mm512_set1_ps;
        /// Lane-wise sum.
        fn add(a: Self::F, b: Self::F) -> Self::F =
            _mm256_add_pd, _mm256_add_ps, _mm512_add_pd, _mm512_add_ps;
        /// Lane-wise difference.
        fn sub(a: Self::F, b: Self::F) -> Self::F =
            _mm256_sub_pd, _mm256_sub_ps, _mm512_sub_pd, _mm512_sub_ps;
        /// Lane-wise product.
        fn mul(a: Self::F, b: Self::F) -> Self::F =
            _mm256_mul_pd, _mm256_mul_ps, _mm512_mul_pd, _mm512_mul_ps;
        /// The lanes where `a >= b` (an ordered compare: false for NaN).
        fn ge(a: Self::F, b: Self::F) -> Self::Done =
            _mm256_cmp_pd::<_CMP_GE_OQ>,
            _mm256_cmp_ps::<_CMP_GE_OQ>,
            _mm512_cmp_pd_mask::<_CMP_GE_OQ>,
            _mm512_cmp_ps_mask::<_CMP_GE_OQ>;
        /// No lane.
        fn none() -> Self::Done =
            _mm256_setzero_pd, _mm256_setzero_ps, || _cvtu32_mask8(0), || _cvtu32_mask16(0);
        /// The lanes of `b` that are not lanes of `a`.
        fn andnot(a: Self::Done, b: Self::Done) -> Self::Done =
            _mm256_andnot_pd, _mm256_andnot_ps, _kandn_mask8, _kandn_mask16;
        /// The lanes of `a` or `b`.
        fn or(a: Self::Done, b: Self::Done) -> Self::Done =
            _mm256_or_pd, _mm256_or_ps, _kor_mask8, _kor_mask16;
        /// Bit `l` set where lane `l` is in `d`.
        fn bits(d: Self::Done) -> u32 =
            |d| _mm256_movemask_pd(d) as u32,
            |d| _mm256_movemask_ps(d) as u32,
            _cvtmask8_u32,
            _cvtmask16_u32;
        /// The count `it` in every lane.
        fn count(it: i32) -> Self::Count =
            |it| _mm256_set1_pd(f64::from(it)), _mm256_set1_epi32, _mm256_set1_epi32, _mm512_set1_epi32;
        /// The count of iteration `it` in every lane, from `prev`, that of iteration `it - 1`:
        /// an add on the AVX2 paths (two groups leave registers for the constant one), a fresh
        /// broadcast on the AVX-512 ones (four groups do not). Measured with the `simd_paths`
        /// bench on an AMD EPYC: the add is 3-4% faster with AVX2 and 5-8% slower with
        /// AVX-512 at four registers.
        fn next_count(prev: Self::Count, it: i32) -> Self::Count =
            |prev, _| _mm256_add_pd(prev, _mm256_set1_pd(1.0)),
            |prev, _| _mm256_add_epi32(prev, _mm256_set1_epi32(1)),
            |_, it| _mm256_set1_epi32(it),
            |_, it| _mm512_set1_epi32(it);
        /// `it` in the lanes `m`, `count` in the others.
        fn blend(count: Self::Count, it: Self::Count, m: Self::Done) -> Self::Count =
            _mm256_blendv_pd,
            |count, it, m| _mm256_blendv_epi8(count, it, _mm256_castps_si256(m)),
            |count, it, m| _mm256_mask_mov_epi32(count, m, it),
            |count, it, m| _mm512_mask_mov_epi32(count, m, it);
        /// The real parts (the even elements) and the imaginary parts (the odd ones) of the
        /// points whose parts are in `a` then `b`, in lane order.
        fn split(a: Self::F, b: Self::F) -> (Self::F, Self::F) =
            split4_f64,
            split8_f32,
            |a, b| (
                _mm512_permutex2var_pd(a, _mm512_set_epi64(14, 12, 10, 8, 6, 4, 2, 0), b),
                _mm512_permutex2var_pd(a, _mm512_set_epi64(15, 13, 11, 9, 7, 5, 3, 1), b),
            ),
            |a, b| (
                _mm512_permutex2var_ps(a, _mm512_set_epi32(30, 28, 26, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2, 0), b),
                _mm512_permutex2var_ps(a, _mm512_set_epi32(31, 29, 27, 25, 23, 21, 19, 17, 15, 13, 11, 9, 7, 5, 3, 1), b),
            );
        /// Stores the lanes' counts to the first elements of `out`.
        fn store(count: Self::Count, out: &mut [i32]) -> () =
            |count, out| store_bytes(_mm256_cvtpd_epi32(count), out),
            store_bytes,
            store_bytes,
            store_bytes;
    }
}

/// [`Lanes::split`] of four `f64` points.
#[inline]
#[target_feature(enable = "avx2")]
fn split4_f64(a: __m256d, b: __m256d) -> (__m256d, __m256d) {
    // a = re0 im0 re1 im1, b = re2 im2 re3 im3: unpack gives lanes 0 2 1 3, permute fixes it.
    (
        _mm256_permute4x64_pd::<0b11_01_10_00>(_mm256_unpacklo_pd(a, b)),
        _mm256_permute4x64_pd::<0b11_01_10_00>(_mm256_unpackhi_pd(a, b)),
    )
}

/// [`Lanes::split`] of eight `f32` points.
#[inline]
#[target_feature(enable = "avx2")]
fn split8_f32(a: __m256, b: __m256) -> (__m256, __m256) {
    // Per 128-bit half: a0 a2 b0 b2 (re 0 1 4 5 | re 2 3 6 7); the 64-bit permute orders them.
    let re = _mm256_shuffle_ps::<0b10_00_10_00>(a, b);
    let im = _mm256_shuffle_ps::<0b11_01_11_01>(a, b);
    (
        _mm256_castpd_ps(_mm256_permute4x64_pd::<0b11_01_10_00>(_mm256_castps_pd(re))),
        _mm256_castpd_ps(_mm256_permute4x64_pd::<0b11_01_10_00>(_mm256_castps_pd(im))),
    )
}

/// The register `V` whose bytes are the first of `c` (an unaligned load).
///
/// # Safety
/// Every bit pattern must be a valid `V` (a SIMD register).
#[inline(always)]
unsafe fn load_bytes<V: Copy, P: Copy>(c: &[P]) -> V {
    assert!(std::mem::size_of_val(c) >= std::mem::size_of::<V>());
    // SAFETY: the bytes are in bounds (checked just above); the caller's guarantee for `V`.
    unsafe { std::ptr::read_unaligned(c.as_ptr().cast::<V>()) }
}

/// Stores the bytes of `v` to the first elements of `out` (an unaligned store).
///
/// # Safety
/// `V` must have no padding (a SIMD register of integers).
#[inline(always)]
unsafe fn store_bytes<V: Copy>(v: V, out: &mut [i32]) {
    assert!(std::mem::size_of_val(out) >= std::mem::size_of::<V>());
    // SAFETY: the bytes are in bounds (checked just above); every initialised bit pattern is
    // a valid i32.
    unsafe { std::ptr::write_unaligned(out.as_mut_ptr().cast::<V>(), v) }
}

/// Points per register of `W` in precision `T`.
#[inline(always)]
fn lanes<T: Real, W: Lanes<T, E = T>>() -> usize {
    std::mem::size_of::<W::F>() / std::mem::size_of::<T>()
}

/// The escape counts of the first `G` registers' worth of points of `c`, `G` registers abreast
/// (each iteration's chains of dependent operations overlap).
#[inline(always)]
fn escape_groups<T: Real, W: Lanes<T, E = T>, const G: usize>(
    w: W,
    c: &[Complex<T>],
    max_iter: i32,
) -> [W::Count; G] {
    let lanes = lanes::<T, W>();
    let (sixteen, two) = (w.splat(T::from_f64(16.0)), w.splat(T::TWO));
    let mut cr = [sixteen; G];
    let mut ci = [sixteen; G];
    for g in 0..G {
        let half = &c[lanes * g..];
        // SAFETY: `F` is a SIMD register (every impl of `Lanes`): any bits are valid.
        let (a, b) = unsafe { (load_bytes(half), load_bytes(&half[lanes / 2..])) };
        (cr[g], ci[g]) = w.split(a, b);
    }
    let (mut zr, mut zi) = (cr, ci);
    let mut count = [w.count(-1); G];
    let mut done = [w.none(); G];
    let all = (1u32 << lanes) - 1;
    let mut itv = w.count(-1);
    for it in 0..max_iter {
        itv = w.next_count(itv, it);
        let mut all_done = all;
        for g in 0..G {
            let rr = w.mul(zr[g], zr[g]);
            let ii = w.mul(zi[g], zi[g]);
            let escaped = w.ge(w.add(rr, ii), sixteen);
            count[g] = w.blend(count[g], itv, w.andnot(done[g], escaped));
            done[g] = w.or(done[g], escaped);
            all_done &= w.bits(done[g]);
            let new_re = w.add(w.sub(rr, ii), cr[g]);
            zi[g] = w.add(w.mul(w.mul(two, zr[g]), zi[g]), ci[g]);
            zr[g] = new_re;
        }
        if all_done == all {
            break;
        }
    }
    count
}

/// Escape counts of `c` into `out` (same length): `G` registers of points at a time, then one
/// register, then the scalar loop.
#[inline(always)]
fn fill_groups<T: Real, W: Lanes<T, E = T>, const G: usize>(
    w: W,
    c: &[Complex<T>],
    max_iter: i32,
    out: &mut [i32],
) {
    let lanes = lanes::<T, W>();
    let store = |counts: &[W::Count], o: &mut [i32]| {
        for (count, o) in counts.iter().zip(o.chunks_exact_mut(lanes)) {
            w.store(*count, o);
        }
    };
    let whole = c.len() - c.len() % (lanes * G);
    let (head, tail) = (c.split_at(whole), out.split_at_mut(whole));
    chunked(lanes * G, head.0, max_iter, tail.0, |z, o| {
        store(&escape_groups::<T, W, G>(w, z, max_iter), o)
    });
    chunked(lanes, head.1, max_iter, tail.1, |z, o| {
        store(&escape_groups::<T, W, 1>(w, z, max_iter), o)
    });
}

/// The AVX2 path: [`AVX2_GROUPS`] registers of points at a time.
#[target_feature(enable = "avx2")]
pub(super) fn fill_avx2<T: Real>(c: &[Complex<T>], max_iter: i32, out: &mut [i32])
where
    HasAvx2: Lanes<T, E = T>,
{
    fill_groups::<T, _, AVX2_GROUPS>(HasAvx2::new(), c, max_iter, out)
}

/// The AVX-512 path with `G` registers of points at a time.
#[target_feature(enable = "avx512f,avx512dq,avx512bw,avx512vl")]
pub(super) fn fill_avx512<T: Real, const G: usize>(c: &[Complex<T>], max_iter: i32, out: &mut [i32])
where
    HasAvx512: Lanes<T, E = T>,
{
    fill_groups::<T, _, G>(HasAvx512::new(), c, max_iter, out)
}
