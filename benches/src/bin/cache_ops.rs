//! Issue #12 item 4, "flat cost": what one MTA-STS policy cache operation
//! costs with 64, 1,000, 10,000 and 100,000 live `enforce` policies.
//!
//! For each size the cache is filled, untimed, with that many domains
//! (`example-483920.com`, each with 1–3 `mx` patterns of its own names:
//! `mx1.example-483920.com`, `mx2.…`, `*.mail.…`), then four operations are
//! measured:
//!
//! - **lookup**: `PolicyCache::lookup` of a cached domain (a fresh hit);
//! - **refresh**: `store` over a cached domain with a new id and a policy of
//!   the same size (a re-fetch: the entry is rewritten where it is);
//! - **refresh-due**: the same, for the domains whose policies expire
//!   soonest, as a proactive refresh (`due_for_refresh`) picks them: each
//!   is the eviction heap's root and sinks to a leaf, the heap's full
//!   O(log N) depth, where a random domain sits near the leaves already;
//! - **changed**: `store` over a cached domain with a policy of a different
//!   size (one `mx` line more or less: the record moves in the arena, and
//!   the arena's compaction is paid for in the instruction count);
//! - **insert**: `store` of a new domain into a cache with room (each batch
//!   is removed again, untimed, so the cache stays at its size).
//!
//! Domains are taken in a random order. Figures: the median wall time per
//! operation over many batches of [`BATCH`] operations, with the 10th and
//! 90th percentiles; callgrind's instructions per operation (this binary
//! run under `valgrind --tool=callgrind --toggle-collect=mxcache_measured`,
//! which counts only inside the measured batches); and the bytes of caller
//! storage per entry, `(slots × SLOT_SIZE + arena octets) / entries`. The
//! last row is the ratio of 100,000 entries to 64, with PASS/MISS against
//! the issue's 2×. A miss is printed, never an error.
//!
//! ```text
//! cache_ops [--no-callgrind] [--sizes 64,1000,...] [--working-set M]
//! cache_ops --single N OP --ops K [--working-set M]  # what callgrind runs
//! ```
//!
//! `--working-set M` makes lookup, refresh and changed cycle over M of the
//! cached domains instead of all of them (refresh-due and insert pick as
//! always): with
//! M = 64 the operations run on a large cache from the CPU's caches, which
//! separates the cost of the code from that of reaching memory.

use std::collections::BTreeSet;
use std::hint::black_box;
use std::process::Command;
use std::time::Instant;

use mxtrust::cache::{Lookup, PolicyCache, SLOT_SIZE, Slot, Stored, entry_text_len};
use mxtrust::policy::Policy;
use mxtrust::sts;

/// Cache sizes (live entries) of the table.
const SIZES: [usize; 4] = [64, 1_000, 10_000, 100_000];
/// Operations per timed batch (and per call of [`mxcache_measured`]).
const BATCH: usize = 8;
/// Timed batches per operation and size, after [`WARMUP`] untimed ones.
const BATCHES: usize = 20_000;
const WARMUP: usize = 500;
/// Names kept ready for the insert operation, at least as many as the cache
/// holds (so that inserts probe cold parts of the index, as lookups do);
/// each batch takes the next ones.
const INSERT_POOL: usize = 4_096;
/// 2026-11-28T13:00:00Z, as in the other benchmarks.
const NOW: u64 = 1_795_870_800;
/// The issue's target: at most this ratio from 64 to 100,000 entries.
const TARGET: f64 = 2.0;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Op {
    Lookup,
    Refresh,
    RefreshDue,
    Changed,
    Insert,
}

const OPS: [Op; 5] = [
    Op::Lookup,
    Op::Refresh,
    Op::RefreshDue,
    Op::Changed,
    Op::Insert,
];

