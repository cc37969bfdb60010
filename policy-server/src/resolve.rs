//! What the network says about a next-hop domain: whether its MX hosts have
//! DNSSEC-secure, usable TLSA records (DANE first), and its MTA-STS policy
//! (TXT record, fetch, cache).

use mxtrust::base_domain::{self, CnameStep, TlsaBase};
use mxtrust::cache::{FetchNeed, PolicyCache};
use mxtrust::decision::TlsaStatus;
use mxtrust::policy::Policy;
use mxtrust::sts::{self, PolicyId};
use mxtrust::time::unix_time;
use mxtrust_net::dns::{DnssecStatus, Outcome, Resolver, TlsaRecord};
use mxtrust_net::fetch;
use std::net::IpAddr;
use std::sync::Mutex;

/// Most MX hosts whose TLSA records are looked up (more are not DANE's
/// business here: Postfix does its own DANE on all of them).
const MAX_HOSTS: usize = 16;

/// What DNS says about DANE for the domain's MX hosts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DaneFinding {
    /// MX hosts looked at.
    pub hosts: usize,
    /// Of them, hosts whose TLSA RRset is secure and has a usable record,
    /// or whose TLSA lookup failed under a secure MX RRset (Postfix's own
    /// DANE then treats that host as failed, RFC 7672 §2.1.1: we must not
    /// answer `secure` over it).
    pub with_tlsa: usize,
}

impl DaneFinding {
    /// No DANE: an insecure MX RRset, a null MX, or no domain.
    pub const NONE: Self = Self {
        hosts: 0,
        with_tlsa: 0,
    };
}

/// Whether a TLSA RRset has a record usable for SMTP: core's rule
/// (RFC 7672 §3.1, RFC 7671 §4.1 and §9), the one Postfix's own DANE
/// applies, so that `dane` is answered exactly when Postfix will find a
/// usable record.
pub fn any_usable(records: &[TlsaRecord]) -> bool {
    let tlsa: Vec<mxtrust::Tlsa<'_>> = records
        .iter()
        .map(|r| mxtrust::Tlsa {
            usage: r.usage.into(),
            selector: r.selector.into(),
            matching_type: r.matching_type.into(),
            data: &r.data,
        })
        .collect();
    mxtrust::tlsa::any_usable(
        &tlsa,
        mxtrust::tlsa::ProfileKind::Smtp,
        &mxtrust::tlsa::DigestPreference::SHA512_SHA256,
    )
}

/// DANE for `domain`'s MX hosts, or why DNS could not say.
///
/// RFC 7672 §2.2.1: DANE applies only when the MX RRset is secure; a bogus
/// or failed MX lookup is an error (Postfix would defer too).
pub async fn dane(resolver: &Resolver, domain: &str) -> Result<DaneFinding, String> {
    let mx = resolver.mx(domain).await;
    match (&mx.outcome, mx.security) {
        (_, DnssecStatus::Bogus) => return Err(format!("MX of {domain}: DNSSEC-bogus")),
        (Outcome::Failed, _) => {
            return Err(format!(
                "MX of {domain}: {}",
                mx.detail.as_deref().unwrap_or("lookup failed")
            ));
        }
        (Outcome::NxDomain, _) => return Ok(DaneFinding::NONE),
        (_, s) if s != DnssecStatus::Secure => return Ok(DaneFinding::NONE),
        _ => {}
    }
    let mut hosts: Vec<String> = match &mx.outcome {
        // RFC 5321 §5.1: no MX, the domain itself is the host.
        Outcome::NoData => vec![domain.to_owned()],
        Outcome::Records(r) => {
            let mut r = r.clone();
            r.sort_by_key(|m| m.preference);
            r.into_iter().map(|m| m.exchange).collect()
        }
        _ => Vec::new(),
    };
    // RFC 7505: a null MX (the root, "." from mxtrust-net); no mail,
    // nothing to secure.
    if hosts.iter().any(|h| h.is_empty() || h == ".") {
        return Ok(DaneFinding::NONE);
    }
    hosts.dedup();
    hosts.truncate(MAX_HOSTS);
    let mut with_tlsa = 0;
    for host in &hosts {
        with_tlsa += usize::from(host_counts(resolver, host).await);
    }
    Ok(DaneFinding {
        hosts: hosts.len(),
        with_tlsa,
    })
}

