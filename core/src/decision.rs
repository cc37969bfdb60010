//! What an MTA must do for one MX host, given the DNSSEC status of its DNS
//! answers, the usability of its TLSA records and the domain's MTA-STS state.
//!
//! DANE always takes precedence (RFC 8461 §2): once a DNSSEC-validated TLSA
//! RRset with records exists for the MX host, MTA-STS is not consulted.
//! Otherwise MTA-STS applies (RFC 8461 §5), and without either, TLS is
//! opportunistic (RFC 7672 §2.2, RFC 3207).

use crate::policy::{Mode, Policy};
use crate::tlsrpt::ResultType;

/// DNSSEC status of an RRset lookup (RFC 4035 §4.3 states, with lookup
/// failures kept apart).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DnssecStatus {
    /// Validated (secure).
    Secure,
    /// Provably unsigned (insecure).
    Insecure,
    /// Validation failed (bogus).
    Bogus,
    /// The lookup failed (SERVFAIL, timeout): indeterminate.
    LookupError,
}

impl DnssecStatus {
    /// Every status, from the strongest to the weakest (the order
    /// [`weaker`](Self::weaker) ranks them in).
    pub const ALL: [Self; 4] = [Self::Secure, Self::Insecure, Self::LookupError, Self::Bogus];

    /// A stable kebab-case code (`secure`, `insecure`, `bogus`,
    /// `lookup-error`) for machine-readable output; never changes once
    /// published.
    pub const fn code(self) -> &'static str {
        match self {
            Self::Secure => "secure",
            Self::Insecure => "insecure",
            Self::Bogus => "bogus",
            Self::LookupError => "lookup-error",
        }
    }

    /// The status whose [`code`](Self::code) is `code`.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The status of data that depends on two answers (an A and an AAAA
    /// RRset, or an alias and its target): the weaker one. Secure is the
    /// strongest, then insecure, then a failed lookup; bogus is the weakest,
    /// because a validation failure is evidence of tampering (RFC 4035 §5.5)
    /// where a failed lookup is not.
    ///
    /// # Examples
    ///
    /// ```
    /// use mxtrust::decision::DnssecStatus::{Bogus, Insecure, LookupError, Secure};
    /// assert_eq!(Secure.weaker(Insecure), Insecure);
    /// assert_eq!(LookupError.weaker(Bogus), Bogus);
    /// ```
    #[must_use]
    pub fn weaker(self, other: Self) -> Self {
        let rank = |s: Self| Self::ALL.iter().position(|&a| a == s).unwrap_or(usize::MAX);
        if rank(other) > rank(self) {
            other
        } else {
            self
        }
    }
}

/// DNSSEC status of the TLSA RRset of the MX host (RFC 7672 §2.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TlsaStatus {
    /// Validated, with at least one record.
    SecureWithRecords,
    /// Validated denial of existence: NXDOMAIN or NODATA proven.
    SecureEmpty,
    /// Provably unsigned.
    Insecure,
    /// Validation failed.
    Bogus,
    /// The lookup failed.
    LookupError,
}

impl TlsaStatus {
    /// Every status.
    pub const ALL: [Self; 5] = [
        Self::SecureWithRecords,
        Self::SecureEmpty,
        Self::Insecure,
        Self::Bogus,
        Self::LookupError,
    ];

