//! A zero-copy view of the parts of an X.509 certificate (RFC 5280 §4.1)
//! that DANE and MTA-STS need: the raw SubjectPublicKeyInfo (TLSA selector 1),
//! the validity period, the issuer and subject names, the subject common
//! names, and the DNS names of the subjectAltName extension.
//!
//! Parsing is strict DER: non-canonical lengths, oversized lengths, truncation
//! and trailing data are [`Error::BadDer`]. Structures that later accessors
//! iterate (the subject name, the subjectAltName) are checked completely by
//! [`Certificate::parse`], so no accessor can fail afterwards. Signatures are
//! not checked here; that is the job of path validation.
//!
//! # Strictness, against OpenSSL 3.0 and rustls-webpki 0.103
//!
//! The rule: read no more strictly than matching needs, and never more
//! strictly than both peers; stricter only where the laxer reading would
//! accept what it must not. "webpki" is `EndEntityCert::try_from` /
//! `anchor_from_trusted_cert`, which read some fields only later, during
//! path validation ("lazily"); OpenSSL is `d2i_X509`. Each row is pinned by
//! a probe in `tests/differential` (`each_strictness_probed_...`).
//!
//! | check | RFC | webpki | OpenSSL | mxtrust, and why |
//! |---|---|---|---|---|
//! | trailing octets after the certificate | X.690 §10 | refuses | ignores them | refuses: a TLS Certificate entry has an exact length |
//! | BER lengths (indefinite, non-minimal) | 5280 §4.1, X.690 §10.1 | refuses | accepts | refuses (agrees with webpki) |
//! | version absent, 1 or ≥ 3 | 5280 §4.1.2.1 | refuses (v3 only) | accepts | accepts, not read |
//! | issuer/subjectUniqueID | 5280 §4.1.2.8 | refuses | accepts | accepts, skipped |
//! | key BIT STRING with 1–7 unused bits, zero padding | X.690 §8.6, §11.2 | accepts (lazily refuses for a signing key) | accepts | **accepts since this release**: selector 1 hashes the octets as they are |
//! | key BIT STRING with nonzero padding, 8 unused bits, empty | X.690 §11.2.1 | accepts | refuses 8/empty, clears nonzero padding | refuses: OpenSSL would hash other octets |
//! | time not `YYMMDDHHMMSSZ`/`YYYYMMDDHHMMSSZ`, or no such date | 5280 §4.1.2.5 | accepts, refuses lazily | accepts, refuses when comparing | refuses: stricter than both; see below |
//! | Name attribute not `SEQUENCE { OID, value }`, high-tag value | 5280 §4.1.2.4 | accepts, not read | refuses | refuses (agrees with OpenSSL); an empty RDN is accepted by all three |
//! | empty extensions SEQUENCE | 5280 §4.1 | accepts | accepts | accepts |
//! | critical BOOLEAN other than 0x00/0xff | X.690 §11.1 | refuses | accepts | accepts (nonzero is critical) |
//! | unknown critical extension | 5280 §4.2 | refuses as end entity, accepts as anchor | accepts | accepts; refused by [`Certificate::trust_anchor`], path validation refuses it as webpki does |
//! | same extension twice | 5280 §4.2 | refuses (the six it reads) | accepts | refuses for subjectAltName, basicConstraints, nameConstraints (agrees with webpki) |
//! | subjectAltName not one SEQUENCE | 5280 §4.2.1.6 | refuses | accepts (ignores the SAN) | refuses (agrees with webpki) |
//! | unknown or wrongly formed GeneralName tag | 5280 §4.2.1.6 | accepts, refuses lazily at name matching | accepts, then ignores the whole SAN and matches the CN | refuses: stricter than both at reading, deliberately; falling back to the CN would accept a name the SAN may exclude |
//! | empty subjectAltName | 5280 §4.2.1.6 (SIZE 1..MAX) | accepts | accepts, CN fallback | accepts, CN fallback, as OpenSSL |
//! | basicConstraints value malformed, non-DER BOOLEAN, pathLen negative / not minimal / empty | 5280 §4.2.1.9, X.690 §8.2, §8.3 | accepts, refuses lazily below the anchor | accepts, marks invalid | **accepts since this release**, reading what grants least: BER BOOLEAN, pathLen 0, unreadable = cA FALSE |
//! | pathLen above 255 | 5280 §4.2.1.9 | accepts, refuses lazily | accepts | accepts as unlimited |
//! | nameConstraints not one SEQUENCE | 5280 §4.2.1.10 | refuses | accepts | refuses (agrees with webpki) |
//!
//! Times are the one place mxtrust remains stricter than both readers: the
//! [`Validity`] view is a total value that reports show and the anchor-date
//! check reads, and RFC 5280 §4.1.2.5 makes the two forms a MUST. Both
//! peers refuse such a certificate on any path they validate, so the
//! difference shows only where OpenSSL reads no dates at all: a DANE-EE
//! leaf checked with names (`ee_name_checks`), which mxtrust calls
//! malformed. Relaxing it needs a fallible validity in the public API.

use crate::Error;
use crate::TrustAnchor;
use crate::der;
use crate::limits::MAX_CERTIFICATE_LEN;
use crate::time::{self, DateTime, UnixTime};
use rustls_pki_types::Der;
use untrusted::Input;
use untrusted::Reader;

