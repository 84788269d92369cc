"""``speedup.legacy.<kernel>``: the lab's legacy routines, for comparison and migration.

The legacy routines are the old C and Fortran codes (``c_src/``, ``fortran_src/legacy/``,
OpenMP) that speedup's Rust kernels replace. They are linked into the C library and exported as
``speedup_legacy_<kernel>`` (same signatures as ``speedup_<kernel>``); this module calls them
through ctypes with exactly the Python API of ``speedup.<kernel>`` (same argument conversion,
same ``out=`` checks, same exception types). Use them to check the Rust kernels against the code
they replace, or to time one beside the other::

    >>> import numpy as np, speedup, speedup.legacy
    >>> f = np.arange(16.0).reshape(4, 4) ** 2
    >>> np.array_equal(speedup.legacy.laplacian(f, 1.0, 1.0), speedup.laplacian(f, 1.0, 1.0))
    True

What agrees with what (the contract, ``docs/contract.md``): the comb filters,
``second_derivative``, ``laplacian``, ``mandelbrot``, ``is_prime``, ``sum_primes_below`` and
``closest_pair`` give the same bits as the Rust kernels. ``sum`` is a plain left-to-right loop
and ``mean`` / ``std`` use OpenMP reductions: they agree with the Rust kernels within rounding
(not bitwise), and ``mean`` / ``std`` may change in the last bits with the thread count. The
legacy algorithms are the old ones: ``is_prime`` is trial division, ``sum_primes_below`` tests
every candidate (no sieve), ``closest_pair`` is brute force O(n^2); fine at the seed sizes, slow
beyond. Legacy routines cannot be interrupted by Ctrl-C. There is no legacy ``monte_carlo_pi``
or ``markov_chains``.

Threads: the legacy routines use speedup's one thread knob (``speedup.set_num_threads``,
``speedup.threads``): every call sets OpenMP's thread count from it. ``omp_team_size()`` shows
what an OpenMP region really gets.

The routines come from the library the ctypes backend loads, which is the PyO3 extension itself
whenever it is importable (one speedup runtime, one thread knob per process). Only the routines
that library exports are present: ``available`` lists them; any other name raises
``AttributeError`` saying why.
"""

from __future__ import annotations

import ctypes
from typing import Any, Optional, Tuple, Union

import numpy as np

from . import _api
from ._docs.legacy import documented
from ._signatures import LEGACY

# Python name -> the C routines (suffixes of speedup_legacy_) it needs.
_SYMBOLS = {
    "sum": ("sum",),
    "mean": ("mean",),
    "std": ("std",),
    "second_derivative": ("second_derivative",),
    "laplacian": ("laplacian",),
    "comb_forward": ("comb_forward",),
    "comb_backward": ("comb_backward",),
    "is_prime": ("is_prime", "is_prime_many"),
    "sum_primes_below": ("sum_primes_below", "sum_primes_below_many"),
    "closest_pair": ("closest_pair",),
    "mandelbrot": ("mandelbrot",),
}


def _load() -> Tuple[Any, str, str]:
    try:
        from . import _ctypes_backend

        shared = _ctypes_backend.backend()  # the process's one C library (see the module doc)
    except ImportError as e:
        return None, "", f"no C library could be loaded ({e})"
    backend = _ctypes_backend.CBackend(shared.lib, shared.path, prefix="speedup_legacy_")
    if not backend.available:
        return backend, shared.path, f"{shared.path} exports no speedup_legacy_* routines"
    return backend, shared.path, ""


_backend, library, _why = _load()
available: Tuple[str, ...] = tuple(
    name
    for name, symbols in _SYMBOLS.items()
    if _backend is not None and all(s in _backend.available for s in symbols)
)


# ---------------------------------------------------------------------------------------------
# The routines (each with the API of speedup.<name>; their docstrings are in speedup._docs.legacy,
# which borrows the twin's Parameters, Returns and Raises).


@documented
def sum(x: Any) -> float:
    return _api.sum(_backend, x)


@documented
def mean(x: Any) -> float:
    return _api.mean(_backend, x)


@documented
def std(x: Any, ddof: int = 0) -> float:
    return _api.std(_backend, x, ddof)


@documented
def second_derivative(f: Any, dx: float, *, out: Optional[np.ndarray] = None) -> np.ndarray:
    return _api.second_derivative(_backend, f, dx, out)


@documented
def laplacian(f: Any, dx: float, dy: float, *, out: Optional[np.ndarray] = None) -> np.ndarray:
    return _api.laplacian(_backend, f, dx, dy, out)


@documented
def comb_forward(x: Any, tau: int, alpha: float, *, out: Optional[np.ndarray] = None) -> np.ndarray:
    return _api.comb_forward(_backend, x, tau, alpha, out)


@documented
def comb_backward(x: Any, tau: int, alpha: float, *, out: Optional[np.ndarray] = None) -> np.ndarray:
    return _api.comb_backward(_backend, x, tau, alpha, out)


@documented
def is_prime(n: Any) -> Union[bool, np.ndarray]:
    return _api.is_prime(_backend, n)


@documented
def sum_primes_below(n: Any) -> Union[int, np.ndarray]:
    return _api.sum_primes_below(_backend, n)


@documented
def closest_pair(points: Any) -> Tuple[int, int, float]:
    return _api.closest_pair(_backend, points)


@documented
def mandelbrot(c: Any, max_iter: int = 20) -> np.ndarray:
    return _api.mandelbrot(_backend, c, max_iter)


@documented
def omp_team_size() -> Tuple[int, int]:
    if _backend is None:
        raise AttributeError(f"speedup.legacy.omp_team_size is not available: {_why}")
    fn = getattr(_backend.lib, "speedup_legacy_omp_team_size", None)
    if fn is None:
        raise AttributeError(f"speedup.legacy.omp_team_size is not available: {library} lacks it")
    fn.argtypes, fn.restype = LEGACY["speedup_legacy_omp_team_size"]
    team, distinct = ctypes.c_size_t(), ctypes.c_size_t()
    status = fn(ctypes.byref(team), ctypes.byref(distinct))
    if status:
        _backend._raise(status)
    return int(team.value), int(distinct.value)


# A routine the loaded library does not export is removed, so that __getattr__ says why; the
# module exports what is left.
for _name in _SYMBOLS:
    if _name not in available:
        del globals()[_name]
__all__ = ["available", "library", "omp_team_size", *available]


def __getattr__(name: str) -> Any:
    if name.startswith("__"):
        raise AttributeError(name)
    if name in ("monte_carlo_pi", "markov_chains"):
        reason = "there is no legacy routine for it"
    else:
        reason = _why or f"{library} has no speedup_legacy_{name}"
    raise AttributeError(
        f"speedup.legacy.{name} is not available: {reason} "
        f"(available: {', '.join(available) or 'none'})"
    )
