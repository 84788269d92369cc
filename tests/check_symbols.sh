#!/usr/bin/env bash
# Every function declared in include/speedup.h must be exported by libspeedup.so, and every
# exported speedup_* symbol must be declared in the header.
set -euo pipefail
cd "$(dirname "$0")/.."
lib=target/release/libspeedup.so
declared=$(grep -oE '\bspeedup_[a-z0-9_]+\(' include/speedup.h | tr -d '(' | sort -u)
exported=$(nm -D --defined-only "$lib" | awk '$2 == "T" && $3 ~ /^speedup_/ {print $3}' | sort -u)
missing=$(comm -23 <(echo "$declared") <(echo "$exported"))
undeclared=$(comm -13 <(echo "$declared") <(echo "$exported"))
if [ -n "$missing" ] || [ -n "$undeclared" ]; then
    echo "declared but not exported: ${missing:-none}" >&2
    echo "exported but not declared: ${undeclared:-none}" >&2
    exit 1
fi
echo "symbols: $(echo "$declared" | wc -l) speedup_* functions declared and exported"
