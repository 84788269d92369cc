//! Primes: [`is_prime`] (exact for every u64), [`sum_primes_below`] (segmented sieve, or
//! Lucy's recursion for one large query) and [`sum_primes_below_u128`], in four modules cut at
//! the algorithm seams: `primality` (trial division, Miller–Rabin in Montgomery arithmetic),
//! `sieve` (one segmented sieve of Eratosthenes and the prime sums of its segments), `queries`
//! (many queries answered from one sieve, the overflow bound) and `lucy` (the sublinear prime
//! sum of one query, exact in u128: from [`LUCY_CUTOFF`] on, single queries take it).
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

mod lucy;
mod primality;
mod queries;
mod sieve;

pub use lucy::{sum_primes_below_u128, LUCY_CUTOFF, SUM_PRIMES_BELOW_U128_MAX_N};
pub use primality::{is_prime, is_prime_many, IS_PRIME_PARALLEL_CUTOFF};
pub use queries::{sum_primes_below, sum_primes_below_many, SUM_AT_MAX_N, SUM_PRIMES_BELOW_MAX_N};
pub use sieve::{SEG_WORDS, SIEVE_PARALLEL_CUTOFF};
