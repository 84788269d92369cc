"""The docstrings of ``speedup.legacy``. Each routine has the API of its twin
``speedup.<name>``: its docstring is its own summary, See Also, Notes and Examples (the table
``_OWN``), with the twin's Parameters, Returns and Raises inserted before See Also (same
arguments, same results, same errors). The flat reductions (``sum``, ``mean``, ``std``) reduce
the whole array, so theirs are written here instead of borrowed from the twins, which take axes.
"""

from __future__ import annotations

import inspect
import re
from typing import Any, Callable, Dict, NamedTuple, TypeVar

from . import _table

F = TypeVar("F", bound=Callable[..., Any])


class _Own(NamedTuple):
    summary: str  # the first line
    more: str  # what follows the sentence naming the twin, on its line
    see: str  # what the See Also says of the twin
    notes: str
    examples: str


_OWN: Dict[str, _Own] = {
    "sum": _Own(
        "Legacy sum (Fortran): a plain left-to-right loop.",
        "",
        "The deterministic blocked sum it is compared with.",
        """    ``s = 0; s = s + x(i)`` for ``i = 1 .. n`` over ``x`` flattened as float64. Within rounding
    of ``speedup.sum``, not bitwise: its error is bounded by ``(n-1)*eps*sum(|x|)``, where
    speedup's blocked sum does much better. See ``docs/contract.md``, section
    "sum, mean, std".""",
        """    >>> import speedup, speedup.legacy
    >>> speedup.legacy.sum([0.1] * 10), speedup.sum([0.1] * 10)
    (0.9999999999999999, 1.0)
    >>> speedup.legacy.sum([])
    0.0""",
    ),
    "mean": _Own(
        "Legacy mean (Fortran, OpenMP reduction): ``sum(x) / n``.",
        "",
        "The Rust kernel it is compared with.",
        """    An OpenMP ``reduction(+)`` sum divided by ``n``: within rounding of ``speedup.mean``; the
    last bits may change with the thread count. See ``docs/contract.md``, section
    "sum, mean, std".""",
        """    >>> import speedup, speedup.legacy
    >>> speedup.legacy.mean([1, 2, 3, 4])
    2.5""",
    ),
    "std": _Own(
        "Legacy two-pass standard deviation (Fortran, OpenMP reductions).",
        "",
        "The Rust kernel it is compared with.",
        """    ``sqrt(sum((x_i - m)**2) / (n - ddof))`` with ``m = sum(x)/n``, each sum an OpenMP
    reduction: within rounding of ``speedup.std``; the last bits may change with the thread
    count. See ``docs/contract.md``, section "sum, mean, std".""",
        """    >>> import speedup, speedup.legacy
    >>> speedup.legacy.std([2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0])
    2.0""",
    ),
    "second_derivative": _Own(
        "Legacy central second difference (Fortran), bitwise ``speedup.second_derivative``.",
        "",
        "The Rust kernel; same bits.",
        """    ``out[i] = ((f[i] - 2.0*f[i+1]) + f[i+2]) * (1.0/(dx*dx))``. See ``docs/contract.md``,
    section "second_derivative".""",
        """    >>> import speedup, speedup.legacy
    >>> speedup.legacy.second_derivative([0.0, 1.0, 4.0, 9.0], 1.0).tolist()
    [2.0, 2.0]""",
    ),
    "laplacian": _Own(
        "Legacy five-point Laplacian (Fortran), bitwise ``speedup.laplacian``.",
        """ The Fortran routine
    walks the C grid column-major.""",
        "The Rust kernel; same bits.",
        """    ``out[i-1, j-1] = ((f[i-1,j] + f[i+1,j])*ax + (f[i,j-1] + f[i,j+1])*ay) - f[i,j]*c`` with
    ``ax = 1/(dx*dx)``, ``ay = 1/(dy*dy)``, ``c = 2*ax + 2*ay``. See ``docs/contract.md``,
    section "laplacian".""",
        """    >>> import numpy as np, speedup, speedup.legacy
    >>> f = np.arange(16.0).reshape(4, 4) ** 2
    >>> speedup.legacy.laplacian(f, 1.0, 1.0).tolist()
    [[34.0, 34.0], [34.0, 34.0]]
    >>> np.array_equal(speedup.legacy.laplacian(f, 0.5, 2.0), speedup.laplacian(f, 0.5, 2.0))
    True""",
    ),
    "comb_forward": _Own(
        "Legacy forward comb filter (C, OpenMP over rows), bitwise ``speedup.comb_forward``.",
        "",
        "The Rust kernel; same bits.",
        """    ``y[t] = x[t]`` for ``t < tau``, else ``x[t] + alpha*x[t-tau]``, along axis 0. See
    ``docs/contract.md``, section "comb_forward, comb_backward".""",
        """    >>> import speedup, speedup.legacy
    >>> speedup.legacy.comb_forward([1.0, 0.0, 0.0, 0.0], 2, 0.5).tolist()
    [1.0, 0.0, 0.5, 0.0]""",
    ),
    "comb_backward": _Own(
        "Legacy backward comb filter (C, OpenMP over columns), bitwise ``speedup.comb_backward``.",
        "",
        "The Rust kernel; same bits.",
        """    ``y[t] = x[t]`` for ``t < tau``, else ``x[t] + alpha*y[t-tau]``, along axis 0. See
    ``docs/contract.md``, section "comb_forward, comb_backward".""",
        """    >>> import speedup, speedup.legacy
    >>> speedup.legacy.comb_backward([1.0, 0.0, 0.0, 0.0, 0.0], 2, 0.5).tolist()
    [1.0, 0.0, 0.5, 0.0, 0.25]""",
    ),
    "is_prime": _Own(
        "Legacy trial-division primality test (C), same answers as ``speedup.is_prime``.",
        "",
        "The Rust kernel (Miller-Rabin); same answers, much faster.",
        """    Trial division by odd numbers up to ``sqrt(n)``: up to 2**32 divisions for the largest
    64-bit primes. See ``docs/contract.md``, section "is_prime, sum_primes_below".""",
        """    >>> import speedup, speedup.legacy
    >>> speedup.legacy.is_prime(97)
    True
    >>> speedup.legacy.is_prime([0, 1, 2, 9]).tolist()
    [False, False, True, False]""",
    ),
    "sum_primes_below": _Own(
        "Legacy sum of the primes below ``n`` (C, OpenMP reduction), by trial division.",
        """ Slow beyond
    the seed sizes, and Ctrl-C does not stop it.""",
        "The Rust kernel (a sieve); same answers.",
        """    Every candidate below ``n`` is tested by trial division, one call per query (no shared
    sieve). See ``docs/contract.md``, section "is_prime, sum_primes_below".""",
        """    >>> import speedup, speedup.legacy
    >>> speedup.legacy.sum_primes_below(10)
    17
    >>> speedup.legacy.sum_primes_below([2, 3, 100]).tolist()
    [0, 2, 1060]""",
    ),
    "closest_pair": _Own(
        "Legacy brute-force O(n^2) closest pair (C), same ``(i, j, d)`` as ``speedup.closest_pair``.",
        "",
        "The O(n log n) Rust kernel; same answers.",
        """    Every pair is compared on ``d2 = dx*dx + dy*dy``; ties go to the smallest ``(i, j)``. See
    ``docs/contract.md``, section "closest_pair".""",
        """    >>> import speedup, speedup.legacy
    >>> speedup.legacy.closest_pair([[0.0, 0.0], [5.0, 5.0], [1.0, 0.0]])
    (0, 2, 1.0)""",
    ),
    "mandelbrot": _Own(
        "Legacy Mandelbrot escape counts (C, OpenMP), bitwise ``speedup.mandelbrot``.",
        "",
        "The Rust kernel; same bits.",
        """    ``z = c``; the count is the first ``it`` with ``re*re + im*im >= 16.0``, ``-1`` if none
    within ``max_iter``. See ``docs/contract.md``, section "mandelbrot".""",
        """    >>> import speedup, speedup.legacy
    >>> speedup.legacy.mandelbrot([0j, 2 + 2j, 1 + 0j], max_iter=20).tolist()
    [-1, 1, 2]""",
    ),
}

