"""speedup in the workers of process pools, on both backends: `multiprocessing` with the start
methods spawn, forkserver and fork, joblib with the loky backend, and
`concurrent.futures.ProcessPoolExecutor` (its default start method). In every worker, every
public kernel gives the parent's bits (sum, mean, std and parallel_map above their parallel
cut-offs, so the worker's own pool runs), the thread knob works, `SPEEDUP_NUM_THREADS` from the
worker's environment is honoured, and threadpoolctl's `threadpool_limits(limits=1)` limits
speedup. Workers learn the backend from SPEEDUP_BACKEND, inherited from the parent's
environment. Every wait on a pool has a timeout: a hang fails in seconds, saying where."""

from __future__ import annotations

import concurrent.futures
import ctypes
import multiprocessing
import multiprocessing.forkserver
import os
import struct
from typing import Any, Callable, Dict, Iterator, List

import numpy as np
import pytest

import speedup

# Each wait on a worker: generous for a loaded 2-core machine (a worker needs well under a second).
WAIT_S = 60
ENV_THREADS = 3  # SPEEDUP_NUM_THREADS given to the workers (the parent's knob is something else)

pytestmark = pytest.mark.timeout(150)

MapFunc = ctypes.CFUNCTYPE(ctypes.c_double, ctypes.c_double, ctypes.c_void_p)


def _damped(v: float, ctx: Any) -> float:
    return v * v - 0.5 * v


DAMPED = MapFunc(_damped)  # created at import, in each process


def _f64(v: float) -> bytes:
    return struct.pack("<d", v)


def kernel_bits() -> Dict[str, bytes]:
    """Every public kernel of speedup.__all__ on fixed inputs, as bytes."""
    rng = np.random.default_rng(20240611)
    big = rng.standard_normal(1 << 21)  # above the reductions' parallel cut-off (2^20)
    x = rng.standard_normal(5_000)
    f = rng.standard_normal((120, 130))
    pts = rng.random((3_000, 2))
    c = np.linspace(-2.0, 0.6, 4_000) + 1j * np.linspace(-1.2, 1.2, 4_000)[::-1]
    m = np.linspace(0.0, 1.0, 20_000)  # above parallel_map's cut-off: the callback runs on workers
    P = np.array([[0.5, 0.25, 0.25], [0.1, 0.8, 0.1], [0.3, 0.3, 0.4]])
    i, j, d = speedup.closest_pair(pts)
    return {
        "sum": _f64(speedup.sum(big)),
        "mean": _f64(speedup.mean(big)),
        "std": _f64(speedup.std(big, ddof=1)),
        "second_derivative": speedup.second_derivative(x, 0.01).tobytes(),
        "laplacian": speedup.laplacian(f, 0.1, 0.2).tobytes(),
        "comb_forward": speedup.comb_forward(x, 7, 0.5).tobytes(),
        "comb_backward": speedup.comb_backward(x, 7, 0.5).tobytes(),
        "is_prime": speedup.is_prime(np.arange(1_000_000, 1_002_000)).tobytes(),
        "sum_primes_below": speedup.sum_primes_below(np.arange(0, 200_000, 9_973)).tobytes(),
        "monte_carlo_pi": _f64(speedup.monte_carlo_pi(300_000, seed=7)),
        "markov_chains": speedup.markov_chains(P, 3_000, n_chains=8, seed=5).tobytes(),
        "closest_pair": struct.pack("<qqd", i, j, d),
        "mandelbrot": speedup.mandelbrot(c, 80).tobytes(),
        "parallel_map": speedup.parallel_map(DAMPED, m).tobytes(),
    }


def in_worker(task: int) -> Dict[str, Any]:
    """Runs in a pool worker: what the worker sees, and every kernel's bits at 2 threads and
    under threadpoolctl's limit of 1."""
    from threadpoolctl import threadpool_info, threadpool_limits

    seen: Dict[str, Any] = {
        "task": task,
        "pid": os.getpid(),
        "backend": speedup.backend,
        "env_backend": os.environ.get("SPEEDUP_BACKEND"),
        "threads_at_start": speedup.get_num_threads(),
    }
    speedup.set_num_threads(2)
    seen["threads_after_set"] = speedup.get_num_threads()
    seen["bits"] = kernel_bits()
    with threadpool_limits(limits=1):
        seen["threads_limited"] = speedup.get_num_threads()
        seen["info_limited"] = [(i["internal_api"], i["num_threads"]) for i in threadpool_info()
                                if i["internal_api"] == "speedup"]
        seen["bits_limited"] = kernel_bits()
    seen["threads_after_limit"] = speedup.get_num_threads()
    return seen


# -- the pools: each runs in_worker on tasks 0 and 1, with every wait bounded ------------------


