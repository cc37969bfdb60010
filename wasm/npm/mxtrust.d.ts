// Type declarations of the npm package `mxtrust`, written by hand and
// checked by `tsc --strict` against wasm/test/types.ts (wasm/test.sh).
//
// Every document a function returns is the JSON document the `mxtrust`
// command prints with `--json` (the same serializer, from the same Rust
// structs), so its keys are snake_case, its codes kebab-case, and absent
// values are `null`.

/**
 * Certificates as a developer has them: PEM text (the output of
 * `openssl s_client -showcerts` works as it is; text around the blocks is
 * ignored), DER octets (one certificate or several concatenated), or an
 * array of either. Leaf first.
 */
export type Certificates = string | Uint8Array | ArrayBuffer | ReadonlyArray<string | Uint8Array>;

/** A TLSA record given by its fields. `data` is hex text or the octets. */
export interface TlsaRecordInput {
  usage: number;
  selector: number;
  matchingType: number;
  data: string | Uint8Array;
}

/**
 * TLSA records: text (`U S M HEX` lines, zone-file lines, `dig` output,
 * `dig +multiline` too), or an array whose elements are one record each:
 * presentation text (`"3 1 1 fc1d…"` or a whole zone line), wire RDATA
 * (`Uint8Array`, as DNS-over-HTTPS returns it), or a record object.
 */
export type TlsaInput = string | TlsaRecordInput | ReadonlyArray<string | Uint8Array | TlsaRecordInput>;

/**
 * A validation time: a `Date`, Unix seconds, or text (Unix seconds or
 * RFC 3339, `2026-11-28T13:00:00Z`). Absent: now.
 */
export type TimeInput = Date | number | string;

/** A policy body: text or the octets as served. */
export type PolicyInput = string | Uint8Array | ArrayBuffer;

/** What every function throws. */
export class MxtrustError extends Error {
  /** "MxtrustError". */
  readonly name: "MxtrustError";
  /**
   * A stable kebab-case code: core's and the readers' codes
   * (`invalid-reference-name`, `tlsa-syntax`, `not-pem-or-der`,
   * `invalid-mode`, …) and those of the JS boundary: `invalid-argument`,
   * `input-too-large`, `invalid-time`, `no-tlsa-records`,
   * `invalid-trust-anchor`, `no-trust-anchors`, `out-of-memory`,
   * `no-random-source`.
   */
  readonly code: string;
  /** The 1-based line of a text input at fault, when there is one. */
  readonly line?: number;
}

// ---------------------------------------------------------------- DANE

/** Options of {@link verifyDane}. */
export interface VerifyDaneOptions {
  /** The chain the server presented, leaf first. */
  chain: Certificates;
  /** The TLSA RRset of `_PORT._PROTO.NAMES[0]`. */
  tlsa: TlsaInput;
  /**
   * Reference identifiers, the TLSA base domain (the MX host) first; a
   * name starting with `.` matches any subdomain. Checked for DANE-TA and
   * PKIX usages, and for DANE-EE with `eeNameChecks`.
   */
  names: string | ReadonlyArray<string>;
  /** Default: now. */
  time?: TimeInput;
  /**
   * `smtp` (default, RFC 7672: DANE-TA and DANE-EE only) or `generic`
   * (RFC 6698/7671: PKIX-TA and PKIX-EE too, against `trustAnchors`).
   */
  profile?: "smtp" | "generic";
  /**
   * Enabled digests, most preferred first (RFC 7671 §9): `"sha512,sha256"`
   * (default), `["sha256"]`… A digest left out makes its records unusable.
   */
  digestPreference?: string | ReadonlyArray<"sha256" | "sha512">;
  /** Also require the leaf to name a reference identifier under DANE-EE. */
  eeNameChecks?: boolean;
  /** PKIX trust anchors, for `profile: "generic"` only. */
  trustAnchors?: Certificates;
  /** The TLSA name's port (default 25). */
  port?: number;
  /** The TLSA name's transport protocol (default `tcp`; RFC 6698 §3 defines these three). */
  proto?: "tcp" | "udp" | "sctp";
  /**
   * Take `dig` output without the `ad` flag or with a status other than
   * NOERROR: you vouch for the records' DNSSEC status.
   */
  dnssecUnchecked?: boolean;
}

