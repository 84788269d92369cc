#!/usr/bin/env bash
# Builds libspeedup (release) and the C demo, then runs it.
# Usage: examples/c/run-demo.sh [--quick] [--reps R] [kernel ...]   (arguments go to the demo)
# Flags are portable on purpose: -O2 -ffp-contract=off, no -march=native.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD

cargo build --release -p speedup-capi
lib=$root/target/release
bin=$lib/c-examples
mkdir -p "$bin"
"${CC:-gcc}" -std=c11 -O2 -Wall -Wextra -Werror -Wpedantic -ffp-contract=off -I include \
    examples/c/demo.c -o "$bin/demo" -L "$lib" -lspeedup -lm -Wl,-rpath,"$lib"
exec "$bin/demo" "$@"