const OID_COMMON_NAME: &[u8] = &[0x55, 0x04, 0x03];
const OID_SUBJECT_ALT_NAME: &[u8] = &[0x55, 0x1d, 0x11];
const OID_BASIC_CONSTRAINTS: &[u8] = &[0x55, 0x1d, 0x13];
const OID_NAME_CONSTRAINTS: &[u8] = &[0x55, 0x1d, 0x1e];
const SAN_DNS_NAME: u8 = 0x82;

/// A parsed certificate that borrows its DER encoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Certificate<'a> {
    der: &'a [u8],
    issuer: &'a [u8],
    subject: &'a [u8],
    spki: &'a [u8],
    spki_value: &'a [u8],
    validity: Validity,
    subject_alt_names: Option<&'a [u8]>,
    basic_constraints: Option<BasicConstraints>,
    name_constraints: Option<&'a [u8]>,
    unsupported_critical_extension: bool,
}

/// The basicConstraints extension (RFC 5280 §4.2.1.9).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct BasicConstraints {
    /// `cA`: the key may sign certificates.
    pub ca: bool,
    /// `pathLenConstraint`: how many intermediate CA certificates may follow
    /// this one, when limited.
    pub path_len: Option<u8>,
}

/// The validity period of a certificate, in seconds since the Unix epoch
/// (negative before 1970), both ends inclusive (RFC 5280 §4.1.2.5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Validity {
    /// `notBefore`.
    pub not_before: i64,
    /// `notAfter`.
    pub not_after: i64,
}

/// Where a time stands relative to a [`Validity`] period.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ValidityStatus {
    /// `notBefore <= time <= notAfter`.
    Valid,
    /// `time < notBefore`.
    NotYetValid,
    /// `time > notAfter`.
    Expired,
}

impl Validity {
    /// Where `time` falls in this period.
    pub fn status_at(&self, time: UnixTime) -> ValidityStatus {
        // A time beyond i64 is after every representable notAfter.
        let time = i64::try_from(time.as_secs()).unwrap_or(i64::MAX);
        if time < self.not_before {
            ValidityStatus::NotYetValid
        } else if time > self.not_after {
            ValidityStatus::Expired
        } else {
            ValidityStatus::Valid
        }
    }
}

impl<'a> Certificate<'a> {
    /// Parses a DER certificate.
    ///
    /// # Errors
    ///
    /// [`Error::CertificateTooLarge`] beyond
    /// [`MAX_CERTIFICATE_LEN`] octets, and
    /// [`Error::BadDer`] for anything that is not a well-formed certificate,
    /// including a subjectAltName extension that appears twice.
    pub fn parse(der: &'a [u8]) -> Result<Self, Error> {
        if der.len() > MAX_CERTIFICATE_LEN {
            return Err(Error::CertificateTooLarge);
        }
        der::read_all(Input::from(der), |r| {
            let cert = der::expect_tag(r, der::SEQUENCE)?;
            der::read_all(cert, |r| {
                let tbs = der::expect_tag(r, der::SEQUENCE)?;
                let parsed = der::read_all(tbs, |tbs| parse_tbs(der, tbs))?;
                der::expect_tag(r, der::SEQUENCE)?; // signatureAlgorithm
                der::expect_tag(r, der::BIT_STRING)?; // signatureValue
                Ok(parsed)
            })
        })
    }

    /// The whole DER encoding (what TLSA selector 0 matches).
    pub fn der(&self) -> &'a [u8] {
        self.der
    }

    /// The DER encoding of the SubjectPublicKeyInfo, tag and length included
    /// (what TLSA selector 1 matches, RFC 6698 §2.1.2).
    pub fn spki(&self) -> &'a [u8] {
        self.spki
    }

    /// The contents of the SubjectPublicKeyInfo SEQUENCE, without its tag and
    /// length (the form rustls-webpki's trust anchors hold).
    pub fn spki_value(&self) -> &'a [u8] {
        self.spki_value
    }

    /// The contents of the issuer Name SEQUENCE.
    pub fn issuer(&self) -> &'a [u8] {
        self.issuer
    }

    /// The contents of the subject Name SEQUENCE.
    pub fn subject(&self) -> &'a [u8] {
        self.subject
    }

    /// The validity period.
    pub fn validity(&self) -> Validity {
        self.validity
    }

    /// Whether subject and issuer are the same name (RFC 5280 §3.2
    /// "self-issued"), compared octet for octet.
    pub fn is_self_issued(&self) -> bool {
        self.issuer == self.subject
    }

    /// Whether this certificate's issuer name is `other`'s subject name.
    pub fn is_issued_by(&self, other: &Certificate<'_>) -> bool {
        self.issuer == other.subject
    }

    /// The basicConstraints extension, if present.
    pub fn basic_constraints(&self) -> Option<BasicConstraints> {
        self.basic_constraints
    }

    /// This certificate as a trust anchor for path validation: its subject,
    /// its key and its name constraints (RFC 5280 §6.1.1 (d)), borrowed.
    /// This is what DANE-TA does with a matched certificate, and how callers
    /// turn their PKIX roots into anchors for the generic profile and
    /// MTA-STS.
    ///
    /// # Errors
    ///
    /// [`Error::UnsupportedCriticalExtension`] when the certificate has a
    /// critical extension that path validation does not process: such a
    /// certificate cannot be relied on, as an anchor or otherwise
    /// (RFC 5280 §4.2; rustls-webpki refuses it as an anchor too).
    pub fn trust_anchor(&self) -> Result<TrustAnchor<'a>, Error> {
        if self.unsupported_critical_extension {
            return Err(Error::UnsupportedCriticalExtension);
        }
        Ok(TrustAnchor {
            subject: Der::from(self.subject),
            subject_public_key_info: Der::from(self.spki_value),
            name_constraints: self.name_constraints.map(Der::from),
        })
    }

    /// Whether a critical extension that path validation does not process
    /// is present (see [`Self::trust_anchor`]).
    pub fn has_unsupported_critical_extension(&self) -> bool {
        self.unsupported_critical_extension
    }

    /// The contents of the nameConstraints SEQUENCE (RFC 5280 §4.2.1.10),
    /// if the extension is present.
    pub(crate) fn name_constraints(&self) -> Option<&'a [u8]> {
        self.name_constraints
    }

    /// The dNSName entries of the subjectAltName extension (RFC 5280
    /// §4.2.1.6), in order. Empty when there is no such extension.
    pub fn dns_names(&self) -> DnsNames<'a> {
        DnsNames {
            rest: self.subject_alt_names.unwrap_or(&[]),
        }
    }

    /// The values of the subject's commonName attributes (all of them, in
    /// order), as their raw string octets.
    pub fn common_names(&self) -> CommonNames<'a> {
        CommonNames {
            rdns: self.subject,
            attributes: &[],
        }
    }

    /// The names an identity check compares against reference identifiers:
    /// the DNS-IDs when there is at least one, otherwise the subject's
    /// common names (RFC 6125 §6.4.4).
    pub fn presented_names(&self) -> PresentedNames<'a> {
        if self.dns_names().next().is_some() {
            PresentedNames::DnsIds(self.dns_names())
        } else {
            PresentedNames::CommonNames(self.common_names())
        }
    }
}

