//! The live-check document and how [`build`] fills it from what was
//! observed.

use mxtrust::decision::{Action, Decision, DnssecStatus, TlsaStatus};
use mxtrust::policy::{Mode, Policy};
use mxtrust::tlsa::DigestPreference;
use mxtrust::{CertUsage, SignatureVerificationAlgorithm, TrustAnchor, sts};
use serde::Serialize;

use super::observed::*;
use super::rules::*;
use crate::chain::{self, CertificateReport};
use crate::dane::{self, Report as DaneReport};
use crate::policy::PolicyReport;
use crate::tlsa_text::{Dnssec, Record};
use crate::txt::{self, TxtReport};

/// The live-check document (`mxtrust check --json`).
#[derive(Clone, Debug, Serialize)]
pub struct CheckReport {
    /// The domain checked.
    pub domain: String,
    /// `authenticated` (every MX address and key type authenticated, no
    /// finding), `no-mail` (null MX) or `findings`.
    pub outcome: &'static str,
    /// What is wrong, one line each.
    pub findings: Vec<Finding>,
    /// When, Unix seconds.
    pub time: u64,
    /// How DNSSEC statuses were known.
    pub dns: DnsReport,
    /// The MX answer and where mail goes.
    pub mx: MxReport,
    /// MTA-STS.
    pub mta_sts: StsReport,
    /// The `_smtp._tls` record (RFC 8460 §3).
    pub tlsrpt: TlsrptReport,
    /// Every MX host.
    pub hosts: Vec<HostReport>,
}

/// One finding.
#[derive(Clone, Debug, Serialize)]
pub struct Finding {
    /// What it is about: `HOST [ADDRESS] KEY`, `mx`, `mta-sts`.
    pub subject: String,
    /// A stable code: a row's verdict, or `mx-<route>`, `mta-sts-...`.
    pub code: String,
    /// In words.
    pub message: String,
}

/// How the check knew DNSSEC statuses.
#[derive(Clone, Debug, Serialize)]
pub struct DnsReport {
    /// `local` (mxtrust validated) or `resolver-ad` (the resolver's AD bit:
    /// its claim).
    pub validation: &'static str,
    /// The trust anchors, for `local`.
    pub trust_anchors: Option<String>,
    /// The upstream resolver.
    pub resolver: String,
}

/// One DNS answer in the document.
#[derive(Clone, Debug, Serialize)]
pub struct AnswerReport {
    /// The name asked.
    pub name: String,
    /// Core's `DnssecStatus` code: `secure`, `insecure`, `bogus`,
    /// `lookup-error`.
    pub dnssec: &'static str,
    /// `records`, `no-data`, `nxdomain`, `failed`.
    pub found: &'static str,
    /// CNAME records followed, `owner -> target (dnssec)`.
    pub cnames: Vec<String>,
    /// Why, when that needs saying.
    pub detail: Option<String>,
}

/// The MX part.
#[derive(Clone, Debug, Serialize)]
pub struct MxReport {
    /// The answer.
    pub answer: AnswerReport,
    /// `PREFERENCE EXCHANGE` records.
    pub records: Vec<String>,
    /// `hosts`, `implicit-mx`, `null-mx`, `no-such-domain`, `no-usable-mx`,
    /// `too-many-mx`, `unknown`.
    pub route: &'static str,
}

/// The MTA-STS part.
#[derive(Clone, Debug, Serialize)]
pub struct StsReport {
    /// The `_mta-sts` answer.
    pub record: AnswerReport,
    /// The policy id, when a record was found.
    pub id: Option<String>,
    /// Why there is no usable record.
    pub no_record: Option<String>,
    /// The policy host's addresses.
    pub policy_host: Option<Vec<AnswerReport>>,
    /// The fetch.
    pub fetch: Option<FetchReport>,
    /// The policy, when a body was fetched.
    pub policy: Option<PolicyReport>,
    /// What a sender applies: `enforce`, `testing`, `none`, or `no-policy`.
    pub state: &'static str,
}

