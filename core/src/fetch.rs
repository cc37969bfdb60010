//! Whether the HTTPS response to an MTA-STS policy fetch may be used
//! (RFC 8461 §3.2 and §3.3).
//!
//! The HTTP client belongs to the caller; this module holds the rules it
//! must apply, so that every surface (a live check, a policy server, an edge
//! worker) applies the same ones. [`policy_url`] and [`policy_host`] say
//! where to fetch and which name the server certificate must carry;
//! [`check_response`] judges what the client observed.
//!
//! What stays with the caller:
//!
//! - **The TLS check.** RFC 8461 §3.3: the policy host "MUST present an
//!   X.509 certificate that is valid for the `mta-sts` DNS-ID" (for example
//!   `mta-sts.example.com`), chaining to a trusted root and not expired.
//!   [`policy_host`] writes that name; the HTTP client's PKIX verifier
//!   checks it. A failure there is `sts-webpki-invalid` (RFC 8460 §4.3.3).
//! - **No redirects, no HTTP cache.** RFC 8461 §3.3: "HTTP 3xx redirects
//!   MUST NOT be followed, and HTTP caching ... MUST NOT be used." Configure
//!   the client to follow none; [`check_response`] rejects a response that
//!   was reached through one anyway.
//! - **A timeout.** RFC 8461 §3.3 lets senders impose a timeout on the GET
//!   ("A suggested timeout is one minute"); the clock is the caller's, and
//!   a timeout is a failed fetch.
//! - **A size limit while reading.** The same paragraph suggests a maximum
//!   policy size of 64 kilobytes; stop reading after
//!   [`MAX_POLICY_LEN`] octets and say so in [`Response::truncated`].

use crate::Error;
use crate::limits::{MAX_NAME_LEN, MAX_POLICY_LEN};
use crate::name::{is_valid_reference, strip_trailing_dot, write_concat};
use crate::tlsrpt::ResultType;
use core::fmt;

/// The label RFC 8461 §3.2 prepends to the Policy Domain to name the Policy
/// Host.
const HOST_LABEL: &[u8] = b"mta-sts.";

/// The fixed well-known path of the policy (RFC 8461 §3.2, RFC 8615).
const PATH: &[u8] = b"/.well-known/mta-sts.txt";

const SCHEME: &[u8] = b"https://";

/// The Policy Host of a Policy Domain, `mta-sts.<domain>` (RFC 8461 §3.2),
/// written into `out` without a trailing dot. RFC 8461 §3.3: the HTTPS
/// server's certificate must be valid for this name.
///
/// # Errors
///
/// [`Error::InvalidDomain`] when `domain` (one trailing dot allowed) is not a
/// DNS name or the host name would be longer than
/// [`MAX_NAME_LEN`]; [`Error::BufferTooSmall`] with the length of the host
/// name when `out` is shorter.
///
/// # Examples
///
/// ```
/// let mut out = [0u8; 64];
/// assert_eq!(mxtrust::fetch::policy_host("example.com.", &mut out)?, "mta-sts.example.com");
/// # Ok::<(), mxtrust::Error>(())
/// ```
pub fn policy_host<'o>(domain: &str, out: &'o mut [u8]) -> Result<&'o str, Error> {
    let domain = checked_domain(domain)?;
    write_concat(&[HOST_LABEL, domain], out)
}

/// The URL of a domain's MTA-STS policy,
/// `https://mta-sts.<domain>/.well-known/mta-sts.txt` (RFC 8461 §3.2),
/// written into `out`.
///
/// # Errors
///
/// As [`policy_host`]: [`Error::InvalidDomain`], or
/// [`Error::BufferTooSmall`] with the length of the URL.
///
/// # Examples
///
/// ```
/// use mxtrust::{fetch, Error};
/// let mut out = [0u8; 300];
/// assert_eq!(
///     fetch::policy_url("example.com", &mut out)?,
///     "https://mta-sts.example.com/.well-known/mta-sts.txt"
/// );
/// assert_eq!(
///     fetch::policy_url("example.com", &mut [0u8; 8]),
///     Err(Error::BufferTooSmall { needed: 51 })
/// );
/// # Ok::<(), mxtrust::Error>(())
/// ```
pub fn policy_url<'o>(domain: &str, out: &'o mut [u8]) -> Result<&'o str, Error> {
    let domain = checked_domain(domain)?;
    write_concat(&[SCHEME, HOST_LABEL, domain, PATH], out)
}

