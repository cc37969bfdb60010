//! The live-check report (`mxtrust check DOMAIN`): for every MX host,
//! address and key type, what a sender must do (DANE before MTA-STS,
//! [`mxtrust::decision::decide`]) and whether the server passes, with the
//! DNS answers, the MTA-STS policy and the TLSRPT record behind it.
//!
//! The network is the caller's (crate `mxtrust-net` for the CLI): it hands
//! over what it observed ([`Observed`]: DNS answers with their DNSSEC
//! status, the policy fetch, each STARTTLS session and its chain), and
//! [`build`] judges it with core's rules. The caller uses the same helpers
//! to decide what to observe ([`route`], [`sts_record`], [`sts_policy`],
//! [`decide`]), so that what is probed and what is judged cannot differ.
//!
//! - [`observed`](Observed): what the caller hands over;
//! - the shared rules ([`route`], [`tlsa_candidates`], [`sts_policy`],
//!   [`decide`]...);
//! - the document ([`CheckReport`], [`build`]) and its human form.

mod document;
mod human;
mod observed;
mod rules;
#[cfg(test)]
mod tests;

pub use document::*;
pub use observed::*;
pub use rules::*;