/// The policy fetch in the document.
#[derive(Clone, Debug, Serialize)]
pub struct FetchReport {
    /// The URL.
    pub url: String,
    /// The HTTP status, when a response came.
    pub status: Option<u16>,
    /// `ok` or `failed`.
    pub outcome: &'static str,
    /// Why not, as a code (core's `http-status-not-200`, `wrong-media-type`,
    /// ...; or the transport's `certificate-invalid`, `timeout`...).
    pub code: Option<&'static str>,
    /// Why not, in words.
    pub error: Option<String>,
    /// A redirect's target (never followed, RFC 8461 §3.3).
    pub location: Option<String>,
    /// The RFC 8460 result type.
    pub tlsrpt_result_type: Option<&'static str>,
}

/// The TLSRPT part.
#[derive(Clone, Debug, Serialize)]
pub struct TlsrptReport {
    /// The answer.
    pub record: AnswerReport,
    /// The record, as `mxtrust tlsrpt-record` reports it.
    pub report: Option<TxtReport>,
}

/// One MX host in the document.
#[derive(Clone, Debug, Serialize)]
pub struct HostReport {
    /// The host.
    pub host: String,
    /// Its preference.
    pub preference: u16,
    /// The A and AAAA answers.
    pub addresses: Vec<AnswerReport>,
    /// The addresses found.
    pub address_list: Vec<String>,
    /// The TLSA lookups, in order; the last counts.
    pub tlsa: Vec<TlsaReport>,
    /// Why no TLSA lookup was made (`not-applicable`: the host's address
    /// answer is insecure; `indeterminate`: bogus or failed).
    pub tlsa_not_asked: Option<&'static str>,
    /// Whether the MTA-STS policy lists this host (null without a policy).
    pub sts_mx_allowed: Option<bool>,
    /// What a sender does.
    pub decision: DecisionReport,
    /// Per address and key type.
    pub connections: Vec<ConnectionReport>,
    /// Remarks (a key type the server has no certificate for...).
    pub notes: Vec<String>,
}

/// One TLSA lookup.
#[derive(Clone, Debug, Serialize)]
pub struct TlsaReport {
    /// The answer.
    pub answer: AnswerReport,
    /// The records, presentation form.
    pub records: Vec<String>,
}

/// The decision.
#[derive(Clone, Debug, Serialize)]
pub struct DecisionReport {
    /// Core's action code (`require-dane`, `require-sts`, ...).
    pub action: &'static str,
    /// In words.
    pub description: &'static str,
    /// The RFC 8460 result type it already implies.
    pub tlsrpt_result_type: Option<&'static str>,
}

/// One address and key type.
#[derive(Clone, Debug, Serialize)]
pub struct ConnectionReport {
    /// The address, or null for a host not connected to.
    pub address: Option<String>,
    /// `ecdsa`, `rsa`, `eddsa`; null when every type was offered or none
    /// connected.
    pub key_type: Option<&'static str>,
    /// `authenticated`, `sts-validated`, `failed`, `unauthenticated-tls`,
    /// `testing`, `opportunistic`, `no-tls`, `unreachable`, `skipped`,
    /// `deferred`.
    pub verdict: &'static str,
    /// Why, in words.
    pub reason: String,
    /// The RFC 8460 result type a sender reports.
    pub tlsrpt_result_type: Option<&'static str>,
    /// TLS version and cipher suite.
    pub tls: Option<TlsReport>,
    /// The failed step: code and message.
    pub error: Option<ErrorReport>,
    /// The DANE check (as `mxtrust dane --json`), under DANE.
    pub dane: Option<DaneReport>,
    /// The MTA-STS certificate check (RFC 8461 §4.2), when a policy applies.
    pub sts: Option<StsCertificateReport>,
    /// The presented chain.
    pub chain: Vec<CertificateReport>,
}

/// The negotiated TLS.
#[derive(Clone, Debug, Serialize)]
pub struct TlsReport {
    /// `TLSv1.3`, `TLSv1.2`.
    pub version: String,
    /// The cipher suite.
    pub cipher: String,
}

/// A failed step.
#[derive(Clone, Debug, Serialize)]
pub struct ErrorReport {
    /// A stable code (`connection-refused`, `no-starttls`, ...).
    pub code: &'static str,
    /// In words.
    pub message: String,
}

