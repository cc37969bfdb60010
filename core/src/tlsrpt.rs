//! SMTP TLS Reporting (RFC 8460): the result types of §4.3 and the
//! `_smtp._tls` TXT record of §3 that says where reports go.

use crate::Error;
use crate::limits::MAX_TLSRPT_URIS;
use crate::txt::{self, Unavailable, for_each_field, is_ext_value, is_wsp, version_rest};
use core::fmt;
use core::net::IpAddr;

const VERSION: &[u8] = b"v=TLSRPTv1";

/// A result type of RFC 8460 §4.3, the classification of a failed attempt
/// to establish a secure session, as it appears in a TLSRPT report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ResultType {
    /// `starttls-not-supported`: the receiving MTA did not offer STARTTLS
    /// (RFC 8460 §4.3.1).
    StarttlsNotSupported,
    /// `certificate-host-mismatch`: the certificate presented did not adhere
    /// to the constraints of the policy, for example no name matched
    /// (RFC 8460 §4.3.1).
    CertificateHostMismatch,
    /// `certificate-expired`: the certificate has expired (RFC 8460 §4.3.1).
    CertificateExpired,
    /// `certificate-not-trusted`: the certificate chain could not be
    /// authenticated (RFC 8460 §4.3.1).
    CertificateNotTrusted,
    /// `validation-failure`: a general failure for a reason not matching any
    /// other category (RFC 8460 §4.3.1).
    ValidationFailure,
    /// `tlsa-invalid`: a validation error in the TLSA RRset of a DANE policy;
    /// none of the records were usable (RFC 8460 §4.3.2).
    TlsaInvalid,
    /// `dnssec-invalid`: no valid records were returned from the recursive
    /// resolver, the DNSSEC validation failed (RFC 8460 §4.3.2).
    DnssecInvalid,
    /// `dane-required`: the sender requires DANE for this destination but no
    /// DNSSEC-validated TLSA records were present (RFC 8460 §4.3.2).
    DaneRequired,
    /// `sts-policy-fetch-error`: the MTA-STS policy could not be fetched
    /// (RFC 8460 §4.3.3).
    StsPolicyFetchError,
    /// `sts-policy-invalid`: the MTA-STS policy could not be parsed or
    /// validated (RFC 8460 §4.3.3).
    StsPolicyInvalid,
    /// `sts-webpki-invalid`: the HTTPS server hosting the MTA-STS policy did
    /// not present a valid PKIX certificate (RFC 8460 §4.3.3).
    StsWebpkiInvalid,
}

impl ResultType {
    /// Every result type, in the order of RFC 8460 §4.3.
    pub const ALL: [Self; 11] = [
        Self::StarttlsNotSupported,
        Self::CertificateHostMismatch,
        Self::CertificateExpired,
        Self::CertificateNotTrusted,
        Self::ValidationFailure,
        Self::TlsaInvalid,
        Self::DnssecInvalid,
        Self::DaneRequired,
        Self::StsPolicyFetchError,
        Self::StsPolicyInvalid,
        Self::StsWebpkiInvalid,
    ];

    /// The string that names this result type in a report.
    ///
    /// ```
    /// use mxtrust::tlsrpt::ResultType;
    /// assert_eq!(ResultType::TlsaInvalid.as_str(), "tlsa-invalid");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::StarttlsNotSupported => "starttls-not-supported",
            Self::CertificateHostMismatch => "certificate-host-mismatch",
            Self::CertificateExpired => "certificate-expired",
            Self::CertificateNotTrusted => "certificate-not-trusted",
            Self::ValidationFailure => "validation-failure",
            Self::TlsaInvalid => "tlsa-invalid",
            Self::DnssecInvalid => "dnssec-invalid",
            Self::DaneRequired => "dane-required",
            Self::StsPolicyFetchError => "sts-policy-fetch-error",
            Self::StsPolicyInvalid => "sts-policy-invalid",
            Self::StsWebpkiInvalid => "sts-webpki-invalid",
        }
    }

    /// The result type a report string names, if any (exact match).
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == name)
    }
}

