//! The wire formats: Postfix's socketmap (netstrings) and the one-line mode
//! for Exim's `${readsocket}`, and how an [`Answer`] is written in each.

use mxtrust::policy::MxPattern;

/// The largest request accepted: a name, a space and a domain name (at most
/// 253 octets) fit in far less. Anything longer ends the connection.
pub const MAX_REQUEST: usize = 512;

/// What the server says about a next-hop domain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    /// Let Postfix run its own DANE (`dane`: DANE for hosts with usable
    /// TLSA records, opportunistic TLS for the others, RFC 7672 §2.2).
    Dane,
    /// Postfix's DANE, and no delivery to MX hosts without usable TLSA.
    DaneOnly,
    /// An `enforce` MTA-STS policy: verified TLS to an MX host matching one
    /// of the patterns, as Postfix writes them (`*.` becomes a leading dot).
    Secure(Vec<String>),
    /// No requirement from us (no policy, `testing`, `none`).
    NotFound,
    /// Defer: nothing is known and the lookup failed.
    Temp(String),
}

impl Answer {
    /// An `enforce` answer from policy patterns (`*.example.net` or
    /// `mx.example.net`).
    pub fn secure<'a>(patterns: impl IntoIterator<Item = &'a [u8]>) -> Self {
        Self::Secure(
            patterns
                .into_iter()
                .map(|p| {
                    let text = String::from_utf8_lossy(p).to_ascii_lowercase();
                    match text.strip_prefix("*.") {
                        Some(rest) => format!(".{rest}"),
                        None => text,
                    }
                })
                .collect(),
        )
    }

    /// An `enforce` answer from a policy's parsed patterns (the cache's or
    /// a freshly parsed one), through their text (core's `Display` writes
    /// the `*.`).
    pub fn enforce<'a>(patterns: impl IntoIterator<Item = MxPattern<'a>>) -> Self {
        let texts: Vec<String> = patterns.into_iter().map(|p| p.to_string()).collect();
        Self::secure(texts.iter().map(String::as_bytes))
    }

    /// The patterns of a `Secure` answer (empty otherwise).
    pub fn patterns(self) -> Vec<String> {
        match self {
            Self::Secure(p) => p,
            _ => Vec::new(),
        }
    }

    /// The socketmap reply (before netstring framing).
    pub fn socketmap(&self) -> String {
        match self {
            Self::Dane => "OK dane".to_owned(),
            Self::DaneOnly => "OK dane-only".to_owned(),
            Self::Secure(m) => format!("OK secure match={} servername=hostname", m.join(":")),
            Self::NotFound => "NOTFOUND ".to_owned(),
            Self::Temp(why) => format!("TEMP {}", one_line(why)),
        }
    }

    /// The one-line reply for Exim: the Postfix policy words, `none`, or
    /// `temp REASON`.
    pub fn line(&self) -> String {
        match self {
            Self::NotFound => "none".to_owned(),
            Self::Temp(why) => format!("temp {}", one_line(why)),
            other => other.socketmap().trim_start_matches("OK ").to_owned(),
        }
    }
}

fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                '?'
            }
        })
        .take(200)
        .collect()
}

/// A netstring (`LEN:DATA,`).
pub fn netstring(data: &str) -> Vec<u8> {
    let mut out = format!("{}:", data.len()).into_bytes();
    out.extend_from_slice(data.as_bytes());
    out.push(b',');
    out
}

/// Why a request could not be read.
#[derive(Debug, PartialEq, Eq)]
pub enum BadRequest {
    /// Not a netstring.
    Framing,
    /// Longer than [`MAX_REQUEST`].
    TooLong,
}

