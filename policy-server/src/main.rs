//! `mxtrust-policy-server`: MTA-STS for Postfix and Exim, DANE first.
//! See README.md.

mod config;
mod persist;
mod proto;
mod resolve;
mod shared;

use config::Config;
use mxtrust::cache::{Lookup, PolicyCache, Slot};
use mxtrust::policy::Mode;
use mxtrust::time::unix_time;
use mxtrust_net::dns::{self, Resolver, TrustAnchors, Validation};
use mxtrust_net::fetch;
use proto::Answer;
use resolve::{DaneFinding, StsFound, lock};
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, Semaphore};

/// How long a connection may stay idle between requests.
const IDLE: Duration = Duration::from_secs(300);

/// When a domain's TXT record was last checked, and, when no policy is
/// cached for it, what was found: no policy (`Ok`, why) or a DNS failure.
type StsChecked = (u64, Option<Result<String, String>>);

struct Server {
    config: Config,
    resolver: Resolver,
    fetch: fetch::Options,
    cache: Mutex<PolicyCache<'static>>,
    /// DANE findings and when they go stale.
    dane: Mutex<HashMap<String, (DaneFinding, u64)>>,
    /// When each domain's TXT record was last checked, and what was found
    /// if no policy is cached for it (no record, or a failure).
    sts_checked: Mutex<HashMap<String, StsChecked>>,
    /// Domains whose policy is being refreshed in the background.
    refreshing: Mutex<HashSet<String>>,
    dirty: AtomicBool,
    changed: Notify,
    /// The shared backend, when configured.
    shared: Option<shared::Shared>,
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// One structured line on stderr (the journal adds the time).
fn log(event: &str, fields: &[(&str, &str)]) {
    let mut line = format!("event={event}");
    for (k, v) in fields {
        if v.is_empty() || v.contains([' ', '"', '=']) {
            line.push_str(&format!(" {k}={v:?}"));
        } else {
            line.push_str(&format!(" {k}={v}"));
        }
    }
    eprintln!("{line}");
}

/// The answer the cache gives now, if it holds an unexpired policy.
fn from_cache(s: &Server, domain: &str) -> Option<(Answer, String, Mode)> {
    let cache = lock(&s.cache);
    match cache.lookup(domain.as_bytes(), unix_time(now())) {
        Lookup::Fresh(p) => {
            let answer = match p.mode() {
                Mode::Enforce => Answer::enforce(p.mx_patterns()),
                Mode::Testing | Mode::None => Answer::NotFound,
            };
            Some((answer, p.id().as_str().to_owned(), p.mode()))
        }
        Lookup::Expired(_) | Lookup::Absent => None,
    }
}

/// Runs an MTA-STS check and records what it found; marks the cache dirty
/// when a policy was stored.
async fn check_sts(s: &Arc<Server>, domain: &str) -> Result<StsFound, String> {
    let sts = resolve::Sts {
        resolver: &s.resolver,
        fetch: &s.fetch,
        cache: &s.cache,
    };
    let found = resolve::sts(&sts, domain).await;
    // A stored policy or a recorded failure change the image; a check
    // that found the cached id, no record or a DNS failure does not.
    if matches!(
        found,
        Ok(StsFound::Fetched { .. } | StsFound::FetchFailed(_))
    ) {
        s.dirty.store(true, Ordering::SeqCst);
        s.changed.notify_one();
    }
    let memo = match &found {
        Ok(StsFound::NoRecord) => Some(Ok("no MTA-STS record".to_owned())),
        Ok(StsFound::FetchFailed(why)) => Some(Ok(format!(
            "policy fetch failed and nothing cached ({why}): no MTA-STS (RFC 8461 §3.3)"
        ))),
        Ok(_) => None,
        Err(why) => Some(Err(why.clone())),
    };
    lock(&s.sts_checked).insert(domain.to_owned(), (now(), memo));
    match &found {
        Ok(StsFound::Fetched {
            id,
            body,
            fetched_at,
            max_age,
        }) => {
            log("policy-fetched", &[("domain", domain), ("policy_id", id)]);
            if let Some(shared) = &s.shared {
                let entry = shared::Entry {
                    id: id.clone(),
                    fetched_at: *fetched_at,
                    body: body.clone(),
                };
                match shared.put(domain, &entry, *max_age).await {
                    Ok(()) => log("shared-stored", &[("domain", domain), ("policy_id", id)]),
                    Err(why) => log("shared-failed", &[("domain", domain), ("reason", &why)]),
                }
            }
        }
        Ok(StsFound::Uncached { id, .. }) => log(
            "cache-full",
            &[
                ("domain", domain),
                ("policy_id", id),
                (
                    "reason",
                    "every entry protects a live policy; raise capacity",
                ),
            ],
        ),
        Ok(StsFound::FetchFailed(why)) => log(
            "policy-fetch-failed",
            &[("domain", domain), ("reason", why)],
        ),
        Err(why) => log("sts-check-failed", &[("domain", domain), ("reason", why)]),
        _ => {}
    }
    found
}

/// Refreshes in the background (at most one refresh per domain at once).
fn refresh_later(s: &Arc<Server>, domain: &str) {
    if !lock(&s.refreshing).insert(domain.to_owned()) {
        return;
    }
    let s = Arc::clone(s);
    let domain = domain.to_owned();
    tokio::spawn(async move {
        let timeout = Duration::from_secs(s.config.lookup_timeout_secs * 3);
        let _ = tokio::time::timeout(timeout, check_sts(&s, &domain)).await;
        lock(&s.refreshing).remove(&domain);
    });
}

/// The MTA-STS answer for a domain without (usable) DANE: from the cache
/// at once when it holds an unexpired policy (refreshing in the background
/// when the TXT id was not checked lately), else after a check.
async fn sts_answer(s: &Arc<Server>, domain: &str) -> (Answer, String, String) {
    let checked = lock(&s.sts_checked).get(domain).cloned();
    let stale = checked
        .as_ref()
        .is_none_or(|(at, _)| now().saturating_sub(*at) >= s.config.recheck_secs);
    if let Some((answer, id, mode)) = from_cache(s, domain) {
        if stale {
            refresh_later(s, domain);
        }
        return (answer, id, format!("cached {} policy", mode.as_str()));
    }
    if !stale {
        match checked.and_then(|(_, m)| m) {
            Some(Ok(why)) => return (Answer::NotFound, String::new(), why),
            Some(Err(why)) => return (Answer::Temp(why.clone()), String::new(), why),
            None => {}
        }
    }
    if let Some(answer) = from_shared(s, domain).await {
        refresh_later(s, domain);
        return answer;
    }
    let timeout = Duration::from_secs(s.config.lookup_timeout_secs);
    let found = match tokio::time::timeout(timeout, check_sts(s, domain)).await {
        Ok(f) => f,
        Err(_) => {
            refresh_later(s, domain);
            Err("the MTA-STS check did not finish in time".to_owned())
        }
    };
    match found {
        Ok(StsFound::Uncached { id, enforce }) => match enforce {
            Some(p) => (
                Answer::Secure(p),
                id,
                "fetched enforce policy (not cached: cache full)".into(),
            ),
            None => (
                Answer::NotFound,
                id,
                "fetched policy not enforce (not cached: cache full)".into(),
            ),
        },
        Ok(StsFound::NoRecord) => (Answer::NotFound, String::new(), "no MTA-STS record".into()),
        Ok(StsFound::FetchFailed(why)) => match from_cache(s, domain) {
            Some((answer, id, mode)) => (
                answer,
                id,
                format!("cached {} policy; {why}", mode.as_str()),
            ),
            None => (
                Answer::NotFound,
                String::new(),
                format!(
                    "policy fetch failed and nothing cached ({why}): no MTA-STS (RFC 8461 §3.3)"
                ),
            ),
        },
        Ok(_) => match from_cache(s, domain) {
            Some((answer, id, mode)) => (answer, id, format!("fetched {} policy", mode.as_str())),
            None => (
                Answer::Temp("policy not cached".into()),
                String::new(),
                "policy vanished".into(),
            ),
        },
        Err(why) => (Answer::Temp(why.clone()), String::new(), why),
    }
}

/// A domain with nothing cached here: the policy another server stored in
/// the shared backend, if it is still unexpired, goes into this cache.
async fn from_shared(s: &Arc<Server>, domain: &str) -> Option<(Answer, String, String)> {
    let shared = s.shared.as_ref()?;
    let timeout = Duration::from_secs(2);
    let entry = match tokio::time::timeout(timeout, shared.get(domain)).await {
        Ok(Ok(Some(e))) => e,
        Ok(Ok(None)) => return None,
        Ok(Err(why)) => {
            log("shared-failed", &[("domain", domain), ("reason", &why)]);
            return None;
        }
        Err(_) => {
            log(
                "shared-failed",
                &[("domain", domain), ("reason", "timeout")],
            );
            return None;
        }
    };
    let policy: mxtrust::policy::Policy =
        mxtrust::policy::Policy::parse(&entry.body, &mut []).ok()?;
    let id = mxtrust::sts::PolicyId::new(entry.id.as_bytes()).ok()?;
    let stored = lock(&s.cache).store(domain.as_bytes(), id, &policy, unix_time(entry.fetched_at));
    if stored.is_err() {
        return None;
    }
    s.dirty.store(true, Ordering::SeqCst);
    s.changed.notify_one();
    // An expired entry is stored (and answers nothing): from_cache is None.
    let (answer, id, mode) = from_cache(s, domain)?;
    log("shared-hit", &[("domain", domain), ("policy_id", &id)]);
    Some((
        answer,
        id,
        format!("{} policy from the shared backend", mode.as_str()),
    ))
}

/// The answer for a next-hop domain, DANE first (see README.md, "What the
/// server answers").
async fn answer(s: &Arc<Server>, domain: &str) -> (Answer, String, String) {
    let memo = lock(&s.dane).get(domain).copied();
    let finding = match memo {
        Some((f, until)) if now() < until => Ok(f),
        _ => {
            let timeout = Duration::from_secs(s.config.lookup_timeout_secs);
            let f = match tokio::time::timeout(timeout, resolve::dane(&s.resolver, domain)).await {
                Ok(f) => f,
                Err(_) => Err("the MX/TLSA lookups did not finish in time".to_owned()),
            };
            if let Ok(f) = f {
                lock(&s.dane).insert(domain.to_owned(), (f, now() + s.config.recheck_secs));
            }
            f
        }
    };
    match finding {
        Err(why) => match from_cache(s, domain) {
            // Postfix does its own MX lookup and defers on the same failure;
            // the cached policy is still the right answer.
            Some((answer, id, mode)) => (
                answer,
                id,
                format!("cached {} policy; DNS: {why}", mode.as_str()),
            ),
            None => (Answer::Temp(why.clone()), String::new(), why),
        },
        Ok(f) if f.with_tlsa == 0 => sts_answer(s, domain).await,
        Ok(f) if f.with_tlsa == f.hosts => (
            Answer::Dane,
            String::new(),
            format!("all {} MX hosts have secure TLSA records", f.hosts),
        ),
        Ok(f) => {
            let (sts, id, why) = sts_answer(s, domain).await;
            let words = format!(
                "{} of {} MX hosts have secure TLSA records",
                f.with_tlsa, f.hosts
            );
            match sts {
                Answer::Secure(_) => (
                    Answer::DaneOnly,
                    id,
                    format!("{words}; enforce policy: {why}"),
                ),
                _ => (
                    Answer::Dane,
                    id,
                    format!("{words}; no enforce policy ({why})"),
                ),
            }
        }
    }
}

async fn decide_and_log(s: &Arc<Server>, key: &str, via: &str) -> Answer {
    let Some(domain) = proto::domain_of(key) else {
        log(
            "decision",
            &[
                ("via", via),
                ("key", key),
                ("answer", "notfound"),
                ("reason", "not a domain name"),
            ],
        );
        return Answer::NotFound;
    };
    let (a, id, why) = answer(s, &domain).await;
    log(
        "decision",
        &[
            ("via", via),
            ("domain", &domain),
            ("answer", &a.socketmap()),
            ("policy_id", &id),
            ("reason", &why),
        ],
    );
    a
}

async fn serve_socketmap(s: Arc<Server>, mut conn: TcpStream) {
    let mut buf: Vec<u8> = Vec::with_capacity(proto::MAX_REQUEST + 16);
    let mut chunk = [0u8; 1024];
    loop {
        match proto::take_netstring(&buf) {
            Ok(Some((payload, used))) => {
                let payload = String::from_utf8_lossy(payload).into_owned();
                buf.drain(..used);
                let reply = match proto::socketmap_key(&payload, &s.config.map_name) {
                    Ok(key) => decide_and_log(&s, key, "socketmap").await.socketmap(),
                    Err(why) => format!("PERM {why}"),
                };
                if conn.write_all(&proto::netstring(&reply)).await.is_err() {
                    return;
                }
                continue;
            }
            Ok(None) => {}
            Err(e) => {
                log(
                    "bad-request",
                    &[("via", "socketmap"), ("reason", &format!("{e:?}"))],
                );
                return;
            }
        }
        match tokio::time::timeout(IDLE, conn.read(&mut chunk)).await {
            Ok(Ok(n)) if n > 0 => buf.extend_from_slice(chunk.get(..n).unwrap_or_default()),
            _ => return,
        }
    }
}

async fn serve_line(s: Arc<Server>, conn: TcpStream) {
    let mut reader = BufReader::new(conn);
    let mut line = Vec::new();
    let mut limited = (&mut reader).take(proto::MAX_REQUEST as u64);
    let read = limited.read_until(b'\n', &mut line);
    if !matches!(tokio::time::timeout(Duration::from_secs(10), read).await, Ok(Ok(n)) if n > 0) {
        return;
    }
    let key = String::from_utf8_lossy(&line).trim().to_owned();
    let reply = decide_and_log(&s, &key, "line").await.line();
    let _ = reader
        .get_mut()
        .write_all(format!("{reply}\n").as_bytes())
        .await;
    let _ = reader.get_mut().shutdown().await;
}

async fn accept_loop(s: Arc<Server>, listener: TcpListener, line: bool, limit: Arc<Semaphore>) {
    loop {
        let Ok(permit) = Arc::clone(&limit).acquire_owned().await else {
            return;
        };
        let Ok((conn, _)) = listener.accept().await else {
            continue;
        };
        let s = Arc::clone(&s);
        tokio::spawn(async move {
            if line {
                serve_line(s, conn).await;
            } else {
                serve_socketmap(s, conn).await;
            }
            drop(permit);
        });
    }
}

/// Persists the cache after changes (at most once a second).
async fn persister(s: Arc<Server>) {
    loop {
        s.changed.notified().await;
        tokio::time::sleep(Duration::from_secs(1)).await;
        persist_now(&s).await;
    }
}

async fn persist_now(s: &Arc<Server>) {
    if !s.dirty.swap(false, Ordering::SeqCst) {
        return;
    }
    let image = persist::image(&lock(&s.cache));
    let path = s.config.cache_file.clone();
    let result = match image {
        Ok(image) => tokio::task::spawn_blocking(move || persist::write_image(&image, &path))
            .await
            .unwrap_or_else(|e| Err(e.to_string())),
        Err(e) => Err(e),
    };
    match result {
        Ok(n) => log(
            "persisted",
            &[
                ("file", &s.config.cache_file.display().to_string()),
                ("octets", &n.to_string()),
            ],
        ),
        Err(why) => {
            s.dirty.store(true, Ordering::SeqCst);
            log("persist-failed", &[("reason", &why)]);
        }
    }
}

/// Refreshes policies before they expire (RFC 8461 §10.2 suggests it).
async fn refresher(s: Arc<Server>) {
    loop {
        tokio::time::sleep(Duration::from_secs(60)).await;
        let due: Vec<String> = {
            let cache = lock(&s.cache);
            cache
                .due_domains(
                    unix_time(now()),
                    Duration::from_secs(s.config.refresh_window_secs),
                )
                .map(|d| String::from_utf8_lossy(d).into_owned())
                .collect()
        };
        for d in due {
            refresh_later(&s, &d);
        }
    }
}

fn random_key() -> [u8; 16] {
    let mut key = [0u8; 16];
    if let Ok(mut f) = std::fs::File::open("/dev/urandom") {
        use std::io::Read;
        let _ = f.read_exact(&mut key);
    }
    key
}

fn usage() -> ExitCode {
    eprintln!("usage: mxtrust-policy-server [--check-config] --config FILE");
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut config_path = None;
    let mut check_only = false;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--check-config" => check_only = true,
            "--config" => config_path = it.next().map(PathBuf::from),
            "--version" => {
                println!("mxtrust-policy-server {}", env!("CARGO_PKG_VERSION"));
                return ExitCode::SUCCESS;
            }
            _ => return usage(),
        }
    }
    let Some(config_path) = config_path else {
        return usage();
    };
    let config = match Config::load(&config_path) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("mxtrust-policy-server: {e}");
            return ExitCode::from(2);
        }
    };
    let ca = match &config.ca_file {
        Some(p) => match std::fs::read(p)
            .map_err(|e| e.to_string())
            .and_then(|b| mxtrust_report::pem::certificates(&b).map_err(|e| format!("{e:?}")))
        {
            Ok(ders) if !ders.is_empty() => Some(ders),
            Ok(_) => {
                eprintln!("mxtrust-policy-server: {}: no certificate", p.display());
                return ExitCode::from(2);
            }
            Err(e) => {
                eprintln!("mxtrust-policy-server: {}: {e}", p.display());
                return ExitCode::from(2);
            }
        },
        None => None,
    };
    let upstream = match config.resolver {
        Some(a) => a,
        None => match std::fs::read_to_string("/etc/resolv.conf")
            .map_err(|e| e.to_string())
            .and_then(|t| dns::resolv_conf_upstream(&t).map_err(|e| e.to_string()))
        {
            Ok(a) => a,
            Err(e) => {
                eprintln!("mxtrust-policy-server: /etc/resolv.conf: {e}; set `resolver`");
                return ExitCode::from(2);
            }
        },
    };
    if check_only {
        println!("{}: OK", config_path.display());
        return ExitCode::SUCCESS;
    }
    match run(config, ca, upstream) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            log("fatal", &[("reason", &e)]);
            ExitCode::FAILURE
        }
    }
}