impl fmt::Display for ResultType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One `failure-details` entry of a TLSRPT report (RFC 8460 §4.3, §4.4):
/// what failed, where, and how often. Sessions that agree on everything
/// but the count are one entry ([`Self::same_entry`]); addresses are
/// [`core::net::IpAddr`], never text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FailureDetails<'a> {
    /// `result-type`.
    pub result_type: ResultType,
    /// `sending-mta-ip`: the address the sender connected from.
    pub sending_mta_ip: Option<IpAddr>,
    /// `receiving-mx-hostname`: the MX host name the sender connected to.
    pub receiving_mx_hostname: Option<&'a str>,
    /// `receiving-mx-helo`: the name the receiving MTA gave in its greeting.
    pub receiving_mx_helo: Option<&'a str>,
    /// `receiving-ip`: the address the sender connected to.
    pub receiving_ip: Option<IpAddr>,
    /// `failed-session-count`.
    pub failed_session_count: u64,
    /// `additional-information`: a URI with more detail.
    pub additional_information: Option<&'a str>,
    /// `failure-reason-code`: free text, e.g. a TLS alert or an mxtrust code.
    pub failure_reason_code: Option<&'a str>,
}

impl<'a> FailureDetails<'a> {
    /// One failed session of `result_type`, nothing else known yet.
    pub const fn new(result_type: ResultType) -> Self {
        Self {
            result_type,
            sending_mta_ip: None,
            receiving_mx_hostname: None,
            receiving_mx_helo: None,
            receiving_ip: None,
            failed_session_count: 1,
            additional_information: None,
            failure_reason_code: None,
        }
    }

    /// Whether `other` belongs in the same entry: every field equal but the
    /// count (host names ASCII case-insensitively, one trailing dot
    /// ignored).
    pub fn same_entry(&self, other: &Self) -> bool {
        let same_name = |a: Option<&str>, b: Option<&str>| match (a, b) {
            (Some(a), Some(b)) => crate::name::names_equal(a.as_bytes(), b.as_bytes()),
            (a, b) => a == b,
        };
        self.result_type == other.result_type
            && self.sending_mta_ip == other.sending_mta_ip
            && same_name(self.receiving_mx_hostname, other.receiving_mx_hostname)
            && same_name(self.receiving_mx_helo, other.receiving_mx_helo)
            && self.receiving_ip == other.receiving_ip
            && self.additional_information == other.additional_information
            && self.failure_reason_code == other.failure_reason_code
    }

    /// Adds `other`'s sessions to this entry when it is the same entry
    /// ([`Self::same_entry`]); the count saturates. Returns whether it
    /// was.
    pub fn absorb(&mut self, other: &Self) -> bool {
        if !self.same_entry(other) {
            return false;
        }
        self.failed_session_count = self
            .failed_session_count
            .saturating_add(other.failed_session_count);
        true
    }
}

/// A report URI of a `rua` field (RFC 8460 §3), borrowed from the record.
/// The text is the whole URI, scheme included, still %-encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ReportUri<'a> {
    /// A `mailto:` URI (RFC 8460 §3, §5.3).
    Mailto(&'a str),
    /// An `https:` URI (RFC 8460 §3, §5.4).
    Https(&'a str),
    /// Another scheme; RFC 8460 §3 defines only the two above, so senders
    /// may ignore it.
    Other(&'a str),
}

impl<'a> ReportUri<'a> {
    /// The URI text.
    pub fn as_str(&self) -> &'a str {
        match self {
            Self::Mailto(s) | Self::Https(s) | Self::Other(s) => s,
        }
    }
}

/// A parsed `_smtp._tls` TXT record (RFC 8460 §3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Record<'a> {
    /// The first `rua` value, checked (so ASCII).
    rua: &'a str,
    count: usize,
}

