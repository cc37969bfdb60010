//! SMTP TLS Reporting (RFC 8460).

use core::fmt;

/// A result type of RFC 8460 §4.3, the classification of a failed attempt
/// to establish a secure session, as it appears in a TLSRPT report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ResultType {
    /// `starttls-not-supported`: the receiving MTA did not offer STARTTLS
    /// (RFC 8460 §4.3.1).
    StarttlsNotSupported,
    /// `certificate-host-mismatch`: the certificate presented did not adhere
    /// to the constraints of the policy, for example no name matched
    /// (RFC 8460 §4.3.1).
    CertificateHostMismatch,
    /// `certificate-expired`: the certificate has expired (RFC 8460 §4.3.1).
    CertificateExpired,
    /// `certificate-not-trusted`: the certificate chain could not be
    /// authenticated (RFC 8460 §4.3.1).
    CertificateNotTrusted,
    /// `validation-failure`: a general failure for a reason not matching any
    /// other category (RFC 8460 §4.3.1).
    ValidationFailure,
    /// `tlsa-invalid`: a validation error in the TLSA RRset of a DANE policy;
    /// none of the records were usable (RFC 8460 §4.3.2).
    TlsaInvalid,
    /// `dnssec-invalid`: no valid records were returned from the recursive
    /// resolver, the DNSSEC validation failed (RFC 8460 §4.3.2).
    DnssecInvalid,
    /// `dane-required`: the sender requires DANE for this destination but no
    /// DNSSEC-validated TLSA records were present (RFC 8460 §4.3.2).
    DaneRequired,
    /// `sts-policy-fetch-error`: the MTA-STS policy could not be fetched
    /// (RFC 8460 §4.3.3).
    StsPolicyFetchError,
    /// `sts-policy-invalid`: the MTA-STS policy could not be parsed or
    /// validated (RFC 8460 §4.3.3).
    StsPolicyInvalid,
    /// `sts-webpki-invalid`: the HTTPS server hosting the MTA-STS policy did
    /// not present a valid PKIX certificate (RFC 8460 §4.3.3).
    StsWebpkiInvalid,
}

impl ResultType {
    /// Every result type, in the order of RFC 8460 §4.3.
    pub const ALL: [Self; 11] = [
        Self::StarttlsNotSupported,
        Self::CertificateHostMismatch,
        Self::CertificateExpired,
        Self::CertificateNotTrusted,
        Self::ValidationFailure,
        Self::TlsaInvalid,
        Self::DnssecInvalid,
        Self::DaneRequired,
        Self::StsPolicyFetchError,
        Self::StsPolicyInvalid,
        Self::StsWebpkiInvalid,
    ];

    /// The string that names this result type in a report.
    ///
    /// ```
    /// use mxtrust::tlsrpt::ResultType;
    /// assert_eq!(ResultType::TlsaInvalid.as_str(), "tlsa-invalid");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::StarttlsNotSupported => "starttls-not-supported",
            Self::CertificateHostMismatch => "certificate-host-mismatch",
            Self::CertificateExpired => "certificate-expired",
            Self::CertificateNotTrusted => "certificate-not-trusted",
            Self::ValidationFailure => "validation-failure",
            Self::TlsaInvalid => "tlsa-invalid",
            Self::DnssecInvalid => "dnssec-invalid",
            Self::DaneRequired => "dane-required",
            Self::StsPolicyFetchError => "sts-policy-fetch-error",
            Self::StsPolicyInvalid => "sts-policy-invalid",
            Self::StsWebpkiInvalid => "sts-webpki-invalid",
        }
    }

    /// The result type a report string names, if any (exact match).
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == name)
    }
}

impl fmt::Display for ResultType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_the_rfc_8460_strings_and_round_trip() {
        let expected = [
            "starttls-not-supported",
            "certificate-host-mismatch",
            "certificate-expired",
            "certificate-not-trusted",
            "validation-failure",
            "tlsa-invalid",
            "dnssec-invalid",
            "dane-required",
            "sts-policy-fetch-error",
            "sts-policy-invalid",
            "sts-webpki-invalid",
        ];
        for (t, name) in ResultType::ALL.iter().zip(expected) {
            assert_eq!(t.as_str(), name);
            assert_eq!(ResultType::from_name(name), Some(*t), "{name}");
        }
        assert_eq!(ResultType::from_name("TLSA-invalid"), None);
    }
}
