//! `mxtrust rollover`: plans from the files an operator has, end to end.

mod support;

use support::*;

const AT: &str = "2026-11-28T13:00:00Z";
/// The current and next keys' `3 1 1` data (examples/rollover.tlsa).
const CURRENT: &str = "3 1 1 1901cb6d9a3048ba5290b61bf08dff9dcdd899ea739462321efc1adfc70ccfdc";
const NEXT: &str = "3 1 1 4ab3b61fbc0160a5a7f936cca5888d4440a90358c58ffd4c66d97a6b8bdd8f09";

fn dane(extra: &[&str]) -> Run {
    let mut args = vec![
        "rollover",
        "dane",
        "--chain",
        "examples/p256-chain.pem",
        "--name",
        "mx.example.test",
        "--at",
        AT,
    ];
    args.extend_from_slice(extra);
    let args: Vec<String> = args
        .iter()
        .map(|a| a.replace("examples/", &example("")))
        .collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    mxtrust(&args)
}

fn steps(run: &Run) -> Vec<(String, u64, Vec<String>)> {
    run.json()["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["step"].as_str().unwrap().to_owned(),
                s["at"].as_u64().unwrap(),
                s["records"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| r.as_str().unwrap().to_owned())
                    .collect(),
            )
        })
        .collect()
}

const T: u64 = 1_795_870_800; // AT

#[test]
fn key_rollover_from_the_current_record_only() {
    let current = temp_file(
        "current.tlsa",
        format!("_25._tcp.mx.example.test. 3600 IN TLSA {CURRENT}\n").as_bytes(),
    );
    let run = dane(&[
        "--tlsa-file",
        &current,
        "--next-chain",
        "examples/p256-next-chain.pem",
        "--json",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        steps(&run),
        [
            ("publish".to_owned(), T, vec![NEXT.to_owned()]),
            ("switch".to_owned(), T + 3600, vec![]),
            ("remove".to_owned(), T + 3600, vec![CURRENT.to_owned()]),
        ]
    );
    // The next key's CSR plans the same record before the certificate exists.
    let csr = dane(&[
        "--tlsa-file",
        &current,
        "--next-csr",
        "examples/p256-next.csr",
        "--json",
    ]);
    assert_eq!(steps(&csr)[0], steps(&run)[0]);
    // People read the same plan.
    let human = dane(&[
        "--tlsa-file",
        &current,
        "--next-chain",
        "examples/p256-next-chain.pem",
    ]);
    assert!(
        human.stdout.starts_with("3 steps remain\n1. now: publish"),
        "{}",
        human.stdout
    );
    assert!(
        human.stdout.contains("2026-11-28T14:00:00Z (in 1 h)"),
        "{}",
        human.stdout
    );
}

#[test]
fn the_switch_is_safe_exactly_one_ttl_after_publication() {
    for (published_at, code) in [
        ("2026-11-28T12:00:01Z", 1),
        ("2026-11-28T12:00:00Z", 0),
        ("2026-11-28T11:59:59Z", 0),
    ] {
        let run = dane(&[
            "--tlsa-file",
            "examples/rollover.tlsa",
            "--ttl",
            "3600",
            "--published-at",
            published_at,
            "--next-chain",
            "examples/p256-next-chain.pem",
            "--json",
        ]);
        assert_eq!(
            run.code, code,
            "published at {published_at}: {}",
            run.stdout
        );
        assert_eq!(run.json()["safe_now"], code == 0);
    }
}

#[test]
fn adding_sha2_512_keeps_sha2_256() {
    let current = temp_file("cur.tlsa", format!("{CURRENT}\n").as_bytes());
    let run = dane(&[
        "--tlsa-file",
        &current,
        "--ttl",
        "300",
        "--next-chain",
        "examples/p256-chain.pem",
        "--to",
        "3 1 1",
        "--to",
        "3 1 2",
        "--json",
    ]);
    let plan = steps(&run);
    assert_eq!(plan[0].0, "publish");
    assert_eq!(plan[0].2.len(), 1);
    assert!(plan[0].2[0].starts_with("3 1 2 "), "{plan:?}");
    assert_eq!(plan.len(), 2, "nothing to remove: {plan:?}");
    // SHA2-512 alone would strand SHA2-256-only senders.
    let run = dane(&[
        "--tlsa-file",
        &current,
        "--ttl",
        "300",
        "--next-chain",
        "examples/p256-chain.pem",
        "--to",
        "3 1 2",
        "--json",
    ]);
    assert_eq!(run.code, 1);
    assert_eq!(run.json()["problem"]["code"], "next-fails");
}

#[test]
fn input_errors() {
    let current = temp_file("nottl.tlsa", format!("{CURRENT}\n").as_bytes());
    let run = dane(&[
        "--tlsa-file",
        &current,
        "--next-chain",
        "examples/p256-next-chain.pem",
    ]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--ttl"), "{}", run.stderr);
    let run = dane(&["--tlsa-file", &current, "--ttl", "60"]);
    assert_eq!(run.code, 2, "a next chain, key or CSR is required");
}

fn policy_file(name: &str, mx: &[&str]) -> String {
    let mut body = String::from("version: STSv1\nmode: enforce\nmax_age: 86400\n");
    for m in mx {
        body.push_str(&format!("mx: {m}\n"));
    }
    temp_file(name, body.as_bytes())
}

#[test]
fn sts_adding_an_mx_host() {
    let current = policy_file("p1.txt", &["mx1.example.com"]);
    let next = policy_file("p2.txt", &["mx1.example.com", "mx2.example.com"]);
    let run = mxtrust(&[
        "rollover",
        "sts",
        "--policy",
        &current,
        "--id",
        "1",
        "--next-policy",
        &next,
        "--next-id",
        "2",
        "--mx-now",
        "mx1.example.com",
        "--mx-next",
        "mx1.example.com",
        "--mx-next",
        "mx2.example.com",
        "--at",
        AT,
        "--json",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let doc = run.json();
    assert_eq!(doc["new_id_required"], true);
    let plan: Vec<(String, u64)> = steps(&run).into_iter().map(|(s, t, _)| (s, t)).collect();
    assert_eq!(
        plan,
        [
            ("publish-policy".to_owned(), T),
            ("add-mx".to_owned(), T + 86_400)
        ]
    );
    // The same id twice is refused as a plan.
    let run = mxtrust(&[
        "rollover",
        "sts",
        "--policy",
        &current,
        "--id",
        "1",
        "--next-policy",
        &next,
        "--next-id",
        "1",
        "--mx-now",
        "mx1.example.com",
        "--mx-next",
        "mx1.example.com",
        "--at",
        AT,
    ]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("[id-unchanged]"), "{}", run.stdout);
}
