//! One segmented sieve of Eratosthenes over odd numbers (see the parent module): the
//! precomputed patterns of the primes up to 61, the mod-30 wheel of the base primes, and the
//! prime sums of every segment with the partial sums its queries ask for.

use std::sync::OnceLock;

use crate::cancel::Token;
use crate::error::Result;

/// Sieves covering fewer integers than this run on the calling thread (measured on the
/// development machine; not calibrated, but the environment may set another: `crate::calibrate`).
pub const SIEVE_PARALLEL_CUTOFF: u64 = 1 << 23;

/// Words per segment (64 KiB: faster at 1e9 and 1e10 than 32 KiB and 256 KiB).
pub const SEG_WORDS: usize = 1 << 13;
/// Odd numbers per segment.
pub(super) const SEG_BITS: u64 = SEG_WORDS as u64 * 64;
/// Odd primes whose multiples come from precomputed bit patterns, in groups whose products are
/// the pattern periods in words (a pattern for period `P` bits, `P` odd, repeats every `P`
/// words: `64 P` bits is a whole number of periods).
const PATTERN_GROUPS: [&[u64]; 7] = [
    &[3, 5, 7, 11, 13],
    &[17, 19],
    &[23, 29],
    &[31, 37],
    &[41, 43],
    &[47, 53],
    &[59, 61],
];
/// First prime sieved one multiple at a time (the prime after 61).
const FIRST_BASE_PRIME: u64 = 67;

/// One pattern per group: bit `g` set when `2g + 1` is a multiple of a prime of the group.
fn patterns() -> &'static [Box<[u64]>] {
    static PATTERNS: OnceLock<Vec<Box<[u64]>>> = OnceLock::new();
    PATTERNS.get_or_init(|| {
        PATTERN_GROUPS
            .iter()
            .map(|group| {
                let words = group.iter().product::<u64>() as usize;
                let mut pat = vec![0u64; words];
                for &p in group.iter() {
                    let p = p as usize;
                    // p words hold 64 periods; odd multiples of p sit at g = (p-1)/2 + k p.
                    let mut one = vec![0u64; p];
                    let mut g = (p - 1) / 2;
                    while g < 64 * p {
                        one[g / 64] |= 1 << (g % 64);
                        g += p;
                    }
                    for (w, x) in pat.iter_mut().enumerate() {
                        *x |= one[w % p];
                    }
                }
                pat.into_boxed_slice()
            })
            .collect()
    })
}

/// The residues modulo 30 coprime to 30 (the mod-30 wheel), and the gap in bits, in units of
/// `p`, from the multiple `p * m` with `m` at residue `i` to the next (`(next m - m) / 2`).
const WHEEL_RES: [u64; 8] = [1, 7, 11, 13, 17, 19, 23, 29];
const WHEEL_STEP: [usize; 8] = [3, 2, 1, 2, 1, 2, 3, 1];

/// Where a base prime `p` crosses off next: bit `off` from the start of the current segment,
/// for the multiple `p * m` with `m mod 30 = WHEEL_RES[idx]`. Multiples `p * m` with `m`
/// divisible by 3 or 5 are skipped: the pattern already has them.
#[derive(Clone, Copy)]
struct Cursor {
    off: u32,
    idx: u32,
}

impl Cursor {
    /// The first multiple `p * m >= max(p^2, 2 g0 + 1)` with `m` coprime to 30, relative to
    /// bit `g0`. Only called once `p^2` lies before the end of the segment that starts at `g0`,
    /// so the offset is below one segment plus `3p` and fits in u32.
    fn new(p: u64, g0: u64) -> Cursor {
        let first = 2 * g0 + 1;
        let mut m = p.max(first.div_ceil(p)) | 1;
        loop {
            if let Some(idx) = WHEEL_RES.iter().position(|&r| r == m % 30) {
                let off = (p * m - 1) / 2 - g0;
                return Cursor {
                    off: u32::try_from(off).expect("cursor within reach"),
                    idx: idx as u32,
                };
            }
            m += 2;
        }
    }
}

/// The primes `FIRST_BASE_PRIME <= p` with `p * p < limit` (a small sieve of Eratosthenes).
fn base_primes(limit: u64) -> Vec<u32> {
    if limit <= FIRST_BASE_PRIME * FIRST_BASE_PRIME {
        return Vec::new();
    }
    let r = isqrt(limit - 1) as usize; // p <= r  <=>  p * p < limit
    let mut composite = vec![false; r + 1];
    let mut primes = Vec::new();
    for i in 2..=r {
        if !composite[i] {
            if i as u64 >= FIRST_BASE_PRIME {
                primes.push(i as u32);
            }
            let mut j = i * i;
            while j <= r {
                composite[j] = true;
                j += i;
            }
        }
    }
    primes
}

