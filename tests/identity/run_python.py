#!/usr/bin/env python3
"""Identity runner, Python door: every case of VECDIR/manifest.txt through `import speedup` at 1,
2, 3 and 8 threads; outputs in OUTDIR/t<threads>/<id>.bin (format: gen_vectors.py).

usage: SPEEDUP_BACKEND=pyo3|ctypes run_python.py VECDIR OUTDIR [legacy]
(legacy: speedup.legacy.<kernel>, the legacy C/Fortran routines, instead).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

import speedup


def f(b: int) -> float:
    return float(np.array([b], "<i8").view("<f8")[0])


def u(b: int) -> int:
    return int(np.array([b], "<i8").view("<u8")[0])


def held_as(cid: str, x: np.ndarray) -> np.ndarray:
    """The C-order array ``x`` in the layout the case id names (gen_vectors.py): "_F" a
    Fortran-order copy, "_R" the doubly reversed copy viewed reversed (negative strides)."""
    if cid.endswith("_F"):
        return np.asfortranarray(x)
    if cid.endswith("_R"):
        return np.ascontiguousarray(x[::-1, ::-1])[::-1, ::-1]
    return x


def main() -> int:
    vec, outroot = Path(sys.argv[1]), Path(sys.argv[2])
    legacy = len(sys.argv) > 3 and sys.argv[3] == "legacy"
    ns = speedup.legacy if legacy else speedup
    cases = [line.split() for line in (vec / "manifest.txt").read_text().splitlines() if line.strip()]
    ran = 0
    for t in (1, 2, 3, 8):
        speedup.set_num_threads(t)
        assert speedup.get_num_threads() == t
        out = outroot / f"t{t}"
        out.mkdir(parents=True, exist_ok=True)
        for cid, kernel, *ints in cases:
            n, m, a, b, r1, r2 = map(int, ints)
            if legacy and (kernel in ("monte_carlo_pi", "markov_chains", "mandelbrot_f32") or cid.endswith("_big")
                           or kernel.endswith(("_mode", "_f32")) or "_axis" in kernel):
                continue
            raw = (vec / f"{cid}.bin").read_bytes()
            dt = {"is_prime": "<u8", "sum_primes_below": "<u8", "mandelbrot": "<c16",
                  "mandelbrot_f32": "<c8"}.get(kernel, "<f4" if kernel.endswith("_f32") else "<f8")
            x = np.frombuffer(raw, dtype=dt)
            # mandelbrot_f32 is speedup.mandelbrot on complex64 points, laplacian_f32 laplacian on float32
            base = kernel.rsplit("_", 1)[0] if kernel.endswith(("_mode", "_f32")) else kernel
            if "_axis" in kernel:  # speedup.sum / mean / std along an axis, of float64 or float32
                base = kernel.split("_")[0]
            fn = getattr(ns, base)
            modes = ("valid", "reflect", "nearest", "mirror", "wrap", "constant")
            try:
                if kernel in ("sum", "mean"):
                    res = np.array([fn(x)], "<f8")
                elif kernel == "std":
                    res = np.array([fn(x, ddof=a)], "<f8")
                elif kernel in ("sum_f32", "mean_f32", "std_f32"):
                    # float32 in, a numpy.float32 out (the flat kernel, every axis reduced)
                    r32 = fn(x, ddof=a) if base == "std" else fn(x)
                    assert type(r32) is np.float32, type(r32)
                    res = np.array([r32], "<f4")
                elif "_axis" in kernel:
                    grid = held_as(cid, x.reshape(n, m))
                    res = fn(grid, a, ddof=b) if base == "std" else fn(grid, axis=a)
                    assert res.dtype == x.dtype, res.dtype
                elif kernel in ("laplacian_mode", "laplacian_f32"):
                    res = fn(x.reshape(n, m), f(r1), f(r2), mode=modes[a], cval=f(b))
                elif base == "second_derivative" and kernel != base:
                    res = fn(x, f(r1), mode=modes[a], cval=f(b))
                elif kernel in ("comb_forward_f32", "comb_backward_f32"):
                    res = fn(x.reshape(n, m) if m != 1 else x, a, f(r1))
                elif kernel == "second_derivative":
                    res = fn(x, f(r1))
                elif kernel == "laplacian":
                    res = fn(x.reshape(n, m), f(r1), f(r2))
                elif kernel in ("comb_forward", "comb_backward"):
                    # an n x 1 signal goes in 1-D, like a plain signal would
                    res = fn(x.reshape(n, m) if m != 1 else x, a, f(r1))
                elif kernel == "is_prime":
                    res = np.asarray(fn(x), dtype=bool).astype("u1")
                elif kernel == "sum_primes_below":
                    res = np.asarray(fn(x), dtype="<u8")
                elif kernel == "monte_carlo_pi":
                    res = np.array([fn(n, seed=u(r1))], "<f8")
                elif kernel == "markov_chains":
                    res = fn(x.reshape(m, m), n, n_chains=b, start=a, seed=u(r1))
                elif kernel == "closest_pair":
                    i, j, d = fn(x.reshape(n, 2))
                    res = np.array([i, j], "<u8").tobytes() + np.array([d], "<f8").tobytes()
                elif kernel in ("mandelbrot", "mandelbrot_f32"):
                    res = fn(x.reshape(n, m), max_iter=a)
                else:
                    raise SystemExit(f"run_python: unknown kernel {kernel}")
            except (ValueError, OverflowError) as e:
                (out / f"{cid}.err").write_text(f"{type(e).__name__}: {e}\n")
            else:
                data = res if isinstance(res, bytes) else np.ascontiguousarray(res).tobytes()
                (out / f"{cid}.bin").write_bytes(data)
            ran += 1
    print(f"run_python ({speedup.backend}{', legacy' if legacy else ''}): {ran} kernel calls")
    return 0


if __name__ == "__main__":
    sys.exit(main())
