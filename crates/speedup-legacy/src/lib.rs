//! # speedup-legacy
//!
//! Safe wrappers over the lab's legacy C and Fortran routines (`c_src/`, `fortran_src/legacy/`,
//! declared in `speedup-legacy-sys`). Each wrapper takes slices or `ndarray` views like the
//! `speedup-core` kernel of the same name, checks every bad-input rule of `docs/contract.md`
//! and every length **before** calling the routine (with the same [`speedup_core::Error`]
//! messages as the Rust kernel), sets the OpenMP thread count of the calling thread from
//! speedup's knob, and returns a [`speedup_core::Result`].
//!
//! ## One knob
//! OpenMP's thread count (the `nthreads-var` ICV) belongs to the thread that opens a parallel
//! region, not to the process: `omp_set_num_threads` on one thread does nothing for a region
//! opened by another. So every wrapper calls `omp_set_num_threads(effective_threads())` on the
//! calling thread right before the routine: the knob (`speedup_core::threads`), or 1 inside one of
//! speedup's own worker threads (no nested oversubscription).
//!
//! ## Fork
//! libgomp's thread pool does not survive `fork()`: in a forked child, a parallel region of
//! more than one thread waits forever for the parent's pool threads (GCC bug 60035), while a
//! region of one thread runs normally. So in a forked child (speedup counts forks:
//! `speedup_core::threads::fork_generation`, whose handler is registered when the library is
//! loaded) every wrapper runs its routine with one OpenMP thread: correct results, never a
//! hang, serial speed. The Rust kernels build a fresh pool in the child and stay parallel.
//! `tests/fork.rs` proves both.
//!
//! ## NaN
//! Every floating-point output passes through `speedup_core::nan` after the routine ran, so a
//! NaN comes out as the canonical quiet NaN, as from the Rust kernels.
//!
//! ## Layout
//! A separate crate, not a module of `speedup-core`: core stays pure Rust with no C toolchain,
//! gfortran or OpenMP runtime in its build, and only the doors that offer legacy routines
//! (`speedup-capi`, later Python and the benchmarks) pay for them.
//!
//! ## What agrees with what
//! Comb filters, stencils, Mandelbrot, `is_prime`, `sum_primes_below` and `closest_pair` agree
//! bitwise with `speedup-core`. `sum` is a plain left-to-right loop and `mean` / `std` use
//! OpenMP reductions (not speedup's compensated blocked sum): they agree within the accuracy
//! rule, and `mean` / `std` may change in the last bits with the thread count.
//! `is_prime` is trial division (up to 2^32 divisions for the largest u64 primes) and
//! `sum_primes_below` calls it for every candidate: fine for the seed sizes, slow beyond.
//! Legacy routines cannot be interrupted.

use ndarray::{ArrayView2, ArrayViewMut2};
use speedup_core::layout::with_c_order;
use speedup_core::nan::{canon, canon_slice};
use speedup_core::{check_len, threads, ClosestPair, Complex64, Error, Result};
use speedup_legacy_sys as sys;

/// The OpenMP team size the legacy routines use here and now: the knob, 1 inside a speedup
/// worker, and 1 in a forked child (see "Fork" above).
pub fn omp_threads() -> usize {
    if threads::fork_generation() > 0 {
        1
    } else {
        threads::effective_threads().max(1)
    }
}

/// Sets OpenMP's thread count for regions opened by the calling thread to [`omp_threads`].
/// Called by every wrapper right before its routine.
pub fn sync_omp_threads() {
    let n = omp_threads().min(i32::MAX as usize) as i32;
    // SAFETY: a plain setter of the calling thread's OpenMP ICV.
    unsafe { sys::omp::omp_set_num_threads(n) }
}

/// What one OpenMP region opened here and now gets: `(team size, distinct thread numbers that
/// ran)`. A diagnostic showing that the knob reaches OpenMP.
pub fn omp_team_size() -> (usize, usize) {
    sync_omp_threads();
    let mut distinct = 0;
    // SAFETY: `distinct` is a valid int the routine writes once.
    let team = unsafe { sys::legacy_omp_team_size(&mut distinct) };
    (team.max(0) as usize, distinct.max(0) as usize)
}

// ---------------------------------------------------------------------------------------------
// Reductions (Fortran)

