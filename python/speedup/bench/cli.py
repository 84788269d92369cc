"""The command line of ``speedup bench``."""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import Any, Dict, List, Optional, Sequence

from . import workloads

MAX_THREADS = 1024  # speedup's knob refuses more (speedup_core::threads::MAX_THREADS)


def _only(value: str) -> List[str]:
    names = [v.strip() for v in value.split(",") if v.strip()]
    if not names:
        raise argparse.ArgumentTypeError("expected a kernel name, e.g. --only laplacian")
    for n in names:
        if n not in workloads.WORKLOADS:
            raise argparse.ArgumentTypeError(
                f"unknown kernel {n!r} (choose from {', '.join(workloads.WORKLOADS)})"
            )
    return names


def _threads(value: str) -> List[int]:
    out = []
    for part in value.split(","):
        part = part.strip()
        try:
            t = int(part)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{part!r} is not a thread count: expected a comma-separated list of integers >= 1, e.g. 1,2"
            ) from None
        if not 1 <= t <= MAX_THREADS:
            raise argparse.ArgumentTypeError(f"thread count {t} must be between 1 and {MAX_THREADS}")
        out.append(t)
    return sorted(set(out))


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="speedup bench",
        description="Race every workload of the kernel contract: plain Python, NumPy, Numba, the "
        "legacy C/Fortran OpenMP routines and speedup (PyO3 and ctypes), on this machine. Prints the "
        "tables, checks every answer against speedup's, evaluates the speed targets, and "
        "writes results.json, results.md and PNG plots to --out.",
    )
    p.add_argument("kernels", nargs="*", type=_only, metavar="KERNEL",
                   help="run only these workloads (the same as --only)")
    p.add_argument("--quick", action="store_true", help="about a tenth of the default sizes (~30 s)")
    p.add_argument("--only", type=_only, action="append", metavar="KERNEL",
                   help="run only these workloads (comma-separated or repeated): " + ", ".join(workloads.WORKLOADS))
    p.add_argument("--threads", type=_threads, metavar="LIST",
                   help="thread counts for speedup and the legacy routines, e.g. 1,2,4 (default: 1 and all CPUs)")
    p.add_argument("--out", default="bench-out", metavar="DIR", help="where results.json, results.md and the PNGs go (default: bench-out)")
    p.add_argument("--no-sweep", action="store_true", help="skip the serial/parallel size sweep")
    p.add_argument("--no-plots", action="store_true", help="write no PNGs")
    p.add_argument("--compare", metavar="OLD.json",
                   help="after the run, print each contestant's time as a ratio to this earlier results.json "
                   "and flag changes beyond 10%% (a warning when the machine signatures differ)")
    p.add_argument("--against", metavar="NEW.json",
                   help="with --compare: compare this saved results.json instead of running the bench")
    p.add_argument("--fail-on-regression", action="store_true",
                   help="with --compare: exit with status 3 when a contestant is more than 10%% slower")
    p.add_argument("--sizes", choices=sorted(workloads.SIZES), help=argparse.SUPPRESS)  # tests: tiny
    return p


class Progress:
    """A rich progress bar on a terminal; otherwise one line per workload on stderr."""

    def __init__(self) -> None:
        self._bar: Any = None
        self._task: Any = None
        self._last = ""
        self._done = 0
        self._total = 1

    def start(self, total: int) -> None:
        self._total = total
        try:
            from rich.progress import BarColumn, Progress as RichProgress, TextColumn, TimeElapsedColumn

            if sys.stderr.isatty():
                from rich.console import Console

                self._bar = RichProgress(TextColumn("{task.description:<60}"), BarColumn(), TimeElapsedColumn(),
                                         console=Console(stderr=True), transient=True)
                self._task = self._bar.add_task("starting", total=total)
                self._bar.start()
        except ImportError:
            self._bar = None

    def tick(self, label: str) -> None:
        self._done += 1
        if self._bar is not None:
            self._bar.update(self._task, advance=1, description=label[:60], total=max(self._total, self._done))
            return
        head = label.split(":")[0]
        if head != self._last:
            self._last = head
            print(f"speedup bench: {head} ...", file=sys.stderr, flush=True)

    def stop(self) -> None:
        if self._bar is not None:
            self._bar.stop()


