//! DANE verification of a presented certificate chain against a TLSA RRset
//! (RFC 6698, RFC 7671, and the SMTP profile of RFC 7672).
//!
//! [`verify`] takes the chain the server presented (DER, leaf first), the
//! TLSA records of a DNSSEC-secure RRset, the reference identifiers and
//! [`Options`], and returns an [`Outcome`], writing one [`RecordStatus`] per
//! record into caller storage:
//!
//! - **DANE-EE(3)** matches the leaf only; no names, no dates, no chain
//!   (RFC 7672 §3.1.1), unless [`Options::ee_name_checks`] asks for names.
//! - **DANE-TA(2)** names a trust anchor: a presented certificate at depth
//!   ≥ 1 that matches the record, or the certificate of a `2 0 0` record, or
//!   the key of a `2 1 0` record, which must then have signed the topmost
//!   presented certificate (RFC 7671 §5.2.2). The path from the leaf to that
//!   anchor is validated with rustls-webpki: signatures, CA and key usage,
//!   path length, the serverAuth EKU when present, and the validity of every
//!   certificate below the anchor. The local trust store is never used. The
//!   anchor's own dates are checked only when it is a self-issued
//!   certificate the server presented (as OpenSSL does). Then the leaf must
//!   name one of the reference identifiers (RFC 7672 §3.2.3). A leaf with no
//!   DNS-ID is named by its CN, which must then satisfy every dNSName name
//!   constraint on the path, as a DNS-ID must (RFC 5280 §4.2.1.10; OpenSSL
//!   does the same).
//! - **PKIX-TA(0)** and **PKIX-EE(1)**, under the generic profile only, also
//!   need a PKIX path to the caller's trust anchors (RFC 6698 §2.1.1).
//!
//! Records that cannot be used are ignored, never counted as mismatches; if
//! every record is unusable the outcome is [`Outcome::Unauthenticated`]: TLS
//! is still required, without authentication, and never a silent fallback to
//! PKIX (RFC 7672 §2.2). Any record that authenticates the chain wins.
//! DANE-EE records are checked first; once one authenticates, the other
//! usable records are [`RecordStatus::Skipped`] unless
//! [`Options::evaluate_all_records`] asks for every status.

use core::cell::Cell;

use rustls_pki_types::{Der, TrustAnchor};

use crate::cert::{self, Certificate, ValidityStatus};
use crate::chain::{self, PathCheck};
use crate::chain::{ChainProblem, Failure};
use crate::limits::{MAX_CERTIFICATE_LEN, MAX_CHAIN_LEN, MAX_REFERENCE_IDS, MAX_TLSA_RECORDS};
use crate::name::ReferenceId;
use crate::time::UnixTime;
use crate::tlsa::{self, DigestAlgorithm, DigestPreference, ProfileKind, Selection, Unusable};
use crate::tlsrpt::ResultType;
use crate::{CertUsage, Error, MatchingType, Selector, SignatureVerificationAlgorithm, Tlsa};

/// The protocol profile: which usages count, and what PKIX usages need.
#[derive(Clone, Copy, Debug, Default)]
pub enum Profile<'a> {
    /// SMTP (RFC 7672), the default: DANE-TA(2) and DANE-EE(3) only.
    #[default]
    Smtp,
    /// Generic DANE (RFC 6698, RFC 7671): PKIX-TA(0) and PKIX-EE(1) are
    /// usable too and need a valid PKIX path to one of `trust_anchors`.
    Generic {
        /// The PKIX trust anchors for usages 0 and 1.
        trust_anchors: &'a [TrustAnchor<'a>],
        /// The DER certificates `trust_anchors` were made from, in the same
        /// order, so that a PKIX-TA(0) record of selector Cert(0) can match
        /// an anchor the server did not send (RFC 6698 §2.1.1: the anchor
        /// is part of the path). May be empty: then only records of
        /// selector SPKI(1) can match an anchor that was not sent.
        anchor_certificates: &'a [&'a [u8]],
    },
}

impl Profile<'_> {
    /// The profile's kind, for usability classification.
    pub fn kind(&self) -> ProfileKind {
        match self {
            Self::Smtp => ProfileKind::Smtp,
            Self::Generic { .. } => ProfileKind::Generic,
        }
    }
}

/// How to verify.
#[derive(Clone, Copy, Debug)]
pub struct Options<'a> {
    /// The validation time.
    pub time: UnixTime,
    /// The protocol profile.
    pub profile: Profile<'a>,
    /// Digest algorithm agility (RFC 7671 §9).
    pub digest_preference: DigestPreference,
    /// Check the leaf's names under DANE-EE(3) too. RFC 7672 §3.2.3 says not
    /// to; some callers want it anyway.
    pub ee_name_checks: bool,
    /// Check every record even after a DANE-EE record authenticated the
    /// chain, so that each gets a final status, as a checker wants to show;
    /// an MTA leaves it off and saves the path validations
    /// ([`RecordStatus::Skipped`]).
    pub evaluate_all_records: bool,
    /// Signature algorithms for DANE-TA and PKIX paths, e.g.
    /// [`crate::algorithms::RING`] or [`crate::ring_algorithms_with_rsa!`].
    /// Empty means only DANE-EE can authenticate.
    pub signature_algorithms: &'a [&'a dyn SignatureVerificationAlgorithm],
}

impl<'a> Options<'a> {
    /// The SMTP profile at `time`, default digest preference, no EE name
    /// checks, with the given signature algorithms.
    pub const fn new(
        time: UnixTime,
        signature_algorithms: &'a [&'a dyn SignatureVerificationAlgorithm],
    ) -> Self {
        Self {
            time,
            profile: Profile::Smtp,
            digest_preference: DigestPreference::SHA512_SHA256,
            ee_name_checks: false,
            evaluate_all_records: false,
            signature_algorithms,
        }
    }
}

