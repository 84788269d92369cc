"""The docstrings of the public functions of ``speedup`` and ``speedup.dask``, kept apart from
the code so that each module stays a thin layer over the kernels and every text that two
docstrings share is written once.

Each topic module holds a table ``DOCS`` from the qualified name (``"speedup.sum"``,
``"speedup.dask.sum"``) to the docstring, written at the indent of a function body (4 spaces)
as if it stood in the function; :func:`documented` attaches it. So ``help()``, Sphinx autodoc,
doctest and numpydoc see the same ``__doc__`` as for a docstring written inline. The docstrings
of ``speedup.legacy`` borrow sections from their twins': :mod:`speedup._docs.legacy` composes
them.
"""

from __future__ import annotations

from typing import Callable, Dict, TypeVar

F = TypeVar("F", bound=Callable[..., object])

_TABLE: Dict[str, str] = {}


def _table() -> Dict[str, str]:
    if not _TABLE:
        from . import kernels, reductions, stencils, threads

        for topic in (reductions, stencils, kernels, threads):
            _TABLE.update(topic.DOCS)
    return _TABLE


def documented(fn: F) -> F:
    """``fn`` with its docstring from the tables, by ``fn.__module__`` and ``fn.__name__``."""
    fn.__doc__ = _table()[f"{fn.__module__}.{fn.__name__}"]
    return fn
