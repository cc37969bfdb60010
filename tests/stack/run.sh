#!/usr/bin/env bash
# Real-stack tests (see tests/stack/README.md): starts the stack once
# (harness.sh: nsd, validating unbound with DNS-over-HTTPS, Postfix, the
# MTA-STS policy host, in a private mount and network namespace), checks it,
# then runs each surface's cases from tests/stack/cases/NAME.sh.
#
#   tests/stack/run.sh                  install what is missing, build, run all
#   tests/stack/run.sh c_client         only these surfaces' cases
#   tests/stack/run.sh --infra-only     only the stack and its checks
#   tests/stack/run.sh --hold 600 [...] keep the stack up 600 s after the
#                                       checks, for tests/stack/enter.sh
#                                       (env in $STACK_ENV_FILE, default
#                                       /tmp/mxtrust-stack.env)
#   STACK_KEEP=1 tests/stack/run.sh     keep the temporary directory
#
# Ends with "N passed, N failed"; exits non-zero on any failure. Needs root.
set -euo pipefail
STACK_T0=$(date +%s.%N)
# shellcheck source=tests/stack/harness.sh
. "$(dirname "$0")/harness.sh"
cd "$STACK_ROOT"

infra_only=0
hold=${STACK_HOLD:-}
surfaces=()
while [ $# -gt 0 ]; do
  case "$1" in
    --infra-only) infra_only=1 ;;
    --hold) hold=${2:?--hold SECONDS}; shift ;;
    -*) die "usage: run.sh [--infra-only] [--hold SECONDS] [SURFACE...]" ;;
    *) surfaces+=("$1") ;;
  esac
  shift
done
if [ ${#surfaces[@]} -eq 0 ]; then
  for f in "$STACK_HERE"/cases/*.sh; do surfaces+=("$(basename "$f" .sh)"); done
fi
[ "$infra_only" = 1 ] && surfaces=()

[ "$(id -u)" = 0 ] || die "needs root (apt-get, namespaces, a private Postfix instance)"
# Each surface names its Debian packages (NAME_packages) and builds on the
# machine (NAME_prepare: registries reachable) before the stack's namespace
# exists; its cases (NAME_cases) run once the stack is up.
packages=()
for s in "${surfaces[@]}"; do
  [ -f "$STACK_HERE/cases/$s.sh" ] || die "no tests/stack/cases/$s.sh"
  # shellcheck source=/dev/null
  . "$STACK_HERE/cases/$s.sh"
  v=${s}_packages
  # shellcheck disable=SC2206 # a space-separated list
  packages+=(${!v:-})
done
stack_install "${packages[@]}"
for s in "${surfaces[@]}"; do
  if declare -F "${s}_prepare" >/dev/null; then "${s}_prepare"; fi
done
say "prepared after $(stack_elapsed)s"

stack_start
stack_check_infra

if [ -n "$hold" ]; then # development: keep the stack up a while
  STACK_ENV_FILE=${STACK_ENV_FILE:-/tmp/mxtrust-stack.env}
  stack_env >"$STACK_ENV_FILE"
  say "holding the stack for ${hold}s: STACK_ENV_FILE=$STACK_ENV_FILE tests/stack/enter.sh [CMD...] runs inside it"
  sleep "$hold"
fi

for s in "${surfaces[@]}"; do
  t=$(stack_elapsed)
  "${s}_cases"
  say "$s cases took $(awk -v a="$t" -v b="$(stack_elapsed)" 'BEGIN { printf "%.1f", b - a }')s"
done

say "total $(stack_elapsed)s"
stack_summary
