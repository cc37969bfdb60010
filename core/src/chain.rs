//! Certificate path validation shared by DANE-TA, the PKIX usages and the
//! MTA-STS certificate check: rustls-webpki builds and checks the path
//! (signatures, CA and key usage, path length, serverAuth EKU when present,
//! validity, name constraints), and its errors become [`Failure`]s that say
//! what went wrong in the words of RFC 5280 and map to RFC 8460 result types.

use core::fmt;

use rustls_pki_types::{CertificateDer, TrustAnchor, UnixTime};
use webpki::{EndEntityCert, KeyUsage};

use crate::SignatureVerificationAlgorithm;
use crate::cert::Certificate;
use crate::limits::{MAX_CHAIN_LEN, MAX_NAME_CONSTRAINT_COMPARISONS};
use crate::name;
use crate::tlsrpt::ResultType;

/// Why usable records did not authenticate the chain, the most specific
/// reason found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Failure {
    /// No usable record matched any certificate it applies to.
    NoMatch,
    /// A record matched, but the leaf names none of the reference
    /// identifiers (RFC 7672 §3.2.3).
    NameMismatch,
    /// A certificate the path needs has expired.
    Expired {
        /// Its depth in the presented chain, when known.
        depth: Option<usize>,
    },
    /// A certificate the path needs is not valid yet.
    NotYetValid {
        /// Its depth in the presented chain, when known.
        depth: Option<usize>,
    },
    /// No path from the leaf reaches the anchor: an issuer is missing.
    IssuerNotFound,
    /// A signature on the path does not verify.
    BadSignature,
    /// A signature on the path uses an algorithm the caller did not enable.
    UnsupportedSignatureAlgorithm,
    /// A certificate needed for the check does not parse.
    MalformedCertificate {
        /// Its depth in the presented chain, when known.
        depth: Option<usize>,
    },
    /// The path breaks an X.509 constraint.
    InvalidChain(ChainProblem),
    /// The server presented more than
    /// [`MAX_CHAIN_LEN`] certificates: only
    /// the leaf was considered, so DANE-EE records were still matched
    /// (RFC 7672 §3.1.1) but no path could be validated.
    ChainTooLong,
    /// A presented certificate is larger than
    /// [`MAX_CERTIFICATE_LEN`](crate::limits::MAX_CERTIFICATE_LEN) octets:
    /// nothing that needs it parsed could be checked.
    CertificateTooLarge {
        /// Its depth in the presented chain.
        depth: Option<usize>,
    },
}

/// Which X.509 constraint a path breaks (RFC 5280 §6.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ChainProblem {
    /// The leaf is a CA certificate.
    CaUsedAsEndEntity,
    /// An issuer is not a CA (basicConstraints, keyUsage).
    EndEntityUsedAsCa,
    /// A pathLenConstraint is exceeded.
    PathLength,
    /// The leaf's extendedKeyUsage lacks serverAuth.
    ExtendedKeyUsage,
    /// A name constraint is violated.
    NameConstraints,
    /// An unsupported critical extension.
    UnsupportedCriticalExtension,
    /// Path building gave up (too many signatures, candidates or depth).
    ResourceLimit,
    /// Any other constraint.
    Other,
}

impl Failure {
    /// The RFC 8460 result type for this failure.
    pub fn result_type(&self) -> ResultType {
        match self {
            Self::NameMismatch => ResultType::CertificateHostMismatch,
            Self::Expired { .. } => ResultType::CertificateExpired,
            // Not expired, so not `certificate-expired` (RFC 8460 §4.3.1).
            Self::NotYetValid { .. }
            | Self::MalformedCertificate { .. }
            | Self::ChainTooLong
            | Self::CertificateTooLarge { .. } => ResultType::ValidationFailure,
            Self::NoMatch
            | Self::IssuerNotFound
            | Self::BadSignature
            | Self::UnsupportedSignatureAlgorithm
            | Self::InvalidChain(_) => ResultType::CertificateNotTrusted,
        }
    }

    /// A stable kebab-case code for machine-readable output (JSON, C, logs);
    /// never changes once published.
    pub const fn code(&self) -> &'static str {
        match self {
            Self::NoMatch => "no-match",
            Self::NameMismatch => "name-mismatch",
            Self::Expired { .. } => "expired",
            Self::NotYetValid { .. } => "not-yet-valid",
            Self::IssuerNotFound => "issuer-not-found",
            Self::BadSignature => "bad-signature",
            Self::UnsupportedSignatureAlgorithm => "unsupported-signature-algorithm",
            Self::MalformedCertificate { .. } => "malformed-certificate",
            Self::InvalidChain(problem) => problem.code(),
            Self::ChainTooLong => "chain-too-long",
            Self::CertificateTooLarge { .. } => "certificate-too-large",
        }
    }

    /// A short description.
    pub const fn description(&self) -> &'static str {
        match self {
            Self::NoMatch => "no usable TLSA record matches the certificate chain",
            Self::NameMismatch => "the certificate names none of the reference identifiers",
            Self::Expired { .. } => "certificate expired",
            Self::NotYetValid { .. } => "certificate not yet valid",
            Self::IssuerNotFound => "issuer certificate not found",
            Self::BadSignature => "bad certificate signature",
            Self::UnsupportedSignatureAlgorithm => "unsupported signature algorithm",
            Self::MalformedCertificate { .. } => "malformed certificate",
            Self::InvalidChain(problem) => problem.description(),
            Self::ChainTooLong => "the server presented more certificates than mxtrust checks",
            Self::CertificateTooLarge { .. } => {
                "a presented certificate is larger than mxtrust reads"
            }
        }
    }
}

