// Every function of the package, imported as a user imports it, with its
// documents and every error path. Run by wasm/test.sh from a fresh folder
// where the packed tarball is installed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as mxtrust from "mxtrust";
import {
  MxtrustError,
  PolicyCache,
  checkPolicyResponse,
  checkSts,
  decide,
  generateTlsa,
  isPolicyUrl,
  mxHosts,
  parsePolicy,
  parseStsRecord,
  parseTlsa,
  parseTlsrptRecord,
  policyAllowsMx,
  policyFetchFailure,
  weakerDnssecStatus,
  tlsaStatus,
  mxStsState,
  policyHost,
  policyUrl,
  tlsaBaseDomains,
  tlsaOwnerName,
  verifyDane,
  planDaneRollover,
  planStsRollover,
} from "mxtrust";
import roots, { source as rootsSource } from "mxtrust/roots";
import * as f from "./fixtures.mjs";

/** Asserts that `fn` throws an MxtrustError with `code` (and `line`). */
function throwsCode(fn, code, line) {
  assert.throws(fn, (e) => {
    assert.ok(e instanceof MxtrustError, `not an MxtrustError: ${e}`);
    assert.ok(e instanceof Error);
    assert.equal(e.name, "MxtrustError");
    assert.equal(e.code, code, e.message);
    assert.equal(typeof e.message, "string");
    if (line !== undefined) assert.equal(e.line, line);
    return true;
  });
}

const dane = (extra) => ({ chain: f.rsaChain, tlsa: f.rsaTlsa, names: "mx.example.test", time: f.AT, ...extra });

test("the package exports what its declarations declare", () => {
  const declared = [
    ...readFileSync(new URL(import.meta.resolve("mxtrust/package.json")).pathname.replace(/package\.json$/, "mxtrust.d.ts"), "utf8")
      .matchAll(/^export (?:declare )?(?:function|class) (\w+)/gm),
  ].map((m) => m[1]);
  const exported = Object.keys(mxtrust).filter((k) => k !== "default");
  assert.deepEqual(new Set(exported), new Set(declared));
  assert.equal(typeof mxtrust.default, "function");
});

test("verifyDane: PEM and zone text", () => {
  const r = verifyDane(dane());
  assert.equal(r.outcome, "authenticated");
  assert.equal(r.record, 1);
  assert.equal(r.usage, 3);
  assert.equal(r.depth, 0);
  assert.equal(r.anchor, "presented");
  assert.equal(r.time, f.AT_SECONDS);
  assert.equal(r.tlsa_name, "_25._tcp.mx.example.test");
  assert.deepEqual(r.records.map((x) => [x.source, x.status, x.dnssec]), [
    ["tlsa:5", "matched", "not-checked"],
    ["tlsa:8", "matched", "not-checked"],
  ]);
  assert.equal(r.chain.length, 2);
  assert.equal(r.chain[0].subject, "CN=mx.example.test,O=mxtrust tests");
  assert.equal(r.chain[0].key_type, "RSA");
});

test("verifyDane: every input form", () => {
  const ders = [f.der("rsa-leaf"), f.der("rsa-int")];
  const concatenated = new Uint8Array([...ders[0], ...ders[1]]);
  const leafKey = "fc1d3a0b1a588d2a42f8b18ed13ad2df697708fce6554c9bd891e45b495c849b";
  const hex = (s) => Uint8Array.from(s.match(/../g), (h) => parseInt(h, 16));
  // What `openssl s_client -connect mx:25 -starttls smtp -showcerts` prints.
  const sClient = `CONNECTED(00000003)\ndepth=1 CN = mxtrust test RSA intermediate\n---\nCertificate chain\n 0 s:CN = mx.example.test\n   i:CN = mxtrust test RSA intermediate\n${f.rsaChain}---\nServer certificate\nsubject=CN = mx.example.test\n---\n250 CHUNKING\n`;
  for (const chain of [ders, concatenated, concatenated.buffer, [f.rsaChain], Buffer.from(f.rsaChain), sClient]) {
    for (const tlsa of [
      `3 1 1 ${leafKey}`,
      [`3 1 1 ${leafKey}`],
      [`_25._tcp.mx.example.test. 300 IN TLSA 3 1 1 ${leafKey}`],
      { usage: 3, selector: 1, matchingType: 1, data: leafKey },
      [{ usage: 3, selector: 1, matchingType: 1, data: hex(leafKey) }],
      [new Uint8Array([3, 1, 1, ...hex(leafKey)])],
    ]) {
      const r = verifyDane({ chain, tlsa, names: ["mx.example.test"], time: f.AT_SECONDS });
      assert.equal(r.outcome, "authenticated", JSON.stringify({ tlsa }));
    }
  }
  const sources = verifyDane({ chain: ders, tlsa: [`3 1 1 ${leafKey}`, new Uint8Array([3, 1, 1, ...hex(leafKey)])], names: "mx.example.test" });
  assert.deepEqual(sources.records.map((r) => r.source), ["tlsa[0]", "tlsa[1]"]);
});

test("verifyDane: dig output is the resolver's claim, and refused without ad", () => {
  const r = verifyDane(dane({ tlsa: f.digAnswer }));
  assert.equal(r.outcome, "authenticated");
  assert.deepEqual(r.records.map((x) => x.dnssec), ["resolver-ad", "resolver-ad"]);
  const noAd = f.digAnswer.replace("flags: qr rd ra ad;", "flags: qr rd ra;");
  throwsCode(() => verifyDane(dane({ tlsa: noAd })), "dig-not-authenticated", 5);
  assert.equal(verifyDane(dane({ tlsa: noAd, dnssecUnchecked: true })).records[0].dnssec, "not-checked");
  throwsCode(() => verifyDane(dane({ tlsa: f.digAnswer.replace("NOERROR", "SERVFAIL") })), "dig-status", 5);
});

