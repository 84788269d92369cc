//! Finite-difference stencils: `second_derivative` (1-D) and `laplacian` (2-D, 5 points), in
//! `f64` or `f32` ([`Real`]), over strided views, with SciPy's boundary modes ([`Mode`]).
//!
//! Every output element is one formula of its neighbours, so serial and parallel runs give the
//! same bits trivially; rows are handed out to the pool in blocks. A padded mode computes the
//! interior exactly as `Valid` does and then the one-cell ring along the edges, each edge cell
//! from the cells its mode names ([`Mode`]): no padded copy of the input is made.
//!
//! Layouts: inputs are read in place whatever their strides (in elements, any sign). The
//! Laplacian reads whole rows as slices when a row is contiguous (C order, sliced columns) and
//! otherwise swaps the axes when a column is (Fortran order, transposes: `ax`/`ay` swap, and
//! the formula's two sums are commutative IEEE additions, so the bits are the same); inputs
//! with neither (`f[::2, ::3]`) are read three rows at a time into a small rolling buffer.
//! `second_derivative` reads strided input a block at a time into a buffer of a task's size.
//! Outputs that are not contiguous along a row are computed into a row buffer and stored
//! through their strides.

mod d2;
mod lap;
mod mode;

use ndarray::{ArrayView1, ArrayView2, ArrayViewMut1, ArrayViewMut2};

use crate::error::{check_len, check_shape};
use crate::error::{Error, Result};
use crate::real::Real;

pub use mode::Mode;

/// Below this many output elements the stencils run on the calling thread (measured).
pub const PARALLEL_CUTOFF: usize = 1 << 18;
/// Output elements per parallel task.
const TASK: usize = 1 << 14;

/// The edge cells of an axis of `n` cells: none, `[0]`, or `[0, n - 1]`.
fn ends(n: usize) -> impl Iterator<Item = usize> {
    [0, n.saturating_sub(1)].into_iter().take(n.min(2))
}

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

/// The step `h` in the data's precision: still finite and nonzero there (a `float32` grid
/// cannot use `dx = 1e-50`, which rounds to 0).
fn step_in<T: Real>(kernel: &'static str, arg: &'static str, h: f64) -> Result<T> {
    check_step(kernel, arg, h)?;
    let t = T::from_f64(h);
    let back = t.to_f64();
    if back == 0.0 || !back.is_finite() {
        return Err(Error::invalid(
            kernel,
            arg,
            format!(
                "must be finite and nonzero in {}, got {h:?} (rounds to {back:?})",
                T::NAME
            ),
        ));
    }
    Ok(t)
}

/// The output length of `second_derivative` over `n` points, `n - 2`, after its rules on `f`
/// and `dx` (the one place that says both; the doors ask it for the shape they allocate).
pub fn second_derivative_len(n: usize, dx: f64) -> Result<usize> {
    d2_len("second_derivative_len", n, dx, Mode::Valid)
}

/// The output length of `second_derivative` in `mode`: `n - 2` for `Valid`, `n` otherwise,
/// after its rules on `f` and `dx` (an error names `second_derivative`, as the kernel's would:
/// the doors ask this before they allocate, and the caller called the kernel).
pub fn second_derivative_len_mode(n: usize, dx: f64, mode: Mode) -> Result<usize> {
    d2_len("second_derivative", n, dx, mode)
}

/// The shape rule of `second_derivative`: `n - 2` outputs, `None` below 3 points.
pub fn second_derivative_out_len(n: usize) -> Option<usize> {
    second_derivative_out_len_mode(n, Mode::Valid)
}

/// The shape rule of `second_derivative` in `mode`: `n - 2` outputs for `Valid` (`None` below 3
/// points), `n` for a padded mode.
pub fn second_derivative_out_len_mode(n: usize, mode: Mode) -> Option<usize> {
    match mode {
        Mode::Valid => n.checked_sub(2).filter(|&m| m >= 1),
        _ => Some(n),
    }
}

