"""The public kernels over an explicit backend: argument normalisation (once), ``out=``
validation, scalar-in/scalar-out, interruptible long calls. ``speedup/__init__.py`` binds these to
the selected backend; ``speedup.legacy`` binds them to the legacy C routines.

A backend is the PyO3 module ``speedup._speedup`` or a ``_ctypes_backend.CBackend``: the same
small function set over C-contiguous, aligned arrays of the right dtype.
"""

from __future__ import annotations

import ctypes
import math
import operator
import signal
import threading
from typing import Any, Callable, Optional, Sequence, Tuple, Union

import numpy as np

F64 = np.dtype(np.float64)
U64 = np.dtype(np.uint64)
I32 = np.dtype(np.int32)
C128 = np.dtype(np.complex128)
BOOL = np.dtype(np.bool_)
U64_MAX = (1 << 64) - 1
# The largest n whose sum of primes below n fits uint64 (SUM_PRIMES_BELOW_MAX_N in the core).
SUM_PRIMES_BELOW_U64_MAX_N = 29_505_444_491
USIZE_MAX = (1 << (8 * ctypes.sizeof(ctypes.c_size_t))) - 1
I32_MAX = (1 << 31) - 1
I32_MIN = -(1 << 31)

# Calls whose estimated work is at least this run on a helper thread while the main thread
# waits interruptibly (Ctrl-C -> request_interrupt). Only kernels that poll the interrupt flag.
INTERRUPTIBLE_WORK = 1 << 21

_ndarray = np.ndarray


# ---------------------------------------------------------------------------------------------
# Argument normalisation


def as_array(x: Any, dtype: np.dtype, kernel: str, arg: str) -> np.ndarray:
    """``x`` as a C-contiguous, aligned array of ``dtype`` (a view when it already is one)."""
    if type(x) is _ndarray and x.dtype == dtype and x.flags.c_contiguous and x.flags.aligned:
        return x
    a = np.asarray(x)
    kind = a.dtype.kind
    if dtype is F64:
        if kind == "c":
            raise TypeError(f"{kernel}: {arg} must be real, got {a.dtype} values")
        if kind not in "biufO":
            raise TypeError(f"{kernel}: {arg} must be numbers, got dtype {a.dtype}")
    elif dtype is C128:
        if kind not in "biufcO":
            raise TypeError(f"{kernel}: {arg} must be numbers, got dtype {a.dtype}")
    try:
        return np.require(a, dtype, ["C", "A"])
    except (TypeError, ValueError) as e:
        raise TypeError(f"{kernel}: {arg} cannot be converted to {dtype}: {e}") from None


def as_int(value: Any, kernel: str, arg: str, lo: int, hi: int, rule: Optional[str] = None) -> int:
    """A Python int in ``lo..=hi`` (TypeError for non-integers such as floats)."""
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{kernel}: {arg} must be an integer, got bool")
    try:
        v = operator.index(value)
    except TypeError:
        raise TypeError(f"{kernel}: {arg} must be an integer, got {type(value).__name__}") from None
    if v < lo or v > hi:
        if rule is None:
            rule = f"must be between {lo} and {hi}"
        raise (OverflowError if v > hi and hi >= U64_MAX else ValueError)(f"{kernel}: {arg} {rule}, got {v}")
    return v


def as_float(value: Any, kernel: str, arg: str) -> float:
    if isinstance(value, (str, bytes, complex, np.complexfloating)):
        raise TypeError(f"{kernel}: {arg} must be a real number, got {type(value).__name__}")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise TypeError(f"{kernel}: {arg} must be a real number, got {type(value).__name__}") from None


