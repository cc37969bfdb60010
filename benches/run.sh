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
#   benches/run.sh --scaling    the scaling tables only: DANE against chain
#                               length and RRset size, the policy against
#                               its mx lines
#   benches/run.sh --wasm       the wasm package's budgets only: .wasm size
#                               by crate, DANE-EE and policy parse + match
#                               in Node against native (benches/wasm/)
set -euo pipefail
cd "$(dirname "$0")/.."
target=${CARGO_TARGET_DIR:-target}
mode=${1:-all}
# shellcheck source=../scripts/install.sh
. scripts/install.sh

if [ "$mode" = --wasm ]; then
  # The package as users get it (installs clang, wasm-bindgen-cli, binaryen).
  bash wasm/build.sh
  scratch=$(mktemp -d)
  trap 'rm -rf "$scratch"' EXIT
  # The native figures: sha2's portable backend (what wasm32 gets), then the
  # default build (SHA-NI where the CPU has it).
  cargo build -q --release -p mxtrust-wasm-bench --locked --target-dir "$target/wasm-bench-portable" \
    --config 'build.rustflags=["--cfg","sha2_backend=\"soft\""]'
  "$target/wasm-bench-portable/release/wasm_native" >"$scratch/portable.json"
  cargo build -q --release -p mxtrust-wasm-bench --locked
  "$target/release/wasm_native" >"$scratch/default.json"
  # Size by crate: the same build through wasm-bindgen and wasm-opt -Oz
  # with the name section kept.
  wasm-bindgen --target web --no-typescript --keep-debug --out-dir "$scratch/names" \
    "$target/wasm32-unknown-unknown/wasm-release/mxtrust_wasm.wasm"
  wasm/node_modules/.bin/wasm-opt -Oz -g --enable-bulk-memory --enable-nontrapping-float-to-int \
    --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
    -o "$scratch/names.wasm" "$scratch/names/mxtrust_wasm_bg.wasm"
  python3 benches/wasm/wasm_size.py "$scratch/names.wasm" --top 16 >"$scratch/sizes.txt"
  # Feature-reduced builds say what a part costs once LTO has inlined
  # everything: each is the package's build with one --cfg, in its own
  # target directory, through wasm-bindgen and wasm-opt -Oz as build.sh does.
  size_variant() {
    local name=$1 cfg=$2 dir=$target/wasm-size-$1
    cargo build -q -p mxtrust-wasm --lib --target wasm32-unknown-unknown --locked --target-dir "$dir" \
      --profile wasm-release --config 'profile.wasm-release.inherits="release"' \
      --config 'profile.wasm-release.opt-level="z"' --config 'profile.wasm-release.lto=true' \
      --config 'profile.wasm-release.codegen-units=1' --config 'profile.wasm-release.panic="abort"' \
      --config "build.rustflags=[\"--cfg\",\"${cfg//\"/\\\"}\"]"
    wasm-bindgen --target web --no-typescript --out-dir "$scratch/$name" \
      "$dir/wasm32-unknown-unknown/wasm-release/mxtrust_wasm.wasm"
    wasm/node_modules/.bin/wasm-opt -Oz --strip-debug --strip-producers --enable-bulk-memory \
      --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals \
      --enable-reference-types --enable-multivalue -o "$scratch/$name.wasm" "$scratch/$name/mxtrust_wasm_bg.wasm"
    printf '%s\t%s\n' "$3" "$scratch/$name.wasm" >>"$scratch/variants.txt"
  }
  size_variant no-rsa 'mxtrust_wasm_size="no-rsa"' "without RSA (ring's ECDSA and Ed25519 only)"
  size_variant no-signatures 'mxtrust_wasm_size="no-signatures"' "without any signature algorithm (no ring verification code)"
  size_variant compact-sha2 'sha2_backend_soft="compact"' "sha2's compact software backend"
  node benches/wasm/bench.mjs "$PWD/wasm/pkg" "$scratch/portable.json" "$scratch/default.json" "$scratch/sizes.txt" "$scratch/variants.txt"
  exit
fi
need_apt libssl-dev pkg-config valgrind python3-venv

cache_table() {
  cargo build -q -p mxtrust-benches --bin cache_ops --release --locked
  "$target/release/cache_ops"
}
if [ "$mode" = --cache ]; then
  cache_table
  exit
fi
if [ "$mode" = --scaling ]; then
  # The scaling tables: DANE against chain length and RRset size beside
  # OpenSSL, the policy against its mx lines beside the line split and the
  # Python resolver (about 5 minutes, callgrind included).
  if [ -z "${PYTHON:-}" ]; then
    need_pip_venv "$target/bench-venv" benches/python/requirements.txt
    PYTHON=$target/bench-venv/bin/python
  fi
  cargo build -q -p mxtrust-benches --bin compare --release --locked
  PYTHON="$PYTHON" "$target/release/compare" --scaling
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
