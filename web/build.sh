#!/usr/bin/env bash
# Puts the npm package `mxtrust` (its browser entry and the files it
# loads) into web/mxtrust/, where the page's import map finds it, so that
# web/ is a self-contained static site (served by web/serve.mjs, by the
# edge worker's assets, or by any static host). Builds the package with
# wasm/build.sh when wasm/pkg is missing or MXTRUST_WASM_BUILD=1.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f wasm/pkg/mxtrust_bg.wasm ] || [ "${MXTRUST_WASM_BUILD:-0}" = 1 ]; then
  bash wasm/build.sh
fi
rm -rf web/mxtrust
mkdir -p web/mxtrust
# The files browser.js reaches: api.js, the wasm-bindgen glue, its error
# snippet, the module, and roots.js for `mxtrust/roots`.
cp -r wasm/pkg/browser.js wasm/pkg/api.js wasm/pkg/mxtrust.js wasm/pkg/mxtrust_bg.wasm \
  wasm/pkg/roots.js wasm/pkg/snippets wasm/pkg/package.json web/mxtrust/
echo "web/mxtrust: mxtrust $(node -p 'require("./wasm/pkg/package.json").version') from wasm/pkg"
