//! # speedup-capi
//!
//! The C ABI of speedup: `libspeedup.so` / `libspeedup.a` and the cbindgen-generated
//! `include/speedup.h`. Each export is a thin door onto `speedup-core`:
//!
//! 1. it runs inside a panic boundary (a Rust panic never crosses into C: it becomes
//!    `SPEEDUP_ERR_PANIC`);
//! 2. it checks what only the C door can see, in this order: NULL pointers (an array may be NULL
//!    only when empty), sizes that overflow, `out_len` / `counts_len`, misaligned pointers and
//!    outputs that overlap inputs;
//! 3. it calls the kernel, which checks the contract's own rules;
//! 4. outputs are written only when everything succeeded; on failure this thread's last error
//!    message (`speedup_last_error`) names the argument and the rule it broke.
//!
//! Arrays are C order and contiguous.
//!
//! With the cargo feature `legacy` (on by default), the legacy C and Fortran routines are
//! exported beside the kernels as `speedup_legacy_<kernel>` (module `legacy`, declared in
//! `include/speedup_legacy.h`), with the same signatures, checks and messages.

#![allow(clippy::missing_safety_doc)] // the safety contract is the C header's documentation

mod args;
mod axes;
mod doors;
/// cbindgen:ignore
#[cfg(feature = "fault-injection")]
mod fault;
#[cfg(feature = "legacy")]
mod legacy;
mod mandelbrot_f32;
mod pieces;
mod primes_wide;
mod random;
mod status;
mod stencils;
mod stencils_strided;
mod strided;

use std::ffi::{c_char, c_void};

use speedup_core as core;

use args::Raw;
pub use axes::*;
pub(crate) use doors::{
    closest_pair_door, comb, elementwise, laplacian_door, mandelbrot_door, many, put, reduction,
    scalar, scalar_pair, second_derivative_door, view2, view2_mut,
};
#[cfg(feature = "fault-injection")]
pub use fault::speedup_test_inject_fault;
#[cfg(feature = "legacy")]
pub use legacy::*;
pub use pieces::*;
pub use primes_wide::*;
pub use random::*;
pub use status::*;
pub use stencils::*;
pub use stencils_strided::*;

// ---------------------------------------------------------------------------------------------
// Reductions

/// The deterministic blocked sum of `x[0..n]` into `*out` (0.0 when `n == 0`; NaN propagates).
#[no_mangle]
pub unsafe extern "C" fn speedup_sum(x: *const f64, n: usize, out: *mut f64) -> speedup_status {
    unsafe { reduction("sum", x, n, out, |x| Ok(core::sum(x))) }
}

/// The mean `sum(x) / n` into `*out`. Errors when `n == 0`.
#[no_mangle]
pub unsafe extern "C" fn speedup_mean(x: *const f64, n: usize, out: *mut f64) -> speedup_status {
    unsafe { reduction("mean", x, n, out, core::mean) }
}

/// The two-pass standard deviation `sqrt(sum((x_i - m)^2) / (n - ddof))` into `*out`.
/// Errors when `n == 0` or `ddof >= n`.
#[no_mangle]
pub unsafe extern "C" fn speedup_std(
    x: *const f64,
    n: usize,
    ddof: usize,
    out: *mut f64,
) -> speedup_status {
    unsafe { reduction("std", x, n, out, |x| core::std(x, ddof)) }
}

// ---------------------------------------------------------------------------------------------
// Stencils

/// `out[i] = ((f[i] - 2 f[i+1]) + f[i+2]) * (1/(dx*dx))` for `i < n - 2`; `out_len == n - 2`.
#[no_mangle]
pub unsafe extern "C" fn speedup_second_derivative(
    f: *const f64,
    n: usize,
    dx: f64,
    out: *mut f64,
    out_len: usize,
) -> speedup_status {
    unsafe { second_derivative_door(core::second_derivative, f, n, dx, (out, out_len)) }
}

/// The 5-point Laplacian of the `rows x cols` grid `f` into `out`, `(rows-2) x (cols-2)`.
#[no_mangle]
pub unsafe extern "C" fn speedup_laplacian(
    f: *const f64,
    rows: usize,
    cols: usize,
    dx: f64,
    dy: f64,
    out: *mut f64,
    out_len: usize,
) -> speedup_status {
    unsafe { laplacian_door(core::laplacian, f, (rows, cols), dx, dy, out, out_len) }
}

// ---------------------------------------------------------------------------------------------
// Comb filters

