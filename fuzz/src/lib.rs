//! The bodies of the fuzz targets. Each target in `fuzz_targets/` is three
//! lines that call one function here, so that a crash reproduces from a
//! plain test as well. Besides "no panic", every function asserts what the
//! API documents about its results: these assertions are the oracles.

use arbitrary::Arbitrary;
use mxtrust::cert::{self, Certificate, PresentedNames};
use mxtrust::dane::{self, Options, Outcome, Profile, RecordStatus};
use mxtrust::name::{self, ReferenceId};
use mxtrust::tlsa::{self, DigestAlgorithm, DigestPreference, ProfileKind, Selection};
use mxtrust::{Error, MatchingType, Selector, Tlsa, cache, policy, sts, tlsrpt};
use rustls_pki_types::CertificateDer;

macro_rules! fixtures {
    ($($name:literal),* $(,)?) => {
        &[$(include_bytes!(concat!("../../tests/fixtures/dane/", $name, ".der"))),*]
    };
}

/// The committed fixture certificates (made by openssl), chain material for
/// `dane_verify`.
pub static FIXTURES: &[&[u8]] = fixtures!(
    "rsa-root",
    "rsa-int",
    "rsa-leaf",
    "p256-root",
    "p256-int",
    "p256-leaf",
    "p384-int",
    "p256-leaf-p384",
    "ed25519-root",
    "ed25519-int",
    "ed25519-leaf",
    "p256-int-expired",
    "p256-leaf-under-expired",
    "p256-leaf-expired",
    "p256-leaf-future",
    "p256-leaf-cn-only",
    "p256-leaf-san-other",
    "p256-leaf-wildcard",
    "p256-leaf-multi",
    "p256-int-cross",
    "p256-selfsigned-leaf",
    "p256-root-expired-selfsigned",
    "p256-leaf-under-expired-root",
);

/// Reference identifiers that the fixtures name or nearly name.
const NAMES: &[&str] = &[
    "mx.example.test",
    ".example.test",
    "other.example.test",
    "a.example.test",
    "example.test",
    "MX.EXAMPLE.TEST.",
];

/// 2026-11-28, when every current fixture is valid.
const NOW: u64 = 1_795_870_800;

const PREFERENCES: [DigestPreference; 4] = [
    DigestPreference::SHA512_SHA256,
    DigestPreference::SHA256_SHA512,
    DigestPreference::only(DigestAlgorithm::Sha256),
    DigestPreference::only(DigestAlgorithm::Sha512),
];

static ALGORITHMS: &[&dyn mxtrust::SignatureVerificationAlgorithm] =
    mxtrust::ring_algorithms_with_rsa!();

const PROFILES: [ProfileKind; 2] = [ProfileKind::Smtp, ProfileKind::Generic];

/// `Tlsa::from_rdata` on the whole input, then the input as an RRset of
/// length-prefixed RDATA through usability and digest agility.
pub fn tlsa_rdata(data: &[u8]) {
    if let Ok(record) = Tlsa::from_rdata(data) {
        assert_eq!(record.data.len().checked_add(3), Some(data.len()));
        for profile in PROFILES {
            for preference in &PREFERENCES {
                let _ = record.usability(profile, preference);
            }
        }
    }
    let mut records = Vec::new();
    let mut rest = data;
    while let Some((&len, tail)) = rest.split_first() {
        let len = usize::from(len).min(tail.len());
        let (rdata, tail) = tail.split_at(len);
        rest = tail;
        match Tlsa::from_rdata(rdata) {
            Ok(record) => records.push(record),
            Err(e) => assert_eq!(e, Error::TlsaRdataTooShort),
        }
    }
    for profile in PROFILES {
        for preference in &PREFERENCES {
            check_agility(&records, profile, preference);
        }
    }
}

