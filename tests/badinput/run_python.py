#!/usr/bin/env python3
"""Bad-input runner, Python doors: every case of cases.txt through `import speedup` on the pyo3
and ctypes backends, and through `speedup.legacy` for kernels with a legacy twin.

Each case must raise the expected exception type (ValueError for NULL/LENGTH/INVALID,
OverflowError, TypeError) with a message "<kernel>: <argument> <rule>", leave every
sentinel-filled output, every input and the thread knob untouched, and give the same message on
both backends. Prints one line per case and door, then `badinput <door>: N passed, M failed,
K not applicable` per door; exits non-zero on any failure or gap (a kernel of the Python API
without a case, a case this runner cannot express).

usage: run_python.py [LOG]      (per-case lines go to LOG when given, else stdout)
"""

from __future__ import annotations

import ctypes
import math
import re
import sys
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import cases as table  # noqa: E402

import speedup  # noqa: E402
import speedup.legacy  # noqa: E402

EXC = {"NULL": ValueError, "LENGTH": ValueError, "INVALID": ValueError, "OVERFLOW": OverflowError, "TYPE": TypeError}
SENTINEL = {np.dtype(np.float64): -7777.25, np.dtype(np.uint64): 0xDEADBEEF, np.dtype(np.int32): -7777,
            np.dtype(np.bool_): True, np.dtype(np.float32): -7777.25}
# The Python name of each kernel of the table, and whether the public API takes out=.
PY_NAME = {
    "is_prime_many": "is_prime", "sum_primes_below_many": "sum_primes_below", "map_f64": "parallel_map",
    "mandelbrot_f32": "mandelbrot",
    "sum_primes_below_u128": "sum_primes_below",
}
# Internal backend functions (the same set on both backends; what speedup.dask calls).
INTERNAL = (
    "monte_carlo_pi_inside", "markov_chains_from", "sum_nodes", "sum_nodes_check", "join_nodes", "mean_finish",
    "std_finish", "monte_carlo_pi_finish", "laplacian_shape", "second_derivative_len",
)
OUT_KERNELS = ("second_derivative", "laplacian", "comb_forward", "comb_backward", "map_f64")
# Public names with no argument to get wrong.
NO_BAD_INPUT = {"backend", "__version__", "get_num_threads", "config", "show_config"}

_square = ctypes.CFUNCTYPE(ctypes.c_double, ctypes.c_double, ctypes.c_void_p)(lambda v, ctx: v * v)
_wrong_sig = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_int)(lambda v: v)


class Cannot(Exception):
    """This runner cannot express the case (a gap unless the table marks it na)."""


def sentinel_array(shape: Tuple[int, ...], dtype: Any) -> np.ndarray:
    return np.full(shape, SENTINEL[np.dtype(dtype)], dtype=dtype)


def natural_out_shape(kernel: str, a: Dict[str, Any]) -> Optional[Tuple[int, ...]]:
    """The shape of the output the call needs, when the inputs have a valid rank."""
    if kernel == "second_derivative" and isinstance(a.get("f"), np.ndarray) and a["f"].ndim == 1:
        return (max(a["f"].shape[0] - 2, 0),)
    if kernel == "laplacian" and isinstance(a.get("f"), np.ndarray) and a["f"].ndim == 2:
        r, c = a["f"].shape
        return (r - 2, c - 2) if r >= 3 and c >= 3 else (0, 0)
    if kernel in ("comb_forward", "comb_backward", "map_f64") and isinstance(a.get("x"), np.ndarray) \
            and a["x"].ndim in (1, 2) and a["x"].dtype == np.float64:
        return a["x"].shape
    return None