# The routines without a twin in speedup.
_NOT_TWINS = {
    "omp_team_size": """Open one legacy OpenMP parallel region and report who ran in it.

    The region is opened on the calling thread, as every legacy routine does, after setting
    OpenMP's thread count from speedup's one knob.

    Returns
    -------
    team : int
        The team size of the region (``omp_get_num_threads()``).
    distinct : int
        How many distinct OpenMP threads ran in it.

    Raises
    ------
    AttributeError
        When the loaded library has no legacy routines or lacks this one.

    See Also
    --------
    speedup.set_num_threads, speedup.threads

    Notes
    -----
    Both numbers equal ``speedup.get_num_threads()``: the knob reaches OpenMP. See
    ``docs/contract.md``, section "Threads".

    Examples
    --------
    >>> import speedup, speedup.legacy
    >>> with speedup.threads(2):
    ...     speedup.legacy.omp_team_size()
    (2, 2)
    """,
}

_FLAT = ("sum", "mean", "std")
_BORROWED = ("Parameters", "Returns", "Raises")
_SECTION = re.compile(r"^    (\w[\w ]*)\n    -+\n", re.M)


def _sections(doc: str) -> Dict[str, str]:
    """The numpydoc sections of a docstring written at one indent level of 4 spaces, by title
    (each with its title and underline)."""
    found = list(_SECTION.finditer(doc))
    return {
        m.group(1): doc[m.start(): found[i + 1].start() if i + 1 < len(found) else len(doc)]
        for i, m in enumerate(found)
    }


