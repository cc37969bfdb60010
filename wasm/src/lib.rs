//! mxtrust in WebAssembly: the functions of the npm package `mxtrust`.
//!
//! Every rule is core's (crate `mxtrust`) and every document is
//! `mxtrust-report`'s: this crate turns JS values (PEM text, `Uint8Array`s,
//! `dig` output, option objects) into their inputs and their documents
//! into JS objects. A document crosses as the JSON text `mxtrust ... --json`
//! prints (the same serializer, serde_json) and becomes an object through
//! `JSON.parse`, so the CLI and the package cannot drift. Errors are thrown
//! as `MxtrustError` with a stable kebab-case `code`.
//!
//! No input may make the module trap: wasm32 panics abort, so inputs are
//! checked for type and size before they are copied in, storage a caller
//! sizes is reserved fallibly, and nothing here calls what can panic (the
//! lints below, and the tests that feed random and mutated inputs).

#![forbid(unsafe_code)]
#![cfg_attr(
    not(test),
    deny(
        clippy::indexing_slicing,
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::unreachable,
        clippy::todo,
        clippy::unimplemented
    )
)]

mod cache;
mod dane;
mod error;
mod js;
mod rollover;
mod rules;
mod sts;

use serde::Serialize;
use wasm_bindgen::prelude::*;

pub use cache::PolicyCache;
use error::{Failure, code};

/// A report document as a JS object: serde_json's text (the CLI's bytes)
/// through `JSON.parse`.
fn to_js<T: Serialize>(document: &T) -> error::Result<JsValue> {
    let json = serde_json::to_string(document)
        .map_err(|e| Failure::new(code::INVALID_ARGUMENT, format!("JSON output: {e}")))?;
    js_sys::JSON::parse(&json)
        .map_err(|_| Failure::new(code::INVALID_ARGUMENT, "JSON.parse refused a document"))
}

type JsResult = Result<JsValue, JsValue>;

/// The DANE report of a chain against a TLSA RRset (`mxtrust dane --json`).
#[wasm_bindgen(js_name = verifyDane)]
pub fn verify_dane(options: JsValue) -> JsResult {
    Ok(to_js(&dane::verify(&options)?)?)
}

/// The TLSA records to publish for a chain, a public key or a CSR.
#[wasm_bindgen(js_name = generateTlsa)]
pub fn generate_tlsa(options: JsValue) -> JsResult {
    Ok(to_js(&dane::generate(&options)?)?)
}

/// The records of TLSA text (`U S M HEX` lines, zone lines, `dig` output).
#[wasm_bindgen(js_name = parseTlsa)]
pub fn parse_tlsa(text: JsValue, options: JsValue) -> JsResult {
    Ok(to_js(&dane::parse(&text, &options)?)?)
}

/// The policy report of an MTA-STS policy body (`mxtrust sts-policy --json`).
#[wasm_bindgen(js_name = parsePolicy)]
pub fn parse_policy(text: JsValue, mx: JsValue) -> JsResult {
    Ok(to_js(&sts::parse_policy(&text, &mx)?)?)
}

/// Whether a valid policy allows an MX host (RFC 8461 §4.1).
#[wasm_bindgen(js_name = policyAllowsMx)]
pub fn policy_allows_mx(policy_text: JsValue, mx: JsValue) -> Result<bool, JsValue> {
    Ok(sts::policy_allows_mx(&policy_text, &mx)?)
}

/// The MTA-STS check of an MX and its chain (`mxtrust sts-check --json`).
#[wasm_bindgen(js_name = checkSts)]
pub fn check_sts(options: JsValue) -> JsResult {
    Ok(to_js(&sts::check(&options)?)?)
}

/// The `_mta-sts` TXT record a sender uses (`mxtrust sts-record --json`).
#[wasm_bindgen(js_name = parseStsRecord)]
pub fn parse_sts_record(txt: JsValue) -> JsResult {
    Ok(to_js(&sts::sts_record(&txt)?)?)
}

/// The `_smtp._tls` TXT record a sender uses (`mxtrust tlsrpt-record --json`).
#[wasm_bindgen(js_name = parseTlsrptRecord)]
pub fn parse_tlsrpt_record(txt: JsValue) -> JsResult {
    Ok(to_js(&sts::tlsrpt_record(&txt)?)?)
}

