#!/usr/bin/env bash
# Prints what the page weighs, gzipped, and fails when it is over DESIGN.md's budgets:
#   - before the first render (the HTML, CSS, JavaScript and the wasm): 1 MB (1,000,000 bytes);
#   - everything the app ever loads (the above plus what it fetches later, such as the OpenAPI
#     schemas `kubectl explain` reads): 2 MB.
# Run after `trunk build --release` (scripts/test.sh does both).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIST="${1:-$ROOT/dist}"
FIRST_BUDGET=1000000
TOTAL_BUDGET=2000000

shopt -s nullglob globstar
wasm=("$DIST"/*.wasm)
if ((${#wasm[@]} == 0)); then
  echo "[size] ERROR: no .wasm in $DIST: run \`trunk build --release\` first" >&2
  exit 1
fi

human() { awk -v b="$1" 'BEGIN { printf "%.1f KB", b / 1000 }'; }
gz() { gzip -9 -c "$1" | wc -c; }

# Loaded after the first render: the editor (www/boot.js imports it once the app is up), the
# service worker, and the engine (its worker's scripts and its own wasm bundle, which the page
# starts loading with its first job, once it is up: src/ui/worker.rs).
later_js() {
  case "$(basename "$1")" in
    editor.js | sw.js | worker.js | engine-host.js | kubegate-engine.js | kubegate-engine_bg.wasm) return 0 ;;
  esac
  return 1
}
first=0
for f in "$DIST"/*.html "$DIST"/*.css "$DIST"/*.js "${wasm[@]}"; do
  later_js "$f" && continue
  size=$(gz "$f")
  first=$((first + size))
  printf '[size] %-40s %10s gzipped (%s raw)\n' "$(basename "$f")" "$(human "$size")" "$(human "$(stat -c %s "$f")")"
done
later=0
for f in "$DIST"/**/*; do
  [[ -f "$f" ]] || continue
  case "$f" in
    *.html | *.css) continue ;;
    "$DIST"/*.js | "$DIST"/*.wasm) later_js "$f" || continue ;;
  esac
  size=$(gz "$f")
  later=$((later + size))
  printf '[size] %-40s %10s gzipped (after the first render)\n' "${f#"$DIST"/}" "$(human "$size")"
done
total=$((first + later))
printf '[size] before the first render: %s gzipped (budget %s)\n' "$(human "$first")" "$(human "$FIRST_BUDGET")"
printf '[size] everything the app loads: %s gzipped (budget %s)\n' "$(human "$total")" "$(human "$TOTAL_BUDGET")"
status=0
if ((first > FIRST_BUDGET)); then
  echo "[size] FAIL: the first render needs $(human "$first") gzipped, over $(human "$FIRST_BUDGET")" >&2
  status=1
fi
if ((total > TOTAL_BUDGET)); then
  echo "[size] FAIL: the app loads $(human "$total") gzipped, over $(human "$TOTAL_BUDGET")" >&2
  status=1
fi
exit "$status"
