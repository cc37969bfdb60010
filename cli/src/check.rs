//! `mxtrust check DOMAIN`: the live check. DNS with DNSSEC, the MTA-STS
//! policy and the TLSRPT record, then STARTTLS to every address of every
//! MX host, once per key type, each result judged by core.
//!
//! The network is `mxtrust-net`'s, the judgement `mxtrust-report`'s
//! (`check`); this file sequences them, bounds them in time and
//! concurrency, and says on standard error what it is doing.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use futures_util::StreamExt as _;
use mxtrust::TrustAnchor;
use mxtrust::decision::DnssecStatus;
use mxtrust_net::dns::{self, Answer, Outcome, Resolver, TrustAnchors, Validation};
use mxtrust_net::{fetch, smtp};
use mxtrust_report::check::{
    self, Connection, Fetch, FetchResponse, Found, HostObserved, Lookup, Observed, Session,
    StsObserved, TlsaData, TlsaObserved, Trust,
};
use mxtrust_report::{pem, time};
use mxtrust_rustls::KeyType;

use crate::input::{self, InputError};

const EXAMPLES: &str = "\
Examples:
  mxtrust check example.com
  mxtrust check example.com --json > example.com.json
  mxtrust check example.com --resolver 127.0.0.1 --trust-ad
  mxtrust check example.test --resolver 192.0.2.53 --trust-anchor example.test.ds \\
    --ca-file private-roots.pem

DNS: every name (the MX hosts, their addresses, TLSA, _mta-sts, the policy
host) is resolved through one resolver: --resolver, else the first
nameserver of /etc/resolv.conf; never /etc/hosts. By default mxtrust
validates DNSSEC itself from the root's trust anchors (or --trust-anchor),
asking the resolver with the CD bit; --trust-ad takes the resolver's AD bit
instead, as Postfix does with a local validating resolver.

TLS: STARTTLS to port 25 of every A and AAAA address, once offering only
ECDSA signature schemes and once only RSA ones, so that a server with both
certificates shows each; the handshake signature is always verified.
MTA-STS certificates and the policy host's are checked against Mozilla's
roots (webpki-roots), or the roots of --ca-file.

Exit status: 0 every MX host is authenticated (DANE, or MTA-STS in enforce
mode) at every address and key type, or the domain has a null MX; 1 a
finding (something fails, a DNS answer is bogus, a policy cannot be
fetched, or nothing protects the domain); 2 a usage error, or the check
could not run (no resolver, a trust anchor that does not match, the overall
timeout).";

fn long_help() -> String {
    format!("{EXAMPLES}\n\n{}", check::JSON_SCHEMA)
}

/// Check a domain's mail servers live: DNSSEC, DANE, MTA-STS and TLSRPT,
/// STARTTLS to every MX address and key type.
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES, after_long_help = long_help())]
pub struct Args {
    /// The mail domain (the part after @).
    domain: String,

    /// The upstream resolver, IP or IP:PORT (port 53 by default). Default:
    /// the first nameserver of /etc/resolv.conf.
    #[arg(long, value_name = "IP[:PORT]", value_parser = parse_resolver)]
    resolver: Option<SocketAddr>,

    /// Trust the resolver's AD bit instead of validating DNSSEC here (the
    /// resolver's claim: use a validating resolver on this machine).
    #[arg(long, conflicts_with = "trust_anchor")]
    trust_ad: bool,

    /// Validate from the DS or DNSKEY records in FILE (zone-file lines)
    /// instead of the root's trust anchors, for private or test zones;
    /// names under none of them are insecure.
    #[arg(long, value_name = "FILE")]
    trust_anchor: Option<PathBuf>,

    /// PEM roots to trust instead of Mozilla's for the MTA-STS policy host
    /// and MTA-STS certificate checks of MX hosts.
    #[arg(long, value_name = "FILE")]
    ca_file: Option<PathBuf>,

    /// The name to send with EHLO. Default: this machine's host name.
    #[arg(long, value_name = "NAME")]
    ehlo: Option<String>,

