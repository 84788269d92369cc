"""speedup.config(), speedup.show_config() and the command line (`speedup --version`, `--help`,
`info`, `info --json`, and `bench` routed to its own parser), on both backends."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import speedup

KEYS = [
    "backend", "library", "version", "target", "profile", "opt_level", "debug_assertions", "cpus",
    "threads", "threads_source", "cpu_features", "simd_limit", "simd.sum_mean_std", "simd.stencils",
    "simd.comb_filters", "simd.mandelbrot", "simd.sum_primes_below", "simd.philox", "calibration",
    "cutoff.sum", "cutoff.stencils", "cutoff.comb_forward", "cutoff.mandelbrot",
    "cutoff.is_prime_many", "cutoff.sum_primes_below", "cutoff.monte_carlo_pi",
    "cutoff.markov_chains", "cutoff.closest_pair", "cutoff.map_f64", "legacy", "openmp",
]
# Measured by each loaded copy of the library (the two backends load two): not build facts.
MEASURED = ("calibration", "cutoff.")
SOURCES = {"SPEEDUP_NUM_THREADS", "OMP_NUM_THREADS", "cpus", "set_num_threads"}


def run_cli(args: list, env: dict, timeout: float = 60) -> "subprocess.CompletedProcess[str]":
    return subprocess.run([sys.executable, "-m", "speedup", *args], env=env, capture_output=True,
                          text=True, timeout=timeout)


def test_config_keys_and_values(backend: str) -> None:
    c = speedup.config()
    assert list(c) == KEYS, c
    assert c["backend"] == backend == speedup.backend
    assert Path(c["library"]).is_file(), c["library"]
    assert c["version"] == speedup.__version__
    assert c["profile"] in ("release", "debug") and c["debug_assertions"] in ("yes", "no")
    assert isinstance(c["cpus"], int) and c["cpus"] >= 1
    assert c["threads_source"] in SOURCES
    assert c["simd.philox"] in ("avx512", "avx2", "scalar")
    features = c["cpu_features"].split()
    limit = c["simd_limit"].split()[0]
    assert limit in ("none", "avx2", "baseline"), c["simd_limit"]
    if limit == "baseline":
        features = []
    elif limit == "avx2":
        features = [f for f in features if f != "avx512f"]
    assert (c["simd.philox"] == "scalar") == ("avx2" not in features)
    assert c["simd.philox"] != "avx512" or "avx512f" in features
    assert all(c[k] in ("avx2", "baseline") for k in ("simd.stencils", "simd.comb_filters"))
    assert all(c[k] in ("avx512", "avx2", "baseline") for k in ("simd.sum_mean_std", "simd.mandelbrot"))
    assert (c["simd.stencils"] == "avx2") == ("avx2" in features)
    assert c["legacy"] in ("yes", "no")
    assert (c["openmp"] == "none") == (c["legacy"] == "no")
    assert c["legacy"] == ("yes" if speedup.legacy.available else "no")


def test_both_backends_report_the_same_library_facts() -> None:
    previous = speedup._use_backend("pyo3")
    try:
        a = speedup.config()
        speedup._use_backend("ctypes")
        b = speedup.config()
    finally:
        speedup._use_backend(previous)
    assert (a["backend"], b["backend"]) == ("pyo3", "ctypes")
    del a["backend"], b["backend"], a["library"], b["library"]
    for d in (a, b):
        for k in [k for k in d if k.startswith(MEASURED)]:
            del d[k]
    assert a == b


def test_threads_follow_the_knob_and_threadpoolctl(backend: str) -> None:
    speedup.set_num_threads(3)
    c = speedup.config()
    assert (c["threads"], c["threads_source"]) == (3, "set_num_threads")
    assert c["threads"] == speedup.get_num_threads()
    with speedup.threads(1):
        assert speedup.config()["threads"] == 1 == speedup.get_num_threads()
    speedup.set_num_threads(0)
    c = speedup.config()
    assert c["threads"] == speedup.get_num_threads() and c["threads_source"] != "set_num_threads"
    threadpoolctl = pytest.importorskip("threadpoolctl")
    info = [i for i in threadpoolctl.threadpool_info() if i["internal_api"] == "speedup"]
    assert info and all(i["num_threads"] == c["threads"] for i in info), info
    with threadpoolctl.threadpool_limits(limits=2, user_api="speedup"):
        assert speedup.config()["threads"] == 2 == speedup.get_num_threads()


@pytest.mark.parametrize(
    "env, threads, source",
    [
        ({"SPEEDUP_NUM_THREADS": "3", "OMP_NUM_THREADS": "5"}, 3, "SPEEDUP_NUM_THREADS"),
        ({"OMP_NUM_THREADS": "5,2"}, 5, "OMP_NUM_THREADS"),
        ({"SPEEDUP_NUM_THREADS": "many"}, None, "cpus"),  # not a count: ignored
    ],
)
def test_thread_source_in_a_fresh_process(child_env: dict, env: dict, threads: int, source: str) -> None:
    for var in ("SPEEDUP_NUM_THREADS", "OMP_NUM_THREADS"):
        child_env.pop(var, None)
    child_env.update(env)
    code = "import json, speedup; print(json.dumps(speedup.config()))"
    r = subprocess.run([sys.executable, "-c", code], env=child_env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    c = json.loads(r.stdout)
    assert c["backend"] == child_env["SPEEDUP_BACKEND"]
    assert c["threads_source"] == source
    assert c["threads"] == (threads if threads is not None else c["cpus"])


def test_cutoffs_in_a_fresh_process(child_env: dict) -> None:
    """The cut-off variables reach the report, change no bits, and a bad value is ignored with a
    warning."""
    code = ("import json, numpy as np, speedup; x = np.linspace(-1, 1, 300001) ** 3; "
            "print(json.dumps([speedup.config(), float(speedup.sum(x)).hex(), float(speedup.std(x)).hex()]))")
    out = {}
    for name, env in [("parallel", {"SPEEDUP_PARALLEL_CUTOFF": "0"}),
                      ("serial", {"SPEEDUP_PARALLEL_CUTOFF": "never", "SPEEDUP_CUTOFF_SUM": "lots"}),
                      ("defaults", {"SPEEDUP_CALIBRATE": "0"})]:
        e = dict(child_env, SPEEDUP_NUM_THREADS="3", **env)
        r = subprocess.run([sys.executable, "-c", code], env=e, capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, r.stderr
        out[name] = (json.loads(r.stdout), r.stderr)
    (par, _), (ser, ser_err), (dflt, _) = out["parallel"], out["serial"], out["defaults"]
    assert par[1:] == ser[1:] == dflt[1:]
    assert par[0]["cutoff.sum"] == "0 (SPEEDUP_PARALLEL_CUTOFF)"
    assert ser[0]["cutoff.sum"] == "never (SPEEDUP_PARALLEL_CUTOFF)"
    assert "speedup: ignoring SPEEDUP_CUTOFF_SUM: must be a non-negative integer" in ser_err
    assert dflt[0]["calibration"] == "off (SPEEDUP_CALIBRATE=0)"
    assert dflt[0]["cutoff.sum"] == "1048576 (default)"


def test_show_config_prints_the_dict(backend: str, capsys: pytest.CaptureFixture) -> None:
    assert speedup.show_config() is None
    out = capsys.readouterr().out
    c = speedup.config()
    assert out == "".join(f"{k}: {v}\n" for k, v in c.items())


# ---------------------------------------------------------------------------------------------
# The command line


def test_version(child_env: dict) -> None:
    r = run_cli(["--version"], child_env)
    assert r.returncode == 0 and r.stdout == f"speedup {speedup.__version__}\n", r


def test_help_lists_the_commands(child_env: dict) -> None:
    r = run_cli(["--help"], child_env)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("usage: speedup ")
    assert "bench" in r.stdout and "info" in r.stdout and "--version" in r.stdout
    r = run_cli([], child_env)  # no command: the help, on stderr, and status 2
    assert r.returncode == 2 and "bench" in r.stderr and "info" in r.stderr
    r = run_cli(["frobnicate"], child_env)
    assert r.returncode == 2 and "invalid choice: 'frobnicate'" in r.stderr
    r = run_cli(["info", "--frobnicate"], child_env)
    assert r.returncode == 2 and "unrecognized arguments: --frobnicate" in r.stderr


def test_info(child_env: dict, backend: str) -> None:
    child_env["SPEEDUP_NUM_THREADS"] = "3"
    r = run_cli(["info"], child_env)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert [line.split(": ", 1)[0] for line in lines] == KEYS, r.stdout
    assert f"backend: {backend}" in lines and "threads: 3" in lines
    assert "threads_source: SPEEDUP_NUM_THREADS" in lines
    assert f"version: {speedup.__version__}" in lines


def test_info_json(child_env: dict, backend: str) -> None:
    r = run_cli(["info", "--json"], child_env)
    assert r.returncode == 0, r.stderr
    c = json.loads(r.stdout)
    assert list(c) == KEYS and c["backend"] == backend and isinstance(c["threads"], int)
    other = "ctypes" if backend == "pyo3" else "pyo3"
    r = run_cli(["info", "--json", "--backend", other], child_env)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["backend"] == other


def test_bench_gets_its_arguments_verbatim(child_env: dict, tmp_path: Path) -> None:
    r = run_cli(["bench", "--help"], child_env)
    assert r.returncode == 0 and r.stdout.startswith("usage: speedup bench"), r.stderr
    r = run_cli(["bench", "--threads", "0"], child_env)
    assert r.returncode == 2 and "argument --threads: thread count 0 must be between 1 and 1024" in r.stderr
    r = run_cli(["bench", "--version"], child_env)  # not bench's option
    assert r.returncode == 2 and "usage: speedup bench" in r.stderr
    out = tmp_path / "out"
    r = run_cli(["bench", "comb_backward", "--sizes", "tiny", "--threads", "1", "--no-sweep", "--no-plots",
                 "--out", str(out)], child_env, timeout=240)
    assert r.returncode == 0, r.stderr
    res = json.loads((out / "results.json").read_text())
    assert [w["name"] for w in res["workloads"]] == ["comb_backward"]


def test_console_script(child_env: dict) -> None:
    script = Path(sys.executable).parent / "speedup"
    if not script.exists():
        pytest.skip("no console script beside this interpreter")
    r = subprocess.run([str(script), "info"], env=child_env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and r.stdout.startswith("backend: "), r.stderr
    r = subprocess.run([str(script), "--version"], env=child_env, capture_output=True, text=True, timeout=60)
    assert r.stdout == f"speedup {speedup.__version__}\n"
    assert os.path.basename(script) == "speedup"


# Every kernel family with more than one instruction-set path, on inputs that reach the wide
# paths; each result's bytes hashed. Run in a fresh process per SPEEDUP_SIMD value (the variable
# is read once, at the first call), on both backends.
SIMD_PROBE = r"""
import hashlib, json, sys
import numpy as np
import speedup
rng = np.random.default_rng(11)
x = rng.standard_normal((300, 257))
f = rng.random((130, 131))
c = (rng.random(4000) * 3 - 2) + 1j * (rng.random(4000) * 2.4 - 1.2)
P = np.array([[0.5, 0.3, 0.2], [0.1, 0.6, 0.3], [0.25, 0.25, 0.5]])
def h(v):
    return hashlib.sha256(np.ascontiguousarray(np.asarray(v)).tobytes()).hexdigest()[:16]
