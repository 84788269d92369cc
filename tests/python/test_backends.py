"""Both backends: same bits, same exceptions and messages; backend selection; library lookup."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import speedup
from references import outcome, same_bits

RNG = np.random.default_rng(7)
P = np.array([[0.9, 0.1, 0.0], [0.2, 0.5, 0.3], [0.25, 0.25, 0.5]])
PTS = RNG.random((5000, 2))
X = RNG.standard_normal(1_100_000)  # above the reductions' cut-off (2^20)
F2 = RNG.standard_normal((300, 400))
C = (np.linspace(-2, 1, 300)[None, :] + 1j * np.linspace(-1.2, 1.2, 200)[:, None])


def results() -> dict:
    """Every kernel on inputs big enough to cross the parallel cut-offs."""
    return {
        "sum": speedup.sum(X),
        "mean": speedup.mean(X),
        "std": speedup.std(X, ddof=1),
        "second_derivative": speedup.second_derivative(X, 0.01),
        "laplacian": speedup.laplacian(F2, 0.1, 0.2),
        "comb_forward": speedup.comb_forward(F2, 3, 0.5),
        "comb_backward": speedup.comb_backward(X, 5, 0.9),
        "is_prime": speedup.is_prime(np.arange(10**9, 10**9 + 20_000)),
        "sum_primes_below": speedup.sum_primes_below(3_000_000),
        "sum_primes_below_many": speedup.sum_primes_below(np.arange(0, 2_000_000, 997)),
        "monte_carlo_pi": speedup.monte_carlo_pi(2_000_000, 3),
        "markov_chains": speedup.markov_chains(P, 20_000, n_chains=16, seed=11),
        "closest_pair": np.array(speedup.closest_pair(PTS), dtype=object),
        "mandelbrot": speedup.mandelbrot(C, 60),
    }


def assert_same(a: dict, b: dict) -> None:
    for k in a:
        if a[k].__class__ is np.ndarray and a[k].dtype == object:
            assert a[k].tolist() == b[k].tolist(), k
        else:
            assert same_bits(a[k], b[k]), k


def test_bitwise_across_thread_counts_and_backends(backend: str) -> None:
    with speedup.threads(1):
        base = results()
    for n in (2, 3, 8):
        with speedup.threads(n):
            assert speedup.get_num_threads() == n
            assert_same(base, results())
    other = "ctypes" if backend == "pyo3" else "pyo3"
    speedup._use_backend(other)
    with speedup.threads(3):
        assert_same(base, results())


BAD_CALLS = [
    lambda: speedup.mean([]),
    lambda: speedup.std([1.0], ddof=1),
    lambda: speedup.std([1.0], ddof=-1),
    lambda: speedup.second_derivative([1.0, 2.0], 1.0),
    lambda: speedup.second_derivative([1.0, 2.0, 3.0], np.nan),
    lambda: speedup.laplacian(np.ones((3, 2)), 1.0, 1.0),
    lambda: speedup.laplacian(np.ones((3, 3)), 0.0, 1.0),
    lambda: speedup.comb_forward([1.0], 0, 1.0),
    lambda: speedup.comb_backward(np.ones((3, 2)), 0, 1.0),
    lambda: speedup.comb_forward([1.0], 1, 1.0, out=np.empty(2)),
    lambda: speedup.is_prime(-1),
    lambda: speedup.is_prime(1.5),
    lambda: speedup.sum_primes_below(2**64 - 1),
    lambda: speedup.sum_primes_below([5, 2**64 - 1]),
    lambda: speedup.monte_carlo_pi(0),
    lambda: speedup.markov_chains([[0.5, 0.4], [0.5, 0.5]], 5),
    lambda: speedup.markov_chains([[1.0]], 5, start=1),
    lambda: speedup.markov_chains(np.zeros((0, 0)), 5),
    lambda: speedup.closest_pair([[0.0, 0.0]]),
    lambda: speedup.closest_pair([[0.0, 0.0], [np.inf, 0.0]]),
    lambda: speedup.mandelbrot([0j], -5),
    lambda: speedup.set_num_threads(5000),
    lambda: speedup.set_num_threads(-1),
    lambda: speedup.parallel_map(0, [1.0]),
    lambda: speedup.parallel_map(lambda v: v, [1.0]),
]


@pytest.mark.parametrize("i", range(len(BAD_CALLS)))
def test_same_exceptions_and_messages(backend: str, i: int) -> None:
    mine = outcome(BAD_CALLS[i])
    assert mine[0] in (ValueError, TypeError, OverflowError), mine
    assert mine[1] and mine[1].split(":")[0] in (
        "mean std second_derivative laplacian comb_forward comb_backward is_prime "
        "sum_primes_below sum_primes_below_many sum_primes_below_u128 monte_carlo_pi markov_chains closest_pair "
        "mandelbrot set_num_threads parallel_map".split()
    ), mine
    speedup._use_backend("ctypes" if backend == "pyo3" else "pyo3")
    assert outcome(BAD_CALLS[i]) == mine


def test_backend_attribute_and_version(backend: str) -> None:
    """One version, from the Cargo workspace: the extension, the C library and the wheel agree."""
    import importlib.metadata
    import re

    from speedup import _ctypes_backend

    assert speedup.backend == backend
    assert speedup.__version__ == speedup._impl.__version__ == _ctypes_backend.backend().__version__
    assert importlib.metadata.version("speedup-kernels") == speedup.__version__
    cargo = Path(__file__).resolve().parents[2] / "Cargo.toml"
    if cargo.exists():
        m = re.search(r'^version = "([^"]+)"', cargo.read_text(), re.M)
        assert m and m.group(1) == speedup.__version__


def run_child(code: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)


def test_env_selects_backend(child_env: dict, backend: str) -> None:
    r = run_child("import speedup; print(speedup.backend, speedup.sum([1.0, 2.0]))", child_env)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == [backend, "3.0"]


def test_unknown_backend_raises_at_import(child_env: dict) -> None:
    child_env["SPEEDUP_BACKEND"] = "numba"
    r = run_child("import speedup", child_env)
    assert r.returncode != 0
    assert "ImportError: speedup: SPEEDUP_BACKEND must be 'pyo3' or 'ctypes' (or unset), got 'numba'" in r.stderr


def test_ctypes_library_lookup_message(child_env: dict, tmp_path: Path) -> None:
    child_env["SPEEDUP_BACKEND"] = "ctypes"
    child_env["SPEEDUP_LIBRARY"] = str(tmp_path / "nope" / "libspeedup.so")
    r = run_child("import speedup", child_env)
    assert r.returncode != 0
    assert "could not find libspeedup.so; looked at:" in r.stderr
    assert str(tmp_path / "nope" / "libspeedup.so") + " ($SPEEDUP_LIBRARY): not found" in r.stderr


def shipped_library() -> Path:
    from speedup import _ctypes_backend

    return Path(_ctypes_backend.__file__).parent / "_lib" / "libspeedup.so"


def test_ctypes_library_from_env(child_env: dict) -> None:
    """SPEEDUP_LIBRARY is an explicit override (here: the shipped libspeedup.so)."""
    from speedup import _ctypes_backend

    path = str(shipped_library()) if shipped_library().exists() else _ctypes_backend.backend().path
    child_env["SPEEDUP_BACKEND"] = "ctypes"
    child_env["SPEEDUP_LIBRARY"] = path
    r = run_child("import speedup; print(speedup._impl.path); print(speedup.std([1.0, 2.0, 3.0, 4.0], ddof=1))", child_env)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == [path, "1.2909944487358056"]


def test_ctypes_loads_the_extension_itself() -> None:
    """One runtime per process: with the extension importable, the ctypes backend and
    speedup.legacy drive the very file Python loaded as speedup._speedup."""
    from speedup import _ctypes_backend, _speedup

    if os.environ.get("SPEEDUP_LIBRARY"):
        pytest.skip("SPEEDUP_LIBRARY set")
    assert Path(_ctypes_backend.backend().path) == Path(_speedup.__file__)
    assert Path(speedup.legacy.library) == Path(_speedup.__file__)


NO_EXTENSION = """
import sys
sys.modules["speedup._speedup"] = None  # the extension is not importable
import speedup, speedup.legacy
print(speedup.backend, speedup._impl.path, speedup.legacy.library)
speedup.set_num_threads(2)
print(speedup.sum([1.0, 2.0]), speedup.legacy.sum([1.0, 2.0]), speedup.legacy.omp_team_size())
"""


def test_ctypes_without_the_extension(child_env: dict) -> None:
    """Without the extension, the ctypes backend (and speedup.legacy) use the shipped
    libspeedup.so."""
    shipped = shipped_library()
    if not shipped.exists():
        pytest.skip("no libspeedup.so inside the package (scripts/python-setup.sh puts it there)")
    child_env.pop("SPEEDUP_BACKEND", None)
    child_env.pop("SPEEDUP_LIBRARY", None)
    r = run_child(NO_EXTENSION, child_env)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split("\n")[0].split() == ["ctypes", str(shipped), str(shipped)]
    assert r.stdout.split("\n")[1] == "3.0 3.0 (2, 2)"
    child_env["SPEEDUP_BACKEND"] = "pyo3"
    r = run_child(NO_EXTENSION, child_env)
    assert r.returncode != 0 and "speedup._speedup" in r.stderr  # forced pyo3 cannot fall back


def test_ctypes_lookup_message_names_the_extension(child_env: dict, tmp_path: Path) -> None:
    """Nothing to load: the message says where it looked, the extension included."""
    code = (
        "import sys; sys.modules['speedup._speedup'] = None\n"
        "from pathlib import Path\n"
        "Path.exists = lambda self: False\n"  # no library file anywhere
        "import speedup\n"
    )
    child_env.pop("SPEEDUP_BACKEND", None)
    child_env.pop("SPEEDUP_LIBRARY", None)
    r = run_child(code, child_env)
    assert r.returncode != 0
    assert "could not find libspeedup.so; looked at:" in r.stderr
    assert "speedup._speedup (the PyO3 extension): not importable" in r.stderr
    assert "_lib/libspeedup.so (inside the package): not found" in r.stderr


def test_legacy_namespace() -> None:
    import speedup.legacy as legacy

    assert isinstance(legacy.available, tuple)
    for name in legacy.available:
        assert callable(getattr(legacy, name))
    if "sum" not in legacy.available:
        with pytest.raises(AttributeError, match="speedup.legacy.sum is not available"):
            legacy.sum  # noqa: B018
