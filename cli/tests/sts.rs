//! `mxtrust sts-policy`, `sts-record` and `tlsrpt-record` end to end.

mod support;

use serde_json::json;
use support::*;

#[test]
fn example_policy_with_a_wildcard() {
    let policy = example("mta-sts.txt");
    let args = [
        "sts-policy",
        &policy,
        "--mx",
        "mx.example.test",
        "--mx",
        "MX1.Backup.Example.Test.",
        "--mx",
        "a.b.backup.example.test",
        "--mx",
        "backup.example.test",
    ];
    let run = mxtrust(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines,
        [
            "valid: mode enforce, max_age 604800 (7 days)",
            "mx: mx.example.test, *.backup.example.test",
            "mx.example.test: allowed by mx mx.example.test",
            "MX1.Backup.Example.Test.: allowed by mx *.backup.example.test",
            "a.b.backup.example.test: not allowed (no mx pattern matches)",
            "backup.example.test: not allowed (no mx pattern matches)",
        ]
    );

    let mut json_args = args.to_vec();
    json_args.push("--json");
    let json = mxtrust(&json_args).json();
    assert_eq!(
        json,
        json!({
            "valid": true,
            "mode": "enforce",
            "max_age": 604800,
            "mx": ["mx.example.test", "*.backup.example.test"],
            "warnings": [],
            "errors": [],
            "tlsrpt_result_type": null,
            "matches": [
                {"host": "mx.example.test", "allowed": true, "pattern": "mx.example.test"},
                {"host": "MX1.Backup.Example.Test.", "allowed": true, "pattern": "*.backup.example.test"},
                {"host": "a.b.backup.example.test", "allowed": false, "pattern": null},
                {"host": "backup.example.test", "allowed": false, "pattern": null},
            ]
        })
    );
}

#[test]
fn warnings_keep_the_policy_valid() {
    let body = "version: STSv1\r\nmode: testing\nmx : mx.example.test.\n mx: 192.0.2.1\nmax_age: 9999999999\n\n";
    let run = mxtrust_with_stdin(&["sts-policy", "-", "--json"], Some(body.as_bytes()));
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let json = run.json();
    assert_eq!(json["valid"], true);
    assert_eq!(json["mode"], "testing");
    assert_eq!(json["max_age"], 31_557_600);
    let warnings: Vec<(u64, &str)> = json["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            assert!(w["message"].as_str().is_some_and(|m| !m.is_empty()), "{w}");
            (w["line"].as_u64().unwrap(), w["kind"].as_str().unwrap())
        })
        .collect();
    assert_eq!(
        warnings,
        [
            (2, "mixed-line-endings"),
            (3, "whitespace-before-colon"),
            (3, "mx-trailing-dot"),
            (4, "leading-whitespace"),
            (4, "mx-ignored"),
            (5, "max-age-clamped"),
            (6, "blank-line"),
        ]
    );
    let human = mxtrust_with_stdin(&["sts-policy", "-"], Some(body.as_bytes()));
    assert!(
        human
            .stdout
            .contains("warning: <stdin>:5: max_age above 31557600"),
        "{}",
        human.stdout
    );
}

