//! The DANE report: core's outcome and per-record statuses as a document
//! with stable names, for people or as JSON.
//!
//! Every name here is a fixed mapping of a core variant; the matches are
//! exhaustive so that a new variant in core does not compile until it has a
//! name (and a line in the README's table).

use std::fmt::Write as _;

use mxtrust::cert::Certificate;
use mxtrust::dane::{self, Options, Outcome, Profile, RecordStatus};
use mxtrust::tlsa::DigestPreference;
use mxtrust::{CertUsage, SignatureVerificationAlgorithm, TrustAnchor};
use serde::Serialize;

use crate::chain::{self, CertificateReport};
use crate::tlsa_text::{Dnssec, Ignored, Record};

/// The DANE report document (`mxtrust dane --json`).
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// `authenticated`, `unauthenticated-tls` or `failed`.
    pub outcome: &'static str,
    /// Number (from 1) of the record that authenticated the chain.
    pub record: Option<usize>,
    /// Its certificate usage.
    pub usage: Option<u8>,
    /// The usage's RFC 7218 acronym (`DANE-EE`, `DANE-TA`, ...).
    pub usage_acronym: Option<&'static str>,
    /// Depth of the certificate or key it matched, as OpenSSL's
    /// `SSL_get0_dane_authority` counts it.
    pub depth: Option<usize>,
    /// Where what it matched came from: `presented`, `dns` (the record
    /// itself) or `trust-store` (--trust-anchors).
    pub anchor: Option<&'static str>,
    /// Why authentication failed, in words.
    pub failure: Option<String>,
    /// Why authentication failed, as a stable code.
    pub failure_code: Option<&'static str>,
    /// The RFC 8460 result type to report.
    pub tlsrpt_result_type: Option<&'static str>,
    /// The validation time, Unix seconds.
    pub time: u64,
    /// The reference identifiers, the TLSA base domain first.
    pub names: Vec<String>,
    /// The TLSA name records were read for, `_PORT._PROTO.HOST`.
    pub tlsa_name: String,
    /// Every record, in input order.
    pub records: Vec<RecordReport>,
    /// TLSA records read and left out (another owner, outside `dig`'s
    /// answer section).
    pub ignored: Vec<Ignored>,
    /// Every presented certificate, leaf first.
    pub chain: Vec<CertificateReport>,
    /// Common mistakes the result points to.
    pub hints: Vec<Hint>,
}

/// A common mistake the result points to.
#[derive(Clone, Debug, Serialize)]
pub struct Hint {
    /// `leaf-only`, `reversed-chain`, `anchor-not-sent` or `name-mismatch`.
    pub code: &'static str,
    /// What to do, in words.
    pub message: String,
}

/// The `--json` schema of the DANE report, for `--help` and the README.
pub const JSON_SCHEMA: &str = "\
JSON report (--json), keys always present:
  outcome              authenticated | unauthenticated-tls | failed
  record               number (from 1) of the record that authenticated, or null
  usage, depth, anchor its usage, the depth it matched as OpenSSL's
                       SSL_get0_dane_authority counts it, and where that came
                       from: presented, dns (the record) or trust-store
  failure, failure_code, tlsrpt_result_type
                       why not, in words and as a code; RFC 8460 result type
  time                 validation time, Unix seconds
  names, tlsa_name     the --names; _PORT._PROTO.NAME records were read for
  records[]            index (from 1), source, record, status (matched,
                       not-matched, unusable, superseded, skipped, rejected),
                       depth, code, reason, dnssec (resolver-ad, validated,
                       not-checked)
  ignored[]            source, owner, reason: records left out
  chain[]              depth, subject, issuer (RFC 4514), not_before, not_after,
                       validity (valid, expired, not-yet-valid), dns_names,
                       key_type, key_bits, self_issued, ca, error
  hints[]              code (leaf-only, reversed-chain, anchor-not-sent,
                       name-mismatch), message";

