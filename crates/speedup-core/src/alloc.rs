//! Fallible allocation of the scratch buffers whose size the caller controls (sort buffers,
//! query tables, per-chain counts): a request the allocator cannot meet gives
//! [`Error::Allocation`] instead of aborting the host process, which
//! is what `vec![...]` does on failure.
//!
//! Where Rust allows it: buffers of a bounded size (one sieve segment, the base primes below
//! the largest accepted query) and the copies `ndarray` makes of non-contiguous views
//! ([`crate::layout`]) still use the ordinary, aborting allocation.

use crate::error::{Error, Result};

/// A `Vec` of `len` copies of `value`, or `Err(Allocation)` naming `kernel`, `what` the buffer
/// is for, and its size in bytes. Sizes that overflow `isize` fail at once, without asking the
/// allocator.
pub fn try_vec<T: Clone>(kernel: &'static str, what: &str, len: usize, value: T) -> Result<Vec<T>> {
    let mut v = Vec::new();
    try_reserve(kernel, what, &mut v, len)?;
    v.resize(len, value);
    Ok(v)
}

/// Reserves room for exactly `additional` more elements in `v`, or `Err(Allocation)`.
pub fn try_reserve<T>(
    kernel: &'static str,
    what: &str,
    v: &mut Vec<T>,
    additional: usize,
) -> Result<()> {
    let bytes = (v.len() as u128 + additional as u128) * std::mem::size_of::<T>() as u128;
    let refuse = || Error::Allocation {
        kernel,
        what: format!("{bytes} bytes for {what}"),
    };
    #[cfg(feature = "fault-injection")]
    if !crate::fault::allocation_allowed(bytes) {
        return Err(refuse());
    }
    v.try_reserve_exact(additional).map_err(|_| refuse())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_past_isize_fail_without_asking_the_allocator() {
        let e = try_vec::<u64>("k", "a table", usize::MAX / 4, 0).unwrap_err();
        let want = format!(
            "k: out of memory: could not allocate {} bytes for a table",
            (usize::MAX / 4) as u128 * 8
        );
        assert_eq!(e.to_string(), want);
    }

    #[test]
    fn a_request_larger_than_any_address_space_fails_cleanly() {
        // 2^62 bytes: a valid Rust size (< isize::MAX) that no 64-bit machine can map (x86-64
        // and aarch64 user space is at most 2^57 bytes): the allocator says no, nothing aborts.
        let e = try_vec::<u8>("k", "scratch", 1 << 62, 0).unwrap_err();
        assert!(matches!(e, Error::Allocation { kernel: "k", .. }), "{e}");
        // ... and the next allocation works.
        assert_eq!(try_vec::<u8>("k", "scratch", 16, 7).unwrap(), vec![7u8; 16]);
    }
}
