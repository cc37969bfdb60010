//! `mxtrust check` without a network: what makes it exit 2 before it asks
//! anything, its help, and its manual. The live cases run on the real
//! stack (tests/stack/cases/check.sh).

mod support;

use support::*;

#[test]
fn what_is_not_a_mail_domain_is_a_usage_error() {
    for domain in ["not a domain", "192.0.2.1", "a..b", ""] {
        let run = mxtrust(&["check", domain, "--quiet"]);
        assert_eq!(run.code, 2, "{domain:?}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "{domain:?}");
    }
    let run = mxtrust(&[
        "check",
        "example.com",
        "--trust-ad",
        "--trust-anchor",
        "x.ds",
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let run = mxtrust(&["check", "example.com", "--resolver", "resolver.example"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
}

/// Nothing answers on the discard port: the check could not run (exit 2),
/// which is not a finding about the domain (exit 1).
#[test]
fn a_resolver_that_does_not_answer_is_exit_2() {
    let run = mxtrust(&[
        "check",
        "example.com",
        "--trust-ad",
        "--resolver",
        "127.0.0.1:9",
        "--dns-timeout",
        "1",
        "--quiet",
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("does not answer"), "{}", run.stderr);
    assert!(run.stdout.is_empty());
}

#[test]
fn a_trust_anchor_file_that_is_not_one_is_exit_2() {
    let file = temp_file("anchor.txt", b"example.com. IN A 192.0.2.1\n");
    let run = mxtrust(&[
        "check",
        "example.com",
        "--trust-anchor",
        &file,
        "--resolver",
        "127.0.0.1:9",
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains(":1: not a DS or DNSKEY record"),
        "{}",
        run.stderr
    );
}

/// The manual shows the schema `--help` prints; keep them equal.
#[test]
fn help_and_manual_show_the_same_schema() {
    let run = mxtrust(&["check", "--help"]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("Examples:"), "{}", run.stdout);
    let readme = std::fs::read_to_string(repo("cli/README.md")).unwrap();
    let section = &readme[readme.find("## `mxtrust check DOMAIN`").unwrap()..];
    let after = &section[section.find("prints the JSON schema:").unwrap()..];
    let block = after.split("```text\n").nth(1).unwrap();
    let schema = &block[..block.find("```").unwrap()];
    assert!(schema.starts_with("JSON report (--json)"), "{schema}");
    assert!(
        run.stdout.contains(schema.trim_end()),
        "--help does not show the manual's schema"
    );
}
