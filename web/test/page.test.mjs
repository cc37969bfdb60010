// The checker page in a real browser (web/test.sh runs it): every mode with
// the examples/ data and with bad input, the same verdicts as the CLI,
// the URL fragment, keyboard-only use, axe-core, phone width, both themes,
// and screenshots. Needs MXTRUST_CLI (the `mxtrust` binary); WEB_URL
// serves the page (default: web/serve.mjs on a free loopback port).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createPublicKey } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { axe, example, fieldError, launch, offOrigin, open, repo, screenshot, serve, shownDane, SCREENSHOTS } from "./browser.mjs";

const CLI = process.env.MXTRUST_CLI;
const AT = "2026-11-28T13:00:00Z";
const scratch = mkdtempSync(join(tmpdir(), "mxtrust-web-"));
const file = (name, text) => {
  const p = join(scratch, name);
  writeFileSync(p, text);
  return p;
};
const exampleFile = (name) => join(repo, "examples", name);

function cliText(...args) {
  assert.ok(CLI, "MXTRUST_CLI must name the mxtrust binary (web/test.sh builds it)");
  const r = spawnSync(CLI, args, { encoding: "utf8" });
  assert.equal(r.status, 0, `mxtrust ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

function cli(...args) {
  assert.ok(CLI, "MXTRUST_CLI must name the mxtrust binary (web/test.sh builds it)");
  const r = spawnSync(CLI, [...args, "--json"], { encoding: "utf8" });
  assert.ok(r.stdout, `mxtrust ${args.join(" ")} printed nothing: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

const rsaChain = example("rsa-chain.pem");
const rsaLeaf = rsaChain.slice(0, rsaChain.indexOf("-----END CERTIFICATE-----") + 26);
const TA = "2 1 1 b135b952436458a2994e23cdf5029922fbc7260e0a157e5dced213e55f310e60";
const rootPem = (() => {
  const der = readFileSync(join(repo, "tests/fixtures/dane/p256-root.der"));
  return `-----BEGIN CERTIFICATE-----\n${der.toString("base64").replace(/.{64}/g, "$&\n")}\n-----END CERTIFICATE-----\n`;
})();

let browser;
let server;
let base;
before(async () => {
  browser = await launch();
  if (process.env.WEB_URL) base = process.env.WEB_URL.replace(/\/?$/, "/");
  else {
    server = await serve();
    base = server.url;
  }
});
after(async () => {
  await browser?.close();
  server?.stop();
  console.log(`# screenshots: ${SCREENSHOTS}`);
});

async function daneCheck(page, { chain, tlsa, names = "mx.example.test", time = AT, unchecked = false }) {
  await page.fill("#dane-chain", chain);
  await page.fill("#dane-tlsa", tlsa);
  await page.fill("#dane-names", names);
  await page.fill("#dane-time", time);
  await page.setChecked("#dane-unchecked", unchecked);
  await page.click("#form-dane button[type=submit]");
}

// ------------------------------------------------------------------ DANE

describe("DANE mode", () => {
  // [what, chain file, tlsa file, names, time, expected outcome (also checked against the CLI)]
  const cases = [
    ["RSA chain, its 3 1 1 and 2 1 1", exampleFile("rsa-chain.pem"), exampleFile("rsa.tlsa"), "mx.example.test", AT, "authenticated"],
    ["RSA chain, dig output with ad", exampleFile("rsa-chain.pem"), exampleFile("dig-answer.txt"), "mx.example.test", AT, "authenticated"],
    ["rollover pair, current chain", exampleFile("p256-chain.pem"), exampleFile("rollover.tlsa"), "mx.example.test", AT, "authenticated"],
    ["rollover pair, next chain", exampleFile("p256-next-chain.pem"), exampleFile("rollover.tlsa"), "mx.example.test", AT, "authenticated"],
    ["P-256 chain, the RSA chain's records", exampleFile("p256-chain.pem"), exampleFile("rsa.tlsa"), "mx.example.test", AT, "failed"],
    ["leaf only under DANE-TA", file("leaf.pem", rsaLeaf), file("ta.tlsa", `${TA}\n`), "mx.example.test", AT, "failed"],
    ["DANE-TA, a name the leaf lacks", exampleFile("rsa-chain.pem"), file("ta2.tlsa", `${TA}\n`), "other.example.test", AT, "failed"],
    ["DANE-TA after the chain expired", exampleFile("rsa-chain.pem"), file("ta3.tlsa", `${TA}\n`), "mx.example.test", "2036-01-01T00:00:00Z", "failed"],
    ["every record unusable", exampleFile("rsa-chain.pem"), file("unusable.tlsa", "3 1 1 abcd\n1 1 1 fc1d3a0b1a588d2a42f8b18ed13ad2df697708fce6554c9bd891e45b495c849b\n"), "mx.example.test", AT, "unauthenticated-tls"],
  ];
  for (const [what, chainFile, tlsaFile, names, time, want] of cases) {
    test(`${what}: ${want}, as the CLI says`, async () => {
      const page = await open(browser, `${base}#mode=dane`);
      await daneCheck(page, { chain: readFileSync(chainFile, "utf8"), tlsa: readFileSync(tlsaFile, "utf8"), names, time });
      await page.waitForSelector("#out-dane .verdict");
      const shown = await shownDane(page, "#out-dane");
      const args = ["dane", "--chain", chainFile, "--tlsa-file", tlsaFile, "--at", time];
      for (const n of names.split(" ")) args.push("--name", n);
      const doc = cli(...args);
      assert.equal(shown.outcome, want);
      assert.equal(shown.outcome, doc.outcome, "the page's verdict is the CLI's");
      assert.equal(shown.tlsrpt, doc.tlsrpt_result_type, "the page's TLSRPT result type is the CLI's");
      assert.deepEqual(
        shown.records.map((r) => [r.record, r.status, r.depth]),
        doc.records.map((r) => [r.record, r.status, r.depth === null ? "—" : String(r.depth)]),
        "one row per record, as the CLI's",
      );
      assert.deepEqual(shown.hints, doc.hints.map((x) => x.code), "the likely mistakes are the CLI's");
      assert.equal(shown.chain.length, doc.chain.length);
      doc.chain.forEach((c, i) => {
        assert.ok(shown.chain[i].includes(c.subject) && shown.chain[i].includes(c.issuer) && shown.chain[i].includes(c.not_after), `certificate ${i} explained`);
        for (const n of c.dns_names) assert.ok(shown.chain[i].includes(n));
      });
      assert.deepEqual(page.errors, []);
      assert.deepEqual(offOrigin(page, base), [], "nothing left the origin");
      await page.context().close();
    });
  }

  test("dig output without the ad flag: refused at its line until the operator vouches for it", async () => {
    const noAd = example("dig-answer.txt").replace("flags: qr rd ra ad;", "flags: qr rd ra;");
    assert.notEqual(noAd, example("dig-answer.txt"));
    const page = await open(browser, `${base}#mode=dane`);
    await daneCheck(page, { chain: rsaChain, tlsa: noAd });
    const e = await fieldError(page, "dane-tlsa");
    assert.equal(e?.code, "dig-not-authenticated");
    assert.match(e.text, /^⚠?\s*Line 5: /);
    await daneCheck(page, { chain: rsaChain, tlsa: noAd, unchecked: true });
    await page.waitForSelector("#out-dane .verdict");
    assert.equal((await shownDane(page, "#out-dane")).outcome, "authenticated");
    assert.match(await page.textContent("#out-dane"), /DNSSEC: not checked for records 1, 2/);
    await daneCheck(page, { chain: rsaChain, tlsa: example("dig-answer.txt") });
    await page.waitForSelector("#out-dane .verdict");
    assert.match(await page.textContent("#out-dane"), /records 1, 2 came with the ad flag/);
    await page.context().close();
  });

  test("input is text, never markup: nothing pasted runs", async () => {
    const page = await open(browser, `${base}#mode=dane`);
    const evil = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>';
    await daneCheck(page, { chain: `${evil}\n${rsaChain}`, tlsa: `${evil}\n`, names: evil });
    assert.match(await page.textContent('#form-dane p.error:not([hidden])'), /<img src=x|not a valid|TLSA/, "an error, its text as typed");
    await daneCheck(page, { chain: `${evil}\n${rsaChain}`, tlsa: example("rsa.tlsa"), names: `mx.example.test ${evil}` });
    assert.ok(await fieldError(page, "dane-names"));
    assert.equal(await page.evaluate(() => window.pwned), undefined);
    assert.equal(await page.$$eval("main img, main script", (n) => n.length), 0);
    await page.context().close();
  });

  test("the likely mistake is in words: leaf only", async () => {
    const page = await open(browser, `${base}#mode=dane`);
    await daneCheck(page, { chain: rsaLeaf, tlsa: TA });
    await page.waitForSelector("#out-dane .hints");
    assert.match(await page.textContent("#out-dane .hints"), /sent only its leaf certificate/);
    await page.context().close();
  });

  // [what, field, input change, expected code, text]
  const bad = [
    ["not a chain", "dane-chain", { chain: "hello" }, "not-pem-or-der", /neither PEM/],
    ["no chain", "dane-chain", { chain: "" }, "not-pem-or-der", /neither PEM/],
    ["bad hex on line 2", "dane-tlsa", { tlsa: "3 1 1 fc1d\n3 1 1 zz" }, "invalid-hex", /^⚠?\s*Line 2: /],
    ["no records", "dane-tlsa", { tlsa: "# nothing\n" }, "no-tlsa-records", /no TLSA records/],
    ["not a name", "dane-names", { names: "mx..example.test" }, "invalid-reference-name", /not a valid DNS name/],
    ["no name", "dane-names", { names: "" }, "no-reference-ids", /no reference identifier/],
    ["not a time", "dane-time", { time: "yesterday" }, "invalid-time", /RFC 3339/],
  ];
  for (const [what, id, change, code, text] of bad) {
    test(`bad input, ${what}: a typed error next to the field`, async () => {
      const page = await open(browser, `${base}#mode=dane`);
      await daneCheck(page, { chain: rsaChain, tlsa: example("rsa.tlsa"), ...change });
      const e = await fieldError(page, id);
      assert.ok(e, `an error next to #${id}`);
      assert.equal(e.code, code);
      assert.match(e.text, text);
      assert.ok(e.text.trim().endsWith(code) && !/\[object /.test(e.text), `the message, then its code: ${e.text}`);
      assert.ok(e.invalid && e.focused && e.describedBy, "aria-invalid, focused, described by the error");
      assert.equal(await page.$$eval("#out-dane > *", (n) => n.length), 0, "no verdict next to an error");
      if (code === "invalid-hex") await screenshot(page, "dane-bad-input-desktop-light");
      // Another field's error is gone once the input is right again.
      await daneCheck(page, { chain: rsaChain, tlsa: example("rsa.tlsa") });
      await page.waitForSelector("#out-dane .verdict");
      assert.equal(await fieldError(page, id), null);
      await page.context().close();
    });
  }
});

// ------------------------------------------------------- records to publish

describe("Records to publish", () => {
  test("a chain's 3 1 1 and 2 1 1 zone lines are the CLI's, with copy buttons that copy them", async () => {
    const page = await open(browser, `${base}#mode=publish`);
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: new URL(base).origin });
    await page.fill("#pub-input", rsaChain);
    await page.fill("#pub-host", "mx.example.test");
    await page.check("#pub-sha512");
    await page.click("#form-publish button[type=submit]");
    await page.waitForSelector("#generated");
    const lines = await page.$$eval("#generated .zone-line", (n) => n.map((x) => x.textContent));
    // `mxtrust tlsa` prints zone lines with a `; depth N, role` comment.
    const want = (
      cliText("tlsa", "--cert", exampleFile("rsa-chain.pem"), "--host", "mx.example.test") +
      cliText("tlsa", "--cert", exampleFile("rsa-chain.pem"), "--host", "mx.example.test", "--mtype", "2")
    )
      .trim()
      .split("\n")
      .map((l) => l.replace(/ ;.*$/, ""));
    assert.equal(want.length, 4);
    assert.deepEqual(lines, want);
    assert.match(lines[0], /^_25\._tcp\.mx\.example\.test\. IN TLSA 3 1 1 fc1d3a0b/);
    await page.click("#generated tbody tr:nth-child(2) button");
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), want[1]);
    await page.click("#out-publish h3 button");
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), want.join("\n"));
    await page.context().close();
  });

  test("a CSR gives the next key's record (the second of rollover.tlsa)", async () => {
    const page = await open(browser, `${base}#mode=publish`);
    await page.fill("#pub-input", example("p256-next.csr"));
    await page.fill("#pub-host", "mx.example.test");
    await page.click("#form-publish button[type=submit]");
    await page.waitForSelector("#generated");
    const lines = await page.$$eval("#generated .zone-line", (n) => n.map((x) => x.textContent));
    const next = example("rollover.tlsa").trim().split("\n").pop();
    assert.deepEqual(lines, [`_25._tcp.mx.example.test. IN TLSA ${next}`]);
    await page.context().close();
  });

  test("a public key gives the record of a certificate not issued yet, as mxtrust tlsa --pubkey", async () => {
    const key = createPublicKey(readFileSync(join(repo, "tests/fixtures/dane/p256-leaf-p384.key.pem"))).export({ type: "spki", format: "pem" });
    const page = await open(browser, `${base}#mode=publish`);
    await page.fill("#pub-input", key);
    await page.fill("#pub-host", "mx.example.test");
    await page.click("#form-publish button[type=submit]");
    await page.waitForSelector("#generated");
    const lines = await page.$$eval("#generated .zone-line", (n) => n.map((x) => x.textContent));
    const want = cliText("tlsa", "--pubkey", file("next.pub.pem", key), "--host", "mx.example.test").trim().split("\n").map((l) => l.replace(/ ;.*$/, ""));
    assert.deepEqual(lines, want);
    assert.equal(want.length, 1);
    assert.ok(lines[0].endsWith(example("rollover.tlsa").trim().split("\n").pop()), "the next key of rollover.tlsa");
    await page.context().close();
  });

  test("bad input: not PEM, and a host that is no name", async () => {
    const page = await open(browser, `${base}#mode=publish`);
    await page.fill("#pub-input", "junk");
    await page.click("#form-publish button[type=submit]");
    assert.equal((await fieldError(page, "pub-input"))?.code, "not-pem-or-der");
    await page.fill("#pub-input", rsaChain);
    await page.fill("#pub-host", "bad host");
    await page.click("#form-publish button[type=submit]");
    const e = await fieldError(page, "pub-host");
    assert.equal(e?.code, "invalid-reference-name");
    assert.equal(await fieldError(page, "pub-input"), null);
    await page.context().close();
  });

  async function plan(page, { tlsa, chain, next, ttl = "3600", published = "" }) {
    await page.fill("#roll-published", published);
    await page.fill("#roll-tlsa", tlsa);
    await page.fill("#roll-chain", chain);
    await page.fill("#roll-next", next);
    await page.fill("#roll-names", "mx.example.test");
    await page.fill("#roll-ttl", ttl);
    await page.click("#form-rollover button[type=submit]");
  }

  test("rollover: only the current record published: not yet, the next key's record is named, as the CLI plans", async () => {
    const page = await open(browser, `${base}#mode=publish`);
    const current = example("rollover.tlsa").trim().split("\n").find((l) => l.startsWith("3 1 1"));
    await plan(page, { tlsa: current, chain: example("p256-chain.pem"), next: example("p256-next.csr") });
    await page.waitForSelector("#out-rollover .verdict");
    const doc = cli("rollover", "dane", "--tlsa", current, "--chain", exampleFile("p256-chain.pem"), "--next-csr", exampleFile("p256-next.csr"), "--name", "mx.example.test", "--ttl", "3600");
    assert.equal(await page.getAttribute("#out-rollover .verdict", "data-safe-now"), String(doc.safe_now));
    assert.equal(doc.safe_now, false);
    assert.match(await page.textContent("#out-rollover .verdict"), /Not yet/);
    assert.deepEqual(await page.$$eval("#out-rollover [data-step]", (n) => n.map((x) => x.dataset.step)), doc.steps.map((s) => s.step));
    const publish = doc.steps.find((s) => s.step === "publish");
    assert.ok((await page.textContent("#out-rollover .verdict")).includes(publish.records[0]));
    assert.match(await page.textContent("#out-rollover .verdict"), /Current chain against the published RRset: Authenticated/);
    await page.context().close();
  });

  // [what, RRset unchanged since, title]: rollover.tlsa holds the next key's record.
  const ready = [
    ["published just now: wait one TTL before switching", "", /holds the next key's record: switch after 20\d\d-/],
    ["published two hours ago: switch now", new Date(Date.now() - 7200e3).toISOString().replace(/\.\d+Z$/, "Z"), /Ready: the RRset holds the next key's record, switch now/],
  ];
  for (const [what, published, title] of ready) {
    test(`rollover: rollover.tlsa already holds the next key, ${what}, as the CLI plans`, async () => {
      const page = await open(browser, `${base}#mode=publish`);
      await plan(page, { tlsa: example("rollover.tlsa"), chain: example("p256-chain.pem"), next: example("p256-next-chain.pem"), published });
      await page.waitForSelector("#out-rollover .verdict");
      const args = ["rollover", "dane", "--tlsa-file", exampleFile("rollover.tlsa"), "--chain", exampleFile("p256-chain.pem"), "--next-chain", exampleFile("p256-next-chain.pem"), "--name", "mx.example.test", "--ttl", "3600"];
      if (published) args.push("--published-at", published);
      const doc = cli(...args);
      assert.equal(await page.getAttribute("#out-rollover .verdict", "data-safe-now"), String(doc.safe_now));
      assert.equal(doc.safe_now, Boolean(published));
      assert.match(await page.textContent("#out-rollover .verdict"), title);
      assert.deepEqual(await page.$$eval("#out-rollover [data-step]", (n) => n.map((x) => x.dataset.step)), doc.steps.map((s) => s.step));
      assert.match(await page.textContent("#out-rollover .verdict"), /Next chain against the published RRset: Authenticated/);
      await page.context().close();
    });
  }

  test("rollover bad input: no TTL, a TTL that is no number, a next key that is not PEM, a bad time", async () => {
    const page = await open(browser, `${base}#mode=publish`);
    await plan(page, { tlsa: example("rollover.tlsa"), chain: example("p256-chain.pem"), next: example("p256-next.csr"), ttl: "" });
    assert.equal((await fieldError(page, "roll-ttl"))?.code, "no-ttl");
    await plan(page, { tlsa: example("rollover.tlsa"), chain: example("p256-chain.pem"), next: example("p256-next.csr"), ttl: "an hour" });
    assert.equal((await fieldError(page, "roll-ttl"))?.code, "invalid-ttl");
    await plan(page, { tlsa: example("rollover.tlsa"), chain: example("p256-chain.pem"), next: "junk" });
    assert.equal((await fieldError(page, "roll-next"))?.code, "not-pem-or-der");
    await plan(page, { tlsa: "3 1 1 xyz", chain: example("p256-chain.pem"), next: example("p256-next.csr") });
    assert.ok(await fieldError(page, "roll-tlsa"));
    await plan(page, { tlsa: example("rollover.tlsa"), chain: example("p256-chain.pem"), next: example("p256-next.csr"), published: "last week" });
    assert.equal((await fieldError(page, "roll-published"))?.code, "invalid-time");
    await page.context().close();
  });
});

