"""primesieve (Kim Walisch's prime generator, the fastest there is) as a contestant for one
large ``sum_primes_below`` query: the sum of the primes below ``n`` through its C iterator
(``primesieve_iterator``), loaded with ctypes from ``libprimesieve.so`` (Debian:
``libprimesieve-dev``; ``scripts/bench.sh`` installs it when run as root). Without the library
the contestant is skipped and says why.

The iterator hands out the primes in chunks (``primesieve_generate_next_primes``, what the
inline ``primesieve_next_prime`` calls); each chunk is summed with NumPy, exactly (high and
low 32-bit halves apart), so the Python overhead is per chunk, not per prime.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from typing import Any, Callable, Optional, Tuple

import numpy as np

from .race import Contestant, exact

LIBRARY_NAMES = ("primesieve", "libprimesieve.so.11", "libprimesieve.so.12")
MISSING = "libprimesieve not found (Debian: apt-get install libprimesieve-dev)"


class _Iterator(ctypes.Structure):
    """``primesieve_iterator`` of primesieve/iterator.h (versions 11 and 12)."""

    i: int
    size: int
    start: int
    stop_hint: int
    primes: Any
    memory: Optional[int]
    is_error: int
    _fields_ = [
        ("i", ctypes.c_size_t),
        ("size", ctypes.c_size_t),
        ("start", ctypes.c_uint64),
        ("stop_hint", ctypes.c_uint64),
        ("primes", ctypes.POINTER(ctypes.c_uint64)),
        ("memory", ctypes.c_void_p),
        ("is_error", ctypes.c_int),
    ]


def load() -> Tuple[Optional[ctypes.CDLL], str]:
    """The library with its iterator functions typed, or None and why not."""
    for name in LIBRARY_NAMES:
        path = ctypes.util.find_library(name) if "." not in name else name
        if not path:
            continue
        try:
            lib = ctypes.CDLL(path)
            it = ctypes.POINTER(_Iterator)
            for fn, args in (("primesieve_init", [it]), ("primesieve_free_iterator", [it]),
                             ("primesieve_generate_next_primes", [it]),
                             ("primesieve_jump_to", [it, ctypes.c_uint64, ctypes.c_uint64])):
                getattr(lib, fn).argtypes, getattr(lib, fn).restype = args, None
            lib.primesieve_version.argtypes, lib.primesieve_version.restype = [], ctypes.c_char_p
            return lib, ""
        except (OSError, AttributeError) as e:
            return None, f"libprimesieve unusable: {e}"
    return None, MISSING


def sum_below(lib: ctypes.CDLL, n: int) -> int:
    """The sum of the primes below ``n``, chunk by chunk from primesieve's iterator."""
    it = _Iterator()
    lib.primesieve_init(ctypes.byref(it))
    try:
        lib.primesieve_jump_to(ctypes.byref(it), 0, n)
        total = 0
        while True:
            lib.primesieve_generate_next_primes(ctypes.byref(it))
            if it.is_error:
                raise RuntimeError("primesieve: the iterator failed")
            chunk = np.ctypeslib.as_array(it.primes, shape=(it.size,))
            last = int(chunk[-1]) >= n
            if last:
                chunk = chunk[chunk < n]
            hi = int(np.sum(chunk >> np.uint64(32), dtype=np.uint64))
            lo = int(np.sum(chunk & np.uint64(0xFFFFFFFF), dtype=np.uint64))
            total += (hi << 32) + lo
            if last:
                return total
    finally:
        lib.primesieve_free_iterator(ctypes.byref(it))


def contestant(n: int, reference: Callable[[], Any]) -> Contestant:
    """primesieve's iterator summing the primes below ``n`` (one thread), or a skipped entry."""
    lib, why = load()
    if lib is None:
        return Contestant("primesieve", "primesieve iterator (ctypes)", "primesieve", skipped=why)
    version = lib.primesieve_version().decode()
    return Contestant("primesieve", f"primesieve {version} iterator (ctypes, 1 thread)", "primesieve",
                      run=lambda: sum_below(lib, n), reference=reference, compare=exact)
