//! [`MxVerifier`]: the server certificate verifier for an SMTP client
//! delivering to one MX host under DANE or MTA-STS.

use std::fmt;
use std::sync::Arc;

use mxtrust::dane::{self, RecordStatus};
use mxtrust::decision::{self, Action, DnssecStatus, StsState};
use mxtrust::limits::{MAX_REFERENCE_IDS, MAX_TLSA_RECORDS};
use mxtrust::name::ReferenceId;
use mxtrust::policy::{Policy, PolicyError};
use mxtrust::sts::{self, CertOutcome};
use mxtrust::{Tlsa, time};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, Error, RootCertStore, SignatureScheme};

use crate::capture::owned_chain;
use crate::{Outcome, Refusal, Report, Verdict};

/// The DANE inputs for one MX host: its TLSA RRset (`_25._tcp.<host>`,
/// RFC 7672 §2.2), which must be DNSSEC-secure, and the names its
/// certificate may carry under DANE-TA(2).
#[derive(Clone, Debug)]
pub struct Dane {
    records: Vec<Vec<u8>>,
    names: Vec<String>,
    evaluate_all_records: bool,
}

impl Dane {
    /// - `rrset`: the TLSA records' RDATA in wire form (usage, selector,
    ///   matching type, data), as a DNS library returns them.
    /// - `dnssec`: the RRset's DNSSEC status; only
    ///   [`DnssecStatus::Secure`] makes DANE apply.
    /// - `names`: the reference identifiers (RFC 7672 §3.2.3): the TLSA base
    ///   domain (the MX host, or its CNAME-expanded name) first, then e.g.
    ///   the MX host as the MX record named it; `.example.com` matches any
    ///   subdomain.
    ///
    /// # Errors
    ///
    /// [`ConfigError::NotSecure`] unless the RRset is secure: an insecure
    /// RRset means no DANE for this host (RFC 7672 §2.2: use MTA-STS or
    /// opportunistic TLS), a bogus or failed lookup means do not deliver to
    /// it now (RFC 7672 §2.1; core's [`decision::decide`] says
    /// [`Action::Defer`]). [`ConfigError::NoRecords`] for an empty RRset,
    /// [`ConfigError::Tlsa`] for RDATA that does not parse, and
    /// [`ConfigError::Input`] for too many records or bad names.
    pub fn new<R, N>(
        rrset: impl IntoIterator<Item = R>,
        dnssec: DnssecStatus,
        names: impl IntoIterator<Item = N>,
    ) -> Result<Self, ConfigError>
    where
        R: Into<Vec<u8>>,
        N: Into<String>,
    {
        if dnssec != DnssecStatus::Secure {
            return Err(ConfigError::NotSecure(dnssec));
        }
        let records: Vec<Vec<u8>> = rrset.into_iter().map(Into::into).collect();
        if records.is_empty() {
            return Err(ConfigError::NoRecords);
        }
        if records.len() > MAX_TLSA_RECORDS {
            return Err(ConfigError::Input(mxtrust::Error::TooManyRecords));
        }
        for (index, rdata) in records.iter().enumerate() {
            Tlsa::from_rdata(rdata).map_err(|error| ConfigError::Tlsa { index, error })?;
        }
        let names: Vec<String> = names.into_iter().map(Into::into).collect();
        if names.is_empty() {
            return Err(ConfigError::Input(mxtrust::Error::NoReferenceIds));
        }
        if names.len() > MAX_REFERENCE_IDS {
            return Err(ConfigError::Input(mxtrust::Error::TooManyReferenceIds));
        }
        for name in &names {
            ReferenceId::new(name).map_err(ConfigError::Input)?;
        }
        Ok(Self {
            records,
            names,
            evaluate_all_records: false,
        })
    }

    /// Give every record a final status in the [`Report`], as a checker
    /// wants to show, instead of skipping the rest once a DANE-EE record
    /// authenticated the chain (core's
    /// [`Options::evaluate_all_records`](dane::Options::evaluate_all_records)).
    #[must_use]
    pub fn evaluate_all_records(mut self, all: bool) -> Self {
        self.evaluate_all_records = all;
        self
    }

    fn judge(
        &self,
        chain: &[&[u8]],
        time: mxtrust::time::UnixTime,
        algorithms: &WebPkiSupportedAlgorithms,
    ) -> (Outcome, Option<Refusal>) {
        let mut records = Vec::with_capacity(self.records.len());
        for rdata in &self.records {
            match Tlsa::from_rdata(rdata) {
                Ok(record) => records.push(record),
                Err(error) => return (Outcome::NotJudged, Some(Refusal::Input(error))),
            }
        }
        let names: Vec<&str> = self.names.iter().map(String::as_str).collect();
        let mut options = dane::Options::new(time, algorithms.all);
        options.evaluate_all_records = self.evaluate_all_records;
        let mut statuses = vec![RecordStatus::EMPTY; records.len()];
        match dane::verify(chain, &records, &names, &options, &mut statuses) {
            Ok(outcome) => {
                let refusal = match outcome {
                    dane::Outcome::Failed(failure) => Some(Refusal::Dane(failure)),
                    // RFC 7672 §2.2: every record unusable: TLS is
                    // mandatory (this is a TLS handshake) and the server
                    // is not authenticated; the report says `tlsa-invalid`.
                    dane::Outcome::Unauthenticated | dane::Outcome::Authenticated(_) => None,
                };
                let records = statuses;
                (Outcome::Dane { outcome, records }, refusal)
            }
            Err(error) => (Outcome::NotJudged, Some(Refusal::Input(error))),
        }
    }
}

