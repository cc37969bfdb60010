# shellcheck shell=bash
# The checker page (web/, issue #16) as deployed: the edge worker in workerd
# serves the page (its ASSETS binding on web/) and /api/check on one origin,
# inside the stack's namespace, with DNS over HTTPS through the harness's
# validating unbound (edge/test/doh-relay.mjs in front, as cases/edge.sh
# does) and the policy host trusted through the test CA. Debian's chromium,
# driven by playwright-core, runs the Domain mode against the stack's zones
# (web/test/domain-cases.mjs): the page must show the API's decisions, the
# DANE verdict of a pasted chain, the MTA-STS certificate check, and the
# verdicts of a real `mxtrust check --json` imported. Sourced by run.sh.

WEB_ADDR=127.0.10.84
WEB_RELAY_ADDR=127.0.10.85
web_packages="chromium"

web_prepare() {
  # edge_prepare builds the wasm package when the edge surface runs too.
  declare -F edge_prepare >/dev/null || (cd "$STACK_ROOT" && bash wasm/build.sh)
  need_npm_ci "$STACK_ROOT/edge"
  need_npm_ci "$STACK_ROOT/web/test"
  # `mxtrust check --json` to import (check_prepare builds the same).
  (cd "$STACK_ROOT" && cargo build -q -p mxtrust-cli --locked)
}

web_start() {
  local d=$STACK_DIR/web
  mkdir -p "$d"
  (cd "$STACK_ROOT" && bash web/build.sh) # web/mxtrust/ from the fresh wasm/pkg
  cp "$STACK_CA" "$d/ca.pem"
  _stack_leaf "$d/relay" "$STACK_DIR/pki/ca.pem" "$STACK_DIR/pki/ca.key.pem" "$WEB_RELAY_ADDR" "IP:$WEB_RELAY_ADDR"
  cat >"$d/web.capnp" <<CAPNP
using Workerd = import "/workerd/workerd.capnp";
using Edge = import "/edge/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = (modules = Edge.modules, compatibilityDate = Edge.compatibilityDate, globalOutbound = "internet",
       bindings = [(name = "DOH_URL", text = "https://$WEB_RELAY_ADDR/dns-query"), (name = "DOH_TIMEOUT_MS", text = "3000"),
                   (name = "POLICY_TIMEOUT_MS", text = "2000"), (name = "ALLOWED_ORIGINS", text = ""),
                   (name = "ASSETS", service = "tree"), (name = "ASSETS_PREFIX", text = "/web")])),
    (name = "internet", network = (allow = ["public", "local"], tlsOptions = (trustedCertificates = [embed "ca.pem"]))),
    (name = "tree", disk = (path = "$STACK_ROOT", writable = false)),
  ],
  sockets = [(name = "main", address = "$WEB_ADDR:8080", http = (), service = "main")],
);
CAPNP
  stack_bg web-doh-relay node "$STACK_ROOT/edge/test/doh-relay.mjs" "$WEB_RELAY_ADDR" 443 \
    "$d/relay.pem" "$d/relay.key.pem" "$STACK_DOH_URL" "$STACK_CA"
  stack_bg web-workerd "$STACK_ROOT/edge/node_modules/.bin/workerd" serve \
    --import-path "$STACK_ROOT" "$d/web.capnp"
  stack_wait_port tcp "$WEB_RELAY_ADDR" 443 web-doh-relay
  stack_wait_port tcp "$WEB_ADDR" 8080 web-workerd
}

web_cases() {
  local target=${CARGO_TARGET_DIR:-$STACK_ROOT/target}
  web_start
  # What mxtrust check saw on port 25, for the page to import.
  cat "$STACK_CA" "$STACK_SMTP_ROOT" >"$STACK_DIR/web/roots.pem"
  stack_exec "$target/debug/mxtrust" check ee.example.test --trust-ad --resolver "$STACK_DNS_ADDR" \
    --ca-file "$STACK_DIR/web/roots.pem" --connect-timeout 2 -q --json >"$STACK_DIR/web/check.json" || true
  count_results web < <(stack_exec node "$STACK_ROOT/web/test/domain-cases.mjs" "http://$WEB_ADDR:8080/" \
             "$STACK_SMTP_CHAIN" "$STACK_DIR/web/check.json" 2>&1 || echo "not ok domain-cases.mjs exited non-zero")
}