impl ChainProblem {
    /// A stable kebab-case code; never changes once published.
    pub const fn code(&self) -> &'static str {
        match self {
            Self::CaUsedAsEndEntity => "ca-used-as-end-entity",
            Self::EndEntityUsedAsCa => "end-entity-used-as-ca",
            Self::PathLength => "path-length",
            Self::ExtendedKeyUsage => "extended-key-usage",
            Self::NameConstraints => "name-constraints",
            Self::UnsupportedCriticalExtension => "unsupported-critical-extension",
            Self::ResourceLimit => "resource-limit",
            Self::Other => "invalid-chain",
        }
    }

    /// A short description.
    pub const fn description(&self) -> &'static str {
        match self {
            Self::CaUsedAsEndEntity => "CA certificate used as end entity",
            Self::EndEntityUsedAsCa => "end-entity certificate used as CA",
            Self::PathLength => "path length constraint violated",
            Self::ExtendedKeyUsage => "extended key usage does not allow serverAuth",
            Self::NameConstraints => "name constraint violated",
            Self::UnsupportedCriticalExtension => "unsupported critical extension",
            Self::ResourceLimit => "path building limit exceeded",
            Self::Other => "invalid certificate chain",
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.description())?;
        match self {
            Self::Expired { depth: Some(d) }
            | Self::NotYetValid { depth: Some(d) }
            | Self::MalformedCertificate { depth: Some(d) }
            | Self::CertificateTooLarge { depth: Some(d) } => write!(f, " at depth {d}"),
            _ => Ok(()),
        }
    }
}

/// An extra check rustls-webpki runs on each otherwise valid path; an error
/// makes it try the next candidate path.
pub(crate) type PathCheck<'f> = &'f dyn Fn(&webpki::VerifiedPath<'_>) -> Result<(), webpki::Error>;

/// Why [`validate`] failed.
pub(crate) enum PathError {
    /// The leaf is not a certificate rustls-webpki can read.
    MalformedLeaf,
    /// Path building or checking failed.
    Webpki(webpki::Error),
}

/// Validates a path from `leaf` to one of `anchors` for TLS server
/// authentication at `time`, through any of `intermediates` (at most
/// [`MAX_CHAIN_LEN`] of them are considered). Returns how many
/// intermediates the validated path has.
pub(crate) fn validate<'c>(
    leaf: &Certificate<'_>,
    intermediates: impl Iterator<Item = &'c [u8]>,
    anchors: &[TrustAnchor<'_>],
    time: UnixTime,
    algorithms: &[&dyn SignatureVerificationAlgorithm],
    on_path: Option<PathCheck<'_>>,
) -> Result<usize, PathError> {
    let leaf_der = CertificateDer::from(leaf.der());
    let cn_check = CnConstraints::of(leaf);
    let leaf = EndEntityCert::try_from(&leaf_der).map_err(|_| PathError::MalformedLeaf)?;
    let mut storage: [CertificateDer<'_>; MAX_CHAIN_LEN] =
        core::array::from_fn(|_| CertificateDer::from(&[][..]));
    let mut count: usize = 0;
    for (slot, der) in storage.iter_mut().zip(intermediates) {
        *slot = CertificateDer::from(der);
        count = count.saturating_add(1);
    }
    let path_check = |path: &webpki::VerifiedPath<'_>| {
        cn_check.check(path)?;
        on_path.map_or(Ok(()), |check| check(path))
    };
    leaf.verify_for_usage(
        algorithms,
        anchors,
        storage.get(..count).unwrap_or(&[]),
        time,
        KeyUsage::server_auth(),
        None,
        Some(&path_check),
    )
    .map(|path| path.intermediate_certificates().count())
    .map_err(PathError::Webpki)
}

/// The leaf's common names that stand in for DNS-IDs, held to the dNSName
/// constraints of every certificate on a candidate path (RFC 7672 §3.2.3,
/// RFC 5280 §4.2.1.10). rustls-webpki checks only subjectAltName entries,
/// since it never matches a CN; mxtrust matches a CN when the leaf has no
/// DNS-ID, so without this a CA constrained to `example.com` could name
/// `mx.victim.test` in the CN of a leaf without subjectAltName.
struct CnConstraints<'a> {
    /// The leaf, when it has no DNS-ID and at least one CN that could name
    /// a host; `None` when there is nothing to check.
    leaf: Option<Certificate<'a>>,
}

impl<'a> CnConstraints<'a> {
    fn of(leaf: &Certificate<'a>) -> Self {
        let uses_cn =
            leaf.dns_names().next().is_none() && leaf.common_names().any(name::could_name_a_host);
        Self {
            leaf: uses_cn.then_some(*leaf),
        }
    }

