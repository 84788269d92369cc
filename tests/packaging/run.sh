#!/usr/bin/env bash
# The packaging step of the test command: speedup as users get it, from the artifacts.
#   c.sh        the CMake package for a C-only user (no Fortran compiler, no legacy routines):
#               install, SONAME and links, find_package and pkg-config consumers, static link
#   fortran.sh  the Fortran modules with fpm against the installed library
#   python.sh   sdist -> wheel with build isolation -> auditwheel repair -> a new venv, used
#               from outside the repository on both backends; every shared object it loads
#   rust.sh     cargo package of the publishable crates
# Each ends with `packaging-<part>: N passed, 0 failed`; this script adds them up into
# `packaging: N passed, 0 failed`. SPEEDUP_PACKAGING_SKIP="python rust" skips parts (say why).
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/bounded.sh
mkdir -p target
log=target/packaging-tests.log
: >"$log"
total=0
for part in c fortran python rust; do
    if [[ " ${SPEEDUP_PACKAGING_SKIP:-} " == *" $part "* ]]; then
        echo "packaging: $part skipped (SPEEDUP_PACKAGING_SKIP)" | tee -a "$log"
        continue
    fi
    start=$SECONDS
    printf '\n==> packaging: %s\n' "$part"
    { bounded 1500 "packaging: $part" bash "tests/packaging/$part.sh" || true; } 2>&1 \
        | tee "target/packaging-$part.log"
    line=$(grep -E "^packaging-$part: [0-9]+ passed, 0 failed" "target/packaging-$part.log" | tail -1)
    [ -n "$line" ] || { echo "packaging: $part failed (target/packaging-$part.log)" >&2; exit 1; }
    n=$(echo "$line" | awk '{print $2}')
    total=$((total + n))
    echo "$line ($((SECONDS - start)) s)" | tee -a "$log"
done
echo "packaging: $total passed, 0 failed" | tee -a "$log"