def _borrowed(fn: Callable[..., Any]) -> str:
    """The Parameters, Returns and Raises sections of ``speedup.<name>`` for the legacy routine
    ``fn``: only the parameters ``fn`` has (no ``mode=``, ``cval=`` for the stencils), and no
    KeyboardInterrupt (a legacy routine cannot be interrupted)."""
    borrowed = _sections(_table()["speedup." + fn.__name__])
    parts = []
    for title in _BORROWED:
        text = borrowed[title]
        if title == "Raises":
            text = re.sub(r"    KeyboardInterrupt\n(        .*\n)+", "", text)
        if title == "Parameters":
            own_params = inspect.signature(fn).parameters
            for name in re.findall(r"^    (\w+) :", text, re.M):
                if name not in own_params:
                    text = re.sub(rf"    {name} :.*\n(        .*\n)+", "", text)
        parts.append(text)
    return "".join(parts)


def _flat_reduction(name: str) -> str:
    """The Parameters, Returns and Raises sections of a legacy flat reduction."""
    ddof = (
        "    ddof : int, optional\n"
        "        Delta degrees of freedom: the divisor is ``n - ddof``.\n"
        if name == "std" else ""
    )
    return (
        "    Parameters\n    ----------\n"
        "    x : array_like\n"
        "        Real numbers of any shape; flattened and converted to float64.\n" + ddof + "\n"
        "    Returns\n    -------\n    float\n        The reduction of all elements.\n\n"
        "    Raises\n    ------\n"
        "    ValueError\n        When ``x`` is empty (``mean``, ``std``) or ``ddof >= n``.\n"
        "    TypeError\n        When ``x`` holds complex or non-numeric values.\n\n"
    )


def documented(fn: F) -> F:
    """``fn`` (``speedup.legacy.<name>``) with its docstring."""
    name = fn.__name__
    if name not in _OWN:  # not a twin
        fn.__doc__ = _NOT_TWINS[name]
        return fn
    own = _OWN[name]
    if name in _FLAT:
        sentence = f"The result and errors are those of the flat ``speedup.{name}`` (no axes)."
        sections = _flat_reduction(name)
    else:
        sentence = f"The arguments, result and errors are those of ``speedup.{name}``."
        sections = _borrowed(fn)
    fn.__doc__ = (
        f"{own.summary}\n\n    {sentence}{own.more}\n\n{sections}"
        f"    See Also\n    --------\n    speedup.{name} : {own.see}\n\n"
        f"    Notes\n    -----\n{own.notes}\n\n    Examples\n    --------\n{own.examples}\n    "
    )
    return fn