def run_multiprocessing(method: str) -> List[Dict[str, Any]]:
    if method == "forkserver":
        # The fork server is started once per parent and its children inherit *its*
        # environment: stop it so that the next one starts with this test's SPEEDUP_BACKEND.
        multiprocessing.forkserver._forkserver._stop()  # type: ignore[attr-defined]
    ctx = multiprocessing.get_context(method)
    try:
        with ctx.Pool(2) as pool:  # leaving the block terminates the workers, hung or not
            try:
                return pool.map_async(in_worker, [0, 1]).get(timeout=WAIT_S)  # type: ignore[no-any-return]
            except multiprocessing.TimeoutError:
                pytest.fail(f"multiprocessing ({method}): the workers gave no answer within {WAIT_S} s")
    finally:
        if method == "forkserver":
            multiprocessing.forkserver._forkserver._stop()  # type: ignore[attr-defined]


def run_joblib() -> List[Dict[str, Any]]:
    joblib = pytest.importorskip("joblib")
    from joblib.externals.loky import get_reusable_executor

    try:
        # joblib's `timeout` bounds each task; on expiry it raises TimeoutError and ends the workers.
        return joblib.Parallel(n_jobs=2, backend="loky", timeout=WAIT_S)(  # type: ignore[no-any-return]
            joblib.delayed(in_worker)(t) for t in (0, 1))
    except TimeoutError:
        pytest.fail(f"joblib (loky): a task gave no answer within {WAIT_S} s")
    finally:
        # loky keeps its workers for the next call, which would hand them, and the backend
        # they imported, to the next test: end them (reuse=True returns the existing executor).
        get_reusable_executor(reuse=True).shutdown(wait=True, kill_workers=True)


def run_executor() -> List[Dict[str, Any]]:
    ex = concurrent.futures.ProcessPoolExecutor(max_workers=2)
    ok = False
    try:
        futures = [ex.submit(in_worker, t) for t in (0, 1)]
        try:
            out = [fut.result(timeout=WAIT_S) for fut in futures]
        except concurrent.futures.TimeoutError:
            pytest.fail(f"ProcessPoolExecutor: a worker gave no answer within {WAIT_S} s")
        ok = True
        return out
    finally:
        procs = list((getattr(ex, "_processes", None) or {}).values())
        ex.shutdown(wait=ok, cancel_futures=True)
        if not ok:  # a hung worker would keep shutdown(wait=True) waiting forever
            for p in procs:
                p.kill()


POOLS: Dict[str, Callable[[], List[Dict[str, Any]]]] = {
    "spawn": lambda: run_multiprocessing("spawn"),
    "forkserver": lambda: run_multiprocessing("forkserver"),
    "fork": lambda: run_multiprocessing("fork"),
    "joblib-loky": run_joblib,
    "ProcessPoolExecutor": run_executor,
}
# Start methods whose workers are fresh interpreters (they import speedup and read the
# environment); a forked worker inherits the parent's imported speedup and its knob instead.
FRESH = {"spawn", "forkserver", "joblib-loky"} | (
    {"ProcessPoolExecutor"} if multiprocessing.get_start_method() != "fork" else set()
)

_parent_bits: Dict[str, Dict[str, bytes]] = {}


@pytest.fixture
def worker_env(backend: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("SPEEDUP_BACKEND", backend)
    monkeypatch.setenv("SPEEDUP_NUM_THREADS", str(ENV_THREADS))
    monkeypatch.delenv("SPEEDUP_LIBRARY", raising=False)
    yield


@pytest.mark.parametrize("pool", list(POOLS))
def test_workers_of_a_process_pool(pool: str, backend: str, worker_env: None) -> None:
    if backend not in _parent_bits:
        _parent_bits[backend] = kernel_bits()
    parent = _parent_bits[backend]
    assert sorted(parent) == sorted(set(speedup.__all__) - {
        "backend", "set_num_threads", "get_num_threads", "threads", "config", "show_config", "__version__"})
    parent_threads = speedup.get_num_threads()

    results = POOLS[pool]()

    assert [r["task"] for r in results] == [0, 1]
    for r in results:
        where = f"{pool} worker {r['pid']} ({backend})"
        assert r["pid"] != os.getpid()
        assert r["backend"] == backend, where
        assert r["env_backend"] == backend, where
        if pool in FRESH:
            assert r["threads_at_start"] == ENV_THREADS, f"{where}: SPEEDUP_NUM_THREADS not honoured"
        else:
            assert r["threads_at_start"] == parent_threads, f"{where}: the parent's knob not inherited"
        assert r["threads_after_set"] == 2, where
        assert r["threads_limited"] == 1, f"{where}: threadpool_limits(limits=1) did not limit speedup"
        assert r["info_limited"] == [("speedup", 1)], where
        assert r["threads_after_limit"] == 2, where
        for label in ("bits", "bits_limited"):
            differ = [k for k in parent if r[label][k] != parent[k]]
            assert not differ, f"{where}, {label}: not the parent's bits: {differ}"
