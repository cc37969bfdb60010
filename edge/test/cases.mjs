// The edge worker's cases on the real stack (tests/stack/cases/edge.sh):
//
//   node cases.mjs BASE CHAIN_PEM
//
// BASE is http://ADDR (the worker on :8080, a refused DoH upstream on :8081,
// a silent one on :8082). Prints `ok WHAT` / `not ok WHAT: WHY` per
// assertion; edge.sh counts them. Every JSON answer is asserted.
import { readFileSync } from "node:fs";

const [base, chainFile] = process.argv.slice(2);
const chain = readFileSync(chainFile, "utf8");
const W = `${base}:8080`;

function say(pass, what, why) {
  console.log(pass ? `ok ${what}` : `not ok ${what}: ${why}`);
}

function at(value, path) {
  return path.split(".").reduce((v, k) => (v === undefined || v === null ? undefined : v[/^\d+$/.test(k) ? Number(k) : k]), value);
}

// expect(name, answer, { status, "path": want | (v) => bool })
function expect(name, answer, wants) {
  const bad = [];
  for (const [path, want] of Object.entries(wants)) {
    const got = path === "status" ? answer.status : at(answer.body, path);
    const pass = typeof want === "function" ? want(got) : JSON.stringify(got) === JSON.stringify(want);
    if (!pass) bad.push(`${path} = ${JSON.stringify(got)}, want ${typeof want === "function" ? want.toString() : JSON.stringify(want)}`);
  }
  const text = JSON.stringify(answer.body);
  if (/\bat [^ ]+ \(|\.js:\d+:\d+/.test(text)) bad.push("the answer holds a stack trace");
  say(bad.length === 0, name, bad.join("; "));
}

async function call(method, url, body, headers = {}) {
  const t0 = Date.now();
  const res = await fetch(url, { method, headers, body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body) });
  const text = await res.text();
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = { _text: text };
  }
  return { status: res.status, body: parsed, headers: res.headers, ms: Date.now() - t0 };
}
const get = (path, base_ = W) => call("GET", base_ + path);
const post = (path, body, headers) => call("POST", W + path, body, headers);
const secure = { rcode: "NOERROR", ad: true, status: "secure", source: "resolver-claim" };
const claim = (path, want) => Object.fromEntries(Object.entries(want).map(([k, v]) => [`${path}.${k}`, v]));

// ------------------------------------------------------------ /api/sts
{
  const a = await get("/api/sts?domain=sts.example.test");
  expect("sts: enforce policy fetched, valid, cached", a, {
    status: 200, ...claim("dns", secure), "dns.name": "_mta-sts.sts.example.test",
    "record.found": true, "record.id": "20261128T000000", cached: false,
    policy_url: "https://mta-sts.sts.example.test/.well-known/mta-sts.txt",
    "fetch.status": 200, "fetch.content_type": "text/plain", "fetch.size": 65, "fetch.truncated": false, "fetch.ok": true,
    "policy.valid": true, "policy.mode": "enforce", "policy.max_age": 86400, "policy.mx": ["sts.example.test"],
    "result.code": "policy", "result.tlsrpt_result_type": null, "cache.status": "fresh",
    "cache.expires_at": (v) => Math.abs(v - (Date.now() / 1000 + 86400)) < 60,
  });
  const b = await get("/api/sts?domain=sts.example.test");
  expect("sts: the second answer comes from the cache (same id, within max_age)", b, {
    status: 200, cached: true, "policy.mode": "enforce", "fetch.status": 200, "cache.expires_at": a.body.cache.expires_at,
  });
  expect("sts: a trailing dot and capitals name the same domain", await get("/api/sts?domain=STS.Example.Test."), { status: 200, domain: "sts.example.test", cached: true });
}
expect("sts: testing policy", await get("/api/sts?domain=testing.example.test"), {
  status: 200, "policy.valid": true, "policy.mode": "testing", "policy.mx": ["*.example.test"], "fetch.status": 200, "result.code": "policy",
});
const failures = [
  ["404", "nopolicy", { "fetch.status": 404, "fetch.size": 0, "result.code": "http-status-not-200", "result.tlsrpt_result_type": "sts-policy-fetch-error" }],
  ["301 not followed", "redirect", { "fetch.status": 301, "fetch.url": "https://mta-sts.redirect.example.test/.well-known/mta-sts.txt", "result.code": "http-status-not-200", "result.tlsrpt_result_type": "sts-policy-fetch-error" }],
  ["text/html", "html", { "fetch.status": 200, "fetch.content_type": "text/html; charset=utf-8", "result.code": "wrong-media-type", "result.tlsrpt_result_type": "sts-policy-invalid" }],
  ["100 KB body stops at 64 KB", "big", { "fetch.status": 200, "fetch.size": 65536, "fetch.truncated": true, "result.code": "too-large", "result.tlsrpt_result_type": "sts-policy-invalid" }],
  ["a certificate that does not name the policy host", "badcert", { "fetch.status": null, "result.code": "certificate-invalid", "result.tlsrpt_result_type": "sts-webpki-invalid", "result.reason": (r) => /TLS handshake/.test(r) }],
  ["slow answer times out", "slow", { "fetch.status": null, "result.code": "timeout", "result.tlsrpt_result_type": "sts-policy-fetch-error" }],
];
for (const [what, d, wants] of failures) {
  const a = await get(`/api/sts?domain=${d}.example.test`);
  expect(`sts: ${what} is a typed finding`, a, {
    status: 200, "record.found": true, "fetch.ok": false, policy: null, "result.sender": "no-policy", "cache.status": "absent", ...wants,
    "fetch.failure.code": a.body.result && a.body.result.code,
  });
  if (d === "slow") say(a.ms < 4000, "sts: the slow host costs the timeout (2 s), not its 5 s", `${a.ms} ms`);
  if (d === "nopolicy") {
    expect("sts: a failed fetch backs off (the failure is answered again, not refetched)", await get(`/api/sts?domain=${d}.example.test`), {
      status: 200, cached: true, "result.code": "http-status-not-200", "cache.back_off_until": (v) => v > Date.now() / 1000,
    });
  }
}
expect("sts: unsigned zone without a record: no policy", await get("/api/sts?domain=insecure.test"), {
  status: 200, "dns.rcode": "NXDOMAIN", "dns.ad": false, "dns.status": "insecure", "record.found": false, "record.unavailable": "no-record",
  fetch: null, policy: null, "result.code": "no-policy",
});
expect("sts: secure NXDOMAIN", await get("/api/sts?domain=nx.example.test"), {
  status: 200, "dns.rcode": "NXDOMAIN", "dns.ad": true, "dns.status": "secure", "record.found": false, "result.code": "no-policy",
});

