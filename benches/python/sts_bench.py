#!/usr/bin/env python3
"""The MTA-STS peer: postfix-mta-sts-resolver's own parsers, timed in their
own process with their own loop. Prints JSON: ns/op and a verdict per
workload, in the encoding of benches/src/lib.rs, so that `compare` can check
that both sides reached the same answer on the same inputs.

What is timed, per workload:

- policy_N: what the resolver does with a fetched body of N mx lines
  (resolver.py, STSResolver.resolve, after the HTTP fetch): decode,
  utils.parse_mta_sts_policy, then the validation that resolve() performs
  inline (version, max_age range, mode, non-empty mx), then the match list
  the responder builds (responder.py: mx.lstrip('*') over set(mx)) and
  the match of one MX host against it. The resolver has no matcher of its
  own: Postfix matches `match=` in C. `postfix_match` below applies
  Postfix's rule (".domain" matches any subdomain) to the resolver's list.
- sts_txt: utils.parse_mta_sts_record on the _mta-sts TXT record and the
  check resolve() makes (v == STSv1, id present).

The inputs are built exactly as benches/src/lib.rs builds them.
"""
import json
import statistics
import sys
import time

from postfix_mta_sts_resolver.utils import parse_mta_sts_policy, parse_mta_sts_record

STS_HOST = "mx2.example.net"
STS_TXT = "v=STSv1; id=20250101T000000Z;"
MX_COUNTS = (1, 3, 32, 50)


def policy_body(mx_count):
    body = "version: STSv1\r\nmode: enforce\r\n"
    for i in range(1, mx_count):
        body += f"mx: mx{i}.mail.example.com\r\n"
    body += "mx: *.example.net\r\nmax_age: 604800\r\n"
    return body.encode("ascii")


def validate(pol):
    """The checks of STSResolver.resolve after parse_mta_sts_policy."""
    if pol.get("version", None) != "STSv1":
        return None
    try:
        max_age = int(pol.get("max_age", "-1"))
        pol["max_age"] = max_age
    except ValueError:
        return None
    if not 0 <= max_age <= 31557600:
        return None
    if "mode" not in pol:
        return None
    if pol["mode"] == "none":
        return pol
    if pol["mode"] not in ("none", "testing", "enforce"):
        return None
    if not pol["mx"]:
        return None
    return pol


def postfix_match(host, patterns):
    """Postfix's `match=` rule for the list the responder hands it."""
    host = host.lower().rstrip(".")
    for pattern in patterns:
        pattern = pattern.lower()
        if pattern.startswith("."):
            if host.endswith(pattern):
                return True
        elif host == pattern:
            return True
    return False


def policy_op(body, host):
    pol = validate(parse_mta_sts_policy(body.decode("ascii")))
    if pol is None:
        return 0
    mxlist = [mx.lstrip("*") for mx in set(pol["mx"])]
    return 2 if postfix_match(host, mxlist) else 1


def verdict_hash(parts):
    """benches/src/lib.rs verdict_hash: FNV-1a's step over each part's
    length and its octets eight at a time (little-endian, zero-padded)."""
    h = 0xCBF29CE484222325
    for part in parts:
        for word in [len(part)] + [
            int.from_bytes(part[i : i + 8], "little") for i in range(0, len(part), 8)
        ]:
            h = ((h ^ word) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def sts_txt_op(txt):
    rec = parse_mta_sts_record(txt)
    if rec.get("v", None) != "STSv1" or "id" not in rec:
        return 0
    return verdict_hash([rec["id"].encode("ascii")])


def median_ns(fn, *args):
    """Median over 15 batches of at least 10 ms each, like `compare`."""
    iters = 1
    while True:
        start = time.perf_counter_ns()
        for _ in range(iters):
            fn(*args)
        if time.perf_counter_ns() - start >= 10_000_000:
            break
        iters *= 2
    samples = []
    for _ in range(15):
        start = time.perf_counter_ns()
        for _ in range(iters):
            fn(*args)
        samples.append((time.perf_counter_ns() - start) / iters)
    return statistics.median(samples)


def main():
    results = {}
    counts = MX_COUNTS
    if len(sys.argv) > 2 and sys.argv[1] == "--mx-counts":
        counts = tuple(int(n) for n in sys.argv[2].split(","))
    for n in counts:
        body = policy_body(n)
        results[f"policy_{n}"] = {
            "ns_per_op": median_ns(policy_op, body, STS_HOST),
            "verdict": str(policy_op(body, STS_HOST)),
        }
    results["sts_txt"] = {
        "ns_per_op": median_ns(sts_txt_op, STS_TXT),
        "verdict": str(sts_txt_op(STS_TXT)),
    }
    json.dump({"python": sys.version.split()[0], "results": results}, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