def as_u64_queries(n: Any, kernel: str) -> np.ndarray:
    """Prime queries: integers in 0..2**64-1 as uint64 (TypeError for floats, ValueError for
    negatives, OverflowError above 2**64-1)."""
    if type(n) is _ndarray and n.dtype == U64 and n.flags.c_contiguous and n.flags.aligned:
        return n
    a = np.asarray(n)
    kind = a.dtype.kind
    if a.size == 0:
        return np.empty(a.shape, U64)
    if kind not in "ui" and not isinstance(n, _ndarray):
        a = np.asarray(n, dtype=object)  # a list of Python ints beyond int64, or floats
        kind = "O"
    if kind == "u":
        return np.require(a, U64, ["C", "A"])
    if kind == "i":
        if a.size and a.min() < 0:
            raise ValueError(f"{kernel}: n must be >= 0, got {int(a.min())}")
        return np.require(a, U64, ["C", "A"])
    if kind == "O":
        flat = [as_int(v, kernel, "n", 0, U64_MAX, "must be between 0 and 2**64-1") for v in a.ravel()]
        return np.array(flat, dtype=U64).reshape(a.shape)
    raise TypeError(f"{kernel}: n must be integers, got dtype {a.dtype}")


def new_array(shape: Tuple[int, ...], dtype: np.dtype, kernel: str, what: str) -> np.ndarray:
    """``numpy.empty(shape, dtype)`` for a result; when it cannot be allocated (numpy raises
    MemoryError, or ValueError for a size past what an array can hold) a MemoryError in the
    core's words, naming the kernel, the size and the buffer. The process keeps working."""
    try:
        return np.empty(shape, dtype)
    except (MemoryError, ValueError):
        nbytes = math.prod(shape) * dtype.itemsize
        raise MemoryError(
            f"{kernel}: out of memory: could not allocate {nbytes} bytes for {what}"
        ) from None


def check_out_array(out: Any, shape: Tuple[int, ...], dtype: np.dtype, kernel: str) -> None:
    """The checks every ``out=`` gets, whatever layout its kernel accepts: a numpy.ndarray
    (TypeError), of ``dtype`` (TypeError) and ``shape`` (ValueError), writable (ValueError)."""
    if not isinstance(out, _ndarray):
        raise TypeError(f"{kernel}: out must be a numpy.ndarray, got {type(out).__name__}")
    if out.dtype != dtype:
        raise TypeError(f"{kernel}: out must have dtype {dtype}, got {out.dtype}")
    if out.shape != shape:
        raise ValueError(f"{kernel}: out must have shape {shape}, got {out.shape}")
    if not out.flags.writeable:
        raise ValueError(f"{kernel}: out must be writable")


def check_out(
    out: Any, shape: Tuple[int, ...], dtype: np.dtype, kernel: str, inputs: Sequence[np.ndarray]
) -> np.ndarray:
    """A fresh output, or the caller's ``out`` after checking shape, dtype, writability,
    layout and overlap with every input."""
    if out is None:
        return new_array(shape, dtype, kernel, "the result")
    check_out_array(out, shape, dtype, kernel)
    if not (out.flags.c_contiguous and out.flags.aligned):
        raise ValueError(f"{kernel}: out must be C-contiguous and aligned")
    for a in inputs:
        if np.may_share_memory(out, a) and np.shares_memory(out, a):
            raise ValueError(f"{kernel}: out must not overlap an input")
    return out


# ---------------------------------------------------------------------------------------------
# Interruptible calls


def _start_holding_sigint(t: threading.Thread, state: dict) -> None:
    """``t.start()`` with SIGINT's Python handler replaced by one that only notes the signal;
    then the handler is put back and run if a SIGINT came. So a KeyboardInterrupt is never
    raised inside ``start()``, and ``state["started"]`` tells reliably whether the thread
    exists. Main thread only (where Python runs signal handlers)."""
    came: list = []
    old = signal.signal(signal.SIGINT, lambda signum, frame: came.append(signum))
    try:
        t.start()
        state["started"] = True
    finally:
        signal.signal(signal.SIGINT, old)
    if came and callable(old):
        old(signal.SIGINT, None)  # Python's default handler raises KeyboardInterrupt
    elif came and old == signal.SIG_DFL:
        raise KeyboardInterrupt


