"""The race itself: contestants, result checks, and interleaved timing.

A :class:`Workload` holds its :class:`Contestant` list and speedup's reference answers. The
runner (:func:`run_workload`) warms every contestant up (one call, which also gives the answer
that is checked and an estimate of its time; Numba compiles before it, in ``prepare``), picks a
repetition count per contestant from that estimate (a warm-up call longer than twice the time
budget counts as the first sample: nothing is left to warm up in a call that long), then runs the repetitions *interleaved*: round after round, each contestant
that still needs samples runs once, in an order rotated every round, so that a drift of the
machine (another process, the clock, the heat) hits every contestant alike. Each contestant
reports the median and the spread (min and max) of its samples.

A sample times a loop of back-to-back calls, as ``timeit`` does: as many calls as fill
:data:`MIN_SAMPLE_S` (one call for anything slower), divided by their number. Besides taming the
timer's resolution for microsecond calls, this keeps a thread pool's wake-up after the other
contestants' turns from being the whole measurement: on a small VM, the first parallel call
after an idle pause often runs its workers on one CPU (``tools/sched_probe.py``), which every
pool (speedup's, Numba's, OpenMP's) pays once per loop, not once per call.
"""

from __future__ import annotations

import math
import statistics
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Tuple

import numpy as np

U = 2.0**-53  # unit roundoff of float64
MIN_SAMPLE_S = 0.02  # a sample's loop lasts at least this long (timeit's "number", chosen per contestant)
MAX_CALLS = 10_000
# A threaded contestant timed right after another threaded runtime's turn starts with its own
# workers asleep, and its first milliseconds run slow: Linux may wake both of a 2-thread pool's
# workers onto one CPU until its load balancer moves one (see docs/bench.md, "When two threads
# are no faster than one"), and where OpenMP's threads are left to spin (OMP_WAIT_POLICY unset;
# `speedup bench` sets it to passive unless told otherwise) libgomp's workers keep a CPU for
# about 16 ms after each parallel call (a 2-thread laplacian timed right after Numba's parallel
# one ran at half speed for 8 ms, then 20% slow for 8 more). So a threaded contestant that
# follows another threaded contestant runs untimed calls for this long before its sample
# (either way round), unless one call lasts SETTLE_MAX_CALL_S or more (the slow start is little
# beside it, and the untimed call would double the contestant's time). In the size sweep,
# which judges the default call against serial and parallel ones, the laplacian's goal was
# met in 1 of 4 runs before and in 5 of 5 after. Sleeping instead does not work: after a
# pause of tens of milliseconds every threaded contestant measured slower.
SETTLE_S = 0.025
SETTLE_MAX_CALL_S = 0.25

SAME = "same bits"
WITHIN = "within bound"
STAT = "statistical (different stream)"
DIFFERS = "DIFFERS"
SKIPPED = "skipped"


@dataclass
class Check:
    status: str  # SAME, WITHIN, STAT, DIFFERS
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.status != DIFFERS

    def __str__(self) -> str:
        return f"{self.status} ({self.detail})" if self.detail else self.status


# Comparators: (answer, reference) -> Check. The reference is speedup's answer on the same input.
Comparator = Callable[[Any, Any], Check]


def _fmt_rel(r: float) -> str:
    return f"rel {r:.1e}"


def exact(got: Any, ref: Any) -> Check:
    """Integers, indices, tuples, arrays that must be identical."""
    if isinstance(ref, tuple):
        if len(got) != len(ref):
            return Check(DIFFERS, f"{len(got)} values, expected {len(ref)}")
        for k, (g, r) in enumerate(zip(got, ref)):
            c = exact(g, r)
            if c.status != SAME:
                return Check(DIFFERS, f"value {k}: {c.detail or c.status}")
        return Check(SAME)
    g, r = np.asarray(got), np.asarray(ref)
    if g.shape != r.shape:
        return Check(DIFFERS, f"shape {g.shape}, expected {r.shape}")
    if r.dtype.kind == "f" or g.dtype.kind == "f":
        gb = np.ascontiguousarray(g, dtype=np.float64).view(np.uint64)
        rb = np.ascontiguousarray(r, dtype=np.float64).view(np.uint64)
        bad = int(np.count_nonzero(gb != rb))
    else:
        bad = int(np.count_nonzero(g != r))
    if bad == 0:
        return Check(SAME)
    return Check(DIFFERS, f"{bad} of {r.size} values differ" if r.size > 1 else f"{got!r} vs {ref!r}")


def float_within(bound: Callable[[Any], float]) -> Comparator:
    """A scalar that may differ from the reference by at most ``bound(ref)`` (absolute)."""

    def cmp(got: Any, ref: Any) -> Check:
        g, r = float(got), float(ref)
        if np.float64(g).view(np.uint64) == np.float64(r).view(np.uint64):
            return Check(SAME)
        diff = abs(g - r)
        rel = diff / abs(r) if r else diff
        if diff <= bound(ref):
            return Check(WITHIN, _fmt_rel(rel))
        return Check(DIFFERS, f"{_fmt_rel(rel)} > bound {bound(ref) / abs(r) if r else bound(ref):.1e}")

    return cmp


