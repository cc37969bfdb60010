//! A fixed-capacity MTA-STS policy cache (RFC 8461 §5.1) that survives
//! restarts through [`PolicyCache::export`] and [`PolicyCache::import`].
//!
//! Each of the `N` entries owns copies of a domain, its last fetched policy
//! (id, mode, `max_age`, fetch time and `mx` patterns as text of at most
//! [`MAX_CACHED_MX_LEN`] octets) and its last failed fetch. Nothing is
//! allocated: a `PolicyCache<N>` is about `N × 1.4` KiB, wherever the caller
//! puts it. Time is always an argument, in seconds since the Unix epoch.
//!
//! The rules, from RFC 8461 §5.1:
//! - a policy lives `max_age` seconds from its fetch;
//! - a TXT record with a different `id` than the cached policy's means
//!   refetch;
//! - a failed fetch backs off at least [`MIN_FETCH_BACKOFF_SECS`] per id, and
//!   while a cached policy is unexpired a failure keeps it (so under
//!   `enforce` a failure is temporary, never a downgrade);
//! - "no policy" from DNS does not evict a cached policy; only the caller's
//!   [`PolicyCache::remove`] does.
//!
//! # Eviction
//!
//! Storing a policy for a new domain in a full cache replaces the least
//! valuable entry: first an expired policy or a failure record whose back-off
//! is over (earliest first), then a failure record still backing off, then
//! the unexpired policy that expires soonest. Recording a failure never
//! evicts an unexpired policy.
//!
//! # Persistence format (version 1)
//!
//! All integers big-endian: magic `MXSC`, version `1`, entry count (u16);
//! per entry: domain length (u8) and domain, flags (u8: 1 = policy,
//! 2 = failure); with a policy: id length (u8) and id, mode (u8: 0 enforce,
//! 1 testing, 2 none), `max_age` (u32), fetch time (u64), pattern count (u8)
//! and each pattern as length (u8) and text; with a failure: id length and
//! id, failure time (u64). Last, a SHA-256 digest of everything before it.
//! SHA-256 rather than CRC-32 because `sha2` is already a dependency, so it
//! costs no new code, and it catches every kind of corruption (not only short
//! bursts) with negligible miss probability. It is a checksum, not a MAC: the
//! image must be stored where only the MTA can write.

use crate::Error;
use crate::limits::{MAX_CACHED_MX_LEN, MAX_MX_PATTERNS, MAX_NAME_LEN, MIN_FETCH_BACKOFF_SECS};
use crate::policy::{Mode, MxPattern, Policy};
use crate::sts::StsId;
use sha2::{Digest, Sha256};

const MAGIC: &[u8; 4] = b"MXSC";
const FORMAT_VERSION: u8 = 1;
const HEADER_LEN: usize = 7;
const DIGEST_LEN: usize = 32;
const FLAG_POLICY: u8 = 1;
const FLAG_FAILURE: u8 = 2;

#[derive(Clone, Copy)]
struct Stored {
    id: StsId,
    mode: Mode,
    max_age: u32,
    fetched_at: u64,
    mx: [u8; MAX_CACHED_MX_LEN],
    mx_lens: [u8; MAX_MX_PATTERNS],
    mx_count: u8,
}

#[derive(Clone, Copy)]
struct Failure {
    id: StsId,
    at: u64,
}

#[derive(Clone, Copy)]
struct Entry {
    used: bool,
    domain: [u8; MAX_NAME_LEN],
    domain_len: u8,
    policy: Option<Stored>,
    failure: Option<Failure>,
}

impl Entry {
    const EMPTY: Self = Self {
        used: false,
        domain: [0; MAX_NAME_LEN],
        domain_len: 0,
        policy: None,
        failure: None,
    };

    fn domain(&self) -> &[u8] {
        self.domain
            .get(..usize::from(self.domain_len))
            .unwrap_or(&[])
    }

    /// Lower is evicted first; see the module documentation.
    fn eviction_rank(&self, now: u64) -> (u8, u64) {
        if !self.used {
            return (0, 0);
        }
        match (&self.policy, &self.failure) {
            (Some(p), _) if expires_at(p) <= now => (1, expires_at(p)),
            (Some(p), _) => (3, expires_at(p)),
            (None, Some(f)) if backoff_end(f) <= now => (1, backoff_end(f)),
            (None, Some(f)) => (2, backoff_end(f)),
            (None, None) => (0, 0),
        }
    }
}

