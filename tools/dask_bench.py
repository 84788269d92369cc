"""Local speedup vs speedup.dask on a 2-worker LocalCluster (threads_per_worker=1, processes).

    .venv/bin/python tools/dask_bench.py [--n 4000] [--points 100000000] [--repeat 3]

Prints the best of --repeat wall times (seconds) for:
  laplacian  local          speedup.laplacian on the NumPy grid (speedup's default threads)
             cluster e2e    from_array on the client -> workers -> result gathered back
             cluster resident  grid already persisted on the workers, result kept there
  monte_carlo_pi local / cluster (two tasks, one slice of the Philox stream each)
and checks that every cluster result equals the local one bitwise.
"""

from __future__ import annotations

import argparse
import os

import numpy as np


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=4000)
    ap.add_argument("--points", type=int, default=100_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--chunks", type=int, default=1000)
    a = ap.parse_args()

    import dask.array as da
    import distributed

    import speedup
    import speedup.dask as sd
    from speedup.bench.race import best_time

    f = np.random.default_rng(0).standard_normal((a.n, a.n))
    print(f"speedup {speedup.__version__} backend {speedup.backend}; {os.cpu_count()} CPUs; "
          f"local threads {speedup.get_num_threads()}")
    ref = speedup.laplacian(f, 0.5, 0.25)
    t_local = best_time(lambda: speedup.laplacian(f, 0.5, 0.25), a.repeat, warm=False)
    pi_ref = speedup.monte_carlo_pi(a.points, 1)
    t_pi_local = best_time(lambda: speedup.monte_carlo_pi(a.points, 1), a.repeat, warm=False)

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0") as cluster, distributed.Client(cluster) as client:
        print("worker speedup threads:", sd.worker_threads(client))
        d = da.from_array(f, chunks=(a.chunks, a.chunks))
        out = sd.laplacian(d, 0.5, 0.25).compute()
        assert np.array_equal(out, ref)
        t_e2e = best_time(
            lambda: sd.laplacian(da.from_array(f, chunks=(a.chunks, a.chunks)), 0.5, 0.25).compute(),
            a.repeat, warm=False,
        )

        resident = client.persist(d)
        distributed.wait(resident)

        k = [0]

        def run_resident() -> None:  # a new dy each run: new keys, no result reused from the last run
            k[0] += 1
            r = client.persist(sd.laplacian(resident, 0.5, 0.25 + k[0] * 1e-9))
            distributed.wait(r)
            del r

        t_res = best_time(run_resident, a.repeat, warm=False)
        half = -(-a.points // 2)
        assert float(sd.monte_carlo_pi(a.points, 1, chunks=half).compute()) == pi_ref
        seeds = iter(range(100, 100 + a.repeat))  # new keys each run (no cached result)
        t_pi = best_time(
            lambda: sd.monte_carlo_pi(a.points, next(seeds), chunks=half).compute(), a.repeat, warm=False
        )

    mb = f.nbytes / 2**20
    print(f"laplacian {a.n}x{a.n} ({mb:.0f} MiB), chunks {a.chunks}x{a.chunks}: bitwise equal")
    print(f"  local             {t_local:8.3f} s")
    print(f"  cluster e2e       {t_e2e:8.3f} s  ({t_e2e / t_local:5.1f}x local)")
    print(f"  cluster resident  {t_res:8.3f} s  ({t_res / t_local:5.1f}x local)")
    print(f"monte_carlo_pi {a.points} points, two tasks: bitwise equal")
    print(f"  local             {t_pi_local:8.3f} s")
    print(f"  cluster           {t_pi:8.3f} s  ({t_pi / t_pi_local:5.1f}x local)")


if __name__ == "__main__":
    main()
