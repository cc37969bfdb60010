#!/usr/bin/env bash
# mxtrust-policy-server side by side with postfix-mta-sts-resolver (issue
# #17 item 5; not in CI): both answer the same socketmap lookups from a warm
# cache, inside the real-stack harness (tests/stack: its DNSSEC zones and
# MTA-STS policy host), 1,000 at once.
#
#   benches/policy-server.sh [ROUNDS]      (as root; default 5 rounds)
set -euo pipefail
cd "$(dirname "$0")/.."
target=${CARGO_TARGET_DIR:-$PWD/target}
rounds=${1:-5}
# shellcheck source=scripts/install.sh
source scripts/install.sh
need_pip_venv "$target/bench-venv" benches/python/requirements.txt
cargo build -q --release -p mxtrust-policy-server --locked
bin=$target/release/mxtrust-policy-server
env_file=$(mktemp /tmp/mxtrust-bench-stack.XXXXXX.env)
rm -f "$env_file"
STACK_ENV_FILE=$env_file bash tests/stack/run.sh --infra-only --hold 600 >"$env_file.log" 2>&1 &
holder=$!
# The harness runs its stop trap only when its foreground `sleep` of --hold
# ends: stop that sleep too (the holder's own children), not only the holder.
stop_stack() {
  local c
  for c in $(pgrep -P "$holder" sleep 2>/dev/null); do kill "$c" 2>/dev/null || true; done
  kill "$holder" 2>/dev/null || true
  wait "$holder" 2>/dev/null || true
}
trap stop_stack EXIT
for _ in $(seq 600); do [ -s "$env_file" ] && break; sleep 0.2; done
[ -s "$env_file" ] || { cat "$env_file.log" >&2; exit 1; }
# shellcheck disable=SC1090
source "$env_file"
ns() { nsenter -t "$STACK_NS_PID" -m -n -- "$@"; }
work=$STACK_DIR/bench
mkdir -p "$work"
cat >"$work/mxtrust.toml" <<EOT
listen = "127.0.0.1:8461"
cache_file = "$work/cache.bin"
capacity = 50000
resolver = "$STACK_DNS_ADDR:53"
trust_ad = true
ca_file = "$STACK_CA"
max_connections = 2000
EOT
cat >"$work/resolver.yml" <<EOT
host: 127.0.0.1
port: 8471
reuse_port: true
shutdown_timeout: 5
cache:
  type: internal
  options:
    cache_size: 50000
default_zone:
  strict_testing: false
  timeout: 4
EOT
# Simple commands, so that $! is each server itself (nsenter execs it): RSS.
nsenter -t "$STACK_NS_PID" -m -n -- "$bin" --config "$work/mxtrust.toml" >"$work/mxtrust.log" 2>&1 &
mx_pid=$!
nsenter -t "$STACK_NS_PID" -m -n -- "$target/bench-venv/bin/mta-sts-daemon" -c "$work/resolver.yml" >"$work/resolver.log" 2>&1 &
py_pid=$!
trap 'kill -KILL $mx_pid $py_pid 2>/dev/null || true; stop_stack' EXIT
sleep 2
domains=(sts.example.test mismatch.example.test testing.example.test)
ns sh -c 'ulimit -n 8192; exec "$@"' - "$target/bench-venv/bin/python" "$PWD/benches/python/socketmap_load.py" 8461 mta-sts 1000 "$rounds" "${domains[@]}" >"$work/mxtrust.json"
ns sh -c 'ulimit -n 8192; exec "$@"' - "$target/bench-venv/bin/python" "$PWD/benches/python/socketmap_load.py" 8471 mta-sts 1000 "$rounds" "${domains[@]}" >"$work/resolver.json"
rss() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
python3 - "$work/mxtrust.json" "$work/resolver.json" "$(rss $mx_pid)" "$(rss $py_pid)" <<'PY'
import json, sys
rows = [("mxtrust-policy-server", json.load(open(sys.argv[1])), sys.argv[3]),
        ("postfix-mta-sts-resolver 1.5.1", json.load(open(sys.argv[2])), sys.argv[4])]
print("| server | lookups | p50 | p99 | lookups/s | RSS |")
print("| --- | --- | --- | --- | --- | --- |")
for name, r, rss in rows:
    print(f"| {name} | {r['lookups']} | {r['p50_us']} µs | {r['p99_us']} µs | {r['per_second']} | {int(rss)/1024:.1f} MiB |")
for name, r, _ in rows:
    for d, a in sorted(r["answers"].items()):
        print(f"{name}: {d}: {a}")
PY
