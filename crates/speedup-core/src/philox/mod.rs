//! Philox4x64-10 counter-based random stream (Salmon et al., SC'11), as `numpy.random.Philox`.
//!
//! The stream of key `(k0, k1)` is addressed by index: block `b` (`b = 0, 1, 2, ...`) is the
//! Philox4x64-10 output for the 256-bit counter `b + 1` (that is `(b + 1, 0, 0, 0)` as four
//! little-endian words) and gives the four words `4b .. 4b + 4` of the stream. numpy increments
//! its counter before it generates a block, which is why block `b` uses counter `b + 1`: the
//! stream of key `(seed, c)` is exactly
//! `numpy.random.Philox(key=seed + (c << 64)).random_raw(n)`, and mapping every word through
//! [`uniform`] gives `numpy.random.Generator(numpy.random.Philox(key=seed + (c << 64))).random(n)`.
//!
//! Nothing here has state: any word can be computed from its index, so every thread count splits
//! a kernel's draws the same way. [`Philox4x64::blocks`] computes several consecutive blocks at
//! once (independent multiply chains the CPU overlaps), [`Philox4x64::fill_words`] and
//! [`Philox4x64::fill_uniforms`] fill a buffer from any start index, and [`Philox4x64::words`]
//! iterates from any index.
//!
//! Bulk fills take one of three paths ([`Path`]), chosen at run time through [`crate::simd`]:
//! eight blocks per AVX-512 register (`avx512`), four per AVX2 register (`avx2`), or several
//! blocks side by side in plain scalar integer code, on any CPU (`scalar`). The vector paths
//! build each 64x64 -> 128-bit product from 32-bit multiplies; all three compute the same
//! integers, so the stream is the same bit for bit on every CPU.

mod avx2;
mod avx512;
mod wide;

#[cfg(target_arch = "x86_64")]
pub(crate) use wide::{blocks_mixed, Keys, LaneOps, Wide};

/// First round multiplier (applied to counter word 0).
pub const M0: u64 = 0xD2E7_470E_E14C_6C93;
/// Second round multiplier (applied to counter word 2).
pub const M1: u64 = 0xCA5A_8263_9512_1157;
/// Weyl increment of key word 0 between rounds.
pub const W0: u64 = 0x9E37_79B9_7F4A_7C15;
/// Weyl increment of key word 1 between rounds.
pub const W1: u64 = 0xBB67_AE85_84CA_A73B;
/// Rounds of Philox4x64-10.
pub const ROUNDS: usize = 10;

/// `(hi, lo)` of the 128-bit product `a * b`.
#[inline(always)]
fn mulhilo(a: u64, b: u64) -> (u64, u64) {
    let p = (a as u128) * (b as u128);
    ((p >> 64) as u64, p as u64)
}

/// One Philox4x64 round (Random123's `_philox4x64round`).
#[inline(always)]
fn round(ctr: [u64; 4], key: [u64; 2]) -> [u64; 4] {
    let (hi0, lo0) = mulhilo(M0, ctr[0]);
    let (hi1, lo1) = mulhilo(M1, ctr[2]);
    [hi1 ^ ctr[1] ^ key[0], lo1, hi0 ^ ctr[3] ^ key[1], lo0]
}

/// Philox4x64-10 of one 256-bit counter (four little-endian words) under `key`.
#[inline(always)]
pub fn philox4x64_10(mut ctr: [u64; 4], key: [u64; 2]) -> [u64; 4] {
    let mut k = key;
    ctr = round(ctr, k);
    for _ in 1..ROUNDS {
        k = [k[0].wrapping_add(W0), k[1].wrapping_add(W1)];
        ctr = round(ctr, k);
    }
    ctr
}

/// The counter of block `b`: the 256-bit number `b + 1`.
#[inline(always)]
fn counter(b: u64) -> [u64; 4] {
    let (c0, carry) = b.overflowing_add(1);
    [c0, carry as u64, 0, 0]
}

/// Blocks the scalar path computes side by side (their multiply chains overlap; more than two
/// measured no faster on x86-64, where the spilled registers cost what the overlap saves).
pub const SCALAR_ABREAST: usize = 2;

/// How bulk fills compute the stream on this CPU; every path gives the same words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Path {
    /// Plain scalar integer code, [`SCALAR_ABREAST`] blocks side by side: the portable path
    /// (any CPU).
    Scalar,
    /// Four blocks per AVX2 register (x86-64 with AVX2).
    Avx2,
    /// Eight blocks per AVX-512 register (x86-64 with [`crate::simd::avx512`]).
    Avx512,
}

