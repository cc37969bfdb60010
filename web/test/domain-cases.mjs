// The Domain mode in Debian's chromium against the edge worker in workerd,
// which serves the page and /api/check on one origin as deployed, inside
// the real stack's namespace (tests/stack/cases/web.sh):
//
//   node domain-cases.mjs BASE_URL CHAIN_PEM CHECK_JSON
//
// CHAIN_PEM is the chain the stack's Postfix presents; CHECK_JSON the
// output of `mxtrust check ee.example.test --json` run against the stack.
// Prints `ok WHAT` / `not ok WHAT: WHY` per assertion (web.sh counts them).
// Every verdict the page shows is compared with the API's own answer.
import { readFileSync } from "node:fs";
import { axe, launch, offOrigin, open, screenshot, SCREENSHOTS } from "./browser.mjs";

const [base, chainFile, checkFile] = process.argv.slice(2);
const chain = readFileSync(chainFile, "utf8");
const checkJson = readFileSync(checkFile, "utf8");

let failed = 0;
function say(pass, what, why) {
  if (!pass) failed++;
  console.log(pass ? `ok ${what}` : `not ok ${what}: ${why}`);
}
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
const api = async (domain) => (await fetch(`${base}api/check?domain=${domain}`)).json();

/** What the page shows per MX host. */
const shown = (page) =>
  page.$$eval("#out-domain section.host", (hosts) =>
    hosts.map((s) => {
      const dd = (term) => {
        const dt = [...s.querySelectorAll("dl.kv > dt")].find((x) => x.textContent === term);
        return dt ? dt.nextElementSibling : null;
      };
      return {
        host: s.dataset.host,
        decision: dd("Decision")?.querySelector(".chip")?.textContent ?? null,
        tlsa: dd("TLSA")?.querySelector(".chip")?.textContent ?? null,
        addresses: dd("Addresses")?.querySelector(".chip")?.textContent ?? null,
        records: [...(dd("Records")?.querySelectorAll("li") ?? [])].map((li) => li.firstChild.textContent),
        missing: dd("Missing")?.textContent ?? null,
        dane: s.querySelector(".host-dane .verdict")?.dataset.outcome ?? null,
        sts: s.querySelector(".host-sts .verdict")?.dataset.outcome ?? null,
        tlsrpt: [...s.querySelectorAll(".tlsrpt .chip")].map((c) => c.textContent),
        imported: [...s.querySelectorAll(".imported tbody tr")].map((tr) => tr.querySelector('[data-label="Verdict"]').textContent),
      };
    }),
  );

async function check(page, domain) {
  await page.fill("#dom-domain", domain);
  await page.click("#form-domain button[type=submit]");
  await page.waitForSelector("#out-domain .panel, #form-domain p.error:not([hidden])");
}

