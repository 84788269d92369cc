//! Escape-time Mandelbrot counts.
//!
//! `z = c; for it in 0..max_iter { if re*re + im*im >= 16.0 { return it } ;
//! (re, im) = ((re*re - im*im) + c_re, (2.0*re)*im + c_im) }; return -1`, in `f64` for
//! [`mandelbrot`] (`complex128` points) and in `f32` for [`mandelbrot_f32`] (`complex64`).
//! Every path (portable lanes, AVX2, AVX-512, chosen at run time) gives the scalar loop's bits.

use num_complex::{Complex, Complex64};
use rayon::prelude::*;

use crate::error::check_len;
use crate::error::{Error, Result};
use crate::real::Real;
use crate::threads;

/// The default cut-off (`crate::calibrate` measures one per machine): below this many points x
/// iterations the kernel runs on the calling thread.
pub const PARALLEL_CUTOFF: usize = 1 << 17;
/// Points per parallel task.
const TASK: usize = 1 << 11;

/// The escape count of one point in `T`'s precision, exactly as the contract writes it.
#[inline(always)]
fn escape<T: Real>(c: Complex<T>, max_iter: i32) -> i32 {
    let sixteen = T::from_f64(16.0);
    let (mut re, mut im) = (c.re, c.im);
    for it in 0..max_iter {
        if re * re + im * im >= sixteen {
            return it;
        }
        let new_re = (re * re - im * im) + c.re;
        im = (T::TWO * re) * im + c.im;
        re = new_re;
    }
    -1
}

/// The escape count of one point, exactly as the contract writes it.
#[inline(always)]
pub fn escape_count(c: Complex64, max_iter: i32) -> i32 {
    escape(c, max_iter)
}

/// Points iterated abreast by [`fill`]'s portable form.
const LANES: usize = 8;

/// Escape counts of `L` points at once. Each lane performs exactly the operations of
/// [`escape`] in the same order (so the same bits); a lane that has escaped keeps iterating
/// harmlessly (its count is already fixed) until every lane has escaped or `max_iter` is
/// reached. Written as plain array loops, which the compiler vectorises.
#[inline(always)]
fn escape_lanes<T: Real, const L: usize>(c: &[Complex<T>], max_iter: i32, out: &mut [i32]) {
    let (sixteen, two) = (T::from_f64(16.0), T::TWO);
    let cr: [T; L] = std::array::from_fn(|l| c[l].re);
    let ci: [T; L] = std::array::from_fn(|l| c[l].im);
    let (mut zr, mut zi) = (cr, ci);
    let mut count = [-1i32; L];
    for it in 0..max_iter {
        let mut pending = 0usize;
        for l in 0..L {
            let escaped = zr[l] * zr[l] + zi[l] * zi[l] >= sixteen;
            count[l] = if escaped && count[l] < 0 {
                it
            } else {
                count[l]
            };
            pending += (count[l] < 0) as usize;
            let new_re = (zr[l] * zr[l] - zi[l] * zi[l]) + cr[l];
            zi[l] = (two * zr[l]) * zi[l] + ci[l];
            zr[l] = new_re;
        }
        if pending == 0 {
            break;
        }
    }
    out[..L].copy_from_slice(&count);
}

/// Runs `lanes` over whole chunks of `width` points and [`escape`] over the rest.
#[inline(always)]
fn chunked<T: Real>(
    width: usize,
    c: &[Complex<T>],
    max_iter: i32,
    out: &mut [i32],
    mut lanes: impl FnMut(&[Complex<T>], &mut [i32]),
) {
    let whole = c.len() - c.len() % width;
    for k in (0..whole).step_by(width) {
        lanes(&c[k..k + width], &mut out[k..k + width]);
    }
    for k in whole..c.len() {
        out[k] = escape(c[k], max_iter);
    }
}

#[cfg(target_arch = "x86_64")]
mod wide;

pub use complex32::{escape_count_f32, mandelbrot_f32};

use crate::simd::Isa;

/// Escape counts of `c` into `out` on the widest path this CPU runs (same bits on every path).
fn fill(c: &[Complex64], max_iter: i32, out: &mut [i32]) {
    Complex64::fill_on(Isa::best(), c, max_iter, out);
}

