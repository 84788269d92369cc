//! The C export of Mandelbrot on single-precision complex points.

use crate::args::{product, Raw};
use crate::elementwise;
use crate::status::{boundary, speedup_status};
use speedup_core as core;

/// Escape counts of the `n` complex points `c` (`2n` floats, interleaved re, im, like C99
/// `float complex`) into `out`, `-1` for points that did not escape in `max_iter` iterations;
/// the iteration of `speedup_mandelbrot` computed in `float`.
#[no_mangle]
pub unsafe extern "C" fn speedup_mandelbrot_f32(
    c: *const f32,
    n: usize,
    max_iter: i32,
    out: *mut i32,
    out_len: usize,
) -> speedup_status {
    const K: &str = "mandelbrot_f32";
    boundary(K, || {
        product(K, "n * 2", n, 2)?;
        let c = Raw::new(K, "c", c.cast::<core::Complex32>(), n);
        unsafe {
            elementwise(K, c, "n", out, out_len, |c, out| {
                core::mandelbrot_f32(c, max_iter, out)
            })
        }
    })
}
