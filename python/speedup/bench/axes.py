"""The NumPy-style reductions against the flat ``sum`` of the same data, side by side in one run.

Each goal is a ratio of two calls through the Python door (``speedup.sum`` on NumPy arrays), so
it holds whatever the machine's speed: the calls of one goal run interleaved, pair after pair,
and each side keeps its best (minimum) time.

- ``sum(x, axis=0)``, ``sum(x, axis=1)`` of a square C-order float64 matrix, and ``sum(x.T)``
  (the whole sum of a Fortran-order view, read in place): each within 1.2x of ``sum(x)``.
- ``sum`` of float32 data: at least 1.8x faster than of float64 data of the same length (it
  reads half the bytes; the arithmetic is the same float64 tree).
"""

from __future__ import annotations

import time
from typing import Any, Callable, Dict, List

import numpy as np

AXES_NEED = 1.2  # at most this many times the flat sum's time
F32_NEED = 1.8  # float32 at least this many times faster than float64
MIN_SIDE, MIN_N = 1000, 10**6  # smaller calls (the tests' preset) are reported, not judged

# (name, the call on x) for the lanes' goals; each is compared with sum(x)
CASES = (
    ("sum(x, axis=0)", lambda s, x: s.sum(x, axis=0)),
    ("sum(x, axis=1)", lambda s, x: s.sum(x, axis=1)),
    ("sum(x.T)", lambda s, x: s.sum(x.T)),
)


def _best_pair(a: Callable[[], Any], b: Callable[[], Any], reps: int) -> List[float]:
    """Best times of ``a`` and ``b``, called alternately ``reps`` times each."""
    best = [float("inf"), float("inf")]
    a(), b()  # warm: page faults, the pool
    for _ in range(reps):
        for k, f in enumerate((a, b)):
            t0 = time.perf_counter()
            f()
            best[k] = min(best[k], time.perf_counter() - t0)
    return best


def measure(speedup: Any, side: int, n: int, reps: int = 15,
            tick: Callable[[str], None] = lambda label: None) -> Dict[str, Any]:
    """The figures of every goal: ``{name: {size, base, base_s, time_s, ratio, judged}}``,
    where ``ratio`` is the goal's measure (time over the flat sum's time, or float64's time over
    float32's) and ``judged`` says the call is large enough to judge (not the tests' preset)."""
    rng = np.random.default_rng(17)
    x = rng.random((side, side))
    out: Dict[str, Any] = {}
    for name, call in CASES:
        tick(f"reductions along axes: {name}")
        flat, t = _best_pair(lambda: speedup.sum(x), lambda: call(speedup, x), reps)
        out[name] = {"size": f"{side} x {side} float64", "base": "sum(x)", "base_s": flat, "time_s": t,
                     "ratio": t / flat, "judged": side >= MIN_SIDE}
    del x
    tick("reductions along axes: float32 sum")
    x64 = rng.random(n)
    x32 = x64.astype(np.float32)
    t64, t32 = _best_pair(lambda: speedup.sum(x64), lambda: speedup.sum(x32), reps)
    out["sum(float32)"] = {"size": f"{n:,} elements", "base": "sum(float64)", "base_s": t64, "time_s": t32,
                           "ratio": t64 / t32, "judged": n >= MIN_N}
    return out


def targets(figures: Dict[str, Any]) -> List[Dict[str, Any]]:
    """One target per goal (none when the figures were not measured)."""
    from .report import fmt_time

    rows: List[Dict[str, Any]] = []
    for name, f in figures.items():
        r = f["ratio"]
        if name == "sum(float32)":
            goal, met = f">= {F32_NEED:g}x faster than {f['base']}", r >= F32_NEED
            detail = f"{f['size']}: {fmt_time(f['base_s'])} / {fmt_time(f['time_s'])} = {r:.2f}x"
        else:
            goal, met = f"<= {AXES_NEED:g}x the time of {f['base']}", r <= AXES_NEED
            detail = f"{f['size']}: {fmt_time(f['time_s'])} / {fmt_time(f['base_s'])} = {r:.2f}x"
        judged = f["judged"]
        detail += " (best of interleaved calls)" if judged else " (too small to judge: reported only)"
        rows.append({"target": f"{name}: vs {f['base']}", "goal": goal, "value": r,
                     "met": met if judged else None, "detail": detail})
    return rows
