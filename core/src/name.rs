//! Reference identifiers and DNS name matching.
//!
//! DANE-TA (and DANE-EE when the caller asks for it) checks the names in the
//! server certificate against reference identifiers chosen by the client
//! (RFC 7672 §3.2.3); MTA-STS checks them against the MX host name
//! (RFC 8461 §4.1). Both use the rules of RFC 6125 as narrowed here:
//!
//! - names compare ASCII case-insensitively, and one trailing dot on either
//!   side is ignored;
//! - a presented wildcard is allowed only as the complete leftmost label
//!   (`*.example.com`), covers exactly one non-empty label, and needs at least
//!   two labels after it (`*.com` matches nothing); partial wildcards such as
//!   `mx*.example.com` match only themselves, literally;
//! - a reference identifier that starts with `.` (`.example.com`) matches any
//!   presented name strictly below that domain (RFC 7672 §3.2.3, the
//!   "parent domain" reference used by Postfix and OpenSSL).

use crate::Error;
use crate::limits::MAX_NAME_LEN;

/// A reference identifier: a DNS name the certificate must name, or, when it
/// starts with `.`, a domain any of whose subdomains the certificate may name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReferenceId<'a> {
    /// The name without its leading `.` (if `subdomains`) and trailing `.`.
    name: &'a [u8],
    subdomains: bool,
}

impl<'a> ReferenceId<'a> {
    /// Checks and wraps a reference identifier.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidReferenceName`] when the name is empty, longer than
    /// [`MAX_NAME_LEN`], has an empty label, a label longer than 63 octets, or
    /// an octet that is not an ASCII letter, digit, `-` or `_`.
    ///
    /// # Examples
    ///
    /// ```
    /// use mxtrust::name::ReferenceId;
    /// let any_mx = ReferenceId::new(".example.com")?;
    /// assert!(any_mx.matches(b"mx1.example.com"));
    /// assert!(!any_mx.matches(b"example.com"));
    /// # Ok::<(), mxtrust::Error>(())
    /// ```
    pub fn new(name: &'a str) -> Result<Self, Error> {
        let bytes = name.as_bytes();
        let (subdomains, rest) = match bytes.split_first() {
            Some((b'.', rest)) => (true, rest),
            _ => (false, bytes),
        };
        let rest = strip_trailing_dot(rest);
        if !is_valid_reference(rest) {
            return Err(Error::InvalidReferenceName);
        }
        Ok(Self {
            name: rest,
            subdomains,
        })
    }

    /// The domain name, without a leading or trailing dot.
    pub fn domain(&self) -> &'a [u8] {
        self.name
    }

    /// Whether this identifier stands for every name below [`Self::domain`].
    pub fn is_parent_domain(&self) -> bool {
        self.subdomains
    }

    /// Whether a name presented by a certificate (a DNS-ID, or a CN when the
    /// certificate has no DNS-ID) matches this reference identifier.
    pub fn matches(&self, presented: &[u8]) -> bool {
        if self.subdomains {
            let presented = strip_trailing_dot(presented);
            // Any presented name, wildcard or not, strictly below the domain.
            return presented
                .len()
                .checked_sub(self.name.len())
                .and_then(|cut| cut.checked_sub(1))
                .is_some_and(|dot| {
                    let (head, tail) = presented.split_at(dot);
                    !head.is_empty()
                        && tail.split_first().is_some_and(|(d, suffix)| {
                            *d == b'.' && suffix.eq_ignore_ascii_case(self.name)
                        })
                });
        }
        presented_matches_host(presented, self.name)
    }
}

/// Whether a presented name (possibly a `*.` wildcard) matches a host name,
/// under the rules of this module. Both may end with one dot.
///
/// ```
/// use mxtrust::name::presented_matches_host;
/// assert!(presented_matches_host(b"*.example.com", b"MX.Example.COM."));
/// assert!(!presented_matches_host(b"*.example.com", b"a.b.example.com"));
/// ```
pub fn presented_matches_host(presented: &[u8], host: &[u8]) -> bool {
    let presented = strip_trailing_dot(presented);
    let host = strip_trailing_dot(host);
    if presented.is_empty() || host.is_empty() {
        return false;
    }
    match presented.strip_prefix(b"*.") {
        Some(parent) if is_wildcard_parent(parent) => match split_first_label(host) {
            Some((label, rest)) => !label.is_empty() && rest.eq_ignore_ascii_case(parent),
            None => false,
        },
        _ => presented.eq_ignore_ascii_case(host),
    }
}

