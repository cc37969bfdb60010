#!/usr/bin/env bash
# Regenerates ffi/include/mxtrust.h with the pinned cbindgen. With --check,
# generates into a temporary file and fails if the committed header differs.
set -euo pipefail
cd "$(dirname "$0")"
# shellcheck source=../scripts/install.sh
. ../scripts/install.sh
need_cargo_tool cbindgen cbindgen 0.29.4
if [ "${1:-}" = "--check" ]; then
  tmp=$(mktemp)
  trap 'rm -f "$tmp"' EXIT
  cbindgen --quiet --config cbindgen.toml --crate mxtrust-ffi --output "$tmp" .
  if ! diff -u include/mxtrust.h "$tmp"; then
    echo "ffi/include/mxtrust.h is out of date: run ffi/header.sh and commit it" >&2
    exit 1
  fi
  echo "header up to date"
else
  cbindgen --quiet --config cbindgen.toml --crate mxtrust-ffi --output include/mxtrust.h .
fi
