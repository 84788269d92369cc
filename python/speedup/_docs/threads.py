"""The docstrings of threads and configuration, in ``speedup`` and ``speedup.dask``."""

from __future__ import annotations

from typing import Dict

DOCS: Dict[str, str] = {}

# The errors of a thread count n (set_num_threads, threads).
_RAISES_N = """    Raises
    ------
    ValueError
        When ``n`` is negative or above 1024.
    TypeError
        When ``n`` is not an integer.
    OverflowError
        When ``n`` is above ``2**64 - 1``.
"""

DOCS["speedup.set_num_threads"] = f"""Set speedup's thread count for every later call.

    Parameters
    ----------
    n : int
        Threads, ``1 .. 1024``; ``0`` restores the default (``SPEEDUP_NUM_THREADS``, else
        ``OMP_NUM_THREADS``, else the CPUs this process may use).

{_RAISES_N}
    See Also
    --------
    get_num_threads, threads

    Notes
    -----
    One knob for the Rust kernels and the legacy OpenMP routines; the thread count never
    changes a result. See ``docs/contract.md``, section "Threads".

    Examples
    --------
    >>> import speedup
    >>> before = speedup.get_num_threads()
    >>> speedup.set_num_threads(2)
    >>> speedup.get_num_threads()
    2
    >>> speedup.set_num_threads(before)
    """

DOCS["speedup.get_num_threads"] = """The thread count the next call will use.

    Returns
    -------
    int
        The current thread count, ``1 .. 1024``.

    See Also
    --------
    set_num_threads, threads

    Notes
    -----
    The default is read when the library is loaded: ``SPEEDUP_NUM_THREADS``, else
    ``OMP_NUM_THREADS``, else the CPUs this process may use. See ``docs/contract.md``,
    section "Threads".

    Examples
    --------
    >>> import speedup
    >>> with speedup.threads(3):
    ...     speedup.get_num_threads()
    3
    """

DOCS["speedup.threads"] = f"""Context manager: run a block at ``n`` threads, then restore the previous count.

    Parameters
    ----------
    n : int
        Threads for the block, ``1 .. 1024`` (``0``: the default), as for
        :func:`set_num_threads`.

    Returns
    -------
    contextlib.AbstractContextManager
        A context manager that sets the count on entry and restores the previous one on exit,
        also when the block raises.

{_RAISES_N}
    See Also
    --------
    set_num_threads, get_num_threads

    Notes
    -----
    The thread count never changes a result. See ``docs/contract.md``, section "Threads".

    Examples
    --------
    >>> import speedup
    >>> before = speedup.get_num_threads()
    >>> with speedup.threads(1):
    ...     speedup.get_num_threads()
    1
    >>> speedup.get_num_threads() == before
    True
    """

DOCS["speedup.config"] = """Return this installation's configuration as a dict.

    Returns
    -------
    dict
        ``backend`` and ``library`` (the file of the loaded extension or C library), then the
        keys of the library's own report, in its order: ``version``, ``target``, ``profile``,
        ``opt_level``, ``debug_assertions``, ``cpus``, ``threads``, ``threads_source``
        (``SPEEDUP_NUM_THREADS``, ``OMP_NUM_THREADS``, ``cpus`` or ``set_num_threads``),
        ``cpu_features``, ``simd_limit`` (``none``, or ``avx2 (SPEEDUP_SIMD)`` /
        ``baseline (SPEEDUP_SIMD)``), ``simd.<family>``, ``calibration``, ``cutoff.<kernel>`` (each
        kernel's serial/parallel cut-off and its source, e.g. ``"176843 (calibrated)"``),
        ``legacy`` and ``openmp``. ``cpus`` and
        ``threads`` are ints (``threads == get_num_threads()``); every other value is a string.

    See Also
    --------
    show_config : Print it.

    Notes
    -----
    The library's report is ``speedup_config`` in C; ``docs/config.md`` describes every key.

    Examples
    --------
    >>> import speedup
    >>> cfg = speedup.config()
    >>> cfg["backend"] == speedup.backend, cfg["version"] == speedup.__version__
    (True, True)
    >>> cfg["threads"] == speedup.get_num_threads()
    True
    """