// ---------------------------------------------------------- /api/check
const host0 = (h, wants) => Object.fromEntries(Object.entries(wants).map(([k, v]) => [`hosts.0.${k}`, v]));
const checks = [
  ["DANE-EE host, DANE before the policy that lists another MX", "ee.example.test", {
    "mx.route": "hosts", ...claim("mx.dns", secure), "hosts.length": 1,
    ...host0(0, { host: "ee.example.test", "addresses.status": "secure", "tlsa.name": "_25._tcp.ee.example.test", "tlsa.state": "secure-with-records",
      "tlsa.lookups.0.ad": true, "tlsa.records.length": 1, "sts.mode": "enforce", "sts.mx_allowed": false, "decision.action": "require-dane", dane: null }),
  }],
  ["DANE-TA host", "ta.example.test", { ...host0(0, { "tlsa.state": "secure-with-records", "decision.action": "require-dane" }) }],
  ["bogus TLSA: defer", "bogus.example.test", { ...host0(0, { "tlsa.lookups.0.rcode": "SERVFAIL", "tlsa.lookups.0.ad": false, "tlsa.state": "lookup-error", "decision.action": "defer", "decision.tlsrpt_result_type": "dnssec-invalid" }) }],
  ["bogus MX RRset: defer, no host", "bogusmx.example.test", { "mx.dns.rcode": "SERVFAIL", "mx.route": "lookup-error", "mx.decision.action": "defer", "hosts.length": 0 }],
  ["unsigned zone: opportunistic, its TLSA ignored", "insecure.test", { "mx.dns.status": "insecure", ...host0(0, { host: "mx.insecure.test", "addresses.status": "insecure", "tlsa.state": "insecure", "tlsa.lookups.length": 0, "decision.action": "opportunistic" }) }],
  ["null MX", "nullmx.example.test", { "mx.route": "null-mx", "hosts.length": 0 }],
  ["no MX: the implicit MX", "implicit.example.test", { "mx.route": "implicit-mx", ...host0(0, { host: "implicit.example.test", "decision.action": "require-dane" }) }],
  ["NXDOMAIN", "nx.example.test", { "mx.route": "no-such-domain", "mx.dns.rcode": "NXDOMAIN", "mx.dns.ad": true, "hosts.length": 0 }],
  ["MTA-STS enforce, MX listed, and its TLSRPT record", "sts.example.test", {
    "tlsrpt.found": true, "tlsrpt.rua.0.uri": "mailto:tlsrpt@example.test", "tlsrpt_dns.ad": true, "sts.policy.mode": "enforce",
    ...host0(0, { "tlsa.state": "secure-empty", "sts.mx_allowed": true, "decision.action": "require-sts" }),
  }],
  ["MTA-STS testing", "testing.example.test", { ...host0(0, { "sts.mode": "testing", "sts.mx_allowed": true, "decision.action": "sts-testing" }) }],
  ["MTA-STS enforce, MX not listed: skipped", "mismatch.example.test", { ...host0(0, { "sts.mx_allowed": false, "decision.action": "skip-mx", "decision.tlsrpt_result_type": "validation-failure" }) }],
  ["policy 404: no policy, DNSSEC-secure without TLSA", "nopolicy.example.test", { "sts.result.code": "http-status-not-200", ...host0(0, { sts: null, "tlsa.state": "secure-empty", "decision.action": "opportunistic" }) }],
  ["CNAME'd MX: TLSA at the expanded name", "cname.example.test", { ...host0(0, { host: "alias.example.test", "tlsa.name": "_25._tcp.ta.example.test", "decision.action": "require-dane" }) }],
];
for (const [what, d, wants] of checks) {
  expect(`check: ${what}`, await get(`/api/check?domain=${d}`), {
    status: 200, domain: d, note: (v) => /resolver's claim/.test(v) && /port 25/.test(v), ...wants,
  });
}
{
  const a = await post("/api/check", { domain: "ee.example.test", chains: { "EE.example.test.": chain } });
  expect("check POST: the posted chain completes the DANE-EE verdict", a, {
    status: 200, ...host0(0, { "dane.outcome": "authenticated", "dane.usage": 3, "dane.tlsa_name": "_25._tcp.ee.example.test", "dane.records.0.status": "matched" }),
  });
  const lines = a.body.hosts[0].tlsa.records.map((r) => r.record);
  const c = await post("/api/check", { domain: "sts.example.test", chains: {} });
  expect("check POST: no chain for a host, and a host without TLSA", c, { status: 200, ...host0(0, { "dane.checked": false, "dane.reason": "no chain posted for this host" }) });
  const smtpRoot = readFileSync(process.env.STACK_SMTP_ROOT, "utf8");
  const s = await post("/api/check", { domain: "sts.example.test", chains: { "sts.example.test": chain }, roots: smtpRoot });
  expect("check POST: MTA-STS enforce, the chain checked against the given roots (RFC 8461 §4.2)", s, {
    status: 200, ...host0(0, { "dane.checked": false, "decision.action": "require-sts", "sts_certificate.outcome": "valid",
      "sts_certificate.certificate": "valid", "sts_certificate.action": "deliver", "sts_certificate.mx_allowed": true }),
  });
  const p = await post("/api/check", { domain: "sts.example.test", chains: { "sts.example.test": chain } });
  expect("check POST: the public roots do not trust the test chain", p, {
    status: 200, ...host0(0, { "sts_certificate.certificate": "invalid", "sts_certificate.action": "do-not-deliver",
      "sts_certificate.tlsrpt_result_type": (v) => typeof v === "string" && v.length > 0, "sts_certificate.trust_anchors.count": (n) => n > 100 }),
  });
  expect("check POST: DANE hosts get no MTA-STS certificate check", a, { ...host0(0, { "sts_certificate.checked": false }) });
  // The shape of `mxtrust check --json` (report/src/check/document.rs), as
  // the CLI writes it after connecting to port 25.
  const cli = {
    domain: "ee.example.test", outcome: "authenticated", findings: [], time: 1796000000,
    hosts: [{ host: "ee.example.test", preference: 10, decision: { action: "require-dane", description: "…", tlsrpt_result_type: null },
      connections: [{ address: "127.0.10.25", key_type: "ecdsa", verdict: "authenticated", reason: "DANE-EE matched", tlsrpt_result_type: null,
        tls: null, error: null, dane: { outcome: "authenticated" }, sts: null, chain: [] }] }],
  };
  expect("check POST: mxtrust check's verdicts imported per host", await post("/api/check", { domain: "ee.example.test", check: cli }), {
    status: 200, "imported.source": "mxtrust check --json", "imported.outcome": "authenticated",
    ...host0(0, { "imported.found": true, "imported.connections.0.verdict": "authenticated", "imported.connections.0.address": "127.0.10.25", "decision.action": "require-dane" }),
  });
  const long = Array(10).fill(chain.trim()).join("\n"); // 20 certificates: more than core's 16
  const ta = await post("/api/check", { domain: "ta.example.test", chains: { "ta.example.test": long } });
  expect("check POST: an over-long chain under DANE-TA gets core's chain-too-long", ta, {
    status: 200, ...host0(0, { "dane.outcome": "failed", "dane.failure_code": "chain-too-long" }),
  });

  // ---------------------------------------------------------- /api/dane
  expect("dane: the CLI's DANE report document", await post("/api/dane", { chain, tlsa: lines, names: ["ee.example.test"] }), {
    status: 200, outcome: "authenticated", record: 1, usage: 3, depth: 0, anchor: "presented", tlsa_name: "_25._tcp.ee.example.test",
    "records.0.status": "matched", "chain.length": 2, "chain.0.subject": "CN=mx.example.test", hints: [],
  });
  expect("dane: an over-long chain under DANE-EE still matches the leaf (RFC 7672 §3.1.1)", await post("/api/dane", { chain: long, tlsa: lines, names: "ee.example.test" }), {
    status: 200, outcome: "authenticated", usage: 3,
  });
  expect("dane: wrong data is a report, not an error", await post("/api/dane", { chain, tlsa: "3 1 1 " + "00".repeat(32), names: "ee.example.test" }), {
    status: 200, outcome: "failed", "records.0.status": "not-matched", tlsrpt_result_type: "certificate-not-trusted",
  });
}

