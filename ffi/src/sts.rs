//! MTA-STS discovery (RFC 8461 §3.1) and the MTA-STS certificate check
//! (RFC 8461 §4.2), with the TXT RRset types TLSRPT discovery shares.

use std::ffi::c_char;

use mxtrust_core::sts::{self, Unavailable};

use crate::dane::{ALGORITHMS, certificate_ders, chain_from};
use crate::{
    boundary, bytes, c_str, mxtrust_result, mxtrust_result_type, mxtrust_slice, needed, non_null,
    put, put_all, slice, slice_mut,
};

/// Longest MTA-STS policy id.
pub const MXTRUST_MAX_STS_ID_LEN: usize = 32;

const _: () = assert!(MXTRUST_MAX_STS_ID_LEN == mxtrust_core::limits::MAX_STS_ID_LEN);

/// An MTA-STS policy id (RFC 8461 §3.1): 1 to 32 ASCII letters and digits,
/// NUL-terminated in `id`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct mxtrust_sts_id {
    /// The id, NUL-terminated.
    pub id: [c_char; 33],
    /// Its length without the NUL.
    pub len: usize,
}

impl mxtrust_sts_id {
    pub(crate) const EMPTY: Self = Self {
        id: [0; 33],
        len: 0,
    };

    pub(crate) fn from_core(id: &sts::PolicyId) -> Self {
        let mut out = Self::EMPTY;
        let n = put_all(
            &mut out.id[..MXTRUST_MAX_STS_ID_LEN],
            id.as_bytes().iter().map(|&b| c_char::from_ne_bytes([b])),
        );
        out.len = n;
        out
    }
}

/// One TXT record: its character-strings in order (RFC 1035 §3.3.14).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct mxtrust_txt_record {
    /// The strings; may be NULL when `strings_len` is 0.
    pub strings: *const mxtrust_slice,
    /// The number of strings.
    pub strings_len: usize,
}

/// What a TXT RRset says about a policy record.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum mxtrust_lookup_status {
    /// Exactly one valid record.
    Found = 1,
    /// No record starts with the version tag: no policy.
    NoRecord = 2,
    /// Several records start with the version tag: no policy.
    SeveralRecords = 3,
    /// The one record is invalid (see `invalid`): no policy.
    Invalid = 4,
}

/// The result of `mxtrust_sts_select`. "No policy" does not evict a cached
/// policy (RFC 8461 §5.1).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct mxtrust_sts_lookup {
    /// Found, or why there is no policy.
    pub status: mxtrust_lookup_status,
    /// With `MXTRUST_LOOKUP_STATUS_INVALID`: the `MXTRUST_RESULT_STS_*`
    /// value saying why; otherwise `MXTRUST_RESULT_OK`.
    pub invalid: mxtrust_result,
    /// With `MXTRUST_LOOKUP_STATUS_FOUND`: the policy id.
    pub id: mxtrust_sts_id,
}

pub(crate) fn unavailable(why: &Unavailable) -> (mxtrust_lookup_status, mxtrust_result) {
    match why {
        Unavailable::NoRecord => (mxtrust_lookup_status::NoRecord, mxtrust_result::Ok),
        Unavailable::SeveralRecords => (mxtrust_lookup_status::SeveralRecords, mxtrust_result::Ok),
        Unavailable::Invalid(e) => (mxtrust_lookup_status::Invalid, (*e).into()),
    }
}

/// Runs `f` with a TXT RRset as the core takes it.
pub(crate) fn with_rrset<R>(
    rrset: *const mxtrust_txt_record,
    rrset_len: usize,
    f: impl FnOnce(&[&[&[u8]]]) -> Result<R, mxtrust_result>,
) -> Result<R, mxtrust_result> {
    let records = slice(rrset, rrset_len)?
        .iter()
        .map(|r| slice(r.strings, r.strings_len)?.iter().map(bytes).collect())
        .collect::<Result<Vec<Vec<&[u8]>>, _>>()?;
    let refs: Vec<&[&[u8]]> = records.iter().map(Vec::as_slice).collect();
    f(&refs)
}

/// Parses one `_mta-sts` TXT record (RFC 8461 §3.1), its strings already
/// concatenated, and writes its id.
///
/// Results: `MXTRUST_RESULT_STS_RECORD_SYNTAX`,
/// `MXTRUST_RESULT_STS_MISSING_ID`, `MXTRUST_RESULT_STS_INVALID_ID`,
/// `MXTRUST_RESULT_NULL_PARAMETER`.
#[unsafe(no_mangle)]
pub extern "C" fn mxtrust_sts_record_parse(
    record: *const u8,
    record_len: usize,
    out_id: *mut mxtrust_sts_id,
) -> mxtrust_result {
    boundary(|| {
        non_null(out_id)?;
        let parsed = sts::Record::parse(slice(record, record_len)?)?;
        put(out_id, mxtrust_sts_id::from_core(&parsed.id()));
        Ok(())
    })
}

