//! rustls certificate verifiers for mail: DANE (RFC 6698, RFC 7671,
//! RFC 7672) and MTA-STS (RFC 8461) for any Rust SMTP client on rustls, with
//! the TLSRPT (RFC 8460) result type of every failure.
//!
//! rustls checks a server certificate against the Web PKI and a host name.
//! An MTA delivering to an MX host needs other rules: under DANE the TLSA
//! records of the host decide, whatever CA (if any) issued the chain; under
//! MTA-STS the chain must validate to the roots and name the MX host, and
//! the host must be one the policy lists. mxtrust's core implements those
//! rules; this crate plugs them into rustls.
//!
//! - [`MxVerifier`] is a [`ServerCertVerifier`](rustls::client::danger::ServerCertVerifier)
//!   for one connection to one MX host, made from a [`Dane`] rule (the TLSA
//!   RRset, its DNSSEC status and the reference names) or an [`Sts`] rule
//!   (the policy body, the MX host and the roots). It verifies the
//!   handshake signature with the crypto provider's algorithms, as rustls
//!   requires of every verifier. When it refuses a chain, rustls's error is
//!   `InvalidCertificate(CertificateError::Other(OtherError(Arc<Refusal>)))`:
//!   [`Refusal::find`] gets the [`Refusal`] back out of whatever error the
//!   SMTP client returns, with its [`code`](Refusal::code) and
//!   [`result_type`](Refusal::result_type).
//! - [`Report`], a handle the caller keeps, holds the [`Verdict`] after the
//!   handshake: the presented chain, core's outcome with one status per TLSA
//!   record, the refusal if any, and whether the handshake signature
//!   verified.
//! - [`ChainCapture`] is for checkers (`mxtrust check`): it records the
//!   chain and accepts it, still verifying the handshake signature, so that
//!   the chain can be judged afterwards.
//!
//! The crate holds no validation rule of its own: every rule is core's
//! ([`mxtrust::dane::verify`], [`mxtrust::sts::check_certificate`],
//! [`mxtrust::decision`]). It has no crypto provider of its own either:
//! pass yours (ring, aws-lc-rs); its signature algorithms check both the
//! handshake signature and the chain.
//!
//! # Example
//!
//! STARTTLS to an MX host whose TLSA RRset is `3 1 1 <digest>`, DNSSEC
//! secure, with tokio-rustls, mail-send (Stalwart's SMTP client) or any
//! other client that takes a rustls `ClientConfig` (here rustls's own
//! blocking `Stream`):
//!
//! ```no_run
//! use std::io::{BufRead, BufReader, Write};
//! use std::net::TcpStream;
//! use std::sync::Arc;
//! use mxtrust::decision::DnssecStatus;
//! use mxtrust_rustls::{mx_client_config, Dane, MxVerifier, Refusal};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let digest = [0u8; 32];
//! let rdata = [&[3u8, 1, 1][..], &digest].concat(); // from your DNSSEC resolver
//! let rule = Dane::new([rdata], DnssecStatus::Secure, ["mx.example.com"])?;
//! let provider = Arc::new(rustls::crypto::ring::default_provider());
//! let verifier = Arc::new(MxVerifier::new(&provider, rule));
//! let report = verifier.report();
//! let config = Arc::new(mx_client_config(provider, verifier)?);
//!
//! let mut tcp = TcpStream::connect("mx.example.com:25")?;
//! let mut lines = BufReader::new(tcp.try_clone()?);
//! let mut line = String::new();
//! lines.read_line(&mut line)?; // 220 (a real client reads multi-line replies)
//! tcp.write_all(b"EHLO client.example.org\r\n")?;
//! # lines.read_line(&mut line)?;
//! tcp.write_all(b"STARTTLS\r\n")?;
//! lines.read_line(&mut line)?; // 220 ready to start TLS
//! let name = "mx.example.com".try_into()?;
//! let mut conn = rustls::ClientConnection::new(config, name)?;
//! let mut tls = rustls::Stream::new(&mut conn, &mut tcp);
//! match tls.write_all(b"EHLO client.example.org\r\n") {
//!     Ok(()) => {} // authenticated (or DANE's unauthenticated TLS): send the mail
//!     Err(e) => {
//!         let refusal = Refusal::find(&e).ok_or(e)?;
//!         eprintln!("not delivering: {} ({})", refusal.code(), refusal.result_type());
//!     }
//! }
//! if let Some(verdict) = report.verdict() {
//!     println!("{} {:?}", verdict.code(), verdict.outcome);
//! }
//! # Ok(())
//! # }
//! ```

#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

mod capture;
mod refusal;
mod report;
mod verifier;

pub use capture::{ChainCapture, KeyType, client_config};
pub use refusal::Refusal;
pub use report::{Outcome, Report, Verdict};
pub use verifier::{ConfigError, Dane, MxVerifier, Rule, Sts, mx_client_config};
