//! mxtrust's network layer, shared by `mxtrust check` and the policy
//! server: DNS with a DNSSEC status per answer ([`dns`]), STARTTLS to a
//! mail server with the presented chain captured ([`smtp`]), and the
//! MTA-STS policy fetch ([`fetch`]).
//!
//! The protocol code is the libraries' (hickory for DNS and DNSSEC, rustls
//! for TLS, ureq for HTTPS); the rules (which hosts an MX answer yields,
//! where TLSA records live, which policy responses count) are core's
//! ([`mxtrust`]). What this crate adds is how they meet: every name,
//! including the policy host's and each MX host's, is resolved through the
//! one [`dns::Resolver`], never the system's.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod anchor;
pub mod dns;
pub mod fetch;
pub mod smtp;
