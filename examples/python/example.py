"""speedup from Python with NumPy: build a few inputs from exact formulas, call a handful of
kernels and print the results, one ``name: value`` line each, floating-point values with 17
significant digits. The C, Fortran and Rust examples beside this folder print the same lines,
bit for bit.

    python examples/python/example.py
"""

import numpy as np

import speedup


def e17(v: float) -> str:
    """17 significant digits, like C's printf("%.16e")."""
    return f"{v:.16e}"


def main() -> None:
    print(f"# speedup {speedup.__version__}, Python example ({speedup.backend} backend), "
          f"{speedup.get_num_threads()} threads")

    # A signal of 100000 values: x[i] = ((i * 7919) mod 10007) / 10007 - 0.5.
    i = np.arange(100_000, dtype=np.int64)
    x = ((i * 7919) % 10007) / 10007.0 - 0.5
    print("sum(x):", e17(speedup.sum(x)))
    print("std(x, ddof=1):", e17(speedup.std(x, ddof=1)))

    # A 300 x 400 grid: f[r, c] = ((r * 31 + c * 17) mod 101) / 8.
    r, c = np.indices((300, 400), dtype=np.int64)
    f = ((r * 31 + c * 17) % 101) / 8.0
    lap = speedup.laplacian(f, 0.1, 0.2)  # shape (298, 398)
    print("laplacian(f, 0.1, 0.2)[100][200]:", e17(lap[100, 200]))
    print("sum(laplacian(f, 0.1, 0.2)):", e17(speedup.sum(lap)))

    print("sum_primes_below(1000000):", speedup.sum_primes_below(1_000_000))
    print("monte_carlo_pi(1000000, seed=42):", e17(speedup.monte_carlo_pi(1_000_000, seed=42)))

    # 2000 points, rows (x, y).
    k = np.arange(2000, dtype=np.int64)
    points = np.column_stack([((k * 7919) % 10007) / 10007.0, ((k * 104729) % 10009) / 10009.0])
    a, b, dist = speedup.closest_pair(points)
    print("closest_pair(points):", a, b, e17(dist))

    # A 160 x 160 grid of the complex plane: c = (-2 + col/64) + (-1.25 + row/64) i.
    row, col = np.indices((160, 160))
    cgrid = np.empty((160, 160), dtype=np.complex128)
    cgrid.real = -2.0 + col / 64.0
    cgrid.imag = -1.25 + row / 64.0
    counts = speedup.mandelbrot(cgrid, max_iter=100)  # -1 where the point did not escape
    inside = int(np.count_nonzero(counts < 0))
    escape_sum = int(counts[counts >= 0].sum())
    print(f"mandelbrot(c, max_iter=100): inside={inside} escape_sum={escape_sum}")


if __name__ == "__main__":
    main()