// --------------------------------------------------------------- MTA-STS

describe("MTA-STS mode", () => {
  const hosts = ["mx.example.test", "mx1.backup.example.test", "a.b.backup.example.test", "other.example.test"];

  test("examples/mta-sts.txt: valid, and the MX tester says what the CLI says", async () => {
    const page = await open(browser, `${base}#mode=sts`);
    await page.fill("#sts-policy", example("mta-sts.txt"));
    await page.fill("#sts-mx", hosts.join(" "));
    await page.fill("#sts-txt", "v=STSv1; id=20261128T000000");
    await page.click("#form-sts button[type=submit]");
    await page.waitForSelector("#out-sts .verdict");
    const args = ["sts-policy", exampleFile("mta-sts.txt")];
    for (const m of hosts) args.push("--mx", m);
    const doc = cli(...args);
    assert.equal(await page.getAttribute("#out-sts .verdict", "data-valid"), String(doc.valid));
    const rows = await page.$$eval("#mx-matches tbody tr", (n) => n.map((tr) => [...tr.children].map((c) => c.textContent)));
    assert.deepEqual(rows, doc.matches.map((m) => [m.host, m.allowed ? "allowed" : "not allowed", m.pattern ?? "no mx line matches"]));
    assert.match(await page.textContent("#txt-result"), /found, id 20261128T000000/);
    assert.equal(await page.$$eval(".listing .ln", (n) => n.length), 5);
    await page.context().close();
  });

  const broken = [
    ["warnings only", "warnings", "version: STSv1\nmode: enforce \n\nmx: mx.example.test\nmax_age: 99999999\nmx: -bad-.example\n"],
    ["an error", "error", "version: STSv1\nmode: enforcing\n\nmx: mx.example.test\nmax_age: 86400\n"],
  ];
  for (const [what, name, text] of broken) test(`a broken policy, ${what}: every error and warning on its numbered line, as the CLI reports them`, async () => {
    const f = file(`policy-${name}.txt`, text);
    const page = await open(browser, `${base}#mode=sts`);
    await page.fill("#sts-policy", text);
    await page.fill("#sts-mx", "mx.example.test");
    await page.click("#form-sts button[type=submit]");
    await page.waitForSelector("#out-sts .verdict");
    const doc = cli("sts-policy", f, "--mx", "mx.example.test");
    assert.ok(doc.errors.length + doc.warnings.length > 0, "the case has problems to show");
    // Every line, flagged or not, keeps the listing's columns: its number, then its text.
    const layout = await page.$$eval(".listing .ln", (n) =>
      n.map((l) => [l.children[0].className, l.children[1].className, getComputedStyle(l, "::before").content, l.children[0].getBoundingClientRect().left === n[0].children[0].getBoundingClientRect().left]),
    );
    for (const row of layout) assert.deepEqual(row, ["no", "tx", "none", true]);
    const shown = await page.$$eval(".listing .ln", (n) => n.map((l) => ({ line: Number(l.dataset.line), level: l.classList.contains("is-error") ? "error" : l.classList.contains("is-warning") ? "warning" : "", notes: [...l.querySelectorAll(".note")].map((x) => x.textContent) })));
    for (const [level, list] of [["error", doc.errors], ["warning", doc.warnings]]) {
      for (const p of list.filter((p) => p.line > 0)) {
        const ln = shown.find((s) => s.line === p.line);
        assert.ok(ln.notes.some((n) => n.includes(p.message) && n.includes(p.kind)), `line ${p.line}: ${p.message}`);
        if (level === "error") assert.equal(ln.level, "error");
      }
    }
    const flagged = shown.filter((s) => s.level).map((s) => s.line);
    assert.deepEqual(flagged, [...new Set([...doc.errors, ...doc.warnings].map((p) => p.line).filter((l) => l > 0))].sort((a, b) => a - b));
    assert.equal(await page.getAttribute("#out-sts .verdict", "data-valid"), String(doc.valid));
    if (!doc.valid) assert.equal((await fieldError(page, "sts-policy"))?.code, doc.errors[0].kind);
    await screenshot(page, `sts-policy-${name}-desktop-light`);
    await page.context().close();
  });

  test("the certificate check against pasted roots: valid, as the CLI says", async () => {
    const page = await open(browser, `${base}#mode=sts`);
    await page.fill("#sts-policy", example("mta-sts.txt"));
    await page.fill("#sts-mx", "mx.example.test");
    await page.fill("#sts-chain", example("p256-chain.pem"));
    await page.check("#sts-roots-pasted");
    await page.fill("#sts-roots", rootPem);
    await page.fill("#sts-time", AT);
    await page.click("#form-sts button[type=submit]");
    await page.waitForSelector("#sts-check-verdict");
    const doc = cli("sts-check", "--policy", exampleFile("mta-sts.txt"), "--chain", exampleFile("p256-chain.pem"), "--mx", "mx.example.test", "--trust-anchors", join(repo, "tests/fixtures/dane/p256-root.der"), "--at", AT);
    assert.equal(await page.getAttribute("#sts-check-verdict", "data-outcome"), doc.outcome);
    assert.equal(doc.outcome, "valid");
    assert.ok(!page.requests.some((u) => u.endsWith("/roots.js")), "the public roots were not loaded");
    await page.context().close();
  });

  test("the public root set loads only when asked for, and does not trust the test chain", async () => {
    const page = await open(browser, `${base}#mode=sts`);
    await page.fill("#sts-policy", example("mta-sts.txt"));
    await page.fill("#sts-mx", "mx.example.test");
    await page.click("#form-sts button[type=submit]");
    await page.waitForSelector("#out-sts .verdict");
    assert.ok(!page.requests.some((u) => u.endsWith("/roots.js")), "no roots without a chain");
    await page.fill("#sts-chain", example("p256-chain.pem"));
    await page.click("#form-sts button[type=submit]");
    await page.waitForSelector("#sts-check-verdict");
    assert.ok(page.requests.some((u) => u.endsWith("/mxtrust/roots.js")), "roots.js loaded on demand");
    assert.equal(await page.getAttribute("#sts-check-verdict", "data-outcome"), "invalid");
    assert.match(await page.textContent("#sts-check-verdict"), /TLSRPT result type: \S+/);
    assert.match(await page.textContent("#sts-check-verdict"), /against \d{3} trusted roots/);
    await page.context().close();
  });

  test("bad input: a TXT record with a bad id, unreadable roots, a chain without an MX host", async () => {
    const page = await open(browser, `${base}#mode=sts`);
    await page.fill("#sts-policy", example("mta-sts.txt"));
    await page.fill("#sts-txt", "v=STSv1; id=not-an-id");
    await page.fill("#sts-mx", "mx.example.test");
    await page.click("#form-sts button[type=submit]");
    assert.equal((await fieldError(page, "sts-txt"))?.code, "invalid");
    await page.fill("#sts-txt", "");
    await page.fill("#sts-chain", example("p256-chain.pem"));
    await page.check("#sts-roots-pasted");
    await page.fill("#sts-roots", "junk");
    await page.click("#form-sts button[type=submit]");
    assert.equal((await fieldError(page, "sts-roots"))?.code, "not-pem-or-der");
    await page.fill("#sts-roots", rootPem);
    await page.fill("#sts-mx", "");
    await page.click("#form-sts button[type=submit]");
    assert.ok(await fieldError(page, "sts-mx"), "an error next to the MX hosts");
    await page.context().close();
  });
});

