#!/usr/bin/env bash
# Creates or updates the Python environment of speedup at .venv (repository root) and installs
# the package from python/ into it, with both backends:
#   1. .venv with maturin, numpy, pytest, pytest-timeout, hypothesis, threadpoolctl, joblib, mypy,
#      numpydoc, dask, scipy (the stencils' reference), and the bench extra (numba, matplotlib, rich) (installed only when missing);
#   2. libspeedup.so (cargo build --release -p speedup-capi), copied into python/speedup/_lib/ so the
#      wheel ships it for the ctypes backend;
#   3. `pip install ./python` (maturin builds the PyO3 extension speedup._speedup; no build
#      isolation, so no network is needed once step 1 is done).
# Safe to run twice; cargo rebuilds only what changed. PYTHON picks the interpreter (python3).
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3}
VENV=.venv
if [ ! -x "$VENV/bin/python" ]; then
    echo "python-setup: creating $VENV with $($PY --version 2>&1)"
    "$PY" -m venv "$VENV"
fi
VPY="$VENV/bin/python"
export PATH="$PWD/$VENV/bin:$PATH"   # the maturin build backend runs the maturin binary

missing=()
"$VPY" -c 'import numpy' 2>/dev/null || missing+=(numpy)
"$VPY" -c 'import pytest' 2>/dev/null || missing+=(pytest)
# per-test time limits (tests/python/run.sh passes --timeout)
"$VPY" -c 'import pytest_timeout' 2>/dev/null || missing+=(pytest-timeout)
"$VPY" -c 'import hypothesis' 2>/dev/null || missing+=(hypothesis)
"$VPY" -c 'import threadpoolctl' 2>/dev/null || missing+=(threadpoolctl)
# process pools (tests/python/test_pools.py: joblib's loky backend)
"$VPY" -c 'import joblib' 2>/dev/null || missing+=(joblib)
"$VPY" -c 'import mypy' 2>/dev/null || missing+=(mypy)
# docstring checks (tests/python/test_doctests.py: numpydoc.validate)
"$VPY" -c 'import numpydoc' 2>/dev/null || missing+=(numpydoc)
"$VPY" -c 'import dask.array, distributed' 2>/dev/null || missing+=("dask[array]" distributed)
# the reference of the stencils' boundary modes (tests/python/test_stencil_modes.py)
"$VPY" -c 'import scipy.ndimage' 2>/dev/null || missing+=(scipy)
# the bench extra (speedup bench): Numba contestants, plots, progress bar
"$VPY" -c 'import numba, matplotlib, rich' 2>/dev/null || missing+=("numba>=0.60" "matplotlib>=3.7" "rich>=13")
[ -x "$VENV/bin/maturin" ] || missing+=("maturin>=1.9,<2")
if ((${#missing[@]})); then
    echo "python-setup: pip install ${missing[*]}"
    "$VPY" -m pip install -q "${missing[@]}"
fi

echo "python-setup: building libspeedup.so"
cargo build --release -p speedup-capi --quiet
if ! cmp -s target/release/libspeedup.so python/speedup/_lib/libspeedup.so; then
    install -D -m 755 target/release/libspeedup.so python/speedup/_lib/libspeedup.so
fi

# The package's distribution was called `speedup` before it became `speedup-kernels`: pip does
# not remove a distribution of another name, and its extension module would shadow the new one.
if "$VPY" -m pip show -q speedup >/dev/null 2>&1; then
    echo "python-setup: removing the old distribution 'speedup' (now speedup-kernels)"
    "$VPY" -m pip uninstall -q -y speedup
fi
# A `maturin develop` build leaves its extension in the source tree; the wheel builds its own.
rm -f python/speedup/_speedup*.so
echo "python-setup: pip install ./python (maturin, release build of crates/speedup-py)"
"$VPY" -m pip install -q --no-build-isolation --force-reinstall --no-deps ./python
"$VPY" -c 'import speedup, speedup._ctypes_backend as c; print("python-setup: speedup", speedup.__version__, "backend", speedup.backend, "| ctypes library", c.backend().path)'
