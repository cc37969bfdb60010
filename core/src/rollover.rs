//! Planning a change of keys, certificates, records or policies so that no
//! sender ever holds DNS data or a policy that refuses what the server
//! presents.
//!
//! Senders cache a TLSA RRset for its TTL (RFC 7671 §8.1) and an MTA-STS
//! policy for up to its `max_age` (RFC 8461 §5.1, §8.3), so every change
//! has a window during which some senders still hold the old data. A plan
//! here is a short sequence of steps with the earliest time of each, and
//! each step is checked against every state a sender may be in during its
//! window:
//!
//! - **DANE** ([`plan_dane`], RFC 7671 §8.1 "current + next"): publish the
//!   records the next chain needs beside the current ones; switch the
//!   server once the TTL (and, for a name that had no RRset, the
//!   negative-caching TTL, RFC 2308 §5) has passed since that publication;
//!   remove the records only the old chain used after the switch. The
//!   current chain must be authenticated by the RRset before and during the
//!   change, the next chain by the RRset during and after it, under each
//!   digest preference a sender may have (RFC 7671 §9: SHA2-256 is
//!   mandatory for senders, SHA2-512 optional and then usually preferred).
//! - **MTA-STS** ([`plan_sts`], RFC 8461 §8.3 and §5.1): a changed policy
//!   needs a new `id`; a new MX host is published only after every sender
//!   may have dropped the old policy that does not list it (its `max_age`
//!   after the new policy is published), and an MX host is removed from the
//!   policy only after the MX records no longer name it (their TTL); a
//!   shorter `max_age` binds only after the old one has run out.

use core::time::Duration;

use crate::Error;
use crate::cert;
use crate::chain::Failure;
use crate::dane::{self, Options, Outcome, RecordStatus};
use crate::limits::{MAX_CHAIN_LEN, MAX_MX_HOSTS, MAX_TLSA_RECORDS};
use crate::name::names_equal;
use crate::policy::{Mode, Policy};
use crate::sts::PolicyId;
use crate::time::UnixTime;
use crate::tlsa::{self, DigestAlgorithm, DigestPreference};
use crate::{CertUsage, MatchingType, Selector, SignatureVerificationAlgorithm, Tlsa};

/// The digest preferences a sender may have (RFC 7671 §9): every sender
/// implements SHA2-256; one that also implements SHA2-512 prefers either.
pub const SENDER_PREFERENCES: [DigestPreference; 3] = [
    DigestPreference::SHA512_SHA256,
    DigestPreference::SHA256_SHA512,
    DigestPreference::only(DigestAlgorithm::Sha256),
];

/// What the server will present after the switch.
#[derive(Clone, Copy, Debug)]
pub enum Next<'a> {
    /// The next chain, leaf first, DER.
    Chain(&'a [&'a [u8]]),
    /// Only the next leaf's SubjectPublicKeyInfo (DER): its certificate does
    /// not exist yet (a key or a CSR). Only DANE-EE records of selector
    /// SPKI(1) can be planned from it.
    Key(&'a [u8]),
}

/// The kind of a TLSA record: what it says, not which certificate.
pub type Kind = (CertUsage, Selector, MatchingType);

/// A DANE change to plan.
#[derive(Clone, Copy, Debug)]
pub struct DaneChange<'a> {
    /// The TLSA RRset as published now (DNSSEC-validated by the caller).
    pub published: &'a [Tlsa<'a>],
    /// Its TTL, in seconds.
    pub ttl: u32,
    /// When the published RRset last changed, as far as the caller knows;
    /// [`Self::now`] when unknown (the safe assumption).
    pub published_at: UnixTime,
    /// The zone's negative-caching TTL (RFC 2308 §5: the SOA minimum) when
    /// the name had no TLSA RRset before `published_at`, or has none now:
    /// resolvers may hold "no records" that long.
    pub negative_ttl: Option<u32>,
    /// The chain the server presents now, leaf first.
    pub current: &'a [&'a [u8]],
    /// What it will present after the switch.
    pub next: Next<'a>,
    /// The kinds of record to end with. Empty: the kinds that authenticate
    /// the current chain today (a key or certificate change); otherwise a
    /// change of usage or digest (`3 1 1` to `3 1 2`, `3 1 1` to `2 1 1`).
    pub target_kinds: &'a [Kind],
    /// Reference identifiers for the DANE-TA name checks, the TLSA base
    /// domain first.
    pub names: &'a [&'a str],
    /// Signature algorithms for DANE-TA paths.
    pub signature_algorithms: &'a [&'a dyn SignatureVerificationAlgorithm],
    /// The time of planning.
    pub now: UnixTime,
}

