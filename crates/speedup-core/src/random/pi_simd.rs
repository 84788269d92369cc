//! The point test of `monte_carlo_pi` on the vector Philox paths: the blocks' words stay in
//! registers, block `b` giving points `2b` (words 0, 1) and `2b + 1` (words 2, 3), and each
//! lane's test is the IEEE arithmetic of the scalar test, so every point is counted alike.

#![cfg(target_arch = "x86_64")]

use std::arch::x86_64::*;

use crate::philox::{blocks_mixed, uniform, Keys, LaneOps, Philox4x64, Wide};
use crate::simd::{HasAvx2, HasAvx512};

/// Vector groups and scalar blocks per step of the AVX-512 count: three groups keep enough
/// independent multiplies in flight to fill the vector units (one or two leave them waiting on
/// latency; four run out of registers), and five scalar blocks use the scalar multiplier
/// meanwhile (measured on Zen 5 with `cargo run --release -p speedup-core --example
/// philox_paths`, 1e8 points on one thread: 1, 2, 3, 4, 5 and 6 scalar blocks took 146, 138-143,
/// 143, 134-138, 130-135 and 141 ms; on a shared 16-core Xeon 2 and 5 were within its noise).
const PI_AVX512: (usize, usize) = (3, 5);
/// The same for the AVX2 count (16 vector registers: two groups; the scalar blocks weigh more
/// beside the narrower vectors).
const PI_AVX2: (usize, usize) = (2, 4);

/// 1 when the point `(uniform(a), uniform(b))` lies strictly inside the unit circle: the
/// scalar test, for the blocks that do not fill a register.
#[inline]
fn in_circle(a: u64, b: u64) -> u64 {
    let x = uniform(a);
    let y = uniform(b);
    (x * x + y * y < 1.0) as u64
}

/// Points inside the circle among the points of blocks `first .. first + n` (scalar).
fn inside_blocks_scalar(g: &Philox4x64, first: u64, n: u64) -> u64 {
    (first..first + n)
        .map(|b| {
            let w = g.block(b);
            in_circle(w[0], w[1]) + in_circle(w[2], w[3])
        })
        .sum()
}

/// The point test on an instruction set's registers, for [`inside_blocks`].
trait Circle: Wide {
    /// `acc` plus 1 in each lane whose point (x in `a`, y in `b`) lies inside the circle.
    fn count_inside(self, acc: Self::V, a: Self::V, b: Self::V) -> Self::V;
    /// The sum of the lanes of `acc`.
    fn lane_sum(self, acc: Self::V) -> u64;
}

/// Points inside the circle among the points of blocks `first .. first + n`: `G` registers of
/// blocks and `S` scalar blocks at a time, then the rest in scalar code.
#[inline(always)]
fn inside_blocks<W: Circle, const G: usize, const S: usize>(
    w: W,
    g: &Philox4x64,
    first: u64,
    n: u64,
) -> u64 {
    let (k0, k1) = g.key();
    let keys = Keys::new(w, [k0, k1]);
    let (mut acc0, mut acc1) = (w.splat(0), w.splat(0));
    let mut scalar = 0u64;
    let mut b = first;
    let step = (W::LANES * G + S) as u64;
    for _ in 0..n / step {
        let (wv, ws) = blocks_mixed::<W, G, S>(w, &keys, b);
        for x in wv {
            acc0 = w.count_inside(acc0, x[0], x[1]);
            acc1 = w.count_inside(acc1, x[2], x[3]);
        }
        for x in ws {
            scalar += in_circle(x[0], x[1]) + in_circle(x[2], x[3]);
        }
        b += step;
    }
    w.lane_sum(w.add(acc0, acc1)) + scalar + inside_blocks_scalar(g, b, first + n - b)
}

/// The AVX-512 test of eight points, words `a` (x) and `b` (y) in lane order.
///
/// `uniform(w) = (w >> 11) 2^-53`; here `X = w & !0x7FF = (w >> 11) 2^11` converts to f64
/// exactly (53 significant bits at most), so `x = X 2^-64`, and every product and sum of the
/// test is the scalar one times `2^-128` (a power of two, far from underflow and overflow,
/// so the roundings are the same): `x*x + y*y < 1` is `X*X + Y*Y < 2^128` bit for bit.
#[inline]
#[target_feature(enable = "avx512f,avx512dq")]
fn inside8(a: __m512i, b: __m512i) -> __mmask8 {
    let keep = _mm512_set1_epi64(!0x7FF);
    let x = _mm512_cvtepu64_pd(_mm512_and_si512(a, keep));
    let y = _mm512_cvtepu64_pd(_mm512_and_si512(b, keep));
    let r2 = _mm512_add_pd(_mm512_mul_pd(x, x), _mm512_mul_pd(y, y));
    _mm512_cmplt_pd_mask(r2, _mm512_set1_pd(2f64.powi(128)))
}

impl Circle for HasAvx512 {
    #[inline(always)]
    fn count_inside(self, acc: __m512i, a: __m512i, b: __m512i) -> __m512i {
        // SAFETY: `self` is a proof that the CPU runs AVX-512.
        unsafe { _mm512_mask_add_epi64(acc, inside8(a, b), acc, _mm512_set1_epi64(1)) }
    }

