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
import inspect
import re
import sys
from typing import Any, Callable, Dict, Optional, Tuple, Union

import numpy as np

from . import _api
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
# The routines (each with the API of speedup.<name>). Their docstrings look alike on purpose:
# each names its twin, says how it computes and carries its own doctest; the sections that would
# repeat the twin's (Parameters, Returns, Raises) are borrowed from it by _api_of_public.

_PUBLIC = sys.modules[__package__]  # speedup itself, always imported before this module
_BORROWED = ("Parameters", "Returns", "Raises")
_SECTION = re.compile(r"^    (\w[\w ]*)\n    -+\n", re.M)


def _sections(doc: str) -> Dict[str, str]:
    """The numpydoc sections of a docstring written at one indent level of 4 spaces, by title
    (each with its title and underline)."""
    found = list(_SECTION.finditer(doc))
    return {
        m.group(1): doc[m.start(): found[i + 1].start() if i + 1 < len(found) else len(doc)]
        for i, m in enumerate(found)
    }


def _api_of_public(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Gives the legacy routine the Parameters, Returns and Raises sections of
    ``speedup.<name>`` (same arguments, same results, same errors), inserted before its own
    See Also. A legacy routine cannot be interrupted, so KeyboardInterrupt is left out."""
    borrowed = _sections(getattr(_PUBLIC, fn.__name__).__doc__ or "")
    parts = []
    for title in _BORROWED:
        text = borrowed[title]
        if title == "Raises":
            text = re.sub(r"    KeyboardInterrupt\n(        .*\n)+", "", text)
        if title == "Parameters":  # only the routine's own (no mode=, cval= for the stencils)
            own_params = inspect.signature(fn).parameters
            for name in re.findall(r"^    (\w+) :", text, re.M):
                if name not in own_params:
                    text = re.sub(rf"    {name} :.*\n(        .*\n)+", "", text)
        parts.append(text)
    own = fn.__doc__ or ""
    at = own.index("    See Also\n")
    fn.__doc__ = own[:at] + "".join(parts) + own[at:]
    return fn


def _flat_reduction(fn: Callable[..., Any]) -> Callable[..., Any]:
    """The Parameters, Returns and Raises sections of a legacy flat reduction (``speedup.sum``,
    ``mean`` and ``std`` take axes as well; the legacy routines reduce the whole array)."""
    ddof = (
        "    ddof : int, optional\n"
        "        Delta degrees of freedom: the divisor is ``n - ddof``.\n"
        if fn.__name__ == "std" else ""
    )
    sections = (
        "    Parameters\n    ----------\n"
        "    x : array_like\n"
        "        Real numbers of any shape; flattened and converted to float64.\n" + ddof + "\n"
        "    Returns\n    -------\n    float\n        The reduction of all elements.\n\n"
        "    Raises\n    ------\n"
        "    ValueError\n        When ``x`` is empty (``mean``, ``std``) or ``ddof >= n``.\n"
        "    TypeError\n        When ``x`` holds complex or non-numeric values.\n\n"
    )
    own = fn.__doc__ or ""
    at = own.index("    See Also\n")
    fn.__doc__ = own[:at] + sections + own[at:]
    return fn


@_flat_reduction
def sum(x: Any) -> float:
    """Legacy sum (Fortran): a plain left-to-right loop.

    The result and errors are those of the flat ``speedup.sum`` (no axes).

    See Also
    --------
    speedup.sum : The deterministic blocked sum it is compared with.

    Notes
    -----
    ``s = 0; s = s + x(i)`` for ``i = 1 .. n`` over ``x`` flattened as float64. Within rounding
    of ``speedup.sum``, not bitwise: its error is bounded by ``(n-1)*eps*sum(|x|)``, where
    speedup's blocked sum does much better. See ``docs/contract.md``, section
    "sum, mean, std".

    Examples
    --------
    >>> import speedup, speedup.legacy
    >>> speedup.legacy.sum([0.1] * 10), speedup.sum([0.1] * 10)
    (0.9999999999999999, 1.0)
    >>> speedup.legacy.sum([])
    0.0
    """
    return _api.sum(_backend, x)


@_flat_reduction
def mean(x: Any) -> float:
    """Legacy mean (Fortran, OpenMP reduction): ``sum(x) / n``.

    The result and errors are those of the flat ``speedup.mean`` (no axes).

    See Also
    --------
    speedup.mean : The Rust kernel it is compared with.

    Notes
    -----
    An OpenMP ``reduction(+)`` sum divided by ``n``: within rounding of ``speedup.mean``; the
    last bits may change with the thread count. See ``docs/contract.md``, section
    "sum, mean, std".

    Examples
    --------
    >>> import speedup, speedup.legacy
    >>> speedup.legacy.mean([1, 2, 3, 4])
    2.5
    """
    return _api.mean(_backend, x)


@_flat_reduction
def std(x: Any, ddof: int = 0) -> float:
    """Legacy two-pass standard deviation (Fortran, OpenMP reductions).

    The result and errors are those of the flat ``speedup.std`` (no axes).

    See Also
    --------
    speedup.std : The Rust kernel it is compared with.

    Notes
    -----
    ``sqrt(sum((x_i - m)**2) / (n - ddof))`` with ``m = sum(x)/n``, each sum an OpenMP
    reduction: within rounding of ``speedup.std``; the last bits may change with the thread
    count. See ``docs/contract.md``, section "sum, mean, std".

    Examples
    --------
    >>> import speedup, speedup.legacy
    >>> speedup.legacy.std([2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0])
    2.0
    """
    return _api.std(_backend, x, ddof)


@_api_of_public
def second_derivative(f: Any, dx: float, *, out: Optional[np.ndarray] = None) -> np.ndarray:
    """Legacy central second difference (Fortran), bitwise ``speedup.second_derivative``.

    The arguments, result and errors are those of ``speedup.second_derivative``.

    See Also
    --------
    speedup.second_derivative : The Rust kernel; same bits.

    Notes
    -----
    ``out[i] = ((f[i] - 2.0*f[i+1]) + f[i+2]) * (1.0/(dx*dx))``. See ``docs/contract.md``,
    section "second_derivative".

    Examples
    --------
    >>> import speedup, speedup.legacy
    >>> speedup.legacy.second_derivative([0.0, 1.0, 4.0, 9.0], 1.0).tolist()
    [2.0, 2.0]
    """
    return _api.second_derivative(_backend, f, dx, out)


@_api_of_public
def laplacian(f: Any, dx: float, dy: float, *, out: Optional[np.ndarray] = None) -> np.ndarray:
    """Legacy five-point Laplacian (Fortran), bitwise ``speedup.laplacian``.

    The arguments, result and errors are those of ``speedup.laplacian``. The Fortran routine
    walks the C grid column-major.

    See Also
    --------
    speedup.laplacian : The Rust kernel; same bits.

    Notes
    -----
    ``out[i-1, j-1] = ((f[i-1,j] + f[i+1,j])*ax + (f[i,j-1] + f[i,j+1])*ay) - f[i,j]*c`` with
    ``ax = 1/(dx*dx)``, ``ay = 1/(dy*dy)``, ``c = 2*ax + 2*ay``. See ``docs/contract.md``,
    section "laplacian".

    Examples
    --------
    >>> import numpy as np, speedup, speedup.legacy
    >>> f = np.arange(16.0).reshape(4, 4) ** 2
    >>> speedup.legacy.laplacian(f, 1.0, 1.0).tolist()
    [[34.0, 34.0], [34.0, 34.0]]
    >>> np.array_equal(speedup.legacy.laplacian(f, 0.5, 2.0), speedup.laplacian(f, 0.5, 2.0))
    True
    """
    return _api.laplacian(_backend, f, dx, dy, out)


@_api_of_public
def comb_forward(x: Any, tau: int, alpha: float, *, out: Optional[np.ndarray] = None) -> np.ndarray:
    """Legacy forward comb filter (C, OpenMP over rows), bitwise ``speedup.comb_forward``.

    The arguments, result and errors are those of ``speedup.comb_forward``.

    See Also
    --------
    speedup.comb_forward : The Rust kernel; same bits.

    Notes
    -----
    ``y[t] = x[t]`` for ``t < tau``, else ``x[t] + alpha*x[t-tau]``, along axis 0. See
    ``docs/contract.md``, section "comb_forward, comb_backward".

    Examples
    --------
    >>> import speedup, speedup.legacy
    >>> speedup.legacy.comb_forward([1.0, 0.0, 0.0, 0.0], 2, 0.5).tolist()
    [1.0, 0.0, 0.5, 0.0]
    """
    return _api.comb_forward(_backend, x, tau, alpha, out)


@_api_of_public
def comb_backward(x: Any, tau: int, alpha: float, *, out: Optional[np.ndarray] = None) -> np.ndarray:
    """Legacy backward comb filter (C, OpenMP over columns), bitwise ``speedup.comb_backward``.

    The arguments, result and errors are those of ``speedup.comb_backward``.

    See Also
    --------
    speedup.comb_backward : The Rust kernel; same bits.

    Notes
    -----
    ``y[t] = x[t]`` for ``t < tau``, else ``x[t] + alpha*y[t-tau]``, along axis 0. See
    ``docs/contract.md``, section "comb_forward, comb_backward".

    Examples
    --------
    >>> import speedup, speedup.legacy
    >>> speedup.legacy.comb_backward([1.0, 0.0, 0.0, 0.0, 0.0], 2, 0.5).tolist()
    [1.0, 0.0, 0.5, 0.0, 0.25]
    """
    return _api.comb_backward(_backend, x, tau, alpha, out)


@_api_of_public
def is_prime(n: Any) -> Union[bool, np.ndarray]:
    """Legacy trial-division primality test (C), same answers as ``speedup.is_prime``.

    The arguments, result and errors are those of ``speedup.is_prime``.

    See Also
    --------
    speedup.is_prime : The Rust kernel (Miller-Rabin); same answers, much faster.

    Notes
    -----
    Trial division by odd numbers up to ``sqrt(n)``: up to 2**32 divisions for the largest
    64-bit primes. See ``docs/contract.md``, section "is_prime, sum_primes_below".

    Examples
    --------
    >>> import speedup, speedup.legacy
    >>> speedup.legacy.is_prime(97)
    True
    >>> speedup.legacy.is_prime([0, 1, 2, 9]).tolist()
    [False, False, True, False]
    """
    return _api.is_prime(_backend, n)


@_api_of_public
def sum_primes_below(n: Any) -> Union[int, np.ndarray]:
    """Legacy sum of the primes below ``n`` (C, OpenMP reduction), by trial division.

    The arguments, result and errors are those of ``speedup.sum_primes_below``. Slow beyond
    the seed sizes, and Ctrl-C does not stop it.

    See Also
    --------
    speedup.sum_primes_below : The Rust kernel (a sieve); same answers.

    Notes
    -----
    Every candidate below ``n`` is tested by trial division, one call per query (no shared
    sieve). See ``docs/contract.md``, section "is_prime, sum_primes_below".

    Examples
    --------
    >>> import speedup, speedup.legacy
    >>> speedup.legacy.sum_primes_below(10)
    17
    >>> speedup.legacy.sum_primes_below([2, 3, 100]).tolist()
    [0, 2, 1060]
    """
    return _api.sum_primes_below(_backend, n)


@_api_of_public
def closest_pair(points: Any) -> Tuple[int, int, float]:
    """Legacy brute-force O(n^2) closest pair (C), same ``(i, j, d)`` as ``speedup.closest_pair``.

    The arguments, result and errors are those of ``speedup.closest_pair``.

    See Also
    --------
    speedup.closest_pair : The O(n log n) Rust kernel; same answers.

    Notes
    -----
    Every pair is compared on ``d2 = dx*dx + dy*dy``; ties go to the smallest ``(i, j)``. See
    ``docs/contract.md``, section "closest_pair".

    Examples
    --------
    >>> import speedup, speedup.legacy
    >>> speedup.legacy.closest_pair([[0.0, 0.0], [5.0, 5.0], [1.0, 0.0]])
    (0, 2, 1.0)
    """
    return _api.closest_pair(_backend, points)


@_api_of_public
def mandelbrot(c: Any, max_iter: int = 20) -> np.ndarray:
    """Legacy Mandelbrot escape counts (C, OpenMP), bitwise ``speedup.mandelbrot``.

    The arguments, result and errors are those of ``speedup.mandelbrot``.

    See Also
    --------
    speedup.mandelbrot : The Rust kernel; same bits.

    Notes
    -----
    ``z = c``; the count is the first ``it`` with ``re*re + im*im >= 16.0``, ``-1`` if none
    within ``max_iter``. See ``docs/contract.md``, section "mandelbrot".

    Examples
    --------
    >>> import speedup, speedup.legacy
    >>> speedup.legacy.mandelbrot([0j, 2 + 2j, 1 + 0j], max_iter=20).tolist()
    [-1, 1, 2]
    """
    return _api.mandelbrot(_backend, c, max_iter)


def omp_team_size() -> Tuple[int, int]:
    """Open one legacy OpenMP parallel region and report who ran in it.

    The region is opened on the calling thread, as every legacy routine does, after setting
    OpenMP's thread count from speedup's one knob.

    Returns
    -------
    team : int
        The team size of the region (``omp_get_num_threads()``).
    distinct : int
        How many distinct OpenMP threads ran in it.

    Raises
    ------
    AttributeError
        When the loaded library has no legacy routines or lacks this one.

    See Also
    --------
    speedup.set_num_threads, speedup.threads

    Notes
    -----
    Both numbers equal ``speedup.get_num_threads()``: the knob reaches OpenMP. See
    ``docs/contract.md``, section "Threads".

    Examples
    --------
    >>> import speedup, speedup.legacy
    >>> with speedup.threads(2):
    ...     speedup.legacy.omp_team_size()
    (2, 2)
    """
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
