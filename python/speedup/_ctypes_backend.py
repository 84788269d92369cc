"""The ctypes backend: the same internal function set as the PyO3 extension ``speedup._speedup``,
over the C ABI of ``libspeedup.so`` (``include/speedup.h``).

Every function takes C-contiguous, aligned NumPy arrays of the right dtype (the public layer in
``speedup/__init__.py`` normalises and validates them once) and raises the same exceptions as
the PyO3 backend, with the message of ``speedup_last_error`` (read on the calling thread):

    SPEEDUP_ERR_NULL_POINTER, _LENGTH, _INVALID_ARGUMENT -> ValueError
    SPEEDUP_ERR_OVERFLOW -> OverflowError
    SPEEDUP_ERR_INTERRUPTED -> KeyboardInterrupt
    SPEEDUP_ERR_PANIC (a caught Rust panic; or an unknown code) -> RuntimeError
    SPEEDUP_ERR_ALLOCATION -> MemoryError

ctypes releases the GIL for the duration of every call (``ctypes.CDLL``).

One speedup runtime per process: the PyO3 extension ``speedup._speedup`` links the C door in and
exports every ``speedup_*`` symbol, so whenever it is importable this backend (and
``speedup.legacy``) loads *that very file* through ctypes (the dynamic loader hands back the
module Python already loaded): the extension, the ctypes backend and the legacy routines then
share one thread pool and one thread knob, and threadpoolctl sees speedup once. A second copy of
the Rust core (``_lib/libspeedup.so``) is loaded only when the extension is not importable.

The library is looked for, in order, at ``$SPEEDUP_LIBRARY`` (an explicit override, the only
place tried when set; it may load a second runtime beside the extension); the PyO3 extension
module of this package, when importable; ``_lib/libspeedup.so`` inside this package (a folder
that is not a package, so the file never looks like a Python module);
``target/release/libspeedup.so`` of the source tree this package sits in.
"""

from __future__ import annotations

import ctypes
import importlib
import os
import sys
from ctypes import c_bool, c_double, c_size_t, c_uint64
from pathlib import Path
from typing import Any, List, Optional, Tuple

import numpy as np

from ._signatures import LEGACY, SPEEDUP

__all__ = ["load_library", "library_candidates", "CBackend"]

_STATUS_EXC = {
    1: ValueError,  # SPEEDUP_ERR_NULL_POINTER
    2: ValueError,  # SPEEDUP_ERR_LENGTH
    3: ValueError,  # SPEEDUP_ERR_INVALID_ARGUMENT
    4: OverflowError,  # SPEEDUP_ERR_OVERFLOW
    5: KeyboardInterrupt,  # SPEEDUP_ERR_INTERRUPTED
    6: RuntimeError,  # SPEEDUP_ERR_PANIC
    7: MemoryError,  # SPEEDUP_ERR_ALLOCATION
}


_PACKAGE = __name__.rpartition(".")[0] or "speedup"


def extension_file() -> Tuple[Optional[Path], str]:
    """The file of the PyO3 extension ``speedup._speedup`` when it is importable (it is imported
    if it was not yet: loading it through ctypes must find the module Python uses), else
    ``(None, why not)``."""
    try:
        mod = importlib.import_module(_PACKAGE + "._speedup")
    except ImportError as e:
        return None, f"not importable ({e})"
    f = getattr(mod, "__file__", None)
    if not f:
        return None, "importable, but has no __file__"
    return Path(f), ""


def library_candidates() -> List[Tuple[str, Path]]:
    """Where the ctypes backend looks for the C library, in order: (why, path). Only
    ``$SPEEDUP_LIBRARY`` when it is set."""
    here = Path(__file__).resolve().parent
    env = os.environ.get("SPEEDUP_LIBRARY")
    if env:
        return [("$SPEEDUP_LIBRARY", Path(env))]
    out: List[Tuple[str, Path]] = []
    ext, _ = extension_file()
    if ext is not None:
        out.append(("the PyO3 extension, which exports the C ABI (one runtime per process)", ext))
    out.append(("inside the package", here / "_lib" / "libspeedup.so"))
    out.append(("the source tree's release build", here.parent.parent / "target" / "release" / "libspeedup.so"))
    return out


