//! `sum`, `mean` and `std` along axes of strided arrays, and the `f32` twins of the flat
//! reductions.
//!
//! An array is `x` with `ndim` axes: `shape[k]` elements along axis `k`, and `strides[k]`
//! ELEMENTS (not bytes: NumPy's byte strides divided by the item size) between neighbours along
//! it, of any sign; `strides` NULL means C order, contiguous. `axes` lists the axes to reduce
//! (each `< ndim`, none twice, any order: the lanes run over the reduced axes in C order of
//! those axes); `axes` NULL (with `naxes == 0`) reduces every axis. `out` receives one value per
//! index of the kept axes, in C order of the kept axes, contiguous: `out_len` must be their
//! size (1 when every axis is reduced). Each value has the bits the flat kernel gives for that
//! lane copied out. `float` data is read as `float`, widened exactly, summed in `double`, and
//! rounded once to `float` at the end (the `_f32` names), or kept in `double` (the `_f32_f64`
//! names).

use speedup_core::reduce_axes::{check, reduce, reduce_f32, Reduction};
use speedup_core::strided::{element_count, plan, Elem, Strided};
use speedup_core::{self as core, Real};

use crate::args::{expect_len, Raw};
use crate::reduction;
use crate::status::{boundary, speedup_status, Failure};

/// The arrays of one call along axes, as the C caller passed them: `(x, ndim, shape, strides,
/// axes, naxes)`.
#[derive(Clone, Copy)]
struct Axes<T>(
    *const T,
    usize,
    *const usize,
    *const isize,
    *const usize,
    usize,
);

/// C-order strides (in elements) of `shape`, whose element count is known to fit.
fn c_strides(shape: &[usize]) -> Vec<isize> {
    let mut st = vec![0isize; shape.len()];
    let mut acc = 1isize;
    for k in (0..shape.len()).rev() {
        st[k] = acc;
        acc = acc.wrapping_mul(shape[k] as isize);
    }
    st
}

/// The door of every call along axes: checks, reduces into a buffer of the result's size,
/// then writes `out`, each value rounded once to `U`.
unsafe fn axis_door<T: Elem, U: Real>(
    kernel: &'static str,
    a: Axes<T>,
    red: Reduction,
    out: *mut U,
    out_len: usize,
) -> speedup_status {
    boundary(kernel, || {
        let Axes(x, ndim, shape, strides, axes, naxes) = a;
        let shape = unsafe { Raw::new(kernel, "shape", shape, ndim).input()? };
        let strides = if strides.is_null() {
            c_strides(shape)
        } else {
            unsafe { Raw::new(kernel, "strides", strides, ndim).input()? }.to_vec()
        };
        let axes = match (axes.is_null(), naxes) {
            (true, 0) => None,
            _ => Some(unsafe { Raw::new(kernel, "axes", axes, naxes).input()? }),
        };
        let count = element_count(kernel, shape)?;
        let x_raw = Raw::new(kernel, "x", x, count).checked()?;
        // SAFETY: the caller promises every element the shape and strides reach is readable.
        let view = unsafe { Strided::from_raw(kernel, x, shape, &strides)? };
        // The C door names the length argument, as its other functions do.
        let lanes = plan(kernel, shape, &strides, axes)?.lanes;
        expect_len(kernel, "out_len", "the kept axes' size", lanes, out_len)?;
        let plan = check(kernel, &view, axes, red, out_len)?;
        let out = unsafe {
            Raw::new(kernel, "out", out.cast_const(), out_len)
                .output(&[span(&x_raw, &view, count)])?
        };
        let mut tmp = Vec::new();
        tmp.try_reserve_exact(plan.lanes).map_err(|_| {
            Failure::Core(core::Error::Allocation {
                kernel,
                what: format!("{} doubles for the result", plan.lanes),
            })
        })?;
        tmp.resize(plan.lanes, 0.0);
        reduce(view, axes, red, &mut tmp)?;
        for (o, &v) in out.iter_mut().zip(&tmp) {
            *o = U::from_f64(v);
        }
        Ok(())
    })
}

/// The bytes `x` reaches, for the overlap check of `out`.
fn span<T: Elem>(x: &Raw<T>, v: &Strided<'_, T>, count: usize) -> (&'static str, (usize, usize)) {
    if count == 0 {
        return x.span();
    }
    let (mut lo, mut hi) = (0isize, 0isize);
    for (&n, &s) in v.shape().iter().zip(v.strides()) {
        let reach = (n as isize - 1) * s;
        if reach < 0 {
            lo += reach;
        } else {
            hi += reach;
        }
    }
    let (start, _) = x.span().1;
    let size = std::mem::size_of::<T>() as isize;
    let s = (start as isize + lo * size) as usize;
    let e = (start as isize + (hi + 1) * size) as usize;
    ("x", (s, e))
}

