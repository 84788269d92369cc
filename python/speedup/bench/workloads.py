"""The workloads of ``docs/contract.md`` at the seed sizes, and their contestants.

``SIZES`` holds the three presets: ``default`` (the seed sizes), ``quick`` (about a
tenth of the work) and ``tiny`` (for the tests). :func:`build` returns the list of
:class:`~speedup.bench.race.Workload` objects for a preset, the thread counts to measure, and
the contestants that this machine can run (Numba and the legacy routines are optional: a
missing one becomes a skipped contestant that says why).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Sequence

import numpy as np

from .. import _api
from . import primesieve, seeds
from .race import (
    U,
    Contestant,
    Workload,
    array_within,
    exact,
    float_within,
    markov_statistical,
    pi_statistical,
)

WORKLOADS = (
    "sum",
    "std",
    "laplacian",
    "comb_backward",
    "sum_primes_below",
    "monte_carlo_pi",
    "closest_pair",
    "mandelbrot",
    "markov_chains",
)

NUMBA_MISSING = "not installed: pip install 'speedup-kernels[bench]'"


@dataclass(frozen=True)
class Sizes:
    n: int  # sum, std
    py_n: int
    side: int  # laplacian
    py_side: int
    comb_n: int
    py_comb_n: int
    primes: int  # every query n < primes
    py_primes_step: int
    pi: int
    py_pi: int
    points: int
    py_points: int
    big_points: int
    mandel: int  # side of the grid
    py_mandel: int
    chains: int
    steps: int
    py_steps: int
    sweep_n: Sequence[int]
    sweep_side: Sequence[int]


SIZES: Dict[str, Sizes] = {
    "default": Sizes(
        n=10**7, py_n=10**5, side=4000, py_side=200, comb_n=10**7, py_comb_n=10**5,
        primes=10_000, py_primes_step=100, pi=10**8, py_pi=10**5, points=2000, py_points=300,
        big_points=10**6, mandel=1000, py_mandel=100, chains=16, steps=10**6, py_steps=10**4,
        sweep_n=[10**2, 10**3, 10**4, 3 * 10**4, 10**5, 3 * 10**5, 10**6, 10**7],
        sweep_side=[10, 32, 100, 200, 400, 700, 1000, 2000, 4000],
    ),
    "quick": Sizes(
        n=10**6, py_n=10**4, side=1300, py_side=100, comb_n=10**6, py_comb_n=10**4,
        primes=3000, py_primes_step=30, pi=10**7, py_pi=2 * 10**4, points=2000, py_points=200,
        big_points=10**6, mandel=320, py_mandel=50, chains=16, steps=10**5, py_steps=10**3,
        sweep_n=[10**2, 10**3, 10**4, 10**5, 10**6],
        sweep_side=[10, 32, 100, 300, 1000],
    ),
    "tiny": Sizes(
        n=10**4, py_n=10**3, side=64, py_side=16, comb_n=10**4, py_comb_n=10**3,
        primes=300, py_primes_step=10, pi=10**5, py_pi=10**3, points=200, py_points=40,
        big_points=10**4, mandel=40, py_mandel=16, chains=4, steps=1000, py_steps=200,
        sweep_n=[10**2, 10**4],
        sweep_side=[10, 64],
    ),
}

# seed 004, exercise Q1: the stock market (bull, bear, stagnant), Wikipedia's figure
STOCK_MARKET = np.array([[0.9, 0.075, 0.025], [0.15, 0.8, 0.05], [0.25, 0.25, 0.5]])
MANDEL_CENTRE, MANDEL_RADIUS = complex(-0.235, 0.827), 0.4  # seed 001's view
SEED = 42


@dataclass
class Context:
    """What the contestants run on: speedup's two backends, the legacy routines, Numba."""

    threads: List[int]  # thread counts to measure speedup and the legacy routines at
    pyo3: Any  # backend objects for speedup._api
    ctypes: Any
    legacy: Any = None  # the speedup.legacy module, or None
    legacy_why: str = ""
    numba: Optional[Dict[str, Callable[..., Any]]] = None
    numba_why: str = NUMBA_MISSING

    @property
    def tmax(self) -> int:
        return max(self.threads)


def _memo(fn: Callable[[], Any]) -> Callable[[], Any]:
    box: List[Any] = []

    def get() -> Any:
        if not box:
            box.append(fn())
        return box[0]

    return get


def _fmt_n(n: int) -> str:
    e = int(math.log10(n)) if n > 0 else 0
    return f"1e{e}" if n == 10**e else f"{n:,}"


