//! Certificates from bytes: a PEM bundle (text around the PEM blocks is
//! ignored, so `openssl s_client -showcerts` output works as it is) or DER,
//! one certificate or several concatenated.

use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject as _;

use crate::{ReadError, ReadErrorKind};

/// The certificates in `bytes`, in input order, as DER. Only the framing is
/// checked here; what the certificates say is core's business.
///
/// # Errors
///
/// A broken PEM block, DER whose lengths do not add up, or input with no
/// certificate at all.
pub fn certificates(bytes: &[u8]) -> Result<Vec<Vec<u8>>, ReadError> {
    let certificates = if contains(bytes, b"-----BEGIN ") {
        from_pem(bytes)?
    } else if bytes.first() == Some(&0x30) {
        split_der(bytes)?
    } else {
        return Err(ReadError::whole(ReadErrorKind::NotPemOrDer));
    };
    if certificates.is_empty() {
        return Err(ReadError::whole(ReadErrorKind::NoCertificate));
    }
    Ok(certificates)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn from_pem(bytes: &[u8]) -> Result<Vec<Vec<u8>>, ReadError> {
    CertificateDer::pem_slice_iter(bytes)
        .enumerate()
        .map(|(i, cert)| {
            cert.map(|der| der.as_ref().to_vec()).map_err(|e| {
                ReadError::whole(ReadErrorKind::Pem {
                    block: i.saturating_add(1),
                    reason: e.to_string(),
                })
            })
        })
        .collect()
}

/// Splits concatenated DER SEQUENCEs by their outer length.
fn split_der(mut bytes: &[u8]) -> Result<Vec<Vec<u8>>, ReadError> {
    let mut certificates = Vec::new();
    let mut offset = 0usize;
    while !bytes.is_empty() {
        let len = sequence_len(bytes).ok_or_else(|| {
            ReadError::whole(ReadErrorKind::DerTruncated {
                index: certificates.len().saturating_add(1),
                offset,
            })
        })?;
        let (certificate, rest) = bytes.split_at(len);
        certificates.push(certificate.to_vec());
        offset = offset.saturating_add(len);
        bytes = rest;
    }
    Ok(certificates)
}

/// The encoded length (header included) of the DER SEQUENCE at the start
/// of `bytes`, if it is one and fits.
fn sequence_len(bytes: &[u8]) -> Option<usize> {
    let (&tag, rest) = bytes.split_first()?;
    let (&first, rest) = rest.split_first()?;
    if tag != 0x30 {
        return None;
    }
    let (header, content) = match first {
        0..=0x7f => (2, usize::from(first)),
        0x81..=0x84 => {
            let count = usize::from(first & 0x7f);
            let len = rest
                .get(..count)?
                .iter()
                .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
            (count.checked_add(2)?, len)
        }
        _ => return None,
    };
    let total = header.checked_add(content)?;
    (total <= bytes.len()).then_some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn der_framing() {
        assert_eq!(sequence_len(&[0x30, 0x01, 0xaa]), Some(3));
        assert_eq!(sequence_len(&[0x30, 0x02, 0xaa]), None);
        assert_eq!(sequence_len(&[0x31, 0x00]), None);
        assert_eq!(sequence_len(&[0x30, 0x81, 0x01, 0xaa, 0xbb]), Some(4));
        assert_eq!(sequence_len(&[0x30, 0x80]), None);
        assert_eq!(sequence_len(&[0x30]), None);
        let two = [0x30, 0x01, 0xaa, 0x30, 0x00];
        assert_eq!(
            split_der(&two).unwrap(),
            vec![vec![0x30, 0x01, 0xaa], vec![0x30, 0x00]]
        );
        assert!(split_der(&[0x30, 0x01, 0xaa, 0x05]).is_err());
    }
}
