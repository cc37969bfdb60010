#!/usr/bin/env bash
# Run CMD (default: a shell) inside a stack held by `tests/stack/run.sh
# --hold SECONDS`, with the stack's variables (STACK_*) in the environment.
set -euo pipefail
env_file=${STACK_ENV_FILE:-/tmp/mxtrust-stack.env}
[ -f "$env_file" ] || { echo "enter.sh: no held stack ($env_file)" >&2; exit 1; }
set -a
# shellcheck source=/dev/null
. "$env_file"
set +a
[ $# -gt 0 ] || set -- bash
exec nsenter -t "$STACK_NS_PID" -m -n -- "$@"