/// Whether `url` is exactly the policy URL of `domain` (RFC 8461 §3.2).
///
/// The scheme and host compare ASCII case-insensitively (RFC 3986 §6.2.2.1);
/// the path is case-sensitive. Anything else (a port, even `:443`, a query,
/// a fragment, userinfo, a trailing dot on the host, another path) is not
/// the policy URL. A `domain` that is not a DNS name has no policy URL.
///
/// # Examples
///
/// ```
/// use mxtrust::fetch::is_policy_url;
/// assert!(is_policy_url("example.com", "HTTPS://MTA-STS.Example.com/.well-known/mta-sts.txt"));
/// assert!(!is_policy_url("example.com", "https://mta-sts.example.com:443/.well-known/mta-sts.txt"));
/// assert!(!is_policy_url("example.com", "https://example.com/.well-known/mta-sts.txt"));
/// ```
pub fn is_policy_url(domain: &str, url: &str) -> bool {
    let Ok(domain) = checked_domain(domain) else {
        return false;
    };
    let url = url.as_bytes();
    let Some((scheme, rest)) = url.split_at_checked(SCHEME.len()) else {
        return false;
    };
    let Some((label, rest)) = rest.split_at_checked(HOST_LABEL.len()) else {
        return false;
    };
    let Some((host, path)) = rest.split_at_checked(domain.len()) else {
        return false;
    };
    scheme.eq_ignore_ascii_case(SCHEME)
        && label.eq_ignore_ascii_case(HOST_LABEL)
        && host.eq_ignore_ascii_case(domain)
        && path == PATH
}

/// The domain without its trailing dot, if `mta-sts.<domain>` is a DNS name.
fn checked_domain(domain: &str) -> Result<&[u8], Error> {
    let domain = strip_trailing_dot(domain.as_bytes());
    let host_len = domain
        .len()
        .checked_add(HOST_LABEL.len())
        .ok_or(Error::InvalidDomain)?;
    if is_valid_reference(domain) && host_len <= MAX_NAME_LEN {
        Ok(domain)
    } else {
        Err(Error::InvalidDomain)
    }
}

/// What the HTTP client observed when it fetched a policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Response<'a> {
    /// The URL of the response: the one requested, or the last one reached
    /// if the client followed redirects.
    pub url: &'a str,
    /// The HTTP status code of the final response.
    pub status: u16,
    /// Whether the client followed any redirect on the way.
    pub redirected: bool,
    /// The value of the `Content-Type` header field, if there was one.
    pub content_type: Option<&'a [u8]>,
    /// How many body octets the client read.
    pub body_len: usize,
    /// Whether the client stopped reading because the body went on past its
    /// limit (the body is larger than `body_len`).
    pub truncated: bool,
}

