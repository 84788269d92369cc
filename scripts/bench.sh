#!/usr/bin/env bash
# README command 1: builds everything and runs the main job, `speedup bench`, on the built-in
# default sizes (the seed sizes): every workload of docs/contract.md raced by plain Python,
# NumPy, Numba, the legacy C/Fortran OpenMP routines and speedup (PyO3 and ctypes), answers
# checked, targets evaluated; tables on the terminal, results.json, results.md and PNG plots in
# bench-out/. Extra arguments go to `speedup bench` (`--quick`, kernel names, `--threads 1,2,4`,
# `--out DIR`; see `--help`). A C-door demo of the kernels is examples/c/run-demo.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
cargo build --release --workspace --quiet
scripts/python-setup.sh          # .venv: the package (both backends) and the bench extra
install_primesieve() {           # optional contestant of sum_primes_below_big; skipped without it
    [ -e /usr/include/primesieve.h ] && return
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        apt-get install -y -q primesieve-bin libprimesieve-dev >/dev/null \
            || echo "bench.sh: could not install primesieve; its contestant is skipped" >&2
    else
        echo "bench.sh: primesieve not installed (as root: apt-get install libprimesieve-dev); its contestant is skipped" >&2
    fi
}
install_primesieve
# idle OpenMP threads (legacy routines, Numba's layer) must not spin on a core the next
# contestant needs; libgomp reads this at load time
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive}
exec .venv/bin/speedup bench --out bench-out "$@"
