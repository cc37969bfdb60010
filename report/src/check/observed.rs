//! What the caller observed: DNS answers with their DNSSEC status, the
//! policy fetch, each STARTTLS session and its chain.

use std::net::IpAddr;

use mxtrust::decision::DnssecStatus;

/// What a lookup found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Found {
    /// Records of the type asked for.
    Records,
    /// NOERROR without such records.
    NoData,
    /// The name does not exist.
    NxDomain,
    /// No usable answer.
    Failed,
}

impl Found {
    /// `records`, `no-data`, `nxdomain` or `failed`.
    pub const fn code(self) -> &'static str {
        match self {
            Self::Records => "records",
            Self::NoData => "no-data",
            Self::NxDomain => "nxdomain",
            Self::Failed => "failed",
        }
    }
}

/// One DNS answer (its records are carried next to it, typed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lookup {
    /// The name asked for.
    pub name: String,
    /// Its DNSSEC status, the weakest along the CNAME chain.
    pub security: DnssecStatus,
    /// What was found.
    pub found: Found,
    /// The CNAME records followed: owner, target, status.
    pub cnames: Vec<(String, String, DnssecStatus)>,
    /// Why, when that needs saying (`SERVFAIL`, `timeout`...).
    pub detail: Option<String>,
}

/// How the DNSSEC statuses were known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Validation {
    /// mxtrust validated, from these trust anchors (described).
    Local(String),
    /// The resolver's AD bit.
    ResolverAd,
}

/// A TLSA record as received.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TlsaData {
    /// Usage, selector, matching type.
    pub fields: [u8; 3],
    /// Certificate association data.
    pub data: Vec<u8>,
}

impl TlsaData {
    /// The record as core's [`Tlsa`](mxtrust::Tlsa), borrowing the data.
    pub(crate) fn tlsa(&self) -> mxtrust::Tlsa<'_> {
        let [usage, selector, matching_type] = self.fields;
        mxtrust::Tlsa {
            usage: usage.into(),
            selector: selector.into(),
            matching_type: matching_type.into(),
            data: &self.data,
        }
    }
}

/// The TLSA lookups of one MX host, at the base domains core named
/// ([`tlsa_candidates`](super::tlsa_candidates)).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct TlsaObserved {
    /// Each TLSA owner asked (`_25._tcp.<base>`), its answer and records, in
    /// order; the last one counts.
    pub asked: Vec<(String, Lookup, Vec<TlsaData>)>,
}

/// One STARTTLS session, or why there was none.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Connection {
    /// The address.
    pub address: IpAddr,
    /// The key type whose signature schemes were offered (`ecdsa`, `rsa`,
    /// `eddsa`), or `None` when all were.
    pub key_type: Option<&'static str>,
    /// The session, or the failed step's code and message.
    pub result: Result<Session, (&'static str, String)>,
}

/// A completed handshake.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    /// `TLSv1.3`, `TLSv1.2`.
    pub version: String,
    /// The cipher suite.
    pub cipher: String,
    /// The presented chain, DER, leaf first.
    pub chain: Vec<Vec<u8>>,
}

/// One MX host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostObserved {
    /// The host name.
    pub host: String,
    /// Its MX preference (0 for the implicit MX).
    pub preference: u16,
    /// The A answer.
    pub a: Lookup,
    /// The AAAA answer.
    pub aaaa: Lookup,
    /// The addresses found.
    pub addresses: Vec<IpAddr>,
    /// The TLSA lookups.
    pub tlsa: TlsaObserved,
    /// The sessions, per address and key type.
    pub connections: Vec<Connection>,
    /// Remarks of the prober (a key type the server lacks...).
    pub notes: Vec<String>,
}

/// The policy fetch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fetch {
    /// The URL.
    pub url: String,
    /// The HTTP response, or the failure's code, message and RFC 8460
    /// result type.
    pub result: Result<FetchResponse, (&'static str, String, &'static str)>,
}

/// An HTTP response to the policy fetch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FetchResponse {
    /// The status.
    pub status: u16,
    /// The `Content-Type` value.
    pub content_type: Option<Vec<u8>>,
    /// A redirect's `Location` (never followed).
    pub location: Option<String>,
    /// The body (at most 64 KiB).
    pub body: Vec<u8>,
    /// Whether the body was longer.
    pub truncated: bool,
}

/// MTA-STS, as observed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StsObserved {
    /// The `_mta-sts` TXT answer and its records' strings.
    pub record: (Lookup, Vec<Vec<Vec<u8>>>),
    /// The policy host's A and AAAA answers, when the record was found.
    pub policy_host: Option<(Lookup, Lookup)>,
    /// The fetch, when the record was found.
    pub fetch: Option<Fetch>,
}

/// Everything the caller observed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Observed {
    /// The domain checked.
    pub domain: String,
    /// When, Unix seconds.
    pub time: u64,
    /// How DNSSEC statuses were known.
    pub validation: Validation,
    /// The upstream resolver.
    pub resolver: String,
    /// The MX answer and its records.
    pub mx: (Lookup, Vec<(u16, String)>),
    /// The MX hosts checked.
    pub hosts: Vec<HostObserved>,
    /// MTA-STS.
    pub sts: StsObserved,
    /// The `_smtp._tls` TXT answer and its records' strings.
    pub tlsrpt: (Lookup, Vec<Vec<Vec<u8>>>),
}
