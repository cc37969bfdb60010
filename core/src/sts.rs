//! MTA-STS discovery (RFC 8461 §3.1) and the certificate check that a
//! policy in `enforce` or `testing` mode asks for (RFC 8461 §4.2).
//!
//! The `_mta-sts` TXT record only says that a policy exists and which
//! version (`id`) is current; the policy itself lives in [`crate::policy`].
//! Whether an MX host is *allowed* by a policy is
//! [`Policy::allows_mx`](crate::policy::Policy::allows_mx); whether a
//! certificate *names* that host is [`check_certificate`]. The two are kept
//! apart on purpose: RFC 8461 §4.1 and §4.2 are separate checks with separate
//! failure reports.

use crate::Error;
use crate::cert::Certificate;
use crate::chain::{self, Failure};
use crate::limits::{MAX_CERTIFICATE_LEN, MAX_CHAIN_LEN, MAX_STS_ID_LEN};
use crate::name::presented_matches_host;
use crate::time::UnixTime;
use crate::tlsrpt::ResultType;
pub use crate::txt::Unavailable;
use crate::txt::{self, for_each_field, is_ext_value, version_rest};
use crate::{SignatureVerificationAlgorithm, TrustAnchor};
use core::fmt;

const VERSION: &[u8] = b"v=STSv1";

/// An MTA-STS policy `id` (RFC 8461 §3.1: `sts-id = %s"id=" 1*32(ALPHA /
/// DIGIT)`), copied out of the TXT record so that it outlives it.
///
/// Two ids are the same policy version only when they are equal octet for
/// octet (RFC 8461 §3.1: "a change in the `id` field indicates a new policy").
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PolicyId {
    bytes: [u8; MAX_STS_ID_LEN],
    len: u8,
}

impl PolicyId {
    /// Checks and copies an id.
    ///
    /// # Errors
    ///
    /// [`Error::StsInvalidId`] unless `id` is 1 to 32 ASCII letters and digits.
    ///
    /// # Examples
    ///
    /// ```
    /// use mxtrust::sts::PolicyId;
    /// assert_eq!(PolicyId::new(b"20160831085700Z")?.as_str(), "20160831085700Z");
    /// assert!(PolicyId::new(b"2016-08-31").is_err());
    /// # Ok::<(), mxtrust::Error>(())
    /// ```
    pub fn new(id: &[u8]) -> Result<Self, Error> {
        if id.is_empty() || id.len() > MAX_STS_ID_LEN {
            return Err(Error::StsInvalidId);
        }
        // Checked and copied in one pass: a separate check and a `memcpy`
        // call of a length known only here cost the `_mta-sts` record
        // parse a fifth of its instructions.
        let mut bytes = [0; MAX_STS_ID_LEN];
        let mut alphanumeric = true;
        for (slot, &b) in bytes.iter_mut().zip(id) {
            *slot = b;
            alphanumeric &= b.is_ascii_alphanumeric();
        }
        let len = u8::try_from(id.len()).map_err(|_| Error::StsInvalidId)?;
        if !alphanumeric {
            return Err(Error::StsInvalidId);
        }
        Ok(Self { bytes, len })
    }

    /// The id's octets.
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..usize::from(self.len)).unwrap_or(&[])
    }

    /// The id as text (always ASCII letters and digits).
    pub fn as_str(&self) -> &str {
        core::str::from_utf8(self.as_bytes()).unwrap_or("")
    }
}

impl fmt::Debug for PolicyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PolicyId({:?})", self.as_str())
    }
}

impl fmt::Display for PolicyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A parsed `_mta-sts` TXT record (RFC 8461 §3.1). Extension fields are
/// checked for syntax and otherwise ignored, as §3.1 requires.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Record {
    id: PolicyId,
}

impl Record {
    /// Parses one record, its character-strings already concatenated.
    ///
    /// The grammar is RFC 8461 §3.1: `v=STSv1` first, fields separated by
    /// `*WSP ";" *WSP`, one optional trailing separator. The first `id`
    /// field counts; later ones, and unknown fields, only need valid syntax.
    ///
    /// # Errors
    ///
    /// [`Error::StsRecordSyntax`] for anything off the grammar,
    /// [`Error::StsMissingId`] without an `id` field, and
    /// [`Error::StsInvalidId`] when the first `id` is not 1 to 32 letters and
    /// digits.
    ///
    /// # Examples
    ///
    /// ```
    /// use mxtrust::sts::Record;
    /// let r = Record::parse(b"v=STSv1; id=20160831085700Z;")?;
    /// assert_eq!(r.id().as_str(), "20160831085700Z");
    /// # Ok::<(), mxtrust::Error>(())
    /// ```
    pub fn parse(record: &[u8]) -> Result<Self, Error> {
        // The form RFC 8461 §3.1 shows and nearly every domain publishes,
        // `v=STSv1; id=<id>;` (the last ";" optional), read without the
        // field walk; anything else, a bad id included, goes the general
        // way, which finds the same id for this form.
        let canonical = record
            .strip_prefix(b"v=STSv1; id=")
            .map(|id| id.strip_suffix(b";").unwrap_or(id))
            .and_then(|id| PolicyId::new(id).ok());
        match canonical {
            Some(id) => Ok(Self { id }),
            None => Self::parse_general(record),
        }
    }

