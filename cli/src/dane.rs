//! `mxtrust dane`: is this chain authenticated by these TLSA records?

use std::path::PathBuf;
use std::process::ExitCode;

use clap::ValueEnum;
use mxtrust::SignatureVerificationAlgorithm;
use mxtrust::base_domain::Protocol;
use mxtrust::name::ReferenceId;
use mxtrust::tlsa::DigestPreference;
use mxtrust_report::dane::{self, Check};
use mxtrust_report::{pem, time, tlsa_text};

use crate::input::{self, InputError};

/// Every ring algorithm, RSA included (this crate turns on rustls-webpki's
/// `alloc` feature for it).
pub static ALGORITHMS: &[&dyn SignatureVerificationAlgorithm] =
    mxtrust::ring_algorithms_with_rsa!();

const EXAMPLES: &str = "\
Examples:
  mxtrust dane --chain examples/rsa-chain.pem --tlsa-file examples/rsa.tlsa --name mx.example.test
  mxtrust dane --chain chain.pem --tlsa '3 1 1 fc1d3a0b...' --name mx.example.com --json
  openssl s_client -connect mx.example.com:25 -starttls smtp -showcerts </dev/null \\
    | mxtrust dane --chain - --tlsa-file answer.txt --name mx.example.com

Exit status: 0 authenticated, 1 not authenticated (failed, or every record
unusable), 2 unusable input or usage error.";

fn long_help() -> String {
    format!("{EXAMPLES}\n\n{}", dane::JSON_SCHEMA)
}

/// Check a certificate chain against a TLSA RRset (RFC 6698, 7671, 7672).
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES, after_long_help = long_help())]
#[command(group = clap::ArgGroup::new("rrset").required(true).multiple(true).args(["tlsa", "tlsa_file"]))]
pub struct Args {
    /// The chain the server presented, leaf first: PEM (text around the PEM
    /// blocks is ignored, so `openssl s_client -showcerts` output works) or
    /// DER (one certificate or several concatenated). `-` reads standard
    /// input.
    #[arg(long, value_name = "FILE")]
    chain: PathBuf,

    /// A TLSA record, `U S M HEX` (or a whole zone-file or `dig` line).
    /// Repeatable; these records come first, numbered `--tlsa 1`, `--tlsa 2`...
    #[arg(long, value_name = "RECORD")]
    tlsa: Vec<String>,

    /// A file of TLSA records: `U S M HEX` lines, a zone file, or `dig`
    /// output (`dig +multiline` too). Comments, `$TTL`, `$ORIGIN` and other
    /// record types are skipped; records of owners other than the TLSA name
    /// (`_PORT._PROTO.` and the first --name) are reported and ignored,
    /// unless a CNAME chain in the file leads to them. `dig` output must
    /// have status NOERROR and the `ad` flag. Repeatable.
    #[arg(long, value_name = "FILE")]
    tlsa_file: Vec<PathBuf>,

    /// The TLSA name's port: records are read for `_PORT._PROTO.NAME`.
    #[arg(long, value_name = "PORT", default_value_t = 25)]
    port: u16,

    /// The TLSA name's transport protocol: tcp, udp or sctp.
    #[arg(long, value_name = "PROTO", default_value = "tcp", value_parser = tlsa_text::protocol)]
    proto: Protocol,

    /// Take `dig` output without the `ad` flag, or with a status other than
    /// NOERROR: you vouch for the records' DNSSEC status yourself.
    #[arg(long)]
    dnssec_unchecked: bool,

    /// A reference identifier the certificate must name (DANE-TA, PKIX, and
    /// DANE-EE with --ee-name-checks). Repeatable: the first is the TLSA base
    /// domain, e.g. the MX host; a name starting with `.` matches any
    /// subdomain.
    #[arg(long = "name", value_name = "NAME", required = true)]
    names: Vec<String>,

    /// The validation time: Unix seconds or RFC 3339, e.g.
    /// 2026-11-28T13:00:00Z. Default: now.
    #[arg(long, value_name = "TIME", value_parser = time::parse)]
    at: Option<u64>,

