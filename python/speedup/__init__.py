"""speedup: fast, deterministic numerical kernels, written once in Rust.

Every function computes exactly what the contract (``docs/contract.md``) says, with the same bits
whichever backend runs and whatever the thread count::

    >>> import numpy as np, speedup
    >>> speedup.std([1.0, 2.0, 3.0, 4.0], ddof=1)
    1.2909944487358056
    >>> speedup.sum_primes_below(10)
    17
    >>> with speedup.threads(1):
    ...     speedup.monte_carlo_pi(1000, seed=42) == speedup.monte_carlo_pi(1000, seed=42)
    True

Array-likes are converted as NumPy would (lists, ints, float32, strided and Fortran-order
arrays, read-only arrays); functions with ``out=`` check it (shape, dtype, writable,
C-contiguous, no overlap with an input) and return it. Bad input raises ``ValueError``
(``TypeError`` for a wrong type, ``OverflowError`` for overflow); a long call stopped by Ctrl-C
raises ``KeyboardInterrupt`` and writes nothing. ``MemoryError`` means an array or scratch
buffer could not be allocated; ``RuntimeError`` an internal error of speedup (a caught Rust
panic); after either, the process and speedup keep working.

Backends: ``speedup.backend`` is ``"pyo3"`` (the extension ``speedup._speedup``) or ``"ctypes"``
(``libspeedup.so`` through ctypes). ``SPEEDUP_BACKEND=pyo3|ctypes`` forces one; otherwise pyo3,
falling back to ctypes only when the extension is missing. A process has one speedup runtime
(one thread pool, one thread knob) whatever is imported: the ctypes backend and
``speedup.legacy`` load the extension file itself through ctypes whenever it is importable, and
the shipped ``_lib/libspeedup.so`` only when it is not (``SPEEDUP_LIBRARY`` overrides both).

Legacy routines: ``speedup.legacy.<kernel>`` runs the lab's old C/Fortran OpenMP routine of the
same name, with the same Python API, for comparison (see ``help(speedup.legacy)``).
"""

from __future__ import annotations

import contextlib
import os
from typing import Any, Dict, Iterator, Optional, Tuple, Union

import numpy as np

from . import _api

__all__ = [
    "backend",
    "sum",
    "mean",
    "std",
    "second_derivative",
    "laplacian",
    "comb_forward",
    "comb_backward",
    "is_prime",
    "sum_primes_below",
    "monte_carlo_pi",
    "markov_chains",
    "closest_pair",
    "mandelbrot",
    "parallel_map",
    "set_num_threads",
    "get_num_threads",
    "threads",
    "config",
    "show_config",
    "__version__",
]


def _load_pyo3() -> Any:
    from . import _speedup

    return _speedup


def _load_ctypes() -> Any:
    from . import _ctypes_backend

    return _ctypes_backend.backend()


def _select() -> Tuple[str, Any]:
    choice = os.environ.get("SPEEDUP_BACKEND", "").strip().lower()
    if choice == "pyo3":
        return "pyo3", _load_pyo3()
    if choice == "ctypes":
        return "ctypes", _load_ctypes()
    if choice not in ("", "auto"):
        raise ImportError(
            f"speedup: SPEEDUP_BACKEND must be 'pyo3' or 'ctypes' (or unset), got {choice!r}"
        )
    try:
        return "pyo3", _load_pyo3()
    except ImportError:
        return "ctypes", _load_ctypes()


backend: str
backend, _impl = _select()
__version__: str = _impl.__version__


def _use_backend(name: str) -> str:
    """Switches the backend of every public function (for tests and benchmarks); returns the
    previous one. Not thread-safe with respect to calls running at the same time."""
    global backend, _impl
    previous = backend
    if name == "pyo3":
        impl = _load_pyo3()
    elif name == "ctypes":
        impl = _load_ctypes()
    else:
        raise ValueError(f"speedup: backend must be 'pyo3' or 'ctypes', got {name!r}")
    backend, _impl = name, impl
    return previous


