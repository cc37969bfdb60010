//! A view of the certificate fields DANE and MTA-STS use (RFC 5280), and
//! name matching (RFC 6125 as profiled by RFC 7672 §3.2.3 and RFC 8461 §4.1).

use std::ffi::c_char;

use mxtrust_core::cert::{Certificate, ValidityStatus};
use mxtrust_core::name;

use crate::{boundary, c_str, mxtrust_result, mxtrust_slice, non_null, put, slice};

/// Where a time stands relative to a certificate's validity period.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum mxtrust_validity {
    /// `notBefore <= time <= notAfter`.
    Valid = 1,
    /// Before `notBefore`.
    NotYetValid = 2,
    /// After `notAfter`.
    Expired = 3,
}

/// What `mxtrust_certificate_inspect` reads from a DER certificate.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct mxtrust_certificate_info {
    /// `notBefore`, seconds since the Unix epoch (negative before 1970).
    pub not_before: i64,
    /// `notAfter`, seconds since the Unix epoch.
    pub not_after: i64,
    /// The validity at the `time` given.
    pub validity: mxtrust_validity,
    /// Subject and issuer are the same name.
    pub self_issued: bool,
    /// A basicConstraints extension is present.
    pub has_basic_constraints: bool,
    /// basicConstraints `cA`.
    pub ca: bool,
    /// basicConstraints `pathLenConstraint`; -1 when absent.
    pub path_len: i32,
    /// The DER SubjectPublicKeyInfo, pointing into the certificate.
    pub spki: mxtrust_slice,
    /// How many subjectAltName dNSNames there are.
    pub dns_name_count: usize,
}

/// Reads the validity, basicConstraints, SubjectPublicKeyInfo and DNS-ID
/// count of a DER certificate, and where `time` stands in its validity.
///
/// Results: `MXTRUST_RESULT_BAD_DER`, `MXTRUST_RESULT_NULL_PARAMETER`.
#[unsafe(no_mangle)]
pub extern "C" fn mxtrust_certificate_inspect(
    cert: *const u8,
    cert_len: usize,
    time: u64,
    out_info: *mut mxtrust_certificate_info,
) -> mxtrust_result {
    boundary(|| {
        non_null(out_info)?;
        let c = Certificate::parse(slice(cert, cert_len)?)?;
        let validity = c.validity();
        let bc = c.basic_constraints();
        put(
            out_info,
            mxtrust_certificate_info {
                not_before: validity.not_before,
                not_after: validity.not_after,
                validity: match validity.status_at(mxtrust_core::time::unix_time(time)) {
                    ValidityStatus::Valid => mxtrust_validity::Valid,
                    ValidityStatus::NotYetValid => mxtrust_validity::NotYetValid,
                    ValidityStatus::Expired => mxtrust_validity::Expired,
                },
                self_issued: c.is_self_issued(),
                has_basic_constraints: bc.is_some(),
                ca: bc.is_some_and(|b| b.ca),
                path_len: bc.and_then(|b| b.path_len).map_or(-1, i32::from),
                spki: mxtrust_slice::from_bytes(c.spki()),
                dns_name_count: c.dns_names().count(),
            },
        );
        Ok(())
    })
}

/// The `index`th subjectAltName dNSName of a DER certificate, pointing into
/// the certificate (not NUL-terminated).
///
/// Results: `MXTRUST_RESULT_INDEX_OUT_OF_RANGE`, `MXTRUST_RESULT_BAD_DER`,
/// `MXTRUST_RESULT_NULL_PARAMETER`.
#[unsafe(no_mangle)]
pub extern "C" fn mxtrust_certificate_dns_name(
    cert: *const u8,
    cert_len: usize,
    index: usize,
    out_name: *mut mxtrust_slice,
) -> mxtrust_result {
    boundary(|| {
        non_null(out_name)?;
        let c = Certificate::parse(slice(cert, cert_len)?)?;
        let dns_name = c
            .dns_names()
            .nth(index)
            .ok_or(mxtrust_result::IndexOutOfRange)?;
        put(out_name, mxtrust_slice::from_bytes(dns_name));
        Ok(())
    })
}

/// Whether a name presented in a certificate (`presented`, e.g. a DNS-ID
/// such as `*.example.com`) matches the host `host` (NUL-terminated): ASCII
/// case-insensitive, one trailing dot ignored, a wildcard only as the whole
/// leftmost label covering exactly one label.
///
/// Results: `MXTRUST_RESULT_INVALID_UTF8`, `MXTRUST_RESULT_NULL_PARAMETER`.
#[unsafe(no_mangle)]
pub extern "C" fn mxtrust_name_matches(
    presented: *const c_char,
    host: *const c_char,
    out_matches: *mut bool,
) -> mxtrust_result {
    boundary(|| {
        non_null(out_matches)?;
        let presented = c_str(presented)?;
        let host = c_str(host)?;
        put(
            out_matches,
            name::presented_matches_host(presented.as_bytes(), host.as_bytes()),
        );
        Ok(())
    })
}
