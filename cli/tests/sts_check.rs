//! `mxtrust sts-check` end to end: the example policy and the fixture
//! chains, against the fixture roots (never the machine's own).

mod support;

use support::*;

/// A PEM file of the fixture certificates, in order.
fn chain(certs: &[&str]) -> String {
    let text: String = certs.iter().map(|c| pem(c)).collect();
    temp_file("chain.pem", text.as_bytes())
}

fn policy(mode: &str) -> String {
    let text = std::fs::read_to_string(example("mta-sts.txt"))
        .unwrap()
        .replace("mode: enforce", &format!("mode: {mode}"));
    temp_file("mta-sts.txt", text.as_bytes())
}

/// `sts-check` of `certs` for `mx` under `policy`, trusting p256-root.
fn sts_check(policy: &str, certs: &[&str], mx: &str, extra: &[&str]) -> Run {
    let chain = chain(certs);
    let root = fixture("p256-root.der").display().to_string();
    let mut args = vec![
        "sts-check",
        "--policy",
        policy,
        "--chain",
        &chain,
        "--mx",
        mx,
        "--trust-anchors",
        &root,
        "--at",
        NOW,
    ];
    args.extend_from_slice(extra);
    mxtrust(&args)
}

const P256: &[&str] = &["p256-leaf", "p256-int"];

