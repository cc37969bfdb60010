use core::fmt;

/// Why an input was rejected.
///
/// These are errors in what the caller handed over (malformed records,
/// exceeded limits, storage too small), kept apart from verdicts about the
/// server: a certificate chain that fails DANE is a
/// [`dane::Outcome`](crate::dane::Outcome), not an `Error`. When a function
/// returns an `Error`, it has written nothing into caller storage that the
/// documentation of that function does not name.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Error {
    /// Caller-provided storage is too small; `needed` is the size (in the
    /// storage's own units) that would have been enough.
    BufferTooSmall {
        /// Capacity that would have been enough.
        needed: usize,
    },
    /// A reference identifier is not a DNS name (RFC 1035 §2.3.1, with `_`
    /// allowed, an optional leading `.`, one optional trailing `.`).
    InvalidReferenceName,
    /// No reference identifier was given; RFC 7672 §3.2.3 always has at least
    /// the TLSA base domain.
    NoReferenceIds,
    /// More than [`MAX_REFERENCE_IDS`](crate::limits::MAX_REFERENCE_IDS)
    /// reference identifiers.
    TooManyReferenceIds,
    /// The presented chain is empty; TLS always presents a leaf.
    EmptyChain,
    /// More than [`MAX_CHAIN_LEN`](crate::limits::MAX_CHAIN_LEN) certificates.
    ChainTooLong,
    /// A certificate larger than
    /// [`MAX_CERTIFICATE_LEN`](crate::limits::MAX_CERTIFICATE_LEN).
    CertificateTooLarge,
    /// More than [`MAX_TLSA_RECORDS`](crate::limits::MAX_TLSA_RECORDS) TLSA
    /// records.
    TooManyRecords,
    /// TLSA RDATA shorter than its three one-octet fields (RFC 6698 §2.1).
    TlsaRdataTooShort,
    /// TLSA presentation text is not `usage selector matching-type data`
    /// (RFC 6698 §2.2), optionally preceded by `owner [ttl] [class] TLSA`.
    TlsaSyntax,
    /// A TLSA field in presentation form is not a decimal number from 0 to
    /// 255 (RFC 6698 §2.2).
    TlsaFieldOutOfRange,
    /// Certificate association data is not an even number of hexadecimal
    /// digits (RFC 6698 §2.2).
    InvalidHex,
    /// Certificate association data longer than
    /// [`MAX_TLSA_DATA_LEN`](crate::limits::MAX_TLSA_DATA_LEN).
    TlsaDataTooLong,
    /// Presentation text of a resource record of another type, such as the
    /// `RRSIG TLSA ...` lines of `dig +dnssec` output.
    NotTlsa,
    /// DER that is not a well-formed certificate (RFC 5280 §4.1) or
    /// SubjectPublicKeyInfo: wrong tag, non-canonical or oversized length,
    /// truncated, or trailing data.
    BadDer,
    /// A selector or matching type that mxtrust cannot compute data for
    /// (only 0 and 1, and 0, 1 and 2, are defined by RFC 6698 §2.1.2–2.1.3).
    UnsupportedParameter,
    // MTA-STS, TLSRPT and policy cache.
    /// An `_mta-sts` TXT record that does not follow the grammar of RFC 8461
    /// §3.1: not `v=STSv1` first, a bad field delimiter, an empty field, or
    /// an extension field whose name or value has forbidden characters.
    StsRecordSyntax,
    /// An `_mta-sts` TXT record without the required `id` field
    /// (RFC 8461 §3.1).
    StsMissingId,
    /// An MTA-STS `id` that is not 1 to 32 ASCII letters and digits
    /// (RFC 8461 §3.1 `sts-id`).
    StsInvalidId,
    /// A `_smtp._tls` TXT record that does not follow the grammar of
    /// RFC 8460 §3.
    TlsrptRecordSyntax,
    /// A `_smtp._tls` TXT record without the required `rua` field
    /// (RFC 8460 §3).
    TlsrptMissingRua,
    /// A report URI in `rua` that is not a URI, or has a `,`, `;`, space or
    /// bad `%` escape in it (RFC 8460 §3: `,` and `;` must be %-encoded).
    TlsrptInvalidUri,
    /// More than [`MAX_TLSRPT_URIS`](crate::limits::MAX_TLSRPT_URIS) report
    /// URIs in one `rua` field.
    TooManyReportUris,
    /// A domain given to the policy cache, or to a function that writes a
    /// name derived from it (such as [`crate::fetch::policy_url`]), is not an
    /// ASCII DNS name, or the result would be longer than
    /// [`MAX_NAME_LEN`](crate::limits::MAX_NAME_LEN) octets.
    InvalidDomain,
    /// A policy does not fit in mxtrust's capacity: its cache entry needs
    /// more than the whole arena of the
    /// [`PolicyCache`](crate::cache::PolicyCache), or more than 255 `mx`
    /// patterns. This is a limit of mxtrust and of the storage the caller
    /// gave it, not a fault of the publisher's policy (RFC 8461 §3.2 sets
    /// no such limit); the cache is unchanged.
    PolicyTooLargeForCache,
    /// The policy cache has no room for another domain: every entry holds
    /// an unexpired `enforce` or `testing` policy, and evicting one would
    /// take its domain's protection away (RFC 8461 §5.1). The cache keeps
    /// its protecting entries; see the
    /// [`cache`](crate::cache) module documentation.
    CacheFull,
    /// A policy cache image is truncated, fails its SHA-256 checksum, or
    /// holds an entry that does not validate; the cache is unchanged.
    CacheImageCorrupt,
    /// A policy cache image has an unknown magic number or format version;
    /// the cache is unchanged.
    CacheImageUnsupported,
    /// A reference identifier is an IPv4 or IPv6 address: DANE and MTA-STS
    /// authenticate host names (RFC 7672 §3.2.3, RFC 8461 §4.1), never
    /// addresses.
    IpAddressReference,
    /// A certificate offered as a trust anchor has a critical extension
    /// that path validation does not process (RFC 5280 §4.2).
    UnsupportedCriticalExtension,
}

