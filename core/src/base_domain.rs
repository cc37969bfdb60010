//! The TLSA base domain of an MX host reached through CNAME records
//! (RFC 7672 §2.2.2), the reference identifiers that go with it (RFC 7672
//! §3.2.3), and the TLSA owner name `_25._tcp.<base>` (RFC 6698 §3).
//!
//! The caller resolves the MX host's address records, following CNAME
//! records, and hands over each step with its DNSSEC status. [`candidates`]
//! then says where to look for TLSA records:
//!
//! - a lookup that is bogus or failed anywhere on the way:
//!   [`TlsaBase::Indeterminate`]; the addresses cannot be trusted, and the
//!   caller defers (RFC 7672 §2.1.1, [`crate::decision::Action::Defer`]);
//! - the first answer for the MX host name (its CNAME, or its addresses) is
//!   insecure: [`TlsaBase::NotApplicable`], DANE does not apply to this
//!   host;
//! - every step and the final address records are secure, through at least
//!   one CNAME: first the fully expanded name, then the original MX host name;
//! - the first answer is secure but a later step or the final address
//!   records are insecure: the original MX host name only, since the
//!   expanded name was not obtained securely;
//! - no CNAME, secure addresses: the MX host name.
//!
//! The fallback to the original name is taken only when the TLSA lookup at
//! the expanded name found no records (a secure denial) or was insecure; a
//! bogus or failed TLSA lookup stops there ([`Candidates::fallback_after`]).
//!
//! With a DANE-TA record the certificate must name a reference identifier
//! (RFC 7672 §3.2.3): the TLSA base domain that produced the records, and,
//! when that is the CNAME-expanded name, also the original MX host name
//! ([`Candidate::reference_ids`]).

use crate::Error;
use crate::decision::{DnssecStatus, TlsaStatus};
use crate::limits::{MAX_CNAME_CHAIN, MAX_NAME_LEN};
use crate::name::{is_valid_reference, names_equal, write_concat};
use core::fmt;

/// One CNAME record the resolver followed: `owner` is an alias for `target`
/// (RFC 1034 §3.6.2), with the DNSSEC status of that answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CnameStep<'a> {
    /// The alias.
    pub owner: &'a str,
    /// The canonical name it points to.
    pub target: &'a str,
    /// The DNSSEC status of the CNAME answer.
    pub status: DnssecStatus,
}

/// One TLSA base domain to query, and the names a DANE-TA certificate may
/// carry when its records come from there.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Candidate<'a> {
    base: &'a str,
    original: Option<&'a str>,
}

impl<'a> Candidate<'a> {
    /// The TLSA base domain, without a trailing dot.
    pub fn tlsa_base_domain(&self) -> &'a str {
        self.base
    }

    /// Whether the base domain is the CNAME expansion of the MX host name.
    pub fn is_expanded(&self) -> bool {
        self.original.is_some()
    }

    /// The reference identifiers for name checks (RFC 7672 §3.2.3): the
    /// TLSA base domain first, then, for an expanded name, the original MX
    /// host name. Each is accepted by
    /// [`ReferenceId::new`](crate::name::ReferenceId::new).
    pub fn reference_ids(&self) -> impl Iterator<Item = &'a str> + 'a {
        core::iter::once(self.base).chain(self.original)
    }
}

/// The TLSA base domains to try, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Candidates<'a> {
    first: Candidate<'a>,
    fallback: Option<Candidate<'a>>,
}

impl<'a> Candidates<'a> {
    /// The base domain to query first.
    pub fn first(&self) -> Candidate<'a> {
        self.first
    }

    /// The base domain to query next, given the status of the TLSA lookup
    /// at [`Self::first`]: the original MX host name, when the first was its
    /// expansion and that lookup found no records securely
    /// ([`TlsaStatus::SecureEmpty`]) or was insecure. After any other
    /// status there is no next candidate: records were found, or the lookup
    /// is bogus or failed and the caller defers (RFC 7672 §2.2).
    pub fn fallback_after(&self, first_lookup: TlsaStatus) -> Option<Candidate<'a>> {
        match first_lookup {
            TlsaStatus::SecureEmpty | TlsaStatus::Insecure => self.fallback,
            TlsaStatus::SecureWithRecords | TlsaStatus::Bogus | TlsaStatus::LookupError => None,
        }
    }

    /// Every candidate, in the order to try them (one or two).
    pub fn iter(&self) -> impl Iterator<Item = Candidate<'a>> + 'a {
        core::iter::once(self.first).chain(self.fallback)
    }
}

