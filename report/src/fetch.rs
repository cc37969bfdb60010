//! Whether an MTA-STS policy fetch response may be used (RFC 8461 §3.2,
//! §3.3; core's [`mxtrust::fetch::check_response`]), as a document.

use mxtrust::fetch::{FetchError, TransportFailure};
use serde::Serialize;

/// The verdict on a policy fetch response.
#[derive(Clone, Debug, Serialize)]
pub struct FetchReport {
    /// Whether the body may be parsed as the domain's policy.
    pub usable: bool,
    /// Why not, as core's code: a [`FetchError`] (`wrong-url`,
    /// `redirect-followed`, `http-status-not-200`, `no-media-type`,
    /// `wrong-media-type`, `too-large`) or, when there was no response, a
    /// [`TransportFailure`] (`invalid-domain`, `no-address`,
    /// `policy-host-bogus`, `certificate-invalid`, `timeout`,
    /// `connection-failed`).
    pub code: Option<&'static str>,
    /// Why not, in words.
    pub reason: Option<String>,
    /// The RFC 8460 result type a sender reports, when not usable.
    pub tlsrpt_result_type: Option<&'static str>,
}

impl FetchReport {
    /// The document of core's verdict.
    pub fn new(result: Result<(), FetchError>) -> Self {
        match result {
            Ok(()) => Self {
                usable: true,
                code: None,
                reason: None,
                tlsrpt_result_type: None,
            },
            Err(e) => Self {
                usable: false,
                code: Some(e.code()),
                reason: Some(e.to_string()),
                tlsrpt_result_type: Some(e.result_type().as_str()),
            },
        }
    }

    /// The document of a fetch that got no response at all: core's code and
    /// result type for `failure`, and the caller's own words for what its
    /// stack reported, if any.
    pub fn transport(failure: TransportFailure, detail: Option<&str>) -> Self {
        Self {
            usable: false,
            code: Some(failure.code()),
            reason: Some(match detail {
                Some(d) if !d.is_empty() => format!("{failure}: {d}"),
                _ => failure.to_string(),
            }),
            tlsrpt_result_type: Some(failure.result_type().as_str()),
        }
    }
}
