#!/usr/bin/env bash
# Seeds the fuzz corpora (fuzz/corpus/TARGET/, git-ignored) from the DANE
# fixtures: the certificates themselves, TLSA records for them in wire and
# presentation form, and name pairs. Idempotent; needs the openssl command.
set -euo pipefail
cd "$(dirname "$0")"
fixtures=../tests/fixtures/dane
for target in tlsa_rdata tlsa_text certificate dane_verify name_match \
  sts_txt tlsrpt_txt sts_policy cache_import; do
  mkdir -p "corpus/$target"
done

spki() { openssl x509 -inform DER -in "$1" -noout -pubkey | openssl pkey -pubin -outform DER; }
hexof() { od -An -v -tx1 | tr -d ' \n'; }

for der in "$fixtures"/*.der; do
  name=$(basename "$der" .der)
  cp "$der" "corpus/certificate/$name"
  cp "$der" "corpus/dane_verify/$name"
  # Wire RDATA: 3 1 1 (SHA-256 of the SPKI), 2 0 2 (SHA-512 of the
  # certificate), 2 1 0 (the SPKI itself) and 2 0 0 (the certificate).
  { printf '\003\001\001'; spki "$der" | openssl dgst -sha256 -binary; } >"corpus/tlsa_rdata/$name-311"
  { printf '\002\000\002'; openssl dgst -sha512 -binary "$der"; } >"corpus/tlsa_rdata/$name-202"
  { printf '\002\001\000'; spki "$der"; } >"corpus/tlsa_rdata/$name-210"
  { printf '\002\000\000'; cat "$der"; } >"corpus/tlsa_rdata/$name-200"
  # Presentation form, plain and as a zone-file line.
  printf '3 1 1 %s\n' "$(spki "$der" | openssl dgst -sha256 -binary | hexof)" \
    >"corpus/tlsa_text/$name-311"
  printf '_25._tcp.mx.example.test. 3600 IN TLSA ( 2 0 2\n %s ) ; %s\n' \
    "$(openssl dgst -sha512 -binary "$der" | hexof)" "$name" >"corpus/tlsa_text/$name-202"
done
# An RRset as length-prefixed RDATA (the second half of tlsa_rdata):
# 3 1 1 and 3 1 2 for one key, and an unusable 1 1 1.
leaf=$fixtures/p256-leaf.der
{
  printf '\043\003\001\001'; spki "$leaf" | openssl dgst -sha256 -binary
  printf '\103\003\001\002'; spki "$leaf" | openssl dgst -sha512 -binary
  printf '\043\001\001\001'; spki "$leaf" | openssl dgst -sha256 -binary
} >corpus/tlsa_rdata/rrset
printf '%s\n' '_25._tcp.mx.example.test. IN TYPE52 \# 5 0301010a0b' >corpus/tlsa_text/generic
printf '3 1 1 ( 0a0b0c0d\n 0e0f )\n' >corpus/tlsa_text/parens
printf 'mx tlsa 255 255 255 ff\n' >corpus/tlsa_text/private
printf 'mx.example.test\000*.example.test' >corpus/name_match/wildcard
printf '.example.test\000mx.EXAMPLE.test.' >corpus/name_match/parent
printf 'a.b.example.test\000*.example.test' >corpus/name_match/two-labels
printf '_25._tcp.mx.example.test.\000mx*.example.test' >corpus/name_match/partial
# MTA-STS: TXT records (records split by LF, strings by TAB), policy
# bodies (optionally `host NUL body`) and the same bodies for the cache.
printf 'v=STSv1; id=20260101T000000\nv=spf1 -all' >corpus/sts_txt/two
printf 'v=STSv1;\t id=abc123;  ext=1' >corpus/sts_txt/strings
printf 'v=TLSRPTv1; rua=mailto:tlsrpt@example.test,https://r.example.test/v1' >corpus/tlsrpt_txt/rua
printf 'v=TLSRPTv1;\trua=mailto:a@example.test\nv=TLSRPTv1; rua=mailto:b@example.test' >corpus/tlsrpt_txt/two
cp ../examples/mta-sts.txt corpus/sts_policy/example
cp ../examples/mta-sts.txt corpus/cache_import/example
printf 'mx1.example.test\000version: STSv1\r\nmode: testing\r\nmx: *.example.test\r\nmax_age: 86400\r\n' \
  >corpus/sts_policy/crlf
printf 'version: STSv1\nmode: enforce\nmx: mx.example.test\nmx: *.example.test\nmax_age: 604800\n' \
  >corpus/cache_import/enforce
echo "seeded: $(find corpus -type f | wc -l) files"