test("verifyDane: failures are reports with hints", () => {
  const r = verifyDane(dane({ chain: f.p256Chain }));
  assert.equal(r.outcome, "failed");
  assert.equal(r.failure_code, "no-match");
  assert.equal(r.tlsrpt_result_type, "certificate-not-trusted");
  assert.deepEqual(r.hints.map((h) => h.code), ["anchor-not-sent"]);
  const unusable = verifyDane(dane({ tlsa: "1 1 1 " + "00".repeat(32) }));
  assert.equal(unusable.outcome, "unauthenticated-tls");
  const names = verifyDane(dane({ names: "other.example.test", tlsa: [f.rsaTlsa.split("\n")[7]] }));
  assert.equal(names.failure_code, "name-mismatch");
});

test("verifyDane: options", () => {
  const ta = "2 1 1 b135b952436458a2994e23cdf5029922fbc7260e0a157e5dced213e55f310e60";
  assert.equal(verifyDane(dane({ tlsa: [ta] })).outcome, "authenticated");
  assert.equal(verifyDane(dane({ digestPreference: "sha512" })).outcome, "unauthenticated-tls");
  assert.equal(verifyDane(dane({ digestPreference: ["sha256", "sha512"] })).outcome, "authenticated");
  assert.equal(verifyDane(dane({ eeNameChecks: true, names: "other.example.test" })).outcome, "failed");
  assert.equal(verifyDane(dane({ time: new Date(Date.UTC(2040, 0, 1)), tlsa: [ta] })).failure_code, "expired");
  assert.ok(verifyDane(dane({ time: undefined })).time > f.AT_SECONDS - 10 ** 9);
  const r = verifyDane(dane({ port: 465, proto: "tcp", tlsa: "_465._tcp.mx.example.test. IN TLSA 3 1 1 fc1d3a0b1a588d2a42f8b18ed13ad2df697708fce6554c9bd891e45b495c849b\n_25._tcp.mx.example.test. IN TLSA 3 1 1 00" }));
  assert.equal(r.tlsa_name, "_465._tcp.mx.example.test");
  assert.equal(verifyDane(dane({ proto: "SCTP" })).tlsa_name, "_25._sctp.mx.example.test");
  assert.equal(r.ignored.length, 1);
  const generic = verifyDane({
    chain: f.p256Chain,
    tlsa: "0 0 1 " + generateTlsa({ chain: [f.der("p256-root")], usage: 0, selector: 0 })[0].data,
    names: "mx.example.test",
    time: f.AT,
    profile: "generic",
    trustAnchors: [f.der("p256-root")],
  });
  assert.equal(generic.outcome, "authenticated");
  assert.equal(generic.anchor, "trust-store");
});

