//! `is_prime` and `sum_primes_below` against independent references written from docs/contract.md:
//! trial division, a plain sieve of Eratosthenes, Lucy Hedgehog's prime-sum recursion (u128),
//! published values, and known primes, pseudoprimes and Carmichael numbers.
//!
//! Debug builds (plain `cargo test`) run reduced sizes; `cargo test --release` runs more.

use speedup_core::primes::{
    SEG_WORDS, SIEVE_PARALLEL_CUTOFF, SUM_AT_MAX_N, SUM_PRIMES_BELOW_MAX_N,
};
use speedup_core::test_support::at_thread_counts;
use speedup_core::{is_prime, is_prime_many, sum_primes_below, sum_primes_below_many, Error};

const RELEASE: bool = !cfg!(debug_assertions);

// ---- references ------------------------------------------------------------------------

/// Trial division by every d with d*d <= n.
fn trial_division(n: u64) -> bool {
    if n < 2 {
        return false;
    }
    let mut d = 2u64;
    while d.checked_mul(d).is_some_and(|dd| dd <= n) {
        if n.is_multiple_of(d) {
            return false;
        }
        d += 1;
    }
    true
}

/// `table[q]` = sum of the primes below `q`, for `q <= limit`, by a plain byte sieve.
fn sieve_prefix(limit: usize) -> Vec<u64> {
    let mut composite = vec![false; limit + 1];
    let mut table = vec![0u64; limit + 1];
    for i in 2..limit {
        if !composite[i] {
            let mut j = i * i;
            while j < limit {
                composite[j] = true;
                j += i;
            }
        }
        table[i + 1] = table[i] + if composite[i] { 0 } else { i as u64 };
    }
    table
}

/// Sum of the primes `<= x`, exact in u128: Lucy Hedgehog's O(x^(3/4)) recursion over the
/// values `x / i`. `S(v, p) = S(v, p-1) - p (S(v/p, p-1) - S(p-1, p-1))` for `p*p <= v`.
fn lucy_sum_le(x: u64) -> u128 {
    if x < 2 {
        return 0;
    }
    let r = {
        let mut r = (x as f64).sqrt() as u64;
        while r as u128 * r as u128 > x as u128 {
            r -= 1;
        }
        while (r + 1) as u128 * (r + 1) as u128 <= x as u128 {
            r += 1;
        }
        r as usize
    };
    let tri = |v: u64| v as u128 * (v as u128 + 1) / 2 - 1; // 2 + 3 + ... + v
    let mut small: Vec<u128> = (0..=r as u64)
        .map(|v| if v == 0 { 0 } else { tri(v) })
        .collect();
    let mut large: Vec<u128> = (0..=r as u64)
        .map(|i| x.checked_div(i).map_or(0, tri))
        .collect();
    for p in 2..=r {
        if small[p] == small[p - 1] {
            continue; // not prime
        }
        let sp = small[p - 1];
        let pu = p as u128;
        let p2 = (p * p) as u64;
        let lim = (r as u64).min(x / p2) as usize;
        for i in 1..=lim {
            let d = i * p;
            let vp = if d <= r {
                large[d]
            } else {
                small[(x / d as u64) as usize]
            };
            large[i] -= pu * (vp - sp);
        }
        if p2 <= r as u64 {
            for v in (p2 as usize..=r).rev() {
                small[v] -= pu * (small[v / p] - sp);
            }
        }
    }
    large[1]
}

/// Sum of the primes below `n` (u128, no overflow possible) via Lucy.
fn lucy_below(n: u64) -> u128 {
    if n == 0 {
        0
    } else {
        lucy_sum_le(n - 1)
    }
}

/// xorshift64*: a fixed pseudo-random stream for the tests.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

// ---- is_prime ----------------------------------------------------------------------------

#[test]
fn is_prime_matches_trial_division_below_1e5() {
    for n in 0..100_000u64 {
        assert_eq!(is_prime(n), trial_division(n), "n = {n}");
    }
}

#[test]
fn is_prime_matches_trial_division_on_random_numbers() {
    let mut rng = Rng(0x1234_5678_9abc_def1);
    // Up to 2^40 trial division costs at most 2^20 steps; keep the count debug-friendly.
    let count = if RELEASE { 3000 } else { 300 };
    for bits in [16u32, 24, 32, 36, 40] {
        for _ in 0..count / 5 {
            let n = rng.next() >> (64 - bits);
            assert_eq!(is_prime(n), trial_division(n), "n = {n}");
            // odd numbers near n, where primes are denser than among random values
            let m = n | 1;
            assert_eq!(is_prime(m), trial_division(m), "n = {m}");
        }
    }
}

