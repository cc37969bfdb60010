//! `mxtrust rollover dane` and `mxtrust rollover sts`: the order and timing
//! of a key, certificate, record or policy change, planned by core
//! (`mxtrust::rollover`).

use std::path::PathBuf;
use std::process::ExitCode;

use mxtrust::rollover::{Kind, StsChange};
use mxtrust_report::rollover::{self as rollover_report, PlanReport};
use mxtrust_report::tlsa_gen::KeySource;
use mxtrust_report::{pem, time, tlsa_text};

use crate::dane::ALGORITHMS;
use crate::input::{self, InputError};

const DANE_EXAMPLES: &str = "\
Examples:
  mxtrust rollover dane --tlsa-file answer.txt --chain current.pem --next-chain next.pem --name mx.example.com
  mxtrust rollover dane --tlsa-file answer.txt --chain current.pem --next-csr next.csr --name mx.example.com
  mxtrust rollover dane --tlsa-file answer.txt --chain current.pem --next-chain current.pem \\
    --to '3 1 1' --to '3 1 2' --name mx.example.com          # add SHA2-512 records

The TTL is the records' own (from dig or zone lines), or --ttl. Exit status:
0 the switch is safe now, 1 steps remain (or the plan is not safe as
asked), 2 unusable input or usage error.";

const STS_EXAMPLES: &str = "\
Examples:
  mxtrust rollover sts --policy current.txt --id 20260101 --next-policy next.txt \\
    --mx-now mx1.example.com --mx-next mx1.example.com --mx-next mx2.example.com --mx-ttl 3600

Exit status: 0 the change may be made now, 1 steps remain (or the plan is
not safe as asked), 2 unusable input or usage error.";

/// Plan a change without an outage (RFC 7671 §8.1, RFC 8461 §8.3).
#[derive(Debug, clap::Subcommand)]
pub enum Args {
    /// Plan a TLSA change: a new key, a new issuer, another digest or usage.
    #[command(after_help = DANE_EXAMPLES)]
    Dane(DaneArgs),
    /// Plan an MTA-STS policy or MX host change.
    #[command(after_help = STS_EXAMPLES)]
    Sts(StsArgs),
}

/// `mxtrust rollover dane`.
#[derive(Debug, clap::Args)]
#[command(group = clap::ArgGroup::new("next").required(true).args(["next_chain", "next_key", "next_csr"]))]
pub struct DaneArgs {
    /// The TLSA records published now: `dig` output (with TTLs), zone lines
    /// or `U S M HEX` lines. Repeatable.
    #[arg(long, value_name = "FILE")]
    tlsa_file: Vec<PathBuf>,
    /// A published TLSA record, `U S M HEX`. Repeatable.
    #[arg(long, value_name = "RECORD")]
    tlsa: Vec<String>,
    /// The chain the server presents now, leaf first (PEM or DER).
    #[arg(long, value_name = "FILE")]
    chain: PathBuf,
    /// The chain it will present after the switch.
    #[arg(long, value_name = "FILE")]
    next_chain: Option<PathBuf>,
    /// Only the next key (PEM `PUBLIC KEY` or DER): plans DANE-EE `3 1 x`.
    #[arg(long, value_name = "FILE")]
    next_key: Option<PathBuf>,
    /// Only the next key's certificate request (PKCS#10, PEM or DER).
    #[arg(long, value_name = "FILE")]
    next_csr: Option<PathBuf>,
    /// A reference identifier, the TLSA base domain (MX host) first.
    #[arg(long = "name", value_name = "NAME", required = true)]
    names: Vec<String>,
    /// The TLSA name's port.
    #[arg(long, default_value_t = 25)]
    port: u16,
    /// The RRset's TTL in seconds (default: the largest TTL the input gives).
    #[arg(long, value_name = "SECONDS")]
    ttl: Option<u32>,
    /// When the published RRset last changed (default: now, the safe
    /// assumption). Unix seconds or RFC 3339.
    #[arg(long, value_name = "TIME", value_parser = time::parse)]
    published_at: Option<u64>,
    /// The zone's negative-caching TTL (SOA minimum), when the name has no
    /// TLSA RRset yet.
    #[arg(long, value_name = "SECONDS")]
    negative_ttl: Option<u32>,
    /// The kind of record to end with, `U S M` (repeatable); default: the
    /// kinds that authenticate the current chain today.
    #[arg(long = "to", value_name = "U S M", value_parser = kind)]
    to: Vec<Kind>,
    /// Records from `dig` output without the `ad` flag are taken anyway.
    #[arg(long)]
    dnssec_unchecked: bool,
    /// The time of planning (default: now).
    #[arg(long, value_name = "TIME", value_parser = time::parse)]
    at: Option<u64>,
    /// Print the plan as JSON.
    #[arg(long)]
    json: bool,
}

