//! Philox4x64-10 a register of blocks at a time, written once for every register width: lane `l`
//! of a register holds block `first + l`, and the four registers of a group from
//! [`blocks_mixed`] hold the blocks' words 0, 1, 2, 3. [`Wide`] is what the rounds need of an
//! instruction set; [`super::avx2`] (four lanes) and [`super::avx512`] (eight) implement it and
//! instantiate the loops here inside their `#[target_feature]` entry points.
//!
//! Neither instruction set has a 64x64 -> 128-bit multiply, so [`mulhilo`] builds the product
//! from the four 32x32 -> 64-bit partial products (`vpmuludq`), adding the middle terms with
//! their carries: the same integer result as `u128` arithmetic, so the same stream bit for bit.

#![cfg(target_arch = "x86_64")]

use std::arch::x86_64::*;

use super::{avx2, avx512, M0, M1, ROUNDS, W0, W1};

simd_ops! {
    /// The operations on registers `V` of 64-bit lanes that are one instruction each, as the
    /// vector Philox paths use them.
    pub(crate) trait LaneOps for HasAvx2, HasAvx512 {
        type V = __m256i, __m512i;
        /// `x` in every lane.
        fn splat(x: i64) -> Self::V = _mm256_set1_epi64x, _mm512_set1_epi64;
        /// Lane-wise wrapping sum.
        fn add(a: Self::V, b: Self::V) -> Self::V = _mm256_add_epi64, _mm512_add_epi64;
        /// Lane-wise AND.
        fn and(a: Self::V, b: Self::V) -> Self::V = _mm256_and_si256, _mm512_and_si512;
        /// Lane-wise XOR of three registers (AVX2: two instructions; AVX-512: `vpternlogq`,
        /// 0x96 being the three-way XOR).
        fn xor3(a: Self::V, b: Self::V, c: Self::V) -> Self::V =
            avx2::xor3, _mm512_ternarylogic_epi64::<0x96>;
        /// Each lane shifted right by 32 bits.
        fn shr32(a: Self::V) -> Self::V = _mm256_srli_epi64::<32>, _mm512_srli_epi64::<32>;
        /// Each lane's 32-bit halves swapped.
        fn swap32(a: Self::V) -> Self::V =
            _mm256_shuffle_epi32::<0xB1>, _mm512_shuffle_epi32::<0xB1>;
        /// The 64-bit products of the lanes' low 32-bit halves (`vpmuludq`).
        fn mul32(a: Self::V, b: Self::V) -> Self::V = _mm256_mul_epu32, _mm512_mul_epu32;
        /// The bits of the uniforms `(w >> 11) 2^-53` of the words of `w` (see
        /// [`super::uniform`]).
        fn uniform(w: Self::V) -> Self::V = avx2::uniform4, avx512::uniform8;
    }
}

/// An instruction set's registers of 64-bit lanes, as the vector Philox paths use them: the
/// operations of [`LaneOps`] and those that take more than one instruction. The implementor is
/// a proof that the CPU runs the instructions ([`crate::simd::HasAvx2`]).
pub(crate) trait Wide: LaneOps {
    /// Lanes per register (blocks per group).
    const LANES: usize;
    /// The low 64 bits of the products `a * m` (`m` as from [`Mul::new`]), given the partial
    /// sums `ll` and `u` of [`mulhilo`] (from which the low product is two shuffles where no
    /// single instruction gives it).
    fn mul_lo(self, a: Self::V, m: &Mul<Self::V>, ll: Self::V, u: Self::V) -> Self::V;
    /// The counter words of blocks `first .. first + LANES` (see [`super::counter`]).
    fn counters(self, first: u64) -> [Self::V; 4];
    /// Writes the blocks of `w` (one group of [`blocks_mixed`]) to `dst` (`4 * LANES` words) in
    /// stream order.
    fn store_blocks(self, w: [Self::V; 4], dst: &mut [u64]);
}

/// A constant multiplier `m` in every lane: its 32-bit halves (`vpmuludq` reads the low half of
/// each lane), and whole.
#[derive(Clone, Copy)]
pub(crate) struct Mul<V> {
    lo: V,
    hi: V,
    pub(crate) full: V,
}

impl<V: Copy> Mul<V> {
    #[inline(always)]
    fn new<W: Wide<V = V>>(w: W, m: u64) -> Mul<V> {
        Mul {
            lo: w.splat((m & 0xFFFF_FFFF) as i64),
            hi: w.splat((m >> 32) as i64),
            full: w.splat(m as i64),
        }
    }
}

/// `(hi, lo)` of the 128-bit products `a * m` of every lane.
///
/// With `a = ah 2^32 + al` and `m = mh 2^32 + ml`: `t = ah ml + (al ml >> 32)` and
/// `u = al mh + (t mod 2^32)` cannot overflow 64 bits, and `hi = ah mh + (t >> 32) + (u >> 32)`.
#[inline(always)]
fn mulhilo<W: Wide>(w: W, a: W::V, m: &Mul<W::V>) -> (W::V, W::V) {
    // The high halves moved to the low ones (vpmuludq reads only the low halves): a shuffle,
    // which leaves the shift units to the other terms.
    let ah = w.swap32(a);
    let ll = w.mul32(a, m.lo);
    let hl = w.mul32(ah, m.lo);
    let lh = w.mul32(a, m.hi);
    let hh = w.mul32(ah, m.hi);
    let t = w.add(hl, w.shr32(ll));
    let u = w.add(lh, w.and(t, w.splat(0xFFFF_FFFF)));
    let hi = w.add(w.add(hh, w.shr32(t)), w.shr32(u));
    (hi, w.mul_lo(a, m, ll, u))
}

