"""The other contestants of the race, written the way the seed tutorials
write each workload: plain Python loops, NumPy expressions, and the same loops under Numba's
``@njit`` / ``@njit(parallel=True)`` with ``prange`` (or ``@vectorize`` for Mandelbrot, as the
seed does).

Each computes the contract's result (``docs/contract.md``) so that the bench can check it against
speedup's. The only departures from the seed code are those the check needs, and each is said
where it is made: the closest pair returns the indices ``(i, j)`` instead of the two points, and
the plain-Python Markov chains draw their uniforms from numpy's Philox (the contract's stream)
so that their counts can be compared bit for bit. Random workloads under Numba use Numba's own
generator (``random.random`` / ``np.random.random``, as the seed does): a different stream, so
they are compared statistically.

Numba is imported only by :func:`numba_contestants`; this module imports without it.
"""

from __future__ import annotations

import math
import random
import types
from typing import Any, Callable, Dict, List, Sequence, Tuple

import numpy as np

try:  # the loops Numba parallelises name prange, which is range when they run uncompiled
    from numba import prange
except ImportError:  # pragma: no cover - depends on the environment
    prange = range  # type: ignore[misc,assignment]

# ---------------------------------------------------------------------------------------------
# Plain Python (seed code; run at a reduced size by the bench and scaled)


def py_sum(xs: Sequence[float]) -> float:
    """seed 001 ``python_sum``."""
    s = 0.0
    for i in range(len(xs)):
        s += xs[i]
    return s


def py_std(xs: Sequence[float]) -> float:
    """seed 004 ``std``: two passes."""
    mean = 0.0
    for x in xs:
        mean += x
    mean /= len(xs)
    ms = 0.0
    for x in xs:
        ms += (x - mean) ** 2
    variance = ms / len(xs)
    return math.sqrt(variance)


def py_laplacian(f: List[List[float]], dx: float, dy: float) -> List[List[float]]:
    """seed 003's Laplacian loop, common factors computed in advance (its "optimised" form)."""
    invdx2 = 1.0 / dx**2
    invdy2 = 1.0 / dy**2
    inv2 = 2.0 / dx**2 + 2.0 / dy**2
    rows, cols = len(f), len(f[0])
    out = []
    for i in range(1, rows - 1):
        fm, f0, fp = f[i - 1], f[i], f[i + 1]
        out.append(
            [(fm[j] + fp[j]) * invdx2 + (f0[j - 1] + f0[j + 1]) * invdy2 - f0[j] * inv2 for j in range(1, cols - 1)]
        )
    return out


def py_comb_backward(signal: np.ndarray, tau: int, alpha: float) -> np.ndarray:
    """seed 002 ``feed_backward_comb_filter_loop``."""
    if tau <= 0:
        raise ValueError("tau must be greater than 0")
    y = signal.copy()
    for n in range(tau, len(signal)):
        y[n] = signal[n] + alpha * y[n - tau]
    return y


def py_isprime(n: int) -> bool:
    """seed 002 ``isprime`` (trial division up to ceil(sqrt(n)))."""
    if n < 2:
        return False
    if n == 2:
        return True
    max_ = int(math.ceil(math.sqrt(n)))
    i = 2
    while i <= max_:
        if n % i == 0:
            return False
        i += 1
    return True


def py_sum_primes(n: int) -> int:
    """seed 002 ``sum_primes``: sum of all primes below n."""
    return sum([x for x in range(2, n) if py_isprime(x)])


def py_sum_primes_many(queries: Sequence[int]) -> List[int]:
    """seed 002: ``[sum_primes(n) for n in queries]``."""
    return [py_sum_primes(int(n)) for n in queries]


def py_pi(npoints: int) -> float:
    """seed 004 ``pi`` (Python's ``random``: a different stream from the contract's); also its
    ``fast_pi``, the same loop under Numba (``prange`` is ``range`` but under
    ``@njit(parallel=True)``)."""
    n_in_circle = 0
    for _ in prange(npoints):
        x = random.random()
        y = random.random()
        if x**2 + y**2 < 1:
            n_in_circle += 1
    return 4 * n_in_circle / npoints


