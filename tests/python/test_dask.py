"""speedup.dask: the kernels on Dask arrays equal the local calls (bitwise where the module says
so, within the accuracy rule for multi-chunk sums), on the synchronous scheduler and on a real
distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True) whose workers run
the backend under test (SPEEDUP_BACKEND in the nanny's environment)."""

from __future__ import annotations

import math
import os
import signal
import time
from typing import Any, Dict, Iterator

import numpy as np
import pytest

dask = pytest.importorskip("dask")
da = pytest.importorskip("dask.array")
distributed = pytest.importorskip("distributed")

import speedup  # noqa: E402
import speedup.dask as sd  # noqa: E402

EPS = 2.0**-52
P = [[0.5, 0.25, 0.25], [0.1, 0.8, 0.1], [0.3, 0.3, 0.4]]


@pytest.fixture
def sync() -> Iterator[None]:
    with dask.config.set(scheduler="sync"):
        yield


def grid(rows: int = 61, cols: int = 47, seed: int = 1) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal((rows, cols))


# ---------------------------------------------------------------------------------------------
# Synchronous scheduler: the graph logic


@pytest.mark.parametrize("chunks", [(7, 5), (1, 1), (2, 3), (61, 47), ((1, 30, 30), (2, 44, 1))])
def test_laplacian_bitwise_any_chunking(sync: None, chunks: Any) -> None:
    f = grid(9, 8) if chunks == (1, 1) else grid()  # one block per cell: keep the graph small
    r = sd.laplacian(da.from_array(f, chunks=chunks), 0.1, 0.3)
    assert r.shape == (f.shape[0] - 2, f.shape[1] - 2)
    assert np.array_equal(r.compute(), speedup.laplacian(f, 0.1, 0.3))


@pytest.mark.parametrize("boundary", ["periodic", "nearest", "reflect", 2.5])
def test_laplacian_padded_boundaries(sync: None, boundary: Any) -> None:
    f = grid()
    if isinstance(boundary, str):
        padded = np.pad(f, 1, mode=sd.PAD_MODES[boundary])
    else:
        padded = np.pad(f, 1, constant_values=boundary)
    r = sd.laplacian(da.from_array(f, chunks=(9, 8)), 0.1, 0.3, boundary=boundary).compute()
    assert np.array_equal(r, speedup.laplacian(padded, 0.1, 0.3))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("mode", ["valid", "reflect", "nearest", "mirror", "wrap", "constant"])
def test_stencil_modes_are_the_local_modes(sync: None, mode: str, dtype: Any) -> None:
    """The mode names of speedup.laplacian / second_derivative, bitwise the local call, any
    chunking, float32 kept."""
    for f, chunks in [(grid(), (9, 8)), (grid(), (61, 47)), (grid(9, 8), (1, 2))]:
        f = f.astype(dtype)
        r = sd.laplacian(da.from_array(f, chunks=chunks), 0.1, 0.3, mode=mode, cval=-1.25)
        want = speedup.laplacian(f, 0.1, 0.3, mode=mode, cval=-1.25)
        got = r.compute()
        assert r.dtype == dtype and got.dtype == dtype and got.tobytes() == want.tobytes(), chunks
    g = grid()[:, 0].astype(dtype)
    for chunks in [1, 5, 100]:
        got = sd.second_derivative(da.from_array(g, chunks=chunks), 0.3, mode=mode, cval=2.0).compute()
        assert got.tobytes() == speedup.second_derivative(g, 0.3, mode=mode, cval=2.0).tobytes()


@pytest.mark.parametrize("boundary,mode,cval", [("none", "valid", 0.0), ("periodic", "wrap", 0.0),
                                                 ("nearest", "nearest", 0.0), ("reflect", "reflect", 0.0),
                                                 (2.5, "constant", 2.5)])
def test_boundary_is_the_older_spelling_of_mode(sync: None, boundary: Any, mode: str, cval: float) -> None:
    f = da.from_array(grid(), chunks=(9, 8))
    old = sd.laplacian(f, 0.1, 0.3, boundary=boundary).compute()
    assert old.tobytes() == sd.laplacian(f, 0.1, 0.3, mode=mode, cval=cval).compute().tobytes()
    with pytest.raises(ValueError, match="give mode= or boundary=, not both"):
        sd.laplacian(f, 0.1, 0.3, mode="wrap", boundary=boundary)
    with pytest.raises(ValueError, match="laplacian: mode must be one of"):
        sd.laplacian(f, 0.1, 0.3, mode="periodic")