/// RFC 7671 §9 restated: a record is superseded exactly when it is usable,
/// uses a digest, and a usable record with the same usage and selector uses
/// a more preferred digest.
fn check_agility(records: &[Tlsa<'_>], profile: ProfileKind, preference: &DigestPreference) {
    let mut out = vec![Selection::Superseded; records.len()];
    let selected = tlsa::select_usable(records, profile, preference, &mut out);
    if records.len() > mxtrust::limits::MAX_TLSA_RECORDS {
        assert_eq!(selected, Err(Error::TooManyRecords));
        return;
    }
    selected.expect("storage fits");
    let rank = |r: &Tlsa<'_>| r.matching_type.digest().and_then(|d| preference.rank(d));
    for (record, selection) in records.iter().zip(&out) {
        let usable = record.usability(profile, preference);
        let better = records.iter().any(|other| {
            other.usage == record.usage
                && other.selector == record.selector
                && other.usability(profile, preference).is_ok()
                && matches!((rank(other), rank(record)), (Some(o), Some(r)) if o < r)
        });
        let expected = match usable {
            Err(why) => Selection::Unusable(why),
            Ok(()) if better => Selection::Superseded,
            Ok(()) => Selection::Usable,
        };
        assert_eq!(*selection, expected, "{record:?}");
        if record.matching_type == MatchingType::Full {
            assert_ne!(*selection, Selection::Superseded);
        }
    }
}

/// `Tlsa::parse_text` into storage: storage untouched on error, and a parsed
/// record prints as text that parses back to itself.
pub fn tlsa_text(data: &[u8]) {
    let Ok(text) = core::str::from_utf8(data) else {
        return;
    };
    let mut storage = [0xa5u8; 256];
    match Tlsa::parse_text(text, &mut storage) {
        Ok(record) => {
            assert!(record.data.len() <= 256);
            // Empty data has no standard presentation form (RFC 6698 §2.2);
            // only RFC 3597's `\# 3 ...` produces it.
            if !record.data.is_empty() {
                let printed = record.to_string();
                let mut again = vec![0u8; record.data.len()];
                assert_eq!(Tlsa::parse_text(&printed, &mut again), Ok(record));
            }
        }
        Err(_) => assert!(storage.iter().all(|&b| b == 0xa5), "storage written"),
    }
}

/// `Certificate::parse` and every accessor, with the invariants the view
/// promises.
pub fn certificate(data: &[u8]) {
    let Ok(cert) = Certificate::parse(data) else {
        return;
    };
    assert_eq!(cert.der(), data);
    assert!(is_within(cert.spki(), data));
    assert!(cert.spki().ends_with(cert.spki_value()));
    cert::check_spki(cert.spki()).expect("the SPKI of a parsed certificate checks");
    assert!(is_within(cert.issuer(), data) && is_within(cert.subject(), data));
    let dns: Vec<&[u8]> = cert.dns_names().collect();
    let cns: Vec<&[u8]> = cert.common_names().collect();
    assert!(dns.iter().chain(&cns).all(|n| is_within(n, data)));
    let presented: Vec<&[u8]> = cert.presented_names().collect();
    match cert.presented_names() {
        PresentedNames::DnsIds(_) => assert_eq!(presented, dns),
        PresentedNames::CommonNames(_) => {
            assert!(dns.is_empty());
            assert_eq!(presented, cns);
        }
    }
    let _ = cert.basic_constraints();
    let validity = cert.validity();
    for time in [0, NOW, u64::MAX] {
        let _ = validity.status_at(mxtrust::time::unix_time(time));
    }
    assert_eq!(cert.is_self_issued(), cert.is_issued_by(&cert));
    let mut out = vec![0u8; data.len()];
    for selector in [Selector::Cert, Selector::Spki] {
        for matching in [
            MatchingType::Full,
            MatchingType::Sha256,
            MatchingType::Sha512,
        ] {
            tlsa::association_data(data, selector, matching, &mut out)
                .expect("a parsed certificate has association data");
        }
    }
}

/// Reference identifiers and presented names: `reference \0 presented`.
pub fn name_match(data: &[u8]) {
    let (reference, presented) = match data.iter().position(|&b| b == 0) {
        Some(zero) => (&data[..zero], &data[zero + 1..]),
        None => (data, &b""[..]),
    };
    let host_match = name::presented_matches_host(presented, reference);
    assert_eq!(
        host_match,
        name::presented_matches_host(&presented.to_ascii_uppercase(), reference)
    );
    if host_match {
        assert!(
            name::names_equal(presented, reference) || presented.starts_with(b"*."),
            "only a wildcard matches a different name"
        );
    }
    let Ok(text) = core::str::from_utf8(reference) else {
        return;
    };
    let Ok(id) = ReferenceId::new(text) else {
        return;
    };
    let matched = id.matches(presented);
    assert_eq!(matched, id.matches(&presented.to_ascii_lowercase()));
    let upper = text.to_ascii_uppercase();
    let upper_id = ReferenceId::new(&upper).expect("case does not change validity");
    assert_eq!(matched, upper_id.matches(presented));
    if !presented.ends_with(b".") {
        let dotted = [presented, b"."].concat();
        assert_eq!(matched, id.matches(&dotted), "one trailing dot is ignored");
    }
    let stripped = presented.strip_suffix(b".").unwrap_or(presented);
    if matched && !id.is_parent_domain() && !stripped.eq_ignore_ascii_case(id.domain()) {
        // Only a wildcard, covering exactly one non-empty label.
        let parent = stripped.strip_prefix(b"*.").expect("a wildcard");
        let (label, rest) = id
            .domain()
            .split_at(id.domain().iter().position(|&b| b == b'.').expect("a dot"));
        assert!(!label.is_empty() && !label.contains(&b'.'));
        assert!(rest[1..].eq_ignore_ascii_case(parent));
    }
    if matched && id.is_parent_domain() {
        assert!(stripped.len() > id.domain().len() + 1);
    }
}

fn is_within(part: &[u8], whole: &[u8]) -> bool {
    let start = part.as_ptr() as usize;
    let base = whole.as_ptr() as usize;
    start >= base && start + part.len() <= base + whole.len()
}

/// Structured input for [`dane_verify`].
#[derive(Arbitrary, Debug)]
pub struct DaneInput<'a> {
    chain: Vec<CertSource<'a>>,
    records: Vec<RecordSource<'a>>,
    names: Vec<NameSource<'a>>,
    time: Time,
    preference: u8,
    ee_name_checks: bool,
    evaluate_all_records: bool,
    /// A fixture as the caller's PKIX anchor, which selects the generic
    /// profile.
    generic_anchor: Option<u8>,
}

