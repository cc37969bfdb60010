//! DNS lookups with a DNSSEC status for every answer (RFC 4035 §4.3:
//! secure, insecure, bogus, indeterminate), through one upstream resolver.
//!
//! Two ways to know the status, chosen by [`Validation`]:
//!
//! - **Local validation** (the default): hickory's validator checks every
//!   answer from the trust anchors (the root's, built into hickory, or
//!   DS/DNSKEY records from a file, [`TrustAnchors`]). Queries carry the
//!   CD bit (RFC 4035 §3.2.2), so that a validating upstream hands over
//!   data that fails validation instead of SERVFAIL, and mxtrust sees it
//!   as bogus. Names under no trust anchor are insecure, as a validating
//!   resolver treats them.
//! - **The resolver's AD bit** ([`Validation::ResolverAd`]), as Postfix
//!   does with a local validating resolver: queries set AD (RFC 6840
//!   §5.7), an answer with AD is secure, one without it insecure. This is
//!   the resolver's claim; a SERVFAIL is asked again with CD, and data that
//!   comes back then is reported bogus (the resolver refused it).
//!
//! A bogus or failed answer is asked again ([`Config::retries`]) with a
//! fresh validator before it counts: a network timeout on a DNSKEY or DS
//! lookup surfaces as bogus in hickory.
//!
//! Names never come from `/etc/hosts`, and a CNAME chain is followed one
//! query per step, each step with its own status (RFC 7672 §2.2.2 needs
//! them, [`mxtrust::base_domain`]).

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use futures_util::stream::{self, Stream};
use hickory_resolver::config::{ConnectionConfig, ProtocolConfig, ResolverOpts};
use hickory_resolver::net::dnssec::DnssecDnsHandle;
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::net::xfer::FirstAnswer;
use hickory_resolver::net::{DnsError, DnsHandle, NetError};
use hickory_resolver::proto::dnssec::rdata::{DNSKEY, DNSSECRData, DS};
use hickory_resolver::proto::dnssec::{Algorithm, DigestType, Proof, PublicKey, Verifier};
use hickory_resolver::proto::op::{
    DnsRequest, DnsRequestOptions, DnsResponse, Query, ResponseCode,
};
use hickory_resolver::proto::rr::{Name, RData, Record, RecordType};
use hickory_resolver::{ConnectionProvider, PoolContext, TlsConfig};

/// Most CNAME records followed from one name (RFC 1034 §3.6.2 has no
/// limit; resolvers stop around 8 to 16).
pub const MAX_CNAME_STEPS: usize = 8;

/// The DNSSEC status of an answer (RFC 4035 §4.3): core's, so that
/// every surface names and combines statuses alike
/// ([`DnssecStatus::weaker`]).
pub use mxtrust::decision::DnssecStatus;
use mxtrust::decision::TlsaStatus;

/// hickory's per-record proof as a status.
const fn of_proof(proof: Proof) -> DnssecStatus {
    match proof {
        Proof::Secure => DnssecStatus::Secure,
        Proof::Insecure => DnssecStatus::Insecure,
        Proof::Bogus => DnssecStatus::Bogus,
        Proof::Indeterminate => DnssecStatus::LookupError,
    }
}

/// What a lookup found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome<T> {
    /// NOERROR with records of the type asked for.
    Records(Vec<T>),
    /// NOERROR without such records (NODATA).
    NoData,
    /// The name does not exist.
    NxDomain,
    /// No usable answer (timeout, SERVFAIL, REFUSED...); the reason is in
    /// [`Answer::detail`].
    Failed,
}

/// One CNAME record followed, with the status of its answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cname {
    /// The alias, without the trailing dot.
    pub owner: String,
    /// Its target, without the trailing dot.
    pub target: String,
    /// The DNSSEC status of the CNAME answer.
    pub security: DnssecStatus,
}

/// An answer: what was found at the end of the CNAME chain, and the status
/// of the whole chain (the weakest step).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer<T> {
    /// The name asked for, without the trailing dot.
    pub name: String,
    /// The DNSSEC status: the weakest of every step and the final answer.
    pub security: DnssecStatus,
    /// What was found.
    pub outcome: Outcome<T>,
    /// The CNAME records followed, in order.
    pub cnames: Vec<Cname>,
    /// Why the status or outcome is what it is, when that needs saying
    /// (`SERVFAIL`, `timeout`, `outside every trust anchor`...).
    pub detail: Option<String>,
    /// How many times the final name was asked (more than 1 after a
    /// retry).
    pub tries: usize,
    /// Whether the resolver never answered (timeouts, connection errors):
    /// the check itself could not run, rather than the domain failing.
    pub no_response: bool,
}