impl Path {
    /// Every path, narrowest first.
    pub const ALL: [Path; 3] = [Path::Scalar, Path::Avx2, Path::Avx512];

    /// The widest path this CPU runs: the one the kernels take.
    #[inline]
    pub fn best() -> Path {
        if crate::simd::avx512() {
            Path::Avx512
        } else if crate::simd::avx2() {
            Path::Avx2
        } else {
            Path::Scalar
        }
    }

    /// Whether this CPU has the path's instructions.
    #[inline]
    pub fn available(self) -> bool {
        match self {
            Path::Scalar => true,
            Path::Avx2 => crate::simd::avx2(),
            Path::Avx512 => crate::simd::avx512(),
        }
    }

    /// The path's name in the configuration report: `scalar`, `avx2` or `avx512`.
    pub fn name(self) -> &'static str {
        match self {
            Path::Scalar => "scalar",
            Path::Avx2 => "avx2",
            Path::Avx512 => "avx512",
        }
    }
}

/// The stream of key `(k0, k1)`: block `b` is the Philox output for counter `(b+1, 0, 0, 0)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Philox4x64 {
    key: [u64; 2],
}

impl Philox4x64 {
    /// The stream of key `(k0, k1)` (numpy's `Philox(key=k0 + (k1 << 64))`).
    #[inline]
    pub fn new(k0: u64, k1: u64) -> Self {
        Philox4x64 { key: [k0, k1] }
    }

    /// The key `(k0, k1)`.
    #[inline]
    pub fn key(&self) -> (u64, u64) {
        (self.key[0], self.key[1])
    }

    /// The four words of block `b` (words `4b .. 4b+4` of the stream).
    #[inline(always)]
    pub fn block(&self, b: u64) -> [u64; 4] {
        philox4x64_10(counter(b), self.key)
    }

    /// Blocks `first .. first + N`, computed side by side so that their multiply chains overlap.
    #[inline(always)]
    pub fn blocks<const N: usize>(&self, first: u64) -> [[u64; 4]; N] {
        let mut ctr = [[0u64; 4]; N];
        for (l, c) in ctr.iter_mut().enumerate() {
            *c = counter(first.wrapping_add(l as u64));
        }
        let mut k = self.key;
        for r in 0..ROUNDS {
            if r > 0 {
                k = [k[0].wrapping_add(W0), k[1].wrapping_add(W1)];
            }
            for c in ctr.iter_mut() {
                *c = round(*c, k);
            }
        }
        ctr
    }

    /// Word `i` of the stream.
    #[inline]
    pub fn word(&self, i: u64) -> u64 {
        self.block(i / 4)[(i % 4) as usize]
    }

    /// Fills `out` with words `start .. start + out.len()` of the stream.
    #[inline]
    pub fn fill_words(&self, start: u64, out: &mut [u64]) {
        self.fill_words_on(Path::best(), start, out)
    }

    /// [`Philox4x64::fill_words`] on the given path (for tests and benchmarks, which compare
    /// the paths on one CPU). Panics when this CPU lacks the path's instructions.
    #[doc(hidden)]
    pub fn fill_words_on(&self, path: Path, start: u64, out: &mut [u64]) {
        self.fill_on::<false>(path, start, out)
    }

    /// [`Philox4x64::fill_uniforms`] on the given path (for tests and benchmarks). Panics when
    /// this CPU lacks the path's instructions.
    #[doc(hidden)]
    pub fn fill_uniforms_on(&self, path: Path, start: u64, out: &mut [f64]) {
        // SAFETY: f64 and u64 have the same size and alignment, and every bit pattern is valid
        // for both; the words written are the bits of the uniforms.
        let bits = unsafe { std::slice::from_raw_parts_mut(out.as_mut_ptr().cast(), out.len()) };
        self.fill_on::<true>(path, start, bits)
    }

