#!/usr/bin/env bash
# Builds the npm package `mxtrust` into wasm/pkg/:
#   1. cargo build --release --target wasm32-unknown-unknown (profile
#      wasm-release: size-optimised, LTO, one codegen unit);
#   2. wasm-bindgen --target web (the glue serves pages, workers and Node);
#   3. wasm-opt -Oz from the npm `binaryen` package (Debian's wasm-opt 108
#      breaks wasm-bindgen output);
#   4. the hand-written entry points, declarations and README of wasm/npm/,
#      and roots.js (`mxtrust/roots`) from the pinned webpki-root-certs.
# Installs what is missing first (scripts/install.sh). Honours
# CARGO_TARGET_DIR. `npm pack wasm/pkg` then makes the tarball.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=../scripts/install.sh
. scripts/install.sh

# The exact wasm-bindgen version wasm/Cargo.toml pins; the CLI must match.
WASM_BINDGEN_VERSION=0.2.130

need_rustup_target wasm32-unknown-unknown
# ring compiles C for wasm32 with clang (cc-rs finds clang and llvm-ar).
need_apt clang llvm
command -v node >/dev/null || need_apt nodejs npm
need_cargo_tool wasm-bindgen wasm-bindgen-cli "$WASM_BINDGEN_VERSION"
need_npm_ci wasm

target=${CARGO_TARGET_DIR:-target}
out=wasm/pkg
profile=(
  --config 'profile.wasm-release.inherits="release"'
  --config 'profile.wasm-release.opt-level="z"'
  --config 'profile.wasm-release.lto=true'
  --config 'profile.wasm-release.codegen-units=1'
  --config 'profile.wasm-release.panic="abort"'
)
cargo build -q -p mxtrust-wasm --lib --target wasm32-unknown-unknown --locked \
  --profile wasm-release "${profile[@]}"

rm -rf "$out"
mkdir -p "$out"
wasm-bindgen --target web --no-typescript --out-dir "$out" --out-name mxtrust \
  "$target/wasm32-unknown-unknown/wasm-release/mxtrust_wasm.wasm"
# The features rustc enables by default on wasm32-unknown-unknown; wasm-opt
# keeps to them, so the output runs wherever rustc's does.
wasm/node_modules/.bin/wasm-opt -Oz --strip-debug --strip-producers \
  --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue \
  -o "$out/mxtrust_bg.wasm" "$out/mxtrust_bg.wasm"

cp wasm/npm/* "$out/"
version=$(cargo metadata --format-version 1 --no-deps --locked |
  node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const p=JSON.parse(s).packages.find(p=>p.name==="mxtrust-wasm");process.stdout.write(p.version)})')
sed -i "s/\"version\": \"0.0.0\"/\"version\": \"$version\"/" "$out/package.json"
# The error class wasm-bindgen copied into snippets/ is the one every
# entry point exports, so `instanceof MxtrustError` holds.
snippet=$(cd "$out" && find snippets -name error.js | head -n1)
[ -n "$snippet" ] || { echo "build.sh: no snippets/**/error.js in $out" >&2; exit 1; }
sed -i "s#__ERROR_JS__#./$snippet#" "$out/api.js"
cargo run -q -p mxtrust-wasm --features roots --bin roots-js --locked -- "$out/roots.js"

wasm=$out/mxtrust_bg.wasm
printf 'wasm/pkg: mxtrust %s, %s octets of wasm (%s gzipped)\n' "$version" \
  "$(stat -c %s "$wasm")" "$(gzip -9c "$wasm" | wc -c)"
