#!/usr/bin/env bash
# Installs everything kubegate's build and tests need on a fresh Debian 12 machine (as root,
# with only the package registries reachable). Idempotent: each tool is skipped when it is
# already installed at the required version, so a second run takes seconds.
#
#   wasm32-unknown-unknown target   rustup
#   trunk 0.21.14                   cargo install --locked
#   wasm-bindgen-cli = Cargo.lock's wasm-bindgen version   cargo install (no --locked)
#   wasm-opt 132                    npm install -g binaryen@132
#   chromium + chromium-driver      apt-get (only if /usr/bin/chromium is missing)
#   playwright-core (pinned)        npm ci in tests/browser (never `npx playwright install`)
#   CodeMirror 6 + esbuild (pinned) npm ci in www/editor (the workspace editor's bundle)
#   every crate in Cargo.lock       cargo fetch (Trunk builds with cargo --offline)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

export PATH="$HOME/.cargo/bin:$PATH"

TRUNK_VERSION="0.21.14"
BINARYEN_VERSION="132"

log() { printf '[setup] %s\n' "$*"; }
die() { printf '[setup] ERROR: %s\n' "$*" >&2; exit 1; }

# Another process (a previous setup run, or someone's manual install) may already be running
# `cargo install <crate>` or `npm install -g <pkg>`: wait for it instead of starting a duplicate
# build that would fight it for the same files and the two cores.
wait_for() {
  local pattern="$1" waited=0
  command -v pgrep >/dev/null || return 0
  while pgrep -f -- "$pattern" >/dev/null 2>&1; do
    if ((waited == 0)); then
      log "waiting for a running '$pattern' to finish..."
    fi
    sleep 5
    waited=$((waited + 5))
    if ((waited % 60 == 0)); then log "  still waiting ($waited s)"; fi
  done
}

# --- versions the repo pins -------------------------------------------------------------------

[[ -f Cargo.lock ]] || die "Cargo.lock is missing"
WASM_BINDGEN_VERSION="$(awk '
  $0 == "[[package]]" { name = "" }
  /^name = / { gsub(/"/, "", $3); name = $3 }
  /^version = / && name == "wasm-bindgen" { gsub(/"/, "", $3); print $3; exit }
' Cargo.lock)"
[[ -n "$WASM_BINDGEN_VERSION" ]] || die "no wasm-bindgen package in Cargo.lock"

TRUNK_TOML_WB="$(sed -n 's/^[[:space:]]*wasm_bindgen[[:space:]]*=[[:space:]]*"\([^"]*\)".*/\1/p' Trunk.toml)"
if [[ "$TRUNK_TOML_WB" != "$WASM_BINDGEN_VERSION" ]]; then
  die "Trunk.toml [tools] wasm_bindgen = \"$TRUNK_TOML_WB\" but Cargo.lock has wasm-bindgen $WASM_BINDGEN_VERSION: make them equal"
fi
log "pinned: trunk $TRUNK_VERSION, wasm-bindgen $WASM_BINDGEN_VERSION (from Cargo.lock), wasm-opt $BINARYEN_VERSION"

command -v cargo >/dev/null || die "cargo not found (expected the machine's rustup toolchain)"
command -v npm >/dev/null || die "npm not found (expected the machine's Node.js)"

# --- Rust wasm target -------------------------------------------------------------------------

if rustup target list --installed | grep -qx 'wasm32-unknown-unknown'; then
  log "ok: rust target wasm32-unknown-unknown"
else
  log "installing rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# --- crates ------------------------------------------------------------------------------------

# Trunk runs cargo with --offline (Trunk.toml: offline = true), so every crate of Cargo.lock, for
# every target, must already be downloaded. A no-op when they are.
log "cargo fetch (all crates in Cargo.lock, so offline builds find them)"
cargo fetch --quiet

# --- trunk ------------------------------------------------------------------------------------

trunk_ok() { trunk --version 2>/dev/null | grep -qx "trunk $TRUNK_VERSION"; }
trunk_ok || wait_for "cargo install trunk"
if trunk_ok; then
  log "ok: $(trunk --version)"
else
  log "installing trunk $TRUNK_VERSION (cargo install, ~6 min on 2 cores)"
  cargo install trunk --version "$TRUNK_VERSION" --locked
  trunk_ok || die "trunk --version does not print $TRUNK_VERSION after install"
fi

# --- wasm-bindgen-cli -------------------------------------------------------------------------

wb_ok() { wasm-bindgen --version 2>/dev/null | grep -q "^wasm-bindgen $WASM_BINDGEN_VERSION\b"; }
wb_ok || wait_for "cargo install wasm-bindgen-cli"
if wb_ok; then
  log "ok: $(wasm-bindgen --version)"
else
  # Without --locked: with it, the install fails on a yanked transitive crate.
  log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (cargo install, ~2 min)"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
  wb_ok || die "wasm-bindgen --version does not print $WASM_BINDGEN_VERSION after install"
fi

# --- wasm-opt (binaryen from npm) -------------------------------------------------------------

wo_ok() { wasm-opt --version 2>/dev/null | grep -q "version $BINARYEN_VERSION\b"; }
wo_ok || wait_for "npm install -g binaryen"
if wo_ok; then
  log "ok: $(wasm-opt --version)"
else
  # Debian's binaryen (108) cannot parse the wasm Rust 1.95 emits; the npm build of 132 can.
  log "installing wasm-opt: npm install -g binaryen@$BINARYEN_VERSION"
  npm install -g "binaryen@$BINARYEN_VERSION" --no-fund --no-audit
  hash -r
  wo_ok || die "wasm-opt --version does not say $BINARYEN_VERSION after install (is an older wasm-opt earlier on PATH? $(command -v wasm-opt))"
fi

# --- Chromium ---------------------------------------------------------------------------------

if [[ -x /usr/bin/chromium ]]; then
  log "ok: /usr/bin/chromium present"
else
  log "installing chromium and chromium-driver (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y chromium chromium-driver
fi

# --- npm packages (pinned in package-lock.json files) -----------------------------------------
#   tests/browser: playwright-core, for the browser tests;
#   www/editor: CodeMirror 6 and esbuild, which Trunk's build hook bundles into dist/editor.js.

npm_ci() {
  local dir="$ROOT/$1" marker="$2"
  local stamp="$dir/node_modules/.setup-lock.sha256"
  local sum
  sum="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$sum" && -d "$dir/node_modules/$marker" ]]; then
    log "ok: $1/node_modules matches package-lock.json"
  else
    log "npm ci in $1"
    (cd "$dir" && npm ci --no-fund --no-audit)
    echo "$sum" >"$stamp"
  fi
}
npm_ci tests/browser playwright-core
npm_ci www/editor @codemirror/view

log "done"
