"""What the bench shows: the speed targets evaluated from the run's own figures, the
terminal tables, ``results.json`` and ``results.md``."""

from __future__ import annotations

import json
import math
import sys
from typing import Any, Dict, List, Optional, Sequence, Tuple

from . import axes, compare, floor, scaling
from .race import Workload
from .runner import Results

SCHEMA = "speedup-bench/2"


def fmt_time(t: Optional[float]) -> str:
    if t is None:
        return "-"
    if t >= 1:
        return f"{t:.2f} s"
    if t >= 1e-3:
        return f"{t * 1e3:.2f} ms"
    if t >= 1e-6:
        return f"{t * 1e6:.2f} us"
    return f"{t * 1e9:.0f} ns"


def fmt_ratio(r: Optional[float]) -> str:
    if r is None or not math.isfinite(r):
        return "-"
    if r >= 100:
        return f"{r:,.0f}x"
    if r >= 10:
        return f"{r:.1f}x"
    return f"{r:.2f}x"


def best_speedup(w: Workload) -> Any:
    """speedup at the largest thread count measured (PyO3)."""
    cs = [c for c in w.contestants if c.kind == "speedup" and c.samples]
    return max(cs, key=lambda c: c.threads or 0) if cs else None


def _div(slow: Any, fast: Any, r: float) -> str:
    return f"{fmt_time(slow.time)} / {fmt_time(fast.time)} = {fmt_ratio(r)}"


def _ft(c: Any) -> str:
    return "-" if c is None else fmt_time(c.time)


def ratio(slow: Any, fast: Any) -> Optional[float]:
    if slow is None or fast is None or slow.time is None or fast.time is None or fast.time <= 0:
        return None
    return slow.time / fast.time  # type: ignore[no-any-return]


# ---------------------------------------------------------------------------------------------
# Speed targets


def _target(name: str, goal: str, value: Optional[float], met: Optional[bool], detail: str) -> Dict[str, Any]:
    return {"target": name, "goal": goal, "value": value, "met": met, "detail": detail}


def _vs(res: Results, wname: str, key: str, need: float, name: str, who: str) -> List[Dict[str, Any]]:
    w = res.workload(wname)
    if w is None:
        return []
    sp, other = best_speedup(w), w.find(key)
    r = ratio(other, sp)
    goal = f">= {need:g}x faster than {who}"
    if r is None:
        why = next((c.skipped or c.error for c in w.contestants if c.key == key), "") or "not measured"
        return [_target(name, goal, None, None, f"not evaluated: {who} {why}")]
    return [_target(name, goal, r, r >= need, _div(other, sp, r))]


def floor_targets(res: Results) -> List[Dict[str, Any]]:
    """``sum``, ``std`` and ``laplacian`` (``out=``) against the memory floor of the same run:
    the bytes each must move per call over its best time, as a share of the fastest streaming
    read (``sum``: x once, ``std``: x twice) or of the copy (``laplacian``: f read, out written)."""
    summary = res.floor.extra.get("summary", {}) if res.floor is not None else {}
    llc = res.machine.get("llc_bytes")
    n_bytes = 8 * _sizes(res).n
    out: List[Dict[str, Any]] = []
    for name in floor.JUDGED:
        w = res.workload(name)
        if w is None:
            continue
        need = floor.NEED[name]
        if name == "laplacian":
            base, what = summary.get("copy"), "a copy"
            secs = res.faults.get("best_s", {}).get("out=")
            moved = ws = float(sum(res.faults.get(k, 0) for k in ("input_bytes", "output_bytes")))
            label = "laplacian (out=): vs copy bandwidth"
        else:
            base, what = summary.get("read"), "one streaming read" if name == "sum" else "two streaming reads"
            sp = best_speedup(w)
            secs = None if sp is None else sp.lo
            moved, ws = float(n_bytes * (1 if name == "sum" else 2)), float(n_bytes)
            label = f"{name}: vs streaming read"
        bps = None if base is None else base["Bps"]
        frac, met, why = floor.judge(moved, secs, bps, need, ws, llc)
        detail = why or (f"{moved / secs / 1e9:.1f} GB/s moved ({moved / 2**20:.0f} MiB in {fmt_time(secs)}) vs "
                         f"{bps / 1e9:.1f} GB/s ({base['by']})")  # type: ignore[index,operator]
        out.append(_target(label, f">= {need:.0%} of {what}", frac, met, detail))
    return out