impl<'a> Record<'a> {
    /// Parses one record, its character-strings already concatenated.
    ///
    /// Grammar (RFC 8460 §3): `v=TLSRPTv1` first, fields separated by
    /// `*WSP ";" *WSP` with an optional trailing separator, `rua=` a list of
    /// URIs separated by `*WSP "," *WSP`; within a URI, `,` and `;` must be
    /// %-encoded. The first `rua` counts; unknown fields only need valid
    /// syntax.
    ///
    /// # Errors
    ///
    /// [`Error::TlsrptRecordSyntax`], [`Error::TlsrptMissingRua`],
    /// [`Error::TlsrptInvalidUri`], and [`Error::TooManyReportUris`] beyond
    /// [`MAX_TLSRPT_URIS`].
    ///
    /// # Examples
    ///
    /// ```
    /// use mxtrust::tlsrpt::{ReportUri, Record};
    /// let r = Record::parse(
    ///     b"v=TLSRPTv1; rua=mailto:tlsrpt@example.com, https://r.example.com/v1",
    /// )?;
    /// let mut uris = r.uris();
    /// assert_eq!(uris.next(), Some(ReportUri::Mailto("mailto:tlsrpt@example.com")));
    /// assert_eq!(uris.next(), Some(ReportUri::Https("https://r.example.com/v1")));
    /// assert_eq!(uris.next(), None);
    /// # Ok::<(), mxtrust::Error>(())
    /// ```
    pub fn parse(record: &'a [u8]) -> Result<Self, Error> {
        let rest = version_rest(record, VERSION).ok_or(Error::TlsrptRecordSyntax)?;
        let mut rua = None;
        for_each_field(rest, Error::TlsrptRecordSyntax, |name, value| {
            if name == b"rua" && rua.is_none() {
                let count = check_rua(value)?;
                // Checked URIs are visible ASCII: this never fails.
                let text = core::str::from_utf8(value).map_err(|_| Error::TlsrptInvalidUri)?;
                rua = Some(Self { rua: text, count });
            } else if !is_ext_value(value) {
                return Err(Error::TlsrptRecordSyntax);
            }
            Ok(())
        })?;
        rua.ok_or(Error::TlsrptMissingRua)
    }

    /// The report URIs, in record order (at least one).
    pub fn uris(&self) -> impl Iterator<Item = ReportUri<'a>> + 'a {
        RuaItems(Some(self.rua)).map(classify)
    }

    /// How many report URIs there are.
    pub fn uri_count(&self) -> usize {
        self.count
    }
}

/// The items of a `rua` value: split at `,`, whitespace around each
/// dropped (RFC 8460 §3 `*WSP "," *WSP`). Written out rather than as
/// `split` and `map`, which cost more than these few dozen octets.
struct RuaItems<'a>(Option<&'a str>);

impl<'a> Iterator for RuaItems<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let rest = self.0?;
        match txt::find(rest.as_bytes(), b',') {
            Some(i) => {
                self.0 = rest.get(i.saturating_add(1)..);
                rest.get(..i).map(trim_wsp_str)
            }
            None => {
                self.0 = None;
                Some(trim_wsp_str(rest))
            }
        }
    }
}

/// `s` without WSP (SP, HTAB) at either end.
fn trim_wsp_str(s: &str) -> &str {
    s.trim_matches([' ', '\t'])
}

/// The kind of a checked URI, by its scheme (ASCII case-insensitive).
fn classify(uri: &str) -> ReportUri<'_> {
    let scheme = |prefix: &str| {
        uri.get(..prefix.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
    };
    if scheme("mailto:") {
        ReportUri::Mailto(uri)
    } else if scheme("https:") {
        ReportUri::Https(uri)
    } else {
        ReportUri::Other(uri)
    }
}

/// Checks every URI of a `rua` value and counts them: for each item
/// between commas, in order, that the item without the whitespace around
/// it is a URI (see [`uri_end`]), then the count against
/// [`MAX_TLSRPT_URIS`]; in one pass over the octets.
fn check_rua(rua: &[u8]) -> Result<usize, Error> {
    let skip_wsp = |mut i: usize| {
        while rua.get(i).is_some_and(|&b| is_wsp(b)) {
            i = i.saturating_add(1);
        }
        i
    };
    let mut count = 0usize;
    let mut i = 0usize;
    loop {
        i = skip_wsp(i);
        let end = uri_end(rua, i).ok_or(Error::TlsrptInvalidUri)?;
        i = skip_wsp(end);
        let more = match rua.get(i) {
            None => false,
            Some(b',') => true,
            Some(_) => return Err(Error::TlsrptInvalidUri),
        };
        count = count.saturating_add(1);
        if count > MAX_TLSRPT_URIS {
            return Err(Error::TooManyReportUris);
        }
        if !more {
            return Ok(count);
        }
        i = i.saturating_add(1);
    }
}