/** One presented certificate, as the reports describe it. */
export interface CertificateReport {
  /** 0 for the leaf. */
  depth: number;
  /** RFC 4514, e.g. `CN=mx.example.com,O=Example`. */
  subject: string | null;
  issuer: string | null;
  /** RFC 3339. */
  not_before: string | null;
  not_after: string | null;
  validity: "valid" | "expired" | "not-yet-valid" | null;
  dns_names: string[];
  /** `RSA`, `EC P-256`, `Ed25519`… */
  key_type: string | null;
  key_bits: number | null;
  self_issued: boolean | null;
  ca: boolean | null;
  /** Why it could not be read, when it could not. */
  error: string | null;
}

/** One TLSA record's line in the DANE report. */
export interface DaneRecordReport {
  /** Position in the RRset, from 1. */
  index: number;
  /** Where it came from: `tlsa:LINE` for text, `tlsa[I]` for array elements. */
  source: string;
  /** Presentation form, `U S M HEX`. */
  record: string;
  /** The usage's RFC 7218 acronym: `DANE-EE`, `DANE-TA`, `PKIX-EE`, `PKIX-TA`, `PrivCert` or `unassigned`. */
  usage_acronym: string;
  status: "matched" | "not-matched" | "unusable" | "superseded" | "skipped" | "rejected";
  depth: number | null;
  code: string | null;
  reason: string | null;
  /** `resolver-ad` (a `dig` answer with the `ad` flag) or `not-checked`. */
  dnssec: "resolver-ad" | "not-checked";
}

/** A TLSA record read and left out. */
export interface IgnoredRecord {
  source: string;
  owner: string;
  reason: string;
}

/** The DANE report document (`mxtrust dane --json`). */
export interface DaneReport {
  outcome: "authenticated" | "unauthenticated-tls" | "failed";
  /** Number (from 1) of the record that authenticated the chain. */
  record: number | null;
  usage: number | null;
  /** The usage's RFC 7218 acronym. */
  usage_acronym: string | null;
  /** As OpenSSL's `SSL_get0_dane_authority` counts it. */
  depth: number | null;
  anchor: "presented" | "dns" | "trust-store" | null;
  failure: string | null;
  failure_code: string | null;
  /** The RFC 8460 result type to report. */
  tlsrpt_result_type: string | null;
  /** The validation time, Unix seconds. */
  time: number;
  names: string[];
  tlsa_name: string;
  records: DaneRecordReport[];
  ignored: IgnoredRecord[];
  chain: CertificateReport[];
  hints: Array<{ code: "leaf-only" | "reversed-chain" | "anchor-not-sent" | "name-mismatch"; message: string }>;
}

/**
 * Checks a chain against a TLSA RRset (RFC 6698, 7671, 7672): every record
 * evaluated, the chain described, common mistakes pointed out.
 *
 * @throws {MxtrustError} for input that cannot be used (unreadable chain or
 * records, a name that is no DNS name, no record for the TLSA name). A
 * chain that does not authenticate is a report, not an error.
 *
 * @example
 * const report = verifyDane({ chain: pem, tlsa: "3 1 1 fc1d…", names: "mx.example.com" });
 * if (report.outcome !== "authenticated") console.log(report.failure, report.hints);
 */
export function verifyDane(options: VerifyDaneOptions): DaneReport;