def py_closest(points: Sequence[Sequence[float]]) -> Tuple[int, int, float]:
    """seed 004 ``closest`` (O(n^2)); returns the indices instead of the points."""
    mindist2 = math.inf
    mi, mj = -1, -1
    for i in range(len(points)):
        x1, y1 = points[i]
        for j in range(i + 1, len(points)):
            x2, y2 = points[j]
            dist2 = (x1 - x2) ** 2 + (y1 - y2) ** 2
            if dist2 < mindist2:
                mindist2 = dist2
                mi, mj = i, j
    return mi, mj, math.sqrt(mindist2)


def py_mandelbrot_point(x: complex, max_iter: int = 20) -> int:
    """seed 001 ``compute_mandelbrot_np`` (applied with ``np.vectorize``)."""
    c = x
    for i in range(max_iter):
        if abs(x) >= 4:
            return i
        x = x**2 + c
    return -1


def py_mandelbrot(c: np.ndarray, max_iter: int) -> np.ndarray:
    return np.vectorize(py_mandelbrot_point, otypes=[np.int32])(c, max_iter)


def philox_uniforms(seed: int, stream: int, n: int) -> np.ndarray:
    """The contract's stream with key ``(seed, stream)``: numpy's Philox, ``n`` doubles."""
    return np.random.Generator(np.random.Philox(key=seed + (stream << 64))).random(n)


def py_markov(P: List[List[float]], n_steps: int, n_chains: int, start: int, seed: int) -> List[List[int]]:
    """seed 004 exercise Q1 ("the stock market") in plain Python; chain ``c`` draws
    ``u[t]`` from the contract's Philox stream ``(seed, c)``."""
    k = len(P)
    cum = []
    for row in P:
        acc, c = 0.0, []
        for p in row:
            acc += p
            c.append(acc)
        cum.append(c)
    counts = []
    for chain in range(n_chains):
        u = philox_uniforms(seed, chain, n_steps).tolist()
        visits = [0] * k
        s = start
        for t in range(n_steps):
            nxt = k - 1
            row = cum[s]
            for j in range(k):
                if u[t] < row[j]:
                    nxt = j
                    break
            s = nxt
            visits[s] += 1
        counts.append(visits)
    return counts


# ---------------------------------------------------------------------------------------------
# NumPy


def np_laplacian(f: np.ndarray, dx: float, dy: float) -> np.ndarray:
    """seed 003 ``laplacian_numpy``."""
    return (
        (f[:-2, 1:-1] + f[2:, 1:-1]) * (1.0 / dx**2)
        + (f[1:-1, :-2] + f[1:-1, 2:]) * (1.0 / dy**2)
        - f[1:-1, 1:-1] * (2.0 / dx**2 + 2.0 / dy**2)
    )


def np_sum_primes_many(queries: np.ndarray) -> np.ndarray:
    """A NumPy user's answer to seed 002's many queries: one sieve, a prefix sum."""
    limit = int(queries.max()) if queries.size else 0
    sieve = np.ones(max(limit, 2), dtype=bool)
    sieve[:2] = False
    for p in range(2, int(math.isqrt(max(limit - 1, 0))) + 1):
        if sieve[p]:
            sieve[p * p :: p] = False
    vals = np.where(sieve, np.arange(sieve.size, dtype=np.uint64), np.uint64(0))
    below = np.concatenate([np.zeros(1, np.uint64), np.cumsum(vals, dtype=np.uint64)])
    return below[queries.astype(np.intp)]


def np_pi(n: int, seed: int, chunk: int = 5_000_000) -> float:
    """Vectorised Monte Carlo on numpy's Philox (the contract's stream: point i is
    (u[2i], u[2i+1])), in chunks to bound memory."""
    g = np.random.Generator(np.random.Philox(key=seed))
    inside = 0
    for start in range(0, n, chunk):
        u = g.random(2 * min(chunk, n - start))
        x, y = u[0::2], u[1::2]
        inside += int(np.count_nonzero(x * x + y * y < 1.0))
    return 4.0 * inside / n


