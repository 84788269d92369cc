"""Injected faults through Python, on both backends, against a fault-injection build of the
package (tests/faults/run.sh builds crates/speedup-py with the cargo feature `fault-injection`
and puts it first on PYTHONPATH): a panic inside speedup raises RuntimeError with the panic's
message (the same on both backends), a failed allocation MemoryError; nothing is written and
the next call works. Never run against the shipped package (it has no fault hook)."""

from __future__ import annotations

import ctypes
from typing import Any, Callable, Iterator, List, Tuple

import numpy as np
import pytest

import speedup
import speedup.legacy
from speedup import _ctypes_backend, _speedup

BACKENDS = ["pyo3", "ctypes"]


def inject(backend: str, spec: str) -> None:
    """Sets the fault through the backend under test (both reach the one runtime)."""
    if backend == "pyo3":
        _speedup._inject_fault(spec)  # type: ignore[attr-defined]
    else:
        lib = _ctypes_backend.backend().lib
        lib.speedup_test_inject_fault.argtypes = [ctypes.c_char_p]
        lib.speedup_test_inject_fault.restype = ctypes.c_int32
        assert lib.speedup_test_inject_fault(spec.encode()) == 0


@pytest.fixture(autouse=True, params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> Iterator[str]:
    previous = speedup._use_backend(request.param)
    try:
        yield request.param
    finally:
        inject(request.param, "none")
        speedup.set_num_threads(0)
        speedup._use_backend(previous)


def test_this_is_the_fault_injection_build() -> None:
    assert hasattr(_speedup, "_inject_fault"), f"{_speedup.__file__} has no fault hook"
    # One runtime: the ctypes backend loaded the very same extension file.
    assert _ctypes_backend.backend().path == _speedup.__file__


X = np.sin(np.arange(2000.0))
GRID = np.cos(np.arange(50 * 60.0)).reshape(50, 60)
PTS = np.random.default_rng(3).random((300, 2))
F = ctypes.CFUNCTYPE(ctypes.c_double, ctypes.c_double, ctypes.c_void_p)
SQUARE = F(lambda v, ctx: v * v)

# (name the C door and the extension use for the kernel, a call of the public API)
CALLS: List[Tuple[str, Callable[[], Any]]] = [
    ("sum", lambda: speedup.sum(X)),
    ("mean", lambda: speedup.mean(X)),
    ("std", lambda: speedup.std(X, ddof=1)),
    ("second_derivative", lambda: speedup.second_derivative(X, 0.1)),
    ("laplacian", lambda: speedup.laplacian(GRID, 0.1, 0.2)),
    ("comb_forward", lambda: speedup.comb_forward(X, 3, 0.5)),
    ("comb_backward", lambda: speedup.comb_backward(X, 3, 0.5)),
    ("is_prime", lambda: speedup.is_prime(2**61 - 1)),
    ("is_prime_many", lambda: speedup.is_prime([2, 3, 4, 2**61 - 1])),
    ("sum_primes_below", lambda: speedup.sum_primes_below(100_000)),
    ("sum_primes_below_many", lambda: speedup.sum_primes_below([10, 100, 1000])),
    ("monte_carlo_pi", lambda: speedup.monte_carlo_pi(10_000, seed=1)),
    ("markov_chains", lambda: speedup.markov_chains([[0.5, 0.5], [0.1, 0.9]], 100, n_chains=3)),
    ("closest_pair", lambda: speedup.closest_pair(PTS)),
    ("mandelbrot", lambda: speedup.mandelbrot(np.linspace(-2, 1, 100) + 0.3j, max_iter=50)),
    ("map_f64", lambda: speedup.parallel_map(SQUARE, X[:100])),
]


def same(a: Any, b: Any) -> bool:
    return bool(np.array_equal(np.asarray(a), np.asarray(b)))


@pytest.mark.parametrize("kernel, call", CALLS, ids=[k for k, _ in CALLS])
def test_a_panic_raises_runtime_error_and_the_next_call_works(
    backend: str, kernel: str, call: Callable[[], Any]
) -> None:
    want = call()
    inject(backend, f"panic:{kernel}")
    for _ in range(3):
        with pytest.raises(RuntimeError) as e:
            call()
        assert str(e.value) == (
            f"{kernel}: internal error (panic): injected fault: {kernel} was told to panic"
        )
    inject(backend, "none")
    assert same(call(), want)


def test_a_panic_leaves_out_untouched(backend: str) -> None:
    out = np.full(X.size - 2, -7.0)
    inject(backend, "panic:second_derivative")
    with pytest.raises(RuntimeError):
        speedup.second_derivative(X, 0.1, out=out)
    assert (out == -7.0).all()


def test_a_panic_in_the_legacy_door(backend: str) -> None:
    want = speedup.legacy.laplacian(GRID, 0.1, 0.2)
    inject(backend, "panic:laplacian")
    with pytest.raises(RuntimeError, match="laplacian: internal error \\(panic\\)"):
        speedup.legacy.laplacian(GRID, 0.1, 0.2)
    inject(backend, "none")
    assert same(speedup.legacy.laplacian(GRID, 0.1, 0.2), want)


def test_a_panic_on_a_pool_worker(backend: str) -> None:
    big = np.arange(2_000_000.0)  # above sum's cut-off (2^20, set by run.sh)
    speedup.set_num_threads(4)
    inject(backend, "panic-in-pool")
    for _ in range(10):
        with pytest.raises(RuntimeError, match="panic inside speedup's thread pool"):
            speedup.sum(big)
    assert speedup.sum(big[:100]) == 4950.0  # small calls never reach the pool
    inject(backend, "none")
    assert speedup.sum(big) == 1999999000000.0


def test_a_failed_allocation_raises_memory_error(backend: str) -> None:
    inject(backend, "alloc-limit:1024")
    with pytest.raises(MemoryError) as e:
        speedup.closest_pair(np.random.default_rng(0).random((1000, 2)))
    assert str(e.value) == (
        "closest_pair: out of memory: could not allocate 24000 bytes for the sorted copy of "
        "the points"
    )
    with pytest.raises(MemoryError, match="^sum_primes_below_many: out of memory"):
        speedup.sum_primes_below(np.arange(500))
    with pytest.raises(MemoryError, match="^markov_chains: out of memory"):
        speedup.markov_chains([[0.5, 0.5], [0.1, 0.9]], 10, n_chains=1000)
    inject(backend, "none")
    assert speedup.sum_primes_below(np.arange(501))[-1] == 21536  # the primes below 500
