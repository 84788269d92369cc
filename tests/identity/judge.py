#!/usr/bin/env python3
"""The judge of the identity suite: compares the outputs of every door at every thread count
with the reference (the Rust kernels called directly, 1 thread), prints a matrix kernel x door x
thread count, and fails on any mismatch naming the case, door, thread count and first differing
element.

Rules (docs/contract.md): every output of every door of the Rust kernels (rust, c, fortran, py-pyo3,
py-ctypes) must equal the reference bit for bit, errors included (an error must be an error
everywhere). The legacy twins (legacy-c, legacy-fortran, legacy-py) must be bitwise too, except
sum/mean/std, which are plain or OpenMP-reduced sums held to the accuracy rule instead:
|legacy - ref| <= n*eps*sum|x| (sum), n*eps*sum|x|/n + eps*|ref| (mean), n*eps*ref (std, relative);
NaN must match NaN and an infinity the same infinity. Every NaN any door writes must be the
canonical quiet NaN (0x7ff8000000000000), the reference's included.

usage: judge.py VECDIR OUTDIR     (OUTDIR/<door>/t<threads>/<id>.{bin,err})
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np

DOORS = ["rust", "c", "fortran", "py-pyo3", "py-ctypes", "legacy-c", "legacy-fortran", "legacy-py"]
THREADS = [1, 2, 3, 8]
REF = ("rust", 1)
EPS = np.finfo(np.float64).eps
DTYPE = {"is_prime": "u1", "sum_primes_below": "<u8", "markov_chains": "<u8", "mandelbrot": "<i4",
         "mandelbrot_f32": "<i4",
         "laplacian_f32": "<f4", "second_derivative_f32": "<f4", "comb_forward_f32": "<f4",
         "comb_backward_f32": "<f4", "sum_axis_f32": "<f4", "mean_axis_f32": "<f4",
         "std_axis_f32": "<f4", "sum_f32": "<f4", "mean_f32": "<f4", "std_f32": "<f4"}
# Reductions along axes and of float32 data (their outputs: gen_vectors.py).
AXIS_AND_F32_REDUCTIONS = ("sum_axis", "mean_axis", "std_axis", "sum_axis_f32", "mean_axis_f32",
                           "std_axis_f32", "sum_f32", "mean_f32", "std_f32")
# Modes, float32 and reductions along axes exist only in the Rust kernels' doors.
NOT_LEGACY = ("laplacian_mode", "laplacian_f32", "second_derivative_mode", "second_derivative_f32",
              "comb_forward_f32", "comb_backward_f32") + AXIS_AND_F32_REDUCTIONS
REDUCTIONS = ("sum", "mean", "std")


def applies(door: str, cid: str, kernel: str, vec: Path) -> bool:
    if door.startswith("legacy") and (kernel in ("monte_carlo_pi", "markov_chains", "mandelbrot_f32") + NOT_LEGACY
                                      or cid.endswith("_big")):
        return False
    if door.endswith("fortran") and kernel in ("is_prime", "sum_primes_below"):
        # integer(c_int64_t) arguments: the Fortran doors cannot pass values >= 2**63
        return not np.any(np.frombuffer((vec / f"{cid}.bin").read_bytes(), "<u8") >= 2**63)
    return True


def load(out: Path, door: str, t: int, cid: str):
    d = out / door / f"t{t}"
    if (d / f"{cid}.bin").exists():
        return (d / f"{cid}.bin").read_bytes()
    if (d / f"{cid}.err").exists():
        return "error"
    return None


def shape_of(kernel: str, n: int, m: int, b: int, a: int = 0):
    if kernel == "laplacian" or (kernel in ("laplacian_mode", "laplacian_f32") and a == 0):
        return (max(n - 2, 0), max(m - 2, 0))
    if kernel in ("laplacian_mode", "laplacian_f32", "comb_forward_f32", "comb_backward_f32"):
        return (n, m)
    if kernel in ("comb_forward", "comb_backward", "mandelbrot", "mandelbrot_f32"):
        return (n, m)
    if kernel == "markov_chains":
        return (b, m)
    if kernel.startswith(("sum_axis", "mean_axis", "std_axis")):
        return (m if a == 0 else n,)
    return None


def output_bytes(kernel: str, n: int, m: int, a: int) -> int | None:
    """The size of a reduction's output (gen_vectors.py), None for the other kernels."""
    if kernel in AXIS_AND_F32_REDUCTIONS:
        lanes = 1 if kernel in ("sum_f32", "mean_f32", "std_f32") else shape_of(kernel, n, m, 0, a)[0]
        return lanes * np.dtype(DTYPE.get(kernel, "<f8")).itemsize
    return None


