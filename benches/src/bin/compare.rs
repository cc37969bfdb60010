//! Prints one table: every workload, mxtrust next to its peers and limits,
//! measured in the same run on the same inputs — median wall-clock time,
//! callgrind instructions, heap allocations and stack high-water mark per
//! operation — with each target ratio marked PASS or MISS, and the `.text`
//! size of core for bare metal. It never fails on a miss: wall-clock
//! figures do not gate anything.
//!
//! ```text
//! compare [--no-callgrind] [--no-python] [--only TEXT] [--firmware LABEL=ELF]...
//! compare --scaling [--no-callgrind] [--no-python] [--only TEXT]
//! compare --list
//! compare --single ID --iters N   # what callgrind runs
//! ```

use std::alloc::{GlobalAlloc, Layout, System};
use std::collections::BTreeMap;
use std::ffi::{c_char, c_int, c_void};
use std::hint::black_box;
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use mxtrust_benches::openssl_dane::CRYPTO_set_mem_functions;
use mxtrust_benches::{Kind, Op, Who, ops, scaling_ops};

/// Heap allocations (Rust's global allocator and OpenSSL's), reallocations
/// included.
static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

struct Counting;

// SAFETY: defers to the system allocator; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: the caller's contract.
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: the caller's contract.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: the caller's contract.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

unsafe extern "C" {
    fn malloc(size: usize) -> *mut c_void;
    fn realloc(ptr: *mut c_void, size: usize) -> *mut c_void;
    fn free(ptr: *mut c_void);
}

unsafe extern "C" fn ossl_malloc(size: usize, _: *const c_char, _: c_int) -> *mut c_void {
    ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
    // SAFETY: plain libc malloc.
    unsafe { malloc(size) }
}

unsafe extern "C" fn ossl_realloc(
    ptr: *mut c_void,
    size: usize,
    _: *const c_char,
    _: c_int,
) -> *mut c_void {
    ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
    // SAFETY: `ptr` came from `ossl_malloc`/`ossl_realloc`.
    unsafe { realloc(ptr, size) }
}

unsafe extern "C" fn ossl_free(ptr: *mut c_void, _: *const c_char, _: c_int) {
    // SAFETY: `ptr` came from `ossl_malloc`/`ossl_realloc`.
    unsafe { free(ptr) }
}

fn main() {
    // Before OpenSSL allocates anything, so that its mallocs are counted too.
    // SAFETY: valid function pointers with OpenSSL's signatures.
    let counted = unsafe { CRYPTO_set_mem_functions(ossl_malloc, ossl_realloc, ossl_free) } == 1;
    let args: Vec<String> = std::env::args().skip(1).collect();
    let scaling = args.iter().any(|a| a == "--scaling");
    let mut ops = if scaling { scaling_ops() } else { ops() };
    // `--only TEXT`: the workloads whose name contains TEXT (quick looks).
    if let Some(only) = args
        .windows(2)
        .find(|w| w[0] == "--only")
        .map(|w| w[1].clone())
    {
        ops.retain(|op| op.workload.contains(&only));
    }
    if args.first().map(String::as_str) == Some("--list") {
        for op in &ops {
            println!("{}", op.id());
        }
        return;
    }
    if args.first().map(String::as_str) == Some("--single") {
        let id = &args[1];
        let iters: u64 = args[3].parse().expect("--iters N");
        let op = match ops.iter().find(|op| &op.id() == id) {
            Some(op) => op,
            None => {
                ops = scaling_ops();
                ops.iter().find(|op| &op.id() == id).expect("known op id")
            }
        };
        black_box((op.run)());
        mxbench_measured(op, iters);
        return;
    }
    let flag = |name: &str| args.iter().any(|a| a == name);
    let firmware: Vec<(String, String)> = args
        .windows(2)
        .filter(|w| w[0] == "--firmware")
        .filter_map(|w| w[1].split_once('=').map(|(l, p)| (l.into(), p.into())))
        .collect();
    if !counted {
        eprintln!(
            "note: OpenSSL allocated before CRYPTO_set_mem_functions; its allocations are not counted"
        );
    }
    let callgrind = !flag("--no-callgrind") && valgrind_available();
    let rows = measure(&ops, callgrind, counted);
    let counts: Vec<usize> = if scaling {
        mxtrust_benches::SCALING_MX_COUNTS.to_vec()
    } else {
        mxtrust_benches::STS_MX_COUNTS.to_vec()
    };
    let python = if flag("--no-python") {
        Err("skipped (--no-python)".to_string())
    } else {
        python_peer(&counts)
    };
    if scaling {
        print_scaling(&ops, &rows, &python, callgrind);
    } else {
        print_report(&ops, &rows, &python, callgrind, &firmware);
    }
}