/// The MTA-STS certificate check of one chain.
#[derive(Clone, Debug, Serialize)]
pub struct StsCertificateReport {
    /// `valid` or `invalid`.
    pub certificate: &'static str,
    /// Why not, in words and as core's code.
    pub failure: Option<String>,
    /// Core's code.
    pub failure_code: Option<&'static str>,
}

/// The `--json` schema, for `--help` and the README.
pub const JSON_SCHEMA: &str = "\
JSON report (--json), keys always present:
  domain, time         the domain; when (Unix seconds)
  outcome              authenticated | findings | no-mail (null MX)
  findings[]           subject (HOST [ADDRESS] KEY, mx, mta-sts), code, message
  dns                  validation (local | resolver-ad: the resolver's claim),
                       trust_anchors, resolver
  mx                   answer, records[] (PREFERENCE EXCHANGE), route (hosts,
                       implicit-mx, null-mx, no-such-domain, no-usable-mx,
                       too-many-mx, unknown)
  mta_sts              record (answer), id, no_record, policy_host[] (answers),
                       fetch {url, status, outcome, code, error, location,
                       tlsrpt_result_type}, policy (as sts-policy --json),
                       state (enforce, testing, none, no-policy)
  tlsrpt               record (answer), report (as tlsrpt-record --json)
  hosts[]              host, preference, addresses[] (answers), address_list,
                       tlsa[] {answer, records}, tlsa_not_asked, sts_mx_allowed,
                       decision {action, description, tlsrpt_result_type},
                       connections[], notes[]
  connections[]        address, key_type (ecdsa, rsa, eddsa), verdict
                       (authenticated, sts-validated, failed, unauthenticated-tls,
                       testing, opportunistic, no-tls, unreachable, skipped,
                       deferred), reason, tlsrpt_result_type, tls {version,
                       cipher}, error {code, message}, dane (as dane --json),
                       sts {certificate, failure, failure_code}, chain[]
  answers              name, dnssec (secure, insecure, bogus, lookup-error),
                       found (records, no-data, nxdomain, failed), cnames[], detail";

/// How [`build`] checks chains.
#[derive(Clone, Copy)]
pub struct Trust<'a> {
    /// PKIX roots for MTA-STS (RFC 8461 §4.2).
    pub anchors: &'a [TrustAnchor<'a>],
    /// Signature algorithms for DANE-TA and PKIX paths.
    pub algorithms: &'a [&'a dyn SignatureVerificationAlgorithm],
}

impl std::fmt::Debug for Trust<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Trust")
            .field("anchors", &self.anchors.len())
            .finish_non_exhaustive()
    }
}

/// Judges what was observed.
pub fn build(observed: &Observed, trust: &Trust<'_>) -> CheckReport {
    let domain = observed.domain.as_str();
    let route = route(domain, &observed.mx.0, &observed.mx.1);
    let policy = sts_policy(domain, &observed.sts);
    let dnssec = match observed.validation {
        Validation::Local(_) => Dnssec::Validated,
        Validation::ResolverAd => Dnssec::ResolverAd,
    };
    let mut report = CheckReport {
        domain: domain.to_owned(),
        outcome: "findings",
        findings: Vec::new(),
        time: observed.time,
        dns: DnsReport {
            validation: match observed.validation {
                Validation::Local(_) => "local",
                Validation::ResolverAd => "resolver-ad",
            },
            trust_anchors: match &observed.validation {
                Validation::Local(source) => Some(source.clone()),
                Validation::ResolverAd => None,
            },
            resolver: observed.resolver.clone(),
        },
        mx: MxReport {
            answer: answer(&observed.mx.0),
            records: observed
                .mx
                .1
                .iter()
                .map(|(p, e)| format!("{p} {}", if e.is_empty() { "." } else { e }))
                .collect(),
            route: route.code(),
        },
        mta_sts: sts_report(domain, &observed.sts, policy.as_ref()),
        tlsrpt: TlsrptReport {
            record: answer(&observed.tlsrpt.0),
            report: (observed.tlsrpt.0.found == Found::Records)
                .then(|| txt::tlsrpt_report(&observed.tlsrpt.1).ok())
                .flatten(),
        },
        hosts: observed
            .hosts
            .iter()
            .map(|h| host_report(observed, h, policy.as_ref(), dnssec, trust))
            .collect(),
    };
    report.findings = findings(&report, &route, &observed.mx.0);
    report.outcome = match (&route, report.findings.is_empty()) {
        (Route::NullMx, true) => "no-mail",
        (_, true) => "authenticated",
        (_, false) => "findings",
    };
    report
}