/// A record the plan adds: the kind, and its certificate association data
/// (a digest, or borrowed from the next chain or key for Full(0)).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Addition<'a> {
    kind: Kind,
    digest: [u8; 64],
    full: Option<&'a [u8]>,
    interim: bool,
}

impl<'a> Addition<'a> {
    /// An empty addition, to fill caller storage with.
    pub const EMPTY: Self = Self {
        kind: (CertUsage::DaneEe, Selector::Spki, MatchingType::Sha256),
        digest: [0; 64],
        full: None,
        interim: false,
    };

    /// Whether this record is for the current chain only, during a change
    /// of kinds: it goes again with the stale records after the switch.
    pub fn is_interim(&self) -> bool {
        self.interim
    }

    /// The record to publish.
    pub fn tlsa(&self) -> Tlsa<'_> {
        let (usage, selector, matching_type) = self.kind;
        let data = match (self.full, matching_type.digest()) {
            (Some(full), _) => full,
            (None, Some(digest)) => self.digest.get(..digest.output_len()).unwrap_or(&[]),
            (None, None) => &[],
        };
        Tlsa {
            usage,
            selector,
            matching_type,
            data,
        }
    }
}

/// Something that stops a plan from being safe as asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DaneProblem {
    /// The published RRset does not authenticate the chain in service under
    /// this sender preference (index into [`SENDER_PREFERENCES`]): mail
    /// fails already, before any change.
    CurrentFails {
        /// Which sender preference.
        preference: usize,
        /// Why.
        failure: Option<Failure>,
    },
    /// The next chain is not authenticated by the final RRset under this
    /// sender preference, even with the planned additions: the next chain
    /// itself is at fault (an expired certificate, a name the leaf lacks, a
    /// broken path).
    NextFails {
        /// Which sender preference.
        preference: usize,
        /// Why.
        failure: Option<Failure>,
    },
    /// A DANE-TA or Cert(0) record kind needs the next chain, and only its
    /// key was given.
    NeedsNextChain(Kind),
    /// No record kind authenticates the current chain, and none was asked
    /// for: there is nothing to carry over.
    NoKinds,
}

impl DaneProblem {
    /// A stable kebab-case code.
    pub const fn code(&self) -> &'static str {
        match self {
            Self::CurrentFails { .. } => "current-fails",
            Self::NextFails { .. } => "next-fails",
            Self::NeedsNextChain(_) => "needs-next-chain",
            Self::NoKinds => "no-kinds",
        }
    }
}

/// A DANE plan: add, wait, switch, remove.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DanePlan {
    /// How many records to add, written to the caller's storage.
    pub additions: usize,
    /// How many published records to remove after the switch; their indices
    /// into [`DaneChange::published`] are in the caller's storage. Interim
    /// additions ([`Addition::is_interim`]) go at the same time.
    pub removals: usize,
    /// The earliest time the server may switch to the next chain: the
    /// additions published now (or the RRset as it is, if none are needed)
    /// plus the TTL, or the negative-caching TTL where it is longer.
    pub switch_at: UnixTime,
    /// Whether the switch is safe now (no additions, and the wait is over).
    pub safe_now: bool,
    /// The first problem found, if any; then the plan is not safe as it
    /// stands.
    pub problem: Option<DaneProblem>,
}

