//! The MTA-STS policy cache (RFC 8461 §5.1) in caller-provided storage.

use std::ffi::{c_char, c_void};
use std::time::Duration;

use mxtrust_core::Error;
use mxtrust_core::cache::{
    CacheState, FailureOutcome, FetchNeed, Lookup, PolicyCache, Slot, Stored,
};
use mxtrust_core::limits::{MAX_CACHE_SLOTS, MAX_CACHE_TEXT};
use mxtrust_core::sts;
use mxtrust_core::time::unix_time;

use crate::policy::{mxtrust_sts_mode, policy_ref};
use crate::sts::mxtrust_sts_id;
use crate::{
    boundary, c_str, mxtrust_policy, mxtrust_result, mxtrust_slice, needed, non_null, put, put_all,
    slice, slice_mut,
};

const CACHE_MAGIC: u64 = 0x6d78_7473_6361_6332; // "mxtscac2"

/// The start of a cache's storage; its slots and text arena follow.
#[repr(C)]
struct Header {
    magic: u64,
    capacity: usize,
    text_len: usize,
    state: CacheState,
}

/// Offsets of the slots and the arena, and the whole size; `None` beyond
/// the core's limits or `usize`.
fn layout(capacity: usize, text_len: usize) -> Option<(usize, usize, usize)> {
    if capacity > MAX_CACHE_SLOTS || text_len > MAX_CACHE_TEXT {
        return None;
    }
    let slots_at = size_of::<Header>().next_multiple_of(align_of::<Slot>());
    let text_at = slots_at.checked_add(capacity.checked_mul(size_of::<Slot>())?)?;
    let total = text_at.checked_add(text_len)?;
    // A C object may not exceed PTRDIFF_MAX.
    (isize::try_from(total).is_ok()).then_some((slots_at, text_at, total))
}

/// An MTA-STS policy cache living in storage the caller provides
/// (`mxtrust_policy_cache_size(capacity, text_len)` octets, aligned to
/// `mxtrust_policy_cache_align()`), made by `mxtrust_policy_cache_init`. It
/// needs no cleanup: free the storage when done. Not thread-safe: use one
/// from one thread at a time.
pub struct mxtrust_policy_cache {
    _private: [u8; 0],
}