/// Whether an MX host counts in [`DaneFinding::with_tlsa`]: its TLSA
/// RRset, at the base domains core names from the host's CNAME chain and
/// address answer (RFC 7672 §2.2.2, [`base_domain::candidates`] and
/// [`Candidates::fallback_after`](base_domain::Candidates::fallback_after)),
/// is secure with a usable record, or is bogus or failed. DANE does not
/// apply to a host whose own address answer is insecure; a host whose
/// addresses are bogus or failed counts as a failed TLSA lookup (Postfix
/// treats it as failed as well).
async fn host_counts(resolver: &Resolver, host: &str) -> bool {
    let a = resolver.addresses(host, false).await;
    let steps: Vec<CnameStep<'_>> = a
        .cnames
        .iter()
        .map(|c| CnameStep {
            owner: &c.owner,
            target: &c.target,
            status: c.security,
        })
        .collect();
    let candidates = match base_domain::candidates(host, &steps, a.security) {
        Ok(TlsaBase::Candidates(c)) => c,
        Ok(TlsaBase::NotApplicable) => return false,
        Ok(TlsaBase::Indeterminate(_)) | Err(_) => return true,
    };
    let owner = |c: base_domain::Candidate<'_>| format!("_25._tcp.{}", c.tlsa_base_domain());
    let mut answer = resolver.tlsa(&owner(candidates.first())).await;
    if let Some(next) = candidates.fallback_after(answer.tlsa_status()) {
        answer = resolver.tlsa(&owner(next)).await;
    }
    match answer.tlsa_status() {
        TlsaStatus::SecureWithRecords => any_usable(answer.records()),
        TlsaStatus::Bogus | TlsaStatus::LookupError => true,
        TlsaStatus::SecureEmpty | TlsaStatus::Insecure => false,
    }
}

/// What an MTA-STS check found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StsFound {
    /// No `_mta-sts` record (a cached policy still applies, RFC 8461 §5.1).
    NoRecord,
    /// The cached policy has the record's id.
    UpToDate(String),
    /// A policy was fetched and cached under this id.
    Fetched {
        id: String,
        body: Vec<u8>,
        fetched_at: u64,
        max_age: u32,
    },
    /// The policy could not be fetched (or a fetch under this id failed
    /// recently, the per-id back-off): a cached unexpired policy still
    /// applies; with none, RFC 8461 §3.3 says to deliver as though the
    /// domain had no MTA-STS policy.
    FetchFailed(String),
    /// A policy was fetched under this id but the cache refused it (full of
    /// live policies); `mode` and patterns are carried for this answer.
    Uncached {
        id: String,
        enforce: Option<Vec<String>>,
    },
}