/// Where the URI that starts at `rua[start]` ends, if one does, read up
/// to the first octet a URI cannot hold as it is (a `,`, whitespace, the
/// end): `scheme ":" 1*uri-char` (RFC 3986 §3.1), where a URI character
/// is a visible ASCII character other than `,` and `;`, and `%` starts a
/// two-hex-digit escape (RFC 3986 §2.1, RFC 8460 §3).
fn uri_end(rua: &[u8], start: usize) -> Option<usize> {
    let mut i = start;
    rua.get(i).filter(|b| b.is_ascii_alphabetic())?;
    while rua
        .get(i)
        .is_some_and(|&b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
    {
        i = i.saturating_add(1);
    }
    rua.get(i).filter(|&&b| b == b':')?;
    i = i.saturating_add(1);
    let body = i;
    loop {
        match rua.get(i) {
            Some(&b) if URI_OCTET.get(usize::from(b)).copied().unwrap_or(false) => {
                i = i.saturating_add(1);
            }
            Some(b'%') => {
                let hex = |at: usize| rua.get(at).is_some_and(u8::is_ascii_hexdigit);
                if !hex(i.saturating_add(1)) || !hex(i.saturating_add(2)) {
                    return None;
                }
                i = i.saturating_add(3);
            }
            _ => break,
        }
    }
    (i != body).then_some(i)
}

/// The octets a URI holds as they are: visible ASCII but `,`, `;` and
/// `%` (which [`uri_end`] looks at one by one).
// Built at compile time, where an index out of bounds fails the build.
#[allow(clippy::indexing_slicing, clippy::as_conversions)]
const URI_OCTET: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0x21;
    while b <= 0x7e {
        table[b] = !matches!(b as u8, b',' | b';' | b'%');
        b += 1;
    }
    table
};

/// What a `_smtp._tls` TXT RRset says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lookup<'a> {
    /// Exactly one valid `v=TLSRPTv1` record.
    Found(Record<'a>),
    /// The domain does not ask for reports (RFC 8460 §3: not exactly one
    /// record, or an invalid one).
    NoPolicy(Unavailable),
}

