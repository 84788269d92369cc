//! The sublinear prime sum (Lucy's recursion behind `sum_primes_below` from `LUCY_CUTOFF` on,
//! and `sum_primes_below_u128`) against independent references: the segmented sieve of
//! `sum_primes_below_many` (a different algorithm) at random `n` and around primes, a plain
//! byte sieve, and published values of the sum of the primes below `10^k` (OEIS A046731).
//!
//! Debug builds (plain `cargo test`) run reduced sizes; `cargo test --release` runs more.

use speedup_core::primes::{
    LUCY_CUTOFF, SUM_AT_MAX_N, SUM_PRIMES_BELOW_MAX_N, SUM_PRIMES_BELOW_U128_MAX_N,
};
use speedup_core::test_support::at_thread_counts;
use speedup_core::Error;
use speedup_core::{is_prime, sum_primes_below, sum_primes_below_many, sum_primes_below_u128};

const RELEASE: bool = !cfg!(debug_assertions);

/// xorshift64*: a fixed pseudo-random stream.
struct Rng(u64);
impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n
    }
}

/// The queries: random `n` up to `limit`, and `p - 1 ..= p + 2` around primes `p` near random
/// points (the sum jumps at `n = p + 1`), and the cut-off's neighbours.
fn queries(limit: u64, count: usize, seed: u64) -> Vec<u64> {
    let mut rng = Rng(seed);
    let mut q = vec![LUCY_CUTOFF - 1, LUCY_CUTOFF, LUCY_CUTOFF + 1, limit];
    for _ in 0..count {
        let x = LUCY_CUTOFF + rng.below(limit - LUCY_CUTOFF - 8);
        q.push(x);
        let p = (x..).find(|&m| is_prime(m)).unwrap();
        q.extend([p - 1, p, p + 1, p + 2]);
    }
    q
}

#[test]
fn single_queries_match_the_sieve_at_random_n_and_around_primes() {
    let limit = if RELEASE { 100_000_000 } else { 4_000_000 };
    let q = queries(limit, if RELEASE { 300 } else { 40 }, 0x5eed);
    let mut sieve = vec![0u64; q.len()];
    sum_primes_below_many(&q, &mut sieve).unwrap();
    for (&n, &s) in q.iter().zip(&sieve) {
        assert_eq!(sum_primes_below(n).unwrap(), s, "n = {n}");
        assert_eq!(sum_primes_below_u128(n).unwrap(), s as u128, "n = {n}");
    }
}

#[test]
fn every_n_near_the_cutoff_matches_a_byte_sieve() {
    let limit = (LUCY_CUTOFF + 3000) as usize;
    let mut composite = vec![false; limit + 1];
    let mut below = 0u64; // the sum of primes below i
    for i in 0..=limit {
        if i >= LUCY_CUTOFF as usize - 3000 {
            assert_eq!(sum_primes_below(i as u64).unwrap(), below, "n = {i}");
            assert_eq!(sum_primes_below_u128(i as u64).unwrap(), below as u128);
        }
        if i >= 2 && !composite[i] {
            below += i as u64;
            (i * i..=limit).step_by(i).for_each(|j| composite[j] = true);
        }
    }
}

/// OEIS A046731: the sum of the primes below `10^k`.
#[test]
fn published_values_below_powers_of_ten() {
    let known: [(u32, u128); 7] = [
        (5, 454_396_537),
        (6, 37_550_402_023),
        (8, 279_209_790_387_276),
        (9, 24_739_512_092_254_535),
        (10, 2_220_822_432_581_729_238),
        (11, 201_467_077_743_744_681_014),
        (12, 18_435_588_552_550_705_911_377),
    ];
    for (k, s) in known {
        if k == 12 && !RELEASE {
            continue;
        }
        let n = 10u64.pow(k);
        assert_eq!(sum_primes_below_u128(n).unwrap(), s, "10^{k}");
        if s <= u64::MAX as u128 {
            assert_eq!(sum_primes_below(n).unwrap() as u128, s, "10^{k}");
        } else {
            assert!(matches!(sum_primes_below(n), Err(Error::Overflow { .. })));
        }
    }
}

#[test]
#[ignore = "10^13: seconds in release (cargo test --release -- --ignored)"]
fn published_value_below_1e13() {
    let s = sum_primes_below_u128(10_000_000_000_000).unwrap();
    assert_eq!(s, 1_699_246_443_377_779_418_889_494);
}

/// At the u64 limit: the u64 kernel answers up to `SUM_PRIMES_BELOW_MAX_N` and refuses above;
/// the u128 kernel goes on exactly (adding the prime `SUM_PRIMES_BELOW_MAX_N` itself).
#[test]
fn the_u64_boundary_through_both_kernels() {
    let p = SUM_PRIMES_BELOW_MAX_N;
    assert_eq!(sum_primes_below(p).unwrap(), SUM_AT_MAX_N);
    assert_eq!(sum_primes_below_u128(p).unwrap(), SUM_AT_MAX_N as u128);
    let past = SUM_AT_MAX_N as u128 + p as u128;
    assert!(past > u64::MAX as u128);
    for n in [p + 1, p + 2] {
        assert_eq!(sum_primes_below_u128(n).unwrap(), past);
        assert_eq!(
            sum_primes_below(n).unwrap_err().to_string(),
            format!("sum_primes_below: the sum of primes below {n} does not fit in u64")
        );
    }
    assert_eq!(sum_primes_below_u128(p - 1).unwrap(), SUM_AT_MAX_N as u128);
}

#[test]
fn u128_refuses_n_past_its_limit_naming_n() {
    let max = SUM_PRIMES_BELOW_U128_MAX_N;
    for n in [max + 1, u64::MAX] {
        let err = sum_primes_below_u128(n).unwrap_err();
        assert_eq!(
            err,
            Error::InvalidArgument {
                kernel: "sum_primes_below_u128",
                arg: "n",
                rule: format!("must be at most {max} (got {n})"),
            }
        );
        assert!(err.to_string().contains(" n "), "{err}");
    }
    for n in [0, 1, 2, 3] {
        assert_eq!(sum_primes_below_u128(n).unwrap(), [0, 0, 0, 2][n as usize]);
    }
}

/// The phase-2 updates of one prime run on the pool when there are many: the same integers at
/// every thread count.
#[test]
fn identical_at_every_thread_count() {
    let n = if RELEASE {
        1_000_000_000_000
    } else {
        30_000_000_000
    };
    let got = at_thread_counts(&[1, 2, 3, 4], || sum_primes_below_u128(n).unwrap());
    assert!(got.iter().all(|&s| s == got[0]), "{got:?}");
    let got = at_thread_counts(&[1, 2], || sum_primes_below(10_000_000_000).unwrap());
    assert_eq!(got, [2_220_822_432_581_729_238; 2]);
    // Odd and even n, squares and not: the chunk and run edges of the parallel passes move.
    let mut rng = Rng(99);
    for _ in 0..if RELEASE { 6 } else { 2 } {
        let n = 1_000_000_000 + rng.below(99_000_000_000);
        for m in [n, n | 1, n.isqrt() * n.isqrt()] {
            let got = at_thread_counts(&[1, 2, 3], || sum_primes_below_u128(m).unwrap());
            assert!(got.iter().all(|&s| s == got[0]), "n = {m}: {got:?}");
        }
    }
}
