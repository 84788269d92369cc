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

from . import _api, _reductions, _stencil
from ._docs import documented

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
# Kernels (each converts its arguments once, in speedup._api, then calls the backend). The
# docstrings of every public function are in speedup._docs (@documented attaches them).


@documented
def sum(a: Any, axis: Any = None, dtype: Any = None, out: Any = None, keepdims: bool = False) -> Any:
    return _reductions.reduce(_impl, "sum", a, axis, dtype, out, keepdims)


@documented
def mean(a: Any, axis: Any = None, dtype: Any = None, out: Any = None, keepdims: bool = False) -> Any:
    return _reductions.reduce(_impl, "mean", a, axis, dtype, out, keepdims)


@documented
def std(a: Any, axis: Any = None, dtype: Any = None, out: Any = None, ddof: int = 0,
        keepdims: bool = False) -> Any:
    return _reductions.reduce(_impl, "std", a, axis, dtype, out, keepdims, ddof)


@documented
def second_derivative(
    f: Any, dx: float, *, mode: str = "valid", cval: float = 0.0, out: Optional[np.ndarray] = None
) -> np.ndarray:
    return _stencil.second_derivative(_impl, f, dx, mode, cval, out)


@documented
def laplacian(
    f: Any,
    dx: float,
    dy: float,
    *,
    mode: str = "valid",
    cval: float = 0.0,
    out: Optional[np.ndarray] = None,
) -> np.ndarray:
    return _stencil.laplacian(_impl, f, dx, dy, mode, cval, out)


@documented
def comb_forward(x: Any, tau: int, alpha: float, *, out: Optional[np.ndarray] = None) -> np.ndarray:
    return _stencil.comb(_impl, "comb_forward", x, tau, alpha, out)


@documented
def comb_backward(x: Any, tau: int, alpha: float, *, out: Optional[np.ndarray] = None) -> np.ndarray:
    return _stencil.comb(_impl, "comb_backward", x, tau, alpha, out)


@documented
def is_prime(n: Any) -> Union[bool, np.ndarray]:
    return _api.is_prime(_impl, n)


@documented
def sum_primes_below(n: Any) -> Union[int, np.ndarray]:
    return _api.sum_primes_below(_impl, n)


@documented
def monte_carlo_pi(n_points: int, seed: int = 0) -> float:
    return _api.monte_carlo_pi(_impl, n_points, seed)


@documented
def markov_chains(
    P: Any, n_steps: int, *, n_chains: int = 1, start: int = 0, seed: int = 0
) -> np.ndarray:
    return _api.markov_chains(_impl, P, n_steps, n_chains, start, seed)


@documented
def closest_pair(points: Any) -> Tuple[int, int, float]:
    return _api.closest_pair(_impl, points)


@documented
def mandelbrot(c: Any, max_iter: int = 20) -> np.ndarray:
    return _api.mandelbrot(_impl, c, max_iter)


@documented
def parallel_map(func: Any, x: Any, *, out: Optional[np.ndarray] = None) -> np.ndarray:
    return _api.parallel_map(_impl, func, x, out)


# ---------------------------------------------------------------------------------------------
# Threads


@documented
def set_num_threads(n: int) -> None:
    v = _api.as_int(n, "set_num_threads", "n", 0, _api.USIZE_MAX, "must be between 0 and 1024 (0 restores the default)")
    _impl.set_num_threads(v)


@documented
def get_num_threads() -> int:
    return int(_impl.get_num_threads())


@documented
@contextlib.contextmanager
def threads(n: int) -> Iterator[None]:
    previous = get_num_threads()
    set_num_threads(n)
    try:
        yield
    finally:
        set_num_threads(previous)


# ---------------------------------------------------------------------------------------------
# Configuration


@documented
def config() -> Dict[str, Any]:
    out: Dict[str, Any] = {
        "backend": backend,
        "library": str(getattr(_impl, "path", None) or getattr(_impl, "__file__", "")),
    }
    for line in _impl.config().splitlines():
        key, sep, value = line.partition(": ")
        if sep:
            out[key] = int(value) if key in ("cpus", "threads") else value
    return out


@documented
def show_config() -> None:
    for key, value in config().items():
        print(f"{key}: {value}")


def __getattr__(name: str) -> Any:
    if name == "legacy":  # imported lazily: it probes the C library for legacy routines
        import importlib

        return importlib.import_module(".legacy", __name__)
    raise AttributeError(f"module 'speedup' has no attribute {name!r}")


from . import _threadpoolctl  # noqa: E402

_threadpoolctl.register()
