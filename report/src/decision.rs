//! The per-MX decision (RFC 7672 §2.2, RFC 8461 §2 and §5) as a document,
//! and the names of its inputs.
//!
//! The inputs are named by core's codes (`DnssecStatus::code`,
//! `TlsaStatus::code`, `TlsaUsability::code`).

use mxtrust::decision::Decision;
use serde::Serialize;

/// What to do for one MX host.
#[derive(Clone, Debug, Serialize)]
pub struct DecisionReport {
    /// Core's action code: `require-dane`, `require-tls-unauthenticated`,
    /// `require-sts`, `sts-testing`, `opportunistic`, `skip-mx`, `defer`.
    pub action: &'static str,
    /// The action in words.
    pub description: &'static str,
    /// The RFC 8460 result type the decision already implies, or null.
    pub tlsrpt_result_type: Option<&'static str>,
}

impl DecisionReport {
    /// The document of `decision`.
    pub fn new(decision: &Decision) -> Self {
        Self {
            action: decision.action.code(),
            description: decision.action.description(),
            tlsrpt_result_type: decision.report.map(|t| t.as_str()),
        }
    }
}
