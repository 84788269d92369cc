#!/usr/bin/env bash
# Soak: a long run of mixed calls (every kernel, legacy routines, bad inputs, thread-knob changes,
# interrupts) in one process, watching resident memory and the thread count for slow leaks and
# the results for drift:
#   1. tests/soak/soak.c through the C door (release libspeedup.so);
#   2. tests/soak/soak.py through `import speedup`, once per backend (pyo3, ctypes), each in a
#      process of its own.
# Reduced by default (C 1,000,000 calls, Python 20,000 per backend: ~15 s on 2 cores); full with
# --full or SPEEDUP_SOAK=full (C 5,000,000 calls, Python 200,000 per backend: ~90 s).
# Every program runs under a time limit (tests/bounded.sh). Prints each program's curve summary
# (RSS and threads at start, after the warm-up, peak, end) and "soak: N passed, 0 failed" last
# (also in target/soak-tests.log).
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/lib.sh

parse_mode "${SPEEDUP_SOAK:-reduced}" "tests/soak/run.sh [--full]" --full=full -- "$@"
case $mode in
    full) c_calls=5000000 py_calls=200000 c_limit=600 py_limit=600 ;;
    reduced) c_calls=1000000 py_calls=20000 c_limit=300 py_limit=300 ;;
    *) echo "soak: SPEEDUP_SOAK must be 'full' or unset, got '$mode'" >&2; exit 2 ;;
esac

test_dirs soak

build_c_program tests/soak/soak.c "$out/soak"

# Passive OpenMP waiting: with the knob at up to 4 threads on a 2-core machine, spinning OpenMP
# threads make every legacy call cost milliseconds instead of microseconds (see
# docs/legacy.md); the soak is about leaks and drift, not that.
export OMP_WAIT_POLICY=passive

echo "==> soak ($mode): C door, $c_calls calls"
start=$SECONDS
bounded "$c_limit" "the C soak" "$out/soak" --calls "$c_calls" 2>&1 | tee "$out/c.log"
c_time=$((SECONDS - start))
for backend in pyo3 ctypes; do
    echo "==> soak ($mode): Python, backend $backend, $py_calls calls"
    start=$SECONDS
    bounded "$py_limit" "the Python soak ($backend)" "$VPY" tests/soak/soak.py --backend "$backend" \
        --calls "$py_calls" 2>&1 | tee "$out/py-$backend.log"
    eval "py_time_$backend=\$((SECONDS - start))"
done

tally soak '^[0-9]+ passed, [0-9]+ failed$' "1 3" "$out/c.log" "$out/py-pyo3.log" "$out/py-ctypes.log"
{
    echo "soak ($mode): C ${c_time} s, Python pyo3 ${py_time_pyo3} s, ctypes ${py_time_ctypes} s"
    grep -hE '^soak-(c|py\[[a-z0-9]+\]): (rss_kib|threads) ' "$out/c.log" "$out/py-pyo3.log" "$out/py-ctypes.log" || true
    echo "soak: $passed passed, $failed failed"
} | tee -a "$log"
[ "$failed" = 0 ]
