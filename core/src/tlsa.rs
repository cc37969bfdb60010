//! TLSA records (RFC 6698 §2): their fields, parsing from wire RDATA and
//! presentation text, usability (RFC 7671 §4 and RFC 7672 §3.1) and digest
//! algorithm agility (RFC 7671 §9).

use core::fmt;

use sha2::{Digest as _, Sha256, Sha512};

use crate::Error;
use crate::cert::{self, Certificate};
use crate::hex::{self, Hex};
use crate::limits::MAX_TLSA_DATA_LEN;

/// The certificate usage field (RFC 6698 §2.1.1, RFC 7218 acronyms).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CertUsage {
    /// 0, PKIX-TA: a CA constraint, in addition to PKIX validation.
    PkixTa,
    /// 1, PKIX-EE: a service certificate constraint, plus PKIX validation.
    PkixEe,
    /// 2, DANE-TA: a trust anchor assertion.
    DaneTa,
    /// 3, DANE-EE: a domain-issued certificate.
    DaneEe,
    /// 255, PrivCert: reserved for private use.
    PrivCert,
    /// Any other value, unassigned.
    Unassigned(u8),
}

/// The selector field (RFC 6698 §2.1.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Selector {
    /// 0, Cert: the full certificate.
    Full,
    /// 1, SPKI: the DER-encoded SubjectPublicKeyInfo.
    Spki,
    /// 255, PrivSel: reserved for private use.
    PrivSel,
    /// Any other value, unassigned.
    Unassigned(u8),
}

/// The matching type field (RFC 6698 §2.1.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MatchingType {
    /// 0, Full: exact match on the selected content.
    Full,
    /// 1, SHA2-256.
    Sha256,
    /// 2, SHA2-512.
    Sha512,
    /// 255, PrivMatch: reserved for private use.
    PrivMatch,
    /// Any other value, unassigned.
    Unassigned(u8),
}

macro_rules! code_points {
    ($t:ident { $($value:literal => $variant:ident),* $(,)? } $private:ident) => {
        impl From<u8> for $t {
            fn from(value: u8) -> Self {
                match value {
                    $($value => Self::$variant,)*
                    255 => Self::$private,
                    other => Self::Unassigned(other),
                }
            }
        }

        impl From<$t> for u8 {
            fn from(value: $t) -> u8 {
                match value {
                    $($t::$variant => $value,)*
                    $t::$private => 255,
                    $t::Unassigned(other) => other,
                }
            }
        }

        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", u8::from(*self))
            }
        }
    };
}

code_points!(CertUsage { 0 => PkixTa, 1 => PkixEe, 2 => DaneTa, 3 => DaneEe } PrivCert);
code_points!(Selector { 0 => Full, 1 => Spki } PrivSel);
code_points!(MatchingType { 0 => Full, 1 => Sha256, 2 => Sha512 } PrivMatch);

/// A digest algorithm that TLSA matching types name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DigestAlgorithm {
    /// SHA2-256, matching type 1.
    Sha256,
    /// SHA2-512, matching type 2.
    Sha512,
}

impl DigestAlgorithm {
    /// The length of a digest, in octets.
    pub const fn output_len(self) -> usize {
        match self {
            Self::Sha256 => 32,
            Self::Sha512 => 64,
        }
    }

    /// The matching type that names this digest.
    pub const fn matching_type(self) -> MatchingType {
        match self {
            Self::Sha256 => MatchingType::Sha256,
            Self::Sha512 => MatchingType::Sha512,
        }
    }
}

impl MatchingType {
    /// The digest algorithm of this matching type, if it is one.
    pub const fn digest(self) -> Option<DigestAlgorithm> {
        match self {
            Self::Sha256 => Some(DigestAlgorithm::Sha256),
            Self::Sha512 => Some(DigestAlgorithm::Sha512),
            _ => None,
        }
    }
}

/// Which digest matching types are enabled, most preferred first
/// (RFC 7671 §9). A digest that is not listed is disabled: records that use
/// it are unusable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DigestPreference {
    order: [Option<DigestAlgorithm>; 2],
}