    /// A stable kebab-case code (`secure-with-records`, `secure-empty`,
    /// `insecure`, `bogus`, `lookup-error`); never changes once published.
    pub const fn code(self) -> &'static str {
        match self {
            Self::SecureWithRecords => "secure-with-records",
            Self::SecureEmpty => "secure-empty",
            Self::Insecure => "insecure",
            Self::Bogus => "bogus",
            Self::LookupError => "lookup-error",
        }
    }

    /// The status whose [`code`](Self::code) is `code`.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The status of a TLSA lookup from the DNSSEC status of its answer
    /// and what it held: `Some(true)` TLSA records (usable or not: records
    /// that do not parse are still records, RFC 7672 §2.2), `Some(false)`
    /// none (NODATA, NXDOMAIN), `None` no answer (the lookup failed).
    ///
    /// # Examples
    ///
    /// ```
    /// use mxtrust::decision::{DnssecStatus, TlsaStatus};
    /// assert_eq!(TlsaStatus::of_answer(DnssecStatus::Secure, Some(false)), TlsaStatus::SecureEmpty);
    /// assert_eq!(TlsaStatus::of_answer(DnssecStatus::Secure, None), TlsaStatus::LookupError);
    /// ```
    pub const fn of_answer(dnssec: DnssecStatus, records: Option<bool>) -> Self {
        match (dnssec, records) {
            (DnssecStatus::Secure, Some(true)) => Self::SecureWithRecords,
            (DnssecStatus::Secure, Some(false)) => Self::SecureEmpty,
            (DnssecStatus::Secure, None) | (DnssecStatus::LookupError, _) => Self::LookupError,
            (DnssecStatus::Insecure, _) => Self::Insecure,
            (DnssecStatus::Bogus, _) => Self::Bogus,
        }
    }
}

/// Whether any TLSA record is usable (computed by the DANE engine,
/// RFC 7672 §2.2 / RFC 6698 §4.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TlsaUsability {
    /// At least one record is usable.
    SomeUsable,
    /// Every record is unusable.
    AllUnusable,
}

impl TlsaUsability {
    /// Every usability, usable first.
    pub const ALL: [Self; 2] = [Self::SomeUsable, Self::AllUnusable];

    /// A stable kebab-case code (`some-usable`, `all-unusable`); never
    /// changes once published.
    pub const fn code(self) -> &'static str {
        match self {
            Self::SomeUsable => "some-usable",
            Self::AllUnusable => "all-unusable",
        }
    }

    /// The usability whose [`code`](Self::code) is `code`.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The usability of a TLSA RRset under a profile and digest preference
    /// (see [`crate::tlsa::any_usable`]).
    pub fn of(
        records: &[crate::Tlsa<'_>],
        profile: crate::tlsa::ProfileKind,
        preference: &crate::tlsa::DigestPreference,
    ) -> Self {
        if crate::tlsa::any_usable(records, profile, preference) {
            Self::SomeUsable
        } else {
            Self::AllUnusable
        }
    }
}

/// The domain's MTA-STS state for this MX host (RFC 8461 §5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StsState {
    /// A policy in `enforce` mode; whether it allows this MX (§4.1).
    Enforce {
        /// Whether an `mx` pattern matches the host.
        mx_allowed: bool,
    },
    /// A policy in `testing` mode; whether it allows this MX (§4.1).
    Testing {
        /// Whether an `mx` pattern matches the host.
        mx_allowed: bool,
    },
    /// A policy in `none` mode.
    None,
    /// No (usable) policy.
    NoPolicy,
}

impl StsState {
    /// The state a policy gives an MX host (RFC 8461 §4.1, §5): its mode,
    /// and for `enforce` and `testing` whether one of its `mx` patterns
    /// matches `mx_host`; [`StsState::NoPolicy`] without a policy.
    ///
    /// # Examples
    ///
    /// ```
    /// use mxtrust::decision::StsState;
    /// use mxtrust::policy::Policy;
    /// let body = b"version: STSv1\nmode: enforce\nmx: *.example.net\nmax_age: 86400\n";
    /// let policy: Policy<'_> = Policy::parse(body, &mut [])?;
    /// assert_eq!(
    ///     StsState::of(Some(&policy), b"mx1.example.net"),
    ///     StsState::Enforce { mx_allowed: true }
    /// );
    /// assert_eq!(StsState::of::<4>(None, b"mx1.example.net"), StsState::NoPolicy);
    /// # Ok::<(), mxtrust::policy::PolicyError>(())
    /// ```
    pub fn of<const N: usize>(policy: Option<&Policy<'_, N>>, mx_host: &[u8]) -> Self {
        let Some(policy) = policy else {
            return Self::NoPolicy;
        };
        match policy.mode() {
            Mode::Enforce => Self::Enforce {
                mx_allowed: policy.allows_mx(mx_host),
            },
            Mode::Testing => Self::Testing {
                mx_allowed: policy.allows_mx(mx_host),
            },
            Mode::None => Self::None,
        }
    }
}

