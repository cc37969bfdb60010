//! Result codes, RFC 8460 result types, and their strings.

use std::ffi::c_char;

use mxtrust_core::Error;
use mxtrust_core::policy::{MxPatternError, PolicyErrorKind};
use mxtrust_core::tlsrpt::ResultType;

use crate::{boundary, c_str, mxtrust_str, non_null, put, static_str};

/// What a function did. Values are fixed and never reused: 0 is success,
/// 1–99 are about how the function was called, 100–199 mirror the core's
/// input errors, 200–299 say why an MTA-STS policy body was rejected, and
/// 300–399 why an `mx` pattern is invalid. `mxtrust_result_str` describes
/// each one.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum mxtrust_result {
    /// Success; the outputs have been written.
    Ok = 0,
    /// A required pointer is NULL.
    NullParameter = 1,
    /// The library panicked (a bug); nothing unwound into C.
    Panic = 2,
    /// Caller storage is too small; `out_needed` (when the function has one)
    /// says how much would be enough, in the storage's own units. Nothing
    /// else was written.
    InsufficientSize = 3,
    /// A text input is not UTF-8.
    InvalidUtf8 = 4,
    /// An enumerated input has a value that names nothing.
    InvalidParameter = 5,
    /// A length whose size in octets exceeds `PTRDIFF_MAX`.
    LengthTooLarge = 6,
    /// An `mxtrust_policy` or policy cache that was never initialized by the
    /// library (or was overwritten).
    Uninitialized = 7,
    /// Storage or an array is not aligned as its type requires.
    MisalignedStorage = 8,
    /// A trust anchor certificate cannot be used as a trust anchor.
    InvalidTrustAnchor = 9,
    /// An index beyond the end of a list.
    IndexOutOfRange = 10,
    /// The cache holds nothing for the domain.
    NotFound = 11,

    /// A reference identifier is not a DNS name.
    InvalidReferenceName = 100,
    /// No reference identifier was given (RFC 7672 §3.2.3 always has one).
    NoReferenceIds = 101,
    /// More reference identifiers than `MXTRUST_MAX_REFERENCE_IDS`.
    TooManyReferenceIds = 102,
    /// The certificate chain is empty.
    EmptyChain = 103,
    /// More certificates than `MXTRUST_MAX_CHAIN_LEN`.
    ChainTooLong = 104,
    /// A certificate larger than `MXTRUST_MAX_CERTIFICATE_LEN` octets.
    CertificateTooLarge = 105,
    /// More TLSA records than `MXTRUST_MAX_TLSA_RECORDS`.
    TooManyRecords = 106,
    /// TLSA RDATA shorter than 3 octets (RFC 6698 §2.1).
    TlsaRdataTooShort = 107,
    /// TLSA text is not `usage selector matching-type data` (RFC 6698 §2.2).
    TlsaSyntax = 108,
    /// A TLSA field in text is not a number from 0 to 255.
    TlsaFieldOutOfRange = 109,
    /// Certificate association data is not valid hexadecimal.
    InvalidHex = 110,
    /// Certificate association data longer than 65532 octets.
    TlsaDataTooLong = 111,
    /// Malformed DER: not a certificate or SubjectPublicKeyInfo.
    BadDer = 112,
    /// A selector or matching type that data cannot be computed for.
    UnsupportedParameter = 113,
    /// An `_mta-sts` TXT record off the grammar of RFC 8461 §3.1.
    StsRecordSyntax = 114,
    /// An `_mta-sts` TXT record without `id`.
    StsMissingId = 115,
    /// An MTA-STS id that is not 1 to 32 letters and digits.
    StsInvalidId = 116,
    /// A `_smtp._tls` TXT record off the grammar of RFC 8460 §3.
    TlsrptRecordSyntax = 117,
    /// A `_smtp._tls` TXT record without `rua`.
    TlsrptMissingRua = 118,
    /// A TLSRPT report URI that is not valid.
    TlsrptInvalidUri = 119,
    /// More TLSRPT report URIs than `MXTRUST_MAX_TLSRPT_URIS`.
    TooManyReportUris = 120,
    /// A domain that is not an ASCII DNS name of at most 253 octets.
    InvalidDomain = 121,
    /// A policy beyond mxtrust's capacity: its cache entry needs more than
    /// the cache's whole text arena, or it has more than 255 `mx` patterns.
    /// A limit of mxtrust and of the caller's storage, not a fault of the
    /// publisher's policy; the cache is unchanged.
    PolicyTooLargeForCache = 122,
    /// A policy cache image that is truncated or corrupt; the cache is
    /// unchanged.
    CacheImageCorrupt = 123,
    /// A policy cache image of an unknown format or version; the cache is
    /// unchanged.
    CacheImageUnsupported = 124,
    /// Presentation text of a record of another type (e.g. an RRSIG line
    /// of `dig +dnssec` output), not TLSA.
    NotTlsa = 125,
    /// The policy cache has no room: every entry holds an unexpired
    /// `enforce` or `testing` policy, and the cache never evicts one
    /// (RFC 8461 §5.1). The cache keeps its entries; the refused policy
    /// still applies to the message at hand.
    CacheFull = 126,
    /// A reference identifier is an IPv4 or IPv6 address: DANE and MTA-STS
    /// authenticate host names (RFC 7672 §3.2.3, RFC 8461 §4.1).
    IpAddressReference = 127,
    /// An input error this version of the C API does not name yet.
    OtherError = 199,

    /// The policy body is larger than 64 KiB.
    PolicyTooLarge = 200,
    /// The policy body is not UTF-8.
    PolicyInvalidUtf8 = 201,
    /// A NUL octet in the policy body.
    PolicyNulByte = 202,
    /// A policy line longer than 1024 octets.
    PolicyLineTooLong = 203,
    /// A CR not followed by LF.
    PolicyBareCr = 204,
    /// A control character in the policy body.
    PolicyControlCharacter = 205,
    /// A policy line that is not `key: value`.
    PolicyMissingColon = 206,
    /// An invalid policy key.
    PolicyInvalidKey = 207,
    /// A policy keyword in the wrong case.
    PolicyKeywordCase = 208,
    /// No `version` field.
    PolicyMissingVersion = 209,
    /// A `version` other than `STSv1`.
    PolicyInvalidVersion = 210,
    /// No `mode` field.
    PolicyMissingMode = 211,
    /// A `mode` other than `enforce`, `testing` or `none`.
    PolicyInvalidMode = 212,
    /// No `max_age` field.
    PolicyMissingMaxAge = 213,
    /// A `max_age` that is not 1 to 10 digits.
    PolicyInvalidMaxAge = 214,
    /// Mode `enforce` or `testing` without a valid `mx` pattern.
    PolicyNoValidMx = 215,
    /// More than `MXTRUST_MAX_MX_PATTERNS` valid `mx` patterns: the
    /// library's capacity, not an invalid policy (report
    /// `validation-failure`, not `sts-policy-invalid`).
    PolicyTooManyMx = 216,
    /// A policy error this version of the C API does not name yet.
    PolicyOther = 299,

    /// An `mx` pattern that is not an LDH domain, optionally after `*.`.
    MxPatternInvalid = 300,
    /// An `mx` pattern that is an IP address; MTA-STS names hosts.
    MxPatternIpLiteral = 301,
    /// An `mx` pattern with non-ASCII characters (a U-label).
    MxPatternNonAscii = 302,
}

