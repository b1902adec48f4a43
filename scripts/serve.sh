#!/usr/bin/env bash
# Serves the release build on http://127.0.0.1:8080/ (rebuilds when src/ or www/ change;
# reload the page by hand: Trunk's auto-reload script is off because the page's CSP forbids
# inline scripts). Extra arguments go to `trunk serve`.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PATH"
exec trunk serve --release --offline --address 127.0.0.1 --port 8080 "$@"
