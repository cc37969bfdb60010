//! The MTA-STS check report (`mxtrust sts-check`): may this MX host receive
//! mail under this policy (RFC 8461 §4.1), does its chain pass the
//! certificate check (RFC 8461 §4.2), and what a sender does about it under
//! the policy's mode (RFC 8461 §5), as one document.
//!
//! Every rule is core's: the policy grammar and the MX match
//! ([`mxtrust::policy`]), the certificate check
//! ([`mxtrust::sts::check_certificate`]), and what a sender does for an MX
//! under a mode, with the result type a mismatched MX is reported as
//! ([`mxtrust::decision::decide`]).

use std::fmt::Write as _;

use mxtrust::decision::{
    self, Action, DnssecStatus, MxInputs, StsState, TlsaStatus, TlsaUsability,
};
use mxtrust::policy::Mode;
use mxtrust::sts;
use mxtrust::{SignatureVerificationAlgorithm, TrustAnchor};
use serde::Serialize;

use crate::chain::{self, CertificateReport};
use crate::policy::{self, PolicyReport};

/// The STS check document (`mxtrust sts-check --json`).
#[derive(Clone, Debug, Serialize)]
pub struct StsCheckReport {
    /// `valid` (the MX is allowed and its chain passes), `invalid`,
    /// `policy-invalid` (the body is not a policy a sender applies), or
    /// `not-checked` (mode `none`).
    pub outcome: &'static str,
    /// What a sender does with this MX: `deliver`, `deliver-and-report`
    /// (`testing` with a failure), `do-not-deliver` (`enforce` with a
    /// failure: try another MX, else defer), `no-policy` (mode `none`, or
    /// an invalid policy: as if the domain had no MTA-STS policy).
    pub action: &'static str,
    /// `enforce`, `testing` or `none`; null for an invalid policy.
    pub mode: Option<&'static str>,
    /// The MX host checked.
    pub mx: String,
    /// Whether an `mx` pattern allows it (RFC 8461 §4.1); null when not
    /// checked.
    pub mx_allowed: Option<bool>,
    /// The first pattern that allows it.
    pub mx_pattern: Option<String>,
    /// The certificate check (RFC 8461 §4.2): `valid`, `invalid` or
    /// `not-checked`.
    pub certificate: &'static str,
    /// Why the certificate check failed, in words.
    pub certificate_failure: Option<String>,
    /// Why, as core's stable code (`expired`, `issuer-not-found`,
    /// `name-mismatch`...).
    pub certificate_failure_code: Option<&'static str>,
    /// The RFC 8460 result type a sender reports, when something failed.
    pub tlsrpt_result_type: Option<&'static str>,
    /// The validation time, Unix seconds.
    pub time: u64,
    /// Where the trust anchors came from (a file name), and how many.
    pub trust_anchors: Option<TrustAnchorSource>,
    /// The policy report (what the body says, its warnings or error).
    pub policy: PolicyReport,
    /// Every presented certificate, leaf first.
    pub chain: Vec<CertificateReport>,
}

/// The trust anchors a check used.
#[derive(Clone, Debug, Serialize)]
pub struct TrustAnchorSource {
    /// The file they were read from.
    pub file: String,
    /// How many were used.
    pub count: usize,
    /// How many certificates of the file could not be trust anchors and
    /// were left out (a system bundle may hold a few).
    pub skipped: usize,
}

/// The `--json` schema of the STS check report, for `--help` and the README.
pub const JSON_SCHEMA: &str = "\
JSON report (--json), keys always present:
  outcome              valid | invalid | policy-invalid | not-checked (mode none)
  action               deliver | deliver-and-report (testing) |
                       do-not-deliver (enforce) | no-policy (none, invalid policy)
  mode                 enforce | testing | none, or null (invalid policy)
  mx, mx_allowed, mx_pattern
                       the host; whether an mx pattern allows it (RFC 8461 §4.1)
                       and the first that does (null when not checked)
  certificate          valid | invalid | not-checked (RFC 8461 §4.2)
  certificate_failure, certificate_failure_code
                       why not, in words and as a code
  tlsrpt_result_type   the RFC 8460 result type a sender reports, or null
  time                 validation time, Unix seconds
  trust_anchors        {file, count, skipped}, or null when not checked
  policy               the sts-policy report of the body (mode, max_age, mx,
                       warnings, errors, tlsrpt_result_type, matches)
  chain[]              as in `mxtrust dane --json`";

