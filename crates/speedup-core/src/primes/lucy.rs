//! Sublinear prime sums: Lucy Hedgehog's recursion over the values `floor(N / i)`, on odd
//! numbers only, with the rough-number compaction of min_25's prime-counting code
//! (O(N^(3/4) / log N) time, O(N^(1/2)) memory).
//!
//! `F(x)` is the sum of the odd numbers in `[3, x]` that survive the sieve so far: at the start
//! every odd number, after sieving with every odd prime up to `sqrt(x)` the odd primes alone.
//! Sieving with the prime `p` removes the odd multiples of `p` that have no smaller odd factor:
//! `F(x) -= p (F(x / p) - F(p - 1))` for every `x >= p^2`. Only two kinds of `x` ever matter:
//! the small ones `x <= v = isqrt(N)` (tables indexed by `x / 2`) and the large ones
//! `x = N / i` for odd `i <= v` (indexed by position in the list of `i`).
//!
//! - Phase 1, primes `p` with `p^2 <= v`: every large value and the small ones from `p^2` up
//!   are updated. An `i` that `p` divides is dropped from the list of large values: `N / i` is
//!   only ever read as `N / (i' p')` with `i'` free of primes below `p' > p`, so once `p | i`
//!   its value is dead (`1` stays: `F(N)` is the answer). The list stays sorted; a table maps
//!   each live `i` to its position, rewritten as the list is compacted.
//! - Phase 2, primes with `p^2 > v`: the small tables are final (the sums of odd primes), the
//!   list holds `1` and the primes above those of phase 1 (composites left in it would be at
//!   least the square of such a prime, above `v`), and only the values `N / i` with `i = 1` or
//!   `p <= i <= N / p^2` still change; for `i >= p` the lookup `N / (i p) < v` is small, so
//!   one prime's updates are independent of each other and run on the pool when large.
//!
//! Every value is a sum of nonnegative terms no larger than the sum of the odd numbers up to
//! `N`, below `2^127` for every u64 `N`: u128 arithmetic never wraps. The small tables fit
//! u64 (`v < 2^32`). Quotients `N / d` use an f64 division when `N < 2^53`, where it is exact
//! (the rounding error of `N / d` is below `1 / d`, never enough to cross an integer).

use rayon::prelude::*;

use crate::alloc::try_vec;
use crate::cancel::Token;
use crate::error::{Error, Result};
use crate::threads;

/// Phase-2 updates of one prime touching fewer values than this run on the calling thread.
const PAR_UPDATES: usize = 1 << 14;
/// Phase-1 passes over fewer large values than this run on the calling thread; longer ones
/// run on the pool in chunks of `CHUNK` values (the chunking depends on the list only).
const PAR_COMPACT: usize = 1 << 15;
const CHUNK: usize = 1 << 13;
/// Small updates of one prime over fewer values than this run on the calling thread; more
/// run on the pool in chunks of this many values.
const PAR_SMALL: usize = 1 << 16;

/// The state of the recursion for one `N` (see the module documentation).
struct Lucy {
    n: u64,
    v: u64,
    /// `n < 2^53`: quotients through f64.
    fast: bool,
    /// `skip[m / 2]`: the odd `m <= v` is a multiple of a sieved prime (or that prime).
    skip: Vec<bool>,
    /// The odd `i` whose `F(N / i)` is still live, increasing.
    roughs: Vec<u32>,
    /// `F(N / roughs[k])`.
    larges: Vec<u128>,
    /// `F(2j + 1)`.
    small_sum: Vec<u64>,
    /// `position[i / 2]`: where the live `i` sits in `roughs`.
    position: Vec<u32>,
    /// Second buffers for `larges` and `roughs`, for the parallel compaction (empty when it
    /// cannot happen).
    spare_larges: Vec<u128>,
    spare_roughs: Vec<u32>,
    /// The sum of the odd primes sieved so far.
    ps: u64,
}

/// `floor(n / d)`.
#[inline(always)]
fn div(n: u64, d: u64, fast: bool) -> u64 {
    if fast {
        (n as f64 / d as f64) as u64
    } else {
        n / d
    }
}

/// Index of the largest odd number `<= y` (`y >= 1`).
#[inline(always)]
fn half(y: u64) -> usize {
    ((y - 1) >> 1) as usize
}

/// Sum of the odd numbers in `[3, x]`.
fn odd_sum(x: u64) -> u128 {
    let h = (x as u128).div_ceil(2);
    h * h - 1
}

