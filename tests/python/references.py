"""Independent references written from docs/contract.md with NumPy and plain Python (never from
speedup itself)."""

from __future__ import annotations

import math
from typing import List, Tuple

import numpy as np


def uniforms(seed: int, c: int, n: int) -> np.ndarray:
    """The stream with key (seed, c): numpy.random.Philox(key=seed + (c << 64))."""
    return np.random.Generator(np.random.Philox(key=seed + (c << 64))).random(n)


def monte_carlo_pi(n_points: int, seed: int) -> float:
    u = uniforms(seed, 0, 2 * n_points)
    x, y = u[0::2], u[1::2]
    inside = int(np.count_nonzero(x * x + y * y < 1.0))
    return (4.0 * inside) / n_points


def markov_chains(P: np.ndarray, start: int, n_steps: int, n_chains: int, seed: int) -> np.ndarray:
    k = P.shape[0]
    cum = []
    for row in P:
        s, acc = 0.0, []
        for v in row:
            s = s + float(v)
            acc.append(s)
        cum.append(acc)
    counts = np.zeros((n_chains, k), np.uint64)
    for c in range(n_chains):
        u = uniforms(seed, c, n_steps)
        s = start
        for t in range(n_steps):
            nxt = k - 1
            for j in range(k):
                if u[t] < cum[s][j]:
                    nxt = j
                    break
            s = nxt
            counts[c, s] += 1
    return counts


def second_derivative(f: np.ndarray, dx: float) -> np.ndarray:
    return ((f[:-2] - 2.0 * f[1:-1]) + f[2:]) * (1.0 / (dx * dx))


def laplacian(f: np.ndarray, dx: float, dy: float) -> np.ndarray:
    ax, ay = 1.0 / (dx * dx), 1.0 / (dy * dy)
    c = 2.0 * ax + 2.0 * ay
    return ((f[:-2, 1:-1] + f[2:, 1:-1]) * ax + (f[1:-1, :-2] + f[1:-1, 2:]) * ay) - f[1:-1, 1:-1] * c


def comb_forward(x: np.ndarray, tau: int, alpha: float) -> np.ndarray:
    y = x.copy()
    if tau < x.shape[0]:
        y[tau:] = x[tau:] + alpha * x[:-tau]
    return y


def comb_backward(x: np.ndarray, tau: int, alpha: float) -> np.ndarray:
    y = x.copy()
    for t in range(tau, x.shape[0]):
        y[t] = x[t] + alpha * y[t - tau]
    return y


def is_prime(n: int) -> bool:
    if n < 2:
        return False
    if n % 2 == 0:
        return n == 2
    d = 3
    while d * d <= n:
        if n % d == 0:
            return False
        d += 2
    return True


def primes_below(n: int) -> np.ndarray:
    if n < 3:
        return np.zeros(0, np.int64)
    sieve = np.ones(n, bool)
    sieve[:2] = False
    for p in range(2, math.isqrt(n - 1) + 1):
        if sieve[p]:
            sieve[p * p :: p] = False
    return np.flatnonzero(sieve)


def closest_pair(points: np.ndarray) -> Tuple[int, int, float]:
    best = None
    n = points.shape[0]
    for i in range(n):
        for j in range(i + 1, n):
            dx = points[i, 0] - points[j, 0]
            dy = points[i, 1] - points[j, 1]
            d2 = dx * dx + dy * dy
            if best is None or d2 < best[0]:
                best = (d2, i, j)
    assert best is not None
    return best[1], best[2], math.sqrt(best[0])


def mandelbrot(c: np.ndarray, max_iter: int) -> np.ndarray:
    flat = c.reshape(-1)
    out: List[int] = []
    for z0 in flat:
        cr, ci = float(z0.real), float(z0.imag)
        re, im = cr, ci
        res = -1
        for it in range(max_iter):
            if re * re + im * im >= 16.0:
                res = it
                break
            re, im = (re * re - im * im) + cr, (2.0 * re) * im + ci
        out.append(res)
    return np.array(out, np.int32).reshape(c.shape)


def same_bits(a, b) -> bool:
    a, b = np.asarray(a), np.asarray(b)
    return a.shape == b.shape and a.dtype == b.dtype and a.tobytes() == b.tobytes()


def outcome(call) -> tuple:
    """(exception type, message) that ``call()`` raises, or (None, None)."""
    try:
        call()
    except BaseException as e:  # noqa: BLE001
        return type(e), str(e)
    return None, None
