// GET/POST /api/check: the MX RRset, and per MX host the TLSA RRset with the
// resolver's DNSSEC claim, whether the MTA-STS policy allows the host, the
// core's decision, and the domain's TLSRPT record. An edge runtime cannot
// connect to port 25 nor read a peer certificate: POSTed chains complete
// the DANE verdicts. Every rule (MX hosts, TLSA names, decisions, matching)
// is the wasm package's.
import { decide, mxHosts, parseTlsa, parseTlsrptRecord, policyAllowsMx, tlsaBaseDomains, verifyDane } from "mxtrust";
import { describe, query, status, tlsaLines, txtStrings } from "./dns.js";
import { discover } from "./sts.js";

export const MAX_HOSTS = 10;

const NOTE =
  "DNSSEC statuses are the DNS-over-HTTPS resolver's claim (its AD bit and RCODE), not validated here. " +
  "An edge worker cannot connect to port 25 nor see a server's certificate: POST /api/check with a chain per MX host to complete the DANE verdicts.";

function worst(a, b) {
  const order = ["secure", "insecure", "bogus", "lookup-error"];
  return order[Math.max(order.indexOf(a), order.indexOf(b))];
}

async function host(env, exchange, sts, chain) {
  const [a, aaaa] = await Promise.all([query(env, exchange, "A"), query(env, exchange, "AAAA")]);
  const addresses = worst(status(a), status(aaaa));
  const cnames = a.cnames.map((c) => ({ ...c, status: status(a) }));
  const out = { host: exchange, addresses: { a: describe(a), aaaa: describe(aaaa), status: addresses, count: a.answers.length + aaaa.answers.length } };
  let bases = tlsaBaseDomains({ mxHost: exchange, cnames, addresses });
  let tlsaState = addresses === "insecure" ? "insecure" : "lookup-error";
  let lines = [];
  let candidate = null;
  const lookups = [];
  if (bases.result === "candidates" && bases.candidates.length) {
    candidate = bases.candidates[0];
    for (let step = 0; candidate && step < 2; step++) {
      const t = await query(env, candidate.tlsa_name, "TLSA");
      lookups.push(describe(t));
      const s = status(t);
      lines = tlsaLines(t);
      tlsaState = s === "secure" ? (lines.length ? "secure-with-records" : "secure-empty") : s;
      bases = tlsaBaseDomains({ mxHost: exchange, cnames, addresses, firstLookup: tlsaState });
      if (!bases.next || step === 1) break;
      candidate = bases.next;
    }
  }
  let usability;
  let records = [];
  if (tlsaState === "secure-with-records") {
    const parsed = parseTlsa(lines.join("\n"), { dnssecUnchecked: true });
    records = parsed.records.map((r) => ({ record: r.record, unusable: r.unusable }));
    usability = parsed.records.some((r) => !r.unusable) ? "some-usable" : "all-unusable";
  }
  out.tlsa = { name: candidate ? candidate.tlsa_name : null, lookups, state: tlsaState, records };
  let stsState = "no-policy";
  if (sts.policy && sts.policy.valid) {
    if (sts.policy.mode === "none") stsState = { mode: "none" };
    else stsState = { mode: sts.policy.mode, mxAllowed: policyAllowsMx(sts.text, exchange) };
    out.sts = { mode: sts.policy.mode, mx_allowed: stsState.mxAllowed ?? null };
  } else {
    out.sts = null;
  }
  out.decision = decide({ mxRrset: sts.mxStatus, addresses, tlsa: tlsaState, tlsaUsability: usability, sts: stsState });
  if (chain === undefined) {
    out.dane = null;
  } else if (chain === null) {
    out.dane = { checked: false, reason: "no chain posted for this host" };
  } else if (tlsaState !== "secure-with-records") {
    out.dane = { checked: false, reason: "no DNSSEC-secure TLSA records for this host: DANE does not apply" };
  } else {
    out.dane = verifyDane({
      chain,
      tlsa: lines,
      names: candidate.reference_ids,
      dnssecUnchecked: true, // the resolver's AD bit vouched for them (see note)
    });
  }
  return out;
}

/** `chains`: undefined (GET) or { host: chain } (POST). */
export async function check(env, domain, chains) {
  const [mx, tlsrpt] = await Promise.all([query(env, domain, "MX"), query(env, `_smtp._tls.${domain}`, "TXT")]);
  const sts = await discover(env, domain);
  const doc = { domain, note: NOTE, mx: { dns: describe(mx) }, sts: sts.doc, tlsrpt: parseTlsrptRecord(txtStrings(tlsrpt)), hosts: [] };
  doc.tlsrpt_dns = describe(tlsrpt);
  const mxStatus = status(mx);
  if (mx.rcode !== "NOERROR" && mx.rcode !== "NXDOMAIN") {
    doc.mx.route = "lookup-error";
    doc.mx.decision = decide({ mxRrset: "lookup-error", addresses: "lookup-error", tlsa: "lookup-error", sts: "no-policy" });
    return doc;
  }
  const answer = mx.rcode === "NXDOMAIN" ? "nxdomain" : mx.answers.length ? mx.answers.map((r) => ({ preference: r.data.preference, exchange: r.data.exchange })) : "nodata";
  const hosts = mxHosts(domain, answer, { shuffle: false });
  doc.mx.route = hosts.route;
  doc.mx.hosts = hosts;
  const list = hosts.hosts.slice(0, MAX_HOSTS);
  doc.mx.checked = list.length;
  const ctx = { policy: sts.doc.policy, text: sts.policyText, mxStatus };
  doc.hosts = await Promise.all(
    list.map((h) => host(env, h.exchange.replace(/\.$/, ""), ctx, chains === undefined ? undefined : chains[h.exchange.replace(/\.$/, "").toLowerCase()] ?? null)),
  );
  return doc;
}
