//! mxtrust decides whether an SMTP server's TLS certificate chain may be
//! trusted for a destination, using DANE (TLSA records; RFC 6698, RFC 7671,
//! RFC 7672) and MTA-STS (RFC 8461), and says which TLS reporting result
//! (RFC 8460) a failure maps to.
//!
//! # Architecture
//!
//! The crate does no I/O and never allocates. Everything that comes from the
//! outside world is an input: DNS answers together with their DNSSEC status,
//! the certificate chain the server presented, policy bodies, and the clock.
//! Data flows one way:
//!
//! ```text
//! caller bytes ──▶ borrowed, validated views ──▶ a verdict value
//!   TLSA RDATA        Tlsa<'a>                    dane::Outcome
//!   DER certificates  cert::Certificate<'a>       + per-record reports
//! ```
//!
//! Views borrow the caller's bytes; decoded data (hex in presentation-format
//! TLSA records, per-record reports) is written into storage the caller
//! provides, and a buffer that is too small is a typed [`Error`], never a
//! reallocation. All parsing goes through a checked reader that returns
//! `Result`; every size and count limit is a documented constant in
//! [`limits`].
//!
//! # Modules
//!
//! - [`tlsa`]: TLSA record fields, parsing (wire RDATA and presentation text),
//!   usability classification and digest agility.
//! - [`cert`]: a zero-copy reader for the parts of an X.509 certificate that
//!   DANE and MTA-STS need.
//! - [`name`]: reference identifiers and DNS name matching (RFC 6125 as
//!   profiled by RFC 7672 §3.2.3 and RFC 8461 §4.1).
//! - [`dane`]: DANE verification of a presented chain against a TLSA RRset.
//! - [`chain`]: certificate path validation shared by DANE and MTA-STS, and
//!   the failures it reports.
//! - [`sts`]: the `_mta-sts` TXT record (RFC 8461 §3.1) and the MTA-STS
//!   certificate check (RFC 8461 §4.2).
//! - [`policy`]: MTA-STS policy bodies, `mx` patterns and MX matching
//!   (RFC 8461 §3.2, §4.1).
//! - [`fetch`]: where the MTA-STS policy is fetched from and whether the
//!   HTTPS response may be used (RFC 8461 §3.2, §3.3).
//! - [`cache`]: a fixed-capacity MTA-STS policy cache with a checksummed
//!   persistence format (RFC 8461 §5.1).
//! - [`mx`]: which hosts an MX RRset yields and in which order, the null
//!   MX and the implicit MX (RFC 5321 §5.1, RFC 7505).
//! - [`base_domain`]: the TLSA base domain of an MX host through CNAME
//!   records, its reference identifiers, and the TLSA owner name
//!   (RFC 7672 §2.2.2, §3.2.3; RFC 6698 §3).
//! - [`rollover`]: planning key, certificate, record and policy changes so
//!   that no sender's cached data refuses the server (RFC 7671 §8.1,
//!   RFC 8461 §8.3).
//! - [`decision`]: what to do for one MX host, DANE before MTA-STS
//!   (RFC 7672 §2.2, RFC 8461 §2).
//! - [`tlsrpt`]: RFC 8460 result types and the `_smtp._tls` TXT record.
//! - [`time`]: the civil calendar: certificate dates, RFC 3339, Unix
//!   seconds.
//! - [`key`]: the algorithm and size of a public key, and TLSA data for a
//!   key whose certificate does not exist yet.
//! - [`csr`]: the public key of a PKCS#10 certification request (RFC 2986),
//!   for the TLSA record of a certificate not yet issued.
//!
//! Private: `der` (the strict DER reader), `hex`, `txt` (the TXT-record
//! grammar `_mta-sts` and `_smtp._tls` share), `word` (the
//! eight-octets-at-a-time scans of TXT records and policies), `error`.
//!
//! # Module graph
//!
//! What each module uses of the others (leaves last). There is no cycle, so
//! each module can be read knowing only those on its right; a test
//! (`tests/module_graph.rs`) keeps this table equal to the code.
//!
//! ```text
//! rollover    → cert, chain, dane, limits, name, policy, sts, time, tlsa
//! cache       → limits, name, policy, sts, time
//! dane        → cert, chain, limits, name, time, tlsa, tlsrpt
//! sts         → cert, chain, limits, name, time, tlsrpt, txt
//! base_domain → decision, limits, name
//! decision    → policy, tlsa, tlsrpt
//! chain       → cert, limits, name, tlsrpt
//! policy      → limits, name, tlsrpt, txt, word
//! fetch       → limits, name, tlsrpt
//! key         → cert, der, tlsa
//! csr         → cert, der
//! tlsa        → cert, hex, limits
//! tlsrpt      → limits, name, txt
//! mx          → limits, name
//! txt         → word
//! cert        → der, limits, time
//! name        → der, limits
//! algorithms, der, error, hex, limits, time, word → (nothing)
//! ```
//!
//! # Signature algorithms
//!
//! DANE-TA and PKIX usages verify signatures through rustls-webpki with a
//! caller-supplied set of [`SignatureVerificationAlgorithm`]s. Without a
//! crypto provider (for example on bare-metal targets) DANE-EE still works in
//! full. With the `ring` feature, [`algorithms::RING`] supplies ECDSA and
//! Ed25519. RSA in rustls-webpki needs its `alloc` feature, which this crate
//! never turns on; std callers enable it themselves and get every ring
//! algorithm with one line, see [`ring_algorithms_with_rsa!`].
#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(
    not(test),
    deny(
        clippy::indexing_slicing,
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::arithmetic_side_effects,
        clippy::as_conversions,
        clippy::unreachable,
        clippy::todo,
        clippy::unimplemented
    )
)]

// Unit tests use std's formatting and collections; the library never does.
#[rustfmt::skip] #[cfg(test)] extern crate std;

pub mod algorithms;
pub mod base_domain;
pub mod cache;
pub mod cert;
pub mod chain;
pub mod csr;
pub mod dane;
pub mod decision;
mod der;
mod error;
pub mod fetch;
mod hex;
pub mod key;
pub mod limits;
pub mod mx;
pub mod name;
pub mod policy;
pub mod rollover;
pub mod sts;
pub mod time;
pub mod tlsa;
pub mod tlsrpt;
mod txt;
mod word;

pub use error::Error;
pub use tlsa::{CertUsage, MatchingType, Selector, Tlsa};

pub use rustls_pki_types::{SignatureVerificationAlgorithm, TrustAnchor};

#[doc(hidden)]
pub mod __private {
    pub use webpki;
}