fn expires_at(p: &Stored) -> u64 {
    p.fetched_at.saturating_add(u64::from(p.max_age))
}

fn backoff_end(f: &Failure) -> u64 {
    f.at.saturating_add(MIN_FETCH_BACKOFF_SECS)
}

/// A cached policy, borrowed from the cache.
#[derive(Clone, Copy)]
pub struct CachedPolicy<'c> {
    stored: &'c Stored,
}

impl<'c> CachedPolicy<'c> {
    /// The id of the TXT record the policy was fetched under.
    pub fn id(&self) -> StsId {
        self.stored.id
    }

    /// The mode.
    pub fn mode(&self) -> Mode {
        self.stored.mode
    }

    /// `max_age` in seconds.
    pub fn max_age(&self) -> u32 {
        self.stored.max_age
    }

    /// When the policy was fetched.
    pub fn fetched_at(&self) -> u64 {
        self.stored.fetched_at
    }

    /// The first second at which the policy is expired (`fetched_at +
    /// max_age`, RFC 8461 §3.2).
    pub fn expires_at(&self) -> u64 {
        expires_at(self.stored)
    }

    /// The `mx` patterns, in policy order.
    pub fn mx_patterns(&self) -> impl Iterator<Item = MxPattern<'c>> + 'c {
        let s = self.stored;
        let lens = s.mx_lens.get(..usize::from(s.mx_count)).unwrap_or(&[]);
        lens.iter()
            .scan(0usize, |start, &len| {
                let begin = *start;
                *start = begin.saturating_add(usize::from(len));
                Some(s.mx.get(begin..*start).unwrap_or(&[]))
            })
            .filter_map(|text| MxPattern::parse(text).ok())
    }

    /// Whether the MX host is allowed by the policy (RFC 8461 §4.1).
    pub fn allows_mx(&self, host: &[u8]) -> bool {
        self.mx_patterns().any(|p| p.matches(host))
    }
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

/// Whether to fetch a policy after seeing a TXT record's id (RFC 8461 §5.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FetchNeed {
    /// An unexpired policy with this id is cached.
    UpToDate,
    /// Fetch: no policy, an expired one, or one with another id.
    Fetch,
    /// A fetch for this id failed recently; try again at `until`.
    BackOff {
        /// First second a retry is allowed.
        until: u64,
    },
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

/// A policy cache with room for `N` domains. See the module documentation.
#[derive(Clone)]
pub struct PolicyCache<const N: usize> {
    entries: [Entry; N],
}

impl<const N: usize> Default for PolicyCache<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> PolicyCache<N> {
    /// An empty cache.
    pub const fn new() -> Self {
        Self {
            entries: [Entry::EMPTY; N],
        }
    }

    /// How many domains the cache holds.
    pub fn len(&self) -> usize {
        self.entries.iter().filter(|e| e.used).count()
    }

    /// Whether the cache holds no domain.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// `N`.
    pub const fn capacity(&self) -> usize {
        N
    }

    fn find(&self, domain: &[u8]) -> Option<usize> {
        let key = Domain::new(domain).ok()?;
        self.entries
            .iter()
            .position(|e| e.used && e.domain() == key.as_bytes())
    }

    /// The cached policy of `domain` (ASCII case-insensitive, one trailing
    /// dot ignored) and whether it is still fresh at `now`.
    ///
    /// # Examples
    ///
    /// ```
    /// use mxtrust::cache::{Lookup, PolicyCache};
    /// use mxtrust::policy::{Policy, Warning};
    /// use mxtrust::sts::StsId;
    /// let body = b"version: STSv1\nmode: enforce\nmx: mx.example.com\nmax_age: 3600\n";
    /// let policy: Policy = Policy::parse(body, &mut [])?;
    /// let mut cache = PolicyCache::<8>::new();
    /// cache.store(b"example.com", StsId::new(b"1")?, &policy, 1_000)?;
    /// assert!(matches!(cache.lookup(b"Example.com.", 4_599), Lookup::Fresh(p) if p.allows_mx(b"mx.example.com")));
    /// assert!(matches!(cache.lookup(b"example.com", 4_600), Lookup::Expired(_)));
    /// assert!(matches!(cache.lookup(b"example.org", 0), Lookup::Absent));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn lookup(&self, domain: &[u8], now: u64) -> Lookup<'_> {
        let Some(stored) = self
            .find(domain)
            .and_then(|i| self.entries.get(i))
            .and_then(|e| e.policy.as_ref())
        else {
            return Lookup::Absent;
        };
        let policy = CachedPolicy { stored };
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
    pub fn observe_id(&self, domain: &[u8], id: &StsId, now: u64) -> FetchNeed {
        let Some(entry) = self.find(domain).and_then(|i| self.entries.get(i)) else {
            return FetchNeed::Fetch;
        };
        if entry
            .policy
            .as_ref()
            .is_some_and(|p| p.id == *id && now < expires_at(p))
        {
            return FetchNeed::UpToDate;
        }
        match &entry.failure {
            Some(f) if f.id == *id && now < backoff_end(f) => FetchNeed::BackOff {
                until: backoff_end(f),
            },
            _ => FetchNeed::Fetch,
        }
    }

