//! Primes: [`is_prime`] (exact for every u64) and [`sum_primes_below`] (segmented sieve).
//!
//! # `is_prime`
//! Numbers below 64 come from a bit mask; larger ones are trial-divided by the primes up to 61
//! (a multiply and a compare each, through the modular inverse of the divisor), numbers below
//! `67^2` that survive are prime, and the rest go through a deterministic Miller–Rabin test in
//! Montgomery arithmetic:
//! - `n < 2^32`: bases 2, 7, 61 (Jaeschke 1993: no strong pseudoprime to all three below
//!   4 759 123 141);
//! - `n >= 2^32`: bases 2, 325, 9375, 28178, 450775, 9780504, 1795265022 (Jim Sinclair 2011,
//!   verified against the Feitsma–Galway list of base-2 pseudoprimes below 2^64). Every base is
//!   below `2^32 <= n`, so no base is a multiple of `n` (the usual `a mod n == 0` pitfall cannot
//!   happen; the check is still there as a guard).
//!
//! # `sum_primes_below`
//! A segmented sieve of Eratosthenes over odd numbers only, one bit per odd number
//! (bit `g` of the sieve is the number `2g + 1`), in segments of [`SEG_WORDS`] words (64 KiB,
//! L2-resident; 2^20 integers; measured best among 32, 64, 128 and 256 KiB). Multiples of the
//! odd primes up to 61 are not crossed off one by one: a segment starts as the OR of seven
//! precomputed bit patterns (3·5·7·11·13, 17·19, 23·29, ..., 59·61). The base primes
//! 67 <= p <= sqrt(n) are then crossed off from `p^2` on a mod-30 wheel (only multiples `p m`
//! with `m` coprime to 30; the others are multiples of 3 or 5, already in the pattern).
//! Memory is O(sqrt n) for the base primes plus one segment per worker (and one u64 per
//! segment for the running sums).
//!
//! Segments are grouped into blocks (their size depends on `n` only, never on the thread count);
//! large sieves hand blocks to speedup's pool. Every block reports integer sums, which are
//! combined in segment order as u128, so the result is exact and identical at every thread
//! count. [`sum_primes_below_many`] answers all its queries from one sieve up to their maximum:
//! queries are bucketed by segment (counting sort), each segment answers its queries from
//! word-level prefix sums, and one serial pass over the segments adds the running total.
//!
//! # Overflow
//! `S(n) = sum_{p < n} p` is nondecreasing in `n`, so there is one threshold: `S(n)` fits in u64
//! exactly when `n <= `[`SUM_PRIMES_BELOW_MAX_N`]. Calls above it are refused at once (no
//! sieving). Below it, segment sums are u64 (at most 2^19 primes below 3e10 each: < 2^55), the
//! running total is u128 and every answer is converted to u64 with a check, so a wrapped value
//! can never come out even if the constant were wrong. See the constant's documentation for how
//! it is known.

use std::sync::OnceLock;

use rayon::prelude::*;

use crate::alloc::try_vec;
use crate::cancel::Token;
use crate::error::check_len;
use crate::error::{Error, Result};
use crate::threads;

// ------------------------------------------------------------------------------------------
// is_prime
// ------------------------------------------------------------------------------------------

/// `is_prime_many` inputs shorter than this run on the calling thread (measured).
pub const IS_PRIME_PARALLEL_CUTOFF: usize = 1 << 13;
/// Numbers per parallel task of `is_prime_many`.
const IS_PRIME_TASK: usize = 1 << 11;

/// Bit `k` is set when `k < 64` is prime.
const SMALL_PRIME_MASK: u64 = {
    let mut mask = 0u64;
    let mut k = 2;
    while k < 64 {
        let mut d = 2;
        let mut prime = true;
        while d * d <= k {
            if k % d == 0 {
                prime = false;
            }
            d += 1;
        }
        if prime {
            mask |= 1 << k;
        }
        k += 1;
    }
    mask
};

