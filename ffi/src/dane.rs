//! DANE verification (RFC 6698, RFC 7671, RFC 7672).

use std::ffi::c_char;

use mxtrust_core::chain::{ChainProblem, Failure};
use mxtrust_core::dane::{self, AnchorSource, Options, Outcome, Profile, RecordStatus};
use mxtrust_core::tlsa::{DigestAlgorithm, DigestPreference, ProfileKind, Selection};
use mxtrust_core::{CertUsage, Selector, SignatureVerificationAlgorithm, Tlsa, TrustAnchor};
use rustls_pki_types::CertificateDer;

use crate::tlsa::unusable_code;
use crate::{
    boundary, bytes, c_str, mxtrust_result, mxtrust_result_type, mxtrust_slice, mxtrust_str,
    mxtrust_tlsa, mxtrust_unusable, needed, non_null, nth, put, put_all, slice, slice_mut,
    static_str,
};

/// ECDSA (P-256, P-384), Ed25519 and RSA (PKCS#1 v1.5 and PSS, 2048 to 8192
/// bits) through ring.
pub(crate) static ALGORITHMS: &[&dyn SignatureVerificationAlgorithm] =
    mxtrust_core::ring_algorithms_with_rsa!();

/// The DANE profile.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum mxtrust_profile {
    /// SMTP (RFC 7672), the default: DANE-TA(2) and DANE-EE(3) only.
    Smtp = 0,
    /// Generic DANE (RFC 6698, RFC 7671): PKIX-TA(0) and PKIX-EE(1) are
    /// usable too and need a PKIX path to the options' trust anchors.
    Generic = 1,
}

/// Which digest matching types are enabled, most preferred first
/// (RFC 7671 §9); a digest left out makes its records unusable.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum mxtrust_digest_preference {
    /// SHA2-512 over SHA2-256, the default (RFC 7671 §9, OpenSSL, Postfix).
    Sha512Sha256 = 0,
    /// SHA2-256 over SHA2-512.
    Sha256Sha512 = 1,
    /// Only SHA2-256.
    Sha256Only = 2,
    /// Only SHA2-512.
    Sha512Only = 3,
}

/// How to verify. A zeroed struct is the SMTP profile with the default
/// digest preference, no EE name checks, at time 0: set `time`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct mxtrust_dane_options {
    /// The validation time, seconds since the Unix epoch.
    pub time: u64,
    /// A `mxtrust_profile` value.
    pub profile: u32,
    /// A `mxtrust_digest_preference` value.
    pub digest_preference: u32,
    /// Check the leaf's names under DANE-EE(3) too (RFC 7672 §3.2.3 says
    /// not to).
    pub ee_name_checks: bool,
    /// DER certificates trusted as PKIX trust anchors for PKIX-TA(0) and
    /// PKIX-EE(1) under `MXTRUST_PROFILE_GENERIC`; ignored under SMTP. May
    /// be NULL when `trust_anchors_len` is 0.
    pub trust_anchors: *const mxtrust_slice,
    /// The number of trust anchors.
    pub trust_anchors_len: usize,
    /// Check every record even after a DANE-EE record authenticated the
    /// chain (a checker wants each status); an MTA leaves it false and
    /// saves path validations: such records come back
    /// `MXTRUST_RECORD_STATE_SKIPPED`.
    pub evaluate_all_records: bool,
}

/// The overall verdict of `mxtrust_dane_verify`.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum mxtrust_dane_status {
    /// A usable record authenticated the chain.
    Authenticated = 1,
    /// Every record is unusable: TLS is still mandatory, but the server is
    /// not authenticated (RFC 7672 §2.2); report `tlsa-invalid`.
    Unauthenticated = 2,
    /// Usable records exist and none authenticated the chain: do not
    /// deliver.
    Failed = 3,
}

