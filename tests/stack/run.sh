#!/usr/bin/env bash
# Real-stack integration test: a DNSSEC-signed zone served by nsd, a
# validating unbound, a private Postfix instance with STARTTLS, all on
# 127.0.0.1 high ports in a temporary directory, and the example C client
# (ffi/examples/mxclient.c) deciding each case through libmxtrust.
#
#   tests/stack/run.sh                 install what is missing, build, run
#   tests/stack/run.sh --infra-only    only the stack and its dig/openssl checks
#   STACK_KEEP=1 tests/stack/run.sh    keep the temporary directory (not the
#                                      servers) for inspection
#   STACK_HOLD=600 tests/stack/run.sh --infra-only
#                                      keep the stack up 600 s for manual work;
#                                      ports in /tmp/mxtrust-stack.env
#
# Every server is bound to 127.0.0.1 and stopped on exit. Needs root (apt,
# Postfix).
set -euo pipefail
cd "$(dirname "$0")/../.."
[ "$(id -u)" = 0 ] || { echo "run.sh: needs root (apt-get, a private Postfix instance)" >&2; exit 1; }
ROOT=$PWD
FIX=$ROOT/tests/fixtures/dane
INFRA_ONLY=0
[ "${1:-}" = "--infra-only" ] && INFRA_ONLY=1

START=$(date +%s)
say() { printf '%s\n' "$*"; }
die() { printf 'run.sh: %s\n' "$*" >&2; exit 1; }

# --- packages -------------------------------------------------------------
install_missing() {
  local missing=() p
  for p in unbound nsd ldnsutils bind9-dnsutils postfix libunbound-dev libssl-dev \
           pkg-config swaks libnet-ssleay-perl libio-socket-ssl-perl gcc make openssl; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing: ${missing[*]}"
  echo 'postfix postfix/main_mailer_type select No configuration' | debconf-set-selections
  # Keep the packaged daemons (unbound on :53, nsd) from starting on an
  # init-managed host: this test runs its own instances on loopback only.
  local own_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d
    own_policy=1
  fi
  local rc=0
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || rc=$?
  [ "$own_policy" = 1 ] && rm -f /usr/sbin/policy-rc.d
  [ "$rc" = 0 ] || die "apt-get failed ($rc)"
}
install_missing