def _threads_label(t: int) -> str:
    return f"{t} thread" + ("" if t == 1 else "s")


def _contestants(
    w: str,
    ctx: Context,
    call: Callable[[Any], Any],
    cmp: Callable[[Any, Any], Any],
    *,
    python: Optional[Contestant] = None,
    numpy: Optional[Contestant] = None,
    numpy_why: str = "",
    numba_call: Optional[Callable[[Callable[..., Any]], Any]] = None,
    numba_prepare: Optional[Callable[[Callable[..., Any]], Any]] = None,
    numba_cmp: Optional[Callable[[Any, Any], Any]] = None,
    numba_par_why: str = "",
    legacy_call: Optional[Callable[[Any], Any]] = None,
    legacy_why: str = "",
    legacy_cmp: Optional[Callable[[Any, Any], Any]] = None,
) -> List[Contestant]:
    """The contestant list of one workload, in table order. ``call(impl)`` runs speedup
    through a backend object; its answer at the default thread count is the reference."""
    ref = _memo(lambda: call(ctx.pyo3))
    out: List[Contestant] = []
    if python is not None:
        out.append(python)
    if numpy is not None:
        out.append(numpy)
    else:
        out.append(Contestant("numpy", "NumPy", "numpy", skipped=numpy_why or "no NumPy version"))
    for par in (False, True):
        key = "numba_par" if par else "numba"
        label = f"Numba parallel, {ctx.tmax} threads" if par else "Numba"
        name = w + ("_par" if par else "")
        if ctx.numba is None:
            out.append(Contestant(key, label, key, skipped=ctx.numba_why))
        elif par and numba_par_why:
            out.append(Contestant(key, label, key, skipped=numba_par_why))
        elif numba_call is not None:
            f = ctx.numba[name]
            out.append(
                Contestant(
                    key, label, key,
                    run=functools.partial(numba_call, f),
                    prepare=functools.partial(numba_prepare, f) if numba_prepare else None,
                    reference=ref, compare=numba_cmp or cmp,
                    threads=ctx.tmax if par else None,
                )
            )
    for t in ctx.threads:
        label = f"legacy C/Fortran OpenMP, {_threads_label(t)}"
        if ctx.legacy is None:
            out.append(Contestant(f"legacy@{t}", label, "legacy", skipped=ctx.legacy_why, threads=t))
        elif legacy_call is None:
            out.append(Contestant(f"legacy@{t}", label, "legacy", skipped=legacy_why or "no legacy routine", threads=t))
        else:
            out.append(
                Contestant(f"legacy@{t}", label, "legacy", run=lambda: legacy_call(ctx.legacy),
                           reference=ref, compare=legacy_cmp or cmp, threads=t)
            )
    return out + _speedup_contestants(ctx, call, ref)


def _speedup_contestants(ctx: Context, call: Callable[[Any], Any], ref: Callable[[], Any]) -> List[Contestant]:
    """speedup through PyO3 at each thread count and through ctypes at the most threads:
    ``call(impl)``, each answer exactly ``ref()``."""
    out = [
        Contestant(f"speedup@{t}", f"speedup, {_threads_label(t)} (PyO3)", "speedup",
                   run=lambda: call(ctx.pyo3), reference=ref, compare=exact, threads=t)
        for t in ctx.threads
    ]
    out.append(
        Contestant(f"ctypes@{ctx.tmax}", f"speedup, {_threads_label(ctx.tmax)} (ctypes)", "ctypes",
                   run=lambda: call(ctx.ctypes), reference=ref, compare=exact, threads=ctx.tmax)
    )
    return out


def _python(run: Callable[[], Any], reference: Callable[[], Any], cmp: Any, scale: float, what: str) -> Contestant:
    return Contestant("python", "plain Python", "python", run=run, reference=_memo(reference), compare=cmp,
                      scale=scale, scaled_from=what)


def _check_numpy(cs: List[Contestant], cmp: Any) -> None:
    """Checks the NumPy contestant's answer against speedup's on the same input (the speedup
    contestants' shared reference, computed once), with ``cmp``."""
    ref = next(c.reference for c in cs if c.kind == "speedup")
    for c in cs:
        if c.key == "numpy":
            c.reference, c.compare = ref, cmp


def _rng() -> np.random.Generator:
    return np.random.default_rng(2024)


# ---------------------------------------------------------------------------------------------


