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

use std::ffi::c_void;

use numpy::{Complex64, PyReadonlyArray1, PyReadonlyArray2, PyReadwriteArray1, PyReadwriteArray2};
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

#[pyfunction(name = "sum")]
fn sum_(py: Python<'_>, x: PyReadonlyArray1<'_, f64>) -> PyResult<f64> {
    let x = x.as_slice()?;
    call(py, "sum", || Ok(core::sum(x)))
}

#[pyfunction]
fn mean(py: Python<'_>, x: PyReadonlyArray1<'_, f64>) -> PyResult<f64> {
    let x = x.as_slice()?;
    call(py, "mean", || core::mean(x))
}

#[pyfunction(name = "std")]
fn std_(py: Python<'_>, x: PyReadonlyArray1<'_, f64>, ddof: usize) -> PyResult<f64> {
    let x = x.as_slice()?;
    call(py, "std", || core::std(x, ddof))
}

#[pyfunction]
fn second_derivative(
    py: Python<'_>,
    f: PyReadonlyArray1<'_, f64>,
    dx: f64,
    mut out: PyReadwriteArray1<'_, f64>,
) -> PyResult<()> {
    let f = f.as_slice()?;
    let out = out.as_slice_mut()?;
    call(py, "second_derivative", || {
        core::second_derivative(f, dx, out)
    })
}

#[pyfunction]
fn laplacian(
    py: Python<'_>,
    f: PyReadonlyArray2<'_, f64>,
    dx: f64,
    dy: f64,
    mut out: PyReadwriteArray2<'_, f64>,
) -> PyResult<()> {
    let f = f.as_array();
    let out = out.as_array_mut();
    call(py, "laplacian", || core::laplacian(f, dx, dy, out))
}

#[pyfunction]
fn comb_forward(
    py: Python<'_>,
    x: PyReadonlyArray2<'_, f64>,
    tau: usize,
    alpha: f64,
    mut out: PyReadwriteArray2<'_, f64>,
) -> PyResult<()> {
    let x = x.as_array();
    let out = out.as_array_mut();
    call(py, "comb_forward", || {
        core::comb_forward(x, tau, alpha, out)
    })
}

#[pyfunction]
fn comb_backward(
    py: Python<'_>,
    x: PyReadonlyArray2<'_, f64>,
    tau: usize,
    alpha: f64,
    mut out: PyReadwriteArray2<'_, f64>,
) -> PyResult<()> {
    let x = x.as_array();
    let out = out.as_array_mut();
    call(py, "comb_backward", || {
        core::comb_backward(x, tau, alpha, out)
    })
}

#[pyfunction]
fn is_prime(py: Python<'_>, n: u64) -> PyResult<bool> {
    call(py, "is_prime", || Ok(core::is_prime(n)))
}

#[pyfunction]
fn is_prime_many(
    py: Python<'_>,
    n: PyReadonlyArray1<'_, u64>,
    mut out: PyReadwriteArray1<'_, bool>,
) -> PyResult<()> {
    let n = n.as_slice()?;
    let out = out.as_slice_mut()?;
    call(py, "is_prime_many", || core::is_prime_many(n, out))
}

/// `[(lo, hi, sum, err), ...]`: the summation-tree nodes of a part of a larger input.
#[pyfunction]
fn sum_nodes(
    py: Python<'_>,
    x: PyReadonlyArray1<'_, f64>,
    offset: usize,
    n_total: usize,
) -> PyResult<Vec<(usize, usize, f64, f64)>> {
    let x = x.as_slice()?;
    let nodes = call(py, "sum_nodes", || {
        core::reduce::sum_nodes(x, offset, n_total)
    })?;
    Ok(nodes
        .iter()
        .map(|nd| (nd.lo, nd.hi, nd.sum, nd.err))
        .collect())
}

#[pyfunction]
fn sum_primes_below(py: Python<'_>, n: u64) -> PyResult<u64> {
    call(py, "sum_primes_below", || core::sum_primes_below(n))
}

#[pyfunction]
fn sum_primes_below_many(
    py: Python<'_>,
    n: PyReadonlyArray1<'_, u64>,
    mut out: PyReadwriteArray1<'_, u64>,
) -> PyResult<()> {
    let n = n.as_slice()?;
    let out = out.as_slice_mut()?;
    call(py, "sum_primes_below_many", || {
        core::sum_primes_below_many(n, out)
    })
}

