//! The MTA-STS policy report (RFC 8461 §3.2, §4.1): what a policy body
//! says, its warnings or its error, and which MX hosts it allows.

use mxtrust::policy::{MxPattern, Policy, PolicyError, Warning};
use mxtrust::tlsrpt::ResultType;
use serde::Serialize;

/// The report document of a policy body (`mxtrust sts-policy --json`).
#[derive(Clone, Debug, Serialize)]
pub struct PolicyReport {
    /// Whether core accepts the policy.
    pub valid: bool,
    /// `enforce`, `testing` or `none`.
    pub mode: Option<&'static str>,
    /// `max_age` in seconds, after core's clamp.
    pub max_age: Option<u32>,
    /// The `mx` patterns, in order.
    pub mx: Vec<String>,
    /// What core accepted with a warning.
    pub warnings: Vec<Problem>,
    /// Why core rejected the policy (at most one).
    pub errors: Vec<Problem>,
    /// `sts-policy-invalid` for an invalid policy.
    pub tlsrpt_result_type: Option<&'static str>,
    /// One entry per MX host asked about.
    pub matches: Vec<Match>,
}

/// A warning or an error, with its 1-based line (0: the body as a whole).
#[derive(Clone, Debug, Serialize)]
pub struct Problem {
    /// The 1-based line, 0 for the body as a whole.
    pub line: usize,
    /// Core's kebab-case code.
    pub kind: &'static str,
    /// Core's description.
    pub message: String,
}

/// Whether one MX host is allowed.
#[derive(Clone, Debug, Serialize)]
pub struct Match {
    /// The host as given.
    pub host: String,
    /// Whether a pattern allows it (RFC 8461 §4.1).
    pub allowed: bool,
    /// The first `mx` pattern that allows the host.
    pub pattern: Option<String>,
}

impl PolicyReport {
    /// The report of the policy `body`, with a match line for each of
    /// `hosts`.
    pub fn new<S: AsRef<str>>(body: &[u8], hosts: &[S]) -> Self {
        let (result, warnings) = parse(body);
        match &result {
            Ok(policy) => Self {
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
                matches: hosts
                    .iter()
                    .map(|host| matches(policy.mx_patterns(), host.as_ref()))
                    .collect(),
            },
            Err(e) => Self {
                valid: false,
                mode: None,
                max_age: None,
                mx: Vec::new(),
                warnings: warnings.iter().map(warning).collect(),
                errors: vec![error(e)],
                // mxtrust's own capacity is not the publisher's fault.
                tlsrpt_result_type: Some(e.kind.result_type().as_str()),
                matches: Vec::new(),
            },
        }
    }

    /// The report for people; `name` is how lines are prefixed
    /// (`NAME:LINE`).
    pub fn human(&self, name: &str) -> String {
        human(self, name)
    }
}

/// Parses with room for every warning: once, and again with more storage
/// if core found more than fitted.
pub fn parse(body: &[u8]) -> (Result<Policy<'_>, PolicyError>, Vec<Warning>) {
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

/// Whether `host` is allowed by one of `patterns`, and by which.
pub fn matches(patterns: &[MxPattern<'_>], host: &str) -> Match {
    let pattern = patterns.iter().find(|p| p.matches(host.as_bytes()));
    Match {
        host: host.to_owned(),
        allowed: pattern.is_some(),
        pattern: pattern.map(ToString::to_string),
    }
}

fn human(report: &PolicyReport, name: &str) -> String {
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
            report
                .tlsrpt_result_type
                .unwrap_or(ResultType::StsPolicyInvalid.as_str())
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

    /// More `mx` lines than mxtrust holds is its own limit, reported as
    /// `validation-failure`, never as the publisher's invalid policy.
    #[test]
    fn mx_capacity_is_not_an_invalid_policy() {
        let mut body = String::from("version: STSv1\nmode: enforce\nmax_age: 86400\n");
        for i in 0..=mxtrust::limits::MAX_MX_PATTERNS {
            body.push_str(&format!("mx: mx{i}.example.com\n"));
        }
        let report = PolicyReport::new(body.as_bytes(), &[] as &[&str]);
        assert!(!report.valid);
        assert_eq!(report.errors[0].kind, "mx-capacity");
        assert_eq!(report.tlsrpt_result_type, Some("validation-failure"));
        assert!(report.human("p").contains("[TLSRPT validation-failure]"));
        let invalid = PolicyReport::new(
            b"version: STSv1\nmode: strict\nmax_age: 5\n",
            &[] as &[&str],
        );
        assert_eq!(invalid.tlsrpt_result_type, Some("sts-policy-invalid"));
    }

    #[test]
    fn durations() {
        assert_eq!(duration(604_800), "7 days");
        assert_eq!(duration(86_400), "1 day");
        assert_eq!(duration(90_061), "1 day 1 h 1 min 1 s");
        assert_eq!(duration(0), "0 s");
    }
}
