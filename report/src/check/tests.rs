use mxtrust::decision::{DnssecStatus, TlsaStatus};

use super::rules::tlsa_status;
use super::*;

const LEAF: &[u8] = include_bytes!("../../../tests/fixtures/dane/p256-leaf.der");
const INT: &[u8] = include_bytes!("../../../tests/fixtures/dane/p256-int.der");
const ROOT: &[u8] = include_bytes!("../../../tests/fixtures/dane/p256-root.der");
/// The fixtures' validity (2025 to 2035).
const TIME: u64 = 1_795_870_800;

fn answer(name: &str, security: DnssecStatus, found: Found) -> Lookup {
    Lookup {
        name: name.to_owned(),
        security,
        found,
        cnames: Vec::new(),
        detail: None,
    }
}

fn host(name: &str, tlsa: Vec<TlsaData>, tlsa_security: DnssecStatus) -> HostObserved {
    let secure = |n: &str, f| answer(n, DnssecStatus::Secure, f);
    let found = if tlsa.is_empty() {
        Found::NxDomain
    } else {
        Found::Records
    };
    HostObserved {
        host: name.to_owned(),
        preference: 10,
        a: secure(name, Found::Records),
        aaaa: secure(name, Found::NoData),
        addresses: vec!["192.0.2.25".parse().unwrap()],
        tlsa: TlsaObserved {
            asked: vec![(
                format!("_25._tcp.{name}"),
                answer(&format!("_25._tcp.{name}"), tlsa_security, found),
                tlsa,
            )],
        },
        connections: vec![Connection {
            address: "192.0.2.25".parse().unwrap(),
            key_type: Some("ecdsa"),
            result: Ok(Session {
                version: "TLSv1.3".to_owned(),
                cipher: "TLS13_AES_128_GCM_SHA256".to_owned(),
                chain: vec![LEAF.to_vec(), INT.to_vec()],
            }),
        }],
        notes: Vec::new(),
    }
}

fn observed(
    domain: &str,
    mx: Lookup,
    records: Vec<(u16, String)>,
    hosts: Vec<HostObserved>,
) -> Observed {
    Observed {
        domain: domain.to_owned(),
        time: TIME,
        validation: Validation::Local("test anchors".to_owned()),
        resolver: "192.0.2.53:53".to_owned(),
        mx: (mx, records),
        hosts,
        sts: StsObserved {
            record: (
                answer(
                    &format!("_mta-sts.{domain}"),
                    DnssecStatus::Secure,
                    Found::NxDomain,
                ),
                Vec::new(),
            ),
            policy_host: None,
            fetch: None,
        },
        tlsrpt: (
            answer(
                &format!("_smtp._tls.{domain}"),
                DnssecStatus::Secure,
                Found::NxDomain,
            ),
            Vec::new(),
        ),
    }
}

fn build_with_root(observed: &Observed) -> CheckReport {
    let anchor = mxtrust::cert::Certificate::parse(ROOT)
        .unwrap()
        .trust_anchor()
        .unwrap();
    build(
        observed,
        &Trust {
            anchors: &[anchor],
            algorithms: mxtrust::algorithms::RING,
        },
    )
}

/// `3 0 0` with the whole leaf: DANE-EE, no digest needed.
fn full_leaf() -> Vec<TlsaData> {
    vec![TlsaData {
        fields: [3, 0, 0],
        data: LEAF.to_vec(),
    }]
}

fn mx_of(domain: &str) -> (Lookup, Vec<(u16, String)>) {
    (
        answer(domain, DnssecStatus::Secure, Found::Records),
        vec![(10, format!("mx.{domain}"))],
    )
}

/// (MX answer, records, route)
#[test]
fn routes() {
    let d = "example.com";
    let secure = |f| answer(d, DnssecStatus::Secure, f);
    type Row = (Lookup, Vec<(u16, String)>, Route);
    let cases: Vec<Row> = vec![
        (
            secure(Found::Records),
            vec![
                (20, "b.example.com.".to_owned()),
                (10, "a.example.com".to_owned()),
            ],
            Route::Hosts(vec![
                (10, "a.example.com".to_owned()),
                (20, "b.example.com".to_owned()),
            ]),
        ),
        (
            secure(Found::Records),
            vec![(0, ".".to_owned())],
            Route::NullMx,
        ),
        (
            secure(Found::NoData),
            Vec::new(),
            Route::ImplicitMx(d.to_owned()),
        ),
        (secure(Found::NxDomain), Vec::new(), Route::NoSuchDomain),
        (
            secure(Found::Records),
            (0..=32)
                .map(|i| (10, format!("mx{i}.example.com")))
                .collect(),
            Route::TooManyMx,
        ),
        (
            answer(d, DnssecStatus::LookupError, Found::Failed),
            Vec::new(),
            Route::Unknown,
        ),
    ];
    for (mx, records, expected) in cases {
        assert_eq!(route(d, &mx, &records), expected, "{mx:?} {records:?}");
    }
}

#[test]
fn dane_ee_authenticated() {
    let (mx, records) = mx_of("example.com");
    let o = observed(
        "example.com",
        mx,
        records,
        vec![host("mx.example.com", full_leaf(), DnssecStatus::Secure)],
    );
    let report = build_with_root(&o);
    assert_eq!(report.outcome, "authenticated", "{:?}", report.findings);
    let c = &report.hosts[0].connections[0];
    assert_eq!(
        (report.hosts[0].decision.action, c.verdict),
        ("require-dane", "authenticated")
    );
    assert!(report.passed());
    assert!(report.human().starts_with("authenticated: "));
}