/// The result of verifying a chain against a TLSA RRset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// A usable record authenticated the chain.
    Authenticated(Authenticated),
    /// Every record is unusable: TLS is still mandatory, but the server
    /// cannot be authenticated (RFC 7672 §2.2). Reported as `tlsa-invalid`.
    Unauthenticated,
    /// Usable records exist and none authenticated the chain.
    Failed(Failure),
}

impl Outcome {
    /// A stable kebab-case code: `authenticated`, `unauthenticated-tls` or
    /// `failed`; never changes once published.
    pub const fn code(&self) -> &'static str {
        match self {
            Self::Authenticated(_) => "authenticated",
            Self::Unauthenticated => "unauthenticated-tls",
            Self::Failed(_) => "failed",
        }
    }

    /// The RFC 8460 result type to report, if this outcome is reportable.
    pub fn result_type(&self) -> Option<ResultType> {
        match self {
            Self::Authenticated(_) => None,
            Self::Unauthenticated => Some(ResultType::TlsaInvalid),
            Self::Failed(failure) => Some(failure.result_type()),
        }
    }
}

/// Which record authenticated the chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Authenticated {
    /// The index of the record in the RRset given to [`verify`]: the first
    /// DANE-EE record that authenticates, else the first other one (DANE-EE
    /// records are checked first, being the cheapest).
    pub record: usize,
    /// Its certificate usage.
    pub usage: CertUsage,
    /// The depth (0 = leaf) of the certificate or key the record matched,
    /// as OpenSSL's `SSL_get0_dane_authority` reports it: for a presented
    /// certificate its index in the presented chain; for a certificate that
    /// was not presented (a `2 0 0` record, a trust-store anchor) one above
    /// the topmost certificate of the validated path; for the bare key of a
    /// `2 1 0` record the depth of the topmost certificate, which it signed.
    pub depth: usize,
    /// Where the certificate or key the record matched came from.
    pub anchor: AnchorSource,
}

/// Where the certificate or key that a record matched came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AnchorSource {
    /// The server presented it (the leaf for DANE-EE and PKIX-EE).
    Presented,
    /// The TLSA record itself carries it (`2 0 0`, `2 1 0`, or a
    /// PKIX-TA `0 0 0` that completes a path the server left short): its
    /// authority rests on DNSSEC.
    Dns,
    /// The caller's PKIX trust store (generic profile, PKIX-TA).
    TrustStore,
}

impl AnchorSource {
    /// A stable kebab-case code; never changes once published.
    pub const fn code(self) -> &'static str {
        match self {
            Self::Presented => "presented",
            Self::Dns => "dns",
            Self::TrustStore => "trust-store",
        }
    }
}

/// What became of one TLSA record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RecordStatus {
    /// The record is unusable and was ignored.
    Unusable(Unusable),
    /// Usable, but a more preferred digest is present for its usage and
    /// selector, so it was not considered (RFC 7671 §9).
    Superseded,
    /// The record matched no certificate it applies to.
    NotMatched,
    /// The record authenticates the chain.
    Matched {
        /// Depth of the certificate or key it matched, as
        /// [`Authenticated::depth`] counts it. Always `Some` in a report
        /// [`verify`] wrote; `Option` for the sake of
        /// [`Self::Rejected`]'s shape.
        depth: Option<usize>,
    },
    /// Not checked (usable, but neither matched nor validated): a DANE-EE
    /// record already authenticated the chain and
    /// [`Options::evaluate_all_records`] is off.
    Skipped,
    /// The record matched, but the rest of the check failed.
    Rejected {
        /// Depth of the presented certificate it matched, if any.
        depth: Option<usize>,
        /// Why.
        failure: Failure,
    },
}

impl RecordStatus {
    /// A value to fill report storage with before calling [`verify`].
    pub const EMPTY: Self = Self::NotMatched;

    /// A stable kebab-case code: `unusable`, `superseded`, `not-matched`,
    /// `matched`, `skipped` or `rejected`; never changes once published.
    pub const fn code(&self) -> &'static str {
        match self {
            Self::Unusable(_) => "unusable",
            Self::Superseded => "superseded",
            Self::NotMatched => "not-matched",
            Self::Matched { .. } => "matched",
            Self::Skipped => "skipped",
            Self::Rejected { .. } => "rejected",
        }
    }
}