/// Everything the decision depends on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct MxInputs {
    /// The MX RRset of the recipient domain.
    pub mx_rrset: DnssecStatus,
    /// The address (A/AAAA) RRsets of the MX host.
    pub addresses: DnssecStatus,
    /// The TLSA RRset `_25._tcp.<mx host>`.
    pub tlsa: TlsaStatus,
    /// Whether the TLSA records include a usable one; read only with
    /// [`TlsaStatus::SecureWithRecords`].
    pub tlsa_usability: TlsaUsability,
    /// The MTA-STS state of the recipient domain.
    pub sts: StsState,
}

/// What the MTA must do with this MX host.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// Authenticate with DANE (RFC 7672 §3): verify the chain against the
    /// TLSA records; fail closed.
    RequireDane,
    /// STARTTLS is mandatory but the certificate is not authenticated: the
    /// TLSA RRset is secure and every record is unusable (RFC 7672 §2.2).
    RequireTlsUnauthenticated,
    /// Validate per MTA-STS (RFC 8461 §4.2, [`crate::sts::check_certificate`]);
    /// fail closed.
    RequireSts,
    /// Try TLS and validate per MTA-STS, report failures, deliver anyway
    /// (RFC 8461 §5, `testing`).
    StsTesting,
    /// Opportunistic TLS (RFC 3207; RFC 7672 §2.2 without DANE).
    Opportunistic,
    /// Do not deliver to this MX; try others, and treat the message as a
    /// temporary failure if none is left (RFC 8461 §4.2, `enforce`).
    SkipMx,
    /// Do not deliver to this MX now: its DNS answers cannot be trusted
    /// (RFC 7672 §2.1 and §2.2, bogus or indeterminate); retry later.
    Defer,
}

impl Action {
    /// A stable kebab-case code for machine-readable output (JSON, C, logs);
    /// never changes once published.
    pub const fn code(self) -> &'static str {
        match self {
            Self::RequireDane => "require-dane",
            Self::RequireTlsUnauthenticated => "require-tls-unauthenticated",
            Self::RequireSts => "require-sts",
            Self::StsTesting => "sts-testing",
            Self::Opportunistic => "opportunistic",
            Self::SkipMx => "skip-mx",
            Self::Defer => "defer",
        }
    }

    /// A short description, for logs.
    pub const fn description(self) -> &'static str {
        match self {
            Self::RequireDane => "authenticate the server with DANE; fail closed",
            Self::RequireTlsUnauthenticated => {
                "STARTTLS is mandatory, the certificate is not authenticated"
            }
            Self::RequireSts => "validate the certificate per MTA-STS; fail closed",
            Self::StsTesting => "validate per MTA-STS and report failures, but deliver anyway",
            Self::Opportunistic => "opportunistic TLS",
            Self::SkipMx => "do not deliver to this MX host; try the others",
            Self::Defer => "do not deliver to this MX host now; retry later",
        }
    }
}

/// The decision and, when it records a failure, the RFC 8460 result type to
/// report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Decision {
    /// What to do.
    pub action: Action,
    /// The failure this decision already implies, for the TLSRPT report.
    pub report: Option<ResultType>,
}

const fn decided(action: Action, report: Option<ResultType>) -> Decision {
    Decision { action, report }
}

