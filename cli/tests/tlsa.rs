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
fn json_holds_the_records_the_lines_print() {
    let lines = records(&tlsa(&["--host", "mx.example.test"]));
    let json = tlsa(&["--host", "mx.example.test", "--json"]).json();
    let array = json.as_array().expect("an array");
    assert_eq!(array.len(), 2, "{json}");
    for (object, line) in array.iter().zip(&lines) {
        assert_eq!(object["zone_line"].as_str(), Some(line.as_str()), "{json}");
        assert!(line.ends_with(object["record"].as_str().unwrap()), "{json}");
    }
    assert_eq!(array[0]["role"], "leaf");
    assert_eq!(array[0]["depth"], 0);
    assert_eq!(array[0]["usage"], 3);
    assert_eq!(array[0]["data"], openssl("rsa-leaf", "Sha256Spki"));
    assert_eq!(array[1]["role"], "issuer");
    assert_eq!(array[1]["usage"], 2);

    // A request: one record, no depth.
    let csr = example("p256-next.csr");
    let run = mxtrust(&["tlsa", "--csr", &csr, "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json = run.json();
    assert_eq!(json.as_array().map(Vec::len), Some(1), "{json}");
    assert_eq!(json[0]["role"], "certificate-request");
    assert!(json[0]["depth"].is_null());
    assert!(json[0]["zone_line"].is_null());
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

fn spki_der(cert: &str) -> Vec<u8> {
    let hex = openssl(cert, "Spki");
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect()
}

#[test]
fn records_from_a_public_key_before_its_certificate_exists() {
    let der = spki_der("p256-leaf-p384");
    let b64 = base64(&der);
    let lines: Vec<&str> = b64
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    let pem = format!(
        "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
        lines.join("\n")
    );
    let expected = format!("3 1 1 {}", openssl("p256-leaf-p384", "Sha256Spki"));
    for file in [
        temp_file("next.pub.pem", pem.as_bytes()),
        temp_file("next.pub.der", &der),
    ] {
        let run = mxtrust(&["tlsa", "--pubkey", &file]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert_eq!(records(&run), std::slice::from_ref(&expected));
    }
    let file = temp_file("next.pub.pem", pem.as_bytes());
    let run = mxtrust(&[
        "tlsa",
        "--pubkey",
        &file,
        "--mtype",
        "2",
        "--host",
        "mx.example.test",
    ]);
    assert_eq!(
        records(&run),
        [format!(
            "_25._tcp.mx.example.test. IN TLSA 3 1 2 {}",
            openssl("p256-leaf-p384", "Sha512Spki")
        )]
    );
    // A certificate given as a key is refused, naming what was found.
    let chain = example("rsa-chain.pem");
    let run = mxtrust(&["tlsa", "--pubkey", &chain]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("found CERTIFICATE"), "{}", run.stderr);
}

#[test]
fn host_port_and_proto_build_the_owner() {
    let run = tlsa(&["--host", "mx.example.test", "--port", "465", "--usage", "3"]);
    assert_eq!(
        records(&run),
        [format!(
            "_465._tcp.mx.example.test. IN TLSA 3 1 1 {}",
            openssl("rsa-leaf", "Sha256Spki")
        )]
    );
    assert_eq!(run.stderr, "");
    let run = tlsa(&["--owner", "mx.example.test", "--usage", "3"]);
    assert!(
        run.stderr
            .contains("warning: owner mx.example.test does not start with _PORT._tcp."),
        "{}",
        run.stderr
    );
    let run = tlsa(&["--owner", "_25._tcp.mx.example.test", "--usage", "3"]);
    assert_eq!(run.stderr, "");
}

/// Standard base64 with padding, for PEM bodies in tests.
fn unbase64(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let digits: Vec<u32> = text
        .bytes()
        .filter(|b| !b.is_ascii_whitespace() && *b != b'=')
        .map(|b| ALPHABET.iter().position(|&a| a == b).unwrap() as u32)
        .collect();
    let mut out = Vec::new();
    for chunk in digits.chunks(4) {
        let n = chunk
            .iter()
            .chain(std::iter::repeat(&0))
            .take(4)
            .fold(0u32, |n, d| (n << 6) | d);
        out.extend_from_slice(&n.to_be_bytes()[1..chunk.len()]);
    }
    out
}

#[test]
fn records_from_a_csr_are_those_of_its_key() {
    // examples/p256-next.csr: openssl req -new with p256-leaf-p384's key,
    // the next key of the rollover example.
    let csr = example("p256-next.csr");
    let pem = std::fs::read_to_string(&csr).unwrap();
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let der = temp_file("next.csr.der", &unbase64(&body));
    let new_label = temp_file(
        "next.new.csr",
        pem.replace("CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST")
            .as_bytes(),
    );
    let key = temp_file("next.pub.der", &spki_der("p256-leaf-p384"));
    for mtype in ["1", "2", "0"] {
        let by_key = mxtrust(&["tlsa", "--pubkey", &key, "--mtype", mtype]);
        assert_eq!(by_key.code, 0, "{}", by_key.stderr);
        for file in [&csr, &der, &new_label] {
            let run = mxtrust(&["tlsa", "--csr", file, "--mtype", mtype]);
            assert_eq!(run.code, 0, "{file}: {}", run.stderr);
            assert_eq!(records(&run), records(&by_key), "{file} mtype {mtype}");
        }
    }
    let run = mxtrust(&["tlsa", "--csr", &csr, "--host", "mx.example.test"]);
    assert_eq!(
        run.stdout,
        format!(
            "_25._tcp.mx.example.test. IN TLSA 3 1 1 {} ; public key of the certificate request\n",
            openssl("p256-leaf-p384", "Sha256Spki")
        )
    );

    // A certificate is not a request; a key is not a request; --csr and
    // --cert together are a usage error.
    let chain = example("rsa-chain.pem");
    let run = mxtrust(&["tlsa", "--csr", &chain]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("no -----BEGIN CERTIFICATE REQUEST----- block (found CERTIFICATE"),
        "{}",
        run.stderr
    );
    let run = mxtrust(&["tlsa", "--csr", &key]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("not a PKCS#10"), "{}", run.stderr);
    let run = mxtrust(&["tlsa", "--csr", &csr, "--cert", &chain]);
    assert_eq!(run.code, 2);
    let run = mxtrust(&["tlsa", "--csr", &csr, "--selector", "0"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("--csr makes selector 1"),
        "{}",
        run.stderr
    );
}
