//! The rollover plans of `mxtrust rollover dane` and `mxtrust rollover
//! sts`: core's plan (`mxtrust::rollover`) as an ordered list of steps with
//! times and reasons, for people and as JSON.

use std::fmt::Write as _;

use mxtrust::policy::Policy;
use mxtrust::rollover::{
    self, Addition, DaneChange, DanePlan, DaneProblem, Kind, Next, SENDER_PREFERENCES, StsChange,
    StsPlan, StsProblem, StsStep,
};
use mxtrust::sts::PolicyId;
use mxtrust::time::{UnixTime, unix_time};
use mxtrust::{CertUsage, MatchingType, Selector, SignatureVerificationAlgorithm};
use serde::Serialize;

use crate::time;
use crate::tlsa_text::{self, Record};

/// One step of a plan.
#[derive(Clone, Debug, Serialize)]
pub struct Step {
    /// A stable code: `publish`, `switch`, `remove` (DANE); core's
    /// `StsStep` codes (MTA-STS).
    pub step: &'static str,
    /// The earliest time, Unix seconds.
    pub at: u64,
    /// The records it publishes or removes (DANE), in presentation form.
    pub records: Vec<String>,
    /// What to do, and why, in words.
    pub why: String,
}

/// The `--json` document of `mxtrust rollover dane` and `rollover sts`.
#[derive(Clone, Debug, Serialize)]
pub struct PlanReport {
    /// `dane` or `sts`.
    pub kind: &'static str,
    /// Whether the whole change may be made now (exit status 0).
    pub safe_now: bool,
    /// The time of planning, Unix seconds.
    pub time: u64,
    /// The steps in order.
    pub steps: Vec<Step>,
    /// What stops the plan from being safe as asked: core's code and words.
    pub problem: Option<Problem>,
    /// For MTA-STS: whether the policy changes, so that a new id is due.
    pub new_id_required: Option<bool>,
}

/// A problem's code and explanation.
#[derive(Clone, Debug, Serialize)]
pub struct Problem {
    /// Core's stable code.
    pub code: &'static str,
    /// In words.
    pub message: String,
}

/// The names of [`SENDER_PREFERENCES`], for messages.
const PREFERENCE_NAMES: [&str; 3] = [
    "senders that prefer SHA2-512",
    "senders that prefer SHA2-256",
    "senders with SHA2-256 only",
];

