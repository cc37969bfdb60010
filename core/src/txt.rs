//! The TXT-record grammar that `_mta-sts` (RFC 8461 §3.1) and `_smtp._tls`
//! (RFC 8460 §3) records share: choosing the one record of an RRset that
//! starts with a version tag, joining its character-strings, and walking
//! its `name=value` fields; plus the WSP and extension-name rules the
//! MTA-STS policy body (RFC 8461 §3.2) borrows. [`Unavailable`] is public
//! as [`crate::sts::Unavailable`].

use crate::Error;

/// Why a TXT RRset names no usable record (RFC 8461 §3.1, RFC 8460 §3): the
/// sender then proceeds as if the domain published no MTA-STS policy (or no
/// TLSRPT policy). This is not an error in the caller's input, and it does
/// not evict a cached MTA-STS policy (RFC 8461 §5.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Unavailable {
    /// No record starts with the version tag.
    NoRecord,
    /// More than one record starts with the version tag.
    SeveralRecords,
    /// Exactly one record starts with the version tag, and it is malformed;
    /// the error says how.
    Invalid(Error),
}

impl Unavailable {
    /// A stable kebab-case code; never changes once published.
    pub const fn code(&self) -> &'static str {
        match self {
            Self::NoRecord => "no-record",
            Self::SeveralRecords => "several-records",
            Self::Invalid(_) => "invalid",
        }
    }

    /// A short description.
    pub const fn description(&self) -> &'static str {
        match self {
            Self::NoRecord => "no record starts with the version tag",
            Self::SeveralRecords => "more than one record starts with the version tag",
            Self::Invalid(_) => "the one record with the version tag is malformed",
        }
    }
}

/// Selects the one record of `rrset` that starts with `version`, joins its
/// strings (in place, or in `scratch`) and parses it with `parse`: the
/// routine behind [`crate::sts::select`] and [`crate::tlsrpt::select`].
/// The outer `Err` is the caller's storage; the inner one why the RRset
/// names no usable record.
pub(crate) fn select<'a, T>(
    rrset: &[&[&'a [u8]]],
    version: &[u8],
    scratch: &'a mut [u8],
    parse: impl FnOnce(&'a [u8]) -> Result<T, Error>,
) -> Result<Result<T, Unavailable>, Error> {
    let record = match select_one(rrset, version) {
        Ok(record) => record,
        Err(why) => return Ok(Err(why)),
    };
    let text = concat(record, scratch)?;
    Ok(parse(text).map_err(Unavailable::Invalid))
}

/// The one record of `rrset` that starts with `version`, or why there is none.
pub(crate) fn select_one<'r, 'a>(
    rrset: &'r [&'r [&'a [u8]]],
    version: &[u8],
) -> Result<&'r [&'a [u8]], Unavailable> {
    let mut found = rrset
        .iter()
        .filter(|record| starts_with_version(record, version));
    let first = found.next().ok_or(Unavailable::NoRecord)?;
    match found.next() {
        Some(_) => Err(Unavailable::SeveralRecords),
        None => Ok(first),
    }
}

/// A record as one slice: in place when it has one string, else copied into
/// `scratch`.
pub(crate) fn concat<'a>(record: &[&'a [u8]], scratch: &'a mut [u8]) -> Result<&'a [u8], Error> {
    if let [only] = record {
        return Ok(only);
    }
    let needed = record
        .iter()
        .try_fold(0usize, |n, s| n.checked_add(s.len()))
        .ok_or(Error::BufferTooSmall { needed: usize::MAX })?;
    let out = scratch
        .get_mut(..needed)
        .ok_or(Error::BufferTooSmall { needed })?;
    let mut dst = out.iter_mut();
    for (d, s) in dst.by_ref().zip(record.iter().flat_map(|s| s.iter())) {
        *d = *s;
    }
    Ok(out)
}

/// Whether the concatenated strings start with `version` followed by the
/// end, a `;` or whitespace (so `v=STSv10` is not `v=STSv1`).
fn starts_with_version(record: &[&[u8]], version: &[u8]) -> bool {
    let mut bytes = record.iter().flat_map(|s| s.iter().copied());
    let prefix_matches = version.iter().all(|v| bytes.next() == Some(*v));
    prefix_matches && bytes.next().is_none_or(|b| b == b';' || is_wsp(b))
}

/// What follows the version tag, when the record starts with it.
pub(crate) fn version_rest<'a>(record: &'a [u8], version: &[u8]) -> Option<&'a [u8]> {
    let rest = record.strip_prefix(version)?;
    match rest.first() {
        None | Some(b';' | b' ' | b'\t') => Some(rest),
        Some(_) => None,
    }
}

/// Walks the fields after the version tag of an RFC 8461 §3.1 / RFC 8460 §3
/// record: `1*(field-delim field) [field-delim]` with `field-delim = *WSP ";"
/// *WSP` and `field = name "=" value`. Calls `f(name, value)` for each field
/// whose name is a valid extension name; the value is not checked here.
pub(crate) fn for_each_field<'a>(
    rest: &'a [u8],
    syntax: Error,
    mut f: impl FnMut(&'a [u8], &'a [u8]) -> Result<(), Error>,
) -> Result<(), Error> {
    // One pass over the segments between ";"s, without an iterator
    // adapter: these records are a few dozen octets, where `split` and
    // `peekable` cost more than the octets.
    let (first, mut next) = split_at_semicolon(rest);
    // Before the first ";": only the delimiter's leading whitespace.
    if !first.iter().all(|&b| is_wsp(b)) {
        return Err(syntax);
    }
    while let Some(after) = next {
        let (segment, following) = split_at_semicolon(after);
        next = following;
        let last = following.is_none();
        let segment = trim_wsp_start(segment);
        if last && segment.is_empty() {
            break; // the optional trailing delimiter
        }
        // Whitespace before a ";" belongs to the delimiter; at the very end
        // there is no delimiter to absorb it.
        let field = if last { segment } else { trim_wsp_end(segment) };
        let eq = field.iter().position(|&b| b == b'=').ok_or(syntax)?;
        let (name, value) = field.split_at(eq);
        let value = value.get(1..).unwrap_or(&[]);
        if !is_ext_name(name) {
            return Err(syntax);
        }
        f(name, value)?;
    }
    Ok(())
}

