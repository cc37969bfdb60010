// The wasm package's budgets (issue #13 item 5), printed with PASS or MISS:
//   - the .wasm after wasm-opt: at most 200 KiB, at most 80 KiB gzipped;
//   - DANE-EE 3 1 1 through the package in Node, on DER Uint8Array input:
//     within 2x of the same work native with sha2's portable backend (the
//     native figure with the default, hardware-SHA build beside it), and
//     faster than crypto.X509Certificate + createHash of the SPKI;
//   - MTA-STS policy parse + match likewise, against a hand-written JS
//     parser.
// Medians of 15 batches of at least 20 ms, all in one run; ratios are
// printed, never asserted.
//
//   node bench.mjs PKG_DIR NATIVE_PORTABLE_JSON NATIVE_DEFAULT_JSON [SIZES_TXT [VARIANTS_TSV]]
import { readFileSync } from "node:fs";
import { X509Certificate, createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import { join } from "node:path";
import os from "node:os";

const [pkg, portableFile, defaultFile, sizesFile, variantsFile] = process.argv.slice(2);
const m = await import(join(pkg, "node.js"));
const portable = JSON.parse(readFileSync(portableFile, "utf8"));
const hardware = JSON.parse(readFileSync(defaultFile, "utf8"));
const repo = new URL("../..", import.meta.url).pathname;
const fixture = (name) => new Uint8Array(readFileSync(join(repo, "tests/fixtures/dane", `${name}.der`)));

function medianNs(op) {
  for (let i = 0; i < 200; i++) op();
  let perBatch = 1;
  for (;;) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < perBatch; i++) op();
    if (Number(process.hrtime.bigint() - start) >= 20e6) break;
    perBatch *= 2;
  }
  const samples = [];
  for (let b = 0; b < 15; b++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < perBatch; i++) op();
    samples.push(Number(process.hrtime.bigint() - start) / perBatch);
  }
  samples.sort((a, b) => a - b);
  return samples[7];
}

const fmt = (ns) => (ns >= 1e6 ? `${(ns / 1e6).toFixed(2)} ms` : ns >= 1e4 ? `${(ns / 1e3).toFixed(1)} µs` : `${Math.round(ns)} ns`);
const verdict = (ok) => (ok ? "PASS" : "MISS");
const rows = [];
const budgets = [];

// What a Node developer writes for 3 1 1 without mxtrust: parse the leaf
// with OpenSSL, export its key as SPKI DER, hash it, compare.
function nodeDaneEe(leaf, expected) {
  const spki = new X509Certificate(leaf).publicKey.export({ type: "spki", format: "der" });
  return createHash("sha256").update(spki).digest().equals(expected);
}

for (const [name, leafName, intName] of [["p256", "p256-leaf", "p256-int"], ["rsa2048", "rsa-leaf", "rsa-int"]]) {
  const chain = [fixture(leafName), fixture(intName)];
  const record = m.generateTlsa({ chain: [chain[0]] })[0];
  const expected = Buffer.from(record.data, "hex");
  const options = { chain, tlsa: record.record, names: "mx.example.test", time: 1795870800 };
  if (m.verifyDane(options).outcome !== "authenticated" || !nodeDaneEe(chain[0], expected)) throw new Error(`${name}: not authenticated`);
  const workload = `dane ${name} 3 1 1`;
  const pkgNs = medianNs(() => m.verifyDane(options));
  const nodeNs = medianNs(() => nodeDaneEe(chain[0], expected));
  const nativePortable = portable.ops[workload];
  const nativeDefault = hardware.ops[workload];
  rows.push([workload, "mxtrust package verifyDane (Node, wasm)", pkgNs, ""]);
  rows.push([workload, "native, same work (report + JSON), sha2 portable", nativePortable.report, ""]);
  rows.push([workload, `native, same work, sha2 default${hardware.sha_ni ? " (SHA-NI)" : ""}`, nativeDefault.report, ""]);
  rows.push([workload, "native dane::verify alone, sha2 portable", nativePortable.core, ""]);
  rows.push([workload, `native dane::verify alone, sha2 default${hardware.sha_ni ? " (SHA-NI)" : ""}`, nativeDefault.core, ""]);
  rows.push([workload, "Node crypto.X509Certificate + createHash of the SPKI", nodeNs, ""]);
  const ratio = pkgNs / nativePortable.report;
  budgets.push(`${workload}: package ${fmt(pkgNs)} = ${ratio.toFixed(2)}x native portable ${fmt(nativePortable.report)} (budget <= 2x) ${verdict(ratio <= 2)}; ` +
    `${(nodeNs / pkgNs).toFixed(2)}x faster than X509Certificate + createHash ${fmt(nodeNs)} ${verdict(pkgNs < nodeNs)}` +
    ` [native default ${fmt(nativeDefault.report)}; verdict alone ${fmt(nativePortable.core)} portable, ${fmt(nativeDefault.core)} default]`);
}

