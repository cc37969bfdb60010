//! DANE verification against chains generated at test time.
#![allow(clippy::type_complexity)]

mod support;

use mxtrust::chain::{ChainProblem, Failure};
use mxtrust::dane::{self, AnchorSource, Authenticated, Options, Outcome, Profile, RecordStatus};
use mxtrust::decision::TlsaUsability;
use mxtrust::tlsa::{DigestAlgorithm, DigestPreference, ProfileKind, Unusable};
use mxtrust::tlsrpt::ResultType;
use mxtrust::{CertUsage, Error, MatchingType, Selector, Tlsa};
use support::*;

const NAMES: &[&str] = &["mx.example.test"];

static ALGORITHMS: &[&dyn mxtrust::SignatureVerificationAlgorithm] =
    mxtrust::ring_algorithms_with_rsa!();

fn options() -> Options<'static> {
    Options::new(mxtrust::time::unix_time(NOW), ALGORITHMS)
}

fn run_with(
    chain: &[&[u8]],
    records: &[Record],
    names: &[&str],
    options: &Options<'_>,
) -> (Outcome, Vec<RecordStatus>) {
    let tlsa: Vec<Tlsa<'_>> = records.iter().map(Record::tlsa).collect();
    let mut report = vec![RecordStatus::EMPTY; records.len()];
    let outcome = dane::verify(chain, &tlsa, names, options, &mut report).unwrap();
    (outcome, report)
}

fn run(chain: &[&[u8]], records: &[Record]) -> (Outcome, Vec<RecordStatus>) {
    run_with(chain, records, NAMES, &options())
}

/// Authenticated by a presented certificate at `depth`.
fn authenticated(record: usize, usage: CertUsage, depth: usize) -> Outcome {
    authenticated_by(record, usage, depth, AnchorSource::Presented)
}

fn authenticated_by(
    record: usize,
    usage: CertUsage,
    depth: usize,
    anchor: AnchorSource,
) -> Outcome {
    Outcome::Authenticated(Authenticated {
        record,
        usage,
        depth,
        anchor,
    })
}

/// Authenticated by an anchor from DNS one above a path of `depth - 1`
/// presented certificates (OpenSSL's `SSL_get0_dane_authority` depth).
fn from_dns(depth: usize) -> Outcome {
    authenticated_by(0, CertUsage::DaneTa, depth, AnchorSource::Dns)
}

#[test]
fn every_usage_selector_and_matching_type_of_the_smtp_profile() {
    for alg in [Alg::P256, Alg::P384, Alg::Ed25519] {
        let pki = Pki::new(alg);
        for selector in [0, 1] {
            for mtype in [0, 1, 2] {
                let ee = Record::of(3, selector, mtype, &pki.leaf);
                let (outcome, report) = run(&pki.chain(), std::slice::from_ref(&ee));
                let case = format!("{alg:?} 3 {selector} {mtype}");
                assert_eq!(outcome, authenticated(0, CertUsage::DaneEe, 0), "{case}");
                assert_eq!(report, [RecordStatus::Matched { depth: Some(0) }], "{case}");
                let (outcome, report) = run(&pki.chain(), &[ee.corrupted()]);
                assert_eq!(
                    outcome,
                    Outcome::Failed(Failure::NoMatch),
                    "{case} corrupted"
                );
                assert_eq!(report, [RecordStatus::NotMatched], "{case} corrupted");

                let ta = Record::of(2, selector, mtype, &pki.int);
                let (outcome, _) = run(&pki.chain(), std::slice::from_ref(&ta));
                let case = format!("{alg:?} 2 {selector} {mtype}");
                assert_eq!(outcome, authenticated(0, CertUsage::DaneTa, 1), "{case}");
                let (outcome, _) = run(&pki.chain(), &[ta.corrupted()]);
                if (selector, mtype) == (0, 0) {
                    // The last octet of a `2 0 0` certificate is in its
                    // signature, which nobody checks on a trust anchor.
                    assert_eq!(outcome, from_dns(1), "{case}");
                } else {
                    assert_eq!(
                        outcome,
                        Outcome::Failed(Failure::NoMatch),
                        "{case} corrupted"
                    );
                }

                // PKIX usages are unusable under SMTP (RFC 7672 §3.1.3).
                for usage in [0, 1] {
                    let r = Record::of(usage, selector, mtype, &pki.leaf);
                    let (outcome, report) = run(&pki.chain(), &[r]);
                    assert_eq!(
                        outcome,
                        Outcome::Unauthenticated,
                        "{usage} {selector} {mtype}"
                    );
                    assert_eq!(
                        report,
                        [RecordStatus::Unusable(Unusable::UsageNotInProfile(
                            usage.into()
                        ))]
                    );
                }
            }
        }
    }
}

#[test]
fn dane_ta_on_the_root_of_a_presented_three_level_chain() {
    let pki = Pki::new(Alg::P256);
    let chain: Vec<&[u8]> = vec![&pki.leaf.der, &pki.int.der, &pki.root.der];
    let (outcome, _) = run(&chain, &[Record::of(2, 1, 1, &pki.root)]);
    assert_eq!(outcome, authenticated(0, CertUsage::DaneTa, 2));
}

#[test]
fn dane_ta_never_matches_the_leaf() {
    let pki = Pki::new(Alg::P256);
    let (outcome, report) = run(&pki.chain(), &[Record::of(2, 1, 1, &pki.leaf)]);
    assert_eq!(outcome, Outcome::Failed(Failure::NoMatch));
    assert_eq!(report, [RecordStatus::NotMatched]);
}

#[test]
fn dane_ta_issuer_not_presented_is_no_match() {
    let pki = Pki::new(Alg::P256);
    let (outcome, _) = run(&[&pki.leaf.der], &[Record::of(2, 1, 1, &pki.int)]);
    assert_eq!(outcome, Outcome::Failed(Failure::NoMatch));
}

#[test]
fn full_certificate_anchor_absent_from_the_chain() {
    let pki = Pki::new(Alg::P256);
    // `2 0 0` with the root: the server presents leaf and intermediate only.
    // OpenSSL's depth: the root sits above leaf and intermediate.
    let (outcome, report) = run(&pki.chain(), &[Record::of(2, 0, 0, &pki.root)]);
    assert_eq!(outcome, from_dns(2));
    assert_eq!(report, [RecordStatus::Matched { depth: Some(2) }]);
    // `2 0 0` with the intermediate, and only the leaf presented.
    let (outcome, _) = run(&[&pki.leaf.der], &[Record::of(2, 0, 0, &pki.int)]);
    assert_eq!(outcome, from_dns(1));
    // An unrelated CA certificate signs nothing presented.
    let other = root(Alg::P256, Spec::ca("mxtrust test root"));
    let (outcome, report) = run(&pki.chain(), &[Record::of(2, 0, 0, &other)]);
    assert_eq!(outcome, Outcome::Failed(Failure::NoMatch));
    assert_eq!(report, [RecordStatus::NotMatched]);
}

