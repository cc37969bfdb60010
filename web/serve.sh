#!/usr/bin/env bash
# One command to serve the checker page on loopback:
#   bash web/serve.sh [PORT]        http://127.0.0.1:PORT/ (default 8000)
# Builds the wasm package if it is missing (wasm/build.sh), copies it into
# web/mxtrust/ (web/build.sh), then runs web/serve.mjs.
set -euo pipefail
cd "$(dirname "$0")/.."
bash web/build.sh
exec node web/serve.mjs "${1:-8000}" 127.0.0.1
