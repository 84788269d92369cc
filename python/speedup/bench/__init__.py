"""``speedup bench``: the race of speedup against its rivals, run on your own machine.

For every workload of the contract (``docs/contract.md``) at the seed sizes it times plain Python
(at a reduced size, scaled), NumPy, Numba (serial and parallel), the legacy C/Fortran OpenMP
routines and speedup on 1 and all threads, through PyO3 and through ctypes; it checks every answer
against speedup's (same bits, within the contract's bound, or statistically for other random
streams), evaluates the speed targets from the run's own ratios, and writes ``results.json``,
``results.md`` and PNG plots (bar charts, scaling curve, serial/parallel size sweep).

Run it as ``speedup bench`` or ``python -m speedup bench`` (``--help`` for the options). Numba,
matplotlib and rich are optional (``pip install 'speedup-kernels[bench]'``); without them the bench
says what it skips. This package is a command, not a library API.
"""
