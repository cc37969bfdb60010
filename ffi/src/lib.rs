//! libmxtrust: the C API of mxtrust.
//!
//! This crate is a thin translation of the `mxtrust` core into C types. It
//! holds no validation rule of its own: every decision is made by the core,
//! and this crate only converts C arguments into core inputs and core results
//! into C values. The header `include/mxtrust.h` is generated from this crate
//! by cbindgen; the doc comments here become its C comments.
//!
//! # Conventions
//!
//! - Every function returns a [`mxtrust_result`] (except the string and
//!   version functions, which return the core's static strings as
//!   [`mxtrust_str`], and the cache size queries). Result values are
//!   numbered explicitly and never reused.
//! - Text the library returns is one copy: the core's `&'static str`, handed
//!   to C as pointer and length ([`mxtrust_str`], as rustls-ffi's
//!   `rustls_str`), never a NUL-terminated duplicate kept here.
//! - Every pointer is checked: NULL gives `MXTRUST_RESULT_NULL_PARAMETER`. A
//!   pointer paired with a length may be NULL when that length is 0.
//! - Outputs are written only when the function returns `MXTRUST_RESULT_OK`;
//!   the only exceptions are the `out_needed` parameters, written only with
//!   `MXTRUST_RESULT_INSUFFICIENT_SIZE`, and `out_line`, written only with a
//!   `MXTRUST_RESULT_POLICY_*` result. There are no in/out parameters.
//! - The library never allocates memory the caller sees: inputs are borrowed
//!   for the duration of the call, and outputs go into storage the caller
//!   provides. Outputs that point into inputs (TLSA data, `mx` patterns,
//!   report URIs) are valid as long as those inputs are.
//! - Text inputs must be UTF-8 (`MXTRUST_RESULT_INVALID_UTF8` otherwise). A
//!   length above `PTRDIFF_MAX` gives `MXTRUST_RESULT_LENGTH_TOO_LARGE`; the
//!   core's own limits (chain length, record count, policy size) give their
//!   own results.
//! - No panic unwinds into C: every entry point runs under
//!   `std::panic::catch_unwind` and a panic becomes `MXTRUST_RESULT_PANIC`
//!   (or a static fallback text for the string functions).
//! - Nothing is global or thread-local; functions on different objects may
//!   run concurrently. A policy cache must not be used from two threads at
//!   once without a lock.
//!
//! # Layout
//!
//! A function lives in the file of the type its name starts with, which is
//! the file of the core module it translates: `mxtrust_tlsa_*` and
//! `mxtrust_unusable_*` in `tlsa.rs`, `mxtrust_tlsrpt_*` in `tlsrpt.rs`,
//! `mxtrust_sts_*` in `sts.rs` (but `mxtrust_sts_mode_*` with the policy
//! mode in `policy.rs`), `mxtrust_policy_*` and `mxtrust_mx_pattern_*` in
//! `policy.rs`, `mxtrust_policy_cache_*` in `cache.rs`, `mxtrust_dane_*` in
//! `dane.rs`, `mxtrust_certificate_*` and `mxtrust_name_*` in `cert.rs`,
//! `mxtrust_mx_decide` and `mxtrust_action_*` in `decision.rs`,
//! `mxtrust_result_*` in `result.rs`. This file holds the shared types
//! ([`mxtrust_slice`], [`mxtrust_str`]) and the boundary helpers.
#![deny(missing_docs)]
#![deny(clippy::undocumented_unsafe_blocks)]
// C names, as rustls-ffi spells them: `mxtrust_type_verb`.
#![allow(non_camel_case_types)]
// Entry points are safe `extern "C"` functions whose pointer arguments carry
// the contract of the C header (see "Conventions"), as in rustls-ffi.
#![allow(clippy::not_unsafe_ptr_arg_deref)]

use std::ffi::{CStr, c_char};
use std::panic::{AssertUnwindSafe, catch_unwind};

use mxtrust_core::Error;

mod cache;
mod cert;
mod dane;
mod decision;
mod policy;
mod result;
mod sts;
mod tlsa;
mod tlsrpt;

pub use cache::*;
pub use cert::*;
pub use dane::*;
pub use decision::*;
pub use policy::*;
pub use result::*;
pub use sts::*;
pub use tlsa::*;
pub use tlsrpt::*;

/// The major version of the library this header describes.
pub const MXTRUST_VERSION_MAJOR: u32 = 0;
/// The minor version of the library this header describes.
pub const MXTRUST_VERSION_MINOR: u32 = 1;
/// The patch version of the library this header describes.
pub const MXTRUST_VERSION_PATCH: u32 = 0;
/// The version as one number, `(MAJOR << 16) | (MINOR << 8) | PATCH`, for
/// `#if` comparisons.
pub const MXTRUST_VERSION_NUMBER: u32 =
    (MXTRUST_VERSION_MAJOR << 16) | (MXTRUST_VERSION_MINOR << 8) | MXTRUST_VERSION_PATCH;