REGRESSION_EXIT = 3


def compare_runs(old_path: str, new: Dict[str, Any], fail_on_regression: bool) -> int:
    """Prints the comparison of ``new`` (a results.json's content) with ``old_path``; the exit
    status: :data:`REGRESSION_EXIT` when asked to fail and a contestant got slower, else 0."""
    from . import compare

    try:
        old = compare.load(old_path)
    except (OSError, ValueError) as e:
        print(f"speedup bench: --compare: {e}", file=sys.stderr)
        return 2
    rows = compare.compare(old, new)
    print("\n" + "\n".join(compare.report_lines(old, new, rows, old_path)))
    slow = compare.regressions(rows)
    if fail_on_regression and slow:
        print(f"speedup bench: {len(slow)} regression(s) beyond {compare.THRESHOLD:.0%}: "
              + ", ".join(f"{r['workload']}/{r['key']}" for r in slow[:10]) + (", ..." if len(slow) > 10 else ""),
              file=sys.stderr)
        return REGRESSION_EXIT
    return 0


def main(argv: Optional[Sequence[str]] = None) -> int:
    p = parser()
    args = p.parse_args(argv)
    if (args.against or args.fail_on_regression) and not args.compare:
        p.error("--against and --fail-on-regression need --compare OLD.json")
    if args.against:
        from . import compare

        try:
            new = compare.load(args.against)
        except (OSError, ValueError) as e:
            print(f"speedup bench: --against: {e}", file=sys.stderr)
            return 2
        return compare_runs(args.compare, new, args.fail_on_regression)
    if args.compare:  # a bad file fails now, not after the run
        from . import compare

        try:
            compare.load(args.compare)
        except (OSError, ValueError) as e:
            print(f"speedup bench: --compare: {e}", file=sys.stderr)
            return 2
    return run_bench(args)


def run_bench(args: argparse.Namespace) -> int:
    from . import report, runner

    preset = args.sizes or ("quick" if args.quick else "default")
    threads = args.threads or sorted({1, runner.usable_cpus()})
    groups = (args.only or []) + (args.kernels or [])
    only = [n for group in (groups or [list(workloads.WORKLOADS)]) for n in group]
    only = list(dict.fromkeys(only))
    os.makedirs(args.out, exist_ok=True)
    t0 = time.perf_counter()
    print(f"speedup bench: {preset} sizes, threads {','.join(map(str, threads))}, "
          f"{len(only)} workload(s), results to {args.out}/", file=sys.stderr, flush=True)
    res = runner.run(preset, threads, only, sweep=not args.no_sweep, progress=Progress())
    res.targets = report.evaluate_targets(res)
    plots: List[str] = []
    if args.no_plots:
        res.notes.append("plots: not written (--no-plots)")
    else:
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            res.notes.append("plots: matplotlib is not installed (pip install 'speedup-kernels[bench]'): no PNGs written")
        else:
            from . import plots as plotting

            plots = plotting.write_all(res, args.out)
    res.wall_s = time.perf_counter() - t0
    report.write_json(res, os.path.join(args.out, "results.json"), plots)
    report.write_markdown(res, os.path.join(args.out, "results.md"), plots)
    report.print_terminal(res)
    differs = [f"{w.name}/{c.key}" for w in res.workloads for c in w.contestants if c.check is not None and not c.check.ok]
    missed = sum(1 for t in res.targets if t["met"] is False)
    met = sum(1 for t in res.targets if t["met"] is True)
    print(f"\ntargets: {met} met, {missed} missed, {len(res.targets) - met - missed} not evaluated; "
          f"results checked: {'all agree' if not differs else 'DIFFERS: ' + ', '.join(differs)}")
    print(f"wrote {args.out}/results.json, {args.out}/results.md"
          + (f" and {len(plots)} PNGs" if plots else " (no plots)") + f" in {res.wall_s:.0f} s")
    if args.compare:
        from . import compare

        return compare_runs(args.compare, compare.load(os.path.join(args.out, "results.json")),
                            args.fail_on_regression)
    return 0