/// What an STS check is given.
#[derive(Clone, Copy)]
pub struct StsCheck<'a> {
    /// The policy body (RFC 8461 §3.2).
    pub policy: &'a [u8],
    /// The presented chain, DER, leaf first.
    pub chain: &'a [Vec<u8>],
    /// The MX host.
    pub mx: &'a str,
    /// The trust anchors (RFC 8461 §4.2: "a trusted root"); empty when
    /// [`needs_trust_anchors`] says none are needed.
    pub trust_anchors: &'a [TrustAnchor<'a>],
    /// Where they came from, for the report.
    pub trust_anchor_source: Option<&'a TrustAnchorSource>,
    /// The validation time, Unix seconds.
    pub time: u64,
    /// Signature algorithms for path validation.
    pub algorithms: &'a [&'a dyn SignatureVerificationAlgorithm],
}

impl std::fmt::Debug for StsCheck<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StsCheck")
            .field("mx", &self.mx)
            .field("time", &self.time)
            .finish_non_exhaustive()
    }
}

/// Whether checking `policy` needs trust anchors: only a valid policy in
/// `enforce` or `testing` mode has a certificate check (RFC 8461 §4.2, §5),
/// so a caller can leave a missing system bundle alone otherwise.
pub fn needs_trust_anchors(policy: &[u8]) -> bool {
    matches!(
        policy::parse(policy).0.map(|p| p.mode()),
        Ok(Mode::Enforce | Mode::Testing)
    )
}

/// Runs the check and builds the report.
///
/// # Errors
///
/// Core's error for input the caller should not have passed (an empty
/// chain).
pub fn check(check: &StsCheck<'_>) -> Result<StsCheckReport, mxtrust::Error> {
    let policy_report = PolicyReport::new(check.policy, &[check.mx]);
    let mut report = StsCheckReport {
        outcome: "not-checked",
        action: "no-policy",
        mode: policy_report.mode,
        mx: check.mx.to_owned(),
        mx_allowed: None,
        mx_pattern: None,
        certificate: "not-checked",
        certificate_failure: None,
        certificate_failure_code: None,
        tlsrpt_result_type: None,
        time: check.time,
        trust_anchors: None,
        policy: policy_report,
        chain: chain::certificates(check.chain, check.time),
    };
    let (parsed, _) = policy::parse(check.policy);
    let Ok(policy) = parsed else {
        // RFC 8461 §5: an invalid policy is no policy for the sender, and
        // RFC 8460 §4.3.3 reports it.
        report.outcome = "policy-invalid";
        report.tlsrpt_result_type = report.policy.tlsrpt_result_type;
        return Ok(report);
    };
    let mx_allowed = policy.allows_mx(check.mx.as_bytes());
    let sts = StsState::of(Some(&policy), check.mx.as_bytes());
    // MTA-STS alone: the DNS answers are taken as insecure, so that DANE
    // (which would take precedence, RFC 8461 §2) does not apply.
    let decision = decision::decide(MxInputs {
        mx_rrset: DnssecStatus::Insecure,
        addresses: DnssecStatus::Insecure,
        tlsa: TlsaStatus::Insecure,
        tlsa_usability: TlsaUsability::AllUnusable,
        sts,
    });
    if decision.action == Action::Opportunistic {
        // Mode none (RFC 8461 §5): nothing is checked.
        return Ok(report);
    }
    report.mx_allowed = Some(mx_allowed);
    report.mx_pattern = report
        .policy
        .matches
        .first()
        .and_then(|m| m.pattern.clone());
    report.trust_anchors = check.trust_anchor_source.cloned();
    let chain: Vec<&[u8]> = check.chain.iter().map(Vec::as_slice).collect();
    let certificate = sts::check_certificate(
        &chain,
        check.mx.as_bytes(),
        mxtrust::time::unix_time(check.time),
        check.trust_anchors,
        check.algorithms,
    )?;
    match certificate {
        sts::CertOutcome::Valid => report.certificate = "valid",
        sts::CertOutcome::Invalid(failure) => {
            report.certificate = "invalid";
            report.certificate_failure = Some(failure.to_string());
            report.certificate_failure_code = Some(failure.code());
        }
    }
    // The MX check comes first: a sender does not connect to an MX the
    // policy does not list (RFC 8461 §4.1), so that is what it reports.
    report.tlsrpt_result_type = decision
        .report
        .or_else(|| certificate.result_type())
        .map(|t| t.as_str());
    let failed = report.tlsrpt_result_type.is_some();
    report.outcome = if failed { "invalid" } else { "valid" };
    report.action = match (policy.mode(), failed) {
        (_, false) => "deliver",
        (Mode::Testing, true) => "deliver-and-report",
        (_, true) => "do-not-deliver",
    };
    Ok(report)
}

