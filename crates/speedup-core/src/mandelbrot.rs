//! Escape-time Mandelbrot counts.
//!
//! `z = c; for it in 0..max_iter { if re*re + im*im >= 16.0 { return it } ;
//! (re, im) = ((re*re - im*im) + c_re, (2.0*re)*im + c_im) }; return -1`.

use num_complex::Complex64;
use rayon::prelude::*;

use crate::error::check_len;
use crate::{threads, Error, Result};

/// Below this many points x iterations the kernel runs on the calling thread (measured).
pub const PARALLEL_CUTOFF: usize = 1 << 17;
/// Points per parallel task.
const TASK: usize = 1 << 11;

/// The escape count of one point, exactly as the contract writes it.
#[inline(always)]
pub fn escape_count(c: Complex64, max_iter: i32) -> i32 {
    let (mut re, mut im) = (c.re, c.im);
    for it in 0..max_iter {
        if re * re + im * im >= 16.0 {
            return it;
        }
        let new_re = (re * re - im * im) + c.re;
        im = (2.0 * re) * im + c.im;
        re = new_re;
    }
    -1
}

/// Points iterated abreast by [`fill`].
const LANES: usize = 8;

/// Escape counts of `LANES` points at once. Each lane performs exactly the operations of
/// [`escape_count`] in the same order (so the same bits); a lane that has escaped keeps
/// iterating harmlessly (its count is already fixed) until every lane has escaped or
/// `max_iter` is reached. Written as plain array loops, which the compiler vectorises.
#[inline(always)]
fn escape_lanes(c: &[Complex64], max_iter: i32, out: &mut [i32]) {
    let mut cr = [0.0f64; LANES];
    let mut ci = [0.0f64; LANES];
    for l in 0..LANES {
        cr[l] = c[l].re;
        ci[l] = c[l].im;
    }
    let (mut zr, mut zi) = (cr, ci);
    let mut count = [-1i32; LANES];
    for it in 0..max_iter {
        let mut pending = 0usize;
        for l in 0..LANES {
            let escaped = zr[l] * zr[l] + zi[l] * zi[l] >= 16.0;
            count[l] = if escaped && count[l] < 0 {
                it
            } else {
                count[l]
            };
            pending += (count[l] < 0) as usize;
            let new_re = (zr[l] * zr[l] - zi[l] * zi[l]) + cr[l];
            zi[l] = (2.0 * zr[l]) * zi[l] + ci[l];
            zr[l] = new_re;
        }
        if pending == 0 {
            break;
        }
    }
    out[..LANES].copy_from_slice(&count);
}

fn fill(c: &[Complex64], max_iter: i32, out: &mut [i32]) {
    let mut oc = out.chunks_exact_mut(LANES);
    let mut cc = c.chunks_exact(LANES);
    for (o, z) in (&mut oc).zip(&mut cc) {
        escape_lanes(z, max_iter, o);
    }
    for (o, &z) in oc.into_remainder().iter_mut().zip(cc.remainder()) {
        *o = escape_count(z, max_iter);
    }
}

/// The bad-input rules of `mandelbrot` (shared with the legacy twin).
pub fn check_mandelbrot(max_iter: i32, c_len: usize, out_len: usize) -> Result<()> {
    const K: &str = "mandelbrot";
    if max_iter < 0 {
        return Err(Error::invalid(
            K,
            "max_iter",
            format!("must be >= 0, got {max_iter}"),
        ));
    }
    check_len(K, "out", c_len, out_len)
}

/// Escape counts for every point of `c` into `out` (same length).
pub fn mandelbrot(c: &[Complex64], max_iter: i32, out: &mut [i32]) -> Result<()> {
    check_mandelbrot(max_iter, c.len(), out.len())?;
    let work = c.len().saturating_mul((max_iter as usize).max(1));
    if threads::parallel_worthwhile(work, PARALLEL_CUTOFF) && c.len() > 1 {
        threads::run(|| {
            out.par_chunks_mut(TASK)
                .zip(c.par_chunks(TASK))
                .for_each(|(o, z)| fill(z, max_iter, o));
        });
    } else {
        fill(c, max_iter, out);
    }
    Ok(())
}
