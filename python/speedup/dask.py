"""speedup.dask: the speedup kernels on Dask arrays, from a laptop to a cluster.

Every function builds a lazy Dask graph whose tasks call the ordinary ``speedup`` kernels on
NumPy blocks; compute it with any scheduler (threads, a ``distributed.LocalCluster``, a real
cluster: only the scheduler address changes). Needs the ``dask`` extra
(``pip install './python[dask]'``: ``dask[array]`` and ``distributed``).

What equals the single-machine call, bit for bit (``local`` = the same ``speedup`` function on the
whole NumPy array):

- ``laplacian``, ``second_derivative`` (``map_overlap``, depth 1): bitwise, any chunking, with
  the boundary modes of ``speedup.laplacian`` (``mode=``, ``cval=``): ``"valid"`` (the default)
  is the contract's interior, shape ``(rows-2, cols-2)`` / ``(n-2,)``; ``"reflect"``,
  ``"nearest"``, ``"wrap"`` and ``"constant"`` pad each block's outer halo as Dask's boundaries
  of the same meaning do, ``"mirror"`` pads the grid first (``dask.array.pad``, NumPy's
  ``reflect``), and the result has the input's shape, equal to ``local(f, mode=mode)``. The
  older ``boundary=`` spellings still work (``"periodic"`` is ``"wrap"``, a number is
  ``"constant"``).
- ``mandelbrot``, ``sum_primes_below`` (per block of queries), ``comb_forward`` and
  ``comb_backward`` (per column block; axis 0 is made one chunk): bitwise, any chunking.
- ``monte_carlo_pi``, ``markov_chains``: bitwise whatever ``chunks`` says: one task per slice of
  the Philox stream, computed by the core's slice kernels (``monte_carlo_pi_inside(first, n,
  seed)`` counts the points inside among points ``first .. first+n``; ``markov_chains_from``
  runs chains ``first_chain ..``), combined exactly (integer counts, then the core's
  ``monte_carlo_pi_finish``). With a library that lacks them (an old ``SPEEDUP_LIBRARY``), each
  runs as ONE task instead
  (``capabilities()`` says so; a ``RuntimeWarning`` when more were asked for). Nothing is
  emulated outside speedup.
- ``sum``, ``mean``, ``std``: bitwise equal to the local call when the array is one chunk, or
  1-D with every chunk boundary on a multiple of 1024 (the core's leaf size): each chunk then
  returns the nodes of the core's summation tree that it holds (``sum_nodes``: a sum and its
  carried error each), and one task hands them all to the core's ``join_nodes``, which joins
  them along the same tree with the same TwoSum operations (whether the chunks fit the tree is
  the core's ``sum_nodes_check``). Otherwise (N-D chunking, unaligned chunks) it is ``dask.array.reduction`` with
  ``speedup.sum`` per chunk and one fixed aggregate, ``math.fsum`` of the chunk sums (correctly
  rounded, so the result does not depend on the order or grouping Dask uses) -- NOT bitwise,
  because only each chunk's rounded ``sum + error`` leaves it. The error is then at most
  ``sum_j err(chunk_j) + 0.5 ulp(result)``, which stays within the contract's accuracy rule (never worse than ``numpy.sum``, measured against ``math.fsum``).
  ``mean`` and ``std`` end with the core's ``mean_finish`` and ``std_finish``; ``std`` is the
  contract's two-pass formula with the global mean, each pass as above.

Nothing here computes a formula of the core or repeats one of its rules: the tasks call
speedup's kernels and the core's finishing steps through the backend (``speedup._impl``); the
output shapes of the stencils come from the core's ``laplacian_shape_mode`` /
``second_derivative_len_mode``, which also validate the steps before the graph is built. Other bad
arguments (``tau``, ``alpha``, ``max_iter``, ``P``, ``seed``, ``ddof >= n``) raise the local
call's error when the graph is computed.

Threads: a Dask worker runs ``threads_per_worker`` tasks at once; each speedup call inside a
task uses speedup's own thread count, which at import honours ``SPEEDUP_NUM_THREADS`` then
``OMP_NUM_THREADS``. Dask's nanny sets ``OMP_NUM_THREADS=1`` in every worker it spawns
(``distributed.nanny.pre-spawn-environ``), so by default one task = one core, no
oversubscription. ``configure(client, threads_per_worker=n)`` sets it explicitly on every current
and future (restarted) worker.
"""

