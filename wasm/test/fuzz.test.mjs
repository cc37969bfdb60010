// A thousand random or mutated inputs (FUZZ_ITERATIONS for more, FUZZ_SEED
// to replay): every call returns or throws an MxtrustError; a wasm trap
// (RuntimeError: unreachable) or any other exception fails.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as m from "mxtrust";
import * as f from "./fixtures.mjs";

const iterations = Number(process.env.FUZZ_ITERATIONS ?? 1000);
const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);

// mulberry32: small, seeded, reproducible.
let state = seed >>> 0;
function random() {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
}
const int = (n) => Math.floor(random() * n);
const pick = (list) => list[int(list.length)];

const enc = new TextEncoder();
const dec = new TextDecoder();
const seeds = [
  f.rsaChain, f.p256Chain, f.rsaTlsa, f.digAnswer, f.rolloverTlsa, f.policy, f.csr,
  "v=STSv1; id=20261128T130000", "v=TLSRPTv1; rua=mailto:a@example.com",
  "3 1 1 fc1d3a0b1a588d2a42f8b18ed13ad2df697708fce6554c9bd891e45b495c849b",
];
const seedBytes = [...seeds.map((s) => enc.encode(s)), f.der("rsa-leaf"), f.der("p256-int"), f.der("p256-root")];

/** Flips, inserts, deletes, duplicates or truncates octets. */
function mutate(bytes) {
  const out = Array.from(bytes);
  for (let n = 1 + int(8); n > 0; n--) {
    const i = int(out.length + 1);
    switch (int(6)) {
      case 0: out[i] = (out[i] ?? 0) ^ (1 << int(8)); break;
      case 1: out.splice(i, 0, int(256)); break;
      case 2: out.splice(i, 1 + int(16)); break;
      case 3: out.splice(i, 0, ...out.slice(int(out.length), int(out.length) + int(64))); break;
      case 4: out.length = int(out.length + 1); break;
      default: out.splice(i, 0, ...enc.encode(pick(["\n", "\r", "-----BEGIN CERTIFICATE-----\n", " (", ")", ";", '"', "\\", "*.", ".", "\u0000", "\u{1F600}", "0".repeat(64)])));
    }
  }
  return new Uint8Array(out.map((b) => b & 0xff));
}

function randomString() {
  if (random() < 0.6) return dec.decode(mutate(pick(seedBytes)));
  const alphabet = "abcxyz019 .-_*:;=\n\r\t\"\\()$@#/\u00e9\u0000\ud800";
  return Array.from({ length: int(80) }, () => alphabet[int(alphabet.length)]).join("");
}

function randomValue(depth = 0) {
  switch (int(depth > 2 ? 8 : 12)) {
    case 0: return undefined;
    case 1: return null;
    case 2: return pick([0, -1, 1.5, NaN, Infinity, 2 ** 53, 25, 255, 256, 65536, -0]);
    case 3: return random() < 0.5;
    case 4: return randomString();
    case 5: return mutate(pick(seedBytes));
    case 6: return pick(seeds);
    case 7: return pick([new Date(NaN), new Date(0), 10n, Symbol("s"), () => 1, new ArrayBuffer(3)]);
    case 8: return Array.from({ length: int(5) }, () => randomValue(depth + 1));
    case 9: return Object.fromEntries(Array.from({ length: int(6) }, () => [pick(KEYS), randomValue(depth + 1)]));
    case 10: return new Proxy({}, { get() { throw new Error("hostile getter"); } });
    default: return new Proxy([1, 2], { get() { throw new Error("hostile array"); } });
  }
}

const KEYS = [
  "chain", "tlsa", "names", "time", "profile", "digestPreference", "eeNameChecks", "trustAnchors", "port", "proto",
  "dnssecUnchecked", "publicKey", "csr", "usage", "selector", "matchingType", "host", "owner", "policy", "mx", "roots",
  "mxRrset", "addresses", "tlsaUsability", "sts", "mode", "mxAllowed", "url", "status", "contentType", "bodyLength",
  "mxHost", "cnames", "firstLookup", "protocol", "capacity", "textCapacity", "key", "seed", "shuffle", "preference", "exchange",
];

/** Options that are mostly valid, with one field replaced or mutated. */
function nearlyValid(base) {
  const o = { ...base };
  const key = pick([...Object.keys(base), pick(KEYS)]);
  const v = o[key];
  o[key] = typeof v === "string" && random() < 0.7 ? dec.decode(mutate(enc.encode(v))) : v instanceof Uint8Array ? mutate(v) : randomValue();
  return o;
}