/// What to do for one MX host, DANE before MTA-STS.
#[wasm_bindgen]
pub fn decide(options: JsValue) -> JsResult {
    Ok(to_js(&rules::decide(&options)?)?)
}

/// The DNSSEC status of data that depends on two answers: the weaker
/// (core's `DnssecStatus::weaker`).
#[wasm_bindgen(js_name = weakerDnssecStatus)]
pub fn weaker_dnssec_status(a: JsValue, b: JsValue) -> Result<String, JsValue> {
    Ok(rules::weaker_dnssec(&a, &b)?.to_owned())
}

/// The status of a TLSA lookup (core's `TlsaStatus::of_answer`).
#[wasm_bindgen(js_name = tlsaStatus)]
pub fn tlsa_status(dnssec: JsValue, has_records: JsValue) -> Result<String, JsValue> {
    Ok(rules::tlsa_status(&dnssec, &has_records)?.to_owned())
}

/// The MTA-STS state a policy gives an MX host (core's `StsState::of`).
#[wasm_bindgen(js_name = mxStsState)]
pub fn mx_sts_state(policy: JsValue, mx_host: JsValue) -> JsResult {
    Ok(to_js(&sts::mx_sts_state(&policy, &mx_host)?)?)
}

/// `https://mta-sts.<domain>/.well-known/mta-sts.txt`.
#[wasm_bindgen(js_name = policyUrl)]
pub fn policy_url(domain: JsValue) -> Result<String, JsValue> {
    Ok(rules::policy_url(&domain)?)
}

/// `mta-sts.<domain>`, the name the policy host's certificate must carry.
#[wasm_bindgen(js_name = policyHost)]
pub fn policy_host(domain: JsValue) -> Result<String, JsValue> {
    Ok(rules::policy_host(&domain)?)
}

/// Whether `url` is exactly the policy URL of `domain`.
#[wasm_bindgen(js_name = isPolicyUrl)]
pub fn is_policy_url(domain: JsValue, url: JsValue) -> Result<bool, JsValue> {
    Ok(rules::is_policy_url(&domain, &url)?)
}

/// Whether a policy fetch response may be used (RFC 8461 §3.2, §3.3).
#[wasm_bindgen(js_name = checkPolicyResponse)]
pub fn check_policy_response(domain: JsValue, response: JsValue) -> JsResult {
    Ok(to_js(&rules::check_response(&domain, &response)?)?)
}

/// The document of a policy fetch that got no response at all (core's
/// `fetch::TransportFailure`, by its code).
#[wasm_bindgen(js_name = policyFetchFailure)]
pub fn policy_fetch_failure(code: JsValue, detail: JsValue) -> JsResult {
    Ok(to_js(&rules::fetch_failure(&code, &detail)?)?)
}

/// The MX hosts to try (RFC 5321 §5.1, RFC 7505).
#[wasm_bindgen(js_name = mxHosts)]
pub fn mx_hosts(domain: JsValue, answer: JsValue, options: JsValue) -> JsResult {
    Ok(to_js(&rules::mx_hosts(&domain, &answer, &options)?)?)
}

/// Where to look for an MX host's TLSA records (RFC 7672 §2.2.2).
#[wasm_bindgen(js_name = tlsaBaseDomains)]
pub fn tlsa_base_domains(options: JsValue) -> JsResult {
    Ok(to_js(&rules::tlsa_base_domains(&options)?)?)
}

/// `_PORT._PROTO.BASE` (RFC 6698 §3).
#[wasm_bindgen(js_name = tlsaOwnerName)]
pub fn tlsa_owner_name(base: JsValue, options: JsValue) -> Result<String, JsValue> {
    Ok(rules::tlsa_owner_name(&base, &options)?)
}

/// The plan of a TLSA change (`mxtrust rollover dane --json`).
#[wasm_bindgen(js_name = planDaneRollover)]
pub fn plan_dane_rollover(options: JsValue) -> JsResult {
    Ok(to_js(&rollover::plan_dane(&options)?)?)
}

/// The plan of an MTA-STS change (`mxtrust rollover sts --json`).
#[wasm_bindgen(js_name = planStsRollover)]
pub fn plan_sts_rollover(options: JsValue) -> JsResult {
    Ok(to_js(&rollover::plan_sts(&options)?)?)
}
