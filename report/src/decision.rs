//! The per-MX decision (RFC 7672 §2.2, RFC 8461 §2 and §5) as a document,
//! and the names of its inputs.
//!
//! The DNSSEC states are named as RFC 4035 §4.3 names them, with lookup
//! failures apart: `secure`, `insecure`, `bogus`, `lookup-error`; the TLSA
//! RRset's as `secure-with-records`, `secure-empty`, `insecure`, `bogus`,
//! `lookup-error`; usability as `some-usable` or `all-unusable`.

use mxtrust::decision::{Decision, DnssecStatus, TlsaStatus, TlsaUsability};
use serde::Serialize;

/// What to do for one MX host.
#[derive(Clone, Debug, Serialize)]
pub struct DecisionReport {
    /// Core's action code: `require-dane`, `require-tls-unauthenticated`,
    /// `require-sts`, `sts-testing`, `opportunistic`, `skip-mx`, `defer`.
    pub action: &'static str,
    /// The action in words.
    pub description: &'static str,
    /// The RFC 8460 result type the decision already implies, or null.
    pub tlsrpt_result_type: Option<&'static str>,
}

impl DecisionReport {
    /// The document of `decision`.
    pub fn new(decision: &Decision) -> Self {
        Self {
            action: decision.action.code(),
            description: decision.action.description(),
            tlsrpt_result_type: decision.report.map(|t| t.as_str()),
        }
    }
}

const DNSSEC: [(DnssecStatus, &str); 4] = [
    (DnssecStatus::Secure, "secure"),
    (DnssecStatus::Insecure, "insecure"),
    (DnssecStatus::Bogus, "bogus"),
    (DnssecStatus::LookupError, "lookup-error"),
];

const TLSA: [(TlsaStatus, &str); 5] = [
    (TlsaStatus::SecureWithRecords, "secure-with-records"),
    (TlsaStatus::SecureEmpty, "secure-empty"),
    (TlsaStatus::Insecure, "insecure"),
    (TlsaStatus::Bogus, "bogus"),
    (TlsaStatus::LookupError, "lookup-error"),
];

const USABILITY: [(TlsaUsability, &str); 2] = [
    (TlsaUsability::SomeUsable, "some-usable"),
    (TlsaUsability::AllUnusable, "all-unusable"),
];

/// The DNSSEC status a name names.
pub fn dnssec_status(name: &str) -> Option<DnssecStatus> {
    DNSSEC.iter().find(|(_, n)| *n == name).map(|(s, _)| *s)
}

/// The name of a DNSSEC status.
pub fn dnssec_status_name(status: DnssecStatus) -> &'static str {
    DNSSEC
        .iter()
        .find(|(s, _)| *s == status)
        .map_or("", |(_, n)| n)
}

/// The TLSA RRset status a name names.
pub fn tlsa_status(name: &str) -> Option<TlsaStatus> {
    TLSA.iter().find(|(_, n)| *n == name).map(|(s, _)| *s)
}

/// The usability a name names.
pub fn tlsa_usability(name: &str) -> Option<TlsaUsability> {
    USABILITY.iter().find(|(_, n)| *n == name).map(|(s, _)| *s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for (status, name) in DNSSEC {
            assert_eq!(dnssec_status(name), Some(status));
            assert_eq!(dnssec_status_name(status), name);
        }
        for (status, name) in TLSA {
            assert_eq!(tlsa_status(name), Some(status));
        }
        for (usability, name) in USABILITY {
            assert_eq!(tlsa_usability(name), Some(usability));
        }
        assert_eq!(dnssec_status("Secure"), None);
    }
}