impl PlanReport {
    /// The DANE plan: publish the additions now, switch at `switch_at`,
    /// remove the stale records (and interim ones) after the switch.
    pub fn dane(
        plan: &DanePlan,
        additions: &[Addition<'_>],
        removals: &[usize],
        published: &[Record],
        ttl: u32,
        now: UnixTime,
    ) -> Self {
        let mut steps = Vec::new();
        let finals: Vec<String> = additions
            .iter()
            .filter(|a| !a.is_interim())
            .map(|a| a.tlsa().to_string())
            .collect();
        let interim: Vec<String> = additions
            .iter()
            .filter(|a| a.is_interim())
            .map(|a| a.tlsa().to_string())
            .collect();
        if !additions.is_empty() {
            let mut why = "publish beside the current records: the next chain's records".to_owned();
            if !interim.is_empty() {
                why.push_str(
                    ", and the current chain's in the new kinds, so that senders that prefer \
                     them keep accepting it until the switch (RFC 7671 §9)",
                );
            }
            steps.push(Step {
                step: "publish",
                at: now.as_secs(),
                records: finals.iter().chain(&interim).cloned().collect(),
                why,
            });
        }
        steps.push(Step {
            step: "switch",
            at: plan.switch_at.as_secs(),
            records: Vec::new(),
            why: format!(
                "switch the server to the next chain once every resolver may have dropped the \
                 old RRset: {ttl} s (its TTL{}) after the records were published (RFC 7671 §8.1)",
                if plan.switch_at.as_secs().saturating_sub(now.as_secs()) > u64::from(ttl) {
                    ", or the negative-caching TTL, which is longer"
                } else {
                    ""
                }
            ),
        });
        let stale: Vec<String> = removals
            .iter()
            .filter_map(|&i| published.get(i))
            .map(|r| r.tlsa().to_string())
            .chain(interim)
            .collect();
        if !stale.is_empty() {
            steps.push(Step {
                step: "remove",
                at: plan.switch_at.as_secs(),
                records: stale,
                why: "remove once the server presents the next chain: only the old chain used \
                      these records"
                    .to_owned(),
            });
        }
        Self {
            kind: "dane",
            safe_now: plan.safe_now,
            time: now.as_secs(),
            steps,
            problem: plan.problem.map(|p| Problem {
                code: p.code(),
                message: dane_problem(&p),
            }),
            new_id_required: None,
        }
    }

    /// The MTA-STS plan.
    pub fn sts(
        plan: &StsPlan,
        now: UnixTime,
        added: &[&str],
        removed: &[&str],
        next_hosts: &[&str],
    ) -> Self {
        let steps = plan
            .steps
            .iter()
            .map(|(step, at)| Step {
                step: step.code(),
                at: at.as_secs(),
                records: Vec::new(),
                why: sts_step(step, added, removed),
            })
            .collect();
        Self {
            kind: "sts",
            safe_now: plan.safe_now(now),
            time: now.as_secs(),
            steps,
            problem: plan.problem.map(|p| Problem {
                code: p.code(),
                message: match p {
                    StsProblem::IdUnchanged => {
                        "the policy changes but the id does not: senders would keep the old \
                         policy (RFC 8461 §3.1)"
                            .to_owned()
                    }
                    StsProblem::NextDoesNotAllow(i) => format!(
                        "the new policy does not allow the MX host {}",
                        next_hosts.get(i).copied().unwrap_or("?")
                    ),
                    StsProblem::InvalidHost => "an MX host is not a valid DNS name".to_owned(),
                },
            }),
            new_id_required: Some(plan.new_id_required),
        }
    }

    /// Exit status 0 (safe now) or 1 (steps remain, or a problem).
    pub fn is_safe_now(&self) -> bool {
        self.safe_now && self.problem.is_none()
    }

    /// The plan for people.
    pub fn human(&self) -> String {
        let mut out = String::new();
        let when = |at: u64| {
            if at <= self.time {
                "now".to_owned()
            } else {
                format!("{} (in {})", time::format(at), span(at - self.time))
            }
        };
        let _ = match (&self.problem, self.is_safe_now()) {
            (Some(p), _) => writeln!(out, "not safe as planned: {} [{}]", p.message, p.code),
            (None, true) => writeln!(out, "safe now: the change may be made at once"),
            (None, false) => writeln!(out, "{} steps remain", self.steps.len()),
        };
        if self.new_id_required == Some(true) {
            let _ = writeln!(out, "the policy changes: publish it under a new id");
        }
        for (i, step) in self.steps.iter().enumerate() {
            let _ = writeln!(
                out,
                "{}. {}: {} [{}]",
                i + 1,
                when(step.at),
                step.why,
                step.step
            );
            for record in &step.records {
                let _ = writeln!(out, "     {record}");
            }
        }
        out
    }
}

fn dane_problem(p: &DaneProblem) -> String {
    let who = |i: usize| PREFERENCE_NAMES.get(i).copied().unwrap_or("some senders");
    let why = |f: &Option<mxtrust::chain::Failure>| match f {
        Some(f) => f.to_string(),
        None => "no record they can use (RFC 7672 §2.2: TLS without authentication)".to_owned(),
    };
    debug_assert_eq!(PREFERENCE_NAMES.len(), SENDER_PREFERENCES.len());
    match p {
        DaneProblem::CurrentFails {
            preference,
            failure,
        } => format!(
            "{} would refuse the chain in service: {}",
            who(*preference),
            why(failure)
        ),
        DaneProblem::NextFails {
            preference,
            failure,
        } => format!(
            "{} would refuse the next chain: {}",
            who(*preference),
            why(failure)
        ),
        DaneProblem::NeedsNextChain(kind) => format!(
            "a {} {} {} record needs the next certificate chain, not only its key",
            u8::from(kind.0),
            u8::from(kind.1),
            u8::from(kind.2)
        ),
        DaneProblem::NoKinds => {
            "no published record authenticates the current chain, and no --to kinds were given"
                .to_owned()
        }
    }
}

fn sts_step(step: &StsStep, added: &[&str], removed: &[&str]) -> String {
    let list = |hosts: &[&str]| hosts.join(", ");
    match step {
        StsStep::PublishInterimPolicy => format!(
            "publish a policy, under a new id, that allows both the hosts that come ({}) and \
             those that go ({})",
            list(added),
            list(removed)
        ),
        StsStep::PublishPolicy => {
            "publish the new policy under a new id (RFC 8461 §3.1)".to_owned()
        }
        StsStep::AddMx => format!(
            "publish the MX records of {}: every sender's copy of the old policy, which does not \
             allow them, has expired by now (its max_age, RFC 8461 §5.1)",
            list(added)
        ),
        StsStep::RemoveMx => format!(
            "remove the MX records of {} before the policy stops allowing them",
            list(removed)
        ),
        StsStep::MaxAgeBinds => {
            "the shorter max_age binds every sender from now on: the old one has run out".to_owned()
        }
        StsStep::OldPolicyExpired => {
            "every sender's copy of the old policy has expired: after mode none, the _mta-sts \
             record and the policy host may go (RFC 8461 §8.3)"
                .to_owned()
        }
    }
}

/// `3700` → `1 h 1 min 40 s`.
fn span(seconds: u64) -> String {
    let parts = [
        (seconds / 86_400, "d"),
        (seconds % 86_400 / 3600, "h"),
        (seconds % 3600 / 60, "min"),
        (seconds % 60, "s"),
    ];
    let words: Vec<String> = parts
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, unit)| format!("{n} {unit}"))
        .collect();
    if words.is_empty() {
        "0 s".to_owned()
    } else {
        words.join(" ")
    }
}

