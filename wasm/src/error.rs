//! `MxtrustError`: what every function throws, with a stable kebab-case
//! `code` (the codes of core and of `mxtrust-report`, plus a few about the
//! JS boundary itself) and a message.

use mxtrust_report::ReadError;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/js/error.js")]
extern "C" {
    /// The JS class in `js/error.js`.
    #[wasm_bindgen(js_name = MxtrustError)]
    type JsMxtrustError;

    #[wasm_bindgen(constructor, js_class = "MxtrustError")]
    fn new(code: &str, message: &str, line: Option<u32>) -> JsMxtrustError;
}

/// An error on its way to JS.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// The stable code.
    pub code: &'static str,
    /// The message.
    pub message: String,
    /// The 1-based line of a text input at fault.
    pub line: Option<usize>,
}

/// Codes of the JS boundary (the C library has its own 1–99 range for the
/// same kind of mistake).
pub mod code {
    /// A missing option, or a value of the wrong type or range.
    pub const INVALID_ARGUMENT: &str = "invalid-argument";
    /// An input larger than any legal input of its kind.
    pub const INPUT_TOO_LARGE: &str = "input-too-large";
    /// A time that is not Unix seconds, a Date or RFC 3339 text.
    pub const INVALID_TIME: &str = "invalid-time";
    /// TLSA input that holds no record for the name asked about.
    pub const NO_TLSA_RECORDS: &str = "no-tlsa-records";
    /// A certificate given as a trust anchor that cannot be one.
    pub const INVALID_TRUST_ANCHOR: &str = "invalid-trust-anchor";
    /// Trust anchors needed and none given that can be one.
    pub const NO_TRUST_ANCHORS: &str = "no-trust-anchors";
    /// Memory for caller-sized storage could not be had.
    pub const OUT_OF_MEMORY: &str = "out-of-memory";
    /// No secure random source (`crypto.getRandomValues`) for a cache key.
    pub const NO_RANDOM_SOURCE: &str = "no-random-source";
}

impl Failure {
    /// An error with a code and a message.
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            line: None,
        }
    }

    /// `invalid-argument`.
    pub fn argument(message: impl Into<String>) -> Self {
        Self::new(code::INVALID_ARGUMENT, message)
    }

    /// Core's error, with what it was about.
    pub fn core(what: &str, e: mxtrust::Error) -> Self {
        Self::new(e.code(), format!("{what}: {e}"))
    }

    /// Core's verdict on a policy body `what`, as `WHAT:LINE: reason`
    /// (`WHAT: reason` for the body as a whole, line 0).
    pub fn policy(what: &str, e: &mxtrust::policy::PolicyError) -> Self {
        let reason = e.kind.description();
        Self {
            code: e.kind.code(),
            message: if e.line == 0 {
                format!("{what}: {reason}")
            } else {
                format!("{what}:{}: {reason}", e.line)
            },
            line: (e.line != 0).then_some(e.line),
        }
    }

    /// A reader's error about the input `name`, as `NAME:LINE: reason`.
    pub fn read(name: &str, e: &ReadError) -> Self {
        Self {
            code: e.kind.code(),
            message: e.in_input(name),
            line: e.line,
        }
    }
}

impl From<Failure> for JsValue {
    fn from(f: Failure) -> Self {
        let line = f.line.and_then(|l| u32::try_from(l).ok());
        JsMxtrustError::new(f.code, &f.message, line).into()
    }
}

/// What the exported functions return.
pub type Result<T> = core::result::Result<T, Failure>;
