"""Every test runs once per backend: the autouse `backend` fixture switches the public API of
`speedup` to the PyO3 extension, then to the ctypes backend (speedup._use_backend), and tests
that start subprocesses pass the same choice on through SPEEDUP_BACKEND."""

from __future__ import annotations

import os
from typing import Iterator

import pytest

import speedup

BACKENDS = ["pyo3", "ctypes"]


@pytest.fixture(autouse=True, params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> Iterator[str]:
    previous = speedup._use_backend(request.param)
    threads_before = speedup.get_num_threads()
    try:
        yield request.param
    finally:
        speedup.set_num_threads(threads_before)
        speedup._use_backend(previous)


@pytest.fixture
def child_env(backend: str) -> dict:
    env = dict(os.environ)
    env["SPEEDUP_BACKEND"] = backend
    return env