#[test]
fn bare_key_anchor_2_1_0() {
    let pki = Pki::new(Alg::P256);
    // OpenSSL's depth for a bare key: the certificate it signed.
    let (outcome, _) = run(&pki.chain(), &[Record::of(2, 1, 0, &pki.root)]);
    assert_eq!(outcome, from_dns(1));
    // The intermediate's own key is presented: it matches at depth 1.
    let (outcome, _) = run(&pki.chain(), &[Record::of(2, 1, 0, &pki.int)]);
    assert_eq!(outcome, authenticated(0, CertUsage::DaneTa, 1));
    // A key that signed nothing presented.
    let other = root(Alg::P256, Spec::ca("mxtrust test root"));
    let (outcome, _) = run(&pki.chain(), &[Record::of(2, 1, 0, &other)]);
    assert_eq!(outcome, Outcome::Failed(Failure::NoMatch));
    // Only the leaf presented: the key must have signed it directly.
    let (outcome, _) = run(&[&pki.leaf.der], &[Record::of(2, 1, 0, &pki.int)]);
    assert_eq!(outcome, from_dns(0));
    let (outcome, _) = run(&[&pki.leaf.der], &[Record::of(2, 1, 0, &pki.root)]);
    assert_eq!(outcome, Outcome::Failed(Failure::NoMatch));
}

#[test]
fn cross_signed_unordered_chain_with_extra_certificates() {
    let pki = Pki::new(Alg::P256);
    let other_root = root(Alg::Ed25519, Spec::ca("mxtrust other root"));
    let cross = issue_with_key(
        &other_root,
        key_of(&pki.int),
        Spec::ca("mxtrust test intermediate"),
    );
    let unrelated = Pki::new(Alg::P384);
    let chain: Vec<&[u8]> = vec![
        &pki.leaf.der,
        &unrelated.int.der,
        &cross.der,
        &unrelated.leaf.der,
        &pki.int.der,
        &pki.root.der,
    ];
    // Anchored at either root, through either intermediate.
    let (outcome, _) = run(&chain, &[Record::of(2, 1, 1, &pki.root)]);
    assert_eq!(outcome, authenticated(0, CertUsage::DaneTa, 5));
    let (outcome, _) = run(&chain, &[Record::of(2, 0, 1, &other_root)]);
    assert_eq!(
        outcome,
        Outcome::Failed(Failure::NoMatch),
        "other root not presented"
    );
    let (outcome, _) = run(&chain, &[Record::of(2, 0, 0, &other_root)]);
    assert_eq!(outcome, from_dns(2));
    // The cross-signed intermediate carries the same key as the other one.
    let (outcome, _) = run(&chain, &[Record::of(2, 1, 1, &cross)]);
    assert_eq!(outcome, authenticated(0, CertUsage::DaneTa, 2));
}

#[test]
fn mixed_rrset_reports_every_record() {
    let pki = Pki::new(Alg::P256);
    let records = [
        Record(1, 1, 1, vec![0; 32]),               // PKIX under SMTP
        Record::of(3, 1, 1, &pki.leaf).corrupted(), // wrong key
        Record(3, 1, 1, vec![0; 31]),               // short digest
        Record::of(2, 1, 1, &pki.int),              // good
        Record::of(3, 0, 2, &pki.leaf),             // good
        Record(3, 1, 0, vec![0x30, 0x00]),          // not an SPKI
    ];
    let expected = |ta: RecordStatus| {
        [
            RecordStatus::Unusable(Unusable::UsageNotInProfile(CertUsage::PkixEe)),
            RecordStatus::NotMatched,
            RecordStatus::Unusable(Unusable::DigestLength {
                digest: DigestAlgorithm::Sha256,
                actual: 31,
            }),
            ta,
            RecordStatus::Matched { depth: Some(0) },
            RecordStatus::Unusable(Unusable::MalformedSpki),
        ]
    };
    // DANE-EE authenticates first; the DANE-TA path is not validated.
    let (outcome, report) = run(&pki.chain(), &records);
    assert_eq!(outcome, authenticated(4, CertUsage::DaneEe, 0));
    assert_eq!(report, expected(RecordStatus::Skipped));
    // A checker asks for every status; the outcome is the same.
    let mut all = options();
    all.evaluate_all_records = true;
    let (outcome, report) = run_with(&pki.chain(), &records, NAMES, &all);
    assert_eq!(outcome, authenticated(4, CertUsage::DaneEe, 0));
    assert_eq!(report, expected(RecordStatus::Matched { depth: Some(1) }));
    // Without a good DANE-EE record the DANE-TA one decides.
    let mut without_ee = records.to_vec();
    without_ee[4] = without_ee[4].clone().corrupted();
    let (outcome, report) = run(&pki.chain(), &without_ee);
    assert_eq!(outcome, authenticated(3, CertUsage::DaneTa, 1));
    assert_eq!(report[3], RecordStatus::Matched { depth: Some(1) });
    assert_eq!(report[4], RecordStatus::NotMatched);
}

#[test]
fn once_dane_ee_authenticates_the_rest_is_skipped() {
    let pki = Pki::new(Alg::P256);
    let other = Pki::new(Alg::P256);
    let records = [
        Record::of(2, 1, 1, &other.int),            // would not match
        Record::of(3, 1, 1, &pki.leaf),             // authenticates
        Record::of(2, 0, 0, &pki.root),             // would need a validation
        Record(3, 1, 1, vec![0; 31]),               // unusable: said anyway
        Record::of(3, 1, 1, &pki.leaf).corrupted(), // DANE-EE: always checked
    ];
    let (outcome, report) = run(&pki.chain(), &records);
    assert_eq!(outcome, authenticated(1, CertUsage::DaneEe, 0));
    assert_eq!(
        report,
        [
            RecordStatus::Skipped,
            RecordStatus::Matched { depth: Some(0) },
            RecordStatus::Skipped,
            RecordStatus::Unusable(Unusable::DigestLength {
                digest: DigestAlgorithm::Sha256,
                actual: 31
            }),
            RecordStatus::NotMatched,
        ]
    );
    let mut all = options();
    all.evaluate_all_records = true;
    let (outcome, report) = run_with(&pki.chain(), &records, NAMES, &all);
    assert_eq!(outcome, authenticated(1, CertUsage::DaneEe, 0));
    assert_eq!(report[0], RecordStatus::NotMatched);
    assert_eq!(report[2], RecordStatus::Matched { depth: Some(2) });
}

