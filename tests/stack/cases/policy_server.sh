# shellcheck shell=bash
# mxtrust-policy-server on the real stack (policy-server/README.md): its
# socketmap answers through Postfix's own client (postmap -q) and its one-
# line mode; a sending Postfix whose smtp_tls_policy_maps asks it and whose
# DNS is the test unbound (DANE through the namespace's `options trust-ad`),
# delivering to the receiving test MX; Exim 4.96 with the README's
# ${readsocket} snippet; SIGTERM persists; then the kill test
# at each step of a persist (the test-only pause hook). Sourced by run.sh.

# Exim's libraries are installed normally; Exim itself is not (its packages
# conflict with Postfix's): see policy_server_prepare.
# redis-server for the shared backend (started privately in the namespace).
policy_server_packages() { echo libidn12 libgnutls-dane0 libgnutls30 libpcre2-8-0 libdb5.3 libnsl2 redis-server; }

policy_server_prepare() {
  local target=${CARGO_TARGET_DIR:-$STACK_ROOT/target}
  say "building mxtrust-policy-server (debug)"
  (cd "$STACK_ROOT" && cargo build -p mxtrust-policy-server --locked)
  PS_BIN=$target/debug/mxtrust-policy-server
  # Exim 4.96 unpacked into a private folder, never installed.
  PS_EXIM=$target/stack/exim
  if [ ! -x "$PS_EXIM/root/usr/sbin/exim4" ]; then
    say "fetching Exim (apt-get download, dpkg-deb -x)"
    rm -rf "$PS_EXIM"; mkdir -p "$PS_EXIM/debs"
    (cd "$PS_EXIM/debs" && apt-get download exim4-daemon-light exim4-base 2>/dev/null) &&
      for f in "$PS_EXIM"/debs/*.deb; do dpkg-deb -x "$f" "$PS_EXIM/root"; done ||
      { say "Exim could not be fetched: its cases are skipped"; rm -rf "$PS_EXIM"; }
  fi
}

# _ps_config DIR PORT LINE_PORT: a config for a server keeping its cache in DIR.
_ps_config() {
  mkdir -p "$1"
  cat >"$1/config.toml" <<EOF
listen = "127.0.0.1:$2"
line_listen = "127.0.0.1:$3"
cache_file = "$1/cache.bin"
capacity = 1000
resolver = "$STACK_DNS_ADDR:53"
trust_ad = true
ca_file = "$STACK_CA"
lookup_timeout_secs = 10
EOF
}

# _ps_wait_log FILE PATTERN [TRIES]: until FILE has a line matching PATTERN.
_ps_wait_log() {
  local i
  for i in $(seq "${3:-200}"); do
    grep -q -- "$2" "$1" 2>/dev/null && return 0
    sleep 0.05
  done
  return 1
}
_ps_wait_file() { # FILE TRIES
  local i
  for i in $(seq "$2"); do [ -e "$1" ] && return 0; sleep 0.05; done
  return 1
}

# _ps_line PORT DOMAIN: the one-line (Exim) answer.
_ps_line() {
  stack_exec timeout 20 bash -c 'exec 3<>/dev/tcp/127.0.0.1/$0; printf "%s\n" "$1" >&3; cat <&3' "$1" "$2"
}

# _ps_sender: a second Postfix instance that only sends, its TLS policy from
# the server; the receiving instance discards what it accepts (it would
# otherwise relay the mail back to itself).
_ps_sender() {
  local S=$STACK_DIR/sender
  PS_SENDER=$S
  mkdir -p "$S/queue" "$S/data"
  chown postfix "$S/data"
  cat >"$S/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $S/queue
data_directory = $S/data
mail_owner = postfix
setgid_group = postdrop
myhostname = sender.example.test
mydomain = example.test
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
alias_maps =
alias_database =
maillog_file_prefixes = $S
maillog_file = $S/mail.log
smtp_dns_support_level = dnssec
smtp_tls_security_level = may
smtp_tls_CAfile = $STACK_SMTP_ROOT
smtp_tls_loglevel = 1
smtp_tls_policy_maps = socketmap:inet:127.0.0.1:8461:mta-sts
EOF
  # The receiving instance's services without its listeners.
  grep -v -e '^[0-9]' "$STACK_PF_CONF/master.cf" >"$S/master.cf"
  touch -d "@$(( $(date +%s) - 10 ))" "$S/main.cf" "$S/master.cf"
  postconf -c "$STACK_PF_CONF" -e default_transport=discard relay_transport=discard
  stack_postfix_settle
  stack_exec postfix -c "$STACK_PF_CONF" reload >/dev/null 2>&1
  stack_exec script -qec "postfix -c $S start" /dev/null >"$S/start.out" 2>&1 \
    || { cat "$S/start.out" >&2; nok "sending postfix did not start"; return 1; }
  PS_SENDER_MASTER=$(tr -d ' \n' <"$S/queue/pid/master.pid")
  stack_on_exit "kill -KILL -- -$PS_SENDER_MASTER 2>/dev/null"
}

_ps_restore_receiver() {
  postconf -c "$STACK_PF_CONF" -X default_transport relay_transport
  stack_postfix_settle
  stack_exec postfix -c "$STACK_PF_CONF" reload >/dev/null 2>&1 || true
}

# _ps_expect DOMAIN STATUS TLS-WORD WHAT: the sender's log for user@DOMAIN.
_ps_expect() {
  local mlog=$PS_SENDER/mail.log line
  line=$(grep "to=<user@$1.example.test>" "$mlog" | grep -m1 'status=' || true)
  if [[ "$line" != *"status=$2"* ]]; then nok "sender $1: want $2: ${line:-no status line}"; return; fi
  if [ -n "$3" ] && ! grep -q "$3 TLS connection established to $1.example.test" "$mlog"; then
    nok "sender $1: $2 but no '$3 TLS' line"; return
  fi
  ok "sender $1: $2 $4"
}

policy_server_cases() {
  local D=$STACK_DIR/ps want got d rc
  _ps_config "$D" 8461 8462
  stack_bg policy-server "$PS_BIN" --config "$D/config.toml"
  local main_pid=${STACK_PIDS[-1]}
  stack_wait_port tcp 127.0.0.1 8461 mxtrust-policy-server
  local log=$STACK_DIR/policy-server.log

  # --check-config: a good file, an unknown key.
  if "$PS_BIN" --check-config --config "$D/config.toml" >/dev/null; then ok "policy-server --check-config accepts the test config"
  else nok "policy-server --check-config refused the test config"; fi
  printf 'cache_file = "/x"\ncapacty = 3\n' >"$D/bad.toml"
  if ! "$PS_BIN" --check-config --config "$D/bad.toml" 2>"$D/bad.err" && grep -q capacty "$D/bad.err"; then
    ok "policy-server --check-config names an unknown key"
  else nok "policy-server --check-config: $(cat "$D/bad.err")"; fi

  # The socketmap answers, through Postfix's own socketmap client
  # (postmap exits 1 when a key is not found).
  while read -r d want; do
    rc=0
    got=$(stack_exec postmap -c "$STACK_PF_CONF" -q "$d" socketmap:inet:127.0.0.1:8461:mta-sts 2>/dev/null) || rc=$?
    got="$got rc=$rc"; got=${got# }
    if [ "$got" = "$want" ]; then ok "socketmap $d: $want"
    else nok "socketmap $d: got '$got', want '$want'"; fi
  done <<'EOF'
sts.example.test secure match=sts.example.test servername=hostname rc=0
ee.example.test dane rc=0
ta.example.test dane rc=0
bogus.example.test dane rc=0
cname.example.test dane rc=0
cnamefb.example.test dane rc=0
implicit.example.test dane rc=0
nullmx.example.test rc=1
unusable.example.test rc=1
testing.example.test rc=1
nopolicy.example.test rc=1
redirect.example.test rc=1
insecure.test rc=1
mismatch.example.test secure match=other.example.test servername=hostname rc=0
EOF
  # TEMP: postmap exits 1 as for NOTFOUND, but says so on standard error.
  got=$(stack_exec postmap -c "$STACK_PF_CONF" -q bogusmx.example.test socketmap:inet:127.0.0.1:8461:mta-sts 2>&1 || true)
  if [[ "$got" == *"socketmap server temporary error: MX of bogusmx.example.test: DNSSEC-bogus"* ]]; then
    ok "socketmap bogusmx.example.test: TEMP (temporary error: DNSSEC-bogus MX)"
  else nok "socketmap bogusmx.example.test: '$got'"; fi
  if grep -q 'domain=testing.example.test .*reason="fetched testing policy"' "$log"; then
    ok "policy-server logs a testing policy as such"
  else nok "policy-server: no testing decision line"; fi

  # The one-line mode for Exim's ${readsocket}.
  got=$(_ps_line 8462 STS.example.test.)
  if [ "$got" = "secure match=sts.example.test servername=hostname" ]; then ok "line mode: $got"
  else nok "line mode: got '$got'"; fi
  got=$(_ps_line 8462 bogusmx.example.test)
  if [[ "$got" == temp* ]]; then ok "line mode: bogus MX is temp"; else nok "line mode bogusmx: '$got'"; fi

  # A sending Postfix.
  local domains="sts ee ta mismatch wrong name bogus bogusmx nopolicy testing"
  if _ps_sender; then
    for d in $domains; do
      printf 'Subject: policy server test %s\n\ntest\n' "$d" |
        stack_exec sendmail -C "$PS_SENDER" -f "sender@sender.example.test" "user@$d.example.test"
    done
    for d in $domains; do
      _ps_wait_log "$PS_SENDER/mail.log" "to=<user@$d.example.test>.*status=" 600 || true
    done
    _ps_expect sts sent Verified "(enforce policy, verified TLS)"
    _ps_expect ee sent Verified "(DANE-EE under Postfix's DANE, although its policy lists another MX)"
    _ps_expect ta sent Verified "(DANE-TA under Postfix's DANE)"
    _ps_expect mismatch deferred "" "(MX outside the enforce policy)"
    _ps_expect wrong deferred "" "(DANE: the TLSA record matches no certificate)"
    _ps_expect name deferred "" "(DANE-TA: a name the certificate lacks)"
    _ps_expect bogus deferred "" "(bogus TLSA)"
    _ps_expect bogusmx deferred "" "(bogus MX: Postfix's own MX lookup fails first; the server's TEMP is asserted above)"
    _ps_expect nopolicy sent "" "(policy 404, nothing cached: no MTA-STS, RFC 8461 §3.3)"
    _ps_expect testing sent "" "(testing: no requirement)"
    _ps_restore_receiver
  fi

  _ps_exim

  # SIGTERM persists.
  kill -TERM "$main_pid" 2>/dev/null || true
  local i persisted=0
  for i in $(seq 100); do
    awk '/event=stopping/{s=1} s&&/event=persisted/{f=1} END{exit !f}' "$log" && { persisted=1; break; }
    sleep 0.05
  done
  if [ "$persisted" = 1 ]; then
    ok "policy-server persists on SIGTERM"
  else nok "policy-server: no persist on SIGTERM"; fi
  _ps_kill_test
  _ps_redis
}

# The shared backend: a server stores a fetched policy in a private
# redis-server with a TTL no shorter than max_age and is SIGKILLed; a second
# server with an empty cache file answers from Redis.
_ps_redis() {
  local R=$STACK_DIR/psredis ttl pid
  mkdir -p "$R/a" "$R/b"
  stack_bg redis redis-server --port 6379 --bind 127.0.0.1 --save "" --appendonly no
  stack_wait_port tcp 127.0.0.1 6379 redis-server
  for d in a b; do
    _ps_config "$R/$d" 8481 8482
    printf 'redis_url = "redis://127.0.0.1:6379/0"\n' >>"$R/$d/config.toml"
  done
  nsenter -t "$STACK_NS_PID" -m -n -- "$PS_BIN" --config "$R/a/config.toml" >"$R/a.log" 2>&1 &
  pid=$!
  stack_wait_port tcp 127.0.0.1 8481 "policy server (redis a)"
  _ps_line 8482 sts.example.test >/dev/null
  if _ps_wait_log "$R/a.log" "event=shared-stored domain=sts.example.test" 100; then
    kill -KILL "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
    ttl=$(stack_exec redis-cli -p 6379 TTL mxtrust-sts:sts.example.test)
    if [ "${ttl:-0}" -ge 86400 ]; then ok "redis: policy stored with TTL $ttl s >= max_age 86400"
    else nok "redis: TTL '$ttl' shorter than max_age 86400"; fi
  else
    kill -KILL "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
    nok "redis: no shared-stored line: $(tail -3 "$R/a.log")"; return
  fi
  nsenter -t "$STACK_NS_PID" -m -n -- "$PS_BIN" --config "$R/b/config.toml" >"$R/b.log" 2>&1 &
  pid=$!
  stack_wait_port tcp 127.0.0.1 8481 "policy server (redis b)"
  local got
  got=$(_ps_line 8482 sts.example.test)
  if [ "$got" = "secure match=sts.example.test servername=hostname" ] &&
    grep -q "event=shared-hit domain=sts.example.test" "$R/b.log" &&
    grep -q "event=cache-loaded entries=0" "$R/b.log"; then
    ok "redis: after a SIGKILL, a server with an empty cache answers from Redis"
  else nok "redis: server b said '$got': $(grep -v decision "$R/b.log" | tail -3)"; fi
  kill -KILL "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
}

# _ps_start_kill STEP LOGNAME: a server for the kill test, pausing after
# STEP of its next persist (none when STEP is empty).
_ps_start_kill() {
  local K=$STACK_DIR/pskill
  # A simple command, so that $! is the server itself (nsenter and env exec).
  nsenter -t "$STACK_NS_PID" -m -n -- env MXTRUST_POLICY_SERVER_TEST_PAUSE="$1" \
    "$PS_BIN" --config "$K/config.toml" >"$K/$2.log" 2>&1 &
  PS_KILL_PID=$!
  stack_wait_port tcp 127.0.0.1 8471 "policy server (kill test)"
}
_ps_kill_now() { kill -KILL "$PS_KILL_PID" 2>/dev/null || true; wait "$PS_KILL_PID" 2>/dev/null || true; }

# The server is SIGKILLed after each step of a persist; the image it finds
# at the next start is the old one (after write, fsync) or the new one
# (after rename), whole.
_ps_kill_test() {
  local K=$STACK_DIR/pskill step domain want n
  _ps_config "$K" 8471 8472
  _ps_start_kill "" first
  _ps_line 8472 sts.example.test >/dev/null
  _ps_wait_log "$K/first.log" "event=persisted" 100 || nok "kill test: no first persist"
  _ps_kill_now
  n=1
  for step in written:testing:1 fsynced:mismatch:1 renamed:testing:2; do
    IFS=: read -r step domain want <<<"$step"
    _ps_start_kill "$step" "$step"
    grep -q "event=cache-loaded entries=$n " "$K/$step.log" ||
      nok "kill test before $step: $(grep event=cache "$K/$step.log") (want $n entries)"
    _ps_line 8472 "$domain.example.test" >/dev/null
    if ! _ps_wait_file "$K/cache.bin.paused-$step" 200; then
      nok "kill test: the server did not pause after $step"; _ps_kill_now; continue
    fi
    _ps_kill_now
    rm -f "$K/cache.bin.paused-$step"
    _ps_start_kill "" "after-$step"
    if grep -q "event=cache-loaded entries=$want " "$K/after-$step.log"; then
      ok "kill test: SIGKILL after $step, the restart loads $want entries, intact"
    else
      nok "kill test after $step: $(grep event=cache "$K/after-$step.log") (want $want entries)"
    fi
    _ps_kill_now
    n=$want
  done
  # A corrupt image is set aside and reported, and the server runs.
  printf 'MXSC garbage' >"$K/cache.bin"
  _ps_start_kill "" corrupt
  if grep -q "event=cache-corrupt" "$K/corrupt.log" && ls "$K"/cache.bin.corrupt-* >/dev/null 2>&1; then
    ok "a corrupt image is set aside and reported; the server runs"
  else nok "corrupt image: $(cat "$K/corrupt.log")"; fi
  _ps_kill_now
}

# Exim 4.96 as a sender with README.md's ${readsocket} snippet, in its own
# mount namespace inside the stack's: Exim runs as the compiled-in user
# Debian-exim (given a passwd line there) and re-execs /usr/sbin/exim4
# (the unpacked folder is bound there).
_ps_exim() {
  if [ ! -x "${PS_EXIM:-}/root/usr/sbin/exim4" ]; then nok "exim: not fetched"; return; fi
  local X=$STACK_DIR/exim d
  mkdir -p "$X/spool" "$X/log"
  { cat /etc/passwd; echo 'Debian-exim:x:64999:64999::/nonexistent:/usr/sbin/nologin'; } >"$X/passwd"
  { cat /etc/group; echo 'Debian-exim:x:64999:'; } >"$X/group"
  chown -R 64999:64999 "$X/spool" "$X/log"
  cat >"$X/exim.conf" <<EOF
keep_environment =
spool_directory = $X/spool
log_file_path = $X/log/%slog
primary_hostname = sender.example.test
qualify_domain = sender.example.test
domainlist local_domains =
trusted_users = root
dns_dnssec_ok = 1
MTASTS = \${readsocket{inet:127.0.0.1:8462}{\$domain\\n}{5s}{}{temp}}

begin routers
dnslookup:
  driver = dnslookup
  dnssec_request_domains = *
  transport = remote_smtp
  no_more

begin transports
remote_smtp:
  driver = smtp
  hosts_try_dane = *
  hosts_require_dane = \${if match{MTASTS}{\\N^dane-only\\N}{*}{}}
  hosts_require_tls = \${if match{MTASTS}{\\N^(secure |temp)\\N}{*}{}}
  tls_verify_hosts = \${if match{MTASTS}{\\N^(secure |temp)\\N}{*}{}}
  tls_verify_cert_hostnames = \${if match{MTASTS}{\\N^(secure |temp)\\N}{*}{}}
  tls_verify_certificates = $STACK_SMTP_ROOT

begin retry
*  *  F,1d,10m
EOF
  cat >"$X/exim.sh" <<EOF
#!/bin/sh
mount --bind $X/passwd /etc/passwd && mount --bind $X/group /etc/group &&
  mount --bind $PS_EXIM/root/usr/sbin /usr/sbin || exit 70
exec /usr/sbin/exim4 -C $X/exim.conf "\$@"
EOF
  chmod +x "$X/exim.sh"
  postconf -c "$STACK_PF_CONF" -e default_transport=discard relay_transport=discard
  stack_postfix_settle
  stack_exec postfix -c "$STACK_PF_CONF" reload >/dev/null 2>&1
  for d in sts ta dual wrong bogusmx nopolicy; do
    printf 'Subject: exim %s\n\ntest\n' "$d" |
      stack_exec unshare -m "$X/exim.sh" -odq -f sender@sender.example.test "user@$d.example.test"
  done
  stack_exec unshare -m "$X/exim.sh" -qff || true
  _ps_exim_expect() { # DOMAIN WANT(=>|==) PATTERN WHAT
    local line
    line=$(grep -m1 " $2 user@$1.example.test" "$X/log/mainlog" || true)
    if [ -n "$line" ] && [[ "$line" == *$3* ]]; then ok "exim $1: $4"
    else nok "exim $1: want '$2 ... $3': $(grep "user@$1" "$X/log/mainlog" | tail -1)"; fi
  }
  _ps_exim_expect sts "=>" "CV=yes" "delivered, certificate verified (enforce policy)"
  _ps_exim_expect ta "=>" "CV=dane" "delivered under Exim's DANE (DANE-TA)"
  _ps_exim_expect dual "=>" "CV=dane" "delivered under Exim's DANE (DANE-EE)"
  _ps_exim_expect wrong "==" "defer" "deferred (DANE: the TLSA record matches no certificate)"
  _ps_exim_expect bogusmx "==" "defer" "deferred (bogus MX)"
  _ps_exim_expect nopolicy "=>" "C=" "delivered (no MTA-STS)"
  _ps_restore_receiver
}