/// Why a plan could not be made from the inputs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PlanError {
    /// No record gives a TTL and none was passed.
    NoTtl,
    /// Neither a next chain nor a next key.
    NoNext,
    /// A record kind that is not `U S M`.
    Kind(String),
    /// A policy that does not parse (which one, and why).
    Policy(&'static str, mxtrust::policy::PolicyError),
    /// An id that is not an MTA-STS id.
    Id(&'static str, mxtrust::Error),
    /// Core refused an input.
    Core(mxtrust::Error),
}

impl PlanError {
    /// A stable kebab-case code (core's for core's errors, via
    /// [`mxtrust::Error::code`]).
    pub fn code(&self) -> &'static str {
        match self {
            Self::NoTtl => "no-ttl",
            Self::NoNext => "no-next",
            Self::Kind(_) => "invalid-kind",
            Self::Policy(..) => "policy-invalid",
            Self::Id(..) => "sts-invalid-id",
            Self::Core(e) => e.code(),
        }
    }
}

impl std::fmt::Display for PlanError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NoTtl => f.write_str("the input gives no TTL: pass the RRset's TTL in seconds"),
            Self::NoNext => {
                f.write_str("a next chain, a next key or its certificate request is needed")
            }
            Self::Kind(k) => write!(f, "{k:?} is not a record kind `U S M`"),
            Self::Policy(which, e) => write!(f, "{which}: {e}"),
            Self::Id(which, e) => write!(f, "{which}: {e}"),
            Self::Core(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for PlanError {}

/// A record kind from `U S M` text, e.g. `3 1 2`.
///
/// # Errors
///
/// [`PlanError::Kind`].
pub fn kind(text: &str) -> Result<Kind, PlanError> {
    let fields: Vec<u8> = text
        .split_ascii_whitespace()
        .map(str::parse)
        .collect::<Result<_, _>>()
        .map_err(|_| PlanError::Kind(text.to_owned()))?;
    match fields.as_slice() {
        [u, s, m] => Ok((
            CertUsage::from(*u),
            Selector::from(*s),
            MatchingType::from(*m),
        )),
        _ => Err(PlanError::Kind(text.to_owned())),
    }
}

/// What a DANE plan is made from, as the CLI and the wasm package read it.
#[derive(Clone, Copy)]
pub struct DaneInputs<'a> {
    /// The published RRset.
    pub records: &'a [Record],
    /// Its TTL; default the largest TTL the records carry.
    pub ttl: Option<u32>,
    /// When it last changed, Unix seconds; default now.
    pub published_at: Option<u64>,
    /// The negative-caching TTL for a name without an RRset.
    pub negative_ttl: Option<u32>,
    /// The chain in service, DER, leaf first.
    pub current: &'a [Vec<u8>],
    /// The next chain, when known.
    pub next_chain: Option<&'a [Vec<u8>]>,
    /// Else the next key's SubjectPublicKeyInfo, DER.
    pub next_key: Option<&'a [u8]>,
    /// The kinds to end with (empty: today's).
    pub to: &'a [Kind],
    /// Reference identifiers, the TLSA base domain first.
    pub names: &'a [String],
    /// Signature algorithms for DANE-TA paths.
    pub algorithms: &'a [&'a dyn SignatureVerificationAlgorithm],
    /// The time of planning, Unix seconds.
    pub now: u64,
}

