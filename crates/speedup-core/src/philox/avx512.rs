//! Philox4x64-10 eight blocks at a time: the loops of [`super::wide`] on AVX-512 registers,
//! with its one-instruction low product (`vpmullq`) and three-way XOR (`vpternlogq`).

#![cfg(target_arch = "x86_64")]

use std::arch::x86_64::*;

use super::wide::{self, Mul, Wide};
use crate::simd::HasAvx512;

impl Wide for HasAvx512 {
    const LANES: usize = 8;

    #[inline(always)]
    fn mul_lo(self, a: __m512i, m: &Mul<__m512i>, _: __m512i, _: __m512i) -> __m512i {
        // One instruction where the halves would take two.
        // SAFETY: `self` is a proof that the CPU runs AVX-512.
        unsafe { _mm512_mullo_epi64(a, m.full) }
    }

    #[inline(always)]
    fn counters(self, first: u64) -> [__m512i; 4] {
        // SAFETY: as in `mul_lo`.
        unsafe {
            let c0 = _mm512_add_epi64(
                _mm512_set1_epi64(first as i64),
                _mm512_setr_epi64(1, 2, 3, 4, 5, 6, 7, 8),
            );
            // The 256-bit counter's second word: 1 where `b + 1` wrapped to 0 (block u64::MAX).
            let wrapped = _mm512_cmpeq_epi64_mask(c0, _mm512_setzero_si512());
            let c1 = _mm512_maskz_set1_epi64(wrapped, 1);
            [c0, c1, _mm512_setzero_si512(), _mm512_setzero_si512()]
        }
    }

    #[inline(always)]
    fn store_blocks(self, w: [__m512i; 4], dst: &mut [u64]) {
        assert_eq!(dst.len(), 32);
        // SAFETY: as in `mul_lo`; each `d` is eight u64 in bounds, and the stores are unaligned.
        unsafe {
            // Two blocks per output register: lanes (l, l+1) of the four words.
            let lo01 = _mm512_unpacklo_epi64(w[0], w[1]); // b0 w0 w1, b2 w0 w1, ...
            let hi01 = _mm512_unpackhi_epi64(w[0], w[1]); // b1 w0 w1, b3 w0 w1, ...
            let lo23 = _mm512_unpacklo_epi64(w[2], w[3]);
            let hi23 = _mm512_unpackhi_epi64(w[2], w[3]);
            // Blocks 0, 2 | 4, 6 and 1, 3 | 5, 7 as whole 256-bit halves.
            let (first_half, second_half) = (
                _mm512_setr_epi64(0, 1, 8, 9, 2, 3, 10, 11),
                _mm512_setr_epi64(4, 5, 12, 13, 6, 7, 14, 15),
            );
            let even_a = _mm512_permutex2var_epi64(lo01, first_half, lo23);
            let even_b = _mm512_permutex2var_epi64(lo01, second_half, lo23);
            let odd_a = _mm512_permutex2var_epi64(hi01, first_half, hi23);
            let odd_b = _mm512_permutex2var_epi64(hi01, second_half, hi23);
            let rows = [
                _mm512_shuffle_i64x2::<0x44>(even_a, odd_a), // blocks 0, 1
                _mm512_shuffle_i64x2::<0xEE>(even_a, odd_a), // blocks 2, 3
                _mm512_shuffle_i64x2::<0x44>(even_b, odd_b), // blocks 4, 5
                _mm512_shuffle_i64x2::<0xEE>(even_b, odd_b), // blocks 6, 7
            ];
            for (d, r) in dst.chunks_exact_mut(8).zip(rows) {
                _mm512_storeu_si512(d.as_mut_ptr().cast(), r);
            }
        }
    }
}

/// The uniforms `(w >> 11) 2^-53` of the words of `w` (see [`super::uniform`]), as f64 bits:
/// the conversion is exact (53 significant bits at most), and so is the scaling.
#[inline]
#[target_feature(enable = "avx512f,avx512dq")]
pub(super) fn uniform8(w: __m512i) -> __m512i {
    let u = _mm512_cvtepu64_pd(_mm512_srli_epi64::<11>(w));
    _mm512_castpd_si512(_mm512_mul_pd(u, _mm512_set1_pd(1.0 / (1u64 << 53) as f64)))
}

/// Writes blocks `first .. first + out.len() / 4` (a whole number of blocks) to `out` in stream
/// order: their words, or with `UNIFORM` the bits of their uniforms; three groups at a time.
#[target_feature(enable = "avx512f,avx512dq,avx512bw,avx512vl")]
pub(crate) fn fill_blocks<const UNIFORM: bool>(key: [u64; 2], first: u64, out: &mut [u64]) {
    wide::fill_blocks::<_, 3, UNIFORM>(HasAvx512::new(), key, first, out)
}