/// One record's line in the report.
#[derive(Clone, Debug, Serialize)]
pub struct RecordReport {
    /// Position in the RRset, from 1.
    pub index: usize,
    /// `FILE:LINE` or `--tlsa N`.
    pub source: String,
    /// Presentation form, `U S M HEX`.
    pub record: String,
    /// The usage's RFC 7218 acronym (`DANE-EE`, `DANE-TA`, ...).
    pub usage_acronym: &'static str,
    /// `matched`, `not-matched`, `unusable`, `superseded` or `rejected`.
    pub status: &'static str,
    /// Depth of the presented certificate it matched.
    pub depth: Option<usize>,
    /// Stable code of the reason (unusable, rejected).
    pub code: Option<&'static str>,
    /// The reason, in words.
    pub reason: Option<String>,
    /// Who vouches for its DNSSEC status: `resolver-ad` (a `dig` answer with
    /// the `ad` flag, or `mxtrust check --trust-ad`: the resolver's claim),
    /// `validated` (`mxtrust check`: validated by mxtrust) or `not-checked`
    /// (the user's own data).
    pub dnssec: &'static str,
}

/// What a DANE check is given.
#[derive(Clone, Copy)]
pub struct Check<'a> {
    /// The presented chain, DER, leaf first.
    pub chain: &'a [Vec<u8>],
    /// The TLSA RRset.
    pub records: &'a [Record],
    /// Reference identifiers, the TLSA base domain first.
    pub names: &'a [String],
    /// The TLSA name the records were read for.
    pub tlsa_name: &'a str,
    /// Records read and left out, for the report.
    pub ignored: &'a [Ignored],
    /// The validation time, Unix seconds.
    pub time: u64,
    /// `None` for the SMTP profile (RFC 7672); the PKIX trust anchors of the
    /// generic profile (RFC 6698/7671) otherwise.
    /// With the anchors' DER certificates, in the same order, so that
    /// PKIX-TA Cert(0) records can name an anchor the server did not send.
    pub generic_trust_anchors: Option<(&'a [TrustAnchor<'a>], &'a [&'a [u8]])>,
    /// Enabled digests, most preferred first.
    pub digest_preference: DigestPreference,
    /// Check names under DANE-EE as well.
    pub ee_name_checks: bool,
    /// Signature algorithms for DANE-TA and PKIX paths.
    pub algorithms: &'a [&'a dyn SignatureVerificationAlgorithm],
}

impl std::fmt::Debug for Check<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Check")
            .field("records", &self.records.len())
            .field("names", &self.names)
            .field("time", &self.time)
            .finish_non_exhaustive()
    }
}

/// Runs `dane::verify` on `check`, every record evaluated (a checker shows
/// each record's final status), and builds the report.
///
/// # Errors
///
/// Core's error for input the caller should not have passed (an empty
/// chain, too many records or names, a name that is not a DNS name).
pub fn check(check: &Check<'_>) -> Result<Report, mxtrust::Error> {
    let mut options = Options::new(mxtrust::time::unix_time(check.time), check.algorithms);
    if let Some((trust_anchors, anchor_certificates)) = check.generic_trust_anchors {
        options.profile = Profile::Generic {
            trust_anchors,
            anchor_certificates,
        };
    }
    options.digest_preference = check.digest_preference;
    options.ee_name_checks = check.ee_name_checks;
    options.evaluate_all_records = true;
    let chain: Vec<&[u8]> = check.chain.iter().map(Vec::as_slice).collect();
    let tlsa: Vec<_> = check.records.iter().map(Record::tlsa).collect();
    let names: Vec<&str> = check.names.iter().map(String::as_str).collect();
    let mut statuses = vec![RecordStatus::EMPTY; tlsa.len()];
    let outcome = dane::verify(&chain, &tlsa, &names, &options, &mut statuses)?;
    let mut report = Report::new(&outcome, &statuses, check.records, check.time);
    check.names.clone_into(&mut report.names);
    check.tlsa_name.clone_into(&mut report.tlsa_name);
    check.ignored.clone_into(&mut report.ignored);
    report.chain = chain::certificates(check.chain, check.time);
    report.hints = hints(&report, check.chain, check.names);
    Ok(report)
}