#[test]
fn all_records_unusable_means_unauthenticated_tls() {
    let pki = Pki::new(Alg::P256);
    let leaf_spki = data(&pki.leaf, 1, 0);
    let records = [
        Record(1, 1, 1, data(&pki.leaf, 1, 1)),
        Record(0, 0, 1, data(&pki.leaf, 0, 1)),
        Record(255, 1, 1, data(&pki.leaf, 1, 1)),
        Record(4, 1, 1, data(&pki.leaf, 1, 1)),
        Record(3, 2, 1, data(&pki.leaf, 1, 1)),
        Record(3, 255, 1, data(&pki.leaf, 1, 1)),
        Record(3, 1, 3, data(&pki.leaf, 1, 1)),
        Record(3, 1, 255, data(&pki.leaf, 1, 1)),
        Record(3, 1, 1, vec![]),
        Record(3, 1, 2, data(&pki.leaf, 1, 1)),
        Record(3, 1, 1, data(&pki.leaf, 1, 2)),
        // One SEQUENCE and a trailing octet (an SPKI is usable: a SEQUENCE).
        Record(3, 0, 0, [pki.leaf.der.as_slice(), &[0]].concat()),
        Record(3, 1, 0, pki.leaf.der.clone()),
        Record(3, 1, 0, [leaf_spki.as_slice(), &[0]].concat()),
        Record(2, 0, 0, [pki.int.der.as_slice(), &[0]].concat()),
    ];
    let (outcome, report) = run(&pki.chain(), &records);
    assert_eq!(outcome, Outcome::Unauthenticated);
    assert_eq!(outcome.result_type(), Some(ResultType::TlsaInvalid));
    let tlsa: Vec<Tlsa<'_>> = records.iter().map(Record::tlsa).collect();
    let default = DigestPreference::default();
    assert_eq!(
        TlsaUsability::of(&tlsa, ProfileKind::Smtp, &default),
        TlsaUsability::AllUnusable
    );
    let good = Record::of(3, 1, 1, &pki.leaf);
    let with_good = [tlsa.clone(), vec![good.tlsa()]].concat();
    assert_eq!(
        TlsaUsability::of(&with_good, ProfileKind::Smtp, &default),
        TlsaUsability::SomeUsable
    );
    let expected = [
        Unusable::UsageNotInProfile(CertUsage::PkixEe),
        Unusable::UsageNotInProfile(CertUsage::PkixTa),
        Unusable::UnknownUsage(CertUsage::PrivCert),
        Unusable::UnknownUsage(CertUsage::Unassigned(4)),
        Unusable::UnknownSelector(Selector::Unassigned(2)),
        Unusable::UnknownSelector(Selector::PrivSel),
        Unusable::UnknownMatchingType(MatchingType::Unassigned(3)),
        Unusable::UnknownMatchingType(MatchingType::PrivMatch),
        Unusable::EmptyData,
        Unusable::DigestLength {
            digest: DigestAlgorithm::Sha512,
            actual: 32,
        },
        Unusable::DigestLength {
            digest: DigestAlgorithm::Sha256,
            actual: 64,
        },
        Unusable::MalformedCertificate,
        Unusable::MalformedSpki,
        Unusable::MalformedSpki,
        Unusable::MalformedCertificate,
    ];
    for (i, (got, want)) in report.iter().zip(expected).enumerate() {
        assert_eq!(*got, RecordStatus::Unusable(want), "record {i}");
    }
}

#[test]
fn digest_agility_is_per_usage_and_selector() {
    let pki = Pki::new(Alg::P256);
    let good256 = Record::of(3, 1, 1, &pki.leaf);
    let bad512 = Record::of(3, 1, 2, &pki.leaf).corrupted();
    // A good SHA-256 record is superseded by a bad SHA-512 one: it fails.
    let (outcome, report) = run(&pki.chain(), &[good256.clone(), bad512.clone()]);
    assert_eq!(outcome, Outcome::Failed(Failure::NoMatch));
    assert_eq!(report, [RecordStatus::Superseded, RecordStatus::NotMatched]);
    // With SHA-256 preferred, the same RRset authenticates.
    let mut prefer256 = options();
    prefer256.digest_preference = DigestPreference::SHA256_SHA512;
    let (outcome, report) = run_with(
        &pki.chain(),
        &[good256.clone(), bad512.clone()],
        NAMES,
        &prefer256,
    );
    assert_eq!(outcome, authenticated(0, CertUsage::DaneEe, 0));
    assert_eq!(report[1], RecordStatus::Superseded);
    // With SHA-512 disabled, the SHA-512 record is unusable instead.
    let mut only256 = options();
    only256.digest_preference = DigestPreference::only(DigestAlgorithm::Sha256);
    let (outcome, report) = run_with(
        &pki.chain(),
        &[good256.clone(), bad512.clone()],
        NAMES,
        &only256,
    );
    assert_eq!(outcome, authenticated(0, CertUsage::DaneEe, 0));
    assert_eq!(
        report[1],
        RecordStatus::Unusable(Unusable::DisabledDigest(DigestAlgorithm::Sha512))
    );
    // A different selector is a different group.
    let good_cert256 = Record::of(3, 0, 1, &pki.leaf);
    let (outcome, _) = run(&pki.chain(), &[good_cert256, bad512.clone()]);
    assert_eq!(outcome, authenticated(0, CertUsage::DaneEe, 0));
    // A different usage is a different group.
    let ta256 = Record::of(2, 1, 1, &pki.int);
    let (outcome, _) = run(&pki.chain(), &[ta256, bad512.clone()]);
    assert_eq!(outcome, authenticated(0, CertUsage::DaneTa, 1));
    // Full(0) always counts.
    let full = Record::of(3, 1, 0, &pki.leaf);
    let (outcome, report) = run(&pki.chain(), &[bad512.clone(), full]);
    assert_eq!(outcome, authenticated(1, CertUsage::DaneEe, 0));
    assert_eq!(report[0], RecordStatus::NotMatched);
    // An unusable SHA-512 record (wrong length) does not supersede.
    let short512 = Record(3, 1, 2, vec![0; 63]);
    let (outcome, _) = run(&pki.chain(), &[short512, good256]);
    assert_eq!(outcome, authenticated(1, CertUsage::DaneEe, 0));
}

#[test]
fn rollover_pair_either_key_authenticates() {
    let pki = Pki::new(Alg::P256);
    let next = issue(&pki.int, Alg::P256, Spec::leaf(&["mx.example.test"]));
    let records = [Record::of(3, 1, 1, &pki.leaf), Record::of(3, 1, 1, &next)];
    let (outcome, report) = run(&pki.chain(), &records);
    assert_eq!(outcome, authenticated(0, CertUsage::DaneEe, 0));
    assert_eq!(report[1], RecordStatus::NotMatched);
    let (outcome, _) = run(&[&next.der, &pki.int.der], &records);
    assert_eq!(outcome, authenticated(1, CertUsage::DaneEe, 0));
}

#[test]
fn dates_under_dane_ee_are_ignored() {
    let pki = Pki::new(Alg::P256);
    let expired = issue(
        &pki.int,
        Alg::P256,
        Spec::leaf(&["other.test"]).years(2020, 2021),
    );
    let (outcome, _) = run(&[&expired.der], &[Record::of(3, 1, 1, &expired)]);
    assert_eq!(outcome, authenticated(0, CertUsage::DaneEe, 0));
    // ... and the chain above the leaf does not matter either.
    let (outcome, _) = run(
        &[&expired.der, b"garbage"],
        &[Record::of(3, 0, 1, &expired)],
    );
    assert_eq!(outcome, authenticated(0, CertUsage::DaneEe, 0));
}

#[test]
fn dates_under_dane_ta() {
    let root = root(Alg::P256, Spec::ca("mxtrust test root"));
    let expired_int = issue(&root, Alg::P256, Spec::ca("expired int").years(2020, 2021));
    let leaf = issue(&expired_int, Alg::P256, Spec::leaf(&["mx.example.test"]));
    let chain: Vec<&[u8]> = vec![&leaf.der, &expired_int.der];
    // The intermediate is below the anchor: its dates count.
    let (outcome, report) = run(&chain, &[Record::of(2, 1, 1, &root)]);
    assert_eq!(
        outcome,
        Outcome::Failed(Failure::NoMatch),
        "root not presented"
    );
    assert_eq!(report, [RecordStatus::NotMatched]);
    let (outcome, report) = run(&chain, &[Record::of(2, 0, 0, &root)]);
    assert_eq!(
        outcome,
        Outcome::Failed(Failure::Expired { depth: Some(1) })
    );
    assert_eq!(outcome.result_type(), Some(ResultType::CertificateExpired));
    assert_eq!(
        report,
        [RecordStatus::Rejected {
            depth: None,
            failure: Failure::Expired { depth: Some(1) }
        }]
    );
    let with_root: Vec<&[u8]> = vec![&leaf.der, &expired_int.der, &root.der];
    let (outcome, _) = run(&with_root, &[Record::of(2, 1, 1, &root)]);
    assert_eq!(
        outcome,
        Outcome::Failed(Failure::Expired { depth: Some(1) })
    );
    // The anchor itself is not self-issued: its dates do not count.
    let (outcome, _) = run(&chain, &[Record::of(2, 1, 1, &expired_int)]);
    assert_eq!(outcome, authenticated(0, CertUsage::DaneTa, 1));
    // An expired leaf fails under DANE-TA.
    let pki = Pki::new(Alg::P256);
    let old_leaf = issue(
        &pki.int,
        Alg::P256,
        Spec::leaf(&["mx.example.test"]).years(2020, 2021),
    );
    let (outcome, _) = run(
        &[&old_leaf.der, &pki.int.der],
        &[Record::of(2, 1, 1, &pki.int)],
    );
    assert_eq!(
        outcome,
        Outcome::Failed(Failure::Expired { depth: Some(0) })
    );
    let future_leaf = issue(
        &pki.int,
        Alg::P256,
        Spec::leaf(&["mx.example.test"]).years(2030, 2035),
    );
    let (outcome, _) = run(
        &[&future_leaf.der, &pki.int.der],
        &[Record::of(2, 1, 1, &pki.int)],
    );
    assert_eq!(
        outcome,
        Outcome::Failed(Failure::NotYetValid { depth: Some(0) })
    );
}

