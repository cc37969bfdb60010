//! The MTA-STS policy cache (RFC 8461 §5.1) in caller-provided storage.

use std::ffi::{c_char, c_void};

use mxtrust_core::cache::{FailureOutcome, FetchNeed, Lookup, PolicyCache};
use mxtrust_core::sts::StsId;

use crate::policy::{mxtrust_sts_mode, policy_ref};
use crate::sts::{mxtrust_sts_id, needed};
use crate::{
    boundary, c_str, mxtrust_policy, mxtrust_result, mxtrust_slice, non_null, put, put_all, slice,
    slice_mut,
};

/// How many domains a policy cache holds.
pub const MXTRUST_POLICY_CACHE_CAPACITY: usize = 64;

type Cache = PolicyCache<MXTRUST_POLICY_CACHE_CAPACITY>;

const CACHE_MAGIC: u64 = 0x6d78_7473_6361_6331; // "mxtscac1"

#[repr(C)]
struct CacheSlot {
    magic: u64,
    cache: Cache,
}

/// A fixed-capacity MTA-STS policy cache living in storage the caller
/// provides (`mxtrust_policy_cache_size()` octets, aligned to
/// `mxtrust_policy_cache_align()`), made by `mxtrust_policy_cache_init`. It
/// needs no cleanup: free the storage when done. Not thread-safe: use one
/// from one thread at a time. `mxtrust_policy_cache_import` needs about
/// `mxtrust_policy_cache_size()` octets of stack.
pub struct mxtrust_policy_cache {
    _private: [u8; 0],
}

fn cache_ref<'a>(p: *const mxtrust_policy_cache) -> Result<&'a Cache, mxtrust_result> {
    non_null(p)?;
    let slot = p.cast::<CacheSlot>();
    if !slot.is_aligned() {
        return Err(mxtrust_result::MisalignedStorage);
    }
    // SAFETY: non-NULL and aligned; the caller promises a pointer from
    // `mxtrust_policy_cache_init`, whose first word is plain data.
    let magic = unsafe { slot.cast::<u64>().read() };
    if magic != CACHE_MAGIC {
        return Err(mxtrust_result::Uninitialized);
    }
    // SAFETY: the magic number is written only by `mxtrust_policy_cache_init`
    // together with a valid cache, and the caller does not use the cache
    // from elsewhere during the call.
    Ok(&unsafe { &*slot }.cache)
}

fn cache_mut<'a>(p: *mut mxtrust_policy_cache) -> Result<&'a mut Cache, mxtrust_result> {
    cache_ref(p)?;
    // SAFETY: `cache_ref` checked pointer, alignment and initialization; the
    // caller promises exclusive access during the call.
    Ok(&mut unsafe { &mut *p.cast::<CacheSlot>() }.cache)
}

/// The octets of storage a policy cache needs.
#[unsafe(no_mangle)]
pub extern "C" fn mxtrust_policy_cache_size() -> usize {
    size_of::<CacheSlot>()
}

/// The alignment, in octets, that policy cache storage needs (`malloc`'s
/// alignment is enough).
#[unsafe(no_mangle)]
pub extern "C" fn mxtrust_policy_cache_align() -> usize {
    align_of::<CacheSlot>()
}

/// How many domains a policy cache holds (`MXTRUST_POLICY_CACHE_CAPACITY`).
#[unsafe(no_mangle)]
pub extern "C" fn mxtrust_policy_cache_capacity() -> usize {
    MXTRUST_POLICY_CACHE_CAPACITY
}

/// Makes an empty policy cache in `storage` and points `*out_cache` at it.
///
/// Results: `MXTRUST_RESULT_INSUFFICIENT_SIZE` with `*out_needed` =
/// `mxtrust_policy_cache_size()`; `MXTRUST_RESULT_MISALIGNED_STORAGE`;
/// `MXTRUST_RESULT_NULL_PARAMETER`.
#[unsafe(no_mangle)]
pub extern "C" fn mxtrust_policy_cache_init(
    storage: *mut c_void,
    storage_len: usize,
    out_cache: *mut *mut mxtrust_policy_cache,
    out_needed: *mut usize,
) -> mxtrust_result {
    boundary(|| {
        non_null(storage)?;
        non_null(out_cache)?;
        non_null(out_needed)?;
        if storage_len < size_of::<CacheSlot>() {
            put(out_needed, size_of::<CacheSlot>());
            return Err(mxtrust_result::InsufficientSize);
        }
        let slot = storage.cast::<CacheSlot>();
        if !slot.is_aligned() {
            return Err(mxtrust_result::MisalignedStorage);
        }
        put(
            slot,
            CacheSlot {
                magic: CACHE_MAGIC,
                cache: Cache::new(),
            },
        );
        put(out_cache, storage.cast::<mxtrust_policy_cache>());
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
        put(out_len, cache_ref(cache)?.len());
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
        let cache = cache_ref(cache)?;
        let domain = c_str(domain)?;
        let (state, policy) = match cache.lookup(domain.as_bytes(), now) {
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
                fetched_at: policy.map_or(0, |p| p.fetched_at()),
                expires_at: policy.map_or(0, |p| p.expires_at()),
            },
        );
        Ok(())
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
        let cache = cache_ref(cache)?;
        let domain = c_str(domain)?;
        let host = c_str(host)?;
        let allowed = match cache.lookup(domain.as_bytes(), 0) {
            Lookup::Fresh(p) | Lookup::Expired(p) => p.allows_mx(host.as_bytes()),
            Lookup::Absent => return Err(mxtrust_result::NotFound),
        };
        put(out_allowed, allowed);
        Ok(())
    })
}

