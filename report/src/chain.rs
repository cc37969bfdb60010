//! What each certificate of a presented chain is, for people: depth,
//! subject and issuer, validity at the validation time, DNS names, key type
//! and size, self-issued or not; and the common mistakes a failed check
//! points to.

use mxtrust::cert::{Certificate, ValidityStatus};
use mxtrust::key;
use serde::Serialize;

/// One presented certificate.
#[derive(Clone, Debug, Serialize)]
pub struct CertificateReport {
    /// 0 for the leaf.
    pub depth: usize,
    /// The subject, RFC 4514 style (`CN=mx.example.com,O=Example`).
    pub subject: Option<String>,
    /// The issuer, the same way.
    pub issuer: Option<String>,
    /// notBefore, RFC 3339.
    pub not_before: Option<String>,
    /// notAfter, RFC 3339.
    pub not_after: Option<String>,
    /// At the validation time: `valid`, `expired`, `not-yet-valid`.
    pub validity: Option<&'static str>,
    /// The subjectAltName DNS-IDs.
    pub dns_names: Vec<String>,
    /// `RSA`, `EC P-256`, `Ed25519`...
    pub key_type: Option<&'static str>,
    /// The key size in bits, where it has one.
    pub key_bits: Option<u32>,
    /// Subject and issuer are the same name.
    pub self_issued: Option<bool>,
    /// A CA certificate (basicConstraints cA).
    pub ca: Option<bool>,
    /// Why it could not be read, when it could not.
    pub error: Option<String>,
}

/// The report of every certificate of `chain` at `time`.
pub fn certificates(chain: &[Vec<u8>], time: u64) -> Vec<CertificateReport> {
    chain
        .iter()
        .enumerate()
        .map(|(depth, der)| certificate(depth, der, time))
        .collect()
}

fn certificate(depth: usize, der: &[u8], time: u64) -> CertificateReport {
    let cert = match Certificate::parse(der) {
        Ok(cert) => cert,
        Err(e) => {
            return CertificateReport {
                depth,
                subject: None,
                issuer: None,
                not_before: None,
                not_after: None,
                validity: None,
                dns_names: Vec::new(),
                key_type: None,
                key_bits: None,
                self_issued: None,
                ca: None,
                error: Some(e.to_string()),
            };
        }
    };
    let validity = cert.validity();
    let key = key::key_type(cert.spki()).ok();
    CertificateReport {
        depth,
        subject: Some(name(cert.subject())),
        issuer: Some(name(cert.issuer())),
        not_before: Some(date(validity.not_before)),
        not_after: Some(date(validity.not_after)),
        validity: Some(match validity.status_at(mxtrust::time::unix_time(time)) {
            ValidityStatus::Valid => "valid",
            ValidityStatus::Expired => "expired",
            ValidityStatus::NotYetValid => "not-yet-valid",
        }),
        dns_names: cert
            .dns_names()
            .map(|n| String::from_utf8_lossy(n).into_owned())
            .collect(),
        key_type: key.map(|k| k.name()),
        key_bits: key.and_then(|k| k.bits()),
        self_issued: Some(cert.is_self_issued()),
        ca: Some(cert.basic_constraints().is_some_and(|b| b.ca)),
        error: None,
    }
}

fn date(seconds: i64) -> String {
    u64::try_from(seconds).map_or_else(|_| format!("{seconds} (before 1970)"), crate::time::format)
}

impl CertificateReport {
    /// Two lines for people.
    pub fn human(&self) -> String {
        if let Some(error) = &self.error {
            return format!("  depth {}: unreadable: {error}\n", self.depth);
        }
        let mut details = Vec::new();
        if let (Some(from), Some(to), Some(status)) =
            (&self.not_before, &self.not_after, self.validity)
        {
            details.push(format!("valid {from} to {to} ({status})"));
        }
        if let Some(key) = self.key_type {
            details.push(match self.key_bits {
                Some(bits) if key == "RSA" => format!("RSA {bits}"),
                _ => key.to_owned(),
            });
        }
        if self.ca == Some(true) {
            details.push("CA".to_owned());
        }
        if self.self_issued == Some(true) {
            details.push("self-issued".to_owned());
        }
        if !self.dns_names.is_empty() {
            details.push(format!("DNS {}", self.dns_names.join(", ")));
        }
        format!(
            "  depth {}: {}\n    issuer {}; {}\n",
            self.depth,
            self.subject.as_deref().unwrap_or_default(),
            self.issuer.as_deref().unwrap_or_default(),
            details.join("; ")
        )
    }
}

