#!/usr/bin/env bash
# AddressSanitizer + UndefinedBehaviorSanitizer (+ LeakSanitizer) on the native doors' test
# programs, built with gcc/gfortran -fsanitize=address,undefined against the release
# libspeedup.so:
#   c-door            tests/c/test_capi.c (and its capi_*.c)
#   fortran-door      tests/fortran/test_speedup.f90 (and its modules) with the modules of fortran_src/speedup/
#   badinput-c        tests/badinput/run_c*.c on every bad input of the table (cases.py)
#   badinput-fortran  tests/badinput/run_fortran.f90, the same
#   stress            tests/faults/stress.c: 16 threads x 1000 calls with the knob changing,
#                     nested calls, OpenMP, fork after rayon and OpenMP ran
#   stress-host-fork  stress.c host-openmp-fork (run alone, as tests/faults/run.sh does)
# Any report fails: ASan (invalid access, double free, ...) and UBSan abort the program
# (abort_on_error, -fno-sanitize-recover), LeakSanitizer fails it at exit, and a report in a
# forked child fails its parent's check; the logs are also searched for reports. A self-check
# (tests/sanitize_selfcheck.c) first proves that a leak, a heap overflow (also in a forked child)
# and a signed overflow each fail a run. Nothing is suppressed: LeakSanitizer counts the stacks
# and thread-local storage of speedup's pool threads, alive at exit, as roots, so the pool's
# memory is not reported (valgrind, which needs tests/valgrind.supp for it, does not).
# ASan's strict_string_checks is off: libgfortran's strndup of blank-padded Fortran strings (a
# bounded copy, not a bug) trips it.
#
# What is instrumented: the test programs and the Fortran modules (the C door's callers: their
# buffers, the arguments they pass, the results they read). The Rust library itself is not:
# instrumenting Rust needs -Zsanitizer=address, a nightly-only flag, and the workspace builds
# with the stable toolchain. ASan still replaces malloc/free for the whole process, so the
# library's heap allocations are checked for double and invalid frees and for leaks, but its
# own loads and stores are not checked. The legacy OpenMP routines (c_src/, built by cargo) and
# libgomp are not instrumented either. The Python door is not run here (the interpreter would
# need libasan preloaded, and numpy's and Python's own allocations produce unrelated reports).
#
# Fork: the stress program's fork checks run as they are (ASan and LSan work across fork; the
# children end with _exit, which runs no leak check, and their exit status is checked).
#
# Prints one line per program with its time, then `sanitize: N passed, 0 failed`. About 30 s on
# 2 cores once libspeedup.so is built (builds ~8 s, the stress program ~15 s). Each program runs under a time limit
# (tests/bounded.sh). Logs: target/sanitize/<name>.log.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=$root/target/sanitize
source tests/bounded.sh
rm -rf "$work"
mkdir -p "$work/mod"

cargo build --release -p speedup-capi --quiet
lib=$root/target/release
version=$(sed -n '/^\[workspace\.package\]/,/^\[/ s/^version *= *"\([^"]*\)".*/\1/p' Cargo.toml | head -n 1)
san=(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined -g)
link=(-L"$lib" -lspeedup -Wl,-rpath,"$lib")
fmods=(fortran_src/speedup/speedup_c.f90 fortran_src/speedup/speedup_door.f90
       fortran_src/speedup/speedup.f90 fortran_src/speedup/speedup_legacy.f90)

echo "sanitize: building the programs with ${san[*]}"
gcc -std=c11 -O1 "${san[@]}" -Wall -Wextra -Werror -Wpedantic -ffp-contract=off -Iinclude \
    -DEXPECTED_VERSION="\"$version\"" tests/c/test_capi.c tests/c/capi_*.c -o "$work/test_capi" "${link[@]}" -lm
gfortran -std=f2018 -O1 "${san[@]}" -Wall -J "$work/mod" "${fmods[@]}" \
    tests/fortran/test_support.f90 tests/fortran/test_door_arrays.f90 tests/fortran/test_door_kernels.f90 tests/fortran/test_door_reductions.f90 tests/fortran/test_legacy_door.f90 tests/fortran/test_speedup.f90 \
    -o "$work/test_speedup_fortran" "${link[@]}"
