#!/usr/bin/env bash
# README command 1: builds everything and runs the main job on built-in default sizes.
# Until the full benchmark showcase (`speedup bench`, Python) lands, the main job is the C-door
# demo: every kernel at the seed sizes through libspeedup.so, 1 thread vs all threads, beside a
# naive C loop, with a check that the answers are the same bits. Extra arguments go to the demo
# (`--quick`, or kernel names).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
cargo build --release --workspace --quiet
exec examples/c/run-demo.sh "$@"