/// Why a policy fetch response may not be used. A sender treats every one
/// of these as a failed fetch (RFC 8461 §3.3: "If a valid TXT record is
/// found but no policy can be fetched via HTTPS (for any reason), and there
/// is no valid (non-expired) previously cached policy, senders MUST continue
/// with delivery as though the domain has not implemented MTA-STS").
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FetchError {
    /// The response is not for `https://mta-sts.<domain>/.well-known/mta-sts.txt`
    /// (RFC 8461 §3.2).
    WrongUrl,
    /// The client followed a redirect (RFC 8461 §3.3: "HTTP 3xx redirects
    /// MUST NOT be followed").
    RedirectFollowed,
    /// A status other than 200 (RFC 8461 §3.3: "Policies fetched via HTTPS
    /// are only valid if the HTTP response code is 200 (OK)"). A 3xx status
    /// lands here too: its target is never fetched.
    NotOk {
        /// The status code received.
        status: u16,
    },
    /// No `Content-Type` header field, so the media type is not known to be
    /// `text/plain` (RFC 8461 §3.2: "senders SHOULD validate that the media
    /// type is \"text/plain\"").
    NoMediaType,
    /// A media type other than `text/plain` (RFC 8461 §3.2, which guards
    /// "against cases where web servers allow untrusted users to host
    /// non-text content").
    WrongMediaType,
    /// A body longer than [`MAX_POLICY_LEN`] octets, or one the client
    /// stopped reading at its limit (RFC 8461 §3.3 lets senders bound the
    /// policy size and suggests 64 kilobytes).
    TooLarge,
}

impl FetchError {
    /// A stable kebab-case code for machine-readable output; never changes
    /// once published.
    pub const fn code(self) -> &'static str {
        match self {
            Self::WrongUrl => "wrong-url",
            Self::RedirectFollowed => "redirect-followed",
            Self::NotOk { .. } => "http-status-not-200",
            Self::NoMediaType => "no-media-type",
            Self::WrongMediaType => "wrong-media-type",
            Self::TooLarge => "too-large",
        }
    }

    /// A short description.
    pub const fn description(self) -> &'static str {
        match self {
            Self::WrongUrl => {
                "not the policy URL https://mta-sts.<domain>/.well-known/mta-sts.txt (RFC 8461 3.2)"
            }
            Self::RedirectFollowed => "a redirect was followed; RFC 8461 3.3 forbids it",
            Self::NotOk { .. } => "HTTP status is not 200 (RFC 8461 3.3)",
            Self::NoMediaType => "no Content-Type; the policy must be text/plain (RFC 8461 3.2)",
            Self::WrongMediaType => "media type is not text/plain (RFC 8461 3.2)",
            Self::TooLarge => "policy body larger than 64 KiB (RFC 8461 3.3)",
        }
    }

    /// The RFC 8460 result type a TLSRPT report gives this failure: the
    /// policy could not be retrieved (`sts-policy-fetch-error`, §4.3.3), or
    /// what was retrieved is not a policy (`sts-policy-invalid`).
    pub const fn result_type(self) -> ResultType {
        match self {
            Self::WrongUrl | Self::RedirectFollowed | Self::NotOk { .. } => {
                ResultType::StsPolicyFetchError
            }
            Self::NoMediaType | Self::WrongMediaType | Self::TooLarge => {
                ResultType::StsPolicyInvalid
            }
        }
    }
}

impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotOk { status } => write!(f, "{} (got {status})", self.description()),
            _ => f.write_str(self.description()),
        }
    }
}

impl core::error::Error for FetchError {}

/// Why a policy fetch produced no HTTP response for [`check_response`] to
/// judge: what the caller's resolver, TLS stack or HTTP client ran into.
/// Every one is a failed fetch (RFC 8461 §3.3, as for [`FetchError`]).
///
/// The caller classifies its own error (only it knows its stack); this type
/// holds what follows from the class, so that every surface reports the
/// same code and the same RFC 8460 result type.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TransportFailure {
    /// The domain is not a DNS name, so it has no policy URL.
    InvalidDomain,
    /// The policy host `mta-sts.<domain>` has no address.
    NoAddress,
    /// The policy host's addresses came in a DNSSEC-bogus answer; they are
    /// not used.
    PolicyHostBogus,
    /// The TLS handshake failed on the policy host's certificate: untrusted,
    /// expired, or not valid for `mta-sts.<domain>` (RFC 8461 §3.3).
    Certificate,
    /// No complete response before the caller's deadline (RFC 8461 §3.3
    /// lets senders impose one).
    Timeout,
    /// The connection was refused or lost, or TLS or HTTP failed for a
    /// reason other than the certificate.
    Connection,
}