test("verifyDane: error paths", () => {
  throwsCode(() => verifyDane(), "invalid-argument");
  throwsCode(() => verifyDane(null), "invalid-argument");
  throwsCode(() => verifyDane({ tlsa: f.rsaTlsa, names: "mx.example.test" }), "invalid-argument");
  throwsCode(() => verifyDane({ chain: f.rsaChain, names: "mx.example.test" }), "invalid-argument");
  throwsCode(() => verifyDane({ chain: f.rsaChain, tlsa: f.rsaTlsa }), "invalid-argument");
  throwsCode(() => verifyDane(dane({ names: [] })), "no-reference-ids");
  throwsCode(() => verifyDane(dane({ names: "not a name" })), "invalid-reference-name");
  throwsCode(() => verifyDane(dane({ names: "192.0.2.1" })), "ip-address-reference");
  throwsCode(() => verifyDane(dane({ names: Array(40).fill("a.example") })), "too-many-reference-ids");
  throwsCode(() => verifyDane(dane({ chain: 42 })), "invalid-argument");
  throwsCode(() => verifyDane(dane({ chain: "hello" })), "not-pem-or-der");
  throwsCode(() => verifyDane(dane({ chain: [] })), "empty-chain");
  throwsCode(() => verifyDane(dane({ chain: "-----BEGIN CERTIFICATE-----\nMAA=\n" })), "bad-pem", 1);
  throwsCode(() => verifyDane(dane({ chain: "-----BEGIN PRIVATE KEY-----\nMAA=\n-----END PRIVATE KEY-----\n" })), "wrong-pem-label");
  throwsCode(() => verifyDane(dane({ chain: new Uint8Array([0x30, 0x05, 1]) })), "der-truncated");
  throwsCode(() => verifyDane(dane({ chain: new Uint8Array(2 ** 21) })), "input-too-large");
  throwsCode(() => verifyDane(dane({ chain: Array(5000).fill(f.der("rsa-leaf")) })), "input-too-large");
  throwsCode(() => verifyDane(dane({ tlsa: "3 1 1 xyz" })), "invalid-hex", 1);
  throwsCode(() => verifyDane(dane({ tlsa: "# nothing\n" })), "no-tlsa-records");
  // Records for another name: the message says which owner they are for.
  assert.throws(
    () => verifyDane(dane({ tlsa: f.digAnswer, names: "mx2.example.test" })),
    (e) => e.code === "no-tlsa-records" && /left out: 2 records of _25\._tcp\.mx\.example\.test \(the owner is not _25\._tcp\.mx2\.example\.test; first at tlsa:14\)/.test(e.message),
  );
  throwsCode(() => verifyDane(dane({ tlsa: "3 1" })), "tlsa-syntax", 1);
  throwsCode(() => verifyDane(dane({ tlsa: "300 1 1 00" })), "tlsa-field-out-of-range", 1);
  throwsCode(() => verifyDane(dane({ tlsa: "x IN TLSA 3 1 1 ( 00\n" })), "unclosed-parenthesis", 1);
  throwsCode(() => verifyDane(dane({ tlsa: "$INCLUDE other\n" })), "unsupported-directive", 1);
  throwsCode(() => verifyDane(dane({ tlsa: ["x. IN RRSIG TLSA 13 5 300 1 2 3 x. AAAA"] })), "not-tlsa");
  throwsCode(() => verifyDane(dane({ tlsa: [new Uint8Array([3, 1])] })), "tlsa-rdata-too-short");
  throwsCode(() => verifyDane(dane({ tlsa: [{ usage: 3, selector: 1, matchingType: 1 }] })), "invalid-argument");
  throwsCode(() => verifyDane(dane({ tlsa: [{ usage: 256, selector: 1, matchingType: 1, data: "00" }] })), "invalid-argument");
  throwsCode(() => verifyDane(dane({ tlsa: Array(65).fill("3 1 1 00") })), "too-many-records");
  throwsCode(() => verifyDane(dane({ tlsa: 7 })), "invalid-argument");
  throwsCode(() => verifyDane(dane({ time: "yesterday" })), "invalid-time");
  throwsCode(() => verifyDane(dane({ time: NaN })), "invalid-time");
  throwsCode(() => verifyDane(dane({ time: new Date("x") })), "invalid-time");
  throwsCode(() => verifyDane(dane({ time: {} })), "invalid-time");
  throwsCode(() => verifyDane(dane({ profile: "pkix" })), "invalid-argument");
  throwsCode(() => verifyDane(dane({ trustAnchors: [f.der("p256-root")] })), "invalid-argument");
  throwsCode(() => verifyDane(dane({ profile: "generic", trustAnchors: [new Uint8Array([0x30, 0x00])] })), "invalid-trust-anchor");
  throwsCode(() => verifyDane(dane({ digestPreference: "md5" })), "invalid-argument");
  throwsCode(() => verifyDane(dane({ digestPreference: "sha256,sha256" })), "invalid-argument");
  throwsCode(() => verifyDane(dane({ eeNameChecks: "yes" })), "invalid-argument");
  throwsCode(() => verifyDane(dane({ port: 70000 })), "invalid-argument");
  throwsCode(() => verifyDane(dane({ proto: "t c p" })), "invalid-argument");
  // RFC 6698 §3 defines tcp, udp and sctp only; every entry point asks core.
  throwsCode(() => verifyDane(dane({ proto: "quic" })), "invalid-argument");
  throwsCode(() => parseTlsa("3 1 1 00", { name: "a.example", proto: "tls" }), "invalid-argument");
  throwsCode(() => generateTlsa({ chain: f.p256Chain, host: "a.example", proto: "http" }), "invalid-argument");
  throwsCode(() => verifyDane({ get chain() { throw new Error("boom"); }, tlsa: "", names: "a" }), "invalid-argument");
});

test("generateTlsa", () => {
  const chain = generateTlsa({ chain: f.rsaChain });
  assert.deepEqual(chain.map((r) => [r.usage, r.depth, r.role]), [[3, 0, "leaf"], [2, 1, "issuer"]]);
  assert.equal(chain[0].record, "3 1 1 fc1d3a0b1a588d2a42f8b18ed13ad2df697708fce6554c9bd891e45b495c849b");
  assert.equal(chain[0].zone_line, null);
  const zone = generateTlsa({ chain: f.rsaChain, host: "mx.example.test", usage: 3, matchingType: 2 });
  assert.equal(zone.length, 1);
  assert.match(zone[0].zone_line, /^_25\._tcp\.mx\.example\.test\. IN TLSA 3 1 2 [0-9a-f]{128}$/);
  assert.equal(generateTlsa({ chain: f.rsaChain, owner: "_25._tcp.mx.example.test." })[0].zone_line.split(" ")[0], "_25._tcp.mx.example.test.");
  const next = generateTlsa({ csr: f.csr })[0];
  assert.equal(next.record, f.rolloverTlsa.trim().split("\n").pop());
  assert.equal(next.role, "certificate-request");
  const key = generateTlsa({ publicKey: f.der("p256-leaf-p384").slice(0) && spkiOf(f.der("p256-leaf-p384")) })[0];
  assert.equal(key.record, next.record);
  assert.equal(key.role, "public-key");
  assert.equal(generateTlsa({ chain: [f.der("p256-root")], usage: 2 })[0].role, "certificate");
  throwsCode(() => generateTlsa({}), "invalid-argument");
  throwsCode(() => generateTlsa({ chain: f.rsaChain, csr: f.csr }), "invalid-argument");
  throwsCode(() => generateTlsa({ chain: f.rsaChain, usage: 4 }), "invalid-argument");
  throwsCode(() => generateTlsa({ chain: f.rsaChain, matchingType: 7 }), "unsupported-parameter");
  throwsCode(() => generateTlsa({ chain: new Uint8Array([0x30, 0x00]) }), "bad-der");
  throwsCode(() => generateTlsa({ csr: f.csr, selector: 0 }), "unsupported-parameter");
  throwsCode(() => generateTlsa({ csr: f.rsaChain }), "wrong-pem-label");
  throwsCode(() => generateTlsa({ csr: new Uint8Array([0x30, 0x00]) }), "bad-der");
  throwsCode(() => generateTlsa({ publicKey: "nothing" }), "not-pem-or-der");
  throwsCode(() => generateTlsa({ chain: f.rsaChain, host: "mx.example.test", owner: "x" }), "invalid-argument");
  throwsCode(() => generateTlsa({ chain: f.rsaChain, owner: "bad name" }), "invalid-reference-name");
});

