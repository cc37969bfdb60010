// Renderers: each takes a document of the wasm package (the JSON the
// `mxtrust` command prints with --json) and returns DOM. They decide no
// verdict: every outcome, status, reason and hint shown is the document's.
import { chip, code, copyButton, dl, h, table } from "./dom.js";

export const OUTCOME = {
  authenticated: { tone: "ok", icon: "✔", title: "Authenticated" },
  "unauthenticated-tls": { tone: "warn", icon: "!", title: "TLS without authentication" },
  failed: { tone: "bad", icon: "✘", title: "Failed" },
};

const STATUS_TONE = { matched: "ok", "not-matched": "bad", unusable: "warn", rejected: "bad", valid: "ok", invalid: "bad", expired: "bad", "not-yet-valid": "bad" };

/** Nodes separated by commas. */
const join = (nodes) => nodes.flatMap((n, i) => (i ? [", ", n] : [n]));

export const when = (unix) => new Date(unix * 1000).toISOString().replace(".000Z", "Z");

/** The verdict box: a heading that takes focus, then lines of detail. */
export function verdict(tone, icon, title, lines, extra = {}) {
  return h(
    "div",
    { class: `verdict ${tone}`, ...extra },
    h("h2", { tabindex: "-1", class: "verdict-title" }, h("span", { class: "icon", "aria-hidden": "true" }, icon), h("span", { class: "title" }, title)),
    lines.filter(Boolean).map((l) => h("p", {}, l)),
  );
}

function tlsrptLine(type) {
  return type ? h("span", { class: "tlsrpt" }, "TLSRPT result type: ", chip(type, "bad")) : null;
}

// ------------------------------------------------------------------ DANE

export function daneReport(r, { dnssec = null } = {}) {
  const o = OUTCOME[r.outcome] || { tone: "warn", icon: "?", title: r.outcome };
  let how = null;
  if (r.outcome === "authenticated") {
    const rec = r.records.find((x) => x.index === r.record);
    how = [
      `Record ${r.record} (${r.usage_acronym}${rec ? `, ${rec.source}` : ""}) authenticated the chain`,
      r.depth !== null ? ` at depth ${r.depth}` : "",
      r.anchor && r.anchor !== "presented" ? ` (trust anchor from ${r.anchor === "dns" ? "the TLSA record itself" : r.anchor})` : "",
      ".",
    ].join("");
  }
  const out = [
    verdict(
      o.tone,
      o.icon,
      o.title,
      [
        how,
        r.failure ? h("span", { class: "failure" }, r.failure, r.failure_code ? [" ", chip(r.failure_code)] : null) : null,
        tlsrptLine(r.tlsrpt_result_type),
        h("span", { class: "meta" }, `Checked at ${when(r.time)} for `, code(r.names.join(", ")), "; records of ", code(r.tlsa_name), "."),
      ],
      { "data-outcome": r.outcome },
    ),
  ];
  if (r.hints.length) {
    out.push(
      h("div", { class: "hints", role: "note" }, h("h3", {}, "Likely mistake"), h("ul", {}, r.hints.map((x) => h("li", { "data-hint": x.code }, x.message)))),
    );
  }
  out.push(h("section", { class: "panel", "aria-label": "TLSA records" }, h("h3", {}, "Record by record"), daneRecords(r), dnssec ? h("p", { class: "meta" }, dnssec) : dnssecNote(r.records), ignored(r.ignored)));
  out.push(h("section", { class: "panel", "aria-label": "The chain" }, h("h3", {}, "The chain the server presented"), chain(r.chain)));
  return out;
}

function daneRecords(r) {
  return table(
    "TLSA records",
    [
      { label: "#", cell: (x) => String(x.index), row: true },
      { label: "Record", cell: (x) => h("span", { title: x.record }, x.record), class: "record" },
      { label: "Kind", cell: (x) => x.usage_acronym },
      { label: "Status", cell: (x) => chip(x.status, STATUS_TONE[x.status]) },
      { label: "Depth", cell: (x) => (x.depth === null ? "—" : String(x.depth)) },
      { label: "Reason", cell: (x) => [x.reason || (x.index === r.record ? "authenticated the chain" : "—"), x.code ? [" ", chip(x.code)] : null] },
      { label: "Source", cell: (x) => x.source, class: "mono" },
    ],
    r.records,
    { id: "dane-records" },
  );
}

