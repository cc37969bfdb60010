//! Property tests (proptest) for name matching, TLSA presentation text,
//! digest agility and certificate parsing. Case counts are modest so the
//! suite stays fast; proptest's persistence files are not used.
#![allow(clippy::type_complexity)]

use mxtrust::cert::{self, Certificate};
use mxtrust::name::{self, ReferenceId};
use mxtrust::tlsa::{self, DigestAlgorithm, DigestPreference, ProfileKind, Selection};
use mxtrust::{MatchingType, Tlsa};
use proptest::prelude::*;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// An LDH label (with `_`), 1 to 20 octets.
fn label() -> impl Strategy<Value = String> {
    "[a-z0-9_][a-z0-9_-]{0,19}"
}

/// A name of `n` labels.
fn labels(n: std::ops::Range<usize>) -> impl Strategy<Value = String> {
    prop::collection::vec(label(), n).prop_map(|l| l.join("."))
}

/// Flips the case of the letters where `mask` says so.
fn recase(name: &str, mask: &[bool]) -> String {
    name.chars()
        .zip(mask.iter().cycle())
        .map(|(c, &up)| if up { c.to_ascii_uppercase() } else { c })
        .collect()
}

proptest! {
    #![proptest_config(config())]

    /// `*.parent` covers exactly one non-empty label in front of `parent`:
    /// never zero, never two or more.
    #[test]
    fn wildcard_covers_exactly_one_label(
        parent in labels(2..4),
        extra in prop::collection::vec(label(), 0..4),
    ) {
        let presented = format!("*.{parent}");
        let host = if extra.is_empty() {
            parent.clone()
        } else {
            format!("{}.{parent}", extra.join("."))
        };
        let expected = extra.len() == 1;
        prop_assert_eq!(name::presented_matches_host(presented.as_bytes(), host.as_bytes()), expected);
        let reference = ReferenceId::new(&host).unwrap();
        prop_assert_eq!(reference.matches(presented.as_bytes()), expected);
    }

    /// A wildcard over a single label (`*.com`) matches nothing.
    #[test]
    fn wildcard_needs_two_labels_after_it(tld in label(), first in label()) {
        let presented = format!("*.{tld}");
        let host = format!("{first}.{tld}");
        prop_assert!(!name::presented_matches_host(presented.as_bytes(), host.as_bytes()));
    }

    /// ASCII case never matters, on either side.
    #[test]
    fn matching_ignores_ascii_case(
        name in labels(1..5),
        mask_a in prop::collection::vec(any::<bool>(), 1..8),
        mask_b in prop::collection::vec(any::<bool>(), 1..8),
    ) {
        let a = recase(&name, &mask_a);
        let b = recase(&name, &mask_b);
        prop_assert!(name::presented_matches_host(a.as_bytes(), b.as_bytes()));
        prop_assert!(name::names_equal(a.as_bytes(), b.as_bytes()));
        prop_assert!(ReferenceId::new(&a).unwrap().matches(b.as_bytes()));
        let dotted = format!(".{a}");
        let parent = ReferenceId::new(&dotted).unwrap();
        let below = format!("mx.{b}");
        prop_assert!(parent.matches(below.as_bytes()));
        prop_assert!(!parent.matches(b.as_bytes()));
    }

    /// One trailing dot on either side is ignored; two are not.
    #[test]
    fn one_trailing_dot(name in labels(1..5), dot_ref in any::<bool>(), dot_presented in any::<bool>()) {
        let reference = if dot_ref { format!("{name}.") } else { name.clone() };
        let presented = if dot_presented { format!("{name}.") } else { name.clone() };
        let id = ReferenceId::new(&reference).unwrap();
        prop_assert!(id.matches(presented.as_bytes()));
        prop_assert!(name::presented_matches_host(presented.as_bytes(), reference.as_bytes()));
        let two = format!("{name}..");
        prop_assert!(!id.matches(two.as_bytes()));
        prop_assert!(!name::presented_matches_host(two.as_bytes(), reference.as_bytes()));
    }

    /// `Display` prints presentation text that parses back to the record.
    #[test]
    fn display_parses_back(
        usage in any::<u8>(),
        selector in any::<u8>(),
        mtype in any::<u8>(),
        data in prop::collection::vec(any::<u8>(), 1..200),
    ) {
        let record = Tlsa { usage: usage.into(), selector: selector.into(), matching_type: mtype.into(), data: &data };
        let text = record.to_string();
        let mut storage = vec![0u8; data.len()];
        prop_assert_eq!(Tlsa::parse_text(&text, &mut storage), Ok(record));
    }

    /// Blank space and parentheses may go anywhere between the fields and
    /// inside the hex, and an owner/TTL/class prefix may precede `TLSA`.
    #[test]
    fn blank_space_and_parentheses_anywhere(
        usage in any::<u8>(),
        selector in any::<u8>(),
        mtype in any::<u8>(),
        data in prop::collection::vec(any::<u8>(), 1..64),
        cuts in prop::collection::vec((any::<prop::sample::Index>(), 0usize..5), 0..8),
        prefix in any::<bool>(),
    ) {
        let hex: String = data.iter().map(|b| format!("{b:02x}")).collect();
        let mut pieces: Vec<String> = vec![usage.to_string(), selector.to_string(), mtype.to_string()];
        let mut cut_points: Vec<usize> = cuts.iter().map(|(i, _)| i.index(hex.len() + 1)).collect();
        cut_points.sort_unstable();
        cut_points.dedup();
        let mut last = 0;
        for &cut in cut_points.iter().chain([hex.len()].iter()) {
            if cut > last {
                pieces.push(hex[last..cut].to_string());
                last = cut;
            }
        }
        const BLANKS: [&str; 5] = [" ", "\t", "\n ", " ( ", " )\r\n"];
        let mut text = String::from(if prefix { "_25._tcp.mx.example. 300 IN TLSA " } else { "" });
        for (i, piece) in pieces.iter().enumerate() {
            if i > 0 {
                let blank = cuts.get(i).map_or(0, |(_, b)| *b);
                text.push_str(BLANKS[blank]);
            }
            text.push_str(piece);
        }
        let mut storage = vec![0u8; data.len()];
        let expected = Tlsa { usage: usage.into(), selector: selector.into(), matching_type: mtype.into(), data: &data };
        prop_assert_eq!(Tlsa::parse_text(&text, &mut storage), Ok(expected), "{:?}", text);
    }

    /// RFC 7671 §9 restated: a record is Superseded iff it is usable and a
    /// usable record with the same usage and selector has a more preferred
    /// digest; Full(0) is never Superseded.
    #[test]
    fn agility_selection(
        records in prop::collection::vec(
            (prop::sample::select(vec![0u8, 1, 2, 3, 4, 255]),
             prop::sample::select(vec![0u8, 1, 2]),
             prop::sample::select(vec![0u8, 1, 2, 3]),
             prop::sample::select(vec![0usize, 1, 32, 64])),
            0..10),
        preference in prop::sample::select(vec![
            DigestPreference::SHA512_SHA256,
            DigestPreference::SHA256_SHA512,
            DigestPreference::only(DigestAlgorithm::Sha256),
            DigestPreference::only(DigestAlgorithm::Sha512),
        ]),
        generic in any::<bool>(),
    ) {
        let profile = if generic { ProfileKind::Generic } else { ProfileKind::Smtp };
        let data: Vec<Vec<u8>> = records.iter().map(|r| vec![0xab; r.3]).collect();
        let rrset: Vec<Tlsa<'_>> = records.iter().zip(&data).map(|(r, d)| Tlsa {
            usage: r.0.into(), selector: r.1.into(), matching_type: r.2.into(), data: d,
        }).collect();
        let mut out = vec![Selection::Usable; rrset.len()];
        tlsa::select_usable(&rrset, profile, &preference, &mut out).unwrap();
        let rank = |r: &Tlsa<'_>| r.matching_type.digest().and_then(|d| preference.rank(d));
        for (record, selection) in rrset.iter().zip(&out) {
            let usable = record.usability(profile, &preference);
            let better = rrset.iter().any(|o| {
                o.usage == record.usage && o.selector == record.selector
                    && o.usability(profile, &preference).is_ok()
                    && matches!((rank(o), rank(record)), (Some(a), Some(b)) if a < b)
            });
            prop_assert_eq!(*selection == Selection::Superseded, usable.is_ok() && better);
            if record.matching_type == MatchingType::Full {
                prop_assert_ne!(*selection, Selection::Superseded);
            }
            if let Err(why) = usable {
                prop_assert_eq!(*selection, Selection::Unusable(why));
            }
        }
    }

    /// Random bytes never panic the certificate reader or the SPKI check.
    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        let _ = Certificate::parse(&bytes);
        let _ = cert::check_spki(&bytes);
        let _ = Tlsa::from_rdata(&bytes);
    }

    /// Random bytes behind a plausible certificate header never panic either,
    /// and what parses has its SPKI inside the input.
    #[test]
    fn random_sequences_never_panic(body in prop::collection::vec(any::<u8>(), 0..300)) {
        let mut der = vec![0x30, 0x82];
        der.extend_from_slice(&u16::try_from(body.len()).unwrap().to_be_bytes());
        der.extend_from_slice(&body);
        if let Ok(cert) = Certificate::parse(&der) {
            let range = der.as_ptr_range();
            prop_assert!(range.contains(&cert.spki().as_ptr()));
        }
    }
}
