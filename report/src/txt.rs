//! The `_mta-sts` and `_smtp._tls` TXT RRsets (RFC 8461 §3.1, RFC 8460 §3):
//! reading TXT data as `dig` prints it, and the report document of which
//! record a sender uses and what it says.

use mxtrust::sts::{self, Unavailable};
use mxtrust::tlsrpt::{self, ReportUri};
use serde::Serialize;

use crate::{ReadError, ReadErrorKind};

/// The report document of `sts-record` and `tlsrpt-record`.
#[derive(Clone, Debug, Serialize)]
pub struct TxtReport {
    /// Whether a record was found.
    pub found: bool,
    /// `sts-record`: the policy id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `tlsrpt-record`: the report URIs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rua: Option<Vec<Uri>>,
    /// Why there is none: `no-record`, `several-records` or `invalid`.
    pub unavailable: Option<&'static str>,
    /// The same in words.
    pub reason: Option<String>,
}

/// One TLSRPT report URI.
#[derive(Clone, Debug, Serialize)]
pub struct Uri {
    /// The URI.
    pub uri: String,
    /// `mailto`, `https` or `other` (which senders may ignore).
    pub scheme: &'static str,
}

/// A TXT RRset: each record the list of its character-strings.
pub type Rrset = Vec<Vec<Vec<u8>>>;

/// The `_mta-sts` record a sender uses among `rrset`.
///
/// # Errors
///
/// Core's error (none is expected with storage sized here).
pub fn sts_report(rrset: &Rrset) -> Result<TxtReport, mxtrust::Error> {
    let strings = views(rrset);
    let views: Vec<&[&[u8]]> = strings.iter().map(Vec::as_slice).collect();
    let mut scratch = vec![0u8; scratch_len(rrset)];
    Ok(match sts::select(&views, &mut scratch)? {
        sts::Lookup::Found(record) => TxtReport {
            found: true,
            id: Some(record.id().as_str().to_owned()),
            rua: None,
            unavailable: None,
            reason: None,
        },
        sts::Lookup::NoPolicy(why) => unavailable(why, "v=STSv1", None),
    })
}

/// The `_smtp._tls` record a sender uses among `rrset`.
///
/// # Errors
///
/// Core's error (none is expected with storage sized here).
pub fn tlsrpt_report(rrset: &Rrset) -> Result<TxtReport, mxtrust::Error> {
    let strings = views(rrset);
    let views: Vec<&[&[u8]]> = strings.iter().map(Vec::as_slice).collect();
    let mut scratch = vec![0u8; scratch_len(rrset)];
    Ok(match tlsrpt::select(&views, &mut scratch)? {
        tlsrpt::Lookup::Found(record) => TxtReport {
            found: true,
            id: None,
            rua: Some(record.uris().map(uri).collect()),
            unavailable: None,
            reason: None,
        },
        tlsrpt::Lookup::NoPolicy(why) => unavailable(why, "v=TLSRPTv1", Some(Vec::new())),
    })
}

impl TxtReport {
    /// The report for people.
    pub fn human(&self) -> String {
        use std::fmt::Write as _;
        let mut out = String::new();
        if let Some(reason) = &self.reason {
            let _ = writeln!(out, "no policy: {reason}");
            return out;
        }
        if let Some(id) = &self.id {
            let _ = writeln!(out, "found: id {id}");
        }
        if let Some(rua) = &self.rua {
            let s = if rua.len() == 1 { "" } else { "s" };
            let _ = writeln!(out, "found: {} report URI{s}", rua.len());
            for uri in rua {
                let _ = writeln!(out, "rua {} ({})", uri.uri, uri.scheme);
            }
        }
        out
    }
}

fn uri(uri: ReportUri<'_>) -> Uri {
    Uri {
        uri: uri.as_str().to_owned(),
        scheme: match uri {
            ReportUri::Mailto(_) => "mailto",
            ReportUri::Https(_) => "https",
            ReportUri::Other(_) => "other",
        },
    }
}

fn unavailable(why: Unavailable, version: &str, rua: Option<Vec<Uri>>) -> TxtReport {
    let reason = match why {
        Unavailable::NoRecord => format!("no record starts with {version}"),
        Unavailable::SeveralRecords => format!("more than one record starts with {version}"),
        Unavailable::Invalid(e) => format!("the {version} record is invalid: {e}"),
    };
    TxtReport {
        found: false,
        id: None,
        rua,
        unavailable: Some(why.code()),
        reason: Some(reason),
    }
}