impl Op {
    fn id(self) -> &'static str {
        match self {
            Op::Lookup => "lookup",
            Op::Refresh => "refresh",
            Op::RefreshDue => "refresh-due",
            Op::Changed => "changed",
            Op::Insert => "insert",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Op::Lookup => "lookup (hit)",
            Op::Refresh => "store, refresh (same size)",
            Op::RefreshDue => "store, refresh of the soonest to expire",
            Op::Changed => "store, changed policy (moves)",
            Op::Insert => "store, insert (room)",
        }
    }

    fn from_id(id: &str) -> Option<Self> {
        OPS.into_iter().find(|op| op.id() == id)
    }
}

/// The measured region: callgrind collects only inside this function.
#[unsafe(no_mangle)]
#[inline(never)]
pub fn mxcache_measured(batch: &mut dyn FnMut()) {
    batch();
}

/// A domain name of a fixed shape and length: `example-NNNNNN.com`, the
/// number a bijection of `i` (so names are distinct and look unordered).
fn domain(i: usize) -> String {
    format!("example-{:06}.com", (i * 7_919 + 123_457) % 1_000_000)
}

/// An `enforce` policy body for `domain` with `mx` patterns (1 to 3).
fn body(domain: &str, mx: usize) -> String {
    let patterns = [
        format!("mx1.{domain}"),
        format!("mx2.{domain}"),
        format!("*.mail.{domain}"),
    ];
    let mut body = String::from("version: STSv1\r\nmode: enforce\r\n");
    for p in &patterns[..mx] {
        body.push_str(&format!("mx: {p}\r\n"));
    }
    body.push_str("max_age: 604800\r\n");
    body
}

fn parse(body: &str) -> Policy<'_, 3> {
    Policy::parse(body.as_bytes(), &mut []).expect("benchmark policy parses")
}

/// xorshift64*: a fixed pseudo-random order of the cached domains.
fn shuffled(n: usize, seed: u64) -> Vec<usize> {
    let mut state = seed | 1;
    let mut order: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        let r = state.wrapping_mul(0x2545_f491_4f6c_dd1d);
        order.swap(i, (r % (i as u64 + 1)) as usize);
    }
    order
}

/// The inputs for one cache size: names, bodies (as filled, and the changed
/// variant with another `mx` count) and names for inserts.
struct Inputs {
    domains: Vec<String>,
    bodies: Vec<String>,
    changed: Vec<String>,
    insert_domains: Vec<String>,
    insert_bodies: Vec<String>,
}

impl Inputs {
    fn new(n: usize, op: Option<Op>) -> Self {
        let domains: Vec<String> = (0..n).map(domain).collect();
        let bodies = domains
            .iter()
            .enumerate()
            .map(|(i, d)| body(d, 1 + i % 3))
            .collect();
        let changed = if op.is_none_or(|op| op == Op::Changed) {
            domains
                .iter()
                .enumerate()
                .map(|(i, d)| body(d, 1 + (i + 1) % 3))
                .collect()
        } else {
            Vec::new()
        };
        let (insert_domains, insert_bodies) = if op.is_none_or(|op| op == Op::Insert) {
            let names: Vec<String> = (n..n + n.max(INSERT_POOL)).map(domain).collect();
            let bodies = names
                .iter()
                .enumerate()
                .map(|(i, d)| body(d, 1 + i % 3))
                .collect();
            (names, bodies)
        } else {
            (Vec::new(), Vec::new())
        };
        Self {
            domains,
            bodies,
            changed,
            insert_domains,
            insert_bodies,
        }
    }
}

/// A filled cache of one size and what the operations need to run on it.
struct Bench<'a, 's> {
    cache: PolicyCache<'s>,
    domains: &'a [String],
    policies: Vec<Policy<'a, 3>>,
    changed: Vec<Policy<'a, 3>>,
    /// Whether domain `i` holds its changed variant.
    is_changed: Vec<bool>,
    insert_domains: &'a [String],
    insert_policies: Vec<Policy<'a, 3>>,
    order: Vec<usize>,
    ids: [sts::PolicyId; 2],
    cursor: usize,
    insert_cursor: usize,
    clock: u64,
    hits: usize,
    /// When each domain's policy was last stored, and the same ordered
    /// oldest first: what `refresh-due` picks from.
    fetched: Vec<u64>,
    due: BTreeSet<(u64, usize)>,
}

