"""sum, mean and std along axes against NumPy (shape, dtype, values within the contract's bound)
and against the flat kernel on each lane copied out (bitwise), for random shapes up to 4-D,
random axes, keepdims, out=, float32/float64 and C, Fortran and strided layouts; on both
backends (conftest) and at several thread counts; plus bad input, and no input-sized copy."""

from __future__ import annotations

import subprocess
import sys
import tracemalloc

import numpy as np
import pytest

import speedup
from references import same_bits

N_CASES = 48
OPS = ("sum", "mean", "std")


def case(seed: int):
    """A random array (1-D to 4-D, float32 or float64, C / Fortran / strided / reversed view)
    and random axes (None, an int, or a tuple; negative ones too)."""
    g = np.random.default_rng(seed)
    ndim = int(g.integers(1, 5))
    shape = tuple(int(v) for v in g.integers(1, 9 if ndim > 2 else 1500 // ndim, ndim))
    dtype = (np.float32, np.float64)[seed % 2]
    big = (g.standard_normal(tuple(2 * s for s in shape)) * 10 + 3).astype(dtype)
    kind = ("C", "F", "strided", "rev")[seed % 4]
    a = big[tuple(slice(0, s) for s in shape)].copy()
    if kind == "F":
        a = np.asfortranarray(a)
    elif kind == "strided":
        a = big[tuple(slice(None, 2 * s, 2) for s in shape)]
    elif kind == "rev":
        a = big[tuple(slice(s - 1, None, -1) for s in shape)]
    pick = int(g.integers(0, 3))
    if pick == 0:
        axis = None
    elif pick == 1:
        axis = int(g.integers(-ndim, ndim))
    else:
        k = int(g.integers(1, ndim + 1))
        axis = tuple(int(v) - (ndim if g.random() < 0.5 else 0) for v in g.choice(ndim, k, replace=False))
    return a, axis, bool(g.integers(0, 2))


def lanes(a: np.ndarray, axis) -> np.ndarray:
    """Each lane copied out, contiguous float64: the reduced axes moved last, in axis order."""
    nd = a.ndim
    red = sorted(range(nd) if axis is None else [x % nd for x in (axis if isinstance(axis, tuple) else (axis,))])
    kept = [k for k in range(nd) if k not in red]
    moved = np.transpose(a, kept + red)
    return np.ascontiguousarray(moved.reshape(tuple(a.shape[k] for k in kept) + (-1,)), np.float64)


def flat(op: str, lane: np.ndarray, ddof: int) -> float:
    """The backend's flat kernel (the 1-D C door / PyO3 call) on one lane."""
    impl = speedup._impl
    return impl.std(lane, ddof) if op == "std" else getattr(impl, op)(lane)


@pytest.mark.parametrize("seed", range(N_CASES))
@pytest.mark.parametrize("op", OPS)
def test_against_numpy_and_copied_out_lanes(seed: int, op: str) -> None:
    a, axis, keepdims = case(seed)
    kw = dict(ddof=1) if op == "std" else {}
    L = lanes(a, axis)
    if op == "std" and L.shape[-1] < 2:
        kw = dict(ddof=0)
    got = getattr(speedup, op)(a, axis, keepdims=keepdims, **kw)
    want = getattr(np, op)(a, axis=axis, keepdims=keepdims, **kw)
    got_a = np.asarray(got)
    assert got_a.shape == np.shape(want) and got_a.dtype == np.asarray(want).dtype
    # Values: within the contract's bound of numpy (an f64 reference of the lane).
    ref = getattr(np, op)(a.astype(np.float64), axis=axis, keepdims=keepdims, **kw)
    eps = np.finfo(a.dtype).eps
    scale = np.sum(np.abs(a.astype(np.float64)), axis=axis, keepdims=keepdims) + 1.0
    assert np.all(np.abs(got_a - ref) <= 4 * eps * scale)
    # Bits: the flat kernel on each lane copied out (rounded once for float32).
    flat_vals = np.array([flat(op, lane, kw.get("ddof", 0)) for lane in L.reshape(-1, L.shape[-1])])
    expect = flat_vals.astype(a.dtype).reshape(got_a.shape)
    assert same_bits(got_a, expect)


@pytest.mark.parametrize("seed", range(0, N_CASES, 5))
def test_out_and_dtype(seed: int) -> None:
    a, axis, keepdims = case(seed)
    r = speedup.sum(a, axis, keepdims=keepdims)
    shape = np.shape(r)
    # A strided out= of the result's shape and dtype is filled and returned.
    big = np.full(tuple(2 * s for s in shape) or (1,), -7.0, a.dtype)
    out = big[tuple(slice(None, None, 2) for _ in shape)] if shape else np.empty((), a.dtype)
    assert speedup.sum(a, axis, out=out, keepdims=keepdims) is out
    assert same_bits(out, np.asarray(r, a.dtype))
    if a.dtype == np.float32:
        r64 = speedup.sum(a, axis, dtype=np.float64, keepdims=keepdims)
        assert np.asarray(r64).dtype == np.float64
        assert same_bits(np.asarray(r64).astype(np.float32), np.asarray(r))


@pytest.mark.parametrize("seed", [1, 6, 11])
def test_same_bits_at_every_thread_count(seed: int) -> None:
    g = np.random.default_rng(seed)
    a = g.standard_normal((1 << 11, 600)).astype((np.float32, np.float64)[seed % 2])
    views = [a, a.T, a[::2, ::-3], np.asfortranarray(a)]
    for v in views:
        for axis in (0, 1, None, (1, 0)):
            runs = []
            for n in (1, 2, 3, 8):
                with speedup.threads(n):
                    runs.append(speedup.std(v, axis, ddof=1))
            assert all(same_bits(runs[0], r) for r in runs[1:])


def test_bad_input_leaves_out_untouched() -> None:
    a = np.arange(24.0).reshape(2, 3, 4)
    out = np.full((3, 4), 5.0)
    bad = [
        (lambda: speedup.sum(a, 3, out=out), ValueError, "sum: axis 3 is out of bounds for array of dimension 3"),
        (lambda: speedup.sum(a, -4, out=out), ValueError, "sum: axis -4 is out of bounds"),
        (lambda: speedup.mean(a, (0, -3), out=out), ValueError, "mean: axis must not repeat an axis, got 0 twice"),
        (lambda: speedup.sum(a, 1.5), TypeError, "sum: axis must be an integer"),
        (lambda: speedup.sum(a, 0, out=np.full((4, 3), 5.0)), ValueError, r"sum: out must have shape \(3, 4\), got \(4, 3\)"),
        (lambda: speedup.sum(a, 0, out=np.full((3, 4), 5.0, np.float32)), TypeError, "sum: out must have dtype float64, got float32"),
        (lambda: speedup.sum(a, 0, out=[0.0]), TypeError, "sum: out must be a numpy.ndarray"),
        (lambda: speedup.sum(a, 0, dtype=np.int64), TypeError, "sum: dtype must be float32 or float64, got int64"),
        (lambda: speedup.sum(np.arange(3)), TypeError, "pass dtype=numpy.float64"),
        (lambda: speedup.sum(np.ones(3, np.float16)), TypeError, "float16 is not supported"),
        (lambda: speedup.sum(np.ones(3, np.complex128)), TypeError, "sum: x must be real"),
        (lambda: speedup.std(a, 0, out=out, ddof=2), ValueError, r"std: ddof must be smaller than the number of elements per lane \(2\), got 2"),
        (lambda: speedup.mean(np.ones((0, 3)), 0), ValueError, "mean: x must not be empty along the reduced axes"),
        (lambda: speedup.sum(a, 0, out=a[0]), ValueError, "sum: out must not overlap x"),
    ]
    for call, exc, msg in bad:
        with pytest.raises(exc, match=msg):
            call()
    assert np.all(out == 5.0)
    ro = np.zeros((3, 4))
    ro.flags.writeable = False
    with pytest.raises(ValueError, match="sum: out must be writable"):
        speedup.sum(a, 0, out=ro)


def test_integer_and_bool_follow_numpy_result_types() -> None:
    i = np.arange(12).reshape(3, 4)
    assert np.asarray(speedup.mean(i, 0)).dtype == np.mean(i, 0).dtype == np.float64
    assert same_bits(speedup.std(i, 1), speedup.std(i.astype(np.float64), 1))
    assert same_bits(speedup.sum(i, 0, dtype=np.float64), np.sum(i, 0).astype(np.float64))
    assert type(speedup.sum(np.ones(3))) is float and type(speedup.sum(np.ones(3, np.float32))) is np.float32


@pytest.mark.parametrize("layout", ["F", "T", "sliced"])
def test_inputs_are_read_in_place(layout: str) -> None:
    base = np.random.default_rng(3).standard_normal((2000, 500))
    a = {"F": np.asfortranarray(base), "T": base.T, "sliced": base[::2, 1::3]}[layout]
    speedup.sum(a, 0)  # warm up (first-call allocations)
    tracemalloc.start()
    try:
        for axis in (None, 0, 1):
            speedup.std(a, axis)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < a.size * a.itemsize // 8, peak  # far below one copy of the input


PEAK_RSS = """
import resource, sys
import numpy as np
import speedup
dtype = np.dtype(sys.argv[1])
x = np.empty((3000, 2600), dtype)
np.random.default_rng(5).random(out=x, dtype=dtype)  # in place: no temporary raises the peak
speedup.sum(x[:8, :8].T), speedup.std(x[:8, :8], 0)  # first-call allocations (the pool)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
for a in (x.T, x[::2, 1::3], x[::-1, ::-1]):
    for axis in (None, 0, 1):
        speedup.sum(a, axis)
        speedup.std(a, axis)
grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
print(grown * 1024, x.nbytes)
"""


@pytest.mark.timeout(120)
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_no_input_sized_allocation_anywhere(dtype: str) -> None:
    """The peak memory of a fresh process (Rust's allocations included, which tracemalloc does
    not see) grows by far less than one copy of the input while it reduces a transposed
    (Fortran-order), a strided and a reversed view of a 3000 x 2600 array along every axis."""
    done = subprocess.run([sys.executable, "-c", PEAK_RSS, dtype], capture_output=True, text=True, timeout=100)
    assert done.returncode == 0, done.stderr
    grown, nbytes = map(int, done.stdout.split())
    assert grown < nbytes // 8, (grown, nbytes)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("n", [1, 2, 1000])
def test_misaligned_buffers_are_copied_not_refused(dtype: type, n: int) -> None:
    """A buffer one byte off its alignment (as a pickled array can arrive in a worker process)
    gives the bits of its aligned copy, along an axis or not."""
    item = np.dtype(dtype).itemsize
    raw = bytearray(item * 2 * n + 1)
    x = np.frombuffer(memoryview(raw)[1:], dtype=dtype).reshape(2, n)
    x[...] = np.random.default_rng(n).standard_normal((2, n))
    assert not x.flags.aligned
    good = x.copy()
    for op in OPS:
        fn = getattr(speedup, op)
        assert same_bits(np.asarray(fn(x)), np.asarray(fn(good)))
        assert same_bits(fn(x, axis=1), fn(good, axis=1))
