#!/usr/bin/env bash
# The shipped library's exports and its SONAME:
# - every function declared in include/speedup.h and include/speedup_legacy.h is exported by
#   libspeedup.so, and every exported speedup_* symbol is declared in one of them;
# - no test-only symbol (speedup_test_*) is exported;
# - the SONAME is libspeedup.so.<major>.
#   usage: tests/check_symbols.sh [library [--no-legacy]]
# With --no-legacy (a build without the cargo feature `legacy`): speedup.h alone, and no
# speedup_legacy_* symbol, libgomp or libgfortran in the library.
set -euo pipefail
cd "$(dirname "$0")/.."
lib=${1:-target/release/libspeedup.so}
mode=${2:-}
headers=(include/speedup.h include/speedup_legacy.h)
[ "$mode" = --no-legacy ] && headers=(include/speedup.h)
declared=$(cat "${headers[@]}" | grep -oE '\bspeedup_[a-z0-9_]+\(' | tr -d '(' | sort -u)
exported=$(nm -D --defined-only "$lib" | awk '$2 == "T" && $3 ~ /^speedup_/ {print $3}' | sort -u)
missing=$(comm -23 <(echo "$declared") <(echo "$exported"))
undeclared=$(comm -13 <(echo "$declared") <(echo "$exported"))
if [ -n "$missing" ] || [ -n "$undeclared" ]; then
    echo "declared but not exported: ${missing:-none}" >&2
    echo "exported but not declared: ${undeclared:-none}" >&2
    exit 1
fi
major=$(sed -n '/^\[workspace.package\]/,/^\[/s/^version *= *"\([0-9]*\)\..*/\1/p' Cargo.toml)
soname=$(readelf -d "$lib" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
if [ "$soname" != "libspeedup.so.$major" ]; then
    echo "SONAME of $lib is '${soname:-none}', expected libspeedup.so.$major" >&2
    exit 1
fi
if [ "$mode" = --no-legacy ]; then
    needed=$(readelf -d "$lib" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')
    case "$needed" in *gomp*|*gfortran*)
        echo "a build without legacy links an OpenMP/Fortran runtime: $needed" >&2; exit 1;;
    esac
fi
echo "symbols: $(echo "$declared" | wc -l) speedup_* functions declared (${headers[*]}) and exported; SONAME $soname"
