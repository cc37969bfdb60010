//! `verifyDane`, `parseTlsa` and `generateTlsa`: DANE inputs as a developer
//! has them, to the report documents of `mxtrust-report`.

use mxtrust::base_domain::Protocol;
use mxtrust::name::ReferenceId;
use mxtrust::tlsa::DigestPreference;
use mxtrust::{
    CertUsage, MatchingType, Selector, SignatureVerificationAlgorithm, Tlsa, TrustAnchor,
};
use mxtrust_report::dane::{self, Check};
use mxtrust_report::pem;
use mxtrust_report::tlsa_gen::{self, KeyError, KeySource, Request};
use mxtrust_report::tlsa_text::{self, Ignored, ReadOptions, Record, RecordsReport};
use wasm_bindgen::JsValue;

use crate::error::{Failure, Result, code};
use crate::js;

/// Every ring algorithm, RSA included (rustls-webpki's `alloc` feature is
/// on in this crate), as the CLI has them.
#[cfg(not(any(mxtrust_wasm_size = "no-rsa", mxtrust_wasm_size = "no-signatures")))]
pub static ALGORITHMS: &[&dyn SignatureVerificationAlgorithm] =
    mxtrust::ring_algorithms_with_rsa!();

// Size variants, built only by `benches/run.sh --wasm` to say what the
// signature algorithms cost in the .wasm (never shipped): without RSA, and
// without any algorithm (DANE-TA and STS chains then fail to verify).
#[cfg(mxtrust_wasm_size = "no-rsa")]
pub static ALGORITHMS: &[&dyn SignatureVerificationAlgorithm] = mxtrust::algorithms::RING;
#[cfg(mxtrust_wasm_size = "no-signatures")]
pub static ALGORITHMS: &[&dyn SignatureVerificationAlgorithm] = &[];

/// The longest name, protocol label or record string read.
const MAX_NAME_INPUT: usize = 1024;

/// `verifyDane(options)`: the DANE report document.
pub fn verify(options: &JsValue) -> Result<dane::Report> {
    let names = js::strings(
        &js::required(options, "names", "names")?,
        MAX_NAME_INPUT,
        "names",
    )?;
    if names.is_empty() {
        return Err(Failure::core("names", mxtrust::Error::NoReferenceIds));
    }
    for (i, name) in names.iter().enumerate() {
        ReferenceId::new(name).map_err(|e| Failure::core(&format!("names[{i}] {name:?}"), e))?;
    }
    let port = js::integer_or(&js::get(options, "port")?, 25, u32::from(u16::MAX), "port")?;
    let port = u16::try_from(port).unwrap_or(25);
    let proto = protocol_label(&js::get(options, "proto")?, "proto")?;
    let tlsa_name = tlsa_text::tlsa_name(port, proto, names.first().map_or("", String::as_str));
    let dnssec_unchecked = js::boolean(
        &js::get(options, "dnssecUnchecked")?,
        false,
        "dnssecUnchecked",
    )?;
    let chain = js::certificates(
        &js::required(options, "chain", "chain")?,
        pem::MAX_CHAIN_INPUT_LEN,
        "chain",
    )?;
    let (records, ignored) = records(
        &js::required(options, "tlsa", "tlsa")?,
        &tlsa_name,
        dnssec_unchecked,
    )?;
    if records.is_empty() {
        return Err(Failure::new(
            code::NO_TLSA_RECORDS,
            format!(
                "tlsa: {}",
                tlsa_text::no_records_reason(&tlsa_name, &ignored)
            ),
        ));
    }
    let generic = match js::get(options, "profile")?.as_string().as_deref() {
        None if js::absent(&js::get(options, "profile")?) => false,
        Some("smtp") => false,
        Some("generic") => true,
        _ => return Err(Failure::argument("profile must be \"smtp\" or \"generic\"")),
    };
    let anchors_value = js::get(options, "trustAnchors")?;
    let anchor_ders = match (js::absent(&anchors_value), generic) {
        (true, _) => Vec::new(),
        (false, true) => js::certificates(
            &anchors_value,
            pem::MAX_TRUST_ANCHORS_INPUT_LEN,
            "trustAnchors",
        )?,
        (false, false) => {
            return Err(Failure::argument(
                "trustAnchors is used only with profile \"generic\"",
            ));
        }
    };
    let anchors = trust_anchors(&anchor_ders, "trustAnchors")?;
    let anchor_certificates: Vec<&[u8]> = anchor_ders.iter().map(Vec::as_slice).collect();
    let time = js::time(&js::get(options, "time")?)?;
    let digest_preference = digest_preference(&js::get(options, "digestPreference")?)?;
    let ee_name_checks = js::boolean(&js::get(options, "eeNameChecks")?, false, "eeNameChecks")?;
    dane::check(&Check {
        chain: &chain,
        records: &records,
        names: &names,
        tlsa_name: &tlsa_name,
        ignored: &ignored,
        time,
        generic_trust_anchors: generic.then_some((&anchors, &anchor_certificates)),
        digest_preference,
        ee_name_checks,
        algorithms: ALGORITHMS,
    })
    .map_err(|e| Failure::core("verifyDane", e))
}