/// Where to look for the TLSA records of an MX host.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TlsaBase<'a> {
    /// DANE applies: query these base domains in order.
    Candidates(Candidates<'a>),
    /// The MX host name's own answer is insecure: no TLSA lookup, DANE does
    /// not apply (RFC 7672 §2.2.2).
    NotApplicable,
    /// A step or the address records are bogus or could not be looked up,
    /// with the first such status: the caller defers (RFC 7672 §2.1.1).
    Indeterminate(DnssecStatus),
}

impl TlsaBase<'_> {
    /// A stable kebab-case code; never changes once published.
    pub const fn code(&self) -> &'static str {
        match self {
            Self::Candidates(_) => "candidates",
            Self::NotApplicable => "not-applicable",
            Self::Indeterminate(_) => "indeterminate",
        }
    }
}

/// Why [`candidates`] could not read its input: the chain is not one a
/// resolver could have followed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BaseError {
    /// The MX host name or a name in the chain is not a DNS name.
    InvalidName,
    /// The first step is not for the MX host name, or a step does not start
    /// at the previous step's target (1-based step number).
    BrokenChain {
        /// The step that does not continue the chain.
        step: usize,
    },
    /// A step points back to a name already in the chain (1-based).
    CnameLoop {
        /// The step whose target was seen before.
        step: usize,
    },
    /// More than [`MAX_CNAME_CHAIN`] steps.
    ChainTooLong,
}

impl BaseError {
    /// A stable kebab-case code; never changes once published.
    pub const fn code(self) -> &'static str {
        match self {
            Self::InvalidName => "invalid-name",
            Self::BrokenChain { .. } => "broken-cname-chain",
            Self::CnameLoop { .. } => "cname-loop",
            Self::ChainTooLong => "cname-chain-too-long",
        }
    }

    /// A short description.
    pub const fn description(self) -> &'static str {
        match self {
            Self::InvalidName => "not a valid DNS name",
            Self::BrokenChain { .. } => "a CNAME step does not continue the chain",
            Self::CnameLoop { .. } => "the CNAME chain loops",
            Self::ChainTooLong => "more CNAME steps than mxtrust's limit (16)",
        }
    }
}

impl fmt::Display for BaseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BrokenChain { step } | Self::CnameLoop { step } => {
                write!(f, "{} (step {step})", self.description())
            }
            _ => f.write_str(self.description()),
        }
    }
}

impl core::error::Error for BaseError {}

/// The TLSA base domains for `mx_host` (the name as the MX record gave it),
/// given the CNAME steps the resolver followed for its address records and
/// the status of the final address RRsets (RFC 7672 §2.2.2; see the
/// [module documentation](self) for the rule).
///
/// # Errors
///
/// A [`BaseError`] when a name is not a DNS name, the steps do not form one
/// chain from `mx_host`, the chain loops, or it is longer than
/// [`MAX_CNAME_CHAIN`].
///
/// # Examples
///
/// ```
/// use mxtrust::base_domain::{candidates, CnameStep, TlsaBase};
/// use mxtrust::decision::{DnssecStatus::Secure, TlsaStatus};
/// let chain = [CnameStep { owner: "mx.example.com", target: "mx.provider.net.", status: Secure }];
/// let TlsaBase::Candidates(c) = candidates("mx.example.com.", &chain, Secure)? else {
///     panic!("a secure chain");
/// };
/// assert_eq!(c.first().tlsa_base_domain(), "mx.provider.net");
/// let ids: Vec<&str> = c.first().reference_ids().collect();
/// assert_eq!(ids, ["mx.provider.net", "mx.example.com"]);
/// let next = c.fallback_after(TlsaStatus::SecureEmpty).unwrap();
/// assert_eq!(next.tlsa_base_domain(), "mx.example.com");
/// assert!(c.fallback_after(TlsaStatus::Bogus).is_none());
/// # Ok::<(), mxtrust::base_domain::BaseError>(())
/// ```
pub fn candidates<'a>(
    mx_host: &'a str,
    chain: &[CnameStep<'a>],
    addresses: DnssecStatus,
) -> Result<TlsaBase<'a>, BaseError> {
    let original = host_name(mx_host).ok_or(BaseError::InvalidName)?;
    if chain.len() > MAX_CNAME_CHAIN {
        return Err(BaseError::ChainTooLong);
    }
    let mut expected = original;
    for (i, step) in chain.iter().enumerate() {
        let number = i.saturating_add(1);
        let owner = host_name(step.owner).ok_or(BaseError::InvalidName)?;
        let target = host_name(step.target).ok_or(BaseError::InvalidName)?;
        if !names_equal(owner.as_bytes(), expected.as_bytes()) {
            return Err(BaseError::BrokenChain { step: number });
        }
        let earlier = chain.get(..i).unwrap_or_default();
        if names_equal(target.as_bytes(), original.as_bytes())
            || earlier
                .iter()
                .any(|e| names_equal(e.owner.as_bytes(), target.as_bytes()))
            || names_equal(target.as_bytes(), owner.as_bytes())
        {
            return Err(BaseError::CnameLoop { step: number });
        }
        expected = target;
    }
    let statuses = || chain.iter().map(|s| s.status).chain([addresses]);
    if let Some(bad) =
        statuses().find(|s| matches!(s, DnssecStatus::Bogus | DnssecStatus::LookupError))
    {
        return Ok(TlsaBase::Indeterminate(bad));
    }
    let initial = chain.first().map_or(addresses, |s| s.status);
    if initial != DnssecStatus::Secure {
        return Ok(TlsaBase::NotApplicable);
    }
    let unexpanded = Candidate {
        base: original,
        original: None,
    };
    let all_secure = statuses().all(|s| s == DnssecStatus::Secure);
    let found = if chain.is_empty() || !all_secure {
        Candidates {
            first: unexpanded,
            fallback: None,
        }
    } else {
        Candidates {
            first: Candidate {
                base: expected,
                original: Some(original),
            },
            fallback: Some(unexpanded),
        }
    };
    Ok(TlsaBase::Candidates(found))
}

