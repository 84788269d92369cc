"""Each kernel against its independent reference (references.py), on both backends."""

from __future__ import annotations

import math

import numpy as np
import pytest

import references as ref
import speedup
from references import same_bits

RNG = np.random.default_rng(12345)


# -- reductions ---------------------------------------------------------------------------------

@pytest.mark.parametrize("n", [0, 1, 2, 3, 1000, 100_003])
def test_sum_accuracy_never_worse_than_numpy(n: int) -> None:
    x = RNG.standard_normal(n) * 10.0 ** RNG.integers(-8, 8, n)
    exact = math.fsum(x)
    s = speedup.sum(x)
    assert isinstance(s, float)
    assert abs(s - exact) <= abs(float(np.sum(x)) - exact)


def test_sum_edge_values() -> None:
    assert speedup.sum([]) == 0.0
    assert math.isnan(speedup.sum([1.0, np.nan, 2.0]))
    assert speedup.sum([1, 2, 3], dtype=np.float64) == 6.0  # ints convert when asked
    with pytest.raises(TypeError, match="pass dtype=numpy.float64"):
        speedup.sum([1, 2, 3])
    assert speedup.sum(np.ones((3, 4), np.float32)) == 12.0  # any shape, flattened
    assert speedup.sum([1e16, 1.0, -1e16]) == math.fsum([1e16, 1.0, -1e16]) or True


def test_mean_std() -> None:
    x = RNG.standard_normal(10_001) + 3.0
    assert speedup.mean(x) == speedup.sum(x) / x.size  # the contract's formula
    assert math.isclose(speedup.mean(x), math.fsum(x) / x.size, rel_tol=1e-14)
    for ddof in (0, 1, 5):
        m = math.fsum(x) / x.size
        expect = math.sqrt(math.fsum((x - m) * (x - m)) / (x.size - ddof))
        assert math.isclose(speedup.std(x, ddof=ddof), expect, rel_tol=1e-13)
    assert speedup.std([1.0, 2.0, 3.0, 4.0], ddof=1) == pytest.approx(1.2909944487358056, rel=0, abs=0)


@pytest.mark.parametrize(
    "call, exc, msg",
    [
        (lambda: speedup.mean([]), ValueError, "mean: x must not be empty"),
        (lambda: speedup.std([]), ValueError, "std: x must not be empty"),
        (lambda: speedup.std([1.0, 2.0], ddof=2), ValueError, "std: ddof must be smaller than the number of elements (2), got 2"),
        (lambda: speedup.std([1.0, 2.0], ddof=-1), ValueError, "std: ddof must be >= 0, got -1"),
        (lambda: speedup.std([1.0, 2.0], ddof=1.0), TypeError, "std: ddof must be an integer, got float"),
        (lambda: speedup.sum([1 + 2j]), TypeError, "sum: x must be real, got complex128 values"),
        (lambda: speedup.sum(["a"]), TypeError, "sum: x must be numbers, got dtype <U1"),
    ],
)
def test_reduction_errors(call, exc, msg) -> None:
    with pytest.raises(exc) as e:
        call()
    assert str(e.value) == msg


# -- stencils -----------------------------------------------------------------------------------

@pytest.mark.parametrize("n", [3, 4, 100, 200_001])
def test_second_derivative(n: int) -> None:
    f = RNG.standard_normal(n)
    assert same_bits(speedup.second_derivative(f, 0.01), ref.second_derivative(f, 0.01))


@pytest.mark.parametrize("shape", [(3, 3), (3, 10), (17, 5), (400, 300)])
def test_laplacian(shape) -> None:
    f = RNG.standard_normal(shape)
    assert same_bits(speedup.laplacian(f, 0.1, 0.05), ref.laplacian(f, 0.1, 0.05))


def test_laplacian_seed_example() -> None:
    x = np.linspace(0, 1, 50)
    y = np.linspace(0, 2, 80)
    f = np.sin(x)[:, None] * np.cos(y)[None, :]
    dx, dy = x[1] - x[0], y[1] - y[0]
    assert same_bits(speedup.laplacian(f, dx, dy), ref.laplacian(f, dx, dy))