#[test]
fn known_large_primes() {
    let primes = [
        (1u64 << 31) - 1,
        4_294_967_291, // largest prime below 2^32
        4_294_967_311, // smallest prime above 2^32
        (1 << 61) - 1,
        1_000_000_000_000_000_003,
        u64::MAX - 58, // 2^64 - 59, the largest u64 prime
        18_446_744_073_709_551_253,
        SUM_PRIMES_BELOW_MAX_N,
        999_999_999_989, // largest prime below 10^12
        4493,            // just above 67^2, where trial division alone stops deciding
    ];
    for &p in &primes {
        assert!(is_prime(p), "{p} is prime");
    }
}

#[test]
fn known_composites() {
    let composites = [
        u64::MAX, // 3 * 5 * 17 * 257 * 641 * 65537 * 6700417
        u64::MAX - 1,
        (1u64 << 32) + 1, // 641 * 6700417
        (1 << 62) - 1,
        (1 << 59) - 1, // 179951 * 3203431780337
        // strong pseudoprimes
        2047,                      // base 2
        3_215_031_751,             // bases 2, 3, 5, 7
        4_759_123_141,             // bases 2, 7, 61 (why 32-bit bases stop at 2^32)
        1_122_004_669_633,         // bases 2, 3, 5, 7, 11, 13
        2_152_302_898_747,         // bases 2..11
        3_474_749_660_383,         // bases 2..13
        341_550_071_728_321,       // bases 2..17
        3_825_123_056_546_413_051, // bases 2..23
        // Carmichael numbers
        561,
        1105,
        1729,
        41041,
        825_265,
        321_197_185,
        5_394_826_801,
        232_250_619_601,
        9_746_347_772_161,
        // Chernick Carmichael numbers (6k+1)(12k+1)(18k+1): no factor small enough for the
        // trial-division fast path
        56_052_361,                 // k = 35
        118_901_521,                // k = 45
        17_840_115_286_610_684_689, // k = 239661
        17_880_342_505_193_141_569, // k = 239841
        // squares and products of large primes
        4_294_967_291 * 4_294_967_291,
        4_294_967_279 * 4_294_967_291,
        1_000_000_007 * 1_000_000_009,
        67 * 67,
        67 * 71,
        14_089, // 73 * 193, divides the base 28178
    ];
    for &c in &composites {
        assert!(!is_prime(c), "{c} is composite");
    }
}

#[test]
fn pseudoprimes_below_2_32_found_by_a_fermat_sweep_are_rejected() {
    // Odd base-2 Fermat pseudoprimes in a range, found by an independent test (2^(n-1) mod n
    // by u128 square-and-multiply), must all be called composite (trial division agrees).
    fn pow2_mod(e: u64, n: u64) -> u64 {
        let (mut r, mut b, mut e) = (1u128, 2u128 % n as u128, e);
        while e > 0 {
            if e & 1 == 1 {
                r = r * b % n as u128;
            }
            b = b * b % n as u128;
            e >>= 1;
        }
        r as u64
    }
    let hi = if RELEASE { 2_000_000 } else { 200_000 };
    let mut found = 0;
    for n in (3..hi).step_by(2) {
        if pow2_mod(n - 1, n) == 1 && !trial_division(n) {
            found += 1;
            assert!(!is_prime(n), "{n}");
        }
    }
    assert!(found > 10);
}

#[test]
fn is_prime_many_matches_is_prime_at_every_thread_count() {
    let mut rng = Rng(7);
    let mut xs: Vec<u64> = (0..20_000).map(|_| rng.next()).collect();
    xs.extend(0..5000);
    xs.extend((0..5000).map(|k| u64::MAX - k));
    let want: Vec<bool> = xs.iter().map(|&x| is_prime(x)).collect();
    let runs = at_thread_counts(&[1, 2, 3, 8], || {
        let mut out = vec![false; xs.len()];
        is_prime_many(&xs, &mut out).unwrap();
        out
    });
    for out in runs {
        assert_eq!(out, want);
    }
    // empty input
    is_prime_many(&[], &mut []).unwrap();
}

#[test]
fn is_prime_many_checks_lengths_first() {
    let xs = [2u64, 3, 4];
    let mut out = [true; 2];
    let err = is_prime_many(&xs, &mut out).unwrap_err();
    assert!(matches!(err, Error::Length { .. }), "{err:?}");
    assert_eq!(out, [true, true], "nothing written");
    let mut out = [true; 4];
    assert!(is_prime_many(&xs, &mut out).is_err());
    assert_eq!(out, [true; 4]);
}

// ---- sum_primes_below ----------------------------------------------------------------------

