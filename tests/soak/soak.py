#!/usr/bin/env python3
"""soak.py: a long, bounded run of mixed calls through ``import speedup``, on each backend,
watching the process for slow leaks of memory and threads and for results that drift.

Every kernel (small inputs; a few above the parallel cut-offs) and the legacy routines
(``speedup.legacy``), mixed by a fixed pseudo-random schedule, with
  - regular bad calls (the expected exception type, an ``out=`` left untouched),
  - thread-knob changes (``speedup.set_num_threads`` cycling through 1, 2, 3, 4 and 0),
  - interrupts: SIGINT (Ctrl-C) sent to the main thread from another thread during a long call
    (``KeyboardInterrupt``, and no thread still running the kernel), then a normal call,
and every result compared bit for bit with the first call of the same kernel (the legacy OpenMP
mean and std, whose last bits may change with the thread count, within 1e-12). Every 1000th
call also recomputes a fixed reference call (a parallel sum) and compares bits.

VmRSS and Threads of /proc/self/status are sampled periodically (threads once the count has
settled: pools retired by a knob change end asynchronously). After the warm-up (the first 10%
of the calls) the RSS must stay within --rss-mib MiB (default 8) of its value at the end of the
warm-up, and the settled thread count within --thread-slack (default 4, one pool of the largest
knob) of the warm-up's maximum.

Usage: soak.py [--calls N] [--backend pyo3|ctypes|both] [--rss-mib M] [--thread-slack T]
With --backend both (the default) each backend runs in a child process of its own (a curve of
its own), one after the other. Prints the curve summary per backend and "N passed, M failed"
last.
"""

from __future__ import annotations

import argparse
import ctypes
import math
import os
import random
import signal
import struct
import subprocess
import sys
import threading
import time
from typing import Any, Callable, List, Tuple

import numpy as np


def parse_args() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--calls", type=int, default=200_000)
    ap.add_argument("--backend", choices=["pyo3", "ctypes", "both"], default="both")
    ap.add_argument("--rss-mib", type=float, default=8.0)
    ap.add_argument("--thread-slack", type=int, default=4)
    ap.add_argument("--knob-every", type=int, default=97, help="calls between knob changes (0: never)")
    ap.add_argument("--timeout", type=float, default=1800.0, help="per child, with --backend both")
    return ap.parse_args()


# ---------------------------------------------------------------------------------------------
# /proc/self/status


def proc_status() -> Tuple[int, int]:
    """(VmRSS in KiB, Threads)."""
    rss = threads = -1
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
            elif line.startswith("Threads:"):
                threads = int(line.split()[1])
    return rss, threads


def settled_threads() -> Tuple[int, int]:
    """(the thread count once it stopped falling, the first reading): worker pools retired by
    a knob change end asynchronously; a leak is what stays."""
    first = last = proc_status()[1]
    steady = 0
    for _ in range(250):  # at most 0.5 s
        time.sleep(0.002)
        now = proc_status()[1]
        steady = steady + 1 if now >= last else 0
        last = now
        if steady == 5:  # not fallen for 10 ms
            break
    return last, first


# ---------------------------------------------------------------------------------------------
# Results as bits


def bits(r: Any) -> bytes:
    if isinstance(r, np.ndarray):
        return str((r.dtype.str, r.shape)).encode() + r.tobytes()
    if isinstance(r, bool):
        return b"T" if r else b"F"
    if isinstance(r, float):
        return struct.pack("<d", r)
    if isinstance(r, int):
        return str(r).encode()
    if isinstance(r, tuple):
        return b"|".join(bits(v) for v in r)
    raise TypeError(f"no bits for {type(r).__name__}")