    /// Seconds for the whole check.
    #[arg(long, value_name = "SECS", default_value_t = 120)]
    timeout: u64,

    /// Seconds for one SMTP connection, from connect to the end of the TLS
    /// handshake, and for the policy fetch.
    #[arg(long, value_name = "SECS", default_value_t = 30)]
    connect_timeout: u64,

    /// Seconds to wait for one DNS response.
    #[arg(long, value_name = "SECS", default_value_t = 5)]
    dns_timeout: u64,

    /// How many MX hosts are checked at once.
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
    parallel: u16,

    /// No progress on standard error.
    #[arg(long, short)]
    quiet: bool,

    /// Print the report as JSON (schema in --help and cli/README.md).
    #[arg(long)]
    json: bool,
}

fn parse_resolver(text: &str) -> Result<SocketAddr, String> {
    text.parse::<SocketAddr>()
        .or_else(|_| text.parse::<IpAddr>().map(|ip| SocketAddr::new(ip, 53)))
        .map_err(|_| "expected an IP address, IP:PORT or [IPv6]:PORT".to_owned())
}

/// What every step needs.
struct Context {
    domain: String,
    resolver: Resolver,
    smtp: smtp::Options,
    fetch: fetch::Options,
    parallel: usize,
    quiet: bool,
}

impl Context {
    fn progress(&self, message: &str) {
        if !self.quiet {
            eprintln!("mxtrust: {message}");
        }
    }
}

/// Runs the check and prints the report.
///
/// # Errors
///
/// A usage error, or a check that could not run; exit status 2.
pub fn run(args: &Args) -> Result<ExitCode, InputError> {
    let domain = args.domain.trim_end_matches('.').to_owned();
    if domain.parse::<IpAddr>().is_ok()
        || mxtrust::fetch::policy_host(&domain, &mut [0u8; 300]).is_err()
    {
        return Err(InputError::new(format!(
            "{:?} is not a mail domain (a DNS name)",
            args.domain
        )));
    }
    let (roots, ca_ders) = match &args.ca_file {
        Some(path) => {
            let ders = input::certificates(path, pem::MAX_TRUST_ANCHORS_INPUT_LEN, "a CA file")?;
            if ders.is_empty() {
                return Err(InputError::new(format!(
                    "{}: no certificate",
                    input::display_name(path)
                )));
            }
            (fetch::Roots::Only(ders.clone()), ders)
        }
        None => (fetch::Roots::Public, Vec::new()),
    };
    let upstream = match args.resolver {
        Some(address) => address,
        None => {
            let text = std::fs::read_to_string("/etc/resolv.conf")
                .map_err(|e| InputError::new(format!("/etc/resolv.conf: {e}; pass --resolver")))?;
            dns::resolv_conf_upstream(&text)
                .map_err(|e| InputError::new(format!("/etc/resolv.conf: {e}; pass --resolver")))?
        }
    };
    if args.trust_ad && !upstream.ip().is_loopback() && !args.quiet {
        eprintln!(
            "mxtrust: warning: --trust-ad with {upstream}, which is not on this machine: anyone on \
             the path can set the AD bit"
        );
    }
    let connect_timeout = Duration::from_secs(args.connect_timeout.max(1));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| InputError::new(format!("cannot start the runtime: {e}")))?;
    let observed = runtime.block_on(async {
        let mut config = dns::Config {
            upstream,
            validation: Validation::ResolverAd,
            timeout: Duration::from_secs(args.dns_timeout.max(1)),
            retries: 2,
        };
        let resolver = Resolver::new(config.clone()).map_err(|e| InputError::new(e.to_string()))?;
        if !args.trust_ad {
            let anchors = match &args.trust_anchor {
                Some(path) => resolver
                    .read_trust_anchors(path)
                    .await
                    .map_err(|e| InputError::new(e.to_string()))?,
                None => TrustAnchors::root(),
            };
            config.validation = Validation::Local(anchors);
        }
        let context = Context {
            domain: domain.clone(),
            resolver: Resolver::new(config).map_err(|e| InputError::new(e.to_string()))?,
            smtp: smtp::Options {
                ehlo_name: args.ehlo.clone().unwrap_or_else(host_name),
                timeout: connect_timeout,
            },
            fetch: fetch::Options {
                timeout: connect_timeout,
                roots,
            },
            parallel: usize::from(args.parallel),
            quiet: args.quiet,
        };
        tokio::time::timeout(Duration::from_secs(args.timeout.max(1)), observe(&context))
            .await
            .map_err(|_| {
                InputError::new(format!(
                    "the check did not finish within {} s (--timeout)",
                    args.timeout
                ))
            })
    });
    // Do not wait for probes still blocked when the overall timeout hit:
    // their sockets have deadlines of their own, and the process ends.
    runtime.shutdown_background();
    let observed = observed??;
    let anchors: Vec<TrustAnchor<'_>> = if ca_ders.is_empty() {
        fetch::public_roots().to_vec()
    } else {
        input::trust_anchors(&ca_ders, args.ca_file.as_deref())?
    };
    let report = check::build(
        &observed,
        &Trust {
            anchors: &anchors,
            algorithms: crate::dane::ALGORITHMS,
        },
    );
    crate::finish(&report, args.json, |r| r.human(), report.passed())
}