/// Runs `f` on the cache in `p` and saves its bookkeeping afterwards.
fn with_cache<R>(
    p: *const mxtrust_policy_cache,
    f: impl FnOnce(&mut PolicyCache<'_>) -> Result<R, mxtrust_result>,
) -> Result<R, mxtrust_result> {
    non_null(p)?;
    let header = p.cast::<Header>().cast_mut();
    if !header.is_aligned() {
        return Err(mxtrust_result::MisalignedStorage);
    }
    // SAFETY: non-NULL and aligned; the caller promises a pointer from
    // `mxtrust_policy_cache_init`, whose first word is plain data.
    let magic = unsafe { header.cast::<u64>().read() };
    if magic != CACHE_MAGIC {
        return Err(mxtrust_result::Uninitialized);
    }
    // SAFETY: the magic number is written only by `mxtrust_policy_cache_init`
    // together with a valid header, and the caller gives the cache to one
    // call at a time (the header says "not thread-safe"), so nothing else
    // refers to this storage during the call.
    let header = unsafe { &mut *header };
    let (slots_at, text_at, _) =
        layout(header.capacity, header.text_len).ok_or(mxtrust_result::Uninitialized)?;
    let base = p.cast::<u8>().cast_mut();
    // SAFETY: `init` checked that the storage holds `layout(..)` octets and
    // wrote `capacity` initialised slots at `slots_at`; the header, the
    // slots and the arena do not overlap. Arena octets are plain `u8`s
    // (`init` zeroes them).
    let (slots, text) = unsafe {
        (
            std::slice::from_raw_parts_mut(base.add(slots_at).cast::<Slot>(), header.capacity),
            std::slice::from_raw_parts_mut(base.add(text_at), header.text_len),
        )
    };
    let mut cache = PolicyCache::resume(header.state, slots, text);
    let result = f(&mut cache);
    header.state = cache.state();
    result
}

/// The octets of storage a policy cache for `capacity` domains with
/// `text_len` octets of text arena needs; 0 when that is beyond the limits
/// (2^30 domains, 2^31 octets of arena, `PTRDIFF_MAX` in all). Each domain
/// takes 120 octets plus its share of the arena: 4 octets, its name, and
/// each `mx` pattern with one octet more (`mx.example.net` takes 15), so
/// 128 octets of arena per domain cover names of about 40 characters with
/// two such patterns.
#[unsafe(no_mangle)]
pub extern "C" fn mxtrust_policy_cache_size(capacity: usize, text_len: usize) -> usize {
    layout(capacity, text_len).map_or(0, |(_, _, total)| total)
}

/// The alignment, in octets, that policy cache storage needs (`malloc`'s
/// alignment is enough).
#[unsafe(no_mangle)]
pub extern "C" fn mxtrust_policy_cache_align() -> usize {
    align_of::<Header>().max(align_of::<Slot>())
}

/// Makes an empty policy cache for `capacity` domains and `text_len` octets
/// of names and patterns in `storage` and points `*out_cache` at it.
/// `hash_key` points to 16 octets from a random source (`getrandom`,
/// `/dev/urandom`): they key the hash of domain names, so that nobody who
/// does not know them can choose domains that collide.
///
/// Results: `MXTRUST_RESULT_INSUFFICIENT_SIZE` with `*out_needed` =
/// `mxtrust_policy_cache_size(capacity, text_len)`;
/// `MXTRUST_RESULT_LENGTH_TOO_LARGE` when that size is 0 (beyond the
/// limits); `MXTRUST_RESULT_MISALIGNED_STORAGE`;
/// `MXTRUST_RESULT_NULL_PARAMETER`.
#[unsafe(no_mangle)]
pub extern "C" fn mxtrust_policy_cache_init(
    storage: *mut c_void,
    storage_len: usize,
    capacity: usize,
    text_len: usize,
    hash_key: *const u8,
    out_cache: *mut *mut mxtrust_policy_cache,
    out_needed: *mut usize,
) -> mxtrust_result {
    boundary(|| {
        non_null(storage)?;
        non_null(hash_key)?;
        non_null(out_cache)?;
        non_null(out_needed)?;
        let (slots_at, text_at, total) =
            layout(capacity, text_len).ok_or(mxtrust_result::LengthTooLarge)?;
        if storage_len < total {
            return Err(needed(Error::BufferTooSmall { needed: total }, out_needed));
        }
        let header = storage.cast::<Header>();
        if !header.is_aligned() {
            return Err(mxtrust_result::MisalignedStorage);
        }
        let key: [u8; 16] = slice(hash_key, 16)?
            .try_into()
            .map_err(|_| mxtrust_result::InvalidParameter)?;
        let base = storage.cast::<u8>();
        // SAFETY: the caller's storage is `storage_len` >= `total` writable
        // octets, aligned for the header and (as `slots_at` is a multiple of
        // the slot alignment) for the slots. The slots are written before a
        // slice is made of them; the arena is zeroed first.
        let state = unsafe {
            let slots_ptr = base.add(slots_at).cast::<Slot>();
            for i in 0..capacity {
                slots_ptr.add(i).write(Slot::EMPTY);
            }
            base.add(text_at).write_bytes(0, text_len);
            let slots = std::slice::from_raw_parts_mut(slots_ptr, capacity);
            let text = std::slice::from_raw_parts_mut(base.add(text_at), text_len);
            PolicyCache::new(slots, text, key).state()
        };
        put(
            header,
            Header {
                magic: CACHE_MAGIC,
                capacity,
                text_len,
                state,
            },
        );
        put(out_cache, storage.cast::<mxtrust_policy_cache>());
        Ok(())
    })
}

/// How many domains the cache can hold (its `capacity`), and how many
/// octets of its text arena are in use and in all.
///
/// Results: `MXTRUST_RESULT_UNINITIALIZED`, `MXTRUST_RESULT_NULL_PARAMETER`.
#[unsafe(no_mangle)]
pub extern "C" fn mxtrust_policy_cache_capacity(
    cache: *const mxtrust_policy_cache,
    out_capacity: *mut usize,
    out_text_used: *mut usize,
    out_text_len: *mut usize,
) -> mxtrust_result {
    boundary(|| {
        non_null(out_capacity)?;
        non_null(out_text_used)?;
        non_null(out_text_len)?;
        let (capacity, used, len) = with_cache(cache, |c| {
            Ok((c.capacity(), c.text_used(), c.text_capacity()))
        })?;
        put(out_capacity, capacity);
        put(out_text_used, used);
        put(out_text_len, len);
        Ok(())
    })
}

/// How many domains the cache holds.
///
/// Results: `MXTRUST_RESULT_UNINITIALIZED`, `MXTRUST_RESULT_NULL_PARAMETER`.
#[unsafe(no_mangle)]
pub extern "C" fn mxtrust_policy_cache_len(
    cache: *const mxtrust_policy_cache,
    out_len: *mut usize,
) -> mxtrust_result {
    boundary(|| {
        non_null(out_len)?;
        put(out_len, with_cache(cache, |c| Ok(c.len()))?);
        Ok(())
    })
}

/// Whether the cache has a policy for a domain, and whether it is fresh.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum mxtrust_cache_state {
    /// An unexpired policy: apply it.
    Fresh = 1,
    /// An expired policy: do not apply it (RFC 8461 §5.1); refetch.
    Expired = 2,
    /// No policy for the domain.
    Absent = 3,
}