/// The transport protocol label of a TLSA owner name (RFC 6698 §3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Protocol {
    /// `_tcp`: SMTP (RFC 7672 §2.2.3).
    Tcp,
    /// `_udp`.
    Udp,
    /// `_sctp`.
    Sctp,
}

impl Protocol {
    /// Every protocol, in the order RFC 6698 §3 names them.
    pub const ALL: [Self; 3] = [Self::Tcp, Self::Udp, Self::Sctp];

    /// The label, with its underscore.
    pub const fn label(self) -> &'static str {
        match self {
            Self::Tcp => "_tcp",
            Self::Udp => "_udp",
            Self::Sctp => "_sctp",
        }
    }

    /// The transport name, as RFC 6698 §3 defines it: `tcp`, `udp` or
    /// `sctp`.
    pub fn name(self) -> &'static str {
        self.label().trim_start_matches('_')
    }

    /// The protocol a transport name stands for, in any ASCII case (DNS
    /// labels are compared without case); `None` for any other name, as
    /// "the transport names defined for this protocol are tcp, udp, and
    /// sctp" (RFC 6698 §3).
    ///
    /// # Examples
    ///
    /// ```
    /// use mxtrust::base_domain::Protocol;
    /// assert_eq!(Protocol::from_name("tcp"), Some(Protocol::Tcp));
    /// assert_eq!(Protocol::from_name("SCTP"), Some(Protocol::Sctp));
    /// assert_eq!(Protocol::from_name("quic"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|protocol| protocol.name().eq_ignore_ascii_case(name))
    }
}

/// The owner name of the TLSA RRset for a service, `_<port>._<protocol>.<base>`
/// (RFC 6698 §3; `_25._tcp.<base>` for SMTP, RFC 7672 §2.2.3), written into
/// `out` without a trailing dot.
///
/// # Errors
///
/// [`Error::InvalidDomain`] when `base` (one trailing dot allowed) is not a
/// DNS name or the owner name would be longer than [`MAX_NAME_LEN`];
/// [`Error::BufferTooSmall`] with the owner name's length when `out` is
/// shorter.
///
/// # Examples
///
/// ```
/// use mxtrust::base_domain::{tlsa_owner_name, Protocol};
/// let mut out = [0u8; 256];
/// assert_eq!(tlsa_owner_name(25, Protocol::Tcp, "mx.example.com.", &mut out)?, "_25._tcp.mx.example.com");
/// # Ok::<(), mxtrust::Error>(())
/// ```
pub fn tlsa_owner_name<'o>(
    port: u16,
    protocol: Protocol,
    base: &str,
    out: &'o mut [u8],
) -> Result<&'o str, Error> {
    let base = host_name(base).ok_or(Error::InvalidDomain)?;
    let mut digits = [0u8; 5];
    let port = decimal(port, &mut digits);
    let label = protocol.label().as_bytes();
    let len = [1, port.len(), 1, label.len(), 1, base.len()]
        .iter()
        .try_fold(0usize, |n, l| n.checked_add(*l))
        .ok_or(Error::InvalidDomain)?;
    if len > MAX_NAME_LEN {
        return Err(Error::InvalidDomain);
    }
    write_concat(&[b"_", port, b".", label, b".", base.as_bytes()], out)
}

