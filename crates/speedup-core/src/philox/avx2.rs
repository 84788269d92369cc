//! Philox4x64-10 four blocks at a time: the loops of [`super::wide`] on AVX2 registers. AVX2
//! has neither a 64-bit low product nor a three-way XOR, so the low product is assembled from
//! the partial products and the XOR takes two instructions.

#![cfg(target_arch = "x86_64")]

use std::arch::x86_64::*;

use super::wide::{self, Mul, Wide};
use crate::simd::HasAvx2;

impl Wide for HasAvx2 {
    const LANES: usize = 4;

    #[inline(always)]
    fn mul_lo(self, _: __m256i, _: &Mul<__m256i>, ll: __m256i, u: __m256i) -> __m256i {
        // High 32-bit halves of the lanes from u's low halves, low halves from ll.
        // SAFETY: `self` is a proof that the CPU runs AVX2.
        unsafe { _mm256_blend_epi32::<0xAA>(ll, _mm256_shuffle_epi32::<0xA0>(u)) }
    }

    #[inline(always)]
    fn counters(self, first: u64) -> [__m256i; 4] {
        // SAFETY: as in `mul_lo`.
        unsafe {
            let c0 = _mm256_add_epi64(
                _mm256_set1_epi64x(first as i64),
                _mm256_setr_epi64x(1, 2, 3, 4),
            );
            // The 256-bit counter's second word: 1 where `b + 1` wrapped to 0 (block u64::MAX).
            let c1 = _mm256_srli_epi64::<63>(_mm256_cmpeq_epi64(c0, _mm256_setzero_si256()));
            [c0, c1, _mm256_setzero_si256(), _mm256_setzero_si256()]
        }
    }

    #[inline(always)]
    fn store_blocks(self, w: [__m256i; 4], dst: &mut [u64]) {
        assert_eq!(dst.len(), 16);
        // SAFETY: as in `mul_lo`; each `d` is four u64 in bounds, and the stores are unaligned.
        unsafe {
            let lo01 = _mm256_unpacklo_epi64(w[0], w[1]); // b0 w0 w1 | b2 w0 w1
            let hi01 = _mm256_unpackhi_epi64(w[0], w[1]); // b1 w0 w1 | b3 w0 w1
            let lo23 = _mm256_unpacklo_epi64(w[2], w[3]);
            let hi23 = _mm256_unpackhi_epi64(w[2], w[3]);
            let rows = [
                _mm256_permute2x128_si256::<0x20>(lo01, lo23), // block 0
                _mm256_permute2x128_si256::<0x20>(hi01, hi23), // block 1
                _mm256_permute2x128_si256::<0x31>(lo01, lo23), // block 2
                _mm256_permute2x128_si256::<0x31>(hi01, hi23), // block 3
            ];
            for (d, r) in dst.chunks_exact_mut(4).zip(rows) {
                _mm256_storeu_si256(d.as_mut_ptr().cast(), r);
            }
        }
    }
}

/// `a ^ b ^ c`, lane-wise.
#[inline]
#[target_feature(enable = "avx2")]
pub(super) fn xor3(a: __m256i, b: __m256i, c: __m256i) -> __m256i {
    _mm256_xor_si256(_mm256_xor_si256(a, b), c)
}

/// The uniforms `(w >> 11) 2^-53` of the words of `w` (see [`super::uniform`]), as f64 bits,
/// without a 64-bit integer conversion (AVX2 has none): `[1, 2)` built from the top 52 bits,
/// minus 1 (exact), plus `2^-53` when bit 11 is set; the sum has 53 significant bits at most,
/// so it is exact too.
#[inline]
#[target_feature(enable = "avx2")]
pub(super) fn uniform4(w: __m256i) -> __m256i {
    let one = _mm256_set1_epi64x(0x3FF0_0000_0000_0000);
    let hi = _mm256_sub_pd(
        _mm256_castsi256_pd(_mm256_or_si256(_mm256_srli_epi64::<12>(w), one)),
        _mm256_set1_pd(1.0),
    );
    let bit = _mm256_set1_epi64x(1 << 11);
    let set = _mm256_cmpeq_epi64(_mm256_and_si256(w, bit), bit);
    let lo = _mm256_and_si256(set, _mm256_set1_epi64x(0x3CA0_0000_0000_0000));
    _mm256_castpd_si256(_mm256_add_pd(hi, _mm256_castsi256_pd(lo)))
}

/// Writes blocks `first .. first + out.len() / 4` (a whole number of blocks) to `out` in stream
/// order: their words, or with `UNIFORM` the bits of their uniforms; two groups at a time (16
/// vector registers hold no more).
#[target_feature(enable = "avx2")]
pub(crate) fn fill_blocks<const UNIFORM: bool>(key: [u64; 2], first: u64, out: &mut [u64]) {
    wide::fill_blocks::<_, 2, UNIFORM>(HasAvx2::new(), key, first, out)
}