/** The SubjectPublicKeyInfo of a DER certificate (what `openssl pkey -pubout` writes). */
function spkiOf(cert) {
  const tlv = (b, i) => {
    let len = b[i + 1], head = 2;
    if (len & 0x80) { const n = len & 0x7f; len = 0; for (let k = 0; k < n; k++) len = len * 256 + b[i + 2 + k]; head = 2 + n; }
    return { start: i, body: i + head, end: i + head + len };
  };
  const tbs = tlv(cert, tlv(cert, 0).body);
  let i = tbs.body;
  if (cert[i] === 0xa0) i = tlv(cert, i).end; // version
  for (let k = 0; k < 5; k++) i = tlv(cert, i).end; // serial, sig, issuer, validity, subject
  return cert.slice(i, tlv(cert, i).end);
}

test("parseTlsa", () => {
  const r = parseTlsa(f.rsaTlsa);
  assert.deepEqual(r.records.map((x) => [x.index, x.source, x.usage, x.selector, x.matching_type, x.unusable]), [
    [1, "tlsa:5", 3, 1, 1, null],
    [2, "tlsa:8", 2, 1, 1, null],
  ]);
  const unusable = parseTlsa("1 1 1 " + "00".repeat(32) + "\n3 1 1 00");
  assert.deepEqual(unusable.records.map((x) => x.unusable), ["usage-not-in-profile", "digest-length"]);
  const dig = parseTlsa(f.digAnswer, { name: "mx.example.test" });
  assert.deepEqual(dig.records.map((x) => x.dnssec), ["resolver-ad", "resolver-ad"]);
  assert.equal(parseTlsa(f.digAnswer, { name: "other.example.test" }).ignored.length, 2);
  assert.equal(parseTlsa("a.example. IN TLSA 3 1 1 00\nb.example. IN TLSA 3 1 1 01").records.length, 2);
  throwsCode(() => parseTlsa("3 1 1 00\n3 1 1 0g"), "invalid-hex", 2);
  throwsCode(() => parseTlsa(5), "invalid-argument");
  throwsCode(() => parseTlsa("3 1 1 00", { name: "a b" }), "invalid-reference-name");
  throwsCode(() => parseTlsa(f.digAnswer.replace(" ad;", ";"), { name: "mx.example.test" }), "dig-not-authenticated");
  throwsCode(() => parseTlsa("x".repeat(2 ** 24)), "input-too-large");
});

test("parsePolicy and policyAllowsMx", () => {
  const r = parsePolicy(f.policy, ["mx.example.test", "a.backup.example.test", "other.example"]);
  assert.equal(r.valid, true);
  assert.equal(r.mode, "enforce");
  assert.equal(r.max_age, 604800);
  assert.deepEqual(r.matches.map((m) => [m.allowed, m.pattern]), [
    [true, "mx.example.test"],
    [true, "*.backup.example.test"],
    [false, null],
  ]);
  assert.equal(parsePolicy(new TextEncoder().encode(f.policy)).valid, true);
  const warned = parsePolicy("version: STSv1\nmode: testing\nmx: a.example\nmax_age: 99999999\n\n");
  assert.equal(warned.valid, true);
  assert.equal(warned.max_age, 31557600);
  assert.ok(warned.warnings.some((w) => w.kind === "max-age-clamped" && w.line === 4), JSON.stringify(warned.warnings));
  const bad = parsePolicy("version: STSv1\nmode: strict\nmx: a.example\nmax_age: 5\n");
  assert.equal(bad.valid, false);
  assert.deepEqual(bad.errors.map((e) => [e.line, e.kind]), [[2, "invalid-mode"]]);
  assert.equal(bad.tlsrpt_result_type, "sts-policy-invalid");
  assert.equal(parsePolicy("x".repeat(70000)).errors[0].kind, "too-large");
  assert.equal(policyAllowsMx(f.policy, "MX.example.test."), true);
  assert.equal(policyAllowsMx(f.policy, "a.b.backup.example.test"), false);
  throwsCode(() => policyAllowsMx("version: STSv1\nmode: strict\n", "x"), "invalid-mode", 2);
  throwsCode(() => policyAllowsMx("", "x"), "missing-version");
  throwsCode(() => policyAllowsMx(f.policy), "invalid-argument");
  throwsCode(() => parsePolicy(null), "invalid-argument");
  throwsCode(() => parsePolicy(f.policy, [1]), "invalid-argument");
});