def test_second_derivative_bitwise(sync: None) -> None:
    g = np.random.default_rng(2).standard_normal(1001)
    for chunks in (100, 3, 2, 1001):
        r = sd.second_derivative(da.from_array(g, chunks=chunks), 0.3).compute()
        assert np.array_equal(r, speedup.second_derivative(g, 0.3))


def test_bad_input_raises_like_local(sync: None) -> None:
    """Shapes and steps of the stencils are refused by the core's shape rules when the graph is
    built; the other kernels' rules are the core's too, applied by the first real call."""
    with pytest.raises(ValueError, match="dx must be finite and nonzero"):
        sd.laplacian(da.zeros((5, 5)), 0.0, 1.0)
    with pytest.raises(ValueError, match="at least 3x3"):
        sd.laplacian(da.zeros((2, 5)), 1.0, 1.0)
    with pytest.raises(ValueError, match="dy must be finite"):
        sd.laplacian(da.zeros((5, 5)), 1.0, math.nan, boundary="periodic")
    with pytest.raises(ValueError, match="at least 3 elements"):
        sd.second_derivative(da.zeros(2), 1.0)
    with pytest.raises(ValueError, match="tau must be at least 1"):
        sd.comb_backward(da.zeros(5), 0, 0.5).compute()
    with pytest.raises(ValueError, match="ddof must be smaller"):
        sd.std(da.zeros(3), ddof=3).compute()
    with pytest.raises(ValueError, match="n must be >= 1"):
        sd.mean(da.zeros(0)).compute()
    with pytest.raises(ValueError, match="max_iter must be >= 0"):
        sd.mandelbrot(da.zeros(3, dtype=complex), -1).compute()
    with pytest.raises(ValueError):
        sd.monte_carlo_pi(0)


def test_reductions_one_chunk_bitwise(sync: None) -> None:
    x = np.random.default_rng(3).standard_normal(100_003) * 1e3
    d = da.from_array(x, chunks=-1)
    assert float(sd.sum(d).compute()) == speedup.sum(x)
    assert float(sd.mean(d).compute()) == speedup.mean(x)
    for ddof in (0, 1):
        assert float(sd.std(d, ddof=ddof).compute()) == speedup.std(x, ddof=ddof)


@pytest.mark.parametrize("chunks", [1024 * 7, 1024, (4096, 1024 * 50, 100_000 - 4096 - 1024 * 50 + 20_003)])
def test_reductions_chunked_on_leaf_multiples_are_bitwise(sync: None, chunks: Any) -> None:
    """1-D chunks on multiples of the core's leaf (1024): each chunk hands out its nodes of the
    core's summation tree and they are joined along the same tree, so sum/mean/std equal the
    local call bit for bit, also on ill-conditioned data."""
    rng = np.random.default_rng(6)
    x = np.concatenate([rng.standard_normal(50_000) * 1e12, -rng.standard_normal(50_000) * 1e12, rng.random(20_003)])
    rng.shuffle(x)
    d = da.from_array(x, chunks=chunks)
    assert d.numblocks[0] > 1
    assert float(sd.sum(d).compute()) == speedup.sum(x)
    assert float(sd.mean(d).compute()) == speedup.mean(x)
    for ddof in (0, 1):
        assert float(sd.std(d, ddof=ddof).compute()) == speedup.std(x, ddof=ddof)
    y = x.copy()
    y[77_777] = np.inf
    assert float(sd.sum(da.from_array(y, chunks=chunks)).compute()) == np.inf


def test_the_tree_rules_are_the_cores() -> None:
    """speedup.dask asks the core which chunks fit its summation tree (sum_nodes_check) and
    joins the nodes with the core's join_nodes: two half-tree parts rebuild the whole sum, in
    any order, and nodes that do not tile the input are refused."""
    from speedup import _impl

    leaf = 1024
    x = np.random.default_rng(8).random(5 * leaf + 17)
    n = x.size
    with pytest.raises(ValueError, match="multiple of 1024"):
        _impl.sum_nodes(x[: leaf - 1], 0, n)
    with pytest.raises(ValueError, match="multiple of 1024"):
        _impl.sum_nodes_check(leaf - 1, 0, n)
    _impl.sum_nodes_check(n - 3 * leaf, 3 * leaf, n)
    assert not sd._tree_aligned(da.from_array(x, chunks=1000))
    assert sd._tree_aligned(da.from_array(x, chunks=2 * leaf))
    cut = 3 * leaf
    parts = [_impl.sum_nodes(x[:cut], 0, n), _impl.sum_nodes(x[cut:], cut, n)]
    assert float(sd._rebuild(parts, n)) == speedup.sum(x)
    assert float(sd._rebuild(parts[::-1], n)) == speedup.sum(x)
    with pytest.raises(ValueError, match="join_nodes: nodes must cover"):
        _impl.join_nodes(parts[0], n)