const browser = await launch();
try {
  const page = await open(browser, `${base}#mode=domain`);

  // Per domain: the page shows, per host, the API's decision and TLSA state.
  const domains = [
    ["DANE-EE host", "ee.example.test", (h) => h.decision === "require-dane" && h.tlsa === "secure-with-records" && h.addresses === "secure" && /paste it below/.test(h.missing)],
    ["DANE-TA host", "ta.example.test", (h) => h.decision === "require-dane"],
    ["bogus TLSA: defer, dnssec-invalid", "bogus.example.test", (h) => h.decision === "defer" && h.tlsrpt.includes("dnssec-invalid")],
    ["unsigned zone: opportunistic, authentication missing", "insecure.test", (h) => h.decision === "opportunistic" && h.tlsa === "insecure" && /Authentication/.test(h.missing)],
    ["MTA-STS enforce: require-sts, the chain missing", "sts.example.test", (h) => h.decision === "require-sts" && /MTA-STS certificate check/.test(h.missing)],
    ["MTA-STS testing", "testing.example.test", (h) => h.decision === "sts-testing"],
  ];
  for (const [what, domain, want] of domains) {
    await check(page, domain);
    const hosts = await shown(page);
    const doc = await api(domain);
    const fromApi = doc.hosts.map((h) => [h.host, h.decision.action, h.tlsa.state, h.tlsa.records.map((r) => r.record)]);
    const onPage = hosts.map((h) => [h.host, h.decision, h.tlsa, h.records]);
    say(same(onPage, fromApi), `domain ${domain}: per host the API's decision, TLSA state and records`, `page ${JSON.stringify(onPage)}, api ${JSON.stringify(fromApi)}`);
    say(hosts.length > 0 && hosts.every(want), `domain ${domain}: ${what}`, JSON.stringify(hosts));
  }

  await check(page, "nullmx.example.test");
  say(/null-mx/.test(await page.textContent("#out-domain")) && (await shown(page)).length === 0, "domain nullmx.example.test: null MX, no host", await page.textContent("#out-domain"));

  // A pasted chain completes the DANE verdict (POST /api/check).
  await check(page, "ee.example.test");
  await page.fill("#dom-chain-ee_example_test", chain);
  await page.click("#form-domain button[type=submit]");
  await page.waitForSelector("#out-domain .host-dane .verdict");
  {
    const [h] = await shown(page);
    const doc = await (await fetch(`${base}api/check`, { method: "POST", body: JSON.stringify({ domain: "ee.example.test", chains: { "ee.example.test": chain } }) })).json();
    say(h.dane === doc.hosts[0].dane.outcome && h.dane === "authenticated", "ee.example.test: the pasted chain's DANE verdict is the API's (authenticated)", `${h.dane} vs ${doc.hosts[0].dane.outcome}`);
    say(!/paste it below/.test(h.missing), "ee.example.test: the chain is no longer missing", h.missing);
  }
  // The link holds the domain and the chain; opened again, it asks again.
  {
    await page.waitForFunction(() => location.hash.includes("chain.ee.example.test"));
    const again = await open(browser, page.url());
    await again.waitForSelector("#out-domain .host-dane .verdict");
    const [h] = await shown(again);
    say(h.dane === "authenticated", "the shared link reproduces the domain's verdicts", JSON.stringify(h));
    await again.context().close();
  }
  for (const colorScheme of ["light", "dark"]) {
    await page.emulateMedia({ colorScheme });
    await page.setViewportSize({ width: 1280, height: 900 });
    const v1 = await axe(page);
    await screenshot(page, `domain-edge-desktop-${colorScheme}`);
    await page.setViewportSize({ width: 390, height: 844 });
    const v2 = await axe(page);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    await screenshot(page, `domain-edge-phone-${colorScheme}`);
    say(v1.length === 0 && v2.length === 0, `axe-core, domain results, ${colorScheme}: no serious or critical violation`, [...v1, ...v2].join("; "));
    say(overflow <= 0, `domain results, ${colorScheme}: no sideways scrolling at phone width`, `${overflow}px`);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.emulateMedia({ colorScheme: "light" });

  // mxtrust check --json imported: the CLI's port-25 verdicts per host.
  {
    const cli = JSON.parse(checkJson);
    await page.fill("#dom-chain-ee_example_test", "");
    await page.fill("#dom-import", checkJson);
    await page.click("#form-domain button[type=submit]");
    await page.waitForSelector("#out-domain .imported");
    const [h] = await shown(page);
    const want = cli.hosts.find((x) => x.host === "ee.example.test").connections.map((c) => c.verdict);
    say(want.length > 0 && same(h.imported, want), "mxtrust check --json imported: its verdict per connection shown", `page ${JSON.stringify(h.imported)}, cli ${JSON.stringify(want)}`);
  }
  // ... and a report of another domain is refused next to the import field.
  await check(page, "sts.example.test");
  await page.waitForSelector("#dom-import-error:not([hidden])");
  say((await page.getAttribute("#dom-import-error", "data-code")) === "domain-mismatch", "a report of another domain: domain-mismatch next to the import field", await page.textContent("#dom-import-error"));
  await page.fill("#dom-import", "");

  // MTA-STS: a pasted chain gets the RFC 8461 §4.2 check against the public roots.
  await check(page, "sts.example.test");
  await page.fill("#dom-chain-sts_example_test", chain);
  await page.click("#form-domain button[type=submit]");
  await page.waitForSelector("#out-domain .host-sts .verdict");
  {
    const [h] = await shown(page);
    const doc = await (await fetch(`${base}api/check`, { method: "POST", body: JSON.stringify({ domain: "sts.example.test", chains: { "sts.example.test": chain } }) })).json();
    say(h.sts === doc.hosts[0].sts_certificate.outcome && h.sts === "invalid" && !/MTA-STS certificate check/.test(h.missing), "sts.example.test: the public roots do not trust the test chain, as the API says", `${JSON.stringify(h)} vs ${doc.hosts[0].sts_certificate.outcome}`);
  }

  // Bad input, next to the field at fault.
  await check(page, "a..b");
  say((await page.getAttribute("#dom-domain-error", "data-code")) === "invalid-domain" && (await page.getAttribute("#dom-domain", "aria-invalid")) === "true", "a domain that is no domain: invalid-domain next to the field", await page.textContent("#dom-domain-error"));
  await page.fill("#dom-api", "http://127.0.0.1:9/");
  await check(page, "ee.example.test");
  say((await page.getAttribute("#dom-api-error", "data-code")) === "api-unreachable", "an API that does not answer: the error is next to the base URL", await page.textContent("#dom-api-error"));
  await page.fill("#dom-api", "");

  say(page.errors.length === 0, "no page error", page.errors.join("; "));
  say(offOrigin(page, base.replace(/\/$/, ""), (u) => u.startsWith("http://127.0.0.1:9/")).length === 0, "every request went to the page's own origin (page and API)", offOrigin(page, base).join(" "));
  await page.context().close();
} catch (e) {
  say(false, "domain-cases.mjs ran to the end", e.stack);
} finally {
  await browser.close();
  console.log(`# screenshots: ${SCREENSHOTS}`);
}
process.exit(failed ? 1 : 0);
