#!/usr/bin/env bash
# Installs what speedup's build and tests need on a fresh Debian machine with Rust, Python 3.11
# and gcc. Safe to run twice: each step checks first. Sourced by scripts/test.sh and
# scripts/bench.sh.
set -euo pipefail

need_apt=()
for tool in gcc make pkg-config valgrind gfortran cmake; do
    command -v "$tool" >/dev/null 2>&1 || need_apt+=("$tool")
done
# libclang for the bindgen drift test of crates/speedup-legacy-sys (tests only, not builds)
compgen -G '/usr/lib/llvm-*/lib/libclang.so*' >/dev/null || need_apt+=(libclang-dev)
if ((${#need_apt[@]})); then
    echo "setup: installing ${need_apt[*]} with apt-get"
    if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

command -v cargo >/dev/null 2>&1 || { echo "setup: cargo not found; install Rust (rustup) first" >&2; exit 1; }
rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy rustfmt >/dev/null 2>&1 || true
