//! Philox4x64-10 eight blocks at a time: lane `l` of an AVX-512 register holds block `first + l`,
//! and the four registers of [`blocks8`] hold the blocks' words 0, 1, 2, 3.
//!
//! AVX-512 has no 64x64 -> 128-bit multiply, so [`mulhilo`] builds the product from the four
//! 32x32 -> 64-bit partial products (`vpmuludq`), adding the middle terms with their carries:
//! the same integer result as `u128` arithmetic, so the same stream bit for bit.

#![cfg(target_arch = "x86_64")]

use std::arch::x86_64::*;

use super::{M0, M1, ROUNDS, W0, W1};

/// Lanes per register (blocks per call of [`blocks8`]).
pub(crate) const LANES: usize = 8;

/// The constant multiplier `m` as its 32-bit halves in every lane (`vpmuludq` reads the low
/// half of each lane), and whole.
#[derive(Clone, Copy)]
struct Mul {
    lo: __m512i,
    hi: __m512i,
    full: __m512i,
}

#[inline]
#[target_feature(enable = "avx512f")]
fn mul(m: u64) -> Mul {
    Mul {
        lo: _mm512_set1_epi64((m & 0xFFFF_FFFF) as i64),
        hi: _mm512_set1_epi64((m >> 32) as i64),
        full: _mm512_set1_epi64(m as i64),
    }
}

/// `(hi, lo)` of the 128-bit products `a * m` of every lane.
///
/// With `a = ah 2^32 + al` and `m = mh 2^32 + ml`: `t = ah ml + (al ml >> 32)` and
/// `u = al mh + (t mod 2^32)` cannot overflow 64 bits, and `hi = ah mh + (t >> 32) + (u >> 32)`;
/// `lo` is the low 64-bit product (`vpmullq`, one instruction where the halves would take two).
#[inline]
#[target_feature(enable = "avx512f,avx512dq")]
fn mulhilo(a: __m512i, m: Mul) -> (__m512i, __m512i) {
    // The high halves moved to the low ones (vpmuludq reads only the low halves): a shuffle,
    // which leaves the shift units to the other terms.
    let ah = _mm512_shuffle_epi32::<0xB1>(a);
    let ll = _mm512_mul_epu32(a, m.lo);
    let hl = _mm512_mul_epu32(ah, m.lo);
    let lh = _mm512_mul_epu32(a, m.hi);
    let hh = _mm512_mul_epu32(ah, m.hi);
    let t = _mm512_add_epi64(hl, _mm512_srli_epi64::<32>(ll));
    let u = _mm512_add_epi64(lh, _mm512_and_si512(t, _mm512_set1_epi64(0xFFFF_FFFF)));
    let hi = _mm512_add_epi64(
        _mm512_add_epi64(hh, _mm512_srli_epi64::<32>(t)),
        _mm512_srli_epi64::<32>(u),
    );
    (hi, _mm512_mullo_epi64(a, m.full))
}

/// A key's round keys, broadcast: built once per run of blocks, so the rounds only read them.
#[derive(Clone, Copy)]
pub(crate) struct Keys8 {
    k: [[__m512i; 2]; ROUNDS],
    /// The round keys as scalars, for the blocks computed in scalar code.
    scalar: [[u64; 2]; ROUNDS],
}

impl Keys8 {
    /// The round keys of `key`: `key + r (W0, W1)` in round `r`.
    #[inline]
    #[target_feature(enable = "avx512f")]
    pub(crate) fn new(key: [u64; 2]) -> Keys8 {
        let mut scalar = [key; ROUNDS];
        for r in 1..ROUNDS {
            let k = scalar[r - 1];
            scalar[r] = [k[0].wrapping_add(W0), k[1].wrapping_add(W1)];
        }
        let k = scalar.map(|k| {
            [
                _mm512_set1_epi64(k[0] as i64),
                _mm512_set1_epi64(k[1] as i64),
            ]
        });
        Keys8 { k, scalar }
    }
}

/// Blocks `first .. first + 8` of the stream of `key`: `[w0, w1, w2, w3]`, lane `l` of `wj`
/// being word `j` of block `first + l` (the block counter `b + 1` as in [`super::counter`]).
#[inline]
#[target_feature(enable = "avx512f,avx512dq")]
pub(crate) fn blocks8(keys: &Keys8, first: u64) -> [__m512i; 4] {
    blocks_mixed::<1, 0>(keys, first).0[0]
}

/// The counter words of blocks `first .. first + 8`.
#[inline]
#[target_feature(enable = "avx512f")]
fn counters8(first: u64) -> [__m512i; 4] {
    let c0 = _mm512_add_epi64(
        _mm512_set1_epi64(first as i64),
        _mm512_setr_epi64(1, 2, 3, 4, 5, 6, 7, 8),
    );
    // The 256-bit counter's second word: 1 where `b + 1` wrapped to 0 (block u64::MAX).
    let wrapped = _mm512_cmpeq_epi64_mask(c0, _mm512_setzero_si512());
    let c1 = _mm512_maskz_set1_epi64(wrapped, 1);
    [c0, c1, _mm512_setzero_si512(), _mm512_setzero_si512()]
}