// ---------------------------------------------------------------- Domain

describe("Domain mode without an edge API", () => {
  test("a static server has no API: the error is next to the base URL; a bad URL too", async () => {
    const page = await open(browser, `${base}#mode=domain`);
    await page.fill("#dom-domain", "example.test");
    await page.click("#form-domain button[type=submit]");
    await page.waitForSelector("#dom-api-error:not([hidden])");
    assert.equal((await fieldError(page, "dom-api"))?.code, "no-api");
    await page.fill("#dom-api", "http://[::1");
    await page.click("#form-domain button[type=submit]");
    assert.equal((await fieldError(page, "dom-api"))?.code, "invalid-url");
    await page.fill("#dom-api", "");
    await page.click("#dom-more summary");
    await page.fill("#dom-import", "{ not json");
    await page.click("#form-domain button[type=submit]");
    assert.equal((await fieldError(page, "dom-import"))?.code, "invalid-json");
    await page.context().close();
  });
});

// ----------------------------------------------- state, keyboard, a11y, looks

describe("the page as a whole", () => {
  test("the input lives in the URL fragment: the link reproduces the verdict, nothing is sent", async () => {
    const page = await open(browser, `${base}#mode=dane`);
    await daneCheck(page, { chain: example("p256-chain.pem"), tlsa: example("rsa.tlsa") });
    await page.waitForSelector("#out-dane .verdict");
    await page.waitForFunction(() => location.hash.includes("dane.chain="));
    const link = page.url();
    assert.ok(new URL(link).hash.includes("dane.tlsa="));
    const again = await open(browser, link);
    await again.waitForSelector("#out-dane .verdict");
    assert.equal((await shownDane(again, "#out-dane")).outcome, "failed");
    assert.equal(await again.inputValue("#dane-names"), "mx.example.test");
    const requested = again.requests.map((u) => new URL(u).pathname);
    assert.ok(requested.every((p) => !p.startsWith("/api/")), "no API call");
    assert.ok(again.requests.every((u) => !u.includes("fc1d3a0b")), "the records never left in a request");
    await page.context().close();
    await again.context().close();
  });

  test("keyboard only: the tabs, the form and the verdict", async () => {
    const page = await open(browser, `${base}#mode=dane`);
    // Tab from the top: skip link, then the tabs.
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement.className), "skip");
    const tabs = [];
    for (let i = 0; i < 4; i++) {
      await page.keyboard.press("Tab");
      tabs.push(await page.evaluate(() => document.activeElement.dataset.mode));
    }
    assert.deepEqual(tabs, ["dane", "publish", "sts", "domain"]);
    await page.keyboard.press("Shift+Tab");
    await page.keyboard.press("Enter"); // the MTA-STS tab
    await page.waitForSelector("#mode-sts:not([hidden])");
    await page.waitForFunction(() => document.activeElement.id === "h-sts");
    assert.equal(await page.getAttribute('.tabs a[data-mode="sts"]', "aria-current"), "page");
    await page.keyboard.press("Shift+Tab"); // domain
    await page.keyboard.press("Shift+Tab"); // MTA-STS
    await page.keyboard.press("Shift+Tab"); // records to publish
    await page.keyboard.press("Shift+Tab"); // DANE
    await page.keyboard.press("Enter");
    await page.waitForSelector("#mode-dane:not([hidden])");
    // Choosing a mode moves focus to its heading: the next Tab stop is the chain.
    await page.waitForFunction(() => document.activeElement.id === "h-dane");
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement.id), "dane-chain");
    await page.keyboard.insertText(rsaChain);
    await page.keyboard.press("Tab");
    await page.keyboard.insertText(example("rsa.tlsa"));
    await page.keyboard.press("Tab");
    await page.keyboard.type("mx.example.test");
    await page.keyboard.press("Enter"); // submits the form
    await page.waitForSelector("#out-dane .verdict");
    assert.equal(await page.evaluate(() => document.activeElement.classList.contains("verdict-title")), true, "focus moves to the verdict");
    assert.equal((await shownDane(page, "#out-dane")).outcome, "authenticated");
    await page.context().close();
  });

  // Every mode filled with the examples, for axe-core and the screenshots.
  const fill = {
    dane: async (page) => {
      await daneCheck(page, { chain: example("p256-chain.pem"), tlsa: example("rsa.tlsa") });
      await page.waitForSelector("#out-dane .verdict");
    },
    publish: async (page) => {
      await page.fill("#pub-input", rsaChain);
      await page.fill("#pub-host", "mx.example.test");
      await page.click("#form-publish button[type=submit]");
      const current = example("rollover.tlsa").trim().split("\n").find((l) => l.startsWith("3 1 1"));
      await page.fill("#roll-tlsa", current);
      await page.fill("#roll-chain", example("p256-chain.pem"));
      await page.fill("#roll-next", example("p256-next.csr"));
      await page.fill("#roll-names", "mx.example.test");
      await page.fill("#roll-ttl", "3600");
      await page.click("#form-rollover button[type=submit]");
      await page.waitForSelector("#out-rollover .verdict");
    },
    sts: async (page) => {
      await page.fill("#sts-policy", "version: STSv1\nmode: enforce \nmx: mx.example.test\nmx: *.backup.example.test\n\nmax_age: 604800\n");
      await page.fill("#sts-mx", "mx.example.test mx2.example.test");
      await page.fill("#sts-txt", "v=STSv1; id=20261128T000000");
      await page.fill("#sts-chain", example("p256-chain.pem"));
      await page.check("#sts-roots-pasted");
      await page.fill("#sts-roots", rootPem);
      await page.click("#form-sts button[type=submit]");
      await page.waitForSelector("#sts-check-verdict");
    },
    domain: async (page) => {
      await page.fill("#dom-domain", "example.test");
      await page.click("#form-domain button[type=submit]");
      await page.waitForSelector("#dom-api-error:not([hidden])");
    },
  };
  for (const mode of Object.keys(fill)) {
    for (const colorScheme of ["light", "dark"]) {
      test(`${mode}, ${colorScheme}: axe-core finds no serious or critical violation; screenshots at desktop and phone width`, async () => {
        const page = await open(browser, `${base}#mode=${mode}`, { colorScheme });
        await fill[mode](page);
        const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor.match(/\d+/g).slice(0, 3).map(Number));
        const sum = bg.reduce((a, b) => a + b, 0);
        assert.ok(colorScheme === "dark" ? sum < 150 : sum > 600, `a ${colorScheme} background: rgb(${bg})`);
        assert.deepEqual(await axe(page), []);
        await screenshot(page, `${mode}-desktop-${colorScheme}`);
        await page.setViewportSize({ width: 390, height: 844 });
        assert.deepEqual(await axe(page), []);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 0, `no sideways scrolling at phone width (${overflow}px too wide)`);
        await screenshot(page, `${mode}-phone-${colorScheme}`);
        assert.deepEqual(page.errors, []);
        assert.deepEqual(offOrigin(page, base), [], "no external resource");
        await page.context().close();
      });
    }
  }
});