// `T` is the type of the data, `U` the type of the results.
exports! {
    fn(
        x: *const T, ndim: usize, shape: *const usize, strides: *const isize,
        axes: *const usize, naxes: usize, out: *mut U, out_len: usize,
    ) {
        let a = Axes(x, ndim, shape, strides, axes, naxes);
        unsafe { axis_door(name, a, red, out, out_len) }
    }
    /// The deterministic sum along axes of the strided array `x`: `out[q]` is the flat
    /// `speedup_sum` of lane `q` copied out, bit for bit.
    ///
    /// `x` has `ndim` axes, `shape[k]` elements along axis `k` and `strides[k]` ELEMENTS (not bytes)
    /// between neighbours along it, of any sign; `strides` NULL means C order, contiguous. `axes`
    /// lists the `naxes` axes to reduce (each `< ndim`, none twice); `axes` NULL with `naxes == 0`
    /// reduces every axis. A lane runs over the reduced axes in C order of those axes. `out` holds
    /// one value per index of the kept axes, in C order, contiguous; `out_len` must be their size.
    /// The same rules hold for every `_axis` function.
    speedup_sum_axis<T = f64, U = f64>(name = "sum", red = Reduction::Sum);
    /// The mean along `axes`: `out[q]` is the flat `speedup_mean` of lane `q`. Errors when the
    /// lanes are empty (and there is at least one).
    speedup_mean_axis<T = f64, U = f64>(name = "mean", red = Reduction::Mean);
    /// `speedup_sum_axis` of `float` data, each result rounded once to `float`.
    speedup_sum_axis_f32<T = f32, U = f32>(name = "sum", red = Reduction::Sum);
    /// `speedup_mean_axis` of `float` data, each result rounded once to `float`.
    speedup_mean_axis_f32<T = f32, U = f32>(name = "mean", red = Reduction::Mean);
    /// `speedup_sum_axis` of `float` data, the results kept in `double` (not rounded to `float`).
    speedup_sum_axis_f32_f64<T = f32, U = f64>(name = "sum", red = Reduction::Sum);
    /// `speedup_mean_axis` of `float` data, the results kept in `double`.
    speedup_mean_axis_f32_f64<T = f32, U = f64>(name = "mean", red = Reduction::Mean);

    fn(
        x: *const T, ndim: usize, shape: *const usize, strides: *const isize,
        axes: *const usize, naxes: usize, ddof: usize, out: *mut U, out_len: usize,
    ) {
        let a = Axes(x, ndim, shape, strides, axes, naxes);
        unsafe { axis_door("std", a, Reduction::Std { ddof }, out, out_len) }
    }
    /// The two-pass standard deviation along `axes`: `out[q]` is the flat `speedup_std` of lane
    /// `q`. Errors when the lanes are empty or `ddof` is not below their length.
    speedup_std_axis<T = f64, U = f64>;
    /// `speedup_std_axis` of `float` data, each result rounded once to `float`.
    speedup_std_axis_f32<T = f32, U = f32>;
    /// `speedup_std_axis` of `float` data, the results kept in `double`.
    speedup_std_axis_f32_f64<T = f32, U = f64>;
}

/// The sum of `float` data `x[0..n]`: each element widened exactly to `double`, the tree of
/// `speedup_sum`, the result rounded once to `float`.
#[no_mangle]
pub unsafe extern "C" fn speedup_sum_f32(x: *const f32, n: usize, out: *mut f32) -> speedup_status {
    unsafe { reduction("sum", x, n, out, |x| reduce_f32(x, Reduction::Sum)) }
}

/// The mean of `float` data, as `speedup_mean` in `double`, rounded once to `float`. Errors
/// when `n == 0`.
#[no_mangle]
pub unsafe extern "C" fn speedup_mean_f32(
    x: *const f32,
    n: usize,
    out: *mut f32,
) -> speedup_status {
    unsafe { reduction("mean", x, n, out, |x| reduce_f32(x, Reduction::Mean)) }
}

/// The standard deviation of `float` data, as `speedup_std` in `double`, rounded once to
/// `float`. Errors when `n == 0` or `ddof >= n`.
#[no_mangle]
pub unsafe extern "C" fn speedup_std_f32(
    x: *const f32,
    n: usize,
    ddof: usize,
    out: *mut f32,
) -> speedup_status {
    let red = Reduction::Std { ddof };
    unsafe { reduction("std", x, n, out, |x| reduce_f32(x, red)) }
}