impl From<Error> for mxtrust_result {
    fn from(e: Error) -> Self {
        match e {
            Error::BufferTooSmall { .. } => Self::InsufficientSize,
            Error::InvalidReferenceName => Self::InvalidReferenceName,
            Error::NoReferenceIds => Self::NoReferenceIds,
            Error::TooManyReferenceIds => Self::TooManyReferenceIds,
            Error::EmptyChain => Self::EmptyChain,
            Error::ChainTooLong => Self::ChainTooLong,
            Error::CertificateTooLarge => Self::CertificateTooLarge,
            Error::TooManyRecords => Self::TooManyRecords,
            Error::TlsaRdataTooShort => Self::TlsaRdataTooShort,
            Error::TlsaSyntax => Self::TlsaSyntax,
            Error::TlsaFieldOutOfRange => Self::TlsaFieldOutOfRange,
            Error::InvalidHex => Self::InvalidHex,
            Error::TlsaDataTooLong => Self::TlsaDataTooLong,
            Error::BadDer => Self::BadDer,
            Error::UnsupportedParameter => Self::UnsupportedParameter,
            Error::StsRecordSyntax => Self::StsRecordSyntax,
            Error::StsMissingId => Self::StsMissingId,
            Error::StsInvalidId => Self::StsInvalidId,
            Error::TlsrptRecordSyntax => Self::TlsrptRecordSyntax,
            Error::TlsrptMissingRua => Self::TlsrptMissingRua,
            Error::TlsrptInvalidUri => Self::TlsrptInvalidUri,
            Error::TooManyReportUris => Self::TooManyReportUris,
            Error::InvalidDomain => Self::InvalidDomain,
            Error::PolicyTooLargeForCache => Self::PolicyTooLargeForCache,
            Error::CacheImageCorrupt => Self::CacheImageCorrupt,
            Error::CacheImageUnsupported => Self::CacheImageUnsupported,
            Error::NotTlsa => Self::NotTlsa,
            Error::CacheFull => Self::CacheFull,
            Error::IpAddressReference => Self::IpAddressReference,
            Error::UnsupportedCriticalExtension => Self::InvalidTrustAnchor,
            _ => Self::OtherError,
        }
    }
}

