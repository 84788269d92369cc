//! The two floating-point types the element-wise kernels (stencils, comb filters) run in:
//! `f64` and `f32`. A kernel written over [`Real`] evaluates the same formula, in the same
//! order, in the caller's precision; coefficients are converted to that precision first
//! (`ax = 1/(dx*dx)` with `dx` as `f32` for `f32` data), as the contract says.

use std::fmt::Debug;
use std::ops::{Add, Div, Mul, Sub};

/// `f64` or `f32`: what the stencils and comb filters need of a number type.
pub trait Real:
    Copy
    + Default
    + Debug
    + PartialEq
    + PartialOrd
    + Send
    + Sync
    + 'static
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
{
    /// 1.
    const ONE: Self;
    /// 2.
    const TWO: Self;
    /// The NumPy name of the type (`"float64"`, `"float32"`), for messages.
    const NAME: &'static str;
    /// `x` rounded to this type (to nearest, as C's `(float)x` and NumPy's `astype`).
    fn from_f64(x: f64) -> Self;
    /// `self` widened to `f64` (exact).
    fn to_f64(self) -> f64;
    /// `self`, or the canonical quiet NaN of this type when `self` is any NaN
    /// (see [`crate::nan`]); written on the bits, branch-free.
    fn canon(self) -> Self;
}

/// The bits of the canonical quiet NaN of `f32` (positive sign, quiet bit only).
pub const CANONICAL_NAN_BITS_F32: u32 = 0x7FC0_0000;

/// Implements [`Real`] for the float type `$t` named `$name`, whose bits are the unsigned
/// integer `$bits` (`$signed` signed) and whose canonical NaN has the bits `$nan`.
macro_rules! real {
    ($t:ident, $name:literal, $bits:ident, $signed:ident, $nan:expr) => {
        impl Real for $t {
            const ONE: Self = 1.0;
            const TWO: Self = 2.0;
            const NAME: &'static str = $name;
            #[inline(always)]
            fn from_f64(x: f64) -> Self {
                // Rounds to nearest for `f32`; exact for `f64`.
                x as $t
            }
            #[inline(always)]
            fn to_f64(self) -> f64 {
                f64::from(self)
            }
            #[inline(always)]
            fn canon(self) -> Self {
                // See `crate::nan::canon`: |x|'s bits exceed infinity's exactly for a NaN; the
                // carry into the sign bit, spread by an arithmetic shift, is the mask.
                const ABS: $bits = $bits::MAX >> 1;
                const INF: $bits = $t::INFINITY.to_bits();
                let b = self.to_bits();
                let nan_mask =
                    ((((b & ABS) + (ABS - INF)) as $signed) >> ($bits::BITS - 1)) as $bits;
                $t::from_bits((b & !nan_mask) | ($nan & nan_mask))
            }
        }
    };
}

real!(f64, "float64", u64, i64, crate::nan::CANONICAL_NAN_BITS);
real!(f32, "float32", u32, i32, CANONICAL_NAN_BITS_F32);

/// Replaces every NaN of `xs` by the canonical NaN (outputs not stored through
/// [`Real::canon`]).
#[inline]
pub fn canon_all<T: Real>(xs: &mut [T]) {
    for x in xs {
        *x = x.canon();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_f32_nan_becomes_the_canonical_one() {
        for bits in [
            0x7FC0_0000u32,
            0xFFC0_0000,
            0x7F80_0001,
            0xFFFF_FFFF,
            0x7FC0_BEEF,
        ] {
            assert_eq!(
                f32::from_bits(bits).canon().to_bits(),
                CANONICAL_NAN_BITS_F32
            );
        }
        for x in [
            0.0f32,
            -0.0,
            1.5,
            f32::INFINITY,
            f32::NEG_INFINITY,
            f32::MIN_POSITIVE,
        ] {
            assert_eq!(x.canon().to_bits(), x.to_bits());
        }
    }
}
