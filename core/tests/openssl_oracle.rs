//! mxtrust's certificate view against openssl's reading of the same
//! certificates. `tests/fixtures/dane/gen.sh` made the certificates and wrote
//! what openssl says about them to `expected.txt`; nothing here computes an
//! expected value with mxtrust or the crates it uses.

mod oracle;

use mxtrust::cert::{Certificate, Validity};
use oracle::{CERTIFICATES, Expected};

/// Every difference between mxtrust and openssl for one certificate.
fn differences(expected: &Expected) -> Vec<String> {
    let name = &expected.name;
    let cert = match Certificate::parse(&expected.der) {
        Ok(cert) => cert,
        Err(e) => return vec![format!("{name}: Certificate::parse failed: {e:?}")],
    };
    let mut differences = Vec::new();
    if cert.spki() != expected.spki.as_slice() {
        differences.push(format!(
            "{name}: spki() is {}, openssl says {}",
            hex(cert.spki()),
            hex(&expected.spki)
        ));
    }
    let validity = Validity {
        not_before: expected.not_before,
        not_after: expected.not_after,
    };
    if cert.validity() != validity {
        differences.push(format!(
            "{name}: validity() is {:?}, openssl says {validity:?}",
            cert.validity()
        ));
    }
    let dns_names: Vec<String> = cert
        .dns_names()
        .map(|n| String::from_utf8_lossy(n).into_owned())
        .collect();
    if dns_names != expected.dns_names {
        differences.push(format!(
            "{name}: dns_names() is {dns_names:?}, openssl says {:?}",
            expected.dns_names
        ));
    }
    if cert.is_self_issued() != expected.self_issued {
        differences.push(format!(
            "{name}: is_self_issued() is {}, openssl says {}",
            cert.is_self_issued(),
            expected.self_issued
        ));
    }
    differences
}

#[test]
fn certificates_agree_with_openssl() {
    let differences: Vec<String> = oracle::load().iter().flat_map(differences).collect();
    assert!(differences.is_empty(), "{}", differences.join("\n"));
}

/// A truncated or stale `expected.txt`, a certificate gen.sh no longer makes,
/// or a new one not yet generated, would otherwise go unnoticed.
#[test]
fn every_generated_certificate_has_a_block_and_a_file() {
    let blocks: Vec<String> = oracle::load().into_iter().map(|e| e.name).collect();
    assert_eq!(blocks, CERTIFICATES, "blocks of expected.txt");

    let script = std::fs::read_to_string(oracle::dir().join("gen.sh")).unwrap();
    // The rows of gen.sh's table: "name|serial|key|issuer|...", 12 fields.
    let made: Vec<&str> = script
        .lines()
        .filter(|line| line.split('|').count() == 12 && !line.starts_with('#'))
        .filter_map(|line| line.split('|').next())
        .collect();
    assert_eq!(made, CERTIFICATES, "certificates in gen.sh's table");

    let mut files: Vec<String> = std::fs::read_dir(oracle::dir())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .filter_map(|file| file.strip_suffix(".der").map(str::to_owned))
        .collect();
    files.sort();
    let mut names = CERTIFICATES.to_vec();
    names.sort_unstable();
    assert_eq!(files, names, ".der files in the fixture directory");
}

/// The comparison above can fail: a certificate whose key differs by one bit
/// from what openssl saw must not match it.
#[test]
fn flipped_spki_byte_is_seen() {
    for expected in oracle::load() {
        let name = &expected.name;
        let start = find(&expected.der, &expected.spki)
            .unwrap_or_else(|| panic!("{name}: openssl's SPKI is not inside the certificate"));
        // The last octet is inside the key's BIT STRING, so the DER stays
        // well-formed and only the key changes.
        let last = start + expected.spki.len() - 1;
        let mut der = expected.der.clone();
        der[last] ^= 0x01;
        let cert = Certificate::parse(&der)
            .unwrap_or_else(|e| panic!("{name}: flipped certificate does not parse: {e:?}"));
        assert_ne!(cert.spki(), expected.spki.as_slice(), "{name}");
        assert_eq!(
            cert.spki(),
            &der[start..=last],
            "{name}: spki() is not the flipped input"
        );
    }
}

#[test]
#[should_panic(expected = "no NotAfter")]
fn parser_rejects_a_block_missing_a_field() {
    oracle::parse(concat!(
        "Cert = x\nSpki = 00\nSha256Cert = 00\nSha512Cert = 00\n",
        "Sha256Spki = 00\nSha512Spki = 00\nNotBefore = 0\n",
        "DnsNames =\nSelfIssued = false\n",
    ));
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
