//! An MTA-STS policy cache (RFC 8461 §5.1) in storage the caller sizes and
//! provides, that survives restarts through [`PolicyCache::export`] and
//! [`PolicyCache::import`].
//!
//! RFC 8461 §5.1 makes this cache part of the security: an unexpired policy
//! keeps protecting its domain when an attacker strips the `_mta-sts` TXT
//! record and blocks the policy fetch. So the cache never drops a live
//! policy silently, and it never drops one at all to make room.
//!
//! # Storage
//!
//! The caller hands over two slices: one [`Slot`] per domain (the capacity)
//! and a text arena of octets shared by all entries for the domain names and
//! `mx` patterns. Nothing is allocated and nothing is reserved per entry for
//! patterns: an entry costs [`SLOT_SIZE`] octets of slots (its times, mode,
//! ids, and its words of the hash index and of the eviction heap live there)
//! plus [`entry_text_len`] octets of arena: a 4-octet record header, the
//! domain name and each pattern as one length octet and its text
//! (`*.example.net`). [`SLOT_SIZE`] + 4 is at most 124 octets.
//!
//! Lookups go through an open-addressing hash table (linear probing, at most
//! half full, backward-shift deletion) over SipHash-1-3 of the lowercased
//! domain, keyed with 16 octets the caller draws from a random source: with
//! an unpredictable key, domains an attacker picks do not collide more often
//! than chance, so a lookup or store costs the same with 64 or 100,000
//! entries. A fixed key still works, but lets someone who knows it make
//! chosen domains collide (each probe then costs one more comparison; the
//! table never fails). The arena is compacted in one pass when its end is
//! reached and enough octets are free elsewhere; give it some slack (say a
//! quarter more than the entries need) and that cost is spread thin.
//!
//! # The rules, from RFC 8461 §5.1
//!
//! - a policy lives `max_age` seconds from its fetch;
//! - a TXT record with a different `id` than the cached policy's means
//!   refetch;
//! - a failed fetch backs off at least [`MIN_FETCH_BACKOFF_SECS`] per id, and
//!   while a cached policy is unexpired a failure keeps it (so under
//!   `enforce` a failure is temporary, never a downgrade);
//! - "no policy" from DNS does not evict a cached policy; only the caller's
//!   [`PolicyCache::remove`] does.
//!
//! # When the cache is full
//!
//! An entry *protects* its domain while it holds an unexpired policy in
//! `enforce` or `testing` mode. Expired policies, `mode: none` policies
//! (RFC 8461 §5: no active policy) and back-off records of domains whose
//! policy was never fetched protect nothing. A store that needs a slot or
//! arena octets takes them from entries that protect nothing at the time of
//! the store, the one that stopped protecting earliest first, and says so
//! ([`Stored::Evicted`], with the domain and the count). When every entry
//! protects its domain, the store is refused with [`Error::CacheFull`] and
//! the cache keeps its entries.
//!
//! Why refuse rather than evict the policy that expires soonest: evicting a
//! live policy gives one domain's protection to another, and an attacker
//! who can make the MTA fetch policies of domains it controls (by sending
//! mail that bounces to them, say) could push a victim's policy out and then
//! strip its TXT record. A refusal takes protection from no one: the
//! refused domain is where it would be without a cache (its fresh policy
//! still applies to the message at hand), and the caller learns that the
//! cache is too small.
//!
//! A failed fetch for a domain without an entry takes a slot by the same
//! rules. When every entry protects its domain, the back-off goes into a
//! small list of [`OVERFLOW_BACKOFFS`] records kept with the cache's
//! bookkeeping (hashes of the domain and id, and the end of the back-off;
//! the oldest is overwritten), so that a full cache still does not refetch
//! a failing domain on every message. That list is not exported: it only
//! holds back-offs of at most a few minutes.
//!
//! # Persistence format (version 2)
//!
//! All integers big-endian: magic `MXSC`, version `2`, entry count (u32);
//! per entry: domain length (u8) and domain, flags (u8: 1 = policy,
//! 2 = failure); with a policy: id length (u8) and id, mode (u8: 0 enforce,
//! 1 testing, 2 none), `max_age` (u32), fetch time (u64), pattern count (u8)
//! and each pattern as length (u8) and text; with a failure: id length and
//! id, failure time (u64). Last, a SHA-256 digest of everything before it.
//! Version 1 differs only in its entry count (u16); [`PolicyCache::import`]
//! reads both. SHA-256 rather than CRC-32 because `sha2` is already a
//! dependency, so it costs no new code, and it catches every kind of
//! corruption (not only short bursts) with negligible miss probability. It
//! is a checksum, not a MAC: the image must be stored where only the MTA can
//! write.
//!
//! An image larger than the cache imports what fits, latest expiry first
//! (entries that protect nothing last), and says how many entries it left
//! out ([`Imported::dropped`]).

use crate::Error;
use crate::limits::{
    MAX_CACHE_SLOTS, MAX_CACHE_TEXT, MAX_NAME_LEN, MAX_STS_ID_LEN, MIN_FETCH_BACKOFF_SECS,
    OVERFLOW_BACKOFFS,
};
use crate::policy::{Mode, MxPattern, Policy};
use crate::sts::PolicyId;
use crate::time::{UnixTime, unix_time};
use core::time::Duration;
use sha2::{Digest, Sha256};

const MAGIC: &[u8; 4] = b"MXSC";
const FORMAT_V1: u8 = 1;
const FORMAT_VERSION: u8 = 2;
const DIGEST_LEN: usize = 32;
const FLAG_POLICY: u8 = 1;
const FLAG_FAILURE: u8 = 2;

const USED: u8 = 1;
const HAS_POLICY: u8 = 2;
const HAS_FAILURE: u8 = 4;

/// No slot (end of the free list, an empty heap word).
const NIL: u32 = u32::MAX;
/// Set in the header of a freed arena record, whose low bits hold its length.
const DEAD: u32 = 1 << 31;
const RECORD_HEADER: usize = 4;
/// Marks overflow domain keys, so that an unused record (0) matches none.
const OVERFLOW_TAG: u64 = 0x1_0000_0000;

/// The size of one [`Slot`] in octets.
pub const SLOT_SIZE: usize = size_of::<Slot>();

/// One domain's room in a [`PolicyCache`]: its times, mode and ids, and its
/// share of the hash index and of the eviction heap. Make storage with
/// [`Slot::EMPTY`]; the contents are private.
#[derive(Clone, Copy)]
pub struct Slot {
    fetched_at: u64,
    failure_at: u64,
    /// Two words of the hash index: slot number + 1, or 0 for empty.
    buckets: [u32; 2],
    /// One word of the eviction heap: a slot number.
    heap: u32,
    /// Where this slot's number sits in the heap.
    heap_pos: u32,
    /// Arena offset of the record; the next free slot while unused.
    at: u32,
    hash: u32,
    max_age: u32,
    id: [u8; MAX_STS_ID_LEN],
    failure_id: [u8; MAX_STS_ID_LEN],
    id_len: u8,
    failure_id_len: u8,
    domain_len: u8,
    mode: u8,
    flags: u8,
    mx_count: u8,
    mx_len: u16,
}

impl Slot {
    /// An unused slot.
    pub const EMPTY: Self = Self {
        fetched_at: 0,
        failure_at: 0,
        buckets: [0; 2],
        heap: NIL,
        heap_pos: 0,
        at: NIL,
        hash: 0,
        max_age: 0,
        id: [0; MAX_STS_ID_LEN],
        failure_id: [0; MAX_STS_ID_LEN],
        id_len: 0,
        failure_id_len: 0,
        domain_len: 0,
        mode: 0,
        flags: 0,
        mx_count: 0,
        mx_len: 0,
    };

    /// Forgets the entry, keeping the index and heap words that other
    /// entries own.
    fn clear_entry(&mut self) {
        *self = Self {
            buckets: self.buckets,
            heap: self.heap,
            ..Self::EMPTY
        };
    }

    fn used(&self) -> bool {
        self.flags & USED != 0
    }

    fn has_policy(&self) -> bool {
        self.flags & HAS_POLICY != 0
    }

    fn has_failure(&self) -> bool {
        self.flags & HAS_FAILURE != 0
    }

    fn expires_at(&self) -> u64 {
        self.fetched_at.saturating_add(u64::from(self.max_age))
    }

    fn backoff_end(&self) -> u64 {
        self.failure_at.saturating_add(MIN_FETCH_BACKOFF_SECS)
    }

    /// The first second at which the entry protects nothing; 0 when it
    /// never did. See "When the cache is full" in the module documentation.
    fn protects_until(&self) -> u64 {
        if self.has_policy() && self.mode != MODE_NONE {
            self.expires_at()
        } else {
            0
        }
    }

    fn record_len(&self) -> usize {
        record_len(usize::from(self.domain_len), usize::from(self.mx_len))
    }

    fn id_bytes(&self) -> &[u8] {
        self.id.get(..usize::from(self.id_len)).unwrap_or(&[])
    }

    fn failure_id_bytes(&self) -> &[u8] {
        self.failure_id
            .get(..usize::from(self.failure_id_len))
            .unwrap_or(&[])
    }

    fn set_policy(&mut self, p: &PolicyFields) {
        self.flags = (self.flags | HAS_POLICY) & !HAS_FAILURE;
        (self.id, self.id_len) = id_array(&p.id);
        self.mode = p.mode;
        self.max_age = p.max_age;
        self.fetched_at = p.fetched_at;
        self.mx_count = p.mx_count;
        self.mx_len = p.mx_len;
        self.failure_id = [0; MAX_STS_ID_LEN];
        self.failure_id_len = 0;
        self.failure_at = 0;
    }

    fn set_failure(&mut self, id: &PolicyId, at: u64) {
        self.flags |= HAS_FAILURE;
        (self.failure_id, self.failure_id_len) = id_array(id);
        self.failure_at = at;
    }
}

impl core::fmt::Debug for Slot {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Slot")
            .field("used", &self.used())
            .finish_non_exhaustive()
    }
}

fn id_array(id: &PolicyId) -> ([u8; MAX_STS_ID_LEN], u8) {
    let mut bytes = [0; MAX_STS_ID_LEN];
    bytes
        .iter_mut()
        .zip(id.as_bytes())
        .for_each(|(d, s)| *d = *s);
    (bytes, u8::try_from(id.as_bytes().len()).unwrap_or(0))
}

const MODE_ENFORCE: u8 = 0;
const MODE_TESTING: u8 = 1;
const MODE_NONE: u8 = 2;

fn mode_code(mode: Mode) -> u8 {
    match mode {
        Mode::Enforce => MODE_ENFORCE,
        Mode::Testing => MODE_TESTING,
        Mode::None => MODE_NONE,
    }
}

fn mode_of(code: u8) -> Mode {
    match code {
        MODE_ENFORCE => Mode::Enforce,
        MODE_TESTING => Mode::Testing,
        _ => Mode::None,
    }
}

fn record_len(domain_len: usize, mx_len: usize) -> usize {
    RECORD_HEADER
        .saturating_add(domain_len)
        .saturating_add(mx_len)
}

/// The arena octets an entry for `domain` with `policy` takes: a 4-octet
/// header, the domain (one trailing dot dropped) and each `mx` pattern as a
/// length octet and its text. Use it to size the arena.
pub fn entry_text_len<const M: usize>(domain: &[u8], policy: &Policy<'_, M>) -> usize {
    let domain = crate::name::strip_trailing_dot(domain);
    let mx = policy.mx_patterns().iter().fold(0usize, |n, p| {
        n.saturating_add(pattern_len(p)).saturating_add(1)
    });
    record_len(domain.len(), mx)
}

