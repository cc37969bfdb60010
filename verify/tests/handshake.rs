//! In-memory handshakes between a client using `ChainCapture` and a rustls
//! server presenting the fixture chains (tests/fixtures/dane): the chain is
//! captured, key types are offered one at a time, and a handshake signed
//! with a key other than the leaf's fails.

use std::path::PathBuf;
use std::sync::Arc;

use mxtrust_rustls::{ChainCapture, KeyType, client_config};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use rustls::{ClientConnection, ProtocolVersion, ServerConfig, ServerConnection};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/dane")
        .join(name)
}

fn der(name: &str) -> CertificateDer<'static> {
    CertificateDer::from(std::fs::read(fixture(name)).unwrap())
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// `chain` (fixture names, leaf first) with the private key in `key`.
fn certified(chain: &[&str], key: &str) -> Arc<CertifiedKey> {
    let key = PrivateKeyDer::from_pem_file(fixture(key)).unwrap();
    let signer = provider().key_provider.load_private_key(key).unwrap();
    Arc::new(CertifiedKey::new(
        chain.iter().map(|n| der(n)).collect(),
        signer,
    ))
}

fn p256() -> Arc<CertifiedKey> {
    certified(&["p256-leaf.der", "p256-int.der"], "p256-leaf.key.pem")
}

fn rsa() -> Arc<CertifiedKey> {
    certified(&["rsa-leaf.der", "rsa-int.der"], "rsa-leaf.key.pem")
}

/// Picks the first key whose type the client offers a scheme for, as
/// OpenSSL does for a server with several certificates.
#[derive(Debug)]
struct ByScheme(Vec<Arc<CertifiedKey>>);

impl ResolvesServerCert for ByScheme {
    fn resolve(&self, hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        self.0
            .iter()
            .find(|k| k.key.choose_scheme(hello.signature_schemes()).is_some())
            .cloned()
    }
}

fn server(
    keys: Vec<Arc<CertifiedKey>>,
    versions: &[&'static rustls::SupportedProtocolVersion],
) -> ServerConnection {
    let config = ServerConfig::builder_with_provider(provider())
        .with_protocol_versions(versions)
        .unwrap()
        .with_no_client_auth()
        .with_cert_resolver(Arc::new(ByScheme(keys)));
    ServerConnection::new(Arc::new(config)).unwrap()
}

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
    let mut result = Ok(());
    for _ in 0..20 {
        if !client.is_handshaking() {
            break;
        }
        let mut buf = Vec::new();
        while client.wants_write() {
            client.write_tls(&mut buf).unwrap();
        }
        let mut read = buf.as_slice();
        while !read.is_empty() {
            server.read_tls(&mut read).unwrap();
        }
        let server_error = server.process_new_packets().err();
        let mut buf = Vec::new();
        while server.wants_write() {
            server.write_tls(&mut buf).unwrap();
        }
        let mut read = buf.as_slice();
        while !read.is_empty() {
            client.read_tls(&mut read).unwrap();
        }
        if let Err(e) = client.process_new_packets() {
            result = Err(e);
            break;
        }
        if let Some(e) = server_error {
            result = Err(e);
            break;
        }
    }
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
