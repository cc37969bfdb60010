//! From the JS values callers pass to Rust values, checked: the type, and
//! the size before anything is copied into wasm memory, so that no input
//! can exhaust the module's memory (a failed allocation would abort, and an
//! abort is a trap).

use js_sys::{Array, ArrayBuffer, Date, JsString, Reflect, Uint8Array};
use mxtrust_report::pem;
use wasm_bindgen::{JsCast, JsValue};

use crate::error::{Failure, Result, code};

/// Most elements read from any array argument.
pub const MAX_ARRAY_LEN: usize = 4096;

/// `obj[key]`, `undefined` when absent. A getter that throws is the
/// caller's mistake, reported as such.
pub fn get(obj: &JsValue, key: &str) -> Result<JsValue> {
    if !obj.is_object() {
        return Err(Failure::argument(format!(
            "expected an options object with '{key}'"
        )));
    }
    Reflect::get(obj, &JsValue::from_str(key))
        .map_err(|_| Failure::argument(format!("reading '{key}' threw")))
}

/// Whether a value is `undefined` or `null`.
pub fn absent(value: &JsValue) -> bool {
    value.is_undefined() || value.is_null()
}

/// `None` for an absent value, else what `read` makes of it.
pub fn optional<T>(value: &JsValue, read: impl FnOnce(&JsValue) -> Result<T>) -> Result<Option<T>> {
    if absent(value) {
        Ok(None)
    } else {
        read(value).map(Some)
    }
}

/// `obj[key]`, or an error naming it when absent.
pub fn required(obj: &JsValue, key: &str, what: &str) -> Result<JsValue> {
    let value = get(obj, key)?;
    if absent(&value) {
        return Err(Failure::argument(format!("{what} is required")));
    }
    Ok(value)
}

/// The octets of a Uint8Array (a Node Buffer is one), ArrayBuffer or
/// DataView-free typed input, at most `limit` of them.
pub fn bytes_of(value: &JsValue, limit: usize, what: &str) -> Result<Option<Vec<u8>>> {
    let array = if let Some(a) = value.dyn_ref::<Uint8Array>() {
        a.clone()
    } else if let Some(b) = value.dyn_ref::<ArrayBuffer>() {
        Uint8Array::new(b)
    } else {
        return Ok(None);
    };
    let len = usize::try_from(array.length()).unwrap_or(usize::MAX);
    if len > limit {
        return Err(too_large(what, limit));
    }
    Ok(Some(array.to_vec()))
}

fn too_large(what: &str, limit: usize) -> Failure {
    Failure::new(
        code::INPUT_TOO_LARGE,
        format!("{what} is larger than {limit} octets, the most it can be"),
    )
}

/// A JS string as UTF-8, refused when it could be longer than `limit`
/// octets. JS strings are UTF-16: a lone surrogate becomes U+FFFD.
pub fn string_of(value: &JsValue, limit: usize, what: &str) -> Result<Option<String>> {
    let Some(s) = value.dyn_ref::<JsString>() else {
        return Ok(None);
    };
    // One UTF-16 unit is at most 3 UTF-8 octets; check before copying.
    let units = usize::try_from(s.length()).unwrap_or(usize::MAX);
    if units > limit {
        return Err(too_large(what, limit));
    }
    let text = String::from(s);
    if text.len() > limit {
        return Err(too_large(what, limit));
    }
    Ok(Some(text))
}

/// A string argument.
pub fn string(value: &JsValue, limit: usize, what: &str) -> Result<String> {
    string_of(value, limit, what)?
        .ok_or_else(|| Failure::argument(format!("{what} must be a string")))
}

/// Text or octets (a string, Uint8Array or ArrayBuffer).
pub fn text_or_bytes(value: &JsValue, limit: usize, what: &str) -> Result<Vec<u8>> {
    if let Some(text) = string_of(value, limit, what)? {
        return Ok(text.into_bytes());
    }
    bytes_of(value, limit, what)?
        .ok_or_else(|| Failure::argument(format!("{what} must be a string or a Uint8Array")))
}

/// The first `limit` octets of text or octets, for inputs where a reader
/// judges "too large" itself (a policy body one octet past core's limit
/// is core's `too-large`, as the CLI reads it).
pub fn text_or_bytes_prefix(value: &JsValue, limit: usize, what: &str) -> Result<Vec<u8>> {
    if let Some(s) = value.dyn_ref::<JsString>() {
        let units = s.length();
        let cap = u32::try_from(limit).unwrap_or(u32::MAX);
        let s = if units > cap {
            s.slice(0, cap)
        } else {
            s.clone()
        };
        let mut bytes = String::from(&s).into_bytes();
        bytes.truncate(limit);
        return Ok(bytes);
    }
    let array = if let Some(a) = value.dyn_ref::<Uint8Array>() {
        a.clone()
    } else if let Some(b) = value.dyn_ref::<ArrayBuffer>() {
        Uint8Array::new(b)
    } else {
        return Err(Failure::argument(format!(
            "{what} must be a string or a Uint8Array"
        )));
    };
    let cap = u32::try_from(limit).unwrap_or(u32::MAX);
    let array = if array.length() > cap {
        array.subarray(0, cap)
    } else {
        array
    };
    Ok(array.to_vec())
}

