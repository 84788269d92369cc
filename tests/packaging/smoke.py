"""Smoke test of an *installed* speedup-kernels wheel (run by tests/packaging/python.sh from a
directory outside the repository, in a fresh venv): every name of ``speedup.__all__`` on the
backend that ``SPEEDUP_BACKEND`` selects, ``speedup.legacy``, and threadpoolctl's listing, each
checked against a simple NumPy (or pure Python) reference. Prints one line per check and ends
with ``smoke[<backend>]: N passed, M failed``; exit status 1 when a check failed.

Usage: python smoke.py EXPECTED_BACKEND
"""

from __future__ import annotations

import ctypes
import importlib.metadata
import math
import os
import sys
import traceback
from pathlib import Path
from typing import Any, Callable, List

import numpy as np

expected_backend = sys.argv[1]
passed: List[str] = []
failed: List[str] = []
covered: set = set()


def check(name: str, *covers: str) -> Callable[[Callable[[], Any]], None]:
    def run(fn: Callable[[], Any]) -> None:
        covered.update(covers)
        try:
            note = fn()
        except Exception:  # noqa: BLE001 - report every failure and go on
            failed.append(name)
            print(f"  FAIL {name}\n" + "".join("       " + l for l in traceback.format_exc().splitlines(True)))
            return
        passed.append(name)
        print(f"  ok   {name}" + (f": {note}" if note else ""))

    return run


import speedup  # noqa: E402
import speedup._ctypes_backend as cb  # noqa: E402

rng = np.random.default_rng(12345)
x = rng.standard_normal(100_003)
f1 = rng.standard_normal(1001)
f2 = rng.standard_normal((67, 45))
sig = rng.standard_normal((500, 3))


@check("installed outside the source tree", "backend", "__version__")
def _() -> str:
    here = Path(speedup.__file__).resolve()
    assert "site-packages" in here.parts, here
    assert speedup.backend == expected_backend, (speedup.backend, expected_backend)
    assert speedup.__version__ == importlib.metadata.version("speedup-kernels")
    return f"{here.parent}, backend {speedup.backend}, version {speedup.__version__}"


@check("ctypes backend loads the extension's own C ABI (no second library)")
def _() -> str:
    path = Path(cb.backend().path)
    assert path.name.startswith("_speedup.") and path.parent == Path(speedup.__file__).resolve().parent, path
    assert not (path.parent / "_lib" / "libspeedup.so").exists()
    return path.name


@check("sum, mean, std", "sum", "mean", "std")
def _() -> None:
    assert math.isclose(speedup.sum(x), math.fsum(x.tolist()), rel_tol=1e-12, abs_tol=1e-9)
    assert speedup.sum([]) == 0.0 and speedup.sum([0.1] * 10) == 1.0
    assert math.isclose(speedup.mean(x), np.mean(x), rel_tol=1e-12, abs_tol=1e-12)
    assert math.isclose(speedup.std(x, ddof=1), np.std(x, ddof=1), rel_tol=1e-12)
    assert math.isclose(speedup.std(x), np.std(x), rel_tol=1e-12)


@check("second_derivative, laplacian", "second_derivative", "laplacian")
def _() -> None:
    dx, dy = 0.1, 0.3
    ref1 = ((f1[:-2] - 2.0 * f1[1:-1]) + f1[2:]) * (1.0 / (dx * dx))
    np.testing.assert_allclose(speedup.second_derivative(f1, dx), ref1, rtol=1e-13, atol=1e-9)
    ax, ay = 1.0 / (dx * dx), 1.0 / (dy * dy)
    ref2 = ((f2[:-2, 1:-1] + f2[2:, 1:-1]) * ax + (f2[1:-1, :-2] + f2[1:-1, 2:]) * ay) - f2[1:-1, 1:-1] * (2 * ax + 2 * ay)
    out = np.empty((65, 43))
    assert speedup.laplacian(f2, dx, dy, out=out) is out
    np.testing.assert_allclose(out, ref2, rtol=1e-13, atol=1e-9)


@check("comb_forward, comb_backward", "comb_forward", "comb_backward")
def _() -> None:
    tau, alpha = 7, 0.5
    ref = sig.copy()
    ref[tau:] += alpha * sig[:-tau]
    np.testing.assert_allclose(speedup.comb_forward(sig, tau, alpha), ref, rtol=1e-15)
    back = sig.copy()
    for t in range(tau, len(back)):
        back[t] = sig[t] + alpha * back[t - tau]
    np.testing.assert_allclose(speedup.comb_backward(sig, tau, alpha), back, rtol=1e-13, atol=1e-12)


