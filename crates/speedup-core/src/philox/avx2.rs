//! Philox4x64-10 four blocks at a time: lane `l` of an AVX2 register holds block `first + l`,
//! and the four registers of a group from [`blocks_mixed`] hold the blocks' words 0, 1, 2, 3.
//! The 128-bit products are built from 32-bit ones as in [`super::avx512`] (same integers,
//! same stream).

#![cfg(target_arch = "x86_64")]

use std::arch::x86_64::*;

use super::{M0, M1, ROUNDS, W0, W1};

/// Lanes per register.
pub(crate) const LANES: usize = 4;

/// The constant multiplier as its 32-bit halves in every lane.
#[derive(Clone, Copy)]
struct Mul {
    lo: __m256i,
    hi: __m256i,
}

#[inline]
#[target_feature(enable = "avx2")]
fn mul(m: u64) -> Mul {
    Mul {
        lo: _mm256_set1_epi64x((m & 0xFFFF_FFFF) as i64),
        hi: _mm256_set1_epi64x((m >> 32) as i64),
    }
}

/// `(hi, lo)` of the 128-bit products `a * m` of every lane (see `avx512::mulhilo`).
#[inline]
#[target_feature(enable = "avx2")]
fn mulhilo(a: __m256i, m: Mul) -> (__m256i, __m256i) {
    // The high halves moved to the low ones (vpmuludq reads only the low halves): a shuffle,
    // which leaves the shift units to the other terms.
    let ah = _mm256_shuffle_epi32::<0xB1>(a);
    let ll = _mm256_mul_epu32(a, m.lo);
    let hl = _mm256_mul_epu32(ah, m.lo);
    let lh = _mm256_mul_epu32(a, m.hi);
    let hh = _mm256_mul_epu32(ah, m.hi);
    let t = _mm256_add_epi64(hl, _mm256_srli_epi64::<32>(ll));
    let u = _mm256_add_epi64(lh, _mm256_and_si256(t, _mm256_set1_epi64x(0xFFFF_FFFF)));
    let hi = _mm256_add_epi64(
        _mm256_add_epi64(hh, _mm256_srli_epi64::<32>(t)),
        _mm256_srli_epi64::<32>(u),
    );
    // High 32-bit halves of the lanes from u's low halves, low halves from ll.
    let lo = _mm256_blend_epi32::<0xAA>(ll, _mm256_shuffle_epi32::<0xA0>(u));
    (hi, lo)
}

/// A key's round keys, broadcast: built once per run of blocks, so the rounds only read them.
#[derive(Clone, Copy)]
pub(crate) struct Keys4 {
    k: [[__m256i; 2]; ROUNDS],
    /// The round keys as scalars, for the blocks computed in scalar code.
    scalar: [[u64; 2]; ROUNDS],
}

impl Keys4 {
    /// The round keys of `key`: `key + r (W0, W1)` in round `r`.
    #[inline]
    #[target_feature(enable = "avx2")]
    pub(crate) fn new(key: [u64; 2]) -> Keys4 {
        let mut scalar = [key; ROUNDS];
        for r in 1..ROUNDS {
            let k = scalar[r - 1];
            scalar[r] = [k[0].wrapping_add(W0), k[1].wrapping_add(W1)];
        }
        let k = scalar.map(|k| {
            [
                _mm256_set1_epi64x(k[0] as i64),
                _mm256_set1_epi64x(k[1] as i64),
            ]
        });
        Keys4 { k, scalar }
    }
}

/// The counter words of blocks `first .. first + 4`.
#[inline]
#[target_feature(enable = "avx2")]
fn counters4(first: u64) -> [__m256i; 4] {
    let c0 = _mm256_add_epi64(
        _mm256_set1_epi64x(first as i64),
        _mm256_setr_epi64x(1, 2, 3, 4),
    );
    // The 256-bit counter's second word: 1 where `b + 1` wrapped to 0 (block u64::MAX).
    let c1 = _mm256_srli_epi64::<63>(_mm256_cmpeq_epi64(c0, _mm256_setzero_si256()));
    [c0, c1, _mm256_setzero_si256(), _mm256_setzero_si256()]
}