def sum_workload(sz: Sizes, ctx: Context) -> Workload:
    x = _rng().standard_normal(sz.n)
    xs = x[: sz.py_n].tolist()
    abs_x = float(np.abs(x).sum())
    # two recursive summations of n terms each err by at most (n-1) u sum|x|
    bound = float_within(lambda _r: 2 * (sz.n - 1) * U * abs_x)
    py_bound = float_within(lambda _r: 2 * (sz.py_n - 1) * U * float(np.abs(x[: sz.py_n]).sum()))
    cs = _contestants(
        "sum", ctx, lambda impl: _api.sum(impl, x), bound,
        python=_python(lambda: seeds.py_sum(xs), lambda: _api.sum(ctx.pyo3, x[: sz.py_n]), py_bound,
                       sz.n / sz.py_n, f"n={_fmt_n(sz.py_n)}"),
        numpy=Contestant("numpy", "NumPy", "numpy", run=lambda: np.sum(x)),
        numba_call=lambda f: f(x), numba_prepare=lambda f: f(x[:16]),
        legacy_call=lambda lg: lg.sum(x),
    )
    _check_numpy(cs, bound)
    return Workload("sum", f"n = {_fmt_n(sz.n)}", cs, extra={"bytes": int(x.nbytes)})


def std_workload(sz: Sizes, ctx: Context) -> Workload:
    x = _rng().standard_normal(sz.n)
    xs = x[: sz.py_n].tolist()

    def bound_for(n: int) -> Any:  # two two-pass evaluations, each within (n + 4) u relative
        return float_within(lambda r: 2 * (n + 4) * U * abs(float(r)))

    cs = _contestants(
        "std", ctx, lambda impl: _api.std(impl, x), bound_for(sz.n),
        python=_python(lambda: seeds.py_std(xs), lambda: _api.std(ctx.pyo3, x[: sz.py_n]), bound_for(sz.py_n),
                       sz.n / sz.py_n, f"n={_fmt_n(sz.py_n)}"),
        numpy=Contestant("numpy", "NumPy", "numpy", run=lambda: np.std(x)),
        numba_call=lambda f: f(x), numba_prepare=lambda f: f(x[:16]),
        legacy_call=lambda lg: lg.std(x),
    )
    _check_numpy(cs, bound_for(sz.n))
    return Workload("std", f"n = {_fmt_n(sz.n)}", cs)


def laplacian_workload(sz: Sizes, ctx: Context) -> Workload:
    f = _rng().random((sz.side, sz.side))
    d = 1.0 / (sz.side - 1)
    fp = f[: sz.py_side, : sz.py_side]
    fl = fp.tolist()

    def scale_of(g: np.ndarray) -> np.ndarray:  # sizes of the terms each element sums
        a = 1.0 / (d * d)
        return a * ((np.abs(g[:-2, 1:-1]) + np.abs(g[2:, 1:-1]) + np.abs(g[1:-1, :-2]) + np.abs(g[1:-1, 2:]))
                    + 4 * np.abs(g[1:-1, 1:-1]))

    cmp = array_within(scale_of(f), 8)
    cs = _contestants(
        "laplacian", ctx, lambda impl: _api.laplacian(impl, f, d, d), cmp,
        python=_python(lambda: seeds.py_laplacian(fl, d, d), lambda: _api.laplacian(ctx.pyo3, fp, d, d),
                       array_within(scale_of(fp), 8), (sz.side - 2) ** 2 / (sz.py_side - 2) ** 2,
                       f"{sz.py_side}x{sz.py_side}"),
        numpy=Contestant("numpy", "NumPy", "numpy", run=lambda: seeds.np_laplacian(f, d, d)),
        numba_call=lambda fn: fn(f, d, d), numba_prepare=lambda fn: fn(f[:8, :8], d, d),
        legacy_call=lambda lg: lg.laplacian(f, d, d),
    )
    _check_numpy(cs, cmp)
    return Workload("laplacian", f"{sz.side}x{sz.side}", cs, extra={"bytes": int(f.nbytes + (sz.side - 2) ** 2 * 8)})


