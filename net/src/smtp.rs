//! STARTTLS to one mail server address (RFC 5321, RFC 3207): the greeting,
//! EHLO, STARTTLS, a TLS handshake with rustls, and the chain the server
//! presented, captured by [`mxtrust_rustls::ChainCapture`] (which still
//! verifies the handshake signature).
//!
//! Blocking I/O with one deadline for the whole exchange
//! ([`Options::timeout`]); run it on a thread of its own. Whatever goes
//! wrong is a [`Failure`] with a stable code that says which step failed,
//! so a checker can answer "no STARTTLS" or "only TLS 1.0" instead of
//! printing an I/O error.

use std::fmt;
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};

use mxtrust_rustls::{ChainCapture, KeyType, client_config};
use rustls::pki_types::ServerName;
use rustls::{AlertDescription, ClientConnection, PeerIncompatible};

/// The longest reply line read (RFC 5321 §4.5.3.1.5 allows 512 octets;
/// servers send longer ones).
const MAX_LINE: usize = 4096;

/// The most lines of one reply.
const MAX_LINES: usize = 128;

/// Settings of one exchange.
#[derive(Clone, Debug)]
pub struct Options {
    /// The name sent with EHLO (RFC 5321 §4.1.1.1: the client's host name).
    pub ehlo_name: String,
    /// The deadline for the whole exchange, from the TCP connect to the
    /// end of the handshake.
    pub timeout: Duration,
}

/// A completed STARTTLS handshake.
#[derive(Clone, Debug)]
pub struct Session {
    /// The greeting's first line (`220 mx.example.com ESMTP`).
    pub greeting: String,
    /// The TLS version, `TLSv1.3` or `TLSv1.2`.
    pub version: String,
    /// The cipher suite, IANA name (`TLS13_AES_256_GCM_SHA384`).
    pub cipher: String,
    /// The presented chain, DER, leaf first.
    pub chain: Vec<Vec<u8>>,
}

/// Why no TLS session came about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    /// The connection was refused (nothing listens on the port).
    Refused,
    /// No TCP connection before the deadline.
    ConnectTimeout,
    /// Another connect error (unreachable network or host...).
    Connect(String),
    /// Connected, but no greeting before the deadline: a silent port.
    NoGreeting,
    /// The greeting is not 220 (RFC 5321 §3.1: 554 refuses service).
    GreetingRefused(String),
    /// EHLO was refused.
    EhloRefused(String),
    /// EHLO does not list STARTTLS (RFC 3207 §4): mail would go in the
    /// clear.
    NoStarttls,
    /// STARTTLS was answered with something other than 220 (RFC 3207 §4).
    StarttlsRefused(String),
    /// The server sent data after its 220 reply to STARTTLS, before TLS:
    /// a response that could be injected (RFC 3207 §5 warns of it).
    PlaintextAfterStarttls,
    /// The server speaks only TLS 1.1 or older, which rustls does not (and
    /// RFC 8996 deprecates).
    OldTls(String),
    /// With schemes of one key type offered, the server had no certificate
    /// to present (it refused the handshake).
    NoCertificateOfType(String),
    /// The handshake signature does not verify with the key of the leaf the
    /// server presented: it does not hold that certificate's key.
    BadSignature,
    /// Another TLS failure.
    Tls(String),
    /// The deadline passed during a step.
    Timeout(&'static str),
    /// The server closed the connection or broke the protocol.
    Protocol(String),
}

