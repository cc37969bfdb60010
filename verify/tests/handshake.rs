//! In-memory handshakes between a client using `ChainCapture` and a rustls
//! server presenting the fixture chains (tests/fixtures/dane): the chain is
//! captured, key types are offered one at a time, and a handshake signed
//! with a key other than the leaf's fails.

use std::sync::Arc;

mod common;
use common::*;
use mxtrust_rustls::{ChainCapture, KeyType, client_config};
use rustls::pki_types::{CertificateDer, ServerName};
use rustls::sign::CertifiedKey;
use rustls::{ClientConnection, ProtocolVersion, ServerConnection};

struct Outcome {
    result: Result<(), rustls::Error>,
    capture: Arc<ChainCapture>,
    version: Option<ProtocolVersion>,
}

fn handshake(key_type: Option<KeyType>, mut server: ServerConnection) -> Outcome {
    let capture = Arc::new(ChainCapture::new(&provider(), key_type));
    let config = client_config(provider(), capture.clone()).unwrap();
    let name = ServerName::try_from("mx.example.test").unwrap();
    let mut client = ClientConnection::new(Arc::new(config), name).unwrap();
    let result = common::drive(&mut client, &mut server);
    Outcome {
        result,
        version: client.protocol_version(),
        capture,
    }
}

fn chain_of(key: &CertifiedKey) -> Vec<CertificateDer<'static>> {
    key.cert.clone()
}

#[test]
fn each_key_type_shows_its_chain() {
    let all = [&rustls::version::TLS13, &rustls::version::TLS12];
    for (key_type, expected) in [(KeyType::Ecdsa, p256()), (KeyType::Rsa, rsa())] {
        let outcome = handshake(Some(key_type), server(vec![p256(), rsa()], &all));
        assert!(outcome.result.is_ok(), "{key_type}: {:?}", outcome.result);
        assert_eq!(
            outcome.capture.presented(),
            Some(chain_of(&expected)),
            "{key_type}"
        );
        assert_eq!(
            outcome.version,
            Some(ProtocolVersion::TLSv1_3),
            "{key_type}"
        );
    }
}

#[test]
fn tls12_suites_select_the_key_type_too() {
    for (key_type, expected) in [(KeyType::Ecdsa, p256()), (KeyType::Rsa, rsa())] {
        let outcome = handshake(
            Some(key_type),
            server(vec![rsa(), p256()], &[&rustls::version::TLS12]),
        );
        assert!(outcome.result.is_ok(), "{key_type}: {:?}", outcome.result);
        assert_eq!(
            outcome.capture.presented(),
            Some(chain_of(&expected)),
            "{key_type}"
        );
        assert_eq!(
            outcome.version,
            Some(ProtocolVersion::TLSv1_2),
            "{key_type}"
        );
    }
}

#[test]
fn a_key_type_the_server_lacks_fails_the_handshake() {
    let outcome = handshake(
        Some(KeyType::Rsa),
        server(vec![p256()], &[&rustls::version::TLS13]),
    );
    assert!(outcome.result.is_err());
    assert_eq!(outcome.capture.presented(), None);
}

/// A server presenting a leaf whose private key it does not hold (here it
/// signs with the intermediate's key): the chain is captured, but the
/// handshake fails on the signature, for both TLS versions.
#[test]
fn a_replayed_certificate_fails_on_the_signature() {
    let replayed = certified(&["p256-leaf.der", "p256-int.der"], "p256-int.key.pem");
    for version in [&rustls::version::TLS13, &rustls::version::TLS12] {
        let outcome = handshake(
            Some(KeyType::Ecdsa),
            server(vec![replayed.clone()], &[version]),
        );
        let error = outcome
            .result
            .expect_err("a signature by another key must fail");
        assert!(
            matches!(
                error,
                rustls::Error::InvalidCertificate(rustls::CertificateError::BadSignature)
            ),
            "{version:?}: {error:?}"
        );
        assert_eq!(outcome.capture.presented(), Some(chain_of(&replayed)));
    }
}
