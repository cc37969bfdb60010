// MTA-STS discovery for one domain: the `_mta-sts` TXT record over DoH, then
// the policy fetched as RFC 8461 §3.3 says (HTTPS only, the policy URL,
// no redirects, a streamed size cap, a timeout). Whether the response may
// be used, what the record and the policy say and how long they are cached
// are the wasm package's rules (checkPolicyResponse, parseStsRecord,
// parsePolicy, PolicyCache); this file only does the I/O.
import { checkPolicyResponse, parsePolicy, parseStsRecord, policyFetchFailure, policyUrl, PolicyCache } from "mxtrust";
import { describe, query, txtStrings } from "./dns.js";

export const POLICY_LIMIT = 64 * 1024; // RFC 8461 §3.3: a sender may cap the body; 64 KB is the RFC's example

// One cache per isolate. PolicyCache decides freshness (max_age) and back-off;
// `answers` keeps the answer document for a (domain, id) while the cache says
// the policy is fresh, and the last failure while it says to back off.
let cache;
const answers = new Map();

function policyCache() {
  if (!cache) cache = new PolicyCache({ capacity: 1024 });
  return cache;
}

/** Reads at most `limit` octets of a body stream; says whether there was more. */
async function readCapped(body, limit) {
  if (!body) return { octets: new Uint8Array(0), truncated: false };
  const reader = body.getReader();
  const parts = [];
  let length = 0;
  let truncated = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (length + value.length > limit) {
      parts.push(value.subarray(0, limit - length));
      length = limit;
      truncated = true;
      await reader.cancel().catch(() => {});
      break;
    }
    parts.push(value);
    length += value.length;
  }
  const octets = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    octets.set(p, at);
    at += p.length;
  }
  return { octets, truncated };
}

/**
 * A fetch failure the response checker never saw: no HTTP response at all.
 * Only the class is decided here, from what the runtime exposes; its code
 * and TLSRPT result type are core's (`policyFetchFailure`).
 */
function transportFailure(e, timedOut, timeoutMs) {
  const failure = (code, detail) => {
    const { code: c, reason, tlsrpt_result_type } = policyFetchFailure(code, detail);
    return { code: c, reason, tlsrpt_result_type };
  };
  if (timedOut) {
    return failure("timeout", `no complete answer within ${timeoutMs} ms`);
  }
  const message = String((e && e.message) || e);
  // The runtime exposes no certificate: a TLS failure is known only by its
  // message. workerd gives JavaScript no cause for a failed handshake (an
  // untrusted or misnamed certificate) but "internal error; reference = …",
  // logging the cause itself, while a refused or reset connection is
  // "Network connection lost.": the former is taken for a certificate failure.
  if (/certificate|x509|tls|ssl|handshake/i.test(message)) {
    return failure("certificate-invalid", message);
  }
  if (/^internal error/i.test(message)) {
    return failure(
      "certificate-invalid",
      `the runtime reported "${message}" and no cause; that is how workerd reports a failed TLS handshake (a certificate that is untrusted or does not name mta-sts.DOMAIN)`,
    );
  }
  return failure("connection-failed", message);
}

