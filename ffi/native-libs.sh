#!/usr/bin/env bash
# Prints the native libraries a static link of libmxtrust needs, as rustc
# reports them (`--print native-static-libs`), on one line.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo rustc -p mxtrust-ffi --release --locked --lib --crate-type staticlib \
  -- --print native-static-libs 2>&1 |
  sed -n 's/.*native-static-libs: //p' | tail -n 1