/// `floor(sqrt(x))` (u64::isqrt needs Rust 1.84; the MSRV is 1.80).
fn isqrt(x: u64) -> u64 {
    let sq = |r: u64| r as u128 * r as u128;
    let mut r = (x as f64).sqrt() as u64;
    while sq(r) > x as u128 {
        r -= 1;
    }
    while sq(r + 1) <= x as u128 {
        r += 1;
    }
    r
}

/// Masks of the bit positions whose bit `j` is set: the sum of the positions of the set bits of
/// `x` is `sum_j 2^j * popcount(x & POSITION_BIT[j])`.
const POSITION_BIT: [u64; 6] = [
    0xAAAA_AAAA_AAAA_AAAA,
    0xCCCC_CCCC_CCCC_CCCC,
    0xF0F0_F0F0_F0F0_F0F0,
    0xFF00_FF00_FF00_FF00,
    0xFFFF_0000_FFFF_0000,
    0xFFFF_FFFF_0000_0000,
];

/// Sum of the primes flagged by a clear bit of `composite`, the word's bit 0 being `first`:
/// `count * first + 2 * (sum of the positions)`, in seven popcounts and no branch (a loop over
/// the set bits mispredicts its exit once a word, which costs more than the whole of this).
#[inline(always)]
fn word_sum(composite: u64, first: u64) -> u64 {
    let x = !composite;
    let mut positions = 0u64;
    for (j, &m) in POSITION_BIT.iter().enumerate() {
        positions += ((x & m).count_ones() as u64) << j;
    }
    x.count_ones() as u64 * first + 2 * positions
}

/// One sieve `primes < limit`, split into segments and blocks of segments.
pub(super) struct Sieve {
    /// Odd numbers below `limit`: `limit / 2` (bit `g` is `2g + 1`).
    bits: u64,
    pub(super) nsegs: u64,
    /// Segments per block (depends on `limit` only).
    block_segs: u64,
    base: Vec<u32>,
}

/// The arguments of [`Sieve::run_range`], as its CPU-specific versions take them.
struct Range<'a> {
    s0: u64,
    s1: u64,
    ks: &'a [u32],
    starts: &'a [usize],
    partial: &'a mut [u64],
    token: &'a Token,
}

impl Sieve {
    pub(super) fn new(limit: u64) -> Self {
        let bits = limit / 2;
        let nsegs = bits.div_ceil(SEG_BITS);
        Sieve {
            bits,
            nsegs,
            block_segs: nsegs.div_ceil(128).clamp(1, 32),
            base: base_primes(limit),
        }
    }

    pub(super) fn nblocks(&self) -> u64 {
        self.nsegs.div_ceil(self.block_segs)
    }

    /// Segment range of block `b`.
    pub(super) fn block(&self, b: u64) -> (u64, u64) {
        let s0 = b * self.block_segs;
        (s0, (s0 + self.block_segs).min(self.nsegs))
    }

    /// Bits in segment `s`.
    fn seg_len(&self, s: u64) -> usize {
        (self.bits - s * SEG_BITS).min(SEG_BITS) as usize
    }

    /// Sieves segment `s` into `seg` (bit set = not prime, also past the end of the segment),
    /// moving the cursors of the active base primes (the first `cursors.len()`) on to the next
    /// segment. Returns the number of words used.
    #[inline(always)]
    fn fill_segment(&self, s: u64, seg: &mut [u64], cursors: &mut [Cursor]) -> usize {
        let nbits = self.seg_len(s);
        let nwords = nbits.div_ceil(64);
        let seg = &mut seg[..nwords];
        lay_patterns(s * SEG_WORDS as u64, seg);
        if s == 0 {
            seg[0] |= 1; // 1 is not prime; the pattern primes themselves are
            for group in PATTERN_GROUPS {
                for &p in group {
                    seg[0] &= !(1 << ((p - 1) / 2));
                }
            }
        }
        for (&p, c) in self.base.iter().zip(cursors.iter_mut()) {
            cross_off(p as usize, c, seg, nbits);
        }
        if !nbits.is_multiple_of(64) {
            seg[nwords - 1] |= !0u64 << (nbits % 64);
        }
        nwords
    }

