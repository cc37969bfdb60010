# shellcheck shell=bash
# The C client's cases: ffi/examples/mxclient.c, an appliance-style client
# (libunbound for DNSSEC, a TLS library with its verification off,
# libmxtrust for every decision), resolving through the namespace's
# /etc/resolv.conf (unbound) and connecting to Postfix on the MX address,
# port 25. It is built on OpenSSL's libssl and on mbed TLS 2.28 (no DANE at
# all; TLS 1.2 only, which Postfix must offer and must have used). Every
# case runs with each build as built and under ASan/UBSan. Sourced by run.sh.

# Debian packages this surface needs besides the stack's (run.sh installs
# every surface's in one apt-get call).
c_client_packages="libunbound-dev libssl-dev libmbedtls-dev pkg-config gcc make"

c_client_prepare() {
  local target=${CARGO_TARGET_DIR:-$STACK_ROOT/target}
  C_CLIENT_OUT=$target/stack
  mkdir -p "$C_CLIENT_OUT"
  # make rebuilds on a new source, header or libmxtrust.a; a change of the
  # flags here must rebuild too.
  local f tls
  for f in "$C_CLIENT_OUT"/mxclient*; do
    [ "$f" -nt "${BASH_SOURCE[0]}" ] || rm -f "$f"
  done
  say "building libmxtrust (release) and ffi/examples/mxclient on OpenSSL and on mbed TLS"
  (cd "$STACK_ROOT" && cargo build -p mxtrust-ffi --release --locked)
  for tls in openssl mbedtls; do
    make -s -C "$STACK_ROOT/ffi/examples" TLS=$tls OUT="$C_CLIENT_OUT/mxclient-$tls" MXTRUST_LIBDIR="$target/release"
    # The same client under ASan/UBSan: a leak or memory error on any path
    # fails the case (exit 86, never expected).
    make -s -C "$STACK_ROOT/ffi/examples" TLS=$tls OUT="$C_CLIENT_OUT/mxclient-$tls-asan" MXTRUST_LIBDIR="$target/release" \
      CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all"
  done
}

c_client_connects() { grep -c 'postfix/smtpd\[[0-9]*\]: connect from' "$STACK_MAILLOG" 2>/dev/null || true; }
c_client_tls_sessions() { grep -c 'TLS connection established from' "$STACK_MAILLOG" 2>/dev/null || true; }
c_client_last_tls() { grep 'TLS connection established from' "$STACK_MAILLOG" 2>/dev/null | tail -1 | sed 's/.*: \(TLSv[0-9.]*\) with.*/\1/'; }

# c_client_case NAME "[OPTIONS] DOMAIN" EXIT CONNECTS(yes|no) FIELD...
# Every FIELD must be on the client's line (e.g. verdict=authenticated), the
# exit status must be EXIT, and Postfix must have logged a TLS session
# (yes), of version $C_CLIENT_TLS_VERSION when set, or no connection at
# all (no).
c_client_case() {
  local name=$1 domain=$2 want_rc=$3 want_connect=$4; shift 4
  local before_c before_t out rc=0 field bad="" err="$STACK_DIR/client-$name.err"
  before_c=$(c_client_connects); before_t=$(c_client_tls_sessions)
  # shellcheck disable=SC2086 # DOMAIN may carry client options
  out=$(stack_exec "$C_CLIENT" -a "$STACK_TA" -c "$STACK_LIBUNBOUND_CONF" -p "$STACK_SMTP_PORT" \
    -H client.example.test $domain 2>"$err") || rc=$?
  for field in "$@"; do
    [[ " $out " == *" $field "* ]] || bad+=" missing:$field"
  done
  [ "$rc" = "$want_rc" ] || bad+=" exit:$rc(want $want_rc)"
  # Postfix logs through postlogd: give it a moment.
  local after_c=$before_c after_t=$before_t i
  for i in $(seq 20); do
    after_c=$(c_client_connects); after_t=$(c_client_tls_sessions)
    if [ "$want_connect" = yes ] && [ "$after_c" -gt "$before_c" ] && [ "$after_t" -gt "$before_t" ]; then break; fi
    [ "$want_connect" = no ] && [ "$i" -ge 5 ] && break
    sleep 0.1
  done
  case "$want_connect" in
    yes) [ "$after_c" -gt "$before_c" ] || bad+=" server-saw-no-connection"
         [ "$after_t" -gt "$before_t" ] || bad+=" server-saw-no-tls"
         if [ -n "${C_CLIENT_TLS_VERSION:-}" ] && [ "$(c_client_last_tls)" != "$C_CLIENT_TLS_VERSION" ]; then
           bad+=" server-saw-$(c_client_last_tls)(want $C_CLIENT_TLS_VERSION)"
         fi ;;
    no)  [ "$after_c" = "$before_c" ] || bad+=" server-was-contacted" ;;
  esac
  name="$name${C_CLIENT_TAG:-}"
  if [ -z "$bad" ]; then ok "case $name: $out (exit $rc)"
  else nok "case $name:$bad; got: $out (exit $rc)"; sed 's/^/    /' "$err" >&2; fi
}

