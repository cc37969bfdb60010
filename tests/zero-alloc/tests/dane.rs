//! Zero allocation, proved: a counting global allocator sees no allocation
//! during DANE verification (DANE-EE, and DANE-TA with ECDSA and Ed25519),
//! TLSA parsing and record generation. Inputs are prepared first; only the
//! calls under test are counted, per thread, so parallel tests do not
//! disturb the count.
//!
//! This crate links mxtrust as a no-alloc appliance does (rustls-webpki
//! without `alloc`), so the count is that build's.

#[path = "../../../core/tests/support/mod.rs"]
mod support;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use mxtrust::cert::Certificate;
use mxtrust::dane::{self, Options, Outcome, RecordStatus};
use mxtrust::{MatchingType, Selector, Tlsa, tlsa};
use support::*;

static ALGORITHMS: &[&dyn mxtrust::SignatureVerificationAlgorithm] = mxtrust::algorithms::RING;

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: defers to the system allocator; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.with(|n| n.set(n.get() + 1));
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.with(|n| n.set(n.get() + 1));
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let before = ALLOCATIONS.with(Cell::get);
    let result = f();
    (result, ALLOCATIONS.with(Cell::get) - before)
}

fn verify_counted(chain: &[&[u8]], records: &[Record]) -> (Outcome, usize) {
    let tlsa: Vec<Tlsa<'_>> = records.iter().map(Record::tlsa).collect();
    let mut report = vec![RecordStatus::EMPTY; records.len()];
    let options = Options::new(mxtrust::time::unix_time(NOW), ALGORITHMS);
    let (outcome, count) =
        allocations(|| dane::verify(chain, &tlsa, &["mx.example.test"], &options, &mut report));
    (outcome.unwrap(), count)
}

#[test]
fn the_counter_sees_allocations() {
    let (_, count) = allocations(|| std::hint::black_box(vec![1u8; 10]));
    assert_eq!(count, 1);
}

#[test]
fn dane_verification_allocates_nothing() {
    for alg in [Alg::P256, Alg::P384, Alg::Ed25519] {
        let pki = Pki::new(alg);
        let chain = pki.chain();
        let cases = [
            vec![Record::of(3, 1, 1, &pki.leaf)],
            vec![Record::of(3, 0, 2, &pki.leaf)],
            vec![
                Record::of(3, 1, 1, &pki.leaf).corrupted(),
                Record::of(3, 1, 2, &pki.leaf),
            ],
            vec![Record::of(2, 1, 1, &pki.int)],
            vec![Record::of(2, 0, 0, &pki.root)],
            vec![Record::of(2, 1, 0, &pki.root)],
            vec![Record::of(2, 1, 1, &pki.root)],
            vec![Record(1, 1, 1, vec![0; 32])],
        ];
        for records in cases {
            let (outcome, count) = verify_counted(&chain, &records);
            let first = &records[0];
            let case = format!("{alg:?} {} {} {}", first.0, first.1, first.2);
            assert_eq!(count, 0, "{case}: {count} allocations ({outcome:?})");
        }
    }
}

#[test]
fn parsing_and_generation_allocate_nothing() {
    let pki = Pki::new(Alg::P256);
    let text = "_25._tcp.mx.example.test. 300 IN TLSA 3 1 1 ( 0123456789abcdef0123456789abcdef \
                0123456789abcdef0123456789abcdef )";
    let mut storage = [0u8; 64];
    let (parsed, count) =
        allocations(|| Tlsa::parse_text(text, &mut storage).map(|t| t.data.len()));
    assert_eq!((parsed, count), (Ok(32), 0));

    let mut out = [0u8; 64];
    let (len, count) = allocations(|| {
        tlsa::association_data(
            &pki.leaf.der,
            Selector::Spki,
            MatchingType::Sha512,
            &mut out,
        )
    });
    assert_eq!((len, count), (Ok(64), 0));

    let (names, count) = allocations(|| {
        let cert = Certificate::parse(&pki.leaf.der).unwrap();
        cert.presented_names().count() + cert.common_names().count()
    });
    assert_eq!((names, count), (1, 0));
}
