"""Thread knob, threadpoolctl, 8 Python threads at once, fork, Ctrl-C."""

from __future__ import annotations

import multiprocessing
import queue
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import numpy as np
import pytest

import references as ref
import speedup
from references import same_bits


def test_knob_and_context_manager() -> None:
    before = speedup.get_num_threads()
    with speedup.threads(3):
        assert speedup.get_num_threads() == 3
        with speedup.threads(1):
            assert speedup.get_num_threads() == 1
        assert speedup.get_num_threads() == 3
    assert speedup.get_num_threads() == before
    with pytest.raises(RuntimeError):
        with speedup.threads(2):
            raise RuntimeError("boom")
    assert speedup.get_num_threads() == before
    speedup.set_num_threads(0)
    assert speedup.get_num_threads() >= 1
    with pytest.raises(ValueError, match="^set_num_threads: n must be between 0 and 1024"):
        speedup.set_num_threads(1025)
    with pytest.raises(TypeError):
        speedup.set_num_threads(2.0)


def test_env_default(child_env: dict) -> None:
    child_env["SPEEDUP_NUM_THREADS"] = "3"
    child_env["OMP_NUM_THREADS"] = "5,2"
    r = subprocess.run([sys.executable, "-c", "import speedup; print(speedup.get_num_threads())"],
                       env=child_env, capture_output=True, text=True, timeout=60)
    assert r.stdout.strip() == "3", r.stderr
    del child_env["SPEEDUP_NUM_THREADS"]
    r = subprocess.run([sys.executable, "-c", "import speedup; print(speedup.get_num_threads())"],
                       env=child_env, capture_output=True, text=True, timeout=60)
    assert r.stdout.strip() == "5", r.stderr


def test_threadpoolctl(backend: str) -> None:
    threadpoolctl = pytest.importorskip("threadpoolctl")
    info = [i for i in threadpoolctl.threadpool_info() if i["internal_api"] == "speedup"]
    assert info, threadpoolctl.threadpool_info()
    assert all(i["user_api"] == "speedup" and i["version"] == speedup.__version__ for i in info)
    speedup.set_num_threads(4)
    with threadpoolctl.threadpool_limits(limits=1):
        assert speedup.get_num_threads() == 1
        assert same_bits(speedup.monte_carlo_pi(10_000, 1), ref.monte_carlo_pi(10_000, 1))
    assert speedup.get_num_threads() == 4
    with threadpoolctl.threadpool_limits(limits=2, user_api="speedup"):
        assert speedup.get_num_threads() == 2
    assert speedup.get_num_threads() == 4