/// `proto`: `tcp` (the default), `udp` or `sctp`, core's rule.
pub fn protocol_label(value: &JsValue, what: &str) -> Result<Protocol> {
    if js::absent(value) {
        return Ok(Protocol::Tcp);
    }
    tlsa_text::protocol(&js::string(value, 8, what)?)
        .map_err(|e| Failure::argument(format!("{what}: {e}")))
}

/// Trust anchors from DER certificates, each one usable (as the CLI reads
/// a `--trust-anchors` file the user chose).
pub fn trust_anchors<'a>(ders: &'a [Vec<u8>], what: &str) -> Result<Vec<TrustAnchor<'a>>> {
    ders.iter()
        .enumerate()
        .map(|(i, der)| {
            mxtrust::cert::Certificate::parse(der)
                .and_then(|cert| cert.trust_anchor())
                .map_err(|e| {
                    Failure::new(
                        code::INVALID_TRUST_ANCHOR,
                        format!(
                            "{what}: certificate {} is not usable as a trust anchor: {e}",
                            i.saturating_add(1)
                        ),
                    )
                })
        })
        .collect()
}

fn digest_preference(value: &JsValue) -> Result<DigestPreference> {
    if js::absent(value) {
        return Ok(DigestPreference::default());
    }
    let names: Vec<String> = match js::array(value, "digestPreference")? {
        Some(_) => js::strings(value, 16, "digestPreference")?,
        None => js::string(value, 64, "digestPreference")?
            .split(',')
            .map(str::to_owned)
            .collect(),
    };
    dane::digest_preference(names.iter().map(String::as_str))
        .map_err(|why| Failure::argument(format!("digestPreference: {why}")))
}

/// TLSA input: text (`U S M HEX` lines, zone lines, `dig` output), or an
/// array whose elements are one record each: a string as `--tlsa` takes
/// it, wire RDATA (Uint8Array), or `{usage, selector, matchingType, data}`.
pub(crate) fn records(
    value: &JsValue,
    tlsa_name: &str,
    dnssec_unchecked: bool,
) -> Result<(Vec<Record>, Vec<Ignored>)> {
    if let Some(elements) = js::array(value, "tlsa")? {
        let records = elements
            .iter()
            .enumerate()
            .map(|(i, e)| record(e, format!("tlsa[{i}]")))
            .collect::<Result<Vec<_>>>()?;
        return Ok((records, Vec::new()));
    }
    if let Some(text) = js::string_of(value, tlsa_text::MAX_INPUT_LEN, "tlsa")? {
        let file = tlsa_text::records(
            &text,
            &ReadOptions {
                name: "tlsa",
                tlsa_name,
                dnssec_unchecked,
            },
        )
        .map_err(|e| Failure::read("tlsa", &e))?;
        return Ok((file.records, file.ignored));
    }
    if value.is_object() {
        return Ok((vec![record(value, "tlsa".to_owned())?], Vec::new()));
    }
    Err(Failure::argument(
        "tlsa must be text, an array of records, or a record object",
    ))
}