/// The loop callgrind measures (`--toggle-collect=mxbench_measured`).
#[unsafe(no_mangle)]
#[inline(never)]
pub extern "C" fn mxbench_measured(op: &Op, iters: u64) {
    for _ in 0..iters {
        black_box((op.run)());
    }
}

struct Row {
    verdict: u64,
    ns: f64,
    /// For a limit or a peer: mxtrust's time over its time, the median of
    /// 31 rounds that each time a batch of mxtrust and then a batch of the
    /// other, back to back (a shared machine's load moves both alike).
    paired: Option<f64>,
    instructions: Option<f64>,
    allocations: Option<f64>,
    stack: usize,
}

fn measure(ops: &[Op], callgrind: bool, counted: bool) -> Vec<Row> {
    let stacks = stack_high_water_marks(ops);
    ops.iter()
        .zip(stacks)
        .map(|(op, stack)| {
            let ours = ops
                .iter()
                .find(|o| o.workload == op.workload && o.who == Who::Mxtrust);
            let paired = match (op.who, ours) {
                (Who::Limit(_) | Who::Peer(_), Some(ours)) => Some(paired_ratio(ours, op)),
                _ => None,
            };
            let verdict = (op.run)();
            let counts_apply = counted || !op.who.name().starts_with("openssl");
            let allocations = counts_apply.then(|| allocations_per_op(op));
            let ns = median_ns(op);
            let instructions = if callgrind {
                instructions_per_op(op, ns)
            } else {
                None
            };
            eprintln!("measured {}: {ns:.0} ns", op.id());
            Row {
                verdict,
                ns,
                paired,
                instructions,
                allocations,
                stack,
            }
        })
        .collect()
}

fn allocations_per_op(op: &Op) -> f64 {
    const RUNS: u64 = 20;
    black_box((op.run)());
    let before = ALLOCATIONS.load(Ordering::SeqCst);
    for _ in 0..RUNS {
        black_box((op.run)());
    }
    let after = ALLOCATIONS.load(Ordering::SeqCst);
    (after - before) as f64 / RUNS as f64
}

/// The median over 31 rounds of (time of a batch of `a`) / (time of a batch
/// of `b`), each batch about 2 ms, the two timed back to back.
fn paired_ratio(a: &Op, b: &Op) -> f64 {
    let batch = |op: &Op, iters: u64| {
        let start = Instant::now();
        for _ in 0..iters {
            black_box((op.run)());
        }
        start.elapsed().as_nanos() as f64 / iters as f64
    };
    let iters_for = |op: &Op| {
        let mut iters = 1u64;
        while batch(op, iters) * (iters as f64) < 2e6 {
            iters *= 2;
        }
        iters
    };
    let (ia, ib) = (iters_for(a), iters_for(b));
    let mut ratios: Vec<f64> = (0..31).map(|_| batch(a, ia) / batch(b, ib)).collect();
    ratios.sort_by(f64::total_cmp);
    ratios[ratios.len() / 2]
}