/** Options of {@link generateTlsa}: exactly one of `chain`, `publicKey`, `csr`. */
export interface GenerateTlsaOptions {
  /** A certificate or a chain, leaf first. */
  chain?: Certificates;
  /** PEM `PUBLIC KEY` or DER SubjectPublicKeyInfo: a key whose certificate does not exist yet. */
  publicKey?: string | Uint8Array | ArrayBuffer;
  /** PEM `CERTIFICATE REQUEST` or DER PKCS#10: the key of a certificate not yet issued (RFC 7671 §8.1). */
  csr?: string | Uint8Array | ArrayBuffer;
  /** Certificate usage 0–3. Default: 3 for the leaf, 2 for each issuer. */
  usage?: 0 | 1 | 2 | 3;
  /** 1 (the key, default) or 0 (the whole certificate). */
  selector?: number;
  /** 1 SHA2-256 (default), 2 SHA2-512, 0 the selected octets in full. */
  matchingType?: number;
  /** Zone lines for this host's TLSA name, `_PORT._PROTO.HOST`. */
  host?: string;
  /** Zone lines with this owner name. */
  owner?: string;
  port?: number;
  proto?: "tcp" | "udp" | "sctp";
}

/** A TLSA record to publish. */
export interface GeneratedRecord {
  record: string;
  usage: number;
  /** The usage's RFC 7218 acronym. */
  usage_acronym: string;
  selector: number;
  matching_type: number;
  data: string;
  depth: number | null;
  role: "leaf" | "issuer" | "certificate" | "public-key" | "certificate-request";
  /** `OWNER. IN TLSA U S M HEX` with `host` or `owner`. */
  zone_line: string | null;
}

/**
 * The TLSA records to publish: `3 1 1` for the leaf and `2 1 1` for each
 * issuer by default, as `mxtrust tlsa` prints them.
 *
 * @throws {MxtrustError}
 */
export function generateTlsa(options: GenerateTlsaOptions): GeneratedRecord[];

/** Options of {@link parseTlsa}. */
export interface ParseTlsaOptions {
  /** The TLSA base domain: records of other owners are ignored. Absent: every owner counts. */
  name?: string;
  port?: number;
  proto?: "tcp" | "udp" | "sctp";
  dnssecUnchecked?: boolean;
}

/** The records of TLSA text. */
export interface TlsaRecords {
  records: Array<{
    index: number;
    source: string;
    record: string;
    usage: number;
    selector: number;
    matching_type: number;
    data: string;
    dnssec: "resolver-ad" | "not-checked";
    /** Why the record is unusable under the SMTP profile, or null. */
    unusable: string | null;
    reason: string | null;
  }>;
  ignored: IgnoredRecord[];
  /** Whether a record is usable under the SMTP profile (digest agility included): `decide`'s `tlsaUsability`. */
  usability: "some-usable" | "all-unusable";
}

/**
 * Reads TLSA text: `U S M HEX` lines, zone lines, `dig` output.
 *
 * @throws {MxtrustError} with the `line` at fault.
 */
export function parseTlsa(text: string, options?: ParseTlsaOptions): TlsaRecords;

// ------------------------------------------------------------- MTA-STS

/** A warning or an error of a policy body. */
export interface PolicyProblem {
  /** 1-based line, 0 for the body as a whole. */
  line: number;
  kind: string;
  message: string;
}

/** The policy report document (`mxtrust sts-policy --json`). */
export interface PolicyReport {
  valid: boolean;
  mode: "enforce" | "testing" | "none" | null;
  max_age: number | null;
  mx: string[];
  warnings: PolicyProblem[];
  errors: PolicyProblem[];
  tlsrpt_result_type: string | null;
  matches: Array<{ host: string; allowed: boolean; pattern: string | null }>;
}

/**
 * What an MTA-STS policy body says (RFC 8461 §3.2), with line-numbered
 * warnings and errors, and which of `mx` it allows. An invalid policy is a
 * report (`valid: false`), not an error.
 *
 * @throws {MxtrustError} only for arguments of the wrong type.
 */
export function parsePolicy(text: PolicyInput, mx?: string | ReadonlyArray<string>): PolicyReport;

