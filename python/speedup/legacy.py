"""``speedup.legacy.<kernel>``: the legacy C/Fortran routines behind the C door
(``speedup_legacy_<kernel>``, same signatures as ``speedup_<kernel>``), with the same Python API
as ``speedup.<kernel>`` (same argument handling, same exceptions).

Only the routines the loaded C library exports are present: ``speedup.legacy.available`` lists
them. When the library has none yet, the namespace is empty and every attribute access says
so (AttributeError with the reason).
"""

from __future__ import annotations

import functools
from typing import Any, Callable, Dict, Tuple

from . import _api

__all__ = ["available", "library"]

# The public kernels that take the same arguments as their speedup_legacy_<name> C routine.
_KERNELS: Dict[str, Tuple[Callable[..., Any], Tuple[str, ...]]] = {
    "sum": (_api.sum, ("sum",)),
    "mean": (_api.mean, ("mean",)),
    "std": (_api.std, ("std",)),
    "second_derivative": (_api.second_derivative, ("second_derivative",)),
    "laplacian": (_api.laplacian, ("laplacian",)),
    "comb_forward": (_api.comb_forward, ("comb_forward",)),
    "comb_backward": (_api.comb_backward, ("comb_backward",)),
    "is_prime": (_api.is_prime, ("is_prime", "is_prime_many")),
    "sum_primes_below": (_api.sum_primes_below, ("sum_primes_below", "sum_primes_below_many")),
    "monte_carlo_pi": (_api.monte_carlo_pi, ("monte_carlo_pi",)),
    "markov_chains": (_api.markov_chains, ("markov_chains",)),
    "closest_pair": (_api.closest_pair, ("closest_pair",)),
    "mandelbrot": (_api.mandelbrot, ("mandelbrot",)),
}


def _load() -> Tuple[Any, str, str]:
    try:
        from . import _ctypes_backend

        lib, path = _ctypes_backend.load_library()
    except ImportError as e:
        return None, "", f"no C library could be loaded ({e})"
    backend = _ctypes_backend.CBackend(lib, path, prefix="speedup_legacy_")
    if not backend.available:
        return backend, path, f"{path} exports no speedup_legacy_* routines yet"
    return backend, path, ""


_backend, library, _why = _load()
available: Tuple[str, ...] = ()

if _backend is not None and _backend.available:
    _names = []
    for _name, (_fn, _symbols) in _KERNELS.items():
        if all(s in _backend.available for s in _symbols):
            _f = functools.partial(_fn, _backend)
            functools.update_wrapper(_f, _fn)
            _f.__doc__ = f"The legacy routine speedup_legacy_{_name}, with the API of speedup.{_name}."
            globals()[_name] = _f
            _names.append(_name)
    available = tuple(_names)


def __getattr__(name: str) -> Any:
    if name.startswith("__"):
        raise AttributeError(name)
    reason = _why or f"{library} has no speedup_legacy_{name}"
    raise AttributeError(
        f"speedup.legacy.{name} is not available: {reason} "
        f"(available: {', '.join(available) or 'none'})"
    )