/// A borrowed run of octets: `len` octets at `data`. `data` may be NULL when
/// `len` is 0.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct mxtrust_slice {
    /// The first octet.
    pub data: *const u8,
    /// The number of octets.
    pub len: usize,
}

impl mxtrust_slice {
    const EMPTY: Self = Self {
        data: std::ptr::null(),
        len: 0,
    };

    fn from_bytes(bytes: &[u8]) -> Self {
        Self {
            data: bytes.as_ptr(),
            len: bytes.len(),
        }
    }
}

/// A static UTF-8 string: `len` octets at `data`. It is **not
/// NUL-terminated** (print it with `printf("%.*s", (int)s.len, s.data)`,
/// compare it with `len` and `memcmp`) and holds no NUL octet. It is valid
/// for the life of the program (while the library is loaded) and is never
/// freed. `data` is never NULL; an empty string has `len` 0.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct mxtrust_str {
    /// The first octet.
    pub data: *const c_char,
    /// The number of octets.
    pub len: usize,
}

impl mxtrust_str {
    /// The empty string, pointing at a real NUL octet rather than at the
    /// dangling address an empty Rust `str` may have.
    const EMPTY: Self = Self {
        data: c"".as_ptr(),
        len: 0,
    };

    /// The core's own copy of `s`, handed out as pointer and length.
    fn from_static(s: &'static str) -> Self {
        if s.is_empty() {
            return Self::EMPTY;
        }
        Self {
            data: s.as_ptr().cast::<c_char>(),
            len: s.len(),
        }
    }
}

/// The library version, e.g. `"0.1.0"`.
#[unsafe(no_mangle)]
pub extern "C" fn mxtrust_version() -> mxtrust_str {
    static_str(|| env!("CARGO_PKG_VERSION"))
}

/// Runs `f`, turning a panic into a static fallback text, so that the
/// string functions need no result code.
fn static_str(f: impl FnOnce() -> &'static str) -> mxtrust_str {
    mxtrust_str::from_static(catch_unwind(AssertUnwindSafe(f)).unwrap_or("(panic in libmxtrust)"))
}

/// Runs an entry point's body: `Ok(())` is `MXTRUST_RESULT_OK`, `Err(r)` is
/// `r`, and a panic is `MXTRUST_RESULT_PANIC`, so that no unwinding crosses
/// into C.
fn boundary(f: impl FnOnce() -> Result<(), mxtrust_result>) -> mxtrust_result {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(())) => mxtrust_result::Ok,
        Ok(Err(result)) => result,
        Err(_) => mxtrust_result::Panic,
    }
}

/// Fails with NULL_PARAMETER when `p` is NULL.
fn non_null<T>(p: *const T) -> Result<(), mxtrust_result> {
    if p.is_null() {
        Err(mxtrust_result::NullParameter)
    } else {
        Ok(())
    }
}

/// The `len` elements at `data` as a slice. `data` may be NULL when `len` is
/// 0; a total size beyond `isize::MAX` is refused before any slice exists.
fn slice<'a, T>(data: *const T, len: usize) -> Result<&'a [T], mxtrust_result> {
    if len == 0 {
        return Ok(&[]);
    }
    non_null(data)?;
    let size = len
        .checked_mul(size_of::<T>())
        .ok_or(mxtrust_result::LengthTooLarge)?;
    if isize::try_from(size).is_err() {
        return Err(mxtrust_result::LengthTooLarge);
    }
    if !data.is_aligned() {
        return Err(mxtrust_result::MisalignedStorage);
    }
    // SAFETY: `data` is non-NULL and aligned, the total size fits `isize`,
    // and the caller promises (header conventions) that `data` points to
    // `len` initialized elements that stay unchanged during the call.
    Ok(unsafe { std::slice::from_raw_parts(data, len) })
}

/// Like [`slice`], for caller storage the library writes into.
fn slice_mut<'a, T>(data: *mut T, len: usize) -> Result<&'a mut [T], mxtrust_result> {
    if len == 0 {
        return Ok(&mut []);
    }
    non_null(data)?;
    let size = len
        .checked_mul(size_of::<T>())
        .ok_or(mxtrust_result::LengthTooLarge)?;
    if isize::try_from(size).is_err() {
        return Err(mxtrust_result::LengthTooLarge);
    }
    if !data.is_aligned() {
        return Err(mxtrust_result::MisalignedStorage);
    }
    // SAFETY: as in `slice`; the caller also promises that nothing else
    // accesses the storage during the call.
    Ok(unsafe { std::slice::from_raw_parts_mut(data, len) })
}

