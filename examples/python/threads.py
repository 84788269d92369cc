"""speedup's one thread knob: set_num_threads(n), get_num_threads() and the speedup.threads(n)
context manager. The thread count changes the speed, never the bits of a result.

    python examples/python/threads.py
    SPEEDUP_NUM_THREADS=1 python examples/python/threads.py   # the default, from the environment
"""

import time

import numpy as np

import speedup

print("default thread count:", speedup.get_num_threads())

x = np.random.default_rng(0).standard_normal(20_000_000)


def timed(label: str) -> float:
    t0 = time.perf_counter()
    s = speedup.sum(x)
    print(f"{label:>22}: sum = {s!r:<22} {1e3 * (time.perf_counter() - t0):7.1f} ms")
    return s


with speedup.threads(1):  # for this block only; restored afterwards, also on error
    one = timed("1 thread")
speedup.set_num_threads(2)  # for every later call (0 restores the default)
two = timed("2 threads")
speedup.set_num_threads(0)
default = timed(f"{speedup.get_num_threads()} threads (default)")
assert one == two == default, "the thread count never changes the bits"
print("same bits at every thread count:", one == two == default)