/// Slots and arena for `n` entries: one slot per entry plus room for a
/// batch of inserts, and the entries' arena octets plus a quarter (the
/// slack `cache.rs` recommends) plus a batch of inserts.
fn storage(inputs: &Inputs, policies: &[Policy<'_, 3>]) -> (Vec<Slot>, Vec<u8>) {
    let n = inputs.domains.len();
    let text = text_for(inputs, policies);
    let largest_insert = inputs
        .insert_domains
        .iter()
        .map(|d| entry_text_len(d.as_bytes(), &parse(&body(d, 3))))
        .max()
        .unwrap_or(0);
    let arena = text + text.div_ceil(4) + BATCH * largest_insert;
    (vec![Slot::EMPTY; n + BATCH], vec![0u8; arena])
}

/// Arena octets of the filled entries, without slack.
fn text_for(inputs: &Inputs, policies: &[Policy<'_, 3>]) -> usize {
    inputs
        .domains
        .iter()
        .zip(policies)
        .map(|(d, p)| entry_text_len(d.as_bytes(), p))
        .sum()
}

/// Bytes of caller storage per entry for a cache sized for exactly its `n`
/// entries: `n` slots and the entries' arena octets plus a quarter.
fn bytes_per_entry(inputs: &Inputs, policies: &[Policy<'_, 3>]) -> f64 {
    let n = inputs.domains.len();
    let text = text_for(inputs, policies);
    (n * SLOT_SIZE + text + text.div_ceil(4)) as f64 / n as f64
}

impl<'a, 's> Bench<'a, 's> {
    fn new(
        inputs: &'a Inputs,
        policies: Vec<Policy<'a, 3>>,
        slots: &'s mut [Slot],
        text: &'s mut [u8],
        working_set: Option<usize>,
    ) -> Self {
        let n = inputs.domains.len();
        let mut cache = PolicyCache::new(slots, text, *b"mxtrust-bench-k!");
        let id = sts::PolicyId::new(b"20260101T000000").expect("id");
        for (i, (d, p)) in inputs.domains.iter().zip(&policies).enumerate() {
            // Fetched over the last hour; a week's max_age: all live at NOW.
            let at = NOW - 3_600 + (i % 3_600) as u64;
            let stored = cache
                .store(d.as_bytes(), id, p, mxtrust::time::unix_time(at))
                .expect("fill");
            assert_eq!(stored, Stored::Inserted);
        }
        assert_eq!(cache.len(), n);
        let fetched: Vec<u64> = (0..n).map(|i| NOW - 3_600 + (i % 3_600) as u64).collect();
        let due = fetched.iter().enumerate().map(|(i, &f)| (f, i)).collect();
        Self {
            cache,
            domains: &inputs.domains,
            policies,
            changed: inputs.changed.iter().map(|b| parse(b)).collect(),
            is_changed: vec![false; n],
            insert_domains: &inputs.insert_domains,
            insert_policies: inputs.insert_bodies.iter().map(|b| parse(b)).collect(),
            order: {
                let mut order = shuffled(n, 0x9e37_79b9_7f4a_7c15 ^ n as u64);
                order.truncate(working_set.unwrap_or(n).clamp(1, n));
                order
            },
            ids: [
                sts::PolicyId::new(b"20260201T000000").expect("id"),
                sts::PolicyId::new(b"20260301T000000").expect("id"),
            ],
            cursor: 0,
            insert_cursor: 0,
            clock: NOW,
            hits: 0,
            fetched,
            due,
        }
    }

    fn next_domain(&mut self) -> usize {
        let i = self.order[self.cursor % self.order.len()];
        self.cursor += 1;
        i
    }

    /// One batch of `op` (measured), then what restores the cache's size
    /// (not measured). `measure` runs the measured part.
    fn batch(&mut self, op: Op, measure: &mut dyn FnMut(&mut dyn FnMut())) {
        let picks: [usize; BATCH] = std::array::from_fn(|_| match op {
            Op::Insert => {
                let j = self.insert_cursor % self.insert_domains.len();
                self.insert_cursor += 1;
                j
            }
            Op::RefreshDue => self.due.pop_first().expect("cache not empty").1,
            _ => self.next_domain(),
        });
        self.clock += 1;
        let now = self.clock;
        if matches!(op, Op::Refresh | Op::RefreshDue | Op::Changed) {
            for &i in &picks {
                self.due.remove(&(self.fetched[i], i));
                self.fetched[i] = now;
                self.due.insert((now, i));
            }
        }
        let id = self.ids[(now % 2) as usize];
        match op {
            Op::Lookup => {
                let cache = &self.cache;
                let domains = self.domains;
                let mut hits = 0;
                measure(&mut || {
                    for &i in &picks {
                        let found = cache.lookup(
                            black_box(domains[i].as_bytes()),
                            mxtrust::time::unix_time(now),
                        );
                        hits += usize::from(matches!(black_box(found), Lookup::Fresh(_)));
                    }
                });
                self.hits += hits;
            }
            Op::Refresh | Op::RefreshDue | Op::Changed => {
                // Flip first: a domain picked twice in a batch flips twice.
                let chosen: [&Policy<'a, 3>; BATCH] = std::array::from_fn(|k| {
                    let i = picks[k];
                    if op == Op::Changed {
                        self.is_changed[i] = !self.is_changed[i];
                    }
                    if self.is_changed[i] {
                        &self.changed[i]
                    } else {
                        &self.policies[i]
                    }
                });
                let cache = &mut self.cache;
                let domains = self.domains;
                let mut hits = 0;
                measure(&mut || {
                    for (&i, p) in picks.iter().zip(chosen) {
                        let stored = cache.store(
                            black_box(domains[i].as_bytes()),
                            id,
                            p,
                            mxtrust::time::unix_time(now),
                        );
                        hits += usize::from(stored == Ok(Stored::Replaced));
                    }
                });
                self.hits += hits;
            }
            Op::Insert => {
                let cache = &mut self.cache;
                let domains = self.insert_domains;
                let policies = &self.insert_policies;
                let mut hits = 0;
                measure(&mut || {
                    for &j in &picks {
                        let stored = cache.store(
                            black_box(domains[j].as_bytes()),
                            id,
                            &policies[j],
                            mxtrust::time::unix_time(now),
                        );
                        hits += usize::from(stored == Ok(Stored::Inserted));
                    }
                });
                self.hits += hits;
                // Newest first: each record is then at the arena's end.
                for &j in picks.iter().rev() {
                    assert!(cache.remove(domains[j].as_bytes()), "inserted");
                }
            }
        }
    }
}

/// Median, 10th and 90th percentile of ns per operation.
#[derive(Clone, Copy, Default)]
struct Time {
    median: f64,
    p10: f64,
    p90: f64,
}

fn timed(bench: &mut Bench<'_, '_>, op: Op) -> Time {
    let mut samples = Vec::with_capacity(BATCHES);
    let mut run = |record: bool, bench: &mut Bench<'_, '_>| {
        bench.batch(op, &mut |f| {
            let start = Instant::now();
            f();
            let ns = start.elapsed().as_nanos() as f64 / BATCH as f64;
            if record {
                samples.push(ns);
            }
        });
    };
    for _ in 0..WARMUP {
        run(false, bench);
    }
    bench.hits = 0;
    for _ in 0..BATCHES {
        run(true, bench);
    }
    assert_eq!(
        bench.hits,
        BATCHES * BATCH,
        "{}: every op must hit",
        op.id()
    );
    samples.sort_by(f64::total_cmp);
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q) as usize];
    Time {
        median: at(0.5),
        p10: at(0.1),
        p90: at(0.9),
    }
}