function dnssecNote(records) {
  const ad = records.filter((x) => x.dnssec === "resolver-ad").map((x) => x.index);
  const unchecked = records.filter((x) => x.dnssec !== "resolver-ad").map((x) => x.index);
  return h(
    "p",
    { class: "meta" },
    ad.length ? `DNSSEC: records ${ad.join(", ")} came with the ad flag of the pasted dig answer (that resolver's claim). ` : "",
    unchecked.length
      ? `DNSSEC: not checked for records ${unchecked.join(", ")}: taken as your own data. DANE applies only to a DNSSEC-secure TLSA RRset (RFC 7672 §2.2).`
      : "",
  );
}

function ignored(list) {
  if (!list || !list.length) return null;
  return h(
    "div",
    {},
    h("h4", {}, "Read and left out"),
    h("ul", {}, list.map((x) => h("li", {}, code(x.source), " ", x.owner ? [code(x.owner), " "] : null, x.reason))),
  );
}

/** The chain explained, one card per certificate. */
export function chain(certs) {
  if (!certs || !certs.length) return h("p", {}, "No certificate.");
  return h(
    "div",
    { class: "certs" },
    certs.map((c) =>
      h(
        "article",
        { class: "cert", "aria-label": `Certificate at depth ${c.depth}` },
        h("h4", {}, `Depth ${c.depth}`, c.depth === 0 ? " (leaf)" : "", c.ca ? chip("CA") : null, c.self_issued ? chip("self-issued") : null, c.error ? chip("unreadable", "bad") : null),
        c.error
          ? h("p", {}, c.error)
          : dl(
              [
                ["Subject", c.subject],
                ["Issuer", c.issuer],
                ["Valid", [c.not_before, " to ", c.not_after, " ", chip(c.validity, STATUS_TONE[c.validity])]],
                ["DNS names", c.dns_names.length ? c.dns_names.join(", ") : "none"],
                ["Key", [c.key_type, c.key_bits ? `, ${c.key_bits} bits` : ""].join("")],
              ],
              "",
            ),
      ),
    ),
  );
}

// ------------------------------------------------------ Records to publish

export function generated(records) {
  const all = records.map((r) => r.zone_line || r.record).join("\n");
  return h(
    "section",
    { class: "panel", "aria-label": "Records to publish" },
    h("h3", {}, "Records to publish ", copyButton(all, "Copy all", "records")),
    table(
      "Records to publish",
      [
        { label: "For", cell: (r) => [r.role, r.depth !== null ? ` (depth ${r.depth})` : ""], row: true },
        { label: "Kind", cell: (r) => `${r.usage_acronym} ${r.usage} ${r.selector} ${r.matching_type}` },
        { label: "Zone line", cell: (r) => h("span", { class: "zone-line" }, r.zone_line || r.record), class: "record" },
        { label: "Copy", cell: (r) => copyButton(r.zone_line || r.record, "Copy", `${r.usage} ${r.selector} ${r.matching_type} for ${r.role}`) },
      ],
      records,
      { id: "generated" },
    ),
  );
}

