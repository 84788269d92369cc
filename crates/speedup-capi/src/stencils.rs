//! The stencils and comb filters beyond the contract's `f64`, C-order, `valid` signatures:
//! `float` twins (`_f32`), boundary modes (`_mode`: a `speedup_mode` and `cval`) and strided
//! arrays (`_strided`: shapes and strides in ELEMENTS, any sign, as `strided.rs` checks them).
//!
//! Every function here returns a `speedup_status` and follows the header's conventions; steps,
//! `alpha` and `cval` are `double` in every variant and rounded to `float` by the `_f32` ones
//! (the contract's "coefficients computed in f32": `ax = 1.0f/(dx*dx)` with `dx` as `float`).

use speedup_core::stencil::{laplacian_out_dim_mode, second_derivative_out_len_mode};
use speedup_core::{self as core, Mode, Real};

use crate::args::{expect_len, product};
use crate::status::{boundary, speedup_status, Failure};
use crate::strided::Strided;

/// A boundary mode of `speedup_laplacian_mode` / `speedup_second_derivative_mode` and their
/// variants, with SciPy `ndimage`'s meanings. A plain integer type: an unknown value is refused
/// with `SPEEDUP_ERR_INVALID_ARGUMENT`.
#[allow(non_camel_case_types)]
#[repr(transparent)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct speedup_mode(pub i32);

/// Only where the stencil fits: the result is 2 smaller along each axis (the contract's result).
pub const SPEEDUP_MODE_VALID: speedup_mode = speedup_mode(0);
/// Pad by one cell, half-sample symmetric (`d c b a | a b c d | d c b a`); result of the input's shape.
pub const SPEEDUP_MODE_REFLECT: speedup_mode = speedup_mode(1);
/// Pad by one cell repeating the edge value (`a a a | a b c d | d d d`).
pub const SPEEDUP_MODE_NEAREST: speedup_mode = speedup_mode(2);
/// Pad by one cell, whole-sample symmetric (`d c b | a b c d | c b a`).
pub const SPEEDUP_MODE_MIRROR: speedup_mode = speedup_mode(3);
/// Pad by one cell periodically (`b c d | a b c d | a b c`).
pub const SPEEDUP_MODE_WRAP: speedup_mode = speedup_mode(4);
/// Pad by one cell of the value `cval`.
pub const SPEEDUP_MODE_CONSTANT: speedup_mode = speedup_mode(5);

/// Where a result goes: a C-order array of `len` elements (its shape is the kernel's rule), or
/// a strided array of the given shape.
#[derive(Clone, Copy)]
pub(crate) enum Out<T> {
    Contiguous(*mut T, usize),
    Strided(*mut T, (usize, usize), (isize, isize)),
}

impl<T> Out<T> {
    /// The output as raw parts, its length checked against `shape` (the kernel's rule; `None`
    /// when the input is refused anyway, which the kernel then reports).
    fn raw(
        self,
        k: &'static str,
        rule: &str,
        shape: Option<(usize, usize)>,
    ) -> Result<Strided<T>, Failure> {
        Ok(match self {
            Out::Contiguous(p, len) => {
                if let Some((r, c)) = shape {
                    expect_len(k, "out_len", rule, r * c, len)?;
                }
                Strided::new(k, "out", p.cast_const(), shape.unwrap_or((0, 0)), None)
            }
            Out::Strided(p, dim, strides) => {
                Strided::new(k, "out", p.cast_const(), dim, Some(strides))
            }
        })
    }
}

fn mode_of(k: &'static str, m: speedup_mode) -> Result<Mode, Failure> {
    Ok(Mode::from_code(k, m.0)?)
}

