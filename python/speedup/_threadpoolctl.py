"""threadpoolctl integration: a controller for speedup's thread knob, registered at import when
threadpoolctl (>= 3.5, which has ``register``) is installed. ``threadpool_info()`` then lists
speedup (user_api and internal_api ``"speedup"``) and ``threadpool_limits(limits=1)`` limits it.

threadpoolctl finds the loaded library by file name (``_speedup*`` for the PyO3 extension,
``libspeedup*`` for the C library of the ctypes backend) and drives it through the C ABI
(``speedup_get_num_threads`` / ``speedup_set_num_threads``), which both files export.
"""

from __future__ import annotations

from typing import Any


def register() -> bool:
    """Registers the controller; False when threadpoolctl is missing or too old."""
    try:
        import threadpoolctl
    except ImportError:
        return False
    if not hasattr(threadpoolctl, "register") or not hasattr(threadpoolctl, "LibController"):
        return False
    if getattr(threadpoolctl, "_speedup_registered", False):
        return True

    class SpeedupController(threadpoolctl.LibController):  # type: ignore[misc,name-defined]
        user_api = "speedup"
        internal_api = "speedup"
        filename_prefixes = ("_speedup", "libspeedup")

        def get_num_threads(self) -> Any:
            fn = getattr(self.dynlib, "speedup_get_num_threads", None)
            if fn is None:
                return None
            fn.restype = __import__("ctypes").c_size_t
            return int(fn())

        def set_num_threads(self, num_threads: int) -> Any:
            fn = getattr(self.dynlib, "speedup_set_num_threads", None)
            if fn is None:
                return None
            ctypes = __import__("ctypes")
            fn.argtypes = [ctypes.c_size_t]
            fn.restype = ctypes.c_int32
            return fn(num_threads)

        def get_version(self) -> Any:
            fn = getattr(self.dynlib, "speedup_version", None)
            if fn is None:
                return None
            fn.restype = __import__("ctypes").c_char_p
            return fn().decode()

    threadpoolctl.register(SpeedupController)
    threadpoolctl._speedup_registered = True  # type: ignore[attr-defined]
    return True