impl Lucy {
    fn new(kernel: &'static str, n: u64) -> Result<Self> {
        let v = n.isqrt();
        let s = v.div_ceil(2) as usize;
        let mut small_sum = try_vec(kernel, "the small prime-sum table", s, 0u64)?;
        let mut position = try_vec(kernel, "the rough-number positions", s, 0u32)?;
        let mut roughs = try_vec(kernel, "the rough-number list", s, 0u32)?;
        let mut larges = try_vec(kernel, "the large prime-sum table", s, 0u128)?;
        let fast = n < 1 << 53;
        for j in 0..s {
            let m = 2 * j as u64 + 1;
            small_sum[j] = (j as u64 + 1) * (j as u64 + 1) - 1;
            position[j] = j as u32;
            roughs[j] = m as u32;
            larges[j] = odd_sum(div(n, m, fast));
        }
        Ok(Lucy {
            n,
            v,
            fast,
            skip: try_vec(kernel, "the sieve of the small primes", s, false)?,
            roughs,
            larges,
            small_sum,
            position,
            spare_larges: spare(kernel, s, 0u128)?,
            spare_roughs: spare(kernel, s, 0u32)?,
            ps: 0,
        })
    }

    /// Phase 1 for the prime `p` (`p^2 <= v`): mark its multiples, update and compact the
    /// large values, update the small ones from `p^2` up.
    fn sieve_small_prime(&mut self, p: u64) {
        self.skip[(p >> 1) as usize] = true;
        for m in (p * p..=self.v).step_by(2 * p as usize) {
            self.skip[(m >> 1) as usize] = true;
        }
        self.update_and_compact(p);
        self.update_small(p);
        self.ps += p;
    }

    /// `F(N / i) -= p (F(N / (i p)) - F(p - 1))` for every live `i` that `p` does not divide;
    /// the others leave the list. Position `r` of `i p` in the list is past `k`, so it is read
    /// (and `position` of `i p` too) before it can be overwritten.
    fn update_and_compact(&mut self, p: u64) {
        if self.spare_larges.capacity() > 0
            && threads::parallel_worthwhile(self.roughs.len(), PAR_COMPACT)
        {
            return self.update_and_compact_par(p);
        }
        let (n, v, fast) = (self.n, self.v, self.fast);
        let (ps, pu) = (self.ps as u128, p as u128);
        let mut ns = 0;
        for k in 0..self.roughs.len() {
            let i = self.roughs[k] as u64;
            if self.skip[(i >> 1) as usize] {
                continue;
            }
            let d = i * p;
            let f = if d <= v {
                self.larges[self.position[(d >> 1) as usize] as usize]
            } else {
                self.small_sum[half(div(n, d, fast))] as u128
            };
            self.larges[ns] = self.larges[k] - pu * (f - ps);
            self.roughs[ns] = i as u32;
            self.position[(i >> 1) as usize] = ns as u32;
            ns += 1;
        }
        self.roughs.truncate(ns);
        self.larges.truncate(ns);
    }

    /// [`Self::update_and_compact`] on the pool: each chunk of the list writes its survivors'
    /// new values into the second buffers, at the offset that the counts of the survivors of
    /// the chunks before it give, reading only the old tables; then the buffers swap and the
    /// positions are rewritten. The same integers as the serial pass.
    fn update_and_compact_par(&mut self, p: u64) {
        let (n, v, fast) = (self.n, self.v, self.fast);
        let (ps, pu) = (self.ps as u128, p as u128);
        let (skip, roughs) = (&self.skip, &self.roughs);
        let live = |i: &u32| !skip[(i >> 1) as usize];
        let counts: Vec<usize> = threads::run(|| {
            roughs
                .par_chunks(CHUNK)
                .map(|c| c.iter().filter(|i| live(i)).count())
                .collect()
        });
        let ns = counts.iter().sum();
        let mut new_l = std::mem::take(&mut self.spare_larges);
        let mut new_r = std::mem::take(&mut self.spare_roughs);
        new_l.resize(ns, 0); // within their capacity: no allocation
        new_r.resize(ns, 0);
        let mut jobs = Vec::with_capacity(counts.len());
        let (mut l_rest, mut r_rest) = (&mut new_l[..], &mut new_r[..]);
        for (c, &count) in counts.iter().enumerate() {
            let (l, l_tail) = l_rest.split_at_mut(count);
            let (r, r_tail) = r_rest.split_at_mut(count);
            (l_rest, r_rest) = (l_tail, r_tail);
            jobs.push((c * CHUNK, l, r));
        }
        let (larges, position, small) = (&self.larges, &self.position, &self.small_sum);
        threads::run(|| {
            jobs.into_par_iter().for_each(|(k0, l, r)| {
                let end = roughs.len().min(k0 + CHUNK);
                let kept = (k0..end).filter(|&k| live(&roughs[k]));
                for ((k, new_l), new_r) in kept.zip(l.iter_mut()).zip(r.iter_mut()) {
                    let i = roughs[k] as u64;
                    let d = i * p;
                    let f = if d <= v {
                        larges[position[(d >> 1) as usize] as usize]
                    } else {
                        small[half(div(n, d, fast))] as u128
                    };
                    *new_l = larges[k] - pu * (f - ps);
                    *new_r = i as u32;
                }
            })
        });
        self.spare_larges = std::mem::replace(&mut self.larges, new_l);
        self.spare_roughs = std::mem::replace(&mut self.roughs, new_r);
        for (k, &i) in self.roughs.iter().enumerate() {
            self.position[(i >> 1) as usize] = k as u32;
        }
    }