impl Error {
    /// A stable kebab-case code for machine-readable output (JSON, the wasm
    /// package's `MxtrustError.code`): the C library's `MXTRUST_RESULT_*`
    /// name in kebab case where it has one (`invalid-reference-name`,
    /// `tlsa-syntax`...), else the variant's name (`buffer-too-small`). Never
    /// changes once published.
    pub const fn code(&self) -> &'static str {
        match self {
            Self::BufferTooSmall { .. } => "buffer-too-small",
            Self::InvalidReferenceName => "invalid-reference-name",
            Self::NoReferenceIds => "no-reference-ids",
            Self::TooManyReferenceIds => "too-many-reference-ids",
            Self::EmptyChain => "empty-chain",
            Self::ChainTooLong => "chain-too-long",
            Self::CertificateTooLarge => "certificate-too-large",
            Self::TooManyRecords => "too-many-records",
            Self::TlsaRdataTooShort => "tlsa-rdata-too-short",
            Self::TlsaSyntax => "tlsa-syntax",
            Self::TlsaFieldOutOfRange => "tlsa-field-out-of-range",
            Self::InvalidHex => "invalid-hex",
            Self::TlsaDataTooLong => "tlsa-data-too-long",
            Self::NotTlsa => "not-tlsa",
            Self::BadDer => "bad-der",
            Self::UnsupportedParameter => "unsupported-parameter",
            Self::StsRecordSyntax => "sts-record-syntax",
            Self::StsMissingId => "sts-missing-id",
            Self::StsInvalidId => "sts-invalid-id",
            Self::TlsrptRecordSyntax => "tlsrpt-record-syntax",
            Self::TlsrptMissingRua => "tlsrpt-missing-rua",
            Self::TlsrptInvalidUri => "tlsrpt-invalid-uri",
            Self::TooManyReportUris => "too-many-report-uris",
            Self::InvalidDomain => "invalid-domain",
            Self::PolicyTooLargeForCache => "policy-too-large-for-cache",
            Self::CacheFull => "cache-full",
            Self::CacheImageCorrupt => "cache-image-corrupt",
            Self::CacheImageUnsupported => "cache-image-unsupported",
            Self::IpAddressReference => "ip-address-reference",
            Self::UnsupportedCriticalExtension => "unsupported-critical-extension",
        }
    }

    /// A short description, for logs and for the wrappers' error strings.
    pub const fn description(&self) -> &'static str {
        match self {
            Self::BufferTooSmall { .. } => "caller-provided storage is too small",
            Self::InvalidReferenceName => "reference identifier is not a valid DNS name",
            Self::NoReferenceIds => "no reference identifier given",
            Self::TooManyReferenceIds => "too many reference identifiers",
            Self::EmptyChain => "the certificate chain is empty",
            Self::ChainTooLong => "the certificate chain has too many certificates",
            Self::CertificateTooLarge => "a certificate is too large",
            Self::TooManyRecords => "too many TLSA records",
            Self::TlsaRdataTooShort => "TLSA RDATA shorter than 3 octets",
            Self::TlsaSyntax => "TLSA record text is not 'usage selector matching-type data'",
            Self::TlsaFieldOutOfRange => "TLSA field is not a number from 0 to 255",
            Self::InvalidHex => "certificate association data is not valid hexadecimal",
            Self::TlsaDataTooLong => "certificate association data is too long",
            Self::NotTlsa => "a resource record of another type, not TLSA",
            Self::BadDer => "malformed DER",
            Self::UnsupportedParameter => "unsupported selector or matching type",
            // MTA-STS, TLSRPT and policy cache.
            Self::StsRecordSyntax => "_mta-sts TXT record does not follow RFC 8461 section 3.1",
            Self::StsMissingId => "_mta-sts TXT record has no id field",
            Self::StsInvalidId => "MTA-STS id is not 1 to 32 letters and digits",
            Self::TlsrptRecordSyntax => "_smtp._tls TXT record does not follow RFC 8460 section 3",
            Self::TlsrptMissingRua => "_smtp._tls TXT record has no rua field",
            Self::TlsrptInvalidUri => "TLSRPT rua has an invalid URI",
            Self::TooManyReportUris => "too many TLSRPT report URIs",
            Self::InvalidDomain => "not a valid domain name",
            Self::PolicyTooLargeForCache => "MTA-STS policy exceeds the policy cache's capacity",
            Self::CacheFull => "policy cache is full of unexpired policies",
            Self::CacheImageCorrupt => "policy cache image is truncated or corrupt",
            Self::CacheImageUnsupported => "policy cache image has an unknown format or version",
            Self::IpAddressReference => {
                "reference identifier is an IP address; DANE and MTA-STS name hosts"
            }
            Self::UnsupportedCriticalExtension => {
                "certificate has a critical extension that path validation does not process"
            }
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BufferTooSmall { needed } => {
                write!(f, "{} (need {needed})", self.description())
            }
            _ => f.write_str(self.description()),
        }
    }
}

impl core::error::Error for Error {}