/// Median over 15 batches of at least 10 ms each.
fn median_ns(op: &Op) -> f64 {
    let batch = |iters: u64| {
        let start = Instant::now();
        for _ in 0..iters {
            black_box((op.run)());
        }
        start.elapsed()
    };
    let mut iters = 1u64;
    while batch(iters) < Duration::from_millis(10) {
        iters *= 2;
    }
    let mut samples: Vec<f64> = (0..15)
        .map(|_| batch(iters).as_nanos() as f64 / iters as f64)
        .collect();
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

fn valgrind_available() -> bool {
    Command::new("valgrind")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Runs this binary's `--single` mode under callgrind, collecting only
/// inside [`mxbench_measured`], and divides by the iteration count.
fn instructions_per_op(op: &Op, ns: f64) -> Option<f64> {
    let iters = ((5e6 / ns) as u64).clamp(10, 5_000);
    let out = std::env::temp_dir().join(format!("mxbench-callgrind-{}.out", std::process::id()));
    let exe = std::env::current_exe().ok()?;
    let status = Command::new("valgrind")
        .args([
            "--tool=callgrind",
            "--toggle-collect=mxbench_measured",
            &format!("--callgrind-out-file={}", out.display()),
        ])
        .arg(exe)
        .args(["--single", &op.id(), "--iters", &iters.to_string()])
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
    Some(total / iters as f64)
}

const PAINT: u64 = 0x5a5a_a5a5_c3c3_3c3c;
/// How far below the measuring frame the stack is painted.
const PAINT_DEPTH: usize = 512 * 1024;
/// Left alone under the measuring frame: `paint`'s own frame lives there.
const PAINT_SKIP: usize = 512;

/// Stack high-water marks, measured by painting: on a thread with a large
/// stack, fill the region below the current frame with a pattern, run the
/// op, and find the lowest word that changed.
fn stack_high_water_marks(ops: &[Op]) -> Vec<usize> {
    std::thread::scope(|s| {
        std::thread::Builder::new()
            .stack_size(16 << 20)
            .spawn_scoped(s, || ops.iter().map(stack_of).collect())
            .expect("thread")
            .join()
            .expect("stack measurement")
    })
}

#[inline(never)]
fn stack_of(op: &Op) -> usize {
    black_box((op.run)()); // lazies (CPU feature detection, OpenSSL init) first
    let marker = 0u8;
    let top = black_box(&marker) as *const u8 as usize & !7;
    paint(top);
    black_box((op.run)());
    top - lowest_touched(top)
}

#[inline(never)]
fn paint(top: usize) {
    let mut addr = top - PAINT_SKIP;
    while addr > top - PAINT_DEPTH {
        addr -= 8;
        // SAFETY: inside this thread's 16 MiB stack, below every live frame.
        unsafe { std::ptr::write_volatile(addr as *mut u64, PAINT) };
    }
}

#[inline(never)]
fn lowest_touched(top: usize) -> usize {
    let mut addr = top - PAINT_DEPTH;
    while addr < top - PAINT_SKIP {
        // SAFETY: painted above; this frame lives above `top - PAINT_SKIP`.
        if unsafe { std::ptr::read_volatile(addr as *const u64) } != PAINT {
            return addr;
        }
        addr += 8;
    }
    top - PAINT_SKIP
}

/// What the Python process reports, keyed like [`python_key`].
type PythonResults = BTreeMap<String, (f64, u64)>;

fn python_key(kind: Kind) -> Option<String> {
    match kind {
        Kind::Policy { mx } => Some(format!("policy_{mx}")),
        Kind::StsTxt => Some("sts_txt".into()),
        _ => None,
    }
}

fn python_peer(mx_counts: &[usize]) -> Result<PythonResults, String> {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/python/sts_bench.py");
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    let counts: Vec<String> = mx_counts.iter().map(usize::to_string).collect();
    let output = Command::new(&python)
        .arg(script)
        .args(["--mx-counts", &counts.join(",")])
        .output()
        .map_err(|e| format!("{python}: {e}"))?;
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).trim().to_string());
    }
    let json: serde_json::Value =
        serde_json::from_slice(&output.stdout).map_err(|e| e.to_string())?;
    let results = json["results"].as_object().ok_or("no results")?;
    Ok(results
        .iter()
        .filter_map(|(k, v)| {
            Some((
                k.clone(),
                (
                    v["ns_per_op"].as_f64()?,
                    v["verdict"].as_str()?.parse().ok()?,
                ),
            ))
        })
        .collect())
}

/// A target on the ratio of a row to mxtrust's row of the same workload.
#[derive(Clone, Copy)]
enum Target {
    /// mxtrust may cost at most this many times the limit.
    AtMostTimesLimit(f64),
    /// The peer must take at least this many times mxtrust's time.
    PeerAtLeast(f64),
}

