"""Hypothesis: shapes, strides, dtypes and edge sizes (0-3 elements) against the references and
against speedup's own answer on the C-ordered float64 copy."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import references as ref
import speedup
from references import same_bits

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False, width=64)
dtypes = st.sampled_from([np.float64, np.float32, np.int64, np.int32, np.uint8])


@st.composite
def layouts(draw, ndim: int, min_side: int = 0, max_side: int = 12):
    """An array of `ndim` dims with a random dtype, and a random layout: C, Fortran, reversed or
    strided view of a bigger array."""
    shape = draw(st.tuples(*[st.integers(min_side, max_side)] * ndim))
    dtype = draw(dtypes)
    if np.dtype(dtype).kind == "f":
        elems = st.floats(-1e3, 1e3, allow_nan=False, width=np.dtype(dtype).itemsize * 8)
    else:
        info = np.iinfo(dtype)
        elems = st.integers(max(info.min, -1000), min(info.max, 1000))
    step = draw(st.integers(1, 3))
    big = draw(hnp.arrays(dtype, tuple(s * step for s in shape), elements=elems))
    a = big[tuple(slice(None, None, step) for _ in shape)]
    kind = draw(st.sampled_from(["C", "F", "rev", "view"]))
    if kind == "F":
        a = np.asfortranarray(a)
    elif kind == "rev":
        a = a[tuple(slice(None, None, -1) for _ in shape)]
    return a


@SETTINGS
@given(x=layouts(1, 0, 40))
def test_sum_mean_std(backend: str, x: np.ndarray) -> None:
    c = np.ascontiguousarray(x, np.float64)
    # float32 stays float32 (the float64 tree rounded once); integers sum only when asked to.
    kw = {} if x.dtype.kind == "f" else {"dtype": np.float64}
    r32 = np.float32 if x.dtype == np.float32 else float
    assert same_bits(speedup.sum(x, **kw), r32(speedup.sum(c)))
    exact = math.fsum(c)
    # No worse than numpy.sum, up to the last bit at a rounding boundary: the compensated sum
    # is rounded once at the end, so where the exact sum sits at a tie that an element far below
    # the result's last bit decides (hypothesis found [1.456, -2.2e-311] + [-132.3] * 31),
    # numpy's plain sum can land on the correctly rounded side by luck while speedup's is one
    # ulp off.
    slack = math.ulp(exact) if math.isfinite(exact) else 0.0
    assert abs(speedup.sum(c) - exact) <= abs(float(np.sum(c)) - exact) + slack
    if c.size:
        assert same_bits(speedup.mean(x), r32(speedup.sum(c) / c.size))
        assert same_bits(speedup.std(x), r32(speedup.std(c)))


@SETTINGS
@given(f=layouts(1, 3, 30), dx=st.floats(1e-3, 10.0))
def test_second_derivative(backend: str, f: np.ndarray, dx: float) -> None:
    if f.dtype == np.float32:  # computed in float32: the layout gives the C-order copy's bits
        assert same_bits(speedup.second_derivative(f, dx), speedup.second_derivative(f.copy(), dx))
        return
    c = np.ascontiguousarray(f, np.float64)
    assert same_bits(speedup.second_derivative(f, dx), ref.second_derivative(c, dx))


@SETTINGS
@given(f=layouts(2, 3, 9), dx=st.floats(1e-2, 10.0), dy=st.floats(1e-2, 10.0))
def test_laplacian(backend: str, f: np.ndarray, dx: float, dy: float) -> None:
    if f.dtype == np.float32:  # computed in float32: the layout gives the C-order copy's bits
        assert same_bits(speedup.laplacian(f, dx, dy), speedup.laplacian(f.copy(), dx, dy))
        return
    c = np.ascontiguousarray(f, np.float64)
    assert same_bits(speedup.laplacian(f, dx, dy), ref.laplacian(c, dx, dy))


@SETTINGS
@given(x=st.one_of(layouts(1, 0, 20), layouts(2, 0, 8)), tau=st.integers(1, 5), alpha=st.floats(-2, 2))
def test_comb(backend: str, x: np.ndarray, tau: int, alpha: float) -> None:
    if x.dtype == np.float32:  # computed in float32: the layout gives the C-order copy's bits
        for fn in (speedup.comb_forward, speedup.comb_backward):
            assert same_bits(fn(x, tau, alpha), fn(x.copy(), tau, alpha))
        return
    c = np.ascontiguousarray(x, np.float64)
    assert same_bits(speedup.comb_forward(x, tau, alpha), ref.comb_forward(c, tau, alpha))
    assert same_bits(speedup.comb_backward(x, tau, alpha), ref.comb_backward(c, tau, alpha))


@SETTINGS
@given(pts=hnp.arrays(np.float64, st.tuples(st.integers(2, 30), st.just(2)),
                      elements=st.sampled_from([0.0, 1.0, 2.0, 0.5, -1.0, 3.25])),
       fortran=st.booleans())
def test_closest_pair_with_ties(backend: str, pts: np.ndarray, fortran: bool) -> None:
    a = np.asfortranarray(pts) if fortran else pts
    assert speedup.closest_pair(a) == ref.closest_pair(pts)


@SETTINGS
@given(c=hnp.arrays(np.complex128, hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4),
                    elements=st.complex_numbers(max_magnitude=3.0, allow_nan=False)),
       max_iter=st.integers(0, 30))
def test_mandelbrot(backend: str, c: np.ndarray, max_iter: int) -> None:
    assert same_bits(speedup.mandelbrot(c, max_iter), ref.mandelbrot(c, max_iter))
    if c.ndim >= 2:
        assert same_bits(speedup.mandelbrot(c.T, max_iter), ref.mandelbrot(np.ascontiguousarray(c.T), max_iter))


@SETTINGS
@given(n=st.lists(st.integers(0, 2**64 - 1), max_size=4) | st.lists(st.integers(0, 5000), max_size=4))
def test_is_prime_queries(backend: str, n: list) -> None:
    got = speedup.is_prime(n)
    assert got.shape == (len(n),)
    for v, g in zip(n, got.tolist()):
        assert g == speedup.is_prime(v)
        if v < 10**7:
            assert g == ref.is_prime(v)


@SETTINGS
@given(n_points=st.integers(1, 3), seed=st.integers(0, 2**64 - 1))
def test_monte_carlo_pi_tiny(backend: str, n_points: int, seed: int) -> None:
    assert same_bits(speedup.monte_carlo_pi(n_points, seed), ref.monte_carlo_pi(n_points, seed))