/// One presented certificate.
#[derive(Arbitrary, Debug)]
pub enum CertSource<'a> {
    /// A fixture as it is.
    Fixture(u8),
    /// A fixture with one octet changed.
    Flipped { fixture: u8, offset: u16, xor: u8 },
    /// A fixture cut short.
    Truncated { fixture: u8, len: u16 },
    /// Anything.
    Raw(&'a [u8]),
}

/// One TLSA record.
#[derive(Arbitrary, Debug)]
pub enum RecordSource<'a> {
    /// The association data of a fixture, so that records can match.
    Of {
        fixture: u8,
        usage: u8,
        selector: bool,
        matching: u8,
    },
    /// Anything.
    Raw {
        usage: u8,
        selector: u8,
        matching: u8,
        data: &'a [u8],
    },
}

/// One reference identifier.
#[derive(Arbitrary, Debug)]
pub enum NameSource<'a> {
    Known(u8),
    Raw(&'a str),
}

/// The validation time.
#[derive(Arbitrary, Debug)]
pub enum Time {
    /// 2026, every current fixture valid.
    Now,
    /// 2020, the `-expired` fixtures valid, the current ones not yet.
    Past,
    /// 2036, after every fixture.
    Future,
    Raw(u64),
}

fn fixture(index: u8) -> &'static [u8] {
    FIXTURES[usize::from(index) % FIXTURES.len()]
}

