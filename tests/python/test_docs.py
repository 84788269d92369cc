"""Nothing a user reads links or points outside the repository (tests/docs/check_links.py).
The docstring examples run in test_doctests.py."""

from __future__ import annotations

import functools
import subprocess
import sys
from pathlib import Path

CHECK_LINKS = Path(__file__).resolve().parents[1] / "docs" / "check_links.py"


@functools.lru_cache(maxsize=None)
def _check_links(*args: str) -> "subprocess.CompletedProcess[str]":
    # Once per session (the autouse backend fixture runs each test on both backends).
    return subprocess.run(
        [sys.executable, str(CHECK_LINKS), *args], capture_output=True, text=True, timeout=120
    )


def test_links_stay_inside_the_repository() -> None:
    r = _check_links()
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.splitlines()[-1].endswith(" 0 failed")


def test_link_checker_bites() -> None:
    r = _check_links("--selftest")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "selftest: ok" in r.stdout
