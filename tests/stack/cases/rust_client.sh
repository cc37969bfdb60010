# shellcheck shell=bash
# A Rust MTA's delivery: tests/smtp-client (`mxsend`) resolves MX, A and
# TLSA through the namespace's unbound, validating DNSSEC from the zone's DS
# itself (mxtrust-net), takes core's decision, and sends one message with
# mail-send (Stalwart's SMTP client) whose STARTTLS runs mxtrust-rustls's
# MxVerifier. Each case checks the client's line and exit status, and
# Postfix's side: a message that was sent must be in Postfix's log under the
# queue id its 250 reply named; one that was refused must not be there at
# all. Sourced by run.sh.

rust_client_prepare() {
  local target=${CARGO_TARGET_DIR:-$STACK_ROOT/target}
  # The debug profile, which scripts/test.sh's test step has already built.
  say "building tests/smtp-client (mxsend, debug)"
  (cd "$STACK_ROOT" && cargo build -p mxtrust-smtp-client --locked)
  RUST_CLIENT=$target/debug/mxsend
}

# rust_client_case NAME "[OPTIONS] DOMAIN" EXIT SENT(yes|no) FIELD...
# Every FIELD must be on the client's line; with SENT=yes Postfix must
# have queued the message (its Message-ID under the queue id of the 250
# reply), with SENT=no it must not have.
rust_client_case() {
  local name=$1 domain=$2 want_rc=$3 want_sent=$4; shift 4
  local id="rust-$name.$$.$RANDOM@client.example.test" out rc=0 field bad="" err="$STACK_DIR/rust-$name.err"
  # shellcheck disable=SC2086 # DOMAIN may carry client options
  out=$(stack_exec "$RUST_CLIENT" -a "$STACK_TA" -p "$STACK_SMTP_PORT" -i "$id" $domain 2>"$err") || rc=$?
  for field in "$@"; do
    [[ " $out " == *" $field "* ]] || bad+=" missing:$field"
  done
  [ "$rc" = "$want_rc" ] || bad+=" exit:$rc(want $want_rc)"
  # Postfix logs through postlogd: give it a moment.
  local qid="" i
  for i in $(seq 20); do
    qid=$(sed -n "s/.*postfix\/cleanup\[[0-9]*\]: \([0-9A-Za-z]*\): message-id=<$id>.*/\1/p" "$STACK_MAILLOG" | head -1)
    [ -n "$qid" ] && break
    [ "$want_sent" = no ] && [ "$i" -ge 5 ] && break
    sleep 0.1
  done
  case "$want_sent" in
    yes) if [ -z "$qid" ]; then bad+=" postfix-has-no-message:$id"
         elif [[ "$out" != *"queued as $qid"* ]]; then bad+=" reply-names-another-queue-id(postfix:$qid)"; fi ;;
    no)  [ -z "$qid" ] || bad+=" postfix-queued-it:$qid" ;;
  esac
  if [ -z "$bad" ]; then ok "rust case $name: $out (exit $rc)"
  else nok "rust case $name:$bad; got: $out (exit $rc)"; sed 's/^/    /' "$err" >&2; fi
}

rust_client_cases() {
  # The MTA-STS inputs of cases/c_client.sh: policy bodies and roots.
  local S=$STACK_DIR/sts
  stack_sts_inputs "$S"

  rust_client_case dane-ee      ee.example.test       0 yes decision=require-dane verdict=authenticated \
                                                          signature=yes records=matched sent=yes
  rust_client_case dane-ta      ta.example.test       0 yes decision=require-dane verdict=authenticated \
                                                          signature=yes records=matched sent=yes
  rust_client_case dual-ee      dual.example.test     0 yes decision=require-dane verdict=authenticated sent=yes
  rust_client_case wrong-data   wrong.example.test    1 no  decision=require-dane verdict=no-match \
                                                          result_type=certificate-not-trusted signature=no sent=no \
                                                          refused=no-match refused_result_type=certificate-not-trusted
  rust_client_case ta-name      name.example.test     1 no  verdict=name-mismatch sent=no \
                                                          refused=name-mismatch refused_result_type=certificate-host-mismatch
  rust_client_case all-unusable unusable.example.test 0 yes decision=require-tls-unauthenticated \
                                                          verdict=unauthenticated-tls result_type=tlsa-invalid sent=yes
  rust_client_case bogus-tlsa   bogus.example.test    2 no  decision=defer result_type=dnssec-invalid sent=no
  rust_client_case dane-over-sts "-S $S/enforce-other.txt -R $S/roots-ok.pem ee.example.test" \
                                                      0 yes decision=require-dane verdict=authenticated sent=yes
  rust_client_case sts-enforce  "-S $S/enforce.txt -R $S/roots-ok.pem sts.example.test" \
                                                      0 yes decision=require-sts verdict=require-sts signature=yes sent=yes
  rust_client_case sts-untrusted "-S $S/enforce.txt -R $S/roots-other.pem sts.example.test" \
                                                      1 no  decision=require-sts sent=no \
                                                          refused=issuer-not-found refused_result_type=certificate-not-trusted
  rust_client_case sts-mx-not-listed "-S $S/enforce-other.txt -R $S/roots-ok.pem sts.example.test" \
                                                      1 no  decision=skip-mx verdict=skip-mx sent=no \
                                                          refused=skip-mx refused_result_type=validation-failure
  rust_client_case sts-testing  "-S $S/testing.txt -R $S/roots-other.pem testing.example.test" \
                                                      0 yes decision=sts-testing verdict=sts-testing \
                                                          result_type=certificate-not-trusted sent=yes
}