# --- temporary directory, ports, cleanup --------------------------------------
T=$(mktemp -d /tmp/mxtrust-stack.XXXXXX)
chmod 755 "$T"
PIDS=()
cleanup() {
  local rc=$?
  if [ -n "${PF_MASTER:-}" ]; then
    postfix -c "$PF_CONF" stop >/dev/null 2>&1 || kill "$PF_MASTER" 2>/dev/null || true
    # postfix stop returns before the master has exited; wait for it.
    local i
    for i in $(seq 50); do kill -0 "$PF_MASTER" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$PF_MASTER" 2>/dev/null && kill "$PF_MASTER" 2>/dev/null || true
  fi
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  if [ "${STACK_KEEP:-0}" = 1 ]; then say "kept $T"; else rm -rf "$T"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port_in_use() { ss -Hltun 2>/dev/null | awk '{print $5}' | grep -q "[:.]$1\$"; }
free_port() {
  local p
  for _ in $(seq 100); do
    p=$((20000 + RANDOM % 40000))
    port_in_use "$p" || { echo "$p"; return 0; }
  done
  die "no free port"
}
NSD_PORT=$(free_port)
UB_PORT=$(free_port); while [ "$UB_PORT" = "$NSD_PORT" ]; do UB_PORT=$(free_port); done
SMTP_PORT=$(free_port); while [ "$SMTP_PORT" = "$NSD_PORT" ] || [ "$SMTP_PORT" = "$UB_PORT" ]; do SMTP_PORT=$(free_port); done
say "temp $T; nsd 127.0.0.1:$NSD_PORT, unbound 127.0.0.1:$UB_PORT, smtpd 127.0.0.1:$SMTP_PORT"

PASS=0; FAIL=0
ok()   { PASS=$((PASS + 1)); say "ok   $*"; }
nok()  { FAIL=$((FAIL + 1)); say "FAIL $*"; }

# --- certificates ----------------------------------------------------------
# A leaf issued with the fixture P-256 intermediate's key, naming every case
# host, so DANE-TA name checks (RFC 7672 §3.2.3: the MX host name is a
# reference identifier) pass for each case. Chain presented: leaf, intermediate.
CASE_HOSTS="mx.example.test ee.example.test ta.example.test wrong.example.test unusable.example.test bogus.example.test sts.example.test mx.insecure.test"
mkdir -p "$T/pki"
openssl ecparam -name prime256v1 -genkey -noout -out "$T/pki/leaf.key.pem" 2>/dev/null
openssl x509 -inform DER -in "$FIX/p256-int.der" -out "$T/pki/int.pem"
openssl x509 -inform DER -in "$FIX/p256-root.der" -out "$T/pki/root.pem"
san=$(for h in $CASE_HOSTS; do printf 'DNS:%s,' "$h"; done); san=${san%,}
cat >"$T/pki/leaf.ext" <<EOF
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = $san
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
openssl req -new -key "$T/pki/leaf.key.pem" -subj "/CN=mx.example.test" -out "$T/pki/leaf.csr"
openssl x509 -req -in "$T/pki/leaf.csr" -CA "$T/pki/int.pem" -CAkey "$FIX/p256-int.key.pem" \
  -set_serial 0x5eed -days 30 -sha256 -extfile "$T/pki/leaf.ext" -out "$T/pki/leaf.pem" 2>/dev/null
cat "$T/pki/leaf.pem" "$T/pki/int.pem" >"$T/pki/chain.pem"
openssl verify -x509_strict -purpose sslserver -CAfile "$T/pki/root.pem" -untrusted "$T/pki/int.pem" \
  "$T/pki/leaf.pem" >/dev/null || die "generated leaf does not verify"
spki_sha256() { openssl x509 -in "$1" -noout -pubkey | openssl pkey -pubin -outform DER | openssl dgst -sha256 -r | cut -d' ' -f1; }
LEAF_SPKI256=$(spki_sha256 "$T/pki/leaf.pem")
INT_SPKI256=$(spki_sha256 "$T/pki/int.pem")
WRONG256=$(printf 'not the key' | openssl dgst -sha256 -r | cut -d' ' -f1)
TAMPERED256=$(printf 'tampered' | openssl dgst -sha256 -r | cut -d' ' -f1)

# --- zones -------------------------------------------------------------------
# example.test: signed (NSEC3), its KSK's DS is unbound's trust anchor.
# insecure.test: unsigned, outside any trust anchor.
mkdir -p "$T/zones"
cat >"$T/zones/example.test.zone" <<EOF
\$ORIGIN example.test.
\$TTL 300
@       SOA ns.example.test. hostmaster.example.test. 1 3600 600 86400 300
@       NS  ns.example.test.
ns      A   127.0.0.1
mx      A   127.0.0.1
; DANE-EE 3 1 1 on the leaf key
ee      MX  10 ee.example.test.
ee      A   127.0.0.1
_25._tcp.ee  TLSA 3 1 1 $LEAF_SPKI256
; an MTA-STS record too: DANE must take precedence (RFC 8461 §2)
_mta-sts.ee  TXT "v=STSv1; id=1;"
; DANE-TA 2 1 1 on the issuer (the intermediate, depth 1)
ta      MX  10 ta.example.test.
ta      A   127.0.0.1
_25._tcp.ta  TLSA 2 1 1 $INT_SPKI256
; usable but wrong data
wrong   MX  10 wrong.example.test.
wrong   A   127.0.0.1
_25._tcp.wrong  TLSA 3 1 1 $WRONG256
; every record unusable: PKIX usages (SMTP profile), matching type 255,
; a SHA-256 digest of the wrong length
unusable MX 10 unusable.example.test.
unusable A  127.0.0.1
_25._tcp.unusable  TLSA 1 1 1 $LEAF_SPKI256
_25._tcp.unusable  TLSA 0 0 1 $INT_SPKI256
_25._tcp.unusable  TLSA 3 1 255 $LEAF_SPKI256
_25._tcp.unusable  TLSA 3 1 1 ${LEAF_SPKI256:0:40}
; the TLSA rdata is replaced after signing: bogus
bogus   MX  10 bogus.example.test.
bogus   A   127.0.0.1
_25._tcp.bogus  TLSA 3 1 1 $LEAF_SPKI256
; DANE-TA matches, but the leaf does not name this host (not in its SANs)
name    MX  10 name.example.test.
name    A   127.0.0.1
_25._tcp.name  TLSA 2 1 1 $INT_SPKI256
; the MX preference is changed after signing: the MX RRset is bogus
bogusmx MX  10 bogusmx.example.test.
bogusmx A   127.0.0.1
; MTA-STS domain, no TLSA (secure denial)
sts     MX  10 sts.example.test.
sts     A   127.0.0.1
_mta-sts.sts  TXT "v=STSv1; id=20261128T000000;"
_smtp._tls.sts TXT "v=TLSRPTv1; rua=mailto:tlsrpt@example.test"
EOF
cat >"$T/zones/insecure.test.zone" <<EOF
\$ORIGIN insecure.test.
\$TTL 300
@       SOA ns.insecure.test. hostmaster.insecure.test. 1 3600 600 86400 300
@       NS  ns.insecure.test.
ns      A   127.0.0.1
@       MX  10 mx.insecure.test.
mx      A   127.0.0.1
; unsigned, so this (wrong) record must be ignored: opportunistic TLS
_25._tcp.mx  TLSA 3 1 1 $WRONG256
EOF
(
  cd "$T/zones"
  KSK=$(ldns-keygen -a ECDSAP256SHA256 -k example.test)
  ZSK=$(ldns-keygen -a ECDSAP256SHA256 example.test)
  ldns-signzone -n example.test.zone "$ZSK" "$KSK"
  cp "$KSK.ds" "$T/zones/trust-anchor.ds"
)
grep -q 'RRSIG' "$T/zones/example.test.zone.signed" || die "zone not signed"
# Tamper: keep the RRSIG, change the signed TLSA rdata of bogus.example.test.
lc_leaf=$(printf '%s' "$LEAF_SPKI256" | tr 'A-F' 'a-f')
awk -v name="_25._tcp.bogus.example.test." -v old="$lc_leaf" -v new="$TAMPERED256" '
  $1 == name && $4 == "TLSA" { n = split($0, f, old); if (n == 2) { $0 = f[1] new f[2]; done = 1 } }
  { print } END { if (!done) exit 3 }' \
  "$T/zones/example.test.zone.signed" >"$T/zones/example.test.zone.tmp" \
  || die "could not tamper the bogus TLSA record"
awk '$1 == "bogusmx.example.test." && $4 == "MX" && $5 == "10" { $5 = "20"; done = 1 }
  { print } END { if (!done) exit 3 }' \
  "$T/zones/example.test.zone.tmp" >"$T/zones/example.test.zone.tampered" \
  || die "could not tamper the bogusmx MX record"

# --- nsd ---------------------------------------------------------------------
cat >"$T/nsd.conf" <<EOF
server:
  ip-address: 127.0.0.1
  port: $NSD_PORT
  do-ip6: no
  username: ""
  chroot: ""
  zonesdir: "$T/zones"
  database: ""
  zonelistfile: "$T/nsd.zonelist"
  xfrdfile: "$T/nsd.xfrd"
  xfrdir: "$T"
  pidfile: "$T/nsd.pid"
  logfile: "$T/nsd.log"
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
nsd-checkconf "$T/nsd.conf" || die "nsd.conf"
nsd -d -c "$T/nsd.conf" >"$T/nsd.out" 2>&1 &
PIDS+=($!)

# --- unbound -----------------------------------------------------------------
cat >"$T/unbound.conf" <<EOF
server:
  interface: 127.0.0.1
  port: $UB_PORT
  do-ip6: no
  do-daemonize: no
  username: ""
  chroot: ""
  directory: "$T"
  pidfile: "$T/unbound.pid"
  logfile: "$T/unbound.log"
  use-syslog: no
  verbosity: 1
  val-log-level: 2
  access-control: 127.0.0.0/8 allow
  do-not-query-localhost: no
  local-zone: "test." nodefault
  module-config: "validator iterator"
  trust-anchor-file: "$T/zones/trust-anchor.ds"
  domain-insecure: "insecure.test"
  qname-minimisation: no
  num-threads: 1
remote-control:
  control-enable: no
stub-zone:
  name: "example.test"
  stub-addr: 127.0.0.1@$NSD_PORT
stub-zone:
  name: "insecure.test"
  stub-addr: 127.0.0.1@$NSD_PORT
EOF
unbound-checkconf "$T/unbound.conf" >/dev/null || die "unbound.conf"
unbound -d -c "$T/unbound.conf" >"$T/unbound.out" 2>&1 &
PIDS+=($!)

# --- Postfix (private instance) ---------------------------------------------
PF_CONF=$T/pf/conf
mkdir -p "$PF_CONF" "$T/pf/queue" "$T/pf/data"
chown postfix "$T/pf/data"
cp "$T/pki/leaf.key.pem" "$T/pki/chain.pem" "$T/pf/"
cat >"$PF_CONF/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $T/pf/queue
data_directory = $T/pf/data
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
maillog_file_prefixes = $T/pf
maillog_file = $T/pf/maillog
smtpd_tls_chain_files = $T/pf/leaf.key.pem, $T/pf/chain.pem
smtpd_tls_security_level = may
smtpd_tls_loglevel = 1
smtp_dns_support_level = disabled
smtp_tls_security_level = none
EOF
cat >"$PF_CONF/master.cf" <<EOF
127.0.0.1:$SMTP_PORT inet n - n - - smtpd
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
# Without a terminal Postfix's fatal errors are silent: run it under script(1).
script -qec "postfix -c $PF_CONF start" /dev/null >"$T/pf/start.out" 2>&1 \
  || { cat "$T/pf/start.out" >&2; die "postfix did not start"; }
# Remember the master's pid, so cleanup can stop it whatever happens to $T.
PF_MASTER=$(tr -d ' \n' <"$T/pf/queue/pid/master.pid")

# --- wait for the servers ------------------------------------------------------
wait_port() { # proto port name
  for _ in $(seq 100); do
    if [ "$1" = tcp ]; then ss -Hltn | awk '{print $4}' | grep -q "^127.0.0.1:$2\$" && return 0
    else ss -Hlun | awk '{print $4}' | grep -q "^127.0.0.1:$2\$" && return 0; fi
    sleep 0.1
  done
  for f in "$T"/nsd.out "$T"/nsd.log "$T"/unbound.out "$T"/unbound.log "$T"/pf/maillog "$T"/pf/start.out; do
    [ -f "$f" ] && { echo "--- $f" >&2; tail -20 "$f" >&2; }
  done
  die "$3 is not listening on 127.0.0.1:$2"
}
wait_port udp "$NSD_PORT" nsd
wait_port udp "$UB_PORT" unbound
wait_port tcp "$SMTP_PORT" postfix
say "stack up after $(( $(date +%s) - START ))s"

# --- infrastructure checks -----------------------------------------------------
DIG=(dig @127.0.0.1 -p "$UB_PORT" +dnssec +tries=1 +time=3)
dig_expect() { # name type want(ad|adnx|noad|servfail)
  local out status flags
  out=$("${DIG[@]}" "$1" "$2" 2>&1) || true
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
dig_expect ee.example.test MX ad
dig_expect ee.example.test A ad
dig_expect _25._tcp.ee.example.test TLSA ad
dig_expect _25._tcp.ta.example.test TLSA ad
dig_expect _25._tcp.unusable.example.test TLSA ad
dig_expect bogus.example.test MX ad
dig_expect _25._tcp.bogus.example.test TLSA servfail
dig_expect bogusmx.example.test MX servfail
dig_expect _mta-sts.sts.example.test TXT ad
dig_expect _25._tcp.sts.example.test TLSA adnx # secure denial (NSEC3)
dig_expect insecure.test MX noad
dig_expect _25._tcp.mx.insecure.test TLSA noad

# The chain Postfix presents: leaf (our SANs) then the fixture intermediate.
presented=$(openssl s_client -starttls smtp -connect "127.0.0.1:$SMTP_PORT" -servername mx.example.test \
  -showcerts </dev/null 2>/dev/null | grep -c 'BEGIN CERTIFICATE' || true)
[ "$presented" = 2 ] && ok "smtpd STARTTLS presents 2 certificates" \
  || nok "smtpd STARTTLS presents $presented certificates, want 2"
if swaks --server "127.0.0.1:$SMTP_PORT" --helo client.test --to postmaster@example.test \
     --tls --quit-after TLS >"$T/swaks.out" 2>&1; then ok "swaks STARTTLS"
else nok "swaks STARTTLS"; tail -5 "$T/swaks.out"; fi

if [ -n "${STACK_HOLD:-}" ]; then # development: keep the stack up a while
  printf 'T=%s\nNSD_PORT=%s\nUB_PORT=%s\nSMTP_PORT=%s\n' "$T" "$NSD_PORT" "$UB_PORT" "$SMTP_PORT" >/tmp/mxtrust-stack.env
  say "holding the stack for ${STACK_HOLD}s (see /tmp/mxtrust-stack.env)"
  sleep "$STACK_HOLD"
fi
if [ "$INFRA_ONLY" = 1 ]; then
  say "$PASS passed, $FAIL failed"
  [ "$FAIL" = 0 ]; exit
fi

# --- libmxtrust and the example client ----------------------------------------
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
say "building libmxtrust (release) and ffi/examples/mxclient"
cargo build -p mxtrust-ffi --release --locked
make -s -C ffi/examples OUT="$T/mxclient" MXTRUST_LIBDIR="$TARGET_DIR/release"
# The same client under ASan/UBSan: every case runs with both builds, so a
# leak or memory error on any path fails the test (exit 86, never expected).
make -s -B -C ffi/examples OUT="$T/mxclient-asan" MXTRUST_LIBDIR="$TARGET_DIR/release" \
  CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all"
export ASAN_OPTIONS=detect_leaks=1:exitcode=86 UBSAN_OPTIONS=halt_on_error=1:exitcode=86:print_stacktrace=1
CLIENT=$T/mxclient

# libunbound forwards to our unbound and validates itself with the same trust
# anchor; .test needs its RFC 6761 default local zone lifted there too.
printf 'server:\n  local-zone: "test." nodefault\n' >"$T/libunbound.conf"
client() {
  "$CLIENT" -r "127.0.0.1@$UB_PORT" -a "$T/zones/trust-anchor.ds" -c "$T/libunbound.conf" \
    -p "$SMTP_PORT" -H client.example.test "$@"
}
connects() { grep -c 'postfix/smtpd\[[0-9]*\]: connect from' "$T/pf/maillog" 2>/dev/null || true; }
tls_sessions() { grep -c 'TLS connection established from' "$T/pf/maillog" 2>/dev/null || true; }

# run_case NAME "[OPTIONS] DOMAIN" EXIT CONNECTS(yes|no) FIELD...
# Every FIELD must be on the client's line (e.g. verdict=authenticated), the
# exit status must be EXIT, and Postfix must have logged a TLS session
# (yes) or no connection at all (no).
run_case() {
  local name=$1 domain=$2 want_rc=$3 want_connect=$4; shift 4
  local before_c before_t out rc=0 field bad=""
  before_c=$(connects); before_t=$(tls_sessions)
  # shellcheck disable=SC2086 # DOMAIN may carry client options
  out=$(client $domain 2>"$T/client-$name.err") || rc=$?
  for field in "$@"; do
    [[ " $out " == *" $field "* ]] || bad+=" missing:$field"
  done
  [ "$rc" = "$want_rc" ] || bad+=" exit:$rc(want $want_rc)"
  # Postfix logs through postlogd: give it a moment.
  local after_c=$before_c after_t=$before_t
  local i
  for i in $(seq 20); do
    after_c=$(connects); after_t=$(tls_sessions)
    if [ "$want_connect" = yes ] && [ "$after_c" -gt "$before_c" ] && [ "$after_t" -gt "$before_t" ]; then break; fi
    [ "$want_connect" = no ] && [ "$i" -ge 5 ] && break
    sleep 0.1
  done
  case "$want_connect" in
    yes) [ "$after_c" -gt "$before_c" ] || bad+=" server-saw-no-connection"
         [ "$after_t" -gt "$before_t" ] || bad+=" server-saw-no-tls" ;;
    no)  [ "$after_c" = "$before_c" ] || bad+=" server-was-contacted" ;;
  esac
  name="$name${CLIENT_TAG:-}"
  if [ -z "$bad" ]; then ok "case $name: $out (exit $rc)"
  else nok "case $name:$bad; got: $out (exit $rc)"; sed 's/^/    /' "$T/client-$name.err" >&2; fi
}

