"""Boundary modes, float32 and strided layouts of the stencils and comb filters (both backends,
by the conftest fixture).

References: ``scipy.ndimage.correlate1d`` with the weights ``[1, -2, 1]`` along each axis, in
float64, divided by the squared spacing and summed (``scipy.ndimage.laplace`` is that sum for
unit spacings): values must lie within the contract's bound, ``8 * eps * M`` per element, where
``M`` is the same stencil over ``|f|`` with weights ``[1, 2, 1]`` (the magnitude the rounding
errors scale with) and ``eps`` the data type's. Layouts, ``out=``, thread counts and the two
backends must give the same bits as the C-ordered call.
"""

from __future__ import annotations

from typing import Any, Callable, Iterator, List

import numpy as np
import pytest

ndimage = pytest.importorskip("scipy.ndimage")

import speedup  # noqa: E402

MODES = ["reflect", "nearest", "mirror", "wrap", "constant"]
DTYPES = [np.float64, np.float32]
SHAPES = [(1, 1), (2, 7), (3, 3), (5, 4), (17, 33), (64, 50)]


def _bits(a: np.ndarray) -> bytes:
    return np.ascontiguousarray(a).tobytes()


def _d2_ref(f: np.ndarray, axis: int, h: float, mode: str, cval: float, weights: List[float]) -> np.ndarray:
    return ndimage.correlate1d(f, weights, axis=axis, mode=mode, cval=cval) / (h * h)


def _lap_ref(f: np.ndarray, dx: float, dy: float, mode: str, cval: float):
    """(reference, bound) in float64 for the input's values, in the input's shape."""
    g = f.astype(np.float64)
    ref = _d2_ref(g, 0, dx, mode, cval, [1, -2, 1]) + _d2_ref(g, 1, dy, mode, cval, [1, -2, 1])
    mag = _d2_ref(np.abs(g), 0, dx, mode, abs(cval), [1, 2, 1]) + _d2_ref(np.abs(g), 1, dy, mode, abs(cval), [1, 2, 1])
    return ref, 8 * np.finfo(f.dtype).eps * mag


def _layouts(f: np.ndarray) -> Iterator[Any]:
    """The same grid in other layouts: Fortran order, a slice of a wider array, reversed axes
    read back, every other element of a larger one."""
    yield "F", np.asfortranarray(f)
    wide = np.zeros((f.shape[0], f.shape[1] + 20), f.dtype)
    wide[:, 10:-10] = f
    yield "sliced", wide[:, 10:-10]
    yield "transposed", np.ascontiguousarray(f.T).T
    yield "reversed", np.ascontiguousarray(f[::-1, ::-1])[::-1, ::-1]
    big = np.zeros((2 * f.shape[0], 3 * f.shape[1]), f.dtype)
    big[::2, ::3] = f
    yield "step", big[::2, ::3]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("mode", MODES + ["valid"])
