"""Where each issue-6 speed target stands: speedup (1 and 2 threads) against Numba, from Python.

    .venv/bin/pip install numba                      # not a dependency of speedup
    .venv/bin/python tools/numba_race.py             # every workload, seed sizes
    .venv/bin/python tools/numba_race.py std mandelbrot --reps 9
    .venv/bin/python tools/numba_race.py --overhead  # per-call cost on an empty array
    .venv/bin/python tools/numba_race.py --clean     # only samples nobody else disturbed

A developer's measuring tool, not the showcase (that is ``speedup bench``). The Numba contestants
are the seed tutorials' code with ``@njit`` / ``@njit(parallel=True)`` /
``numba.vectorize``, compiled before timing. Every contestant of a workload is timed once per
round, rounds are repeated and the median is reported, so drift on a shared machine hits all
contestants alike; each call starts after a 30 ms pause (Numba's OpenMP workers spin for a while
after a parallel region and would take a core from the next contestant). The ratio column is (the target's Numba contestant) / (speedup, default
threads); the target itself is printed beside it. ``os.getloadavg()`` is printed before and after:
figures taken with a load above the CPU count are not worth much. ``--clean`` keeps only the
samples during which no thread of this process (speedup's and Numba's workers included) waited on
a run queue (``/proc/self/task/*/schedstat``): on a shared machine, a parallel figure is otherwise
mostly a measure of the neighbours. It draws up to 12 rounds per requested one; a median that
rests on fewer than 3 clean samples is marked ``*``.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import time

import numba
import numpy as np
from numba import njit

import speedup
from speedup.bench.report import fmt_time as fmt
from speedup.bench.seeds import numba_contestants

# ------------------------------------------------------------------------------------------
# The seed tutorials' code, compiled by Numba: the same functions `speedup bench` races
# (speedup.bench.seeds), plus two this tool alone times.

NB = numba_contestants()
nb_sum, nb_sum_par = NB["sum"], NB["sum_par"]
nb_stream_par = NB["stream_read"]  # a parallel read, reassociated freely (fastmath)
nb_std_loop = NB["std"]  # seed 004: std(xs), its two loops
nb_laplacian_par = NB["laplacian_par"]  # seed 002: laplacian_numba_parallel
nb_comb_backward = NB["comb_backward"]  # seed 003: feed_backward_comb_filter_loop
nb_primes_par = NB["sum_primes_below_par"]  # seed 003's pool.map(sum_primes, ...), as prange
nb_pi, nb_pi_par = NB["monte_carlo_pi"], NB["monte_carlo_pi_par"]  # seed 004: fast_pi
nb_closest = NB["closest_pair"]  # seed 004: closest, O(n^2)
nb_mandel, nb_mandel_par = NB["mandelbrot"], NB["mandelbrot_par"]  # seed 001
nb_markov, nb_markov_par = NB["markov_chains"], NB["markov_chains_par"]  # seed 004, exercise Q1


@njit(fastmath=True)
def nb_stream(a):  # a one-thread streaming read: the loop vectorised with reassociation
    s = 0.0
    for i in range(a.shape[0]):
        s += a[i]
    return s


@njit
def nb_np_std(a):  # np.std in @njit
    return np.std(a)


# ------------------------------------------------------------------------------------------


def sp_at(threads, f):
    def run():
        with speedup.threads(threads):
            return f()

    return run


def workloads():
    rng = np.random.default_rng(0)
    x = rng.random(10_000_000)
    grid = rng.random((4000, 4000))
    re, im = np.meshgrid(np.linspace(-2, 1, 1000), np.linspace(-1.5, 1.5, 1000))
    c = re + 1j * im
    pts2k = rng.random((2000, 2))
    pts1m = rng.random((1_000_000, 2))
    stock = np.array([[0.9, 0.075, 0.025], [0.15, 0.8, 0.05], [0.25, 0.25, 0.5]])
    q = np.arange(10_000, dtype=np.uint64)
    T = speedup.get_num_threads()
    # name -> (contestants {label: callable}, target: (numba label, min ratio) or None)
    return {
        "sum": ({"speedup 1t": sp_at(1, lambda: speedup.sum(x)),
                 f"speedup {T}t": lambda: speedup.sum(x),
                 "numpy.sum": lambda: np.sum(x),
                 "numba loop": lambda: nb_sum(x),
                 "numba prange": lambda: nb_sum_par(x),
                 "stream read 1t": lambda: nb_stream(x),
                 "stream read par": lambda: nb_stream_par(x)}, ("numpy.sum", 1.0)),
        "std": ({"speedup 1t": sp_at(1, lambda: speedup.std(x)),
                 f"speedup {T}t": lambda: speedup.std(x),
                 "numpy.std": lambda: np.std(x),
                 "numba np.std": lambda: nb_np_std(x),
                 "numba seed loop": lambda: nb_std_loop(x)}, ("numba np.std", 3.0)),
        "laplacian": ({"speedup 1t": sp_at(1, lambda: speedup.laplacian(grid, 0.1, 0.1)),
                       f"speedup {T}t": lambda: speedup.laplacian(grid, 0.1, 0.1),
                       "numba parallel": lambda: nb_laplacian_par(grid, 0.1, 0.1)},
                      ("numba parallel", 3.5)),
        "comb_backward": ({"speedup 1t": sp_at(1, lambda: speedup.comb_backward(x, 4, 0.5)),
                           f"speedup {T}t": lambda: speedup.comb_backward(x, 4, 0.5),
                           "numba loop": lambda: nb_comb_backward(x, 4, 0.5)}, ("numba loop", 2.0)),
        "sum_primes_below": ({"speedup 1t": sp_at(1, lambda: speedup.sum_primes_below(q)),
                              f"speedup {T}t": lambda: speedup.sum_primes_below(q),
                              "numba prange": lambda: nb_primes_par(q)},
                             ("numba prange", 500.0)),
        "monte_carlo_pi": ({"speedup 1t": sp_at(1, lambda: speedup.monte_carlo_pi(100_000_000, 1)),
                            f"speedup {T}t": lambda: speedup.monte_carlo_pi(100_000_000, 1),
                            "numba": lambda: nb_pi(100_000_000),
                            "numba prange": lambda: nb_pi_par(100_000_000)}, ("numba prange", 3.0)),
        "closest_pair": ({"speedup 1t": sp_at(1, lambda: speedup.closest_pair(pts2k)),
                          f"speedup {T}t": lambda: speedup.closest_pair(pts2k),
                          "numba O(n^2)": lambda: nb_closest(pts2k)}, ("numba O(n^2)", 10.0)),
        "closest_pair 1e6": ({"speedup 1t": sp_at(1, lambda: speedup.closest_pair(pts1m)),
                              f"speedup {T}t": lambda: speedup.closest_pair(pts1m)}, None),
        "mandelbrot": ({"speedup 1t": sp_at(1, lambda: speedup.mandelbrot(c, 20)),
                        f"speedup {T}t": lambda: speedup.mandelbrot(c, 20),
                        "numba cpu": lambda: nb_mandel(c),
                        "numba parallel": lambda: nb_mandel_par(c)}, ("numba parallel", 4.0)),
        "markov_chains": ({"speedup 1t": sp_at(1, lambda: speedup.markov_chains(stock, 1_000_000, n_chains=16)),
                           f"speedup {T}t": lambda: speedup.markov_chains(stock, 1_000_000, n_chains=16),
                           "numba": lambda: nb_markov(stock, 1_000_000, 16, 0),
                           "numba prange": lambda: nb_markov_par(stock, 1_000_000, 16, 0)},
                          ("numba prange", 2.0)),
    }


def run_queue_wait_ns():
    """Total run-queue wait of this process's threads so far (ns); 0 where not available."""
    total = 0
    try:
        for tid in os.listdir("/proc/self/task"):
            try:
                with open(f"/proc/self/task/{tid}/schedstat") as f:
                    total += int(f.read().split()[1])
            except (OSError, IndexError, ValueError):
                pass
    except OSError:
        return 0
    return total


