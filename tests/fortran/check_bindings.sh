#!/usr/bin/env bash
# Drift test of the Fortran door: every function declared in a C header must have a
# `bind(C, name='...')` interface in its Fortran module, and every speedup_* binding there must
# be a function of the header (each bound once). The pairs:
#   include/speedup.h         <-> fortran_src/speedup/speedup_c.f90       (module speedup_c)
#   include/speedup_legacy.h  <-> fortran_src/speedup/speedup_legacy.f90  (module speedup_legacy)
#   usage: tests/fortran/check_bindings.sh [header module]   (default: both pairs above)
set -euo pipefail
cd "$(dirname "$0")/../.."

check() {
    local header=$1 module=$2
    # Declarations: a return type at the start of a line, then the name and its '('; comments
    # (which mention names in backticks) do not match.
    local declared bound_all bound twice missing extra
    declared=$(grep -oE '^[A-Za-z_][A-Za-z0-9_ ]*[ *]speedup_[a-z0-9_]+\(' "$header" \
        | sed -E 's/.*(speedup_[a-z0-9_]+)\($/\1/' | sort -u)
    # Binding labels, either quote, any case and spacing (libc helpers such as strlen are not ours).
    bound_all=$(grep -v '^[[:space:]]*!' "$module" \
        | grep -oiE "bind *\( *c *, *name *= *['\"]speedup_[a-z0-9_]+['\"]" \
        | grep -oE 'speedup_[a-z0-9_]+' | sort)
    bound=$(echo "$bound_all" | uniq)
    twice=$(echo "$bound_all" | uniq -d)
    missing=$(comm -23 <(echo "$declared") <(echo "$bound"))
    extra=$(comm -13 <(echo "$declared") <(echo "$bound"))
    if [ -z "$declared" ] || [ -n "$missing" ] || [ -n "$extra" ] || [ -n "$twice" ]; then
        [ -n "$declared" ] || echo "no speedup_* declarations found in $header" >&2
        [ -z "$missing" ] || echo "declared in $header but not bound in $module:" $missing >&2
        [ -z "$extra" ] || echo "bound in $module but not declared in $header:" $extra >&2
        [ -z "$twice" ] || echo "bound more than once in $module:" $twice >&2
        return 1
    fi
    echo "bindings: $(echo "$declared" | wc -l) functions of $header, each bound once in $module"
}

if [ $# -ge 1 ]; then
    check "$1" "${2:-fortran_src/speedup/speedup_c.f90}"
else
    check include/speedup.h fortran_src/speedup/speedup_c.f90
    check include/speedup_legacy.h fortran_src/speedup/speedup_legacy.f90
fi