def comb_workload(sz: Sizes, ctx: Context) -> Workload:
    x = _rng().standard_normal(sz.comb_n)
    tau, alpha = 4, 0.5
    xp = x[: sz.py_comb_n].copy()

    def cmp_for(v: np.ndarray) -> Any:  # errors of a contracting recurrence stay below this
        return array_within(_api.comb_backward(ctx.pyo3, np.abs(v), tau, abs(alpha)), 4 / (1 - abs(alpha)))

    cmp = cmp_for(x)
    return Workload("comb_backward", f"n = {_fmt_n(sz.comb_n)}, tau = {tau}", _contestants(
        "comb_backward", ctx, lambda impl: _api.comb_backward(impl, x, tau, alpha), cmp,
        python=_python(lambda: seeds.py_comb_backward(xp, tau, alpha),
                       lambda: _api.comb_backward(ctx.pyo3, xp, tau, alpha), cmp_for(xp),
                       sz.comb_n / sz.py_comb_n, f"n={_fmt_n(sz.py_comb_n)}"),
        numpy=None, numpy_why="a recurrence: no vectorised NumPy form (seed 002)",
        numba_call=lambda f: f(x, tau, alpha), numba_prepare=lambda f: f(x[:16], tau, alpha),
        legacy_call=lambda lg: lg.comb_backward(x, tau, alpha),
    ))


def primes_workload(sz: Sizes, ctx: Context) -> Workload:
    q = np.arange(sz.primes, dtype=np.uint64)
    qp = q[:: sz.py_primes_step]
    ql = [int(v) for v in qp]
    cs = _contestants(
        "sum_primes_below", ctx, lambda impl: _api.sum_primes_below(impl, q), exact,
        python=_python(lambda: seeds.py_sum_primes_many(ql), lambda: _api.sum_primes_below(ctx.pyo3, qp), exact,
                       q.size / qp.size, f"every {sz.py_primes_step}th query"),
        numpy=Contestant("numpy", "NumPy (sieve + cumsum)", "numpy", run=lambda: seeds.np_sum_primes_many(q)),
        numba_call=lambda f: f(q), numba_prepare=lambda f: f(q[:16]),
        legacy_call=lambda lg: lg.sum_primes_below(q),
    )
    for c in cs:
        if c.key == "numpy":
            c.reference, c.compare = _memo(lambda: _api.sum_primes_below(ctx.pyo3, q)), exact
    return Workload("sum_primes_below", f"every n < {sz.primes:,}", cs)


def primes_big_workload(sz: Sizes, ctx: Context) -> Workload:
    """One large query (1e10 at the seed size): speedup's sublinear prime sum against summing
    primesieve's iterator (skipped with a note when libprimesieve is absent)."""
    n = 100 * sz.primes**2

    def call(impl: Any) -> Any:
        return _api.sum_primes_below(impl, n)

    ref = _memo(lambda: call(ctx.pyo3))
    cs = _speedup_contestants(ctx, call, ref)
    cs.append(primesieve.contestant(n, ref))
    return Workload("sum_primes_below_big", f"one query, n = {_fmt_n(n)}", cs,
                    notes=["speedup: Lucy's O(n^(3/4)/log n) recursion; primesieve: every prime, summed"])


def pi_workload(sz: Sizes, ctx: Context) -> Workload:
    n = sz.pi
    cs = _contestants(
        "monte_carlo_pi", ctx, lambda impl: _api.monte_carlo_pi(impl, n, SEED), exact,
        python=_python(lambda: seeds.py_pi(sz.py_pi), lambda: _api.monte_carlo_pi(ctx.pyo3, sz.py_pi, SEED),
                       pi_statistical(sz.py_pi), n / sz.py_pi, f"n={_fmt_n(sz.py_pi)}"),
        numpy=Contestant("numpy", "NumPy (Philox stream, chunks)", "numpy", run=lambda: seeds.np_pi(n, SEED)),
        numba_call=lambda f: f(n), numba_prepare=lambda f: f(10), numba_cmp=pi_statistical(n),
        legacy_why="no legacy routine (docs/contract.md)",
    )
    _check_numpy(cs, exact)
    return Workload("monte_carlo_pi", f"{_fmt_n(n)} points", cs)


def closest_workload(sz: Sizes, ctx: Context) -> Workload:
    pts = _rng().uniform(-1, 1, (sz.points, 2))  # seed 004
    pp = pts[: sz.py_points]
    pl = pp.tolist()
    n, m = sz.points, sz.py_points
    cs = _contestants(
        "closest_pair", ctx, lambda impl: _api.closest_pair(impl, pts), exact,
        python=_python(lambda: seeds.py_closest(pl), lambda: _api.closest_pair(ctx.pyo3, pp), exact,
                       n * (n - 1) / (m * (m - 1)), f"{m} points, x pairs"),
        numpy=Contestant("numpy", "NumPy (broadcast n x n)", "numpy", run=lambda: seeds.np_closest(pts)),
        numba_call=lambda f: f(pts), numba_prepare=lambda f: f(pts[:8]),
        legacy_call=lambda lg: lg.closest_pair(pts),
    )
    _check_numpy(cs, exact)
    return Workload("closest_pair", f"{n:,} points", cs)