/// Plans a DANE change (RFC 7671 §8.1): which records to add for the next
/// chain, when the switch is safe, and which records become stale.
///
/// `additions` receives the records to add, `removals` the indices of
/// published records the final RRset no longer needs (removable once the
/// server presents the next chain).
///
/// # Errors
///
/// [`Error::BufferTooSmall`] when `additions` or `removals` is too short;
/// [`Error::TooManyRecords`] when the RRset with its additions would exceed
/// [`MAX_TLSA_RECORDS`]; the errors of [`dane::verify`] for the caller's
/// own inputs (no reference identifiers, an empty chain).
pub fn plan_dane<'a>(
    change: &DaneChange<'a>,
    additions: &mut [Addition<'a>],
    removals: &mut [usize],
) -> Result<DanePlan, Error> {
    let mut kinds = heapless::Vec::<(Kind, usize), MAX_TLSA_RECORDS>::new();
    current_kinds(change, &mut kinds)?;
    if !change.target_kinds.is_empty() {
        let depth_of = |usage: CertUsage| {
            kinds
                .iter()
                .find(|((u, _, _), _)| *u == usage)
                .map_or(1, |(_, d)| *d)
        };
        let mut wanted = heapless::Vec::<(Kind, usize), MAX_TLSA_RECORDS>::new();
        for kind in change.target_kinds {
            let depth = if kind.0 == CertUsage::DaneEe {
                0
            } else {
                depth_of(kind.0)
            };
            wanted
                .push((*kind, depth))
                .map_err(|_| Error::TooManyRecords)?;
        }
        kinds = wanted;
    }
    let mut problem = None;
    if kinds.is_empty() {
        problem = Some(DaneProblem::NoKinds);
    }

    // The final RRset: for each kind, the next chain's record.
    let mut finals = heapless::Vec::<Addition<'a>, MAX_TLSA_RECORDS>::new();
    for (kind, depth) in &kinds {
        match record_for(change.next, *kind, *depth) {
            Ok(addition) => {
                if !finals.contains(&addition) {
                    finals.push(addition).map_err(|_| Error::TooManyRecords)?;
                }
            }
            Err(p) => {
                problem.get_or_insert(p);
            }
        }
    }
    // A change of kinds covers the current chain too while it is in
    // service: a sender that prefers the new digest ignores the old
    // records of the same usage and selector (RFC 7671 §9).
    let mut interim = heapless::Vec::<Addition<'a>, MAX_TLSA_RECORDS>::new();
    if !change.target_kinds.is_empty() {
        for (kind, depth) in &kinds {
            if let Ok(mut addition) = record_for(Next::Chain(change.current), *kind, *depth)
                && !finals.iter().any(|f| f.tlsa() == addition.tlsa())
                && !interim.contains(&addition)
            {
                addition.interim = true;
                interim.push(addition).map_err(|_| Error::TooManyRecords)?;
            }
        }
    }
    let mut added = 0usize;
    for addition in finals.iter().chain(&interim) {
        if change.published.iter().any(|r| *r == addition.tlsa()) {
            continue;
        }
        let slot = additions.get_mut(added).ok_or(Error::BufferTooSmall {
            needed: count_missing(change.published, &finals)
                .saturating_add(count_missing(change.published, &interim)),
        })?;
        *slot = *addition;
        added = added.saturating_add(1);
    }

    // The RRset during the change, and after it.
    let mut during = heapless::Vec::<Tlsa<'_>, MAX_TLSA_RECORDS>::new();
    for r in change.published {
        during.push(*r).map_err(|_| Error::TooManyRecords)?;
    }
    for a in additions.iter().take(added) {
        during.push(a.tlsa()).map_err(|_| Error::TooManyRecords)?;
    }
    let mut after = heapless::Vec::<Tlsa<'_>, MAX_TLSA_RECORDS>::new();
    let mut removed = 0usize;
    for (i, r) in change.published.iter().enumerate() {
        if finals.iter().any(|f| f.tlsa() == *r) {
            after.push(*r).map_err(|_| Error::TooManyRecords)?;
        } else {
            let slot = removals.get_mut(removed).ok_or(Error::BufferTooSmall {
                needed: change
                    .published
                    .iter()
                    .filter(|r| !finals.iter().any(|f| f.tlsa() == **r))
                    .count(),
            })?;
            *slot = i;
            removed = removed.saturating_add(1);
        }
    }
    for a in additions.iter().take(added).filter(|a| !a.interim) {
        after.push(a.tlsa()).map_err(|_| Error::TooManyRecords)?;
    }

    // Every state a sender may be in, under every sender preference.
    for (p, preference) in SENDER_PREFERENCES.iter().enumerate() {
        for rrset in [change.published, during.as_slice()] {
            if let Some(failure) = refuses(change, change.current, rrset, preference)? {
                problem.get_or_insert(DaneProblem::CurrentFails {
                    preference: p,
                    failure,
                });
            }
        }
        for rrset in [during.as_slice(), after.as_slice()] {
            if let Some(failure) = next_refused(change, rrset, preference)? {
                problem.get_or_insert(DaneProblem::NextFails {
                    preference: p,
                    failure,
                });
            }
        }
    }

    let wait = u64::from(change.ttl).max(u64::from(change.negative_ttl.unwrap_or(0)));
    let from = if added > 0 {
        change.now
    } else {
        change.published_at
    };
    let switch_at = from
        .as_secs()
        .checked_add(wait)
        .map(crate::time::unix_time)
        .unwrap_or(change.now);
    Ok(DanePlan {
        additions: added,
        removals: removed,
        switch_at,
        safe_now: added == 0 && problem.is_none() && change.now >= switch_at,
        problem,
    })
}

