//! TLSRPT discovery (RFC 8460 §3): `_smtp._tls` TXT records and their
//! report URIs.

use mxtrust_core::tlsrpt::{self, ReportUri};

use crate::sts::{unavailable, with_rrset};
use crate::{
    boundary, mxtrust_lookup_status, mxtrust_result, mxtrust_slice, mxtrust_txt_record, needed,
    non_null, put, put_all, slice, slice_mut,
};

/// Most report URIs in a TLSRPT `rua` field.
pub const MXTRUST_MAX_TLSRPT_URIS: usize = 16;

const _: () = assert!(MXTRUST_MAX_TLSRPT_URIS == mxtrust_core::limits::MAX_TLSRPT_URIS);

/// The scheme of a TLSRPT report URI.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum mxtrust_report_uri_scheme {
    /// `mailto:` (RFC 8460 §5.3).
    Mailto = 1,
    /// `https:` (RFC 8460 §5.4).
    Https = 2,
    /// Another scheme, which senders may ignore.
    Other = 3,
}

/// A report URI of a `rua` field: the whole URI, scheme included, still
/// %-encoded, pointing into the record (or the scratch storage); not
/// NUL-terminated.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct mxtrust_report_uri {
    /// The scheme.
    pub scheme: mxtrust_report_uri_scheme,
    /// The URI text.
    pub uri: mxtrust_slice,
}

impl mxtrust_report_uri {
    const EMPTY: Self = Self {
        scheme: mxtrust_report_uri_scheme::Other,
        uri: mxtrust_slice::EMPTY,
    };

    fn from_core(uri: ReportUri<'_>) -> Self {
        let scheme = match uri {
            ReportUri::Mailto(_) => mxtrust_report_uri_scheme::Mailto,
            ReportUri::Https(_) => mxtrust_report_uri_scheme::Https,
            ReportUri::Other(_) => mxtrust_report_uri_scheme::Other,
        };
        Self {
            scheme,
            uri: mxtrust_slice::from_bytes(uri.as_str().as_bytes()),
        }
    }
}

/// Writes the URIs of a record; returns their count.
fn write_uris(record: &tlsrpt::Record<'_>, out: &mut [mxtrust_report_uri]) -> usize {
    put_all(out, record.uris().map(mxtrust_report_uri::from_core));
    record.uri_count()
}

/// Parses one `_smtp._tls` TXT record (RFC 8460 §3), its strings already
/// concatenated. The first `uris_len` report URIs go into `uris` (pointing
/// into `record`); `*out_uri_count` is how many the record has (at most
/// `MXTRUST_MAX_TLSRPT_URIS`), which may exceed `uris_len`.
///
/// Results: `MXTRUST_RESULT_TLSRPT_RECORD_SYNTAX`,
/// `MXTRUST_RESULT_TLSRPT_MISSING_RUA`, `MXTRUST_RESULT_TLSRPT_INVALID_URI`,
/// `MXTRUST_RESULT_TOO_MANY_REPORT_URIS`, `MXTRUST_RESULT_NULL_PARAMETER`.
#[unsafe(no_mangle)]
pub extern "C" fn mxtrust_tlsrpt_record_parse(
    record: *const u8,
    record_len: usize,
    uris: *mut mxtrust_report_uri,
    uris_len: usize,
    out_uri_count: *mut usize,
) -> mxtrust_result {
    boundary(|| {
        non_null(out_uri_count)?;
        let uris = slice_mut(uris, uris_len)?;
        let parsed = tlsrpt::Record::parse(slice(record, record_len)?)?;
        let count = write_uris(&parsed, uris);
        put(out_uri_count, count);
        Ok(())
    })
}

/// The result of `mxtrust_tlsrpt_select`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct mxtrust_tlsrpt_lookup {
    /// Found, or why the domain asks for no reports.
    pub status: mxtrust_lookup_status,
    /// With `MXTRUST_LOOKUP_STATUS_INVALID`: the `MXTRUST_RESULT_TLSRPT_*`
    /// (or `MXTRUST_RESULT_TOO_MANY_REPORT_URIS`) value saying why.
    pub invalid: mxtrust_result,
    /// With `MXTRUST_LOOKUP_STATUS_FOUND`: how many report URIs the record
    /// has; the first `uris_len` of them are in `uris`.
    pub uri_count: usize,
}

/// Selects the TLSRPT record of a `_smtp._tls` TXT RRset (RFC 8460 §3):
/// records not starting with `v=TLSRPTv1` are discarded and exactly one must
/// remain. A record of several strings is concatenated into `scratch`; the
/// URIs written to `uris` point into the RRset's strings or into `scratch`.
///
/// Results: `MXTRUST_RESULT_OK` with `*out_lookup`;
/// `MXTRUST_RESULT_INSUFFICIENT_SIZE` with `*out_needed` the record's length
/// when `scratch` is too small; `MXTRUST_RESULT_NULL_PARAMETER`.
#[unsafe(no_mangle)]
pub extern "C" fn mxtrust_tlsrpt_select(
    rrset: *const mxtrust_txt_record,
    rrset_len: usize,
    scratch: *mut u8,
    scratch_len: usize,
    uris: *mut mxtrust_report_uri,
    uris_len: usize,
    out_lookup: *mut mxtrust_tlsrpt_lookup,
    out_needed: *mut usize,
) -> mxtrust_result {
    boundary(|| {
        non_null(out_lookup)?;
        non_null(out_needed)?;
        let scratch = slice_mut(scratch, scratch_len)?;
        let uris = slice_mut(uris, uris_len)?;
        let mut found = [mxtrust_report_uri::EMPTY; MXTRUST_MAX_TLSRPT_URIS];
        let lookup = with_rrset(rrset, rrset_len, |rrset| {
            Ok(
                match tlsrpt::select(rrset, scratch).map_err(|e| needed(e, out_needed))? {
                    tlsrpt::Lookup::Found(record) => mxtrust_tlsrpt_lookup {
                        status: mxtrust_lookup_status::Found,
                        invalid: mxtrust_result::Ok,
                        uri_count: write_uris(&record, &mut found),
                    },
                    tlsrpt::Lookup::NoPolicy(why) => {
                        let (status, invalid) = unavailable(&why);
                        mxtrust_tlsrpt_lookup {
                            status,
                            invalid,
                            uri_count: 0,
                        }
                    }
                },
            )
        })?;
        put_all(uris, found.iter().take(lookup.uri_count).copied());
        put(out_lookup, lookup);
        Ok(())
    })
}