/// The inverse of odd `p` modulo 2^64 (Newton: each step doubles the correct low bits).
const fn inverse_mod_2_64(p: u64) -> u64 {
    let mut x = p; // correct to 3 bits: p * p == 1 (mod 8) for odd p
    let mut i = 0;
    while i < 5 {
        x = x.wrapping_mul(2u64.wrapping_sub(p.wrapping_mul(x)));
        i += 1;
    }
    x
}

/// The odd trial divisors: `(p^-1 mod 2^64, floor(u64::MAX / p))`. For odd `p`,
/// `p | n` exactly when `n * p^-1 (mod 2^64) <= floor(u64::MAX / p)`.
const TRIAL: [(u64, u64); 17] = {
    let primes = [
        3u64, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61,
    ];
    let mut t = [(0u64, 0u64); 17];
    let mut i = 0;
    while i < 17 {
        t[i] = (inverse_mod_2_64(primes[i]), u64::MAX / primes[i]);
        i += 1;
    }
    t
};

/// Below this, a number with no prime factor up to 61 is prime (67 is the next prime).
const TRIAL_PROVES_PRIME_BELOW: u64 = 67 * 67;

const BASES_32: [u64; 3] = [2, 7, 61];
const BASES_64: [u64; 7] = [2, 325, 9375, 28178, 450775, 9780504, 1795265022];

/// Montgomery arithmetic modulo an odd `n`, with `R = 2^64`. Values are kept in `[0, n)`.
struct Montgomery {
    n: u64,
    /// `n^-1 mod 2^64`.
    n_inv: u64,
    /// `R mod n`: the Montgomery form of 1.
    one: u64,
    /// `R^2 mod n`.
    r2: u64,
}

impl Montgomery {
    fn new(n: u64) -> Self {
        debug_assert!(n & 1 == 1 && n > 1);
        let one = (u64::MAX % n + 1) % n;
        let r2 = ((one as u128 * one as u128) % n as u128) as u64;
        Montgomery {
            n,
            n_inv: inverse_mod_2_64(n),
            one,
            r2,
        }
    }

    /// `t / R mod n` for `t < n * R`. With `m = t * n^-1 mod R`, `m * n` and `t` agree in their
    /// low 64 bits, so `(t - m n) / R` is the difference of the high words, in `(-n, n)`.
    #[inline(always)]
    fn redc(&self, t: u128) -> u64 {
        let lo = t as u64;
        let hi = (t >> 64) as u64;
        let m = lo.wrapping_mul(self.n_inv);
        let mn_hi = ((m as u128 * self.n as u128) >> 64) as u64;
        let (r, borrow) = hi.overflowing_sub(mn_hi);
        if borrow {
            r.wrapping_add(self.n)
        } else {
            r
        }
    }

    #[inline(always)]
    fn mul(&self, a: u64, b: u64) -> u64 {
        self.redc(a as u128 * b as u128)
    }

    #[inline(always)]
    fn to_mont(&self, a: u64) -> u64 {
        self.mul(a, self.r2)
    }

    #[inline(always)]
    fn pow(&self, base: u64, mut e: u64) -> u64 {
        let mut result = self.one;
        let mut b = base;
        while e > 0 {
            if e & 1 == 1 {
                result = self.mul(result, b);
            }
            b = self.mul(b, b);
            e >>= 1;
        }
        result
    }
}

/// Strong probable-prime test of odd `n > 2` to every base in `bases`.
fn strong_probable_prime(n: u64, bases: &[u64]) -> bool {
    let m = Montgomery::new(n);
    let s = (n - 1).trailing_zeros();
    let d = (n - 1) >> s;
    let minus_one = n - m.one;
    'bases: for &a in bases {
        let a = a % n;
        if a == 0 {
            continue; // cannot happen for the base sets above (every base < n); a guard only
        }
        let mut x = m.pow(m.to_mont(a), d);
        if x == m.one || x == minus_one {
            continue;
        }
        for _ in 1..s {
            x = m.mul(x, x);
            if x == minus_one {
                continue 'bases;
            }
        }
        return false;
    }
    true
}