#[test]
fn allowed_mx_with_a_valid_chain_passes() {
    let policy = example("mta-sts.txt");
    let run = sts_check(&policy, P256, "mx.example.test", &[]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let first = run.stdout.lines().next().unwrap();
    assert_eq!(
        first,
        "valid: mx.example.test is allowed by the policy and its certificate passes \
         (RFC 8461 §4.1, §4.2); mode enforce: deliver"
    );
    assert!(
        run.stdout
            .contains("mx: mx.example.test is allowed by mx mx.example.test"),
        "{}",
        run.stdout
    );

    // A wildcard pattern, named in the report.
    let json = sts_check(&policy, P256, "mx.example.test", &["--json"]).json();
    assert_eq!(json["outcome"], "valid");
    assert_eq!(json["action"], "deliver");
    assert_eq!(json["mode"], "enforce");
    assert_eq!(json["mx_allowed"], true);
    assert_eq!(json["mx_pattern"], "mx.example.test");
    assert_eq!(json["certificate"], "valid");
    assert_eq!(json["tlsrpt_result_type"], serde_json::Value::Null);
    assert_eq!(json["trust_anchors"]["count"], 1);
    assert_eq!(json["time"], 1795870800u64);
    assert_eq!(json["policy"]["valid"], true);
    assert_eq!(json["chain"].as_array().unwrap().len(), 2);
}

#[test]
fn mx_not_listed_is_a_validation_failure() {
    // The certificate names mx.example.test, the policy allows
    // *.backup.example.test: a.b.backup.example.test is two labels deep.
    let policy = example("mta-sts.txt");
    let run = sts_check(&policy, P256, "a.b.backup.example.test", &[]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let first = run.stdout.lines().next().unwrap();
    assert!(
        first.starts_with("invalid: the policy does not list a.b.backup.example.test and"),
        "{first}"
    );
    assert!(first.ends_with("[TLSRPT validation-failure]"), "{first}");
    assert!(
        run.stdout.contains(
            "mx: a.b.backup.example.test is not allowed: no mx pattern matches \
             (mx.example.test, *.backup.example.test)"
        ),
        "{}",
        run.stdout
    );
    let json = sts_check(&policy, P256, "a.b.backup.example.test", &["--json"]).json();
    assert_eq!(json["mx_allowed"], false);
    assert_eq!(json["mx_pattern"], serde_json::Value::Null);
    // RFC 8461 §4.1 comes first: the sender never connects, so the MX
    // mismatch is what it reports, not the certificate's host mismatch.
    assert_eq!(json["tlsrpt_result_type"], "validation-failure");
    assert_eq!(json["certificate_failure_code"], "name-mismatch");
    assert_eq!(json["action"], "do-not-deliver");
}

#[test]
fn certificate_failures_map_to_their_result_types() {
    let policy = example("mta-sts.txt");
    // (chain, failure code, RFC 8460 result type)
    let cases: &[(&[&str], &str, &str)] = &[
        // A chain to a root not among the anchors.
        (
            &["rsa-leaf", "rsa-int"],
            "issuer-not-found",
            "certificate-not-trusted",
        ),
        (
            &["p256-leaf-expired", "p256-int"],
            "expired",
            "certificate-expired",
        ),
        (
            &["p256-leaf-san-other", "p256-int"],
            "name-mismatch",
            "certificate-host-mismatch",
        ),
        // Under MTA-STS the subject CN never names the host (RFC 8461 §4.2).
        (
            &["p256-leaf-cn-only", "p256-int"],
            "name-mismatch",
            "certificate-host-mismatch",
        ),
        (
            &["p256-leaf"],
            "issuer-not-found",
            "certificate-not-trusted",
        ),
    ];
    for (certs, code, result_type) in cases {
        let json = sts_check(&policy, certs, "mx.example.test", &["--json"]).json();
        assert_eq!(json["outcome"], "invalid", "{certs:?}: {json}");
        assert_eq!(json["mx_allowed"], true, "{certs:?}");
        assert_eq!(json["certificate"], "invalid", "{certs:?}");
        assert_eq!(json["certificate_failure_code"], *code, "{certs:?}");
        assert_eq!(json["tlsrpt_result_type"], *result_type, "{certs:?}");
        let run = sts_check(&policy, certs, "mx.example.test", &[]);
        assert_eq!(run.code, 1, "{certs:?}");
        assert!(
            run.stdout
                .lines()
                .next()
                .unwrap()
                .ends_with(&format!("[TLSRPT {result_type}]")),
            "{}",
            run.stdout
        );
    }
}

#[test]
fn testing_reports_and_delivers_enforce_does_not_deliver() {
    let certs = &["p256-leaf-expired", "p256-int"];
    let enforce = sts_check(&policy("enforce"), certs, "mx.example.test", &[]);
    assert_eq!(enforce.code, 1);
    assert_eq!(
        enforce.stdout.lines().next().unwrap(),
        "invalid: certificate expired; mode enforce: do not deliver to this MX \
         (another MX, else defer; RFC 8461 §5) [TLSRPT certificate-expired]"
    );
    let testing = sts_check(&policy("testing"), certs, "mx.example.test", &[]);
    assert_eq!(
        testing.code, 1,
        "a failure under testing is still a failure"
    );
    assert_eq!(
        testing.stdout.lines().next().unwrap(),
        "invalid: certificate expired; mode testing: a sender reports the failure \
         and delivers anyway (RFC 8461 §5) [TLSRPT certificate-expired]"
    );
    let json = sts_check(&policy("testing"), certs, "mx.example.test", &["--json"]).json();
    assert_eq!(json["action"], "deliver-and-report");
    assert_eq!(json["mode"], "testing");

    // A valid chain under testing is delivered like under enforce.
    let run = sts_check(&policy("testing"), P256, "mx.example.test", &[]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(run.stdout.starts_with("valid: "), "{}", run.stdout);
    assert!(
        run.stdout.contains("mode testing: deliver"),
        "{}",
        run.stdout
    );
}

#[test]
fn mode_none_checks_nothing_and_needs_no_roots() {
    let none = temp_file("none.txt", b"version: STSv1\nmode: none\nmax_age: 86400\n");
    let chain = chain(&["p256-leaf-expired", "p256-int"]);
    let args = [
        "sts-check",
        "--policy",
        &none,
        "--chain",
        &chain,
        "--mx",
        "elsewhere.example.test",
        "--at",
        NOW,
    ];
    let run = mxtrust_with_env(
        &args,
        None,
        &[("MXTRUST_SYSTEM_ROOTS", "/nonexistent/roots.pem")],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(
        run.stdout.lines().next().unwrap(),
        "not checked: mode none: a sender treats the domain as having no active policy \
         and checks neither the MX nor the certificate (RFC 8461 §5)"
    );
    let mut json_args = args.to_vec();
    json_args.push("--json");
    let json = mxtrust_with_env(
        &json_args,
        None,
        &[("MXTRUST_SYSTEM_ROOTS", "/nonexistent")],
    )
    .json();
    assert_eq!(json["outcome"], "not-checked");
    assert_eq!(json["action"], "no-policy");
    assert_eq!(json["certificate"], "not-checked");
    assert_eq!(json["mx_allowed"], serde_json::Value::Null);
    assert_eq!(json["trust_anchors"], serde_json::Value::Null);
}

#[test]
fn an_invalid_policy_is_sts_policy_invalid() {
    let bad = temp_file(
        "bad.txt",
        b"version: STSv1\nmode: enforce\nmx: mx.example.test\n",
    );
    let run = sts_check(&bad, P256, "mx.example.test", &["--json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let json = run.json();
    assert_eq!(json["outcome"], "policy-invalid");
    assert_eq!(json["action"], "no-policy");
    assert_eq!(json["tlsrpt_result_type"], "sts-policy-invalid");
    assert_eq!(json["policy"]["errors"][0]["kind"], "missing-max-age");
}

#[test]
fn the_system_roots_are_the_default_and_their_absence_is_named() {
    let policy = example("mta-sts.txt");
    let chain = chain(P256);
    let args = [
        "sts-check",
        "--policy",
        &policy,
        "--chain",
        &chain,
        "--mx",
        "mx.example.test",
        "--at",
        NOW,
    ];
    let missing = "/nonexistent/ca-certificates.crt";
    let run = mxtrust_with_env(&args, None, &[("MXTRUST_SYSTEM_ROOTS", missing)]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(run.stderr.contains(missing), "{}", run.stderr);
    assert!(run.stderr.contains("--trust-anchors"), "{}", run.stderr);

    // The bundle the variable names is used, and said so.
    let roots = temp_file(
        "roots.pem",
        format!("{}{}", pem("rsa-root"), pem("p256-root")).as_bytes(),
    );
    let run = mxtrust_with_env(&args, None, &[("MXTRUST_SYSTEM_ROOTS", &roots)]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains(&format!("trust anchors: 2 from {roots}")),
        "{}",
        run.stdout
    );
    // A bundle the user names is not searched for elsewhere.
    let run = mxtrust_with_env(
        &[&args[..], &["--trust-anchors", missing]].concat(),
        None,
        &[("MXTRUST_SYSTEM_ROOTS", &roots)],
    );
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains(missing), "{}", run.stderr);
}

#[test]
fn usage_errors_exit_2() {
    let policy = example("mta-sts.txt");
    for mx in ["", ".example.test", "mx..example.test"] {
        let run = sts_check(&policy, P256, mx, &[]);
        assert_eq!(run.code, 2, "{mx:?}: {}", run.stdout);
    }
    let run = mxtrust(&[
        "sts-check",
        "--policy",
        "-",
        "--chain",
        "-",
        "--mx",
        "mx.example.test",
    ]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("standard input"), "{}", run.stderr);
}

#[test]
fn help_documents_the_json_schema_and_the_roots() {
    let run = mxtrust(&["sts-check", "--help"]);
    assert_eq!(run.code, 0);
    for text in [
        "JSON report (--json)",
        "/etc/ssl/certs/ca-certificates.crt",
        "MXTRUST_SYSTEM_ROOTS",
        "Exit status",
    ] {
        assert!(run.stdout.contains(text), "{text}: {}", run.stdout);
    }
}