def load_library() -> Tuple[ctypes.CDLL, str]:
    """Loads the first candidate that exists and exports the C ABI; ImportError naming every
    place looked at otherwise. ``$SPEEDUP_LIBRARY``, when set, is the only candidate tried."""
    tried: List[str] = []
    if not os.environ.get("SPEEDUP_LIBRARY"):
        ext, why_not = extension_file()
        if ext is None:
            tried.append(f"  {_PACKAGE}._speedup (the PyO3 extension): {why_not}")
    for why, path in library_candidates():
        if not path.exists():
            tried.append(f"  {path} ({why}): not found")
            continue
        try:
            lib = ctypes.CDLL(str(path))
            lib.speedup_sum  # noqa: B018 - does it export the C ABI?
        except (OSError, AttributeError) as e:
            tried.append(f"  {path} ({why}): {e}")
            continue
        return lib, str(path)
    raise ImportError(
        "speedup: the ctypes backend could not find libspeedup.so; looked at:\n"
        + "\n".join(tried)
        + "\nBuild it with `cargo build --release -p speedup-capi` and set SPEEDUP_LIBRARY to its "
        "path (or run scripts/python-setup.sh)."
    )


# The C signatures (generated from the headers by tools/gen_doors.py); arrays travel as raw
# addresses (validated by the public layer).
_SIGNATURES = {**SPEEDUP, **LEGACY}
# The functions of speedup.h that are not kernels (without their prefix `speedup_`).
_UTILITIES = (
    "last_error", "get_num_threads", "set_num_threads", "request_interrupt", "version",
    "status_message",
)


def _addr(a: np.ndarray) -> int:
    return a.ctypes.data  # type: ignore[no-any-return]


