"""speedup.legacy: every legacy routine against the Rust kernel of the same name on the same data,
at 1 and 2 threads; the same exception types on bad input; the thread knob reaches the legacy
OpenMP regions.

The Rust side is `speedup.<kernel>` through the backend of the autouse `backend` fixture (so the
Rust side is checked through both backends); the legacy side always goes through ctypes.
"""

from __future__ import annotations

import math
import threading

import numpy as np
import pytest

import speedup
import speedup.legacy as legacy
from references import outcome, same_bits

EXPECTED = (
    "sum", "mean", "std", "second_derivative", "laplacian", "comb_forward", "comb_backward",
    "is_prime", "sum_primes_below", "closest_pair", "mandelbrot",
)
THREADS = (1, 2)
EPS = np.finfo(np.float64).eps

RNG = np.random.default_rng(2024)
X = RNG.standard_normal(100_001) * 10.0 + 3.0           # an offset makes std's two passes matter
SIGNAL = RNG.standard_normal(50_000)
GRID = RNG.standard_normal((120, 170))
MULTI = RNG.standard_normal((3000, 7))                  # comb filters over 7 columns
C = np.linspace(-2.0, 1.0, 240)[None, :] + 1j * np.linspace(-1.2, 1.2, 160)[:, None]
PTS = RNG.random((1500, 2))                             # the legacy closest pair is O(n^2)
PTS_TIES = np.array([[0.0, 0.0], [1.0, 0.0], [5.0, 5.0], [6.0, 5.0], [0.0, 1.0]])
PRIME_QUERIES = np.array(
    [0, 1, 2, 3, 4, 17, 561, 7919, 65_537, 2**31 - 1, 2**31 + 1, 10**12 + 39, 999_999_999_989,
     (2**20 + 7) * (2**20 + 21)], np.uint64)


def test_available_lists_every_legacy_routine() -> None:
    assert legacy.available == EXPECTED
    for name in EXPECTED:
        f = getattr(legacy, name)
        assert callable(f) and f.__doc__ and "egacy" in f.__doc__, name
    assert sorted(legacy.__all__) == sorted(("available", "library", "omp_team_size") + EXPECTED)
    assert legacy.__doc__ and "legacy" in legacy.__doc__
    for name in ("monte_carlo_pi", "markov_chains"):
        with pytest.raises(AttributeError, match=f"speedup.legacy.{name} is not available: there is no legacy routine"):
            getattr(legacy, name)
    with pytest.raises(AttributeError, match="speedup.legacy.nope is not available"):
        legacy.nope  # noqa: B018


# ---------------------------------------------------------------------------------------------
# Bitwise: the exact kernels

EXACT_CASES = {
    "second_derivative": lambda m: m.second_derivative(SIGNAL, 0.01),
    "second_derivative_3": lambda m: m.second_derivative([1.0, -2.5, 7.0], 0.3),
    "laplacian": lambda m: m.laplacian(GRID, 0.1, 0.2),
    "laplacian_fortran_order": lambda m: m.laplacian(np.asfortranarray(GRID[:, ::2]), 0.5, 1.0 / 3.0),
    "laplacian_3x3": lambda m: m.laplacian(np.arange(9.0).reshape(3, 3) ** 2, 1.0, 1.0),
    "comb_forward_1d": lambda m: m.comb_forward(SIGNAL, 7, 0.9),
    "comb_forward_2d": lambda m: m.comb_forward(MULTI, 3, -0.5),
    "comb_forward_short": lambda m: m.comb_forward([1.0, 2.0], 5, 0.5),
    "comb_backward_1d": lambda m: m.comb_backward(SIGNAL, 7, 0.9),
    "comb_backward_2d": lambda m: m.comb_backward(MULTI, 3, -0.5),
    "comb_backward_strided": lambda m: m.comb_backward(MULTI[::2, 1:5], 1, 0.99),
    "mandelbrot": lambda m: m.mandelbrot(C, 60),
    "mandelbrot_scalar_and_empty": lambda m: (m.mandelbrot(0.25 + 0.5j, 100), m.mandelbrot(np.zeros(0, complex))),
    "is_prime_array": lambda m: m.is_prime(PRIME_QUERIES),
    "is_prime_range": lambda m: m.is_prime(np.arange(10**9, 10**9 + 600)),
    "is_prime_scalars": lambda m: [m.is_prime(int(v)) for v in PRIME_QUERIES],
    "sum_primes_below_scalars": lambda m: [m.sum_primes_below(v) for v in (0, 1, 2, 3, 10, 7919, 100_000)],
    "sum_primes_below_array": lambda m: m.sum_primes_below(np.array([[0, 2, 3], [1000, 99_991, 50_000]])),
    "closest_pair": lambda m: m.closest_pair(PTS),
    "closest_pair_ties": lambda m: m.closest_pair(PTS_TIES),
    "closest_pair_two": lambda m: m.closest_pair([[1.0, 2.0], [-3.0, 0.5]]),
}