    /// Words `start .. start + out.len()` to `out` on `path`, or with `UNIFORM` the bits of
    /// their uniforms.
    fn fill_on<const UNIFORM: bool>(&self, path: Path, start: u64, out: &mut [u64]) {
        assert!(path.available(), "this CPU has no {} path", path.name());
        let conv = |w: u64| if UNIFORM { uniform(w).to_bits() } else { w };
        let mut out = out;
        // A start inside a block: take the rest of that block first.
        let skip = (start % 4) as usize;
        let mut b = start / 4;
        if skip != 0 && !out.is_empty() {
            let w = self.block(b);
            let take = (4 - skip).min(out.len());
            for (d, &w) in out[..take].iter_mut().zip(&w[skip..]) {
                *d = conv(w);
            }
            out = &mut out[take..];
            b = b.wrapping_add(1);
        }
        let whole = out.len() / 4 * 4;
        let (body, tail) = out.split_at_mut(whole);
        self.fill_blocks_on::<UNIFORM>(path, b, body);
        if !tail.is_empty() {
            let w = self.block(b.wrapping_add(whole as u64 / 4));
            for (d, &w) in tail.iter_mut().zip(&w) {
                *d = conv(w);
            }
        }
    }

    /// Writes blocks `first .. first + out.len() / 4` to `out` (whole blocks) on `path`: their
    /// words, or with `UNIFORM` the bits of their uniforms.
    fn fill_blocks_on<const UNIFORM: bool>(&self, path: Path, first: u64, out: &mut [u64]) {
        match path {
            #[cfg(target_arch = "x86_64")]
            // SAFETY: the caller checked `path.available()`, i.e. the CPU has AVX-512.
            Path::Avx512 => unsafe { avx512::fill_blocks::<UNIFORM>(self.key, first, out) },
            #[cfg(target_arch = "x86_64")]
            // SAFETY: the caller checked `path.available()`, i.e. the CPU has AVX2.
            Path::Avx2 => unsafe { avx2::fill_blocks::<UNIFORM>(self.key, first, out) },
            _ => {
                self.fill_blocks_scalar(first, out);
                if UNIFORM {
                    for w in out.iter_mut() {
                        *w = uniform(*w).to_bits();
                    }
                }
            }
        }
    }

    /// The scalar path: [`SCALAR_ABREAST`] blocks side by side, then single blocks.
    fn fill_blocks_scalar(&self, first: u64, out: &mut [u64]) {
        let mut b = first;
        let mut chunks = out.chunks_exact_mut(4 * SCALAR_ABREAST);
        for c in &mut chunks {
            let bs = self.blocks::<SCALAR_ABREAST>(b);
            for (dst, src) in c.chunks_exact_mut(4).zip(bs.iter()) {
                dst.copy_from_slice(src);
            }
            b = b.wrapping_add(SCALAR_ABREAST as u64);
        }
        for dst in chunks.into_remainder().chunks_exact_mut(4) {
            dst.copy_from_slice(&self.block(b));
            b = b.wrapping_add(1);
        }
    }

    /// Fills `out` with the uniforms of words `start .. start + out.len()` (see [`uniform`]).
    #[inline]
    pub fn fill_uniforms(&self, start: u64, out: &mut [f64]) {
        self.fill_uniforms_on(Path::best(), start, out)
    }

    /// The words of the stream from index `start` on.
    #[inline]
    pub fn words(&self, start: u64) -> Words {
        Words {
            gen: *self,
            block: self.block(start / 4),
            next_block: start / 4 + 1,
            pos: (start % 4) as u8,
        }
    }
}

/// Iterator over the words of a [`Philox4x64`] stream (from [`Philox4x64::words`]); endless.
#[derive(Debug, Clone)]
pub struct Words {
    gen: Philox4x64,
    block: [u64; 4],
    next_block: u64,
    pos: u8,
}

impl Iterator for Words {
    type Item = u64;

    #[inline]
    fn next(&mut self) -> Option<u64> {
        if self.pos == 4 {
            self.block = self.gen.block(self.next_block);
            self.next_block = self.next_block.wrapping_add(1);
            self.pos = 0;
        }
        let w = self.block[self.pos as usize];
        self.pos += 1;
        Some(w)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (usize::MAX, None)
    }
}

