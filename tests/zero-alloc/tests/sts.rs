//! The MTA-STS half of mxtrust never allocates: TXT parsing, policy parsing,
//! MX matching and every cache operation run with a counting global
//! allocator and must leave the count at zero.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: defers to the system allocator; only counts calls.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::SeqCst);
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

use mxtrust::cache::{Lookup, PolicyCache, Slot};
use mxtrust::policy::{MxPattern, Policy, Warning};
use mxtrust::sts;
use mxtrust::tlsrpt;

static CACHE: std::sync::Mutex<([Slot; 4], [u8; 1024])> =
    std::sync::Mutex::new(([Slot::EMPTY; 4], [0; 1024]));

#[test]
fn mta_sts_paths_do_not_allocate() {
    let body = b"version: STSv1\r\nmode: enforce\r\nmx: mx1.example.com\r\nmx: *.example.net\r\n\
                 max_age: 604800\r\n\r\n";
    let mut warnings = [Warning::EMPTY; 4];
    let mut scratch = [0u8; 128];
    let mut image = [0u8; 4096];
    let mut guard = CACHE.lock().unwrap();
    let (slots, text) = &mut *guard;

    let before = ALLOCATIONS.load(Ordering::SeqCst);
    let mut cache = PolicyCache::new(slots, text, [1; 16]);

    let record = sts::Record::parse(b"v=STSv1; id=20240101T000000").unwrap();
    let rrset: &[&[&[u8]]] = &[&[b"v=STSv1; ", b"id=abc"], &[b"v=spf1 -all"]];
    let sts::Lookup::Found(found) = mxtrust::sts::select(rrset, &mut scratch).unwrap() else {
        panic!()
    };
    let tlsrpt = tlsrpt::Record::parse(b"v=TLSRPTv1; rua=mailto:r@example.com").unwrap();
    let uris = tlsrpt.uris().count();
    let t_rrset: &[&[&[u8]]] = &[&[b"v=TLSRPTv1; rua=mailto:r@example.com"]];
    let mut t_scratch = [0u8; 64];
    let t_found = matches!(
        mxtrust::tlsrpt::select(t_rrset, &mut t_scratch),
        Ok(tlsrpt::Lookup::Found(_))
    );

    let policy: Policy = Policy::parse(body, &mut warnings).unwrap();
    let allowed = policy.allows_mx(b"mx7.example.net.");
    let pattern = MxPattern::parse(b"*.example.org").unwrap();
    let matched = pattern.matches(b"MX.EXAMPLE.ORG");

    cache
        .store(
            b"example.com",
            record.id(),
            &policy,
            mxtrust::time::unix_time(1_000),
        )
        .unwrap();
    let fresh = matches!(cache.lookup(b"example.com", mxtrust::time::unix_time(2_000)), Lookup::Fresh(p) if p.allows_mx(b"mx1.example.com"));
    let fetch = cache.should_fetch(b"example.com", &found.id(), mxtrust::time::unix_time(2_000));
    cache
        .record_failure(
            b"example.com",
            sts::PolicyId::new(b"abc").unwrap(),
            mxtrust::time::unix_time(2_000),
        )
        .unwrap();
    let len = cache.export(&mut image).unwrap();
    cache.import(&image[..len]).unwrap();
    let mut due: [&[u8]; 2] = [&[]; 2];
    let n_due = cache.due_for_refresh(
        mxtrust::time::unix_time(1_000),
        core::time::Duration::from_secs(1_000_000),
        &mut due,
    );

    let after = ALLOCATIONS.load(Ordering::SeqCst);
    drop(guard);

    assert!(allowed && matched && fresh && fetch && t_found);
    assert_eq!((uris, n_due), (1, 1));
    assert_eq!(after - before, 0, "allocations during MTA-STS operations");
    // The counter does count: a heap allocation moves it.
    let boxed = std::hint::black_box(Box::new(after));
    assert!(ALLOCATIONS.load(Ordering::SeqCst) > after, "{boxed}");
}
