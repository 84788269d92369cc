//! `speedup_legacy_<kernel>`: the lab's legacy C and Fortran OpenMP routines (through the safe
//! wrappers of `speedup-legacy`) behind the same door as the Rust kernels, with the same
//! signature shape, the same checks, status codes and messages. The thread knob
//! (`speedup_set_num_threads`) sets their OpenMP thread count on whichever thread calls.

use speedup_core as core;
use speedup_legacy as legacy;

use crate::args::{expect_len, product, scalar_out, Raw};
use crate::status::{boundary, speedup_status};
use crate::{comb, put, view2, view2_mut};

/// Legacy plain left-to-right sum (Fortran) of `x[0..n]` into `*out`.
#[no_mangle]
pub unsafe extern "C" fn speedup_legacy_sum(
    x: *const f64,
    n: usize,
    out: *mut f64,
) -> speedup_status {
    const K: &str = "sum";
    boundary(K, || {
        let x = unsafe { Raw::new(K, "x", x, n).input()? };
        let out = scalar_out(K, "out", out)?;
        put(out, legacy::sum(x));
        Ok(())
    })
}

/// Legacy mean (Fortran, OpenMP reduction) into `*out`. Errors when `n == 0`.
#[no_mangle]
pub unsafe extern "C" fn speedup_legacy_mean(
    x: *const f64,
    n: usize,
    out: *mut f64,
) -> speedup_status {
    const K: &str = "mean";
    boundary(K, || {
        let x = unsafe { Raw::new(K, "x", x, n).input()? };
        let out = scalar_out(K, "out", out)?;
        put(out, legacy::mean(x)?);
        Ok(())
    })
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
    const K: &str = "std";
    boundary(K, || {
        let x = unsafe { Raw::new(K, "x", x, n).input()? };
        let out = scalar_out(K, "out", out)?;
        put(out, legacy::std(x, ddof)?);
        Ok(())
    })
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
    const K: &str = "second_derivative";
    boundary(K, || {
        let f_raw = Raw::new(K, "f", f, n).checked()?;
        let out_raw = Raw::new(K, "out", out.cast_const(), out_len);
        if n >= 3 {
            expect_len(K, "out_len", "n - 2", n - 2, out_len)?;
        }
        let f = unsafe { f_raw.input()? };
        let out = unsafe { out_raw.output(&[f_raw.span()])? };
        legacy::second_derivative(f, dx, out)?;
        Ok(())
    })
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
    const K: &str = "laplacian";
    boundary(K, || {
        let n = product(K, "rows * cols", rows, cols)?;
        let f_raw = Raw::new(K, "f", f, n).checked()?;
        let out_raw = Raw::new(K, "out", out.cast_const(), out_len);
        let (orows, ocols) = (rows.saturating_sub(2), cols.saturating_sub(2));
        if rows >= 3 && cols >= 3 {
            expect_len(
                K,
                "out_len",
                "(rows - 2) * (cols - 2)",
                orows * ocols,
                out_len,
            )?;
        }
        let f = view2(K, unsafe { f_raw.input()? }, rows, cols)?;
        let out = unsafe { out_raw.output(&[f_raw.span()])? };
        let out = if rows >= 3 && cols >= 3 {
            view2_mut(K, out, orows, ocols)?
        } else {
            view2_mut(K, out, 0, 0)?
        };
        legacy::laplacian(f, dx, dy, out)?;
        Ok(())
    })
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
    unsafe {
        comb(
            "comb_forward",
            legacy::comb_forward,
            x,
            n,
            k,
            tau,
            alpha,
            out,
            out_len,
        )
    }
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
    unsafe {
        comb(
            "comb_backward",
            legacy::comb_backward,
            x,
            n,
            k,
            tau,
            alpha,
            out,
            out_len,
        )
    }
}

/// Legacy trial-division primality test (C) into `*out`.
#[no_mangle]
pub unsafe extern "C" fn speedup_legacy_is_prime(n: u64, out: *mut bool) -> speedup_status {
    const K: &str = "is_prime";
    boundary(K, || {
        let out = scalar_out(K, "out", out)?;
        put(out, legacy::is_prime(n));
        Ok(())
    })
}

/// Legacy `is_prime` of each `n[i]` (a loop of calls); `out_len == len`.
#[no_mangle]
pub unsafe extern "C" fn speedup_legacy_is_prime_many(
    n: *const u64,
    len: usize,
    out: *mut bool,
    out_len: usize,
) -> speedup_status {
    const K: &str = "is_prime_many";
    boundary(K, || {
        let n_raw = Raw::new(K, "n", n, len).checked()?;
        let out_raw = Raw::new(K, "out", out.cast_const(), out_len);
        expect_len(K, "out_len", "len", len, out_len)?;
        let n = unsafe { n_raw.input()? };
        let out = unsafe { out_raw.output(&[n_raw.span()])? };
        legacy::is_prime_many(n, out)?;
        Ok(())
    })
}

/// Legacy sum of the primes below `n` (C, trial division per candidate, OpenMP reduction);
/// `SPEEDUP_ERR_OVERFLOW` when it does not fit.
#[no_mangle]
pub unsafe extern "C" fn speedup_legacy_sum_primes_below(n: u64, out: *mut u64) -> speedup_status {
    const K: &str = "sum_primes_below";
    boundary(K, || {
        let out = scalar_out(K, "out", out)?;
        put(out, legacy::sum_primes_below(n)?);
        Ok(())
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
    const K: &str = "sum_primes_below_many";
    boundary(K, || {
        let n_raw = Raw::new(K, "n", n, len).checked()?;
        let out_raw = Raw::new(K, "out", out.cast_const(), out_len);
        expect_len(K, "out_len", "len", len, out_len)?;
        let n = unsafe { n_raw.input()? };
        let out = unsafe { out_raw.output(&[n_raw.span()])? };
        legacy::sum_primes_below_many(n, out)?;
        Ok(())
    })
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
    const K: &str = "closest_pair";
    boundary(K, || {
        let len = product(K, "n * 2", n, 2)?;
        let pts = unsafe { Raw::new(K, "points", points, len).input()? };
        let (i, j, dist) = (
            scalar_out(K, "i", i)?,
            scalar_out(K, "j", j)?,
            scalar_out(K, "dist", dist)?,
        );
        let pair = legacy::closest_pair(view2(K, pts, n, 2)?)?;
        put(i, pair.i);
        put(j, pair.j);
        put(dist, pair.dist);
        Ok(())
    })
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
    const K: &str = "mandelbrot";
    boundary(K, || {
        product(K, "2 * n", n, 2)?;
        let c_raw = Raw::new(K, "c", c.cast::<core::Complex64>(), n).checked()?;
        let out_raw = Raw::new(K, "out", out.cast_const(), out_len);
        expect_len(K, "out_len", "n", n, out_len)?;
        let c = unsafe { c_raw.input()? };
        let out = unsafe { out_raw.output(&[c_raw.span()])? };
        legacy::mandelbrot(c, max_iter, out)?;
        Ok(())
    })
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
    boundary(K, || {
        let (team, distinct) = (
            scalar_out(K, "team", team)?,
            scalar_out(K, "distinct", distinct)?,
        );
        let (t, d) = legacy::omp_team_size();
        put(team, t);
        put(distinct, d);
        Ok(())
    })
}
