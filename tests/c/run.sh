#!/usr/bin/env bash
# Builds libspeedup (release) and the C tests of the C door (test_capi, test_axes), then runs them.
# Usage: tests/c/run.sh [--list] [section ...]    (arguments go to the test program)
# Environment: CC (default gcc), SPEEDUP_VECTORS_DIR (numpy vectors of the random kernels),
#              VALGRIND=1 to run the test under valgrind.
# The program runs under a time limit (tests/bounded.sh): 300 s, 1200 s under valgrind.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
source tests/bounded.sh

cargo build --release -p speedup-capi
lib=$root/target/release
[ -f "$lib/libspeedup.so" ] || { echo "run.sh: $lib/libspeedup.so was not built" >&2; exit 1; }

# The version the library must report: [workspace.package] version in Cargo.toml.
version=$(sed -n '/^\[workspace\.package\]/,/^\[/ s/^version *= *"\([^"]*\)".*/\1/p' Cargo.toml | head -n 1)
[ -n "$version" ] || { echo "run.sh: no [workspace.package] version in Cargo.toml" >&2; exit 1; }

bin=$lib/c-tests
mkdir -p "$bin"
"${CC:-gcc}" -std=c11 -O2 -Wall -Wextra -Werror -Wpedantic -ffp-contract=off -I include \
    -DEXPECTED_VERSION="\"$version\"" tests/c/test_capi.c tests/c/capi_*.c -o "$bin/test_capi" \
    -L "$lib" -lspeedup -lm -Wl,-rpath,"$lib"
"${CC:-gcc}" -std=c11 -O2 -Wall -Wextra -Werror -Wpedantic -I include tests/c/test_primes_wide.c \
    -o "$bin/test_primes_wide" -L "$lib" -lspeedup -Wl,-rpath,"$lib"
"${CC:-gcc}" -std=c11 -O2 -Wall -Wextra -Werror -Wpedantic -ffp-contract=off -I include \
    tests/c/test_stencils.c -o "$bin/test_stencils" -L "$lib" -lspeedup -lm -Wl,-rpath,"$lib"
# The reductions along axes (strided, float32) have their own program.
"${CC:-gcc}" -std=c11 -O2 -Wall -Wextra -Werror -Wpedantic -ffp-contract=off -I include \
    tests/c/test_axes.c -o "$bin/test_axes" -L "$lib" -lspeedup -lm -Wl,-rpath,"$lib"

if [ "${VALGRIND:-0}" = 1 ]; then
    # Any invalid access or definite/indirect/possible leak fails; tests/valgrind.supp lists
    # (and explains) the only suppressed reports: thread-pool workers alive at exit.
    bounded 1200 "test_capi under valgrind" valgrind --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect,possible \
        --suppressions="$root/tests/valgrind.supp" "$bin/test_capi" "$@"
    bounded 1200 "test_axes under valgrind" valgrind --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect,possible \
        --suppressions="$root/tests/valgrind.supp" "$bin/test_axes"
    exit
fi
bounded 300 "the C door test (test_capi)" "$bin/test_capi" "$@"
# The programs of their own (no sections) run with the full test: the 128-bit prime sum, the
# stencils' float twins, boundary modes and strided variants, the reductions along axes.
if [ "$#" -eq 0 ]; then
    bounded 120 "the C test of the 128-bit prime sum" "$bin/test_primes_wide"
    bounded 120 "the C stencil test (test_stencils)" "$bin/test_stencils"
    bounded 300 "the C door test along axes (test_axes)" "$bin/test_axes"
fi