export function rollover(plan, current, next) {
  const out = [];
  const publish = plan.steps.find((s) => s.step === "publish" && s.records.length);
  const change = plan.steps.find((s) => s.step === "switch");
  const tone = plan.problem ? "bad" : plan.safe_now ? "ok" : "warn";
  const title = plan.problem
    ? "The rollover is not safe as asked"
    : publish
      ? "Not yet: publish the next key's record first"
      : plan.safe_now
        ? "Ready: the RRset holds the next key's record, switch now"
        : `The RRset holds the next key's record: switch after ${change ? when(change.at) : "the TTL"}`;
  out.push(
    verdict(
      tone,
      tone === "ok" ? "✔" : tone === "bad" ? "✘" : "!",
      title,
      [
        current ? ["Current chain against the published RRset: ", chip(OUTCOME[current.outcome]?.title || current.outcome, OUTCOME[current.outcome]?.tone), current.failure ? ` (${current.failure})` : ""] : null,
        next ? ["Next chain against the published RRset: ", chip(OUTCOME[next.outcome]?.title || next.outcome, OUTCOME[next.outcome]?.tone), next.failure ? ` (${next.failure})` : ""] : null,
        publish ? ["Missing from the RRset: ", join(publish.records.map((r) => code(r)))] : null,
        plan.problem ? [plan.problem.message, " ", chip(plan.problem.code)] : null,
        h("span", { class: "meta" }, `Planned at ${when(plan.time)}.`),
      ],
      { "data-safe-now": String(plan.safe_now) },
    ),
  );
  out.push(
    h(
      "section",
      { class: "panel", "aria-label": "Rollover steps" },
      h("h3", {}, "Steps"),
      h(
        "ol",
        { class: "steps" },
        plan.steps.map((s) =>
          h(
            "li",
            { "data-step": s.step },
            h("strong", {}, s.step), " ", h("span", { class: "meta" }, `not before ${when(s.at)}`), h("br"), s.why,
            s.records.length ? h("ul", { class: "plain" }, s.records.map((r) => h("li", {}, code(r), " ", copyButton(r, "Copy", r)))) : null,
          ),
        ),
      ),
    ),
  );
  return out;
}

// --------------------------------------------------------------- MTA-STS

export function policy(report, text, record) {
  const out = [];
  const tone = report.valid ? (report.warnings.length ? "warn" : "ok") : "bad";
  out.push(
    verdict(
      tone,
      tone === "bad" ? "✘" : tone === "warn" ? "!" : "✔",
      report.valid ? `Valid policy, mode ${report.mode}` : "Invalid policy",
      [
        report.valid ? [`max_age ${report.max_age} s; mx: `, report.mx.length ? join(report.mx.map((m) => code(m))) : "none"] : null,
        `${report.errors.length} error${report.errors.length === 1 ? "" : "s"}, ${report.warnings.length} warning${report.warnings.length === 1 ? "" : "s"}.`,
        tlsrptLine(report.tlsrpt_result_type),
      ],
      { "data-valid": String(report.valid) },
    ),
  );
  if (record) out.push(txtRecord(record));
  out.push(h("section", { class: "panel", "aria-label": "The policy, line by line" }, h("h3", {}, "The policy, line by line"), listing(text, report)));
  if (report.matches.length) {
    out.push(
      h(
        "section",
        { class: "panel", "aria-label": "MX hosts" },
        h("h3", {}, "MX hosts"),
        table(
          "MX hosts",
          [
            { label: "MX host", cell: (m) => m.host, row: true, class: "mono" },
            { label: "Allowed", cell: (m) => chip(m.allowed ? "allowed" : "not allowed", m.allowed ? "ok" : "bad") },
            { label: "Pattern", cell: (m) => (m.pattern ? code(m.pattern) : "no mx line matches") },
          ],
          report.matches,
          { id: "mx-matches" },
        ),
      ),
    );
  }
  return out;
}

function txtRecord(r) {
  return h(
    "p",
    { class: "notice", id: "txt-result" },
    h("strong", {}, "_mta-sts TXT record: "),
    r.found ? ["found, id ", code(r.id)] : [chip(r.unavailable || "not found", "bad"), " ", r.reason || ""],
  );
}

function listing(text, report) {
  const lines = text.replace(/\r?\n$/, "").split(/\r?\n/);
  const problems = [...report.errors.map((e) => ({ ...e, level: "error" })), ...report.warnings.map((w) => ({ ...w, level: "warning" }))];
  const whole = problems.filter((p) => p.line === 0 || p.line > lines.length);
  return h(
    "div",
    {},
    whole.length ? h("ul", { class: "plain" }, whole.map((p) => h("li", { class: `problem is-${p.level}` }, chip(p.level, p.level === "error" ? "bad" : "warn"), " ", p.message, " ", chip(p.kind)))) : null,
    h(
      "div",
      { class: "listing", role: "list", "aria-label": "Policy lines" },
      lines.map((l, i) => {
        const here = problems.filter((p) => p.line === i + 1);
        const level = here.some((p) => p.level === "error") ? "error" : here.length ? "warning" : "";
        return h(
          "div",
          { class: level ? `ln is-${level}` : "ln", role: "listitem", "data-line": i + 1 },
          h("span", { class: "no" }, String(i + 1)),
          h("span", { class: "tx" }, l === "" ? " " : l),
          here.map((p) => h("span", { class: "note" }, `${p.level === "error" ? "Error" : "Warning"} (${p.kind}): ${p.message}`)),
        );
      }),
    ),
  );
}