def array_within(scale: np.ndarray, factor: float) -> Comparator:
    """Arrays equal bit for bit, or within ``factor * u * scale`` element by element (``scale``
    bounds the magnitude of the terms that each element sums)."""

    def cmp(got: Any, ref: Any) -> Check:
        g, r = np.asarray(got, dtype=np.float64), np.asarray(ref, dtype=np.float64)
        if g.shape != r.shape:
            return Check(DIFFERS, f"shape {g.shape}, expected {r.shape}")
        if np.array_equal(g.view(np.uint64), r.view(np.uint64)):
            return Check(SAME)
        s = np.broadcast_to(scale, r.shape)
        diff = np.abs(g - r)
        worst = float(np.max(diff / np.where(s > 0, s, 1.0)))
        bad = int(np.count_nonzero(diff > factor * U * s))
        if bad == 0:
            return Check(WITHIN, f"{worst / U:.1f} u x term size")
        return Check(DIFFERS, f"{bad} of {r.size} beyond {factor:g} u x term size")

    return cmp


def pi_statistical(n_points: int) -> Comparator:
    """Two estimates of pi from independent streams: their difference, in standard deviations
    (each has sd 4*sqrt(p(1-p)/n), p = pi/4); beyond 5 sd they differ."""
    p = math.pi / 4
    sd = 4 * math.sqrt(2 * p * (1 - p) / n_points)

    def cmp(got: Any, ref: Any) -> Check:
        z = abs(float(got) - float(ref)) / sd
        return Check(STAT if z <= 5 else DIFFERS, f"|diff| = {z:.1f} sd")

    return cmp


def markov_statistical(total_steps: int) -> Comparator:
    """Visit fractions of each state from an independent stream: within 30/sqrt(steps) of
    speedup's (generous: the chains are correlated)."""
    tol = 30 / math.sqrt(max(total_steps, 1))

    def cmp(got: Any, ref: Any) -> Check:
        g, r = np.asarray(got, dtype=np.float64), np.asarray(ref, dtype=np.float64)
        if g.shape != r.shape:
            return Check(DIFFERS, f"shape {g.shape}, expected {r.shape}")
        fg, fr = g.sum(axis=0) / g.sum(), r.sum(axis=0) / r.sum()
        worst = float(np.max(np.abs(fg - fr)))
        return Check(STAT if worst <= tol else DIFFERS, f"max |fraction diff| {worst:.1e}")

    return cmp


@dataclass
class Contestant:
    """One way to compute a workload. ``run()`` computes the answer (the timed call);
    ``compare(answer, reference)`` checks it; ``scale`` multiplies its time when it runs at a
    reduced size (``scaled_from`` says which), so that its figure estimates the full size."""

    key: str
    label: str
    kind: str  # python, numpy, numba, numba_par, legacy, speedup, ctypes
    run: Optional[Callable[[], Any]] = None
    reference: Optional[Callable[[], Any]] = None  # speedup's answer on the same input
    compare: Optional[Comparator] = None
    threads: Optional[int] = None  # speedup's knob (speedup, ctypes, legacy) or Numba's
    scale: float = 1.0
    scaled_from: str = ""
    skipped: str = ""  # why it does not run
    prepare: Optional[Callable[[], None]] = None  # e.g. Numba compilation on a small input
    # results
    samples: List[float] = field(default_factory=list)  # seconds per call, one per loop
    calls_per_sample: int = 1  # the loop's length (timeit's "number")
    check: Optional[Check] = None
    error: str = ""

    @property
    def time(self) -> Optional[float]:
        """Median time, scaled to the full size."""
        if not self.samples:
            return None
        return statistics.median(self.samples) * self.scale

    @property
    def t(self) -> float:
        """Median time, scaled to the full size (only for a contestant that ran)."""
        if not self.samples:
            raise ValueError(f"{self.key} has no samples")
        return statistics.median(self.samples) * self.scale

    @property
    def lo(self) -> float:
        return min(self.samples) * self.scale

    @property
    def hi(self) -> float:
        return max(self.samples) * self.scale

    @property
    def spread(self) -> Optional[Tuple[float, float]]:
        if not self.samples:
            return None
        return min(self.samples) * self.scale, max(self.samples) * self.scale

    def to_json(self) -> Dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "kind": self.kind,
            "threads": self.threads,
            "time_s": self.time,
            "min_s": self.spread[0] if self.spread else None,
            "max_s": self.spread[1] if self.spread else None,
            "samples_s": list(self.samples),
            "calls_per_sample": self.calls_per_sample,
            "scale": self.scale,
            "scaled_from": self.scaled_from or None,
            "check": None if self.check is None else {"status": self.check.status, "detail": self.check.detail},
            "skipped": self.skipped or None,
            "error": self.error or None,
        }


