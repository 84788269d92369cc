#!/usr/bin/env bash
# The cross-language identity suite (docs/identity.md): the same inputs through every door
# (Rust, C, Fortran, Python over PyO3 and over ctypes, and the legacy routines through C,
# Fortran and Python) at 1, 2, 3 and 8 threads, judged bit for bit.
#   1. gen_vectors.py writes the shared inputs into target/identity/vectors (deterministic);
#   2. builds the C and Fortran runners against target/release/libspeedup.so (-ffp-contract=off);
#   3. runs every runner into target/identity/out/<door>/t<threads>/;
#   4. judge.py prints the matrix and ends with `identity: N passed, 0 failed`.
# Incremental: cargo rebuilds only what changed; the Python doors use .venv (scripts/python-setup.sh
# is run when .venv lacks the package or its extension is older than the crates). IDENTITY_PYTHON picks the interpreter (default .venv's).
# Each runner runs under a time limit (tests/bounded.sh); one that runs out fails the suite.
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/lib.sh
work=$root/target/identity
vec=$work/vectors
out=$work/out

py=${IDENTITY_PYTHON:-$root/.venv/bin/python}
# The PyO3 door runs the installed extension: reinstall when it is missing or older than the crates.
python_ext_current "$py"

step "shared vectors"
rm -rf "$vec" "$out"
"$py" tests/identity/gen_vectors.py "$vec"

step "build: libspeedup.so, the C and Fortran runners"
cargo build --release -p speedup-capi --quiet
mkdir -p "$work/bin" "$work/mod" "$out"
cflags=(-O2 -ffp-contract=off -fno-fast-math)
gcc -std=c11 -Wall -Wextra -Werror "${cflags[@]}" -Iinclude tests/identity/run_c.c \
    -Ltarget/release -lspeedup -Wl,-rpath,"$root/target/release" -o "$work/bin/run_c"
gfortran -std=f2018 -Wall "${cflags[@]}" -J "$work/mod" fortran_src/speedup/speedup_c.f90 fortran_src/speedup/speedup_door.f90 fortran_src/speedup/speedup.f90 fortran_src/speedup/speedup_legacy.f90 tests/identity/run_fortran.f90 \
    -Ltarget/release -lspeedup -Wl,-rpath,"$root/target/release" -o "$work/bin/run_fortran"

step "runners"
cargo test -p speedup-core --test identity_runner --quiet --no-run
SPEEDUP_IDENTITY_VECTORS=$vec SPEEDUP_IDENTITY_OUT=$out/rust \
    bounded 600 "the Rust identity runner" cargo test -p speedup-core --test identity_runner --quiet -- --nocapture 2>&1 \
    | grep -E 'run_rust|FAILED|panicked|^TIMEOUT'
bounded 300 "the C identity runner" "$work/bin/run_c" "$vec" "$out/c"
bounded 300 "the C identity runner (legacy)" "$work/bin/run_c" "$vec" "$out/legacy-c" legacy
bounded 300 "the Fortran identity runner" "$work/bin/run_fortran" "$vec" "$out/fortran"
bounded 300 "the Fortran identity runner (legacy)" "$work/bin/run_fortran" "$vec" "$out/legacy-fortran" legacy
# The Python doors load the library built above, whatever the installed wheel ships.
SPEEDUP_BACKEND=pyo3 bounded 300 "the Python identity runner (pyo3)" "$py" tests/identity/run_python.py "$vec" "$out/py-pyo3"
SPEEDUP_BACKEND=ctypes SPEEDUP_LIBRARY=$root/target/release/libspeedup.so \
    bounded 300 "the Python identity runner (ctypes)" "$py" tests/identity/run_python.py "$vec" "$out/py-ctypes"
SPEEDUP_BACKEND=ctypes SPEEDUP_LIBRARY=$root/target/release/libspeedup.so \
    bounded 300 "the Python identity runner (legacy)" "$py" tests/identity/run_python.py "$vec" "$out/legacy-py" legacy

step "judge"
"$py" tests/identity/judge.py "$vec" "$out"