# ---------------------------------------------------------------------------------------------
# Kernels (each converts its arguments once, in speedup._api, then calls the backend)


def sum(x: Any) -> float:
    """Deterministic blocked sum of ``x`` (flattened, as float64); ``0.0`` when empty; NaN
    propagates. Never less accurate than ``numpy.sum`` (measured against ``math.fsum``), and
    the same bits at every thread count.

    >>> speedup.sum([0.1] * 10)
    1.0
    """
    return _api.sum(_impl, x)


def mean(x: Any) -> float:
    """``sum(x) / n``. ``ValueError`` when ``x`` is empty.

    >>> speedup.mean([1, 2, 3, 4])
    2.5
    """
    return _api.mean(_impl, x)


def std(x: Any, ddof: int = 0) -> float:
    """Two-pass standard deviation: ``m = sum(x)/n``, ``ss = sum((x_i - m)*(x_i - m))``,
    ``sqrt(ss / (n - ddof))``. ``ValueError`` when ``x`` is empty or ``ddof >= n``.

    >>> speedup.std([1.0, 2.0, 3.0, 4.0], ddof=1)
    1.2909944487358056
    """
    return _api.std(_impl, x, ddof)


def second_derivative(f: Any, dx: float, *, out: Optional[np.ndarray] = None) -> np.ndarray:
    """``out[i] = ((f[i] - 2.0*f[i+1]) + f[i+2]) * (1.0/(dx*dx))`` for a 1-D ``f``; shape
    ``(n - 2,)``. ``ValueError`` when ``n < 3`` or ``dx`` is zero or not finite.

    >>> speedup.second_derivative([0.0, 1.0, 4.0, 9.0], 1.0)
    array([2., 2.])
    """
    return _api.second_derivative(_impl, f, dx, out)


def laplacian(f: Any, dx: float, dy: float, *, out: Optional[np.ndarray] = None) -> np.ndarray:
    """5-point Laplacian of the 2-D grid ``f`` (shape ``(rows-2, cols-2)``): with
    ``ax = 1/(dx*dx)``, ``ay = 1/(dy*dy)``, ``c = 2ax + 2ay``,
    ``out[i-1, j-1] = ((f[i-1,j] + f[i+1,j])*ax + (f[i,j-1] + f[i,j+1])*ay) - f[i,j]*c``.
    ``ValueError`` when a side is < 3 or ``dx``/``dy`` is zero or not finite.

    >>> speedup.laplacian(np.arange(9.0).reshape(3, 3) ** 2, 1.0, 1.0)
    array([[20.]])
    """
    return _api.laplacian(_impl, f, dx, dy, out)


def comb_forward(x: Any, tau: int, alpha: float, *, out: Optional[np.ndarray] = None) -> np.ndarray:
    """Forward comb filter along axis 0 of ``x`` (``(n,)`` or ``(n, k)``, each column alone):
    ``y[t] = x[t]`` for ``t < tau``, else ``x[t] + alpha*x[t-tau]``. ``ValueError`` when
    ``tau < 1``.

    >>> speedup.comb_forward([1.0, 0.0, 0.0, 0.0], 2, 0.5)
    array([1. , 0. , 0.5, 0. ])
    """
    return _api.comb_forward(_impl, x, tau, alpha, out)


def comb_backward(x: Any, tau: int, alpha: float, *, out: Optional[np.ndarray] = None) -> np.ndarray:
    """Backward (recursive) comb filter along axis 0: ``y[t] = x[t]`` for ``t < tau``, else
    ``x[t] + alpha*y[t-tau]``. ``ValueError`` when ``tau < 1``.

    >>> speedup.comb_backward([1.0, 0.0, 0.0, 0.0, 0.0], 2, 0.5)
    array([1.  , 0.  , 0.5 , 0.  , 0.25])
    """
    return _api.comb_backward(_impl, x, tau, alpha, out)


