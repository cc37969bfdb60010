//! TLSA records: parsing, association data, presentation form.

use std::ffi::c_char;
use std::fmt::Write as _;

use mxtrust_core::tlsa::{self, DigestAlgorithm, Selection, Unusable};
use mxtrust_core::{CertUsage, Error, MatchingType, Selector, Tlsa};

use crate::dane::{digest_preference, profile_kind};
use crate::{
    boundary, mxtrust_dane_options, mxtrust_record_status, mxtrust_result, mxtrust_str, needed,
    non_null, nth, put, put_all, slice, slice_mut, static_str,
};

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

/// Why a TLSA record is unusable (RFC 7671 §4.1, RFC 7672 §3.1).
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum mxtrust_unusable {
    /// The record is not unusable.
    None = 0,
    /// PKIX-TA(0) or PKIX-EE(1) under the SMTP profile.
    UsageNotInProfile = 1,
    /// PrivCert(255) or an unassigned usage.
    UnknownUsage = 2,
    /// PrivSel(255) or an unassigned selector.
    UnknownSelector = 3,
    /// PrivMatch(255) or an unassigned matching type.
    UnknownMatchingType = 4,
    /// A digest the digest preference disables.
    DisabledDigest = 5,
    /// Data whose length is not the digest's (32 or 64 octets).
    DigestLength = 6,
    /// Full(0) data of selector 0 that is not exactly one DER certificate.
    MalformedCertificate = 7,
    /// Full(0) data of selector 1 that is not exactly one SubjectPublicKeyInfo.
    MalformedSpki = 8,
    /// No certificate association data.
    EmptyData = 9,
}

pub(crate) fn unusable_code(why: &Unusable) -> mxtrust_unusable {
    use mxtrust_unusable as U;
    match why {
        Unusable::UsageNotInProfile(_) => U::UsageNotInProfile,
        Unusable::UnknownUsage(_) => U::UnknownUsage,
        Unusable::UnknownSelector(_) => U::UnknownSelector,
        Unusable::UnknownMatchingType(_) => U::UnknownMatchingType,
        Unusable::DisabledDigest(_) => U::DisabledDigest,
        Unusable::DigestLength { .. } => U::DigestLength,
        Unusable::MalformedCertificate => U::MalformedCertificate,
        Unusable::MalformedSpki => U::MalformedSpki,
        Unusable::EmptyData => U::EmptyData,
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
        let record = Tlsa::parse_text(line, storage).map_err(|e| needed(e, out_needed))?;
        put(out_record, mxtrust_tlsa::from_core(&record));
        Ok(())
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
        let written = tlsa::association_data(
            cert,
            Selector::from(selector),
            MatchingType::from(matching_type),
            out,
        )
        .map_err(|e| needed(e, out_needed))?;
        put(out_written, written);
        Ok(())
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
        let size = counter
            .0
            .checked_add(1)
            .ok_or(mxtrust_result::LengthTooLarge)?;
        let out = slice_mut(out.cast::<u8>(), out_len)?;
        let Some(out) = out.get_mut(..size) else {
            return Err(needed(Error::BufferTooSmall { needed: size }, out_needed));
        };
        let mut writer = SliceWriter { out, pos: 0 };
        write!(writer, "{record}\0").map_err(|_| mxtrust_result::Panic)?;
        put(out_written, counter.0);
        Ok(())
    })
}