impl StsCheckReport {
    /// Whether the check passed, or had nothing to check (exit status 0).
    pub fn passed(&self) -> bool {
        matches!(self.outcome, "valid" | "not-checked")
    }

    /// The report for people: the verdict first, then the MX, the
    /// certificate, the chain.
    pub fn human(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "{}", self.verdict());
        let _ = writeln!(
            out,
            "checked at {} for {}",
            crate::time::format(self.time),
            self.mx
        );
        if let Some(anchors) = &self.trust_anchors {
            let skipped = match anchors.skipped {
                0 => String::new(),
                n => format!(" ({n} unusable as trust anchors left out)"),
            };
            let _ = writeln!(
                out,
                "trust anchors: {} from {}{skipped}",
                anchors.count, anchors.file
            );
        }
        match (self.mx_allowed, &self.mx_pattern) {
            (Some(true), Some(pattern)) => {
                let _ = writeln!(out, "mx: {} is allowed by mx {pattern}", self.mx);
            }
            (Some(_), _) => {
                let _ = writeln!(
                    out,
                    "mx: {} is not allowed: no mx pattern matches ({})",
                    self.mx,
                    self.policy.mx.join(", ")
                );
            }
            (None, _) => {}
        }
        match (&self.certificate_failure, self.certificate) {
            (Some(failure), _) => {
                let _ = writeln!(out, "certificate: invalid: {failure}");
            }
            (None, "valid") => {
                let _ = writeln!(
                    out,
                    "certificate: valid (trusted chain, a DNS name of the leaf names {})",
                    self.mx
                );
            }
            _ => {}
        }
        for problem in self.policy.warnings.iter().chain(&self.policy.errors) {
            let _ = writeln!(out, "policy: line {}: {}", problem.line, problem.message);
        }
        if !self.chain.is_empty() && self.certificate != "not-checked" {
            out.push_str("chain:\n");
            for certificate in &self.chain {
                out.push_str(&certificate.human());
            }
        }
        out
    }

    fn verdict(&self) -> String {
        let tlsrpt = self
            .tlsrpt_result_type
            .map(|t| format!(" [TLSRPT {t}]"))
            .unwrap_or_default();
        let mode = self.mode.unwrap_or_default();
        let what = match (self.mx_allowed, &self.certificate_failure) {
            (Some(false), Some(failure)) => {
                format!("the policy does not list {} and {failure}", self.mx)
            }
            (Some(false), None) => format!("the policy does not list {}", self.mx),
            (_, Some(failure)) => failure.clone(),
            _ => String::new(),
        };
        match self.action {
            "deliver" => format!(
                "valid: {} is allowed by the policy and its certificate passes \
                 (RFC 8461 §4.1, §4.2); mode {mode}: deliver",
                self.mx
            ),
            "deliver-and-report" => format!(
                "invalid: {what}; mode testing: a sender reports the failure and \
                 delivers anyway (RFC 8461 §5){tlsrpt}"
            ),
            "do-not-deliver" => format!(
                "invalid: {what}; mode enforce: do not deliver to this MX \
                 (another MX, else defer; RFC 8461 §5){tlsrpt}"
            ),
            _ if self.outcome == "policy-invalid" => format!(
                "policy-invalid: the body is not a valid MTA-STS policy; a sender \
                 treats the domain as having none and reports it{tlsrpt}"
            ),
            _ => "not checked: mode none: a sender treats the domain as having no \
                  active policy and checks neither the MX nor the certificate \
                  (RFC 8461 §5)"
                .to_owned(),
        }
    }
}
