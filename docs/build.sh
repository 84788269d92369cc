#!/usr/bin/env bash
# Builds speedup's documentation site into target/docs/html/ and the Rust API (rustdoc) into
# target/doc/, with warnings as errors, and checks every link without the network:
#   1. the project venv .venv (scripts/python-setup.sh, only when it or its packages are missing),
#      then sphinx, myst-parser and numpydoc into it when missing;
#   2. the generated reference pages are current (docs/capi.md from the headers and the bad-input
#      table, docs/fortran-api.md from the Fortran modules; regenerate with docs/tools/gen_*.py);
#   3. every link of README.md and docs/** stays inside the repository (tests/docs/check_links.py);
#   4. sphinx-build -W --keep-going -n (nitpicky: every cross-reference must resolve) over docs/,
#      the Python API reference read from python/speedup (autodoc + numpydoc);
#   5. cargo doc --no-deps --workspace with RUSTDOCFLAGS="-D warnings".
# The last line is `docs: N pages, 0 warnings`. Safe to run twice; makes no network request
# beyond installing missing packages. Open target/docs/html/index.html and
# target/doc/speedup_core/index.html.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS
VPY=.venv/bin/python
OUT=target/docs
mkdir -p "$OUT"

step() { printf '==> docs: %s\n' "$*"; }

step "python environment"
if [ ! -x "$VPY" ] || ! "$VPY" -c 'import numpy, dask.array, distributed' 2>/dev/null; then
    scripts/python-setup.sh
fi
missing=()
"$VPY" -c 'import sphinx' 2>/dev/null || missing+=("sphinx>=7.2")
"$VPY" -c 'import myst_parser' 2>/dev/null || missing+=(myst-parser)
"$VPY" -c 'import numpydoc' 2>/dev/null || missing+=(numpydoc)
if ((${#missing[@]})); then
    echo "docs: pip install ${missing[*]}"
    "$VPY" -m pip install -q "${missing[@]}"
fi

# The Python reference imports the package from the source tree (python/speedup); without the
# compiled extension there it runs on the ctypes backend, over this library.
cargo build --release -p speedup-capi --quiet
export SPEEDUP_LIBRARY="$PWD/target/release/libspeedup.so"

step "generated reference pages are current"
python3 docs/tools/gen_capi.py --check
python3 docs/tools/gen_fortran.py --check

step "links stay inside the repository"
python3 tests/docs/check_links.py > "$OUT/links.log" || { cat "$OUT/links.log"; exit 1; }
tail -1 "$OUT/links.log"

step "sphinx (warnings are errors; every reference must resolve)"
rm -rf "$OUT/html" "$OUT/doctrees"
if ! "$VPY" -m sphinx -b html -W --keep-going -n -q -d "$OUT/doctrees" -w "$OUT/sphinx-warnings.log" \
    docs "$OUT/html"; then
    echo "docs: sphinx failed; see $OUT/sphinx-warnings.log" >&2
    exit 1
fi
sphinx_warnings=$(grep -c 'WARNING' "$OUT/sphinx-warnings.log" || true)

step "rustdoc (cargo doc --no-deps --workspace, warnings are errors)"
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --workspace --quiet 2> "$OUT/rustdoc.log" \
    || { cat "$OUT/rustdoc.log"; exit 1; }
rust_warnings=$(grep -c '^warning' "$OUT/rustdoc.log" || true)

pages=$(find "$OUT/html/_sources" -name '*.txt' | wc -l)
echo "docs: site in $OUT/html/index.html, Rust API in target/doc/speedup_core/index.html ($((SECONDS - start)) s)"
echo "docs: ${pages} pages, $((sphinx_warnings + rust_warnings)) warnings"