def race(name, contestants, target, reps, clean=False):
    for f in contestants.values():  # compile / warm up
        f()
    times = {k: [] for k in contestants}
    for _ in range(reps * 12 if clean else reps):
        if all(len(v) >= reps for v in times.values()):
            break
        for k, f in contestants.items():
            if len(times[k]) >= reps:
                continue
            # Numba's threading layer here is OpenMP (libgomp), whose idle workers spin for a
            # while after a parallel region and would take a core from whoever runs next.
            time.sleep(0.03)
            w = run_queue_wait_ns()
            t0 = time.perf_counter()
            f()
            dt = time.perf_counter() - t0
            waited = (run_queue_wait_ns() - w) * 1e-9
            # Waking a sleeping worker shows up as run-queue wait too (~60 us a wake on a VM).
            if not clean or waited < 150e-6 + 0.01 * dt:
                times[k].append(dt)
    med = {k: statistics.median(v) if v else math.nan for k, v in times.items()}
    sp_default = med[f"speedup {speedup.get_num_threads()}t"]
    cells = "  ".join(
        f"{k} {fmt(v) if v == v else '-'}{'*' if 0 < len(times[k]) < min(3, reps) else ''}"
        for k, v in med.items()
    )
    line = f"{name:<18}{cells}"
    if target:
        ref, want = target
        ratio = med[ref] / sp_default
        verdict = "?" if ratio != ratio else ("met" if ratio >= want else "MISSED")
        line += f"  | {ref} / speedup = {ratio:.2f}x (target >= {want:g}x: {verdict})"
    print(line, flush=True)


def overhead():
    import importlib
    import sys
    import timeit

    for backend in ("pyo3", "ctypes"):
        os.environ["SPEEDUP_BACKEND"] = backend
        for m in [m for m in sys.modules if m == "speedup" or m.startswith("speedup.")]:
            del sys.modules[m]
        s = importlib.import_module("speedup")
        e = np.empty(0)
        n = 100_000
        best = min(timeit.repeat(lambda: s.sum(e), number=n, repeat=7)) / n
        print(f"sum(empty) through {backend}: {best * 1e6:.2f} us per call (best of 7 x {n})")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("only", nargs="*")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--overhead", action="store_true")
    ap.add_argument("--clean", action="store_true")
    args = ap.parse_args()
    print(f"loadavg before: {os.getloadavg()}; {os.cpu_count()} CPUs; numba {numba.__version__} "
          f"({numba.config.NUMBA_NUM_THREADS} threads); speedup {speedup.backend}, "
          f"{speedup.get_num_threads()} threads")
    if args.overhead:
        overhead()
    else:
        for name, (contestants, target) in workloads().items():
            if args.only and name not in args.only:
                continue
            race(name, contestants, target, args.reps, args.clean)
    print(f"loadavg after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