/// The index of the first `octet` in `bytes`, eight octets at a time
/// (Anderson's "has zero byte", in its exact form: no carry crosses an
/// octet once the high bits are cleared).
pub(crate) fn find(bytes: &[u8], octet: u8) -> Option<usize> {
    use crate::word::{HIGH_BITS, first_where, splat};
    let pattern = splat(u64::from(octet));
    first_where(
        bytes,
        |word| {
            let x = word ^ pattern;
            !((x & !HIGH_BITS).wrapping_add(!HIGH_BITS) | x) & HIGH_BITS
        },
        |b| b == octet,
    )
}

/// The octets before the first `;` and, when there is one, those after it.
#[inline]
fn split_at_semicolon(bytes: &[u8]) -> (&[u8], Option<&[u8]>) {
    match find(bytes, b';') {
        Some(i) => {
            let (head, tail) = bytes.split_at(i);
            (head, tail.get(1..))
        }
        None => (bytes, None),
    }
}

/// `(ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" / ".")` (RFC 8461 §3.1
/// `sts-ext-name`, RFC 8460 §3 `tlsrpt-ext-name`).
pub(crate) fn is_ext_name(name: &[u8]) -> bool {
    name.len() <= 32
        && name.first().is_some_and(u8::is_ascii_alphanumeric)
        && name
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
}

/// `1*(%x21-3A / %x3C / %x3E-7E)` (RFC 8461 §3.1 `sts-ext-value`, RFC 8460
/// §3 `tlsrpt-ext-value`).
pub(crate) fn is_ext_value(value: &[u8]) -> bool {
    !value.is_empty()
        && value
            .iter()
            .all(|&b| matches!(b, 0x21..=0x3a | 0x3c | 0x3e..=0x7e))
}

#[inline]
pub(crate) fn is_wsp(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

#[inline]
pub(crate) fn trim_wsp_start(s: &[u8]) -> &[u8] {
    let n = s.iter().take_while(|&&b| is_wsp(b)).count();
    s.get(n..).unwrap_or(&[])
}

#[inline]
pub(crate) fn trim_wsp_end(s: &[u8]) -> &[u8] {
    let n = s.iter().rev().take_while(|&&b| is_wsp(b)).count();
    s.get(..s.len().saturating_sub(n)).unwrap_or(&[])
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec::Vec;

    /// `for_each_field` as first written, with `split` and `peekable`.
    fn for_each_field_as_written<'a>(
        rest: &'a [u8],
        syntax: Error,
        mut f: impl FnMut(&'a [u8], &'a [u8]) -> Result<(), Error>,
    ) -> Result<(), Error> {
        let mut segments = rest.split(|&b| b == b';').peekable();
        if !segments.next().unwrap_or(&[]).iter().all(|&b| is_wsp(b)) {
            return Err(syntax);
        }
        while let Some(segment) = segments.next() {
            let last = segments.peek().is_none();
            let segment = trim_wsp_start(segment);
            if last && segment.is_empty() {
                break;
            }
            let field = if last { segment } else { trim_wsp_end(segment) };
            let eq = field.iter().position(|&b| b == b'=').ok_or(syntax)?;
            let (name, value) = field.split_at(eq);
            let value = value.get(1..).unwrap_or(&[]);
            if !is_ext_name(name) {
                return Err(syntax);
            }
            f(name, value)?;
        }
        Ok(())
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4096))]

        /// The word-at-a-time search finds what a plain search finds.
        #[test]
        fn find_is_a_plain_search(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..40), octet in proptest::prelude::any::<u8>()) {
            proptest::prop_assert_eq!(find(&bytes, octet), bytes.iter().position(|&b| b == octet));
        }

        /// The same fields, in the same order, and the same verdict.
        #[test]
        fn fields_as_first_written(rest in "[ \t;=a-z0-9_.,:-]{0,30}|(( |\t)*;( |\t)*[a-z]{1,3}=[a-z0-9=]{0,4}){0,4}( |\t)*;?( |\t)*") {
            let mut now: Vec<(&[u8], &[u8])> = Vec::new();
            let mut before: Vec<(&[u8], &[u8])> = Vec::new();
            let stop = |name: &[u8]| if name == b"x" { Err(Error::StsMissingId) } else { Ok(()) };
            let got = for_each_field(rest.as_bytes(), Error::StsRecordSyntax, |n, v| {
                now.push((n, v));
                stop(n)
            });
            let expected = for_each_field_as_written(rest.as_bytes(), Error::StsRecordSyntax, |n, v| {
                before.push((n, v));
                stop(n)
            });
            proptest::prop_assert_eq!(got, expected);
            proptest::prop_assert_eq!(now, before);
        }
    }
}
