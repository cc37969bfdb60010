//! `mxtrust sts-check`: may this MX receive mail under this MTA-STS policy,
//! and does its chain pass RFC 8461 §4.2?

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use mxtrust::name::ReferenceId;
use mxtrust_report::sts_check::{self, StsCheck, TrustAnchorSource};
use mxtrust_report::{pem, time};

use crate::input::{self, InputError};

/// Debian's and Ubuntu's bundle of the system's trusted roots (also
/// Alpine's and Arch's path), the default trust anchors.
pub const SYSTEM_ROOTS: &str = "/etc/ssl/certs/ca-certificates.crt";

/// The environment variable that names another default bundle, for systems
/// that keep it elsewhere (and for tests).
pub const SYSTEM_ROOTS_ENV: &str = "MXTRUST_SYSTEM_ROOTS";

const EXAMPLES: &str = "\
Examples:
  mxtrust sts-check --policy examples/mta-sts.txt --chain chain.pem --mx mx.example.com
  mxtrust sts-check --policy examples/mta-sts.txt --chain examples/p256-chain.pem \\
    --mx mx.example.test --trust-anchors tests/fixtures/dane/p256-root.der --json
  curl -s https://mta-sts.example.com/.well-known/mta-sts.txt > policy.txt
  openssl s_client -connect mx.example.com:25 -starttls smtp -showcerts </dev/null \\
    | mxtrust sts-check --policy policy.txt --chain - --mx mx.example.com

Trust anchors: --trust-anchors FILE, else the system roots in
/etc/ssl/certs/ca-certificates.crt, or in the file the environment variable
MXTRUST_SYSTEM_ROOTS names. Mode none checks nothing (RFC 8461 §5), so it
needs no trust anchors.

Exit status: 0 the MX is allowed and its chain passes (or mode none),
1 it fails (under testing too, where a sender still delivers), or the
policy is invalid, 2 unusable input or usage error.";

fn long_help() -> String {
    format!("{EXAMPLES}\n\n{}", sts_check::JSON_SCHEMA)
}

/// Check an MX host and its certificate chain against an MTA-STS policy
/// (RFC 8461 §4.1, §4.2) and say what a sender does under its mode.
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES, after_long_help = long_help())]
pub struct Args {
    /// The policy body, as served at
    /// `https://mta-sts.DOMAIN/.well-known/mta-sts.txt`; `-` reads standard
    /// input.
    #[arg(long, value_name = "FILE")]
    policy: PathBuf,

    /// The chain the MX presented, leaf first: PEM (text around the blocks
    /// is ignored, so `openssl s_client -showcerts` output works) or DER.
    /// `-` reads standard input.
    #[arg(long, value_name = "FILE")]
    chain: PathBuf,

    /// The MX host name, as the MX record names it.
    #[arg(long, value_name = "HOST")]
    mx: String,

    /// Trusted roots, PEM or DER. Default: the system roots (see below).
    #[arg(long, value_name = "FILE")]
    trust_anchors: Option<PathBuf>,

    /// The validation time: Unix seconds or RFC 3339, e.g.
    /// 2026-11-28T13:00:00Z. Default: now.
    #[arg(long, value_name = "TIME", value_parser = time::parse)]
    at: Option<u64>,

    /// Print the report as JSON (schema in `--help`).
    #[arg(long)]
    json: bool,
}

/// Runs the check and prints the report.
///
/// # Errors
///
/// Input that cannot be read, an MX that is not a host name, no trust
/// anchors; exit status 2.
pub fn run(args: &Args) -> Result<ExitCode, InputError> {
    let mx = args.mx.as_str();
    ReferenceId::host(mx).map_err(|e| InputError::new(format!("--mx {mx:?}: {e}")))?;
    let stdin = Path::new("-");
    if args.policy == stdin && args.chain == stdin {
        return Err(InputError::new(
            "--policy - and --chain - cannot both read standard input",
        ));
    }
    // One octet past core's limit: core then reports `too-large` itself.
    let policy = input::read_up_to(
        &args.policy,
        mxtrust::limits::MAX_POLICY_LEN.saturating_add(1),
    )?;
    let chain = input::certificates(&args.chain, pem::MAX_CHAIN_INPUT_LEN, "a chain file")?;
    let needed = sts_check::needs_trust_anchors(&policy);
    let (file, ders) = if needed {
        anchor_certificates(args.trust_anchors.as_deref())?
    } else {
        (String::new(), Vec::new())
    };
    let (anchors, skipped) = match &args.trust_anchors {
        Some(path) => (input::trust_anchors(&ders, Some(path))?, 0),
        None => input::usable_trust_anchors(&ders),
    };
    if needed && anchors.is_empty() {
        return Err(InputError::new(format!(
            "{file}: no certificate usable as a trust anchor"
        )));
    }
    let source = TrustAnchorSource {
        file,
        count: anchors.len(),
        skipped,
    };
    let report = sts_check::check(&StsCheck {
        policy: &policy,
        chain: &chain,
        mx,
        trust_anchors: &anchors,
        trust_anchor_source: needed.then_some(&source),
        time: args.at.unwrap_or_else(time::now),
        algorithms: crate::dane::ALGORITHMS,
    })
    .map_err(|e| InputError::new(e.to_string()))?;
    crate::finish(&report, args.json, |r| r.human(), report.passed())
}

/// The file the trust anchors come from, and its certificates.
fn anchor_certificates(path: Option<&Path>) -> Result<(String, Vec<Vec<u8>>), InputError> {
    let limit = pem::MAX_TRUST_ANCHORS_INPUT_LEN;
    if let Some(path) = path {
        let ders = input::certificates(path, limit, "a trust-anchor file")?;
        return Ok((input::display_name(path), ders));
    }
    let system = std::env::var_os(SYSTEM_ROOTS_ENV)
        .map_or_else(|| PathBuf::from(SYSTEM_ROOTS), PathBuf::from);
    let name = input::display_name(&system);
    if !system.is_file() {
        return Err(InputError::new(format!(
            "no system trust anchors: {name} does not exist; pass --trust-anchors FILE \
             (PEM roots), or name the system bundle in {SYSTEM_ROOTS_ENV}"
        )));
    }
    let ders = input::certificates(&system, limit, "a trust-anchor file")?;
    Ok((name, ders))
}