/// Decides what to do for one MX host.
///
/// # Examples
///
/// ```
/// use mxtrust::decision::*;
/// let d = decide(MxInputs {
///     mx_rrset: DnssecStatus::Secure,
///     addresses: DnssecStatus::Secure,
///     tlsa: TlsaStatus::SecureWithRecords,
///     tlsa_usability: TlsaUsability::SomeUsable,
///     sts: StsState::Enforce { mx_allowed: false },
/// });
/// assert_eq!(d.action, Action::RequireDane); // DANE wins, RFC 8461 §2
/// ```
pub fn decide(inputs: MxInputs) -> Decision {
    use DnssecStatus as D;
    match (inputs.mx_rrset, inputs.addresses) {
        // RFC 7672 §2.1/§2.2.1: a bogus or failed MX or address lookup is
        // not a basis for delivery (and must not downgrade to insecure):
        // defer this host.
        (D::Bogus | D::LookupError, _) | (_, D::Bogus | D::LookupError) => {
            return decided(Action::Defer, Some(ResultType::DnssecInvalid));
        }
        // RFC 7672 §2.2.1/§2.2.2: DANE applies only when the MX RRset and
        // the host's address RRsets are secure; otherwise TLSA is not used.
        (D::Insecure, _) | (_, D::Insecure) => return sts_decision(inputs.sts),
        (D::Secure, D::Secure) => {}
    }
    match (inputs.tlsa, inputs.tlsa_usability) {
        // RFC 7672 §2.2 and RFC 8461 §2: secure TLSA records decide,
        // whatever MTA-STS says.
        (TlsaStatus::SecureWithRecords, TlsaUsability::SomeUsable) => {
            decided(Action::RequireDane, None)
        }
        // RFC 7672 §2.2: all records unusable: TLS is still mandatory, but
        // unauthenticated; never a silent fallback to PKIX or MTA-STS.
        (TlsaStatus::SecureWithRecords, TlsaUsability::AllUnusable) => decided(
            Action::RequireTlsUnauthenticated,
            Some(ResultType::TlsaInvalid),
        ),
        // RFC 7672 §2.2: a TLSA lookup that fails on a secure host must not
        // downgrade to no-DANE: defer.
        (TlsaStatus::Bogus | TlsaStatus::LookupError, _) => {
            decided(Action::Defer, Some(ResultType::DnssecInvalid))
        }
        // RFC 7672 §2.2: no (secure) TLSA records: no DANE; MTA-STS next.
        (TlsaStatus::SecureEmpty | TlsaStatus::Insecure, _) => sts_decision(inputs.sts),
    }
}

/// The MTA-STS part alone (RFC 8461 §4.1, §4.2, §5), for a connection to
/// which DANE does not apply (no secure TLSA records for the host): what
/// [`decide`] answers then. For callers that already know DANE is out, such
/// as a TLS verifier configured with an MTA-STS policy.
///
/// # Examples
///
/// ```
/// use mxtrust::decision::{decide_sts, Action, StsState};
/// let d = decide_sts(StsState::Enforce { mx_allowed: false });
/// assert_eq!(d.action, Action::SkipMx); // RFC 8461 §4.2
/// ```
pub fn decide_sts(sts: StsState) -> Decision {
    sts_decision(sts)
}