    /// `observe_id(domain, id, now) == FetchNeed::Fetch`.
    pub fn should_fetch(&self, domain: &[u8], id: &StsId, now: u64) -> bool {
        self.observe_id(domain, id, now) == FetchNeed::Fetch
    }

    /// Caches a freshly fetched and valid policy for `domain`, fetched at
    /// `fetched_at` under the TXT `id`. It replaces the domain's previous
    /// policy and clears its failure record; a new domain in a full cache
    /// evicts an entry (see the module documentation).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidDomain`], or [`Error::PolicyTooLargeForCache`] when
    /// the `mx` patterns need more than [`MAX_CACHED_MX_LEN`] octets. The
    /// cache is unchanged then.
    pub fn store<const M: usize>(
        &mut self,
        domain: &[u8],
        id: StsId,
        policy: &Policy<'_, M>,
        fetched_at: u64,
    ) -> Result<(), Error> {
        let key = Domain::new(domain)?;
        let stored = stored_from(id, policy, fetched_at)?;
        let slot = match self.find(domain) {
            Some(i) => i,
            None => self
                .victim(fetched_at, 3)
                .ok_or(Error::BufferTooSmall { needed: 1 })?,
        };
        let entry = self
            .entries
            .get_mut(slot)
            .ok_or(Error::BufferTooSmall { needed: 1 })?;
        *entry = key.entry();
        entry.policy = Some(stored);
        Ok(())
    }

    /// Records a failed fetch of the policy `id` of `domain` at `now`
    /// (RFC 8461 §5.1): fetching that id again waits at least
    /// [`MIN_FETCH_BACKOFF_SECS`], and an unexpired cached policy stays in
    /// force. A new domain takes a free, expired or backed-off slot but never
    /// evicts an unexpired policy; when there is none, the failure is not
    /// recorded.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidDomain`].
    pub fn record_failure(
        &mut self,
        domain: &[u8],
        id: StsId,
        now: u64,
    ) -> Result<FailureOutcome, Error> {
        let key = Domain::new(domain)?;
        let slot = match self.find(domain) {
            Some(i) => Some(i),
            None => self.victim(now, 2),
        };
        let Some(entry) = slot.and_then(|i| self.entries.get_mut(i)) else {
            return Ok(FailureOutcome::NoPolicy);
        };
        if !entry.used || entry.domain() != key.as_bytes() {
            *entry = key.entry();
        }
        entry.failure = Some(Failure { id, at: now });
        Ok(match &entry.policy {
            Some(p) if now < expires_at(p) => FailureOutcome::UseCached(p.mode),
            _ => FailureOutcome::NoPolicy,
        })
    }

    /// Forgets `domain`. Returns whether it was cached.
    pub fn remove(&mut self, domain: &[u8]) -> bool {
        match self.find(domain).and_then(|i| self.entries.get_mut(i)) {
            Some(entry) => {
                *entry = Entry::EMPTY;
                true
            }
            None => false,
        }
    }

