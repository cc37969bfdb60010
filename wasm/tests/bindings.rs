//! The bindings under Node (wasm-bindgen-test-runner): JS values in, the
//! documents and errors out, through the exported Rust functions. The
//! package as a user imports it is tested by wasm/test/*.test.mjs.
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Reflect, Uint8Array};
use mxtrust_wasm::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_node_experimental);

const RSA_CHAIN: &str = include_str!("../../examples/rsa-chain.pem");
const RSA_TLSA: &str = include_str!("../../examples/rsa.tlsa");
const POLICY: &str = include_str!("../../examples/mta-sts.txt");

fn object(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = js_sys::Object::new();
    for (k, v) in pairs {
        Reflect::set(&o, &JsValue::from_str(k), v).unwrap();
    }
    o.into()
}

fn field(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &JsValue::from_str(key)).unwrap()
}

fn code_of(error: JsValue) -> String {
    field(&error, "code").as_string().unwrap()
}

#[wasm_bindgen_test]
fn dane_report_from_pem_and_zone_text() {
    let report = verify_dane(object(&[
        ("chain", RSA_CHAIN.into()),
        ("tlsa", RSA_TLSA.into()),
        ("names", "mx.example.test".into()),
        ("time", "2026-11-28T13:00:00Z".into()),
    ]))
    .unwrap();
    assert_eq!(
        field(&report, "outcome").as_string().unwrap(),
        "authenticated"
    );
    assert_eq!(field(&report, "time").as_f64().unwrap(), 1_795_870_800.0);
    let records: Array = field(&report, "records").into();
    assert_eq!(records.length(), 2);
    assert_eq!(
        field(&records.get(0), "source").as_string().unwrap(),
        "tlsa:5"
    );
}

#[wasm_bindgen_test]
fn errors_are_mxtrust_errors_with_codes_and_lines() {
    let e = verify_dane(object(&[
        ("chain", RSA_CHAIN.into()),
        ("tlsa", "3 1 1 zz".into()),
        ("names", "mx.example.test".into()),
    ]))
    .unwrap_err();
    assert_eq!(code_of(e.clone()), "invalid-hex");
    assert_eq!(field(&e, "line").as_f64(), Some(1.0));
    assert_eq!(field(&e, "name").as_string().unwrap(), "MxtrustError");
    assert!(e.is_instance_of::<js_sys::Error>());
    let e = verify_dane(JsValue::from(5)).unwrap_err();
    assert_eq!(code_of(e), "invalid-argument");
    let e = verify_dane(object(&[
        ("chain", Uint8Array::from(&[1u8, 2, 3][..]).into()),
        ("tlsa", "3 1 1 00".into()),
        ("names", "mx.example.test".into()),
    ]))
    .unwrap_err();
    assert_eq!(code_of(e), "not-pem-or-der");
}

#[wasm_bindgen_test]
fn oversized_inputs_are_refused_before_they_are_copied() {
    let huge = Uint8Array::new_with_length(64 << 20);
    let e = verify_dane(object(&[
        ("chain", huge.into()),
        ("tlsa", "3 1 1 00".into()),
        ("names", "mx.example.test".into()),
    ]))
    .unwrap_err();
    assert_eq!(code_of(e), "input-too-large");
}

#[wasm_bindgen_test]
fn policy_functions() {
    let report = parse_policy(POLICY.into(), "mx.example.test".into()).unwrap();
    assert_eq!(field(&report, "valid").as_bool(), Some(true));
    assert!(policy_allows_mx(POLICY.into(), "a.backup.example.test".into()).unwrap());
    let e = policy_allows_mx("version: STSv1\nmode: strict\n".into(), "x".into()).unwrap_err();
    assert_eq!(code_of(e.clone()), "invalid-mode");
    assert_eq!(field(&e, "line").as_f64(), Some(2.0));
}

#[wasm_bindgen_test]
fn times_in_every_form() {
    for time in [
        JsValue::from(1_795_870_800),
        JsValue::from("1795870800"),
        js_sys::Date::new(&JsValue::from(1_795_870_800_000.0)).into(),
    ] {
        let report = verify_dane(object(&[
            ("chain", RSA_CHAIN.into()),
            ("tlsa", RSA_TLSA.into()),
            ("names", "mx.example.test".into()),
            ("time", time),
        ]))
        .unwrap();
        assert_eq!(field(&report, "time").as_f64().unwrap(), 1_795_870_800.0);
    }
    let e = verify_dane(object(&[
        ("chain", RSA_CHAIN.into()),
        ("tlsa", RSA_TLSA.into()),
        ("names", "mx.example.test".into()),
        ("time", JsValue::from(-1)),
    ]))
    .unwrap_err();
    assert_eq!(code_of(e), "invalid-time");
}

#[wasm_bindgen_test]
fn cache_round_trip() {
    let key = Uint8Array::from(&[7u8; 16][..]);
    let mut cache =
        PolicyCache::new(object(&[("capacity", 4.into()), ("key", key.into())])).unwrap();
    cache
        .store(
            "example.test".into(),
            "1".into(),
            POLICY.into(),
            1000.into(),
        )
        .unwrap();
    let image = cache.export().unwrap();
    let mut other = PolicyCache::new(JsValue::UNDEFINED).unwrap();
    other.import(image.into()).unwrap();
    let found = other.lookup("Example.Test.".into(), 2000.into()).unwrap();
    assert_eq!(field(&found, "status").as_string().unwrap(), "fresh");
    let e = other
        .import(Uint8Array::from(&b"MXSC\x02"[..]).into())
        .unwrap_err();
    assert_eq!(code_of(e), "cache-image-corrupt");
}