@dataclass
class Workload:
    name: str
    size: str
    contestants: List[Contestant]
    notes: List[str] = field(default_factory=list)
    extra: Dict[str, Any] = field(default_factory=dict)  # workload-specific measurements

    def find(self, key: str) -> Optional[Contestant]:
        for c in self.contestants:
            if c.key == key and c.samples:
                return c
        return None

    def to_json(self) -> Dict[str, Any]:
        return {
            "name": self.name,
            "size": self.size,
            "notes": list(self.notes),
            "extra": dict(self.extra),
            "contestants": [c.to_json() for c in self.contestants],
        }


class Knobs:
    """Sets the thread count a contestant runs at: speedup's knob (which the legacy OpenMP
    routines follow too) and Numba's."""

    def __init__(self, speedup_mod: Any, numba_mod: Any = None) -> None:
        self.sp = speedup_mod
        self.nb = numba_mod
        self.default = speedup_mod.get_num_threads()

    def apply(self, c: Contestant) -> None:
        t = c.threads or self.default
        self.sp.set_num_threads(t)
        if self.nb is not None and c.kind == "numba_par":
            self.nb.set_num_threads(min(t, self.nb.config.NUMBA_NUM_THREADS))

    def restore(self) -> None:
        self.sp.set_num_threads(self.default)


def _timed(fn: Callable[[], Any]) -> Tuple[float, Any]:
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def best_time(fn: Callable[[], Any], reps: int = 3, warm: bool = True) -> float:
    """The shortest of ``reps`` timed calls of ``fn``, after one untimed call when ``warm``: the
    figure of the quick timing scripts (``tools/python_timings.py``, ``tools/dask_bench.py``,
    ``scripts/bench_stencils.py``), not of the race."""
    if warm:
        fn()
    return min(_timed(fn)[0] for _ in range(reps))


def _threaded(c: Contestant) -> bool:
    """Whether ``c`` runs on more than one thread (see ``SETTLE_S``)."""
    return c.kind in ("numba_par", "legacy", "speedup", "ctypes") and (c.threads or 1) > 1


def _run_for(fn: Callable[[], Any], seconds: float) -> None:
    """Calls ``fn`` (untimed) until ``seconds`` have passed, at least once."""
    t0 = time.perf_counter()
    fn()
    while time.perf_counter() - t0 < seconds:
        fn()


def _timed_loop(fn: Callable[[], Any], calls: int) -> float:
    """Seconds per call of ``calls`` back-to-back calls of ``fn``."""
    t0 = time.perf_counter()
    for _ in range(calls):
        fn()
    return (time.perf_counter() - t0) / calls


def run_workload(
    w: Workload,
    knobs: Knobs,
    *,
    budget_s: float = 1.0,
    min_reps: int = 3,
    max_reps: int = 15,
    tick: Callable[[str], None] = lambda label: None,
) -> None:
    """Warm-up, check, then interleaved repetitions of every runnable contestant of ``w``."""
    live: List[Contestant] = []
    reps: Dict[str, int] = {}
    calls: Dict[str, int] = {}
    call_s: Dict[str, float] = {}
    for c in w.contestants:
        if c.skipped or c.run is None:
            continue
        tick(f"{w.name}: warm-up {c.label}")
        try:
            if c.prepare is not None:
                c.prepare()
            knobs.apply(c)
            t, answer = _timed(c.run)
            if c.compare is not None and c.reference is not None:
                c.check = c.compare(answer, c.reference())
        except Exception as e:  # a contestant that fails is reported, not fatal
            c.error = f"{type(e).__name__}: {e}"
            continue
        finally:
            knobs.restore()
        live.append(c)
        call_s[c.key] = t
        calls[c.key] = 1 if t >= MIN_SAMPLE_S else min(MAX_CALLS, math.ceil(MIN_SAMPLE_S / max(t, 1e-7)))
        reps[c.key] = max(min_reps, min(max_reps, int(budget_s / max(t * calls[c.key], 1e-9))))
        if t > 2 * budget_s and (c.prepare is not None or c.kind not in ("numba", "numba_par")):
            # a call this long is its own warm-up (Numba compiled in prepare(); caches and page
            # faults are noise beside it)
            c.samples.append(t)
    rounds = max(reps.values(), default=0)
    previous: Optional[Contestant] = None
    for r in range(rounds):
        order = live[r % len(live) :] + live[: r % len(live)] if live else []
        for c in order:
            if len(c.samples) >= reps[c.key]:
                continue
            tick(f"{w.name}: {c.label}")
            settle = (
                previous is not None and previous is not c and _threaded(previous) and _threaded(c)
                and call_s[c.key] < SETTLE_MAX_CALL_S
            )
            previous = c
            knobs.apply(c)
            assert c.run is not None
            try:
                if settle:
                    _run_for(c.run, SETTLE_S)
                t = _timed_loop(c.run, calls[c.key])
            finally:
                knobs.restore()
            c.samples.append(t)
            c.calls_per_sample = calls[c.key]