/// One record: presentation text, wire RDATA, or an object of fields.
fn record(value: &JsValue, source: String) -> Result<Record> {
    if let Some(text) = js::string_of(value, MAX_TLSA_TEXT, &source)? {
        return Record::parse(&text, source.clone()).map_err(|e| Failure::core(&source, e));
    }
    if let Some(rdata) = js::bytes_of(value, MAX_TLSA_RDATA, &source)? {
        let tlsa = Tlsa::from_rdata(&rdata).map_err(|e| Failure::core(&source, e))?;
        return Ok(Record::new(&tlsa, source));
    }
    if !value.is_object() {
        return Err(Failure::argument(format!(
            "{source} must be record text, RDATA octets or {{usage, selector, matchingType, data}}"
        )));
    }
    let field = |key: &str| -> Result<u8> {
        let n = js::integer(
            &js::required(value, key, &format!("{source}.{key}"))?,
            255,
            &format!("{source}.{key}"),
        )?;
        Ok(u8::try_from(n).unwrap_or(u8::MAX))
    };
    let usage = field("usage")?;
    let selector = field("selector")?;
    let matching_type = field("matchingType")?;
    let data_value = js::required(value, "data", &format!("{source}.data"))?;
    let data = if let Some(hex) = js::string_of(&data_value, MAX_TLSA_TEXT, &source)? {
        let mut storage = vec![0u8; hex.len() / 2 + 1];
        let text = format!("{usage} {selector} {matching_type} {hex}");
        let tlsa = Tlsa::parse_text(&text, &mut storage).map_err(|e| Failure::core(&source, e))?;
        tlsa.data.to_vec()
    } else {
        js::bytes_of(
            &data_value,
            mxtrust::limits::MAX_TLSA_DATA_LEN,
            &format!("{source}.data"),
        )?
        .ok_or_else(|| {
            Failure::argument(format!("{source}.data must be hex text or a Uint8Array"))
        })?
    };
    let tlsa = Tlsa {
        usage: CertUsage::from(usage),
        selector: Selector::from(selector),
        matching_type: MatchingType::from(matching_type),
        data: &data,
    };
    Ok(Record::new(&tlsa, source))
}

/// Longest text of one record: the largest data in hex and a zone line's
/// owner, TTL and class.
const MAX_TLSA_TEXT: usize = mxtrust::limits::MAX_TLSA_DATA_LEN * 2 + 4096;
/// Longest RDATA: three octets and the largest data.
const MAX_TLSA_RDATA: usize = mxtrust::limits::MAX_TLSA_DATA_LEN + 3;

/// `parseTlsa(text, options?)`: the records of TLSA text as a document.
pub fn parse(text: &JsValue, options: &JsValue) -> Result<RecordsReport> {
    let text = js::string(text, tlsa_text::MAX_INPUT_LEN, "text")?;
    let (name, port, proto, dnssec_unchecked) = if js::absent(options) {
        (None, 25, Protocol::Tcp, false)
    } else {
        let name = js::get(options, "name")?;
        let name = if js::absent(&name) {
            None
        } else {
            let name = js::string(&name, MAX_NAME_INPUT, "name")?;
            ReferenceId::new(&name).map_err(|e| Failure::core(&format!("name {name:?}"), e))?;
            Some(name)
        };
        let port = js::integer_or(&js::get(options, "port")?, 25, u32::from(u16::MAX), "port")?;
        (
            name,
            u16::try_from(port).unwrap_or(25),
            protocol_label(&js::get(options, "proto")?, "proto")?,
            js::boolean(
                &js::get(options, "dnssecUnchecked")?,
                false,
                "dnssecUnchecked",
            )?,
        )
    };
    let tlsa_name = name
        .map(|n| tlsa_text::tlsa_name(port, proto, &n))
        .unwrap_or_default();
    let file = tlsa_text::records(
        &text,
        &ReadOptions {
            name: "tlsa",
            tlsa_name: &tlsa_name,
            dnssec_unchecked,
        },
    )
    .map_err(|e| Failure::read("tlsa", &e))?;
    Ok(RecordsReport::new(&file))
}

