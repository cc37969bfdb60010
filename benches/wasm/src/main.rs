//! The native figures of the wasm package's budgets (issue #13 item 5):
//! the work `verifyDane`, `policyAllowsMx` and `parsePolicy` do in the
//! package, done natively in one process, as medians in nanoseconds, one
//! JSON object on standard output for `benches/wasm/bench.mjs`.
//!
//! `benches/run.sh --wasm` builds this twice: with sha2's portable backend
//! (`--cfg sha2_backend="soft"`, what wasm32 without SIMD gets) and as is
//! (SHA-NI when the CPU has it, detected at run time).

use std::hint::black_box;
use std::time::{Duration, Instant};

use mxtrust::dane::{self, Options, RecordStatus};
use mxtrust::{MatchingType, Selector, SignatureVerificationAlgorithm, Tlsa};
use mxtrust_report::dane::Check;
use mxtrust_report::policy::{self, PolicyReport};
use mxtrust_report::tlsa_text::Record;

static ALGORITHMS: &[&dyn SignatureVerificationAlgorithm] = mxtrust::ring_algorithms_with_rsa!();

/// 2026-11-28T13:00:00Z.
const NOW: u64 = 1_795_870_800;
const NAME: &str = "mx.example.test";

/// A policy of three `mx` lines (CRLF), matched against a host only the
/// last pattern allows, so that every pattern is tried.
pub const POLICY: &str = "version: STSv1\r\nmode: enforce\r\nmx: mx1.example.com\r\nmx: mx2.example.com\r\nmx: *.example.net\r\nmax_age: 604800\r\n";
const HOST: &str = "mx2.example.net";

macro_rules! fixture {
    ($name:literal) => {
        include_bytes!(concat!("../../../tests/fixtures/dane/", $name, ".der")).as_slice()
    };
}

/// Median nanoseconds per call of `op` over 15 batches of at least 20 ms.
fn median_ns(mut op: impl FnMut()) -> f64 {
    for _ in 0..100 {
        op();
    }
    let mut per_batch = 1u32;
    loop {
        let start = Instant::now();
        for _ in 0..per_batch {
            op();
        }
        if start.elapsed() >= Duration::from_millis(20) {
            break;
        }
        per_batch = per_batch.saturating_mul(2);
    }
    let mut samples: Vec<f64> = (0..15)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..per_batch {
                op();
            }
            start.elapsed().as_secs_f64() * 1e9 / f64::from(per_batch)
        })
        .collect();
    samples.sort_by(f64::total_cmp);
    samples[7]
}

fn record_311(leaf: &[u8]) -> Record {
    let mut data = [0u8; 64];
    let len =
        mxtrust::tlsa::association_data(leaf, Selector::Spki, MatchingType::Sha256, &mut data)
            .expect("fixture leaf");
    let text = Tlsa {
        usage: mxtrust::CertUsage::DaneEe,
        selector: Selector::Spki,
        matching_type: MatchingType::Sha256,
        data: &data[..len],
    }
    .to_string();
    Record::parse(&text, "tlsa:1".to_owned()).expect("record")
}

fn main() {
    let mut rows = Vec::new();
    for (name, leaf, int) in [
        ("p256", fixture!("p256-leaf"), fixture!("p256-int")),
        ("rsa2048", fixture!("rsa-leaf"), fixture!("rsa-int")),
    ] {
        let chain = vec![leaf.to_vec(), int.to_vec()];
        let records = vec![record_311(leaf)];
        let names = vec![NAME.to_owned()];
        let tlsa_name =
            mxtrust_report::tlsa_text::tlsa_name(25, mxtrust::base_domain::Protocol::Tcp, NAME);
        // What verifyDane does: the report (every record evaluated, the
        // chain described, hints) and its JSON text.
        let report = median_ns(|| {
            let report = mxtrust_report::dane::check(&Check {
                chain: black_box(&chain),
                records: &records,
                names: &names,
                tlsa_name: &tlsa_name,
                ignored: &[],
                time: NOW,
                generic_trust_anchors: None,
                digest_preference: Default::default(),
                ee_name_checks: false,
                algorithms: ALGORITHMS,
            })
            .expect("check");
            assert_eq!(report.outcome, "authenticated");
            black_box(serde_json::to_string(&report).expect("json"));
        });
        // The verdict alone, as an MTA asks for it.
        let tlsa = [records[0].tlsa()];
        let chain_refs = [leaf, int];
        let core = median_ns(|| {
            let options = Options::new(mxtrust::time::unix_time(NOW), ALGORITHMS);
            let mut statuses = [RecordStatus::EMPTY; 1];
            let outcome = dane::verify(
                black_box(&chain_refs),
                &tlsa,
                &[NAME],
                &options,
                &mut statuses,
            )
            .expect("verify");
            black_box(outcome);
        });
        rows.push(format!(
            "\"dane {name} 3 1 1\": {{\"report\": {report:.1}, \"core\": {core:.1}}}"
        ));
    }
    let allows = median_ns(|| {
        let (parsed, _) = policy::parse(black_box(POLICY.as_bytes()));
        assert!(parsed.expect("policy").allows_mx(HOST.as_bytes()));
    });
    let document = median_ns(|| {
        let report = PolicyReport::new(black_box(POLICY.as_bytes()), &[HOST]);
        black_box(serde_json::to_string(&report).expect("json"));
    });
    rows.push(format!(
        "\"policy 3 mx, parse + match\": {{\"allows\": {allows:.1}, \"report\": {document:.1}}}"
    ));
    let sha = if cfg!(sha2_backend = "soft") {
        "portable"
    } else {
        "default"
    };
    #[cfg(target_arch = "x86_64")]
    let sha_ni = std::arch::is_x86_feature_detected!("sha");
    #[cfg(not(target_arch = "x86_64"))]
    let sha_ni = false;
    println!(
        "{{\"sha2\": \"{sha}\", \"sha_ni\": {sha_ni}, \"ops\": {{{}}}}}",
        rows.join(", ")
    );
}