#[test]
fn invalid_policy_exits_1_with_the_line() {
    let file = temp_file(
        "policy.txt",
        b"version: STSv1\nmode: Enforce\nmax_age: 86400\n",
    );
    let run = mxtrust(&["sts-policy", &file, "--mx", "mx.example.test"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stdout,
        format!(
            "invalid: {file}:2: policy keyword in the wrong case [TLSRPT sts-policy-invalid]\n"
        )
    );
    let json = mxtrust(&["sts-policy", &file, "--json"]).json();
    assert_eq!(json["valid"], false);
    assert_eq!(json["mode"], serde_json::Value::Null);
    assert_eq!(
        json["errors"],
        json!([{"line": 2, "kind": "keyword-case", "message": "policy keyword in the wrong case"}])
    );
    assert_eq!(json["tlsrpt_result_type"], "sts-policy-invalid");
    assert_eq!(json["matches"], json!([]));

    // A problem with the body as a whole has no line.
    let file = temp_file(
        "policy.txt",
        b"version: STSv1\nmode: enforce\nmax_age: 86400\n",
    );
    let run = mxtrust(&["sts-policy", &file]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stdout,
        format!("invalid: {file}: no valid mx pattern [TLSRPT sts-policy-invalid]\n")
    );
}

#[test]
fn sts_policy_usage_errors() {
    let run = mxtrust(&["sts-policy", "/nonexistent/mta-sts.txt"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("/nonexistent/mta-sts.txt"),
        "{}",
        run.stderr
    );
    assert_eq!(mxtrust(&["sts-policy"]).code, 2);
}

#[test]
fn sts_record_selection() {
    let run = mxtrust(&["sts-record", "v=spf1 -all", "v=STSv1; id=20261128T130000;"]);
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (0, "found: id 20261128T130000\n")
    );

    // dig's quoting: strings of one record are concatenated.
    let run = mxtrust(&["sts-record", r#""v=STSv1; " "id=2026""#, "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.json(),
        json!({"found": true, "id": "2026", "unavailable": null, "reason": null})
    );
    // `dig +short` output for the whole RRset in one argument.
    let run = mxtrust(&["sts-record", "\"v=spf1 -all\"\n\"v=STSv1; id=abc\"\n"]);
    assert_eq!(run.stdout, "found: id abc\n");

    for (records, code) in [
        (&["v=spf1 -all"][..], "no-record"),
        (&["v=STSv1; id=a", "v=STSv1; id=b"][..], "several-records"),
        (&["v=STSv1; id=not_an_id"][..], "invalid"),
        (&["v=STSv10; id=1"][..], "no-record"),
    ] {
        let mut args = vec!["sts-record"];
        args.extend_from_slice(records);
        args.push("--json");
        let run = mxtrust(&args);
        assert_eq!(run.code, 1, "{records:?}");
        let json = run.json();
        assert_eq!(json["found"], false, "{records:?}");
        assert_eq!(json["unavailable"], code, "{records:?}");
        assert!(json["reason"].as_str().is_some(), "{records:?}");
    }
    let run = mxtrust(&["sts-record", "v=STSv1; id=a", "v=STSv1; id=b"]);
    assert_eq!(
        run.stdout,
        "no policy: more than one record starts with v=STSv1\n"
    );

    let run = mxtrust(&["sts-record", r#""v=STSv1; id=1"#]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("unterminated"), "{}", run.stderr);
}

#[test]
fn tlsrpt_record_selection() {
    let run = mxtrust(&[
        "tlsrpt-record",
        "v=TLSRPTv1; rua=mailto:tlsrpt@example.com, https://reports.example.com/v1",
        "v=spf1 -all",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "found: 2 report URIs\n\
         rua mailto:tlsrpt@example.com (mailto)\n\
         rua https://reports.example.com/v1 (https)\n"
    );
    let run = mxtrust(&[
        "tlsrpt-record",
        "v=TLSRPTv1; rua=mailto:a@example.com",
        "--json",
    ]);
    assert_eq!(
        run.json(),
        json!({
            "found": true,
            "rua": [{"uri": "mailto:a@example.com", "scheme": "mailto"}],
            "unavailable": null,
            "reason": null
        })
    );
    let run = mxtrust(&["tlsrpt-record", "v=TLSRPTv1;", "--json"]);
    assert_eq!(run.code, 1);
    let json = run.json();
    assert_eq!(json["unavailable"], "invalid");
    assert_eq!(json["rua"], json!([]));
    assert!(
        json["reason"].as_str().unwrap().contains("no rua field"),
        "{json}"
    );
}

#[test]
fn help_has_examples() {
    for command in ["sts-policy", "sts-record", "tlsrpt-record"] {
        let run = mxtrust(&[command, "--help"]);
        assert_eq!(run.code, 0);
        assert!(
            run.stdout.contains("Examples:"),
            "{command}: {}",
            run.stdout
        );
    }
}