/// Why usable records did not authenticate the chain. Values 9 to 16 are
/// X.509 path constraints (RFC 5280 §6.1).
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum mxtrust_dane_failure {
    /// No failure.
    None = 0,
    /// No usable record matched any certificate it applies to.
    NoMatch = 1,
    /// A record matched, but the leaf names none of the reference
    /// identifiers.
    NameMismatch = 2,
    /// A certificate the path needs has expired.
    Expired = 3,
    /// A certificate the path needs is not valid yet.
    NotYetValid = 4,
    /// No path from the leaf reaches the anchor.
    IssuerNotFound = 5,
    /// A signature on the path does not verify.
    BadSignature = 6,
    /// A signature uses an algorithm the library does not verify.
    UnsupportedSignatureAlgorithm = 7,
    /// A certificate the check needs does not parse.
    MalformedCertificate = 8,
    /// The leaf is a CA certificate.
    CaUsedAsEndEntity = 9,
    /// An issuer is not a CA.
    EndEntityUsedAsCa = 10,
    /// A pathLenConstraint is exceeded.
    PathLength = 11,
    /// The leaf's extendedKeyUsage lacks serverAuth.
    ExtendedKeyUsage = 12,
    /// A name constraint is violated.
    NameConstraints = 13,
    /// An unsupported critical extension.
    UnsupportedCriticalExtension = 14,
    /// Path building gave up (too many signatures, candidates or depth).
    ResourceLimit = 15,
    /// Any other X.509 constraint.
    InvalidChain = 16,
    /// The server presented more than `MXTRUST_MAX_CHAIN_LEN` certificates;
    /// only DANE-EE records were matched, against the leaf.
    ChainTooLong = 17,
    /// A presented certificate is larger than `MXTRUST_MAX_CERTIFICATE_LEN`
    /// octets.
    CertificateTooLarge = 18,
}

/// What became of one TLSA record.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum mxtrust_record_state {
    /// Unusable and ignored; `unusable` says why.
    Unusable = 1,
    /// Usable, but a more preferred digest is present for its usage and
    /// selector, so it was not considered (RFC 7671 §9).
    Superseded = 2,
    /// Matched no certificate it applies to.
    NotMatched = 3,
    /// Authenticates the chain.
    Matched = 4,
    /// Matched, but the rest of the check failed; `failure` says why.
    Rejected = 5,
    /// Takes part in matching (only from `mxtrust_tlsa_select_usable`).
    Usable = 6,
    /// Not checked: a DANE-EE record already authenticated the chain and
    /// `evaluate_all_records` is false.
    Skipped = 7,
}

/// The verdict of `mxtrust_dane_verify`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct mxtrust_dane_outcome {
    /// The verdict.
    pub status: mxtrust_dane_status,
    /// With `MXTRUST_DANE_STATUS_AUTHENTICATED`: the index of the record
    /// that authenticated the chain (the first, when several do).
    pub record: usize,
    /// With `MXTRUST_DANE_STATUS_AUTHENTICATED`: that record's usage.
    pub usage: u8,
    /// With `MXTRUST_DANE_STATUS_AUTHENTICATED`: the depth (0 = leaf) of the
    /// certificate or key it matched, as OpenSSL's `SSL_get0_dane_authority`
    /// counts it (a certificate the server did not present sits one above
    /// the topmost certificate of the validated path, the bare key of a
    /// `2 1 0` record at the depth of the certificate it signed); otherwise
    /// -1.
    pub depth: i32,
    /// With `MXTRUST_DANE_STATUS_FAILED`: why; otherwise
    /// `MXTRUST_DANE_FAILURE_NONE`.
    pub failure: mxtrust_dane_failure,
    /// The depth of the certificate the failure is about; -1 when unknown or
    /// not applicable.
    pub failure_depth: i32,
    /// The RFC 8460 result type to report; `MXTRUST_RESULT_TYPE_NONE` when
    /// authenticated.
    pub result_type: mxtrust_result_type,
    /// With `MXTRUST_DANE_STATUS_AUTHENTICATED`: where the certificate or
    /// key the record matched came from; otherwise
    /// `MXTRUST_ANCHOR_SOURCE_NONE`.
    pub anchor: mxtrust_anchor_source,
}

/// Where the certificate or key that authenticated a chain came from.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum mxtrust_anchor_source {
    /// Not authenticated.
    None = 0,
    /// The server presented it (the leaf for DANE-EE and PKIX-EE).
    Presented = 1,
    /// The TLSA record carries it (`2 0 0`, `2 1 0`): DNSSEC vouches for it.
    Dns = 2,
    /// The PKIX trust anchors of the generic profile.
    TrustStore = 3,
}

