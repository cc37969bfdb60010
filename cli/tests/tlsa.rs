//! `mxtrust tlsa` end to end: its records equal what openssl computes.

mod support;

use support::*;

fn tlsa(extra: &[&str]) -> Run {
    let chain = example("rsa-chain.pem");
    let mut args = vec!["tlsa", "--cert", &chain];
    args.extend_from_slice(extra);
    let run = mxtrust(&args);
    assert_eq!(run.code, 0, "{extra:?}: {}", run.stderr);
    run
}

/// The record part of each output line, without the `;` comment.
fn records(run: &Run) -> Vec<String> {
    run.stdout
        .lines()
        .map(|line| line.split(" ;").next().unwrap().to_owned())
        .collect()
}

#[test]
fn default_is_3_1_1_for_the_leaf_and_2_1_1_for_the_issuer() {
    let run = tlsa(&[]);
    assert_eq!(
        records(&run),
        [
            format!("3 1 1 {}", openssl("rsa-leaf", "Sha256Spki")),
            format!("2 1 1 {}", openssl("rsa-int", "Sha256Spki")),
        ]
    );
}

#[test]
fn every_selector_and_matching_type_agrees_with_openssl() {
    for (selector, mtype, key) in [
        ("1", "1", "Sha256Spki"),
        ("1", "2", "Sha512Spki"),
        ("0", "1", "Sha256Cert"),
        ("0", "2", "Sha512Cert"),
        ("1", "0", "Spki"),
    ] {
        let run = tlsa(&["--selector", selector, "--mtype", mtype]);
        assert_eq!(
            records(&run),
            [
                format!("3 {selector} {mtype} {}", openssl("rsa-leaf", key)),
                format!("2 {selector} {mtype} {}", openssl("rsa-int", key)),
            ],
            "{selector} {mtype}"
        );
    }
    // 3 0 0 is the whole certificate.
    let der = std::fs::read(fixture("rsa-leaf.der")).unwrap();
    let hex: String = der.iter().map(|b| format!("{b:02x}")).collect();
    let run = tlsa(&["--usage", "3", "--selector", "0", "--mtype", "0"]);
    assert_eq!(records(&run), [format!("3 0 0 {hex}")]);
}

#[test]
fn usage_picks_the_certificates() {
    let run = tlsa(&["--usage", "3"]);
    assert_eq!(
        records(&run),
        [format!("3 1 1 {}", openssl("rsa-leaf", "Sha256Spki"))]
    );
    let run = tlsa(&["--usage", "2", "--mtype", "2"]);
    assert_eq!(
        records(&run),
        [format!("2 1 2 {}", openssl("rsa-int", "Sha512Spki"))]
    );
    // A file with one certificate: the usage applies to it.
    let root = fixture("rsa-root.der").display().to_string();
    let run = mxtrust(&["tlsa", "--cert", &root, "--usage", "2"]);
    assert_eq!(
        records(&run),
        [format!("2 1 1 {}", openssl("rsa-root", "Sha256Spki"))]
    );
}

#[test]
fn owner_makes_zone_lines() {
    let run = tlsa(&["--owner", "_25._tcp.mx.example.test"]);
    let lines = records(&run);
    assert_eq!(
        lines[0],
        format!(
            "_25._tcp.mx.example.test. IN TLSA 3 1 1 {}",
            openssl("rsa-leaf", "Sha256Spki")
        )
    );
    assert!(lines[1].starts_with("_25._tcp.mx.example.test. IN TLSA 2 1 1 "));
    let run = tlsa(&["--owner", "_25._tcp.mx.example.test."]);
    assert!(
        run.stdout.starts_with("_25._tcp.mx.example.test. IN"),
        "{}",
        run.stdout
    );
}

#[test]
fn output_feeds_back_into_dane() {
    let run = tlsa(&["--owner", "_25._tcp.mx.example.test"]);
    let file = temp_file("zone.txt", run.stdout.as_bytes());
    let chain = example("rsa-chain.pem");
    let check = mxtrust(&[
        "dane",
        "--chain",
        &chain,
        "--tlsa-file",
        &file,
        "--name",
        "mx.example.test",
        "--at",
        NOW,
        "--json",
    ]);
    assert_eq!(check.code, 0, "{}", check.stderr);
    let json = check.json();
    assert_eq!(json["records"][0]["status"], "matched");
    assert_eq!(json["records"][1]["status"], "matched");
}

#[test]
fn bad_parameters_exit_2() {
    let chain = example("rsa-chain.pem");
    for args in [
        vec!["tlsa", "--cert", &chain, "--selector", "2"],
        vec!["tlsa", "--cert", &chain, "--mtype", "3"],
        vec!["tlsa", "--cert", &chain, "--usage", "4"],
        vec!["tlsa", "--cert", &chain, "--owner", "not a name"],
        vec!["tlsa", "--cert", "/nonexistent/cert.pem"],
        vec!["tlsa"],
    ] {
        let run = mxtrust(&args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stdout);
        assert_eq!(run.stdout, "", "{args:?}");
        assert!(!run.stderr.is_empty(), "{args:?}");
    }
}