fn count_missing(published: &[Tlsa<'_>], finals: &[Addition<'_>]) -> usize {
    finals
        .iter()
        .filter(|a| !published.iter().any(|r| *r == a.tlsa()))
        .count()
}

/// The kinds of the published records that authenticate the current chain
/// (each with the depth of what it matched), under the default preference
/// with every record evaluated.
fn current_kinds(
    change: &DaneChange<'_>,
    kinds: &mut heapless::Vec<(Kind, usize), MAX_TLSA_RECORDS>,
) -> Result<(), Error> {
    let mut report = [RecordStatus::EMPTY; MAX_TLSA_RECORDS];
    let records = change
        .published
        .get(..change.published.len().min(MAX_TLSA_RECORDS))
        .unwrap_or(&[]);
    let mut options = Options::new(change.now, change.signature_algorithms);
    options.evaluate_all_records = true;
    options.digest_preference = DigestPreference::SHA512_SHA256;
    let mut add = |record: &Tlsa<'_>, depth: usize| {
        let kind = (record.usage, record.selector, record.matching_type);
        if !kinds.iter().any(|(k, _)| *k == kind) {
            let _ = kinds.push((kind, depth));
        }
    };
    for preference in SENDER_PREFERENCES {
        options.digest_preference = preference;
        dane::verify(change.current, records, change.names, &options, &mut report)?;
        for (record, status) in records.iter().zip(&report) {
            if let RecordStatus::Matched { depth } = status {
                add(record, depth.unwrap_or(1));
            }
        }
    }
    Ok(())
}