from __future__ import annotations

import builtins
import math
import numbers
import warnings
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np

import dask
import dask.array as da

import speedup as _sp
from speedup import _stencil
from speedup._docs import documented

__all__ = [
    "laplacian",
    "second_derivative",
    "sum",
    "mean",
    "std",
    "monte_carlo_pi",
    "markov_chains",
    "sum_primes_below",
    "mandelbrot",
    "comb_forward",
    "comb_backward",
    "configure",
    "worker_threads",
    "capabilities",
]

F64 = np.dtype(np.float64)

# numpy.pad mode equivalent to each Dask boundary, for the documentation and the tests.
PAD_MODES = {"periodic": "wrap", "nearest": "edge", "reflect": "symmetric"}


# ---------------------------------------------------------------------------------------------
# Helpers


def _kernel(name: str) -> Any:
    """The backend function ``name`` of the loaded speedup backend, or None when it lacks it
    (the probe for the slice kernels, which a library older than them lacks)."""
    impl = getattr(_sp, "_impl", None)
    return getattr(impl, name, None)


def _has(*names: str) -> bool:
    return all(_kernel(n) is not None for n in names)


def _scalar(fn: Any, *args: Any) -> da.Array:
    """A 0-d float64 Dask array of ``fn(*args)`` (one task; Dask arrays among ``args`` arrive
    computed)."""
    d = dask.delayed(fn, pure=True)(*args)
    return da.from_delayed(d, shape=(), dtype=F64, meta=np.empty((), dtype=F64))


def _as_dask(x: Any, dtype: Optional[np.dtype] = None) -> da.Array:
    a = x if isinstance(x, da.Array) else da.asarray(x)
    if dtype is not None and a.dtype != dtype:
        a = a.astype(dtype)
    return a


def _fix_edge_chunks(chunks: Tuple[int, ...]) -> Tuple[int, ...]:
    """Chunks of one axis such that, with depth 1 and no outer padding, every block gives at
    least one output: the first and last chunks hold >= 2 cells (interior ones >= 1)."""
    c = [int(v) for v in chunks if v > 0]
    while len(c) > 1 and c[0] < 2:
        first = c.pop(0)
        c[0] += first
    while len(c) > 1 and c[-1] < 2:
        last = c.pop()
        c[-1] += last
    return tuple(c)


def _stencil_out_chunks(chunks: Tuple[int, ...]) -> Tuple[int, ...]:
    if len(chunks) == 1:
        return (chunks[0] - 2,)
    return (chunks[0] - 1,) + tuple(chunks[1:-1]) + (chunks[-1] - 1,)


def _check_boundary(boundary: Any) -> Any:
    if boundary is None or boundary == "none":
        return "none"
    if isinstance(boundary, str):
        if boundary not in PAD_MODES:
            raise ValueError(
                "speedup.dask: boundary must be 'none', 'periodic', 'nearest', 'reflect' or a "
                f"number, got {boundary!r}"
            )
        return boundary
    if isinstance(boundary, numbers.Real):
        return float(boundary)
    raise ValueError(f"speedup.dask: boundary must be a string or a number, got {boundary!r}")


# The older ``boundary=`` spellings, as the mode names of speedup.laplacian.
_BOUNDARY_MODES = {"none": "valid", "periodic": "wrap", "nearest": "nearest", "reflect": "reflect"}
# What Dask's map_overlap pads with for each mode (``mirror`` has no Dask boundary: the grid is
# padded with ``dask.array.pad(mode="reflect")`` first, NumPy's name for it).
_DASK_BOUNDARY = {"reflect": "reflect", "nearest": "nearest", "wrap": "periodic"}


