//! The 1-D second derivative: the interior in parallel blocks, then the two edge cells of a
//! padded mode.

use ndarray::{s, ArrayView1, ArrayViewMut1, Axis};
use rayon::prelude::*;

use super::{ends, Mode, TASK};
use crate::real::Real;
use crate::threads;

/// `((a - 2*b) + c) * scale`, the contract's one formula.
#[inline(always)]
fn d2_one<T: Real>(a: T, b: T, c: T, scale: T) -> T {
    (((a - T::TWO * b) + c) * scale).canon()
}

#[inline(always)]
fn d2_row_generic<T: Real>(f: &[T], scale: T, out: &mut [T]) {
    for (o, w) in out.iter_mut().zip(f.windows(3)) {
        *o = d2_one(w[0], w[1], w[2], scale);
    }
}

avx2_dispatch!(fn d2_row<T: Real> => d2_row_generic(f: &[T], scale: T, out: &mut [T]));

/// The whole kernel after its checks: `out` has `f.len() - 2` cells for `Valid`, `f.len()`
/// otherwise.
pub(super) fn run<T: Real>(
    f: ArrayView1<T>,
    scale: T,
    mode: Mode,
    cval: T,
    mut out: ArrayViewMut1<T>,
) {
    if mode == Mode::Valid {
        interior(f, scale, out);
        return;
    }
    let n = f.len();
    if n >= 3 {
        interior(f, scale, out.slice_mut(s![1..n - 1]));
    }
    let at = |i: isize| mode.source(i, n).map_or(cval, |k| f[k]);
    for i in ends(n) {
        let c = i as isize;
        out[i] = d2_one(at(c - 1), f[i], at(c + 1), scale);
    }
}

/// The valid second derivative of `f` into `out` (`f.len() - 2` cells), in blocks of `TASK`
/// outputs, in parallel when worthwhile.
fn interior<T: Real>(f: ArrayView1<T>, scale: T, mut out: ArrayViewMut1<T>) {
    let len = out.len();
    if len == 0 {
        return;
    }
    if let (Some(fs), Some(os)) = (f.to_slice(), out.as_slice_mut()) {
        return contiguous(fs, scale, os);
    }
    let block = |t: usize, o: ArrayViewMut1<T>| strided_block(f, scale, t * TASK, o);
    if threads::go_parallel(len, threads::Kernel::Stencils) {
        let tasks: Vec<_> = out
            .axis_chunks_iter_mut(Axis(0), TASK)
            .enumerate()
            .collect();
        threads::run(|| tasks.into_par_iter().for_each(|(t, o)| block(t, o)));
    } else {
        for (t, o) in out.axis_chunks_iter_mut(Axis(0), TASK).enumerate() {
            block(t, o);
        }
    }
}

fn contiguous<T: Real>(f: &[T], scale: T, out: &mut [T]) {
    if threads::go_parallel(out.len(), threads::Kernel::Stencils) {
        threads::run(|| {
            out.par_chunks_mut(TASK).enumerate().for_each(|(t, o)| {
                let start = t * TASK;
                d2_row(&f[start..start + o.len() + 2], scale, o);
            })
        });
    } else {
        d2_row(f, scale, out);
    }
}

/// Outputs `start..start + out.len()` of a strided input (or output): the block's inputs are
/// gathered into a buffer (a strided load has no vector form worth having here), computed, and
/// stored through `out`'s strides when it has them.
fn strided_block<T: Real>(f: ArrayView1<T>, scale: T, start: usize, mut out: ArrayViewMut1<T>) {
    let m = out.len();
    let owned;
    let fs = match f.slice(s![start..start + m + 2]).to_slice() {
        Some(fs) => fs,
        None => {
            owned = f.slice(s![start..start + m + 2]).to_vec();
            &owned[..]
        }
    };
    match out.as_slice_mut() {
        Some(os) => d2_row(fs, scale, os),
        None => {
            let mut tmp = vec![T::default(); m];
            d2_row(fs, scale, &mut tmp);
            out.assign(&ArrayView1::from(&tmp[..]));
        }
    }
}
