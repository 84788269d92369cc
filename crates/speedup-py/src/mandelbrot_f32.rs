//! `mandelbrot_f32`: Mandelbrot escape counts of `complex64` points, iterated in `f32`
//! (`speedup.mandelbrot` calls it for `complex64` input, without a converted copy).

use numpy::{Complex32, PyReadonlyArray1, PyReadwriteArray1};
use pyo3::prelude::*;
use speedup_core as core;

use crate::call;

/// Escape counts of the points `c` into `out` (same length), iterated in `f32`.
#[pyfunction]
pub(crate) fn mandelbrot_f32(
    py: Python<'_>,
    c: PyReadonlyArray1<'_, Complex32>,
    max_iter: i32,
    mut out: PyReadwriteArray1<'_, i32>,
) -> PyResult<()> {
    let c = c.as_slice()?;
    let out = out.as_slice_mut()?;
    call(py, "mandelbrot_f32", || {
        core::mandelbrot_f32(c, max_iter, out)
    })
}