#[test]
fn presented_self_issued_anchor_dates_count() {
    let old_root = root(Alg::P256, Spec::ca("old root").years(2020, 2021));
    let leaf = issue(&old_root, Alg::P256, Spec::leaf(&["mx.example.test"]));
    let chain: Vec<&[u8]> = vec![&leaf.der, &old_root.der];
    let (outcome, _) = run(&chain, &[Record::of(2, 1, 1, &old_root)]);
    assert_eq!(
        outcome,
        Outcome::Failed(Failure::Expired { depth: Some(1) })
    );
    // The same anchor from a `2 0 0` record is not presented: no date check.
    let (outcome, _) = run(&[&leaf.der], &[Record::of(2, 0, 0, &old_root)]);
    assert_eq!(outcome, from_dns(1));
}

#[test]
fn names_under_dane_ta() {
    let pki = Pki::new(Alg::P256);
    let ta = [Record::of(2, 1, 1, &pki.int)];
    let cases: &[(Spec, &[&str], Option<Failure>)] = &[
        (Spec::leaf(&["mx.example.test"]), &["mx.example.test"], None),
        (
            Spec::leaf(&["MX.Example.Test."]),
            &["mx.example.test"],
            None,
        ),
        (
            Spec::leaf(&["mx.example.test"]),
            &["example.test", "mx.example.test"],
            None,
        ),
        (Spec::leaf(&["mx.example.test"]), &[".example.test"], None),
        (
            Spec::leaf(&["mx.example.test"]),
            &["other.test"],
            Some(Failure::NameMismatch),
        ),
        (Spec::leaf(&["*.example.test"]), &["mx.example.test"], None),
        (
            Spec::leaf(&["*.example.test"]),
            &["a.mx.example.test"],
            Some(Failure::NameMismatch),
        ),
        (
            Spec::leaf(&["*.example.test"]),
            &["example.test"],
            Some(Failure::NameMismatch),
        ),
        (
            Spec::leaf(&["mx*.example.test"]),
            &["mx1.example.test"],
            Some(Failure::NameMismatch),
        ),
        // CN counts only without DNS-IDs.
        (
            Spec::leaf(&[]).cn("mx.example.test"),
            &["mx.example.test"],
            None,
        ),
        (
            Spec::leaf(&[]).cn("other.test"),
            &["mx.example.test"],
            Some(Failure::NameMismatch),
        ),
        (
            Spec::leaf(&["other.example.test"]).cn("mx.example.test"),
            &["mx.example.test"],
            Some(Failure::NameMismatch),
        ),
    ];
    for (spec, names, failure) in cases {
        let leaf = issue(&pki.int, Alg::P256, spec.clone());
        let (outcome, _) = run_with(&[&leaf.der, &pki.int.der], &ta, names, &options());
        let expected = match failure {
            None => authenticated(0, CertUsage::DaneTa, 1),
            Some(f) => Outcome::Failed(*f),
        };
        assert_eq!(
            outcome, expected,
            "SAN {:?} CN {:?} names {names:?}",
            spec.dns, spec.cn
        );
    }
}

#[test]
fn names_under_dane_ee_only_when_asked() {
    let pki = Pki::new(Alg::P256);
    let ee = [Record::of(3, 1, 1, &pki.leaf)];
    let (outcome, _) = run_with(&pki.chain(), &ee, &["other.test"], &options());
    assert_eq!(outcome, authenticated(0, CertUsage::DaneEe, 0));
    let mut checked = options();
    checked.ee_name_checks = true;
    let (outcome, report) = run_with(&pki.chain(), &ee, &["other.test"], &checked);
    assert_eq!(outcome, Outcome::Failed(Failure::NameMismatch));
    assert_eq!(
        outcome.result_type(),
        Some(ResultType::CertificateHostMismatch)
    );
    assert_eq!(
        report,
        [RecordStatus::Rejected {
            depth: Some(0),
            failure: Failure::NameMismatch
        }]
    );
    let (outcome, _) = run_with(&pki.chain(), &ee, &["mx.example.test"], &checked);
    assert_eq!(outcome, authenticated(0, CertUsage::DaneEe, 0));
}

#[test]
fn chain_constraints_under_dane_ta() {
    // pathLenConstraint 0 on the root forbids the intermediate.
    let root_pl0 = root(Alg::P256, Spec::ca("root pl0").path_len(0));
    let int = issue(&root_pl0, Alg::P256, Spec::ca("int"));
    let leaf = issue(&int, Alg::P256, Spec::leaf(&["mx.example.test"]));
    let chain: Vec<&[u8]> = vec![&leaf.der, &int.der, &root_pl0.der];
    let (outcome, _) = run(&chain, &[Record::of(2, 1, 1, &root_pl0)]);
    assert_eq!(
        outcome,
        Outcome::Failed(Failure::InvalidChain(ChainProblem::PathLength))
    );
    let (outcome, _) = run(&chain[..2], &[Record::of(2, 0, 0, &root_pl0)]);
    assert_eq!(
        outcome,
        Outcome::Failed(Failure::InvalidChain(ChainProblem::PathLength))
    );
    // pathLenConstraint 1 allows it.
    let root_pl1 = root(Alg::P256, Spec::ca("root pl1").path_len(1));
    let int = issue(&root_pl1, Alg::P256, Spec::ca("int"));
    let leaf = issue(&int, Alg::P256, Spec::leaf(&["mx.example.test"]));
    let (outcome, _) = run(
        &[&leaf.der, &int.der, &root_pl1.der],
        &[Record::of(2, 1, 1, &root_pl1)],
    );
    assert_eq!(outcome, authenticated(0, CertUsage::DaneTa, 2));
    // An anchor whose basicConstraints say it is not a CA.
    let pki = Pki::new(Alg::P256);
    let not_ca_anchor = issue(&pki.root, Alg::P256, Spec::ca("int").not_ca());
    let leaf = issue(&not_ca_anchor, Alg::P256, Spec::leaf(&["mx.example.test"]));
    let (outcome, _) = run(
        &[&leaf.der, &not_ca_anchor.der],
        &[Record::of(2, 1, 1, &not_ca_anchor)],
    );
    assert_eq!(
        outcome,
        Outcome::Failed(Failure::InvalidChain(ChainProblem::EndEntityUsedAsCa))
    );

    // An issuer that is not a CA.
    let pki = Pki::new(Alg::P256);
    let not_ca = issue(&pki.root, Alg::P256, Spec::ca("not a ca").not_ca());
    let leaf = issue(&not_ca, Alg::P256, Spec::leaf(&["mx.example.test"]));
    let (outcome, _) = run(
        &[&leaf.der, &not_ca.der, &pki.root.der],
        &[Record::of(2, 1, 1, &pki.root)],
    );
    assert!(
        matches!(
            outcome,
            Outcome::Failed(Failure::InvalidChain(ChainProblem::EndEntityUsedAsCa))
        ),
        "{outcome:?}"
    );

    // A leaf whose EKU excludes serverAuth; no EKU at all is fine.
    let client = issue(
        &pki.int,
        Alg::P256,
        Spec::leaf(&["mx.example.test"]).eku(Some(rcgen::ExtendedKeyUsagePurpose::ClientAuth)),
    );
    let ta = [Record::of(2, 1, 1, &pki.int)];
    let (outcome, _) = run(&[&client.der, &pki.int.der], &ta);
    assert_eq!(
        outcome,
        Outcome::Failed(Failure::InvalidChain(ChainProblem::ExtendedKeyUsage))
    );
    let no_eku = issue(
        &pki.int,
        Alg::P256,
        Spec::leaf(&["mx.example.test"]).eku(None),
    );
    let (outcome, _) = run(&[&no_eku.der, &pki.int.der], &ta);
    assert_eq!(outcome, authenticated(0, CertUsage::DaneTa, 1));
}