def _el(a: np.ndarray) -> Tuple[int, ...]:
    """The strides of ``a`` in elements (whole: the public layer copies arrays whose strides
    are not)."""
    return tuple(s // a.itemsize for s in a.strides)


class CBackend:
    """The internal function set over one C library; ``prefix`` selects ``speedup_`` (the
    kernels) or ``speedup_legacy_`` (the legacy routines, where the library has them)."""

    def __init__(self, lib: ctypes.CDLL, path: str, prefix: str = "speedup_") -> None:
        self.lib = lib
        self.path = path
        self.prefix = prefix
        for name in _UTILITIES:
            fn = getattr(lib, "speedup_" + name)
            fn.argtypes, fn.restype = SPEEDUP["speedup_" + name]
        self.__version__ = lib.speedup_version().decode()
        self.available: List[str] = []
        self._f: dict = {}
        for cname, sig in SPEEDUP.items():
            name = cname[len("speedup_"):]
            fn = getattr(lib, prefix + name, None)
            if name in _UTILITIES or fn is None:
                continue
            fn.argtypes, fn.restype = _SIGNATURES.get(prefix + name, sig)
            self._f[name] = fn
            self.available.append(name)
        self._errbuf = None

    # -- errors ---------------------------------------------------------------------------
    def _raise(self, status: int) -> None:
        n = self.lib.speedup_last_error(None, 0)
        buf = ctypes.create_string_buffer(n + 1)
        self.lib.speedup_last_error(buf, n + 1)
        msg = buf.value.decode("utf-8", "replace")
        raise _STATUS_EXC.get(status, RuntimeError)(msg)

    def _call(self, name: str, *args: Any) -> None:
        st = self._f[name](*args)
        if st:
            self._raise(st)

    def _get(self, name: str, ctype: Any, *args: Any) -> Any:
        """``name(*args, &r)`` for a C out-parameter ``r`` of ``ctype``; returns ``r``'s value."""
        r = ctype()
        self._call(name, *args, ctypes.byref(r))
        return r.value

    # -- kernels --------------------------------------------------------------------------
    def sum(self, x: np.ndarray) -> float:
        return self._get("sum", c_double, _addr(x), x.size)

    def reduce_axis(self, x: np.ndarray, axes: Optional[Tuple[int, ...]], kernel: str, ddof: int,
                    out: np.ndarray) -> None:
        """``out`` (float64, one per lane) = ``kernel`` along ``axes`` (None: all) of the float64
        or float32 array ``x``, read in place through its strides (in elements)."""
        shape = np.array(x.shape, dtype=np.uintp)
        strides = np.array([s // x.itemsize for s in x.strides], dtype=np.intp)
        ax = None if axes is None else np.array(axes, dtype=np.uintp)
        name = f"{kernel}_axis" + ("_f32_f64" if x.dtype == np.float32 else "")
        args: List[Any] = [_addr(x), x.ndim, _addr(shape), _addr(strides)]
        args += [None, 0] if ax is None else [_addr(ax), ax.size]
        if kernel == "std":
            args.append(ddof)
        self._call(name, *args, _addr(out), out.size)

    def sum_nodes(self, x: np.ndarray, offset: int, n_total: int) -> List[Tuple[int, int, float, float]]:
        cap = 128  # two nodes per tree level: always enough
        bounds = np.zeros(2 * cap, dtype=np.uintp)
        acc = np.zeros(2 * cap, dtype=np.float64)
        count = c_size_t()
        self._call(
            "sum_nodes", _addr(x), x.size, offset, n_total, _addr(bounds), _addr(acc), cap,
            ctypes.byref(count),
        )
        return [
            (int(bounds[2 * i]), int(bounds[2 * i + 1]), float(acc[2 * i]), float(acc[2 * i + 1]))
            for i in range(count.value)
        ]

    def sum_nodes_check(self, len: int, offset: int, n_total: int) -> None:
        self._call("sum_nodes_check", len, offset, n_total)

    def join_nodes(self, nodes: List[Tuple[int, int, float, float]], n_total: int) -> float:
        bounds = np.array([b for nd in nodes for b in nd[:2]], dtype=np.uintp)
        acc = np.array([v for nd in nodes for v in nd[2:]], dtype=np.float64)
        return self._get("join_nodes", c_double, _addr(bounds), _addr(acc), len(nodes), n_total)

    def mean_finish(self, sum: float, n: int) -> float:
        return self._get("mean_finish", c_double, sum, n)

    def std_finish(self, ss: float, n: int, ddof: int) -> float:
        return self._get("std_finish", c_double, ss, n, ddof)

    def monte_carlo_pi_finish(self, inside: int, n_points: int) -> float:
        return self._get("monte_carlo_pi_finish", c_double, inside, n_points)

    def laplacian_shape(self, rows: int, cols: int, dx: float, dy: float) -> Tuple[int, int]:
        r, c = c_size_t(), c_size_t()
        self._call("laplacian_shape", rows, cols, dx, dy, ctypes.byref(r), ctypes.byref(c))
        return int(r.value), int(c.value)

    def second_derivative_len(self, n: int, dx: float) -> int:
        return int(self._get("second_derivative_len", c_size_t, n, dx))

    def mean(self, x: np.ndarray) -> float:
        return self._get("mean", c_double, _addr(x), x.size)

    def std(self, x: np.ndarray, ddof: int) -> float:
        return self._get("std", c_double, _addr(x), x.size, ddof)

    def second_derivative(self, f: np.ndarray, dx: float, out: np.ndarray) -> None:
        self._call("second_derivative", _addr(f), f.size, dx, _addr(out), out.size)

    def laplacian(self, f: np.ndarray, dx: float, dy: float, out: np.ndarray) -> None:
        rows, cols = f.shape
        self._call("laplacian", _addr(f), rows, cols, dx, dy, _addr(out), out.size)

    def comb_forward(self, x: np.ndarray, tau: int, alpha: float, out: np.ndarray) -> None:
        n, k = x.shape
        self._call("comb_forward", _addr(x), n, k, tau, alpha, _addr(out), out.size)

    def comb_backward(self, x: np.ndarray, tau: int, alpha: float, out: np.ndarray) -> None:
        n, k = x.shape
        self._call("comb_backward", _addr(x), n, k, tau, alpha, _addr(out), out.size)

    # -- stencils and comb filters over strided float64/float32 arrays (the `_strided` C
    # functions; strides in elements, which the public layer guarantees are whole) ---------
    def _strided(self, name: str, a: np.ndarray, *args: Any) -> None:
        suffix = "_f32" if a.dtype == np.float32 else ""
        self._call(name + "_strided" + suffix, *args)

    def laplacian_ext(self, f: np.ndarray, dx: float, dy: float, code: int, cval: float,
                      out: np.ndarray) -> None:
        self._strided("laplacian", f, _addr(f), *f.shape, *_el(f), dx, dy, code, cval,
                      _addr(out), *out.shape, *_el(out))

    def second_derivative_ext(self, f: np.ndarray, dx: float, code: int, cval: float,
                              out: np.ndarray) -> None:
        self._strided("second_derivative", f, _addr(f), f.shape[0], *_el(f), dx, code, cval,
                      _addr(out), out.shape[0], *_el(out))

    def comb_forward_ext(self, x: np.ndarray, tau: int, alpha: float, out: np.ndarray) -> None:
        self._strided("comb_forward", x, _addr(x), *x.shape, *_el(x), tau, alpha, _addr(out), *_el(out))

    def comb_backward_ext(self, x: np.ndarray, tau: int, alpha: float, out: np.ndarray) -> None:
        self._strided("comb_backward", x, _addr(x), *x.shape, *_el(x), tau, alpha, _addr(out), *_el(out))

    laplacian_ext_f32 = laplacian_ext
    second_derivative_ext_f32 = second_derivative_ext
    comb_forward_ext_f32 = comb_forward_ext
    comb_backward_ext_f32 = comb_backward_ext

    def laplacian_shape_mode(self, rows: int, cols: int, dx: float, dy: float, code: int) -> Tuple[int, int]:
        r, c = c_size_t(), c_size_t()
        self._call("laplacian_shape_mode", rows, cols, dx, dy, code, ctypes.byref(r), ctypes.byref(c))
        return int(r.value), int(c.value)

    def second_derivative_len_mode(self, n: int, dx: float, code: int) -> int:
        return int(self._get("second_derivative_len_mode", c_size_t, n, dx, code))

    def is_prime(self, n: int) -> bool:
        return bool(self._get("is_prime", c_bool, n))

    def is_prime_many(self, n: np.ndarray, out: np.ndarray) -> None:
        self._call("is_prime_many", _addr(n), n.size, _addr(out), out.size)

    def sum_primes_below(self, n: int) -> int:
        return int(self._get("sum_primes_below", c_uint64, n))

    def sum_primes_below_u128(self, n: int) -> int:
        lo, hi = c_uint64(), c_uint64()
        self._call("sum_primes_below_u128", n, ctypes.byref(lo), ctypes.byref(hi))
        return (int(hi.value) << 64) | int(lo.value)

    def sum_primes_below_many(self, n: np.ndarray, out: np.ndarray) -> None:
        self._call("sum_primes_below_many", _addr(n), n.size, _addr(out), out.size)

    def monte_carlo_pi(self, n_points: int, seed: int) -> float:
        return self._get("monte_carlo_pi", c_double, n_points, seed)

    def monte_carlo_pi_inside(self, first: int, n_points: int, seed: int) -> int:
        return self._get("monte_carlo_pi_inside", c_uint64, first, n_points, seed)

    def markov_chains_from(
        self,
        p: np.ndarray,
        start: int,
        n_steps: int,
        seed: int,
        first_chain: int,
        counts: np.ndarray,
    ) -> None:
        k = p.shape[0]
        self._call(
            "markov_chains_from", _addr(p), k, start, n_steps, first_chain, counts.shape[0], seed,
            _addr(counts), counts.size,
        )

    def markov_chains(
        self, p: np.ndarray, start: int, n_steps: int, seed: int, counts: np.ndarray
    ) -> None:
        k = p.shape[0]
        n_chains = counts.shape[0]
        self._call(
            "markov_chains", _addr(p), k, start, n_steps, n_chains, seed, _addr(counts), counts.size
        )

    def closest_pair(self, points: np.ndarray) -> Tuple[int, int, float]:
        i, j, d = c_size_t(), c_size_t(), c_double()
        self._call(
            "closest_pair", _addr(points), points.shape[0], ctypes.byref(i), ctypes.byref(j),
            ctypes.byref(d),
        )
        return int(i.value), int(j.value), d.value

    def mandelbrot(self, c: np.ndarray, max_iter: int, out: np.ndarray) -> None:
        self._call("mandelbrot", _addr(c), c.size, max_iter, _addr(out), out.size)

    def mandelbrot_f32(self, c: np.ndarray, max_iter: int, out: np.ndarray) -> None:
        self._call("mandelbrot_f32", _addr(c), c.size, max_iter, _addr(out), out.size)

    def map_f64(self, func: int, ctx: int, x: np.ndarray, out: np.ndarray) -> None:
        self._call("map_f64", func, ctx, _addr(x), x.size, _addr(out), out.size)

    # -- threads, interruption ------------------------------------------------------------
    def set_num_threads(self, n: int) -> None:
        st = self.lib.speedup_set_num_threads(n)
        if st:
            self._raise(st)

    def get_num_threads(self) -> int:
        return int(self.lib.speedup_get_num_threads())

    def request_interrupt(self) -> None:
        self.lib.speedup_request_interrupt()

    # -- configuration --------------------------------------------------------------------
    def config(self) -> str:
        """The configuration report of the library (``speedup_config``)."""
        fn = self.lib.speedup_config
        fn.argtypes, fn.restype = SPEEDUP["speedup_config"]
        size = int(fn(None, 0)) + 1
        while True:  # the report can grow between two calls (e.g. its thread count)
            buf = ctypes.create_string_buffer(size)
            n = int(fn(buf, size))
            if n < size:
                return buf.raw[:n].decode("utf-8", "replace")
            size = n + 1


_backend: Optional[CBackend] = None


def backend() -> CBackend:
    """The process-wide ctypes backend over the library :func:`load_library` finds."""
    global _backend
    if _backend is None:
        lib, path = load_library()
        _backend = CBackend(lib, path)
    return _backend


if __name__ == "__main__":  # pragma: no cover - a debugging aid
    print(backend().path, file=sys.stdout)
