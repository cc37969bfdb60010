#!/usr/bin/env bash
# One command for every benchmark: installs what is missing (libssl-dev,
# llvm-tools, the thumbv7em target, valgrind, the Python peer), builds the
# bare-metal DANE-EE firmware image for the .text budget, runs the criterion
# benches, then prints the side-by-side table and the policy cache's cost
# by size (benches/README.md).
#
#   benches/run.sh              criterion + compare + cache
#   benches/run.sh --compare    compare only
#   benches/run.sh --cache      the policy cache's cost at 64 to 100,000
#                               entries only (cache_ops; needs only valgrind)
set -euo pipefail
cd "$(dirname "$0")/.."
target=${CARGO_TARGET_DIR:-target}
mode=${1:-all}
# shellcheck source=../scripts/install.sh
. scripts/install.sh
need_apt libssl-dev pkg-config valgrind python3-venv

cache_table() {
  cargo build -q -p mxtrust-benches --bin cache_ops --release --locked
  "$target/release/cache_ops"
}
if [ "$mode" = --cache ]; then
  cache_table
  exit
fi
need_rustup_component llvm-tools
need_rustup_target thumbv7em-none-eabihf
# The Python peer in its own venv, pinned (benches/python/requirements.txt).
if [ -z "${PYTHON:-}" ]; then
  need_pip_venv "$target/bench-venv" benches/python/requirements.txt
  PYTHON=$target/bench-venv/bin/python
fi
python=$PYTHON

# The committed no-allocator static library (tests/no-alloc), linked from its
# DANE-EE entry point with --gc-sections: what a firmware image keeps.
# Built twice: as is, and with sha2's compact software backend.
lld=$(ls "$(rustc --print sysroot)"/lib/rustlib/*/bin/rust-lld | head -n1)
firmware=()
for variant in default compact-sha2; do
  flags=()
  [ "$variant" = compact-sha2 ] && flags=(--config 'build.rustflags=["--cfg","sha2_backend_soft=\"compact\""]')
  cargo build -q "${flags[@]}" --manifest-path tests/no-alloc/Cargo.toml \
    --target thumbv7em-none-eabihf --release --target-dir "$target/no-alloc-$variant"
  elf="$target/no-alloc-$variant/dane-ee.elf"
  "$lld" -flavor gnu -u check_dane_ee --entry check_dane_ee --gc-sections -o "$elf" \
    "$target/no-alloc-$variant/thumbv7em-none-eabihf/release/libmxtrust_no_alloc_check.a"
  firmware+=(--firmware "thumbv7em-none-eabihf DANE-EE image ($variant)=$elf")
done

if [ "$mode" != --compare ]; then
  cargo bench -p mxtrust-benches --bench dane --locked
  cargo bench -p mxtrust-benches --bench sts --locked
fi
cargo build -q -p mxtrust-benches --bin compare --release --locked
PYTHON="$python" "$target/release/compare" "${firmware[@]}"
if [ "$mode" != --compare ]; then
  echo
  cache_table
fi