/// This machine's host name, for EHLO (RFC 5321 §4.1.1.1).
fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|n| n.trim().to_owned())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "localhost".to_owned())
}

/// Everything the report needs, observed.
async fn observe(c: &Context) -> Result<Observed, InputError> {
    let domain = c.domain.as_str();
    let (mx, (sts, tlsrpt)) = futures_util::future::join(
        c.resolver.mx(domain),
        futures_util::future::join(sts(c), c.resolver.txt(&format!("_smtp._tls.{domain}"))),
    )
    .await;
    if mx.no_response {
        return Err(InputError::new(format!(
            "the resolver at {} does not answer: {}",
            c.resolver.config().upstream,
            mx.detail.as_deref().unwrap_or("no response")
        )));
    }
    let mx_records: Vec<(u16, String)> = mx
        .records()
        .iter()
        .map(|r| (r.preference, r.exchange.clone()))
        .collect();
    let mx_lookup = lookup(&mx);
    let route = check::route(domain, &mx_lookup, &mx_records);
    c.progress(&format!(
        "MX of {domain}: {} ({}), route {}",
        if mx_records.is_empty() {
            found_words(&mx_lookup)
        } else {
            mx_records
                .iter()
                .map(|(p, e)| format!("{p} {e}"))
                .collect::<Vec<_>>()
                .join(", ")
        },
        mx.security.code(),
        route.code()
    ));
    let hosts: Vec<HostObserved> = {
        let policy = check::sts_policy(domain, &sts);
        let policy = policy.as_ref();
        let mx_lookup = &mx_lookup;
        futures_util::stream::iter(route.hosts())
            .map(|(preference, host)| probe_host(c, mx_lookup, policy, preference, host))
            .buffered(c.parallel)
            .collect()
            .await
    };
    Ok(Observed {
        domain: domain.to_owned(),
        time: time::now(),
        validation: match &c.resolver.config().validation {
            Validation::Local(anchors) => check::Validation::Local(anchors.source().to_owned()),
            Validation::ResolverAd => check::Validation::ResolverAd,
        },
        resolver: c.resolver.config().upstream.to_string(),
        mx: (mx_lookup, mx_records),
        hosts,
        sts,
        tlsrpt: (lookup(&tlsrpt), tlsrpt.records().to_vec()),
    })
}