def np_closest(points: np.ndarray) -> Tuple[int, int, float]:
    """Brute force by broadcasting (n x n distance matrix), upper triangle only."""
    d = points[:, None, :] - points[None, :, :]
    d2 = d[..., 0] * d[..., 0] + d[..., 1] * d[..., 1]
    d2[np.tril_indices(len(points))] = np.inf
    flat = int(np.argmin(d2))
    i, j = divmod(flat, len(points))
    return i, j, math.sqrt(d2[i, j])


def np_mandelbrot(c: np.ndarray, max_iter: int) -> np.ndarray:
    """Whole-array escape-time iteration with seed 001's ``abs(z) >= 4`` test."""
    z = c.copy()
    out = np.full(c.shape, -1, dtype=np.int32)
    active = np.ones(c.shape, dtype=bool)
    for it in range(max_iter):
        escaped = active & (np.abs(z) >= 4)
        out[escaped] = it
        active &= ~escaped
        z[active] = z[active] ** 2 + c[active]
    return out


# Numba: the seed functions, compiled by numba_contestants() under @njit / @njit(parallel=True)
# / @vectorize (prange is range when they run uncompiled). Where the seed's serial and parallel
# versions differ only in range / prange, one function with prange serves both: under @njit
# without parallel=True, prange is range.

def _nb_sum(A):  # seed 001 numba_normal_sum, numba_parallel_sum
    s = 0.0
    for i in prange(A.shape[0]):
        s += A[i]
    return s

def _nb_std_par(xs):  # seed 004 std with its two loops as prange reductions
    mean = 0.0
    for i in prange(xs.shape[0]):
        mean += xs[i]
    mean /= len(xs)
    ms = 0.0
    for i in prange(xs.shape[0]):
        ms += (xs[i] - mean) ** 2
    return math.sqrt(ms / len(xs))

def _nb_comb_par(signal, tau, alpha):  # the tau interleaved lanes are independent: prange them
    y = signal.copy()
    for lane in prange(tau):
        for n in range(tau + lane, len(signal), tau):
            y[n] = signal[n] + alpha * y[n - tau]
    return y

def _nb_primes(queries):  # seed 002: [sum_primes(n) for n in queries]; parallel: its pool.map
    out = np.zeros(queries.shape[0], np.uint64)
    for q in prange(queries.shape[0]):
        s = 0
        for x in range(2, queries[q]):
            if _nb_isprime(x):
                s += x
        out[q] = s
    return out

def _nb_closest(points):  # seed 004 closest, indices returned
    mindist2 = np.inf
    mi, mj = -1, -1
    for i in range(len(points)):
        x1, y1 = points[i, 0], points[i, 1]
        for j in range(i + 1, len(points)):
            x2, y2 = points[j, 0], points[j, 1]
            dist2 = (x1 - x2) ** 2 + (y1 - y2) ** 2
            if dist2 < mindist2:
                mindist2 = dist2
                mi, mj = i, j
    return mi, mj, math.sqrt(mindist2)

def _nb_closest_par(points):  # rows in parallel, then the best row (ties: smallest i, j)
    n = len(points)
    best = np.full(n, np.inf)
    partner = np.zeros(n, np.int64)
    for i in prange(n):
        x1, y1 = points[i, 0], points[i, 1]
        b, bj = np.inf, -1
        for j in range(i + 1, n):
            dist2 = (x1 - points[j, 0]) ** 2 + (y1 - points[j, 1]) ** 2
            if dist2 < b:
                b, bj = dist2, j
        best[i] = b
        partner[i] = bj
    i = np.argmin(best)
    return i, partner[i], math.sqrt(best[i])

def _nb_cumulative_py(P):  # the rows' running sums, for the Markov chains' inverse-CDF draw
    k = P.shape[0]
    cum = np.empty_like(P)
    for s in range(k):
        acc = 0.0
        for j in range(k):
            acc += P[s, j]
            cum[s, j] = acc
    return cum