// -------------------------------------------------------- /api/policy
expect("policy: parsed, with line-numbered problems and the record", await post("/api/policy", {
  policy: "version: STSv1\nmode: enforce\nmx: mx.example.test\nmax_age: 86400\nmx: *.bad*.example\n", mx: ["mx.example.test"], record: "v=STSv1; id=20261129;",
}), {
  status: 200, "policy.mode": "enforce", "policy.max_age": 86400, "policy.matches.0.allowed": true,
  "policy": (p) => p.errors.length + p.warnings.length > 0 && [...p.errors, ...p.warnings].every((e) => e.line >= 0 && e.kind && e.message),
  "record.found": true, "record.id": "20261129",
});
expect("policy: invalid mode", await post("/api/policy", { policy: "version: STSv1\nmode: strict\nmx: a.example\nmax_age: 1\n" }), {
  status: 200, "policy.valid": false, "policy.errors.0.line": 2, "policy.tlsrpt_result_type": "sts-policy-invalid",
});

// ------------------------------------------------- errors, CORS, pages
const errors = [
  ["no domain", () => get("/api/sts"), 400, "missing-domain"],
  ["not a domain", () => get("/api/check?domain=a..b"), 400, "invalid-domain"],
  ["not JSON", () => post("/api/dane", "{"), 400, "invalid-json"],
  ["a field missing", () => post("/api/dane", { chain }), 400, "missing-field"],
  ["a field of the wrong type", () => post("/api/policy", { policy: 7 }), 400, "invalid-field"],
  ["an unreadable chain", () => post("/api/dane", { chain: "junk", tlsa: "3 1 1 00", names: "a.example" }), 400, "not-pem-or-der"],
  ["TLSA out of range", () => post("/api/dane", { chain, tlsa: "3 1 1 00\n3 1 zz", names: "a.example" }), 400, "tlsa-field-out-of-range"],
  ["a body above 256 KB", () => post("/api/policy", JSON.stringify({ policy: "x".repeat(300000) })), 413, "body-too-large"],
  ["an unknown API", () => get("/api/nothing"), 404, "not-found"],
  ["mxtrust check's report of another domain", () => post("/api/check", { domain: "ee.example.test", check: { domain: "sts.example.test", hosts: [] } }), 400, "domain-mismatch"],
  ["not mxtrust check's report", () => post("/api/check", { domain: "ee.example.test", check: { nothing: 1 } }), 400, "invalid-field"],
  ["a wrong method", () => get("/api/dane"), 405, "method-not-allowed"],
  ["DoH upstream refuses: 502", () => get("/api/sts?domain=sts.example.test", `${base}:8081`), 502, "doh-unreachable"],
  ["DoH upstream silent: 504", () => get("/api/check?domain=sts.example.test", `${base}:8082`), 504, "doh-timeout"],
];
for (const [what, run, status, code] of errors) {
  const a = await run();
  expect(`error: ${what}`, a, { status, "error.code": code, "error.message": (m) => typeof m === "string" && m.length > 0 && !/\n\s+at /.test(m) });
}
{
  const o = "https://checker.example.test";
  const a = await call("GET", `${W}/api/sts?domain=sts.example.test`, undefined, { origin: o });
  say(a.headers.get("access-control-allow-origin") === o, "cors: a configured origin is allowed", a.headers.get("access-control-allow-origin"));
  const b = await call("GET", `${W}/api/sts?domain=sts.example.test`, undefined, { origin: "https://evil.example" });
  say(b.headers.get("access-control-allow-origin") === null, "cors: another origin gets no CORS header", b.headers.get("access-control-allow-origin"));
  const p = await call("OPTIONS", `${W}/api/dane`, undefined, { origin: o, "access-control-request-method": "POST" });
  say(p.status === 204 && /POST/.test(p.headers.get("access-control-allow-methods") || ""), "cors: preflight", `${p.status}`);
  const page = await call("GET", `${W}/`);
  say(page.status === 200 && /serves no checker page/.test(page.body._text), "page: the placeholder where no web/ page is served", `${page.status}`);
  const miss = await call("GET", `${W}/../Cargo.toml`);
  say(miss.status === 404, "page: nothing outside web/ is served", `${miss.status}`);
}