/// Verifies `chain` against the TLSA `records`.
///
/// - `chain`: the DER certificates the server presented, leaf first; extra
///   and out-of-order intermediates are tolerated.
///   A chain longer than [`MAX_CHAIN_LEN`] or with a certificate larger
///   than [`MAX_CERTIFICATE_LEN`] is the server's doing and gets a verdict:
///   DANE-EE records are matched against the leaf, every other usable
///   record is rejected with [`Failure::ChainTooLong`] or
///   [`Failure::CertificateTooLarge`].
/// - `records`: the TLSA RRset (DNSSEC-secure; the caller checks that).
/// - `reference_ids`: names the leaf must match for DANE-TA and PKIX usages
///   (and DANE-EE with [`Options::ee_name_checks`]): the TLSA base domain
///   first, then e.g. the MX host name or the destination domain; a name
///   starting with `.` matches any subdomain (RFC 7672 §3.2.3).
/// - `report`: one entry per record is written on success.
///
/// # Errors
///
/// Errors name inputs the caller should not have passed; nothing is written
/// into `report` then: [`Error::EmptyChain`], [`Error::TooManyRecords`],
/// [`Error::NoReferenceIds`], [`Error::TooManyReferenceIds`],
/// [`Error::InvalidReferenceName`], and [`Error::BufferTooSmall`] when
/// `report` is shorter than `records`.
///
/// # Examples
///
/// ```no_run
/// use mxtrust::dane::{self, Options, Outcome, RecordStatus};
/// use mxtrust::Tlsa;
/// # let chain: &[&[u8]] = &[];
/// let mut storage = [0u8; 32];
/// let record = Tlsa::parse_text("3 1 1 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", &mut storage)?;
/// let mut report = [RecordStatus::EMPTY; 1];
/// let options = Options::new(mxtrust::time::unix_time(1_795_870_800), &[]);
/// match dane::verify(chain, &[record], &["mx.example.com"], &options, &mut report)? {
///     Outcome::Authenticated(auth) => println!("record {} matched", auth.record),
///     Outcome::Unauthenticated => println!("encrypt, but cannot authenticate"),
///     Outcome::Failed(failure) => println!("do not deliver: {failure}"),
/// }
/// # Ok::<(), mxtrust::Error>(())
/// ```
pub fn verify(
    chain: &[&[u8]],
    records: &[Tlsa<'_>],
    reference_ids: &[&str],
    options: &Options<'_>,
    report: &mut [RecordStatus],
) -> Result<Outcome, Error> {
    let mut references = heapless::Vec::new();
    let Checked { chain, oversized } =
        check_inputs(chain, records, reference_ids, report, &mut references)?;
    let report = report.get_mut(..records.len()).unwrap_or_default();
    if !classify(records, options, report) {
        return Ok(Outcome::Unauthenticated);
    }
    // DANE-EE first: it costs a digest of the leaf's key, where every other
    // usage costs digests up the chain and a path validation, which an
    // authenticated chain no longer needs.
    let mut built = None;
    let (leaf_key, ee_authenticated) =
        ee_pass(chain, records, options, &references, report, &mut built);
    if let Some(found) = ee_authenticated.filter(|_| !options.evaluate_all_records) {
        skip_unmatched(records, report, |record| !is_ee(record));
        return Ok(Outcome::Authenticated(found));
    }
    let verifier = built.get_or_insert_with(|| Verifier::new(chain, options, &references));
    verifier.chain.leaf_key = leaf_key;
    verifier.malformed = leaf_key.and_then(Result::err);
    verifier.match_presented(records, report, |record| !is_ee(record));
    let mut sources = [AnchorSource::Presented; MAX_TLSA_RECORDS];
    for ((record, status), source) in records.iter().zip(report.iter_mut()).zip(&mut sources) {
        if is_ee(record) {
            continue;
        }
        *status = match (*status, oversized) {
            (RecordStatus::NotMatched | RecordStatus::Matched { .. }, Some(failure)) => {
                RecordStatus::Rejected {
                    depth: None,
                    failure,
                }
            }
            (other, _) => {
                let (status, from) = verifier.evaluate(record, other);
                *source = from;
                status
            }
        };
    }
    let source_of = |i: usize| sources.get(i).copied().unwrap_or(AnchorSource::Presented);
    if let Some(found) =
        ee_authenticated.or_else(|| authenticated(records, report, |_| true, source_of))
    {
        return Ok(Outcome::Authenticated(found));
    }
    Ok(Outcome::Failed(first_failure(report, verifier.malformed)))
}

/// Whether a record is DANE-EE(3), the usage matched on the leaf alone.
fn is_ee(record: &Tlsa<'_>) -> bool {
    record.usage == CertUsage::DaneEe
}

/// Marks the records `which` that nothing matched as
/// [`RecordStatus::Skipped`]: another record already authenticated the chain.
fn skip_unmatched(
    records: &[Tlsa<'_>],
    report: &mut [RecordStatus],
    which: impl Fn(&Tlsa<'_>) -> bool,
) {
    for (record, status) in records.iter().zip(report.iter_mut()) {
        if which(record) && *status == RecordStatus::NotMatched {
            *status = RecordStatus::Skipped;
        }
    }
}

/// DANE-EE(3) alone (RFC 7672 §3.1.1): [`verify`] for callers that never
/// validate a certificate path, such as a small MCU without a signature
/// provider. It never links the path builder (rustls-webpki), so a
/// firmware image that calls only this keeps to the DANE-EE budget of
/// `benches/`.
///
/// Records of other usages are not evaluated: they are
/// [`RecordStatus::Skipped`]. When no DANE-EE record authenticates the
/// chain and such records are usable, the outcome is
/// [`Outcome::Failed`] (`no-match`) rather than what [`verify`] might
/// find through them: this entry point can refuse a chain a full verifier
/// accepts, never the reverse. Inputs, errors and the per-record report are
/// those of [`verify`]; `options.signature_algorithms` is ignored.
///
/// # Errors
///
/// As [`verify`].
pub fn verify_ee(
    chain: &[&[u8]],
    records: &[Tlsa<'_>],
    reference_ids: &[&str],
    options: &Options<'_>,
    report: &mut [RecordStatus],
) -> Result<Outcome, Error> {
    let mut references = heapless::Vec::new();
    let Checked { chain, .. } =
        check_inputs(chain, records, reference_ids, report, &mut references)?;
    let report = report.get_mut(..records.len()).unwrap_or_default();
    if !classify(records, options, report) {
        return Ok(Outcome::Unauthenticated);
    }
    let mut built = None;
    let (leaf_key, found) = ee_pass(chain, records, options, &references, report, &mut built);
    skip_unmatched(records, report, |record| !is_ee(record));
    if let Some(found) = found {
        return Ok(Outcome::Authenticated(found));
    }
    Ok(Outcome::Failed(first_failure(
        report,
        leaf_key.and_then(Result::err),
    )))
}

/// The DANE-EE pass of [`verify`] and [`verify_ee`]: the leaf matched
/// against each usable DANE-EE record before any verifier state exists (an
/// MTA's usual `3 1 1` pays for the digest and little else), then, only
/// when the caller asks for names, each match's names checked through a
/// verifier built into `built`. Returns the leaf's key when a record needed
/// it (or why it could not be read), and the first DANE-EE record that
/// authenticates. Inlined: returned through memory, its answer cost the
/// `3 1 1` check 27 instructions.
#[inline(always)]
fn ee_pass<'c, 'o>(
    chain: &'c [&'c [u8]],
    records: &[Tlsa<'_>],
    options: &'o Options<'o>,
    references: &'o [ReferenceId<'o>],
    report: &mut [RecordStatus],
    built: &mut Option<Verifier<'c, 'o>>,
) -> (Option<Result<&'c [u8], Failure>>, Option<Authenticated>) {
    let leaf_key = chain.first().and_then(|leaf| {
        match_certificate(
            leaf,
            0,
            || cert::spki_of(leaf).map_err(|error| failure_at(error, 0)),
            records,
            report,
            is_ee,
        )
    });
    // evaluate_ee changes nothing unless names are checked.
    if options.ee_name_checks {
        let verifier = built.get_or_insert_with(|| Verifier::new(chain, options, references));
        for (record, status) in records.iter().zip(report.iter_mut()) {
            if is_ee(record) {
                *status = verifier.evaluate_ee(*status);
            }
        }
    }
    let found = authenticated(records, report, is_ee, |_| AnchorSource::Presented);
    (leaf_key, found)
}

/// Why no record authenticated the chain: the first rejected record's
/// failure, else a certificate matching could not read, else no match.
fn first_failure(report: &[RecordStatus], malformed: Option<Failure>) -> Failure {
    report
        .iter()
        .find_map(|status| match status {
            RecordStatus::Rejected { failure, .. } => Some(*failure),
            _ => None,
        })
        .or(malformed)
        .unwrap_or(Failure::NoMatch)
}

/// The checked inputs of [`verify`] and [`verify_ee`].
struct Checked<'c> {
    chain: &'c [&'c [u8]],
    oversized: Option<Failure>,
}

/// The caller's inputs checked: errors for the caller's own mistakes, a
/// verdict-to-be for what the server chose (a chain past the limits is cut
/// to its leaf, which is all that DANE-EE needs, RFC 7672 §3.1.1). The
/// reference identifiers go into `references`, the caller's, so that they
/// are not copied on return. Inlined: returned through memory, its chain
/// slice costs a store-forwarding stall.
#[inline(always)]
fn check_inputs<'c, 'n>(
    chain: &'c [&'c [u8]],
    records: &[Tlsa<'_>],
    reference_ids: &[&'n str],
    report: &[RecordStatus],
    references: &mut heapless::Vec<ReferenceId<'n>, MAX_REFERENCE_IDS>,
) -> Result<Checked<'c>, Error> {
    if chain.is_empty() {
        return Err(Error::EmptyChain);
    }
    let oversized = if chain.len() > MAX_CHAIN_LEN {
        Some(Failure::ChainTooLong)
    } else {
        chain
            .iter()
            .skip(1)
            .position(|der| der.len() > MAX_CERTIFICATE_LEN)
            .map(|i| Failure::CertificateTooLarge {
                depth: Some(i.saturating_add(1)),
            })
    };
    let chain = match oversized {
        Some(_) => chain.get(..1).unwrap_or(chain),
        None => chain,
    };
    if records.len() > MAX_TLSA_RECORDS {
        return Err(Error::TooManyRecords);
    }
    if report.len() < records.len() {
        return Err(Error::BufferTooSmall {
            needed: records.len(),
        });
    }
    if reference_ids.is_empty() {
        return Err(Error::NoReferenceIds);
    }
    for name in reference_ids {
        references
            .push(ReferenceId::new(name)?)
            .map_err(|_| Error::TooManyReferenceIds)?;
    }
    Ok(Checked { chain, oversized })
}

/// Each record's usability and digest agility (RFC 7671 §4.1, §9) into the
/// report; whether any record is usable.
fn classify(records: &[Tlsa<'_>], options: &Options<'_>, report: &mut [RecordStatus]) -> bool {
    let mut any_usable = false;
    tlsa::select_each(
        records,
        options.profile.kind(),
        &options.digest_preference,
        |i, selection| {
            let status = match selection {
                Selection::Usable => RecordStatus::NotMatched,
                Selection::Unusable(why) => RecordStatus::Unusable(why),
                Selection::Superseded => RecordStatus::Superseded,
            };
            any_usable |= !matches!(status, RecordStatus::Unusable(_));
            if let Some(slot) = report.get_mut(i) {
                *slot = status;
            }
        },
    );
    any_usable
}

/// The failure a presented certificate that cannot be read stands for.
fn failure_at(error: Error, depth: usize) -> Failure {
    match error {
        Error::CertificateTooLarge => Failure::CertificateTooLarge { depth: Some(depth) },
        _ => Failure::MalformedCertificate { depth: Some(depth) },
    }
}

/// The first record of those `wanted` whose status is `Matched`, with where
/// what it matched came from (`source_of` its index).
fn authenticated(
    records: &[Tlsa<'_>],
    report: &[RecordStatus],
    wanted: impl Fn(&Tlsa<'_>) -> bool,
    source_of: impl Fn(usize) -> AnchorSource,
) -> Option<Authenticated> {
    records
        .iter()
        .zip(report)
        .enumerate()
        .find_map(|(i, (record, status))| match status {
            RecordStatus::Matched { depth: Some(depth) } if wanted(record) => Some(Authenticated {
                record: i,
                usage: record.usage,
                depth: *depth,
                anchor: source_of(i),
            }),
            _ => None,
        })
}

/// Marks each usable record of those `wanted` that applies at `depth` with
/// that depth when the certificate there (`der`, its key from `spki`)
/// matches it. The key is read once for every record that selects it, and
/// each digest computed at most once. Returns the key when a record
/// needed it, or why it could not be read.
fn match_certificate<'c>(
    der: &'c [u8],
    depth: usize,
    mut spki: impl FnMut() -> Result<&'c [u8], Failure>,
    records: &[Tlsa<'_>],
    report: &mut [RecordStatus],
    wanted: impl Fn(&Tlsa<'_>) -> bool,
) -> Option<Result<&'c [u8], Failure>> {
    let mut digests = DigestCache::default();
    let mut key = None;
    for (record, status) in records.iter().zip(report.iter_mut()) {
        // PKIX-TA is matched against the validated path instead.
        let applies = wanted(record)
            && record.usage != CertUsage::PkixTa
            && record.usage.applies_at_depth(depth);
        if !applies || *status != RecordStatus::NotMatched {
            continue;
        }
        let selected = match record.selector {
            Selector::Cert => der,
            _ => match *key.get_or_insert_with(&mut spki) {
                Ok(spki) => spki,
                Err(_) => continue,
            },
        };
        if digests.matches(record, selected) {
            *status = RecordStatus::Matched { depth: Some(depth) };
        }
    }
    key
}

/// The presented chain, parsed lazily: a DANE-EE check with selector 0 never
/// parses anything, and a malformed extra certificate harms no check that
/// does not need it.
struct Chain<'c> {
    der: &'c [&'c [u8]],
    parsed: [Option<Result<Certificate<'c>, Error>>; MAX_CHAIN_LEN],
    /// The leaf's key as the DANE-EE pass read it, so that it is not read
    /// again for the other usages.
    leaf_key: Option<Result<&'c [u8], Failure>>,
}

impl<'c> Chain<'c> {
    fn new(der: &'c [&'c [u8]]) -> Self {
        Self {
            der,
            parsed: [None; MAX_CHAIN_LEN],
            leaf_key: None,
        }
    }

    fn len(&self) -> usize {
        self.der.len()
    }

    fn der(&self, depth: usize) -> Option<&'c [u8]> {
        self.der.get(depth).copied()
    }

    fn cert(&mut self, depth: usize) -> Result<Certificate<'c>, Failure> {
        let malformed = Failure::MalformedCertificate { depth: Some(depth) };
        let der = self.der(depth).ok_or(malformed)?;
        let slot = self.parsed.get_mut(depth).ok_or(malformed)?;
        slot.get_or_insert_with(|| Certificate::parse(der))
            .map_err(|error| failure_at(error, depth))
    }

    /// The SubjectPublicKeyInfo at `depth`: from the full parse when there
    /// is one, else read on its own, so that a DANE-EE check never parses
    /// more of the leaf than its key.
    fn spki(&mut self, depth: usize) -> Result<&'c [u8], Failure> {
        if let (0, Some(key)) = (depth, self.leaf_key) {
            return key;
        }
        if let Some(Some(Ok(cert))) = self.parsed.get(depth) {
            return Ok(cert.spki());
        }
        let der = self
            .der(depth)
            .ok_or(Failure::MalformedCertificate { depth: Some(depth) })?;
        cert::spki_of(der).map_err(|error| failure_at(error, depth))
    }

    /// Depths along issuer names from the leaf upwards, as far as presented
    /// certificates go (each used once), written into `path`; returns the
    /// count. Used to place validity failures and to find the topmost
    /// certificate for `2 1 0` anchors.
    fn issuer_path(&mut self, path: &mut [usize; MAX_CHAIN_LEN]) -> usize {
        let mut len = 0;
        let mut current = 0;
        let mut used = [false; MAX_CHAIN_LEN];
        loop {
            if let (Some(slot), Some(flag)) = (path.get_mut(len), used.get_mut(current)) {
                *slot = current;
                *flag = true;
            } else {
                return len;
            }
            len = len.saturating_add(1);
            let Ok(cert) = self.cert(current) else {
                return len;
            };
            if cert.is_self_issued() {
                return len;
            }
            let next = (1..self.len()).find(|&depth| {
                !used.get(depth).copied().unwrap_or(true)
                    && self
                        .cert(depth)
                        .is_ok_and(|issuer| cert.is_issued_by(&issuer))
            });
            match next {
                Some(next) => current = next,
                None => return len,
            }
        }
    }
}

