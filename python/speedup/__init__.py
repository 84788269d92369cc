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


def sum(a: Any, axis: Any = None, dtype: Any = None, out: Any = None, keepdims: bool = False) -> Any:
    """Sum of array elements over given axes, with a deterministic compensated summation.

    Parameters
    ----------
    a : array_like
        The data: float64 or float32 of any shape and layout (read in place, never copied). Integer
        or bool data needs ``dtype=numpy.float64`` (NumPy would sum integers exactly).
    axis : None or int or tuple of ints, optional
        Axes to reduce (negative counts from the end); None reduces all of them.
    dtype : {None, numpy.float32, numpy.float64}, optional
        Result type; by default the input's (float32 stays float32).
    out : ndarray, optional
        Writable array of the result's shape and dtype (any strides) to fill and return.
    keepdims : bool, optional
        Keep the reduced axes with length one.

    Returns
    -------
    numpy.float64 or numpy.float32 or ndarray
        The sums; ``0.0`` for an empty lane, NaN where a lane holds NaN.

    Raises
    ------
    TypeError
        For complex, non-numeric or (without ``dtype``) integer data, a bad ``dtype``, or an
        ``out`` of the wrong dtype.
    ValueError
        For an axis out of range (``numpy.exceptions.AxisError``) or repeated, or an ``out`` of
        the wrong shape, read-only or overlapping ``a``.

    See Also
    --------
    mean, std, numpy.sum

    Notes
    -----
    Each lane (one index of the kept axes; its elements in C order of the reduced axes) gets
    exactly the bits the flat sum gives for that lane copied out, on every backend and at every
    thread count. float32 data is summed in float64 and rounded once. See ``docs/contract.md``,
    section "sum, mean, std".

    Examples
    --------
    >>> import numpy as np, speedup
    >>> float(speedup.sum([0.1] * 10))
    1.0
    >>> speedup.sum(np.array([[1.0, 2.0], [3.0, 4.0]]), axis=0)
    array([4., 6.])
    """
    return _reductions.reduce(_impl, "sum", a, axis, dtype, out, keepdims)


def mean(a: Any, axis: Any = None, dtype: Any = None, out: Any = None, keepdims: bool = False) -> Any:
    """Arithmetic mean over given axes, ``sum / n`` per lane.

    Parameters
    ----------
    a : array_like
        Real numbers of any shape and layout; float32 and float64 are read in place, integers
        and bools are converted to float64.
    axis, dtype, out, keepdims
        As for :func:`sum`.

    Returns
    -------
    numpy.float64 or numpy.float32 or ndarray
        The means (float64 for integer input, like NumPy).

    Raises
    ------
    ValueError
        When a lane is empty, or for the argument errors of :func:`sum`.
    TypeError
        As for :func:`sum`.

    See Also
    --------
    sum, std, numpy.mean

    Examples
    --------
    >>> import speedup
    >>> float(speedup.mean([1, 2, 3, 4]))
    2.5
    """
    return _reductions.reduce(_impl, "mean", a, axis, dtype, out, keepdims)


def std(a: Any, axis: Any = None, dtype: Any = None, out: Any = None, ddof: int = 0,
        keepdims: bool = False) -> Any:
    """Standard deviation over given axes, two passes per lane.

    Parameters
    ----------
    a : array_like
        Real numbers of any shape and layout, as for :func:`mean`.
    axis, dtype, out, keepdims
        As for :func:`sum`.
    ddof : int, optional
        Delta degrees of freedom: the divisor is ``n - ddof``.

    Returns
    -------
    numpy.float64 or numpy.float32 or ndarray
        ``sqrt(ss / (n - ddof))`` per lane, ``m = sum / n``, ``ss = sum((x - m)*(x - m))``.

    Raises
    ------
    ValueError
        When a lane is empty, ``ddof`` is negative or ``ddof >= n``, or for the argument
        errors of :func:`sum`.
    TypeError
        As for :func:`sum`, or ``ddof`` not an integer.

    See Also
    --------
    mean, sum, numpy.std

    Notes
    -----
    NumPy's positional order: ``std(a, 1)`` reduces axis 1; pass ``ddof`` by keyword.

    Examples
    --------
    >>> import speedup
    >>> float(speedup.std([1.0, 2.0, 3.0, 4.0], ddof=1))
    1.2909944487358056
    """
    return _reductions.reduce(_impl, "std", a, axis, dtype, out, keepdims, ddof)