/// One TLSA record's status in the report of `mxtrust_dane_verify` (or of
/// `mxtrust_tlsa_select_usable`).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct mxtrust_record_status {
    /// What became of the record.
    pub state: mxtrust_record_state,
    /// With `MXTRUST_RECORD_STATE_UNUSABLE`: why.
    pub unusable: mxtrust_unusable,
    /// With `MATCHED` or `REJECTED`: the depth of the presented certificate
    /// it matched; -1 when none.
    pub depth: i32,
    /// With `MXTRUST_RECORD_STATE_REJECTED`: why.
    pub failure: mxtrust_dane_failure,
    /// With `MXTRUST_RECORD_STATE_REJECTED`: the depth the failure is about,
    /// -1 when unknown.
    pub failure_depth: i32,
}

impl mxtrust_record_status {
    const EMPTY: Self = Self {
        state: mxtrust_record_state::NotMatched,
        unusable: mxtrust_unusable::None,
        depth: -1,
        failure: mxtrust_dane_failure::None,
        failure_depth: -1,
    };

    fn from_core(status: &RecordStatus) -> Self {
        let base = Self::EMPTY;
        match *status {
            RecordStatus::Unusable(why) => Self {
                state: mxtrust_record_state::Unusable,
                unusable: unusable_code(&why),
                ..base
            },
            RecordStatus::Superseded => Self {
                state: mxtrust_record_state::Superseded,
                ..base
            },
            RecordStatus::NotMatched => base,
            RecordStatus::Skipped => Self {
                state: mxtrust_record_state::Skipped,
                ..base
            },
            RecordStatus::Matched { depth } => Self {
                state: mxtrust_record_state::Matched,
                depth: depth_code(depth),
                ..base
            },
            RecordStatus::Rejected { depth, failure } => {
                let (failure, failure_depth) = failure_code(&failure);
                Self {
                    state: mxtrust_record_state::Rejected,
                    depth: depth_code(depth),
                    failure,
                    failure_depth,
                    ..base
                }
            }
        }
    }

    pub(crate) fn from_selection(selection: &Selection) -> Self {
        match selection {
            Selection::Usable => Self {
                state: mxtrust_record_state::Usable,
                ..Self::EMPTY
            },
            Selection::Superseded => Self::from_core(&RecordStatus::Superseded),
            Selection::Unusable(why) => Self::from_core(&RecordStatus::Unusable(*why)),
        }
    }
}

fn depth_code(depth: Option<usize>) -> i32 {
    depth.and_then(|d| i32::try_from(d).ok()).unwrap_or(-1)
}

pub(crate) fn failure_code(failure: &Failure) -> (mxtrust_dane_failure, i32) {
    use mxtrust_dane_failure as F;
    match *failure {
        Failure::NoMatch => (F::NoMatch, -1),
        Failure::NameMismatch => (F::NameMismatch, -1),
        Failure::Expired { depth } => (F::Expired, depth_code(depth)),
        Failure::NotYetValid { depth } => (F::NotYetValid, depth_code(depth)),
        Failure::IssuerNotFound => (F::IssuerNotFound, -1),
        Failure::BadSignature => (F::BadSignature, -1),
        Failure::UnsupportedSignatureAlgorithm => (F::UnsupportedSignatureAlgorithm, -1),
        Failure::MalformedCertificate { depth } => (F::MalformedCertificate, depth_code(depth)),
        Failure::ChainTooLong => (F::ChainTooLong, -1),
        Failure::CertificateTooLarge { depth } => (F::CertificateTooLarge, depth_code(depth)),
        Failure::InvalidChain(problem) => (
            match problem {
                ChainProblem::CaUsedAsEndEntity => F::CaUsedAsEndEntity,
                ChainProblem::EndEntityUsedAsCa => F::EndEntityUsedAsCa,
                ChainProblem::PathLength => F::PathLength,
                ChainProblem::ExtendedKeyUsage => F::ExtendedKeyUsage,
                ChainProblem::NameConstraints => F::NameConstraints,
                ChainProblem::UnsupportedCriticalExtension => F::UnsupportedCriticalExtension,
                ChainProblem::ResourceLimit => F::ResourceLimit,
                ChainProblem::Other => F::InvalidChain,
            },
            -1,
        ),
    }
}

