#!/usr/bin/env bash
# The bad-input matrix (tests/badinput/README.md): every case of cases.txt through every door
# (Rust, C, Fortran, Python over PyO3 and over ctypes) and every legacy twin, each checked for
# the documented error, a message naming the argument, and untouched outputs (sentinels).
#   1. cases.py resolves the table into target/badinput/cases.{c,f,rust}.txt;
#   2. builds the C and Fortran runners against target/release/libspeedup.so;
#   3. runs the Rust, C, Fortran and Python runners (per-case lines in target/badinput/<door>.log);
#   4. prints the matrix size and `badinput: N passed, 0 failed`; fails on any failure or gap.
# Environment: BADINPUT_PYTHON (default .venv's python; scripts/python-setup.sh runs when .venv
# lacks the package or its extension is older than the crates), BADINPUT_VALGRIND=1 runs the C and
# Fortran runners under valgrind memcheck (tests/memcheck.sh does that in the test command).
# Each runner runs under a time limit (tests/bounded.sh); the Rust runner is built first, so that
# its limit is for running only.
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/lib.sh
work=$root/target/badinput

py=${BADINPUT_PYTHON:-$root/.venv/bin/python}
python_ext_current "$py"

step "the table"
mkdir -p "$work/mod"
rm -f "$work"/*.log "$work"/cases.*.txt
"$py" tests/badinput/cases.py "$work"
# Every function of the C headers, for the C runner's coverage check.
cat include/speedup.h include/speedup_legacy.h | grep -oE '\bspeedup_[a-z0-9_]+\(' | tr -d '(' | sort -u >"$work/funcs.txt"

step "build: libspeedup.so, the C and Fortran runners"
cargo build --release -p speedup-capi --quiet
gcc -std=c11 -O1 -g -Wall -Wextra -Werror -Iinclude tests/badinput/run_c_main.c tests/badinput/run_c_args.c tests/badinput/run_c.c \
    -Ltarget/release -lspeedup -Wl,-rpath,"$root/target/release" -o "$work/run_c"
gfortran -std=f2018 -Wall -Werror -O1 -g -J "$work/mod" fortran_src/speedup/speedup_c.f90 fortran_src/speedup/speedup_door.f90 fortran_src/speedup/speedup.f90 fortran_src/speedup/speedup_legacy.f90 tests/badinput/run_fortran_support.f90 tests/badinput/run_fortran_calls.f90 tests/badinput/run_fortran.f90 \
    -Ltarget/release -lspeedup -Wl,-rpath,"$root/target/release" -o "$work/run_fortran"

vg=()
if [ "${BADINPUT_VALGRIND:-0}" = 1 ]; then
    vg=(valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect
        --suppressions="$root/tests/valgrind.supp")
fi

step "runners"
status=0
cargo test -p speedup-legacy --test badinput --quiet --no-run
SPEEDUP_BADINPUT_CASES=$work/cases.rust.txt SPEEDUP_BADINPUT_LOG=$work/rust.log \
    bounded 600 "the Rust bad-input runner" cargo test -p speedup-legacy --test badinput --quiet -- --nocapture 2>&1 \
    | grep -E '^badinput|FAIL|gap|panicked|^TIMEOUT' | tee "$work/summary.txt" || status=1
grep -q '^badinput rust:' "$work/summary.txt" || status=1
bounded 900 "the C bad-input runner" "${vg[@]}" "$work/run_c" "$work/cases.c.txt" "$work/funcs.txt" "$work/c.log" | tee -a "$work/summary.txt" || status=1
bounded 900 "the Fortran bad-input runner" "${vg[@]}" "$work/run_fortran" "$work/cases.f.txt" "$work/fortran.log" | tee -a "$work/summary.txt" || status=1
bounded 600 "the Python bad-input runner" "$py" tests/badinput/run_python.py "$work/python.log" | tee -a "$work/summary.txt" || status=1

step "matrix"
"$py" - "$work/summary.txt" "$status" <<'EOF'
import re, sys
rows = [re.match(r"badinput (\S+): (\d+) passed, (\d+) failed(?:, (\d+) not applicable)?", l)
        for l in open(sys.argv[1])]
rows = [m for m in rows if m]
passed = sum(int(m[2]) for m in rows)
failed = sum(int(m[3]) for m in rows) + (1 if sys.argv[2] != "0" and not any(int(m[3]) for m in rows) else 0)
sys.path.insert(0, "tests/badinput")
import cases
table, _ = cases.load()
print(f"{len(table)} cases ({sum(c.kernel in cases.TWINS for c in table)} with a legacy twin) x "
      f"{len(rows)} doors: {passed} checks run, the rest not applicable (reasons in target/badinput/*.log)")
print(f"badinput: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
EOF
