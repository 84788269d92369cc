//! The door bodies of the C exports: turning checked arguments into a kernel call, shared by
//! the Rust kernels' exports and their legacy twins (`legacy.rs`) and by the twins of one
//! kernel in other element types: the same checks in the same order, the same messages; only
//! the kernel (or the element type) differs. Each export calls one of them in a line or two.

use ndarray::{ArrayView2, ArrayViewMut2, ShapeError};
use speedup_core as core;

use crate::args::{expect_len, product, scalar_out, Raw};
use crate::status::{boundary, speedup_status, CResult, Failure};

/// Writes `value` through a pointer already checked by [`scalar_out`].
pub(crate) fn put<T>(ptr: *mut T, value: T) {
    // SAFETY: `ptr` passed `scalar_out` (non-NULL, aligned); validity is the caller's promise.
    unsafe { ptr.write(value) }
}

/// The failure of a slice that is not `rows x cols` (the length checks before rule it out).
fn bad_shape(
    kernel: &'static str,
    (rows, cols): (usize, usize),
) -> impl FnOnce(ShapeError) -> Failure {
    move |e| Failure::Invalid {
        kernel,
        message: format!("bad array shape {rows}x{cols}: {e}"),
    }
}

/// `s` as a `rows x cols` array, C order.
pub(crate) fn view2<'a>(
    kernel: &'static str,
    s: &'a [f64],
    dim: (usize, usize),
) -> Result<ArrayView2<'a, f64>, Failure> {
    ArrayView2::from_shape(dim, s).map_err(bad_shape(kernel, dim))
}

/// `s` as a mutable `rows x cols` array, C order.
pub(crate) fn view2_mut<'a, T>(
    kernel: &'static str,
    s: &'a mut [T],
    dim: (usize, usize),
) -> Result<ArrayViewMut2<'a, T>, Failure> {
    ArrayViewMut2::from_shape(dim, s).map_err(bad_shape(kernel, dim))
}

/// The shape shared by the element-wise calls: `input[len]` in, `out[out_len]` out, with
/// `out_len == len` (checked after the NULL checks, before anything runs).
pub(crate) unsafe fn elementwise<T, U>(
    kernel: &'static str,
    input: Raw<T>,
    len_name: &str,
    out: *mut U,
    out_len: usize,
    run: impl FnOnce(&[T], &mut [U]) -> core::Result<()>,
) -> CResult {
    let input = input.checked()?;
    let out_raw = Raw::new(kernel, "out", out.cast_const(), out_len);
    expect_len(kernel, "out_len", len_name, input.len(), out_len)?;
    let out = unsafe { out_raw.output(&[input.span()])? };
    run(unsafe { input.input()? }, out)?;
    Ok(())
}

/// `*out = kernel(x[0..n])`: the reductions, of `double` or `float` data.
pub(crate) unsafe fn reduction<T, U>(
    kernel: &'static str,
    x: *const T,
    n: usize,
    out: *mut U,
    run: impl FnOnce(&[T]) -> core::Result<U>,
) -> speedup_status {
    boundary(kernel, || {
        let x = unsafe { Raw::new(kernel, "x", x, n).input()? };
        let out = scalar_out(kernel, "out", out)?;
        put(out, run(x)?);
        Ok(())
    })
}

/// `*out = value()`: the kernels of scalar arguments.
pub(crate) fn scalar<T>(
    kernel: &'static str,
    out_name: &'static str,
    out: *mut T,
    value: impl FnOnce() -> core::Result<T>,
) -> speedup_status {
    boundary(kernel, || {
        let out = scalar_out(kernel, out_name, out)?;
        put(out, value()?);
        Ok(())
    })
}