#[test]
fn name_constraints_of_the_anchor_bind() {
    let root = root(Alg::P256, Spec::ca("mxtrust test root"));
    let key = key(Alg::P256);
    let mut params = rcgen::CertificateParams::default();
    params.distinguished_name = rcgen::DistinguishedName::new();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "constrained int");
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    params.key_usages = vec![rcgen::KeyUsagePurpose::KeyCertSign];
    params.name_constraints = Some(rcgen::NameConstraints {
        permitted_subtrees: vec![rcgen::GeneralSubtree::DnsName("example.test".into())],
        excluded_subtrees: vec![],
    });
    let int = issue_with_params(&root, key, params);
    let inside = issue(&int, Alg::P256, Spec::leaf(&["mx.example.test"]));
    let outside = issue(&int, Alg::P256, Spec::leaf(&["mx.example.org"]));
    let ta = [Record::of(2, 1, 1, &int)];
    let (outcome, _) = run(&[&inside.der, &int.der], &ta);
    assert_eq!(outcome, authenticated(0, CertUsage::DaneTa, 1));
    let (outcome, _) = run_with(
        &[&outside.der, &int.der],
        &ta,
        &["mx.example.org"],
        &options(),
    );
    assert_eq!(
        outcome,
        Outcome::Failed(Failure::InvalidChain(ChainProblem::NameConstraints))
    );
    // The same constraint from a `2 0 0` record.
    let (outcome, _) = run_with(
        &[&outside.der],
        &[Record::of(2, 0, 0, &int)],
        &["mx.example.org"],
        &options(),
    );
    assert_eq!(
        outcome,
        Outcome::Failed(Failure::InvalidChain(ChainProblem::NameConstraints))
    );
}

/// The CN of a leaf without DNS-IDs stands in for a DNS-ID (RFC 7672
/// §3.2.3), so it must satisfy the path's dNSName constraints like one:
/// otherwise a CA constrained to one domain names any host through the CN.
#[test]
fn name_constraints_bind_the_common_name() {
    let root = root(Alg::P256, Spec::ca("mxtrust test root"));
    let violated = Outcome::Failed(Failure::InvalidChain(ChainProblem::NameConstraints));
    let permitted = constrained_int(&root, &["example.test"], &[]);
    let excluded = constrained_int(&root, &[], &["victim.test", "localhost"]);
    // (issuer, CN, reference identifier, authenticated?)
    let cases: &[(&Ca, &str, &str, bool)] = &[
        (&permitted, "mx.example.test", "mx.example.test", true),
        (&permitted, "mx.victim.test", "mx.victim.test", false),
        (&permitted, "MX.VICTIM.TEST.", "mx.victim.test", false),
        (&permitted, "*.victim.test", "mx.victim.test", false),
        (
            &permitted,
            "example.test.victim.test",
            "example.test.victim.test",
            false,
        ),
        (&excluded, "mx.other.test", "mx.other.test", true),
        (&excluded, "mx.victim.test", "mx.victim.test", false),
        (&excluded, "Mx.Victim.Test.", "mx.victim.test", false),
        (&excluded, "victim.test", "victim.test", false),
        (&excluded, "*.victim.test", "mx.victim.test", false),
        (&excluded, "localhost", "localhost", false),
        (&excluded, "notvictim.test", "notvictim.test", true),
    ];
    for (int, cn, reference, ok) in cases {
        let leaf = cn_only_leaf(int, cn);
        let expected = if *ok {
            authenticated(0, CertUsage::DaneTa, 1)
        } else {
            violated
        };
        // The constrained CA as the anchor, presented.
        let (outcome, _) = run_with(
            &[&leaf.der, &int.der],
            &[Record::of(2, 1, 1, int)],
            &[reference],
            &options(),
        );
        assert_eq!(outcome, expected, "anchor {cn:?} for {reference:?}");
        // The constrained CA as an intermediate below the anchor.
        let (outcome, _) = run_with(
            &[&leaf.der, &int.der, &root.der],
            &[Record::of(2, 1, 1, &root)],
            &[reference],
            &options(),
        );
        let expected = match expected {
            Outcome::Authenticated(_) => authenticated(0, CertUsage::DaneTa, 2),
            other => other,
        };
        assert_eq!(outcome, expected, "intermediate {cn:?} for {reference:?}");
        // The constrained CA from a `2 0 0` record.
        let (outcome, _) = run_with(
            &[&leaf.der],
            &[Record::of(2, 0, 0, int)],
            &[reference],
            &options(),
        );
        let expected = match expected {
            Outcome::Authenticated(_) => from_dns(1),
            other => other,
        };
        assert_eq!(outcome, expected, "2 0 0 {cn:?} for {reference:?}");
    }
    // A leaf with a DNS-ID is judged by it, its CN aside.
    let leaf = issue(
        &permitted,
        Alg::P256,
        Spec::leaf(&["mx.example.test"]).cn("mx.victim.test"),
    );
    let (outcome, _) = run(
        &[&leaf.der, &permitted.der],
        &[Record::of(2, 1, 1, &permitted)],
    );
    assert_eq!(outcome, authenticated(0, CertUsage::DaneTa, 1));
}

/// `cA FALSE` encoded explicitly is read as no CA, as OpenSSL and
/// rustls-webpki read it; before, the leaf did not parse, DANE-TA failed
/// (a false bounce) and a `3 0 0` record holding it was unusable, so that as
/// the only record it made any chain "TLS without authentication".
#[test]
fn explicit_ca_false_is_read() {
    let pki = Pki::new(Alg::P256);
    let leaf = explicit_ca_false_leaf(&pki.int, &["mx.example.test"]);
    assert!(mxtrust::cert::Certificate::parse(&leaf.der).is_ok());
    let chain: [&[u8]; 2] = [&leaf.der, &pki.int.der];
    let (outcome, _) = run(&chain, &[Record::of(2, 1, 1, &pki.int)]);
    assert_eq!(outcome, authenticated(0, CertUsage::DaneTa, 1));
    let (outcome, _) = run(&chain, &[Record::of(3, 0, 0, &leaf)]);
    assert_eq!(outcome, authenticated(0, CertUsage::DaneEe, 0));
    // The record names this leaf; an impostor's chain must fail, not pass
    // as unauthenticated TLS.
    let (outcome, report) = run(&pki.chain(), &[Record::of(3, 0, 0, &leaf)]);
    assert_eq!(outcome, Outcome::Failed(Failure::NoMatch));
    assert_eq!(report, [RecordStatus::NotMatched]);
}

