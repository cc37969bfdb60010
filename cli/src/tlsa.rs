//! `mxtrust tlsa`: the TLSA records to publish for a certificate or chain.

use std::path::PathBuf;
use std::process::ExitCode;

use mxtrust::base_domain::Protocol;
use mxtrust::name::ReferenceId;
use mxtrust::{CertUsage, MatchingType, Selector};

use mxtrust_report::pem;
use mxtrust_report::tlsa_gen::{self, KeySource, Request};

use crate::input::{self, InputError};

const EXAMPLES: &str = "\
Examples:
  mxtrust tlsa --cert examples/rsa-chain.pem
      3 1 1 for the leaf, 2 1 1 for each issuer
  mxtrust tlsa --cert examples/rsa-chain.pem --owner _25._tcp.mx.example.test
      the same as zone-file lines
  mxtrust tlsa --cert next-key.pem --usage 3 --mtype 2
      a 3 1 2 record for the leaf of another file, e.g. the next key of a rollover
  mxtrust tlsa --pubkey next-key.pub.pem --host mx.example.com
      _25._tcp.mx.example.com. IN TLSA 3 1 1 ... for a key whose certificate
      does not exist yet (openssl pkey -pubout makes the PEM)
  mxtrust tlsa --csr next.csr --host mx.example.com
      the same from the certificate signing request sent to the CA
      (RFC 7671 §8.1: publish it before the new certificate is installed)
  mxtrust tlsa --cert examples/rsa-chain.pem --json
      the records as JSON, the document the wasm package's generateTlsa returns";

/// Print the TLSA records to publish for a certificate or a chain, a
/// public key, or a certificate signing request.
///
/// Without --usage: `3 S M` for the first certificate (the leaf) and `2 S M`
/// for each certificate after it (its issuers). With --usage 3 or 1: the
/// first certificate only; with --usage 2 or 0: the certificates after the
/// first, or the only one in the file.
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// The certificate, or a chain leaf first: PEM (text around the blocks
    /// is ignored) or DER. `-` reads standard input.
    #[arg(
        long,
        value_name = "FILE",
        required_unless_present_any = ["pubkey", "csr"],
        conflicts_with_all = ["pubkey", "csr"]
    )]
    cert: Option<PathBuf>,

    /// A public key instead of a certificate: PEM `PUBLIC KEY` or DER
    /// SubjectPublicKeyInfo. Prints one `3 1 M` record (or --usage's), so
    /// that the next key can be published before its certificate exists.
    #[arg(long, value_name = "FILE", conflicts_with = "csr")]
    pubkey: Option<PathBuf>,

    /// A certificate signing request (PKCS#10) instead of a certificate:
    /// PEM `CERTIFICATE REQUEST` (or `NEW CERTIFICATE REQUEST`) or DER.
    /// Prints the `3 1 M` record (or --usage's) of the key it holds.
    #[arg(long, value_name = "FILE")]
    csr: Option<PathBuf>,

    /// Certificate usage: 3 DANE-EE, 2 DANE-TA, 1 PKIX-EE, 0 PKIX-TA.
    #[arg(long, value_name = "U", value_parser = clap::value_parser!(u8).range(0..=3))]
    usage: Option<u8>,

    /// Selector: 1 the public key (SubjectPublicKeyInfo), 0 the whole
    /// certificate.
    #[arg(long, value_name = "S", default_value_t = 1)]
    selector: u8,

    /// Matching type: 1 SHA2-256, 2 SHA2-512, 0 the selected bytes in full.
    #[arg(long, value_name = "M", default_value_t = 1)]
    mtype: u8,

    /// Print zone-file lines with this owner name, e.g.
    /// `_25._tcp.mx.example.com` (a final dot is added when missing).
    #[arg(long, value_name = "NAME", conflicts_with = "host")]
    owner: Option<String>,

    /// Print zone-file lines for this host's TLSA name, `_PORT._PROTO.HOST`.
    #[arg(long, value_name = "HOST")]
    host: Option<String>,

    /// The port of --host's TLSA name.
    #[arg(long, value_name = "PORT", default_value_t = 25, requires = "host")]
    port: u16,

    /// The transport protocol of --host's TLSA name: tcp, udp or sctp.
    #[arg(
        long,
        value_name = "PROTO",
        default_value = "tcp",
        requires = "host",
        value_parser = mxtrust_report::tlsa_text::protocol
    )]
    proto: Protocol,

    /// Print the records as a JSON array of the documents the wasm package's
    /// `generateTlsa` returns (report's `tlsa_gen::Generated`; cli/README.md
    /// lists the fields).
    #[arg(long)]
    json: bool,
}

