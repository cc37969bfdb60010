//! Chain capture for checkers: record what the server presents, verify only
//! the handshake signature.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    ClientConfig, DigitallySignedStruct, Error, PeerMisbehaved, SignatureScheme,
    SupportedCipherSuite,
};

/// The kind of key a server certificate holds, as the TLS signature schemes
/// name it (RFC 8446 §4.2.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyType {
    /// ECDSA (P-256, P-384, P-521).
    Ecdsa,
    /// RSA (PKCS #1 v1.5 and PSS signatures).
    Rsa,
    /// Ed25519 and Ed448.
    Eddsa,
}

impl KeyType {
    /// Every key type, in the order a checker tries them.
    pub const ALL: [Self; 3] = [Self::Ecdsa, Self::Rsa, Self::Eddsa];

    /// The key type a signature scheme belongs to, if any.
    pub fn of_scheme(scheme: SignatureScheme) -> Option<Self> {
        use SignatureScheme as S;
        match scheme {
            S::ECDSA_NISTP256_SHA256
            | S::ECDSA_NISTP384_SHA384
            | S::ECDSA_NISTP521_SHA512
            | S::ECDSA_SHA1_Legacy => Some(Self::Ecdsa),
            S::RSA_PKCS1_SHA1
            | S::RSA_PKCS1_SHA256
            | S::RSA_PKCS1_SHA384
            | S::RSA_PKCS1_SHA512
            | S::RSA_PSS_SHA256
            | S::RSA_PSS_SHA384
            | S::RSA_PSS_SHA512 => Some(Self::Rsa),
            S::ED25519 | S::ED448 => Some(Self::Eddsa),
            _ => None,
        }
    }

    /// A stable lowercase code (`ecdsa`, `rsa`, `eddsa`).
    pub const fn code(self) -> &'static str {
        match self {
            Self::Ecdsa => "ecdsa",
            Self::Rsa => "rsa",
            Self::Eddsa => "eddsa",
        }
    }

    /// The name people use (`ECDSA`, `RSA`, `EdDSA`).
    pub const fn name(self) -> &'static str {
        match self {
            Self::Ecdsa => "ECDSA",
            Self::Rsa => "RSA",
            Self::Eddsa => "EdDSA",
        }
    }
}

impl fmt::Display for KeyType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A [`ServerCertVerifier`] that records the chain the server presents and
/// accepts it, while verifying the handshake signature as rustls does.
///
/// Use one per connection: it keeps the last chain it saw. What it accepts
/// is no judgement of the chain: the caller judges
/// [`presented`](Self::presented) afterwards (with DANE or MTA-STS rules).
pub struct ChainCapture {
    algorithms: WebPkiSupportedAlgorithms,
    key_type: Option<KeyType>,
    chain: Mutex<Option<Vec<CertificateDer<'static>>>>,
}

impl ChainCapture {
    /// A verifier with the provider's signature verification algorithms,
    /// offering only the signature schemes of `key_type` (all of them for
    /// `None`).
    pub fn new(provider: &CryptoProvider, key_type: Option<KeyType>) -> Self {
        Self {
            algorithms: provider.signature_verification_algorithms,
            key_type,
            chain: Mutex::new(None),
        }
    }

    /// The key type it offers signature schemes for, if restricted.
    pub fn key_type(&self) -> Option<KeyType> {
        self.key_type
    }

    /// The chain the server presented, leaf first, if a handshake got as far
    /// as the server's Certificate message. A chain is recorded before the
    /// handshake signature is checked: after a failed handshake it is what
    /// the server sent, not what it proved.
    pub fn presented(&self) -> Option<Vec<CertificateDer<'static>>> {
        self.chain
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn offers(&self, scheme: SignatureScheme) -> bool {
        self.key_type
            .is_none_or(|k| KeyType::of_scheme(scheme) == Some(k))
    }

    fn check_offered(&self, scheme: SignatureScheme) -> Result<(), Error> {
        if self.offers(scheme) {
            Ok(())
        } else {
            Err(Error::PeerMisbehaved(
                PeerMisbehaved::SignedHandshakeWithUnadvertisedSigScheme,
            ))
        }
    }
}

impl fmt::Debug for ChainCapture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChainCapture")
            .field("key_type", &self.key_type)
            .finish_non_exhaustive()
    }
}

