//! TLSA certificate association data (RFC 6698 §2.1.2, §2.1.3) against the
//! values openssl computed for the fixture certificates
//! (`tests/fixtures/dane/expected.txt`, written by `gen.sh`).

mod oracle;

use mxtrust::{MatchingType, Selector, tlsa};

#[test]
fn association_data_matches_openssl() {
    let mut failures = Vec::new();
    for expected in oracle::load() {
        // One row per (selector, matching type): names for the message, the
        // values, and what openssl computed.
        #[rustfmt::skip]
        let cases: [(&str, Selector, &str, MatchingType, &[u8]); 6] = [
            ("Full", Selector::Cert, "Full", MatchingType::Full, &expected.der),
            ("Full", Selector::Cert, "Sha256", MatchingType::Sha256, &expected.sha256_cert),
            ("Full", Selector::Cert, "Sha512", MatchingType::Sha512, &expected.sha512_cert),
            ("Spki", Selector::Spki, "Full", MatchingType::Full, &expected.spki),
            ("Spki", Selector::Spki, "Sha256", MatchingType::Sha256, &expected.sha256_spki),
            ("Spki", Selector::Spki, "Sha512", MatchingType::Sha512, &expected.sha512_spki),
        ];
        for (selector_name, selector, matching_name, matching, want) in cases {
            let case = format!(
                "{} Selector::{selector_name} MatchingType::{matching_name}",
                expected.name
            );
            let mut out = vec![0u8; expected.der.len()];
            match tlsa::association_data(&expected.der, selector, matching, &mut out) {
                Ok(len) if out.get(..len) == Some(want) => {}
                Ok(len) => failures.push(format!(
                    "{case}: wrote {}, openssl says {}",
                    hex(out.get(..len).unwrap_or(&out)),
                    hex(want)
                )),
                Err(e) => failures.push(format!("{case}: {e:?}")),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
