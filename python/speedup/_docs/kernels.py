"""The docstrings of the other kernels (primes, the random streams, closest pair, Mandelbrot,
parallel_map), in ``speedup`` and ``speedup.dask``."""

from __future__ import annotations

from typing import Dict

DOCS: Dict[str, str] = {}

# Parameters shared by the random-stream kernels and their speedup.dask versions.
_SEED = """    seed : int, optional
        The Philox key's first word, ``0 .. 2**64 - 1``.
"""
_CHAINS = """    n_chains : int, optional
        How many chains to run, at least 0.
    start : int, optional
        The state every chain starts in, ``0 <= start < k``.
""" + _SEED


def _chunks(per_task: str, total: str) -> str:
    """The ``chunks`` parameter of a speedup.dask function split over slices of a stream."""
    return f"""    chunks : int or sequence of int, optional
        {per_task} per task (an int), or the sizes of the tasks' slices (adding up to
        ``{total}``). ``None`` (the default): one task.
"""


# The first error of the prime queries (is_prime, sum_primes_below).
_RAISES_QUERIES = """    Raises
    ------
    TypeError
        When ``n`` is a float or holds non-integers.
"""

DOCS["speedup.is_prime"] = f"""Test integers in ``0 .. 2**64 - 1`` for primality, exactly.

    Parameters
    ----------
    n : int or array_like of int
        One non-negative integer, or an array (or nested list) of them.

    Returns
    -------
    bool or numpy.ndarray
        ``bool`` for a scalar ``n``; a bool array of the shape of ``n`` for an array.

{_RAISES_QUERIES}    ValueError
        When ``n`` is negative.
    OverflowError
        When ``n`` is above ``2**64 - 1``.
    MemoryError
        When the result array cannot be allocated.

    See Also
    --------
    sum_primes_below

    Notes
    -----
    A deterministic Miller-Rabin test after trial division, exact for every 64-bit value;
    ``0`` and ``1`` are not prime. See ``docs/contract.md``, section "is_prime,
    sum_primes_below".

    Examples
    --------
    >>> import speedup
    >>> speedup.is_prime(2**61 - 1)
    True
    >>> speedup.is_prime([0, 1, 2, 9]).tolist()
    [False, False, True, False]
    """

DOCS["speedup.sum_primes_below"] = f"""Sum of all primes below ``n``.

    Parameters
    ----------
    n : int or array_like of int
        One non-negative integer, or an array (or nested list) of them: one query each.

    Returns
    -------
    int or numpy.ndarray
        ``int`` for a scalar ``n``; a uint64 array of the shape of ``n`` for an array.

{_RAISES_QUERIES}    ValueError
        When ``n`` is negative, or a scalar ``n`` is above ``10**16`` (the recursion would
        need gigabytes and minutes; the message names ``n``).
    OverflowError
        When ``n`` is above ``2**64 - 1``, or, for an array, a sum does not fit in uint64
        (never a wrapped value).
    MemoryError
        When working memory or the result cannot be allocated.
    KeyboardInterrupt
        When Ctrl-C stops a long call; nothing is written.

    See Also
    --------
    is_prime

    Notes
    -----
    The sum of all primes ``p < n``, exact. A scalar gives a Python ``int`` for every ``n`` up
    to ``10**16``: past ``n = 29505444491`` the sum exceeds uint64 and comes from the 128-bit
    kernel (``speedup_sum_primes_below_u128`` in C). An array of queries gives uint64 sums,
    answered from one sieve up to its largest query. See ``docs/contract.md``, section "is_prime,
    sum_primes_below".

    Examples
    --------
    >>> import speedup
    >>> speedup.sum_primes_below(10)
    17
    >>> speedup.sum_primes_below([2, 3, 10]).tolist()
    [0, 2, 17]
    >>> speedup.sum_primes_below(10**12)
    18435588552550705911377
    """