/// What `mxtrust_policy_cache_lookup` found. The policy fields are set
/// unless `state` is `MXTRUST_CACHE_STATE_ABSENT`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct mxtrust_cached_policy {
    /// Fresh, expired or absent.
    pub state: mxtrust_cache_state,
    /// The id of the TXT record the policy was fetched under.
    pub id: mxtrust_sts_id,
    /// The mode.
    pub mode: mxtrust_sts_mode,
    /// `max_age` in seconds.
    pub max_age: u32,
    /// When the policy was fetched (seconds since the Unix epoch).
    pub fetched_at: u64,
    /// The first second at which it is expired.
    pub expires_at: u64,
}

/// The cached policy of `domain` (NUL-terminated; ASCII case-insensitive,
/// one trailing dot ignored) and whether it is fresh at `now`.
///
/// Results: `MXTRUST_RESULT_UNINITIALIZED`, `MXTRUST_RESULT_INVALID_UTF8`,
/// `MXTRUST_RESULT_NULL_PARAMETER`.
#[unsafe(no_mangle)]
pub extern "C" fn mxtrust_policy_cache_lookup(
    cache: *const mxtrust_policy_cache,
    domain: *const c_char,
    now: u64,
    out_policy: *mut mxtrust_cached_policy,
) -> mxtrust_result {
    boundary(|| {
        non_null(out_policy)?;
        with_cache(cache, |cache| {
            let domain = c_str(domain)?;
            let (state, policy) = match cache.lookup(domain.as_bytes(), unix_time(now)) {
                Lookup::Fresh(p) => (mxtrust_cache_state::Fresh, Some(p)),
                Lookup::Expired(p) => (mxtrust_cache_state::Expired, Some(p)),
                Lookup::Absent => (mxtrust_cache_state::Absent, None),
            };
            put(
                out_policy,
                mxtrust_cached_policy {
                    state,
                    id: policy.map_or(mxtrust_sts_id::EMPTY, |p| {
                        mxtrust_sts_id::from_core(&p.id())
                    }),
                    mode: policy.map_or(mxtrust_sts_mode::None, |p| {
                        mxtrust_sts_mode::from_core(p.mode())
                    }),
                    max_age: policy.map_or(0, |p| p.max_age()),
                    fetched_at: policy.map_or(0, |p| p.fetched_at().as_secs()),
                    expires_at: policy.map_or(0, |p| p.expires_at().as_secs()),
                },
            );
            Ok(())
        })
    })
}

/// Whether the policy cached for `domain` (fresh or expired: check
/// `mxtrust_policy_cache_lookup` first) allows the MX host `host`
/// (RFC 8461 §4.1).
///
/// Results: `MXTRUST_RESULT_NOT_FOUND` when no policy is cached for the
/// domain; `MXTRUST_RESULT_UNINITIALIZED`, `MXTRUST_RESULT_INVALID_UTF8`,
/// `MXTRUST_RESULT_NULL_PARAMETER`.
#[unsafe(no_mangle)]
pub extern "C" fn mxtrust_policy_cache_allows_mx(
    cache: *const mxtrust_policy_cache,
    domain: *const c_char,
    host: *const c_char,
    out_allowed: *mut bool,
) -> mxtrust_result {
    boundary(|| {
        non_null(out_allowed)?;
        with_cache(cache, |cache| {
            let domain = c_str(domain)?;
            let host = c_str(host)?;
            let allowed = match cache.lookup(domain.as_bytes(), unix_time(0)) {
                Lookup::Fresh(p) | Lookup::Expired(p) => p.allows_mx(host.as_bytes()),
                Lookup::Absent => return Err(mxtrust_result::NotFound),
            };
            put(out_allowed, allowed);
            Ok(())
        })
    })
}

