//! Whether an MTA-STS policy fetch response may be used (RFC 8461 §3.2,
//! §3.3; core's [`mxtrust::fetch::check_response`]), as a document.

use mxtrust::fetch::FetchError;
use serde::Serialize;

/// The verdict on a policy fetch response.
#[derive(Clone, Debug, Serialize)]
pub struct FetchReport {
    /// Whether the body may be parsed as the domain's policy.
    pub usable: bool,
    /// Why not, as core's code (`wrong-url`, `redirect-followed`,
    /// `http-status-not-200`, `no-media-type`, `wrong-media-type`,
    /// `too-large`).
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
}