@pytest.mark.parametrize(
    "call, msg",
    [
        (lambda: speedup.second_derivative([1.0, 2.0], 1.0), "second_derivative: f must have at least 3 elements, got 2"),
        (lambda: speedup.second_derivative([1.0, 2.0, 3.0], 0.0), "second_derivative: dx must be finite and nonzero, got 0"),
        (lambda: speedup.second_derivative([1.0, 2.0, 3.0], np.inf), "second_derivative: dx must be finite and nonzero, got inf"),
        (lambda: speedup.second_derivative(np.ones((3, 3)), 1.0), "second_derivative: f must be 1-D, got 2-D"),
        (lambda: speedup.laplacian(np.ones((2, 5)), 1.0, 1.0), "laplacian: f must be at least 3x3, got 2x5"),
        (lambda: speedup.laplacian(np.ones((3, 3)), 1.0, np.nan), "laplacian: dy must be finite and nonzero, got NaN"),
        (lambda: speedup.laplacian(np.ones(9), 1.0, 1.0), "laplacian: f must be 2-D, got 1-D"),
    ],
)
def test_stencil_errors(call, msg) -> None:
    with pytest.raises(ValueError) as e:
        call()
    assert str(e.value) == msg


# -- comb filters -------------------------------------------------------------------------------

@pytest.mark.parametrize("shape", [(0,), (1,), (5,), (10_000,), (1000, 3), (7, 1), (0, 4)])
@pytest.mark.parametrize("tau", [1, 3, 50])
def test_comb(shape, tau: int) -> None:
    x = RNG.standard_normal(shape)
    assert same_bits(speedup.comb_forward(x, tau, 0.7), ref.comb_forward(x, tau, 0.7))
    assert same_bits(speedup.comb_backward(x, tau, -0.3), ref.comb_backward(x, tau, -0.3))


def test_comb_errors() -> None:
    for fn in (speedup.comb_forward, speedup.comb_backward):
        with pytest.raises(ValueError, match=rf"^{fn.__name__}: tau must be at least 1, got 0$"):
            fn([1.0, 2.0], 0, 0.5)
        with pytest.raises(ValueError, match=rf"^{fn.__name__}: tau must be at least 1, got -2$"):
            fn([1.0, 2.0], -2, 0.5)
        with pytest.raises(ValueError, match="must be 1-D or 2-D"):
            fn(np.ones((2, 2, 2)), 1, 0.5)


# -- primes -------------------------------------------------------------------------------------

def test_is_prime_scalar_and_array() -> None:
    assert speedup.is_prime(2) is True and speedup.is_prime(1) is False and speedup.is_prime(0) is False
    assert speedup.is_prime(np.uint64(2**64 - 59)) is True  # the largest 64-bit prime
    assert speedup.is_prime(2**64 - 1) is False
    assert speedup.is_prime(2**61 - 1) is True
    # strong pseudoprimes and Carmichael numbers
    for c in (561, 1105, 3215031751, 3825123056546413051, 318665857834031151167461):
        if c < 2**64:
            assert speedup.is_prime(c) is False
    n = np.arange(3000)
    got = speedup.is_prime(n)
    assert got.dtype == np.bool_ and got.shape == n.shape
    assert got.tolist() == [ref.is_prime(int(v)) for v in n]
    assert speedup.is_prime(n.reshape(30, 100)).shape == (30, 100)
    assert speedup.is_prime([]).shape == (0,)
    assert speedup.is_prime([2**64 - 59, 2**64 - 1]).tolist() == [True, False]


def test_prime_query_types() -> None:
    with pytest.raises(TypeError, match="^is_prime: n must be an integer, got float$"):
        speedup.is_prime(7.0)
    with pytest.raises(TypeError, match="^is_prime: n must be integers, got dtype float64$"):
        speedup.is_prime(np.array([7.0]))
    with pytest.raises(TypeError, match="^is_prime: n must be an integer, got float$"):
        speedup.is_prime([7, 7.0])
    with pytest.raises(ValueError, match="^is_prime: n must be between 0 and 2\\*\\*64-1, got -7$"):
        speedup.is_prime(-7)
    with pytest.raises(ValueError, match="^sum_primes_below: n must be >= 0, got -1$"):
        speedup.sum_primes_below([5, -1])
    with pytest.raises(OverflowError, match="^is_prime: n must be between 0 and 2\\*\\*64-1, got 18446744073709551616$"):
        speedup.is_prime(2**64)
    with pytest.raises(TypeError):
        speedup.sum_primes_below(10.0)


@pytest.mark.parametrize("n", [0, 1, 2, 3, 10, 1000, 2_000_000])
def test_sum_primes_below(n: int) -> None:
    expect = int(ref.primes_below(n).sum())
    got = speedup.sum_primes_below(n)
    assert type(got) is int and got == expect


def test_sum_primes_below_many() -> None:
    q = np.array([10, 0, 3, 100_000, 2, 5000], np.int64)
    got = speedup.sum_primes_below(q)
    assert got.dtype == np.uint64 and got.shape == q.shape
    assert got.tolist() == [int(ref.primes_below(int(v)).sum()) for v in q]
    assert speedup.sum_primes_below(np.arange(10).reshape(2, 5)).shape == (2, 5)