    /// `F(y) -= p (F(y / p) - F(p - 1))` for the small `y >= p^2`, from the top down: `y / p`
    /// is constant on runs of `p` consecutive odd numbers, and below the run being written
    /// (each run is one subtraction over a slice, which vectorises).
    fn update_small(&mut self, p: u64) {
        let (first, last) = (((p * p) >> 1) as usize, half(self.v) + 1);
        if threads::parallel_worthwhile(last - first, PAR_SMALL) {
            return self.update_small_par(p, first, last);
        }
        let ps = self.ps;
        let mut end = last;
        let mut j = ((self.v / p) - 1) | 1;
        while j >= p {
            let c = p * (self.small_sum[(j >> 1) as usize] - ps);
            let start = ((j * p) >> 1) as usize;
            self.small_sum[start..end].iter_mut().for_each(|f| *f -= c);
            end = start;
            j -= 2;
        }
    }

    /// [`Self::update_small`] on the pool: the subtrahend `p (F(j) - F(p - 1))` of every run is
    /// taken first (serially these `F(j)` are read before their own run is written), then
    /// chunks of the table `[first, last)` subtract them independently.
    fn update_small_par(&mut self, p: u64, first: usize, last: usize) {
        let (ps, top) = (self.ps, ((self.v / p) - 1) | 1);
        let small = &self.small_sum;
        let sub: Vec<u64> = (p..=top)
            .step_by(2)
            .map(|j| p * (small[(j >> 1) as usize] - ps))
            .collect();
        let part = &mut self.small_sum[first..last];
        threads::run(|| {
            part.par_chunks_mut(PAR_SMALL)
                .enumerate()
                .for_each(|(c, chunk)| {
                    let (mut idx, stop) =
                        (first + c * PAR_SMALL, first + c * PAR_SMALL + chunk.len());
                    let mut rest = chunk;
                    while idx < stop {
                        // the run of the odd y = 2 idx + 1 in [j p, (j + 2) p), j odd
                        let j = ((2 * idx as u64 + 1) / p - 1) | 1;
                        let run_end = ((((j + 2) * p) >> 1) as usize).min(stop);
                        let (run, tail) = rest.split_at_mut(run_end - idx);
                        let s = sub[((j - p) / 2) as usize];
                        run.iter_mut().for_each(|f| *f -= s);
                        (rest, idx) = (tail, run_end);
                    }
                })
        });
    }

    /// Phase 2 for the prime `p` (`p^2 > v`): `F(N)` first (it reads `F(N / p)` before this
    /// prime changes it), then the `N / i` with `p <= i <= N / p^2`.
    fn sieve_large_prime(&mut self, p: u64) {
        let (n, fast) = (self.n, self.fast);
        let ps = self.small_sum[(p >> 1) as usize - 1] as u128;
        let pu = p as u128;
        let first = self.position[(p >> 1) as usize] as usize;
        let y = n / (p * p);
        let last = if y >= p {
            first + self.roughs[first..].partition_point(|&r| r as u64 <= y)
        } else {
            first
        };
        let f = self.larges[first];
        self.larges[0] -= pu * (f - ps);
        let small_sum = &self.small_sum;
        let update = |(&i, f): (&u32, &mut u128)| {
            let q = div(n, i as u64 * p, fast);
            *f -= pu * (small_sum[half(q)] as u128 - ps);
        };
        let roughs = &self.roughs[first..last];
        let larges = &mut self.larges[first..last];
        if threads::parallel_worthwhile(last - first, PAR_UPDATES) {
            threads::run(|| {
                roughs
                    .par_iter()
                    .zip(larges.par_iter_mut())
                    .for_each(update)
            });
        } else {
            roughs.iter().zip(larges.iter_mut()).for_each(update);
        }
    }
}

