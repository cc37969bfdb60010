//! `planDaneRollover` and `planStsRollover`: the plan documents of
//! `mxtrust rollover dane|sts --json`, from inputs as a developer has them.

use mxtrust::rollover::StsChange;
use mxtrust_report::pem;
use mxtrust_report::rollover::{self, DaneInputs, PlanError, PlanReport, StsInputs};
use wasm_bindgen::JsValue;

use crate::dane::ALGORITHMS;
use crate::error::{Failure, Result};
use crate::js;

const MAX_NAME_INPUT: usize = 1024;

fn plan_error(e: PlanError) -> Failure {
    Failure::new(e.code(), e.to_string())
}

/// `planDaneRollover({tlsa, chain, next: {chain} | {publicKey} | {csr},
/// names, ttl?, publishedAt?, negativeTtl?, to?, time?, port?})`.
pub fn plan_dane(options: &JsValue) -> Result<PlanReport> {
    let names = js::strings(
        &js::required(options, "names", "names")?,
        MAX_NAME_INPUT,
        "names",
    )?;
    let port = js::integer_or(&js::get(options, "port")?, 25, u32::from(u16::MAX), "port")?;
    let tlsa_name = mxtrust_report::tlsa_text::tlsa_name(
        u16::try_from(port).unwrap_or(25),
        mxtrust::base_domain::Protocol::Tcp,
        names.first().map_or("", String::as_str),
    );
    let (records, _) =
        crate::dane::records(&js::required(options, "tlsa", "tlsa")?, &tlsa_name, false)?;
    let current = js::certificates(
        &js::required(options, "chain", "chain")?,
        pem::MAX_CHAIN_INPUT_LEN,
        "chain",
    )?;
    let next = js::required(options, "next", "next")?;
    let next_chain = js::optional(&js::get(&next, "chain")?, |v| {
        js::certificates(v, pem::MAX_CHAIN_INPUT_LEN, "next.chain")
    })?;
    let next_key = if next_chain.is_some() {
        None
    } else {
        let csr = js::get(&next, "csr")?;
        let (value, what, labels): (_, _, &[&'static str]) = if js::absent(&csr) {
            (
                js::get(&next, "publicKey")?,
                "next.publicKey",
                &["PUBLIC KEY"],
            )
        } else {
            (
                csr,
                "next.csr",
                &["CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST"],
            )
        };
        if js::absent(&value) {
            return Err(plan_error(PlanError::NoNext));
        }
        let bytes = js::text_or_bytes(&value, pem::MAX_OBJECT_INPUT_LEN, what)?;
        let (label, der) = pem::object(&bytes, labels).map_err(|e| Failure::read(what, &e))?;
        Some(if label.contains("REQUEST") {
            mxtrust::csr::spki_of(&der)
                .map_err(|e| Failure::core("next.csr: not a PKCS#10 certificate request", e))?
                .to_vec()
        } else {
            der
        })
    };
    let optional = |key: &str| -> Result<Option<u32>> {
        js::optional(&js::get(options, key)?, |v| js::integer(v, u32::MAX, key))
    };
    let published_at = js::optional(&js::get(options, "publishedAt")?, js::time)?;
    let to_value = js::get(options, "to")?;
    let to = if js::absent(&to_value) {
        Vec::new()
    } else {
        js::strings(&to_value, 16, "to")?
            .iter()
            .map(|k| rollover::kind(k).map_err(plan_error))
            .collect::<Result<Vec<_>>>()?
    };
    rollover::plan_dane(&DaneInputs {
        records: &records,
        ttl: optional("ttl")?,
        published_at,
        negative_ttl: optional("negativeTtl")?,
        current: &current,
        next_chain: next_chain.as_deref(),
        next_key: next_key.as_deref(),
        to: &to,
        names: &names,
        algorithms: ALGORITHMS,
        now: js::time(&js::get(options, "time")?)?,
    })
    .map_err(plan_error)
}

/// `planStsRollover({policy, id, nextPolicy, nextId?, mxNow, mxNext,
/// mxTtl?, time?})`.
pub fn plan_sts(options: &JsValue) -> Result<PlanReport> {
    let limit = mxtrust::limits::MAX_POLICY_LEN;
    let policy = js::text_or_bytes(&js::required(options, "policy", "policy")?, limit, "policy")?;
    let next_policy = js::text_or_bytes(
        &js::required(options, "nextPolicy", "nextPolicy")?,
        limit,
        "nextPolicy",
    )?;
    let id = js::string(&js::required(options, "id", "id")?, 64, "id")?;
    let next_id = js::optional(&js::get(options, "nextId")?, |v| {
        js::string(v, 64, "nextId")
    })?;
    let mx_now = js::strings(
        &js::required(options, "mxNow", "mxNow")?,
        MAX_NAME_INPUT,
        "mxNow",
    )?;
    let mx_next = js::strings(
        &js::required(options, "mxNext", "mxNext")?,
        MAX_NAME_INPUT,
        "mxNext",
    )?;
    let mx_ttl = js::integer_or(
        &js::get(options, "mxTtl")?,
        StsChange::DEFAULT_MX_TTL,
        u32::MAX,
        "mxTtl",
    )?;
    rollover::plan_sts(&StsInputs {
        policy: &policy,
        id: &id,
        next_policy: &next_policy,
        next_id: next_id.as_deref(),
        mx_now: &mx_now,
        mx_next: &mx_next,
        mx_ttl,
        now: js::time(&js::get(options, "time")?)?,
    })
    .map_err(plan_error)
}
