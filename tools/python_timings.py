"""Times each kernel from Python: speedup on both backends beside NumPy and plain Python.

    .venv/bin/python tools/python_timings.py            # seed sizes
    .venv/bin/python tools/python_timings.py --quick    # sizes / 10

Plain Python runs the seed material's loops at a reduced size and is scaled linearly to the
seed size (labelled "~"); it is far too slow to run whole. Each figure is the best of a few runs
after a warm-up. This is a quick table for the Python door alone; the full race (Numba, the
legacy routines, result checks, medians of interleaved runs, targets, plots) is `speedup bench`
(python/speedup/bench/, README command 1).
"""

from __future__ import annotations

import argparse
import importlib
import math
import os
import subprocess
import sys

import numpy as np

from speedup.bench.race import best_time as best
from speedup.bench.report import fmt_time as fmt  # the bench's time cells
from speedup.bench.seeds import (  # the seed tutorials' code, as the bench races it
    np_laplacian, np_mandelbrot, np_pi, np_sum_primes_many, py_closest, py_comb_backward,
    py_laplacian, py_mandelbrot, py_pi, py_std, py_sum, py_sum_primes_many,
)


def workloads(scale):
    rng = np.random.default_rng(0)
    n7 = 10_000_000 // scale
    x = rng.random(n7)
    side = int(4000 / math.sqrt(scale))
    grid = rng.random((side, side))
    m = int(1000 / math.sqrt(scale))
    re, im = np.meshgrid(np.linspace(-2, 1, m), np.linspace(-1.5, 1.5, m))
    c = re + 1j * im
    pts2k = rng.random((2000, 2))
    P = np.full((16, 16), 1 / 16)
    npts = 100_000_000 // scale
    steps = 1_000_000 // scale
    xs, gl, cl, pl = x[:20000].tolist(), grid[:100, :100].tolist(), c.ravel()[:20000], pts2k[:300].tolist()
    # (name, size, speedup call, numpy call, plain python call, plain-python scale factor)
    return [
        ("sum", f"{n7:.0e}", lambda s: s.sum(x), lambda: np.sum(x), lambda: py_sum(xs), n7 / 20000),
        ("std", f"{n7:.0e}", lambda s: s.std(x), lambda: np.std(x), lambda: py_std(xs), n7 / 20000),
        ("laplacian", f"{side}x{side}", lambda s: s.laplacian(grid, 0.1, 0.1),
         lambda: np_laplacian(grid, 0.1, 0.1), lambda: py_laplacian(gl, 0.1, 0.1), side * side / 10000),
        ("comb_backward", f"{n7:.0e}, tau 4", lambda s: s.comb_backward(x, 4, 0.5), None,
         lambda: py_comb_backward(xs, 4, 0.5), n7 / 20000),
        ("sum_primes_below", "every n < 10000", lambda s: s.sum_primes_below(np.arange(10000, dtype=np.uint64)),
         lambda: np_sum_primes_many(np.arange(10000)), lambda: py_sum_primes_many(range(1000)), None),
        ("monte_carlo_pi", f"{npts:.0e}", lambda s: s.monte_carlo_pi(npts, 1),
         lambda: np_pi(npts, 1), lambda: py_pi(20000), npts / 20000),
        ("closest_pair", "2000", lambda s: s.closest_pair(pts2k), None, lambda: py_closest(pl),
         (2000 * 1999) / (300 * 299)),
        ("mandelbrot", f"{m}x{m}, 20 it", lambda s: s.mandelbrot(c, 20), lambda: np_mandelbrot(c, 20),
         lambda: py_mandelbrot(cl, 20), m * m / 20000),
        ("markov_chains", f"16 x {steps:.0e}", lambda s: s.markov_chains(P, steps, n_chains=16), None, None, None),
    ]


def load_backend(name):
    os.environ["SPEEDUP_BACKEND"] = name
    for mod in [m for m in sys.modules if m == "speedup" or m.startswith("speedup.")]:
        del sys.modules[mod]
    s = importlib.import_module("speedup")
    assert s.backend == name
    return s


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    scale = 10 if args.quick else 1
    backends = {b: load_backend(b) for b in ("pyo3", "ctypes")}
    cpu = subprocess.run(["sh", "-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"],
                         capture_output=True, text=True).stdout.strip()
    print(f"speedup {backends['pyo3'].__version__ if hasattr(backends['pyo3'], '__version__') else ''}"
          f" on {cpu}, {os.cpu_count()} CPUs, numpy {np.__version__}, {backends['pyo3'].get_num_threads()} threads")
    for b, s in backends.items():
        e = np.empty(0)
        t = best(lambda: [s.sum(e) for _ in range(10000)], reps=5) / 10000
        print(f"per-call overhead, sum(empty), {b}: {t * 1e6:.2f} us")
    print(f"{'kernel':<18}{'size':>18}{'pyo3':>11}{'ctypes':>11}{'pyo3 1 thr':>12}{'numpy':>11}{'plain Python':>18}")
    for name, size, sp_call, np_call, py_call, factor in workloads(scale):
        t_pyo3 = best(lambda: sp_call(backends["pyo3"]))
        t_ct = best(lambda: sp_call(backends["ctypes"]))
        with backends["pyo3"].threads(1):
            t_1 = best(lambda: sp_call(backends["pyo3"]))
        t_np = best(np_call) if np_call else None
        if py_call is None:
            py = "-"
        elif factor is None:
            py = f"{fmt(best(py_call, reps=1))} n<1000"
        else:
            py = "~" + fmt(best(py_call, reps=1) * factor)
        print(f"{name:<18}{size:>18}{fmt(t_pyo3):>11}{fmt(t_ct):>11}{fmt(t_1):>12}{fmt(t_np):>11}{py:>18}")


if __name__ == "__main__":
    main()
