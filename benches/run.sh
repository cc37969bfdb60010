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

# The committed no-allocator firmware image (tests/no-alloc/size.sh: DANE-EE
# with dane::verify_ee and MTA-STS matching, --gc-sections), as is and with
# sha2's compact backend; compare prints each .text by crate.
firmware=()
while IFS= read -r line; do
  firmware+=(--firmware "$line")
done < <(bash tests/no-alloc/size.sh)

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
