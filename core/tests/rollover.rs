//! Rollover plans: every kind of DANE change and the MTA-STS MX host
//! sequences, with the switch one second before and after the safe time.

mod support;

use mxtrust::policy::Policy;
use mxtrust::rollover::{
    self, Addition, DaneChange, DanePlan, DaneProblem, Kind, Next, StsChange, StsProblem, StsStep,
};
use mxtrust::sts::PolicyId;
use mxtrust::time::{UnixTime, unix_time};
use mxtrust::{CertUsage, MatchingType, Selector, Tlsa};
use support::*;

static ALGORITHMS: &[&dyn mxtrust::SignatureVerificationAlgorithm] =
    mxtrust::ring_algorithms_with_rsa!();

const TTL: u32 = 3600;
const NAMES: &[&str] = &["mx.example.test"];

fn change<'a>(
    published: &'a [Tlsa<'a>],
    current: &'a [&'a [u8]],
    next: Next<'a>,
    published_at: u64,
    now: u64,
) -> DaneChange<'a> {
    DaneChange {
        published,
        ttl: TTL,
        published_at: unix_time(published_at),
        negative_ttl: None,
        current,
        next,
        target_kinds: &[],
        names: NAMES,
        signature_algorithms: ALGORITHMS,
        now: unix_time(now),
    }
}

fn plan<'a>(c: &DaneChange<'a>) -> (DanePlan, Vec<Addition<'a>>, Vec<usize>) {
    let mut additions = [Addition::EMPTY; 8];
    let mut removals = [0usize; 8];
    let p = rollover::plan_dane(c, &mut additions, &mut removals).unwrap();
    (
        p,
        additions[..p.additions].to_vec(),
        removals[..p.removals].to_vec(),
    )
}

