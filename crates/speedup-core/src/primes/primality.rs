//! `is_prime`: a bit mask below 64, trial division by the odd primes up to 61, then a
//! deterministic Miller–Rabin test in Montgomery arithmetic (see the parent module).

use rayon::prelude::*;

use crate::error::{check_len, Result};
use crate::threads;

/// The default cut-off (`crate::calibrate` measures one per machine): `is_prime_many` inputs
/// shorter than this run on the calling thread.
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
    if threads::go_parallel(n.len(), threads::Kernel::IsPrimeMany) {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn naive_is_prime(n: u64) -> bool {
        n >= 2
            && (2..)
                .take_while(|d| d * d <= n)
                .all(|d| !n.is_multiple_of(d))
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
}
