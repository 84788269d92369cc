"""speedup under threadpoolctl: threadpool_info() lists speedup's pool next to OpenBLAS/MKL/OpenMP,
and threadpool_limits() caps it with the others, e.g. inside a process pool or a scikit-learn
job that already uses every core.

    pip install threadpoolctl
    python examples/python/threadpoolctl_limits.py
"""

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

import speedup

for pool in threadpool_info():
    print(f"{pool['user_api']:>8}: {pool['num_threads']} threads  ({pool['filepath']})")

x = np.linspace(0.0, 1.0, 1_000_001)
before = speedup.get_num_threads()
with threadpool_limits(limits=1):  # every pool, speedup included
    print("inside threadpool_limits(limits=1): speedup uses", speedup.get_num_threads(), "thread")
    capped = speedup.std(x)
with threadpool_limits(limits=1, user_api="speedup"):  # only speedup's pool
    assert speedup.get_num_threads() == 1
print("after: speedup uses", speedup.get_num_threads(), "threads again")
assert speedup.get_num_threads() == before
assert capped == speedup.std(x), "same bits at 1 thread and at the default"
