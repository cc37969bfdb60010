//! The public key of a PKCS#10 certification request (RFC 2986 §4), so that
//! the TLSA record of the next key can be published before its certificate
//! exists (RFC 7671 §8.1): the CSR an operator sends to the CA already holds
//! the SubjectPublicKeyInfo that a `3 1 x` record pins.
//!
//! ```text
//! CertificationRequest ::= SEQUENCE {
//!      certificationRequestInfo CertificationRequestInfo,
//!      signatureAlgorithm AlgorithmIdentifier,
//!      signature          BIT STRING }
//! CertificationRequestInfo ::= SEQUENCE {
//!      version       INTEGER { v1(0) },
//!      subject       Name,
//!      subjectPKInfo SubjectPublicKeyInfo,
//!      attributes    [0] Attributes }
//! ```
//!
//! Reading is strict DER over the whole request (non-canonical lengths,
//! truncation and trailing data are [`Error::BadDer`]), but no stricter
//! than finding the key needs, and never stricter than OpenSSL: the version
//! number, the subject and the attributes are not interpreted, and a request
//! without the `[0]` attributes (which OpenSSL also reads) is accepted. The
//! request's signature is not verified: the CSR is the operator's own, and
//! the record pins the key whatever the request says about it.

use untrusted::Input;

use crate::{Error, cert, der};

/// The DER SubjectPublicKeyInfo (tag and length included, as
/// [`key::association_data`](crate::key::association_data) takes it) of a
/// DER PKCS#10 CertificationRequest (RFC 2986 §4.1, §4.2). It borrows from
/// `request`.
///
/// # Errors
///
/// [`Error::BadDer`] for anything that is not one CertificationRequest, or
/// whose key is not a SubjectPublicKeyInfo (RFC 5280 §4.1.2.7) as
/// [`cert::check_spki`] checks it.
///
/// # Examples
///
/// ```
/// use mxtrust::csr;
/// // Not a request: an empty SEQUENCE.
/// assert_eq!(csr::spki_of(&[0x30, 0x00]), Err(mxtrust::Error::BadDer));
/// ```
pub fn spki_of(request: &[u8]) -> Result<&[u8], Error> {
    let spki = der::read_all(Input::from(request), |r| {
        let request = der::expect_tag(r, der::SEQUENCE)?;
        der::read_all(request, |r| {
            let info = der::expect_tag(r, der::SEQUENCE)?;
            let algorithm = der::expect_tag(r, der::SEQUENCE)?;
            der::read_all(algorithm, |a| {
                der::expect_tag(a, der::OID)?;
                der::skip_rest(a);
                Ok(())
            })?;
            der::expect_tag(r, der::BIT_STRING)?;
            der::read_all(info, request_info)
        })
    })?;
    cert::check_spki(spki)?;
    Ok(spki)
}

/// The whole SubjectPublicKeyInfo TLV of a CertificationRequestInfo's
/// contents.
fn request_info<'a>(r: &mut untrusted::Reader<'a>) -> Result<&'a [u8], Error> {
    der::expect_tag(r, der::INTEGER)?;
    der::expect_tag(r, der::SEQUENCE)?; // subject
    let (spki, _) = der::expect_tag_with_header(r, der::SEQUENCE)?;
    der::optional_tag(r, der::context_constructed(0))?; // attributes
    Ok(spki.as_slice_less_safe())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rcgen::{CertificateParams, KeyPair, PublicKeyData as _};
    use std::vec::Vec;

    /// A fresh CSR for `mx.example.test` and the SPKI of its key.
    fn request(alg: &'static rcgen::SignatureAlgorithm) -> (Vec<u8>, Vec<u8>) {
        let key = KeyPair::generate_for(alg).unwrap();
        let params = CertificateParams::new(std::vec!["mx.example.test".into()]).unwrap();
        let csr = params.serialize_request(&key).unwrap();
        (csr.der().to_vec(), key.subject_public_key_info())
    }

    const ALGORITHMS: &[&rcgen::SignatureAlgorithm] = &[
        &rcgen::PKCS_ECDSA_P256_SHA256,
        &rcgen::PKCS_ECDSA_P384_SHA384,
        &rcgen::PKCS_ED25519,
    ];

    #[test]
    fn the_key_of_an_rcgen_request() {
        for alg in ALGORITHMS {
            let (csr, spki) = request(alg);
            assert_eq!(spki_of(&csr), Ok(spki.as_slice()), "{alg:?}");
        }
    }

    #[test]
    fn truncated_and_trailing_data_are_bad_der() {
        let (csr, _) = request(&rcgen::PKCS_ECDSA_P256_SHA256);
        for len in [0, 1, 2, csr.len() / 2, csr.len() - 1] {
            assert_eq!(spki_of(&csr[..len]), Err(Error::BadDer), "length {len}");
        }
        let mut trailing = csr.clone();
        trailing.push(0);
        assert_eq!(spki_of(&trailing), Err(Error::BadDer));
    }

    /// The DER of a TLV with a short length.
    fn tlv(tag: u8, parts: &[&[u8]]) -> Vec<u8> {
        let value: Vec<u8> = parts.concat();
        let mut out = std::vec![tag, u8::try_from(value.len()).unwrap()];
        out.extend(value);
        out
    }

    /// (name, attributes field and what follows it, expected) for a
    /// request around the Ed25519 key of RFC 8410 §10.1.
    const INFO_TAILS: &[(&str, &[u8], bool)] = &[
        ("empty attributes", &[0xa0, 0x00], true),
        ("no attributes (OpenSSL reads these)", &[], true),
        (
            "a field after the attributes",
            &[0xa0, 0x00, 0x05, 0x00],
            false,
        ),
        ("attributes as a universal SET", &[0x31, 0x00], false),
    ];

    const ED25519_SPKI: &[u8] = &[
        0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00, 0x19, 0xbf, 0x44,
        0x09, 0x69, 0x84, 0xcd, 0xfe, 0x85, 0x41, 0xba, 0xc1, 0x67, 0xdc, 0x3b, 0x96, 0xc8, 0x50,
        0x86, 0xaa, 0x30, 0xb6, 0xb6, 0xcb, 0x0c, 0x5c, 0x38, 0xad, 0x70, 0x31, 0x66, 0xe1,
    ];

    fn crafted(spki: &[u8], tail: &[u8]) -> Vec<u8> {
        let info = tlv(0x30, &[&[0x02, 0x01, 0x00], &[0x30, 0x00], spki, tail]);
        let algorithm = tlv(0x30, &[&[0x06, 0x03, 0x2b, 0x65, 0x70]]);
        let signature = tlv(0x03, &[&[0x00], &[0xaa; 64]]);
        tlv(0x30, &[&info, &algorithm, &signature])
    }

    #[test]
    fn the_request_info_fields() {
        for (name, tail, ok) in INFO_TAILS {
            let der = crafted(ED25519_SPKI, tail);
            let expected = if *ok {
                Ok(ED25519_SPKI)
            } else {
                Err(Error::BadDer)
            };
            assert_eq!(spki_of(&der), expected, "{name}");
        }
        // A key whose BIT STRING has unused bits is not a SubjectPublicKeyInfo.
        let mut bad_key = ED25519_SPKI.to_vec();
        bad_key[11] = 0x01;
        assert_eq!(
            spki_of(&crafted(&bad_key, &[0xa0, 0x00])),
            Err(Error::BadDer)
        );
    }
}