def sieve(n: int) -> np.ndarray:
    s = np.ones(n, dtype=bool)
    s[:2] = False
    for p in range(2, int(n**0.5) + 1):
        if s[p]:
            s[p * p :: p] = False
    return s


@check("is_prime, sum_primes_below", "is_prime", "sum_primes_below")
def _() -> None:
    s = sieve(20_000)
    np.testing.assert_array_equal(speedup.is_prime(np.arange(20_000, dtype=np.uint64)), s)
    assert speedup.is_prime(2**61 - 1) is True and speedup.is_prime(2**64 - 59) is True
    assert speedup.is_prime(2**61 + 1) is False
    assert speedup.sum_primes_below(20_000) == int(np.flatnonzero(s).sum())
    q = [0, 2, 3, 10, 19_999]
    assert speedup.sum_primes_below(q).tolist() == [int(np.flatnonzero(s[:n]).sum()) for n in q]


@check("monte_carlo_pi (numpy's Philox stream)", "monte_carlo_pi")
def _() -> str:
    n, seed = 100_000, 7
    u = np.random.Generator(np.random.Philox(key=seed)).random(2 * n)
    inside = int(np.count_nonzero(u[0::2] * u[0::2] + u[1::2] * u[1::2] < 1.0))
    got = speedup.monte_carlo_pi(n, seed=seed)
    assert got == 4.0 * inside / n, (got, 4.0 * inside / n)
    return f"{got}"


@check("markov_chains (numpy's Philox stream, key (seed, chain))", "markov_chains")
def _() -> None:
    P = np.array([[0.1, 0.6, 0.3], [0.5, 0.25, 0.25], [0.2, 0.2, 0.6]])
    n_steps, n_chains, start, seed = 2000, 3, 1, 11
    got = speedup.markov_chains(P, n_steps, n_chains=n_chains, start=start, seed=seed)
    assert got.shape == (n_chains, 3) and got.dtype == np.uint64
    cum = np.cumsum(P, axis=1)
    for c in range(n_chains):
        u = np.random.Generator(np.random.Philox(key=seed + (c << 64))).random(n_steps)
        s, counts = start, np.zeros(3, dtype=np.uint64)
        for t in range(n_steps):
            nxt = np.flatnonzero(u[t] < cum[s])
            s = int(nxt[0]) if len(nxt) else 2
            counts[s] += 1
        np.testing.assert_array_equal(got[c], counts)


@check("closest_pair", "closest_pair")
def _() -> None:
    pts = rng.random((300, 2))
    d2 = ((pts[:, None, :] - pts[None, :, :]) ** 2).sum(-1)
    d2[np.tril_indices(300)] = np.inf
    i, j = np.unravel_index(np.argmin(d2), d2.shape)
    gi, gj, gd = speedup.closest_pair(pts)
    assert (gi, gj) == (i, j) and math.isclose(gd, math.sqrt(d2[i, j]), rel_tol=1e-14)


@check("mandelbrot", "mandelbrot")
def _() -> None:
    re, im = np.meshgrid(np.linspace(-2.0, 1.0, 61), np.linspace(-1.5, 1.5, 41))
    c = re + 1j * im
    ref = np.full(c.shape, -1, dtype=np.int32)
    for idx, cv in np.ndenumerate(c):
        zr, zi = cv.real, cv.imag
        for it in range(30):
            if zr * zr + zi * zi >= 16.0:
                ref[idx] = it
                break
            zr, zi = zr * zr - zi * zi + cv.real, 2.0 * zr * zi + cv.imag
    got = speedup.mandelbrot(c, max_iter=30)
    assert got.dtype == np.int32
    assert np.count_nonzero(got != ref) <= 2, np.argwhere(got != ref)  # rounding at the border


@check("parallel_map (a ctypes callback)", "parallel_map")
def _() -> None:
    F = ctypes.CFUNCTYPE(ctypes.c_double, ctypes.c_double, ctypes.c_void_p)
    cb_ = F(lambda v, ctx: v * v + 1.0)
    xs = np.linspace(-3, 3, 1000)
    np.testing.assert_array_equal(speedup.parallel_map(cb_, xs), xs * xs + 1.0)


