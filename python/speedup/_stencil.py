"""The stencils and comb filters over an explicit backend, with what the contract's extensions
add: boundary modes (``mode=``, ``cval=``), float32 computed in float32, and arrays of any
strides read and written in place (``out=`` may be strided too).

Arrays pass through unchanged when they are float64 or float32, aligned, in native byte order
and with strides that are whole elements (any sign, Fortran order, slices, transposes); other
inputs are converted once (a list, an integer array, a misaligned or byte-swapped buffer: a
C-ordered float64 copy, or float32 for float32 data). The output shape comes from the core's
rule (``laplacian_shape_mode`` / ``second_derivative_len_mode`` of the backend).
"""

from __future__ import annotations

from typing import Any, Optional, Sequence, Tuple

import numpy as np

from ._api import F64, USIZE_MAX, as_array, as_float, as_int, check_out_array, new_array

F32 = np.dtype(np.float32)

# The mode names in the order of their codes (the C enum speedup_mode).
MODES = ("valid", "reflect", "nearest", "mirror", "wrap", "constant")


def mode_code(kernel: str, mode: Any) -> int:
    """The code of the mode called ``mode`` (the core's names and message)."""
    if not isinstance(mode, str):
        raise TypeError(f"{kernel}: mode must be a string, got {type(mode).__name__}")
    try:
        return MODES.index(mode)
    except ValueError:
        names = ", ".join(f"'{m}'" for m in MODES)
        raise ValueError(f"{kernel}: mode must be one of {names}, got '{mode}'") from None


def _in_place(a: np.ndarray) -> bool:
    return (
        a.dtype in (F64, F32)
        and a.dtype.isnative
        and a.flags.aligned
        and all(s % a.itemsize == 0 for s in a.strides)
    )


def as_real(x: Any, kernel: str, arg: str, ndim: Optional[int] = None) -> np.ndarray:
    """``x`` itself when the kernels can read it in place; else a converted copy (float32 stays
    float32, everything else becomes float64). With ``ndim``, an array of another number of
    dimensions is refused."""
    if isinstance(x, np.ndarray) and _in_place(x):
        a = x
    elif isinstance(x, np.ndarray) and x.dtype.kind == "f" and x.dtype.itemsize == 4:
        a = np.require(x, F32, ["C", "A"])
    else:
        a = as_array(x, F64, kernel, arg)
    if ndim is not None and a.ndim != ndim:
        raise ValueError(f"{kernel}: {arg} must be {ndim}-D, got {a.ndim}-D")
    return a


def _distinct(o: np.ndarray) -> bool:
    """Every index of ``o`` reaches its own element (no stride 0 or interleaved axes)."""
    axes = sorted((abs(s), n) for s, n in zip(o.strides, o.shape) if n > 1)
    reach = o.itemsize
    for s, n in axes:
        if s < reach:
            return False
        reach = s * n
    return True


def check_out(out: Any, shape: Tuple[int, ...], dtype: np.dtype, kernel: str,
              inputs: Sequence[np.ndarray]) -> np.ndarray:
    """A fresh C-ordered result, or the caller's ``out``: an ndarray of ``shape`` and ``dtype``,
    writable, with distinct elements, aligned, native, whole-element strides (any layout), not
    sharing memory bounds with an input (the C door's rule, so both backends agree)."""
    if out is None:
        return new_array(shape, dtype, kernel, "the result")
    check_out_array(out, shape, dtype, kernel)
    if not _in_place(out):
        raise ValueError(f"{kernel}: out must be aligned, in native byte order, with strides of whole elements")
    if not _distinct(out):
        raise ValueError(f"{kernel}: out must not repeat elements (a stride of 0 or overlapping axes)")
    for a in inputs:
        if np.may_share_memory(out, a):
            raise ValueError(f"{kernel}: out must not overlap an input")
    return out


def _sfx(a: np.ndarray) -> str:
    return "_f32" if a.dtype == F32 else ""


def second_derivative(impl: Any, f: Any, dx: Any, mode: Any = "valid", cval: Any = 0.0,
                      out: Optional[np.ndarray] = None) -> np.ndarray:
    K = "second_derivative"
    code = mode_code(K, mode)
    a = as_real(f, K, "f", 1)
    h, cv = as_float(dx, K, "dx"), as_float(cval, K, "cval")
    n = impl.second_derivative_len_mode(a.shape[0], h, code)
    o = check_out(out, (n,), a.dtype, K, (a,))
    getattr(impl, "second_derivative_ext" + _sfx(a))(a, h, code, cv, o)
    return o


def laplacian(impl: Any, f: Any, dx: Any, dy: Any, mode: Any = "valid", cval: Any = 0.0,
              out: Optional[np.ndarray] = None) -> np.ndarray:
    K = "laplacian"
    code = mode_code(K, mode)
    a = as_real(f, K, "f", 2)
    hx, hy, cv = as_float(dx, K, "dx"), as_float(dy, K, "dy"), as_float(cval, K, "cval")
    shape = impl.laplacian_shape_mode(a.shape[0], a.shape[1], hx, hy, code)
    o = check_out(out, tuple(shape), a.dtype, K, (a,))
    getattr(impl, "laplacian_ext" + _sfx(a))(a, hx, hy, code, cv, o)
    return o


def comb(impl: Any, K: str, x: Any, tau: Any, alpha: Any, out: Optional[np.ndarray]) -> np.ndarray:
    a = as_real(x, K, "x")
    if a.ndim not in (1, 2):
        raise ValueError(f"{K}: x must be 1-D or 2-D (n, k), got {a.ndim}-D")
    t = as_int(tau, K, "tau", 1, USIZE_MAX, "must be at least 1")
    al = as_float(alpha, K, "alpha")
    o = check_out(out, a.shape, a.dtype, K, (a,))
    a2 = a[:, None] if a.ndim == 1 else a
    o2 = o[:, None] if o.ndim == 1 else o
    getattr(impl, K + "_ext" + _sfx(a))(a2, t, al, o2)
    return o
