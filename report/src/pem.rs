//! Certificates and keys from bytes: PEM (RFC 7468; text around the blocks
//! is ignored, so `openssl s_client -showcerts` output works as it is) or
//! DER, one certificate or several concatenated.
//!
//! No block is ever dropped silently: a `-----BEGIN` that does not start a
//! line (two files concatenated without a final newline) still starts a
//! block, and a block that does not end, or whose base64 is broken, is an
//! error naming its line.

use mxtrust::limits::{MAX_CERTIFICATE_LEN, MAX_CHAIN_LEN};

use crate::{ReadError, ReadErrorKind};

/// The largest chain input accepted, in octets: 16 certificates of the
/// largest size as PEM (4/3 of the DER, plus line breaks and markers),
/// with room for `s_client`'s text around each. Anything larger cannot be a
/// chain core accepts, so a reader can refuse it before reading it all.
pub const MAX_CHAIN_INPUT_LEN: usize = MAX_CHAIN_LEN * (MAX_CERTIFICATE_LEN * 3 / 2 + 16_384);

/// The largest trust-anchor bundle accepted, in octets (16 MiB; Debian's
/// `ca-certificates.crt` is about 220 KiB).
pub const MAX_TRUST_ANCHORS_INPUT_LEN: usize = 16 << 20;

/// The largest single-object input (one certificate, key or request), in
/// octets.
pub const MAX_OBJECT_INPUT_LEN: usize = MAX_CERTIFICATE_LEN * 3 / 2 + 16_384;

const BEGIN: &[u8] = b"-----BEGIN ";
const END: &[u8] = b"-----END ";
const DASHES: &[u8] = b"-----";

/// One PEM block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Block {
    /// The label, e.g. `CERTIFICATE` or `PUBLIC KEY`.
    pub label: String,
    /// The decoded contents.
    pub der: Vec<u8>,
    /// The 1-based line of its `-----BEGIN` marker.
    pub line: usize,
}

/// Whether `bytes` hold PEM (a `-----BEGIN ` marker anywhere).
pub fn is_pem(bytes: &[u8]) -> bool {
    find(bytes, BEGIN).is_some()
}

/// The PEM blocks of `bytes`, in order, whatever their labels.
///
/// # Errors
///
/// A block without its `-----END` line, with an `-----END` of another
/// label, with text that is not base64, or with a marker inside it.
pub fn blocks(bytes: &[u8]) -> Result<Vec<Block>, ReadError> {
    let mut blocks = Vec::new();
    // (label, first line, base64 so far)
    let mut open: Option<(String, usize, Vec<u8>)> = None;
    for (n, line) in bytes.split(|&b| b == b'\n').enumerate() {
        let number = n.saturating_add(1);
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        for segment in segments(line) {
            open = match open.take() {
                None => begin(segment).map(|label| (label, number, Vec::new())),
                Some((label, first, base64)) => {
                    let index = blocks.len().saturating_add(1);
                    let error = |reason: String| {
                        ReadError::at(
                            number,
                            ReadErrorKind::Pem {
                                block: index,
                                reason,
                            },
                        )
                    };
                    if let Some(rest) = segment.strip_prefix(END) {
                        let end_label = rest.strip_suffix(DASHES).unwrap_or(rest);
                        if end_label != label.as_bytes() {
                            return Err(error(format!(
                                "-----END {} does not close -----BEGIN {label} (line {first})",
                                String::from_utf8_lossy(end_label)
                            )));
                        }
                        let der = decode_base64(&base64).map_err(|why| {
                            ReadError::at(
                                first,
                                ReadErrorKind::Pem {
                                    block: index,
                                    reason: why.to_owned(),
                                },
                            )
                        })?;
                        blocks.push(Block {
                            label,
                            der,
                            line: first,
                        });
                        None
                    } else if segment.starts_with(BEGIN) {
                        return Err(error(format!(
                            "-----BEGIN inside the {label} block of line {first}, \
                             which has no -----END line"
                        )));
                    } else if find(segment, DASHES).is_some() {
                        return Err(error(format!(
                            "a marker that does not start a line inside the {label} block \
                             of line {first}"
                        )));
                    } else if segment.contains(&b':') {
                        // RFC 1421 encapsulated headers (RFC 7468 §2 lets
                        // parsers ignore them); base64 has no colon.
                        Some((label, first, base64))
                    } else {
                        let mut base64 = base64;
                        base64.extend(segment.iter().filter(|b| !b.is_ascii_whitespace()));
                        Some((label, first, base64))
                    }
                }
            };
        }
    }
    if let Some((label, first, _)) = open {
        return Err(ReadError::at(
            first,
            ReadErrorKind::Pem {
                block: blocks.len().saturating_add(1),
                reason: format!("-----BEGIN {label} has no -----END line"),
            },
        ));
    }
    Ok(blocks)
}