def test_laplacian_against_scipy(mode: str, dtype: Any) -> None:
    rng = np.random.default_rng(abs(hash((mode, str(dtype)))) % 2**32)
    for shape in SHAPES:
        if mode == "valid" and min(shape) < 3:
            continue
        f = rng.standard_normal(shape).astype(dtype)
        for dx, dy in [(1.0, 1.0), (0.3, 1.7)]:
            got = speedup.laplacian(f, dx, dy, mode=mode, cval=-0.75)
            assert got.dtype == dtype
            sp_mode = "reflect" if mode == "valid" else mode
            ref, bound = _lap_ref(f, dx, dy, sp_mode, -0.75)
            if mode == "valid":
                ref, bound = ref[1:-1, 1:-1], bound[1:-1, 1:-1]
            assert got.shape == ref.shape
            err = np.abs(got.astype(np.float64) - ref)
            assert np.all(err <= bound), (shape, dx, dy, float((err - bound).max()))
            if mode == "reflect" and dx == dy == 1.0 and dtype == np.float64:
                lap = ndimage.laplace(f, mode=mode)
                assert np.allclose(got, lap, rtol=0, atol=float(bound.max()))
            for name, g in _layouts(f):
                assert _bits(speedup.laplacian(g, dx, dy, mode=mode, cval=-0.75)) == _bits(got), name


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("mode", MODES + ["valid"])
def test_second_derivative_against_scipy(mode: str, dtype: Any) -> None:
    rng = np.random.default_rng(7)
    for n in [1, 2, 3, 4, 10, 1000]:
        if mode == "valid" and n < 3:
            continue
        f = rng.standard_normal(n).astype(dtype)
        got = speedup.second_derivative(f, 0.37, mode=mode, cval=2.0)
        assert got.dtype == dtype
        sp_mode = "reflect" if mode == "valid" else mode
        ref = _d2_ref(f.astype(np.float64), 0, 0.37, sp_mode, 2.0, [1, -2, 1])
        mag = _d2_ref(np.abs(f.astype(np.float64)), 0, 0.37, sp_mode, 2.0, [1, 2, 1])
        if mode == "valid":
            ref, mag = ref[1:-1], mag[1:-1]
        assert np.all(np.abs(got - ref) <= 8 * np.finfo(dtype).eps * mag)
        spread = np.zeros(3 * n, dtype)
        spread[::3] = f
        assert _bits(speedup.second_derivative(spread[::3], 0.37, mode=mode, cval=2.0)) == _bits(got)
        assert _bits(speedup.second_derivative(f[::-1].copy()[::-1], 0.37, mode=mode, cval=2.0)) == _bits(got)


@pytest.mark.parametrize("mode", ["valid", "wrap", "constant"])
def test_out_of_any_layout(mode: str) -> None:
    f = np.random.default_rng(3).standard_normal((40, 30)).astype(np.float32)
    want = speedup.laplacian(f, 0.5, 0.25, mode=mode, cval=1.5)
    r, c = want.shape
    for out in [np.empty((r, c), np.float32), np.empty((r, c), np.float32, order="F"),
                np.empty((2 * r, c + 4), np.float32)[::2, 2:-2], np.empty((c, r), np.float32).T]:
        got = speedup.laplacian(f, 0.5, 0.25, mode=mode, cval=1.5, out=out)
        assert got is out and _bits(out) == _bits(want)


def test_same_bits_at_every_thread_count_and_backend() -> None:
    f = np.random.default_rng(5).standard_normal((700, 900))
    runs: List[bytes] = []
    previous = speedup.backend
    try:
        for backend in ["pyo3", "ctypes"]:
            speedup._use_backend(backend)
            for n in [1, 2, 4]:
                with speedup.threads(n):
                    for dt in DTYPES:
                        g = f.astype(dt)
                        runs.append(b"".join(_bits(speedup.laplacian(h, 0.1, 0.2, mode=m))
                                             for m in ["valid", "mirror"] for h in (g, np.asfortranarray(g))))
                        runs.append(_bits(speedup.second_derivative(g.ravel()[::3], 0.1, mode="wrap")))
                        runs.append(_bits(speedup.comb_backward(np.asfortranarray(g), 3, 0.5)))
    finally:
        speedup._use_backend(previous)
    per_call = len(runs) // 6
    for k in range(per_call):
        assert len({runs[j * per_call + k] for j in range(6)}) == 1, k


@pytest.mark.parametrize("kernel", ["comb_forward", "comb_backward"])
@pytest.mark.parametrize("dtype", DTYPES)
def test_comb_filters_float32_and_strides(kernel: str, dtype: Any) -> None:
    x = np.random.default_rng(9).standard_normal((500, 3)).astype(dtype)
    fn: Callable[..., np.ndarray] = getattr(speedup, kernel)
    got = fn(x, 4, -0.6)
    assert got.dtype == dtype
    a = dtype(-0.6)
    want = x.copy()
    for t in range(4, 500):  # the formula in the data type, row by row
        want[t] = x[t] + a * (want if kernel == "comb_backward" else x)[t - 4]
    assert _bits(got) == _bits(want)
    assert _bits(fn(np.asfortranarray(x), 4, -0.6)) == _bits(want)
    assert _bits(fn(x[:, 1], 4, -0.6)) == _bits(want[:, 1])
    out = np.zeros((500, 6), dtype)[:, ::2]
    assert fn(x, 4, -0.6, out=out) is out and _bits(out) == _bits(want)


