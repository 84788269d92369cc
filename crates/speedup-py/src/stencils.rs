//! The stencils and comb filters with boundary modes, in float64 and float32, over arrays of any
//! strides (read and written in place; the core takes the strided views). Thin wrappers: the
//! mode arrives as its code (`speedup_mode`'s values), checked by the core.

use pyo3::prelude::*;
use speedup_core::{self as core, Mode};

use crate::{call, In1, In2, Out1, Out2};

fn mode(kernel: &'static str, code: i32) -> core::Result<Mode> {
    Mode::from_code(kernel, code)
}

/// The four functions of each element type: `kernels!` tables (`lib.rs`) over `$t`.
macro_rules! stencil_fns {
    ($($t:ty: $lap:ident, $d2:ident, $fwd:ident, $bwd:ident;)*) => {$(
        kernels! {
            #[allow(clippy::too_many_arguments)] // the kernel's arguments, passed through
            pub(crate) fn $lap(
                f: In2<'_, $t> as array, dx: f64, dy: f64, code: i32, cval: f64,
                out: Out2<'_, $t> as array_mut,
            ) -> () = "laplacian"
                => core::laplacian_mode(f, dx, dy, mode("laplacian", code)?, cval, out);

            pub(crate) fn $d2(
                f: In1<'_, $t> as array, dx: f64, code: i32, cval: f64,
                out: Out1<'_, $t> as array_mut,
            ) -> () = "second_derivative" => {
                let m = mode("second_derivative", code)?;
                core::second_derivative_mode(f, dx, m, cval, out)
            };

            pub(crate) fn $fwd(
                x: In2<'_, $t> as array, tau: usize, alpha: f64, out: Out2<'_, $t> as array_mut,
            ) -> () = "comb_forward" => core::comb_forward(x, tau, alpha, out);

            pub(crate) fn $bwd(
                x: In2<'_, $t> as array, tau: usize, alpha: f64, out: Out2<'_, $t> as array_mut,
            ) -> () = "comb_backward" => core::comb_backward(x, tau, alpha, out);
        }
    )*};
}

stencil_fns! {
    f64: laplacian_ext, second_derivative_ext, comb_forward_ext, comb_backward_ext;
    f32: laplacian_ext_f32, second_derivative_ext_f32, comb_forward_ext_f32, comb_backward_ext_f32;
}

/// The output shape of `laplacian` in the mode of code `code` (the core's rule and checks).
#[pyfunction]
pub(crate) fn laplacian_shape_mode(
    py: Python<'_>,
    rows: usize,
    cols: usize,
    dx: f64,
    dy: f64,
    code: i32,
) -> PyResult<(usize, usize)> {
    call(py, "laplacian", || {
        core::laplacian_shape_mode((rows, cols), dx, dy, mode("laplacian", code)?)
    })
}

/// The output length of `second_derivative` in the mode of code `code`.
#[pyfunction]
pub(crate) fn second_derivative_len_mode(
    py: Python<'_>,
    n: usize,
    dx: f64,
    code: i32,
) -> PyResult<usize> {
    call(py, "second_derivative", || {
        core::second_derivative_len_mode(n, dx, mode("second_derivative", code)?)
    })
}