/// Plain left-to-right sum (Fortran `legacy_sum`); empty gives 0.0.
pub fn sum(x: &[f64]) -> f64 {
    sync_omp_threads();
    // SAFETY: x.len() readable doubles.
    canon(unsafe { sys::legacy_sum(x.as_ptr(), x.len()) })
}

/// `sum(x) / n` with an OpenMP reduction (Fortran `legacy_mean`). Errors when `x` is empty.
pub fn mean(x: &[f64]) -> Result<f64> {
    speedup_core::stats::check_mean(x)?;
    sync_omp_threads();
    // SAFETY: x.len() >= 1 readable doubles.
    Ok(canon(unsafe { sys::legacy_mean(x.as_ptr(), x.len()) }))
}

/// Two-pass standard deviation (Fortran `legacy_std`). Errors when `x` is empty or
/// `ddof >= n`.
pub fn std(x: &[f64], ddof: usize) -> Result<f64> {
    speedup_core::stats::check_std(x, ddof)?;
    let n = x.len();
    sync_omp_threads();
    // SAFETY: n >= 1 readable doubles, ddof < n.
    Ok(canon(unsafe { sys::legacy_std(x.as_ptr(), n, ddof) }))
}

// ---------------------------------------------------------------------------------------------
// Stencils (Fortran)

/// `out[i] = ((f[i] - 2 f[i+1]) + f[i+2]) * (1/(dx*dx))` (Fortran `legacy_second_derivative`).
pub fn second_derivative(f: &[f64], dx: f64, out: &mut [f64]) -> Result<()> {
    speedup_core::stencil::check_second_derivative(f.len(), dx, out.len())?;
    sync_omp_threads();
    // SAFETY: f has n >= 3 elements, out has n - 2.
    unsafe { sys::legacy_second_derivative(f.as_ptr(), f.len(), dx, out.as_mut_ptr()) };
    canon_slice(out);
    Ok(())
}