/// A Full(0) record is unusable only when matching cannot use its data:
/// `3 0 0` needs one DER SEQUENCE, `2 0 0` a readable subject and key.
#[test]
fn full_certificate_records_are_unusable_only_when_matching_cannot_use_them() {
    let pki = Pki::new(Alg::P256);
    // A SEQUENCE that is no certificate can match nothing, but is usable.
    let not_a_cert = Record(3, 0, 0, vec![0x30, 0x03, 0x02, 0x01, 0x05]);
    let (outcome, report) = run(&pki.chain(), &[not_a_cert]);
    assert_eq!(outcome, Outcome::Failed(Failure::NoMatch));
    assert_eq!(report, [RecordStatus::NotMatched]);
    // Trailing bytes, or no SEQUENCE at all: unusable.
    let mut trailing = pki.leaf.der.clone();
    trailing.push(0);
    for data in [trailing, vec![0x04, 0x00], vec![0x30, 0x05, 0x00]] {
        let (outcome, report) = run(&pki.chain(), &[Record(3, 0, 0, data.clone())]);
        assert_eq!(outcome, Outcome::Unauthenticated, "{data:02x?}");
        assert_eq!(
            report,
            [RecordStatus::Unusable(Unusable::MalformedCertificate)]
        );
    }
    // `2 0 0` with the intermediate's DER whose signature value is cut:
    // subject and key are readable, so the record is usable.
    let mut cut = pki.int.der.clone();
    let (subject_end, total) = (cut.len() - 8, cut.len());
    cut.truncate(subject_end);
    let fix_len = |v: &mut Vec<u8>, shrink: usize| {
        // Outer SEQUENCE with a two-octet length: 30 82 hi lo.
        assert_eq!(v[..2], [0x30, 0x82]);
        let len = u16::from_be_bytes([v[2], v[3]]) as usize - shrink;
        v[2..4].copy_from_slice(&(len as u16).to_be_bytes());
    };
    fix_len(&mut cut, total - subject_end);
    let rec = Record(2, 0, 0, cut.clone());
    assert!(
        rec.tlsa()
            .usability(ProfileKind::Smtp, &DigestPreference::SHA512_SHA256)
            .is_ok()
    );
    assert!(
        Record(3, 0, 0, cut)
            .tlsa()
            .usability(ProfileKind::Smtp, &DigestPreference::SHA512_SHA256)
            .is_ok()
    );
    // A `2 0 0` that is one SEQUENCE without a readable subject: unusable.
    let seq = Record(2, 0, 0, vec![0x30, 0x03, 0x02, 0x01, 0x05]);
    assert_eq!(
        seq.tlsa()
            .usability(ProfileKind::Smtp, &DigestPreference::SHA512_SHA256),
        Err(Unusable::MalformedCertificate)
    );
}

#[test]
fn signatures_under_dane_ta() {
    let pki = Pki::new(Alg::P256);
    // Same issuer name, different key: the leaf's signature does not verify.
    let impostor = issue(&pki.root, Alg::P256, Spec::ca("mxtrust test intermediate"));
    let forged = issue(&impostor, Alg::P256, Spec::leaf(&["mx.example.test"]));
    let (outcome, _) = run(
        &[&forged.der, &pki.int.der],
        &[Record::of(2, 1, 1, &pki.int)],
    );
    assert_eq!(outcome, Outcome::Failed(Failure::BadSignature));
    // No signature algorithms: DANE-TA cannot verify anything.
    let (outcome, _) = run_with(
        &pki.chain(),
        &[Record::of(2, 1, 1, &pki.int)],
        NAMES,
        &Options::new(mxtrust::time::unix_time(NOW), &[]),
    );
    assert_eq!(
        outcome,
        Outcome::Failed(Failure::UnsupportedSignatureAlgorithm)
    );
    // ... but DANE-EE needs none.
    let (outcome, _) = run_with(
        &pki.chain(),
        &[Record::of(3, 1, 1, &pki.leaf)],
        NAMES,
        &Options::new(mxtrust::time::unix_time(NOW), &[]),
    );
    assert_eq!(outcome, authenticated(0, CertUsage::DaneEe, 0));
}

#[test]
fn malformed_certificates() {
    let pki = Pki::new(Alg::P256);
    let garbage: &[u8] = b"\x30\x03\x02\x01\x00";
    // Selector 0 hashes raw bytes: no parsing needed.
    let raw = Record(3, 0, 1, sha256(garbage));
    let (outcome, _) = run(&[garbage], &[raw]);
    assert_eq!(outcome, authenticated(0, CertUsage::DaneEe, 0));
    // Selector 1 needs the SPKI.
    let (outcome, _) = run(&[garbage], &[Record(3, 1, 1, vec![0; 32])]);
    assert_eq!(
        outcome,
        Outcome::Failed(Failure::MalformedCertificate { depth: Some(0) })
    );
    // A malformed extra certificate does not hurt DANE-TA.
    let chain: Vec<&[u8]> = vec![&pki.leaf.der, garbage, &pki.int.der];
    let (outcome, _) = run(&chain, &[Record::of(2, 1, 1, &pki.int)]);
    assert_eq!(outcome, authenticated(0, CertUsage::DaneTa, 2));
    // Truncated leaf under DANE-TA.
    let truncated = &pki.leaf.der[..pki.leaf.der.len() - 1];
    let (outcome, _) = run(&[truncated, &pki.int.der], &[Record::of(2, 1, 1, &pki.int)]);
    assert_eq!(
        outcome,
        Outcome::Failed(Failure::MalformedCertificate { depth: Some(0) })
    );
}

#[test]
fn generic_profile_pkix_usages() {
    let pki = Pki::new(Alg::P256);
    let anchor_der = rustls_pki_types::CertificateDer::from(pki.root.der.as_slice());
    let anchors = [webpki::anchor_from_trusted_cert(&anchor_der).unwrap()];
    let mut generic = options();
    generic.profile = Profile::Generic {
        trust_anchors: &anchors,
        anchor_certificates: &[],
    };
    // PKIX-EE: match and PKIX path.
    let (outcome, _) = run_with(
        &pki.chain(),
        &[Record::of(1, 1, 1, &pki.leaf)],
        NAMES,
        &generic,
    );
    assert_eq!(outcome, authenticated(0, CertUsage::PkixEe, 0));
    // PKIX-TA on the intermediate, and on the anchor's key.
    let (outcome, _) = run_with(
        &pki.chain(),
        &[Record::of(0, 0, 1, &pki.int)],
        NAMES,
        &generic,
    );
    assert_eq!(outcome, authenticated(0, CertUsage::PkixTa, 1));
    let (outcome, _) = run_with(
        &pki.chain(),
        &[Record::of(0, 1, 2, &pki.root)],
        NAMES,
        &generic,
    );
    assert_eq!(
        outcome,
        authenticated_by(0, CertUsage::PkixTa, 2, AnchorSource::TrustStore)
    );
    // PKIX-TA naming a CA not on the path.
    let other = Pki::new(Alg::P256);
    let (outcome, report) = run_with(
        &pki.chain(),
        &[Record::of(0, 1, 1, &other.int)],
        NAMES,
        &generic,
    );
    assert_eq!(outcome, Outcome::Failed(Failure::NoMatch));
    assert_eq!(report, [RecordStatus::NotMatched]);
    // No PKIX path: the matching PKIX-EE record is rejected.
    let mut untrusted = options();
    untrusted.profile = Profile::Generic {
        trust_anchors: &[],
        anchor_certificates: &[],
    };
    let (outcome, _) = run_with(
        &pki.chain(),
        &[Record::of(1, 1, 1, &pki.leaf)],
        NAMES,
        &untrusted,
    );
    assert_eq!(outcome, Outcome::Failed(Failure::IssuerNotFound));
    // Wrong name under PKIX-EE.
    let (outcome, _) = run_with(
        &pki.chain(),
        &[Record::of(1, 1, 1, &pki.leaf)],
        &["other.test"],
        &generic,
    );
    assert_eq!(outcome, Outcome::Failed(Failure::NameMismatch));
}

