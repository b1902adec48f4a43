#!/usr/bin/env bash
# Runs the fuzz targets one after another (developer tool, not run by CI):
#   bash scripts/fuzz.sh [SECONDS_EACH] [TARGET...]
# Needs cargo-fuzz (`cargo install cargo-fuzz --locked`); runs on the stable toolchain through
# RUSTC_BOOTSTRAP and libFuzzer without a sanitizer. Findings land in tests/fuzz/artifacts/;
# each target's log in tests/fuzz/logs/. Afterwards minimise and keep the corpus:
#   RUSTC_BOOTSTRAP=1 cargo fuzz cmin --fuzz-dir tests/fuzz -s none TARGET
#   cp tests/fuzz/corpus/TARGET/* tests/fuzz-corpus/TARGET/
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$HOME/.cargo/bin:$PATH" RUSTC_BOOTSTRAP=1
secs="${1:-300}"
shift || true
targets=("$@")
if ((${#targets[@]} == 0)); then
  targets=(workspace kubectl script request pem jwt csv patch pipeline)
fi
mkdir -p tests/fuzz/logs
cargo fuzz build --fuzz-dir tests/fuzz -s none
for t in "${targets[@]}"; do
  mkdir -p "tests/fuzz/corpus/$t" "tests/fuzz-corpus/$t"
  echo "[fuzz] $t for ${secs}s"
  # -rss_limit_mb: a case that needs more is a finding; -timeout: one that takes longer is a hang.
  cargo fuzz run --fuzz-dir tests/fuzz -s none "$t" "tests/fuzz/corpus/$t" "tests/fuzz-corpus/$t" -- \
    -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 -max_len=65536 \
    > "tests/fuzz/logs/$t.log" 2>&1 || echo "[fuzz] $t stopped with a finding: see tests/fuzz/logs/$t.log"
  tail -n 3 "tests/fuzz/logs/$t.log"
done
