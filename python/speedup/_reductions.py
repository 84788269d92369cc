"""``sum``, ``mean`` and ``std`` with NumPy's arguments (``axis``, ``dtype``, ``out``,
``keepdims``, ``ddof``), over either backend.

The input is read in place whatever its layout (C order, Fortran order, transposed, sliced,
negative strides): float64 and float32 arrays go to the backend as they are, with their
strides, and only the result is allocated. Each lane (the elements of the reduced axes for one
index of the kept axes, in C order of the reduced axes) gets the bits the flat kernel gives for
that lane copied out. float32 data is widened exactly, summed in float64 and rounded once to
float32 at the end (unless ``dtype=numpy.float64``).

Result types follow NumPy: float32 for float32 input, float64 for float64; ``mean`` and
``std`` of integer or bool input give float64 (the input converted first). ``sum`` of integer
or bool input is refused with a ``TypeError`` unless ``dtype=numpy.float64`` is given, since
NumPy would return an exact integer sum and speedup only sums floating-point numbers.
"""

from __future__ import annotations

import operator
from typing import Any, Optional, Tuple

import numpy as np

from ._api import USIZE_MAX, as_int, check_out_array

F64 = np.dtype(np.float64)
F32 = np.dtype(np.float32)
_AxisError = getattr(getattr(np, "exceptions", np), "AxisError")


def _axes(axis: Any, ndim: int, kernel: str) -> Tuple[int, ...]:
    """``axis`` (None, an int or a tuple of ints, negative counting from the end) as sorted
    axis numbers; AxisError out of range, ValueError for a repeated axis."""
    if axis is None:
        return tuple(range(ndim))
    items = axis if isinstance(axis, tuple) else (axis,)
    seen = []
    for item in items:
        if isinstance(item, (bool, np.bool_)):
            raise TypeError(f"{kernel}: axis must be an integer or a tuple of integers, got bool")
        try:
            a = operator.index(item)
        except TypeError:
            raise TypeError(
                f"{kernel}: axis must be an integer or a tuple of integers, got {type(item).__name__}"
            ) from None
        if not -ndim <= a < ndim:
            raise _AxisError(f"{kernel}: axis {a} is out of bounds for array of dimension {ndim}")
        a %= ndim if ndim else 1
        if a in seen:
            raise ValueError(f"{kernel}: axis must not repeat an axis, got {a} twice")
        seen.append(a)
    return tuple(sorted(seen))


def _input(a: Any, kernel: str, dtype: Optional[np.dtype]) -> np.ndarray:
    """``a`` as a float64 or float32 array, in place when it is one (any layout)."""
    x = a if isinstance(a, np.ndarray) else np.asarray(a)
    kind = x.dtype.kind
    if kind == "c":
        raise TypeError(f"{kernel}: x must be real, got {x.dtype} values")
    if kind not in "biufO":
        raise TypeError(f"{kernel}: x must be numbers, got dtype {x.dtype}")
    if x.dtype not in (F64, F32):
        if kernel == "sum" and kind in "biu" and dtype is None:
            raise TypeError(
                f"sum: x of dtype {x.dtype} sums to an integer in numpy; speedup sums floating-point"
                " data only: pass dtype=numpy.float64 (or use numpy.sum)"
            )
        if kind == "f" and dtype is None:
            raise TypeError(
                f"{kernel}: x of dtype {x.dtype} is not supported: pass float32 or float64 data,"
                " or dtype=numpy.float64"
            )
        try:
            return np.asarray(x, F64)
        except (TypeError, ValueError) as e:
            raise TypeError(f"{kernel}: x cannot be converted to float64: {e}") from None
    if not x.flags.aligned or any(s % x.itemsize for s in x.strides):
        x = x.copy()  # odd buffers only (a fresh, aligned C-order copy): the kernels read whole elements
    return x


def _dtype(dtype: Any, kernel: str) -> Optional[np.dtype]:
    if dtype is None:
        return None
    try:
        d = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"{kernel}: dtype must be float32 or float64, got {dtype!r}") from None
    if d not in (F64, F32):
        raise TypeError(f"{kernel}: dtype must be float32 or float64, got {d}")
    return d


def reduce(impl: Any, kernel: str, a: Any, axis: Any, dtype: Any, out: Any,
           keepdims: bool, ddof: Any = 0) -> Any:
    """The public ``sum``/``mean``/``std`` over backend ``impl``: checks every argument, then
    reduces into a result-sized buffer, then writes ``out`` (so a failure leaves it as it was)."""
    if (axis is None and dtype is None and out is None and not keepdims and type(a) is np.ndarray
            and a.dtype == F64 and a.flags.c_contiguous and a.flags.aligned):
        # The common call, a whole float64 array: the flat kernel on its C-order data (the same
        # tree, so the same bits) without the axes' bookkeeping, which costs microseconds.
        x = a.reshape(-1)
        if kernel == "sum":
            return impl.sum(x)
        if kernel == "mean" and x.size:
            return impl.mean(x)
        if kernel == "std" and type(ddof) is int and 0 <= ddof < x.size:
            return impl.std(x, ddof)
    d = as_int(ddof, kernel, "ddof", 0, USIZE_MAX, "must be >= 0") if kernel == "std" else 0
    want = _dtype(dtype, kernel)
    x = _input(a, kernel, want)
    axes = _axes(axis, x.ndim, kernel)
    kept = tuple(n for k, n in enumerate(x.shape) if k not in axes)
    shape = tuple(1 if k in axes else n for k, n in enumerate(x.shape)) if keepdims else kept
    res_dtype = want or (x.dtype if x.dtype in (F64, F32) else F64)
    if out is not None:
        _check_out(out, shape, res_dtype, x, kernel)
    lanes = np.empty(int(np.prod(kept, dtype=np.int64)), F64)
    all_axes = axis is None or len(axes) == x.ndim
    impl.reduce_axis(x, None if all_axes else axes, kernel, d, lanes)
    res = lanes.reshape(shape).astype(res_dtype, copy=False)
    if out is not None:
        np.copyto(out, res)
        return out
    if res.ndim == 0:
        # A Python float for float64 (its exact type), numpy.float32 for float32.
        return float(res[()]) if res_dtype == F64 else res_dtype.type(res[()])
    return res


def _check_out(out: Any, shape: Tuple[int, ...], dtype: np.dtype, x: np.ndarray, kernel: str) -> None:
    check_out_array(out, shape, dtype, kernel)
    if np.shares_memory(out, x):
        raise ValueError(f"{kernel}: out must not overlap x")