/// PKIX-TA records may name a trust-store anchor the server did not send,
/// by key or by whole certificate; a `0 0 0` record's certificate may
/// complete a path the server left short (as OpenSSL lets it), and still
/// needs a PKIX path to the trust store.
#[test]
fn pkix_ta_names_anchors_the_server_did_not_send() {
    let pki = Pki::new(Alg::P256);
    let anchor_der = rustls_pki_types::CertificateDer::from(pki.root.der.as_slice());
    let anchors = [webpki::anchor_from_trusted_cert(&anchor_der).unwrap()];
    let certificates: [&[u8]; 1] = [&pki.root.der];
    let mut generic = options();
    generic.profile = Profile::Generic {
        trust_anchors: &anchors,
        anchor_certificates: &certificates,
    };
    let from_store = authenticated_by(0, CertUsage::PkixTa, 2, AnchorSource::TrustStore);
    for (selector, mtype) in [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (1, 2)] {
        let record = Record::of(0, selector, mtype, &pki.root);
        let (outcome, _) = run_with(&pki.chain(), &[record], NAMES, &generic);
        assert_eq!(outcome, from_store, "0 {selector} {mtype}");
    }
    // Without the anchors' certificates, only selector SPKI(1) can match.
    let mut keys_only = generic;
    keys_only.profile = Profile::Generic {
        trust_anchors: &anchors,
        anchor_certificates: &[],
    };
    let (outcome, _) = run_with(
        &pki.chain(),
        &[Record::of(0, 0, 1, &pki.root)],
        NAMES,
        &keys_only,
    );
    assert_eq!(outcome, Outcome::Failed(Failure::NoMatch));
    // The intermediate left out by the server, supplied by a `0 0 0` record.
    let (outcome, _) = run_with(
        &[&pki.leaf.der],
        &[Record::of(0, 0, 0, &pki.int)],
        NAMES,
        &generic,
    );
    assert_eq!(
        outcome,
        authenticated_by(0, CertUsage::PkixTa, 1, AnchorSource::Dns)
    );
    // ... but not by its digest, which carries no certificate.
    let (outcome, _) = run_with(
        &[&pki.leaf.der],
        &[Record::of(0, 0, 1, &pki.int)],
        NAMES,
        &generic,
    );
    assert_eq!(outcome, Outcome::Failed(Failure::IssuerNotFound));
    // A record certificate that does not reach the trust store adds nothing
    // (its root has the trusted root's name, not its key).
    let other = Pki::new(Alg::P256);
    let (outcome, _) = run_with(
        &[&other.leaf.der],
        &[Record::of(0, 0, 0, &other.int)],
        NAMES,
        &generic,
    );
    assert_eq!(outcome, Outcome::Failed(Failure::BadSignature));
}

/// A certificate with a critical extension that path validation does not
/// process is no trust anchor (RFC 5280 §4.2), whether the caller offers it
/// or a DANE-TA record names it.
#[test]
fn anchors_with_unknown_critical_extensions_are_refused() {
    let root = root(Alg::P256, Spec::ca("mxtrust test root"));
    let mut params = Spec::ca("critical int").params();
    let mut ext =
        rcgen::CustomExtension::from_oid_content(&[1, 3, 6, 1, 4, 1, 99999, 1], vec![0x05, 0x00]);
    ext.set_criticality(true);
    params.custom_extensions.push(ext);
    let int = issue_with_params(&root, key(Alg::P256), params);
    let parsed = mxtrust::cert::Certificate::parse(&int.der).unwrap();
    assert!(parsed.has_unsupported_critical_extension());
    assert_eq!(
        parsed.trust_anchor(),
        Err(Error::UnsupportedCriticalExtension)
    );
    let ok = mxtrust::cert::Certificate::parse(&root.der).unwrap();
    assert!(!ok.has_unsupported_critical_extension());
    assert!(ok.trust_anchor().is_ok());
    let leaf = issue(&int, Alg::P256, Spec::leaf(&["mx.example.test"]));
    let refused = Outcome::Failed(Failure::InvalidChain(
        ChainProblem::UnsupportedCriticalExtension,
    ));
    let (outcome, _) = run(&[&leaf.der, &int.der], &[Record::of(2, 1, 1, &int)]);
    assert_eq!(outcome, refused);
    let (outcome, _) = run(&[&leaf.der], &[Record::of(2, 0, 0, &int)]);
    assert_eq!(outcome, refused);
}