def interruptible(impl: Any, work: int, fn: Callable[..., Any], *args: Any) -> Any:
    """Runs ``fn(*args)``. Long calls (``work >= INTERRUPTIBLE_WORK``) made on the main thread
    run on a helper thread while the main thread waits, which Python's signal handling
    interrupts: on KeyboardInterrupt the running kernels are asked to stop
    (``request_interrupt``) until the helper has finished, and the KeyboardInterrupt
    propagates. The kernel writes nothing when it stops.

    The wait is on an event the helper sets as it ends, not on ``Thread.join``/``is_alive``:
    on CPython 3.11 a KeyboardInterrupt inside ``join()`` can leave the thread marked stopped
    while it still runs."""
    if work < INTERRUPTIBLE_WORK or threading.current_thread() is not threading.main_thread():
        return fn(*args)
    box: list = [None, None]
    done = threading.Event()
    state = {"started": False}

    def target() -> None:
        try:
            box[0] = fn(*args)
        except BaseException as e:  # noqa: BLE001 - re-raised on the caller's thread
            box[1] = e
        finally:
            done.set()

    t = threading.Thread(target=target, name="speedup-call", daemon=True)
    try:
        _start_holding_sigint(t, state)
        done.wait()
    except KeyboardInterrupt as exc:
        # Ask until the kernel has stopped: a request made before the kernel started is not
        # seen by it, and a second Ctrl-C must not leave it running either.
        while state["started"] and not done.is_set():
            try:
                impl.request_interrupt()
                done.wait(0.01)
            except KeyboardInterrupt:
                pass
        raise exc
    if box[1] is not None:
        err = box[1]
        box[1] = None
        raise err
    return box[0]


# ---------------------------------------------------------------------------------------------
# Kernels


def sum(impl: Any, x: Any) -> float:
    a = as_array(x, F64, "sum", "x")
    if a.ndim != 1:
        a = a.reshape(-1)
    return impl.sum(a)  # type: ignore[no-any-return]


def mean(impl: Any, x: Any) -> float:
    a = as_array(x, F64, "mean", "x")
    if a.ndim != 1:
        a = a.reshape(-1)
    return impl.mean(a)  # type: ignore[no-any-return]


def std(impl: Any, x: Any, ddof: int = 0) -> float:
    d = as_int(ddof, "std", "ddof", 0, USIZE_MAX, "must be >= 0")
    a = as_array(x, F64, "std", "x")
    if a.ndim != 1:
        a = a.reshape(-1)
    return impl.std(a, d)  # type: ignore[no-any-return]


def second_derivative(impl: Any, f: Any, dx: Any, out: Optional[np.ndarray] = None) -> np.ndarray:
    K = "second_derivative"
    a = as_array(f, F64, K, "f")
    if a.ndim != 1:
        raise ValueError(f"{K}: f must be 1-D, got {a.ndim}-D")
    h = as_float(dx, K, "dx")
    o = check_out(out, (max(a.shape[0] - 2, 0),), F64, K, (a,))
    impl.second_derivative(a, h, o)
    return o


def laplacian(impl: Any, f: Any, dx: Any, dy: Any, out: Optional[np.ndarray] = None) -> np.ndarray:
    K = "laplacian"
    a = as_array(f, F64, K, "f")
    if a.ndim != 2:
        raise ValueError(f"{K}: f must be 2-D, got {a.ndim}-D")
    hx, hy = as_float(dx, K, "dx"), as_float(dy, K, "dy")
    rows, cols = a.shape
    shape = (rows - 2, cols - 2) if rows >= 3 and cols >= 3 else (0, 0)
    o = check_out(out, shape, F64, K, (a,))
    impl.laplacian(a, hx, hy, o)
    return o


def _comb(impl: Any, K: str, x: Any, tau: Any, alpha: Any, out: Optional[np.ndarray]) -> np.ndarray:
    a = as_array(x, F64, K, "x")
    if a.ndim not in (1, 2):
        raise ValueError(f"{K}: x must be 1-D or 2-D (n, k), got {a.ndim}-D")
    t = as_int(tau, K, "tau", 1, USIZE_MAX, "must be at least 1")
    al = as_float(alpha, K, "alpha")
    o = check_out(out, a.shape, F64, K, (a,))
    a2 = a.reshape(a.shape[0], 1) if a.ndim == 1 else a
    o2 = o.reshape(a2.shape) if o.ndim == 1 else o
    getattr(impl, K)(a2, t, al, o2)
    return o


