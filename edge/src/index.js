// The mxtrust edge worker (edge/README.md): a plain ES module worker. It
// does I/O only (DNS over HTTPS, the policy fetch, static assets); every
// rule is the wasm package's (`mxtrust`, its workerd entry).
import { MxtrustError, parsePolicy, parseStsRecord, policyUrl, verifyDane } from "mxtrust";
import { UpstreamError } from "./dns.js";
import { discover } from "./sts.js";
import { check } from "./check.js";

const MAX_BODY = 256 * 1024;

class BadRequest extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

function json(status, value, headers = {}) {
  return new Response(JSON.stringify(value, null, 2) + "\n", {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers },
  });
}

function cors(env, request) {
  const origin = request.headers.get("origin");
  const allowed = String(env.ALLOWED_ORIGINS || "").split(/[\s,]+/).filter(Boolean);
  if (!origin || !(allowed.includes("*") || allowed.includes(origin))) return {};
  return {
    "access-control-allow-origin": allowed.includes("*") ? "*" : origin,
    "access-control-allow-methods": "GET, POST, OPTIONS",
    "access-control-allow-headers": "content-type",
    "access-control-max-age": "86400",
    vary: "origin",
  };
}

async function readJson(request) {
  const declared = Number(request.headers.get("content-length") || 0);
  if (declared > MAX_BODY) throw new BadRequest(413, "body-too-large", `the body is larger than ${MAX_BODY} octets`);
  const reader = request.body ? request.body.getReader() : null;
  const parts = [];
  let length = 0;
  while (reader) {
    const { done, value } = await reader.read();
    if (done) break;
    length += value.length;
    if (length > MAX_BODY) {
      await reader.cancel().catch(() => {});
      throw new BadRequest(413, "body-too-large", `the body is larger than ${MAX_BODY} octets`);
    }
    parts.push(value);
  }
  const octets = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    octets.set(p, at);
    at += p.length;
  }
  try {
    const value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(octets));
    if (value === null || typeof value !== "object" || Array.isArray(value)) throw new Error();
    return value;
  } catch {
    throw new BadRequest(400, "invalid-json", "the body must be a JSON object");
  }
}

function domainParam(value) {
  if (typeof value !== "string" || !value) throw new BadRequest(400, "missing-domain", "give the domain: ?domain=example.com");
  const domain = value.trim().toLowerCase().replace(/\.$/, "");
  policyUrl(domain); // MxtrustError invalid-domain for anything that is no domain name
  return domain;
}

function need(body, key, types) {
  const v = body[key];
  if (v === undefined || v === null) throw new BadRequest(400, "missing-field", `"${key}" is required`);
  if (!types.some((t) => (t === "array" ? Array.isArray(v) : typeof v === t))) {
    throw new BadRequest(400, "invalid-field", `"${key}" must be ${types.join(" or ")}`);
  }
  return v;
}

async function api(request, env, path) {
  const url = new URL(request.url);
  const method = request.method;
  if (path === "/api/dane" && method === "POST") {
    const b = await readJson(request);
    const options = {
      chain: need(b, "chain", ["string", "array"]),
      tlsa: need(b, "tlsa", ["string", "array"]),
      names: need(b, "names", ["string", "array"]),
    };
    for (const k of ["time", "profile", "digestPreference", "eeNameChecks", "trustAnchors", "port", "proto", "dnssecUnchecked"]) {
      if (b[k] !== undefined) options[k] = b[k];
    }
    return verifyDane(options);
  }
  if (path === "/api/policy" && method === "POST") {
    const b = await readJson(request);
    const policy = need(b, "policy", ["string"]);
    const mx = b.mx === undefined ? undefined : need(b, "mx", ["string", "array"]);
    const out = { policy: parsePolicy(policy, mx) };
    if (b.record !== undefined) out.record = parseStsRecord(need(b, "record", ["string", "array"]));
    return out;
  }
  if (path === "/api/sts" && method === "GET") {
    return (await discover(env, domainParam(url.searchParams.get("domain")))).doc;
  }
  if (path === "/api/check" && method === "GET") {
    return check(env, domainParam(url.searchParams.get("domain")), undefined);
  }
  if (path === "/api/check" && method === "POST") {
    const b = await readJson(request);
    const domain = domainParam(b.domain);
    const given = b.chains === undefined ? {} : need(b, "chains", ["object"]);
    if (Array.isArray(given)) throw new BadRequest(400, "invalid-field", '"chains" must be an object: { "mx host": chain }');
    const chains = {};
    for (const [h, c] of Object.entries(given)) {
      if (typeof c !== "string" && !Array.isArray(c)) throw new BadRequest(400, "invalid-field", `the chain of ${h} must be PEM text or an array`);
      chains[h.toLowerCase().replace(/\.$/, "")] = c;
    }
    const options = {};
    if (b.roots !== undefined) options.roots = need(b, "roots", ["string", "array"]);
    if (b.check !== undefined) {
      const report = need(b, "check", ["object"]);
      if (!Array.isArray(report.hosts) || typeof report.domain !== "string") {
        throw new BadRequest(400, "invalid-field", '"check" must be the JSON document of mxtrust check --json');
      }
      if (report.domain.toLowerCase().replace(/\.$/, "") !== domain) {
        throw new BadRequest(400, "domain-mismatch", `"check" is mxtrust check's report for ${report.domain}, not ${domain}`);
      }
      options.report = report;
    }
    return check(env, domain, chains, options);
  }
  if (["/api/dane", "/api/policy", "/api/sts", "/api/check"].includes(path)) {
    throw new BadRequest(405, "method-not-allowed", `${method} is not allowed on ${path}`);
  }
  throw new BadRequest(404, "not-found", `no API at ${path}`);
}