/**
 * Whether a valid policy allows the MX host (RFC 8461 §4.1).
 *
 * @throws {MxtrustError} with the policy's error code (`invalid-mode`…)
 * and `line` when the policy is invalid.
 */
export function policyAllowsMx(policyText: PolicyInput, mx: string): boolean;

/** Options of {@link checkSts}. */
export interface CheckStsOptions {
  /** The policy body. */
  policy: PolicyInput;
  /** The chain the MX presented, leaf first. */
  chain: Certificates;
  /** The MX host name. */
  mx: string;
  /**
   * Trusted roots (RFC 8461 §4.2). Required: a browser has no root store.
   * `import roots from "mxtrust/roots"` is a public set.
   */
  roots: Certificates;
  time?: TimeInput;
}

/** The STS check document (`mxtrust sts-check --json`). */
export interface StsCheckReport {
  outcome: "valid" | "invalid" | "policy-invalid" | "not-checked";
  action: "deliver" | "deliver-and-report" | "do-not-deliver" | "no-policy";
  mode: "enforce" | "testing" | "none" | null;
  mx: string;
  mx_allowed: boolean | null;
  mx_pattern: string | null;
  certificate: "valid" | "invalid" | "not-checked";
  certificate_failure: string | null;
  certificate_failure_code: string | null;
  tlsrpt_result_type: string | null;
  time: number;
  /** `file` is `roots` here (the CLI names its file). */
  trust_anchors: { file: string; count: number; skipped: number } | null;
  policy: PolicyReport;
  chain: CertificateReport[];
}

/**
 * May this MX receive mail under this policy (RFC 8461 §4.1), does its
 * chain pass the certificate check (§4.2), and what a sender does (§5).
 *
 * @throws {MxtrustError}
 */
export function checkSts(options: CheckStsOptions): StsCheckReport;

/**
 * A TXT RRset: one record (a string), one string per record (a string that
 * starts with `"` is read as `dig` prints TXT data, one record per line),
 * or each record's character-strings.
 */
export type TxtInput = string | ReadonlyArray<string> | ReadonlyArray<ReadonlyArray<string | Uint8Array>>;

/** The document of `sts-record` and `tlsrpt-record` (`--json`). */
export interface TxtReport {
  found: boolean;
  /** `parseStsRecord`: the policy id. */
  id?: string;
  /** `parseTlsrptRecord`: the report URIs. */
  rua?: Array<{ uri: string; scheme: "mailto" | "https" | "other" }>;
  unavailable: "no-record" | "several-records" | "invalid" | null;
  reason: string | null;
}

/** The `_mta-sts` record a sender uses among the RRset (RFC 8461 §3.1). */
export function parseStsRecord(txt: TxtInput): TxtReport;

/** The `_smtp._tls` record a sender uses among the RRset (RFC 8460 §3). */
export function parseTlsrptRecord(txt: TxtInput): TxtReport;

// ----------------------------------------------------------- Decisions

/** The DNSSEC status of an answer; `lookup-error` for SERVFAIL or a timeout. */
export type DnssecStatus = "secure" | "insecure" | "bogus" | "lookup-error";

/** Options of {@link decide}. */
export interface DecideOptions {
  /** The recipient domain's MX RRset. */
  mxRrset: DnssecStatus;
  /** The MX host's address RRsets. */
  addresses: DnssecStatus;
  /** The TLSA RRset of the host. */
  tlsa: "secure-with-records" | "secure-empty" | "insecure" | "bogus" | "lookup-error";
  /** Required with `secure-with-records`. */
  tlsaUsability?: "some-usable" | "all-unusable";
  /** The domain's MTA-STS state. */
  sts: "no-policy" | { mode: "enforce" | "testing"; mxAllowed: boolean } | { mode: "none" };
}