def second_derivative(
    f: Any, dx: float, *, mode: str = "valid", cval: float = 0.0, out: Optional[np.ndarray] = None
) -> np.ndarray:
    """Central second difference of a 1-D signal with spacing ``dx``.

    Parameters
    ----------
    f : array_like
        1-D real samples, ``n`` of them (``n >= 3`` for ``mode="valid"``). float32 stays
        float32 (computed in float32); anything else becomes float64. Any strides are read in
        place.
    dx : float
        The sample spacing; finite and nonzero (also once rounded to float32, for float32).
    mode : {"valid", "reflect", "nearest", "mirror", "wrap", "constant"}, optional
        ``"valid"`` (the default) gives the ``n - 2`` interior points; the others pad ``f`` by
        one sample as ``scipy.ndimage`` means them and give ``n`` points.
    cval : float, optional
        The value outside ``f`` for ``mode="constant"``; ignored by the other modes.
    out : numpy.ndarray, optional
        Where to write the result: the result's shape and dtype, writable, any strides, not
        overlapping ``f``.

    Returns
    -------
    numpy.ndarray
        The second difference, float64 or float32 like ``f`` (``out`` when given).

    Raises
    ------
    ValueError
        When ``f`` is not 1-D or too short for ``"valid"``, ``dx`` is zero or not finite,
        ``mode`` is unknown, or ``out`` has the wrong shape, is read-only, repeats elements or
        overlaps ``f``.
    TypeError
        When ``f``, ``dx`` or ``cval`` is not real numbers, ``mode`` is not a string, or ``out``
        is not an ndarray of the result's dtype.
    MemoryError
        When the result cannot be allocated.

    See Also
    --------
    laplacian : The 2-D five-point stencil.

    Notes
    -----
    ``out[i] = ((g[i-1] - 2*g[i]) + g[i+1]) * (1/(dx*dx))`` over ``f`` padded as ``mode``
    says, in the data's precision. See ``docs/contract.md``, sections "second_derivative" and
    "Boundary modes".

    Examples
    --------
    >>> import speedup
    >>> speedup.second_derivative([0.0, 1.0, 4.0, 9.0], 1.0).tolist()
    [2.0, 2.0]
    >>> speedup.second_derivative([0.0, 1.0, 4.0, 9.0], 1.0, mode="nearest").tolist()
    [1.0, 2.0, 2.0, -5.0]
    """
    return _stencil.second_derivative(_impl, f, dx, mode, cval, out)


def laplacian(
    f: Any,
    dx: float,
    dy: float,
    *,
    mode: str = "valid",
    cval: float = 0.0,
    out: Optional[np.ndarray] = None,
) -> np.ndarray:
    """Five-point Laplacian of a 2-D grid.

    Parameters
    ----------
    f : array_like
        2-D real grid of shape ``(rows, cols)`` (at least 3x3 for ``mode="valid"``). float32
        stays float32 (computed in float32); anything else becomes float64. Any strides
        (Fortran order, slices, transposes) are read in place.
    dx : float
        Spacing between rows (axis 0); finite and nonzero.
    dy : float
        Spacing between columns (axis 1); finite and nonzero.
    mode : {"valid", "reflect", "nearest", "mirror", "wrap", "constant"}, optional
        ``"valid"`` (the default) gives the interior, ``(rows - 2, cols - 2)``; the others pad
        ``f`` by one cell as ``scipy.ndimage`` means them and give ``(rows, cols)``.
    cval : float, optional
        The value outside ``f`` for ``mode="constant"``; ignored by the other modes.
    out : numpy.ndarray, optional
        Where to write the result: the result's shape and dtype, writable, any strides, not
        overlapping ``f``.

    Returns
    -------
    numpy.ndarray
        The Laplacian, float64 or float32 like ``f`` (``out`` when given).

    Raises
    ------
    ValueError
        When ``f`` is not 2-D or too small for ``"valid"``, ``dx`` or ``dy`` is zero or not
        finite, ``mode`` is unknown, or ``out`` has the wrong shape, is read-only, repeats
        elements or overlaps ``f``.
    TypeError
        When ``f``, ``dx``, ``dy`` or ``cval`` is not real numbers, ``mode`` is not a string, or
        ``out`` is not an ndarray of the result's dtype.
    MemoryError
        When the result cannot be allocated.

    See Also
    --------
    second_derivative : The 1-D stencil.
    speedup.dask.laplacian : The same on a chunked Dask grid.

    Notes
    -----
    With ``ax = 1/(dx*dx)``, ``ay = 1/(dy*dy)``, ``c = 2*ax + 2*ay`` in the data's precision,
    ``out[i][j] = ((g[i-1][j] + g[i+1][j])*ax + (g[i][j-1] + g[i][j+1])*ay) - g[i][j]*c`` over
    ``f`` padded as ``mode`` says. See ``docs/contract.md``, sections "laplacian" and
    "Boundary modes".

    Examples
    --------
    >>> import numpy as np, speedup
    >>> speedup.laplacian(np.arange(9.0).reshape(3, 3) ** 2, 1.0, 1.0).tolist()
    [[20.0]]
    >>> out = np.empty((1, 2))
    >>> speedup.laplacian(np.ones((3, 4)), 1.0, 2.0, out=out) is out
    True
    >>> speedup.laplacian(np.ones((2, 2), np.float32), 1.0, 1.0, mode="wrap").dtype
    dtype('float32')
    """
    return _stencil.laplacian(_impl, f, dx, dy, mode, cval, out)