impl mxtrust_dane_outcome {
    fn from_core(outcome: &Outcome) -> Self {
        let base = Self {
            status: mxtrust_dane_status::Authenticated,
            record: 0,
            usage: 0,
            depth: -1,
            failure: mxtrust_dane_failure::None,
            failure_depth: -1,
            result_type: mxtrust_result_type::from_core(outcome.result_type()),
            anchor: mxtrust_anchor_source::None,
        };
        match outcome {
            Outcome::Authenticated(a) => Self {
                record: a.record,
                usage: a.usage.into(),
                depth: depth_code(Some(a.depth)),
                anchor: match a.anchor {
                    AnchorSource::Presented => mxtrust_anchor_source::Presented,
                    AnchorSource::Dns => mxtrust_anchor_source::Dns,
                    AnchorSource::TrustStore => mxtrust_anchor_source::TrustStore,
                },
                ..base
            },
            Outcome::Unauthenticated => Self {
                status: mxtrust_dane_status::Unauthenticated,
                ..base
            },
            Outcome::Failed(f) => {
                let (failure, failure_depth) = failure_code(f);
                Self {
                    status: mxtrust_dane_status::Failed,
                    failure,
                    failure_depth,
                    ..base
                }
            }
        }
    }
}

/// Converts at most `N` items, so that the core sees more than its limit
/// (and says so) without this crate copying an unbounded list.
pub(crate) fn first_n<'a, T, U: Copy, const N: usize>(
    items: &'a [T],
    empty: U,
    convert: impl Fn(&'a T) -> Result<U, mxtrust_result>,
) -> Result<([U; N], usize), mxtrust_result> {
    let mut out = [empty; N];
    let mut n = 0;
    for (slot, item) in out.iter_mut().zip(items) {
        *slot = convert(item)?;
        n += 1;
    }
    Ok((out, n))
}

/// The chain as the core takes it: at most one certificate beyond the limit.
pub(crate) type Chain<'a> = ([&'a [u8]; MAX_CHAIN_PLUS_ONE], usize);
const MAX_CHAIN_PLUS_ONE: usize = mxtrust_core::limits::MAX_CHAIN_LEN + 1;

pub(crate) fn chain_from<'a>(
    data: *const mxtrust_slice,
    len: usize,
) -> Result<Chain<'a>, mxtrust_result> {
    first_n(slice(data, len)?, &[][..], bytes)
}

/// DER certificates as rustls-webpki trust anchors.
pub(crate) fn trust_anchors<'a>(
    ders: &'a [CertificateDer<'a>],
) -> Result<Vec<TrustAnchor<'a>>, mxtrust_result> {
    ders.iter()
        .map(|der| {
            mxtrust_core::cert::Certificate::parse(der.as_ref())
                .and_then(|cert| cert.trust_anchor())
                .map_err(|_| mxtrust_result::InvalidTrustAnchor)
        })
        .collect()
}

pub(crate) fn certificate_ders<'a>(
    data: *const mxtrust_slice,
    len: usize,
) -> Result<Vec<CertificateDer<'a>>, mxtrust_result> {
    slice(data, len)?
        .iter()
        .map(|s| bytes(s).map(CertificateDer::from))
        .collect()
}

pub(crate) fn digest_preference(value: u32) -> Result<DigestPreference, mxtrust_result> {
    Ok(match value {
        0 => DigestPreference::SHA512_SHA256,
        1 => DigestPreference::SHA256_SHA512,
        2 => DigestPreference::only(DigestAlgorithm::Sha256),
        3 => DigestPreference::only(DigestAlgorithm::Sha512),
        _ => return Err(mxtrust_result::InvalidParameter),
    })
}

pub(crate) fn profile_kind(profile: u32) -> Result<ProfileKind, mxtrust_result> {
    match profile {
        0 => Ok(ProfileKind::Smtp),
        1 => Ok(ProfileKind::Generic),
        _ => Err(mxtrust_result::InvalidParameter),
    }
}

