//! `mxtrust dane` end to end: the built binary on the fixture chains.

mod support;

use support::*;

fn leaf_311() -> String {
    format!("3 1 1 {}", openssl("rsa-leaf", "Sha256Spki"))
}

fn int_211() -> String {
    format!("2 1 1 {}", openssl("rsa-int", "Sha256Spki"))
}

/// `mxtrust dane` on the RSA chain at NOW, with extra arguments.
fn dane(extra: &[&str]) -> Run {
    let chain = example("rsa-chain.pem");
    let mut args = vec![
        "dane",
        "--chain",
        &chain,
        "--name",
        "mx.example.test",
        "--at",
        NOW,
    ];
    args.extend_from_slice(extra);
    mxtrust(&args)
}

#[test]
fn authenticated_by_3_1_1_on_the_leaf() {
    let record = leaf_311();
    let run = dane(&["--tlsa", &record]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let first = run.stdout.lines().next().unwrap();
    assert_eq!(
        first,
        "authenticated: record 1 (DANE-EE, --tlsa 1) matched the leaf certificate (depth 0)"
    );
    let abbreviated = format!("3 1 1 {}...", &openssl("rsa-leaf", "Sha256Spki")[..8]);
    let row = run.stdout.lines().find(|l| l.starts_with("1 ")).unwrap();
    assert!(row.contains(&abbreviated), "{row}");
    assert!(row.contains("matched"), "{row}");

    let json = dane(&["--tlsa", &record, "--json"]).json();
    assert_eq!(json["outcome"], "authenticated");
    assert_eq!(json["record"], 1);
    assert_eq!(json["records"][0]["index"], 1);
    assert_eq!(json["records"][0]["dnssec"], "not-checked");
    assert_eq!(json["usage"], 3);
    assert_eq!(json["depth"], 0);
    assert_eq!(json["failure"], serde_json::Value::Null);
    assert_eq!(json["records"][0]["record"], record);
    assert_eq!(json["records"][0]["status"], "matched");
}

#[test]
fn authenticated_by_2_1_1_on_the_issuer() {
    let record = int_211();
    let run = dane(&["--tlsa", &record, "--json"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let json = run.json();
    assert_eq!(json["outcome"], "authenticated");
    assert_eq!(json["usage"], 2);
    assert_eq!(json["depth"], 1);
    assert_eq!(json["time"], 1_795_870_800u64);
    assert_eq!(json["records"][0]["depth"], 1);

    // The same instant in RFC 3339, and with an offset.
    for at in ["2026-11-28T13:00:00Z", "2026-11-28T14:00:00+01:00"] {
        let chain = example("rsa-chain.pem");
        let args = [
            "dane",
            "--chain",
            &chain,
            "--tlsa",
            &record,
            "--name",
            "mx.example.test",
            "--at",
            at,
            "--json",
        ];
        assert_eq!(mxtrust(&args).json()["time"], 1_795_870_800u64, "{at}");
    }
}

#[test]
fn dane_ta_checks_names_and_dates() {
    let record = int_211();
    let chain = example("rsa-chain.pem");
    let run = mxtrust(&[
        "dane",
        "--chain",
        &chain,
        "--tlsa",
        &record,
        "--name",
        "other.example.test",
        "--at",
        NOW,
        "--json",
    ]);
    assert_eq!(run.code, 1);
    let json = run.json();
    assert_eq!(json["outcome"], "failed");
    assert_eq!(json["failure_code"], "name-mismatch");
    assert_eq!(json["tlsrpt_result_type"], "certificate-host-mismatch");
    assert_eq!(json["records"][0]["status"], "rejected");
    assert_eq!(json["records"][0]["code"], "name-mismatch");
    assert_eq!(json["records"][0]["depth"], 1);

    // 2036: the leaf below the anchor has expired.
    let run = mxtrust(&[
        "dane",
        "--chain",
        &chain,
        "--tlsa",
        &record,
        "--name",
        "mx.example.test",
        "--at",
        "2036-01-01T00:00:00Z",
        "--json",
    ]);
    assert_eq!(run.code, 1);
    let json = run.json();
    assert_eq!(json["failure_code"], "expired");
    assert_eq!(json["failure"], "certificate expired at depth 0");
    assert_eq!(json["tlsrpt_result_type"], "certificate-expired");
}

#[test]
fn wrong_data_fails_with_no_match() {
    let mut data = openssl("rsa-leaf", "Sha256Spki");
    let last = if data.ends_with('0') { "1" } else { "0" };
    data.replace_range(data.len() - 1.., last);
    let record = format!("3 1 1 {data}");
    let run = dane(&["--tlsa", &record]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .starts_with("failed: no usable TLSA record matches the certificate chain"),
        "{}",
        run.stdout
    );
    let json = dane(&["--tlsa", &record, "--json"]).json();
    assert_eq!(json["outcome"], "failed");
    assert_eq!(json["failure_code"], "no-match");
    assert_eq!(json["tlsrpt_result_type"], "certificate-not-trusted");
    assert_eq!(json["record"], serde_json::Value::Null);
    assert_eq!(json["records"][0]["status"], "not-matched");
}

#[test]
fn all_unusable_is_unauthenticated_tls() {
    let pkix = format!("1 1 1 {}", openssl("rsa-leaf", "Sha256Spki"));
    let run = dane(&[
        "--tlsa", "3 1 1 00", "--tlsa", &pkix, "--tlsa", "3 1 7 00", "--json",
    ]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let json = run.json();
    assert_eq!(json["outcome"], "unauthenticated-tls");
    assert_eq!(json["tlsrpt_result_type"], "tlsa-invalid");
    assert_eq!(json["failure"], serde_json::Value::Null);
    let codes: Vec<_> = json["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            assert_eq!(r["status"], "unusable");
            assert!(r["reason"].as_str().is_some_and(|s| !s.is_empty()), "{r}");
            r["code"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(
        codes,
        [
            "digest-length",
            "usage-not-in-profile",
            "unknown-matching-type"
        ]
    );
    let human = dane(&["--tlsa", "3 1 1 00"]);
    assert_eq!(human.code, 1);
    assert!(
        human.stdout.starts_with("unauthenticated-tls: "),
        "{}",
        human.stdout
    );
    assert!(human.stdout.contains("32 expected"), "{}", human.stdout);

    // The generic profile makes the PKIX record usable; without anchors it
    // cannot pass, but it is not unusable.
    let json = dane(&["--tlsa", &pkix, "--profile", "generic", "--json"]).json();
    assert_ne!(json["records"][0]["status"], "unusable");
}

#[test]
fn digest_agility_supersedes_the_weaker_digest() {
    let sha256 = leaf_311();
    let sha512 = format!("3 1 2 {}", openssl("rsa-leaf", "Sha512Spki"));
    let json = dane(&["--tlsa", &sha256, "--tlsa", &sha512, "--json"]).json();
    assert_eq!(json["record"], 2);
    assert_eq!(json["records"][0]["status"], "superseded");
    assert_eq!(
        json["records"][0]["reason"],
        "a more preferred digest is present (RFC 7671 §9)"
    );
    let json = dane(&[
        "--tlsa",
        &sha256,
        "--tlsa",
        &sha512,
        "--digest-preference",
        "sha256",
        "--json",
    ])
    .json();
    assert_eq!(json["record"], 1);
    assert_eq!(json["records"][1]["status"], "unusable");
    assert_eq!(json["records"][1]["code"], "disabled-digest");
}

#[test]
fn json_has_every_schema_field() {
    let json = dane(&["--tlsa", &leaf_311(), "--tlsa", "3 1 1 00", "--json"]).json();
    let top = json.as_object().unwrap();
    let keys: Vec<_> = top.keys().map(String::as_str).collect();
    for key in [
        "outcome",
        "record",
        "usage",
        "depth",
        "failure",
        "failure_code",
        "tlsrpt_result_type",
        "time",
        "names",
        "tlsa_name",
        "records",
        "ignored",
    ] {
        assert!(keys.contains(&key), "missing {key} in {keys:?}");
    }
    for record in json["records"].as_array().unwrap() {
        for key in [
            "index", "source", "record", "status", "depth", "code", "reason", "dnssec",
        ] {
            assert!(record.get(key).is_some(), "missing {key} in {record}");
        }
    }
    assert_eq!(json["records"][1]["index"], 2);
    assert_eq!(json["records"][1]["source"], "--tlsa 2");
}

#[test]
fn tlsa_file_with_comments_and_dig_lines() {
    let rsa = example("rsa.tlsa");
    let dig = example("dig-answer.txt");
    for (file, lines) in [(&rsa, [5, 8]), (&dig, [14, 15])] {
        let json = dane(&["--tlsa-file", file, "--json"]).json();
        assert_eq!(json["outcome"], "authenticated", "{file}");
        let records = json["records"].as_array().unwrap();
        assert_eq!(records.len(), 2, "{file}");
        for (record, line) in records.iter().zip(lines) {
            assert_eq!(record["source"], format!("{file}:{line}"));
            assert_eq!(record["status"], "matched", "{file}");
        }
        assert_eq!(records[0]["record"], leaf_311());
        assert_eq!(records[1]["record"], int_211());
    }
}

#[test]
fn dig_dnssec_output_skips_the_rrsig_lines() {
    let file = temp_file(
        "dnssec.txt",
        format!(
            ";; ANSWER SECTION:\n_25._tcp.mx.example.test. 300 IN TLSA {}\n\
             _25._tcp.mx.example.test. 300 IN RRSIG TLSA 13 5 300 20261201000000 \
             20261101000000 4711 example.test. Zm9vYmFy\n",
            leaf_311()
        )
        .as_bytes(),
    );
    let json = dane(&["--tlsa-file", &file, "--json"]).json();
    assert_eq!(json["outcome"], "authenticated");
    assert_eq!(json["records"].as_array().unwrap().len(), 1);
    // Given as a record on its own, an RRSIG line is an error.
    let run = dane(&[
        "--tlsa",
        "mx. 300 IN RRSIG TLSA 13 5 300 1 2 3 example. Zm9v",
    ]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("not TLSA"), "{}", run.stderr);
}

#[test]
fn bad_hex_names_file_and_line() {
    let file = temp_file(
        "tlsa.txt",
        format!("# comment\n{}\n3 1 1 0xzz\n", leaf_311()).as_bytes(),
    );
    let run = dane(&["--tlsa-file", &file]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr.trim_end(),
        format!("mxtrust: {file}:3: certificate association data is not valid hexadecimal")
    );
    let run = dane(&["--tlsa", "3 1 1 abc"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--tlsa 1: "), "{}", run.stderr);
}

#[test]
fn missing_files_are_input_errors() {
    let missing = repo("examples/no-such-file.pem").display().to_string();
    let run = dane(&["--tlsa-file", &missing]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.starts_with(&format!("mxtrust: {missing}: ")),
        "{}",
        run.stderr
    );
    let run = mxtrust(&[
        "dane",
        "--chain",
        &missing,
        "--tlsa",
        &leaf_311(),
        "--name",
        "mx.example.test",
    ]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains(&missing), "{}", run.stderr);
    assert_eq!(run.stdout, "");
}

#[test]
fn usage_errors_exit_2() {
    let chain = example("rsa-chain.pem");
    let record = leaf_311();
    for args in [
        vec!["dane", "--chain", &chain, "--tlsa", &record],
        // RFC 6698 §3 defines the transports tcp, udp and sctp only.
        vec![
            "dane", "--chain", &chain, "--tlsa", &record, "--name", "mx", "--proto", "quic",
        ],
        vec!["dane", "--chain", &chain, "--name", "mx.example.test"],
        vec![
            "dane", "--chain", &chain, "--tlsa", &record, "--name", "a b",
        ],
        vec![
            "dane", "--chain", &chain, "--tlsa", &record, "--name", "mx", "--at", "soon",
        ],
        vec![
            "dane",
            "--chain",
            &chain,
            "--tlsa",
            &record,
            "--name",
            "mx",
            "--digest-preference",
            "md5",
        ],
        vec![
            "dane",
            "--chain",
            &chain,
            "--tlsa",
            &record,
            "--name",
            "mx",
            "--trust-anchors",
            &chain,
        ],
        vec![
            "dane",
            "--chain",
            &chain,
            "--tlsa-file",
            &chain,
            "--name",
            "mx",
        ],
    ] {
        let run = mxtrust(&args);
        assert_eq!(run.code, 2, "{args:?}: {}{}", run.stdout, run.stderr);
        assert!(!run.stderr.is_empty(), "{args:?}");
    }
}

#[test]
fn openssl_s_client_output_with_junk_around_pem() {
    let text = format!(
        "CONNECTED(00000003)\n\
         depth=1 O = mxtrust tests, CN = mxtrust test RSA intermediate\n\
         verify error:num=20:unable to get local issuer certificate\n\
         ---\nCertificate chain\n 0 s:O = mxtrust tests, CN = mx.example.test\n   \
         i:O = mxtrust tests, CN = mxtrust test RSA intermediate\n{}\
          1 s:O = mxtrust tests, CN = mxtrust test RSA intermediate\n{}---\n\
         Server certificate\nsubject=O = mxtrust tests, CN = mx.example.test\n\
         ---\n250 SMTPUTF8\nDONE\n",
        pem("rsa-leaf"),
        pem("rsa-int")
    );
    let file = temp_file("s_client.txt", text.as_bytes());
    let chain_args = |chain: &str| -> Vec<String> {
        [
            "dane",
            "--chain",
            chain,
            "--tlsa",
            &int_211(),
            "--name",
            "mx.example.test",
            "--at",
            NOW,
            "--json",
        ]
        .map(str::to_owned)
        .to_vec()
    };
    let args = chain_args(&file);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let json = mxtrust(&args).json();
    assert_eq!(json["outcome"], "authenticated");
    assert_eq!(json["depth"], 1);

    // The same text on standard input.
    let args = chain_args("-");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let run = mxtrust_with_stdin(&args, Some(text.as_bytes()));
    assert_eq!(run.json()["outcome"], "authenticated", "{}", run.stderr);
}

#[test]
fn der_chain_input() {
    let mut der = std::fs::read(fixture("rsa-leaf.der")).unwrap();
    der.extend(std::fs::read(fixture("rsa-int.der")).unwrap());
    let file = temp_file("chain.der", &der);
    let run = mxtrust(&[
        "dane",
        "--chain",
        &file,
        "--tlsa",
        &int_211(),
        "--name",
        "mx.example.test",
        "--at",
        NOW,
        "--json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.json()["depth"], 1);

    let leaf = fixture("rsa-leaf.der").display().to_string();
    let run = mxtrust(&[
        "dane",
        "--chain",
        &leaf,
        "--tlsa",
        &leaf_311(),
        "--name",
        "mx.example.test",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);

    der.pop();
    let file = temp_file("truncated.der", &der);
    let run = mxtrust(&[
        "dane",
        "--chain",
        &file,
        "--tlsa",
        &int_211(),
        "--name",
        "mx.example.test",
    ]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("DER certificate 2"), "{}", run.stderr);
}

#[test]
fn generic_profile_with_trust_anchors() {
    let pkix_ee = format!("1 1 1 {}", openssl("rsa-leaf", "Sha256Spki"));
    let root = fixture("rsa-root.der").display().to_string();
    let json = dane(&[
        "--tlsa",
        &pkix_ee,
        "--profile",
        "generic",
        "--trust-anchors",
        &root,
        "--json",
    ])
    .json();
    assert_eq!(json["outcome"], "authenticated");
    assert_eq!(json["usage"], 1);
    // Another root: no PKIX path, so the matching record is rejected.
    let other = fixture("p256-root.der").display().to_string();
    let json = dane(&[
        "--tlsa",
        &pkix_ee,
        "--profile",
        "generic",
        "--trust-anchors",
        &other,
        "--json",
    ])
    .json();
    assert_eq!(json["outcome"], "failed");
    assert_eq!(json["failure_code"], "issuer-not-found");
}

#[test]
fn rollover_example_authenticates_both_keys() {
    let rollover = example("rollover.tlsa");
    for (chain, record) in [("p256-chain.pem", 1), ("p256-next-chain.pem", 2)] {
        let chain = example(chain);
        let run = mxtrust(&[
            "dane",
            "--chain",
            &chain,
            "--tlsa-file",
            &rollover,
            "--name",
            "mx.example.test",
            "--at",
            NOW,
            "--json",
        ]);
        assert_eq!(run.code, 0, "{chain}: {}", run.stderr);
        assert_eq!(run.json()["record"], record, "{chain}");
    }
}

#[test]
fn examples_are_the_fixture_certificates() {
    for (file, certs) in [
        ("rsa-chain.pem", ["rsa-leaf", "rsa-int"]),
        ("p256-chain.pem", ["p256-leaf", "p256-int"]),
        ("p256-next-chain.pem", ["p256-leaf-p384", "p384-int"]),
    ] {
        let text = std::fs::read_to_string(example(file)).unwrap();
        assert_eq!(text, certs.map(pem).concat(), "{file}");
    }
}

#[test]
fn help_has_examples() {
    for command in ["dane", "tlsa"] {
        let run = mxtrust(&[command, "--help"]);
        assert_eq!(run.code, 0);
        assert!(
            run.stdout.contains("Examples:"),
            "{command}: {}",
            run.stdout
        );
    }
}

/// The README's quick start shows this command's output; keep them equal.
#[test]
fn readme_quick_start_output_is_current() {
    let readme = std::fs::read_to_string(repo("README.md")).unwrap();
    let quick_start = &readme[readme.find("## Quick start").unwrap()..];
    let command = "-- dane --chain examples/rsa-chain.pem --tlsa-file examples/rsa.tlsa --name mx.example.test\n";
    assert!(quick_start.contains(command), "quick start command changed");
    let block = quick_start.split("```text\n").nth(1).unwrap();
    let shown = &block[..block.find("```").unwrap()];

    let run = std::process::Command::new(env!("CARGO_BIN_EXE_mxtrust"))
        .current_dir(repo(""))
        .args([
            "dane",
            "--chain",
            "examples/rsa-chain.pem",
            "--tlsa-file",
            "examples/rsa.tlsa",
            "--name",
            "mx.example.test",
            "--at",
            "2026-11-28T13:00:00Z",
        ])
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(0));
    assert_eq!(String::from_utf8(run.stdout).unwrap(), shown);
}

/// Two PEM files concatenated without a final newline: the second block
/// starts mid-line and must still be read (RFC 7468), not dropped.
#[test]
fn pem_glued_without_a_newline_keeps_every_certificate() {
    let glued = format!(
        "{}{}",
        pem("rsa-leaf").trim_end(),
        pem("rsa-int").trim_end()
    );
    let file = temp_file("glued.pem", glued.as_bytes());
    let run = mxtrust(&[
        "dane",
        "--chain",
        &file,
        "--tlsa",
        &int_211(),
        "--name",
        "mx.example.test",
        "--at",
        NOW,
        "--json",
    ]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.json()["depth"], 1);

    // A block that never ends is an error naming the file and the line.
    let broken = format!(
        "{}{}",
        pem("rsa-leaf"),
        "-----BEGIN CERTIFICATE-----\nMAA=\n"
    );
    let file = temp_file("broken.pem", broken.as_bytes());
    let run = dane_with_chain(&file, &["--tlsa", &leaf_311()]);
    assert_eq!(run.code, 2);
    let line = broken.lines().count() - 1;
    assert!(
        run.stderr.starts_with(&format!("mxtrust: {file}:{line}: ")),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("no -----END line"), "{}", run.stderr);
}

fn dane_with_chain(chain: &str, extra: &[&str]) -> Run {
    let mut args = vec![
        "dane",
        "--chain",
        chain,
        "--name",
        "mx.example.test",
        "--at",
        NOW,
    ];
    args.extend_from_slice(extra);
    mxtrust(&args)
}

fn dig_output(status: &str, flags: &str, answer: &str) -> String {
    format!(
        "; <<>> DiG 9.18 <<>> TLSA _25._tcp.mx.example.test\n;; Got answer:\n\
         ;; ->>HEADER<<- opcode: QUERY, status: {status}, id: 1\n\
         ;; flags: {flags}; QUERY: 1, ANSWER: 2, AUTHORITY: 0, ADDITIONAL: 1\n\n\
         ;; QUESTION SECTION:\n;_25._tcp.mx.example.test.\tIN\tTLSA\n\n\
         ;; ANSWER SECTION:\n{answer}\n;; Query time: 1 msec\n"
    )
}

#[test]
fn dig_answers_need_the_ad_flag_and_noerror() {
    let answer = format!("_25._tcp.mx.example.test. 300 IN TLSA {}", leaf_311());
    let file = temp_file(
        "no-ad.txt",
        dig_output("NOERROR", "qr rd ra", &answer).as_bytes(),
    );
    let run = dane(&["--tlsa-file", &file]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stderr.starts_with(&format!("mxtrust: {file}:3: ")),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("'ad' flag"), "{}", run.stderr);
    assert!(run.stderr.contains("--dnssec-unchecked"), "{}", run.stderr);

    let json = dane(&["--tlsa-file", &file, "--dnssec-unchecked", "--json"]).json();
    assert_eq!(json["outcome"], "authenticated");
    assert_eq!(json["records"][0]["dnssec"], "not-checked");

    let file = temp_file(
        "servfail.txt",
        dig_output("SERVFAIL", "qr rd ra", "").as_bytes(),
    );
    let run = dane(&["--tlsa-file", &file]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("status SERVFAIL"), "{}", run.stderr);

    // The example, with `ad`: the resolver's claim, said as such.
    let json = dane(&["--tlsa-file", &example("dig-answer.txt"), "--json"]).json();
    assert_eq!(json["records"][0]["dnssec"], "resolver-ad");
    let human = dane(&["--tlsa-file", &example("dig-answer.txt")]);
    assert!(
        human.stdout.contains("the resolver's claim"),
        "{}",
        human.stdout
    );
}

#[test]
fn records_of_other_owners_are_reported_and_ignored() {
    let answer = format!(
        "_25._tcp.mx.example.test. 300 IN CNAME tlsa.example.net.\n\
         tlsa.example.net. 300 IN TLSA {}\n\
         _25._tcp.other.example.test. 300 IN TLSA {}",
        int_211(),
        leaf_311()
    );
    let file = temp_file(
        "cname.txt",
        dig_output("NOERROR", "qr rd ra ad", &answer).as_bytes(),
    );
    let json = dane(&["--tlsa-file", &file, "--json"]).json();
    assert_eq!(json["outcome"], "authenticated", "{json}");
    assert_eq!(json["tlsa_name"], "_25._tcp.mx.example.test");
    assert_eq!(json["records"].as_array().unwrap().len(), 1);
    assert_eq!(json["records"][0]["source"], format!("{file}:11"));
    assert_eq!(json["ignored"][0]["source"], format!("{file}:12"));
    assert_eq!(json["ignored"][0]["owner"], "_25._tcp.other.example.test.");
    let human = dane(&["--tlsa-file", &file]);
    assert!(
        human.stdout.contains(&format!("ignored: {file}:12")),
        "{}",
        human.stdout
    );

    // Another port: nothing in the file is for it.
    let run = dane(&["--tlsa-file", &file, "--port", "465"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stderr
            .contains("no TLSA records for _465._tcp.mx.example.test; "),
        "{}",
        run.stderr
    );
    // It names what the input holds instead, and where.
    assert!(
        run.stderr.contains(&format!(
            "left out: 1 record of tlsa.example.net (the owner is not \
             _465._tcp.mx.example.test; first at {file}:11), 1 of _25._tcp.other.example.test"
        )),
        "{}",
        run.stderr
    );
}

#[test]
fn zone_files_and_multiline_records() {
    let hash = openssl("rsa-leaf", "Sha256Spki");
    let (head, tail) = hash.split_at(30);
    let zone = format!(
        "$ORIGIN example.test.\n$TTL 1h\n@ 3600 IN SOA ns hostmaster (\n  1 7200 3600 1209600 300 )\n\
         mx IN A 192.0.2.25\n_25._tcp.mx IN TLSA 3 1 1 (\n    {head}\n    {tail} )\n"
    );
    let file = temp_file("zone.db", zone.as_bytes());
    let json = dane(&["--tlsa-file", &file, "--json"]).json();
    assert_eq!(json["outcome"], "authenticated", "{json}");
    assert_eq!(json["records"][0]["source"], format!("{file}:6"));
    assert_eq!(json["records"][0]["dnssec"], "not-checked");
    let human = dane(&["--tlsa-file", &file]);
    assert!(
        human.stdout.contains("dnssec: not checked for record 1"),
        "{}",
        human.stdout
    );
}

#[test]
fn reads_are_bounded_and_stdin_is_read_once() {
    let run = dane_with_chain("/dev/zero", &["--tlsa", &leaf_311()]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("/dev/zero: larger than"),
        "{}",
        run.stderr
    );
    let run = dane(&["--tlsa-file", "/dev/zero"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("larger than"), "{}", run.stderr);
    let run = mxtrust(&[
        "dane",
        "--chain",
        "-",
        "--tlsa-file",
        "-",
        "--name",
        "mx.example.test",
    ]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("standard input"), "{}", run.stderr);
}

/// The manual's `dane --json` example (cli/README.md) has exactly the keys
/// the real output has (the values of the example are one record's worth
/// of it).
#[test]
fn readme_json_example_has_the_real_keys() {
    let readme = std::fs::read_to_string(repo("cli/README.md")).unwrap();
    let section = &readme[readme.find("## `mxtrust dane`").unwrap()..];
    let block = section.split("```json\n").nth(1).unwrap();
    let shown: serde_json::Value = serde_json::from_str(&block[..block.find("```").unwrap()])
        .expect("cli/README.md's JSON example parses");
    let real = dane(&["--tlsa-file", &example("rsa.tlsa"), "--json"]).json();
    fn keys(v: &serde_json::Value) -> Vec<String> {
        v.as_object().unwrap().keys().cloned().collect()
    }
    assert_eq!(keys(&shown), keys(&real));
    assert_eq!(keys(&shown["records"][0]), keys(&real["records"][0]));
    for key in ["outcome", "record", "usage", "depth", "tlsa_name", "names"] {
        assert_eq!(shown[key], real[key], "{key}");
    }
    for key in ["index", "record", "status", "depth", "dnssec"] {
        assert_eq!(shown["records"][0][key], real["records"][0][key], "{key}");
    }
}

#[test]
fn the_report_explains_the_chain() {
    let chain = example("rsa-chain.pem");
    let json = mxtrust(&[
        "dane",
        "--chain",
        &chain,
        "--tlsa",
        &leaf_311(),
        "--name",
        "mx.example.test",
        "--at",
        "2036-01-01T00:00:00Z",
        "--json",
    ])
    .json();
    let chain = json["chain"].as_array().unwrap();
    assert_eq!(chain.len(), 2);
    assert_eq!(chain[0]["depth"], 0);
    assert_eq!(chain[0]["subject"], "CN=mx.example.test,O=mxtrust tests");
    assert_eq!(
        chain[0]["issuer"],
        "CN=mxtrust test RSA intermediate,O=mxtrust tests"
    );
    assert_eq!(chain[0]["validity"], "expired");
    assert_eq!(chain[0]["not_after"], "2035-01-01T00:00:00Z");
    assert_eq!(
        chain[0]["dns_names"],
        serde_json::json!(["mx.example.test"])
    );
    assert_eq!(chain[0]["key_type"], "RSA");
    assert_eq!(chain[0]["key_bits"], 2048);
    assert_eq!(chain[0]["self_issued"], false);
    assert_eq!(chain[1]["ca"], true);
    let human = dane(&["--tlsa", &leaf_311()]);
    assert!(
        human
            .stdout
            .contains("\nchain:\n  depth 0: CN=mx.example.test,O=mxtrust tests\n"),
        "{}",
        human.stdout
    );
    assert!(human.stdout.contains("RSA 2048"), "{}", human.stdout);

    let p256 = mxtrust(&[
        "dane",
        "--chain",
        &example("p256-chain.pem"),
        "--tlsa",
        "3 1 1 00",
        "--name",
        "mx.example.test",
        "--json",
    ])
    .json();
    assert_eq!(p256["chain"][0]["key_type"], "EC P-256");
}

fn hint_codes(json: &serde_json::Value) -> Vec<String> {
    json["hints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["code"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn hints_name_the_common_mistakes() {
    // Only the leaf sent, only a DANE-TA record.
    let leaf = fixture("rsa-leaf.der").display().to_string();
    let run = dane_with_chain(&leaf, &["--tlsa", &int_211(), "--json"]);
    assert_eq!(run.code, 1);
    assert_eq!(hint_codes(&run.json()), ["leaf-only"]);

    // The chain in reverse order.
    let reversed = temp_file(
        "reversed.pem",
        format!("{}{}", pem("rsa-int"), pem("rsa-leaf")).as_bytes(),
    );
    let json = dane_with_chain(&reversed, &["--tlsa", &int_211(), "--json"]).json();
    assert!(
        hint_codes(&json).contains(&"reversed-chain".to_owned()),
        "{json}"
    );

    // A DANE-TA record naming an anchor that was not sent (the root).
    let root = format!("2 1 1 {}", openssl("rsa-root", "Sha256Spki"));
    let json = dane(&["--tlsa", &root, "--json"]).json();
    assert_eq!(hint_codes(&json), ["anchor-not-sent"]);
    let human = dane(&["--tlsa", &root]);
    assert!(
        human
            .stdout
            .contains("hint: record 1 (--tlsa 1) matches none"),
        "{}",
        human.stdout
    );

    // A name mismatch lists the names the leaf holds.
    let chain = example("rsa-chain.pem");
    let json = mxtrust(&[
        "dane",
        "--chain",
        &chain,
        "--tlsa",
        &int_211(),
        "--name",
        "other.example.test",
        "--at",
        NOW,
        "--json",
    ])
    .json();
    assert_eq!(hint_codes(&json), ["name-mismatch"]);
    let message = json["hints"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("the DNS names mx.example.test"),
        "{message}"
    );
    assert!(message.contains("other.example.test"), "{message}");
}

#[test]
fn anchor_not_sent_is_only_for_digest_records() {
    // A `2 1 0` or `2 0 0` record carries its anchor itself: the server
    // need not send it, so a mismatch is not "the anchor was not sent".
    let other_root_key = format!("2 1 0 {}", openssl("p256-root", "Spki"));
    let other_root = format!(
        "2 0 0 {}",
        std::fs::read(fixture("p256-root.der"))
            .unwrap()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );
    for record in [&other_root_key, &other_root] {
        let json = dane(&["--tlsa", record, "--json"]).json();
        assert_eq!(json["outcome"], "failed", "{record}: {json}");
        assert_eq!(hint_codes(&json), Vec::<String>::new(), "{record}: {json}");
    }
    // A digest of the whole certificate names an anchor to be sent, too.
    let root_cert = format!("2 0 1 {}", openssl("rsa-root", "Sha256Cert"));
    let json = dane(&["--tlsa", &root_cert, "--json"]).json();
    assert_eq!(hint_codes(&json), ["anchor-not-sent"], "{json}");
}

#[test]
fn long_help_documents_the_json_schema() {
    let run = mxtrust(&["dane", "--help"]);
    assert!(
        run.stdout.contains("JSON report (--json)"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("hints[]"), "{}", run.stdout);
}
