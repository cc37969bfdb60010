//! `mxsend`: delivers one message to one domain as a Rust MTA would, for
//! the real-stack tests (tests/stack/cases/rust_client.sh).
//!
//! DNS comes from mxtrust-net (MX, A and TLSA with their DNSSEC status,
//! validated from a trust-anchor file), what to do from core's
//! `decision::decide`, and the certificate verdict from mxtrust-rustls's
//! `MxVerifier`, plugged into the STARTTLS of mail-send (Stalwart's SMTP
//! client) through its `TlsConnector`.
//!
//! ```text
//! mxsend -a TRUST_ANCHOR [-S POLICY -R ROOTS.pem] [-p PORT] [-i MESSAGE_ID] DOMAIN
//! mx=ee.example.test decision=require-dane verdict=authenticated result_type=- signature=yes records=matched sent=yes reply=250 2.0.0 Ok: queued as 4XyZ
//! ```
//!
//! Exit status: 0 sent, 1 the verifier refused the server, 2 anything else
//! (deferred by the decision, DNS, connection or SMTP failure, usage).
//! Under an `enforce` policy that does not list the MX (`skip-mx`) an MTA
//! would not connect; this client connects anyway, so that the tests see the
//! verifier refuse the server by itself.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use mail_send::SmtpClientBuilder;
use mail_send::smtp::message::Message;
use mxtrust::Tlsa;
use mxtrust::decision::{self, Action, DnssecStatus, MxInputs, StsState, TlsaUsability};
use mxtrust::policy::Policy;
use mxtrust::tlsa::{DigestPreference, ProfileKind};
use mxtrust_net::dns::{self, Resolver, Validation};
use mxtrust_rustls::{Dane, MxVerifier, Refusal, Rule, Sts, mx_client_config};
use rustls::RootCertStore;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;

struct Args {
    trust_anchor: PathBuf,
    policy: Option<PathBuf>,
    roots: Option<PathBuf>,
    port: u16,
    message_id: String,
    domain: String,
}

fn usage() -> String {
    "usage: mxsend -a TRUST_ANCHOR [-S POLICY -R ROOTS.pem] [-p PORT] [-i MESSAGE_ID] DOMAIN"
        .to_owned()
}

fn parse_args() -> Result<Args, String> {
    let mut args = std::env::args().skip(1);
    let (mut trust_anchor, mut policy, mut roots, mut port, mut message_id, mut domain) =
        (None, None, None, 25, None, None);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or_else(usage);
        match arg.as_str() {
            "-a" => trust_anchor = Some(PathBuf::from(value()?)),
            "-S" => policy = Some(PathBuf::from(value()?)),
            "-R" => roots = Some(PathBuf::from(value()?)),
            "-p" => port = value()?.parse().map_err(|_| usage())?,
            "-i" => message_id = Some(value()?),
            _ if arg.starts_with('-') || domain.is_some() => return Err(usage()),
            _ => domain = Some(arg),
        }
    }
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    Ok(Args {
        trust_anchor: trust_anchor.ok_or_else(usage)?,
        policy,
        roots,
        port,
        message_id: message_id.unwrap_or_else(|| {
            format!("mxsend.{}.{nanos}@client.example.test", std::process::id())
        }),
        domain: domain.ok_or_else(usage)?,
    })
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("mxsend: tokio: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(deliver(&args)) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("mxsend: {message}");
            ExitCode::from(2)
        }
    }
}

async fn resolver(trust_anchor: &Path) -> Result<Resolver, String> {
    let text = std::fs::read_to_string("/etc/resolv.conf").map_err(|e| e.to_string())?;
    let upstream = dns::resolv_conf_upstream(&text).map_err(|e| e.to_string())?;
    let mut config = dns::Config {
        upstream,
        validation: Validation::ResolverAd,
        timeout: Duration::from_secs(5),
        retries: 1,
    };
    let bootstrap = Resolver::new(config.clone()).map_err(|e| e.to_string())?;
    let anchors = bootstrap
        .read_trust_anchors(trust_anchor)
        .await
        .map_err(|e| e.to_string())?;
    config.validation = Validation::Local(anchors);
    Resolver::new(config).map_err(|e| e.to_string())
}

fn sts_state(policy: Option<&[u8]>, host: &str) -> Result<StsState, String> {
    let Some(body) = policy else {
        return Ok(StsState::NoPolicy);
    };
    let policy: Policy<'_> = Policy::parse(body, &mut []).map_err(|e| format!("policy: {e}"))?;
    Ok(StsState::of(Some(&policy), host.as_bytes()))
}

fn roots(path: Option<&PathBuf>) -> Result<RootCertStore, String> {
    let path = path.ok_or("-S needs -R ROOTS.pem")?;
    let mut store = RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(path).map_err(|e| format!("{path:?}: {e}"))? {
        store
            .add(cert.map_err(|e| format!("{path:?}: {e}"))?)
            .map_err(|e| format!("{path:?}: {e}"))?;
    }
    Ok(store)
}