fn target(kind: Kind, who: &str) -> Option<Target> {
    match (kind, who) {
        (Kind::Dane { set: "3 1 1", .. }, w) if w.starts_with("openssl") => {
            Some(Target::PeerAtLeast(10.0))
        }
        (Kind::Dane { set: "3 1 1", .. }, w) if w.starts_with("sha2") => {
            Some(Target::AtMostTimesLimit(1.5))
        }
        (
            Kind::Dane {
                chain: "p256",
                set: "2 1 1 intermediate",
            },
            w,
        ) if w.starts_with("openssl") => Some(Target::PeerAtLeast(2.0)),
        (
            Kind::Dane {
                chain: "p256",
                set: "2 1 1 intermediate",
            },
            w,
        ) if w.starts_with("ring") => Some(Target::AtMostTimesLimit(1.2)),
        // Issue #18: policy parse + match at least 20x the Python resolver.
        (Kind::Policy { .. }, w) if w.starts_with("python") => Some(Target::PeerAtLeast(20.0)),
        (Kind::StsTxt, w) if w.starts_with("python") => Some(Target::PeerAtLeast(50.0)),
        (Kind::StsTxt | Kind::TlsrptTxt, w) if w.starts_with("mail-auth") => {
            Some(Target::PeerAtLeast(2.0))
        }
        _ => None,
    }
}

fn fmt_ns(ns: f64) -> String {
    if ns >= 10_000.0 {
        format!("{:.1} µs", ns / 1000.0)
    } else {
        format!("{ns:.0} ns")
    }
}

fn fmt_count(x: f64) -> String {
    if x >= 1e6 {
        format!("{:.2} M", x / 1e6)
    } else if x >= 1e4 {
        format!("{:.1} k", x / 1e3)
    } else {
        format!("{x:.0}")
    }
}

fn fmt_allocs(x: Option<f64>) -> String {
    match x {
        None => "n/a".into(),
        Some(x) if x.fract() == 0.0 => format!("{x:.0}"),
        Some(x) => format!("{x:.2}"),
    }
}

fn print_report(
    ops: &[Op],
    rows: &[Row],
    python: &Result<PythonResults, String>,
    callgrind: bool,
    firmware: &[(String, String)],
) {
    println!("## mxtrust side by side\n");
    println!("{}\n", machine());
    println!(
        "| workload | implementation | median time/op | instructions/op | allocations/op | stack | verdict | ratio | target |"
    );
    println!("|---|---|---:|---:|---:|---:|---|---:|---|");
    let mut misses = 0;
    let mut passes = 0;
    let mut verdict_errors = Vec::new();
    let mut i = 0;
    while i < ops.len() {
        let workload = &ops[i].workload;
        let group: Vec<usize> = (i..ops.len())
            .take_while(|&j| &ops[j].workload == workload)
            .collect();
        i += group.len();
        let ours = &rows[group[0]];
        for &j in &group {
            let (op, row) = (&ops[j], &rows[j]);
            let verdict = match op.who {
                Who::Mxtrust => format!("{:#x}", row.verdict),
                Who::Limit(_) => "—".into(),
                Who::Peer(_) if row.verdict == ours.verdict => "same".into(),
                Who::Peer(name) => {
                    verdict_errors.push(format!("{workload}: {name}"));
                    format!("DIFFERS ({:#x})", row.verdict)
                }
            };
            let ratio = |a: f64, b: f64| a / b;
            let (ratio_text, status) = match op.who {
                Who::Mxtrust => (String::new(), String::new()),
                Who::Limit(_) => {
                    let r = row.paired.unwrap_or_else(|| ratio(ours.ns, row.ns));
                    let ir = ours.instructions.zip(row.instructions).map(|(a, b)| a / b);
                    let status = judge(target(op.kind, op.who.name()), r, ir);
                    let mut text = fmt_ratio("mxtrust costs", r, ir, "limit");
                    if let Kind::Policy { mx } = op.kind {
                        // Octets per nanosecond, both measured in this run.
                        let octets = mxtrust_benches::sts_policy_body(mx).len() as f64;
                        text.push_str(&format!(
                            "; {:.2} B/ns, limit {:.2} B/ns",
                            octets / ours.ns,
                            octets / row.ns
                        ));
                    }
                    (text, status)
                }
                Who::Peer(_) => {
                    let r = row
                        .paired
                        .map_or_else(|| ratio(row.ns, ours.ns), |p| 1.0 / p);
                    let ir = row.instructions.zip(ours.instructions).map(|(a, b)| a / b);
                    let status = judge(target(op.kind, op.who.name()), r, ir);
                    (fmt_ratio("mxtrust", r, ir, "faster"), status)
                }
            };
            if status.contains("time PASS") {
                passes += 1;
            } else if status.contains("time MISS") {
                misses += 1;
            }
            println!(
                "| {} | {} | {} | {} | {} | {} B | {} | {} | {} |",
                workload,
                op.who.name(),
                fmt_ns(row.ns),
                row.instructions.map_or("n/a".into(), fmt_count),
                fmt_allocs(row.allocations),
                row.stack,
                verdict,
                ratio_text,
                status
            );
        }
        if let Some(key) = python_key(ops[group[0]].kind) {
            let who = "python postfix-mta-sts-resolver";
            match python.as_ref().map(|p| p.get(&key)) {
                Ok(Some(&(ns, verdict))) => {
                    let r = ns / ours.ns;
                    let status = judge(target(ops[group[0]].kind, who), r, None);
                    if status.contains("time PASS") {
                        passes += 1;
                    } else if status.contains("time MISS") {
                        misses += 1;
                    }
                    let same = if verdict == ours.verdict {
                        "same".to_string()
                    } else {
                        verdict_errors.push(format!("{workload}: python"));
                        format!("DIFFERS ({verdict:#x})")
                    };
                    println!(
                        "| {workload} | {who} | {} | n/a | n/a | n/a | {same} | {} | {status} |",
                        fmt_ns(ns),
                        fmt_ratio("mxtrust", r, None, "faster")
                    );
                }
                Ok(None) => println!("| {workload} | {who} | missing | | | | | | |"),
                Err(e) => println!("| {workload} | {who} | unavailable: {e} | | | | | | |"),
            }
        }
    }
    println!(
        "\nTargets on time ratios: {passes} PASS, {misses} MISS (medians of this run; Ir = callgrind instructions, the stable figure)."
    );
    if !verdict_errors.is_empty() {
        println!(
            "Verdicts that differ from mxtrust's: {}.",
            verdict_errors.join("; ")
        );
    }
    if !callgrind {
        println!("callgrind skipped: instructions/op are n/a.");
    }
    println!("\n### Budgets\n");
    let stack_budget = |kind: Kind| match kind {
        Kind::Dane { set, .. } if set.starts_with('3') => Some(8 << 10),
        Kind::Dane { .. } => Some(32 << 10),
        _ => Some(8 << 10),
    };
    for (op, row) in ops.iter().zip(rows) {
        if op.who != Who::Mxtrust {
            continue;
        }
        let budget: usize = stack_budget(op.kind).unwrap_or(usize::MAX);
        let allocs = row.allocations.unwrap_or(f64::NAN);
        println!(
            "- {}: stack {} B of {} KiB budget {}, {} allocations/op {}",
            op.workload,
            row.stack,
            budget >> 10,
            if row.stack <= budget { "PASS" } else { "MISS" },
            fmt_allocs(row.allocations),
            if allocs == 0.0 { "PASS" } else { "MISS" }
        );
    }
    for (label, path) in firmware {
        match text_size(path) {
            Ok(report) => println!("- `.text`, {label}: {report}"),
            Err(e) => println!("- `.text`, {label}: unavailable ({e})"),
        }
    }
}