def comb_forward(x: Any, tau: int, alpha: float, *, out: Optional[np.ndarray] = None) -> np.ndarray:
    """Forward (feed-forward) comb filter along axis 0.

    Parameters
    ----------
    x : array_like
        Signal, 1-D of length ``n`` or 2-D ``(n, k)`` (each column filtered alone). float32
        stays float32 (computed in float32); anything else becomes float64. Any strides are read
        in place.
    tau : int
        The delay in samples, ``tau >= 1``.
    alpha : float
        The gain of the delayed sample (rounded to float32 for float32 data).
    out : numpy.ndarray, optional
        Where to write the result: the shape and dtype of ``x``, writable, any strides, not
        overlapping ``x``.

    Returns
    -------
    numpy.ndarray
        The filtered signal, the shape and dtype of ``x`` (``out`` when given).

    Raises
    ------
    ValueError
        When ``x`` is not 1-D or 2-D, ``tau < 1``, or ``out`` has the wrong shape, is
        read-only, repeats elements or overlaps ``x``.
    TypeError
        When ``x`` or ``alpha`` is not real numbers, ``tau`` is not an integer, or ``out`` is
        not an ndarray of the result's dtype.
    MemoryError
        When the result cannot be allocated.

    See Also
    --------
    comb_backward : The recursive comb filter.

    Notes
    -----
    ``y[t] = x[t]`` for ``t < tau``, ``y[t] = x[t] + alpha*x[t-tau]`` otherwise. See
    ``docs/contract.md``, section "comb_forward, comb_backward".

    Examples
    --------
    >>> import speedup
    >>> speedup.comb_forward([1.0, 0.0, 0.0, 0.0], 2, 0.5).tolist()
    [1.0, 0.0, 0.5, 0.0]
    >>> speedup.comb_forward([[1.0, 2.0], [3.0, 4.0]], 1, -1.0).tolist()
    [[1.0, 2.0], [2.0, 2.0]]
    """
    return _stencil.comb(_impl, "comb_forward", x, tau, alpha, out)


def comb_backward(x: Any, tau: int, alpha: float, *, out: Optional[np.ndarray] = None) -> np.ndarray:
    """Backward (recursive, feedback) comb filter along axis 0.

    Parameters
    ----------
    x : array_like
        Signal, 1-D of length ``n`` or 2-D ``(n, k)`` (each column filtered alone). float32
        stays float32 (computed in float32); anything else becomes float64. Any strides are read
        in place.
    tau : int
        The delay in samples, ``tau >= 1``.
    alpha : float
        The feedback gain (rounded to float32 for float32 data); ``|alpha| < 1`` for a stable
        filter.
    out : numpy.ndarray, optional
        Where to write the result: the shape and dtype of ``x``, writable, any strides, not
        overlapping ``x``.

    Returns
    -------
    numpy.ndarray
        The filtered signal, the shape and dtype of ``x`` (``out`` when given).

    Raises
    ------
    ValueError
        When ``x`` is not 1-D or 2-D, ``tau < 1``, or ``out`` has the wrong shape, is
        read-only, repeats elements or overlaps ``x``.
    TypeError
        When ``x`` or ``alpha`` is not real numbers, ``tau`` is not an integer, or ``out`` is
        not an ndarray of the result's dtype.
    MemoryError
        When the result cannot be allocated.

    See Also
    --------
    comb_forward : The feed-forward comb filter.

    Notes
    -----
    ``y[t] = x[t]`` for ``t < tau``, ``y[t] = x[t] + alpha*y[t-tau]`` otherwise (a recurrence
    along axis 0). See ``docs/contract.md``, section "comb_forward, comb_backward".

    Examples
    --------
    >>> import speedup
    >>> speedup.comb_backward([1.0, 0.0, 0.0, 0.0, 0.0], 2, 0.5).tolist()
    [1.0, 0.0, 0.5, 0.0, 0.25]
    """
    return _stencil.comb(_impl, "comb_backward", x, tau, alpha, out)


