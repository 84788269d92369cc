//! `reduce_axis`: `sum`, `mean` or `std` along axes of a float64 or float32 array of any
//! layout, read in place through its strides (the Python package normalises the arguments).

use numpy::{PyReadonlyArrayDyn, PyReadwriteArray1};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use speedup_core::reduce_axes::{reduce, Reduction};
use speedup_core::strided::{Elem, Strided};

use crate::call;

fn reduction(kernel: &str, ddof: usize) -> PyResult<(&'static str, Reduction)> {
    Ok(match kernel {
        "sum" => ("sum", Reduction::Sum),
        "mean" => ("mean", Reduction::Mean),
        "std" => ("std", Reduction::Std { ddof }),
        _ => {
            return Err(PyValueError::new_err(format!(
                "unknown reduction {kernel:?}"
            )))
        }
    })
}

/// Reduces the view `x` (strides in elements, as `ndarray` has them) into `out`.
fn run<T: Elem>(
    py: Python<'_>,
    x: numpy::ndarray::ArrayViewD<'_, T>,
    axes: Option<Vec<usize>>,
    k: &'static str,
    red: Reduction,
    out: &mut [f64],
) -> PyResult<()> {
    call(py, k, move || {
        let shape = x.shape().to_vec();
        let strides = x.strides().to_vec();
        // SAFETY: the view's shape and strides reach only its own elements, alive for the call.
        let v = unsafe { Strided::from_raw(k, x.as_ptr(), &shape, &strides)? };
        reduce(v, axes.as_deref(), red, out)
    })
}

/// `out` (float64, one per lane, C order of the kept axes) = `kernel` ("sum", "mean", "std")
/// along `axes` (None: every axis) of the float64 or float32 array `x`.
#[pyfunction]
#[pyo3(signature = (x, axes, kernel, ddof, out))]
pub(crate) fn reduce_axis(
    py: Python<'_>,
    x: &Bound<'_, PyAny>,
    axes: Option<Vec<usize>>,
    kernel: &str,
    ddof: usize,
    out: PyReadwriteArray1<'_, f64>,
) -> PyResult<()> {
    let (k, red) = reduction(kernel, ddof)?;
    let mut out = out;
    let out = out.as_slice_mut()?;
    if let Ok(a) = x.extract::<PyReadonlyArrayDyn<'_, f64>>() {
        return run(py, a.as_array(), axes, k, red, out);
    }
    if let Ok(a) = x.extract::<PyReadonlyArrayDyn<'_, f32>>() {
        return run(py, a.as_array(), axes, k, red, out);
    }
    Err(PyTypeError::new_err(format!(
        "{k}: x must be a float64 or float32 array"
    )))
}