    /// [`Self::parse`] by the field walk, for any record.
    fn parse_general(record: &[u8]) -> Result<Self, Error> {
        let rest = version_rest(record, VERSION).ok_or(Error::StsRecordSyntax)?;
        let mut id = None;
        for_each_field(rest, Error::StsRecordSyntax, |name, value| {
            if name == b"id" && id.is_none() {
                id = Some(PolicyId::new(value)?);
            } else if !is_ext_value(value) {
                return Err(Error::StsRecordSyntax);
            }
            Ok(())
        })?;
        Ok(Self {
            id: id.ok_or(Error::StsMissingId)?,
        })
    }

    /// The policy id.
    pub fn id(&self) -> PolicyId {
        self.id
    }
}

/// What a `_mta-sts` TXT RRset says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lookup {
    /// Exactly one valid `v=STSv1` record.
    Found(Record),
    /// The domain has no MTA-STS policy, for the reason given.
    NoPolicy(Unavailable),
}

/// Selects and parses the MTA-STS record of a `_mta-sts` TXT RRset
/// (RFC 8461 §3.1): records that do not start with `v=STSv1` are discarded,
/// and exactly one must remain.
///
/// Each record is the list of its character-strings, which are concatenated
/// without separators (RFC 7208 §3.3 style, as RFC 8461 §3.1 expects). A
/// record of one string is read in place; a longer one is first copied into
/// `scratch`, which needs as many octets as the record has.
///
/// # Errors
///
/// Only [`Error::BufferTooSmall`] (with the record's length), when the
/// selected record has several strings and does not fit in `scratch`. A
/// malformed record is [`Lookup::NoPolicy`] with
/// [`Unavailable::Invalid`].
///
/// # Examples
///
/// ```
/// use mxtrust::sts::{select, Lookup, Unavailable};
/// let rrset: &[&[&[u8]]] = &[&[b"v=spf1 -all"], &[b"v=STSv1; ", b"id=abc123"]];
/// let mut scratch = [0u8; 256];
/// match select(rrset, &mut scratch)? {
///     Lookup::Found(r) => assert_eq!(r.id().as_str(), "abc123"),
///     Lookup::NoPolicy(why) => panic!("{why:?}"),
/// }
/// let empty: &[&[&[u8]]] = &[];
/// assert_eq!(select(empty, &mut scratch)?, Lookup::NoPolicy(Unavailable::NoRecord));
/// # Ok::<(), mxtrust::Error>(())
/// ```
pub fn select(rrset: &[&[&[u8]]], scratch: &mut [u8]) -> Result<Lookup, Error> {
    Ok(match txt::select(rrset, VERSION, scratch, Record::parse)? {
        Ok(record) => Lookup::Found(record),
        Err(why) => Lookup::NoPolicy(why),
    })
}

/// The result of the MTA-STS certificate check of RFC 8461 §4.2.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CertOutcome {
    /// The chain validates to a trusted root, and a subjectAltName DNS-ID
    /// names the MX host.
    Valid,
    /// The check failed; [`Failure::result_type`] is what to report.
    Invalid(Failure),
}

impl CertOutcome {
    /// The RFC 8460 result type to report, if the check failed.
    pub fn result_type(&self) -> Option<ResultType> {
        match self {
            Self::Valid => None,
            Self::Invalid(failure) => Some(failure.result_type()),
        }
    }
}

