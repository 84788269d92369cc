"""The docstrings of the stencils and the comb filters, in ``speedup`` and ``speedup.dask``."""

from __future__ import annotations

from typing import Dict

DOCS: Dict[str, str] = {}

# The boundary modes of the stencils (speedup._stencil.MODES), as numpydoc writes a set.
_MODES = '{"valid", "reflect", "nearest", "mirror", "wrap", "constant"}'


def _cval_out(result: str) -> str:
    """The ``cval`` and ``out`` parameters and the Returns section of ``speedup.<stencil>``."""
    return f"""    cval : float, optional
        The value outside ``f`` for ``mode="constant"``; ignored by the other modes.
    out : numpy.ndarray, optional
        Where to write the result: the result's shape and dtype, writable, any strides, not
        overlapping ``f``.

    Returns
    -------
    numpy.ndarray
        The {result}, float64 or float32 like ``f`` (``out`` when given).
"""


DOCS["speedup.second_derivative"] = f"""Central second difference of a 1-D signal with spacing ``dx``.

    Parameters
    ----------
    f : array_like
        1-D real samples, ``n`` of them (``n >= 3`` for ``mode="valid"``). float32 stays
        float32 (computed in float32); anything else becomes float64. Any strides are read in
        place.
    dx : float
        The sample spacing; finite and nonzero (also once rounded to float32, for float32).
    mode : {_MODES}, optional
        ``"valid"`` (the default) gives the ``n - 2`` interior points; the others pad ``f`` by
        one sample as ``scipy.ndimage`` means them and give ``n`` points.
{_cval_out('second difference')}
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

DOCS["speedup.laplacian"] = f"""Five-point Laplacian of a 2-D grid.

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
    mode : {_MODES}, optional
        ``"valid"`` (the default) gives the interior, ``(rows - 2, cols - 2)``; the others pad
        ``f`` by one cell as ``scipy.ndimage`` means them and give ``(rows, cols)``.
{_cval_out('Laplacian')}
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


def _comb(summary: str, alpha: str, see_also: str, notes: str, examples: str) -> str:
    """The docstring of ``speedup.comb_forward`` or ``speedup.comb_backward``."""
    return f"""{summary}

    Parameters
    ----------
    x : array_like
        Signal, 1-D of length ``n`` or 2-D ``(n, k)`` (each column filtered alone). float32
        stays float32 (computed in float32); anything else becomes float64. Any strides are read
        in place.
    tau : int
        The delay in samples, ``tau >= 1``.
    alpha : float
        {alpha}
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
    {see_also}

    Notes
    -----
    {notes}

    Examples
    --------
    >>> import speedup
{examples}
    """


DOCS["speedup.comb_forward"] = _comb(
    "Forward (feed-forward) comb filter along axis 0.",
    "The gain of the delayed sample (rounded to float32 for float32 data).",
    "comb_backward : The recursive comb filter.",
    "``y[t] = x[t]`` for ``t < tau``, ``y[t] = x[t] + alpha*x[t-tau]`` otherwise. See\n"
    '    ``docs/contract.md``, section "comb_forward, comb_backward".',
    """    >>> speedup.comb_forward([1.0, 0.0, 0.0, 0.0], 2, 0.5).tolist()
    [1.0, 0.0, 0.5, 0.0]
    >>> speedup.comb_forward([[1.0, 2.0], [3.0, 4.0]], 1, -1.0).tolist()
    [[1.0, 2.0], [2.0, 2.0]]""",
)

DOCS["speedup.comb_backward"] = _comb(
    "Backward (recursive, feedback) comb filter along axis 0.",
    "The feedback gain (rounded to float32 for float32 data); ``|alpha| < 1`` for a stable\n"
    "        filter.",
    "comb_forward : The feed-forward comb filter.",
    "``y[t] = x[t]`` for ``t < tau``, ``y[t] = x[t] + alpha*y[t-tau]`` otherwise (a recurrence\n"
    '    along axis 0). See ``docs/contract.md``, section "comb_forward, comb_backward".',
    """    >>> speedup.comb_backward([1.0, 0.0, 0.0, 0.0, 0.0], 2, 0.5).tolist()
    [1.0, 0.0, 0.5, 0.0, 0.25]""",
)
DOCS["speedup.dask.second_derivative"] = """Central second difference of a 1-D Dask signal, chunk by chunk (``map_overlap``, depth 1).

    Parameters
    ----------
    f : dask.array.Array or array_like
        1-D real samples, length ``n``; float32 stays float32, anything else becomes float64.
    dx : float
        The sample spacing; finite and nonzero.
    mode : {"valid", "reflect", "nearest", "mirror", "wrap", "constant"}, optional
        As for ``speedup.second_derivative``: ``"valid"`` (the default) gives shape
        ``(n - 2,)``, the others pad one sample at each end and give shape ``(n,)``.
    cval : float, optional
        The value outside the signal for ``mode="constant"``.
    boundary : {"none", "periodic", "nearest", "reflect"} or float, optional
        The older spelling (see :func:`laplacian`). Not together with ``mode``.

    Returns
    -------
    dask.array.Array
        Lazy array of ``f``'s dtype: bitwise ``speedup.second_derivative(f, dx, mode=mode,
        cval=cval)``, for any chunking.

    Raises
    ------
    ValueError
        When ``f`` is not 1-D or too short for ``"valid"``, ``dx`` is zero or not finite,
        ``mode`` or ``boundary`` is unknown, or both are given (raised when the graph is
        built).

    See Also
    --------
    speedup.second_derivative, laplacian

    Notes
    -----
    ``out[i] = ((f[i] - 2.0*f[i+1]) + f[i+2]) * (1.0/(dx*dx))``, computed per block with a
    one-sample halo. See ``docs/contract.md``, section "second_derivative".

    Examples
    --------
    >>> import dask.array, speedup, speedup.dask
    >>> f = dask.array.from_array([0.0, 1.0, 4.0, 9.0, 16.0, 25.0], chunks=2)
    >>> speedup.dask.second_derivative(f, 1.0).compute().tolist()
    [2.0, 2.0, 2.0, 2.0]
    >>> speedup.dask.second_derivative(f, 1.0, mode="constant").compute().tolist()
    [1.0, 2.0, 2.0, 2.0, 2.0, -34.0]
    """

