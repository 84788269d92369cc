//! The C export of Mandelbrot on single-precision complex points.

use crate::mandelbrot_door;
use crate::status::speedup_status;
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
    unsafe { mandelbrot_door(core::mandelbrot_f32, c, n, max_iter, (out, out_len)) }
}