#[test]
fn bogus_tlsa_defers_without_judging_the_chain() {
    let (mx, records) = mx_of("example.com");
    let o = observed(
        "example.com",
        mx,
        records,
        vec![host("mx.example.com", full_leaf(), DnssecStatus::Bogus)],
    );
    let report = build_with_root(&o);
    let c = &report.hosts[0].connections[0];
    assert_eq!(
        (report.hosts[0].decision.action, c.verdict),
        ("defer", "deferred")
    );
    assert_eq!(c.address, None);
    assert_eq!(c.tlsrpt_result_type, Some("dnssec-invalid"));
    assert_eq!(report.findings.len(), 1);
    assert!(!report.passed());
}

/// The fixture leaf names mx.example.test.
#[test]
fn mta_sts_enforce_validated_and_not_listed() {
    for (listed, verdict) in [
        ("mx.example.test", "sts-validated"),
        ("other.example.test", "skipped"),
    ] {
        let (mx, records) = mx_of("example.test");
        let mut o = observed(
            "example.test",
            mx,
            records,
            vec![host("mx.example.test", Vec::new(), DnssecStatus::Secure)],
        );
        o.sts.record = (
            answer(
                "_mta-sts.example.test",
                DnssecStatus::Secure,
                Found::Records,
            ),
            vec![vec![b"v=STSv1; id=1;".to_vec()]],
        );
        o.sts.fetch = Some(Fetch {
            url: "https://mta-sts.example.test/.well-known/mta-sts.txt".to_owned(),
            result: Ok(FetchResponse {
                status: 200,
                content_type: Some(b"text/plain".to_vec()),
                location: None,
                body: format!("version: STSv1\nmode: enforce\nmx: {listed}\nmax_age: 86400\n")
                    .into_bytes(),
                truncated: false,
            }),
        });
        let report = build_with_root(&o);
        assert_eq!(report.mta_sts.state, "enforce");
        let c = &report.hosts[0].connections[0];
        assert_eq!(c.verdict, verdict, "{listed}: {}", c.reason);
        assert_eq!(
            report.passed(),
            verdict == "sts-validated",
            "{:?}",
            report.findings
        );
    }
}

#[test]
fn policy_404_and_redirect_are_findings() {
    for (status, location) in [(404, None), (301, Some("https://elsewhere.example/p.txt"))] {
        let (mx, records) = mx_of("example.com");
        let mut o = observed(
            "example.com",
            mx,
            records,
            vec![host("mx.example.com", Vec::new(), DnssecStatus::Secure)],
        );
        o.sts.record = (
            answer("_mta-sts.example.com", DnssecStatus::Secure, Found::Records),
            vec![vec![b"v=STSv1; id=1;".to_vec()]],
        );
        o.sts.fetch = Some(Fetch {
            url: "https://mta-sts.example.com/.well-known/mta-sts.txt".to_owned(),
            result: Ok(FetchResponse {
                status,
                content_type: Some(b"text/html".to_vec()),
                location: location.map(str::to_owned),
                body: Vec::new(),
                truncated: false,
            }),
        });
        let report = build_with_root(&o);
        assert_eq!(report.mta_sts.state, "no-policy");
        let fetch = report.mta_sts.fetch.as_ref().unwrap();
        assert_eq!(fetch.code, Some("http-status-not-200"));
        assert_eq!(fetch.tlsrpt_result_type, Some("sts-policy-fetch-error"));
        assert_eq!(fetch.location.is_some(), location.is_some());
        assert!(report.findings.iter().any(|f| f.code == "mta-sts-fetch"));
        assert_eq!(report.hosts[0].connections[0].verdict, "opportunistic");
    }
}

#[test]
fn null_mx_is_no_mail() {
    let o = observed(
        "example.com",
        answer("example.com", DnssecStatus::Secure, Found::Records),
        vec![(0, String::new())],
        Vec::new(),
    );
    let report = build_with_root(&o);
    assert_eq!((report.mx.route, report.outcome), ("null-mx", "no-mail"));
    assert!(report.passed());
}

#[test]
fn tlsa_statuses() {
    let cases = [
        (
            DnssecStatus::Secure,
            Found::Records,
            true,
            TlsaStatus::SecureWithRecords,
        ),
        (
            DnssecStatus::Secure,
            Found::NxDomain,
            false,
            TlsaStatus::SecureEmpty,
        ),
        (
            DnssecStatus::Secure,
            Found::NoData,
            false,
            TlsaStatus::SecureEmpty,
        ),
        (
            DnssecStatus::Insecure,
            Found::Records,
            true,
            TlsaStatus::Insecure,
        ),
        (DnssecStatus::Bogus, Found::Records, true, TlsaStatus::Bogus),
        (
            DnssecStatus::LookupError,
            Found::Failed,
            false,
            TlsaStatus::LookupError,
        ),
        (
            DnssecStatus::Secure,
            Found::Failed,
            false,
            TlsaStatus::LookupError,
        ),
    ];
    for (security, found, records, expected) in cases {
        assert_eq!(
            tlsa_status(&answer("x", security, found), records),
            expected,
            "{security:?} {found:?}"
        );
    }
}
