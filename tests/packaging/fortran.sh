#!/usr/bin/env bash
# The Fortran modules with fpm (fpm.toml at the repository root) against the INSTALLED library:
#   1. install the CMake package (build/cmake, as tests/cmake/run.sh leaves it; configured and
#      built here when missing) into a temporary prefix;
#   2. `fpm build` and `fpm test`, in a copy of just the files fpm.toml names, with FPM_LDFLAGS pointing at that prefix (fpm comes from the
#      Python package index into the project venv .venv);
#   3. check that the test program loads libspeedup.so.<major> from the prefix.
# Ends with `packaging-fortran: N passed, 0 failed`.
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/lib.sh
scratch_dir speedup-pkg-f

version=$(workspace_version)
fpm_version=$(sed -n 's/^version *= *"\([^"]*\)".*/\1/p' fpm.toml | head -n 1)
[ "$fpm_version" = "$version" ] \
    || { echo "fpm.toml says version $fpm_version, Cargo.toml $version" >&2; exit 1; }
ok "fpm.toml's version is the workspace's ($version)"

[ -x .venv/bin/python ] || python3 -m venv .venv
fpm_in_venv

prefix=$tmp/prefix
install_cmake_package "$prefix"
ok "installed into <prefix>/${libdir#"$prefix"/}"

step "fpm $("$fpm" --version 2>/dev/null | sed -n 's/^Version: *//p' | head -n 1): build and test"
# In a copy holding only what fpm.toml names, so the fpm package is shown self-contained and
# nothing of an earlier fpm build in the repository's build/ is reused.
proj=$tmp/fpm-project
mkdir -p "$proj/fortran_src" "$proj/tests"
cp fpm.toml "$proj/"
cp -r fortran_src/speedup "$proj/fortran_src/"
cp -r tests/fpm "$proj/tests/"
cd "$proj"
export FPM_LDFLAGS="-L$libdir -Wl,-rpath,$libdir"
timeout 600 "$fpm" build >"$tmp/fpm-build.log" 2>&1 || { tail -40 "$tmp/fpm-build.log"; exit 1; }
ok "fpm build"
timeout 600 "$fpm" test 2>&1 | tee "$tmp/fpm-test.log" | grep -E 'passed|FAIL|rror' || true
grep -qE '^fpm: .* [0-9]+ passed, 0 failed' "$tmp/fpm-test.log" \
    || { tail -40 "$tmp/fpm-test.log"; exit 1; }
ok "fpm test"
exe=$proj/$(find build -name speedup-fpm -type f | head -n 1)
cd "$root"
major=$(sed -n '/^\[workspace\.package\]/,/^\[/ s/^version *= *"\([0-9]*\)\..*/\1/p' Cargo.toml)
resolved=$(ldd "$exe" | awk -v n="libspeedup.so.$major" '$1 == n {print $3}')
case "$resolved" in
    "$libdir"/*) ok "the test program loads libspeedup.so.$major from the prefix" ;;
    *) echo "the fpm test loads libspeedup.so.$major from '${resolved:-nowhere}', not $libdir" >&2; exit 1 ;;
esac
echo "packaging-fortran: $passed passed, 0 failed"
