//! What the DNS answers for a recipient domain mean, as documents: the MX
//! hosts to try (RFC 5321 §5.1, RFC 7505; core's [`mxtrust::mx`]) and where
//! to look for an MX host's TLSA records (RFC 7672 §2.2.2, §3.2.3; core's
//! [`mxtrust::base_domain`]). The resolver is the caller's.

use mxtrust::base_domain::{Candidate, Protocol, TlsaBase};
use mxtrust::mx::{Mx, Route};
use serde::Serialize;

/// The hosts an MX answer yields.
#[derive(Clone, Debug, Serialize)]
pub struct MxHostsReport {
    /// `hosts`, `implicit-mx`, `null-mx`, `no-such-domain` or
    /// `no-usable-mx` (core's `Route::code`).
    pub route: &'static str,
    /// The route in words.
    pub description: &'static str,
    /// The hosts to try, in order (`hosts` and `implicit-mx`).
    pub hosts: Vec<MxHost>,
    /// Records that named no usable host and were skipped.
    pub ignored: usize,
    /// Whether a null MX stood next to other records (RFC 7505 §3 forbids it).
    pub null_mx_mixed: bool,
}

/// One MX host.
#[derive(Clone, Debug, Serialize)]
pub struct MxHost {
    /// Its preference.
    pub preference: u16,
    /// Its name, without a trailing dot.
    pub exchange: String,
}

impl MxHostsReport {
    /// The document of `route`, with the hosts core wrote into `out`.
    pub fn new(route: &Route, out: &[Mx<'_>]) -> Self {
        let (count, ignored, null_mx_mixed) = match *route {
            Route::Hosts {
                count,
                ignored,
                null_mx_mixed,
            } => (count, ignored, null_mx_mixed),
            Route::ImplicitMx => (1, 0, false),
            Route::NoUsableMx { ignored } => (0, ignored, false),
            Route::NullMx | Route::NoSuchDomain => (0, 0, false),
        };
        Self {
            route: route.code(),
            description: route.description(),
            hosts: out
                .iter()
                .take(count)
                .map(|m| MxHost {
                    preference: m.preference,
                    exchange: m.exchange.to_owned(),
                })
                .collect(),
            ignored,
            null_mx_mixed,
        }
    }
}

/// Where to look for an MX host's TLSA records.
#[derive(Clone, Debug, Serialize)]
pub struct TlsaBaseReport {
    /// `candidates` (DANE applies), `not-applicable` (the host's own answer
    /// is insecure) or `indeterminate` (bogus or failed: defer).
    pub result: &'static str,
    /// For `indeterminate`, the first bad status (`bogus`, `lookup-error`).
    pub status: Option<&'static str>,
    /// The base domains to try, in order (one or two).
    pub candidates: Vec<CandidateReport>,
    /// When the status of the first TLSA lookup was given: the base domain
    /// to query next, or null when there is none (core's
    /// `Candidates::fallback_after`).
    pub next: Option<CandidateReport>,
}

/// One TLSA base domain.
#[derive(Clone, Debug, Serialize)]
pub struct CandidateReport {
    /// The TLSA base domain, without a trailing dot.
    pub tlsa_base_domain: String,
    /// The TLSA owner name, `_PORT._PROTO.BASE`.
    pub tlsa_name: String,
    /// Whether it is the CNAME expansion of the MX host name.
    pub expanded: bool,
    /// The reference identifiers for name checks, the base domain first.
    pub reference_ids: Vec<String>,
}

impl CandidateReport {
    fn new(candidate: &Candidate<'_>, port: u16, protocol: Protocol) -> Self {
        let mut owner = [0u8; 256];
        let tlsa_name = mxtrust::base_domain::tlsa_owner_name(
            port,
            protocol,
            candidate.tlsa_base_domain(),
            &mut owner,
        )
        .map(str::to_owned)
        .unwrap_or_default();
        Self {
            tlsa_base_domain: candidate.tlsa_base_domain().to_owned(),
            tlsa_name,
            expanded: candidate.is_expanded(),
            reference_ids: candidate.reference_ids().map(str::to_owned).collect(),
        }
    }
}

impl TlsaBaseReport {
    /// The document of `base`; `next` is core's fallback after the first
    /// lookup's status, when the caller gave one.
    pub fn new(
        base: &TlsaBase<'_>,
        first_lookup: Option<mxtrust::decision::TlsaStatus>,
        port: u16,
        protocol: Protocol,
    ) -> Self {
        let mut report = Self {
            result: base.code(),
            status: None,
            candidates: Vec::new(),
            next: None,
        };
        match base {
            TlsaBase::Candidates(candidates) => {
                report.candidates = candidates
                    .iter()
                    .map(|c| CandidateReport::new(&c, port, protocol))
                    .collect();
                report.next = first_lookup
                    .and_then(|status| candidates.fallback_after(status))
                    .map(|c| CandidateReport::new(&c, port, protocol));
            }
            TlsaBase::NotApplicable => {}
            TlsaBase::Indeterminate(status) => report.status = Some(status.code()),
        }
        report
    }
}