test("checkSts with the test root and with the public roots", () => {
  const root = [f.der("p256-root")];
  const ok = checkSts({ policy: f.policy, chain: f.p256Chain, mx: "mx.example.test", roots: root, time: f.AT });
  assert.equal(ok.outcome, "valid");
  assert.equal(ok.action, "deliver");
  assert.deepEqual(ok.trust_anchors, { file: "roots", count: 1, skipped: 0 });
  const notListed = checkSts({ policy: f.policy, chain: f.p256Chain, mx: "mx.other.test", roots: root, time: f.AT });
  assert.equal(notListed.action, "do-not-deliver");
  assert.equal(notListed.tlsrpt_result_type, "validation-failure");
  const publicRoots = checkSts({ policy: f.policy, chain: f.p256Chain, mx: "mx.example.test", roots, time: f.AT });
  assert.equal(publicRoots.certificate_failure_code, "issuer-not-found");
  assert.equal(publicRoots.trust_anchors.count, roots.length);
  const none = checkSts({ policy: "version: STSv1\nmode: none\nmax_age: 60\n", chain: f.p256Chain, mx: "mx.example.test", roots: [] });
  assert.equal(none.outcome, "not-checked");
  assert.equal(checkSts({ policy: "junk", chain: f.p256Chain, mx: "mx.example.test", roots: [] }).outcome, "policy-invalid");
  throwsCode(() => checkSts({ policy: f.policy, chain: f.p256Chain, mx: "mx.example.test" }), "invalid-argument");
  throwsCode(() => checkSts({ policy: f.policy, chain: f.p256Chain, mx: "mx.example.test", roots: [] }), "empty-chain");
  throwsCode(() => checkSts({ policy: f.policy, chain: f.p256Chain, mx: ".example.test", roots: root }), "invalid-reference-name");
  throwsCode(() => checkSts({ policy: f.policy, chain: f.p256Chain, mx: "192.0.2.1", roots: root }), "ip-address-reference");
  throwsCode(() => checkSts({ policy: f.policy, chain: f.p256Chain, mx: "mx.example.test", roots: [f.der("p256-root").slice(0, 50)] }), "der-truncated");
  throwsCode(() => checkSts({ policy: f.policy, chain: f.p256Chain, mx: "mx.example.test", roots: [new Uint8Array([0x30, 0])] }), "invalid-trust-anchor");
});

test("mxtrust/roots", () => {
  assert.ok(roots.length > 100);
  assert.ok(roots.every((r) => r instanceof Uint8Array && r[0] === 0x30));
  assert.match(rootsSource, /webpki-root-certs \d+\.\d+\.\d+/);
});

test("parseStsRecord and parseTlsrptRecord", () => {
  assert.deepEqual(parseStsRecord("v=STSv1; id=20261128T130000"), { found: true, id: "20261128T130000", unavailable: null, reason: null });
  assert.equal(parseStsRecord(["v=spf1 -all", '"v=STSv1; " "id=2026"']).id, "2026");
  assert.equal(parseStsRecord([["v=STSv1; ", new TextEncoder().encode("id=7")]]).id, "7");
  assert.equal(parseStsRecord(["v=STSv1; id=1", "v=STSv1; id=2"]).unavailable, "several-records");
  assert.equal(parseStsRecord("v=STSv1; id=!").unavailable, "invalid");
  assert.equal(parseStsRecord([]).unavailable, "no-record");
  const rpt = parseTlsrptRecord("v=TLSRPTv1; rua=mailto:tlsrpt@example.com,https://r.example/v1");
  assert.deepEqual(rpt.rua.map((u) => u.scheme), ["mailto", "https"]);
  assert.equal(parseTlsrptRecord("v=TLSRPTv1;").unavailable, "invalid");
  throwsCode(() => parseStsRecord('"v=STSv1; id=1'), "txt-quoting", 1);
  throwsCode(() => parseStsRecord(5), "invalid-argument");
  throwsCode(() => parseTlsrptRecord([[5]]), "invalid-argument");
  throwsCode(() => parseTlsrptRecord(["x".repeat(70000)]), "input-too-large");
});

test("decide", () => {
  const base = { mxRrset: "secure", addresses: "secure", tlsa: "secure-with-records", tlsaUsability: "some-usable" };
  assert.equal(decide({ ...base, sts: { mode: "enforce", mxAllowed: false } }).action, "require-dane");
  assert.equal(decide({ ...base, tlsaUsability: "all-unusable", sts: "no-policy" }).action, "require-tls-unauthenticated");
  assert.equal(decide({ ...base, tlsa: "insecure", sts: { mode: "enforce", mxAllowed: true } }).action, "require-sts");
  assert.equal(decide({ ...base, tlsa: "secure-empty", sts: { mode: "testing", mxAllowed: true } }).action, "sts-testing");
  const skip = decide({ ...base, mxRrset: "insecure", sts: { mode: "enforce", mxAllowed: false } });
  assert.equal(skip.action, "skip-mx");
  assert.equal(skip.tlsrpt_result_type, "validation-failure");
  assert.equal(decide({ ...base, addresses: "bogus", sts: "no-policy" }).action, "defer");
  assert.equal(decide({ ...base, tlsa: "insecure", sts: { mode: "none" } }).action, "opportunistic");
  throwsCode(() => decide({ ...base, tlsaUsability: undefined, sts: "no-policy" }), "invalid-argument");
  throwsCode(() => decide({ ...base, mxRrset: "Secure", sts: "no-policy" }), "invalid-argument");
  throwsCode(() => decide({ ...base }), "invalid-argument");
  throwsCode(() => decide({ ...base, sts: { mode: "enforce" } }), "invalid-argument");
  throwsCode(() => decide({ ...base, sts: { mode: "strict" } }), "invalid-argument");
  throwsCode(() => decide({ ...base, tlsa: "secure", sts: "no-policy" }), "invalid-argument");
});