def comb_forward(impl: Any, x: Any, tau: Any, alpha: Any, out: Optional[np.ndarray] = None) -> np.ndarray:
    return _comb(impl, "comb_forward", x, tau, alpha, out)


def comb_backward(impl: Any, x: Any, tau: Any, alpha: Any, out: Optional[np.ndarray] = None) -> np.ndarray:
    return _comb(impl, "comb_backward", x, tau, alpha, out)


def _is_scalar(n: Any) -> bool:
    return isinstance(n, (int, np.integer)) or (np.ndim(n) == 0 and not isinstance(n, (list, tuple)))


def is_prime(impl: Any, n: Any) -> Union[bool, np.ndarray]:
    K = "is_prime"
    if _is_scalar(n):
        if isinstance(n, (float, np.floating)):
            raise TypeError(f"{K}: n must be an integer, got {type(n).__name__}")
        v = n.item() if isinstance(n, np.ndarray) else n
        if isinstance(v, float):
            raise TypeError(f"{K}: n must be an integer, got float")
        return impl.is_prime(as_int(v, K, "n", 0, U64_MAX, "must be between 0 and 2**64-1"))  # type: ignore[no-any-return]
    a = as_u64_queries(n, K)
    out = new_array(a.shape, BOOL, K, "the result")
    impl.is_prime_many(a.reshape(-1), out.reshape(-1))
    return out


def _wide_prime_sum(impl: Any) -> Optional[Callable[[int], int]]:
    """``impl``'s 128-bit prime sum; None for the legacy routines, which have none."""
    available = getattr(impl, "available", None)
    if available is not None and "sum_primes_below_u128" not in available:
        return None
    return getattr(impl, "sum_primes_below_u128", None)