/// `generateTlsa(options)`: the records to publish.
pub fn generate(options: &JsValue) -> Result<Vec<tlsa_gen::Generated>> {
    let chain = js::get(options, "chain")?;
    let public_key = js::get(options, "publicKey")?;
    let csr = js::get(options, "csr")?;
    let given = [&chain, &public_key, &csr]
        .iter()
        .filter(|v| !js::absent(v))
        .count();
    if given != 1 {
        return Err(Failure::argument(
            "generateTlsa: give exactly one of chain, publicKey and csr",
        ));
    }
    let usage = js::get(options, "usage")?;
    let usage = if js::absent(&usage) {
        None
    } else {
        Some(CertUsage::from(
            u8::try_from(js::integer(&usage, 3, "usage")?).unwrap_or(3),
        ))
    };
    let selector = js::integer_or(&js::get(options, "selector")?, 1, 255, "selector")?;
    let matching_type = js::integer_or(&js::get(options, "matchingType")?, 1, 255, "matchingType")?;
    let owner = owner(options)?;
    let request = Request {
        usage,
        selector: Selector::from(u8::try_from(selector).unwrap_or(u8::MAX)),
        matching_type: MatchingType::from(u8::try_from(matching_type).unwrap_or(u8::MAX)),
        owner: owner.as_deref(),
    };
    if !js::absent(&chain) {
        let certificates = js::certificates(&chain, pem::MAX_CHAIN_INPUT_LEN, "chain")?;
        return tlsa_gen::for_chain(&certificates, &request).map_err(|(depth, e)| {
            Failure::core(&format!("chain: certificate at depth {depth}"), e)
        });
    }
    let (value, source, what) = if js::absent(&csr) {
        (&public_key, KeySource::PublicKey, "publicKey")
    } else {
        (&csr, KeySource::Request, "csr")
    };
    let bytes = js::text_or_bytes(value, pem::MAX_OBJECT_INPUT_LEN, what)?;
    let spki = tlsa_gen::key_spki(&bytes, source).map_err(|e| match e {
        KeyError::Read(e) => Failure::read(what, &e),
        KeyError::NotARequest(e) => {
            Failure::core("csr: not a PKCS#10 certificate request (RFC 2986)", e)
        }
    })?;
    if request.selector != Selector::Spki {
        return Err(Failure::core(
            &format!("{what} {}", tlsa_gen::KEY_SELECTOR_ONLY),
            mxtrust::Error::UnsupportedParameter,
        ));
    }
    tlsa_gen::for_key(&spki, source, &request)
        .map(|g| vec![g])
        .map_err(|e| Failure::core(what, e))
}

/// The owner of zone lines: `owner`, or `_PORT._PROTO.HOST` from `host`.
fn owner(options: &JsValue) -> Result<Option<String>> {
    let owner = js::get(options, "owner")?;
    let host = js::get(options, "host")?;
    let owner = match (js::absent(&owner), js::absent(&host)) {
        (true, true) => return Ok(None),
        (false, false) => return Err(Failure::argument("give owner or host, not both")),
        (false, true) => js::string(&owner, MAX_NAME_INPUT, "owner")?,
        (true, false) => {
            let host = js::string(&host, MAX_NAME_INPUT, "host")?;
            let port = js::integer_or(&js::get(options, "port")?, 25, u32::from(u16::MAX), "port")?;
            let proto = protocol_label(&js::get(options, "proto")?, "proto")?;
            tlsa_text::tlsa_name(u16::try_from(port).unwrap_or(25), proto, &host)
        }
    };
    ReferenceId::new(&owner).map_err(|e| Failure::core(&format!("owner {owner:?}"), e))?;
    Ok(Some(owner))
}