test("policy fetch rules", () => {
  assert.equal(policyUrl("Example.com."), "https://mta-sts.Example.com/.well-known/mta-sts.txt");
  assert.equal(policyHost("example.com"), "mta-sts.example.com");
  assert.equal(isPolicyUrl("example.com", "https://mta-sts.example.com/.well-known/mta-sts.txt"), true);
  assert.equal(isPolicyUrl("example.com", "https://mta-sts.example.com:443/.well-known/mta-sts.txt"), false);
  const response = { url: policyUrl("example.com"), status: 200, contentType: "text/plain; charset=utf-8", bodyLength: 91 };
  assert.deepEqual(checkPolicyResponse("example.com", response), { usable: true, code: null, reason: null, tlsrpt_result_type: null });
  assert.equal(checkPolicyResponse("example.com", { ...response, redirected: true }).code, "redirect-followed");
  assert.equal(checkPolicyResponse("example.com", { ...response, status: 404 }).tlsrpt_result_type, "sts-policy-fetch-error");
  assert.equal(checkPolicyResponse("example.com", { ...response, contentType: null }).code, "no-media-type");
  assert.equal(checkPolicyResponse("example.com", { ...response, contentType: "text/html" }).code, "wrong-media-type");
  assert.equal(checkPolicyResponse("example.com", { ...response, truncated: true }).code, "too-large");
  throwsCode(() => policyUrl("not a domain"), "invalid-domain");
  throwsCode(() => policyHost(""), "invalid-domain");
  throwsCode(() => policyUrl(1), "invalid-argument");
  throwsCode(() => checkPolicyResponse("example.com", { url: "x" }), "invalid-argument");
  throwsCode(() => checkPolicyResponse("example.com", { ...response, status: 2000 }), "invalid-argument");
});

test("weakerDnssecStatus ranks secure, insecure, lookup-error, bogus", () => {
  const order = ["secure", "insecure", "lookup-error", "bogus"];
  for (const [i, a] of order.entries()) {
    for (const [j, b] of order.entries()) {
      assert.equal(weakerDnssecStatus(a, b), order[Math.max(i, j)], `${a} ${b}`);
    }
  }
  throwsCode(() => weakerDnssecStatus("secure", "indeterminate"), "invalid-argument");
});

test("tlsaStatus and mxStsState: decide's inputs from a lookup and a policy", () => {
  assert.equal(tlsaStatus("secure", true), "secure-with-records");
  assert.equal(tlsaStatus("secure", false), "secure-empty");
  assert.equal(tlsaStatus("secure", null), "lookup-error");
  assert.equal(tlsaStatus("insecure", true), "insecure");
  assert.equal(tlsaStatus("bogus", false), "bogus");
  assert.equal(tlsaStatus("lookup-error", true), "lookup-error");
  throwsCode(() => tlsaStatus("secure", "yes"), "invalid-argument");
  throwsCode(() => tlsaStatus("indeterminate", true), "invalid-argument");
  const policy = (mode) => `version: STSv1\nmode: ${mode}\nmx: *.example.net\nmax_age: 86400\n`;
  assert.deepEqual(mxStsState(policy("enforce"), "mx1.example.net"), { mode: "enforce", mxAllowed: true });
  assert.deepEqual(mxStsState(policy("testing"), "mx.other.test"), { mode: "testing", mxAllowed: false });
  assert.deepEqual(mxStsState(policy("none"), "mx1.example.net"), { mode: "none" });
  assert.equal(mxStsState(null, "mx1.example.net"), "no-policy");
  assert.equal(mxStsState("not a policy", "mx1.example.net"), "no-policy");
  // What decide takes.
  assert.equal(decide({ mxRrset: "secure", addresses: "insecure", tlsa: "insecure", sts: mxStsState(policy("enforce"), "mx.other.test") }).action, "skip-mx");
});

test("parseTlsa: the RRset's usability, digest agility included", () => {
  assert.equal(parseTlsa("3 1 1 " + "ab".repeat(32)).usability, "some-usable");
  assert.equal(parseTlsa("0 0 1 " + "ab".repeat(32)).usability, "all-unusable");
});

test("policyFetchFailure: core's code and result type for a fetch with no response", () => {
  assert.deepEqual(policyFetchFailure("certificate-invalid", "unknown issuer"), {
    usable: false,
    code: "certificate-invalid",
    reason: "the policy host's certificate is not valid for mta-sts.<domain> (RFC 8461 3.3): unknown issuer",
    tlsrpt_result_type: "sts-webpki-invalid",
  });
  for (const code of ["invalid-domain", "no-address", "policy-host-bogus", "timeout", "connection-failed"]) {
    const doc = policyFetchFailure(code);
    assert.equal(doc.code, code);
    assert.equal(doc.usable, false);
    assert.equal(doc.tlsrpt_result_type, "sts-policy-fetch-error", code);
    assert.ok(!doc.reason.endsWith(": "), doc.reason);
  }
  throwsCode(() => policyFetchFailure("tls-failure"), "invalid-argument");
  throwsCode(() => policyFetchFailure(7), "invalid-argument");
});

