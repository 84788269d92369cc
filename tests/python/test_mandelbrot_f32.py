"""speedup.mandelbrot on complex64 points: iterated in float32 without an upcast copy, the bits
of an independent numpy float32 loop, the same on both backends and every thread count."""

from __future__ import annotations

from typing import Any, List

import numpy as np
import pytest

import speedup
from references import same_bits

F32 = np.float32


def reference_f32(c: np.ndarray, max_iter: int) -> np.ndarray:
    """The contract's iteration on numpy float32 scalars (each operation rounded to float32)."""
    out: List[int] = []
    sixteen, two = F32(16.0), F32(2.0)
    with np.errstate(all="ignore"):
        for z0 in c.reshape(-1):
            cr, ci = F32(z0.real), F32(z0.imag)
            re, im = cr, ci
            res = -1
            for it in range(max_iter):
                if re * re + im * im >= sixteen:
                    res = it
                    break
                re, im = (re * re - im * im) + cr, (two * re) * im + ci
            out.append(res)
    return np.array(out, np.int32).reshape(c.shape)


def grid(w: int, h: int) -> np.ndarray:
    re = np.linspace(-2.2, 1.0, w, dtype=F32)
    im = np.linspace(-1.3, 1.3, h, dtype=F32)
    return (re[None, :] + 1j * im[:, None]).astype(np.complex64)


def awkward() -> np.ndarray:
    """The escape circle, NaN, infinities, huge values, signed zeros, points that never escape;
    37 points, so every SIMD width leaves a tail."""
    special = [4 + 0j, -4j, complex(np.nan, 0), complex(0.25, np.inf), complex(-np.inf, np.nan),
               complex(1e30, 1e30), complex(-0.0, 0.0), -0.75 + 0.1j, 0.3 + 0.5j, -1 + 0j]
    pts = special + [complex(-2 + 0.09 * k, 0.05 * k - 0.6) for k in range(27)]
    return np.array(pts, np.complex64)


@pytest.mark.parametrize("max_iter", [0, 1, 2, 20, 100])
def test_matches_the_float32_reference(max_iter: int) -> None:
    for c in (grid(23, 17), awkward()):
        got = speedup.mandelbrot(c, max_iter)
        assert got.dtype == np.int32 and got.shape == c.shape
        assert same_bits(got, reference_f32(c, max_iter))


def test_float32_is_not_float64() -> None:
    """On a fine grid near the boundary some points escape at another iteration in float32:
    the complex64 path really iterates in single precision."""
    re = np.linspace(-0.7436, -0.7426, 64)
    im = np.linspace(0.1310, 0.1320, 64)
    c128 = re[None, :] + 1j * im[:, None]
    c64 = c128.astype(np.complex64)
    got = speedup.mandelbrot(c64, 500)
    assert not same_bits(got, speedup.mandelbrot(c64.astype(np.complex128), 500))
    sample = c64[::9, ::9]
    assert same_bits(speedup.mandelbrot(sample, 500), reference_f32(sample, 500))


def test_no_upcast_copy(monkeypatch: pytest.MonkeyPatch) -> None:
    """The backend receives the caller's complex64 buffer itself."""
    c = grid(40, 30)
    seen: List[Any] = []
    real = speedup._impl.mandelbrot_f32

    def spy(a: np.ndarray, max_iter: int, out: np.ndarray) -> None:
        seen.append(a)
        real(a, max_iter, out)

    monkeypatch.setattr(speedup._impl, "mandelbrot_f32", spy)
    got = speedup.mandelbrot(c, 30)
    assert len(seen) == 1 and seen[0].dtype == np.complex64 and np.shares_memory(seen[0], c)
    assert same_bits(got, reference_f32(c, 30))


def test_shapes_and_layouts() -> None:
    c = grid(40, 30)
    want = speedup.mandelbrot(c, 50)
    assert same_bits(speedup.mandelbrot(np.asfortranarray(c), 50), want)
    assert same_bits(speedup.mandelbrot(c[:, ::2], 50), want[:, ::2])
    assert speedup.mandelbrot(np.complex64(0.25 + 0j), 5).shape == ()
    assert speedup.mandelbrot(np.zeros((0, 3), np.complex64)).shape == (0, 3)


def test_same_bits_across_threads_and_backends(backend: str) -> None:
    c = grid(700, 400)  # above the parallel cut-off
    with speedup.threads(1):
        base = speedup.mandelbrot(c, 80)
    for n in (2, 3, 8):
        with speedup.threads(n):
            assert same_bits(speedup.mandelbrot(c, 80), base)
    other = "ctypes" if backend == "pyo3" else "pyo3"
    previous = speedup._use_backend(other)
    try:
        assert same_bits(speedup.mandelbrot(c, 80), base)
    finally:
        speedup._use_backend(previous)


def test_bad_input_names_the_kernel() -> None:
    c = grid(4, 2)
    with pytest.raises(ValueError, match="^mandelbrot_f32: max_iter must be >= 0, got -1$"):
        speedup.mandelbrot(c, -1)
    with pytest.raises(ValueError, match="^mandelbrot: max_iter must be between 0 and 2147483647"):
        speedup.mandelbrot(c, 2**31)
    with pytest.raises(TypeError, match="^mandelbrot: max_iter must be an integer"):
        speedup.mandelbrot(c, 5.0)


def test_dask_keeps_complex64() -> None:
    da = pytest.importorskip("dask.array")
    import speedup.dask

    re = np.linspace(-0.7436, -0.7426, 64)
    im = np.linspace(0.1310, 0.1320, 64)
    c = (re[None, :] + 1j * im[:, None]).astype(np.complex64)  # where float32 differs
    got = speedup.dask.mandelbrot(da.from_array(c, chunks=(7, 11)), 500).compute()
    assert same_bits(got, speedup.mandelbrot(c, 500))
