//! The MTA-STS policy fetch (RFC 8461 §3.3): `GET
//! https://mta-sts.<domain>/.well-known/mta-sts.txt` with ureq on rustls,
//! at the addresses the caller's resolver found for the policy host (never
//! the system's resolver), with SNI and the certificate check for the host
//! name; no redirects followed, no proxy, no cache, a deadline, and at
//! most [`MAX_POLICY_LEN`] octets read.
//!
//! What the response may be used for is core's rule
//! ([`mxtrust::fetch::check_response`], through [`Fetched::response`]).

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use mxtrust::fetch::TransportFailure;
use mxtrust::limits::MAX_POLICY_LEN;
use ureq::config::Config;
use ureq::http::Uri;
use ureq::tls::{Certificate, RootCerts, TlsConfig, TlsProvider};
use ureq::unversioned::resolver::{ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{DefaultConnector, NextTimeout};

/// Which roots the policy host's certificate must chain to.
#[derive(Clone, Debug)]
pub enum Roots {
    /// Mozilla's root program, as the `webpki-roots` crate ships it (the
    /// same set ureq uses by default); not the system's bundle.
    Public,
    /// These certificates (DER), instead of the public ones.
    Only(Vec<Vec<u8>>),
}

/// Settings of a fetch.
#[derive(Clone, Debug)]
pub struct Options {
    /// The deadline for the whole fetch (RFC 8461 §3.3 suggests a minute).
    pub timeout: Duration,
    /// The trusted roots.
    pub roots: Roots,
}

/// The response to a policy fetch, as far as it came.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fetched {
    /// The URL asked for.
    pub url: String,
    /// The HTTP status.
    pub status: u16,
    /// The `Content-Type` value, if any.
    pub content_type: Option<Vec<u8>>,
    /// The `Location` of a redirect, which is not followed.
    pub location: Option<String>,
    /// The body, at most [`MAX_POLICY_LEN`] octets.
    pub body: Vec<u8>,
    /// Whether the body was longer and reading stopped.
    pub truncated: bool,
}

impl Fetched {
    /// What core judges ([`mxtrust::fetch::check_response`]). A redirect is
    /// never followed, so the response is always the policy URL's own.
    pub fn response(&self) -> mxtrust::fetch::Response<'_> {
        mxtrust::fetch::Response {
            url: &self.url,
            status: self.status,
            redirected: false,
            content_type: self.content_type.as_deref(),
            body_len: self.body.len(),
            truncated: self.truncated,
        }
    }
}

/// Why no HTTP response came back: core's class of the failure, which
/// fixes its code and RFC 8460 result type, and what the HTTP client said.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// The class (core's rule for its code and result type).
    pub kind: TransportFailure,
    /// The HTTP or TLS client's own words, when it gave any.
    pub detail: Option<String>,
}

impl Failure {
    const fn bare(kind: TransportFailure) -> Self {
        Self { kind, detail: None }
    }

    fn with(kind: TransportFailure, detail: String) -> Self {
        Self {
            kind,
            detail: Some(detail),
        }
    }

    /// A stable kebab-case code (core's [`TransportFailure::code`]).
    pub const fn code(&self) -> &'static str {
        self.kind.code()
    }

    /// The RFC 8460 result type a TLSRPT report gives it (§4.3.3).
    pub const fn result_type(&self) -> mxtrust::tlsrpt::ResultType {
        self.kind.result_type()
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.detail {
            Some(d) => write!(f, "{}: {d}", self.kind),
            None => write!(f, "{}", self.kind),
        }
    }
}

impl std::error::Error for Failure {}

/// A ureq resolver that knows one host: the addresses our DNS found.
#[derive(Debug)]
struct Fixed {
    host: String,
    addresses: Vec<SocketAddr>,
}