/** The per-MX decision. */
export interface DecisionReport {
  action:
    | "require-dane"
    | "require-tls-unauthenticated"
    | "require-sts"
    | "sts-testing"
    | "opportunistic"
    | "skip-mx"
    | "defer";
  description: string;
  tlsrpt_result_type: string | null;
}

/** What to do for one MX host: DANE before MTA-STS (RFC 7672 §2.2, RFC 8461 §2). */
export function decide(options: DecideOptions): DecisionReport;

/**
 * The DNSSEC status of data that depends on two answers (an A and an AAAA
 * RRset, an alias and its target): the weaker, from secure through
 * insecure and lookup-error to bogus. @throws {MxtrustError} `invalid-argument`
 */
export function weakerDnssecStatus(a: DnssecStatus, b: DnssecStatus): DnssecStatus;

/**
 * The status of a TLSA lookup for `decide`'s `tlsa`: from the answer's
 * DNSSEC status and whether it held TLSA records (null: the lookup failed).
 */
export function tlsaStatus(
  dnssec: DnssecStatus,
  hasRecords: boolean | null,
): "secure-with-records" | "secure-empty" | "insecure" | "bogus" | "lookup-error";

/**
 * The MTA-STS state a policy gives an MX host, as `decide`'s `sts` takes it:
 * `"no-policy"` when `policy` is null or not a valid policy (RFC 8461 §5),
 * else its mode and, for enforce and testing, whether an `mx` pattern
 * matches `mxHost` (RFC 8461 §4.1).
 */
export function mxStsState(
  policy: string | null,
  mxHost: string,
): "no-policy" | { mode: "none" } | { mode: "enforce" | "testing"; mxAllowed: boolean };

/** `https://mta-sts.<domain>/.well-known/mta-sts.txt` (RFC 8461 §3.2). @throws {MxtrustError} `invalid-domain` */
export function policyUrl(domain: string): string;

/** `mta-sts.<domain>`: the name the policy host's certificate must carry (RFC 8461 §3.3). */
export function policyHost(domain: string): string;

/** Whether `url` is exactly the policy URL of `domain`. */
export function isPolicyUrl(domain: string, url: string): boolean;

/** What the HTTP client observed when it fetched a policy. */
export interface PolicyResponse {
  /** The final URL. */
  url: string;
  status: number;
  /** Whether a redirect was followed (RFC 8461 §3.3 forbids it). */
  redirected?: boolean;
  /** The Content-Type header field, if any. */
  contentType?: string | null;
  /** Body octets read. */
  bodyLength: number;
  /** Whether reading stopped at the client's limit. */
  truncated?: boolean;
}

/** Whether a policy fetch response may be used (RFC 8461 §3.2, §3.3). */
export function checkPolicyResponse(
  domain: string,
  response: PolicyResponse,
): { usable: boolean; code: string | null; reason: string | null; tlsrpt_result_type: string | null };

/** Why a policy fetch got no HTTP response: core's `fetch::TransportFailure` codes. */
export type PolicyFetchFailure =
  | "invalid-domain"
  | "no-address"
  | "policy-host-bogus"
  | "certificate-invalid"
  | "timeout"
  | "connection-failed";

/**
 * The document of a policy fetch that got no response at all: core's code
 * and RFC 8460 result type (`sts-webpki-invalid` for `certificate-invalid`,
 * else `sts-policy-fetch-error`), with `detail` (the runtime's own words)
 * in `reason`. Throws `MxtrustError` `invalid-argument` for an unknown code.
 */
export function policyFetchFailure(
  code: PolicyFetchFailure,
  detail?: string | null,
): { usable: false; code: PolicyFetchFailure; reason: string; tlsrpt_result_type: string };

/** The MX hosts to try (RFC 5321 §5.1, RFC 7505). */
export interface MxHostsReport {
  route: "hosts" | "implicit-mx" | "null-mx" | "no-such-domain" | "no-usable-mx";
  description: string;
  hosts: Array<{ preference: number; exchange: string }>;
  ignored: number;
  null_mx_mixed: boolean;
}

