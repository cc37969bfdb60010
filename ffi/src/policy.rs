//! MTA-STS policy bodies (RFC 8461 §3.2) and MX matching (RFC 8461 §4.1).

use std::ffi::c_char;

use mxtrust_core::limits::MAX_MX_PATTERNS;
use mxtrust_core::policy::{Mode, MxPattern, Policy, Warning, WarningKind};

use crate::{
    boundary, c_str, mxtrust_result, mxtrust_slice, mxtrust_str, non_null, put, put_all, slice,
    slice_mut, static_str,
};

/// Most valid `mx` patterns a policy may have.
pub const MXTRUST_MAX_MX_PATTERNS: usize = 64;
/// Largest MTA-STS policy body, in octets.
pub const MXTRUST_MAX_POLICY_LEN: usize = 65_536;
/// The size of `mxtrust_policy` in 64-bit words.
pub const MXTRUST_POLICY_WORDS: usize = 224;

const _: () = {
    assert!(MXTRUST_MAX_MX_PATTERNS == MAX_MX_PATTERNS);
    assert!(MXTRUST_MAX_POLICY_LEN == mxtrust_core::limits::MAX_POLICY_LEN);
};

/// Storage for a parsed MTA-STS policy. Declare one (on the stack, in a
/// struct, anywhere) and let `mxtrust_policy_parse` fill it; its contents
/// are private. A parsed policy points into the body it was parsed from:
/// keep the body unchanged while the policy is used. It needs no cleanup
/// and may be copied with `memcpy`.
#[repr(C)]
pub struct mxtrust_policy {
    /// Private.
    pub _opaque: [u64; MXTRUST_POLICY_WORDS],
}

const POLICY_MAGIC: u64 = 0x6d78_7473_706f_6c31; // "mxtspol1"

/// What `mxtrust_policy` holds: a magic number (so that storage the library
/// never initialized is refused) and the core's policy, whose `'static`
/// lifetime stands for "as long as the caller keeps the body".
#[repr(C)]
struct PolicySlot {
    magic: u64,
    policy: Policy<'static, MAX_MX_PATTERNS>,
}

const _: () = {
    assert!(size_of::<PolicySlot>() <= size_of::<mxtrust_policy>());
    assert!(align_of::<PolicySlot>() <= align_of::<mxtrust_policy>());
};

/// The core policy in initialized storage.
pub(crate) fn policy_ref<'a>(
    p: *const mxtrust_policy,
) -> Result<&'a Policy<'a, MAX_MX_PATTERNS>, mxtrust_result> {
    non_null(p)?;
    if !p.is_aligned() {
        return Err(mxtrust_result::MisalignedStorage);
    }
    // SAFETY: non-NULL and aligned for u64 (mxtrust_policy is a u64 array); the
    // caller promises `p` points to an `mxtrust_policy`, whose first word is
    // plain data whatever its contents.
    let magic = unsafe { p.cast::<u64>().read() };
    if magic != POLICY_MAGIC {
        return Err(mxtrust_result::Uninitialized);
    }
    // SAFETY: the magic number is written only by `mxtrust_policy_parse`,
    // together with a valid `PolicySlot`; size and alignment fit (asserted
    // above).
    Ok(&unsafe { &*p.cast::<PolicySlot>() }.policy)
}

/// An MTA-STS policy mode (RFC 8461 §5).
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum mxtrust_sts_mode {
    /// `enforce`.
    Enforce = 1,
    /// `testing`.
    Testing = 2,
    /// `none`.
    None = 3,
}

impl mxtrust_sts_mode {
    pub(crate) fn from_core(mode: Mode) -> Self {
        match mode {
            Mode::Enforce => Self::Enforce,
            Mode::Testing => Self::Testing,
            Mode::None => Self::None,
        }
    }
}

/// What a policy warning is about: the publisher's intent is still clear,
/// so the policy applies.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum mxtrust_policy_warning_kind {
    /// An empty or all-whitespace line; skipped.
    BlankLine = 1,
    /// Whitespace before the key; ignored.
    LeadingWhitespace = 2,
    /// Whitespace at the end of a line.
    TrailingWhitespace = 3,
    /// Whitespace between the key and the colon; ignored.
    WhitespaceBeforeColon = 4,
    /// Some lines end in LF and others in CRLF.
    MixedLineEndings = 5,
    /// `max_age` above 31557600; clamped to it.
    MaxAgeClamped = 6,
    /// A second `version`, `mode` or `max_age`; the first one counts.
    DuplicateField = 7,
    /// An `mx` entry with a trailing dot; the dot is ignored.
    MxTrailingDot = 8,
    /// An `mx` entry that can never match; ignored (`mx_error` says why).
    MxIgnored = 9,
    /// A field named like a policy keyword in another case (`MX:`,
    /// `Mode:`): field names are case-sensitive, so it is an unknown field
    /// and ignored.
    KeywordCaseField = 10,
    /// A UTF-8 byte-order mark before the first line; skipped.
    ByteOrderMark = 11,
    /// A warning this version of the C API does not name yet.
    Other = 99,
}

