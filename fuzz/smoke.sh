#!/usr/bin/env bash
# CI smoke run of the fuzz targets: builds all of them, seeds the corpora
# from the fixtures, and runs each target for SECONDS (default 20) seconds.
# Long runs are manual: cargo +nightly fuzz run TARGET -- -max_total_time=600
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-20}

# shellcheck source=../scripts/install.sh
. ../scripts/install.sh
need_cargo_tool cargo-fuzz cargo-fuzz 0.13.2
if rustup toolchain list | grep -q '^nightly'; then
  fuzz() { cargo +nightly fuzz "$@"; }
else
  # libFuzzer's sanitizer flags need nightly features; a stable toolchain
  # can be told to allow them.
  fuzz() { RUSTC_BOOTSTRAP=1 cargo fuzz "$@"; }
fi

./seed.sh
fuzz build
for target in $(fuzz list); do
  echo "--- $target (${seconds}s)"
  fuzz run "$target" -- -max_total_time="$seconds" -print_final_stats=1 2>&1 |
    grep -E '^(Done|stat::number_of_executed_units)|DONE|ERROR|SUMMARY|panicked' || true
  # A crash leaves an artifact and a non-zero status; run once more to fail
  # with libFuzzer's full report.
  if compgen -G "artifacts/$target/crash-*" >/dev/null; then
    fuzz run "$target" artifacts/"$target"/crash-*
  fi
done