/**
 * The hosts an MX answer yields, in the order to try them. Equal
 * preferences are shuffled (RFC 5321 §5.1) from a random seed, or from
 * `seed`; `shuffle: false` keeps the resolver's order.
 */
export function mxHosts(
  domain: string,
  answer: ReadonlyArray<{ preference: number; exchange: string }> | "nodata" | "nxdomain",
  options?: { shuffle?: boolean; seed?: number },
): MxHostsReport;

/** A TLSA base domain to query. */
export interface TlsaCandidate {
  tlsa_base_domain: string;
  tlsa_name: string;
  expanded: boolean;
  /** The names for {@link VerifyDaneOptions.names}. */
  reference_ids: string[];
}

/**
 * Where to look for an MX host's TLSA records, through the CNAME steps the
 * resolver followed (RFC 7672 §2.2.2); with `firstLookup`, `next` says
 * which base domain to query after it.
 */
export function tlsaBaseDomains(options: {
  mxHost: string;
  cnames?: ReadonlyArray<{ owner: string; target: string; status: DnssecStatus }>;
  addresses: DnssecStatus;
  firstLookup?: DecideOptions["tlsa"];
  port?: number;
  protocol?: "tcp" | "udp" | "sctp";
}): {
  result: "candidates" | "not-applicable" | "indeterminate";
  status: DnssecStatus | null;
  candidates: TlsaCandidate[];
  next: TlsaCandidate | null;
};

/** `_PORT._PROTO.BASE` (RFC 6698 §3); `_25._tcp.BASE` by default. */
export function tlsaOwnerName(base: string, options?: { port?: number; protocol?: "tcp" | "udp" | "sctp" }): string;

// ------------------------------------------------------------- Rollover

/** One step of a rollover plan. */
export interface PlanStep {
  /** `publish`, `switch`, `remove` (DANE); `publish-interim-policy`, `publish-policy`, `add-mx`, `remove-mx`, `max-age-binds`, `old-policy-expired` (MTA-STS). */
  step: string;
  /** The earliest time, Unix seconds. */
  at: number;
  /** The records it publishes or removes (DANE), in presentation form. */
  records: string[];
  /** What to do and why. */
  why: string;
}

/** The document of `mxtrust rollover dane|sts --json`. */
export interface PlanReport {
  kind: "dane" | "sts";
  /** Whether the whole change may be made now. */
  safe_now: boolean;
  /** The time of planning, Unix seconds. */
  time: number;
  steps: PlanStep[];
  /** What stops the plan from being safe as asked. */
  problem: { code: string; message: string } | null;
  /** MTA-STS: whether the policy changes, so that a new id is due. */
  new_id_required: boolean | null;
}

/** Options of {@link planDaneRollover}. */
export interface PlanDaneOptions {
  /** The TLSA RRset published now (`dig` output and zone lines carry TTLs). */
  tlsa: TlsaInput;
  /** The chain the server presents now. */
  chain: Certificates;
  /** What it presents after the switch: the chain, or only the key or its CSR. */
  next: { chain: Certificates } | { publicKey: string | Uint8Array } | { csr: string | Uint8Array };
  /** Reference identifiers, the TLSA base domain (MX host) first. */
  names: string | ReadonlyArray<string>;
  /** The RRset's TTL in seconds; default the largest TTL the records carry. */
  ttl?: number;
  /** When the RRset last changed; default now (the safe assumption). */
  publishedAt?: TimeInput;
  /** The zone's negative-caching TTL, for a name that has no RRset yet. */
  negativeTtl?: number;
  /** The record kinds to end with, `"U S M"` (default: today's kinds). */
  to?: ReadonlyArray<string>;
  /** The TLSA name's port (default 25). */
  port?: number;
  /** The time of planning (default now). */
  time?: TimeInput;
}

