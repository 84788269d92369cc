#!/usr/bin/env bash
# The examples of examples/ (and the Rust one, crates/speedup-core/examples/example.rs), built as
# a user builds them and run:
#   1. install the CMake package (build/cmake, as tests/cmake/run.sh leaves it; configured and
#      built here when missing) into a temporary prefix;
#   2. build the C example with find_package (examples/c/CMakeLists.txt) and with pkg-config
#      (examples/c/Makefile), the Fortran example with find_package (COMPONENTS Fortran) and
#      with fpm (examples/fortran/fpm.toml, in a copy of the files it needs; fpm comes from the
#      Python package index into .venv), the Rust example with cargo;
#   3. run every program under a time limit (tests/bounded.sh): those four, example.py on both
#      Python backends, the C one at 1 thread, and the other Python scripts (threads,
#      threadpoolctl, Dask with the synchronous scheduler and with a LocalCluster);
#   4. compare the common lines (every line not starting with '#') of each program that prints
#      them with the C find_package build's, byte for byte.
# Prints a table, the common lines, and ends with `examples: N passed, M failed` (one per
# program: built, ran, and where it prints the common lines, identical). Exit status 1 on a failure.
# Needs the Python environment of scripts/python-setup.sh (run here when speedup is missing).
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/lib.sh
scratch_dir speedup-examples
export CMAKE_BUILD_PARALLEL_LEVEL=${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc 2>/dev/null || echo 2)}
t_all=$(date +%s)

# Python: speedup (both backends), threadpoolctl, dask, and fpm, all in .venv.
py=$root/.venv/bin/python
if ! { [ -x "$py" ] && "$py" -c 'import speedup, threadpoolctl, dask.distributed' 2>/dev/null; }; then
    step "Python environment (scripts/python-setup.sh)"
    bash scripts/python-setup.sh
fi
fpm_in_venv

prefix=$tmp/prefix
install_cmake_package "$prefix"
export PKG_CONFIG_PATH=$libdir/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}
echo "installed into <prefix>/${libdir#"$prefix"/}"

# One row per program: name, how it was built, its run time, its common lines' verdict.
names=() hows=() times=() verdicts=()
passed=0
failed=0
reference=$tmp/out/c-cmake.txt
mkdir -p "$tmp/out" "$tmp/logs"

# build NAME LOG COMMAND...: runs a build step quietly; on failure prints the log's tail.
build() {
    local name=$1 log=$2
    shift 2
    if timeout 1800 "$@" >"$log" 2>&1; then return 0; fi
    echo "FAIL: $name: the build failed: $*" >&2
    tail -30 "$log" >&2
    return 1
}

# record NAME HOW VERDICT TIME
record() {
    names+=("$1") hows+=("$2") verdicts+=("$3") times+=("$4")
    case $3 in
        FAIL*) failed=$((failed + 1)) ;;
        *) passed=$((passed + 1)) ;;
    esac
}

# example NAME HOW LIMIT COMMON(yes|no) COMMAND...: runs COMMAND under a time limit, its stdout
# to $tmp/out/NAME.txt; with COMMON=yes its common lines must equal the reference's.
example() {
    local name=$1 how=$2 limit=$3 common=$4 out t0 t1 rc=0
    shift 4
    out=$tmp/out/$name.txt
    t0=$(date +%s.%N)
    bounded "$limit" "$name" "$@" >"$out" 2>"$tmp/logs/$name.err" || rc=$?
    t1=$(date +%s.%N)
    local secs
    secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f s", b - a}')
    if [ "$rc" -ne 0 ]; then
        echo "FAIL: $name exited with status $rc" >&2
        tail -20 "$tmp/logs/$name.err" >&2
        record "$name" "$how" "FAIL (exit $rc)" "$secs"
        return 0
    fi
    if [ "$common" = no ]; then
        record "$name" "$how" "ran" "$secs"
    elif [ "$out" = "$reference" ]; then
        if [ "$(grep -cv '^#' "$out")" -ge 5 ] && ! grep -q '^$' "$out"; then
            record "$name" "$how" "reference ($(grep -cv '^#' "$out") lines)" "$secs"
        else
            echo "FAIL: $name: the reference output is too short or has empty lines" >&2
            cat "$out" >&2
            record "$name" "$how" "FAIL (reference output)" "$secs"
        fi
    elif [ ! -s "$reference" ]; then
        record "$name" "$how" "FAIL (no reference to compare with)" "$secs"
    elif diff <(grep -v '^#' "$reference") <(grep -v '^#' "$out") >"$tmp/logs/$name.diff"; then
        record "$name" "$how" "identical" "$secs"
    else
        echo "FAIL: $name: its common lines differ from c-cmake's (< c-cmake, > $name):" >&2
        cat "$tmp/logs/$name.diff" >&2
        record "$name" "$how" "FAIL (differs)" "$secs"
    fi
}
# fail NAME HOW: a program that could not be built.
fail() { record "$1" "$2" "FAIL (build)" "-"; }