/// The elements of an array argument, at most [`MAX_ARRAY_LEN`]. Read
/// through `Reflect`, so that a Proxy whose traps throw is the caller's
/// mistake (`invalid-argument`) rather than an exception unwinding through
/// the module.
pub fn array(value: &JsValue, what: &str) -> Result<Option<Vec<JsValue>>> {
    if !Array::is_array(value) {
        return Ok(None);
    }
    let unreadable = || Failure::argument(format!("reading {what} threw"));
    let len = Reflect::get(value, &JsValue::from_str("length"))
        .map_err(|_| unreadable())?
        .as_f64()
        .unwrap_or(0.0);
    // A JS array length is an integer below 2^32.
    if len > f64::from(u32::try_from(MAX_ARRAY_LEN).unwrap_or(u32::MAX)) {
        return Err(Failure::new(
            code::INPUT_TOO_LARGE,
            format!("{what} has more than {MAX_ARRAY_LEN} elements"),
        ));
    }
    let mut out = Vec::new();
    let mut i = 0u32;
    while f64::from(i) < len {
        out.push(Reflect::get_u32(value, i).map_err(|_| unreadable())?);
        i = i.saturating_add(1);
    }
    Ok(Some(out))
}

/// Certificates: PEM text (`s_client -showcerts` output too), DER octets
/// (one or several concatenated), or an array of either, as DER, in order.
pub fn certificates(value: &JsValue, limit: usize, what: &str) -> Result<Vec<Vec<u8>>> {
    if let Some(elements) = array(value, what)? {
        let mut out = Vec::new();
        let mut total = 0usize;
        for (i, element) in elements.iter().enumerate() {
            let name = format!("{what}[{i}]");
            let bytes = text_or_bytes(element, limit, &name)?;
            total = total.saturating_add(bytes.len());
            if total > limit {
                return Err(too_large(what, limit));
            }
            out.extend(pem::certificates(&bytes).map_err(|e| Failure::read(&name, &e))?);
        }
        if out.is_empty() {
            return Err(Failure::core(what, mxtrust::Error::EmptyChain));
        }
        return Ok(out);
    }
    let bytes = match string_of(value, limit, what)? {
        Some(text) => text.into_bytes(),
        None => bytes_of(value, limit, what)?.ok_or_else(|| {
            Failure::argument(format!(
                "{what} must be PEM text, DER octets (Uint8Array) or an array of them"
            ))
        })?,
    };
    pem::certificates(&bytes).map_err(|e| Failure::read(what, &e))
}

/// A boolean option, `default` when absent.
pub fn boolean(value: &JsValue, default: bool, what: &str) -> Result<bool> {
    if absent(value) {
        return Ok(default);
    }
    value
        .as_bool()
        .ok_or_else(|| Failure::argument(format!("{what} must be a boolean")))
}

/// An integer option in `0..=max`.
pub fn integer(value: &JsValue, max: u32, what: &str) -> Result<u32> {
    let n = value
        .as_f64()
        .ok_or_else(|| Failure::argument(format!("{what} must be a number")))?;
    if n.fract() != 0.0 || !(0.0..=f64::from(max)).contains(&n) {
        return Err(Failure::argument(format!(
            "{what} must be an integer from 0 to {max}"
        )));
    }
    // In range and integral, so the conversion is exact.
    #[allow(
        clippy::as_conversions,
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss
    )]
    Ok(n as u32)
}

/// An integer option in `0..=max`, `default` when absent.
pub fn integer_or(value: &JsValue, default: u32, max: u32, what: &str) -> Result<u32> {
    if absent(value) {
        Ok(default)
    } else {
        integer(value, max, what)
    }
}

/// A validation time: absent (now), Unix seconds (a number), a `Date`, or
/// text as the CLI's `--at` reads it (Unix seconds or RFC 3339).
pub fn time(value: &JsValue) -> Result<u64> {
    let invalid = |why: &str| Failure::new(code::INVALID_TIME, format!("time: {why}"));
    let seconds = if absent(value) {
        Date::now() / 1000.0
    } else if let Some(date) = value.dyn_ref::<Date>() {
        date.get_time() / 1000.0
    } else if let Some(n) = value.as_f64() {
        n
    } else if let Some(text) = string_of(value, 64, "time")? {
        return mxtrust_report::time::parse(text.trim()).map_err(|e| invalid(&e));
    } else {
        return Err(invalid("expected a Date, Unix seconds or RFC 3339 text"));
    };
    // 2^53: the largest integer a JS number holds exactly.
    if !seconds.is_finite() || !(0.0..=9_007_199_254_740_991.0).contains(&seconds) {
        return Err(invalid("not a time from 1970 on"));
    }
    // Finite, non-negative and below 2^53: floor() converts exactly.
    #[allow(
        clippy::as_conversions,
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss
    )]
    Ok(seconds.floor() as u64)
}

/// One string or an array of strings (each at most `limit` octets).
pub fn strings(value: &JsValue, limit: usize, what: &str) -> Result<Vec<String>> {
    if let Some(elements) = array(value, what)? {
        return elements
            .iter()
            .enumerate()
            .map(|(i, e)| string(e, limit, &format!("{what}[{i}]")))
            .collect();
    }
    if let Some(s) = string_of(value, limit, what)? {
        return Ok(vec![s]);
    }
    Err(Failure::argument(format!(
        "{what} must be a string or an array of strings"
    )))
}