# MTA-STS inputs: the policy bodies the client would fetch over HTTPS, and
# PKIX roots: the fixture P-256 root (which issued our chain) or an unrelated
# one (the fixture RSA root).
mkdir -p "$T/sts"
cp "$T/pki/root.pem" "$T/sts/roots-ok.pem"
openssl x509 -inform DER -in "$FIX/rsa-root.der" -out "$T/sts/roots-other.pem"
printf 'version: STSv1\nmode: enforce\nmx: sts.example.test\nmax_age: 86400\n' >"$T/sts/enforce.txt"
printf 'version: STSv1\r\nmode: enforce\r\nmx: other.example.test\r\nmax_age: 86400\r\n' >"$T/sts/enforce-other.txt"
printf 'version: STSv1\nmode: testing\nmx: *.example.test\nmax_age: 86400\n' >"$T/sts/testing.txt"
S=$T/sts

T0=$(date +%s)
run_cases() {
  run_case dane-ee         ee.example.test       0 yes verdict=authenticated record=0 depth=0 result_type=-
  run_case dane-ta         ta.example.test       0 yes verdict=authenticated record=0 depth=1 result_type=-
  run_case wrong-data      wrong.example.test    1 yes verdict=failed reason=no-match result_type=certificate-not-trusted
  run_case ta-name         name.example.test     1 yes verdict=failed reason=name-mismatch result_type=certificate-host-mismatch
  run_case all-unusable    unusable.example.test 0 yes verdict=unauthenticated-tls result_type=tlsa-invalid
  run_case bogus-tlsa      bogus.example.test    2 no  verdict=deferred result_type=dnssec-invalid
  run_case bogus-mx        bogusmx.example.test  2 no  verdict=deferred reason=mx-bogus result_type=dnssec-invalid
  run_case unsigned-zone   insecure.test         0 yes verdict=opportunistic result_type=-
  run_case dane-over-sts   "-S $S/enforce-other.txt -R $S/roots-ok.pem ee.example.test" \
                                                 0 yes verdict=authenticated record=0 depth=0 result_type=-
  run_case sts-enforce     "-S $S/enforce.txt -R $S/roots-ok.pem sts.example.test" \
                                                 0 yes verdict=sts-validated result_type=-
  run_case sts-untrusted   "-S $S/enforce.txt -R $S/roots-other.pem sts.example.test" \
                                                 1 yes verdict=failed reason=sts-certificate result_type=certificate-not-trusted
  run_case sts-mx-not-listed "-S $S/enforce-other.txt -R $S/roots-ok.pem sts.example.test" \
                                                 1 no  verdict=skipped result_type=validation-failure
  run_case sts-testing     "-S $S/testing.txt -R $S/roots-other.pem sts.example.test" \
                                                 0 yes verdict=sts-testing valid=no result_type=certificate-not-trusted
}
CLIENT=$T/mxclient CLIENT_TAG="" run_cases
CLIENT=$T/mxclient-asan CLIENT_TAG=" [asan]" run_cases
say "client cases took $(( $(date +%s) - T0 ))s"

say "total $(( $(date +%s) - START ))s"
say "$PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
