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
python=${PYTHON:-python3}
mode=${1:-all}

apt_updated=
apt_install() {
  [ -n "$apt_updated" ] || { apt-get update -qq; apt_updated=1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}
pkg-config --exists openssl 2>/dev/null || apt_install libssl-dev pkg-config
command -v valgrind >/dev/null || apt_install valgrind

cache_table() {
  cargo build -q -p mxtrust-benches --bin cache_ops --release --locked
  "$target/release/cache_ops"
}
if [ "$mode" = --cache ]; then
  cache_table
  exit
fi
rustup component list --installed | grep -q '^llvm-tools' || rustup component add llvm-tools
rustup target list --installed | grep -qx thumbv7em-none-eabihf || rustup target add thumbv7em-none-eabihf
"$python" -c 'import postfix_mta_sts_resolver' 2>/dev/null ||
  "$python" -m pip install -q 'postfix-mta-sts-resolver==1.5.1'

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