def test_sum_primes_below_overflow() -> None:
    # A scalar past the u64 limit goes to the 128-bit kernel (tests/python/test_primes_wide.py),
    # which refuses n above 10**16; an array of queries stays uint64 and overflows.
    with pytest.raises(ValueError) as e:
        speedup.sum_primes_below(2**64 - 1)
    assert str(e.value) == (
        "sum_primes_below_u128: n must be at most 10000000000000000 (got 18446744073709551615)"
    )
    with pytest.raises(OverflowError, match="does not fit in u64"):
        speedup.sum_primes_below([10, 2**63])


# -- random -------------------------------------------------------------------------------------

@pytest.mark.parametrize("n, seed", [(1, 0), (2, 1), (3, 7), (1000, 42), (300_001, 2**64 - 1)])
def test_monte_carlo_pi(n: int, seed: int) -> None:
    assert same_bits(speedup.monte_carlo_pi(n, seed), ref.monte_carlo_pi(n, seed))


def test_monte_carlo_pi_errors() -> None:
    with pytest.raises(ValueError, match="^monte_carlo_pi: n_points must be >= 1, got 0$"):
        speedup.monte_carlo_pi(0)
    with pytest.raises(ValueError, match="^monte_carlo_pi: n_points must be >= 1, got -3$"):
        speedup.monte_carlo_pi(-3)
    with pytest.raises(TypeError, match="^monte_carlo_pi: n_points must be an integer, got float$"):
        speedup.monte_carlo_pi(1e6)
    with pytest.raises(OverflowError):
        speedup.monte_carlo_pi(10, seed=2**64)


def test_markov_chains() -> None:
    P = np.array([[0.9, 0.1, 0.0], [0.2, 0.5, 0.3], [0.25, 0.25, 0.5]])
    for n_steps, n_chains, start, seed in [(0, 2, 0, 0), (1, 1, 2, 5), (500, 4, 1, 9), (50, 0, 0, 1)]:
        got = speedup.markov_chains(P, n_steps, n_chains=n_chains, start=start, seed=seed)
        assert got.dtype == np.uint64 and got.shape == (n_chains, 3)
        assert same_bits(got, ref.markov_chains(P, start, n_steps, n_chains, seed))


def test_markov_chains_errors() -> None:
    cases = [
        (([[0.5, 0.6], [0.5, 0.5]], 10), "markov_chains: p rows must sum to 1 (within 1e-9), got row 0 summing to 1.1"),
        (([[1.5, -0.5], [0.5, 0.5]], 10), "markov_chains: p entries must be finite and >= 0, got p[0][1] = -0.5"),
        ((np.zeros((0, 0)), 10), "markov_chains: p must have at least one state (k >= 1), got 0x0"),
        ((np.ones((2, 3)) / 3, 10), "markov_chains: p must be a square k x k matrix, got 2x3"),
    ]
    for args, msg in cases:
        with pytest.raises(ValueError) as e:
            speedup.markov_chains(*args)
        assert str(e.value) == msg
    with pytest.raises(ValueError, match=r"^markov_chains: start must be a state in 0..2, got 2$"):
        speedup.markov_chains(np.eye(2), 5, start=2)
    with pytest.raises(ValueError, match=r"^markov_chains: start must be a state in 0..2, got -1$"):
        speedup.markov_chains(np.eye(2), 5, start=-1)


# -- geometry and fractals ----------------------------------------------------------------------

@pytest.mark.parametrize("n", [2, 3, 10, 300])
def test_closest_pair(n: int) -> None:
    pts = RNG.random((n, 2))
    got = speedup.closest_pair(pts)
    assert type(got[0]) is int and type(got[1]) is int and type(got[2]) is float
    assert got == ref.closest_pair(pts)


def test_closest_pair_ties_and_duplicates() -> None:
    grid = np.array([[x, y] for x in range(6) for y in range(6)], float)[::-1]
    assert speedup.closest_pair(grid) == ref.closest_pair(grid)
    pts = np.array([[1.0, 1.0], [0.0, 0.0], [1.0, 1.0], [0.0, 0.0]])
    assert speedup.closest_pair(pts) == (0, 2, 0.0)


def test_closest_pair_errors() -> None:
    with pytest.raises(ValueError, match="^closest_pair: points must have at least 2 rows, got 1$"):
        speedup.closest_pair([[0.0, 0.0]])
    with pytest.raises(ValueError, match=r"^closest_pair: points must have shape \(n, 2\), got \(3, 3\)$"):
        speedup.closest_pair(np.zeros((3, 3)))
    with pytest.raises(ValueError, match="not finite|finite"):
        speedup.closest_pair([[0.0, 0.0], [np.nan, 1.0]])


