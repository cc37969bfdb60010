//! `PolicyCache`: core's MTA-STS policy cache (RFC 8461 §5.1) over storage
//! this object owns, whose state exports to and imports from a Uint8Array
//! (so that a worker can keep it in a key-value store between requests).

use core::time::Duration;

use js_sys::Uint8Array;
use mxtrust::cache::{self, CacheState, FailureOutcome, FetchNeed, Lookup, Slot, Stored};
use mxtrust::sts::PolicyId;
use mxtrust::time::unix_time;
use mxtrust_report::policy;
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::error::{Failure, Result, code};
use crate::{js, to_js};

const DEFAULT_CAPACITY: u32 = 1024;
/// Arena octets per slot by default: a domain and a few patterns (an entry
/// of a 20-octet domain with three 20-octet patterns takes 87), with room
/// to spare so that compaction is rare.
const DEFAULT_TEXT_PER_SLOT: u32 = 128;
/// Most slots: 2^22 domains (about half a gigabyte of slots).
const MAX_CAPACITY: u32 = 1 << 22;
/// Most arena octets, 1 GiB.
const MAX_TEXT: u32 = 1 << 30;
/// The longest domain or id read.
const MAX_NAME_INPUT: usize = 1024;

/// An MTA-STS policy cache (RFC 8461 §5.1).
#[wasm_bindgen]
pub struct PolicyCache {
    slots: Box<[Slot]>,
    text: Box<[u8]>,
    state: CacheState,
}

fn storage<T: Clone>(n: usize, fill: T, what: &str) -> Result<Box<[T]>> {
    let mut v = Vec::new();
    v.try_reserve_exact(n)
        .map_err(|_| Failure::new(code::OUT_OF_MEMORY, format!("no memory for {n} {what}")))?;
    v.resize(n, fill);
    Ok(v.into_boxed_slice())
}

fn domain(value: &JsValue) -> Result<String> {
    js::string(value, MAX_NAME_INPUT, "domain")
}

fn id(value: &JsValue) -> Result<PolicyId> {
    let text = js::string(value, MAX_NAME_INPUT, "id")?;
    PolicyId::new(text.as_bytes()).map_err(|e| Failure::core(&format!("id {text:?}"), e))
}

#[wasm_bindgen]
impl PolicyCache {
    /// `new PolicyCache({capacity?, textCapacity?, key?})`.
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> core::result::Result<PolicyCache, JsValue> {
        Ok(Self::create(&options)?)
    }

    fn create(options: &JsValue) -> Result<Self> {
        let (capacity, text, key) = if js::absent(options) {
            (DEFAULT_CAPACITY, None, JsValue::UNDEFINED)
        } else {
            let capacity = js::integer_or(
                &js::get(options, "capacity")?,
                DEFAULT_CAPACITY,
                MAX_CAPACITY,
                "capacity",
            )?;
            let text = js::optional(&js::get(options, "textCapacity")?, |v| {
                js::integer(v, MAX_TEXT, "textCapacity")
            })?;
            (capacity, text, js::get(options, "key")?)
        };
        let text_len =
            text.unwrap_or_else(|| capacity.saturating_mul(DEFAULT_TEXT_PER_SLOT).min(MAX_TEXT));
        let mut hash_key = [0u8; 16];
        if js::absent(&key) {
            crate::rules::random(&mut hash_key)?;
        } else {
            let bytes = js::bytes_of(&key, 16, "key")?
                .filter(|k| k.len() == 16)
                .ok_or_else(|| Failure::argument("key must be a Uint8Array of 16 octets"))?;
            hash_key.copy_from_slice(&bytes);
        }
        let mut slots = storage(
            usize::try_from(capacity).unwrap_or(0),
            Slot::EMPTY,
            "cache slots",
        )?;
        let mut text = storage(
            usize::try_from(text_len).unwrap_or(0),
            0u8,
            "cache text octets",
        )?;
        let state = cache::PolicyCache::new(&mut slots, &mut text, hash_key).state();
        Ok(Self { slots, text, state })
    }