impl<T> Answer<T> {
    /// The records found, if any.
    pub fn records(&self) -> &[T] {
        match &self.outcome {
            Outcome::Records(r) => r,
            _ => &[],
        }
    }

    /// The name the records belong to: the last CNAME target, or the name.
    pub fn canonical_name(&self) -> &str {
        self.cnames.last().map_or(&self.name, |c| &c.target)
    }
}

impl Answer<TlsaRecord> {
    /// The status of a TLSA answer, for core's decision
    /// ([`mxtrust::decision::MxInputs::tlsa`]) and for the fallback to the
    /// MX host's own name ([`mxtrust::base_domain::Candidates::fallback_after`]).
    pub fn tlsa_status(&self) -> TlsaStatus {
        // Records that did not convert are still records: present but
        // unusable (RFC 7672 §2.2), not a secure denial.
        let records = match self.outcome {
            Outcome::Records(_) => Some(true),
            Outcome::NoData | Outcome::NxDomain => Some(false),
            Outcome::Failed => None,
        };
        TlsaStatus::of_answer(self.security, records)
    }
}

/// One TLSA record (RFC 6698 §2.1), as received.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TlsaRecord {
    /// Certificate usage.
    pub usage: u8,
    /// Selector.
    pub selector: u8,
    /// Matching type.
    pub matching_type: u8,
    /// Certificate association data.
    pub data: Vec<u8>,
}

/// One MX record (RFC 1035 §3.3.9).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MxRecord {
    /// Preference.
    pub preference: u16,
    /// Exchange, without the trailing dot (empty for the root).
    pub exchange: String,
}

/// Trust anchors for local validation.
#[derive(Clone)]
pub struct TrustAnchors {
    inner: Arc<hickory_resolver::proto::dnssec::TrustAnchors>,
    /// The zones they are for (empty: the root's built-in anchors).
    zones: Vec<Name>,
    source: String,
}

impl TrustAnchors {
    /// The root zone's key-signing keys built into hickory (KSK-2017, key
    /// tag 20326, and KSK-2024, 38696).
    pub fn root() -> Self {
        Self {
            inner: Arc::new(hickory_resolver::proto::dnssec::TrustAnchors::default()),
            zones: Vec::new(),
            source: "the root zone's trust anchors (key tags 20326, 38696)".to_owned(),
        }
    }

    /// Where they come from, for people.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Whether `name` is at or under one of the anchors' zones.
    fn covers(&self, name: &Name) -> bool {
        self.zones.is_empty() || self.zones.iter().any(|z| z.zone_of(name))
    }
}

impl fmt::Debug for TrustAnchors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TrustAnchors")
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

/// How answers get their DNSSEC status.
#[derive(Clone, Debug)]
pub enum Validation {
    /// mxtrust validates from these trust anchors.
    Local(TrustAnchors),
    /// The upstream's AD bit decides (it must be a validating resolver the
    /// machine trusts, ideally on loopback).
    ResolverAd,
}

/// The resolver's settings.
#[derive(Clone, Debug)]
pub struct Config {
    /// The upstream resolver.
    pub upstream: SocketAddr,
    /// How answers get their DNSSEC status.
    pub validation: Validation,
    /// How long to wait for one response.
    pub timeout: Duration,
    /// How many times a bogus or failed answer is asked again.
    pub retries: usize,
}