/// The scaling tables (`--scaling`): one row per size, mxtrust and its
/// peer side by side, each cell `median time (Ir)`.
fn print_scaling(
    ops: &[Op],
    rows: &[Row],
    python: &Result<PythonResults, String>,
    callgrind: bool,
) {
    let find = |kind: Kind, who: Who| {
        ops.iter()
            .zip(rows)
            .find(|(op, _)| op.kind == kind && op.who == who)
            .map(|(_, row)| row)
    };
    let cell = |row: Option<&Row>| match row {
        Some(row) => format!(
            "{} ({})",
            fmt_ns(row.ns),
            row.instructions.map_or("n/a".into(), fmt_count)
        ),
        None => "—".into(),
    };
    // The peer's time over mxtrust's, paired; the same for instructions.
    let peer_ratio = |ours: Option<&Row>, peer: Option<&Row>| match (ours, peer) {
        (Some(o), Some(p)) => {
            let r = p.paired.map_or(p.ns / o.ns, |x| 1.0 / x);
            match o.instructions.zip(p.instructions) {
                Some((a, b)) => format!("{r:.1}× (Ir {:.1}×)", b / a),
                None => format!("{r:.1}×"),
            }
        }
        _ => "—".into(),
    };
    let openssl = Who::Peer("openssl");
    println!("## Scaling\n\n{}\n", machine());
    println!(
        "Cells: median time per op (callgrind instructions per op). Ratios: OpenSSL's (or Python's) time over mxtrust's, paired batches.\n"
    );
    println!("### DANE against chain length (generated P-256 chains)\n");
    println!(
        "| certificates | mxtrust `3 1 1` leaf | OpenSSL `3 1 1` leaf | OpenSSL ÷ mxtrust | mxtrust `2 1 1` top CA | OpenSSL `2 1 1` top CA | OpenSSL ÷ mxtrust |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|");
    for len in mxtrust_benches::SCALING_CHAIN_LENS {
        let ee = Kind::DaneChain { len, usage: 3 };
        let ta = Kind::DaneChain { len, usage: 2 };
        let (ee_ours, ee_peer) = (find(ee, Who::Mxtrust), find(ee, openssl));
        let (ta_ours, ta_peer) = (find(ta, Who::Mxtrust), find(ta, openssl));
        println!(
            "| {len} | {} | {} | {} | {} | {} | {} |",
            cell(ee_ours),
            cell(ee_peer),
            peer_ratio(ee_ours, ee_peer),
            cell(ta_ours),
            cell(ta_peer),
            peer_ratio(ta_ours, ta_peer)
        );
    }
    println!(
        "\n### DANE against TLSA RRset size (leaf + intermediate, `3 1 1` records, the last one matches)\n"
    );
    println!("| records | mxtrust | OpenSSL | OpenSSL ÷ mxtrust |");
    println!("|---:|---:|---:|---:|");
    for records in mxtrust_benches::SCALING_RRSET_SIZES {
        let kind = Kind::DaneRrset { records };
        let (ours, peer) = (find(kind, Who::Mxtrust), find(kind, openssl));
        println!(
            "| {records} | {} | {} | {} |",
            cell(ours),
            cell(peer),
            peer_ratio(ours, peer)
        );
    }
    println!(
        "\n### MTA-STS policy parse + match against `mx` lines (CRLF, the last pattern matches)\n"
    );
    println!(
        "| `mx` lines | octets | mxtrust | mxtrust B/ns | memchr line split (limit) | limit B/ns | Python resolver | Python ÷ mxtrust |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|");
    let mut verdicts_differ = Vec::new();
    for mx in mxtrust_benches::SCALING_MX_COUNTS {
        let kind = Kind::Policy { mx };
        let octets = mxtrust_benches::sts_policy_body(mx).len() as f64;
        let ours = find(kind, Who::Mxtrust);
        let limit = find(kind, Who::Limit(mxtrust_benches::LINE_SPLIT));
        let py = python
            .as_ref()
            .ok()
            .and_then(|p| p.get(&format!("policy_{mx}")));
        if let (Some(o), Some((_, verdict))) = (ours, py)
            && o.verdict != *verdict
        {
            verdicts_differ.push(mx);
        }
        let per_ns =
            |row: Option<&Row>| row.map_or("—".into(), |r| format!("{:.2}", octets / r.ns));
        println!(
            "| {mx} | {octets:.0} | {} | {} | {} | {} | {} | {} |",
            cell(ours),
            per_ns(ours),
            cell(limit),
            per_ns(limit),
            py.map_or("n/a".into(), |(ns, _)| fmt_ns(*ns)),
            match (ours, py) {
                (Some(o), Some((ns, _))) => format!("{:.1}×", ns / o.ns),
                _ => "—".into(),
            }
        );
    }
    if let Err(e) = python {
        println!("\nPython peer unavailable: {e}");
    }
    if !verdicts_differ.is_empty() {
        println!("\nPython's verdict differs from mxtrust's at {verdicts_differ:?} mx lines.");
    }
    let differ: Vec<String> = ops
        .iter()
        .zip(rows)
        .filter(|(op, _)| op.who == openssl)
        .filter(|(op, row)| {
            ops.iter()
                .zip(rows)
                .find(|(o, _)| o.workload == op.workload && o.who == Who::Mxtrust)
                .is_some_and(|(_, ours)| ours.verdict != row.verdict)
        })
        .map(|(op, _)| op.workload.clone())
        .collect();
    if !differ.is_empty() {
        println!(
            "\nOpenSSL's verdict differs from mxtrust's: {}.",
            differ.join("; ")
        );
    }
    // Every DANE workload is built to authenticate: a zero verdict would
    // time a failure path.
    let failed: Vec<String> = ops
        .iter()
        .zip(rows)
        .filter(|(op, row)| {
            op.who == Who::Mxtrust && op.workload.contains("1 1") && row.verdict == 0
        })
        .map(|(op, _)| op.workload.clone())
        .collect();
    if failed.is_empty() {
        println!(
            "\nEvery DANE row authenticated (mxtrust and OpenSSL: the same record at the same depth)."
        );
    } else {
        println!("\nNot authenticated: {}.", failed.join("; "));
    }
    if !callgrind {
        println!("\ncallgrind skipped: instructions are n/a.");
    }
}