/// `--single N OP --ops K`: fill a cache of N, then K operations, each
/// batch inside [`mxcache_measured`].
fn single(n: usize, op: Op, ops: usize, working_set: Option<usize>) {
    let inputs = Inputs::new(n, Some(op));
    let policies: Vec<Policy<'_, 3>> = inputs.bodies.iter().map(|b| parse(b)).collect();
    let (mut slots, mut text) = storage(&inputs, &policies);
    let mut bench = Bench::new(&inputs, policies, &mut slots, &mut text, working_set);
    bench.batch(op, &mut |f| f()); // one untimed batch first
    bench.hits = 0;
    let batches = ops.div_ceil(BATCH);
    for _ in 0..batches {
        bench.batch(op, &mut |f| mxcache_measured(f));
    }
    assert_eq!(
        bench.hits,
        batches * BATCH,
        "{}: every op must hit",
        op.id()
    );
}

/// Operations callgrind counts for size `n`: at least `n`, so that the
/// arena's compactions (one every n/4 or so changed policies) are in the
/// count as often as they happen.
fn callgrind_ops(n: usize) -> usize {
    n.max(8_192).next_multiple_of(BATCH)
}

fn valgrind_available() -> bool {
    Command::new("valgrind")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Instructions per operation: this binary's `--single` mode under
/// callgrind, collecting inside [`mxcache_measured`] only.
fn instructions_per_op(n: usize, op: Op, working_set: Option<usize>) -> Option<f64> {
    let ops = callgrind_ops(n);
    let working_set = working_set.map(|m| ["--working-set".to_string(), m.to_string()]);
    let out = std::env::temp_dir().join(format!(
        "mxcache-callgrind-{}-{n}-{}.out",
        std::process::id(),
        op.id()
    ));
    let exe = std::env::current_exe().ok()?;
    let status = Command::new("valgrind")
        .args([
            "--tool=callgrind",
            "--toggle-collect=mxcache_measured",
            &format!("--callgrind-out-file={}", out.display()),
        ])
        .arg(exe)
        .args([
            "--single",
            &n.to_string(),
            op.id(),
            "--ops",
            &ops.to_string(),
        ])
        .args(working_set.iter().flatten())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .ok()?;
    let text = std::fs::read_to_string(&out).ok()?;
    let _ = std::fs::remove_file(&out);
    if !status.success() {
        return None;
    }
    let total: f64 = text
        .lines()
        .find_map(|l| {
            l.strip_prefix("totals:")
                .or_else(|| l.strip_prefix("summary:"))
        })?
        .split_whitespace()
        .next()?
        .parse()
        .ok()?;
    Some(total / ops as f64)
}

struct Row {
    n: usize,
    time: [Time; OPS.len()],
    instructions: [Option<f64>; OPS.len()],
    bytes_per_entry: f64,
}

fn measure_size(n: usize, callgrind: bool, working_set: Option<usize>) -> Row {
    let inputs = Inputs::new(n, None);
    let policies: Vec<Policy<'_, 3>> = inputs.bodies.iter().map(|b| parse(b)).collect();
    let bytes_per_entry = bytes_per_entry(&inputs, &policies);
    let (mut slots, mut text) = storage(&inputs, &policies);
    let mut bench = Bench::new(&inputs, policies, &mut slots, &mut text, working_set);
    let time = OPS.map(|op| timed(&mut bench, op));
    assert_eq!(bench.cache.len(), n);
    drop(bench);
    let instructions = OPS.map(|op| {
        callgrind
            .then(|| instructions_per_op(n, op, working_set))
            .flatten()
    });
    for (op, t) in OPS.iter().zip(&time) {
        eprintln!("measured {n} {}: {:.0} ns", op.id(), t.median);
    }
    Row {
        n,
        time,
        instructions,
        bytes_per_entry,
    }
}

fn fmt_n(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn fmt_time(t: Time) -> String {
    format!("{:.0} ns ({:.0}–{:.0})", t.median, t.p10, t.p90)
}

fn verdict(ratio: f64) -> &'static str {
    if ratio <= TARGET { "PASS" } else { "MISS" }
}

fn print_table(rows: &[Row], callgrind: bool, working_set: Option<usize>) {
    println!("## MTA-STS policy cache: cost per operation by size\n");
    println!("{}\n", machine());
    if let Some(m) = working_set {
        println!(
            "Working set: lookup, refresh and changed cycle over {m} of the cached domains (--working-set {m}); refresh-due and insert do not.\n"
        );
    }
    let mut header = String::from("| live entries |");
    let mut rule = String::from("|---:|");
    for op in OPS {
        header.push_str(&format!(" {} time | {} Ir |", op.title(), op.id()));
        rule.push_str("---:|---:|");
    }
    header.push_str(" bytes/entry |");
    rule.push_str("---:|");
    println!("{header}\n{rule}");
    for row in rows {
        let mut line = format!("| {} |", fmt_n(row.n));
        for (t, ir) in row.time.iter().zip(&row.instructions) {
            let ir = ir.map_or("n/a".into(), |x| format!("{x:.0}"));
            line.push_str(&format!(" {} | {ir} |", fmt_time(*t)));
        }
        line.push_str(&format!(" {:.1} |", row.bytes_per_entry));
        println!("{line}");
    }
    let (Some(small), Some(large)) = (rows.first(), rows.last()) else {
        return;
    };
    if rows.len() < 2 {
        return;
    }
    let mut misses = Vec::new();
    let mut line = format!("| {} ÷ {} |", fmt_n(large.n), fmt_n(small.n));
    for (k, op) in OPS.iter().enumerate() {
        let t = large.time[k].median / small.time[k].median;
        let ir = large.instructions[k]
            .zip(small.instructions[k])
            .map(|(a, b)| a / b);
        let ir_text = match ir {
            Some(r) => {
                if r > TARGET {
                    misses.push(format!("{} {r:.2}×", op.id()));
                }
                format!("{r:.2}× {}", verdict(r))
            }
            None => "n/a".into(),
        };
        line.push_str(&format!(" {t:.2}× (time {}) | {ir_text} |", verdict(t)));
    }
    line.push_str(&format!(
        " {:.2}× |",
        large.bytes_per_entry / small.bytes_per_entry
    ));
    println!("{line}");
    println!(
        "\nTarget (issue #12): lookup and store within {TARGET}× in callgrind instructions from {} to {} entries: {}.",
        fmt_n(small.n),
        fmt_n(large.n),
        if !callgrind {
            "not judged (callgrind skipped: Ir n/a)".to_string()
        } else if misses.is_empty() {
            "PASS".to_string()
        } else {
            format!("MISS ({})", misses.join(", "))
        }
    );
    println!(
        "Times: median of {BATCHES} batches of {BATCH} ops (p10–p90 in parentheses); their PASS/MISS is informational. \
         Ir: callgrind instructions per op over max(N, 8192) ops, arena compaction included. \
         bytes/entry: (N slots × SLOT_SIZE {SLOT_SIZE} + the entries' arena octets and a quarter of slack) / N \
         (the benchmark adds {BATCH} spare slots and arena for one batch of inserts)."
    );
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, m)| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let date = Command::new("date")
        .args(["-u", "+%Y-%m-%d %H:%M UTC"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    let rustc = Command::new("rustc")
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    format!("{date}; {cores} cores (nproc), {cpu}; {rustc}; x86_64 release build")
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let working_set: Option<usize> = args
        .windows(2)
        .find(|w| w[0] == "--working-set")
        .map(|w| w[1].parse().expect("--working-set M"));
    if args.first().map(String::as_str) == Some("--single") {
        let n: usize = args[1].parse().expect("--single N OP --ops K");
        let op = Op::from_id(&args[2]).expect("OP: lookup, refresh, changed or insert");
        let ops: usize = args[4].parse().expect("--ops K");
        single(n, op, ops, working_set);
        return;
    }
    let sizes: Vec<usize> = args
        .windows(2)
        .find(|w| w[0] == "--sizes")
        .map(|w| {
            w[1].split(',')
                .map(|s| s.parse().expect("--sizes N,N,..."))
                .collect()
        })
        .unwrap_or_else(|| SIZES.to_vec());
    let callgrind = !args.iter().any(|a| a == "--no-callgrind") && valgrind_available();
    let rows: Vec<Row> = sizes
        .iter()
        .map(|&n| measure_size(n, callgrind, working_set))
        .collect();
    print_table(&rows, callgrind, working_set);
}