    /// The domains whose unexpired policy expires within `window` seconds of
    /// `now`, for proactive refresh (RFC 8461 §5.1 suggests refreshing
    /// before expiry). The first `out.len()` are written into `out`; the
    /// return value counts all of them.
    pub fn due_for_refresh<'c>(&'c self, now: u64, window: u64, out: &mut [&'c [u8]]) -> usize {
        let due = self.entries.iter().filter(|e| {
            e.used
                && e.policy.as_ref().is_some_and(|p| {
                    let end = expires_at(p);
                    now < end && end.saturating_sub(now) <= window
                })
        });
        let mut count = 0usize;
        for entry in due {
            if let Some(slot) = out.get_mut(count) {
                *slot = entry.domain();
            }
            count = count.saturating_add(1);
        }
        count
    }

    /// The slot a new domain may take: the lowest eviction rank below
    /// `max_rank` (inclusive).
    fn victim(&self, now: u64, max_rank: u8) -> Option<usize> {
        self.entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.eviction_rank(now), i))
            .filter(|((rank, _), _)| *rank <= max_rank)
            .min()
            .map(|(_, i)| i)
    }

    /// The size in octets of [`Self::export`]'s output.
    pub fn export_len(&self) -> usize {
        let body = self
            .entries
            .iter()
            .filter(|e| e.used)
            .fold(0usize, |n, e| n.saturating_add(entry_len(e)));
        HEADER_LEN.saturating_add(body).saturating_add(DIGEST_LEN)
    }

    /// Writes the cache into `out` in the format of the module
    /// documentation and returns how many octets it used.
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
        let count = u16::try_from(self.len()).map_err(|_| Error::BufferTooSmall { needed })?;
        let mut w = Writer { out, pos: 0 };
        w.bytes(MAGIC);
        w.u8(FORMAT_VERSION);
        w.bytes(&count.to_be_bytes());
        for e in self.entries.iter().filter(|e| e.used) {
            write_entry(&mut w, e);
        }
        let body_len = w.pos;
        let digest = Sha256::digest(w.out.get(..body_len).unwrap_or(&[]));
        w.bytes(&digest);
        if w.pos != needed {
            return Err(Error::BufferTooSmall { needed });
        }
        Ok(needed)
    }

    /// Replaces the cache's contents with an image from [`Self::export`].
    /// The image is checked completely before the cache is touched.
    ///
    /// # Errors
    ///
    /// [`Error::CacheImageUnsupported`] for another magic number or version,
    /// [`Error::CacheImageCorrupt`] for a truncated image, a checksum
    /// mismatch, an invalid entry or a domain that appears twice, and
    /// [`Error::BufferTooSmall`] with the entry count when the image holds
    /// more than `N` domains. The cache is unchanged in every case.
    pub fn import(&mut self, bytes: &[u8]) -> Result<(), Error> {
        let (header, rest) = bytes
            .split_at_checked(HEADER_LEN)
            .ok_or(Error::CacheImageCorrupt)?;
        let [m0, m1, m2, m3, version, c0, c1] = header else {
            return Err(Error::CacheImageCorrupt);
        };
        if [*m0, *m1, *m2, *m3] != *MAGIC || *version != FORMAT_VERSION {
            return Err(Error::CacheImageUnsupported);
        }
        let body_len = rest
            .len()
            .checked_sub(DIGEST_LEN)
            .ok_or(Error::CacheImageCorrupt)?;
        let (body, digest) = rest.split_at(body_len);
        let signed = bytes
            .get(..bytes.len().saturating_sub(DIGEST_LEN))
            .ok_or(Error::CacheImageCorrupt)?;
        if Sha256::digest(signed).as_slice() != digest {
            return Err(Error::CacheImageCorrupt);
        }
        let count = usize::from(u16::from_be_bytes([*c0, *c1]));
        if count > N {
            return Err(Error::BufferTooSmall { needed: count });
        }
        // Pass 1: validate everything, including duplicate domains.
        let mut seen: [&[u8]; N] = [&[]; N];
        decode_entries(body, count, |i, domain, _| {
            if seen.iter().take(i).any(|d| *d == domain) {
                return Err(Error::CacheImageCorrupt);
            }
            *seen.get_mut(i).ok_or(Error::CacheImageCorrupt)? = domain;
            Ok(())
        })?;
        // Pass 2 decodes the same bytes that pass 1 validated, so it cannot
        // fail, and it writes straight into the cache: a temporary copy of N
        // entries (about 1.4 KiB each) would sit on the caller's stack.
        let entries = &mut self.entries;
        decode_entries(body, count, |i, _, entry| {
            *entries.get_mut(i).ok_or(Error::CacheImageCorrupt)? = entry;
            Ok(())
        })?;
        entries
            .iter_mut()
            .skip(count)
            .for_each(|e| *e = Entry::EMPTY);
        Ok(())
    }
}