def closest_big_workload(sz: Sizes, ctx: Context) -> Workload:
    """speedup alone on many points (the O(n^2) contestants cannot run it)."""
    pts = _rng().uniform(-1, 1, (sz.big_points, 2))

    def call(impl: Any) -> Any:
        return _api.closest_pair(impl, pts)

    cs = _speedup_contestants(ctx, call, _memo(lambda: call(ctx.pyo3)))
    return Workload("closest_pair_big", f"{sz.big_points:,} points", cs,
                    notes=["only speedup: the O(n^2) versions would take hours"])


def mandel_grid(m: int) -> np.ndarray:
    """The m x m grid of points of the Mandelbrot race (seed 001's view)."""
    x = np.linspace(MANDEL_CENTRE.real - MANDEL_RADIUS, MANDEL_CENTRE.real + MANDEL_RADIUS, m)
    y = np.linspace(MANDEL_CENTRE.imag - MANDEL_RADIUS, MANDEL_CENTRE.imag + MANDEL_RADIUS, m)
    xx, yy = np.meshgrid(x, y)
    return xx + 1j * yy


MANDEL_ITER = 20  # the seed's vectorised functions hard-code 20 iterations


def mandelbrot_workload(sz: Sizes, ctx: Context) -> Workload:
    c, cp = mandel_grid(sz.mandel), mandel_grid(sz.py_mandel)
    it = MANDEL_ITER
    cs = _contestants(
        "mandelbrot", ctx, lambda impl: _api.mandelbrot(impl, c, it), exact,
        python=_python(lambda: seeds.py_mandelbrot(cp, it), lambda: _api.mandelbrot(ctx.pyo3, cp, it), exact,
                       c.size / cp.size, f"{sz.py_mandel}x{sz.py_mandel}"),
        numpy=Contestant("numpy", "NumPy", "numpy", run=lambda: seeds.np_mandelbrot(c, it)),
        numba_call=lambda f: f(c), numba_prepare=lambda f: f(c[:2, :2]),
        legacy_call=lambda lg: lg.mandelbrot(c, it),
    )
    _check_numpy(cs, exact)
    return Workload("mandelbrot", f"{sz.mandel}x{sz.mandel}, {it} iterations", cs)


def markov_workload(sz: Sizes, ctx: Context) -> Workload:
    P = STOCK_MARKET
    Pl = P.tolist()
    k = sz.chains
    return Workload("markov_chains", f"{k} chains x {_fmt_n(sz.steps)} steps, 3 states", _contestants(
        "markov_chains", ctx, lambda impl: _api.markov_chains(impl, P, sz.steps, k, 0, SEED), exact,
        python=_python(lambda: seeds.py_markov(Pl, sz.py_steps, k, 0, SEED),
                       lambda: _api.markov_chains(ctx.pyo3, P, sz.py_steps, k, 0, SEED), exact,
                       sz.steps / sz.py_steps, f"{_fmt_n(sz.py_steps)} steps, Philox stream"),
        numpy=None, numpy_why="a recurrence: no vectorised NumPy form",
        numba_call=lambda f: f(P, sz.steps, k, 0), numba_prepare=lambda f: f(P, 4, 1, 0),
        numba_cmp=markov_statistical(sz.steps * k),
        legacy_why="no legacy routine (docs/contract.md)",
    ))


BUILDERS: Dict[str, Callable[[Sizes, Context], List[Workload]]] = {
    "sum": lambda s, c: [sum_workload(s, c)],
    "std": lambda s, c: [std_workload(s, c)],
    "laplacian": lambda s, c: [laplacian_workload(s, c)],
    "comb_backward": lambda s, c: [comb_workload(s, c)],
    "sum_primes_below": lambda s, c: [primes_workload(s, c), primes_big_workload(s, c)],
    "monte_carlo_pi": lambda s, c: [pi_workload(s, c)],
    "closest_pair": lambda s, c: [closest_workload(s, c), closest_big_workload(s, c)],
    "mandelbrot": lambda s, c: [mandelbrot_workload(s, c)],
    "markov_chains": lambda s, c: [markov_workload(s, c)],
}