fn answer(lookup: &Lookup) -> AnswerReport {
    AnswerReport {
        name: lookup.name.clone(),
        dnssec: lookup.security.code(),
        found: lookup.found.code(),
        cnames: lookup
            .cnames
            .iter()
            .map(|(o, t, s)| format!("{o} -> {t} ({})", s.code()))
            .collect(),
        detail: lookup.detail.clone(),
    }
}

fn sts_report(domain: &str, sts: &StsObserved, policy: Option<&Policy<'_>>) -> StsReport {
    let record = sts_record(&sts.record.0, &sts.record.1);
    let fetch = sts.fetch.as_ref().map(|f| match &f.result {
        Ok(r) => {
            let judged = mxtrust::fetch::check_response(domain, &core_response(&f.url, r));
            FetchReport {
                url: f.url.clone(),
                status: Some(r.status),
                outcome: if judged.is_ok() { "ok" } else { "failed" },
                code: judged.err().map(|e| e.code()),
                error: judged.err().map(|e| match (&r.location, e) {
                    (Some(to), mxtrust::fetch::FetchError::NotOk { .. }) => {
                        format!("{e}: a redirect to {to}, not followed (RFC 8461 3.3)")
                    }
                    _ => e.to_string(),
                }),
                location: r.location.clone(),
                tlsrpt_result_type: judged.err().map(|e| e.result_type().as_str()),
            }
        }
        Err((code, message, result_type)) => FetchReport {
            url: f.url.clone(),
            status: None,
            outcome: "failed",
            code: Some(code),
            error: Some(message.clone()),
            location: None,
            tlsrpt_result_type: Some(result_type),
        },
    });
    let body = sts
        .fetch
        .as_ref()
        .and_then(|f| f.result.as_ref().ok())
        .filter(|_| fetch.as_ref().is_some_and(|f| f.outcome == "ok"));
    StsReport {
        record: answer(&sts.record.0),
        id: record.as_ref().ok().cloned(),
        no_record: record.err(),
        policy_host: sts
            .policy_host
            .as_ref()
            .map(|(a, aaaa)| vec![answer(a), answer(aaaa)]),
        fetch,
        policy: body.map(|r| PolicyReport::new(&r.body, &[] as &[&str])),
        state: policy.map_or("no-policy", |p| p.mode().as_str()),
    }
}

fn host_report(
    observed: &Observed,
    host: &HostObserved,
    policy: Option<&Policy<'_>>,
    dnssec: Dnssec,
    trust: &Trust<'_>,
) -> HostReport {
    let decision = decide(&observed.mx.0, host, policy);
    let not_asked = if host.tlsa.asked.is_empty() {
        tlsa_candidates(&host.host, &host.a, &host.aaaa).err()
    } else {
        None
    };
    let mut report = HostReport {
        host: host.host.clone(),
        preference: host.preference,
        addresses: vec![answer(&host.a), answer(&host.aaaa)],
        address_list: host.addresses.iter().map(ToString::to_string).collect(),
        tlsa: host
            .tlsa
            .asked
            .iter()
            .map(|(_, lookup, data)| TlsaReport {
                answer: answer(lookup),
                records: data.iter().map(|d| d.tlsa().to_string()).collect(),
            })
            .collect(),
        tlsa_not_asked: not_asked,
        sts_mx_allowed: policy.map(|p| p.allows_mx(host.host.as_bytes())),
        decision: DecisionReport {
            action: decision.action.code(),
            description: decision.action.description(),
            tlsrpt_result_type: decision.report.map(|t| t.as_str()),
        },
        connections: Vec::new(),
        notes: host.notes.clone(),
    };
    if !connects(decision.action) || host.connections.is_empty() {
        report
            .connections
            .push(not_connected(observed, host, decision));
        return report;
    }
    let context = Context {
        observed,
        host,
        policy,
        dnssec,
        trust,
        decision,
    };
    report.connections = host.connections.iter().map(|c| context.judge(c)).collect();
    report
}