/// The MTA-STS inputs for one MX host of a policy domain: the policy body
/// (RFC 8461 §3.2, as fetched or cached), the MX host connected to, and the
/// PKIX roots its certificate must chain to (RFC 8461 §4.2).
#[derive(Clone, Debug)]
pub struct Sts {
    body: Vec<u8>,
    mx_host: String,
    roots: Arc<RootCertStore>,
}

impl Sts {
    /// # Errors
    ///
    /// [`ConfigError::Policy`] for a body core rejects (RFC 8461 §3.2; a
    /// sender treats it as a failed fetch), [`ConfigError::Input`] for an
    /// `mx_host` that is not a host name.
    pub fn new(
        policy: impl Into<Vec<u8>>,
        mx_host: impl Into<String>,
        roots: impl Into<Arc<RootCertStore>>,
    ) -> Result<Self, ConfigError> {
        let body = policy.into();
        parse_policy(&body).map_err(ConfigError::Policy)?;
        let mx_host = mx_host.into();
        ReferenceId::host(&mx_host).map_err(ConfigError::Input)?;
        Ok(Self {
            body,
            mx_host,
            roots: roots.into(),
        })
    }

    /// Core's decision for this MX host under the policy (RFC 8461 §4.1,
    /// §4.2, §5), for a caller that wants to skip a host before connecting:
    /// [`Action::SkipMx`] when an `enforce` policy does not list it. The
    /// verifier refuses such a host anyway.
    pub fn decision(&self) -> decision::Decision {
        match parse_policy(&self.body) {
            Ok(policy) => {
                decision::decide_sts(StsState::of(Some(&policy), self.mx_host.as_bytes()))
            }
            // Checked in `new`: never reached; refuse rather than guess.
            Err(_) => decision::decide_sts(StsState::Enforce { mx_allowed: false }),
        }
    }

    fn judge(
        &self,
        chain: &[&[u8]],
        time: mxtrust::time::UnixTime,
        algorithms: &WebPkiSupportedAlgorithms,
    ) -> (Outcome, Option<Refusal>) {
        let policy = match parse_policy(&self.body) {
            Ok(policy) => policy,
            Err(error) => return (Outcome::NotJudged, Some(Refusal::Policy(error))),
        };
        let mode = policy.mode();
        let decision = decision::decide_sts(StsState::of(Some(&policy), self.mx_host.as_bytes()));
        let check = || {
            sts::check_certificate(
                chain,
                self.mx_host.as_bytes(),
                time,
                &self.roots.roots,
                algorithms.all,
            )
        };
        let (certificate, refusal) = match decision.action {
            Action::RequireSts => match check() {
                Ok(CertOutcome::Valid) => (Some(CertOutcome::Valid), None),
                Ok(invalid @ CertOutcome::Invalid(failure)) => {
                    (Some(invalid), Some(Refusal::Sts(failure)))
                }
                Err(error) => (None, Some(Refusal::Input(error))),
            },
            // RFC 8461 §5: `testing` reports failures and delivers anyway.
            Action::StsTesting => (check().ok(), None),
            // `none`: no active policy, opportunistic TLS (RFC 8461 §5).
            Action::Opportunistic => (None, None),
            // SkipMx (the MX is not listed), and anything else core may
            // add: not a basis for delivery.
            _ => (None, Some(Refusal::Decision(decision))),
        };
        let outcome = Outcome::Sts {
            mode,
            decision,
            certificate,
        };
        (outcome, refusal)
    }
}

/// Core's parser, with the default capacity of `mx` patterns; warnings
/// (stray whitespace, blank lines) do not change what the policy says.
fn parse_policy(body: &[u8]) -> Result<Policy<'_>, PolicyError> {
    Policy::parse(body, &mut [])
}

/// What a verifier checks a chain against.
#[derive(Clone, Debug)]
pub enum Rule {
    /// DANE (RFC 7672).
    Dane(Dane),
    /// MTA-STS (RFC 8461).
    Sts(Sts),
}

impl From<Dane> for Rule {
    fn from(dane: Dane) -> Self {
        Self::Dane(dane)
    }
}

impl From<Sts> for Rule {
    fn from(sts: Sts) -> Self {
        Self::Sts(sts)
    }
}

