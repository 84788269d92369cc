#!/usr/bin/env python3
"""huge.py: sum and second_derivative on arrays of more than 2**31 elements through
``import speedup`` (each backend named on the command line; default pyo3 and ctypes) and
``speedup.legacy``, checked against results known in closed form. The Python twin of huge.c:

  sum-alias  x[i] = [0, 1, 2][i % 3] over n = 2**31 + 1026 and 2**32 + 3001 elements whose
             pages are one 3 MiB block mapped again and again (memfd, MAP_FIXED; a read-only
             numpy array over that address range): the library sees an ordinary array, the
             machine holds 3 MiB. speedup.sum, speedup.mean, speedup.legacy.sum. Runs whatever
             the memory.
  real       one numpy array of 2**31 + 1024 float64 (16 GiB), used twice:
             sum-real: the same pattern, exact sum n;
             d2: out= of speedup.second_derivative of f = [0, 1, 3][i % 3] over 2**31 + 1026
             elements (aliased; dx = 1: [1, -5, 4][i % 3]), then of
             speedup.legacy.second_derivative (dx = 0.5: [4, -20, 16]); every element checked
             both times (an element left unwritten holds the previous values, which differ
             from the expected ones at every phase).

The part that needs real memory checks MemAvailable first and is skipped with a line naming what
it needs and what is available; it frees its array before the program ends.
Prints one line per part and "huge-py: N passed, M failed, K skipped" last.
Usage: huge.py [--backends pyo3,ctypes] [sum-alias] [real]
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import mmap
import os
import sys
import time
from typing import Any, Callable, List, Tuple

import numpy as np

GIB = 1 << 30
BLOCK = 3 * 131072  # doubles per aliased block (3 MiB): a multiple of 3 and of the page size

passed = failed = skipped = 0


def check(ok: bool, msg: str) -> None:
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print(f"FAIL huge-py: {msg}", file=sys.stderr, flush=True)


def mem_available() -> int:
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    return 0


def have_memory(part: str, need: int) -> bool:
    global skipped
    avail = mem_available()
    if avail >= need + GIB:
        return True
    print(f"huge-py: SKIP {part}: needs {need / GIB:.1f} GiB of memory (+1 GiB margin), "
          f"MemAvailable is {avail / GIB:.1f} GiB", flush=True)
    skipped += 1
    return False


def pow2_plus(n: int) -> str:
    e = n.bit_length() - 1
    return f"2^{e} + {n - (1 << e)}"


# ---------------------------------------------------------------------------------------------
# Aliased arrays: libc's memfd_create and mmap through ctypes.

_libc = ctypes.CDLL(None, use_errno=True)
_libc.mmap.restype = ctypes.c_void_p
_libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]
_libc.munmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
_libc.memfd_create.argtypes = [ctypes.c_char_p, ctypes.c_uint]
MAP_FAILED = ctypes.c_void_p(-1).value
MAP_FIXED = 0x10
MAP_NORESERVE = 0x4000
PROT_NONE = 0


class Alias:
    """A read-only float64 array of n elements, element i = pattern[i % 3], backed by one block."""

    def __init__(self, n: int, pattern: Tuple[float, float, float]) -> None:
        block_bytes = BLOCK * 8
        blocks = -(-n * 8 // block_bytes)
        self.bytes = blocks * block_bytes
        fd = _libc.memfd_create(b"huge-pattern", 0)
        if fd < 0:
            raise OSError(ctypes.get_errno(), "memfd_create")
        try:
            os.ftruncate(fd, block_bytes)
            with mmap.mmap(fd, block_bytes) as m:
                np.frombuffer(m, np.float64)[:] = np.tile(np.array(pattern), BLOCK // 3)
            base = _libc.mmap(None, self.bytes, PROT_NONE,
                              mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)
            if base in (None, MAP_FAILED):
                raise OSError(ctypes.get_errno(), "mmap (reserve)")
            self.base = base
            for b in range(blocks):
                p = _libc.mmap(base + b * block_bytes, block_bytes, mmap.PROT_READ,
                               mmap.MAP_SHARED | MAP_FIXED, fd, 0)
                if p in (None, MAP_FAILED):
                    raise OSError(ctypes.get_errno(), "mmap (alias)")
        finally:
            os.close(fd)
        holder = type("Holder", (), {})()
        holder.__array_interface__ = {"shape": (n,), "typestr": "<f8", "data": (base, True), "version": 3}
        self.array = np.asarray(holder)

    def close(self) -> None:
        del self.array
        gc.collect()
        _libc.munmap(self.base, self.bytes)


# ---------------------------------------------------------------------------------------------

P012 = (0.0, 1.0, 2.0)
P013 = (0.0, 1.0, 3.0)


def pattern_sum(n: int, pattern: Tuple[float, float, float]) -> float:
    return float((n // 3) * int(sum(pattern)) + int(sum(pattern[: n % 3])))


def sums(part: str, x: np.ndarray, pattern: Tuple[float, float, float], backends: List[str]) -> None:
    import speedup
    import speedup.legacy

    n = x.size
    want = pattern_sum(n, pattern)
    times = []
    for b in backends:
        speedup._use_backend(b)
        t0 = time.monotonic()
        got = speedup.sum(x)
        t1 = time.monotonic()
        mean = speedup.mean(x)
        t2 = time.monotonic()
        check(got == want, f"{part}: speedup.sum ({b}) of {n} elements: {got!r}, want {want!r}")
        check(mean == want / n, f"{part}: speedup.mean ({b}) of {n} elements: {mean!r}, want {want / n!r}")
        times.append(f"sum[{b}] {t1 - t0:.1f} s, mean[{b}] {t2 - t1:.1f} s")
    t0 = time.monotonic()
    legacy = speedup.legacy.sum(x)
    t1 = time.monotonic()
    check(legacy == want, f"{part}: speedup.legacy.sum of {n} elements: {legacy!r}, want {want!r}")
    print(f"huge-py: {part}: n = {n} ({pow2_plus(n)}): {', '.join(times)}, legacy.sum {t1 - t0:.1f} s; "
          f"exact ({want:.0f})", flush=True)


def check_pattern(out: np.ndarray, want: Tuple[float, float, float]) -> Tuple[int, int]:
    """(elements that differ from want[i % 3], the first such index or -1), in blocks."""
    step = 3 << 22  # 12.6 M elements: a multiple of 3, so every block starts at phase 0
    expect = np.tile(np.array(want), step // 3)
    bad, first = 0, -1
    for s in range(0, out.size, step):
        block = out[s:s + step]
        eq = block == expect[: block.size]
        if not eq.all():
            nb = int(block.size - np.count_nonzero(eq))
            if first < 0:
                first = s + int(np.argmin(eq))
            bad += nb
    return bad, first


def part_real(backends: List[str]) -> None:
    import speedup
    import speedup.legacy

    n = (1 << 31) + 1024
    if not have_memory("real (sum-real, d2)", n * 8):
        return
    t0 = time.monotonic()
    x = np.empty(n)
    # The pattern by doubling: 3 elements, then copies of what is there (memory speed, no
    # temporaries).
    x[:3] = P012
    filled = 3
    while filled < n:
        k = min(filled, n - filled)
        x[filled:filled + k] = x[:k]
        filled += k
    print(f"huge-py: sum-real: 16 GiB allocated and filled in {time.monotonic() - t0:.1f} s", flush=True)
    sums("sum-real", x, P012, backends)

    f = Alias(n + 2, P013)
    try:
        times = []
        for i, b in enumerate(backends):
            speedup._use_backend(b)
            dx = 1.0 if i % 2 == 0 else 0.5  # alternate, so that every call must write every element
            want = (1.0, -5.0, 4.0) if dx == 1.0 else (4.0, -20.0, 16.0)
            t0 = time.monotonic()
            r = speedup.second_derivative(f.array, dx, out=x)
            t1 = time.monotonic()
            bad, first = check_pattern(x, want)
            t2 = time.monotonic()
            check(r is x and bad == 0, f"d2: speedup.second_derivative ({b}) of {n + 2} elements: "
                  f"{bad} of {n} elements wrong (first at {first})")
            times.append(f"second_derivative[{b}] {t1 - t0:.1f} s (check {t2 - t1:.1f} s)")
        dx = 0.5 if len(backends) % 2 == 1 else 1.0
        want = (1.0, -5.0, 4.0) if dx == 1.0 else (4.0, -20.0, 16.0)
        t0 = time.monotonic()
        speedup.legacy.second_derivative(f.array, dx, out=x)
        t1 = time.monotonic()
        bad, first = check_pattern(x, want)
        t2 = time.monotonic()
        check(bad == 0, f"d2: speedup.legacy.second_derivative of {n + 2} elements: {bad} of {n} "
              f"elements wrong (first at {first})")
        times.append(f"legacy.second_derivative {t1 - t0:.1f} s (check {t2 - t1:.1f} s)")
        print(f"huge-py: d2: n = {n + 2} ({pow2_plus(n + 2)}), every element checked: {', '.join(times)}",
              flush=True)
    finally:
        f.close()
        del x
        gc.collect()


def part_sum_alias(backends: List[str]) -> None:
    for n in ((1 << 31) + 1026, (1 << 32) + 3001):
        a = Alias(n, P012)
        try:
            sums("sum-alias", a.array, P012, backends)
        finally:
            a.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--backends", default="pyo3,ctypes")
    ap.add_argument("parts", nargs="*", help="sum-alias, real (default: both)")
    args = ap.parse_args()
    for p in args.parts:
        if p not in ("sum-alias", "real"):
            ap.error(f"unknown part {p!r} (sum-alias, real)")
    backends = [b for b in args.backends.split(",") if b]
    import speedup

    for b in backends:
        speedup._use_backend(b)
    parts: List[Tuple[str, Callable[[List[str]], Any]]] = [("sum-alias", part_sum_alias), ("real", part_real)]
    for name, fn in parts:
        if not args.parts or name in args.parts:
            fn(backends)
    print(f"huge-py: {passed} passed, {failed} failed, {skipped} skipped", flush=True)
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