def _nb_next_state_py(cum, s, u):  # the first state whose running sum exceeds u (the last one else)
    k = cum.shape[0]
    for j in range(k):
        if u < cum[s, j]:
            return j
    return k - 1

def _nb_markov(P, n_steps, n_chains, start):  # seed 004 exercise Q1 under Numba
    k = P.shape[0]
    cum = _nb_cumulative(P)
    counts = np.zeros((n_chains, k), np.uint64)
    for c in prange(n_chains):
        s = start
        for t in range(n_steps):
            s = _nb_next_state(cum, s, np.random.random())
            counts[c, s] += 1
    return counts

def _nb_mandel(x):  # seed 001 compute_mandelbrot_cpu
    C = x
    for i in range(20):
        if abs(x) >= 4:
            return i
        x = x**2 + C
    return -1



# Numba's cache keys a compiled function by its Python function and signature, not by the
# decorator's options: each decorated variant therefore compiles a function of its own (a copy
# under another name, which names its cache entry), or @njit(parallel=True) could load the serial
# build from the cache.


def _own(fn: Callable[..., Any], name: str) -> Callable[..., Any]:
    """A copy of ``fn`` called ``name``: the same code, a cache entry of its own."""
    copy = types.FunctionType(fn.__code__, fn.__globals__, name, fn.__defaults__, fn.__closure__)
    copy.__qualname__ = name
    return copy


# replaced by their compiled forms in numba_contestants()
_nb_isprime: Any = py_isprime
_nb_cumulative: Any = _nb_cumulative_py
_nb_next_state: Any = _nb_next_state_py


_compiled: Dict[str, Callable[..., Any]] = {}


def numba_contestants() -> Dict[str, Callable[..., Any]]:
    """Compiles nothing yet (Numba compiles on the first call); raises ImportError without
    numba. Keys: ``<workload>`` (serial) and ``<workload>_par`` (parallel)."""
    global _nb_isprime, _nb_cumulative, _nb_next_state
    if _compiled:
        return _compiled
    import numba
    from numba import njit

    _nb_isprime = njit(cache=True)(py_isprime)  # seed 002 isprime, for primes/primes_par
    _nb_cumulative = njit(cache=True)(_nb_cumulative_py)
    _nb_next_state = njit(cache=True)(_nb_next_state_py)

    sig = [numba.int32(numba.complex128)]
    ser = njit(cache=True)
    par = njit(parallel=True, cache=True)
    _compiled.update({
        "sum": ser(_nb_sum),
        "sum_par": par(_own(_nb_sum, "_nb_sum_par")),
        "std": ser(py_std),
        "std_par": par(_nb_std_par),
        "laplacian": ser(np_laplacian),
        "laplacian_par": par(_own(np_laplacian, "_nb_laplacian_par")),  # seed 003 laplacian_numba_parallel
        "comb_backward": ser(py_comb_backward),
        "comb_backward_par": par(_nb_comb_par),
        "sum_primes_below": ser(_nb_primes),
        "sum_primes_below_par": par(_own(_nb_primes, "_nb_primes_par")),
        "monte_carlo_pi": ser(py_pi),  # seed 004 fast_pi
        "monte_carlo_pi_par": par(_own(py_pi, "_nb_pi_par")),
        "closest_pair": ser(_nb_closest),
        "closest_pair_par": par(_nb_closest_par),
        "markov_chains": ser(_nb_markov),
        "markov_chains_par": par(_own(_nb_markov, "_nb_markov_par")),
        "mandelbrot": numba.vectorize(sig, target="cpu", cache=True)(_nb_mandel),
        # seed 001 compute_mandelbrot_parallel
        "mandelbrot_par": numba.vectorize(sig, target="parallel", cache=True)(_own(_nb_mandel, "_nb_mandel_par")),
        # the bandwidth probe: a parallel read, reassociated freely (fastmath)
        "stream_read": njit(parallel=True, fastmath=True, cache=True)(_own(_nb_sum, "_nb_stream_read")),
    })
    return _compiled