impl TransportFailure {
    /// Every failure, in declaration order (for looking one up by its code).
    pub const ALL: [Self; 6] = [
        Self::InvalidDomain,
        Self::NoAddress,
        Self::PolicyHostBogus,
        Self::Certificate,
        Self::Timeout,
        Self::Connection,
    ];

    /// A stable kebab-case code for machine-readable output; never changes
    /// once published.
    pub const fn code(self) -> &'static str {
        match self {
            Self::InvalidDomain => "invalid-domain",
            Self::NoAddress => "no-address",
            Self::PolicyHostBogus => "policy-host-bogus",
            Self::Certificate => "certificate-invalid",
            Self::Timeout => "timeout",
            Self::Connection => "connection-failed",
        }
    }

    /// The failure whose [`code`](Self::code) is `code`.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.code() == code)
    }

    /// A short description.
    pub const fn description(self) -> &'static str {
        match self {
            Self::InvalidDomain => "the domain is not a DNS name: no policy URL",
            Self::NoAddress => "the policy host has no address",
            Self::PolicyHostBogus => "the policy host's addresses are DNSSEC-bogus: not fetched",
            Self::Certificate => {
                "the policy host's certificate is not valid for mta-sts.<domain> (RFC 8461 3.3)"
            }
            Self::Timeout => "no complete response before the timeout",
            Self::Connection => "the connection to the policy host failed",
        }
    }

    /// The RFC 8460 result type a TLSRPT report gives this failure (§4.3.3):
    /// `sts-webpki-invalid` when the policy host's certificate failed, else
    /// `sts-policy-fetch-error`.
    pub const fn result_type(self) -> ResultType {
        match self {
            Self::Certificate => ResultType::StsWebpkiInvalid,
            Self::InvalidDomain
            | Self::NoAddress
            | Self::PolicyHostBogus
            | Self::Timeout
            | Self::Connection => ResultType::StsPolicyFetchError,
        }
    }
}

impl fmt::Display for TransportFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.description())
    }
}

impl core::error::Error for TransportFailure {}

/// Whether a response to the policy fetch for `domain` may be parsed as its
/// policy (RFC 8461 §3.2, §3.3). The checks run in the order of
/// [`FetchError`]'s variants, and the first failure is returned.
///
/// The body itself is judged by [`Policy::parse`](crate::policy::Policy::parse).
///
/// # Errors
///
/// The [`FetchError`] of the first rule the response breaks.
///
/// # Examples
///
/// ```
/// use mxtrust::fetch::{check_response, FetchError, Response};
/// let ok = Response {
///     url: "https://mta-sts.example.com/.well-known/mta-sts.txt",
///     status: 200,
///     redirected: false,
///     content_type: Some(b"text/plain; charset=utf-8"),
///     body_len: 120,
///     truncated: false,
/// };
/// assert_eq!(check_response("example.com", &ok), Ok(()));
/// let html = Response { content_type: Some(b"text/html"), ..ok };
/// assert_eq!(check_response("example.com", &html), Err(FetchError::WrongMediaType));
/// let moved = Response { status: 301, ..ok };
/// assert_eq!(check_response("example.com", &moved), Err(FetchError::NotOk { status: 301 }));
/// ```
pub fn check_response(domain: &str, response: &Response<'_>) -> Result<(), FetchError> {
    if !is_policy_url(domain, response.url) {
        return Err(FetchError::WrongUrl);
    }
    if response.redirected {
        return Err(FetchError::RedirectFollowed);
    }
    if response.status != 200 {
        return Err(FetchError::NotOk {
            status: response.status,
        });
    }
    let content_type = response.content_type.ok_or(FetchError::NoMediaType)?;
    if !is_text_plain(content_type) {
        return Err(FetchError::WrongMediaType);
    }
    if response.truncated || response.body_len > MAX_POLICY_LEN {
        return Err(FetchError::TooLarge);
    }
    Ok(())
}