/// A line cut before every `-----BEGIN ` that does not start it, so that a
/// block glued to the end of the previous one is still read.
fn segments(line: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(at) = find(rest.get(1..).unwrap_or_default(), BEGIN) {
        let (head, tail) = rest.split_at(at.saturating_add(1));
        out.push(head);
        rest = tail;
    }
    out.push(rest);
    out
}

/// The label of a `-----BEGIN LABEL-----` segment.
fn begin(segment: &[u8]) -> Option<String> {
    let label = segment.strip_prefix(BEGIN)?;
    let label = label.trim_ascii_end().strip_suffix(DASHES)?;
    Some(String::from_utf8_lossy(label).into_owned())
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Standard base64 (RFC 4648 §4) with padding, as RFC 7468 §3 requires.
fn decode_base64(text: &[u8]) -> Result<Vec<u8>, &'static str> {
    if !text.len().is_multiple_of(4) {
        return Err("base64 length is not a multiple of 4");
    }
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let chunks = text.chunks_exact(4);
    let last = chunks.len().saturating_sub(1);
    for (i, chunk) in chunks.enumerate() {
        let mut n = 0u32;
        let mut pad = 0usize;
        for &c in chunk {
            let value = match c {
                b'A'..=b'Z' => c - b'A',
                b'a'..=b'z' => c - b'a' + 26,
                b'0'..=b'9' => c - b'0' + 52,
                b'+' => 62,
                b'/' => 63,
                b'=' if i == last => {
                    pad = pad.saturating_add(1);
                    0
                }
                _ => return Err("not base64"),
            };
            if pad > 0 && c != b'=' {
                return Err("not base64 (data after '=')");
            }
            n = (n << 6) | u32::from(value);
        }
        if pad > 2 {
            return Err("not base64 (too much padding)");
        }
        let bytes = n.to_be_bytes();
        out.extend_from_slice(bytes.get(1..4usize.saturating_sub(pad)).unwrap_or_default());
    }
    Ok(out)
}