fn pattern_len(p: &MxPattern<'_>) -> usize {
    usize::from(p.is_wildcard())
        .saturating_mul(2)
        .saturating_add(p.domain().len())
}

/// A cached policy, borrowed from the cache.
#[derive(Clone, Copy)]
pub struct CachedPolicy<'c> {
    id: PolicyId,
    slot: &'c Slot,
    mx: &'c [u8],
}

impl<'c> CachedPolicy<'c> {
    /// The id of the TXT record the policy was fetched under.
    pub fn id(&self) -> PolicyId {
        self.id
    }

    /// The mode.
    pub fn mode(&self) -> Mode {
        mode_of(self.slot.mode)
    }

    /// `max_age` in seconds.
    pub fn max_age(&self) -> u32 {
        self.slot.max_age
    }

    /// When the policy was fetched.
    pub fn fetched_at(&self) -> UnixTime {
        unix_time(self.slot.fetched_at)
    }

    /// The first second at which the policy is expired (`fetched_at +
    /// max_age`, RFC 8461 §3.2).
    pub fn expires_at(&self) -> UnixTime {
        unix_time(self.slot.expires_at())
    }

    /// The `mx` patterns, in policy order.
    pub fn mx_patterns(&self) -> impl Iterator<Item = MxPattern<'c>> + 'c {
        pattern_texts(self.mx).filter_map(|text| MxPattern::parse(text).ok())
    }

    /// Whether the MX host is allowed by the policy (RFC 8461 §4.1).
    pub fn allows_mx(&self, host: &[u8]) -> bool {
        self.mx_patterns().any(|p| p.matches(host))
    }
}

/// Pattern texts from their length-prefixed encoding (arena and image).
fn pattern_texts(mut rest: &[u8]) -> impl Iterator<Item = &[u8]> {
    core::iter::from_fn(move || {
        let (&len, tail) = rest.split_first()?;
        let (text, tail) = tail.split_at_checked(usize::from(len))?;
        rest = tail;
        Some(text)
    })
}

impl core::fmt::Debug for CachedPolicy<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("CachedPolicy")
            .field("id", &self.id())
            .field("mode", &self.mode())
            .field("max_age", &self.max_age())
            .field("fetched_at", &self.fetched_at())
            .finish_non_exhaustive()
    }
}

/// What the cache holds for a domain at a given time.
#[derive(Clone, Copy, Debug)]
pub enum Lookup<'c> {
    /// An unexpired policy: apply it.
    Fresh(CachedPolicy<'c>),
    /// An expired policy: RFC 8461 §5.1 says not to apply it; refetch.
    Expired(CachedPolicy<'c>),
    /// No policy for the domain.
    Absent,
}

impl Lookup<'_> {
    /// A stable kebab-case code: `fresh`, `expired` or `absent`; never
    /// changes once published.
    pub const fn code(&self) -> &'static str {
        match self {
            Self::Fresh(_) => "fresh",
            Self::Expired(_) => "expired",
            Self::Absent => "absent",
        }
    }
}

/// Whether to fetch a policy after seeing a TXT record's id (RFC 8461 §5.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FetchNeed {
    /// An unexpired policy with this id is cached.
    UpToDate,
    /// Fetch: no policy, an expired one, or one with another id.
    Fetch,
    /// A fetch for this id failed recently; try again at `until`.
    BackOff {
        /// When a retry is allowed.
        until: UnixTime,
    },
}

impl FetchNeed {
    /// A stable kebab-case code: `up-to-date`, `fetch` or `back-off`; never
    /// changes once published.
    pub const fn code(&self) -> &'static str {
        match self {
            Self::UpToDate => "up-to-date",
            Self::Fetch => "fetch",
            Self::BackOff { .. } => "back-off",
        }
    }
}

/// What to do after a failed fetch (RFC 8461 §5.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FailureOutcome {
    /// An unexpired policy is cached and stays in force; under `enforce`
    /// the failure is therefore temporary.
    UseCached(Mode),
    /// No unexpired policy: deliver as if the domain had no MTA-STS policy.
    NoPolicy,
}

impl FailureOutcome {
    /// A stable kebab-case code: `use-cached` or `no-policy`; never changes
    /// once published.
    pub const fn code(&self) -> &'static str {
        match self {
            Self::UseCached(_) => "use-cached",
            Self::NoPolicy => "no-policy",
        }
    }
}

/// A domain name copied out of the cache, lower case, without a trailing
/// dot.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct DomainName {
    bytes: [u8; MAX_NAME_LEN],
    len: u8,
}

impl DomainName {
    /// The name's octets.
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..usize::from(self.len)).unwrap_or(&[])
    }

    /// The name as text (always ASCII).
    pub fn as_str(&self) -> &str {
        core::str::from_utf8(self.as_bytes()).unwrap_or("")
    }

    fn new(domain: &[u8]) -> Result<Self, Error> {
        let domain = crate::name::strip_trailing_dot(domain);
        let valid = !domain.is_empty()
            && domain.len() <= MAX_NAME_LEN
            && domain.split(|&b| b == b'.').all(|l| {
                !l.is_empty()
                    && l.len() <= 63
                    && l.iter()
                        .all(|&b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            });
        if !valid {
            return Err(Error::InvalidDomain);
        }
        let mut bytes = [0; MAX_NAME_LEN];
        for (d, s) in bytes.iter_mut().zip(domain) {
            *d = s.to_ascii_lowercase();
        }
        let len = u8::try_from(domain.len()).map_err(|_| Error::InvalidDomain)?;
        Ok(Self { bytes, len })
    }
}

impl core::fmt::Debug for DomainName {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        core::fmt::Debug::fmt(self.as_str(), f)
    }
}

/// What [`PolicyCache::store`] did.
// The evicted domain is returned by value: nothing is allocated.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Stored {
    /// A new domain took free room.
    Inserted,
    /// The domain's previous entry was replaced in its room.
    Replaced,
    /// The policy was stored (for a new domain or over the domain's
    /// previous entry) after `count` entries that protected nothing at the
    /// time of the store were evicted: expired or `mode: none` policies,
    /// or back-off records. Never a live `enforce` or `testing` policy.
    Evicted {
        /// How many entries were evicted.
        count: usize,
        /// The last of them.
        last: DomainName,
    },
}

impl Stored {
    /// A stable kebab-case code: `inserted`, `replaced` or `evicted`; never
    /// changes once published.
    pub const fn code(&self) -> &'static str {
        match self {
            Self::Inserted => "inserted",
            Self::Replaced => "replaced",
            Self::Evicted { .. } => "evicted",
        }
    }
}

/// What [`PolicyCache::import`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Imported {
    /// Entries now in the cache.
    pub kept: usize,
    /// Entries of the image that did not fit (or named a domain twice).
    pub dropped: usize,
}

#[derive(Clone, Copy)]
struct Backoff {
    domain: u64,
    id: u64,
    until: u64,
}

/// The bookkeeping of a [`PolicyCache`] apart from its slots and arena, for
/// wrappers that keep a cache in raw storage between calls (the C library):
/// [`PolicyCache::state`] and [`PolicyCache::resume`].
#[derive(Clone, Copy)]
pub struct CacheState {
    key: [u64; 2],
    len: usize,
    free: u32,
    heap_len: usize,
    text_end: usize,
    text_live: usize,
    overflow: [Backoff; OVERFLOW_BACKOFFS],
    overflow_next: usize,
}

impl core::fmt::Debug for CacheState {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("CacheState")
            .field("len", &self.len)
            .finish_non_exhaustive()
    }
}

struct PolicyFields {
    id: PolicyId,
    mode: u8,
    max_age: u32,
    fetched_at: u64,
    mx_count: u8,
    mx_len: u16,
}

/// Where the `mx` patterns of a stored entry come from.
enum MxSource<'a, 'p> {
    Policy(&'a [MxPattern<'p>]),
    /// Already length-prefixed, from a validated image.
    Encoded(&'a [u8]),
}

/// An MTA-STS policy cache over caller storage. See the module
/// documentation.
pub struct PolicyCache<'s> {
    slots: &'s mut [Slot],
    text: &'s mut [u8],
    st: CacheState,
}

impl core::fmt::Debug for PolicyCache<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("PolicyCache")
            .field("len", &self.st.len)
            .field("capacity", &self.slots.len())
            .field("text_len", &self.text.len())
            .finish_non_exhaustive()
    }
}

