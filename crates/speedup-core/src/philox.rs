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
    pub fn fill_words(&self, start: u64, out: &mut [u64]) {
        let mut out = out;
        // A start inside a block: take the rest of that block first.
        let skip = (start % 4) as usize;
        let mut b = start / 4;
        if skip != 0 && !out.is_empty() {
            let w = self.block(b);
            let take = (4 - skip).min(out.len());
            out[..take].copy_from_slice(&w[skip..skip + take]);
            out = &mut out[take..];
            b = b.wrapping_add(1);
        }
        // Two blocks side by side: measured fastest on x86-64 (more spill registers).
        let mut chunks = out.chunks_exact_mut(8);
        for c in &mut chunks {
            let bs = self.blocks::<2>(b);
            for (dst, src) in c.chunks_exact_mut(4).zip(bs.iter()) {
                dst.copy_from_slice(src);
            }
            b = b.wrapping_add(2);
        }
        for dst in chunks.into_remainder().chunks_mut(4) {
            let w = self.block(b);
            dst.copy_from_slice(&w[..dst.len()]);
            b = b.wrapping_add(1);
        }
    }

    /// Fills `out` with the uniforms of words `start .. start + out.len()` (see [`uniform`]).
    pub fn fill_uniforms(&self, start: u64, out: &mut [f64]) {
        let mut buf = [0u64; 256];
        let mut pos = start;
        for dst in out.chunks_mut(buf.len()) {
            let words = &mut buf[..dst.len()];
            self.fill_words(pos, words);
            for (d, &w) in dst.iter_mut().zip(words.iter()) {
                *d = uniform(w);
            }
            pos = pos.wrapping_add(dst.len() as u64);
        }
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