impl DigestPreference {
    /// SHA2-512 preferred over SHA2-256: the default of RFC 7671 §9 and of
    /// OpenSSL and Postfix.
    pub const SHA512_SHA256: Self = Self {
        order: [Some(DigestAlgorithm::Sha512), Some(DigestAlgorithm::Sha256)],
    };

    /// SHA2-256 preferred over SHA2-512.
    pub const SHA256_SHA512: Self = Self {
        order: [Some(DigestAlgorithm::Sha256), Some(DigestAlgorithm::Sha512)],
    };

    /// Only `digest` enabled.
    pub const fn only(digest: DigestAlgorithm) -> Self {
        Self {
            order: [Some(digest), None],
        }
    }

    /// A preference from an ordered list, most preferred first.
    ///
    /// # Errors
    ///
    /// [`Error::UnsupportedParameter`] for an empty list or one that names a
    /// digest twice.
    pub fn from_order(order: &[DigestAlgorithm]) -> Result<Self, Error> {
        match order {
            [only] => Ok(Self::only(*only)),
            [first, second] if first != second => Ok(Self {
                order: [Some(*first), Some(*second)],
            }),
            _ => Err(Error::UnsupportedParameter),
        }
    }

    /// The rank of a digest: 0 is the most preferred; `None` when disabled.
    pub fn rank(&self, digest: DigestAlgorithm) -> Option<usize> {
        self.order.iter().position(|d| *d == Some(digest))
    }

    /// The enabled digests, most preferred first.
    pub fn iter(&self) -> impl Iterator<Item = DigestAlgorithm> + '_ {
        self.order.iter().flatten().copied()
    }
}

impl Default for DigestPreference {
    fn default() -> Self {
        Self::SHA512_SHA256
    }
}

/// Which certificate usages a protocol profile allows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum ProfileKind {
    /// SMTP (RFC 7672 §3.1.3): only DANE-TA(2) and DANE-EE(3) are usable.
    #[default]
    Smtp,
    /// Generic (RFC 6698, RFC 7671): PKIX-TA(0) and PKIX-EE(1) are usable
    /// too, and require PKIX validation to caller-supplied trust anchors.
    Generic,
}

/// Why a TLSA record is unusable. An unusable record is ignored; it is not a
/// mismatch (RFC 7671 §4.1, RFC 7672 §2.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Unusable {
    /// PKIX-TA(0) or PKIX-EE(1) under the SMTP profile (RFC 7672 §3.1.3).
    UsageNotInProfile(CertUsage),
    /// PrivCert(255) or an unassigned usage (RFC 6698 §7.2).
    UnknownUsage(CertUsage),
    /// PrivSel(255) or an unassigned selector (RFC 6698 §7.3).
    UnknownSelector(Selector),
    /// PrivMatch(255) or an unassigned matching type (RFC 6698 §7.4).
    UnknownMatchingType(MatchingType),
    /// A digest that the local digest preference disables (RFC 7671 §9).
    DisabledDigest(DigestAlgorithm),
    /// Data whose length is not the digest's (32 octets for SHA2-256, 64 for
    /// SHA2-512; RFC 6698 §2.1.3).
    DigestLength {
        /// The digest the matching type names.
        digest: DigestAlgorithm,
        /// The length of the data.
        actual: usize,
    },
    /// Full(0) data of selector 0 that is not exactly one DER certificate.
    MalformedCertificate,
    /// Full(0) data of selector 1 that is not exactly one DER
    /// SubjectPublicKeyInfo.
    MalformedSpki,
    /// No certificate association data.
    EmptyData,
}

