"""Regressions made visible: every run's ``results.json`` carries the machine's signature, and
``speedup bench --compare OLD.json`` sets each contestant's time against the old run's.

A contestant is matched by workload name, workload size and contestant key; its ratio is
new time / old time (best times, the least noisy figure), so above 1 is slower. A change beyond
:data:`THRESHOLD` either way is flagged (``SLOWER`` or ``FASTER``); ``--fail-on-regression``
turns any ``SLOWER`` into a non-zero exit. Timings from different machines are not comparable:
when the signatures differ, the comparison still prints, under a warning naming the fields.
"""

from __future__ import annotations

import json
import os
import platform
from typing import Any, Dict, List, Optional, Sequence, Tuple

THRESHOLD = 0.10
SIMD_FLAGS = ("sse4_2", "avx", "avx2", "fma", "avx512f", "avx512dq", "avx512bw", "avx512vl", "avx512ifma",
              "avx512vbmi", "avx512_vpopcntdq", "popcnt", "bmi2", "asimd", "sve")
SIGNATURE_KEYS = ("cpu", "logical_cpus", "simd", "memory_bytes", "kernel", "speedup", "numpy")
SLOWER, FASTER, SAME = "SLOWER", "FASTER", ""
SCHEMAS = ("speedup-bench/1", "speedup-bench/2")


def _cpu_flags() -> List[str]:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith(("flags", "Features")):
                    have = set(line.split(":", 1)[1].split())
                    return [s for s in SIMD_FLAGS if s in have]
    except OSError:
        pass
    return []


def _memory_bytes() -> Optional[int]:
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # pragma: no cover
        return None


def signature(machine: Dict[str, Any]) -> Dict[str, Any]:
    """What makes timings comparable: CPU model, core count, SIMD features, memory, operating
    system kernel, and the speedup and NumPy versions (``machine`` is the run's machine info)."""
    return {
        "cpu": machine.get("cpu"),
        "logical_cpus": machine.get("logical_cpus"),
        "simd": _cpu_flags(),
        "memory_bytes": _memory_bytes(),
        "kernel": f"{platform.system()} {platform.release()}",
        "speedup": machine.get("speedup"),
        "numpy": machine.get("numpy"),
    }


def load(path: str) -> Dict[str, Any]:
    """A results.json, with a clear error for a file that is not one."""
    with open(path) as f:
        try:
            data = json.load(f)
        except json.JSONDecodeError as e:
            raise ValueError(f"{path}: not JSON ({e})") from None
    if not isinstance(data, dict) or data.get("schema") not in SCHEMAS:
        raise ValueError(f"{path}: not a speedup bench result (schema {data.get('schema')!r}, "
                         f"expected one of {', '.join(SCHEMAS)})" if isinstance(data, dict)
                         else f"{path}: not a speedup bench result")
    return data


def signature_mismatch(old: Dict[str, Any], new: Dict[str, Any]) -> List[str]:
    """The signature fields that differ ('signature' alone when the old run has none)."""
    a, b = old.get("machine", {}).get("signature"), new.get("machine", {}).get("signature")
    if not a or not b:
        return ["signature"]
    return [k for k in SIGNATURE_KEYS if a.get(k) != b.get(k)]


def _best(c: Dict[str, Any]) -> Optional[float]:
    t = c.get("min_s") if c.get("min_s") is not None else c.get("time_s")
    return t if isinstance(t, (int, float)) and t > 0 else None


def _index(run: Dict[str, Any]) -> Dict[Tuple[str, str, str], Dict[str, Any]]:
    return {(w["name"], w["size"], c["key"]): c for w in run.get("workloads", []) for c in w["contestants"]}


def compare(old: Dict[str, Any], new: Dict[str, Any], threshold: float = THRESHOLD) -> List[Dict[str, Any]]:
    """One row per contestant timed in both runs: workload, size, key, label, old/new best
    seconds, ratio (new/old) and flag (``SLOWER``/``FASTER`` beyond ``threshold``, else '')."""
    before = _index(old)
    rows = []
    for (name, size, key), c in _index(new).items():
        o = before.get((name, size, key))
        t_new, t_old = _best(c), (None if o is None else _best(o))
        if t_new is None or t_old is None:
            continue
        r = t_new / t_old
        flag = SLOWER if r > 1 + threshold else FASTER if r < 1 - threshold else SAME
        rows.append({"workload": name, "size": size, "key": key, "label": c.get("label", key),
                     "old_s": t_old, "new_s": t_new, "ratio": r, "flag": flag})
    return rows


def regressions(rows: Sequence[Dict[str, Any]]) -> List[Dict[str, Any]]:
    return [r for r in rows if r["flag"] == SLOWER]


def report_lines(old: Dict[str, Any], new: Dict[str, Any], rows: Sequence[Dict[str, Any]], old_name: str) -> List[str]:
    """The comparison as text: the machine warning, one line per contestant, a summary."""
    lines = []
    differ = signature_mismatch(old, new)
    if differ == ["signature"]:
        lines.append(f"WARNING: {old_name} has no machine signature: the timings may come from another machine")
    elif differ:
        a, b = old["machine"]["signature"], new["machine"]["signature"]
        lines.append(f"WARNING: {old_name} ran on a different machine signature; the ratios compare machines, "
                     "not code: " + "; ".join(f"{k} {a.get(k)!r} -> {b.get(k)!r}" for k in differ))
    busy = [(who, run.get("machine", {}).get("other_cpu_share")) for who, run in (("old", old), ("new", new))]
    if any(share is not None and share > 0.1 for _, share in busy):
        shares = [f"{'?' if share is None else f'{100 * share:.0f}%'} of the CPU time in the {who} run"
                  for who, share in busy]
        lines.append(f"note: other processes used {', '.join(shares)}: changes may be the machine's, not the code's")
    lines.append(f"compared with {old_name} (ratio = new best time / old best time; flagged beyond "
                 f"{THRESHOLD:.0%}):")
    width = max((len(f"{r['workload']}: {r['label']}") for r in rows), default=10)
    for r in rows:
        lines.append(f"  {r['workload'] + ': ' + r['label']:<{width}}  {r['old_s']:.3e} s -> {r['new_s']:.3e} s"
                     f"  {r['ratio']:6.2f}x  {r['flag']}".rstrip())
    slow, fast = len(regressions(rows)), sum(1 for r in rows if r["flag"] == FASTER)
    lines.append(f"{len(rows)} contestants compared: {slow} slower, {fast} faster beyond {THRESHOLD:.0%}")
    return lines
