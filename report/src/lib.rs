//! The std layer every mxtrust surface shares: the readers that turn what
//! people paste or save (PEM and DER chains, `openssl s_client -showcerts`
//! output, `dig` output, zone-file lines, TXT strings) into core inputs, and
//! the report documents (the JSON the `mxtrust` command prints with
//! `--json`) built from core's verdicts.
//!
//! Nothing here reads files or the network: readers take bytes or strings
//! and return typed errors that carry the line at fault, so that the CLI
//! (which reads files, bounded), the wasm package (which is handed strings)
//! and the services print the same messages and the same documents. Every
//! validation rule stays in core (`mxtrust`); this crate names core's
//! verdicts and lays them out.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod chain;
pub mod check;
pub mod dane;
pub mod decision;
pub mod dns;
mod error;
pub mod fetch;
pub mod pem;
pub mod policy;
pub mod rollover;
pub mod sts_check;
pub mod time;
pub mod tlsa_gen;
pub mod tlsa_text;
pub mod txt;

pub use error::{ReadError, ReadErrorKind, text};