out = {}
for backend in ("pyo3", "ctypes"):
    speedup._use_backend(backend)
    with speedup.threads(2):
        r = {
            "sum": h(speedup.sum(x)), "sum_axis0": h(speedup.sum(x, axis=0)),
            "sum_T": h(speedup.sum(x.T)), "std_axis1": h(speedup.std(x, axis=1)),
            "sum_f32": h(speedup.sum(x.astype(np.float32), axis=0)),
            "laplacian": h(speedup.laplacian(f, 0.1, 0.2)),
            "laplacian_f32": h(speedup.laplacian(f.astype(np.float32), 0.1, 0.2, mode="wrap")),
            "second_derivative": h(speedup.second_derivative(x[0], 0.3)),
            "comb": h(speedup.comb_backward(x, 3, 0.5)) + h(speedup.comb_forward(x[:, 0], 2, -0.5)),
            "mandelbrot": h(speedup.mandelbrot(c, 200)) + h(speedup.mandelbrot(c.astype(np.complex64), 200)),
            "monte_carlo_pi": h(speedup.monte_carlo_pi(300_001, seed=5)),
            "markov_chains": h(speedup.markov_chains(P, 20_003, n_chains=5, seed=3)),
            "sum_primes_below": h(speedup.sum_primes_below(np.array([10**6, 3 * 10**6 + 1], dtype=np.uint64))),
        }
    out[backend] = {"results": r, "limit": speedup.config()["simd_limit"],
                    "paths": {k: v for k, v in speedup.config().items() if k.startswith("simd.")}}
