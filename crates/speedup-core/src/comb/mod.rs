//! Comb filters along axis 0 of an `n x k` signal (each column filtered alone).
//!
//! forward:  `y[t] = x[t]` for `t < tau`, else `x[t] + alpha * x[t - tau]`;
//! backward: `y[t] = x[t]` for `t < tau`, else `x[t] + alpha * y[t - tau]` (a recurrence).
//! A 1-D signal is the `n x 1` case. `f64` or `f32` ([`Real`]): the same formulas in the data's
//! precision (`alpha` rounded to it first).
//!
//! Layouts: C-ordered contiguous input and output take the flat fast paths; any other strides
//! are read and written in place (the `strided` submodule), element for element the same
//! operations.

use ndarray::{ArrayView2, ArrayViewMut2};
use rayon::prelude::*;

use crate::error::check_shape;
use crate::error::{Error, Result};
use crate::real::{canon_all, Real};
use crate::threads;

mod strided;

/// The default cut-off (`crate::calibrate` measures one per machine): below this many elements
/// the forward filter runs on the calling thread.
pub const PARALLEL_CUTOFF: usize = 1 << 18;
/// Rows per parallel task for the forward filter.
const TASK_ROWS: usize = 1 << 13;

/// The bad-input rules of the comb filters (shared with the legacy twins): `tau >= 1`, `out`
/// of the shape of `x`. `kernel` is `"comb_forward"` or `"comb_backward"`.
pub fn check_comb(
    kernel: &'static str,
    tau: usize,
    x_dim: (usize, usize),
    out_dim: (usize, usize),
) -> Result<()> {
    if tau < 1 {
        return Err(Error::invalid(kernel, "tau", "must be at least 1, got 0"));
    }
    check_shape(kernel, "out", x_dim, out_dim)
}

/// Forward comb filter; `out` has the shape of `x`.
pub fn comb_forward<T: Real>(
    x: ArrayView2<T>,
    tau: usize,
    alpha: f64,
    mut out: ArrayViewMut2<T>,
) -> Result<()> {
    const K: &str = "comb_forward";
    check_comb(K, tau, x.dim(), out.dim())?;
    let (n, k) = x.dim();
    if n == 0 || k == 0 {
        return Ok(());
    }
    let alpha = T::from_f64(alpha);
    let (Some(xs), Some(ys)) = (x.to_slice(), out.as_slice_mut()) else {
        strided::forward(x, tau, alpha, out);
        return Ok(());
    };
    let lag = tau.saturating_mul(k);
    let rows = |ys: &mut [T], first: usize| forward_rows(xs, ys, first * k, lag, alpha);
    if threads::go_parallel(xs.len(), threads::Kernel::CombForward) {
        threads::run(|| {
            ys.par_chunks_mut(TASK_ROWS * k)
                .enumerate()
                .for_each(|(t, c)| rows(c, t * TASK_ROWS));
        });
    } else {
        rows(ys, 0);
    }
    Ok(())
}

#[inline(always)]
fn forward_rows_generic<T: Real>(xs: &[T], ys: &mut [T], start: usize, lag: usize, alpha: T) {
    // The first `lag` elements are copies, the rest the formula: two branch-free loops.
    let end = start + ys.len();
    let head = lag.saturating_sub(start).min(ys.len());
    let (copied, computed) = ys.split_at_mut(head);
    for (y, &x) in copied.iter_mut().zip(&xs[start..]) {
        *y = x.canon();
    }
    if computed.is_empty() {
        return;
    }
    let first = start + head; // >= lag
    let (now, before) = (&xs[first..end], &xs[first - lag..end - lag]);
    for ((y, &x), &p) in computed.iter_mut().zip(now).zip(before) {
        *y = (x + alpha * p).canon();
    }
}

avx2_dispatch!(
    /// `ys` = the forward filter's outputs from C-order element `start` on.
    fn forward_rows<T: Real> => forward_rows_generic(xs: &[T], ys: &mut [T], start: usize, lag: usize, alpha: T)
);

avx2_dispatch!(
    /// The backward recurrence over a C-ordered `n x k` signal, all columns at once: element
    /// `t` depends on element `t - lag` only (`lag = tau * k`), so there are `lag` independent
    /// lanes.
    fn backward_serial<T: Real> => backward_serial_generic(xs: &[T], ys: &mut [T], lag: usize, alpha: T)
);