fn run(
    config: Config,
    ca: Option<Vec<Vec<u8>>>,
    upstream: std::net::SocketAddr,
) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("runtime: {e}"))?;
    runtime.block_on(async move {
        let mut dns_config = dns::Config {
            upstream,
            validation: Validation::ResolverAd,
            timeout: Duration::from_secs(5),
            retries: 2,
        };
        if !config.trust_ad {
            let anchors = match &config.trust_anchor {
                Some(p) => Resolver::new(dns_config.clone())
                    .map_err(|e| e.to_string())?
                    .read_trust_anchors(p)
                    .await
                    .map_err(|e| e.to_string())?,
                None => TrustAnchors::root(),
            };
            dns_config.validation = Validation::Local(anchors);
        }
        let resolver = Resolver::new(dns_config).map_err(|e| e.to_string())?;
        // The cache's storage lives as long as the process.
        let slots: &'static mut [Slot] =
            Box::leak(vec![Slot::EMPTY; config.capacity].into_boxed_slice());
        let text: &'static mut [u8] =
            Box::leak(vec![0u8; config.capacity.saturating_mul(160)].into_boxed_slice());
        let mut cache = PolicyCache::new(slots, text, random_key());
        match persist::load(&mut cache, &config.cache_file, now())? {
            persist::Loaded::Nothing => log(
                "cache-loaded",
                &[("entries", "0"), ("reason", "no image yet")],
            ),
            persist::Loaded::Image { kept, dropped } => log(
                "cache-loaded",
                &[
                    ("entries", &kept.to_string()),
                    ("dropped", &dropped.to_string()),
                ],
            ),
            persist::Loaded::SetAside { to, why } => log(
                "cache-corrupt",
                &[
                    ("moved_to", &to.display().to_string()),
                    ("reason", &why),
                    ("entries", "0"),
                ],
            ),
        }
        let listener = TcpListener::bind(config.listen)
            .await
            .map_err(|e| format!("{}: {e}", config.listen))?;
        let line_listener = match config.line_listen {
            Some(a) => Some(
                TcpListener::bind(a)
                    .await
                    .map_err(|e| format!("{a}: {e}"))?,
            ),
            None => None,
        };
        let shared = match &config.redis_url {
            Some(url) => Some(shared::Shared::connect(url, &config.redis_prefix).await?),
            None => None,
        };
        let server = Arc::new(Server {
            shared,
            fetch: fetch::Options {
                timeout: Duration::from_secs(config.lookup_timeout_secs),
                roots: ca.map_or(fetch::Roots::Public, fetch::Roots::Only),
            },
            resolver,
            cache: Mutex::new(cache),
            dane: Mutex::new(HashMap::new()),
            sts_checked: Mutex::new(HashMap::new()),
            refreshing: Mutex::new(HashSet::new()),
            dirty: AtomicBool::new(false),
            changed: Notify::new(),
            config,
        });
        let limit = Arc::new(Semaphore::new(server.config.max_connections));
        log(
            "started",
            &[
                ("listen", &server.config.listen.to_string()),
                ("map", &server.config.map_name),
            ],
        );
        tokio::spawn(accept_loop(
            Arc::clone(&server),
            listener,
            false,
            Arc::clone(&limit),
        ));
        if let Some(l) = line_listener {
            tokio::spawn(accept_loop(
                Arc::clone(&server),
                l,
                true,
                Arc::clone(&limit),
            ));
        }
        tokio::spawn(persister(Arc::clone(&server)));
        tokio::spawn(refresher(Arc::clone(&server)));
        shutdown_signal().await;
        log("stopping", &[("reason", "SIGTERM")]);
        server.dirty.store(true, Ordering::SeqCst);
        persist_now(&server).await;
        Ok::<(), String>(())
    })?;
    runtime.shutdown_timeout(Duration::from_secs(2));
    Ok(())
}

/// SIGTERM or SIGINT: stop accepting, persist, exit.
async fn shutdown_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(term), Ok(int)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) else {
        log("fatal", &[("reason", "cannot install signal handlers")]);
        return;
    };
    let stop = Arc::new(Notify::new());
    for mut sig in [term, int] {
        let stop = Arc::clone(&stop);
        tokio::spawn(async move {
            sig.recv().await;
            stop.notify_one();
        });
    }
    stop.notified().await;
}