#[test]
fn small_values() {
    let want = [0u64, 0, 0, 2, 5, 5, 10, 10, 17, 17, 17, 17, 28];
    for (n, &w) in want.iter().enumerate() {
        assert_eq!(sum_primes_below(n as u64).unwrap(), w, "n = {n}");
    }
}

#[test]
fn sum_matches_a_plain_sieve_for_every_n_below_2000_and_random_n() {
    let limit = if RELEASE { 10_000_000 } else { 2_000_000 };
    let table = sieve_prefix(limit);
    for n in 0..2000u64 {
        assert_eq!(sum_primes_below(n).unwrap(), table[n as usize], "n = {n}");
    }
    let mut rng = Rng(99);
    for _ in 0..if RELEASE { 200 } else { 20 } {
        let n = rng.below(limit as u64 + 1);
        assert_eq!(sum_primes_below(n).unwrap(), table[n as usize], "n = {n}");
    }
    assert_eq!(
        sum_primes_below(limit as u64).unwrap(),
        table[limit],
        "n = {limit}"
    );
}

#[test]
fn published_values() {
    // OEIS A046731: sum of the primes below 10^k.
    let mut want = vec![
        (10u64, 17u64),
        (100, 1060),
        (1000, 76127),
        (10_000, 5_736_396),
        (100_000, 454_396_537),
        (1_000_000, 37_550_402_023),
        (2_000_000, 142_913_828_922), // Project Euler 10
        (10_000_000, 3_203_324_994_356),
    ];
    if RELEASE {
        want.push((100_000_000, 279_209_790_387_276));
        want.push((1_000_000_000, 24_739_512_092_254_535));
    }
    for (n, s) in want {
        assert_eq!(sum_primes_below(n).unwrap(), s, "n = {n}");
    }
}

#[test]
fn lucy_reference_agrees_with_published_values() {
    assert_eq!(lucy_below(2_000_000), 142_913_828_922);
    assert_eq!(lucy_below(10_000_000_000), 2_220_822_432_581_729_238);
    assert_eq!(lucy_below(100_000_000_000), 201_467_077_743_744_681_014);
}

#[test]
fn sum_matches_lucy_at_random_n() {
    let mut rng = Rng(4242);
    let hi = if RELEASE { 1_000_000_000 } else { 10_000_000 };
    for _ in 0..if RELEASE { 20 } else { 6 } {
        let n = rng.below(hi);
        assert_eq!(
            sum_primes_below(n).unwrap() as u128,
            lucy_below(n),
            "n = {n}"
        );
    }
}

#[test]
fn overflow_threshold_is_exact() {
    // Lucy (u128, an algorithm independent of the sieve) places the threshold:
    // the sum below SUM_PRIMES_BELOW_MAX_N fits, adding that prime itself does not.
    let p = SUM_PRIMES_BELOW_MAX_N;
    assert!(trial_division(p));
    let through_p = lucy_sum_le(p);
    assert_eq!(through_p - p as u128, SUM_AT_MAX_N as u128);
    assert!(SUM_AT_MAX_N as u128 <= u64::MAX as u128);
    assert!(through_p > u64::MAX as u128);

    // So n = p + 1 is the first n that overflows: refused at once, without sieving.
    for n in [p + 1, p + 2, 100_000_000_000, u64::MAX] {
        let t = std::time::Instant::now();
        let err = sum_primes_below(n).unwrap_err();
        assert!(t.elapsed().as_millis() < 100, "refused without sieving");
        assert_eq!(
            err,
            Error::Overflow {
                kernel: "sum_primes_below",
                what: format!("the sum of primes below {n} does not fit in u64"),
            }
        );
        assert_eq!(
            err.to_string(),
            format!("sum_primes_below: the sum of primes below {n} does not fit in u64")
        );
    }
}

#[test]
#[ignore = "sieves to 2.95e10: about a minute in release (cargo test --release -- --ignored)"]
fn sum_at_the_threshold_is_computed_by_the_sieve() {
    let p = SUM_PRIMES_BELOW_MAX_N;
    assert_eq!(sum_primes_below(p).unwrap(), SUM_AT_MAX_N);
    let mut out = [0u64; 3];
    sum_primes_below_many(&[p, 10, p - 1], &mut out).unwrap();
    assert_eq!(out, [SUM_AT_MAX_N, 17, SUM_AT_MAX_N]);
}

// ---- sum_primes_below_many -----------------------------------------------------------------

#[test]
fn seed_workload_every_n_below_10000() {
    let table = sieve_prefix(10_000);
    let q: Vec<u64> = (0..10_000).collect();
    let mut out = vec![u64::MAX; q.len()];
    sum_primes_below_many(&q, &mut out).unwrap();
    assert_eq!(out, table[..10_000]);
}