impl Resolver for Fixed {
    fn resolve(
        &self,
        uri: &Uri,
        _config: &Config,
        _timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        if !uri
            .host()
            .is_some_and(|h| h.eq_ignore_ascii_case(&self.host))
        {
            return Err(ureq::Error::HostNotFound);
        }
        let mut out = self.empty();
        for address in self.addresses.iter().take(16) {
            out.push(*address);
        }
        Ok(out)
    }
}

/// Fetches `domain`'s policy from the policy host at `addresses`.
///
/// # Errors
///
/// A [`Failure`] when no HTTP response came back; a response of any status
/// is `Ok`, for core to judge.
pub fn policy(domain: &str, addresses: &[IpAddr], options: &Options) -> Result<Fetched, Failure> {
    let mut buf = [0u8; 300];
    let url = mxtrust::fetch::policy_url(domain, &mut buf)
        .map_err(|_| Failure::bare(TransportFailure::InvalidDomain))?
        .to_owned();
    let mut host_buf = [0u8; 300];
    let host = mxtrust::fetch::policy_host(domain, &mut host_buf)
        .map_err(|_| Failure::bare(TransportFailure::InvalidDomain))?
        .to_owned();
    if addresses.is_empty() {
        return Err(Failure::bare(TransportFailure::NoAddress));
    }
    let roots = match &options.roots {
        Roots::Public => RootCerts::WebPki,
        Roots::Only(ders) => RootCerts::new_with_certs(
            &ders
                .iter()
                .map(|d| Certificate::from_der(d).to_owned())
                .collect::<Vec<_>>(),
        ),
    };
    let tls = TlsConfig::builder()
        .provider(TlsProvider::Rustls)
        .root_certs(roots)
        .unversioned_rustls_crypto_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .build();
    let config = Config::builder()
        .https_only(true)
        .http_status_as_error(false)
        .max_redirects(0)
        .max_redirects_will_error(false)
        .proxy(None)
        .timeout_global(Some(options.timeout))
        .user_agent(concat!("mxtrust/", env!("CARGO_PKG_VERSION")))
        .tls_config(tls)
        .build();
    let resolver = Fixed {
        host,
        addresses: addresses
            .iter()
            .map(|ip| SocketAddr::new(*ip, 443))
            .collect(),
    };
    let agent = ureq::Agent::with_parts(config, DefaultConnector::new(), resolver);
    let mut response = agent.get(&url).call().map_err(|e| failure(&e))?;
    let header = |name: &str| response.headers().get(name).map(|v| v.as_bytes().to_vec());
    let content_type = header("content-type");
    let location = header("location").map(|v| String::from_utf8_lossy(&v).into_owned());
    let status = response.status().as_u16();
    let limit = u64::try_from(MAX_POLICY_LEN).unwrap_or(u64::MAX);
    let (body, truncated) = match response.body_mut().with_config().limit(limit).read_to_vec() {
        Ok(body) => (body, false),
        Err(ureq::Error::BodyExceedsLimit(_)) => (Vec::new(), true),
        Err(e) => return Err(failure(&e)),
    };
    Ok(Fetched {
        url,
        status,
        content_type,
        location,
        body,
        truncated,
    })
}

fn failure(error: &ureq::Error) -> Failure {
    match error {
        ureq::Error::Timeout(_) => return Failure::bare(TransportFailure::Timeout),
        ureq::Error::Io(e) => {
            if let Some(tls) = e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) {
                return match tls {
                    rustls::Error::InvalidCertificate(c) => {
                        Failure::with(TransportFailure::Certificate, c.to_string())
                    }
                    other => Failure::with(TransportFailure::Connection, format!("TLS: {other}")),
                };
            }
        }
        _ => {}
    }
    Failure::with(TransportFailure::Connection, error.to_string())
}

/// The public roots the policy fetch trusts by default (Mozilla's, from
/// `webpki-roots`), for checking MX certificates under MTA-STS with the
/// same set.
pub fn public_roots() -> &'static [rustls::pki_types::TrustAnchor<'static>] {
    webpki_roots::TLS_SERVER_ROOTS
}
