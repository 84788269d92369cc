//! The strided variants of the stencils and comb filters (see `stencils.rs`): shapes and
//! strides in ELEMENTS, any sign, as `strided.rs` checks them.

use speedup_core as core;

use crate::stencils::{comb, d2, lap, speedup_mode, Out};

// ---------------------------------------------------------------------------------------------
// Strided arrays: strides in ELEMENTS (not bytes), any sign. Element `[i][j]` of a 2-D array is
// `p[i * row_stride + j * col_stride]`: C order is `(cols, 1)`, Fortran order `(1, rows)`,
// every other row `(2 * cols, 1)`. Inputs are read in place; an output's elements must be
// distinct and must not overlap the input.

exports! {
    fn(
        f: *const T, n: usize, f_stride: isize, dx: f64, mode: speedup_mode, cval: f64,
        out: *mut T, out_len: usize, out_stride: isize,
    ) {
        let out = Out::Strided(out, (out_len, 1), (out_stride, 1));
        unsafe { d2(f, n, f_stride, dx, mode, cval, out) }
    }
    /// `speedup_second_derivative_mode` over `f[i * f_stride]`, `i < n`, into
    /// `out[i * out_stride]`, `i < out_len` (`n - 2` for `SPEEDUP_MODE_VALID`, else `n`).
    speedup_second_derivative_strided<T = f64>;
    /// `speedup_second_derivative_strided` on `float` data, computed in `float`.
    speedup_second_derivative_strided_f32<T = f32>;

    fn(
        f: *const T, rows: usize, cols: usize, f_row_stride: isize, f_col_stride: isize,
        dx: f64, dy: f64, mode: speedup_mode, cval: f64,
        out: *mut T, out_rows: usize, out_cols: usize, out_row_stride: isize, out_col_stride: isize,
    ) {
        let out = Out::Strided(out, (out_rows, out_cols), (out_row_stride, out_col_stride));
        let strides = Some((f_row_stride, f_col_stride));
        unsafe { lap(f, (rows, cols), strides, dx, dy, mode, cval, out) }
    }
    /// `speedup_laplacian_mode` over the strided `rows x cols` grid `f` into the strided
    /// `out_rows x out_cols` array `out` (`(rows - 2) x (cols - 2)` for `SPEEDUP_MODE_VALID`, else
    /// `rows x cols`).
    speedup_laplacian_strided<T = f64>;
    /// `speedup_laplacian_strided` on `float` data, computed in `float`.
    speedup_laplacian_strided_f32<T = f32>;

    fn(
        x: *const T, n: usize, k: usize, x_row_stride: isize, x_col_stride: isize,
        tau: usize, alpha: f64, out: *mut T, out_row_stride: isize, out_col_stride: isize,
    ) {
        let out = Out::Strided(out, (n, k), (out_row_stride, out_col_stride));
        let xs = Some((x_row_stride, x_col_stride));
        unsafe { comb(name, run, x, (n, k), xs, tau, alpha, out) }
    }
    /// `speedup_comb_forward` over the strided `n x k` signal `x` into the strided `n x k` array
    /// `out` (filter along axis 0, each column alone).
    speedup_comb_forward_strided<T = f64>(name = "comb_forward", run = core::comb_forward);
    /// `speedup_comb_forward_strided` on `float` data, computed in `float`.
    speedup_comb_forward_strided_f32<T = f32>(name = "comb_forward", run = core::comb_forward);
    /// `speedup_comb_backward` over strided arrays, as `speedup_comb_forward_strided`.
    speedup_comb_backward_strided<T = f64>(name = "comb_backward", run = core::comb_backward);
    /// `speedup_comb_backward_strided` on `float` data, computed in `float`.
    speedup_comb_backward_strided_f32<T = f32>(name = "comb_backward", run = core::comb_backward);
}