/// A rustls [`ServerCertVerifier`] for an SMTP client delivering to one MX
/// host: it judges the presented chain with mxtrust's DANE (RFC 7672) or
/// MTA-STS (RFC 8461) rules, verifies the handshake signature with the
/// crypto provider's algorithms as rustls requires, refuses with a
/// [`Refusal`] inside the rustls error, and leaves its [`Verdict`] in a
/// shared [`Report`].
///
/// Make one per connection: its report holds the last verdict. Use it with
/// [`mx_client_config`], which also turns session resumption off (a
/// resumed session skips the verifier, and would leave no verdict).
///
/// The name rustls passes (the SNI name) is not used: the names that count
/// are the ones given in [`Dane::new`] or [`Sts::new`].
pub struct MxVerifier {
    rule: Rule,
    algorithms: WebPkiSupportedAlgorithms,
    report: Report,
}

impl MxVerifier {
    /// A verifier for `rule`, with the provider's signature verification
    /// algorithms for both the handshake signature and the chain.
    pub fn new(provider: &CryptoProvider, rule: impl Into<Rule>) -> Self {
        Self {
            rule: rule.into(),
            algorithms: provider.signature_verification_algorithms,
            report: Report::default(),
        }
    }

    /// A handle on the verdict: keep it, and read it after the handshake.
    pub fn report(&self) -> Report {
        self.report.clone()
    }

    /// The rule it checks chains against.
    pub fn rule(&self) -> &Rule {
        &self.rule
    }
}

impl fmt::Debug for MxVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MxVerifier")
            .field("rule", &self.rule)
            .finish_non_exhaustive()
    }
}

impl ServerCertVerifier for MxVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, Error> {
        let presented = owned_chain(end_entity, intermediates);
        let chain: Vec<&[u8]> = presented.iter().map(|c| c.as_ref()).collect();
        let time = time::unix_time(now.as_secs());
        let (outcome, refusal) = match &self.rule {
            Rule::Dane(dane) => dane.judge(&chain, time, &self.algorithms),
            Rule::Sts(sts) => sts.judge(&chain, time, &self.algorithms),
        };
        self.report.set(Verdict {
            presented,
            outcome,
            refusal,
            signature_verified: false,
        });
        match refusal {
            Some(refusal) => Err(refusal.into()),
            None => Ok(ServerCertVerified::assertion()),
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        let valid = rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)?;
        self.report.signature_verified();
        Ok(valid)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        let valid = rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)?;
        self.report.signature_verified();
        Ok(valid)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// A client configuration for TLS 1.3 and 1.2 that verifies with
/// `verifier`, without session resumption (a resumed session is not
/// verified again, and would leave the report empty), for one connection
/// to one MX host.
///
/// # Errors
///
/// rustls's, when the provider offers no usable cipher suite or key
/// exchange group for these versions.
pub fn mx_client_config(
    provider: Arc<CryptoProvider>,
    verifier: Arc<MxVerifier>,
) -> Result<ClientConfig, Error> {
    let mut config = ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    config.resumption = rustls::client::Resumption::disabled();
    Ok(config)
}

/// Why a [`Dane`] or [`Sts`] rule could not be made from the caller's
/// inputs.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConfigError {
    /// The TLSA RRset is not DNSSEC-secure, so DANE does not apply to the
    /// host (insecure, RFC 7672 §2.2) or the host must not be used now
    /// (bogus or failed lookup, RFC 7672 §2.1).
    NotSecure(DnssecStatus),
    /// The TLSA RRset is empty: no DANE for this host (RFC 7672 §2.2).
    NoRecords,
    /// The TLSA record at `index` does not parse (RFC 6698 §2.1).
    Tlsa {
        /// Its index in the RRset.
        index: usize,
        /// Core's error.
        error: mxtrust::Error,
    },
    /// core rejects an input: too many records, or a name.
    Input(mxtrust::Error),
    /// core rejects the MTA-STS policy body (RFC 8461 §3.2).
    Policy(PolicyError),
}

impl ConfigError {
    /// A stable kebab-case code: `tlsa-not-secure`, `no-tlsa-records`, or
    /// core's code for the record, input or policy error.
    pub const fn code(&self) -> &'static str {
        match self {
            Self::NotSecure(_) => "tlsa-not-secure",
            Self::NoRecords => "no-tlsa-records",
            Self::Tlsa { error, .. } | Self::Input(error) => error.code(),
            Self::Policy(error) => error.kind.code(),
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotSecure(status) => {
                write!(f, "the TLSA RRset is not DNSSEC-secure ({})", status.code())
            }
            Self::NoRecords => f.write_str("the TLSA RRset is empty"),
            Self::Tlsa { index, error } => write!(f, "TLSA record {index}: {error}"),
            Self::Input(error) => error.fmt(f),
            Self::Policy(error) => write!(f, "MTA-STS policy: {error}"),
        }
    }
}

impl std::error::Error for ConfigError {}