def is_prime(n: Any) -> Union[bool, np.ndarray]:
    """Test integers in ``0 .. 2**64 - 1`` for primality, exactly.

    Parameters
    ----------
    n : int or array_like of int
        One non-negative integer, or an array (or nested list) of them.

    Returns
    -------
    bool or numpy.ndarray
        ``bool`` for a scalar ``n``; a bool array of the shape of ``n`` for an array.

    Raises
    ------
    TypeError
        When ``n`` is a float or holds non-integers.
    ValueError
        When ``n`` is negative.
    OverflowError
        When ``n`` is above ``2**64 - 1``.
    MemoryError
        When the result array cannot be allocated.

    See Also
    --------
    sum_primes_below

    Notes
    -----
    A deterministic Miller-Rabin test after trial division, exact for every 64-bit value;
    ``0`` and ``1`` are not prime. See ``docs/contract.md``, section "is_prime,
    sum_primes_below".

    Examples
    --------
    >>> import speedup
    >>> speedup.is_prime(2**61 - 1)
    True
    >>> speedup.is_prime([0, 1, 2, 9]).tolist()
    [False, False, True, False]
    """
    return _api.is_prime(_impl, n)


def sum_primes_below(n: Any) -> Union[int, np.ndarray]:
    """Sum of all primes below ``n``.

    Parameters
    ----------
    n : int or array_like of int
        One non-negative integer, or an array (or nested list) of them: one query each.

    Returns
    -------
    int or numpy.ndarray
        ``int`` for a scalar ``n``; a uint64 array of the shape of ``n`` for an array.

    Raises
    ------
    TypeError
        When ``n`` is a float or holds non-integers.
    ValueError
        When ``n`` is negative, or a scalar ``n`` is above ``10**16`` (the recursion would
        need gigabytes and minutes; the message names ``n``).
    OverflowError
        When ``n`` is above ``2**64 - 1``, or, for an array, a sum does not fit in uint64
        (never a wrapped value).
    MemoryError
        When working memory or the result cannot be allocated.
    KeyboardInterrupt
        When Ctrl-C stops a long call; nothing is written.

    See Also
    --------
    is_prime

    Notes
    -----
    The sum of all primes ``p < n``, exact. A scalar gives a Python ``int`` for every ``n`` up
    to ``10**16``: past ``n = 29505444491`` the sum exceeds uint64 and comes from the 128-bit
    kernel (``speedup_sum_primes_below_u128`` in C). An array of queries gives uint64 sums,
    answered from one sieve up to its largest query. See ``docs/contract.md``, section "is_prime,
    sum_primes_below".

    Examples
    --------
    >>> import speedup
    >>> speedup.sum_primes_below(10)
    17
    >>> speedup.sum_primes_below([2, 3, 10]).tolist()
    [0, 2, 17]
    >>> speedup.sum_primes_below(10**12)
    18435588552550705911377
    """
    return _api.sum_primes_below(_impl, n)