fn d2_len(kernel: &'static str, n: usize, dx: f64, mode: Mode) -> Result<usize> {
    let Some(len) = second_derivative_out_len_mode(n, mode) else {
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
    check_len(K, "out", d2_len(K, n, dx, Mode::Valid)?, out_len)
}

/// The bad-input rules of `laplacian` (shared with the legacy twin), for a grid of shape `dim`.
pub fn check_laplacian(
    dim: (usize, usize),
    dx: f64,
    dy: f64,
    out_dim: (usize, usize),
) -> Result<()> {
    const K: &str = "laplacian";
    check_shape(K, "out", lap_shape(K, dim, dx, dy, Mode::Valid)?, out_dim)
}

/// The output shape of `laplacian` over a grid of shape `dim`, `(rows - 2, cols - 2)`, after
/// its rules on `f`, `dx` and `dy` (the one place that says both; the doors ask it for the
/// shape they allocate).
pub fn laplacian_shape(dim: (usize, usize), dx: f64, dy: f64) -> Result<(usize, usize)> {
    lap_shape("laplacian_shape", dim, dx, dy, Mode::Valid)
}

/// The output shape of `laplacian` in `mode`: `(rows - 2, cols - 2)` for `Valid`, `dim`
/// otherwise, after its rules on `f`, `dx` and `dy` (an error names `laplacian`, as the
/// kernel's would).
pub fn laplacian_shape_mode(
    dim: (usize, usize),
    dx: f64,
    dy: f64,
    mode: Mode,
) -> Result<(usize, usize)> {
    lap_shape("laplacian", dim, dx, dy, mode)
}

fn lap_shape(
    kernel: &'static str,
    dim: (usize, usize),
    dx: f64,
    dy: f64,
    mode: Mode,
) -> Result<(usize, usize)> {
    let Some(out) = laplacian_out_dim_mode(dim, mode) else {
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
    laplacian_out_dim_mode(dim, Mode::Valid)
}

/// The shape rule of `laplacian` in `mode`: `(rows - 2, cols - 2)` for `Valid` (`None` below a
/// 3x3 grid), `dim` for a padded mode.
pub fn laplacian_out_dim_mode(dim: (usize, usize), mode: Mode) -> Option<(usize, usize)> {
    let (rows, cols) = dim;
    match mode {
        Mode::Valid => (rows >= 3 && cols >= 3).then(|| (rows - 2, cols - 2)),
        _ => Some(dim),
    }
}

/// `out[i] = ((f[i] - 2*f[i+1]) + f[i+2]) * (1/(dx*dx))`, `out.len() == f.len() - 2`.
pub fn second_derivative(f: &[f64], dx: f64, out: &mut [f64]) -> Result<()> {
    second_derivative_mode(f.into(), dx, Mode::Valid, 0.0, out.into())
}

/// `second_derivative` of a strided `f` in `f64` or `f32`, in boundary mode `mode` (`cval` is
/// the outside value of `Mode::Constant`, ignored otherwise): `out[i] = ((g[i-1] - 2*g[i]) +
/// g[i+1]) * (1/(dx*dx))` over the padded input `g`; `out` as long as
/// [`second_derivative_out_len_mode`] says.
pub fn second_derivative_mode<T: Real>(
    f: ArrayView1<T>,
    dx: f64,
    mode: Mode,
    cval: f64,
    out: ArrayViewMut1<T>,
) -> Result<()> {
    const K: &str = "second_derivative";
    check_len(K, "out", d2_len(K, f.len(), dx, mode)?, out.len())?;
    let h = step_in::<T>(K, "dx", dx)?;
    let scale = T::ONE / (h * h);
    d2::run(f, scale, mode, T::from_f64(cval), out);
    Ok(())
}

/// The 5-point Laplacian of the contract; `out` has shape `(rows - 2, cols - 2)`.
///
/// Any memory layout is read in place (see the module documentation); the bits do not depend
/// on it.
pub fn laplacian<T: Real>(f: ArrayView2<T>, dx: f64, dy: f64, out: ArrayViewMut2<T>) -> Result<()> {
    laplacian_mode(f, dx, dy, Mode::Valid, 0.0, out)
}

/// The 5-point Laplacian in boundary mode `mode` (`cval` for `Mode::Constant`, ignored
/// otherwise), in `f64` or `f32`: `ax = 1/(dx*dx)`, `ay = 1/(dy*dy)`, `c = 2*ax + 2*ay` in the
/// data's precision, `out[i][j] = ((g[i-1][j] + g[i+1][j])*ax + (g[i][j-1] + g[i][j+1])*ay) -
/// g[i][j]*c` over the padded input `g`; `out` of the shape [`laplacian_out_dim_mode`] says.
pub fn laplacian_mode<T: Real>(
    f: ArrayView2<T>,
    dx: f64,
    dy: f64,
    mode: Mode,
    cval: f64,
    out: ArrayViewMut2<T>,
) -> Result<()> {
    const K: &str = "laplacian";
    check_shape(K, "out", lap_shape(K, f.dim(), dx, dy, mode)?, out.dim())?;
    let (hx, hy) = (step_in::<T>(K, "dx", dx)?, step_in::<T>(K, "dy", dy)?);
    lap::run(f, lap::Coef::new(hx, hy), mode, T::from_f64(cval), out);
    Ok(())
}
