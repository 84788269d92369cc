//! The comb filters over views of any strides (Fortran order, transposes, `x[::2]`): read and
//! written in place, with the flat paths' operations element for element, so the bits are the
//! same as for a C-ordered copy.

use ndarray::{s, ArrayView2, ArrayViewMut2, Zip};

use super::TASK_ROWS;
use crate::real::Real;
use crate::threads;

/// `y[t] = x[t]` for `t < tau`, `x[t] + alpha*x[t - tau]` after: element-wise, so blocks of rows
/// run in parallel, each through `Zip` (which walks the views in their memory order).
pub(super) fn forward<T: Real>(x: ArrayView2<T>, tau: usize, alpha: T, out: ArrayViewMut2<T>) {
    let block = |first: usize, mut o: ArrayViewMut2<T>| {
        let end = first + o.nrows();
        let head = tau.clamp(first, end) - first;
        Zip::from(o.slice_mut(s![..head, ..]))
            .and(x.slice(s![first..first + head, ..]))
            .for_each(|y, &v| *y = v.canon());
        if first + head < end {
            let (now, before) = (first + head, first + head - tau);
            Zip::from(o.slice_mut(s![head.., ..]))
                .and(x.slice(s![now..end, ..]))
                .and(x.slice(s![before..end - tau, ..]))
                .for_each(|y, &v, &p| *y = (v + alpha * p).canon());
        }
    };
    let parallel = threads::go_parallel(x.len(), threads::Kernel::CombForward);
    threads::row_blocks(parallel, out, TASK_ROWS, block);
}

/// `y[t] = x[t]` for `t < tau`, `x[t] + alpha*y[t - tau]` after, column by column (each column
/// a strided lane; a NaN is canonicalised as it is stored, which gives the flat path's bits:
/// a NaN stays NaN through the recurrence whatever its payload).
pub(super) fn backward<T: Real>(x: ArrayView2<T>, tau: usize, alpha: T, mut out: ArrayViewMut2<T>) {
    let n = x.nrows();
    for (xc, mut yc) in x.columns().into_iter().zip(out.columns_mut()) {
        for t in 0..n.min(tau) {
            yc[t] = xc[t].canon();
        }
        for t in tau..n {
            yc[t] = (xc[t] + alpha * yc[t - tau]).canon();
        }
    }
}