/// Sieves of one segment (limit <= 2^20) take a path of their own: sparse and dense query
/// sets, unsorted, with duplicates and the smallest n, up to the last limit it covers.
#[test]
fn one_segment_queries_match_a_plain_sieve() {
    let one_segment = 128 * SEG_WORDS;
    let table = sieve_prefix(one_segment);
    let mut rng = Rng(17);
    for (count, top) in [(300, one_segment as u64), (5000, 70_000), (40, 1000)] {
        let mut q: Vec<u64> = (0..count).map(|_| rng.below(top + 1)).collect();
        q.extend([0, 1, 2, 3, 4, 5, 2, top]);
        let mut out = vec![u64::MAX; q.len()];
        sum_primes_below_many(&q, &mut out).unwrap();
        let want: Vec<u64> = q.iter().map(|&n| table[n as usize]).collect();
        assert_eq!(out, want, "{count} queries up to {top}");
    }
}

#[test]
fn many_equals_single_for_unsorted_duplicate_queries() {
    // above SIEVE_PARALLEL_CUTOFF, so the parallel sweep runs at 2, 3 and 8 threads
    let limit = if RELEASE { 20_000_000 } else { 9_000_000 };
    let table = sieve_prefix(limit);
    let mut rng = Rng(5);
    let mut q: Vec<u64> = (0..3000).map(|_| rng.below(limit as u64 + 1)).collect();
    q.extend([
        0,
        1,
        2,
        3,
        4,
        0,
        3,
        limit as u64,
        limit as u64,
        1_048_576,
        1_048_577,
    ]);
    // around segment edges (a segment holds 64 * SEG_WORDS odd numbers)
    let span = 128 * SEG_WORDS as u64;
    for k in 1..=limit as u64 / span {
        q.extend([span * k - 1, span * k, span * k + 1, span * k + 2]);
    }
    q.reverse();
    assert!(limit as u64 >= SIEVE_PARALLEL_CUTOFF);
    let want: Vec<u64> = q.iter().map(|&n| table[n as usize]).collect();
    let runs = at_thread_counts(&[1, 2, 3, 8], || {
        let mut out = vec![0u64; q.len()];
        sum_primes_below_many(&q, &mut out).unwrap();
        out
    });
    for out in &runs {
        assert_eq!(out, &want);
    }
    for &n in q.iter().step_by(97) {
        assert_eq!(sum_primes_below(n).unwrap(), table[n as usize]);
    }
}

#[test]
fn single_is_identical_at_every_thread_count() {
    let n = if RELEASE { 300_000_001 } else { 30_000_001 };
    let want = lucy_below(n);
    let runs = at_thread_counts(&[1, 2, 3, 8], || sum_primes_below(n).unwrap());
    for r in runs {
        assert_eq!(r as u128, want);
    }
}

#[test]
fn many_handles_empty_and_checks_lengths() {
    sum_primes_below_many(&[], &mut []).unwrap();
    let mut out = [7u64; 2];
    let err = sum_primes_below_many(&[10, 20, 30], &mut out).unwrap_err();
    assert!(matches!(err, Error::Length { .. }), "{err:?}");
    assert_eq!(out, [7, 7]);
    // a length error comes before an overflow
    let err = sum_primes_below_many(&[u64::MAX], &mut out).unwrap_err();
    assert!(matches!(err, Error::Length { .. }), "{err:?}");
}

#[test]
fn many_overflow_writes_nothing_and_names_the_query() {
    let p = SUM_PRIMES_BELOW_MAX_N;
    let mut out = [7u64; 4];
    let err = sum_primes_below_many(&[10, p + 1, 100, u64::MAX], &mut out).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "sum_primes_below_many: the sum of primes below {} does not fit in u64",
            p + 1
        )
    );
    assert!(matches!(err, Error::Overflow { .. }));
    assert_eq!(out, [7; 4], "nothing written");
}

#[test]
fn results_never_wrap_for_moderate_n() {
    // Whatever Ok value comes back equals the exact (u128) sum.
    let mut rng = Rng(31337);
    let table = sieve_prefix(1_000_000);
    let q: Vec<u64> = (0..200).map(|_| rng.below(1_000_001)).collect();
    let mut out = vec![0u64; q.len()];
    sum_primes_below_many(&q, &mut out).unwrap();
    for (&n, &s) in q.iter().zip(&out) {
        assert_eq!(s as u128, lucy_below(n));
        assert_eq!(s, table[n as usize]);
    }
}
