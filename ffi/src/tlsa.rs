//! TLSA records: parsing, association data, presentation form.

use std::ffi::c_char;
use std::fmt::Write as _;

use mxtrust_core::{MatchingType, Selector, Tlsa};

use crate::{boundary, mxtrust_result, non_null, put, slice, slice_mut};

/// Most certificates in a chain (leaf included).
pub const MXTRUST_MAX_CHAIN_LEN: usize = 16;
/// Largest DER certificate, in octets.
pub const MXTRUST_MAX_CERTIFICATE_LEN: usize = 65_535;
/// Most TLSA records in one RRset.
pub const MXTRUST_MAX_TLSA_RECORDS: usize = 64;
/// Most reference identifiers given to `mxtrust_dane_verify`.
pub const MXTRUST_MAX_REFERENCE_IDS: usize = 16;
/// Longest certificate association data, in octets.
pub const MXTRUST_MAX_TLSA_DATA_LEN: usize = 65_532;
/// Longest TLSA association data a digest produces (SHA-512), in octets.
pub const MXTRUST_MAX_DIGEST_LEN: usize = 64;

/// A TLSA record (RFC 6698 §2.1). `data` borrows the caller's octets (or the
/// storage given to `mxtrust_tlsa_parse_text`). A caller with its own DNS
/// library may fill this in directly from the RDATA fields.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct mxtrust_tlsa {
    /// Certificate usage: 0 PKIX-TA, 1 PKIX-EE, 2 DANE-TA, 3 DANE-EE.
    pub usage: u8,
    /// Selector: 0 full certificate, 1 SubjectPublicKeyInfo.
    pub selector: u8,
    /// Matching type: 0 full, 1 SHA2-256, 2 SHA2-512.
    pub matching_type: u8,
    /// The certificate association data; may be NULL when `data_len` is 0.
    pub data: *const u8,
    /// The length of `data`.
    pub data_len: usize,
}

impl mxtrust_tlsa {
    fn from_core(t: &Tlsa<'_>) -> Self {
        Self {
            usage: t.usage.into(),
            selector: t.selector.into(),
            matching_type: t.matching_type.into(),
            data: t.data.as_ptr(),
            data_len: t.data.len(),
        }
    }

    pub(crate) fn as_core<'a>(&self) -> Result<Tlsa<'a>, mxtrust_result> {
        Ok(Tlsa {
            usage: self.usage.into(),
            selector: self.selector.into(),
            matching_type: self.matching_type.into(),
            data: slice(self.data, self.data_len)?,
        })
    }
}

// The C constants must be the core's limits.
const _: () = {
    use mxtrust_core::limits;
    assert!(MXTRUST_MAX_CHAIN_LEN == limits::MAX_CHAIN_LEN);
    assert!(MXTRUST_MAX_CERTIFICATE_LEN == limits::MAX_CERTIFICATE_LEN);
    assert!(MXTRUST_MAX_TLSA_RECORDS == limits::MAX_TLSA_RECORDS);
    assert!(MXTRUST_MAX_REFERENCE_IDS == limits::MAX_REFERENCE_IDS);
    assert!(MXTRUST_MAX_TLSA_DATA_LEN == limits::MAX_TLSA_DATA_LEN);
};

/// Parses TLSA RDATA as it is on the wire: usage, selector and matching type
/// octets, then the data. `out_record->data` points into `rdata`.
///
/// Results: `MXTRUST_RESULT_TLSA_RDATA_TOO_SHORT`,
/// `MXTRUST_RESULT_TLSA_DATA_TOO_LONG`, `MXTRUST_RESULT_NULL_PARAMETER`.
#[unsafe(no_mangle)]
pub extern "C" fn mxtrust_tlsa_from_rdata(
    rdata: *const u8,
    rdata_len: usize,
    out_record: *mut mxtrust_tlsa,
) -> mxtrust_result {
    boundary(|| {
        non_null(out_record)?;
        let record = Tlsa::from_rdata(slice(rdata, rdata_len)?)?;
        put(out_record, mxtrust_tlsa::from_core(&record));
        Ok(())
    })
}

