#!/usr/bin/env bash
# Prints the raw and gzipped size of the app's .wasm in dist/ and fails if the gzipped size is
# over the budget (DESIGN.md "Budgets": 600 KB gzipped, counted here as 600,000 bytes).
# Run after `trunk build --release` (scripts/test.sh does both).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIST="${1:-$ROOT/dist}"
BUDGET=600000

shopt -s nullglob
wasm=("$DIST"/*.wasm)
if ((${#wasm[@]} == 0)); then
  echo "[size] ERROR: no .wasm in $DIST: run \`trunk build --release\` first" >&2
  exit 1
fi

human() { awk -v b="$1" 'BEGIN { printf "%.1f KB", b / 1000 }'; }

status=0
for f in "${wasm[@]}"; do
  raw=$(stat -c %s "$f")
  gz=$(gzip -9 -c "$f" | wc -c)
  printf '[size] %s: %d bytes raw (%s), %d bytes gzipped (%s); budget %s gzipped\n' \
    "$(basename "$f")" "$raw" "$(human "$raw")" "$gz" "$(human "$gz")" "$(human "$BUDGET")"
  if ((gz > BUDGET)); then
    echo "[size] FAIL: $(basename "$f") is $(human "$gz") gzipped, over the $(human "$BUDGET") budget" >&2
    status=1
  fi
done

# For information: everything the page downloads.
total=0
total_gz=0
for f in "$DIST"/*.js "$DIST"/*.css "$DIST"/*.html "${wasm[@]}"; do
  total=$((total + $(stat -c %s "$f")))
  total_gz=$((total_gz + $(gzip -9 -c "$f" | wc -c)))
done
printf '[size] whole page (html+css+js+wasm): %s raw, %s gzipped\n' "$(human "$total")" "$(human "$total_gz")"

if ((status == 0)); then echo "[size] ok: within budget"; fi
exit "$status"