def assert_identical(a, b) -> None:
    if isinstance(a, (tuple, list)):
        assert isinstance(b, type(a)) and len(a) == len(b)
        for u, v in zip(a, b):
            assert_identical(u, v)
    elif isinstance(a, np.ndarray):
        assert same_bits(a, b)
    else:
        assert type(a) is type(b) and (a == b or same_bits(a, b)), (a, b)


@pytest.mark.parametrize("case", sorted(EXACT_CASES))
def test_exact_kernels_bitwise(case: str) -> None:
    call = EXACT_CASES[case]
    with speedup.threads(1):
        rust = call(speedup)
    for n in THREADS:
        with speedup.threads(n):
            assert_identical(call(legacy), rust)


def test_out_argument() -> None:
    out = np.full(SIGNAL.shape, np.nan)
    assert legacy.comb_backward(SIGNAL, 2, 0.5, out=out) is out
    assert same_bits(out, speedup.comb_backward(SIGNAL, 2, 0.5))
    o2 = np.empty((GRID.shape[0] - 2, GRID.shape[1] - 2))
    assert legacy.laplacian(GRID, 0.1, 0.1, out=o2) is o2
    assert same_bits(o2, speedup.laplacian(GRID, 0.1, 0.1))


# ---------------------------------------------------------------------------------------------
# Within rounding: sum, mean, std
#
# Any summation order (a plain loop, OpenMP's per-thread partial sums, speedup's blocked tree)
# computes s with |s - S| <= (n-1) * u * sum|x_i| (u = eps/2, Higham, Accuracy and Stability,
# (4.4)); we allow (n-1) * eps * sum|x_i|, twice that, against S = math.fsum(x). The mean s/n
# adds one rounding: |m - S/n| <= (n-1) * eps * sum|x_i| / n + eps * |S/n|. For std, each term
# (x_i - m)^2 carries at most 3 roundings on top of the error of m, and the sum of the n
# non-negative terms at most (n-1) more, so ss has relative error <= (n + 2) * eps plus
# n * dm^2 / ss from the error dm of the mean (Sum (x_i - m')^2 = Sum (x_i - m)^2 + n (m - m')^2);
# the square root halves a relative error and the division and sqrt add two roundings: we allow
# ((n + 4) * eps + n * dm^2 / ss) relative to the reference std.


def sum_bound(x: np.ndarray) -> float:
    return (x.size - 1) * EPS * math.fsum(np.abs(x))


def std_reference(x: np.ndarray, ddof: int) -> tuple:
    n = x.size
    m = math.fsum(x) / n
    ss = math.fsum((x - m) ** 2)
    dm = sum_bound(x) / n + EPS * abs(m)
    rel = (n + 4) * EPS + (n * dm * dm / ss if ss else 0.0)
    return math.sqrt(ss / (n - ddof)), rel


ROUNDED_DATA = {
    "normal": X,
    "cancelling": np.concatenate([X, -X[::-1], [1e-3]]),
    "huge_offset": RNG.random(20_000) + 1e8,
    "one": np.array([2.5]),
    "two": np.array([1.0, 1e-17]),
}


@pytest.mark.parametrize("data", sorted(ROUNDED_DATA))
@pytest.mark.parametrize("n_threads", THREADS)
def test_sum_mean_std_within_bound(data: str, n_threads: int) -> None:
    x = ROUNDED_DATA[data]
    n = x.size
    exact = math.fsum(x)
    with speedup.threads(n_threads):
        ls, lm = legacy.sum(x), legacy.mean(x)
        rs, rm = speedup.sum(x), speedup.mean(x)
        stds = [(ddof, legacy.std(x, ddof), speedup.std(x, ddof=ddof)) for ddof in (0, 1) if ddof < n]
    b = sum_bound(x)
    assert abs(ls - exact) <= b
    assert abs(rs - exact) <= b  # speedup's sum is never less accurate
    assert abs(ls - rs) <= 2 * b
    bm = b / n + EPS * abs(exact / n)
    assert abs(lm - exact / n) <= bm
    assert abs(lm - rm) <= 2 * bm
    for ddof, lstd, rstd in stds:
        ref, rel = std_reference(x, ddof)
        assert abs(lstd - ref) <= rel * ref, (ddof, lstd, ref)
        assert abs(lstd - rstd) <= 2 * rel * ref, (ddof, lstd, rstd)