def test_eight_python_threads_at_once() -> None:
    rng = np.random.default_rng(3)
    x = rng.standard_normal(200_000)
    f = rng.standard_normal((200, 300))
    c = rng.standard_normal(20_000) + 1j * rng.standard_normal(20_000)
    P = np.array([[0.5, 0.5], [0.1, 0.9]])
    jobs = [
        lambda: speedup.sum(x),
        lambda: speedup.laplacian(f, 0.1, 0.1),
        lambda: speedup.comb_backward(x, 3, 0.5),
        lambda: speedup.monte_carlo_pi(300_000, 5),
        lambda: speedup.sum_primes_below(1_000_000),
        lambda: speedup.markov_chains(P, 5_000, n_chains=8, seed=2),
        lambda: speedup.mandelbrot(c, 50),
        lambda: speedup.closest_pair(f.reshape(-1, 2)),
    ]
    expected = [job() for job in jobs]
    errors: list = []
    barrier = threading.Barrier(8)

    def worker(k: int) -> None:
        try:
            barrier.wait()
            for r in range(4):
                i = (k + r) % len(jobs)
                got = jobs[i]()
                if isinstance(got, tuple):
                    assert got == expected[i]
                else:
                    assert same_bits(got, expected[i])
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    ts = [threading.Thread(target=worker, args=(k,)) for k in range(8)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(120)
    assert not errors, errors


def test_gil_is_released() -> None:
    """The main thread keeps running Python code while another thread is inside a long kernel
    (called directly: the helper-thread path of long interruptible calls is not involved)."""
    c = np.zeros(100_000, complex)  # never escapes: max_iter iterations per point
    finished = threading.Event()

    def kernel() -> None:
        with speedup.threads(1):
            speedup.mandelbrot(c, 3000)
        finished.set()

    t = threading.Thread(target=kernel)
    t.start()
    ticks = 0
    while not finished.is_set():
        ticks += 1
        time.sleep(0.001)
    t.join()
    assert ticks >= 5


def _child_job(seed: int) -> float:
    return speedup.monte_carlo_pi(500_000, seed) + speedup.sum(np.arange(1e6))


def test_fork_child_after_parent_used_the_pool(backend: str) -> None:
    with speedup.threads(2):
        parent = _child_job(9)  # the parent's pool has been started
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(1) as pool:
            child = pool.apply_async(_child_job, (9,)).get(timeout=60)
    assert child == parent


INTERRUPT_CHILD = textwrap.dedent(
    """
    import ctypes, signal, sys, time
    import numpy as np
    import speedup
    # A process started with SIGINT ignored (launched by `nohup ... &`, cron, some CI runners)
    # keeps it ignored, and Python then installs no KeyboardInterrupt handler: this child needs
    # Ctrl-C, so it restores Python's own handler.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    # Should the test's process end without ending this child (pytest-timeout's exit), the
    # kernel kills it (PR_SET_PDEATHSIG = 1, SIGKILL = 9): no orphan computes on for minutes.
    ctypes.CDLL(None).prctl(1, 9)
    speedup.set_num_threads(2)
    out = np.full(4, 7.0)
    for call in (lambda: speedup.monte_carlo_pi(10**11),
                 lambda: speedup.sum_primes_below([5, 29_000_000_000]),
                 lambda: speedup.markov_chains([[0.5, 0.5], [0.5, 0.5]], 10**12, n_chains=2)):
        print("ready", flush=True)
        try:
            call()
            print("finished", flush=True)
        except KeyboardInterrupt:
            print("interrupted", time.monotonic(), flush=True)
    assert (out == 7.0).all()
    print("next", speedup.monte_carlo_pi(1000, 3), speedup.comb_forward([1.0, 2.0, 3.0], 1, 1.0, out=out[:3]).tolist(), flush=True)
    """
)


class _Lines:
    """The lines a child prints, read on a helper thread, so that every wait has a limit."""

    def __init__(self, p: "subprocess.Popen[str]") -> None:
        self.p = p
        self.q: "queue.Queue[str]" = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.p.stdout:  # type: ignore[union-attr]
            self.q.put(line)
        self.q.put("")  # end of output

    def next(self, timeout: float, waiting_for: str) -> str:
        try:
            return self.q.get(timeout=timeout)
        except queue.Empty:
            self.p.kill()
            _, err = self.p.communicate(timeout=30)
            pytest.fail(f"the child printed nothing within {timeout} s while waiting for "
                        f"{waiting_for}; killed it. Its stderr: {err[-2000:]!r}")


@pytest.mark.timeout(120)
def test_ctrl_c_interrupts_a_long_call(child_env: dict) -> None:
    p = subprocess.Popen([sys.executable, "-c", INTERRUPT_CHILD], env=child_env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines = _Lines(p)
    try:
        for k in range(3):
            assert lines.next(60, f"call {k} to start").strip() == "ready"
            time.sleep(0.3)
            sent = time.monotonic()
            p.send_signal(signal.SIGINT)
            line = lines.next(10, f"call {k} to stop after SIGINT (is SIGINT ignored?)").split()
            assert line and line[0] == "interrupted", (line, p.stderr.read() if p.poll() is not None else "")  # type: ignore[union-attr]
            assert float(line[1]) - sent < 1.0
        last = lines.next(60, "the calls after the interruptions").strip().split(maxsplit=2)
        assert last[0] == "next"
        assert float(last[1]) == ref.monte_carlo_pi(1000, 3)
        assert last[2] == "[1.0, 3.0, 5.0]"
        assert p.wait(30) == 0, p.stderr.read()  # type: ignore[union-attr]
    finally:
        if p.poll() is None:
            p.kill()
            p.wait(30)


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@pytest.mark.timeout(240)
def test_ctrl_c_test_passes_when_started_with_sigint_ignored(backend: str) -> None:
    """`nohup ... &` (CI, cron) starts the tests with SIGINT ignored, which every child inherits:
    the Ctrl-C test above must still pass, in bounded time, in such a process."""
    node = f"{Path(__file__).resolve()}::test_ctrl_c_interrupts_a_long_call[{backend}]"
    r = subprocess.run([sys.executable, "-m", "pytest", node, "-q", "-p", "no:cacheprovider",
                        "--timeout=150"],
                       cwd=Path(__file__).resolve().parent, preexec_fn=_ignore_sigint,
                       capture_output=True, text=True, timeout=200)
    assert r.returncode == 0 and "1 passed" in r.stdout, r.stdout[-3000:] + r.stderr[-2000:]


def test_one_runtime_per_process(backend: str) -> None:
    """Whatever is imported, a process has one speedup runtime: the knob set through the public
    API is what both backends and the legacy OpenMP regions see, and threadpoolctl lists speedup
    once."""
    from speedup import _ctypes_backend, _speedup

    for n in (1, 3, 2):
        speedup.set_num_threads(n)
        assert speedup.get_num_threads() == n
        assert _speedup.get_num_threads() == n
        assert _ctypes_backend.backend().get_num_threads() == n
        assert speedup.legacy.omp_team_size() == (n, n)
    _speedup.set_num_threads(1)
    assert _ctypes_backend.backend().get_num_threads() == 1 == speedup.get_num_threads()
    threadpoolctl = pytest.importorskip("threadpoolctl")
    info = [i for i in threadpoolctl.threadpool_info() if i["internal_api"] == "speedup"]
    assert len(info) == 1, info
    assert info[0]["num_threads"] == 1


ONE_RUNTIME_CHILD = """
import speedup, speedup.legacy, threadpoolctl
from speedup import _ctypes_backend, _speedup
speedup.set_num_threads(3)
info = [i for i in threadpoolctl.threadpool_info() if i["internal_api"] == "speedup"]
print(len(info), speedup.backend, _speedup.get_num_threads(), _ctypes_backend.backend().get_num_threads(),
      *speedup.legacy.omp_team_size())
"""


def test_one_runtime_in_a_fresh_process(child_env: dict, backend: str) -> None:
    """The same from a fresh process whichever backend SPEEDUP_BACKEND picks (the ctypes backend
    loaded first, then the extension imported, is the case that used to load two copies)."""
    pytest.importorskip("threadpoolctl")
    child_env.pop("SPEEDUP_LIBRARY", None)
    r = subprocess.run([sys.executable, "-c", ONE_RUNTIME_CHILD], env=child_env,
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["1", backend, "3", "3", "3", "3"]