/// The point types of the kernel (`Complex64` for [`mandelbrot`], `Complex32` for
/// [`mandelbrot_f32`]) and their paths, for the kernels, the tests and the path benchmark.
#[doc(hidden)]
pub trait Point: Sized {
    /// The escape counts of `c` on path `isa`, which the CPU must run (same bits on every
    /// path; the kernel takes [`Isa::best`]).
    fn fill_on(isa: Isa, c: &[Self], max_iter: i32, out: &mut [i32]);
    /// The AVX-512 path with `G` registers of points abreast.
    ///
    /// # Safety
    /// The CPU must support AVX-512 F, DQ, BW and VL.
    #[cfg(target_arch = "x86_64")]
    unsafe fn fill_avx512_groups<const G: usize>(c: &[Self], max_iter: i32, out: &mut [i32]);
}

/// Implements [`Point`] for `Complex<$t>`, whose portable loop iterates `$lanes` points abreast.
macro_rules! point {
    ($t:ty, $lanes:expr) => {
        impl $crate::mandelbrot::Point for num_complex::Complex<$t> {
            fn fill_on(isa: Isa, c: &[Self], max_iter: i32, out: &mut [i32]) {
                #[cfg(target_arch = "x86_64")]
                match isa {
                    // SAFETY: `isa` is a path this CPU runs (detected at run time).
                    Isa::Avx512 => {
                        return unsafe {
                            Self::fill_avx512_groups::<{ wide::AVX512_GROUPS }>(c, max_iter, out)
                        }
                    }
                    // SAFETY: as above.
                    Isa::Avx2 => return unsafe { wide::fill_avx2(c, max_iter, out) },
                    Isa::Baseline => {}
                }
                let _ = isa;
                chunked($lanes, c, max_iter, out, |z, o| {
                    escape_lanes::<$t, { $lanes }>(z, max_iter, o)
                });
            }
            #[cfg(target_arch = "x86_64")]
            unsafe fn fill_avx512_groups<const G: usize>(
                c: &[Self],
                max_iter: i32,
                out: &mut [i32],
            ) {
                // SAFETY: the caller's guarantee.
                unsafe { wide::fill_avx512::<$t, G>(c, max_iter, out) }
            }
        }
    };
}

point!(f64, LANES);

// After `point!`, which it uses.
mod complex32;

/// The AVX-512 path of `T` with `groups` (1 to 4; more count as 4) registers abreast, when
/// this CPU has AVX-512 (`None` otherwise).
pub(crate) fn fill_avx512_with<T: Point>(
    groups: usize,
    c: &[T],
    max_iter: i32,
    out: &mut [i32],
) -> Option<()> {
    if !crate::simd::avx512() {
        return None;
    }
    #[cfg(target_arch = "x86_64")]
    // SAFETY: AVX-512 was detected just above.
    unsafe {
        match groups {
            1 => T::fill_avx512_groups::<1>(c, max_iter, out),
            2 => T::fill_avx512_groups::<2>(c, max_iter, out),
            3 => T::fill_avx512_groups::<3>(c, max_iter, out),
            _ => T::fill_avx512_groups::<4>(c, max_iter, out),
        }
    }
    Some(())
}

/// The bad-input rules of `mandelbrot` (shared with the legacy twin).
pub fn check_mandelbrot(max_iter: i32, c_len: usize, out_len: usize) -> Result<()> {
    check_mandelbrot_named("mandelbrot", max_iter, c_len, out_len)
}

/// The bad-input rules of `mandelbrot` and `mandelbrot_f32`, whose errors name `kernel`.
fn check_mandelbrot_named(
    kernel: &'static str,
    max_iter: i32,
    c_len: usize,
    out_len: usize,
) -> Result<()> {
    if max_iter < 0 {
        return Err(Error::invalid(
            kernel,
            "max_iter",
            format!("must be >= 0, got {max_iter}"),
        ));
    }
    check_len(kernel, "out", c_len, out_len)
}