/// Whether two DNS names are equal: ASCII case-insensitive, one trailing dot
/// on either side ignored.
pub fn names_equal(a: &[u8], b: &[u8]) -> bool {
    strip_trailing_dot(a).eq_ignore_ascii_case(strip_trailing_dot(b))
}

/// Removes one trailing dot.
pub(crate) fn strip_trailing_dot(name: &[u8]) -> &[u8] {
    name.strip_suffix(b".").unwrap_or(name)
}

fn split_first_label(name: &[u8]) -> Option<(&[u8], &[u8])> {
    let dot = name.iter().position(|&b| b == b'.')?;
    let (label, rest) = name.split_at(dot);
    Some((label, rest.get(1..)?))
}

/// What may follow `*.`: at least two non-empty labels, no further `*`.
fn is_wildcard_parent(parent: &[u8]) -> bool {
    parent.contains(&b'.')
        && !parent.contains(&b'*')
        && parent.split(|&b| b == b'.').all(|label| !label.is_empty())
}

fn is_valid_reference(name: &[u8]) -> bool {
    !name.is_empty()
        && name.len() <= MAX_NAME_LEN
        && name.split(|&b| b == b'.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label
                    .iter()
                    .all(|&b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (presented, host, expected)
    const HOST_CASES: &[(&str, &str, bool)] = &[
        ("mx.example.com", "mx.example.com", true),
        ("MX.EXAMPLE.com", "mx.example.COM", true),
        ("mx.example.com.", "mx.example.com", true),
        ("mx.example.com", "mx.example.com.", true),
        ("mx.example.com..", "mx.example.com", false),
        ("mx.example.com", "mx.example.org", false),
        ("mx.example.com", "example.com", false),
        ("*.example.com", "mx.example.com", true),
        ("*.example.com", "MX.EXAMPLE.COM.", true),
        ("*.example.com.", "mx.example.com", true),
        ("*.example.com", "example.com", false),
        ("*.example.com", ".example.com", false),
        ("*.example.com", "a.b.example.com", false),
        ("*.com", "example.com", false),
        ("*", "example", false),
        ("*.*.example.com", "a.b.example.com", false),
        ("mx*.example.com", "mx1.example.com", false),
        ("mx*.example.com", "mx*.example.com", true),
        ("*mx.example.com", "amx.example.com", false),
        ("a.*.example.com", "a.b.example.com", false),
        ("*.example..com", "a.example..com", false),
        ("", "", false),
        (".", ".", false),
        ("mx.example.com", "", false),
    ];

    #[test]
    fn presented_against_host() {
        for (presented, host, expected) in HOST_CASES {
            assert_eq!(
                presented_matches_host(presented.as_bytes(), host.as_bytes()),
                *expected,
                "presented {presented:?} host {host:?}"
            );
        }
    }

    /// (reference, presented, expected)
    const REFERENCE_CASES: &[(&str, &str, bool)] = &[
        ("mx.example.com", "mx.example.com", true),
        ("mx.example.com", "*.example.com", true),
        ("mx.example.com.", "MX.example.com", true),
        (".example.com", "mx.example.com", true),
        (".example.com", "a.b.example.com", true),
        (".example.com", "*.example.com", true),
        (".example.com", "example.com", false),
        (".example.com", "xexample.com", false),
        (".example.com", ".example.com", false),
        (".example.com.", "mx.EXAMPLE.com.", true),
        ("example.com", "*.com", false),
        // One trailing dot is ignored, not two (found by fuzz/name_match).
        ("mx.example.com", "mx.example.com..", false),
        ("mx.example.com", "*.example.com..", false),
        (".example.com", "mx.example.com..", false),
    ];

    #[test]
    fn reference_identifiers() {
        for (reference, presented, expected) in REFERENCE_CASES {
            let r = ReferenceId::new(reference).unwrap();
            assert_eq!(
                r.matches(presented.as_bytes()),
                *expected,
                "reference {reference:?} presented {presented:?}"
            );
        }
    }

    #[test]
    fn invalid_reference_identifiers() {
        let long_label = "a".repeat(64);
        let long_name = ["a"; 128].join(".");
        for bad in [
            "",
            ".",
            "..example.com",
            "a..b",
            "*.example.com",
            "mx example.com",
            "m\u{e9}.example",
            long_label.as_str(),
            long_name.as_str(),
        ] {
            assert_eq!(
                ReferenceId::new(bad),
                Err(Error::InvalidReferenceName),
                "{bad:?}"
            );
        }
        assert!(ReferenceId::new(&"a".repeat(63)).is_ok());
        assert!(ReferenceId::new("_25._tcp.mx.example.com").is_ok());
    }
}