const PLACEHOLDER = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>mxtrust edge</title></head>
<body><main><h1>mxtrust edge</h1>
<p>This worker serves no checker page: it has no <code>ASSETS</code> binding, or its <code>web/</code> holds no <code>index.html</code>.
The API answers at <code>/api/dane</code>, <code>/api/policy</code>, <code>/api/sts?domain=D</code> and <code>/api/check?domain=D</code>
(see <code>edge/README.md</code>).</p></main></body></html>
`;

// workerd's disk service answers every file as application/octet-stream,
// and browsers run no module script (nor render a page) of that type:
// the type comes from the extension then. Wrangler's assets set their own.
const TYPES = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  mjs: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  json: "application/json",
  wasm: "application/wasm",
  png: "image/png",
  svg: "image/svg+xml",
  txt: "text/plain; charset=utf-8",
};

function typed(res, path) {
  const type = res.headers.get("content-type");
  const ext = /\.([a-z0-9]+)$/.exec(path)?.[1];
  if ((type && type !== "application/octet-stream") || !TYPES[ext]) return res;
  const headers = new Headers(res.headers);
  headers.set("content-type", TYPES[ext]);
  headers.set("x-content-type-options", "nosniff");
  return new Response(res.body, { status: res.status, headers });
}

// Static assets: the checker page in web/ (wrangler's [assets] binding, or
// workerd's disk service with ASSETS_PREFIX), else a placeholder index.
async function asset(request, env) {
  const url = new URL(request.url);
  let path = url.pathname.endsWith("/") ? `${url.pathname}index.html` : url.pathname;
  const plain = /^[A-Za-z0-9._\/-]+$/.test(path) && !path.split("/").some((s) => s === "." || s === "..");
  if (env.ASSETS && plain && (request.method === "GET" || request.method === "HEAD")) {
    const prefix = env.ASSETS_PREFIX || "";
    try {
      const res = await env.ASSETS.fetch(new Request(new URL(prefix + path, url), { method: request.method }));
      if (res.status === 200) return typed(res, path);
    } catch {
      // web/ is absent or unreadable: as not found.
    }
  }
  if (path === "/index.html") {
    return new Response(PLACEHOLDER, { headers: { "content-type": "text/html; charset=utf-8" } });
  }
  return new Response("not found\n", { status: 404, headers: { "content-type": "text/plain" } });
}

export default {
  async fetch(request, env) {
    const path = new URL(request.url).pathname;
    if (!path.startsWith("/api/")) return asset(request, env);
    const headers = cors(env, request);
    if (request.method === "OPTIONS") return new Response(null, { status: 204, headers });
    try {
      return json(200, await api(request, env, path), headers);
    } catch (e) {
      if (e instanceof BadRequest || e instanceof UpstreamError) {
        return json(e.status, { error: { code: e.code, message: e.message } }, headers);
      }
      if (e instanceof MxtrustError || (e && e.name === "MxtrustError")) {
        const error = { code: e.code, message: e.message };
        if (e.line !== undefined) error.line = e.line;
        return json(400, { error }, headers);
      }
      console.error("internal error", e && e.stack);
      return json(500, { error: { code: "internal", message: "internal error" } }, headers);
    }
  },
};
