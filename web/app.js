// The mxtrust checker: reads the forms, calls the wasm package (its
// `browser` entry, mapped to ./mxtrust/ by the page's import map) and
// renders the documents it returns. No rule of DANE or MTA-STS lives
// here: every verdict, parse and record comes from the package, and the
// domain mode's from the edge API (which runs the same package).
import init, { generateTlsa, parsePolicy, parseStsRecord, planDaneRollover, verifyDane, checkSts } from "mxtrust";
import { $, $$, h, chip } from "./dom.js";
import * as render from "./render.js";

const MODES = ["dane", "publish", "sts", "domain"];
const TITLES = { dane: "DANE", publish: "Records to publish", sts: "MTA-STS", domain: "Domain" };

// ------------------------------------------------------------- errors

/** An input the page cannot pass on (not JSON, not a number), by field. */
class FieldError extends Error {
  constructor(field, message, code = "invalid-input") {
    super(message);
    this.field = field;
    this.code = code;
  }
}

/**
 * Which field an error belongs to: the package names the option at fault
 * at the start of its message (`chain: …`, `tlsa:3: …`, `names[0] …`,
 * `next.csr: …`); a few codes name none.
 */
function fieldOf(e, codes = {}) {
  if (e.field) return e.field;
  if (codes[e.code]) return codes[e.code];
  const m = /^([A-Za-z]+)/.exec(e.message || "");
  return m ? m[1] : null;
}

function clearErrors(form) {
  for (const p of $$("p.error", form)) {
    p.hidden = true;
    p.textContent = "";
  }
  for (const el of $$("[aria-invalid]", form)) el.removeAttribute("aria-invalid");
}

/** Shows an error next to the field it names (`fields`: name → element id), else under the form. */
function showError(form, e, fields, codes) {
  if (!(e instanceof FieldError) && !(e && e.name === "MxtrustError") && !(e instanceof ApiError)) {
    console.error(e);
  }
  const name = fieldOf(e, codes);
  const id = (name && fields[name]) || null;
  const el = id ? document.getElementById(id) : null;
  const slot = el ? document.getElementById(`${id}-error`) : $(`#${form.id.replace("form-", "")}-form-error`);
  const text = (e.message || String(e)).replace(/^[A-Za-z.[\]0-9]+(:\d+)?: /, "");
  slot.replaceChildren(e.line ? `Line ${e.line}: ` : "", text, ...(e.code ? [" ", chip(e.code, "bad")] : []));
  slot.hidden = false;
  slot.dataset.code = e.code || "";
  if (el) {
    el.setAttribute("aria-invalid", "true");
    el.focus();
  }
}

// --------------------------------------------------------------- forms

const value = (id) => document.getElementById(id).value;
const list = (text) => text.split(/[\s,]+/).filter(Boolean);
const optional = (text) => (text.trim() === "" ? undefined : text.trim());

/** What a pasted PEM holds, by its first BEGIN line: the option to pass. */
function pemKind(text) {
  if (/-----BEGIN PUBLIC KEY-----/.test(text)) return "publicKey";
  if (/-----BEGIN (NEW )?CERTIFICATE REQUEST-----/.test(text)) return "csr";
  return "chain";
}

function show(out, nodes, focus) {
  out.replaceChildren(...[nodes].flat(Infinity).filter(Boolean));
  const title = $(".verdict-title", out);
  if (focus && title) title.focus();
}

function dane(focus) {
  const form = $("#form-dane");
  clearErrors(form);
  const out = $("#out-dane");
  try {
    const report = verifyDane({
      chain: value("dane-chain"),
      tlsa: value("dane-tlsa"),
      names: list(value("dane-names")),
      time: optional(value("dane-time")),
      dnssecUnchecked: $("#dane-unchecked").checked,
    });
    show(out, render.daneReport(report), focus);
  } catch (e) {
    out.replaceChildren();
    showError(form, e, { chain: "dane-chain", tlsa: "dane-tlsa", names: "dane-names", time: "dane-time" }, { "no-reference-ids": "names" });
  }
}