/// `dane::verify` on a chain made of fixtures (whole, damaged or raw) and
/// records that may match them; checks that the outcome agrees with the
/// per-record report, and that an error writes nothing.
pub fn dane_verify(input: &DaneInput<'_>) {
    let chain: Vec<Vec<u8>> = input
        .chain
        .iter()
        .take(mxtrust::limits::MAX_CHAIN_LEN + 1)
        .map(|source| match source {
            CertSource::Fixture(i) => fixture(*i).to_vec(),
            CertSource::Flipped {
                fixture: i,
                offset,
                xor,
            } => {
                let mut der = fixture(*i).to_vec();
                let at = usize::from(*offset) % der.len();
                der[at] ^= *xor;
                der
            }
            CertSource::Truncated { fixture: i, len } => {
                let der = fixture(*i);
                der[..usize::from(*len) % der.len()].to_vec()
            }
            CertSource::Raw(bytes) => bytes.to_vec(),
        })
        .collect();
    let chain: Vec<&[u8]> = chain.iter().map(Vec::as_slice).collect();
    let data: Vec<Vec<u8>> = input
        .records
        .iter()
        .take(mxtrust::limits::MAX_TLSA_RECORDS + 1)
        .map(|source| match source {
            RecordSource::Of {
                fixture: i,
                selector,
                matching,
                ..
            } => {
                let mut out = vec![0u8; 65_536];
                let selector = if *selector {
                    Selector::Spki
                } else {
                    Selector::Cert
                };
                let matching = MatchingType::from(matching % 3);
                let len = tlsa::association_data(fixture(*i), selector, matching, &mut out)
                    .expect("fixtures parse");
                out.truncate(len);
                out
            }
            RecordSource::Raw { data, .. } => data.to_vec(),
        })
        .collect();
    let records: Vec<Tlsa<'_>> = input
        .records
        .iter()
        .zip(&data)
        .map(|(source, data)| {
            let (usage, selector, matching) = match source {
                RecordSource::Of {
                    usage,
                    selector,
                    matching,
                    ..
                } => (*usage % 4, u8::from(*selector), matching % 3),
                RecordSource::Raw {
                    usage,
                    selector,
                    matching,
                    ..
                } => (*usage, *selector, *matching),
            };
            Tlsa {
                usage: usage.into(),
                selector: selector.into(),
                matching_type: matching.into(),
                data,
            }
        })
        .collect();
    let names: Vec<&str> = input
        .names
        .iter()
        .take(mxtrust::limits::MAX_REFERENCE_IDS + 1)
        .map(|source| match source {
            NameSource::Known(i) => NAMES[usize::from(*i) % NAMES.len()],
            NameSource::Raw(name) => name,
        })
        .collect();
    let anchor_der = input
        .generic_anchor
        .map(|i| CertificateDer::from(fixture(i)));
    let anchors: Vec<_> = anchor_der
        .iter()
        .filter_map(|der| webpki::anchor_from_trusted_cert(der).ok())
        .collect();
    let mut options = Options::new(
        match input.time {
            Time::Now => mxtrust::time::unix_time(NOW),
            Time::Past => mxtrust::time::unix_time(1_600_000_000),
            Time::Future => mxtrust::time::unix_time(2_100_000_000),
            Time::Raw(t) => mxtrust::time::unix_time(t),
        },
        ALGORITHMS,
    );
    options.digest_preference = PREFERENCES[usize::from(input.preference) % PREFERENCES.len()];
    options.ee_name_checks = input.ee_name_checks;
    options.evaluate_all_records = input.evaluate_all_records;
    if input.generic_anchor.is_some() {
        options.profile = Profile::Generic {
            trust_anchors: &anchors,
            anchor_certificates: &[],
        };
    }
    let sentinel = RecordStatus::Superseded;
    let mut report = vec![sentinel; records.len()];
    let outcome = match dane::verify(&chain, &records, &names, &options, &mut report) {
        Ok(outcome) => outcome,
        Err(error) => {
            assert!(
                report.iter().all(|s| *s == sentinel),
                "an error wrote the report"
            );
            // The server controls chain length and certificate size: those
            // get verdicts, never errors a caller could take for "no DANE".
            assert!(
                !matches!(
                    error,
                    mxtrust::Error::ChainTooLong | mxtrust::Error::CertificateTooLarge
                ),
                "{error:?} for a chain the server chose"
            );
            return;
        }
    };
    let matched = |i: &usize| matches!(report[*i], RecordStatus::Matched { .. });
    let is_ee = |i: &usize| records[*i].usage == mxtrust::CertUsage::DaneEe;
    let first_matched = (0..records.len()).find(matched);
    // DANE-EE records are checked first and win; then any other.
    let expected_record = (0..records.len())
        .find(|i| matched(i) && is_ee(i))
        .or(first_matched);
    if !input.evaluate_all_records && (0..records.len()).any(|i| matched(&i) && is_ee(&i)) {
        assert!(
            (0..records.len()).all(|i| is_ee(&i) || !matched(&i)),
            "records were checked after DANE-EE authenticated"
        );
    }
    match outcome {
        Outcome::Authenticated(a) => {
            assert_eq!(Some(a.record), expected_record);
            assert_eq!(
                report[a.record],
                RecordStatus::Matched {
                    depth: Some(a.depth)
                }
            );
            assert_eq!(records[a.record].usage, a.usage);
        }
        Outcome::Unauthenticated => {
            assert!(
                report
                    .iter()
                    .all(|s| matches!(s, RecordStatus::Unusable(_)))
            );
        }
        Outcome::Failed(_) => {
            assert_eq!(first_matched, None);
            assert!(
                !report
                    .iter()
                    .all(|s| matches!(s, RecordStatus::Unusable(_)))
            );
        }
    }
}

/// Splits fuzz input into a TXT RRset: `\n` separates records, `\t`
/// separates the character-strings of one record.
fn txt_rrset(data: &[u8]) -> Vec<Vec<&[u8]>> {
    data.split(|&b| b == b'\n')
        .take(8)
        .map(|record| record.split(|&b| b == b'\t').take(8).collect())
        .collect()
}

/// `_mta-sts` TXT: the whole input as one record, then as an RRset.
pub fn sts_txt(data: &[u8]) {
    if let Ok(record) = sts::Record::parse(data) {
        let id = record.id();
        assert!(
            !id.as_bytes().is_empty() && id.as_bytes().len() <= mxtrust::limits::MAX_STS_ID_LEN
        );
        assert_eq!(sts::PolicyId::new(id.as_bytes()), Ok(id));
        let _ = id.as_str();
    }
    let rrset = txt_rrset(data);
    let records: Vec<&[&[u8]]> = rrset.iter().map(Vec::as_slice).collect();
    let mut scratch = [0u8; 512];
    let _ = sts::select(&records, &mut scratch);
}