/// A validated, normalized domain: lower case, no trailing dot.
struct Domain {
    bytes: [u8; MAX_NAME_LEN],
    len: u8,
}

impl Domain {
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

    fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..usize::from(self.len)).unwrap_or(&[])
    }

    fn entry(&self) -> Entry {
        Entry {
            used: true,
            domain: self.bytes,
            domain_len: self.len,
            policy: None,
            failure: None,
        }
    }
}

fn stored_from<const M: usize>(
    id: StsId,
    policy: &Policy<'_, M>,
    fetched_at: u64,
) -> Result<Stored, Error> {
    let mut stored = Stored {
        id,
        mode: policy.mode(),
        max_age: policy.max_age(),
        fetched_at,
        mx: [0; MAX_CACHED_MX_LEN],
        mx_lens: [0; MAX_MX_PATTERNS],
        mx_count: 0,
    };
    let mut pos = 0usize;
    for (i, p) in policy.mx_patterns().iter().enumerate() {
        let prefix: &[u8] = if p.is_wildcard() { b"*." } else { b"" };
        let len = prefix.len().saturating_add(p.domain().len());
        let end = pos.checked_add(len).ok_or(Error::PolicyTooLargeForCache)?;
        let dst = stored
            .mx
            .get_mut(pos..end)
            .ok_or(Error::PolicyTooLargeForCache)?;
        for (d, s) in dst.iter_mut().zip(prefix.iter().chain(p.domain())) {
            *d = *s;
        }
        *stored
            .mx_lens
            .get_mut(i)
            .ok_or(Error::PolicyTooLargeForCache)? =
            u8::try_from(len).map_err(|_| Error::PolicyTooLargeForCache)?;
        stored.mx_count =
            u8::try_from(i.saturating_add(1)).map_err(|_| Error::PolicyTooLargeForCache)?;
        pos = end;
    }
    Ok(stored)
}

fn mx_texts(p: &Stored) -> impl Iterator<Item = &[u8]> {
    let lens = p.mx_lens.get(..usize::from(p.mx_count)).unwrap_or(&[]);
    lens.iter().scan(0usize, |start, &len| {
        let begin = *start;
        *start = begin.saturating_add(usize::from(len));
        Some(p.mx.get(begin..*start).unwrap_or(&[]))
    })
}

fn entry_len(e: &Entry) -> usize {
    let mut n = 2usize.saturating_add(e.domain().len()); // length, domain, flags
    if let Some(p) = &e.policy {
        // id length (1), id, mode (1), max_age (4), fetched_at (8), count (1)
        n = n.saturating_add(15).saturating_add(p.id.as_bytes().len());
        for text in mx_texts(p) {
            n = n.saturating_add(1).saturating_add(text.len());
        }
    }
    if let Some(f) = &e.failure {
        // id length (1), id, failure time (8)
        n = n.saturating_add(9).saturating_add(f.id.as_bytes().len());
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
        // Every length written here (domain, id, pattern) is below 256.
        self.u8(u8::try_from(bytes.len()).unwrap_or(u8::MAX));
        self.bytes(bytes);
    }
}