def is_prime(n: Any) -> Union[bool, np.ndarray]:
    """Exact primality for every integer in ``0..2**64-1``: ``bool`` for a scalar, a bool array
    of the same shape for an array. ``TypeError`` for floats, ``ValueError`` for negatives,
    ``OverflowError`` above ``2**64-1``.

    >>> speedup.is_prime(2**61 - 1), speedup.is_prime([0, 1, 2, 9]).tolist()
    (True, [False, False, True, False])
    """
    return _api.is_prime(_impl, n)


def sum_primes_below(n: Any) -> Union[int, np.ndarray]:
    """Sum of all primes ``p < n``: ``int`` for a scalar, a uint64 array for an array of
    queries (answered from one sieve up to the largest). ``OverflowError`` when a sum does not
    fit in uint64 (never a wrapped value).

    >>> speedup.sum_primes_below(10), speedup.sum_primes_below([2, 3, 10]).tolist()
    (17, [0, 2, 17])
    """
    return _api.sum_primes_below(_impl, n)


def monte_carlo_pi(n_points: int, seed: int = 0) -> float:
    """Estimate of pi from ``n_points`` points: point ``i`` is ``(u[2i], u[2i+1])`` of the
    Philox4x64-10 stream with key ``(seed, 0)`` (numpy's ``Philox(key=seed)``); inside when
    ``x*x + y*y < 1.0``; result ``4.0*inside/n_points``. ``ValueError`` when ``n_points < 1``.
    Ctrl-C stops a long call (``KeyboardInterrupt``).

    >>> round(speedup.monte_carlo_pi(10**6, seed=1), 2)
    3.14
    """
    return _api.monte_carlo_pi(_impl, n_points, seed)


def markov_chains(
    P: Any, n_steps: int, *, n_chains: int = 1, start: int = 0, seed: int = 0
) -> np.ndarray:
    """Visit counts, shape ``(n_chains, k)`` uint64, of ``n_chains`` chains over the
    row-stochastic ``P`` (``k x k``), each ``n_steps`` long from ``start``. Chain ``c`` draws
    from the Philox stream with key ``(seed, c)``; step ``t`` takes ``u[t]``; the next state is
    the first ``j`` with ``u < cumsum(P[s])[j]``, ``k-1`` if none. ``ValueError`` for an empty
    or non-square ``P``, a negative entry, a row sum off by more than 1e-9, a bad ``start``.

    >>> speedup.markov_chains([[0.5, 0.5], [0.5, 0.5]], 100, n_chains=2).sum(axis=1).tolist()
    [100, 100]
    """
    return _api.markov_chains(_impl, P, n_steps, n_chains, start, seed)


def closest_pair(points: Any) -> Tuple[int, int, float]:
    """The closest pair ``(i, j, d)``, ``i < j``, of the ``(n, 2)`` points, in O(n log n):
    minimal ``d2 = dx*dx + dy*dy``, ties to the smallest ``(i, j)``; ``d = sqrt(d2)``.
    ``ValueError`` when ``n < 2`` or a coordinate is not finite.

    >>> speedup.closest_pair([[0.0, 0.0], [5.0, 5.0], [1.0, 0.0]])
    (0, 2, 1.0)
    """
    return _api.closest_pair(_impl, points)


def mandelbrot(c: Any, max_iter: int = 20) -> np.ndarray:
    """Escape counts (int32, the shape of ``c``) of the complex points ``c``: ``z = c``; for
    ``it`` in ``0..max_iter``: if ``re*re + im*im >= 16.0`` the count is ``it``; else
    ``z = z*z + c`` (written out in real arithmetic); ``-1`` when it never escapes.
    ``ValueError`` when ``max_iter < 0``.

    >>> speedup.mandelbrot([0j, 2 + 2j, 1 + 0j], max_iter=20).tolist()
    [-1, 1, 2]
    """
    return _api.mandelbrot(_impl, c, max_iter)