def _stencil_mode(kernel: str, mode: Any, cval: Any, boundary: Any) -> Tuple[str, float]:
    """(mode, cval) from ``mode=``/``cval=`` or the older ``boundary=`` (not both)."""
    if boundary is not None:
        if mode != "valid":
            raise ValueError(f"{kernel}: give mode= or boundary=, not both")
        b = _check_boundary(boundary)
        return ("constant", b) if isinstance(b, float) else (_BOUNDARY_MODES[b], 0.0)
    _stencil.mode_code(kernel, mode)  # the names and message of speedup.laplacian
    return mode, float(cval)


def _overlap(block_fn: Any, a: da.Array, mode: str, cval: float, meta: np.ndarray, **kw: Any) -> da.Array:
    """``block_fn`` (a valid stencil) over ``a`` with a one-cell halo padded as ``mode`` says."""
    if mode == "valid":
        a = a.rechunk(tuple(_fix_edge_chunks(c) for c in a.chunks))
        out_chunks = tuple(_stencil_out_chunks(c) for c in a.chunks)
        return da.map_overlap(block_fn, a, depth=1, boundary="none", trim=False,
                              chunks=out_chunks, dtype=a.dtype, meta=meta, **kw)
    if mode == "mirror":
        return _overlap(block_fn, da.pad(a, 1, mode="reflect"), "valid", cval, meta, **kw)
    b = cval if mode == "constant" else _DASK_BOUNDARY[mode]
    return da.map_overlap(block_fn, a, depth=1, boundary=b, trim=False,
                          chunks=a.chunks, dtype=a.dtype, meta=meta, **kw)


def _real_dask(f: Any) -> da.Array:
    """float32 stays float32 (computed in float32 by the kernels); anything else is float64."""
    a = f if isinstance(f, da.Array) else da.asarray(f)
    return a if a.dtype == np.float32 else _as_dask(a, F64)


# ---------------------------------------------------------------------------------------------
# Stencils (map_overlap, depth 1)


def _laplacian_block(block: np.ndarray, dx: float, dy: float) -> np.ndarray:
    return _sp.laplacian(block, dx, dy)


def _second_derivative_block(block: np.ndarray, dx: float) -> np.ndarray:
    return _sp.second_derivative(block, dx)


@documented
def laplacian(
    f: Any, dx: float, dy: float, mode: str = "valid", cval: float = 0.0, boundary: Any = None
) -> da.Array:
    m, cv = _stencil_mode("laplacian", mode, cval, boundary)
    a = _real_dask(f)
    if a.ndim != 2:
        raise ValueError(f"laplacian: f must be 2-D, got {a.ndim}-D")
    rows, cols = a.shape
    if _has("laplacian_shape_mode"):  # the core's shape rule, which validates f, dx and dy
        _kernel("laplacian_shape_mode")(rows, cols, float(dx), float(dy), _stencil.mode_code("laplacian", m))
    meta = np.empty((0, 0), dtype=a.dtype)
    return _overlap(_laplacian_block, a, m, cv, meta, dx=dx, dy=dy)


@documented
def second_derivative(
    f: Any, dx: float, mode: str = "valid", cval: float = 0.0, boundary: Any = None
) -> da.Array:
    m, cv = _stencil_mode("second_derivative", mode, cval, boundary)
    a = _real_dask(f)
    if a.ndim != 1:
        raise ValueError(f"second_derivative: f must be 1-D, got {a.ndim}-D")
    if _has("second_derivative_len_mode"):  # the core's shape rule, which validates f and dx
        _kernel("second_derivative_len_mode")(a.shape[0], float(dx), _stencil.mode_code("second_derivative", m))
    meta = np.empty((0,), dtype=a.dtype)
    return _overlap(_second_derivative_block, a, m, cv, meta, dx=dx)


# ---------------------------------------------------------------------------------------------
# Reductions: speedup.sum per chunk, math.fsum of the chunk sums in one aggregate


def _sum_chunk(x: np.ndarray, axis: Any = None, keepdims: bool = True) -> np.ndarray:
    return np.full((1,) * x.ndim, _sp.sum(x), dtype=F64)


def _leaves(x: Any) -> List[float]:
    """The chunk sums handed to the aggregate (nested lists of blocks, concatenate=False)."""
    if isinstance(x, list):
        return [v for item in x for v in _leaves(item)]
    return [float(v) for v in np.asarray(x).ravel()]