impl<'s> PolicyCache<'s> {
    /// An empty cache with room for `slots.len()` domains and `text.len()`
    /// octets of names and patterns (see [`entry_text_len`]), hashing
    /// domains with `hash_key`: 16 octets from a random source, so that
    /// nobody can pick domains that collide (see the module documentation).
    /// Every slot is initialised here; the arena need not be.
    ///
    /// # Examples
    ///
    /// ```
    /// use mxtrust::cache::{Lookup, PolicyCache, Slot, Stored};
    /// use mxtrust::policy::Policy;
    /// use mxtrust::sts::PolicyId;
    /// use mxtrust::time::unix_time as at;
    /// let body = b"version: STSv1\nmode: enforce\nmx: mx.example.com\nmax_age: 3600\n";
    /// let policy: Policy = Policy::parse(body, &mut [])?;
    /// let mut slots = [Slot::EMPTY; 8];
    /// let mut text = [0u8; 8 * 64];
    /// let mut cache = PolicyCache::new(&mut slots, &mut text, [7; 16]);
    /// assert_eq!(cache.store(b"example.com", PolicyId::new(b"1")?, &policy, at(1_000))?, Stored::Inserted);
    /// assert!(matches!(cache.lookup(b"Example.com.", at(4_599)), Lookup::Fresh(p) if p.allows_mx(b"mx.example.com")));
    /// assert!(matches!(cache.lookup(b"example.com", at(4_600)), Lookup::Expired(_)));
    /// assert!(matches!(cache.lookup(b"example.org", at(0)), Lookup::Absent));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(slots: &'s mut [Slot], text: &'s mut [u8], hash_key: [u8; 16]) -> Self {
        let [
            a0,
            a1,
            a2,
            a3,
            a4,
            a5,
            a6,
            a7,
            b0,
            b1,
            b2,
            b3,
            b4,
            b5,
            b6,
            b7,
        ] = hash_key;
        let key = [
            u64::from_le_bytes([a0, a1, a2, a3, a4, a5, a6, a7]),
            u64::from_le_bytes([b0, b1, b2, b3, b4, b5, b6, b7]),
        ];
        let slots_len = slots.len().min(MAX_CACHE_SLOTS);
        let text_len = text.len().min(MAX_CACHE_TEXT);
        let mut cache = Self {
            slots: slots.get_mut(..slots_len).unwrap_or_default(),
            text: text.get_mut(..text_len).unwrap_or_default(),
            st: CacheState {
                key,
                len: 0,
                free: NIL,
                heap_len: 0,
                text_end: 0,
                text_live: 0,
                overflow: [Backoff {
                    domain: 0,
                    id: 0,
                    until: 0,
                }; OVERFLOW_BACKOFFS],
                overflow_next: 0,
            },
        };
        cache.clear();
        cache
    }

    /// The bookkeeping to give [`Self::resume`] later with the same slots
    /// and arena.
    pub fn state(&self) -> CacheState {
        self.st
    }

    /// The cache that [`Self::state`] described, over the same slots and
    /// arena, unchanged since. Anything else gives a cache that answers
    /// wrongly (but never panics or touches other memory).
    pub fn resume(state: CacheState, slots: &'s mut [Slot], text: &'s mut [u8]) -> Self {
        let slots_len = slots.len().min(MAX_CACHE_SLOTS);
        let text_len = text.len().min(MAX_CACHE_TEXT);
        Self {
            slots: slots.get_mut(..slots_len).unwrap_or_default(),
            text: text.get_mut(..text_len).unwrap_or_default(),
            st: state,
        }
    }

    /// Empties the cache, keeping its storage and hash key.
    pub fn clear(&mut self) {
        let n = self.slots.len();
        for (i, slot) in self.slots.iter_mut().enumerate() {
            *slot = Slot::EMPTY;
            let next = i.saturating_add(1);
            slot.at = if next < n { u32_of(next) } else { NIL };
        }
        self.st.free = if n > 0 { 0 } else { NIL };
        self.st.len = 0;
        self.st.heap_len = 0;
        self.st.text_end = 0;
        self.st.text_live = 0;
        self.st.overflow.iter_mut().for_each(|b| b.until = 0);
        self.st.overflow_next = 0;
    }

    /// How many domains the cache holds.
    pub fn len(&self) -> usize {
        self.st.len
    }

    /// Whether the cache holds no domain.
    pub fn is_empty(&self) -> bool {
        self.st.len == 0
    }

    /// How many domains the cache can hold: the number of slots.
    pub fn capacity(&self) -> usize {
        self.slots.len()
    }

    /// The size of the arena in octets.
    pub fn text_capacity(&self) -> usize {
        self.text.len()
    }

    /// Arena octets the entries use.
    pub fn text_used(&self) -> usize {
        self.st.text_live
    }

    /// The cached policy of `domain` (ASCII case-insensitive, one trailing
    /// dot ignored) and whether it is still fresh at `now`.
    pub fn lookup(&self, domain: &[u8], now: UnixTime) -> Lookup<'_> {
        let Some(slot) = self.find_domain(domain).and_then(|s| self.slot(s)) else {
            return Lookup::Absent;
        };
        if !slot.has_policy() {
            return Lookup::Absent;
        }
        let Ok(id) = PolicyId::new(slot.id_bytes()) else {
            return Lookup::Absent;
        };
        let policy = CachedPolicy {
            id,
            slot,
            mx: self.mx_of(slot),
        };
        if now < policy.expires_at() {
            Lookup::Fresh(policy)
        } else {
            Lookup::Expired(policy)
        }
    }

    /// Whether to fetch the policy of `domain` now that its `_mta-sts` TXT
    /// record says `id` (RFC 8461 §5.1): not when an unexpired policy with
    /// that id is cached, nor within [`MIN_FETCH_BACKOFF_SECS`] of a failed
    /// fetch for that id. The cache is not changed.
    pub fn observe_id(&self, domain: &[u8], id: &PolicyId, now: UnixTime) -> FetchNeed {
        let now = now.as_secs();
        let Ok(key) = DomainName::new(domain) else {
            return FetchNeed::Fetch;
        };
        let hash = self.hash(key.as_bytes());
        let Some(slot) = self.find(&key, hash).and_then(|s| self.slot(s)) else {
            return self.overflow_need(hash, id, now);
        };
        if slot.has_policy() && slot.id_bytes() == id.as_bytes() && now < slot.expires_at() {
            return FetchNeed::UpToDate;
        }
        if slot.has_failure() && slot.failure_id_bytes() == id.as_bytes() {
            let until = slot.backoff_end();
            if now < until {
                return FetchNeed::BackOff {
                    until: unix_time(until),
                };
            }
        }
        FetchNeed::Fetch
    }

    /// `observe_id(domain, id, now) == FetchNeed::Fetch`.
    pub fn should_fetch(&self, domain: &[u8], id: &PolicyId, now: UnixTime) -> bool {
        self.observe_id(domain, id, now) == FetchNeed::Fetch
    }

    /// Caches a freshly fetched and valid policy for `domain`, fetched at
    /// `fetched_at` under the TXT `id`. It replaces the domain's previous
    /// policy and clears its failure record. Room comes only from entries
    /// that protect nothing at `fetched_at` (see the module documentation).
    ///
    /// # Errors
    ///
    /// - [`Error::InvalidDomain`];
    /// - [`Error::PolicyTooLargeForCache`] when the entry needs more arena
    ///   octets than the whole arena, more than 255 patterns or more than
    ///   65535 octets of patterns: mxtrust's capacity, not a fault of the
    ///   publisher's policy;
    /// - [`Error::CacheFull`] when every other entry protects its domain
    ///   and there is no room. Entries that protected nothing may have been
    ///   evicted; every protecting entry, and the domain's previous entry,
    ///   are kept.
    pub fn store<const M: usize>(
        &mut self,
        domain: &[u8],
        id: PolicyId,
        policy: &Policy<'_, M>,
        fetched_at: UnixTime,
    ) -> Result<Stored, Error> {
        let fetched_at = fetched_at.as_secs();
        let key = DomainName::new(domain)?;
        let patterns = policy.mx_patterns();
        let mx_len = patterns
            .iter()
            .try_fold(0usize, |n, p| {
                let len = pattern_len(p);
                if len > usize::from(u8::MAX) {
                    return None;
                }
                n.checked_add(len)?.checked_add(1)
            })
            .and_then(|n| u16::try_from(n).ok())
            .ok_or(Error::PolicyTooLargeForCache)?;
        let fields = PolicyFields {
            id,
            mode: mode_code(policy.mode()),
            max_age: policy.max_age(),
            fetched_at,
            mx_count: u8::try_from(patterns.len()).map_err(|_| Error::PolicyTooLargeForCache)?,
            mx_len,
        };
        self.put(&key, &fields, &MxSource::Policy(patterns), fetched_at)
    }

    fn put(
        &mut self,
        key: &DomainName,
        fields: &PolicyFields,
        mx: &MxSource<'_, '_>,
        now: u64,
    ) -> Result<Stored, Error> {
        let new_len = record_len(key.as_bytes().len(), usize::from(fields.mx_len));
        if new_len > self.text.len() {
            return Err(Error::PolicyTooLargeForCache);
        }
        let hash = self.hash(key.as_bytes());
        let Some(s) = self.find(key, hash) else {
            let room = self.make_room(true, new_len, now)?;
            let s = self.insert_new(key, hash, new_len)?;
            self.write_policy(s, fields, mx);
            self.heap_push(s);
            self.clear_overflow(hash);
            return Ok(room.outcome(Stored::Inserted));
        };
        let old_len = self.slot(s).map_or(0, Slot::record_len);
        if old_len == new_len {
            self.write_policy(s, fields, mx);
            self.heap_update(s);
            return Ok(Stored::Replaced);
        }
        // Out of the heap, the entry cannot be its own victim.
        self.heap_remove(s);
        let room = match self.make_room(false, new_len.saturating_sub(old_len), now) {
            Ok(room) => room,
            Err(e) => {
                self.heap_push(s);
                return Err(e);
            }
        };
        let old_at = self.slot(s).map_or(0, |slot| us(slot.at));
        self.release(old_at, old_len);
        let Some(at) = self.alloc(new_len) else {
            // make_room counted the octets, so this cannot happen; keep the
            // structures consistent anyway.
            self.drop_slot(s);
            return Err(Error::CacheFull);
        };
        self.write_record_head(s, at, key);
        if let Some(slot) = self.slot_mut(s) {
            slot.at = u32_of(at);
        }
        self.write_policy(s, fields, mx);
        self.heap_push(s);
        Ok(room.outcome(Stored::Replaced))
    }

    /// Records a failed fetch of the policy `id` of `domain` at `now`
    /// (RFC 8461 §5.1): fetching that id again waits at least
    /// [`MIN_FETCH_BACKOFF_SECS`], and an unexpired cached policy stays in
    /// force. A new domain takes room by the rules of [`Self::store`]; when
    /// there is none, the back-off goes into the overflow list (see the
    /// module documentation). It is always recorded.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidDomain`].
    pub fn record_failure(
        &mut self,
        domain: &[u8],
        id: PolicyId,
        now: UnixTime,
    ) -> Result<FailureOutcome, Error> {
        let now = now.as_secs();
        let key = DomainName::new(domain)?;
        let hash = self.hash(key.as_bytes());
        if let Some(slot) = self.find(&key, hash).and_then(|s| self.slot_mut(s)) {
            slot.set_failure(&id, now);
            return Ok(if slot.has_policy() && now < slot.expires_at() {
                FailureOutcome::UseCached(mode_of(slot.mode))
            } else {
                FailureOutcome::NoPolicy
            });
        }
        let len = record_len(key.as_bytes().len(), 0);
        let s = if len <= self.text.len() && self.make_room(true, len, now).is_ok() {
            self.insert_new(&key, hash, len).ok()
        } else {
            None
        };
        match s {
            Some(s) => {
                if let Some(slot) = self.slot_mut(s) {
                    slot.set_failure(&id, now);
                }
                self.heap_push(s);
                self.clear_overflow(hash);
            }
            None => self.push_overflow(hash, &id, now),
        }
        Ok(FailureOutcome::NoPolicy)
    }

    /// Forgets `domain`, with any back-off recorded for it. Returns whether
    /// it was cached.
    pub fn remove(&mut self, domain: &[u8]) -> bool {
        let Ok(key) = DomainName::new(domain) else {
            return false;
        };
        let hash = self.hash(key.as_bytes());
        let overflowed = self.clear_overflow(hash);
        match self.find(&key, hash) {
            Some(s) => {
                self.drop_slot(s);
                true
            }
            None => overflowed,
        }
    }

    /// The domains whose unexpired policy expires within `window` seconds of
    /// `now`, for proactive refresh (RFC 8461 §5.1 suggests refreshing
    /// before expiry). The first `out.len()` are written into `out`; the
    /// return value counts all of them. This visits every slot.
    pub fn due_for_refresh<'c>(
        &'c self,
        now: UnixTime,
        window: Duration,
        out: &mut [&'c [u8]],
    ) -> usize {
        let mut count = 0usize;
        for domain in self.due_domains(now, window) {
            if let Some(out) = out.get_mut(count) {
                *out = domain;
            }
            count = count.saturating_add(1);
        }
        count
    }

    /// The domains [`Self::due_for_refresh`] counts, one by one.
    pub fn due_domains(&self, now: UnixTime, window: Duration) -> impl Iterator<Item = &[u8]> + '_ {
        let (now, window) = (now.as_secs(), window.as_secs());
        self.slots
            .iter()
            .filter(move |s| {
                s.used() && s.has_policy() && {
                    let end = s.expires_at();
                    now < end && end.saturating_sub(now) <= window
                }
            })
            .map(|s| self.domain_of(s))
    }

    /// The size in octets of [`Self::export`]'s output. This visits every
    /// slot.
    pub fn export_len(&self) -> usize {
        let body = self
            .slots
            .iter()
            .filter(|s| s.used())
            .fold(0usize, |n, s| n.saturating_add(entry_image_len(s)));
        header_len(FORMAT_VERSION)
            .saturating_add(body)
            .saturating_add(DIGEST_LEN)
    }

    /// Writes the cache into `out` in the format of the module
    /// documentation (version 2) and returns how many octets it used.
    ///
    /// # Errors
    ///
    /// [`Error::BufferTooSmall`] with [`Self::export_len`] when `out` is
    /// shorter; nothing is written then.
    pub fn export(&self, out: &mut [u8]) -> Result<usize, Error> {
        let needed = self.export_len();
        let out = out
            .get_mut(..needed)
            .ok_or(Error::BufferTooSmall { needed })?;
        let count = u32::try_from(self.len()).map_err(|_| Error::BufferTooSmall { needed })?;
        let mut w = Writer { out, pos: 0 };
        w.bytes(MAGIC);
        w.u8(FORMAT_VERSION);
        w.bytes(&count.to_be_bytes());
        for slot in self.slots.iter().filter(|s| s.used()) {
            self.write_entry(&mut w, slot);
        }
        let body_len = w.pos;
        let digest = Sha256::digest(w.out.get(..body_len).unwrap_or(&[]));
        w.bytes(&digest);
        if w.pos != needed {
            return Err(Error::BufferTooSmall { needed });
        }
        Ok(needed)
    }

    /// Replaces the cache's contents with an image from [`Self::export`]
    /// (format version 2, or version 1 of earlier releases). The image is
    /// checked completely before the cache is touched. When it holds more
    /// than fits, the entries that protect longest are kept (latest expiry
    /// first; expired, `mode: none` and back-off entries last) and the rest
    /// are counted in [`Imported::dropped`]; so is all but the longest-lived
    /// entry of a domain listed twice. Entries are taken in image order, a
    /// longer-lived one evicting the shortest-lived; when the arena rather
    /// than the slot count is the limit, this is greedy, not optimal.
    ///
    /// # Errors
    ///
    /// [`Error::CacheImageUnsupported`] for another magic number or version,
    /// [`Error::CacheImageCorrupt`] for a truncated image, a checksum
    /// mismatch or an invalid entry. The cache is unchanged then.
    pub fn import(&mut self, bytes: &[u8]) -> Result<Imported, Error> {
        let magic = bytes.get(..4).ok_or(Error::CacheImageCorrupt)?;
        let version = *bytes.get(4).ok_or(Error::CacheImageCorrupt)?;
        if magic != MAGIC || !(version == FORMAT_V1 || version == FORMAT_VERSION) {
            return Err(Error::CacheImageUnsupported);
        }
        let header = header_len(version);
        let signed_len = bytes
            .len()
            .checked_sub(DIGEST_LEN)
            .filter(|n| *n >= header)
            .ok_or(Error::CacheImageCorrupt)?;
        let (signed, digest) = bytes.split_at(signed_len);
        if Sha256::digest(signed).as_slice() != digest {
            return Err(Error::CacheImageCorrupt);
        }
        let (head, body) = signed.split_at(header);
        let count = match head {
            [_, _, _, _, _, c0, c1] => usize::from(u16::from_be_bytes([*c0, *c1])),
            [_, _, _, _, _, c0, c1, c2, c3] => us(u32::from_be_bytes([*c0, *c1, *c2, *c3])),
            _ => return Err(Error::CacheImageCorrupt),
        };
        decode_entries(body, count, |_| Ok(()))?;
        self.clear();
        let mut dropped = 0usize;
        // Pass 2 decodes the bytes that pass 1 validated, so it cannot fail.
        decode_entries(body, count, |entry| {
            dropped = dropped.saturating_add(self.import_entry(&entry));
            Ok(())
        })?;
        Ok(Imported {
            kept: self.len(),
            dropped,
        })
    }

    /// Adds one validated image entry and returns how many entries that
    /// left out: the new one, or those it displaced (a longer-lived entry
    /// evicts shorter-lived ones, and replaces an earlier one of its domain).
    fn import_entry(&mut self, e: &Decoded<'_>) -> usize {
        let Ok(key) = DomainName::new(e.domain) else {
            return 1;
        };
        let hash = self.hash(key.as_bytes());
        let mut probe = Slot::EMPTY;
        if let Some(p) = &e.policy {
            probe.set_policy(&p.fields());
        }
        let rank = probe.protects_until();
        let mut dropped = 0usize;
        if let Some(s) = self.find(&key, hash) {
            if self.key_of(s) >= rank {
                return 1;
            }
            self.drop_slot(s);
            dropped = 1;
        }
        let mx_len = e.policy.as_ref().map_or(0, |p| p.mx.len());
        let len = record_len(key.as_bytes().len(), mx_len);
        if len > self.text.len() {
            return dropped.saturating_add(1);
        }
        // Greedy: when the arena rather than the slots is the limit, a
        // large entry may evict shorter-lived ones and still not fit.
        while self.st.free == NIL || self.free_text() < len {
            let top = self.heap_at(0);
            if self.st.heap_len == 0 || self.key_of(top) >= rank {
                return dropped.saturating_add(1);
            }
            self.drop_slot(top);
            dropped = dropped.saturating_add(1);
        }
        let Ok(s) = self.insert_new(&key, hash, len) else {
            return dropped.saturating_add(1);
        };
        if let Some(p) = &e.policy {
            self.write_policy(s, &p.fields(), &MxSource::Encoded(p.mx));
        }
        if let (Some((id, at)), Some(slot)) = (&e.failure, self.slot_mut(s)) {
            slot.set_failure(id, *at);
        }
        self.heap_push(s);
        dropped
    }

    // ---- room

    /// Evicts entries that protect nothing at `now` until a slot (when
    /// `need_slot`) and `need_text` arena octets are free.
    fn make_room(&mut self, need_slot: bool, need_text: usize, now: u64) -> Result<Room, Error> {
        let mut room = Room {
            count: 0,
            last: None,
        };
        loop {
            if (!need_slot || self.st.free != NIL) && self.free_text() >= need_text {
                return Ok(room);
            }
            let top = self.heap_at(0);
            if self.st.heap_len == 0 || self.key_of(top) > now {
                return Err(Error::CacheFull);
            }
            room.last = self.slot(top).map(|s| self.domain_name(s));
            room.count = room.count.saturating_add(1);
            self.drop_slot(top);
        }
    }

    /// Takes a free slot and arena room for a new entry of `key` and links
    /// it into the index (not the heap).
    fn insert_new(&mut self, key: &DomainName, hash: u32, len: usize) -> Result<u32, Error> {
        let s = self.st.free;
        let next = self.slot(s).ok_or(Error::CacheFull)?.at;
        let at = self.alloc(len).ok_or(Error::CacheFull)?;
        self.st.free = next;
        if let Some(slot) = self.slot_mut(s) {
            slot.clear_entry();
            slot.flags = USED;
            slot.at = u32_of(at);
            slot.hash = hash;
            slot.domain_len = u8::try_from(key.as_bytes().len()).unwrap_or(0);
        }
        self.write_record_head(s, at, key);
        self.index_insert(s, hash);
        self.st.len = self.st.len.saturating_add(1);
        Ok(s)
    }

    /// Unlinks and frees slot `s` and its arena record.
    fn drop_slot(&mut self, s: u32) {
        let Some(slot) = self.slot(s).copied() else {
            return;
        };
        if !slot.used() {
            return;
        }
        self.index_remove(s);
        if self.slot(s).is_some_and(|x| x.heap_pos_valid(s, self)) {
            self.heap_remove(s);
        }
        self.release(us(slot.at), slot.record_len());
        let free = self.st.free;
        if let Some(x) = self.slot_mut(s) {
            x.clear_entry();
            x.at = free;
        }
        self.st.free = s;
        self.st.len = self.st.len.saturating_sub(1);
    }

    fn write_record_head(&mut self, s: u32, at: usize, key: &DomainName) {
        let domain = key.as_bytes();
        let end = at
            .saturating_add(RECORD_HEADER)
            .saturating_add(domain.len());
        if let Some(dst) = self.text.get_mut(at..end) {
            for (d, b) in dst.iter_mut().zip(s.to_be_bytes().iter().chain(domain)) {
                *d = *b;
            }
        }
    }

    fn write_policy(&mut self, s: u32, fields: &PolicyFields, mx: &MxSource<'_, '_>) {
        let Some(slot) = self.slot_mut(s) else {
            return;
        };
        slot.set_policy(fields);
        let start = us(slot.at)
            .saturating_add(RECORD_HEADER)
            .saturating_add(usize::from(slot.domain_len));
        let end = start.saturating_add(usize::from(fields.mx_len));
        let Some(dst) = self.text.get_mut(start..end) else {
            return;
        };
        match mx {
            MxSource::Encoded(bytes) => {
                copy_prefix(dst, bytes);
            }
            MxSource::Policy(patterns) => {
                // Whole slices, not octet by octet: this copy was half of a
                // store's instructions (benches/src/bin/cache_ops.rs).
                let mut rest = dst;
                for p in *patterns {
                    let prefix: &[u8] = if p.is_wildcard() { b"*." } else { b"" };
                    let len = u8::try_from(pattern_len(p)).unwrap_or(0);
                    for part in [&[len][..], prefix, p.domain()] {
                        rest = copy_prefix(rest, part);
                    }
                }
            }
        }
    }

    // ---- slots and arena

    fn slot(&self, s: u32) -> Option<&Slot> {
        self.slots.get(us(s))
    }

    fn slot_mut(&mut self, s: u32) -> Option<&mut Slot> {
        self.slots.get_mut(us(s))
    }

    fn domain_of(&self, slot: &Slot) -> &[u8] {
        let start = us(slot.at).saturating_add(RECORD_HEADER);
        let end = start.saturating_add(usize::from(slot.domain_len));
        self.text.get(start..end).unwrap_or(&[])
    }

    fn domain_name(&self, slot: &Slot) -> DomainName {
        let mut name = DomainName {
            bytes: [0; MAX_NAME_LEN],
            len: slot.domain_len,
        };
        name.bytes
            .iter_mut()
            .zip(self.domain_of(slot))
            .for_each(|(d, s)| *d = *s);
        name
    }

    fn mx_of(&self, slot: &Slot) -> &[u8] {
        let start = us(slot.at)
            .saturating_add(RECORD_HEADER)
            .saturating_add(usize::from(slot.domain_len));
        let end = start.saturating_add(usize::from(slot.mx_len));
        self.text.get(start..end).unwrap_or(&[])
    }

    fn free_text(&self) -> usize {
        self.text.len().saturating_sub(self.st.text_live)
    }

    /// Arena room of `len` octets, compacting when the end is reached.
    fn alloc(&mut self, len: usize) -> Option<usize> {
        if self.text.len().saturating_sub(self.st.text_end) < len {
            if self.free_text() < len {
                return None;
            }
            self.compact();
            if self.text.len().saturating_sub(self.st.text_end) < len {
                return None;
            }
        }
        let at = self.st.text_end;
        self.st.text_end = at.saturating_add(len);
        self.st.text_live = self.st.text_live.saturating_add(len);
        Some(at)
    }

    fn release(&mut self, at: usize, len: usize) {
        self.st.text_live = self.st.text_live.saturating_sub(len);
        if at.saturating_add(len) == self.st.text_end {
            self.st.text_end = at;
        } else {
            let header = DEAD | u32_of(len);
            if let Some(dst) = self.text.get_mut(at..at.saturating_add(RECORD_HEADER)) {
                dst.copy_from_slice(&header.to_be_bytes());
            }
        }
    }

    /// Slides the live records to the start of the arena, in order.
    fn compact(&mut self) {
        let mut pos = 0usize;
        let mut w = 0usize;
        while pos < self.st.text_end {
            let Some(header) = self.text_u32(pos) else {
                break;
            };
            let live = header & DEAD == 0;
            let len = if live {
                self.slot(header).map_or(0, Slot::record_len)
            } else {
                us(header & !DEAD)
            };
            let end = pos.saturating_add(len);
            if len < RECORD_HEADER || end > self.text.len() {
                break; // inconsistent state from `resume`; stop rather than loop
            }
            if live {
                if w != pos {
                    self.text.copy_within(pos..end, w);
                }
                if let Some(slot) = self.slot_mut(header) {
                    slot.at = u32_of(w);
                }
                w = w.saturating_add(len);
            }
            pos = end;
        }
        self.st.text_end = w;
        self.st.text_live = w;
    }

    fn text_u32(&self, at: usize) -> Option<u32> {
        let bytes = self.text.get(at..at.checked_add(RECORD_HEADER)?)?;
        Some(u32::from_be_bytes(bytes.try_into().ok()?))
    }

    // ---- hash index

    fn hash(&self, domain: &[u8]) -> u32 {
        u32_low(siphash13(self.st.key, domain))
    }

    fn find_domain(&self, domain: &[u8]) -> Option<u32> {
        let key = DomainName::new(domain).ok()?;
        self.find(&key, self.hash(key.as_bytes()))
    }

    fn buckets(&self) -> usize {
        self.slots.len().saturating_mul(2)
    }

    fn bucket(&self, b: usize) -> u32 {
        self.slots
            .get(b.wrapping_shr(1))
            .and_then(|s| s.buckets.get(b & 1))
            .copied()
            .unwrap_or(0)
    }

    fn set_bucket(&mut self, b: usize, value: u32) {
        if let Some(w) = self
            .slots
            .get_mut(b.wrapping_shr(1))
            .and_then(|s| s.buckets.get_mut(b & 1))
        {
            *w = value;
        }
    }

    /// The hash's bucket: its high bits scaled to the table (Lemire's
    /// multiply-shift), so any table size works.
    fn home(&self, hash: u32) -> usize {
        let n = u64::try_from(self.buckets()).unwrap_or(0);
        usize::try_from(u64::from(hash).wrapping_mul(n).wrapping_shr(32)).unwrap_or(0)
    }

    fn next_bucket(&self, b: usize) -> usize {
        let next = b.wrapping_add(1);
        if next >= self.buckets() { 0 } else { next }
    }

    fn find(&self, key: &DomainName, hash: u32) -> Option<u32> {
        let mut b = self.home(hash);
        for _ in 0..self.buckets() {
            let s = self.bucket(b).checked_sub(1)?;
            let slot = self.slot(s)?;
            if slot.hash == hash && self.domain_of(slot) == key.as_bytes() {
                return Some(s);
            }
            b = self.next_bucket(b);
        }
        None
    }

    fn index_insert(&mut self, s: u32, hash: u32) {
        let mut b = self.home(hash);
        for _ in 0..self.buckets() {
            if self.bucket(b) == 0 {
                self.set_bucket(b, s.saturating_add(1));
                return;
            }
            b = self.next_bucket(b);
        }
    }

    /// Backward-shift deletion: no tombstones, so probe lengths stay those
    /// of the live entries.
    fn index_remove(&mut self, s: u32) {
        let Some(hash) = self.slot(s).map(|x| x.hash) else {
            return;
        };
        let target = s.saturating_add(1);
        let mut hole = self.home(hash);
        let mut found = false;
        for _ in 0..self.buckets() {
            let v = self.bucket(hole);
            if v == target {
                found = true;
                break;
            }
            if v == 0 {
                break;
            }
            hole = self.next_bucket(hole);
        }
        if !found {
            return;
        }
        self.set_bucket(hole, 0);
        let mut j = hole;
        for _ in 0..self.buckets() {
            j = self.next_bucket(j);
            let v = self.bucket(j);
            let Some(moved) = v.checked_sub(1) else {
                return;
            };
            let home = self.home(self.slot(moved).map_or(0, |x| x.hash));
            // Stays when its home lies cyclically in (hole, j].
            let stays = if hole <= j {
                hole < home && home <= j
            } else {
                hole < home || home <= j
            };
            if !stays {
                self.set_bucket(hole, v);
                self.set_bucket(j, 0);
                hole = j;
            }
        }
    }

    // ---- eviction heap: a binary min-heap of slots by `protects_until`

    fn key_of(&self, s: u32) -> u64 {
        self.slot(s).map_or(0, Slot::protects_until)
    }

    fn heap_at(&self, i: usize) -> u32 {
        self.slots.get(i).map_or(NIL, |s| s.heap)
    }

    fn heap_set(&mut self, i: usize, s: u32) {
        if let Some(w) = self.slots.get_mut(i) {
            w.heap = s;
        }
        if let Some(slot) = self.slot_mut(s) {
            slot.heap_pos = u32_of(i);
        }
    }

    fn sift_up(&mut self, mut i: usize) {
        let s = self.heap_at(i);
        let key = self.key_of(s);
        while let Some(parent) = i.checked_sub(1).map(|p| p.wrapping_shr(1)) {
            let p = self.heap_at(parent);
            if self.key_of(p) <= key {
                break;
            }
            self.heap_set(i, p);
            i = parent;
        }
        self.heap_set(i, s);
    }

    fn sift_down(&mut self, mut i: usize) {
        let n = self.st.heap_len;
        let s = self.heap_at(i);
        let key = self.key_of(s);
        while let Some(left) = i.checked_mul(2).and_then(|x| x.checked_add(1)) {
            if left >= n {
                break;
            }
            let right = left.saturating_add(1);
            let child = if right < n
                && self.key_of(self.heap_at(right)) < self.key_of(self.heap_at(left))
            {
                right
            } else {
                left
            };
            let c = self.heap_at(child);
            if self.key_of(c) >= key {
                break;
            }
            self.heap_set(i, c);
            i = child;
        }
        self.heap_set(i, s);
    }

    fn heap_push(&mut self, s: u32) {
        let i = self.st.heap_len;
        if i >= self.slots.len() {
            return;
        }
        self.st.heap_len = i.saturating_add(1);
        self.heap_set(i, s);
        self.sift_up(i);
    }

    fn heap_remove(&mut self, s: u32) {
        let Some(i) = self.slot(s).map(|x| us(x.heap_pos)) else {
            return;
        };
        let Some(last) = self.st.heap_len.checked_sub(1) else {
            return;
        };
        self.st.heap_len = last;
        if i < last {
            let moved = self.heap_at(last);
            self.heap_set(i, moved);
            self.sift_up(i);
            let pos = self.slot(moved).map_or(0, |x| us(x.heap_pos));
            self.sift_down(pos);
        }
    }

    fn heap_update(&mut self, s: u32) {
        let Some(i) = self.slot(s).map(|x| us(x.heap_pos)) else {
            return;
        };
        self.sift_up(i);
        let pos = self.slot(s).map_or(0, |x| us(x.heap_pos));
        self.sift_down(pos);
    }

    // ---- overflow back-offs

    fn overflow_need(&self, domain_hash: u32, id: &PolicyId, now: u64) -> FetchNeed {
        let (d, i) = self.overflow_keys(domain_hash, id);
        self.st
            .overflow
            .iter()
            .find(|b| b.domain == d && b.id == i && now < b.until)
            .map_or(FetchNeed::Fetch, |b| FetchNeed::BackOff {
                until: unix_time(b.until),
            })
    }

    fn overflow_keys(&self, domain_hash: u32, id: &PolicyId) -> (u64, u64) {
        // The domain's 32-bit index hash widened with a second keyed hash
        // would cost another pass; 32 bits plus the id's 64 make a false
        // back-off (a few minutes' delay of one refetch) negligible.
        let [k0, k1] = self.st.key;
        (
            u64::from(domain_hash) | OVERFLOW_TAG,
            siphash13([k1, k0], id.as_bytes()),
        )
    }

    fn push_overflow(&mut self, domain_hash: u32, id: &PolicyId, now: u64) {
        let (domain, id) = self.overflow_keys(domain_hash, id);
        let until = now.saturating_add(MIN_FETCH_BACKOFF_SECS);
        let pos = self
            .st
            .overflow
            .iter()
            .position(|b| b.domain == domain && b.until != 0);
        let pos = pos.unwrap_or_else(|| {
            let next = self.st.overflow_next;
            self.st.overflow_next = next
                .saturating_add(1)
                .checked_rem(OVERFLOW_BACKOFFS)
                .unwrap_or(0);
            next
        });
        if let Some(b) = self.st.overflow.get_mut(pos) {
            *b = Backoff { domain, id, until };
        }
    }

    /// Forgets the overflow back-off of a domain; whether there was one.
    fn clear_overflow(&mut self, domain_hash: u32) -> bool {
        let domain = u64::from(domain_hash) | OVERFLOW_TAG;
        let mut found = false;
        for b in self.st.overflow.iter_mut() {
            if b.domain == domain && b.until != 0 {
                b.until = 0;
                found = true;
            }
        }
        found
    }

    // ---- image

    fn write_entry(&self, w: &mut Writer<'_>, slot: &Slot) {
        w.short(self.domain_of(slot));
        let mut flags = 0;
        if slot.has_policy() {
            flags |= FLAG_POLICY;
        }
        if slot.has_failure() {
            flags |= FLAG_FAILURE;
        }
        w.u8(flags);
        if slot.has_policy() {
            w.short(slot.id_bytes());
            w.u8(slot.mode);
            w.bytes(&slot.max_age.to_be_bytes());
            w.bytes(&slot.fetched_at.to_be_bytes());
            w.u8(slot.mx_count);
            w.bytes(self.mx_of(slot));
        }
        if slot.has_failure() {
            w.short(slot.failure_id_bytes());
            w.bytes(&slot.failure_at.to_be_bytes());
        }
    }
}

