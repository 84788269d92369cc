"""The doors generated from the C headers (tools/gen_doors.py) are up to date: the bind(C)
interfaces of fortran_src/speedup/speedup_c.f90 and speedup_legacy.f90 and the ctypes table
python/speedup/_signatures.py; and the check itself catches a header with one more function."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GEN = ROOT / "tools" / "gen_doors.py"

pytestmark = pytest.mark.skipif(not GEN.exists(), reason="needs the source tree")


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(GEN), *args], capture_output=True, text=True, timeout=60
    )


def test_generated_doors_match_the_headers() -> None:
    r = run("--check")
    assert r.returncode == 0, r.stderr


def test_check_detects_a_header_with_one_more_function() -> None:
    r = run("--self-test")
    assert r.returncode == 0, r.stdout + r.stderr


def test_the_backend_uses_the_generated_table() -> None:
    from speedup import _ctypes_backend, _signatures

    b = _ctypes_backend.backend()
    for name in b.available:
        fn = getattr(b.lib, "speedup_" + name)
        assert (list(fn.argtypes), fn.restype) == (
            list(_signatures.SPEEDUP["speedup_" + name][0]),
            _signatures.SPEEDUP["speedup_" + name][1],
        )