/// Uniform double in [0, 1) from a word: `(w >> 11) * 2^-53` (numpy's `random()`).
#[inline(always)]
pub fn uniform(w: u64) -> f64 {
    (w >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Random123's published known-answer vectors for philox4x64-10 (kat_vectors), where the
    /// counter is given directly.
    #[test]
    fn random123_known_answers() {
        assert_eq!(
            philox4x64_10([0; 4], [0; 2]),
            [
                0x16554d9eca36314c,
                0xdb20fe9d672d0fdc,
                0xd7e772cee186176b,
                0x7e68b68aec7ba23b
            ]
        );
        assert_eq!(
            philox4x64_10([u64::MAX; 4], [u64::MAX; 2]),
            [
                0x87b092c3013fe90b,
                0x438c3c67be8d0224,
                0x9cc7d7c69cd777b6,
                0xa09caebf594f0ba0
            ]
        );
        assert_eq!(
            philox4x64_10(
                [
                    0x243f6a8885a308d3,
                    0x13198a2e03707344,
                    0xa4093822299f31d0,
                    0x082efa98ec4e6c89
                ],
                [0x452821e638d01377, 0xbe5466cf34e90c6c]
            ),
            [
                0xa528f45403e61d95,
                0x38c72dbd566e9788,
                0xa5a1610e72fd18b5,
                0x57bd43b5e52b7fe6
            ]
        );
    }

    #[test]
    fn all_accessors_agree() {
        let g = Philox4x64::new(12345, 678);
        let reference: Vec<u64> = (0..64).flat_map(|b| g.block(b)).collect();
        for start in 0..20u64 {
            for len in [0usize, 1, 3, 4, 5, 15, 16, 17, 33, 40] {
                let mut out = vec![0u64; len];
                g.fill_words(start, &mut out);
                assert_eq!(&out[..], &reference[start as usize..start as usize + len]);
                let it: Vec<u64> = g.words(start).take(len).collect();
                assert_eq!(it, out);
                let mut u = vec![0.0; len];
                g.fill_uniforms(start, &mut u);
                assert!(u.iter().zip(&out).all(|(&u, &w)| u == uniform(w)));
            }
            assert_eq!(g.word(start), reference[start as usize]);
        }
        let bs = g.blocks::<8>(3);
        for (l, b) in bs.iter().enumerate() {
            assert_eq!(*b, g.block(3 + l as u64));
        }
        let mut long = vec![0u64; 1000];
        g.fill_uniforms(0, &mut [0.0; 0]);
        g.fill_words(0, &mut long);
        assert_eq!(&long[..256], &reference[..]);
    }

    /// Every path this CPU runs against single scalar blocks: starts inside a block and on odd
    /// blocks, lengths that are not multiples of any width, and the counter's carry.
    #[test]
    fn every_path_gives_the_scalar_stream() {
        let paths: Vec<Path> = Path::ALL.into_iter().filter(|p| p.available()).collect();
        assert!(paths.contains(&Path::best()));
        for key in [(12345, 678), (0, 0), (u64::MAX, u64::MAX)] {
            let g = Philox4x64::new(key.0, key.1);
            let reference: Vec<u64> = (0..80).flat_map(|b| g.block(b)).collect();
            for start in [0u64, 1, 2, 3, 4, 5, 7, 13, 17, 31, 33, 36] {
                for len in [
                    0usize, 1, 3, 4, 5, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 250,
                ] {
                    for &p in &paths {
                        let mut out = vec![0u64; len];
                        g.fill_words_on(p, start, &mut out);
                        let want = &reference[start as usize..start as usize + len];
                        assert_eq!(&out[..], want, "{p:?} key {key:?} start {start} len {len}");
                        let mut u = vec![0.0; len];
                        g.fill_uniforms_on(p, start, &mut u);
                        let bits: Vec<u64> = u.iter().map(|u| u.to_bits()).collect();
                        let want: Vec<u64> = want.iter().map(|&w| uniform(w).to_bits()).collect();
                        assert_eq!(
                            bits, want,
                            "{p:?} uniforms key {key:?} start {start} len {len}"
                        );
                    }
                }
            }
            // Blocks u64::MAX - 5 ..: the counter's first word wraps and carries into the second
            // (beyond the word indices, so through the whole-block fill).
            let last: Vec<u64> = (0..12u64)
                .flat_map(|i| g.block((u64::MAX - 5).wrapping_add(i)))
                .collect();
            for &p in &paths {
                let mut out = vec![0u64; last.len()];
                g.fill_blocks_on::<false>(p, u64::MAX - 5, &mut out);
                assert_eq!(out, last, "{p:?} at the counter's carry");
            }
        }
    }

    #[test]
    fn counter_carries_past_the_first_word() {
        let g = Philox4x64::new(1, 2);
        assert_eq!(g.block(u64::MAX), philox4x64_10([0, 1, 0, 0], [1, 2]));
    }

    #[test]
    fn uniform_range() {
        assert_eq!(uniform(0), 0.0);
        assert_eq!(uniform(u64::MAX), 1.0 - f64::EPSILON / 2.0);
        assert_eq!(uniform(1 << 11), 2f64.powi(-53));
    }
}
