//! Escape-time Mandelbrot counts.
//!
//! `z = c; for it in 0..max_iter { if re*re + im*im >= 16.0 { return it } ;
//! (re, im) = ((re*re - im*im) + c_re, (2.0*re)*im + c_im) }; return -1`.

use num_complex::Complex64;
use rayon::prelude::*;

use crate::error::check_len;
use crate::{threads, Error, Result};

/// Below this many points x iterations the kernel runs on the calling thread (measured).
pub const PARALLEL_CUTOFF: usize = 1 << 15;
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

fn fill(c: &[Complex64], max_iter: i32, out: &mut [i32]) {
    for (o, &z) in out.iter_mut().zip(c) {
        *o = escape_count(z, max_iter);
    }
}

/// Escape counts for every point of `c` into `out` (same length).
pub fn mandelbrot(c: &[Complex64], max_iter: i32, out: &mut [i32]) -> Result<()> {
    const K: &str = "mandelbrot";
    if max_iter < 0 {
        return Err(Error::invalid(
            K,
            "max_iter",
            format!("must be >= 0, got {max_iter}"),
        ));
    }
    check_len(K, "out", c.len(), out.len())?;
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
