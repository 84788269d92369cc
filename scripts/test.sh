#!/usr/bin/env bash
# README command 2: every test of speedup (Rust, C, Fortran, CMake package, Python, Dask, and the
# cross-language identity suite, the bad-input matrix, valgrind memcheck, faults, the doc links,
# and the packaging step: the artifacts users install, each in a clean environment).
# Installs what it needs; safe to run twice. CI runs exactly this (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
source tests/bounded.sh

step() { printf '\n==> %s\n' "$*"; }

step "format and lints"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --quiet -- -D warnings
# The C library without the legacy routines (cargo feature `legacy` off) builds lint-free too.
cargo clippy -p speedup-capi --no-default-features --quiet -- -D warnings

step "docs: every link and path in shipped files stays inside the repository"
python3 tests/docs/check_links.py --selftest
python3 tests/docs/check_links.py | tee target/docs-links.log

step "Rust tests (kernels against contract references, thread-count identity, header drift)"
# Built first; running them has a time limit (tests/bounded.sh), so that a hung test fails the run
# with a TIMEOUT line; libtest's "has been running for over 60 seconds" lines name the test.
cargo test --workspace --quiet --no-run
{ bounded 1800 "the Rust tests (cargo test --workspace)" cargo test --workspace --quiet || true; } 2>&1 \
    | tee target/rust-tests.log | grep -E '^(test result|running|error|failures|---- |TIMEOUT)|panicked|running for over' || true
if grep -qE '^test result: FAILED|^TIMEOUT|error(\[E[0-9]+\])?:' target/rust-tests.log || ! grep -q '^test result: ok' target/rust-tests.log; then
    echo "Rust tests failed; see target/rust-tests.log" >&2
    exit 1
fi

step "release library and exported symbols"
cargo build --release -p speedup-capi --quiet
tests/check_symbols.sh

step "C door test program"
tests/c/run.sh | tee target/c-tests.log

step "CMake package: C and Fortran doors under ctest, install, find_package and pkg-config consumers"
tests/cmake/run.sh | tee target/cmake-tests.log

step "Python door: pytest on both backends (pyo3, ctypes), stubtest"
tests/python/run.sh

step "examples: C (find_package, pkg-config), Fortran (find_package, fpm), Rust, Python print the same numbers bit for bit"
tests/examples/run.sh | tee target/examples-tests.log

step "docs site: Sphinx (-W -n) and rustdoc (-D warnings), generated reference pages current"
docs/build.sh | tee target/docs-site.log

step "cross-language identity: every door, every kernel, 1/2/3/8 threads, bit for bit"
tests/identity/run.sh | tee target/identity-tests.log

step "bad-input matrix: every bad input of every kernel through every door, outputs untouched"
tests/badinput/run.sh | tee target/badinput-tests.log

step "memcheck: the C and Fortran door programs and bad-input runners under valgrind"
tests/memcheck.sh | tee target/memcheck-tests.log

step "sanitizers: the C and Fortran door programs, bad-input runners and stress program under ASan, UBSan and LSan"
tests/sanitize.sh | tee target/sanitize-tests.log

step "faults and concurrency: injected panics and allocation failures, 16 threads x 1000 calls, nesting, fork"
tests/faults/run.sh

step "soak: a long mixed run through the C door and both Python backends; RSS and threads bounded after a warm-up"
tests/soak/run.sh

step "huge arrays: sum and second_derivative on more than 2^31 elements through C, Python, Fortran and the legacy twins"
tests/huge/run.sh

step "packaging: C-only CMake install, fpm, sdist -> wheel -> clean venv, cargo package"
tests/packaging/run.sh

step "summary"
rust_passed=$(grep -Eo '^test result: ok\. [0-9]+ passed' target/rust-tests.log | awk '{s+=$4} END {print s+0}')
# the C door's programs (test_capi, test_primes_wide, test_stencils, test_axes): their sum
c_passed=$(grep -Eo '^[0-9]+ passed, 0 failed' target/c-tests.log | awk '{n += $1} END {print n + 0}' || true)
f_passed=$(grep -Eo 'tests passed, 0 tests failed out of [0-9]+' target/cmake-tests.log | tail -1 | awk '{print $NF}' || true)
py_passed=$(grep -Eo '[0-9]+ passed' target/python-tests.log | tail -1 | awk '{print $1}' || true)
id_passed=$(grep -Eo '^identity: [0-9]+ passed' target/identity-tests.log | awk '{print $2}' || true)
fault_passed=$(grep -Eo '^faults: [0-9]+ passed' target/faults-tests.log | awk '{print $2}' || true)
bad_passed=$(grep -Eo '^badinput: [0-9]+ passed, 0 failed' target/badinput-tests.log | awk '{print $2}' || true)
mem_passed=$(grep -Eo '^memcheck: [0-9]+ passed, 0 failed' target/memcheck-tests.log | awk '{print $2}' || true)
san_passed=$(grep -Eo '^sanitize: [0-9]+ passed, 0 failed' target/sanitize-tests.log | awk '{print $2}' || true)
soak_passed=$(grep -Eo '^soak: [0-9]+ passed, 0 failed' target/soak-tests.log | awk '{print $2}' || true)
huge_passed=$(grep -Eo '^huge: [0-9]+ passed, 0 failed' target/huge-tests.log | awk '{print $2}' || true)
ex_passed=$(grep -Eo '^examples: [0-9]+ passed, 0 failed' target/examples-tests.log | awk '{print $2}' || true)
docs_pages=$(grep -Eo '^docs: [0-9]+ pages, 0 warnings' target/docs-site.log | awk '{print $2}' || true)
pkg_passed=$(grep -Eo '^packaging: [0-9]+ passed, 0 failed' target/packaging-tests.log | awk '{print $2}' || true)
links_checked=$(grep -Eo '^links: [0-9]+ checked, 0 failed' target/docs-links.log | awk '{print $2}' || true)
# Differential fuzzing: the cases the Rust properties (`fuzz: <name>: N cases`) and the Python
# properties (`fuzz: N cases`) report.
fuzz_cases=$(cat target/rust-tests.log target/python-tests.log | grep -Eo 'fuzz: ([a-z_]+: )?[0-9]+ cases' | awk '{s+=$(NF-1)} END {print s+0}')
echo "fuzz: ${fuzz_cases} cases (differential properties, Rust and Python; counted in the tests above)"
echo "Rust: ${rust_passed} tests; C: ${c_passed:-0} checks; CMake/ctest: ${f_passed:-0} tests; Python: ${py_passed:-0} tests; identity: ${id_passed:-0} comparisons; faults/stress: ${fault_passed:-0} checks; bad input: ${bad_passed:-0} checks; memcheck: ${mem_passed:-0} programs; sanitizers: ${san_passed:-0} programs; soak: ${soak_passed:-0} checks; huge arrays: ${huge_passed:-0} checks; packaging: ${pkg_passed:-0} checks; examples: ${ex_passed:-0} programs; doc links: ${links_checked:-0}; docs site: ${docs_pages:-0} pages"
echo "summary: $((rust_passed + ${c_passed:-0} + ${f_passed:-0} + ${py_passed:-0} + ${id_passed:-0} + ${fault_passed:-0} + ${bad_passed:-0} + ${mem_passed:-0} + ${san_passed:-0} + ${soak_passed:-0} + ${huge_passed:-0} + ${pkg_passed:-0} + ${ex_passed:-0})) passed, 0 failed"
