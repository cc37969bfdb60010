//! `mxtrust`: offline DANE and MTA-STS checks for mail server operators.
//!
//! Every rule is core's (crate `mxtrust`); this binary reads files and
//! arguments, hands them to core, and prints what core decided.

#![forbid(unsafe_code)]

mod check;
mod dane;
mod input;
mod policy;
mod rollover;
mod sts_check;
mod tlsa;
mod txt;

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use serde::Serialize;

use crate::input::InputError;

/// Check a mail server's certificate chain against DANE TLSA records and
/// MTA-STS policies, offline, from files and arguments.
#[derive(Debug, Parser)]
#[command(name = "mxtrust", version, propagate_version = true)]
#[command(
    after_help = "Exit status: 0 yes (authenticated, valid), 1 no, 2 unusable input or usage error.\n\
    Run `mxtrust help COMMAND` for a command's flags and examples."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Check(check::Args),
    Dane(dane::Args),
    Tlsa(tlsa::Args),
    StsPolicy(policy::Args),
    StsCheck(sts_check::Args),
    StsRecord(txt::StsArgs),
    TlsrptRecord(txt::TlsrptArgs),
    #[command(subcommand)]
    Rollover(rollover::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Check(args) => check::run(args),
        Command::Dane(args) => dane::run(args),
        Command::Tlsa(args) => tlsa::run(args),
        Command::StsPolicy(args) => policy::run(args),
        Command::StsCheck(args) => sts_check::run(args),
        Command::StsRecord(args) => txt::run_sts(args),
        Command::TlsrptRecord(args) => txt::run_tlsrpt(args),
        Command::Rollover(args) => rollover::run(args),
    };
    result.unwrap_or_else(|e| {
        eprintln!("mxtrust: {e}");
        ExitCode::from(2)
    })
}

/// Prints a report, as JSON or as `human` writes it, and returns the exit
/// status of its answer: 0 yes, 1 no.
fn finish<T: Serialize>(
    report: &T,
    json: bool,
    human: impl FnOnce(&T) -> String,
    yes: bool,
) -> Result<ExitCode, InputError> {
    if json {
        print_json(report)?;
    } else {
        print!("{}", human(report));
    }
    Ok(if yes {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Prints a report document as pretty JSON.
fn print_json<T: Serialize>(document: &T) -> Result<(), InputError> {
    let json = serde_json::to_string_pretty(document)
        .map_err(|e| InputError::new(format!("JSON output: {e}")))?;
    println!("{json}");
    Ok(())
}
