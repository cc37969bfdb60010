//! What a reader can say about input it cannot use.

use std::fmt;

/// Input a reader cannot use, with the 1-based line at fault when there is
/// one. Its `Display` is `LINE: reason` (or just `reason`), so that a caller
/// that knows the file name prints `FILE:LINE: reason`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadError {
    /// The 1-based line, or `None` for the input as a whole.
    pub line: Option<usize>,
    /// What is wrong.
    pub kind: ReadErrorKind,
}

/// What is wrong with an input.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReadErrorKind {
    /// Text that is not UTF-8.
    NotUtf8,
    /// Neither PEM (no `-----BEGIN` line) nor DER.
    NotPemOrDer,
    /// No `-----BEGIN CERTIFICATE-----` block.
    NoCertificate,
    /// PEM without a block of the label needed.
    WrongPemLabel {
        /// The label needed.
        expected: &'static str,
        /// The labels found.
        found: String,
    },
    /// A PEM block that does not decode.
    Pem {
        /// The block's position in the input, from 1.
        block: usize,
        /// Why, in words.
        reason: String,
    },
    /// Concatenated DER whose outer lengths do not add up.
    DerTruncated {
        /// The certificate's position, from 1.
        index: usize,
        /// Its first octet's offset in the input.
        offset: usize,
    },
    /// A `(` without its `)` (RFC 1035 §5.1).
    UnclosedParenthesis,
    /// A zone-file directive this reader does not follow, e.g. `$INCLUDE`.
    UnsupportedDirective(String),
    /// `dig` output whose header has no `ad` flag: nobody says the answer
    /// was DNSSEC-validated, so it must not be used for DANE (RFC 7672 §2.2).
    DigNotAuthenticated,
    /// `dig` output whose status is not NOERROR.
    DigStatus(String),
    /// A TLSA record core rejects.
    Tlsa(mxtrust::Error),
    /// Quoting of TXT data (as `dig` prints it) is broken.
    TxtQuoting(&'static str),
}

impl ReadErrorKind {
    /// A stable kebab-case code for machine-readable output (the wasm
    /// package's `MxtrustError.code`); a TLSA record core rejects carries
    /// core's code ([`mxtrust::Error::code`]).
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotUtf8 => "not-utf8",
            Self::NotPemOrDer => "not-pem-or-der",
            Self::NoCertificate => "no-certificate",
            Self::WrongPemLabel { .. } => "wrong-pem-label",
            Self::Pem { .. } => "bad-pem",
            Self::DerTruncated { .. } => "der-truncated",
            Self::UnclosedParenthesis => "unclosed-parenthesis",
            Self::UnsupportedDirective(_) => "unsupported-directive",
            Self::DigNotAuthenticated => "dig-not-authenticated",
            Self::DigStatus(_) => "dig-status",
            Self::Tlsa(e) => e.code(),
            Self::TxtQuoting(_) => "txt-quoting",
        }
    }
}

impl fmt::Display for ReadErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotUtf8 => f.write_str("not UTF-8 text"),
            Self::NotPemOrDer => f.write_str("neither PEM (no -----BEGIN line) nor DER"),
            Self::NoCertificate => f.write_str("no -----BEGIN CERTIFICATE----- block"),
            Self::WrongPemLabel { expected, found } => write!(
                f,
                "no -----BEGIN {expected}----- block (found {})",
                if found.is_empty() { "none" } else { found }
            ),
            Self::Pem { block, reason } => write!(f, "PEM block {block}: {reason}"),
            Self::DerTruncated { index, offset } => write!(
                f,
                "DER certificate {index} (at byte {offset}) is truncated or not a SEQUENCE"
            ),
            Self::UnclosedParenthesis => f.write_str("'(' without its ')'"),
            Self::UnsupportedDirective(d) => write!(f, "{d} is not supported here"),
            Self::DigNotAuthenticated => f.write_str(
                "dig answer without the 'ad' flag: the resolver did not say it validated \
                 it with DNSSEC, and DANE needs a secure TLSA RRset (RFC 7672 §2.2)",
            ),
            Self::DigStatus(status) => write!(
                f,
                "dig answer with status {status}, not NOERROR: there is no TLSA RRset to use"
            ),
            Self::Tlsa(e) => write!(f, "{e}"),
            Self::TxtQuoting(why) => f.write_str(why),
        }
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{line}: {}", self.kind),
            None => write!(f, "{}", self.kind),
        }
    }
}