impl From<PolicyErrorKind> for mxtrust_result {
    fn from(kind: PolicyErrorKind) -> Self {
        use PolicyErrorKind as K;
        match kind {
            K::TooLarge => Self::PolicyTooLarge,
            K::InvalidUtf8 => Self::PolicyInvalidUtf8,
            K::NulByte => Self::PolicyNulByte,
            K::LineTooLong => Self::PolicyLineTooLong,
            K::BareCr => Self::PolicyBareCr,
            K::ControlCharacter => Self::PolicyControlCharacter,
            K::MissingColon => Self::PolicyMissingColon,
            K::InvalidKey => Self::PolicyInvalidKey,
            K::KeywordCase => Self::PolicyKeywordCase,
            K::MissingVersion => Self::PolicyMissingVersion,
            K::InvalidVersion => Self::PolicyInvalidVersion,
            K::MissingMode => Self::PolicyMissingMode,
            K::InvalidMode => Self::PolicyInvalidMode,
            K::MissingMaxAge => Self::PolicyMissingMaxAge,
            K::InvalidMaxAge => Self::PolicyInvalidMaxAge,
            K::NoValidMx => Self::PolicyNoValidMx,
            K::MxCapacity => Self::PolicyTooManyMx,
            _ => Self::PolicyOther,
        }
    }
}

impl From<MxPatternError> for mxtrust_result {
    fn from(e: MxPatternError) -> Self {
        match e {
            MxPatternError::Invalid => Self::MxPatternInvalid,
            MxPatternError::IpLiteral => Self::MxPatternIpLiteral,
            MxPatternError::NonAscii => Self::MxPatternNonAscii,
        }
    }
}

impl mxtrust_result {
    /// Every value, in numeric order; a test checks it against the header.
    const ALL: [Self; 62] = [
        Self::Ok,
        Self::NullParameter,
        Self::Panic,
        Self::InsufficientSize,
        Self::InvalidUtf8,
        Self::InvalidParameter,
        Self::LengthTooLarge,
        Self::Uninitialized,
        Self::MisalignedStorage,
        Self::InvalidTrustAnchor,
        Self::IndexOutOfRange,
        Self::NotFound,
        Self::InvalidReferenceName,
        Self::NoReferenceIds,
        Self::TooManyReferenceIds,
        Self::EmptyChain,
        Self::ChainTooLong,
        Self::CertificateTooLarge,
        Self::TooManyRecords,
        Self::TlsaRdataTooShort,
        Self::TlsaSyntax,
        Self::TlsaFieldOutOfRange,
        Self::InvalidHex,
        Self::TlsaDataTooLong,
        Self::BadDer,
        Self::UnsupportedParameter,
        Self::StsRecordSyntax,
        Self::StsMissingId,
        Self::StsInvalidId,
        Self::TlsrptRecordSyntax,
        Self::TlsrptMissingRua,
        Self::TlsrptInvalidUri,
        Self::TooManyReportUris,
        Self::InvalidDomain,
        Self::PolicyTooLargeForCache,
        Self::CacheImageCorrupt,
        Self::CacheImageUnsupported,
        Self::NotTlsa,
        Self::CacheFull,
        Self::IpAddressReference,
        Self::OtherError,
        Self::PolicyTooLarge,
        Self::PolicyInvalidUtf8,
        Self::PolicyNulByte,
        Self::PolicyLineTooLong,
        Self::PolicyBareCr,
        Self::PolicyControlCharacter,
        Self::PolicyMissingColon,
        Self::PolicyInvalidKey,
        Self::PolicyKeywordCase,
        Self::PolicyMissingVersion,
        Self::PolicyInvalidVersion,
        Self::PolicyMissingMode,
        Self::PolicyInvalidMode,
        Self::PolicyMissingMaxAge,
        Self::PolicyInvalidMaxAge,
        Self::PolicyNoValidMx,
        Self::PolicyTooManyMx,
        Self::PolicyOther,
        Self::MxPatternInvalid,
        Self::MxPatternIpLiteral,
        Self::MxPatternNonAscii,
    ];