fn parse_tbs<'a>(der: &'a [u8], r: &mut Reader<'a>) -> Result<Certificate<'a>, Error> {
    der::optional_tag(r, der::context_constructed(0))?; // version
    der::expect_tag(r, der::INTEGER)?; // serialNumber
    der::expect_tag(r, der::SEQUENCE)?; // signature
    let issuer = der::expect_tag(r, der::SEQUENCE)?;
    check_name(issuer)?;
    let validity = der::expect_tag(r, der::SEQUENCE)?;
    let validity = der::read_all(validity, |r| {
        Ok(Validity {
            not_before: read_time(r)?,
            not_after: read_time(r)?,
        })
    })?;
    let subject = der::expect_tag(r, der::SEQUENCE)?;
    check_name(subject)?;
    let (spki, spki_value) = der::expect_tag_with_header(r, der::SEQUENCE)?;
    check_spki_value(spki_value)?;
    // issuerUniqueID [1] and subjectUniqueID [2] are IMPLICIT BIT STRINGs.
    der::optional_tag(r, 0x81)?;
    der::optional_tag(r, 0x82)?;
    let mut subject_alt_names = None;
    let mut basic_constraints = None;
    let mut name_constraints = None;
    let mut unsupported_critical_extension = false;
    if let Some(extensions) = der::optional_tag(r, der::context_constructed(3))? {
        let extensions = der::read_all(extensions, |r| der::expect_tag(r, der::SEQUENCE))?;
        der::for_each_tlv(extensions, |tag, extension| {
            if tag != der::SEQUENCE {
                return Err(Error::BadDer);
            }
            let (oid, critical, value) = der::read_all(extension, |r| {
                let oid = der::expect_tag(r, der::OID)?;
                let critical = der::optional_tag(r, der::BOOLEAN)?
                    .is_some_and(|b| b.as_slice_less_safe() != [0]);
                let value = der::expect_tag(r, der::OCTET_STRING)?;
                Ok((oid, critical, value))
            })?;
            if critical && !is_supported_extension(oid.as_slice_less_safe()) {
                unsupported_critical_extension = true;
            }
            if oid.as_slice_less_safe() == OID_SUBJECT_ALT_NAME {
                if subject_alt_names.is_some() {
                    return Err(Error::BadDer);
                }
                let names = der::read_all(value, |r| der::expect_tag(r, der::SEQUENCE))?;
                der::for_each_tlv(names, |tag, _| {
                    if is_general_name_tag(tag) {
                        Ok(())
                    } else {
                        Err(Error::BadDer)
                    }
                })?;
                subject_alt_names = Some(names.as_slice_less_safe());
            } else if oid.as_slice_less_safe() == OID_BASIC_CONSTRAINTS {
                if basic_constraints.is_some() {
                    return Err(Error::BadDer);
                }
                basic_constraints = Some(parse_basic_constraints(value));
            } else if oid.as_slice_less_safe() == OID_NAME_CONSTRAINTS {
                if name_constraints.is_some() {
                    return Err(Error::BadDer);
                }
                let inner = der::read_all(value, |r| der::expect_tag(r, der::SEQUENCE))?;
                name_constraints = Some(inner.as_slice_less_safe());
            }
            Ok(())
        })?;
    }
    Ok(Certificate {
        der,
        issuer: issuer.as_slice_less_safe(),
        subject: subject.as_slice_less_safe(),
        spki: spki.as_slice_less_safe(),
        spki_value: spki_value.as_slice_less_safe(),
        validity,
        subject_alt_names,
        basic_constraints,
        name_constraints,
        unsupported_critical_extension,
    })
}

/// The extensions rustls-webpki processes (RFC 5280 §4.2.1: keyUsage,
/// subjectAltName, basicConstraints, nameConstraints,
/// cRLDistributionPoints, extKeyUsage); any other marked critical makes a
/// certificate unusable for path validation, the anchor included.
fn is_supported_extension(oid: &[u8]) -> bool {
    matches!(oid, [0x55, 0x1d, 15 | 17 | 19 | 30 | 31 | 37])
}

