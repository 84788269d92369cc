#!/usr/bin/env bash
# Panics, allocation failures, concurrency, nesting and fork (docs/guarantees.md):
#   1. injected faults through the C door: cargo test -p speedup-capi --features fault-injection
#      --test faults (a test-only build; the shipped library has no fault hook);
#   2. the stress program tests/faults/stress.c against the release libspeedup.so: 16 threads x
#      1000 mixed calls with the knob changing underneath, nested calls from map_f64 callbacks
#      and from OpenMP threads, fork after rayon and OpenMP ran, and (run alone) fork after the
#      host's own OpenMP team ran;
#   3. injected faults through Python on both backends: crates/speedup-py built with the
#      feature into target/faults/pkg/speedup (the package's Python files + that extension),
#      first on PYTHONPATH, then pytest tests/faults.
# Prints one line per part and "faults: N passed, 0 failed" last (also in target/faults-tests.log).
# Every part runs under a time limit (tests/bounded.sh; builds come first, so that the limits
# are for running): a hang fails the run, with a line saying which part ran out of time.
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/lib.sh
test_dirs faults

echo "==> C door with injected faults (cargo feature fault-injection)"
cargo test -p speedup-capi --features fault-injection --test faults --quiet --no-run
bounded 600 "the Rust fault tests" cargo test -p speedup-capi --features fault-injection --test faults --quiet 2>&1 \
    | tee "$out/rust.log"
rust=$(grep -Eo '^test result: ok\. [0-9]+ passed' "$out/rust.log" | awk '{s+=$4} END {print s+0}')
grep -q '^test result: ok' "$out/rust.log" || { echo "faults: the Rust fault tests failed" >&2; exit 1; }

echo "==> stress: threads, nesting, OpenMP, fork (release libspeedup.so)"
cargo build --release -p speedup-capi --quiet
"${CC:-gcc}" -std=c11 -O2 -Wall -Wextra -Werror -fopenmp -pthread -I include \
    tests/faults/stress.c -o "$out/stress" -L target/release -lspeedup -lm \
    -Wl,-rpath,"$root/target/release"
# Passive OpenMP waiting: 16 host threads each opening legacy OpenMP regions on a small machine
# would otherwise spend their time spinning (see docs/legacy.md).
OMP_WAIT_POLICY=passive bounded 300 "the stress program" "$out/stress" | tee "$out/stress.log"
bounded 120 "the stress program (host-openmp-fork)" "$out/stress" host-openmp-fork | tee -a "$out/stress.log"
stress=$(grep -Eo '^[0-9]+ passed, 0 failed' "$out/stress.log" | awk '{s+=$1} END {print s+0}')
[ "$(grep -Ec '^[0-9]+ passed, 0 failed' "$out/stress.log")" = 2 ] || stress=
[ -n "$stress" ] && [ "$stress" != 0 ] || { echo "faults: the stress program failed" >&2; exit 1; }

echo "==> Python with injected faults (both backends)"
# The test profile, so that the dependencies built by `cargo test --workspace` are reused.
PYO3_PYTHON=$VPY cargo build --profile test -p speedup-py --features fault-injection --quiet
pkg=$out/pkg/speedup
rm -rf "$out/pkg"
mkdir -p "$pkg"
# The package's Python sources, subpackages included (not its built libraries).
(cd python/speedup && find . -name '*.py' -o -name '*.pyi' -o -name py.typed) \
    | (cd python/speedup && xargs cp --parents -t "$root/$pkg")
cp target/debug/lib_speedup.so "$pkg/_speedup.so"
# The sum's cut-off fixed at 2^20 elements (the tests' large input must reach the pool even
# where a busy machine's calibration would keep it serial).
SPEEDUP_CUTOFF_SUM=1048576 PYTHONPATH=$root/$out/pkg bounded 300 "the Python fault tests" "$VPY" -m pytest tests/faults -q -p no:cacheprovider 2>&1 \
    | tee "$out/python.log"
py=$(grep -Eo '[0-9]+ passed' "$out/python.log" | tail -1 | awk '{print $1}')
if grep -qE '[0-9]+ (failed|error)' "$out/python.log" || [ -z "$py" ]; then
    echo "faults: the Python fault tests failed" >&2
    exit 1
fi

{
    echo "faults: C door with injected faults: $rust tests"
    echo "faults: stress program: $stress checks"
    echo "faults: Python with injected faults: $py tests"
    echo "faults: $((rust + stress + py)) passed, 0 failed"
} | tee -a "$log"
