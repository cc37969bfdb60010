# shellcheck shell=bash
# The real-stack harness, sourced by tests/stack/run.sh (see README.md here).
#
#   stack_install [PKG...]  install the stack's Debian packages (and PKG...)
#                           when missing
#   stack_start             start everything once, in a private mount and
#                           network namespace; stops it all on exit
#   stack_exec CMD...       run CMD inside that namespace (its resolv.conf,
#                           hosts, CA bundle and loopback)
#   stack_bg NAME CMD...    the same in the background, logged to
#                           $STACK_DIR/NAME.log, stopped on exit
#   stack_env               print the stack's addresses and files (KEY=VALUE)
#   stack_stop              stop everything (the EXIT trap calls it)
#   stack_on_exit CMD       run CMD (eval'd) on exit, before the stack stops
#   stack_policy HOST BODY  serve BODY at https://HOST/.well-known/mta-sts.txt
#   stack_postfix_settle    after editing main.cf/master.cf (see there)
#   stack_sts_inputs DIR    MTA-STS policy bodies and roots for clients (see there)
#   ok / nok / stack_summary, stack_dig_expect, stack_check_infra
#
# Every server listens on 127.0.0.0/8 inside a network namespace of its own,
# so the fixed ports (53, 25, 443) never meet the machine's listeners or
# another run's; nothing of the machine's (files, network) changes.

STACK_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
STACK_HERE=$STACK_ROOT/tests/stack
STACK_FIX=$STACK_ROOT/tests/fixtures/dane
# shellcheck source=../../scripts/install.sh
. "$STACK_ROOT/scripts/install.sh"

# Addresses: each service has its own, as on the Internet.
STACK_DNS_ADDR=127.0.10.1   # unbound: DNS :53, DNS-over-HTTPS :443 (dns.test)
STACK_AUTH_ADDR=127.0.10.2  # nsd, authoritative for example.test, insecure.test
STACK_MX_ADDR=127.0.10.25   # Postfix :25, every MX host of the zones
STACK_WEB_ADDR=127.0.10.43  # MTA-STS policy host :443 (mta-sts.<domain>)
STACK_PLAIN_ADDR=127.0.10.26  # Postfix :25 without STARTTLS (nostarttls.example.test)
STACK_CLOSED_ADDR=127.0.10.27 # nothing listens (closed.example.test)
STACK_SILENT_ADDR=127.0.10.28 # accepts connections, never speaks (silent.example.test)
STACK_SMTP_PORT=25
STACK_DOH_NAME=dns.test
STACK_DOH_URL=https://$STACK_DOH_NAME/dns-query
# The test domains that publish an MTA-STS record, each with a policy host
# mta-sts.<domain>; the policies themselves are in stack_start.
STACK_STS_DOMAINS="ee.example.test sts.example.test testing.example.test nopolicy.example.test mismatch.example.test redirect.example.test"
# The edge worker's policy-host cases (tests/stack/cases/edge.sh): text/html,
# a 100 KB body, an answer slower than the worker's timeout.
STACK_STS_DOMAINS+=" html.example.test big.example.test slow.example.test"
# MX hosts whose name the SMTP leaf carries (name.example.test is left out on
# purpose: a DANE-TA name mismatch case).
STACK_CASE_HOSTS="mx.example.test ee.example.test ta.example.test wrong.example.test unusable.example.test bogus.example.test sts.example.test testing.example.test nopolicy.example.test mx.insecure.test dual.example.test implicit.example.test mismatch.example.test redirect.example.test fallback.example.test"

STACK_PASS=0
STACK_FAIL=0
STACK_PIDS=()
STACK_CLEANUPS=()
STACK_T0=${STACK_T0:-$(date +%s.%N)}

