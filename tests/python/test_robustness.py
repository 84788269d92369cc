"""speedup inside a busy Python process (docs/guarantees.md), on both backends: 16 threads x
1000 mixed calls with the knob changing underneath, a parallel_map callback that calls speedup
itself, fork after the parent ran the pool and the legacy OpenMP routines, and outputs too big
to allocate. Whatever could hang runs in a child process with a timeout."""

from __future__ import annotations

import json
import multiprocessing
import subprocess
import sys
import textwrap
import threading
from typing import Any, Callable, List, Tuple

import numpy as np
import pytest

import speedup
import speedup.legacy
from references import same_bits

N_THREADS, N_CALLS = 16, 1000


def test_sixteen_threads_a_thousand_calls_each_with_the_knob_changing() -> None:
    rng = np.random.default_rng(8)
    big = rng.standard_normal(1_200_000)  # above the reductions' cut-off (2^20): the pool is used
    x = rng.standard_normal(2_000)
    f = rng.standard_normal((40, 50))
    pts = rng.random((500, 2))
    c = rng.standard_normal(500) + 1j * rng.standard_normal(500)
    P = np.array([[0.5, 0.5], [0.1, 0.9]])
    # Its own calls (tests/faults/test_faults.py lists the fault-injection ones): inputs above
    # the parallel cut-offs, so that the pool works while the knob changes.
    jobs: List[Tuple[str, Callable[[], Any]]] = [
        ("sum", lambda: speedup.sum(big)),
        ("mean", lambda: speedup.mean(x)),
        ("std", lambda: speedup.std(big, ddof=1)),
        ("second_derivative", lambda: speedup.second_derivative(x, 0.1)),
        ("laplacian", lambda: speedup.laplacian(f, 0.1, 0.2)),
        ("comb_forward", lambda: speedup.comb_forward(x, 3, 0.5)),
        ("comb_backward", lambda: speedup.comb_backward(x, 3, 0.5)),
        ("is_prime", lambda: speedup.is_prime(np.arange(1000, 1100))),
        ("sum_primes_below", lambda: speedup.sum_primes_below(np.arange(0, 5000, 97))),
        ("monte_carlo_pi", lambda: speedup.monte_carlo_pi(70_000, seed=4)),
        ("markov_chains", lambda: speedup.markov_chains(P, 2_000, n_chains=4, seed=2)),
        ("closest_pair", lambda: speedup.closest_pair(pts)),
        ("mandelbrot", lambda: speedup.mandelbrot(c, 40)),
    ]
    with speedup.threads(1):
        expected = [job() for _, job in jobs]
    failures: list = []
    done = threading.Event()
    changes = [0]

    def change_knob() -> None:
        n = 1
        while not done.is_set():
            speedup.set_num_threads(n)
            changes[0] += 1
            n = n % 4 + 1
            done.wait(0.0005)

    def worker(k: int) -> None:
        try:
            for i in range(N_CALLS):
                j = (7 * k + i) % len(jobs)
                got = jobs[j][1]()
                ok = got == expected[j] if isinstance(got, tuple) else same_bits(got, expected[j])
                if not ok:
                    failures.append(f"thread {k}, call {i}: {jobs[j][0]} differs")
                if i % 100 == 0:  # a bad call: this thread's own message, whatever the others do
                    ddof = 10_000 + k
                    try:
                        speedup.std(x, ddof=ddof)
                        failures.append(f"thread {k}: std(ddof={ddof}) did not raise")
                    except ValueError as e:
                        if f"got {ddof}" not in str(e):
                            failures.append(f"thread {k}: message of another call: {e}")
        except BaseException as e:  # noqa: BLE001 - reported below
            failures.append(f"thread {k}: {e!r}")

    changer = threading.Thread(target=change_knob)
    changer.start()
    ts = [threading.Thread(target=worker, args=(k,)) for k in range(N_THREADS)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(300)
    done.set()
    changer.join()
    speedup.set_num_threads(0)
    assert not any(t.is_alive() for t in ts), "a worker thread hung"
    assert not failures, failures[:10]
    assert changes[0] > 10


NESTED_CHILD = textwrap.dedent(
    """
    import ctypes, json, os
    import numpy as np
    import speedup

    speedup.set_num_threads(4)
    small = np.arange(100.0)
    big = np.arange(2_000_000.0)  # above sum's parallel cut-off (2^20), so the pool starts
    x = np.linspace(0.0, 1.0, 20_000)  # above parallel_map's cut-off: runs on the pool
    speedup.sum(big)  # the pool exists before counting threads
    before = len(os.listdir("/proc/self/task"))
    seen = []
    F = ctypes.CFUNCTYPE(ctypes.c_double, ctypes.c_double, ctypes.c_void_p)

    def inner(v, ctx):
        seen.append(len(os.listdir("/proc/self/task")) if len(seen) % 500 == 0 else 0)
        return v + speedup.sum(small if v < 0.5 else big[:5000])

    got = speedup.parallel_map(F(inner), x)
    want = x + np.where(x < 0.5, small.sum(), big[:5000].sum())
    print(json.dumps({"ok": bool((got == want).all()), "before": before, "max": max(seen)}))
    """
)


def test_a_parallel_map_callback_calling_speedup(child_env: dict) -> None:
    """The callback runs on speedup's workers, takes the GIL, and calls speedup.sum, which runs
    serially there: no deadlock (GIL released around every kernel), no new threads."""
    r = subprocess.run([sys.executable, "-c", NESTED_CHILD], env=child_env, capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    res = json.loads(r.stdout)
    assert res["ok"]
    assert res["max"] <= res["before"], res


def _child_after_fork(_: int) -> Tuple[Any, ...]:
    f = np.cos(np.arange(60 * 70.0)).reshape(60, 70)
    return (
        speedup.legacy.omp_team_size(),
        speedup.legacy.laplacian(f, 0.1, 0.2).tobytes(),
        speedup.legacy.mandelbrot(np.linspace(-2, 1, 3000) + 0.5j, 100).tobytes(),
        speedup.laplacian(f, 0.1, 0.2).tobytes(),
        speedup.monte_carlo_pi(500_000, 9),
        speedup.sum(np.arange(1e6)),
    )


def test_fork_after_the_pool_and_openmp_ran(backend: str) -> None:
    """libgomp's pool does not survive fork (a team of 2 would hang in the child): the legacy
    routines run with one OpenMP thread there, and give the same bits; Rust kernels get a
    fresh pool. The child is killed if it hangs (Pool's exit terminates it)."""
    with speedup.threads(2):
        assert speedup.legacy.omp_team_size() == (2, 2)
        parent = _child_after_fork(0)
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(1) as pool:
            child = pool.apply_async(_child_after_fork, (0,)).get(timeout=60)
        assert speedup.legacy.omp_team_size() == (2, 2)
    assert parent[0] == (2, 2)
    assert child[0] == (1, 1)
    assert child[1:] == parent[1:]


@pytest.mark.parametrize("n_chains", [2**45, 2**62])
def test_an_output_too_big_raises_memory_error(n_chains: int) -> None:
    """2**45 x 2 counts (512 TiB) exceed any address space; 2**62 x 2 overflows numpy's size."""
    P = [[0.5, 0.5], [0.1, 0.9]]
    with pytest.raises(MemoryError) as e:
        speedup.markov_chains(P, 10, n_chains=n_chains)
    assert str(e.value) == (
        f"markov_chains: out of memory: could not allocate {n_chains * 16} bytes for the visit "
        "counts"
    )
    assert speedup.markov_chains(P, 10, n_chains=2).sum() == 20


def test_the_shipped_package_has_no_fault_hook() -> None:
    """Fault injection is a test-only build (tests/faults/): neither the extension nor any
    library of the installed package exports it."""
    from pathlib import Path

    from speedup import _ctypes_backend, _speedup

    assert not hasattr(_speedup, "_inject_fault")
    assert not hasattr(_ctypes_backend.backend().lib, "speedup_test_inject_fault")
    shipped = Path(speedup.__file__).parent / "_lib" / "libspeedup.so"
    if shipped.exists():  # in a child: loading it here would add a second runtime
        probe = "import ctypes, sys; print(hasattr(ctypes.CDLL(sys.argv[1]), 'speedup_test_inject_fault'))"
        r = subprocess.run([sys.executable, "-c", probe, str(shipped)], capture_output=True,
                           text=True, timeout=60)
        assert r.stdout.strip() == "False", r.stderr