const cache = new m.PolicyCache({ capacity: 4, textCapacity: 256, key: new Uint8Array(16) });
const calls = [
  () => m.verifyDane(nearlyValid({ chain: pick([f.rsaChain, f.p256Chain, f.der("rsa-leaf")]), tlsa: pick([f.rsaTlsa, f.digAnswer, f.rolloverTlsa]), names: "mx.example.test", time: f.AT })),
  () => m.verifyDane(randomValue()),
  () => m.generateTlsa(nearlyValid(pick([{ chain: f.rsaChain }, { csr: f.csr }, { publicKey: f.der("p256-root") }]))),
  () => m.parseTlsa(randomString(), random() < 0.5 ? undefined : randomValue()),
  () => m.parsePolicy(random() < 0.5 ? randomString() : mutate(enc.encode(f.policy)), randomValue()),
  () => m.policyAllowsMx(dec.decode(mutate(enc.encode(f.policy))), randomString()),
  () => m.checkSts(nearlyValid({ policy: f.policy, chain: f.p256Chain, mx: "mx.example.test", roots: [f.der("p256-root")], time: f.AT })),
  () => m.parseStsRecord(random() < 0.5 ? randomString() : randomValue()),
  () => m.parseTlsrptRecord(random() < 0.5 ? [randomString(), randomString()] : randomValue()),
  () => m.decide(nearlyValid({ mxRrset: "secure", addresses: "secure", tlsa: "secure-with-records", tlsaUsability: "some-usable", sts: { mode: "enforce", mxAllowed: true } })),
  () => m.policyUrl(randomString()),
  () => m.isPolicyUrl(randomString(), randomString()),
  () => m.checkPolicyResponse(randomString(), nearlyValid({ url: "https://mta-sts.example.com/.well-known/mta-sts.txt", status: 200, contentType: "text/plain", bodyLength: 10 })),
  () => m.policyFetchFailure(random() < 0.5 ? pick(["timeout", "certificate-invalid", randomString()]) : randomValue(), random() < 0.5 ? randomString() : randomValue()),
  () => m.weakerDnssecStatus(pick(["secure", "bogus", randomString()]), randomValue()),
  () => m.tlsaStatus(pick(["secure", "bogus", randomString()]), random() < 0.5 ? pick([true, false, null]) : randomValue()),
  () => m.mxStsState(random() < 0.5 ? dec.decode(mutate(enc.encode(f.policy))) : randomValue(), randomString()),
  () => m.mxHosts(randomString(), random() < 0.5 ? [nearlyValid({ preference: 10, exchange: "mx.example.com" })] : randomValue(), randomValue()),
  () => m.tlsaBaseDomains(nearlyValid({ mxHost: "mx.example.com", cnames: [{ owner: "mx.example.com", target: "x.example.net", status: "secure" }], addresses: "secure", firstLookup: "secure-empty" })),
  () => m.tlsaOwnerName(randomString(), randomValue()),
  () => cache.store(randomString(), pick(["1", randomString()]), dec.decode(mutate(enc.encode(f.policy))), int(10 ** 7)),
  () => cache.lookup(randomString(), randomValue()),
  () => cache.recordFailure(randomString(), "1", int(10 ** 7)),
  () => cache.import(mutate(cache.export())),
  () => new m.PolicyCache(nearlyValid({ capacity: 4, key: new Uint8Array(16) })).free(),
];

test(`${iterations} random and mutated inputs, seed ${seed}: no trap`, () => {
  let errors = 0;
  for (let i = 0; i < iterations; i++) {
    const call = calls[i % calls.length];
    try {
      call();
    } catch (e) {
      if (!(e instanceof m.MxtrustError)) {
        assert.fail(`iteration ${i} (FUZZ_SEED=${seed}): ${e instanceof WebAssembly.RuntimeError ? "wasm trap" : "not an MxtrustError"}: ${e?.stack ?? e}`);
      }
      assert.match(e.code, /^[a-z0-9-]+$/);
      errors++;
    }
  }
  // The module still works after all of it.
  assert.equal(m.verifyDane({ chain: f.rsaChain, tlsa: f.rsaTlsa, names: "mx.example.test", time: f.AT }).outcome, "authenticated");
  console.log(`# ${iterations} calls, ${errors} MxtrustErrors, seed ${seed}`);
});
