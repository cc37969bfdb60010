#!/usr/bin/env bash
# The checker page's browser tests (scripts/test.sh runs this as one step):
#   1. installs what is missing: Debian's chromium (playwright-core drives
#      it; no browser download), npm playwright-core and axe-core from
#      web/test/package-lock.json;
#   2. the wasm package (wasm/build.sh, skipped with MXTRUST_WASM_FRESH=1
#      when the caller has just built it) copied into web/mxtrust/;
#   3. the `mxtrust` CLI (debug), whose verdicts the page must reproduce;
#   4. node --test web/test/page.test.mjs: every mode with examples/ and
#      bad input, the URL fragment, keyboard use, axe-core, phone width,
#      both themes, and the screenshots, which it saves under
#      $CARGO_TARGET_DIR/web-screenshots (default target/web-screenshots).
# The Domain mode against the edge worker runs in the real stack:
# tests/stack/run.sh web. Prints the seconds of each part.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=../scripts/install.sh
. scripts/install.sh
repo=$PWD
target=${CARGO_TARGET_DIR:-target}
case "$target" in /*) ;; *) target=$repo/$target ;; esac
part() { printf -- '--- web: %s: %ds\n' "$1" $((SECONDS - t)); t=$SECONDS; }
t=$SECONDS

need_apt chromium
command -v node >/dev/null || need_apt nodejs npm
need_npm_ci web/test
part "chromium, playwright-core and axe-core"

[ "${MXTRUST_WASM_FRESH:-0}" = 1 ] || bash wasm/build.sh
bash web/build.sh
cargo build -q -p mxtrust-cli --locked
part "wasm package and mxtrust CLI"

export WEB_SCREENSHOTS=$target/web-screenshots
MXTRUST_CLI=$target/debug/mxtrust node --test --test-concurrency=1 web/test/page.test.mjs
part "node --test web/test/page.test.mjs in chromium"
echo "web: screenshots in $WEB_SCREENSHOTS"