    fn from_u32(value: u32) -> Option<Self> {
        Self::ALL.into_iter().find(|r| *r as u32 == value)
    }

    /// What the value means, for logs. The values that mirror a core error
    /// carry the core's own description; the others are about the C
    /// boundary and are written here, once.
    fn description(self) -> &'static str {
        use PolicyErrorKind as P;
        match self {
            Self::Ok => "success",
            Self::NullParameter => "a required pointer is NULL",
            Self::Panic => "libmxtrust panicked",
            Self::InsufficientSize => Error::BufferTooSmall { needed: 0 }.description(),
            Self::InvalidUtf8 => "text is not UTF-8",
            Self::InvalidParameter => "an enumerated value names nothing",
            Self::LengthTooLarge => "a length is too large",
            Self::Uninitialized => "storage was not initialized by libmxtrust",
            Self::MisalignedStorage => "storage is misaligned",
            Self::InvalidTrustAnchor => "a trust anchor certificate is unusable",
            Self::IndexOutOfRange => "index out of range",
            Self::NotFound => "not found",
            Self::InvalidReferenceName => Error::InvalidReferenceName.description(),
            Self::NoReferenceIds => Error::NoReferenceIds.description(),
            Self::TooManyReferenceIds => Error::TooManyReferenceIds.description(),
            Self::EmptyChain => Error::EmptyChain.description(),
            Self::ChainTooLong => Error::ChainTooLong.description(),
            Self::CertificateTooLarge => Error::CertificateTooLarge.description(),
            Self::TooManyRecords => Error::TooManyRecords.description(),
            Self::TlsaRdataTooShort => Error::TlsaRdataTooShort.description(),
            Self::TlsaSyntax => Error::TlsaSyntax.description(),
            Self::TlsaFieldOutOfRange => Error::TlsaFieldOutOfRange.description(),
            Self::InvalidHex => Error::InvalidHex.description(),
            Self::TlsaDataTooLong => Error::TlsaDataTooLong.description(),
            Self::BadDer => Error::BadDer.description(),
            Self::UnsupportedParameter => Error::UnsupportedParameter.description(),
            Self::StsRecordSyntax => Error::StsRecordSyntax.description(),
            Self::StsMissingId => Error::StsMissingId.description(),
            Self::StsInvalidId => Error::StsInvalidId.description(),
            Self::TlsrptRecordSyntax => Error::TlsrptRecordSyntax.description(),
            Self::TlsrptMissingRua => Error::TlsrptMissingRua.description(),
            Self::TlsrptInvalidUri => Error::TlsrptInvalidUri.description(),
            Self::TooManyReportUris => Error::TooManyReportUris.description(),
            Self::InvalidDomain => Error::InvalidDomain.description(),
            Self::PolicyTooLargeForCache => Error::PolicyTooLargeForCache.description(),
            Self::CacheImageCorrupt => Error::CacheImageCorrupt.description(),
            Self::CacheImageUnsupported => Error::CacheImageUnsupported.description(),
            Self::NotTlsa => Error::NotTlsa.description(),
            Self::CacheFull => Error::CacheFull.description(),
            Self::IpAddressReference => Error::IpAddressReference.description(),
            Self::OtherError => "unknown input error",
            Self::PolicyTooLarge => P::TooLarge.description(),
            Self::PolicyInvalidUtf8 => P::InvalidUtf8.description(),
            Self::PolicyNulByte => P::NulByte.description(),
            Self::PolicyLineTooLong => P::LineTooLong.description(),
            Self::PolicyBareCr => P::BareCr.description(),
            Self::PolicyControlCharacter => P::ControlCharacter.description(),
            Self::PolicyMissingColon => P::MissingColon.description(),
            Self::PolicyInvalidKey => P::InvalidKey.description(),
            Self::PolicyKeywordCase => P::KeywordCase.description(),
            Self::PolicyMissingVersion => P::MissingVersion.description(),
            Self::PolicyInvalidVersion => P::InvalidVersion.description(),
            Self::PolicyMissingMode => P::MissingMode.description(),
            Self::PolicyInvalidMode => P::InvalidMode.description(),
            Self::PolicyMissingMaxAge => P::MissingMaxAge.description(),
            Self::PolicyInvalidMaxAge => P::InvalidMaxAge.description(),
            Self::PolicyNoValidMx => P::NoValidMx.description(),
            Self::PolicyTooManyMx => P::MxCapacity.description(),
            Self::PolicyOther => "unknown policy error",
            // The core's MxPatternError descriptions read as the tail of a
            // warning about a pattern; a bare result needs its subject.
            Self::MxPatternInvalid => "mx pattern is not a domain name",
            Self::MxPatternIpLiteral => "mx pattern is an IP address",
            Self::MxPatternNonAscii => "mx pattern is not ASCII",
        }
    }
}