impl Failure {
    /// A stable kebab-case code.
    pub const fn code(&self) -> &'static str {
        match self {
            Self::Refused => "connection-refused",
            Self::ConnectTimeout => "connect-timeout",
            Self::Connect(_) => "connect-failed",
            Self::NoGreeting => "no-greeting",
            Self::GreetingRefused(_) => "greeting-refused",
            Self::EhloRefused(_) => "ehlo-refused",
            Self::NoStarttls => "no-starttls",
            Self::StarttlsRefused(_) => "starttls-refused",
            Self::PlaintextAfterStarttls => "plaintext-after-starttls",
            Self::OldTls(_) => "tls-version-too-old",
            Self::NoCertificateOfType(_) => "no-certificate-of-type",
            Self::BadSignature => "handshake-signature-invalid",
            Self::Tls(_) => "tls-failed",
            Self::Timeout(_) => "timeout",
            Self::Protocol(_) => "smtp-protocol-error",
        }
    }

    /// Whether no TLS session can come about on this address whatever key
    /// type is offered (the other failures are about one handshake).
    pub const fn ends_the_address(&self) -> bool {
        !matches!(
            self,
            Self::NoCertificateOfType(_) | Self::BadSignature | Self::Tls(_)
        )
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Refused => f.write_str("connection refused: nothing listens on the port"),
            Self::ConnectTimeout => f.write_str("no TCP connection before the timeout"),
            Self::Connect(e) => write!(f, "cannot connect: {e}"),
            Self::NoGreeting => {
                f.write_str("connected, but the server sent no greeting before the timeout")
            }
            Self::GreetingRefused(r) => write!(f, "the server refuses service: {r}"),
            Self::EhloRefused(r) => write!(f, "EHLO refused: {r}"),
            Self::NoStarttls => f.write_str(
                "the server does not offer STARTTLS (RFC 3207): mail to it would travel in the clear",
            ),
            Self::StarttlsRefused(r) => write!(f, "STARTTLS refused: {r}"),
            Self::PlaintextAfterStarttls => f.write_str(
                "the server sent data after its STARTTLS reply, before TLS began (RFC 3207 §5)",
            ),
            Self::OldTls(e) => write!(
                f,
                "the server speaks only TLS 1.1 or older, which RFC 8996 deprecates and mxtrust \
                 does not speak ({e})"
            ),
            Self::NoCertificateOfType(e) => {
                write!(f, "the server has no certificate of this key type ({e})")
            }
            Self::BadSignature => f.write_str(
                "the handshake signature does not verify with the key of the presented leaf: \
                 the server does not hold that certificate's private key",
            ),
            Self::Tls(e) => write!(f, "TLS handshake failed: {e}"),
            Self::Timeout(step) => write!(f, "timeout during {step}"),
            Self::Protocol(e) => write!(f, "{e}"),
        }
    }
}

/// An SMTP reply: its code and text lines.
struct Reply {
    code: u16,
    lines: Vec<String>,
}

impl Reply {
    fn first_line(&self) -> String {
        format!(
            "{} {}",
            self.code,
            self.lines.first().map(String::as_str).unwrap_or_default()
        )
    }
}

/// The plaintext side: the socket, what was read past the last reply, and
/// the deadline.
struct Plain {
    socket: TcpStream,
    buffer: Vec<u8>,
    deadline: Instant,
}

impl Plain {
    fn remaining(&self, step: &'static str) -> Result<Duration, Failure> {
        self.deadline
            .checked_duration_since(Instant::now())
            .filter(|d| !d.is_zero())
            .ok_or(Failure::Timeout(step))
    }

    fn send(&mut self, line: &str, step: &'static str) -> Result<(), Failure> {
        let left = self.remaining(step)?;
        self.socket
            .set_write_timeout(Some(left))
            .map_err(|e| Failure::Protocol(e.to_string()))?;
        self.socket
            .write_all(format!("{line}\r\n").as_bytes())
            .map_err(|e| io_failure(&e, step))
    }

    /// One reply (RFC 5321 §4.2: `CODE-text` lines, then `CODE text`).
    fn reply(&mut self, step: &'static str) -> Result<Reply, Failure> {
        let mut lines = Vec::new();
        let mut code = None;
        loop {
            let line = self.line(step)?;
            let (number, rest) = line.split_at_checked(3).unwrap_or((line.as_str(), ""));
            let this: u16 = number
                .parse()
                .ok()
                .filter(|_| number.bytes().all(|b| b.is_ascii_digit()))
                .ok_or_else(|| Failure::Protocol(format!("not an SMTP reply: {line:?}")))?;
            if code.is_some_and(|c| c != this) {
                return Err(Failure::Protocol(format!(
                    "reply codes change within one reply: {line:?}"
                )));
            }
            code = Some(this);
            let (last, text) = match rest.as_bytes().first() {
                Some(b'-') => (false, rest.get(1..).unwrap_or_default()),
                Some(b' ') => (true, rest.get(1..).unwrap_or_default()),
                None => (true, ""),
                Some(_) => return Err(Failure::Protocol(format!("not an SMTP reply: {line:?}"))),
            };
            lines.push(text.to_owned());
            if last {
                return Ok(Reply { code: this, lines });
            }
            if lines.len() >= MAX_LINES {
                return Err(Failure::Protocol(format!(
                    "a reply of more than {MAX_LINES} lines"
                )));
            }
        }
    }

