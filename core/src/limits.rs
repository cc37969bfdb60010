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

/// Largest MTA-STS policy body accepted, in octets (64 KiB). RFC 8461 §3.3
/// lets senders bound the policy size and suggests 64 KiB.
pub const MAX_POLICY_LEN: usize = 65_536;

/// Longest line of an MTA-STS policy body, terminator excluded. No field of
/// RFC 8461 §3.2 comes close (an `mx` line is at most `mx: ` plus 255 octets).
pub const MAX_POLICY_LINE_LEN: usize = 1_024;

/// Most valid `mx` patterns in one MTA-STS policy (RFC 8461 §3.2). A policy
/// with more is rejected; this is also what a cache entry holds.
pub const MAX_MX_PATTERNS: usize = 64;

/// Longest MTA-STS policy `id` (RFC 8461 §3.1: `1*32(ALPHA / DIGIT)`).
pub const MAX_STS_ID_LEN: usize = 32;

/// Most report URIs in a TLSRPT `rua` field (RFC 8460 §3) that mxtrust
/// accepts; a record with more is rejected.
pub const MAX_TLSRPT_URIS: usize = 16;

/// Shortest back-off after a failed policy fetch, in seconds (5 minutes).
/// RFC 8461 §5.1 asks senders not to refetch on every message.
pub const MIN_FETCH_BACKOFF_SECS: u64 = 300;

/// Most MX records in one RRset given to [`crate::mx::hosts`]. RFC 5321
/// §5.1 sets no number; real RRsets hold a handful, and a sender tries only
/// a few hosts anyway. A larger RRset is rejected, not cut short.
pub const MAX_MX_HOSTS: usize = 32;

/// Most CNAME steps in the chain given to
/// [`crate::base_domain::candidates`]. RFC 1034 sets no number; real chains
/// are a step or two, and a resolver gives up long before this.
pub const MAX_CNAME_CHAIN: usize = 16;

/// The largest `max_age` RFC 8461 §3.2 allows, in seconds (about one year);
/// a policy with more is clamped to it with a warning.
pub const MAX_MAX_AGE: u32 = 31_557_600;

/// Most slots one [`crate::cache::PolicyCache`] uses; slots beyond are left
/// alone.
pub const MAX_CACHE_SLOTS: usize = 1 << 30;

/// Most arena octets one [`crate::cache::PolicyCache`] uses; octets beyond
/// are left alone.
pub const MAX_CACHE_TEXT: usize = 1 << 31;

/// Back-off records a [`crate::cache::PolicyCache`] keeps for domains that
/// found it full (see the module documentation of [`crate::cache`]).
pub const OVERFLOW_BACKOFFS: usize = 16;

/// Name-constraint subtree comparisons allowed per candidate path when a
/// leaf's CN stands in for a DNS-ID, as rustls-webpki's own budget for its
/// checks; past it the path fails with `resource-limit`.
pub const MAX_NAME_CONSTRAINT_COMPARISONS: usize = 250_000;
