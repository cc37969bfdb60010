//! Why [`MxVerifier`](crate::MxVerifier) refused a server, carried inside
//! the rustls error so that it survives the TLS stack and the SMTP client.

use std::error::Error as StdError;
use std::fmt;
use std::sync::Arc;

use mxtrust::chain::Failure;
use mxtrust::decision::Decision;
use mxtrust::policy::PolicyError;
use mxtrust::tlsrpt::ResultType;
use rustls::{CertificateError, OtherError};

/// Why the verifier refused the server's certificate chain.
///
/// rustls receives it as
/// `Error::InvalidCertificate(CertificateError::Other(OtherError(Arc<Refusal>)))`,
/// and sends the server the matching alert. [`Refusal::find`] digs it out of
/// whatever error the TLS or SMTP library returns; the
/// [`Report`](crate::Report) handle has it too.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Refusal {
    /// DANE: usable TLSA records exist and none authenticated the chain
    /// (RFC 7672 §3; the failure is core's, most specific first).
    Dane(Failure),
    /// MTA-STS `enforce`: the chain fails the certificate check of
    /// RFC 8461 §4.2 (PKIX to the roots, dates, a DNS-ID naming the MX).
    Sts(Failure),
    /// MTA-STS: core's decision for this host is not to deliver to it, e.g.
    /// [`Action::SkipMx`](mxtrust::decision::Action::SkipMx) when an
    /// `enforce` policy does not list the MX host (RFC 8461 §4.1, §4.2).
    Decision(Decision),
    /// The MTA-STS policy body no longer parses (it was checked when the
    /// verifier was made, so this does not happen in practice).
    Policy(PolicyError),
    /// core rejected the inputs (an empty chain, too many records): the
    /// server is not trusted with inputs the verifier could not check.
    Input(mxtrust::Error),
}

impl Refusal {
    /// A stable kebab-case code: core's [`Failure::code`] (`no-match`,
    /// `name-mismatch`, `expired`, ...), the decision's
    /// [`Action::code`](mxtrust::decision::Action::code) (`skip-mx`),
    /// the policy error's or core [`Error::code`](mxtrust::Error::code).
    pub const fn code(&self) -> &'static str {
        match self {
            Self::Dane(failure) | Self::Sts(failure) => failure.code(),
            Self::Decision(decision) => decision.action.code(),
            Self::Policy(error) => error.kind.code(),
            Self::Input(error) => error.code(),
        }
    }

    /// The RFC 8460 §4.3 result type a TLSRPT report records for this
    /// failure.
    pub fn result_type(&self) -> ResultType {
        match self {
            Self::Dane(failure) | Self::Sts(failure) => failure.result_type(),
            // RFC 8460 §4.3.2: the general failure when nothing more
            // specific applies.
            Self::Decision(decision) => decision.report.unwrap_or(ResultType::ValidationFailure),
            Self::Policy(error) => error.kind.result_type(),
            Self::Input(_) => ResultType::ValidationFailure,
        }
    }

    /// The refusal inside `error`, if it is one or wraps one: a
    /// [`rustls::Error`], an [`std::io::Error`] from tokio-rustls or
    /// rustls's `Stream`, or any error whose [`source`](StdError::source)
    /// chain leads to one of those.
    ///
    /// # Examples
    ///
    /// ```
    /// use mxtrust_rustls::Refusal;
    /// let refusal = Refusal::Dane(mxtrust::chain::Failure::NoMatch);
    /// let io = std::io::Error::new(std::io::ErrorKind::InvalidData, rustls::Error::from(refusal));
    /// assert_eq!(Refusal::find(&io), Some(refusal));
    /// assert_eq!(refusal.result_type().as_str(), "certificate-not-trusted");
    /// ```
    pub fn find(error: &(dyn StdError + 'static)) -> Option<Self> {
        let mut next = Some(error);
        // A cycle in a source chain would be a bug elsewhere: bound the walk.
        for _ in 0..32 {
            let current = next?;
            if let Some(found) = Self::at(current) {
                return Some(found);
            }
            next = current.source();
        }
        None
    }

    fn at(error: &(dyn StdError + 'static)) -> Option<Self> {
        if let Some(refusal) = error.downcast_ref::<Self>() {
            return Some(*refusal);
        }
        if let Some(rustls::Error::InvalidCertificate(CertificateError::Other(OtherError(inner)))) =
            error.downcast_ref::<rustls::Error>()
        {
            return inner.downcast_ref::<Self>().copied();
        }
        // io::Error::source skips the error it wraps; get_ref returns it.
        error
            .downcast_ref::<std::io::Error>()
            .and_then(std::io::Error::get_ref)
            .and_then(|inner| Self::at(inner))
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self {
            Self::Dane(failure) => return write!(f, "DANE: {failure}"),
            Self::Sts(failure) => return write!(f, "MTA-STS: {failure}"),
            Self::Decision(decision) => decision.action.description(),
            Self::Policy(error) => return write!(f, "MTA-STS policy: {error}"),
            Self::Input(error) => return write!(f, "input: {error}"),
        };
        write!(f, "MTA-STS: {what}")
    }
}

impl StdError for Refusal {}

impl From<Refusal> for rustls::Error {
    fn from(refusal: Refusal) -> Self {
        Self::InvalidCertificate(CertificateError::Other(OtherError(Arc::new(refusal))))
    }
}