/// Exact primality for every u64; 0 and 1 are not prime.
#[inline]
pub fn is_prime(n: u64) -> bool {
    if n < 64 {
        return (SMALL_PRIME_MASK >> n) & 1 == 1;
    }
    if n & 1 == 0 {
        return false;
    }
    // n >= 64 exceeds every trial divisor, so a divisor found means composite.
    for &(inv, lim) in &TRIAL {
        if n.wrapping_mul(inv) <= lim {
            return false;
        }
    }
    if n < TRIAL_PROVES_PRIME_BELOW {
        return true;
    }
    if n < 1 << 32 {
        strong_probable_prime(n, &BASES_32)
    } else {
        strong_probable_prime(n, &BASES_64)
    }
}

/// `out[i] = is_prime(n[i])`; `out` must be as long as `n`.
pub fn is_prime_many(n: &[u64], out: &mut [bool]) -> Result<()> {
    check_len("is_prime_many", "out", n.len(), out.len())?;
    let fill = |x: &[u64], o: &mut [bool]| {
        for (o, &x) in o.iter_mut().zip(x) {
            *o = is_prime(x);
        }
    };
    if threads::parallel_worthwhile(n.len(), IS_PRIME_PARALLEL_CUTOFF) {
        threads::run(|| {
            out.par_chunks_mut(IS_PRIME_TASK)
                .zip(n.par_chunks(IS_PRIME_TASK))
                .for_each(|(o, x)| fill(x, o));
        });
    } else {
        fill(n, out);
    }
    Ok(())
}

// ------------------------------------------------------------------------------------------
// sum_primes_below
// ------------------------------------------------------------------------------------------

/// The largest `n` for which `sum_primes_below(n)` fits in u64: the sum of the primes below it
/// is `SUM_AT_MAX_N`, and adding `SUM_PRIMES_BELOW_MAX_N` itself (a prime) overflows.
///
/// How this is known:
/// - computed with this module's sieve (checked u64 accumulation) and, independently, with
///   Lucy Hedgehog's O(n^3/4) prime-sum recursion in u128 (the test reference, which checks
///   this constant in `tests/primes.rs`);
/// - consistent with a rigorous bound: by Rosser & Schoenfeld (1962, Corollary 1 and (3.6)),
///   `pi(x) > x / ln x` for `x >= 17` and `pi(x) < 1.25506 x / ln x` for `x > 1`. Every prime in
///   `(y/2, y]` exceeds `y/2`, so
///   `S(y + 1) >= (y/2) (pi(y) - pi(y/2)) > (y/2) (y / ln y - 1.25506 (y/2) / ln(y/2))`,
///   which at `y = 6e10` is about `2.57e19 > u64::MAX = 1.84e19`. As `S` is nondecreasing, every `n > 6e10` overflows, so the
///   threshold lies below 6e10 whatever the computation said (a unit test checks the arithmetic).
///
/// Queries above this are refused without sieving; those at or below it are sieved with checked
/// sums anyway, so even a wrong constant could only ever turn into an error, never a wrapped
/// value.
pub const SUM_PRIMES_BELOW_MAX_N: u64 = 29_505_444_491;
/// `sum_primes_below(SUM_PRIMES_BELOW_MAX_N)`.
pub const SUM_AT_MAX_N: u64 = 18_446_744_057_541_225_032;

/// Sieves covering fewer integers than this run on the calling thread (measured).
pub const SIEVE_PARALLEL_CUTOFF: u64 = 1 << 23;

