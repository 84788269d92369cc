//! The C export of the 128-bit prime sum: C has no portable 128-bit integer, so the result
//! comes back as two 64-bit words.

use crate::scalar_pair;
use crate::status::speedup_status;
use speedup_core as core;

/// The sum of all primes `p < n` as 128 bits: `*lo` = its low 64 bits, `*hi` = its high 64
/// bits (the sum is `hi * 2^64 + lo`). Exact for every `n` up to `10^16`
/// (`SPEEDUP_ERR_INVALID_ARGUMENT` naming `n` above it); no overflow is possible.
#[no_mangle]
pub unsafe extern "C" fn speedup_sum_primes_below_u128(
    n: u64,
    lo: *mut u64,
    hi: *mut u64,
) -> speedup_status {
    const K: &str = "sum_primes_below_u128";
    scalar_pair(K, ("lo", lo), ("hi", hi), || {
        let sum = core::sum_primes_below_u128(n)?;
        Ok((sum as u64, (sum >> 64) as u64))
    })
}
