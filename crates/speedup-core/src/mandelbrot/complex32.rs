//! Escape-time Mandelbrot counts of `complex64` points, computed in `f32`: the iteration of
//! [`super::escape_count`] with every operation in single precision
//! (`re*re + im*im >= 16.0f32`, `(re*re - im*im) + c_re`, `(2.0f32*re)*im + c_im`).

use num_complex::Complex32;

#[cfg(target_arch = "x86_64")]
use super::wide;
use super::{check_mandelbrot_named, chunked, escape, escape_lanes, Point};
use crate::error::Result;
use crate::simd::Isa;

/// The escape count of one point in `f32`, exactly as the contract writes it.
#[inline(always)]
pub fn escape_count_f32(c: Complex32, max_iter: i32) -> i32 {
    escape(c, max_iter)
}

/// Points iterated abreast by the portable loop.
const LANES: usize = 16;

point!(f32, LANES);

/// Escape counts for every point of `c` into `out` (same length), iterated in `f32`. The same
/// bad-input rules as [`super::mandelbrot`], under the name `mandelbrot_f32`.
pub fn mandelbrot_f32(c: &[Complex32], max_iter: i32, out: &mut [i32]) -> Result<()> {
    check_mandelbrot_named("mandelbrot_f32", max_iter, c.len(), out.len())?;
    let isa = Isa::best();
    super::run(c, max_iter, out, |z, o| {
        Complex32::fill_on(isa, z, max_iter, o)
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::mandelbrot::tests::{check_every_path, points};

    #[test]
    fn every_path_matches_the_scalar_count() {
        for n in [0, 1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 47, 48, 65, 100, 1001] {
            check_every_path::<f32>(n, escape_count_f32);
        }
    }

    /// An independent reference: the recurrence written with `num_complex` arithmetic in `f32`
    /// (`z*z + c`, whose parts are `(re*re - im*im) + c.re` and `(re*im + im*re) + c.im`;
    /// `re*im + im*re` equals `(2*re)*im` unless `re*im` is subnormal, which these points never
    /// reach).
    #[test]
    fn counts_agree_with_complex_arithmetic() {
        let c = points::<f32>(600);
        let mut got = vec![0i32; c.len()];
        mandelbrot_f32(&c, 60, &mut got).unwrap();
        for (k, &p) in c.iter().enumerate() {
            let mut z = p;
            let want = (0..60)
                .find(|_| {
                    let escaped = z.norm_sqr() >= 16.0;
                    z = z * z + p;
                    escaped
                })
                .map_or(-1, |it| it);
            assert_eq!(got[k], want, "point {k}: {p}");
        }
    }

    #[test]
    fn bad_input_names_the_f32_kernel() {
        let mut out = [0i32; 2];
        let e = mandelbrot_f32(&[Complex32::new(0.0, 0.0); 2], -1, &mut out).unwrap_err();
        assert!(e.to_string().starts_with("mandelbrot_f32: max_iter"), "{e}");
        let e = mandelbrot_f32(&[Complex32::new(0.0, 0.0); 3], 5, &mut out).unwrap_err();
        assert!(e.to_string().starts_with("mandelbrot_f32: out"), "{e}");
        assert_eq!(out, [0, 0]);
    }
}
