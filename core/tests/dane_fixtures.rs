//! DANE verification of the committed openssl-made chains (RSA-2048, P-256
//! under P-256 and P-384, Ed25519, cross-signed, expired), with TLSA data
//! taken from what openssl computed (`tests/fixtures/dane/expected.txt`), so
//! neither the chains nor the records come from mxtrust itself.

mod oracle;

use std::collections::HashMap;

use mxtrust::chain::Failure;
use mxtrust::dane::{self, AnchorSource, Authenticated, Options, Outcome, RecordStatus};
use mxtrust::{CertUsage, Tlsa};

/// 2026-11-28T13:00:00Z.
const NOW: u64 = 1_795_870_800;

static ALGORITHMS: &[&dyn mxtrust::SignatureVerificationAlgorithm] =
    mxtrust::ring_algorithms_with_rsa!();

struct Fixtures(HashMap<String, oracle::Expected>);

impl Fixtures {
    fn load() -> Self {
        Fixtures(
            oracle::load()
                .into_iter()
                .map(|e| (e.name.clone(), e))
                .collect(),
        )
    }

    fn der(&self, name: &str) -> &[u8] {
        &self.0[name].der
    }

    /// A record with openssl's data for `name`.
    fn record(&self, usage: u8, selector: u8, mtype: u8, name: &str) -> (u8, u8, u8, Vec<u8>) {
        let e = &self.0[name];
        let data = match (selector, mtype) {
            (0, 0) => e.der.clone(),
            (0, 1) => e.sha256_cert.clone(),
            (0, 2) => e.sha512_cert.clone(),
            (1, 0) => e.spki.clone(),
            (1, 1) => e.sha256_spki.clone(),
            (1, 2) => e.sha512_spki.clone(),
            _ => unreachable!(),
        };
        (usage, selector, mtype, data)
    }
}

fn verify(chain: &[&[u8]], record: &(u8, u8, u8, Vec<u8>), at: u64) -> Outcome {
    let tlsa = Tlsa {
        usage: record.0.into(),
        selector: record.1.into(),
        matching_type: record.2.into(),
        data: &record.3,
    };
    let mut report = [RecordStatus::EMPTY];
    dane::verify(
        chain,
        &[tlsa],
        &["mx.example.test"],
        &Options::new(mxtrust::time::unix_time(at), ALGORITHMS),
        &mut report,
    )
    .unwrap()
}

/// Authenticated by a presented certificate at `depth`.
fn authenticated(usage: CertUsage, depth: usize) -> Outcome {
    Outcome::Authenticated(Authenticated {
        record: 0,
        usage,
        depth,
        anchor: AnchorSource::Presented,
    })
}

/// Authenticated by an anchor from DNS at `depth` (one above the path).
fn from_dns(depth: usize) -> Outcome {
    Outcome::Authenticated(Authenticated {
        record: 0,
        usage: CertUsage::DaneTa,
        depth,
        anchor: AnchorSource::Dns,
    })
}

#[test]
fn every_fixture_chain_under_every_selector_and_matching_type() {
    let f = Fixtures::load();
    let chains: &[(&str, &[&str], &str)] = &[
        ("RSA-2048", &["rsa-leaf", "rsa-int"], "rsa-int"),
        ("P-256", &["p256-leaf", "p256-int"], "p256-int"),
        (
            "P-256 under P-384",
            &["p256-leaf-p384", "p384-int"],
            "p384-int",
        ),
        ("Ed25519", &["ed25519-leaf", "ed25519-int"], "ed25519-int"),
    ];
    for (label, names, issuer) in chains {
        let chain: Vec<&[u8]> = names.iter().map(|n| f.der(n)).collect();
        for selector in [0, 1] {
            for mtype in [0, 1, 2] {
                let ee = f.record(3, selector, mtype, names[0]);
                assert_eq!(
                    verify(&chain, &ee, NOW),
                    authenticated(CertUsage::DaneEe, 0),
                    "{label} 3 {selector} {mtype}"
                );
                let ta = f.record(2, selector, mtype, issuer);
                assert_eq!(
                    verify(&chain, &ta, NOW),
                    authenticated(CertUsage::DaneTa, 1),
                    "{label} 2 {selector} {mtype}"
                );
            }
        }
    }
}

#[test]
fn root_anchors_not_presented() {
    let f = Fixtures::load();
    for (leaf, int, root) in [
        ("rsa-leaf", "rsa-int", "rsa-root"),
        ("p256-leaf", "p256-int", "p256-root"),
        ("p256-leaf-p384", "p384-int", "p256-root"),
        ("ed25519-leaf", "ed25519-int", "ed25519-root"),
    ] {
        let chain = [f.der(leaf), f.der(int)];
        assert_eq!(
            verify(&chain, &f.record(2, 0, 0, root), NOW),
            from_dns(2),
            "{root} 2 0 0"
        );
        assert_eq!(
            verify(&chain, &f.record(2, 1, 0, root), NOW),
            from_dns(1),
            "{root} 2 1 0"
        );
        // A digest of a root that is not presented matches nothing.
        assert_eq!(
            verify(&chain, &f.record(2, 1, 1, root), NOW),
            Outcome::Failed(Failure::NoMatch),
            "{root} 2 1 1"
        );
        // Presented, it is the anchor at depth 2.
        let with_root = [f.der(leaf), f.der(int), f.der(root)];
        assert_eq!(
            verify(&with_root, &f.record(2, 1, 1, root), NOW),
            authenticated(CertUsage::DaneTa, 2),
            "{root} presented"
        );
    }
}