/** Fetches and judges the policy of `domain`; never throws for the domain's own failures. */
export async function fetchPolicy(env, domain) {
  const url = policyUrl(domain);
  const timeoutMs = Number(env.POLICY_TIMEOUT_MS || 10000);
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  const seen = { url, status: null, content_type: null, size: null, truncated: false };
  try {
    const res = await fetch(url, {
      redirect: "manual",
      signal: controller.signal,
      headers: { accept: "text/plain", "user-agent": "mxtrust-edge" },
    });
    seen.status = res.status;
    seen.content_type = res.headers.get("content-type");
    // The body of a 200 is read (capped) even when the type is wrong, so the
    // answer can say how large it was; anything else is not read.
    let octets = new Uint8Array(0);
    if (res.status === 200) {
      ({ octets, truncated: seen.truncated } = await readCapped(res.body, POLICY_LIMIT));
    } else if (res.body) {
      await res.body.cancel().catch(() => {});
    }
    seen.size = octets.length;
    const verdict = checkPolicyResponse(domain, {
      url,
      status: res.status,
      redirected: false,
      contentType: seen.content_type,
      bodyLength: octets.length,
      truncated: seen.truncated,
    });
    if (!verdict.usable) {
      return { ok: false, response: seen, failure: { code: verdict.code, reason: verdict.reason, tlsrpt_result_type: verdict.tlsrpt_result_type } };
    }
    const text = new TextDecoder("utf-8", { fatal: false }).decode(octets);
    const policy = parsePolicy(text);
    if (!policy.valid) {
      return {
        ok: false,
        response: seen,
        policy,
        text,
        failure: { code: "policy-invalid", reason: "the policy body is not a valid policy", tlsrpt_result_type: policy.tlsrpt_result_type || "sts-policy-invalid" },
      };
    }
    return { ok: true, response: seen, policy, text };
  } catch (e) {
    return { ok: false, response: seen, failure: transportFailure(e, timedOut, timeoutMs) };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The MTA-STS state of `domain`: { record, policy_url, fetch, policy, cache }.
 * `policyText` is kept for callers that check MX hosts (not in the document).
 */
export async function discover(env, domain, now = Date.now()) {
  const time = Math.floor(now / 1000);
  const txt = await query(env, `_mta-sts.${domain}`, "TXT");
  const record = parseStsRecord(txtStrings(txt));
  const doc = { domain, dns: describe(txt), record, policy_url: policyUrl(domain), cached: false, fetch: null, policy: null, result: null };
  if (txt.rcode !== "NOERROR" && txt.rcode !== "NXDOMAIN") {
    doc.result = { code: "txt-lookup-failed", reason: `the resolver answered ${txt.rcode} for _mta-sts.${domain}`, tlsrpt_result_type: null };
    return { doc, policyText: null };
  }
  if (!record.found) {
    doc.result = { code: "no-policy", reason: record.reason || "no usable _mta-sts record: the domain has no MTA-STS policy", tlsrpt_result_type: null };
    return { doc, policyText: null };
  }
  const c = policyCache();
  const key = `${domain}\n${record.id}`;
  const observed = c.observeId(domain, record.id, time);
  const kept = answers.get(key);
  if (kept && ((observed.need === "up-to-date" && kept.ok) || (observed.need === "back-off" && !kept.ok))) {
    const cachedLookup = c.lookup(domain, time);
    Object.assign(doc, { cached: true, fetch: kept.fetch, policy: kept.policy, result: kept.result });
    doc.cache = { status: cachedLookup.status, expires_at: cachedLookup.policy ? cachedLookup.policy.expires_at : null, back_off_until: observed.until };
    return { doc, policyText: kept.text || null };
  }
  const got = await fetchPolicy(env, domain);
  doc.fetch = { ...got.response, ok: got.ok, failure: got.ok ? null : got.failure };
  doc.policy = got.policy || null;
  if (got.ok) {
    doc.result = { code: "policy", reason: `policy ${record.id} fetched and valid`, tlsrpt_result_type: null };
    try {
      c.store(domain, record.id, got.text, time);
      answers.set(key, { ok: true, fetch: doc.fetch, policy: doc.policy, result: doc.result, text: got.text });
    } catch (e) {
      doc.cache_error = String(e && e.code || e);
    }
  } else {
    const fallback = c.recordFailure(domain, record.id, time);
    doc.result = { ...got.failure, sender: fallback.outcome };
    answers.set(key, { ok: false, fetch: doc.fetch, policy: doc.policy, result: doc.result });
  }
  const l = c.lookup(domain, time);
  doc.cache = { status: l.status, expires_at: l.policy ? l.policy.expires_at : null, back_off_until: null };
  if (answers.size > 4096) answers.delete(answers.keys().next().value);
  return { doc, policyText: got.ok ? got.text : null };
}