def sum_primes_below(impl: Any, n: Any) -> Union[int, np.ndarray]:
    K = "sum_primes_below"
    if _is_scalar(n):
        v = n.item() if isinstance(n, np.ndarray) else n
        if isinstance(v, (float, np.floating)):
            raise TypeError(f"{K}: n must be an integer, got {type(v).__name__}")
        q = as_int(v, K, "n", 0, U64_MAX, "must be between 0 and 2**64-1")
        wide = _wide_prime_sum(impl)
        if q > SUM_PRIMES_BELOW_U64_MAX_N and wide is not None:  # past uint64: 128 bits
            return interruptible(impl, int(q**0.75), wide, q)  # type: ignore[no-any-return]
        return interruptible(impl, q // 8, impl.sum_primes_below, q)  # type: ignore[no-any-return]
    a = as_u64_queries(n, K)
    out = new_array(a.shape, U64, K, "the result")
    work = int(a.max()) // 8 if a.size else 0
    interruptible(impl, work, impl.sum_primes_below_many, a.reshape(-1), out.reshape(-1))
    return out


def monte_carlo_pi(impl: Any, n_points: Any, seed: Any = 0) -> float:
    K = "monte_carlo_pi"
    n = as_int(n_points, K, "n_points", 0, U64_MAX, "must be >= 1")
    s = as_int(seed, K, "seed", 0, U64_MAX, "must be between 0 and 2**64-1")
    return interruptible(impl, n, impl.monte_carlo_pi, n, s)  # type: ignore[no-any-return]


def markov_chains(
    impl: Any, P: Any, n_steps: Any, n_chains: Any = 1, start: Any = 0, seed: Any = 0
) -> np.ndarray:
    K = "markov_chains"
    p = as_array(P, F64, K, "p")
    if p.ndim != 2:
        raise ValueError(f"{K}: p must be a square k x k matrix, got {p.ndim}-D")
    if p.shape[0] != p.shape[1]:  # the C door cannot see this (it takes k only)
        raise ValueError(f"{K}: p must be a square k x k matrix, got {p.shape[0]}x{p.shape[1]}")
    steps = as_int(n_steps, K, "n_steps", 0, U64_MAX, "must be >= 0")
    chains = as_int(n_chains, K, "n_chains", 0, USIZE_MAX, "must be >= 0")
    st = as_int(start, K, "start", 0, USIZE_MAX, f"must be a state in 0..{p.shape[0]}")
    s = as_int(seed, K, "seed", 0, U64_MAX, "must be between 0 and 2**64-1")
    counts = new_array((chains, p.shape[1]), U64, K, "the visit counts")
    interruptible(impl, steps * chains, impl.markov_chains, p, st, steps, s, counts)
    return counts


def closest_pair(impl: Any, points: Any) -> Tuple[int, int, float]:
    K = "closest_pair"
    a = as_array(points, F64, K, "points")
    if a.ndim != 2 or a.shape[1] != 2:
        raise ValueError(f"{K}: points must have shape (n, 2), got {a.shape}")
    return impl.closest_pair(a)  # type: ignore[no-any-return]


_C64 = np.dtype(np.complex64)


def mandelbrot(impl: Any, c: Any, max_iter: Any = 20) -> np.ndarray:
    K = "mandelbrot"
    m = as_int(max_iter, K, "max_iter", I32_MIN, I32_MAX, f"must be between 0 and {I32_MAX}")
    if isinstance(c, (np.ndarray, np.generic)) and c.dtype == _C64:
        # complex64 stays complex64 (a copy only when not C-contiguous and aligned): the
        # kernel iterates in f32 (mandelbrot_f32).
        a = as_array(c, _C64, K, "c")
        run = impl.mandelbrot_f32
    else:
        a = as_array(c, C128, K, "c")
        run = impl.mandelbrot
    out = new_array(a.shape, I32, K, "the result")
    run(a.reshape(-1), m, out.reshape(-1))
    return out  # always an array of c's shape (0-d for a scalar c)


_MapFunc = ctypes.CFUNCTYPE(ctypes.c_double, ctypes.c_double, ctypes.c_void_p)


def func_address(func: Any, kernel: str = "parallel_map") -> int:
    """The address of ``double f(double, void*)`` from a ctypes function pointer or an int."""
    if isinstance(func, ctypes._CFuncPtr):  # type: ignore[attr-defined]
        restype = getattr(func, "restype", None)
        argtypes = getattr(func, "argtypes", None)
        if restype is not ctypes.c_double or (
            argtypes is not None
            and (len(argtypes) != 2 or argtypes[0] is not ctypes.c_double
                 or argtypes[1] not in (ctypes.c_void_p,))
        ):
            raise TypeError(
                f"{kernel}: func must have the C signature double (double, void*), "
                f"got restype {getattr(restype, '__name__', restype)} and argtypes {argtypes}"
            )
        addr = ctypes.cast(func, ctypes.c_void_p).value
    elif isinstance(func, (int, np.integer)) and not isinstance(func, bool):
        addr = int(func)
    elif isinstance(getattr(func, "address", None), int):  # e.g. a numba cfunc
        addr = func.address
    else:
        raise TypeError(
            f"{kernel}: func must be a ctypes CFUNCTYPE(c_double, c_double, c_void_p) callback or "
            f"an integer function address, got {type(func).__name__}"
        )
    if not addr or addr < 0 or addr > USIZE_MAX:
        raise ValueError(f"{kernel}: func must be a valid (non-NULL) function address, got {addr}")
    return addr


def parallel_map(impl: Any, func: Any, x: Any, out: Optional[np.ndarray] = None) -> np.ndarray:
    K = "parallel_map"
    addr = func_address(func, K)
    a = as_array(x, F64, K, "x")
    o = check_out(out, a.shape, F64, K, (a,))
    impl.map_f64(addr, 0, a.reshape(-1), o.reshape(-1))
    return o