function publish(focus) {
  const form = $("#form-publish");
  clearErrors(form);
  const out = $("#out-publish");
  try {
    const text = value("pub-input");
    const kind = pemKind(text);
    const host = optional(value("pub-host"));
    const base = { [kind]: text, host };
    const records = generateTlsa(base);
    if ($("#pub-sha512").checked) records.push(...generateTlsa({ ...base, matchingType: 2 }));
    if ($("#pub-cert").checked && kind === "chain") records.push(...generateTlsa({ ...base, selector: 0 }));
    show(out, render.generated(records), focus);
  } catch (e) {
    out.replaceChildren();
    showError(form, e, { chain: "pub-input", publicKey: "pub-input", csr: "pub-input", owner: "pub-host", host: "pub-host" });
  }
}

function rollover(focus) {
  const form = $("#form-rollover");
  clearErrors(form);
  const out = $("#out-rollover");
  const fields = { tlsa: "roll-tlsa", chain: "roll-chain", next: "roll-next", names: "roll-names", ttl: "roll-ttl", publishedAt: "roll-published", time: "roll-published" };
  try {
    const ttlText = value("roll-ttl").trim();
    if (ttlText && !/^\d+$/.test(ttlText)) throw new FieldError("ttl", "the TTL is a whole number of seconds", "invalid-ttl");
    const nextText = value("roll-next");
    const nextKind = pemKind(nextText);
    const names = list(value("roll-names"));
    const tlsa = value("roll-tlsa");
    const chain = value("roll-chain");
    const plan = planDaneRollover({
      tlsa,
      chain,
      next: { [nextKind]: nextText },
      names,
      ttl: ttlText ? Number(ttlText) : undefined,
      publishedAt: optional(value("roll-published")),
    });
    // The RRset is the operator's own: its DNSSEC status is theirs to vouch for.
    const current = verifyDane({ chain, tlsa, names, dnssecUnchecked: true });
    let next = null;
    if (nextKind === "chain") {
      try {
        next = verifyDane({ chain: nextText, tlsa, names, dnssecUnchecked: true });
      } catch (e) {
        if (fieldOf(e) === "chain") e.field = "next";
        throw e;
      }
    }
    show(out, render.rollover(plan, current, next), focus);
  } catch (e) {
    out.replaceChildren();
    showError(form, e, fields, { "no-ttl": "ttl" });
  }
}

let publicRoots;
async function sts(focus) {
  const form = $("#form-sts");
  clearErrors(form);
  const out = $("#out-sts");
  const fields = { policy: "sts-policy", txt: "sts-txt", mx: "sts-mx", chain: "sts-chain", roots: "sts-roots", time: "sts-time" };
  try {
    const policy = value("sts-policy");
    const mx = list(value("sts-mx"));
    const report = parsePolicy(policy, mx);
    const txt = optional(value("sts-txt"));
    const record = txt === undefined ? null : parseStsRecord(txt);
    const nodes = [render.policy(report, policy, record)];
    if (!report.valid) {
      const first = report.errors[0];
      const e = new FieldError("policy", first ? first.message : "the policy is invalid", first ? first.kind : "policy-invalid");
      if (first && first.line) e.line = first.line;
      showError(form, e, fields);
    }
    if (record && !record.found) showError(form, new FieldError("txt", record.reason || "no v=STSv1 record", record.unavailable || "no-record"), fields);
    if (value("sts-chain").trim()) {
      let roots;
      if ($("#sts-roots-pasted").checked) {
        roots = value("sts-roots");
      } else {
        // 171 KB of roots: loaded on the first check that needs them.
        publicRoots ??= (await import("mxtrust/roots")).default;
        roots = publicRoots;
      }
      nodes.push(render.stsCheck(checkSts({ policy, chain: value("sts-chain"), mx: mx[0], roots, time: optional(value("sts-time")) })));
    }
    show(out, nodes, focus);
  } catch (e) {
    out.replaceChildren();
    showError(form, e, fields);
  }
}