/// The records of TXT arguments. An argument that starts with `"` is read
/// as `dig` prints TXT data: quoted strings, one record per line (as
/// `dig +short` prints an RRset); any other argument is one record of one
/// string. The error's line is the line within the argument.
///
/// # Errors
///
/// Broken quoting, with the 1-based argument index and the error.
pub fn rrset<S: AsRef<str>>(arguments: &[S]) -> Result<Rrset, (usize, ReadError)> {
    let mut records = Vec::new();
    for (i, argument) in arguments.iter().enumerate() {
        let argument = argument.as_ref();
        if argument.trim_start().starts_with('"') {
            for (n, line) in argument.lines().enumerate() {
                if line.trim().is_empty() {
                    continue;
                }
                let strings = quoted_strings(line).map_err(|why| {
                    (
                        i.saturating_add(1),
                        ReadError::at(n.saturating_add(1), ReadErrorKind::TxtQuoting(why)),
                    )
                })?;
                records.push(strings);
            }
        } else {
            records.push(vec![argument.as_bytes().to_vec()]);
        }
    }
    Ok(records)
}

fn views(rrset: &Rrset) -> Vec<Vec<&[u8]>> {
    rrset
        .iter()
        .map(|strings| strings.iter().map(Vec::as_slice).collect())
        .collect()
}

fn scratch_len(rrset: &Rrset) -> usize {
    rrset
        .iter()
        .map(|strings| strings.iter().map(Vec::len).sum::<usize>())
        .max()
        .unwrap_or(0)
}

/// `"a" "b"` → `["a", "b"]`, with RFC 1035 §5.1 escapes: `\X` is X and
/// `\DDD` the octet DDD.
///
/// # Errors
///
/// Text outside quotes, an unterminated quote or escape, a bad `\DDD`.
pub fn quoted_strings(text: &str) -> Result<Vec<Vec<u8>>, &'static str> {
    let mut strings = Vec::new();
    let mut bytes = text.bytes().peekable();
    loop {
        while bytes.next_if(u8::is_ascii_whitespace).is_some() {}
        match bytes.next() {
            None => return Ok(strings),
            Some(b'"') => {}
            Some(_) => return Err("text outside double quotes"),
        }
        let mut string = Vec::new();
        loop {
            match bytes.next() {
                None => return Err("unterminated double quote"),
                Some(b'"') => break,
                Some(b'\\') => {
                    let first = bytes.next().ok_or("unterminated escape")?;
                    if first.is_ascii_digit() {
                        let mut value = u32::from(first - b'0');
                        for _ in 0..2 {
                            let digit = bytes
                                .next()
                                .filter(u8::is_ascii_digit)
                                .ok_or("\\DDD escape needs three digits")?;
                            value = value * 10 + u32::from(digit - b'0');
                        }
                        string.push(u8::try_from(value).map_err(|_| "\\DDD escape above 255")?);
                    } else {
                        string.push(first);
                    }
                }
                Some(b) => string.push(b),
            }
        }
        strings.push(string);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The character-strings of a record, or `Err(())` for bad quoting.
    type Strings = Result<&'static [&'static [u8]], ()>;

    /// (argument, expected strings)
    const CASES: &[(&str, Strings)] = &[
        (r#""v=STSv1; id=1""#, Ok(&[b"v=STSv1; id=1"])),
        (r#""v=STSv1; " "id=1""#, Ok(&[b"v=STSv1; ", b"id=1"])),
        (r#"  "a\"b" "#, Ok(&[b"a\"b"])),
        (r#""a\\b\059c""#, Ok(&[b"a\\b;c"])),
        (r#""""#, Ok(&[b""])),
        (r#""a" b"#, Err(())),
        (r#""a"#, Err(())),
        (r#""a\05""#, Err(())),
        (r#""a\999""#, Err(())),
    ];

    #[test]
    fn dig_quoted_strings() {
        for (text, expected) in CASES {
            let got = quoted_strings(text).map_err(|_| ());
            let expected = expected.map(|s| s.iter().map(|s| s.to_vec()).collect::<Vec<_>>());
            assert_eq!(got, expected, "{text}");
        }
    }
}
