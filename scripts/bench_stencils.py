#!/usr/bin/env python3
"""Laplacian timings of one run, side by side: float32 vs float64 (4000x4000), and strided or
Fortran-order inputs vs the C-contiguous one, at 1 thread and at the default thread count.
Minimum of REPS repetitions after a warm-up; ratios are to the float64 C-order call of the same
run. Usage: .venv/bin/python scripts/bench_stencils.py [REPS]"""

import sys

import numpy as np

import speedup
from speedup.bench.race import best_time as best


def main() -> None:
    reps = int(sys.argv[1]) if len(sys.argv) > 1 else 9
    f64 = np.random.default_rng(0).standard_normal((4000, 4000))
    f32 = f64.astype(np.float32)
    o64, o32, full = np.empty((3998, 3998)), np.empty((3998, 3998), np.float32), np.empty((4000, 4000))
    wide = np.zeros((4000, 4040))
    wide[:, 20:-20] = f64
    fort = np.asfortranarray(f64)
    rows2 = np.zeros((8000, 4000))
    rows2[::2] = f64
    cols2 = np.zeros((4000, 8000))
    cols2[:, ::2] = f64
    cases = {
        "float64 C order": lambda: speedup.laplacian(f64, 0.1, 0.2, out=o64),
        "float32 C order": lambda: speedup.laplacian(f32, 0.1, 0.2, out=o32),
        "float64 f[:, 20:-20] (sliced)": lambda: speedup.laplacian(wide[:, 20:-20], 0.1, 0.2, out=o64),
        "float64 Fortran order": lambda: speedup.laplacian(fort, 0.1, 0.2, out=o64),
        "float64 f[::2] (every other row)": lambda: speedup.laplacian(rows2[::2], 0.1, 0.2, out=o64),
        "float64 f[:, ::2] (every other column)": lambda: speedup.laplacian(cols2[:, ::2], 0.1, 0.2, out=o64),
        "float64 copy to C order, then C": lambda: speedup.laplacian(np.ascontiguousarray(cols2[:, ::2]), 0.1, 0.2, out=o64),
        "float64 C order, mode='wrap'": lambda: speedup.laplacian(f64, 0.1, 0.2, mode="wrap", out=full),
    }
    print(f"backend {speedup.backend}, default threads {speedup.get_num_threads()}, min of {reps}")
    for n in sorted({1, speedup.get_num_threads()}):
        with speedup.threads(n):
            times = {name: best(fn, reps) for name, fn in cases.items()}
        base = times["float64 C order"]
        for name, t in times.items():
            print(f"threads={n}  {name:40s} {t * 1e3:8.2f} ms   x{t / base:5.2f}")


if __name__ == "__main__":
    main()
