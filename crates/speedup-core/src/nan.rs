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
//! Cost: a compare and a select per stored element, in registers. The element-wise kernels
//! (stencils, comb filters) run their loops compiled for AVX2 where the CPU has it
//! (`avx2_dispatch!`), where the select is one blend per four elements; the backward comb
//! filter canonicalises what it stores, off the recurrence's critical path; reductions
//! canonicalise their one result.

/// Defines `$name`, which runs the `#[inline(always)]` function `$generic` with the same
/// arguments, compiled for AVX2 when the CPU has it (detected at run time) and for the baseline
/// instruction set otherwise. The element formulas are the same IEEE operations either way (no
/// FMA: Rust never contracts), so the bits are too; AVX2 only makes the vectors wider and the
/// canonical-NaN select ([`canon`]) one blend.
macro_rules! avx2_dispatch {
    ($(#[$m:meta])* fn $name:ident => $generic:ident($($arg:ident: $ty:ty),* $(,)?)) => {
        $(#[$m])*
        fn $name($($arg: $ty),*) {
            #[cfg(target_arch = "x86_64")]
            {
                #[target_feature(enable = "avx2")]
                unsafe fn wide($($arg: $ty),*) {
                    $generic($($arg),*)
                }
                if std::arch::is_x86_feature_detected!("avx2") {
                    // SAFETY: the CPU supports AVX2 (checked just above).
                    return unsafe { wide($($arg),*) };
                }
            }
            $generic($($arg),*)
        }
    };
}

/// The bits of the canonical quiet NaN (positive sign, quiet bit only).
pub const CANONICAL_NAN_BITS: u64 = 0x7FF8_0000_0000_0000;

/// The canonical quiet NaN.
#[inline(always)]
pub fn canonical_nan() -> f64 {
    f64::from_bits(CANONICAL_NAN_BITS)
}

/// `x`, or the canonical NaN when `x` is any NaN: a compare and a select (one blend per
/// vector in the kernels' vectorised loops).
///
/// The shipped library's bits are what counts, and they are checked through every door at
/// every test run (tests/identity/, tests/python/test_differential.py): were the optimiser ever
/// to drop the select (for LLVM an arithmetic result that is NaN may be any NaN), those fail.
#[inline(always)]
pub fn canon(x: f64) -> f64 {
    if x.is_nan() {
        canonical_nan()
    } else {
        x
    }
}

/// Replaces every NaN of `xs` by the canonical NaN: for outputs written by code that does not
/// go through [`canon`] as it stores (the legacy routines).
#[inline]
pub fn canon_slice(xs: &mut [f64]) {
    for x in xs {
        *x = canon(*x);
    }
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
