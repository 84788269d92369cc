"""The docstrings of ``sum``, ``mean`` and ``std``, in ``speedup`` and ``speedup.dask``."""

from __future__ import annotations

from typing import Dict

DOCS: Dict[str, str] = {}

DOCS["speedup.sum"] = """Sum of array elements over given axes, with a deterministic compensated summation.

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

DOCS["speedup.mean"] = """Arithmetic mean over given axes, ``sum / n`` per lane.

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

DOCS["speedup.std"] = """Standard deviation over given axes, two passes per lane.

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


def _dask_reduction(what: str, params: str, returns: str, rest: str) -> str:
    """The docstring of ``speedup.dask.sum``, ``mean`` or ``std``: the parameters after ``x``,
    the rest of the Returns line, and the sections from Raises on."""
    return f"""{what} of all elements of a Dask array, as a 0-d Dask array.

    Parameters
    ----------
    x : dask.array.Array or array_like
        Real numbers of any shape and chunking; converted to float64.
{params}
    Returns
    -------
    dask.array.Array
        Lazy 0-d float64 array{returns}
{rest}"""


DOCS["speedup.dask.sum"] = _dask_reduction(
    "Sum", "", "; ``0.0`` when ``x`` is empty.", """
    Raises
    ------
    TypeError
        When ``x`` holds complex or non-numeric values.

    See Also
    --------
    speedup.sum, mean, std

    Notes
    -----
    Bitwise ``speedup.sum(x)`` when ``x`` is one chunk, or 1-D with every chunk boundary on a
    multiple of 1024: the chunks' nodes of the core's summation tree are joined along the same
    tree. Otherwise ``math.fsum`` of the per-chunk ``speedup.sum`` values, within the
    contract's accuracy rule (``docs/contract.md``, section "sum, mean, std").

    Examples
    --------
    >>> import dask.array, numpy as np, speedup, speedup.dask
    >>> x = np.linspace(0.0, 1.0, 5000)
    >>> s = speedup.dask.sum(dask.array.from_array(x, chunks=1024))
    >>> float(s.compute()) == speedup.sum(x)
    True
    >>> float(speedup.dask.sum([[1.0, 2.0], [3.0, 4.0]]).compute())
    10.0
    """,
)

DOCS["speedup.dask.mean"] = _dask_reduction(
    "Mean", "", ", ``sum(x) / n``.", """
    Raises
    ------
    ValueError
        When ``x`` is empty (raised when the graph is computed).

    See Also
    --------
    speedup.mean, sum, std

    Notes
    -----
    The total as in :func:`sum`, then the core's ``mean_finish`` (``sum / n``). See
    ``docs/contract.md``, section "sum, mean, std".

    Examples
    --------
    >>> import dask.array, speedup, speedup.dask
    >>> float(speedup.dask.mean(dask.array.from_array([1.0, 2.0, 3.0, 4.0], chunks=2)).compute())
    2.5
    """,
)

DOCS["speedup.dask.std"] = _dask_reduction(
    "Two-pass standard deviation",
    "    ddof : int, optional\n        Delta degrees of freedom: the divisor is ``n - ddof``.\n",
    ", ``sqrt(ss / (n - ddof))``.",
    """
    Raises
    ------
    ValueError
        When ``ddof`` is not an integer >= 0 (when the graph is built), or ``x`` is empty or
        ``ddof >= n`` (when it is computed).

    See Also
    --------
    speedup.std, mean, sum

    Notes
    -----
    ``m = sum(x)/n``, ``ss = sum((x-m)*(x-m))``, ``sqrt(ss/(n-ddof))`` (the core's
    ``std_finish``), each sum as in :func:`sum`. See ``docs/contract.md``, section
    "sum, mean, std".

    Examples
    --------
    >>> import dask.array, speedup, speedup.dask
    >>> x = dask.array.from_array([2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0], chunks=4)
    >>> float(speedup.dask.std(x).compute())
    2.0
    """,
)