DOCS["speedup.monte_carlo_pi"] = """Estimate pi from points drawn uniformly in the unit square.

    Parameters
    ----------
    n_points : int
        How many points to draw, at least 1.
    seed : int, optional
        The Philox key's first word, ``0 .. 2**64 - 1``. The same seed gives the same bits on
        every backend and at every thread count.

    Returns
    -------
    float
        ``4.0 * inside / n_points``.

    Raises
    ------
    ValueError
        When ``n_points < 1`` or ``seed`` is negative.
    TypeError
        When ``n_points`` or ``seed`` is not an integer.
    OverflowError
        When ``n_points`` or ``seed`` is above ``2**64 - 1``.
    KeyboardInterrupt
        When Ctrl-C stops a long call.

    See Also
    --------
    markov_chains : The other kernel on the same random stream.
    speedup.dask.monte_carlo_pi : The same split over Dask tasks, bitwise.

    Notes
    -----
    Point ``i`` is ``(u[2i], u[2i+1])`` of the Philox4x64-10 stream with key ``(seed, 0)``
    (numpy's ``Philox(key=seed)``); it is inside when ``x*x + y*y < 1.0``. See
    ``docs/contract.md``, section "monte_carlo_pi".

    Examples
    --------
    >>> import speedup
    >>> speedup.monte_carlo_pi(1000, seed=42)
    3.16
    >>> round(speedup.monte_carlo_pi(10**6, seed=1), 2)
    3.14
    """

DOCS["speedup.markov_chains"] = f"""Visit counts of independent Markov chains over a row-stochastic matrix.

    Parameters
    ----------
    P : array_like
        Square ``(k, k)`` transition matrix: ``P[s, j]`` is the probability of moving from
        state ``s`` to state ``j``; entries non-negative, each row summing to 1 within 1e-9.
    n_steps : int
        Steps per chain, at least 0.
{_CHAINS}
    Returns
    -------
    numpy.ndarray
        A uint64 array of shape ``(n_chains, k)``: ``counts[c, s]`` is how often chain ``c``
        entered state ``s``; each row sums to ``n_steps``.

    Raises
    ------
    ValueError
        When ``P`` is empty, not square, has a negative or non-finite entry or a row sum off
        by more than 1e-9, or ``start``, ``n_steps``, ``n_chains`` or ``seed`` is out of range.
    TypeError
        When ``P`` is not real numbers, or an integer argument is not an integer.
    OverflowError
        When an integer argument is above ``2**64 - 1``.
    MemoryError
        When the counts cannot be allocated.
    KeyboardInterrupt
        When Ctrl-C stops a long call.

    See Also
    --------
    monte_carlo_pi
    speedup.dask.markov_chains : The chains split over Dask tasks, bitwise.

    Notes
    -----
    Chain ``c`` draws from the Philox stream with key ``(seed, c)``; step ``t`` takes ``u[t]``
    and moves from ``s`` to the first ``j`` with ``u < cumsum(P[s])[j]`` (``k-1`` if none).
    See ``docs/contract.md``, section "markov_chains".

    Examples
    --------
    >>> import speedup
    >>> P = [[0.9, 0.1], [0.5, 0.5]]
    >>> speedup.markov_chains(P, 100, n_chains=2, seed=7).tolist()
    [[95, 5], [84, 16]]
    >>> speedup.markov_chains(P, 100, n_chains=3).sum(axis=1).tolist()
    [100, 100, 100]
    """

DOCS["speedup.closest_pair"] = """The closest pair among 2-D points, in O(n log n).

    Parameters
    ----------
    points : array_like
        Real coordinates of shape ``(n, 2)``, ``n >= 2``, all finite; row ``p`` is the point
        ``(x_p, y_p)``.

    Returns
    -------
    i, j : int
        The indices of the pair, ``i < j``.
    d : float
        Their Euclidean distance.

    Raises
    ------
    ValueError
        When ``points`` does not have shape ``(n, 2)``, ``n < 2``, or a coordinate is not
        finite.
    TypeError
        When ``points`` is not real numbers.
    MemoryError
        When working memory cannot be allocated.

    See Also
    --------
    speedup.legacy.closest_pair : The brute-force O(n^2) loop, same answers.

    Notes
    -----
    The pair with the smallest ``d2 = dx*dx + dy*dy``, ties going to the smallest ``(i, j)``;
    ``d = sqrt(d2)``. See ``docs/contract.md``, section "closest_pair".

    Examples
    --------
    >>> import speedup
    >>> speedup.closest_pair([[0.0, 0.0], [5.0, 5.0], [1.0, 0.0]])
    (0, 2, 1.0)
    """

