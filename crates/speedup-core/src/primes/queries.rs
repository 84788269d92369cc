//! Many `sum_primes_below` queries from one sieve up to their maximum: the queries are
//! bucketed by segment (counting sort), the segments are sieved on this thread or in blocks on
//! the pool, and one serial pass adds the running total (see the parent module); the overflow
//! threshold.

use rayon::prelude::*;

use super::lucy::{self, LUCY_CUTOFF};
use super::sieve::{Sieve, SEG_BITS};
use crate::alloc::try_vec;
use crate::cancel::Token;
use crate::error::{check_len, Error, Result};
use crate::threads;

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

/// `S(q)` for every query, in input order; `kernel` names the caller in errors.
fn sums_below(kernel: &'static str, queries: &[u64]) -> Result<Vec<u64>> {
    let token = Token::new(kernel);
    if let Some(&q) = queries.iter().find(|&&q| q > SUM_PRIMES_BELOW_MAX_N) {
        return Err(overflow(kernel, q));
    }
    let limit = queries.iter().copied().max().unwrap_or(0);
    let sieve = Sieve::new(limit);
    if sieve.nsegs <= 1 {
        return one_segment(kernel, &sieve, queries, &token);
    }
    let buckets = Buckets::new(kernel, queries, sieve.nsegs as usize)?;
    let mut partial = try_vec(kernel, "the partial sums", buckets.ks.len(), 0u64)?;
    let work = usize::try_from(limit).unwrap_or(usize::MAX);
    let totals = if threads::go_parallel(work, threads::Kernel::SumPrimesBelow) {
        sieve_blocks(&sieve, &buckets, &mut partial, &token)?
    } else {
        sieve.run_range(
            0,
            sieve.nsegs,
            &buckets.ks,
            &buckets.starts,
            &mut partial,
            &token,
        )?
    };
    answers(kernel, queries, &buckets, &totals, &partial)
}

/// The whole sieve is one segment (limit <= 2^20): a query's bits all lie in it, so there is
/// nothing to bucket and no running total; the sums are far below 2^64. The tables are as long
/// as the caller's query list: allocated fallibly.
fn one_segment(
    kernel: &'static str,
    sieve: &Sieve,
    queries: &[u64],
    token: &Token,
) -> Result<Vec<u64>> {
    let mut ks = try_vec(kernel, "the query table", queries.len(), 0u32)?;
    for (k, &q) in ks.iter_mut().zip(queries) {
        *k = (q / 2) as u32;
    }
    let mut partial = try_vec(kernel, "the answers", ks.len(), 0u64)?;
    if sieve.nsegs == 1 {
        sieve.run_range(0, 1, &ks, &[0, ks.len()], &mut partial, token)?;
    }
    for (p, &q) in partial.iter_mut().zip(queries) {
        if q > 2 {
            *p += 2;
        }
    }
    Ok(partial)
}

/// The queries bucketed by segment (counting sort). A query q counts the odd numbers below it,
/// g = q / 2 bits; g == 0 (q <= 1) needs no sieve. Otherwise its last bit lies in segment
/// s = (g - 1) / SEG_BITS, k = g - s * SEG_BITS bits in (1..=SEG_BITS).
struct Buckets {
    /// Segment `s`'s queries are `ks[starts[s]..starts[s + 1]]`.
    starts: Vec<usize>,
    /// Bits into its segment of each bucketed query.
    ks: Vec<u32>,
    /// Where query `i`'s partial sum lands (`usize::MAX`: no sieve needed).
    slot: Vec<usize>,
}

impl Buckets {
    fn new(kernel: &'static str, queries: &[u64], nsegs: usize) -> Result<Self> {
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
        Ok(Buckets { starts, ks, slot })
    }
}

/// Sieves the blocks of `sieve` on the pool, each into its own stretch of `partial`; returns
/// the segment totals in segment order (the same as one pass on this thread).
fn sieve_blocks(
    sieve: &Sieve,
    buckets: &Buckets,
    partial: &mut [u64],
    token: &Token,
) -> Result<Vec<u64>> {
    let starts = &buckets.starts;
    let nblocks = sieve.nblocks();
    let mut jobs = Vec::with_capacity(nblocks as usize);
    let mut rest: &mut [u64] = partial;
    for b in 0..nblocks {
        let (s0, s1) = sieve.block(b);
        let (q0, q1) = (starts[s0 as usize], starts[s1 as usize]);
        let (mine, tail) = rest.split_at_mut(q1 - q0);
        rest = tail;
        jobs.push((s0, s1, mine));
    }
    let ks = &buckets.ks;
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
    Ok(per_block.into_iter().flatten().collect())
}

/// The serial pass: the running total before each segment (u128: exact), then each answer,
/// converted to u64 with a check.
fn answers(
    kernel: &'static str,
    queries: &[u64],
    buckets: &Buckets,
    totals: &[u64],
    partial: &[u64],
) -> Result<Vec<u64>> {
    let mut before = Vec::with_capacity(totals.len());
    let mut running = 0u128;
    for &t in totals {
        before.push(running);
        running += t as u128;
    }
    let mut answers = try_vec(kernel, "the answers", queries.len(), 0u64)?;
    for ((&q, &j), a) in queries.iter().zip(&buckets.slot).zip(&mut answers) {
        if j != usize::MAX {
            let s = ((q / 2 - 1) / SEG_BITS) as usize;
            let two = if q > 2 { 2u128 } else { 0 };
            let v = two + before[s] + partial[j] as u128;
            *a = u64::try_from(v).map_err(|_| overflow(kernel, q))?;
        }
    }
    Ok(answers)
}

pub(super) fn overflow(kernel: &'static str, q: u64) -> Error {
    Error::Overflow {
        kernel,
        what: format!("the sum of primes below {q} does not fit in u64"),
    }
}

/// The sum of all primes `p < n`; `Err(Overflow)` when it does not fit in u64, which is
/// exactly when `n > `[`SUM_PRIMES_BELOW_MAX_N`] (refused at once, without sieving).
/// From [`LUCY_CUTOFF`] on, the sum comes from Lucy's recursion instead of the sieve (exact
/// either way; the recursion is much faster for one large query).
pub fn sum_primes_below(n: u64) -> Result<u64> {
    const K: &str = "sum_primes_below";
    if n < LUCY_CUTOFF {
        return Ok(sums_below(K, &[n])?[0]);
    }
    if n > SUM_PRIMES_BELOW_MAX_N {
        return Err(overflow(K, n));
    }
    let sum = lucy::prime_sum_le(K, n - 1, &Token::new(K))?;
    u64::try_from(sum).map_err(|_| overflow(K, n))
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
    use crate::primes::is_prime;

    /// The rigorous bound quoted on `SUM_PRIMES_BELOW_MAX_N`, evaluated with a wide margin.
    #[test]
    fn analytic_bound_proves_overflow_above_6e10() {
        let y = 6e10f64;
        let lower = (y / 2.0) * (y / y.ln() - 1.25506 * (y / 2.0) / (y / 2.0).ln());
        assert!(lower > 1.3 * u64::MAX as f64, "{lower}");
        assert!(SUM_PRIMES_BELOW_MAX_N < 6e10 as u64);
        assert!(is_prime(SUM_PRIMES_BELOW_MAX_N));
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
