//! What kind of key a SubjectPublicKeyInfo (RFC 5280 §4.1.2.7) holds, and
//! how large it is: enough for a report to say "RSA 2048" or "EC P-256"
//! next to a certificate, and to show an operator which key a TLSA record
//! pins. Nothing here decides trust.

use untrusted::Input;

use crate::der;
use crate::tlsa;
use crate::{Error, MatchingType, cert};

/// rsaEncryption, 1.2.840.113549.1.1.1 (RFC 8017 Appendix C).
const OID_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
/// id-ecPublicKey, 1.2.840.10045.2.1 (RFC 5480 §2.1.1).
const OID_EC: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
/// secp256r1, 1.2.840.10045.3.1.7 (RFC 5480 §2.1.1.1).
const OID_P256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
/// secp384r1, 1.3.132.0.34.
const OID_P384: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x22];
/// secp521r1, 1.3.132.0.35.
const OID_P521: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x23];
/// id-Ed25519, 1.3.101.112 (RFC 8410 §3).
const OID_ED25519: &[u8] = &[0x2b, 0x65, 0x70];
/// id-Ed448, 1.3.101.113 (RFC 8410 §3).
const OID_ED448: &[u8] = &[0x2b, 0x65, 0x71];

/// The named elliptic curve of an EC key (RFC 5480 §2.1.1.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Curve {
    /// NIST P-256 (secp256r1).
    P256,
    /// NIST P-384 (secp384r1).
    P384,
    /// NIST P-521 (secp521r1).
    P521,
    /// Another curve, or explicit parameters.
    Other,
}

/// The type of a public key, with its size where the type has several.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyType {
    /// RSA, with the modulus size in bits.
    Rsa {
        /// The bit length of the modulus.
        bits: u32,
    },
    /// An elliptic-curve key (id-ecPublicKey).
    Ec(Curve),
    /// Ed25519 (RFC 8410).
    Ed25519,
    /// Ed448 (RFC 8410).
    Ed448,
    /// Another algorithm.
    Other,
}

impl KeyType {
    /// A short name: `RSA`, `EC P-256`, `Ed25519`...
    pub const fn name(&self) -> &'static str {
        match self {
            Self::Rsa { .. } => "RSA",
            Self::Ec(Curve::P256) => "EC P-256",
            Self::Ec(Curve::P384) => "EC P-384",
            Self::Ec(Curve::P521) => "EC P-521",
            Self::Ec(Curve::Other) => "EC",
            Self::Ed25519 => "Ed25519",
            Self::Ed448 => "Ed448",
            Self::Other => "other",
        }
    }

    /// The key size in bits: the RSA modulus, the curve's field size.
    pub const fn bits(&self) -> Option<u32> {
        match self {
            Self::Rsa { bits } => Some(*bits),
            Self::Ec(Curve::P256) | Self::Ed25519 => Some(256),
            Self::Ec(Curve::P384) => Some(384),
            Self::Ec(Curve::P521) => Some(521),
            Self::Ed448 => Some(448),
            Self::Ec(Curve::Other) | Self::Other => None,
        }
    }
}

/// The key type of a DER SubjectPublicKeyInfo, tag and length included (as
/// [`Certificate::spki`](crate::cert::Certificate::spki) returns it).
///
/// # Errors
///
/// [`Error::BadDer`] for anything that is not one SubjectPublicKeyInfo, or
/// an RSA key whose BIT STRING does not hold an RSAPublicKey (RFC 8017
/// Appendix A.1.1).
///
/// # Examples
///
/// ```
/// use mxtrust::key::{self, KeyType};
/// // An Ed25519 SubjectPublicKeyInfo (RFC 8410 §10.1).
/// let spki = [
///     0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
///     0x19, 0xbf, 0x44, 0x09, 0x69, 0x84, 0xcd, 0xfe, 0x85, 0x41, 0xba, 0xc1,
///     0x67, 0xdc, 0x3b, 0x96, 0xc8, 0x50, 0x86, 0xaa, 0x30, 0xb6, 0xb6, 0xcb,
///     0x0c, 0x5c, 0x38, 0xad, 0x70, 0x31, 0x66, 0xe1,
/// ];
/// assert_eq!(key::key_type(&spki)?, KeyType::Ed25519);
/// # Ok::<(), mxtrust::Error>(())
/// ```
pub fn key_type(spki: &[u8]) -> Result<KeyType, Error> {
    der::read_all(Input::from(spki), |r| {
        let value = der::expect_tag(r, der::SEQUENCE)?;
        der::read_all(value, |r| {
            let algorithm = der::expect_tag(r, der::SEQUENCE)?;
            let key = der::expect_tag(r, der::BIT_STRING)?;
            let (oid, parameter) = der::read_all(algorithm, |r| {
                let oid = der::expect_tag(r, der::OID)?;
                let parameter = if r.at_end() {
                    None
                } else {
                    Some(der::read_tlv(r)?)
                };
                Ok((oid.as_slice_less_safe(), parameter))
            })?;
            match oid {
                OID_RSA => rsa_bits(key.as_slice_less_safe()).map(|bits| KeyType::Rsa { bits }),
                OID_EC => Ok(KeyType::Ec(match parameter {
                    Some((der::OID, curve)) => match curve.as_slice_less_safe() {
                        OID_P256 => Curve::P256,
                        OID_P384 => Curve::P384,
                        OID_P521 => Curve::P521,
                        _ => Curve::Other,
                    },
                    _ => Curve::Other,
                })),
                OID_ED25519 => Ok(KeyType::Ed25519),
                OID_ED448 => Ok(KeyType::Ed448),
                _ => Ok(KeyType::Other),
            }
        })
    })
}