fn fmt_ratio(prefix: &str, r: f64, ir: Option<f64>, suffix: &str) -> String {
    match ir {
        Some(ir) => format!("{prefix} {r:.2}× {suffix} (Ir {ir:.2}×)"),
        None => format!("{prefix} {r:.2}× {suffix}"),
    }
}

/// PASS/MISS on the time ratio, and on the instruction ratio when known.
fn judge(target: Option<Target>, r: f64, ir: Option<f64>) -> String {
    let (bound, ok): (String, fn(f64, f64) -> bool) = match target {
        None => return String::new(),
        Some(Target::AtMostTimesLimit(t)) => (format!("≤ {t}×"), |r, t| r <= t),
        Some(Target::PeerAtLeast(t)) => (format!("≥ {t}×"), |r, t| r >= t),
    };
    let t = match target {
        Some(Target::AtMostTimesLimit(t) | Target::PeerAtLeast(t)) => t,
        None => unreachable!(),
    };
    let word = |x: f64| if ok(x, t) { "PASS" } else { "MISS" };
    match ir {
        Some(ir) => format!("{bound} time {}, Ir {}", word(r), word(ir)),
        None => format!("{bound} time {}", word(r)),
    }
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

/// `.text` of a linked ELF (`llvm-size -A`), with a per-crate breakdown of
/// its function symbols (`llvm-nm -S`).
fn text_size(path: &str) -> Result<String, String> {
    let size =
        llvm_tool("llvm-size").ok_or("llvm-size not found (rustup component add llvm-tools)")?;
    let nm = llvm_tool("llvm-nm").ok_or("llvm-nm not found")?;
    let run = |tool: &std::path::Path, args: &[&str]| -> Result<String, String> {
        let out = Command::new(tool)
            .args(args)
            .output()
            .map_err(|e| e.to_string())?;
        if !out.status.success() {
            return Err(String::from_utf8_lossy(&out.stderr).trim().into());
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let text: u64 = run(&size, &["-A", path])?
        .lines()
        .filter_map(|l| {
            let mut f = l.split_whitespace();
            (f.next()? == ".text").then(|| f.next()?.parse::<u64>().ok())?
        })
        .sum();
    let mut per_crate: BTreeMap<&str, u64> = BTreeMap::new();
    for line in run(&nm, &["-S", "-t", "d", "--demangle", path])?.lines() {
        let f: Vec<&str> = line.splitn(4, ' ').collect();
        if f.len() < 4 || !matches!(f[2], "t" | "T") {
            continue;
        }
        let name = f[3];
        let krate = [
            "sha2",
            "webpki",
            "mxtrust",
            "untrusted",
            "compiler_builtins",
            "core",
        ]
        .into_iter()
        .find(|k| name.contains(&format!("{k}::")) || name.contains(&format!("{k}..")))
        .unwrap_or("other");
        *per_crate.entry(krate).or_default() += f[1].parse::<u64>().unwrap_or(0);
    }
    let parts: Vec<String> = per_crate.iter().map(|(k, v)| format!("{k} {v}")).collect();
    Ok(format!(
        "{text} B ({:.1} KiB; by crate: {}), measured with llvm-size",
        text as f64 / 1024.0,
        parts.join(", ")
    ))
}

fn llvm_tool(tool: &str) -> Option<std::path::PathBuf> {
    let home = std::env::var("RUSTUP_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|_| std::env::var("HOME").map(|h| std::path::Path::new(&h).join(".rustup")))
        .ok()?;
    let toolchains = std::fs::read_dir(home.join("toolchains")).ok()?;
    for toolchain in toolchains.flatten() {
        let rustlib = toolchain.path().join("lib/rustlib");
        for host in std::fs::read_dir(rustlib).into_iter().flatten().flatten() {
            let candidate = host.path().join("bin").join(tool);
            if candidate.exists() {
                return Some(candidate);
            }
        }
    }
    None
}