DOCS["speedup.dask.laplacian"] = """Five-point Laplacian of a 2-D Dask grid, chunk by chunk (``map_overlap``, depth 1).

    Parameters
    ----------
    f : dask.array.Array or array_like
        2-D real grid of shape ``(rows, cols)``; float32 stays float32, anything else becomes
        float64.
    dx : float
        Spacing between rows; finite and nonzero.
    dy : float
        Spacing between columns; finite and nonzero.
    mode : {"valid", "reflect", "nearest", "mirror", "wrap", "constant"}, optional
        As for ``speedup.laplacian``: ``"valid"`` (the default) gives the interior, shape
        ``(rows - 2, cols - 2)``; the others pad the grid by one cell as ``scipy.ndimage``
        means them and give the input's shape.
    cval : float, optional
        The value outside the grid for ``mode="constant"``.
    boundary : {"none", "periodic", "nearest", "reflect"} or float, optional
        The older spelling, kept working: ``"none"`` is ``mode="valid"``, ``"periodic"``
        ``"wrap"``, ``"nearest"`` and ``"reflect"`` the modes of those names, a number
        ``mode="constant"`` with that ``cval``. Not together with ``mode``.

    Returns
    -------
    dask.array.Array
        Lazy array of ``f``'s dtype: bitwise ``speedup.laplacian(f, dx, dy, mode=mode,
        cval=cval)``, for any chunking.

    Raises
    ------
    ValueError
        When ``f`` is not 2-D or too small for ``"valid"``, ``dx`` or ``dy`` is zero or not
        finite, ``mode`` or ``boundary`` is unknown, or both are given (raised when the graph is
        built).

    See Also
    --------
    speedup.laplacian, second_derivative

    Notes
    -----
    Each block computes ``speedup.laplacian`` on itself plus a one-cell halo, so the formula
    and its evaluation order are the contract's: ``docs/contract.md``, section "laplacian".

    Examples
    --------
    >>> import dask.array, numpy as np, speedup, speedup.dask
    >>> f = np.arange(36.0).reshape(6, 6) ** 2
    >>> lap = speedup.dask.laplacian(dask.array.from_array(f, chunks=3), 1.0, 1.0)
    >>> lap.shape
    (4, 4)
    >>> np.array_equal(lap.compute(), speedup.laplacian(f, 1.0, 1.0))
    True
    >>> g = speedup.dask.laplacian(dask.array.from_array(f, chunks=4), 1.0, 1.0, mode="mirror")
    >>> np.array_equal(g.compute(), speedup.laplacian(f, 1.0, 1.0, mode="mirror"))
    True
    """

def _dask_comb(name: str, x: str, alpha: str, formula: str, other: str, result: str) -> str:
    """The docstring of ``speedup.dask.comb_forward`` or ``speedup.dask.comb_backward``."""
    return f"""``speedup.{name}`` per column block of a Dask array (bitwise the local call).

    Parameters
    ----------
    x : dask.array.Array or array_like
        Real signal of shape ``(n,)`` or ``(n, k)``; axis 0 is made one chunk{x}
    tau : int
        The delay in samples, at least 1.
    alpha : float
        The gain of the delayed {alpha}.

    Returns
    -------
    dask.array.Array
        Lazy float64 array of the shape of ``x``.

    Raises
    ------
    ValueError
        When ``x`` is not 1-D or 2-D (when the graph is built); a bad ``tau`` or ``alpha``
        raises as ``speedup.{name}`` when it is computed.

    See Also
    --------
    speedup.{name}, {other}

    Notes
    -----
    ``y[t] = x[t]`` for ``t < tau``, else ``{formula}``. See ``docs/contract.md``,
    section "comb_forward, comb_backward".

    Examples
    --------
    >>> import dask.array, speedup, speedup.dask
    >>> x = dask.array.from_array([[1.0, 2.0], [0.0, 0.0], [0.0, 0.0]], chunks=(1, 1))
    >>> speedup.dask.{name}(x, 1, 0.5).compute().tolist()
    {result}
    """


DOCS["speedup.dask.comb_forward"] = _dask_comb(
    "comb_forward", ", columns may be\n        split.", "input", "x[t] + alpha*x[t-tau]", "comb_backward",
    "[[1.0, 2.0], [0.5, 1.0], [0.0, 0.0]]",
)

DOCS["speedup.dask.comb_backward"] = _dask_comb(
    "comb_backward", " (the recurrence\n        runs along it), columns may be split.", "output",
    "x[t] + alpha*y[t-tau]", "comb_forward", "[[1.0, 2.0], [0.5, 1.0], [0.25, 0.5]]",
)