test("mxHosts", () => {
  const answer = [
    { preference: 20, exchange: "backup.example.net." },
    { preference: 10, exchange: "mx1.example.net." },
    { preference: 10, exchange: "mx2.example.net." },
  ];
  const r = mxHosts("example.com", answer, { shuffle: false });
  assert.equal(r.route, "hosts");
  assert.deepEqual(r.hosts.map((h) => h.exchange), ["mx1.example.net", "mx2.example.net", "backup.example.net"]);
  const a = mxHosts("example.com", answer, { seed: 1 }).hosts.map((h) => h.exchange);
  assert.deepEqual(a, mxHosts("example.com", answer, { seed: 1 }).hosts.map((h) => h.exchange));
  assert.equal(a[2], "backup.example.net");
  assert.equal(mxHosts("example.com", answer).hosts.length, 3);
  assert.equal(mxHosts("example.com", [{ preference: 0, exchange: "." }]).route, "null-mx");
  assert.deepEqual(mxHosts("example.com", "nodata").hosts, [{ preference: 0, exchange: "example.com" }]);
  assert.equal(mxHosts("example.com", "nxdomain").route, "no-such-domain");
  assert.equal(mxHosts("example.com", [{ preference: 1, exchange: "bad name" }]).route, "no-usable-mx");
  throwsCode(() => mxHosts("bad domain", "nodata"), "invalid-domain");
  throwsCode(() => mxHosts("example.com", Array(33).fill({ preference: 1, exchange: "a.example" })), "too-many-mx-records");
  throwsCode(() => mxHosts("example.com", "servfail"), "invalid-argument");
  throwsCode(() => mxHosts("example.com", [{ preference: -1, exchange: "a" }]), "invalid-argument");
  throwsCode(() => mxHosts("example.com", "nodata", { seed: 1.5 }), "invalid-argument");
});

test("tlsaBaseDomains and tlsaOwnerName", () => {
  const chain = [{ owner: "mx.example.com", target: "mx.provider.net.", status: "secure" }];
  const r = tlsaBaseDomains({ mxHost: "mx.example.com.", cnames: chain, addresses: "secure", firstLookup: "secure-empty" });
  assert.equal(r.result, "candidates");
  assert.deepEqual(r.candidates.map((c) => c.tlsa_name), ["_25._tcp.mx.provider.net", "_25._tcp.mx.example.com"]);
  assert.deepEqual(r.candidates[0].reference_ids, ["mx.provider.net", "mx.example.com"]);
  assert.equal(r.next.tlsa_base_domain, "mx.example.com");
  assert.equal(tlsaBaseDomains({ mxHost: "mx.example.com", cnames: chain, addresses: "secure", firstLookup: "bogus" }).next, null);
  assert.equal(tlsaBaseDomains({ mxHost: "mx.example.com", addresses: "insecure" }).result, "not-applicable");
  const bad = tlsaBaseDomains({ mxHost: "mx.example.com", addresses: "lookup-error" });
  assert.deepEqual([bad.result, bad.status], ["indeterminate", "lookup-error"]);
  throwsCode(() => tlsaBaseDomains({ mxHost: "a b", addresses: "secure" }), "invalid-name");
  throwsCode(() => tlsaBaseDomains({ mxHost: "a.example", cnames: [{ owner: "b.example", target: "c.example", status: "secure" }], addresses: "secure" }), "broken-cname-chain");
  throwsCode(() => tlsaBaseDomains({ mxHost: "a.example", cnames: [{ owner: "a.example", target: "a.example", status: "secure" }], addresses: "secure" }), "cname-loop");
  const long = Array.from({ length: 17 }, (_, i) => ({ owner: `n${i}.example`, target: `n${i + 1}.example`, status: "secure" }));
  throwsCode(() => tlsaBaseDomains({ mxHost: "n0.example", cnames: long, addresses: "secure" }), "cname-chain-too-long");
  throwsCode(() => tlsaBaseDomains({ mxHost: "a.example", addresses: "secure", protocol: "quic" }), "invalid-argument");
  throwsCode(() => tlsaBaseDomains({ mxHost: "a.example", cnames: {}, addresses: "secure" }), "invalid-argument");
  assert.equal(tlsaOwnerName("mx.example.com."), "_25._tcp.mx.example.com");
  assert.equal(tlsaOwnerName("mx.example.com", { port: 465, protocol: "udp" }), "_465._udp.mx.example.com");
  throwsCode(() => tlsaOwnerName("a..b"), "invalid-domain");
  throwsCode(() => tlsaOwnerName("a.example", { port: "25" }), "invalid-argument");
});