DOCS["speedup.mandelbrot"] = """Escape counts of complex points under the Mandelbrot iteration.

    Parameters
    ----------
    c : array_like
        Complex (or real) points of any shape. A ``complex64`` array is iterated in single
        precision, as it is (no converted copy); anything else is converted to complex128
        and iterated in double precision.
    max_iter : int, optional
        The most iterations per point, ``0 .. 2**31 - 1``.

    Returns
    -------
    numpy.ndarray
        An int32 array of the shape of ``c`` (0-d for a scalar): the iteration at which each
        point escaped, ``-1`` when it never did.

    Raises
    ------
    ValueError
        When ``max_iter`` is negative or above ``2**31 - 1``.
    TypeError
        When ``c`` is not numbers or ``max_iter`` is not an integer.
    MemoryError
        When the result cannot be allocated.

    See Also
    --------
    speedup.dask.mandelbrot : The same over a chunked Dask grid.

    Notes
    -----
    ``z = c``; for ``it`` in ``0 .. max_iter-1``: if ``re*re + im*im >= 16.0`` the count is
    ``it``, else ``z = z*z + c`` (written out in real arithmetic), in the precision of the
    points (``float32`` for ``complex64``, where a bad ``max_iter`` is reported by the kernel
    ``mandelbrot_f32``). See ``docs/contract.md``, section "mandelbrot".

    Examples
    --------
    >>> import speedup
    >>> speedup.mandelbrot([0j, 2 + 2j, 1 + 0j], max_iter=20).tolist()
    [-1, 1, 2]
    """

DOCS["speedup.parallel_map"] = """Apply a native function ``double f(double x, void *ctx)`` to every element, in parallel.

    Parameters
    ----------
    func : ctypes function pointer or int
        A ``ctypes.CFUNCTYPE(c_double, c_double, c_void_p)`` object, an integer function
        address, or an object with an integer ``.address`` (e.g. a Numba ``cfunc``). It is
        called as ``func(x[i], NULL)`` and must be thread-safe.
    x : array_like
        Real numbers of any shape; converted to float64.
    out : numpy.ndarray, optional
        Where to write the result: float64, the shape of ``x``, writable, C-contiguous and not
        overlapping ``x``.

    Returns
    -------
    numpy.ndarray
        A float64 array of the shape of ``x`` (``out`` when given).

    Raises
    ------
    TypeError
        When ``func`` is neither a callback of that C signature nor an address, ``x`` is not
        real numbers, or ``out`` is not a float64 ndarray.
    ValueError
        When ``func`` is a NULL or out-of-range address, or ``out`` has the wrong shape, is
        read-only, not C-contiguous or overlaps ``x``.
    MemoryError
        When the result cannot be allocated.

    Notes
    -----
    ``out[i] = func(x[i], NULL)`` on speedup's threads. A ctypes callback wrapping a *Python*
    function works but takes the GIL on every call (serialised); compiled functions run in
    parallel. See ``docs/contract.md``, section "Conveniences of the front doors".

    Examples
    --------
    >>> import ctypes, speedup
    >>> F = ctypes.CFUNCTYPE(ctypes.c_double, ctypes.c_double, ctypes.c_void_p)
    >>> square = F(lambda v, ctx: v * v)
    >>> speedup.parallel_map(square, [1.0, 2.0, 3.0]).tolist()
    [1.0, 4.0, 9.0]
    """

DOCS["speedup.dask.sum_primes_below"] = """``speedup.sum_primes_below`` over a Dask array of queries, block by block.

    Parameters
    ----------
    n : dask.array.Array or array_like of int
        Non-negative integer queries of any shape and chunking.

    Returns
    -------
    dask.array.Array
        Lazy uint64 array of the shape and chunks of ``n``: the sum of the primes below each
        query, bitwise the local call.

    Raises
    ------
    ValueError, TypeError, OverflowError
        As ``speedup.sum_primes_below``, when the graph is computed.

    See Also
    --------
    speedup.sum_primes_below

    Notes
    -----
    Each block sieves up to its own largest query: chunk sorted queries so that small ones
    stay cheap. See ``docs/contract.md``, section "is_prime, sum_primes_below".

    Examples
    --------
    >>> import dask.array, speedup, speedup.dask
    >>> q = dask.array.from_array([2, 3, 10, 100], chunks=2)
    >>> speedup.dask.sum_primes_below(q).compute().tolist()
    [0, 2, 17, 1060]
    """