/// Checks a presented chain the way RFC 8461 §4.2 requires under an
/// `enforce` or `testing` policy: the chain validates (PKIX, RFC 5280) to
/// one of `trust_anchors` for TLS server authentication at `time` (seconds
/// since the Unix epoch; every certificate on the path must be within its
/// validity period), and one of the leaf's subjectAltName DNS-IDs matches
/// `mx_host` (RFC 8461 §4.1: wildcards cover one leftmost label; the subject
/// common name is not consulted). Trust is checked before names.
///
/// `chain` is leaf first, then intermediates, in DER. The failure says what
/// went wrong ([`Failure`]) and maps to its RFC 8460 §4.3.1 result type:
/// `certificate-expired`, `certificate-not-trusted` (unknown issuer, bad
/// signature, no usable algorithm, constraint violations),
/// `certificate-host-mismatch`, or `validation-failure`.
///
/// # Errors
///
/// [`Error::EmptyChain`] only. A chain longer than [`MAX_CHAIN_LEN`] or
/// with a certificate larger than [`MAX_CERTIFICATE_LEN`] is the server's
/// doing and fails the check with [`Failure::ChainTooLong`] or
/// [`Failure::CertificateTooLarge`] (`validation-failure`).
pub fn check_certificate(
    chain: &[&[u8]],
    mx_host: &[u8],
    time: UnixTime,
    trust_anchors: &[TrustAnchor<'_>],
    algs: &[&dyn SignatureVerificationAlgorithm],
) -> Result<CertOutcome, Error> {
    let (leaf, intermediates) = chain.split_first().ok_or(Error::EmptyChain)?;
    // The server chose the chain: past a limit it fails the check, never
    // with an `Err` a caller might take for "no policy applies".
    if chain.len() > MAX_CHAIN_LEN {
        return Ok(CertOutcome::Invalid(Failure::ChainTooLong));
    }
    if let Some(depth) = chain.iter().position(|c| c.len() > MAX_CERTIFICATE_LEN) {
        return Ok(CertOutcome::Invalid(Failure::CertificateTooLarge {
            depth: Some(depth),
        }));
    }
    let malformed = CertOutcome::Invalid(Failure::MalformedCertificate { depth: Some(0) });
    let Ok(parsed) = Certificate::parse(leaf) else {
        return Ok(malformed);
    };
    match chain::validate(
        &parsed,
        intermediates.iter().copied(),
        trust_anchors,
        time,
        algs,
        None,
    ) {
        Ok(_) => {}
        Err(chain::PathError::MalformedLeaf) => return Ok(malformed),
        Err(chain::PathError::Webpki(error)) => {
            return Ok(CertOutcome::Invalid(chain::classify(&error)));
        }
    }
    if !parsed
        .dns_names()
        .any(|name| presented_matches_host(name, mx_host))
    {
        return Ok(CertOutcome::Invalid(Failure::NameMismatch));
    }
    Ok(CertOutcome::Valid)
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4096))]

        /// The canonical form's shortcut finds what the field walk finds.
        #[test]
        fn canonical_form_is_the_general_form(
            tail in "[a-zA-Z0-9]{0,34};?|[a-zA-Z0-9 ;=_.-]{0,36}",
            head in proptest::sample::select(std::vec!["v=STSv1; id=", "v=STSv1;id=", "v=STSv1; id= ", "v=STSv1; ID=", "v=STSv1;  id="]),
        ) {
            let record = std::format!("{head}{tail}");
            proptest::prop_assert_eq!(
                Record::parse(record.as_bytes()),
                Record::parse_general(record.as_bytes()),
                "{:?}", record
            );
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4096))]

        /// An id is 1 to 32 ASCII letters and digits, kept octet for octet.
        #[test]
        fn policy_ids_are_short_alphanumerics(id in proptest::collection::vec(proptest::sample::select(std::vec![b'a', b'Z', b'0', b'9', b'-', b'.', b' ', 0xc3, b'@', b'[', b'`', b'{', b'/', b':']), 0..36)) {
            let valid = (1..=MAX_STS_ID_LEN).contains(&id.len()) && id.iter().all(u8::is_ascii_alphanumeric);
            match PolicyId::new(&id) {
                Ok(policy_id) => {
                    proptest::prop_assert!(valid, "{:?}", id);
                    proptest::prop_assert_eq!(policy_id.as_bytes(), &id[..]);
                }
                Err(e) => {
                    proptest::prop_assert!(!valid, "{:?}", id);
                    proptest::prop_assert_eq!(e, Error::StsInvalidId);
                }
            }
        }
    }

    /// RFC 8461 §3.1 grammar, clause by clause: (record, expected id or error).
    const RECORD_CASES: &[(&str, Result<&str, Error>)] = &[
        // sts-version first, sts-id required.
        ("v=STSv1; id=20160831085700Z;", Ok("20160831085700Z")),
        ("v=STSv1; id=20160831085700Z", Ok("20160831085700Z")),
        ("v=STSv1;id=a", Ok("a")),
        ("v=STSv1 ; id=a", Ok("a")),
        ("v=STSv1\t;\tid=a\t;\t", Ok("a")),
        ("v=STSv1; id=a ;", Ok("a")),
        ("v=STSv1", Err(Error::StsMissingId)),
        ("v=STSv1;", Err(Error::StsMissingId)),
        ("v=STSv1; ext=1", Err(Error::StsMissingId)),
        (" v=STSv1; id=a", Err(Error::StsRecordSyntax)),
        ("id=a; v=STSv1", Err(Error::StsRecordSyntax)),
        ("V=STSv1; id=a", Err(Error::StsRecordSyntax)),
        ("v=stsv1; id=a", Err(Error::StsRecordSyntax)),
        ("v=STSv1 id=a", Err(Error::StsRecordSyntax)),
        // sts-field-delim = *WSP ";" *WSP, one of them between fields.
        ("v=STSv1; id=a;; x=1", Err(Error::StsRecordSyntax)),
        ("v=STSv1;; id=a", Err(Error::StsRecordSyntax)),
        ("v=STSv1; id=a; ", Ok("a")),
        ("v=STSv1; id=a ", Err(Error::StsInvalidId)),
        // sts-id = %s"id=" 1*32(ALPHA / DIGIT)
        ("v=STSv1; id=", Err(Error::StsInvalidId)),
        ("v=STSv1; id=abc-def", Err(Error::StsInvalidId)),
        ("v=STSv1; id=abc def", Err(Error::StsInvalidId)),
        (
            "v=STSv1; id=0123456789abcdef0123456789ABCDEF",
            Ok("0123456789abcdef0123456789ABCDEF"),
        ),
        (
            "v=STSv1; id=0123456789abcdef0123456789ABCDEFG",
            Err(Error::StsInvalidId),
        ),
        ("v=STSv1; ID=a", Err(Error::StsMissingId)),
        // First duplicate wins; later ones only need extension syntax.
        ("v=STSv1; id=first; id=second", Ok("first")),
        ("v=STSv1; id=first; id=not-an-id", Ok("first")),
        // Extensions: name and value syntax, otherwise ignored.
        ("v=STSv1; id=a; ext_1.x-y=some:value", Ok("a")),
        ("v=STSv1; ext=1; id=a", Ok("a")),
        ("v=STSv1; id=a; _ext=1", Err(Error::StsRecordSyntax)),
        ("v=STSv1; id=a; ext=", Err(Error::StsRecordSyntax)),
        ("v=STSv1; id=a; ext=a=b", Err(Error::StsRecordSyntax)),
        ("v=STSv1; id=a; ext", Err(Error::StsRecordSyntax)),
        ("v=STSv1; id=a; =1", Err(Error::StsRecordSyntax)),
        (
            "v=STSv1; id=a; abcdefghijabcdefghijabcdefghijabc=1",
            Err(Error::StsRecordSyntax),
        ),
        ("v=STSv1; id=a; e=\u{e9}", Err(Error::StsRecordSyntax)),
        ("v=STSv1; id=a\0", Err(Error::StsInvalidId)),
    ];

    #[test]
    fn record_grammar() {
        for (record, expected) in RECORD_CASES {
            let got = Record::parse(record.as_bytes());
            let id = got.map(|r| r.id());
            let got = id.as_ref().map(PolicyId::as_str).map_err(|e| *e);
            assert_eq!(got, *expected, "record {record:?}");
        }
    }

    #[test]
    fn rrset_selection() {
        let mut scratch = [0u8; 64];
        let cases: &[(&[&[&[u8]]], Lookup)] = &[
            (&[], Lookup::NoPolicy(Unavailable::NoRecord)),
            (
                &[&[b"v=spf1 -all"]],
                Lookup::NoPolicy(Unavailable::NoRecord),
            ),
            (
                &[&[b"v=STSv10; id=a"]],
                Lookup::NoPolicy(Unavailable::NoRecord),
            ),
            (
                &[&[b"v=STSv1; id=a"], &[b"v=STSv1; id=b"]],
                Lookup::NoPolicy(Unavailable::SeveralRecords),
            ),
            (
                &[&[b"v=STSv1; id=a"], &[b"v=STSv1; id=a"]],
                Lookup::NoPolicy(Unavailable::SeveralRecords),
            ),
            (
                &[&[b"v=STSv1; id=-"]],
                Lookup::NoPolicy(Unavailable::Invalid(Error::StsInvalidId)),
            ),
            (
                &[&[b"v=STS", b"v1; id=x", b"yz"], &[b"other"]],
                Lookup::Found(Record {
                    id: PolicyId::new(b"xyz").unwrap(),
                }),
            ),
            (
                &[&[b"v=STSv1", b"; id=q"]],
                Lookup::Found(Record {
                    id: PolicyId::new(b"q").unwrap(),
                }),
            ),
        ];
        for (i, (rrset, expected)) in cases.iter().enumerate() {
            assert_eq!(select(rrset, &mut scratch), Ok(*expected), "row {i}");
        }
        let mut tiny = [0u8; 4];
        assert_eq!(
            select(&[&[b"v=STSv1; ".as_slice(), b"id=abc"]], &mut tiny),
            Err(Error::BufferTooSmall { needed: 15 })
        );
    }

    /// RFC 8461 §4.2 with generated certificates: (leaf SAN, MX host,
    /// validation time, expected outcome).
    #[test]
    fn certificate_check() {
        use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair, date_time_ymd};
        use std::string::String;
        use std::vec;

        let ca_key = KeyPair::generate().unwrap();
        let mut ca_params = CertificateParams::new(vec![]).unwrap();
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params.not_before = date_time_ymd(2020, 1, 1);
        ca_params.not_after = date_time_ymd(2040, 1, 1);
        let ca = ca_params.self_signed(&ca_key).unwrap();
        let issuer = Issuer::from_params(&ca_params, &ca_key);
        let anchor = webpki::anchor_from_trusted_cert(ca.der()).unwrap();
        let anchors = [anchor];

        let leaf = |san: &str| {
            let mut p = CertificateParams::new(vec![String::from(san)]).unwrap();
            p.not_before = date_time_ymd(2024, 1, 1);
            p.not_after = date_time_ymd(2026, 1, 1);
            p.subject_alt_names = vec![rcgen::SanType::DnsName(san.try_into().unwrap())];
            p.signed_by(&KeyPair::generate().unwrap(), &issuer).unwrap()
        };
        let in_2025 = 1_735_689_600; // 2025-01-01
        let in_2027 = 1_798_761_600; // 2027-01-01
        // rcgen's default key type; the dev-dependency turns on webpki's ring.
        let algs: &[&dyn SignatureVerificationAlgorithm] = &[webpki::ring::ECDSA_P256_SHA256];
        let cases: &[(&str, &[u8], u64, CertOutcome)] = &[
            (
                "mx.example.com",
                b"mx.example.com",
                in_2025,
                CertOutcome::Valid,
            ),
            (
                "mx.example.com",
                b"MX.example.com.",
                in_2025,
                CertOutcome::Valid,
            ),
            (
                "*.example.com",
                b"mx.example.com",
                in_2025,
                CertOutcome::Valid,
            ),
            (
                "*.example.com",
                b"a.mx.example.com",
                in_2025,
                CertOutcome::Invalid(Failure::NameMismatch),
            ),
            (
                "other.example.com",
                b"mx.example.com",
                in_2025,
                CertOutcome::Invalid(Failure::NameMismatch),
            ),
            (
                "mx.example.com",
                b"mx.example.com",
                in_2027,
                CertOutcome::Invalid(Failure::Expired { depth: None }),
            ),
        ];
        for (san, host, time, expected) in cases {
            let cert = leaf(san);
            let got = check_certificate(
                &[cert.der().as_ref()],
                host,
                crate::time::unix_time(*time),
                &anchors,
                algs,
            );
            assert_eq!(got, Ok(*expected), "san {san:?} host {host:?} time {time}");
        }
        // Signed by an untrusted key under the trusted CA's name.
        let other_key = KeyPair::generate().unwrap();
        let other = Issuer::from_params(&ca_params, &other_key);
        let mut p = CertificateParams::new(vec![String::from("mx.example.com")]).unwrap();
        p.not_before = date_time_ymd(2024, 1, 1);
        p.not_after = date_time_ymd(2026, 1, 1);
        let untrusted = p.signed_by(&KeyPair::generate().unwrap(), &other).unwrap();
        assert_eq!(
            check_certificate(
                &[untrusted.der().as_ref()],
                b"mx.example.com",
                crate::time::unix_time(in_2025),
                &anchors,
                algs
            ),
            Ok(CertOutcome::Invalid(Failure::BadSignature))
        );
        assert_eq!(
            CertOutcome::Invalid(Failure::BadSignature).result_type(),
            Some(ResultType::CertificateNotTrusted)
        );
        assert_eq!(
            check_certificate(
                &[],
                b"mx.example.com",
                crate::time::unix_time(in_2025),
                &anchors,
                algs
            ),
            Err(Error::EmptyChain)
        );
        assert_eq!(
            check_certificate(
                &[b"junk"],
                b"mx.example.com",
                crate::time::unix_time(in_2025),
                &anchors,
                algs
            ),
            Ok(CertOutcome::Invalid(Failure::MalformedCertificate {
                depth: Some(0)
            }))
        );
    }
}