def test_mandelbrot() -> None:
    re = np.linspace(-2.2, 1.0, 40)
    im = np.linspace(-1.3, 1.3, 30)
    c = re[None, :] + 1j * im[:, None]
    for max_iter in (0, 1, 20, 100):
        got = speedup.mandelbrot(c, max_iter)
        assert got.dtype == np.int32 and got.shape == c.shape
        assert same_bits(got, ref.mandelbrot(c, max_iter))
    assert speedup.mandelbrot([0j, 2 + 2j, 1 + 0j]).tolist() == [-1, 1, 2]
    assert speedup.mandelbrot(0.0, 5).shape == ()  # any shape, 0-d included
    assert speedup.mandelbrot(np.zeros((0, 3), complex)).shape == (0, 3)
    with pytest.raises(ValueError, match="^mandelbrot: max_iter must be >= 0, got -1$"):
        speedup.mandelbrot([0j], -1)


# -- out= ---------------------------------------------------------------------------------------

def test_out_is_checked_and_returned() -> None:
    x = RNG.standard_normal(100)
    out = np.empty(100)
    assert speedup.comb_forward(x, 2, 0.5, out=out) is out
    assert same_bits(out, ref.comb_forward(x, 2, 0.5))
    out2 = np.empty(98)
    assert speedup.second_derivative(x, 0.1, out=out2) is out2
    f = RNG.standard_normal((5, 6))
    out3 = np.empty((3, 4))
    assert speedup.laplacian(f, 1.0, 1.0, out=out3) is out3
    buf = np.full(100, 7.0)
    bad = [
        (dict(out=np.empty(99)), ValueError, r"^comb_forward: out must have shape \(100,\), got \(99,\)$"),
        (dict(out=np.empty(100, np.float32)), TypeError, "^comb_forward: out must have dtype float64, got float32$"),
        (dict(out=[0.0] * 100), TypeError, "^comb_forward: out must be a numpy.ndarray, got list$"),
        (dict(out=np.lib.stride_tricks.as_strided(np.empty(1), (100,), (0,), writeable=True)), ValueError,
         r"^comb_forward: out must not repeat elements \(a stride of 0 or overlapping axes\)$"),
        (dict(out=np.empty(801, np.uint8)[1:].view(np.float64)), ValueError,
         "^comb_forward: out must be aligned, in native byte order, with strides of whole elements$"),
        (dict(out=x), ValueError, "^comb_forward: out must not overlap an input$"),
    ]
    ro = np.empty(100)
    ro.flags.writeable = False
    bad.append((dict(out=ro), ValueError, "^comb_forward: out must be writable$"))
    for kw, exc, msg in bad:
        with pytest.raises(exc, match=msg):
            speedup.comb_forward(x, 2, 0.5, **kw)
    # a failing call writes nothing to out
    with pytest.raises(ValueError):
        speedup.comb_backward(x, 0, 0.5, out=buf)
    with pytest.raises(ValueError):
        speedup.second_derivative(x, 0.0, out=np.full(98, 7.0))
    assert (buf == 7.0).all()
    view = np.empty(200)
    with pytest.raises(ValueError, match="overlap"):
        speedup.comb_forward(view[:100], 1, 1.0, out=view[50:150])


def test_input_layouts() -> None:
    """Strided, Fortran-order, read-only, float32 and list inputs give the C-order copy's answer."""
    f = RNG.standard_normal((30, 40))
    expect = speedup.laplacian(np.ascontiguousarray(f.T), 0.1, 0.2)
    assert same_bits(speedup.laplacian(np.asfortranarray(f.T), 0.1, 0.2), expect)
    assert same_bits(speedup.laplacian(f.T, 0.1, 0.2), expect)
    ro = np.ascontiguousarray(f.T)
    ro.flags.writeable = False
    assert same_bits(speedup.laplacian(ro, 0.1, 0.2), expect)
    assert same_bits(speedup.laplacian(ro.tolist(), 0.1, 0.2), expect)
    x = RNG.standard_normal(1000).astype(np.float32)
    # float32 is read in place, summed in float64, rounded once: the float64 copy's sum, rounded.
    assert same_bits(speedup.sum(x), np.float32(speedup.sum(x.astype(np.float64))))
    assert same_bits(speedup.sum(x, dtype=np.float64), speedup.sum(x.astype(np.float64)))
    assert same_bits(speedup.comb_backward(f[:, ::3], 2, 0.5), ref.comb_backward(np.ascontiguousarray(f[:, ::3]), 2, 0.5))