#[pyfunction]
fn monte_carlo_pi(py: Python<'_>, n_points: u64, seed: u64) -> PyResult<f64> {
    call(py, "monte_carlo_pi", || {
        core::monte_carlo_pi(n_points, seed)
    })
}

#[pyfunction]
fn monte_carlo_pi_inside(py: Python<'_>, first: u64, n_points: u64, seed: u64) -> PyResult<u64> {
    call(py, "monte_carlo_pi_inside", || {
        core::monte_carlo_pi_inside(first, n_points, seed)
    })
}

#[pyfunction]
fn markov_chains_from(
    py: Python<'_>,
    p: PyReadonlyArray2<'_, f64>,
    start: usize,
    n_steps: u64,
    seed: u64,
    first_chain: u64,
    mut counts: PyReadwriteArray2<'_, u64>,
) -> PyResult<()> {
    let p = p.as_array();
    let counts = counts.as_array_mut();
    call(py, "markov_chains", || {
        core::markov_chains_from(p, start, n_steps, seed, first_chain, counts)
    })
}

#[pyfunction]
fn markov_chains(
    py: Python<'_>,
    p: PyReadonlyArray2<'_, f64>,
    start: usize,
    n_steps: u64,
    seed: u64,
    mut counts: PyReadwriteArray2<'_, u64>,
) -> PyResult<()> {
    let p = p.as_array();
    let counts = counts.as_array_mut();
    call(py, "markov_chains", || {
        core::markov_chains(p, start, n_steps, seed, counts)
    })
}

#[pyfunction]
fn closest_pair(
    py: Python<'_>,
    points: PyReadonlyArray2<'_, f64>,
) -> PyResult<(usize, usize, f64)> {
    let points = points.as_array();
    let pair = call(py, "closest_pair", || core::closest_pair(points))?;
    Ok((pair.i, pair.j, pair.dist))
}

#[pyfunction]
fn mandelbrot(
    py: Python<'_>,
    c: PyReadonlyArray1<'_, Complex64>,
    max_iter: i32,
    mut out: PyReadwriteArray1<'_, i32>,
) -> PyResult<()> {
    let c = c.as_slice()?;
    let out = out.as_slice_mut()?;
    call(py, "mandelbrot", || core::mandelbrot(c, max_iter, out))
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

/// The configuration report of this library (`speedup_config` in the C ABI): `key: value`
/// lines; `speedup.config()` parses it.
#[pyfunction]
fn config() -> String {
    speedup::config_report()
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

#[pymodule]
fn _speedup(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", core::VERSION)?;
    m.add_function(wrap_pyfunction!(sum_, m)?)?;
    m.add_function(wrap_pyfunction!(mean, m)?)?;
    m.add_function(wrap_pyfunction!(std_, m)?)?;
    m.add_function(wrap_pyfunction!(second_derivative, m)?)?;
    m.add_function(wrap_pyfunction!(laplacian, m)?)?;
    m.add_function(wrap_pyfunction!(comb_forward, m)?)?;
    m.add_function(wrap_pyfunction!(comb_backward, m)?)?;
    m.add_function(wrap_pyfunction!(is_prime, m)?)?;
    m.add_function(wrap_pyfunction!(is_prime_many, m)?)?;
    m.add_function(wrap_pyfunction!(sum_primes_below, m)?)?;
    m.add_function(wrap_pyfunction!(sum_primes_below_many, m)?)?;
    m.add_function(wrap_pyfunction!(monte_carlo_pi, m)?)?;
    m.add_function(wrap_pyfunction!(markov_chains, m)?)?;
    m.add_function(wrap_pyfunction!(monte_carlo_pi_inside, m)?)?;
    m.add_function(wrap_pyfunction!(sum_nodes, m)?)?;
    m.add_function(wrap_pyfunction!(markov_chains_from, m)?)?;
    m.add_function(wrap_pyfunction!(closest_pair, m)?)?;
    m.add_function(wrap_pyfunction!(mandelbrot, m)?)?;
    m.add_function(wrap_pyfunction!(map_f64, m)?)?;
    m.add_function(wrap_pyfunction!(set_num_threads, m)?)?;
    m.add_function(wrap_pyfunction!(get_num_threads, m)?)?;
    m.add_function(wrap_pyfunction!(request_interrupt, m)?)?;
    m.add_function(wrap_pyfunction!(config, m)?)?;
    #[cfg(feature = "fault-injection")]
    m.add_function(wrap_pyfunction!(_inject_fault, m)?)?;
    m.add_function(wrap_pyfunction!(bench_ignore_cutoffs, m)?)?;
    Ok(())
}