struct Verifier<'c, 'o> {
    chain: Chain<'c>,
    options: &'o Options<'o>,
    references: &'o [ReferenceId<'o>],
    /// The leaf's name check, once done.
    names: Option<Result<(), Failure>>,
    /// Path validation to a presented anchor, by the anchor's depth.
    anchored: [Option<Result<(), Failure>>; MAX_CHAIN_LEN],
    /// PKIX path validation to the caller's trust anchors, once done.
    pkix: Option<Result<(), Failure>>,
    /// A certificate that matching needed but could not parse.
    malformed: Option<Failure>,
}

impl<'c, 'o> Verifier<'c, 'o> {
    /// A verifier of `chain` that has checked nothing yet.
    #[inline]
    fn new(
        chain: &'c [&'c [u8]],
        options: &'o Options<'o>,
        references: &'o [ReferenceId<'o>],
    ) -> Self {
        Self {
            chain: Chain::new(chain),
            options,
            references,
            names: None,
            anchored: [None; MAX_CHAIN_LEN],
            pkix: None,
            malformed: None,
        }
    }
}

impl<'o> Verifier<'_, 'o> {
    /// Marks each usable DANE-EE, DANE-TA and PKIX-EE record of those
    /// `wanted` with the depth of the first presented certificate it
    /// matches ([`match_certificate`] at each depth).
    fn match_presented(
        &mut self,
        records: &[Tlsa<'_>],
        report: &mut [RecordStatus],
        wanted: impl Fn(&Tlsa<'_>) -> bool,
    ) {
        let depths = if records
            .iter()
            .any(|r| wanted(r) && r.usage == CertUsage::DaneTa)
        {
            self.chain.len()
        } else {
            1
        };
        for depth in 0..depths {
            let Some(der) = self.chain.der(depth) else {
                continue;
            };
            let chain = &mut self.chain;
            let key = match_certificate(der, depth, || chain.spki(depth), records, report, &wanted);
            if let Some(Err(failure)) = key {
                self.malformed.get_or_insert(failure);
            }
        }
    }

    /// A DANE-EE record's final status: matched is enough (RFC 7672
    /// §3.1.1), unless the caller asks for names too.
    fn evaluate_ee(&mut self, status: RecordStatus) -> RecordStatus {
        match status {
            RecordStatus::Matched { depth } if self.options.ee_name_checks => {
                match self.check_names() {
                    Ok(()) => RecordStatus::Matched { depth },
                    Err(failure) => RecordStatus::Rejected { depth, failure },
                }
            }
            other => other,
        }
    }

    /// Turns the provisional status of a record of another usage than
    /// DANE-EE (whose matches [`ee_pass`] settles) into its final one, and
    /// says where what it matched came from.
    fn evaluate(
        &mut self,
        record: &Tlsa<'_>,
        status: RecordStatus,
    ) -> (RecordStatus, AnchorSource) {
        let presented = AnchorSource::Presented;
        let depth = match status {
            RecordStatus::Matched { depth } => depth,
            RecordStatus::NotMatched => None,
            other => return (other, presented),
        };
        let (result, depth, source) = match (record.usage, depth) {
            (CertUsage::DaneTa, Some(d)) => (self.check_presented_anchor(d), depth, presented),
            (CertUsage::DaneTa, None) if record.matching_type == MatchingType::Full => {
                match self.check_record_anchor(record) {
                    // The record's key signs nothing presented: no match.
                    Err(Failure::IssuerNotFound | Failure::BadSignature) => {
                        return (RecordStatus::NotMatched, presented);
                    }
                    Ok(anchor_depth) => (Ok(()), Some(anchor_depth), AnchorSource::Dns),
                    Err(failure) => (Err(failure), None, AnchorSource::Dns),
                }
            }
            (CertUsage::PkixEe, Some(_)) => (
                self.check_pkix().and_then(|()| self.check_names()),
                depth,
                presented,
            ),
            (CertUsage::PkixTa, _) => return self.evaluate_pkix_ta(record),
            _ => return (RecordStatus::NotMatched, presented),
        };
        let status = match result {
            Ok(()) => RecordStatus::Matched { depth },
            Err(failure) => RecordStatus::Rejected { depth, failure },
        };
        (status, source)
    }

    fn check_names(&mut self) -> Result<(), Failure> {
        if let Some(result) = self.names {
            return result;
        }
        let result = self.chain.cert(0).and_then(|leaf| {
            let named = leaf.presented_names().any(|presented| {
                self.references
                    .iter()
                    .any(|reference| reference.matches(presented))
            });
            if named {
                Ok(())
            } else {
                Err(Failure::NameMismatch)
            }
        });
        self.names = Some(result);
        result
    }

    /// DANE-TA with a presented anchor at `depth` ≥ 1.
    fn check_presented_anchor(&mut self, depth: usize) -> Result<(), Failure> {
        let cached = self.anchored.get(depth).copied().flatten();
        let result = match cached {
            Some(result) => result,
            None => {
                let result = self.validate_to_presented_anchor(depth);
                if let Some(slot) = self.anchored.get_mut(depth) {
                    *slot = Some(result);
                }
                result
            }
        };
        result.and_then(|()| self.check_names())
    }

    fn validate_to_presented_anchor(&mut self, depth: usize) -> Result<(), Failure> {
        let anchor_cert = self.chain.cert(depth)?;
        if anchor_cert.is_self_issued() {
            match anchor_cert.validity().status_at(self.options.time) {
                ValidityStatus::Valid => {}
                ValidityStatus::Expired => return Err(Failure::Expired { depth: Some(depth) }),
                ValidityStatus::NotYetValid => {
                    return Err(Failure::NotYetValid { depth: Some(depth) });
                }
            }
        }
        let anchor = anchor_cert
            .trust_anchor()
            .map_err(|_| Failure::InvalidChain(ChainProblem::UnsupportedCriticalExtension))?;
        self.validate_below_anchor_cert(&anchor_cert, anchor, Some(depth))
            .map(|_| ())
    }

    /// Validates the path to an anchor that is a whole certificate, whose
    /// own basicConstraints bind what is below it as they do in OpenSSL:
    /// rustls-webpki, like RFC 5280 §6.1, ignores a trust anchor's.
    fn validate_below_anchor_cert(
        &mut self,
        anchor_cert: &Certificate<'_>,
        anchor: TrustAnchor<'_>,
        anchor_depth: Option<usize>,
    ) -> Result<usize, Failure> {
        let max_intermediates = match anchor_cert.basic_constraints() {
            Some(bc) if !bc.ca => {
                return Err(Failure::InvalidChain(ChainProblem::EndEntityUsedAsCa));
            }
            Some(bc) => bc.path_len,
            None => None,
        };
        let Some(max) = max_intermediates else {
            return self.validate_path(&[anchor], anchor_depth, None, None);
        };
        let within_path_len = |path: &webpki::VerifiedPath<'_>| {
            if path.intermediate_certificates().count() > usize::from(max) {
                Err(webpki::Error::PathLenConstraintViolated)
            } else {
                Ok(())
            }
        };
        self.validate_path(&[anchor], anchor_depth, Some(&within_path_len), None)
    }

    /// DANE-TA with the anchor in a `2 0 0` or `2 1 0` record; on success,
    /// the depth [`Authenticated::depth`] reports.
    fn check_record_anchor(&mut self, record: &Tlsa<'_>) -> Result<usize, Failure> {
        let malformed = Failure::MalformedCertificate { depth: None };
        let intermediates = match record.selector {
            Selector::Cert => {
                let anchor_cert = Certificate::parse(record.data).map_err(|_| malformed)?;
                let anchor = anchor_cert.trust_anchor().map_err(|_| {
                    Failure::InvalidChain(ChainProblem::UnsupportedCriticalExtension)
                })?;
                self.validate_below_anchor_cert(&anchor_cert, anchor, None)?
            }
            _ => {
                // A bare key has no name: it must sign the topmost presented
                // certificate, so it takes that certificate's issuer name.
                let mut path = [0; MAX_CHAIN_LEN];
                let len = self.chain.issuer_path(&mut path);
                let top = path.get(..len).and_then(|p| p.last()).copied().unwrap_or(0);
                let top = self.chain.cert(top)?;
                let anchor = TrustAnchor {
                    subject: Der::from(top.issuer()),
                    subject_public_key_info: Der::from(
                        cert::spki_value(record.data).map_err(|_| malformed)?,
                    ),
                    name_constraints: None,
                };
                // OpenSSL reports a bare key at the depth of the
                // certificate it signed, the top of the path.
                let intermediates = self.validate_path(&[anchor], None, None, None)?;
                self.check_names()?;
                return Ok(intermediates);
            }
        };
        self.check_names()?;
        Ok(intermediates.saturating_add(1))
    }

    fn check_pkix(&mut self) -> Result<(), Failure> {
        if let Some(result) = self.pkix {
            return result;
        }
        let (anchors, _) = self.trust_store();
        let result = self.validate_path(anchors, None, None, None).map(|_| ());
        self.pkix = Some(result);
        result
    }

    /// The generic profile's trust anchors and their certificates.
    fn trust_store(&self) -> (&'o [TrustAnchor<'o>], &'o [&'o [u8]]) {
        match self.options.profile {
            Profile::Generic {
                trust_anchors,
                anchor_certificates,
            } => (trust_anchors, anchor_certificates),
            Profile::Smtp => (&[], &[]),
        }
    }

    /// PKIX-TA(0): a PKIX path to the caller's anchors that contains a
    /// certificate the record matches, or whose anchor it matches. A
    /// `0 0 0` record's certificate joins the candidates, so that it can
    /// complete a path the server left short, as OpenSSL lets it: the path
    /// must still reach the caller's trust store, so DNS adds no trust
    /// that PKIX does not grant.
    fn evaluate_pkix_ta(&mut self, record: &Tlsa<'_>) -> (RecordStatus, AnchorSource) {
        let (anchors, anchor_certificates) = self.trust_store();
        let matched: Cell<Option<(usize, AnchorSource)>> = Cell::new(None);
        let saw_valid_path = Cell::new(false);
        let chain = self.chain.der;
        let on_path = |path: &webpki::VerifiedPath<'_>| -> Result<(), webpki::Error> {
            saw_valid_path.set(true);
            let mut top = 0usize;
            for (i, cert) in path.intermediate_certificates().enumerate() {
                top = i.saturating_add(1);
                let der = cert.der();
                let selected = match record.selector {
                    Selector::Cert => Some(der.as_ref()),
                    _ => Certificate::parse(der.as_ref()).ok().map(|c| c.spki()),
                };
                if selected.is_some_and(|s| record.matches_selected(s)) {
                    matched.set(Some(match chain.iter().position(|c| *c == der.as_ref()) {
                        Some(depth) => (depth, AnchorSource::Presented),
                        None => (top, AnchorSource::Dns),
                    }));
                    return Ok(());
                }
            }
            let anchor = path.anchor();
            let anchor_matches = match record.selector {
                Selector::Spki => matches_spki_value(record, &anchor.subject_public_key_info),
                _ => anchors
                    .iter()
                    .zip(anchor_certificates)
                    .find(|(a, _)| {
                        a.subject == anchor.subject
                            && a.subject_public_key_info == anchor.subject_public_key_info
                    })
                    .is_some_and(|(_, der)| record.matches_selected(der)),
            };
            if anchor_matches {
                matched.set(Some((top.saturating_add(1), AnchorSource::TrustStore)));
                return Ok(());
            }
            Err(webpki::Error::UnknownIssuer)
        };
        let supplied = (record.selector == Selector::Cert
            && record.matching_type == MatchingType::Full
            && !chain.contains(&record.data))
        .then_some(record.data);
        let result = self.validate_path(anchors, None, Some(&on_path), supplied);
        match (result, matched.get()) {
            (Ok(_), Some((depth, source))) => match self.check_names() {
                Ok(()) => (RecordStatus::Matched { depth: Some(depth) }, source),
                Err(failure) => (
                    RecordStatus::Rejected {
                        depth: Some(depth),
                        failure,
                    },
                    source,
                ),
            },
            _ if saw_valid_path.get() => (RecordStatus::NotMatched, AnchorSource::TrustStore),
            (Err(failure), _) => (
                RecordStatus::Rejected {
                    depth: None,
                    failure,
                },
                AnchorSource::TrustStore,
            ),
            (Ok(_), None) => (RecordStatus::NotMatched, AnchorSource::TrustStore),
        }
    }

    /// Validates a path from the leaf to one of `anchors` through the other
    /// presented certificates (except the one at `anchor_depth`).
    /// `extra` is a certificate from DNS offered as one more intermediate.
    /// Returns how many intermediates the validated path has.
    fn validate_path(
        &mut self,
        anchors: &[TrustAnchor<'_>],
        anchor_depth: Option<usize>,
        on_path: Option<PathCheck<'_>>,
        extra: Option<&[u8]>,
    ) -> Result<usize, Failure> {
        let others = self
            .chain
            .der
            .iter()
            .enumerate()
            .skip(1)
            .filter(|(depth, _)| Some(*depth) != anchor_depth)
            .map(|(_, der)| *der)
            .chain(extra);
        // The leaf view the name checks use: parsed once per chain.
        let leaf = self.chain.cert(0)?;
        let options = self.options;
        match chain::validate(
            &leaf,
            others,
            anchors,
            options.time,
            options.signature_algorithms,
            on_path,
        ) {
            Ok(intermediates) => Ok(intermediates),
            Err(chain::PathError::MalformedLeaf) => {
                Err(Failure::MalformedCertificate { depth: Some(0) })
            }
            Err(chain::PathError::Webpki(error)) => {
                Err(self.failure_from_webpki(&error, anchor_depth))
            }
        }
    }

    fn failure_from_webpki(
        &mut self,
        error: &webpki::Error,
        anchor_depth: Option<usize>,
    ) -> Failure {
        match chain::classify(error) {
            Failure::Expired { .. } => Failure::Expired {
                depth: self.first_with_validity(ValidityStatus::Expired, anchor_depth),
            },
            Failure::NotYetValid { .. } => Failure::NotYetValid {
                depth: self.first_with_validity(ValidityStatus::NotYetValid, anchor_depth),
            },
            other => other,
        }
    }

    /// The depth of the first certificate on the issuer path (the anchor
    /// excluded) whose validity has `status` at the validation time.
    fn first_with_validity(
        &mut self,
        status: ValidityStatus,
        anchor_depth: Option<usize>,
    ) -> Option<usize> {
        let mut path = [0; MAX_CHAIN_LEN];
        let len = self.chain.issuer_path(&mut path);
        let time = self.options.time;
        path.get(..len)?
            .iter()
            .copied()
            .take_while(|depth| Some(*depth) != anchor_depth)
            .find(|&depth| {
                self.chain
                    .cert(depth)
                    .is_ok_and(|cert| cert.validity().status_at(time) == status)
            })
    }
}

