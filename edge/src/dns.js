// DNS over HTTPS (RFC 8484, wire format): the worker's only DNS. The
// messages are encoded and decoded by dns-packet; this file only does the
// I/O and reports what the resolver said (RCODE, AD bit), which is the
// resolver's claim, not a validation of our own.
import dnsPacket from "dns-packet";
import { Buffer } from "node:buffer";

/** The worker's own upstream failed (502) or timed out (504). */
export class UpstreamError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

const TYPES = new Set(["A", "AAAA", "MX", "TXT", "TLSA", "CNAME"]);

/**
 * Asks the DoH resolver for NAME/TYPE with RD and AD set (RFC 6840 §5.7: a
 * validating resolver then says whether it validated the answer).
 * Returns { name, type, rcode, ad, answers, cnames }.
 */
export async function query(env, name, type) {
  if (!TYPES.has(type)) throw new Error(`unsupported type ${type}`);
  const url = env.DOH_URL || "https://cloudflare-dns.com/dns-query";
  const timeout = Number(env.DOH_TIMEOUT_MS || 5000);
  const body = dnsPacket.encode({
    type: "query",
    id: 0, // RFC 8484 §4.1: 0 for cache friendliness
    flags: dnsPacket.RECURSION_DESIRED | dnsPacket.AUTHENTIC_DATA,
    questions: [{ type, name, class: "IN" }],
  });
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeout);
  let res, octets;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/dns-message", accept: "application/dns-message" },
      body,
      signal: controller.signal,
      redirect: "manual",
    });
    octets = new Uint8Array(await res.arrayBuffer());
  } catch (e) {
    if (controller.signal.aborted) {
      throw new UpstreamError(504, "doh-timeout", `the DNS-over-HTTPS resolver did not answer within ${timeout} ms`);
    }
    throw new UpstreamError(502, "doh-unreachable", `the DNS-over-HTTPS resolver could not be reached: ${String(e && e.message || e)}`);
  } finally {
    clearTimeout(timer);
  }
  if (res.status !== 200) {
    throw new UpstreamError(502, "doh-http-error", `the DNS-over-HTTPS resolver answered HTTP ${res.status}`);
  }
  let msg;
  try {
    msg = dnsPacket.decode(Buffer.from(octets));
  } catch {
    throw new UpstreamError(502, "doh-bad-message", "the DNS-over-HTTPS resolver's answer is not a DNS message");
  }
  const want = name.toLowerCase().replace(/\.$/, "");
  const answers = (msg.answers || []).filter((r) => r.type === type);
  const cnames = (msg.answers || [])
    .filter((r) => r.type === "CNAME")
    .map((r) => ({ owner: r.name.toLowerCase(), target: String(r.data).toLowerCase() }));
  return {
    name: want,
    type,
    rcode: msg.rcode || "NOERROR",
    ad: Boolean(msg.flags & dnsPacket.AUTHENTIC_DATA),
    answers,
    cnames,
  };
}

/**
 * The DNSSEC status of an answer as the resolver claims it: NOERROR or
 * NXDOMAIN with AD is secure, without AD insecure; SERVFAIL (what a
 * validating resolver answers for bogus data, and also for a failed
 * lookup: over DoH the two look the same) and other RCODEs lookup-error.
 */
export function status(answer) {
  if (answer.rcode === "NOERROR" || answer.rcode === "NXDOMAIN") return answer.ad ? "secure" : "insecure";
  return "lookup-error";
}

/** What the answer document shows of a DNS answer. */
export function describe(answer) {
  return {
    name: answer.name,
    type: answer.type,
    rcode: answer.rcode,
    ad: answer.ad,
    status: status(answer),
    source: "resolver-claim",
  };
}

/** TXT answers as each record's character-strings (octets). */
export function txtStrings(answer) {
  return answer.answers.map((r) => (Array.isArray(r.data) ? r.data : [r.data]).map((b) => new Uint8Array(b)));
}

/** TLSA answers in presentation form, `U S M HEX`. */
export function tlsaLines(answer) {
  return answer.answers.map(
    (r) => `${r.data.usage} ${r.data.selector} ${r.data.matchingType} ${Buffer.from(r.data.certificate).toString("hex")}`,
  );
}
