# shellcheck shell=bash
# `mxtrust check DOMAIN` on the real stack: DNS through unbound (its AD bit,
# --trust-ad) and validated by mxtrust from the zone's DS ($STACK_TA),
# STARTTLS to Postfix with its ECDSA and RSA chains, the MTA-STS policy host
# with the test CA. Every case asserts the exit status and fields of the
# JSON report (python3, which the stack already has). Sourced by run.sh.

check_prepare() {
  local target=${CARGO_TARGET_DIR:-$STACK_ROOT/target}
  # The debug profile: what scripts/test.sh's test step has already built,
  # and half the compile time of a release build on a fresh machine.
  say "building mxtrust (debug)"
  (cd "$STACK_ROOT" && cargo build -p mxtrust-cli --locked)
  CHECK_BIN=$target/debug/mxtrust
}

# check_case NAME "DOMAIN [OPTIONS]" EXIT PATH=VALUE...: runs the check
# and queues its assertions for check_judge (one python3 for all cases:
# its start-up costs more than a check). PATH is a dotted path into the
# JSON report (`hosts.0.connections.1.verdict`; `findings[].code` matches
# any element).
check_case() {
  local name=$1 args=$2 want_rc=$3; shift 3
  local out="$STACK_DIR/check-$name${CHECK_TAG//[^a-z-]/}.json" rc=0
  # shellcheck disable=SC2086 # ARGS is a word list
  stack_exec "$CHECK_BIN" check $args $CHECK_DNS $CHECK_COMMON --json >"$out" 2>"$out.err" || rc=$?
  # Assertions may hold spaces: joined with the unit separator.
  local IFS=$'\x1f'
  printf '%s\t%s\t%s\t%s\t%s\n' "$name$CHECK_TAG" "$rc" "$want_rc" "$out" \
    "$*"$'\x1f'"dns.validation=$CHECK_VALIDATION" >>"$STACK_DIR/check-cases.tsv"
}

_check_judge_py='import json, sys
def walk(node, parts):
    if not parts:
        return [node]
    p, rest = parts[0], parts[1:]
    if p == "[]":
        return [v for item in (node or []) for v in walk(item, rest)]
    if isinstance(node, list):
        return walk(node[int(p)], rest) if p.isdigit() and int(p) < len(node) else []
    if isinstance(node, dict) and p in node:
        return walk(node[p], rest)
    return []
def text(v):
    return "null" if v is None else str(v).lower() if isinstance(v, bool) else str(v)
for line in open(sys.argv[1]):
    name, rc, want_rc, path, specs = line.rstrip("\n").split("\t")
    bad = [] if rc == want_rc else ["exit:%s(want %s)" % (rc, want_rc)]
    try:
        doc = json.load(open(path))
    except ValueError:
        doc, bad = {}, bad + ["no JSON report"]
    for spec in specs.split("\x1f"):
        key, want = spec.split("=", 1)
        got = [text(v) for v in walk(doc, key.replace("[]", ".[]").split("."))]
        if want not in got:
            bad.append("%s=%s(want %s)" % (key, ",".join(got) or "-", want))
    verdicts = sorted({c["verdict"] for h in doc.get("hosts", []) for c in h["connections"]})
    if bad:
        print("nok\tcheck %s: %s\t%s.err" % (name, " ".join(bad), path))
    else:
        print("ok\tcheck %s: exit %s, %s: %s\t" % (name, rc, doc.get("outcome"), ", ".join(verdicts)))'

# Counts the queued cases.
check_judge() {
  local verdict message err
  while IFS=$'\t' read -r verdict message err; do
    if [ "$verdict" = ok ]; then ok "$message"
    else nok "$message"; [ -f "$err" ] && sed 's/^/    /' "$err" >&2; fi
  done < <(python3 -c "$_check_judge_py" "$STACK_DIR/check-cases.tsv")
  rm -f "$STACK_DIR/check-cases.tsv"
}

# check_fails NAME "ARGS" PATTERN: exit 2 with PATTERN on standard error.
check_fails() {
  local name=$1 args=$2 pattern=$3 rc=0 err
  # shellcheck disable=SC2086
  err=$(stack_exec "$CHECK_BIN" check $args -q 2>&1 >/dev/null) || rc=$?
  if [ "$rc" = 2 ] && [[ "$err" == *"$pattern"* ]]; then ok "check $name: exit 2, $err"
  else nok "check $name: exit $rc (want 2), stderr '$err' (want '$pattern')"; fi
}

# check_human NAME "ARGS" EXIT REGEX...: the human report has a line
# matching each extended regular expression.
check_human() {
  local name=$1 args=$2 want_rc=$3; shift 3
  local out rc=0 re bad=""
  # shellcheck disable=SC2086
  out=$(stack_exec "$CHECK_BIN" check $args $CHECK_DNS $CHECK_COMMON 2>/dev/null) || rc=$?
  for re in "$@"; do grep -qE -- "$re" <<<"$out" || bad+=" missing:/$re/"; done
  [ "$rc" = "$want_rc" ] || bad+=" exit:$rc(want $want_rc)"
  if [ -z "$bad" ]; then ok "check $name (human): $(head -1 <<<"$out")"
  else nok "check $name (human):$bad"; sed 's/^/    /' <<<"$out" | head -20 >&2; fi
}

