//! TLSA records (RFC 6698 §2): their fields, parsing from wire RDATA and
//! presentation text, usability (RFC 7671 §4 and RFC 7672 §3.1) and digest
//! algorithm agility (RFC 7671 §9).

use core::fmt;

use sha2::{Digest as _, Sha256, Sha512};

use crate::Error;
use crate::cert::{self, Certificate};
use crate::hex::{self, Hex};
use crate::limits::{MAX_TLSA_DATA_LEN, MAX_TLSA_RECORDS};

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

impl CertUsage {
    /// The acronym RFC 7218 §2.1 gives the usage, e.g. `DANE-EE`.
    pub const fn acronym(self) -> &'static str {
        match self {
            Self::PkixTa => "PKIX-TA",
            Self::PkixEe => "PKIX-EE",
            Self::DaneTa => "DANE-TA",
            Self::DaneEe => "DANE-EE",
            Self::PrivCert => "PrivCert",
            Self::Unassigned(_) => "unassigned",
        }
    }

    /// Whether a record of this usage is matched against the presented
    /// certificate at `depth` (0 = leaf): end-entity usages against the leaf
    /// only, trust-anchor usages against the certificates above it
    /// (RFC 6698 §2.1.1, RFC 7671 §5).
    pub const fn applies_at_depth(self, depth: usize) -> bool {
        match self {
            Self::DaneEe | Self::PkixEe => depth == 0,
            Self::DaneTa | Self::PkixTa => depth >= 1,
            Self::PrivCert | Self::Unassigned(_) => false,
        }
    }
}

/// The selector field (RFC 6698 §2.1.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Selector {
    /// 0, Cert: the full certificate.
    Cert,
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
code_points!(Selector { 0 => Cert, 1 => Spki } PrivSel);
code_points!(MatchingType { 0 => Full, 1 => Sha256, 2 => Sha512 } PrivMatch);

impl Selector {
    /// The RFC 7218 acronym: `Cert`, `SPKI`, `PrivSel`.
    pub const fn acronym(self) -> &'static str {
        match self {
            Self::Cert => "Cert",
            Self::Spki => "SPKI",
            Self::PrivSel => "PrivSel",
            Self::Unassigned(_) => "unassigned",
        }
    }
}

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
    /// The RFC 7218 acronym: `Full`, `SHA2-256`, `SHA2-512`, `PrivMatch`.
    pub const fn acronym(self) -> &'static str {
        match self {
            Self::Full => "Full",
            Self::Sha256 => "SHA2-256",
            Self::Sha512 => "SHA2-512",
            Self::PrivMatch => "PrivMatch",
            Self::Unassigned(_) => "unassigned",
        }
    }

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
    /// Full(0) data of selector 0 that matching cannot use: for the EE
    /// usages, which compare it with the leaf octet for octet, anything but
    /// one DER SEQUENCE; for the TA usages, which make it a trust anchor, a
    /// certificate whose subject and SubjectPublicKeyInfo cannot be read.
    MalformedCertificate,
    /// Full(0) data of selector 1 that is not exactly one DER
    /// SubjectPublicKeyInfo.
    MalformedSpki,
    /// No certificate association data.
    EmptyData,
}