    fn check(&self, path: &webpki::VerifiedPath<'_>) -> Result<(), webpki::Error> {
        let Some(leaf) = &self.leaf else {
            return Ok(());
        };
        let mut budget = MAX_NAME_CONSTRAINT_COMPARISONS;
        for cert in path.intermediate_certificates() {
            let der = cert.der();
            let cert = Certificate::parse(der.as_ref()).map_err(|_| webpki::Error::BadDer)?;
            if let Some(nc) = cert.name_constraints() {
                Self::check_names(leaf, nc, &mut budget)?;
            }
        }
        match &path.anchor().name_constraints {
            Some(nc) => Self::check_names(leaf, nc.as_ref(), &mut budget),
            None => Ok(()),
        }
    }

    fn check_names(
        leaf: &Certificate<'_>,
        constraints: &[u8],
        budget: &mut usize,
    ) -> Result<(), webpki::Error> {
        for cn in leaf.common_names().filter(|cn| name::could_name_a_host(cn)) {
            match name::within_dns_constraints(cn, constraints, budget) {
                Ok(true) => {}
                Ok(false) | Err(name::ConstraintError::Malformed) => {
                    return Err(webpki::Error::NameConstraintViolation);
                }
                Err(name::ConstraintError::BudgetExceeded) => {
                    return Err(webpki::Error::MaximumNameConstraintComparisonsExceeded);
                }
            }
        }
        Ok(())
    }
}

/// The [`Failure`] a rustls-webpki error stands for. Depths are unknown
/// here; callers that know the chain fill them in.
pub(crate) fn classify(error: &webpki::Error) -> Failure {
    use webpki::Error as E;
    match error {
        E::CertExpired { .. } => Failure::Expired { depth: None },
        E::CertNotValidYet { .. } => Failure::NotYetValid { depth: None },
        E::UnknownIssuer => Failure::IssuerNotFound,
        E::InvalidSignatureForPublicKey => Failure::BadSignature,
        E::UnsupportedSignatureAlgorithmContext(_)
        | E::UnsupportedSignatureAlgorithmForPublicKeyContext(_)
        | E::SignatureAlgorithmMismatch => Failure::UnsupportedSignatureAlgorithm,
        E::BadDer | E::BadDerTime | E::TrailingData(_) | E::UnsupportedCertVersion => {
            Failure::MalformedCertificate { depth: None }
        }
        E::CaUsedAsEndEntity => Failure::InvalidChain(ChainProblem::CaUsedAsEndEntity),
        E::EndEntityUsedAsCa => Failure::InvalidChain(ChainProblem::EndEntityUsedAsCa),
        E::PathLenConstraintViolated => Failure::InvalidChain(ChainProblem::PathLength),
        E::RequiredEkuNotFoundContext(_) => Failure::InvalidChain(ChainProblem::ExtendedKeyUsage),
        E::NameConstraintViolation
        | E::InvalidNetworkMaskConstraint
        | E::MalformedNameConstraint => Failure::InvalidChain(ChainProblem::NameConstraints),
        E::UnsupportedCriticalExtension => {
            Failure::InvalidChain(ChainProblem::UnsupportedCriticalExtension)
        }
        E::MaximumPathDepthExceeded
        | E::MaximumSignatureChecksExceeded
        | E::MaximumPathBuildCallsExceeded
        | E::MaximumNameConstraintComparisonsExceeded => {
            Failure::InvalidChain(ChainProblem::ResourceLimit)
        }
        _ => Failure::InvalidChain(ChainProblem::Other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Codes are published in JSON and C: unique and kebab-case.
    #[test]
    fn codes_are_unique_and_kebab_case() {
        let all = [
            Failure::NoMatch,
            Failure::NameMismatch,
            Failure::Expired { depth: None },
            Failure::NotYetValid { depth: None },
            Failure::IssuerNotFound,
            Failure::BadSignature,
            Failure::UnsupportedSignatureAlgorithm,
            Failure::MalformedCertificate { depth: None },
            Failure::InvalidChain(ChainProblem::CaUsedAsEndEntity),
            Failure::InvalidChain(ChainProblem::EndEntityUsedAsCa),
            Failure::InvalidChain(ChainProblem::PathLength),
            Failure::InvalidChain(ChainProblem::ExtendedKeyUsage),
            Failure::InvalidChain(ChainProblem::NameConstraints),
            Failure::InvalidChain(ChainProblem::UnsupportedCriticalExtension),
            Failure::InvalidChain(ChainProblem::ResourceLimit),
            Failure::InvalidChain(ChainProblem::Other),
            Failure::ChainTooLong,
            Failure::CertificateTooLarge { depth: None },
        ];
        for (i, a) in all.iter().enumerate() {
            let code = a.code();
            assert!(
                !code.is_empty() && code.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
                "{code:?}"
            );
            for b in all.iter().skip(i + 1) {
                assert_ne!(code, b.code(), "{a:?} and {b:?}");
            }
        }
    }
}