/// Escape counts for every point of `c` into `out` (same length).
pub fn mandelbrot(c: &[Complex64], max_iter: i32, out: &mut [i32]) -> Result<()> {
    check_mandelbrot(max_iter, c.len(), out.len())?;
    run(c, max_iter, out, |z, o| fill(z, max_iter, o));
    Ok(())
}

/// Runs `fill` over `c` and `out` (checked), on the pool in tasks of [`TASK`] points when the
/// work is worth it. Each task is a unit of its own: a point's cost ranges from one iteration
/// to `max_iter`, and the costly ones gather (the set's interior), so halves or quarters of
/// the grid would leave one thread working alone (1.5x on two cores instead of 1.9x).
fn run<T: Real>(
    c: &[Complex<T>],
    max_iter: i32,
    out: &mut [i32],
    fill: impl Fn(&[Complex<T>], &mut [i32]) + Sync,
) {
    let work = c.len().saturating_mul((max_iter as usize).max(1));
    if threads::go_parallel(work, threads::Kernel::Mandelbrot) && c.len() > 1 {
        threads::run(|| {
            out.par_chunks_mut(TASK)
                .zip(c.par_chunks(TASK))
                .with_max_len(1)
                .for_each(|(o, z)| fill(z, o));
        });
    } else {
        fill(c, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Points on a grid over the set, plus the awkward ones: on the escape circle, NaN, infinite,
    /// huge (its square overflows in `f64` too), signed zeros; lengths that leave every kind of
    /// scalar tail. For the `f32` kernel as well.
    pub(crate) fn points<T: Real>(n: usize) -> Vec<Complex<T>> {
        let t = T::from_f64;
        let mut c: Vec<Complex<T>> = (0..n)
            .map(|k| {
                Complex::new(
                    t(-2.2 + 3.0 * (k % 37) as f64 / 37.0),
                    t(-1.5 + 3.0 * (k / 37) as f64 / (n / 37 + 1) as f64),
                )
            })
            .collect();
        let huge = if T::NAME == "float64" { 1e300 } else { 1e30 };
        let special = [
            (4.0, 0.0),
            (0.0, -4.0),
            (f64::NAN, 0.0),
            (0.25, f64::INFINITY),
            (f64::NEG_INFINITY, f64::NAN),
            (huge, huge),
            (-0.0, 0.0),
            (-0.75, 0.1),
            (0.3, 0.5),
        ];
        for (k, &(re, im)) in special.iter().enumerate() {
            if k * 5 < n {
                c[k * 5] = Complex::new(t(re), t(im));
            }
        }
        c
    }

    /// Every path of `T`, and the AVX-512 one at every register count, against `scalar` on
    /// the test points of `n` for several `max_iter`.
    pub(crate) fn check_every_path<T: Real>(n: usize, scalar: fn(Complex<T>, i32) -> i32)
    where
        Complex<T>: Point,
    {
        let c = points::<T>(n);
        for max_iter in [0, 1, 2, 20, 100] {
            let want: Vec<i32> = c.iter().map(|&z| scalar(z, max_iter)).collect();
            for isa in Isa::available() {
                let mut got = vec![7i32; n];
                <Complex<T>>::fill_on(isa, &c, max_iter, &mut got);
                assert_eq!(got, want, "{isa:?} n={n} max_iter={max_iter}");
            }
            for g in 1..=4 {
                let mut got = vec![7i32; n];
                if fill_avx512_with(g, &c, max_iter, &mut got).is_some() {
                    assert_eq!(got, want, "avx512 x{g} n={n} max_iter={max_iter}");
                }
            }
        }
    }

    #[test]
    fn vectorised_lanes_match_the_scalar_count() {
        for n in [0, 1, 7, 8, 9, 15, 16, 17, 23, 24, 25, 31, 32, 33, 100, 1001] {
            check_every_path::<f64>(n, escape_count);
            let c = points::<f64>(n);
            for max_iter in [0, 1, 2, 20, 100] {
                let want: Vec<i32> = c.iter().map(|&z| escape_count(z, max_iter)).collect();
                let mut lanes = vec![7i32; n];
                Complex64::fill_on(Isa::Baseline, &c, max_iter, &mut lanes);
                assert_eq!(lanes, want, "portable, n={n} max_iter={max_iter}");
            }
        }
    }
}
