// Shared by the browser tests: Debian's chromium driven by playwright-core
// (no browser download: TOOLING.md), the loopback static server, axe-core,
// screenshots, and reading what the page shows.
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
export const repo = resolve(here, "../..");
export const example = (name) => readFileSync(join(repo, "examples", name), "utf8");

export const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
export const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

export const SCREENSHOTS = resolve(
  process.env.WEB_SCREENSHOTS || join(process.env.CARGO_TARGET_DIR || join(repo, "target"), "web-screenshots"),
);

export async function launch() {
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
}

/** Starts web/serve.mjs on a free loopback port; returns { url, stop }. */
export async function serve() {
  const child = spawn(process.execPath, [join(repo, "web", "serve.mjs"), "0", "127.0.0.1"], { stdio: ["ignore", "pipe", "inherit"] });
  const url = await new Promise((ok, fail) => {
    let text = "";
    child.stdout.on("data", (d) => {
      text += d;
      const m = /serving (http:\/\/\S+)/.exec(text);
      if (m) ok(m[1]);
    });
    child.on("exit", (code) => fail(new Error(`serve.mjs exited with ${code}`)));
  });
  return { url, stop: () => child.kill() };
}

/**
 * A page that records every request and every page error, so a test can
 * assert that nothing left the origin and nothing threw.
 */
export async function open(browser, url, { width = 1280, height = 900, colorScheme = "light" } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, colorScheme });
  const page = await context.newPage();
  page.setDefaultTimeout(10000);
  page.requests = [];
  page.errors = [];
  page.on("request", (r) => page.requests.push(r.url()));
  page.on("pageerror", (e) => page.errors.push(e.message));
  await page.goto(url);
  await page.waitForSelector("body[data-ready]");
  return page;
}

/** axe-core over the page: the violations of impact serious or critical. */
export async function axe(page) {
  await page.addScriptTag({ path: join(here, "node_modules", "axe-core", "axe.min.js") });
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`);
}

export async function screenshot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** The verdict the page shows in `out`: its outcome code (from the title shown) and TLSRPT result type. */
export const TITLE_TO_OUTCOME = {
  Authenticated: "authenticated",
  "TLS without authentication": "unauthenticated-tls",
  Failed: "failed",
};

export async function shownDane(page, out) {
  return page.evaluate(
    ([out, map]) => {
      const root = document.querySelector(out);
      const v = root.querySelector(".verdict");
      if (!v) return null;
      const title = v.querySelector(".title").textContent;
      const t = v.querySelector(".tlsrpt .chip");
      return {
        outcome: map[title] ?? `unknown title: ${title}`,
        tlsrpt: t ? t.textContent : null,
        records: [...root.querySelectorAll("#dane-records tbody tr")].map((tr) => ({
          record: tr.querySelector('[data-label="Record"]').textContent,
          status: tr.querySelector('[data-label="Status"]').textContent,
          depth: tr.querySelector('[data-label="Depth"]').textContent,
        })),
        hints: [...root.querySelectorAll("[data-hint]")].map((li) => li.dataset.hint),
        chain: [...root.querySelectorAll(".cert")].map((c) => c.textContent),
      };
    },
    [out, TITLE_TO_OUTCOME],
  );
}

/** The error shown next to a field: { text, code, invalid, focused } or null. */
export async function fieldError(page, id) {
  return page.evaluate((id) => {
    const el = document.getElementById(id);
    const slot = document.getElementById(`${id}-error`);
    if (!slot || slot.hidden) return null;
    return {
      text: slot.textContent,
      code: slot.dataset.code,
      invalid: el.getAttribute("aria-invalid") === "true",
      focused: document.activeElement === el,
      describedBy: (el.getAttribute("aria-describedby") || "").split(" ").includes(`${id}-error`),
    };
  }, id);
}

/** Fails when the page requested anything outside its origin (no CDN, no fonts, no API unless `allow`). */
export function offOrigin(page, origin, allow = () => false) {
  return page.requests.filter((u) => !u.startsWith(origin) && !u.startsWith("data:") && !allow(u));
}