#[inline(always)]
fn backward_serial_generic<T: Real>(xs: &[T], ys: &mut [T], lag: usize, alpha: T) {
    match lag {
        1 => backward_lanes::<1, T>(xs, ys, alpha),
        2 => backward_lanes::<2, T>(xs, ys, alpha),
        3 => backward_lanes::<3, T>(xs, ys, alpha),
        4 => backward_lanes::<4, T>(xs, ys, alpha),
        5 => backward_lanes::<5, T>(xs, ys, alpha),
        6 => backward_lanes::<6, T>(xs, ys, alpha),
        7 => backward_lanes::<7, T>(xs, ys, alpha),
        8 => backward_lanes::<8, T>(xs, ys, alpha),
        _ => backward_slabs(xs, ys, lag, alpha),
    }
}

/// Few lanes (`L <= 8`): each lane's last output stays in a register, so a step is a multiply
/// and an add, never a reload of what was just stored (the store-to-load round trip would be
/// on the critical path of every step).
#[inline(always)]
fn backward_lanes<const L: usize, T: Real>(xs: &[T], ys: &mut [T], alpha: T) {
    if xs.len() <= L {
        for (y, &x) in ys.iter_mut().zip(xs) {
            *y = x.canon();
        }
        return;
    }
    let mut prev = [T::default(); L];
    prev.copy_from_slice(&xs[..L]);
    ys[..L].copy_from_slice(&prev);
    let mut yc = ys[L..].chunks_exact_mut(L);
    let mut xc = xs[L..].chunks_exact(L);
    for (y, x) in (&mut yc).zip(&mut xc) {
        for l in 0..L {
            prev[l] = x[l] + alpha * prev[l];
            y[l] = prev[l];
        }
    }
    let rest = yc.into_remainder();
    for (l, (y, &x)) in rest.iter_mut().zip(xc.remainder()).enumerate() {
        *y = x + alpha * prev[l];
    }
    // A NaN stays in its lane (`x + alpha * NaN` is NaN): the output holds one exactly when a
    // lane ends on one.
    #[allow(clippy::eq_op)] // v != v: NaN
    let nan = prev.iter().chain(rest.iter()).any(|&v| v != v);
    if nan {
        canon_all(ys);
    }
}

/// Many lanes: slabs of `lag` elements, each computed from the previous one element by element
/// (disjoint slices, which the compiler vectorises).
#[inline(always)]
fn backward_slabs<T: Real>(xs: &[T], ys: &mut [T], lag: usize, alpha: T) {
    let len = xs.len();
    let lag = lag.min(len);
    ys[..lag].copy_from_slice(&xs[..lag]);
    let mut start = lag;
    while start < len {
        let end = (start + lag).min(len);
        let (done, rest) = ys.split_at_mut(start);
        let prev = &done[start - lag..end - lag];
        for ((y, &x), &p) in rest[..end - start]
            .iter_mut()
            .zip(&xs[start..end])
            .zip(prev)
        {
            *y = x + alpha * p;
        }
        start = end;
    }
    // A NaN stays in its lane: the last `lag` outputs (each lane's last) tell whether any
    // output is one.
    #[allow(clippy::eq_op)] // v != v: NaN
    let nan = ys[len - lag..].iter().any(|&v| v != v);
    if nan {
        canon_all(ys);
    }
}

/// Backward comb filter (the recurrence); `out` has the shape of `x`.
///
/// The recurrence is serial along axis 0 by nature and memory-bound, so it runs on the calling
/// thread; `tau * k` independent lanes are computed abreast.
pub fn comb_backward<T: Real>(
    x: ArrayView2<T>,
    tau: usize,
    alpha: f64,
    mut out: ArrayViewMut2<T>,
) -> Result<()> {
    const K: &str = "comb_backward";
    check_comb(K, tau, x.dim(), out.dim())?;
    let (n, k) = x.dim();
    if n == 0 || k == 0 {
        return Ok(());
    }
    let alpha = T::from_f64(alpha);
    match (x.to_slice(), out.as_slice_mut()) {
        (Some(xs), Some(ys)) => backward_serial(xs, ys, tau.saturating_mul(k), alpha),
        _ => strided::backward(x, tau, alpha, out),
    }
    Ok(())
}