fn sts_id(id: *const c_char) -> Result<sts::PolicyId, mxtrust_result> {
    Ok(sts::PolicyId::new(c_str(id)?.as_bytes())?)
}

/// Whether to fetch a policy (RFC 8461 §5.1).
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum mxtrust_fetch_action {
    /// An unexpired policy with this id is cached: no fetch.
    UpToDate = 1,
    /// Fetch: no policy, an expired one, or one with another id.
    Fetch = 2,
    /// A fetch for this id failed recently; retry at `until`.
    BackOff = 3,
}

/// The answer of `mxtrust_policy_cache_observe_id`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct mxtrust_fetch_need {
    /// What to do.
    pub action: mxtrust_fetch_action,
    /// With `MXTRUST_FETCH_ACTION_BACK_OFF`: the first second a retry is
    /// allowed; otherwise 0.
    pub until: u64,
}

/// Whether to fetch the policy of `domain` now that its `_mta-sts` TXT
/// record says `id` (RFC 8461 §5.1). The cache is not changed.
///
/// Results: `MXTRUST_RESULT_STS_INVALID_ID`, `MXTRUST_RESULT_UNINITIALIZED`,
/// `MXTRUST_RESULT_INVALID_UTF8`, `MXTRUST_RESULT_NULL_PARAMETER`.
#[unsafe(no_mangle)]
pub extern "C" fn mxtrust_policy_cache_observe_id(
    cache: *const mxtrust_policy_cache,
    domain: *const c_char,
    id: *const c_char,
    now: u64,
    out_need: *mut mxtrust_fetch_need,
) -> mxtrust_result {
    boundary(|| {
        non_null(out_need)?;
        with_cache(cache, |cache| {
            let domain = c_str(domain)?;
            let id = sts_id(id)?;
            let need = match cache.observe_id(domain.as_bytes(), &id, unix_time(now)) {
                FetchNeed::UpToDate => (mxtrust_fetch_action::UpToDate, 0),
                FetchNeed::Fetch => (mxtrust_fetch_action::Fetch, 0),
                FetchNeed::BackOff { until } => (mxtrust_fetch_action::BackOff, until.as_secs()),
            };
            put(
                out_need,
                mxtrust_fetch_need {
                    action: need.0,
                    until: need.1,
                },
            );
            Ok(())
        })
    })
}

/// What `mxtrust_policy_cache_store` did.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum mxtrust_store_outcome {
    /// A new domain took free room.
    Inserted = 1,
    /// The domain's previous entry was replaced in its room.
    Replaced = 2,
    /// Stored after evicting entries that protected nothing at `fetched_at`
    /// (expired or `mode: none` policies, back-off records); never a live
    /// `enforce` or `testing` policy.
    Evicted = 3,
}

/// The answer of `mxtrust_policy_cache_store`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct mxtrust_cache_stored {
    /// Inserted, replaced, or stored after evictions.
    pub outcome: mxtrust_store_outcome,
    /// With `MXTRUST_STORE_OUTCOME_EVICTED`: how many entries were evicted;
    /// otherwise 0.
    pub evicted_count: usize,
    /// With `MXTRUST_STORE_OUTCOME_EVICTED`: the last evicted domain,
    /// NUL-terminated; otherwise "".
    pub evicted_domain: [c_char; 254],
}

