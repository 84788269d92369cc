#!/usr/bin/env bash
# The CMake package as a C-only user gets it: no Fortran compiler, no OpenMP runtime.
#   1. configure, build and install with SPEEDUP_FORTRAN=OFF SPEEDUP_LEGACY=OFF while gfortran
#      is hidden (a `gfortran` first on PATH that fails loudly, FC pointing nowhere): the build
#      must not need it;
#   2. check the installed files: libspeedup.so.<version>, the links libspeedup.so.<major>
#      (the SONAME) and libspeedup.so, libspeedup.a, speedup.h, no speedup_legacy.h, no
#      Fortran module; the library's SONAME, its exports (speedup.h's functions, no
#      speedup_legacy_*), no libgomp/libgfortran among its NEEDED;
#   3. build the consumer project (tests/consumer, C only) with find_package, against the shared
#      and the static library, and with pkg-config (shared, and static with Libs.private);
#      run all four and check that the shared ones record libspeedup.so.<major>.
# Ends with `packaging-c: N passed, 0 failed`. The cargo build goes to target/cmake-no-legacy.
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/lib.sh
scratch_dir speedup-pkg-c

version=$(workspace_version)
major=${version%%.*}

# gfortran hidden: any use of it fails the build with this message.
mkdir -p "$tmp/nofortran"
printf '#!/bin/sh\necho "gfortran is hidden from this build (tests/packaging/c.sh)" >&2\nexit 97\n' \
    >"$tmp/nofortran/gfortran"
chmod +x "$tmp/nofortran/gfortran"
ln -s gfortran "$tmp/nofortran/f95"
export PATH="$tmp/nofortran:$PATH" FC="$tmp/nofortran/gfortran"
export CMAKE_BUILD_PARALLEL_LEVEL=${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc 2>/dev/null || echo 2)}

step "configure, build, ctest and install with SPEEDUP_FORTRAN=OFF SPEEDUP_LEGACY=OFF (gfortran hidden)"
build=$root/build/c-only
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DSPEEDUP_FORTRAN=OFF \
    -DSPEEDUP_LEGACY=OFF >"$tmp/configure.log" || { cat "$tmp/configure.log"; exit 1; }
timeout 1200 cmake --build "$build" >"$tmp/build.log" 2>&1 || { tail -40 "$tmp/build.log"; exit 1; }
ok "configured and built without a Fortran compiler"
ctest --test-dir "$build" --output-on-failure >"$tmp/ctest.log" || { cat "$tmp/ctest.log"; exit 1; }
ok "ctest: $(grep -E 'tests passed' "$tmp/ctest.log" | tail -1)"
prefix=$tmp/prefix
cmake --install "$build" --prefix "$prefix" >"$tmp/install.log"
libdir=$prefix/lib
[ -d "$libdir" ] || libdir=$(dirname "$(find "$prefix" -name "libspeedup.so.$version" | head -n 1)")

step "installed files"
[ -f "$libdir/libspeedup.so.$version" ] && [ ! -L "$libdir/libspeedup.so.$version" ]
[ "$(readlink "$libdir/libspeedup.so.$major")" = "libspeedup.so.$version" ]
[ "$(readlink "$libdir/libspeedup.so")" = "libspeedup.so.$major" ]
ok "libspeedup.so.$version, libspeedup.so.$major -> libspeedup.so.$version, libspeedup.so -> libspeedup.so.$major"
[ -f "$libdir/libspeedup.a" ]
ok "libspeedup.a installed ($(du -h "$libdir/libspeedup.a" | cut -f1))"
[ -f "$prefix/include/speedup.h" ] && [ ! -e "$prefix/include/speedup_legacy.h" ]
[ -z "$(find "$prefix" -name '*.mod' -o -name 'libspeedup_fortran.a' -o -name 'speedup-fortran.pc')" ]
ok "speedup.h; no speedup_legacy.h, Fortran module or speedup-fortran.pc"
tests/check_symbols.sh "$libdir/libspeedup.so.$version" --no-legacy
ok "exports, SONAME libspeedup.so.$major, no OpenMP or Fortran runtime"

step "consumer with find_package(speedup), C only: shared and static"
cmake -S tests/consumer -B "$tmp/consumer" -DCMAKE_PREFIX_PATH="$prefix" -DCONSUMER_FORTRAN=OFF \
    -DCMAKE_BUILD_TYPE=Release >"$tmp/consumer-configure.log" \
    || { cat "$tmp/consumer-configure.log"; exit 1; }
cmake --build "$tmp/consumer" >"$tmp/consumer-build.log" || { cat "$tmp/consumer-build.log"; exit 1; }
"$tmp/consumer/consumer_c"
readelf -d "$tmp/consumer/consumer_c" | grep -q "NEEDED.*\[libspeedup.so.$major\]"
ok "find_package, shared: runs, records libspeedup.so.$major"
"$tmp/consumer/consumer_c_static"
if readelf -d "$tmp/consumer/consumer_c_static" | grep -q 'NEEDED.*libspeedup'; then
    echo "consumer_c_static needs libspeedup.so: not a static link" >&2; exit 1
fi
ok "find_package, static: runs, no libspeedup.so needed"

step "consumer with pkg-config: shared and static (Libs.private)"
export PKG_CONFIG_PATH=$libdir/pkgconfig
cc=${CC:-gcc}
"$cc" -std=c11 -Wall -Wextra -Werror tests/consumer/consumer.c $(pkg-config --cflags --libs speedup) \
    -Wl,-rpath,"$libdir" -o "$tmp/pc_shared"
"$tmp/pc_shared"
readelf -d "$tmp/pc_shared" | grep -q "NEEDED.*\[libspeedup.so.$major\]"
ok "pkg-config, shared"
"$cc" -std=c11 -Wall -Wextra -Werror tests/consumer/consumer.c \
    $(pkg-config --cflags speedup) "$libdir/libspeedup.a" \
    $(pkg-config --static --libs-only-l speedup | sed 's/-lspeedup\b//') -o "$tmp/pc_static"
"$tmp/pc_static"
if readelf -d "$tmp/pc_static" | grep -q 'NEEDED.*libspeedup'; then
    echo "pc_static needs libspeedup.so: not a static link" >&2; exit 1
fi
ok "pkg-config --static: $(pkg-config --static --libs-only-l speedup)"

echo "packaging-c: $passed passed, 0 failed"