/// Forward comb filter of the `n x k` signal `x` along axis 0: `y[t] = x[t] + alpha x[t-tau]`
/// for `t >= tau`, else `x[t]`. `k = 1` for a 1-D signal; `out_len == n * k`.
#[no_mangle]
pub unsafe extern "C" fn speedup_comb_forward(
    x: *const f64,
    n: usize,
    k: usize,
    tau: usize,
    alpha: f64,
    out: *mut f64,
    out_len: usize,
) -> speedup_status {
    let run = core::comb_forward;
    unsafe { comb("comb_forward", run, x, (n, k), tau, alpha, out, out_len) }
}

/// Backward comb filter (recurrence): `y[t] = x[t] + alpha y[t-tau]` for `t >= tau`, else
/// `x[t]`. Same shapes as `speedup_comb_forward`.
#[no_mangle]
pub unsafe extern "C" fn speedup_comb_backward(
    x: *const f64,
    n: usize,
    k: usize,
    tau: usize,
    alpha: f64,
    out: *mut f64,
    out_len: usize,
) -> speedup_status {
    let run = core::comb_backward;
    unsafe { comb("comb_backward", run, x, (n, k), tau, alpha, out, out_len) }
}

// ---------------------------------------------------------------------------------------------
// Primes

/// `*out = true` when `n` is prime (exact for every 64-bit value).
#[no_mangle]
pub unsafe extern "C" fn speedup_is_prime(n: u64, out: *mut bool) -> speedup_status {
    scalar("is_prime", "out", out, || Ok(core::is_prime(n)))
}

/// `out[i] = is_prime(n[i])` for `i < len`; `out_len == len`.
#[no_mangle]
pub unsafe extern "C" fn speedup_is_prime_many(
    n: *const u64,
    len: usize,
    out: *mut bool,
    out_len: usize,
) -> speedup_status {
    unsafe { many("is_prime_many", core::is_prime_many, n, len, out, out_len) }
}

/// `*out` = the sum of all primes `p < n`; `SPEEDUP_ERR_OVERFLOW` when it does not fit, which
/// is exactly when `n > 29505444491` (then `speedup_sum_primes_below_u128` gives it exactly).
#[no_mangle]
pub unsafe extern "C" fn speedup_sum_primes_below(n: u64, out: *mut u64) -> speedup_status {
    scalar("sum_primes_below", "out", out, || core::sum_primes_below(n))
}

/// `out[i]` = the sum of primes below `n[i]`, all answered from one sieve; `out_len == len`.
#[no_mangle]
pub unsafe extern "C" fn speedup_sum_primes_below_many(
    n: *const u64,
    len: usize,
    out: *mut u64,
    out_len: usize,
) -> speedup_status {
    let run = core::sum_primes_below_many;
    unsafe { many("sum_primes_below_many", run, n, len, out, out_len) }
}

// ---------------------------------------------------------------------------------------------
// Geometry and fractals

/// The closest pair among `n` points (`points` is `n x 2`, rows `(x, y)`): indices `*i < *j`
/// (0-based) and the distance `*dist`; ties go to the smallest `(i, j)`.
#[no_mangle]
pub unsafe extern "C" fn speedup_closest_pair(
    points: *const f64,
    n: usize,
    i: *mut usize,
    j: *mut usize,
    dist: *mut f64,
) -> speedup_status {
    unsafe { closest_pair_door(core::closest_pair, points, n, (i, j, dist)) }
}

/// Escape counts of the `n` complex points `c` (`2n` doubles, interleaved re, im, like C99
/// `double complex`) into `out`, `-1` for points that did not escape in `max_iter` iterations.
#[no_mangle]
pub unsafe extern "C" fn speedup_mandelbrot(
    c: *const f64,
    n: usize,
    max_iter: i32,
    out: *mut i32,
    out_len: usize,
) -> speedup_status {
    unsafe { mandelbrot_door(core::mandelbrot, c, n, max_iter, (out, out_len)) }
}

// ---------------------------------------------------------------------------------------------
// Parallel map