check_run_cases() {
  local c0="hosts.0.connections.0" c1="hosts.0.connections.1"
  # DANE-EE with a record per key: each key type authenticated on its own.
  check_case dane-ee dual.example.test 0 outcome=authenticated hosts.0.decision.action=require-dane \
    $c0.key_type=ecdsa $c0.verdict=authenticated $c0.dane.usage=3 $c0.dane.depth=0 $c0.tls.version=TLSv1.3 \
    $c1.key_type=rsa $c1.verdict=authenticated $c1.dane.usage=3 hosts.0.tlsa.0.answer.dnssec=secure
  # DANE-EE for the ECDSA key only: the RSA certificate fails; and the
  # domain's enforce policy lists another MX, which DANE senders ignore
  # and MTA-STS-only senders do not.
  check_case dane-ee-one-key ee.example.test 1 outcome=findings $c0.key_type=ecdsa $c0.verdict=authenticated \
    $c1.key_type=rsa $c1.verdict=failed $c1.dane.failure_code=no-match \
    $c1.tlsrpt_result_type=certificate-not-trusted mta_sts.state=enforce hosts.0.decision.action=require-dane \
    findings[].code=mta-sts-only-senders
  check_case dane-ta ta.example.test 0 outcome=authenticated $c0.verdict=authenticated $c0.dane.usage=2 \
    $c0.dane.depth=1 $c1.verdict=authenticated $c1.dane.depth=1
  check_case wrong-data wrong.example.test 1 $c0.verdict=failed $c1.verdict=failed \
    $c0.dane.failure_code=no-match $c0.tlsrpt_result_type=certificate-not-trusted
  check_case ta-name name.example.test 1 $c0.verdict=failed $c0.dane.failure_code=name-mismatch \
    $c0.tlsrpt_result_type=certificate-host-mismatch
  check_case all-unusable unusable.example.test 1 hosts.0.decision.action=require-tls-unauthenticated \
    $c0.verdict=unauthenticated-tls $c1.verdict=unauthenticated-tls $c0.tlsrpt_result_type=tlsa-invalid
  check_case bogus-tlsa bogus.example.test 1 hosts.0.tlsa.0.answer.dnssec=bogus hosts.0.decision.action=defer \
    $c0.verdict=deferred $c0.address=null $c0.tlsrpt_result_type=dnssec-invalid
  check_case bogus-mx bogusmx.example.test 1 mx.answer.dnssec=bogus hosts.0.decision.action=defer \
    $c0.verdict=deferred $c0.tlsrpt_result_type=dnssec-invalid
  check_case unsigned-zone insecure.test 1 mx.answer.dnssec=insecure hosts.0.tlsa_not_asked=not-applicable \
    hosts.0.decision.action=opportunistic $c0.verdict=opportunistic $c1.verdict=opportunistic
  check_case sts-enforce sts.example.test 0 outcome=authenticated mta_sts.state=enforce mta_sts.fetch.status=200 \
    hosts.0.decision.action=require-sts $c0.verdict=sts-validated $c1.verdict=sts-validated \
    hosts.0.sts_mx_allowed=true hosts.0.tlsa.0.answer.found=nxdomain
  check_case sts-mismatch mismatch.example.test 1 mta_sts.state=enforce hosts.0.sts_mx_allowed=false \
    hosts.0.decision.action=skip-mx $c0.verdict=skipped $c0.tlsrpt_result_type=validation-failure
  check_case sts-testing testing.example.test 1 mta_sts.state=testing hosts.0.decision.action=sts-testing \
    $c0.verdict=testing $c0.sts.certificate=valid
  check_case policy-404 nopolicy.example.test 1 mta_sts.id=1 mta_sts.fetch.status=404 \
    mta_sts.fetch.code=http-status-not-200 mta_sts.fetch.tlsrpt_result_type=sts-policy-fetch-error \
    mta_sts.state=no-policy $c0.verdict=opportunistic findings[].code=mta-sts-fetch
  check_case policy-redirect redirect.example.test 1 mta_sts.fetch.status=301 \
    mta_sts.fetch.location=https://mta-sts.sts.example.test/.well-known/mta-sts.txt \
    mta_sts.fetch.code=http-status-not-200 mta_sts.state=no-policy findings[].code=mta-sts-fetch
  # MX hosts that are CNAMEs: TLSA at the expanded name, DANE-TA names
  # both; or, the target having none (secure denial), at the alias.
  check_case cname-expanded cname.example.test 0 hosts.0.host=alias.example.test \
    "hosts.0.addresses.0.cnames.0=alias.example.test -> ta.example.test (secure)" \
    hosts.0.tlsa.0.answer.name=_25._tcp.ta.example.test $c0.verdict=authenticated \
    $c0.dane.names.1=alias.example.test $c1.verdict=authenticated
  check_case cname-fallback cnamefb.example.test 0 hosts.0.tlsa.0.answer.name=_25._tcp.sts.example.test \
    hosts.0.tlsa.0.answer.found=nxdomain hosts.0.tlsa.1.answer.name=_25._tcp.fallback.example.test \
    $c0.verdict=authenticated $c0.dane.names.0=fallback.example.test
  check_case null-mx nullmx.example.test 0 outcome=no-mail mx.route=null-mx mx.answer.dnssec=secure
  check_case implicit-mx implicit.example.test 0 outcome=authenticated mx.route=implicit-mx \
    mx.answer.found=no-data hosts.0.host=implicit.example.test hosts.0.preference=0 \
    $c0.verdict=authenticated $c1.verdict=authenticated
  check_case no-such-domain nonexistent.example.test 1 mx.route=no-such-domain mx.answer.dnssec=secure \
    findings[].code=mx-no-such-domain
  check_case no-starttls nostarttls.example.test 1 hosts.0.decision.action=require-dane $c0.verdict=failed \
    $c0.error.code=no-starttls $c0.tlsrpt_result_type=starttls-not-supported
  check_case closed-port closed.example.test 1 $c0.verdict=unreachable $c0.error.code=connection-refused
  check_human dane-ee dual.example.test 0 '^authenticated: every MX host of dual\.example\.test' \
    '^dual\.example\.test +127\.0\.10\.25 +ECDSA +require-dane +authenticated +record [12] \(DANE-EE\)' \
    '^dual\.example\.test +127\.0\.10\.25 +RSA +require-dane +authenticated'
  check_human dane-ee-one-key ee.example.test 1 '^findings: 3 for ee\.example\.test' \
    '^ee\.example\.test +127\.0\.10\.25 +RSA +require-dane +failed +no usable TLSA record matches'
}