impl Unusable {
    /// A short description.
    pub const fn description(&self) -> &'static str {
        match self {
            Self::UsageNotInProfile(_) => "PKIX usages are not used with SMTP (RFC 7672 3.1.3)",
            Self::UnknownUsage(_) => "unknown certificate usage",
            Self::UnknownSelector(_) => "unknown selector",
            Self::UnknownMatchingType(_) => "unknown matching type",
            Self::DisabledDigest(_) => "digest algorithm disabled by local preference",
            Self::DigestLength { .. } => "data length does not match the digest length",
            Self::MalformedCertificate => "full certificate data is not a DER certificate",
            Self::MalformedSpki => "full SPKI data is not a DER SubjectPublicKeyInfo",
            Self::EmptyData => "empty certificate association data",
        }
    }
}

impl fmt::Display for Unusable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::DigestLength { digest, actual } => write!(
                f,
                "{} ({actual} octets, {} expected)",
                self.description(),
                digest.output_len()
            ),
            _ => f.write_str(self.description()),
        }
    }
}

/// A TLSA record whose certificate association data borrows the caller's
/// bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Tlsa<'a> {
    /// The certificate usage.
    pub usage: CertUsage,
    /// The selector.
    pub selector: Selector,
    /// The matching type.
    pub matching_type: MatchingType,
    /// The certificate association data.
    pub data: &'a [u8],
}

impl<'a> Tlsa<'a> {
    /// Parses TLSA RDATA as it appears on the wire (RFC 6698 §2.1): three
    /// one-octet fields, then the data.
    ///
    /// # Errors
    ///
    /// [`Error::TlsaRdataTooShort`] below 3 octets, [`Error::TlsaDataTooLong`]
    /// beyond [`MAX_TLSA_DATA_LEN`] octets of data.
    ///
    /// # Examples
    ///
    /// ```
    /// use mxtrust::{CertUsage, Tlsa};
    /// let record = Tlsa::from_rdata(&[3, 1, 1, 0xab])?;
    /// assert_eq!(record.usage, CertUsage::DaneEe);
    /// assert_eq!(record.data, &[0xab]);
    /// # Ok::<(), mxtrust::Error>(())
    /// ```
    pub fn from_rdata(rdata: &'a [u8]) -> Result<Self, Error> {
        let [usage, selector, matching_type, data @ ..] = rdata else {
            return Err(Error::TlsaRdataTooShort);
        };
        if data.len() > MAX_TLSA_DATA_LEN {
            return Err(Error::TlsaDataTooLong);
        }
        Ok(Self {
            usage: (*usage).into(),
            selector: (*selector).into(),
            matching_type: (*matching_type).into(),
            data,
        })
    }

    /// Parses a TLSA record in presentation format (RFC 6698 §2.2), decoding
    /// its data into `storage`, which the returned record borrows.
    ///
    /// Accepted forms, all with any amount of blank space:
    ///
    /// - `3 1 1 <hex>`, the hex possibly split into several words;
    /// - a zone-file or `dig` answer line,
    ///   `_25._tcp.mx.example. 3600 IN TLSA 3 1 1 <hex>`: everything up to
    ///   the `TLSA` word is skipped;
    /// - the generic form of RFC 3597 that older tools print,
    ///   `... TYPE52 \# 35 030101<hex>`;
    /// - parentheses around the fields, and a `;` comment at the end.
    ///
    /// # Errors
    ///
    /// [`Error::TlsaSyntax`], [`Error::TlsaFieldOutOfRange`],
    /// [`Error::InvalidHex`], [`Error::TlsaRdataTooShort`], and
    /// [`Error::BufferTooSmall`] when the data does not fit `storage`; in every
    /// case `storage` is left unchanged.
    ///
    /// # Examples
    ///
    /// ```
    /// use mxtrust::{MatchingType, Tlsa};
    /// let mut storage = [0u8; 64];
    /// let line = "_25._tcp.mx.example.com. 300 IN TLSA 3 1 1 ( 0123 4567 )";
    /// let record = Tlsa::parse_text(line, &mut storage)?;
    /// assert_eq!(record.matching_type, MatchingType::Sha256);
    /// assert_eq!(record.data, &[0x01, 0x23, 0x45, 0x67]);
    /// # Ok::<(), mxtrust::Error>(())
    /// ```
    pub fn parse_text(text: &str, storage: &'a mut [u8]) -> Result<Self, Error> {
        let text = text.as_bytes();
        // A `;` starts a comment; hex never contains one.
        let text = match text.iter().position(|&c| c == b';') {
            Some(end) => text.get(..end).unwrap_or(text),
            None => text,
        };
        let mut words = Words { rest: text };
        let rdata_words = match words.clone().position(is_type_word) {
            Some(type_index) => words.nth(type_index).map(|_| words),
            None => Some(words),
        }
        .ok_or(Error::TlsaSyntax)?;

        let mut fields = rdata_words.clone();
        if fields.clone().next() == Some(b"\\#") {
            return parse_generic(fields.rest, storage);
        }
        let usage = fields.next().ok_or(Error::TlsaSyntax).and_then(field)?;
        let selector = fields.next().ok_or(Error::TlsaSyntax).and_then(field)?;
        let matching_type = fields.next().ok_or(Error::TlsaSyntax).and_then(field)?;
        if fields.clone().next().is_none() {
            return Err(Error::TlsaSyntax);
        }
        let hex_text = fields.rest;
        check_hex_words(hex_text)?;
        let len = hex::decode_into(hex_text, storage)?;
        let data = storage.get(..len).ok_or(Error::BufferTooSmall { needed: len })?;
        if data.len() > MAX_TLSA_DATA_LEN {
            return Err(Error::TlsaDataTooLong);
        }
        Ok(Self {
            usage: usage.into(),
            selector: selector.into(),
            matching_type: matching_type.into(),
            data,
        })
    }