/// Words per segment (64 KiB; measured: 32 KiB and 256 KiB were slower at 1e9 and 1e10).
pub const SEG_WORDS: usize = 1 << 13;
/// Odd numbers per segment.
const SEG_BITS: u64 = SEG_WORDS as u64 * 64;
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
/// the set bits mispredicts its exit once a word, which cost more than the whole of this).
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
struct Sieve {
    /// Odd numbers below `limit`: `limit / 2` (bit `g` is `2g + 1`).
    bits: u64,
    nsegs: u64,
    /// Segments per block (depends on `limit` only).
    block_segs: u64,
    base: Vec<u32>,
}

impl Sieve {
    fn new(limit: u64) -> Self {
        let bits = limit / 2;
        let nsegs = bits.div_ceil(SEG_BITS);
        Sieve {
            bits,
            nsegs,
            block_segs: nsegs.div_ceil(128).clamp(1, 32),
            base: base_primes(limit),
        }
    }

    fn nblocks(&self) -> u64 {
        self.nsegs.div_ceil(self.block_segs)
    }

    /// Segment range of block `b`.
    fn block(&self, b: u64) -> (u64, u64) {
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
    fn fill_segment(&self, s: u64, seg: &mut [u64], cursors: &mut [Cursor]) -> usize {
        let nbits = self.seg_len(s);
        let nwords = nbits.div_ceil(64);
        let seg = &mut seg[..nwords];
        let first_word = s * SEG_WORDS as u64;
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
        if s == 0 {
            seg[0] |= 1; // 1 is not prime; the pattern primes themselves are
            for group in PATTERN_GROUPS {
                for &p in group {
                    seg[0] &= !(1 << ((p - 1) / 2));
                }
            }
        }
        for (&p, c) in self.base.iter().zip(cursors.iter_mut()) {
            let p = p as usize;
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
        if nbits % 64 != 0 {
            seg[nwords - 1] |= !0u64 << (nbits % 64);
        }
        nwords
    }

    /// Sieves segments `s0..s1`, returning each one's prime sum; the queries of these
    /// segments (`(k, partial)`: `k` bits into its segment, bucketed in segment order with
    /// `starts[s - s0]..starts[s - s0 + 1]`) get the sum of the primes among the first `k` bits.
    fn run_range(
        &self,
        s0: u64,
        s1: u64,
        ks: &[u32],
        starts: &[usize],
        partial: &mut [u64],
        token: &Token,
    ) -> Result<Vec<u64>> {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("popcnt") {
            // SAFETY: the CPU has POPCNT (checked just above).
            return unsafe { self.run_range_popcnt(s0, s1, ks, starts, partial, token) };
        }
        self.run_range_body(s0, s1, ks, starts, partial, token)
    }

    /// [`Sieve::run_range`] compiled for CPUs with the POPCNT instruction, which
    /// [`word_sum`] uses seven times a word (the x86-64 baseline has none, so `count_ones`
    /// would be a dozen instructions each).
    ///
    /// # Safety
    /// The CPU must support POPCNT.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "popcnt")]
    unsafe fn run_range_popcnt(
        &self,
        s0: u64,
        s1: u64,
        ks: &[u32],
        starts: &[usize],
        partial: &mut [u64],
        token: &Token,
    ) -> Result<Vec<u64>> {
        self.run_range_body(s0, s1, ks, starts, partial, token)
    }

    #[inline(always)]
    fn run_range_body(
        &self,
        s0: u64,
        s1: u64,
        ks: &[u32],
        starts: &[usize],
        partial: &mut [u64],
        token: &Token,
    ) -> Result<Vec<u64>> {
        // A segment's words (fewer when the whole sieve is smaller than one segment).
        let mut seg = vec![0u64; SEG_WORDS.min(self.bits.div_ceil(64) as usize)];
        let mut cursors: Vec<Cursor> = Vec::with_capacity(self.base.len());
        let mut prefix = Vec::new();
        let mut totals = Vec::with_capacity((s1 - s0) as usize);
        for s in s0..s1 {
            token.check()?;
            // Activate the base primes whose square falls before this segment's end.
            let (g0, g1) = (s * SEG_BITS, s * SEG_BITS + self.seg_len(s) as u64);
            while let Some(&p) = self.base.get(cursors.len()) {
                let p = p as u64;
                if (p * p - 1) / 2 >= g1 {
                    break;
                }
                cursors.push(Cursor::new(p, g0));
            }
            let nwords = self.fill_segment(s, &mut seg, &mut cursors);
            let first = 2 * (s * SEG_BITS) + 1; // the number at bit 0
            let i = (s - s0) as usize;
            let (q0, q1) = (starts[i], starts[i + 1]);
            if q0 == q1 {
                let mut total = 0u64;
                for (w, &c) in seg[..nwords].iter().enumerate() {
                    total += word_sum(c, first + 128 * w as u64);
                }
                totals.push(total);
            } else if q1 - q0 > 2 * nwords {
                // Dense queries (e.g. every n below some bound): prefix[k] = sum of the primes
                // among the first k bits, so each query is one lookup.
                prefix.clear();
                prefix.push(0u64);
                let mut total = 0u64;
                for (w, &c) in seg[..nwords].iter().enumerate() {
                    let base = first + 128 * w as u64;
                    for b in 0..64 {
                        let prime = ((!c >> b) & 1).wrapping_neg(); // all ones when prime
                        total += (base + 2 * b) & prime;
                        prefix.push(total);
                    }
                }
                for (&k, out) in ks[q0..q1].iter().zip(&mut partial[q0..q1]) {
                    *out = prefix[k as usize];
                }
                totals.push(total);
            } else {
                // prefix[w] = sum of the primes in words 0..w of the segment.
                prefix.clear();
                prefix.push(0u64);
                let mut total = 0u64;
                for (w, &c) in seg[..nwords].iter().enumerate() {
                    total += word_sum(c, first + 128 * w as u64);
                    prefix.push(total);
                }
                for (&k, out) in ks[q0..q1].iter().zip(&mut partial[q0..q1]) {
                    let (w, b) = ((k / 64) as usize, k % 64);
                    let mut v = prefix[w];
                    if b != 0 {
                        v += word_sum(seg[w] | (!0u64 << b), first + 128 * w as u64);
                    }
                    *out = v;
                }
                totals.push(total);
            }
        }
        Ok(totals)
    }
}

/// `S(q)` for every query, in input order; `kernel` names the caller in errors.
fn sums_below(kernel: &'static str, queries: &[u64]) -> Result<Vec<u64>> {
    let token = Token::new(kernel);
    if let Some(&q) = queries.iter().find(|&&q| q > SUM_PRIMES_BELOW_MAX_N) {
        return Err(overflow(kernel, q));
    }
    let limit = queries.iter().copied().max().unwrap_or(0);
    let sieve = Sieve::new(limit);
    if sieve.nsegs <= 1 {
        // The whole sieve is one segment (limit <= 2^20): a query's bits all lie in it, so
        // there is nothing to bucket and no running total; the sums are far below 2^64.
        // The tables are as long as the caller's query list: allocated fallibly.
        let mut ks = try_vec(kernel, "the query table", queries.len(), 0u32)?;
        for (k, &q) in ks.iter_mut().zip(queries) {
            *k = (q / 2) as u32;
        }
        let mut partial = try_vec(kernel, "the answers", ks.len(), 0u64)?;
        if sieve.nsegs == 1 {
            sieve.run_range(0, 1, &ks, &[0, ks.len()], &mut partial, &token)?;
        }
        for (p, &q) in partial.iter_mut().zip(queries) {
            if q > 2 {
                *p += 2;
            }
        }
        return Ok(partial);
    }

    // Bucket the queries by segment (counting sort). A query q counts the odd numbers
    // below it, g = q / 2 bits; g == 0 (q <= 1) needs no sieve. Otherwise its last bit lies
    // in segment s = (g - 1) / SEG_BITS, k = g - s * SEG_BITS bits in (1..=SEG_BITS).
    let nsegs = sieve.nsegs as usize;
    let mut starts = vec![0usize; nsegs + 1];
    for &q in queries {
        let g = q / 2;
        if g > 0 {
            starts[((g - 1) / SEG_BITS) as usize + 1] += 1;
        }
    }
    for s in 0..nsegs {
        starts[s + 1] += starts[s];
    }
    let mut fill = starts.clone();
    let mut ks = try_vec(kernel, "the query table", starts[nsegs], 0u32)?;
    // Where query i's partial sum lands.
    let mut slot = try_vec(kernel, "the query table", queries.len(), usize::MAX)?;
    for (i, &q) in queries.iter().enumerate() {
        let g = q / 2;
        if g > 0 {
            let s = ((g - 1) / SEG_BITS) as usize;
            ks[fill[s]] = (g - s as u64 * SEG_BITS) as u32;
            slot[i] = fill[s];
            fill[s] += 1;
        }
    }
    drop(fill);
    let mut partial = try_vec(kernel, "the partial sums", ks.len(), 0u64)?;

    // Sieve: one pass on this thread, or blocks on the pool (same sums either way).
    let work = usize::try_from(limit).unwrap_or(usize::MAX);
    let totals: Vec<u64> = if threads::parallel_worthwhile(work, SIEVE_PARALLEL_CUTOFF as usize) {
        let nblocks = sieve.nblocks();
        let mut jobs = Vec::with_capacity(nblocks as usize);
        let mut rest: &mut [u64] = &mut partial;
        for b in 0..nblocks {
            let (s0, s1) = sieve.block(b);
            let (q0, q1) = (starts[s0 as usize], starts[s1 as usize]);
            let (mine, tail) = rest.split_at_mut(q1 - q0);
            rest = tail;
            jobs.push((s0, s1, mine));
        }
        let (sieve, ks, starts, token) = (&sieve, &ks, &starts, &token);
        let per_block: Vec<Vec<u64>> = threads::run(|| {
            jobs.into_par_iter()
                .map(|(s0, s1, mine)| {
                    let q0 = starts[s0 as usize];
                    let q1 = starts[s1 as usize];
                    let local: Vec<usize> = starts[s0 as usize..=s1 as usize]
                        .iter()
                        .map(|&x| x - q0)
                        .collect();
                    sieve.run_range(s0, s1, &ks[q0..q1], &local, mine, token)
                })
                .collect::<Result<Vec<_>>>()
        })?;
        per_block.into_iter().flatten().collect()
    } else {
        sieve.run_range(0, sieve.nsegs, &ks, &starts, &mut partial, &token)?
    };

    // Serial pass: the running total before each segment (u128: exact), then each answer.
    let mut before = Vec::with_capacity(nsegs);
    let mut running = 0u128;
    for &t in &totals {
        before.push(running);
        running += t as u128;
    }
    let mut answers = try_vec(kernel, "the answers", queries.len(), 0u64)?;
    for ((&q, &j), a) in queries.iter().zip(&slot).zip(&mut answers) {
        if j != usize::MAX {
            let s = ((q / 2 - 1) / SEG_BITS) as usize;
            let two = if q > 2 { 2u128 } else { 0 };
            let v = two + before[s] + partial[j] as u128;
            *a = u64::try_from(v).map_err(|_| overflow(kernel, q))?;
        }
    }
    Ok(answers)
}

fn overflow(kernel: &'static str, q: u64) -> Error {
    Error::Overflow {
        kernel,
        what: format!("the sum of primes below {q} does not fit in u64"),
    }
}

/// The sum of all primes `p < n`; `Err(Overflow)` when it does not fit in u64, which is
/// exactly when `n > `[`SUM_PRIMES_BELOW_MAX_N`] (refused at once, without sieving).
pub fn sum_primes_below(n: u64) -> Result<u64> {
    Ok(sums_below("sum_primes_below", &[n])?[0])
}

/// `out[i] = sum_primes_below(n[i])`, all answered from one sieve up to `max(n)`.
///
/// `out` must be as long as `n`. Any query whose sum overflows u64 (the first such, in input
/// order, is named in the message) makes the whole call fail with nothing written.
pub fn sum_primes_below_many(n: &[u64], out: &mut [u64]) -> Result<()> {
    const K: &str = "sum_primes_below_many";
    check_len(K, "out", n.len(), out.len())?;
    if n.is_empty() {
        return Ok(());
    }
    let sums = sums_below(K, n)?;
    out.copy_from_slice(&sums);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive_is_prime(n: u64) -> bool {
        n >= 2 && (2..).take_while(|d| d * d <= n).all(|d| n % d != 0)
    }

    #[test]
    fn trial_table_detects_divisibility() {
        let primes = [
            3u64, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61,
        ];
        for (&p, &(inv, lim)) in primes.iter().zip(&TRIAL) {
            assert_eq!(p.wrapping_mul(inv), 1);
            for n in [
                0,
                1,
                p - 1,
                p,
                p + 1,
                5 * p,
                u64::MAX,
                u64::MAX - 1,
                u64::MAX / p * p,
            ] {
                assert_eq!(n.wrapping_mul(inv) <= lim, n % p == 0, "n={n} p={p}");
            }
        }
    }

    #[test]
    fn small_mask_matches_trial_division() {
        for n in 0..64 {
            assert_eq!((SMALL_PRIME_MASK >> n) & 1 == 1, naive_is_prime(n), "{n}");
        }
    }

    #[test]
    fn montgomery_mul_matches_u128() {
        for n in [3u64, 97, 1_000_003, (1 << 61) - 1, u64::MAX, u64::MAX - 58] {
            let m = Montgomery::new(n);
            for (a, b) in [
                (0, 0),
                (1, 1),
                (2, n - 1),
                (n - 1, n - 1),
                (n / 2, n / 3 + 1),
            ] {
                let want = ((a as u128 * b as u128) % n as u128) as u64;
                let got = m.redc(m.mul(m.to_mont(a), m.to_mont(b)) as u128);
                assert_eq!(got, want, "n={n} a={a} b={b}");
            }
        }
    }

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

    /// The rigorous bound quoted on `SUM_PRIMES_BELOW_MAX_N`, evaluated with a wide margin.
    #[test]
    fn analytic_bound_proves_overflow_above_6e10() {
        let y = 6e10f64;
        let lower = (y / 2.0) * (y / y.ln() - 1.25506 * (y / 2.0) / (y / 2.0).ln());
        assert!(lower > 1.3 * u64::MAX as f64, "{lower}");
        assert!(SUM_PRIMES_BELOW_MAX_N < 6e10 as u64);
        assert!(is_prime(SUM_PRIMES_BELOW_MAX_N));
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

    /// Every bucketing corner of `sums_below`, against a byte sieve, across segment edges.
    #[test]
    fn queries_at_segment_edges() {
        let limit = 3 * 2 * SEG_BITS + 1000;
        let mut composite = vec![false; limit as usize + 1];
        let mut prefix = vec![0u64; limit as usize + 2]; // prefix[q] = sum of primes < q
        for i in 2..=limit as usize {
            if !composite[i] {
                let mut j = i * i;
                while j <= limit as usize {
                    composite[j] = true;
                    j += i;
                }
            }
            prefix[i + 1] = prefix[i] + if composite[i] { 0 } else { i as u64 };
        }
        let mut qs = vec![0u64, 1, 2, 3, 4, 5, limit];
        for s in 1..=3u64 {
            let e = 2 * s * SEG_BITS;
            qs.extend([e - 2, e - 1, e, e + 1, e + 2, e + 3]);
        }
        qs.extend([limit - 1, 17, 289, 290, 291, 3, 3, 61, 62, 4489, 4490, 4491]);
        let got = sums_below("t", &qs).unwrap();
        for (&q, &v) in qs.iter().zip(&got) {
            assert_eq!(v, prefix[q as usize], "q={q}");
        }
    }
}
