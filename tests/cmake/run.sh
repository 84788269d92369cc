#!/usr/bin/env bash
# The CMake package, end to end:
#   1. configure + build + ctest in build/ (libspeedup via cargo, the Fortran module, the C and
#      Fortran test programs);
#   2. install into a temporary prefix;
#   3. build the consumer project tests/consumer against the installed package, once with
#      find_package(speedup) and once with plain gcc/gfortran command lines from pkg-config;
#   4. run the six consumer programs (C against the shared and the static library, Fortran).
# Idempotent and incremental: build/ is reused, cargo's target/ is shared with `cargo build`;
# the temporary prefix and consumer builds are removed at exit.
# Environment: SPEEDUP_CMAKE_BUILD (default build/cmake; fpm uses build/ too, for its own folders), CMAKE_BUILD_PARALLEL_LEVEL, CC, FC.
# Every test program runs under a time limit: ctest --timeout for the ctest programs (ctest names
# a test that ran out: ***Timeout), tests/bounded.sh for the consumers.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
source tests/bounded.sh
build=${SPEEDUP_CMAKE_BUILD:-$root/build/cmake}
export CMAKE_BUILD_PARALLEL_LEVEL=${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc 2>/dev/null || echo 4)}
cc=${CC:-gcc}
fc=${FC:-gfortran}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/speedup-cmake.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
step() { printf '\n--> %s\n' "$*"; }

step "configure, build and ctest in $build"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >"$tmp/configure.log" \
    || { cat "$tmp/configure.log"; exit 1; }
cmake --build "$build"
ctest --test-dir "$build" --output-on-failure --timeout 300 | tee "$tmp/ctest.log"
ctest_line=$(grep -E 'tests passed' "$tmp/ctest.log" | tail -1)

step "install into a temporary prefix"
prefix=$tmp/prefix
cmake --install "$build" --prefix "$prefix" >"$tmp/install.log"
sed "s|$prefix|<prefix>|" "$tmp/install.log" | grep -E 'Installing|Up-to-date' | sed 's/^-- //'

step "consumer with find_package(speedup)"
cmake -S "$root/tests/consumer" -B "$tmp/consumer-cmake" -DCMAKE_PREFIX_PATH="$prefix" \
    -DCMAKE_BUILD_TYPE=Release >"$tmp/consumer-configure.log" \
    || { cat "$tmp/consumer-configure.log"; exit 1; }
cmake --build "$tmp/consumer-cmake" >"$tmp/consumer-build.log" \
    || { cat "$tmp/consumer-build.log"; exit 1; }
bounded 60 "consumer-cmake/consumer_c" "$tmp/consumer-cmake/consumer_c"
bounded 60 "consumer-cmake/consumer_c_static" "$tmp/consumer-cmake/consumer_c_static"
bounded 60 "consumer-cmake/consumer_fortran" "$tmp/consumer-cmake/consumer_fortran"

step "consumer with pkg-config"
pcdir=$(dirname "$(find "$prefix" -name speedup.pc | head -n 1)")
export PKG_CONFIG_PATH=$pcdir${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}
libdir=$(pkg-config --variable=libdir speedup)
mkdir -p "$tmp/consumer-pc"
set -x
"$cc" -std=c11 -Wall -Wextra -Werror tests/consumer/consumer.c \
    $(pkg-config --cflags --libs speedup) -Wl,-rpath,"$libdir" -o "$tmp/consumer-pc/consumer_c"
# Static: libspeedup.a and Libs.private (the libraries it needs), no libspeedup.so at run time.
"$cc" -std=c11 -Wall -Wextra -Werror tests/consumer/consumer.c $(pkg-config --cflags speedup) \
    "$libdir/libspeedup.a" $(pkg-config --static --libs-only-l speedup | sed 's/-lspeedup//') \
    -o "$tmp/consumer-pc/consumer_c_static"
"$fc" -std=f2018 -Wall -Werror tests/consumer/consumer.f90 \
    $(pkg-config --cflags --libs speedup-fortran) -Wl,-rpath,"$libdir" \
    -o "$tmp/consumer-pc/consumer_fortran"
{ set +x; } 2>/dev/null
bounded 60 "consumer-pc/consumer_c" "$tmp/consumer-pc/consumer_c"
bounded 60 "consumer-pc/consumer_c_static" "$tmp/consumer-pc/consumer_c_static"
bounded 60 "consumer-pc/consumer_fortran" "$tmp/consumer-pc/consumer_fortran"
for exe in consumer-cmake/consumer_c_static consumer-pc/consumer_c_static; do
    if readelf -d "$tmp/$exe" | grep -q 'NEEDED.*libspeedup'; then
        echo "$exe needs libspeedup.so: not a static link" >&2; exit 1
    fi
done

step "summary"
echo "cmake: ${ctest_line}; installed package consumed by find_package and by pkg-config (C shared and static, Fortran): 6 programs ok"
