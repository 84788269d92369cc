#!/usr/bin/env bash
# The Python door's tests: sets up .venv and installs the package (scripts/python-setup.sh), then
# runs the pytest suite (every test on both backends) and mypy's stubtest, and prints pytest's
# closing line last. Extra arguments go to pytest (e.g. -k laplacian).
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/python-setup.sh
mkdir -p target
VPY=.venv/bin/python

status=0
# From the repository root, `import speedup` finds the installed package, not python/speedup.
"$VPY" -m pytest tests/python -q -p no:cacheprovider "$@" 2>&1 | tee target/python-tests.log || status=1
echo "==> stubtest"
"$VPY" -m mypy.stubtest speedup --allowlist tests/python/stubtest-allowlist.txt || status=1
echo "python: $(grep -E '^[=]* *[0-9]+ (passed|failed)|[0-9]+ passed' target/python-tests.log | tail -1 | tr -d '=' | sed 's/^ *//')"
exit $status
