"""The examples in the docstrings run and print what they say (both backends)."""

from __future__ import annotations

import doctest

import numpy as np

import speedup


def test_docstring_examples() -> None:
    result = doctest.testmod(speedup, extraglobs={"speedup": speedup, "np": np}, verbose=False)
    assert result.attempted >= 15
    assert result.failed == 0


def test_legacy_docstring_examples() -> None:
    import speedup.legacy

    result = doctest.testmod(speedup.legacy, extraglobs={"speedup": speedup, "np": np}, verbose=False)
    assert result.attempted >= 1
    assert result.failed == 0