/// Blocks `first .. first + 4G + S`: `G` registers' worth of four blocks each (lane `l` of
/// word `j` of group `g` is word `j` of block `first + 4g + l`), then `S` blocks in scalar
/// code, their rounds interleaved (see `avx512::blocks_mixed`).
#[inline]
#[target_feature(enable = "avx2")]
pub(crate) fn blocks_mixed<const G: usize, const S: usize>(
    keys: &Keys4,
    first: u64,
) -> ([[__m256i; 4]; G], [[u64; 4]; S]) {
    let mut x = [[_mm256_setzero_si256(); 4]; G];
    for (g, xg) in x.iter_mut().enumerate() {
        *xg = counters4(first.wrapping_add(4 * g as u64));
    }
    let mut y = [[0u64; 4]; S];
    for (s, ys) in y.iter_mut().enumerate() {
        *ys = super::counter(first.wrapping_add((4 * G + s) as u64));
    }
    let (m0, m1) = (mul(M0), mul(M1));
    for r in 0..ROUNDS {
        let [k0, k1] = keys.k[r];
        for xg in x.iter_mut() {
            let (hi0, lo0) = mulhilo(xg[0], m0);
            let (hi1, lo1) = mulhilo(xg[2], m1);
            *xg = [
                _mm256_xor_si256(_mm256_xor_si256(hi1, xg[1]), k0),
                lo1,
                _mm256_xor_si256(_mm256_xor_si256(hi0, xg[3]), k1),
                lo0,
            ];
        }
        for ys in y.iter_mut() {
            *ys = super::round(*ys, keys.scalar[r]);
        }
    }
    (x, y)
}

/// The uniforms `(w >> 11) 2^-53` of the words of `w` (see [`super::uniform`]), as f64 bits,
/// without a 64-bit integer conversion (AVX2 has none): `[1, 2)` built from the top 52 bits,
/// minus 1 (exact), plus `2^-53` when bit 11 is set; the sum has 53 significant bits at most,
/// so it is exact too.
#[inline]
#[target_feature(enable = "avx2")]
pub(crate) fn uniform4(w: __m256i) -> __m256i {
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
/// order: their words, or with `UNIFORM` the bits of their uniforms.
#[target_feature(enable = "avx2")]
pub(crate) fn fill_blocks<const UNIFORM: bool>(key: [u64; 2], first: u64, out: &mut [u64]) {
    debug_assert_eq!(out.len() % 4, 0);
    let keys = Keys4::new(key);
    let mut b = first;
    // Two groups at a time while they last (their multiplies overlap), then one.
    let mut pairs = out.chunks_exact_mut(2 * 4 * LANES);
    for dst in &mut pairs {
        let (groups, _) = blocks_mixed::<2, 0>(&keys, b);
        for (d, w) in dst.chunks_exact_mut(4 * LANES).zip(groups) {
            store4::<UNIFORM>(w, d);
        }
        b = b.wrapping_add(2 * LANES as u64);
    }
    let mut singles = pairs.into_remainder().chunks_exact_mut(4 * LANES);
    for dst in &mut singles {
        store4::<UNIFORM>(blocks_mixed::<1, 0>(&keys, b).0[0], dst);
        b = b.wrapping_add(LANES as u64);
    }
    let rest = singles.into_remainder();
    if !rest.is_empty() {
        let mut tmp = [0u64; 4 * LANES];
        store4::<UNIFORM>(blocks_mixed::<1, 0>(&keys, b).0[0], &mut tmp);
        rest.copy_from_slice(&tmp[..rest.len()]);
    }
}

/// Writes the four blocks of `w` (one group of [`blocks_mixed`]) to `dst` (16 words) in stream
/// order: their words, or with `UNIFORM` the bits of their uniforms.
#[inline]
#[target_feature(enable = "avx2")]
fn store4<const UNIFORM: bool>(w: [__m256i; 4], dst: &mut [u64]) {
    let w = if UNIFORM {
        [
            uniform4(w[0]),
            uniform4(w[1]),
            uniform4(w[2]),
            uniform4(w[3]),
        ]
    } else {
        w
    };
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
    assert_eq!(dst.len(), 4 * LANES);
    for (d, r) in dst.chunks_exact_mut(4).zip(rows) {
        // SAFETY: `d` is four u64 in bounds; the store is unaligned.
        unsafe { _mm256_storeu_si256(d.as_mut_ptr().cast(), r) };
    }
}
