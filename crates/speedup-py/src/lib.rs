//! # speedup-py
//!
//! The Python extension `speedup._speedup`: one `#[pyfunction]` per kernel of `speedup-core`,
//! the thread knob, the interrupt request, and one benchmark-only switch
//! (`bench_ignore_cutoffs`, for `speedup bench`'s size sweep), and nothing else. Each function
//! only converts its arguments (C-contiguous NumPy arrays of the right dtype, already normalised
//! and validated by the pure-Python package `speedup`), releases the GIL, calls the kernel and
//! maps [`speedup_core::Error`] to a Python exception with the kernel's message unchanged:
//!
//! | `speedup_core::Error` | Python |
//! |---|---|
//! | `InvalidArgument`, `Length` | `ValueError` |
//! | `Overflow` | `OverflowError` |
//! | `Interrupted` | `KeyboardInterrupt` |
//! | `Allocation` | `MemoryError` |
//! | `Panic` (a caught Rust panic) | `RuntimeError` |
//!
//! The ctypes backend (`speedup/_ctypes_backend.py`, over `libspeedup.so`) exposes the same
//! function set with the same exceptions; the public API lives in `speedup/__init__.py`.

mod axes;

use std::ffi::c_void;

use numpy::{
    Complex32, Complex64, PyReadonlyArray1, PyReadonlyArray2, PyReadwriteArray1, PyReadwriteArray2,
};
use pyo3::exceptions::{
    PyKeyboardInterrupt, PyMemoryError, PyOverflowError, PyRuntimeError, PyValueError,
};
use pyo3::prelude::*;
use speedup_core as core;

// Keep the C ABI in the extension (see Cargo.toml).
use speedup as _;

/// The one mapping from a kernel error to a Python exception (message unchanged).
fn to_py(e: core::Error) -> PyErr {
    let msg = e.to_string();
    match e {
        core::Error::InvalidArgument { .. } | core::Error::Length { .. } => {
            PyValueError::new_err(msg)
        }
        core::Error::Overflow { .. } => PyOverflowError::new_err(msg),
        core::Error::Interrupted { .. } => PyKeyboardInterrupt::new_err(msg),
        core::Error::Allocation { .. } => PyMemoryError::new_err(msg),
        core::Error::Panic { .. } => PyRuntimeError::new_err(msg),
    }
}

/// Runs the kernel call `f` with the GIL released, inside [`core::catch_panic`] (a panic becomes
/// `RuntimeError` with the same message as the C door's `SPEEDUP_ERR_PANIC` and the ctypes
/// backend's exception, instead of PyO3's `PanicException`), and maps its error to the Python
/// exception.
fn call<T: Send>(
    py: Python<'_>,
    kernel: &'static str,
    f: impl FnOnce() -> core::Result<T> + Send,
) -> PyResult<T> {
    ok(py.detach(|| core::catch_panic(kernel, f).and_then(|r| r)))
}

fn ok<T>(r: core::Result<T>) -> PyResult<T> {
    r.map_err(to_py)
}

/// The arguments of a kernel, as the kernel takes them: `slice` / `slice_mut` (a 1-D array as a
/// slice), `array` / `array_mut` (a 2-D array as an `ndarray` view); other arguments as they come.
macro_rules! view {
    ($a:ident slice) => {
        let $a = $a.as_slice()?;
    };
    ($a:ident slice_mut) => {
        let mut $a = $a;
        let $a = $a.as_slice_mut()?;
    };
    ($a:ident array) => {
        let $a = $a.as_array();
    };
    ($a:ident array_mut) => {
        let mut $a = $a;
        let $a = $a.as_array_mut();
    };
}

/// Short names of the NumPy argument types in the `kernels!` tables (read-only inputs and
/// writable outputs, 1-D and 2-D).
type In1<'py, T> = PyReadonlyArray1<'py, T>;
type In2<'py, T> = PyReadonlyArray2<'py, T>;
type Out1<'py, T> = PyReadwriteArray1<'py, T>;
type Out2<'py, T> = PyReadwriteArray2<'py, T>;

