# speedup.legacy: the legacy routines the C library exports (dynamic; see `available`).
from typing import Any

__all__ = ["available", "library"]

available: tuple[str, ...]
library: str

def __getattr__(name: str) -> Any: ...