/// Parses a TLSA record in presentation form (RFC 6698 §2.2): `3 1 1 <hex>`,
/// a zone-file or `dig` line (everything up to the `TLSA` word is skipped),
/// or the RFC 3597 form `TYPE52 \# 35 <hex>`; parentheses and a trailing
/// `;` comment are allowed. `text` is `text_len` octets of UTF-8, no NUL
/// needed. The data is decoded into `storage`, which `out_record->data` then
/// points into.
///
/// Results: `MXTRUST_RESULT_INSUFFICIENT_SIZE` with `*out_needed` the data
/// length when `storage` is too small (nothing written);
/// `MXTRUST_RESULT_TLSA_SYNTAX`, `MXTRUST_RESULT_TLSA_FIELD_OUT_OF_RANGE`,
/// `MXTRUST_RESULT_INVALID_HEX`, `MXTRUST_RESULT_TLSA_RDATA_TOO_SHORT`,
/// `MXTRUST_RESULT_TLSA_DATA_TOO_LONG`, `MXTRUST_RESULT_INVALID_UTF8`,
/// `MXTRUST_RESULT_NULL_PARAMETER`. `storage` is unchanged unless the
/// result is `MXTRUST_RESULT_OK`.
#[unsafe(no_mangle)]
pub extern "C" fn mxtrust_tlsa_parse_text(
    text: *const c_char,
    text_len: usize,
    storage: *mut u8,
    storage_len: usize,
    out_record: *mut mxtrust_tlsa,
    out_needed: *mut usize,
) -> mxtrust_result {
    boundary(|| {
        non_null(out_record)?;
        non_null(out_needed)?;
        let line = crate::text(text, text_len)?;
        let storage = slice_mut(storage, storage_len)?;
        match Tlsa::parse_text(line, storage) {
            Ok(record) => {
                put(out_record, mxtrust_tlsa::from_core(&record));
                Ok(())
            }
            Err(mxtrust_core::Error::BufferTooSmall { needed }) => {
                put(out_needed, needed);
                Err(mxtrust_result::InsufficientSize)
            }
            Err(e) => Err(e.into()),
        }
    })
}

/// Computes the certificate association data a TLSA record with `selector`
/// and `matching_type` publishes for the DER certificate `cert` (how a
/// publisher makes its `3 1 1` or `2 1 1` records, RFC 7671 §8). At most
/// `MXTRUST_MAX_DIGEST_LEN` octets for digests; the whole certificate or
/// SubjectPublicKeyInfo for matching type 0.
///
/// Results: `MXTRUST_RESULT_INSUFFICIENT_SIZE` with `*out_needed` (nothing
/// written); `MXTRUST_RESULT_BAD_DER`, `MXTRUST_RESULT_CERTIFICATE_TOO_LARGE`,
/// `MXTRUST_RESULT_UNSUPPORTED_PARAMETER` for a private or unassigned
/// selector or matching type; `MXTRUST_RESULT_NULL_PARAMETER`.
#[unsafe(no_mangle)]
pub extern "C" fn mxtrust_tlsa_association_data(
    cert: *const u8,
    cert_len: usize,
    selector: u8,
    matching_type: u8,
    out: *mut u8,
    out_len: usize,
    out_written: *mut usize,
    out_needed: *mut usize,
) -> mxtrust_result {
    boundary(|| {
        non_null(out_written)?;
        non_null(out_needed)?;
        let cert = slice(cert, cert_len)?;
        let out = slice_mut(out, out_len)?;
        match mxtrust_core::tlsa::association_data(
            cert,
            Selector::from(selector),
            MatchingType::from(matching_type),
            out,
        ) {
            Ok(written) => {
                put(out_written, written);
                Ok(())
            }
            Err(mxtrust_core::Error::BufferTooSmall { needed }) => {
                put(out_needed, needed);
                Err(mxtrust_result::InsufficientSize)
            }
            Err(e) => Err(e.into()),
        }
    })
}

/// Writes the presentation form of a record, `usage selector matching-type
/// hex` (lowercase hex), NUL-terminated, into `out`; `*out_written` is its
/// length without the NUL.
///
/// Results: `MXTRUST_RESULT_INSUFFICIENT_SIZE` with `*out_needed` including
/// the NUL (nothing written); `MXTRUST_RESULT_NULL_PARAMETER`.
#[unsafe(no_mangle)]
pub extern "C" fn mxtrust_tlsa_to_text(
    record: *const mxtrust_tlsa,
    out: *mut c_char,
    out_len: usize,
    out_written: *mut usize,
    out_needed: *mut usize,
) -> mxtrust_result {
    boundary(|| {
        non_null(record)?;
        non_null(out_written)?;
        non_null(out_needed)?;
        // SAFETY: non-NULL; the caller promises a valid record.
        let record = unsafe { &*record }.as_core()?;
        let mut counter = Counter(0);
        write!(counter, "{record}").map_err(|_| mxtrust_result::Panic)?;
        let needed = counter
            .0
            .checked_add(1)
            .ok_or(mxtrust_result::LengthTooLarge)?;
        let out = slice_mut(out.cast::<u8>(), out_len)?;
        let Some(out) = out.get_mut(..needed) else {
            put(out_needed, needed);
            return Err(mxtrust_result::InsufficientSize);
        };
        let mut writer = SliceWriter { out, pos: 0 };
        write!(writer, "{record}\0").map_err(|_| mxtrust_result::Panic)?;
        put(out_written, counter.0);
        Ok(())
    })
}

struct Counter(usize);

impl std::fmt::Write for Counter {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0 = self.0.checked_add(s.len()).ok_or(std::fmt::Error)?;
        Ok(())
    }
}

struct SliceWriter<'o> {
    out: &'o mut [u8],
    pos: usize,
}

impl std::fmt::Write for SliceWriter<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let end = self.pos.checked_add(s.len()).ok_or(std::fmt::Error)?;
        self.out
            .get_mut(self.pos..end)
            .ok_or(std::fmt::Error)?
            .copy_from_slice(s.as_bytes());
        self.pos = end;
        Ok(())
    }
}