def build(case: table.Case) -> Dict[str, Any]:
    """The Python arguments of a case (fresh objects for every call)."""
    a: Dict[str, Any] = {}
    outs = []
    for name, v in case.args.items():
        if v.kind in ("int", "float"):
            a[name] = v.num
        elif v.kind == "array" and v.dtype == "f":
            a[name] = np.array(v.data, dtype=np.float64).reshape(v.shape)
        elif v.kind == "array" and v.dtype == "q":
            a[name] = list(v.data)  # integer queries as a user writes them
        elif v.kind == "array" and v.dtype == "z":
            a[name] = np.array(v.data, dtype=np.complex128).reshape(v.shape)
        elif v.kind == "s":
            a[name] = np.full(v.shape, "x", dtype="U1")
        elif v.kind == "cz":
            a[name] = np.ones(v.shape, dtype=np.complex128)
        elif v.kind == "f16":
            a[name] = np.ones(v.shape, dtype=np.float16)
        elif v.kind == "dt":
            a[name] = np.dtype(v.target)
        elif v.kind == "fn":
            a[name] = "not a function" if v.target == "str" else _wrong_sig
        elif v.kind in ("ro", "f32", "nc", "list", "alias", "mis"):
            outs.append((name, v))
        elif v.kind == "null" and name == "fn":
            a[name] = 0  # a NULL function address
        elif v.kind == "null":
            raise Cannot(f"{name}: no NULL in Python")
        else:
            raise Cannot(f"{name}: value kind {v.kind}")
    for name, v in outs:
        if v.kind == "ro":
            o = sentinel_array(v.shape, np.float64)
            o.flags.writeable = False
        elif v.kind == "f32":
            o = sentinel_array(v.shape, np.float32)
        elif v.kind == "nc":
            big = sentinel_array((v.shape[0] * 2,) + v.shape[1:], np.float64)
            o = big[::2]
        elif v.kind == "list":
            o = [SENTINEL[np.dtype(np.float64)]] * v.shape[0]
        elif v.kind == "mis":  # float64 elements one byte past an aligned address
            size = int(np.prod(v.shape))
            raw = np.zeros(8 * size + 1, dtype=np.uint8)
            o = raw[1:].view(np.float64).reshape(v.shape)
            o[...] = SENTINEL[np.dtype(np.float64)]
        else:  # alias: a view of the input's own buffer, of the shape the output needs
            src = a[v.target]
            shape = natural_out_shape(case.kernel, a)
            if shape is None:
                raise Cannot(f"{name}: no natural output shape to alias")
            size = int(np.prod(shape))
            o = src.reshape(-1)[:size].reshape(shape)
        a[name] = o
    if case.kernel in OUT_KERNELS and "out" not in a:
        shape = natural_out_shape(case.kernel, a)
        if shape is not None:
            a["out"] = sentinel_array(shape, np.float64)
    single = case.kernel.endswith("_f32")  # a float32 result (not the _f32_f64 names)
    for name, v in case.args.items():  # an explicit array out=a:SHAPE is sentinel-filled
        if v.kind == "array" and name in ("out", "counts"):
            a[name] = sentinel_array(v.shape, np.float32 if single else np.float64)
    return a


