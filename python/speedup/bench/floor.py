"""The machine's memory floor, measured in the same run as the kernels, and the memory-bound
kernels judged against it.

A memory-bound kernel cannot beat the memory: ``sum`` has to read its input once, ``std`` twice
(the mean, then the squared deviations from it), and the Laplacian reads its input and writes
its output. So the bench measures, on arrays well above the last-level cache and at the thread
count the kernels use, how fast plain code that does nothing but move bytes runs here:

- **streaming read**: the fastest of several plain reads. ``numpy.sum`` is not one: its
  pairwise float summation is limited by the additions' latency, not by memory. The candidates
  are ``numpy.bitwise_or.reduce`` over the array seen as ``uint64`` (one integer OR per 8 bytes,
  no dependency between lanes: the loads are the limit), ``numpy.maximum.reduce`` (NumPy's SIMD
  loops) and ``numpy.dot`` with a vector of ones (BLAS; it reads two arrays and both count).
  Each NumPy read runs on as many Python threads as speedup uses, each over its own slice
  (NumPy releases the GIL in these loops), so the floor has the kernels' thread count. Numba's
  parallel fastmath sum joins when Numba is installed.
- **copy**: ``numpy.copyto`` of slices on the same threads, bytes read plus bytes written. For
  large copies glibc's ``memcpy`` uses non-temporal stores, which skip the read-for-ownership an
  ordinary store pays: the copy is the fastest any writer can be.

Every figure is the best (minimum) time of interleaved repetitions, and the kernels are judged by
their best time too. :func:`judge` is the pure rule; :func:`floor_targets` applies it to a run.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Dict, List, Optional, Tuple

import numpy as np

from .race import Contestant, Workload

MIN_FLOOR_BYTES = 64 << 20
TINY_FLOOR_BYTES = 1 << 20  # the tests' preset: the figures mean nothing there
JUDGED = ("sum", "std", "laplacian")
NEED = {"sum": 0.85, "std": 0.85, "laplacian": 0.80}  # share of the floor each must reach


def llc_bytes() -> Optional[int]:
    """Size of the last-level (highest) cache of CPU 0, from sysfs; None where unknown."""
    base = "/sys/devices/system/cpu/cpu0/cache"
    best: Tuple[int, int] = (-1, 0)
    try:
        for entry in os.listdir(base):
            if not entry.startswith("index"):
                continue
            with open(os.path.join(base, entry, "level")) as f:
                level = int(f.read())
            with open(os.path.join(base, entry, "size")) as f:
                text = f.read().strip()
            mult = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}.get(text[-1:], 1)
            size = int(text.rstrip("KMG")) * mult
            best = max(best, (level, size))
    except (OSError, ValueError):
        return None
    return best[1] or None


def floor_nbytes(preset: str, llc: Optional[int]) -> int:
    """Bytes of each floor array: four times the last-level cache, at least 64 MiB."""
    if preset == "tiny":
        return TINY_FLOOR_BYTES
    return max(MIN_FLOOR_BYTES, 4 * (llc or 0))


class Team:
    """``threads`` Python threads, each running a NumPy loop over its own slice."""

    def __init__(self, threads: int) -> None:
        self.threads = threads
        self._pool = ThreadPoolExecutor(threads, thread_name_prefix="floor") if threads > 1 else None

    def split(self, *arrays: np.ndarray) -> List[Tuple[np.ndarray, ...]]:
        parts = [np.array_split(a, self.threads) for a in arrays]
        return list(zip(*parts))

    def run(self, fn: Callable[..., Any], parts: List[Tuple[np.ndarray, ...]]) -> List[Any]:
        if self._pool is None:
            return [fn(*p) for p in parts]
        return list(self._pool.map(lambda p: fn(*p), parts))

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()


def floor_workload(nbytes: int, threads: int, numba: Optional[Dict[str, Callable[..., Any]]]) -> Tuple[Workload, Team]:
    """The floor's contestants (kind ``read`` or ``copy``), raced like a kernel's. ``extra``
    holds the bytes each moves per call; :func:`summarise` turns the times into GB/s."""
    n = nbytes // 8
    x = np.random.default_rng(11).random(n)
    u64 = x.view(np.uint64)
    ones = np.ones(n)
    dst = np.empty_like(x)
    dst.fill(0.0)  # faulted in before any timing
    team = Team(threads)
    t = f"{threads} thread" + ("" if threads == 1 else "s")
    p_or, p_max, p_copy = team.split(u64), team.split(x), team.split(dst, x)
    cs = [
        Contestant("read_or", f"read: bitwise_or.reduce on uint64 view, {t}", "read",
                   run=lambda: team.run(np.bitwise_or.reduce, p_or)),
        Contestant("read_max", f"read: maximum.reduce, {t}", "read", run=lambda: team.run(np.maximum.reduce, p_max)),
        Contestant("read_dot", "read: numpy.dot with ones (BLAS, its own threads; 2 arrays)", "read",
                   run=lambda: np.dot(x, ones)),
        Contestant("copy", f"copy: numpy.copyto, {t}", "copy", run=lambda: team.run(np.copyto, p_copy)),
    ]
    moved = {"read_or": nbytes, "read_max": nbytes, "read_dot": 2 * nbytes, "copy": 2 * nbytes}
    if numba is not None and "stream_read" in numba:
        f = numba["stream_read"]
        cs.insert(3, Contestant("read_numba", f"read: Numba parallel fastmath sum, {t}", "read",
                                run=lambda: f(x), prepare=lambda: f(x[:16]), threads=threads))
        moved["read_numba"] = nbytes
    w = Workload("memory floor", f"{nbytes / 2**20:.0f} MiB per array", cs,
                 extra={"bytes_moved": moved, "array_bytes": nbytes})
    return w, team


def summarise(w: Workload, llc: Optional[int]) -> Dict[str, Any]:
    """GB/s of every floor contestant (best time), and the fastest read and copy."""
    moved = w.extra["bytes_moved"]
    bw = {c.key: moved[c.key] / c.lo for c in w.contestants if c.samples and c.lo > 0}
    out: Dict[str, Any] = {"GBps": {k: v / 1e9 for k, v in bw.items()}, "llc_bytes": llc,
                           "array_bytes": w.extra["array_bytes"]}
    for kind in ("read", "copy"):
        best = max((c for c in w.contestants if c.kind == kind and c.key in bw), key=lambda c: bw[c.key], default=None)
        out[kind] = None if best is None else {"Bps": bw[best.key], "by": best.label}
    w.extra["summary"] = out
    for c in w.contestants:  # the figures stay; the arrays their calls hold (hundreds of MiB) go
        c.run = c.prepare = None
    return out


def judge(moved_bytes: float, seconds: Optional[float], floor_Bps: Optional[float], need: float,
          working_set: float, llc: Optional[int]) -> Tuple[Optional[float], Optional[bool], str]:
    """(fraction of the floor reached, met, why-not). A kernel whose working set is under twice
    the last-level cache is not judged: part of it may come from cache, not memory."""
    if floor_Bps is None or not floor_Bps > 0:
        return None, None, "not evaluated: the floor was not measured"
    if seconds is None or not seconds > 0:
        return None, None, "not evaluated: the kernel was not measured"
    if llc is not None and working_set < 2 * llc:
        return None, None, (f"not evaluated: working set {working_set / 2**20:.0f} MiB is under twice the "
                            f"last-level cache ({llc / 2**20:.0f} MiB)")
    frac = moved_bytes / seconds / floor_Bps
    return frac, frac >= need, ""
