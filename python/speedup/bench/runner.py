"""Runs the whole bench: machine information, the workloads, the Python call overhead, the size
sweep of serial against parallel; returns everything as one :class:`Results`."""

from __future__ import annotations

import functools
import os
import platform
import sys
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Sequence

import numpy as np

import speedup

from .. import _api
from . import axes, compare, faults, floor, scaling, seeds, workloads
from .race import Contestant, Knobs, Workload, run_workload


@dataclass
class Results:
    machine: Dict[str, Any]
    config: Dict[str, Any]
    workloads: List[Workload] = field(default_factory=list)
    overhead: Dict[str, Any] = field(default_factory=dict)
    sweep: Dict[str, List[Workload]] = field(default_factory=dict)
    notes: List[str] = field(default_factory=list)
    targets: List[Dict[str, Any]] = field(default_factory=list)
    wall_s: float = 0.0
    floor: Optional[Workload] = None  # the memory floor's contestants (floor.py)
    faults: Dict[str, Any] = field(default_factory=dict)  # the Laplacian's output variants (faults.py)
    scaling: Dict[str, Any] = field(default_factory=dict)  # 1 -> 2 threads, twice (scaling.py)
    axes: Dict[str, Any] = field(default_factory=dict)  # reductions along axes vs the flat sum (axes.py)

    def workload(self, name: str) -> Optional[Workload]:
        for w in self.workloads:
            if w.name == name:
                return w
        return None


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def usable_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def machine_info(numba_mod: Any) -> Dict[str, Any]:
    info: Dict[str, Any] = {
        "cpu": _cpu_model(),
        "logical_cpus": os.cpu_count(),
        "usable_cpus": usable_cpus(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "speedup": speedup.__version__,
        "speedup_default_threads": speedup.get_num_threads(),
        "numba": getattr(numba_mod, "__version__", None),
        "OMP_WAIT_POLICY": os.environ.get("OMP_WAIT_POLICY"),
        "load_average_at_start": _loadavg(),
    }
    for mod in ("matplotlib", "rich", "llvmlite"):
        m = sys.modules.get(mod)
        info[mod] = getattr(m, "__version__", None)
    return info


def _loadavg() -> Optional[List[float]]:
    try:
        return [round(v, 2) for v in os.getloadavg()]
    except (AttributeError, OSError):  # pragma: no cover
        return None


def _cpu_snapshot() -> Optional[Any]:
    """(seconds all CPUs were busy, seconds this process ran (all its threads), monotonic time),
    for :func:`other_cpu_share`; None where /proc/stat is missing."""
    try:
        with open("/proc/stat") as f:
            vals = [int(v) for v in f.readline().split()[1:9]]
    except (OSError, ValueError):  # pragma: no cover - not Linux
        return None
    clk = os.sysconf("SC_CLK_TCK")
    busy = (sum(vals) - vals[3] - vals[4]) / clk  # all but idle and iowait (steal included)
    own = os.times()
    return busy, own.user + own.system, time.monotonic()


def other_cpu_share(start: Optional[Any], end: Optional[Any]) -> Optional[float]:
    """The share of the machine's CPU time that other processes (or the hypervisor, as steal)
    used between two snapshots: what took cores from the contestants. The load average cannot
    tell this: right after command 1's build it still counts the compiler."""
    if start is None or end is None or end[2] <= start[2]:
        return None
    others = (end[0] - start[0]) - (end[1] - start[1])
    return round(max(0.0, others) / ((end[2] - start[2]) * (os.cpu_count() or 1)), 3)


def warm_up(seconds: float = 1.2) -> str:
    """Keeps every CPU busy through speedup's pool for ``seconds`` before anything is timed, and
    returns the calibration line that results. On a virtual machine whose other CPUs have idled
    for a while, a woken worker can stay queued behind the thread that woke it until the
    scheduler moves it (ticks later): speedup's calibration then reports a busy machine and
    keeps short calls serial until it measures again, a second or more later. A second of
    parallel work brings the CPUs back, and the calls of this loop carry that new measurement."""
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        speedup.monte_carlo_pi(20_000_000, seed=0)
    return str(speedup.config().get("calibration", ""))


def load_numba() -> Any:
    """(numba module, compiled contestants, why-not)."""
    try:
        import numba  # noqa: F401
    except ImportError:
        return None, None, workloads.NUMBA_MISSING
    try:
        return numba, seeds.numba_contestants(), ""
    except Exception as e:  # pragma: no cover - a broken numba install
        return None, None, f"numba failed to load: {type(e).__name__}: {e}"


def load_legacy() -> Any:
    try:
        import speedup.legacy as legacy
    except Exception as e:  # pragma: no cover
        return None, f"speedup.legacy failed to load: {e}"
    if not legacy.available:
        return None, f"the loaded library has no legacy routines ({legacy.library})"
    return legacy, ""


def measure_overhead(reps: int = 7, calls: int = 20000) -> Dict[str, Any]:
    """Seconds per call of ``speedup.sum`` on an empty array through each backend (and of
    ``numpy.sum`` for comparison): best of ``reps`` loops of ``calls`` calls."""
    e = np.empty(0)
    out: Dict[str, Any] = {}

    def per_call(fn: Callable[[], Any]) -> float:
        best = float("inf")
        for _ in range(reps):
            t0 = time.perf_counter()
            for _ in range(calls):
                fn()
            best = min(best, (time.perf_counter() - t0) / calls)
        return best

    previous = speedup.backend
    try:
        for b in ("pyo3", "ctypes"):
            try:
                speedup._use_backend(b)
            except ImportError as err:
                out[b] = None
                out[f"{b}_why"] = str(err)
                continue
            out[b] = per_call(lambda: speedup.sum(e))
    finally:
        speedup._use_backend(previous)
    out["numpy"] = per_call(lambda: np.sum(e))
    return out


def sweep_workloads(sz: workloads.Sizes, ctx: workloads.Context, numba_ok: bool) -> Dict[str, List[Workload]]:
    """For ``sum`` and ``laplacian`` at sizes from tiny to large: speedup on 1 thread (serial),
    speedup on all threads forced parallel at every size, and the default call (all threads,
    with the measured serial cut-off), beside Numba's serial and parallel versions."""
    ignore = getattr(ctx.pyo3, "bench_ignore_cutoffs", None)
    rng = np.random.default_rng(7)
    nb = ctx.numba if numba_ok else None
    out: Dict[str, List[Workload]] = {}

    def forced(fn: Callable[[], Any]) -> Callable[[], Any]:
        def run() -> Any:
            ignore(True)  # type: ignore[misc]
            try:
                return fn()
            finally:
                ignore(False)  # type: ignore[misc]

        return run

    def line(name: str, size: str, call: Callable[[], Any], nb_call: Optional[Callable[[str], Any]]) -> Workload:
        cs = [
            Contestant("serial", "speedup, 1 thread", "speedup", run=call, threads=1),
            Contestant("parallel", f"speedup, {ctx.tmax} threads, always parallel", "speedup",
                       run=forced(call) if ignore else None, threads=ctx.tmax,
                       skipped="" if ignore else "needs the PyO3 extension"),
            Contestant("default", f"speedup, {ctx.tmax} threads (default call)", "speedup", run=call,
                       threads=ctx.tmax),
        ]
        if nb_call is not None:
            cs.append(Contestant("numba", "Numba", "numba", run=lambda: nb_call("")))
            cs.append(Contestant("numba_par", f"Numba parallel, {ctx.tmax} threads", "numba_par",
                                 run=lambda: nb_call("_par"), threads=ctx.tmax))
        return Workload(name, size, cs)

    def nb_on(kernel: str, *args: Any) -> Optional[Callable[[str], Any]]:
        if nb is None:
            return None
        return lambda suffix: nb[kernel + suffix](*args)

    lines = []
    for n in sz.sweep_n:
        x = rng.standard_normal(n)
        w = line("sum", str(n), functools.partial(_api.sum, ctx.pyo3, x), nb_on("sum", x))
        w.extra["n"] = n
        lines.append(w)
    out["sum"] = lines
    lines = []
    for side in sz.sweep_side:
        f = rng.random((side, side))
        w = line("laplacian", f"{side}x{side}", functools.partial(_api.laplacian, ctx.pyo3, f, 0.1, 0.1),
                 nb_on("laplacian", f, 0.1, 0.1))
        w.extra["n"] = side * side
        lines.append(w)
    out["laplacian"] = lines
    return out


def run(
    preset: str,
    threads: Sequence[int],
    only: Sequence[str],
    *,
    sweep: bool = True,
    extra_contestants: Optional[Dict[str, List[Contestant]]] = None,
    progress: Any = None,
    budget_s: float = 0.5,
) -> Results:
    """The bench, start to end. ``extra_contestants`` adds contestants to named workloads (the
    tests use it to check that a wrong answer is flagged)."""
    t_start = time.perf_counter()
    cpu_start = _cpu_snapshot()
    sz = workloads.SIZES[preset]
    numba_mod, nb, nb_why = load_numba()
    legacy, legacy_why = load_legacy()
    ctx = workloads.Context(
        threads=list(threads),
        pyo3=_pyo3() or _ctypes(),
        ctypes=_ctypes(),
        legacy=legacy,
        legacy_why=legacy_why,
        numba=nb,
        numba_why=nb_why,
    )
    res = Results(
        machine=machine_info(numba_mod),
        config={"sizes": preset, "threads": list(threads), "only": list(only), "sweep": sweep},
    )
    if _pyo3() is None:
        res.notes.append("the PyO3 extension is not importable: 'PyO3' rows run through ctypes")
    if nb is None:
        res.notes.append(f"Numba: {nb_why}")
    if legacy is None:
        res.notes.append(f"legacy routines: {legacy_why}")
    knobs = Knobs(speedup, numba_mod)
    warm = 0.0 if preset == "tiny" else 1.2  # the tests' preset skips it
    res.notes.append(f"after a {warm:g} s warm-up on every CPU, calibration: {warm_up(warm)}")
    if numba_mod is not None and max(threads) > numba_mod.config.NUMBA_NUM_THREADS:
        res.notes.append(
            f"Numba runs at most NUMBA_NUM_THREADS={numba_mod.config.NUMBA_NUM_THREADS} threads"
        )

    built: List[Workload] = []
    for name in only:
        built.extend(workloads.BUILDERS[name](sz, ctx))
    for w in built:
        for c in (extra_contestants or {}).get(w.name, []):
            # judged like the workload's NumPy contestant (or speedup's, where NumPy has none)
            model = next((k for k in w.contestants if k.key == "numpy" and k.compare), None) or next(
                k for k in w.contestants if k.kind == "speedup"
            )
            if c.reference is None:
                c.reference = model.reference
            if c.compare is None:
                c.compare = model.compare
            w.contestants.append(c)
    sweep_ws = sweep_workloads(sz, ctx, nb is not None) if sweep else {}
    n_ticks = sum(1 for w in built for c in w.contestants if not c.skipped) * 6 + 1
    n_ticks += sum(len(ws) * 5 * 6 for ws in sweep_ws.values())
    if progress is not None:
        progress.start(n_ticks)
    tick = progress.tick if progress is not None else (lambda label: None)
    try:
        for w in built:
            run_workload(w, knobs, budget_s=budget_s, tick=tick)
            res.workloads.append(w)
        tick("Python call overhead")
        res.overhead = measure_overhead(calls=2000 if preset == "tiny" else 20000)
        for name, ws in sweep_ws.items():
            for w in ws:
                run_workload(w, knobs, budget_s=budget_s / 4, min_reps=5, max_reps=25, tick=tick)
            res.sweep[name] = ws
        t_machine = time.perf_counter()
        measure_machine(res, preset, sz, ctx, knobs, tick)
        t_machine = time.perf_counter() - t_machine
        res.notes.append(f"memory floor, output variants and scaling: {t_machine:.0f} s of the run")
    finally:
        knobs.restore()
        if progress is not None:
            progress.stop()
    if numba_mod is not None and nb is not None:
        try:
            res.machine["numba_threading_layer"] = numba_mod.threading_layer()
        except ValueError:
            res.machine["numba_threading_layer"] = None
    res.machine["load_average_at_end"] = _loadavg()
    res.machine["other_cpu_share"] = other_cpu_share(cpu_start, _cpu_snapshot())
    res.machine["signature"] = compare.signature(res.machine)
    res.wall_s = time.perf_counter() - t_start
    return res


def measure_machine(res: Results, preset: str, sz: workloads.Sizes, ctx: workloads.Context, knobs: Knobs,
                    tick: Callable[[str], None]) -> None:
    """The physical yardsticks, in the same run as the kernels: when ``sum`` ran, the reductions
    along axes against the flat sum (first, before the floor's BLAS and Numba threads run); the
    memory floor (streaming read and copy bandwidth at the kernels' thread count) when a
    memory-bound kernel ran, what a fresh output costs the Laplacian when it ran, and the
    1 -> 2 thread scaling of the compute-bound kernels."""
    llc = floor.llc_bytes()
    res.machine["llc_bytes"] = llc
    try:
        if res.workload("sum") is not None:
            speedup.set_num_threads(ctx.tmax)
            res.axes = axes.measure(speedup, sz.side, sz.n, reps=5 if preset == "tiny" else 15, tick=tick)
        if any(res.workload(n) for n in floor.JUDGED):
            fw, team = floor.floor_workload(floor.floor_nbytes(preset, llc), ctx.tmax, ctx.numba)
            try:
                run_workload(fw, knobs, budget_s=0.25, min_reps=5, max_reps=9, tick=tick)
                floor.summarise(fw, llc)
                res.floor = fw
                if res.workload("laplacian") is not None:
                    tick("laplacian: output page faults")
                    f = np.random.default_rng(5).random((sz.side, sz.side))
                    speedup.set_num_threads(ctx.tmax)
                    lap = functools.partial(_api.laplacian, ctx.pyo3)
                    res.faults = faults.probe(lap, f, 1.0 / (sz.side - 1), team)
            finally:
                team.close()
        res.scaling = scaling.measure(res.workloads, speedup.set_num_threads, list(ctx.threads), tick,
                                      sized=scaling_calls(sz, ctx))
    finally:
        knobs.restore()


def scaling_calls(sz: workloads.Sizes, ctx: workloads.Context) -> Dict[str, scaling.Scaled]:
    """The compute-bound calls whose scaling is timed, each grown from the race's size (or a
    fraction of it) until one thread takes about :data:`scaling.CALL_S` (scaling.py)."""
    P, seed = workloads.STOCK_MARKET, workloads.SEED
    grid = functools.lru_cache(maxsize=1)(lambda: workloads.mandel_grid(sz.mandel))  # when timed
    api = ctx.pyo3
    return {
        "sum_primes_below": scaling.Scaled(
            sz.primes**2, lambda n: f"n < {n:,}",
            lambda n: functools.partial(_api.sum_primes_below, api, np.array([n], dtype=np.uint64))),
        "monte_carlo_pi": scaling.Scaled(
            max(sz.pi // 10, 1000), lambda n: f"{n:,} points", lambda n: functools.partial(_api.monte_carlo_pi, api, n, seed)),
        "markov_chains": scaling.Scaled(
            max(sz.steps // 4, 100), lambda n: f"{sz.chains} chains x {n:,} steps",
            lambda n: functools.partial(_api.markov_chains, api, P, n, sz.chains, 0, seed)),
        "mandelbrot": scaling.Scaled(
            workloads.MANDEL_ITER, lambda n: f"{sz.mandel}x{sz.mandel}, {n} iterations",
            lambda n: functools.partial(_api.mandelbrot, api, grid(), n)),
    }


def _pyo3() -> Any:
    """The PyO3 extension, or None when it is not importable."""
    try:
        from .. import _speedup
    except ImportError:
        return None
    return _speedup


def _ctypes() -> Any:
    from .. import _ctypes_backend

    return _ctypes_backend.backend()
