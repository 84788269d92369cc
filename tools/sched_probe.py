"""Why a 2-thread call is sometimes no faster than a 1-thread one on this VM: after the pool has
been idle, Linux often wakes both of speedup's workers onto the same CPU (the caller's), where
they share one core until the load balancer moves one. This probe runs `speedup.mandelbrot` at
2 threads after an idle pause, reads the CPU each worker last ran on
(/proc/self/task/*/stat, field 39), and tallies slow/fast calls against same/two CPUs.

    .venv/bin/python tools/sched_probe.py [--pause 0.05] [--calls 30]
"""

from __future__ import annotations

import argparse
import collections
import os
import statistics
import time

import numpy as np

import speedup


def worker_cpus() -> list:
    cpus = []
    for t in os.listdir("/proc/self/task"):
        if open(f"/proc/self/task/{t}/comm").read().startswith("speedup"):
            fields = open(f"/proc/self/task/{t}/stat").read().rsplit(")", 1)[1].split()
            cpus.append(int(fields[36]))
    return cpus


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pause", type=float, default=0.05, help="idle seconds before each call")
    ap.add_argument("--calls", type=int, default=30)
    a = ap.parse_args()
    x = np.linspace(-0.635, 0.165, 1000)  # the bench's view (seed 001)
    y = np.linspace(0.427, 1.227, 1000)
    c = (x[None, :] + 1j * y[:, None]).copy()
    with speedup.threads(1):
        serial = statistics.median(_time(lambda: speedup.mandelbrot(c, 20)) for _ in range(9))
    speedup.set_num_threads(2)
    speedup.mandelbrot(c, 20)
    tally: collections.Counter = collections.Counter()
    for _ in range(a.calls):
        time.sleep(a.pause)
        dt = _time(lambda: speedup.mandelbrot(c, 20))
        place = "same CPU" if len(set(worker_cpus())) == 1 else "two CPUs"
        speed = "slow (> 0.8 x serial)" if dt > 0.8 * serial else "fast"
        tally[(place, speed)] += 1
    print(f"1 thread: {serial * 1e3:.2f} ms; 2 threads after {a.pause * 1e3:.0f} ms idle, {a.calls} calls:")
    for (place, speed), n in sorted(tally.items()):
        print(f"  workers on {place:9}  {speed:22} {n}")


def _time(f) -> float:
    t0 = time.perf_counter()
    f()
    return time.perf_counter() - t0


if __name__ == "__main__":
    main()
