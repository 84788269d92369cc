//! The one NaN every kernel writes: the canonical quiet NaN, bits `0x7FF8_0000_0000_0000`.
//!
//! Where a NaN appears in a result is part of the contract; which NaN is not left to chance:
//! an input NaN's sign and payload never carry over, and a NaN made inside a formula (`inf -
//! inf`, `0 * inf`) does not keep the sign the processor gives it (x86's default NaN has the
//! sign bit set, and which operand's NaN an addition passes on depends on the operand order the
//! compiler chose, which may differ between the serial and the parallel copy of a loop). Every
//! floating-point output goes through [`canon`] as it is stored, so "same bits" has no NaN
//! exception, across paths, threads, doors and the legacy twins.
//!
//! Cost: a few integer operations per stored element, in registers, in the element-wise loops
//! (stencils, forward comb filter), which run compiled for AVX2 where the CPU has it
//! (`avx2_dispatch!` in [`crate::simd`]); the backward comb filter pays nothing unless its output holds a NaN (a
//! NaN stays in its lane to the end, so the last value of each lane tells); reductions
//! canonicalise their one result.

use crate::real::{canon_all, Real};

/// The bits of the canonical quiet NaN (positive sign, quiet bit only).
pub const CANONICAL_NAN_BITS: u64 = 0x7FF8_0000_0000_0000;

/// The canonical quiet NaN.
#[inline(always)]
pub fn canonical_nan() -> f64 {
    f64::from_bits(CANONICAL_NAN_BITS)
}

/// `x`, or the canonical NaN when `x` is any NaN.
///
/// Written on the bits, not as `if x.is_nan() { NaN } else { x }`: for LLVM a NaN that an
/// arithmetic operation made may be *any* NaN, so it may fold that floating-point select into
/// plain `x`, and it does (the release library's `std` of `[inf]` returned `0xfff8...` that
/// way). Integer operations on the bits carry no such licence. `|x|`'s bits exceed infinity's
/// exactly for a NaN; adding the distance from infinity to `i64::MAX` moves that into the sign
/// bit, and an arithmetic shift spreads it into a mask: branch-free integer operations that
/// vectorise. [`Real::canon`] is this function for `f64` and `f32` alike.
#[inline(always)]
pub fn canon(x: f64) -> f64 {
    x.canon()
}

/// Replaces every NaN of `xs` by the canonical NaN: for outputs written by code that does not
/// go through [`canon`] as it stores (the legacy routines, the backward comb filter).
#[inline]
pub fn canon_slice(xs: &mut [f64]) {
    canon_all(xs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_nan_becomes_the_canonical_one() {
        for bits in [
            0x7FF8_0000_0000_0000u64,
            0xFFF8_0000_0000_0000,
            0x7FF0_0000_0000_0001,
            0xFFFF_FFFF_FFFF_FFFF,
            0x7FF8_DEAD_BEEF_0000,
        ] {
            assert_eq!(canon(f64::from_bits(bits)).to_bits(), CANONICAL_NAN_BITS);
        }
        for x in [
            0.0,
            -0.0,
            1.5,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MIN_POSITIVE,
        ] {
            assert_eq!(canon(x).to_bits(), x.to_bits());
        }
        let mut v = [f64::from_bits(0xFFF8_0000_0000_0000), 2.0];
        canon_slice(&mut v);
        assert_eq!(v[0].to_bits(), CANONICAL_NAN_BITS);
        assert_eq!(v[1], 2.0);
    }
}