/// Whether `tag` is one of the alternatives of GeneralName (RFC 5280
/// §4.2.1.6), with the form X.690 gives it: `otherName [0]`,
/// `x400Address [3]`, `directoryName [4]` (EXPLICIT, a CHOICE) and
/// `ediPartyName [5]` are constructed; `rfc822Name [1]`, `dNSName [2]`,
/// `uniformResourceIdentifier [6]`, `iPAddress [7]` and `registeredID [8]`
/// are primitive. Anything else makes the subjectAltName malformed, as it
/// does for OpenSSL, which then ignores the whole extension.
fn is_general_name_tag(tag: u8) -> bool {
    matches!(
        tag,
        0xa0 | 0x81 | SAN_DNS_NAME | 0xa3 | 0xa4 | 0xa5 | 0x86 | 0x87 | 0x88
    )
}

/// A non-negative, minimally encoded INTEGER: `Some` up to 255, `None` for
/// larger values.
fn small_unsigned(bytes: &[u8]) -> Result<Option<u8>, Error> {
    let magnitude = match bytes {
        [] => return Err(Error::BadDer),
        [first, ..] if first & 0x80 != 0 => return Err(Error::BadDer),
        [0, second, ..] if second & 0x80 == 0 => return Err(Error::BadDer),
        [0, rest @ ..] => rest,
        all => all,
    };
    Ok(match magnitude {
        [] => Some(0),
        [n] => Some(*n),
        _ => None,
    })
}

/// `SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER (0..MAX)
/// OPTIONAL }`; a path length beyond 255 is treated as unlimited.
///
/// Never an error: mxtrust reads basicConstraints only for a trust anchor's
/// own limits (and for reports), and neither peer refuses a certificate for
/// its value when reading it (OpenSSL decodes it lazily and marks the
/// certificate invalid for path validation, rustls-webpki reads it only for
/// certificates below the anchor, which it then refuses). So a value that
/// cannot be read yields the reading that grants the least: a BOOLEAN
/// other than DER's `0xff`/`0x00` is read as BER does (X.690 §8.2.2: any
/// nonzero octet is TRUE, as OpenSSL reads it); a pathLenConstraint that is
/// negative or not a minimal INTEGER limits the path to 0 intermediates; a
/// value that is not `SEQUENCE { [BOOLEAN] [INTEGER] }` asserts nothing
/// (`cA` FALSE, path length 0), so such a certificate is never an anchor.
fn parse_basic_constraints(value: Input<'_>) -> BasicConstraints {
    const UNREADABLE: BasicConstraints = BasicConstraints {
        ca: false,
        path_len: Some(0),
    };
    let read = der::read_all(value, |r| {
        let inner = der::expect_tag(r, der::SEQUENCE)?;
        der::read_all(inner, |r| {
            let ca = match der::optional_tag(r, der::BOOLEAN)? {
                // DER encodes the DEFAULT value by omission, but an explicit
                // FALSE is common in the wild and OpenSSL and rustls-webpki
                // both read it.
                Some(b) => match b.as_slice_less_safe() {
                    [octet] => *octet != 0,
                    _ => return Err(Error::BadDer),
                },
                None => false,
            };
            let path_len = match der::optional_tag(r, der::INTEGER)? {
                Some(n) => small_unsigned(n.as_slice_less_safe()).unwrap_or(Some(0)),
                None => None,
            };
            Ok(BasicConstraints { ca, path_len })
        })
    });
    read.unwrap_or(UNREADABLE)
}

/// Checks a Name: SEQUENCE OF SET OF SEQUENCE { OID, value }.
fn check_name(name: Input<'_>) -> Result<(), Error> {
    check_name_octets(name.as_slice_less_safe())
}

/// [`check_name`] over the Name's contents as a slice: a sequence of SETs
/// (RDNs), each a sequence of `SEQUENCE { OID, any }` attributes.
fn check_name_octets(rdns: &[u8]) -> Result<(), Error> {
    check_name_with::<true>(rdns)
}

/// [`check_name_octets`], with (`FAST`) or without the one-step reading
/// of the usual attribute; the tests hold the two to each other.
fn check_name_with<const FAST: bool>(mut rdns: &[u8]) -> Result<(), Error> {
    while !rdns.is_empty() {
        let (mut attributes, rest) = der::split_expected(rdns, der::SET)?;
        rdns = rest;
        while !attributes.is_empty() {
            if FAST && let Some(rest) = short_attribute(attributes) {
                attributes = rest;
                continue;
            }
            let (attribute, rest) = der::split_expected(attributes, der::SEQUENCE)?;
            attributes = rest;
            let (_, value) = der::split_expected(attribute, der::OID)?;
            let (_, _, after) = der::split_tlv(value)?;
            if !after.is_empty() {
                return Err(Error::BadDer);
            }
        }
    }
    Ok(())
}