json.dump(out, sys.stdout)
"""


def test_simd_limit_keeps_the_bits() -> None:
    """SPEEDUP_SIMD=avx2 / baseline keep the kernels off the wider paths (the report says so)
    and change no bit of any result; a value that names no level is ignored, and the report
    names it."""
    runs = {}
    for value in (None, "avx512", "AVX2", "baseline", "sse9"):
        env = {k: v for k, v in os.environ.items() if k != "SPEEDUP_SIMD"}
        if value is not None:
            env["SPEEDUP_SIMD"] = value
        p = subprocess.run([sys.executable, "-c", SIMD_PROBE], env=env, capture_output=True,
                           text=True, timeout=300)
        assert p.returncode == 0, p.stderr
        runs[value] = json.loads(p.stdout)
    want = runs[None]["pyo3"]["results"]
    for value, run in runs.items():
        for backend, got in run.items():
            assert got["results"] == want, (value, backend)
            paths = set(got["paths"].values())
            if value == "baseline":
                assert got["limit"] == "baseline (SPEEDUP_SIMD)"
                assert paths <= {"baseline", "scalar"}, got["paths"]
            elif value == "AVX2":
                assert got["limit"] == "avx2 (SPEEDUP_SIMD)"
                assert "avx512" not in paths, got["paths"]
            elif value == "sse9":
                assert got["limit"] == 'none (SPEEDUP_SIMD="sse9" ignored: not avx512, avx2 or baseline)'
                assert got["paths"] == runs[None][backend]["paths"]
            else:
                assert got["limit"] == "none"
                assert got["paths"] == runs[None][backend]["paths"]