#[allow(clippy::too_many_arguments)] // the C signature's parts, passed through
pub(crate) unsafe fn lap<T: Real>(
    f: *const T,
    dim: (usize, usize),
    strides: Option<(isize, isize)>,
    dx: f64,
    dy: f64,
    mode: speedup_mode,
    cval: f64,
    out: Out<T>,
) -> speedup_status {
    const K: &str = "laplacian";
    boundary(K, || {
        product(K, "rows * cols", dim.0, dim.1)?;
        let f = Strided::new(K, "f", f, dim, strides);
        let f_span = f.span()?;
        let mode = mode_of(K, mode)?;
        let rule = "the result's rows * cols for the mode";
        let out = out.raw(K, rule, laplacian_out_dim_mode(dim, mode))?;
        let (f, out) = unsafe { (f.view()?, out.view_mut(&[f_span])?) };
        core::laplacian_mode(f, dx, dy, mode, cval, out)?;
        Ok(())
    })
}

#[allow(clippy::too_many_arguments)] // the C signature's parts, passed through
pub(crate) unsafe fn d2<T: Real>(
    f: *const T,
    n: usize,
    stride: isize,
    dx: f64,
    mode: speedup_mode,
    cval: f64,
    out: Out<T>,
) -> speedup_status {
    const K: &str = "second_derivative";
    boundary(K, || {
        let f = Strided::new(K, "f", f, (n, 1), Some((stride, 1)));
        let f_span = f.span()?;
        let mode = mode_of(K, mode)?;
        let shape = second_derivative_out_len_mode(n, mode).map(|m| (m, 1));
        let mut out = out.raw(K, "the result's length for the mode", shape)?;
        out.dim.1 = 1; // a column; a refused input's empty result is 0 x 1
        out.strides.1 = 1;
        let (f, out) = unsafe { (f.view()?, out.view_mut(&[f_span])?) };
        let (f, out) = (
            f.index_axis_move(ndarray::Axis(1), 0),
            out.index_axis_move(ndarray::Axis(1), 0),
        );
        core::second_derivative_mode(f, dx, mode, cval, out)?;
        Ok(())
    })
}

type CombKernel<T> =
    fn(ndarray::ArrayView2<T>, usize, f64, ndarray::ArrayViewMut2<T>) -> core::Result<()>;

#[allow(clippy::too_many_arguments)] // the C signature's parts, passed through
pub(crate) unsafe fn comb<T: Real>(
    k_name: &'static str,
    run: CombKernel<T>,
    x: *const T,
    dim: (usize, usize),
    strides: Option<(isize, isize)>,
    tau: usize,
    alpha: f64,
    out: Out<T>,
) -> speedup_status {
    boundary(k_name, || {
        product(k_name, "n * k", dim.0, dim.1)?;
        let x = Strided::new(k_name, "x", x, dim, strides);
        let x_span = x.span()?;
        let out = out.raw(k_name, "n * k", Some(dim))?;
        let (x, out) = unsafe { (x.view()?, out.view_mut(&[x_span])?) };
        run(x, tau, alpha, out)?;
        Ok(())
    })
}

// ---------------------------------------------------------------------------------------------
// Output shapes in a mode (the core's rule, for callers that allocate)

/// The output shape of `speedup_laplacian_mode` over a `rows x cols` grid: `(rows - 2, cols -
/// 2)` for `SPEEDUP_MODE_VALID`, else `(rows, cols)`, into `*out_rows`, `*out_cols`, after the
/// kernel's rules on the grid, the steps and the mode.
#[no_mangle]
pub unsafe extern "C" fn speedup_laplacian_shape_mode(
    rows: usize,
    cols: usize,
    dx: f64,
    dy: f64,
    mode: speedup_mode,
    out_rows: *mut usize,
    out_cols: *mut usize,
) -> speedup_status {
    const K: &str = "laplacian";
    crate::scalar_pair(K, ("out_rows", out_rows), ("out_cols", out_cols), || {
        let mode = mode_of(K, mode)?;
        Ok(core::laplacian_shape_mode((rows, cols), dx, dy, mode)?)
    })
}