    /// Whether this record can be used at all, and if not, why
    /// (RFC 7671 §4.1, RFC 7672 §3.1). Digest agility is a separate, second
    /// step over the whole RRset: see [`select_usable`].
    ///
    /// # Errors
    ///
    /// The [`Unusable`] reason.
    pub fn usability(
        &self,
        profile: ProfileKind,
        preference: &DigestPreference,
    ) -> Result<(), Unusable> {
        match (self.usage, profile) {
            (CertUsage::DaneTa | CertUsage::DaneEe, _) => {}
            (CertUsage::PkixTa | CertUsage::PkixEe, ProfileKind::Generic) => {}
            (usage @ (CertUsage::PkixTa | CertUsage::PkixEe), ProfileKind::Smtp) => {
                return Err(Unusable::UsageNotInProfile(usage));
            }
            (usage, _) => return Err(Unusable::UnknownUsage(usage)),
        }
        if !matches!(self.selector, Selector::Full | Selector::Spki) {
            return Err(Unusable::UnknownSelector(self.selector));
        }
        if self.data.is_empty() {
            return Err(Unusable::EmptyData);
        }
        match self.matching_type {
            MatchingType::Full => match self.selector {
                Selector::Full => Certificate::parse(self.data)
                    .map(|_| ())
                    .map_err(|_| Unusable::MalformedCertificate),
                _ => cert::check_spki(self.data).map_err(|_| Unusable::MalformedSpki),
            },
            mtype => {
                let digest = mtype.digest().ok_or(Unusable::UnknownMatchingType(mtype))?;
                if preference.rank(digest).is_none() {
                    return Err(Unusable::DisabledDigest(digest));
                }
                if self.data.len() != digest.output_len() {
                    return Err(Unusable::DigestLength {
                        digest,
                        actual: self.data.len(),
                    });
                }
                Ok(())
            }
        }
    }

    /// Whether this record's data matches the bytes its selector picks from a
    /// certificate (`selected`: the whole DER for selector 0, the
    /// SubjectPublicKeyInfo for selector 1).
    pub fn matches_selected(&self, selected: &[u8]) -> bool {
        match self.matching_type.digest() {
            None => self.matching_type == MatchingType::Full && self.data == selected,
            Some(digest) => {
                let mut out = [0u8; 64];
                let computed = digest_into(digest, selected, &mut out);
                computed == self.data
            }
        }
    }
}