/// Why a resolver could not be set up.
#[derive(Debug)]
pub enum Error {
    /// The trust-anchor file cannot be read or has a line that is not a DS
    /// or DNSKEY record.
    TrustAnchorFile {
        /// The file.
        path: PathBuf,
        /// The line (from 1), 0 for the whole file.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// No DNSKEY record of the zone matches its DS trust anchors.
    TrustAnchorUnmatched {
        /// The zone.
        zone: String,
        /// What the DNSKEY lookup gave.
        message: String,
    },
    /// `/etc/resolv.conf` names no nameserver.
    NoUpstream(String),
    /// hickory refused the configuration.
    Setup(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TrustAnchorFile {
                path,
                line: 0,
                message,
            } => write!(f, "{}: {message}", path.display()),
            Self::TrustAnchorFile {
                path,
                line,
                message,
            } => write!(f, "{}:{line}: {message}", path.display()),
            Self::TrustAnchorUnmatched { zone, message } => write!(
                f,
                "trust anchor for {zone}: no DNSKEY of the zone matches its DS records ({message})"
            ),
            Self::NoUpstream(m) | Self::Setup(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for Error {}

/// The first `nameserver` of a resolv.conf text, port 53.
///
/// # Errors
///
/// [`Error::NoUpstream`] when there is none.
pub fn resolv_conf_upstream(text: &str) -> Result<SocketAddr, Error> {
    text.lines()
        .filter_map(|l| {
            let mut words = l.split_whitespace();
            (words.next() == Some("nameserver"))
                .then(|| words.next())
                .flatten()
        })
        .find_map(|ip| ip.split('%').next()?.parse::<IpAddr>().ok())
        .map(|ip| SocketAddr::new(ip, 53))
        .ok_or_else(|| Error::NoUpstream("resolv.conf names no nameserver".to_owned()))
}

/// The upstream transport: UDP, TCP after a truncated answer, a few tries
/// on timeouts, and optionally the CD bit on every query. Answers come
/// back whole (header flags, negative answers with their authority
/// section), which hickory's pool does not give.
#[derive(Clone)]
struct Upstream {
    server: SocketAddr,
    checking_disabled: bool,
    provider: TokioRuntimeProvider,
    cx: Arc<PoolContext>,
}

impl Upstream {
    async fn exchange(&self, request: DnsRequest) -> Result<DnsResponse, NetError> {
        let mut last = NetError::Timeout;
        for _ in 0..2 {
            match self.over(ProtocolConfig::Udp, request.clone()).await {
                Ok(r) if r.truncation => return self.over(ProtocolConfig::Tcp, request).await,
                Ok(r) => return Ok(r),
                Err(e @ (NetError::Timeout | NetError::Io(_))) => last = e,
                Err(e) => return Err(e),
            }
        }
        Err(last)
    }

    async fn over(
        &self,
        protocol: ProtocolConfig,
        request: DnsRequest,
    ) -> Result<DnsResponse, NetError> {
        let mut config = ConnectionConfig::new(protocol);
        config.port = self.server.port();
        let connection = self
            .provider
            .new_connection(self.server.ip(), &config, &self.cx)?
            .await?;
        connection.send(request).first_answer().await
    }
}

impl DnsHandle for Upstream {
    type Response = Pin<Box<dyn Stream<Item = Result<DnsResponse, NetError>> + Send>>;
    type Runtime = TokioRuntimeProvider;

    fn send(&self, mut request: DnsRequest) -> Self::Response {
        if self.checking_disabled {
            request.metadata.checking_disabled = true;
        }
        let this = self.clone();
        Box::pin(stream::once(async move { this.exchange(request).await }))
    }
}

/// A resolver: one upstream, one way to know the DNSSEC status.
#[derive(Clone)]
pub struct Resolver {
    config: Config,
    upstream: Upstream,
}

impl fmt::Debug for Resolver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Resolver")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

/// The answer to one query at one name: records, a CNAME, or nothing.
enum Single {
    Records(Vec<Record>, DnssecStatus),
    Cname(Name, DnssecStatus),
    NoData(DnssecStatus),
    NxDomain(DnssecStatus),
    /// No usable answer: indeterminate, or bogus when the data is known to
    /// have failed validation.
    Failed(String, DnssecStatus),
    /// No response at all from the upstream.
    NoResponse(String),
}

impl Single {
    /// Bogus or failed answers are asked again; no response at all is not
    /// (the transport already tried twice).
    fn retry_worthy(&self) -> bool {
        matches!(
            self,
            Self::Failed(..)
                | Self::Records(_, DnssecStatus::Bogus | DnssecStatus::LookupError)
                | Self::Cname(_, DnssecStatus::Bogus | DnssecStatus::LookupError)
                | Self::NoData(DnssecStatus::Bogus | DnssecStatus::LookupError)
                | Self::NxDomain(DnssecStatus::Bogus | DnssecStatus::LookupError)
        )
    }
}

impl Resolver {
    /// A resolver with these settings; call it inside a tokio runtime.
    ///
    /// # Errors
    ///
    /// [`Error::Setup`] when hickory refuses the settings.
    pub fn new(config: Config) -> Result<Self, Error> {
        let mut options = ResolverOpts::default();
        options.timeout = config.timeout;
        options.attempts = 1;
        let tls = TlsConfig::new().map_err(|e| Error::Setup(e.to_string()))?;
        let upstream = Upstream {
            server: config.upstream,
            checking_disabled: false,
            provider: TokioRuntimeProvider::new(),
            cx: Arc::new(PoolContext::new(options, tls)),
        };
        Ok(Self { config, upstream })
    }

    /// The settings.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Reads trust anchors from a file of DS or DNSKEY records in zone-file
    /// form (`example.test. 3600 IN DS 12345 13 2 ABCD...`, as `ldns-keygen`,
    /// `dnssec-keygen` or IANA's root anchors write them).
    ///
    /// For each zone, the upstream is asked for the zone's DNSKEY RRset; its
    /// signature by a key the file names (RFC 4034 §5.2 for a DS record) is
    /// checked here, and then every key of the RRset is trusted. (hickory's
    /// validator looks for DS records above a zone whose keys are not all
    /// anchors, which a private zone does not have.)
    ///
    /// # Errors
    ///
    /// [`Error::TrustAnchorFile`] for an unreadable file or a line that is
    /// not a DS or DNSKEY record, [`Error::TrustAnchorUnmatched`] when no
    /// key of a zone matches, or none signs its DNSKEY RRset.
    pub async fn read_trust_anchors(&self, path: &Path) -> Result<TrustAnchors, Error> {
        let file_error = |line: usize, message: String| Error::TrustAnchorFile {
            path: path.to_owned(),
            line,
            message,
        };
        let text = std::fs::read_to_string(path).map_err(|e| file_error(0, e.to_string()))?;
        let entries = crate::anchor::parse(&text).map_err(|(line, m)| file_error(line, m))?;
        if entries.is_empty() {
            return Err(file_error(0, "no DS or DNSKEY record".to_owned()));
        }
        let mut zones: Vec<(Name, Vec<&crate::anchor::Entry>)> = Vec::new();
        for entry in &entries {
            let mut zone = Name::from_ascii(&entry.owner)
                .map_err(|e| file_error(entry.line, format!("owner {}: {e}", entry.owner)))?;
            zone.set_fqdn(true);
            match zones.iter_mut().find(|(z, _)| *z == zone) {
                Some((_, list)) => list.push(entry),
                None => zones.push((zone, vec![entry])),
            }
        }
        let mut anchors = hickory_resolver::proto::dnssec::TrustAnchors::empty();
        let mut described = Vec::new();
        for (zone, entries) in &zones {
            let keys = self.anchored_zone_keys(zone, entries).await?;
            for key in &keys {
                anchors.insert_with_name(key.public_key(), zone.into());
            }
            described.push(format!(
                "{} key{} for {}",
                keys.len(),
                if keys.len() == 1 { "" } else { "s" },
                display_name(zone)
            ));
        }
        Ok(TrustAnchors {
            inner: Arc::new(anchors),
            source: format!("{} ({})", path.display(), described.join(", ")),
            zones: zones.into_iter().map(|(z, _)| z).collect(),
        })
    }

    /// The keys of `zone`'s DNSKEY RRset, once a signature over it by a key
    /// that one of `entries` names is verified.
    async fn anchored_zone_keys(
        &self,
        zone: &Name,
        entries: &[&crate::anchor::Entry],
    ) -> Result<Vec<DNSKEY>, Error> {
        let unmatched = |message: String| Error::TrustAnchorUnmatched {
            zone: display_name(zone),
            message,
        };
        let mut upstream = self.upstream.clone();
        upstream.checking_disabled = true;
        let response = upstream
            .lookup(
                Query::query(zone.clone(), RecordType::DNSKEY),
                request_options(true),
            )
            .first_answer()
            .await
            .map_err(|e| unmatched(format!("DNSKEY lookup: {}", failure(&e))))?;
        let rrset: Vec<&Record> = response
            .answers
            .iter()
            .filter(|r| r.name == *zone && r.record_type() == RecordType::DNSKEY)
            .collect();
        let keys: Vec<DNSKEY> = rrset
            .iter()
            .filter_map(|r| match &r.data {
                RData::DNSSEC(DNSSECRData::DNSKEY(k)) => Some(k.clone()),
                _ => None,
            })
            .collect();
        let named: Vec<&DNSKEY> = keys
            .iter()
            .filter(|k| {
                k.zone_key() && !k.revoke() && entries.iter().any(|e| names_key(e, zone, k))
            })
            .collect();
        if named.is_empty() {
            return Err(unmatched(format!(
                "the zone answered {} with {} DNSKEY record{}, none of them named in the file",
                response.response_code,
                keys.len(),
                if keys.len() == 1 { "" } else { "s" }
            )));
        }
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let signed = response.answers.iter().any(|r| {
            let RData::DNSSEC(DNSSECRData::RRSIG(sig)) = &r.data else {
                return false;
            };
            let input = sig.input();
            input.type_covered == RecordType::DNSKEY
                && u64::from(input.sig_inception.get()) <= now
                && now <= u64::from(input.sig_expiration.get())
                && named.iter().any(|k| {
                    k.algorithm() == input.algorithm
                        && k.calculate_key_tag().ok() == Some(input.key_tag)
                        && k.verify_rrsig(zone, r.dns_class, sig, rrset.iter().copied())
                            .is_ok()
                })
        });
        if !signed {
            return Err(unmatched(
                "no valid signature by a key the file names covers the zone's DNSKEY RRset"
                    .to_owned(),
            ));
        }
        Ok(keys
            .into_iter()
            .filter(|k| k.zone_key() && !k.revoke())
            .collect())
    }

    /// The MX records of `domain` (RFC 5321 §5.1).
    pub async fn mx(&self, domain: &str) -> Answer<MxRecord> {
        self.lookup(domain, RecordType::MX, |data| match data {
            RData::MX(mx) => Some(MxRecord {
                preference: mx.preference,
                exchange: display_name(&mx.exchange),
            }),
            _ => None,
        })
        .await
    }

    /// The IPv4 (A) or IPv6 (AAAA) addresses of `host`.
    pub async fn addresses(&self, host: &str, ipv6: bool) -> Answer<IpAddr> {
        let rtype = if ipv6 {
            RecordType::AAAA
        } else {
            RecordType::A
        };
        self.lookup(host, rtype, |data| match data {
            RData::A(a) => Some(IpAddr::V4(a.0)),
            RData::AAAA(a) => Some(IpAddr::V6(a.0)),
            _ => None,
        })
        .await
    }

    /// The TLSA records at `name` (`_25._tcp.<host>`).
    pub async fn tlsa(&self, name: &str) -> Answer<TlsaRecord> {
        self.lookup(name, RecordType::TLSA, |data| match data {
            RData::TLSA(t) => Some(TlsaRecord {
                usage: u8::from(t.cert_usage),
                selector: u8::from(t.selector),
                matching_type: u8::from(t.matching),
                data: t.cert_data.clone(),
            }),
            _ => None,
        })
        .await
    }

    /// The TXT records at `name`, each as its character-strings.
    pub async fn txt(&self, name: &str) -> Answer<Vec<Vec<u8>>> {
        self.lookup(name, RecordType::TXT, |data| match data {
            RData::TXT(t) => Some(t.txt_data.iter().map(|s| s.to_vec()).collect()),
            _ => None,
        })
        .await
    }

    /// `rtype` records at `name`, following CNAME records one query each.
    async fn lookup<T>(
        &self,
        name: &str,
        rtype: RecordType,
        convert: impl Fn(&RData) -> Option<T>,
    ) -> Answer<T> {
        let mut answer = Answer {
            name: name.trim_end_matches('.').to_owned(),
            security: DnssecStatus::Secure,
            outcome: Outcome::Failed,
            cnames: Vec::new(),
            detail: None,
            tries: 0,
            no_response: false,
        };
        let mut current = match Name::from_ascii(name) {
            Ok(mut n) => {
                n.set_fqdn(true);
                n
            }
            Err(e) => {
                answer.security = DnssecStatus::LookupError;
                answer.detail = Some(format!("not a domain name: {e}"));
                return answer;
            }
        };
        loop {
            let (single, detail, tries) = self.ask(&current, rtype).await;
            answer.tries = tries;
            answer.detail = detail;
            match single {
                Single::Cname(target, security) if answer.cnames.len() < MAX_CNAME_STEPS => {
                    answer.security = answer.security.weaker(security);
                    if answer
                        .cnames
                        .iter()
                        .any(|c| c.owner == display_name(&target))
                    {
                        answer.security = answer.security.weaker(DnssecStatus::LookupError);
                        answer.detail = Some("the CNAME chain loops".to_owned());
                        return answer;
                    }
                    answer.cnames.push(Cname {
                        owner: display_name(&current),
                        target: display_name(&target),
                        security,
                    });
                    current = target;
                }
                Single::Cname(..) => {
                    answer.security = answer.security.weaker(DnssecStatus::LookupError);
                    answer.detail = Some(format!("more than {MAX_CNAME_STEPS} CNAME records"));
                    return answer;
                }
                Single::Records(records, security) => {
                    answer.security = answer.security.weaker(security);
                    answer.outcome =
                        Outcome::Records(records.iter().filter_map(|r| convert(&r.data)).collect());
                    return answer;
                }
                Single::NoData(security) => {
                    answer.security = answer.security.weaker(security);
                    answer.outcome = Outcome::NoData;
                    return answer;
                }
                Single::NxDomain(security) => {
                    answer.security = answer.security.weaker(security);
                    answer.outcome = Outcome::NxDomain;
                    return answer;
                }
                Single::Failed(why, security) => {
                    answer.security = answer.security.weaker(security);
                    answer.detail = Some(why);
                    return answer;
                }
                Single::NoResponse(why) => {
                    answer.security = answer.security.weaker(DnssecStatus::LookupError);
                    answer.detail = Some(why);
                    answer.no_response = true;
                    return answer;
                }
            }
        }
    }

    /// Asks for `rtype` at `name`, again while the answer is bogus or
    /// failed, up to [`Config::retries`] more times. Returns the answer, a
    /// note about how its status was known, and the number of tries.
    async fn ask(&self, name: &Name, rtype: RecordType) -> (Single, Option<String>, usize) {
        let mut tries = 0;
        loop {
            tries += 1;
            let (single, note) = match &self.config.validation {
                Validation::Local(anchors) if anchors.covers(name) => {
                    (self.validated(name, rtype, anchors).await, None)
                }
                Validation::Local(_) => (
                    self.unvalidated(name, rtype, DnssecStatus::Insecure).await,
                    Some("under no trust anchor: insecure".to_owned()),
                ),
                Validation::ResolverAd => self.resolver_ad(name, rtype).await,
            };
            if !single.retry_worthy() || tries > self.config.retries {
                let note = match (&single, note) {
                    (Single::Failed(..) | Single::NoResponse(_), _) => None,
                    (_, note) => note,
                };
                return (single, note, tries);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Local validation: a fresh validator (so that no cached bogus result
    /// of a previous try counts) over the upstream with the CD bit.
    async fn validated(&self, name: &Name, rtype: RecordType, anchors: &TrustAnchors) -> Single {
        let mut upstream = self.upstream.clone();
        upstream.checking_disabled = true;
        let validator = DnssecDnsHandle::with_trust_anchor(upstream, anchors.inner.clone());
        let result = validator
            .lookup(Query::query(name.clone(), rtype), request_options(true))
            .first_answer()
            .await;
        match result {
            Ok(response) => classify(&response, name, rtype, None),
            Err(NetError::Dns(DnsError::Nsec {
                proof, response, ..
            })) => {
                // hickory checks a negative proof against the name asked,
                // so a CNAME to a name without the type looks bogus: follow
                // the (validated) CNAME, and ask the target on its own.
                if let cname @ Single::Cname(..) = classify(&response, name, rtype, None) {
                    return cname;
                }
                let security = of_proof(proof);
                if response.response_code == ResponseCode::NXDomain {
                    Single::NxDomain(security)
                } else {
                    Single::NoData(security)
                }
            }
            Err(NetError::Dns(DnsError::NoRecordsFound(no))) => {
                let security = no
                    .soa
                    .as_ref()
                    .map_or(DnssecStatus::LookupError, |soa| of_proof(soa.proof));
                if no.response_code == ResponseCode::NXDomain {
                    Single::NxDomain(security)
                } else {
                    Single::NoData(security)
                }
            }
            Err(NetError::Dns(DnsError::DnssecBogus)) => {
                Single::Failed("failed validation".to_owned(), DnssecStatus::Bogus)
            }
            Err(e) => failed(&e),
        }
    }

    /// A plain query; the status is the one given.
    async fn unvalidated(&self, name: &Name, rtype: RecordType, security: DnssecStatus) -> Single {
        let result = self
            .upstream
            .lookup(Query::query(name.clone(), rtype), request_options(false))
            .first_answer()
            .await;
        match result {
            Ok(response) => classify(&response, name, rtype, Some(security)),
            Err(e) => failed(&e),
        }
    }

    /// The resolver's AD bit: AD asked for, SERVFAIL asked again with CD.
    async fn resolver_ad(&self, name: &Name, rtype: RecordType) -> (Single, Option<String>) {
        let query = Query::query(name.clone(), rtype);
        let mut request = DnsRequest::from_query(query.clone(), request_options(false));
        request.metadata.authentic_data = true;
        let response = match self.upstream.send(request).first_answer().await {
            Ok(r) => r,
            Err(e) => return (failed(&e), None),
        };
        if response.response_code == ResponseCode::ServFail {
            let mut cd = DnsRequest::from_query(query, request_options(false));
            cd.metadata.checking_disabled = true;
            let unchecked = self.upstream.send(cd).first_answer().await;
            return match unchecked {
                Ok(r)
                    if matches!(
                        r.response_code,
                        ResponseCode::NoError | ResponseCode::NXDomain
                    ) =>
                {
                    (
                        classify(&r, name, rtype, Some(DnssecStatus::Bogus)),
                        Some(
                            "the resolver answers SERVFAIL, and serves the data with checking \
                             disabled (CD): it failed the resolver's validation"
                                .to_owned(),
                        ),
                    )
                }
                _ => (
                    Single::Failed("SERVFAIL".to_owned(), DnssecStatus::LookupError),
                    None,
                ),
            };
        }
        let security = if response.authentic_data {
            DnssecStatus::Secure
        } else {
            DnssecStatus::Insecure
        };
        let note = if response.authentic_data {
            "the resolver's AD bit"
        } else {
            "no AD bit from the resolver"
        };
        (
            classify(&response, name, rtype, Some(security)),
            Some(note.to_owned()),
        )
    }
}

fn request_options(dnssec_ok: bool) -> DnsRequestOptions {
    let mut options = DnsRequestOptions::default();
    options.edns_set_dnssec_ok = dnssec_ok;
    options.recursion_desired = true;
    options
}

/// The records of `rtype` (or a CNAME) at `name` in a response. The status
/// is `given`, or with local validation the weakest proof of those records
/// (for a negative answer: of its SOA and NSEC/NSEC3 records).
fn classify(
    response: &DnsResponse,
    name: &Name,
    rtype: RecordType,
    given: Option<DnssecStatus>,
) -> Single {
    match response.response_code {
        ResponseCode::NoError | ResponseCode::NXDomain => {}
        code => return Single::Failed(code.to_string(), DnssecStatus::LookupError),
    }
    let at_name = |t: RecordType| -> Vec<Record> {
        response
            .answers
            .iter()
            .filter(|r| r.name == *name && r.record_type() == t)
            .cloned()
            .collect()
    };
    let weakest = |records: &[Record]| {
        given.unwrap_or_else(|| {
            records
                .iter()
                .map(|r| of_proof(r.proof))
                .fold(DnssecStatus::Secure, DnssecStatus::weaker)
        })
    };
    let records = at_name(rtype);
    if !records.is_empty() {
        let security = weakest(&records);
        return Single::Records(records, security);
    }
    let cnames = at_name(RecordType::CNAME);
    if let Some(target) = cnames.iter().find_map(|r| match &r.data {
        RData::CNAME(c) => Some(c.0.clone()),
        _ => None,
    }) {
        return Single::Cname(target, weakest(&cnames));
    }
    let proofs: Vec<Record> = response
        .authorities
        .iter()
        .filter(|r| {
            matches!(
                r.record_type(),
                RecordType::SOA | RecordType::NSEC | RecordType::NSEC3
            )
        })
        .cloned()
        .collect();
    let security = given.unwrap_or_else(|| {
        if proofs.iter().any(|r| r.proof == Proof::Bogus) {
            DnssecStatus::Bogus
        } else if proofs.iter().any(|r| r.proof == Proof::Secure) {
            DnssecStatus::Secure
        } else {
            DnssecStatus::Insecure
        }
    });
    if response.response_code == ResponseCode::NXDomain {
        Single::NxDomain(security)
    } else {
        Single::NoData(security)
    }
}

/// A failed query: no response at all, or a response that is no answer.
fn failed(e: &NetError) -> Single {
    match e {
        NetError::Timeout | NetError::Io(_) | NetError::NoConnections => {
            Single::NoResponse(format!("no response from the resolver ({})", failure(e)))
        }
        e => Single::Failed(failure(e), DnssecStatus::LookupError),
    }
}

fn failure(e: &NetError) -> String {
    match e {
        NetError::Timeout => "timeout".to_owned(),
        NetError::Dns(DnsError::ResponseCode(code)) => code.to_string(),
        e => e.to_string(),
    }
}

/// Whether a trust-anchor file entry names `key` of `zone`: the same key,
/// or a DS record whose digest covers it (RFC 4034 §5.1.4).
fn names_key(entry: &crate::anchor::Entry, zone: &Name, key: &DNSKEY) -> bool {
    match &entry.record {
        crate::anchor::Record::Dnskey {
            algorithm,
            key: bytes,
            ..
        } => {
            key.algorithm() == Algorithm::from_u8(*algorithm)
                && key.public_key().public_bytes() == bytes.as_slice()
        }
        crate::anchor::Record::Ds {
            key_tag,
            algorithm,
            digest_type,
            digest,
        } => DS::new(
            *key_tag,
            Algorithm::from_u8(*algorithm),
            DigestType::from(*digest_type),
            digest.clone(),
        )
        .covers(zone, key)
        .unwrap_or(false),
    }
}

/// A name without its trailing dot (`.` stays the root).
fn display_name(name: &Name) -> String {
    let text = name.to_ascii();
    match text.strip_suffix('.') {
        Some("") | None => text,
        Some(s) => s.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolv_conf() {
        let text = "# comment\nsearch example.com\nnameserver 127.0.10.1\nnameserver 9.9.9.9\noptions trust-ad\n";
        assert_eq!(
            resolv_conf_upstream(text).unwrap(),
            "127.0.10.1:53".parse::<SocketAddr>().unwrap()
        );
        assert_eq!(
            resolv_conf_upstream("nameserver fe80::1%eth0\n").unwrap(),
            "[fe80::1]:53".parse::<SocketAddr>().unwrap()
        );
        assert!(resolv_conf_upstream("options ndots:2\n").is_err());
    }

    #[test]
    fn tlsa_status_of_an_answer() {
        let answer = |security, outcome| Answer::<TlsaRecord> {
            name: "_25._tcp.mx.example.com".to_owned(),
            security,
            outcome,
            cnames: Vec::new(),
            detail: None,
            tries: 1,
            no_response: false,
        };
        let record = || TlsaRecord {
            usage: 3,
            selector: 1,
            matching_type: 1,
            data: vec![0; 32],
        };
        use DnssecStatus::{Bogus, Insecure, LookupError, Secure};
        for (security, outcome, want) in [
            (
                Secure,
                Outcome::Records(vec![record()]),
                TlsaStatus::SecureWithRecords,
            ),
            (
                Secure,
                Outcome::Records(Vec::new()),
                TlsaStatus::SecureWithRecords,
            ),
            (Secure, Outcome::NoData, TlsaStatus::SecureEmpty),
            (Secure, Outcome::NxDomain, TlsaStatus::SecureEmpty),
            (Secure, Outcome::Failed, TlsaStatus::LookupError),
            (
                Insecure,
                Outcome::Records(vec![record()]),
                TlsaStatus::Insecure,
            ),
            (Insecure, Outcome::Failed, TlsaStatus::Insecure),
            (Bogus, Outcome::Records(vec![record()]), TlsaStatus::Bogus),
            (Bogus, Outcome::NoData, TlsaStatus::Bogus),
            (LookupError, Outcome::Failed, TlsaStatus::LookupError),
        ] {
            assert_eq!(answer(security, outcome).tlsa_status(), want);
        }
    }

    #[test]
    fn names_lose_their_trailing_dot() {
        assert_eq!(
            display_name(&Name::from_ascii("mx.example.com.").unwrap()),
            "mx.example.com"
        );
        assert_eq!(display_name(&Name::root()), ".");
    }
}