/// A policy warning.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct mxtrust_policy_warning {
    /// 1-based line number.
    pub line: usize,
    /// What was noticed.
    pub kind: mxtrust_policy_warning_kind,
    /// With `MXTRUST_POLICY_WARNING_KIND_MX_IGNORED`: the
    /// `MXTRUST_RESULT_MX_PATTERN_*` value; otherwise `MXTRUST_RESULT_OK`.
    pub mx_error: mxtrust_result,
}

impl mxtrust_policy_warning {
    fn from_core(w: &Warning) -> Self {
        use mxtrust_policy_warning_kind as K;
        let (kind, mx_error) = match w.kind {
            WarningKind::BlankLine => (K::BlankLine, mxtrust_result::Ok),
            WarningKind::LeadingWhitespace => (K::LeadingWhitespace, mxtrust_result::Ok),
            WarningKind::TrailingWhitespace => (K::TrailingWhitespace, mxtrust_result::Ok),
            WarningKind::WhitespaceBeforeColon => (K::WhitespaceBeforeColon, mxtrust_result::Ok),
            WarningKind::MixedLineEndings => (K::MixedLineEndings, mxtrust_result::Ok),
            WarningKind::MaxAgeClamped => (K::MaxAgeClamped, mxtrust_result::Ok),
            WarningKind::DuplicateField => (K::DuplicateField, mxtrust_result::Ok),
            WarningKind::MxTrailingDot => (K::MxTrailingDot, mxtrust_result::Ok),
            WarningKind::MxIgnored(e) => (K::MxIgnored, e.into()),
            WarningKind::KeywordCaseField => (K::KeywordCaseField, mxtrust_result::Ok),
            WarningKind::ByteOrderMark => (K::ByteOrderMark, mxtrust_result::Ok),
            _ => (K::Other, mxtrust_result::Ok),
        };
        Self {
            line: w.line,
            kind,
            mx_error,
        }
    }
}

/// Parses an MTA-STS policy body (RFC 8461 §3.2) into `out_policy`, which
/// then points into `body`. Up to `warnings_len` warnings go into
/// `warnings`, in order; `*out_warnings_found` counts all of them.
///
/// Results: `MXTRUST_RESULT_OK`; a `MXTRUST_RESULT_POLICY_*` value for a
/// rejected body (treat it as a failed fetch, `sts-policy-invalid`), with
/// `*out_line` the 1-based line (0 when the body as a whole is at fault);
/// `MXTRUST_RESULT_NULL_PARAMETER`. Nothing but `*out_line` is written
/// unless the result is `MXTRUST_RESULT_OK`.
#[unsafe(no_mangle)]
pub extern "C" fn mxtrust_policy_parse(
    body: *const u8,
    body_len: usize,
    warnings: *mut mxtrust_policy_warning,
    warnings_len: usize,
    out_policy: *mut mxtrust_policy,
    out_warnings_found: *mut usize,
    out_line: *mut usize,
) -> mxtrust_result {
    boundary(|| {
        non_null(out_policy)?;
        if !out_policy.is_aligned() {
            return Err(mxtrust_result::MisalignedStorage);
        }
        non_null(out_warnings_found)?;
        non_null(out_line)?;
        let body: &'static [u8] = slice(body, body_len)?;
        let warnings = slice_mut(warnings, warnings_len)?;
        // Warnings land in our own storage first, so that the caller's is
        // written only on success; every warning stands on at least one
        // octet of the body, so more room than that is never needed.
        let room = warnings.len().min(body.len().saturating_add(1));
        let mut collected = vec![Warning::EMPTY; room];
        let policy = Policy::<MAX_MX_PATTERNS>::parse(body, &mut collected).map_err(|e| {
            put(out_line, e.line);
            mxtrust_result::from(e.kind)
        })?;
        let found = policy.warnings_found();
        put_all(
            warnings,
            collected
                .iter()
                .take(found)
                .map(mxtrust_policy_warning::from_core),
        );
        put(
            out_policy.cast::<PolicySlot>(),
            PolicySlot {
                magic: POLICY_MAGIC,
                policy,
            },
        );
        put(out_warnings_found, found);
        Ok(())
    })
}

/// The policy's mode.
///
/// Results: `MXTRUST_RESULT_UNINITIALIZED`, `MXTRUST_RESULT_NULL_PARAMETER`.
#[unsafe(no_mangle)]
pub extern "C" fn mxtrust_policy_mode(
    policy: *const mxtrust_policy,
    out_mode: *mut mxtrust_sts_mode,
) -> mxtrust_result {
    boundary(|| {
        non_null(out_mode)?;
        let policy = policy_ref(policy)?;
        put(out_mode, mxtrust_sts_mode::from_core(policy.mode()));
        Ok(())
    })
}

/// The policy's `max_age` in seconds (at most 31557600).
///
/// Results: `MXTRUST_RESULT_UNINITIALIZED`, `MXTRUST_RESULT_NULL_PARAMETER`.
#[unsafe(no_mangle)]
pub extern "C" fn mxtrust_policy_max_age(
    policy: *const mxtrust_policy,
    out_max_age: *mut u32,
) -> mxtrust_result {
    boundary(|| {
        non_null(out_max_age)?;
        put(out_max_age, policy_ref(policy)?.max_age());
        Ok(())
    })
}