def parallel_map(func: Any, x: Any, *, out: Optional[np.ndarray] = None) -> np.ndarray:
    """``out[i] = func(x[i], NULL)`` on speedup's threads, for a native function
    ``double f(double x, void *ctx)`` given as a ctypes ``CFUNCTYPE(c_double, c_double,
    c_void_p)`` object or an integer address (e.g. a Numba ``cfunc``'s ``.address``). ``func``
    must be thread-safe. A ctypes callback wrapping a *Python* function works but takes the GIL
    on every call (slow, serialised); compiled functions run truly in parallel.

    >>> import ctypes
    >>> F = ctypes.CFUNCTYPE(ctypes.c_double, ctypes.c_double, ctypes.c_void_p)
    >>> speedup.parallel_map(F(lambda v, ctx: v * v), [1.0, 2.0, 3.0])
    array([1., 4., 9.])
    """
    return _api.parallel_map(_impl, func, x, out)


# ---------------------------------------------------------------------------------------------
# Threads


def set_num_threads(n: int) -> None:
    """Sets speedup's thread count for every later call (``0`` restores the default:
    ``SPEEDUP_NUM_THREADS``, else ``OMP_NUM_THREADS``, else the CPUs this process may use).
    The thread count never changes a result."""
    v = _api.as_int(n, "set_num_threads", "n", 0, _api.USIZE_MAX, "must be between 0 and 1024 (0 restores the default)")
    _impl.set_num_threads(v)


def get_num_threads() -> int:
    """The thread count the next call will use."""
    return int(_impl.get_num_threads())


@contextlib.contextmanager
def threads(n: int) -> Iterator[None]:
    """``with speedup.threads(n): ...`` runs the block at ``n`` threads and restores the
    previous count afterwards (also on error).

    >>> with speedup.threads(1):
    ...     speedup.get_num_threads()
    1
    """
    previous = get_num_threads()
    set_num_threads(n)
    try:
        yield
    finally:
        set_num_threads(previous)


# ---------------------------------------------------------------------------------------------
# Configuration


def config() -> Dict[str, Any]:
    """This installation's configuration as a dict: ``backend`` and ``library`` (the file of the
    loaded extension or C library), then the keys of the library's own report, in its order
    (``speedup_config`` in C; ``docs/config.md`` describes them): ``version``, ``target``,
    ``profile``, ``opt_level``, ``debug_assertions``, ``cpus``, ``threads``, ``threads_source``
    (``SPEEDUP_NUM_THREADS``, ``OMP_NUM_THREADS``, ``cpus`` or ``set_num_threads``),
    ``cpu_features``, ``simd.<family>``, ``legacy`` and ``openmp``. ``cpus`` and ``threads`` are
    ints (``threads == get_num_threads()``); every other value is a string.

    >>> speedup.config()["threads"] == speedup.get_num_threads()
    True
    """
    out: Dict[str, Any] = {
        "backend": backend,
        "library": str(getattr(_impl, "path", None) or getattr(_impl, "__file__", "")),
    }
    for line in _impl.config().splitlines():
        key, sep, value = line.partition(": ")
        if sep:
            out[key] = int(value) if key in ("cpus", "threads") else value
    return out


def show_config() -> None:
    """Prints :func:`config`, one ``key: value`` per line (like ``numpy.show_config()``; what
    ``speedup info`` prints). Include it in a bug report."""
    for key, value in config().items():
        print(f"{key}: {value}")


def __getattr__(name: str) -> Any:
    if name == "legacy":  # imported lazily: it probes the C library for legacy routines
        import importlib

        return importlib.import_module(".legacy", __name__)
    raise AttributeError(f"module 'speedup' has no attribute {name!r}")


from . import _threadpoolctl  # noqa: E402

_threadpoolctl.register()