    fn line(&mut self, step: &'static str) -> Result<String, Failure> {
        loop {
            if let Some(end) = self.buffer.iter().position(|&b| b == b'\n') {
                let raw: Vec<u8> = self.buffer.drain(..=end).collect();
                let text = String::from_utf8_lossy(&raw);
                return Ok(text.trim_end_matches(['\r', '\n']).to_owned());
            }
            if self.buffer.len() > MAX_LINE {
                return Err(Failure::Protocol(format!(
                    "a reply line longer than {MAX_LINE} octets"
                )));
            }
            let left = self.remaining(step)?;
            self.socket
                .set_read_timeout(Some(left))
                .map_err(|e| Failure::Protocol(e.to_string()))?;
            let mut chunk = [0u8; 1024];
            match self.socket.read(&mut chunk) {
                Ok(0) => {
                    return Err(Failure::Protocol(format!(
                        "the server closed the connection during {step}"
                    )));
                }
                Ok(n) => self
                    .buffer
                    .extend_from_slice(chunk.get(..n).unwrap_or_default()),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(io_failure(&e, step)),
            }
        }
    }
}

fn io_failure(e: &io::Error, step: &'static str) -> Failure {
    match e.kind() {
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => Failure::Timeout(step),
        _ => Failure::Protocol(format!("{step}: {e}")),
    }
}

/// STARTTLS to `address`, presenting `server_name` in SNI, offering the
/// signature schemes of `key_type` only (all for `None`).
///
/// # Errors
///
/// The [`Failure`] of the first step that did not work.
pub fn starttls(
    address: SocketAddr,
    server_name: &str,
    key_type: Option<KeyType>,
    options: &Options,
) -> Result<Session, Failure> {
    let deadline = Instant::now() + options.timeout;
    let socket =
        TcpStream::connect_timeout(&address, options.timeout).map_err(|e| match e.kind() {
            io::ErrorKind::ConnectionRefused => Failure::Refused,
            io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => Failure::ConnectTimeout,
            _ => Failure::Connect(e.to_string()),
        })?;
    let mut plain = Plain {
        socket,
        buffer: Vec::new(),
        deadline,
    };
    let greeting = match plain.reply("the greeting") {
        Err(Failure::Timeout(_)) => return Err(Failure::NoGreeting),
        other => other?,
    };
    if greeting.code != 220 {
        return Err(Failure::GreetingRefused(greeting.first_line()));
    }
    plain.send(&format!("EHLO {}", options.ehlo_name), "EHLO")?;
    let ehlo = plain.reply("EHLO")?;
    if ehlo.code != 250 {
        return Err(Failure::EhloRefused(ehlo.first_line()));
    }
    let offers_starttls = ehlo.lines.iter().skip(1).any(|l| {
        l.split_whitespace()
            .next()
            .is_some_and(|k| k.eq_ignore_ascii_case("STARTTLS"))
    });
    if !offers_starttls {
        let _ = plain.send("QUIT", "QUIT");
        return Err(Failure::NoStarttls);
    }
    plain.send("STARTTLS", "STARTTLS")?;
    let ready = plain.reply("STARTTLS")?;
    if ready.code != 220 {
        return Err(Failure::StarttlsRefused(ready.first_line()));
    }
    if !plain.buffer.is_empty() {
        return Err(Failure::PlaintextAfterStarttls);
    }
    let session = handshake(&mut plain, server_name, key_type)?;
    Ok(Session {
        greeting: greeting.first_line(),
        ..session
    })
}

