# Helpers shared by the shell test scripts under tests/. Source it from the repository root:
# it sets root (that folder) and sources tests/bounded.sh (the time limits).
# shellcheck shell=bash
root=$PWD
source tests/bounded.sh

# A heading for the next part of a run.
step() { printf '\n--> %s\n' "$*"; }

# Runs scripts/python-setup.sh when the PyO3 extension that python $1 imports is missing or
# older than a Rust source of crates/ (the PyO3 door must run the current code).
python_ext_current() {
    local ext
    ext=$("$1" -c 'import speedup._speedup as m; print(m.__file__)' 2>/dev/null || true)
    if [ -z "$ext" ] || [ -n "$(find crates -newer "$ext" -name '*.rs' -print -quit)" ]; then
        step "Python environment (scripts/python-setup.sh)"
        scripts/python-setup.sh
    fi
}

# The folders of a long-run test NAME: out=target/NAME (created), log=target/NAME-tests.log
# (emptied), VPY the project venv's python (set up when missing).
test_dirs() {
    out=target/$1
    mkdir -p "$out"
    log=target/$1-tests.log
    : > "$log"
    [ -x .venv/bin/python ] || scripts/python-setup.sh
    VPY=$root/.venv/bin/python
}

# Builds libspeedup (release) and the C program $1 against it, as $2.
build_c_program() {
    cargo build --release -p speedup-capi --quiet
    "${CC:-gcc}" -std=c11 -O2 -Wall -Wextra -Werror -pthread -I include "$1" \
        -o "$2" -L target/release -lspeedup -lm -Wl,-rpath,"$root/target/release"
}

# The workspace version (Cargo.toml's [workspace.package]).
workspace_version() {
    sed -n '/^\[workspace\.package\]/,/^\[/ s/^version *= *"\([^"]*\)".*/\1/p' Cargo.toml | head -n 1
}

# A scratch folder as $tmp (mktemp, named after $1), removed at exit.
scratch_dir() {
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")
    trap 'rm -rf "$tmp"' EXIT
}

# `parse_mode DEFAULT USAGE FLAG=MODE ... -- ARGS ...`: sets mode to DEFAULT, or to the MODE of
# the last FLAG among ARGS; any other argument prints "usage: USAGE" and exits 2.
parse_mode() {
    mode=$1
    local usage=$2 arg
    local -A modes=()
    shift 2
    while [ "$1" != -- ]; do
        modes[${1%%=*}]=${1#*=}
        shift
    done
    shift
    for arg in "$@"; do
        [ -n "${modes[$arg]:-}" ] || { echo "usage: $usage" >&2; exit 2; }
        mode=${modes[$arg]}
    done
}

# `tally NAME PATTERN "P F [S]" LOG ...`: adds up, over the LOGs, the counts of each one's last
# line matching PATTERN (an extended regex): passed, failed and skipped are its awk fields P, F
# and S, into $passed, $failed and $skipped. A LOG with no such line is one failure, said.
tally() {
    local name=$1 pattern=$2 p fl sk f last
    read -r p fl sk <<<"$3"
    shift 3
    passed=0 failed=0 skipped=0
    for f in "$@"; do
        last=$(grep -E "$pattern" "$f" | tail -1 || true)
        if [ -z "$last" ]; then
            echo "$name: $(basename "$f" .log) did not finish (see $f)" >&2
            failed=$((failed + 1))
            continue
        fi
        passed=$((passed + $(echo "$last" | awk -v i="$p" '{print $i}')))
        failed=$((failed + $(echo "$last" | awk -v i="$fl" '{print $i}')))
        [ -z "$sk" ] || skipped=$((skipped + $(echo "$last" | awk -v i="$sk" '{print $i}')))
    done
}

# `ok TEXT`: one more passed check ($passed), printed.
passed=0
ok() { passed=$((passed + 1)); echo "ok: $*"; }

# `fpm_in_venv`: fpm (from the Python package index) in the project venv .venv, which must
# exist; sets fpm to its path.
fpm_in_venv() {
    .venv/bin/python -c 'import fpm' 2>/dev/null || .venv/bin/python -m pip install -q "fpm>=0.10"
    fpm=$root/.venv/bin/fpm
}

# `install_cmake_package PREFIX`: builds the CMake package in build/cmake (SPEEDUP_CMAKE_BUILD;
# as tests/cmake/run.sh leaves it, configured here when missing) and installs it into PREFIX,
# the logs in $tmp (scratch_dir); sets libdir to the folder of the installed libspeedup.so.
install_cmake_package() {
    local build=${SPEEDUP_CMAKE_BUILD:-$root/build/cmake}
    if [ ! -f "$build/CMakeCache.txt" ]; then
        step "configure the CMake package in $build"
        cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >"$tmp/configure.log" \
            || { cat "$tmp/configure.log"; exit 1; }
    fi
    step "build and install the CMake package into a temporary prefix"
    timeout 1800 cmake --build "$build" >"$tmp/build.log" 2>&1 || { tail -40 "$tmp/build.log"; exit 1; }
    cmake --install "$build" --prefix "$1" >"$tmp/install.log"
    libdir=$(dirname "$(find "$1" -name 'libspeedup.so' | head -n 1)")
}