/// Settings for MTA-STS checks.
pub struct Sts<'a> {
    pub resolver: &'a Resolver,
    pub fetch: &'a fetch::Options,
    pub cache: &'a Mutex<PolicyCache<'static>>,
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Checks the TXT record and fetches the policy when RFC 8461 §5.1 says
/// to, storing it in the cache (or a failure, for the per-id back-off).
pub async fn sts(s: &Sts<'_>, domain: &str) -> Result<StsFound, String> {
    let txt = s.resolver.txt(&format!("_mta-sts.{domain}")).await;
    if txt.security == DnssecStatus::Bogus {
        return Err(format!("_mta-sts.{domain}: DNSSEC-bogus"));
    }
    let records: Vec<Vec<&[u8]>> = match &txt.outcome {
        Outcome::Records(r) => r
            .iter()
            .map(|rec| rec.iter().map(Vec::as_slice).collect())
            .collect(),
        Outcome::NoData | Outcome::NxDomain => Vec::new(),
        Outcome::Failed => {
            return Err(format!(
                "_mta-sts.{domain}: {}",
                txt.detail.as_deref().unwrap_or("lookup failed")
            ));
        }
    };
    let rrset: Vec<&[&[u8]]> = records.iter().map(Vec::as_slice).collect();
    let mut scratch = [0u8; 1024];
    let record = match sts::select(&rrset, &mut scratch) {
        Ok(sts::Lookup::Found(r)) => r,
        Ok(sts::Lookup::NoPolicy(_)) => return Ok(StsFound::NoRecord),
        Err(e) => return Err(format!("_mta-sts.{domain}: {e:?}")),
    };
    let id = record.id();
    let need = lock(s.cache).observe_id(domain.as_bytes(), &id, unix_time(now()));
    match need {
        FetchNeed::UpToDate => return Ok(StsFound::UpToDate(id.as_str().to_owned())),
        FetchNeed::BackOff { until } => {
            return Ok(StsFound::FetchFailed(format!(
                "policy id {} failed recently; retry after {}",
                id.as_str(),
                until.as_secs()
            )));
        }
        FetchNeed::Fetch => {}
    }
    match fetch_policy(s, domain).await {
        Ok(body) => store(s, domain, id, &body),
        Err(why) => {
            let _ = lock(s.cache).record_failure(domain.as_bytes(), id, unix_time(now()));
            Ok(StsFound::FetchFailed(why))
        }
    }
}

fn store(s: &Sts<'_>, domain: &str, id: PolicyId, body: &[u8]) -> Result<StsFound, String> {
    let policy: Policy = match Policy::parse(body, &mut []) {
        Ok(p) => p,
        Err(e) => {
            let _ = lock(s.cache).record_failure(domain.as_bytes(), id, unix_time(now()));
            return Ok(StsFound::FetchFailed(format!("policy of {domain}: {e}")));
        }
    };
    let fetched_at = now();
    let stored = lock(s.cache).store(domain.as_bytes(), id, &policy, unix_time(fetched_at));
    match stored {
        Ok(_) => Ok(StsFound::Fetched {
            id: id.as_str().to_owned(),
            body: body.to_vec(),
            fetched_at,
            max_age: policy.max_age(),
        }),
        Err(_) => Ok(StsFound::Uncached {
            id: id.as_str().to_owned(),
            enforce: (policy.mode() == mxtrust::policy::Mode::Enforce).then(|| {
                crate::proto::Answer::enforce(policy.mx_patterns().iter().copied()).patterns()
            }),
        }),
    }
}

async fn fetch_policy(s: &Sts<'_>, domain: &str) -> Result<Vec<u8>, String> {
    let host = format!("mta-sts.{domain}");
    let a = s.resolver.addresses(&host, false).await;
    let aaaa = s.resolver.addresses(&host, true).await;
    if a.security == DnssecStatus::Bogus || aaaa.security == DnssecStatus::Bogus {
        return Err(format!("{host}: DNSSEC-bogus addresses"));
    }
    let addresses: Vec<IpAddr> = a.records().iter().chain(aaaa.records()).copied().collect();
    let options = s.fetch.clone();
    let d = domain.to_owned();
    let fetched = tokio::task::spawn_blocking(move || fetch::policy(&d, &addresses, &options))
        .await
        .map_err(|e| format!("fetch task: {e}"))?
        .map_err(|f| format!("policy fetch for {domain}: {f}"))?;
    mxtrust::fetch::check_response(domain, &fetched.response())
        .map_err(|e| format!("policy fetch for {domain}: {e}"))?;
    Ok(fetched.body)
}

/// The cache lock; a panic elsewhere while holding it does not lose the
/// cache (core's operations keep it consistent at every return).
pub fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}