/// Blocks `first .. first + 8G + S`: `G` registers' worth of eight blocks each (as
/// [`blocks8`]), then `S` blocks in scalar code, their rounds interleaved. Several vector
/// groups hide the multiply latency; the scalar blocks keep the scalar multiplier busy while
/// the vector units work (the two run side by side in one core).
#[inline]
#[target_feature(enable = "avx512f,avx512dq")]
pub(crate) fn blocks_mixed<const G: usize, const S: usize>(
    keys: &Keys8,
    first: u64,
) -> ([[__m512i; 4]; G], [[u64; 4]; S]) {
    let mut x = [[_mm512_setzero_si512(); 4]; G];
    for (g, xg) in x.iter_mut().enumerate() {
        *xg = counters8(first.wrapping_add(8 * g as u64));
    }
    let mut y = [[0u64; 4]; S];
    for (s, ys) in y.iter_mut().enumerate() {
        *ys = super::counter(first.wrapping_add((8 * G + s) as u64));
    }
    let (m0, m1) = (mul(M0), mul(M1));
    for r in 0..ROUNDS {
        let [k0, k1] = keys.k[r];
        for xg in x.iter_mut() {
            let (hi0, lo0) = mulhilo(xg[0], m0);
            let (hi1, lo1) = mulhilo(xg[2], m1);
            // 0x96: the three-way XOR.
            *xg = [
                _mm512_ternarylogic_epi64::<0x96>(hi1, xg[1], k0),
                lo1,
                _mm512_ternarylogic_epi64::<0x96>(hi0, xg[3], k1),
                lo0,
            ];
        }
        for ys in y.iter_mut() {
            *ys = super::round(*ys, keys.scalar[r]);
        }
    }
    (x, y)
}

/// The uniforms `(w >> 11) 2^-53` of the words of `w` (see [`super::uniform`]), as f64 bits:
/// the conversion is exact (53 significant bits at most), and so is the scaling.
#[inline]
#[target_feature(enable = "avx512f,avx512dq")]
pub(crate) fn uniform8(w: __m512i) -> __m512i {
    let u = _mm512_cvtepu64_pd(_mm512_srli_epi64::<11>(w));
    _mm512_castpd_si512(_mm512_mul_pd(u, _mm512_set1_pd(1.0 / (1u64 << 53) as f64)))
}

/// Writes blocks `first .. first + out.len() / 4` (a whole number of blocks) to `out` in stream
/// order: their words, or with `UNIFORM` the bits of their uniforms.
#[target_feature(enable = "avx512f,avx512dq")]
pub(crate) fn fill_blocks<const UNIFORM: bool>(key: [u64; 2], first: u64, out: &mut [u64]) {
    debug_assert_eq!(out.len() % 4, 0);
    let keys = Keys8::new(key);
    let mut b = first;
    // Three groups at a time while they last (their multiplies overlap), then one.
    let mut triples = out.chunks_exact_mut(3 * 4 * LANES);
    for dst in &mut triples {
        let (groups, _) = blocks_mixed::<3, 0>(&keys, b);
        for (d, w) in dst.chunks_exact_mut(4 * LANES).zip(groups) {
            store8::<UNIFORM>(w, d);
        }
        b = b.wrapping_add(3 * LANES as u64);
    }
    let mut singles = triples.into_remainder().chunks_exact_mut(4 * LANES);
    for dst in &mut singles {
        store8::<UNIFORM>(blocks8(&keys, b), dst);
        b = b.wrapping_add(LANES as u64);
    }
    let rest = singles.into_remainder();
    if !rest.is_empty() {
        let mut tmp = [0u64; 4 * LANES];
        store8::<UNIFORM>(blocks8(&keys, b), &mut tmp);
        rest.copy_from_slice(&tmp[..rest.len()]);
    }
}

/// Writes the eight blocks of `w` (as from [`blocks8`]) to `dst` (32 words) in stream order:
/// their words, or with `UNIFORM` the bits of their uniforms.
#[inline]
#[target_feature(enable = "avx512f,avx512dq")]
fn store8<const UNIFORM: bool>(w: [__m512i; 4], dst: &mut [u64]) {
    let w = if UNIFORM {
        [
            uniform8(w[0]),
            uniform8(w[1]),
            uniform8(w[2]),
            uniform8(w[3]),
        ]
    } else {
        w
    };
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
    assert_eq!(dst.len(), 4 * LANES);
    for (d, r) in dst.chunks_exact_mut(LANES).zip(rows) {
        // SAFETY: `d` is eight u64 in bounds; the store is unaligned.
        unsafe { _mm512_storeu_si512(d.as_mut_ptr().cast(), r) };
    }
}