/// An empty buffer, or one with room for `s` values when the parallel compaction may run
/// (more than one thread and a list long enough).
fn spare<T: Clone>(kernel: &'static str, s: usize, zero: T) -> Result<Vec<T>> {
    if s < PAR_COMPACT || !threads::parallel_worthwhile(s, PAR_COMPACT) {
        return Ok(Vec::new());
    }
    let mut v = try_vec(kernel, "the second large-value buffers", s, zero)?;
    v.clear();
    Ok(v)
}

/// The sum of the primes `<= n`, exact, for every u64 `n`; memory about `17 sqrt(n)` bytes
/// (`27 sqrt(n)` with the second buffers of the parallel pass).
/// Checks `token` between primes.
pub(super) fn prime_sum_le(kernel: &'static str, n: u64, token: &Token) -> Result<u128> {
    if n < 2 {
        return Ok(0);
    }
    let mut t = Lucy::new(kernel, n)?;
    let mut p = 3;
    while p * p <= t.v {
        if !t.skip[(p >> 1) as usize] {
            t.sieve_small_prime(p);
            token.check()?;
        }
        p += 2;
    }
    while p <= t.v {
        if !t.skip[(p >> 1) as usize] {
            t.sieve_large_prime(p);
            if p & 0xffff == 1 {
                token.check()?;
            }
        }
        p += 2;
    }
    Ok(t.larges[0] + 2)
}

/// Single queries `sum_primes_below(n)` with `n` at least this go through the recursion
/// instead of the sieve (measured: the recursion is faster from here on).
pub const LUCY_CUTOFF: u64 = 1 << 14;

/// The largest `n` that [`sum_primes_below_u128`] accepts: `10^16`, where the recursion needs
/// about 1.7 GB and minutes on one core (time grows like `n^(3/4)`, memory like `n^(1/2)`).
/// The sum itself fits u128 for every u64 `n`; this bound only refuses work that would run
/// for hours or exhaust memory.
pub const SUM_PRIMES_BELOW_U128_MAX_N: u64 = 10_000_000_000_000_000;

/// The sum of all primes `p < n`, exact in u128, for `n <= `[`SUM_PRIMES_BELOW_U128_MAX_N`]
/// (above it: `Err(InvalidArgument)` naming `n`).
pub fn sum_primes_below_u128(n: u64) -> Result<u128> {
    const K: &str = "sum_primes_below_u128";
    if n > SUM_PRIMES_BELOW_U128_MAX_N {
        return Err(Error::invalid(
            K,
            "n",
            format!("must be at most {SUM_PRIMES_BELOW_U128_MAX_N} (got {n})"),
        ));
    }
    if n < LUCY_CUTOFF {
        return super::sum_primes_below(n).map(u128::from);
    }
    prime_sum_le(K, n - 1, &Token::new(K))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The recursion itself (below `LUCY_CUTOFF` the public functions sieve) at every
    /// `n < 20000`, against a byte sieve: the empty phases, `v` odd and even, squares.
    #[test]
    fn every_small_n_matches_a_byte_sieve() {
        let token = Token::new("t");
        let limit = 20_000usize;
        let mut composite = vec![false; limit + 1];
        let mut through = 0u128; // the sum of primes <= i
        for i in 0..=limit {
            if i >= 2 && !composite[i] {
                through += i as u128;
                (i * i..=limit).step_by(i).for_each(|j| composite[j] = true);
            }
            assert_eq!(prime_sum_le("t", i as u64, &token).unwrap(), through, "{i}");
        }
    }

    #[test]
    fn odd_sum_and_half() {
        assert_eq!(odd_sum(1), 0);
        assert_eq!(odd_sum(3), 3);
        assert_eq!(odd_sum(10), 3 + 5 + 7 + 9);
        assert_eq!(odd_sum(u64::MAX), (1u128 << 126) - 1);
        assert_eq!((half(1), half(2), half(3), half(10)), (0, 0, 1, 4));
        assert_eq!(div(1 << 52, 3, true), (1 << 52) / 3);
    }
}
