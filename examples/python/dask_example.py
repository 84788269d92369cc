"""speedup.dask: the same kernels on chunked Dask arrays. The results equal the NumPy calls bit
for bit (sum needs 1-D chunks on multiples of 1024; the stencils and monte_carlo_pi any chunks).

    pip install './python[dask]'          # dask[array] and distributed
    python examples/python/dask_example.py                   # the synchronous scheduler
    python examples/python/dask_example.py --local-cluster   # a distributed.LocalCluster
"""

import sys
from typing import Any

import dask
import dask.array as da
import numpy as np

import speedup
import speedup.dask as sd


def main() -> None:
    # Data made by Dask in chunks (from_array on NumPy data works too, for small arrays).
    dx = da.random.default_rng(1).standard_normal(1_000_000, chunks=256 * 1024)  # multiples of 1024
    df = da.random.default_rng(2).standard_normal((1000, 1200), chunks=(250, 300))
    x, f = dask.compute(dx, df, scheduler="synchronous")  # the same data as NumPy arrays

    lazy = {
        "sum": sd.sum(dx),
        "std(ddof=1)": sd.std(dx, ddof=1),
        "laplacian": sd.laplacian(df, 0.1, 0.2),  # map_overlap with a halo of 1
        "monte_carlo_pi": sd.monte_carlo_pi(10_000_000, seed=42, chunks=1_000_000),  # 10 tasks
    }
    local: dict[str, Any] = {
        "sum": speedup.sum(x),
        "std(ddof=1)": speedup.std(x, ddof=1),
        "laplacian": speedup.laplacian(f, 0.1, 0.2),
        "monte_carlo_pi": speedup.monte_carlo_pi(10_000_000, seed=42),
    }

    if "--local-cluster" in sys.argv:
        from dask.distributed import Client, LocalCluster

        # Worker processes; each task's speedup call gets 1 thread (2 workers x 1 task x 1).
        with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=":0") as cluster, \
                Client(cluster) as client:
            print("speedup threads per worker:", sd.configure(client, threads_per_worker=1))
            results = dict(zip(lazy, dask.compute(*lazy.values())))
    else:
        results = dict(zip(lazy, dask.compute(*lazy.values(), scheduler="synchronous")))

    for name, value in results.items():
        same = np.array_equal(value, local[name])
        shown = f"array {value.shape}" if np.ndim(value) else repr(float(value))
        print(f"{name:>15}: {shown:<24} same bits as the NumPy call: {same}")
        assert same, name


if __name__ == "__main__":  # needed: the cluster's worker processes import this file
    main()
