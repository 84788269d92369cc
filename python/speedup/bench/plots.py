"""The PNG plots of the bench (matplotlib, Agg backend): a bar chart per workload, the scaling
curve of speedup over the thread counts measured, and the size sweep of serial against parallel
for ``sum`` and ``laplacian``."""

from __future__ import annotations

import os
from typing import Any, List

from .race import Workload
from .runner import Results

COLOURS = {
    "python": "#9e9e9e",
    "numpy": "#4c72b0",
    "numba": "#dd8452",
    "numba_par": "#c44e52",
    "legacy": "#8172b3",
    "speedup": "#55a868",
    "ctypes": "#64b5cd",
    "read": "#cccccc",
}


def _plt() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def bar_chart(w: Workload, path: str) -> None:
    plt = _plt()
    cs = [c for c in w.contestants if c.samples and c.kind != "read"]
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(cs) + 1.4))
    ys = range(len(cs))
    times = [c.t for c in cs]
    err_lo = [c.t - c.lo for c in cs]
    err_hi = [c.hi - c.t for c in cs]
    ax.barh(list(ys), times, xerr=[err_lo, err_hi], color=[COLOURS.get(c.kind, "#333333") for c in cs])
    labels = []
    for c in cs:
        mark = "" if c.check is None else ("  [DIFFERS]" if not c.check.ok else "")
        labels.append(("~ " if c.scale != 1 else "") + c.label + mark)
    ax.set_yticks(list(ys))
    ax.set_yticklabels(labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.set_xlabel("seconds, log scale (median; bars: min-max; ~ = scaled from a smaller size)", fontsize=8)
    ax.set_title(f"{w.name}: {w.size}")
    for y, t in zip(ys, times):
        ax.text(t, y, f" {_short(t)}", va="center", fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _short(t: float) -> str:
    from .report import fmt_time

    return fmt_time(t)


def scaling(res: Results, path: str) -> bool:
    threads = sorted(res.config["threads"])
    if len(threads) < 2:
        return False
    plt = _plt()
    fig, (ax_t, ax_s) = plt.subplots(1, 2, figsize=(12, 5))
    for w in res.workloads:
        found = [(t, w.find(f"speedup@{t}")) for t in threads]
        pts = [(t, c.t) for t, c in found if c is not None]
        if len(pts) < 2:
            continue
        ts, times = zip(*pts)
        (line,) = ax_t.plot(ts, times, "o-", label=w.name)
        base = dict(pts).get(threads[0])
        if base:
            ax_s.plot(ts, [base / t for t in times], "o-", color=line.get_color(), label=w.name)
        found = [(t, w.find(f"legacy@{t}")) for t in threads]
        legacy = [(t, c.t) for t, c in found if c is not None]
        if len(legacy) >= 2 and legacy[0][0] == threads[0]:
            lt, ltimes = zip(*legacy)
            ax_s.plot(lt, [ltimes[0] / t for t in ltimes], "x:", color=line.get_color(), alpha=0.6)
    ax_s.plot(threads, [t / threads[0] for t in threads], "k--", label="ideal")
    ax_t.set_xscale("log", base=2)
    ax_t.set_yscale("log")
    ax_t.set_xticks(threads)
    ax_t.set_xticklabels([str(t) for t in threads])
    ax_t.set_xlabel("threads")
    ax_t.set_ylabel("seconds (median)")
    ax_t.set_title("speedup: time vs threads")
    ax_s.set_xticks(threads)
    ax_s.set_xlabel("threads")
    ax_s.set_ylabel(f"speedup over {threads[0]} thread(s)")
    ax_s.set_title("speedup vs threads (dotted x: legacy OpenMP twin)")
    ax_s.legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def sweep(res: Results, path: str) -> bool:
    if not res.sweep:
        return False
    plt = _plt()
    fig, axes = plt.subplots(1, len(res.sweep), figsize=(6.5 * len(res.sweep), 5), squeeze=False)
    styles = {
        "serial": ("speedup, 1 thread (serial)", "o-", COLOURS["speedup"]),
        "parallel": ("speedup, always parallel", "s-", "#2e7d32"),
        "default": ("speedup default call", "D--", "black"),
        "numba": ("Numba", "o:", COLOURS["numba"]),
        "numba_par": ("Numba parallel", "s:", COLOURS["numba_par"]),
    }
    for ax, (name, ws) in zip(axes[0], res.sweep.items()):
        for key, (label, style, colour) in styles.items():
            found = [(w.extra["n"], w.find(key)) for w in ws]
            pts = [(n, c.t / n * 1e9) for n, c in found if c is not None]
            if pts:
                ns, ys = zip(*pts)
                ax.plot(ns, ys, style, color=colour, label=label, markersize=4)
        cross = _crossover(ws)
        if cross is not None:
            ax.axvline(cross, color="grey", linestyle="-.", linewidth=1)
            ax.text(cross, 0.98, " parallel wins from here", rotation=90,
                    va="top", fontsize=7, transform=ax.get_xaxis_transform())
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("elements" if name == "sum" else "grid points (side^2)")
        ax.set_ylabel("ns per element (median)")
        ax.set_title(f"{name}: serial vs parallel by size ({max(res.config['threads'])} threads)")
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def _crossover(ws: List[Workload]) -> Any:
    """The smallest size from which speedup's always-parallel call beats its serial call."""
    prev_n = None
    for w in ws:
        s, p = w.find("serial"), w.find("parallel")
        if s is None or p is None:
            return None
        if p.t < s.t:
            return w.extra["n"] if prev_n is None else (prev_n * w.extra["n"]) ** 0.5
        prev_n = w.extra["n"]
    return None


def write_all(res: Results, out_dir: str) -> List[str]:
    """Writes the PNGs into ``out_dir``; returns their file names (relative to it)."""
    written = []
    for w in res.workloads:
        name = f"bars_{w.name}.png"
        bar_chart(w, os.path.join(out_dir, name))
        written.append(name)
    if scaling(res, os.path.join(out_dir, "scaling.png")):
        written.append("scaling.png")
    if sweep(res, os.path.join(out_dir, "sweep.png")):
        written.append("sweep.png")
    return written