/// The MTA-STS part (RFC 8461 §4.1, §4.2, §5).
fn sts_decision(sts: StsState) -> Decision {
    match sts {
        StsState::Enforce { mx_allowed: true } => decided(Action::RequireSts, None),
        // RFC 8461 §4.2: "senders MUST NOT deliver to" an MX that does not
        // match; the message is deferred if no MX is left.
        StsState::Enforce { mx_allowed: false } => {
            decided(Action::SkipMx, Some(ResultType::ValidationFailure))
        }
        StsState::Testing { mx_allowed: true } => decided(Action::StsTesting, None),
        // RFC 8461 §5: in testing mode failures are reported, delivery goes
        // ahead.
        StsState::Testing { mx_allowed: false } => {
            decided(Action::StsTesting, Some(ResultType::ValidationFailure))
        }
        StsState::None | StsState::NoPolicy => decided(Action::Opportunistic, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_weaker_dnssec_status_wins_and_bogus_is_weakest() {
        use DnssecStatus::{Bogus, Insecure, LookupError, Secure};
        assert_eq!(Secure.weaker(Insecure), Insecure);
        assert_eq!(Insecure.weaker(Secure), Insecure);
        assert_eq!(Insecure.weaker(LookupError), LookupError);
        assert_eq!(LookupError.weaker(Bogus), Bogus);
        assert_eq!(Bogus.weaker(LookupError), Bogus);
        assert_eq!(Bogus.weaker(Secure), Bogus);
        assert_eq!(Secure.weaker(Secure), Secure);
    }

    #[test]
    fn status_codes_round_trip() {
        for s in DnssecStatus::ALL {
            assert_eq!(DnssecStatus::from_code(s.code()), Some(s));
        }
        for s in TlsaStatus::ALL {
            assert_eq!(TlsaStatus::from_code(s.code()), Some(s));
        }
        for u in [TlsaUsability::SomeUsable, TlsaUsability::AllUnusable] {
            assert_eq!(TlsaUsability::from_code(u.code()), Some(u));
        }
        assert_eq!(DnssecStatus::from_code("indeterminate"), None);
        assert_eq!(DnssecStatus::from_code("Secure"), None);
    }
    use Action as A;
    use DnssecStatus as D;
    use ResultType as R;
    use TlsaStatus as T;
    use TlsaUsability as U;

    const DNSSEC: [D; 4] = [D::Secure, D::Insecure, D::Bogus, D::LookupError];
    const TLSA: [T; 5] = [
        T::SecureWithRecords,
        T::SecureEmpty,
        T::Insecure,
        T::Bogus,
        T::LookupError,
    ];
    const USABILITY: [U; 2] = [U::SomeUsable, U::AllUnusable];
    const STS: [StsState; 6] = [
        StsState::Enforce { mx_allowed: true },
        StsState::Enforce { mx_allowed: false },
        StsState::Testing { mx_allowed: true },
        StsState::Testing { mx_allowed: false },
        StsState::None,
        StsState::NoPolicy,
    ];

    /// Codes are published in JSON and C: unique and kebab-case.
    #[test]
    fn action_codes_are_unique_and_kebab_case() {
        let actions = [
            A::RequireDane,
            A::RequireTlsUnauthenticated,
            A::RequireSts,
            A::StsTesting,
            A::Opportunistic,
            A::SkipMx,
            A::Defer,
        ];
        for (i, a) in actions.iter().enumerate() {
            let code = a.code();
            assert!(
                !code.is_empty()
                    && !code.starts_with('-')
                    && !code.ends_with('-')
                    && !code.contains("--")
                    && code
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{code}"
            );
            assert!(!a.description().is_empty(), "{a:?}");
            for b in actions.iter().skip(i + 1) {
                assert_ne!(code, b.code(), "{a:?} and {b:?}");
                assert_ne!(a.description(), b.description(), "{a:?} and {b:?}");
            }
        }
    }

    /// The MTA-STS column: (state, expected when DANE does not apply).
    const STS_TABLE: [(StsState, Decision); 6] = [
        (
            StsState::Enforce { mx_allowed: true },
            decided(A::RequireSts, None),
        ),
        (
            StsState::Enforce { mx_allowed: false },
            decided(A::SkipMx, Some(R::ValidationFailure)),
        ),
        (
            StsState::Testing { mx_allowed: true },
            decided(A::StsTesting, None),
        ),
        (
            StsState::Testing { mx_allowed: false },
            decided(A::StsTesting, Some(R::ValidationFailure)),
        ),
        (StsState::None, decided(A::Opportunistic, None)),
        (StsState::NoPolicy, decided(A::Opportunistic, None)),
    ];

    /// The DNS columns: (mx, addresses, tlsa, usability or None for "either",
    /// Some(decision) or None for "MTA-STS decides").
    #[allow(clippy::type_complexity)]
    const DNS_TABLE: &[(D, D, Option<T>, Option<U>, Option<Decision>)] = &[
        (
            D::Bogus,
            D::Secure,
            None,
            None,
            Some(decided(A::Defer, Some(R::DnssecInvalid))),
        ),
        (
            D::LookupError,
            D::Secure,
            None,
            None,
            Some(decided(A::Defer, Some(R::DnssecInvalid))),
        ),
        (
            D::Secure,
            D::Bogus,
            None,
            None,
            Some(decided(A::Defer, Some(R::DnssecInvalid))),
        ),
        (
            D::Insecure,
            D::LookupError,
            None,
            None,
            Some(decided(A::Defer, Some(R::DnssecInvalid))),
        ),
        (D::Insecure, D::Secure, None, None, None),
        (D::Insecure, D::Insecure, None, None, None),
        (D::Secure, D::Insecure, None, None, None),
        (
            D::Secure,
            D::Secure,
            Some(T::SecureWithRecords),
            Some(U::SomeUsable),
            Some(decided(A::RequireDane, None)),
        ),
        (
            D::Secure,
            D::Secure,
            Some(T::SecureWithRecords),
            Some(U::AllUnusable),
            Some(decided(A::RequireTlsUnauthenticated, Some(R::TlsaInvalid))),
        ),
        (
            D::Secure,
            D::Secure,
            Some(T::Bogus),
            None,
            Some(decided(A::Defer, Some(R::DnssecInvalid))),
        ),
        (
            D::Secure,
            D::Secure,
            Some(T::LookupError),
            None,
            Some(decided(A::Defer, Some(R::DnssecInvalid))),
        ),
        (D::Secure, D::Secure, Some(T::SecureEmpty), None, None),
        (D::Secure, D::Secure, Some(T::Insecure), None, None),
    ];

    fn expected(i: MxInputs) -> Decision {
        let rows: std::vec::Vec<_> = DNS_TABLE
            .iter()
            .filter(|(mx, addr, tlsa, usab, _)| {
                let dns_fails = |d: D| matches!(d, D::Bogus | D::LookupError);
                let mx_addr = (*mx == i.mx_rrset && *addr == i.addresses)
                    || (tlsa.is_none() && dns_fails(*mx) && dns_fails(i.mx_rrset))
                    || (tlsa.is_none()
                        && dns_fails(*addr)
                        && dns_fails(i.addresses)
                        && !dns_fails(i.mx_rrset));
                mx_addr
                    && tlsa.is_none_or(|t| t == i.tlsa)
                    && usab.is_none_or(|u| u == i.tlsa_usability)
            })
            .collect();
        let (.., outcome) = rows
            .first()
            .unwrap_or_else(|| panic!("no table row for {i:?}"));
        outcome.unwrap_or_else(|| STS_TABLE.iter().find(|(s, _)| *s == i.sts).unwrap().1)
    }

    #[test]
    fn every_combination() {
        let mut n = 0;
        for mx_rrset in DNSSEC {
            for addresses in DNSSEC {
                for tlsa in TLSA {
                    for tlsa_usability in USABILITY {
                        for sts in STS {
                            let i = MxInputs {
                                mx_rrset,
                                addresses,
                                tlsa,
                                tlsa_usability,
                                sts,
                            };
                            assert_eq!(decide(i), expected(i), "{i:?}");
                            n += 1;
                        }
                    }
                }
            }
        }
        assert_eq!(n, 4 * 4 * 5 * 2 * 6);
    }

    #[test]
    fn dane_wins_over_every_sts_state() {
        for sts in STS {
            let d = decide(MxInputs {
                mx_rrset: D::Secure,
                addresses: D::Secure,
                tlsa: T::SecureWithRecords,
                tlsa_usability: U::SomeUsable,
                sts,
            });
            assert_eq!(d.action, A::RequireDane, "{sts:?}");
        }
    }
}