/// The output length of `speedup_second_derivative_mode` over `n` points: `n - 2` for
/// `SPEEDUP_MODE_VALID`, else `n`, into `*out_len`, after the kernel's rules on `n`, `dx` and
/// the mode.
#[no_mangle]
pub unsafe extern "C" fn speedup_second_derivative_len_mode(
    n: usize,
    dx: f64,
    mode: speedup_mode,
    out_len: *mut usize,
) -> speedup_status {
    const K: &str = "second_derivative";
    crate::scalar(K, "out_len", out_len, || {
        let mode = Mode::from_code(K, mode.0)?;
        core::second_derivative_len_mode(n, dx, mode)
    })
}

// ---------------------------------------------------------------------------------------------
// float twins of the contract's functions (C order, mode "valid")

/// `speedup_second_derivative` on `float` data, computed in `float` (`dx` rounded to `float`).
#[no_mangle]
pub unsafe extern "C" fn speedup_second_derivative_f32(
    f: *const f32,
    n: usize,
    dx: f64,
    out: *mut f32,
    out_len: usize,
) -> speedup_status {
    let out = Out::Contiguous(out, out_len);
    unsafe { d2(f, n, 1, dx, SPEEDUP_MODE_VALID, 0.0, out) }
}

/// `speedup_laplacian` on `float` data, computed in `float` (`dx`, `dy` rounded to `float`).
#[no_mangle]
pub unsafe extern "C" fn speedup_laplacian_f32(
    f: *const f32,
    rows: usize,
    cols: usize,
    dx: f64,
    dy: f64,
    out: *mut f32,
    out_len: usize,
) -> speedup_status {
    let out = Out::Contiguous(out, out_len);
    unsafe { lap(f, (rows, cols), None, dx, dy, SPEEDUP_MODE_VALID, 0.0, out) }
}

exports! {
    fn(x: *const f32, n: usize, k: usize, tau: usize, alpha: f64, out: *mut f32, out_len: usize) {
        let out = Out::Contiguous(out, out_len);
        unsafe { comb(name, run, x, (n, k), None, tau, alpha, out) }
    }
    /// `speedup_comb_forward` on `float` data, computed in `float` (`alpha` rounded to `float`).
    speedup_comb_forward_f32(name = "comb_forward", run = core::comb_forward);
    /// `speedup_comb_backward` on `float` data, computed in `float` (`alpha` rounded to `float`).
    speedup_comb_backward_f32(name = "comb_backward", run = core::comb_backward);
}

// ---------------------------------------------------------------------------------------------
// Boundary modes (C order)

exports! {
    fn(f: *const T, n: usize, dx: f64, mode: speedup_mode, cval: f64, out: *mut T, out_len: usize) {
        unsafe { d2(f, n, 1, dx, mode, cval, Out::Contiguous(out, out_len)) }
    }
    /// `second_derivative` of `f[0..n]` in boundary `mode` (`cval`: the outside value of
    /// `SPEEDUP_MODE_CONSTANT`, ignored by the other modes). `out_len` is `n - 2` for
    /// `SPEEDUP_MODE_VALID` (which needs `n >= 3`), else `n`.
    speedup_second_derivative_mode<T = f64>;
    /// `speedup_second_derivative_mode` on `float` data, computed in `float`.
    speedup_second_derivative_mode_f32<T = f32>;

    fn(
        f: *const T, rows: usize, cols: usize, dx: f64, dy: f64, mode: speedup_mode, cval: f64,
        out: *mut T, out_len: usize,
    ) {
        let out = Out::Contiguous(out, out_len);
        unsafe { lap(f, (rows, cols), None, dx, dy, mode, cval, out) }
    }
    /// The Laplacian of the `rows x cols` grid `f` in boundary `mode` (`cval` as in
    /// `speedup_second_derivative_mode`). `out_len` is `(rows - 2) * (cols - 2)` for
    /// `SPEEDUP_MODE_VALID` (which needs a 3x3 grid), else `rows * cols`.
    speedup_laplacian_mode<T = f64>;
    /// `speedup_laplacian_mode` on `float` data, computed in `float`.
    speedup_laplacian_mode_f32<T = f32>;
}
