//! The per-MX decision and the rules a worker that does its own DNS and
//! HTTPS needs (core's `decision`, `fetch`, `mx` and `base_domain`), so
//! that it only does I/O.

use mxtrust::base_domain::{self, CnameStep, Protocol};
use mxtrust::decision::{self, DnssecStatus, MxInputs, StsState, TlsaStatus, TlsaUsability};
use mxtrust::fetch::{self, Response};
use mxtrust::mx::{self, Mx, MxAnswer, Order};
use mxtrust::policy::Mode;
use mxtrust_report::decision::DecisionReport;
use mxtrust_report::dns::{MxHostsReport, TlsaBaseReport};
use mxtrust_report::fetch::FetchReport;
use wasm_bindgen::JsValue;
use wasm_bindgen::prelude::*;

use crate::error::{Failure, Result, code};
use crate::js;

const MAX_NAME_INPUT: usize = 1024;

#[wasm_bindgen]
extern "C" {
    /// `crypto.getRandomValues`: Web Crypto, in browsers, workers and
    /// Node 19 and later.
    #[wasm_bindgen(js_namespace = crypto, js_name = getRandomValues, catch)]
    fn get_random_values(buf: &mut [u8]) -> core::result::Result<JsValue, JsValue>;
}

/// Octets from `crypto.getRandomValues`.
pub fn random(out: &mut [u8]) -> Result<()> {
    get_random_values(out).map(|_| ()).map_err(|_| {
        Failure::new(
            code::NO_RANDOM_SOURCE,
            "crypto.getRandomValues is not available",
        )
    })
}