#[test]
fn caller_errors_write_nothing() {
    let pki = Pki::new(Alg::P256);
    let record = Record::of(3, 1, 1, &pki.leaf);
    let tlsa = [record.tlsa()];
    let sentinel = RecordStatus::Superseded;
    let options = options();
    let max_chain: Vec<&[u8]> = vec![&pki.leaf.der; mxtrust::limits::MAX_CHAIN_LEN];
    let many = vec![record.tlsa(); mxtrust::limits::MAX_TLSA_RECORDS + 1];
    let names17 = vec!["mx.example.test"; mxtrust::limits::MAX_REFERENCE_IDS + 1];
    let cases: Vec<(&[&[u8]], &[Tlsa<'_>], &[&str], usize, Error)> = vec![
        (&[], &tlsa, NAMES, 1, Error::EmptyChain),
        (&max_chain, &many, NAMES, 65, Error::TooManyRecords),
        (
            &max_chain,
            &tlsa,
            NAMES,
            0,
            Error::BufferTooSmall { needed: 1 },
        ),
        (&max_chain, &tlsa, &[], 1, Error::NoReferenceIds),
        (&max_chain, &tlsa, &names17, 1, Error::TooManyReferenceIds),
        (
            &max_chain,
            &tlsa,
            &["bad name"],
            1,
            Error::InvalidReferenceName,
        ),
    ];
    for (chain, records, names, report_len, error) in cases {
        let mut report = vec![sentinel; report_len];
        assert_eq!(
            dane::verify(chain, records, names, &options, &mut report),
            Err(error),
            "{error:?}"
        );
        assert!(
            report.iter().all(|s| *s == sentinel),
            "{error:?} wrote the report"
        );
    }
    // At the limits exactly, verification runs.
    let records = vec![record.tlsa(); mxtrust::limits::MAX_TLSA_RECORDS];
    let names16 = vec!["mx.example.test"; mxtrust::limits::MAX_REFERENCE_IDS];
    let mut report = vec![sentinel; records.len()];
    let outcome = dane::verify(&max_chain, &records, &names16, &options, &mut report).unwrap();
    assert_eq!(outcome, authenticated(0, CertUsage::DaneEe, 0));
}

/// Chain length and certificate size are the server's choice: past the
/// limits they give a verdict, never an `Err` that a caller could take for
/// "no DANE" and so fail open. DANE-EE still matches the leaf (RFC 7672
/// §3.1.1); records that need a path are rejected.
#[test]
fn what_the_server_controls_gets_a_verdict() {
    let pki = Pki::new(Alg::P256);
    let big = vec![0x30u8; mxtrust::limits::MAX_CERTIFICATE_LEN + 1];
    let mut long: Vec<&[u8]> = vec![&pki.leaf.der, &pki.int.der];
    long.resize(mxtrust::limits::MAX_CHAIN_LEN + 1, &pki.root.der);
    let with_big: Vec<&[u8]> = vec![&pki.leaf.der, &big, &pki.int.der];
    let too_long = Failure::ChainTooLong;
    let too_large = Failure::CertificateTooLarge { depth: Some(1) };
    for (chain, failure) in [(&long, too_long), (&with_big, too_large)] {
        let ee = Record::of(3, 1, 1, &pki.leaf);
        let ta = Record::of(2, 1, 1, &pki.int);
        let (outcome, report) = run(chain, &[ee.clone(), ta.clone()]);
        assert_eq!(outcome, authenticated(0, CertUsage::DaneEe, 0));
        assert_eq!(report[1], RecordStatus::Skipped);
        let (outcome, report) = run(chain, &[ee.corrupted(), ta]);
        assert_eq!(outcome, Outcome::Failed(failure));
        assert_eq!(outcome.result_type(), Some(ResultType::ValidationFailure));
        assert_eq!(
            report,
            [
                RecordStatus::NotMatched,
                RecordStatus::Rejected {
                    depth: None,
                    failure
                }
            ]
        );
    }
    // A leaf past the limit: `3 0 1` still compares its digest, `3 1 1`
    // cannot read its key.
    let big_leaf: Vec<&[u8]> = vec![&big];
    let (outcome, _) = run(&big_leaf, &[Record(3, 0, 1, sha256(&big))]);
    assert_eq!(outcome, authenticated(0, CertUsage::DaneEe, 0));
    let (outcome, _) = run(&big_leaf, &[Record::of(3, 1, 1, &pki.leaf)]);
    assert_eq!(
        outcome,
        Outcome::Failed(Failure::CertificateTooLarge { depth: Some(0) })
    );
    // The MTA-STS check fails too, with a result type.
    let anchors = [mxtrust::cert::Certificate::parse(&pki.root.der)
        .unwrap()
        .trust_anchor()
        .unwrap()];
    for (chain, failure) in [(&long, too_long), (&with_big, too_large)] {
        assert_eq!(
            mxtrust::sts::check_certificate(
                chain,
                b"mx.example.test",
                mxtrust::time::unix_time(NOW),
                &anchors,
                ALGORITHMS
            ),
            Ok(mxtrust::sts::CertOutcome::Invalid(failure))
        );
    }
}

#[test]
fn result_types_of_failures() {
    let cases = [
        (Failure::NoMatch, ResultType::CertificateNotTrusted),
        (Failure::NameMismatch, ResultType::CertificateHostMismatch),
        (
            Failure::Expired { depth: Some(1) },
            ResultType::CertificateExpired,
        ),
        (
            Failure::NotYetValid { depth: None },
            ResultType::ValidationFailure,
        ),
        (Failure::IssuerNotFound, ResultType::CertificateNotTrusted),
        (Failure::BadSignature, ResultType::CertificateNotTrusted),
        (
            Failure::MalformedCertificate { depth: Some(0) },
            ResultType::ValidationFailure,
        ),
    ];
    for (failure, result_type) in cases {
        assert_eq!(failure.result_type(), result_type, "{failure:?}");
        assert_eq!(Outcome::Failed(failure).result_type(), Some(result_type));
    }
    assert_eq!(
        Failure::Expired { depth: Some(2) }.to_string(),
        "certificate expired at depth 2"
    );
}

/// Outcome and record-status codes are published in JSON: unique, kebab-case.
#[test]
fn outcome_and_status_codes() {
    let outcomes = [
        authenticated(0, CertUsage::DaneEe, 0),
        Outcome::Unauthenticated,
        Outcome::Failed(Failure::NoMatch),
    ];
    let codes: Vec<&str> = outcomes.iter().map(Outcome::code).collect();
    assert_eq!(codes, ["authenticated", "unauthenticated-tls", "failed"]);
    let statuses = [
        RecordStatus::Unusable(Unusable::EmptyData),
        RecordStatus::Superseded,
        RecordStatus::NotMatched,
        RecordStatus::Matched { depth: Some(0) },
        RecordStatus::Skipped,
        RecordStatus::Rejected {
            depth: None,
            failure: Failure::NoMatch,
        },
    ];
    let codes: Vec<&str> = statuses.iter().map(RecordStatus::code).collect();
    assert_eq!(
        codes,
        [
            "unusable",
            "superseded",
            "not-matched",
            "matched",
            "skipped",
            "rejected"
        ]
    );
}

/// `verify_ee` agrees with `verify` whenever DANE-EE decides, and can only
/// refuse where `verify` would need a DANE-TA path.
#[test]
fn verify_ee_agrees_with_verify_on_dane_ee() {
    let pki = Pki::new(Alg::P256);
    let chain = pki.chain();
    let ee = Record::of(3, 1, 1, &pki.leaf);
    let ee512 = Record::of(3, 1, 2, &pki.leaf);
    let full = Record::of(3, 0, 0, &pki.leaf);
    let ta = Record::of(2, 1, 1, &pki.int);
    let cases: Vec<Vec<Record>> = vec![
        vec![ee.clone()],
        vec![ee512.clone()],
        vec![full.clone()],
        vec![ee.clone().corrupted()],
        vec![ee.clone().corrupted(), ee512.clone()],
        vec![ta.clone(), ee.clone()],
        vec![Record(3, 1, 1, vec![])],
    ];
    for records in &cases {
        let tlsa: Vec<Tlsa<'_>> = records.iter().map(Record::tlsa).collect();
        let mut a = vec![RecordStatus::EMPTY; tlsa.len()];
        let mut b = vec![RecordStatus::EMPTY; tlsa.len()];
        let full = dane::verify(&chain, &tlsa, NAMES, &options(), &mut a).unwrap();
        let ee_only = dane::verify_ee(&chain, &tlsa, NAMES, &options(), &mut b).unwrap();
        assert_eq!(full, ee_only, "{records:?}");
        assert_eq!(a, b, "{records:?}");
    }
    // A DANE-TA record alone: verify authenticates through the path,
    // verify_ee cannot, and refuses rather than guess.
    let tlsa = [ta.tlsa()];
    let mut report = [RecordStatus::EMPTY];
    assert_eq!(
        dane::verify_ee(&chain, &tlsa, NAMES, &options(), &mut report),
        Ok(Outcome::Failed(Failure::NoMatch))
    );
    assert_eq!(report, [RecordStatus::Skipped]);
    // Names under DANE-EE when asked, as verify does.
    let mut named = options();
    named.ee_name_checks = true;
    let mut report = [RecordStatus::EMPTY];
    assert_eq!(
        dane::verify_ee(&chain, &[ee.tlsa()], &["other.test"], &named, &mut report),
        Ok(Outcome::Failed(Failure::NameMismatch))
    );
    // Caller errors are verify's.
    assert_eq!(
        dane::verify_ee(&[], &[ee.tlsa()], NAMES, &options(), &mut report),
        Err(Error::EmptyChain)
    );
}