impl ServerCertVerifier for ChainCapture {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, Error> {
        let chain = owned_chain(end_entity, intermediates);
        *self.chain.lock().unwrap_or_else(PoisonError::into_inner) = Some(chain);
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        self.check_offered(dss.scheme)?;
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        self.check_offered(dss.scheme)?;
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms
            .supported_schemes()
            .into_iter()
            .filter(|s| self.offers(*s))
            .collect()
    }
}

/// The presented chain, leaf first, as owned certificates.
pub(crate) fn owned_chain(
    end_entity: &CertificateDer<'_>,
    intermediates: &[CertificateDer<'_>],
) -> Vec<CertificateDer<'static>> {
    std::iter::once(end_entity)
        .chain(intermediates)
        .map(|c| c.clone().into_owned())
        .collect()
}

/// A client configuration for TLS 1.2 and 1.3 that verifies with
/// `capture`; when it is restricted to a key type, only the TLS 1.2 cipher
/// suites that authenticate with that key type are offered as well (TLS 1.3
/// suites do not name one), so that a server with several certificates must
/// present the one of that type or fail the handshake.
///
/// # Errors
///
/// rustls's, when the provider offers no usable cipher suite or key
/// exchange group for these versions.
pub fn client_config(
    provider: Arc<CryptoProvider>,
    capture: Arc<ChainCapture>,
) -> Result<ClientConfig, Error> {
    let mut provider = Arc::unwrap_or_clone(provider);
    if let Some(key_type) = capture.key_type() {
        provider.cipher_suites.retain(|suite| match suite {
            SupportedCipherSuite::Tls12(s) => s
                .sign
                .iter()
                .any(|scheme| KeyType::of_scheme(*scheme) == Some(key_type)),
            SupportedCipherSuite::Tls13(_) => true,
        });
    }
    Ok(ClientConfig::builder_with_provider(Arc::new(provider))
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])?
        .dangerous()
        .with_custom_certificate_verifier(capture)
        .with_no_client_auth())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (scheme, key type)
    const SCHEMES: &[(SignatureScheme, Option<KeyType>)] = &[
        (SignatureScheme::ECDSA_NISTP256_SHA256, Some(KeyType::Ecdsa)),
        (SignatureScheme::ECDSA_NISTP384_SHA384, Some(KeyType::Ecdsa)),
        (SignatureScheme::RSA_PSS_SHA256, Some(KeyType::Rsa)),
        (SignatureScheme::RSA_PKCS1_SHA512, Some(KeyType::Rsa)),
        (SignatureScheme::ED25519, Some(KeyType::Eddsa)),
        (SignatureScheme::Unknown(0xfefe), None),
    ];

    #[test]
    fn key_types_of_schemes() {
        for (scheme, key_type) in SCHEMES {
            assert_eq!(KeyType::of_scheme(*scheme), *key_type, "{scheme:?}");
        }
    }

    #[test]
    fn offered_schemes_follow_the_key_type() {
        let provider = rustls::crypto::ring::default_provider();
        let all = ChainCapture::new(&provider, None).supported_verify_schemes();
        assert!(all.contains(&SignatureScheme::ECDSA_NISTP256_SHA256));
        assert!(all.contains(&SignatureScheme::RSA_PSS_SHA256));
        for key_type in KeyType::ALL {
            let offered = ChainCapture::new(&provider, Some(key_type)).supported_verify_schemes();
            assert!(
                offered
                    .iter()
                    .all(|s| KeyType::of_scheme(*s) == Some(key_type)),
                "{key_type}: {offered:?}"
            );
            let expected: Vec<_> = all
                .iter()
                .filter(|s| KeyType::of_scheme(**s) == Some(key_type))
                .collect();
            assert_eq!(offered.iter().collect::<Vec<_>>(), expected, "{key_type}");
        }
    }

    #[test]
    fn tls12_suites_follow_the_key_type() {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let rsa = Arc::new(ChainCapture::new(&provider, Some(KeyType::Rsa)));
        let config = client_config(provider, rsa).unwrap();
        let tls12: Vec<_> = config
            .crypto_provider()
            .cipher_suites
            .iter()
            .filter_map(|s| match s {
                SupportedCipherSuite::Tls12(s) => Some(s.common.suite),
                SupportedCipherSuite::Tls13(_) => None,
            })
            .collect();
        assert!(!tls12.is_empty());
        assert!(
            tls12.iter().all(|s| format!("{s:?}").contains("_RSA_")),
            "{tls12:?}"
        );
    }
}