/// Selects the MTA-STS record of an `_mta-sts` TXT RRset (RFC 8461 §3.1):
/// records not starting with `v=STSv1` are discarded and exactly one must
/// remain. A record of several strings is concatenated into `scratch`.
///
/// Results: `MXTRUST_RESULT_OK` with `*out_lookup` (which may say "no
/// policy"); `MXTRUST_RESULT_INSUFFICIENT_SIZE` with `*out_needed` the
/// record's length when `scratch` is too small; `MXTRUST_RESULT_NULL_PARAMETER`.
#[unsafe(no_mangle)]
pub extern "C" fn mxtrust_sts_select(
    rrset: *const mxtrust_txt_record,
    rrset_len: usize,
    scratch: *mut u8,
    scratch_len: usize,
    out_lookup: *mut mxtrust_sts_lookup,
    out_needed: *mut usize,
) -> mxtrust_result {
    boundary(|| {
        non_null(out_lookup)?;
        non_null(out_needed)?;
        let scratch = slice_mut(scratch, scratch_len)?;
        let lookup = with_rrset(rrset, rrset_len, |rrset| {
            sts::select(rrset, scratch).map_err(|e| needed(e, out_needed))
        })?;
        let out = match lookup {
            sts::Lookup::Found(record) => mxtrust_sts_lookup {
                status: mxtrust_lookup_status::Found,
                invalid: mxtrust_result::Ok,
                id: mxtrust_sts_id::from_core(&record.id()),
            },
            sts::Lookup::NoPolicy(why) => {
                let (status, invalid) = unavailable(&why);
                mxtrust_sts_lookup {
                    status,
                    invalid,
                    id: mxtrust_sts_id::EMPTY,
                }
            }
        };
        put(out_lookup, out);
        Ok(())
    })
}

/// The verdict of the MTA-STS certificate check.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct mxtrust_sts_cert_outcome {
    /// The chain validates to a trusted root, the leaf is within its
    /// validity period, and a subjectAltName DNS-ID names the MX host.
    pub valid: bool,
    /// When not valid: the RFC 8460 result type to report.
    pub result_type: mxtrust_result_type,
    /// When not valid: what went wrong (the same values as DANE failures).
    pub failure: crate::dane::mxtrust_dane_failure,
    /// When not valid: depth of the certificate the failure is about, or -1.
    pub failure_depth: i32,
}

/// The certificate check MTA-STS asks for (RFC 8461 §4.2): a PKIX path from
/// the leaf (first in `chain`) to one of `trust_anchors` (DER certificates,
/// e.g. the system's roots) at `time`, and a DNS-ID naming `mx_host`
/// (NUL-terminated). Whether the policy allows `mx_host` at all is a
/// separate check (`mxtrust_policy_allows_mx`).
///
/// A chain longer than `MXTRUST_MAX_CHAIN_LEN` or with a certificate larger
/// than `MXTRUST_MAX_CERTIFICATE_LEN` is not valid
/// (`MXTRUST_DANE_FAILURE_CHAIN_TOO_LONG`,
/// `MXTRUST_DANE_FAILURE_CERTIFICATE_TOO_LARGE`).
///
/// Results: `MXTRUST_RESULT_OK` with `*out_outcome`;
/// `MXTRUST_RESULT_EMPTY_CHAIN`, `MXTRUST_RESULT_INVALID_TRUST_ANCHOR`, `MXTRUST_RESULT_INVALID_UTF8`,
/// `MXTRUST_RESULT_NULL_PARAMETER`.
#[unsafe(no_mangle)]
pub extern "C" fn mxtrust_sts_check_certificate(
    chain: *const mxtrust_slice,
    chain_len: usize,
    mx_host: *const c_char,
    time: u64,
    trust_anchors: *const mxtrust_slice,
    trust_anchors_len: usize,
    out_outcome: *mut mxtrust_sts_cert_outcome,
) -> mxtrust_result {
    boundary(|| {
        non_null(out_outcome)?;
        let (chain, n) = chain_from(chain, chain_len)?;
        let host = c_str(mx_host)?;
        let ders = certificate_ders(trust_anchors, trust_anchors_len)?;
        let anchors = crate::dane::trust_anchors(&ders)?;
        let outcome = sts::check_certificate(
            chain.get(..n).unwrap_or(&[]),
            host.as_bytes(),
            mxtrust_core::time::unix_time(time),
            &anchors,
            ALGORITHMS,
        )?;
        put(
            out_outcome,
            match outcome {
                sts::CertOutcome::Valid => mxtrust_sts_cert_outcome {
                    valid: true,
                    result_type: mxtrust_result_type::None,
                    failure: crate::dane::mxtrust_dane_failure::None,
                    failure_depth: -1,
                },
                sts::CertOutcome::Invalid(failure) => {
                    let (code, depth) = crate::dane::failure_code(&failure);
                    mxtrust_sts_cert_outcome {
                        valid: false,
                        result_type: mxtrust_result_type::from_core(Some(failure.result_type())),
                        failure: code,
                        failure_depth: depth,
                    }
                }
            },
        );
        Ok(())
    })
}