/// `(*a, *b) = value()`: the calls of two scalar results, each output given as `(name, ptr)`.
pub(crate) fn scalar_pair<A, B>(
    kernel: &'static str,
    (a_name, a): (&'static str, *mut A),
    (b_name, b): (&'static str, *mut B),
    value: impl FnOnce() -> Result<(A, B), Failure>,
) -> speedup_status {
    boundary(kernel, || {
        let (a, b) = (
            scalar_out(kernel, a_name, a)?,
            scalar_out(kernel, b_name, b)?,
        );
        let (va, vb) = value()?;
        put(a, va);
        put(b, vb);
        Ok(())
    })
}

pub(crate) type D2Kernel = fn(&[f64], f64, &mut [f64]) -> core::Result<()>;

pub(crate) unsafe fn second_derivative_door(
    run: D2Kernel,
    f: *const f64,
    n: usize,
    dx: f64,
    (out, out_len): (*mut f64, usize),
) -> speedup_status {
    const K: &str = "second_derivative";
    boundary(K, || {
        let f_raw = Raw::new(K, "f", f, n).checked()?;
        let out_raw = Raw::new(K, "out", out.cast_const(), out_len);
        if let Some(len) = core::stencil::second_derivative_out_len(n) {
            expect_len(K, "out_len", "n - 2", len, out_len)?;
        }
        let f = unsafe { f_raw.input()? };
        let out = unsafe { out_raw.output(&[f_raw.span()])? };
        run(f, dx, out)?;
        Ok(())
    })
}

pub(crate) type LapKernel = fn(ArrayView2<f64>, f64, f64, ArrayViewMut2<f64>) -> core::Result<()>;

pub(crate) unsafe fn laplacian_door(
    run: LapKernel,
    f: *const f64,
    (rows, cols): (usize, usize),
    dx: f64,
    dy: f64,
    out: *mut f64,
    out_len: usize,
) -> speedup_status {
    const K: &str = "laplacian";
    boundary(K, || {
        let f_raw = Raw::matrix(K, "f", f, (rows, cols), "rows * cols")?.checked()?;
        let out_raw = Raw::new(K, "out", out.cast_const(), out_len);
        let shape = core::stencil::laplacian_out_dim((rows, cols));
        let (orows, ocols) = shape.unwrap_or((0, 0));
        if shape.is_some() {
            expect_len(
                K,
                "out_len",
                "(rows - 2) * (cols - 2)",
                orows * ocols,
                out_len,
            )?;
        }
        let f = view2(K, unsafe { f_raw.input()? }, (rows, cols))?;
        let out = view2_mut(
            K,
            unsafe { out_raw.output(&[f_raw.span()])? },
            (orows, ocols),
        )?;
        run(f, dx, dy, out)?;
        Ok(())
    })
}

/// Element-wise kernels over `u64` queries: `out[i]` from `n[i]`, `out_len == len`.
pub(crate) unsafe fn many<U>(
    kernel: &'static str,
    run: fn(&[u64], &mut [U]) -> core::Result<()>,
    n: *const u64,
    len: usize,
    out: *mut U,
    out_len: usize,
) -> speedup_status {
    boundary(kernel, || unsafe {
        elementwise(
            kernel,
            Raw::new(kernel, "n", n, len),
            "len",
            out,
            out_len,
            run,
        )
    })
}

pub(crate) unsafe fn closest_pair_door(
    run: fn(ArrayView2<f64>) -> core::Result<core::ClosestPair>,
    points: *const f64,
    n: usize,
    (i, j, dist): (*mut usize, *mut usize, *mut f64),
) -> speedup_status {
    const K: &str = "closest_pair";
    boundary(K, || {
        let pts = unsafe { Raw::matrix(K, "points", points, (n, 2), "n * 2")?.input()? };
        let (i, j, dist) = (
            scalar_out(K, "i", i)?,
            scalar_out(K, "j", j)?,
            scalar_out(K, "dist", dist)?,
        );
        let pair = run(view2(K, pts, (n, 2))?)?;
        put(i, pair.i);
        put(j, pair.j);
        put(dist, pair.dist);
        Ok(())
    })
}

/// The precision of a Mandelbrot door: `double` points (`speedup_mandelbrot`) or `float` ones
/// (`speedup_mandelbrot_f32`), with the kernel name each reports.
pub(crate) trait Precision {
    type Point;
    const MANDELBROT: &'static str;
}

impl Precision for f64 {
    type Point = core::Complex64;
    const MANDELBROT: &'static str = "mandelbrot";
}

impl Precision for f32 {
    type Point = core::Complex32;
    const MANDELBROT: &'static str = "mandelbrot_f32";
}

pub(crate) type MandelbrotKernel<P> = fn(&[P], i32, &mut [i32]) -> core::Result<()>;

pub(crate) unsafe fn mandelbrot_door<R: Precision>(
    run: MandelbrotKernel<R::Point>,
    c: *const R,
    n: usize,
    max_iter: i32,
    (out, out_len): (*mut i32, usize),
) -> speedup_status {
    let k = R::MANDELBROT;
    boundary(k, || {
        product(k, "n * 2", n, 2)?;
        let c = Raw::new(k, "c", c.cast::<R::Point>(), n);
        unsafe { elementwise(k, c, "n", out, out_len, |c, out| run(c, max_iter, out)) }
    })
}

pub(crate) type CombKernel =
    fn(ArrayView2<f64>, usize, f64, ArrayViewMut2<f64>) -> core::Result<()>;

pub(crate) unsafe fn comb(
    kernel: &'static str,
    run: CombKernel,
    x: *const f64,
    (n, k): (usize, usize),
    tau: usize,
    alpha: f64,
    out: *mut f64,
    out_len: usize,
) -> speedup_status {
    boundary(kernel, || {
        let x_raw = Raw::matrix(kernel, "x", x, (n, k), "n * k")?.checked()?;
        let out_raw = Raw::new(kernel, "out", out.cast_const(), out_len);
        expect_len(kernel, "out_len", "n * k", x_raw.len(), out_len)?;
        let x = view2(kernel, unsafe { x_raw.input()? }, (n, k))?;
        let out = view2_mut(kernel, unsafe { out_raw.output(&[x_raw.span()])? }, (n, k))?;
        run(x, tau, alpha, out)?;
        Ok(())
    })
}