test("PolicyCache", () => {
  const key = new Uint8Array(16).fill(7);
  const cache = new PolicyCache({ capacity: 2, textCapacity: 512, key });
  assert.deepEqual([cache.size, cache.capacity, cache.textCapacity, cache.textUsed], [0, 2, 512, 0]);
  assert.deepEqual(cache.store("example.test", "1", f.policy, 1000), { stored: "inserted", evicted: 0, last_evicted: null });
  assert.equal(cache.store("example.test", "2", f.policy, 1000).stored, "replaced");
  const found = cache.lookup("EXAMPLE.test.", 2000);
  assert.equal(found.status, "fresh");
  assert.deepEqual(found.policy, { id: "2", mode: "enforce", max_age: 604800, fetched_at: 1000, expires_at: 605800, mx: ["mx.example.test", "*.backup.example.test"] });
  assert.equal(cache.lookup("example.test", 605800).status, "expired");
  assert.deepEqual(cache.lookup("other.test", 0), { status: "absent", policy: null });
  assert.deepEqual(cache.observeId("example.test", "2", 2000), { need: "up-to-date", until: null });
  assert.equal(cache.observeId("example.test", "3", 2000).need, "fetch");
  assert.equal(cache.shouldFetch("example.test", "2", 2000), false);
  assert.deepEqual(cache.recordFailure("example.test", "3", 2000), { outcome: "use-cached", mode: "enforce" });
  assert.deepEqual(cache.observeId("example.test", "3", 2100), { need: "back-off", until: 2300 });
  assert.deepEqual(cache.recordFailure("new.test", "1", 2000), { outcome: "no-policy", mode: null });
  assert.deepEqual(cache.dueDomains(604800, 2000), ["example.test"]);
  assert.equal(cache.textUsed > 0, true);
  assert.deepEqual(cache.dueDomains(60, 2000), []);
  // A back-off record protects nothing: it makes room; a live policy does not.
  assert.deepEqual(cache.store("third.test", "1", f.policy, 2000), { stored: "evicted", evicted: 1, last_evicted: "new.test" });
  throwsCode(() => cache.store("fourth.test", "1", f.policy, 2000), "cache-full");
  const image = cache.export();
  assert.ok(image instanceof Uint8Array);
  const copy = new PolicyCache();
  assert.deepEqual(copy.import(image), { kept: 2, dropped: 0 });
  assert.equal(copy.lookup("third.test", 2000).status, "fresh");
  assert.equal(copy.lookup("example.test", 2000).policy.id, "2");
  const corrupt = image.slice();
  corrupt[10] ^= 1;
  throwsCode(() => copy.import(corrupt), "cache-image-corrupt");
  throwsCode(() => copy.import(new TextEncoder().encode("XXXX\x02")), "cache-image-unsupported");
  throwsCode(() => copy.import("image"), "invalid-argument");
  assert.equal(copy.remove("example.test"), true);
  assert.equal(copy.remove("example.test"), false);
  copy.clear();
  assert.equal(copy.size, 0);
  throwsCode(() => cache.store("bad domain", "1", f.policy, 0), "invalid-domain");
  throwsCode(() => cache.store("a.test", "bad id!", f.policy, 0), "sts-invalid-id");
  throwsCode(() => cache.store("a.test", "1", "version: STSv1\nmode: strict\n", 0), "invalid-mode", 2);
  // A fault of the body as a whole (line 0) reads as policyAllowsMx words it.
  const whole = (fn) => {
    try {
      fn();
    } catch (e) {
      return [e.code, e.line, e.message];
    }
    assert.fail("no error");
  };
  assert.deepEqual(whole(() => cache.store("a.test", "1", "mode: enforce\n", 0)), whole(() => policyAllowsMx("mode: enforce\n", "x")));
  assert.deepEqual(whole(() => policyAllowsMx("mode: enforce\n", "x")), ["missing-version", undefined, "policyText: no version field"]);
  throwsCode(() => new PolicyCache({ capacity: 1, textCapacity: 8 }).store("a.test", "1", f.policy, 0), "policy-too-large-for-cache");
  throwsCode(() => new PolicyCache({ key: new Uint8Array(15) }), "invalid-argument");
  throwsCode(() => new PolicyCache({ capacity: -1 }), "invalid-argument");
  throwsCode(() => new PolicyCache({ capacity: 2 ** 40 }), "invalid-argument");
  throwsCode(() => cache.dueDomains(-5), "invalid-argument");
  throwsCode(() => cache.lookup("example.test", "later"), "invalid-time");
  cache.free();
  copy.free();
});

test("init is idempotent where the module initialised itself", async () => {
  await mxtrust.default();
  assert.equal(verifyDane(dane()).outcome, "authenticated");
});

test("planDaneRollover and planStsRollover: plans and their errors", () => {
  const plan = planDaneRollover({ tlsa: f.rolloverTlsa, ttl: 3600, publishedAt: "2026-11-28T11:00:00Z", chain: f.p256Chain, next: { csr: f.csr }, names: "mx.example.test", time: f.AT });
  assert.equal(plan.kind, "dane");
  assert.equal(plan.safe_now, true);
  assert.deepEqual(plan.steps.map((s) => s.step), ["switch", "remove"]);
  throwsCode(() => planDaneRollover({ tlsa: "3 1 1 " + "ab".repeat(32), chain: f.p256Chain, next: { chain: f.p256NextChain }, names: "mx.example.test" }), "no-ttl");
  throwsCode(() => planDaneRollover({ tlsa: f.rolloverTlsa, ttl: 60, chain: f.p256Chain, next: {}, names: "mx.example.test" }), "no-next");
  throwsCode(() => planDaneRollover({ tlsa: f.rolloverTlsa, ttl: 60, chain: f.p256Chain, next: { chain: f.p256NextChain }, names: "mx.example.test", to: ["3 1"] }), "invalid-kind");
  const sts = planStsRollover({ policy: f.policy, id: "1", nextPolicy: f.policy, mxNow: ["mx.example.test"], mxNext: ["mx.example.test"], time: f.AT });
  assert.equal(sts.new_id_required, false);
  assert.equal(sts.safe_now, true);
  throwsCode(() => planStsRollover({ policy: "nonsense", id: "1", nextPolicy: f.policy, mxNow: [], mxNext: [] }), "policy-invalid");
  throwsCode(() => planStsRollover({ policy: f.policy, id: "not valid!", nextPolicy: f.policy, mxNow: [], mxNext: [] }), "sts-invalid-id");
});