// ---------------------------------------------------------- domain mode

class ApiError extends Error {
  constructor(code, message, status) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

function apiUrl() {
  const base = value("dom-api").trim();
  try {
    return new URL("api/check", base ? (base.endsWith("/") ? base : `${base}/`) : `${location.origin}/`);
  } catch {
    throw new FieldError("api", "not a URL: give http(s)://host[:port], or leave it empty for this page's origin", "invalid-url");
  }
}

function chainFields() {
  return $$("#dom-chains textarea").filter((t) => t.value.trim());
}

function ensureChainField(host) {
  const id = `dom-chain-${host.replace(/[^a-z0-9-]/gi, "_")}`;
  if (document.getElementById(id)) return document.getElementById(id);
  const area = h("textarea", { id, name: `chain.${host}`, rows: "4", spellcheck: "false", autocomplete: "off", "aria-describedby": `${id}-error`, "data-host": host });
  area.addEventListener("input", saveState);
  $("#dom-chains").append(
    h(
      "div",
      { class: "field" },
      h("label", { for: id }, "Chain presented by ", h("code", {}, host), h("span", { class: "opt" }, " s_client -showcerts output or PEM")),
      area,
      h("p", { class: "error", id: `${id}-error`, hidden: true }),
    ),
  );
  return area;
}

async function domain(focus) {
  const form = $("#form-domain");
  clearErrors(form);
  const out = $("#out-domain");
  const fields = { domain: "dom-domain", api: "dom-api", check: "dom-import", import: "dom-import" };
  try {
    const url = apiUrl();
    const name = value("dom-domain").trim();
    const chains = Object.fromEntries(chainFields().map((t) => [t.dataset.host, t.value]));
    let imported;
    const importText = value("dom-import").trim();
    if (importText) {
      try {
        imported = JSON.parse(importText);
      } catch (e) {
        throw new FieldError("import", `not JSON: ${e.message}. Paste the whole output of mxtrust check DOMAIN --json.`, "invalid-json");
      }
    }
    const post = imported !== undefined || Object.keys(chains).length > 0;
    out.replaceChildren(h("p", { class: "notice", role: "status" }, "Asking the edge API…"));
    let res;
    try {
      if (post) {
        res = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ domain: name, chains, ...(imported !== undefined ? { check: imported } : {}) }),
        });
      } else {
        url.searchParams.set("domain", name);
        res = await fetch(url);
      }
    } catch (e) {
      throw new FieldError("api", `the edge API at ${url.origin} did not answer (${e.message}); is the base URL right, and does it allow this origin (CORS)?`, "api-unreachable");
    }
    let body;
    try {
      body = await res.json();
    } catch {
      throw new FieldError("api", `${url.origin} answered HTTP ${res.status} without JSON: no edge API there`, "no-api");
    }
    if (body && body.error) {
      const e = new ApiError(body.error.code, body.error.message, res.status);
      if (["missing-domain", "invalid-domain"].includes(e.code)) e.field = "domain";
      else if (e.code === "domain-mismatch" || /"check"/.test(e.message)) e.field = "import";
      else if (/^doh-/.test(e.code)) e.field = "api";
      if (body.error.line) e.line = body.error.line;
      throw e;
    }
    // One chain field per MX host of this answer: fields of another
    // domain's hosts go.
    const names = new Set((body.hosts || []).map((x) => x.host));
    for (const t of $$("#dom-chains textarea")) if (!names.has(t.dataset.host)) t.closest(".field").remove();
    for (const host of names) ensureChainField(host);
    // The verdicts are incomplete without the servers' chains: offer the fields.
    if (names.size) $("#dom-more").open = true;
    saveState();
    show(out, render.domain(body), focus);
  } catch (e) {
    out.replaceChildren();
    showError(form, e, fields);
  }
}

// ------------------------------------------------------ modes and state

const RUN = { dane: [dane], publish: [publish, rollover], sts: [sts], domain: [domain] };
const FORMS = { dane: ["form-dane"], publish: ["form-publish", "form-rollover"], sts: ["form-sts"], domain: ["form-domain"] };