impl Slot {
    /// Whether the heap word at this slot's recorded position names it.
    fn heap_pos_valid(&self, s: u32, cache: &PolicyCache<'_>) -> bool {
        us(self.heap_pos) < cache.st.heap_len && cache.heap_at(us(self.heap_pos)) == s
    }
}

struct Room {
    count: usize,
    last: Option<DomainName>,
}

impl Room {
    fn outcome(self, otherwise: Stored) -> Stored {
        match self.last {
            Some(last) if self.count > 0 => Stored::Evicted {
                count: self.count,
                last,
            },
            _ => otherwise,
        }
    }
}

fn us(x: u32) -> usize {
    usize::try_from(x).unwrap_or(usize::MAX)
}

fn u32_of(x: usize) -> u32 {
    u32::try_from(x).unwrap_or(u32::MAX)
}

fn u32_low(x: u64) -> u32 {
    u32::try_from(x & u64::from(u32::MAX)).unwrap_or(0)
}

/// SipHash-1-3 (Aumasson and Bernstein; the variant Rust's `HashMap` uses).
fn siphash13(key: [u64; 2], data: &[u8]) -> u64 {
    let [k0, k1] = key;
    let mut v = [
        k0 ^ 0x736f_6d65_7073_6575,
        k1 ^ 0x646f_7261_6e64_6f6d,
        k0 ^ 0x6c79_6765_6e65_7261,
        k1 ^ 0x7465_6462_7974_6573,
    ];
    let mut chunks = data.chunks_exact(8);
    for chunk in &mut chunks {
        let m = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
        compress(&mut v, m);
    }
    let mut last = [0u8; 8];
    last.iter_mut()
        .zip(chunks.remainder())
        .for_each(|(d, s)| *d = *s);
    if let Some(b) = last.get_mut(7) {
        *b = u8::try_from(data.len() & 0xff).unwrap_or(0);
    }
    compress(&mut v, u64::from_le_bytes(last));
    let [v0, v1, v2, v3] = v;
    v = [v0, v1, v2 ^ 0xff, v3];
    for _ in 0..3 {
        sip_round(&mut v);
    }
    let [v0, v1, v2, v3] = v;
    v0 ^ v1 ^ v2 ^ v3
}