fn handshake(
    plain: &mut Plain,
    server_name: &str,
    key_type: Option<KeyType>,
) -> Result<Session, Failure> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let capture = Arc::new(ChainCapture::new(&provider, key_type));
    let config =
        client_config(provider, capture.clone()).map_err(|e| Failure::Tls(e.to_string()))?;
    let name = ServerName::try_from(server_name.to_owned())
        .map_err(|e| Failure::Tls(format!("server name {server_name:?}: {e}")))?;
    let mut tls =
        ClientConnection::new(Arc::new(config), name).map_err(|e| Failure::Tls(e.to_string()))?;
    let step = "the TLS handshake";
    while tls.is_handshaking() {
        let left = plain.remaining(step)?;
        let _ = plain.socket.set_read_timeout(Some(left));
        let _ = plain.socket.set_write_timeout(Some(left));
        if let Err(e) = tls.complete_io(&mut plain.socket) {
            return Err(
                match e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) {
                    Some(error) => tls_failure(error, key_type),
                    None => io_failure(&e, step),
                },
            );
        }
    }
    let version = tls
        .protocol_version()
        .map(|v| match v {
            rustls::ProtocolVersion::TLSv1_3 => "TLSv1.3".to_owned(),
            rustls::ProtocolVersion::TLSv1_2 => "TLSv1.2".to_owned(),
            other => format!("{other:?}"),
        })
        .unwrap_or_default();
    let cipher = tls
        .negotiated_cipher_suite()
        .and_then(|s| s.suite().as_str())
        .unwrap_or_default()
        .to_owned();
    let chain = capture
        .presented()
        .unwrap_or_default()
        .into_iter()
        .map(|c| c.as_ref().to_vec())
        .collect();
    // Leave politely; what the server says now changes nothing.
    let _ = tls.writer().write_all(b"QUIT\r\n");
    tls.send_close_notify();
    let _ = plain
        .socket
        .set_write_timeout(Some(Duration::from_millis(500)));
    let _ = tls.complete_io(&mut plain.socket);
    let _ = plain.socket.shutdown(Shutdown::Both);
    Ok(Session {
        greeting: String::new(),
        version,
        cipher,
        chain,
    })
}

