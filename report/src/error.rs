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