def call(ns: Any, impl: Any, kernel: str, a: Dict[str, Any]) -> Any:
    g = a.get
    if kernel in ("sum", "mean"):
        return getattr(ns, kernel)(a["x"])
    if kernel == "std":
        return ns.std(a["x"], ddof=g("ddof", 0))
    if kernel == "second_derivative":
        return ns.second_derivative(a["f"], a["dx"], out=g("out"))
    if kernel == "laplacian":
        return ns.laplacian(a["f"], a["dx"], a["dy"], out=g("out"))
    if kernel in ("comb_forward", "comb_backward"):
        return getattr(ns, kernel)(a["x"], a["tau"], a["alpha"], out=g("out"))
    if kernel in ("is_prime", "is_prime_many"):
        return ns.is_prime(a["n"])
    if kernel in ("sum_primes_below", "sum_primes_below_many", "sum_primes_below_u128"):
        return ns.sum_primes_below(a["n"])
    if kernel == "monte_carlo_pi":
        return ns.monte_carlo_pi(a["n_points"], seed=g("seed", 0))
    if kernel == "markov_chains":
        return ns.markov_chains(a["p"], a["n_steps"], n_chains=g("n_chains", 1), start=g("start", 0),
                                seed=g("seed", 0))
    if kernel == "closest_pair":
        return ns.closest_pair(a["points"])
    if kernel == "mandelbrot":
        return ns.mandelbrot(a["c"], max_iter=a["max_iter"])
    if kernel == "mandelbrot_f32":  # speedup.mandelbrot on complex64 points
        return ns.mandelbrot(a["c"].astype(np.complex64), max_iter=a["max_iter"])
    if "_axis" in kernel or kernel in ("sum_f32", "mean_f32", "std_f32"):
        return reduction(ns, kernel, a)
    if kernel == "map_f64":
        return ns.parallel_map(a.get("fn", _square), a["x"], out=g("out"))
    if kernel == "set_num_threads":
        return ns.set_num_threads(a["n"])
    if kernel == "threads":
        with ns.threads(a["n"]):
            pass
        return None
    # Internal backend functions: the arrays as the public layer hands them over.
    if kernel == "monte_carlo_pi_inside":
        return impl.monte_carlo_pi_inside(a["first"], a["n_points"], a["seed"])
    if kernel == "markov_chains_from":
        p = np.ascontiguousarray(a["p"], dtype=np.float64)
        a["counts"] = sentinel_array((a["n_chains"], p.shape[1]), np.uint64)
        return impl.markov_chains_from(p, g("start", 0), a["n_steps"], g("seed", 0), a["first_chain"], a["counts"])
    if kernel == "sum_nodes":
        return impl.sum_nodes(a["x"], a["offset"], a["n_total"])
    if kernel == "sum_nodes_check":
        return impl.sum_nodes_check(a["len"], a["offset"], a["n_total"])
    if kernel == "join_nodes":
        b, acc = a["bounds"], a["acc"]
        nodes = [(int(b[i]), int(b[i + 1]), float(acc[i]), float(acc[i + 1])) for i in range(0, len(b), 2)]
        return impl.join_nodes(nodes, a["n_total"])
    if kernel == "mean_finish":
        return impl.mean_finish(a["sum"], a["n"])
    if kernel == "std_finish":
        return impl.std_finish(a["ss"], a["n"], a["ddof"])
    if kernel == "monte_carlo_pi_finish":
        return impl.monte_carlo_pi_finish(a["inside"], a["n_points"])
    if kernel == "laplacian_shape":
        return impl.laplacian_shape(a["rows"], a["cols"], a["dx"], a["dy"])
    if kernel == "second_derivative_len":
        return impl.second_derivative_len(a["n"], a["dx"])
    raise Cannot(f"no Python call for kernel {kernel}")


def reduction(ns: Any, kernel: str, a: Dict[str, Any]) -> Any:
    """The C reductions along axes and of float32 data as Python spells them: ``sum``, ``mean``
    or ``std`` of x (float32 for the _f32 names, reshaped to ``shape``) along ``axes``, with
    dtype=float64 for the _f32_f64 names, and the case's out=, dtype= and ddof=."""
    op = kernel.split("_")[0]
    x = a["x"]
    if isinstance(x, np.ndarray) and x.dtype == np.float64 and "_f32" in kernel:
        x = x.astype(np.float32)
    if "shape" in a:
        x = np.asarray(x).reshape(a["shape"])
    axis = tuple(a["axes"]) if "axes" in a else None
    kw = {k: a[k] for k in ("out", "dtype", "ddof") if k in a}
    if kernel.endswith("_f32_f64"):
        kw.setdefault("dtype", np.float64)
    if op == "std":
        kw.setdefault("ddof", 0)
    return getattr(ns, op)(x, axis, **kw)


def snapshot(a: Dict[str, Any]) -> Dict[str, bytes]:
    return {k: v.tobytes() for k, v in a.items() if isinstance(v, np.ndarray)}


def message_ok(msg: str, arg: str) -> bool:
    return re.match(r"^[a-z_0-9]+: " + re.escape(arg) + r" ", msg) is not None