@pytest.mark.parametrize("chunks", [1000, 333, 5000])
def test_reductions_many_chunks_within_accuracy_rule(sync: None, chunks: int) -> None:
    rng = np.random.default_rng(4)
    # ill-conditioned: large cancelling terms plus small ones
    x = np.concatenate([rng.standard_normal(50_000) * 1e12, -rng.standard_normal(50_000) * 1e12, rng.random(20_000)])
    rng.shuffle(x)
    d = da.from_array(x, chunks=chunks)
    exact = math.fsum(x)
    got = float(sd.sum(d).compute())
    bound = 2 * EPS * math.fsum(np.abs(x)) + math.ulp(exact)
    assert abs(got - exact) <= bound
    assert abs(got - exact) <= max(abs(float(np.sum(x)) - exact), math.ulp(exact))  # never worse than numpy
    m = exact / x.size
    assert math.isclose(float(sd.mean(d).compute()), m, rel_tol=0, abs_tol=bound / x.size + math.ulp(m))
    expect = math.sqrt(math.fsum((x - m) * (x - m)) / (x.size - 1))
    assert math.isclose(float(sd.std(d, ddof=1).compute()), expect, rel_tol=1e-13)


def test_sum_nonfinite_and_empty(sync: None) -> None:
    assert math.isnan(float(sd.sum(da.from_array(np.array([1.0, np.nan, 2.0]), chunks=1)).compute()))
    assert float(sd.sum(da.from_array(np.array([1.0, np.inf]), chunks=1)).compute()) == math.inf
    assert float(sd.sum(da.zeros(0)).compute()) == 0.0


def test_monte_carlo_and_markov_bitwise_for_every_split(sync: None) -> None:
    """Each task computes its slice of the one Philox stream (speedup's slice kernels), so any
    split gives the local answer bit for bit."""
    assert sd.capabilities() == {"monte_carlo_pi": True, "markov_chains": True}
    whole = speedup.monte_carlo_pi(300_001, 7)
    for chunks in (None, 50_000, 6_999, [3, 290_000, 9_998]):
        r = sd.monte_carlo_pi(300_001, seed=7) if chunks is None else sd.monte_carlo_pi(300_001, seed=7, chunks=chunks)
        assert float(r.compute()) == whole, chunks
    local = speedup.markov_chains(P, 500, n_chains=7, start=1, seed=3)
    for chunks in (None, 3, 1):
        r = sd.markov_chains(P, 500, n_chains=7, start=1, seed=3, **({} if chunks is None else {"chunks": chunks}))
        assert np.array_equal(r.compute(), local), chunks


def test_slice_kernels_match_the_numpy_philox_reference() -> None:
    """The slice kernel itself, against docs/contract.md's stream definition through numpy."""
    from speedup import _impl

    for first, n, seed in [(0, 1, 0), (5, 1000, 3), (123_457, 4_321, 2**64 - 1)]:
        u = np.random.Generator(np.random.Philox(key=seed)).random(2 * (first + n))[2 * first :]
        x, y = u[0::2], u[1::2]
        assert _impl.monte_carlo_pi_inside(first, n, seed) == int(np.count_nonzero(x * x + y * y < 1.0))
    counts = np.zeros((2, 3), dtype=np.uint64)
    _impl.markov_chains_from(np.ascontiguousarray(P), 1, 400, 9, 5, counts)
    assert np.array_equal(counts, speedup.markov_chains(P, 400, n_chains=7, start=1, seed=9)[5:])


def test_blockwise_kernels_bitwise(sync: None) -> None:
    q = np.arange(0, 20_000, 13, dtype=np.uint64)
    assert np.array_equal(sd.sum_primes_below(da.from_array(q, chunks=97)).compute(), speedup.sum_primes_below(q))
    c = np.linspace(-2, 1, 90)[None, :] + 1j * np.linspace(-1.5, 1.5, 70)[:, None]
    assert np.array_equal(sd.mandelbrot(da.from_array(c, chunks=(8, 11)), 60).compute(), speedup.mandelbrot(c, 60))
    X = np.random.default_rng(5).standard_normal((300, 11))
    for k in ("comb_forward", "comb_backward"):
        r = getattr(sd, k)(da.from_array(X, chunks=(40, 3)), 4, 0.7)
        assert r.chunks[0] == (300,)
        assert np.array_equal(r.compute(), getattr(speedup, k)(X, 4, 0.7))
        x1 = X[:, 0]
        assert np.array_equal(getattr(sd, k)(da.from_array(x1, chunks=50), 4, 0.7).compute(), getattr(speedup, k)(x1, 4, 0.7))