/// The octets of an [`mxtrust_slice`].
fn bytes<'a>(s: &mxtrust_slice) -> Result<&'a [u8], mxtrust_result> {
    slice(s.data, s.len)
}

/// A NUL-terminated UTF-8 string.
fn c_str<'a>(p: *const c_char) -> Result<&'a str, mxtrust_result> {
    non_null(p)?;
    // SAFETY: non-NULL, and the caller promises a NUL-terminated string that
    // stays unchanged during the call.
    let s = unsafe { CStr::from_ptr(p) };
    s.to_str().map_err(|_| mxtrust_result::InvalidUtf8)
}

/// `len` octets of UTF-8 text at `p` (no NUL needed).
fn text<'a>(p: *const c_char, len: usize) -> Result<&'a str, mxtrust_result> {
    let octets = slice(p.cast::<u8>(), len)?;
    std::str::from_utf8(octets).map_err(|_| mxtrust_result::InvalidUtf8)
}

/// Writes `value` to a checked, non-NULL output pointer.
fn put<T>(out: *mut T, value: T) {
    if !out.is_null() {
        // SAFETY: non-NULL; the caller promises `out` points to writable,
        // aligned storage for a `T`. `write` does not read or drop the old
        // contents, which C may have left uninitialized.
        unsafe { out.write(value) }
    }
}

/// The entry of a table of core values listed in the order of a C enum's
/// values, which start at 1.
fn nth<T>(table: &[T], code: u32) -> Option<&T> {
    let i = usize::try_from(code.checked_sub(1)?).ok()?;
    table.get(i)
}

/// A core error as a result. `BufferTooSmall` is the one place where
/// `out_needed` is written: every function with an `out_needed` parameter
/// sends its "too small" through here, also when it measures the size
/// itself.
fn needed(e: Error, out_needed: *mut usize) -> mxtrust_result {
    if let Error::BufferTooSmall { needed } = e {
        put(out_needed, needed);
    }
    e.into()
}

/// Copies what fits of `items` into caller storage; returns how many.
fn put_all<T: Copy>(storage: &mut [T], items: impl IntoIterator<Item = T>) -> usize {
    storage
        .iter_mut()
        .zip(items)
        .map(|(slot, item)| *slot = item)
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_macros_follow_the_package_version() {
        let [major, minor, patch] = ["MAJOR", "MINOR", "PATCH"].map(|part| {
            let v = match part {
                "MAJOR" => env!("CARGO_PKG_VERSION_MAJOR"),
                "MINOR" => env!("CARGO_PKG_VERSION_MINOR"),
                _ => env!("CARGO_PKG_VERSION_PATCH"),
            };
            v.parse::<u32>().unwrap()
        });
        assert_eq!(
            (
                MXTRUST_VERSION_MAJOR,
                MXTRUST_VERSION_MINOR,
                MXTRUST_VERSION_PATCH
            ),
            (major, minor, patch)
        );
        assert_eq!(MXTRUST_VERSION_NUMBER, (major << 16) | (minor << 8) | patch);
        assert_eq!(text_of(mxtrust_version()), env!("CARGO_PKG_VERSION"));
    }

    /// The text of a returned string, checked against the header's promises.
    pub(crate) fn text_of(s: mxtrust_str) -> &'static str {
        assert!(!s.data.is_null());
        // SAFETY: every `mxtrust_str` is made by `from_static` from a
        // `&'static str` (or is EMPTY, a static NUL with `len` 0).
        let octets = unsafe { std::slice::from_raw_parts(s.data.cast::<u8>(), s.len) };
        assert!(!octets.contains(&0), "{octets:?}");
        std::str::from_utf8(octets).unwrap()
    }

    #[test]
    fn a_string_is_the_cores_own_copy() {
        let core = mxtrust_core::decision::Action::Defer.code();
        let s = mxtrust_str::from_static(core);
        assert_eq!(s.data.cast::<u8>(), core.as_ptr());
        assert_eq!(s.len, core.len());
        assert_eq!(text_of(mxtrust_str::EMPTY), "");
        assert_eq!(
            text_of(static_str(|| panic!("boom"))),
            "(panic in libmxtrust)"
        );
    }

    #[test]
    fn a_panic_becomes_a_result() {
        assert_eq!(boundary(|| panic!("boom")), mxtrust_result::Panic);
        assert_eq!(boundary(|| Ok(())), mxtrust_result::Ok);
        assert_eq!(
            boundary(|| Err(mxtrust_result::InvalidUtf8)),
            mxtrust_result::InvalidUtf8
        );
    }
}
