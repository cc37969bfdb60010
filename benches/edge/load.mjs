// A bounded load run against the edge worker (benches/edge-load.sh):
//
//   node load.mjs BASE CHAIN_PEM [REQUESTS] [CONCURRENCY] [both|dane|sts]
//
// Alternates POST /api/dane (a DANE-EE chain check, all in wasm) and
// GET /api/sts?domain=sts.example.test (one DoH query; the policy from the
// warm cache). Prints latency p50/p99 per endpoint and overall, requests per
// second and errors (any answer other than the expected 200 document).
import { readFileSync } from "node:fs";

const [base, chainFile, n = "2000", c = "32", mix = "both"] = process.argv.slice(2);
const total = Number(n);
const concurrency = Number(c);
const chain = readFileSync(chainFile, "utf8");

const check = await (await fetch(`${base}/api/check?domain=ee.example.test`)).json();
const tlsa = check.hosts[0].tlsa.records.map((r) => r.record);
const daneBody = JSON.stringify({ chain, tlsa, names: ["ee.example.test"] });
const warm = await (await fetch(`${base}/api/sts?domain=sts.example.test`)).json();
if (warm.policy?.mode !== "enforce") throw new Error("warm-up: no enforce policy");

const times = { dane: [], sts: [] };
let errors = 0;
let next = 0;
async function one(i) {
  const kind = mix === "both" ? (i % 2 ? "sts" : "dane") : mix;
  const t0 = performance.now();
  try {
    const res = kind === "dane"
      ? await fetch(`${base}/api/dane`, { method: "POST", body: daneBody, headers: { "content-type": "application/json" } })
      : await fetch(`${base}/api/sts?domain=sts.example.test`);
    const body = await res.json();
    const good = res.status === 200 && (kind === "dane" ? body.outcome === "authenticated" : body.cached === true && body.policy?.mode === "enforce");
    if (!good) errors++;
  } catch {
    errors++;
  }
  times[kind].push(performance.now() - t0);
}
const t0 = performance.now();
await Promise.all(Array.from({ length: concurrency }, async () => {
  while (next < total) await one(next++);
}));
const seconds = (performance.now() - t0) / 1000;

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const row = (name, xs) => !xs.length ? `${name.padEnd(9)}      0` : `${name.padEnd(9)} ${String(xs.length).padStart(6)} ${pct(xs, 50).toFixed(1).padStart(8)} ${pct(xs, 99).toFixed(1).padStart(8)}`;
console.log(`${total} requests at concurrency ${concurrency} in ${seconds.toFixed(2)} s: ${(total / seconds).toFixed(0)} requests/s, ${errors} errors`);
console.log(`endpoint  requests  p50 ms   p99 ms`);
console.log(row("/api/dane", times.dane));
console.log(row("/api/sts", times.sts));
console.log(row("all", [...times.dane, ...times.sts]));
process.exitCode = errors ? 1 : 0;