/// Runs `f` with core options made from `options`.
fn with_options<R>(
    options: &mxtrust_dane_options,
    f: impl FnOnce(&Options<'_>) -> Result<R, mxtrust_result>,
) -> Result<R, mxtrust_result> {
    let digest_preference = digest_preference(options.digest_preference)?;
    let generic = matches!(profile_kind(options.profile)?, ProfileKind::Generic);
    let ders = if generic {
        certificate_ders(options.trust_anchors, options.trust_anchors_len)?
    } else {
        Vec::new()
    };
    let anchors = trust_anchors(&ders)?;
    let anchor_certificates: Vec<&[u8]> = ders.iter().map(|der| der.as_ref()).collect();
    let profile = if generic {
        Profile::Generic {
            trust_anchors: &anchors,
            anchor_certificates: &anchor_certificates,
        }
    } else {
        Profile::Smtp
    };
    f(&Options {
        time: mxtrust_core::time::unix_time(options.time),
        profile,
        digest_preference,
        ee_name_checks: options.ee_name_checks,
        evaluate_all_records: options.evaluate_all_records,
        signature_algorithms: ALGORITHMS,
    })
}

const EMPTY_TLSA: Tlsa<'static> = Tlsa {
    usage: CertUsage::DaneEe,
    selector: Selector::Spki,
    matching_type: mxtrust_core::MatchingType::Sha256,
    data: &[],
};
const MAX_RECORDS_PLUS_ONE: usize = mxtrust_core::limits::MAX_TLSA_RECORDS + 1;

