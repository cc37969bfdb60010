// One report schema: the CLI (`mxtrust ... --json`) and the package give
// the same documents for the same examples/ inputs. The CLI runs in a
// scratch folder where the inputs are copied under the names the package
// gives its arguments (`tlsa`, `roots`), so the documents must be equal
// octet for octet, sources included. MXTRUST_CLI is the built binary.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkSts, generateTlsa, parsePolicy, parseStsRecord, parseTlsrptRecord, planDaneRollover, planStsRollover, verifyDane } from "mxtrust";
import * as f from "./fixtures.mjs";

const cli = process.env.MXTRUST_CLI;
const scratch = mkdtempSync(join(tmpdir(), "mxtrust-cli-"));
process.on("exit", () => rmSync(scratch, { recursive: true, force: true }));

function mxtrust(args, files = {}) {
  for (const [name, content] of Object.entries(files)) writeFileSync(join(scratch, name), content);
  const r = spawnSync(cli, args, { cwd: scratch, encoding: "utf8" });
  if (r.status === 2 || r.error) throw new Error(`mxtrust ${args.join(" ")}: ${r.stderr}${r.error ?? ""}`);
  return r.stdout;
}

const json = (args, files) => JSON.parse(mxtrust([...args, "--json"], files));
const opts = { skip: cli ? false : "MXTRUST_CLI is not set" };

const daneCases = [
  ["rsa chain, rsa.tlsa", f.rsaChain, f.rsaTlsa],
  ["rsa chain, dig answer", f.rsaChain, f.digAnswer],
  ["p256 chain, rollover", f.p256Chain, f.rolloverTlsa],
  ["next p256 chain, rollover", f.p256NextChain, f.rolloverTlsa],
  ["p256 chain, rsa.tlsa: failed, with hints", f.p256Chain, f.rsaTlsa],
];

for (const [name, chain, tlsa] of daneCases) {
  test(`dane: ${name}`, opts, () => {
    const expected = json(["dane", "--chain", "chain.pem", "--tlsa-file", "tlsa", "--name", "mx.example.test", "--at", f.AT], {
      "chain.pem": chain,
      tlsa,
    });
    assert.deepEqual(verifyDane({ chain, tlsa, names: "mx.example.test", time: f.AT }), expected);
  });
}

test("dane: DER octets in, the same document as PEM", opts, () => {
  const expected = json(["dane", "--chain", "chain.pem", "--tlsa-file", "tlsa", "--name", "mx.example.test", "--name", ".example.test", "--at", f.AT, "--ee-name-checks", "--digest-preference", "sha256"], {
    "chain.pem": f.rsaChain,
    tlsa: f.rsaTlsa,
  });
  const actual = verifyDane({
    chain: [f.der("rsa-leaf"), f.der("rsa-int")],
    tlsa: f.rsaTlsa,
    names: ["mx.example.test", ".example.test"],
    time: f.AT_SECONDS,
    eeNameChecks: true,
    digestPreference: ["sha256"],
  });
  assert.deepEqual(actual, expected);
});

test("dane: generic profile with trust anchors", opts, () => {
  const root = f.der("p256-root");
  const record = generateTlsa({ chain: [root], usage: 0 })[0].record;
  const expected = json(["dane", "--chain", "chain.pem", "--tlsa-file", "tlsa", "--name", "mx.example.test", "--at", f.AT, "--profile", "generic", "--trust-anchors", "anchors.der"], {
    "chain.pem": f.p256Chain,
    tlsa: record,
    "anchors.der": root,
  });
  assert.deepEqual(verifyDane({ chain: f.p256Chain, tlsa: record, names: "mx.example.test", time: f.AT, profile: "generic", trustAnchors: root }), expected);
});

test("sts-policy", opts, () => {
  const hosts = ["mx.example.test", "mx1.backup.example.test", "mx.other.test"];
  const expected = json(["sts-policy", "policy", ...hosts.flatMap((h) => ["--mx", h])], { policy: f.policy });
  assert.deepEqual(parsePolicy(f.policy, hosts), expected);
  const invalid = "version: STSv1\nmode: Enforce\nmx: a.example\nmax_age: 5\n";
  assert.deepEqual(parsePolicy(invalid), json(["sts-policy", "policy"], { policy: invalid }));
});