c_client_run_cases() {
  local S=$STACK_DIR/sts
  c_client_case dane-ee         ee.example.test       0 yes verdict=authenticated record=0 depth=0 result_type=-
  c_client_case dane-ta         ta.example.test       0 yes verdict=authenticated record=0 depth=1 result_type=-
  c_client_case wrong-data      wrong.example.test    1 yes verdict=failed reason=no-match result_type=certificate-not-trusted
  c_client_case ta-name         name.example.test     1 yes verdict=failed reason=name-mismatch result_type=certificate-host-mismatch
  c_client_case all-unusable    unusable.example.test 0 yes verdict=unauthenticated-tls result_type=tlsa-invalid
  c_client_case bogus-tlsa      bogus.example.test    2 no  verdict=deferred result_type=dnssec-invalid
  c_client_case bogus-mx        bogusmx.example.test  2 no  verdict=deferred reason=mx-bogus result_type=dnssec-invalid
  c_client_case unsigned-zone   insecure.test         0 yes verdict=opportunistic result_type=-
  c_client_case dane-over-sts   "-S $S/enforce-other.txt -R $S/roots-ok.pem ee.example.test" \
                                                      0 yes verdict=authenticated record=0 depth=0 result_type=-
  c_client_case sts-enforce     "-S $S/enforce.txt -R $S/roots-ok.pem sts.example.test" \
                                                      0 yes verdict=sts-validated result_type=-
  c_client_case sts-untrusted   "-S $S/enforce.txt -R $S/roots-other.pem sts.example.test" \
                                                      1 yes verdict=failed reason=sts-certificate result_type=certificate-not-trusted
  c_client_case sts-mx-not-listed "-S $S/enforce-other.txt -R $S/roots-ok.pem sts.example.test" \
                                                      1 no  verdict=skipped result_type=validation-failure
  c_client_case sts-testing     "-S $S/testing.txt -R $S/roots-other.pem sts.example.test" \
                                                      0 yes verdict=sts-testing valid=no result_type=certificate-not-trusted
}

c_client_cases() {
  # MTA-STS inputs: the client does not fetch policies; it is given the
  # bodies the policy host serves and PKIX roots.
  stack_sts_inputs "$STACK_DIR/sts"
  export ASAN_OPTIONS=detect_leaks=1:exitcode=86 UBSAN_OPTIONS=halt_on_error=1:exitcode=86:print_stacktrace=1
  C_CLIENT=$C_CLIENT_OUT/mxclient-openssl C_CLIENT_TAG="" c_client_run_cases
  C_CLIENT=$C_CLIENT_OUT/mxclient-openssl-asan C_CLIENT_TAG=" [asan]" c_client_run_cases
  # mbed TLS 2.28 speaks TLS 1.2 only: Postfix must have offered and used it.
  C_CLIENT=$C_CLIENT_OUT/mxclient-mbedtls C_CLIENT_TAG=" [mbedtls]" C_CLIENT_TLS_VERSION=TLSv1.2 c_client_run_cases
  C_CLIENT=$C_CLIENT_OUT/mxclient-mbedtls-asan C_CLIENT_TAG=" [mbedtls asan]" C_CLIENT_TLS_VERSION=TLSv1.2 c_client_run_cases
}