/// The common mistakes a result that is not `authenticated` points to.
fn hints(report: &Report, chain: &[Vec<u8>], names: &[String]) -> Vec<Hint> {
    let mut hints = Vec::new();
    if report.record.is_some() {
        return hints;
    }
    let usable = |r: &&RecordReport| !matches!(r.status, "unusable" | "superseded");
    let usage = |r: &RecordReport| r.record.split(' ').next().unwrap_or_default().to_owned();
    let ta: Vec<&RecordReport> = report
        .records
        .iter()
        .filter(usable)
        .filter(|r| usage(r) == "2")
        .collect();
    let ee = report
        .records
        .iter()
        .filter(usable)
        .any(|r| usage(r) == "3");
    if chain.len() == 1 && !ta.is_empty() && !ee {
        hints.push(Hint {
            code: "leaf-only",
            message: "the server sent only its leaf certificate, and every usable record is \
                      DANE-TA(2): it must send its chain up to the trust anchor the record \
                      names (RFC 7671 §5.2.2)"
                .to_owned(),
        });
    } else {
        for r in ta
            .iter()
            .filter(|r| r.status == "not-matched" && names_an_anchor_to_send(r))
        {
            hints.push(Hint {
                code: "anchor-not-sent",
                message: format!(
                    "record {} ({}) matches none of the certificates the server sent: the trust \
                     anchor it names must be in the chain the server presents (RFC 7671 §5.2.2)",
                    r.index, r.source
                ),
            });
        }
    }
    let parsed: Vec<Option<Certificate<'_>>> =
        chain.iter().map(|d| Certificate::parse(d).ok()).collect();
    if let [Some(first), Some(second), ..] = parsed.as_slice()
        && second.is_issued_by(first)
        && !first.is_issued_by(second)
    {
        hints.push(Hint {
            code: "reversed-chain",
            message: "the chain looks reversed: the certificate at depth 1 was issued by the one \
                      at depth 0; a server sends its own certificate first, then its issuers \
                      (RFC 8446 §4.4.2)"
                .to_owned(),
        });
    }
    if report.failure_code == Some("name-mismatch")
        && let Some(Some(leaf)) = parsed.first()
    {
        let dns: Vec<String> = leaf
            .dns_names()
            .map(|n| String::from_utf8_lossy(n).into_owned())
            .collect();
        let held = if dns.is_empty() {
            let cns: Vec<String> = leaf
                .common_names()
                .map(|n| String::from_utf8_lossy(n).into_owned())
                .collect();
            format!("no DNS name, and the common name {}", cns.join(", "))
        } else {
            format!("the DNS names {}", dns.join(", "))
        };
        hints.push(Hint {
            code: "name-mismatch",
            message: format!(
                "the leaf holds {held}; none of them matches {}",
                names.join(", ")
            ),
        });
    }
    hints
}

/// Whether a DANE-TA record names its anchor by a digest of the
/// certificate or key (`2 0 1`, `2 1 2`...), which the server must then send
/// (RFC 7671 §5.2.2). A `2 0 0` or `2 1 0` record carries the anchor
/// itself, and the server need not send it.
fn names_an_anchor_to_send(record: &RecordReport) -> bool {
    let mut fields = record.record.split(' ').skip(1);
    matches!(
        (fields.next(), fields.next()),
        (Some("0" | "1"), Some("1" | "2"))
    )
}

const SUPERSEDED: &str = "a more preferred digest is present (RFC 7671 §9)";

impl Report {
    /// The report of `outcome` with one line per record.
    pub fn new(
        outcome: &Outcome,
        statuses: &[RecordStatus],
        records: &[Record],
        time: u64,
    ) -> Self {
        let records = records
            .iter()
            .zip(statuses)
            .enumerate()
            .map(|(index, (record, status))| {
                RecordReport::new(index.saturating_add(1), record, status)
            })
            .collect();
        let failure = match outcome {
            Outcome::Failed(failure) => Some(failure),
            _ => None,
        };
        let authenticated = match outcome {
            Outcome::Authenticated(a) => Some(a),
            _ => None,
        };
        Self {
            outcome: outcome.code(),
            record: authenticated.map(|a| a.record.saturating_add(1)),
            usage: authenticated.map(|a| u8::from(a.usage)),
            usage_acronym: authenticated.map(|a| a.usage.acronym()),
            depth: authenticated.map(|a| a.depth),
            anchor: authenticated.map(|a| a.anchor.code()),
            failure: failure.map(ToString::to_string),
            failure_code: failure.map(|f| f.code()),
            tlsrpt_result_type: outcome.result_type().map(|t| t.as_str()),
            time,
            names: Vec::new(),
            tlsa_name: String::new(),
            records,
            ignored: Vec::new(),
            chain: Vec::new(),
            hints: Vec::new(),
        }
    }

