//! `MxVerifier` in in-memory handshakes against a rustls server presenting
//! the fixture chains (tests/fixtures/dane: mx.example.test under p256-int
//! under p256-root): what it accepts, what it refuses and with which code
//! and TLSRPT result type, what the report holds, and that a chain copied
//! from another server fails on the handshake signature even when the
//! TLSA record matches it.

use std::sync::Arc;

mod common;
use common::*;
use mxtrust::dane::RecordStatus;
use mxtrust::decision::{Action, DnssecStatus};
use mxtrust::{MatchingType, Selector};
use mxtrust_rustls::{
    ConfigError, Dane, MxVerifier, Outcome, Refusal, Report, Rule, Sts, Verdict, mx_client_config,
};
use rustls::pki_types::ServerName;
use rustls::{ClientConnection, RootCertStore};

const TLS12: &[&rustls::SupportedProtocolVersion] = &[&rustls::version::TLS12];
const TLS13: &[&rustls::SupportedProtocolVersion] = &[&rustls::version::TLS13];

/// `usage selector matching-type` and the data of `cert` (a fixture name).
fn tlsa(usage: u8, selector: Selector, matching: MatchingType, cert: &str) -> Vec<u8> {
    let mut data = [0u8; 64];
    let len =
        mxtrust::tlsa::association_data(der(cert).as_ref(), selector, matching, &mut data).unwrap();
    let mut rdata = vec![usage, u8::from(selector), u8::from(matching)];
    rdata.extend_from_slice(&data[..len]);
    rdata
}

fn ee(cert: &str) -> Vec<u8> {
    tlsa(3, Selector::Spki, MatchingType::Sha256, cert)
}

fn ta(cert: &str) -> Vec<u8> {
    tlsa(2, Selector::Spki, MatchingType::Sha256, cert)
}

fn dane(records: Vec<Vec<u8>>) -> Rule {
    Dane::new(records, DnssecStatus::Secure, ["mx.example.test"])
        .unwrap()
        .into()
}

fn roots(cert: &str) -> RootCertStore {
    let mut store = RootCertStore::empty();
    store.add(der(cert)).unwrap();
    store
}

const ENFORCE: &str = "version: STSv1\nmode: enforce\nmx: mx.example.test\nmax_age: 86400\n";
const ENFORCE_OTHER: &str =
    "version: STSv1\nmode: enforce\nmx: other.example.test\nmax_age: 86400\n";
const TESTING: &str = "version: STSv1\nmode: testing\nmx: *.example.test\nmax_age: 86400\n";

fn sts(policy: &str, root: &str) -> Rule {
    Sts::new(policy, "mx.example.test", roots(root))
        .unwrap()
        .into()
}