/// The DANE plan document.
///
/// # Errors
///
/// [`PlanError`] for inputs a plan cannot be made from.
pub fn plan_dane(inputs: &DaneInputs<'_>) -> Result<PlanReport, PlanError> {
    let ttl = inputs
        .ttl
        .or_else(|| inputs.records.iter().filter_map(|r| r.ttl).max())
        .ok_or(PlanError::NoTtl)?;
    let current: Vec<&[u8]> = inputs.current.iter().map(Vec::as_slice).collect();
    let next_chain: Vec<&[u8]> = inputs
        .next_chain
        .unwrap_or_default()
        .iter()
        .map(Vec::as_slice)
        .collect();
    let next = match (inputs.next_chain, inputs.next_key) {
        (Some(_), _) => Next::Chain(&next_chain),
        (None, Some(key)) => Next::Key(key),
        (None, None) => return Err(PlanError::NoNext),
    };
    let names: Vec<&str> = inputs.names.iter().map(String::as_str).collect();
    let published: Vec<_> = inputs.records.iter().map(tlsa_text::Record::tlsa).collect();
    let now = unix_time(inputs.now);
    let change = DaneChange {
        published: &published,
        ttl,
        published_at: inputs.published_at.map_or(now, unix_time),
        negative_ttl: inputs.negative_ttl,
        current: &current,
        next,
        target_kinds: inputs.to,
        names: &names,
        signature_algorithms: inputs.algorithms,
        now,
    };
    let mut additions = vec![Addition::EMPTY; mxtrust::limits::MAX_TLSA_RECORDS];
    let mut removals = vec![0usize; mxtrust::limits::MAX_TLSA_RECORDS];
    let plan =
        rollover::plan_dane(&change, &mut additions, &mut removals).map_err(PlanError::Core)?;
    Ok(PlanReport::dane(
        &plan,
        additions.get(..plan.additions).unwrap_or_default(),
        removals.get(..plan.removals).unwrap_or_default(),
        inputs.records,
        ttl,
        now,
    ))
}

/// What an MTA-STS plan is made from.
#[derive(Clone, Copy, Debug)]
pub struct StsInputs<'a> {
    /// The policy body published now.
    pub policy: &'a [u8],
    /// Its id.
    pub id: &'a str,
    /// The policy body to end with.
    pub next_policy: &'a [u8],
    /// The id meant for it.
    pub next_id: Option<&'a str>,
    /// MX hosts in DNS now.
    pub mx_now: &'a [String],
    /// MX hosts in DNS after the change.
    pub mx_next: &'a [String],
    /// The MX RRset's TTL.
    pub mx_ttl: u32,
    /// The time of planning, Unix seconds.
    pub now: u64,
}

/// The MTA-STS plan document.
///
/// # Errors
///
/// [`PlanError`] for a policy or id that does not parse, or too many hosts.
pub fn plan_sts(inputs: &StsInputs<'_>) -> Result<PlanReport, PlanError> {
    let current: Policy<'_> =
        Policy::parse(inputs.policy, &mut []).map_err(|e| PlanError::Policy("policy", e))?;
    let next: Policy<'_> = Policy::parse(inputs.next_policy, &mut [])
        .map_err(|e| PlanError::Policy("next policy", e))?;
    let current_id = PolicyId::new(inputs.id.as_bytes()).map_err(|e| PlanError::Id("id", e))?;
    let next_id = inputs
        .next_id
        .map(|t| PolicyId::new(t.as_bytes()).map_err(|e| PlanError::Id("next id", e)))
        .transpose()?;
    let mx_now: Vec<&str> = inputs.mx_now.iter().map(String::as_str).collect();
    let mx_next: Vec<&str> = inputs.mx_next.iter().map(String::as_str).collect();
    let now = unix_time(inputs.now);
    let plan = rollover::plan_sts(&StsChange {
        current: &current,
        current_id: &current_id,
        next: &next,
        next_id: next_id.as_ref(),
        mx_now: &mx_now,
        mx_next: &mx_next,
        mx_ttl: inputs.mx_ttl,
        now,
    })
    .map_err(PlanError::Core)?;
    let same = |a: &str, b: &str| mxtrust::name::names_equal(a.as_bytes(), b.as_bytes());
    let added: Vec<&str> = mx_next
        .iter()
        .copied()
        .filter(|h| !mx_now.iter().any(|n| same(n, h)))
        .collect();
    let removed: Vec<&str> = mx_now
        .iter()
        .copied()
        .filter(|h| !mx_next.iter().any(|n| same(n, h)))
        .collect();
    Ok(PlanReport::sts(&plan, now, &added, &removed, &mx_next))
}