/** Plans a TLSA change: what to publish, when to switch, what to remove (RFC 7671 §8.1, §9). */
export function planDaneRollover(options: PlanDaneOptions): PlanReport;

/** Options of {@link planStsRollover}. */
export interface PlanStsOptions {
  policy: PolicyInput;
  id: string;
  nextPolicy: PolicyInput;
  nextId?: string;
  /** MX hosts in DNS now, and after the change. */
  mxNow: ReadonlyArray<string>;
  mxNext: ReadonlyArray<string>;
  /** The MX RRset's TTL in seconds (default 3600). */
  mxTtl?: number;
  time?: TimeInput;
}

/** Plans an MTA-STS policy or MX host change (RFC 8461 §5.1, §8.3). */
export function planStsRollover(options: PlanStsOptions): PlanReport;

// ---------------------------------------------------------------- Cache

/** A cached policy. */
export interface CachedPolicy {
  id: string;
  mode: "enforce" | "testing" | "none";
  max_age: number;
  /** Unix seconds. */
  fetched_at: number;
  expires_at: number;
  mx: string[];
}

/**
 * An MTA-STS policy cache (RFC 8461 §5.1): never drops a live policy to
 * make room, backs off failed fetches, and exports its state to a
 * `Uint8Array` (for a key-value store) and imports it back. Call `free()`
 * when done to release its memory at once.
 */
export class PolicyCache {
  /**
   * @param options.capacity domains (default 1024)
   * @param options.textCapacity octets for names and patterns (default 128 per domain)
   * @param options.key the 16-octet hash key; default from `crypto.getRandomValues`
   */
  constructor(options?: { capacity?: number; textCapacity?: number; key?: Uint8Array });
  readonly size: number;
  readonly capacity: number;
  readonly textCapacity: number;
  readonly textUsed: number;
  lookup(domain: string, time?: TimeInput): { status: "fresh" | "expired" | "absent"; policy: CachedPolicy | null };
  /** After seeing the `_mta-sts` TXT id: whether to fetch. */
  observeId(domain: string, id: string, time?: TimeInput): { need: "up-to-date" | "fetch" | "back-off"; until: number | null };
  shouldFetch(domain: string, id: string, time?: TimeInput): boolean;
  /**
   * Caches a freshly fetched, valid policy.
   * @throws {MxtrustError} the policy's error code, `cache-full`, `policy-too-large-for-cache`, `invalid-domain`
   */
  store(
    domain: string,
    id: string,
    policyText: PolicyInput,
    time?: TimeInput,
  ): { stored: "inserted" | "replaced" | "evicted"; evicted: number; last_evicted: string | null };
  /** A failed fetch: back off, and keep an unexpired policy in force. */
  recordFailure(domain: string, id: string, time?: TimeInput): { outcome: "use-cached" | "no-policy"; mode: string | null };
  remove(domain: string): boolean;
  /** Domains whose policy expires within `windowSeconds`, for proactive refresh. */
  dueDomains(windowSeconds: number, time?: TimeInput): string[];
  clear(): void;
  /** The cache as a checksummed image. */
  export(): Uint8Array;
  /** @throws {MxtrustError} `cache-image-corrupt`, `cache-image-unsupported` (the cache is unchanged then) */
  import(image: Uint8Array): { kept: number; dropped: number };
  /** Releases the wasm memory now. */
  free(): void;
}

// -------------------------------------------------------- Initialisation

/** What {@link init} and {@link initSync} accept. */
export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;

/**
 * Instantiates the module. Browsers: `await init()` once, before any other
 * call (it fetches `mxtrust_bg.wasm` next to the package's JS, or what
 * `module_or_path` says). Node and workers initialise on import; calling it
 * there does nothing.
 */
export default function init(options?: { module_or_path?: InitInput | Promise<InitInput> }): Promise<unknown>;

/** Instantiates the module synchronously from octets or a compiled module. */
export function initSync(options: { module: BufferSource | WebAssembly.Module }): unknown;