    /// Sieves segments `s0..s1`, returning each one's prime sum; the queries of these
    /// segments (`(k, partial)`: `k` bits into its segment, bucketed in segment order with
    /// `starts[s - s0]..starts[s - s0 + 1]`) get the sum of the primes among the first `k` bits.
    pub(super) fn run_range(
        &self,
        s0: u64,
        s1: u64,
        ks: &[u32],
        starts: &[usize],
        partial: &mut [u64],
        token: &Token,
    ) -> Result<Vec<u64>> {
        let range = Range {
            s0,
            s1,
            ks,
            starts,
            partial,
            token,
        };
        #[cfg(target_arch = "x86_64")]
        if crate::simd::popcnt() {
            // SAFETY: the CPU has POPCNT (checked just above).
            return unsafe { self.run_range_popcnt(range) };
        }
        self.run_range_body(range)
    }

    /// [`Sieve::run_range`] compiled for CPUs with the POPCNT instruction, which
    /// [`word_sum`] uses seven times a word (the x86-64 baseline has none, so `count_ones`
    /// would be a dozen instructions each).
    ///
    /// # Safety
    /// The CPU must support POPCNT.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "popcnt")]
    unsafe fn run_range_popcnt(&self, range: Range<'_>) -> Result<Vec<u64>> {
        self.run_range_body(range)
    }

    #[inline(always)]
    fn run_range_body(&self, range: Range<'_>) -> Result<Vec<u64>> {
        let (s0, s1, ks, starts) = (range.s0, range.s1, range.ks, range.starts);
        let (partial, token) = (range.partial, range.token);
        // A segment's words (fewer when the whole sieve is smaller than one segment).
        let mut seg = vec![0u64; SEG_WORDS.min(self.bits.div_ceil(64) as usize)];
        let mut cursors: Vec<Cursor> = Vec::with_capacity(self.base.len());
        let mut prefix = Vec::new();
        let mut totals = Vec::with_capacity((s1 - s0) as usize);
        for s in s0..s1 {
            token.check()?;
            self.activate(s, &mut cursors);
            let nwords = self.fill_segment(s, &mut seg, &mut cursors);
            let first = 2 * (s * SEG_BITS) + 1; // the number at bit 0
            let i = (s - s0) as usize;
            let (q0, q1) = (starts[i], starts[i + 1]);
            let (seg, ks, out) = (&seg[..nwords], &ks[q0..q1], &mut partial[q0..q1]);
            totals.push(if ks.is_empty() {
                segment_total(seg, first)
            } else {
                answer_queries(seg, first, ks, out, &mut prefix)
            });
        }
        Ok(totals)
    }

    /// Activates the base primes whose square falls before the end of segment `s`.
    #[inline(always)]
    fn activate(&self, s: u64, cursors: &mut Vec<Cursor>) {
        let (g0, g1) = (s * SEG_BITS, s * SEG_BITS + self.seg_len(s) as u64);
        while let Some(&p) = self.base.get(cursors.len()) {
            let p = p as u64;
            if (p * p - 1) / 2 >= g1 {
                break;
            }
            cursors.push(Cursor::new(p, g0));
        }
    }
}

/// Lays the patterns of the primes up to 61 over `seg`, whose word 0 is word `first_word` of
/// the whole sieve.
#[inline(always)]
fn lay_patterns(first_word: u64, seg: &mut [u64]) {
    let nwords = seg.len();
    for (k, pat) in patterns().iter().enumerate() {
        let mut off = (first_word % pat.len() as u64) as usize;
        let mut w = 0;
        while w < nwords {
            let take = (nwords - w).min(pat.len() - off);
            let (dst, src) = (&mut seg[w..w + take], &pat[off..off + take]);
            if k == 0 {
                dst.copy_from_slice(src);
            } else {
                for (d, &x) in dst.iter_mut().zip(src) {
                    *d |= x;
                }
            }
            w += take;
            off = 0;
        }
    }
}

/// Crosses off the multiples of base prime `p` in a segment of `nbits` bits from its cursor,
/// and moves the cursor on to the next segment.
#[inline(always)]
fn cross_off(p: usize, c: &mut Cursor, seg: &mut [u64], nbits: usize) {
    let mut j = c.off as usize;
    let mut i = c.idx as usize;
    // Up to the start of a wheel turn, then whole turns (15p bits, 8 multiples), then
    // the rest one multiple at a time.
    while i != 0 && j < nbits {
        seg[j >> 6] |= 1 << (j & 63);
        j += WHEEL_STEP[i] * p;
        i = (i + 1) & 7;
    }
    if i == 0 {
        while j + 14 * p < nbits {
            for d in [0, 3, 5, 6, 8, 9, 11, 14] {
                let b = j + d * p;
                seg[b >> 6] |= 1 << (b & 63);
            }
            j += 15 * p;
        }
        while j < nbits {
            seg[j >> 6] |= 1 << (j & 63);
            j += WHEEL_STEP[i] * p;
            i = (i + 1) & 7;
        }
    }
    c.off = (j - nbits) as u32;
    c.idx = i as u32;
}