fn compress(v: &mut [u64; 4], m: u64) {
    let [v0, v1, v2, v3] = *v;
    *v = [v0, v1, v2, v3 ^ m];
    sip_round(v);
    let [v0, v1, v2, v3] = *v;
    *v = [v0 ^ m, v1, v2, v3];
}

fn sip_round(v: &mut [u64; 4]) {
    let [v0, v1, v2, v3] = v;
    *v0 = v0.wrapping_add(*v1);
    *v1 = v1.rotate_left(13);
    *v1 ^= *v0;
    *v0 = v0.rotate_left(32);
    *v2 = v2.wrapping_add(*v3);
    *v3 = v3.rotate_left(16);
    *v3 ^= *v2;
    *v0 = v0.wrapping_add(*v3);
    *v3 = v3.rotate_left(21);
    *v3 ^= *v0;
    *v2 = v2.wrapping_add(*v1);
    *v1 = v1.rotate_left(17);
    *v1 ^= *v2;
    *v2 = v2.rotate_left(32);
}

fn header_len(version: u8) -> usize {
    if version == FORMAT_V1 { 7 } else { 9 }
}

fn entry_image_len(s: &Slot) -> usize {
    let mut n = 2usize.saturating_add(usize::from(s.domain_len)); // length, domain, flags
    if s.has_policy() {
        // id length (1), id, mode (1), max_age (4), fetched_at (8), count (1)
        n = n
            .saturating_add(15)
            .saturating_add(s.id_bytes().len())
            .saturating_add(usize::from(s.mx_len));
    }
    if s.has_failure() {
        // id length (1), id, failure time (8)
        n = n
            .saturating_add(9)
            .saturating_add(s.failure_id_bytes().len());
    }
    n
}

