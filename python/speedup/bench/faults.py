"""What a fresh output costs the Laplacian: the kernel writing into memory the operating system
has not mapped yet takes a page fault per page (4 KiB, or 2 MiB where transparent huge pages
apply) and the system zeroes each page before the kernel overwrites it.

:func:`probe` times, round after round (interleaved, best of the rounds), the same Laplacian:

- ``out=``: into one output reused every call (faulted long ago): the kernel alone;
- ``pre-faulted``: into a new array touched in advance, outside the timing: a new buffer whose
  pages exist (what a buffer pool would hand out);
- ``fresh``: the default call, which allocates its result (``numpy.empty``; NumPy advises
  huge pages for large arrays);
- ``fresh, no THP advice``: the same with NumPy's huge-page advice switched off;
- ``fresh, parallel first touch``: the door touching the new array on every thread before the
  kernel writes (timed with the call).

It also counts the minor page faults of one call of each (``getrusage``, this process). A fresh
result is freed after its timing: the return of its pages to the system is not counted.
"""

from __future__ import annotations

import resource
import time
from typing import Any, Callable, Dict, List, Optional

import numpy as np

from .floor import Team

VARIANTS = ("out=", "pre-faulted", "fresh", "fresh, no THP advice", "fresh, parallel first touch")


def _hugepage_switch() -> Optional[Callable[[bool], bool]]:
    for mod in ("numpy._core.multiarray", "numpy.core.multiarray"):
        try:
            m = __import__(mod, fromlist=["_set_madvise_hugepage"])
            return getattr(m, "_set_madvise_hugepage")  # type: ignore[no-any-return]
        except (ImportError, AttributeError):
            continue
    return None


def _minflt() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt


def probe(lap: Callable[..., np.ndarray], f: np.ndarray, dx: float, team: Team, rounds: int = 5) -> Dict[str, Any]:
    """Best time and page faults per call of each variant (:data:`VARIANTS`); ``lap(f, dx, dy,
    out=None)`` is speedup's Laplacian at the thread count already set."""
    shape = (f.shape[0] - 2, f.shape[1] - 2)
    out = np.empty(shape)
    out.fill(0.0)
    switch = _hugepage_switch()

    def first_touch() -> np.ndarray:
        o = np.empty(shape)
        team.run(lambda p: p.fill(0.0), team.split(o.reshape(-1)))
        return lap(f, dx, dx, out=o)

    def no_thp() -> np.ndarray:
        assert switch is not None
        before = switch(False)
        try:
            return lap(f, dx, dx)
        finally:
            switch(before)

    calls: Dict[str, Callable[[], Any]] = {
        "out=": lambda: lap(f, dx, dx, out=out),
        "fresh": lambda: lap(f, dx, dx),
        "fresh, parallel first touch": first_touch,
    }
    if switch is not None:
        calls["fresh, no THP advice"] = no_thp
    times: Dict[str, List[float]] = {k: [] for k in VARIANTS}
    faults: Dict[str, Optional[int]] = {k: None for k in VARIANTS}
    for r in range(rounds):
        for name in VARIANTS[r % len(VARIANTS):] + VARIANTS[: r % len(VARIANTS)]:
            if name == "pre-faulted":
                o = np.empty(shape)
                team.run(lambda p: p.fill(0.0), team.split(o.reshape(-1)))
                call: Optional[Callable[[], Any]] = lambda o=o: lap(f, dx, dx, out=o)  # noqa: E731
            else:
                call = calls.get(name)
            if call is None:
                continue
            m0, t0 = _minflt(), time.perf_counter()
            result = call()
            t1, m1 = time.perf_counter(), _minflt()
            del result  # freeing (munmap) a fresh result is not part of its making
            times[name].append(t1 - t0)
            faults[name] = m1 - m0 if faults[name] is None else min(faults[name], m1 - m0)  # type: ignore[type-var]
    best = {k: min(v) for k, v in times.items() if v}
    base = best.get("out=")
    return {
        "shape": list(f.shape),
        "input_bytes": int(f.nbytes),
        "output_bytes": int(np.prod(shape)) * 8,
        "best_s": best,
        "minor_faults": {k: v for k, v in faults.items() if v is not None},
        "vs_out": {k: v / base for k, v in best.items()} if base else {},
        "thp_advice": switch is not None,
    }