def run_one(door: str, ns: Any, impl: Any, case: table.Case, status: str, arg: str) -> Tuple[bool, str]:
    a = build(case)
    before = snapshot(a)
    knob = speedup.get_num_threads()
    try:
        r = call(ns, impl, case.kernel, a)
    except Exception as e:  # noqa: BLE001 - judged below
        exc, msg = e, str(e)
    else:
        return False, f"no error (returned {r!r})"
    problems = []
    # An axis out of range is numpy.exceptions.AxisError, a ValueError (docs/contract.md).
    axis_error = status == "INVALID" and type(exc) is np.exceptions.AxisError
    if type(exc) is not EXC[status] and not axis_error:
        problems.append(f"raised {type(exc).__name__}, expected {EXC[status].__name__}")
    if not message_ok(msg, arg):
        problems.append(f"message does not read '<kernel>: {arg} <rule>'")
    after = snapshot(a)
    for k, b in before.items():
        if after.get(k) != b:
            problems.append(f"{k} was written")
    if speedup.get_num_threads() != knob:
        problems.append(f"the thread knob changed ({knob} -> {speedup.get_num_threads()})")
        speedup.set_num_threads(knob)
    return not problems, "; ".join(problems + [f"{type(exc).__name__}: {msg}"])


def main() -> int:
    log = open(sys.argv[1], "w") if len(sys.argv) > 1 else sys.stdout
    cases, _ = table.load()
    results: Dict[str, List[int]] = {}
    failures: List[str] = []
    messages: Dict[str, Dict[str, str]] = {}
    covered: Dict[str, set] = {"py-pyo3": set(), "py-ctypes": set(), "py-legacy": set()}

    def record(door: str, cid: str, ok: Optional[bool], text: str) -> None:
        r = results.setdefault(door, [0, 0, 0])
        r[0 if ok else 1 if ok is False else 2] += 1
        word = {True: "ok  ", False: "FAIL", None: "n/a "}[ok]
        print(f"{word} {door:10} {cid:32} {text}", file=log)
        if ok is False:
            failures.append(f"{door} {cid}: {text}")

    for backend in ("pyo3", "ctypes"):
        speedup._use_backend(backend)
        impl = speedup._impl
        door = f"py-{backend}"
        for case in cases:
            status, arg = case.expect["py"]
            if status == "na":
                record(door, case.id, None, arg)
                continue
            try:
                ok, text = run_one(door, speedup, impl, case, status, arg)
            except Cannot as e:
                ok, text = False, f"gap: this runner cannot express the case ({e})"
            record(door, case.id, ok, text)
            covered[door].add(PY_NAME.get(case.kernel, case.kernel))
            messages.setdefault(case.id, {})[backend] = text
    speedup._use_backend("pyo3")
    legacy_impl = speedup.legacy._backend
    for case in cases:
        if case.kernel not in table.TWINS:
            continue
        status, arg = case.expect["py"]
        name = PY_NAME.get(case.kernel, case.kernel)
        if status == "na":
            record("py-legacy", case.id, None, arg)
            continue
        if name not in speedup.legacy.available:
            record("py-legacy", case.id, False, f"gap: speedup.legacy has no {name}")
            continue
        try:
            ok, text = run_one("py-legacy", speedup.legacy, legacy_impl, case, status, arg)
        except Cannot as e:
            ok, text = False, f"gap: this runner cannot express the case ({e})"
        record("py-legacy", case.id, ok, text)
        covered["py-legacy"].add(name)

    # Same message on both backends.
    for cid, m in messages.items():
        if len(m) == 2 and m["pyo3"] != m["ctypes"]:
            failures.append(f"{cid}: the backends differ:\n  pyo3:   {m['pyo3']}\n  ctypes: {m['ctypes']}")
    # Every name of the API has a case.
    api = (set(speedup.__all__) - NO_BAD_INPUT) | set(INTERNAL)
    for door in ("py-pyo3", "py-ctypes"):
        for name in sorted(api - covered[door]):
            failures.append(f"{door}: gap: speedup.{name} has no bad-input case")
    for name in sorted(set(speedup.legacy.available) - covered["py-legacy"]):
        failures.append(f"py-legacy: gap: speedup.legacy.{name} has no bad-input case")

    for f in failures:
        print("FAIL", f, file=sys.stderr)
    for door, (p, f, n) in results.items():
        print(f"badinput {door}: {p} passed, {f + 0} failed, {n} not applicable")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