/// The next chain's (or key's) record of `kind`; `depth` is where the
/// current chain's record of that kind matched (TA usages: the issuer at
/// that depth, capped to the next chain's top).
fn record_for<'a>(next: Next<'a>, kind: Kind, depth: usize) -> Result<Addition<'a>, DaneProblem> {
    let (usage, selector, matching_type) = kind;
    let selected = match (next, usage, selector) {
        (Next::Key(spki), CertUsage::DaneEe | CertUsage::PkixEe, Selector::Spki) => spki,
        (Next::Key(_), _, _) => return Err(DaneProblem::NeedsNextChain(kind)),
        (Next::Chain(chain), _, _) => {
            let at = match usage {
                CertUsage::DaneEe | CertUsage::PkixEe => 0,
                _ => depth.max(1).min(chain.len().saturating_sub(1)),
            };
            let der = chain
                .get(at)
                .copied()
                .filter(|_| chain.len() <= MAX_CHAIN_LEN)
                .ok_or(DaneProblem::NeedsNextChain(kind))?;
            match selector {
                Selector::Cert => der,
                _ => cert::spki_of(der).map_err(|_| DaneProblem::NeedsNextChain(kind))?,
            }
        }
    };
    let mut addition = Addition {
        kind,
        digest: [0; 64],
        full: None,
        interim: false,
    };
    match matching_type.digest() {
        Some(digest) => {
            tlsa::digest_into(digest, selected, &mut addition.digest);
        }
        None => addition.full = Some(selected),
    }
    Ok(addition)
}

/// Whether `chain` is refused by `rrset` under `preference` (an RRset that
/// is all unusable counts as a refusal: no authentication). `Some(failure)`
/// when refused.
fn refuses(
    change: &DaneChange<'_>,
    chain: &[&[u8]],
    rrset: &[Tlsa<'_>],
    preference: &DigestPreference,
) -> Result<Option<Option<Failure>>, Error> {
    // No RRset at all: DANE does not apply (RFC 7672 §2.2), nothing is
    // refused.
    if rrset.is_empty() {
        return Ok(None);
    }
    let mut report = [RecordStatus::EMPTY; MAX_TLSA_RECORDS];
    let mut options = Options::new(change.now, change.signature_algorithms);
    options.digest_preference = *preference;
    Ok(
        match dane::verify(chain, rrset, change.names, &options, &mut report)? {
            Outcome::Authenticated(_) => None,
            Outcome::Unauthenticated => Some(None),
            Outcome::Failed(failure) => Some(Some(failure)),
        },
    )
}

/// Whether the next chain, or key, is refused by `rrset`.
fn next_refused(
    change: &DaneChange<'_>,
    rrset: &[Tlsa<'_>],
    preference: &DigestPreference,
) -> Result<Option<Option<Failure>>, Error> {
    match change.next {
        Next::Chain(chain) => refuses(change, chain, rrset, preference),
        Next::Key(spki) => {
            // Without a certificate only DANE-EE SPKI records can speak:
            // the key is accepted when a record the sender considers under
            // its preference (RFC 7671 §9) matches it.
            let accepted = (0..rrset.len()).any(|i| {
                matches!(
                    tlsa::selection(rrset, i, tlsa::ProfileKind::Smtp, preference),
                    tlsa::Selection::Usable
                ) && rrset.get(i).is_some_and(|r| {
                    r.usage == CertUsage::DaneEe
                        && r.selector == Selector::Spki
                        && r.matches_selected(spki)
                })
            });
            Ok((!accepted).then_some(Some(Failure::NoMatch)))
        }
    }
}

// ---------------------------------------------------------------- MTA-STS

/// An MTA-STS change to plan.
#[derive(Clone, Copy, Debug)]
pub struct StsChange<'a, 'p> {
    /// The policy published now, and its id.
    pub current: &'p Policy<'a>,
    /// The id in the `_mta-sts` TXT record now.
    pub current_id: &'p PolicyId,
    /// The policy to end with.
    pub next: &'p Policy<'a>,
    /// The id the operator means to publish with it, if chosen.
    pub next_id: Option<&'p PolicyId>,
    /// The MX hosts in DNS now.
    pub mx_now: &'p [&'p str],
    /// The MX hosts in DNS after the change.
    pub mx_next: &'p [&'p str],
    /// The MX RRset's TTL, in seconds.
    pub mx_ttl: u32,
    /// The time of planning: the first step is published now.
    pub now: UnixTime,
}

impl StsChange<'_, '_> {
    /// The MX RRset's TTL a plan assumes when the operator gives none, in
    /// seconds: an hour, a common MX TTL. The CLI's `--mx-ttl` and the wasm
    /// package's `mxTtl` default to it.
    pub const DEFAULT_MX_TTL: u32 = 3600;
}