/// Caches a freshly fetched, valid policy for `domain`, fetched at
/// `fetched_at` under the TXT `id`; it replaces the domain's previous
/// policy and clears its failure record. Room comes only from entries that
/// protect nothing at `fetched_at`, and `*out_stored` names what was
/// evicted. The cache copies what it needs: the policy and its body may go
/// away afterwards.
///
/// Results: `MXTRUST_RESULT_CACHE_FULL` when every other entry holds a live
/// policy (the cache keeps them all, and the domain's previous entry);
/// `MXTRUST_RESULT_POLICY_TOO_LARGE_FOR_CACHE` when the entry needs more
/// than the whole text arena (mxtrust's capacity, not the publisher's
/// error; the cache is unchanged); `MXTRUST_RESULT_INVALID_DOMAIN`,
/// `MXTRUST_RESULT_STS_INVALID_ID`, `MXTRUST_RESULT_UNINITIALIZED`,
/// `MXTRUST_RESULT_INVALID_UTF8`, `MXTRUST_RESULT_NULL_PARAMETER`.
#[unsafe(no_mangle)]
pub extern "C" fn mxtrust_policy_cache_store(
    cache: *mut mxtrust_policy_cache,
    domain: *const c_char,
    id: *const c_char,
    policy: *const mxtrust_policy,
    fetched_at: u64,
    out_stored: *mut mxtrust_cache_stored,
) -> mxtrust_result {
    boundary(|| {
        non_null(out_stored)?;
        with_cache(cache, |cache| {
            let domain = c_str(domain)?;
            let id = sts_id(id)?;
            let policy = policy_ref(policy)?;
            let mut stored = mxtrust_cache_stored {
                outcome: mxtrust_store_outcome::Inserted,
                evicted_count: 0,
                evicted_domain: [0; 254],
            };
            match cache.store(domain.as_bytes(), id, policy, unix_time(fetched_at))? {
                Stored::Inserted => {}
                Stored::Replaced => stored.outcome = mxtrust_store_outcome::Replaced,
                Stored::Evicted { count, last } => {
                    stored.outcome = mxtrust_store_outcome::Evicted;
                    stored.evicted_count = count;
                    put_all(
                        &mut stored.evicted_domain[..253],
                        last.as_bytes().iter().map(|&b| c_char::from_ne_bytes([b])),
                    );
                }
            }
            put(out_stored, stored);
            Ok(())
        })
    })
}

/// What to do after a failed fetch.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct mxtrust_failure_outcome {
    /// An unexpired policy is cached and stays in force (under `enforce`
    /// the failure is temporary); false: deliver as if the domain had no
    /// MTA-STS policy.
    pub use_cached: bool,
    /// With `use_cached`: the cached policy's mode.
    pub mode: mxtrust_sts_mode,
}

/// Records a failed fetch of policy `id` of `domain` at `now` (RFC 8461
/// §5.1): that id is not fetched again for at least 5 minutes, and an
/// unexpired cached policy stays in force. The back-off is recorded even
/// when the cache is full (in a small overflow list, see the README).
///
/// Results: `MXTRUST_RESULT_INVALID_DOMAIN`, `MXTRUST_RESULT_STS_INVALID_ID`,
/// `MXTRUST_RESULT_UNINITIALIZED`, `MXTRUST_RESULT_INVALID_UTF8`,
/// `MXTRUST_RESULT_NULL_PARAMETER`.
#[unsafe(no_mangle)]
pub extern "C" fn mxtrust_policy_cache_record_failure(
    cache: *mut mxtrust_policy_cache,
    domain: *const c_char,
    id: *const c_char,
    now: u64,
    out_outcome: *mut mxtrust_failure_outcome,
) -> mxtrust_result {
    boundary(|| {
        non_null(out_outcome)?;
        with_cache(cache, |cache| {
            let domain = c_str(domain)?;
            let id = sts_id(id)?;
            let outcome = match cache.record_failure(domain.as_bytes(), id, unix_time(now))? {
                FailureOutcome::UseCached(mode) => mxtrust_failure_outcome {
                    use_cached: true,
                    mode: mxtrust_sts_mode::from_core(mode),
                },
                FailureOutcome::NoPolicy => mxtrust_failure_outcome {
                    use_cached: false,
                    mode: mxtrust_sts_mode::None,
                },
            };
            put(out_outcome, outcome);
            Ok(())
        })
    })
}

/// Forgets `domain`; `*out_removed` says whether it was cached.
///
/// Results: `MXTRUST_RESULT_UNINITIALIZED`, `MXTRUST_RESULT_INVALID_UTF8`,
/// `MXTRUST_RESULT_NULL_PARAMETER`.
#[unsafe(no_mangle)]
pub extern "C" fn mxtrust_policy_cache_remove(
    cache: *mut mxtrust_policy_cache,
    domain: *const c_char,
    out_removed: *mut bool,
) -> mxtrust_result {
    boundary(|| {
        non_null(out_removed)?;
        with_cache(cache, |cache| {
            let domain = c_str(domain)?;
            put(out_removed, cache.remove(domain.as_bytes()));
            Ok(())
        })
    })
}