impl std::error::Error for ReadError {}

impl ReadError {
    /// An error about the input as a whole.
    pub fn whole(kind: ReadErrorKind) -> Self {
        Self { line: None, kind }
    }

    /// An error at a 1-based line.
    pub fn at(line: usize, kind: ReadErrorKind) -> Self {
        Self {
            line: Some(line),
            kind,
        }
    }

    /// `NAME:LINE: reason` (or `NAME: reason`), as the CLI prints it.
    pub fn in_input(&self, name: &str) -> String {
        format!(
            "{name}:{}{self}",
            if self.line.is_some() { "" } else { " " }
        )
    }
}

/// `bytes` as UTF-8 text, or [`ReadErrorKind::NotUtf8`] at the line of the
/// first invalid sequence.
///
/// # Errors
///
/// Bytes that are not UTF-8.
pub fn text(bytes: &[u8]) -> Result<&str, ReadError> {
    std::str::from_utf8(bytes).map_err(|e| {
        let valid = bytes.get(..e.valid_up_to()).unwrap_or_default();
        let line = valid
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            .saturating_add(1);
        ReadError::at(line, ReadErrorKind::NotUtf8)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every code is kebab-case and names one error only.
    #[test]
    fn error_codes_are_unique_and_kebab_case() {
        use mxtrust::Error as E;
        let all = [
            E::BufferTooSmall { needed: 1 },
            E::InvalidReferenceName,
            E::NoReferenceIds,
            E::TooManyReferenceIds,
            E::EmptyChain,
            E::ChainTooLong,
            E::CertificateTooLarge,
            E::TooManyRecords,
            E::TlsaRdataTooShort,
            E::TlsaSyntax,
            E::TlsaFieldOutOfRange,
            E::InvalidHex,
            E::TlsaDataTooLong,
            E::NotTlsa,
            E::BadDer,
            E::UnsupportedParameter,
            E::StsRecordSyntax,
            E::StsMissingId,
            E::StsInvalidId,
            E::TlsrptRecordSyntax,
            E::TlsrptMissingRua,
            E::TlsrptInvalidUri,
            E::TooManyReportUris,
            E::InvalidDomain,
            E::PolicyTooLargeForCache,
            E::CacheFull,
            E::CacheImageCorrupt,
            E::CacheImageUnsupported,
            E::IpAddressReference,
            E::UnsupportedCriticalExtension,
        ];
        let read = [
            ReadErrorKind::NotUtf8,
            ReadErrorKind::NotPemOrDer,
            ReadErrorKind::NoCertificate,
            ReadErrorKind::WrongPemLabel {
                expected: "CERTIFICATE",
                found: String::new(),
            },
            ReadErrorKind::Pem {
                block: 1,
                reason: String::new(),
            },
            ReadErrorKind::DerTruncated {
                index: 1,
                offset: 0,
            },
            ReadErrorKind::UnclosedParenthesis,
            ReadErrorKind::UnsupportedDirective(String::new()),
            ReadErrorKind::DigNotAuthenticated,
            ReadErrorKind::DigStatus(String::new()),
            ReadErrorKind::TxtQuoting(""),
        ];
        let mut codes: Vec<&str> = all.iter().map(mxtrust::Error::code).collect();
        codes.extend(read.iter().map(ReadErrorKind::code));
        for code in &codes {
            assert!(
                code.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                    && !code.is_empty(),
                "{code}"
            );
            assert_ne!(*code, "other-error");
        }
        let mut unique = codes.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), codes.len());
    }
}