fn not_connected(observed: &Observed, host: &HostObserved, decision: Decision) -> ConnectionReport {
    let (verdict, reason) = match decision.action {
        Action::SkipMx => (
            "skipped",
            "the MTA-STS policy (enforce) does not list this MX host: senders do not deliver \
             to it (RFC 8461 §4.1)"
                .to_owned(),
        ),
        Action::Defer => ("deferred", defer_reason(observed, host)),
        _ if host.addresses.is_empty() => (
            "unreachable",
            format!(
                "no address: A {}, AAAA {}",
                outcome_words(&host.a),
                outcome_words(&host.aaaa)
            ),
        ),
        _ => ("unreachable", "not connected".to_owned()),
    };
    ConnectionReport {
        address: None,
        key_type: None,
        verdict,
        reason,
        tlsrpt_result_type: decision.report.map(|t| t.as_str()),
        tls: None,
        error: None,
        dane: None,
        sts: None,
        chain: Vec::new(),
    }
}

fn outcome_words(l: &Lookup) -> String {
    match l.found {
        Found::Records => l.security.code().to_owned(),
        Found::NoData => format!("none ({})", l.security.code()),
        Found::NxDomain => format!("no such name ({})", l.security.code()),
        Found::Failed => format!(
            "failed ({})",
            l.detail.as_deref().unwrap_or(l.security.code())
        ),
    }
}

/// Which answer made the host's DNS untrustworthy.
fn defer_reason(observed: &Observed, host: &HostObserved) -> String {
    let mut bad = Vec::new();
    let mut note = |what: &str, l: &Lookup| {
        if matches!(l.security, DnssecStatus::Bogus | DnssecStatus::LookupError) {
            bad.push(format!(
                "{what} {} is {}{}",
                l.name,
                l.security.code(),
                l.detail
                    .as_deref()
                    .map(|d| format!(" ({d})"))
                    .unwrap_or_default()
            ));
        }
    };
    note("MX", &observed.mx.0);
    note("A", &host.a);
    note("AAAA", &host.aaaa);
    if let Some((_, l, _)) = host.tlsa.asked.last() {
        note("TLSA", l);
    }
    format!(
        "{}: senders defer, never downgrade (RFC 7672 §2.1)",
        if bad.is_empty() {
            "a DNS answer cannot be trusted".to_owned()
        } else {
            bad.join("; ")
        }
    )
}

struct Context<'a> {
    observed: &'a Observed,
    host: &'a HostObserved,
    policy: Option<&'a Policy<'a>>,
    dnssec: Dnssec,
    trust: &'a Trust<'a>,
    decision: Decision,
}

