//! The stencils and comb filters with boundary modes, in float64 and float32, over arrays of any
//! strides (read and written in place; the core takes the strided views). Thin wrappers: the
//! mode arrives as its code (`speedup_mode`'s values), checked by the core.

use numpy::{PyReadonlyArray1, PyReadonlyArray2, PyReadwriteArray1, PyReadwriteArray2};
use pyo3::prelude::*;
use speedup_core::{self as core, Mode};

use crate::call;

fn mode(kernel: &'static str, code: i32) -> core::Result<Mode> {
    Mode::from_code(kernel, code)
}

macro_rules! stencil_fns {
    ($t:ty, $lap:ident, $d2:ident, $fwd:ident, $bwd:ident) => {
        #[pyfunction]
        #[allow(clippy::too_many_arguments)] // the kernel's arguments, passed through
        fn $lap(
            py: Python<'_>,
            f: PyReadonlyArray2<'_, $t>,
            dx: f64,
            dy: f64,
            code: i32,
            cval: f64,
            mut out: PyReadwriteArray2<'_, $t>,
        ) -> PyResult<()> {
            let (f, out) = (f.as_array(), out.as_array_mut());
            call(py, "laplacian", || {
                core::laplacian_mode(f, dx, dy, mode("laplacian", code)?, cval, out)
            })
        }

        #[pyfunction]
        fn $d2(
            py: Python<'_>,
            f: PyReadonlyArray1<'_, $t>,
            dx: f64,
            code: i32,
            cval: f64,
            mut out: PyReadwriteArray1<'_, $t>,
        ) -> PyResult<()> {
            let (f, out) = (f.as_array(), out.as_array_mut());
            call(py, "second_derivative", || {
                let m = mode("second_derivative", code)?;
                core::second_derivative_mode(f, dx, m, cval, out)
            })
        }

        #[pyfunction]
        fn $fwd(
            py: Python<'_>,
            x: PyReadonlyArray2<'_, $t>,
            tau: usize,
            alpha: f64,
            mut out: PyReadwriteArray2<'_, $t>,
        ) -> PyResult<()> {
            let (x, out) = (x.as_array(), out.as_array_mut());
            call(py, "comb_forward", || {
                core::comb_forward(x, tau, alpha, out)
            })
        }

        #[pyfunction]
        fn $bwd(
            py: Python<'_>,
            x: PyReadonlyArray2<'_, $t>,
            tau: usize,
            alpha: f64,
            mut out: PyReadwriteArray2<'_, $t>,
        ) -> PyResult<()> {
            let (x, out) = (x.as_array(), out.as_array_mut());
            call(py, "comb_backward", || {
                core::comb_backward(x, tau, alpha, out)
            })
        }
    };
}

stencil_fns!(
    f64,
    laplacian_ext,
    second_derivative_ext,
    comb_forward_ext,
    comb_backward_ext
);
stencil_fns!(
    f32,
    laplacian_ext_f32,
    second_derivative_ext_f32,
    comb_forward_ext_f32,
    comb_backward_ext_f32
);

/// The output shape of `laplacian` in the mode of code `code` (the core's rule and checks).
#[pyfunction]
fn laplacian_shape_mode(
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
fn second_derivative_len_mode(py: Python<'_>, n: usize, dx: f64, code: i32) -> PyResult<usize> {
    call(py, "second_derivative", || {
        core::second_derivative_len_mode(n, dx, mode("second_derivative", code)?)
    })
}

/// Adds this file's functions to the extension module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    for f in [
        wrap_pyfunction!(laplacian_ext, m)?,
        wrap_pyfunction!(second_derivative_ext, m)?,
        wrap_pyfunction!(comb_forward_ext, m)?,
        wrap_pyfunction!(comb_backward_ext, m)?,
        wrap_pyfunction!(laplacian_ext_f32, m)?,
        wrap_pyfunction!(second_derivative_ext_f32, m)?,
        wrap_pyfunction!(comb_forward_ext_f32, m)?,
        wrap_pyfunction!(comb_backward_ext_f32, m)?,
        wrap_pyfunction!(laplacian_shape_mode, m)?,
        wrap_pyfunction!(second_derivative_len_mode, m)?,
    ] {
        m.add_function(f)?;
    }
    Ok(())
}
