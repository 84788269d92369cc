#!/usr/bin/env bash
# valgrind memcheck of the native doors: the C door test program (tests/c/test_capi.c and its
# capi_*.c), the Fortran door test program (tests/fortran/test_speedup.f90 and its modules) and
# the bad-input runners of both doors (tests/badinput/run_c*.c, run_fortran.f90: every bad input
# of the table, where memory errors hide). Fails on any invalid read or write, use of uninitialised memory, or a
# definite, indirect or possible leak; tests/valgrind.supp holds the only suppressions (thread
# pool workers alive at exit), each explained. Prints one line per program with its time, then
# `memcheck: N passed, 0 failed`. About a minute on 2 cores (valgrind runs ~30-50x slower; the
# programs' inputs are small enough as they are). To find where an uninitialised value came
# from, rerun the program by hand with --track-origins=yes (it doubles the time).
# Each program runs under a time limit of 600 s (tests/bounded.sh); one that runs out fails.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
source tests/bounded.sh
work=$root/target/memcheck
mkdir -p "$work/mod"
command -v valgrind >/dev/null || { echo "memcheck.sh: valgrind is not installed" >&2; exit 1; }

cargo build --release -p speedup-capi --quiet
lib=$root/target/release
version=$(sed -n '/^\[workspace\.package\]/,/^\[/ s/^version *= *"\([^"]*\)".*/\1/p' Cargo.toml | head -n 1)
gcc -std=c11 -O2 -g -Wall -Wextra -Werror -Wpedantic -ffp-contract=off -Iinclude \
    -DEXPECTED_VERSION="\"$version\"" tests/c/test_capi.c tests/c/capi_*.c -o "$work/test_capi" \
    -L"$lib" -lspeedup -lm -Wl,-rpath,"$lib"
gfortran -std=f2018 -Wall -O2 -g -J "$work/mod" fortran_src/speedup/speedup_c.f90 fortran_src/speedup/speedup_door.f90 fortran_src/speedup/speedup.f90 fortran_src/speedup/speedup_legacy.f90 \
    tests/fortran/test_support.f90 tests/fortran/test_door_arrays.f90 tests/fortran/test_door_kernels.f90 tests/fortran/test_door_reductions.f90 tests/fortran/test_legacy_door.f90 tests/fortran/test_speedup.f90 \
    -L"$lib" -lspeedup -Wl,-rpath,"$lib" -o "$work/test_speedup_fortran"
python3 tests/badinput/cases.py "$work" >/dev/null
grep -oE '\bspeedup_[a-z0-9_]+\(' include/speedup.h | tr -d '(' | sort -u >"$work/funcs.txt"
gcc -std=c11 -O1 -g -Wall -Wextra -Werror -Iinclude tests/badinput/run_c_main.c tests/badinput/run_c_args.c tests/badinput/run_c.c \
    -L"$lib" -lspeedup -Wl,-rpath,"$lib" -o "$work/badinput_c"
gfortran -std=f2018 -Wall -Werror -O1 -g -J "$work/mod" fortran_src/speedup/speedup_c.f90 fortran_src/speedup/speedup_door.f90 fortran_src/speedup/speedup.f90 fortran_src/speedup/speedup_legacy.f90 tests/badinput/run_fortran_support.f90 tests/badinput/run_fortran_calls.f90 tests/badinput/run_fortran.f90 \
    -L"$lib" -lspeedup -Wl,-rpath,"$lib" -o "$work/badinput_fortran"

passed=0
failed=0
check() {  # check NAME COMMAND...: the command under memcheck; its output in $work/NAME.log
    local name=$1 t0 t1 rc=0
    shift
    t0=$(date +%s.%N)
    bounded 600 "$name under valgrind" valgrind --error-exitcode=99 --leak-check=full \
        --errors-for-leak-kinds=definite,indirect,possible \
        --suppressions="$root/tests/valgrind.supp" "$@" >"$work/$name.log" 2>&1 || rc=$?
    t1=$(date +%s.%N)
    local summary
    summary=$(grep -E 'ERROR SUMMARY' "$work/$name.log" | tail -1 | sed 's/^==[0-9]*== //')
    if [ "$rc" = 0 ]; then
        passed=$((passed + 1))
        printf 'ok   %-18s %6.1f s  %s\n' "$name" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" "$summary"
    else
        failed=$((failed + 1))
        printf 'FAIL %-18s exit %s: %s (see %s)\n' "$name" "$rc" "$summary" "$work/$name.log"
        grep '^TIMEOUT: ' "$work/$name.log" || true
        grep -E '^==[0-9]+== (Invalid|Conditional|Use of|.*(definitely|indirectly|possibly) lost)' \
            "$work/$name.log" | head -20 || true
    fi
}
# test_capi reads the numpy vectors relative to the repository root.
check c-door "$work/test_capi"
check fortran-door "$work/test_speedup_fortran"
check badinput-c "$work/badinput_c" "$work/cases.c.txt" "$work/funcs.txt" "$work/badinput-c.cases.log"
check badinput-fortran "$work/badinput_fortran" "$work/cases.f.txt" "$work/badinput-fortran.cases.log"
echo "memcheck: $passed passed, $failed failed"
[ "$failed" = 0 ]