fn write_entry(w: &mut Writer<'_>, e: &Entry) {
    w.short(e.domain());
    let mut flags = 0;
    if e.policy.is_some() {
        flags |= FLAG_POLICY;
    }
    if e.failure.is_some() {
        flags |= FLAG_FAILURE;
    }
    w.u8(flags);
    if let Some(p) = &e.policy {
        w.short(p.id.as_bytes());
        w.u8(match p.mode {
            Mode::Enforce => 0,
            Mode::Testing => 1,
            Mode::None => 2,
        });
        w.bytes(&p.max_age.to_be_bytes());
        w.bytes(&p.fetched_at.to_be_bytes());
        w.u8(p.mx_count);
        for text in mx_texts(p) {
            w.short(text);
        }
    }
    if let Some(f) = &e.failure {
        w.short(f.id.as_bytes());
        w.bytes(&f.at.to_be_bytes());
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

    fn id(&mut self) -> Result<StsId, Error> {
        StsId::new(self.short()?).map_err(|_| Error::CacheImageCorrupt)
    }
}

/// Decodes and validates `count` entries, calling `f(index, domain, entry)`
/// for each; the body must end exactly after the last one.
fn decode_entries<'b>(
    body: &'b [u8],
    count: usize,
    mut f: impl FnMut(usize, &'b [u8], Entry) -> Result<(), Error>,
) -> Result<(), Error> {
    let mut r = Reader { rest: body };
    for i in 0..count {
        let domain = r.short()?;
        let key = Domain::new(domain).map_err(|_| Error::CacheImageCorrupt)?;
        if key.as_bytes() != domain {
            return Err(Error::CacheImageCorrupt); // exported domains are normalized
        }
        let mut entry = key.entry();
        let flags = r.u8()?;
        if flags & !(FLAG_POLICY | FLAG_FAILURE) != 0 {
            return Err(Error::CacheImageCorrupt);
        }
        if flags & FLAG_POLICY != 0 {
            entry.policy = Some(decode_policy(&mut r)?);
        }
        if flags & FLAG_FAILURE != 0 {
            let id = r.id()?;
            let at = u64::from_be_bytes(r.array()?);
            entry.failure = Some(Failure { id, at });
        }
        f(i, domain, entry)?;
    }
    if !r.rest.is_empty() {
        return Err(Error::CacheImageCorrupt);
    }
    Ok(())
}

fn decode_policy(r: &mut Reader<'_>) -> Result<Stored, Error> {
    let id = r.id()?;
    let mode = match r.u8()? {
        0 => Mode::Enforce,
        1 => Mode::Testing,
        2 => Mode::None,
        _ => return Err(Error::CacheImageCorrupt),
    };
    let max_age = u32::from_be_bytes(r.array()?);
    if max_age > crate::policy::MAX_MAX_AGE {
        return Err(Error::CacheImageCorrupt);
    }
    let fetched_at = u64::from_be_bytes(r.array()?);
    let count = usize::from(r.u8()?);
    if count > MAX_MX_PATTERNS || (count == 0 && mode != Mode::None) {
        return Err(Error::CacheImageCorrupt);
    }
    let mut stored = Stored {
        id,
        mode,
        max_age,
        fetched_at,
        mx: [0; MAX_CACHED_MX_LEN],
        mx_lens: [0; MAX_MX_PATTERNS],
        mx_count: u8::try_from(count).map_err(|_| Error::CacheImageCorrupt)?,
    };
    let mut pos = 0usize;
    for i in 0..count {
        let text = r.short()?;
        let pattern = MxPattern::parse(text).map_err(|_| Error::CacheImageCorrupt)?;
        let canonical_len = usize::from(pattern.is_wildcard())
            .saturating_mul(2)
            .saturating_add(pattern.domain().len());
        if canonical_len != text.len() {
            return Err(Error::CacheImageCorrupt); // a trailing dot was stored
        }
        let end = pos
            .checked_add(text.len())
            .ok_or(Error::CacheImageCorrupt)?;
        let dst = stored
            .mx
            .get_mut(pos..end)
            .ok_or(Error::CacheImageCorrupt)?;
        dst.copy_from_slice(text);
        *stored.mx_lens.get_mut(i).ok_or(Error::CacheImageCorrupt)? =
            u8::try_from(text.len()).map_err(|_| Error::CacheImageCorrupt)?;
        pos = end;
    }
    Ok(stored)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::Warning;

    fn policy(body: &str) -> Policy<'_> {
        let mut w = [Warning::EMPTY; 4];
        Policy::parse(body.as_bytes(), &mut w).unwrap()
    }

    fn id(s: &str) -> StsId {
        StsId::new(s.as_bytes()).unwrap()
    }

    const ENFORCE: &str =
        "version: STSv1\nmode: enforce\nmx: mx1.example.com\nmx: *.example.net\nmax_age: 1000\n";
    const TESTING: &str = "version: STSv1\nmode: testing\nmx: mx.example.org\nmax_age: 500\n";

    #[test]
    fn lifetime_ids_and_backoff() {
        let mut c = PolicyCache::<4>::new();
        let p = policy(ENFORCE);
        assert_eq!(c.observe_id(b"example.com", &id("a"), 0), FetchNeed::Fetch);
        c.store(b"example.com", id("a"), &p, 100).unwrap();
        assert_eq!(
            c.observe_id(b"EXAMPLE.com.", &id("a"), 1099),
            FetchNeed::UpToDate
        );
        assert_eq!(
            c.observe_id(b"example.com", &id("a"), 1100),
            FetchNeed::Fetch
        );
        assert_eq!(
            c.observe_id(b"example.com", &id("b"), 200),
            FetchNeed::Fetch
        );
        match c.lookup(b"example.com", 1099) {
            Lookup::Fresh(cp) => {
                assert_eq!(
                    (cp.mode(), cp.max_age(), cp.expires_at()),
                    (Mode::Enforce, 1000, 1100)
                );
                assert!(cp.allows_mx(b"mx1.example.com"));
                assert!(cp.allows_mx(b"a.example.net"));
                assert!(!cp.allows_mx(b"a.b.example.net"));
            }
            other => panic!("{other:?}"),
        }
        // A failed fetch of a new id keeps the enforce policy and backs off.
        assert_eq!(
            c.record_failure(b"example.com", id("b"), 200),
            Ok(FailureOutcome::UseCached(Mode::Enforce))
        );
        assert_eq!(
            c.observe_id(b"example.com", &id("b"), 499),
            FetchNeed::BackOff { until: 500 }
        );
        assert!(!c.should_fetch(b"example.com", &id("b"), 499));
        assert!(c.should_fetch(b"example.com", &id("b"), 500));
        assert!(c.should_fetch(b"example.com", &id("c"), 201));
        assert!(matches!(c.lookup(b"example.com", 300), Lookup::Fresh(_)));
        // After expiry a failure means no policy.
        assert_eq!(
            c.record_failure(b"example.com", id("b"), 2000),
            Ok(FailureOutcome::NoPolicy)
        );
        // A failure for an unknown domain is recorded too.
        assert_eq!(
            c.record_failure(b"other.example", id("x"), 10),
            Ok(FailureOutcome::NoPolicy)
        );
        assert!(!c.should_fetch(b"other.example", &id("x"), 11));
        // A new valid policy replaces the old one and clears the failure.
        c.store(b"example.com", id("b"), &policy(TESTING), 3000)
            .unwrap();
        assert!(
            matches!(c.lookup(b"example.com", 3001), Lookup::Fresh(p) if p.mode() == Mode::Testing && p.id() == id("b"))
        );
        assert_eq!(
            c.store(b"bad domain", id("a"), &p, 0),
            Err(Error::InvalidDomain)
        );
        assert!(c.remove(b"example.com"));
        assert!(matches!(c.lookup(b"example.com", 3001), Lookup::Absent));
    }

    #[test]
    fn eviction_and_refresh() {
        let mut c = PolicyCache::<3>::new();
        let p = policy(ENFORCE); // max_age 1000
        c.store(b"a.example", id("1"), &p, 0).unwrap(); // expires 1000
        c.store(b"b.example", id("1"), &p, 500).unwrap(); // expires 1500
        c.store(b"c.example", id("1"), &p, 200).unwrap(); // expires 1200
        let mut due: [&[u8]; 1] = [&[]];
        assert_eq!(c.due_for_refresh(900, 300, &mut due), 2);
        assert_eq!(due[0], b"a.example");
        // Full, all fresh: a failure does not evict; a store evicts the soonest expiry.
        assert_eq!(
            c.record_failure(b"d.example", id("1"), 600),
            Ok(FailureOutcome::NoPolicy)
        );
        assert!(c.should_fetch(b"d.example", &id("1"), 601));
        c.store(b"d.example", id("1"), &p, 600).unwrap();
        assert!(matches!(c.lookup(b"a.example", 600), Lookup::Absent));
        // Expired entries go first.
        c.store(b"e.example", id("1"), &p, 1300).unwrap();
        assert!(matches!(c.lookup(b"c.example", 1300), Lookup::Absent));
        assert!(matches!(c.lookup(b"b.example", 1300), Lookup::Fresh(_)));
        assert_eq!(c.len(), 3);
    }

    #[test]
    fn too_large_for_cache_changes_nothing() {
        let mut body = std::string::String::from("version: STSv1\nmode: enforce\nmax_age: 5\n");
        for i in 0..MAX_MX_PATTERNS {
            body.push_str(&std::format!("mx: {}{i}.example.com\n", "a".repeat(60)));
        }
        let p = policy(&body);
        let mut c = PolicyCache::<2>::new();
        assert_eq!(
            c.store(b"example.com", id("1"), &p, 0),
            Err(Error::PolicyTooLargeForCache)
        );
        assert!(c.is_empty());
    }

    fn sample() -> PolicyCache<4> {
        let mut c = PolicyCache::<4>::new();
        c.store(b"example.com", id("a1"), &policy(ENFORCE), 100)
            .unwrap();
        c.store(b"example.org", id("b2"), &policy(TESTING), 200)
            .unwrap();
        c.record_failure(b"example.org", id("b3"), 250).unwrap();
        c.record_failure(b"example.net", id("c"), 260).unwrap();
        c
    }

    fn image<const N: usize>(c: &PolicyCache<N>) -> std::vec::Vec<u8> {
        let mut out = std::vec![0u8; c.export_len()];
        assert_eq!(c.export(&mut out), Ok(out.len()));
        out
    }

    #[test]
    fn export_import_round_trip() {
        let c = sample();
        let img = image(&c);
        let mut small = std::vec![0u8; img.len() - 1];
        assert_eq!(
            c.export(&mut small),
            Err(Error::BufferTooSmall { needed: img.len() })
        );
        let mut d = PolicyCache::<4>::new();
        d.import(&img).unwrap();
        assert_eq!(image(&d), img);
        assert!(
            matches!(d.lookup(b"example.com", 150), Lookup::Fresh(p) if p.allows_mx(b"x.example.net"))
        );
        assert!(!d.should_fetch(b"example.net", &id("c"), 261));
        // Too many entries for the target.
        let mut tiny = PolicyCache::<2>::new();
        assert_eq!(tiny.import(&img), Err(Error::BufferTooSmall { needed: 3 }));
        assert!(tiny.is_empty());
    }

    #[test]
    fn corrupt_images_change_nothing() {
        let img = image(&sample());
        let mut target = PolicyCache::<4>::new();
        target
            .store(b"keep.example", id("k"), &policy(TESTING), 0)
            .unwrap();
        let before = image(&target);
        for len in 0..img.len() {
            assert!(target.import(&img[..len]).is_err(), "truncated to {len}");
        }
        let mut extended = img.clone();
        extended.push(0);
        assert!(target.import(&extended).is_err());
        assert_eq!(
            target.import(b"XXXX\x01\x00\x00"),
            Err(Error::CacheImageUnsupported)
        );
        assert_eq!(image(&target), before);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

        /// Export then import gives back the same cache (same image).
        #[test]
        fn round_trip(entries in proptest::collection::vec(
            ("[a-z]{1,12}\\.example", "[A-Za-z0-9]{1,32}", 0u64..1_000_000, proptest::prelude::any::<bool>()),
            0..6,
        )) {
            let mut c = PolicyCache::<6>::new();
            for (domain, i, t, fail) in &entries {
                c.store(domain.as_bytes(), id(i), &policy(ENFORCE), *t).unwrap();
                if *fail {
                    c.record_failure(domain.as_bytes(), id("z"), t + 1).unwrap();
                }
            }
            let img = image(&c);
            let mut d = PolicyCache::<6>::new();
            d.import(&img).unwrap();
            proptest::prop_assert_eq!(image(&d), img);
        }

        /// Any single flipped byte is detected and leaves the cache unchanged.
        #[test]
        fn any_byte_flip_is_rejected(pos in 0usize..4096, mask in 1u8..=255) {
            let img = image(&sample());
            let pos = pos % img.len();
            let mut bad = img.clone();
            bad[pos] ^= mask;
            let mut target = PolicyCache::<4>::new();
            target.store(b"keep.example", id("k"), &policy(TESTING), 0).unwrap();
            let before = image(&target);
            proptest::prop_assert!(target.import(&bad).is_err());
            proptest::prop_assert_eq!(image(&target), before);
        }

        /// Random images never panic and never change the cache.
        #[test]
        fn random_images(mut bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300)) {
            if bytes.len() > 4 {
                bytes[..4].copy_from_slice(MAGIC);
                bytes[4] = FORMAT_VERSION;
            }
            let mut target = PolicyCache::<2>::new();
            proptest::prop_assert!(target.import(&bytes).is_err());
            proptest::prop_assert!(target.is_empty());
        }
    }
}