/// The certificates in `bytes`, in input order, as DER. Only the framing is
/// checked here; what the certificates say is core's business. PEM blocks
/// with other labels (a private key in a combined file) are skipped.
///
/// # Errors
///
/// A broken PEM block, DER whose lengths do not add up, or input with no
/// certificate at all.
pub fn certificates(bytes: &[u8]) -> Result<Vec<Vec<u8>>, ReadError> {
    let certificates = if is_pem(bytes) {
        let blocks = blocks(bytes)?;
        let other: Vec<&str> = blocks
            .iter()
            .filter(|b| b.label != "CERTIFICATE")
            .map(|b| b.label.as_str())
            .collect();
        let certificates: Vec<Vec<u8>> = blocks
            .iter()
            .filter(|b| b.label == "CERTIFICATE")
            .map(|b| b.der.clone())
            .collect();
        if certificates.is_empty() && !other.is_empty() {
            return Err(ReadError::whole(ReadErrorKind::WrongPemLabel {
                expected: "CERTIFICATE",
                found: other.join(", "),
            }));
        }
        certificates
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

/// The one object of `bytes`: the first PEM block labelled with one of
/// `labels`, or the whole input as DER.
///
/// # Errors
///
/// A broken PEM block, PEM without such a block, or input that is neither.
pub fn object(bytes: &[u8], labels: &[&'static str]) -> Result<(String, Vec<u8>), ReadError> {
    if is_pem(bytes) {
        let blocks = blocks(bytes)?;
        let found: Vec<String> = blocks.iter().map(|b| b.label.clone()).collect();
        blocks
            .into_iter()
            .find(|b| labels.contains(&b.label.as_str()))
            .map(|b| (b.label, b.der))
            .ok_or_else(|| {
                ReadError::whole(ReadErrorKind::WrongPemLabel {
                    expected: labels.first().copied().unwrap_or_default(),
                    found: found.join(", "),
                })
            })
    } else if bytes.first() == Some(&0x30) {
        Ok((String::new(), bytes.to_vec()))
    } else {
        Err(ReadError::whole(ReadErrorKind::NotPemOrDer))
    }
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

    /// (base64, expected octets)
    const BASE64: &[(&str, Option<&[u8]>)] = &[
        ("", Some(b"")),
        ("Zg==", Some(b"f")),
        ("Zm8=", Some(b"fo")),
        ("Zm9v", Some(b"foo")),
        ("Zm9vYg==", Some(b"foob")),
        ("Zm9", None),
        ("Zg=a", None),
        ("Z===", None),
        ("Zg==Zm9v", None),
        ("Zm9*", None),
    ];

    #[test]
    fn base64_is_strict() {
        for (text, expected) in BASE64 {
            assert_eq!(
                decode_base64(text.as_bytes()).ok().as_deref(),
                *expected,
                "{text}"
            );
        }
    }

    #[test]
    fn a_begin_glued_to_an_end_still_starts_a_block() {
        let text = b"junk\n-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE----------BEGIN CERTIFICATE-----\nMAEF\n-----END CERTIFICATE-----";
        let blocks = blocks(text).unwrap();
        assert_eq!(blocks.len(), 2);
        assert_eq!(blocks[0].der, [0x30, 0x00]);
        assert_eq!(blocks[1].der, [0x30, 0x01, 0x05]);
        assert_eq!((blocks[0].line, blocks[1].line), (2, 4));
    }

    #[test]
    fn unterminated_and_nested_blocks_name_their_lines() {
        let text = b"-----BEGIN CERTIFICATE-----\nMAA=\n";
        let e = blocks(text).unwrap_err();
        assert_eq!(e.line, Some(1));
        assert!(e.to_string().contains("no -----END line"), "{e}");
        let text = b"-----BEGIN CERTIFICATE-----\nMAA=\nMAA=-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n";
        let e = blocks(text).unwrap_err();
        assert_eq!(e.line, Some(3));
        assert!(e.to_string().contains("-----BEGIN inside"), "{e}");
        let text = b"-----BEGIN CERTIFICATE-----\nM@A=\n-----END CERTIFICATE-----\n";
        assert_eq!(blocks(text).unwrap_err().line, Some(1));
        let text = b"-----BEGIN CERTIFICATE-----\nMAA=\n-----END PUBLIC KEY-----\n";
        assert_eq!(blocks(text).unwrap_err().line, Some(3));
    }

    #[test]
    fn other_labels_are_skipped_but_not_alone() {
        let text = b"-----BEGIN PRIVATE KEY-----\nMAA=\n-----END PRIVATE KEY-----\n-----BEGIN CERTIFICATE-----\nMAEF\n-----END CERTIFICATE-----\n";
        assert_eq!(certificates(text).unwrap(), vec![vec![0x30, 0x01, 0x05]]);
        let text = b"-----BEGIN PRIVATE KEY-----\nMAA=\n-----END PRIVATE KEY-----\n";
        let e = certificates(text).unwrap_err();
        assert!(e.to_string().contains("PRIVATE KEY"), "{e}");
    }
}
