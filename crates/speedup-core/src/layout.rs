//! Memory layout: kernels compute on C-ordered contiguous slices; any other `ndarray` layout
//! (Fortran order, strided views) is copied in and out, giving the same values, the same bits.

use ndarray::{Array2, ArrayView2, ArrayViewMut2};

/// Runs `body` on C-ordered contiguous slices of `x` and `out`, copying `x` when it is not
/// contiguous and computing into a temporary copied back to `out` when `out` is not.
pub fn with_c_order<T: Copy + Default, R>(
    x: ArrayView2<f64>,
    mut out: ArrayViewMut2<T>,
    body: impl FnOnce(&[f64], &mut [T]) -> R,
) -> R {
    let x = x.as_standard_layout();
    let xs = x.as_slice().expect("standard layout");
    match out.as_slice_mut() {
        Some(o) => body(xs, o),
        None => {
            let mut tmp = Array2::<T>::default(out.dim());
            let r = body(xs, tmp.as_slice_mut().expect("fresh array"));
            out.assign(&tmp);
            r
        }
    }
}
