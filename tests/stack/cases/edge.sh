# shellcheck shell=bash
# The edge worker (edge/, issue #15) in workerd inside the stack's namespace:
# DNS over HTTPS through the harness's validating unbound, the policy host
# with the test CA (workerd's tlsOptions), so mta-sts.D resolves to the
# loopback policy host. edge/test/cases.mjs asserts every JSON answer; one
# workerd process serves three sockets: the worker as configured, and the
# same worker with a DoH upstream that refuses connections (502), that
# never answers (the silent listener: 504). Sourced by run.sh.

EDGE_ADDR=127.0.10.80
EDGE_RELAY_ADDR=127.0.10.81 # edge/test/doh-relay.mjs: HTTP/1.1 in front of unbound's HTTP/2-only DoH

edge_prepare() {
  # The wasm package (wasm/pkg) is the worker's `mxtrust` dependency.
  (cd "$STACK_ROOT" && bash wasm/build.sh)
  need_npm_ci "$STACK_ROOT/edge"
}

edge_config() { # the test config: edge/workerd.capnp's modules, the stack's resolver and CA
  local d=$STACK_DIR/edge
  mkdir -p "$d"
  cp "$STACK_CA" "$d/ca.pem"
  _stack_leaf "$d/relay" "$STACK_DIR/pki/ca.pem" "$STACK_DIR/pki/ca.key.pem" "$EDGE_RELAY_ADDR" "IP:$EDGE_RELAY_ADDR"
  worker() { # DOH_URL DOH_TIMEOUT_MS
    cat <<CAPNP
(modules = Edge.modules, compatibilityDate = Edge.compatibilityDate, globalOutbound = "internet",
       bindings = [(name = "DOH_URL", text = "$1"), (name = "DOH_TIMEOUT_MS", text = "$2"),
                   (name = "POLICY_TIMEOUT_MS", text = "2000"),
                   (name = "ALLOWED_ORIGINS", text = "https://checker.example.test")])
CAPNP
  }
  cat >"$d/edge-test.capnp" <<CAPNP
using Workerd = import "/workerd/workerd.capnp";
using Edge = import "/edge/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = $(worker "https://$EDGE_RELAY_ADDR/dns-query" 3000)),
    (name = "refused", worker = $(worker "https://$STACK_CLOSED_ADDR/dns-query" 3000)),
    (name = "slow", worker = $(worker "https://$STACK_SILENT_ADDR:$STACK_SMTP_PORT/dns-query" 1000)),
    (name = "internet", network = (allow = ["public", "local"], tlsOptions = (trustedCertificates = [embed "ca.pem"]))),
  ],
  sockets = [
    (name = "main", address = "$EDGE_ADDR:8080", http = (), service = "main"),
    (name = "refused", address = "$EDGE_ADDR:8081", http = (), service = "refused"),
    (name = "slow", address = "$EDGE_ADDR:8082", http = (), service = "slow"),
  ],
);
CAPNP
}

edge_start() {
  edge_config
  stack_bg edge-doh-relay node "$STACK_ROOT/edge/test/doh-relay.mjs" "$EDGE_RELAY_ADDR" 443 \
    "$STACK_DIR/edge/relay.pem" "$STACK_DIR/edge/relay.key.pem" "$STACK_DOH_URL" "$STACK_CA"
  stack_bg edge-workerd "$STACK_ROOT/edge/node_modules/.bin/workerd" serve \
    --import-path "$STACK_ROOT" "$STACK_DIR/edge/edge-test.capnp"
  stack_wait_port tcp "$EDGE_RELAY_ADDR" 443 doh-relay
  stack_wait_port tcp "$EDGE_ADDR" 8080 workerd
}

edge_cases() {
  edge_start
  count_results edge < <(stack_exec node "$STACK_ROOT/edge/test/cases.mjs" "http://$EDGE_ADDR" \
             "$STACK_SMTP_CHAIN" 2>&1 || echo "not ok cases.mjs exited non-zero")
}