impl fmt::Display for Tlsa<'_> {
    /// The presentation form, `usage selector matching-type hex`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} {} {}",
            self.usage,
            self.selector,
            self.matching_type,
            Hex(self.data)
        )
    }
}

/// `\# length hex` (RFC 3597 §5).
fn parse_generic<'a>(text: &[u8], storage: &'a mut [u8]) -> Result<Tlsa<'a>, Error> {
    let mut words = Words { rest: text };
    words.next(); // `\#`
    let length = words.next().ok_or(Error::TlsaSyntax).and_then(decimal)?;
    check_hex_words(words.rest)?;
    let len = hex::decode_into(words.rest, storage)?;
    if usize::try_from(length).ok() != Some(len) {
        return Err(Error::TlsaSyntax);
    }
    Tlsa::from_rdata(storage.get(..len).ok_or(Error::BufferTooSmall { needed: len })?)
}

fn is_type_word(word: &[u8]) -> bool {
    word.eq_ignore_ascii_case(b"TLSA") || word.eq_ignore_ascii_case(b"TYPE52")
}

/// Rejects a closing parenthesis anywhere but last, so that stray words after
/// the record are not taken for data.
fn check_hex_words(text: &[u8]) -> Result<(), Error> {
    if text.contains(&b'(') {
        return Err(Error::TlsaSyntax);
    }
    Ok(())
}

fn field(word: &[u8]) -> Result<u8, Error> {
    u8::try_from(decimal(word)?).map_err(|_| Error::TlsaFieldOutOfRange)
}

fn decimal(word: &[u8]) -> Result<u32, Error> {
    if word.is_empty() || word.len() > 5 {
        return Err(Error::TlsaFieldOutOfRange);
    }
    word.iter().try_fold(0u32, |acc, &c| {
        let digit = c.checked_sub(b'0').filter(|d| *d <= 9);
        match digit {
            Some(d) => acc
                .checked_mul(10)
                .and_then(|a| a.checked_add(u32::from(d)))
                .ok_or(Error::TlsaFieldOutOfRange),
            None => Err(Error::TlsaFieldOutOfRange),
        }
    })
}

/// Words separated by blank space, with parentheses dropped as RFC 1035
/// §5.1 allows them around a record's fields.
#[derive(Clone)]
struct Words<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for Words<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        let is_blank = |c: &u8| c.is_ascii_whitespace() || *c == b'(' || *c == b')';
        let start = self.rest.iter().position(|c| !is_blank(c))?;
        let rest = self.rest.get(start..)?;
        let end = rest.iter().position(is_blank).unwrap_or(rest.len());
        let (word, after) = rest.split_at(end);
        self.rest = after;
        Some(word)
    }
}

/// Computes `digest` over `data` into the front of `out`, returning it.
pub(crate) fn digest_into<'o>(
    digest: DigestAlgorithm,
    data: &[u8],
    out: &'o mut [u8; 64],
) -> &'o [u8] {
    match digest {
        DigestAlgorithm::Sha256 => {
            let (head, _) = out.split_at_mut(32);
            head.copy_from_slice(&Sha256::digest(data));
            head
        }
        DigestAlgorithm::Sha512 => {
            out.copy_from_slice(&Sha512::digest(data));
            out
        }
    }
}

/// Computes `digest` over the concatenation of `head` and `tail`.
pub(crate) fn digest_parts_into<'o>(
    digest: DigestAlgorithm,
    head: &[u8],
    tail: &[u8],
    out: &'o mut [u8; 64],
) -> &'o [u8] {
    match digest {
        DigestAlgorithm::Sha256 => {
            let (first, _) = out.split_at_mut(32);
            first.copy_from_slice(&Sha256::new().chain_update(head).chain_update(tail).finalize());
            first
        }
        DigestAlgorithm::Sha512 => {
            out.copy_from_slice(&Sha512::new().chain_update(head).chain_update(tail).finalize());
            out
        }
    }
}

