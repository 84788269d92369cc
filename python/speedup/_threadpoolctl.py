"""threadpoolctl integration: a controller for speedup's thread knob, registered at import when
threadpoolctl (>= 3.5, which has ``register``) is installed. ``threadpool_info()`` then lists
speedup (user_api and internal_api ``"speedup"``) and ``threadpool_limits(limits=1)`` limits it.

threadpoolctl finds the loaded library by file name (``_speedup*`` for the PyO3 extension,
``libspeedup*`` for the C library of the ctypes backend) and drives it through the C ABI
(``speedup_get_num_threads`` / ``speedup_set_num_threads``), which both files export. Only one
of them is loaded in a process unless ``SPEEDUP_LIBRARY`` forces a second (the ctypes backend
loads the extension itself when it is importable), so speedup is listed once.
"""

from __future__ import annotations

import ctypes
from typing import Any, Optional

try:
    import threadpoolctl  # type: ignore[import-untyped,unused-ignore]
except ImportError:  # pragma: no cover - optional dependency
    threadpoolctl = None

_SUPPORTED = threadpoolctl is not None and hasattr(threadpoolctl, "register") and hasattr(
    threadpoolctl, "LibController"
)

if _SUPPORTED:

    class SpeedupController(threadpoolctl.LibController):  # type: ignore[misc,name-defined,union-attr]
        """speedup's thread knob, seen through the C ABI of the matched library file."""

        user_api = "speedup"
        internal_api = "speedup"
        # threadpoolctl matches file names by prefix: "_speedup." (the extension,
        # _speedup.cpython-311-...so) and "libspeedup." -- with the dot, so that e.g. markupsafe's
        # _speedups.*.so (loaded by dask's dependencies) is not taken for speedup.
        filename_prefixes = ("_speedup.", "libspeedup.")

        def _fn(self, name: str, restype: Any, argtypes: Any) -> Optional[Any]:
            fn = getattr(self.dynlib, name, None)
            if fn is not None:
                fn.restype = restype
                fn.argtypes = argtypes
            return fn

        def get_num_threads(self) -> Optional[int]:
            fn = self._fn("speedup_get_num_threads", ctypes.c_size_t, [])
            return None if fn is None else int(fn())

        def set_num_threads(self, num_threads: int) -> Optional[int]:
            fn = self._fn("speedup_set_num_threads", ctypes.c_int32, [ctypes.c_size_t])
            return None if fn is None else int(fn(num_threads))

        def get_version(self) -> Optional[str]:
            fn = self._fn("speedup_version", ctypes.c_char_p, [])
            return None if fn is None else str(fn().decode())


def register() -> bool:
    """Registers the controller once; False when threadpoolctl is missing or too old."""
    if not _SUPPORTED:
        return False
    if not getattr(threadpoolctl, "_speedup_registered", False):
        threadpoolctl.register(SpeedupController)  # type: ignore[union-attr]
        threadpoolctl._speedup_registered = True  # type: ignore[union-attr]
    return True