for (const mx of ["mx.example.test", "mx.other.test"]) {
  test(`sts-check: ${mx}`, opts, () => {
    const expected = json(["sts-check", "--policy", "policy", "--chain", "chain.pem", "--mx", mx, "--trust-anchors", "roots", "--at", f.AT], {
      policy: f.policy,
      "chain.pem": f.p256Chain,
      roots: f.der("p256-root"),
    });
    assert.deepEqual(checkSts({ policy: f.policy, chain: f.p256Chain, mx, roots: f.der("p256-root"), time: f.AT }), expected);
  });
}

test("sts-record and tlsrpt-record", opts, () => {
  for (const records of [["v=STSv1; id=20261128T130000"], ["v=spf1 -all", '"v=STSv1; " "id=2026"'], ["v=STSv1; id=1", "v=STSv1; id=2"]]) {
    assert.deepEqual(parseStsRecord(records), json(["sts-record", ...records]));
  }
  for (const records of [["v=TLSRPTv1; rua=mailto:tlsrpt@example.com,https://tlsrpt.example.com/v1"], ["v=TLSRPTv1;"]]) {
    assert.deepEqual(parseTlsrptRecord(records), json(["tlsrpt-record", ...records]));
  }
});

test("tlsa: the lines mxtrust tlsa prints are the package's records", opts, () => {
  const lines = (out) => out.trim().split("\n").map((l) => l.split(" ; ")[0]);
  const chain = mxtrust(["tlsa", "--cert", "chain.pem", "--owner", "_25._tcp.mx.example.test"], { "chain.pem": f.rsaChain });
  assert.deepEqual(lines(chain), generateTlsa({ chain: f.rsaChain, owner: "_25._tcp.mx.example.test" }).map((r) => r.zone_line));
  const csr = mxtrust(["tlsa", "--csr", "next.csr", "--host", "mx.example.test"], { "next.csr": f.csr });
  assert.deepEqual(lines(csr), generateTlsa({ csr: f.csr, host: "mx.example.test" }).map((r) => r.zone_line));
  const sha512 = mxtrust(["tlsa", "--cert", "chain.pem", "--usage", "2", "--mtype", "2"], { "chain.pem": f.p256Chain });
  assert.deepEqual(lines(sha512), generateTlsa({ chain: f.p256Chain, usage: 2, matchingType: 2 }).map((r) => r.record));
});

test("rollover: the plans mxtrust rollover prints are the package's", opts, () => {
  const current = "_25._tcp.mx.example.test. 3600 IN TLSA 3 1 1 1901cb6d9a3048ba5290b61bf08dff9dcdd899ea739462321efc1adfc70ccfdc\n";
  const cliPlan = (args) => {
    const r = spawnSync(cli, [...args, "--json"], { cwd: scratch, encoding: "utf8" });
    assert.ok(r.status === 0 || r.status === 1, r.stderr);
    return JSON.parse(r.stdout);
  };
  writeFileSync(join(scratch, "tlsa"), current);
  writeFileSync(join(scratch, "chain.pem"), f.p256Chain);
  writeFileSync(join(scratch, "next.pem"), f.p256NextChain);
  const expected = cliPlan(["rollover", "dane", "--tlsa-file", "tlsa", "--chain", "chain.pem", "--next-chain", "next.pem", "--name", "mx.example.test", "--at", f.AT]);
  const got = planDaneRollover({ tlsa: current, chain: f.p256Chain, next: { chain: f.p256NextChain }, names: "mx.example.test", time: f.AT });
  assert.deepEqual(got, expected);
  assert.equal(got.steps[0].step, "publish");
  writeFileSync(join(scratch, "p1"), "version: STSv1\nmode: enforce\nmax_age: 86400\nmx: mx1.example.com\n");
  writeFileSync(join(scratch, "p2"), "version: STSv1\nmode: enforce\nmax_age: 86400\nmx: mx2.example.com\n");
  const sts = cliPlan(["rollover", "sts", "--policy", "p1", "--id", "1", "--next-policy", "p2", "--next-id", "2", "--mx-now", "mx1.example.com", "--mx-next", "mx2.example.com", "--mx-ttl", "300", "--at", f.AT]);
  const pkg = planStsRollover({
    policy: "version: STSv1\nmode: enforce\nmax_age: 86400\nmx: mx1.example.com\n",
    id: "1",
    nextPolicy: "version: STSv1\nmode: enforce\nmax_age: 86400\nmx: mx2.example.com\n",
    nextId: "2",
    mxNow: ["mx1.example.com"],
    mxNext: ["mx2.example.com"],
    mxTtl: 300,
    time: f.AT,
  });
  assert.deepEqual(pkg, sts);
  assert.equal(pkg.steps[0].step, "publish-interim-policy");
});