say() { printf '%s\n' "$*"; }
die() { printf 'stack: %s\n' "$*" >&2; exit 1; }
ok()  { STACK_PASS=$((STACK_PASS + 1)); say "ok   $*"; }
nok() { STACK_FAIL=$((STACK_FAIL + 1)); say "FAIL $*"; }
# Counts a test script's "ok NAME" and "not ok NAME" lines (on stdin) as
# this run's checks, named "PREFIX: NAME"; other lines are shown as they are.
count_results() {
  local prefix=$1 line
  while IFS= read -r line; do
    case "$line" in
      "ok "*) ok "$prefix: ${line#ok }" ;;
      "not ok "*) nok "$prefix: ${line#not ok }" ;;
      *) printf '%s\n' "$line" ;;
    esac
  done
}
stack_elapsed() { awk -v a="$STACK_T0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
stack_summary() { STACK_SUMMARY_DONE=1; say "$STACK_PASS passed, $STACK_FAIL failed"; [ "$STACK_FAIL" = 0 ]; }

# --- packages -------------------------------------------------------------------
stack_install() {
  # Postfix asks debconf on install; answer before need_apt runs apt.
  dpkg -s postfix >/dev/null 2>&1 ||
    echo 'postfix postfix/main_mailer_type select No configuration' | debconf-set-selections
  need_apt unbound nsd ldnsutils bind9-dnsutils postfix swaks libnet-ssleay-perl \
    libio-socket-ssl-perl openssl ca-certificates curl python3 iproute2 util-linux "$@" ||
    die "apt-get failed"
}

# --- the namespace ------------------------------------------------------------------
stack_exec() {
  [ -n "${STACK_NS_PID:-}" ] || die "stack_exec: the stack is not running"
  nsenter -t "$STACK_NS_PID" -m -n -- "$@"
}
stack_bg() { # NAME CMD...
  local name=$1; shift
  [ -n "${STACK_NS_PID:-}" ] || die "stack_bg: the stack is not running"
  # A simple command, so $! is the server itself (nsenter execs it).
  nsenter -t "$STACK_NS_PID" -m -n -- "$@" >"$STACK_DIR/$name.log" 2>&1 &
  STACK_PIDS+=($!)
}
stack_on_exit() { STACK_CLEANUPS+=("$1"); }

# --- lifecycle ------------------------------------------------------------------------
stack_stop() {
  local c p i
  for c in "${STACK_CLEANUPS[@]}"; do eval "$c" || true; done
  STACK_CLEANUPS=()
  if [ -n "${STACK_PF_MASTER:-}" ]; then
    # A throwaway instance: kill the master's process group (the master and
    # its children) at once; `postfix stop` or SIGTERM take over a second.
    local pg
    pg=$(ps -o pgid= -p "$STACK_PF_MASTER" 2>/dev/null | tr -d ' ' || true)
    if [ "$pg" = "$STACK_PF_MASTER" ]; then kill -KILL -- "-$pg" 2>/dev/null || true
    else kill "$STACK_PF_MASTER" 2>/dev/null || true; fi
    # (The daemonized master is init's child: done once a zombie, which
    # init may take a second to reap.)
    for i in $(seq 100); do
      case "$(ps -o stat= -p "$STACK_PF_MASTER" 2>/dev/null)" in ''|Z*) break ;; esac
      sleep 0.05
    done
    STACK_PF_MASTER=
  fi
  for p in "${STACK_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${STACK_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  STACK_PIDS=()
  # The namespace goes away with its last process, the holder.
  if [ -n "${STACK_NS_PID:-}" ]; then
    kill "$STACK_NS_PID" 2>/dev/null || true; wait "$STACK_NS_PID" 2>/dev/null || true
    STACK_NS_PID=
  fi
  if [ -n "${STACK_DIR:-}" ] && [ -d "$STACK_DIR" ]; then
    if [ "${STACK_KEEP:-0}" = 1 ]; then say "kept $STACK_DIR"; else rm -rf "$STACK_DIR"; fi
  fi
  [ "${STACK_ENV_FILE:-}" ] && rm -f "$STACK_ENV_FILE"
  return 0
}
_stack_exit() {
  local rc=$?
  stack_stop
  # An abort (set -e, a signal) still ends with the count, marked as such.
  [ "$rc" = 0 ] || [ -n "${STACK_SUMMARY_DONE:-}" ] || say "aborted (exit $rc): $STACK_PASS passed, $STACK_FAIL failed"
  exit "$rc"
}

stack_env() {
  local v
  for v in STACK_DIR STACK_NS_PID STACK_DNS_ADDR STACK_AUTH_ADDR STACK_MX_ADDR STACK_WEB_ADDR \
           STACK_PLAIN_ADDR STACK_CLOSED_ADDR STACK_SILENT_ADDR STACK_SMTP_PORT STACK_DOH_NAME STACK_DOH_URL STACK_CA STACK_TA STACK_LIBUNBOUND_CONF \
           STACK_SMTP_ROOT STACK_SMTP_CHAIN STACK_SMTP_RSA_CHAIN STACK_PF_CONF STACK_MAILLOG STACK_WWW STACK_STS_DOMAINS; do
    printf '%s=%q\n' "$v" "${!v}"
  done
}