/// `mxtrust rollover sts`.
#[derive(Debug, clap::Args)]
pub struct StsArgs {
    /// The policy published now.
    #[arg(long, value_name = "FILE")]
    policy: PathBuf,
    /// The id in the `_mta-sts` TXT record now.
    #[arg(long, value_name = "ID")]
    id: String,
    /// The policy to end with.
    #[arg(long, value_name = "FILE")]
    next_policy: PathBuf,
    /// The id you mean to publish with it.
    #[arg(long, value_name = "ID")]
    next_id: Option<String>,
    /// An MX host in DNS now (repeatable).
    #[arg(long, value_name = "HOST", required = true)]
    mx_now: Vec<String>,
    /// An MX host in DNS after the change (repeatable).
    #[arg(long, value_name = "HOST", required = true)]
    mx_next: Vec<String>,
    /// The MX RRset's TTL in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = StsChange::DEFAULT_MX_TTL)]
    mx_ttl: u32,
    /// The time of planning (default: now).
    #[arg(long, value_name = "TIME", value_parser = time::parse)]
    at: Option<u64>,
    /// Print the plan as JSON.
    #[arg(long)]
    json: bool,
}

fn kind(text: &str) -> Result<Kind, String> {
    rollover_report::kind(text).map_err(|e| e.to_string())
}

/// Runs a plan and prints it.
///
/// # Errors
///
/// Input that cannot be read; exit status 2.
pub fn run(args: &Args) -> Result<ExitCode, InputError> {
    let report = match args {
        Args::Dane(a) => dane(a)?,
        Args::Sts(a) => sts(a)?,
    };
    let json = match args {
        Args::Dane(a) => a.json,
        Args::Sts(a) => a.json,
    };
    crate::finish(&report, json, |r| r.human(), report.is_safe_now())
}

fn dane(args: &DaneArgs) -> Result<PlanReport, InputError> {
    let tlsa_name = tlsa_text::tlsa_name(
        args.port,
        mxtrust::base_domain::Protocol::Tcp,
        args.names.first().map_or("", String::as_str),
    );
    let (records, _) = input::tlsa_records(
        &args.tlsa,
        &args.tlsa_file,
        &tlsa_name,
        args.dnssec_unchecked,
    )?;
    let current = input::certificates(&args.chain, pem::MAX_CHAIN_INPUT_LEN, "a chain file")?;
    let next_chain = match &args.next_chain {
        Some(path) => Some(input::certificates(
            path,
            pem::MAX_CHAIN_INPUT_LEN,
            "a chain file",
        )?),
        None => None,
    };
    let next_key = match (&args.next_key, &args.next_csr) {
        (Some(path), _) => Some(input::key_spki(path, KeySource::PublicKey)?),
        (None, Some(path)) => Some(input::key_spki(path, KeySource::Request)?),
        (None, None) => None,
    };
    rollover_report::plan_dane(&rollover_report::DaneInputs {
        records: &records,
        ttl: args.ttl,
        published_at: args.published_at,
        negative_ttl: args.negative_ttl,
        current: &current,
        next_chain: next_chain.as_deref(),
        next_key: next_key.as_deref(),
        to: &args.to,
        names: &args.names,
        algorithms: ALGORITHMS,
        now: args.at.unwrap_or_else(time::now),
    })
    .map_err(|e| match e {
        rollover_report::PlanError::NoTtl => {
            InputError::new("the input gives no TTL: pass --ttl (the RRset's TTL in seconds)")
        }
        other => InputError::new(other.to_string()),
    })
}

fn sts(args: &StsArgs) -> Result<PlanReport, InputError> {
    let read =
        |path: &PathBuf| input::read_bytes(path, mxtrust::limits::MAX_POLICY_LEN, "a policy file");
    let policy = read(&args.policy)?;
    let next_policy = read(&args.next_policy)?;
    rollover_report::plan_sts(&rollover_report::StsInputs {
        policy: &policy,
        id: &args.id,
        next_policy: &next_policy,
        next_id: args.next_id.as_deref(),
        mx_now: &args.mx_now,
        mx_next: &args.mx_next,
        mx_ttl: args.mx_ttl,
        now: args.at.unwrap_or_else(time::now),
    })
    .map_err(|e| match e {
        rollover_report::PlanError::Policy(which, err) => {
            let path = if which == "policy" {
                &args.policy
            } else {
                &args.next_policy
            };
            InputError::new(format!("{}: {err}", input::display_name(path)))
        }
        other => InputError::new(other.to_string()),
    })
}