def first_diff(kernel: str, ref: bytes, got: bytes, shape) -> str:
    if kernel == "closest_pair":
        for name, lo in (("i", 0), ("j", 8), ("d", 16)):
            ra, ga = ref[lo:lo + 8], got[lo:lo + 8]
            if ra != ga:
                dt = "<f8" if name == "d" else "<u8"
                rv, gv = np.frombuffer(ra, dt)[0].item(), np.frombuffer(ga, dt)[0].item()
                return f"{name}: expected {rv!r} (0x{ra[::-1].hex()}), got {gv!r} (0x{ga[::-1].hex()})"
    dt = DTYPE.get(kernel, "<f8")
    a, b = np.frombuffer(ref, dt), np.frombuffer(got, dt)
    if a.size != b.size:
        return f"length: expected {a.size} elements, got {b.size}"
    k = int(np.flatnonzero(a.view(f"u{a.itemsize}") != b.view(f"u{b.itemsize}"))[0])
    where = f"[{k}]" if shape is None else str([int(i) for i in np.unravel_index(k, shape)])
    if dt == "<f4":
        return (f"element {where}: expected {float(a[k])!r} (0x{int(a.view('<u4')[k]):08x}), "
                f"got {float(b[k])!r} (0x{int(b.view('<u4')[k]):08x})")
    if dt == "<f8":
        return (f"element {where}: expected {float(a[k])!r} (0x{int(a.view('<u8')[k]):016x}), "
                f"got {float(b[k])!r} (0x{int(b.view('<u8')[k]):016x})")
    return f"element {where}: expected {int(a[k])}, got {int(b[k])}"


CANONICAL_NAN = 0x7FF8000000000000