/// One step of an MTA-STS plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StsStep {
    /// Publish a policy that allows both the MX hosts that stay and those
    /// that come, under a new id (RFC 8461 §3.1: a new id makes senders
    /// fetch it). Hosts leaving are still listed.
    PublishInterimPolicy,
    /// Publish the final policy under a new id.
    PublishPolicy,
    /// Publish the MX records of the new hosts.
    AddMx,
    /// Remove the MX records of the hosts leaving.
    RemoveMx,
    /// The shorter `max_age` of the new policy binds every sender from now
    /// on: the old one has run out everywhere.
    MaxAgeBinds,
    /// The last sender's copy of the old policy expires; after `mode: none`
    /// the `_mta-sts` record and the policy host may go (RFC 8461 §8.3).
    OldPolicyExpired,
}

impl StsStep {
    /// A stable kebab-case code.
    pub const fn code(&self) -> &'static str {
        match self {
            Self::PublishInterimPolicy => "publish-interim-policy",
            Self::PublishPolicy => "publish-policy",
            Self::AddMx => "add-mx",
            Self::RemoveMx => "remove-mx",
            Self::MaxAgeBinds => "max-age-binds",
            Self::OldPolicyExpired => "old-policy-expired",
        }
    }
}

/// What stops an MTA-STS plan from being safe as asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StsProblem {
    /// The policy changes, and the id does not (RFC 8461 §3.1: senders
    /// would keep the old policy).
    IdUnchanged,
    /// An MX host in DNS after the change is not allowed by the new policy
    /// (index into [`StsChange::mx_next`]).
    NextDoesNotAllow(usize),
    /// An MX host given is not a valid DNS name.
    InvalidHost,
}

impl StsProblem {
    /// A stable kebab-case code.
    pub const fn code(&self) -> &'static str {
        match self {
            Self::IdUnchanged => "id-unchanged",
            Self::NextDoesNotAllow(_) => "next-does-not-allow",
            Self::InvalidHost => "invalid-host",
        }
    }
}

/// The most steps a plan has.
pub const MAX_STS_STEPS: usize = 6;

/// An MTA-STS plan: steps in order, each with its earliest time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StsPlan {
    /// Whether the policy changes, so that a new id is required.
    pub new_id_required: bool,
    /// The steps, in order, with the earliest time of each.
    pub steps: heapless::Vec<(StsStep, UnixTime), MAX_STS_STEPS>,
    /// The first problem found.
    pub problem: Option<StsProblem>,
}

impl StsPlan {
    /// Whether the whole change may be made now: every step's time is
    /// `now` and there is no problem.
    pub fn safe_now(&self, now: UnixTime) -> bool {
        self.problem.is_none() && self.steps.iter().all(|(_, at)| *at <= now)
    }
}