#[test]
fn cross_signed_intermediate_out_of_order() {
    let f = Fixtures::load();
    // p256-int-cross: p256-int's name and key, issued by the RSA root.
    let chain = [
        f.der("p256-leaf"),
        f.der("rsa-int"),
        f.der("p256-int-cross"),
        f.der("rsa-root"),
    ];
    assert_eq!(
        verify(&chain, &f.record(2, 1, 1, "rsa-root"), NOW),
        authenticated(CertUsage::DaneTa, 3)
    );
    assert_eq!(
        verify(&chain, &f.record(2, 0, 1, "p256-int-cross"), NOW),
        authenticated(CertUsage::DaneTa, 2)
    );
    // p256-root signed p256-int, which is not presented: no path.
    assert_eq!(
        verify(&chain, &f.record(2, 0, 0, "p256-root"), NOW),
        Outcome::Failed(Failure::NoMatch)
    );
    // With both intermediates of the same name and key presented, each root
    // finds its own path.
    let both = [
        f.der("p256-leaf"),
        f.der("p256-int-cross"),
        f.der("rsa-int"),
        f.der("p256-int"),
        f.der("rsa-root"),
    ];
    assert_eq!(
        verify(&both, &f.record(2, 0, 0, "p256-root"), NOW),
        from_dns(2)
    );
    assert_eq!(
        verify(&both, &f.record(2, 1, 2, "rsa-root"), NOW),
        authenticated(CertUsage::DaneTa, 4)
    );
    assert_eq!(
        verify(&both, &f.record(2, 1, 1, "p256-int"), NOW),
        authenticated(CertUsage::DaneTa, 1),
        "the cross-signed copy carries the same key and comes first"
    );
}

#[test]
fn dates() {
    let f = Fixtures::load();
    let under_expired = [f.der("p256-leaf-under-expired"), f.der("p256-int-expired")];
    assert_eq!(
        verify(&under_expired, &f.record(2, 0, 0, "p256-root"), NOW),
        Outcome::Failed(Failure::Expired { depth: Some(1) })
    );
    // Under DANE-EE dates do not matter.
    let expired_leaf = [f.der("p256-leaf-expired"), f.der("p256-int")];
    assert_eq!(
        verify(&expired_leaf, &f.record(3, 1, 1, "p256-leaf-expired"), NOW),
        authenticated(CertUsage::DaneEe, 0)
    );
    assert_eq!(
        verify(&expired_leaf, &f.record(2, 1, 1, "p256-int"), NOW),
        Outcome::Failed(Failure::Expired { depth: Some(0) })
    );
    let future = [f.der("p256-leaf-future"), f.der("p256-int")];
    assert_eq!(
        verify(&future, &f.record(2, 1, 1, "p256-int"), NOW),
        Outcome::Failed(Failure::NotYetValid { depth: Some(0) })
    );
    // A presented self-issued anchor's own dates count.
    let expired_root = [
        f.der("p256-leaf-under-expired-root"),
        f.der("p256-root-expired-selfsigned"),
    ];
    assert_eq!(
        verify(
            &expired_root,
            &f.record(2, 1, 1, "p256-root-expired-selfsigned"),
            NOW
        ),
        Outcome::Failed(Failure::Expired { depth: Some(1) })
    );
    // Before 2035 and after 2025 everything in the main chains is valid; in
    // 2036 the leaf has expired.
    let rsa = [f.der("rsa-leaf"), f.der("rsa-int")];
    let in_2036 = 2_082_758_400;
    assert_eq!(
        verify(&rsa, &f.record(2, 1, 1, "rsa-int"), in_2036),
        Outcome::Failed(Failure::Expired { depth: Some(0) })
    );
}

#[test]
fn names() {
    let f = Fixtures::load();
    let ta = f.record(2, 1, 1, "p256-int");
    for (leaf, expected) in [
        ("p256-leaf-cn-only", authenticated(CertUsage::DaneTa, 1)),
        (
            "p256-leaf-san-other",
            Outcome::Failed(Failure::NameMismatch),
        ),
        ("p256-leaf-wildcard", authenticated(CertUsage::DaneTa, 1)),
        ("p256-leaf-multi", authenticated(CertUsage::DaneTa, 1)),
    ] {
        assert_eq!(
            verify(&[f.der(leaf), f.der("p256-int")], &ta, NOW),
            expected,
            "{leaf}"
        );
    }
}

#[test]
fn the_key_alone_is_the_key_of_the_full_parse() {
    for e in oracle::load() {
        assert_eq!(
            mxtrust::cert::spki_of(&e.der),
            Ok(e.spki.as_slice()),
            "{}",
            e.name
        );
    }
}

#[test]
fn trust_anchors_agree_with_rustls_webpki() {
    for e in oracle::load() {
        let ours = mxtrust::cert::Certificate::parse(&e.der)
            .unwrap()
            .trust_anchor()
            .unwrap();
        let der = rustls_pki_types::CertificateDer::from(e.der.as_slice());
        let theirs = webpki::anchor_from_trusted_cert(&der).unwrap();
        assert_eq!(ours.subject.as_ref(), theirs.subject.as_ref(), "{}", e.name);
        assert_eq!(
            ours.subject_public_key_info.as_ref(),
            theirs.subject_public_key_info.as_ref(),
            "{}",
            e.name
        );
        assert_eq!(
            ours.name_constraints.as_ref().map(|n| n.as_ref()),
            theirs.name_constraints.as_ref().map(|n| n.as_ref()),
            "{}",
            e.name
        );
    }
}
