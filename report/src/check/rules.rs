//! The rules the caller shares with the report (what to probe), each
//! core's: where mail goes, where TLSA records live, which policy applies,
//! what a sender does.

use mxtrust::Tlsa;
use mxtrust::base_domain::{self, TlsaBase};
use mxtrust::decision::{
    self, Action, Decision, DnssecStatus, MxInputs, StsState, TlsaStatus, TlsaUsability,
};
use mxtrust::mx::{self, Mx, MxAnswer, Order};
use mxtrust::policy::Policy;
use mxtrust::tlsa::{DigestPreference, ProfileKind};

use super::observed::*;
use crate::policy;
use crate::tlsa_text;
use crate::txt::{self, TxtReport};

/// Where mail for the domain goes, from its MX answer (core's
/// [`mxtrust::mx::hosts`], in the resolver's order).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    /// These hosts, by preference.
    Hosts(Vec<(u16, String)>),
    /// No MX records: the domain itself, preference 0.
    ImplicitMx(String),
    /// The null MX: no mail.
    NullMx,
    /// NXDOMAIN.
    NoSuchDomain,
    /// MX records, none naming a usable host.
    NoUsableMx,
    /// More MX records than core's limit
    /// ([`MAX_MX_HOSTS`](mxtrust::limits::MAX_MX_HOSTS)): not checked.
    TooManyMx,
    /// The MX lookup failed or is bogus: a sender defers.
    Unknown,
}

impl Route {
    /// A stable code (core's for the answered cases, `unknown` else).
    pub fn code(&self) -> &'static str {
        match self {
            Self::Hosts(_) => "hosts",
            Self::ImplicitMx(_) => "implicit-mx",
            Self::NullMx => "null-mx",
            Self::NoSuchDomain => "no-such-domain",
            Self::NoUsableMx => "no-usable-mx",
            Self::TooManyMx => "too-many-mx",
            Self::Unknown => "unknown",
        }
    }

    /// The hosts to check, with their preference.
    pub fn hosts(&self) -> Vec<(u16, String)> {
        match self {
            Self::Hosts(h) => h.clone(),
            Self::ImplicitMx(d) => vec![(0, d.clone())],
            _ => Vec::new(),
        }
    }
}

/// The route of `domain` given its MX answer. A bogus MX RRset still
/// names hosts, which are checked (and deferred, [`decide`]); an MX lookup
/// that failed names none.
pub fn route(domain: &str, mx: &Lookup, records: &[(u16, String)]) -> Route {
    let list: Vec<Mx<'_>> = records
        .iter()
        .map(|(preference, exchange)| Mx {
            preference: *preference,
            exchange,
        })
        .collect();
    let answer = match mx.found {
        Found::Records => MxAnswer::Records(&list),
        Found::NoData => MxAnswer::NoData,
        Found::NxDomain => MxAnswer::NxDomain,
        Found::Failed => return Route::Unknown,
    };
    let mut out = vec![Mx::EMPTY; list.len().max(1)];
    match mx::hosts(domain, answer, Order::AsGiven, &mut out) {
        Ok(mx::Route::Hosts { count, .. }) => Route::Hosts(
            out.iter()
                .take(count)
                .map(|m| (m.preference, m.exchange.to_owned()))
                .collect(),
        ),
        Ok(mx::Route::ImplicitMx) => Route::ImplicitMx(
            out.first()
                .map_or_else(|| domain.to_owned(), |m| m.exchange.to_owned()),
        ),
        Ok(mx::Route::NullMx) => Route::NullMx,
        Ok(mx::Route::NoSuchDomain) => Route::NoSuchDomain,
        Ok(mx::Route::NoUsableMx { .. }) | Err(mx::MxError::InvalidDomain) => Route::NoUsableMx,
        Err(mx::MxError::TooManyRecords | mx::MxError::BufferTooSmall { .. }) => Route::TooManyMx,
    }
}

/// Where to look for an MX host's TLSA records, given its address answers
/// (RFC 7672 §2.2.2, core's [`base_domain::candidates`]): the TLSA owner
/// names in order (the caller asks the next only when [`tlsa_next`] says
/// so), or why none is asked (`not-applicable`: the host's own answer is
/// insecure; `indeterminate`: bogus or failed).
///
/// # Errors
///
/// The reason, as a code.
pub fn tlsa_candidates(host: &str, a: &Lookup, aaaa: &Lookup) -> Result<Vec<String>, &'static str> {
    // The CNAME chain is the one the A lookup followed (AAAA follows the
    // same); each answer's status is already the weakest along its chain.
    let chain = if a.cnames.is_empty() {
        &aaaa.cnames
    } else {
        &a.cnames
    };
    let steps: Vec<base_domain::CnameStep<'_>> = chain
        .iter()
        .map(|(owner, target, security)| base_domain::CnameStep {
            owner,
            target,
            status: *security,
        })
        .collect();
    let addresses = a.security.weaker(aaaa.security);
    match base_domain::candidates(host, &steps, addresses) {
        Ok(TlsaBase::Candidates(c)) => Ok(c
            .iter()
            .map(|c| {
                tlsa_text::tlsa_name(
                    25,
                    mxtrust::base_domain::Protocol::Tcp,
                    c.tlsa_base_domain(),
                )
            })
            .collect()),
        Ok(TlsaBase::NotApplicable) => Err("not-applicable"),
        Ok(TlsaBase::Indeterminate(_)) => Err("indeterminate"),
        Err(_) => Err("invalid"),
    }
}

