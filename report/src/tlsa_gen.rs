//! The TLSA records to publish for a certificate or chain, a public key, or
//! a certification request (RFC 6698 §2, RFC 7671 §8.1), as a document (the
//! wasm package's `generateTlsa`; `mxtrust tlsa` prints the same records
//! as lines).
//!
//! Without a usage: `3 S M` for the first certificate (the leaf) and `2 S M`
//! for each certificate after it (its issuers). With a usage that applies
//! at depth 0 (3, 1): the first certificate only; with one that applies
//! above it (2, 0): the certificates after the first, or the only one given.

use core::fmt;

use mxtrust::{CertUsage, Error, MatchingType, Selector, Tlsa};
use serde::Serialize;

use crate::ReadError;
use crate::pem;

/// One record to publish.
#[derive(Clone, Debug, Serialize)]
pub struct Generated {
    /// Presentation form, `U S M HEX`.
    pub record: String,
    /// Certificate usage.
    pub usage: u8,
    /// The usage's RFC 7218 acronym (`DANE-EE`, `DANE-TA`, ...).
    pub usage_acronym: &'static str,
    /// Selector.
    pub selector: u8,
    /// Matching type.
    pub matching_type: u8,
    /// The certificate association data, lower-case hex.
    pub data: String,
    /// The depth of the certificate it is for; null for a key or request.
    pub depth: Option<usize>,
    /// `leaf`, `issuer`, `certificate` (the only one given), `public-key`
    /// or `certificate-request`.
    pub role: &'static str,
    /// `OWNER. IN TLSA U S M HEX` when an owner was given.
    pub zone_line: Option<String>,
}

/// What to generate.
#[derive(Clone, Copy, Debug)]
pub struct Request<'a> {
    /// The usage; `None` for the rule of the module documentation.
    pub usage: Option<CertUsage>,
    /// The selector (1, the key, is what RFC 7671 §5.1 recommends).
    pub selector: Selector,
    /// The matching type (1, SHA2-256).
    pub matching_type: MatchingType,
    /// The owner name for zone lines, e.g. `_25._tcp.mx.example.com`.
    pub owner: Option<&'a str>,
}

/// What a key came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeySource {
    /// A SubjectPublicKeyInfo.
    PublicKey,
    /// A PKCS#10 certification request (RFC 2986).
    Request,
}

impl KeySource {
    /// The PEM labels its objects carry (RFC 7468 §13 and §7, with the
    /// `NEW CERTIFICATE REQUEST` some tools still write).
    pub const fn pem_labels(self) -> &'static [&'static str] {
        match self {
            Self::PublicKey => &["PUBLIC KEY"],
            Self::Request => &["CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST"],
        }
    }
}

/// Why a key input gave no SubjectPublicKeyInfo.
#[derive(Clone, Debug)]
pub enum KeyError {
    /// The input holds no such object (see [`KeySource::pem_labels`]).
    Read(ReadError),
    /// The object is not a PKCS#10 certification request core can read.
    NotARequest(Error),
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Read(e) => write!(f, "{}", e.in_input("input")),
            Self::NotARequest(e) => {
                write!(f, "not a PKCS#10 certificate request (RFC 2986): {e}")
            }
        }
    }
}

impl std::error::Error for KeyError {}

/// The DER SubjectPublicKeyInfo in a key input: the `PUBLIC KEY` object
/// itself, or the key a certification request asks to certify
/// (core's [`mxtrust::csr::spki_of`]).
///
/// # Errors
///
/// [`KeyError::Read`] when `bytes` holds no object with one of the
/// source's labels, [`KeyError::NotARequest`] when a request cannot be read.
pub fn key_spki(bytes: &[u8], source: KeySource) -> Result<Vec<u8>, KeyError> {
    let (_, der) = pem::object(bytes, source.pem_labels()).map_err(KeyError::Read)?;
    match source {
        KeySource::PublicKey => Ok(der),
        KeySource::Request => mxtrust::csr::spki_of(&der)
            .map(<[u8]>::to_vec)
            .map_err(KeyError::NotARequest),
    }
}