struct Writer<'o> {
    out: &'o mut [u8],
    pos: usize,
}

impl Writer<'_> {
    /// Writes what fits; `export` compares the final position with the
    /// precomputed size.
    fn bytes(&mut self, bytes: &[u8]) {
        for &b in bytes {
            if let Some(slot) = self.out.get_mut(self.pos) {
                *slot = b;
            }
            self.pos = self.pos.saturating_add(1);
        }
    }

    fn u8(&mut self, b: u8) {
        self.bytes(&[b]);
    }

    fn short(&mut self, bytes: &[u8]) {
        // Every length written here (domain, id) is below 256.
        self.u8(u8::try_from(bytes.len()).unwrap_or(u8::MAX));
        self.bytes(bytes);
    }
}

struct Reader<'b> {
    rest: &'b [u8],
}

impl<'b> Reader<'b> {
    fn take(&mut self, n: usize) -> Result<&'b [u8], Error> {
        let (head, tail) = self
            .rest
            .split_at_checked(n)
            .ok_or(Error::CacheImageCorrupt)?;
        self.rest = tail;
        Ok(head)
    }

    fn u8(&mut self) -> Result<u8, Error> {
        let [b] = self.take(1)? else {
            return Err(Error::CacheImageCorrupt);
        };
        Ok(*b)
    }

    fn array<const L: usize>(&mut self) -> Result<[u8; L], Error> {
        self.take(L)?
            .try_into()
            .map_err(|_| Error::CacheImageCorrupt)
    }

    fn short(&mut self) -> Result<&'b [u8], Error> {
        let len = self.u8()?;
        self.take(usize::from(len))
    }

    fn id(&mut self) -> Result<PolicyId, Error> {
        PolicyId::new(self.short()?).map_err(|_| Error::CacheImageCorrupt)
    }
}

struct Decoded<'b> {
    domain: &'b [u8],
    policy: Option<DecodedPolicy<'b>>,
    failure: Option<(PolicyId, u64)>,
}

struct DecodedPolicy<'b> {
    id: PolicyId,
    mode: u8,
    max_age: u32,
    fetched_at: u64,
    count: u8,
    /// The patterns, length-prefixed as in the arena.
    mx: &'b [u8],
}

impl DecodedPolicy<'_> {
    fn fields(&self) -> PolicyFields {
        PolicyFields {
            id: self.id,
            mode: self.mode,
            max_age: self.max_age,
            fetched_at: self.fetched_at,
            mx_count: self.count,
            mx_len: u16::try_from(self.mx.len()).unwrap_or(0),
        }
    }
}

/// Decodes and validates `count` entries, calling `f` for each; the body
/// must end exactly after the last one.
fn decode_entries<'b>(
    body: &'b [u8],
    count: usize,
    mut f: impl FnMut(Decoded<'b>) -> Result<(), Error>,
) -> Result<(), Error> {
    let mut r = Reader { rest: body };
    for _ in 0..count {
        let domain = r.short()?;
        let key = DomainName::new(domain).map_err(|_| Error::CacheImageCorrupt)?;
        if key.as_bytes() != domain {
            return Err(Error::CacheImageCorrupt); // exported domains are normalized
        }
        let flags = r.u8()?;
        if flags & !(FLAG_POLICY | FLAG_FAILURE) != 0 || flags == 0 {
            return Err(Error::CacheImageCorrupt);
        }
        let policy = if flags & FLAG_POLICY != 0 {
            Some(decode_policy(&mut r)?)
        } else {
            None
        };
        let failure = if flags & FLAG_FAILURE != 0 {
            let id = r.id()?;
            let at = u64::from_be_bytes(r.array()?);
            Some((id, at))
        } else {
            None
        };
        f(Decoded {
            domain,
            policy,
            failure,
        })?;
    }
    if !r.rest.is_empty() {
        return Err(Error::CacheImageCorrupt);
    }
    Ok(())
}

fn decode_policy<'b>(r: &mut Reader<'b>) -> Result<DecodedPolicy<'b>, Error> {
    let id = r.id()?;
    let mode = r.u8()?;
    if mode > MODE_NONE {
        return Err(Error::CacheImageCorrupt);
    }
    let max_age = u32::from_be_bytes(r.array()?);
    if max_age > crate::limits::MAX_MAX_AGE {
        return Err(Error::CacheImageCorrupt);
    }
    let fetched_at = u64::from_be_bytes(r.array()?);
    let count = r.u8()?;
    if usize::from(count) > crate::limits::MAX_MX_PATTERNS || (count == 0 && mode != MODE_NONE) {
        return Err(Error::CacheImageCorrupt);
    }
    let start = r.rest;
    for _ in 0..count {
        let text = r.short()?;
        let pattern = MxPattern::parse(text).map_err(|_| Error::CacheImageCorrupt)?;
        if pattern_len(&pattern) != text.len() {
            return Err(Error::CacheImageCorrupt); // a trailing dot was stored
        }
    }
    let used = start.len().saturating_sub(r.rest.len());
    let mx = start.get(..used).ok_or(Error::CacheImageCorrupt)?;
    Ok(DecodedPolicy {
        id,
        mode,
        max_age,
        fetched_at,
        count,
        mx,
    })
}