impl Context<'_> {
    fn judge(&self, connection: &Connection) -> ConnectionReport {
        let mut report = ConnectionReport {
            address: Some(connection.address.to_string()),
            key_type: connection.key_type,
            verdict: "failed",
            reason: String::new(),
            tlsrpt_result_type: None,
            tls: None,
            error: None,
            dane: None,
            sts: None,
            chain: Vec::new(),
        };
        let session = match &connection.result {
            Ok(session) => session,
            Err((code, message)) => {
                self.failed_connection(&mut report, code, message);
                return report;
            }
        };
        report.tls = Some(TlsReport {
            version: session.version.clone(),
            cipher: session.cipher.clone(),
        });
        report.chain = chain::certificates(&session.chain, self.observed.time);
        if report.key_type.is_none() {
            report.key_type = report.chain.first().and_then(|c| c.key_type).map(|k| {
                if k == "RSA" {
                    "rsa"
                } else if k.starts_with("EC") {
                    "ecdsa"
                } else {
                    "eddsa"
                }
            });
        }
        if session.chain.is_empty() {
            report.reason = "the server presented no certificate".to_owned();
            report.tlsrpt_result_type = Some("validation-failure");
            return report;
        }
        report.sts = self.sts_check(&session.chain);
        match self.decision.action {
            Action::RequireDane => self.dane(&mut report, &session.chain),
            Action::RequireTlsUnauthenticated => {
                report.verdict = "unauthenticated-tls";
                report.reason = "every TLSA record is unusable: TLS is required, but nothing \
                                 authenticates the server (RFC 7672 §2.2)"
                    .to_owned();
                report.tlsrpt_result_type = Some("tlsa-invalid");
            }
            Action::RequireSts | Action::StsTesting => self.sts_verdict(&mut report),
            _ => {
                report.verdict = "opportunistic";
                report.reason = format!(
                    "TLS, but nothing authenticates the server: {}",
                    self.why_nothing()
                );
            }
        }
        report
    }

    fn why_nothing(&self) -> String {
        let (tlsa, _, owner) = tlsa_outcome(self.host);
        let dane = match (tlsa, owner) {
            (TlsaStatus::SecureEmpty, Some(o)) => format!("no TLSA records at {o} (secure denial)"),
            (TlsaStatus::Insecure, _) if self.observed.mx.0.security != DnssecStatus::Secure => {
                "the MX answer is not DNSSEC-signed".to_owned()
            }
            (TlsaStatus::Insecure, _) => "the host's DNS answers are not DNSSEC-signed".to_owned(),
            _ => "no DANE".to_owned(),
        };
        let sts = match self.policy {
            Some(p) if p.mode() == Mode::None => "an MTA-STS policy in mode none",
            Some(_) => "an MTA-STS policy",
            None if sts_record(&self.observed.sts.record.0, &self.observed.sts.record.1)
                .is_ok() =>
            {
                "an MTA-STS record whose policy cannot be used"
            }
            None => "no MTA-STS policy",
        };
        format!("{dane}, {sts}")
    }

    fn failed_connection(&self, report: &mut ConnectionReport, code: &'static str, message: &str) {
        report.error = Some(ErrorReport {
            code,
            message: message.to_owned(),
        });
        let reachable = !matches!(
            code,
            "connection-refused" | "connect-timeout" | "connect-failed" | "no-greeting"
        );
        let mandatory = matches!(
            self.decision.action,
            Action::RequireDane | Action::RequireTlsUnauthenticated | Action::RequireSts
        );
        report.verdict = match (reachable, mandatory) {
            (false, _) => "unreachable",
            (true, true) => "failed",
            (true, false) => "no-tls",
        };
        report.reason = if reachable && mandatory {
            format!("{message}; TLS is required here, so senders do not deliver")
        } else {
            message.to_owned()
        };
        report.tlsrpt_result_type = reachable.then_some(match code {
            "no-starttls" | "starttls-refused" => "starttls-not-supported",
            _ => "validation-failure",
        });
    }

    fn dane(&self, report: &mut ConnectionReport, chain: &[Vec<u8>]) {
        let Some((owner, _, data)) = self.host.tlsa.asked.last() else {
            return;
        };
        let records: Vec<Record> = data
            .iter()
            .map(|d| Record::received(d.tlsa(), owner.clone(), self.dnssec))
            .collect();
        let base = owner.strip_prefix("_25._tcp.").unwrap_or(owner);
        let mut names = vec![base.to_owned()];
        if !base.eq_ignore_ascii_case(&self.host.host) {
            names.push(self.host.host.clone());
        }
        let result = dane::check(&dane::Check {
            chain,
            records: &records,
            names: &names,
            tlsa_name: owner,
            ignored: &[],
            time: self.observed.time,
            generic_trust_anchors: None,
            digest_preference: DigestPreference::default(),
            ee_name_checks: false,
            algorithms: self.trust.algorithms,
        });
        match result {
            Ok(dane) => {
                report.verdict = match dane.outcome {
                    "authenticated" => "authenticated",
                    "unauthenticated-tls" => "unauthenticated-tls",
                    _ => "failed",
                };
                report.reason = dane_reason(&dane);
                report.tlsrpt_result_type = dane.tlsrpt_result_type;
                report.dane = Some(dane);
            }
            Err(e) => {
                report.reason = format!("DANE check: {e}");
                report.tlsrpt_result_type = Some("validation-failure");
            }
        }
    }

    fn sts_check(&self, chain: &[Vec<u8>]) -> Option<StsCertificateReport> {
        let policy = self.policy?;
        if policy.mode() == Mode::None {
            return None;
        }
        let chain: Vec<&[u8]> = chain.iter().map(Vec::as_slice).collect();
        let outcome = sts::check_certificate(
            &chain,
            self.host.host.as_bytes(),
            mxtrust::time::unix_time(self.observed.time),
            self.trust.anchors,
            self.trust.algorithms,
        );
        Some(match outcome {
            Ok(sts::CertOutcome::Valid) => StsCertificateReport {
                certificate: "valid",
                failure: None,
                failure_code: None,
            },
            Ok(sts::CertOutcome::Invalid(f)) => StsCertificateReport {
                certificate: "invalid",
                failure: Some(f.to_string()),
                failure_code: Some(f.code()),
            },
            Err(e) => StsCertificateReport {
                certificate: "invalid",
                failure: Some(e.to_string()),
                failure_code: Some("error"),
            },
        })
    }

    fn sts_verdict(&self, report: &mut ConnectionReport) {
        let valid = report
            .sts
            .as_ref()
            .is_some_and(|s| s.certificate == "valid");
        let failure = report
            .sts
            .as_ref()
            .and_then(|s| s.failure.clone())
            .unwrap_or_default();
        let testing = self.decision.action == Action::StsTesting;
        let listed = self
            .policy
            .is_some_and(|p| p.allows_mx(self.host.host.as_bytes()));
        report.verdict = match (testing, valid) {
            (true, _) => "testing",
            (false, true) => "sts-validated",
            (false, false) => "failed",
        };
        let what = match (listed, valid) {
            (true, true) => format!(
                "the policy lists {} and its certificate is valid for it (RFC 8461 §4.1, §4.2)",
                self.host.host
            ),
            (true, false) => format!("certificate: {failure}"),
            (false, true) => format!("the policy does not list {}", self.host.host),
            (false, false) => format!(
                "the policy does not list {}, and certificate: {failure}",
                self.host.host
            ),
        };
        report.reason = if testing {
            format!("mode testing: {what}; senders report failures but deliver anyway")
        } else {
            what
        };
        report.tlsrpt_result_type = self
            .decision
            .report
            .map(|t| t.as_str())
            .or_else(|| (!valid).then(|| self.sts_result_type(report)));
    }

    fn sts_result_type(&self, report: &ConnectionReport) -> &'static str {
        match report.sts.as_ref().and_then(|s| s.failure_code) {
            Some("name-mismatch") => "certificate-host-mismatch",
            Some("expired" | "not-yet-valid") => "certificate-expired",
            Some(_) => "certificate-not-trusted",
            None => "validation-failure",
        }
    }
}

