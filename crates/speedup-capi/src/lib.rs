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

use ndarray::{ArrayView2, ArrayViewMut2};
use speedup_core as core;

use args::{expect_len, product, scalar_out, Raw};
pub use axes::*;
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

/// Writes `value` through a pointer already checked by [`scalar_out`].
fn put<T>(ptr: *mut T, value: T) {
    // SAFETY: `ptr` passed `scalar_out` (non-NULL, aligned); validity is the caller's promise.
    unsafe { ptr.write(value) }
}

fn view2<'a>(
    kernel: &'static str,
    s: &'a [f64],
    rows: usize,
    cols: usize,
) -> Result<ArrayView2<'a, f64>, Failure> {
    ArrayView2::from_shape((rows, cols), s).map_err(|e| Failure::Invalid {
        kernel,
        message: format!("bad array shape {rows}x{cols}: {e}"),
    })
}

fn view2_mut<'a, T>(
    kernel: &'static str,
    s: &'a mut [T],
    rows: usize,
    cols: usize,
) -> Result<ArrayViewMut2<'a, T>, Failure> {
    ArrayViewMut2::from_shape((rows, cols), s).map_err(|e| Failure::Invalid {
        kernel,
        message: format!("bad array shape {rows}x{cols}: {e}"),
    })
}

