//! MTA-STS and TLSRPT: policy bodies, the STS certificate check, and the
//! `_mta-sts` and `_smtp._tls` TXT records.

use mxtrust::decision::StsState;
use mxtrust::name::ReferenceId;
use mxtrust::policy::Mode;
use mxtrust_report::pem;
use mxtrust_report::policy::{self, PolicyReport};
use mxtrust_report::sts_check::{self, StsCheck, StsCheckReport, TrustAnchorSource};
use mxtrust_report::txt::{self, Rrset, TxtReport};
use wasm_bindgen::JsValue;

use crate::error::{Failure, Result, code};
use crate::{dane, js};

/// A policy body as core judges it: at most one octet past its limit, so
/// that a longer body is core's `too-large` (as the CLI reads a file).
fn body(value: &JsValue, what: &str) -> Result<Vec<u8>> {
    js::text_or_bytes_prefix(
        value,
        mxtrust::limits::MAX_POLICY_LEN.saturating_add(1),
        what,
    )
}

/// Longest host name read.
const MAX_HOST_INPUT: usize = 1024;

/// `parsePolicy(text, mx?)`.
pub fn parse_policy(text: &JsValue, mx: &JsValue) -> Result<PolicyReport> {
    let body = body(text, "text")?;
    let hosts = if js::absent(mx) {
        Vec::new()
    } else {
        js::strings(mx, MAX_HOST_INPUT, "mx")?
    };
    Ok(PolicyReport::new(&body, &hosts))
}

/// `policyAllowsMx(policyText, mx)`.
pub fn policy_allows_mx(text: &JsValue, mx: &JsValue) -> Result<bool> {
    let body = body(text, "policyText")?;
    let mx = js::string(mx, MAX_HOST_INPUT, "mx")?;
    let (parsed, _) = policy::parse(&body);
    let policy = parsed.map_err(|e| Failure::policy("policyText", &e))?;
    Ok(policy.allows_mx(mx.as_bytes()))
}

/// `mxStsState(policy, mxHost)`: core's `StsState::of`, as `decide`'s
/// `sts` takes it; an absent or invalid policy is no policy (RFC 8461 §5).
pub fn mx_sts_state(text: &JsValue, mx: &JsValue) -> Result<serde_json::Value> {
    let mx = js::string(mx, MAX_HOST_INPUT, "mxHost")?;
    let body = js::optional(text, |t| body(t, "policy"))?;
    let parsed = body.as_deref().map(|b| policy::parse(b).0);
    let policy = parsed.as_ref().and_then(|p| p.as_ref().ok());
    Ok(match StsState::of(policy, mx.as_bytes()) {
        StsState::NoPolicy => serde_json::json!("no-policy"),
        StsState::None => serde_json::json!({ "mode": Mode::None.as_str() }),
        StsState::Enforce { mx_allowed } => {
            serde_json::json!({ "mode": Mode::Enforce.as_str(), "mxAllowed": mx_allowed })
        }
        StsState::Testing { mx_allowed } => {
            serde_json::json!({ "mode": Mode::Testing.as_str(), "mxAllowed": mx_allowed })
        }
    })
}