/// The sum of the primes of a sieved segment whose bit 0 is the number `first`.
#[inline(always)]
fn segment_total(seg: &[u64], first: u64) -> u64 {
    let mut total = 0u64;
    for (w, &c) in seg.iter().enumerate() {
        total += word_sum(c, first + 128 * w as u64);
    }
    total
}

/// Answers a segment's queries (`ks`: bit indices) into `out`, with `prefix` as scratch, and
/// returns the segment's total. Dense queries (e.g. every n below some bound; more than two a
/// word): `prefix[k]` = the sum of the primes among the first `k` bits, so each query is one
/// lookup. Sparse ones: `prefix[w]` = the sum of the primes in words `0..w`, plus the bits of
/// the query's own word.
#[inline(always)]
fn answer_queries(
    seg: &[u64],
    first: u64,
    ks: &[u32],
    out: &mut [u64],
    prefix: &mut Vec<u64>,
) -> u64 {
    prefix.clear();
    prefix.push(0u64);
    let mut total = 0u64;
    if ks.len() > 2 * seg.len() {
        for (w, &c) in seg.iter().enumerate() {
            let base = first + 128 * w as u64;
            for b in 0..64 {
                let prime = ((!c >> b) & 1).wrapping_neg(); // all ones when prime
                total += (base + 2 * b) & prime;
                prefix.push(total);
            }
        }
        for (&k, o) in ks.iter().zip(out) {
            *o = prefix[k as usize];
        }
    } else {
        for (w, &c) in seg.iter().enumerate() {
            total += word_sum(c, first + 128 * w as u64);
            prefix.push(total);
        }
        for (&k, o) in ks.iter().zip(out) {
            let (w, b) = ((k / 64) as usize, k % 64);
            let mut v = prefix[w];
            if b != 0 {
                v += word_sum(seg[w] | (!0u64 << b), first + 128 * w as u64);
            }
            *o = v;
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

    #[test]
    fn patterns_mark_exactly_the_small_multiples() {
        for (pat, group) in patterns().iter().zip(PATTERN_GROUPS) {
            assert_eq!(pat.len() as u64, group.iter().product::<u64>());
            for g in 0..(pat.len() * 64) as u64 {
                let x = 2 * g + 1;
                let want = group.iter().any(|&p| x % p == 0);
                let got = (pat[(g / 64) as usize] >> (g % 64)) & 1 == 1;
                assert_eq!(got, want, "g={g}");
            }
        }
    }

    #[test]
    fn cursors_start_at_the_first_wheel_multiple() {
        // p = 67 from bit 0: p^2 = 4489 = 67 * 67, 67 mod 30 = 7 (index 1).
        let c = Cursor::new(67, 0);
        assert_eq!((c.off, c.idx), ((67 * 67 - 1) / 2, 1));
        // from a later segment: the first multiple >= 2 g0 + 1 whose cofactor is coprime to 30
        for (p, g0) in [(67u64, 1_000_000u64), (71, 262_144), (1009, 5_000_000)] {
            let c = Cursor::new(p, g0);
            let x = 2 * (g0 + c.off as u64) + 1;
            assert_eq!(x % p, 0);
            let m = x / p;
            assert_eq!(m % 30, WHEEL_RES[c.idx as usize]);
            let mut m0 = (2 * g0 + 1).div_ceil(p).max(p);
            while m0 % 2 == 0 || m0 % 3 == 0 || m0 % 5 == 0 {
                m0 += 1;
            }
            assert_eq!(m, m0, "p={p} g0={g0}");
        }
    }

    #[test]
    fn base_primes_cover_the_square_root() {
        assert!(base_primes(4489).is_empty());
        assert_eq!(base_primes(4490), vec![67]);
        assert_eq!(base_primes(5041), vec![67]);
        assert_eq!(base_primes(5042), vec![67, 71]);
    }

    #[test]
    fn an_interrupt_stops_the_sieve_between_segments() {
        let token = Token::interrupted_for_tests("sum_primes_below");
        let sieve = Sieve::new(10_000_000);
        let starts = vec![0usize; sieve.nsegs as usize + 1];
        let err = sieve
            .run_range(0, sieve.nsegs, &[], &starts, &mut [], &token)
            .unwrap_err();
        assert_eq!(
            err,
            Error::Interrupted {
                kernel: "sum_primes_below"
            }
        );
    }
}