/// The certificate association data a TLSA record with selector 1 (SPKI)
/// and `matching_type` publishes for a DER SubjectPublicKeyInfo, into the
/// front of `out`; returns its length. With a key alone (from a CSR or a
/// new key pair) the record can be published before the certificate
/// exists, as a rollover needs (RFC 7671 §8.1).
///
/// # Errors
///
/// [`Error::BadDer`] for anything that is not one SubjectPublicKeyInfo,
/// [`Error::UnsupportedParameter`] for a matching type other than 0, 1, 2,
/// [`Error::BufferTooSmall`] when `out` is too short (nothing is written).
pub fn association_data(
    spki: &[u8],
    matching_type: MatchingType,
    out: &mut [u8],
) -> Result<usize, Error> {
    cert::check_spki(spki)?;
    tlsa::write_association(spki, matching_type, out)
}

/// The modulus size of an RSAPublicKey in a BIT STRING's contents.
fn rsa_bits(bit_string: &[u8]) -> Result<u32, Error> {
    let [0, key @ ..] = bit_string else {
        return Err(Error::BadDer);
    };
    let modulus = der::read_all(Input::from(key), |r| {
        let sequence = der::expect_tag(r, der::SEQUENCE)?;
        der::read_all(sequence, |r| {
            let modulus = der::expect_tag(r, der::INTEGER)?;
            der::expect_tag(r, der::INTEGER)?; // publicExponent
            Ok(modulus.as_slice_less_safe())
        })
    })?;
    let start = modulus.iter().position(|&b| b != 0).ok_or(Error::BadDer)?;
    let significant = modulus.get(start..).ok_or(Error::BadDer)?;
    let (&first, rest) = significant.split_first().ok_or(Error::BadDer)?;
    let rest_bits = u32::try_from(rest.len())
        .ok()
        .and_then(|n| n.checked_mul(8))
        .ok_or(Error::BadDer)?;
    rest_bits
        .checked_add(u8::BITS.saturating_sub(first.leading_zeros()))
        .ok_or(Error::BadDer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cert::Certificate;

    fn fixture(name: &str) -> std::vec::Vec<u8> {
        let path = std::format!(
            "{}/../tests/fixtures/dane/{name}.der",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read(path).unwrap()
    }

    /// (fixture certificate, expected key type)
    const FIXTURES: &[(&str, KeyType)] = &[
        ("rsa-leaf", KeyType::Rsa { bits: 2048 }),
        ("p256-leaf", KeyType::Ec(Curve::P256)),
        ("p384-int", KeyType::Ec(Curve::P384)),
        ("ed25519-leaf", KeyType::Ed25519),
    ];

    #[test]
    fn fixture_keys() {
        for (name, expected) in FIXTURES {
            let der = fixture(name);
            let cert = Certificate::parse(&der).unwrap();
            assert_eq!(key_type(cert.spki()), Ok(*expected), "{name}");
        }
    }

    #[test]
    fn association_data_of_a_key_equals_that_of_its_certificate() {
        for (name, _) in FIXTURES {
            let der = fixture(name);
            let cert = Certificate::parse(&der).unwrap();
            for mtype in [
                MatchingType::Full,
                MatchingType::Sha256,
                MatchingType::Sha512,
            ] {
                let mut a = std::vec![0u8; der.len()];
                let mut b = std::vec![0u8; der.len()];
                let n = association_data(cert.spki(), mtype, &mut a).unwrap();
                let m = crate::tlsa::association_data(&der, crate::Selector::Spki, mtype, &mut b)
                    .unwrap();
                assert_eq!(a[..n], b[..m], "{name} {mtype:?}");
            }
        }
        assert_eq!(
            association_data(&[0x30, 0x00], MatchingType::Sha256, &mut [0u8; 64]),
            Err(Error::BadDer)
        );
    }

    #[test]
    fn rsa_bits_count_the_modulus() {
        // 30 06 02 02 00 81 02 01 03: n = 0x0081 (8 bits), e = 3.
        let key = [0x00, 0x30, 0x07, 0x02, 0x02, 0x00, 0x81, 0x02, 0x01, 0x03];
        assert_eq!(rsa_bits(&key), Ok(8));
        let key = [0x00, 0x30, 0x06, 0x02, 0x01, 0x05, 0x02, 0x01, 0x03];
        assert_eq!(rsa_bits(&key), Ok(3));
        assert_eq!(rsa_bits(&[0x01, 0x30, 0x00]), Err(Error::BadDer));
        assert_eq!(key_type(&[0x30, 0x00]), Err(Error::BadDer));
        assert_eq!(key_type(&[0x30, 0x00, 0x00]), Err(Error::BadDer));
    }
}