def test_plain_loop_sum_is_the_plain_loop() -> None:
    """The legacy sum is a left-to-right loop: exactly functools.reduce over float additions,
    at any thread count (a loop has no threads)."""
    x = X[:5000]
    s = 0.0
    for v in x.tolist():
        s += v
    for n in THREADS:
        with speedup.threads(n):
            assert legacy.sum(x) == s
    assert legacy.sum([]) == 0.0 == speedup.sum([])


# ---------------------------------------------------------------------------------------------
# Bad input: the same exception types (and messages) as the Rust kernels

BAD = [
    lambda m: m.mean([]),
    lambda m: m.std([], 0),
    lambda m: m.std([1.0], ddof=1),
    lambda m: m.std([1.0, 2.0], ddof=-1),
    lambda m: m.sum("abc"),
    lambda m: m.sum([1 + 2j]),
    lambda m: m.second_derivative([1.0, 2.0], 1.0),
    lambda m: m.second_derivative([1.0, 2.0, 3.0], np.nan),
    lambda m: m.second_derivative([1.0, 2.0, 3.0], 0.0),
    lambda m: m.second_derivative(np.ones((3, 3)), 1.0),
    lambda m: m.laplacian(np.ones((3, 2)), 1.0, 1.0),
    lambda m: m.laplacian(np.ones((3, 3)), 0.0, 1.0),
    lambda m: m.laplacian(np.ones((3, 3)), 1.0, np.inf),
    lambda m: m.laplacian(np.ones((4, 4)), 1.0, 1.0, out=np.empty((3, 3))),
    lambda m: m.comb_forward([1.0], 0, 1.0),
    lambda m: m.comb_backward(np.ones((3, 2)), 0, 1.0),
    lambda m: m.comb_forward([1.0], 1, 1.0, out=np.empty(2)),
    lambda m: m.comb_backward([1.0, 2.0], 1, 1.0, out=np.empty(2, np.float32)),
    lambda m: m.comb_forward(np.ones((2, 2, 2)), 1, 1.0),
    lambda m: m.is_prime(-1),
    lambda m: m.is_prime(1.5),
    lambda m: m.is_prime(2**64),
    lambda m: m.is_prime([3, -5]),
    lambda m: m.sum_primes_below(-3),
    lambda m: m.sum_primes_below([1.5]),
    lambda m: m.sum_primes_below(2**64),
    lambda m: m.closest_pair([[0.0, 0.0]]),
    lambda m: m.closest_pair([[0.0, 0.0], [np.inf, 0.0]]),
    lambda m: m.closest_pair([[0.0, np.nan], [1.0, 0.0], [2.0, 0.0]]),
    lambda m: m.closest_pair(np.ones((4, 3))),
    lambda m: m.mandelbrot([0j], -5),
    lambda m: m.mandelbrot([0j], 2**31),
    lambda m: m.mandelbrot(["x"], 5),
]


@pytest.mark.parametrize("i", range(len(BAD)))
def test_bad_input_same_exceptions(i: int) -> None:
    rust = outcome(lambda: BAD[i](speedup))
    assert rust[0] in (ValueError, TypeError, OverflowError), rust
    assert outcome(lambda: BAD[i](legacy)) == rust


# ---------------------------------------------------------------------------------------------
# The thread knob reaches the legacy OpenMP regions


def test_knob_reaches_openmp() -> None:
    for n in (1, 2, 3):
        with speedup.threads(n):
            assert speedup.get_num_threads() == n
            assert legacy.omp_team_size() == (n, n)
            seen: list = []
            t = threading.Thread(target=lambda: seen.append(legacy.omp_team_size()))
            t.start()
            t.join(30)
            assert seen == [(n, n)]  # a region opened on another Python thread too
    speedup.set_num_threads(0)
    default = speedup.get_num_threads()
    assert legacy.omp_team_size() == (default, default)
