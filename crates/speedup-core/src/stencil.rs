//! Finite-difference stencils: `second_derivative` (1-D) and `laplacian` (2-D, 5 points).
//! Every output element is one formula of its neighbours, so serial and parallel runs give the
//! same bits trivially; rows are handed out to the pool in blocks.

use ndarray::{ArrayView2, ArrayViewMut2};
use rayon::prelude::*;

use crate::error::{check_len, check_shape};
use crate::error::{Error, Result};
use crate::layout::with_c_order;
use crate::nan::canon;
use crate::threads;

/// The default cut-off (`crate::calibrate` measures one per machine): below this many output
/// elements the stencils run on the calling thread.
pub const PARALLEL_CUTOFF: usize = 1 << 18;
/// Output elements per parallel task.
const TASK: usize = 1 << 14;

fn check_step(kernel: &'static str, arg: &'static str, h: f64) -> Result<()> {
    if h == 0.0 || !h.is_finite() {
        return Err(Error::invalid(
            kernel,
            arg,
            format!("must be finite and nonzero, got {h}"),
        ));
    }
    Ok(())
}

#[inline(always)]
fn d2_row_generic(f: &[f64], scale: f64, out: &mut [f64]) {
    for (o, w) in out.iter_mut().zip(f.windows(3)) {
        *o = canon(((w[0] - 2.0 * w[1]) + w[2]) * scale);
    }
}

avx2_dispatch!(fn d2_row => d2_row_generic(f: &[f64], scale: f64, out: &mut [f64]));

/// The output length of `second_derivative` over `n` points, `n - 2`, after its rules on `f`
/// and `dx` (the one place that says both; the doors ask it for the shape they allocate).
pub fn second_derivative_len(n: usize, dx: f64) -> Result<usize> {
    d2_len("second_derivative_len", n, dx)
}

/// The shape rule of `second_derivative`: `n - 2` outputs, `None` below 3 points.
pub fn second_derivative_out_len(n: usize) -> Option<usize> {
    n.checked_sub(2).filter(|&m| m >= 1)
}

fn d2_len(kernel: &'static str, n: usize, dx: f64) -> Result<usize> {
    let Some(len) = second_derivative_out_len(n) else {
        return Err(Error::invalid(
            kernel,
            "f",
            format!("must have at least 3 elements, got {n}"),
        ));
    };
    check_step(kernel, "dx", dx)?;
    Ok(len)
}

/// The bad-input rules of `second_derivative` (shared with the legacy twin).
pub fn check_second_derivative(n: usize, dx: f64, out_len: usize) -> Result<()> {
    const K: &str = "second_derivative";
    check_len(K, "out", d2_len(K, n, dx)?, out_len)
}

/// The bad-input rules of `laplacian` (shared with the legacy twin), for a grid of shape `dim`.
pub fn check_laplacian(
    dim: (usize, usize),
    dx: f64,
    dy: f64,
    out_dim: (usize, usize),
) -> Result<()> {
    const K: &str = "laplacian";
    check_shape(K, "out", lap_shape(K, dim, dx, dy)?, out_dim)
}

/// The output shape of `laplacian` over a grid of shape `dim`, `(rows - 2, cols - 2)`, after
/// its rules on `f`, `dx` and `dy` (the one place that says both; the doors ask it for the
/// shape they allocate).
pub fn laplacian_shape(dim: (usize, usize), dx: f64, dy: f64) -> Result<(usize, usize)> {
    lap_shape("laplacian_shape", dim, dx, dy)
}

fn lap_shape(
    kernel: &'static str,
    dim: (usize, usize),
    dx: f64,
    dy: f64,
) -> Result<(usize, usize)> {
    let Some(out) = laplacian_out_dim(dim) else {
        let (rows, cols) = dim;
        return Err(Error::invalid(
            kernel,
            "f",
            format!("must be at least 3x3, got {rows}x{cols}"),
        ));
    };
    check_step(kernel, "dx", dx)?;
    check_step(kernel, "dy", dy)?;
    Ok(out)
}

/// The shape rule of `laplacian`: `(rows - 2, cols - 2)`, `None` below a 3x3 grid.
pub fn laplacian_out_dim(dim: (usize, usize)) -> Option<(usize, usize)> {
    let (rows, cols) = dim;
    (rows >= 3 && cols >= 3).then(|| (rows - 2, cols - 2))
}

/// `out[i] = ((f[i] - 2*f[i+1]) + f[i+2]) * (1/(dx*dx))`, `out.len() == f.len() - 2`.
pub fn second_derivative(f: &[f64], dx: f64, out: &mut [f64]) -> Result<()> {
    check_second_derivative(f.len(), dx, out.len())?;
    let scale = 1.0 / (dx * dx);
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
    Ok(())
}

avx2_dispatch!(
    /// One output row of the Laplacian from input rows `up`, `mid`, `down` (all `cols` long).
    fn lap_row => lap_row_generic(up: &[f64], mid: &[f64], down: &[f64], ax: f64, ay: f64, c: f64, out: &mut [f64])
);

#[inline(always)]
fn lap_row_generic(
    up: &[f64],
    mid: &[f64],
    down: &[f64],
    ax: f64,
    ay: f64,
    c: f64,
    out: &mut [f64],
) {
    let n = out.len();
    let (up, down) = (&up[1..n + 1], &down[1..n + 1]);
    let (left, centre, right) = (&mid[..n], &mid[1..n + 1], &mid[2..n + 2]);
    for j in 0..n {
        out[j] = canon(((up[j] + down[j]) * ax + (left[j] + right[j]) * ay) - centre[j] * c);
    }
}

/// The 5-point Laplacian of the contract; `out` has shape `(rows - 2, cols - 2)`.
///
/// Any memory layout is accepted; C-contiguous inputs take the fast path, others are copied
/// to C order first (same values, same bits).
pub fn laplacian(f: ArrayView2<f64>, dx: f64, dy: f64, out: ArrayViewMut2<f64>) -> Result<()> {
    check_laplacian(f.dim(), dx, dy, out.dim())?;
    let cols = f.ncols();
    let ax = 1.0 / (dx * dx);
    let ay = 1.0 / (dy * dy);
    let c = 2.0 * ax + 2.0 * ay;
    let oc = cols - 2;
    with_c_order(f, out, |fs, o| {
        let compute = |o: &mut [f64], first_row: usize| {
            for (r, orow) in o.chunks_exact_mut(oc).enumerate() {
                let i = first_row + r + 1;
                let row = |k: usize| &fs[k * cols..(k + 1) * cols];
                lap_row(row(i - 1), row(i), row(i + 1), ax, ay, c, orow);
            }
        };
        if threads::go_parallel(o.len(), threads::Kernel::Stencils) {
            let rows_per_task = (TASK / oc).max(1);
            threads::run(|| {
                o.par_chunks_mut(rows_per_task * oc)
                    .enumerate()
                    .for_each(|(t, chunk)| compute(chunk, t * rows_per_task));
            });
        } else {
            compute(o, 0);
        }
    });
    Ok(())
}
