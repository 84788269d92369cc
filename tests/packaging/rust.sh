#!/usr/bin/env bash
# The Rust crates as crates.io would get them: checks each publishable crate's metadata, then
# `cargo package` of all four in one run (speedup-core, speedup-legacy-sys, speedup-legacy,
# speedup-capi): cargo packs each .crate and verifies it by building it from the unpacked archive,
# the later crates against the earlier ones through a temporary local registry, so crates that
# depend on not-yet-published speedup crates are verified too. Then inspects the .crate files:
# licenses, README, the legacy C/Fortran sources as regular files with the repository's content,
# no symlinks. speedup-py (the Python extension) is not published (publish = false).
#
# Usage: tests/packaging/rust.sh     (from anywhere; needs crates.io for the index)
# Uses the workspace target dir (target/package/), so dependencies built by earlier cargo runs
# are reused. Ends with `packaging-rust: N passed, M failed`; exit status 1 when a check failed.
set -euo pipefail
cd "$(dirname "$0")/../.."
CRATES=(speedup-core speedup-legacy-sys speedup-legacy speedup-capi)
TARGET=$(cargo metadata --no-deps --format-version 1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
WORK=$(mktemp -d "${TMPDIR:-/tmp}/speedup-packaging-rust.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

source tests/packaging/steps.sh

step metadata "description, license, readme, keywords, categories of the publishable crates; speedup-py unpublished"
cargo metadata --no-deps --format-version 1 > "$WORK/metadata.json"
python3 - "$WORK/metadata.json" "${CRATES[@]}" > "$WORK/metadata.out" <<'EOF' || true
import json, sys
pkgs = {p["name"]: p for p in json.load(open(sys.argv[1]))["packages"]}
for name in sys.argv[2:]:
    p = pkgs[name]
    problems = [k for k in ("description", "license", "readme") if not p.get(k)]
    problems += [k for k in ("keywords", "categories") if not p.get(k)]
    if p.get("publish") == []:
        problems.append("publish = false")
    if p.get("repository") and "example.invalid" in p["repository"]:
        problems.append("placeholder repository " + p["repository"])
    print(("ok " if not problems else "FAIL ") + name + (": " + ", ".join(problems) if problems else
          f": {p['license']}; keywords {', '.join(p['keywords'])}; categories {', '.join(p['categories'])}"))
print(("ok " if pkgs["speedup-py"].get("publish") == [] else "FAIL ") + "speedup-py: publish = false")
EOF
while read -r verdict rest; do
    if [ "$verdict" = ok ]; then ok "$rest"; else bad "$rest"; fi
done < "$WORK/metadata.out"
step_done

pkg_args=()
for c in "${CRATES[@]}"; do pkg_args+=(-p "$c"); done
step package "cargo package --allow-dirty ${pkg_args[*]} (pack, then verify: build each from its .crate)"
# --allow-dirty: the test also runs on a work tree with uncommitted changes (CI's clone is clean).
if timeout 1800 cargo package --allow-dirty "${pkg_args[@]}" > "$WORK/package.log" 2>&1; then
    grep -E '^ *(Packaged|Verifying|Finished)' "$WORK/package.log" | sed 's/^ */    /'
    ok "cargo package (with verification) of ${CRATES[*]}"
else
    grep -v '^ *Compiling' "$WORK/package.log" | tail -40
    bad "cargo package of ${CRATES[*]}"
fi
step_done

step contents "each .crate: licenses, README, sources as regular files, no links"
for c in "${CRATES[@]}"; do
    version=$(python3 -c "import json,sys; print(next(p['version'] for p in json.load(open(sys.argv[1]))['packages'] if p['name'] == sys.argv[2]))" "$WORK/metadata.json" "$c")
    crate=$TARGET/package/$c-$version.crate
    if [ ! -f "$crate" ]; then bad "$c: no $crate"; continue; fi
    tar tvzf "$crate" > "$WORK/$c.list"
    top=$(basename "$crate" .crate)
    need=(Cargo.toml LICENSE-MIT LICENSE-APACHE README.md src/lib.rs)
    [ "$c" = speedup-legacy-sys ] && need+=(build.rs c_src/legacy.h c_src/legacy_fortran.h c_src/comb.c c_src/primes.c
        c_src/mandelbrot.c c_src/closest.c c_src/omp_probe.c fortran_src/legacy/legacy_stats.f90 fortran_src/legacy/legacy_stencils.f90)
    missing=()
    for f in "${need[@]}"; do grep -qE "^-.* $top/$f\$" "$WORK/$c.list" || missing+=("$f"); done
    if ((${#missing[@]})); then bad "$c: lacks (as regular files) ${missing[*]}"; else ok "$c: $(basename "$crate"), $(stat -c %s "$crate") bytes, $(wc -l < "$WORK/$c.list") files, licenses and README included"; fi
    if grep -q '^[lh]' "$WORK/$c.list"; then bad "$c: the .crate holds links"; fi
    tar xzf "$crate" -O "$top/LICENSE-MIT" | cmp -s - LICENSE-MIT || bad "$c: LICENSE-MIT differs from the repository's"
done
differ=()
# This version's .crate (an earlier version's may lie beside it in target/package).
sys_version=$(python3 -c "import json,sys; print(next(p['version'] for p in json.load(open(sys.argv[1]))['packages'] if p['name'] == 'speedup-legacy-sys'))" "$WORK/metadata.json")
for f in c_src/*.c c_src/*.h fortran_src/legacy/*.f90; do
    tar xzf "$TARGET/package/speedup-legacy-sys-$sys_version.crate" -O "speedup-legacy-sys-$sys_version/$f" 2>/dev/null \
        | cmp -s - "$f" || differ+=("$f")
done
if ((${#differ[@]})); then
    bad "speedup-legacy-sys: the .crate's copies differ from the repository's ${differ[*]}"
else
    ok "speedup-legacy-sys: the .crate's c_src/ and fortran_src/legacy/ files have the content of the top-level ones"
fi
step_done

echo
echo "    durations: $(IFS=,; echo "${durations[*]}" | sed 's/,/, /g'); total $(($(date +%s) - T_ALL)) s"
echo "packaging-rust: $passed passed, $failed failed"
((failed == 0))