def monte_carlo_pi(n_points: int, seed: int = 0) -> float:
    """Estimate pi from points drawn uniformly in the unit square.

    Parameters
    ----------
    n_points : int
        How many points to draw, at least 1.
    seed : int, optional
        The Philox key's first word, ``0 .. 2**64 - 1``. The same seed gives the same bits on
        every backend and at every thread count.

    Returns
    -------
    float
        ``4.0 * inside / n_points``.

    Raises
    ------
    ValueError
        When ``n_points < 1`` or ``seed`` is negative.
    TypeError
        When ``n_points`` or ``seed`` is not an integer.
    OverflowError
        When ``n_points`` or ``seed`` is above ``2**64 - 1``.
    KeyboardInterrupt
        When Ctrl-C stops a long call.

    See Also
    --------
    markov_chains : The other kernel on the same random stream.
    speedup.dask.monte_carlo_pi : The same split over Dask tasks, bitwise.

    Notes
    -----
    Point ``i`` is ``(u[2i], u[2i+1])`` of the Philox4x64-10 stream with key ``(seed, 0)``
    (numpy's ``Philox(key=seed)``); it is inside when ``x*x + y*y < 1.0``. See
    ``docs/contract.md``, section "monte_carlo_pi".

    Examples
    --------
    >>> import speedup
    >>> speedup.monte_carlo_pi(1000, seed=42)
    3.16
    >>> round(speedup.monte_carlo_pi(10**6, seed=1), 2)
    3.14
    """
    return _api.monte_carlo_pi(_impl, n_points, seed)


def markov_chains(
    P: Any, n_steps: int, *, n_chains: int = 1, start: int = 0, seed: int = 0
) -> np.ndarray:
    """Visit counts of independent Markov chains over a row-stochastic matrix.

    Parameters
    ----------
    P : array_like
        Square ``(k, k)`` transition matrix: ``P[s, j]`` is the probability of moving from
        state ``s`` to state ``j``; entries non-negative, each row summing to 1 within 1e-9.
    n_steps : int
        Steps per chain, at least 0.
    n_chains : int, optional
        How many chains to run, at least 0.
    start : int, optional
        The state every chain starts in, ``0 <= start < k``.
    seed : int, optional
        The Philox key's first word, ``0 .. 2**64 - 1``.

    Returns
    -------
    numpy.ndarray
        A uint64 array of shape ``(n_chains, k)``: ``counts[c, s]`` is how often chain ``c``
        entered state ``s``; each row sums to ``n_steps``.

    Raises
    ------
    ValueError
        When ``P`` is empty, not square, has a negative or non-finite entry or a row sum off
        by more than 1e-9, or ``start``, ``n_steps``, ``n_chains`` or ``seed`` is out of range.
    TypeError
        When ``P`` is not real numbers, or an integer argument is not an integer.
    OverflowError
        When an integer argument is above ``2**64 - 1``.
    MemoryError
        When the counts cannot be allocated.
    KeyboardInterrupt
        When Ctrl-C stops a long call.

    See Also
    --------
    monte_carlo_pi
    speedup.dask.markov_chains : The chains split over Dask tasks, bitwise.

    Notes
    -----
    Chain ``c`` draws from the Philox stream with key ``(seed, c)``; step ``t`` takes ``u[t]``
    and moves from ``s`` to the first ``j`` with ``u < cumsum(P[s])[j]`` (``k-1`` if none).
    See ``docs/contract.md``, section "markov_chains".

    Examples
    --------
    >>> import speedup
    >>> P = [[0.9, 0.1], [0.5, 0.5]]
    >>> speedup.markov_chains(P, 100, n_chains=2, seed=7).tolist()
    [[95, 5], [84, 16]]
    >>> speedup.markov_chains(P, 100, n_chains=3).sum(axis=1).tolist()
    [100, 100, 100]
    """
    return _api.markov_chains(_impl, P, n_steps, n_chains, start, seed)


def closest_pair(points: Any) -> Tuple[int, int, float]:
    """The closest pair among 2-D points, in O(n log n).

    Parameters
    ----------
    points : array_like
        Real coordinates of shape ``(n, 2)``, ``n >= 2``, all finite; row ``p`` is the point
        ``(x_p, y_p)``.

    Returns
    -------
    i, j : int
        The indices of the pair, ``i < j``.
    d : float
        Their Euclidean distance.

    Raises
    ------
    ValueError
        When ``points`` does not have shape ``(n, 2)``, ``n < 2``, or a coordinate is not
        finite.
    TypeError
        When ``points`` is not real numbers.
    MemoryError
        When working memory cannot be allocated.

    See Also
    --------
    speedup.legacy.closest_pair : The brute-force O(n^2) loop, same answers.

    Notes
    -----
    The pair with the smallest ``d2 = dx*dx + dy*dy``, ties going to the smallest ``(i, j)``;
    ``d = sqrt(d2)``. See ``docs/contract.md``, section "closest_pair".

    Examples
    --------
    >>> import speedup
    >>> speedup.closest_pair([[0.0, 0.0], [5.0, 5.0], [1.0, 0.0]])
    (0, 2, 1.0)
    """
    return _api.closest_pair(_impl, points)