// What a Node developer writes for a policy: split lines, take the first
// value of each key, check the three required fields, match mx patterns.
function jsPolicyAllows(text, host) {
  const fields = {};
  const mx = [];
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon < 0) continue;
    const key = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (key === "mx") mx.push(value.toLowerCase());
    else if (!(key in fields)) fields[key] = value;
  }
  if (fields.version !== "STSv1" || !["enforce", "testing", "none"].includes(fields.mode) || !/^\d{1,10}$/.test(fields.max_age ?? "")) {
    throw new Error("invalid policy");
  }
  const h = host.toLowerCase().replace(/\.$/, "");
  const dot = h.indexOf(".");
  return mx.some((p) => (p.startsWith("*.") ? dot > 0 && h.slice(dot + 1) === p.slice(2) : h === p));
}

{
  const workload = "policy 3 mx, parse + match";
  const body = "version: STSv1\r\nmode: enforce\r\nmx: mx1.example.com\r\nmx: mx2.example.com\r\nmx: *.example.net\r\nmax_age: 604800\r\n";
  const host = "mx2.example.net";
  if (!m.policyAllowsMx(body, host) || !jsPolicyAllows(body, host)) throw new Error("policy: not allowed");
  const allowsNs = medianNs(() => m.policyAllowsMx(body, host));
  const reportNs = medianNs(() => m.parsePolicy(body, [host]));
  const jsNs = medianNs(() => jsPolicyAllows(body, host));
  const p = portable.ops[workload];
  const d = hardware.ops[workload];
  rows.push([workload, "mxtrust package policyAllowsMx (Node, wasm)", allowsNs, ""]);
  rows.push([workload, "mxtrust package parsePolicy, the report (Node, wasm)", reportNs, ""]);
  rows.push([workload, "native, same work as policyAllowsMx", p.allows, ""]);
  rows.push([workload, "native, same work as parsePolicy (report + JSON)", p.report, ""]);
  rows.push([workload, "hand-written JS parser + match", jsNs, ""]);
  budgets.push(`${workload}: policyAllowsMx ${fmt(allowsNs)} = ${(allowsNs / p.allows).toFixed(2)}x native ${fmt(p.allows)} (budget <= 2x) ${verdict(allowsNs / p.allows <= 2)}; ` +
    `vs hand-written JS ${fmt(jsNs)}: ${jsNs > allowsNs ? `${(jsNs / allowsNs).toFixed(2)}x faster` : `${(allowsNs / jsNs).toFixed(2)}x slower`} ${verdict(allowsNs < jsNs)}` +
    ` [parsePolicy ${fmt(reportNs)} = ${(reportNs / p.report).toFixed(2)}x native ${fmt(p.report)}; native default build ${fmt(d.allows)}]`);
}

const wasm = readFileSync(join(pkg, "mxtrust_bg.wasm"));
const gzipped = gzipSync(wasm, { level: 9 }).length;
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
budgets.unshift(
  `.wasm after wasm-opt -Oz: ${wasm.length} octets (${kib(wasm.length)}; budget 200 KiB) ${verdict(wasm.length <= 200 * 1024)}; ` +
    `gzip -9: ${gzipped} octets (${kib(gzipped)}; budget 80 KiB) ${verdict(gzipped <= 80 * 1024)}`,
);

console.log(`${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC; ${os.cpus().length} cores, ${os.cpus()[0].model}; Node ${process.version}; native: ${hardware.sha_ni ? "CPU has SHA-NI" : "CPU without SHA-NI"}\n`);
console.log("| workload | implementation | median time/op |");
console.log("|---|---|---:|");
for (const [w, impl, ns] of rows) console.log(`| ${w} | ${impl} | ${fmt(ns)} |`);
console.log("\n### Budgets\n");
for (const b of budgets) console.log(`- ${b}`);
if (sizesFile) {
  console.log("\n### Size by crate (wasm-opt -Oz with names kept; benches/wasm/wasm_size.py)\n");
  console.log("```text\n" + readFileSync(sizesFile, "utf8").trimEnd() + "\n```");
}
if (variantsFile) {
  console.log("\n### What a part costs: feature-reduced builds (wasm-opt -Oz, stripped)\n");
  console.log("| build | octets | gzip -9 | difference |");
  console.log("|---|---:|---:|---:|");
  console.log(`| the package | ${wasm.length} | ${gzipped} | |`);
  for (const line of readFileSync(variantsFile, "utf8").trim().split("\n")) {
    const [label, file] = line.split("\t");
    const variant = readFileSync(file);
    const gz = gzipSync(variant, { level: 9 }).length;
    console.log(`| ${label} | ${variant.length} | ${gz} | ${variant.length - wasm.length} (${gz - gzipped} gzipped) |`);
  }
}