/// A Name (the contents of its SEQUENCE) as RFC 4514 writes it: RDNs last
/// first, attributes by their short names, values escaped.
pub fn name(der: &[u8]) -> String {
    let mut rdns = Vec::new();
    let mut rest = der;
    while let Some((0x31, set, after)) = tlv(rest) {
        rest = after;
        let mut attributes = Vec::new();
        let mut inner = set;
        while let Some((0x30, attribute, after)) = tlv(inner) {
            inner = after;
            if let Some((0x06, oid, value)) = tlv(attribute)
                && let Some((tag, value, _)) = tlv(value)
            {
                attributes.push(format!("{}={}", attribute_name(oid), escape(tag, value)));
            }
        }
        rdns.push(attributes.join("+"));
    }
    rdns.reverse();
    rdns.join(",")
}

/// One DER TLV (short or long definite length): tag, contents, rest.
fn tlv(bytes: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = bytes.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = match first {
        0..=0x7f => (usize::from(first), rest),
        0x81..=0x83 => {
            let n = usize::from(first & 0x7f);
            let (octets, rest) = rest.split_at_checked(n)?;
            (
                octets
                    .iter()
                    .fold(0usize, |a, &b| (a << 8) | usize::from(b)),
                rest,
            )
        }
        _ => return None,
    };
    let (value, rest) = rest.split_at_checked(len)?;
    Some((tag, value, rest))
}

fn attribute_name(oid: &[u8]) -> String {
    match oid {
        [0x55, 0x04, 0x03] => "CN".to_owned(),
        [0x55, 0x04, 0x06] => "C".to_owned(),
        [0x55, 0x04, 0x07] => "L".to_owned(),
        [0x55, 0x04, 0x08] => "ST".to_owned(),
        [0x55, 0x04, 0x0a] => "O".to_owned(),
        [0x55, 0x04, 0x0b] => "OU".to_owned(),
        [0x55, 0x04, 0x05] => "serialNumber".to_owned(),
        [0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01, 0x19] => "DC".to_owned(),
        _ => dotted(oid),
    }
}

/// An OID in dotted decimal (RFC 4514 §2.3 for types without a short name).
fn dotted(oid: &[u8]) -> String {
    let mut arcs: Vec<u64> = Vec::new();
    let mut value = 0u64;
    for &b in oid {
        value = (value << 7) | u64::from(b & 0x7f);
        if b & 0x80 == 0 {
            arcs.push(value);
            value = 0;
        }
    }
    let Some((&first, rest)) = arcs.split_first() else {
        return String::new();
    };
    let (a, b) = match first {
        0..=39 => (0, first),
        40..=79 => (1, first - 40),
        _ => (2, first - 80),
    };
    std::iter::once(a)
        .chain(std::iter::once(b))
        .chain(rest.iter().copied())
        .map(|n| n.to_string())
        .collect::<Vec<_>>()
        .join(".")
}

/// A string value with RFC 4514 §2.4 escaping; other types as `#hex`.
fn escape(tag: u8, value: &[u8]) -> String {
    let text = match tag {
        // UTF8String, PrintableString, IA5String, TeletexString (read as Latin-1 would be wrong; lossy).
        0x0c | 0x13 | 0x16 | 0x14 => String::from_utf8_lossy(value).into_owned(),
        0x1e => {
            let units: Vec<u16> = value
                .chunks(2)
                .map(|c| {
                    u16::from_be_bytes([
                        c.first().copied().unwrap_or(0),
                        c.get(1).copied().unwrap_or(0),
                    ])
                })
                .collect();
            String::from_utf16_lossy(&units)
        }
        _ => {
            return format!(
                "#{}",
                value.iter().map(|b| format!("{b:02x}")).collect::<String>()
            );
        }
    };
    let last = text.chars().count().saturating_sub(1);
    text.chars()
        .enumerate()
        .map(|(i, c)| match c {
            ',' | '+' | '"' | '\\' | '<' | '>' | ';' => format!("\\{c}"),
            '#' if i == 0 => "\\#".to_owned(),
            ' ' if i == 0 || i == last => "\\ ".to_owned(),
            c if c.is_control() => format!("\\{:02x}", u32::from(c)),
            c => c.to_string(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_rfc_4514() {
        // SET { SEQ { CN "a,b" } }, SET { SEQ { O " x" } }: O first in the
        // DER, last in RFC 4514's order.
        let der = [
            0x31, 0x0b, 0x30, 0x09, 0x06, 0x03, 0x55, 0x04, 0x0a, 0x0c, 0x02, b' ', b'x', //
            0x31, 0x0c, 0x30, 0x0a, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x03, b'a', b',', b'b',
        ];
        assert_eq!(name(&der), "CN=a\\,b,O=\\ x");
        assert_eq!(
            dotted(&[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d]),
            "1.2.840.113549"
        );
    }
}