/// Whether a `Content-Type` value names `text/plain`, with any parameters
/// (RFC 9110 §8.3.1: `media-type = type "/" subtype parameters`; type and
/// subtype are case-insensitive, whitespace only around the parameters).
fn is_text_plain(value: &[u8]) -> bool {
    let essence = value
        .iter()
        .position(|&b| b == b';')
        .and_then(|semi| value.get(..semi))
        .unwrap_or(value);
    trim_ows(essence).eq_ignore_ascii_case(b"text/plain")
}

/// Removes leading and trailing `OWS` (SP and HTAB, RFC 9110 §5.6.3).
fn trim_ows(mut s: &[u8]) -> &[u8] {
    while let Some((first, rest)) = s.split_first() {
        if !matches!(first, b' ' | b'\t') {
            break;
        }
        s = rest;
    }
    while let Some((last, rest)) = s.split_last() {
        if !matches!(last, b' ' | b'\t') {
            break;
        }
        s = rest;
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    const URL: &str = "https://mta-sts.example.com/.well-known/mta-sts.txt";

    const OK: Response<'static> = Response {
        url: URL,
        status: 200,
        redirected: false,
        content_type: Some(b"text/plain"),
        body_len: 100,
        truncated: false,
    };

    #[test]
    fn transport_failures_have_distinct_codes_and_map_to_sts_result_types() {
        for (i, f) in TransportFailure::ALL.into_iter().enumerate() {
            assert_eq!(TransportFailure::from_code(f.code()), Some(f));
            for g in &TransportFailure::ALL[i + 1..] {
                assert_ne!(f.code(), g.code());
            }
            let expected = if f == TransportFailure::Certificate {
                ResultType::StsWebpkiInvalid
            } else {
                ResultType::StsPolicyFetchError
            };
            assert_eq!(f.result_type(), expected, "{f:?}");
        }
        assert_eq!(TransportFailure::from_code("tls-failure"), None);
        assert_eq!(TransportFailure::from_code(""), None);
    }

    /// (domain, url, is the policy URL)
    const URL_CASES: &[(&str, &str, bool)] = &[
        ("example.com", URL, true),
        ("example.com.", URL, true),
        ("EXAMPLE.com", URL, true),
        (
            "example.com",
            "HTTPS://MTA-STS.EXAMPLE.COM/.well-known/mta-sts.txt",
            true,
        ),
        // The path is case-sensitive (RFC 3986 §6.2.2.1).
        (
            "example.com",
            "https://mta-sts.example.com/.well-known/MTA-STS.txt",
            false,
        ),
        (
            "example.com",
            "http://mta-sts.example.com/.well-known/mta-sts.txt",
            false,
        ),
        (
            "example.com",
            "https://mta-sts.example.com:443/.well-known/mta-sts.txt",
            false,
        ),
        (
            "example.com",
            "https://mta-sts.example.com./.well-known/mta-sts.txt",
            false,
        ),
        (
            "example.com",
            "https://mta-sts.example.com/.well-known/mta-sts.txt?x=1",
            false,
        ),
        (
            "example.com",
            "https://mta-sts.example.com/.well-known/mta-sts.txt#f",
            false,
        ),
        (
            "example.com",
            "https://user@mta-sts.example.com/.well-known/mta-sts.txt",
            false,
        ),
        (
            "example.com",
            "https://mta-sts.example.org/.well-known/mta-sts.txt",
            false,
        ),
        (
            "example.com",
            "https://mta-sts.sub.example.com/.well-known/mta-sts.txt",
            false,
        ),
        (
            "example.com",
            "https://example.com/.well-known/mta-sts.txt",
            false,
        ),
        ("example.com", "https://mta-sts.example.com", false),
        ("example.com", "", false),
        // A domain that is not a DNS name has no policy URL.
        ("", "https://mta-sts./.well-known/mta-sts.txt", false),
        (
            "exa mple.com",
            "https://mta-sts.exa mple.com/.well-known/mta-sts.txt",
            false,
        ),
        // Multi-byte text never splits a character or panics.
        (
            "example.com",
            "https://mta-sts.ex\u{e4}mple.com/.well-known/mta-sts.txt",
            false,
        ),
    ];

    #[test]
    fn policy_urls() {
        for (domain, url, expected) in URL_CASES {
            assert_eq!(
                is_policy_url(domain, url),
                *expected,
                "domain {domain:?} url {url:?}"
            );
        }
    }

    /// (domain, policy host or error)
    const HOST_CASES: &[(&str, Result<&str, Error>)] = &[
        ("example.com", Ok("mta-sts.example.com")),
        ("Example.COM.", Ok("mta-sts.Example.COM")),
        ("_x.example", Ok("mta-sts._x.example")),
        ("", Err(Error::InvalidDomain)),
        (".", Err(Error::InvalidDomain)),
        ("example..com", Err(Error::InvalidDomain)),
        (".example.com", Err(Error::InvalidDomain)),
        ("example.com..", Err(Error::InvalidDomain)),
        ("ex ample.com", Err(Error::InvalidDomain)),
        ("\u{e9}.example", Err(Error::InvalidDomain)),
    ];

    #[test]
    fn policy_hosts_and_urls() {
        for (domain, expected) in HOST_CASES {
            let mut host = [0u8; 300];
            let mut url = [0u8; 300];
            assert_eq!(
                policy_host(domain, &mut host),
                *expected,
                "host of {domain:?}"
            );
            let expected_url =
                expected.map(|h| std::format!("https://{h}/.well-known/mta-sts.txt"));
            assert_eq!(
                policy_url(domain, &mut url).map(std::string::ToString::to_string),
                expected_url,
                "url of {domain:?}"
            );
        }
    }

    #[test]
    fn lengths_and_storage() {
        // mta-sts. (8 octets) plus the domain must fit in 253.
        let fits = [
            "a".repeat(63),
            "b".repeat(63),
            "c".repeat(63),
            "d".repeat(53),
        ]
        .join(".");
        assert_eq!(fits.len(), 245);
        let mut out = [0u8; 300];
        assert_eq!(policy_host(&fits, &mut out).map(str::len), Ok(253));
        let longer = std::format!("{fits}e");
        assert_eq!(policy_host(&longer, &mut out), Err(Error::InvalidDomain));
        assert!(!is_policy_url(
            &longer,
            &std::format!("https://mta-sts.{longer}/.well-known/mta-sts.txt")
        ));
        // Exactly enough, and one short.
        let mut exact = [0u8; 51];
        assert_eq!(policy_url("example.com", &mut exact), Ok(URL));
        let mut short = [0xaa; 50];
        assert_eq!(
            policy_url("example.com", &mut short),
            Err(Error::BufferTooSmall { needed: 51 })
        );
        assert!(short.iter().all(|&b| b == 0xaa), "nothing written on error");
        assert_eq!(
            policy_host("example.com", &mut [0u8; 0]),
            Err(Error::BufferTooSmall { needed: 19 })
        );
    }

    /// (Content-Type value, is text/plain)
    const MEDIA_TYPE_CASES: &[(&[u8], bool)] = &[
        (b"text/plain", true),
        (b"TEXT/Plain", true),
        (b"text/plain; charset=utf-8", true),
        (b"text/plain;charset=UTF-8", true),
        (b"text/plain ; charset=utf-8; format=flowed", true),
        (b" text/plain\t", true),
        (b"text/plain;", true),
        (b"text/html", false),
        (b"text/plain-x", false),
        (b"text/plainx; charset=utf-8", false),
        (b"text / plain", false),
        (b"text/", false),
        (b"plain", false),
        (b"application/octet-stream", false),
        (b"text/plain, text/html", false),
        (b"", false),
        (b";text/plain", false),
    ];

    #[test]
    fn media_types() {
        for (value, expected) in MEDIA_TYPE_CASES {
            assert_eq!(
                is_text_plain(value),
                *expected,
                "{:?}",
                core::str::from_utf8(value)
            );
        }
    }

    /// (response, expected) — RFC 8461 §3.2 and §3.3, rule by rule.
    const RESPONSE_CASES: &[(Response<'static>, Result<(), FetchError>)] = &[
        (OK, Ok(())),
        (
            Response {
                content_type: Some(b"text/plain; charset=utf-8"),
                ..OK
            },
            Ok(()),
        ),
        (Response { body_len: 0, ..OK }, Ok(())),
        (
            Response {
                body_len: MAX_POLICY_LEN,
                ..OK
            },
            Ok(()),
        ),
        (
            Response {
                url: "https://mta-sts.example.net/.well-known/mta-sts.txt",
                ..OK
            },
            Err(FetchError::WrongUrl),
        ),
        (
            Response {
                url: "https://www.example.com/mta-sts.txt",
                redirected: true,
                ..OK
            },
            Err(FetchError::WrongUrl),
        ),
        (
            Response {
                redirected: true,
                ..OK
            },
            Err(FetchError::RedirectFollowed),
        ),
        (
            Response { status: 301, ..OK },
            Err(FetchError::NotOk { status: 301 }),
        ),
        (
            Response { status: 304, ..OK },
            Err(FetchError::NotOk { status: 304 }),
        ),
        (
            Response { status: 204, ..OK },
            Err(FetchError::NotOk { status: 204 }),
        ),
        (
            Response { status: 404, ..OK },
            Err(FetchError::NotOk { status: 404 }),
        ),
        (
            Response { status: 0, ..OK },
            Err(FetchError::NotOk { status: 0 }),
        ),
        (
            Response {
                content_type: None,
                ..OK
            },
            Err(FetchError::NoMediaType),
        ),
        (
            Response {
                content_type: Some(b"text/html; charset=utf-8"),
                ..OK
            },
            Err(FetchError::WrongMediaType),
        ),
        (
            Response {
                body_len: MAX_POLICY_LEN + 1,
                ..OK
            },
            Err(FetchError::TooLarge),
        ),
        (
            Response {
                body_len: 10,
                truncated: true,
                ..OK
            },
            Err(FetchError::TooLarge),
        ),
        // The first rule broken is the one reported.
        (
            Response {
                status: 500,
                content_type: None,
                truncated: true,
                ..OK
            },
            Err(FetchError::NotOk { status: 500 }),
        ),
    ];

    #[test]
    fn responses() {
        for (i, (response, expected)) in RESPONSE_CASES.iter().enumerate() {
            assert_eq!(
                check_response("example.com", response),
                *expected,
                "row {i}: {response:?}"
            );
        }
    }

    /// Codes are published in JSON: unique and kebab-case.
    #[test]
    fn codes_are_unique_and_kebab_case() {
        let all = [
            FetchError::WrongUrl,
            FetchError::RedirectFollowed,
            FetchError::NotOk { status: 302 },
            FetchError::NoMediaType,
            FetchError::WrongMediaType,
            FetchError::TooLarge,
        ];
        for (i, e) in all.iter().enumerate() {
            let code = e.code();
            assert!(
                code.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{code}"
            );
            assert!(
                !all[i + 1..].iter().any(|o| o.code() == code),
                "{code} twice"
            );
            assert!(!e.description().is_empty());
        }
        assert_eq!(
            std::format!("{}", FetchError::NotOk { status: 302 }),
            "HTTP status is not 200 (RFC 8461 3.3) (got 302)"
        );
    }
}