/// The shape shared by the element-wise calls: `input[len]` in, `out[out_len]` out, with
/// `out_len == len` (checked after the NULL checks, before anything runs).
unsafe fn elementwise<T, U>(
    kernel: &'static str,
    input: Raw<T>,
    len_name: &str,
    out: *mut U,
    out_len: usize,
    run: impl FnOnce(&[T], &mut [U]) -> core::Result<()>,
) -> CResult {
    let input = input.checked()?;
    let out_raw = Raw::new(kernel, "out", out.cast_const(), out_len);
    expect_len(kernel, "out_len", len_name, input.len(), out_len)?;
    let out = unsafe { out_raw.output(&[input.span()])? };
    run(unsafe { input.input()? }, out)?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Door bodies, shared by the Rust kernels' exports and their legacy twins (`legacy.rs`): the
// same checks in the same order, the same messages; only the kernel differs.

/// `*out = kernel(x[0..n])`: the reductions, of `double` or `float` data.
pub(crate) unsafe fn reduction<T, U>(
    kernel: &'static str,
    x: *const T,
    n: usize,
    out: *mut U,
    run: impl FnOnce(&[T]) -> core::Result<U>,
) -> speedup_status {
    boundary(kernel, || {
        let x = unsafe { Raw::new(kernel, "x", x, n).input()? };
        let out = scalar_out(kernel, "out", out)?;
        put(out, run(x)?);
        Ok(())
    })
}

/// `*out = value()`: the kernels of scalar arguments.
pub(crate) fn scalar<T>(
    kernel: &'static str,
    out_name: &'static str,
    out: *mut T,
    value: impl FnOnce() -> core::Result<T>,
) -> speedup_status {
    boundary(kernel, || {
        let out = scalar_out(kernel, out_name, out)?;
        put(out, value()?);
        Ok(())
    })
}

/// `(*a, *b) = value()`: the calls of two scalar results, each output given as `(name, ptr)`.
pub(crate) fn scalar_pair<A, B>(
    kernel: &'static str,
    (a_name, a): (&'static str, *mut A),
    (b_name, b): (&'static str, *mut B),
    value: impl FnOnce() -> Result<(A, B), Failure>,
) -> speedup_status {
    boundary(kernel, || {
        let (a, b) = (
            scalar_out(kernel, a_name, a)?,
            scalar_out(kernel, b_name, b)?,
        );
        let (va, vb) = value()?;
        put(a, va);
        put(b, vb);
        Ok(())
    })
}

pub(crate) type D2Kernel = fn(&[f64], f64, &mut [f64]) -> core::Result<()>;

pub(crate) unsafe fn second_derivative_door(
    run: D2Kernel,
    f: *const f64,
    n: usize,
    dx: f64,
    out: *mut f64,
    out_len: usize,
) -> speedup_status {
    const K: &str = "second_derivative";
    boundary(K, || {
        let f_raw = Raw::new(K, "f", f, n).checked()?;
        let out_raw = Raw::new(K, "out", out.cast_const(), out_len);
        if let Some(len) = core::stencil::second_derivative_out_len(n) {
            expect_len(K, "out_len", "n - 2", len, out_len)?;
        }
        let f = unsafe { f_raw.input()? };
        let out = unsafe { out_raw.output(&[f_raw.span()])? };
        run(f, dx, out)?;
        Ok(())
    })
}

pub(crate) type LapKernel = fn(ArrayView2<f64>, f64, f64, ArrayViewMut2<f64>) -> core::Result<()>;

pub(crate) unsafe fn laplacian_door(
    run: LapKernel,
    f: *const f64,
    rows: usize,
    cols: usize,
    dx: f64,
    dy: f64,
    out: *mut f64,
    out_len: usize,
) -> speedup_status {
    const K: &str = "laplacian";
    boundary(K, || {
        let n = product(K, "rows * cols", rows, cols)?;
        let f_raw = Raw::new(K, "f", f, n).checked()?;
        let out_raw = Raw::new(K, "out", out.cast_const(), out_len);
        let shape = core::stencil::laplacian_out_dim((rows, cols));
        let (orows, ocols) = shape.unwrap_or((0, 0));
        if shape.is_some() {
            expect_len(
                K,
                "out_len",
                "(rows - 2) * (cols - 2)",
                orows * ocols,
                out_len,
            )?;
        }
        let f = view2(K, unsafe { f_raw.input()? }, rows, cols)?;
        let out = view2_mut(K, unsafe { out_raw.output(&[f_raw.span()])? }, orows, ocols)?;
        run(f, dx, dy, out)?;
        Ok(())
    })
}

/// Element-wise kernels over `u64` queries: `out[i]` from `n[i]`, `out_len == len`.
pub(crate) unsafe fn many<U>(
    kernel: &'static str,
    run: fn(&[u64], &mut [U]) -> core::Result<()>,
    n: *const u64,
    len: usize,
    out: *mut U,
    out_len: usize,
) -> speedup_status {
    boundary(kernel, || unsafe {
        elementwise(
            kernel,
            Raw::new(kernel, "n", n, len),
            "len",
            out,
            out_len,
            run,
        )
    })
}

pub(crate) unsafe fn closest_pair_door(
    run: fn(ArrayView2<f64>) -> core::Result<core::ClosestPair>,
    points: *const f64,
    n: usize,
    i: *mut usize,
    j: *mut usize,
    dist: *mut f64,
) -> speedup_status {
    const K: &str = "closest_pair";
    boundary(K, || {
        let len = product(K, "n * 2", n, 2)?;
        let pts = unsafe { Raw::new(K, "points", points, len).input()? };
        let (i, j, dist) = (
            scalar_out(K, "i", i)?,
            scalar_out(K, "j", j)?,
            scalar_out(K, "dist", dist)?,
        );
        let pair = run(view2(K, pts, n, 2)?)?;
        put(i, pair.i);
        put(j, pair.j);
        put(dist, pair.dist);
        Ok(())
    })
}

/// The precision of a Mandelbrot door: `double` points (`speedup_mandelbrot`) or `float` ones
/// (`speedup_mandelbrot_f32`), with the kernel name each reports.
pub(crate) trait Precision {
    type Point;
    const MANDELBROT: &'static str;
}

impl Precision for f64 {
    type Point = core::Complex64;
    const MANDELBROT: &'static str = "mandelbrot";
}

impl Precision for f32 {
    type Point = core::Complex32;
    const MANDELBROT: &'static str = "mandelbrot_f32";
}

pub(crate) type MandelbrotKernel<P> = fn(&[P], i32, &mut [i32]) -> core::Result<()>;

pub(crate) unsafe fn mandelbrot_door<R: Precision>(
    run: MandelbrotKernel<R::Point>,
    c: *const R,
    n: usize,
    max_iter: i32,
    out: *mut i32,
    out_len: usize,
) -> speedup_status {
    let k = R::MANDELBROT;
    boundary(k, || {
        product(k, "n * 2", n, 2)?;
        let c = Raw::new(k, "c", c.cast::<R::Point>(), n);
        unsafe { elementwise(k, c, "n", out, out_len, |c, out| run(c, max_iter, out)) }
    })
}

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
    unsafe { second_derivative_door(core::second_derivative, f, n, dx, out, out_len) }
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
    unsafe { laplacian_door(core::laplacian, f, rows, cols, dx, dy, out, out_len) }
}

// ---------------------------------------------------------------------------------------------
// Comb filters

type CombKernel = fn(ArrayView2<f64>, usize, f64, ArrayViewMut2<f64>) -> core::Result<()>;

unsafe fn comb(
    kernel: &'static str,
    run: CombKernel,
    x: *const f64,
    n: usize,
    k: usize,
    tau: usize,
    alpha: f64,
    out: *mut f64,
    out_len: usize,
) -> speedup_status {
    boundary(kernel, || {
        let len = product(kernel, "n * k", n, k)?;
        let x_raw = Raw::new(kernel, "x", x, len).checked()?;
        let out_raw = Raw::new(kernel, "out", out.cast_const(), out_len);
        expect_len(kernel, "out_len", "n * k", len, out_len)?;
        let x = view2(kernel, unsafe { x_raw.input()? }, n, k)?;
        let out = view2_mut(kernel, unsafe { out_raw.output(&[x_raw.span()])? }, n, k)?;
        run(x, tau, alpha, out)?;
        Ok(())
    })
}

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
    unsafe { comb("comb_forward", run, x, n, k, tau, alpha, out, out_len) }
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
    unsafe { comb("comb_backward", run, x, n, k, tau, alpha, out, out_len) }
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
    unsafe { closest_pair_door(core::closest_pair, points, n, i, j, dist) }
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
    unsafe { mandelbrot_door(core::mandelbrot, c, n, max_iter, out, out_len) }
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