/// Selects and parses the TLSRPT record of a `_smtp._tls` TXT RRset
/// (RFC 8460 §3): records not starting with `v=TLSRPTv1` are discarded and
/// exactly one must remain. Strings of a record are concatenated: in place
/// for a one-string record, else in `scratch`.
///
/// # Errors
///
/// Only [`Error::BufferTooSmall`] (with the record's length) when a
/// multi-string record does not fit in `scratch`.
pub fn select<'a>(rrset: &[&[&'a [u8]]], scratch: &'a mut [u8]) -> Result<Lookup<'a>, Error> {
    Ok(match txt::select(rrset, VERSION, scratch, Record::parse)? {
        Ok(record) => Lookup::Found(record),
        Err(why) => Lookup::NoPolicy(why),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::txt::{trim_wsp_end, trim_wsp_start};

    /// `check_rua` and `uris` as first written (split, trims, a
    /// `from_utf8` per URI, the scheme before the first `:`), kept to hold
    /// the one-pass versions to them.
    fn rua_as_written(rua: &[u8]) -> Result<std::vec::Vec<ReportUri<'_>>, Error> {
        let items = || {
            rua.split(|&b| b == b',')
                .map(|item| trim_wsp_end(trim_wsp_start(item)))
        };
        let mut count = 0usize;
        for uri in items() {
            if !is_uri_as_written(uri) {
                return Err(Error::TlsrptInvalidUri);
            }
            count += 1;
            if count > MAX_TLSRPT_URIS {
                return Err(Error::TooManyReportUris);
            }
        }
        Ok(items()
            .filter_map(|uri| core::str::from_utf8(uri).ok())
            .map(|uri| {
                let scheme = uri.split(':').next().unwrap_or("");
                if scheme.eq_ignore_ascii_case("mailto") {
                    ReportUri::Mailto(uri)
                } else if scheme.eq_ignore_ascii_case("https") {
                    ReportUri::Https(uri)
                } else {
                    ReportUri::Other(uri)
                }
            })
            .collect())
    }

    fn is_uri_as_written(uri: &[u8]) -> bool {
        let Some(colon) = uri.iter().position(|&b| b == b':') else {
            return false;
        };
        let (scheme, rest) = uri.split_at(colon);
        let rest = rest.get(1..).unwrap_or(&[]);
        let scheme_ok = scheme.first().is_some_and(u8::is_ascii_alphabetic)
            && scheme
                .iter()
                .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
        if !scheme_ok || rest.is_empty() {
            return false;
        }
        let mut bytes = rest.iter();
        while let Some(&b) = bytes.next() {
            match b {
                b'%' => {
                    let hex = |b: Option<&u8>| b.is_some_and(u8::is_ascii_hexdigit);
                    if !hex(bytes.next()) || !hex(bytes.next()) {
                        return false;
                    }
                }
                b',' | b';' => return false,
                _ if is_wsp(b) || !b.is_ascii_graphic() => return false,
                _ => {}
            }
        }
        true
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4096))]

        /// The record's URIs, and its verdict, are those of the code as
        /// first written.
        #[test]
        fn rua_as_first_written(
            rua in "(( |\t)*(mailto|MAILTO|https|HTTPS|Https|ftp|x|1a|mailto2)?:?[a-z@./%0-9A-F;\x7f\u{e9}:-]{0,12}( |\t)*,?){0,18}"
        ) {
            let record = std::format!("v=TLSRPTv1; rua={rua}");
            let got = Record::parse(record.as_bytes()).map(|r| r.uris().collect::<std::vec::Vec<_>>());
            let expected = match version_rest(record.as_bytes(), VERSION) {
                Some(rest) if rest == std::format!("; rua={rua}").as_bytes() => {
                    // What for_each_field hands to the rua rule, if it does.
                    let mut uris = None;
                    let fields = for_each_field(rest, Error::TlsrptRecordSyntax, |name, v| {
                        if name == b"rua" && uris.is_none() {
                            uris = Some(rua_as_written(v)?);
                        } else if !is_ext_value(v) {
                            return Err(Error::TlsrptRecordSyntax);
                        }
                        Ok(())
                    });
                    match (fields, uris) {
                        (Err(e), _) => Err(e),
                        (Ok(()), None) => Err(Error::TlsrptMissingRua),
                        (Ok(()), Some(uris)) => Ok(uris),
                    }
                }
                _ => unreachable!(),
            };
            proptest::prop_assert_eq!(got, expected, "{:?}", rua);
        }
    }

    #[test]
    fn failure_details_group_by_everything_but_the_count() {
        let mut a = FailureDetails::new(ResultType::CertificateExpired);
        a.receiving_mx_hostname = Some("MX.example.com.");
        a.receiving_ip = "2001:db8::25".parse().ok();
        let mut b = a;
        b.receiving_mx_hostname = Some("mx.example.com");
        b.failed_session_count = 3;
        assert!(a.absorb(&b));
        assert_eq!(a.failed_session_count, 4);
        let mut other_ip = b;
        other_ip.receiving_ip = "192.0.2.25".parse().ok();
        assert!(!a.same_entry(&other_ip));
        let mut other_type = b;
        other_type.result_type = ResultType::CertificateNotTrusted;
        assert!(!a.absorb(&other_type));
        assert_eq!(a.failed_session_count, 4);
        a.failed_session_count = u64::MAX;
        assert!(a.absorb(&b));
        assert_eq!(a.failed_session_count, u64::MAX);
    }

    #[test]
    fn names_are_the_rfc_8460_strings_and_round_trip() {
        let expected = [
            "starttls-not-supported",
            "certificate-host-mismatch",
            "certificate-expired",
            "certificate-not-trusted",
            "validation-failure",
            "tlsa-invalid",
            "dnssec-invalid",
            "dane-required",
            "sts-policy-fetch-error",
            "sts-policy-invalid",
            "sts-webpki-invalid",
        ];
        for (t, name) in ResultType::ALL.iter().zip(expected) {
            assert_eq!(t.as_str(), name);
            assert_eq!(ResultType::from_name(name), Some(*t), "{name}");
        }
        assert_eq!(ResultType::from_name("TLSA-invalid"), None);
    }

    /// RFC 8460 §3 grammar, clause by clause: (record, URIs or error).
    const RECORD_CASES: &[(&str, Result<&[ReportUri<'static>], Error>)] = &[
        (
            "v=TLSRPTv1; rua=mailto:r@example.com",
            Ok(&[ReportUri::Mailto("mailto:r@example.com")]),
        ),
        (
            "v=TLSRPTv1;rua=https://r.example/x;",
            Ok(&[ReportUri::Https("https://r.example/x")]),
        ),
        (
            "v=TLSRPTv1 ; rua=mailto:a@x.example ,\thttps://r.example",
            Ok(&[
                ReportUri::Mailto("mailto:a@x.example"),
                ReportUri::Https("https://r.example"),
            ]),
        ),
        (
            "v=TLSRPTv1; rua=MAILTO:a@x.example",
            Ok(&[ReportUri::Mailto("MAILTO:a@x.example")]),
        ),
        (
            "v=TLSRPTv1; rua=ftp://r.example",
            Ok(&[ReportUri::Other("ftp://r.example")]),
        ),
        (
            "v=TLSRPTv1; rua=mailto:a%2Cb@x.example",
            Ok(&[ReportUri::Mailto("mailto:a%2Cb@x.example")]),
        ),
        (
            "v=TLSRPTv1; rua=https://r.example/?a=b%3bc",
            Ok(&[ReportUri::Https("https://r.example/?a=b%3bc")]),
        ),
        (
            "v=TLSRPTv1; rua=mailto:a@x.example; ext=1",
            Ok(&[ReportUri::Mailto("mailto:a@x.example")]),
        ),
        (
            "v=TLSRPTv1; rua=mailto:a@x.example; rua=mailto:b@x.example",
            Ok(&[ReportUri::Mailto("mailto:a@x.example")]),
        ),
        ("v=TLSRPTv1", Err(Error::TlsrptMissingRua)),
        ("v=TLSRPTv1; ext=1", Err(Error::TlsrptMissingRua)),
        (
            "v=TLSRPTv1 rua=mailto:a@x.example",
            Err(Error::TlsrptRecordSyntax),
        ),
        (
            "v=tlsrptv1; rua=mailto:a@x.example",
            Err(Error::TlsrptRecordSyntax),
        ),
        (
            " v=TLSRPTv1; rua=mailto:a@x.example",
            Err(Error::TlsrptRecordSyntax),
        ),
        (
            "v=TLSRPTv1;; rua=mailto:a@x.example",
            Err(Error::TlsrptRecordSyntax),
        ),
        ("v=TLSRPTv1; rua=", Err(Error::TlsrptInvalidUri)),
        (
            "v=TLSRPTv1; rua=mailto:a@x.example,,mailto:b@x.example",
            Err(Error::TlsrptInvalidUri),
        ),
        (
            "v=TLSRPTv1; rua=mailto:a@x.example,",
            Err(Error::TlsrptInvalidUri),
        ),
        (
            "v=TLSRPTv1; rua=r@example.com",
            Err(Error::TlsrptInvalidUri),
        ),
        ("v=TLSRPTv1; rua=mailto:", Err(Error::TlsrptInvalidUri)),
        (
            "v=TLSRPTv1; rua=mailto:a b@x.example",
            Err(Error::TlsrptInvalidUri),
        ),
        (
            "v=TLSRPTv1; rua=mailto:a%2@x.example",
            Err(Error::TlsrptInvalidUri),
        ),
        (
            "v=TLSRPTv1; rua=mailto:a%zz@x.example",
            Err(Error::TlsrptInvalidUri),
        ),
        (
            "v=TLSRPTv1; rua=1mailto:a@x.example",
            Err(Error::TlsrptInvalidUri),
        ),
        (
            "v=TLSRPTv1; rua=mailto:\u{e9}@x.example",
            Err(Error::TlsrptInvalidUri),
        ),
        (
            "v=TLSRPTv1; rua=mailto:a@x.example; ext=",
            Err(Error::TlsrptRecordSyntax),
        ),
    ];

    #[test]
    fn record_grammar() {
        for (record, expected) in RECORD_CASES {
            let got =
                Record::parse(record.as_bytes()).map(|r| r.uris().collect::<std::vec::Vec<_>>());
            let expected = expected.map(<[_]>::to_vec);
            assert_eq!(got, expected, "record {record:?}");
        }
        let many = std::format!(
            "v=TLSRPTv1; rua={}",
            ["mailto:a@x.example"; MAX_TLSRPT_URIS + 1].join(",")
        );
        assert_eq!(
            Record::parse(many.as_bytes()),
            Err(Error::TooManyReportUris)
        );
    }

    #[test]
    fn rrset_selection() {
        let mut scratch = [0u8; 64];
        let two: &[&[&[u8]]] = &[
            &[b"v=TLSRPTv1; rua=mailto:a@x"],
            &[b"v=TLSRPTv1; rua=mailto:b@x"],
        ];
        assert_eq!(
            select(two, &mut scratch),
            Ok(Lookup::NoPolicy(Unavailable::SeveralRecords))
        );
        let none: &[&[&[u8]]] = &[&[b"v=STSv1; id=1"]];
        assert_eq!(
            select(none, &mut scratch),
            Ok(Lookup::NoPolicy(Unavailable::NoRecord))
        );
        let split: &[&[&[u8]]] = &[&[b"v=TLSRPTv1; rua=mai", b"lto:a@x.example"]];
        match select(split, &mut scratch) {
            Ok(Lookup::Found(r)) => assert_eq!(
                r.uris().next(),
                Some(ReportUri::Mailto("mailto:a@x.example"))
            ),
            other => panic!("{other:?}"),
        }
    }
}
