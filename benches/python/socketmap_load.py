"""Concurrent socketmap lookups against a policy server (benches/policy-server.sh).

socketmap_load.py PORT NAME CONCURRENCY ROUNDS DOMAIN...: warms the cache
with one lookup per domain, then runs ROUNDS rounds of CONCURRENCY lookups
at once (each its own connection, as many Postfix smtp processes would),
and prints one JSON line: p50/p99 latency in microseconds, lookups per
second over the timed rounds, and the answers seen.
"""
import asyncio
import json
import sys
import time


def netstring(s):
    b = s.encode()
    return b"%d:%s," % (len(b), b)


async def lookup(port, name, domain):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    t0 = time.perf_counter()
    writer.write(netstring(f"{name} {domain}"))
    await writer.drain()
    head = await reader.readuntil(b":")
    n = int(head[:-1])
    body = await reader.readexactly(n + 1)
    t1 = time.perf_counter()
    writer.close()
    return t1 - t0, body[:-1].decode()


async def main():
    port, name, conc, rounds = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    domains = sys.argv[5:]
    for d in domains:
        await lookup(port, name, d)
    lat, answers = [], {}
    start = time.perf_counter()
    for _ in range(rounds):
        results = await asyncio.gather(
            *(lookup(port, name, domains[i % len(domains)]) for i in range(conc))
        )
        for i, (dt, answer) in enumerate(results):
            lat.append(dt)
            answers[domains[i % len(domains)]] = answer
    elapsed = time.perf_counter() - start
    lat.sort()
    print(json.dumps({
        "lookups": len(lat),
        "p50_us": round(lat[len(lat) // 2] * 1e6),
        "p99_us": round(lat[int(len(lat) * 0.99)] * 1e6),
        "per_second": round(len(lat) / elapsed),
        "answers": answers,
    }))


asyncio.run(main())