def twin_calls(m: Any, prefix: str, *, x: Any, x_mean: Any, grid: Any, sig: Any, prime: int,
               q: Any, below: int, q_sums: Any, pts: Any, cs: Any) -> List[Tuple[str, Callable[[], Any]]]:
    """The calls of the kernels that speedup and speedup.legacy both have (they take the same
    arguments), through module m on these inputs, named prefix + kernel."""
    calls: List[Tuple[str, Callable[[], Any]]] = [
        ("sum", lambda: m.sum(x)),
        ("mean", lambda: m.mean(x_mean)),
        ("std", lambda: m.std(x, ddof=1)),
        ("second_derivative", lambda: m.second_derivative(x[:500], 0.5)),
        ("laplacian", lambda: m.laplacian(grid, 0.1, 0.2)),
        ("comb_forward", lambda: m.comb_forward(sig, 7, 0.5)),
        ("comb_backward", lambda: m.comb_backward(sig, 7, 0.5)),
        ("is_prime", lambda: m.is_prime(prime)),
        ("is_prime (many)", lambda: m.is_prime(q)),
        ("sum_primes_below", lambda: m.sum_primes_below(below)),
        ("sum_primes_below (many)", lambda: m.sum_primes_below(q_sums)),
        ("closest_pair", lambda: m.closest_pair(pts)),
        ("mandelbrot", lambda: m.mandelbrot(cs, 50)),
    ]
    return [(prefix + name, fn) for name, fn in calls]