impl Unusable {
    /// A stable kebab-case code for machine-readable output; never changes
    /// once published.
    pub const fn code(&self) -> &'static str {
        match self {
            Self::UsageNotInProfile(_) => "usage-not-in-profile",
            Self::UnknownUsage(_) => "unknown-usage",
            Self::UnknownSelector(_) => "unknown-selector",
            Self::UnknownMatchingType(_) => "unknown-matching-type",
            Self::DisabledDigest(_) => "disabled-digest",
            Self::DigestLength { .. } => "digest-length",
            Self::MalformedCertificate => "malformed-certificate",
            Self::MalformedSpki => "malformed-spki",
            Self::EmptyData => "empty-data",
        }
    }

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
                "{} ({actual} octet{}, {} expected)",
                self.description(),
                if *actual == 1 { "" } else { "s" },
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
            Some(type_index) => {
                // `owner [ttl] [class] TLSA`: anything else before the type
                // word, like `RRSIG`, makes it another record's line.
                let prefix = words.clone().take(type_index).skip(1);
                if type_index > 3 || !prefix.clone().all(|w| is_ttl(w) || is_class(w)) {
                    return Err(Error::NotTlsa);
                }
                words.nth(type_index).map(|_| words)
            }
            None => Some(words),
        }
        .ok_or(Error::TlsaSyntax)?;

        let mut fields = rdata_words.clone();
        if fields.clone().next() == Some(b"\\#") {
            return parse_generic(fields, storage);
        }
        let usage = fields.next().ok_or(Error::TlsaSyntax).and_then(field)?;
        let selector = fields.next().ok_or(Error::TlsaSyntax).and_then(field)?;
        let matching_type = fields.next().ok_or(Error::TlsaSyntax).and_then(field)?;
        if fields.clone().next().is_none() {
            return Err(Error::TlsaSyntax);
        }
        // Every check before decoding, so that an error leaves `storage` as it was.
        if encoded_len(fields.clone()) > MAX_TLSA_DATA_LEN {
            return Err(Error::TlsaDataTooLong);
        }
        let len = hex::decode_digits(fields.flat_map(|word| word.iter().copied()), storage)?;
        let data = storage
            .get(..len)
            .ok_or(Error::BufferTooSmall { needed: len })?;
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
        if !matches!(self.selector, Selector::Cert | Selector::Spki) {
            return Err(Unusable::UnknownSelector(self.selector));
        }
        if self.data.is_empty() {
            return Err(Unusable::EmptyData);
        }
        match self.matching_type {
            MatchingType::Full => match self.selector {
                Selector::Cert => cert::check_full_certificate(
                    self.data,
                    matches!(self.usage, CertUsage::DaneTa | CertUsage::PkixTa),
                )
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
fn parse_generic<'a>(mut words: Words<'_>, storage: &'a mut [u8]) -> Result<Tlsa<'a>, Error> {
    words.next(); // `\#`
    let length = words.next().ok_or(Error::TlsaSyntax).and_then(decimal)?;
    let length = usize::try_from(length).map_err(|_| Error::TlsaSyntax)?;
    // Every check before decoding, so that an error leaves `storage` as it was.
    if encoded_len(words.clone()) != length {
        return Err(Error::TlsaSyntax);
    }
    if length < 3 {
        return Err(Error::TlsaRdataTooShort);
    }
    if length.saturating_sub(3) > MAX_TLSA_DATA_LEN {
        return Err(Error::TlsaDataTooLong);
    }
    let len = hex::decode_digits(words.flat_map(|word| word.iter().copied()), storage)?;
    Tlsa::from_rdata(
        storage
            .get(..len)
            .ok_or(Error::BufferTooSmall { needed: len })?,
    )
}

/// The number of octets hex words would decode to (rounded down).
fn encoded_len(words: Words<'_>) -> usize {
    words.fold(0usize, |n, word| n.saturating_add(word.len())) / 2
}

fn is_ttl(word: &[u8]) -> bool {
    !word.is_empty() && word.iter().all(u8::is_ascii_digit)
}

fn is_class(word: &[u8]) -> bool {
    [&b"IN"[..], b"CH", b"HS", b"CS"]
        .iter()
        .any(|c| word.eq_ignore_ascii_case(c))
}

fn is_type_word(word: &[u8]) -> bool {
    word.eq_ignore_ascii_case(b"TLSA") || word.eq_ignore_ascii_case(b"TYPE52")
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
            first.copy_from_slice(
                &Sha256::new()
                    .chain_update(head)
                    .chain_update(tail)
                    .finalize(),
            );
            first
        }
        DigestAlgorithm::Sha512 => {
            out.copy_from_slice(
                &Sha512::new()
                    .chain_update(head)
                    .chain_update(tail)
                    .finalize(),
            );
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
/// [`Error::TooManyRecords`] beyond [`MAX_TLSA_RECORDS`], and
/// [`Error::BufferTooSmall`] when `out` is shorter than `records`; then
/// nothing is written.
pub fn select_usable(
    records: &[Tlsa<'_>],
    profile: ProfileKind,
    preference: &DigestPreference,
    out: &mut [Selection],
) -> Result<(), Error> {
    if records.len() > MAX_TLSA_RECORDS {
        return Err(Error::TooManyRecords);
    }
    let out = out.get_mut(..records.len()).ok_or(Error::BufferTooSmall {
        needed: records.len(),
    })?;
    select_each(records, profile, preference, |i, selection| {
        if let Some(slot) = out.get_mut(i) {
            *slot = selection;
        }
    });
    Ok(())
}

/// The [`Selection`] of every record, as [`selection`] gives it for each
/// index, passed to `put` in index order; each record's usability is
/// checked once, not once per competitor.
#[inline]
pub(crate) fn select_each(
    records: &[Tlsa<'_>],
    profile: ProfileKind,
    preference: &DigestPreference,
    mut put: impl FnMut(usize, Selection),
) {
    // One record has no competitor: its usability is its selection. The
    // RRset of a single `3 1 1` is the usual one.
    if let [record] = records {
        put(
            0,
            match record.usability(profile, preference) {
                Ok(()) => Selection::Usable,
                Err(why) => Selection::Unusable(why),
            },
        );
        return;
    }
    select_among(records, profile, preference, put);
}

/// [`select_each`] for RRsets of other sizes than one.
fn select_among(
    records: &[Tlsa<'_>],
    profile: ProfileKind,
    preference: &DigestPreference,
    mut put: impl FnMut(usize, Selection),
) {
    // Bit i: records[i] is usable. An unusable record's reason is asked
    // again below: unusable records are rare, usable ones are the work.
    let bit = |i: usize| {
        1u64.checked_shl(u32::try_from(i).unwrap_or(u32::MAX))
            .unwrap_or(0)
    };
    let rank_of = |record: &Tlsa<'_>| {
        record
            .matching_type
            .digest()
            .and_then(|d| preference.rank(d))
    };
    // One pass: which records are usable, and the best rank of any usable
    // record. A record of the best rank has no better
    // competitor, whatever its usage and selector, so only others look for
    // one (an RRset of one digest never does: O(n), not O(n²)).
    let mut usable: u64 = 0;
    let mut best_anywhere = None;
    for (i, record) in records.iter().enumerate() {
        if record.usability(profile, preference).is_ok() {
            usable |= bit(i);
            if let Some(rank) = rank_of(record) {
                best_anywhere = Some(best_anywhere.map_or(rank, |b: usize| b.min(rank)));
            }
        }
    }
    // Past the mask's 64 records (callers stop at MAX_TLSA_RECORDS, 64),
    // usability is asked again rather than remembered.
    let is_usable = |j: usize, record: &Tlsa<'_>| match j {
        0..64 => usable & bit(j) != 0,
        _ => record.usability(profile, preference).is_ok(),
    };
    for (i, record) in records.iter().enumerate() {
        let selection = if !is_usable(i, record) {
            match record.usability(profile, preference) {
                Err(why) => Selection::Unusable(why),
                Ok(()) => Selection::Usable, // not reached: usability is pure
            }
        } else {
            match rank_of(record) {
                None => Selection::Usable,
                Some(rank) if Some(rank) <= best_anywhere => Selection::Usable,
                Some(rank) => {
                    let better = records.iter().enumerate().any(|(j, other)| {
                        is_usable(j, other)
                            && other.usage == record.usage
                            && other.selector == record.selector
                            && rank_of(other).is_some_and(|r| r < rank)
                    });
                    if better {
                        Selection::Superseded
                    } else {
                        Selection::Usable
                    }
                }
            }
        };
        put(i, selection);
    }
}

/// Whether any record of an RRset is usable (RFC 7672 §2.2): the
/// [`TlsaUsability`](crate::decision::TlsaUsability) input of the per-MX
/// decision. Digest agility never makes an RRset unusable (a superseded
/// record implies a usable one), so this is "any record passes
/// [`Tlsa::usability`]".
pub fn any_usable(
    records: &[Tlsa<'_>],
    profile: ProfileKind,
    preference: &DigestPreference,
) -> bool {
    records
        .iter()
        .any(|record| record.usability(profile, preference).is_ok())
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
    let Some(rank) = record
        .matching_type
        .digest()
        .and_then(|d| preference.rank(d))
    else {
        return Selection::Usable;
    };
    // Only digest records of the same usage and selector compete; checking
    // their usability is cheap (no parsing).
    let best = records
        .iter()
        .filter(|other| other.usage == record.usage && other.selector == record.selector)
        .filter_map(|other| {
            let other_rank = other
                .matching_type
                .digest()
                .and_then(|d| preference.rank(d))?;
            other
                .usability(profile, preference)
                .ok()
                .map(|()| other_rank)
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
        Selector::Cert => cert.der(),
        Selector::Spki => cert.spki(),
        _ => return Err(Error::UnsupportedParameter),
    };
    write_association(selected, matching_type, out)
}

/// The association data of already `selected` octets under
/// `matching_type` (the octets themselves, or their digest) into the
/// front of `out`, returning its length; nothing is written on error.
pub(crate) fn write_association(
    selected: &[u8],
    matching_type: MatchingType,
    out: &mut [u8],
) -> Result<usize, Error> {
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

#[cfg(test)]
#[allow(clippy::type_complexity)]
mod tests {
    use super::*;

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1024))]

        /// select_each (one usability check per record) gives every record
        /// the Selection that `selection` gives it alone.
        #[test]
        fn select_each_agrees_with_selection(
            fields in proptest::collection::vec((0u8..5, 0u8..3, proptest::sample::select(std::vec![0u8, 1, 2, 3, 255]), proptest::sample::select(std::vec![0usize, 5, 32, 64])), 0..12),
            profile in proptest::sample::select(std::vec![ProfileKind::Smtp, ProfileKind::Generic]),
            preference in proptest::sample::select(std::vec![DigestPreference::SHA512_SHA256, DigestPreference::SHA256_SHA512, DigestPreference::only(DigestAlgorithm::Sha256)]),
        ) {
            let data = [0x30u8; 64];
            let records: std::vec::Vec<Tlsa<'_>> = fields
                .iter()
                .map(|&(u, s, m, len)| Tlsa {
                    usage: u.into(),
                    selector: s.into(),
                    matching_type: m.into(),
                    data: &data[..len],
                })
                .collect();
            let mut got = std::vec![Selection::Usable; records.len()];
            select_each(&records, profile, &preference, |i, sel| got[i] = sel);
            for (i, sel) in got.iter().enumerate() {
                proptest::prop_assert_eq!(*sel, selection(&records, i, profile, &preference), "record {}", i);
            }
        }
    }

    /// RFC 7218 §2 acronyms, by code point.
    #[test]
    fn rfc_7218_acronyms() {
        let usages = [
            (0, "PKIX-TA"),
            (1, "PKIX-EE"),
            (2, "DANE-TA"),
            (3, "DANE-EE"),
            (255, "PrivCert"),
        ];
        for (value, acronym) in usages {
            assert_eq!(CertUsage::from(value).acronym(), acronym);
        }
        for (value, acronym) in [(0, "Cert"), (1, "SPKI"), (255, "PrivSel")] {
            assert_eq!(Selector::from(value).acronym(), acronym);
        }
        let types = [
            (0, "Full"),
            (1, "SHA2-256"),
            (2, "SHA2-512"),
            (255, "PrivMatch"),
        ];
        for (value, acronym) in types {
            assert_eq!(MatchingType::from(value).acronym(), acronym);
        }
        assert_eq!(Selector::from(7).acronym(), "unassigned");
    }

    #[test]
    fn code_points_are_total_and_round_trip() {
        for value in 0..=255u8 {
            assert_eq!(u8::from(CertUsage::from(value)), value);
            assert_eq!(u8::from(Selector::from(value)), value);
            assert_eq!(u8::from(MatchingType::from(value)), value);
        }
        assert_eq!(CertUsage::from(2), CertUsage::DaneTa);
        assert_eq!(CertUsage::from(255), CertUsage::PrivCert);
        assert_eq!(CertUsage::from(4), CertUsage::Unassigned(4));
        assert_eq!(Selector::from(1), Selector::Spki);
        assert_eq!(Selector::from(255), Selector::PrivSel);
        assert_eq!(MatchingType::from(2), MatchingType::Sha512);
        assert_eq!(MatchingType::from(255), MatchingType::PrivMatch);
    }

    /// (text, expected (usage, selector, matching type, data))
    const TEXT_CASES: &[(&str, Result<(u8, u8, u8, &[u8]), Error>)] = &[
        ("3 1 1 0a0b", Ok((3, 1, 1, &[0x0a, 0x0b]))),
        ("  3\t1  1   0A 0b  ", Ok((3, 1, 1, &[0x0a, 0x0b]))),
        ("2 0 0 00\n11\r\n22", Ok((2, 0, 0, &[0x00, 0x11, 0x22]))),
        ("255 255 255 ff", Ok((255, 255, 255, &[0xff]))),
        (
            "_25._tcp.mx.example. 3600 IN TLSA 3 1 1 0a0b",
            Ok((3, 1, 1, &[0x0a, 0x0b])),
        ),
        (
            "_25._tcp.mx.example. IN tlsa 3 1 1 0a0b",
            Ok((3, 1, 1, &[0x0a, 0x0b])),
        ),
        ("mx TLSA ( 3 1 1\n 0a0b )", Ok((3, 1, 1, &[0x0a, 0x0b]))),
        ("3 1 1 0a0b ; rollover key", Ok((3, 1, 1, &[0x0a, 0x0b]))),
        (
            "_25._tcp.mx. 300 IN TYPE52 \\# 5 0301010a0b",
            Ok((3, 1, 1, &[0x0a, 0x0b])),
        ),
        ("\\# 3 030101", Ok((3, 1, 1, &[]))),
        ("\\# 4 030101", Err(Error::TlsaSyntax)),
        ("\\# 2 0301", Err(Error::TlsaRdataTooShort)),
        ("\\# x 030101", Err(Error::TlsaFieldOutOfRange)),
        ("3 1 1", Err(Error::TlsaSyntax)),
        ("IN TLSA 3 1 1 0a0b", Ok((3, 1, 1, &[0x0a, 0x0b]))),
        ("mx. IN 300 TLSA 3 1 1 0a0b", Ok((3, 1, 1, &[0x0a, 0x0b]))),
        (
            "_25._tcp.mx. 300 IN RRSIG TLSA 13 5 300 20261201000000 20261101000000 1234 example. abcd",
            Err(Error::NotTlsa),
        ),
        ("mx. 300 IN TXT TLSA 3 1 1 0a0b", Err(Error::NotTlsa)),
        ("a b c d TLSA 3 1 1 0a0b", Err(Error::NotTlsa)),
        ("3 1 1 ; no data", Err(Error::TlsaSyntax)),
        ("", Err(Error::TlsaSyntax)),
        ("mx IN TLSA", Err(Error::TlsaSyntax)),
        ("3 1", Err(Error::TlsaSyntax)),
        ("256 1 1 00", Err(Error::TlsaFieldOutOfRange)),
        ("3 -1 1 00", Err(Error::TlsaFieldOutOfRange)),
        ("3 1 x 00", Err(Error::TlsaFieldOutOfRange)),
        ("3 1 999999 00", Err(Error::TlsaFieldOutOfRange)),
        ("DANE-EE SPKI SHA2-256 00", Err(Error::TlsaFieldOutOfRange)),
        ("3 1 1 0a0", Err(Error::InvalidHex)),
        ("3 1 1 0x0a", Err(Error::InvalidHex)),
        ("3 1 1 zz", Err(Error::InvalidHex)),
        (
            "3 1 1 00112233445566778899",
            Err(Error::BufferTooSmall { needed: 10 }),
        ),
    ];

    #[test]
    fn presentation_text() {
        for (text, expected) in TEXT_CASES {
            let mut storage = [0xeeu8; 8];
            let got = Tlsa::parse_text(text, &mut storage).map(|t| {
                (
                    u8::from(t.usage),
                    u8::from(t.selector),
                    u8::from(t.matching_type),
                    t.data,
                )
            });
            assert_eq!(got, *expected, "{text:?}");
        }
    }

    #[test]
    fn storage_is_untouched_on_error() {
        for (text, expected) in TEXT_CASES {
            if expected.is_ok() {
                continue;
            }
            let mut storage = [0xeeu8; 8];
            let _ = Tlsa::parse_text(text, &mut storage);
            assert_eq!(storage, [0xee; 8], "{text:?}");
        }
    }

    #[test]
    fn display_is_presentation_text_and_parses_back() {
        let record = Tlsa::from_rdata(&[3, 1, 1, 0xde, 0xad, 0x01]).unwrap();
        let text = alloc_free_format(&record);
        assert_eq!(text.as_str(), "3 1 1 dead01");
        let mut storage = [0u8; 3];
        assert_eq!(Tlsa::parse_text(text.as_str(), &mut storage), Ok(record));
    }

    /// Formats into a fixed buffer, keeping the test free of `alloc`.
    fn alloc_free_format(record: &Tlsa<'_>) -> FixedString {
        use core::fmt::Write;
        let mut out = FixedString::default();
        write!(out, "{record}").unwrap();
        out
    }

    #[derive(Default)]
    struct FixedString {
        buf: [u8; 32],
        len: usize,
    }

    impl FixedString {
        fn as_str(&self) -> &str {
            core::str::from_utf8(&self.buf[..self.len]).unwrap()
        }
    }

    impl core::fmt::Write for FixedString {
        fn write_str(&mut self, s: &str) -> core::fmt::Result {
            let end = self.len + s.len();
            self.buf
                .get_mut(self.len..end)
                .ok_or(core::fmt::Error)?
                .copy_from_slice(s.as_bytes());
            self.len = end;
            Ok(())
        }
    }

    #[test]
    fn usages_apply_at_their_depths() {
        for (usage, leaf, above) in [
            (CertUsage::DaneEe, true, false),
            (CertUsage::PkixEe, true, false),
            (CertUsage::DaneTa, false, true),
            (CertUsage::PkixTa, false, true),
            (CertUsage::PrivCert, false, false),
            (CertUsage::Unassigned(7), false, false),
        ] {
            assert_eq!(usage.applies_at_depth(0), leaf, "{usage:?}");
            assert_eq!(usage.applies_at_depth(1), above, "{usage:?}");
            assert_eq!(usage.applies_at_depth(9), above, "{usage:?}");
        }
    }

    #[test]
    fn wire_rdata() {
        assert_eq!(Tlsa::from_rdata(&[3, 1]), Err(Error::TlsaRdataTooShort));
        assert_eq!(Tlsa::from_rdata(&[]), Err(Error::TlsaRdataTooShort));
        let empty = Tlsa::from_rdata(&[2, 0, 1]).unwrap();
        assert_eq!(empty.data, &[] as &[u8]);
        assert_eq!(
            empty.usability(ProfileKind::Smtp, &DigestPreference::default()),
            Err(Unusable::EmptyData)
        );
    }

    #[test]
    fn digest_preference_orders() {
        let p = DigestPreference::default();
        assert_eq!(p.rank(DigestAlgorithm::Sha512), Some(0));
        assert_eq!(p.rank(DigestAlgorithm::Sha256), Some(1));
        let only = DigestPreference::from_order(&[DigestAlgorithm::Sha256]).unwrap();
        assert_eq!(only.rank(DigestAlgorithm::Sha512), None);
        assert_eq!(
            DigestPreference::from_order(&[DigestAlgorithm::Sha256, DigestAlgorithm::Sha256]),
            Err(Error::UnsupportedParameter)
        );
        assert_eq!(
            DigestPreference::from_order(&[]),
            Err(Error::UnsupportedParameter)
        );
    }
}
