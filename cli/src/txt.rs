//! `mxtrust sts-record` and `mxtrust tlsrpt-record`: which TXT record of an
//! RRset a sender uses (RFC 8461 §3.1, RFC 8460 §3), and what it says.

use std::process::ExitCode;

use mxtrust_report::txt::{self, TxtReport};

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

    /// Print the result as JSON (schema in cli/README.md).
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

    /// Print the result as JSON (schema in cli/README.md).
    #[arg(long)]
    json: bool,
}

/// Runs `sts-record`.
///
/// # Errors
///
/// An argument whose quoting is broken; exit status 2.
pub fn run_sts(args: &StsArgs) -> Result<ExitCode, InputError> {
    let report =
        txt::sts_report(&rrset(&args.records)?).map_err(|e| InputError::new(e.to_string()))?;
    print(&report, args.json)
}

/// Runs `tlsrpt-record`.
///
/// # Errors
///
/// An argument whose quoting is broken; exit status 2.
pub fn run_tlsrpt(args: &TlsrptArgs) -> Result<ExitCode, InputError> {
    let report =
        txt::tlsrpt_report(&rrset(&args.records)?).map_err(|e| InputError::new(e.to_string()))?;
    print(&report, args.json)
}

fn rrset(arguments: &[String]) -> Result<txt::Rrset, InputError> {
    txt::rrset(arguments).map_err(|(n, e)| match e.line {
        Some(line) if line > 1 => {
            InputError::new(format!("TXT argument {n}, line {line}: {}", e.kind))
        }
        _ => InputError::new(format!("TXT argument {n}: {}", e.kind)),
    })
}

fn print(report: &TxtReport, json: bool) -> Result<ExitCode, InputError> {
    crate::finish(report, json, |r| r.human(), report.found)
}