/// The usual attribute, `SEQUENCE { OID, value }` with one-octet lengths
/// throughout, checked in one step: what follows it, or `None` when it is
/// not of that shape (then the TLV-by-TLV path decides). A DANE-EE check
/// reads the leaf's subject, and TLV by TLV its few attributes cost as much
/// as a fifth of the check besides the digest.
#[inline]
fn short_attribute(attributes: &[u8]) -> Option<&[u8]> {
    let [
        der::SEQUENCE,
        len @ 0..=0x7f,
        der::OID,
        oid_len @ 0..=0x7f,
        ..,
    ] = attributes
    else {
        return None;
    };
    let value_at = usize::from(*oid_len).saturating_add(4);
    let [tag, value_len @ 0..=0x7f, ..] = attributes.get(value_at..)? else {
        return None;
    };
    let len = usize::from(*len);
    // The value ends where the SEQUENCE does, and has a low tag number.
    let exact = value_at.saturating_add(usize::from(*value_len)) == len;
    (exact && tag & 0x1f != 0x1f).then_some(())?;
    attributes.get(len.saturating_add(2)..)
}

/// Checks the contents of a SubjectPublicKeyInfo SEQUENCE:
/// `AlgorithmIdentifier, BIT STRING` (RFC 5280 §4.1.2.7).
fn check_spki_value(value: Input<'_>) -> Result<(), Error> {
    check_spki_octets(value.as_slice_less_safe())
}

/// [`check_spki_value`] over the contents as a slice.
fn check_spki_octets(value: &[u8]) -> Result<(), Error> {
    let (algorithm, rest) = der::split_expected(value, der::SEQUENCE)?;
    der::split_expected(algorithm, der::OID)?; // parameters: anything after
    let (key, rest) = der::split_expected(rest, der::BIT_STRING)?;
    if !rest.is_empty() {
        return Err(Error::BadDer);
    }
    check_bit_string(key)
}

/// Checks the contents of a DER BIT STRING (X.690 §8.6.2, §11.2): an
/// initial octet of 0 to 7 unused bits, 0 when there are no bits, and the
/// unused bits of the last octet zero. Every key algorithm in use encodes
/// whole octets, but matching needs only the SubjectPublicKeyInfo's octets,
/// and OpenSSL's `d2i_X509` and rustls-webpki's certificate parser accept
/// any well-formed BIT STRING there; so does mxtrust. Nonzero unused bits
/// stay refused: OpenSSL clears them when it re-encodes the key for its
/// selector-1 digest, so it would hash other octets than the certificate's.
fn check_bit_string(contents: &[u8]) -> Result<(), Error> {
    match contents {
        [0, ..] => Ok(()),
        [unused @ 1..=7, .., last] if last.trailing_zeros() >= u32::from(*unused) => Ok(()),
        _ => Err(Error::BadDer),
    }
}

/// The DER SubjectPublicKeyInfo of a certificate (tag and length included),
/// read without parsing what follows it: the one field DANE's selector 1
/// needs. The certificate's outer structure must be exact (one SEQUENCE
/// spanning `der`); fields before the key are skipped as whole TLVs and the
/// key itself is checked as [`check_spki`] does.
///
/// # Errors
///
/// [`Error::CertificateTooLarge`] and [`Error::BadDer`], as for
/// [`Certificate::parse`] up to the key.
pub fn spki_of(der: &[u8]) -> Result<&[u8], Error> {
    subject_and_spki(der).map(|(_, spki)| spki)
}

/// The subject Name (its SEQUENCE's contents, checked as
/// [`Certificate::parse`] checks it) and the DER SubjectPublicKeyInfo of a
/// certificate, read without parsing the fields after the key: what a
/// `2 0 0` record needs to name a trust anchor.
fn subject_and_spki(der: &[u8]) -> Result<(&[u8], &[u8]), Error> {
    if der.len() > MAX_CERTIFICATE_LEN {
        return Err(Error::CertificateTooLarge);
    }
    let (cert, after) = der::split_expected(der, der::SEQUENCE)?;
    if !after.is_empty() {
        return Err(Error::BadDer);
    }
    // What follows tbsCertificate is not read here.
    let (tbs, _) = der::split_expected(cert, der::SEQUENCE)?;
    let mut rest = tbs;
    if rest.first() == Some(&der::context_constructed(0)) {
        rest = der::split_tlv(rest)?.2; // version
    }
    // serialNumber, signature, issuer, validity
    for tag in [der::INTEGER, der::SEQUENCE, der::SEQUENCE, der::SEQUENCE] {
        rest = der::split_expected(rest, tag)?.1;
    }
    let (subject, rest) = der::split_expected(rest, der::SEQUENCE)?;
    check_name_octets(subject)?;
    let (value, after) = der::split_expected(rest, der::SEQUENCE)?;
    check_spki_octets(value)?;
    let spki = rest
        .get(..rest.len().saturating_sub(after.len()))
        .ok_or(Error::BadDer)?;
    Ok((subject, spki))
}

/// Checks that `der` is what a Full(0) record with selector 0 must hold for
/// matching to use it (RFC 6698 §2.1.2, RFC 7671 §5): for DANE-EE and
/// PKIX-EE, which compare it octet for octet with the leaf, one DER
/// SEQUENCE and nothing after it; for DANE-TA and PKIX-TA, which make it a
/// trust anchor, also a readable subject and SubjectPublicKeyInfo. Nothing
/// else of the certificate matters to matching, so nothing else makes such a
/// record unusable: a stricter check would turn a record that can only fail
/// to match into "every record unusable", which RFC 7672 §2.2 answers with
/// unauthenticated TLS.
///
/// # Errors
///
/// [`Error::BadDer`] (or [`Error::CertificateTooLarge`]) otherwise.
pub fn check_full_certificate(der: &[u8], as_anchor: bool) -> Result<(), Error> {
    if as_anchor {
        return subject_and_spki(der).map(|_| ());
    }
    der::read_all(Input::from(der), |r| der::expect_tag(r, der::SEQUENCE)).map(|_| ())
}

