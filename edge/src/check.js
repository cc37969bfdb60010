// GET/POST /api/check: the MX RRset, and per MX host the TLSA RRset with the
// resolver's DNSSEC claim, whether the MTA-STS policy allows the host, the
// core's decision, and the domain's TLSRPT record. An edge runtime cannot
// connect to port 25 nor read a peer certificate: POSTed chains complete
// the DANE verdicts. Every rule (MX hosts, TLSA names, decisions, matching)
// is the wasm package's.
import { checkSts, decide, mxHosts, mxStsState, parseTlsa, parseTlsrptRecord, tlsaBaseDomains, tlsaStatus, verifyDane, weakerDnssecStatus } from "mxtrust";
import { describe, query, status, tlsaLines, txtStrings } from "./dns.js";
import { discover } from "./sts.js";

export const MAX_HOSTS = 10;

const NOTE =
  "DNSSEC statuses are the DNS-over-HTTPS resolver's claim (its AD bit and RCODE), not validated here. " +
  "An edge worker cannot connect to port 25 nor see a server's certificate: POST /api/check with a chain per MX host to complete the DANE verdicts.";


// The public roots (mxtrust/roots, 171 KB of JS) load only when a posted
// chain needs the MTA-STS certificate check (RFC 8461 §4.2).
let publicRoots;
async function rootsFor(given) {
  if (given !== undefined) return given;
  if (!publicRoots) publicRoots = (await import("mxtrust/roots")).default;
  return publicRoots;
}

async function host(env, exchange, sts, chain, roots) {
  const [a, aaaa] = await Promise.all([query(env, exchange, "A"), query(env, exchange, "AAAA")]);
  const addresses = weakerDnssecStatus(status(a), status(aaaa));
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
      lines = tlsaLines(t);
      tlsaState = tlsaStatus(status(t), lines.length > 0);
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
    usability = parsed.usability;
  }
  out.tlsa = { name: candidate ? candidate.tlsa_name : null, lookups, state: tlsaState, records };
  const stsState = mxStsState(sts.policy && sts.policy.valid ? sts.text : null, exchange);
  out.sts = stsState === "no-policy" ? null : { mode: stsState.mode, mx_allowed: stsState.mxAllowed ?? null };
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
  const stsApplies = out.decision.action === "require-sts" || out.decision.action === "sts-testing";
  if (chain === undefined) {
    out.sts_certificate = null;
  } else if (!stsApplies || chain === null) {
    out.sts_certificate = { checked: false, reason: stsApplies ? "no chain posted for this host" : "the decision is not MTA-STS's" };
  } else {
    out.sts_certificate = checkSts({ policy: sts.text, chain, mx: exchange, roots: await rootsFor(roots) });
  }
  return out;
}

/**
 * The verdicts of `mxtrust check --json` for the same hosts: the CLI
 * connected to port 25 and saw the certificates, which this runtime cannot.
 */
function imported(report, exchange) {
  const h = (report.hosts || []).find((x) => String(x.host).toLowerCase().replace(/\.$/, "") === exchange);
  if (!h) return { found: false, reason: "mxtrust check's report has no such host" };
  return {
    found: true,
    decision: h.decision || null,
    connections: (h.connections || []).map((c) => ({
      address: c.address ?? null,
      key_type: c.key_type ?? null,
      verdict: c.verdict ?? null,
      reason: c.reason ?? null,
      tlsrpt_result_type: c.tlsrpt_result_type ?? null,
      dane: c.dane ?? null,
      sts: c.sts ?? null,
    })),
  };
}

/** `chains`: undefined (GET) or { host: chain } (POST). */
export async function check(env, domain, chains, options = {}) {
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
    list.map((h) => {
      const name = h.exchange.replace(/\.$/, "").toLowerCase();
      return host(env, name, ctx, chains === undefined ? undefined : chains[name] ?? null, options.roots);
    }),
  );
  if (options.report) {
    doc.imported = { source: "mxtrust check --json", time: options.report.time ?? null, outcome: options.report.outcome ?? null };
    for (const h of doc.hosts) h.imported = imported(options.report, h.host);
  }
  return doc;
}