/// A description of a result value (for logs), e.g. `"success"`; for a
/// value that names no result, `"unknown result"`. Values that mirror a
/// core error carry the core's own description.
#[unsafe(no_mangle)]
pub extern "C" fn mxtrust_result_str(result: u32) -> mxtrust_str {
    static_str(|| {
        mxtrust_result::from_u32(result).map_or("unknown result", mxtrust_result::description)
    })
}

/// An RFC 8460 §4.3 result type, the failure class a TLSRPT report names.
/// `MXTRUST_RESULT_TYPE_NONE` means there is nothing to report.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum mxtrust_result_type {
    /// Nothing to report.
    None = 0,
    /// `starttls-not-supported`.
    StarttlsNotSupported = 1,
    /// `certificate-host-mismatch`.
    CertificateHostMismatch = 2,
    /// `certificate-expired`.
    CertificateExpired = 3,
    /// `certificate-not-trusted`.
    CertificateNotTrusted = 4,
    /// `validation-failure`.
    ValidationFailure = 5,
    /// `tlsa-invalid`.
    TlsaInvalid = 6,
    /// `dnssec-invalid`.
    DnssecInvalid = 7,
    /// `dane-required`.
    DaneRequired = 8,
    /// `sts-policy-fetch-error`.
    StsPolicyFetchError = 9,
    /// `sts-policy-invalid`.
    StsPolicyInvalid = 10,
    /// `sts-webpki-invalid`.
    StsWebpkiInvalid = 11,
}

const RESULT_TYPES: [mxtrust_result_type; 11] = [
    mxtrust_result_type::StarttlsNotSupported,
    mxtrust_result_type::CertificateHostMismatch,
    mxtrust_result_type::CertificateExpired,
    mxtrust_result_type::CertificateNotTrusted,
    mxtrust_result_type::ValidationFailure,
    mxtrust_result_type::TlsaInvalid,
    mxtrust_result_type::DnssecInvalid,
    mxtrust_result_type::DaneRequired,
    mxtrust_result_type::StsPolicyFetchError,
    mxtrust_result_type::StsPolicyInvalid,
    mxtrust_result_type::StsWebpkiInvalid,
];

impl mxtrust_result_type {
    pub(crate) fn from_core(t: Option<ResultType>) -> Self {
        t.and_then(|t| {
            ResultType::ALL
                .iter()
                .position(|x| *x == t)
                .and_then(|i| RESULT_TYPES.get(i).copied())
        })
        .unwrap_or(Self::None)
    }

    fn to_core(value: u32) -> Option<ResultType> {
        let i = usize::try_from(value.checked_sub(1)?).ok()?;
        ResultType::ALL.get(i).copied()
    }
}

/// The report string of an RFC 8460 result type, e.g. `"tlsa-invalid"`;
/// empty (`len` 0) for `MXTRUST_RESULT_TYPE_NONE` and for values that name
/// no result type.
#[unsafe(no_mangle)]
pub extern "C" fn mxtrust_result_type_str(result_type: u32) -> mxtrust_str {
    static_str(|| mxtrust_result_type::to_core(result_type).map_or("", ResultType::as_str))
}