/// `n` in decimal, without leading zeros, in the tail of `buf`.
fn decimal(mut n: u16, buf: &mut [u8; 5]) -> &[u8] {
    let mut start = buf.len();
    for slot in buf.iter_mut().rev() {
        *slot = b'0'.saturating_add(u8::try_from(n.checked_rem(10).unwrap_or(0)).unwrap_or(0));
        start = start.saturating_sub(1);
        n = n.checked_div(10).unwrap_or(0);
        if n == 0 {
            break;
        }
    }
    buf.get(start..).unwrap_or_default()
}

/// The name without one trailing dot, if it is a DNS name.
fn host_name(name: &str) -> Option<&str> {
    let name = name.strip_suffix('.').unwrap_or(name);
    is_valid_reference(name.as_bytes()).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use DnssecStatus::{Bogus, Insecure, LookupError, Secure};
    use std::string::ToString;

    type Steps = &'static [(&'static str, &'static str, DnssecStatus)];

    /// What [`candidates`] should say: the bases in order, each with its
    /// reference identifiers.
    #[derive(Debug, PartialEq)]
    enum Want {
        Bases(&'static [(&'static str, &'static [&'static str])]),
        NotApplicable,
        Indeterminate(DnssecStatus),
    }

    const MX: &str = "mx.example.com";

    /// (CNAME steps, address status, expected) — RFC 7672 §2.2.2 and
    /// §3.2.3, case by case.
    const CASES: &[(Steps, DnssecStatus, Want)] = &[
        // No CNAME.
        (&[], Secure, Want::Bases(&[(MX, &[MX])])),
        (&[], Insecure, Want::NotApplicable),
        (&[], Bogus, Want::Indeterminate(Bogus)),
        (&[], LookupError, Want::Indeterminate(LookupError)),
        // A secure chain: the expanded name first, then the original.
        (
            &[(MX, "mx.provider.net", Secure)],
            Secure,
            Want::Bases(&[("mx.provider.net", &["mx.provider.net", MX]), (MX, &[MX])]),
        ),
        (
            &[
                (MX, "a.provider.net.", Secure),
                ("a.provider.net", "b.provider.net", Secure),
            ],
            Secure,
            Want::Bases(&[("b.provider.net", &["b.provider.net", MX]), (MX, &[MX])]),
        ),
        // Secure at the MX host name, insecure later: the original only.
        (
            &[(MX, "mx.provider.net", Secure)],
            Insecure,
            Want::Bases(&[(MX, &[MX])]),
        ),
        (
            &[
                (MX, "a.provider.net", Secure),
                ("a.provider.net", "b.provider.net", Insecure),
            ],
            Secure,
            Want::Bases(&[(MX, &[MX])]),
        ),
        // Insecure at the MX host name: no DANE at all.
        (
            &[(MX, "mx.provider.net", Insecure)],
            Secure,
            Want::NotApplicable,
        ),
        // Bogus or failed anywhere: defer, whatever else is secure.
        (
            &[(MX, "mx.provider.net", Secure)],
            Bogus,
            Want::Indeterminate(Bogus),
        ),
        (
            &[
                (MX, "a.provider.net", Insecure),
                ("a.provider.net", "b.provider.net", LookupError),
            ],
            Secure,
            Want::Indeterminate(LookupError),
        ),
        // Names compare case-insensitively, one trailing dot ignored.
        (
            &[("MX.Example.COM.", "mx.provider.net", Secure)],
            Secure,
            Want::Bases(&[("mx.provider.net", &["mx.provider.net", MX]), (MX, &[MX])]),
        ),
    ];

    fn steps(s: Steps) -> std::vec::Vec<CnameStep<'static>> {
        s.iter()
            .map(|&(owner, target, status)| CnameStep {
                owner,
                target,
                status,
            })
            .collect()
    }

    /// An owned form of both sides, to compare with `assert_eq!`.
    #[derive(Debug, PartialEq)]
    enum Seen {
        Bases(std::vec::Vec<(std::string::String, std::vec::Vec<std::string::String>)>),
        NotApplicable,
        Indeterminate(DnssecStatus),
    }

    fn seen(got: TlsaBase<'_>) -> Seen {
        match got {
            TlsaBase::NotApplicable => Seen::NotApplicable,
            TlsaBase::Indeterminate(s) => Seen::Indeterminate(s),
            TlsaBase::Candidates(c) => Seen::Bases(
                c.iter()
                    .map(|cand| {
                        let ids = cand.reference_ids().map(str::to_string).collect();
                        (cand.tlsa_base_domain().to_string(), ids)
                    })
                    .collect(),
            ),
        }
    }

    fn wanted(want: &Want) -> Seen {
        match want {
            Want::NotApplicable => Seen::NotApplicable,
            Want::Indeterminate(s) => Seen::Indeterminate(*s),
            Want::Bases(bases) => Seen::Bases(
                bases
                    .iter()
                    .map(|(base, ids)| {
                        (
                            base.to_string(),
                            ids.iter().map(|i| i.to_string()).collect(),
                        )
                    })
                    .collect(),
            ),
        }
    }

    #[test]
    fn base_domains() {
        for (i, (chain, addresses, expected)) in CASES.iter().enumerate() {
            let got = candidates(MX, &steps(chain), *addresses);
            assert_eq!(
                got.map(seen),
                Ok(wanted(expected)),
                "row {i}: {chain:?} {addresses:?}"
            );
        }
    }

    #[test]
    fn fallback_only_after_no_records() {
        let chain = steps(&[(MX, "mx.provider.net", Secure)]);
        let Ok(TlsaBase::Candidates(c)) = candidates(MX, &chain, Secure) else {
            panic!("secure chain");
        };
        assert!(c.first().is_expanded());
        for (status, fallback) in [
            (TlsaStatus::SecureEmpty, true),
            (TlsaStatus::Insecure, true),
            (TlsaStatus::SecureWithRecords, false),
            (TlsaStatus::Bogus, false),
            (TlsaStatus::LookupError, false),
        ] {
            assert_eq!(
                c.fallback_after(status).map(|f| f.tlsa_base_domain()),
                fallback.then_some(MX),
                "{status:?}"
            );
        }
        let Ok(TlsaBase::Candidates(plain)) = candidates(MX, &[], Secure) else {
            panic!("secure host");
        };
        assert!(!plain.first().is_expanded());
        assert_eq!(plain.fallback_after(TlsaStatus::SecureEmpty), None);
    }

    /// (MX host, steps, error)
    const BAD_CHAINS: &[(&str, Steps, BaseError)] = &[
        ("", &[], BaseError::InvalidName),
        (".", &[], BaseError::InvalidName),
        ("mx..example", &[], BaseError::InvalidName),
        (MX, &[(MX, "bad name", Secure)], BaseError::InvalidName),
        (MX, &[("", "a.example", Secure)], BaseError::InvalidName),
        (
            MX,
            &[("other.example", "a.example", Secure)],
            BaseError::BrokenChain { step: 1 },
        ),
        (
            MX,
            &[
                (MX, "a.example", Secure),
                ("b.example", "c.example", Secure),
            ],
            BaseError::BrokenChain { step: 2 },
        ),
        (
            MX,
            &[(MX, "MX.example.com.", Secure)],
            BaseError::CnameLoop { step: 1 },
        ),
        (
            MX,
            &[(MX, "a.example", Secure), ("a.example", MX, Secure)],
            BaseError::CnameLoop { step: 2 },
        ),
        (
            MX,
            &[
                (MX, "a.example", Secure),
                ("a.example", "b.example", Secure),
                ("b.example", "a.example", Secure),
            ],
            BaseError::CnameLoop { step: 3 },
        ),
    ];

    #[test]
    fn bad_chains() {
        for (i, (host, chain, expected)) in BAD_CHAINS.iter().enumerate() {
            assert_eq!(
                candidates(host, &steps(chain), Secure),
                Err(*expected),
                "row {i}: {host:?} {chain:?}"
            );
        }
        let names: std::vec::Vec<std::string::String> = (0..=MAX_CNAME_CHAIN + 1)
            .map(|i| std::format!("h{i}.example"))
            .collect();
        let long: std::vec::Vec<CnameStep<'_>> = names
            .windows(2)
            .map(|w| CnameStep {
                owner: &w[0],
                target: &w[1],
                status: Secure,
            })
            .collect();
        assert_eq!(long.len(), MAX_CNAME_CHAIN + 1);
        assert_eq!(
            candidates(&names[0], &long, Secure),
            Err(BaseError::ChainTooLong)
        );
        let ok = candidates(&names[0], &long[..MAX_CNAME_CHAIN], Secure);
        assert!(matches!(ok, Ok(TlsaBase::Candidates(_))), "{ok:?}");
    }

    /// (port, protocol, base, owner name or error)
    const OWNER_CASES: &[(u16, Protocol, &str, Result<&str, Error>)] = &[
        (
            25,
            Protocol::Tcp,
            "mx.example.com",
            Ok("_25._tcp.mx.example.com"),
        ),
        (
            25,
            Protocol::Tcp,
            "mx.example.com.",
            Ok("_25._tcp.mx.example.com"),
        ),
        (0, Protocol::Udp, "a.example", Ok("_0._udp.a.example")),
        (465, Protocol::Tcp, "a.example", Ok("_465._tcp.a.example")),
        (
            65535,
            Protocol::Sctp,
            "a.example",
            Ok("_65535._sctp.a.example"),
        ),
        (10000, Protocol::Tcp, "a", Ok("_10000._tcp.a")),
        (25, Protocol::Tcp, "", Err(Error::InvalidDomain)),
        (25, Protocol::Tcp, ".", Err(Error::InvalidDomain)),
        (25, Protocol::Tcp, "a..example", Err(Error::InvalidDomain)),
        (25, Protocol::Tcp, "a example", Err(Error::InvalidDomain)),
    ];

    #[test]
    fn owner_names() {
        for (port, protocol, base, expected) in OWNER_CASES {
            let mut out = [0u8; 300];
            assert_eq!(
                tlsa_owner_name(*port, *protocol, base, &mut out),
                *expected,
                "{port} {protocol:?} {base:?}"
            );
        }
        // 9 octets of prefix: a 244-octet base fits in 253, 245 does not.
        let base = [
            "a".repeat(63),
            "b".repeat(63),
            "c".repeat(63),
            "d".repeat(52),
        ]
        .join(".");
        assert_eq!(base.len(), 244);
        let mut out = [0u8; 300];
        assert_eq!(
            tlsa_owner_name(25, Protocol::Tcp, &base, &mut out).map(str::len),
            Ok(253)
        );
        let longer = std::format!("{base}e");
        assert_eq!(
            tlsa_owner_name(25, Protocol::Tcp, &longer, &mut out),
            Err(Error::InvalidDomain)
        );
        let mut short = [0xaa; 10];
        assert_eq!(
            tlsa_owner_name(25, Protocol::Tcp, "mx.example.com", &mut short),
            Err(Error::BufferTooSmall { needed: 23 })
        );
        assert!(short.iter().all(|&b| b == 0xaa));
    }

    #[test]
    fn every_port_in_decimal() {
        for port in 0..=u16::MAX {
            let mut digits = [0u8; 5];
            assert_eq!(decimal(port, &mut digits), port.to_string().as_bytes());
        }
    }

    #[test]
    fn codes_are_unique_and_kebab_case() {
        let errors = [
            BaseError::InvalidName,
            BaseError::BrokenChain { step: 1 },
            BaseError::CnameLoop { step: 1 },
            BaseError::ChainTooLong,
        ];
        let outcomes = [
            TlsaBase::NotApplicable.code(),
            TlsaBase::Indeterminate(Bogus).code(),
            "candidates",
        ];
        let codes: std::vec::Vec<&str> = errors.iter().map(|e| e.code()).collect();
        for list in [&codes[..], &outcomes[..]] {
            for (i, code) in list.iter().enumerate() {
                assert!(
                    code.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                    "{code}"
                );
                assert!(!list[i + 1..].contains(code), "{code} twice");
            }
        }
        assert!(BaseError::ChainTooLong.description().contains("16"));
        assert_eq!(MAX_CNAME_CHAIN, 16, "update BaseError::description");
        assert_eq!(
            std::format!("{}", BaseError::CnameLoop { step: 2 }),
            "the CNAME chain loops (step 2)"
        );
    }
}
