//! Primes: `is_prime` (exact for every u64) and `sum_primes_below` (segmented sieve).
//! OWNER: helper B. Stub signatures; replace the bodies.

use crate::Result;

/// Exact primality for every u64; 0 and 1 are not prime.
pub fn is_prime(n: u64) -> bool {
    let _ = n;
    unimplemented!()
}

/// `out[i] = is_prime(n[i])`.
pub fn is_prime_many(n: &[u64], out: &mut [bool]) -> Result<()> {
    let _ = (n, out);
    unimplemented!()
}

/// The sum of all primes `p < n`; `Err(Overflow)` when it does not fit in u64.
pub fn sum_primes_below(n: u64) -> Result<u64> {
    let _ = n;
    unimplemented!()
}

/// `out[i] = sum_primes_below(n[i])`, all answered from one sieve up to `max(n)`.
pub fn sum_primes_below_many(n: &[u64], out: &mut [u64]) -> Result<()> {
    let _ = (n, out);
    unimplemented!()
}