def _fsum_aggregate(x: Any, axis: Any = None, keepdims: bool = False) -> np.ndarray:
    vals = _leaves(x)
    if all(math.isfinite(v) for v in vals):
        # correctly rounded: independent of order and grouping (never NaN)
        return np.array(math.fsum(vals), dtype=F64)
    # inf/NaN propagate as in the core, which also gives its canonical NaN (fsum would raise on
    # inf - inf); the finite values do not change a non-finite sum
    return np.array(_sp.sum(np.array(vals, dtype=F64)), dtype=F64)


def _offsets(a: da.Array) -> List[int]:
    return np.concatenate([[0], np.cumsum(a.chunks[0])[:-1]]).astype(int).tolist()


def _tree_aligned(a: da.Array) -> bool:
    """True when the core can hand out the pieces of its summation tree per chunk: a 1-D array
    of several chunks, each of which the core's ``sum_nodes_check`` accepts as a part."""
    if a.ndim != 1 or a.numblocks[0] < 2 or not _has("sum_nodes", "sum_nodes_check", "join_nodes"):
        return False
    check, n = _kernel("sum_nodes_check"), int(a.shape[0])
    try:
        for off, size in zip(_offsets(a), a.chunks[0]):
            check(int(size), off, n)
    except ValueError:
        return False
    return True


def _chunk_nodes(block: np.ndarray, offset: int, n_total: int) -> List[Any]:
    # Blocks unpickled on a worker may sit at any byte offset: ask for an aligned C copy if so.
    x = np.require(block, dtype=F64, requirements=["C_CONTIGUOUS", "ALIGNED"]).ravel()
    return list(_kernel("sum_nodes")(x, offset, n_total))


def _rebuild(parts: Sequence[Sequence[Any]], n_total: int) -> np.ndarray:
    """The whole sum from the tree nodes of every chunk: the core's ``join_nodes``."""
    nodes = [tuple(nd) for part in parts for nd in part]
    return np.array(_kernel("join_nodes")(nodes, n_total), dtype=F64)


def _total(a: da.Array) -> da.Array:
    if _tree_aligned(a):  # bitwise the local speedup.sum
        n = int(a.shape[0])
        blocks = a.to_delayed().ravel().tolist()
        parts = [dask.delayed(_chunk_nodes, pure=True)(b, off, n) for b, off in zip(blocks, _offsets(a))]
        return _scalar(_rebuild, parts, n)
    every = {i: max(1, a.numblocks[i]) for i in range(a.ndim)}  # one aggregate: a fixed tree
    return da.reduction(
        a, chunk=_sum_chunk, aggregate=_fsum_aggregate, axis=None, keepdims=False,
        dtype=F64, split_every=every, concatenate=False, meta=np.empty((), dtype=F64),
    )


@documented
def sum(x: Any) -> da.Array:
    a = _as_dask(x, F64)
    if a.size == 0:
        return da.from_array(np.array(0.0))
    return _total(a)


def _finish(name: str, total: Any, *args: int) -> float:
    return float(_kernel(name)(float(total), *args))


@documented
def mean(x: Any) -> da.Array:
    a = _as_dask(x, F64)
    return _scalar(_finish, "mean_finish", _total(a), int(a.size))


@documented
def std(x: Any, ddof: int = 0) -> da.Array:
    a = _as_dask(x, F64)
    n = int(a.size)
    if isinstance(ddof, bool) or not isinstance(ddof, numbers.Integral) or ddof < 0:
        raise ValueError(f"std: ddof must be an integer >= 0, got {ddof!r}")
    m = _scalar(_finish, "mean_finish", _total(a), n)
    d = a - m
    ss = _total(d * d)  # (v - m) * (v - m): the same IEEE operations as the core's pass
    return _scalar(_finish, "std_finish", ss, n, int(ddof))


# ---------------------------------------------------------------------------------------------
# Monte Carlo on the Philox stream


def _split(total: int, chunks: Any) -> List[int]:
    if chunks is None:
        return [total]
    if isinstance(chunks, numbers.Integral):
        size = int(chunks)
        if size < 1:
            raise ValueError(f"chunks must be >= 1, got {chunks}")
        return [min(size, total - s) for s in range(0, total, size)]
    sizes = [int(c) for c in chunks]
    if builtins.sum(sizes) != total or any(c < 1 for c in sizes):
        raise ValueError(f"chunks must be positive and add up to {total}, got {sizes}")
    return sizes