/// Checks that `der` is exactly one DER SubjectPublicKeyInfo, as a TLSA
/// record with selector 1 and matching type 0 must hold (RFC 6698 §2.1.2).
///
/// # Errors
///
/// [`Error::BadDer`] otherwise.
pub fn check_spki(der: &[u8]) -> Result<(), Error> {
    der::read_all(Input::from(der), |r| {
        let value = der::expect_tag(r, der::SEQUENCE)?;
        check_spki_value(value)
    })
}

/// The contents of a DER SubjectPublicKeyInfo SEQUENCE (the form trust
/// anchors hold), after checking it as [`check_spki`] does.
pub(crate) fn spki_value(der: &[u8]) -> Result<&[u8], Error> {
    der::read_all(Input::from(der), |r| {
        let value = der::expect_tag(r, der::SEQUENCE)?;
        check_spki_value(value)?;
        Ok(value.as_slice_less_safe())
    })
}

/// The DER header (tag and length) of a SEQUENCE with `len` octets of
/// contents, written into `out`.
pub(crate) fn sequence_header(len: usize, out: &mut [u8; 4]) -> Option<&[u8]> {
    let [b0, b1, b2, b3] = out;
    *b0 = der::SEQUENCE;
    let used = match len {
        0..=0x7f => {
            *b1 = u8::try_from(len).ok()?;
            2
        }
        0x80..=0xff => {
            *b1 = 0x81;
            *b2 = u8::try_from(len).ok()?;
            3
        }
        0x100..=0xffff => {
            let [high, low] = u16::try_from(len).ok()?.to_be_bytes();
            *b1 = 0x82;
            *b2 = high;
            *b3 = low;
            4
        }
        _ => return None,
    };
    out.get(..used)
}

fn read_time(r: &mut Reader<'_>) -> Result<i64, Error> {
    let (tag, value) = der::read_tlv(r)?;
    let s = value.as_slice_less_safe();
    let two = |pair: &[u8]| {
        time::digits(pair)
            .and_then(|n| u8::try_from(n).ok())
            .ok_or(Error::BadDer)
    };
    // RFC 5280 §4.1.2.5.1/2: YYMMDDHHMMSSZ and YYYYMMDDHHMMSSZ, seconds
    // required, always Zulu, no fractions.
    let (year, rest) = match (tag, s.len()) {
        (der::UTC_TIME, 13) => {
            let (yy, rest) = s.split_at(2);
            let yy = u16::from(two(yy)?);
            let century = if yy >= 50 { 1900 } else { 2000 };
            (yy.checked_add(century).ok_or(Error::BadDer)?, rest)
        }
        (der::GENERALIZED_TIME, 15) => {
            let (yyyy, rest) = s.split_at(4);
            let year = time::digits(yyyy)
                .and_then(|n| u16::try_from(n).ok())
                .ok_or(Error::BadDer)?;
            (year, rest)
        }
        _ => return Err(Error::BadDer),
    };
    let [mo0, mo1, d0, d1, h0, h1, mi0, mi1, s0, s1, b'Z'] = rest else {
        return Err(Error::BadDer);
    };
    DateTime::new(
        year,
        two(&[*mo0, *mo1])?,
        two(&[*d0, *d1])?,
        two(&[*h0, *h1])?,
        two(&[*mi0, *mi1])?,
        two(&[*s0, *s1])?,
    )
    .map(|t| t.unix_seconds())
    .ok_or(Error::BadDer)
}

/// Iterator over the dNSName entries of a subjectAltName, as raw octets.
#[derive(Clone, Debug)]
pub struct DnsNames<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for DnsNames<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<Self::Item> {
        while !self.rest.is_empty() {
            // Checked by `Certificate::parse`, so this cannot fail.
            let (tag, value, rest) = der::split_tlv(self.rest).ok()?;
            self.rest = rest;
            if tag == SAN_DNS_NAME {
                return Some(value);
            }
        }
        None
    }
}

/// Iterator over the subject's commonName values, as raw string octets.
#[derive(Clone, Debug)]
pub struct CommonNames<'a> {
    /// RDNs not yet visited.
    rdns: &'a [u8],
    /// Attributes of the current RDN not yet visited.
    attributes: &'a [u8],
}

impl<'a> Iterator for CommonNames<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<Self::Item> {
        // The name was checked by `Certificate::parse`, so reads cannot fail.
        loop {
            if !self.attributes.is_empty() {
                let (_, attribute, rest) = der::split_tlv(self.attributes).ok()?;
                self.attributes = rest;
                let (_, oid, value) = der::split_tlv(attribute).ok()?;
                let (_, value, _) = der::split_tlv(value).ok()?;
                if oid == OID_COMMON_NAME {
                    return Some(value);
                }
                continue;
            }
            if self.rdns.is_empty() {
                return None;
            }
            let (_, rdn, rest) = der::split_tlv(self.rdns).ok()?;
            self.rdns = rest;
            self.attributes = rdn;
        }
    }
}

/// The names an identity check uses; see [`Certificate::presented_names`].
#[derive(Clone, Debug)]
pub enum PresentedNames<'a> {
    /// The certificate has DNS-IDs; only they count.
    DnsIds(DnsNames<'a>),
    /// No DNS-ID; the subject common names count.
    CommonNames(CommonNames<'a>),
}

impl<'a> Iterator for PresentedNames<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<Self::Item> {
        match self {
            Self::DnsIds(names) => names.next(),
            Self::CommonNames(names) => names.next(),
        }
    }
}

