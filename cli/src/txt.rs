//! `mxtrust sts-record` and `mxtrust tlsrpt-record`: which TXT record of an
//! RRset a sender uses (RFC 8461 §3.1, RFC 8460 §3), and what it says.

use std::process::ExitCode;

use mxtrust::sts::{self, StsLookup, Unavailable};
use mxtrust::tlsrpt::{self, ReportUri, TlsrptLookup};
use serde::Serialize;

use crate::input::InputError;

const STS_EXAMPLES: &str = "\
Examples:
  mxtrust sts-record 'v=STSv1; id=20261128T130000'
  mxtrust sts-record \"$(dig +short TXT _mta-sts.example.com)\"
  mxtrust sts-record 'v=spf1 -all' '\"v=STSv1; \" \"id=2026\"' --json

Each argument is one TXT record of the RRset. An argument that starts with
'\"' is read as dig prints TXT data: quoted strings (with \\\" and \\DDD escapes),
concatenated. Several lines (as from dig +short) are several records.

Exit status: 0 a policy id was found, 1 none (the domain has no MTA-STS
policy, and why), 2 usage error.";

const TLSRPT_EXAMPLES: &str = "\
Examples:
  mxtrust tlsrpt-record 'v=TLSRPTv1; rua=mailto:tlsrpt@example.com'
  mxtrust tlsrpt-record \"$(dig +short TXT _smtp._tls.example.com)\" --json

Each argument is one TXT record of the RRset, read as for sts-record.

Exit status: 0 a report policy was found, 1 none (and why), 2 usage error.";

/// Select the `_mta-sts` TXT record of an RRset and print its policy id.
#[derive(Debug, clap::Args)]
#[command(after_help = STS_EXAMPLES)]
pub struct StsArgs {
    /// The TXT records of `_mta-sts.DOMAIN`, one argument each.
    #[arg(value_name = "TXT", required = true)]
    records: Vec<String>,

    /// Print the result as JSON (schema in the README).
    #[arg(long)]
    json: bool,
}

/// Select the `_smtp._tls` TXT record of an RRset and print its report URIs.
#[derive(Debug, clap::Args)]
#[command(after_help = TLSRPT_EXAMPLES)]
pub struct TlsrptArgs {
    /// The TXT records of `_smtp._tls.DOMAIN`, one argument each.
    #[arg(value_name = "TXT", required = true)]
    records: Vec<String>,

    /// Print the result as JSON (schema in the README).
    #[arg(long)]
    json: bool,
}

/// The `--json` document of both commands.
#[derive(Debug, Serialize)]
struct Report {
    found: bool,
    /// `sts-record`: the policy id.
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    /// `tlsrpt-record`: the report URIs.
    #[serde(skip_serializing_if = "Option::is_none")]
    rua: Option<Vec<Uri>>,
    /// Why there is none: `no-record`, `several-records` or `invalid`.
    unavailable: Option<&'static str>,
    /// The same in words.
    reason: Option<String>,
}

#[derive(Debug, Serialize)]
struct Uri {
    uri: String,
    /// `mailto`, `https` or `other` (which senders may ignore).
    scheme: &'static str,
}

/// Runs `sts-record`.
///
/// # Errors
///
/// An argument whose quoting is broken; exit status 2.
pub fn run_sts(args: &StsArgs) -> Result<ExitCode, InputError> {
    let rrset = rrset(&args.records)?;
    let strings = views(&rrset);
    let views: Vec<&[&[u8]]> = strings.iter().map(Vec::as_slice).collect();
    let mut scratch = vec![0u8; scratch_len(&rrset)];
    let lookup = sts::select(&views, &mut scratch).map_err(|e| InputError::new(e.to_string()))?;
    let report = match lookup {
        StsLookup::Found(record) => Report {
            found: true,
            id: Some(record.id().as_str().to_owned()),
            rua: None,
            unavailable: None,
            reason: None,
        },
        StsLookup::NoPolicy(why) => unavailable(why, "v=STSv1", None),
    };
    print(&report, args.json)
}

/// Runs `tlsrpt-record`.
///
/// # Errors
///
/// An argument whose quoting is broken; exit status 2.
pub fn run_tlsrpt(args: &TlsrptArgs) -> Result<ExitCode, InputError> {
    let rrset = rrset(&args.records)?;
    let strings = views(&rrset);
    let views: Vec<&[&[u8]]> = strings.iter().map(Vec::as_slice).collect();
    let mut scratch = vec![0u8; scratch_len(&rrset)];
    let lookup =
        tlsrpt::select(&views, &mut scratch).map_err(|e| InputError::new(e.to_string()))?;
    let report = match lookup {
        TlsrptLookup::Found(record) => Report {
            found: true,
            id: None,
            rua: Some(record.uris().map(uri).collect()),
            unavailable: None,
            reason: None,
        },
        TlsrptLookup::NoPolicy(why) => unavailable(why, "v=TLSRPTv1", Some(Vec::new())),
    };
    print(&report, args.json)
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

fn unavailable(why: Unavailable, version: &str, rua: Option<Vec<Uri>>) -> Report {
    let reason = match why {
        Unavailable::NoRecord => format!("no record starts with {version}"),
        Unavailable::SeveralRecords => format!("more than one record starts with {version}"),
        Unavailable::Invalid(e) => format!("the {version} record is invalid: {e}"),
    };
    let code = why.code();
    Report {
        found: false,
        id: None,
        rua,
        unavailable: Some(code),
        reason: Some(reason),
    }
}

fn print(report: &Report, json: bool) -> Result<ExitCode, InputError> {
    if json {
        let text = serde_json::to_string_pretty(report)
            .map_err(|e| InputError::new(format!("JSON output: {e}")))?;
        println!("{text}");
    } else if let Some(reason) = &report.reason {
        println!("no policy: {reason}");
    } else {
        if let Some(id) = &report.id {
            println!("found: id {id}");
        }
        if let Some(rua) = &report.rua {
            let s = if rua.len() == 1 { "" } else { "s" };
            println!("found: {} report URI{s}", rua.len());
            for uri in rua {
                println!("rua {} ({})", uri.uri, uri.scheme);
            }
        }
    }
    Ok(if report.found {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The records, each the list of its character-strings. An argument of
/// several lines is several records (as `dig +short` prints an RRset).
fn rrset(arguments: &[String]) -> Result<Vec<Vec<Vec<u8>>>, InputError> {
    let mut records = Vec::new();
    for (i, argument) in arguments.iter().enumerate() {
        let n = i.saturating_add(1);
        if argument.trim_start().starts_with('"') {
            for line in argument.lines().filter(|l| !l.trim().is_empty()) {
                let strings = quoted_strings(line)
                    .map_err(|why| InputError::new(format!("TXT argument {n}: {why}")))?;
                records.push(strings);
            }
        } else {
            records.push(vec![argument.as_bytes().to_vec()]);
        }
    }
    Ok(records)
}

fn views(rrset: &[Vec<Vec<u8>>]) -> Vec<Vec<&[u8]>> {
    rrset
        .iter()
        .map(|strings| strings.iter().map(Vec::as_slice).collect())
        .collect()
}

fn scratch_len(rrset: &[Vec<Vec<u8>>]) -> usize {
    rrset
        .iter()
        .map(|strings| strings.iter().map(Vec::len).sum::<usize>())
        .max()
        .unwrap_or(0)
}

/// `"a" "b"` → `["a", "b"]`, with RFC 1035 §5.1 escapes: `\X` is X and
/// `\DDD` the octet DDD.
fn quoted_strings(text: &str) -> Result<Vec<Vec<u8>>, String> {
    let mut strings = Vec::new();
    let mut bytes = text.bytes().peekable();
    loop {
        while bytes.next_if(u8::is_ascii_whitespace).is_some() {}
        match bytes.next() {
            None => return Ok(strings),
            Some(b'"') => {}
            Some(_) => return Err("text outside double quotes".to_owned()),
        }
        let mut string = Vec::new();
        loop {
            match bytes.next() {
                None => return Err("unterminated double quote".to_owned()),
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