function currentMode() {
  const m = new URLSearchParams(location.hash.slice(1)).get("mode");
  return MODES.includes(m) ? m : "dane";
}

function setMode(mode) {
  for (const s of $$("section.mode")) s.hidden = s.dataset.mode !== mode;
  for (const a of $$(".tabs a")) {
    if (a.dataset.mode === mode) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  document.title = `${TITLES[mode]} · mxtrust checker`;
}

/** The inputs of a mode, `form.name` → value: checkboxes "1", radios their value, texts when not empty. */
function formState(mode) {
  const p = new URLSearchParams({ mode });
  for (const id of FORMS[mode]) {
    const form = document.getElementById(id);
    const prefix = id.replace("form-", "");
    for (const el of $$("input[name], textarea[name]", form)) {
      const key = `${prefix}.${el.name}`;
      if (el.type === "checkbox") {
        if (el.checked) p.set(key, "1");
      } else if (el.type === "radio") {
        if (el.checked && !el.defaultChecked) p.set(key, el.value);
      } else if (el.value !== "") {
        p.set(key, el.value);
      }
    }
  }
  return p;
}

let saveTimer;
function saveState() {
  clearTimeout(saveTimer);
  saveTimer = setTimeout(() => {
    const p = formState(currentMode());
    history.replaceState(null, "", `#${p.toString()}`);
  }, 250);
}

/** Fills a mode's forms from the fragment; returns the forms that got input. */
function loadState(mode, p) {
  const filled = new Set();
  for (const [key, v] of p) {
    const m = /^chain\.(.+)$/.exec(key.replace(/^domain\./, ""));
    if (mode === "domain" && m && key.startsWith("domain.")) ensureChainField(m[1]);
  }
  for (const id of FORMS[mode]) {
    const form = document.getElementById(id);
    const prefix = id.replace("form-", "");
    for (const el of $$("input[name], textarea[name]", form)) {
      const key = `${prefix}.${el.name}`;
      const v = p.get(key);
      if (el.type === "checkbox") el.checked = v === "1";
      else if (el.type === "radio") el.checked = v === null ? el.defaultChecked : el.value === v;
      else el.value = v ?? "";
      if (v !== null && el.type !== "radio" && el.type !== "checkbox") filled.add(id);
    }
  }
  if (mode === "domain" && $$("#dom-chains textarea").some((t) => t.value)) $("#dom-more").open = true;
  if (mode === "domain" && value("dom-import")) $("#dom-more").open = true;
  return filled;
}

let focusHeading = false;
function route() {
  const p = new URLSearchParams(location.hash.slice(1));
  const mode = currentMode();
  setMode(mode);
  if (focusHeading) $(`#h-${mode}`).focus();
  focusHeading = false;
  const onlyMode = [...p.keys()].every((k) => k === "mode");
  if (onlyMode) {
    saveState();
    return;
  }
  const filled = loadState(mode, p);
  FORMS[mode].forEach((id, i) => {
    if (filled.has(id)) RUN[mode][i](false);
  });
}

async function main() {
  try {
    await init();
  } catch (e) {
    $("#loading").textContent = `The checker could not load its WebAssembly module: ${e.message}`;
    $("#loading").setAttribute("role", "alert");
    return;
  }
  $("#loading").remove();
  for (const [mode, ids] of Object.entries(FORMS)) {
    ids.forEach((id, i) => {
      const form = document.getElementById(id);
      form.addEventListener("submit", (ev) => {
        ev.preventDefault();
        saveState();
        RUN[mode][i](true);
      });
      form.addEventListener("input", saveState);
      form.addEventListener("change", saveState);
    });
  }
  window.addEventListener("hashchange", route);
  // A mode chosen from the tabs: focus its heading, so that the next Tab
  // stop is its first field rather than the other tabs.
  for (const a of $$(".tabs a")) a.addEventListener("click", () => (focusHeading = true));
  route();
  document.body.dataset.ready = "true";
}

main();