/// How many valid `mx` patterns the policy has.
///
/// Results: `MXTRUST_RESULT_UNINITIALIZED`, `MXTRUST_RESULT_NULL_PARAMETER`.
#[unsafe(no_mangle)]
pub extern "C" fn mxtrust_policy_mx_count(
    policy: *const mxtrust_policy,
    out_count: *mut usize,
) -> mxtrust_result {
    boundary(|| {
        non_null(out_count)?;
        put(out_count, policy_ref(policy)?.mx_patterns().len());
        Ok(())
    })
}

/// An `mx` pattern (RFC 8461 §3.2): a host name, or `*.` and a domain.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct mxtrust_mx_pattern {
    /// Whether the pattern is `*.` followed by `domain`.
    pub wildcard: bool,
    /// The domain, without `*.` and without a trailing dot; points into the
    /// policy body (not NUL-terminated).
    pub domain: mxtrust_slice,
}

/// The `index`th valid `mx` pattern of the policy, in body order.
///
/// Results: `MXTRUST_RESULT_INDEX_OUT_OF_RANGE`,
/// `MXTRUST_RESULT_UNINITIALIZED`, `MXTRUST_RESULT_NULL_PARAMETER`.
#[unsafe(no_mangle)]
pub extern "C" fn mxtrust_policy_mx_pattern(
    policy: *const mxtrust_policy,
    index: usize,
    out_pattern: *mut mxtrust_mx_pattern,
) -> mxtrust_result {
    boundary(|| {
        non_null(out_pattern)?;
        let pattern = policy_ref(policy)?
            .mx_patterns()
            .get(index)
            .ok_or(mxtrust_result::IndexOutOfRange)?;
        put(
            out_pattern,
            mxtrust_mx_pattern {
                wildcard: pattern.is_wildcard(),
                domain: mxtrust_slice::from_bytes(pattern.domain()),
            },
        );
        Ok(())
    })
}

/// Whether the policy allows the MX host `host` (NUL-terminated; RFC 8461
/// §4.1: some `mx` pattern matches it, ASCII case-insensitively, one
/// trailing dot ignored). This says nothing about certificates; see
/// `mxtrust_sts_check_certificate`.
///
/// Results: `MXTRUST_RESULT_UNINITIALIZED`, `MXTRUST_RESULT_INVALID_UTF8`,
/// `MXTRUST_RESULT_NULL_PARAMETER`.
#[unsafe(no_mangle)]
pub extern "C" fn mxtrust_policy_allows_mx(
    policy: *const mxtrust_policy,
    host: *const c_char,
    out_allowed: *mut bool,
) -> mxtrust_result {
    boundary(|| {
        non_null(out_allowed)?;
        let policy = policy_ref(policy)?;
        let host = c_str(host)?;
        put(out_allowed, policy.allows_mx(host.as_bytes()));
        Ok(())
    })
}

/// Whether one `mx` pattern (NUL-terminated, e.g. `"*.example.net"`) matches
/// the MX host `host` under RFC 8461 §4.1: `*.` covers exactly one
/// non-empty leftmost label.
///
/// Results: `MXTRUST_RESULT_MX_PATTERN_INVALID`,
/// `MXTRUST_RESULT_MX_PATTERN_IP_LITERAL`,
/// `MXTRUST_RESULT_MX_PATTERN_NON_ASCII`, `MXTRUST_RESULT_INVALID_UTF8`,
/// `MXTRUST_RESULT_NULL_PARAMETER`.
#[unsafe(no_mangle)]
pub extern "C" fn mxtrust_mx_pattern_matches(
    pattern: *const c_char,
    host: *const c_char,
    out_matches: *mut bool,
) -> mxtrust_result {
    boundary(|| {
        non_null(out_matches)?;
        let pattern = MxPattern::parse(c_str(pattern)?.as_bytes())?;
        let host = c_str(host)?;
        put(out_matches, pattern.matches(host.as_bytes()));
        Ok(())
    })
}

/// The policy text of a `mxtrust_sts_mode` value (`"enforce"`, `"testing"`,
/// `"none"`); empty (`len` 0) for unknown values.
#[unsafe(no_mangle)]
pub extern "C" fn mxtrust_sts_mode_str(mode: u32) -> mxtrust_str {
    static_str(|| match mode {
        1 => Mode::Enforce.as_str(),
        2 => Mode::Testing.as_str(),
        3 => Mode::None.as_str(),
        _ => "",
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests::text_of;

    #[test]
    fn modes_come_back_as_the_cores_text() {
        for mode in [Mode::Enforce, Mode::Testing, Mode::None] {
            let value = mxtrust_sts_mode::from_core(mode) as u32;
            assert_eq!(text_of(mxtrust_sts_mode_str(value)), mode.as_str());
        }
        assert_eq!(text_of(mxtrust_sts_mode_str(0)), "");
        assert_eq!(text_of(mxtrust_sts_mode_str(4)), "");
    }
}