/// `_smtp._tls` TXT: the whole input as one record, then as an RRset.
pub fn tlsrpt_txt(data: &[u8]) {
    if let Ok(record) = tlsrpt::Record::parse(data) {
        assert_eq!(record.uris().count(), record.uri_count());
        for uri in record.uris() {
            let _ = uri.as_str();
        }
    }
    let rrset = txt_rrset(data);
    let records: Vec<&[&[u8]]> = rrset.iter().map(Vec::as_slice).collect();
    let mut scratch = [0u8; 512];
    let _ = tlsrpt::select(&records, &mut scratch);
}

/// A policy body: `host \0 body`. Parse, then MX matching against the host
/// and its case and trailing-dot variants.
pub fn sts_policy(data: &[u8]) {
    let (host, body) = match data.iter().position(|&b| b == 0) {
        Some(zero) => (&data[..zero], &data[zero + 1..]),
        None => (&b"mx.example.test"[..], data),
    };
    let _ = policy::MxPattern::parse(host);
    let mut warnings = [policy::Warning::EMPTY; 8];
    let result = policy::Policy::<8>::parse(body, &mut warnings);
    // The fast paths (word-at-a-time line split, one-pass `mx` lines)
    // decide exactly as the octet-by-octet reference.
    let mut reference_warnings = [policy::Warning::EMPTY; 8];
    let reference = policy::Policy::<8>::parse_reference(body, &mut reference_warnings);
    assert_eq!(result, reference);
    assert_eq!(warnings, reference_warnings);
    let Ok(parsed) = result else {
        return;
    };
    assert!(parsed.max_age() <= 31_557_600);
    let allowed = parsed.allows_mx(host);
    assert_eq!(allowed, parsed.allows_mx(&host.to_ascii_uppercase()));
    assert_eq!(
        allowed,
        parsed.mx_patterns().iter().any(|p| p.matches(host))
    );
    if allowed && !host.ends_with(b".") {
        assert!(parsed.allows_mx(&[host, b"."].concat()));
    }
    let _ = parsed.mode();
    let _ = parsed.warnings_found();
}

/// The cache image: import arbitrary bytes; what imports exports to an
/// image that imports to the same cache. A valid policy in the input is
/// also stored, exported and imported.
pub fn cache_import(data: &[u8]) {
    let (mut slots, mut text) = (vec![cache::Slot::EMPTY; 4], vec![0u8; 1024]);
    let mut cache = cache::PolicyCache::new(&mut slots, &mut text, [3; 16]);
    if cache.import(data).is_ok() {
        let mut image = vec![0u8; cache.export_len()];
        let len = cache.export(&mut image).expect("export_len fits");
        let (mut slots2, mut text2) = (vec![cache::Slot::EMPTY; 4], vec![0u8; 1024]);
        let mut again = cache::PolicyCache::new(&mut slots2, &mut text2, [4; 16]);
        let imported = again
            .import(&image[..len])
            .expect("an exported image imports");
        assert_eq!(imported.dropped, 0, "what was exported fits again");
        let mut image2 = vec![0u8; again.export_len()];
        let len2 = again.export(&mut image2).expect("export_len fits");
        assert_eq!(image[..len], image2[..len2]);
    }
    let mut warnings = [policy::Warning::EMPTY; 4];
    if let Ok(parsed) = policy::Policy::<8>::parse(data, &mut warnings) {
        let (mut slots, mut text) = (vec![cache::Slot::EMPTY; 2], vec![0u8; 4096]);
        let mut cache = cache::PolicyCache::new(&mut slots, &mut text, [5; 16]);
        let id = sts::PolicyId::new(b"fuzz1").expect("valid id");
        if cache
            .store(
                b"example.test",
                id,
                &parsed,
                mxtrust::time::unix_time(1_000),
            )
            .is_ok()
        {
            let mut image = vec![0u8; cache.export_len()];
            let len = cache.export(&mut image).expect("export_len fits");
            let (mut slots2, mut text2) = (vec![cache::Slot::EMPTY; 2], vec![0u8; 4096]);
            let mut again = cache::PolicyCache::new(&mut slots2, &mut text2, [6; 16]);
            again
                .import(&image[..len])
                .expect("an exported image imports");
        }
    }
}
