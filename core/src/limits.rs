//! Documented size and count limits. Input beyond any of them is rejected
//! with a typed [`Error`](crate::Error), never truncated.

/// Most certificates a presented chain may hold (leaf included).
pub const MAX_CHAIN_LEN: usize = 16;

/// Largest DER certificate accepted, in octets.
pub const MAX_CERTIFICATE_LEN: usize = 65_535;

/// Most TLSA records in one RRset given to [`crate::dane::verify`].
pub const MAX_TLSA_RECORDS: usize = 64;

/// Most reference identifiers given to [`crate::dane::verify`].
pub const MAX_REFERENCE_IDS: usize = 16;

/// Longest DNS name in presentation form without the trailing dot (RFC 1035
/// §2.3.4 allows 255 octets on the wire, 253 in text).
pub const MAX_NAME_LEN: usize = 253;

/// Longest TLSA certificate association data, in octets: the whole RDATA of
/// a DNS resource record is at most 65535 octets, 3 of them the fields.
pub const MAX_TLSA_DATA_LEN: usize = 65_532;