    /// Whether the chain is authenticated (exit status 0).
    pub fn is_authenticated(&self) -> bool {
        self.record.is_some()
    }

    /// The report for people: the verdict first, then one line per record,
    /// then what was left out and who vouches for the records' DNSSEC status.
    pub fn human(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "{}", self.verdict());
        let _ = writeln!(
            out,
            "checked at {} for {}",
            crate::time::format(self.time),
            self.names.join(", ")
        );
        out.push('\n');
        let rows: Vec<[String; 6]> = self
            .records
            .iter()
            .map(|r| {
                [
                    r.index.to_string(),
                    r.source.clone(),
                    abbreviate(&r.record),
                    r.status.to_owned(),
                    r.depth.map_or_else(|| "-".to_owned(), |d| d.to_string()),
                    r.reason.clone().unwrap_or_default(),
                ]
            })
            .collect();
        let header = ["#", "source", "record", "status", "depth", "reason"];
        table(&mut out, header, &rows);
        self.human_notes(&mut out);
        if !self.chain.is_empty() {
            out.push_str("chain:\n");
            for certificate in &self.chain {
                out.push_str(&certificate.human());
            }
        }
        for hint in &self.hints {
            let _ = writeln!(out, "hint: {}", hint.message);
        }
        out
    }

    fn human_notes(&self, out: &mut String) {
        for ignored in &self.ignored {
            let _ = writeln!(
                out,
                "ignored: {} (owner {}): {}",
                ignored.source, ignored.owner, ignored.reason
            );
        }
        let numbers = |dnssec: &str| -> Vec<String> {
            self.records
                .iter()
                .filter(|r| r.dnssec == dnssec)
                .map(|r| r.index.to_string())
                .collect()
        };
        let unchecked = numbers(Dnssec::NotChecked.code());
        if !unchecked.is_empty() {
            let _ = writeln!(
                out,
                "dnssec: not checked for record{} {}: taken as your own data; \
                 DANE needs a DNSSEC-secure TLSA RRset (RFC 7672 §2.2)",
                plural(unchecked.len()),
                unchecked.join(", ")
            );
        }
        let ad = numbers(Dnssec::ResolverAd.code());
        if !ad.is_empty() {
            let _ = writeln!(
                out,
                "dnssec: record{} {} came with the 'ad' flag: the resolver's claim that it \
                 validated them",
                plural(ad.len()),
                ad.join(", ")
            );
        }
    }

    fn verdict(&self) -> String {
        let tlsrpt = |t: Option<&str>| t.map(|t| format!(" [TLSRPT {t}]")).unwrap_or_default();
        match (self.record, &self.failure) {
            (Some(index), _) => {
                let record = self.records.get(index.wrapping_sub(1));
                let source = record.map_or("", |r| r.source.as_str());
                let usage = self
                    .usage
                    .map(CertUsage::from)
                    .map_or("", CertUsage::acronym);
                let depth = self.depth.unwrap_or_default();
                let at = match self.anchor {
                    Some("dns") => format!("the trust anchor given in the record (depth {depth})"),
                    Some("trust-store") => {
                        format!("a trust anchor from --trust-anchors (depth {depth})")
                    }
                    _ if depth == 0 => "the leaf certificate (depth 0)".to_owned(),
                    _ => format!("the certificate at depth {depth}"),
                };
                format!("authenticated: record {index} ({usage}, {source}) matched {at}")
            }
            (None, Some(failure)) => format!(
                "failed: {failure}; do not deliver{}",
                tlsrpt(self.tlsrpt_result_type)
            ),
            (None, None) => format!(
                "unauthenticated-tls: every TLSA record is unusable; TLS is still required \
                 but cannot be authenticated (RFC 7672 §2.2){}",
                tlsrpt(self.tlsrpt_result_type)
            ),
        }
    }
}