# ---------------------------------------------------------------------------------------------
# A real cluster: two worker processes per backend

_clusters: Dict[str, Any] = {}


@pytest.fixture(scope="module", autouse=True)
def _close_clusters() -> Iterator[None]:
    yield
    for client, cluster in _clusters.values():
        client.close()
        cluster.close()
    _clusters.clear()


@pytest.fixture
def client(backend: str) -> Any:
    if backend not in _clusters:
        cluster = distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
            env={"SPEEDUP_BACKEND": backend},
        )
        _clusters[backend] = (distributed.Client(cluster, set_as_default=False), cluster)
    c = _clusters[backend][0]
    c.wait_for_workers(2)
    return c


def worker_pids(client: Any) -> Dict[str, int]:
    return dict(client.run(os.getpid))


def test_cluster_results_equal_local_in_two_worker_processes(client: Any, backend: str) -> None:
    pids = worker_pids(client)
    assert len(set(pids.values())) == 2 and os.getpid() not in pids.values()
    assert set(client.run(lambda: __import__("speedup").backend).values()) == {backend}
    f = grid(400, 300)
    x = np.random.default_rng(6).standard_normal(200_000)
    with distributed.get_task_stream(client) as ts:
        lap, s1, s, sdv, pi, mk = client.compute(
            [
                sd.laplacian(da.from_array(f, chunks=(50, 60)), 0.5, 0.25),
                sd.sum(da.from_array(x, chunks=-1)),
                sd.sum(da.from_array(x, chunks=8192)),
                sd.std(da.from_array(x, chunks=-1), ddof=1),
                sd.monte_carlo_pi(500_000, seed=9),
                sd.markov_chains(P, 1000, n_chains=4, seed=2),
            ],
            sync=True,
        )
    assert np.array_equal(lap, speedup.laplacian(f, 0.5, 0.25))
    assert float(s1) == speedup.sum(x)
    assert float(s) == speedup.sum(x)  # 8192-element chunks: the core's tree, bit for bit
    assert float(sdv) == speedup.std(x, ddof=1)
    assert float(pi) == speedup.monte_carlo_pi(500_000, 9)
    assert np.array_equal(mk, speedup.markov_chains(P, 1000, n_chains=4, seed=2))
    # the stencil tasks ran on both workers, i.e. in two distinct processes, not here
    stencil_workers = {t["worker"] for t in ts.data if "laplacian_block" in str(t["key"])}
    assert {pids[w] for w in stencil_workers} == set(pids.values())


def test_threads_in_workers(client: Any) -> None:
    # The nanny sets OMP_NUM_THREADS=1 (distributed.nanny.pre-spawn-environ); speedup honours it.
    assert set(client.run(lambda: os.environ.get("OMP_NUM_THREADS")).values()) == {"1"}
    assert set(sd.worker_threads(client).values()) == {1}
    assert set(sd.configure(client, threads_per_worker=2).values()) == {2}
    assert set(sd.configure(client).values()) == {1}  # back to the nanny's OMP_NUM_THREADS


def test_killed_worker_is_retried_and_result_right(client: Any, backend: str) -> None:
    if backend != "pyo3":
        pytest.skip("one kill is enough (the retry is Dask's, not the backend's)")
    f = grid(240, 200, seed=8)

    def slow(b: np.ndarray) -> np.ndarray:  # defined here: cloudpickle ships it by value
        time.sleep(0.15)
        return b

    arr = da.from_array(f, chunks=(30, 50)).map_blocks(slow, dtype=float, meta=np.empty((0, 0)))
    fut = client.compute(sd.laplacian(arr, 1.0, 2.0))
    victim = None
    deadline = time.time() + 20
    while victim is None and time.time() < deadline:
        busy = [w for w, tasks in client.processing().items() if tasks]
        if busy:
            victim = busy[0]
        time.sleep(0.05)
    assert victim is not None
    time.sleep(0.3)  # mid-computation: some blocks done, others in flight
    assert not fut.done()
    os.kill(worker_pids(client)[victim], signal.SIGKILL)
    result = fut.result(timeout=60)
    assert np.array_equal(result, speedup.laplacian(f, 1.0, 2.0))
    client.wait_for_workers(2, timeout=30)  # the nanny restarted it