def mandelbrot(c: Any, max_iter: int = 20) -> np.ndarray:
    """Escape counts of complex points under the Mandelbrot iteration.

    Parameters
    ----------
    c : array_like
        Complex (or real) points of any shape. A ``complex64`` array is iterated in single
        precision, as it is (no converted copy); anything else is converted to complex128
        and iterated in double precision.
    max_iter : int, optional
        The most iterations per point, ``0 .. 2**31 - 1``.

    Returns
    -------
    numpy.ndarray
        An int32 array of the shape of ``c`` (0-d for a scalar): the iteration at which each
        point escaped, ``-1`` when it never did.

    Raises
    ------
    ValueError
        When ``max_iter`` is negative or above ``2**31 - 1``.
    TypeError
        When ``c`` is not numbers or ``max_iter`` is not an integer.
    MemoryError
        When the result cannot be allocated.

    See Also
    --------
    speedup.dask.mandelbrot : The same over a chunked Dask grid.

    Notes
    -----
    ``z = c``; for ``it`` in ``0 .. max_iter-1``: if ``re*re + im*im >= 16.0`` the count is
    ``it``, else ``z = z*z + c`` (written out in real arithmetic), in the precision of the
    points (``float32`` for ``complex64``, where a bad ``max_iter`` is reported by the kernel
    ``mandelbrot_f32``). See ``docs/contract.md``, section "mandelbrot".

    Examples
    --------
    >>> import speedup
    >>> speedup.mandelbrot([0j, 2 + 2j, 1 + 0j], max_iter=20).tolist()
    [-1, 1, 2]
    """
    return _api.mandelbrot(_impl, c, max_iter)


def parallel_map(func: Any, x: Any, *, out: Optional[np.ndarray] = None) -> np.ndarray:
    """Apply a native function ``double f(double x, void *ctx)`` to every element, in parallel.

    Parameters
    ----------
    func : ctypes function pointer or int
        A ``ctypes.CFUNCTYPE(c_double, c_double, c_void_p)`` object, an integer function
        address, or an object with an integer ``.address`` (e.g. a Numba ``cfunc``). It is
        called as ``func(x[i], NULL)`` and must be thread-safe.
    x : array_like
        Real numbers of any shape; converted to float64.
    out : numpy.ndarray, optional
        Where to write the result: float64, the shape of ``x``, writable, C-contiguous and not
        overlapping ``x``.

    Returns
    -------
    numpy.ndarray
        A float64 array of the shape of ``x`` (``out`` when given).

    Raises
    ------
    TypeError
        When ``func`` is neither a callback of that C signature nor an address, ``x`` is not
        real numbers, or ``out`` is not a float64 ndarray.
    ValueError
        When ``func`` is a NULL or out-of-range address, or ``out`` has the wrong shape, is
        read-only, not C-contiguous or overlaps ``x``.
    MemoryError
        When the result cannot be allocated.

    Notes
    -----
    ``out[i] = func(x[i], NULL)`` on speedup's threads. A ctypes callback wrapping a *Python*
    function works but takes the GIL on every call (serialised); compiled functions run in
    parallel. See ``docs/contract.md``, section "Conveniences of the front doors".

    Examples
    --------
    >>> import ctypes, speedup
    >>> F = ctypes.CFUNCTYPE(ctypes.c_double, ctypes.c_double, ctypes.c_void_p)
    >>> square = F(lambda v, ctx: v * v)
    >>> speedup.parallel_map(square, [1.0, 2.0, 3.0]).tolist()
    [1.0, 4.0, 9.0]
    """
    return _api.parallel_map(_impl, func, x, out)


# ---------------------------------------------------------------------------------------------
# Threads


def set_num_threads(n: int) -> None:
    """Set speedup's thread count for every later call.

    Parameters
    ----------
    n : int
        Threads, ``1 .. 1024``; ``0`` restores the default (``SPEEDUP_NUM_THREADS``, else
        ``OMP_NUM_THREADS``, else the CPUs this process may use).

    Raises
    ------
    ValueError
        When ``n`` is negative or above 1024.
    TypeError
        When ``n`` is not an integer.
    OverflowError
        When ``n`` is above ``2**64 - 1``.

    See Also
    --------
    get_num_threads, threads

    Notes
    -----
    One knob for the Rust kernels and the legacy OpenMP routines; the thread count never
    changes a result. See ``docs/contract.md``, section "Threads".

    Examples
    --------
    >>> import speedup
    >>> before = speedup.get_num_threads()
    >>> speedup.set_num_threads(2)
    >>> speedup.get_num_threads()
    2
    >>> speedup.set_num_threads(before)
    """
    v = _api.as_int(n, "set_num_threads", "n", 0, _api.USIZE_MAX, "must be between 0 and 1024 (0 restores the default)")
    _impl.set_num_threads(v)


