"""speedup.sum_primes_below past the uint64 limit: a scalar n > 29505444491 gives the exact sum
as a Python int through the 128-bit kernel, on both backends (the autouse fixture runs every
test on each), identical at every thread count; arrays of queries and the legacy routines keep
the uint64 overflow error; n above 10**16 is refused naming n."""

from __future__ import annotations

import numpy as np
import pytest

import speedup
import speedup.legacy

LIMIT = 29_505_444_491  # the largest n whose sum fits uint64
AT_LIMIT = 18_446_744_057_541_225_032
# OEIS A046731: the sum of the primes below 10**k
KNOWN = {10: 2_220_822_432_581_729_238, 11: 201_467_077_743_744_681_014, 12: 18_435_588_552_550_705_911_377}


def sieve_sums(limit: int) -> np.ndarray:
    """sums[q] = the sum of the primes below q, for q <= limit (a plain NumPy sieve)."""
    comp = np.zeros(limit + 1, bool)
    comp[:2] = True
    for i in range(2, int(limit**0.5) + 1):
        if not comp[i]:
            comp[i * i :: i] = True
    vals = np.where(comp, 0, np.arange(limit + 1, dtype=np.uint64))
    return np.concatenate([[0], np.cumsum(vals)])[: limit + 1].astype(np.uint64)


def test_scalars_match_a_sieve_across_the_recursion_cutoff() -> None:
    sums = sieve_sums(300_000)
    rng = np.random.default_rng(7)
    qs = [0, 1, 2, 3, 65535, 65536, 65537, 299_999, *rng.integers(0, 300_000, 60).tolist()]
    for q in qs:
        got = speedup.sum_primes_below(q)
        assert type(got) is int and got == int(sums[q]), q


@pytest.mark.parametrize("k", sorted(KNOWN))
def test_published_values(k: int) -> None:
    got = speedup.sum_primes_below(10**k)
    assert type(got) is int and got == KNOWN[k]


def test_the_uint64_boundary() -> None:
    assert speedup.sum_primes_below(LIMIT) == AT_LIMIT
    for n in (LIMIT + 1, LIMIT + 2):
        got = speedup.sum_primes_below(n)
        assert type(got) is int and got == AT_LIMIT + LIMIT and got > 2**64 - 1
    with pytest.raises(OverflowError, match="^sum_primes_below_many: the sum of primes below 29505444492 does"):
        speedup.sum_primes_below(np.array([LIMIT + 1], np.uint64))
    with pytest.raises(OverflowError, match="does not fit"):
        speedup.legacy.sum_primes_below(LIMIT + 1)
    assert speedup.sum_primes_below(np.int64(LIMIT + 1)) == AT_LIMIT + LIMIT  # NumPy scalars too


def test_refuses_n_above_1e16_naming_n() -> None:
    for n in (10**16 + 1, 2**63, 2**64 - 1):
        with pytest.raises(ValueError, match=f"^sum_primes_below_u128: n must be at most 10000000000000000 \\(got {n}\\)$"):
            speedup.sum_primes_below(n)
    with pytest.raises(OverflowError):
        speedup.sum_primes_below(2**64)
    with pytest.raises(ValueError, match="n must be between 0"):
        speedup.sum_primes_below(-(10**12))


def test_identical_across_thread_counts() -> None:
    got = []
    for t in (1, 2, 3):
        with speedup.threads(t):
            got.append(speedup.sum_primes_below(10**12))
    assert got == [KNOWN[12]] * 3