/// `out[i] = f(x[i], ctx)` on speedup's threads; `f` must be thread-safe. `out_len == n`.
#[no_mangle]
pub unsafe extern "C" fn speedup_map_f64(
    f: Option<unsafe extern "C" fn(x: f64, ctx: *mut c_void) -> f64>,
    ctx: *mut c_void,
    x: *const f64,
    n: usize,
    out: *mut f64,
    out_len: usize,
) -> speedup_status {
    const K: &str = "map_f64";
    boundary(K, || {
        let f = f.ok_or(Failure::Null {
            kernel: K,
            arg: "f",
        })?;
        // The caller vouches that `f` may share `ctx` across threads; it is passed through untouched.
        let ctx = ctx as usize;
        let apply = |v| unsafe { f(v, ctx as *mut c_void) };
        unsafe {
            elementwise(K, Raw::new(K, "x", x, n), "n", out, out_len, |x, out| {
                core::map_f64(apply, x, out)
            })
        }
    })
}

// ---------------------------------------------------------------------------------------------
// Threads, interruption, version

/// Sets the thread count of every later call (safe while other threads run kernels);
/// `0` restores the default (`SPEEDUP_NUM_THREADS`, else `OMP_NUM_THREADS`, else the CPUs this
/// process may use).
#[no_mangle]
pub extern "C" fn speedup_set_num_threads(n: usize) -> speedup_status {
    boundary("set_num_threads", || Ok(core::threads::set_num_threads(n)?))
}

/// The thread count the next call will use.
#[no_mangle]
pub extern "C" fn speedup_get_num_threads() -> usize {
    std::panic::catch_unwind(core::threads::get_num_threads).unwrap_or(1)
}

/// Asks every running speedup call to stop with `SPEEDUP_ERR_INTERRUPTED`, writing nothing.
/// Async-signal-safe: call it from a SIGINT handler. Calls started later are not affected.
#[no_mangle]
pub extern "C" fn speedup_request_interrupt() {
    core::cancel::request_interrupt();
}

/// The library version, e.g. `"0.2.0"` (static, NUL-terminated).
#[no_mangle]
pub extern "C" fn speedup_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

/// The configuration report of this library, as `speedup_config` writes it: the lines of
/// `speedup_core::config::report` (version, build, threads and their source, SIMD paths), then
/// `legacy` (`yes` when the legacy routines are compiled in, else `no`) and `openmp` (the
/// runtime the legacy routines use and its file, or `none`).
pub fn config_report() -> String {
    let mut text = core::config::report();
    #[cfg(feature = "legacy")]
    text.push_str(&format!(
        "legacy: yes\nopenmp: {}\n",
        legacy::openmp_runtime()
    ));
    #[cfg(not(feature = "legacy"))]
    text.push_str("legacy: no\nopenmp: none\n");
    text
}

/// Copies speedup's configuration report into `buf` (NUL-terminated, truncated to `len - 1`
/// bytes) and returns the report's full length in bytes, like `snprintf` and
/// `speedup_last_error`: call it with `(NULL, 0)` for the length, then with a buffer one byte
/// longer. `buf` may be NULL when `len` is 0; a NULL `buf` with `len > 0` is treated the same
/// (nothing is written). Thread-safe; the report is read at each call.
///
/// The report is plain text, one `key: value` line per fact, keys in a fixed order:
/// `version`, `target`, `profile` (`release`/`debug`), `opt_level`, `debug_assertions`
/// (`yes`/`no`), `cpus` (the CPUs this process may use), `threads` (= `speedup_get_num_threads()`),
/// `threads_source` (`SPEEDUP_NUM_THREADS`, `OMP_NUM_THREADS`, `cpus` or `set_num_threads`),
/// `cpu_features`, `simd.<family>` (the instruction set each kernel family runs on here:
/// `avx512`, `avx2`, `popcnt`, `baseline` or `scalar`), `calibration` (what the measurement behind the
/// cut-offs found), `cutoff.<kernel>` (the kernel's serial/parallel cut-off at `threads` and
/// where it comes from: `calibrated`, `default` or the environment variable), `legacy`
/// (`yes`/`no`) and `openmp` (the OpenMP runtime of the legacy routines and its file, or
/// `none`). Later versions may add keys. With more than one thread, the first report (or
/// kernel call) measures the cut-offs: about a millisecond, once per process.
#[no_mangle]
pub unsafe extern "C" fn speedup_config(buf: *mut c_char, len: usize) -> usize {
    std::panic::catch_unwind(|| {
        let text = config_report();
        if !buf.is_null() && len > 0 {
            let n = text.len().min(len - 1);
            // SAFETY: the caller promises `buf` holds `len` bytes; we write n + 1 <= len.
            unsafe {
                std::ptr::copy_nonoverlapping(text.as_ptr().cast::<c_char>(), buf, n);
                *buf.add(n) = 0;
            }
        }
        text.len()
    })
    .unwrap_or(0)
}