DOCS["speedup.dask.monte_carlo_pi"] = f"""``speedup.monte_carlo_pi`` split over Dask tasks, as a 0-d Dask array.

    Parameters
    ----------
    n_points : int
        How many points to draw, at least 1.
{_SEED}{_chunks('Points', 'n_points')}
    Returns
    -------
    dask.array.Array
        Lazy 0-d float64 array, bitwise ``speedup.monte_carlo_pi(n_points, seed)`` for any
        ``chunks``.

    Raises
    ------
    ValueError
        When ``n_points`` is not an integer >= 1 or ``chunks`` is not positive or does not add
        up to ``n_points`` (when the graph is built); a bad ``seed`` raises when it is
        computed.

    Warns
    -----
    RuntimeWarning
        When several tasks were asked for but the core lacks its slice kernels: one task then
        computes everything (see :func:`capabilities`).

    See Also
    --------
    speedup.monte_carlo_pi, markov_chains

    Notes
    -----
    Each task counts the inside points of its slice of the one Philox stream
    (``monte_carlo_pi_inside(first, n, seed)``); the integer counts are added and finished by
    the core's ``monte_carlo_pi_finish``. See ``docs/contract.md``, section "monte_carlo_pi".

    Examples
    --------
    >>> import speedup, speedup.dask
    >>> pi = speedup.dask.monte_carlo_pi(10_000, seed=3, chunks=2500)
    >>> float(pi.compute()) == speedup.monte_carlo_pi(10_000, seed=3)
    True
    >>> float(pi.compute())
    3.1584
    """

DOCS["speedup.dask.markov_chains"] = f"""``speedup.markov_chains`` split over Dask tasks along the chains.

    Parameters
    ----------
    P : array_like
        Square ``(k, k)`` row-stochastic transition matrix.
    n_steps : int
        Steps per chain.
{_CHAINS}{_chunks('Chains', 'n_chains')}
    Returns
    -------
    dask.array.Array
        Lazy uint64 array of shape ``(n_chains, k)``, bitwise ``speedup.markov_chains(...)``
        for any ``chunks``.

    Raises
    ------
    ValueError
        When ``n_chains`` is negative or ``chunks`` is not positive or does not add up to
        ``n_chains`` (when the graph is built); a bad ``P``, ``start`` or ``seed`` raises when
        it is computed.

    Warns
    -----
    RuntimeWarning
        When several tasks were asked for but the core lacks ``markov_chains_from``.

    See Also
    --------
    speedup.markov_chains, monte_carlo_pi

    Notes
    -----
    Chain ``c`` always draws from the Philox stream with key ``(seed, c)``, whichever task runs
    it (the core's ``markov_chains_from``). See ``docs/contract.md``, section
    "markov_chains".

    Examples
    --------
    >>> import numpy as np, speedup, speedup.dask
    >>> P = [[0.9, 0.1], [0.5, 0.5]]
    >>> counts = speedup.dask.markov_chains(P, 100, n_chains=4, seed=7, chunks=2)
    >>> counts.chunks
    ((2, 2), (2,))
    >>> np.array_equal(counts.compute(), speedup.markov_chains(P, 100, n_chains=4, seed=7))
    True
    """

DOCS["speedup.dask.mandelbrot"] = """``speedup.mandelbrot`` over a chunked complex Dask grid.

    Parameters
    ----------
    c : dask.array.Array or array_like
        Complex points of any shape and chunking; complex64 stays complex64 (iterated in
        float32), anything else is converted to complex128.
    max_iter : int, optional
        The most iterations per point, ``0 .. 2**31 - 1``.

    Returns
    -------
    dask.array.Array
        Lazy int32 array of the shape and chunks of ``c``: escape counts, ``-1`` for points
        that never escape; bitwise the local call.

    Raises
    ------
    ValueError, TypeError
        As ``speedup.mandelbrot``, for a bad ``max_iter``, when the graph is computed.

    See Also
    --------
    speedup.mandelbrot

    Notes
    -----
    ``z = c``; the count is the first ``it`` with ``re*re + im*im >= 16.0``. See
    ``docs/contract.md``, section "mandelbrot".

    Examples
    --------
    >>> import dask.array, speedup, speedup.dask
    >>> c = dask.array.from_array([0j, 2 + 2j, 1 + 0j, -1 + 0j], chunks=2)
    >>> speedup.dask.mandelbrot(c, max_iter=20).compute().tolist()
    [-1, 1, 2, -1]
    """