/// The status of one record after usability classification and digest
/// agility, before any matching.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Selection {
    /// The record takes part in matching.
    Usable,
    /// The record is unusable, for this reason.
    Unusable(Unusable),
    /// The record is usable, but a more preferred digest is present among the
    /// usable records with the same usage and selector, so this one is not
    /// considered (RFC 7671 §9).
    Superseded,
}

/// Classifies every record of an RRset: unusable records with their reason,
/// and per (usage, selector) only Full(0) records plus those with the most
/// preferred digest present among the usable records (RFC 7671 §9).
///
/// # Errors
///
/// [`Error::BufferTooSmall`] when `out` is shorter than `records`; then
/// nothing is written.
pub fn select_usable(
    records: &[Tlsa<'_>],
    profile: ProfileKind,
    preference: &DigestPreference,
    out: &mut [Selection],
) -> Result<(), Error> {
    let out = out.get_mut(..records.len()).ok_or(Error::BufferTooSmall {
        needed: records.len(),
    })?;
    for (i, slot) in out.iter_mut().enumerate() {
        *slot = selection(records, i, profile, preference);
    }
    Ok(())
}

/// The [`Selection`] of `records[index]` within its RRset.
pub(crate) fn selection(
    records: &[Tlsa<'_>],
    index: usize,
    profile: ProfileKind,
    preference: &DigestPreference,
) -> Selection {
    let Some(record) = records.get(index) else {
        return Selection::Unusable(Unusable::EmptyData);
    };
    if let Err(why) = record.usability(profile, preference) {
        return Selection::Unusable(why);
    }
    let Some(rank) = record.matching_type.digest().and_then(|d| preference.rank(d)) else {
        return Selection::Usable;
    };
    // Only digest records of the same usage and selector compete; checking
    // their usability is cheap (no parsing).
    let best = records
        .iter()
        .filter(|other| other.usage == record.usage && other.selector == record.selector)
        .filter_map(|other| {
            let other_rank = other.matching_type.digest().and_then(|d| preference.rank(d))?;
            other.usability(profile, preference).ok().map(|()| other_rank)
        })
        .min();
    match best {
        Some(best) if best < rank => Selection::Superseded,
        _ => Selection::Usable,
    }
}

/// Computes the certificate association data a TLSA record with `selector`
/// and `matching_type` would publish for a certificate, into the front of
/// `out`; returns its length. This is how a publisher makes its records,
/// including the "current + next" pairs of a key rollover (RFC 7671 §8).
///
/// # Errors
///
/// [`Error::BadDer`] or [`Error::CertificateTooLarge`] for a certificate that
/// does not parse, [`Error::UnsupportedParameter`] for private or unassigned
/// selectors and matching types, [`Error::BufferTooSmall`] when `out` is too
/// short (nothing is written then).
///
/// # Examples
///
/// ```no_run
/// use mxtrust::{MatchingType, Selector};
/// # let leaf_der: &[u8] = &[];
/// let mut data = [0u8; 64];
/// let len = mxtrust::tlsa::association_data(leaf_der, Selector::Spki, MatchingType::Sha256, &mut data)?;
/// println!("3 1 1 {:02x?}", &data[..len]);
/// # Ok::<(), mxtrust::Error>(())
/// ```
pub fn association_data(
    cert_der: &[u8],
    selector: Selector,
    matching_type: MatchingType,
    out: &mut [u8],
) -> Result<usize, Error> {
    let cert = Certificate::parse(cert_der)?;
    let selected = match selector {
        Selector::Full => cert.der(),
        Selector::Spki => cert.spki(),
        _ => return Err(Error::UnsupportedParameter),
    };
    let mut digest_out = [0u8; 64];
    let data = match matching_type {
        MatchingType::Full => selected,
        other => {
            let digest = other.digest().ok_or(Error::UnsupportedParameter)?;
            digest_into(digest, selected, &mut digest_out)
        }
    };
    out.get_mut(..data.len())
        .ok_or(Error::BufferTooSmall { needed: data.len() })?
        .copy_from_slice(data);
    Ok(data.len())
}