/// Whether the next candidate is asked after this answer at the previous
/// one ([`base_domain::Candidates::fallback_after`]).
pub fn tlsa_next(answer: &Lookup) -> bool {
    matches!(
        tlsa_status(answer, true),
        TlsaStatus::SecureEmpty | TlsaStatus::Insecure
    )
}

pub(super) fn tlsa_status(answer: &Lookup, has_records: bool) -> TlsaStatus {
    let records = match answer.found {
        Found::Records => Some(has_records),
        Found::NoData | Found::NxDomain => Some(false),
        Found::Failed => None,
    };
    TlsaStatus::of_answer(answer.security, records)
}

/// The `_mta-sts` record's policy id, or why there is no policy
/// (RFC 8461 §3.1).
///
/// # Errors
///
/// Why there is no usable record, in words.
pub fn sts_record(lookup: &Lookup, strings: &[Vec<Vec<u8>>]) -> Result<String, String> {
    if lookup.found != Found::Records {
        return Err(match lookup.found {
            Found::Failed => format!(
                "the lookup failed ({})",
                lookup.detail.as_deref().unwrap_or("no answer")
            ),
            _ => "no _mta-sts record".to_owned(),
        });
    }
    match txt::sts_report(&strings.to_vec()) {
        Ok(TxtReport { id: Some(id), .. }) => Ok(id),
        Ok(report) => Err(report
            .reason
            .unwrap_or_else(|| "no v=STSv1 record".to_owned())),
        Err(e) => Err(e.to_string()),
    }
}

/// The policy a sender applies: the fetched body, when the record names
/// one, the response is acceptable ([`mxtrust::fetch::check_response`]) and
/// the body parses.
pub fn sts_policy<'a>(domain: &str, sts: &'a StsObserved) -> Option<Policy<'a>> {
    sts_record(&sts.record.0, &sts.record.1).ok()?;
    let fetch = sts.fetch.as_ref()?;
    let response = fetch.result.as_ref().ok()?;
    mxtrust::fetch::check_response(domain, &core_response(&fetch.url, response)).ok()?;
    policy::parse(&response.body).0.ok()
}

pub(super) fn core_response<'a>(
    url: &'a str,
    r: &'a FetchResponse,
) -> mxtrust::fetch::Response<'a> {
    mxtrust::fetch::Response {
        url,
        status: r.status,
        redirected: false,
        content_type: r.content_type.as_deref(),
        body_len: r.body.len(),
        truncated: r.truncated,
    }
}

/// The TLSA records that count for a host (those of the last owner asked)
/// and their status for the decision.
pub(super) fn tlsa_outcome(host: &HostObserved) -> (TlsaStatus, Vec<Tlsa<'_>>, Option<&str>) {
    let Some((owner, lookup, data)) = host.tlsa.asked.last() else {
        let status = match tlsa_candidates(&host.host, &host.a, &host.aaaa) {
            Err("not-applicable") => TlsaStatus::Insecure,
            _ => TlsaStatus::LookupError,
        };
        return (status, Vec::new(), None);
    };
    let records: Vec<Tlsa<'_>> = data.iter().map(TlsaData::tlsa).collect();
    (
        tlsa_status(lookup, !records.is_empty()),
        records,
        Some(owner.as_str()),
    )
}

fn address_security(host: &HostObserved) -> DnssecStatus {
    host.a.security.weaker(host.aaaa.security)
}

/// What a sender does for `host` (core's [`decision::decide`]): DANE
/// before MTA-STS.
pub fn decide(mx: &Lookup, host: &HostObserved, policy: Option<&Policy<'_>>) -> Decision {
    let (tlsa, records, _) = tlsa_outcome(host);
    decision::decide(MxInputs {
        mx_rrset: mx.security,
        addresses: address_security(host),
        tlsa,
        tlsa_usability: TlsaUsability::of(
            &records,
            ProfileKind::Smtp,
            &DigestPreference::default(),
        ),
        sts: StsState::of(policy, host.host.as_bytes()),
    })
}

/// Whether a sender connects under `action` (it does not for a host it
/// skips or defers).
pub fn connects(action: Action) -> bool {
    !matches!(action, Action::SkipMx | Action::Defer)
}

/// The name to send in SNI: the TLSA base domain the records came from
/// under DANE (RFC 7672 §8.1), else the MX host.
pub fn server_name(host: &HostObserved) -> String {
    host.tlsa
        .asked
        .last()
        .and_then(|(owner, ..)| owner.strip_prefix("_25._tcp."))
        .map_or_else(|| host.host.clone(), str::to_owned)
}