/// Plans an MTA-STS change (RFC 8461 §8.3, §5.1): whether a new id is
/// needed, and in which order and when to publish the policy and change
/// the MX records.
///
/// # Errors
///
/// [`Error::TooManyRecords`] when more than [`MAX_MX_HOSTS`] hosts are
/// given.
pub fn plan_sts(change: &StsChange<'_, '_>) -> Result<StsPlan, Error> {
    if change.mx_now.len() > MAX_MX_HOSTS || change.mx_next.len() > MAX_MX_HOSTS {
        return Err(Error::TooManyRecords);
    }
    let current = change.current;
    let next = change.next;
    let new_id_required = !same_policy(current, next);
    let mut problem = None;
    if new_id_required && change.next_id.is_some_and(|id| id == change.current_id) {
        problem = Some(StsProblem::IdUnchanged);
    }
    let enforced = next.mode() != Mode::None;
    for (i, host) in change.mx_next.iter().enumerate() {
        if !crate::name::is_valid_reference(host.trim_end_matches('.').as_bytes()) {
            problem.get_or_insert(StsProblem::InvalidHost);
        } else if enforced && !next.allows_mx(host.as_bytes()) {
            problem.get_or_insert(StsProblem::NextDoesNotAllow(i));
        }
    }
    let listed = |hosts: &[&str], host: &str| {
        hosts
            .iter()
            .any(|h| names_equal(h.as_bytes(), host.as_bytes()))
    };
    let adds = change.mx_next.iter().filter(|h| !listed(change.mx_now, h));
    let removes = change.mx_now.iter().filter(|h| !listed(change.mx_next, h));
    // A host comes "behind" the old policy when senders that still hold it
    // would refuse the host; one leaves "ahead of" the new policy when
    // senders holding the new policy would refuse it while DNS still names
    // it.
    let enforcing_now = current.mode() != Mode::None;
    let add_waits = enforcing_now && adds.clone().any(|h| !current.allows_mx(h.as_bytes()));
    let remove_waits = enforced && removes.clone().any(|h| !next.allows_mx(h.as_bytes()));
    let any_adds = adds.clone().next().is_some();
    let any_removes = removes.clone().next().is_some();

    let now = change.now;
    let old_max_age = Duration::from_secs(u64::from(current.max_age()));
    let mx_ttl = Duration::from_secs(u64::from(change.mx_ttl));
    let after = |t: UnixTime, d: Duration| {
        t.as_secs()
            .checked_add(d.as_secs())
            .map_or(t, crate::time::unix_time)
    };
    let mut steps = heapless::Vec::new();
    let mut push = |step: StsStep, at: UnixTime| {
        let _ = steps.push((step, at));
    };
    let mut policy_at = now;
    if add_waits && remove_waits {
        // Both: an interim policy lists the old and the new hosts; the MX
        // records change once the old policy has run out everywhere; the
        // final policy follows once no resolver names the old hosts.
        push(StsStep::PublishInterimPolicy, now);
        let mx_at = after(now, old_max_age);
        if any_adds {
            push(StsStep::AddMx, mx_at);
        }
        push(StsStep::RemoveMx, mx_at);
        policy_at = after(mx_at, mx_ttl);
        push(StsStep::PublishPolicy, policy_at);
    } else if add_waits {
        push(StsStep::PublishPolicy, now);
        let mx_at = after(now, old_max_age);
        push(StsStep::AddMx, mx_at);
        if any_removes {
            push(StsStep::RemoveMx, mx_at);
        }
    } else if remove_waits {
        push(StsStep::RemoveMx, now);
        if any_adds {
            push(StsStep::AddMx, now);
        }
        policy_at = after(now, mx_ttl);
        push(StsStep::PublishPolicy, policy_at);
    } else {
        if new_id_required {
            push(StsStep::PublishPolicy, now);
        }
        if any_adds {
            push(StsStep::AddMx, now);
        }
        if any_removes {
            push(StsStep::RemoveMx, now);
        }
    }
    if new_id_required && next.max_age() < current.max_age() {
        push(StsStep::MaxAgeBinds, after(policy_at, old_max_age));
    }
    if next.mode() == Mode::None && current.mode() != Mode::None {
        push(StsStep::OldPolicyExpired, after(policy_at, old_max_age));
    }
    Ok(StsPlan {
        new_id_required,
        steps,
        problem,
    })
}

/// Whether two policies say the same: mode, `max_age` and the set of `mx`
/// patterns (order and case aside).
fn same_policy(a: &Policy<'_>, b: &Policy<'_>) -> bool {
    let covers = |x: &Policy<'_>, y: &Policy<'_>| {
        x.mx_patterns()
            .iter()
            .all(|p| y.mx_patterns().iter().any(|q| same_pattern(p, q)))
    };
    a.mode() == b.mode() && a.max_age() == b.max_age() && covers(a, b) && covers(b, a)
}

fn same_pattern(a: &crate::policy::MxPattern<'_>, b: &crate::policy::MxPattern<'_>) -> bool {
    a.is_wildcard() == b.is_wildcard() && names_equal(a.domain(), b.domain())
}
