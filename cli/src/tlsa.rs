//! `mxtrust tlsa`: the TLSA records to publish for a certificate or chain.

use std::path::PathBuf;
use std::process::ExitCode;

use mxtrust::name::ReferenceId;
use mxtrust::{CertUsage, MatchingType, Selector, Tlsa};

use mxtrust_report::pem;

use crate::input::{self, InputError};

const EXAMPLES: &str = "\
Examples:
  mxtrust tlsa --cert examples/rsa-chain.pem
      3 1 1 for the leaf, 2 1 1 for each issuer
  mxtrust tlsa --cert examples/rsa-chain.pem --owner _25._tcp.mx.example.test
      the same as zone-file lines
  mxtrust tlsa --cert next-key.pem --usage 3 --mtype 2
      a 3 1 2 record for the leaf of another file, e.g. the next key of a rollover";

/// Print the TLSA records to publish for a certificate or a chain.
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
    #[arg(long, value_name = "FILE")]
    cert: PathBuf,

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
    #[arg(long, value_name = "NAME")]
    owner: Option<String>,
}

/// Prints one record per line.
///
/// # Errors
///
/// A certificate that cannot be read or parsed, an unsupported selector or
/// matching type, an owner that is not a DNS name; exit status 2.
pub fn run(args: &Args) -> Result<ExitCode, InputError> {
    let owner = match &args.owner {
        Some(owner) => {
            ReferenceId::new(owner)
                .map_err(|e| InputError::new(format!("--owner {owner:?}: {e}")))?;
            let dot = if owner.ends_with('.') { "" } else { "." };
            format!("{owner}{dot} IN TLSA ")
        }
        None => String::new(),
    };
    let certificates = input::certificates(&args.cert, pem::MAX_CHAIN_INPUT_LEN, "a chain file")?;
    let only_one = certificates.len() == 1;
    let selector = Selector::from(args.selector);
    let matching_type = MatchingType::from(args.mtype);
    let mut data = Vec::new();
    for (depth, der) in certificates.iter().enumerate() {
        let usage = match args.usage.map(CertUsage::from) {
            None if depth == 0 => CertUsage::DaneEe,
            None => CertUsage::DaneTa,
            Some(usage) if usage.applies_at_depth(depth) => usage,
            // A file with one CA certificate: the user asks for its TA record.
            Some(usage) if only_one && usage.applies_at_depth(1) => usage,
            Some(_) => continue,
        };
        data.resize(der.len().max(64), 0);
        let len = mxtrust::tlsa::association_data(der, selector, matching_type, &mut data)
            .map_err(|e| {
                let name = crate::input::display_name(&args.cert);
                InputError::new(format!("{name}: certificate at depth {depth}: {e}"))
            })?;
        let record = Tlsa {
            usage,
            selector,
            matching_type,
            data: data.get(..len).unwrap_or_default(),
        };
        let role = match depth {
            0 if only_one => "",
            0 => ", leaf",
            _ => ", issuer",
        };
        println!("{owner}{record} ; depth {depth}{role}");
    }
    Ok(ExitCode::SUCCESS)
}
