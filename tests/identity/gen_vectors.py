#!/usr/bin/env python3
"""Shared input vectors of the cross-language identity suite (tests/identity/README.md).

Deterministic (fixed seeds, numpy only): running it twice writes the same bytes. Usage:
    gen_vectors.py OUTDIR
writes OUTDIR/manifest.txt and OUTDIR/<id>.bin.

Format, chosen so that C and Fortran read it with a few lines (no .npy header parsing):
  manifest.txt  one case per line, 8 blank-separated fields, all but the first two integers:
                    id kernel n m a b r1 r2
                r1, r2 are the bits of a float64 (or a uint64 seed) as a signed 64-bit decimal,
                so every runner gets exactly the same double (no decimal parsing involved).
  <id>.bin      the raw input array, little-endian, C order, no header:
    sum, mean, std          f64[n]                  a = ddof (std)
    second_derivative       f64[n]                  r1 = dx
    laplacian               f64[n, m]               r1 = dx, r2 = dy
    comb_forward/_backward  f64[n, m] (m columns)   a = tau, r1 = alpha
    is_prime                u64[n]
    sum_primes_below        u64[n] (queries)
    monte_carlo_pi          (empty)                 n = n_points, r1 = seed
    markov_chains           f64[m, m] (P)           n = n_steps, a = start, b = n_chains, r1 = seed
    closest_pair            f64[n, 2]
    mandelbrot              complex128[n, m]        a = max_iter
    mandelbrot_f32          complex64[n, m]         a = max_iter
    laplacian_mode          f64[n, m]               a = mode code, b = cval, r1 = dx, r2 = dy
    laplacian_f32           f32[n, m]               as laplacian_mode (result float32)
    second_derivative_mode  f64[n]                  a = mode code, b = cval, r1 = dx
    second_derivative_f32   f32[n]                  as second_derivative_mode (result float32)
    comb_forward_f32/_backward_f32  f32[n, m]       a = tau, r1 = alpha (result float32)
    sum_axis, mean_axis, std_axis   f64[n, m]       a = axis (0 or 1, C numbering), b = ddof (std_axis)
    sum_axis_f32, mean_axis_f32, std_axis_f32  f32[n, m]   a, b as above (result float32)
    sum_f32, mean_f32, std_f32      f32[n]          a = ddof (std_f32) (result float32)
    (mode codes as speedup_mode: 0 valid, 1 reflect, 2 nearest, 3 mirror, 4 wrap, 5 constant;
    b holds the bits of cval like r1; for the reductions b is a plain integer, like a.)
    An axis case whose id ends in "_F" must be passed as the Fortran-order copy of the array
    (strides 1, n in elements), one ending in "_R" as the C-order copy of the array with both
    axes reversed, viewed reversed again (strides -m, -1 from its last element): the same
    array in other layouts, read in place, so the same bits as the C-order case.
Outputs (written by every runner as OUT/<door>/t<threads>/<id>.bin, same conventions):
    sum/mean/std/monte_carlo_pi f64[1]; stencils and combs f64 of the result shape (C order);
    sum_axis/mean_axis/std_axis f64[m] if a == 0, f64[n] if a == 1 (f32, 4 bytes each, for the
    _axis_f32 kernels); sum_f32/mean_f32/std_f32 f32[1];
    is_prime u8[n] (0/1); sum_primes_below u64[n]; markov_chains u64[b, m];
    closest_pair u64 i, u64 j (0-based), f64 d; mandelbrot and mandelbrot_f32 i32[n, m].
    A kernel that reports an error writes <id>.err instead (its contents are not compared).
Legacy doors have no monte_carlo_pi / markov_chains / mandelbrot_f32, no modes, no float32 and no
reductions along axes, and skip the cases whose id ends in "_big"
(their closest pair is the O(n^2) brute force, their is_prime trial division); the Fortran
doors skip is_prime / sum_primes_below cases holding a value >= 2**63 (integer(c_int64_t)).
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

import numpy as np

CASES: list = []


def bits(v) -> int:
    """The 64 bits of a float (or an unsigned seed) as a signed decimal integer."""
    if isinstance(v, (float, np.floating)):
        return int(np.array([v], "<f8").view("<i8")[0])
    return int(np.array([int(v)], "<u8").view("<i8")[0])


def case(cid, kernel, data, n=0, m=0, a=0, b=0, r1=0, r2=0):
    CASES.append((cid, kernel, data, n, m, a, b, r1, r2))


def f64(x):
    return np.ascontiguousarray(np.asarray(x, dtype="<f8"))


def main(out: Path) -> None:
    rng = np.random.default_rng(20240611)
    nan, inf = float("nan"), float("inf")

    # --- reductions ------------------------------------------------------------------------
    red = {
        "n0": f64([]),
        "n1": f64([3.25]),
        "n2": f64([1.0, -0.1]),
        "n3": f64([0.1, 0.2, 0.3]),
        "normal1000": f64(rng.standard_normal(1000)),
        "normal1e6": f64(rng.standard_normal(1_000_003) * 1e3 + 7.0),
        # ill-conditioned: huge cancelling terms around small ones
        "illcond": f64(np.concatenate([rng.standard_normal(100_000) * 1e16,
                                       rng.standard_normal(100_000)])[rng.permutation(200_000)]),
        "cancel": f64(np.tile([1e16, 1.0, -1e16, 1e-3], 50_001)),
        "offset": f64(1e8 + rng.standard_normal(300_007)),
        "magnitudes": f64(np.sign(rng.standard_normal(65_537)) * 10.0 ** rng.uniform(-300, 300, 65_537)),
    }
    for name, x in red.items():
        case(f"sum_{name}", "sum", x, n=x.size, m=1)
        case(f"mean_{name}", "mean", x, n=x.size, m=1)
        case(f"std0_{name}", "std", x, n=x.size, m=1, a=0)
        case(f"std1_{name}", "std", x, n=x.size, m=1, a=1)
    x = f64(rng.standard_normal(200_000)); x[123_456] = nan
    case("sum_nan", "sum", x, n=x.size, m=1)
    x = f64(rng.standard_normal(200_000)); x[7] = inf
    case("sum_inf", "sum", x, n=x.size, m=1)
    x = f64(rng.standard_normal(200_000)); x[7] = inf; x[150_000] = -inf
    case("sum_infminusinf", "sum", x, n=x.size, m=1)

    # --- 1-D stencil -------------------------------------------------------------------------
    for n in (0, 1, 2, 3, 4, 1000, 300_001):
        f = f64(np.sin(np.linspace(0.0, 10.0, n)) + 0.01 * rng.standard_normal(n))
        case(f"d2_n{n}", "second_derivative", f, n=n, m=1, r1=bits(1.0 / 3.0))
    f = f64(rng.standard_normal(5000)); f[[10, 2000, 2001]] = [nan, inf, -inf]
    case("d2_naninf", "second_derivative", f, n=f.size, m=1, r1=bits(0.001))
    case("d2_dx0", "second_derivative", f64(np.ones(10)), n=10, m=1, r1=bits(0.0))

    # --- 2-D stencil -------------------------------------------------------------------------
    for r, c in ((0, 0), (2, 5), (5, 2), (3, 3), (3, 1000), (1000, 3), (4, 4), (701, 503)):
        f = f64(rng.standard_normal((r, c)))
        case(f"lap_{r}x{c}", "laplacian", f, n=r, m=c, r1=bits(0.1), r2=bits(1.0 / 7.0))
    f = f64(rng.standard_normal((50, 60))); f[3, 4] = nan; f[20, 20] = inf; f[40, 41] = -inf
    case("lap_naninf", "laplacian", f, n=50, m=60, r1=bits(0.25), r2=bits(3e-3))

    # --- NaNs of every sign and payload, and NaNs meeting NaNs made inside the formula -------
    # (an input NaN plus `inf - inf` or `0 * inf` in one element: the sign that comes out used to
    # be the compiler's choice; every door must now give the canonical NaN, 0x7ff8000000000000)
    def nans(k):
        pool = np.array([0x7FF8000000000000, 0xFFF8000000000000, 0x7FF4000000000001,
                         0xFFFFFFFFFFFFFFFF, 0x7FF8DEADBEEF0000], dtype="<u8")
        return pool[np.arange(k) % pool.size].view("<f8")
    case("sum_nanpayloads", "sum", f64(np.concatenate([rng.standard_normal(1000), nans(1)])), n=1001, m=1)
    x = f64(rng.standard_normal(2_000_003)); x[[5, 1_500_000]] = nans(2)[::-1]
    for k, cid in (("sum", "sum"), ("mean", "mean"), ("std", "std0")):
        case(f"{cid}_nanpayloads_large", k, x, n=x.size, m=1)
    f = f64(np.tile(np.concatenate([[-inf, -inf], nans(5)[1:2], [1.0, 2.0]]), 60_001))
    f[7::13] = nans(f[7::13].size)
    case("d2_nanmeet", "second_derivative", f, n=f.size, m=1, r1=bits(1.0))
    case("d2_nanmeet_small", "second_derivative", f64([-inf, -inf, nan]), n=3, m=1, r1=bits(1.0))
    g = f64([[-6.5e15, -0.46, 6.5e15, -4.0e15, 0.63], [4.0e15, -7.5e15, 0.46, 7.5e15, 2.3e15],
             [0.63, -2.3e15, nan, -0.93, -9.6e15]])
    case("lap_nanmeet", "laplacian", g, n=3, m=5, r1=bits(1.0), r2=bits(1e-200))
    f = f64(rng.standard_normal((700, 600))); f[::37, ::41] = inf; f[1::37, ::41] = -inf
    f[::53, 3::29] = nans(f[::53, 3::29].size).reshape(f[::53, 3::29].shape)
    case("lap_nanmeet_large", "laplacian", f, n=700, m=600, r1=bits(0.5), r2=bits(1e-200))
    x = f64(rng.standard_normal((400_000, 2))); x[::1001, 0] = nans(x[::1001, 0].size)
    x[3::997, 1] = inf; x[4::997, 1] = -inf
    for k in ("comb_forward", "comb_backward"):
        case(f"{k}_nanpayloads", k, x, n=x.shape[0], m=2, a=3, r1=bits(1.0))

    # --- comb filters ------------------------------------------------------------------------
    combs = [("n0", (0, 1), 1, 0.5), ("n1", (1, 1), 1, 0.5), ("n2", (2, 1), 1, -0.5),
             ("n3", (3, 1), 2, 0.9), ("taubig", (5, 1), 9, 0.5), ("1d", (200_003, 1), 7, -0.9),
             ("1d_tau1", (100_000, 1), 1, 0.999999), ("3x1000", (3, 1000), 1, 0.5),
             ("1000x3", (1000, 3), 2, -0.75), ("wide", (20_000, 5), 3, 1.0000001),
             ("tau0", (10, 1), 0, 0.5)]
    for name, shape, tau, alpha in combs:
        x = f64(rng.standard_normal(shape))
        for k in ("comb_forward", "comb_backward"):
            case(f"{k}_{name}", k, x, n=shape[0], m=shape[1], a=tau, r1=bits(alpha))
    x = f64(rng.standard_normal((1000, 2))); x[5, 0] = nan; x[100, 1] = inf; x[101, 1] = -inf
    for k in ("comb_forward", "comb_backward"):
        case(f"{k}_naninf", k, x, n=1000, m=2, a=4, r1=bits(0.5))

    # --- boundary modes and float32 of the stencils and comb filters -------------------------
    def f32(x):
        return np.ascontiguousarray(np.asarray(x, dtype="<f4"))
    for r, c in ((1, 1), (2, 5), (3, 3), (57, 40), (700, 503)):
        f = rng.standard_normal((r, c))
        if r * c > 100:
            f[5, 7] = nan; f[9, 3] = inf; f[9, 4] = -inf
        for mode in range(6):
            tag = f"{r}x{c}_m{mode}"
            case(f"lapmode_{tag}", "laplacian_mode", f64(f), n=r, m=c, a=mode, b=bits(-1.5), r1=bits(0.1), r2=bits(1.0 / 7.0))
            case(f"lap32_{tag}", "laplacian_f32", f32(f), n=r, m=c, a=mode, b=bits(-1.5), r1=bits(0.1), r2=bits(1.0 / 7.0))
    for n in (1, 2, 3, 1000, 300_001):
        f = rng.standard_normal(n)
        for mode in range(6):
            case(f"d2mode_n{n}_m{mode}", "second_derivative_mode", f64(f), n=n, m=1, a=mode, b=bits(2.0), r1=bits(1.0 / 3.0))
            case(f"d232_n{n}_m{mode}", "second_derivative_f32", f32(f), n=n, m=1, a=mode, b=bits(2.0), r1=bits(1.0 / 3.0))
    case("lap32_dx_underflow", "laplacian_f32", f32(np.ones((4, 4))), n=4, m=4, a=1, r1=bits(1e-50), r2=bits(1.0))
    for name, shape, tau in (("1d", (200_003, 1), 7), ("1000x3", (1000, 3), 2), ("wide", (20_000, 5), 3), ("tau0", (10, 1), 0)):
        x = f32(rng.standard_normal(shape))
        for k in ("comb_forward_f32", "comb_backward_f32"):
            case(f"{k}_{name}", k, x, n=shape[0], m=shape[1], a=tau, r1=bits(-0.9))

    # --- reductions along axes, and float32 reductions ---------------------------------------
    # Lanes shorter and longer than a leaf (1024) and of several thousand elements, lanes that
    # lie side by side (axis 0 of a C-order array: the tiled path) and contiguous ones (axis 1),
    # long lanes split into parallel pieces, n or m = 1, no rows, odd sizes, cancellation,
    # NaN/inf in some lanes only, and ddof at and past the lane length (an error).
    def axis_grids():
        yield "3000x5", rng.standard_normal((3000, 5)) * 1e3 + 7.0, True
        yield "5x3000", rng.standard_normal((5, 3000)), True
        yield "1x2049", rng.standard_normal((1, 2049)), False
        yield "2049x1", rng.standard_normal((2049, 1)), False
        yield "0x7", np.zeros((0, 7)), False
        yield "7x0", np.zeros((7, 0)), False
        yield "1x1", np.array([[2.5]]), False
        yield "37x1025", rng.standard_normal((37, 1025)), True
        yield "1023x33", rng.standard_normal((1023, 33)) * 10.0 ** rng.integers(-8, 9, (1023, 33)), False
        yield "cancel", np.tile([1e16, 1.0, -1e16, 1e-3, 0.1], 3 * 1031).reshape(-1, 3), True
        g = rng.standard_normal((2500, 9))
        g[17, 0] = nan; g[2000, 2] = inf; g[5, 4] = inf; g[2400, 4] = -inf; g[:, 6] = 3e38
        yield "naninf", g, True
        yield "300x4100", rng.standard_normal((300, 4100)), False
        yield "2x600001", rng.standard_normal((2, 600_001)), False
    for tag, g, strided in axis_grids():
        n, m = g.shape
        for dt, suffix, single in (("<f8", "", False), ("<f4", "32", True)):
            with np.errstate(over="ignore"):
                data = np.ascontiguousarray(g.astype(dt))
            for lay in ("", "_F", "_R") if strided else ("",):
                for axis in (0, 1):
                    lane = n if axis == 0 else m
                    at = f"{tag}_a{axis}{lay}"
                    ks = ("sum_axis_f32", "mean_axis_f32", "std_axis_f32") if single else ("sum_axis", "mean_axis", "std_axis")
                    case(f"sumax{suffix}_{at}", ks[0], data, n=n, m=m, a=axis)
                    case(f"meanax{suffix}_{at}", ks[1], data, n=n, m=m, a=axis)
                    edges = {0, max(lane - 1, 0), lane + 5} if n * m <= 100_000 else set()
                    for ddof in sorted(edges | {1, lane}):
                        case(f"stdax{suffix}_d{ddof}_{at}", ks[2], data, n=n, m=m, a=axis, b=ddof)
    x = rng.standard_normal(100_003).astype("<f4")
    flat32 = {
        "n0": np.zeros(0), "n1": [3.25], "n2": [1.0, -0.1], "n3": [0.1, 0.2, 0.3],
        "n1025": rng.standard_normal(1025) * 100.0, "normal": x,
        "cancel": np.tile([1e16, 1.0, -1e16, 1e-3], 25_001),
        "overflow": [3e38, 3e38, 1.0],            # exact in f64, infinite once rounded to f32
        "naninf": np.concatenate([x[:5000], [nan], x[:10], [inf]]),
        "infminusinf": np.concatenate([x[:3000], [inf, -inf]]),
    }
    for name, v in flat32.items():
        with np.errstate(over="ignore"):
            v = np.ascontiguousarray(np.asarray(v, dtype="<f4"))
        case(f"sum32_{name}", "sum_f32", v, n=v.size, m=1)
        case(f"mean32_{name}", "mean_f32", v, n=v.size, m=1)
        for ddof in sorted({0, 1, v.size}):
            case(f"std32_d{ddof}_{name}", "std_f32", v, n=v.size, m=1, a=ddof)

    # --- primes ------------------------------------------------------------------------------
    u64max = 2**64 - 1
    special = [0, 1, 2, 3, 4, 5, 9, 25, 561, 1105, 1729, 2047, 3215031751, 341550071728321,
               3825123056546413051, 318665857834031151167461 % 2**64, 2**31 - 1, 2**61 - 1,
               (2**32 - 5) ** 2, 4294967291 * 4294967279, 2**64 - 59, u64max, u64max - 1, 2**63,
               18446744073709551557, 1000000007 * 1000000009]
    case("isprime_empty", "is_prime", np.zeros(0, "<u8"), n=0, m=1)
    small = [v for v in special if v < 2**40]
    case("isprime_special", "is_prime", np.array(small, "<u8"), n=len(small), m=1)
    case("isprime_special_big", "is_prime", np.array(special, "<u8"), n=len(special), m=1)
    v = rng.integers(0, 2**39, 5_000, dtype=np.uint64) * 2 + 1
    case("isprime_random", "is_prime", v.astype("<u8"), n=v.size, m=1)
    v = rng.integers(0, 2**63, 20_000, dtype=np.uint64) * 2 + 1
    case("isprime_random_big", "is_prime", v.astype("<u8"), n=v.size, m=1)
    # below 2**63: the Fortran door's integer(c_int64_t) domain (it skips cases beyond it)
    v = np.concatenate([[v for v in special if v < 2**63],
                        rng.integers(0, 2**62, 5_000, dtype=np.uint64) * 2 + 1]).astype("<u8")
    case("isprime_u63_big", "is_prime", v, n=v.size, m=1)
    v = np.arange(0, 100_000, dtype="<u8")
    case("isprime_small", "is_prime", v, n=v.size, m=1)
    case("spb_empty", "sum_primes_below", np.zeros(0, "<u8"), n=0, m=1)
    q = np.array([0, 1, 2, 3, 4, 5, 10, 100, 1000, 1_000_003, 3], "<u8")
    case("spb_special", "sum_primes_below", q, n=q.size, m=1)
    q = rng.integers(0, 300_000, 20).astype("<u8")
    case("spb_random", "sum_primes_below", q, n=q.size, m=1)
    q = rng.integers(0, 3_000_000, 5000).astype("<u8")
    case("spb_random_big", "sum_primes_below", q, n=q.size, m=1)

    # --- Monte Carlo -------------------------------------------------------------------------
    for name, n, seed in (("n0", 0, 1), ("n1", 1, 0), ("n2", 2, 1), ("n3", 3, u64max),
                          ("1e6", 1_000_000, 42), ("odd", 1_000_003, 2**63 + 7)):
        case(f"mcpi_{name}", "monte_carlo_pi", np.zeros(0, "<f8"), n=n, r1=bits(seed))

    # --- Markov chains -----------------------------------------------------------------------
    p3 = [[0.5, 0.5, 0.0], [0.0, 0.0, 1.0], [0.25, 0.0, 0.75]]
    p5 = rng.random((5, 5)); p5[rng.random((5, 5)) < 0.4] = 0.0; p5[:, 0] += 1e-3
    p5 /= p5.sum(axis=1, keepdims=True)
    absorbing = [[1.0, 0.0, 0.0, 0.0], [0.1, 0.0, 0.9, 0.0], [0.0, 0.0, 0.0, 1.0], [0.0, 0.0, 0.0, 1.0]]
    markov = [("p3", p3, 1, 1000, 7, 5), ("p1", [[1.0]], 0, 10, 3, 1), ("steps0", p3, 2, 0, 4, 9),
              ("chains0", p3, 0, 10, 0, 9), ("p5", p5, 4, 5000, 64, 2**64 - 2),
              ("absorbing", absorbing, 0, 300, 16, 123), ("bad_start", p3, 3, 10, 2, 0),
              ("bad_negative", [[1.5, -0.5], [0.5, 0.5]], 0, 10, 2, 0)]
    for name, p, start, steps, chains, seed in markov:
        p = f64(p)
        case(f"markov_{name}", "markov_chains", p, n=steps, m=p.shape[0], a=start, b=chains,
             r1=bits(seed))

    # --- closest pair ------------------------------------------------------------------------
    cp = {
        "n0": np.zeros((0, 2)), "n1": [[0.5, 0.5]], "n2": [[0.0, 0.0], [3.0, 4.0]],
        "n3": [[0.0, 0.0], [1.0, 0.0], [2.0, 0.0]],
        "dups": np.repeat(rng.random((500, 2)), 3, axis=0)[rng.permutation(1500)],
        "grid": np.stack(np.meshgrid(np.arange(40.0), np.arange(50.0)), -1).reshape(-1, 2)[::-1].copy(),
        "random": rng.random((5000, 2)),
        "random_big": rng.random((100_000, 2)),   # legacy doors skip it (brute force, O(n^2))
        "samex": np.column_stack([np.zeros(2000), rng.permutation(2000).astype(float) * 0.5]),
        "nan": [[0.0, 0.0], [nan, 1.0], [2.0, 2.0]],
    }
    for name, pts in cp.items():
        pts = f64(pts).reshape(-1, 2)
        case(f"closest_{name}", "closest_pair", pts, n=pts.shape[0], m=2)

    # --- Mandelbrot --------------------------------------------------------------------------
    def grid(r, c):
        return (np.linspace(-2.2, 1.0, c)[None, :] + 1j * np.linspace(-1.3, 1.3, r)[:, None])
    mb = [("3x1000", grid(3, 1000), 100), ("1000x3", grid(1000, 3), 100), ("300x400", grid(300, 400), 200),
          ("n0", np.zeros((0, 1)), 10), ("iter0", grid(4, 5), 0),
          ("special", np.array([[0, -2, 2, complex(nan, 0), complex(0, inf), complex(-inf, nan),
                                  0.25, -0.75 + 0.1j, 4, 1e308 + 1e308j]]), 50),
          ("negiter", grid(2, 2), -1)]
    for name, c, it in mb:
        c = np.ascontiguousarray(np.asarray(c, dtype="<c16"))
        case(f"mandel_{name}", "mandelbrot", c, n=c.shape[0], m=c.shape[1], a=it)
    # The same grids in complex64 (iterated in float32); 1e308 becomes inf there, so "special"
    # gets float32's huge value instead.
    for name, c, it in mb:
        c = np.ascontiguousarray(np.asarray(c, dtype="<c16"))
        with np.errstate(over="ignore"):
            c32 = c.astype("<c8")
        c32[~np.isfinite(c32) & np.isfinite(c)] = complex(3e38, 3e38)
        case(f"mandel32_{name}", "mandelbrot_f32", c32, n=c.shape[0], m=c.shape[1], a=it)

    out.mkdir(parents=True, exist_ok=True)
    lines = []
    written: dict = {}   # the same input of several cases is written once, then hard-linked
    for cid, kernel, data, n, m, a, b, r1, r2 in CASES:
        raw = np.ascontiguousarray(data).tobytes()
        path, first = out / f"{cid}.bin", written.setdefault(hashlib.sha256(raw).digest(), out / f"{cid}.bin")
        if first == path:
            path.write_bytes(raw)
        else:
            os.link(first, path)
        lines.append(f"{cid} {kernel} {n} {m} {a} {b} {r1} {r2}\n")
    (out / "manifest.txt").write_text("".join(lines))
    print(f"gen_vectors: {len(CASES)} cases in {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