/// Copies as much of `src` as fits to the start of `dst`; returns the rest
/// of `dst`.
fn copy_prefix<'d>(dst: &'d mut [u8], src: &[u8]) -> &'d mut [u8] {
    let n = src.len().min(dst.len());
    let (head, tail) = dst.split_at_mut(n);
    head.copy_from_slice(src.get(..n).unwrap_or_default());
    tail
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::Warning;
    use crate::time::unix_time as at;
    use std::collections::HashMap;
    use std::vec::Vec;

    const KEY: [u8; 16] = *b"0123456789abcdef";

    /// Storage for a test cache: `PolicyCache::new(&mut s.0, &mut s.1, KEY)`.
    fn storage(slots: usize, text: usize) -> (Vec<Slot>, Vec<u8>) {
        (std::vec![Slot::EMPTY; slots], std::vec![0u8; text])
    }

    macro_rules! cache {
        ($s:ident) => {
            PolicyCache::new(&mut $s.0, &mut $s.1, KEY)
        };
    }

    fn policy(body: &str) -> Policy<'_> {
        let mut w = [Warning::EMPTY; 4];
        Policy::parse(body.as_bytes(), &mut w).unwrap()
    }

    fn id(s: &str) -> PolicyId {
        PolicyId::new(s.as_bytes()).unwrap()
    }

    const ENFORCE: &str =
        "version: STSv1\nmode: enforce\nmx: mx1.example.com\nmx: *.example.net\nmax_age: 1000\n";
    const TESTING: &str = "version: STSv1\nmode: testing\nmx: mx.example.org\nmax_age: 500\n";
    const NONE: &str = "version: STSv1\nmode: none\nmax_age: 1000\n";

    fn fresh(c: &PolicyCache<'_>, d: &str, now: u64) -> bool {
        matches!(c.lookup(d.as_bytes(), at(now)), Lookup::Fresh(_))
    }

    #[test]
    fn memory_per_entry_is_bounded() {
        // Domain and patterns are in the arena; the rest is at most 128 B.
        const { assert!(SLOT_SIZE + RECORD_HEADER <= 124) };
        let p = policy(ENFORCE);
        assert_eq!(
            entry_text_len(b"example.com.", &p),
            4 + 11 + (1 + 15) + (1 + 13)
        );
    }

    #[test]
    fn lifetime_ids_and_backoff() {
        let mut s = storage(4, 1024);
        let mut c = cache!(s);
        let p = policy(ENFORCE);
        assert_eq!(
            c.observe_id(b"example.com", &id("a"), at(0)),
            FetchNeed::Fetch
        );
        assert_eq!(
            c.store(b"example.com", id("a"), &p, at(100)),
            Ok(Stored::Inserted)
        );
        assert_eq!(
            c.observe_id(b"EXAMPLE.com.", &id("a"), at(1099)),
            FetchNeed::UpToDate
        );
        assert_eq!(
            c.observe_id(b"example.com", &id("a"), at(1100)),
            FetchNeed::Fetch
        );
        assert_eq!(
            c.observe_id(b"example.com", &id("b"), at(200)),
            FetchNeed::Fetch
        );
        match c.lookup(b"example.com", at(1099)) {
            Lookup::Fresh(cp) => {
                assert_eq!(
                    (cp.mode(), cp.max_age(), cp.expires_at(), cp.id()),
                    (Mode::Enforce, 1000, at(1100), id("a"))
                );
                assert!(cp.allows_mx(b"mx1.example.com"));
                assert!(cp.allows_mx(b"a.example.net"));
                assert!(!cp.allows_mx(b"a.b.example.net"));
                assert_eq!(cp.mx_patterns().count(), 2);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            c.record_failure(b"example.com", id("b"), at(200)),
            Ok(FailureOutcome::UseCached(Mode::Enforce))
        );
        assert_eq!(
            c.observe_id(b"example.com", &id("b"), at(499)),
            FetchNeed::BackOff { until: at(500) }
        );
        assert!(!c.should_fetch(b"example.com", &id("b"), at(499)));
        assert!(c.should_fetch(b"example.com", &id("b"), at(500)));
        assert!(c.should_fetch(b"example.com", &id("c"), at(201)));
        assert!(fresh(&c, "example.com", 300));
        assert_eq!(
            c.record_failure(b"example.com", id("b"), at(2000)),
            Ok(FailureOutcome::NoPolicy)
        );
        assert_eq!(
            c.record_failure(b"other.example", id("x"), at(10)),
            Ok(FailureOutcome::NoPolicy)
        );
        assert!(!c.should_fetch(b"other.example", &id("x"), at(11)));
        assert!(matches!(c.lookup(b"other.example", at(11)), Lookup::Absent));
        assert_eq!(
            c.store(b"example.com", id("b"), &policy(TESTING), at(3000)),
            Ok(Stored::Replaced)
        );
        assert!(
            matches!(c.lookup(b"example.com", at(3001)), Lookup::Fresh(p) if p.mode() == Mode::Testing && p.id() == id("b") && p.allows_mx(b"mx.example.org"))
        );
        assert_eq!(
            c.store(b"bad domain", id("a"), &p, at(0)),
            Err(Error::InvalidDomain)
        );
        assert!(c.remove(b"example.com"));
        assert!(!c.remove(b"example.com"));
        assert!(matches!(c.lookup(b"example.com", at(3001)), Lookup::Absent));
        assert_eq!(c.len(), 1);
    }

    /// Issue #12: a full cache used to evict the soonest-expiring live
    /// policy and return `Ok(())`.
    #[test]
    fn full_cache_refuses_rather_than_drop_a_live_policy() {
        let mut s = storage(3, 1024);
        let mut c = cache!(s);
        let p = policy(ENFORCE); // max_age 1000
        c.store(b"a.example", id("1"), &p, at(0)).unwrap(); // expires 1000
        c.store(b"b.example", id("1"), &p, at(500)).unwrap(); // expires 1500
        c.store(b"c.example", id("1"), &policy(TESTING), at(200))
            .unwrap(); // expires 700
        assert_eq!(
            c.store(b"d.example", id("1"), &p, at(600)),
            Err(Error::CacheFull)
        );
        for d in ["a.example", "b.example", "c.example"] {
            assert!(fresh(&c, d, 600), "{d}");
        }
        assert!(matches!(c.lookup(b"d.example", at(600)), Lookup::Absent));
        // Once c.example has expired it is what goes, and the store says so.
        match c.store(b"d.example", id("1"), &p, at(700)) {
            Ok(Stored::Evicted { count: 1, last }) => assert_eq!(last.as_str(), "c.example"),
            other => panic!("{other:?}"),
        }
        assert!(fresh(&c, "d.example", 700) && fresh(&c, "a.example", 700));
        let mut due: [&[u8]; 1] = [&[]];
        assert_eq!(
            c.due_for_refresh(at(900), Duration::from_secs(300), &mut due),
            1
        );
        assert_eq!(due[0], b"a.example");
    }

    #[test]
    fn what_protects_nothing_goes_first() {
        let mut s = storage(4, 1024);
        let mut c = cache!(s);
        let p = policy(ENFORCE);
        c.store(b"live.example", id("1"), &p, at(0)).unwrap();
        c.store(b"none.example", id("1"), &policy(NONE), at(0))
            .unwrap();
        c.record_failure(b"failing.example", id("1"), at(10))
            .unwrap();
        c.store(b"live2.example", id("1"), &p, at(5)).unwrap();
        let mut evicted = Vec::new();
        for (i, d) in ["x.example", "y.example"].iter().enumerate() {
            match c.store(d.as_bytes(), id("1"), &p, at(20 + i as u64)) {
                Ok(Stored::Evicted { count: 1, last }) => {
                    evicted.push(std::string::String::from(last.as_str()))
                }
                other => panic!("{other:?}"),
            }
        }
        evicted.sort();
        assert_eq!(evicted, ["failing.example", "none.example"]);
        assert_eq!(
            c.store(b"z.example", id("1"), &p, at(30)),
            Err(Error::CacheFull)
        );
        assert_eq!(c.len(), 4);
    }

    /// Issue #12: a failure for a new domain was not recorded when the
    /// cache was full, so every message refetched.
    #[test]
    fn backoff_is_recorded_when_full() {
        let mut s = storage(2, 1024);
        let mut c = cache!(s);
        let p = policy(ENFORCE);
        c.store(b"a.example", id("1"), &p, at(0)).unwrap();
        c.store(b"b.example", id("1"), &p, at(0)).unwrap();
        for i in 0..OVERFLOW_BACKOFFS {
            let d = std::format!("f{i}.example");
            assert_eq!(
                c.record_failure(d.as_bytes(), id("9"), at(100)),
                Ok(FailureOutcome::NoPolicy)
            );
            assert_eq!(
                c.observe_id(d.as_bytes(), &id("9"), at(101)),
                FetchNeed::BackOff { until: at(400) }
            );
        }
        assert_eq!(
            c.observe_id(b"f0.example", &id("8"), at(101)),
            FetchNeed::Fetch
        );
        assert_eq!(
            c.observe_id(b"f0.example", &id("9"), at(400)),
            FetchNeed::Fetch
        );
        assert_eq!(c.len(), 2);
        // The oldest overflow record gives way to a new one.
        c.record_failure(b"g.example", id("9"), at(100)).unwrap();
        assert_eq!(
            c.observe_id(b"f0.example", &id("9"), at(101)),
            FetchNeed::Fetch
        );
        assert!(!c.should_fetch(b"f1.example", &id("9"), at(101)));
        // A stored policy for the domain, or remove, clears its back-off.
        assert!(c.remove(b"f1.example"));
        assert!(c.should_fetch(b"f1.example", &id("9"), at(101)));
        // With room again, failures take slots as before.
        assert!(c.remove(b"a.example"));
        c.record_failure(b"h.example", id("9"), at(100)).unwrap();
        assert_eq!(c.len(), 2);
        assert!(!c.should_fetch(b"h.example", &id("9"), at(101)));
    }

    /// Issue #12: patterns had 2 KiB per entry; now they share the arena.
    #[test]
    fn patterns_share_the_arena() {
        let mut body = std::string::String::from("version: STSv1\nmode: enforce\nmax_age: 5\n");
        for i in 0..64 {
            body.push_str(&std::format!("mx: {}{i}.example.com\n", "a".repeat(60)));
        }
        let big = policy(&body);
        let need = entry_text_len(b"example.com", &big);
        assert!(need > 2048);
        let mut s = storage(2, need);
        let mut c = cache!(s);
        assert_eq!(
            c.store(b"example.com", id("1"), &big, at(0)),
            Ok(Stored::Inserted)
        );
        assert!(
            matches!(c.lookup(b"example.com", at(1)), Lookup::Fresh(p) if p.mx_patterns().count() == 64 && !p.allows_mx(b"x.a.example.com"))
        );
        assert_eq!(c.text_used(), need);
        // Another domain does not fit while the first is live: a refusal.
        assert_eq!(
            c.store(b"example.org", id("1"), &policy(TESTING), at(1)),
            Err(Error::CacheFull)
        );
        // Bigger than the whole arena: our capacity, and nothing changes.
        let mut s = storage(2, need - 1);
        let mut c = cache!(s);
        c.store(b"keep.example", id("k"), &policy(TESTING), at(0))
            .unwrap();
        assert_eq!(
            c.store(b"example.com", id("1"), &big, at(0)),
            Err(Error::PolicyTooLargeForCache)
        );
        assert_eq!(c.len(), 1);
        assert!(fresh(&c, "keep.example", 1));
    }

    #[test]
    fn replacing_and_compacting_keep_every_entry() {
        let small = policy(TESTING);
        let large = policy(ENFORCE);
        let per = entry_text_len(b"d00.example", &large);
        let mut s = storage(20, per * 20 + 7);
        let mut c = cache!(s);
        for round in 0..30u64 {
            for i in 0..20 {
                let d = std::format!("d{i:02}.example");
                let p = if (i + round as usize).is_multiple_of(3) {
                    &small
                } else {
                    &large
                };
                c.store(d.as_bytes(), id("1"), p, at(round)).unwrap();
            }
            for i in 0..20 {
                let d = std::format!("d{i:02}.example");
                let want = if (i + round as usize).is_multiple_of(3) {
                    b"mx.example.org".as_slice()
                } else {
                    b"mx1.example.com"
                };
                assert!(
                    matches!(c.lookup(d.as_bytes(), at(round)), Lookup::Fresh(p) if p.allows_mx(want)),
                    "{d} round {round}"
                );
            }
        }
        assert_eq!(c.len(), 20);
    }

    #[test]
    fn index_survives_many_removals() {
        let p = policy(TESTING);
        let n = 5000;
        let mut s = storage(n, n * 64);
        let mut c = cache!(s);
        for i in 0..n {
            c.store(std::format!("{i}.example").as_bytes(), id("1"), &p, at(0))
                .unwrap();
        }
        for i in (0..n).step_by(3) {
            assert!(c.remove(std::format!("{i}.example").as_bytes()));
        }
        for i in 0..n {
            let cached = fresh(&c, &std::format!("{i}.example"), 1);
            assert_eq!(cached, !i.is_multiple_of(3), "{i}");
        }
    }

    fn sample<'s>(c: &mut PolicyCache<'s>) {
        c.store(b"example.com", id("a1"), &policy(ENFORCE), at(100))
            .unwrap();
        c.store(b"example.org", id("b2"), &policy(TESTING), at(200))
            .unwrap();
        c.record_failure(b"example.org", id("b3"), at(250)).unwrap();
        c.record_failure(b"example.net", id("c"), at(260)).unwrap();
    }

    fn image(c: &PolicyCache<'_>) -> Vec<u8> {
        let mut out = std::vec![0u8; c.export_len()];
        assert_eq!(c.export(&mut out), Ok(out.len()));
        out
    }

    #[test]
    fn export_import_round_trip() {
        let mut s = storage(4, 1024);
        let mut c = cache!(s);
        sample(&mut c);
        let img = image(&c);
        assert_eq!(&img[..5], b"MXSC\x02");
        let mut small = std::vec![0u8; img.len() - 1];
        assert_eq!(
            c.export(&mut small),
            Err(Error::BufferTooSmall { needed: img.len() })
        );
        let mut s2 = storage(4, 1024);
        let mut d = cache!(s2);
        assert_eq!(
            d.import(&img),
            Ok(Imported {
                kept: 3,
                dropped: 0
            })
        );
        assert_eq!(image(&d), img);
        assert!(
            matches!(d.lookup(b"example.com", at(150)), Lookup::Fresh(p) if p.allows_mx(b"x.example.net"))
        );
        assert!(!d.should_fetch(b"example.net", &id("c"), at(261)));
    }

    /// Issue #12: an image larger than the cache used to be refused whole.
    #[test]
    fn import_keeps_what_fits_latest_expiry_first() {
        let mut s = storage(8, 4096);
        let mut c = cache!(s);
        let p = policy(ENFORCE); // max_age 1000
        for (d, t) in [
            ("a.example", 300),
            ("b.example", 100),
            ("c.example", 400),
            ("d.example", 200),
        ] {
            c.store(d.as_bytes(), id("1"), &p, at(t)).unwrap();
        }
        c.record_failure(b"f.example", id("1"), at(500)).unwrap();
        c.store(b"n.example", id("1"), &policy(NONE), at(900))
            .unwrap();
        let img = image(&c);
        let mut s2 = storage(2, 4096);
        let mut tiny = cache!(s2);
        tiny.store(b"old.example", id("1"), &p, at(0)).unwrap();
        assert_eq!(
            tiny.import(&img),
            Ok(Imported {
                kept: 2,
                dropped: 4
            })
        );
        assert!(fresh(&tiny, "c.example", 500) && fresh(&tiny, "a.example", 500));
        assert!(matches!(tiny.lookup(b"old.example", at(0)), Lookup::Absent));
        // Limited by the arena rather than by slots: the same order.
        let per = entry_text_len(b"a.example", &p);
        let mut s3 = storage(8, per * 3);
        let mut narrow = cache!(s3);
        assert_eq!(
            narrow.import(&img),
            Ok(Imported {
                kept: 3,
                dropped: 3
            })
        );
        for d in ["a.example", "c.example", "d.example"] {
            assert!(fresh(&narrow, d, 500), "{d}");
        }
    }

    /// Images written by version 1 (before #12) still import.
    #[test]
    fn version_1_image_imports() {
        let v1 = include_bytes!("../tests/fixtures/cache/v1.bin");
        assert_eq!(&v1[..5], b"MXSC\x01");
        let mut s = storage(8, 1024);
        let mut c = cache!(s);
        assert_eq!(
            c.import(v1),
            Ok(Imported {
                kept: 3,
                dropped: 0
            })
        );
        let t = 1_700_000_000;
        match c.lookup(b"example.com", at(t + 10)) {
            Lookup::Fresh(p) => {
                assert_eq!(
                    (p.id(), p.mode(), p.expires_at()),
                    (id("v1a"), Mode::Enforce, at(t + 86400))
                );
                assert!(p.allows_mx(b"mx1.example.com") && p.allows_mx(b"a.example.net"));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            c.observe_id(b"example.com", &id("v1b"), at(t + 201)),
            FetchNeed::BackOff { until: at(t + 500) }
        );
        assert!(
            matches!(c.lookup(b"none.example", at(t + 200)), Lookup::Fresh(p) if p.mode() == Mode::None)
        );
        assert!(!c.should_fetch(b"failing.example", &id("f1"), at(t + 301)));
        // Re-exported as version 2 with the same entries.
        let v2 = image(&c);
        assert_eq!(v2[4], 2);
        assert_eq!(v2.len(), v1.len() + 2);
        assert_eq!(v2[9..v2.len() - 32], v1[7..v1.len() - 32]);
    }

    /// Version 1 counted entries in 16 bits; version 2 holds more.
    #[test]
    fn more_than_65535_entries_round_trip() {
        let p = policy(TESTING);
        let n = 70_000;
        let mut s = storage(n, n * 48);
        let mut c = cache!(s);
        for i in 0..n {
            c.store(std::format!("{i}.ex").as_bytes(), id("1"), &p, at(0))
                .unwrap();
        }
        let img = image(&c);
        let mut s2 = storage(n, n * 48);
        let mut d = cache!(s2);
        assert_eq!(
            d.import(&img),
            Ok(Imported {
                kept: n,
                dropped: 0
            })
        );
        assert!(fresh(&d, "69999.ex", 1));
    }

    #[test]
    fn corrupt_images_change_nothing() {
        let mut s = storage(4, 1024);
        let mut c = cache!(s);
        sample(&mut c);
        let img = image(&c);
        let mut s2 = storage(4, 1024);
        let mut target = cache!(s2);
        target
            .store(b"keep.example", id("k"), &policy(TESTING), at(0))
            .unwrap();
        let before = image(&target);
        for len in 0..img.len() {
            assert!(target.import(&img[..len]).is_err(), "truncated to {len}");
        }
        let mut extended = img.clone();
        extended.push(0);
        assert!(target.import(&extended).is_err());
        assert_eq!(
            target.import(b"XXXX\x02\x00\x00\x00\x00"),
            Err(Error::CacheImageUnsupported)
        );
        assert_eq!(
            target.import(b"MXSC\x03\x00\x00\x00\x00"),
            Err(Error::CacheImageUnsupported)
        );
        assert_eq!(image(&target), before);
    }

    #[test]
    fn state_and_resume() {
        let mut s = storage(4, 1024);
        let state = {
            let mut c = cache!(s);
            sample(&mut c);
            c.state()
        };
        let c = PolicyCache::resume(state, &mut s.0, &mut s.1);
        assert_eq!(c.len(), 3);
        assert!(fresh(&c, "example.com", 150));
    }

    #[test]
    fn zero_capacity_refuses() {
        let mut s = storage(0, 0);
        let mut c = cache!(s);
        assert_eq!(
            c.store(b"example.com", id("1"), &policy(NONE), at(0)),
            Err(Error::PolicyTooLargeForCache)
        );
        assert_eq!(
            c.record_failure(b"example.com", id("1"), at(0)),
            Ok(FailureOutcome::NoPolicy)
        );
        assert!(!c.should_fetch(b"example.com", &id("1"), at(1)));
        let mut s = storage(0, 100);
        let mut c = cache!(s);
        assert_eq!(
            c.store(b"example.com", id("1"), &policy(NONE), at(0)),
            Err(Error::CacheFull)
        );
    }

    #[derive(Clone, Debug)]
    enum Op {
        Store {
            domain: u8,
            mode: u8,
            max_age: u32,
            big: bool,
        },
        Fail {
            domain: u8,
        },
        Remove {
            domain: u8,
        },
        Tick(u32),
        Reimport,
    }

    fn op() -> impl proptest::strategy::Strategy<Value = Op> {
        use proptest::prelude::*;
        prop_oneof![
            4 => (0u8..24, 0u8..3, 0u32..2000, any::<bool>())
                .prop_map(|(domain, mode, max_age, big)| Op::Store { domain, mode, max_age, big }),
            2 => (0u8..24).prop_map(|domain| Op::Fail { domain }),
            1 => (0u8..24).prop_map(|domain| Op::Remove { domain }),
            2 => (0u32..600).prop_map(Op::Tick),
            1 => Just(Op::Reimport),
        ]
    }

    fn body(mode: u8, max_age: u32, big: bool) -> std::string::String {
        let mode = ["enforce", "testing", "none"][usize::from(mode)];
        let mut b =
            std::format!("version: STSv1\nmode: {mode}\nmax_age: {max_age}\nmx: mx.example.net\n");
        if big {
            for i in 0..6 {
                b.push_str(&std::format!("mx: mx{i}.a-rather-long-name.example.org\n"));
            }
        }
        b
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

        /// Against a model (a HashMap of the policies that protect their
        /// domain): no unexpired enforce/testing policy ever disappears or
        /// changes without the caller having removed or replaced it, every
        /// store that succeeds is visible, and a refusal happens only when
        /// every entry protects its domain.
        #[test]
        fn no_live_policy_disappears(ops in proptest::collection::vec(op(), 1..80)) {
            let mut s = storage(6, 6 * 70);
            let mut c = cache!(s);
            // domain -> (expires_at, mode, id)
            let mut model: HashMap<std::string::String, (u64, Mode, PolicyId)> = HashMap::new();
            let mut now = 1_000u64;
            let mut serial = 0u32;
            for op in ops {
                match op {
                    Op::Store { domain, mode, max_age, big } => {
                        let d = std::format!("d{domain}.example");
                        let text = body(mode, max_age, big);
                        let p = policy(&text);
                        serial += 1;
                        let new_id = id(&std::format!("i{serial}"));
                        let live_before = model.values().filter(|(e, _, _)| *e > now).count();
                        match c.store(d.as_bytes(), new_id, &p, at(now)) {
                            Ok(outcome) => {
                                if let Stored::Evicted { last, .. } = outcome {
                                    let gone = model.get(last.as_str());
                                    proptest::prop_assert!(gone.is_none_or(|(e, _, _)| *e <= now), "evicted live {last:?}");
                                }
                                model.remove(&d);
                                if p.mode() != Mode::None {
                                    model.insert(d.clone(), (now + u64::from(max_age), p.mode(), new_id));
                                }
                                let seen = matches!(c.lookup(d.as_bytes(), at(now)), Lookup::Fresh(cp) if cp.id() == new_id)
                                    || (max_age == 0 && matches!(c.lookup(d.as_bytes(), at(now)), Lookup::Expired(_)));
                                proptest::prop_assert!(seen, "stored {d} not visible");
                            }
                            Err(Error::CacheFull) => {
                                let others = model.iter().filter(|(k, (e, _, _))| *k != &d && *e > now).count();
                                proptest::prop_assert!(others >= 1 && live_before >= 1, "refused with nothing live");
                            }
                            Err(e) => proptest::prop_assert!(false, "{e:?}"),
                        }
                    }
                    Op::Fail { domain } => {
                        let d = std::format!("d{domain}.example");
                        c.record_failure(d.as_bytes(), id("f"), at(now)).unwrap();
                        proptest::prop_assert_eq!(
                            c.observe_id(d.as_bytes(), &id("f"), at(now)),
                            FetchNeed::BackOff { until: at(now + MIN_FETCH_BACKOFF_SECS) }
                        );
                    }
                    Op::Remove { domain } => {
                        let d = std::format!("d{domain}.example");
                        c.remove(d.as_bytes());
                        model.remove(&d);
                    }
                    Op::Tick(t) => now += u64::from(t),
                    Op::Reimport => {
                        let img = image(&c);
                        let len = c.len();
                        let imported = c.import(&img).unwrap();
                        proptest::prop_assert_eq!(imported, Imported { kept: len, dropped: 0 });
                        proptest::prop_assert_eq!(image(&c), img);
                    }
                }
                for (d, (expires, mode, pid)) in &model {
                    if *expires > now {
                        let ok = matches!(c.lookup(d.as_bytes(), at(now)),
                            Lookup::Fresh(cp) if cp.id() == *pid && cp.mode() == *mode && cp.expires_at() == at(*expires));
                        proptest::prop_assert!(ok, "{} lost at {}", d, now);
                    }
                }
                proptest::prop_assert!(c.text_used() <= c.text_capacity());
            }
        }

        /// Export then import gives back the same cache (same image).
        #[test]
        fn round_trip(entries in proptest::collection::vec(
            ("[a-z]{1,12}\\.example", "[A-Za-z0-9]{1,32}", 0u64..1_000_000, proptest::prelude::any::<bool>()),
            0..6,
        )) {
            let mut s = storage(6, 6 * 64);
            let mut c = cache!(s);
            for (domain, i, t, fail) in &entries {
                c.store(domain.as_bytes(), id(i), &policy(ENFORCE), at(*t)).unwrap();
                if *fail {
                    c.record_failure(domain.as_bytes(), id("z"), at(t + 1)).unwrap();
                }
            }
            let img = image(&c);
            let mut s2 = storage(6, 6 * 64);
            let mut d = cache!(s2);
            d.import(&img).unwrap();
            proptest::prop_assert_eq!(image(&d), img);
        }

        /// Any single flipped byte is detected and leaves the cache unchanged.
        #[test]
        fn any_byte_flip_is_rejected(pos in 0usize..4096, mask in 1u8..=255) {
            let mut s = storage(4, 1024);
            let mut c = cache!(s);
            sample(&mut c);
            let img = image(&c);
            let pos = pos % img.len();
            let mut bad = img.clone();
            bad[pos] ^= mask;
            let mut s2 = storage(4, 1024);
            let mut target = cache!(s2);
            target.store(b"keep.example", id("k"), &policy(TESTING), at(0)).unwrap();
            let before = image(&target);
            proptest::prop_assert!(target.import(&bad).is_err());
            proptest::prop_assert_eq!(image(&target), before);
        }

        /// Random images never panic and never change the cache.
        #[test]
        fn random_images(mut bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300), v1 in proptest::prelude::any::<bool>()) {
            if bytes.len() > 4 {
                bytes[..4].copy_from_slice(MAGIC);
                bytes[4] = if v1 { FORMAT_V1 } else { FORMAT_VERSION };
            }
            let mut s = storage(2, 256);
            let mut target = cache!(s);
            proptest::prop_assert!(target.import(&bytes).is_err());
            proptest::prop_assert!(target.is_empty());
        }
    }
}