check_cases() {
  local roots=$STACK_DIR/check-roots.pem before_ec before_rsa
  # MTA-STS trusts the test CA (policy host) and the SMTP chain's root.
  cat "$STACK_CA" "$STACK_SMTP_ROOT" >"$roots"
  CHECK_COMMON="--ca-file $roots --connect-timeout 2 -q"
  before_ec=$(grep -c 'server-signature ECDSA' "$STACK_MAILLOG" || true)
  before_rsa=$(grep -c 'server-signature RSA' "$STACK_MAILLOG" || true)
  CHECK_DNS="--trust-ad --resolver $STACK_DNS_ADDR" CHECK_VALIDATION=resolver-ad CHECK_TAG=" [resolver-ad]" \
    check_run_cases
  # The namespace's resolv.conf names unbound: no --resolver.
  CHECK_DNS="--trust-anchor $STACK_TA" CHECK_VALIDATION=local CHECK_TAG=" [local]" check_run_cases
  # Postfix saw handshakes signed with each of its keys.
  local i ec rsa
  for i in $(seq 20); do
    ec=$(grep -c 'server-signature ECDSA' "$STACK_MAILLOG" || true)
    rsa=$(grep -c 'server-signature RSA' "$STACK_MAILLOG" || true)
    [ "$ec" -gt "$before_ec" ] && [ "$rsa" -gt "$before_rsa" ] && break
    sleep 0.1
  done
  [ "$ec" -gt "$before_ec" ] && [ "$rsa" -gt "$before_rsa" ] \
    && ok "check: Postfix logged $((ec - before_ec)) ECDSA-signed and $((rsa - before_rsa)) RSA-signed handshakes" \
    || nok "check: Postfix logged $((ec - before_ec)) ECDSA and $((rsa - before_rsa)) RSA handshakes, want both"
  # A silent port times out (once: it costs --connect-timeout).
  CHECK_DNS="--trust-ad --resolver $STACK_DNS_ADDR" CHECK_VALIDATION=resolver-ad CHECK_TAG="" \
    check_case silent-port silent.example.test 1 hosts.0.connections.0.verdict=unreachable \
    hosts.0.connections.0.error.code=no-greeting
  check_judge
  # What makes the check itself fail: exit 2.
  check_fails usage-error "not_a_domain!" "is not a mail domain"
  check_fails dead-resolver "ta.example.test --trust-ad --resolver 127.0.10.99 --dns-timeout 1" "does not answer"
  sed -E 's/[0-9A-Fa-f]{64}\s*$/'"$(printf '0%.0s' $(seq 64))"'/' "$STACK_TA" >"$STACK_DIR/check-wrong.ds"
  check_fails wrong-trust-anchor "ta.example.test --trust-anchor $STACK_DIR/check-wrong.ds" \
    "no DNSKEY of the zone matches"
  check_fails overall-timeout "silent.example.test --trust-ad --connect-timeout 5 --timeout 1" \
    "did not finish within 1 s"
}
