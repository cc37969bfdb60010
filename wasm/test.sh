#!/usr/bin/env bash
# The wasm package's tests (scripts/test.sh runs this as one step):
#   1. wasm/build.sh (installs clang, wasm-bindgen-cli, binaryen if missing);
#   2. the bindings under Node with wasm-bindgen-test;
#   3. `npm pack`, then in a fresh folder with only the tarball installed:
#      node --test over every function and error path, each `exports`
#      condition, the CLI's JSON against the package's documents, and
#      random and mutated inputs (FUZZ_ITERATIONS, default 1000);
#      tsc --strict over the declarations.
# Prints the seconds of each part. Honours CARGO_TARGET_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=../scripts/install.sh
. scripts/install.sh
repo=$PWD
target=${CARGO_TARGET_DIR:-target}
case "$target" in /*) ;; *) target=$repo/$target ;; esac
# node --test, import.meta.resolve and module.register (the worker
# condition's loader) need Node 20.6 or later; Debian 12's own nodejs is 18.
command -v node >/dev/null || need_apt nodejs npm
node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 6) ? 0 : 1)' ||
  { echo "wasm/test.sh: Node 20.6 or later is needed (node $(node --version))" >&2; exit 1; }
part() { printf -- '--- wasm: %s: %ds\n' "$1" $((SECONDS - t)); t=$SECONDS; }
t=$SECONDS

bash wasm/build.sh
part "build (wasm/build.sh)"

CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  cargo test -p mxtrust-wasm --test bindings --target wasm32-unknown-unknown --locked
part "bindings under Node (wasm-bindgen-test)"

cargo build -q -p mxtrust-cli --locked
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
tarball=$(cd wasm/pkg && npm pack --silent --pack-destination "$scratch")
mkdir "$scratch/app"
cd "$scratch/app"
printf '{ "name": "mxtrust-user", "private": true, "type": "module" }\n' >package.json
npm install --silent --no-audit --no-fund --offline "$scratch/$tarball"
cp -r "$repo/wasm/test" test
part "npm pack and install in a fresh folder"

MXTRUST_REPO=$repo MXTRUST_CLI=$target/debug/mxtrust \
  node --test test/api.test.mjs test/conditions.test.mjs test/cli.test.mjs test/fuzz.test.mjs
part "node --test on the installed package"

printf '{ "compilerOptions": { "strict": true, "noEmit": true, "module": "nodenext", "moduleResolution": "nodenext", "target": "es2022", "lib": ["es2022", "dom"], "skipLibCheck": false, "noUnusedLocals": false }, "files": ["test/types.ts"] }\n' >tsconfig.json
"$repo/wasm/node_modules/.bin/tsc" -p tsconfig.json
part "tsc --strict over the declarations"