fn dane_reason(dane: &DaneReport) -> String {
    match (dane.record, &dane.failure) {
        (Some(index), _) => {
            let usage = dane
                .usage
                .map(CertUsage::from)
                .map_or("", CertUsage::acronym);
            let depth = dane.depth.unwrap_or_default();
            let at = match dane.anchor {
                Some("dns") => format!("the trust anchor in the record (depth {depth})"),
                _ if depth == 0 => "the leaf certificate (depth 0)".to_owned(),
                _ => format!("the certificate at depth {depth}"),
            };
            format!("record {index} ({usage}) matched {at}")
        }
        (None, Some(failure)) => failure.clone(),
        (None, None) => "every TLSA record is unusable (RFC 7672 §2.2)".to_owned(),
    }
}

fn findings(report: &CheckReport, route: &Route, mx: &Lookup) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut add = |subject: String, code: &str, message: String| {
        out.push(Finding {
            subject,
            code: code.to_owned(),
            message,
        });
    };
    match route {
        Route::Hosts(_) | Route::ImplicitMx(_) | Route::NullMx => {}
        Route::NoSuchDomain => add(
            "mx".to_owned(),
            "mx-no-such-domain",
            format!(
                "{} does not exist (NXDOMAIN, {})",
                report.domain,
                mx.security.code()
            ),
        ),
        Route::NoUsableMx => add(
            "mx".to_owned(),
            "mx-no-usable-mx",
            "no MX record names a usable host (RFC 5321 §5.1)".to_owned(),
        ),
        Route::TooManyMx => add(
            "mx".to_owned(),
            "mx-too-many",
            format!(
                "more than {} MX records: mxtrust does not check them",
                mxtrust::limits::MAX_MX_HOSTS
            ),
        ),
        Route::Unknown => add(
            "mx".to_owned(),
            "mx-unknown",
            format!(
                "the MX lookup failed ({}): senders defer",
                mx.detail.as_deref().unwrap_or(mx.security.code())
            ),
        ),
    }
    if matches!(route, Route::NullMx) && mx.security == DnssecStatus::Bogus {
        add(
            "mx".to_owned(),
            "mx-bogus",
            "the null MX answer is bogus".to_owned(),
        );
    }
    let sts = &report.mta_sts;
    if sts.id.is_some() {
        if let Some(fetch) = sts.fetch.as_ref().filter(|f| f.outcome != "ok") {
            add(
                "mta-sts".to_owned(),
                "mta-sts-fetch",
                format!(
                    "the policy at {} cannot be used: {}",
                    fetch.url,
                    fetch.error.as_deref().unwrap_or("failed")
                ),
            );
        } else if let Some(policy) = sts.policy.as_ref().filter(|p| !p.valid) {
            let why: Vec<String> = policy.errors.iter().map(|e| e.message.clone()).collect();
            add(
                "mta-sts".to_owned(),
                "mta-sts-policy-invalid",
                format!("the policy is invalid: {}", why.join("; ")),
            );
        }
    } else if sts.record.dnssec == "bogus" || sts.record.found == "failed" {
        add(
            "mta-sts".to_owned(),
            "mta-sts-record",
            format!(
                "the _mta-sts lookup is {} ({})",
                sts.record.dnssec,
                sts.record.detail.as_deref().unwrap_or("no answer")
            ),
        );
    }
    for host in &report.hosts {
        for c in &host.connections {
            let subject = match (&c.address, c.key_type) {
                (Some(a), Some(k)) => format!("{} [{a}] {}", host.host, key_name(k)),
                (Some(a), None) => format!("{} [{a}]", host.host),
                (None, _) => host.host.clone(),
            };
            if !matches!(c.verdict, "authenticated" | "sts-validated") {
                let tlsrpt = c
                    .tlsrpt_result_type
                    .map(|t| format!(" [TLSRPT {t}]"))
                    .unwrap_or_default();
                add(
                    subject.clone(),
                    c.verdict,
                    format!("{}: {}{tlsrpt}", c.verdict, c.reason),
                );
            }
            // DANE decides for senders that do it; an MTA-STS-only sender
            // (RFC 8461 §2 lets it ignore DANE) applies the policy instead.
            if host.decision.action == "require-dane"
                && sts.state != "no-policy"
                && sts.state != "none"
                && c.tls.is_some()
            {
                let listed = host.sts_mx_allowed == Some(true);
                let valid = c.sts.as_ref().is_some_and(|s| s.certificate == "valid");
                if !(listed && valid) {
                    add(
                        subject,
                        "mta-sts-only-senders",
                        format!(
                            "senders that use MTA-STS but not DANE will {}: {}",
                            if sts.state == "enforce" {
                                "not deliver"
                            } else {
                                "report a failure"
                            },
                            if listed {
                                c.sts
                                    .as_ref()
                                    .and_then(|s| s.failure.clone())
                                    .unwrap_or_default()
                            } else {
                                format!("the policy does not list {}", host.host)
                            }
                        ),
                    );
                }
            }
        }
    }
    out
}

pub(super) fn key_name(code: &str) -> &'static str {
    match code {
        "ecdsa" => "ECDSA",
        "rsa" => "RSA",
        "eddsa" => "EdDSA",
        _ => "?",
    }
}