/// The domains whose unexpired policy expires within `window` seconds of
/// `now`, for refreshing ahead of expiry (this visits every slot). The first `out_len` go into `out`
/// (pointing into the cache, valid until it next changes; not
/// NUL-terminated); `*out_count` counts all of them.
///
/// Results: `MXTRUST_RESULT_UNINITIALIZED`, `MXTRUST_RESULT_NULL_PARAMETER`.
#[unsafe(no_mangle)]
pub extern "C" fn mxtrust_policy_cache_due_for_refresh(
    cache: *const mxtrust_policy_cache,
    now: u64,
    window: u64,
    out: *mut mxtrust_slice,
    out_len: usize,
    out_count: *mut usize,
) -> mxtrust_result {
    boundary(|| {
        non_null(out_count)?;
        with_cache(cache, |cache| {
            let out = slice_mut(out, out_len)?;
            let due = || cache.due_domains(unix_time(now), Duration::from_secs(window));
            put_all(out, due().map(mxtrust_slice::from_bytes));
            put(out_count, due().count());
            Ok(())
        })
    })
}

/// The size in octets of the image `mxtrust_policy_cache_export` writes.
///
/// Results: `MXTRUST_RESULT_UNINITIALIZED`, `MXTRUST_RESULT_NULL_PARAMETER`.
#[unsafe(no_mangle)]
pub extern "C" fn mxtrust_policy_cache_export_len(
    cache: *const mxtrust_policy_cache,
    out_len: *mut usize,
) -> mxtrust_result {
    boundary(|| {
        non_null(out_len)?;
        put(out_len, with_cache(cache, |c| Ok(c.export_len()))?);
        Ok(())
    })
}

/// Writes the cache as a checksummed image (format version 2) into `out`,
/// for storing where only the MTA can write and importing after a restart.
///
/// Results: `MXTRUST_RESULT_INSUFFICIENT_SIZE` with `*out_needed` (nothing
/// written); `MXTRUST_RESULT_UNINITIALIZED`, `MXTRUST_RESULT_NULL_PARAMETER`.
#[unsafe(no_mangle)]
pub extern "C" fn mxtrust_policy_cache_export(
    cache: *const mxtrust_policy_cache,
    out: *mut u8,
    out_len: usize,
    out_written: *mut usize,
    out_needed: *mut usize,
) -> mxtrust_result {
    boundary(|| {
        non_null(out_written)?;
        non_null(out_needed)?;
        with_cache(cache, |cache| {
            let out = slice_mut(out, out_len)?;
            let written = cache.export(out).map_err(|e| needed(e, out_needed))?;
            put(out_written, written);
            Ok(())
        })
    })
}

/// What `mxtrust_policy_cache_import` did.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct mxtrust_cache_imported {
    /// Entries now in the cache.
    pub kept: usize,
    /// Entries of the image that did not fit (latest expiry is kept first;
    /// expired, `mode: none` and back-off entries go first).
    pub dropped: usize,
}

/// Replaces the cache's contents with an image from
/// `mxtrust_policy_cache_export` (format version 2, or version 1 of earlier
/// releases). The image is checked completely first; on any error the
/// cache is unchanged. An image larger than the cache keeps what fits,
/// longest-lived first, and counts the rest in `dropped`.
///
/// Results: `MXTRUST_RESULT_CACHE_IMAGE_CORRUPT` (truncated, checksum
/// mismatch, invalid entry), `MXTRUST_RESULT_CACHE_IMAGE_UNSUPPORTED`,
/// `MXTRUST_RESULT_UNINITIALIZED`, `MXTRUST_RESULT_NULL_PARAMETER`.
#[unsafe(no_mangle)]
pub extern "C" fn mxtrust_policy_cache_import(
    cache: *mut mxtrust_policy_cache,
    image: *const u8,
    image_len: usize,
    out_imported: *mut mxtrust_cache_imported,
) -> mxtrust_result {
    boundary(|| {
        non_null(out_imported)?;
        with_cache(cache, |cache| {
            let image = slice(image, image_len)?;
            let imported = cache.import(image)?;
            put(
                out_imported,
                mxtrust_cache_imported {
                    kept: imported.kept,
                    dropped: imported.dropped,
                },
            );
            Ok(())
        })
    })
}