async fn deliver(args: &Args) -> Result<ExitCode, String> {
    let resolver = resolver(&args.trust_anchor).await?;
    let mx = resolver.mx(&args.domain).await;
    // RFC 5321 §5.1: no MX records, the domain itself (the implicit MX).
    let host = mx
        .records()
        .iter()
        .min_by_key(|r| r.preference)
        .map_or_else(|| args.domain.clone(), |r| r.exchange.clone());
    let addresses = resolver.addresses(&host, false).await;
    let tlsa = resolver.tlsa(&format!("_25._tcp.{host}")).await;
    let rdata: Vec<Vec<u8>> = tlsa
        .records()
        .iter()
        .map(|r| [&[r.usage, r.selector, r.matching_type][..], &r.data].concat())
        .collect();
    let parsed: Vec<Tlsa<'_>> = rdata
        .iter()
        .filter_map(|r| Tlsa::from_rdata(r).ok())
        .collect();
    let policy = match &args.policy {
        Some(path) => Some(std::fs::read(path).map_err(|e| format!("{path:?}: {e}"))?),
        None => None,
    };
    let decision = decision::decide(MxInputs {
        mx_rrset: mx.security,
        addresses: addresses.security,
        tlsa: tlsa.tlsa_status(),
        tlsa_usability: TlsaUsability::of(
            &parsed,
            ProfileKind::Smtp,
            &DigestPreference::SHA512_SHA256,
        ),
        sts: sts_state(policy.as_deref(), &host)?,
    });
    let line = format!("mx={host} decision={}", decision.action.code());
    let rule: Rule = match decision.action {
        Action::RequireDane | Action::RequireTlsUnauthenticated => {
            Dane::new(rdata, DnssecStatus::Secure, [host.clone()])
                .map_err(|e| format!("{line}: {e}"))?
                .into()
        }
        Action::RequireSts | Action::StsTesting | Action::SkipMx => {
            let body = policy.unwrap_or_default();
            Sts::new(body, host.clone(), roots(args.roots.as_ref())?)
                .map_err(|e| format!("{line}: {e}"))?
                .into()
        }
        Action::Defer | Action::Opportunistic => {
            let rt = decision.report.map_or("-", |r| r.as_str());
            println!("{line} verdict=not-sent result_type={rt} sent=no");
            return Ok(ExitCode::from(2));
        }
    };

    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = Arc::new(MxVerifier::new(&provider, rule));
    let report = verifier.report();
    let config = mx_client_config(provider, verifier).map_err(|e| e.to_string())?;
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let body = format!(
        "From: <mxsend@client.example.test>\r\nTo: <postmaster@{domain}>\r\n\
         Subject: mxtrust-rustls through mail-send\r\nMessage-ID: <{id}>\r\n\r\n\
         Delivered under {action}.\r\n",
        domain = args.domain,
        id = args.message_id,
        action = decision.action.code(),
    );
    let to = format!("postmaster@{}", args.domain);
    let sent = async {
        let mut client =
            SmtpClientBuilder::new_with_tls_connector(host.as_str(), args.port, connector)
                .implicit_tls(false)
                .helo_host("client.example.test")
                .timeout(Duration::from_secs(20))
                .connect()
                .await?;
        let reply = client
            .send(Message::new(
                "mxsend@client.example.test",
                [to.as_str()],
                body.as_bytes(),
            ))
            .await?;
        let _ = client.quit().await;
        Ok::<_, mail_send::Error>(reply)
    }
    .await;

    let verdict = report.verdict();
    let judged = match &verdict {
        Some(v) => {
            let records: Vec<&str> = match &v.outcome {
                mxtrust_rustls::Outcome::Dane { records, .. } => {
                    records.iter().map(|s| s.code()).collect()
                }
                _ => vec!["-"],
            };
            format!(
                "verdict={} result_type={} signature={} records={} presented={}",
                v.code(),
                v.result_type().map_or("-", |r| r.as_str()),
                if v.signature_verified { "yes" } else { "no" },
                records.join(","),
                v.presented.len(),
            )
        }
        None => "verdict=none".to_owned(),
    };
    match sent {
        Ok(reply) => {
            println!(
                "{line} {judged} sent=yes reply={} {}",
                reply.code(),
                reply.message()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(error) => {
            let refusal = match &error {
                mail_send::Error::Tls(e) => Refusal::find(&**e),
                other => Refusal::find(other),
            };
            match refusal {
                Some(r) => {
                    println!(
                        "{line} {judged} sent=no refused={} refused_result_type={}",
                        r.code(),
                        r.result_type()
                    );
                    Ok(ExitCode::from(1))
                }
                None => {
                    println!(
                        "{line} {judged} sent=no error={}",
                        error.to_string().replace(' ', "_")
                    );
                    Ok(ExitCode::from(2))
                }
            }
        }
    }
}
