//! Fixture keys and in-memory handshakes shared by the tests.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::Arc;

use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use rustls::{ClientConnection, ServerConfig, ServerConnection};

pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/dane")
        .join(name)
}

pub fn der(name: &str) -> CertificateDer<'static> {
    CertificateDer::from(std::fs::read(fixture(name)).unwrap())
}

pub fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// `chain` (fixture names, leaf first) with the private key in `key`.
pub fn certified(chain: &[&str], key: &str) -> Arc<CertifiedKey> {
    let key = PrivateKeyDer::from_pem_file(fixture(key)).unwrap();
    let signer = provider().key_provider.load_private_key(key).unwrap();
    Arc::new(CertifiedKey::new(
        chain.iter().map(|n| der(n)).collect(),
        signer,
    ))
}

pub fn p256() -> Arc<CertifiedKey> {
    certified(&["p256-leaf.der", "p256-int.der"], "p256-leaf.key.pem")
}

pub fn rsa() -> Arc<CertifiedKey> {
    certified(&["rsa-leaf.der", "rsa-int.der"], "rsa-leaf.key.pem")
}

/// Picks the first key whose type the client offers a scheme for, as
/// OpenSSL does for a server with several certificates.
#[derive(Debug)]
pub struct ByScheme(Vec<Arc<CertifiedKey>>);

impl ResolvesServerCert for ByScheme {
    fn resolve(&self, hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        self.0
            .iter()
            .find(|k| k.key.choose_scheme(hello.signature_schemes()).is_some())
            .cloned()
    }
}

pub fn server(
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

/// Runs the handshake to its end; the first error, the client's or the
/// server's.
pub fn drive(
    client: &mut ClientConnection,
    server: &mut ServerConnection,
) -> Result<(), rustls::Error> {
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
    result
}