#[cfg(test)]
#[allow(clippy::type_complexity)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::vec::Vec;

    /// A Name's octets from parts: each RDN a list of attributes, each
    /// (length fudge, OID length, value tag, value length), so that both
    /// well-formed names and near misses come out. The fudge is added to
    /// the SEQUENCE's length when even, to the value's length field when odd.
    /// Each RDN also comes with a fudge for its SET's length, so that a
    /// SET shorter or longer than its attributes comes out too.
    fn name_octets(rdns: &[(i8, Vec<(i8, u8, u8, u8)>)]) -> Vec<u8> {
        let mut out = Vec::new();
        for (set_fudge, rdn) in rdns {
            let mut set = Vec::new();
            for &(fudge, oid_len, tag, value_len) in rdn {
                let (fudge, value_fudge) = if fudge % 2 == 0 {
                    (fudge / 2, 0)
                } else {
                    (0, fudge)
                };
                let mut body = std::vec![der::OID, oid_len];
                body.extend(core::iter::repeat_n(0x2a, usize::from(oid_len)));
                let field = (i16::from(value_len) + i16::from(value_fudge)).clamp(0, 0x7f) as u8;
                body.extend([tag, field]);
                body.extend(core::iter::repeat_n(b'x', usize::from(value_len)));
                let len = (body.len() as i64 + i64::from(fudge)).clamp(0, 0x7f) as u8;
                set.extend([der::SEQUENCE, len]);
                set.extend(body);
            }
            let set_len = (set.len() as i64 + i64::from(*set_fudge)).clamp(0, 0x7f) as u8;
            out.extend([der::SET, set_len]);
            out.extend(set);
        }
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2048, failure_persistence: None, ..ProptestConfig::default() })]

        /// The one-step attribute changes no verdict: on names built near
        /// the usual shape, and on random octets.
        #[test]
        fn short_attributes_agree_with_tlv_by_tlv(
            rdns in prop::collection::vec(
                (prop::sample::select(std::vec![0i8, 0, 0, -2, -1, 1, 2]),
                 prop::collection::vec((-4i8..=4, 0u8..12, prop::sample::select(std::vec![0x0c, 0x13, 0x16, 0x1f, 0x3f, 0x30]), 0u8..40), 0..3)),
                0..4),
            noise in prop::collection::vec(any::<u8>(), 0..64),
            flip in any::<prop::sample::Index>(),
        ) {
            let mut octets = name_octets(&rdns);
            prop_assert_eq!(check_name_octets(&octets), check_name_with::<false>(&octets));
            if !octets.is_empty() {
                let at = flip.index(octets.len());
                octets[at] ^= 0x80;
                prop_assert_eq!(check_name_octets(&octets), check_name_with::<false>(&octets));
            }
            prop_assert_eq!(check_name_octets(&noise), check_name_with::<false>(&noise));
        }
    }

    fn time(tag: u8, s: &str) -> Result<i64, Error> {
        let mut der = [0u8; 32];
        der[0] = tag;
        der[1] = u8::try_from(s.len()).unwrap();
        der[2..2 + s.len()].copy_from_slice(s.as_bytes());
        der::read_all(Input::from(&der[..2 + s.len()]), read_time)
    }

    #[test]
    fn times() {
        let cases: &[(u8, &str, Option<i64>)] = &[
            (der::UTC_TIME, "700101000000Z", Some(0)),
            (der::UTC_TIME, "491231235959Z", Some(2_524_607_999)),
            (der::UTC_TIME, "500101000000Z", Some(-631_152_000)),
            (
                der::GENERALIZED_TIME,
                "20261128130000Z",
                Some(1_795_870_800),
            ),
            (
                der::GENERALIZED_TIME,
                "20240229000000Z",
                Some(1_709_164_800),
            ),
            (der::GENERALIZED_TIME, "20230229000000Z", None),
            (
                der::GENERALIZED_TIME,
                "99991231235959Z",
                Some(253_402_300_799),
            ),
            (der::UTC_TIME, "700101000000", None),
            (der::UTC_TIME, "7001010000Z", None),
            (der::UTC_TIME, "701301000000Z", None),
            (der::UTC_TIME, "700100000000Z", None),
            (der::UTC_TIME, "700101240000Z", None),
            (der::UTC_TIME, "700101006000Z", None),
            (der::UTC_TIME, "700101000060Z", None),
            (der::UTC_TIME, "70010100000+Z", None),
            (der::GENERALIZED_TIME, "20261128130000.5Z", None),
            (der::GENERALIZED_TIME, "700101000000Z", None),
            (der::OCTET_STRING, "700101000000Z", None),
        ];
        for (tag, s, expected) in cases {
            assert_eq!(time(*tag, s).ok(), *expected, "{s}");
        }
    }

    #[test]
    fn general_name_tags() {
        for tag in 0..=255u8 {
            let expected = [0xa0, 0x81, 0x82, 0xa3, 0xa4, 0xa5, 0x86, 0x87, 0x88].contains(&tag);
            assert_eq!(is_general_name_tag(tag), expected, "{tag:#04x}");
        }
    }

    #[test]
    fn key_bit_strings() {
        let cases: &[(&[u8], bool)] = &[
            (&[0], true),
            (&[0, 4, 1], true),
            (&[1, 4, 0], true),
            (&[7, 0x80], true),
            (&[3, 0xf8], true),
            // Unused bits must be zero (DER), 8 or more unused bits do not
            // exist, and no bits means no unused bits.
            (&[1, 4, 1], false),
            (&[3, 0xfc], false),
            (&[8, 0], false),
            (&[1], false),
            (&[], false),
        ];
        for (contents, ok) in cases {
            assert_eq!(check_bit_string(contents).is_ok(), *ok, "{contents:02x?}");
        }
    }

    #[test]
    fn basic_constraints_never_fail() {
        let read = |value: &[u8]| parse_basic_constraints(Input::from(value));
        let bc = |ca, path_len| BasicConstraints { ca, path_len };
        let cases: &[(&[u8], BasicConstraints)] = &[
            (&[0x30, 0x00], bc(false, None)),
            (&[0x30, 0x03, 0x01, 0x01, 0xff], bc(true, None)),
            (&[0x30, 0x03, 0x01, 0x01, 0x00], bc(false, None)),
            (
                &[0x30, 0x06, 0x01, 0x01, 0xff, 0x02, 0x01, 0x05],
                bc(true, Some(5)),
            ),
            (
                &[0x30, 0x07, 0x01, 0x01, 0xff, 0x02, 0x02, 0x01, 0x00],
                bc(true, None),
            ),
            // BER TRUE, as OpenSSL reads it.
            (&[0x30, 0x03, 0x01, 0x01, 0x01], bc(true, None)),
            // pathLen negative, not minimal, empty: no intermediates.
            (
                &[0x30, 0x06, 0x01, 0x01, 0xff, 0x02, 0x01, 0xff],
                bc(true, Some(0)),
            ),
            (
                &[0x30, 0x07, 0x01, 0x01, 0xff, 0x02, 0x02, 0x00, 0x05],
                bc(true, Some(0)),
            ),
            (
                &[0x30, 0x05, 0x01, 0x01, 0xff, 0x02, 0x00],
                bc(true, Some(0)),
            ),
            // Unreadable: asserts nothing.
            (&[0x30, 0x02, 0x01, 0x00], bc(false, Some(0))),
            (
                &[0x30, 0x05, 0x01, 0x01, 0xff, 0x05, 0x00],
                bc(false, Some(0)),
            ),
            (&[0x30, 0x03, 0x01, 0x01, 0xff, 0x00], bc(false, Some(0))),
            (&[0x04, 0x00], bc(false, Some(0))),
            (&[], bc(false, Some(0))),
        ];
        for (value, expected) in cases {
            assert_eq!(read(value), *expected, "{value:02x?}");
        }
    }

    #[test]
    fn small_unsigned_integers() {
        let cases: &[(&[u8], Result<Option<u8>, Error>)] = &[
            (&[0], Ok(Some(0))),
            (&[5], Ok(Some(5))),
            (&[0x7f], Ok(Some(0x7f))),
            (&[0, 0x80], Ok(Some(0x80))),
            (&[0, 0xff], Ok(Some(0xff))),
            (&[1, 0], Ok(None)),
            (&[0, 0x80, 0], Ok(None)),
            (&[], Err(Error::BadDer)),
            (&[0x80], Err(Error::BadDer)),
            (&[0, 5], Err(Error::BadDer)),
        ];
        for (bytes, expected) in cases {
            assert_eq!(small_unsigned(bytes), *expected, "{bytes:02x?}");
        }
    }

    #[test]
    fn spki_of_reads_only_up_to_the_key() {
        // A minimal certificate: SEQUENCE { tbs, sigalg, sig } with an
        // extension area that is garbage (not read by spki_of).
        let spki: &[u8] = &[
            0x30, 0x09, 0x30, 0x03, 0x06, 0x01, 0x2a, 0x03, 0x02, 0x00, 0x01,
        ];
        let mut tbs = std::vec![
            0x02, 0x01, 0x01, 0x30, 0x00, 0x30, 0x00, 0x30, 0x00, 0x30, 0x00
        ];
        tbs.extend_from_slice(spki);
        tbs.extend_from_slice(&[0xa3, 0x01, 0xff]);
        let mut cert = std::vec![0x30, u8::try_from(tbs.len()).unwrap()];
        cert.extend_from_slice(&tbs);
        let mut der = std::vec![0x30, u8::try_from(cert.len()).unwrap()];
        der.extend_from_slice(&cert);
        assert_eq!(spki_of(&der), Ok(spki));
        // The full parse rejects what spki_of does not read.
        assert_eq!(Certificate::parse(&der), Err(Error::BadDer));
        // Trailing data after the certificate, and a truncated key, are not
        // accepted.
        let mut trailing = der.clone();
        trailing.push(0);
        assert_eq!(spki_of(&trailing), Err(Error::BadDer));
        assert_eq!(spki_of(&der[..der.len() - 6]), Err(Error::BadDer));
    }

    #[test]
    fn validity_status() {
        let v = Validity {
            not_before: 100,
            not_after: 200,
        };
        assert_eq!(
            v.status_at(crate::time::unix_time(99)),
            ValidityStatus::NotYetValid
        );
        assert_eq!(
            v.status_at(crate::time::unix_time(100)),
            ValidityStatus::Valid
        );
        assert_eq!(
            v.status_at(crate::time::unix_time(200)),
            ValidityStatus::Valid
        );
        assert_eq!(
            v.status_at(crate::time::unix_time(201)),
            ValidityStatus::Expired
        );
        assert_eq!(
            v.status_at(crate::time::unix_time(u64::MAX)),
            ValidityStatus::Expired
        );
    }
}