def _pi_inside(first: int, n: int, seed: int) -> int:
    return int(_kernel("monte_carlo_pi_inside")(first, n, seed))


def _pi_from_inside(counts: Sequence[int], n_points: int) -> float:
    inside = builtins.sum(int(c) for c in counts)  # integers: exact in any order
    return float(_kernel("monte_carlo_pi_finish")(inside, n_points))


def _pi_whole(n_points: int, seed: int) -> float:
    return _sp.monte_carlo_pi(n_points, seed)


def _one_task_warning(name: str, missing: str, tasks: int) -> None:
    warnings.warn(
        f"speedup.dask.{name}: {tasks} tasks were asked for, but this speedup core has no "
        f"slice kernel ({missing}); the whole computation runs as ONE task (same bits, no "
        "scale-out). See speedup.dask.capabilities().",
        RuntimeWarning,
        stacklevel=3,
    )


@documented
def monte_carlo_pi(n_points: int, seed: int = 0, chunks: Any = None) -> da.Array:
    if isinstance(n_points, bool) or not isinstance(n_points, numbers.Integral) or n_points < 1:
        raise ValueError(f"monte_carlo_pi: n_points must be an integer >= 1, got {n_points!r}")
    n_points, seed = int(n_points), int(seed)
    sizes = _split(n_points, chunks)
    meta = np.empty((), dtype=F64)
    if not _has("monte_carlo_pi_inside", "monte_carlo_pi_finish") or len(sizes) == 1:
        if len(sizes) > 1:
            _one_task_warning("monte_carlo_pi", "monte_carlo_pi_inside", len(sizes))
        d = dask.delayed(_pi_whole, pure=True)(n_points, seed)
        return da.from_delayed(d, shape=(), dtype=F64, meta=meta)
    firsts = np.concatenate([[0], np.cumsum(sizes[:-1])]).astype(int).tolist()
    counts = [dask.delayed(_pi_inside, pure=True)(f, n, seed) for f, n in zip(firsts, sizes)]
    d = dask.delayed(_pi_from_inside, pure=True)(counts, n_points)
    return da.from_delayed(d, shape=(), dtype=F64, meta=meta)


def _chains_block(P: np.ndarray, n_steps: int, first: int, n: int, start: int, seed: int) -> np.ndarray:
    fn = _kernel("markov_chains_from")
    counts = np.zeros((n, P.shape[0]), dtype=np.uint64)
    fn(np.ascontiguousarray(P, dtype=F64), start, n_steps, seed, first, counts)
    return counts


def _chains_whole(P: np.ndarray, n_steps: int, n_chains: int, start: int, seed: int) -> np.ndarray:
    return _sp.markov_chains(P, n_steps, n_chains=n_chains, start=start, seed=seed)


@documented
def markov_chains(
    P: Any, n_steps: int, *, n_chains: int = 1, start: int = 0, seed: int = 0, chunks: Any = None
) -> da.Array:
    Pa = np.asarray(P, dtype=F64)
    k = Pa.shape[-1] if Pa.ndim else 0  # a bad P, start or seed raises when computed
    n_chains = int(n_chains)
    if n_chains < 0:
        raise ValueError(f"markov_chains: n_chains must be >= 0, got {n_chains}")
    meta = np.empty((0, 0), dtype=np.uint64)
    if n_chains == 0:
        return da.zeros((0, k), dtype=np.uint64)
    sizes = _split(n_chains, chunks)
    if _kernel("markov_chains_from") is None or len(sizes) == 1:
        if len(sizes) > 1:
            _one_task_warning("markov_chains", "markov_chains_from", len(sizes))
        d = dask.delayed(_chains_whole, pure=True)(Pa, int(n_steps), n_chains, int(start), int(seed))
        return da.from_delayed(d, shape=(n_chains, k), dtype=np.uint64, meta=meta)
    blocks = []
    first = 0
    for n in sizes:
        d = dask.delayed(_chains_block, pure=True)(Pa, int(n_steps), first, n, int(start), int(seed))
        blocks.append(da.from_delayed(d, shape=(n, k), dtype=np.uint64, meta=meta))
        first += n
    return da.concatenate(blocks, axis=0)


