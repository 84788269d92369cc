# Type stubs of speedup.legacy: the legacy C/Fortran routines, with the API of speedup.<kernel>.
# A routine the loaded C library does not export is absent at run time (see `available`).
from typing import Any

# Each routine has the API of its speedup.<kernel>.
from . import closest_pair as closest_pair
from . import comb_backward as comb_backward
from . import comb_forward as comb_forward
from . import is_prime as is_prime
from . import laplacian as laplacian
from . import mandelbrot as mandelbrot
from . import mean as mean
from . import second_derivative as second_derivative
from . import std as std
from . import sum as sum
from . import sum_primes_below as sum_primes_below

__all__ = [
    "available", "library", "omp_team_size", "sum", "mean", "std", "second_derivative",
    "laplacian", "comb_forward", "comb_backward", "is_prime", "sum_primes_below",
    "closest_pair", "mandelbrot",
]

available: tuple[str, ...]
library: str

def omp_team_size() -> tuple[int, int]: ...
def __getattr__(name: str) -> Any: ...