/// The handshake's result and the verifier's report, for a server
/// presenting the P-256 chain (`p256()`) unless `key` says otherwise.
fn connect(
    rule: Rule,
    key: Arc<rustls::sign::CertifiedKey>,
    versions: &[&'static rustls::SupportedProtocolVersion],
) -> (Result<(), rustls::Error>, Report) {
    let verifier = Arc::new(MxVerifier::new(&provider(), rule));
    let report = verifier.report();
    let config = mx_client_config(provider(), verifier).unwrap();
    let name = ServerName::try_from("mx.example.test").unwrap();
    let mut client = ClientConnection::new(Arc::new(config), name).unwrap();
    let mut server = server(vec![key], versions);
    let result = drive(&mut client, &mut server);
    (result, report)
}

fn verdict(report: &Report) -> Verdict {
    report.verdict().expect("the chain was judged")
}

/// Accepted with a verified handshake signature, under both versions.
fn assert_accepted(rule: &Rule, code: &str, result_type: Option<&str>) -> Verdict {
    let mut last = None;
    for versions in [TLS13, TLS12] {
        let (result, report) = connect(rule.clone(), p256(), versions);
        assert!(result.is_ok(), "{versions:?}: {result:?}");
        let v = verdict(&report);
        assert!(v.accepted() && v.signature_verified, "{versions:?}: {v:?}");
        assert_eq!(v.code(), code, "{versions:?}");
        assert_eq!(v.result_type().map(|r| r.as_str()), result_type);
        assert_eq!(v.presented, p256().cert);
        last = Some(v);
    }
    last.unwrap()
}

/// Refused under both versions, with `refusal` in the rustls error and in
/// the report, and the TLSRPT result type.
fn assert_refused(rule: &Rule, refusal: Refusal, code: &str, result_type: &str) {
    for versions in [TLS13, TLS12] {
        let (result, report) = connect(rule.clone(), p256(), versions);
        let error = result.expect_err("refused");
        assert_eq!(
            Refusal::find(&error),
            Some(refusal),
            "{versions:?}: {error:?}"
        );
        let v = verdict(&report);
        assert_eq!(v.refusal, Some(refusal));
        assert!(!v.accepted() && !v.signature_verified);
        assert_eq!(v.code(), code);
        assert_eq!(refusal.code(), code);
        assert_eq!(v.result_type().map(|r| r.as_str()), Some(result_type));
    }
}

#[test]
fn dane_ee_authenticates_the_leaf() {
    let v = assert_accepted(&dane(vec![ee("p256-leaf.der")]), "authenticated", None);
    let Outcome::Dane { outcome, records } = v.outcome else {
        panic!("{v:?}")
    };
    assert_eq!(outcome.code(), "authenticated");
    assert_eq!(records, [RecordStatus::Matched { depth: Some(0) }]);
}

#[test]
fn dane_ta_authenticates_through_the_intermediate() {
    let v = assert_accepted(&dane(vec![ta("p256-int.der")]), "authenticated", None);
    let Outcome::Dane { records, .. } = v.outcome else {
        panic!("{v:?}")
    };
    assert_eq!(records, [RecordStatus::Matched { depth: Some(1) }]);
}

#[test]
fn dane_wrong_data_is_refused() {
    use mxtrust::chain::Failure;
    // Another server's key: a valid record that matches nothing presented.
    let rule = dane(vec![ee("rsa-leaf.der"), ta("rsa-int.der")]);
    assert_refused(
        &rule,
        Refusal::Dane(Failure::NoMatch),
        "no-match",
        "certificate-not-trusted",
    );
}

#[test]
fn dane_ta_name_mismatch_is_refused() {
    use mxtrust::chain::Failure;
    let rule: Rule = Dane::new(
        [ta("p256-int.der")],
        DnssecStatus::Secure,
        ["name.example.test"],
    )
    .unwrap()
    .into();
    assert_refused(
        &rule,
        Refusal::Dane(Failure::NameMismatch),
        "name-mismatch",
        "certificate-host-mismatch",
    );
}

#[test]
fn all_records_unusable_is_unauthenticated_tls() {
    // RFC 7672 §2.2: PKIX-EE is unusable for SMTP, and so is matching type
    // 255: TLS without authentication, reported as tlsa-invalid.
    let mut private = ee("p256-leaf.der");
    private[2] = 255;
    let rule = dane(vec![
        tlsa(1, Selector::Spki, MatchingType::Sha256, "p256-leaf.der"),
        private,
    ]);
    assert_accepted(&rule, "unauthenticated-tls", Some("tlsa-invalid"));
}

#[test]
fn evaluate_all_records_gives_every_status() {
    let records = vec![ee("p256-leaf.der"), ta("p256-int.der")];
    let quick = assert_accepted(&dane(records.clone()), "authenticated", None);
    let all: Rule = Dane::new(records, DnssecStatus::Secure, ["mx.example.test"])
        .unwrap()
        .evaluate_all_records(true)
        .into();
    let full = assert_accepted(&all, "authenticated", None);
    let statuses = |v: Verdict| match v.outcome {
        Outcome::Dane { records, .. } => records,
        other => panic!("{other:?}"),
    };
    assert_eq!(statuses(quick)[1], RecordStatus::Skipped);
    assert_eq!(statuses(full)[1], RecordStatus::Matched { depth: Some(1) });
}

/// The leaf the TLSA record names, presented by a server that holds another
/// key (the intermediate's): DANE accepts the chain, the handshake fails on
/// the signature, and the report says the signature did not verify.
#[test]
fn a_copied_certificate_fails_on_the_signature() {
    let copied = certified(&["p256-leaf.der", "p256-int.der"], "p256-int.key.pem");
    for versions in [TLS13, TLS12] {
        let (result, report) = connect(dane(vec![ee("p256-leaf.der")]), copied.clone(), versions);
        let error = result.expect_err("a signature by another key must fail");
        assert!(
            matches!(
                error,
                rustls::Error::InvalidCertificate(rustls::CertificateError::BadSignature)
            ),
            "{versions:?}: {error:?}"
        );
        assert_eq!(Refusal::find(&error), None);
        let v = verdict(&report);
        assert!(v.accepted() && !v.signature_verified, "{v:?}");
    }
}

#[test]
fn dane_needs_a_secure_rrset() {
    for status in [
        DnssecStatus::Insecure,
        DnssecStatus::Bogus,
        DnssecStatus::LookupError,
    ] {
        let error = Dane::new([ee("p256-leaf.der")], status, ["mx.example.test"]).unwrap_err();
        assert_eq!(error, ConfigError::NotSecure(status));
        assert_eq!(error.code(), "tlsa-not-secure");
    }
    let none: [Vec<u8>; 0] = [];
    let error = Dane::new(none, DnssecStatus::Secure, ["mx.example.test"]).unwrap_err();
    assert_eq!(error, ConfigError::NoRecords);
}

#[test]
fn dane_inputs_are_checked_when_the_rule_is_made() {
    // (rdata, names, expected code)
    let cases: &[(&[u8], &[&str], &str)] = &[
        (&[3, 1], &["mx.example.test"], "tlsa-rdata-too-short"),
        (&[3, 1, 1, 0xab], &[], "no-reference-ids"),
        (&[3, 1, 1, 0xab], &["192.0.2.1"], "ip-address-reference"),
        (&[3, 1, 1, 0xab], &["bad name"], "invalid-reference-name"),
    ];
    for (rdata, names, code) in cases {
        let error = Dane::new(
            [rdata.to_vec()],
            DnssecStatus::Secure,
            names.iter().copied(),
        )
        .expect_err(code);
        assert_eq!(error.code(), *code, "{rdata:?} {names:?}");
    }
}

#[test]
fn sts_enforce_validates_to_the_roots() {
    let v = assert_accepted(&sts(ENFORCE, "p256-root.der"), "require-sts", None);
    let Outcome::Sts { certificate, .. } = v.outcome else {
        panic!("{v:?}")
    };
    assert_eq!(certificate, Some(mxtrust::sts::CertOutcome::Valid));
}

#[test]
fn sts_enforce_untrusted_root_is_refused() {
    use mxtrust::chain::Failure;
    assert_refused(
        &sts(ENFORCE, "rsa-root.der"),
        Refusal::Sts(Failure::IssuerNotFound),
        "issuer-not-found",
        "certificate-not-trusted",
    );
}

#[test]
fn sts_enforce_unlisted_mx_is_refused() {
    let rule = sts(ENFORCE_OTHER, "p256-root.der");
    let Rule::Sts(inner) = &rule else { panic!() };
    let decision = inner.decision();
    assert_eq!(decision.action, Action::SkipMx);
    assert_refused(
        &rule,
        Refusal::Decision(decision),
        "skip-mx",
        "validation-failure",
    );
}

#[test]
fn sts_enforce_host_not_named_by_the_certificate_is_refused() {
    use mxtrust::chain::Failure;
    let policy = "version: STSv1\nmode: enforce\nmx: *.example.test\nmax_age: 86400\n";
    let rule: Rule = Sts::new(policy, "other.example.test", roots("p256-root.der"))
        .unwrap()
        .into();
    assert_refused(
        &rule,
        Refusal::Sts(Failure::NameMismatch),
        "name-mismatch",
        "certificate-host-mismatch",
    );
}

#[test]
fn sts_testing_delivers_and_reports() {
    assert_accepted(
        &sts(TESTING, "rsa-root.der"),
        "sts-testing",
        Some("certificate-not-trusted"),
    );
    assert_accepted(&sts(TESTING, "p256-root.der"), "sts-testing", None);
}

#[test]
fn sts_policy_is_checked_when_the_rule_is_made() {
    let error = Sts::new(
        "version: STSv1\nmode: enforce\n",
        "mx.example.test",
        roots("p256-root.der"),
    )
    .unwrap_err();
    assert!(matches!(error, ConfigError::Policy(_)), "{error:?}");
    let error = Sts::new(ENFORCE, ".example.test", roots("p256-root.der")).unwrap_err();
    assert_eq!(error.code(), "invalid-reference-name");
}

#[test]
fn refusals_survive_io_wrapping() {
    use mxtrust::chain::Failure;
    let refusal = Refusal::Sts(Failure::Expired { depth: Some(0) });
    let io = std::io::Error::new(
        std::io::ErrorKind::InvalidData,
        rustls::Error::from(refusal),
    );
    assert_eq!(Refusal::find(&io), Some(refusal));
    assert_eq!(refusal.result_type().as_str(), "certificate-expired");
    let other = std::io::Error::other("unrelated");
    assert_eq!(Refusal::find(&other), None);
}