def _sizes(res: Results) -> Any:
    from .workloads import SIZES

    return SIZES[res.config["sizes"]]


def evaluate_targets(res: Results) -> List[Dict[str, Any]]:
    out: List[Dict[str, Any]] = []
    w = res.workload("sum")
    if w is not None:
        sp, npy = best_speedup(w), w.find("numpy")
        r = ratio(npy, sp)
        if r is not None:
            out.append(_target("sum: no slower than numpy.sum", ">= 1.00x numpy.sum", r, r >= 1.0,
                               _div(npy, sp, r)))
    out += floor_targets(res)
    out += _vs(res, "comb_backward", "numba", 2, "comb_backward: vs Numba", "Numba")
    out += _vs(res, "sum_primes_below", "numba_par", 500, "sum_primes_below: vs parallel Numba", "parallel Numba")
    # The Philox goals: Monte Carlo at least 10x and the Markov chains at least 3x parallel Numba.
    out += _vs(res, "monte_carlo_pi", "numba_par", 10, "monte_carlo_pi: vs parallel Numba", "parallel Numba")
    w = res.workload("monte_carlo_pi")
    if w is not None:
        sp_runs = [c for c in w.contestants if c.kind in ("speedup", "ctypes") and c.check is not None]
        same = all(c.check.status == "same bits" for c in sp_runs)  # type: ignore[union-attr]
        npy = w.find("numpy")
        extra = "" if npy is None or npy.check is None else f"; NumPy's Philox: {npy.check.status}"
        out.append(_target("monte_carlo_pi: reproducible", "same bits at every thread count and door",
                           None, same if sp_runs else None,
                           f"{len(sp_runs)} speedup runs ({', '.join(c.key for c in sp_runs)}) "
                           + ("all the same bits" if same else "DIFFER") + extra))
    out += _vs(res, "closest_pair", "numba", 10, "closest_pair: vs Numba (2000 points)", "Numba")
    w = res.workload("closest_pair_big")
    if w is not None:
        sp = best_speedup(w)
        if sp is not None:
            n = w.size
            ok = sp.time < 0.5 if n.startswith("1,000,000") else None
            out.append(_target("closest_pair: 1e6 points", "< 0.5 s", sp.time, ok,
                               f"{n}: {fmt_time(sp.time)}" + ("" if ok is not None else " (not 1e6 points in this preset)")))
    out += _vs(res, "mandelbrot", "numba_par", 4, "mandelbrot: vs parallel Numba", "parallel Numba")
    out += _vs(res, "markov_chains", "numba_par", 3, "markov_chains: vs parallel Numba", "parallel Numba")
    # every Rust kernel at least as fast as its legacy twin at the same thread count
    for w in res.workloads:
        for c in w.contestants:
            if c.kind != "legacy" or not c.samples:
                continue
            sp = w.find(f"speedup@{c.threads}")
            r = ratio(c, sp)
            if r is not None:
                out.append(_target(f"{w.name}: vs legacy, {c.threads} thread(s)", ">= 1.00x legacy", r, r >= 1.0,
                                   _div(c, sp, r)))
    # compute-bound kernels: 1 -> 2 threads, pool awake (judged) and after an idle pause
    out += scaling.targets(res.scaling)
    # the reductions along axes, and float32, against the flat float64 sum
    out += axes.targets(res.axes)
    # Python call overhead
    for door, limit in (("pyo3", 1e-6), ("ctypes", 5e-6)):
        t = res.overhead.get(door)
        if door in res.overhead:
            out.append(_target(f"call overhead, empty array, {door}", f"<= {fmt_time(limit)}", t,
                               None if t is None else t <= limit,
                               fmt_time(t) + " per speedup.sum(empty)" if t is not None else res.overhead.get(f"{door}_why", "")))
    # the default call vs the better of serial and parallel, at every size of the sweep
    for name, ws in res.sweep.items():
        worst, worst_at, evaluated = 0.0, "", 0
        for w in ws:
            d, s, p = w.find("default"), w.find("serial"), w.find("parallel")
            if d is None or s is None or p is None:
                continue
            evaluated += 1
            over = d.t / min(s.t, p.t) - 1
            if over > worst or not worst_at:
                worst, worst_at = over, w.size
        if evaluated:
            out.append(_target(f"{name}: default call in the size sweep", "<= 10% slower than best of serial/parallel",
                               worst, worst <= 0.10,
                               f"worst {worst * 100:+.0f}% at {worst_at} ({evaluated} sizes)"))
        else:
            out.append(_target(f"{name}: default call in the size sweep", "<= 10% slower than best of serial/parallel",
                               None, None, "not evaluated: the always-parallel curve needs the PyO3 extension"))
    return out