fn texts(additions: &[Addition<'_>]) -> Vec<String> {
    additions.iter().map(|a| a.tlsa().to_string()).collect()
}

/// A current chain and a next one: a new leaf key under the same issuer.
struct Rollover {
    pki: Pki,
    next_leaf: Ca,
    next_int: Pki,
}

impl Rollover {
    fn new() -> Self {
        let pki = Pki::new(Alg::P256);
        let next_leaf = issue(&pki.int, Alg::P256, Spec::leaf(&["mx.example.test"]));
        let next_int = Pki::new(Alg::P256); // another issuer, for 2 1 1 changes
        Rollover {
            pki,
            next_leaf,
            next_int,
        }
    }
}

#[test]
fn dane_ee_key_rollover_adds_waits_then_removes() {
    let r = Rollover::new();
    let current = r.pki.chain();
    let next: Vec<&[u8]> = vec![&r.next_leaf.der, &r.pki.int.der];
    let cur = Record::of(3, 1, 1, &r.pki.leaf);
    let new = Record::of(3, 1, 1, &r.next_leaf);
    let now = NOW;
    // Step 1: only the current record is published.
    let published = [cur.tlsa()];
    let (p, adds, removes) = plan(&change(
        &published,
        &current,
        Next::Chain(&next),
        now - 100_000,
        now,
    ));
    assert_eq!(texts(&adds), [new.tlsa().to_string()]);
    assert_eq!(removes, [0]);
    assert_eq!(p.switch_at, unix_time(now + u64::from(TTL)));
    assert!(!p.safe_now);
    assert_eq!(p.problem, None);
    // Step 2: both published at t0; safe exactly TTL later, not a second
    // before.
    let both = [cur.tlsa(), new.tlsa()];
    let t0 = now;
    for (at, safe) in [
        (t0 + u64::from(TTL) - 1, false),
        (t0 + u64::from(TTL), true),
        (t0 + u64::from(TTL) + 1, true),
    ] {
        let (p, adds, removes) = plan(&change(&both, &current, Next::Chain(&next), t0, at));
        assert!(adds.is_empty());
        assert_eq!(removes, [0], "the current record is stale after the switch");
        assert_eq!(p.switch_at, unix_time(t0 + u64::from(TTL)));
        assert_eq!(p.safe_now, safe, "at {at}");
    }
    // The same from the next key alone (a CSR): the 3 1 1 can be published
    // before the certificate exists.
    let next_spki = r.next_leaf.spki.clone();
    let (p, adds, _) = plan(&change(
        &published,
        &current,
        Next::Key(&next_spki),
        now,
        now,
    ));
    assert_eq!(texts(&adds), [new.tlsa().to_string()]);
    assert_eq!(p.problem, None);
}

#[test]
fn dane_ta_issuer_change() {
    let r = Rollover::new();
    let current = r.pki.chain();
    let next = r.next_int.chain();
    let cur = Record::of(2, 1, 1, &r.pki.int);
    let new = Record::of(2, 1, 1, &r.next_int.int);
    let published = [cur.tlsa()];
    let (p, adds, removes) = plan(&change(&published, &current, Next::Chain(&next), NOW, NOW));
    assert_eq!(texts(&adds), [new.tlsa().to_string()]);
    assert_eq!(removes, [0]);
    assert_eq!(p.problem, None);
    // A key alone cannot say which issuer will sign it.
    let (p, _, _) = plan(&change(
        &published,
        &current,
        Next::Key(&r.next_leaf.spki),
        NOW,
        NOW,
    ));
    assert_eq!(
        p.problem,
        Some(DaneProblem::NeedsNextChain((
            CertUsage::DaneTa,
            Selector::Spki,
            MatchingType::Sha256
        )))
    );
}

/// RFC 7671 §9: a sender that prefers SHA2-512 ignores the SHA2-256
/// records of the same usage and selector once a SHA2-512 one is there, and
/// every sender implements SHA2-256, not always SHA2-512.
#[test]
fn digest_change_covers_every_sender_preference() {
    let r = Rollover::new();
    let current = r.pki.chain();
    let both: [Kind; 2] = [
        (CertUsage::DaneEe, Selector::Spki, MatchingType::Sha256),
        (CertUsage::DaneEe, Selector::Spki, MatchingType::Sha512),
    ];
    let only_512: [Kind; 1] = [(CertUsage::DaneEe, Selector::Spki, MatchingType::Sha512)];
    let cur = Record::of(3, 1, 1, &r.pki.leaf);
    let published = [cur.tlsa()];
    // Same key, SHA2-512 beside SHA2-256: add 3 1 2, keep 3 1 1.
    let mut c = change(&published, &current, Next::Chain(&current), NOW, NOW);
    c.target_kinds = &both;
    let (p, adds, removes) = plan(&c);
    assert_eq!(
        texts(&adds),
        [Record::of(3, 1, 2, &r.pki.leaf).tlsa().to_string()]
    );
    assert!(removes.is_empty());
    assert_eq!(p.problem, None);
    // SHA2-512 alone leaves SHA2-256-only senders with no usable record:
    // the plan says so instead of removing 3 1 1.
    c.target_kinds = &only_512;
    let (p, _, removes) = plan(&c);
    assert_eq!(removes, [0]);
    assert_eq!(
        p.problem,
        Some(DaneProblem::NextFails {
            preference: 2,
            failure: None
        })
    );
    let kinds = both;
    // New key and new digest at once: the current key gets a 3 1 2 too for
    // the transition, or SHA2-512 senders would refuse the current chain.
    let next: Vec<&[u8]> = vec![&r.next_leaf.der, &r.pki.int.der];
    let mut c = change(&published, &current, Next::Chain(&next), NOW, NOW);
    c.target_kinds = &kinds;
    let (p, adds, _) = plan(&c);
    assert_eq!(p.problem, None);
    let mut got = texts(&adds);
    got.sort();
    let mut want = vec![
        Record::of(3, 1, 1, &r.next_leaf).tlsa().to_string(),
        Record::of(3, 1, 2, &r.next_leaf).tlsa().to_string(),
        Record::of(3, 1, 2, &r.pki.leaf).tlsa().to_string(),
    ];
    want.sort();
    assert_eq!(got, want);
    assert_eq!(adds.iter().filter(|a| a.is_interim()).count(), 1);
    // What an operator might publish by hand instead, the next key's 3 1 2
    // beside the current 3 1 1, fails SHA2-512 senders now.
    let (old, new) = (
        Record::of(3, 1, 1, &r.pki.leaf),
        Record::of(3, 1, 2, &r.next_leaf),
    );
    let by_hand = [old.tlsa(), new.tlsa()];
    let (p, _, _) = plan(&change(&by_hand, &current, Next::Chain(&next), NOW, NOW));
    assert!(
        matches!(
            p.problem,
            Some(DaneProblem::CurrentFails { preference: 0, .. })
        ),
        "{:?}",
        p.problem
    );
}

#[test]
fn usage_switch_from_dane_ee_to_dane_ta() {
    let r = Rollover::new();
    let current = r.pki.chain();
    let kinds: [Kind; 1] = [(CertUsage::DaneTa, Selector::Spki, MatchingType::Sha256)];
    let cur = Record::of(3, 1, 1, &r.pki.leaf);
    let published = [cur.tlsa()];
    let mut c = change(&published, &current, Next::Chain(&current), NOW, NOW);
    c.target_kinds = &kinds;
    let (p, adds, removes) = plan(&c);
    assert_eq!(
        texts(&adds),
        [Record::of(2, 1, 1, &r.pki.int).tlsa().to_string()]
    );
    assert_eq!(removes, [0]);
    assert_eq!(p.problem, None);
}

#[test]
fn a_name_without_records_waits_for_the_negative_ttl() {
    let r = Rollover::new();
    let current = r.pki.chain();
    let kinds: [Kind; 1] = [(CertUsage::DaneEe, Selector::Spki, MatchingType::Sha256)];
    let mut c = change(&[], &current, Next::Chain(&current), NOW, NOW);
    c.target_kinds = &kinds;
    c.negative_ttl = Some(7200);
    let (p, adds, removes) = plan(&c);
    assert_eq!(adds.len(), 1);
    assert!(removes.is_empty());
    assert_eq!(p.switch_at, unix_time(NOW + 7200));
    assert_eq!(p.problem, None);
    // Without asking for kinds there is nothing to carry over.
    let (p, _, _) = plan(&change(&[], &current, Next::Chain(&current), NOW, NOW));
    assert_eq!(p.problem, Some(DaneProblem::NoKinds));
}

#[test]
fn a_next_chain_that_cannot_work_is_reported() {
    let r = Rollover::new();
    let current = r.pki.chain();
    let wrong_name = issue(&r.pki.int, Alg::P256, Spec::leaf(&["other.example.test"]));
    let next: Vec<&[u8]> = vec![&wrong_name.der, &r.pki.int.der];
    let cur = Record::of(2, 1, 1, &r.pki.int);
    let published = [cur.tlsa()];
    let (p, adds, _) = plan(&change(&published, &current, Next::Chain(&next), NOW, NOW));
    assert!(adds.is_empty(), "the issuer stays: nothing to add");
    assert!(
        matches!(p.problem, Some(DaneProblem::NextFails { .. })),
        "{:?}",
        p.problem
    );
    assert!(!p.safe_now);
}

#[test]
fn storage_too_small_is_an_error() {
    let r = Rollover::new();
    let current = r.pki.chain();
    let next: Vec<&[u8]> = vec![&r.next_leaf.der, &r.pki.int.der];
    let cur = Record::of(3, 1, 1, &r.pki.leaf);
    let published = [cur.tlsa()];
    let c = change(&published, &current, Next::Chain(&next), NOW, NOW);
    assert_eq!(
        rollover::plan_dane(&c, &mut [], &mut [0; 4]),
        Err(mxtrust::Error::BufferTooSmall { needed: 1 })
    );
}

// ---------------------------------------------------------------- MTA-STS

fn policy(mode: &str, max_age: u32, mx: &[&str]) -> String {
    let mut body = format!("version: STSv1\nmode: {mode}\nmax_age: {max_age}\n");
    for m in mx {
        body.push_str(&format!("mx: {m}\n"));
    }
    body
}

fn sts_plan(
    current: &str,
    next: &str,
    next_id: Option<&str>,
    mx_now: &[&str],
    mx_next: &[&str],
) -> rollover::StsPlan {
    let current: Policy = Policy::parse(current.as_bytes(), &mut []).unwrap();
    let next: Policy = Policy::parse(next.as_bytes(), &mut []).unwrap();
    let current_id = PolicyId::new(b"1").unwrap();
    let next_id = next_id.map(|id| PolicyId::new(id.as_bytes()).unwrap());
    rollover::plan_sts(&StsChange {
        current: &current,
        current_id: &current_id,
        next: &next,
        next_id: next_id.as_ref(),
        mx_now,
        mx_next,
        mx_ttl: 300,
        now: unix_time(NOW),
    })
    .unwrap()
}

fn steps(p: &rollover::StsPlan) -> Vec<(StsStep, u64)> {
    p.steps
        .iter()
        .map(|(s, t)| (*s, t.as_secs() - NOW))
        .collect()
}

const DAY: u32 = 86_400;

#[test]
fn adding_an_mx_host_publishes_the_policy_first() {
    let p = sts_plan(
        &policy("enforce", DAY, &["mx1.example.com"]),
        &policy("enforce", DAY, &["mx1.example.com", "mx2.example.com"]),
        Some("2"),
        &["mx1.example.com"],
        &["mx1.example.com", "mx2.example.com"],
    );
    assert!(p.new_id_required);
    assert_eq!(p.problem, None);
    assert_eq!(
        steps(&p),
        [
            (StsStep::PublishPolicy, 0),
            (StsStep::AddMx, u64::from(DAY))
        ]
    );
    assert!(!p.safe_now(unix_time(NOW)));
}

#[test]
fn removing_an_mx_host_changes_dns_first() {
    let p = sts_plan(
        &policy("enforce", DAY, &["mx1.example.com", "mx2.example.com"]),
        &policy("enforce", DAY, &["mx1.example.com"]),
        Some("2"),
        &["mx1.example.com", "mx2.example.com"],
        &["mx1.example.com"],
    );
    assert_eq!(
        steps(&p),
        [(StsStep::RemoveMx, 0), (StsStep::PublishPolicy, 300)]
    );
}

#[test]
fn replacing_an_mx_host_goes_through_an_interim_policy() {
    let p = sts_plan(
        &policy("enforce", DAY, &["old.example.com"]),
        &policy("enforce", DAY, &["new.example.com"]),
        Some("2"),
        &["old.example.com"],
        &["new.example.com"],
    );
    let day = u64::from(DAY);
    assert_eq!(
        steps(&p),
        [
            (StsStep::PublishInterimPolicy, 0),
            (StsStep::AddMx, day),
            (StsStep::RemoveMx, day),
            (StsStep::PublishPolicy, day + 300),
        ]
    );
}

#[test]
fn a_wildcard_that_already_covers_the_host_needs_no_wait() {
    let p = sts_plan(
        &policy("enforce", DAY, &["*.example.com"]),
        &policy("enforce", DAY, &["*.example.com"]),
        None,
        &["mx1.example.com"],
        &["mx1.example.com", "mx2.example.com"],
    );
    assert!(!p.new_id_required);
    assert_eq!(steps(&p), [(StsStep::AddMx, 0)]);
    assert!(p.safe_now(unix_time(NOW)));
}

#[test]
fn a_shorter_max_age_binds_after_the_old_one() {
    let p = sts_plan(
        &policy("enforce", DAY * 7, &["mx.example.com"]),
        &policy("enforce", DAY, &["mx.example.com"]),
        Some("2"),
        &["mx.example.com"],
        &["mx.example.com"],
    );
    let week = u64::from(DAY * 7);
    assert_eq!(
        steps(&p),
        [(StsStep::PublishPolicy, 0), (StsStep::MaxAgeBinds, week)]
    );
}

#[test]
fn turning_mta_sts_off_waits_out_the_old_policy() {
    let p = sts_plan(
        &policy("enforce", DAY, &["mx.example.com"]),
        &policy("none", DAY, &[]),
        Some("2"),
        &["mx.example.com"],
        &["mx.example.com"],
    );
    assert_eq!(
        steps(&p),
        [
            (StsStep::PublishPolicy, 0),
            (StsStep::OldPolicyExpired, u64::from(DAY))
        ]
    );
}

#[test]
fn sts_problems() {
    let p = sts_plan(
        &policy("enforce", DAY, &["mx.example.com"]),
        &policy("testing", DAY, &["mx.example.com"]),
        Some("1"),
        &["mx.example.com"],
        &["mx.example.com"],
    );
    assert_eq!(p.problem, Some(StsProblem::IdUnchanged));
    let p = sts_plan(
        &policy("enforce", DAY, &["mx.example.com"]),
        &policy("enforce", DAY, &["mx.example.com"]),
        None,
        &["mx.example.com"],
        &["mx.example.com", "elsewhere.example.net"],
    );
    assert_eq!(p.problem, Some(StsProblem::NextDoesNotAllow(1)));
    let codes: Vec<&str> = [
        StsStep::PublishInterimPolicy,
        StsStep::PublishPolicy,
        StsStep::AddMx,
        StsStep::RemoveMx,
        StsStep::MaxAgeBinds,
        StsStep::OldPolicyExpired,
    ]
    .iter()
    .map(StsStep::code)
    .collect();
    let mut unique = codes.clone();
    unique.dedup();
    assert_eq!(unique.len(), codes.len());
    let _: UnixTime = p.steps.first().map(|s| s.1).unwrap_or(unix_time(0));
}
