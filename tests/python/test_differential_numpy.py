"""Differential fuzzing of the NumPy-grade features through the Python door (hypothesis, both
backends; the harness of test_differential.py): reductions along axes, float32, strided views
and the stencils' boundary modes. Each is compared across backends and thread counts
(``differential``), across layouts, and with an independent reference: NumPy in float64 within
the contract's bound and, bit for bit, the flat kernel on each lane copied out (reductions); the
contract's formula on an ``np.pad``-ded copy, in the data's precision (stencils).

Bounded like test_differential.py (``SPEEDUP_FUZZ_PROFILE`` / ``SPEEDUP_FUZZ_EXAMPLES`` apply).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import speedup
from references import same_bits
from test_differential import (FUZZ, canonical_nans, differential, report_cases, result, same, steps,  # noqa: F401
                               tally, vectors)


EPS = {np.dtype(np.float64): 2.0**-52, np.dtype(np.float32): 2.0**-23}


@st.composite
def shapes(draw: Any) -> tuple:
    """1-D to 4-D shapes with empty and length-one axes, and one axis sometimes around or past
    the 1024-element leaf (at most ~24000 elements)."""
    shape = draw(st.lists(st.integers(0, 6), min_size=1, max_size=4))
    if draw(st.booleans()):
        k = draw(st.integers(0, len(shape) - 1))
        shape = [min(s, 2) for s in shape]
        shape[k] = draw(st.sampled_from([1023, 1024, 1025, 2049, 3001]))
    return tuple(shape)


@st.composite
def views(draw: Any, a: np.ndarray) -> np.ndarray:
    """``a`` (C order) in another layout, the same values: Fortran order, its axes stored in a
    drawn order (a transposed copy viewed back), every ``k``-th element of a larger array, or
    stored reversed along drawn axes and viewed reversed back (negative strides)."""
    kind = draw(st.sampled_from(["C", "F", "perm", "step", "neg"]))
    nd = a.ndim
    if kind == "F":
        return np.asfortranarray(a)
    if kind == "perm":
        perm = draw(st.permutations(range(nd)))
        return np.ascontiguousarray(a.transpose(perm)).transpose(np.argsort(perm))
    if kind == "step":
        k = draw(st.lists(st.integers(1, 3), min_size=nd, max_size=nd))
        big = np.full(tuple(s * j for s, j in zip(a.shape, k)), np.nan, a.dtype)
        idx = tuple(slice(None, None, j) for j in k)
        big[idx] = a
        return big[idx]
    if kind == "neg":
        flip = tuple(slice(None, None, -1) if draw(st.booleans()) else slice(None) for _ in range(nd))
        return np.ascontiguousarray(a[flip])[flip]
    return a


@st.composite
def axes(draw: Any, nd: int) -> Any:
    """None, an int or a tuple of distinct axes in any order, negative ones too."""
    pick = draw(st.sampled_from(["none", "int", "tuple"]))
    neg = lambda k: k - nd if draw(st.booleans()) else k  # noqa: E731
    if pick == "none":
        return None
    if pick == "int":
        return neg(draw(st.integers(0, nd - 1)))
    chosen = draw(st.lists(st.integers(0, nd - 1), unique=True, max_size=nd))
    return tuple(neg(k) for k in draw(st.permutations(chosen)))


def lanes_of(a: np.ndarray, axis: Any) -> tuple:
    """(kept shape, lanes): each lane copied out, contiguous, the reduced axes in C order."""
    nd = a.ndim
    red = list(range(nd)) if axis is None else sorted({k % nd for k in (axis if isinstance(axis, tuple) else (axis,))})
    kept = [k for k in range(nd) if k not in red]
    kept_shape = tuple(a.shape[k] for k in kept)
    lane_len = int(np.prod([a.shape[k] for k in red], dtype=np.int64))
    n_lanes = int(np.prod(kept_shape, dtype=np.int64))
    return kept_shape, np.ascontiguousarray(np.transpose(a, kept + red)).reshape(n_lanes, lane_len)


def flat(op: str, lane: np.ndarray, ddof: int) -> float:
    """The flat float64 kernel of this backend on one lane (widened exactly from float32)."""
    lane = lane.astype(np.float64)
    return float(speedup.std(lane, ddof=ddof) if op == "std" else getattr(speedup, op)(lane))


def numpy_bound(op: str, lanes: np.ndarray, got: np.ndarray, ddof: int, dtype: np.dtype) -> None:
    """NumPy in float64 on the widened lanes, within ``4 eps |x|`` summed over the lane (``eps``
    of the result's type) plus the smallest subnormal (and, for std, the underflow of squares);
    lanes whose magnitudes could overflow in some order are compared for NaN only."""
    x = lanes.astype(np.float64)
    with np.errstate(all="ignore"):
        ref = getattr(np, op)(x, axis=1, **({"ddof": ddof} if op == "std" else {}))
        scale = np.sum(np.abs(x), axis=1)
        squares = np.sum(x * x, axis=1)
    n = x.shape[1]
    finite = np.isfinite(scale) & np.isfinite(ref) & (np.isfinite(squares) if op == "std" else True)
    tiny = np.finfo(dtype).smallest_subnormal + (np.sqrt(n * np.finfo(np.float64).tiny) if op == "std" else 0.0)
    bound = 4 * EPS[dtype] * scale + tiny
    with np.errstate(all="ignore"):
        err = np.abs(got.astype(np.float64) - ref)
    assert np.all(err[finite] <= bound[finite]), (op, float(np.max(err[finite] - bound[finite])))
    has_nan = np.isnan(x).any(axis=1)
    assert np.all(np.isnan(got[has_nan])), op


@FUZZ
@given(data=st.data(), shape=shapes(), dtype=st.sampled_from([np.float64, np.float32]), op=st.sampled_from(["sum", "mean", "std"]),
       ddof=st.integers(0, 3), keepdims=st.booleans(), wide=st.booleans(), use_out=st.booleans())
def test_reductions_along_axes(backend: str, data: Any, shape: tuple, dtype: Any, op: str, ddof: int,
                               keepdims: bool, wide: bool, use_out: bool) -> None:
    """Random shapes, axes, keepdims, out=, float32/float64 (and float32 kept as float64) and
    layouts: the same bits on both backends, at 1 and 3 threads and in every layout; each lane's
    result the bits of the flat kernel on that lane copied out (rounded once to float32); values
    within the contract's bound of NumPy; errors (empty lanes, ddof) where the contract puts them."""
    tally("reductions_along_axes", backend)
    size = int(np.prod(shape))
    with np.errstate(over="ignore"):
        a = data.draw(vectors(st.just(size))).astype(dtype).reshape(shape)
    axis = data.draw(axes(a.ndim))
    held = data.draw(views(a))
    kw: dict = {"keepdims": keepdims}
    if op == "std":
        kw["ddof"] = ddof
    if wide and dtype == np.float32:
        kw["dtype"] = np.float64
    out_dtype = np.dtype(kw.get("dtype", dtype))
    fn = getattr(speedup, op)
    want = differential(backend, lambda: fn(a, axis, **kw))
    kept, lanes = lanes_of(a, axis)
    n_lanes, lane_len = lanes.shape
    if n_lanes and op != "sum" and (lane_len == 0 or (op == "std" and ddof >= lane_len)):
        assert want[1] is ValueError, want
        assert same(want, result(lambda: fn(held, axis, **kw)))
        return
    assert want[1] is None, want
    got = np.asarray(want[0])
    if axis is None and not keepdims:
        assert type(want[0]) is (float if out_dtype == np.float64 else np.float32)
    np_shape = np.sum(np.empty(shape, np.int8), axis=axis, keepdims=keepdims).shape
    assert got.shape == np_shape and got.dtype == out_dtype
    # Another layout of the same array, and an out= of any strides: the same bits.
    assert same(want, result(lambda: fn(held, axis, **kw)))
    if use_out and got.ndim:
        step = data.draw(st.sampled_from([1, 2, -1]))
        big = np.full(tuple(2 * s + 1 for s in got.shape), -7.0, out_dtype)
        out = big[tuple(slice(None, None, step) if step > 0 else slice(None, None, -2) for _ in got.shape)]
        out = out[tuple(slice(0, s) for s in got.shape)]
        assert fn(held, axis, out=out, **kw) is out and same_bits(out, got)
    # Each lane: the flat float64 kernel on the widened lane copy, rounded once; checked on up to
    # 64 drawn lanes (all of them when there are few).
    flat_got = got.reshape(-1)
    picks = range(n_lanes) if n_lanes <= 64 else sorted(set(data.draw(st.lists(st.integers(0, n_lanes - 1), min_size=1, max_size=64))))
    for q in picks:
        expect = np.array([flat(op, lanes[q], ddof)]).astype(out_dtype)
        assert same_bits(flat_got[q:q + 1], expect), (q, flat_got[q], expect)
    if n_lanes:
        numpy_bound(op, lanes, flat_got, ddof, out_dtype)


def padded(f: np.ndarray, mode: str, cval: Any) -> np.ndarray:
    """``f`` padded by one cell as docs/contract.md's table of modes says, with ``np.pad``:
    reflect -> 'symmetric' (d c b a | a b c d | d c b a), mirror -> 'reflect' (d c b | a b c d |
    c b a; one cell: a | a | a), nearest -> 'edge', wrap -> 'wrap', constant -> cval."""
    pad = {"reflect": "symmetric", "mirror": "reflect", "nearest": "edge", "wrap": "wrap"}
    if mode == "constant":
        return np.pad(f, 1, mode="constant", constant_values=cval)
    return np.pad(f, 1, mode=pad[mode])


def stencil_reference(f: np.ndarray, h: tuple, mode: str, cval: float) -> np.ndarray:
    """The contract's formula on the padded input, in the input's precision (coefficients from
    the steps and cval rounded to it), element by element in the contract's order."""
    t = f.dtype.type
    with np.errstate(all="ignore"):
        coef = [t(1.0) / (t(d) * t(d)) for d in h]
        if any(s == 0 for s in f.shape):
            return np.zeros(tuple(max(s - 2, 0) for s in f.shape) if mode == "valid" else f.shape, f.dtype)
        g = f if mode == "valid" else padded(f, mode, t(cval))
        if f.ndim == 1:
            return ((g[:-2] - t(2.0) * g[1:-1]) + g[2:]) * coef[0]
        ax, ay = coef
        c = t(2.0) * ax + t(2.0) * ay
        return ((g[:-2, 1:-1] + g[2:, 1:-1]) * ax + (g[1:-1, :-2] + g[1:-1, 2:]) * ay) - g[1:-1, 1:-1] * c


def same_as_reference(got: np.ndarray, ref: np.ndarray) -> bool:
    """Bitwise where the reference is a number; the canonical NaN where it is a NaN."""
    nan = np.isnan(ref)
    return (got.shape == ref.shape and got.dtype == ref.dtype and canonical_nans(got)
            and bool(np.all(np.isnan(got) == nan)) and got[~nan].tobytes() == ref[~nan].tobytes())


STENCIL_MODES = ["valid", "reflect", "nearest", "mirror", "wrap", "constant"]


@FUZZ
@given(data=st.data(), shape=st.one_of(st.tuples(st.integers(0, 9), st.integers(0, 9)),
                                       st.tuples(st.integers(1, 3), st.integers(200, 900)),
                                       st.tuples(st.integers(0, 5)), st.tuples(st.integers(500, 3000))),
       dtype=st.sampled_from([np.float64, np.float32]), mode=st.sampled_from(STENCIL_MODES),
       cval=st.one_of(st.floats(-1e3, 1e3), st.sampled_from([0.0, -0.0, np.nan, np.inf, 1e300])),
       dx=steps, dy=steps, use_out=st.booleans())
def test_stencil_boundary_modes(backend: str, data: Any, shape: tuple, dtype: Any, mode: str, cval: float,
                                dx: float, dy: float, use_out: bool) -> None:
    """laplacian / second_derivative with mode= and cval, float32 and float64, any layout and
    out=: the same bits on both backends, at 1 and 3 threads and in every layout, and the bits
    of the contract's formula on the np.pad-ded copy (NaNs canonical); errors where the contract
    puts them (valid on a short axis, a step that is zero or infinite in the data's type)."""
    tally("stencil_boundary_modes", backend)
    with np.errstate(over="ignore"):
        f = data.draw(vectors(st.just(int(np.prod(shape))))).astype(dtype).reshape(shape)
    held = data.draw(views(f))
    h = (dx,) if f.ndim == 1 else (dx, dy)
    if f.ndim == 1:
        def call(g: np.ndarray, **o: Any) -> Any:
            return speedup.second_derivative(g, dx, mode=mode, cval=cval, **o)
    else:
        def call(g: np.ndarray, **o: Any) -> Any:
            return speedup.laplacian(g, dx, dy, mode=mode, cval=cval, **o)
    want = differential(backend, lambda: call(f))
    with np.errstate(over="ignore"):
        bad_step = any(not np.isfinite(dtype(d)) or dtype(d) == 0 for d in h)
    if bad_step or (mode == "valid" and min(shape) < 3):
        assert want[1] is ValueError, want
        return
    assert want[1] is None, want
    got = want[0]
    assert same_as_reference(got, stencil_reference(f, h, mode, cval)), (mode, dtype)
    assert same(want, result(lambda: call(held)))
    if use_out and got.size:
        out = data.draw(views(np.full(got.shape, -7.0, dtype)))
        assert call(held, out=out) is out and same_bits(np.ascontiguousarray(out), got)


def test_pad_mapping_matches_scipy(backend: str) -> None:
    """The np.pad mapping of ``padded`` against scipy.ndimage's own modes: exact on small
    integers (every sum is exact), laplace for the 2-D stencil, correlate1d for the 1-D one."""
    ndimage = pytest.importorskip("scipy.ndimage")
    f = np.random.default_rng(1).integers(-50, 50, (7, 5)).astype(np.float64)
    for mode in STENCIL_MODES[1:]:
        for g in (f, f[:1, :1], f[:2, :3]):
            assert np.array_equal(stencil_reference(g, (1.0, 1.0), mode, 3.0), ndimage.laplace(g, mode=mode, cval=3.0)), mode
            assert np.array_equal(speedup.laplacian(g, 1.0, 1.0, mode=mode, cval=3.0), ndimage.laplace(g, mode=mode, cval=3.0)), mode
        row = f[0]
        assert np.array_equal(stencil_reference(row, (1.0,), mode, 3.0),
                              ndimage.correlate1d(row, [1.0, -2.0, 1.0], mode=mode, cval=3.0)), mode