    /// Which usages count: `smtp` (RFC 7672: DANE-TA and DANE-EE only) or
    /// `generic` (RFC 6698/7671: also PKIX-TA and PKIX-EE, which need
    /// --trust-anchors).
    #[arg(long, value_enum, default_value_t = ProfileArg::Smtp)]
    profile: ProfileArg,

    /// PEM trust anchors for PKIX-TA(0) and PKIX-EE(1) under --profile
    /// generic.
    #[arg(long, value_name = "FILE")]
    trust_anchors: Option<PathBuf>,

    /// Enabled digests, most preferred first (RFC 7671 §9): `sha512,sha256`
    /// (the default), `sha256,sha512`, `sha256` or `sha512`. A digest left
    /// out makes its records unusable.
    #[arg(long, value_name = "LIST", value_parser = parse_digest_preference)]
    digest_preference: Option<DigestPreference>,

    /// Also require the leaf to name a reference identifier under DANE-EE(3),
    /// which RFC 7672 §3.2.3 does not.
    #[arg(long)]
    ee_name_checks: bool,

    /// Print the report as JSON (schema in --help and cli/README.md).
    #[arg(long)]
    json: bool,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum ProfileArg {
    /// SMTP (RFC 7672).
    Smtp,
    /// Generic DANE (RFC 6698, RFC 7671).
    Generic,
}

fn parse_digest_preference(text: &str) -> Result<DigestPreference, String> {
    dane::digest_preference(text.split(','))
}

/// Runs the check and prints the report.
///
/// # Errors
///
/// Input that cannot be read or that core rejects; exit status 2.
pub fn run(args: &Args) -> Result<ExitCode, InputError> {
    for name in &args.names {
        ReferenceId::new(name).map_err(|e| InputError::new(format!("--name {name:?}: {e}")))?;
    }
    let stdin = std::path::Path::new("-");
    if args.chain == stdin && args.tlsa_file.iter().any(|f| f == stdin) {
        return Err(InputError::new(
            "--chain - and --tlsa-file - cannot both read standard input",
        ));
    }
    let tlsa_name = tlsa_text::tlsa_name(
        args.port,
        args.proto,
        args.names.first().map_or("", String::as_str),
    );
    let chain = input::certificates(&args.chain, pem::MAX_CHAIN_INPUT_LEN, "a chain file")?;
    let (records, ignored) = input::tlsa_records(
        &args.tlsa,
        &args.tlsa_file,
        &tlsa_name,
        args.dnssec_unchecked,
    )?;
    if records.is_empty() {
        return Err(InputError::new(tlsa_text::no_records_reason(
            &tlsa_name, &ignored,
        )));
    }
    let anchor_ders = match (&args.trust_anchors, args.profile) {
        (Some(path), ProfileArg::Generic) => input::certificates(
            path,
            pem::MAX_TRUST_ANCHORS_INPUT_LEN,
            "a trust-anchor file",
        )?,
        (Some(_), ProfileArg::Smtp) => {
            return Err(InputError::new(
                "--trust-anchors is used only with --profile generic",
            ));
        }
        (None, _) => Vec::new(),
    };
    let anchors = input::trust_anchors(&anchor_ders, args.trust_anchors.as_deref())?;
    let anchor_certificates: Vec<&[u8]> = anchor_ders.iter().map(Vec::as_slice).collect();
    let time = args.at.unwrap_or_else(time::now);
    let report = dane::check(&Check {
        chain: &chain,
        records: &records,
        names: &args.names,
        tlsa_name: &tlsa_name,
        ignored: &ignored,
        time,
        generic_trust_anchors: match args.profile {
            ProfileArg::Smtp => None,
            ProfileArg::Generic => Some((&anchors, &anchor_certificates)),
        },
        digest_preference: args.digest_preference.unwrap_or_default(),
        ee_name_checks: args.ee_name_checks,
        algorithms: ALGORITHMS,
    })
    .map_err(|e| InputError::new(e.to_string()))?;
    crate::finish(&report, args.json, |r| r.human(), report.is_authenticated())
}