# ---------------------------------------------------------------------------------------------
# Tables


def workload_rows(w: Workload) -> Tuple[List[str], List[List[str]]]:
    head = ["contestant", "time (median)", "min - max", "vs NumPy", "vs Numba par.", "result check"]
    npy, nbp = w.find("numpy"), w.find("numba_par")
    rows = []
    for c in w.contestants:
        if c.skipped or c.error or not c.samples:
            rows.append([c.label, "-", "", "", "", c.skipped or c.error or "not run"])
            continue
        lo, hi = c.spread  # type: ignore[misc]
        t = ("~" if c.scale != 1 else "") + fmt_time(c.time)
        label = c.label + (f" (~ scaled from {c.scaled_from})" if c.scaled_from else "")
        check = "-" if c.check is None else str(c.check)
        rows.append([label, t, f"{fmt_time(lo)} - {fmt_time(hi)}", fmt_ratio(ratio(npy, c)), fmt_ratio(ratio(nbp, c)),
                     check])
    return head, rows


def target_rows(res: Results) -> Tuple[List[str], List[List[str]]]:
    head = ["target", "goal", "result", "measured"]
    rows = []
    for t in res.targets:
        status = {True: "met", False: "MISSED", None: "n/a"}[t["met"]]
        rows.append([t["target"], t["goal"], status, t["detail"]])
    return head, rows


def header_lines(res: Results) -> List[str]:
    m = res.machine
    lines = [
        f"speedup {m['speedup']} bench ({res.config['sizes']} sizes) on {m['cpu']}, "
        f"{m['usable_cpus']} usable of {m['logical_cpus']} logical CPUs; threads measured: "
        + ", ".join(map(str, res.config["threads"])),
        f"Python {m['python']}, NumPy {m['numpy']}, Numba {m['numba'] or 'not installed'}"
        + (f" (threading layer {m.get('numba_threading_layer')})" if m.get("numba_threading_layer") else "")
        + f", {m['platform']}, OMP_WAIT_POLICY={m['OMP_WAIT_POLICY'] or 'unset'}",
        f"load average (1/5/15 min) before the run {_load(m.get('load_average_at_start'))} "
        f"(the demand of other processes on these CPUs), after it {_load(m.get('load_average_at_end'))}",
        "each figure: median of several runs after a warm-up, contestants interleaved; "
        "'~' = plain Python run at a reduced size and scaled linearly; ratios: how many times faster "
        "than NumPy / than parallel Numba",
    ]
    sig = m.get("signature")
    if sig:
        mem = sig.get("memory_bytes")
        simd = " ".join(sig["simd"]) or "unknown"
        gib = "?" if mem is None else f"{mem / 2**30:.1f}"
        lines.append(f"machine signature: {sig['cpu']}, {sig['logical_cpus']} CPUs, SIMD {simd}, {gib} GiB memory, "
                     f"{sig['kernel']}, speedup {sig['speedup']}, NumPy {sig['numpy']}")
    o = res.overhead
    if o:
        lines.append("call overhead, speedup.sum(empty array): "
                     + ", ".join(f"{k} {fmt_time(o.get(k))}" for k in ("pyo3", "ctypes") if k in o)
                     + f" (numpy.sum: {fmt_time(o.get('numpy'))})")
    share = m.get("other_cpu_share")
    load = m.get("load_average_at_start")
    if share is not None:
        lines.append(f"other processes used {100 * share:.0f}% of the machine's CPU time during the run")
        if share > 0.1:
            lines.append(
                "WARNING: the machine was busy during the run: other processes took CPU time from the "
                "contestants; multi-thread figures and the scaling targets suffer first"
            )
    elif load and load[0] > 0.5 * m["usable_cpus"]:
        lines.append(
            f"WARNING: the machine was busy before the run (load {load[0]:.1f} on {m['usable_cpus']} CPUs): "
            "other processes took CPU time from the contestants; multi-thread figures and the scaling "
            "targets suffer first"
        )
    lines += [f"note: {n}" for n in res.notes]
    return lines