BAD = [
    (lambda o: speedup.laplacian(np.ones((4, 4)), 1.0, 1.0, mode="edge", out=o), (4, 4), np.float64,
     ValueError, "laplacian: mode must be one of 'valid', 'reflect', 'nearest', 'mirror', 'wrap', 'constant', got 'edge'"),
    (lambda o: speedup.laplacian(np.ones((4, 4)), 1.0, 1.0, mode=3, out=o), (4, 4), np.float64,
     TypeError, "laplacian: mode must be a string, got int"),
    (lambda o: speedup.laplacian(np.ones((4, 4)), 1.0, 1.0, mode="wrap", out=o), (2, 2), np.float64,
     ValueError, "laplacian: out must have shape (4, 4), got (2, 2)"),
    (lambda o: speedup.laplacian(np.ones((4, 4)), 1.0, 1.0, mode="wrap", out=o), (4, 4), np.float32,
     TypeError, "laplacian: out must have dtype float64, got float32"),
    (lambda o: speedup.laplacian(np.ones((2, 5), np.float32), 1.0, 1.0, out=o), (0, 0), np.float32,
     ValueError, "laplacian: f must be at least 3x3, got 2x5"),
    (lambda o: speedup.laplacian(np.ones((3, 3), np.float32), 1e-50, 1.0, mode="nearest", out=o), (3, 3), np.float32,
     ValueError, "laplacian: dx must be finite and nonzero in float32, got 1e-50 (rounds to 0.0)"),
    (lambda o: speedup.second_derivative(np.ones(2), 1.0, out=o), (0,), np.float64,
     ValueError, "second_derivative: f must have at least 3 elements, got 2"),
    (lambda o: speedup.second_derivative(np.ones(5), 1.0, mode="Wrap", out=o), (5,), np.float64,
     ValueError, "second_derivative: mode must be one of"),
    (lambda o: speedup.second_derivative(np.ones(5), 0.0, mode="wrap", out=o), (5,), np.float64,
     ValueError, "second_derivative: dx must be finite and nonzero, got 0"),
    (lambda o: speedup.comb_forward(np.ones((5, 2), np.float32), 1, 0.5, out=o), (5, 2), np.float64,
     TypeError, "comb_forward: out must have dtype float32, got float64"),
]


@pytest.mark.parametrize("case", range(len(BAD)))
def test_bad_input_leaves_out_untouched(case: int) -> None:
    call, shape, dtype, exc, msg = BAD[case]
    out = np.full(shape, 7.0, dtype)
    with pytest.raises(exc) as e:
        call(out)
    assert str(e.value).startswith(msg), str(e.value)
    assert np.all(out == 7.0)


def test_out_that_repeats_or_overlaps_is_refused() -> None:
    f = np.zeros((8, 8))
    rep = np.lib.stride_tricks.as_strided(np.full(8, 7.0), shape=(8, 8), strides=(0, 8), writeable=True)
    with pytest.raises(ValueError, match="out must not repeat elements"):
        speedup.laplacian(f, 1.0, 1.0, mode="wrap", out=rep)
    buf = np.full((8, 16), 7.0)
    with pytest.raises(ValueError, match="out must not overlap an input"):
        speedup.laplacian(buf[:, ::2], 1.0, 1.0, mode="wrap", out=buf[:, 1::2])
    assert np.all(buf[:, 1::2] == 7.0) and np.all(rep == 7.0)