fn sts_id(id: *const c_char) -> Result<StsId, mxtrust_result> {
    Ok(StsId::new(c_str(id)?.as_bytes())?)
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
        let cache = cache_ref(cache)?;
        let domain = c_str(domain)?;
        let id = sts_id(id)?;
        let need = match cache.observe_id(domain.as_bytes(), &id, now) {
            FetchNeed::UpToDate => (mxtrust_fetch_action::UpToDate, 0),
            FetchNeed::Fetch => (mxtrust_fetch_action::Fetch, 0),
            FetchNeed::BackOff { until } => (mxtrust_fetch_action::BackOff, until),
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
}

/// Caches a freshly fetched, valid policy for `domain`, fetched at
/// `fetched_at` under the TXT `id`; it replaces the domain's previous
/// policy and clears its failure record. A new domain in a full cache
/// evicts the least valuable entry. The cache copies what it needs: the
/// policy and its body may go away afterwards.
///
/// Results: `MXTRUST_RESULT_INVALID_DOMAIN`, `MXTRUST_RESULT_STS_INVALID_ID`,
/// `MXTRUST_RESULT_POLICY_TOO_LARGE_FOR_CACHE` (the cache is unchanged
/// then), `MXTRUST_RESULT_UNINITIALIZED`, `MXTRUST_RESULT_INVALID_UTF8`,
/// `MXTRUST_RESULT_NULL_PARAMETER`.
#[unsafe(no_mangle)]
pub extern "C" fn mxtrust_policy_cache_store(
    cache: *mut mxtrust_policy_cache,
    domain: *const c_char,
    id: *const c_char,
    policy: *const mxtrust_policy,
    fetched_at: u64,
) -> mxtrust_result {
    boundary(|| {
        let cache = cache_mut(cache)?;
        let domain = c_str(domain)?;
        let id = sts_id(id)?;
        let policy = policy_ref(policy)?;
        cache.store(domain.as_bytes(), id, policy, fetched_at)?;
        Ok(())
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
/// unexpired cached policy stays in force.
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
        let cache = cache_mut(cache)?;
        let domain = c_str(domain)?;
        let id = sts_id(id)?;
        let outcome = match cache.record_failure(domain.as_bytes(), id, now)? {
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
        let cache = cache_mut(cache)?;
        let domain = c_str(domain)?;
        put(out_removed, cache.remove(domain.as_bytes()));
        Ok(())
    })
}

/// The domains whose unexpired policy expires within `window` seconds of
/// `now`, for refreshing ahead of expiry. The first `out_len` go into `out`
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
        let cache = cache_ref(cache)?;
        let out = slice_mut(out, out_len)?;
        let mut domains: [&[u8]; MXTRUST_POLICY_CACHE_CAPACITY] =
            [&[]; MXTRUST_POLICY_CACHE_CAPACITY];
        let count = cache.due_for_refresh(now, window, &mut domains);
        put_all(
            out,
            domains
                .iter()
                .take(count)
                .map(|d| mxtrust_slice::from_bytes(d)),
        );
        put(out_count, count);
        Ok(())
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
        put(out_len, cache_ref(cache)?.export_len());
        Ok(())
    })
}

/// Writes the cache as a checksummed image (format version 1) into `out`,
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
        let cache = cache_ref(cache)?;
        let out = slice_mut(out, out_len)?;
        let written = cache.export(out).map_err(|e| needed(e, out_needed))?;
        put(out_written, written);
        Ok(())
    })
}

/// Replaces the cache's contents with an image from
/// `mxtrust_policy_cache_export`. The image is checked completely first;
/// on any error the cache is unchanged.
///
/// Results: `MXTRUST_RESULT_CACHE_IMAGE_CORRUPT` (truncated, checksum
/// mismatch, invalid entry), `MXTRUST_RESULT_CACHE_IMAGE_UNSUPPORTED`,
/// `MXTRUST_RESULT_INSUFFICIENT_SIZE` with `*out_needed` the number of
/// domains when the image holds more than the capacity;
/// `MXTRUST_RESULT_UNINITIALIZED`, `MXTRUST_RESULT_NULL_PARAMETER`.
#[unsafe(no_mangle)]
pub extern "C" fn mxtrust_policy_cache_import(
    cache: *mut mxtrust_policy_cache,
    image: *const u8,
    image_len: usize,
    out_needed: *mut usize,
) -> mxtrust_result {
    boundary(|| {
        non_null(out_needed)?;
        let cache = cache_mut(cache)?;
        let image = slice(image, image_len)?;
        cache.import(image).map_err(|e| needed(e, out_needed))
    })
}