def soak(args: argparse.Namespace) -> int:
    import speedup
    import speedup.legacy as legacy

    backend = speedup.backend
    tag = f"soak-py[{backend}]"
    failures: List[str] = []
    passed = 0

    def check(ok: bool, msg: str) -> None:
        nonlocal passed
        if ok:
            passed += 1
        else:
            failures.append(msg)
            print(f"FAIL [{tag}] {msg}", file=sys.stderr, flush=True)

    t0 = time.monotonic()
    rss0, thr0 = proc_status()
    rng = np.random.default_rng(12345)
    x_big = rng.uniform(-1.0, 1.0, (1 << 20) + 3333)
    x = x_big[:1000].copy()
    grid = rng.uniform(0.0, 1.0, (20, 30))
    big_grid = rng.uniform(0.0, 1.0, (600, 600))
    sig = rng.uniform(-1.0, 1.0, (200, 3))
    pts = rng.uniform(0.0, 1000.0, (100, 2))
    cs = rng.uniform(-1.5, 1.0, 64) + 1j * rng.uniform(-1.0, 1.0, 64)
    q = rng.integers(0, 100_000, 64).astype(np.uint64)
    qs = rng.integers(0, 3000, 16).astype(np.uint64)
    P = np.array([[0.9, 0.1, 0.0], [0.2, 0.5, 0.3], [0.0, 0.4, 0.6]])
    F = ctypes.CFUNCTYPE(ctypes.c_double, ctypes.c_double, ctypes.c_void_p)
    square_plus_one = F(lambda v, ctx: v * v + 1.0)
    xm = x[:64].copy()

    rust = twin_calls(speedup, "", x=x, x_mean=x[:777], grid=grid, sig=sig,
                      prime=18446744073709551557, q=q, below=5000, q_sums=q, pts=pts, cs=cs)
    olds = twin_calls(legacy, "legacy.", x=x, x_mean=x, grid=grid, sig=sig, prime=1000003, q=qs,
                      below=2000, q_sums=qs[:4], pts=pts[:50], cs=cs)
    # (name, call, weight, exact); inexact: the legacy OpenMP mean and std.
    kernels: List[Tuple[str, Callable[[], Any], int, bool]] = [
        (name, fn, 5 if name == "sum_primes_below (many)" else 10, True) for name, fn in rust
    ]
    kernels[1:1] = [("sum (parallel)", lambda: speedup.sum(x_big), 1, True)]
    kernels += [
        ("second_derivative (parallel)", lambda: speedup.second_derivative(x_big[:300_000], 0.5), 1, True),
        ("laplacian (parallel)", lambda: speedup.laplacian(big_grid, 0.1, 0.2), 1, True),
        ("monte_carlo_pi", lambda: speedup.monte_carlo_pi(1000, 42), 10, True),
        ("markov_chains", lambda: speedup.markov_chains(P, 200, n_chains=4, seed=3), 10, True),
        ("parallel_map", lambda: speedup.parallel_map(square_plus_one, xm), 3, True),
    ]
    kernels += [
        (name, fn, 2 if "sum_primes_below" in name else 3, name not in ("legacy.mean", "legacy.std"))
        for name, fn in olds
    ]
    SUM_BIG = 1
    nk = len(kernels)
    ref: List[Any] = []
    for name, fn, _, _ in kernels:
        r = fn()
        ref.append(r)

    def same(k: int, r: Any) -> bool:
        if kernels[k][3]:
            return bits(r) == bits(ref[k])
        return abs(r - ref[k]) <= 1e-12 * abs(ref[k])

    # Bad calls: (name, call, exception type, out array that must stay untouched or None)
    o8 = np.full(8, 7.0)
    o2 = np.full((1, 2), 7.0)
    o6 = np.full((2, 3), 7.0)
    buf = np.arange(16.0)
    P_bad = P.copy()
    P_bad[0, 1] = 0.2
    bad: List[Tuple[str, Callable[[], Any], type, Any]] = [
        ("std ddof >= n", lambda: speedup.std(x[:10], ddof=10), ValueError, None),
        ("mean of nothing", lambda: speedup.mean([]), ValueError, None),
        ("sum of strings", lambda: speedup.sum(["a", "b"]), TypeError, None),
        ("second_derivative n = 2", lambda: speedup.second_derivative([1.0, 2.0], 1.0), ValueError, None),
        ("second_derivative dx = 0", lambda: speedup.second_derivative(x[:10], 0.0, out=o8), ValueError, o8),
        ("second_derivative out shape", lambda: speedup.second_derivative(x[:11], 1.0, out=o8), ValueError, o8),
        ("second_derivative overlap", lambda: speedup.second_derivative(buf[:10], 1.0, out=buf[4:12]), ValueError, None),
        ("laplacian dy = NaN", lambda: speedup.laplacian(grid[:3, :4], 0.1, math.nan, out=o2), ValueError, o2),
        ("comb_forward tau = 0", lambda: speedup.comb_forward(sig[:2], 0, 0.5, out=o6), ValueError, o6),
        ("is_prime negative", lambda: speedup.is_prime(-1), ValueError, None),
        ("is_prime 2**64", lambda: speedup.is_prime(2**64), OverflowError, None),
        ("is_prime float", lambda: speedup.is_prime(1.5), TypeError, None),
        ("sum_primes_below overflow", lambda: speedup.sum_primes_below(np.array([2**64 - 1], dtype=np.uint64)), OverflowError, None),
        ("monte_carlo_pi 0 points", lambda: speedup.monte_carlo_pi(0), ValueError, None),
        ("markov_chains row sum", lambda: speedup.markov_chains(P_bad, 10), ValueError, None),
        ("closest_pair NaN", lambda: speedup.closest_pair([[0.0, 0.0], [math.nan, 1.0], [2.0, 2.0]]), ValueError, None),
        ("mandelbrot max_iter < 0", lambda: speedup.mandelbrot(cs[:4], -1), ValueError, None),
        ("set_num_threads 5000", lambda: speedup.set_num_threads(5000), ValueError, None),
        ("legacy.std ddof >= n", lambda: legacy.std(x[:3], ddof=7), ValueError, None),
        ("legacy.second_derivative n = 2", lambda: legacy.second_derivative([1.0, 2.0], 1.0), ValueError, None),
        ("legacy.sum_primes_below overflow", lambda: legacy.sum_primes_below(2**64 - 1), OverflowError, None),
        ("legacy.closest_pair n = 1", lambda: legacy.closest_pair([[0.0, 0.0]]), ValueError, None),
    ]
    bad_calls = [0] * len(bad)
    bad_wrong = [0] * len(bad)
    bad_first: List[str] = [""] * len(bad)

    def bad_call(b: int) -> None:
        name, fn, exc, out = bad[b]
        if out is not None:
            out.fill(7.0)
        buf[:] = np.arange(16.0)
        got = "no exception"
        try:
            fn()
        except BaseException as e:  # noqa: BLE001 - checked just below
            got = f"{type(e).__name__}: {e}"
            ok = type(e) is exc and str(e) != ""
        else:
            ok = False
        untouched = (out is None or bool((out == 7.0).all())) and bool((buf == np.arange(16.0)).all())
        bad_calls[b] += 1
        if not (ok and untouched):
            bad_wrong[b] += 1
            if not bad_first[b]:
                bad_first[b] = f"{got} (want {exc.__name__}), out {'untouched' if untouched else 'WRITTEN'}"

    # Interrupts: Ctrl-C (SIGINT to the main thread) during a long call.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    main_ident = threading.main_thread().ident
    long_calls: List[Tuple[str, Callable[[], Any], int]] = [
        ("monte_carlo_pi", lambda: speedup.monte_carlo_pi(10**11, 7), 14),
        ("sum_primes_below", lambda: speedup.sum_primes_below([5, 29_000_000_000]), 13),
        ("markov_chains", lambda: speedup.markov_chains(P, 10**12, n_chains=2, seed=5), 15),
    ]
    long_interrupted = [0] * 3
    long_wrong = [0] * 3
    long_after_wrong = [0] * 3
    long_first: List[str] = [""] * 3

    main_tid = threading.main_thread().native_id
    long_orphans = [0] * 3

    def main_state() -> str:
        with open(f"/proc/self/task/{main_tid}/stat") as f:
            st = f.read()
        return st[st.rindex(")") + 2]

    def send_sigint(delay: float) -> None:
        """SIGINT to the main thread once it waits for speedup's helper thread (``_api``
        runs long calls on a thread named speedup-call and waits in join()): the helper has
        started and the main thread has been asleep for 20 ms in a row. A Ctrl-C that lands
        while the helper is still being started is another matter (see the orphan check)."""
        deadline = time.monotonic() + 5.0
        while time.monotonic() < deadline and not any(
                t.name == "speedup-call" and t.native_id is not None for t in threading.enumerate()):
            time.sleep(0.0005)
        asleep_since = None
        while time.monotonic() < deadline:
            if main_state() == "S":
                asleep_since = asleep_since or time.monotonic()
                if time.monotonic() - asleep_since >= 0.02:
                    break
            else:
                asleep_since = None
            time.sleep(0.001)
        time.sleep(delay)
        signal.pthread_kill(main_ident, signal.SIGINT)

    def interrupted_call(l: int) -> None:
        name, fn, after = long_calls[l]
        sender = threading.Thread(target=send_sigint, args=(0.005 * random.random(),))
        outcome = "finished"
        try:
            sender.start()
            try:
                fn()  # minutes uninterrupted: the SIGINT always comes first
            finally:
                sender.join()
                for _ in range(1000):  # the handler runs between bytecodes: here at the latest
                    pass
        except KeyboardInterrupt:
            outcome = "interrupted"
        except BaseException as e:  # noqa: BLE001
            outcome = f"{type(e).__name__}: {e}"
        if outcome == "interrupted":
            long_interrupted[l] += 1
        else:
            long_wrong[l] += 1
            long_first[l] = long_first[l] or outcome
        # KeyboardInterrupt means the kernel stopped: no helper thread may still run it.
        orphan = [t for t in threading.enumerate() if t.name == "speedup-call" and t.is_alive()]
        if orphan:
            long_orphans[l] += 1
            end = time.monotonic() + 30.0
            while orphan[0].is_alive() and time.monotonic() < end:  # stop it, for the rest of the run
                speedup._impl.request_interrupt()
                orphan[0].join(0.01)
        # The next call works.
        try:
            ok = same(after, kernels[after][1]())
        except BaseException:  # noqa: BLE001
            ok = False
        long_after_wrong[l] += not ok

    total_w = sum(w for _, _, w, _ in kernels)
    pick = [k for k in range(nk) for _ in range(kernels[k][2])]
    sched = random.Random(2024)
    calls = args.calls
    warmup = calls // 10
    irq_every = min(calls // 10, 10_000)
    sample_every = max(calls // 100, 100)
    knobs = [1, 2, 3, 4, 0]
    calls_of = [0] * nk
    wrong_of = [0] * nk
    first_wrong: List[str] = [""] * nk
    knob_changes = n_bad = n_irq = rechecks = recheck_wrong = 0
    rss_warm = -1
    thr_warm_max = thr_after_max = thr_raw_peak = rss_peak = rss_after_peak = 0
    thr_warm_raw = 0
    curve: List[Tuple[int, int]] = []
    t_warm = 0.0
    assert total_w == len(pick)

    for i in range(calls):
        if args.knob_every and i % args.knob_every == args.knob_every - 1:
            speedup.set_num_threads(knobs[knob_changes % 5])
            knob_changes += 1
        if i % 50 == 25:
            bad_call(n_bad % len(bad))
            n_bad += 1
        if i % irq_every == irq_every // 2:
            interrupted_call(n_irq % 3)
            n_irq += 1
        if i % 1000 == 999:
            rechecks += 1
            recheck_wrong += not same(SUM_BIG, kernels[SUM_BIG][1]())
        k = pick[sched.randrange(total_w)]
        try:
            r = kernels[k][1]()
            ok = same(k, r)
            err = "different result"
        except BaseException as e:  # noqa: BLE001
            ok = False
            err = f"{type(e).__name__}: {e}"
        calls_of[k] += 1
        if not ok:
            wrong_of[k] += 1
            if not first_wrong[k]:
                first_wrong[k] = f"call {i}, {err}, {speedup.get_num_threads()} threads"
        if i == warmup - 1:
            # The most threads the process holds for good: a pool of 4 and an OpenMP team of 4
            # (the largest knob), counted into the warm-up's maximum.
            with speedup.threads(4):
                kernels[SUM_BIG][1]()
                legacy.std(x, ddof=1)
                thr_warm_max = max(thr_warm_max, settled_threads()[0])
        if i % sample_every == 0 or i == warmup or i == calls - 1:
            rss = proc_status()[0]
            thr, thr_raw = settled_threads()
            # Above the bound after the warm-up: give retiring threads up to 2 s more (a loaded
            # machine may not run them soon); a leak stays.
            end = time.monotonic() + 2.0
            while i >= warmup and thr > thr_warm_max + args.thread_slack and time.monotonic() < end:
                time.sleep(0.002)
                thr = proc_status()[1]
            thr_raw_peak = max(thr_raw_peak, thr_raw)
            rss_peak = max(rss_peak, rss)
            if i < warmup:
                thr_warm_max = max(thr_warm_max, thr)
                thr_warm_raw = max(thr_warm_raw, thr_raw)
            else:
                if rss_warm < 0:
                    rss_warm = rss
                    t_warm = time.monotonic()
                    thr_warm_max = max(thr_warm_max, thr)
                rss_after_peak = max(rss_after_peak, rss)
                thr_after_max = max(thr_after_max, thr)
            if len(curve) < 11 and i >= len(curve) * (calls - 1) / 10:
                curve.append((rss, thr))

    speedup.set_num_threads(0)
    rss_end = proc_status()[0]
    thr_end, _ = settled_threads()
    t1 = time.monotonic()

    for k in range(nk):
        check(calls_of[k] > 0, f"{kernels[k][0]} was never called")
        check(wrong_of[k] == 0, f"{kernels[k][0]}: {wrong_of[k]} of {calls_of[k]} calls wrong (first: {first_wrong[k]})")
    for b in range(len(bad)):
        check(bad_calls[b] > 0 and bad_wrong[b] == 0,
              f"bad call {bad[b][0]}: {bad_wrong[b]} of {bad_calls[b]} wrong (first: {bad_first[b]})")
    for l in range(3):
        check(long_wrong[l] == 0 and long_after_wrong[l] == 0,
              f"interrupted {long_calls[l][0]}: {long_wrong[l]} not interrupted (first: {long_first[l]}), "
              f"{long_after_wrong[l]} wrong calls after")
        check(long_orphans[l] == 0,
              f"interrupted {long_calls[l][0]}: {long_orphans[l]} times KeyboardInterrupt came while the "
              f"kernel went on running on its helper thread")
    check(sum(long_interrupted) > 0, "no call was interrupted")
    check(recheck_wrong == 0, f"{recheck_wrong} of {rechecks} reference re-checks differ")
    bound = int(args.rss_mib * 1024)
    check(rss_after_peak - rss_warm < bound,
          f"RSS grew after the warm-up: {rss_warm} KiB then, peak {rss_after_peak} KiB (bound +{args.rss_mib} MiB)")
    check(rss_end - rss_warm < bound,
          f"RSS grew after the warm-up: {rss_warm} KiB then, {rss_end} KiB at the end (bound +{args.rss_mib} MiB)")
    check(thr_after_max <= thr_warm_max + args.thread_slack,
          f"settled threads after the warm-up: up to {thr_after_max}, warm-up max {thr_warm_max} (slack {args.thread_slack})")
    check(thr_end <= thr_warm_max + args.thread_slack, f"threads at the end: {thr_end}, warm-up max {thr_warm_max}")

    total = calls + n_bad + rechecks + knob_changes
    print(f"{tag}: {total} calls ({calls} kernel calls over {nk} kernels and legacy routines, {n_bad} bad calls, "
          f"{knob_changes} knob changes, {rechecks} reference re-checks) + {n_irq} long calls: "
          f"{sum(long_interrupted)} interrupted by SIGINT; {t1 - t0:.1f} s ({t1 - t_warm:.1f} s after the warm-up)")
    print(f"{tag}: rss_kib start {rss0} warmup {rss_warm} peak {rss_peak} end {rss_end} "
          f"(after warm-up: peak {rss_after_peak - rss_warm:+d}, end {rss_end - rss_warm:+d}; bound +{args.rss_mib:g} MiB)")
    print(f"{tag}: threads start {thr0} warmup {thr_warm_max} peak {max(thr_warm_max, thr_after_max)} end {thr_end} "
          f"(settled; after the warm-up up to {thr_after_max}, slack {args.thread_slack}; unsettled peak {thr_raw_peak})")
    print(f"{tag}: curve (every 10%) rss_kib {' '.join(str(r) for r, _ in curve)} | threads {' '.join(str(t) for _, t in curve)}")
    print(f"{passed} passed, {len(failures)} failed", flush=True)
    return 0 if not failures else 1


def main() -> int:
    args = parse_args()
    if args.calls < 2000:  # every bad call at least once
        print("soak.py: --calls must be at least 2000", file=sys.stderr)
        return 2
    if args.backend != "both":
        os.environ["SPEEDUP_BACKEND"] = args.backend
        import speedup

        if speedup.backend != args.backend:
            print(f"soak.py: asked for backend {args.backend}, got {speedup.backend}", file=sys.stderr)
            return 2
        return soak(args)
    passed = failed = 0
    status = 0
    for backend in ("pyo3", "ctypes"):
        cmd = [sys.executable, os.path.abspath(__file__), "--backend", backend, "--calls", str(args.calls),
               "--rss-mib", str(args.rss_mib), "--thread-slack", str(args.thread_slack),
               "--knob-every", str(args.knob_every)]
        try:
            p = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, timeout=args.timeout)
        except subprocess.TimeoutExpired as e:
            print((e.stdout or b"").decode() if isinstance(e.stdout, bytes) else (e.stdout or ""), end="")
            print(f"FAIL soak.py: the {backend} run took more than {args.timeout:g} s", file=sys.stderr)
            failed += 1
            status = 1
            continue
        lines = p.stdout.splitlines()
        for line in lines[:-1]:
            print(line)
        last = lines[-1].split() if lines else []
        if len(last) == 4 and last[1] == "passed," and last[3] == "failed":
            passed += int(last[0])
            failed += int(last[2])
        else:
            failed += 1
        if p.returncode != 0:
            status = 1
            failed += int(failed == 0)
    print(f"{passed} passed, {failed} failed", flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
