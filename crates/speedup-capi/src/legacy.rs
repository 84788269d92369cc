//! `speedup_legacy_<kernel>`: the lab's legacy C and Fortran OpenMP routines (through the safe
//! wrappers of `speedup-legacy`) behind the same door as the Rust kernels, with the same
//! signature shape, the same checks, status codes and messages. The thread knob
//! (`speedup_set_num_threads`) sets their OpenMP thread count on whichever thread calls.
//!
//! Each function repeats its Rust twin's signature on purpose: cbindgen writes
//! speedup_legacy.h only from `extern "C"` functions written out in full (not from a macro).
//! The bodies are the twins' door helpers of doors.rs, handed the legacy routine. (The C routines
//! under them are declared again, with the same shapes, by speedup-legacy-sys's bindgen
//! bindings: an FFI import spells its signature out as an export does.)

use speedup_legacy as legacy;

use crate::status::speedup_status;
use crate::{
    closest_pair_door, comb, laplacian_door, mandelbrot_door, many, reduction, scalar, scalar_pair,
    second_derivative_door,
};

/// Legacy plain left-to-right sum (Fortran) of `x[0..n]` into `*out`.
#[no_mangle]
pub unsafe extern "C" fn speedup_legacy_sum(
    x: *const f64,
    n: usize,
    out: *mut f64,
) -> speedup_status {
    unsafe { reduction("sum", x, n, out, |x| Ok(legacy::sum(x))) }
}

/// Legacy mean (Fortran, OpenMP reduction) into `*out`. Errors when `n == 0`.
#[no_mangle]
pub unsafe extern "C" fn speedup_legacy_mean(
    x: *const f64,
    n: usize,
    out: *mut f64,
) -> speedup_status {
    unsafe { reduction("mean", x, n, out, legacy::mean) }
}

/// Legacy two-pass standard deviation (Fortran, OpenMP reductions) into `*out`.
/// Errors when `n == 0` or `ddof >= n`.
#[no_mangle]
pub unsafe extern "C" fn speedup_legacy_std(
    x: *const f64,
    n: usize,
    ddof: usize,
    out: *mut f64,
) -> speedup_status {
    unsafe { reduction("std", x, n, out, |x| legacy::std(x, ddof)) }
}

/// Legacy second derivative (Fortran); same shapes and rules as `speedup_second_derivative`.
#[no_mangle]
pub unsafe extern "C" fn speedup_legacy_second_derivative(
    f: *const f64,
    n: usize,
    dx: f64,
    out: *mut f64,
    out_len: usize,
) -> speedup_status {
    unsafe { second_derivative_door(legacy::second_derivative, f, n, dx, (out, out_len)) }
}

/// Legacy 5-point Laplacian (Fortran, column-major over the C grid); same shapes and rules as
/// `speedup_laplacian`.
#[no_mangle]
pub unsafe extern "C" fn speedup_legacy_laplacian(
    f: *const f64,
    rows: usize,
    cols: usize,
    dx: f64,
    dy: f64,
    out: *mut f64,
    out_len: usize,
) -> speedup_status {
    unsafe { laplacian_door(legacy::laplacian, f, (rows, cols), dx, dy, out, out_len) }
}

/// Legacy forward comb filter (C, OpenMP over rows); same shapes as `speedup_comb_forward`.
#[no_mangle]
pub unsafe extern "C" fn speedup_legacy_comb_forward(
    x: *const f64,
    n: usize,
    k: usize,
    tau: usize,
    alpha: f64,
    out: *mut f64,
    out_len: usize,
) -> speedup_status {
    let run = legacy::comb_forward;
    unsafe { comb("comb_forward", run, x, (n, k), tau, alpha, out, out_len) }
}

/// Legacy backward comb filter (C, OpenMP over columns); same shapes as
/// `speedup_comb_backward`.
#[no_mangle]
pub unsafe extern "C" fn speedup_legacy_comb_backward(
    x: *const f64,
    n: usize,
    k: usize,
    tau: usize,
    alpha: f64,
    out: *mut f64,
    out_len: usize,
) -> speedup_status {
    let run = legacy::comb_backward;
    unsafe { comb("comb_backward", run, x, (n, k), tau, alpha, out, out_len) }
}

/// Legacy trial-division primality test (C) into `*out`.
#[no_mangle]
pub unsafe extern "C" fn speedup_legacy_is_prime(n: u64, out: *mut bool) -> speedup_status {
    scalar("is_prime", "out", out, || Ok(legacy::is_prime(n)))
}