# ---------------------------------------------------------------------------------------------
# Elementwise and per-column kernels (map_blocks)


def _primes_block(q: np.ndarray) -> np.ndarray:
    return np.asarray(_sp.sum_primes_below(q), dtype=np.uint64).reshape(q.shape)


@documented
def sum_primes_below(n: Any) -> da.Array:
    q = _as_dask(n)
    return q.map_blocks(_primes_block, dtype=np.uint64, meta=np.empty((0,) * q.ndim, dtype=np.uint64))


def _mandelbrot_block(c: np.ndarray, max_iter: int) -> np.ndarray:
    return _sp.mandelbrot(c, max_iter)


@documented
def mandelbrot(c: Any, max_iter: int = 20) -> da.Array:
    # complex64 stays complex64 (iterated in float32, as the local call does); the rest is
    # complex128. A bad max_iter raises when computed.
    a = _as_dask(c)
    a = a if a.dtype == np.complex64 else _as_dask(a, np.dtype(np.complex128))
    return a.map_blocks(
        _mandelbrot_block, max_iter, dtype=np.int32, meta=np.empty((0,) * a.ndim, dtype=np.int32)
    )


def _comb_block(x: np.ndarray, kernel: str, tau: int, alpha: float) -> np.ndarray:
    return getattr(_sp, kernel)(x, tau, alpha)


def _comb(kernel: str, x: Any, tau: int, alpha: float) -> da.Array:
    a = _as_dask(x, F64)
    if a.ndim not in (1, 2):
        raise ValueError(f"{kernel}: x must be 1-D or 2-D (n, k), got {a.ndim}-D")
    a = a.rechunk({0: -1})  # the filter runs along axis 0: only columns may be split
    return a.map_blocks(
        _comb_block, kernel, tau, alpha, dtype=F64, meta=np.empty((0,) * a.ndim, dtype=F64)
    )


@documented
def comb_forward(x: Any, tau: int, alpha: float) -> da.Array:
    return _comb("comb_forward", x, tau, alpha)


@documented
def comb_backward(x: Any, tau: int, alpha: float) -> da.Array:
    return _comb("comb_backward", x, tau, alpha)


# ---------------------------------------------------------------------------------------------
# Threads in workers


try:
    from distributed import WorkerPlugin as _WorkerPlugin
except ImportError:  # pragma: no cover - distributed is part of the dask extra
    _WorkerPlugin = object  # type: ignore[misc,assignment]


class SpeedupThreads(_WorkerPlugin):  # type: ignore[misc,valid-type]
    """A distributed WorkerPlugin: sets speedup's thread count in each worker when it starts
    (also workers restarted by their nanny). ``n = 0`` restores speedup's default
    (``SPEEDUP_NUM_THREADS``, else ``OMP_NUM_THREADS`` from the nanny, else the CPUs)."""

    name = "speedup-threads"

    def __init__(self, n: int) -> None:
        self.n = int(n)

    def setup(self, worker: Any) -> None:
        import speedup

        speedup.set_num_threads(self.n)

    def teardown(self, worker: Any) -> None:
        pass


def _get_threads() -> int:
    import speedup

    return speedup.get_num_threads()


@documented
def configure(client: Any, threads_per_worker: Optional[int] = None) -> Dict[str, int]:
    n = 0 if threads_per_worker is None else int(threads_per_worker)
    if n < 0:
        raise ValueError(f"threads_per_worker must be >= 1 (or None), got {threads_per_worker}")
    client.register_plugin(SpeedupThreads(n), name=SpeedupThreads.name)
    return dict(client.run(_get_threads))


@documented
def worker_threads(client: Any) -> Dict[str, int]:
    return dict(client.run(_get_threads))


@documented
def capabilities() -> Dict[str, bool]:
    return {
        "monte_carlo_pi": _has("monte_carlo_pi_inside", "monte_carlo_pi_finish"),
        "markov_chains": _kernel("markov_chains_from") is not None,
    }