def _load(v: Any) -> str:
    return "unknown" if not v else "/".join(f"{x:.1f}" for x in v)


def plain_table(head: List[str], rows: List[List[str]]) -> str:
    widths = [max(len(head[i]), *(len(r[i]) for r in rows)) if rows else len(head[i]) for i in range(len(head))]
    fmt = "  ".join("{:<%d}" % w for w in widths)
    out = [fmt.format(*head), fmt.format(*("-" * w for w in widths))]
    out += [fmt.format(*r) for r in rows]
    return "\n".join(out)


def md_table(head: List[str], rows: List[List[str]]) -> str:
    def esc(s: str) -> str:
        return s.replace("|", "\\|")

    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(esc(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def sweep_rows(res: Results, name: str) -> Tuple[List[str], List[List[str]]]:
    ws = res.sweep.get(name, [])
    keys = ["serial", "parallel", "default", "numba", "numba_par"]
    labels = {"serial": "speedup 1 thread", "parallel": "always parallel", "default": "default call",
              "numba": "Numba", "numba_par": "Numba parallel"}
    present = [k for k in keys if any(w.find(k) for w in ws)]
    head = ["size"] + [labels[k] for k in present] + ["default vs best"]
    rows = []
    for w in ws:
        r = [w.size] + [_ft(w.find(k)) for k in present]
        d, s, p = w.find("default"), w.find("serial"), w.find("parallel")
        r.append(f"{(d.t / min(s.t, p.t) - 1) * 100:+.0f}%" if d and s and p else "-")
        rows.append(r)
    return head, rows


def floor_rows(res: Results) -> Tuple[List[str], List[List[str]]]:
    """The memory floor's contestants: best time and bandwidth (bytes moved / best time)."""
    head = ["yardstick", "best time", "bandwidth"]
    rows = []
    assert res.floor is not None
    gbps = res.floor.extra.get("summary", {}).get("GBps", {})
    for c in res.floor.contestants:
        if not c.samples:
            rows.append([c.label, "-", c.skipped or c.error or "not run"])
        else:
            rows.append([c.label, fmt_time(c.lo), f"{gbps.get(c.key, 0):.1f} GB/s"])
    return head, rows


def faults_rows(res: Results) -> Tuple[List[str], List[List[str]]]:
    """The Laplacian's output variants: best time, against out=, minor page faults per call."""
    f = res.faults
    head = ["output", "best time", "vs out=", "page faults per call"]
    rows = [[k, fmt_time(t), f"{f['vs_out'].get(k, 0):.2f}x", str(f["minor_faults"].get(k, "-"))]
            for k, t in f["best_s"].items()]
    return head, rows


def _sections(res: Results) -> List[Tuple[str, List[str], List[List[str]], List[str]]]:
    out = []
    if res.floor is not None:
        llc = res.machine.get("llc_bytes")
        out.append((f"memory floor: {res.floor.size}"
                    + (f" (last-level cache {llc / 2**20:.0f} MiB)" if llc else ""), *floor_rows(res),
                    ["bandwidth = bytes moved / best time; a read counts its arrays, a copy its reads and writes"]))
    if res.faults:
        side = "x".join(map(str, res.faults["shape"]))
        out.append((f"laplacian output: page faults ({side}, {res.faults['output_bytes'] / 2**20:.0f} MiB written)",
                    *faults_rows(res), []))
    return out


def print_terminal(res: Results, console: Any = None) -> None:
    """Rich tables when rich is installed, plain text otherwise."""
    if console is None and sys.stdout.isatty():  # rich on a terminal, plain text into a pipe or file
        try:
            from rich.console import Console

            console = Console()
        except ImportError:
            console = None
    sections = [(f"{w.name}: {w.size}", *workload_rows(w), w.notes) for w in res.workloads]
    for name in res.sweep:
        sections.append((f"size sweep: {name} (serial vs parallel, median per call)", *sweep_rows(res, name), []))
    sections += _sections(res)
    sections.append(("speed targets", *target_rows(res), []))
    if console is None:
        print("\n".join(header_lines(res)))
        for title, head, rows, notes in sections:
            print(f"\n== {title}")
            print(plain_table(head, rows))
            for n in notes:
                print(f"   ({n})")
        return
    from rich.table import Table

    for line in header_lines(res):
        console.print(line, highlight=False, markup=False)
    for title, head, rows, notes in sections:
        t = Table(title=title, title_justify="left", show_lines=False)
        for h in head:
            t.add_column(h, overflow="fold")
        for r in rows:
            style = None
            if "DIFFERS" in r[-1] or (len(r) > 2 and r[2] == "MISSED"):
                style = "bold red"
            t.add_row(*r, style=style)
        console.print(t)
        for n in notes:
            console.print(f"  ({n})", markup=False)


def to_json(res: Results, plots: Sequence[str]) -> Dict[str, Any]:
    return {
        "schema": SCHEMA,
        "machine": res.machine,
        "config": res.config,
        "notes": res.notes,
        "overhead_s": res.overhead,
        "workloads": [w.to_json() for w in res.workloads],
        "sweep": {k: [w.to_json() for w in ws] for k, ws in res.sweep.items()},
        "floor": None if res.floor is None else res.floor.to_json(),
        "faults": res.faults,
        "scaling": res.scaling,
        "axes": res.axes,
        "targets": res.targets,
        "plots": list(plots),
        "wall_s": res.wall_s,
    }


def write_json(res: Results, path: str, plots: Sequence[str]) -> None:
    with open(path, "w") as f:
        json.dump(to_json(res, plots), f, indent=1, allow_nan=False, default=_json_default)
        f.write("\n")


def _json_default(o: Any) -> Any:
    if hasattr(o, "item"):
        return o.item()
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")


def write_markdown(res: Results, path: str, plots: Sequence[str]) -> None:
    parts = ["# speedup bench", ""]
    parts += [f"- {line}" for line in header_lines(res)]
    parts.append(f"- wall time of the run: {res.wall_s:.0f} s")
    for w in res.workloads:
        parts += ["", f"## {w.name}: {w.size}", "", md_table(*workload_rows(w))]
        parts += [f"\n_{n}_" for n in w.notes]
    for name in res.sweep:
        parts += ["", f"## size sweep: {name}", "", md_table(*sweep_rows(res, name))]
    for title, head, rows, notes in _sections(res):
        parts += ["", f"## {title}", "", md_table(head, rows)] + [f"\n_{n}_" for n in notes]
    parts += ["", "## targets", "", md_table(*target_rows(res))]
    if plots:
        parts += ["", "## plots", ""] + [f"![{p}]({p})" for p in plots]
    with open(path, "w") as f:
        f.write("\n".join(parts) + "\n")