/// Takes one netstring off the front of `buf`: `Ok(None)` when more octets
/// are needed, else the payload and how many octets it used.
pub fn take_netstring(buf: &[u8]) -> Result<Option<(&[u8], usize)>, BadRequest> {
    let Some(colon) = buf.iter().position(|&b| b == b':') else {
        if buf.len() > 10 || !buf.iter().all(u8::is_ascii_digit) {
            return Err(BadRequest::Framing);
        }
        return Ok(None);
    };
    let digits = buf.get(..colon).unwrap_or_default();
    if digits.is_empty() || digits.len() > 10 || !digits.iter().all(u8::is_ascii_digit) {
        return Err(BadRequest::Framing);
    }
    let len: usize = std::str::from_utf8(digits)
        .ok()
        .and_then(|s| s.parse().ok())
        .ok_or(BadRequest::Framing)?;
    if len > MAX_REQUEST {
        return Err(BadRequest::TooLong);
    }
    let end = colon + 1 + len;
    if buf.len() <= end {
        return Ok(None);
    }
    if buf.get(end) != Some(&b',') {
        return Err(BadRequest::Framing);
    }
    Ok(Some((buf.get(colon + 1..end).unwrap_or_default(), end + 1)))
}

/// A socketmap request, `NAME KEY`: the key, when the name is ours.
pub fn socketmap_key<'a>(payload: &'a str, name: &str) -> Result<&'a str, String> {
    let (n, key) = payload
        .split_once(' ')
        .ok_or_else(|| "request without a space".to_owned())?;
    if n != name {
        return Err(format!("unknown map name {n:?}"));
    }
    Ok(key)
}

/// The domain a key names: Postfix may ask with a trailing dot or in
/// another case. `None` for what is not a domain name (an address
/// literal, a `[host]`).
pub fn domain_of(key: &str) -> Option<String> {
    let d = key.trim().trim_end_matches('.').to_ascii_lowercase();
    let ok = !d.is_empty()
        && d.len() <= 253
        && d.contains('.')
        && d.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && l.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        });
    ok.then_some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn netstrings_round_trip_and_partial_input() {
        assert_eq!(netstring("OK dane"), b"7:OK dane,");
        assert_eq!(
            take_netstring(b"5:a b.c,rest"),
            Ok(Some((&b"a b.c"[..], 8)))
        );
        assert_eq!(take_netstring(b"5:a b"), Ok(None));
        assert_eq!(take_netstring(b"12"), Ok(None));
        assert_eq!(take_netstring(b"x:"), Err(BadRequest::Framing));
        assert_eq!(take_netstring(b"3:abc;"), Err(BadRequest::Framing));
        assert_eq!(take_netstring(b"99999:"), Err(BadRequest::TooLong));
        assert_eq!(take_netstring(b"12345678901"), Err(BadRequest::Framing));
    }

    #[test]
    fn answers_in_postfix_and_exim_words() {
        let a = Answer::secure([&b"mx.Example.net"[..], b"*.example.org"]);
        assert_eq!(
            a.socketmap(),
            "OK secure match=mx.example.net:.example.org servername=hostname"
        );
        assert_eq!(
            a.line(),
            "secure match=mx.example.net:.example.org servername=hostname"
        );
        let parsed = [b"mx.Example.net".as_slice(), b"*.example.org"]
            .map(|p| MxPattern::parse(p).expect("a pattern"));
        assert_eq!(Answer::enforce(parsed), a);
        assert_eq!(Answer::NotFound.socketmap(), "NOTFOUND ");
        assert_eq!(Answer::NotFound.line(), "none");
        assert_eq!(Answer::Dane.socketmap(), "OK dane");
        assert_eq!(Answer::DaneOnly.line(), "dane-only");
        assert_eq!(
            Answer::Temp("dns\nfail".into()).socketmap(),
            "TEMP dns?fail"
        );
    }

    #[test]
    fn keys() {
        assert_eq!(
            socketmap_key("mta-sts example.com", "mta-sts"),
            Ok("example.com")
        );
        assert!(socketmap_key("other example.com", "mta-sts").is_err());
        assert_eq!(domain_of("Example.COM."), Some("example.com".into()));
        assert_eq!(domain_of("[192.0.2.1]"), None);
        assert_eq!(domain_of("localhost"), None);
    }
}
