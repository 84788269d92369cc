#!/usr/bin/env bash
# Huge arrays: sum and second_derivative on more than 2^31 elements (sum also past 2^32), through
# the C door (tests/huge/huge.c), Python on both backends (tests/huge/huge.py), the Fortran door
# (tests/huge/huge_fortran.f90: sums) and the legacy twins, checked against results known in closed form. Parts of each program:
#   sum-alias  inputs whose pages are one 3 MiB block mapped again and again: no memory needed;
#   real       one real 16 GiB buffer (sum input, then stencil output): skipped, with a line
#              saying what it needs and what is available, when MemAvailable is short.
# Modes (first-touching 16 GiB takes 30-100 s on a 2-core VM, most of a part's time):
#   default             C: sum-alias and real; Python: sum-alias (about 2 minutes);
#   --full, SPEEDUP_HUGE=full     Python's real part too (about 4 minutes);
#   --alias-only, SPEEDUP_HUGE=alias   no real memory at all (about 40 s).
# The programs run one after the other (each frees its memory before it ends), each under a time
# limit (tests/bounded.sh). Prints "huge: N passed, 0 failed, M skipped" last (also in
# target/huge-tests.log).
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/lib.sh

parse_mode "${SPEEDUP_HUGE:-default}" "tests/huge/run.sh [--full | --alias-only]" \
    --full=full --alias-only=alias -- "$@"
case $mode in
    default) c_parts=(sum-alias real) py_parts=(sum-alias) ;;
    full) c_parts=(sum-alias real) py_parts=(sum-alias real) ;;
    alias) c_parts=(sum-alias) py_parts=(sum-alias) ;;
    *) echo "huge: SPEEDUP_HUGE must be 'full', 'alias' or unset, got '$mode'" >&2; exit 2 ;;
esac

test_dirs huge

build_c_program tests/huge/huge.c "$out/huge"

mkdir -p "$out/mod"
"${CC:-gcc}" -std=c11 -O2 -Wall -Wextra -Werror -Wno-unused-function -DHUGE_NO_MAIN -I include -c tests/huge/huge.c \
    -o "$out/alias.o"
gfortran -std=f2018 -Wall -Werror -O2 -J "$out/mod" fortran_src/speedup/speedup_c.f90 \
    fortran_src/speedup/speedup_door.f90 fortran_src/speedup/speedup.f90 \
    fortran_src/speedup/speedup_legacy.f90 tests/huge/huge_fortran.f90 "$out/alias.o" \
    -o "$out/huge_fortran" -L target/release -lspeedup -Wl,-rpath,"$root/target/release"

echo "==> huge arrays ($mode): C door and legacy twins: ${c_parts[*]}"
start=$SECONDS
bounded 400 "the huge-array program (C)" "$out/huge" "${c_parts[@]}" 2>&1 | tee "$out/c.log"
c_time=$((SECONDS - start))
echo "==> huge arrays ($mode): Python (pyo3, ctypes) and speedup.legacy: ${py_parts[*]}"
start=$SECONDS
bounded 400 "the huge-array program (Python)" "$VPY" tests/huge/huge.py "${py_parts[@]}" 2>&1 | tee "$out/py.log"
py_time=$((SECONDS - start))

echo "==> huge arrays ($mode): the Fortran door (sum-alias)"
start=$SECONDS
bounded 300 "the huge-array program (Fortran)" "$out/huge_fortran" 2>&1 | tee "$out/fortran.log"
f_time=$((SECONDS - start))

tally huge '^huge-(c|py|fortran): [0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "2 4 6" \
    "$out/c.log" "$out/py.log" "$out/fortran.log"
{
    echo "huge ($mode): C ${c_time} s (${c_parts[*]}), Python ${py_time} s (${py_parts[*]}), Fortran ${f_time} s (sum-alias)"
    grep -hE '^huge-(c|py): SKIP' "$out/c.log" "$out/py.log" || true
    echo "huge: $passed passed, $failed failed, $skipped skipped"
} | tee -a "$log"
[ "$failed" = 0 ]