def noncanonical_nan(kernel: str, data) -> str | None:
    """A description of the first NaN in a float output that is not the canonical one."""
    if isinstance(data, bytes) and DTYPE.get(kernel) == "<f4":
        a32 = np.frombuffer(data, "<f4")
        bad = np.flatnonzero(np.isnan(a32) & (a32.view("<u4") != 0x7FC00000))
        return None if bad.size == 0 else (
            f"element [{int(bad[0])}] is a NaN 0x{int(a32.view('<u4')[bad[0]]):08x}, not the canonical 0x7fc00000")
    if not isinstance(data, bytes) or DTYPE.get(kernel, "<f8") != "<f8":
        return None
    raw = data[16:24] if kernel == "closest_pair" else data
    a = np.frombuffer(raw[: len(raw) // 8 * 8], "<f8")
    bad = np.flatnonzero(np.isnan(a) & (a.view("<u8") != CANONICAL_NAN))
    if bad.size == 0:
        return None
    return f"element [{int(bad[0])}] is a NaN 0x{int(a.view('<u8')[bad[0]]):016x}, not the canonical 0x{CANONICAL_NAN:016x}"


def within_bound(kernel: str, x: np.ndarray, ref: float, got: float) -> tuple[bool, str]:
    if math.isnan(ref) or math.isnan(got) or math.isinf(ref) or math.isinf(got):
        ok = (math.isnan(ref) and math.isnan(got)) or ref == got
        return ok, f"expected {ref!r}, got {got!r}"
    n = x.size
    with np.errstate(over="ignore"):
        s = float(np.sum(np.abs(x)))
    bound = {"sum": n * EPS * s, "mean": n * EPS * s / max(n, 1) + EPS * abs(ref), "std": n * EPS * ref}[kernel]
    return abs(got - ref) <= bound, f"expected {ref!r} +- {bound:.3g}, got {got!r} (off by {abs(got - ref):.3g})"


def main() -> int:
    vec, out = Path(sys.argv[1]), Path(sys.argv[2])
    cases = [line.split() for line in (vec / "manifest.txt").read_text().splitlines() if line.strip()]
    doors = [d for d in DOORS if (out / d).is_dir()]
    missing_doors = [d for d in DOORS if d not in doors]
    # matrix[kernel][door][t] = [passed, failed, bounded]
    kernels = list(dict.fromkeys(c[1] for c in cases))
    matrix = {k: {d: {t: [0, 0, 0] for t in THREADS} for d in doors} for k in kernels}
    failures: list[str] = []
    passed = 0
    for cid, kernel, *ints in cases:
        n, m, a, b, r1, r2 = map(int, ints)
        ref = load(out, *REF, cid)
        if ref is None:
            failures.append(f"{cid}: the reference ({REF[0]}, {REF[1]} thread) wrote nothing")
            continue
        want_len = output_bytes(kernel, n, m, a)
        if isinstance(ref, bytes) and want_len is not None and len(ref) != want_len:
            failures.append(f"SIZE {kernel} case {cid}: the reference wrote {len(ref)} bytes, not {want_len}")
        bad_nan = noncanonical_nan(kernel, ref)
        if bad_nan:
            failures.append(f"NAN {kernel} case {cid}, the reference ({REF[0]}, {REF[1]} thread): {bad_nan}")
        for door in doors:
            if not applies(door, cid, kernel, vec):
                continue
            for t in THREADS:
                if (door, t) == REF:
                    continue
                got = load(out, door, t, cid)
                cell = matrix[kernel][door][t]
                why = None
                bounded = door.startswith("legacy") and kernel in REDUCTIONS
                if got is None:
                    why = "no output"
                elif noncanonical_nan(kernel, got):
                    why = noncanonical_nan(kernel, got)
                elif ref == "error" or got == "error":
                    if ref != got:
                        why = f"expected {'an error' if ref == 'error' else 'a result'}, got {'an error' if got == 'error' else 'a result'}"
                elif bounded:
                    x = np.frombuffer((vec / f"{cid}.bin").read_bytes(), "<f8")
                    rv, gv = np.frombuffer(ref, "<f8")[0], np.frombuffer(got, "<f8")[0]
                    ok, msg = within_bound(kernel, x, float(rv), float(gv))
                    if not ok:
                        why = msg
                elif ref != got:
                    why = first_diff(kernel, ref, got, shape_of(kernel, n, m, b, a))
                if why:
                    cell[1] += 1
                    failures.append(f"MISMATCH {kernel} case {cid}, door {door}, {t} thread(s): {why}")
                else:
                    cell[0 if not bounded or got == "error" else 2] += 1
                    passed += 1

    col = 14
    print("identity matrix: per door the thread counts 1 2 3 8; '=' bitwise equal to the reference "
          f"({REF[0]}, {REF[1]} thread) on every case, '~' within the accuracy bound, 'X' a mismatch, '-' not applicable")
    print(f"{'kernel':<24}" + "".join(f"{d:>{col + 1}}" for d in doors) + f"{'comparisons':>13}")
    for k in kernels:
        row, total = f"{k:<24}", 0
        for d in doors:
            s = ""
            for t in THREADS:
                p, f, bd = matrix[k][d][t]
                total += p + f
                s += "X" if f else "~" if bd else "=" if p else ("=" if (d, t) == REF else "-")
            row += f"{' '.join(s):>{col + 1}}"
        print(row + f"{total:>13}")
    if missing_doors:
        print(f"judge: doors without outputs (not run): {', '.join(missing_doors)}")
    for line in failures[:20]:
        print(line)
    if len(failures) > 20:
        print(f"... and {len(failures) - 20} more mismatches")
    print(f"identity: {passed} passed, {len(failures)} failed")
    return 1 if failures or missing_doors else 0


if __name__ == "__main__":
    sys.exit(main())