/// One MX host: its addresses and TLSA records, then STARTTLS to each
/// address when a sender would connect.
async fn probe_host(
    c: &Context,
    mx: &Lookup,
    policy: Option<&mxtrust::policy::Policy<'_>>,
    preference: u16,
    name: String,
) -> HostObserved {
    let (a, aaaa) = futures_util::future::join(
        c.resolver.addresses(&name, false),
        c.resolver.addresses(&name, true),
    )
    .await;
    let mut host = HostObserved {
        host: name.clone(),
        preference,
        a: lookup(&a),
        aaaa: lookup(&aaaa),
        addresses: a.records().iter().chain(aaaa.records()).copied().collect(),
        tlsa: TlsaObserved::default(),
        connections: Vec::new(),
        notes: Vec::new(),
    };
    if let Ok(owners) = check::tlsa_candidates(&name, &host.a, &host.aaaa) {
        for owner in owners {
            let answer = c.resolver.tlsa(&owner).await;
            let data = answer
                .records()
                .iter()
                .map(|r| TlsaData {
                    fields: [r.usage, r.selector, r.matching_type],
                    data: r.data.clone(),
                })
                .collect();
            let next = check::tlsa_next(&lookup(&answer));
            host.tlsa.asked.push((owner, lookup(&answer), data));
            if !next {
                break;
            }
        }
    }
    let decision = check::decide(mx, &host, policy);
    c.progress(&format!(
        "{name}: {} address{} ({}), TLSA {}, decision {}",
        host.addresses.len(),
        if host.addresses.len() == 1 { "" } else { "es" },
        host.a.security.weaker(host.aaaa.security).code(),
        host.tlsa.asked.last().map_or_else(
            || "not asked".to_owned(),
            |(owner, l, d)| format!(
                "{owner} {} ({})",
                if d.is_empty() {
                    found_words(l)
                } else {
                    format!("{} record{}", d.len(), if d.len() == 1 { "" } else { "s" })
                },
                l.security.code()
            )
        ),
        decision.action.code()
    ));
    if !check::connects(decision.action) {
        return host;
    }
    let server_name = check::server_name(&host);
    for address in host.addresses.clone() {
        let options = c.smtp.clone();
        let sni = server_name.clone();
        let (connections, notes) =
            tokio::task::spawn_blocking(move || probe_address(address, &sni, &options))
                .await
                .unwrap_or_else(|e| {
                    (
                        vec![Connection {
                            address,
                            key_type: None,
                            result: Err(("internal-error", e.to_string())),
                        }],
                        Vec::new(),
                    )
                });
        for connection in &connections {
            c.progress(&format!(
                "{name} [{address}] {}: {}",
                connection.key_type.unwrap_or("any key type"),
                match &connection.result {
                    Ok(s) => format!(
                        "{} {}, {} certificate{}",
                        s.version,
                        s.cipher,
                        s.chain.len(),
                        if s.chain.len() == 1 { "" } else { "s" }
                    ),
                    Err((code, _)) => (*code).to_owned(),
                }
            ));
        }
        host.connections.extend(connections);
        host.notes.extend(notes);
    }
    host
}

/// STARTTLS to one address, offering ECDSA then RSA schemes; every scheme
/// when the server has neither. A key type the server has no certificate
/// for is a note, not a connection.
fn probe_address(
    address: IpAddr,
    sni: &str,
    options: &smtp::Options,
) -> (Vec<Connection>, Vec<String>) {
    let target = SocketAddr::new(address, 25);
    let mut connections = Vec::new();
    let mut notes = Vec::new();
    for key_type in [KeyType::Ecdsa, KeyType::Rsa] {
        match smtp::starttls(target, sni, Some(key_type), options) {
            Err(smtp::Failure::NoCertificateOfType(why)) => notes.push(format!(
                "{address}: no {key_type} certificate: the server refused a handshake offering only \
                 {key_type} signatures ({why})"
            )),
            Err(f) if f.ends_the_address() => {
                return (
                    vec![Connection {
                        address,
                        key_type: None,
                        result: Err((f.code(), f.to_string())),
                    }],
                    Vec::new(),
                );
            }
            result => connections.push(connection(address, Some(key_type), result)),
        }
    }
    if connections.is_empty() {
        let result = smtp::starttls(target, sni, None, options);
        connections.push(connection(address, None, result));
    }
    (connections, notes)
}