/// The 5-point Laplacian (Fortran `legacy_laplacian`, column-major over the C grid);
/// `out` has shape `(rows - 2, cols - 2)`. Any layout is accepted (copied to C order).
pub fn laplacian(f: ArrayView2<f64>, dx: f64, dy: f64, out: ArrayViewMut2<f64>) -> Result<()> {
    speedup_core::stencil::check_laplacian(f.dim(), dx, dy, out.dim())?;
    let (rows, cols) = f.dim();
    sync_omp_threads();
    with_c_order(f, out, |fs, o| {
        // SAFETY: fs is rows x cols, o is (rows-2) x (cols-2), both C order.
        unsafe { sys::legacy_laplacian(fs.as_ptr(), rows, cols, dx, dy, o.as_mut_ptr()) };
        canon_slice(o);
    });
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Comb filters (C)

type CombRoutine = unsafe extern "C" fn(*const f64, usize, usize, usize, f64, *mut f64);

fn comb(
    kernel: &'static str,
    routine: CombRoutine,
    x: ArrayView2<f64>,
    tau: usize,
    alpha: f64,
    out: ArrayViewMut2<f64>,
) -> Result<()> {
    speedup_core::comb::check_comb(kernel, tau, x.dim(), out.dim())?;
    let (n, k) = x.dim();
    if n == 0 || k == 0 {
        return Ok(());
    }
    sync_omp_threads();
    with_c_order(x, out, |xs, o| {
        // SAFETY: xs and o are both n x k, C order.
        unsafe { routine(xs.as_ptr(), n, k, tau, alpha, o.as_mut_ptr()) };
        canon_slice(o);
    });
    Ok(())
}

// The two comb filters keep the signature of their `speedup-core` twins (the crate's promise:
// a wrapper takes what the kernel of the same name takes); the body is the shared `comb`.

/// Forward comb filter along axis 0 of the `n x k` signal (C `legacy_comb_forward`).
pub fn comb_forward(
    x: ArrayView2<f64>,
    tau: usize,
    alpha: f64,
    out: ArrayViewMut2<f64>,
) -> Result<()> {
    comb("comb_forward", sys::legacy_comb_forward, x, tau, alpha, out)
}

/// Backward comb filter (recurrence) along axis 0 (C `legacy_comb_backward`).
pub fn comb_backward(
    x: ArrayView2<f64>,
    tau: usize,
    alpha: f64,
    out: ArrayViewMut2<f64>,
) -> Result<()> {
    comb(
        "comb_backward",
        sys::legacy_comb_backward,
        x,
        tau,
        alpha,
        out,
    )
}

// ---------------------------------------------------------------------------------------------
// Primes (C)

/// Trial-division primality (C `legacy_is_prime`); exact for every u64, slow for big primes.
pub fn is_prime(n: u64) -> bool {
    // SAFETY: pure function of its argument.
    unsafe { sys::legacy_is_prime(n) != 0 }
}

/// `out[i] = is_prime(n[i])`, one call per value (as legacy callers loop).
pub fn is_prime_many(n: &[u64], out: &mut [bool]) -> Result<()> {
    check_len("is_prime_many", "out", n.len(), out.len())?;
    for (o, &v) in out.iter_mut().zip(n) {
        *o = is_prime(v);
    }
    Ok(())
}

fn overflow(kernel: &'static str, n: u64) -> Error {
    Error::Overflow {
        kernel,
        what: format!("the sum of primes below {n} does not fit in u64"),
    }
}

/// The bad-input rule of `sum_primes_below`, checked before the routine runs: the sum fits in
/// u64 exactly when `n <= SUM_PRIMES_BELOW_MAX_N` (the routine itself would only find out after
/// testing every candidate below `n`, which for `n` near 2^64 never ends).
fn check_sum_primes_below(kernel: &'static str, n: u64) -> Result<()> {
    if n > speedup_core::primes::SUM_PRIMES_BELOW_MAX_N {
        return Err(overflow(kernel, n));
    }
    Ok(())
}

/// The sum of the primes `p < n`: one trial-division call per candidate, OpenMP over the
/// candidates (C `legacy_sum_primes_below`); `Err(Overflow)` when the sum does not fit (refused
/// at once, like the Rust kernel).
pub fn sum_primes_below(n: u64) -> Result<u64> {
    check_sum_primes_below("sum_primes_below", n)?;
    sync_omp_threads();
    let mut s = 0;
    // SAFETY: `s` is a valid u64 the routine writes on success.
    match unsafe { sys::legacy_sum_primes_below(n, &mut s) } {
        0 => Ok(s),
        _ => Err(overflow("sum_primes_below", n)),
    }
}

/// `out[i] = sum_primes_below(n[i])`, a loop of calls (no shared sieve: that is the point of
/// the Rust kernel). Nothing is written on error.
pub fn sum_primes_below_many(n: &[u64], out: &mut [u64]) -> Result<()> {
    const K: &str = "sum_primes_below_many";
    check_len(K, "out", n.len(), out.len())?;
    // The first query that overflows (in input order) is refused before any routine runs.
    for &v in n {
        check_sum_primes_below(K, v)?;
    }
    let sums = n
        .iter()
        .map(|&v| sum_primes_below(v).map_err(|_| overflow(K, v)))
        .collect::<Result<Vec<u64>>>()?;
    out.copy_from_slice(&sums);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Mandelbrot and closest pair (C)

/// Escape counts of the points `c` (C `legacy_mandelbrot`, OpenMP schedule(dynamic)).
pub fn mandelbrot(c: &[Complex64], max_iter: i32, out: &mut [i32]) -> Result<()> {
    speedup_core::mandelbrot::check_mandelbrot(max_iter, c.len(), out.len())?;
    sync_omp_threads();
    // SAFETY: Complex64 is repr(C) {re, im}: c is 2 * len interleaved doubles; out has len ints.
    unsafe {
        sys::legacy_mandelbrot(c.as_ptr().cast(), c.len(), max_iter, out.as_mut_ptr());
    }
    Ok(())
}

/// Brute-force O(n^2) closest pair (C `legacy_closest_pair`); `points` has shape `(n, 2)`.
/// Errors when `n < 2` or a coordinate is not finite.
pub fn closest_pair(points: ArrayView2<f64>) -> Result<ClosestPair> {
    speedup_core::closest::check_closest_pair(&points)?;
    let n = points.nrows();
    let pts = points.as_standard_layout();
    let (mut i, mut j, mut d2) = (0usize, 0usize, 0.0f64);
    sync_omp_threads();
    // SAFETY: pts is n x 2 C order with n >= 2; the outputs are valid locals.
    unsafe {
        sys::legacy_closest_pair(
            pts.as_slice().expect("standard layout").as_ptr(),
            n,
            &mut i,
            &mut j,
            &mut d2,
        );
    }
    Ok(ClosestPair {
        i,
        j,
        dist: d2.sqrt(),
    })
}