    /// Runs `f` on core's cache over this object's storage.
    fn with<T>(&mut self, f: impl FnOnce(&mut cache::PolicyCache<'_>) -> T) -> T {
        let mut cache = cache::PolicyCache::resume(self.state, &mut self.slots, &mut self.text);
        let out = f(&mut cache);
        self.state = cache.state();
        out
    }

    /// How many domains the cache holds.
    #[wasm_bindgen(getter)]
    pub fn size(&mut self) -> u32 {
        u32::try_from(self.with(|c| c.len())).unwrap_or(u32::MAX)
    }

    /// How many domains it can hold.
    #[wasm_bindgen(getter)]
    pub fn capacity(&mut self) -> u32 {
        u32::try_from(self.with(|c| c.capacity())).unwrap_or(u32::MAX)
    }

    /// Its arena for names and patterns, in octets.
    #[wasm_bindgen(getter, js_name = textCapacity)]
    pub fn text_capacity(&mut self) -> u32 {
        u32::try_from(self.with(|c| c.text_capacity())).unwrap_or(u32::MAX)
    }

    /// Arena octets in use.
    #[wasm_bindgen(getter, js_name = textUsed)]
    pub fn text_used(&mut self) -> u32 {
        u32::try_from(self.with(|c| c.text_used())).unwrap_or(u32::MAX)
    }

    /// `lookup(domain, time?)`: `{status: "fresh" | "expired" | "absent",
    /// policy}`.
    pub fn lookup(
        &mut self,
        domain_name: JsValue,
        time: JsValue,
    ) -> core::result::Result<JsValue, JsValue> {
        let domain_name = domain(&domain_name)?;
        let now = unix_time(js::time(&time)?);
        let value = self.with(|c| {
            let found = c.lookup(domain_name.as_bytes(), now);
            Found {
                status: found.code(),
                policy: match found {
                    Lookup::Fresh(p) | Lookup::Expired(p) => Some(cached(&p)),
                    Lookup::Absent => None,
                },
            }
        });
        Ok(to_js(&value)?)
    }

    /// `observeId(domain, id, time?)`: `{need: "up-to-date" | "fetch" |
    /// "back-off", until}`.
    #[wasm_bindgen(js_name = observeId)]
    pub fn observe_id(
        &mut self,
        domain_name: JsValue,
        policy_id: JsValue,
        time: JsValue,
    ) -> core::result::Result<JsValue, JsValue> {
        let domain_name = domain(&domain_name)?;
        let policy_id = id(&policy_id)?;
        let now = unix_time(js::time(&time)?);
        let need = self.with(|c| c.observe_id(domain_name.as_bytes(), &policy_id, now));
        let value = Need {
            need: need.code(),
            until: match need {
                FetchNeed::BackOff { until } => Some(until.as_secs()),
                FetchNeed::UpToDate | FetchNeed::Fetch => None,
            },
        };
        Ok(to_js(&value)?)
    }

    /// `shouldFetch(domain, id, time?)`.
    #[wasm_bindgen(js_name = shouldFetch)]
    pub fn should_fetch(
        &mut self,
        domain_name: JsValue,
        policy_id: JsValue,
        time: JsValue,
    ) -> core::result::Result<bool, JsValue> {
        let domain_name = domain(&domain_name)?;
        let policy_id = id(&policy_id)?;
        let now = unix_time(js::time(&time)?);
        Ok(self.with(|c| c.should_fetch(domain_name.as_bytes(), &policy_id, now)))
    }

    /// `store(domain, id, policyText, time?)`: caches a freshly fetched
    /// policy; `{stored: "inserted" | "replaced" | "evicted", evicted,
    /// last_evicted}`.
    pub fn store(
        &mut self,
        domain_name: JsValue,
        policy_id: JsValue,
        policy_text: JsValue,
        time: JsValue,
    ) -> core::result::Result<JsValue, JsValue> {
        let domain_name = domain(&domain_name)?;
        let policy_id = id(&policy_id)?;
        let body = js::text_or_bytes_prefix(
            &policy_text,
            mxtrust::limits::MAX_POLICY_LEN.saturating_add(1),
            "policyText",
        )?;
        let now = unix_time(js::time(&time)?);
        let (parsed, _) = policy::parse(&body);
        let parsed = parsed.map_err(|e| Failure::policy("policyText", &e))?;
        let stored = self
            .with(|c| c.store(domain_name.as_bytes(), policy_id, &parsed, now))
            .map_err(|e| Failure::core("store", e))?;
        let (evicted, last_evicted) = match stored {
            Stored::Evicted { count, last } => (count, Some(last.as_str().to_owned())),
            Stored::Inserted | Stored::Replaced => (0, None),
        };
        let value = StoredDoc {
            stored: stored.code(),
            evicted,
            last_evicted,
        };
        Ok(to_js(&value)?)
    }

    /// `recordFailure(domain, id, time?)`: a failed fetch; `{outcome:
    /// "use-cached" | "no-policy", mode}`.
    #[wasm_bindgen(js_name = recordFailure)]
    pub fn record_failure(
        &mut self,
        domain_name: JsValue,
        policy_id: JsValue,
        time: JsValue,
    ) -> core::result::Result<JsValue, JsValue> {
        let domain_name = domain(&domain_name)?;
        let policy_id = id(&policy_id)?;
        let now = unix_time(js::time(&time)?);
        let outcome = self
            .with(|c| c.record_failure(domain_name.as_bytes(), policy_id, now))
            .map_err(|e| Failure::core("recordFailure", e))?;
        let value = Failed {
            outcome: outcome.code(),
            mode: match outcome {
                FailureOutcome::UseCached(mode) => Some(mode.as_str()),
                FailureOutcome::NoPolicy => None,
            },
        };
        Ok(to_js(&value)?)
    }

    /// `remove(domain)`: whether it was cached.
    pub fn remove(&mut self, domain_name: JsValue) -> core::result::Result<bool, JsValue> {
        let domain_name = domain(&domain_name)?;
        Ok(self.with(|c| c.remove(domain_name.as_bytes())))
    }

    /// `dueDomains(windowSeconds, time?)`: the domains whose policy
    /// expires within the window, for proactive refresh.
    #[wasm_bindgen(js_name = dueDomains)]
    pub fn due_domains(
        &mut self,
        window: JsValue,
        time: JsValue,
    ) -> core::result::Result<Vec<String>, JsValue> {
        let window = js::integer(&window, u32::MAX, "windowSeconds")?;
        let now = unix_time(js::time(&time)?);
        Ok(self.with(|c| {
            c.due_domains(now, Duration::from_secs(u64::from(window)))
                .map(|d| String::from_utf8_lossy(d).into_owned())
                .collect()
        }))
    }

    /// Empties the cache.
    pub fn clear(&mut self) {
        self.with(|c| c.clear());
    }

    /// `export()`: the cache as a checksummed image (core's format).
    pub fn export(&mut self) -> core::result::Result<Uint8Array, JsValue> {
        let len = self.with(|c| c.export_len());
        let mut out = storage(len, 0u8, "the export image")?;
        let written = self
            .with(|c| c.export(&mut out))
            .map_err(|e| Failure::core("export", e))?;
        Ok(Uint8Array::from(out.get(..written).unwrap_or_default()))
    }

    /// `import(image)`: replaces the contents with an exported image;
    /// `{kept, dropped}`.
    pub fn import(&mut self, image: JsValue) -> core::result::Result<JsValue, JsValue> {
        let limit = usize::try_from(MAX_TEXT).unwrap_or(usize::MAX);
        let bytes = js::bytes_of(&image, limit, "image")?
            .ok_or_else(|| Failure::argument("image must be a Uint8Array"))?;
        let imported = self
            .with(|c| c.import(&bytes))
            .map_err(|e| Failure::core("import", e))?;
        Ok(to_js(&ImportedDoc {
            kept: imported.kept,
            dropped: imported.dropped,
        })?)
    }
}

fn cached(p: &cache::CachedPolicy<'_>) -> Cached {
    Cached {
        id: p.id().as_str().to_owned(),
        mode: p.mode().as_str(),
        max_age: p.max_age(),
        fetched_at: p.fetched_at().as_secs(),
        expires_at: p.expires_at().as_secs(),
        mx: p.mx_patterns().map(|m| m.to_string()).collect(),
    }
}

/// `lookup`'s answer.
#[derive(Serialize)]
struct Found {
    /// `fresh`, `expired` or `absent`.
    status: &'static str,
    policy: Option<Cached>,
}

/// A cached policy.
#[derive(Serialize)]
struct Cached {
    id: String,
    mode: &'static str,
    max_age: u32,
    fetched_at: u64,
    expires_at: u64,
    mx: Vec<String>,
}

/// `observeId`'s answer.
#[derive(Serialize)]
struct Need {
    /// `up-to-date`, `fetch` or `back-off`.
    need: &'static str,
    /// For `back-off`, when a retry is allowed (Unix seconds).
    until: Option<u64>,
}

/// `store`'s answer.
#[derive(Serialize)]
struct StoredDoc {
    /// `inserted`, `replaced` or `evicted`.
    stored: &'static str,
    /// How many entries that protected nothing were evicted.
    evicted: usize,
    /// The last of them.
    last_evicted: Option<String>,
}

/// `recordFailure`'s answer.
#[derive(Serialize)]
struct Failed {
    /// `use-cached` or `no-policy`.
    outcome: &'static str,
    /// The cached policy's mode, for `use-cached`.
    mode: Option<&'static str>,
}

/// `import`'s answer.
#[derive(Serialize)]
struct ImportedDoc {
    kept: usize,
    dropped: usize,
}