/// Legacy `is_prime` of each `n[i]` (a loop of calls); `out_len == len`.
#[no_mangle]
pub unsafe extern "C" fn speedup_legacy_is_prime_many(
    n: *const u64,
    len: usize,
    out: *mut bool,
    out_len: usize,
) -> speedup_status {
    unsafe { many("is_prime_many", legacy::is_prime_many, n, len, out, out_len) }
}

/// Legacy sum of the primes below `n` (C, trial division per candidate, OpenMP reduction);
/// `SPEEDUP_ERR_OVERFLOW` when it does not fit.
#[no_mangle]
pub unsafe extern "C" fn speedup_legacy_sum_primes_below(n: u64, out: *mut u64) -> speedup_status {
    scalar("sum_primes_below", "out", out, || {
        legacy::sum_primes_below(n)
    })
}

/// Legacy `sum_primes_below` of each `n[i]` (a loop of calls); `out_len == len`.
#[no_mangle]
pub unsafe extern "C" fn speedup_legacy_sum_primes_below_many(
    n: *const u64,
    len: usize,
    out: *mut u64,
    out_len: usize,
) -> speedup_status {
    let run = legacy::sum_primes_below_many;
    unsafe { many("sum_primes_below_many", run, n, len, out, out_len) }
}

/// Legacy brute-force O(n^2) closest pair (C); same arguments and rules as
/// `speedup_closest_pair`.
#[no_mangle]
pub unsafe extern "C" fn speedup_legacy_closest_pair(
    points: *const f64,
    n: usize,
    i: *mut usize,
    j: *mut usize,
    dist: *mut f64,
) -> speedup_status {
    unsafe { closest_pair_door(legacy::closest_pair, points, n, (i, j, dist)) }
}

/// Legacy Mandelbrot escape counts (C, OpenMP schedule(dynamic)); same arguments and rules as
/// `speedup_mandelbrot`.
#[no_mangle]
pub unsafe extern "C" fn speedup_legacy_mandelbrot(
    c: *const f64,
    n: usize,
    max_iter: i32,
    out: *mut i32,
    out_len: usize,
) -> speedup_status {
    unsafe { mandelbrot_door(legacy::mandelbrot, c, n, max_iter, (out, out_len)) }
}

/// Diagnostic: opens one legacy OpenMP parallel region on the calling thread, as every legacy
/// routine does, and reports its team size (`omp_get_num_threads()` inside it) in `*team` and
/// the number of distinct OpenMP threads that ran in `*distinct`. Both equal
/// `speedup_get_num_threads()` when the knob reaches OpenMP.
#[no_mangle]
pub unsafe extern "C" fn speedup_legacy_omp_team_size(
    team: *mut usize,
    distinct: *mut usize,
) -> speedup_status {
    const K: &str = "legacy_omp_team_size";
    scalar_pair(K, ("team", team), ("distinct", distinct), || {
        Ok(legacy::omp_team_size())
    })
}

/// cbindgen:ignore
mod omp {
    extern "C" {
        /// An entry point of the OpenMP runtime the legacy routines are linked with (through
        /// `openmp-sys`); only its address is used, to find that runtime's file.
        pub(super) fn omp_get_max_threads() -> std::ffi::c_int;
    }
}

/// The OpenMP runtime in this process, for the configuration report: its name and the file it
/// was loaded from (`libgomp (/usr/lib/x86_64-linux-gnu/libgomp.so.1)`), found with `dladdr` on
/// one of its functions; `linked` when the file cannot be told.
pub(crate) fn openmp_runtime() -> String {
    let mut info = std::mem::MaybeUninit::<libc::Dl_info>::zeroed();
    let addr = omp::omp_get_max_threads as *const std::ffi::c_void;
    // SAFETY: dladdr only reads the address and fills `info`; it returns 0 when it cannot.
    let found = unsafe { libc::dladdr(addr, info.as_mut_ptr()) } != 0;
    // SAFETY: zero-initialised, and filled by dladdr when `found`.
    let info = unsafe { info.assume_init() };
    if !found || info.dli_fname.is_null() {
        return "linked".to_owned();
    }
    // SAFETY: dladdr gives a NUL-terminated path owned by the loader.
    let path = unsafe { std::ffi::CStr::from_ptr(info.dli_fname) }.to_string_lossy();
    let file = path.rsplit('/').next().unwrap_or(&path);
    let name = file.split('.').next().unwrap_or(file);
    format!("{name} ({path})")
}