/// The result type a report string names (exact, case-sensitive match).
///
/// Results: `MXTRUST_RESULT_INVALID_PARAMETER` when `name` names no result
/// type; `MXTRUST_RESULT_INVALID_UTF8`; `MXTRUST_RESULT_NULL_PARAMETER`.
#[unsafe(no_mangle)]
pub extern "C" fn mxtrust_result_type_from_str(
    name: *const c_char,
    out_result_type: *mut mxtrust_result_type,
) -> mxtrust_result {
    boundary(|| {
        non_null(out_result_type)?;
        let name = c_str(name)?;
        let t = ResultType::from_name(name).ok_or(mxtrust_result::InvalidParameter)?;
        put(out_result_type, mxtrust_result_type::from_core(Some(t)));
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests::text_of;

    /// The values cbindgen wrote into the committed header (which
    /// `header.sh --check` keeps equal to the enum).
    fn header_values() -> Vec<u32> {
        let header = include_str!("../include/mxtrust.h");
        let start = header.find("enum mxtrust_result\n").unwrap();
        let body = &header[start..];
        let body = &body[..body.find("};").unwrap()];
        body.lines()
            .filter_map(|line| line.trim().strip_prefix("MXTRUST_RESULT_"))
            .map(|line| {
                let value = line.split(" = ").nth(1).unwrap();
                value.trim_end_matches(',').parse().unwrap()
            })
            .collect()
    }

    #[test]
    fn every_result_value_has_a_description() {
        let all: Vec<u32> = mxtrust_result::ALL.iter().map(|r| *r as u32).collect();
        assert_eq!(all, header_values());
        for r in mxtrust_result::ALL {
            let text = text_of(mxtrust_result_str(r as u32));
            assert!(!text.is_empty() && text != "unknown result", "{r:?}");
        }
        assert_eq!(text_of(mxtrust_result_str(9999)), "unknown result");
    }

    #[test]
    fn core_errors_come_back_with_the_cores_description() {
        let errors = [
            Error::BufferTooSmall { needed: 7 },
            Error::InvalidReferenceName,
            Error::NoReferenceIds,
            Error::TooManyReferenceIds,
            Error::EmptyChain,
            Error::ChainTooLong,
            Error::CertificateTooLarge,
            Error::TooManyRecords,
            Error::TlsaRdataTooShort,
            Error::TlsaSyntax,
            Error::TlsaFieldOutOfRange,
            Error::InvalidHex,
            Error::TlsaDataTooLong,
            Error::NotTlsa,
            Error::BadDer,
            Error::UnsupportedParameter,
            Error::StsRecordSyntax,
            Error::StsMissingId,
            Error::StsInvalidId,
            Error::TlsrptRecordSyntax,
            Error::TlsrptMissingRua,
            Error::TlsrptInvalidUri,
            Error::TooManyReportUris,
            Error::InvalidDomain,
            Error::PolicyTooLargeForCache,
            Error::CacheFull,
            Error::CacheImageCorrupt,
            Error::CacheImageUnsupported,
            Error::IpAddressReference,
        ];
        for e in errors {
            let code = mxtrust_result::from(e);
            assert_ne!(code, mxtrust_result::OtherError, "{e:?}");
            assert_eq!(text_of(mxtrust_result_str(code as u32)), e.description());
        }
        let kinds = [
            PolicyErrorKind::TooLarge,
            PolicyErrorKind::InvalidUtf8,
            PolicyErrorKind::NulByte,
            PolicyErrorKind::LineTooLong,
            PolicyErrorKind::BareCr,
            PolicyErrorKind::ControlCharacter,
            PolicyErrorKind::MissingColon,
            PolicyErrorKind::InvalidKey,
            PolicyErrorKind::KeywordCase,
            PolicyErrorKind::MissingVersion,
            PolicyErrorKind::InvalidVersion,
            PolicyErrorKind::MissingMode,
            PolicyErrorKind::InvalidMode,
            PolicyErrorKind::MissingMaxAge,
            PolicyErrorKind::InvalidMaxAge,
            PolicyErrorKind::NoValidMx,
            PolicyErrorKind::MxCapacity,
        ];
        for k in kinds {
            let code = mxtrust_result::from(k);
            assert_ne!(code, mxtrust_result::PolicyOther, "{k:?}");
            assert_eq!(text_of(mxtrust_result_str(code as u32)), k.description());
        }
    }

    #[test]
    fn result_types_round_trip() {
        for (i, t) in ResultType::ALL.iter().enumerate() {
            let c = mxtrust_result_type::from_core(Some(*t));
            assert_eq!(c as usize, i + 1);
            assert_eq!(mxtrust_result_type::to_core(c as u32), Some(*t));
            assert_eq!(text_of(mxtrust_result_type_str(c as u32)), t.as_str());
        }
        assert_eq!(text_of(mxtrust_result_type_str(0)), "");
        assert_eq!(text_of(mxtrust_result_type_str(12)), "");
    }
}
