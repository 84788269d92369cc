"""Differential fuzzing through the Python door (hypothesis): random inputs with edge sizes and
special values (NaN, inf, -0.0, subnormals, huge magnitudes) must give the same bits
- on the backend under test and on the other one (pyo3 vs ctypes), errors included;
- at 1 and at 3 threads;
- from speedup and from speedup.legacy, for the kernels docs/contract.md makes bitwise
  (stencils, comb filters, primes, closest pair, Mandelbrot; the legacy sums are checked in
  Rust, within bound), NaNs included: every NaN a kernel writes is the canonical quiet NaN;
- whole and chunked as speedup.dask chunks them (summation-tree nodes joined by
  ``speedup.dask._rebuild``, i.e. the core's ``join_nodes``, slices of the Philox stream).

Bounded for the test command. More cases: ``SPEEDUP_FUZZ_PROFILE=differential-long
tests/python/run.sh -k differential`` (2000 examples a test), or ``SPEEDUP_FUZZ_EXAMPLES=N``.
The number of cases that ran is printed as ``fuzz: N cases`` (scripts/test.sh adds it up).
"""

from __future__ import annotations

import collections
import ctypes
import os
from typing import Any, Callable

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import speedup
import speedup.legacy
from references import outcome, same_bits

settings.register_profile(
    "differential",
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile("differential-long", parent=settings.get_profile("differential"), max_examples=2000)
FUZZ = settings.get_profile(os.environ.get("SPEEDUP_FUZZ_PROFILE", "differential"))
if "SPEEDUP_FUZZ_EXAMPLES" in os.environ:
    FUZZ = settings(FUZZ, max_examples=int(os.environ["SPEEDUP_FUZZ_EXAMPLES"]))

CASES: collections.Counter = collections.Counter()


class _CaseReport:
    """Prints ``fuzz: N cases`` in pytest's terminal summary."""

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        terminalreporter.write_line(
            f"fuzz: {sum(CASES.values())} cases (hypothesis, {len(CASES)} properties x backends)"
        )


@pytest.fixture(scope="module", autouse=True)
def report_cases(request: pytest.FixtureRequest) -> None:
    if not request.config.pluginmanager.has_plugin("speedup-fuzz-cases"):
        request.config.pluginmanager.register(_CaseReport(), "speedup-fuzz-cases")


def tally(name: str, backend: str) -> None:
    CASES[(name, backend)] += 1


def other(backend: str) -> str:
    return "ctypes" if backend == "pyo3" else "pyo3"


def on(backend: str, call: Callable[[], Any]) -> Any:
    """``call()`` on ``backend`` (restored after)."""
    previous = speedup._use_backend(backend)
    try:
        return call()
    finally:
        speedup._use_backend(previous)


def at_threads(n: int, call: Callable[[], Any]) -> Any:
    with speedup.threads(n):
        return call()


def result(call: Callable[[], Any]) -> tuple:
    """(value, exception type, message) of ``call()``: compares answers and errors alike."""
    try:
        return call(), None, None
    except (ValueError, TypeError, OverflowError) as e:
        return None, type(e), str(e)


CANONICAL_NAN_BITS = 0x7FF8000000000000


def canonical_nans(a: Any) -> bool:
    """Every NaN of ``a`` (a float array or scalar) is the canonical quiet NaN."""
    a = np.asarray(a)
    if a.dtype.kind != "f":
        return True
    a = np.ascontiguousarray(a, dtype=np.float64)
    bits = a.view(np.uint64)[np.isnan(a)]
    return bool((bits == CANONICAL_NAN_BITS).all())


def same(a: tuple, b: tuple, canonical: bool = True) -> bool:
    """Answers bit for bit, NaNs included (every NaN a kernel writes is the canonical quiet
    NaN, on every path and door; not ``parallel_map``'s, which are the function's), or the same
    error."""
    if a[1] is not None or b[1] is not None:
        return a[1:] == b[1:]
    va, vb = a[0], b[0]
    if isinstance(va, tuple):
        return len(va) == len(vb) and all(same_bits(x, y) for x, y in zip(va, vb))
    return same_bits(va, vb) and (canonical_nans(va) or not canonical)


def differential(backend: str, call: Callable[[], Any], legacy: Callable[[], Any] | None = None,
                 canonical: bool = True) -> tuple:
    """``call()`` here, on the other backend, at 1 and 3 threads: the same bits (NaNs included,
    all canonical), or the same error; and ``legacy()`` at 1 and 2 threads: the same bits too.
    Returns the answer."""
    here = result(call)
    for label, got in [
        (f"{other(backend)} backend", result(lambda: on(other(backend), call))),
        ("1 thread", result(lambda: at_threads(1, call))),
        ("3 threads", result(lambda: at_threads(3, call))),
    ]:
        assert same(here, got, canonical), f"{label}: {got!r} vs {backend}: {here!r}"
    if legacy is not None:
        for t in (1, 2):
            got = result(lambda: at_threads(t, legacy))
            assert same(here, got, canonical), f"legacy, {t} thread(s): {got!r} vs {backend}: {here!r}"
    return here


def test_legacy_nan_sign_found_by_fuzzing(backend: str) -> None:
    """Found by test_stencils: an input NaN meets 0*inf (a NaN of the other sign) in one
    element; the Rust kernel and the Fortran routine used to return NaNs of opposite signs.
    Both give the canonical NaN now: bitwise equal, NaNs included."""
    g = np.array([[-6.5e15, -0.46, 6.5e15, -4.0e15, 0.63],
                  [4.0e15, -7.5e15, 0.46, 7.5e15, 2.3e15],
                  [0.63, -2.3e15, np.nan, -0.93, -9.6e15]])
    want = speedup.laplacian(g, 1.0, 1e-200)
    assert np.isinf(want[0, 0]) and np.isnan(want[0, 1:]).all()
    assert canonical_nans(want)
    assert same_bits(speedup.legacy.laplacian(g, 1.0, 1e-200), want)


# ---------------------------------------------------------------------------------------------
# Inputs

SPECIALS = [0.0, -0.0, np.nan, np.inf, -np.inf, 5e-324, -5e-324, 2.2250738585072009e-308,
            np.finfo(np.float64).tiny, np.finfo(np.float64).max, -np.finfo(np.float64).max, 1e300, -1e-300]
any_float = st.one_of(st.floats(-1e3, 1e3), st.sampled_from(SPECIALS), st.floats(width=64))
finite_float = st.one_of(st.floats(-1e3, 1e3), st.sampled_from([0.0, -0.0, 5e-324, 1e300, -1e-300]),
                         st.floats(allow_nan=False, allow_infinity=False))
steps = st.one_of(st.floats(1e-3, 10.0), st.sampled_from([1.0, -1.0, 1e-200, 1e200, 5e-324, 1e-160]))


@st.composite
def vectors(draw: Any, sizes: st.SearchStrategy[int], values: st.SearchStrategy[float] = any_float) -> np.ndarray:
    """A float64 vector of a drawn size: uniform, small integers, or exactly cancelling triples
    (b, small, -b), from a drawn seed, with up to 6 drawn values patched in."""
    n = draw(sizes)
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    kind = draw(st.sampled_from(["uniform", "integers", "cancelling"]))
    if kind == "uniform":
        x = rng.uniform(-1, 1, n)
    elif kind == "integers":
        x = rng.integers(-3, 4, n).astype(np.float64)
    else:
        x = rng.uniform(-1, 1, n)
        big = rng.uniform(-1e16, 1e16, n)
        x[0::3] = big[0::3]
        x[2::3] = -big[0::3][: len(x[2::3])]
    for i, v in draw(st.lists(st.tuples(st.integers(0, 2**31), values), max_size=6)):
        if n:
            x[i % n] = v
    return x


# Lengths: 0-3, short, around the 1024-element leaf, several leaves (ragged end), and around the
# reductions' serial cut-off (2^20), where 3 threads really run in parallel.
reduction_sizes = st.one_of(st.integers(0, 3), st.integers(4, 100), st.integers(1020, 1028),
                            st.integers(3 * 1024, 12 * 1024), st.integers(2**20 - 3 * 1024, 2**20 + 3 * 1024))


@st.composite
def layouts(draw: Any, a: np.ndarray) -> np.ndarray:
    """``a`` as C order, Fortran order, or every second element of a larger array."""
    kind = draw(st.sampled_from(["C", "F", "strided"]))
    if kind == "F":
        return np.asfortranarray(a)
    if kind == "strided":
        big = np.full(tuple(2 * s for s in a.shape), np.nan)
        view = big[tuple(slice(None, None, 2) for _ in a.shape)]
        view[...] = a
        return view
    return a


# ---------------------------------------------------------------------------------------------
# Properties


@FUZZ
@given(x=vectors(reduction_sizes), ddof=st.integers(0, 2))
def test_reductions(backend: str, x: np.ndarray, ddof: int) -> None:
    tally("reductions", backend)
    differential(backend, lambda: speedup.sum(x))
    differential(backend, lambda: speedup.mean(x))
    differential(backend, lambda: speedup.std(x, ddof=ddof))


@FUZZ
@given(x=vectors(st.integers(1025, 12 * 1024)), cuts=st.lists(st.integers(0, 12), max_size=4))
def test_sum_chunked_like_dask(backend: str, x: np.ndarray, cuts: list) -> None:
    """Parts cut on leaf boundaries, their tree nodes joined by speedup.dask: the whole sum."""
    tally("sum_chunked_like_dask", backend)
    import speedup.dask as sd

    n = x.size
    bounds = sorted({0, n} | {min(c * 1024, n) for c in cuts})  # the core's leaf (sum_nodes_check)
    parts = [speedup._impl.sum_nodes(x[a:b], a, n) for a, b in zip(bounds, bounds[1:])]
    assert same_bits(float(sd._rebuild(parts, n)), speedup.sum(x)), bounds


@FUZZ
@given(data=st.data(), f=vectors(st.one_of(st.integers(3, 8), st.integers(9, 300))), dx=steps,
       shape=st.tuples(st.integers(3, 12), st.integers(3, 12)), dy=steps)
def test_stencils(backend: str, data: Any, f: np.ndarray, dx: float, shape: tuple, dy: float) -> None:
    tally("stencils", backend)
    differential(backend, lambda: speedup.second_derivative(f, dx), lambda: speedup.legacy.second_derivative(f, dx))
    g = data.draw(vectors(st.just(shape[0] * shape[1]))).reshape(shape)
    held = data.draw(layouts(g))
    want = differential(backend, lambda: speedup.laplacian(g, dx, dy), lambda: speedup.legacy.laplacian(held, dx, dy))
    assert same(want, result(lambda: speedup.laplacian(held, dx, dy)))


@FUZZ
@given(data=st.data(), shape=st.tuples(st.integers(0, 40), st.integers(0, 4)), tau=st.integers(1, 45),
       alpha=any_float, one_d=st.booleans())
def test_comb_filters(backend: str, data: Any, shape: tuple, tau: int, alpha: float, one_d: bool) -> None:
    tally("comb_filters", backend)
    n, k = shape
    x = data.draw(vectors(st.just(n * k))).reshape(shape)
    if one_d:
        x = x[:, 0] if k else x.reshape(n * k)
    held = data.draw(layouts(x))
    for name in ["comb_forward", "comb_backward"]:
        kernel, legacy = getattr(speedup, name), getattr(speedup.legacy, name)
        want = differential(backend, lambda: kernel(x, tau, alpha), lambda: legacy(held, tau, alpha))
        assert same(want, result(lambda: kernel(held, tau, alpha)))


PSEUDOPRIMES = [561, 1105, 1729, 41041, 2047, 3215031751, 4759123141, 1122004669633, 2152302898747,
                3474749660383, 341550071728321, 3825123056546413051, 2**63 - 1, 2**64 - 1]
small_candidates = st.one_of(st.integers(0, 10_000), st.sampled_from(PSEUDOPRIMES[:7]),
                             st.integers(2**32 - 1000, 2**32 + 1000))
big_candidates = st.one_of(st.integers(0, 2**64 - 1), st.integers(2**64 - 2000, 2**64 - 1),
                           st.sampled_from(PSEUDOPRIMES),
                           st.integers(1, 240_000).map(lambda k: (6 * k + 1) * (12 * k + 1) * (18 * k + 1)))


@FUZZ
@given(small=st.lists(small_candidates, max_size=12), big=st.lists(big_candidates, max_size=12),
       queries=st.lists(st.one_of(st.integers(0, 100), st.integers(100, 30_000)), max_size=4),
       huge=st.lists(st.integers(29_505_444_492, 2**64 - 1), max_size=1))
def test_primes(backend: str, small: list, big: list, queries: list, huge: list) -> None:
    tally("primes", backend)
    # Legacy is_prime is trial division: only where that is quick.
    differential(backend, lambda: speedup.is_prime(small), lambda: speedup.legacy.is_prime(small))
    flags = differential(backend, lambda: speedup.is_prime(big))[0]
    for v, p in zip(big, flags.tolist()):
        assert speedup.is_prime(v) == p
    sums = differential(backend, lambda: speedup.sum_primes_below(queries),
                        lambda: speedup.legacy.sum_primes_below(queries))[0]
    for q, s in zip(queries, sums.tolist()):
        assert speedup.sum_primes_below(q) == s
    if huge:  # the same OverflowError and message everywhere
        err = differential(backend, lambda: speedup.sum_primes_below(queries + huge))
        assert err[1] is OverflowError, err


@FUZZ
@given(n_points=st.one_of(st.integers(1, 20), st.integers(20, 70_000), st.integers(2**18 - 2, 2**18 + 2)),
       seed=st.one_of(st.integers(0, 2**64 - 1), st.sampled_from([0, 2**64 - 1])),
       cuts=st.lists(st.integers(0, 2**20), max_size=4))
def test_monte_carlo_pi_chunked(backend: str, n_points: int, seed: int, cuts: list) -> None:
    tally("monte_carlo_pi_chunked", backend)
    import speedup.dask as sd

    whole = differential(backend, lambda: speedup.monte_carlo_pi(n_points, seed))[0]
    bounds = sorted({0, n_points} | {c % (n_points + 1) for c in cuts})
    counts = [speedup._impl.monte_carlo_pi_inside(a, b - a, seed) for a, b in zip(bounds, bounds[1:])]
    assert same_bits(sd._pi_from_inside(counts, n_points), whole), bounds


@st.composite
def stochastic(draw: Any) -> np.ndarray:
    k = draw(st.integers(1, 20))
    w = np.array(draw(st.lists(st.integers(0, 4), min_size=k * k, max_size=k * k)), np.float64).reshape(k, k)
    w[w.sum(axis=1) == 0, 0] = 1.0
    return w / w.sum(axis=1, keepdims=True)


@FUZZ
@given(P=stochastic(), n_steps=st.one_of(st.integers(0, 50), st.integers(50, 20_000)), n_chains=st.integers(0, 6),
       start=st.integers(0, 19), seed=st.integers(0, 2**64 - 1), cut=st.integers(0, 6))
def test_markov_chains_chunked(backend: str, P: np.ndarray, n_steps: int, n_chains: int, start: int,
                               seed: int, cut: int) -> None:
    tally("markov_chains_chunked", backend)
    import speedup.dask as sd

    start %= P.shape[0]
    whole = differential(backend, lambda: speedup.markov_chains(P, n_steps, n_chains=n_chains, start=start,
                                                                seed=seed))[0]
    cut = min(cut, n_chains)
    parts = [sd._chains_block(P, n_steps, a, b - a, start, seed) for a, b in [(0, cut), (cut, n_chains)]]
    assert same_bits(np.concatenate(parts), whole)


@st.composite
def point_sets(draw: Any) -> np.ndarray:
    """Grids with duplicates and ties, collinear points, tiny and huge coordinates, signed zeros."""
    n = draw(st.one_of(st.integers(2, 40), st.integers(40, 400)))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    kind = draw(st.sampled_from(["grid", "collinear", "tiny", "huge", "zeros", "uniform"]))
    u = rng.random((n, 2))
    pts = {
        "grid": rng.integers(0, 5, (n, 2)).astype(np.float64),
        "collinear": np.stack([1.0 + 0.5 * (t := rng.integers(0, 50, n)), -2.0 + 0.25 * t], axis=1),
        "tiny": u * 1e-160,
        "huge": (u - 0.5) * 1.5e308,
        "zeros": np.where(u < 0.5, 0.0, -0.0),
        "uniform": u,
    }[kind]
    for i, vx, vy in draw(st.lists(st.tuples(st.integers(0, 2**31), finite_float, finite_float), max_size=3)):
        pts[i % n] = vx, vy
    return pts


@FUZZ
@given(data=st.data(), pts=point_sets())
def test_closest_pair(backend: str, data: Any, pts: np.ndarray) -> None:
    tally("closest_pair", backend)
    held = data.draw(layouts(pts))
    want = differential(backend, lambda: speedup.closest_pair(pts), lambda: speedup.legacy.closest_pair(held))
    assert same(want, result(lambda: speedup.closest_pair(held)))


# Exact binary values: orbits that land exactly on the escape test's |z|^2 == 16 (c = 4i, -2, ...).
LATTICE = st.sampled_from([-4.0, -2.0, -1.0, -0.5, -0.0, 0.0, 0.25, 0.5, 1.0, 2.0, 4.0])


@FUZZ
@given(re=st.lists(st.one_of(st.floats(-2.2, 1.0), LATTICE, any_float), max_size=60),
       im=st.lists(st.one_of(st.floats(-1.3, 1.3), LATTICE, any_float), max_size=60),
       max_iter=st.one_of(st.integers(0, 2), st.integers(3, 150)), square=st.booleans())
def test_mandelbrot(backend: str, re: list, im: list, max_iter: int, square: bool) -> None:
    tally("mandelbrot", backend)
    m = min(len(re), len(im))
    c = np.empty(m, np.complex128)
    c.real, c.imag = re[:m], im[:m]  # not re + 1j*im, which turns an infinite im into a NaN re
    if square and m >= 4:
        c = c[: (m // 2) * 2].reshape(2, m // 2).T  # a strided 2-D view
    differential(backend, lambda: speedup.mandelbrot(c, max_iter), lambda: speedup.legacy.mandelbrot(c, max_iter))


MAP_F = ctypes.CFUNCTYPE(ctypes.c_double, ctypes.c_double, ctypes.c_void_p)(lambda v, ctx: v * v - 0.5 * v)


@FUZZ
@given(x=vectors(st.one_of(st.integers(0, 3), st.integers(4, 200))))
def test_parallel_map(backend: str, x: np.ndarray) -> None:
    tally("parallel_map", backend)
    got = differential(backend, lambda: speedup.parallel_map(MAP_F, x), canonical=False)[0]
    with np.errstate(all="ignore"):
        assert same_bits(got, x * x - 0.5 * x)


def test_every_nan_is_the_canonical_one(backend: str) -> None:
    """NaNs of every sign and payload in, NaNs made by the formulas (``inf - inf``, ``0 * inf``,
    ``sqrt`` of a NaN): every NaN out is 0x7ff8000000000000, from the kernels and the legacy
    routines (the optimiser once turned ``std([inf])`` into ``0xfff8...``)."""
    pool = np.array([0x7FF8000000000000, 0xFFF8000000000000, 0x7FF4000000000001,
                     0xFFFFFFFFFFFFFFFF, 0x7FF8DEADBEEF0000], dtype=np.uint64).view(np.float64)
    inf = np.inf
    sig = np.tile(np.concatenate([[-inf, -inf], pool, [inf, 1.0, 2.0]]), 40_000)
    grid = np.tile(np.array([[1.0, -inf, 3.0], [inf, pool[1], -inf], [2.0, pool[3], inf]]), (200, 300))
    outs = {
        "sum": speedup.sum([inf, -inf]), "sum payload": speedup.sum(sig),
        "mean": speedup.mean([inf, -inf]), "std [inf]": speedup.std([inf]),
        "std": speedup.std(sig, ddof=1),
        "second_derivative": speedup.second_derivative(sig, 1.0),
        "laplacian": speedup.laplacian(grid, 1.0, 1e-200),
        "comb_forward": speedup.comb_forward(sig, 3, 0.5),
        "comb_backward": speedup.comb_backward(sig.reshape(-1, 2), 2, 0.5),
        "legacy sum": speedup.legacy.sum([inf, -inf]), "legacy std": speedup.legacy.std([inf]),
        "legacy second_derivative": speedup.legacy.second_derivative(sig, 1.0),
        "legacy laplacian": speedup.legacy.laplacian(grid, 1.0, 1e-200),
        "legacy comb_backward": speedup.legacy.comb_backward(sig, 3, 0.5),
    }
    for name, v in outs.items():
        a = np.asarray(v, dtype=np.float64)
        assert np.isnan(a).any(), name
        assert canonical_nans(a), f"{name}: {set(hex(b) for b in a.ravel().view(np.uint64)[np.isnan(a.ravel())])}"