/// `checkSts({policy, chain, mx, roots, time?})`.
pub fn check(options: &JsValue) -> Result<StsCheckReport> {
    let policy = body(&js::required(options, "policy", "policy")?, "policy")?;
    let mx = js::string(&js::required(options, "mx", "mx")?, MAX_HOST_INPUT, "mx")?;
    ReferenceId::host(&mx).map_err(|e| Failure::core(&format!("mx {mx:?}"), e))?;
    let chain = js::certificates(
        &js::required(options, "chain", "chain")?,
        pem::MAX_CHAIN_INPUT_LEN,
        "chain",
    )?;
    // A browser has no root store: the caller always says which roots.
    let roots = js::required(
        options,
        "roots",
        "roots (PEM or DER certificates; a public set is in \"mxtrust/roots\")",
    )?;
    let time = js::time(&js::get(options, "time")?)?;
    let needed = sts_check::needs_trust_anchors(&policy);
    let ders = if needed {
        js::certificates(&roots, pem::MAX_TRUST_ANCHORS_INPUT_LEN, "roots")?
    } else {
        Vec::new()
    };
    let anchors = dane::trust_anchors(&ders, "roots")?;
    if needed && anchors.is_empty() {
        return Err(Failure::new(
            code::NO_TRUST_ANCHORS,
            "roots: no certificate usable as a trust anchor",
        ));
    }
    let source = TrustAnchorSource {
        file: "roots".to_owned(),
        count: anchors.len(),
        skipped: 0,
    };
    sts_check::check(&StsCheck {
        policy: &policy,
        chain: &chain,
        mx: &mx,
        trust_anchors: &anchors,
        trust_anchor_source: needed.then_some(&source),
        time,
        algorithms: dane::ALGORITHMS,
    })
    .map_err(|e| Failure::core("checkSts", e))
}

/// Longest TXT input in octets: a whole DNS message.
const MAX_TXT_INPUT: usize = 65_535;

/// A TXT RRset: a string (one record), an array of strings (one record
/// each; a string that starts with `"` is read as `dig` prints TXT data,
/// one record per line, as `mxtrust sts-record` reads its arguments), or
/// an array of arrays (each record's character-strings, as a DNS library
/// returns them).
fn rrset(value: &JsValue) -> Result<Rrset> {
    let Some(elements) = js::array(value, "txt")? else {
        let text = js::string_of(value, MAX_TXT_INPUT, "txt")?.ok_or_else(|| {
            Failure::argument(
                "txt must be a string, an array of strings or an array of arrays of strings",
            )
        })?;
        return quoted(&[text]);
    };
    if elements.iter().all(|e| e.as_string().is_some()) {
        let strings = js::strings(value, MAX_TXT_INPUT, "txt")?;
        let total: usize = strings.iter().map(String::len).sum();
        if total > MAX_TXT_INPUT {
            return Err(Failure::new(
                code::INPUT_TOO_LARGE,
                "txt is larger than a DNS message",
            ));
        }
        return quoted(&strings);
    }
    let mut total = 0usize;
    let mut records = Vec::new();
    for (i, element) in elements.iter().enumerate() {
        let what = format!("txt[{i}]");
        let strings = js::array(element, &what)?.ok_or_else(|| {
            Failure::argument(format!("{what} must be an array of character-strings"))
        })?;
        let mut record = Vec::new();
        for (j, s) in strings.iter().enumerate() {
            let what = format!("txt[{i}][{j}]");
            let bytes = js::text_or_bytes(s, MAX_TXT_INPUT, &what)?;
            total = total.saturating_add(bytes.len());
            if total > MAX_TXT_INPUT {
                return Err(Failure::new(
                    code::INPUT_TOO_LARGE,
                    "txt is larger than a DNS message",
                ));
            }
            record.push(bytes);
        }
        records.push(record);
    }
    Ok(records)
}

fn quoted(strings: &[String]) -> Result<Rrset> {
    txt::rrset(strings).map_err(|(n, e)| Failure {
        code: e.kind.code(),
        message: match e.line {
            Some(line) if line > 1 => {
                format!("txt[{}], line {line}: {}", n.saturating_sub(1), e.kind)
            }
            _ => format!("txt[{}]: {}", n.saturating_sub(1), e.kind),
        },
        line: e.line,
    })
}

/// `parseStsRecord(txt)`.
pub fn sts_record(value: &JsValue) -> Result<TxtReport> {
    txt::sts_report(&rrset(value)?).map_err(|e| Failure::core("parseStsRecord", e))
}

/// `parseTlsrptRecord(txt)`.
pub fn tlsrpt_record(value: &JsValue) -> Result<TxtReport> {
    txt::tlsrpt_report(&rrset(value)?).map_err(|e| Failure::core("parseTlsrptRecord", e))
}