    #[inline(always)]
    fn lane_sum(self, acc: __m512i) -> u64 {
        // SAFETY: as in `count_inside`.
        unsafe { _mm512_reduce_add_epi64(acc) as u64 }
    }
}

/// Points inside the circle among the points of blocks `first .. first + n`, eight blocks per
/// AVX-512 register: [`PI_AVX512`] registers and a few scalar blocks at a time.
#[target_feature(enable = "avx512f,avx512dq,avx512bw,avx512vl")]
pub(super) fn inside_blocks_avx512(g: &Philox4x64, first: u64, n: u64) -> u64 {
    inside_blocks::<_, { PI_AVX512.0 }, { PI_AVX512.1 }>(HasAvx512::new(), g, first, n)
}

/// The AVX2 test of four points: the uniforms (exact, as the scalar ones), then the scalar
/// test; all-ones lanes where inside.
#[inline]
#[target_feature(enable = "avx2")]
fn inside4(a: __m256i, b: __m256i) -> __m256i {
    let avx2 = HasAvx2::new();
    let (x, y) = (
        _mm256_castsi256_pd(avx2.uniform(a)),
        _mm256_castsi256_pd(avx2.uniform(b)),
    );
    let r2 = _mm256_add_pd(_mm256_mul_pd(x, x), _mm256_mul_pd(y, y));
    _mm256_castpd_si256(_mm256_cmp_pd::<_CMP_LT_OQ>(r2, _mm256_set1_pd(1.0)))
}

impl Circle for HasAvx2 {
    #[inline(always)]
    fn count_inside(self, acc: __m256i, a: __m256i, b: __m256i) -> __m256i {
        // An inside lane is all ones (-1): subtracting it counts one.
        // SAFETY: `self` is a proof that the CPU runs AVX2.
        unsafe { _mm256_sub_epi64(acc, inside4(a, b)) }
    }

    #[inline(always)]
    fn lane_sum(self, acc: __m256i) -> u64 {
        let mut lanes = [0u64; 4];
        // SAFETY: as in `count_inside`; `lanes` is four u64, and the store is unaligned.
        unsafe { _mm256_storeu_si256(lanes.as_mut_ptr().cast(), acc) };
        lanes.iter().sum()
    }
}

/// Points inside the circle among the points of blocks `first .. first + n`, four blocks per
/// AVX2 register: [`PI_AVX2`] registers and a few scalar blocks at a time.
#[target_feature(enable = "avx2")]
pub(super) fn inside_blocks_avx2(g: &Philox4x64, first: u64, n: u64) -> u64 {
    inside_blocks::<_, { PI_AVX2.0 }, { PI_AVX2.1 }>(HasAvx2::new(), g, first, n)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Points on and next to the circle, where a rounding would show: for many x, the words of
    /// the y just inside, on and just outside `x^2 + y^2 = 1`, through both vector tests.
    #[test]
    fn vector_tests_agree_with_the_scalar_test_at_the_circle() {
        let g = Philox4x64::new(5, 6);
        let mut pairs = vec![
            (0, 0),
            (u64::MAX, 0),
            (0, u64::MAX),
            (u64::MAX, u64::MAX),
            (1 << 63, 1 << 63),
        ];
        for i in 0..2000u64 {
            let a = g.word(i);
            let x = uniform(a);
            let y = (1.0 - x * x).sqrt();
            let yw = ((y * (1u64 << 53) as f64) as u64) << 11;
            for d in [-3i64, -2, -1, 0, 1, 2, 3] {
                let b = yw.wrapping_add_signed(d << 11) | (i & 0x7FF);
                pairs.push((a, b));
            }
        }
        pairs.truncate(pairs.len() / 8 * 8);
        for chunk in pairs.chunks_exact(8) {
            let (a, b): (Vec<u64>, Vec<u64>) = chunk.iter().copied().unzip();
            let want: Vec<u64> = chunk.iter().map(|&(a, b)| in_circle(a, b)).collect();
            if crate::simd::avx512() {
                // SAFETY: the CPU has AVX-512 (checked just above); the loads read 8 u64 each.
                let m = unsafe {
                    inside8(
                        _mm512_loadu_si512(a.as_ptr().cast()),
                        _mm512_loadu_si512(b.as_ptr().cast()),
                    )
                };
                let got: Vec<u64> = (0..8).map(|l| u64::from(m >> l & 1)).collect();
                assert_eq!(got, want, "avx512 {chunk:x?}");
            }
            if crate::simd::avx2() {
                for h in 0..2 {
                    let mut lanes = [0u64; 4];
                    // SAFETY: the CPU has AVX2 (checked just above); the loads and the store
                    // touch 4 u64 each.
                    unsafe {
                        let m = inside4(
                            _mm256_loadu_si256(a[4 * h..].as_ptr().cast()),
                            _mm256_loadu_si256(b[4 * h..].as_ptr().cast()),
                        );
                        _mm256_storeu_si256(lanes.as_mut_ptr().cast(), m);
                    }
                    let got: Vec<u64> = lanes.iter().map(|&l| l & 1).collect();
                    assert_eq!(got, want[4 * h..4 * h + 4], "avx2 {chunk:x?}");
                }
            }
        }
    }
}
