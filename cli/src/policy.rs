//! `mxtrust sts-policy`: what an MTA-STS policy body says, and whether MX
//! hosts may receive mail under it.

use std::path::PathBuf;
use std::process::ExitCode;

use mxtrust_report::policy::PolicyReport;

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

    /// Print the result as JSON (schema in cli/README.md).
    #[arg(long)]
    json: bool,
}

/// Parses the policy and prints what it says.
///
/// # Errors
///
/// A file that cannot be read; exit status 2.
pub fn run(args: &Args) -> Result<ExitCode, InputError> {
    // At most one octet past core's limit: core then reports `too-large`
    // itself, the verdict a sender reaches (sts-policy-invalid).
    let body = input::read_up_to(
        &args.file,
        mxtrust::limits::MAX_POLICY_LEN.saturating_add(1),
    )?;
    let name = input::display_name(&args.file);
    let report = PolicyReport::new(&body, &args.hosts);
    crate::finish(&report, args.json, |r| r.human(&name), report.valid)
}
