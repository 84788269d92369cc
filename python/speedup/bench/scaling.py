"""Scaling from 1 to 2 threads, measured twice for the compute-bound kernels.

- **pool awake** (judged, >= 1.9x, or 97% of the machine's ceiling where that is lower: see
  :func:`ceiling`): calls at 1 and at 2 threads back to back, pair after pair,
  so speedup's worker pool is still awake when the 2-thread call starts (a 1-thread call runs on
  the caller's thread and leaves the 2-thread pool alone). This is the kernels' own scaling.
- **after an idle pause** (reported, not judged): each 2-thread call follows a pause long enough
  for the pool's threads to go to sleep, as a program that calls a kernel now and then sees it.
  On a small VM the first parallel call after a pause often starts on one CPU; this figure shows
  what that costs.

Each figure is the best of its repetitions. Each call is grown from the race's size (or a
fraction of it) until it takes about :data:`CALL_S` on one thread here, so that what is timed is
the kernel's work and not a CPU's wake-up: ``sum_primes_below`` takes a larger ``n``,
``monte_carlo_pi`` more points, ``markov_chains`` more steps and ``mandelbrot`` more iterations
on the race's grid (at the race's 20 iterations it reads and writes about as much as it
computes). The size is in the figure's detail.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Tuple

from .race import Workload

JUDGED = ("monte_carlo_pi", "markov_chains", "mandelbrot", "sum_primes_below")
REPORTED: Tuple[str, ...] = ()  # workloads measured and shown, not judged
NEED = 1.9


CALL_S = 0.1  # a scaled call's time on one thread, at least


def _timed(call: Callable[[], Any]) -> float:
    t0 = time.perf_counter()
    call()
    return time.perf_counter() - t0


@dataclass
class Scaled:
    """A call that grows with one integer: ``call(k)`` is the call at ``k``, starting at
    ``start``; ``label(k)`` says its size."""

    start: int
    label: Callable[[int], str]
    call: Callable[[int], Callable[[], Any]]


def grown(s: Scaled, set_threads: Callable[[int], None], call_s: float = CALL_S,
          most: int = 1 << 62) -> Tuple[str, Callable[[], Any]]:
    """The first of ``s.start``, then larger ``k`` (by the time it took, 2x to 16x a step),
    whose call takes ``call_s`` or more on one thread (or reaches ``most``)."""
    set_threads(1)
    k = s.start
    while True:
        call = s.call(k)
        t = _timed(call)
        if t >= call_s or k >= most:
            return s.label(k), call
        k = min(most, k * max(2, min(16, int(1.3 * call_s / max(t, 1e-6)) + 1)))


def measure_one(call: Callable[[], Any], set_threads: Callable[[int], None], pairs: int = 3,
                pause_s: float = 0.25) -> Dict[str, Any]:
    """Best 1-thread and 2-thread times, back to back and after ``pause_s`` idle."""
    one: List[float] = []
    two: List[float] = []
    idle: List[float] = []
    set_threads(2)
    call()  # wakes (or builds) the pool
    for _ in range(pairs):
        set_threads(1)
        one.append(_timed(call))
        set_threads(2)
        two.append(_timed(call))
    for _ in range(pairs):
        time.sleep(pause_s)
        idle.append(_timed(call))
    t1, t2, t2i = min(one), min(two), min(idle)
    return {"one_s": t1, "two_s": t2, "two_after_pause_s": t2i, "awake": t1 / t2,
            "after_pause": t1 / t2i, "pause_s": pause_s, "ceiling": ceiling(call, set_threads, pairs),
            "samples": {"one": one, "two": two, "after_pause": idle}}


def ceiling(call: Callable[[], Any], set_threads: Callable[[int], None], pairs: int = 3) -> float:
    """What two CPUs of this machine give this work with no pool involved: two one-thread calls
    one after the other against the same two on two Python threads at once (the kernels release
    the GIL), best of ``pairs`` each. Below 2 where the CPUs share a core or the host."""
    set_threads(1)
    seq: List[float] = []
    par: List[float] = []

    def both() -> None:
        other = threading.Thread(target=call)
        other.start()
        call()
        other.join()

    for _ in range(pairs):
        seq.append(_timed(lambda: (call(), call())))
        par.append(_timed(both))
    return min(seq) / min(par)


def need(s: Dict[str, Any]) -> float:
    """The judged scaling: :data:`NEED`, or 97% of the machine's own ceiling for this work where
    that is lower (two CPUs that give two copies of a call less than 1.96x cannot give one call
    1.9x)."""
    c = s.get("ceiling")
    return NEED if c is None else min(NEED, 0.97 * c)


def measure(workloads: List[Workload], set_threads: Callable[[int], None], threads: List[int],
            tick: Callable[[str], None] = lambda label: None,
            sized: Optional[Dict[str, Scaled]] = None) -> Dict[str, Any]:
    """Per compute-bound workload of the run: the two scalings, or why they were not measured.
    ``sized`` gives a workload a call of its own, grown until one thread takes :data:`CALL_S`
    (:func:`grown`); the others time the race's own 1-thread call."""
    out: Dict[str, Any] = {}
    for w in workloads:
        if w.name not in JUDGED + REPORTED:
            continue
        c = next((k for k in w.contestants if k.key == "speedup@1" and k.run is not None and not k.error), None)
        if c is None or not {1, 2} <= set(threads):
            out[w.name] = {"why": "needs --threads with 1 and 2 (this run: " + ",".join(map(str, threads)) + ")"}
            continue
        tick(f"scaling: {w.name}")
        scaled = (sized or {}).get(w.name)
        size, call = grown(scaled, set_threads) if scaled else (w.size, c.run)
        assert call is not None
        out[w.name] = dict(measure_one(call, set_threads), size=size)
    return out


def targets(scaling: Dict[str, Any]) -> List[Dict[str, Any]]:
    """Judged: pool awake, for :data:`JUDGED`; reported (``met`` None): the rest."""
    from .report import fmt_time

    rows: List[Dict[str, Any]] = []
    for name, s in scaling.items():
        judged = name in JUDGED
        why: Optional[str] = s.get("why")
        awake = s.get("awake")
        met = None if (awake is None or not judged) else awake >= need(s)
        cap = "" if s.get("ceiling") is None else f"; two one-thread calls at once {s['ceiling']:.2f}x"
        detail = f"not evaluated: {why}" if why else (
            f"{s['size']}: {fmt_time(s['one_s'])} / {fmt_time(s['two_s'])} = {awake:.2f}x back to back; after a "
            f"{s['pause_s']:g} s pause {fmt_time(s['two_after_pause_s'])} = {s['after_pause']:.2f}x{cap}"
            + ("" if judged else " (reported, not judged)"))
        goal = f">= {need(s):.2f}x, pool awake" if judged else "reported"
        rows.append({"target": f"{name}: scaling 1 -> 2 threads", "goal": goal, "value": awake, "met": met,
                     "detail": detail})
    return rows