def get_num_threads() -> int:
    """The thread count the next call will use.

    Returns
    -------
    int
        The current thread count, ``1 .. 1024``.

    See Also
    --------
    set_num_threads, threads

    Notes
    -----
    The default is read when the library is loaded: ``SPEEDUP_NUM_THREADS``, else
    ``OMP_NUM_THREADS``, else the CPUs this process may use. See ``docs/contract.md``,
    section "Threads".

    Examples
    --------
    >>> import speedup
    >>> with speedup.threads(3):
    ...     speedup.get_num_threads()
    3
    """
    return int(_impl.get_num_threads())


@contextlib.contextmanager
def threads(n: int) -> Iterator[None]:
    """Context manager: run a block at ``n`` threads, then restore the previous count.

    Parameters
    ----------
    n : int
        Threads for the block, ``1 .. 1024`` (``0``: the default), as for
        :func:`set_num_threads`.

    Returns
    -------
    contextlib.AbstractContextManager
        A context manager that sets the count on entry and restores the previous one on exit,
        also when the block raises.

    Raises
    ------
    ValueError
        When ``n`` is negative or above 1024.
    TypeError
        When ``n`` is not an integer.
    OverflowError
        When ``n`` is above ``2**64 - 1``.

    See Also
    --------
    set_num_threads, get_num_threads

    Notes
    -----
    The thread count never changes a result. See ``docs/contract.md``, section "Threads".

    Examples
    --------
    >>> import speedup
    >>> before = speedup.get_num_threads()
    >>> with speedup.threads(1):
    ...     speedup.get_num_threads()
    1
    >>> speedup.get_num_threads() == before
    True
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
    """Return this installation's configuration as a dict.

    Returns
    -------
    dict
        ``backend`` and ``library`` (the file of the loaded extension or C library), then the
        keys of the library's own report, in its order: ``version``, ``target``, ``profile``,
        ``opt_level``, ``debug_assertions``, ``cpus``, ``threads``, ``threads_source``
        (``SPEEDUP_NUM_THREADS``, ``OMP_NUM_THREADS``, ``cpus`` or ``set_num_threads``),
        ``cpu_features``, ``simd.<family>``, ``calibration``, ``cutoff.<kernel>`` (each
        kernel's serial/parallel cut-off and its source, e.g. ``"176843 (calibrated)"``),
        ``legacy`` and ``openmp``. ``cpus`` and
        ``threads`` are ints (``threads == get_num_threads()``); every other value is a string.

    See Also
    --------
    show_config : Print it.

    Notes
    -----
    The library's report is ``speedup_config`` in C; ``docs/config.md`` describes every key.

    Examples
    --------
    >>> import speedup
    >>> cfg = speedup.config()
    >>> cfg["backend"] == speedup.backend, cfg["version"] == speedup.__version__
    (True, True)
    >>> cfg["threads"] == speedup.get_num_threads()
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
    """Print this installation's configuration, one ``key: value`` per line.

    Prints :func:`config` (like ``numpy.show_config()``; it is what ``speedup info`` prints).
    Include it in a bug report.

    See Also
    --------
    config : The same as a dict.

    Notes
    -----
    ``docs/config.md`` describes every key.

    Examples
    --------
    >>> import speedup
    >>> with speedup.threads(1):
    ...     speedup.show_config()  # doctest: +ELLIPSIS
    backend: ...
    library: ...
    version: ...
    threads: 1
    ...
    """
    for key, value in config().items():
        print(f"{key}: {value}")


def __getattr__(name: str) -> Any:
    if name == "legacy":  # imported lazily: it probes the C library for legacy routines
        import importlib

        return importlib.import_module(".legacy", __name__)
    raise AttributeError(f"module 'speedup' has no attribute {name!r}")


from . import _threadpoolctl  # noqa: E402

_threadpoolctl.register()