/// Whether a selector-1 record matches an SPKI given as the contents of its
/// SEQUENCE (as trust anchors hold it).
fn matches_spki_value(record: &Tlsa<'_>, value: &[u8]) -> bool {
    let mut header = [0u8; 4];
    let Some(header) = cert::sequence_header(value.len(), &mut header) else {
        return false;
    };
    match record.matching_type.digest() {
        None => {
            record.matching_type == MatchingType::Full
                && record.data.len() == header.len().saturating_add(value.len())
                && record.data.starts_with(header)
                && record.data.ends_with(value)
        }
        Some(digest) => {
            let mut out = [0u8; 64];
            tlsa::digest_parts_into(digest, header, value, &mut out) == record.data
        }
    }
}

/// Digests of one certificate's selected bytes, computed at most once each.
/// Each digest is computed straight into its slot: copying a fresh digest
/// into a slot costs a store-forwarding stall, about as much as the
/// bookkeeping of a whole `3 1 1` check besides the digest. A slot is
/// zeroed only when used: zeroing all four cost a `memset` call per check.
#[derive(Default)]
struct DigestCache {
    /// By selector (certificate, key) and digest (SHA-256, SHA-512).
    outs: [Option<[u8; 64]>; 4],
}

impl DigestCache {
    fn matches(&mut self, record: &Tlsa<'_>, selected: &[u8]) -> bool {
        let Some(digest) = record.matching_type.digest() else {
            return record.matching_type == MatchingType::Full && record.data == selected;
        };
        let [cert_256, cert_512, key_256, key_512] = &mut self.outs;
        let slot = match (record.selector, digest) {
            (Selector::Cert, DigestAlgorithm::Sha256) => cert_256,
            (Selector::Cert, DigestAlgorithm::Sha512) => cert_512,
            (_, DigestAlgorithm::Sha256) => key_256,
            (_, DigestAlgorithm::Sha512) => key_512,
        };
        let out = match slot {
            Some(out) => out,
            None => {
                let out = slot.insert([0; 64]);
                tlsa::digest_into(digest, selected, out);
                out
            }
        };
        digest_eq(out, digest, record.data)
    }
}

/// Whether `data` is the digest held in `out` (its first
/// `digest.output_len()` octets), compared sixteen octets at a time: the
/// digest was just stored that wide, and `memcmp`'s wider loads of it
/// cannot be forwarded from the store buffer, a stall that cost a `3 1 1`
/// check more than the comparison.
fn digest_eq(out: &[u8; 64], digest: DigestAlgorithm, data: &[u8]) -> bool {
    let word = |chunk: &[u8]| <[u8; 16]>::try_from(chunk).map(u128::from_ne_bytes).ok();
    data.len() == digest.output_len()
        && out
            .chunks_exact(16)
            .zip(data.chunks_exact(16))
            .all(|(a, b)| word(a) == word(b))
}