DOCS["speedup.show_config"] = """Print this installation's configuration, one ``key: value`` per line.

    Prints :func:`config` (like ``numpy.show_config()``; it is what ``speedup info`` prints).
    Include it in a bug report.

    See Also
    --------
    config : The same as a dict.

    Notes
    -----
    ``docs/config.md`` describes every key.

    Examples
    --------
    >>> import speedup
    >>> with speedup.threads(1):
    ...     speedup.show_config()  # doctest: +ELLIPSIS
    backend: ...
    library: ...
    version: ...
    threads: 1
    ...
    """

DOCS["speedup.dask.configure"] = """Set speedup's thread count in every worker of a ``distributed`` client.

    Parameters
    ----------
    client : distributed.Client
        The client whose workers to configure.
    threads_per_worker : int, optional
        The speedup thread count per call in each worker; choose ``cores_per_worker //
        dask_threads_per_worker`` so that a worker neither oversubscribes nor idles. ``None``
        (the default) keeps speedup's default, i.e. the ``OMP_NUM_THREADS`` the nanny set (1 by
        default).

    Returns
    -------
    dict of str to int
        ``{worker address: speedup thread count}``.

    Raises
    ------
    ValueError
        When ``threads_per_worker`` is negative.

    See Also
    --------
    worker_threads, speedup.set_num_threads

    Notes
    -----
    Registered as a worker plugin (``SpeedupThreads``), so workers restarted by their nanny get
    it too. The thread count never changes a result (``docs/contract.md``, section "Threads").

    Examples
    --------
    >>> import speedup, speedup.dask
    >>> from distributed import Client
    >>> before = speedup.get_num_threads()
    >>> client = Client(processes=False, n_workers=1, threads_per_worker=1, dashboard_address=None)
    >>> list(speedup.dask.configure(client, threads_per_worker=2).values())
    [2]
    >>> client.close()
    >>> speedup.set_num_threads(before)  # the worker above ran in this process
    """

DOCS["speedup.dask.worker_threads"] = """Ask every worker of a ``distributed`` client for its speedup thread count.

    Parameters
    ----------
    client : distributed.Client
        The client whose workers to ask.

    Returns
    -------
    dict of str to int
        ``{worker address: speedup.get_num_threads()}``.

    See Also
    --------
    configure

    Notes
    -----
    Runs ``speedup.get_num_threads()`` in each worker (``client.run``). See
    ``docs/contract.md``, section "Threads".

    Examples
    --------
    >>> import speedup, speedup.dask
    >>> from distributed import Client
    >>> client = Client(processes=False, n_workers=1, threads_per_worker=1, dashboard_address=None)
    >>> list(speedup.dask.worker_threads(client).values()) == [speedup.get_num_threads()]
    True
    >>> client.close()
    """

DOCS["speedup.dask.capabilities"] = """Which functions scale out to several tasks with this speedup core.

    Returns
    -------
    dict of str to bool
        ``{"monte_carlo_pi": ..., "markov_chains": ...}``: ``True`` where the core has the
        slice kernel the function needs (``monte_carlo_pi_inside`` and
        ``monte_carlo_pi_finish``; ``markov_chains_from``). The stencils, reductions and
        per-block kernels always scale out.

    See Also
    --------
    monte_carlo_pi, markov_chains

    Notes
    -----
    Without a slice kernel the function still gives the same bits, computed in one task. See
    ``docs/contract.md``, section "Conveniences of the front doors".

    Examples
    --------
    >>> import speedup.dask
    >>> speedup.dask.capabilities()
    {'monte_carlo_pi': True, 'markov_chains': True}
    """