step "C: find_package(speedup) and pkg-config"
how="CMake, find_package(speedup)"
if build c-cmake "$tmp/logs/c-cmake.build" cmake -S examples/c -B "$tmp/c-cmake" \
    -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Release \
    && build c-cmake "$tmp/logs/c-cmake.build2" cmake --build "$tmp/c-cmake"; then
    example c-cmake "$how" 60 yes "$tmp/c-cmake/example"
    example c-cmake-1-thread "$how, SPEEDUP_NUM_THREADS=1" 60 yes \
        env SPEEDUP_NUM_THREADS=1 "$tmp/c-cmake/example"
else
    fail c-cmake "$how"
fi
how="make, pkg-config speedup"
mkdir -p "$tmp/c-pc"
if build c-pkgconfig "$tmp/logs/c-pkgconfig.build" make -C examples/c OUT="$tmp/c-pc/example"; then
    example c-pkgconfig "$how" 60 yes "$tmp/c-pc/example"
else
    fail c-pkgconfig "$how"
fi

step "Fortran: find_package(speedup COMPONENTS Fortran) and fpm"
how="CMake, find_package(speedup COMPONENTS Fortran)"
if build fortran-cmake "$tmp/logs/fortran-cmake.build" cmake -S examples/fortran \
    -B "$tmp/fortran-cmake" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Release \
    && build fortran-cmake "$tmp/logs/fortran-cmake.build2" cmake --build "$tmp/fortran-cmake"; then
    example fortran-cmake "$how" 60 yes "$tmp/fortran-cmake/example"
else
    fail fortran-cmake "$how"
fi
# fpm in a copy laid out like the repository (examples/fortran/fpm.toml depends on "../.."),
# holding only the files the two fpm.toml name, so that nothing is built in the work tree.
how="fpm $("$fpm" --version 2>/dev/null | sed -n 's/^Version: *\([^,]*\).*/\1/p' | head -n 1), path dependency on the root fpm.toml"
proj=$tmp/fpm-project
mkdir -p "$proj/fortran_src" "$proj/examples/fortran"
cp fpm.toml "$proj/"
cp -r fortran_src/speedup "$proj/fortran_src/"
cp examples/fortran/fpm.toml examples/fortran/example.f90 "$proj/examples/fortran/"
if (cd "$proj/examples/fortran" && export FPM_LDFLAGS="-L$libdir -Wl,-rpath,$libdir" \
    && build fortran-fpm "$tmp/logs/fortran-fpm.build" "$fpm" build --profile release); then
    exe=$(find "$proj/examples/fortran/build" -type f -name example -perm -u+x | head -n 1)
    example fortran-fpm "$how" 60 yes "$exe"
else
    fail fortran-fpm "$how"
fi

step "Rust: cargo example of speedup-core"
how="cargo build --release -p speedup-core --example example"
if build rust "$tmp/logs/rust.build" cargo build --release -q -p speedup-core --example example; then
    target=$(cargo metadata --no-deps --format-version 1 \
        | "$py" -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
    example rust "$how" 60 yes "$target/release/examples/example"
else
    fail rust "$how"
fi

step "Python: example.py on both backends, and the other scripts"
example python-pyo3 "examples/python/example.py, PyO3 backend" 120 yes \
    env SPEEDUP_BACKEND=pyo3 "$py" examples/python/example.py
example python-ctypes "examples/python/example.py, ctypes backend" 120 yes \
    env SPEEDUP_BACKEND=ctypes "$py" examples/python/example.py
example python-threads "examples/python/threads.py" 120 no "$py" examples/python/threads.py
example python-threadpoolctl "examples/python/threadpoolctl_limits.py" 120 no \
    "$py" examples/python/threadpoolctl_limits.py
example python-dask "examples/python/dask_example.py (synchronous)" 120 no \
    "$py" examples/python/dask_example.py
example python-dask-cluster "examples/python/dask_example.py --local-cluster" 180 no \
    "$py" examples/python/dask_example.py --local-cluster

step "the common lines (c-cmake)"
sed 's/^/    /' "$reference" 2>/dev/null || true

step "summary"
printf '%-22s %-62s %9s  %s\n' program "built and run with" time "common lines"
for k in "${!names[@]}"; do
    printf '%-22s %-62s %9s  %s\n' "${names[$k]}" "${hows[$k]}" "${times[$k]}" "${verdicts[$k]}"
done
echo "(all in $(($(date +%s) - t_all)) s)"
echo "examples: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