/// `"a", "b", "c"`: core's codes, for a message that lists them.
fn quoted_codes<T: Copy>(all: &[T], code: fn(T) -> &'static str) -> String {
    all.iter()
        .map(|&c| format!("\"{}\"", code(c)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn dnssec(value: &JsValue, what: &str) -> Result<DnssecStatus> {
    let name = js::string(value, 32, what)?;
    DnssecStatus::from_code(&name).ok_or_else(|| {
        Failure::argument(format!(
            "{what} must be one of {}",
            quoted_codes(&DnssecStatus::ALL, DnssecStatus::code)
        ))
    })
}

fn tlsa(value: &JsValue, what: &str) -> Result<TlsaStatus> {
    let name = js::string(value, 32, what)?;
    TlsaStatus::from_code(&name).ok_or_else(|| {
        Failure::argument(format!(
            "{what} must be one of {}",
            quoted_codes(&TlsaStatus::ALL, TlsaStatus::code)
        ))
    })
}

/// `weakerDnssecStatus(a, b)`: core's `DnssecStatus::weaker`.
pub fn weaker_dnssec(a: &JsValue, b: &JsValue) -> Result<&'static str> {
    Ok(dnssec(a, "a")?.weaker(dnssec(b, "b")?).code())
}

/// `tlsaStatus(dnssec, hasRecords)`: core's `TlsaStatus::of_answer`.
pub fn tlsa_status(status: &JsValue, has_records: &JsValue) -> Result<&'static str> {
    let status = dnssec(status, "dnssec")?;
    let records = if has_records.is_null() {
        None
    } else {
        Some(has_records.as_bool().ok_or_else(|| {
            Failure::argument("hasRecords must be a boolean, or null for a failed lookup")
        })?)
    };
    Ok(TlsaStatus::of_answer(status, records).code())
}

/// `decide({mxRrset, addresses, tlsa, tlsaUsability?, sts})`.
pub fn decide(options: &JsValue) -> Result<DecisionReport> {
    let mx_rrset = dnssec(&js::required(options, "mxRrset", "mxRrset")?, "mxRrset")?;
    let addresses = dnssec(
        &js::required(options, "addresses", "addresses")?,
        "addresses",
    )?;
    let tlsa_rrset = tlsa(&js::required(options, "tlsa", "tlsa")?, "tlsa")?;
    let usability = js::get(options, "tlsaUsability")?;
    let tlsa_usability = if js::absent(&usability) {
        if tlsa_rrset == TlsaStatus::SecureWithRecords {
            return Err(Failure::argument(format!(
                "tlsaUsability (one of {}) is required with tlsa \"{}\"",
                quoted_codes(&TlsaUsability::ALL, TlsaUsability::code),
                TlsaStatus::SecureWithRecords.code()
            )));
        }
        TlsaUsability::SomeUsable
    } else {
        let name = js::string(&usability, 32, "tlsaUsability")?;
        TlsaUsability::from_code(&name).ok_or_else(|| {
            Failure::argument(format!(
                "tlsaUsability must be one of {}",
                quoted_codes(&TlsaUsability::ALL, TlsaUsability::code)
            ))
        })?
    };
    let sts = sts_state(&js::required(
        options,
        "sts",
        "sts (\"no-policy\" or {mode, mxAllowed})",
    )?)?;
    let decision = decision::decide(MxInputs {
        mx_rrset,
        addresses,
        tlsa: tlsa_rrset,
        tlsa_usability,
        sts,
    });
    Ok(DecisionReport::new(&decision))
}

fn sts_state(value: &JsValue) -> Result<StsState> {
    if value.as_string().as_deref() == Some("no-policy") {
        return Ok(StsState::NoPolicy);
    }
    if !value.is_object() {
        return Err(Failure::argument(
            "sts must be \"no-policy\" or {mode: \"enforce\" | \"testing\" | \"none\", mxAllowed}",
        ));
    }
    let mode = js::string(&js::required(value, "mode", "sts.mode")?, 16, "sts.mode")?;
    let allowed = || -> Result<bool> {
        js::required(value, "mxAllowed", "sts.mxAllowed")?
            .as_bool()
            .ok_or_else(|| Failure::argument("sts.mxAllowed must be a boolean"))
    };
    match Mode::from_value(mode.as_bytes()) {
        Some(Mode::Enforce) => Ok(StsState::Enforce {
            mx_allowed: allowed()?,
        }),
        Some(Mode::Testing) => Ok(StsState::Testing {
            mx_allowed: allowed()?,
        }),
        Some(Mode::None) => Ok(StsState::None),
        None => Err(Failure::argument(format!(
            "sts.mode must be one of {}",
            quoted_codes(&Mode::ALL, Mode::as_str)
        ))),
    }
}

/// `policyUrl(domain)`.
pub fn policy_url(domain: &JsValue) -> Result<String> {
    let domain = js::string(domain, MAX_NAME_INPUT, "domain")?;
    let mut out = [0u8; 320];
    fetch::policy_url(&domain, &mut out)
        .map(str::to_owned)
        .map_err(|e| Failure::core(&format!("domain {domain:?}"), e))
}

/// `policyHost(domain)`.
pub fn policy_host(domain: &JsValue) -> Result<String> {
    let domain = js::string(domain, MAX_NAME_INPUT, "domain")?;
    let mut out = [0u8; 320];
    fetch::policy_host(&domain, &mut out)
        .map(str::to_owned)
        .map_err(|e| Failure::core(&format!("domain {domain:?}"), e))
}

/// `isPolicyUrl(domain, url)`.
pub fn is_policy_url(domain: &JsValue, url: &JsValue) -> Result<bool> {
    let domain = js::string(domain, MAX_NAME_INPUT, "domain")?;
    let url = js::string(url, 8192, "url")?;
    Ok(fetch::is_policy_url(&domain, &url))
}

/// `checkPolicyResponse(domain, response)`.
pub fn check_response(domain: &JsValue, response: &JsValue) -> Result<FetchReport> {
    let domain = js::string(domain, MAX_NAME_INPUT, "domain")?;
    let url = js::string(
        &js::required(response, "url", "response.url")?,
        8192,
        "response.url",
    )?;
    let status = js::integer(
        &js::required(response, "status", "response.status")?,
        999,
        "response.status",
    )?;
    let redirected = js::boolean(
        &js::get(response, "redirected")?,
        false,
        "response.redirected",
    )?;
    let content_type = js::optional(&js::get(response, "contentType")?, |v| {
        js::string(v, 8192, "response.contentType")
    })?;
    let body_len = js::integer(
        &js::required(response, "bodyLength", "response.bodyLength")?,
        u32::MAX,
        "response.bodyLength",
    )?;
    let truncated = js::boolean(
        &js::get(response, "truncated")?,
        false,
        "response.truncated",
    )?;
    let response = Response {
        url: &url,
        status: u16::try_from(status).unwrap_or(u16::MAX),
        redirected,
        content_type: content_type.as_deref().map(str::as_bytes),
        body_len: usize::try_from(body_len).unwrap_or(usize::MAX),
        truncated,
    };
    Ok(FetchReport::new(fetch::check_response(&domain, &response)))
}

/// `policyFetchFailure(code, detail?)`: the document of a fetch that got no
/// response, from the caller's class of its failure (core's
/// `TransportFailure` code).
pub fn fetch_failure(code: &JsValue, detail: &JsValue) -> Result<FetchReport> {
    let code = js::string(code, 64, "code")?;
    let failure = fetch::TransportFailure::from_code(&code).ok_or_else(|| {
        Failure::argument(format!(
            "code must be one of {}",
            quoted_codes(&fetch::TransportFailure::ALL, fetch::TransportFailure::code)
        ))
    })?;
    let detail = js::optional(detail, |v| js::string(v, 8192, "detail"))?;
    Ok(FetchReport::transport(failure, detail.as_deref()))
}

/// `mxHosts(domain, answer, options?)`.
pub fn mx_hosts(domain: &JsValue, answer: &JsValue, options: &JsValue) -> Result<MxHostsReport> {
    let domain = js::string(domain, MAX_NAME_INPUT, "domain")?;
    let records = if let Some(elements) = js::array(answer, "answer")? {
        let mut records = Vec::new();
        for (i, e) in elements.iter().enumerate() {
            let what = format!("answer[{i}]");
            let preference = js::integer(
                &js::required(e, "preference", &format!("{what}.preference"))?,
                u32::from(u16::MAX),
                &format!("{what}.preference"),
            )?;
            let exchange = js::string(
                &js::required(e, "exchange", &format!("{what}.exchange"))?,
                MAX_NAME_INPUT,
                &format!("{what}.exchange"),
            )?;
            records.push((u16::try_from(preference).unwrap_or(u16::MAX), exchange));
        }
        Some(records)
    } else {
        None
    };
    let views: Vec<Mx<'_>> = records
        .iter()
        .flatten()
        .map(|(preference, exchange)| Mx {
            preference: *preference,
            exchange,
        })
        .collect();
    let answer = match (&records, answer.as_string().as_deref()) {
        (Some(_), _) => MxAnswer::Records(&views),
        (None, Some("nodata")) => MxAnswer::NoData,
        (None, Some("nxdomain")) => MxAnswer::NxDomain,
        _ => {
            return Err(Failure::argument(
                "answer must be an array of {preference, exchange}, \"nodata\" or \"nxdomain\"",
            ));
        }
    };
    let order = order(options)?;
    let mut out = [Mx::EMPTY; mxtrust::limits::MAX_MX_HOSTS];
    let route = mx::hosts(&domain, answer, order, &mut out)
        .map_err(|e| Failure::new(e.code(), format!("mxHosts: {e}")))?;
    Ok(MxHostsReport::new(&route, &out))
}

/// Equal preferences are shuffled (RFC 5321 §5.1: MUST randomize) from a
/// random seed, or from `options.seed`; `shuffle: false` keeps the
/// resolver's order (for checkers).
fn order(options: &JsValue) -> Result<Order> {
    if js::absent(options) {
        return random_order();
    }
    if !js::boolean(&js::get(options, "shuffle")?, true, "shuffle")? {
        return Ok(Order::AsGiven);
    }
    let seed = js::get(options, "seed")?;
    if js::absent(&seed) {
        return random_order();
    }
    let seed = js::integer(&seed, u32::MAX, "seed")?;
    Ok(Order::Shuffled {
        seed: u64::from(seed),
    })
}

fn random_order() -> Result<Order> {
    let mut seed = [0u8; 8];
    random(&mut seed)?;
    Ok(Order::Shuffled {
        seed: u64::from_le_bytes(seed),
    })
}

fn protocol(value: &JsValue) -> Result<Protocol> {
    crate::dane::protocol_label(value, "protocol")
}

/// `tlsaBaseDomains({mxHost, cnames?, addresses, firstLookup?, port?, protocol?})`.
pub fn tlsa_base_domains(options: &JsValue) -> Result<TlsaBaseReport> {
    let mx_host = js::string(
        &js::required(options, "mxHost", "mxHost")?,
        MAX_NAME_INPUT,
        "mxHost",
    )?;
    let addresses = dnssec(
        &js::required(options, "addresses", "addresses")?,
        "addresses",
    )?;
    let cnames_value = js::get(options, "cnames")?;
    let mut steps = Vec::new();
    if !js::absent(&cnames_value) {
        let elements = js::array(&cnames_value, "cnames")?.ok_or_else(|| {
            Failure::argument("cnames must be an array of {owner, target, status}")
        })?;
        for (i, e) in elements.iter().enumerate() {
            let what = format!("cnames[{i}]");
            let owner = js::string(
                &js::required(e, "owner", &format!("{what}.owner"))?,
                MAX_NAME_INPUT,
                &format!("{what}.owner"),
            )?;
            let target = js::string(
                &js::required(e, "target", &format!("{what}.target"))?,
                MAX_NAME_INPUT,
                &format!("{what}.target"),
            )?;
            let status = dnssec(
                &js::required(e, "status", &format!("{what}.status"))?,
                &format!("{what}.status"),
            )?;
            steps.push((owner, target, status));
        }
    }
    let first_lookup = js::optional(&js::get(options, "firstLookup")?, |v| {
        tlsa(v, "firstLookup")
    })?;
    let port = js::integer_or(&js::get(options, "port")?, 25, u32::from(u16::MAX), "port")?;
    let protocol = protocol(&js::get(options, "protocol")?)?;
    let chain: Vec<CnameStep<'_>> = steps
        .iter()
        .map(|(owner, target, status)| CnameStep {
            owner,
            target,
            status: *status,
        })
        .collect();
    let base = base_domain::candidates(&mx_host, &chain, addresses)
        .map_err(|e| Failure::new(e.code(), format!("tlsaBaseDomains: {e}")))?;
    Ok(TlsaBaseReport::new(
        &base,
        first_lookup,
        u16::try_from(port).unwrap_or(25),
        protocol,
    ))
}

/// `tlsaOwnerName(base, options?)`.
pub fn tlsa_owner_name(base: &JsValue, options: &JsValue) -> Result<String> {
    let base = js::string(base, MAX_NAME_INPUT, "base")?;
    let (port, protocol) = if js::absent(options) {
        (25, Protocol::Tcp)
    } else {
        (
            js::integer_or(&js::get(options, "port")?, 25, u32::from(u16::MAX), "port")?,
            protocol(&js::get(options, "protocol")?)?,
        )
    };
    let mut out = [0u8; 320];
    base_domain::tlsa_owner_name(u16::try_from(port).unwrap_or(25), protocol, &base, &mut out)
        .map(str::to_owned)
        .map_err(|e| Failure::new(e.code(), format!("base {base:?}: {e}")))
}