/// A key's round keys, broadcast: built once per run of blocks, so the rounds only read them.
#[derive(Clone, Copy)]
pub(crate) struct Keys<V> {
    k: [[V; 2]; ROUNDS],
    /// The round keys as scalars, for the blocks computed in scalar code.
    scalar: [[u64; 2]; ROUNDS],
}

impl<V: Copy> Keys<V> {
    /// The round keys of `key`: `key + r (W0, W1)` in round `r`.
    #[inline(always)]
    pub(crate) fn new<W: Wide<V = V>>(w: W, key: [u64; 2]) -> Keys<V> {
        let mut scalar = [key; ROUNDS];
        for r in 1..ROUNDS {
            let k = scalar[r - 1];
            scalar[r] = [k[0].wrapping_add(W0), k[1].wrapping_add(W1)];
        }
        // A loop rather than `map`: the closure would not inline into the caller's target
        // features, leaving the broadcasts as calls.
        let mut k = [[w.splat(0); 2]; ROUNDS];
        for (kr, s) in k.iter_mut().zip(scalar) {
            *kr = [w.splat(s[0] as i64), w.splat(s[1] as i64)];
        }
        Keys { k, scalar }
    }
}

/// Blocks `first .. first + LANES G + S`: `G` registers' worth of blocks (lane `l` of word `j`
/// of group `g` is word `j` of block `first + LANES g + l`), then `S` blocks in scalar code,
/// their rounds interleaved. Several vector groups hide the multiply latency; the scalar blocks
/// keep the scalar multiplier busy while the vector units work (the two run side by side in one
/// core).
#[inline(always)]
pub(crate) fn blocks_mixed<W: Wide, const G: usize, const S: usize>(
    w: W,
    keys: &Keys<W::V>,
    first: u64,
) -> ([[W::V; 4]; G], [[u64; 4]; S]) {
    let lanes = W::LANES as u64;
    let mut x: [[W::V; 4]; G] =
        std::array::from_fn(|g| w.counters(first.wrapping_add(lanes * g as u64)));
    let mut y: [[u64; 4]; S] =
        std::array::from_fn(|s| super::counter(first.wrapping_add(lanes * G as u64 + s as u64)));
    let (m0, m1) = (Mul::new(w, M0), Mul::new(w, M1));
    for r in 0..ROUNDS {
        let [k0, k1] = keys.k[r];
        for xg in x.iter_mut() {
            let (hi0, lo0) = mulhilo(w, xg[0], &m0);
            let (hi1, lo1) = mulhilo(w, xg[2], &m1);
            *xg = [w.xor3(hi1, xg[1], k0), lo1, w.xor3(hi0, xg[3], k1), lo0];
        }
        for ys in y.iter_mut() {
            *ys = super::round(*ys, keys.scalar[r]);
        }
    }
    (x, y)
}

/// Writes blocks `first .. first + out.len() / 4` (a whole number of blocks) to `out` in stream
/// order: their words, or with `UNIFORM` the bits of their uniforms. `G` groups at a time while
/// they last (their multiplies overlap), then one.
#[inline(always)]
pub(crate) fn fill_blocks<W: Wide, const G: usize, const UNIFORM: bool>(
    w: W,
    key: [u64; 2],
    first: u64,
    out: &mut [u64],
) {
    debug_assert_eq!(out.len() % 4, 0);
    let group = 4 * W::LANES;
    let keys = Keys::new(w, key);
    let mut b = first;
    let mut runs = out.chunks_exact_mut(G * group);
    for dst in &mut runs {
        let (groups, _) = blocks_mixed::<W, G, 0>(w, &keys, b);
        for (d, x) in dst.chunks_exact_mut(group).zip(groups) {
            store::<W, UNIFORM>(w, x, d);
        }
        b = b.wrapping_add((G * W::LANES) as u64);
    }
    let mut singles = runs.into_remainder().chunks_exact_mut(group);
    for dst in &mut singles {
        store::<W, UNIFORM>(w, blocks_mixed::<W, 1, 0>(w, &keys, b).0[0], dst);
        b = b.wrapping_add(W::LANES as u64);
    }
    let rest = singles.into_remainder();
    if !rest.is_empty() {
        // One group: `LANES` is 8 at the most.
        let mut tmp = [0u64; 4 * 8];
        store::<W, UNIFORM>(
            w,
            blocks_mixed::<W, 1, 0>(w, &keys, b).0[0],
            &mut tmp[..group],
        );
        rest.copy_from_slice(&tmp[..rest.len()]);
    }
}

/// Writes the blocks of `x` (one group of [`blocks_mixed`]) to `dst` in stream order: their
/// words, or with `UNIFORM` the bits of their uniforms.
#[inline(always)]
fn store<W: Wide, const UNIFORM: bool>(w: W, mut x: [W::V; 4], dst: &mut [u64]) {
    if UNIFORM {
        for v in x.iter_mut() {
            *v = w.uniform(*v);
        }
    }
    w.store_blocks(x, dst);
}