export function stsCheck(r) {
  const tone = r.outcome === "valid" ? "ok" : r.action === "deliver-and-report" ? "warn" : "bad";
  return [
    h("h3", { class: "sub" }, `Certificate check of ${r.mx}`),
    verdict(
      tone,
      tone === "ok" ? "✔" : tone === "warn" ? "!" : "✘",
      `Certificate ${r.certificate}: ${r.action}`,
      [
        r.certificate_failure ? [r.certificate_failure, r.certificate_failure_code ? [" ", chip(r.certificate_failure_code)] : null] : null,
        ["MX ", code(r.mx), r.mx_allowed ? [" allowed by ", code(r.mx_pattern)] : r.mx_allowed === false ? " not allowed by the policy" : ""],
        tlsrptLine(r.tlsrpt_result_type),
        h("span", { class: "meta" }, `Checked at ${when(r.time)}`, r.trust_anchors ? ` against ${r.trust_anchors.count} trusted roots.` : "."),
      ],
      { "data-outcome": r.outcome, id: "sts-check-verdict" },
    ),
    h("section", { class: "panel", "aria-label": "The chain" }, h("h3", {}, "The chain"), chain(r.chain)),
  ];
}

// ---------------------------------------------------------------- Domain

const ACTION_TONE = {
  "require-dane": "ok",
  "require-sts": "ok",
  "sts-testing": "warn",
  "require-tls-unauthenticated": "warn",
  opportunistic: "warn",
  "skip-mx": "bad",
  defer: "bad",
};

// A DNSSEC status from the edge API is its resolver's AD bit: say whose claim it is.
const dns = (d) =>
  d
    ? [
        chip(d.status || d.rcode, { secure: "ok", insecure: "warn" }[d.status] || "bad"),
        d.rcode && d.rcode !== "NOERROR" ? ` ${d.rcode}` : "",
        d.source === "resolver-claim" ? h("span", { class: "meta" }, " (the resolver's claim)") : "",
      ]
    : "—";

export function domain(doc) {
  const out = [];
  out.push(
    h(
      "section",
      { class: "panel", "aria-label": "The domain" },
      h("h2", { tabindex: "-1", class: "verdict-title" }, "Mail TLS of ", code(doc.domain)),
      h("p", { class: "meta" }, doc.note),
      dl([
        ["MX RRset", [dns(doc.mx.dns), " ", doc.mx.route ? chip(doc.mx.route) : null, doc.mx.hosts ? ` ${doc.mx.hosts.description}` : ""]],
        ["MX decision", doc.mx.decision ? decisionLine(doc.mx.decision) : null],
        ["MTA-STS", stsLine(doc.sts)],
        ["TLSRPT", doc.tlsrpt.found ? ["reports to ", join(doc.tlsrpt.rua.map((u) => code(u.uri)))] : [chip(doc.tlsrpt.unavailable || "no-record", "warn"), " ", doc.tlsrpt.reason || "no _smtp._tls record: nobody receives failure reports"]],
        ["Imported", doc.imported ? [code(doc.imported.source), ` of ${doc.imported.time ? when(doc.imported.time) : "unknown time"}, outcome `, chip(doc.imported.outcome || "—")] : null],
      ]),
    ),
  );
  for (const host of doc.hosts) out.push(hostCard(host, doc));
  return out;
}

function decisionLine(d) {
  return [chip(d.action, ACTION_TONE[d.action]), " ", d.description, d.tlsrpt_result_type ? [" ", tlsrptLine(d.tlsrpt_result_type)] : null];
}

