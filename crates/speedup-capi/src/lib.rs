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
//! exported beside the kernels as `speedup_legacy_<kernel>` (each written with its kernel's export,
//! declared in `include/speedup_legacy.h`), with the same signatures, checks and messages.
//!
//! Exports that share a signature and a body (the legacy twins, the `float` twins, the variants
//! along axes and over strided arrays) are written once each with `exports!` (module `exports`).

#![allow(clippy::missing_safety_doc)] // the safety contract is the C header's documentation

// `exports!`, for the modules below.
#[macro_use]
mod exports;

mod args;
mod axes;
mod doors;
/// cbindgen:ignore
#[cfg(feature = "fault-injection")]
mod fault;
#[cfg(feature = "legacy")]
mod legacy;
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
// The contract's kernels, each beside its legacy routine (`speedup_legacy_<kernel>`, declared in
// speedup_legacy.h; the module `legacy` has the rest of the legacy door), and
// `speedup_mandelbrot_f32` beside `speedup_mandelbrot`. A family shares the signature, the checks,
// the status codes and the messages; `run` is the kernel each export calls.

// Reductions

exports! {
    fn(x: *const f64, n: usize, out: *mut f64) {
        unsafe { reduction("sum", x, n, out, |x| Ok(run(x))) }
    }
    /// The deterministic blocked sum of `x[0..n]` into `*out` (0.0 when `n == 0`; NaN propagates).
    speedup_sum(run = core::sum);
    /// Legacy plain left-to-right sum (Fortran) of `x[0..n]` into `*out`.
    #[cfg(feature = "legacy")]
    speedup_legacy_sum(run = speedup_legacy::sum);

    fn(x: *const f64, n: usize, out: *mut f64) {
        unsafe { reduction("mean", x, n, out, run) }
    }
    /// The mean `sum(x) / n` into `*out`. Errors when `n == 0`.
    speedup_mean(run = core::mean);
    /// Legacy mean (Fortran, OpenMP reduction) into `*out`. Errors when `n == 0`.
    #[cfg(feature = "legacy")]
    speedup_legacy_mean(run = speedup_legacy::mean);

    fn(x: *const f64, n: usize, ddof: usize, out: *mut f64) {
        unsafe { reduction("std", x, n, out, |x| run(x, ddof)) }
    }
    /// The two-pass standard deviation `sqrt(sum((x_i - m)^2) / (n - ddof))` into `*out`.
    /// Errors when `n == 0` or `ddof >= n`.
    speedup_std(run = core::std);
    /// Legacy two-pass standard deviation (Fortran, OpenMP reductions) into `*out`.
    /// Errors when `n == 0` or `ddof >= n`.
    #[cfg(feature = "legacy")]
    speedup_legacy_std(run = speedup_legacy::std);

    // Stencils
    fn(f: *const f64, n: usize, dx: f64, out: *mut f64, out_len: usize) {
        unsafe { second_derivative_door(run, f, n, dx, (out, out_len)) }
    }
    /// `out[i] = ((f[i] - 2 f[i+1]) + f[i+2]) * (1/(dx*dx))` for `i < n - 2`; `out_len == n - 2`.
    speedup_second_derivative(run = core::second_derivative);
    /// Legacy second derivative (Fortran); same shapes and rules as `speedup_second_derivative`.
    #[cfg(feature = "legacy")]
    speedup_legacy_second_derivative(run = speedup_legacy::second_derivative);

    fn(f: *const f64, rows: usize, cols: usize, dx: f64, dy: f64, out: *mut f64, out_len: usize) {
        unsafe { laplacian_door(run, f, (rows, cols), dx, dy, out, out_len) }
    }
    /// The 5-point Laplacian of the `rows x cols` grid `f` into `out`, `(rows-2) x (cols-2)`.
    speedup_laplacian(run = core::laplacian);
    /// Legacy 5-point Laplacian (Fortran, column-major over the C grid); same shapes and rules as
    /// `speedup_laplacian`.
    #[cfg(feature = "legacy")]
    speedup_legacy_laplacian(run = speedup_legacy::laplacian);

    // Comb filters
    fn(x: *const f64, n: usize, k: usize, tau: usize, alpha: f64, out: *mut f64, out_len: usize) {
        unsafe { comb(name, run, x, (n, k), tau, alpha, out, out_len) }
    }
    /// Forward comb filter of the `n x k` signal `x` along axis 0: `y[t] = x[t] + alpha x[t-tau]`
    /// for `t >= tau`, else `x[t]`. `k = 1` for a 1-D signal; `out_len == n * k`.
    speedup_comb_forward(name = "comb_forward", run = core::comb_forward);
    /// Legacy forward comb filter (C, OpenMP over rows); same shapes as `speedup_comb_forward`.
    #[cfg(feature = "legacy")]
    speedup_legacy_comb_forward(name = "comb_forward", run = speedup_legacy::comb_forward);
    /// Backward comb filter (recurrence): `y[t] = x[t] + alpha y[t-tau]` for `t >= tau`, else
    /// `x[t]`. Same shapes as `speedup_comb_forward`.
    speedup_comb_backward(name = "comb_backward", run = core::comb_backward);
    /// Legacy backward comb filter (C, OpenMP over columns); same shapes as
    /// `speedup_comb_backward`.
    #[cfg(feature = "legacy")]
    speedup_legacy_comb_backward(name = "comb_backward", run = speedup_legacy::comb_backward);

    // Primes
    fn(n: u64, out: *mut O) {
        scalar(name, "out", out, || run(n))
    }
    /// `*out = true` when `n` is prime (exact for every 64-bit value).
    speedup_is_prime<O = bool>(name = "is_prime", run = |n| Ok(core::is_prime(n)));
    /// Legacy trial-division primality test (C) into `*out`.
    #[cfg(feature = "legacy")]
    speedup_legacy_is_prime<O = bool>(
        name = "is_prime",
        run = |n| Ok(speedup_legacy::is_prime(n)),
    );
    /// `*out` = the sum of all primes `p < n`; `SPEEDUP_ERR_OVERFLOW` when it does not fit, which
    /// is exactly when `n > 29505444491` (then `speedup_sum_primes_below_u128` gives it exactly).
    speedup_sum_primes_below<O = u64>(name = "sum_primes_below", run = core::sum_primes_below);
    /// Legacy sum of the primes below `n` (C, trial division per candidate, OpenMP reduction);
    /// `SPEEDUP_ERR_OVERFLOW` when it does not fit.
    #[cfg(feature = "legacy")]
    speedup_legacy_sum_primes_below<O = u64>(
        name = "sum_primes_below",
        run = speedup_legacy::sum_primes_below,
    );

    fn(n: *const u64, len: usize, out: *mut O, out_len: usize) {
        unsafe { many(name, run, n, len, out, out_len) }
    }
    /// `out[i] = is_prime(n[i])` for `i < len`; `out_len == len`.
    speedup_is_prime_many<O = bool>(name = "is_prime_many", run = core::is_prime_many);
    /// Legacy `is_prime` of each `n[i]` (a loop of calls); `out_len == len`.
    #[cfg(feature = "legacy")]
    speedup_legacy_is_prime_many<O = bool>(
        name = "is_prime_many",
        run = speedup_legacy::is_prime_many,
    );
    /// `out[i]` = the sum of primes below `n[i]`, all answered from one sieve; `out_len == len`.
    speedup_sum_primes_below_many<O = u64>(
        name = "sum_primes_below_many",
        run = core::sum_primes_below_many,
    );
    /// Legacy `sum_primes_below` of each `n[i]` (a loop of calls); `out_len == len`.
    #[cfg(feature = "legacy")]
    speedup_legacy_sum_primes_below_many<O = u64>(
        name = "sum_primes_below_many",
        run = speedup_legacy::sum_primes_below_many,
    );

    // Geometry and fractals
    fn(points: *const f64, n: usize, i: *mut usize, j: *mut usize, dist: *mut f64) {
        unsafe { closest_pair_door(run, points, n, (i, j, dist)) }
    }
    /// The closest pair among `n` points (`points` is `n x 2`, rows `(x, y)`): indices `*i < *j`
    /// (0-based) and the distance `*dist`; ties go to the smallest `(i, j)`.
    speedup_closest_pair(run = core::closest_pair);
    /// Legacy brute-force O(n^2) closest pair (C); same arguments and rules as
    /// `speedup_closest_pair`.
    #[cfg(feature = "legacy")]
    speedup_legacy_closest_pair(run = speedup_legacy::closest_pair);

    fn(c: *const P, n: usize, max_iter: i32, out: *mut i32, out_len: usize) {
        unsafe { mandelbrot_door(run, c, n, max_iter, (out, out_len)) }
    }
    /// Escape counts of the `n` complex points `c` (`2n` doubles, interleaved re, im, like C99
    /// `double complex`) into `out`, `-1` for points that did not escape in `max_iter` iterations.
    speedup_mandelbrot<P = f64>(run = core::mandelbrot);
    /// Legacy Mandelbrot escape counts (C, OpenMP schedule(dynamic)); same arguments and rules as
    /// `speedup_mandelbrot`.
    #[cfg(feature = "legacy")]
    speedup_legacy_mandelbrot<P = f64>(run = speedup_legacy::mandelbrot);
    /// Escape counts of the `n` complex points `c` (`2n` floats, interleaved re, im, like C99
    /// `float complex`) into `out`, `-1` for points that did not escape in `max_iter` iterations;
    /// the iteration of `speedup_mandelbrot` computed in `float`.
    speedup_mandelbrot_f32<P = f32>(run = core::mandelbrot_f32);
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
/// `cpu_features`, `simd_limit` (`none`, or `avx2 (SPEEDUP_SIMD)` / `baseline (SPEEDUP_SIMD)`
/// where that variable keeps the kernels off the wider extensions), `simd.<family>` (the
/// instruction set each kernel family runs on here:
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