/// Prints one record per line.
///
/// # Errors
///
/// A certificate that cannot be read or parsed, an unsupported selector or
/// matching type, an owner that is not a DNS name; exit status 2.
pub fn run(args: &Args) -> Result<ExitCode, InputError> {
    let owner = match (&args.owner, &args.host) {
        (_, Some(host)) => Some(mxtrust_report::tlsa_text::tlsa_name(
            args.port, args.proto, host,
        )),
        (owner, None) => owner.clone(),
    };
    if let Some(owner) = &owner {
        if !has_service_labels(owner) {
            eprintln!(
                "mxtrust: warning: owner {owner} does not start with _PORT._tcp. \
                 (e.g. _25._tcp.{owner}): TLSA records are looked up there (RFC 6698 §3)"
            );
        }
        ReferenceId::new(owner).map_err(|e| InputError::new(format!("--owner {owner:?}: {e}")))?;
    }
    let request = Request {
        usage: args.usage.map(CertUsage::from),
        selector: Selector::from(args.selector),
        matching_type: MatchingType::from(args.mtype),
        owner: owner.as_deref(),
    };
    let key = match (&args.pubkey, &args.csr) {
        (Some(path), _) => Some((path, KeySource::PublicKey)),
        (None, Some(path)) => Some((path, KeySource::Request)),
        (None, None) => None,
    };
    if let Some((path, source)) = key {
        let flag = match source {
            KeySource::PublicKey => "--pubkey",
            KeySource::Request => "--csr",
        };
        if request.selector != Selector::Spki {
            return Err(InputError::new(format!(
                "{flag} {}",
                tlsa_gen::KEY_SELECTOR_ONLY
            )));
        }
        let spki = input::key_spki(path, source)?;
        let generated = tlsa_gen::for_key(&spki, source, &request)
            .map_err(|e| InputError::new(format!("{}: {e}", input::display_name(path))))?;
        if args.json {
            crate::print_json(&[generated])?;
            return Ok(ExitCode::SUCCESS);
        }
        let comment = match source {
            KeySource::PublicKey => "public key",
            KeySource::Request => "public key of the certificate request",
        };
        println!("{} ; {comment}", line(&generated));
        return Ok(ExitCode::SUCCESS);
    }
    let Some(cert) = &args.cert else {
        return Err(InputError::new("--cert, --pubkey or --csr is required"));
    };
    let certificates = input::certificates(cert, pem::MAX_CHAIN_INPUT_LEN, "a chain file")?;
    let generated = tlsa_gen::for_chain(&certificates, &request).map_err(|(depth, e)| {
        let name = input::display_name(cert);
        InputError::new(format!("{name}: certificate at depth {depth}: {e}"))
    })?;
    if args.json {
        crate::print_json(&generated)?;
        return Ok(ExitCode::SUCCESS);
    }
    for g in &generated {
        let role = match g.role {
            "leaf" => ", leaf",
            "issuer" => ", issuer",
            _ => "",
        };
        println!("{} ; depth {}{role}", line(g), g.depth.unwrap_or_default());
    }
    Ok(ExitCode::SUCCESS)
}

/// The zone line when an owner was given, else the bare record.
fn line(g: &tlsa_gen::Generated) -> &str {
    g.zone_line.as_deref().unwrap_or(&g.record)
}

/// Whether `owner` starts `_PORT._tcp.`, `_PORT._udp.` or `_PORT._sctp.`.
fn has_service_labels(owner: &str) -> bool {
    let mut labels = owner.split('.');
    let port = labels.next().and_then(|l| l.strip_prefix('_'));
    let proto = labels.next();
    port.is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        && proto
            .and_then(|l| l.strip_prefix('_'))
            .and_then(Protocol::from_name)
            .is_some()
}
