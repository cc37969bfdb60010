//! `mxtrust sts-policy`: what an MTA-STS policy body says, and whether MX
//! hosts may receive mail under it.

use std::path::PathBuf;
use std::process::ExitCode;

use mxtrust::policy::{MxPattern, Policy, PolicyError, Warning};
use mxtrust::tlsrpt::ResultType;
use serde::Serialize;

use crate::input::{self, InputError};

const EXAMPLES: &str = "\
Examples:
  mxtrust sts-policy examples/mta-sts.txt --mx mx.example.test --mx mx1.backup.example.test
  curl -s https://mta-sts.example.com/.well-known/mta-sts.txt | mxtrust sts-policy - --json

Exit status: 0 the policy is valid (whether or not the hosts are allowed),
1 it is invalid (a sender treats it as sts-policy-invalid), 2 usage error.";

/// Check an MTA-STS policy body (RFC 8461 §3.2) and which MX hosts it allows.
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// The policy body, as served at
    /// `https://mta-sts.DOMAIN/.well-known/mta-sts.txt`; `-` reads standard
    /// input.
    #[arg(value_name = "FILE")]
    file: PathBuf,

    /// An MX host name to check against the policy's `mx` patterns
    /// (RFC 8461 §4.1). Repeatable.
    #[arg(long = "mx", value_name = "HOST")]
    hosts: Vec<String>,

    /// Print the result as JSON (schema in the README).
    #[arg(long)]
    json: bool,
}

/// The `--json` document of `mxtrust sts-policy`.
#[derive(Debug, Serialize)]
struct Report {
    valid: bool,
    mode: Option<&'static str>,
    max_age: Option<u32>,
    mx: Vec<String>,
    warnings: Vec<Problem>,
    errors: Vec<Problem>,
    tlsrpt_result_type: Option<&'static str>,
    matches: Vec<Match>,
}

/// A warning or an error, with its 1-based line (0: the body as a whole).
#[derive(Debug, Serialize)]
struct Problem {
    line: usize,
    kind: &'static str,
    message: String,
}

#[derive(Debug, Serialize)]
struct Match {
    host: String,
    allowed: bool,
    /// The first `mx` pattern that allows the host.
    pattern: Option<String>,
}

/// Parses the policy and prints what it says.
///
/// # Errors
///
/// A file that cannot be read; exit status 2.
pub fn run(args: &Args) -> Result<ExitCode, InputError> {
    let body = input::read_bytes(&args.file)?;
    let name = input::display_name(&args.file);
    let (result, warnings) = parse(&body);
    let report = match &result {
        Ok(policy) => Report {
            valid: true,
            mode: Some(policy.mode().as_str()),
            max_age: Some(policy.max_age()),
            mx: policy
                .mx_patterns()
                .iter()
                .map(ToString::to_string)
                .collect(),
            warnings: warnings.iter().map(warning).collect(),
            errors: Vec::new(),
            tlsrpt_result_type: None,
            matches: args
                .hosts
                .iter()
                .map(|host| matches(policy.mx_patterns(), host))
                .collect(),
        },
        Err(e) => Report {
            valid: false,
            mode: None,
            max_age: None,
            mx: Vec::new(),
            warnings: warnings.iter().map(warning).collect(),
            errors: vec![error(e)],
            tlsrpt_result_type: Some(ResultType::StsPolicyInvalid.as_str()),
            matches: Vec::new(),
        },
    };
    if args.json {
        let json = serde_json::to_string_pretty(&report)
            .map_err(|e| InputError::new(format!("JSON output: {e}")))?;
        println!("{json}");
    } else {
        print!("{}", human(&report, &name));
    }
    Ok(if report.valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Parses with room for every warning: once, and again with more storage
/// if core found more than fitted.
fn parse(body: &[u8]) -> (Result<Policy<'_>, PolicyError>, Vec<Warning>) {
    let mut storage = vec![Warning::EMPTY; 64];
    let mut result = Policy::parse(body, &mut storage);
    if let Ok(policy) = &result
        && policy.warnings_found() > storage.len()
    {
        storage = vec![Warning::EMPTY; policy.warnings_found()];
        result = Policy::parse(body, &mut storage);
    }
    let found = match &result {
        Ok(policy) => policy.warnings_found(),
        // On error core does not say how many; placeholders have line 0.
        Err(_) => storage.iter().take_while(|w| w.line != 0).count(),
    };
    storage.truncate(found);
    (result, storage)
}

fn matches(patterns: &[MxPattern<'_>], host: &str) -> Match {
    let pattern = patterns.iter().find(|p| p.matches(host.as_bytes()));
    Match {
        host: host.to_owned(),
        allowed: pattern.is_some(),
        pattern: pattern.map(ToString::to_string),
    }
}

fn human(report: &Report, name: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let at = |line: usize| {
        if line == 0 {
            name.to_owned()
        } else {
            format!("{name}:{line}")
        }
    };
    if let (Some(mode), Some(max_age)) = (report.mode, report.max_age) {
        let _ = writeln!(
            out,
            "valid: mode {mode}, max_age {max_age} ({})",
            duration(max_age)
        );
        let mx = if report.mx.is_empty() {
            "(none)".to_owned()
        } else {
            report.mx.join(", ")
        };
        let _ = writeln!(out, "mx: {mx}");
    }
    for e in &report.errors {
        let _ = writeln!(
            out,
            "invalid: {}: {} [TLSRPT {}]",
            at(e.line),
            e.message,
            ResultType::StsPolicyInvalid
        );
    }
    for w in &report.warnings {
        let _ = writeln!(out, "warning: {}: {}", at(w.line), w.message);
    }
    for m in &report.matches {
        let _ = match &m.pattern {
            Some(pattern) => writeln!(out, "{}: allowed by mx {pattern}", m.host),
            None => writeln!(out, "{}: not allowed (no mx pattern matches)", m.host),
        };
    }
    out
}

/// `604800` → `7 days`, `90061` → `1 day 1 h 1 min 1 s`.
fn duration(seconds: u32) -> String {
    let days = seconds / 86_400;
    let parts = [
        (days, if days == 1 { " day" } else { " days" }),
        (seconds % 86_400 / 3600, " h"),
        (seconds % 3600 / 60, " min"),
        (seconds % 60, " s"),
    ];
    let text: Vec<String> = parts
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, unit)| format!("{n}{unit}"))
        .collect();
    if text.is_empty() {
        "0 s".to_owned()
    } else {
        text.join(" ")
    }
}

fn warning(w: &Warning) -> Problem {
    Problem {
        line: w.line,
        kind: w.kind.code(),
        message: w.kind.to_string(),
    }
}

fn error(e: &PolicyError) -> Problem {
    Problem {
        line: e.line,
        kind: e.kind.code(),
        message: e.kind.description().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(duration(604_800), "7 days");
        assert_eq!(duration(86_400), "1 day");
        assert_eq!(duration(90_061), "1 day 1 h 1 min 1 s");
        assert_eq!(duration(0), "0 s");
    }
}