/// The records for `certificates` (DER, leaf first).
///
/// # Errors
///
/// The depth of the first certificate core cannot compute data for, and
/// core's error (malformed DER, an unsupported selector or matching type).
pub fn for_chain(
    certificates: &[Vec<u8>],
    request: &Request<'_>,
) -> Result<Vec<Generated>, (usize, Error)> {
    let only_one = certificates.len() == 1;
    let mut out = Vec::new();
    let mut data = Vec::new();
    for (depth, der) in certificates.iter().enumerate() {
        let usage = match request.usage {
            None if depth == 0 => CertUsage::DaneEe,
            None => CertUsage::DaneTa,
            Some(usage) if usage.applies_at_depth(depth) => usage,
            // One CA certificate given: its TA record is what is asked for.
            Some(usage) if only_one && usage.applies_at_depth(1) => usage,
            Some(_) => continue,
        };
        data.resize(der.len().max(64), 0);
        let len = mxtrust::tlsa::association_data(
            der,
            request.selector,
            request.matching_type,
            &mut data,
        )
        .map_err(|e| (depth, e))?;
        let role = match depth {
            0 if only_one => "certificate",
            0 => "leaf",
            _ => "issuer",
        };
        let tlsa = Tlsa {
            usage,
            selector: request.selector,
            matching_type: request.matching_type,
            data: data.get(..len).unwrap_or_default(),
        };
        out.push(generated(&tlsa, Some(depth), role, request.owner));
    }
    Ok(out)
}

/// Why a public key or a CSR makes no selector-0 record, for a message that
/// starts with the flag or option that gave the key.
pub const KEY_SELECTOR_ONLY: &str =
    "makes selector 1 records only (a key has no certificate to select)";

/// The record for a public key (`spki`, DER SubjectPublicKeyInfo), selector
/// 1 only: a key has no certificate to select.
///
/// # Errors
///
/// [`Error::UnsupportedParameter`] for selector 0; core's error for a key
/// it cannot read or a matching type it cannot compute.
pub fn for_key(spki: &[u8], source: KeySource, request: &Request<'_>) -> Result<Generated, Error> {
    if request.selector != Selector::Spki {
        return Err(Error::UnsupportedParameter);
    }
    let mut data = vec![0u8; spki.len().max(64)];
    let len = mxtrust::key::association_data(spki, request.matching_type, &mut data)?;
    let tlsa = Tlsa {
        usage: request.usage.unwrap_or(CertUsage::DaneEe),
        selector: Selector::Spki,
        matching_type: request.matching_type,
        data: data.get(..len).unwrap_or_default(),
    };
    let role = match source {
        KeySource::PublicKey => "public-key",
        KeySource::Request => "certificate-request",
    };
    Ok(generated(&tlsa, None, role, request.owner))
}

fn generated(
    tlsa: &Tlsa<'_>,
    depth: Option<usize>,
    role: &'static str,
    owner: Option<&str>,
) -> Generated {
    let record = tlsa.to_string();
    let data = record.rsplit(' ').next().unwrap_or_default().to_owned();
    Generated {
        zone_line: owner.map(|owner| {
            let dot = if owner.ends_with('.') { "" } else { "." };
            format!("{owner}{dot} IN TLSA {record}")
        }),
        usage: u8::from(tlsa.usage),
        usage_acronym: tlsa.usage.acronym(),
        selector: u8::from(tlsa.selector),
        matching_type: u8::from(tlsa.matching_type),
        data,
        record,
        depth,
        role,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CSR: &[u8] = include_bytes!("../../examples/p256-next.csr");
    /// The certificate whose key examples/p256-next.csr asks to certify.
    const CERT: &[u8] = include_bytes!("../../tests/fixtures/dane/p256-leaf-p384.der");

    #[test]
    fn a_request_gives_the_key_it_asks_to_certify() {
        let cert = mxtrust::cert::Certificate::parse(CERT).unwrap();
        assert_eq!(key_spki(CSR, KeySource::Request).unwrap(), cert.spki());
    }

    #[test]
    fn a_key_input_must_carry_its_sources_label() {
        // A request is not a public key.
        assert!(matches!(
            key_spki(CSR, KeySource::PublicKey),
            Err(KeyError::Read(_))
        ));
        let empty_sequence =
            b"-----BEGIN CERTIFICATE REQUEST-----\nMAA=\n-----END CERTIFICATE REQUEST-----\n";
        assert!(matches!(
            key_spki(empty_sequence, KeySource::Request),
            Err(KeyError::NotARequest(_))
        ));
    }
}