fn records_from<'a>(
    data: *const mxtrust_tlsa,
    len: usize,
) -> Result<([Tlsa<'a>; MAX_RECORDS_PLUS_ONE], usize), mxtrust_result> {
    first_n(slice(data, len)?, EMPTY_TLSA, mxtrust_tlsa::as_core)
}

/// Verifies a presented certificate chain against a TLSA RRset
/// (RFC 6698, RFC 7671; RFC 7672 under the SMTP profile).
///
/// - `chain`, `chain_len`: the DER certificates the server presented, leaf
///   first (extra and out-of-order intermediates are tolerated). A chain
///   longer than `MXTRUST_MAX_CHAIN_LEN`, or with a certificate larger than
///   `MXTRUST_MAX_CERTIFICATE_LEN`, is the server's doing and gets a
///   verdict: DANE-EE records are matched against the leaf, every other
///   usable record fails with `MXTRUST_DANE_FAILURE_CHAIN_TOO_LONG` or
///   `MXTRUST_DANE_FAILURE_CERTIFICATE_TOO_LARGE`.
/// - `records`, `records_len`: the TLSA RRset, which the caller has
///   validated with DNSSEC.
/// - `reference_ids`, `reference_ids_len`: NUL-terminated names the leaf
///   must match for DANE-TA (and DANE-EE with `ee_name_checks`): the TLSA
///   base domain first, then e.g. the MX host; a name starting with `.`
///   matches any subdomain (RFC 7672 §3.2.3).
/// - `report`, `report_len`: one `mxtrust_record_status` per record is
///   written there on success.
///
/// Results: `MXTRUST_RESULT_OK` with `*out_outcome` (which may be a failed
/// verification: see `status`); `MXTRUST_RESULT_INSUFFICIENT_SIZE` with
/// `*out_needed` = `records_len` when `report_len` is smaller;
/// `MXTRUST_RESULT_EMPTY_CHAIN`, `MXTRUST_RESULT_TOO_MANY_RECORDS`,
/// `MXTRUST_RESULT_NO_REFERENCE_IDS`, `MXTRUST_RESULT_TOO_MANY_REFERENCE_IDS`,
/// `MXTRUST_RESULT_INVALID_REFERENCE_NAME`, `MXTRUST_RESULT_INVALID_UTF8`,
/// `MXTRUST_RESULT_INVALID_PARAMETER` (options), `MXTRUST_RESULT_INVALID_TRUST_ANCHOR`,
/// `MXTRUST_RESULT_NULL_PARAMETER`.
#[unsafe(no_mangle)]
pub extern "C" fn mxtrust_dane_verify(
    chain: *const mxtrust_slice,
    chain_len: usize,
    records: *const mxtrust_tlsa,
    records_len: usize,
    reference_ids: *const *const c_char,
    reference_ids_len: usize,
    options: *const mxtrust_dane_options,
    report: *mut mxtrust_record_status,
    report_len: usize,
    out_outcome: *mut mxtrust_dane_outcome,
    out_needed: *mut usize,
) -> mxtrust_result {
    boundary(|| {
        non_null(options)?;
        non_null(out_outcome)?;
        non_null(out_needed)?;
        // SAFETY: non-NULL; the caller promises a valid options struct.
        let options = unsafe { &*options };
        let (chain, chain_n) = chain_from(chain, chain_len)?;
        let (records, records_n) = records_from(records, records_len)?;
        let (names, names_n) = first_n::<_, _, { mxtrust_core::limits::MAX_REFERENCE_IDS + 1 }>(
            slice(reference_ids, reference_ids_len)?,
            "",
            |p| c_str(*p),
        )?;
        let report = slice_mut(report, report_len)?;
        let mut statuses = [RecordStatus::EMPTY; mxtrust_core::limits::MAX_TLSA_RECORDS];
        let room = report_len.min(statuses.len());
        let outcome = with_options(options, |opts| {
            dane::verify(
                chain.get(..chain_n).unwrap_or(&[]),
                records.get(..records_n).unwrap_or(&[]),
                names.get(..names_n).unwrap_or(&[]),
                opts,
                statuses.get_mut(..room).unwrap_or(&mut []),
            )
            .map_err(|e| needed(e, out_needed))
        })?;
        put_all(
            report,
            statuses
                .iter()
                .take(records_n)
                .map(mxtrust_record_status::from_core),
        );
        put(out_outcome, mxtrust_dane_outcome::from_core(&outcome));
        Ok(())
    })
}

/// The core's failures in the order of `mxtrust_dane_failure` values (from 1).
const FAILURES: [Failure; 18] = [
    Failure::NoMatch,
    Failure::NameMismatch,
    Failure::Expired { depth: None },
    Failure::NotYetValid { depth: None },
    Failure::IssuerNotFound,
    Failure::BadSignature,
    Failure::UnsupportedSignatureAlgorithm,
    Failure::MalformedCertificate { depth: None },
    Failure::InvalidChain(ChainProblem::CaUsedAsEndEntity),
    Failure::InvalidChain(ChainProblem::EndEntityUsedAsCa),
    Failure::InvalidChain(ChainProblem::PathLength),
    Failure::InvalidChain(ChainProblem::ExtendedKeyUsage),
    Failure::InvalidChain(ChainProblem::NameConstraints),
    Failure::InvalidChain(ChainProblem::UnsupportedCriticalExtension),
    Failure::InvalidChain(ChainProblem::ResourceLimit),
    Failure::InvalidChain(ChainProblem::Other),
    Failure::ChainTooLong,
    Failure::CertificateTooLarge { depth: None },
];

/// A description of a `mxtrust_dane_failure` value, e.g. `"certificate
/// expired"`; empty (`len` 0) for `MXTRUST_DANE_FAILURE_NONE` and unknown
/// values.
#[unsafe(no_mangle)]
pub extern "C" fn mxtrust_dane_failure_str(failure: u32) -> mxtrust_str {
    static_str(|| nth(&FAILURES, failure).map_or("", Failure::description))
}

/// The stable code of a `mxtrust_dane_failure` value, such as `"no-match"`
/// (the same codes as the CLI's JSON `failure_code`); empty (`len` 0) for
/// `MXTRUST_DANE_FAILURE_NONE` and unknown values.
#[unsafe(no_mangle)]
pub extern "C" fn mxtrust_dane_failure_code(failure: u32) -> mxtrust_str {
    static_str(|| nth(&FAILURES, failure).map_or("", Failure::code))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests::text_of;

    #[test]
    fn failures_follow_the_c_values_and_give_the_cores_text() {
        for (i, f) in FAILURES.iter().enumerate() {
            let value = failure_code(f).0 as u32;
            assert_eq!(value as usize, i + 1);
            assert_eq!(text_of(mxtrust_dane_failure_code(value)), f.code());
            assert_eq!(text_of(mxtrust_dane_failure_str(value)), f.description());
        }
        for none in [0, 19] {
            assert_eq!(text_of(mxtrust_dane_failure_str(none)), "");
            assert_eq!(text_of(mxtrust_dane_failure_code(none)), "");
        }
    }
}