function stsLine(s) {
  if (!s) return "—";
  const parts = [];
  if (s.record) parts.push(s.record.found ? ["record id ", code(s.record.id), "; "] : [chip(s.record.unavailable || "no-record", "warn"), " "]);
  if (s.policy) parts.push(s.policy.valid ? [`policy mode ${s.policy.mode}, mx `, join(s.policy.mx.map((m) => code(m)))] : chip("policy invalid", "bad"));
  if (s.result) parts.push([" ", chip(s.result.code, s.result.tlsrpt_result_type ? "bad" : ""), s.result.reason ? ` ${s.result.reason}` : ""]);
  return parts;
}

/** What a host's verdict still lacks, read from the document's fields. */
export function missing(host, doc) {
  const m = [];
  if (host.decision.action === "opportunistic") {
    m.push("Authentication: DNSSEC-secure TLSA records (DANE) or a valid MTA-STS policy listing this host.");
  }
  if (host.dane === null || host.dane === undefined) {
    if (host.tlsa && host.tlsa.state === "secure-with-records") m.push("The server's chain: paste it below (or import mxtrust check --json) to see whether its TLSA records match.");
  } else if (host.dane.checked === false && host.tlsa && host.tlsa.state === "secure-with-records") {
    m.push(`The server's chain: ${host.dane.reason}.`);
  }
  if ((host.decision.action === "require-sts" || host.decision.action === "sts-testing") && (!host.sts_certificate || host.sts_certificate.checked === false)) {
    m.push("The server's chain, for the MTA-STS certificate check (RFC 8461 §4.2).");
  }
  if (doc.tlsrpt && !doc.tlsrpt.found) m.push("A TLSRPT record (_smtp._tls TXT), so that senders report failures.");
  return m;
}

function hostCard(host, doc) {
  const want = missing(host, doc);
  return h(
    "section",
    { class: "panel host", "data-host": host.host, "aria-label": `MX host ${host.host}` },
    h("h3", {}, host.host),
    dl([
      ["Decision", decisionLine(host.decision)],
      ["Addresses", [dns(host.addresses), ` ${host.addresses.count} address${host.addresses.count === 1 ? "" : "es"}`]],
      ["TLSA", [host.tlsa.name ? [code(host.tlsa.name), " "] : null, chip(host.tlsa.state, { "secure-with-records": "ok", "secure-empty": "", insecure: "warn" }[host.tlsa.state] ?? "bad")]],
      [
        "Records",
        host.tlsa.records.length
          ? h("ul", { class: "plain" }, host.tlsa.records.map((r) => h("li", { class: "record" }, r.record, r.unusable ? [" ", chip(`unusable: ${r.unusable}`, "warn")] : null)))
          : null,
      ],
      ["MTA-STS", host.sts ? [`mode ${host.sts.mode}, `, host.sts.mx_allowed === null ? "" : chip(host.sts.mx_allowed ? "host allowed" : "host not allowed", host.sts.mx_allowed ? "ok" : "bad")] : "no valid policy"],
      ["Missing", want.length ? h("ul", { class: "missing" }, want.map((x) => h("li", {}, x))) : "nothing"],
    ]),
    host.dane && host.dane.outcome ? h("div", { class: "host-dane" }, h("h4", {}, "DANE verdict of the pasted chain"), daneReport(host.dane, { dnssec: "DNSSEC: the edge API's resolver set the AD bit on these records (its claim; see the note above)." })) : null,
    host.sts_certificate && host.sts_certificate.outcome ? h("div", { class: "host-sts" }, stsCheck(host.sts_certificate)) : null,
    host.imported ? importedBlock(host.imported) : null,
  );
}

function importedBlock(im) {
  if (!im.found) return h("p", { class: "notice" }, "mxtrust check --json: ", im.reason);
  return h(
    "div",
    { class: "imported" },
    h("h4", {}, "What mxtrust check saw on port 25"),
    table(
      "Connections",
      [
        { label: "Address", cell: (c) => c.address || "—", row: true, class: "mono" },
        { label: "Key", cell: (c) => c.key_type || "—" },
        { label: "Verdict", cell: (c) => chip(c.verdict || "—", { authenticated: "ok", valid: "ok" }[c.verdict] || (c.tlsrpt_result_type ? "bad" : "warn")) },
        { label: "Reason", cell: (c) => [c.reason || "—", c.tlsrpt_result_type ? [" ", tlsrptLine(c.tlsrpt_result_type)] : null] },
      ],
      im.connections,
    ),
  );
}