python3 tests/badinput/cases.py "$work" >/dev/null
cat include/speedup.h include/speedup_legacy.h | grep -oE '\bspeedup_[a-z0-9_]+\(' | tr -d '(' \
    | sort -u >"$work/funcs.txt"
gcc -std=c11 -O1 "${san[@]}" -Wall -Wextra -Werror -Iinclude tests/badinput/run_c_main.c tests/badinput/run_c_args.c tests/badinput/run_c.c \
    -o "$work/badinput_c" "${link[@]}"
gfortran -std=f2018 -O1 "${san[@]}" -Wall -Werror -J "$work/mod" "${fmods[@]}" tests/badinput/run_fortran_support.f90 tests/badinput/run_fortran_calls.f90 tests/badinput/run_fortran.f90 \
    -o "$work/badinput_fortran" "${link[@]}"
gcc -std=c11 -O1 "${san[@]}" -Wall -Wextra -Werror -fopenmp -pthread -Iinclude tests/faults/stress.c \
    -o "$work/stress" "${link[@]}" -lm
gcc -std=c11 -O1 "${san[@]}" -Wall -Wextra -Werror -Iinclude tests/sanitize_selfcheck.c \
    -o "$work/selfcheck" "${link[@]}"

# abort_on_error: a report ends the program at once (SIGABRT), whatever its own exit code would
# be; detect_leaks: LeakSanitizer at exit; the UBSan checks are fatal (-fno-sanitize-recover).
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:halt_on_error=1:detect_stack_use_after_return=1:check_initialization_order=1:print_summary=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:abort_on_error=1

passed=0
failed=0
check() {  # check NAME COMMAND...: the command under the sanitizers; its output in $work/NAME.log
    local name=$1 t0 t1 rc=0
    shift
    t0=$(date +%s.%N)
    bounded 300 "$name (sanitizers)" "$@" >"$work/$name.log" 2>&1 || rc=$?
    t1=$(date +%s.%N)
    local reports
    reports=$(grep -cE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|SUMMARY: (Address|Leak|UndefinedBehavior)Sanitizer' \
        "$work/$name.log" || true)
    if [ "$rc" = 0 ] && [ "$reports" = 0 ]; then
        passed=$((passed + 1))
        printf 'ok   %-18s %6.1f s  no reports\n' "$name" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')"
    else
        failed=$((failed + 1))
        printf 'FAIL %-18s exit %s, %s report lines (see %s)\n' "$name" "$rc" "$reports" "$work/$name.log"
        grep -E -A1 '^FAIL |^TIMEOUT: |ERROR: (Address|Leak)Sanitizer|runtime error:|^    #[0-9] |SUMMARY:' \
            "$work/$name.log" | head -30 || true
    fi
}
# The self-check first: each planted error must fail its run (not counted among the programs).
for mode in clean leak overflow ub fork; do
    rc=0
    bounded 60 "selfcheck $mode" "$work/selfcheck" "$mode" >"$work/selfcheck-$mode.log" 2>&1 || rc=$?
    if { [ "$mode" = clean ] && [ "$rc" != 0 ]; } || { [ "$mode" != clean ] && [ "$rc" = 0 ]; }; then
        echo "sanitize: self-check '$mode' exited with $rc: the sanitizers do not work as this script" \
            "expects (see $work/selfcheck-$mode.log)" >&2
        exit 1
    fi
done
echo "sanitize: self-check: a leak, a heap overflow (also in a forked child) and a signed overflow each failed their run"
# test_capi reads the numpy vectors relative to the repository root.
check c-door "$work/test_capi"
check fortran-door "$work/test_speedup_fortran"
check badinput-c "$work/badinput_c" "$work/cases.c.txt" "$work/funcs.txt" "$work/badinput-c.cases.log"
check badinput-fortran "$work/badinput_fortran" "$work/cases.f.txt" "$work/badinput-fortran.cases.log"
OMP_WAIT_POLICY=passive check stress "$work/stress"
check stress-host-fork "$work/stress" host-openmp-fork
echo "sanitize: $passed passed, $failed failed"
[ "$failed" = 0 ]
