//! Reader for `tests/fixtures/dane/expected.txt`: what openssl, run by
//! `gen.sh`, says about each fixture certificate. Shared by the test binaries
//! that compare mxtrust with that oracle.

// Each test binary that includes this module reads a different subset.
#![allow(dead_code)]

use std::fs;
use std::path::PathBuf;

/// Every certificate `gen.sh` makes, in its order.
pub const CERTIFICATES: &[&str] = &[
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
];

/// The fixture directory, found from the manifest of whichever crate
/// includes this module (core, or the differential tests' own crate).
pub fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .map(|dir| dir.join("tests/fixtures/dane"))
        .find(|dir| dir.is_dir())
        .expect("tests/fixtures/dane above the crate")
}

/// One block of `expected.txt`, with its certificate loaded.
#[derive(Debug)]
pub struct Expected {
    pub name: String,
    pub der: Vec<u8>,
    pub spki: Vec<u8>,
    pub sha256_cert: Vec<u8>,
    pub sha512_cert: Vec<u8>,
    pub sha256_spki: Vec<u8>,
    pub sha512_spki: Vec<u8>,
    pub not_before: i64,
    pub not_after: i64,
    pub dns_names: Vec<String>,
    pub self_issued: bool,
}

/// Every block of the committed `expected.txt`, in order, with its `.der`.
pub fn load() -> Vec<Expected> {
    let path = dir().join("expected.txt");
    let text =
        fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    parse(&text)
        .into_iter()
        .map(|mut expected| {
            let path = dir().join(format!("{}.der", expected.name));
            expected.der =
                fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
            expected
        })
        .collect()
}

/// Parses ring-style `Key = value` blocks separated by blank lines; `#`
/// lines are comments and a block of comments only is skipped. Panics, naming
/// the line, on anything else, so that a damaged file cannot pass as a
/// shorter one. `der` is left empty.
pub fn parse(text: &str) -> Vec<Expected> {
    let mut blocks = Vec::new();
    let mut fields: Vec<(usize, &str, &str)> = Vec::new();
    for (index, line) in text.lines().chain([""]).enumerate() {
        let line_number = index + 1;
        let line = line.trim();
        if line.starts_with('#') {
            continue;
        }
        if line.is_empty() {
            if !fields.is_empty() {
                blocks.push(block(&fields));
                fields.clear();
            }
            continue;
        }
        let (key, value) = line
            .split_once('=')
            .unwrap_or_else(|| panic!("expected.txt line {line_number}: no '=' in {line:?}"));
        fields.push((line_number, key.trim(), value.trim()));
    }
    blocks
}

fn block(fields: &[(usize, &str, &str)]) -> Expected {
    const KEYS: [&str; 10] = [
        "Cert",
        "Spki",
        "Sha256Cert",
        "Sha512Cert",
        "Sha256Spki",
        "Sha512Spki",
        "NotBefore",
        "NotAfter",
        "DnsNames",
        "SelfIssued",
    ];
    let (first_line, _, _) = fields[0];
    for (line, key, _) in fields {
        assert!(
            KEYS.contains(key),
            "expected.txt line {line}: unknown key {key:?}"
        );
        let count = fields.iter().filter(|(_, k, _)| k == key).count();
        assert_eq!(
            count, 1,
            "expected.txt line {line}: {key} appears {count} times in its block"
        );
    }
    let get = |key: &str| -> &str {
        fields
            .iter()
            .find(|(_, k, _)| *k == key)
            .map(|(_, _, v)| *v)
            .unwrap_or_else(|| panic!("expected.txt block at line {first_line}: no {key}"))
    };
    let name = get("Cert").to_owned();
    let hex_field = |key: &str| {
        hex(get(key)).unwrap_or_else(|| panic!("expected.txt, {name}: {key} is not hex"))
    };
    let int_field = |key: &str| -> i64 {
        get(key)
            .parse()
            .unwrap_or_else(|e| panic!("expected.txt, {name}: {key}: {e}"))
    };
    let dns_names = match get("DnsNames") {
        "" => Vec::new(),
        names => names.split(',').map(str::to_owned).collect(),
    };
    let self_issued = match get("SelfIssued") {
        "true" => true,
        "false" => false,
        other => panic!("expected.txt, {name}: SelfIssued is {other:?}"),
    };
    Expected {
        spki: hex_field("Spki"),
        sha256_cert: hex_field("Sha256Cert"),
        sha512_cert: hex_field("Sha512Cert"),
        sha256_spki: hex_field("Sha256Spki"),
        sha512_spki: hex_field("Sha512Spki"),
        not_before: int_field("NotBefore"),
        not_after: int_field("NotAfter"),
        dns_names,
        self_issued,
        der: Vec::new(),
        name,
    }
}

fn hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}