# Wait until something listens on ADDR:PORT inside the namespace.
stack_wait_port() { # tcp|udp ADDR PORT NAME
  local flag=-Hltn i f
  [ "$1" = udp ] && flag=-Hlun
  for i in $(seq 100); do
    stack_exec ss $flag | awk '{print $4}' | grep -qx "$2:$3" && return 0
    sleep 0.05
  done
  for f in "$STACK_DIR"/*.log "$STACK_DIR"/*.out "$STACK_DIR"/pf/maillog "$STACK_DIR"/pf/start.out; do
    [ -f "$f" ] && { echo "--- $f" >&2; tail -20 "$f" >&2; }
  done
  die "$4 is not listening on $2:$3"
}

stack_policy() { # HOST BODY: serve BODY as https://HOST/.well-known/mta-sts.txt
  mkdir -p "$STACK_WWW/$1/.well-known"
  printf '%s' "$2" >"$STACK_WWW/$1/.well-known/mta-sts.txt"
}
stack_redirect() { # HOST URL: answer https://HOST/.well-known/mta-sts.txt with 301 to URL
  mkdir -p "$STACK_WWW/$1/.well-known"
  printf '%s' "$2" >"$STACK_WWW/$1/.well-known/mta-sts.txt.redirect"
}
stack_policy_type() { # HOST TYPE: answer HOST's policy with Content-Type TYPE
  mkdir -p "$STACK_WWW/$1/.well-known"
  printf '%s' "$2" >"$STACK_WWW/$1/.well-known/mta-sts.txt.type"
}
stack_policy_delay() { # HOST SECONDS: answer HOST's policy SECONDS late
  mkdir -p "$STACK_WWW/$1/.well-known"
  printf '%s' "$2" >"$STACK_WWW/$1/.well-known/mta-sts.txt.delay"
}

# MTA-STS inputs for clients that do not fetch policies (cases/c_client.sh,
# cases/rust_client.sh): the bodies the policy host serves (enforce.txt
# lists sts.example.test, enforce-other.txt other.example.test, testing.txt
# *.example.test) and PKIX roots: the fixture P-256 root that issued
# Postfix's chain (roots-ok.pem) or an unrelated one, the fixture RSA root
# (roots-other.pem).
stack_sts_inputs() { # DIR
  mkdir -p "$1"
  cp "$STACK_SMTP_ROOT" "$1/roots-ok.pem"
  openssl x509 -inform DER -in "$STACK_FIX/rsa-root.der" -out "$1/roots-other.pem"
  cp "$STACK_WWW/mta-sts.sts.example.test/.well-known/mta-sts.txt" "$1/enforce.txt"
  cp "$STACK_WWW/mta-sts.ee.example.test/.well-known/mta-sts.txt" "$1/enforce-other.txt"
  cp "$STACK_WWW/mta-sts.testing.example.test/.well-known/mta-sts.txt" "$1/testing.txt"
}

stack_start() {
  [ "$(id -u)" = 0 ] || die "needs root (namespaces, a private Postfix instance)"
  [ -z "${STACK_NS_PID:-}" ] || die "stack_start: already running"
  STACK_DIR=$(mktemp -d /tmp/mxtrust-stack.XXXXXX)
  chmod 755 "$STACK_DIR"
  trap _stack_exit EXIT
  trap 'exit 130' INT TERM
  local D=$STACK_DIR
  STACK_CA=$D/pki/ca.pem
  STACK_TA=$D/zones/trust-anchor.ds
  STACK_LIBUNBOUND_CONF=$D/libunbound.conf
  STACK_SMTP_ROOT=$D/pki/root.pem
  STACK_SMTP_CHAIN=$D/pki/chain.pem
  STACK_SMTP_RSA_CHAIN=$D/pki/rsa-chain.pem
  STACK_PF_CONF=$D/pf/conf
  STACK_MAILLOG=$D/pf/maillog
  STACK_WWW=$D/www
  mkdir -p "$D/pki" "$D/zones" "$D/etc" "$STACK_WWW"

  _stack_pki
  _stack_zones
  _stack_namespace
  _stack_postfix
  _stack_nsd
  _stack_unbound
  _stack_policy_host
  _stack_silent

  stack_wait_port udp "$STACK_AUTH_ADDR" 53 nsd
  stack_wait_port udp "$STACK_DNS_ADDR" 53 unbound
  stack_wait_port tcp "$STACK_DNS_ADDR" 443 "unbound (DNS-over-HTTPS)"
  stack_wait_port tcp "$STACK_MX_ADDR" "$STACK_SMTP_PORT" postfix
  stack_wait_port tcp "$STACK_WEB_ADDR" 443 "policy host"
  stack_wait_port tcp "$STACK_PLAIN_ADDR" "$STACK_SMTP_PORT" "postfix (no STARTTLS)"
  stack_wait_port tcp "$STACK_SILENT_ADDR" "$STACK_SMTP_PORT" "the silent listener"
  export STACK_DIR STACK_NS_PID STACK_DNS_ADDR STACK_AUTH_ADDR STACK_MX_ADDR STACK_WEB_ADDR \
         STACK_PLAIN_ADDR STACK_CLOSED_ADDR STACK_SILENT_ADDR STACK_SMTP_PORT STACK_DOH_NAME STACK_DOH_URL STACK_CA STACK_TA STACK_LIBUNBOUND_CONF \
         STACK_SMTP_ROOT STACK_SMTP_CHAIN STACK_SMTP_RSA_CHAIN STACK_PF_CONF STACK_MAILLOG STACK_WWW STACK_STS_DOMAINS
  stack_env >"$D/stack.env"
  say "stack up after $(stack_elapsed)s in $D (namespace of pid $STACK_NS_PID)"
}

# --- certificates ---------------------------------------------------------------------
_stack_leaf() { # OUT ISSUER_CERT ISSUER_KEY CN SAN...: a new P-256 key
  openssl ecparam -name prime256v1 -genkey -noout -out "$1.key.pem" 2>/dev/null
  _stack_issue "$@"
}
_stack_issue() { # OUT ISSUER_CERT ISSUER_KEY CN SAN...: for the key in OUT.key.pem
  local out=$1 icert=$2 ikey=$3 cn=$4 san="" s; shift 4
  for s in "$@"; do case "$s" in IP:*) san+="$s," ;; *) san+="DNS:$s," ;; esac; done
  cat >"$out.ext" <<EOF
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = ${san%,}
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
  openssl req -new -key "$out.key.pem" -subj "/CN=$cn" -out "$out.csr"
  openssl x509 -req -in "$out.csr" -CA "$icert" -CAkey "$ikey" -set_serial "0x$(openssl rand -hex 8)" \
    -days 30 -sha256 -extfile "$out.ext" -out "$out.pem" 2>/dev/null
}

_stack_pki() {
  local P=$STACK_DIR/pki d sts_hosts=""
  # The SMTP leaf is issued with the fixture P-256 intermediate's key and names
  # every case host, so DANE-TA name checks (RFC 7672 §3.2.3) pass for each
  # case; Postfix presents leaf + intermediate.
  openssl x509 -inform DER -in "$STACK_FIX/p256-int.der" -out "$P/int.pem"
  openssl x509 -inform DER -in "$STACK_FIX/p256-root.der" -out "$P/root.pem"
  # shellcheck disable=SC2086
  _stack_leaf "$P/leaf" "$P/int.pem" "$STACK_FIX/p256-int.key.pem" mx.example.test $STACK_CASE_HOSTS
  cat "$P/leaf.pem" "$P/int.pem" >"$P/chain.pem"
  # Postfix's second chain: the fixture RSA key, certified by the same
  # P-256 intermediate, so DANE-TA on the intermediate and MTA-STS
  # authenticate both, and DANE-EE needs a record per key.
  cp "$STACK_FIX/rsa-leaf.key.pem" "$P/rsa-leaf.key.pem"
  # shellcheck disable=SC2086
  _stack_issue "$P/rsa-leaf" "$P/int.pem" "$STACK_FIX/p256-int.key.pem" mx.example.test $STACK_CASE_HOSTS
  cat "$P/rsa-leaf.pem" "$P/int.pem" >"$P/rsa-chain.pem"
  openssl verify -x509_strict -purpose sslserver -CAfile "$P/root.pem" -untrusted "$P/int.pem" \
    "$P/leaf.pem" "$P/rsa-leaf.pem" >/dev/null || die "generated SMTP leaves do not verify"
  # The test CA: issues the HTTPS certificates (DoH, policy host). Clients
  # trust it through $STACK_CA, or the namespace's CA bundle.
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 \
    -subj "/CN=mxtrust stack test CA" -keyout "$P/ca.key.pem" -out "$P/ca.pem" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  _stack_leaf "$P/doh" "$P/ca.pem" "$P/ca.key.pem" "$STACK_DOH_NAME" "$STACK_DOH_NAME" "IP:$STACK_DNS_ADDR"
  for d in $STACK_STS_DOMAINS; do sts_hosts+=" mta-sts.$d"; done
  # shellcheck disable=SC2086
  _stack_leaf "$P/web" "$P/ca.pem" "$P/ca.key.pem" "mta-sts.sts.example.test" $sts_hosts
  openssl verify -CAfile "$P/ca.pem" "$P/doh.pem" "$P/web.pem" >/dev/null || die "test CA leaves do not verify"
  # The namespace's system bundle: the machine's plus the test CA.
  cat /etc/ssl/certs/ca-certificates.crt "$P/ca.pem" >"$STACK_DIR/etc/ca-certificates.crt" 2>/dev/null \
    || cp "$P/ca.pem" "$STACK_DIR/etc/ca-certificates.crt"
}

_stack_spki256() { openssl x509 -in "$1" -noout -pubkey | openssl pkey -pubin -outform DER | openssl dgst -sha256 -r | cut -d' ' -f1; }

# --- zones --------------------------------------------------------------------------------
# example.test: signed (NSEC3), its KSK's DS is unbound's trust anchor; one
# MX host per case. insecure.test: unsigned, outside any trust anchor.
_stack_zones() {
  local Z=$STACK_DIR/zones MX=$STACK_MX_ADDR d
  local leaf rsaleaf int wrong tampered
  leaf=$(_stack_spki256 "$STACK_DIR/pki/leaf.pem")
  rsaleaf=$(_stack_spki256 "$STACK_DIR/pki/rsa-leaf.pem")
  int=$(_stack_spki256 "$STACK_DIR/pki/int.pem")
  wrong=$(printf 'not the key' | openssl dgst -sha256 -r | cut -d' ' -f1)
  tampered=$(printf 'tampered' | openssl dgst -sha256 -r | cut -d' ' -f1)
  cat >"$Z/example.test.zone" <<EOF
\$ORIGIN example.test.
\$TTL 300
@       SOA ns.example.test. hostmaster.example.test. 1 3600 600 86400 300
@       NS  ns.example.test.
ns      A   $STACK_AUTH_ADDR
mx      A   $MX
; DANE-EE 3 1 1 on the leaf key
ee      MX  10 ee.example.test.
ee      A   $MX
_25._tcp.ee  TLSA 3 1 1 $leaf
; an MTA-STS record too: DANE must take precedence (RFC 8461 §2)
_mta-sts.ee  TXT "v=STSv1; id=1;"
; DANE-TA 2 1 1 on the issuer (the intermediate, depth 1)
ta      MX  10 ta.example.test.
ta      A   $MX
_25._tcp.ta  TLSA 2 1 1 $int
; usable but wrong data
wrong   MX  10 wrong.example.test.
wrong   A   $MX
_25._tcp.wrong  TLSA 3 1 1 $wrong
; every record unusable: PKIX usages (SMTP profile), matching type 255,
; a SHA-256 digest of the wrong length
unusable MX 10 unusable.example.test.
unusable A  $MX
_25._tcp.unusable  TLSA 1 1 1 $leaf
_25._tcp.unusable  TLSA 0 0 1 $int
_25._tcp.unusable  TLSA 3 1 255 $leaf
_25._tcp.unusable  TLSA 3 1 1 ${leaf:0:40}
; the TLSA rdata is replaced after signing: bogus
bogus   MX  10 bogus.example.test.
bogus   A   $MX
_25._tcp.bogus  TLSA 3 1 1 $leaf
; DANE-TA matches, but the leaf does not name this host (not in its SANs)
name    MX  10 name.example.test.
name    A   $MX
_25._tcp.name  TLSA 2 1 1 $int
; the MX preference is changed after signing: the MX RRset is bogus
bogusmx MX  10 bogusmx.example.test.
bogusmx A   $MX
; MTA-STS domains, no TLSA (secure denial); policies on the policy host:
; sts enforce (mx: sts.example.test), testing (mx: *.example.test),
; nopolicy has a record but its policy host answers 404
sts     MX  10 sts.example.test.
sts     A   $MX
_mta-sts.sts  TXT "v=STSv1; id=20261128T000000;"
_smtp._tls.sts TXT "v=TLSRPTv1; rua=mailto:tlsrpt@example.test"
testing MX  10 testing.example.test.
testing A   $MX
_mta-sts.testing  TXT "v=STSv1; id=1;"
nopolicy MX 10 nopolicy.example.test.
nopolicy A  $MX
_mta-sts.nopolicy TXT "v=STSv1; id=1;"
; enforce, mx: other.example.test: this MX is not listed
mismatch MX 10 mismatch.example.test.
mismatch A  $MX
_mta-sts.mismatch TXT "v=STSv1; id=1;"
; the policy host answers 301 (RFC 8461 3.3: not followed)
redirect MX 10 redirect.example.test.
redirect A  $MX
_mta-sts.redirect TXT "v=STSv1; id=1;"
; the edge worker's cases: the policy host answers text/html, a 100 KB
; body, or later than the worker's timeout
html    MX  10 html.example.test.
html    A   $MX
_mta-sts.html TXT "v=STSv1; id=1;"
big     MX  10 big.example.test.
big     A   $MX
_mta-sts.big TXT "v=STSv1; id=1;"
slow    MX  10 slow.example.test.
slow    A   $MX
_mta-sts.slow TXT "v=STSv1; id=1;"
; a policy host whose certificate does not name it (sts-webpki-invalid),
; found through DNS only
badcert MX  10 badcert.example.test.
badcert A   $MX
_mta-sts.badcert TXT "v=STSv1; id=1;"
mta-sts.badcert A $STACK_WEB_ADDR
; DANE-EE 3 1 1 for each of Postfix's keys (P-256 and RSA)
dual    MX  10 dual.example.test.
dual    A   $MX
_25._tcp.dual  TLSA 3 1 1 $leaf
_25._tcp.dual  TLSA 3 1 1 $rsaleaf
; no MX: the implicit MX (RFC 5321 5.1) with DANE-TA
implicit A  $MX
_25._tcp.implicit TLSA 2 1 1 $int
; MX hosts that are CNAMEs (RFC 7672 2.2.2): TLSA at the expanded name
; (ta's), or at the alias when the target has none (sts has none)
cname   MX  10 alias.example.test.
alias   CNAME ta.example.test.
cnamefb MX  10 fallback.example.test.
fallback CNAME sts.example.test.
_25._tcp.fallback TLSA 2 1 1 $int
; the null MX (RFC 7505)
nullmx  MX  0 .
; DANE-TA hosts that cannot be authenticated: Postfix without STARTTLS,
; a closed port, a listener that never speaks
nostarttls MX 10 nostarttls.example.test.
nostarttls A $STACK_PLAIN_ADDR
_25._tcp.nostarttls TLSA 2 1 1 $int
closed  MX  10 closed.example.test.
closed  A   $STACK_CLOSED_ADDR
_25._tcp.closed TLSA 2 1 1 $int
silent  MX  10 silent.example.test.
silent  A   $STACK_SILENT_ADDR
_25._tcp.silent TLSA 2 1 1 $int
EOF
  for d in $STACK_STS_DOMAINS; do
    printf 'mta-sts.%s. A %s\n' "$d" "$STACK_WEB_ADDR" >>"$Z/example.test.zone"
  done
  cat >"$Z/insecure.test.zone" <<EOF
\$ORIGIN insecure.test.
\$TTL 300
@       SOA ns.insecure.test. hostmaster.insecure.test. 1 3600 600 86400 300
@       NS  ns.insecure.test.
ns      A   $STACK_AUTH_ADDR
@       MX  10 mx.insecure.test.
mx      A   $MX
; unsigned, so this (wrong) record must be ignored: opportunistic TLS
_25._tcp.mx  TLSA 3 1 1 $wrong
EOF
  (
    cd "$Z"
    KSK=$(ldns-keygen -a ECDSAP256SHA256 -k example.test)
    ZSK=$(ldns-keygen -a ECDSAP256SHA256 example.test)
    ldns-signzone -n example.test.zone "$ZSK" "$KSK"
    cp "$KSK.ds" "$STACK_TA"
  )
  grep -q 'RRSIG' "$Z/example.test.zone.signed" || die "zone not signed"
  # Tamper: keep the RRSIGs, change the signed TLSA rdata of bogus and the
  # MX preference of bogusmx.
  local lc_leaf
  lc_leaf=$(printf '%s' "$leaf" | tr 'A-F' 'a-f')
  awk -v name="_25._tcp.bogus.example.test." -v old="$lc_leaf" -v new="$tampered" '
    $1 == name && $4 == "TLSA" { n = split($0, f, old); if (n == 2) { $0 = f[1] new f[2]; done = 1 } }
    { print } END { if (!done) exit 3 }' \
    "$Z/example.test.zone.signed" >"$Z/example.test.zone.tmp" \
    || die "could not tamper the bogus TLSA record"
  awk '$1 == "bogusmx.example.test." && $4 == "MX" && $5 == "10" { $5 = "20"; done = 1 }
    { print } END { if (!done) exit 3 }' \
    "$Z/example.test.zone.tmp" >"$Z/example.test.zone.tampered" \
    || die "could not tamper the bogusmx MX record"
}

# --- namespace: its own loopback, resolv.conf, hosts and CA bundle ---------------------------
_stack_namespace() {
  local E=$STACK_DIR/etc d
  printf 'nameserver %s\noptions trust-ad\n' "$STACK_DNS_ADDR" >"$E/resolv.conf"
  {
    printf '127.0.0.1 localhost %s\n' "$(hostname)"
    printf '%s %s\n' "$STACK_DNS_ADDR" "$STACK_DOH_NAME"
    printf '%s ns.example.test ns.insecure.test\n' "$STACK_AUTH_ADDR"
    printf '%s mx.example.test mx.insecure.test\n' "$STACK_MX_ADDR"
    for d in $STACK_STS_DOMAINS; do printf '%s mta-sts.%s\n' "$STACK_WEB_ADDR" "$d"; done
  } >"$E/hosts"
  # The holder: the namespace's first process. It bind-mounts the files over
  # the machine's (only inside), then waits for this shell to end, so a
  # killed harness does not leave it behind.
  unshare -m -n --propagation private -- bash -c '
    set -e
    ip link set lo up
    mount --bind "$1/resolv.conf" /etc/resolv.conf
    mount --bind "$1/hosts" /etc/hosts
    if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
      mount --bind "$1/ca-certificates.crt" /etc/ssl/certs/ca-certificates.crt
    fi
    : >"$1/ready"
    exec tail --pid="$2" -f /dev/null' holder "$E" "$$" >"$STACK_DIR/holder.log" 2>&1 &
  STACK_NS_PID=$!
  local i
  for i in $(seq 100); do [ -e "$E/ready" ] && break; sleep 0.02; done
  [ -e "$E/ready" ] || { cat "$STACK_DIR/holder.log" >&2; die "could not set up the namespace (unshare -m -n)"; }
}

# --- nsd ----------------------------------------------------------------------------------------
_stack_nsd() {
  local D=$STACK_DIR
  cat >"$D/nsd.conf" <<EOF
server:
  ip-address: $STACK_AUTH_ADDR
  port: 53
  do-ip6: no
  username: ""
  chroot: ""
  zonesdir: "$D/zones"
  database: ""
  zonelistfile: "$D/nsd.zonelist"
  xfrdfile: "$D/nsd.xfrd"
  xfrdir: "$D"
  pidfile: "$D/nsd.pid"
  logfile: "$D/nsd.log"
  server-count: 1
  verbosity: 1
remote-control:
  control-enable: no
zone:
  name: example.test
  zonefile: example.test.zone.tampered
zone:
  name: insecure.test
  zonefile: insecure.test.zone
EOF
  nsd-checkconf "$D/nsd.conf" || die "nsd.conf"
  stack_bg nsd nsd -d -c "$D/nsd.conf"
}

# --- unbound: validating resolver, DNS on :53 and DNS-over-HTTPS on :443 -------------------------
_stack_unbound() {
  local D=$STACK_DIR
  cat >"$D/unbound.conf" <<EOF
server:
  interface: $STACK_DNS_ADDR@53
  interface: $STACK_DNS_ADDR@443
  https-port: 443
  tls-service-key: "$D/pki/doh.key.pem"
  tls-service-pem: "$D/pki/doh.pem"
  http-endpoint: "/dns-query"
  do-ip6: no
  do-daemonize: no
  username: ""
  chroot: ""
  directory: "$D"
  pidfile: "$D/unbound.pid"
  logfile: "$D/unbound.log"
  use-syslog: no
  verbosity: 1
  val-log-level: 2
  access-control: 127.0.0.0/8 allow
  do-not-query-localhost: no
  local-zone: "test." nodefault
  module-config: "validator iterator"
  trust-anchor-file: "$STACK_TA"
  domain-insecure: "insecure.test"
  qname-minimisation: no
  num-threads: 1
remote-control:
  control-enable: no
stub-zone:
  name: "example.test"
  stub-addr: $STACK_AUTH_ADDR
stub-zone:
  name: "insecure.test"
  stub-addr: $STACK_AUTH_ADDR
EOF
  unbound-checkconf "$D/unbound.conf" >/dev/null || die "unbound.conf"
  stack_bg unbound unbound -d -c "$D/unbound.conf"
  # libunbound in a client: lift .test's RFC 6761 default local zone and
  # allow forwarding to a loopback resolver (the namespace's resolv.conf).
  printf 'server:\n  local-zone: "test." nodefault\n  do-not-query-localhost: no\n' >"$STACK_LIBUNBOUND_CONF"
}

# --- Postfix (private instance), receiving on the MX address :25 ----------------------------------
# Postfix rereads a main.cf whose mtime is under about 2 s old until it is
# older (a file being edited), which costs 2 s at every start: date the
# configuration back. Call it after changing main.cf or master.cf.
stack_postfix_settle() { touch -d "@$(( $(date +%s) - 10 ))" "$STACK_PF_CONF/main.cf" "$STACK_PF_CONF/master.cf"; }

_stack_postfix() {
  local D=$STACK_DIR
  mkdir -p "$STACK_PF_CONF" "$D/pf/queue" "$D/pf/data"
  chown postfix "$D/pf/data"
  cp "$D/pki/leaf.key.pem" "$D/pki/chain.pem" "$D/pki/rsa-leaf.key.pem" "$D/pki/rsa-chain.pem" "$D/pf/"
  cat >"$STACK_PF_CONF/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $D/pf/queue
data_directory = $D/pf/data
mail_owner = postfix
setgid_group = postdrop
myhostname = mx.example.test
mydomain = example.test
mydestination =
relay_domains =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
alias_maps =
alias_database =
local_recipient_maps =
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
maillog_file_prefixes = $D/pf
maillog_file = $STACK_MAILLOG
smtpd_tls_chain_files = $D/pf/leaf.key.pem, $D/pf/chain.pem, $D/pf/rsa-leaf.key.pem, $D/pf/rsa-chain.pem
smtpd_tls_security_level = may
# TLS 1.2 and 1.3 (mbed TLS 2.28, the C client's second build, has 1.2 only).
smtpd_tls_protocols = >=TLSv1.2
smtpd_tls_mandatory_protocols = >=TLSv1.2
smtpd_tls_loglevel = 1
smtp_dns_support_level = disabled
smtp_tls_security_level = none
EOF
  # inet_interfaces must name an interface address; the listener has its own.
  cat >"$STACK_PF_CONF/master.cf" <<EOF
$STACK_MX_ADDR:$STACK_SMTP_PORT inet n - n - - smtpd
$STACK_PLAIN_ADDR:$STACK_SMTP_PORT inet n - n - - smtpd -o smtpd_tls_security_level=none
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
EOF
  stack_postfix_settle
  # Without a terminal Postfix's fatal errors are silent: run it under script(1).
  stack_exec script -qec "postfix -c $STACK_PF_CONF start" /dev/null >"$D/pf/start.out" 2>&1 \
    || { cat "$D/pf/start.out" >&2; die "postfix did not start"; }
  # Remember the master's pid, so stack_stop can stop it whatever happens to $D.
  STACK_PF_MASTER=$(tr -d ' \n' <"$D/pf/queue/pid/master.pid")
}

# --- the MTA-STS policy host --------------------------------------------------------------------
_stack_policy_host() {
  local enforce testing
  enforce=$'version: STSv1\nmode: enforce\nmx: sts.example.test\nmax_age: 86400\n'
  testing=$'version: STSv1\nmode: testing\nmx: *.example.test\nmax_age: 86400\n'
  stack_policy mta-sts.sts.example.test "$enforce"
  stack_policy mta-sts.testing.example.test "$testing"
  # DANE takes precedence over this policy, which lists another MX.
  stack_policy mta-sts.ee.example.test $'version: STSv1\r\nmode: enforce\r\nmx: other.example.test\r\nmax_age: 86400\r\n'
  # mta-sts.nopolicy.example.test: no file, so 404.
  stack_policy mta-sts.mismatch.example.test $'version: STSv1\nmode: enforce\nmx: other.example.test\nmax_age: 86400\n'
  stack_redirect mta-sts.redirect.example.test https://mta-sts.sts.example.test/.well-known/mta-sts.txt
  stack_policy mta-sts.html.example.test "$enforce"
  stack_policy_type mta-sts.html.example.test "text/html; charset=utf-8"
  stack_policy mta-sts.big.example.test "$enforce$(head -c 102400 /dev/zero | tr '\0' '#')"
  stack_policy mta-sts.slow.example.test "$enforce"
  stack_policy_delay mta-sts.slow.example.test 5
  stack_bg policy-host /usr/bin/python3 "$STACK_HERE/policy-host.py" "$STACK_WEB_ADDR" 443 \
    "$STACK_DIR/pki/web.pem" "$STACK_DIR/pki/web.key.pem" "$STACK_WWW"
}

# --- a port that accepts connections and never speaks ------------------------------------------
_stack_silent() {
  stack_bg silent /usr/bin/python3 -c 'import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2])))
s.listen(64)
time.sleep(1e9)' "$STACK_SILENT_ADDR" "$STACK_SMTP_PORT"
}

# --- infrastructure checks ---------------------------------------------------------------------------
stack_dig_expect() { # NAME TYPE WANT(ad|adnx|noad|servfail)
  local out status flags
  out=$(stack_exec dig @"$STACK_DNS_ADDR" +dnssec +tries=1 +time=3 "$1" "$2" 2>&1) || true
  status=$(printf '%s\n' "$out" | sed -n 's/.*status: \([A-Z]*\),.*/\1/p' | head -1)
  flags=$(printf '%s\n' "$out" | sed -n 's/.*;; flags: \([a-z ]*\);.*/\1/p' | head -1)
  case "$3" in
    ad)       [ "$status" = NOERROR ] && [[ " $flags " == *" ad "* ]] ;;
    adnx)     [ "$status" = NXDOMAIN ] && [[ " $flags " == *" ad "* ]] ;;
    noad)     [ "$status" = NOERROR ] && [[ " $flags " != *" ad "* ]] ;;
    servfail) [ "$status" = SERVFAIL ] ;;
  esac && ok "dns $1 $2: $3 (status=$status flags=$flags)" \
       || nok "dns $1 $2: want $3, got status=$status flags=$flags"
}

