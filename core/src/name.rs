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
use crate::der;
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
    /// [`Error::IpAddressReference`] for an IPv4 or IPv6 address, and
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
    #[inline]
    pub fn new(name: &'a str) -> Result<Self, Error> {
        let bytes = name.as_bytes();
        let (subdomains, rest) = match bytes.split_first() {
            Some((b'.', rest)) => (true, rest),
            _ => (false, bytes),
        };
        let rest = strip_trailing_dot(rest);
        // An IPv4 address is digits and dots only, and an IPv6 address has
        // colons, which no valid name has: a valid name with any other octet
        // is no address, and the address parser need not run.
        let not_numeric = class::LETTER | class::HYPHEN | class::UNDERSCORE;
        if reference_classes(rest).is_some_and(|seen| seen & not_numeric != 0) {
            return Ok(Self {
                name: rest,
                subdomains,
            });
        }
        // DANE and MTA-STS name hosts: "192.0.2.1" is LDH-shaped, but a
        // certificate's IP address identifiers are not DNS-IDs, and no MX
        // exchange is an address (RFC 7672 §3.2.3, RFC 8461 §4.1).
        let text = core::str::from_utf8(rest).unwrap_or_default();
        if text.parse::<core::net::IpAddr>().is_ok() {
            return Err(Error::IpAddressReference);
        }
        if !is_valid_reference(rest) {
            return Err(Error::InvalidReferenceName);
        }
        Ok(Self {
            name: rest,
            subdomains,
        })
    }

    /// Checks and wraps the name of one host, such as an MX host: a
    /// reference identifier without the leading `.` that would make it
    /// stand for any subdomain.
    ///
    /// # Errors
    ///
    /// As [`ReferenceId::new`], and [`Error::InvalidReferenceName`] for a
    /// name that starts with `.`.
    ///
    /// # Examples
    ///
    /// ```
    /// use mxtrust::name::ReferenceId;
    /// assert!(ReferenceId::host("mx1.example.com").is_ok());
    /// assert!(ReferenceId::host(".example.com").is_err());
    /// ```
    pub fn host(name: &'a str) -> Result<Self, Error> {
        match Self::new(name)? {
            id if id.subdomains => Err(Error::InvalidReferenceName),
            id => Ok(id),
        }
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

/// Whether `name`, a subject common name standing in for a DNS-ID, lies
/// within the dNSName subtrees of one certificate's NameConstraints
/// (RFC 5280 §4.2.1.10), given as the contents of its SEQUENCE.
///
/// RFC 7672 §3.2.3 lets the CN name the server when the certificate has no
/// DNS-ID; a CA constrained to some domains must not be able to name others
/// that way, so the CN is held to the path's dNSName constraints exactly as
/// a DNS-ID is (OpenSSL's `check_name_constraints` does the same). A
/// constraint `example.com` covers that name and every name below it, one
/// starting with `.` only the names below it, an empty one every name.
/// Comparisons are ASCII case-insensitive; one trailing dot of the name is
/// ignored, and of an excluded base too, so that a trailing dot never slips
/// a name out of an exclusion.
///
/// Every subtree read costs one unit of `budget`; `Err` when it runs out or
/// the constraints are malformed (both fail closed).
pub(crate) fn within_dns_constraints(
    name: &[u8],
    constraints: &[u8],
    budget: &mut usize,
) -> Result<bool, ConstraintError> {
    let name = strip_trailing_dot(name);
    let (permitted, excluded) = der::read_all(untrusted::Input::from(constraints), |r| {
        let permitted = der::optional_tag(r, der::context_constructed(0))?;
        let excluded = der::optional_tag(r, der::context_constructed(1))?;
        Ok((permitted, excluded))
    })
    .map_err(|_| ConstraintError::Malformed)?;
    if let Some(permitted) = permitted {
        let mut any_dns = false;
        let mut matched = false;
        for_each_dns_base(permitted, budget, |base| {
            any_dns = true;
            matched |= dns_constraint_matches(name, base);
        })?;
        if any_dns && !matched {
            return Ok(false);
        }
    }
    if let Some(excluded) = excluded {
        let mut hit = false;
        for_each_dns_base(excluded, budget, |base| {
            hit |= dns_constraint_matches(name, strip_trailing_dot(base));
        })?;
        if hit {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Why [`within_dns_constraints`] could not decide.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ConstraintError {
    /// The NameConstraints value is not well-formed DER.
    Malformed,
    /// More subtree comparisons than the budget allows.
    BudgetExceeded,
}

/// Calls `f` with the base of every dNSName GeneralSubtree in `subtrees`.
fn for_each_dns_base<'a>(
    subtrees: untrusted::Input<'a>,
    budget: &mut usize,
    mut f: impl FnMut(&'a [u8]),
) -> Result<(), ConstraintError> {
    let mut exhausted = false;
    der::for_each_tlv(subtrees, |tag, subtree| {
        if tag != der::SEQUENCE {
            return Err(Error::BadDer);
        }
        match budget.checked_sub(1) {
            Some(left) => *budget = left,
            None => {
                exhausted = true;
                return Err(Error::BadDer);
            }
        }
        let mut r = untrusted::Reader::new(subtree);
        let (base_tag, base) = der::read_tlv(&mut r)?;
        // minimum and maximum are never used (RFC 5280 §4.2.1.10).
        if !r.at_end() {
            return Err(Error::BadDer);
        }
        if base_tag == DNS_NAME_TAG {
            f(base.as_slice_less_safe());
        }
        Ok(())
    })
    .map_err(|_| {
        if exhausted {
            ConstraintError::BudgetExceeded
        } else {
            ConstraintError::Malformed
        }
    })
}

/// `dNSName [2]` in a GeneralName.
const DNS_NAME_TAG: u8 = 0x82;

/// RFC 5280 §4.2.1.10 dNSName subtree matching, as OpenSSL's `nc_dns`.
fn dns_constraint_matches(name: &[u8], base: &[u8]) -> bool {
    if base.is_empty() {
        return true;
    }
    let Some(cut) = name.len().checked_sub(base.len()) else {
        return false;
    };
    let (head, tail) = name.split_at(cut);
    if !tail.eq_ignore_ascii_case(base) {
        return false;
    }
    head.is_empty() || base.first() == Some(&b'.') || head.last() == Some(&b'.')
}

/// Whether a common name could ever match a reference identifier, and so
/// must be held to name constraints: only letters, digits, `-`, `_`, `.`
/// and `*` can (reference identifiers are checked by [`ReferenceId::new`]).
pub(crate) fn could_name_a_host(cn: &[u8]) -> bool {
    !cn.is_empty()
        && cn
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'*'))
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

/// Whether `name` (no leading or trailing dot) is a DNS name: 1 to
/// [`MAX_NAME_LEN`] octets, labels of 1 to 63 letters, digits, `-` or `_`.
pub(crate) fn is_valid_reference(name: &[u8]) -> bool {
    reference_classes(name).is_some()
}

/// The octet classes of a host name's characters, one bit each.
pub(crate) mod class {
    /// `A`–`Z`, `a`–`z`.
    pub(crate) const LETTER: u8 = 1;
    /// `0`–`9`.
    pub(crate) const DIGIT: u8 = 2;
    /// `-`.
    pub(crate) const HYPHEN: u8 = 4;
    /// `_`.
    pub(crate) const UNDERSCORE: u8 = 8;
    /// `.`.
    pub(crate) const DOT: u8 = 16;

    /// Each octet's class; 0 for octets no host name holds.
    // Built at compile time, where an index out of bounds fails the build.
    #[allow(clippy::indexing_slicing, clippy::as_conversions)]
    pub(crate) const TABLE: [u8; 256] = {
        let mut table = [0u8; 256];
        let mut b = 0u8;
        loop {
            table[b as usize] = match b {
                b'A'..=b'Z' | b'a'..=b'z' => LETTER,
                b'0'..=b'9' => DIGIT,
                b'-' => HYPHEN,
                b'_' => UNDERSCORE,
                b'.' => DOT,
                _ => 0,
            };
            if b == u8::MAX {
                break;
            }
            b += 1;
        }
        table
    };

    /// The class of `b`.
    pub(crate) fn of(b: u8) -> u8 {
        TABLE.get(usize::from(b)).copied().unwrap_or(0)
    }
}

/// The union of the classes of `name`'s octets when it is a valid
/// reference name (see [`is_valid_reference`]); one pass with a table.
fn reference_classes(name: &[u8]) -> Option<u8> {
    if name.is_empty() || name.len() > MAX_NAME_LEN {
        return None;
    }
    // The length of the label so far, 0 right after a dot.
    let mut label = 0usize;
    let mut seen = 0u8;
    for &b in name {
        let c = class::of(b);
        seen |= c;
        if c == class::DOT {
            if label == 0 {
                return None;
            }
            label = 0;
        } else if c != 0 {
            label = label.saturating_add(1);
            if label > 63 {
                return None;
            }
        } else {
            return None;
        }
    }
    (label != 0).then_some(seen)
}

/// Writes `parts` one after the other into `out` and returns the text.
/// The parts are ASCII by construction at every call site; anything else is
/// [`Error::InvalidDomain`] rather than a panic.
pub(crate) fn write_concat<'o>(parts: &[&[u8]], out: &'o mut [u8]) -> Result<&'o str, Error> {
    let needed = parts
        .iter()
        .try_fold(0usize, |n, p| n.checked_add(p.len()))
        .ok_or(Error::InvalidDomain)?;
    let dst = out
        .get_mut(..needed)
        .ok_or(Error::BufferTooSmall { needed })?;
    let mut rest = &mut *dst;
    for part in parts {
        let (head, tail) = rest
            .split_at_mut_checked(part.len())
            .ok_or(Error::BufferTooSmall { needed })?;
        head.copy_from_slice(part);
        rest = tail;
    }
    core::str::from_utf8(dst).map_err(|_| Error::InvalidDomain)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The checks as first written (split on dots; the address parser
    /// first), kept to hold the one-pass versions to them.
    fn reference_as_written(name: &str) -> Result<(bool, &[u8]), Error> {
        let bytes = name.as_bytes();
        let (subdomains, rest) = match bytes.split_first() {
            Some((b'.', rest)) => (true, rest),
            _ => (false, bytes),
        };
        let rest = strip_trailing_dot(rest);
        let text = core::str::from_utf8(rest).unwrap_or_default();
        if text.parse::<core::net::IpAddr>().is_ok() {
            return Err(Error::IpAddressReference);
        }
        let valid = !rest.is_empty()
            && rest.len() <= MAX_NAME_LEN
            && rest.split(|&b| b == b'.').all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && label
                        .iter()
                        .all(|&b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            });
        if !valid {
            return Err(Error::InvalidReferenceName);
        }
        Ok((subdomains, rest))
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2048))]

        /// ReferenceId::new decides as the checks as first written did.
        #[test]
        fn reference_checks_unchanged(name in "[.0-9a-fA-F:_x-]{0,12}|([0-9a-z]{1,64}\\.){0,5}[0-9a-z]{0,3}\\.?|[0-9.]{0,16}|::[0-9.]{0,16}") {
            let got = ReferenceId::new(&name).map(|r| (r.is_parent_domain(), r.domain()));
            proptest::prop_assert_eq!(got, reference_as_written(&name), "{:?}", name);
        }
    }

    #[test]
    fn reference_edges() {
        for name in [
            "",
            ".",
            "..",
            "a",
            "a.",
            ".a",
            ".a.",
            "1.2.3.4",
            "1.2.3.4.",
            ".1.2.3.4",
            "1.2.3",
            "1.2.3.4.5",
            "01.2.3.4",
            "::1",
            "1::",
            "a..b",
            "-a.b",
            "a_b.c",
            "1e.2.3.4",
            "256.1.1.1",
        ] {
            assert_eq!(
                ReferenceId::new(name).map(|r| (r.is_parent_domain(), r.domain())),
                reference_as_written(name),
                "{name:?}"
            );
        }
        let long_label = "a".repeat(64);
        let max_label = "a".repeat(63);
        let long_name = std::format!("{max_label}.{max_label}.{max_label}.{max_label}");
        for name in [
            long_label.as_str(),
            max_label.as_str(),
            long_name.as_str(),
            &long_name[..253],
        ] {
            assert_eq!(
                ReferenceId::new(name).map(|r| (r.is_parent_domain(), r.domain())),
                reference_as_written(name),
                "{name:?}"
            );
        }
    }

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

    /// NameConstraints contents with dNSName subtrees (short forms only).
    fn constraints(permitted: &[&str], excluded: &[&str]) -> std::vec::Vec<u8> {
        let subtrees = |tag: u8, names: &[&str]| {
            let mut body = std::vec::Vec::new();
            for name in names {
                body.extend([0x30, u8::try_from(name.len() + 2).unwrap(), 0x82]);
                body.push(u8::try_from(name.len()).unwrap());
                body.extend(name.as_bytes());
            }
            let mut out = std::vec![tag, u8::try_from(body.len()).unwrap()];
            out.extend(body);
            out
        };
        let mut out = std::vec::Vec::new();
        if !permitted.is_empty() {
            out.extend(subtrees(0xa0, permitted));
        }
        if !excluded.is_empty() {
            out.extend(subtrees(0xa1, excluded));
        }
        out
    }

    /// (permitted, excluded, name, within)
    const CONSTRAINT_CASES: &[(&[&str], &[&str], &str, bool)] = &[
        (&["example.com"], &[], "example.com", true),
        (&["example.com"], &[], "mx.example.com", true),
        (&["example.com"], &[], "MX.EXAMPLE.COM.", true),
        (&["example.com"], &[], "*.example.com", true),
        (&["example.com"], &[], "xexample.com", false),
        (&["example.com"], &[], "example.com.evil", false),
        (&["example.com"], &[], "com", false),
        (&[".example.com"], &[], "example.com", false),
        (&[".example.com"], &[], "mx.example.com", true),
        (&["example.com", "example.org"], &[], "mx.example.org", true),
        (&[""], &[], "anything.test", true),
        (&[], &["victim.test"], "victim.test", false),
        (&[], &["victim.test"], "mx.victim.test.", false),
        (&[], &["victim.test."], "mx.victim.test", false),
        (&[], &["victim.test"], "notvictim.test", true),
        (&[], &["victim.test"], "*.victim.test", false),
        (&["test"], &["victim.test"], "mx.victim.test", false),
        (&["test"], &["victim.test"], "mx.other.test", true),
        (&[], &[""], "anything.test", false),
    ];

    #[test]
    fn dns_name_constraints() {
        for (permitted, excluded, name, within) in CONSTRAINT_CASES {
            let nc = constraints(permitted, excluded);
            let mut budget = 100;
            assert_eq!(
                within_dns_constraints(name.as_bytes(), &nc, &mut budget),
                Ok(*within),
                "permitted {permitted:?} excluded {excluded:?} name {name:?}"
            );
        }
    }

    #[test]
    fn dns_name_constraints_fail_closed() {
        let nc = constraints(&["a.test", "b.test", "c.test"], &[]);
        let mut budget = 2;
        assert_eq!(
            within_dns_constraints(b"a.test", &nc, &mut budget),
            Err(ConstraintError::BudgetExceeded)
        );
        for bad in [
            &[0xa0, 0x05, 0x30, 0x03, 0x82][..],
            &[0xa2, 0x00],
            &[0x30, 0x00],
        ] {
            assert_eq!(
                within_dns_constraints(b"a.test", bad, &mut 100),
                Err(ConstraintError::Malformed),
                "{bad:02x?}"
            );
        }
        // Other name forms constrain nothing here: an iPAddress subtree only.
        let ip_only = [0xa0, 0x0a, 0x30, 0x08, 0x87, 0x06, 10, 0, 0, 0, 255, 0];
        assert_eq!(
            within_dns_constraints(b"a.test", &ip_only, &mut 100),
            Ok(true)
        );
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
        for ip in [
            "192.0.2.1",
            "192.0.2.1.",
            ".192.0.2.1",
            "2001:db8::25",
            "::1",
        ] {
            assert_eq!(
                ReferenceId::new(ip),
                Err(Error::IpAddressReference),
                "{ip:?}"
            );
        }
        // Numeric labels that are not an address stay names.
        assert!(ReferenceId::new("192.0.2").is_ok());
        assert!(ReferenceId::new("1.2.3.4.example").is_ok());
        assert!(ReferenceId::new("_25._tcp.mx.example.com").is_ok());
    }
}
