#!/usr/bin/env bash
# A bounded load run of the edge worker (benches/README.md, "The edge
# worker"): the real stack (tests/stack/harness.sh), the worker in workerd
# exactly as tests/stack/cases/edge.sh runs it, then benches/edge/load.mjs
# (default 2,000 requests at concurrency 32, alternating /api/dane and
# /api/sts with a warm policy cache), and workerd's memory (VmRSS) before
# and after. Not in CI: wall-clock figures do not gate tests. As root:
#
#   benches/edge-load.sh [REQUESTS] [CONCURRENCY] [both|dane|sts]
set -euo pipefail
STACK_T0=$(date +%s.%N)
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../tests/stack/harness.sh
. "$here/../tests/stack/harness.sh"
# shellcheck source=../tests/stack/cases/edge.sh
. "$STACK_HERE/cases/edge.sh"
[ "$(id -u)" = 0 ] || die "needs root (the stack's namespaces)"
requests=${1:-2000}
concurrency=${2:-32}
mix=${3:-both}

stack_install
edge_prepare
stack_start
edge_start
workerd_pid=${STACK_PIDS[${#STACK_PIDS[@]}-1]}
rss() { awk '/^VmRSS/ { printf "%.1f MB", $2 / 1024 }' "/proc/$workerd_pid/status"; }
say "workerd memory before: $(rss)"
rc=0
stack_exec node "$here/edge/load.mjs" "http://$EDGE_ADDR:8080" "$STACK_SMTP_CHAIN" "$requests" "$concurrency" "$mix" || rc=$?
say "workerd memory after: $(rss)"
STACK_SUMMARY_DONE=1
exit "$rc"
