"""parallel_map with a ctypes Python callback and with a C function compiled here."""

from __future__ import annotations

import ctypes
import math
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

import speedup
from references import same_bits

MapFunc = ctypes.CFUNCTYPE(ctypes.c_double, ctypes.c_double, ctypes.c_void_p)


@pytest.fixture(scope="module")
def clib(tmp_path_factory: pytest.TempPathFactory) -> ctypes.CDLL:
    cc = shutil.which("gcc") or shutil.which("cc")
    if cc is None:
        pytest.skip("no C compiler")
    d = tmp_path_factory.mktemp("cfunc")
    src = d / "f.c"
    src.write_text(
        "#include <math.h>\n"
        "double damped(double x, void *ctx) { (void)ctx; return exp(-x) * cos(3.0 * x); }\n"
        "double square(double x, void *ctx) { (void)ctx; return x * x; }\n"
    )
    so = d / "libf.so"
    subprocess.run([cc, "-O2", "-ffp-contract=off", "-shared", "-fPIC", str(src), "-o", str(so), "-lm"], check=True,
                   timeout=120)
    return ctypes.CDLL(str(so))


def test_python_callback() -> None:
    x = np.linspace(-3, 3, 10_001)  # above the parallel cut-off: the callback runs on workers
    got = speedup.parallel_map(MapFunc(lambda v, ctx: v * v + 1.0), x)
    assert same_bits(got, x * x + 1.0)
    small = speedup.parallel_map(MapFunc(lambda v, ctx: -v), [1.0, 2.0])
    assert small.tolist() == [-1.0, -2.0]


def test_compiled_callback(clib: ctypes.CDLL) -> None:
    x = np.random.default_rng(1).random(200_000) * 10
    addr = ctypes.cast(clib.square, ctypes.c_void_p).value
    assert same_bits(speedup.parallel_map(addr, x), x * x)  # an integer address
    clib.damped.restype = ctypes.c_double
    clib.damped.argtypes = [ctypes.c_double, ctypes.c_void_p]
    expect = np.array([clib.damped(v, None) for v in x[:2000]])
    assert same_bits(speedup.parallel_map(MapFunc(ctypes.cast(clib.damped, ctypes.c_void_p).value), x[:2000]), expect)
    assert same_bits(speedup.parallel_map(clib.damped, x[:2000]), expect)  # a typed ctypes function
    for n in (1, 2, 4):
        with speedup.threads(n):
            assert same_bits(speedup.parallel_map(addr, x), x * x)


def test_shapes_and_out(clib: ctypes.CDLL) -> None:
    addr = ctypes.cast(clib.square, ctypes.c_void_p).value
    x = np.arange(12.0).reshape(3, 4)
    out = np.empty((3, 4))
    assert speedup.parallel_map(addr, x.T, out=np.empty((4, 3))).tolist() == (x.T ** 2).tolist()
    assert speedup.parallel_map(addr, x, out=out) is out and (out == x * x).all()
    assert speedup.parallel_map(addr, []).shape == (0,)
    with pytest.raises(ValueError, match="overlap"):
        speedup.parallel_map(addr, out, out=out)


def test_bad_func() -> None:
    with pytest.raises(TypeError, match="^parallel_map: func must be a ctypes CFUNCTYPE"):
        speedup.parallel_map(math.sin, [1.0])
    with pytest.raises(ValueError, match="non-NULL"):
        speedup.parallel_map(0, [1.0])
    bad = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_int)(lambda v: v)
    with pytest.raises(TypeError, match="C signature double"):
        speedup.parallel_map(bad, [1.0])
