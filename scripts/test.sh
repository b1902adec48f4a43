#!/usr/bin/env bash
# kubegate's one test command (run by .ci/run): installs the tools, then lints, runs the native
# tests, builds the release web app, checks its size and drives it in headless Chromium.
# Stops at the first failing step (non-zero exit) and prints how long each step took.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$PATH"

names=()
times=()
passed=0

summary() {
  echo
  echo "==> step times"
  local i
  for i in "${!names[@]}"; do
    printf '    %-44s %s\n' "${names[$i]}" "${times[$i]}"
  done
}

step() {
  local name="$1"
  shift
  echo
  echo "==> $name"
  local t0 t1 rc=0
  t0=$(date +%s%N)
  "$@" || rc=$?
  t1=$(date +%s%N)
  local secs
  secs=$(awk -v ns=$((t1 - t0)) 'BEGIN { printf "%.1f s", ns / 1e9 }')
  names+=("$name")
  if ((rc != 0)); then
    times+=("$secs  FAILED (exit $rc)")
    summary
    echo "test.sh: step '$name' failed (exit $rc)"
    echo "steps: $passed passed, 1 failed"
    exit "$rc"
  fi
  times+=("$secs")
  passed=$((passed + 1))
  echo "<== $name: ok ($secs)"
}

check_sim_is_pure() {
  # DESIGN.md: the engine knows nothing about the browser. Any mention in code counts (use,
  # paths, attributes, macros); comment lines (//, //!, ///) may name the crates to say so.
  local hits
  hits=$(grep -rnwE 'yew|web_sys|wasm_bindgen|gloo' src/sim | grep -vE '^[^:]+:[0-9]+:[[:space:]]*//' || true)
  if [[ -n "$hits" ]]; then
    printf '%s\n' "$hits"
    echo "src/sim uses a browser crate (lines above): the engine must stay pure Rust" >&2
    return 1
  fi
  echo "src/sim uses none of yew, web_sys, wasm_bindgen, gloo (outside comments)"
}

step "setup (scripts/setup.sh)" bash scripts/setup.sh
step "cargo fmt --check" cargo fmt --check
step "cargo clippy (native, all targets)" cargo clippy --all-targets -- -D warnings
step "cargo clippy (wasm32, lib + bins)" cargo clippy --target wasm32-unknown-unknown --lib --bins -- -D warnings
step "src/sim has no browser dependencies" check_sim_is_pure
step "cargo test (native)" cargo test
step "trunk build --release" trunk build --release
step "wasm size budget (scripts/size-check.sh)" bash scripts/size-check.sh
step "browser tests (headless Chromium)" node tests/browser/app.test.mjs

summary
echo "steps: $passed passed, 0 failed"
