#!/usr/bin/env bash
# Builds the bare-metal firmware image of tests/no-alloc (DANE-EE with
# dane::verify_ee and MTA-STS policy matching, linked with --gc-sections
# from its two entry points) in two variants, and prints each `.text` size:
#
#   default        sha2 as it comes (SHA-512 unrolled)
#   compact-sha2   sha2's compact software backend, the tiny build:
#                  RUSTFLAGS='--cfg sha2_backend_soft="compact"'
#
#   tests/no-alloc/size.sh            print LABEL=ELF lines (benches/run.sh)
#   tests/no-alloc/size.sh --check    fail if the tiny image grew past BUDGET
set -euo pipefail
cd "$(dirname "$0")/../.."

# The tiny image's .text budget in octets (issue #18: at most 32 KiB for
# DANE-EE 3 1 1 / 3 1 2 / 3 0 x and MTA-STS matching). Measured 29,726 B
# when set; lower it when the image shrinks, never raise it silently.
BUDGET=32768

target=${CARGO_TARGET_DIR:-target}
lld=$(ls "$(rustc --print sysroot)"/lib/rustlib/*/bin/rust-lld | head -n1)
text_size() {
  # The .text row of the section table: its size field is hex.
  local hex
  hex=$(readelf -SW "$1" | grep ' \.text ' | sed 's/.*PROGBITS *//' | awk '{print $3}')
  echo $((16#$hex))
}
for variant in default compact-sha2; do
  flags=()
  [ "$variant" = compact-sha2 ] && flags=(--config 'build.rustflags=["--cfg","sha2_backend_soft=\"compact\""]')
  cargo build -q "${flags[@]}" --manifest-path tests/no-alloc/Cargo.toml \
    --target thumbv7em-none-eabihf --release --target-dir "$target/no-alloc-$variant"
  elf="$target/no-alloc-$variant/firmware.elf"
  "$lld" -flavor gnu -u check_dane_ee -u check_mx_allowed --entry check_dane_ee --gc-sections \
    -o "$elf" "$target/no-alloc-$variant/thumbv7em-none-eabihf/release/libmxtrust_no_alloc_check.a"
  size=$(text_size "$elf")
  if [ "${1:-}" = --check ]; then
    echo "$variant: .text $size B"
    if [ "$variant" = compact-sha2 ] && [ "$size" -gt "$BUDGET" ]; then
      echo "the tiny firmware image grew past its budget: $size B > $BUDGET B (tests/no-alloc/size.sh)" >&2
      exit 1
    fi
  else
    echo "thumbv7em-none-eabihf DANE-EE + MTA-STS image ($variant)=$elf"
  fi
done
[ "${1:-}" = --check ] && echo "budget: $BUDGET B for the compact-sha2 image"
exit 0