impl RecordReport {
    fn new(index: usize, record: &Record, status: &RecordStatus) -> Self {
        let code_of_status = status.code();
        let (depth, code, reason) = match status {
            RecordStatus::Matched { depth } => (*depth, None, None),
            RecordStatus::NotMatched => (None, None, None),
            RecordStatus::Unusable(why) => (None, Some(why.code()), Some(why.to_string())),
            RecordStatus::Superseded => (None, Some(code_of_status), Some(SUPERSEDED.to_owned())),
            RecordStatus::Skipped => (
                None,
                Some(code_of_status),
                Some("not checked: a DANE-EE record already authenticated the chain".to_owned()),
            ),
            RecordStatus::Rejected { depth, failure } => {
                (*depth, Some(failure.code()), Some(failure.to_string()))
            }
        };
        let status = code_of_status;
        Self {
            index,
            dnssec: record.dnssec.code(),
            source: record.source.clone(),
            record: record.tlsa().to_string(),
            usage_acronym: record.tlsa().usage.acronym(),
            status,
            depth,
            code,
            reason,
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// `3 1 1 fc1d3a0b...5c849b`: enough of the data to tell records apart.
pub(crate) fn abbreviate(record: &str) -> String {
    let Some((fields, data)) = record.rsplit_once(' ') else {
        return record.to_owned();
    };
    match (data.get(..8), data.get(data.len().saturating_sub(6)..)) {
        (Some(head), Some(tail)) if data.len() > 20 => format!("{fields} {head}...{tail}"),
        _ => record.to_owned(),
    }
}

/// `rows` under `header` in left-aligned columns two spaces apart, each
/// line's trailing spaces trimmed: the record tables of the DANE and
/// live-check reports.
pub(crate) fn table<const N: usize>(out: &mut String, header: [&str; N], rows: &[[String; N]]) {
    let header = header.map(str::to_owned);
    let mut widths = [0usize; N];
    for row in std::iter::once(&header).chain(rows) {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    for row in std::iter::once(&header).chain(rows) {
        let mut line = String::new();
        for (i, (cell, width)) in row.iter().zip(widths).enumerate() {
            if i > 0 {
                line.push_str("  ");
            }
            let _ = write!(line, "{cell:<width$}");
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
}

/// A digest preference (RFC 7671 §9) from digest names, most preferred
/// first: `sha256` / `sha-256` / `sha2-256` and `sha512` / `sha-512` /
/// `sha2-512`, case-insensitive; `--digest-preference sha256,sha512` and
/// the wasm package's `digestPreference` both read it here.
///
/// # Errors
///
/// The reason, in words: an unknown name, none, or a name twice.
pub fn digest_preference<'n>(
    names: impl IntoIterator<Item = &'n str>,
) -> Result<mxtrust::tlsa::DigestPreference, String> {
    use mxtrust::tlsa::DigestAlgorithm;
    let order = names
        .into_iter()
        .map(|name| match name.trim().to_ascii_lowercase().as_str() {
            "sha256" | "sha-256" | "sha2-256" => Ok(DigestAlgorithm::Sha256),
            "sha512" | "sha-512" | "sha2-512" => Ok(DigestAlgorithm::Sha512),
            other => Err(format!("unknown digest '{other}' (sha256 or sha512)")),
        })
        .collect::<Result<Vec<_>, _>>()?;
    mxtrust::tlsa::DigestPreference::from_order(&order)
        .map_err(|_| "name sha256 and/or sha512, each at most once".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn abbreviation_keeps_short_records_whole() {
        assert_eq!(abbreviate("3 1 1 0a0b"), "3 1 1 0a0b");
        assert_eq!(
            abbreviate("3 1 1 fc1d3a0b1a588d2a42f8b18ed13ad2df697708fce6554c9bd891e45b495c849b"),
            "3 1 1 fc1d3a0b...5c849b"
        );
    }
}