/// One `#[pyfunction]` per kernel, all of one shape: the arguments converted by [`view!`], then
/// `body` (the kernel call, a `core::Result`) run by [`call`] under the name `kernel`.
macro_rules! kernels {
    ($(
        $(#[$attr:meta])*
        $vis:vis fn $name:ident($($arg:ident: $ty:ty $(as $view:ident)?),* $(,)?) -> $ret:ty
            = $kernel:literal => $body:expr;
    )*) => {$(
        #[pyfunction]
        $(#[$attr])*
        $vis fn $name(py: Python<'_>, $($arg: $ty),*) -> PyResult<$ret> {
            $($(view!($arg $view);)?)*
            call(py, $kernel, || $body)
        }
    )*};
}

// After the macros: the modules' tables use them.
mod stencils;

kernels! {
    #[pyo3(name = "sum")]
    fn sum_(x: In1<'_, f64> as slice) -> f64 = "sum" => Ok(core::sum(x));

    fn mean(x: In1<'_, f64> as slice) -> f64 = "mean" => core::mean(x);

    #[pyo3(name = "std")]
    fn std_(x: In1<'_, f64> as slice, ddof: usize) -> f64 = "std" => core::std(x, ddof);

    fn second_derivative(f: In1<'_, f64> as slice, dx: f64, out: Out1<'_, f64> as slice_mut)
        -> () = "second_derivative" => core::second_derivative(f, dx, out);

    fn laplacian(f: In2<'_, f64> as array, dx: f64, dy: f64, out: Out2<'_, f64> as array_mut)
        -> () = "laplacian" => core::laplacian(f, dx, dy, out);

    fn comb_forward(
        x: In2<'_, f64> as array, tau: usize, alpha: f64, out: Out2<'_, f64> as array_mut,
    ) -> () = "comb_forward" => core::comb_forward(x, tau, alpha, out);

    fn comb_backward(
        x: In2<'_, f64> as array, tau: usize, alpha: f64, out: Out2<'_, f64> as array_mut,
    ) -> () = "comb_backward" => core::comb_backward(x, tau, alpha, out);

    fn is_prime(n: u64) -> bool = "is_prime" => Ok(core::is_prime(n));

    fn is_prime_many(n: In1<'_, u64> as slice, out: Out1<'_, bool> as slice_mut) -> ()
        = "is_prime_many" => core::is_prime_many(n, out);

    /// `[(lo, hi, sum, err), ...]`: the summation-tree nodes of a part of a larger input.
    fn sum_nodes(x: In1<'_, f64> as slice, offset: usize, n_total: usize)
        -> Vec<(usize, usize, f64, f64)>
        = "sum_nodes" => core::reduce::sum_nodes(x, offset, n_total)
            .map(|nodes| nodes.iter().map(|nd| (nd.lo, nd.hi, nd.sum, nd.err)).collect());

    /// Raises unless elements `offset .. offset + len` of `n_total` form a part `sum_nodes`
    /// accepts.
    fn sum_nodes_check(len: usize, offset: usize, n_total: usize) -> ()
        = "sum_nodes_check" => core::reduce::check_part("sum_nodes_check", len, offset, n_total)
            .map(|_| ());

    /// The whole sum of `n_total` elements from the `sum_nodes` of all its parts.
    fn join_nodes(nodes: Vec<(usize, usize, f64, f64)>, n_total: usize) -> f64
        = "join_nodes" => core::reduce::join_nodes(
            &nodes
                .iter()
                .map(|&(lo, hi, sum, err)| core::reduce::TreeNode { lo, hi, sum, err })
                .collect::<Vec<_>>(),
            n_total,
        );

    fn mean_finish(sum: f64, n: usize) -> f64 = "mean_finish" => core::mean_finish(sum, n);

    fn std_finish(ss: f64, n: usize, ddof: usize) -> f64
        = "std_finish" => core::std_finish(ss, n, ddof);

    fn monte_carlo_pi_finish(inside: u64, n_points: u64) -> f64
        = "monte_carlo_pi_finish" => core::monte_carlo_pi_finish(inside, n_points);

    fn laplacian_shape(rows: usize, cols: usize, dx: f64, dy: f64) -> (usize, usize)
        = "laplacian_shape" => core::laplacian_shape((rows, cols), dx, dy);

    fn second_derivative_len(n: usize, dx: f64) -> usize
        = "second_derivative_len" => core::second_derivative_len(n, dx);

    fn sum_primes_below(n: u64) -> u64 = "sum_primes_below" => core::sum_primes_below(n);

    fn sum_primes_below_u128(n: u64) -> u128
        = "sum_primes_below_u128" => core::sum_primes_below_u128(n);

    fn sum_primes_below_many(n: In1<'_, u64> as slice, out: Out1<'_, u64> as slice_mut) -> ()
        = "sum_primes_below_many" => core::sum_primes_below_many(n, out);

    fn monte_carlo_pi(n_points: u64, seed: u64) -> f64
        = "monte_carlo_pi" => core::monte_carlo_pi(n_points, seed);

    fn monte_carlo_pi_inside(first: u64, n_points: u64, seed: u64) -> u64
        = "monte_carlo_pi_inside" => core::monte_carlo_pi_inside(first, n_points, seed);

    fn markov_chains_from(
        p: In2<'_, f64> as array, start: usize, n_steps: u64, seed: u64, first_chain: u64,
        counts: Out2<'_, u64> as array_mut,
    ) -> () = "markov_chains"
        => core::markov_chains_from(p, start, n_steps, seed, first_chain, counts);

    fn markov_chains(
        p: In2<'_, f64> as array, start: usize, n_steps: u64, seed: u64,
        counts: Out2<'_, u64> as array_mut,
    ) -> () = "markov_chains" => core::markov_chains(p, start, n_steps, seed, counts);

    fn closest_pair(points: In2<'_, f64> as array) -> (usize, usize, f64)
        = "closest_pair" => core::closest_pair(points).map(|pair| (pair.i, pair.j, pair.dist));

    fn mandelbrot(c: In1<'_, Complex64> as slice, max_iter: i32, out: Out1<'_, i32> as slice_mut)
        -> () = "mandelbrot" => core::mandelbrot(c, max_iter, out);

    /// Escape counts of the `complex64` points `c` into `out` (same length), iterated in `f32`
    /// (`speedup.mandelbrot` calls it for `complex64` input, without a converted copy).
    fn mandelbrot_f32(
        c: In1<'_, Complex32> as slice, max_iter: i32, out: Out1<'_, i32> as slice_mut,
    ) -> () = "mandelbrot_f32" => core::mandelbrot_f32(c, max_iter, out);
}

/// The C signature `double f(double x, void *ctx)` of `speedup_map_f64`.
type MapFn = unsafe extern "C" fn(f64, *mut c_void) -> f64;

/// `out[i] = func(x[i], ctx)` on speedup's threads. `func` is the address of a thread-safe
/// C function (checked non-zero by the Python layer); `ctx` is passed through untouched.
#[pyfunction]
fn map_f64(
    py: Python<'_>,
    func: usize,
    ctx: usize,
    x: PyReadonlyArray1<'_, f64>,
    mut out: PyReadwriteArray1<'_, f64>,
) -> PyResult<()> {
    if func == 0 {
        return Err(PyValueError::new_err("map_f64: f must not be NULL"));
    }
    // SAFETY: the caller (speedup.parallel_map) vouches that `func` is the address of a
    // function with the C signature `double (double, void *)`, safe to call from any thread.
    let f: MapFn = unsafe { std::mem::transmute::<usize, MapFn>(func) };
    let x = x.as_slice()?;
    let out = out.as_slice_mut()?;
    // SAFETY: as above; `ctx` goes to `f` untouched.
    call(py, "map_f64", || {
        core::map_f64(|v| unsafe { f(v, ctx as *mut c_void) }, x, out)
    })
}

#[pyfunction]
fn set_num_threads(n: usize) -> PyResult<()> {
    ok(core::threads::set_num_threads(n))
}

#[pyfunction]
fn get_num_threads() -> usize {
    core::threads::get_num_threads()
}

/// Benchmarks only (`speedup bench`'s size sweep): when on, every kernel goes parallel whatever
/// its size, so that the serial cut-offs can be measured. Never changes a result.
#[pyfunction]
fn bench_ignore_cutoffs(on: bool) {
    core::threads::set_ignore_cutoffs(on);
}

/// Asks every running speedup call to stop (they raise `KeyboardInterrupt`, writing nothing).
#[pyfunction]
fn request_interrupt() {
    core::cancel::request_interrupt();
}

/// Test-only (feature `fault-injection`, never in the wheel): sets `speedup_core::fault`.
#[cfg(feature = "fault-injection")]
#[pyfunction]
fn _inject_fault(spec: &str) -> PyResult<()> {
    core::fault::inject(spec).map_err(PyValueError::new_err)
}

/// The configuration report of this library (`speedup_config` in the C ABI): `key: value`
/// lines; `speedup.config()` parses it.
#[pyfunction]
fn config() -> String {
    speedup::config_report()
}

#[pymodule]
fn _speedup(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", core::VERSION)?;
    for f in [
        wrap_pyfunction!(sum_, m)?,
        wrap_pyfunction!(axes::reduce_axis, m)?,
        wrap_pyfunction!(mean, m)?,
        wrap_pyfunction!(std_, m)?,
        wrap_pyfunction!(second_derivative, m)?,
        wrap_pyfunction!(laplacian, m)?,
        wrap_pyfunction!(comb_forward, m)?,
        wrap_pyfunction!(comb_backward, m)?,
        wrap_pyfunction!(is_prime, m)?,
        wrap_pyfunction!(is_prime_many, m)?,
        wrap_pyfunction!(sum_primes_below, m)?,
        wrap_pyfunction!(sum_primes_below_u128, m)?,
        wrap_pyfunction!(sum_primes_below_many, m)?,
        wrap_pyfunction!(monte_carlo_pi, m)?,
        wrap_pyfunction!(markov_chains, m)?,
        wrap_pyfunction!(monte_carlo_pi_inside, m)?,
        wrap_pyfunction!(sum_nodes, m)?,
        wrap_pyfunction!(sum_nodes_check, m)?,
        wrap_pyfunction!(join_nodes, m)?,
        wrap_pyfunction!(mean_finish, m)?,
        wrap_pyfunction!(std_finish, m)?,
        wrap_pyfunction!(monte_carlo_pi_finish, m)?,
        wrap_pyfunction!(laplacian_shape, m)?,
        wrap_pyfunction!(second_derivative_len, m)?,
        wrap_pyfunction!(markov_chains_from, m)?,
        wrap_pyfunction!(closest_pair, m)?,
        wrap_pyfunction!(mandelbrot, m)?,
        wrap_pyfunction!(mandelbrot_f32, m)?,
        wrap_pyfunction!(map_f64, m)?,
        wrap_pyfunction!(set_num_threads, m)?,
        wrap_pyfunction!(get_num_threads, m)?,
        wrap_pyfunction!(request_interrupt, m)?,
        wrap_pyfunction!(stencils::laplacian_ext, m)?,
        wrap_pyfunction!(stencils::second_derivative_ext, m)?,
        wrap_pyfunction!(stencils::comb_forward_ext, m)?,
        wrap_pyfunction!(stencils::comb_backward_ext, m)?,
        wrap_pyfunction!(stencils::laplacian_ext_f32, m)?,
        wrap_pyfunction!(stencils::second_derivative_ext_f32, m)?,
        wrap_pyfunction!(stencils::comb_forward_ext_f32, m)?,
        wrap_pyfunction!(stencils::comb_backward_ext_f32, m)?,
        wrap_pyfunction!(stencils::laplacian_shape_mode, m)?,
        wrap_pyfunction!(stencils::second_derivative_len_mode, m)?,
    ] {
        m.add_function(f)?;
    }
    #[cfg(feature = "fault-injection")]
    m.add_function(wrap_pyfunction!(_inject_fault, m)?)?;
    m.add_function(wrap_pyfunction!(bench_ignore_cutoffs, m)?)?;
    m.add_function(wrap_pyfunction!(config, m)?)?;
    Ok(())
}