# An RFC 8484 GET: the wire query (id 0, RD and AD set, A of NAME) in
# base64url; the answer must be NOERROR with AD and at least one record.
_stack_doh_get() { # NAME -> prints "rcode ad ancount"
  local q="" label
  local IFS=.
  for label in $1; do q+=$(printf '\\x%02x' "${#label}")$label; done
  unset IFS
  printf "\\x00\\x00\\x01\\x20\\x00\\x01\\x00\\x00\\x00\\x00\\x00\\x00${q}\\x00\\x00\\x01\\x00\\x01" \
    >"$STACK_DIR/doh.query"
  local b64
  b64=$(base64 -w0 <"$STACK_DIR/doh.query" | tr '+/' '-_' | tr -d '=')
  stack_exec curl -sf --max-time 5 --cacert "$STACK_CA" -H 'accept: application/dns-message' \
    -o "$STACK_DIR/doh.answer" "$STACK_DOH_URL?dns=$b64" || return 1
  od -An -tu1 -N8 "$STACK_DIR/doh.answer" | awk '{ printf "%d %d %d\n", $4 % 16, int($4 / 32) % 2, $7 * 256 + $8 }'
}

stack_check_infra() {
  stack_dig_expect ee.example.test MX ad
  stack_dig_expect ee.example.test A ad
  stack_dig_expect _25._tcp.ee.example.test TLSA ad
  stack_dig_expect _25._tcp.ta.example.test TLSA ad
  stack_dig_expect _25._tcp.unusable.example.test TLSA ad
  stack_dig_expect bogus.example.test MX ad
  stack_dig_expect _25._tcp.bogus.example.test TLSA servfail
  stack_dig_expect bogusmx.example.test MX servfail
  stack_dig_expect _mta-sts.sts.example.test TXT ad
  stack_dig_expect _25._tcp.sts.example.test TLSA adnx # secure denial (NSEC3)
  stack_dig_expect insecure.test MX noad
  stack_dig_expect _25._tcp.mx.insecure.test TLSA noad
  stack_dig_expect mta-sts.sts.example.test A ad
  stack_dig_expect _25._tcp.dual.example.test TLSA ad
  stack_dig_expect implicit.example.test MX ad # NODATA: the implicit MX
  stack_dig_expect nullmx.example.test MX ad

  # The chain Postfix presents: leaf (our SANs) then the fixture intermediate.
  local presented out
  presented=$(stack_exec openssl s_client -starttls smtp -connect "$STACK_MX_ADDR:$STACK_SMTP_PORT" \
    -servername mx.example.test -showcerts </dev/null 2>/dev/null | grep -c 'BEGIN CERTIFICATE' || true)
  [ "$presented" = 2 ] && ok "smtpd STARTTLS presents 2 certificates" \
    || nok "smtpd STARTTLS presents $presented certificates, want 2"
  # The same listener presents its RSA chain to a client offering only RSA.
  out=$(stack_exec openssl s_client -starttls smtp -connect "$STACK_MX_ADDR:$STACK_SMTP_PORT" \
    -servername mx.example.test -sigalgs 'rsa_pss_rsae_sha256:RSA+SHA256' </dev/null 2>/dev/null || true)
  [[ "$out" == *"Server public key is 2048 bit"* ]] && ok "smtpd presents its RSA chain to an RSA-only client" \
    || nok "smtpd did not present an RSA key to an RSA-only client"
  out=$(stack_exec swaks --server "$STACK_PLAIN_ADDR:$STACK_SMTP_PORT" --helo client.test --quit-after EHLO 2>&1 || true)
  [[ "$out" == *"250 "* && "$out" != *STARTTLS* ]] && ok "smtpd on $STACK_PLAIN_ADDR offers no STARTTLS" \
    || nok "smtpd on $STACK_PLAIN_ADDR: $(printf '%s' "$out" | grep -e STARTTLS -e '\*\*\*' | head -2 | tr '\n' ' ')"
  # Connects, then reads nothing for half a second (timeout's 124).
  out=0
  stack_exec timeout 0.5 bash -c "exec 3<>/dev/tcp/$STACK_SILENT_ADDR/$STACK_SMTP_PORT && cat <&3" || out=$?
  [ "$out" = 124 ] && ok "$STACK_SILENT_ADDR:$STACK_SMTP_PORT accepts and stays silent" \
    || nok "$STACK_SILENT_ADDR:$STACK_SMTP_PORT: exit '$out', want 124 (connected, no data)"
  if stack_exec swaks --server "$STACK_MX_ADDR:$STACK_SMTP_PORT" --helo client.test --to postmaster@example.test \
       --tls --quit-after TLS >"$STACK_DIR/swaks.out" 2>&1; then ok "swaks STARTTLS"
  else nok "swaks STARTTLS"; tail -5 "$STACK_DIR/swaks.out"; fi

  # The namespace: its resolv.conf (trust-ad) reaches unbound, and glibc
  # passes the AD bit on; its hosts file names the services.
  out=$(stack_exec dig +tries=1 +time=3 ee.example.test MX 2>&1 || true)
  [[ "$out" == *"SERVER: $STACK_DNS_ADDR#53"* && "$out" == *" ad"* ]] \
    && ok "namespace resolv.conf: dig without @ asks $STACK_DNS_ADDR and gets ad" \
    || nok "namespace resolv.conf: dig without @ did not get ad from $STACK_DNS_ADDR"
  out=$(stack_exec getent hosts mta-sts.sts.example.test || true)
  [ "${out%% *}" = "$STACK_WEB_ADDR" ] && ok "namespace hosts: mta-sts.sts.example.test is $STACK_WEB_ADDR" \
    || nok "namespace hosts: mta-sts.sts.example.test is '${out%% *}', want $STACK_WEB_ADDR"
  grep -q "$STACK_DNS_ADDR" /etc/resolv.conf && nok "the machine's /etc/resolv.conf changed" \
    || ok "the machine's /etc/resolv.conf is untouched"

  # DNS-over-HTTPS: a raw RFC 8484 GET, and curl resolving through it.
  out=$(_stack_doh_get ee.example.test || echo "no answer")
  [ "$out" = "0 1 1" ] && ok "doh GET $STACK_DOH_URL ee.example.test A: NOERROR, ad, 1 answer" \
    || nok "doh GET $STACK_DOH_URL ee.example.test A: got '$out' (rcode ad ancount), want '0 1 1'"
  # (curl -v names the addresses DoH gave it; it bypasses /etc/hosts then.)
  out=$(stack_exec curl -sfv --max-time 5 --cacert "$STACK_CA" --doh-url "$STACK_DOH_URL" \
    https://mta-sts.ee.example.test/.well-known/mta-sts.txt 2>&1 || true)
  [[ "$out" == *"DoH A: $STACK_WEB_ADDR"* && "$out" == *"mx: other.example.test"* ]] \
    && ok "curl --doh-url: mta-sts.ee.example.test resolved over DoH, policy fetched" \
    || nok "curl --doh-url: mta-sts.ee.example.test: $(printf '%s' "$out" | grep -e DoH -e mx: -e curl: | tr '\n' ' ')"

  # The policy host, trusted through the test CA (file, then the namespace's bundle).
  out=$(stack_exec curl -sf --max-time 5 --cacert "$STACK_CA" https://mta-sts.sts.example.test/.well-known/mta-sts.txt || true)
  [[ "$out" == *"mode: enforce"*"mx: sts.example.test"* ]] && ok "policy host: sts.example.test enforce" \
    || nok "policy host: sts.example.test: got '$out'"
  out=$(stack_exec curl -sf --max-time 5 https://mta-sts.testing.example.test/.well-known/mta-sts.txt || true)
  [[ "$out" == *"mode: testing"* ]] && ok "policy host: testing.example.test testing (namespace CA bundle)" \
    || nok "policy host: testing.example.test: got '$out'"
  out=$(stack_exec curl -s --max-time 5 --cacert "$STACK_CA" -o /dev/null -w '%{http_code}' \
    https://mta-sts.nopolicy.example.test/.well-known/mta-sts.txt || true)
  [ "$out" = 404 ] && ok "policy host: nopolicy.example.test 404" \
    || nok "policy host: nopolicy.example.test: HTTP '$out', want 404"
  out=$(stack_exec curl -s --max-time 5 --cacert "$STACK_CA" -o /dev/null -w '%{http_code} %{redirect_url}' \
    https://mta-sts.redirect.example.test/.well-known/mta-sts.txt || true)
  [ "$out" = "301 https://mta-sts.sts.example.test/.well-known/mta-sts.txt" ] \
    && ok "policy host: redirect.example.test 301 to sts.example.test's policy" \
    || nok "policy host: redirect.example.test: got '$out', want 301"
}