@check("set_num_threads, get_num_threads, threads", "set_num_threads", "get_num_threads", "threads")
def _() -> None:
    base = speedup.get_num_threads()
    assert base >= 1
    ref = speedup.sum(x)
    with speedup.threads(3):
        assert speedup.get_num_threads() == 3
        assert speedup.sum(x) == ref  # the same bits at any thread count
    assert speedup.get_num_threads() == base
    speedup.set_num_threads(1)
    assert speedup.get_num_threads() == 1
    speedup.set_num_threads(0)
    assert speedup.get_num_threads() == base


@check("config, show_config", "config", "show_config")
def _() -> str:
    import contextlib
    import io

    c = speedup.config()
    assert c["backend"] == speedup.backend and Path(c["library"]).is_file(), c
    assert c["version"] == speedup.__version__ and c["profile"] == "release", c
    assert c["threads"] == speedup.get_num_threads() and c["legacy"] == "yes", c
    text = io.StringIO()
    with contextlib.redirect_stdout(text):
        speedup.show_config()
    assert text.getvalue() == "".join(f"{k}: {v}\n" for k, v in c.items())
    return f"{Path(c['library']).name}, {c['target']}, simd.stencils {c['simd.stencils']}, openmp {c['openmp']}"


@check("bad input raises (ValueError, nothing written)")
def _() -> None:
    out = np.full(3, 7.0)
    try:
        speedup.second_derivative([1.0, 2.0, 3.0, 4.0, 5.0], 0.0, out=out)
    except ValueError as e:
        assert "second_derivative" in str(e)
    else:
        raise AssertionError("no ValueError")
    assert (out == 7.0).all()


@check("speedup.legacy (C and Fortran OpenMP routines) against the kernels")
def _() -> str:
    import speedup.legacy as lg

    want = {"sum", "mean", "std", "second_derivative", "laplacian", "comb_forward", "comb_backward",
            "is_prime", "sum_primes_below", "closest_pair", "mandelbrot"}
    assert set(lg.available) == want, lg.available
    assert Path(lg.library) == Path(cb.backend().path)
    assert math.isclose(lg.sum(x), speedup.sum(x), rel_tol=1e-12, abs_tol=1e-9)
    assert math.isclose(lg.mean(x), speedup.mean(x), rel_tol=1e-12, abs_tol=1e-12)
    assert math.isclose(lg.std(x, ddof=1), speedup.std(x, ddof=1), rel_tol=1e-12)
    same = np.testing.assert_array_equal
    same(lg.second_derivative(f1, 0.1), speedup.second_derivative(f1, 0.1))
    same(lg.laplacian(f2, 0.1, 0.3), speedup.laplacian(f2, 0.1, 0.3))
    same(lg.comb_forward(sig, 7, 0.5), speedup.comb_forward(sig, 7, 0.5))
    same(lg.comb_backward(sig, 7, 0.5), speedup.comb_backward(sig, 7, 0.5))
    same(lg.is_prime(np.arange(5000, dtype=np.uint64)), speedup.is_prime(np.arange(5000, dtype=np.uint64)))
    assert lg.sum_primes_below(5000) == speedup.sum_primes_below(5000)
    pts = rng.random((200, 2))
    assert lg.closest_pair(pts) == speedup.closest_pair(pts)
    c = np.linspace(-2, 1, 50) + 0.3j
    same(lg.mandelbrot(c, 25), speedup.mandelbrot(c, 25))
    with speedup.threads(2):
        team = lg.omp_team_size()
    assert team == (2, 2), team
    return f"{len(lg.available)} routines, OpenMP team {team}"


@check("threadpoolctl lists and limits speedup")
def _() -> str:
    import threadpoolctl

    mine = [i for i in threadpoolctl.threadpool_info() if i.get("user_api") == "speedup"]
    assert len(mine) == 1, threadpoolctl.threadpool_info()
    assert Path(mine[0]["filepath"]).name.startswith("_speedup."), mine
    assert mine[0]["num_threads"] == speedup.get_num_threads()
    with threadpoolctl.threadpool_limits(limits=1, user_api="speedup"):
        assert speedup.get_num_threads() == 1
    return f"{Path(mine[0]['filepath']).name}, version {mine[0].get('version')}, {mine[0]['num_threads']} threads"


missing = set(speedup.__all__) - covered
if missing:
    failed.append("every name of speedup.__all__ exercised")
    print(f"  FAIL not exercised by this smoke test: {sorted(missing)}")
else:
    passed.append("every name of speedup.__all__ exercised")
    print(f"  ok   every name of speedup.__all__ exercised ({len(speedup.__all__)})")

print(f"smoke[{speedup.backend}]: {len(passed)} passed, {len(failed)} failed")
sys.exit(1 if failed else 0)