/// Classifies every record of a TLSA RRset before any matching: unusable
/// records with their reason, and, per usage and selector, which digest
/// records digest agility supersedes (RFC 7671 §9). Only `profile` and
/// `digest_preference` of `options` are read. An RRset in which no record
/// comes out `MXTRUST_RECORD_STATE_USABLE` or `SUPERSEDED` is "all
/// unusable" for `mxtrust_mx_decide`.
///
/// Results: `MXTRUST_RESULT_INSUFFICIENT_SIZE` with `*out_needed` =
/// `records_len` (nothing written); `MXTRUST_RESULT_INVALID_PARAMETER`;
/// `MXTRUST_RESULT_NULL_PARAMETER`.
#[unsafe(no_mangle)]
pub extern "C" fn mxtrust_tlsa_select_usable(
    records: *const mxtrust_tlsa,
    records_len: usize,
    options: *const mxtrust_dane_options,
    out: *mut mxtrust_record_status,
    out_len: usize,
    out_needed: *mut usize,
) -> mxtrust_result {
    boundary(|| {
        non_null(options)?;
        non_null(out_needed)?;
        // SAFETY: non-NULL; the caller promises a valid options struct.
        let options = unsafe { &*options };
        let preference = digest_preference(options.digest_preference)?;
        let profile = profile_kind(options.profile)?;
        let records = slice(records, records_len)?
            .iter()
            .map(mxtrust_tlsa::as_core)
            .collect::<Result<Vec<_>, _>>()?;
        let out = slice_mut(out, out_len)?;
        let mut selections = vec![Selection::Usable; records.len().min(out.len())];
        tlsa::select_usable(&records, profile, &preference, &mut selections)
            .map_err(|e| needed(e, out_needed))?;
        put_all(
            out,
            selections.iter().map(mxtrust_record_status::from_selection),
        );
        Ok(())
    })
}

/// Whether some record of a TLSA RRset is usable under the `profile` and
/// `digest_preference` of `options` (RFC 7672 §2.2): the
/// `tlsa_some_usable` input of `mxtrust_mx_decide`. Writes
/// `*out_some_usable` on success.
///
/// Results: `MXTRUST_RESULT_TOO_MANY_RECORDS`,
/// `MXTRUST_RESULT_INVALID_PARAMETER`, `MXTRUST_RESULT_NULL_PARAMETER`.
#[unsafe(no_mangle)]
pub extern "C" fn mxtrust_tlsa_some_usable(
    records: *const mxtrust_tlsa,
    records_len: usize,
    options: *const mxtrust_dane_options,
    out_some_usable: *mut bool,
) -> mxtrust_result {
    boundary(|| {
        non_null(options)?;
        non_null(out_some_usable)?;
        // SAFETY: non-NULL; the caller promises a valid options struct.
        let options = unsafe { &*options };
        let preference = digest_preference(options.digest_preference)?;
        let profile = profile_kind(options.profile)?;
        if records_len > mxtrust_core::limits::MAX_TLSA_RECORDS {
            return Err(mxtrust_result::TooManyRecords);
        }
        let records = slice(records, records_len)?
            .iter()
            .map(mxtrust_tlsa::as_core)
            .collect::<Result<Vec<_>, _>>()?;
        put(
            out_some_usable,
            tlsa::any_usable(&records, profile, &preference),
        );
        Ok(())
    })
}

/// The core's reasons in the order of `mxtrust_unusable` values (from 1).
const UNUSABLES: [Unusable; 9] = [
    Unusable::UsageNotInProfile(CertUsage::PkixTa),
    Unusable::UnknownUsage(CertUsage::PrivCert),
    Unusable::UnknownSelector(Selector::PrivSel),
    Unusable::UnknownMatchingType(mxtrust_core::MatchingType::PrivMatch),
    Unusable::DisabledDigest(DigestAlgorithm::Sha256),
    Unusable::DigestLength {
        digest: DigestAlgorithm::Sha256,
        actual: 0,
    },
    Unusable::MalformedCertificate,
    Unusable::MalformedSpki,
    Unusable::EmptyData,
];

/// A description of a `mxtrust_unusable` value, e.g. `"unknown selector"`;
/// empty (`len` 0) for `MXTRUST_UNUSABLE_NONE` and unknown values.
#[unsafe(no_mangle)]
pub extern "C" fn mxtrust_unusable_str(unusable: u32) -> mxtrust_str {
    static_str(|| nth(&UNUSABLES, unusable).map_or("", Unusable::description))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests::text_of;

    #[test]
    fn unusables_follow_the_c_values_and_give_the_cores_text() {
        for (i, u) in UNUSABLES.iter().enumerate() {
            let value = unusable_code(u) as u32;
            assert_eq!(value as usize, i + 1);
            assert_eq!(text_of(mxtrust_unusable_str(value)), u.description());
        }
        assert_eq!(text_of(mxtrust_unusable_str(0)), "");
        assert_eq!(text_of(mxtrust_unusable_str(10)), "");
    }
}