fn connection(
    address: IpAddr,
    key_type: Option<KeyType>,
    result: Result<smtp::Session, smtp::Failure>,
) -> Connection {
    Connection {
        address,
        key_type: key_type.map(KeyType::code),
        result: result
            .map(|s| Session {
                version: s.version,
                cipher: s.cipher,
                chain: s.chain,
            })
            .map_err(|f| (f.code(), f.to_string())),
    }
}

/// The `_mta-sts` record, and the policy when the record names one.
async fn sts(c: &Context) -> StsObserved {
    let domain = c.domain.as_str();
    let txt = c.resolver.txt(&format!("_mta-sts.{domain}")).await;
    let record = (lookup(&txt), txt.records().to_vec());
    if let Err(why) = check::sts_record(&record.0, &record.1) {
        c.progress(&format!("MTA-STS: {why}"));
        return StsObserved {
            record,
            policy_host: None,
            fetch: None,
        };
    }
    let host = format!("mta-sts.{domain}");
    let (a, aaaa) = futures_util::future::join(
        c.resolver.addresses(&host, false),
        c.resolver.addresses(&host, true),
    )
    .await;
    let mut url_buf = [0u8; 300];
    let url = mxtrust::fetch::policy_url(domain, &mut url_buf)
        .unwrap_or_default()
        .to_owned();
    let bogus = a.security == DnssecStatus::Bogus || aaaa.security == DnssecStatus::Bogus;
    let addresses: Vec<IpAddr> = a.records().iter().chain(aaaa.records()).copied().collect();
    let result = if bogus {
        let bogus = mxtrust::fetch::TransportFailure::PolicyHostBogus;
        Err((
            bogus.code(),
            format!("{bogus} ({host})"),
            bogus.result_type().as_str(),
        ))
    } else {
        let options = c.fetch.clone();
        let domain = domain.to_owned();
        let fetched =
            tokio::task::spawn_blocking(move || fetch::policy(&domain, &addresses, &options)).await;
        match fetched {
            Ok(Ok(f)) => Ok(FetchResponse {
                status: f.status,
                content_type: f.content_type,
                location: f.location,
                body: f.body,
                truncated: f.truncated,
            }),
            Ok(Err(f)) => Err((f.code(), f.to_string(), f.result_type().as_str())),
            Err(e) => Err(("internal-error", e.to_string(), "sts-policy-fetch-error")),
        }
    };
    c.progress(&format!(
        "MTA-STS: {url}: {}",
        match &result {
            Ok(r) => format!("HTTP {}", r.status),
            Err((code, ..)) => (*code).to_owned(),
        }
    ));
    StsObserved {
        record,
        policy_host: Some((lookup(&a), lookup(&aaaa))),
        fetch: Some(Fetch { url, result }),
    }
}

/// The report's view of a DNS answer.
fn lookup<T>(answer: &Answer<T>) -> Lookup {
    Lookup {
        name: answer.name.clone(),
        security: answer.security,
        found: match answer.outcome {
            Outcome::Records(_) => Found::Records,
            Outcome::NoData => Found::NoData,
            Outcome::NxDomain => Found::NxDomain,
            Outcome::Failed => Found::Failed,
        },
        cnames: answer
            .cnames
            .iter()
            .map(|c| (c.owner.clone(), c.target.clone(), c.security))
            .collect(),
        detail: match (&answer.detail, answer.tries) {
            (Some(d), n) if n > 1 => Some(format!("{d}; asked {n} times")),
            (None, n) if n > 1 => Some(format!("asked {n} times")),
            (d, _) => d.clone(),
        },
    }
}

fn found_words(l: &Lookup) -> String {
    match l.found {
        Found::Records => "records".to_owned(),
        Found::NoData => "no records".to_owned(),
        Found::NxDomain => "no such name".to_owned(),
        Found::Failed => format!("failed ({})", l.detail.as_deref().unwrap_or("no answer")),
    }
}