fn tls_failure(error: &rustls::Error, key_type: Option<KeyType>) -> Failure {
    use rustls::Error as E;
    match error {
        E::AlertReceived(AlertDescription::ProtocolVersion)
        | E::PeerIncompatible(
            PeerIncompatible::ServerDoesNotSupportTls12Or13
            | PeerIncompatible::ServerTlsVersionIsDisabledByOurConfig,
        ) => Failure::OldTls(error.to_string()),
        E::AlertReceived(
            AlertDescription::HandshakeFailure | AlertDescription::InsufficientSecurity,
        )
        | E::PeerIncompatible(
            PeerIncompatible::NoSignatureSchemesInCommon | PeerIncompatible::NoCipherSuitesInCommon,
        )
        | E::PeerMisbehaved(rustls::PeerMisbehaved::SignedHandshakeWithUnadvertisedSigScheme)
            if key_type.is_some() =>
        {
            Failure::NoCertificateOfType(error.to_string())
        }
        E::InvalidCertificate(rustls::CertificateError::BadSignature) => Failure::BadSignature,
        _ => Failure::Tls(error.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;
    use std::thread;

    fn options(timeout_ms: u64) -> Options {
        Options {
            ehlo_name: "checker.example".to_owned(),
            timeout: Duration::from_millis(timeout_ms),
        }
    }

    /// A one-connection server that sends `script` (lines written after
    /// each client line, the first before any) and records what it got.
    fn serve(script: &'static [&'static str]) -> (SocketAddr, thread::JoinHandle<Vec<String>>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        let handle = thread::spawn(move || {
            let (mut socket, _) = listener.accept().unwrap();
            let mut got = Vec::new();
            let mut reader = io::BufReader::new(socket.try_clone().unwrap());
            for answer in script {
                socket.write_all(answer.as_bytes()).unwrap();
                let mut line = String::new();
                if io::BufRead::read_line(&mut reader, &mut line).unwrap_or(0) == 0 {
                    break;
                }
                got.push(line.trim_end().to_owned());
            }
            got
        });
        (address, handle)
    }

    #[test]
    fn no_starttls_in_ehlo() {
        let (address, server) = serve(&[
            "220 mx.example ESMTP\r\n",
            "250-mx.example\r\n250-PIPELINING\r\n250 8BITMIME\r\n",
        ]);
        let result = starttls(address, "mx.example", None, &options(2000));
        assert_eq!(result.unwrap_err(), Failure::NoStarttls);
        assert_eq!(server.join().unwrap(), ["EHLO checker.example", "QUIT"]);
    }

    #[test]
    fn starttls_refused_and_greeting_refused() {
        let (address, _server) = serve(&[
            "220 mx.example ESMTP\r\n",
            "250-mx.example\r\n250 STARTTLS\r\n",
            "454 4.7.0 TLS not available\r\n",
        ]);
        let result = starttls(address, "mx.example", None, &options(2000));
        assert_eq!(
            result.unwrap_err(),
            Failure::StarttlsRefused("454 4.7.0 TLS not available".to_owned())
        );
        let (address, _server) = serve(&["554 5.3.2 go away\r\n"]);
        let result = starttls(address, "mx.example", None, &options(2000));
        assert_eq!(result.unwrap_err().code(), "greeting-refused");
    }

    #[test]
    fn data_after_the_starttls_reply_is_refused() {
        let (address, _server) = serve(&[
            "220 mx.example ESMTP\r\n",
            "250-mx.example\r\n250 starttls\r\n",
            "220 2.0.0 Ready\r\n250 injected\r\n",
        ]);
        let result = starttls(address, "mx.example", None, &options(2000));
        assert_eq!(result.unwrap_err(), Failure::PlaintextAfterStarttls);
    }

    #[test]
    fn silent_and_closed_ports() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        let result = starttls(address, "mx.example", None, &options(300));
        assert_eq!(result.unwrap_err(), Failure::NoGreeting);
        drop(listener);
        let result = starttls(address, "mx.example", None, &options(300));
        assert_eq!(result.unwrap_err(), Failure::Refused);
    }

    /// What a server that speaks only TLS 1.0 or 1.1 answers a ClientHello
    /// for 1.2 and 1.3: a fatal protocol_version alert (RFC 8446 §6.2).
    #[test]
    fn only_old_tls() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        let server = thread::spawn(move || {
            let (mut socket, _) = listener.accept().unwrap();
            let mut reader = io::BufReader::new(socket.try_clone().unwrap());
            let mut line = String::new();
            for answer in [
                "220 old.example\r\n",
                "250-old.example\r\n250 STARTTLS\r\n",
                "220 go ahead\r\n",
            ] {
                socket.write_all(answer.as_bytes()).unwrap();
                if answer.starts_with("220 go") {
                    break;
                }
                io::BufRead::read_line(&mut reader, &mut line).unwrap();
            }
            let mut hello = [0u8; 5];
            socket.read_exact(&mut hello).unwrap();
            socket
                .write_all(&[0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x46])
                .unwrap();
        });
        let result = starttls(address, "old.example", None, &options(2000));
        let failure = result.unwrap_err();
        assert_eq!(failure.code(), "tls-version-too-old", "{failure}");
        assert!(
            failure.to_string().contains("TLS 1.1 or older"),
            "{failure}"
        );
        server.join().unwrap();
    }

    #[test]
    fn garbled_replies() {
        let (address, _server) = serve(&["hello\r\n"]);
        let result = starttls(address, "mx.example", None, &options(2000));
        assert_eq!(result.unwrap_err().code(), "smtp-protocol-error");
        let (address, _server) = serve(&["220-one\r\n221 two\r\n"]);
        let result = starttls(address, "mx.example", None, &options(2000));
        assert_eq!(result.unwrap_err().code(), "smtp-protocol-error");
    }
}
